/* Alertmanager's webhook payload (version "4"), read from untrusted bytes:
 *
 *   {"version": "4", "status": "firing", "receiver": "...",
 *    "alerts": [{"status": "firing",
 *                "labels": {"alertname": "...", "conn": "...", "child": "..."},
 *                ...}, ...], ...}
 *
 * A bounded JSON reader (depth, members, string lengths, alert count) that
 * keeps only what remediation needs; everything else must still be valid
 * JSON and is skipped.  Pure: bytes in, struct or error out, no allocation. */
#ifndef IKW_ALERTMANAGER_H
#define IKW_ALERTMANAGER_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

#define AM_ALERTS_MAX 64          /* alerts in one notification */
#define AM_DEPTH_MAX 8            /* nesting of arrays and objects */
#define AM_VALUE_MAX 127          /* the labels kept, in bytes */
#define AM_STRING_MAX 4096        /* any string, decoded */
#define AM_MEMBERS_MAX 256        /* members of one object / items of an array */

struct am_alert {
	bool firing;                       /* "status": "firing", else resolved */
	char alertname[AM_VALUE_MAX + 1];
	char conn[AM_VALUE_MAX + 1];       /* "" when the label is absent */
	char child[AM_VALUE_MAX + 1];
};

struct am_payload {
	bool firing;                       /* the group's status */
	size_t n;
	struct am_alert alerts[AM_ALERTS_MAX];
};

/* 0 or -EINVAL with err saying why (version, schema, syntax, bounds).  The
 * labels kept (alertname, conn, child) are printable ASCII without '/' or
 * '\\'; an alert without alertname is an error. */
int am_parse(const char *buf, size_t len, struct am_payload *out, struct ikw_err *err);

#endif
