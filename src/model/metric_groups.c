#include "model/metric_groups.h"

const char *const metric_group_names[METRIC_GROUP_N] = {
	[METRIC_GROUP_CERTS] = "certs",
	[METRIC_GROUP_POOLS] = "pools",
	[METRIC_GROUP_COUNTERS] = "counters",
	[METRIC_GROUP_INFO] = "info",
	[METRIC_GROUP_TIMESTAMPS] = "timestamps",
	[METRIC_GROUP_STATUS] = "status",
	[METRIC_GROUP_NEGOTIATION] = "negotiation",
	[METRIC_GROUP_REMOTE_ACCESS] = "remote-access",
};
