/* libreswan's whack outputs into the model charon's collector fills, so
 * that the same views and families come out (docs/metrics.md "libreswan").
 * Pure: bytes in, model out; collect/libreswan.c does the I/O.
 *
 *   connection (--status)    -> struct conn_cfg with one struct child_cfg
 *                               of the same name (a pluto conn is one IKE SA
 *                               and one CHILD SA); instances ("road"[3])
 *                               count under their template
 *   IKE state                -> struct ike_sa, uniqueid = its serial
 *   CHILD state              -> struct child_sa under an ike_sa of its own
 *                               conn: a CHILD SA of conn beta on conn
 *                               alpha's IKE SA #1 (pluto shares IKE SAs
 *                               between conns of the same peers) appears as
 *                               an IKE SA #1 of beta as well, so that beta
 *                               reads up; once alpha is down (terminated)
 *                               and only beta uses #1, #1 counts under beta
 *                               alone, so that alpha reads down
 *   --trafficstatus          -> bytes_in/out (packets: pluto has none)
 *   --globalstatus           -> daemon IKE and CHILD SA counts, IKEv2
 *                               negotiations, DPD messages */
#ifndef IKW_LIBRESWAN_MODEL_H
#define IKW_LIBRESWAN_MODEL_H

#include <stddef.h>

#include "common/err.h"
#include "model/model.h"
#include "parse/libreswan_parse.h"

/* The --globalstatus keys the model reads (libreswan_model.c has their
 * names). */
enum lsw_global_key {
	LSW_G_IKE, LSW_G_HALF_OPEN, LSW_G_CHILD,
	LSW_G_ESTABLISHED, LSW_G_FAILED,
	LSW_G_DPD_SENT, LSW_G_DPD_RECV, LSW_G_DPD_REPLIED,
	LSW_G_COUNT
};

struct lsw_model {
	struct model *m;
	struct lsw_conn *conns;
	size_t nconns, aconns;
	struct lsw_state *states;
	size_t nstates, astates;
	struct lsw_traffic *traffic;
	size_t ntraffic, atraffic;
	uint64_t global[LSW_G_COUNT];    /* --globalstatus, by enum lsw_global_key */
	bool have_global[LSW_G_COUNT];
	char version[32];
};

void lsw_model_init(struct lsw_model *b, struct model *m);
/* Parses the three outputs (buffers may be NULL when empty). */
int lsw_model_read(struct lsw_model *b, const char *status, size_t status_len,
		   const char *traffic, size_t traffic_len,
		   const char *global, size_t global_len, struct ikw_err *err);
/* Fills b->m: daemon, conns (sorted), IKE and CHILD SAs; have_sas. */
int lsw_model_finish(struct lsw_model *b, struct ikw_err *err);
void lsw_model_release(struct lsw_model *b);

#endif
