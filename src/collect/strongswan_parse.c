#include "collect/strongswan_parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/num.h"
#include "common/strbuf.h"
#include "common/text.h"

#define SS_LIST_MAX 4096  /* longest joined list kept (traffic selectors) */

/* Copies a value (sanitized) into the arena; "" when absent. */
static const char *swp_value(const struct vici_msg *msg, size_t parent,
			    const char *name, struct model *m)
{
	size_t i = name ? vici_find(msg, parent, name) : parent;
	const struct vici_elem *e;
	char *s;

	if (i == SIZE_MAX || msg->elems[i].type != VICI_KEY_VALUE)
		return "";
	e = &msg->elems[i];
	s = arena_alloc(&m->arena, (size_t)e->value_len + 1);
	if (!s)
		return "";
	text_sanitize(s, (const char *)e->value, e->value_len);
	return s;
}

/* A section or element name, sanitized into the arena. */
static const char *swp_name(const struct vici_elem *e, struct model *m)
{
	char *s = arena_alloc(&m->arena, (size_t)e->name_len + 1);

	if (!s)
		return "";
	text_sanitize(s, e->name, e->name_len);
	return s;
}

/* Joins a list's items with ",", capped at SS_LIST_MAX bytes. */
static const char *swp_list(const struct vici_msg *msg, size_t parent,
			   const char *name, struct model *m)
{
	size_t l = vici_find(msg, parent, name), i;
	struct strbuf sb;
	char *out;

	if (l == SIZE_MAX || msg->elems[l].type != VICI_LIST_START)
		return "";
	strbuf_init(&sb, SS_LIST_MAX);
	for (i = vici_first(msg, l); i < vici_stop(msg, l); i = vici_next(msg, i)) {
		const struct vici_elem *e = &msg->elems[i];
		char tmp[512];
		size_t n = e->value_len < sizeof(tmp) ? e->value_len : sizeof(tmp) - 1;

		text_sanitize(tmp, (const char *)e->value, n);
		if (sb.len)
			strbuf_addch(&sb, ',');
		strbuf_addstr(&sb, tmp);
	}
	if (strbuf_failed(&sb)) {
		strbuf_release(&sb);
		return "(too long)";
	}
	out = arena_strdup(&m->arena, strbuf_str(&sb));
	strbuf_release(&sb);
	return out ? out : "";
}

/* Optional number: absent → *out untouched, 0; malformed → -EBADMSG. */
static int swp_u64(const struct vici_msg *msg, size_t parent, const char *name,
		  uint64_t *out, const char *where, struct ikw_err *err)
{
	int r = vici_get_u64(msg, parent, name, out);

	if (r == 0 || r == -ENOENT)
		return 0;
	return err_set(err, -EBADMSG, "%s: field '%s' is not a number", where,
		       name);
}

static int swp_u32(const struct vici_msg *msg, size_t parent, const char *name,
		  uint32_t *out, const char *where, struct ikw_err *err)
{
	uint64_t v = *out;
	int r = swp_u64(msg, parent, name, &v, where, err);

	if (r)
		return r;
	if (v > UINT32_MAX)
		return err_set(err, -EBADMSG, "%s: field '%s' out of range",
			       where, name);
	*out = (uint32_t)v;
	return 0;
}

/* Seconds field that charon omits when there is nothing to report. */
static int swp_secs(const struct vici_msg *msg, size_t parent, const char *name,
		   int64_t *out, const char *where, struct ikw_err *err)
{
	uint64_t v;
	int r = vici_get_u64(msg, parent, name, &v);

	if (r == -ENOENT) {
		*out = TIME_NONE;
		return 0;
	}
	if (r || v > INT64_MAX / 2)
		return err_set(err, -EBADMSG, "%s: field '%s' is not a number of seconds",
			       where, name);
	*out = (int64_t)v;
	return 0;
}

/* Countdown to a scheduled event.  charon prints it as (scheduled - now),
 * which goes negative once the time has passed without the event happening
 * (a rekey that keeps failing): that is the overdue case, not an error. */
static int swp_countdown(const struct vici_msg *msg, size_t parent,
			const char *name, int64_t *out, const char *where,
			struct ikw_err *err)
{
	size_t i = vici_find(msg, parent, name);
	const struct vici_elem *e;
	uint64_t v;

