#include "model/ledger_state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"
#include "common/num.h"
#include "common/statefile.h"

#define LS_MAGIC "ikewatch-ledger 1"
#define LS_SAS_MAX 100000

static void ls_totals(struct strbuf *out, const struct traffic_totals *t)
{
	strbuf_addf(out, " %llu %llu %llu %llu",
		    (unsigned long long)t->bytes_in, (unsigned long long)t->bytes_out,
		    (unsigned long long)t->packets_in, (unsigned long long)t->packets_out);
}

void ledger_state_format(const struct ledger *l, struct strbuf *out)
{
	const char *key;
	size_t pos = 0, keylen, i;
	void *v;

	strbuf_addstr(out, LS_MAGIC "\n");
	while (hmap_iter(&l->entries, &pos, &key, &keylen, &v)) {
		const struct ledger_entry *e = v;
		size_t clen = strlen(key);

		strbuf_addstr(out, "entry ");
		statefile_hex(out, key, clen);
		strbuf_addch(out, ' ');
		statefile_hex(out, key + clen + 1, keylen - clen - 1);
		ls_totals(out, &e->base);
		strbuf_addf(out, " %zu\n", e->nsas);
		for (i = 0; i < e->nsas; i++) {
			const struct ledger_sa *s = &e->sas[i];

			strbuf_addf(out, "sa %u ", s->uniqueid);
			statefile_hex(out, s->spi_in, strlen(s->spi_in));
			strbuf_addch(out, ' ');
			statefile_hex(out, s->spi_out, strlen(s->spi_out));
			ls_totals(out, &s->last);
			strbuf_addch(out, '\n');
		}
	}
	strbuf_addstr(out, "end\n");
}

/* ---- parsing ------------------------------------------------------------ */

static bool ls_totals_parse(const struct statefile_line *l, size_t at,
			    struct traffic_totals *t)
{
	uint64_t *v[4] = { &t->bytes_in, &t->bytes_out, &t->packets_in,
			   &t->packets_out };
	size_t i;

	for (i = 0; i < 4; i++)
		if (num_parse_u64(l->f[at + i], l->len[at + i], UINT64_MAX, v[i]))
			return false;
	return true;
}

struct ls_parser {
	struct ledger *l;
	char conn[512], child[512];
	struct traffic_totals base;
	struct ledger_sa *sas;
	size_t want, have;
	bool in_entry, ended;
};

static int ls_flush(struct ls_parser *p)
{
	int r = 0;

	if (p->in_entry)
		r = ledger_restore(p->l, p->conn, p->child, &p->base, p->sas, p->have);
	free(p->sas);
	p->sas = NULL;
	p->in_entry = false;
	return r;
}

static bool ls_entry(struct ls_parser *p, const struct statefile_line *l)
{
	uint64_t n;

	if (l->n != 8 || !statefile_unhex(l->f[1], l->len[1], p->conn, sizeof(p->conn)) ||
	    !statefile_unhex(l->f[2], l->len[2], p->child, sizeof(p->child)) ||
	    !ls_totals_parse(l, 3, &p->base) ||
	    num_parse_u64(l->f[7], l->len[7], LS_SAS_MAX, &n))
		return false;
	p->want = (size_t)n;
	p->have = 0;
	p->sas = n ? calloc((size_t)n, sizeof(*p->sas)) : NULL;
	p->in_entry = true;
	return !n || p->sas;
}

static bool ls_sa(struct ls_parser *p, const struct statefile_line *l)
{
	struct ledger_sa *s;
	uint64_t id;

	if (!p->in_entry || p->have >= p->want || l->n != 8)
		return false;
	s = &p->sas[p->have];
	if (num_parse_u64(l->f[1], l->len[1], UINT32_MAX, &id) ||
	    !statefile_unhex(l->f[2], l->len[2], s->spi_in, sizeof(s->spi_in)) ||
	    !statefile_unhex(l->f[3], l->len[3], s->spi_out, sizeof(s->spi_out)) ||
	    !ls_totals_parse(l, 4, &s->last))
		return false;
	s->uniqueid = (uint32_t)id;
	p->have++;
	return true;
}

static bool ls_line(struct ls_parser *p, const char *s, size_t len)
{
	struct statefile_line l;

	if (p->ended || !statefile_split(s, len, &l))
		return false;
	if (statefile_is(&l, "entry"))
		return (!p->in_entry || p->have == p->want) && !ls_flush(p) &&
		       ls_entry(p, &l);
	if (statefile_is(&l, "sa"))
		return ls_sa(p, &l);
	if (statefile_is(&l, "end") && l.n == 1) {
		p->ended = true;
		return (!p->in_entry || p->have == p->want) && !ls_flush(p);
	}
	return false;
}

static bool ls_line_cb(void *ctx, const char *s, size_t len)
{
	return ls_line(ctx, s, len);
}

int ledger_state_parse(struct ledger *l, const char *buf, size_t len,
		       struct ikw_err *err)
{
	struct ls_parser p;
	int r;

	memset(&p, 0, sizeof(p));
	p.l = l;
	r = statefile_parse(buf, len, LEDGER_STATE_MAX, LS_MAGIC, ls_line_cb, &p, &p.ended, err);
	free(p.sas);
	return r;
}

int ledger_state_load(struct ledger *l, const char *path, struct ikw_err *err)
{
	char *buf;
	size_t len;
	int r = file_read_all(path, LEDGER_STATE_MAX, &buf, &len, err);

	if (r)
		return r == -ENOENT ? 0 : r;
	r = ledger_state_parse(l, buf, len, err);
	free(buf);
	return r ? err_prefix(err, r, "%s", path) : 0;
}

int ledger_state_save(const struct ledger *l, const char *path,
		      struct ikw_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	int r;

	ledger_state_format(l, &sb);
	r = strbuf_failed(&sb) ? err_set(err, -ENOMEM, "out of memory") :
	    statefile_save(path, sb.buf, sb.len, err);
	strbuf_release(&sb);
	return r;
}
