#include "common/json_out.h"
#include "model/ra_view.h"
#include "status/status_ra.h"

static void ra_json_pools(struct json_out *j, const struct ra_view *ra)
{
	size_t i;

	json_arr_begin(j, "pools");
	for (i = 0; i < ra->npools; i++) {
		const struct va_pool *p = ra->pools[i];

		json_obj_begin(j, NULL);
		json_str(j, "name", p->name);
		json_str(j, "base", p->base);
		json_str(j, "last", p->last);
		json_u64(j, "size", p->size);
		json_u64(j, "online", p->online);
		json_u64(j, "offline", p->offline);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void ra_json_session(struct json_out *j, const struct status_ike *si)
{
	struct status_session ss;

	status_session_of(si->sa, &ss);
	json_obj_begin(j, NULL);
	json_u64(j, "ike_id", ss.sa->uniqueid);
	json_str(j, "identity", ss.sa->remote_id);
	json_str(j, "state", ss.state);
	json_bool(j, "session", ss.session);
	json_str(j, "remote_host", ss.sa->remote_host);
	json_u64(j, "remote_port", ss.sa->remote_port);
	json_str(j, "virtual_ips", ss.vips);
	json_str(j, "pool", ss.sa->pool);
	if (ss.sa->established_for == TIME_NONE)
		json_null(j, "established_seconds");
	else
		json_i64(j, "established_seconds", ss.sa->established_for);
	json_u64(j, "bytes_in", ss.bytes_in);
	json_u64(j, "bytes_out", ss.bytes_out);
	json_obj_end(j);
}

void status_ra_json(struct json_out *j, const struct status_conn *sc)
{
	const struct ra_view *ra = sc->view ? sc->view->ra : NULL;
	size_t i;

	if (!ra) {
		json_null(j, "remote_access");
		return;
	}
	json_obj_begin(j, "remote_access");
	json_u64(j, "sessions", ra->nsessions);
	ra_json_pools(j, ra);
	json_arr_begin(j, "session_list");
	for (i = 0; i < sc->nikes; i++)
		ra_json_session(j, &sc->ikes[i]);
	json_arr_end(j);
	json_obj_end(j);
}
