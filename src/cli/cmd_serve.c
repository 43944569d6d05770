/* `ikewatch serve`: the daemon.  HTTP threads scrape on demand; the main
 * thread only waits for SIGINT/SIGTERM, and for SIGHUP (the event log's
 * file reopened, for logrotate). */
#include "cli/cli.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "collect/vici_events.h"
#include "eventlog/eventlog.h"
#include "cli/serve_preflight.h"
#include "cli/serve_status.h"
#include "cli/serve_web.h"
#include "http/http_server.h"
#include "logs/logs.h"
#include "logs/log_progress.h"
#include "probe/probes.h"
#include "remediate/remediate.h"

struct serve_ctx {
	struct scraper *scraper;
	struct render_opts render;
	uint64_t reuse_window_ms;      /* --scrape.reuse-window */
	struct event_store *events;
	struct vici_events *stream;
	struct logs_runtime *logs;
	struct log_store *lines;       /* the status view's log */
	struct probe_runtime *probes;
	struct serve_status status;
	struct remediate *remediate;   /* NULL: remediation off */
	struct eventlog *eventlog;     /* NULL: no event log */
	struct http_routes routes;
	struct http_refusals http_refusals;   /* the server counts into it */
};

/* ---- routes (everything the HTTP server dispatches to) ------------------ */

static int serve_metrics(void *ctx, enum expo_format fmt,
			 struct body_source *src, struct ikw_err *err)
{
	struct serve_ctx *s = ctx;
	struct render_opts o = s->render;
	struct model *m = scraper_collect_recent(s->scraper, s->reuse_window_ms,
						 &o.scrape);

	if (!m)
		return err_set(err, -ENOMEM, "out of memory");
	o.have_scrape = true;
	src->ctx = render_new(m, fmt, &o);
	model_unref(m);
	if (!src->ctx)
		return err_set(err, -ENOMEM, "out of memory");
	src->next = render_next;
	src->free = render_free;
	return 0;
}

/* /-/ready: ready once a collection has completed. */
static void serve_ready(void *ctx, const struct http_request *req,
			struct http_response *resp)
{
	struct serve_ctx *s = ctx;

	(void)req;
	if (!scraper_has_run(s->scraper)) {
		resp->status = 503;
		strbuf_addstr(&resp->body, "Not ready\n");
		return;
	}
	strbuf_addstr(&resp->body, "OK\n");
}

static void serve_remediate(void *ctx, const struct http_request *req,
			    struct http_response *resp)
{
	struct serve_ctx *s = ctx;

	remediate_handle(s->remediate, req, resp);
}

/* The one route table of `serve`: every path it answers, with its methods
 * and handler.  The handlers read ctx when called, so this may run before
 * the parts they use have started. */
static const struct http_routes *serve_register_routes(struct serve_ctx *ctx,
						       const struct config *c)
{
	const unsigned read = HTTP_GET | HTTP_HEAD, any = read | HTTP_POST;
	const struct http_route routes[] = {
		{ .path = c->telemetry_path, .methods = read, .stream = serve_metrics,
		  .ctx = ctx },
		{ .path = "/", .methods = read, .handle = http_handle_landing,
		  .ctx = c->telemetry_path },
		{ .path = "/-/healthy", .methods = read, .handle = http_handle_healthy },
		{ .path = "/-/ready", .methods = read, .handle = serve_ready, .ctx = ctx },
		{ .path = "/status", .methods = read, .handle = serve_status_page,
		  .ctx = &ctx->status, .private_page = true },
		{ .path = "/api/v1/status", .methods = read, .handle = serve_status_api,
		  .ctx = &ctx->status, .private_page = true },
		{ .path = "/api/v1/log", .methods = read, .handle = serve_status_log,
		  .ctx = &ctx->status, .private_page = true },
		/* the handlers answer other methods themselves, into their audit */
		{ .path = SERVE_STATUS_ACTIONS_PREFIX, .prefix = true, .methods = any,
		  .handle = serve_status_action, .ctx = &ctx->status, .private_page = true },
		{ .path = REMEDIATE_PATH, .methods = any, .handle = serve_remediate,
		  .ctx = ctx, .private_page = true },
	};
	size_t i, n = sizeof(routes) / sizeof(routes[0]);

	if (!c->remediate.enabled)
		n--;   /* the webhook is last */
	ctx->routes.n = 0;
	for (i = 0; i < n; i++)
		http_routes_add(&ctx->routes, &routes[i]);
	return &ctx->routes;
}

