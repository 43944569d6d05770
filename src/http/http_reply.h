/* Queuing answers on a libmicrohttpd connection (inside http/ only): every
 * answer carries the configured extra headers. */
#ifndef IKW_HTTP_REPLY_H
#define IKW_HTTP_REPLY_H

#include <microhttpd.h>

#include "http/web_config.h"

#define HTTP_TEXT_TYPE "text/plain; charset=utf-8"

/* What http_reply_queue adds to every response; the connection's socket
 * context starts with a pointer to it (struct http_conn, http_watch.h). */
struct http_reply_headers {
	const struct web_header *headers;
	size_t n;
};

/* Queues r (NULL: out of memory, MHD_NO) with the extra headers and drops
 * our reference. */
enum MHD_Result http_reply_queue(struct MHD_Connection *c, unsigned status,
				 struct MHD_Response *r);
/* A copied body with a Content-Type; NULL on failure. */
struct MHD_Response *http_reply_buffer(const char *body, size_t len, const char *type);
enum MHD_Result http_reply_text(struct MHD_Connection *c, unsigned status,
				const char *body);
/* 405 with an Allow header listing methods (HTTP_GET | ...). */
enum MHD_Result http_reply_not_allowed(struct MHD_Connection *c, unsigned methods);

#endif
