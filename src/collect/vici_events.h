/* The event stream: a second VICI connection, registered for SA up/down and
 * rekey events (and charon's log when asked), kept in a thread that
 * reconnects with backoff when charon restarts.  Counts go to the event
 * store; nothing here blocks a scrape. */
#ifndef IKW_VICI_EVENTS_H
#define IKW_VICI_EVENTS_H

#include <stdbool.h>

#include "collect/vici_events_parse.h"
#include "model/events.h"

struct vici_events;

struct vici_events_opts {
	const char *socket_path;
	bool want_log;            /* register for `log` too */
	vici_log_fn on_log;       /* called from the stream's thread */
	void *log_ctx;
};

/* Starts the thread; returns NULL on ENOMEM or thread failure. */
struct vici_events *vici_events_start(const struct vici_events_opts *o,
				      struct event_store *store);
/* Stops and joins the thread (within about a second); accepts NULL. */
void vici_events_stop(struct vici_events *e);

#endif
