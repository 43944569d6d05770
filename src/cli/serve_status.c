#include "cli/serve_status.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vici/vici_control.h"
#include "common/log.h"
#include "common/num.h"
#include "status/status_html.h"
#include "status/status_json.h"
#include "status/status_table.h"

int serve_status_init(struct serve_status *st, struct scraper *s, const struct config *c)
{
	struct status_actions_opts o = {
		.control = { vici_control_terminate, vici_control_initiate },
		.token_file = c->status_token_file,
		.audit_log = c->status_audit_log,
		.vici_socket = c->vici_socket,
		.timeout_ms = (unsigned)c->vici_timeout_ms,
	};
	struct ikw_err err = { "" };

	st->scraper = s;
	st->c = c;
	st->actions = NULL;
	if (!c->status_actions)
		return 0;
	if (status_actions_new(&st->actions, &o, &err)) {
		log_error("%s", err.msg);
		return -1;
	}
	log_info("status actions enabled (token from %s, audit log %s)", c->status_token_file,
		 c->status_audit_log);
	return 0;
}

void serve_status_release(struct serve_status *st)
{
	status_actions_free(st->actions);
	st->actions = NULL;
}

static unsigned serve_status_width(const struct http_request *req)
{
	const char *w = http_request_arg(req, "width");
	uint64_t v;

	if (!w || num_parse_u64_str(w, 1000, &v) || v < 60)
		return 100;
	return (unsigned)v;
}

/* One snapshot's status in the format asked for. */
static void serve_status_view(struct serve_status *st, const struct http_request *req,
		    struct http_response *resp, bool html)
{
	struct status_filter f = { http_request_arg(req, "conn") };
	const char *format = http_request_arg(req, "format");
	struct arena a = ARENA_INIT;
	struct model *m = scraper_collect(st->scraper);
	struct status_view v;
	static const char *const exit_codes[] = { "0", "1", "2" };

	if (!m || status_build(m, &f, &a, &v)) {
		resp->status = 500;
		strbuf_addstr(&resp->body, "out of memory\n");
		arena_release(&a);
		model_unref(m);
		return;
	}
	/* `ikewatch status --url` exits as the local command would */
	resp->header_name = STATUS_EXIT_HEADER;
	resp->header_value = exit_codes[status_exit_code(&v)];
	if (html) {
		struct status_html_opts o = { (unsigned)(st->c->status_refresh_ms / 1000),
					      f.conn, st->actions != NULL };

		resp->content_type = "text/html; charset=utf-8";
		status_html(&v, &o, &resp->body);
	} else if (format && !strcmp(format, "text")) {
		const char *color = http_request_arg(req, "color");
		struct status_table_opts o = { serve_status_width(req), color && !strcmp(color, "1") };

		status_table(&v, &o, &resp->body);
	} else {
		resp->content_type = "application/json";
		status_json(&v, &resp->body);
	}
	arena_release(&a);
	model_unref(m);
}

void serve_status_page(void *ctx, const struct http_request *req,
		       struct http_response *resp)
{
	serve_status_view(ctx, req, resp, true);
}

void serve_status_api(void *ctx, const struct http_request *req,
		      struct http_response *resp)
{
	serve_status_view(ctx, req, resp, false);
}

void serve_status_action(void *ctx, const struct http_request *req,
			 struct http_response *resp)
{
	struct serve_status *st = ctx;

	status_actions_handle(st->actions, req->url + strlen(SERVE_STATUS_ACTIONS_PREFIX),
			      req, resp);
}
