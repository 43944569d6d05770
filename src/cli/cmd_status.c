/* `ikewatch status`: every IKE and CHILD SA at a glance.  Reads charon
 * (and the kernel) directly, or asks a running daemon (--url).  Exit
 * status: 0 when nothing needs attention, 1 when a connection is down,
 * missing a child, connecting, failing a probe or degraded, 2 on an error.  Actions
 * (--terminate-ike, --terminate-child, --initiate) go through the daemon,
 * which checks the token and writes the audit log. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "http/http_client.h"
#include "common/text.h"
#include "common/file.h"
#include "common/json_out.h"
#include "common/log.h"
#include "logs/log_progress.h"
#include "logs/log_tail.h"
#include "status/status_json.h"
#include "status/status_log_json.h"
#include "status/status_log_text.h"
#include "status/status_table.h"

#define STATUS_WIDTH_PIPE 120

static unsigned cs_width(const struct config *c)
{
	struct winsize ws;

	if (c->status_width)
		return c->status_width < 60 ? 60 : c->status_width;
	if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col)
		return ws.ws_col < 60 ? 60 : ws.ws_col;
	return STATUS_WIDTH_PIPE;
}

static bool cs_color(const struct config *c)
{
	return c->status_color && !c->status_json && isatty(STDOUT_FILENO) &&
	       !getenv("NO_COLOR");
}

static int cs_print(const struct strbuf *sb)
{
	if (strbuf_failed(sb)) {
		log_error("out of memory");
		return 2;
	}
	fwrite(sb->buf ? sb->buf : "", 1, sb->len, stdout);
	return fflush(stdout) ? 2 : 0;
}

/* ---- directly from charon ------------------------------------------------------ */

/* --log without a daemon: the ends of the configured log files, and the
 * negotiations joined with them.  Returns the store (NULL: no files, or
 * out of memory: the view says there is no log). */
static struct log_store *cs_local_log(struct model *m, const struct config *c)
{
	struct log_store *s = log_store_new(c->logs.keep_lines);
	struct log_collect_opts o = { NULL, NULL, false, NULL, NULL, s,
				      c->logs.daemon == LOG_DAEMON_PLUTO };
	struct log_collect *col = s ? log_collect_new(&o) : NULL;
	struct ikw_err err = { "" };
	size_t i;

	for (i = 0; col && i < c->logs.nfiles; i++)
		if (log_tail_read(c->logs.files[i], LOG_TAIL_MAX, col, &err))
			log_warn("%s", err.msg);
	log_collect_free(col);
	if (s)
		log_progress_contribute(s, m);
	if (s && !c->logs.nfiles) {
		log_store_free(s);
		return NULL;
	}
	return s;
}

static int cs_emit_log(struct status_view *v, struct log_store *lines,
		       const struct config *c, struct arena *a, struct strbuf *sb)
{
	struct log_store_query q = { c->status_conn, 0, STATUS_LOG_LIMIT_DEFAULT };

	if (status_log_attach(v, lines, &q, &c->redact, a))
		return -1;
	if (c->status_json)
		status_log_json(v, sb);
	else
		status_log_text(v, sb);
	return 0;
}

static int cs_emit(struct model *m, const struct config *c)
{
	struct status_filter f = { c->status_conn };
	struct strbuf sb = STRBUF_INIT;
	struct arena a = ARENA_INIT;
	struct log_store *lines = c->status_log ? cs_local_log(m, c) : NULL;
	struct status_view v;
	int rc;

	if (status_build(m, &f, &a, &v) ||
	    (c->status_log && cs_emit_log(&v, lines, c, &a, &sb))) {
		log_store_free(lines);
		strbuf_release(&sb);
		arena_release(&a);
		return -1;
	}
	log_store_free(lines);
	if (c->status_log) {
		/* printed above */
	} else if (c->status_json) {
		status_json(&v, &sb);
	} else {
		/* --conn: the sessions of a remote-access conn, one per line */
		struct status_table_opts o = { cs_width(c), cs_color(c), c->status_conn != NULL };

		status_table(&v, &o, &sb);
	}
	rc = cs_print(&sb) ? -1 : status_exit_code(&v);
	strbuf_release(&sb);
	arena_release(&a);
	return rc;
}

static void cs_print_reply(const struct strbuf *out, FILE *to);

/* ---- from a daemon ---------------------------------------------------------------- */

/* --tls.* and --auth.*: the daemon's certificate, ours, our credentials */
static void cs_tls(const struct config *c, struct http_client_tls *t)
{
	*t = (struct http_client_tls){ c->status_tls_ca_file, c->status_tls_cert_file,
				       c->status_tls_key_file, c->status_tls_insecure,
				       c->status_auth_bearer_file, c->status_auth_basic_user,
				       c->status_auth_basic_password_file };
}

