/* The metric groups' switches (--[no-]collector.NAME, YAML collectors:
 * NAME: BOOL) and the named sets that turn many at once
 * (--collector.set=minimal).  See model/metric_groups.h. */
#ifndef IKW_CONFIG_COLLECTORS_H
#define IKW_CONFIG_COLLECTORS_H

#include <stdbool.h>

#include "model/metric_groups.h"

/* default: every group on and the XFRM collector on; minimal: every group
 * off and the XFRM collector off (state, traffic, rekey health).  A set
 * applies where it stands: flags and keys after it override it.  Returns 0
 * or -EINVAL for an unknown set. */
int config_collectors_set(bool groups[METRIC_GROUP_N], bool *xfrm, const char *set);

/* The groups turned off, as a mask. */
metric_groups_off config_collectors_off(const bool groups[METRIC_GROUP_N]);

#endif