	if (i == SIZE_MAX || msg->elems[i].type != VICI_KEY_VALUE) {
		*out = TIME_NONE;
		return 0;
	}
	e = &msg->elems[i];
	if (e->value_len > 1 && e->value[0] == '-' &&
	    !num_parse_u64((const char *)e->value + 1, e->value_len - 1u,
			   INT64_MAX / 2, &v)) {
		*out = -(int64_t)v;
		return 0;
	}
	return swp_secs(msg, parent, name, out, where, err);
}

int strongswan_parse_version(const struct vici_msg *msg, struct model *m,
		     struct ikw_err *err)
{
	struct daemon_info *d = &m->daemon;

	(void)err;
	d->daemon = swp_value(msg, VICI_ROOT, "daemon", m);
	d->version = swp_value(msg, VICI_ROOT, "version", m);
	d->sysname = swp_value(msg, VICI_ROOT, "sysname", m);
	d->release = swp_value(msg, VICI_ROOT, "release", m);
	d->machine = swp_value(msg, VICI_ROOT, "machine", m);
	d->have_version = true;
	return 0;
}

/* "uptime.since" is ctime-like local time ("Nov 23 10:00:01 2026"); the
 * "running" text is not machine friendly, so the start time is derived from
 * since when it parses and left unknown otherwise. */
static double swp_parse_since(const char *since)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(since, "%b %d %H:%M:%S %Y", &tm);
	if (!end || *end)
		return 0;
	tm.tm_isdst = -1;
	return (double)mktime(&tm);
}

static int swp_parse_priorities(const struct vici_msg *msg, size_t sec,
			       uint64_t out[4], const char *where,
			       struct ikw_err *err)
{
	size_t i;

	if (sec == SIZE_MAX)
		return 0;
	for (i = 0; i < 4; i++)
		if (swp_u64(msg, sec, job_priority_names[i], &out[i], where, err))
			return -EBADMSG;
	return 0;
}

static bool swp_list_contains(const struct vici_msg *msg, size_t parent,
			     const char *name, const char *item)
{
	size_t l = vici_find(msg, parent, name), i, n = strlen(item);

	if (l == SIZE_MAX || msg->elems[l].type != VICI_LIST_START)
		return false;
	for (i = vici_first(msg, l); i < vici_stop(msg, l); i = vici_next(msg, i))
		if (msg->elems[i].value_len == n &&
		    !memcmp(msg->elems[i].value, item, n))
			return true;
	return false;
}

int strongswan_parse_stats(const struct vici_msg *msg, struct model *m,
		   struct ikw_err *err)
{
	struct daemon_info *d = &m->daemon;
	size_t up = vici_find(msg, VICI_ROOT, "uptime");
	size_t w = vici_find(msg, VICI_ROOT, "workers");
	size_t ike = vici_find(msg, VICI_ROOT, "ikesas");
	size_t q = vici_find(msg, VICI_ROOT, "queues");
	char since[64];

	if (up != SIZE_MAX &&
	    vici_get_str(msg, up, "since", since, sizeof(since)) == 0)
		d->start_time = swp_parse_since(since);
	if (w != SIZE_MAX &&
	    (swp_u64(msg, w, "total", &d->workers_total, "stats.workers", err) ||
	     swp_u64(msg, w, "idle", &d->workers_idle, "stats.workers", err) ||
	     swp_parse_priorities(msg, vici_find(msg, w, "active"),
				 d->workers_active, "stats.workers.active", err)))
		return -EBADMSG;
	if (swp_parse_priorities(msg, q, d->queues, "stats.queues", err) ||
	    swp_u64(msg, VICI_ROOT, "scheduled", &d->scheduled, "stats", err))
		return -EBADMSG;
	if (ike == SIZE_MAX)
		return err_set(err, -EBADMSG, "stats: no 'ikesas' section");
	if (swp_u64(msg, ike, "total", &d->ikesas_total, "stats.ikesas", err) ||
	    swp_u64(msg, ike, "half-open", &d->ikesas_half_open, "stats.ikesas", err))
		return -EBADMSG;
	d->counters_plugin = swp_list_contains(msg, VICI_ROOT, "plugins", "counters");
	d->have_stats = true;
	return 0;
}

