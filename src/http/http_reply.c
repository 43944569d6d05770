#include "http/http_reply.h"

#include <stdint.h>
#include <string.h>

#include "common/strbuf.h"
#include "http/http_route.h"

/* The configured headers, found through the connection's socket context,
 * which starts with a pointer to them (struct http_conn). */
static bool http_reply_extra(struct MHD_Connection *c, struct MHD_Response *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	const struct http_reply_headers *const *ctx = ci ? ci->socket_context : NULL;
	const struct http_reply_headers *h = ctx ? *ctx : NULL;
	size_t i;

	for (i = 0; h && i < h->n; i++)
		if (MHD_add_response_header(r, h->headers[i].name,
					    h->headers[i].value) != MHD_YES)
			return false;
	return true;
}

enum MHD_Result http_reply_queue(struct MHD_Connection *c, unsigned status,
				 struct MHD_Response *r)
{
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	if (!http_reply_extra(c, r)) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

struct MHD_Response *http_reply_buffer(const char *body, size_t len, const char *type)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
					    MHD_RESPMEM_MUST_COPY);
	if (r && MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					 type) != MHD_YES) {
		MHD_destroy_response(r);
		r = NULL;
	}
	return r;
}

enum MHD_Result http_reply_text(struct MHD_Connection *c, unsigned status,
				const char *body)
{
	return http_reply_queue(c, status,
				http_reply_buffer(body, strlen(body), HTTP_TEXT_TYPE));
}

enum MHD_Result http_reply_not_allowed(struct MHD_Connection *c, unsigned methods)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ HTTP_GET, "GET" }, { HTTP_HEAD, "HEAD" }, { HTTP_POST, "POST" },
	};
	struct strbuf allow = STRBUF_INIT;
	struct MHD_Response *r;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (methods & names[i].bit)
			strbuf_addf(&allow, "%s%s", allow.len ? ", " : "", names[i].name);
	r = http_reply_buffer("Method Not Allowed\n", 19, HTTP_TEXT_TYPE);
	if (r && (strbuf_failed(&allow) ||
		  MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW,
					  strbuf_str(&allow)) != MHD_YES)) {
		MHD_destroy_response(r);
		r = NULL;
	}
	strbuf_release(&allow);
	return http_reply_queue(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
}
