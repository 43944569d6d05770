/* Certificates of connections: list-cert events and list-conn auth sections
 * captured from a real charon 5.9.8 (the lab's certificate tunnel cert1,
 * tests/fixtures/vici/certs), their join, the DN formatting against what
 * charon printed for an unusual subject, and built messages for the cases a
 * lab does not produce.  Expected notAfter values are what
 * `openssl x509 -enddate` printed for the same certificates. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/strongswan_certs_parse.h"
#include "metrics/render.h"
#include "model/redact.h"
#include "model/view.h"
#include "testlib.h"

#define CA_NOT_AFTER 1805135435     /* Mar 15 18:30:35 2027 GMT */
#define HUB_NOT_AFTER 1797359435    /* Dec 15 18:30:35 2026 GMT */
#define PEER_NOT_AFTER 1798223435   /* Dec 25 18:30:35 2026 GMT */
#define WEIRD_NOT_AFTER 1799087679  /* Jan  4 18:34:39 2027 GMT */

#define HUB_DN "C=CH, O=ikewatch lab, OU=hub, CN=hub.ikwlab.test"
#define PEER_DN "C=CH, O=ikewatch lab, CN=peer1.ikwlab.test, E=peer1@ikwlab.test"
#define CA_DN "C=CH, O=ikewatch lab, CN=ikwlab Root CA"

static int decode_fixture(const char *name, struct vici_msg *msg)
{
	char rel[256];
	size_t len;
	uint8_t *buf;

	snprintf(rel, sizeof(rel), "vici/certs/%s", name);
	buf = testlib_read_fixture(rel, &len);
	msg->owned = buf;
	return vici_msg_decode(buf, len, msg, NULL);
}

/* Parses the fixtures of one charon (hub or p1) into m->certs. */
static void load_side(struct model *m, const char *who)
{
	struct ikw_err err = { "" };
	char name[64];
	int i;

	for (i = 1; i <= 3; i++) {
		struct vici_msg msg = VICI_MSG_INIT;

		snprintf(name, sizeof(name), "%s-list-cert-%d.bin", who, i);
		CHECK_INT(decode_fixture(name, &msg), 0);
		CHECK_INT(strongswan_certs_parse_cert(&msg, &m->arena, &m->certs, &err), 0);
		vici_msg_release(&msg);
	}
	{
		struct vici_msg msg = VICI_MSG_INIT;

		snprintf(name, sizeof(name), "%s-list-conn-3.bin", who);
		CHECK_INT(decode_fixture(name, &msg), 0);
		CHECK_INT(strongswan_certs_parse_auth(&msg, &m->arena, &m->certs, &err), 0);
		vici_msg_release(&msg);
	}
	m->certs.have_held = true;
	CHECK_INT(conn_certs_join(&m->certs, &m->arena), 0);
}

static const struct held_cert *find_held(const struct model *m, const char *dn)
{
	size_t i;

	for (i = 0; i < m->certs.nheld; i++)
		if (!strcmp(m->certs.held[i].subject, dn))
			return &m->certs.held[i];
	return NULL;
}

static void test_real_held_certs(void)
{
	struct model *m = model_new();
	const struct held_cert *h;

	load_side(m, "hub");
	CHECK_INT(m->certs.nheld, 3);
	h = find_held(m, HUB_DN);
	CHECK(h && h->not_after == HUB_NOT_AFTER && !h->ca && h->has_privkey);
	h = find_held(m, PEER_DN);
	CHECK(h && h->not_after == PEER_NOT_AFTER && !h->ca && !h->has_privkey);
	h = find_held(m, CA_DN);
	CHECK(h && h->not_after == CA_NOT_AFTER && h->ca);
	CHECK(h && h->subject_alt == NULL);
	model_unref(m);
}

