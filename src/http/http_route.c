#include "http/http_route.h"

#include <assert.h>
#include <errno.h>
#include <string.h>

#include "common/html.h"

#ifndef IKW_VERSION
#define IKW_VERSION "unknown"
#endif

void http_routes_add(struct http_routes *t, const struct http_route *r)
{
	assert(t->n < HTTP_ROUTES_MAX);
	if (t->n < HTTP_ROUTES_MAX)
		t->route[t->n++] = *r;
}

static bool http_route_matches(const struct http_route *r, const char *url)
{
	if (r->prefix)
		return !strncmp(url, r->path, strlen(r->path));
	return !strcmp(url, r->path);
}

const struct http_route *http_routes_find(const struct http_routes *t, const char *url)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (http_route_matches(&t->route[i], url))
			return &t->route[i];
	return NULL;
}

int http_routes_check(const struct http_routes *t, struct ikw_err *err)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct http_route *r = &t->route[i];

		if (!r->path || r->path[0] != '/')
			return err_set(err, -EINVAL, "route path '%s' must start with '/'",
				       r->path ? r->path : "");
		if (!r->handle == !r->stream)
			return err_set(err, -EINVAL, "route %s: want one of handle and stream",
				       r->path);
	}
	return 0;
}

void http_handle_healthy(void *ctx, const struct http_request *req,
			 struct http_response *resp)
{
	(void)ctx;
	(void)req;
	strbuf_addstr(&resp->body, "OK\n");
}

void http_handle_landing(void *ctx, const struct http_request *req,
			 struct http_response *resp)
{
	const char *telemetry_path = ctx;

	(void)req;
	resp->content_type = "text/html; charset=utf-8";
	strbuf_addstr(&resp->body, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>"
		      "<meta charset=\"utf-8\"><title>ikewatch</title></head>\n"
		      "<body>\n<h1>ikewatch</h1>\n"
		      "<p>Prometheus exporter for strongSwan IPsec, version "
		      IKW_VERSION ".</p>\n<ul>\n<li><a href=\"");
	html_escape(&resp->body, telemetry_path);
	strbuf_addstr(&resp->body, "\">Metrics</a></li>\n"
		      "<li><a href=\"/-/healthy\">Health</a></li>\n"
		      "<li><a href=\"/-/ready\">Readiness</a></li>\n"
		      "</ul>\n</body>\n</html>\n");
}
