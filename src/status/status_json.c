#include "status/status_json.h"

#include "common/json_out.h"
#include "status/status_log_json.h"
#include "status/status_ra.h"

static void sj_secs(struct json_out *j, const char *key, int64_t s)
{
	if (s == TIME_NONE)
		json_null(j, key);
	else
		json_i64(j, key, s);
}

static void sj_algs(struct json_out *j, const char *encr, uint32_t keysize,
		    const char *integ, const char *prf, const char *dh)
{
	json_str(j, "encr_alg", encr);
	json_u64(j, "encr_keysize", keysize);
	json_str(j, "integ_alg", integ);
	if (prf)
		json_str(j, "prf_alg", prf);
	json_str(j, "dh_group", dh);
}

/* packets is NULL when the daemon counts none (pluto): null, not 0 */
static void sj_dir(struct json_out *j, const char *key, const char *spi,
		   const char *cpi, uint64_t bytes, const uint64_t *packets,
		   int64_t idle)
{
	json_obj_begin(j, key);
	json_str(j, "spi", spi);
	json_str(j, "cpi", cpi[0] ? cpi : NULL);
	json_u64(j, "bytes", bytes);
	if (packets)
		json_u64(j, "packets", *packets);
	else
		json_null(j, "packets");
	sj_secs(j, "idle_seconds", idle);
}

static void sj_child(struct json_out *j, const struct status_child *sc)
{
	const struct child_sa *c = sc->sa;

	json_obj_begin(j, NULL);
	json_str(j, "name", c->name);
	json_u64(j, "uniqueid", c->uniqueid);
	json_u64(j, "reqid", c->reqid);
	json_str(j, "state", child_state_names[c->state]);
	json_bool(j, "old", sc->old);
	json_str(j, "mode", c->mode);
	json_str(j, "protocol", c->protocol);
	json_bool(j, "encap", c->encap);
	sj_algs(j, c->encr_alg, c->encr_keysize, c->integ_alg, NULL, c->dh_group);
	sj_secs(j, "installed_seconds", c->installed_for);
	sj_secs(j, "rekey_in_seconds", c->rekey_in);
	sj_secs(j, "expire_in_seconds", c->life_in);
	json_str(j, "local_ts", c->local_ts);
	json_str(j, "remote_ts", c->remote_ts);
	sj_dir(j, "in", c->spi_in, c->cpi_in, c->bytes_in,
	       sc->no_packets ? NULL : &c->packets_in, c->use_in);
	if (sc->have_kernel)
		json_u64(j, "kernel_errors", sc->kernel_errors);
	else
		json_null(j, "kernel_errors");
	json_obj_end(j);
	sj_dir(j, "out", c->spi_out, c->cpi_out, c->bytes_out,
	       sc->no_packets ? NULL : &c->packets_out, c->use_out);
	json_obj_end(j);
	json_obj_end(j);
}

/* The exchange charon's tasks are in (CREATE_CHILD_SA for a CHILD SA
 * being negotiated over an established IKE SA), or null. */
static void sj_exchange(struct json_out *j, const struct ike_sa *s)
{
	bool queued;
	enum ike_exchange x = negotiation_exchange(s->tasks_active, s->tasks_queued, &queued);

	json_str(j, "exchange", x ? ike_exchange_names[x] : NULL);
	json_bool(j, "exchange_queued", queued);
}

