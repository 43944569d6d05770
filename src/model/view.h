/* Builds the per-connection views of a snapshot: which connections exist
 * (configured, or seen in an SA), whether each is expected up, and the
 * aggregation of many SAs under one name (see docs/metrics.md). */
#ifndef IKW_VIEW_H
#define IKW_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "model/ledger.h"
#include "model/model.h"

/* Which connections are expected up, and which are not watched at all.
 * Patterns are fnmatch(3) globs on the connection name.  With no expect_up
 * patterns, every configured connection that can initiate (remote_addrs not
 * %any) is expected up; responder-only templates (road warriors) are not. */
struct expect_policy {
	const char *const *expect_up;
	size_t n_expect_up;
	const char *const *ignore;
	size_t n_ignore;
};

bool expect_policy_ignores(const struct expect_policy *p, const char *conn);
/* Without expect_up patterns, a conn whose children are all traps or
 * shunts is not expected up either: traffic brings a trap up. */
bool expect_policy_expects(const struct expect_policy *p,
			   const struct conn_cfg *cfg);

/* How a configured child comes up. */
enum child_start child_cfg_start(const struct conn_cfg *conn,
				 const struct child_cfg *child);

/* IKE SA states in which the SA carries traffic, and CHILD SA states in which
 * the SA is installed; "up" means at least one SA in these. */
bool ike_state_is_up(enum ike_state s);
bool child_state_is_up(enum child_state s);

/* Fills m->views from m->conns and m->ike_sas, totals from the ledger.
 * Returns 0 or -ENOMEM. */
int model_build_views(struct model *m, const struct expect_policy *p,
		      const struct ledger *l);

/* Finds a configured connection by name in the sorted m->conns. */
const struct conn_cfg *model_find_conn(const struct model *m, const char *name);

#endif