static void test_real_auth_refs(void)
{
	struct model *m = model_new();
	const struct cert_ref *r;

	load_side(m, "hub");
	CHECK(m->certs.have_refs);
	CHECK_INT(m->certs.nrefs, 2);
	r = &m->certs.refs[0];
	CHECK_STR(r->conn, "cert1");
	CHECK_INT(r->side, CERT_SIDE_LOCAL);
	CHECK_INT(r->kind, CERT_KIND_END);
	CHECK_STR(r->subject, HUB_DN);
	r = &m->certs.refs[1];
	CHECK_INT(r->side, CERT_SIDE_REMOTE);
	CHECK_INT(r->kind, CERT_KIND_CA);
	CHECK_STR(r->subject, CA_DN);
	model_unref(m);
}

static void test_real_join_both_charons(void)
{
	struct model *hub = model_new(), *p1 = model_new();
	const struct conn_cert *c;
	size_t n;

	load_side(hub, "hub");
	c = conn_certs_of(&hub->certs, "cert1", &n);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK(c[0].side == CERT_SIDE_LOCAL && c[0].kind == CERT_KIND_END);
		CHECK_INT(c[0].not_after, HUB_NOT_AFTER);
		CHECK_STR(c[0].subject, HUB_DN);
		CHECK(c[1].side == CERT_SIDE_REMOTE && c[1].kind == CERT_KIND_CA);
		CHECK_INT(c[1].not_after, CA_NOT_AFTER);
	}
	/* p1 pins the hub's certificate: remote end, and no CA entry */
	load_side(p1, "p1");
	c = conn_certs_of(&p1->certs, "cert1", &n);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK(c[0].side == CERT_SIDE_LOCAL && c[0].kind == CERT_KIND_END);
		CHECK_INT(c[0].not_after, PEER_NOT_AFTER);
		CHECK(c[1].side == CERT_SIDE_REMOTE && c[1].kind == CERT_KIND_END);
		CHECK_INT(c[1].not_after, HUB_NOT_AFTER);
		CHECK_STR(c[1].subject, HUB_DN);
	}
	CHECK(conn_certs_of(&p1->certs, "tun1", &n) == NULL && n == 0);
	model_unref(hub);
	model_unref(p1);
}

/* An unusual subject (multi-valued RDN, two DCs, UTF-8, street, title,
 * organizationIdentifier, a comma and two spaces in O) against what charon
 * 5.9.8 and charon 6.0.6 printed for it in list-conns. */
static void test_dn_format_matches_charon(void)
{
	struct model *m = model_new();
	struct vici_msg msg = VICI_MSG_INIT;
	struct ikw_err err = { "" };
	struct held_cert h = { 0 };
	const struct cert_ref *r = NULL;
	size_t len, i;
	uint8_t *der = testlib_read_fixture("vici/certs/weird.der", &len);

	CHECK_INT(strongswan_certs_parse_der(der, len, &m->arena, &h, &err), 0);
	CHECK_INT(h.not_after, WEIRD_NOT_AFTER);
	/* charon 6 knows organizationIdentifier, 5.9 prints it in hex */
	CHECK_STR(h.subject, "DC=test, DC=ikwlab, C=CH, ST=Z??rich, L=Zurich, "
		  "STREET=Main St 1, O=ikewatch lab, Inc., OU=net, OU=ops, T=gw, "
		  "serialNumber=1234, organizationIdentifier=VATCH-123, UID=u1, "
		  "CN=weird.ikwlab.test, E=w@ikwlab.test");
	CHECK_STR(h.subject_alt, "DC=test, DC=ikwlab, C=CH, ST=Z??rich, L=Zurich, "
		  "STREET=Main St 1, O=ikewatch lab, Inc., OU=net, OU=ops, T=gw, "
		  "serialNumber=1234, 55:04:61=VATCH-123, UID=u1, "
		  "CN=weird.ikwlab.test, E=w@ikwlab.test");
	CHECK_INT(decode_fixture("hub-list-conn-weird.bin", &msg), 0);
	CHECK_INT(strongswan_certs_parse_auth(&msg, &m->arena, &m->certs, &err), 0);
	for (i = 0; i < m->certs.nrefs; i++)
		if (!strcmp(m->certs.refs[i].conn, "weird"))
			r = &m->certs.refs[i];
	CHECK(r != NULL);
	if (r) {
		CHECK(!conn_certs_subject_matches(r, h.subject));
		CHECK(conn_certs_subject_matches(r, h.subject_alt));
	}
	vici_msg_release(&msg);
	/* charon 6.0.6 printed the same certificate with the name */
	memset(&m->certs, 0, sizeof(m->certs));
	r = NULL;
	CHECK_INT(decode_fixture("c6-hub-list-conn-weird.bin", &msg), 0);
	CHECK_INT(strongswan_certs_parse_auth(&msg, &m->arena, &m->certs, &err), 0);
	for (i = 0; i < m->certs.nrefs; i++)
		if (!strcmp(m->certs.refs[i].conn, "weird"))
			r = &m->certs.refs[i];
	CHECK(r != NULL);
	if (r) {
		CHECK(conn_certs_subject_matches(r, h.subject));
		CHECK(!conn_certs_subject_matches(r, h.subject_alt));
	}
	free(der);
	vici_msg_release(&msg);
	model_unref(m);
}