static bool swp_is_any(const char *addrs)
{
	return !*addrs || !strcmp(addrs, "%any") || !strcmp(addrs, "0.0.0.0/0") ||
	       !strcmp(addrs, "::/0") || !strcmp(addrs, "%any,%any6") ||
	       !strcmp(addrs, "0.0.0.0/0,::/0");
}

static int swp_parse_child_cfgs(const struct vici_msg *msg, size_t conn,
			       struct model *m, struct conn_cfg *c,
			       struct ikw_err *err)
{
	size_t ch = vici_find(msg, conn, "children"), i, n = 0;

	if (ch == SIZE_MAX)
		return 0;
	for (i = vici_first(msg, ch); i < vici_stop(msg, ch); i = vici_next(msg, i))
		n++;
	c->children = arena_alloc(&m->arena, (n ? n : 1) * sizeof(*c->children));
	if (!c->children)
		return err_set(err, -ENOMEM, "out of memory");
	for (i = vici_first(msg, ch); i < vici_stop(msg, ch); i = vici_next(msg, i)) {
		struct child_cfg *cc = &c->children[c->nchildren];

		if (msg->elems[i].type != VICI_SECTION_START)
			continue;
		cc->name = swp_name(&msg->elems[i], m);
		cc->mode = swp_value(msg, i, "mode", m);
		cc->local_ts = swp_list(msg, i, "local-ts", m);
		cc->remote_ts = swp_list(msg, i, "remote-ts", m);
		if (swp_u64(msg, i, "rekey_time", &cc->rekey_time, c->name, err) ||
		    swp_u64(msg, i, "life_time", &cc->life_time, c->name, err))
			return -EBADMSG;
		c->nchildren++;
	}
	return 0;
}

int strongswan_parse_conn(const struct vici_msg *msg, struct model *m,
		  struct conn_cfg **conns, size_t *n, size_t *alloc,
		  struct ikw_err *err)
{
	size_t i;

	for (i = vici_first(msg, VICI_ROOT); i < vici_stop(msg, VICI_ROOT);
	     i = vici_next(msg, i)) {
		struct conn_cfg *c;

		if (msg->elems[i].type != VICI_SECTION_START)
			continue;
		if (*n == *alloc) {
			size_t na = *alloc ? *alloc * 2 : 64;
			struct conn_cfg *p = realloc(*conns, na * sizeof(*p));

			if (!p)
				return err_set(err, -ENOMEM, "out of memory");
			*conns = p;
			*alloc = na;
		}
		c = &(*conns)[*n];
		memset(c, 0, sizeof(*c));
		c->name = swp_name(&msg->elems[i], m);
		c->version = ike_version_label(swp_value(msg, i, "version", m));
		c->local_addrs = swp_list(msg, i, "local_addrs", m);
		c->remote_addrs = swp_list(msg, i, "remote_addrs", m);
		c->responder_only = swp_is_any(c->remote_addrs);
		if (swp_u64(msg, i, "rekey_time", &c->rekey_time, c->name, err) ||
		    swp_u64(msg, i, "reauth_time", &c->reauth_time, c->name, err) ||
		    swp_parse_child_cfgs(msg, i, m, c, err))
			return err_prefix(err, -EBADMSG, "list-conn");
		(*n)++;
	}
	return 0;
}

