#include "eventlog/eventlog_queue.h"

#include <errno.h>
#include <stdlib.h>

int evq_init(struct evq *q, size_t cap)
{
	q->ring = calloc(cap ? cap : 1, sizeof(*q->ring));
	q->cap = cap ? cap : 1;
	q->head = q->len = 0;
	return q->ring ? 0 : -ENOMEM;
}

void evq_item_free(struct evq_item *it)
{
	free(it->line);
	free(it->journal);
	it->line = it->journal = NULL;
	it->len = it->jlen = 0;
}

void evq_release(struct evq *q)
{
	struct evq_item it;

	while (evq_pop(q, &it))
		evq_item_free(&it);
	free(q->ring);
	q->ring = NULL;
	q->cap = 0;
}

bool evq_push(struct evq *q, const struct evq_item *it)
{
	if (q->len == q->cap)
		return false;
	q->ring[(q->head + q->len) % q->cap] = *it;
	q->len++;
	return true;
}

bool evq_pop(struct evq *q, struct evq_item *out)
{
	if (!q->len)
		return false;
	*out = q->ring[q->head];
	q->head = (q->head + 1) % q->cap;
	q->len--;
	return true;
}

void evrate_init(struct evrate *r, double rate, double burst, double now)
{
	r->rate = rate > 0 ? rate : 1;
	r->burst = burst >= 1 ? burst : 1;
	r->tokens = r->burst;
	r->last = now;
}

double evrate_take(struct evrate *r, double now)
{
	if (now > r->last) {
		r->tokens += (now - r->last) * r->rate;
		if (r->tokens > r->burst)
			r->tokens = r->burst;
		r->last = now;
	}
	if (r->tokens >= 1) {
		r->tokens -= 1;
		return 0;
	}
	return (1 - r->tokens) / r->rate;
}
