/* Pure translation of charon's VICI events (ike-updown, ike-rekey,
 * child-updown, child-rekey, log) into the event store.  No I/O: unit tests
 * and the fuzzer feed captured events directly. */
#ifndef IKW_VICI_EVENTS_PARSE_H
#define IKW_VICI_EVENTS_PARSE_H

#include "common/err.h"
#include "model/events.h"
#include "vici/vici_codec.h"

/* Called for each `log` event: conn is NULL and sa_id 0 when the message is
 * not about an IKE SA; msg is sanitized, len its length. */
typedef void (*vici_log_fn)(void *ctx, const char *conn, uint32_t sa_id,
			    const char *msg, size_t len);

/* The events ikewatch registers for. */
extern const char *const vici_events_registered[5];

/* Applies one event named `event` at Unix time now.  Returns 0, or -EBADMSG
 * with err set for a message that does not have the documented shape (it is
 * then not counted). */
int vici_event_apply(struct event_store *s, const char *event,
		     const struct vici_msg *msg, double now,
		     vici_log_fn on_log, void *log_ctx, struct ikw_err *err);

/* What the event log says of an IKE SA section (ike-updown's, an alert's
 * ike-sa): its unique id, SPIs and peers, sanitized copies.  ike SIZE_MAX:
 * all unknown. */
struct vici_event_ike {
	uint32_t id;
	char spi_i[24], spi_r[24];
	char local_host[64], remote_host[64], local_id[256], remote_id[256];
};

void vici_event_ike_info(const struct vici_msg *m, size_t ike,
			 struct vici_event_ike *i);
/* Points r's IKE fields at i's strings ("" ones left NULL). */
void vici_event_record_ike(struct event_record *r, const struct vici_event_ike *i);

#endif
