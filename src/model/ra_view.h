/* Remote-access connections (remote_addrs %any: conn_cfg.responder_only)
 * seen as sessions: who is on, from where, with which virtual IP, drawing
 * from which pool.  Built once per snapshot (model_build_views), read by the
 * metrics (ipsec_ra_*) and the status view, so neither walks the SAs again. */
#ifndef IKW_RA_VIEW_H
#define IKW_RA_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct model;
struct ike_sa;
struct va_pool;

/* Virtual IPs kept per identity in ra_ident.vips: an identity with more
 * sessions than this shows the lowest addresses. */
#define RA_IDENT_VIPS_MAX 4

/* The sessions of one remote identity (redacted as the snapshot is). */
struct ra_ident {
	const char *identity;
	uint64_t sessions, bytes_in, bytes_out;
	const char *vips;           /* up to RA_IDENT_VIPS_MAX, sorted, comma-joined */
};

struct ra_view {
	size_t nsessions;
	struct ra_ident *idents;    /* sorted by identity */
	size_t nidents;
	const struct va_pool **pools;  /* the pools its sessions' addresses are in */
	size_t npools;
};

/* A session: an ESTABLISHED IKE SA with at least one INSTALLED CHILD SA.
 * A client refused a virtual IP keeps an IKE SA without a CHILD SA
 * (charon 5.9: "configuration payload negotiation failed"): not a session. */
bool ike_sa_is_session(const struct ike_sa *sa);

/* Sets each IKE SA's pool: the one of m->pools whose range holds its first
 * remote virtual IP.  Before redaction, which hides the addresses. */
void ra_assign_pools(struct model *m);

/* Fills views[i].ra for every remote-access view of m (after the views are
 * built).  Returns 0 or -ENOMEM. */
int ra_build_views(struct model *m);

#endif
