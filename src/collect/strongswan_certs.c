#include "collect/strongswan_certs.h"

#include <errno.h>
#include <stdatomic.h>

#include "collect/strongswan_certs_parse.h"
#include "common/log.h"

struct swcert_ctx {
	struct model *m;
	size_t skipped;
	struct ikw_err err;
};

/* warn when list-certs starts failing, not at every scrape */
static atomic_bool swcert_failing;

static int swcert_on_cert(void *ctx, const struct vici_msg *msg)
{
	struct swcert_ctx *c = ctx;
	struct ikw_err err = { "" };
	int r = strongswan_certs_parse_cert(msg, &c->m->arena, &c->m->certs, &err);

	if (r == -ENOMEM)
		return err_set(&c->err, r, "out of memory");
	if (r) {   /* one unreadable certificate: the others still count */
		if (!c->skipped++)
			log_debug("vici: certificate skipped: %s", err.msg);
	}
	return 0;
}

void strongswan_certs_collect(struct vici_conn **conn, struct model *scratch,
			      const struct deadline *dl)
{
	struct swcert_ctx c = { scratch, 0, { "" } };
	struct cert_store *cs = &scratch->certs;
	struct vici_builder req;
	int r;

	if (!cs->have_refs || !cs->nrefs || !*conn)
		return;
	vici_builder_init(&req);
	vici_add_kv_str(&req, "type", "X509");
	r = vici_builder_finish(&req, &c.err);
	if (!r)
		r = vici_call(*conn, "list-certs", &req, "list-cert", swcert_on_cert,
			      &c, NULL, dl, &c.err);
	vici_builder_release(&req);
	if (!r) {
		cs->have_held = true;
		if (conn_certs_join(cs, &scratch->arena))
			r = err_set(&c.err, -ENOMEM, "out of memory");
	}
	if (!r) {
		if (atomic_exchange(&swcert_failing, false))
			log_info("vici: list-certs answers again");
		return;
	}
	cs->have_held = false;
	cs->ncerts = 0;
	if (!atomic_exchange(&swcert_failing, true))
		log_warn("vici: certificates unknown: %s", c.err.msg);
	if (r != -ENOTSUP) {
		vici_close(*conn);
		*conn = NULL;
	}
}
