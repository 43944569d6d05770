/* The status view as a terminal table (`ikewatch status`): one row per
 * connection, per IKE SA and per direction of each CHILD SA, attention
 * first (a remote-access conn: its sessions and pools, status_ra.h).  Columns are dropped from the least important end so that every
 * line fits `width` (80 shows name, state, peer/SPI, elapsed, rekey, bytes
 * and idle; 200 shows everything); ANSI colour only when asked. */
#ifndef IKW_STATUS_TABLE_H
#define IKW_STATUS_TABLE_H

#include <stdbool.h>

#include "common/strbuf.h"
#include "status/status.h"

struct status_table_opts {
	unsigned width;    /* terminal columns, at least 60 */
	bool color;
	bool sessions;     /* one line per session of remote-access conns
			      (status --conn); else only their summary */
};

void status_table(const struct status_view *v, const struct status_table_opts *o,
		  struct strbuf *out);

#endif
