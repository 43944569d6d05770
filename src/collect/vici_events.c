#include "collect/vici_events.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect/vici_alert.h"
#include "common/deadline.h"
#include "common/log.h"
#include "vici/vici_conn.h"

#define VE_BACKOFF_MIN_MS 500
#define VE_BACKOFF_MAX_MS 30000
#define VE_POLL_MS 500

struct vici_events {
	struct vici_events_opts opts;
	char *path;
	struct event_store *store;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	bool alerts;               /* this charon sends `alert` events */
	bool alerts_logged;        /* whether alerts were said to be off */
	struct alert_filter alert_filter;
	char last_error[256];
};

static bool ve_stopping(struct vici_events *e)
{
	bool stop;

	pthread_mutex_lock(&e->lock);
	stop = e->stop;
	pthread_mutex_unlock(&e->lock);
	return stop;
}

/* Sleeps up to ms, waking early on stop. */
static void ve_sleep(struct vici_events *e, int ms)
{
	struct timespec ts;

	timespec_after_ms(CLOCK_REALTIME, ms, &ts);
	pthread_mutex_lock(&e->lock);
	if (!e->stop)
		pthread_cond_timedwait(&e->wake, &e->lock, &ts);
	pthread_mutex_unlock(&e->lock);
}

static void ve_report(struct vici_events *e, const struct ikw_err *err)
{
	if (strcmp(e->last_error, err->msg))
		log_warn("event stream: %s", err->msg);
	snprintf(e->last_error, sizeof(e->last_error), "%s", err->msg);
}

/* charon 6.0.3 and later raise `alert`; an older one answers
 * EVENT_UNKNOWN, and failures then come from error-notify and the logs. */
static int ve_subscribe_alerts(struct vici_events *e, struct vici_conn *c,
			       struct ikw_err *err)
{
	struct deadline dl = deadline_in_ms(5000);
	int r = vici_register(c, "alert", &dl, err);

	e->alerts = !r;
	if (r == -ENOTSUP) {
		if (!e->alerts_logged)
			log_info("event stream: charon has no alert event (before 6.0.3); "
				 "failures come from error-notify and the logs");
		e->alerts_logged = true;
		return 0;
	}
	if (!r)
		e->alerts_logged = false;
	return r;
}

static int ve_subscribe(struct vici_events *e, struct vici_conn *c,
			struct ikw_err *err)
{
	size_t i, n = sizeof(vici_events_registered) / sizeof(vici_events_registered[0]);

	for (i = 0; i < n; i++) {
		struct deadline dl = deadline_in_ms(5000);
		const char *ev = vici_events_registered[i];
		int r;

		if (!strcmp(ev, "log") && !e->opts.want_log)
			continue;
		r = vici_register(c, ev, &dl, err);
		if (r)
			return r;
	}
	return ve_subscribe_alerts(e, c, err);
}

/* Reads events until the connection fails or stop is asked. */
static void ve_pump(struct vici_events *e, struct vici_conn *c)
{
	while (!ve_stopping(e)) {
		struct deadline dl = deadline_in_ms(VE_POLL_MS);
		struct vici_msg msg = VICI_MSG_INIT;
		struct ikw_err err = { "" };
		char name[256];
		int r = vici_read_event(c, name, &msg, &dl, &err);

		if (r == -ETIMEDOUT)
			continue;
		if (r) {
			ve_report(e, &err);
			return;
		}
		if (!strcmp(name, "alert"))
			r = vici_alert_apply(e->store, &e->alert_filter, &msg,
					     (double)time(NULL), &err);
		else
			r = vici_event_apply(e->store, name, &msg, (double)time(NULL),
					     e->opts.on_log, e->opts.log_ctx, &err);
		if (r)
			log_debug("event stream: %s", err.msg);
		vici_msg_release(&msg);
	}
}

static void *ve_main(void *arg)
{
	struct vici_events *e = arg;
	int backoff = VE_BACKOFF_MIN_MS;
	bool ever = false;

	while (!ve_stopping(e)) {
		struct deadline dl = deadline_in_ms(5000);
		struct ikw_err err = { "" };
		struct vici_conn *c = NULL;

		if (vici_connect(e->path, &dl, &c, &err) || ve_subscribe(e, c, &err)) {
			ve_report(e, &err);
			vici_close(c);
			ve_sleep(e, backoff);
			backoff = backoff * 2 > VE_BACKOFF_MAX_MS ? VE_BACKOFF_MAX_MS : backoff * 2;
			continue;
		}
		/* events between losing and regaining charon are unknown */
		if (ever)
			event_store_note_gap(e->store);
		ever = true;
		e->last_error[0] = '\0';
		backoff = VE_BACKOFF_MIN_MS;
		log_info("event stream: connected to %s", e->path);
		event_store_set_connected(e->store, true);
		event_store_set_alerts_live(e->store, e->alerts);
		ve_pump(e, c);
		event_store_set_alerts_live(e->store, false);
		event_store_set_connected(e->store, false);
		vici_close(c);
	}
	return NULL;
}

struct vici_events *vici_events_start(const struct vici_events_opts *o,
				      struct event_store *store)
{
	struct vici_events *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->opts = *o;
	e->store = store;
	alert_filter_init(&e->alert_filter);
	e->path = strdup(o->socket_path);
	pthread_mutex_init(&e->lock, NULL);
	pthread_cond_init(&e->wake, NULL);
	if (!e->path || pthread_create(&e->thread, NULL, ve_main, e)) {
		free(e->path);
		pthread_mutex_destroy(&e->lock);
		pthread_cond_destroy(&e->wake);
		free(e);
		return NULL;
	}
	return e;
}

void vici_events_stop(struct vici_events *e)
{
	if (!e)
		return;
	pthread_mutex_lock(&e->lock);
	e->stop = true;
	pthread_cond_broadcast(&e->wake);
	pthread_mutex_unlock(&e->lock);
	pthread_join(e->thread, NULL);
	pthread_mutex_destroy(&e->lock);
	pthread_cond_destroy(&e->wake);
	free(e->path);
	free(e);
}
