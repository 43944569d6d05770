#include "model/overdue.h"

#include <string.h>

#include "model/events.h"
#include "model/model.h"

bool overdue_rekey(int64_t margin, int64_t rekey_in, int64_t age,
		   uint64_t cfg_rekey, int64_t *late)
{
	if (rekey_in != TIME_NONE && rekey_in < -margin) {
		if (late)
			*late = -rekey_in;
		return true;
	}
	if (cfg_rekey && age != TIME_NONE && age > (int64_t)cfg_rekey + margin) {
		if (late)
			*late = age - (int64_t)cfg_rekey;
		return true;
	}
	return false;
}

void overdue_seen_release(struct overdue_seen *o)
{
	hmap_release(&o->sas);
}

/* Whether the SA (kind 'i' or 'c', id) is overdue for the first time:
 * remembered in next either way. */
static bool overdue_new(const struct overdue_seen *o, struct hmap *next,
			char kind, uint32_t id)
{
	char key[1 + sizeof(id)];

	key[0] = kind;
	memcpy(key + 1, &id, sizeof(id));
	hmap_put(next, key, sizeof(key), (void *)1);
	return !hmap_get(&o->sas, key, sizeof(key));
}

static void overdue_emit(struct event_store *s, const struct ike_sa *ike,
			 const char *conn, const char *child,
			 const struct child_sa *csa, int64_t late)
{
	struct event_record r = {
		.kind = ER_REKEY_OVERDUE, .conn = conn, .child = child,
		.sa = child ? "child" : "ike", .late_seconds = late,
		.peers_redacted = true,
	};

	if (ike) {
		r.ike_id = ike->uniqueid;
		r.local_addr = ike->local_host;
		r.remote_addr = ike->remote_host;
		r.local_id = ike->local_id;
		r.remote_id = ike->remote_id;
	}
	if (csa) {
		r.child_id = csa->uniqueid;
		r.spi_in = csa->spi_in;
		r.spi_out = csa->spi_out;
	} else if (ike) {
		r.ike_spi_i = ike->initiator_spi;
		r.ike_spi_r = ike->responder_spi;
	}
	event_store_emit(s, &r);
}

static void overdue_children(struct overdue_seen *o, struct hmap *next,
			     const struct model *m, const struct conn_view *v,
			     struct event_store *s)
{
	size_t i;
	int64_t late = -1;

	for (i = 0; i < v->nchildren; i++) {
		const struct child_view *ch = &v->children[i];
		const struct child_sa *c = ch->newest;

		if (c && overdue_rekey(m->rekey_overdue_margin, c->rekey_in, c->installed_for,
				       ch->cfg ? ch->cfg->rekey_time : 0, &late) &&
		    overdue_new(o, next, 'c', c->uniqueid))
			overdue_emit(s, v->newest, v->name, ch->name, c, late);
	}
}

void overdue_scan(struct overdue_seen *o, const struct model *m,
		  struct event_store *s)
{
	struct hmap next = HMAP_INIT;
	size_t i;
	int64_t late = -1;

	for (i = 0; i < m->nviews; i++) {
		const struct conn_view *v = &m->views[i];
		const struct ike_sa *ike = v->newest;

		if (ike && overdue_rekey(m->rekey_overdue_margin, ike->rekey_in, ike->established_for,
				  v->cfg ? v->cfg->rekey_time : 0, &late) &&
		    overdue_new(o, &next, 'i', ike->uniqueid))
			overdue_emit(s, ike, v->name, NULL, NULL, late);
		overdue_children(o, &next, m, v, s);
	}
	hmap_release(&o->sas);
	o->sas = next;
}
