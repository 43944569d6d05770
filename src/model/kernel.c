#include "model/kernel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hmap.h"
#include "model/ledger.h"
#include "model/model.h"

/* A CHILD SA that a kernel SA may belong to. */
struct kj_target {
	const char *conn;
	struct child_sa *sa;
	struct child_view *view;
	bool inbound;
};

struct kj {
	struct model *m;
	const struct kernel_ledgers *l;
	struct hmap by_spi;          /* "i|o" "%08x/reqid" -> struct kj_target */
	struct kj_target *targets;
	size_t ntargets;
	struct hmap other;           /* "src\0dst\0proto" -> struct kernel_other */
};

static size_t kj_key(char *buf, size_t size, bool inbound, const char *spi,
		     uint32_t reqid)
{
	int n = snprintf(buf, size, "%c%s/%u", inbound ? 'i' : 'o', spi, reqid);

	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

static int kj_cmp_conn(const void *key, const void *elem)
{
	return strcmp(key, ((const struct conn_view *)elem)->name);
}

static int kj_cmp_child(const void *key, const void *elem)
{
	return strcmp(key, ((const struct child_view *)elem)->name);
}

/* Views and their children are sorted by name. */
static struct child_view *kj_child_view(struct model *m, const char *conn,
					const char *child)
{
	struct conn_view *v = bsearch(conn, m->views, m->nviews, sizeof(*v), kj_cmp_conn);

	return v ? bsearch(child, v->children, v->nchildren, sizeof(*v->children),
			   kj_cmp_child) : NULL;
}

static int kj_add_target(struct kj *k, const char *conn, struct child_sa *sa,
			 bool inbound)
{
	const char *spi = inbound ? sa->spi_in : sa->spi_out;
	struct kj_target *t = &k->targets[k->ntargets];
	char key[64];
	size_t len = kj_key(key, sizeof(key), inbound, spi, sa->reqid);

	if (!spi[0] || !len || hmap_get(&k->by_spi, key, len))
		return 0;   /* no SPI, or the first of two claims wins */
	t->conn = conn;
	t->sa = sa;
	t->inbound = inbound;
	t->view = kj_child_view(k->m, conn, sa->name);
	k->ntargets++;
	return hmap_put(&k->by_spi, key, len, t);
}

static int kj_index(struct kj *k)
{
	size_t i, j, n = 0;

	for (i = 0; i < k->m->nike; i++)
		n += k->m->ike_sas[i].nchildren;
	k->targets = calloc(2 * n + 1, sizeof(*k->targets));
	if (!k->targets)
		return -ENOMEM;
	for (i = 0; i < k->m->nike; i++) {
		struct ike_sa *ike = &k->m->ike_sas[i];

		for (j = 0; j < ike->nchildren; j++)
			if (kj_add_target(k, ike->conn, &ike->children[j], true) ||
			    kj_add_target(k, ike->conn, &ike->children[j], false))
				return -ENOMEM;
	}
	return 0;
}

static struct kj_target *kj_find(struct kj *k, const struct xfrm_sa_rec *sa)
{
	char spi[16], key[64];
	struct kj_target *t;
	size_t len;

	snprintf(spi, sizeof(spi), "%08x", sa->spi);
	len = kj_key(key, sizeof(key), true, spi, sa->reqid);
	t = len ? hmap_get(&k->by_spi, key, len) : NULL;
	if (!t && (len = kj_key(key, sizeof(key), false, spi, sa->reqid)))
		t = hmap_get(&k->by_spi, key, len);
	/* a daemon that does not report reqids (pluto) lists its SAs with
	 * reqid 0: their SPI alone claims (charon's reqids are never 0) */
	if (!t && sa->reqid && (len = kj_key(key, sizeof(key), true, spi, 0)))
		t = hmap_get(&k->by_spi, key, len);
	if (!t && sa->reqid && (len = kj_key(key, sizeof(key), false, spi, 0)))
		t = hmap_get(&k->by_spi, key, len);
	return t;
}

static int64_t kj_expire(uint64_t add_time, uint64_t limit)
{
	if (limit == XFRM_NO_LIMIT || !add_time || limit > (uint64_t)INT64_MAX / 2)
		return TIME_NONE;
	return (int64_t)(add_time + limit);
}

/* One kernel SA of a CHILD SA: into the ledgers and the child's view. */
static int kj_joined(struct kj *k, const struct kj_target *t,
		     const struct xfrm_sa_rec *sa)
{
	struct traffic_totals tr = { 0 }, er = { 0 };
	struct kernel_child *kc = t->view ? &t->view->kernel : NULL;

	if (t->inbound) {
		tr.bytes_in = sa->cur.bytes;
		tr.packets_in = sa->cur.packets;
		/* the error ledger's four counters: see kernel_join() */
		er.bytes_in = sa->stats.replay;
		er.bytes_out = sa->stats.replay_window;
		er.packets_in = sa->stats.integrity_failed;
	} else {
		tr.bytes_out = sa->cur.bytes;
		tr.packets_out = sa->cur.packets;
	}
	if (ledger_observe(k->l->traffic, t->conn, t->sa->name, t->sa->uniqueid,
			   t->sa->spi_in, t->sa->spi_out, &tr) ||
	    ledger_observe(k->l->errors, t->conn, t->sa->name, t->sa->uniqueid,
			   t->sa->spi_in, t->sa->spi_out, &er))
		return -ENOMEM;
	k->m->kernel.joined++;
	if (t->inbound) {
		t->sa->kernel_in = true;
		t->sa->kernel_errors.replay = sa->stats.replay;
		t->sa->kernel_errors.replay_window = sa->stats.replay_window;
		t->sa->kernel_errors.integrity = sa->stats.integrity_failed;
	}
	if (!kc)
		return 0;
	kc->have = true;
	kc->nsas++;
	if (t->inbound && t->view->newest == t->sa) {
		kc->soft_expire = kj_expire(sa->cur.add_time, sa->lft.soft_add_s);
		kc->hard_expire = kj_expire(sa->cur.add_time, sa->lft.hard_add_s);
	}
	return 0;
}

static int kj_other(struct kj *k, const struct xfrm_sa_rec *sa)
{
	const char *proto = xfrm_parse_proto_name(sa->proto);
	char key[2 * XFRM_ADDR_STRLEN + 16];
	struct kernel_other *o;
	int n;

	proto = proto ? proto : "other";
	n = snprintf(key, sizeof(key), "%s%c%s%c%s", sa->src, 0, sa->dst, 0, proto);
	if (n <= 0 || (size_t)n >= sizeof(key))
		return 0;
	o = hmap_get(&k->other, key, (size_t)n);
	if (!o) {
		o = arena_alloc(&k->m->arena, sizeof(*o));
		if (!o || !(o->src = arena_strdup(&k->m->arena, sa->src)) ||
		    !(o->dst = arena_strdup(&k->m->arena, sa->dst)) ||
		    !(o->proto = arena_strdup(&k->m->arena, proto)) ||
		    hmap_put(&k->other, key, (size_t)n, o))
			return -ENOMEM;
	}
	o->nsas++;
	o->bytes += sa->cur.bytes;
	o->packets += sa->cur.packets;
	o->errors.replay += sa->stats.replay;
	o->errors.replay_window += sa->stats.replay_window;
	o->errors.integrity += sa->stats.integrity_failed;
	return 0;
}

static int kj_cmp_other(const void *a, const void *b)
{
	const struct kernel_other *x = a, *y = b;
	int c = strcmp(x->src, y->src);

	if (!c)
		c = strcmp(x->dst, y->dst);
	return c ? c : strcmp(x->proto, y->proto);
}

void kernel_other_merge(struct kernel_state *ks)
{
	size_t i, n = 0;

	if (!ks->nother)
		return;
	qsort(ks->other, ks->nother, sizeof(*ks->other), kj_cmp_other);
	for (i = 1; i < ks->nother; i++) {
		struct kernel_other *to = &ks->other[n];
		const struct kernel_other *o = &ks->other[i];

		if (kj_cmp_other(to, o)) {
			ks->other[++n] = *o;
			continue;
		}
		to->nsas += o->nsas;
		to->bytes += o->bytes;
		to->packets += o->packets;
		to->errors.replay += o->errors.replay;
		to->errors.replay_window += o->errors.replay_window;
		to->errors.integrity += o->errors.integrity;
	}
	ks->nother = n + 1;
}

static int kj_collect_other(struct kj *k)
{
	struct kernel_state *ks = &k->m->kernel;
	size_t pos = 0, i = 0;
	void *v;

	if (!k->other.count)
		return 0;
	ks->other = arena_alloc(&k->m->arena, k->other.count * sizeof(*ks->other));
	if (!ks->other)
		return -ENOMEM;
	while (hmap_iter(&k->other, &pos, NULL, NULL, &v))
		ks->other[i++] = *(struct kernel_other *)v;
	ks->nother = i;
	qsort(ks->other, i, sizeof(*ks->other), kj_cmp_other);
	return 0;
}

/* Monotonic totals from the ledgers into every child view. */
static void kj_totals(struct kj *k)
{
	size_t i, j;

	for (i = 0; i < k->m->nviews; i++) {
		struct conn_view *v = &k->m->views[i];

		for (j = 0; j < v->nchildren; j++) {
			struct kernel_child *kc = &v->children[j].kernel;
			struct traffic_totals e;

			kc->traffic = ledger_totals(k->l->traffic, v->name, v->children[j].name);
			e = ledger_totals(k->l->errors, v->name, v->children[j].name);
			kc->errors.replay = e.bytes_in;
			kc->errors.replay_window = e.bytes_out;
			kc->errors.integrity = e.packets_in;
			kc->have = kc->have || kc->traffic.packets_in || kc->traffic.packets_out;
		}
	}
}

static void kj_reset_views(struct model *m)
{
	size_t i, j;

	for (i = 0; i < m->nviews; i++)
		for (j = 0; j < m->views[i].nchildren; j++) {
			struct kernel_child *kc = &m->views[i].children[j].kernel;

			memset(kc, 0, sizeof(*kc));
			kc->soft_expire = kc->hard_expire = kc->errors_rose_at = TIME_NONE;
		}
}

/* The error ledger reuses the traffic ledger's four counters per SA:
 * bytes_in = replay, bytes_out = replay_window, packets_in = integrity. */
int kernel_join(struct model *m, const struct kernel_ledgers *l, bool complete)
{
	struct kj k = { .m = m, .l = l };
	size_t i;
	int r = 0;

	kj_reset_views(m);
	if (!m->kernel.have_xfrm)
		return 0;
	ledger_begin(l->traffic);
	ledger_begin(l->errors);
	r = m->have_sas ? kj_index(&k) : 0;
	for (i = 0; !r && i < m->kernel.nsas; i++) {
		const struct xfrm_sa_rec *sa = &m->kernel.sas[i];
		struct kj_target *t = m->have_sas ? kj_find(&k, sa) : NULL;

		r = t ? kj_joined(&k, t, sa) : kj_other(&k, sa);
	}
	if (!r)
		r = kj_collect_other(&k);
	ledger_end(l->traffic, complete && !r && m->have_sas);
	ledger_end(l->errors, complete && !r && m->have_sas);
	if (!r && m->have_sas)
		kj_totals(&k);
	hmap_release(&k.by_spi);
	hmap_release(&k.other);
	free(k.targets);
	return r;
}