static int cs_fetch(const struct config *c, const char *method, const char *path,
		    const char *bearer, const char *body, struct strbuf *out, int *status,
		    char *exit_code, size_t exit_size)
{
	struct http_client_tls tls;
	struct http_client_req r = { c->status_url, method, path, bearer, body,
				     (int)c->vici_timeout_ms + 5000, STATUS_EXIT_HEADER,
				     exit_code, exit_size, &tls };
	struct ikw_err err = { "" };

	cs_tls(c, &tls);
	if (http_client_tls_check(&tls, "status --url", &err) ||
	    http_client_fetch(&r, status, out, &err)) {
		log_error("%s", err.msg);
		return 2;
	}
	return 0;
}

static int cs_remote_view(const struct config *c)
{
	struct strbuf path = STRBUF_INIT, out = STRBUF_INIT;
	char exit_code[8] = "";
	int status = 0, rc;

	if (c->status_log) {
		strbuf_addstr(&path, "/api/v1/log?");
		if (!c->status_json)
			strbuf_addstr(&path, "format=text&");
	} else {
		strbuf_addstr(&path, "/api/v1/status?");
	}
	if (c->status_log) {
		/* the lines are the daemon's: stripped for the terminal below */
	} else if (!c->status_json)
		strbuf_addf(&path, "format=text&width=%u&color=%d&", cs_width(c), cs_color(c));
	if (c->status_conn) {
		strbuf_addstr(&path, "conn=");
		http_client_query_escape(&path, c->status_conn);
	}
	rc = cs_fetch(c, "GET", strbuf_str(&path), NULL, NULL, &out, &status, exit_code,
		      sizeof(exit_code));
	if (!rc && status != 200) {
		log_error("%s answered %d: %s", c->status_url, status, strbuf_str(&out));
		rc = 2;
	} else if (!rc) {
		/* the daemon's judgment, as the local one would exit; an older
		 * daemon sends none: 0 */
		if (c->status_log) {
			cs_print_reply(&out, stdout);
			rc = fflush(stdout) ? 2 : 0;
		} else {
			rc = cs_print(&out);
		}
		if (!rc && (!strcmp(exit_code, "1") || !strcmp(exit_code, "2")))
			rc = exit_code[0] - '0';
	}
	strbuf_release(&path);
	strbuf_release(&out);
	return rc;
}

/* ---- actions through the daemon --------------------------------------------------- */

/* The daemon's reply to an action, for the operator's terminal: whatever
 * the server (or anything on a plain-HTTP path) sent, no control character
 * but the newline reaches it. */
static void cs_print_reply(const struct strbuf *out, FILE *to)
{
	char *clean = malloc(out->len + 1);

	if (!clean)
		return;
	text_for_terminal(clean, out->buf ? out->buf : "", out->len, 1);
	fputs(clean, to);
	free(clean);
}

static int cs_action_body(const struct config *c, struct strbuf *body, const char **action)
{
	struct json_out j;
	char conn[256] = "", *slash;

	json_init(&j, body);
	json_obj_begin(&j, NULL);
	if (c->status_terminate_ike || c->status_terminate_child) {
		*action = "terminate";
		json_u64(&j, c->status_terminate_ike ? "ike_id" : "child_id",
			 c->status_terminate_ike ? c->status_terminate_ike : c->status_terminate_child);
	} else {
		*action = "initiate";
		snprintf(conn, sizeof(conn), "%s", c->status_initiate);
		slash = strchr(conn, '/');
		if (!slash || !slash[1]) {
			log_error("--initiate: want CONN/CHILD");
			return 2;
		}
		*slash = '\0';
		json_str(&j, "conn", conn);
		json_str(&j, "child", slash + 1);
	}
	json_obj_end(&j);
	return 0;
}

static int cs_action(const struct config *c)
{
	struct strbuf body = STRBUF_INIT, out = STRBUF_INIT;
	struct ikw_err err = { "" };
	const char *action = "";
	char path[64], *token = NULL;
	size_t len;
	int status = 0, rc;

	if (!c->status_url || !c->status_token_file) {
		log_error("actions go through the daemon: give --url and --status.token-file");
		return 2;
	}
	if (file_read_secret(c->status_token_file, 4096, &token, &len, &err)) {
		log_error("%s", err.msg);
		return 2;
	}
	token[strcspn(token, "\r\n")] = '\0';
	rc = cs_action_body(c, &body, &action);
	snprintf(path, sizeof(path), "/api/v1/actions/%s", action);
	if (!rc)
		rc = cs_fetch(c, "POST", path, token, strbuf_str(&body), &out, &status, NULL, 0);
	if (!rc) {
		cs_print_reply(&out, status == 200 ? stdout : stderr);
		rc = status == 200 ? 0 : 2;
	}
	free(token);
	strbuf_release(&body);
	strbuf_release(&out);
	return rc;
}

int cmd_status(const struct config *c)
{
	int rc;

	if (c->status_terminate_ike || c->status_terminate_child || c->status_initiate)
		return cs_action(c);
	if (c->status_url)
		return cs_remote_view(c);
	rc = cli_run_once(c, cs_emit, NULL, NULL);
	return rc;
}
