#include "logs/log_pluto_sa.h"

#include <stdio.h>
#include <string.h>

void log_pluto_sas_init(struct log_pluto_sas *m)
{
	memset(m, 0, sizeof(*m));
}

/* The slot of serial if it holds that serial, else NULL. */
static struct log_pluto_slot *log_pluto_find(struct log_pluto_sas *m, uint32_t serial)
{
	unsigned i = serial % LOG_PLUTO_SLOTS;

	return serial && m->slot[i].serial == serial ? &m->slot[i] : NULL;
}

/* An SA that came up: its SPIs (CHILD SAs), not replaced. */
static void log_pluto_remember(struct log_pluto_sas *m, uint32_t serial,
			       const struct pluto_sa_event *sa)
{
	unsigned i = serial % LOG_PLUTO_SLOTS;

	m->slot[i].serial = serial;
	m->slot[i].replaced = false;
	snprintf(m->slot[i].spi_in, sizeof(m->slot[i].spi_in), "%s", sa->spi_in);
	snprintf(m->slot[i].spi_out, sizeof(m->slot[i].spi_out), "%s", sa->spi_out);
}

static void log_pluto_replaced(struct log_pluto_sas *m, uint32_t old)
{
	unsigned i = old % LOG_PLUTO_SLOTS;

	if (!old)
		return;
	if (m->slot[i].serial != old) {   /* came up before we followed */
		memset(&m->slot[i], 0, sizeof(m->slot[i]));
		m->slot[i].serial = old;
	}
	m->slot[i].replaced = true;
}

/* Forgets serial; returns whether a rekey had replaced it. */
static bool log_pluto_gone(struct log_pluto_sas *m, uint32_t serial, char *spi_in,
			   char *spi_out)
{
	struct log_pluto_slot *s = log_pluto_find(m, serial);
	bool replaced = s && s->replaced;

	spi_in[0] = spi_out[0] = '\0';
	if (s) {
		memcpy(spi_in, s->spi_in, sizeof(s->spi_in));
		memcpy(spi_out, s->spi_out, sizeof(s->spi_out));
		memset(s, 0, sizeof(*s));
	}
	return replaced;
}

static void log_pluto_final(struct event_store *store, const struct log_event *ev,
			    const struct pluto_sa_event *sa, const char *spi_in,
			    const char *spi_out)
{
	struct sa_final f;

	memset(&f, 0, sizeof(f));
	snprintf(f.conn, sizeof(f.conn), "%s", ev->conn);
	snprintf(f.child, sizeof(f.child), "%s", ev->conn);
	f.uniqueid = ev->sa_id;
	snprintf(f.spi_in, sizeof(f.spi_in), "%s", spi_in);
	snprintf(f.spi_out, sizeof(f.spi_out), "%s", spi_out);
	/* pluto counts no packets: 0, which the ledger's maximum ignores */
	f.totals.bytes_in = sa->bytes_in;
	f.totals.bytes_out = sa->bytes_out;
	event_store_final(store, &f);
}

static void log_pluto_count(struct event_store *store, enum event_kind k,
			    const char *label, double ts)
{
	bool child = k == EV_CHILD_UP || k == EV_CHILD_DOWN || k == EV_CHILD_REKEY;

	if (store)
		event_store_count(store, k, label, child ? label : NULL, ts);
}

void log_pluto_sas_apply(struct log_pluto_sas *m, struct event_store *store,
			 const char *label, const struct log_event *ev,
			 const struct pluto_sa_event *sa, double ts)
{
	char spi_in[9], spi_out[9];

	if (sa->kind == PLUTO_SA_NONE || !ev->conn[0] || !ev->sa_id)
		return;
	switch (sa->kind) {
	case PLUTO_IKE_UP:
		log_pluto_remember(m, ev->sa_id, sa);
		log_pluto_count(store, EV_IKE_UP, label, ts);
		break;
	case PLUTO_IKE_REKEY:
		log_pluto_replaced(m, sa->old_serial);
		log_pluto_remember(m, ev->sa_id, sa);
		log_pluto_count(store, EV_IKE_REKEY, label, ts);
		break;
	case PLUTO_IKE_DOWN:
		if (!log_pluto_gone(m, ev->sa_id, spi_in, spi_out))
			log_pluto_count(store, EV_IKE_DOWN, label, ts);
		break;
	case PLUTO_CHILD_UP:
		log_pluto_remember(m, ev->sa_id, sa);
		log_pluto_count(store, EV_CHILD_UP, label, ts);
		break;
	case PLUTO_CHILD_REKEY:
		log_pluto_replaced(m, sa->old_serial);
		log_pluto_remember(m, ev->sa_id, sa);
		log_pluto_count(store, EV_CHILD_REKEY, label, ts);
		break;
	case PLUTO_CHILD_TRAFFIC:
		if (!log_pluto_gone(m, ev->sa_id, spi_in, spi_out))
			log_pluto_count(store, EV_CHILD_DOWN, label, ts);
		if (store)
			log_pluto_final(store, ev, sa, spi_in, spi_out);
		break;
	case PLUTO_SA_NONE:
		break;
	}
}
