#include "collect/vici_alert.h"

#include <errno.h>
#include <string.h>

#include "collect/vici_events_parse.h"
#include "common/text.h"

/* The IKE SA an alert is about: {ike-sa = {<conn> = {...}}}.  Returns the
 * conn's section, or SIZE_MAX when the alert is not tied to one. */
static size_t va_ike_sa(const struct vici_msg *m, char *conn, size_t size)
{
	size_t sec = vici_find(m, VICI_ROOT, "ike-sa"), i;

	conn[0] = '\0';
	if (sec == SIZE_MAX || m->elems[sec].type != VICI_SECTION_START)
		return SIZE_MAX;
	for (i = vici_first(m, sec); i < vici_stop(m, sec); i = vici_next(m, i)) {
		const struct vici_elem *e = &m->elems[i];
		size_t n;

		if (e->type != VICI_SECTION_START)
			continue;
		n = e->name_len < size - 1 ? e->name_len : size - 1;
		text_sanitize(conn, e->name, n);
		return i;
	}
	return SIZE_MAX;
}

/* Retransmits that time out on an IKE SA that had been established (up,
 * rekeying, rekeyed, deleting) mean the peer died under it (DPD, a rekey
 * or a delete finds it); before that (created, connecting), the peer was
 * never reached. */
static enum fail_reason va_timeout_reason(const struct vici_msg *m, size_t ike)
{
	static const char *const was_up[] = { "ESTABLISHED", "REKEYING", "REKEYED", "DELETING" };
	size_t st = ike == SIZE_MAX ? SIZE_MAX : vici_find(m, ike, "state"), i;
	const struct vici_elem *e = st == SIZE_MAX ? NULL : &m->elems[st];

	for (i = 0; e && e->type == VICI_KEY_VALUE && i < sizeof(was_up) / sizeof(was_up[0]); i++)
		if (e->value_len == strlen(was_up[i]) && !memcmp(e->value, was_up[i], e->value_len))
			return FAIL_DPD_TIMEOUT;
	return FAIL_PEER_UNREACHABLE;
}

int vici_alert_apply(struct event_store *s, struct alert_filter *f,
		     const struct vici_msg *msg, double now, struct ikw_err *err)
{
	size_t t = vici_find(msg, VICI_ROOT, "type"), ike;
	struct event_record rec = { .kind = ER_ALERT };
	struct vici_event_ike info;
	enum alert_type type;
	enum fail_reason reason;
	char conn[128];

	if (t == SIZE_MAX || msg->elems[t].type != VICI_KEY_VALUE)
		return err_set(err, -EBADMSG, "alert event without a type");
	type = alert_type_from_name((const char *)msg->elems[t].value,
				    msg->elems[t].value_len);
	ike = va_ike_sa(msg, conn, sizeof(conn));
	event_store_alert(s, type, conn);
	vici_event_ike_info(msg, ike, &info);
	vici_event_record_ike(&rec, &info);
	rec.conn = conn;
	rec.alert = alert_type_name(type);
	event_store_emit(s, &rec);
	if (!alert_filter_classify(f, type, conn, now, &reason))
		return 0;
	if (type == ALERT_RETRANSMIT_SEND_TIMEOUT)
		reason = va_timeout_reason(msg, ike);
	event_store_failure_rec(s, reason, FAIL_SRC_VICI, conn, now, &rec);
	return 0;
}
