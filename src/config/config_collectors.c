#include "config/config_collectors.h"

#include <errno.h>
#include <string.h>

int config_collectors_set(bool groups[METRIC_GROUP_N], bool *xfrm, const char *set)
{
	bool on;
	size_t i;

	if (!strcmp(set, "default"))
		on = true;
	else if (!strcmp(set, "minimal"))
		on = false;
	else
		return -EINVAL;
	for (i = 0; i < METRIC_GROUP_N; i++)
		groups[i] = on;
	*xfrm = on;
	return 0;
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
