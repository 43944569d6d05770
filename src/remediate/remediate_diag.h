/* The diagnostics bundle written before any action: a timestamped
 * directory DIR/YYYYmmddTHHMMSSZ-CONN/ (0700, files 0600) with the status
 * of the snapshot that confirmed the fault, a summary, and the output of a
 * fixed list of commands (argv lists from the config, no shell), each
 * capped; XFRM keys in that output are redacted.  Retention keeps the
 * newest bundles within a count and a total size. */
#ifndef IKW_REMEDIATE_DIAG_H
#define IKW_REMEDIATE_DIAG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/err.h"
#include "common/strbuf.h"
#include "config/config_remediate.h"

struct rem_diag_file {
	const char *name;         /* a plain file name */
	const char *text;
	size_t len;
};

struct rem_diag_opts {
	const char *dir;
	unsigned keep;
	uint64_t max_total_bytes, output_max_bytes, timeout_ms;
	const struct remediate_argv *commands;
	size_t ncommands;
};

/* Writes the bundle; path (psize bytes) gets its directory.  0 or -errno
 * with err set; a command that fails to run is recorded in its file. */
int rem_diag_bundle(const struct rem_diag_opts *o, time_t when, const char *conn,
		    const struct rem_diag_file *files, size_t nfiles,
		    char *path, size_t psize, struct ikw_err *err);
/* Removes the oldest bundles beyond keep or max_total_bytes; returns how
 * many were removed. */
unsigned rem_diag_retain(const char *dir, unsigned keep, uint64_t max_total_bytes);
/* Replaces the 0x... key material on ip xfrm's enc/auth/aead/comp lines. */
void rem_diag_redact_keys(struct strbuf *sb);

#endif
