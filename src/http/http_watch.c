#include "http/http_watch.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "common/deadline.h"
#include "common/log.h"

/* How often the watchdog looks: deadlines are kept to within this. */
#define HTTP_WATCH_TICK_MS 200

struct http_watch {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool stopping;
	struct http_watch_limits limits;
	const struct http_reply_headers *headers;
	struct http_conn *head;                 /* every open connection */
	struct http_refusals *refusals;
};

const char *http_phase_name(enum http_phase p)
{
	static const char *const names[HTTP_PHASES] = { "request", "response", "idle" };

	return p < HTTP_PHASES ? names[p] : "?";
}

/* Sets c's phase and deadline; the caller holds the lock. */
static void http_watch_set(struct http_conn *c, enum http_phase phase)
{
	unsigned ms = c->watch->limits.ms[phase];

	c->phase = phase;
	c->deadline_ms = ms ? deadline_now_ms() + ms : 0;
}

/* Shuts down every connection past its deadline.  The lock is held, so
 * none of them can be removed (and its descriptor closed) meanwhile. */
static void http_watch_sweep(struct http_watch *w)
{
	int64_t now = deadline_now_ms();
	struct http_conn *c;

	for (c = w->head; c; c = c->next) {
		if (!c->deadline_ms || now < c->deadline_ms)
			continue;
		log_debug("http: closing the connection from %s: its %s took over %u ms",
			  c->client, http_phase_name(c->phase), w->limits.ms[c->phase]);
		shutdown(c->fd, SHUT_RDWR);
		if (c->phase != HTTP_PHASE_IDLE)  /* the idle one is keep-alive's end */
			http_refusal_count(w->refusals, c->phase == HTTP_PHASE_REQUEST ?
					   HTTP_REFUSED_REQUEST_DEADLINE :
					   HTTP_REFUSED_RESPONSE_DEADLINE);
		c->deadline_ms = 0;  /* once */
	}
}

static void *http_watch_main(void *arg)
{
	struct http_watch *w = arg;
	struct timespec ts;

	pthread_mutex_lock(&w->lock);
	while (!w->stopping) {
		http_watch_sweep(w);
		timespec_after_ms(CLOCK_MONOTONIC, HTTP_WATCH_TICK_MS, &ts);
		pthread_cond_timedwait(&w->wake, &w->lock, &ts);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

static int http_watch_init(struct http_watch *w)
{
	int r;

	if ((r = pthread_mutex_init(&w->lock, NULL)))
		return -r;
	if ((r = -cond_init_monotonic(&w->wake))) {
		pthread_mutex_destroy(&w->lock);
		return -r;
	}
	return 0;
}

int http_watch_start(const struct http_watch_limits *limits,
		     const struct http_reply_headers *headers,
		     struct http_refusals *refusals, struct http_watch **out,
		     struct ikw_err *err)
{
	struct http_watch *w = calloc(1, sizeof(*w));
	int r;

	if (!w)
		return err_set(err, -ENOMEM, "out of memory");
	w->limits = *limits;
	w->headers = headers;
	w->refusals = refusals;
	r = http_watch_init(w);
	if (r) {
		free(w);
		return err_set(err, r, "http watchdog: %s", strerror(-r));
	}
	r = pthread_create(&w->thread, NULL, http_watch_main, w);
	if (r) {
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return err_set(err, -r, "http watchdog: %s", strerror(r));
	}
	*out = w;
	return 0;
}

void http_watch_stop(struct http_watch *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

struct http_conn *http_watch_add(struct http_watch *w, int fd, const char *client)
{
	struct http_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->headers = w->headers;
	c->watch = w;
	c->fd = fd;
	snprintf(c->client, sizeof(c->client), "%s", client);
	pthread_mutex_lock(&w->lock);
	http_watch_set(c, HTTP_PHASE_REQUEST);
	c->next = w->head;
	if (w->head)
		w->head->prev = c;
	w->head = c;
	pthread_mutex_unlock(&w->lock);
	return c;
}

void http_watch_remove(struct http_conn *c)
{
	struct http_watch *w;

	if (!c)
		return;
	w = c->watch;
	pthread_mutex_lock(&w->lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		w->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&w->lock);
	free(c);
}

void http_watch_enter(struct http_conn *c, enum http_phase phase)
{
	pthread_mutex_lock(&c->watch->lock);
	if (c->phase != phase)
		http_watch_set(c, phase);
	pthread_mutex_unlock(&c->watch->lock);
}

struct http_refusals *http_watch_refusals(struct http_watch *w)
{
	return w->refusals;
}
