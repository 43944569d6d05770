/* A stream route's answer (inside http/ only): the body pulled from a
 * body_source as libmicrohttpd asks for bytes, through gzip when the client
 * accepts it, with a cap on how many are produced at once. */
#ifndef IKW_HTTP_STREAM_H
#define IKW_HTTP_STREAM_H

#include <microhttpd.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "http/http_route.h"

/* Bodies currently being produced, and how many may be. */
struct http_stream_slots {
	atomic_uint used;
	unsigned max;
};

/* Answers GET or HEAD on a stream route: negotiates the format and the
 * encoding from the request's headers, takes a slot (503 when none is
 * free), calls route->stream and queues the streamed body.  HEAD sends the
 * headers only and does not call route->stream. */
enum MHD_Result http_stream_serve(const struct http_route *route,
				  struct http_stream_slots *slots,
				  struct MHD_Connection *c, bool head);

#endif
