#include "model/ledger.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t ledger_key(char *buf, size_t size, const char *conn,
			 const char *child)
{
	size_t a = strlen(conn), b = strlen(child);

	if (a + b + 2 > size)
		return 0;
	memcpy(buf, conn, a + 1);
	memcpy(buf + a + 1, child, b);
	return a + 1 + b;
}

static struct ledger_entry *ledger_entry_get(struct ledger *l, const char *conn,
					     const char *child, bool create)
{
	char key[1024];
	size_t len = ledger_key(key, sizeof(key), conn, child);
	struct ledger_entry *e;

	if (!len)
		return NULL;
	e = hmap_get(&l->entries, key, len);
	if (e || !create)
		return e;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	if (hmap_put(&l->entries, key, len, e)) {
		free(e);
		return NULL;
	}
	return e;
}

static bool ledger_sa_matches(const struct ledger_sa *s, uint32_t uniqueid,
			      const char *spi_in, const char *spi_out)
{
	return s->uniqueid == uniqueid && !strcmp(s->spi_in, spi_in) &&
	       !strcmp(s->spi_out, spi_out);
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

int ledger_observe(struct ledger *l, const char *conn, const char *child,
		   uint32_t uniqueid, const char *spi_in, const char *spi_out,
		   const struct traffic_totals *t)
{
	struct ledger_entry *e = ledger_entry_get(l, conn, child, true);
	struct ledger_sa *s = NULL;
	size_t i;

	if (!e)
		return -ENOMEM;
	for (i = 0; i < e->nsas && !s; i++)
		if (ledger_sa_matches(&e->sas[i], uniqueid, spi_in, spi_out))
			s = &e->sas[i];
	if (!s) {
		if (e->nsas == e->alloc) {
			size_t alloc = e->alloc ? e->alloc * 2 : 2;
			struct ledger_sa *p = realloc(e->sas, alloc * sizeof(*p));

			if (!p)
				return -ENOMEM;
			e->sas = p;
			e->alloc = alloc;
		}
		s = &e->sas[e->nsas++];
		memset(s, 0, sizeof(*s));
		s->uniqueid = uniqueid;
		snprintf(s->spi_in, sizeof(s->spi_in), "%s", spi_in);
		snprintf(s->spi_out, sizeof(s->spi_out), "%s", spi_out);
	}
	/* an SA's own counters only grow; never let a glitch make them shrink */
	s->last.bytes_in = max_u64(s->last.bytes_in, t->bytes_in);
	s->last.bytes_out = max_u64(s->last.bytes_out, t->bytes_out);
	s->last.packets_in = max_u64(s->last.packets_in, t->packets_in);
	s->last.packets_out = max_u64(s->last.packets_out, t->packets_out);
	s->seen = l->generation;
	return 0;
}

static void totals_add(struct traffic_totals *t, const struct traffic_totals *a)
{
	t->bytes_in += a->bytes_in;
	t->bytes_out += a->bytes_out;
	t->packets_in += a->packets_in;
	t->packets_out += a->packets_out;
}

static void ledger_fold_unseen(struct ledger *l, struct ledger_entry *e)
{
	size_t i = 0;

	while (i < e->nsas) {
		if (e->sas[i].seen == l->generation) {
			i++;
			continue;
		}
		totals_add(&e->base, &e->sas[i].last);
		e->sas[i] = e->sas[--e->nsas];
	}
}

void ledger_begin(struct ledger *l)
{
	l->generation++;
}

void ledger_end(struct ledger *l, bool complete)
{
	size_t pos = 0;
	void *v;

	if (!complete)
		return;
	while (hmap_iter(&l->entries, &pos, NULL, NULL, &v))
		ledger_fold_unseen(l, v);
}

int ledger_update(struct ledger *l, const struct model *m, bool complete)
{
	size_t i, j;

	ledger_begin(l);
	for (i = 0; i < m->nike; i++) {
		const struct ike_sa *ike = &m->ike_sas[i];

		for (j = 0; j < ike->nchildren; j++) {
			const struct child_sa *c = &ike->children[j];
			struct traffic_totals t = { c->bytes_in, c->bytes_out,
						    c->packets_in, c->packets_out };

			if (ledger_observe(l, ike->conn, c->name, c->uniqueid, c->spi_in,
					   c->spi_out, &t))
				return -ENOMEM;
		}
	}
	ledger_end(l, complete);
	return 0;
}

void ledger_apply_final(struct ledger *l, const struct sa_final *f)
{
	struct ledger_entry *e = ledger_entry_get(l, f->conn, f->child, false);
	/* pluto's log names no SPIs for an SA that came up before the log was
	 * followed: its serial (unique while pluto runs) is the key then */
	bool any_spi = !f->spi_in[0] && !f->spi_out[0];
	size_t i;

	for (i = 0; e && i < e->nsas; i++) {
		struct ledger_sa *s = &e->sas[i];

		if (s->uniqueid != f->uniqueid ||
		    (!any_spi && (strcmp(s->spi_in, f->spi_in) || strcmp(s->spi_out, f->spi_out))))
			continue;
		s->last.bytes_in = max_u64(s->last.bytes_in, f->totals.bytes_in);
		s->last.bytes_out = max_u64(s->last.bytes_out, f->totals.bytes_out);
		s->last.packets_in = max_u64(s->last.packets_in, f->totals.packets_in);
		s->last.packets_out = max_u64(s->last.packets_out, f->totals.packets_out);
		return;
	}
}

struct traffic_totals ledger_totals(const struct ledger *l, const char *conn,
				    const char *child)
{
	struct traffic_totals t = { 0, 0, 0, 0 };
	char key[1024];
	size_t len = ledger_key(key, sizeof(key), conn, child), i;
	const struct ledger_entry *e;

	e = len ? hmap_get(&l->entries, key, len) : NULL;
	if (!e)
		return t;
	t = e->base;
	for (i = 0; i < e->nsas; i++)
		totals_add(&t, &e->sas[i].last);
	return t;
}

void ledger_prune(struct ledger *l, bool (*keep)(void *ctx, const char *conn,
		  const char *child), void *ctx)
{
	const char *key;
	size_t pos = 0;
	void *v;

	while (hmap_iter(&l->entries, &pos, &key, NULL, &v)) {
		struct ledger_entry *e = v;
		char *copy;
		size_t keylen;

		if (e->nsas || keep(ctx, key, key + strlen(key) + 1))
			continue;
		keylen = strlen(key) + 1 + strlen(key + strlen(key) + 1);
		copy = malloc(keylen);
		if (!copy)
			return;
		memcpy(copy, key, keylen);
		free(e->sas);
		free(hmap_del(&l->entries, copy, keylen));
		free(copy);
	}
}

int ledger_restore(struct ledger *l, const char *conn, const char *child,
		   const struct traffic_totals *base,
		   const struct ledger_sa *sas, size_t nsas)
{
	struct ledger_entry *e = ledger_entry_get(l, conn, child, true);
	size_t i;

	if (!e)
		return -ENOMEM;
	free(e->sas);
	e->sas = nsas ? calloc(nsas, sizeof(*e->sas)) : NULL;
	if (nsas && !e->sas) {
		e->nsas = e->alloc = 0;
		return -ENOMEM;
	}
	e->base = *base;
	for (i = 0; i < nsas; i++) {
		e->sas[i] = sas[i];
		e->sas[i].seen = l->generation;
	}
	e->nsas = e->alloc = nsas;
	return 0;
}

void ledger_release(struct ledger *l)
{
	size_t pos = 0;
	void *v;

	while (hmap_iter(&l->entries, &pos, NULL, NULL, &v)) {
		struct ledger_entry *e = v;

		free(e->sas);
		free(e);
	}
	hmap_release(&l->entries);
}
