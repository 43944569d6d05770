#include "status/status_table.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/text.h"
#include "status/status_ra.h"

/* Columns, the most important first: a column is shown when the width
 * leaves room for it after the ones before.  NAME takes what is left. */
enum st_col {
	COL_NAME, COL_STATE, COL_PEER, COL_ELAPSED, COL_REKEY, COL_BYTES, COL_IDLE,
	COL_PACKETS, COL_ERRORS, COL_LIFE, COL_NAT, COL_ROLE, COL_ALGS,
	COL_COUNT
};

static const struct {
	const char *title;
	unsigned width;    /* 0: NAME, flexible */
	bool right;
} st_cols[COL_COUNT] = {
	[COL_NAME] = { "CONNECTION / SA", 0, false },
	[COL_STATE] = { "STATE", 11, false },
	[COL_PEER] = { "PEER / SPI", 15, false },
	[COL_ELAPSED] = { "ELAPSED", 7, true },
	[COL_REKEY] = { "REKEY IN", 8, true },
	[COL_BYTES] = { "BYTES", 9, true },
	[COL_IDLE] = { "IDLE", 6, true },
	[COL_PACKETS] = { "PACKETS", 9, true },
	[COL_ERRORS] = { "ERRORS", 6, true },
	[COL_LIFE] = { "EXPIRES IN", 10, true },
	[COL_NAT] = { "NAT-T", 6, false },
	[COL_ROLE] = { "ROLE", 9, false },
	[COL_ALGS] = { "ALGORITHMS", 40, false },
};

#define ST_NAME_MIN 16
#define ST_CELL_MAX 1024   /* bytes of one cell kept; wider than any terminal */

struct st_ctx {
	const struct status_table_opts *o;
	struct strbuf *out;
	bool show[COL_COUNT];
	unsigned name_w;
	bool no_packets;    /* the daemon counts none (pluto): "-", not 0 */
};

/* Which columns fit: NAME at least ST_NAME_MIN, one space between. */
static void st_layout(struct st_ctx *c)
{
	unsigned used = ST_NAME_MIN, i;

	c->show[COL_NAME] = true;
	for (i = 1; i < COL_COUNT; i++) {
		c->show[i] = used + 1 + st_cols[i].width <= c->o->width;
		if (c->show[i])
			used += 1 + st_cols[i].width;
		else
			break;   /* keep the order of importance: no gaps */
	}
	c->name_w = ST_NAME_MIN + (c->o->width > used ? c->o->width - used : 0);
	if (c->name_w > 28)
		c->name_w = 28;
}

static const char *st_color(const struct st_ctx *c, const char *code)
{
	return c->o->color ? code : "";
}

/* A cell cut to w columns ('~' marks a cut), padded unless last.  Its text
 * came from charon or a daemon: no control character reaches the terminal. */
static void st_cell(struct st_ctx *c, const char *raw, unsigned w, bool right, bool last)
{
	char s[ST_CELL_MAX];
	size_t len = strnlen(raw, sizeof(s) - 1);

	len = text_for_terminal(s, raw, len, 0);

	if (len > w) {
		strbuf_add(c->out, s, w - 1);
		strbuf_addch(c->out, '~');
		return;
	}
	if (right)
		strbuf_addf(c->out, "%*s", (int)w, s);
	else if (last)
		strbuf_addstr(c->out, s);
	else
		strbuf_addf(c->out, "%-*s", (int)w, s);
}

static void st_row(struct st_ctx *c, const char *const cells[COL_COUNT], const char *color)
{
	unsigned i, last = 0, used = 0, w;

	for (i = 0; i < COL_COUNT; i++)
		if (c->show[i] && cells[i] && cells[i][0])
			last = i;
	strbuf_addstr(c->out, st_color(c, color));
	for (i = 0; i <= last; i++) {
		if (!c->show[i])
			continue;
		if (i) {
			strbuf_addch(c->out, ' ');
			used++;
		}
		w = i ? st_cols[i].width : c->name_w;
		/* a left-aligned last cell may use the rest of the line */
		if (i == last && !st_cols[i].right && c->o->width > used + w)
			w = c->o->width - used;
		st_cell(c, cells[i] ? cells[i] : "", w, st_cols[i].right, i == last);
		used += w;
	}
	/* a long reason in the PEER column may run on: it is the last cell */
	strbuf_addstr(c->out, st_color(c, "\033[0m"));
	strbuf_addch(c->out, '\n');
}

