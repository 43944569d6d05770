#include "collect/strongswan_certs_parse.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "common/text.h"

#define SCP_DN_CAP 4096   /* longest subject kept; charon prints 511 */

/* The names strongSwan's OID table (src/libstrongswan/asn1/oid.txt) gives the
 * attributes of a DN; charon prints any other OID as its DER bytes in hex.
 * `newer`: unknown to charon 5.9 (printed in hex there). */
static const struct {
	const char *oid, *name;
	bool newer;
} scp_dn_names[] = {
	{ "0.2.262.1.10.7.20", "ND", false },
	{ "0.9.2342.19200300.100.1.1", "UID", false },
	{ "0.9.2342.19200300.100.1.25", "DC", false },
	{ "2.5.4.3", "CN", false },
	{ "2.5.4.4", "SN", false },
	{ "2.5.4.5", "serialNumber", false },
	{ "2.5.4.6", "C", false },
	{ "2.5.4.7", "L", false },
	{ "2.5.4.8", "ST", false },
	{ "2.5.4.9", "STREET", false },
	{ "2.5.4.10", "O", false },
	{ "2.5.4.11", "OU", false },
	{ "2.5.4.12", "T", false },
	{ "2.5.4.13", "D", false },
	{ "2.5.4.16", "postalAddress", false },
	{ "2.5.4.17", "postalCode", false },
	{ "2.5.4.36", "userCertificate", false },
	{ "2.5.4.41", "N", false },
	{ "2.5.4.42", "G", false },
	{ "2.5.4.43", "I", false },
	{ "2.5.4.45", "ID", false },
	{ "2.5.4.46", "dnQualifier", false },
	{ "2.5.4.54", "dmdName", false },
	{ "2.5.4.65", "pseudonym", false },
	{ "2.5.4.72", "role", true },
	{ "2.5.4.97", "organizationIdentifier", true },
	{ "1.2.840.113549.1.9.1", "E", false },
	{ "1.2.840.113549.1.9.2", "unstructuredName", false },
	{ "1.2.840.113549.1.9.8", "unstructuredAddress", false },
	{ "2.16.840.1.113730.3.1.3", "employeeNumber", false },
};

/* A dotted OID as charon prints one it does not know: its DER content
 * bytes in hex, colon separated ("55:04:61").  False if not an OID. */
static bool scp_oid_hex(const char *dotted, struct strbuf *sb)
{
	unsigned long long arc[64], v;
	size_t n = 0, i;
	const char *p = dotted;
	bool first = true;

	while (*p && n < 64) {
		char *end;

		if (*p < '0' || *p > '9')
			return false;
		v = strtoull(p, &end, 10);
		arc[n++] = v;
		p = end;
		if (*p == '.')
			p++;
		else if (*p)
			return false;
	}
	if (n < 2 || *p || arc[0] > 2 || (arc[0] < 2 && arc[1] > 39) ||
	    arc[1] > (1ULL << 56))
		return false;
	arc[1] += arc[0] * 40;
	for (i = 1; i < n; i++) {
		unsigned char b[10];
		int k = 0;

		v = arc[i];
		do {
			b[k++] = (unsigned char)(v & 0x7f);
			v >>= 7;
		} while (v && k < 10);
		while (k-- > 0) {
			strbuf_addf(sb, "%s%02x", first ? "" : ":",
				    (unsigned)(b[k] | (k ? 0x80 : 0)));
			first = false;
		}
	}
	return true;
}

static void scp_attr_name(const char *oid, bool alt, struct strbuf *sb)
{
	size_t i;

	for (i = 0; i < sizeof(scp_dn_names) / sizeof(scp_dn_names[0]); i++)
		if (!strcmp(oid, scp_dn_names[i].oid)) {
			if (!(alt && scp_dn_names[i].newer))
				strbuf_addstr(sb, scp_dn_names[i].name);
			else
				scp_oid_hex(oid, sb);
			return;
		}
	if (!scp_oid_hex(oid, sb))
		strbuf_addstr(sb, oid);
}

/* The value's bytes as charon prints them: anything outside printable
 * ASCII becomes '?' (chunk_printable). */
static void scp_attr_value(const gnutls_datum_t *v, struct strbuf *sb)
{
	unsigned i;

	for (i = 0; i < v->size; i++)
		strbuf_addch(sb, v->data[i] >= 0x20 && v->data[i] < 0x7f ?
			     (char)v->data[i] : '?');
}