static void test_der_rejected(void)
{
	struct model *m = model_new();
	struct ikw_err err = { "" };
	struct held_cert h = { 0 };
	size_t len;
	uint8_t *der = testlib_read_fixture("vici/certs/weird.der", &len);
	struct testlib_guarded g = testlib_guarded_copy(der, len);

	CHECK_INT(strongswan_certs_parse_der((const uint8_t *)"\x30\x03\x02\x01\x01", 5,
					     &m->arena, &h, &err), -EBADMSG);
	CHECK_STR(err.msg, "list-cert: data is no X.509 certificate");
	CHECK_INT(strongswan_certs_parse_der(der, len - 1, &m->arena, &h, &err), -EBADMSG);
	/* the whole certificate right before an unreadable page */
	CHECK_INT(strongswan_certs_parse_der(g.data, len, &m->arena, &h, &err), 0);
	testlib_guarded_free(&g);
	free(der);
	model_unref(m);
}

/* ---- built messages ----------------------------------------------------- */

static void finish(struct vici_builder *b, struct vici_msg *msg)
{
	size_t len;

	CHECK_INT(vici_builder_finish(b, NULL), 0);
	msg->owned = (uint8_t *)strbuf_detach(&b->sb, &len);
	CHECK_INT(vici_msg_decode(msg->owned, len, msg, NULL), 0);
	vici_builder_release(b);
}

/* list-conn event: conn with auth round `round` listing `list` = items */
static void add_round(struct vici_builder *b, const char *round, const char *list,
		      const char *const *items, size_t n)
{
	size_t i;

	vici_section_begin(b, round);
	vici_add_kv_str(b, "class", "public key");
	vici_list_begin(b, list);
	for (i = 0; i < n; i++)
		vici_list_item_str(b, items[i]);
	vici_list_end(b);
	vici_section_end(b);
}

static void add_held(struct model *m, const char *dn, int64_t not_after)
{
	struct held_cert *h = cert_store_add_held(&m->certs, &m->arena);

	CHECK(h != NULL);
	if (!h)
		return;
	h->subject = arena_strdup(&m->arena, dn);
	h->not_after = not_after;
	m->certs.have_held = true;
}