/* One line of free text, cut to the width. */
static void st_line(struct st_ctx *c, const char *color, const char *text)
{
	strbuf_addstr(c->out, st_color(c, color));
	st_cell(c, text, c->o->width, false, true);
	strbuf_addstr(c->out, st_color(c, "\033[0m"));
	strbuf_addch(c->out, '\n');
}

static void st_header(struct st_ctx *c, const struct status_view *v)
{
	const char *cells[COL_COUNT];
	char when[32], line[256];
	struct tm tm;
	time_t at = v->at;
	unsigned i;

	gmtime_r(&at, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	snprintf(line, sizeof(line), "%zu connections: %zu down, %zu child missing, "
		 "%zu connecting, %zu probe failing, %zu degraded, %zu ok", v->nconns,
		 v->counts[ST_DOWN], v->counts[ST_CHILD_MISSING], v->counts[ST_CONNECTING],
		 v->counts[ST_PROBE_FAILING], v->counts[ST_DEGRADED], v->counts[ST_OK]);
	st_line(c, "\033[1m", line);
	snprintf(line, sizeof(line), "%zu IKE SAs, %zu CHILD SAs, read at %s", v->nike,
		 v->nchild, when);
	st_line(c, "", line);
	if (!v->ok) {
		snprintf(line, sizeof(line), "ERROR: %s", v->error);
		st_line(c, "\033[1;31m", line);
	}
	for (i = 0; i < COL_COUNT; i++)
		cells[i] = st_cols[i].title;
	st_row(c, cells, "\033[4m");
}

static const char *st_attention_color(enum status_attention a)
{
	switch (a) {
	case ST_DOWN:
	case ST_CHILD_MISSING:
	case ST_PROBE_FAILING:      /* up, but no traffic passes */
		return "\033[1;31m";
	case ST_CONNECTING:
	case ST_DEGRADED:
		return "\033[1;33m";
	default:
		return "\033[1m";
	}
}

static void st_conn_row(struct st_ctx *c, const struct status_conn *sc)
{
	const char *cells[COL_COUNT] = { 0 };
	static const char *const state[ST_ATTENTION_COUNT] = {
		[ST_DOWN] = "DOWN", [ST_CHILD_MISSING] = "CHILD DOWN",
		[ST_CONNECTING] = "CONNECTING", [ST_PROBE_FAILING] = "PROBE FAIL",
		[ST_DEGRADED] = "DEGRADED",
		[ST_OK] = "UP",
	};

	unsigned used;

	cells[COL_NAME] = sc->name;
	cells[COL_STATE] = sc->attention == ST_OK && !sc->up ? "down" : state[sc->attention];
	if (!sc->reason[0] || !c->show[COL_PEER]) {
		st_row(c, cells, st_attention_color(sc->attention));
		return;
	}
	/* the reason runs on to the end of the line */
	used = c->name_w + 1 + st_cols[COL_STATE].width + 1;
	strbuf_addstr(c->out, st_color(c, st_attention_color(sc->attention)));
	st_cell(c, cells[COL_NAME], c->name_w, false, false);
	strbuf_addch(c->out, ' ');
	st_cell(c, cells[COL_STATE], st_cols[COL_STATE].width, false, false);
	strbuf_addch(c->out, ' ');
	st_cell(c, sc->reason, c->o->width > used ? c->o->width - used : 1, false, true);
	strbuf_addstr(c->out, st_color(c, "\033[0m"));
	strbuf_addch(c->out, '\n');
}

static void st_ike_row(struct st_ctx *c, const struct status_ike *si)
{
	const struct ike_sa *s = si->sa;
	char name[64], st[64], el[16], rk[16], ra[24], life[40], alg[128];
	const char *cells[COL_COUNT] = { 0 };

	snprintf(name, sizeof(name), " IKE #%" PRIu32 "%s", s->uniqueid, si->old ? " old" : "");
	if (s->tasks_active && s->tasks_active[0])
		snprintf(st, sizeof(st), "%s %s", ike_state_names[s->state], s->tasks_active);
	else
		snprintf(st, sizeof(st), "%s", ike_state_names[s->state]);
	status_duration(el, sizeof(el), s->established_for);
	status_duration(rk, sizeof(rk), s->rekey_in);
	status_duration(ra, sizeof(ra), s->reauth_in);
	snprintf(life, sizeof(life), "reauth %s", ra);
	snprintf(alg, sizeof(alg), "%s-%" PRIu32 "/%s/%s/%s", s->encr_alg, s->encr_keysize,
		 s->integ_alg[0] ? s->integ_alg : "-", s->prf_alg, s->dh_group);
	cells[COL_NAME] = name;
	cells[COL_STATE] = st;
	cells[COL_PEER] = s->remote_host;
	cells[COL_ELAPSED] = el;
	cells[COL_REKEY] = rk;
	cells[COL_LIFE] = s->reauth_in == TIME_NONE ? "-" : life;
	cells[COL_NAT] = status_nat(s);
	cells[COL_ROLE] = ike_sa_role(s) ? ike_sa_role(s) : "-";
	cells[COL_ALGS] = alg;
	st_row(c, cells, si->old ? "\033[2m" : "");
}

struct st_dir {
	bool in;
	const char *spi, *cpi;
	uint64_t bytes, packets;
	int64_t idle;
};

static void st_child_dir(struct st_ctx *c, const struct status_child *sc,
			 const struct st_dir *d)
{
	const struct child_sa *s = sc->sa;
	char name[96], spi[48], el[16], rk[16], life[16], by[16], pk[24], idle[16], err[24];
	char alg[128];
	const char *cells[COL_COUNT] = { 0 };

	snprintf(name, sizeof(name), "  %s #%" PRIu32 " %s%s", s->name, s->uniqueid,
		 d->in ? "in" : "out", sc->old ? " old" : "");
	snprintf(spi, sizeof(spi), "%s%s%s", d->spi, d->cpi[0] ? "+" : "", d->cpi);
	status_duration(el, sizeof(el), s->installed_for);
	status_duration(rk, sizeof(rk), s->rekey_in);
	status_duration(life, sizeof(life), s->life_in);
	status_bytes(by, sizeof(by), d->bytes);
	snprintf(pk, sizeof(pk), "%" PRIu64, d->packets);
	status_duration(idle, sizeof(idle), d->idle);
	snprintf(err, sizeof(err), "%" PRIu64, sc->kernel_errors);
	snprintf(alg, sizeof(alg), "%s %s-%" PRIu32 "%s%s%s%s", s->protocol, s->encr_alg,
		 s->encr_keysize, s->integ_alg[0] ? "/" : "", s->integ_alg,
		 s->dh_group[0] ? "/" : "", s->dh_group);
	cells[COL_NAME] = name;
	cells[COL_STATE] = d->in ? child_state_names[s->state] : "";
	cells[COL_PEER] = spi;
	cells[COL_ELAPSED] = d->in ? el : "";
	cells[COL_REKEY] = d->in ? rk : "";
	cells[COL_BYTES] = by;
	cells[COL_IDLE] = idle;
	cells[COL_PACKETS] = c->no_packets ? "-" : pk;
	cells[COL_ERRORS] = d->in && sc->have_kernel ? err : "-";
	cells[COL_LIFE] = d->in ? life : "";
	cells[COL_ALGS] = d->in ? alg : "";
	st_row(c, cells, sc->old ? "\033[2m" : "");
}

static void st_child_rows(struct st_ctx *c, const struct status_child *sc)
{
	const struct child_sa *s = sc->sa;
	struct st_dir in = { true, s->spi_in, s->cpi_in, s->bytes_in, s->packets_in, s->use_in };
	struct st_dir out = { false, s->spi_out, s->cpi_out, s->bytes_out, s->packets_out,
			      s->use_out };

	st_child_dir(c, sc, &in);
	st_child_dir(c, sc, &out);
}

static void st_missing_row(struct st_ctx *c, const char *child)
{
	const char *cells[COL_COUNT] = { 0 };
	char name[96];

	snprintf(name, sizeof(name), "  %s", child);
	cells[COL_NAME] = name;
	cells[COL_STATE] = "MISSING";
	cells[COL_PEER] = "configured, not installed";
	st_row(c, cells, "\033[31m");
}

/* ---- remote-access conns: a summary, and with --conn one line per session */

static void st_ra_summary(struct st_ctx *c, const struct status_conn *sc)
{
	char line[512], sum[480];

	status_ra_summary(sc, sum, sizeof(sum));
	snprintf(line, sizeof(line), "  %s", sum);
	st_line(c, "", line);
}

#define ST_SESSION_FMT "  %-8s %-24.24s %-11.11s %-15.15s %-15.15s %7s %9s %9s"

static void st_ra_session(struct st_ctx *c, const struct status_ike *si)
{
	struct status_session ss;
	char line[512], id[16], vip[64], since[16], in[16], out[16];

	status_session_of(si->sa, &ss);
	snprintf(id, sizeof(id), "#%" PRIu32, ss.sa->uniqueid);
	/* the first virtual IP: a dual-stack client has two */
	snprintf(vip, sizeof(vip), "%.*s", (int)strcspn(ss.vips, ","), ss.vips);
	status_duration(since, sizeof(since), ss.sa->established_for);
	status_bytes(in, sizeof(in), ss.bytes_in);
	status_bytes(out, sizeof(out), ss.bytes_out);
	snprintf(line, sizeof(line), ST_SESSION_FMT, id, ss.sa->remote_id, ss.state,
		 ss.sa->remote_host, vip[0] ? vip : "-", since, in, out);
	st_line(c, ss.session ? "" : "\033[33m", line);
}

static void st_ra_sessions(struct st_ctx *c, const struct status_conn *sc)
{
	char head[256];
	size_t i;

	snprintf(head, sizeof(head), ST_SESSION_FMT, "SESSION", "IDENTITY", "STATE",
		 "REMOTE", "VIRTUAL IP", "SINCE", "IN", "OUT");
	st_line(c, "\033[4m", head);
	for (i = 0; i < sc->nikes; i++)
		st_ra_session(c, &sc->ikes[i]);
}

/* ---- the whole table ---------------------------------------------------- */

static void st_conn_sas(struct st_ctx *c, const struct status_conn *sc)
{
	size_t j, k;

	if (status_is_ra(sc)) {
		st_ra_summary(c, sc);
		if (c->o->sessions && sc->nikes)
			st_ra_sessions(c, sc);
		return;
	}
	for (j = 0; j < sc->nikes; j++) {
		st_ike_row(c, &sc->ikes[j]);
		for (k = 0; k < sc->ikes[j].nchildren; k++)
			st_child_rows(c, &sc->ikes[j].children[k]);
	}
	for (j = 0; j < sc->nmissing; j++)
		st_missing_row(c, sc->missing[j]);
}

void status_table(const struct status_view *v, const struct status_table_opts *o,
		  struct strbuf *out)
{
	struct st_ctx c = { .o = o, .out = out,
			    .no_packets = v->m && v->m->sa_packets_unknown };
	size_t i;

	st_layout(&c);
	st_header(&c, v);
	for (i = 0; i < v->nconns; i++) {
		st_conn_row(&c, &v->conns[i]);
		st_conn_sas(&c, &v->conns[i]);
	}
}
