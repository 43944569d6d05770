/* The remediation policy's memory across restarts of ikewatch: per conn the
 * time of its last action (the cooldown), and the host's restart history
 * (the backoff and the daily cap).  Without it a restarted ikewatch, or one
 * in a crash loop, would forget them and could restart charon again and
 * again.  Pure codec here; remediate.c loads it at start and saves it after
 * every action.
 *
 * The file (remediation.state_file), written whole and atomically:
 *
 *   ikewatch-remediation 2
 *   host LAST_RESTART_MS FAILURES
 *   restart TIME_MS                  (at most REM_DAY_MAX)
 *   conn HEX(NAME) LAST_ACTION_MS    (at most REMEDIATE_CONNS_MAX)
 *   end
 *
 * Times are policy time (Unix milliseconds when time_scale is 1).  Parsing
 * is strict: any other line, a bad number, a name that an alert could not
 * carry, a repeated conn, too many lines, or a missing "end" is an error
 * naming the line.  A time in the future (a clock stepped back) is taken as
 * now, so that it can never stretch a wait beyond what was configured.
 */
#ifndef IKW_REMEDIATE_STATE_H
#define IKW_REMEDIATE_STATE_H

#include <stddef.h>

#include "common/err.h"
#include "common/strbuf.h"
#include "remediate/alertmanager.h"
#include "remediate/remediate_policy.h"

#define REM_STATE_MAX (1024 * 1024)
#define REM_STATE_FAILURES_MAX 1000

struct rem_state_conn {
	char name[AM_VALUE_MAX + 1];
	double last_action;           /* policy time, seconds */
};

struct rem_state {
	struct rem_host_state host;
	struct rem_state_conn *conns; /* malloc'd */
	size_t nconns;
};

void rem_state_format(const struct rem_state *s, struct strbuf *out);
/* Parses buf into *s (zeroed first; release it either way) at policy time
 * now.  0, or -EBADMSG / -EFBIG / -ENOMEM with err naming the line. */
int rem_state_parse(struct rem_state *s, const char *buf, size_t len, double now,
		    struct ikw_err *err);
void rem_state_release(struct rem_state *s);

/* The file: a missing one is an empty state (0). */
int rem_state_load(struct rem_state *s, const char *path, double now, struct ikw_err *err);
int rem_state_save(const struct rem_state *s, const char *path, struct ikw_err *err);

#endif
