/* A stream route's answer (inside http/ only): the body pulled from a
 * body_source as libmicrohttpd asks for bytes, through gzip when the client
 * accepts it, with a cap on how many are produced at once. */
#ifndef IKW_HTTP_STREAM_H
#define IKW_HTTP_STREAM_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>

#include "http/http_refusals.h"
#include "http/http_route.h"
#include "http/http_watch.h"

/* Bodies currently being produced, how many may be, and by whom: a scrape
 * that finds none free waits for one (up to wait_ms) rather than being
 * refused, and one client address holds at most half of them (at least
 * one), so that it cannot take every slot from the others. */
struct http_stream_slots {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	unsigned max, used, wait_ms;
	char (*owner)[HTTP_CLIENT_MAX];  /* per slot; "" when free */
	struct http_refusals *refusals;  /* counts those that gave up */
};

int http_stream_slots_init(struct http_stream_slots *slots, unsigned max,
			   unsigned wait_ms);
void http_stream_slots_destroy(struct http_stream_slots *slots);

/* Answers GET or HEAD on a stream route for client: negotiates the format
 * and the encoding from the request's headers, takes a slot (503 when
 * none comes free in time), calls route->stream and queues the streamed
 * body.  HEAD sends the headers only and does not call route->stream. */
enum MHD_Result http_stream_serve(const struct http_route *route,
				  struct http_stream_slots *slots,
				  struct MHD_Connection *c, const char *client, bool head);

#endif
