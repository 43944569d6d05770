#include "logs/logs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "logs/error_notify.h"
#include "logs/log_follow.h"
#include "logs/log_journal.h"
#include "logs/log_known.h"
#include "logs/log_state.h"
#include "common/log.h"

struct logs_runtime {
	struct log_collect *collect;
	struct log_follow *follow[LOG_CONFIG_FILES_MAX];
	size_t nfollow;
	struct error_notify_reader *enfy;
	struct log_journal *journal;
	struct log_known *known;   /* ours when the caller gave no known fn */
};

void logs_stop(struct logs_runtime *rt)
{
	size_t i;

	if (!rt)
		return;
	for (i = 0; i < rt->nfollow; i++)
		log_follow_stop(rt->follow[i]);
	log_journal_stop(rt->journal);
	error_notify_stop(rt->enfy);
	log_collect_free(rt->collect);
	log_known_free(rt->known);
	free(rt);
}

/* Whoever can write a log file can invent charon's failures: say so. */
static void logs_warn_untrusted(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return;   /* not there yet: the follower waits for it */
	if (st.st_uid != 0)
		log_warn("logs: '%s' is not owned by root (uid %ld): its owner can "
			 "forge charon's failures", path, (long)st.st_uid);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		log_warn("logs: '%s' is writable by group or others (mode %04o): they can "
			 "forge charon's failures", path, (unsigned)(st.st_mode & 07777));
}

static int logs_start_files(struct logs_runtime *rt, const struct log_config *lc,
			    struct ikw_err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < lc->nfiles && i < LOG_CONFIG_FILES_MAX; i++) {
		logs_warn_untrusted(lc->files[i]);
		rc = log_follow_start(&rt->follow[i], lc->files[i], NULL,
				      log_collect_on_line, rt->collect);
		if (rc)
			return err_set(err, rc, "cannot follow '%s': %s", lc->files[i],
				       strerror(-rc));
		rt->nfollow++;
	}
	return 0;
}

void logs_on_journal(void *ctx, const struct log_journal_entry *e)
{
	struct log_collect *c = ctx;

	/* charon-systemd names the SA in fields; syslog lines carry it inline */
	if (e->conn)
		log_collect_vici(c, e->msg, e->len, e->conn, e->sa_id, e->ts);
	else
		log_collect_line(c, e->msg, e->len, e->ts);
}

/* pluto logs to syslog as "pluto" (libreswan's ipsec.service) */
static const char *const logs_pluto_matches[] = { "SYSLOG_IDENTIFIER=pluto" };

void logs_journal_opts(const struct log_config *lc, struct log_journal_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->directory = lc->journal_directory;
	o->matches = (const char *const *)lc->journal_matches;
	o->nmatches = lc->njournal_matches;
	if (!o->nmatches && lc->daemon == LOG_DAEMON_PLUTO) {
		o->matches = logs_pluto_matches;
		o->nmatches = 1;
	}
}

static int logs_start_journal(struct logs_runtime *rt, const struct log_config *lc,
			      struct ikw_err *err)
{
	struct log_journal_opts o;

	if (!lc->journal)
		return 0;
	logs_journal_opts(lc, &o);
	return log_journal_start(&rt->journal, &o, logs_on_journal, rt->collect, err);
}

int logs_start(struct logs_runtime **out, const struct log_config *lc,
	       struct event_store *store, log_conn_known_fn known,
	       void *known_ctx, struct ikw_err *err)
{
	return logs_start_lines(out, lc, store, NULL, known, known_ctx, err);
}

int logs_start_lines(struct logs_runtime **out, const struct log_config *lc,
		     struct event_store *store, struct log_store *lines,
		     log_conn_known_fn known, void *known_ctx, struct ikw_err *err)
{
	struct log_collect_opts co = { store, lc->rules, lc->builtin, known, known_ctx, lines,
				       lc->daemon == LOG_DAEMON_PLUTO };
	struct logs_runtime *rt = calloc(1, sizeof(*rt));
	int rc;

	if (rt && !known && (rt->known = log_known_new())) {
		co.known = log_known_has;
		co.known_ctx = rt->known;
	}
	if (!rt || (!known && !rt->known) || !(rt->collect = log_collect_new(&co))) {
		if (rt)
			log_known_free(rt->known);
		free(rt);
		return err_set(err, -ENOMEM, "out of memory");
	}
	rc = logs_start_files(rt, lc, err);
	if (!rc)
		rc = logs_start_journal(rt, lc, err);
	if (!rc && lc->error_notify) {
		struct error_notify_opts eo = { .path = lc->error_notify, .store = store };

		rc = error_notify_start(&rt->enfy, &eo);
		if (rc)
			err_set(err, rc, "cannot start the error-notify reader for '%s': %s",
				lc->error_notify, strerror(-rc));
	}
	if (rc) {
		logs_stop(rt);
		return rc;
	}
	*out = rt;
	return 0;
}

