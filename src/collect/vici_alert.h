/* Pure translation of charon's VICI `alert` event (charon 6.0.3 and later)
 * into the event store: counted by type and conn, and, when the alert is a
 * failure of a connection, as that failure (FAIL_SRC_VICI).  No I/O. */
#ifndef IKW_VICI_ALERT_H
#define IKW_VICI_ALERT_H

#include "common/err.h"
#include "model/alert.h"
#include "model/events.h"
#include "vici/vici_codec.h"

/* Applies one alert event at Unix time now; f remembers the causes of
 * CHILD SA failures (one filter per stream).  Returns 0, or -EBADMSG with
 * err set when the event has no `type`. */
int vici_alert_apply(struct event_store *s, struct alert_filter *f,
		     const struct vici_msg *msg, double now, struct ikw_err *err);

#endif
