#include "probe/probes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hmap.h"
#include "common/log.h"
#include "model/model.h"
#include "model/view.h"
#include "probe/probe_addr.h"
#include "probe/probe_store.h"
#include "probe/scheduler.h"

struct probe_runtime {
	const struct probe_config *pc;
	struct probe_store *store;
	struct probe_sched *sched;
	char (*why)[sizeof(((struct ikw_err *)0)->msg)];  /* last derivation error */
};

bool probes_derived(const struct probe_config *pc)
{
	size_t i;

	for (i = 0; i < pc->n; i++)
		if (pc->v[i].target_offset != PROBE_OFFSET_NONE ||
		    pc->v[i].source_offset != PROBE_OFFSET_NONE)
			return true;
	return false;
}

static const struct child_cfg *probes_child(const struct model *m, const struct probe_spec *sp)
{
	const struct conn_cfg *c = model_find_conn(m, sp->conn);
	size_t i;

	for (i = 0; c && i < c->nchildren; i++)
		if (!strcmp(c->children[i].name, sp->child))
			return &c->children[i];
	return NULL;
}

/* The family a given target or source fixes, or AF_UNSPEC. */
static int probes_given_family(const struct probe_spec *sp)
{
	const char *given = sp->target ? sp->target : sp->source;
	struct probe_ip ip;

	return given && !probe_addr_parse(given, &ip) ? ip.family : AF_UNSPEC;
}

/* The target comes first: the first selector of remote_ts, of the given
 * source's family if there is one; then the source, of the target's family
 * (docs/metrics.md "Probes"). */
int probes_derive(const struct probe_spec *sp, const struct model *m,
		  struct probe_addrs *a, struct ikw_err *err)
{
	const struct child_cfg *ch;
	int r, family = probes_given_family(sp);

	if (sp->target_offset == PROBE_OFFSET_NONE && sp->source_offset == PROBE_OFFSET_NONE)
		return 0;
	ch = m->have_sas ? probes_child(m, sp) : NULL;
	if (!ch)
		return err_set(err, -ENOENT, "charon has no child '%s' in connection '%s'",
			       sp->child, sp->conn);
	if (sp->target_offset != PROBE_OFFSET_NONE) {
		r = probe_ts_host(ch->remote_ts, (uint64_t)sp->target_offset, family, &a->target,
				  err);
		if (r)
			return err_prefix(err, r, "remote_ts");
		a->target_known = true;
		family = a->target.family;
	}
	if (sp->source_offset != PROBE_OFFSET_NONE) {
		r = probe_ts_host(ch->local_ts, (uint64_t)sp->source_offset, family, &a->source, err);
		if (r)
			return err_prefix(err, r, "local_ts");
		a->has_source = true;
		a->source_unknown = false;
	}
	return 0;
}

/* Derives what can be derived from m; keeps the last good addresses while
 * charon cannot be read, and logs a derivation that fails once per reason. */
static void probes_resolve(struct probe_runtime *rt, const struct model *m)
{
	size_t i;

	if (!m->have_sas)
		return;
	for (i = 0; i < rt->pc->n; i++) {
		const struct probe_spec *sp = &rt->pc->v[i];
		struct ikw_err err = { "" };
		struct probe_addrs a;

		if (sp->target_offset == PROBE_OFFSET_NONE &&
		    sp->source_offset == PROBE_OFFSET_NONE)
			continue;
		probe_store_addrs(rt->store, i, &a);
		if (!probes_derive(sp, m, &a, &err)) {
			probe_store_set_addrs(rt->store, i, &a);
			rt->why[i][0] = '\0';
			continue;
		}
		if (strcmp(rt->why[i], err.msg))
			log_warn("probe %s/%s/%s: cannot derive its address: %s",
				 sp->conn, sp->child, sp->name, err.msg);
		memcpy(rt->why[i], err.msg, sizeof(rt->why[i]));
	}
}

int probes_start(struct probe_runtime **out, const struct probe_config *pc,
		 struct ikw_err *err)
{
	struct probe_runtime *rt = calloc(1, sizeof(*rt));
	int r;

	*out = NULL;
	if (!rt)
		return err_set(err, -ENOMEM, "out of memory");
	rt->pc = pc;
	rt->store = probe_store_new(pc);
	rt->why = calloc(pc->n ? pc->n : 1, sizeof(*rt->why));
	if (!rt->store || !rt->why) {
		probes_stop(rt);
		return err_set(err, -ENOMEM, "out of memory");
	}
	r = probe_sched_start(&rt->sched, pc, rt->store, err);
	if (r) {
		probes_stop(rt);
		return r;
	}
	*out = rt;
	return 0;
}

void probes_stop(struct probe_runtime *rt)
{
	if (!rt)
		return;
	probe_sched_stop(rt->sched);
	probe_store_free(rt->store);
	free(rt->why);
	free(rt);
}

/* ---- fresh runs ------------------------------------------------------------- */

/* How long a fresh run may take: one in flight first, then its own; an mtu
 * search sends up to a ladder of sizes. */
static unsigned probes_fresh_bound_ms(const struct probe_spec *sp)
{
	uint64_t run = (uint64_t)sp->count * sp->spacing_ms +
		       (uint64_t)sp->timeout_ms * (sp->type == PROBE_MTU ? 16 : 2);
	uint64_t bound = 2 * run + 2000;

	return bound > 300000 ? 300000 : (unsigned)bound;
}

static bool probes_of(const struct probe_spec *sp, const char *conn, const char *child)
{
	return !strcmp(sp->conn, conn) && (!child || !child[0] || !strcmp(sp->child, child));
}