/* Subject as charon's %Y prints a DN: every attribute in certificate order,
 * "NAME=value" joined with ", ".  With alt, the newer names in hex.  Sets
 * *used if a newer name occurred. */
static int scp_format_dn(gnutls_x509_dn_t dn, bool alt, struct strbuf *sb,
			 bool *used)
{
	int irdn, iava;

	for (irdn = 0; irdn < 1024; irdn++) {
		for (iava = 0; iava < 1024; iava++) {
			gnutls_x509_ava_st ava;
			char oid[128];
			size_t i;

			if (gnutls_x509_dn_get_rdn_ava(dn, irdn, iava, &ava) < 0)
				break;
			if (ava.oid.size == 0 || ava.oid.size >= sizeof(oid))
				return -EBADMSG;
			memcpy(oid, ava.oid.data, ava.oid.size);
			oid[ava.oid.size] = '\0';
			for (i = 0; used && i < sizeof(scp_dn_names) / sizeof(scp_dn_names[0]); i++)
				if (scp_dn_names[i].newer && !strcmp(oid, scp_dn_names[i].oid))
					*used = true;
			if (sb->len)
				strbuf_addstr(sb, ", ");
			scp_attr_name(oid, alt, sb);
			strbuf_addch(sb, '=');
			scp_attr_value(&ava.value, sb);
		}
		if (iava == 0)
			break;
	}
	return 0;
}

/* The formatted subject, normalized, in a; "" if too long to keep. */
static const char *scp_subject(gnutls_x509_dn_t dn, bool alt, struct arena *a,
			       bool *used)
{
	struct strbuf sb;
	char *s;

	strbuf_init(&sb, SCP_DN_CAP);
	if (scp_format_dn(dn, alt, &sb, used) || strbuf_failed(&sb)) {
		strbuf_release(&sb);
		return NULL;
	}
	s = arena_strdup(a, strbuf_str(&sb));
	strbuf_release(&sb);
	if (s)
		conn_certs_normalize(s);
	return s;
}

int strongswan_certs_parse_der(const uint8_t *der, size_t len, struct arena *a,
			       struct held_cert *out, struct ikw_err *err)
{
	gnutls_datum_t d = { (unsigned char *)der, (unsigned int)len };
	gnutls_x509_crt_t crt;
	gnutls_x509_dn_t dn;
	bool newer = false;
	time_t t;
	int r = -EBADMSG;

	if (len > UINT32_MAX || gnutls_x509_crt_init(&crt) < 0)
		return err_set(err, -ENOMEM, "list-cert: cannot set up a certificate");
	if (gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) < 0) {
		err_set(err, r, "list-cert: data is no X.509 certificate");
		goto out;
	}
	t = gnutls_x509_crt_get_expiration_time(crt);
	if (t == (time_t)-1) {
		err_set(err, r, "list-cert: certificate without notAfter");
		goto out;
	}
	if (gnutls_x509_crt_get_subject(crt, &dn) < 0) {
		err_set(err, r, "list-cert: certificate without subject");
		goto out;
	}
	out->not_after = (int64_t)t;
	out->subject = scp_subject(dn, false, a, &newer);
	out->subject_alt = newer ? scp_subject(dn, true, a, NULL) : NULL;
	if (!out->subject || (newer && !out->subject_alt)) {
		err_set(err, r, "list-cert: unreadable or oversized subject");
		goto out;
	}
	r = 0;
out:
	gnutls_x509_crt_deinit(crt);
	return r;
}

static bool scp_value_is(const struct vici_msg *msg, size_t parent,
			 const char *name, const char *want)
{
	size_t i = vici_find(msg, parent, name), n = strlen(want);

	return i != SIZE_MAX && msg->elems[i].type == VICI_KEY_VALUE &&
	       msg->elems[i].value_len == n && !memcmp(msg->elems[i].value, want, n);
}

int strongswan_certs_parse_cert(const struct vici_msg *msg, struct arena *a,
				struct cert_store *cs, struct ikw_err *err)
{
	size_t i = vici_find(msg, VICI_ROOT, "data");
	struct held_cert h = { 0 }, *slot;
	int r;

