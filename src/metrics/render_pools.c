/* Virtual IP pools (get-pools): size, leases by state, and what the pool
 * covers.  Global families: a pool is not a connection (conns name pools). */
#include "metrics/render_family.h"

static bool render_have_pools(const struct render_ctx *c)
{
	return c->m->pools.have;
}

static void render_pool_addresses(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < c->m->pools.n; i++) {
		const struct va_pool *p = &c->m->pools.pools[i];
		struct label l[] = { { "pool", p->name } };

		expo_sample(e, l, NL(l), (double)p->size);
	}
}

static void render_pool_leases(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < c->m->pools.n; i++) {
		const struct va_pool *p = &c->m->pools.pools[i];
		struct label on[] = { { "pool", p->name }, { "state", "online" } };
		struct label off[] = { { "pool", p->name }, { "state", "offline" } };

		expo_sample(e, on, NL(on), (double)p->online);
		expo_sample(e, off, NL(off), (double)p->offline);
	}
}

static void render_pool_info(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < c->m->pools.n; i++) {
		const struct va_pool *p = &c->m->pools.pools[i];
		struct label l[] = { { "pool", p->name }, { "base", p->base },
				     { "last", p->last } };

		expo_sample(e, l, NL(l), 1);
	}
}

/* ---- the families, in catalog order (keep docs/metrics.md in step) --- */

#define P(name, type, help, fn) { name, type, help, render_have_pools, fn, NULL }

const struct render_family render_pools_families[] = {
	P("ipsec_pool_addresses", METRIC_GAUGE,
	  "Virtual IP addresses a pool can hand out (get-pools size).",
	  render_pool_addresses),
	P("ipsec_pool_leases", METRIC_GAUGE,
	  "Leases of a virtual IP pool by state: online (held by an IKE SA) or offline (kept for a client that left, reused for it first).",
	  render_pool_leases),
	P("ipsec_pool", METRIC_INFO,
	  "The addresses a virtual IP pool covers: its first (base) and last address.",
	  render_pool_info),
};

const size_t render_pools_nfamilies = NL(render_pools_families);
