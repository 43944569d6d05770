#include "logs/log_state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/file.h"
#include "common/num.h"
#include "common/statefile.h"

#define LST_MAGIC "ikewatch-logs 1"
#define LST_NAME_MAX 256            /* conn, rule, label names and values */

struct log_follow_pos *log_state_pos(struct log_state *ls, const char *path)
{
	size_t i;

	for (i = 0; i < ls->nfiles; i++)
		if (!strcmp(ls->files[i].path, path))
			return &ls->files[i].pos;
	return NULL;
}

struct log_follow_pos *log_state_pos_add(struct log_state *ls, const char *path)
{
	struct log_follow_pos *p = log_state_pos(ls, path);
	struct log_state_file *f;

	if (p)
		return p;
	if (ls->nfiles >= LOG_CONFIG_FILES_MAX || strlen(path) >= LOG_STATE_PATH_MAX)
		return NULL;
	f = &ls->files[ls->nfiles++];
	memset(f, 0, sizeof(*f));
	strcpy(f->path, path);
	return &f->pos;
}

/* ---- format ----------------------------------------------------------------- */

static void lst_str(struct strbuf *out, const char *s)
{
	strbuf_addch(out, ' ');
	statefile_hex(out, s, strlen(s));
}

static void lst_format_positions(const struct log_state *ls, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < ls->nfiles; i++) {
		const struct log_state_file *f = &ls->files[i];

		if (!f->pos.valid)
			continue;
		strbuf_addstr(out, "file");
		lst_str(out, f->path);
		strbuf_addf(out, " %llu %llu %llu\n", (unsigned long long)f->pos.dev,
			    (unsigned long long)f->pos.ino, (unsigned long long)f->pos.offset);
	}
	if (ls->cursor[0]) {
		strbuf_addstr(out, "journal");
		lst_str(out, ls->cursor);
		strbuf_addch(out, '\n');
	}
}

static void lst_format_failures(const struct event_view *v, struct strbuf *out)
{
	size_t i, r;

	for (i = 0; i < v->nfailures; i++) {
		const struct failure_counts *f = &v->failures[i];

		for (r = 0; r < FAIL_REASON_COUNT; r++) {
			if (!f->count[r])
				continue;
			strbuf_addstr(out, "failure");
			lst_str(out, f->conn);
			strbuf_addf(out, " %s %llu\n", fail_reason_names[r],
				    (unsigned long long)f->count[r]);
		}
		if (f->last > 0) {
			strbuf_addstr(out, "last");
			lst_str(out, f->conn);
			strbuf_addf(out, " %s %llu\n", fail_reason_names[f->last_reason],
				    (unsigned long long)f->last);
		}
	}
}

static void lst_format_rules(const struct event_view *v, struct strbuf *out)
{
	size_t i, k;

	for (i = 0; i < v->nrules; i++) {
		const struct rule_count *r = &v->rules[i];

		strbuf_addstr(out, "rule");
		lst_str(out, r->rule);
		strbuf_addf(out, " %llu %zu", (unsigned long long)r->count, r->nlabels);
		for (k = 0; k < r->nlabels; k++) {
			lst_str(out, r->label_names[k]);
			lst_str(out, r->label_values[k]);
		}
		strbuf_addch(out, '\n');
	}
}

void log_state_format(const struct log_state *ls, const struct event_view *v,
		      struct strbuf *out)
{
	strbuf_addstr(out, LST_MAGIC "\n");
	lst_format_positions(ls, out);
	if (v) {
		lst_format_failures(v, out);
		lst_format_rules(v, out);
	}
	strbuf_addstr(out, "end\n");
}

/* ---- parse ------------------------------------------------------------------ */

static bool lst_u64(const struct statefile_line *l, size_t i, uint64_t max, uint64_t *v)
{
	return !num_parse_u64(l->f[i], l->len[i], max, v);
}

static bool lst_file(struct log_state *ls, const struct statefile_line *l)
{
	char path[LOG_STATE_PATH_MAX];
	struct log_follow_pos pos = { .valid = true }, *p;

	if (l->n != 5 || !statefile_unhex(l->f[1], l->len[1], path, sizeof(path)) ||
	    path[0] != '/' || log_state_pos(ls, path) ||
	    !lst_u64(l, 2, UINT64_MAX, &pos.dev) || !lst_u64(l, 3, UINT64_MAX, &pos.ino) ||
	    !lst_u64(l, 4, INT64_MAX, &pos.offset))
		return false;
	p = log_state_pos_add(ls, path);
	if (!p)
		return false;
	*p = pos;
	return true;
}

static bool lst_journal(struct log_state *ls, const struct statefile_line *l)
{
	return l->n == 2 && !ls->cursor[0] &&
	       statefile_unhex(l->f[1], l->len[1], ls->cursor, sizeof(ls->cursor)) &&
	       ls->cursor[0];
}