	if (!scp_value_is(msg, VICI_ROOT, "type", "X509"))
		return 0;   /* CRLs, attribute certificates, raw public keys */
	if (i == SIZE_MAX || msg->elems[i].type != VICI_KEY_VALUE)
		return err_set(err, -EBADMSG, "list-cert: no 'data'");
	r = strongswan_certs_parse_der(msg->elems[i].value, msg->elems[i].value_len,
				       a, &h, err);
	if (r)
		return r;
	h.ca = scp_value_is(msg, VICI_ROOT, "flag", "CA");
	h.has_privkey = vici_get_yes(msg, VICI_ROOT, "has_privkey");
	slot = cert_store_add_held(cs, a);
	if (!slot)
		return err_set(err, -ENOMEM, "out of memory");
	*slot = h;
	return 0;
}

/* charon ends a DN it had to cut with as much of this as fits */
static const char scp_cut_mark[] = "(invalid ID_DER_ASN1_DN)";

/* A subject as charon printed it, sanitized and normalized into a; *cut
 * when charon cut it (its marker removed). */
static const char *scp_ref_subject(const struct vici_elem *e, struct arena *a,
				   bool *cut)
{
	size_t n = e->value_len < SCP_DN_CAP ? e->value_len : SCP_DN_CAP;
	char *s = arena_alloc(a, n + 1), *p;

	if (!s)
		return NULL;
	text_sanitize(s, (const char *)e->value, n);
	*cut = e->value_len >= CERT_DN_MAX;
	p = *cut ? strrchr(s, '(') : NULL;
	if (p && !strncmp(p, scp_cut_mark, strlen(p)))
		*p = '\0';
	conn_certs_normalize(s);
	return s;
}

/* The items of list `name` in every auth round of `prefix` ("local-",
 * "remote-") of conn section c, as refs; *found counts them. */
static int scp_add_refs(const struct vici_msg *msg, size_t c, const char *conn,
			const char *prefix, const char *name,
			enum cert_side side, enum cert_kind kind,
			struct arena *a, struct cert_store *cs, size_t *found)
{
	size_t plen = strlen(prefix), r, l, i;

	for (r = vici_first(msg, c); r < vici_stop(msg, c); r = vici_next(msg, r)) {
		const struct vici_elem *e = &msg->elems[r];

		if (e->type != VICI_SECTION_START || e->name_len <= plen ||
		    memcmp(e->name, prefix, plen))
			continue;
		l = vici_find(msg, r, name);
		if (l == SIZE_MAX || msg->elems[l].type != VICI_LIST_START)
			continue;
		for (i = vici_first(msg, l); i < vici_stop(msg, l); i = vici_next(msg, i)) {
			struct cert_ref *ref = cert_store_add_ref(cs, a);
			bool cut = false;

			if (!ref || !(ref->subject = scp_ref_subject(&msg->elems[i], a, &cut)))
				return -ENOMEM;
			ref->conn = conn;
			ref->side = side;
			ref->kind = kind;
			ref->cut = cut;
			(*found)++;
		}
	}
	return 0;
}

int strongswan_certs_parse_auth(const struct vici_msg *msg, struct arena *a,
				struct cert_store *cs, struct ikw_err *err)
{
	size_t c;

	for (c = vici_first(msg, VICI_ROOT); c < vici_stop(msg, VICI_ROOT);
	     c = vici_next(msg, c)) {
		const struct vici_elem *e = &msg->elems[c];
		size_t local = 0, pinned = 0, ca = 0;
		char *conn;

		if (e->type != VICI_SECTION_START)
			continue;
		if (!(conn = arena_alloc(a, (size_t)e->name_len + 1)))
			return err_set(err, -ENOMEM, "out of memory");
		text_sanitize(conn, e->name, e->name_len);
		if (scp_add_refs(msg, c, conn, "local-", "certs", CERT_SIDE_LOCAL,
				 CERT_KIND_END, a, cs, &local) ||
		    scp_add_refs(msg, c, conn, "remote-", "certs", CERT_SIDE_REMOTE,
				 CERT_KIND_END, a, cs, &pinned) ||
		    (!pinned && scp_add_refs(msg, c, conn, "remote-", "cacerts",
					     CERT_SIDE_REMOTE, CERT_KIND_CA, a, cs, &ca)))
			return err_set(err, -ENOMEM, "out of memory");
	}
	cs->have_refs = true;
	return 0;
}