static int swp_parse_child_sa(const struct vici_msg *msg, size_t s,
			     struct model *m, struct child_sa *c,
			     const char *where, struct ikw_err *err)
{
	uint32_t keysize = 0;

	c->name = swp_value(msg, s, "name", m);
	if (!*c->name)
		c->name = swp_name(&msg->elems[s], m);
	c->state = child_state_parse(swp_value(msg, s, "state", m));
	c->mode = swp_value(msg, s, "mode", m);
	c->protocol = ipsec_protocol_label(swp_value(msg, s, "protocol", m));
	c->encap = vici_get_yes(msg, s, "encap");
	c->spi_in = swp_value(msg, s, "spi-in", m);
	c->spi_out = swp_value(msg, s, "spi-out", m);
	c->cpi_in = swp_value(msg, s, "cpi-in", m);
	c->cpi_out = swp_value(msg, s, "cpi-out", m);
	c->encr_alg = swp_value(msg, s, "encr-alg", m);
	c->integ_alg = swp_value(msg, s, "integ-alg", m);
	c->prf_alg = swp_value(msg, s, "prf-alg", m);
	c->dh_group = swp_value(msg, s, "dh-group", m);
	c->local_ts = swp_list(msg, s, "local-ts", m);
	c->remote_ts = swp_list(msg, s, "remote-ts", m);
	if (swp_u32(msg, s, "uniqueid", &c->uniqueid, where, err) ||
	    swp_u32(msg, s, "reqid", &c->reqid, where, err) ||
	    swp_u32(msg, s, "encr-keysize", &keysize, where, err))
		return -EBADMSG;
	c->encr_keysize = keysize;
	keysize = 0;
	if (swp_u32(msg, s, "integ-keysize", &keysize, where, err) ||
	    swp_u64(msg, s, "bytes-in", &c->bytes_in, where, err) ||
	    swp_u64(msg, s, "packets-in", &c->packets_in, where, err) ||
	    swp_u64(msg, s, "bytes-out", &c->bytes_out, where, err) ||
	    swp_u64(msg, s, "packets-out", &c->packets_out, where, err) ||
	    swp_secs(msg, s, "use-in", &c->use_in, where, err) ||
	    swp_secs(msg, s, "use-out", &c->use_out, where, err) ||
	    swp_countdown(msg, s, "rekey-time", &c->rekey_in, where, err) ||
	    swp_countdown(msg, s, "life-time", &c->life_in, where, err) ||
	    swp_secs(msg, s, "install-time", &c->installed_for, where, err))
		return -EBADMSG;
	c->integ_keysize = keysize;
	return 0;
}

static int swp_parse_children(const struct vici_msg *msg, size_t ike_idx,
			     struct model *m, struct ike_sa *ike,
			     struct ikw_err *err)
{
	size_t cs = vici_find(msg, ike_idx, "child-sas"), i, n = 0;

	if (cs == SIZE_MAX)
		return 0;
	for (i = vici_first(msg, cs); i < vici_stop(msg, cs); i = vici_next(msg, i))
		n++;
	ike->children = arena_alloc(&m->arena, (n ? n : 1) * sizeof(*ike->children));
	if (!ike->children)
		return err_set(err, -ENOMEM, "out of memory");
	for (i = vici_first(msg, cs); i < vici_stop(msg, cs); i = vici_next(msg, i)) {
		if (msg->elems[i].type != VICI_SECTION_START)
			continue;
		if (swp_parse_child_sa(msg, i, m, &ike->children[ike->nchildren],
				      ike->conn, err))
			return -EBADMSG;
		ike->nchildren++;
	}
	return 0;
}

static int swp_parse_ike_sa(const struct vici_msg *msg, size_t s,
			   struct model *m, struct ike_sa *ike,
			   struct ikw_err *err)
{
	const char *w;
	uint32_t v = 0, port;