/* ---- the daemon's parts --------------------------------------------------- */

/* The HTTP server's refusals, into each snapshot (ctx: the serve_ctx).
 * The counters are the serve_ctx's, not the server's: a collection on the
 * remediation thread may run while the server is being stopped. */
static void serve_http_contribute(void *ctx, struct model *m)
{
	struct http_refusals *r = &((struct serve_ctx *)ctx)->http_refusals;
	size_t i;

	for (i = 0; i < HTTP_REFUSALS && i < MODEL_HTTP_REFUSALS_MAX; i++)
		m->http_refusals[i] = (struct http_refusal_view){
			http_refusal_name((enum http_refusal)i), atomic_load(&r->n[i]) };
	m->nhttp_refusals = i;
	m->have_http = true;
}

/* The event store is bounded: keys come from charon and logs. */
#define SERVE_EVENT_KEYS_MAX 20000

static bool serve_wants_logs(const struct config *c)
{
	return c->logs.nfiles || c->logs.vici_log || c->logs.error_notify ||
	       c->logs.journal;
}

/* charon's VICI log events, to the log collector. */
static void serve_on_log(void *ctx, const char *conn, uint32_t sa_id,
			 const char *msg, size_t len)
{
	log_collect_vici(logs_collector(ctx), msg, len, conn, sa_id,
			 (double)time(NULL));
}

static int serve_start_events(struct serve_ctx *ctx, const struct config *c)
{
	struct vici_events_opts o = { c->vici_socket, false, NULL, NULL };
	struct ikw_err err = { "" };

	ctx->events = event_store_new(SERVE_EVENT_KEYS_MAX);
	if (!ctx->events)
		return -1;
	/* before any source starts: every event it reports is logged */
	if (ctx->eventlog)
		event_store_set_sink(ctx->events, eventlog_sink, ctx->eventlog);
	if (serve_wants_logs(c) &&
	    logs_start_lines(&ctx->logs, &c->logs, ctx->events, ctx->lines, NULL, NULL, &err)) {
		log_error("logs: %s", err.msg);
		return -1;
	}
	/* pluto's followed log is its event stream: up while it is followed */
	if (ctx->logs && c->logs.daemon == LOG_DAEMON_PLUTO)
		event_store_set_connected(ctx->events, true);
	if (ctx->logs && c->logs.vici_log) {
		o.want_log = true;
		o.on_log = serve_on_log;
		o.log_ctx = ctx->logs;
	}
	/* pluto has no event stream (its log is followed instead) */
	if ((c->events_enabled && !cli_libreswan(c)) || o.want_log) {
		ctx->stream = vici_events_start(&o, ctx->events);
		if (!ctx->stream) {
			log_error("cannot start the event stream");
			return -1;
		}
	}
	return 0;
}

static void serve_stop_events(struct serve_ctx *ctx)
{
	vici_events_stop(ctx->stream);
	logs_stop(ctx->logs);
	event_store_free(ctx->events);
	ctx->stream = NULL;
	ctx->logs = NULL;
	ctx->events = NULL;
}

/* The status view's log and the negotiations' memory: always there (it
 * tracks how long a conn has been negotiating even without log sources). */
static int serve_start_lines(struct serve_ctx *ctx, const struct config *c)
{
	ctx->lines = log_store_new(c->logs.keep_lines);
	if (!ctx->lines) {
		log_error("out of memory");
		return -1;
	}
	return 0;
}