static void test_join_rules(void)
{
	static const char *const two[] = { "CN=a", "CN=b" };
	static const char *const missing[] = { "CN=nobody" };
	static const char *const spaced[] = { "  C=CH,   CN=c  " };
	static const char *const ca[] = { "CN=ca" };
	struct model *m = model_new();
	struct vici_msg msg = VICI_MSG_INIT;
	struct vici_builder b;
	const struct conn_cert *c;
	size_t n;

	vici_builder_init(&b);
	vici_section_begin(&b, "many");         /* two certs, two rounds */
	add_round(&b, "local-1", "certs", two, 2);
	add_round(&b, "local-2", "certs", spaced, 1);
	add_round(&b, "remote-1", "cacerts", ca, 1);
	add_round(&b, "remote-2", "certs", two + 1, 1);  /* pinned wins */
	vici_section_end(&b);
	vici_section_begin(&b, "gone");         /* names what charon lacks */
	add_round(&b, "local-1", "certs", missing, 1);
	add_round(&b, "remote-1", "cacerts", ca, 1);
	vici_section_end(&b);
	vici_section_begin(&b, "psk");          /* no certificates at all */
	vici_section_begin(&b, "local-1");
	vici_add_kv_str(&b, "class", "pre-shared key");
	vici_section_end(&b);
	vici_section_end(&b);
	finish(&b, &msg);
	CHECK_INT(strongswan_certs_parse_auth(&msg, &m->arena, &m->certs, NULL), 0);
	CHECK_INT(m->certs.nrefs, 6);
	add_held(m, "CN=a", 300);
	add_held(m, "CN=b", 200);
	add_held(m, "C=CH, CN=c", 250);
	add_held(m, "CN=ca", 900);
	add_held(m, "CN=b", 100);   /* two held with one subject: the earlier */
	CHECK_INT(conn_certs_join(&m->certs, &m->arena), 0);
	c = conn_certs_of(&m->certs, "many", &n);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK(c[0].side == CERT_SIDE_LOCAL && c[0].kind == CERT_KIND_END);
		CHECK_INT(c[0].not_after, 100);
		CHECK(c[1].side == CERT_SIDE_REMOTE && c[1].kind == CERT_KIND_END);
		CHECK_INT(c[1].not_after, 100);
	}
	c = conn_certs_of(&m->certs, "gone", &n);
	CHECK_INT(n, 1);   /* the local cert is unknown: no entry, not 0 */
	if (n == 1) {
		CHECK(c[0].side == CERT_SIDE_REMOTE && c[0].kind == CERT_KIND_CA);
		CHECK_INT(c[0].not_after, 900);
	}
	CHECK(conn_certs_of(&m->certs, "psk", &n) == NULL);
	vici_msg_release(&msg);
	model_unref(m);
}

static void test_cut_subject_is_prefix(void)
{
	char dn[700], printed[CERT_DN_MAX + 1];
	struct model *m = model_new();
	struct vici_msg msg = VICI_MSG_INIT;
	struct vici_builder b;
	const char *items[1] = { printed };
	const struct conn_cert *c;
	size_t n;

	memset(dn, 'x', sizeof(dn) - 1);
	memcpy(dn, "CN=", 3);
	dn[sizeof(dn) - 1] = '\0';
	/* charon: as much of the DN as fit, then its marker, cut at 511 */
	memcpy(printed, dn, 500);
	memcpy(printed + 500, "(invalid ID_DER_ASN1_DN)", CERT_DN_MAX - 500);
	printed[CERT_DN_MAX] = '\0';
	vici_builder_init(&b);
	vici_section_begin(&b, "long");
	add_round(&b, "local-1", "certs", items, 1);
	vici_section_end(&b);
	finish(&b, &msg);
	CHECK_INT(strongswan_certs_parse_auth(&msg, &m->arena, &m->certs, NULL), 0);
	CHECK(m->certs.nrefs == 1 && m->certs.refs[0].cut);
	CHECK_INT(strlen(m->certs.refs[0].subject), 500);
	add_held(m, "CN=xxx", 5);          /* a shorter one does not match */
	add_held(m, dn, 7);
	CHECK_INT(conn_certs_join(&m->certs, &m->arena), 0);
	c = conn_certs_of(&m->certs, "long", &n);
	CHECK(n == 1 && c[0].not_after == 7);
	vici_msg_release(&msg);
	model_unref(m);
}

