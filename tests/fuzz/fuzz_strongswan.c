/* libFuzzer target: the strongSwan translation of any decodable VICI message
 * (list-sa, list-conn, stats, version, get-counters, list-policy, and the
 * alert event) into the model and the event store, then the views and the
 * exposition built from it.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c17 -D_GNU_SOURCE \
 *     -Isrc -DIKW_VERSION='"fuzz"' -DIKW_REVISION='"fuzz"' \
 *     tests/fuzz/fuzz_strongswan.c $(find src -name '*.c' ! -name main.c) $(pkg-config --cflags --libs \
 *     libmicrohttpd yaml-0.1 zlib libsystemd gnutls) -lcrypt -lpthread -o build/fuzz_strongswan
 *   build/fuzz_strongswan -max_total_time=300 tests/fuzz/corpus/strongswan
 */
#include <stdint.h>
#include <stdlib.h>

#include "collect/strongswan_parse.h"
#include "collect/strongswan_policy.h"
#include "collect/vici_alert.h"
#include "metrics/render.h"
#include "model/view.h"
#include "vici/vici_control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_alert(const struct vici_msg *msg)
{
	struct event_store *s = event_store_new(16);
	struct alert_filter f;

	if (!s)
		abort();
	alert_filter_init(&f);
	vici_alert_apply(s, &f, msg, 1, NULL);
	vici_alert_apply(s, &f, msg, 2, NULL);
	event_store_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vici_msg msg = VICI_MSG_INIT;
	struct ledger l = LEDGER_INIT;
	struct conn_cfg *conns = NULL;
	size_t n = 0, alloc = 0, i;
	struct render_opts o = { .peer_labels = true };
	struct strbuf sb = STRBUF_INIT;
	struct model *m;
	struct render *r;

	if (vici_msg_decode(data, size, &msg, NULL))
		return 0;
	m = model_new();
	if (!m)
		abort();
	strongswan_parse_version(&msg, m, NULL);
	strongswan_parse_stats(&msg, m, NULL);
	strongswan_parse_counters(&msg, m, NULL);
	vici_check_success(&msg, "x", NULL);
	strongswan_parse_sa(&msg, m, NULL);
	if (!strongswan_parse_conn(&msg, m, &conns, &n, &alloc, NULL) && n) {
		m->conns = arena_alloc(&m->arena, n * sizeof(*conns));
		for (i = 0; m->conns && i < n; i++)
			m->conns[i] = conns[i];
		m->nconns = m->conns ? 1 : 0;  /* one name: no sorting needed */
		if (m->conns)
			strongswan_parse_policy(&msg, m->conns, 1);
	}
	free(conns);
	fuzz_alert(&msg);
	ledger_update(&l, m, true);
	model_build_views(m, NULL, &l);
	m->have_sas = true;
	r = render_new(m, EXPO_OPENMETRICS, &o);
	while (r && render_next(r, &sb) > 0)
		strbuf_reset(&sb);
	render_free(r);
	strbuf_release(&sb);
	ledger_release(&l);
	model_unref(m);
	vici_msg_release(&msg);
	return 0;
}
