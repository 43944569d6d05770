#include "logs/log_journal.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include "common/num.h"
#include "logs/log_follow.h"

#define LJ_INTERVAL_MS 500
#define LJ_TRUSTED_MATCH "_UID=0"

static const char *const lj_default_matches[] = {
	"SYSLOG_IDENTIFIER=charon",
	"SYSLOG_IDENTIFIER=charon-systemd",
};

struct log_journal {
	sd_journal *j;
	struct log_journal_opts o;
	log_journal_fn fn;
	void *ctx;
	pthread_t thread;
	atomic_bool stop;
	atomic_uint_least64_t entries, long_entries, errors;
};

bool log_journal_match_valid(const char *m)
{
	const char *eq = m ? strchr(m, '=') : NULL;
	const char *p;

	if (!eq || eq == m || (*m >= '0' && *m <= '9') || eq - m > 64)
		return false;
	for (p = m; p < eq; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

/* ---- opening ---------------------------------------------------------------- */

/* Fields journald sets itself (leading underscore); a sender cannot forge
 * them.  Matches naming one are taken as the operator's trust decision. */
static bool lj_has_trusted_field(const char *const *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (m[i][0] == '_')
			return true;
	return false;
}

static int lj_add_matches(sd_journal *j, const struct log_journal_opts *o,
			  struct ikw_err *err)
{
	const char *const *m = o->nmatches ? o->matches : lj_default_matches;
	size_t n = o->nmatches ? o->nmatches : sizeof(lj_default_matches) / sizeof(*m);
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if (!log_journal_match_valid(m[i]))
			return err_set(err, -EINVAL, "journal: invalid match '%s' (want FIELD=value)",
				       m[i]);
		rc = sd_journal_add_match(j, m[i], 0);
		if (rc < 0)
			return err_set(err, rc, "journal: match '%s': %s", m[i], strerror(-rc));
	}
	if (lj_has_trusted_field(m, n))
		return 0;
	/* SYSLOG_IDENTIFIER is whatever the sender says; _UID is set by journald */
	rc = sd_journal_add_conjunction(j);
	if (rc >= 0)
		rc = sd_journal_add_match(j, LJ_TRUSTED_MATCH, 0);
	if (rc < 0)
		return err_set(err, rc, "journal: match '%s': %s", LJ_TRUSTED_MATCH,
			       strerror(-rc));
	return 0;
}

static size_t lj_line_max(const struct log_journal_opts *o)
{
	return o->line_max ? o->line_max : LOG_FOLLOW_LINE_MAX;
}

static int lj_open(sd_journal **out, const struct log_journal_opts *o,
		   struct ikw_err *err)
{
	sd_journal *j = NULL;
	int rc;

	if (o->directory)
		rc = sd_journal_open_directory(&j, o->directory, 0);
	else
		rc = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
	if (rc < 0)
		return err_set(err, rc, "journal: cannot open %s: %s",
			       o->directory ? o->directory : "the system journal", strerror(-rc));
	/* fields past this are cut by sd-journal itself: memory stays bounded */
	sd_journal_set_data_threshold(j, lj_line_max(o) + sizeof("MESSAGE="));
	rc = lj_add_matches(j, o, err);
	if (rc) {
		sd_journal_close(j);
		return rc;
	}
	*out = j;
	return 0;
}

/* ---- reading one entry ------------------------------------------------------ */

const char *log_journal_value(const void *data, size_t size, const char *field,
			      size_t *len)
{
	size_t flen = strlen(field);

	if (!data || size <= flen || memcmp(data, field, flen) ||
	    ((const char *)data)[flen] != '=')
		return NULL;
	*len = size - flen - 1;
	return (const char *)data + flen + 1;
}

/* IKE_SA_NAME's value as a NUL-terminated copy into buf, or NULL. */
static const char *lj_conn(const char *v, size_t len, char *buf, size_t size)
{
	if (!v || !len || memchr(v, '\0', len))
		return NULL;
	if (len >= size)
		len = size - 1;
	memcpy(buf, v, len);
	buf[len] = '\0';
	return buf;
}

static uint32_t lj_sa_id(const char *v, size_t len)
{
	uint64_t id;

	if (!v || num_parse_u64(v, len, UINT32_MAX, &id))
		return 0;
	return (uint32_t)id;
}

int log_journal_entry_build(const struct log_journal_fields *f, size_t line_max,
			    struct log_journal_entry *e, char *conn, size_t conn_size)
{
	size_t len = 0;

	memset(e, 0, sizeof(*e));
	e->msg = log_journal_value(f->message, f->message_len, "MESSAGE", &e->len);
	if (!e->msg)
		return 0;
	if (e->len > line_max) {
		e->len = line_max;
		e->truncated = true;
	}
	e->conn = lj_conn(log_journal_value(f->name, f->name_len, "IKE_SA_NAME", &len),
			  len, conn, conn_size);
	len = 0;
	e->sa_id = lj_sa_id(log_journal_value(f->id, f->id_len, "IKE_SA_UNIQUE_ID", &len),
			    len);
	return e->truncated ? 2 : 1;
}

/* Hands the current entry to fn; 0 when it has no message, 1 when it was
 * delivered whole, 2 when cut at line_max. */
static int lj_deliver(sd_journal *j, size_t line_max, log_journal_fn fn, void *ctx)
{
	struct log_journal_fields f = { .message = NULL };
	struct log_journal_entry e;
	char conn[256];
	uint64_t usec = 0;
	int r;

	/* a field the entry lacks stays NULL */
	if (sd_journal_get_data(j, "MESSAGE", &f.message, &f.message_len) < 0)
		return 0;
	if (sd_journal_get_data(j, "IKE_SA_NAME", &f.name, &f.name_len) < 0)
		f.name = NULL;
	if (sd_journal_get_data(j, "IKE_SA_UNIQUE_ID", &f.id, &f.id_len) < 0)
		f.id = NULL;
	r = log_journal_entry_build(&f, line_max, &e, conn, sizeof(conn));
	if (!r)
		return 0;
	if (sd_journal_get_realtime_usec(j, &usec) >= 0)
		e.ts = (double)usec / 1e6;
	fn(ctx, &e);
	return r;
}

/* ---- the follower thread ---------------------------------------------------- */

static void lj_drain(struct log_journal *lj)
{
	int rc;

	while (!atomic_load(&lj->stop) && (rc = sd_journal_next(lj->j)) != 0) {
		if (rc < 0) {
			atomic_fetch_add(&lj->errors, 1);
			return;
		}
		rc = lj_deliver(lj->j, lj_line_max(&lj->o), lj->fn, lj->ctx);
		if (rc)
			atomic_fetch_add(&lj->entries, 1);
		if (rc == 2)
			atomic_fetch_add(&lj->long_entries, 1);
	}
}

static void *lj_main(void *arg)
{
	struct log_journal *lj = arg;
	uint64_t wait_us = (uint64_t)(lj->o.interval_ms ? lj->o.interval_ms : LJ_INTERVAL_MS) * 1000;

	while (!atomic_load(&lj->stop)) {
		lj_drain(lj);
		if (atomic_load(&lj->stop))
			break;
		if (sd_journal_wait(lj->j, wait_us) < 0) {
			atomic_fetch_add(&lj->errors, 1);
			/* keep the loop from spinning on a persistent error */
			struct timespec ts = { 0, (long)wait_us * 1000 };

			nanosleep(&ts, NULL);
		}
	}
	return NULL;
}

/* Positions after the last entry: sd_journal_next() then returns only what
 * arrives later. */
static int lj_seek_end(sd_journal *j)
{
	int rc = sd_journal_seek_tail(j);

	if (rc >= 0)
		rc = sd_journal_previous(j);
	return rc < 0 ? rc : 0;
}

int log_journal_start(struct log_journal **out, const struct log_journal_opts *o,
		      log_journal_fn fn, void *ctx, struct ikw_err *err)
{
	struct log_journal *lj = calloc(1, sizeof(*lj));
	int rc;

	if (!lj)
		return err_set(err, -ENOMEM, "out of memory");
	lj->o = *o;
	lj->fn = fn;
	lj->ctx = ctx;
	rc = lj_open(&lj->j, o, err);
	if (!rc && (rc = lj_seek_end(lj->j)) < 0)
		err_set(err, rc, "journal: cannot seek to its end: %s", strerror(-rc));
	if (!rc && (rc = -pthread_create(&lj->thread, NULL, lj_main, lj)) < 0)
		err_set(err, rc, "journal: cannot start its thread: %s", strerror(-rc));
	if (rc) {
		if (lj->j)
			sd_journal_close(lj->j);
		free(lj);
		return rc;
	}
	*out = lj;
	return 0;
}

void log_journal_stop(struct log_journal *lj)
{
	if (!lj)
		return;
	atomic_store(&lj->stop, true);
	pthread_join(lj->thread, NULL);
	sd_journal_close(lj->j);
	free(lj);
}

void log_journal_get_stats(struct log_journal *lj, struct log_journal_stats *st)
{
	st->entries = atomic_load(&lj->entries);
	st->long_entries = atomic_load(&lj->long_entries);
	st->errors = atomic_load(&lj->errors);
	st->open = true;
}

/* ---- one-shot catch-up ------------------------------------------------------ */

/* Positions on the saved cursor's entry, or on the nearest one when it was
 * vacuumed; an entry there that is not the saved one is new and is read.
 * Returns the number of entries handed over, or -errno. */
static int lj_seek_cursor(sd_journal *j, const char *cursor, size_t line_max,
			  log_journal_fn fn, void *ctx)
{
	int rc = sd_journal_seek_cursor(j, cursor);

	if (rc < 0)
		return rc;
	rc = sd_journal_next(j);
	if (rc <= 0 || sd_journal_test_cursor(j, cursor) > 0)
		return rc < 0 ? rc : 0;
	return lj_deliver(j, line_max, fn, ctx) != 0;
}

static int lj_save_cursor(sd_journal *j, const char *old, char *cursor_out)
{
	char *c = NULL;
	int rc = sd_journal_get_cursor(j, &c);

	if (rc == -EADDRNOTAVAIL) {   /* no entry at all: keep what we had */
		snprintf(cursor_out, LOG_JOURNAL_CURSOR_MAX, "%s", old ? old : "");
		return 0;
	}
	if (rc < 0)
		return rc;
	if (strlen(c) >= LOG_JOURNAL_CURSOR_MAX) {
		free(c);
		return -ENAMETOOLONG;
	}
	strcpy(cursor_out, c);
	free(c);
	return 0;
}

long log_journal_catchup(const struct log_journal_opts *o, const char *cursor,
			 log_journal_fn fn, void *ctx, char *cursor_out,
			 struct ikw_err *err)
{
	size_t line_max = lj_line_max(o);
	sd_journal *j = NULL;
	long n = 0;
	int rc;

	cursor_out[0] = '\0';
	rc = lj_open(&j, o, err);
	if (rc)
		return rc;
	if (cursor && cursor[0])
		n = rc = lj_seek_cursor(j, cursor, line_max, fn, ctx);
	else
		rc = lj_seek_end(j);
	/* at the end, sd_journal_next() leaves the last entry current */
	while (rc >= 0 && (rc = sd_journal_next(j)) > 0)
		n += lj_deliver(j, line_max, fn, ctx) != 0;
	if (rc < 0)
		err_set(err, rc, "journal: reading: %s", strerror(-rc));
	else if ((rc = lj_save_cursor(j, cursor, cursor_out)) < 0)
		err_set(err, rc, "journal: cannot take the cursor: %s", strerror(-rc));
	sd_journal_close(j);
	return rc < 0 ? rc : n;
}