	ike->conn = w = swp_name(&msg->elems[s], m);
	ike->state = ike_state_parse(swp_value(msg, s, "state", m));
	ike->local_host = swp_value(msg, s, "local-host", m);
	ike->remote_host = swp_value(msg, s, "remote-host", m);
	ike->local_id = swp_value(msg, s, "local-id", m);
	ike->remote_id = swp_value(msg, s, "remote-id", m);
	ike->initiator_spi = swp_value(msg, s, "initiator-spi", m);
	ike->responder_spi = swp_value(msg, s, "responder-spi", m);
	ike->initiator = vici_get_yes(msg, s, "initiator");
	ike->nat_local = vici_get_yes(msg, s, "nat-local");
	ike->nat_remote = vici_get_yes(msg, s, "nat-remote");
	ike->nat_fake = vici_get_yes(msg, s, "nat-fake");
	ike->nat_any = vici_get_yes(msg, s, "nat-any");
	ike->encr_alg = swp_value(msg, s, "encr-alg", m);
	ike->integ_alg = swp_value(msg, s, "integ-alg", m);
	ike->prf_alg = swp_value(msg, s, "prf-alg", m);
	ike->dh_group = swp_value(msg, s, "dh-group", m);
	ike->tasks_active = swp_list(msg, s, "tasks-active", m);
	ike->tasks_queued = swp_list(msg, s, "tasks-queued", m);
	ike->remote_vips = swp_list(msg, s, "remote-vips", m);
	if (swp_u32(msg, s, "uniqueid", &ike->uniqueid, w, err) ||
	    swp_u32(msg, s, "version", &v, w, err) ||
	    swp_u32(msg, s, "encr-keysize", &ike->encr_keysize, w, err) ||
	    swp_u32(msg, s, "integ-keysize", &ike->integ_keysize, w, err) ||
	    swp_secs(msg, s, "established", &ike->established_for, w, err) ||
	    swp_countdown(msg, s, "rekey-time", &ike->rekey_in, w, err) ||
	    swp_countdown(msg, s, "reauth-time", &ike->reauth_in, w, err))
		return -EBADMSG;
	ike->version = v;
	port = 0;
	if (swp_u32(msg, s, "local-port", &port, w, err) || port > 65535)
		return err_set(err, -EBADMSG, "%s: bad local-port", w);
	ike->local_port = (uint16_t)port;
	port = 0;
	if (swp_u32(msg, s, "remote-port", &port, w, err) || port > 65535)
		return err_set(err, -EBADMSG, "%s: bad remote-port", w);
	ike->remote_port = (uint16_t)port;
	return swp_parse_children(msg, s, m, ike, err);
}

int strongswan_parse_sa(const struct vici_msg *msg, struct model *m,
		struct ikw_err *err)
{
	size_t i;

	for (i = vici_first(msg, VICI_ROOT); i < vici_stop(msg, VICI_ROOT);
	     i = vici_next(msg, i)) {
		struct ike_sa *ike;

		if (msg->elems[i].type != VICI_SECTION_START)
			continue;
		ike = model_add_ike_sa(m);
		if (!ike)
			return err_set(err, -ENOMEM, "out of memory");
		if (swp_parse_ike_sa(msg, i, m, ike, err)) {
			m->nike--;
			return err_prefix(err, -EBADMSG, "list-sa");
		}
	}
	return m->arena.failed ? err_set(err, -ENOMEM, "out of memory") : 0;
}

int strongswan_parse_counters(const struct vici_msg *msg, struct model *m,
		      struct ikw_err *err)
{
	size_t c = vici_find(msg, VICI_ROOT, "counters"), sec, i, n = 0;
	struct daemon_info *d = &m->daemon;

	if (c == SIZE_MAX || msg->elems[c].type != VICI_SECTION_START)
		return err_set(err, -EBADMSG, "get-counters: no 'counters' section");
	/* global counters come as the only subsection (charon names it "") */
	sec = vici_first(msg, c);
	if (sec >= vici_stop(msg, c) || msg->elems[sec].type != VICI_SECTION_START)
		return err_set(err, -EBADMSG, "get-counters: no counter set");
	for (i = vici_first(msg, sec); i < vici_stop(msg, sec); i = vici_next(msg, i))
		n++;
	d->counter_names = arena_alloc(&m->arena, (n ? n : 1) * sizeof(char *));
	d->counter_values = arena_alloc(&m->arena, (n ? n : 1) * sizeof(uint64_t));
	if (!d->counter_names || !d->counter_values)
		return err_set(err, -ENOMEM, "out of memory");
	for (i = vici_first(msg, sec); i < vici_stop(msg, sec); i = vici_next(msg, i)) {
		const struct vici_elem *e = &msg->elems[i];

		if (e->type != VICI_KEY_VALUE)
			continue;
		if (num_parse_u64((const char *)e->value, e->value_len, UINT64_MAX,
				  &d->counter_values[d->ncounters]))
			return err_set(err, -EBADMSG,
				       "get-counters: counter '%.*s' is not a number",
				       (int)e->name_len, e->name);
		d->counter_names[d->ncounters++] = swp_name(e, m);
	}
	d->have_counters = true;
	return 0;
}
