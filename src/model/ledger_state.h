/* The traffic ledger in a state file, so that `ikewatch textfile` run from
 * cron keeps byte and packet counters monotonic across runs (and rekeys
 * between runs).  A line format, strings hex-encoded:
 *   ikewatch-ledger 1
 *   entry <conn> <child> <bytes_in> <bytes_out> <packets_in> <packets_out> <nsas>
 *   sa <uniqueid> <spi_in> <spi_out> <bytes_in> <bytes_out> <packets_in> <packets_out>
 *   end
 * The parser is pure and strict: a damaged file is an error naming the line,
 * and the caller starts afresh (a counter reset) instead of trusting it. */
#ifndef IKW_LEDGER_STATE_H
#define IKW_LEDGER_STATE_H

#include "common/err.h"
#include "common/strbuf.h"
#include "model/ledger.h"

#define LEDGER_STATE_MAX (64 * 1024 * 1024)

void ledger_state_format(const struct ledger *l, struct strbuf *out);
/* On error the ledger may hold the entries before the bad line: release it
 * and start afresh. */
int ledger_state_parse(struct ledger *l, const char *buf, size_t len,
		       struct ikw_err *err);

/* File helpers: load (missing file = empty ledger, 0) and atomic save. */
int ledger_state_load(struct ledger *l, const char *path, struct ikw_err *err);
int ledger_state_save(const struct ledger *l, const char *path,
		      struct ikw_err *err);

#endif
