/* What pluto's log lines mean for the counters: up/down/rekey of IKE and
 * CHILD SAs per conn (the child is the conn: pluto has one CHILD config per
 * conn) and the final traffic of a deleted CHILD SA for the ledger.
 *
 * pluto logs "ESP traffic information" whenever a CHILD SA goes, also the
 * one a rekey replaced, and "deleting state (ESTABLISHED_IKE_SA)" for an
 * IKE SA a rekey replaced: the replaced serials are remembered (bounded,
 * direct-mapped; a collision forgets an SA, which at worst counts the
 * replaced SA's delete as a down) so that a rekey is one rekey, not a
 * rekey and a down, as charon's events count it.  The SPIs of an SA's
 * "established" line are remembered too: the ledger knows SAs by serial
 * and SPIs.  Not thread-safe: the caller locks. */
#ifndef IKW_LOG_PLUTO_SA_H
#define IKW_LOG_PLUTO_SA_H

#include <stdbool.h>
#include <stdint.h>

#include "logs/log_classify_pluto.h"
#include "model/events.h"

#define LOG_PLUTO_SLOTS 1024

struct log_pluto_slot {
	uint32_t serial;
	bool replaced;
	char spi_in[9], spi_out[9];
};

struct log_pluto_sas {
	struct log_pluto_slot slot[LOG_PLUTO_SLOTS];
};

void log_pluto_sas_init(struct log_pluto_sas *m);

/* Counts one classified line into store (may be NULL) under label (the
 * conn as counters name it: "other" for a conn pluto does not have) and
 * hands the final traffic of a deleted CHILD SA to the ledger under the
 * line's own conn (ev->conn).  Lines without a conn or serial are ignored. */
void log_pluto_sas_apply(struct log_pluto_sas *m, struct event_store *store,
			 const char *label, const struct log_event *ev,
			 const struct pluto_sa_event *sa, double ts);

#endif