static bool lst_reason(const struct statefile_line *l, size_t i, enum fail_reason *r)
{
	unsigned k;

	for (k = 0; k < FAIL_REASON_COUNT; k++)
		if (l->len[i] == strlen(fail_reason_names[k]) &&
		    !memcmp(l->f[i], fail_reason_names[k], l->len[i]))
			return *r = (enum fail_reason)k, true;
	return false;
}

/* failure and last lines: <conn> <reason> <number> */
static bool lst_failure(struct event_store *store, const struct statefile_line *l,
			bool last)
{
	char conn[LST_NAME_MAX];
	enum fail_reason r;
	uint64_t v;

	if (l->n != 4 || !statefile_unhex(l->f[1], l->len[1], conn, sizeof(conn)) ||
	    !lst_reason(l, 2, &r) || !lst_u64(l, 3, last ? (1ULL << 40) : UINT64_MAX, &v) ||
	    (last && !v))
		return false;
	if (last)
		event_store_failure_add(store, r, conn, 0, (double)v);
	else
		event_store_failure_add(store, r, conn, v, 0);
	return true;
}

static bool lst_rule(struct event_store *store, const struct statefile_line *l)
{
	char rule[LST_NAME_MAX], names[EVENT_LABELS_MAX][LST_NAME_MAX];
	char values[EVENT_LABELS_MAX][LST_NAME_MAX];
	const char *np[EVENT_LABELS_MAX], *vp[EVENT_LABELS_MAX];
	uint64_t count, n;
	size_t k;

	if (l->n < 4 || !statefile_unhex(l->f[1], l->len[1], rule, sizeof(rule)) ||
	    !rule[0] || !lst_u64(l, 2, UINT64_MAX, &count) ||
	    !lst_u64(l, 3, EVENT_LABELS_MAX, &n) || l->n != 4 + 2 * n)
		return false;
	for (k = 0; k < n; k++) {
		if (!statefile_unhex(l->f[4 + 2 * k], l->len[4 + 2 * k], names[k], LST_NAME_MAX) ||
		    !statefile_unhex(l->f[5 + 2 * k], l->len[5 + 2 * k], values[k], LST_NAME_MAX) ||
		    !names[k][0])
			return false;
		np[k] = names[k];
		vp[k] = values[k];
	}
	event_store_rule_add(store, rule, np, vp, (size_t)n, count);
	return true;
}

static bool lst_line(struct log_state *ls, struct event_store *store,
		     const char *s, size_t len, bool *ended)
{
	struct statefile_line l;

	if (*ended || !statefile_split(s, len, &l))
		return false;
	if (statefile_is(&l, "file"))
		return lst_file(ls, &l);
	if (statefile_is(&l, "journal"))
		return lst_journal(ls, &l);
	if (statefile_is(&l, "failure"))
		return lst_failure(store, &l, false);
	if (statefile_is(&l, "last"))
		return lst_failure(store, &l, true);
	if (statefile_is(&l, "rule"))
		return lst_rule(store, &l);
	if (statefile_is(&l, "end") && l.n == 1)
		return *ended = true;
	return false;
}

struct lst_parser {
	struct log_state *ls;
	struct event_store *store;
	bool ended;
};

static bool lst_line_cb(void *ctx, const char *s, size_t len)
{
	struct lst_parser *p = ctx;

	return lst_line(p->ls, p->store, s, len, &p->ended);
}

int log_state_parse(struct log_state *ls, struct event_store *store,
		    const char *buf, size_t len, struct ikw_err *err)
{
	struct lst_parser p = { ls, store, false };

	memset(ls, 0, sizeof(*ls));
	return statefile_parse(buf, len, LOG_STATE_MAX, LST_MAGIC, lst_line_cb, &p, &p.ended,
			       err);
}

/* ---- files ------------------------------------------------------------------ */

int log_state_load(struct log_state *ls, struct event_store *store,
		   const char *path, struct ikw_err *err)
{
	char *buf;
	size_t len;
	int r;

	memset(ls, 0, sizeof(*ls));
	r = file_read_all(path, LOG_STATE_MAX, &buf, &len, err);
	if (r)
		return r == -ENOENT ? 0 : r;
	r = log_state_parse(ls, store, buf, len, err);
	free(buf);
	return r ? err_prefix(err, r, "%s", path) : 0;
}

int log_state_save(const struct log_state *ls, struct event_store *store,
		   const char *path, struct ikw_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct arena a = ARENA_INIT;
	struct event_view v;
	int r;

	r = event_store_view(store, &a, &v);
	if (!r) {
		log_state_format(ls, &v, &sb);
		r = strbuf_failed(&sb) ? err_set(err, -ENOMEM, "out of memory") :
		    statefile_save(path, sb.buf, sb.len, err);
	} else {
		err_set(err, r, "out of memory");
	}
	strbuf_release(&sb);
	arena_release(&a);
	return r;
}
