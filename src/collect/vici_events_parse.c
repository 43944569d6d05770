#include "collect/vici_events_parse.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/text.h"

const char *const vici_events_registered[5] = {
	"ike-updown", "ike-rekey", "child-updown", "child-rekey", "log",
};

/* Copies an element's name, sanitized, into buf. */
static void ve_name(const struct vici_elem *e, char *buf, size_t size)
{
	size_t n = e->name_len < size - 1 ? e->name_len : size - 1;

	text_sanitize(buf, e->name, n);
}

/* Copies a key's value, sanitized and cut to size, into buf ("" if absent). */
static void ve_value(const struct vici_msg *m, size_t parent, const char *key,
		     char *buf, size_t size)
{
	size_t i = vici_find(m, parent, key);
	const struct vici_elem *e;
	size_t n;

	buf[0] = '\0';
	if (i == SIZE_MAX || m->elems[i].type != VICI_KEY_VALUE)
		return;
	e = &m->elems[i];
	n = e->value_len < size - 1 ? e->value_len : size - 1;
	text_sanitize(buf, (const char *)e->value, n);
}

/* The IKE SA section of an event: the only top-level section. */
static size_t ve_ike_section(const struct vici_msg *m)
{
	size_t i;

	for (i = vici_first(m, VICI_ROOT); i < vici_stop(m, VICI_ROOT);
	     i = vici_next(m, i))
		if (m->elems[i].type == VICI_SECTION_START)
			return i;
	return SIZE_MAX;
}

static void ve_final(struct event_store *s, const struct vici_msg *m,
		     size_t sa, const char *conn, const char *child)
{
	struct sa_final f;
	uint64_t v = 0;

	memset(&f, 0, sizeof(f));
	snprintf(f.conn, sizeof(f.conn), "%s", conn);
	snprintf(f.child, sizeof(f.child), "%s", child);
	if (vici_get_u64(m, sa, "uniqueid", &v) || v > UINT32_MAX)
		return;
	f.uniqueid = (uint32_t)v;
	ve_value(m, sa, "spi-in", f.spi_in, sizeof(f.spi_in));
	ve_value(m, sa, "spi-out", f.spi_out, sizeof(f.spi_out));
	/* a counter charon omits or garbles is not reported at all */
	if (vici_get_u64(m, sa, "bytes-in", &f.totals.bytes_in) ||
	    vici_get_u64(m, sa, "bytes-out", &f.totals.bytes_out) ||
	    vici_get_u64(m, sa, "packets-in", &f.totals.packets_in) ||
	    vici_get_u64(m, sa, "packets-out", &f.totals.packets_out))
		return;
	event_store_final(s, &f);
}

/* The IKE SA's unique id, 0 when charon sent none. */
static uint32_t ve_ike_id(const struct vici_msg *m, size_t ike)
{
	uint64_t id;

	return vici_get_u64(m, ike, "uniqueid", &id) || id > UINT32_MAX ? 0 : (uint32_t)id;
}

void vici_event_ike_info(const struct vici_msg *m, size_t ike,
			 struct vici_event_ike *i)
{
	memset(i, 0, sizeof(*i));
	if (ike == SIZE_MAX)
		return;
	i->id = ve_ike_id(m, ike);
	ve_value(m, ike, "initiator-spi", i->spi_i, sizeof(i->spi_i));
	ve_value(m, ike, "responder-spi", i->spi_r, sizeof(i->spi_r));
	ve_value(m, ike, "local-host", i->local_host, sizeof(i->local_host));
	ve_value(m, ike, "remote-host", i->remote_host, sizeof(i->remote_host));
	ve_value(m, ike, "local-id", i->local_id, sizeof(i->local_id));
	ve_value(m, ike, "remote-id", i->remote_id, sizeof(i->remote_id));
}

static const char *ve_opt(const char *s)
{
	return s[0] ? s : NULL;
}

void vici_event_record_ike(struct event_record *r, const struct vici_event_ike *i)
{
	r->ike_id = i->id;
	r->ike_spi_i = ve_opt(i->spi_i);
	r->ike_spi_r = ve_opt(i->spi_r);
	r->local_addr = ve_opt(i->local_host);
	r->remote_addr = ve_opt(i->remote_host);
	r->local_id = ve_opt(i->local_id);
	r->remote_id = ve_opt(i->remote_id);
}

static const enum event_record_kind ve_record_kinds[EV_KIND_COUNT] = {
	[EV_IKE_UP] = ER_IKE_UP, [EV_IKE_DOWN] = ER_IKE_DOWN,
	[EV_IKE_REKEY] = ER_IKE_REKEY, [EV_CHILD_UP] = ER_CHILD_UP,
	[EV_CHILD_DOWN] = ER_CHILD_DOWN, [EV_CHILD_REKEY] = ER_CHILD_REKEY,
};

/* A CHILD SA's id and SPIs, sanitized copies. */
struct ve_child_info {
	uint32_t id;
	char spi_in[24], spi_out[24];
};

static void ve_child_info(const struct vici_msg *m, size_t sa, struct ve_child_info *i)
{
	uint64_t v = 0;

	i->id = sa == SIZE_MAX || vici_get_u64(m, sa, "uniqueid", &v) || v > UINT32_MAX ?
		0 : (uint32_t)v;
	i->spi_in[0] = i->spi_out[0] = '\0';
	if (sa == SIZE_MAX)
		return;
	ve_value(m, sa, "spi-in", i->spi_in, sizeof(i->spi_in));
	ve_value(m, sa, "spi-out", i->spi_out, sizeof(i->spi_out));
}

/* One CHILD SA's line: sa is the SA (the new one of a rekey), old the SA
 * it replaced or SIZE_MAX. */
