#include "cli/serve_status.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vici/vici_control.h"
#include "common/log.h"
#include "common/num.h"
#include "status/status_html.h"
#include "status/status_json.h"
#include "status/status_log_json.h"
#include "status/status_log_text.h"
#include "status/status_table.h"

int serve_status_init(struct serve_status *st, struct scraper *s, struct log_store *lines,
		      const struct config *c)
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
	st->lines = lines;
	st->c = c;
	st->actions = NULL;
	if (!c->status_actions)
		return 0;
	if (c->libreswan_ctlsocket && *c->libreswan_ctlsocket) {
		/* they would ask a charon that is not there */
		log_error("status.actions: the status page's initiate and terminate speak "
			  "VICI only, not with --collector.libreswan.ctlsocket (remediation "
			  "re-initiates through whack)");
		return -1;
	}
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

/* The log query of req; false with a 400 in resp on a bad parameter (the
 * page falls back to every kind instead). */
static bool serve_status_logq(const struct http_request *req, struct log_store_query *q,
			      struct http_response *resp)
{
	char why[160];

	if (!status_log_query_parse(http_request_arg(req, "conn"), http_request_arg(req, "limit"),
				    http_request_arg(req, "kind"), q, why, sizeof(why)))
		return true;
	if (!resp)
		return status_log_query_parse(http_request_arg(req, "conn"), NULL, NULL, q, why,
					      sizeof(why)) == 0;
	resp->status = 400;
	resp->content_type = "text/plain; charset=utf-8";
	strbuf_addf(&resp->body, "bad request: %s\n", why);
	return false;
}

enum serve_status_what { SERVE_STATUS_PAGE, SERVE_STATUS_API, SERVE_STATUS_LOG };

/* One snapshot's status in the format asked for. */
static void serve_status_view(struct serve_status *st, const struct http_request *req,
		    struct http_response *resp, enum serve_status_what what)
{
	struct status_filter f = { http_request_arg(req, "conn") };
	const char *format = http_request_arg(req, "format");
	struct arena a = ARENA_INIT;
	struct log_store_query q;
	struct model *m;
	struct status_view v;
	static const char *const exit_codes[] = { "0", "1", "2" };
	bool html = what == SERVE_STATUS_PAGE;

	if (!serve_status_logq(req, &q, what == SERVE_STATUS_LOG ? resp : NULL))
		return;
	m = scraper_collect(st->scraper);
	if (!m || status_build(m, &f, &a, &v) ||
	    status_log_attach(&v, what == SERVE_STATUS_API ? NULL : st->lines, &q,
			      &st->c->redact, &a)) {
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
	} else if (what == SERVE_STATUS_LOG && format && !strcmp(format, "text")) {
		resp->content_type = "text/plain; charset=utf-8";
		status_log_text(&v, &resp->body);
	} else if (what == SERVE_STATUS_LOG) {
		resp->content_type = "application/json";
		status_log_json(&v, &resp->body);
	} else if (format && !strcmp(format, "text")) {
		const char *color = http_request_arg(req, "color");
		struct status_table_opts o = { serve_status_width(req),
					       color && !strcmp(color, "1"), f.conn && *f.conn };

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
	serve_status_view(ctx, req, resp, SERVE_STATUS_PAGE);
}

void serve_status_api(void *ctx, const struct http_request *req,
		      struct http_response *resp)
{
	serve_status_view(ctx, req, resp, SERVE_STATUS_API);
}

void serve_status_log(void *ctx, const struct http_request *req,
		      struct http_response *resp)
{
	serve_status_view(ctx, req, resp, SERVE_STATUS_LOG);
}

void serve_status_action(void *ctx, const struct http_request *req,
			 struct http_response *resp)
{
	struct serve_status *st = ctx;

	status_actions_handle(st->actions, req->url + strlen(SERVE_STATUS_ACTIONS_PREFIX),
			      req, resp);
}
