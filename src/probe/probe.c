#include "probe/probe.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "probe/mtu.h"

unsigned probe_spec_mtu_min(const struct probe_spec *s, int family)
{
	if (family != AF_INET6 || s->mtu_min_given || s->mtu_min >= PROBE_MTU_MIN_V6)
		return s->mtu_min;
	return s->mtu_max < PROBE_MTU_MIN_V6 ? s->mtu_max : PROBE_MTU_MIN_V6;
}

uint64_t probe_spec_max_run_ms(const struct probe_spec *s)
{
	if (s->type == PROBE_MTU)
		return (uint64_t)mtu_search_max_phases(s->mtu_min, s->mtu_max) * s->timeout_ms;
	if (s->type == PROBE_HTTP)
		return s->timeout_ms;
	return (uint64_t)(s->count ? s->count - 1 : 0) * s->spacing_ms + s->timeout_ms;
}

void probe_spec_release(struct probe_spec *s)
{
	free(s->conn);
	free(s->child);
	free(s->name);
	free(s->target);
	free(s->source);
	free(s->netns);
	free(s->interface);
	free(s->path);
	free(s->host);
	free(s->expect_body);
	free(s->server_name);
	free(s->ca_file);
	memset(s, 0, sizeof(*s));
}

void probe_config_init(struct probe_config *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->max_concurrent = PROBE_CONCURRENT_DEFAULT;
}

void probe_config_release(struct probe_config *pc)
{
	size_t i;

	for (i = 0; i < pc->n; i++)
		probe_spec_release(&pc->v[i]);
	free(pc->v);
	probe_config_init(pc);
}