static void sj_ike(struct json_out *j, const struct status_ike *si)
{
	const struct ike_sa *s = si->sa;
	size_t i;

	json_obj_begin(j, NULL);
	json_u64(j, "uniqueid", s->uniqueid);
	json_u64(j, "version", s->version);
	json_str(j, "state", ike_state_names[s->state]);
	json_str(j, "tasks_active", s->tasks_active && s->tasks_active[0] ? s->tasks_active : NULL);
	json_str(j, "tasks_queued", s->tasks_queued && s->tasks_queued[0] ? s->tasks_queued : NULL);
	sj_exchange(j, s);
	json_bool(j, "old", si->old);
	json_str(j, "local_host", s->local_host);
	json_u64(j, "local_port", s->local_port);
	json_str(j, "remote_host", s->remote_host);
	json_u64(j, "remote_port", s->remote_port);
	json_str(j, "local_id", s->local_id);
	json_str(j, "remote_id", s->remote_id);
	json_str(j, "initiator_spi", s->initiator_spi);
	json_str(j, "responder_spi", s->responder_spi);
	json_str(j, "role", ike_sa_role(s));
	json_str(j, "nat", status_nat(s));
	sj_algs(j, s->encr_alg, s->encr_keysize, s->integ_alg, s->prf_alg, s->dh_group);
	sj_secs(j, "established_seconds", s->established_for);
	sj_secs(j, "rekey_in_seconds", s->rekey_in);
	sj_secs(j, "reauth_in_seconds", s->reauth_in);
	if (si->children_life >= 0)
		json_i64(j, "child_sas_negotiated", si->children_life);
	else
		json_null(j, "child_sas_negotiated");
	json_arr_begin(j, "child_sas");
	for (i = 0; i < si->nchildren; i++)
		sj_child(j, &si->children[i]);
	json_arr_end(j);
	json_obj_end(j);
}

/* The probes that make the conn probe_failing. */
static void sj_failing(struct json_out *j, const struct status_conn *sc)
{
	char why[128];
	size_t i;

	json_arr_begin(j, "probes_failing");
	for (i = 0; i < sc->nfailing; i++) {
		const struct probe_view *p = sc->failing[i];

		status_probe_reason(why, sizeof(why), p);
		json_obj_begin(j, NULL);
		json_str(j, "probe", p->name);
		json_str(j, "child", p->child);
		json_str(j, "type", probe_type_names[p->type]);
		json_str(j, "fail", probe_fail_names[p->fail < PROBE_FAIL_COUNT ? p->fail :
						     PROBE_FAIL_ERROR]);
		json_str(j, "reason", why);
		json_u64(j, "consecutive_failures", p->consecutive_failures);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void sj_conn(struct json_out *j, const struct status_conn *sc)
{
	size_t i;

	json_obj_begin(j, NULL);
	json_str(j, "name", sc->name);
	json_str(j, "attention", status_attention_names[sc->attention]);
	json_str(j, "reason", sc->reason);
	json_bool(j, "expected_up", sc->expected_up);
	json_bool(j, "up", sc->up);
	json_bool(j, "configured", sc->view && sc->view->cfg);
	json_arr_begin(j, "children_missing");
	for (i = 0; i < sc->nmissing; i++)
		json_str(j, NULL, sc->missing[i]);
	json_arr_end(j);
	sj_failing(j, sc);
	status_log_json_conn(j, sc);
	status_ra_json(j, sc);
	json_arr_begin(j, "ike_sas");
	for (i = 0; i < sc->nikes; i++)
		sj_ike(j, &sc->ikes[i]);
	json_arr_end(j);
	json_obj_end(j);
}

void status_json(const struct status_view *v, struct strbuf *out)
{
	struct json_out j;
	size_t i;

	json_init(&j, out);
	json_obj_begin(&j, NULL);
	json_u64(&j, "collected_at", (uint64_t)v->at);
	json_bool(&j, "ok", v->ok);
	json_str(&j, "error", v->ok ? NULL : v->error);
	json_obj_begin(&j, "counts");
	for (i = 0; i < ST_ATTENTION_COUNT; i++)
		json_u64(&j, status_attention_names[i], v->counts[i]);
	json_obj_end(&j);
	json_u64(&j, "ike_sas", v->nike);
	json_u64(&j, "child_sas", v->nchild);
	json_arr_begin(&j, "connections");
	for (i = 0; i < v->nconns; i++)
		sj_conn(&j, &v->conns[i]);
	json_arr_end(&j);
	json_obj_end(&j);
	strbuf_addch(out, '\n');
}