void logs_contribute(void *ctx, struct model *m)
{
	struct logs_runtime *rt = ctx;

	m->have_logs = true;
	if (rt)
		log_known_update(rt->known, m);
	logs_get_stats(ctx, &m->logs);
}

struct log_collect *logs_collector(struct logs_runtime *rt)
{
	return rt ? rt->collect : NULL;
}

void logs_get_stats(struct logs_runtime *rt, struct log_source_stats *st)
{
	struct log_collect_stats cs;
	size_t i;

	memset(st, 0, sizeof(*st));
	if (!rt)
		return;
	log_collect_get_stats(rt->collect, &cs);
	st->lines = cs.lines;
	st->long_lines = cs.long_lines;
	st->failures = cs.failures;
	st->rule_matches = cs.rule_matches;
	st->files = (unsigned)rt->nfollow;
	for (i = 0; i < rt->nfollow; i++) {
		struct log_follow_stats fs;

		log_follow_get_stats(rt->follow[i], &fs);
		st->rotations += fs.rotations;
		st->truncations += fs.truncations;
		st->files_open += fs.open;
	}
	if (rt->journal) {
		struct log_journal_stats js;

		log_journal_get_stats(rt->journal, &js);
		st->journal = true;
		st->journal_entries = js.entries;
		st->journal_errors = js.errors;
		st->long_lines += js.long_entries;
	}
	if (rt->enfy) {
		struct error_notify_stats es;

		error_notify_get_stats(rt->enfy, &es);
		st->error_notify = true;
		st->error_notify_connected = es.connected;
		st->error_notify_messages = es.messages;
		st->error_notify_failures = es.failures;
	}
}

/* ---- one-shot --------------------------------------------------------------- */

static int logs_catchup_files(const struct log_config *lc, struct log_collect *col,
			      struct log_state *ls, struct ikw_err *err)
{
	size_t i;
	int rc = 0, r;

	for (i = 0; i < lc->nfiles; i++) {
		struct log_follow_pos *pos = log_state_pos_add(ls, lc->files[i]);

		if (!pos)
			return err_set(err, -ENOSPC, "too many log files in the state");
		r = log_follow_catchup(lc->files[i], pos, NULL, log_collect_on_line, col, NULL);
		if (r && r != -ENOENT) {
			rc = err_set(err, r, "cannot read '%s': %s", lc->files[i], strerror(-r));
			log_warn("logs: %s", err->msg);
		}
	}
	return rc;
}

static int logs_catchup_journal(const struct log_config *lc, struct log_collect *col,
				struct log_state *ls, struct ikw_err *err)
{
	char cursor[LOG_JOURNAL_CURSOR_MAX];
	struct log_journal_opts o;
	long n;

	if (!lc->journal)
		return 0;
	logs_journal_opts(lc, &o);
	n = log_journal_catchup(&o, ls->cursor, logs_on_journal, col, cursor, err);
	if (n < 0) {
		log_warn("logs: %s", err->msg);
		return (int)n;
	}
	memcpy(ls->cursor, cursor, sizeof(ls->cursor));
	return 0;
}

int logs_catchup(const struct log_config *lc, struct event_store *store,
		 struct log_state *ls, struct ikw_err *err)
{
	struct log_collect_opts co = { store, lc->rules, lc->builtin, NULL, NULL, NULL,
				       lc->daemon == LOG_DAEMON_PLUTO };
	struct log_collect *col = log_collect_new(&co);
	int rf, rj;

	if (!col)
		return err_set(err, -ENOMEM, "out of memory");
	rf = logs_catchup_files(lc, col, ls, err);
	rj = logs_catchup_journal(lc, col, ls, err);
	log_collect_free(col);
	return rf ? rf : rj;
}