/* The snapshot's assembly: the collectors (cli_scraper_new) and the
 * daemon's contributors, each filling its own section. */
static int serve_start_scraper(struct serve_ctx *ctx, const struct config *c)
{
	/* pluto's followed log is its event stream (up/down/rekey counters) */
	bool pluto_log = ctx->logs && c->logs.daemon == LOG_DAEMON_PLUTO;
	struct scraper_opts o = { .events = ctx->events,
				  .event_stream = ctx->stream != NULL || pluto_log };

	ctx->scraper = cli_scraper_new(c, &o);
	if (!ctx->scraper)
		return -1;
	if (ctx->logs)
		scraper_add_contributor(ctx->scraper, (struct contributor){ logs_contribute, ctx->logs });
	scraper_add_contributor(ctx->scraper, (struct contributor){ log_progress_contribute, ctx->lines });
	scraper_add_contributor(ctx->scraper, (struct contributor){ serve_http_contribute, ctx });
	if (ctx->eventlog)
		scraper_add_contributor(ctx->scraper, (struct contributor){ eventlog_contribute, ctx->eventlog });
	return 0;
}

static bool serve_wants_eventlog(const struct config *c)
{
	return (c->events_log_file && c->events_log_file[0]) || c->events_journal;
}

/* The event log, opened as the user ikewatch runs as (SIGHUP reopens it
 * as that user too). */
static int serve_start_eventlog(struct serve_ctx *ctx, const struct config *c)
{
	struct eventlog_opts o = {
		.file = c->events_log_file && c->events_log_file[0] ? c->events_log_file : NULL,
		.journal = c->events_journal,
		.rate = c->events_log_rate,
		.queue = c->events_log_queue,
		.redact = &c->redact,
	};
	struct ikw_err err = { "" };

	if (!serve_wants_eventlog(c))
		return 0;
	if (eventlog_start(&ctx->eventlog, &o, &err)) {
		log_error("%s", err.msg);
		return -1;
	}
	log_info("event log: %s%s%s", o.file ? o.file : "", o.file && o.journal ? " and " : "",
		 o.journal ? "the journal" : "");
	return 0;
}

/* Waits for SIGINT or SIGTERM; SIGHUP in between reopens the event log. */
static int serve_wait(struct serve_ctx *ctx, const sigset_t *set)
{
	int sig = 0;

	for (;;) {
		sigwait(set, &sig);
		if (sig != SIGHUP)
			return sig;
		if (ctx->eventlog)
			eventlog_reopen(ctx->eventlog);
		else
			log_info("received SIGHUP: nothing to reopen (no events.log_file)");
	}
}

/* Probes and remediation, both contributors.  Remediation reads snapshots
 * of the scraper, so it starts after it. */
static int serve_start_workers(struct serve_ctx *ctx, const struct config *c)
{
	struct ikw_err err = { "" };
	struct remediate_inputs in;

	if (c->probes.n && probes_start(&ctx->probes, &c->probes, &err)) {
		log_error("%s", err.msg);
		return -1;
	}
	if (ctx->probes)
		scraper_add_contributor(ctx->scraper, (struct contributor){ probes_contribute, ctx->probes });
	in = (struct remediate_inputs){ .scraper = ctx->scraper,
					.logs = logs_collector(ctx->logs), .probes = ctx->probes };
	/* the daemon the collector watches is the one remediation acts on */
	if (c->libreswan_ctlsocket && c->libreswan_ctlsocket[0])
		ike_control_whack(&in.control, c->libreswan_whack, c->libreswan_ctlsocket);
	else
		ike_control_vici(&in.control, c->vici_socket);
	if (c->remediate.enabled && remediate_start(&ctx->remediate, &c->remediate, &in, &err)) {
		log_error("%s", err.msg);
		return -1;
	}
	if (!ctx->remediate)
		return 0;
	scraper_add_contributor(ctx->scraper, (struct contributor){ remediate_contribute, ctx->remediate });
	log_info("remediation enabled on POST %s (%s; audit log %s)", REMEDIATE_PATH,
		 c->remediate.dry_run ? "dry-run" : "acting", c->remediate.audit_log);
	return 0;
}

