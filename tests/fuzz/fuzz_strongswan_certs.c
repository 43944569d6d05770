/* libFuzzer target: the certificate side of the strongSwan translation.  A
 * decodable VICI message goes through the list-cert and the list-conn auth
 * parsers, twice (so the join sees refs and held certificates), then the
 * join and the exposition; any input also goes to the DER reader directly.
 *
 *   scripts/fuzz.sh strongswan_certs 600
 * Seeds: tests/fuzz/corpus/strongswan_certs (list-cert and list-conn events
 * captured from charon 5.9.8 in the lab's certificate tunnel, and the DER of
 * their certificates). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/strongswan_certs_parse.h"
#include "metrics/render.h"
#include "model/view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_render(struct model *m)
{
	struct render_opts o = { .peer_labels = true };
	struct strbuf sb = STRBUF_INIT;
	struct ledger l = LEDGER_INIT;
	struct conn_cfg cfg = { .name = "cert1", .version = "IKEv2",
				.local_addrs = "", .remote_addrs = "" };
	struct render *r;

	m->conns = &cfg;
	m->nconns = 1;
	m->have_sas = true;
	model_build_views(m, NULL, &l);
	r = render_new(m, EXPO_OPENMETRICS, &o);
	while (r && render_next(r, &sb) > 0)
		strbuf_reset(&sb);
	render_free(r);
	strbuf_release(&sb);
	ledger_release(&l);
	m->conns = NULL;
	m->nconns = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vici_msg msg = VICI_MSG_INIT;
	struct held_cert h = { 0 };
	struct model *m = model_new();
	size_t i, n;

	if (!m)
		abort();
	strongswan_certs_parse_der(data, size, &m->arena, &h, NULL);
	if (!vici_msg_decode(data, size, &msg, NULL)) {
		strongswan_certs_parse_auth(&msg, &m->arena, &m->certs, NULL);
		strongswan_certs_parse_cert(&msg, &m->arena, &m->certs, NULL);
		/* a held certificate for every subject named, so the join matches */
		for (i = 0, n = m->certs.nrefs; i < n; i++) {
			struct held_cert *x = cert_store_add_held(&m->certs, &m->arena);

			if (!x)
				break;
			x->subject = m->certs.refs[i].subject;
			x->not_after = (int64_t)i;
			m->certs.refs[i].conn = (i & 1) ? "cert1" : m->certs.refs[i].conn;
		}
		m->certs.have_held = true;
		conn_certs_join(&m->certs, &m->arena);
		fuzz_render(m);
	}
	model_unref(m);
	vici_msg_release(&msg);
	return 0;
}