static void test_cert_event_types(void)
{
	struct model *m = model_new();
	struct vici_msg msg = VICI_MSG_INIT;
	struct vici_builder b;
	struct ikw_err err = { "" };

	vici_builder_init(&b);
	vici_add_kv_str(&b, "type", "X509_CRL");
	vici_add_kv_str(&b, "data", "not a certificate");
	finish(&b, &msg);
	CHECK_INT(strongswan_certs_parse_cert(&msg, &m->arena, &m->certs, &err), 0);
	CHECK_INT(m->certs.nheld, 0);
	vici_msg_release(&msg);
	vici_builder_init(&b);
	vici_add_kv_str(&b, "type", "X509");
	vici_add_kv_str(&b, "flag", "CA");
	finish(&b, &msg);
	CHECK_INT(strongswan_certs_parse_cert(&msg, &m->arena, &m->certs, &err), -EBADMSG);
	CHECK_STR(err.msg, "list-cert: no 'data'");
	vici_msg_release(&msg);
	vici_builder_init(&b);
	vici_add_kv_str(&b, "type", "X509");
	vici_add_kv_str(&b, "data", "garbage");
	finish(&b, &msg);
	CHECK_INT(strongswan_certs_parse_cert(&msg, &m->arena, &m->certs, &err), -EBADMSG);
	CHECK_INT(m->certs.nheld, 0);
	vici_msg_release(&msg);
	model_unref(m);
}

static void test_normalize(void)
{
	char s[] = "   C=CH,    O=a  b  ";
	char e[] = "";

	conn_certs_normalize(s);
	CHECK_STR(s, "C=CH, O=a b");
	conn_certs_normalize(e);
	CHECK_STR(e, "");
}

/* The exposition of the hub's join, plain and with peers redacted. */
static void render_hub(const struct redact_config *rc, struct strbuf *out)
{
	struct model *m = model_new();
	struct conn_cfg cfg = { .name = "cert1", .version = "IKEv2",
				.local_addrs = "192.0.2.1", .remote_addrs = "192.0.2.11" };
	struct render_opts o = { .peer_labels = true };
	struct ledger l = LEDGER_INIT;
	struct render *r;

	load_side(m, "hub");
	m->conns = &cfg;
	m->nconns = 1;
	m->have_sas = true;
	if (rc)
		CHECK_INT(redact_model(rc, m), 0);
	CHECK_INT(model_build_views(m, NULL, &l), 0);
	r = render_new(m, EXPO_TEXT, &o);
	while (r && render_next(r, out) > 0)
		;
	render_free(r);
	ledger_release(&l);
	m->conns = NULL;
	m->nconns = 0;
	model_unref(m);
}

static void test_render_and_redact(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct redact_config rc;
	const char *s;

	render_hub(NULL, &sb);
	s = strbuf_str(&sb);
	CHECK(strstr(s, "ipsec_conn_cert_not_after_timestamp_seconds{conn=\"cert1\","
		      "side=\"local\",kind=\"end\"} 1797359435\n") != NULL);
	CHECK(strstr(s, "ipsec_conn_cert_not_after_timestamp_seconds{conn=\"cert1\","
		      "side=\"remote\",kind=\"ca\"} 1805135435\n") != NULL);
	CHECK(strstr(s, "ipsec_conn_cert_info{conn=\"cert1\",side=\"remote\",kind=\"ca\","
		      "subject=\"" CA_DN "\"} 1\n") != NULL);
	strbuf_reset(&sb);
	redact_config_init(&rc);
	rc.mode = REDACT_HASH;
	render_hub(&rc, &sb);
	s = strbuf_str(&sb);
	/* the local side keeps its subject, the remote side's is a peer name */
	CHECK(strstr(s, "subject=\"" HUB_DN "\"") != NULL);
	CHECK(strstr(s, CA_DN) == NULL);
	CHECK(strstr(s, "side=\"remote\",kind=\"ca\",subject=\"peer-") != NULL);
	strbuf_release(&sb);
	redact_config_release(&rc);
}

int main(void)
{
	RUN(test_real_held_certs);
	RUN(test_real_auth_refs);
	RUN(test_real_join_both_charons);
	RUN(test_dn_format_matches_charon);
	RUN(test_der_rejected);
	RUN(test_join_rules);
	RUN(test_cut_subject_is_prefix);
	RUN(test_cert_event_types);
	RUN(test_normalize);
	RUN(test_render_and_redact);
	return testlib_done();
}
