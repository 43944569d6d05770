/* Which families each group of model/metric_groups.h holds: the one place
 * a family is tied to a --[no-]collector.NAME flag.  A family not listed
 * is in no group and always rendered. */
#include <string.h>

#include "metrics/render_family.h"

static const struct {
	const char *family;
	enum metric_group group;
} render_group_of[] = {
	{ "ipsec_conn_cert_not_after_timestamp_seconds", METRIC_GROUP_CERTS },
	{ "ipsec_conn_cert", METRIC_GROUP_CERTS },
	{ "ipsec_pool_addresses", METRIC_GROUP_POOLS },
	{ "ipsec_pool_leases", METRIC_GROUP_POOLS },
	{ "ipsec_pool", METRIC_GROUP_POOLS },
	{ "ipsec_daemon_ike_messages", METRIC_GROUP_COUNTERS },
	{ "ipsec_daemon_ike_rekeys", METRIC_GROUP_COUNTERS },
	{ "ipsec_daemon_child_rekeys", METRIC_GROUP_COUNTERS },
	{ "ipsec_daemon_invalid_messages", METRIC_GROUP_COUNTERS },
	{ "ipsec_conn", METRIC_GROUP_INFO },
	{ "ipsec_ike_sa", METRIC_GROUP_INFO },
	{ "ipsec_child", METRIC_GROUP_INFO },
	{ "ipsec_child_sa", METRIC_GROUP_INFO },
	{ "ipsec_ike_sa_established_timestamp_seconds", METRIC_GROUP_TIMESTAMPS },
	{ "ipsec_ike_sa_reauth_timestamp_seconds", METRIC_GROUP_TIMESTAMPS },
	{ "ipsec_child_sa_last_packet_timestamp_seconds", METRIC_GROUP_TIMESTAMPS },
	{ "ipsec_child_sa_installed_timestamp_seconds", METRIC_GROUP_TIMESTAMPS },
	{ "ipsec_child_sa_expire_timestamp_seconds", METRIC_GROUP_TIMESTAMPS },
	{ "ipsec_conn_status", METRIC_GROUP_STATUS },
	{ "ipsec_ike_sa_connecting_seconds", METRIC_GROUP_NEGOTIATION },
	{ "ipsec_child_sa_connecting_seconds", METRIC_GROUP_NEGOTIATION },
	{ "ipsec_ra_sessions", METRIC_GROUP_REMOTE_ACCESS },
	{ "ipsec_ra_session_duration_seconds", METRIC_GROUP_REMOTE_ACCESS },
	{ "ipsec_ra_identity_sessions", METRIC_GROUP_REMOTE_ACCESS },
	{ "ipsec_ra_identity_bytes", METRIC_GROUP_REMOTE_ACCESS },
	{ "ipsec_ra_identity", METRIC_GROUP_REMOTE_ACCESS },
	{ "ipsec_ra_identities_folded", METRIC_GROUP_REMOTE_ACCESS },
};

int render_family_group(const char *family)
{
	size_t i;

	for (i = 0; i < NL(render_group_of); i++)
		if (!strcmp(render_group_of[i].family, family))
			return (int)render_group_of[i].group;
	return -1;
}

bool render_family_wanted(const struct render_opts *o, const char *family)
{
	int g = o->groups_off ? render_family_group(family) : -1;

	return g < 0 || metric_group_on(o->groups_off, (enum metric_group)g);
}
