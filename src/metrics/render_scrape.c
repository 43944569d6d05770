/* The daemon's scrape: how old the collection served is, and how many
 * collections served how many requests (an HA pair's two servers share
 * one).  Absent from one-shot runs (metrics, textfile).  See
 * docs/metrics.md "HA pairs". */
#include "metrics/render_family.h"

static bool render_have_scrape(const struct render_ctx *c)
{
	return c->o->have_scrape;
}

static void render_scrape_age(const struct render_ctx *c, struct expo *e)
{
	expo_sample(e, NULL, 0, c->o->scrape.age_seconds);
}

static void render_scrape_collections(const struct render_ctx *c, struct expo *e)
{
	expo_sample_u64(e, NULL, 0, c->o->scrape.collections);
}

static void render_scrape_served(const struct render_ctx *c, struct expo *e)
{
	size_t i;

	for (i = 0; i < SCRAPE_SERVED_N; i++) {
		struct label l[] = { { "served", scrape_served_names[i] } };

		expo_sample_u64(e, l, NL(l), c->o->scrape.served[i]);
	}
}

#define G(name, type, help, present, fn) { name, type, help, present, fn, NULL }

const struct render_family render_scrape_families[] = {
	G("ikewatch_scrape_collection_age_seconds", METRIC_GAUGE,
	  "Seconds from the start of the collection this response was made from to the response; every value in it is as of that collection.",
	  render_have_scrape, render_scrape_age),
	G("ikewatch_scrape_collections", METRIC_COUNTER,
	  "Collections run (charon listed), for scrapes, /status and remediation alike.",
	  render_have_scrape, render_scrape_collections),
	G("ikewatch_scrape_requests", METRIC_COUNTER,
	  "Requests for a snapshot by how they were served: collected (ran the collection), shared (waited for one under way), reused (a finished one within --scrape.reuse-window).",
	  render_have_scrape, render_scrape_served),
};

const size_t render_scrape_nfamilies = NL(render_scrape_families);