static void probes_fresh_failed(struct probes_fresh *out, const struct probe_spec *sp,
				const struct probe_result *res, const char *why)
{
	if (out->nfailed++ || sizeof(out->first_failure) < 2)
		return;
	snprintf(out->first_failure, sizeof(out->first_failure), "%s/%s (%s %s): %s",
		 sp->child, sp->name, probe_type_names[sp->type],
		 res && res->target[0] ? res->target : "?", why);
}

int probes_run_now(struct probe_runtime *rt, const char *conn, const char *child,
		   struct probes_fresh *out)
{
	uint64_t *tickets;
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!rt || !rt->sched)
		return -EINVAL;
	tickets = calloc(rt->pc->n ? rt->pc->n : 1, sizeof(*tickets));
	if (!tickets)
		return -ENOMEM;
	for (i = 0; i < rt->pc->n; i++)
		if (probes_of(&rt->pc->v[i], conn, child))
			tickets[i] = probe_sched_request(rt->sched, i);
	for (i = 0; i < rt->pc->n; i++) {
		const struct probe_spec *sp = &rt->pc->v[i];
		struct probe_result res;

		if (!tickets[i])
			continue;
		out->n++;
		if (probe_store_wait(rt->store, i, tickets[i], probes_fresh_bound_ms(sp), &res)) {
			probes_fresh_failed(out, sp, NULL, "no result in time");
			rc = -ETIMEDOUT;
		} else if (!res.success) {
			probes_fresh_failed(out, sp, &res, probe_fail_names[res.fail]);
		}
	}
	free(tickets);
	return out->n ? rc : -ENOENT;
}

struct probes_packets {
	uint64_t in, out;
};

/* "conn\0child" into buf; its length, or 0 when it does not fit. */
static size_t probes_child_key(char *buf, size_t size, const char *conn,
			       const char *child)
{
	size_t a = strlen(conn), b = strlen(child);

	if (a + 1 + b > size)
		return 0;
	memcpy(buf, conn, a);
	buf[a] = '\0';
	memcpy(buf + a + 1, child, b);
	return a + 1 + b;
}

/* Adds every CHILD SA's packets in m to its child's entry in map, if any. */
static void probes_sum_packets(const struct model *m, const struct hmap *map)
{
	char key[2 * PROBE_LABEL_MAX + 2];
	size_t i, j, n;

	for (i = 0; i < m->nike; i++)
		for (j = 0; j < m->ike_sas[i].nchildren; j++) {
			const struct child_sa *c = &m->ike_sas[i].children[j];
			struct probes_packets *p;

			n = probes_child_key(key, sizeof(key), m->ike_sas[i].conn, c->name);
			if (n && (p = hmap_get(map, key, n))) {
				p->in += c->packets_in;
				p->out += c->packets_out;
			}
		}
}

static bool probes_any_quiet(const struct probe_config *pc)
{
	size_t i;

	for (i = 0; i < pc->n; i++)
		if (pc->v[i].quiet_when_traffic)
			return true;
	return false;
}

/* What quiet probes need: their child's packets at this collection (sums
 * over its SAs), in one pass over the listing.  An incomplete listing (an
 * IKE SA left out) reads as fewer packets, which only makes a probe run. */
static void probes_traffic(struct probe_runtime *rt, const struct model *m)
{
	char key[2 * PROBE_LABEL_MAX + 2];
	struct probes_packets *acc;
	struct hmap map = HMAP_INIT;
	size_t i, n, k = 0;

	if (!m->have_sas || !probes_any_quiet(rt->pc))
		return;   /* no pass over the SAs on scrapes that need none */
	acc = calloc(rt->pc->n ? rt->pc->n : 1, sizeof(*acc));
	for (i = 0; acc && i < rt->pc->n; i++) {
		const struct probe_spec *sp = &rt->pc->v[i];

		n = probes_child_key(key, sizeof(key), sp->conn, sp->child);
		if (sp->quiet_when_traffic && n && !hmap_get(&map, key, n) &&
		    hmap_put(&map, key, n, &acc[k++]))
			goto out;
	}
	probes_sum_packets(m, &map);
	for (i = 0; acc && i < rt->pc->n; i++) {
		const struct probe_spec *sp = &rt->pc->v[i];
		const struct probes_packets *p;

		n = probes_child_key(key, sizeof(key), sp->conn, sp->child);
		if (sp->quiet_when_traffic && n && (p = hmap_get(&map, key, n)))
			probe_store_traffic(rt->store, i, p->in, p->out,
					    (double)m->collected_at);
	}
out:
	hmap_release(&map);
	free(acc);
}

void probes_contribute(void *ctx, struct model *m)
{
	struct probe_runtime *rt = ctx;

	if (!rt)
		return;
	probes_resolve(rt, m);
	probes_traffic(rt, m);
	if (probe_store_view(rt->store, &m->arena, true, &m->probes))
		log_error("out of memory copying the probe results");
}

static int probes_run_once(const struct probe_config *pc, struct model *m)
{
	struct probe_runtime rt = { pc, probe_store_new(pc), NULL, NULL };
	int r = -ENOMEM;

	rt.why = calloc(pc->n ? pc->n : 1, sizeof(*rt.why));
	if (rt.store && rt.why) {
		probes_resolve(&rt, m);
		r = probe_sched_run_once(pc, rt.store);
		if (!r)
			r = probe_store_view(rt.store, &m->arena, false, &m->probes);
	}
	probe_store_free(rt.store);
	free(rt.why);
	return r;
}

void probes_once_contribute(void *ctx, struct model *m)
{
	int r = probes_run_once(ctx, m);

	if (r)
		log_error("cannot run the probes: %s", strerror(-r));
}
