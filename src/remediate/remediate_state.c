#include "remediate/remediate_state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/file.h"
#include "common/num.h"
#include "common/statefile.h"
#include "config/config_remediate.h"

#define RS_MAGIC "ikewatch-remediation 2"
/* A hundred years of milliseconds: no policy time is later. */
#define RS_TIME_MAX_MS (100ULL * 365 * 86400 * 1000)

static void rs_time(struct strbuf *out, double t)
{
	strbuf_addf(out, " %llu", (unsigned long long)(t > 0 ? t * 1000 + 0.5 : 0));
}

void rem_state_format(const struct rem_state *s, struct strbuf *out)
{
	size_t i, k = s->host.nrestarts < REM_DAY_MAX ? s->host.nrestarts : REM_DAY_MAX;

	strbuf_addstr(out, RS_MAGIC "\nhost");
	rs_time(out, s->host.last_restart);
	strbuf_addf(out, " %u\n", s->host.failures);
	for (i = 0; i < k; i++) {
		strbuf_addstr(out, "restart");
		rs_time(out, s->host.restarts[i]);
		strbuf_addch(out, '\n');
	}
	for (i = 0; i < s->nconns; i++) {
		strbuf_addstr(out, "conn ");
		statefile_hex(out, s->conns[i].name, strlen(s->conns[i].name));
		rs_time(out, s->conns[i].last_action);
		strbuf_addch(out, '\n');
	}
	strbuf_addstr(out, "end\n");
}

/* ---- parsing ---------------------------------------------------------------- */

struct rs_parser {
	struct rem_state *s;
	double now;
	bool have_host, ended;
};

/* A time field; one in the future is now. */
static bool rs_time_parse(const struct rs_parser *p, const char *f, size_t len, double *out)
{
	uint64_t ms;

	if (num_parse_u64(f, len, RS_TIME_MAX_MS, &ms))
		return false;
	*out = (double)ms / 1000;
	if (*out > p->now)
		*out = p->now;
	return true;
}

/* What an alert's conn label may hold (alertmanager.c keeps the same). */
static bool rs_name_ok(const char *n)
{
	size_t i;

	for (i = 0; n[i]; i++)
		if (n[i] < 0x21 || n[i] > 0x7e || n[i] == '/' || n[i] == '\\')
			return false;
	return i > 0;
}

static bool rs_conn(struct rs_parser *p, const struct statefile_line *l)
{
	struct rem_state *s = p->s;
	struct rem_state_conn c, *grown;
	size_t i;

	if (l->n != 3 || s->nconns >= REMEDIATE_CONNS_MAX ||
	    !statefile_unhex(l->f[1], l->len[1], c.name, sizeof(c.name)) ||
	    !rs_name_ok(c.name) || !rs_time_parse(p, l->f[2], l->len[2], &c.last_action))
		return false;
	for (i = 0; i < s->nconns; i++)
		if (!strcmp(s->conns[i].name, c.name))
			return false;
	grown = realloc(s->conns, (s->nconns + 1) * sizeof(*grown));
	if (!grown)
		return false;
	s->conns = grown;
	s->conns[s->nconns++] = c;
	return true;
}

static bool rs_host(struct rs_parser *p, const struct statefile_line *l)
{
	uint64_t failures;

	if (l->n != 3 || p->have_host ||
	    !rs_time_parse(p, l->f[1], l->len[1], &p->s->host.last_restart) ||
	    num_parse_u64(l->f[2], l->len[2], REM_STATE_FAILURES_MAX, &failures))
		return false;
	p->s->host.failures = (unsigned)failures;
	p->have_host = true;
	return true;
}

static bool rs_restart(struct rs_parser *p, const struct statefile_line *l)
{
	struct rem_host_state *h = &p->s->host;

	if (l->n != 2 || h->nrestarts >= REM_DAY_MAX ||
	    !rs_time_parse(p, l->f[1], l->len[1], &h->restarts[h->nrestarts]))
		return false;
	h->nrestarts++;
	return true;
}

static bool rs_line(void *ctx, const char *s, size_t len)
{
	struct rs_parser *p = ctx;
	struct statefile_line l;

	if (p->ended || !statefile_split(s, len, &l) || !l.n)
		return false;
	if (statefile_is(&l, "end"))
		return l.n == 1 && p->have_host && (p->ended = true);
	if (statefile_is(&l, "host"))
		return rs_host(p, &l);
	if (statefile_is(&l, "restart"))
		return p->have_host && rs_restart(p, &l);
	if (statefile_is(&l, "conn"))
		return p->have_host && rs_conn(p, &l);
	return false;
}

int rem_state_parse(struct rem_state *s, const char *buf, size_t len, double now,
		    struct ikw_err *err)
{
	struct rs_parser p = { s, now, false, false };

	memset(s, 0, sizeof(*s));
	return statefile_parse(buf, len, REM_STATE_MAX, RS_MAGIC, rs_line, &p, &p.ended, err);
}

void rem_state_release(struct rem_state *s)
{
	free(s->conns);
	s->conns = NULL;
	s->nconns = 0;
}

int rem_state_load(struct rem_state *s, const char *path, double now, struct ikw_err *err)
{
	char *buf;
	size_t len;
	int r = file_read_all(path, REM_STATE_MAX, &buf, &len, err);

	memset(s, 0, sizeof(*s));
	if (r)
		return r == -ENOENT ? 0 : r;
	r = rem_state_parse(s, buf, len, now, err);
	free(buf);
	return r ? err_prefix(err, r, "%s", path) : 0;
}

int rem_state_save(const struct rem_state *s, const char *path, struct ikw_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	int r;

	rem_state_format(s, &sb);
	r = strbuf_failed(&sb) ? err_set(err, -ENOMEM, "out of memory") :
	    statefile_save(path, sb.buf, sb.len, err);
	strbuf_release(&sb);
	return r;
}