static void ve_child_record(struct event_store *s, const struct vici_msg *m,
			    const struct vici_event_ike *ike, enum event_kind k,
			    const char *conn, const char *child, size_t sa, size_t old)
{
	struct event_record r = { .kind = ve_record_kinds[k], .conn = conn, .child = child };
	struct ve_child_info now, before;

	vici_event_record_ike(&r, ike);
	ve_child_info(m, sa, &now);
	ve_child_info(m, old, &before);
	r.child_id = now.id;
	r.spi_in = ve_opt(now.spi_in);
	r.spi_out = ve_opt(now.spi_out);
	r.old_child_id = before.id;
	r.old_spi_in = ve_opt(before.spi_in);
	r.old_spi_out = ve_opt(before.spi_out);
	event_store_emit(s, &r);
}

/* Each CHILD SA of child-updown / child-rekey: counts it under its config
 * name and hands the final counters of an SA that goes away to the ledger. */
static void ve_children(struct event_store *s, const struct vici_msg *m,
			size_t ike, const char *conn, enum event_kind k,
			double now)
{
	size_t cs = vici_find(m, ike, "child-sas"), c;
	uint32_t ike_id = ve_ike_id(m, ike);
	struct vici_event_ike info;
	char child[128];

	if (cs == SIZE_MAX)
		return;
	vici_event_ike_info(m, ike, &info);
	for (c = vici_first(m, cs); c < vici_stop(m, cs); c = vici_next(m, c)) {
		size_t sa = c, old = vici_find(m, c, "old");

		if (m->elems[c].type != VICI_SECTION_START)
			continue;
		if (k == EV_CHILD_REKEY && old != SIZE_MAX)
			sa = old;   /* rekey: the old SA's name and final counters */
		ve_value(m, sa, "name", child, sizeof(child));
		if (!child[0])
			ve_name(&m->elems[c], child, sizeof(child));
		event_store_count(s, k, conn, child, now);
		if (k == EV_CHILD_REKEY)
			ve_child_record(s, m, &info, k, conn, child,
					vici_find(m, c, "new"), old);
		else
			ve_child_record(s, m, &info, k, conn, child, c, SIZE_MAX);
		if (k == EV_CHILD_UP || k == EV_CHILD_REKEY)
			event_store_ike_child(s, ike_id);
		if (k == EV_CHILD_REKEY || k == EV_CHILD_DOWN)
			ve_final(s, m, sa, conn, child);
	}
}

/* ike-updown and ike-rekey (whose section holds the old and new SAs). */
static void ve_ike(struct event_store *s, const struct vici_msg *m, size_t ike,
		   const char *conn, enum event_kind k, double now)
{
	struct event_record r = { .kind = ve_record_kinds[k], .conn = conn };
	size_t old = vici_find(m, ike, "old"), new = vici_find(m, ike, "new");
	struct vici_event_ike info, before;

	event_store_count(s, k, conn, NULL, now);
	if (k == EV_IKE_DOWN) {
		event_store_ike_gone(s, ve_ike_id(m, ike));
		event_store_ike_ended(s, conn, ve_ike_id(m, ike), now);
	} else if (k == EV_IKE_UP) {
		event_store_ike_since(s, ve_ike_id(m, ike), now);
	}
	vici_event_ike_info(m, k == EV_IKE_REKEY && new != SIZE_MAX ? new : ike, &info);
	vici_event_record_ike(&r, &info);
	if (k == EV_IKE_REKEY && old != SIZE_MAX) {
		vici_event_ike_info(m, old, &before);
		r.old_ike_id = before.id;
		/* the session goes on in the new IKE SA */
		event_store_ike_rekeyed(s, before.id, info.id);
	}
	event_store_emit(s, &r);
}

static void ve_log(const struct vici_msg *m, vici_log_fn on_log, void *ctx)
{
	char conn[128], msg[1024];
	uint64_t id = 0;

	if (!on_log)
		return;
	ve_value(m, VICI_ROOT, "ikesa-name", conn, sizeof(conn));
	ve_value(m, VICI_ROOT, "msg", msg, sizeof(msg));
	if (vici_get_u64(m, VICI_ROOT, "ikesa-uniqueid", &id) || id > UINT32_MAX)
		id = 0;
	on_log(ctx, conn[0] ? conn : NULL, (uint32_t)id, msg, strlen(msg));
}

int vici_event_apply(struct event_store *s, const char *event,
		     const struct vici_msg *msg, double now,
		     vici_log_fn on_log, void *log_ctx, struct ikw_err *err)
{
	bool up = vici_get_yes(msg, VICI_ROOT, "up");
	char conn[128];
	size_t ike;

	if (!strcmp(event, "log")) {
		ve_log(msg, on_log, log_ctx);
		return 0;
	}
	ike = ve_ike_section(msg);
	if (ike == SIZE_MAX)
		return err_set(err, -EBADMSG, "%s event without an IKE SA section",
			       event);
	ve_name(&msg->elems[ike], conn, sizeof(conn));
	if (!strcmp(event, "ike-updown"))
		ve_ike(s, msg, ike, conn, up ? EV_IKE_UP : EV_IKE_DOWN, now);
	else if (!strcmp(event, "ike-rekey"))
		ve_ike(s, msg, ike, conn, EV_IKE_REKEY, now);
	else if (!strcmp(event, "child-updown"))
		ve_children(s, msg, ike, conn, up ? EV_CHILD_UP : EV_CHILD_DOWN, now);
	else if (!strcmp(event, "child-rekey"))
		ve_children(s, msg, ike, conn, EV_CHILD_REKEY, now);
	else
		return err_set(err, -EBADMSG, "unexpected event '%s'", event);
	return 0;
}
