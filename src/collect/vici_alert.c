#include "collect/vici_alert.h"

#include <errno.h>
#include <string.h>

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

/* Retransmits that time out on an IKE SA that is up mean the peer died
 * while the SA was established (DPD finds it); before that, the peer was
 * never reached. */
static enum fail_reason va_timeout_reason(const struct vici_msg *m, size_t ike)
{
	size_t st = ike == SIZE_MAX ? SIZE_MAX : vici_find(m, ike, "state");
	const struct vici_elem *e = st == SIZE_MAX ? NULL : &m->elems[st];
	static const char up[] = "ESTABLISHED";

	if (e && e->type == VICI_KEY_VALUE && e->value_len == sizeof(up) - 1 &&
	    !memcmp(e->value, up, sizeof(up) - 1))
		return FAIL_DPD_TIMEOUT;
	return FAIL_PEER_UNREACHABLE;
}

/* A sanitized copy of key's value in section sec ("" when absent). */
static void va_value(const struct vici_msg *m, size_t sec, const char *key,
		     char *buf, size_t size)
{
	size_t i = sec == SIZE_MAX ? SIZE_MAX : vici_find(m, sec, key);
	const struct vici_elem *e = i == SIZE_MAX ? NULL : &m->elems[i];
	size_t n;

	buf[0] = '\0';
	if (!e || e->type != VICI_KEY_VALUE)
		return;
	n = e->value_len < size - 1 ? e->value_len : size - 1;
	text_sanitize(buf, (const char *)e->value, n);
}

/* The IKE SA's peers and id, for the event log. */
struct va_peers {
	char local_host[64], remote_host[64], local_id[256], remote_id[256], id[16];
};

static const char *va_opt(const char *s)
{
	return s[0] ? s : NULL;
}

static void va_record(const struct vici_msg *m, size_t ike, struct va_peers *p,
		      struct event_record *r)
{
	uint64_t id = 0;

	va_value(m, ike, "local-host", p->local_host, sizeof(p->local_host));
	va_value(m, ike, "remote-host", p->remote_host, sizeof(p->remote_host));
	va_value(m, ike, "local-id", p->local_id, sizeof(p->local_id));
	va_value(m, ike, "remote-id", p->remote_id, sizeof(p->remote_id));
	r->local_addr = va_opt(p->local_host);
	r->remote_addr = va_opt(p->remote_host);
	r->local_id = va_opt(p->local_id);
	r->remote_id = va_opt(p->remote_id);
	if (ike != SIZE_MAX && !vici_get_u64(m, ike, "uniqueid", &id) && id <= UINT32_MAX)
		r->ike_id = (uint32_t)id;
}

int vici_alert_apply(struct event_store *s, struct alert_filter *f,
		     const struct vici_msg *msg, double now, struct ikw_err *err)
{
	size_t t = vici_find(msg, VICI_ROOT, "type"), ike;
	struct event_record rec = { .kind = ER_ALERT };
	struct va_peers peers;
	enum alert_type type;
	enum fail_reason reason;
	char conn[128];

	if (t == SIZE_MAX || msg->elems[t].type != VICI_KEY_VALUE)
		return err_set(err, -EBADMSG, "alert event without a type");
	type = alert_type_from_name((const char *)msg->elems[t].value,
				    msg->elems[t].value_len);
	ike = va_ike_sa(msg, conn, sizeof(conn));
	event_store_alert(s, type, conn);
	va_record(msg, ike, &peers, &rec);
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
