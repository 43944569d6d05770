#include "collect/strongswan_pools.h"

#include <errno.h>
#include <stdatomic.h>

#include "collect/strongswan_pools_parse.h"
#include "common/log.h"
#include "vici/vici_control.h"

/* warn when get-pools starts failing, not at every scrape */
static atomic_bool swpools_failing;

void strongswan_pools_collect(struct vici_conn **conn, struct model *scratch,
			      const struct deadline *dl)
{
	struct vici_msg resp = VICI_MSG_INIT;
	struct ikw_err err = { "" };
	int r;

	if (!*conn)
		return;
	r = vici_call(*conn, "get-pools", NULL, NULL, NULL, NULL, &resp, dl, &err);
	if (!r)
		r = vici_check_success(&resp, "get-pools", &err);
	if (!r)
		r = strongswan_pools_parse(&resp, &scratch->arena, &scratch->pools,
					   &err);
	vici_msg_release(&resp);
	if (!r) {
		if (atomic_exchange(&swpools_failing, false))
			log_info("vici: get-pools answers again");
		return;
	}
	scratch->pools.have = false;
	scratch->pools.n = 0;
	if (!atomic_exchange(&swpools_failing, true))
		log_warn("vici: virtual IP pools unknown: %s", err.msg);
	if (r != -ENOTSUP) {
		vici_close(*conn);
		*conn = NULL;
	}
}
