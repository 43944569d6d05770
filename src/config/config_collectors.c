#include "config/config_collectors.h"

#include <errno.h>
#include <string.h>

/* The sets: every group and the XFRM collector on, or all off. */
static const struct {
	const char *name;
	bool on;
} config_collector_sets[] = {
	{ "default", true },
	{ "minimal", false },
};

int config_collectors_set(bool groups[METRIC_GROUP_N], bool *xfrm, const char *set)
{
	size_t i, g;

	for (i = 0; i < sizeof(config_collector_sets) / sizeof(config_collector_sets[0]); i++) {
		if (strcmp(config_collector_sets[i].name, set))
			continue;
		for (g = 0; g < METRIC_GROUP_N; g++)
			groups[g] = config_collector_sets[i].on;
		*xfrm = config_collector_sets[i].on;
		return 0;
	}
	return -EINVAL;
}

metric_groups_off config_collectors_off(const bool groups[METRIC_GROUP_N])
{
	metric_groups_off off = 0;
	size_t i;

	for (i = 0; i < METRIC_GROUP_N; i++)
		if (!groups[i])
			off |= 1u << i;
	return off;
}
