/* Why a probe failed, in the words of the status view's reason.  Beside
 * status.c because the failure names of the metrics (probe_fail_names) are
 * labels, not sentences. */
#include "status/status.h"

#include <stdio.h>

static const char *const status_fail_text[PROBE_FAIL_COUNT] = {
	[PROBE_FAIL_NONE] = "failed",
	[PROBE_FAIL_TIMEOUT] = "timeout",
	[PROBE_FAIL_REFUSED] = "connection refused",
	[PROBE_FAIL_UNREACHABLE] = "unreachable",
	[PROBE_FAIL_ERROR] = "local error (socket, namespace or send)",
	[PROBE_FAIL_UNRESOLVED] = "no target derivable from the traffic selectors",
	[PROBE_FAIL_STATUS] = "unexpected HTTP status",
	[PROBE_FAIL_BODY] = "the expected text is not in the body",
	[PROBE_FAIL_SHORT] = "answer too short",
	[PROBE_FAIL_STALLED] = "answer stalled (an MTU black hole?)",
	[PROBE_FAIL_PROTOCOL] = "not an HTTP answer",
	[PROBE_FAIL_TLS] = "TLS handshake failed",
};

void status_probe_reason(char *buf, size_t size, const struct probe_view *p)
{
	enum probe_fail f = p->fail < PROBE_FAIL_COUNT ? p->fail : PROBE_FAIL_ERROR;

	if (f == PROBE_FAIL_STATUS && p->http.status)
		snprintf(buf, size, "HTTP status %d", p->http.status);
	else if (p->type == PROBE_MTU && f == PROBE_FAIL_TIMEOUT && p->mtu_floor)
		/* no size from the floor up came back: the path's MTU is below
		 * it (or nothing passes at all) */
		snprintf(buf, size, "path MTU below %u (mtu_min)", p->mtu_floor);
	else if (status_fail_text[f])
		snprintf(buf, size, "%s", status_fail_text[f]);
	else    /* a failure added without its sentence: its label still says it */
		snprintf(buf, size, "%s", probe_fail_names[f]);
}
