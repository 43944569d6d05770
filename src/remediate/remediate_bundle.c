/* The diagnostics bundle of one remediation: summary.json, status.json,
 * the conn's metric series (metrics.txt) and charon's recent log lines of
 * the conn (log.txt), written by remediate_diag.c. */
#include <stdio.h>
#include <time.h>

#include "collect/scrape.h"
#include "common/json_out.h"
#include "common/log.h"
#include "logs/log_collect.h"
#include "metrics/render.h"
#include "remediate/remediate_diag.h"
#include "remediate/remediate_int.h"

/* The series of a fresh snapshot labelled with conn: its tunnels' state,
 * traffic, kernel figures, failures and probe results. */
static void rem_conn_metrics(struct remediate *r, const char *conn, struct strbuf *out)
{
	struct render_opts ro = { .peer_labels = true, .conn = conn };
	struct model *m = scraper_collect(r->scraper);
	struct render *rd = m ? render_new(m, EXPO_TEXT, &ro) : NULL;
	struct strbuf piece = STRBUF_INIT;
	int more = 1;

	/* render_next() wants an emptied buffer for each piece */
	while (rd && more > 0) {
		more = render_next(rd, &piece);
		strbuf_add(out, strbuf_str(&piece), piece.len);
		strbuf_reset(&piece);
	}
	strbuf_release(&piece);
	render_free(rd);
	model_unref(m);
}

static void rem_summary(const struct rem_job *job, const struct rem_check *c,
			struct strbuf *sum)
{
	struct json_out j;

	json_init(&j, sum);
	json_obj_begin(&j, NULL);
	json_str(&j, "alertname", job->alertname);
	json_str(&j, "conn", job->conn);
	json_str(&j, "child", job->child);
	json_str(&j, "peer", c->peer);
	json_str(&j, "seen", c->seen);
	json_u64(&j, "conns_faulty", c->nfaulty);
	json_obj_end(&j);
	strbuf_addch(sum, '\n');
}

static void rem_recent_logs(struct remediate *r, const char *conn, struct strbuf *logs)
{
	if (!log_collect_recent(r->logs, conn, logs))
		strbuf_addstr(logs, r->logs ? "(no recent log lines of this connection)\n" :
			      "(no log source configured: logs: in the config)\n");
}

void rem_bundle(struct remediate *r, const struct rem_job *job, const struct rem_check *c,
		const struct strbuf *status, char *path, size_t psize)
{
	struct rem_diag_opts o = {
		r->rc->diag_dir, r->rc->diag_keep, r->rc->diag_max_total_bytes,
		r->rc->diag_output_max_bytes, r->rc->diag_timeout_ms,
		r->rc->diag_commands, r->rc->ndiag_commands,
	};
	struct strbuf sum = STRBUF_INIT, metrics = STRBUF_INIT, logs = STRBUF_INIT;
	struct rem_diag_file files[4];
	struct ikw_err err = { "" };
	int rc;

	rem_summary(job, c, &sum);
	rem_conn_metrics(r, job->conn, &metrics);
	rem_recent_logs(r, job->conn, &logs);
	files[0] = (struct rem_diag_file){ "summary.json", sum.buf ? sum.buf : "", sum.len };
	files[1] = (struct rem_diag_file){ "status.json", status->buf ? status->buf : "",
					   status->len };
	files[2] = (struct rem_diag_file){ "metrics.txt", strbuf_str(&metrics), metrics.len };
	files[3] = (struct rem_diag_file){ "log.txt", strbuf_str(&logs), logs.len };
	rc = rem_diag_bundle(&o, time(NULL), job->conn, files, 4, path, psize, &err);
	strbuf_release(&sum);
	strbuf_release(&metrics);
	strbuf_release(&logs);
	if (rc) {
		log_error("remediation diagnostics: %s", err.msg);
		path[0] = '\0';
		rem_count_action(r, job->conn, RA_DIAGNOSTICS, RS_FAILED);
		return;
	}
	rem_count_action(r, job->conn, RA_DIAGNOSTICS, RS_OK);
	rem_diag_retain(r->rc->diag_dir, r->rc->diag_keep, r->rc->diag_max_total_bytes);
}
