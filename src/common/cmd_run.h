/* Runs a command from an argv list, never through a shell: posix_spawnp
 * with a clean signal mask, stdin from /dev/null, stdout and stderr into a
 * bounded buffer, killed (SIGKILL, its pid only) at the timeout. */
#ifndef IKW_CMD_RUN_H
#define IKW_CMD_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/strbuf.h"

struct cmd_run_result {
	int exit_code;      /* -1: killed by a signal or by the timeout */
	int signal;
	int timed_out;
	int truncated;      /* output over max_bytes was dropped */
};

/* out may be NULL (output discarded); at most max_bytes are kept.  Returns
 * 0 when the command ran (whatever its exit) or -errno with err set. */
int cmd_run(char *const argv[], uint64_t timeout_ms, struct strbuf *out, size_t max_bytes,
	    struct cmd_run_result *res, struct ikw_err *err);

/* The same, with the capabilities in caps (1 << CAP_...) passed on to the
 * command through the ambient set: raised on the spawning thread for the
 * spawn only, so that an unprivileged ikewatch (--run-as) gives its
 * diagnostics CAP_NET_ADMIN and its other commands nothing.  A capability
 * not in the thread's inheritable set is not raised (root without --run-as
 * needs none of this). */
int cmd_run_ambient(uint64_t caps, char *const argv[], uint64_t timeout_ms,
		    struct strbuf *out, size_t max_bytes, struct cmd_run_result *res,
		    struct ikw_err *err);

#endif