/* The webhook's bearer token and basic auth would both need the one
 * Authorization header, so Alertmanager could never pass both: refuse the
 * combination unless the engine has its own trigger (self_check). */
static int serve_webhook_auth_ok(const struct config *c, const struct http_server_opts *o)
{
	if (!o->auth || !c->remediate.enabled)
		return 0;
	if (c->remediate.self_check_ms) {
		log_warn("remediation: the Alertmanager webhook cannot be used with basic_auth_users "
			 "(its bearer token and basic auth both need the Authorization header); "
			 "only self_check triggers remediation");
		return 0;
	}
	log_error("remediation: the Alertmanager webhook authenticates with a bearer token in "
		  "the Authorization header, which basic_auth_users (web config) needs too: use "
		  "client certificates (client_auth_type) instead of basic auth, or set "
		  "remediation.self_check");
	return -1;
}

int cmd_serve(const struct config *c)
{
	struct serve_ctx ctx = { .scraper = NULL };
	struct http_server_opts o = {
		.listen_address = c->listen_address,
		.max_connections = c->max_connections,
		.connection_timeout_s = 30,
		.request_timeout_ms = (unsigned)c->web_request_timeout_ms,
		.response_timeout_ms = (unsigned)c->web_response_timeout_ms,
		.max_concurrent_scrapes = c->max_concurrent_scrapes,
		.max_request_header_bytes = 8192,
	};
	struct ikw_err err = { "" };
	struct http_server *srv = NULL;
	struct http_listener listener = { -1, false, 0 };
	struct serve_web web;
	sigset_t set;
	int sig = 0, status = 2;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (serve_web_init(&web, c, &o) || serve_webhook_auth_ok(c, &o))
		goto out_web;
	/* bound before the drop: a port below 1024 needs CAP_NET_BIND_SERVICE
	 * for bind() only, and it is never kept */
	if (http_server_listen(&o, &listener, &err)) {
		log_error("%s", err.msg);
		goto out_web;
	}
	o.listener = &listener;
	o.refusals = &ctx.http_refusals;
	if (serve_drop_privileges(c))
		goto out_web;
	if (serve_start_eventlog(&ctx, c) || serve_start_lines(&ctx, c))
		goto out;
	if ((c->events_enabled || serve_wants_logs(c) || ctx.eventlog) &&
	    serve_start_events(&ctx, c))
		goto out;
	if (serve_start_scraper(&ctx, c))
		goto out;
	cli_render_opts(c, &ctx.render);
	ctx.reuse_window_ms = c->scrape_reuse_window_ms;
	if (serve_status_init(&ctx.status, ctx.scraper, ctx.lines, c) ||
	    serve_start_workers(&ctx, c))
		goto out;
	if (http_server_start(&o, serve_register_routes(&ctx, c), &srv, &err)) {
		log_error("%s", err.msg);
		goto out;
	}
	serve_web_log_start(&web, c);
	if (!cli_libreswan(c))
		serve_preflight_vici(c->vici_socket);
	/* one collection at start: /-/ready answers ready without waiting for
	 * the first scrape, and probes aimed at a traffic selector learn it */
	model_unref(scraper_collect(ctx.scraper));
	sig = serve_wait(&ctx, &set);
	log_info("received %s, shutting down", strsignal(sig));
	status = 0;
out:
	if (srv)
		http_server_stop(srv);
	remediate_stop(ctx.remediate);
	probes_stop(ctx.probes);
	serve_status_release(&ctx.status);
	scraper_free(ctx.scraper);
	serve_stop_events(&ctx);
	/* last: every source that reports into them has stopped */
	log_store_free(ctx.lines);
	eventlog_stop(ctx.eventlog);
out_web:
	if (listener.fd >= 0)  /* not taken over by a server */
		close(listener.fd);
	serve_web_release(&web);
	return status;
}
