/* The event log's queue and pace, pure (no locks, no clock: the caller
 * passes the time), so that unit tests drive them.  The queue is a bounded
 * FIFO of formatted lines: a push on a full queue is refused and the caller
 * counts the line as dropped.  The pace is a token bucket: at most rate
 * lines a second, with bursts of up to burst lines. */
#ifndef IKW_EVENTLOG_QUEUE_H
#define IKW_EVENTLOG_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

/* One queued event: the JSON line (with its '\n') and the journal's
 * NUL-separated fields (NULL when the journal is off).  Owned by the
 * queue while queued, by whoever popped it after. */
struct evq_item {
	char *line;
	size_t len;
	char *journal;
	size_t jlen;
};

struct evq {
	struct evq_item *ring;
	size_t cap, head, len;
};

int evq_init(struct evq *q, size_t cap);    /* 0 or -ENOMEM */
void evq_release(struct evq *q);            /* frees what is still queued */
/* False (the item stays the caller's) when the queue is full. */
bool evq_push(struct evq *q, const struct evq_item *it);
bool evq_pop(struct evq *q, struct evq_item *out);
void evq_item_free(struct evq_item *it);

struct evrate {
	double rate, burst;     /* lines a second; the bucket's size */
	double tokens, last;    /* tokens at time last (seconds, monotonic) */
};

void evrate_init(struct evrate *r, double rate, double burst, double now);
/* Takes a token at now: 0 when one was there, else the seconds until the
 * next one (nothing taken). */
double evrate_take(struct evrate *r, double now);

#endif
