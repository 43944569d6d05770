/* Runs a command from an argv list, never through a shell: posix_spawnp
 * with a clean signal mask, stdin from /dev/null, stdout and stderr into a
 * bounded buffer, killed (SIGKILL, its pid only) at the timeout. */
#ifndef IKW_REMEDIATE_RUN_H
#define IKW_REMEDIATE_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/strbuf.h"

struct rem_run_result {
	int exit_code;      /* -1: killed by a signal or by the timeout */
	int signal;
	int timed_out;
	int truncated;      /* output over max_bytes was dropped */
};

/* out may be NULL (output discarded); at most max_bytes are kept.  Returns
 * 0 when the command ran (whatever its exit) or -errno with err set. */
int rem_run(char *const argv[], uint64_t timeout_ms, struct strbuf *out, size_t max_bytes,
	    struct rem_run_result *res, struct ikw_err *err);

#endif
