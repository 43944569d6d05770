#include "model/redact.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/strbuf.h"
#include "model/model.h"

void redact_config_init(struct redact_config *rc)
{
	memset(rc, 0, sizeof(*rc));
}

void redact_config_release(struct redact_config *rc)
{
	size_t i;

	for (i = 0; i < rc->naliases; i++) {
		free(rc->aliases[i].value);
		free(rc->aliases[i].alias);
	}
	free(rc->aliases);
	if (rc->salt)
		explicit_bzero(rc->salt, strlen(rc->salt));
	free(rc->salt);
	redact_config_init(rc);
}

int redact_mode_parse(const char *s, enum redact_mode *out)
{
	static const char *const names[] = { "none", "hash", "alias" };
	size_t i;

	for (i = 0; s && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return *out = (enum redact_mode)i, 0;
	return -EINVAL;
}

static const char *redact_alias(const struct redact_config *rc, const char *v, size_t len)
{
	size_t i;

	for (i = 0; i < rc->naliases; i++)
		if (strlen(rc->aliases[i].value) == len && !memcmp(rc->aliases[i].value, v, len))
			return rc->aliases[i].alias;
	return NULL;
}

/* "peer-" and 12 hex digits of SHA-256(salt NUL value). */
static void redact_hash(const struct redact_config *rc, const char *v, size_t len,
			char *out, size_t size)
{
	const char *salt = rc->salt ? rc->salt : "";
	unsigned char d[32];
	gnutls_hash_hd_t h;

	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0) {
		snprintf(out, size, "peer-redacted");
		return;
	}
	gnutls_hash(h, salt, strlen(salt) + 1);   /* the NUL separates */
	gnutls_hash(h, v, len);
	gnutls_hash_deinit(h, d);
	snprintf(out, size, "peer-%02x%02x%02x%02x%02x%02x", d[0], d[1], d[2], d[3], d[4], d[5]);
}

static void redact_one(const struct redact_config *rc, const char *v, size_t len,
		       char *out, size_t size)
{
	const char *a = rc->mode == REDACT_ALIAS ? redact_alias(rc, v, len) : NULL;

	if (a)
		snprintf(out, size, "%s", a);
	else
		redact_hash(rc, v, len, out, size);
}

void redact_value(const struct redact_config *rc, const char *value, char *out,
		  size_t size)
{
	size_t n = 0;
	const char *p = value;

	out[0] = '\0';
	if (rc->mode == REDACT_NONE) {
		snprintf(out, size, "%s", value);
		return;
	}
	while (*p && n + 1 < size) {
		size_t len = strcspn(p, ",");
		char one[REDACT_NAME_MAX + 1];

		redact_one(rc, p, len, one, sizeof(one));
		n += (size_t)snprintf(out + n, size - n, "%s%s", n ? "," : "", one);
		if (n >= size)
			break;
		p += len;
		if (*p == ',')
			p++;
	}
	if (n >= size && size > 1)
		out[size - 1] = '\0';
}

void redact_whole(const struct redact_config *rc, const char *value, char *out,
		  size_t size)
{
	if (rc->mode == REDACT_NONE || !value[0])
		snprintf(out, size, "%s", value);
	else
		redact_one(rc, value, strlen(value), out, size);
}

/* The subjects of the certificates that name or vouch for peers. */
static int redact_certs(const struct redact_config *rc, struct model *m)
{
	char buf[REDACT_NAME_MAX + 1];
	size_t i;

	for (i = 0; i < m->certs.ncerts; i++) {
		struct conn_cert *cc = &m->certs.certs[i];

		if (cc->side != CERT_SIDE_REMOTE)
			continue;
		redact_whole(rc, cc->subject, buf, sizeof(buf));
		if (!(cc->subject = arena_strdup(&m->arena, buf)))
			return -ENOMEM;
	}
	return 0;
}

/* *s redacted into a new string of m's arena. */
static int redact_str(const struct redact_config *rc, struct model *m, const char **s)
{
	char buf[512];
	const char *r;

	if (!*s || !(*s)[0])
		return 0;
	redact_value(rc, *s, buf, sizeof(buf));
	r = arena_strdup(&m->arena, buf);
	if (!r)
		return -ENOMEM;
	*s = r;
	return 0;
}

/* A fixed array (kernel and KLIPS addresses) redacted in place. */
static void redact_array(const struct redact_config *rc, char *s, size_t size)
{
	char buf[64];

	if (!s[0])
		return;
	redact_value(rc, s, buf, sizeof(buf));
	/* a redacted name (peer- and 12 hex digits, or an alias) fits; an
	 * alias longer than the array is cut */
	if (snprintf(s, size, "%s", buf) >= (int)size)
		log_debug("redaction: an alias was cut to %zu bytes", size - 1);
}

/* The kernel's SAs, KLIPS's, and the sums of the SAs no CHILD SA claims
 * (kernel_join() made those from the addresses before redaction). */
static int redact_kernel(const struct redact_config *rc, struct model *m)
{
	size_t i;

	for (i = 0; i < m->kernel.nother; i++)
		if (redact_str(rc, m, &m->kernel.other[i].src) ||
		    redact_str(rc, m, &m->kernel.other[i].dst))
			return -ENOMEM;
	kernel_other_merge(&m->kernel);
	for (i = 0; i < m->kernel.nsas; i++) {
		redact_array(rc, m->kernel.sas[i].src, sizeof(m->kernel.sas[i].src));
		redact_array(rc, m->kernel.sas[i].dst, sizeof(m->kernel.sas[i].dst));
	}
	for (i = 0; i < m->kernel.nklips; i++) {
		redact_array(rc, m->kernel.klips[i].src, sizeof(m->kernel.klips[i].src));
		redact_array(rc, m->kernel.klips[i].dst, sizeof(m->kernel.klips[i].dst));
	}
	return 0;
}

/* Whether len bytes at addr are one entry of the comma-joined list. */
static bool redact_in_list(const char *list, const char *addr, size_t len)
{
	while (list && *list) {
		size_t n = strcspn(list, ",");

		if (n == len && !memcmp(list, addr, len))
			return true;
		list += n;
		if (*list == ',')
			list++;
	}
	return false;
}

/* Whether len bytes at addr name a peer of m: an IKE SA's remote host or
 * virtual IP (a road warrior's traffic selector is its virtual IP) or an
 * entry of a conn's remote_addrs (read before they are redacted). */
static bool redact_is_peer(const struct model *m, const char *addr, size_t len)
{
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < m->nike; i++)
		if (redact_in_list(m->ike_sas[i].remote_host, addr, len) ||
		    redact_in_list(m->ike_sas[i].remote_vips, addr, len))
			return true;
	for (i = 0; i < m->nconns; i++)
		if (redact_in_list(m->conns[i].remote_addrs, addr, len))
			return true;
	return false;
}

/* One traffic selector entry, "ADDR", "ADDR/32", "ADDR/128", each maybe
 * with "[proto/port]": a host that is a peer keeps its prefix and ports and
 * gets the peer's redacted name; a subnet, or a host that is no peer (an
 * inner address), is kept. */
static void redact_ts_entry(const struct redact_config *rc, const struct model *m,
			    const char *e, size_t len, struct strbuf *out)
{
	size_t addr = strcspn(e, "/["), plen = 0;
	char name[REDACT_NAME_MAX + 1];
	bool host;

	if (addr > len)
		addr = len;
	if (addr < len && e[addr] == '/') {
		plen = strspn(e + addr + 1, "0123456789");
		host = (plen == 2 && !strncmp(e + addr + 1, "32", 2)) ||
		       (plen == 3 && !strncmp(e + addr + 1, "128", 3));
	} else {
		host = true;   /* no prefix: one address */
	}
	if (host && redact_is_peer(m, e, addr)) {
		redact_one(rc, e, addr, name, sizeof(name));
		strbuf_addstr(out, name);
		strbuf_add(out, e + addr, len - addr);
		return;
	}
	strbuf_add(out, e, len);
}

/* A comma-joined list of traffic selectors, redacted into m's arena. */
static int redact_ts(const struct redact_config *rc, struct model *m, const char **ts)
{
	struct strbuf out = STRBUF_INIT;
	const char *p = *ts, *r;

	if (!p || !*p)
		return 0;
	while (*p) {
		size_t n = strcspn(p, ",");

		if (out.len)
			strbuf_addch(&out, ',');
		redact_ts_entry(rc, m, p, n, &out);
		p += n;
		if (*p == ',')
			p++;
	}
	r = strbuf_failed(&out) ? NULL : arena_strdup(&m->arena, strbuf_str(&out));
	strbuf_release(&out);
	if (!r)
		return -ENOMEM;
	*ts = r;
	return 0;
}

/* Every traffic selector and probe target that names a peer; before the
 * peers themselves are redacted, since it compares with them. */
static int redact_selectors(const struct redact_config *rc, struct model *m)
{
	size_t i, k;
	char name[REDACT_NAME_MAX + 1];
	struct probe_view *pv;

	for (i = 0; i < m->nike; i++)
		for (k = 0; k < m->ike_sas[i].nchildren; k++)
			if (redact_ts(rc, m, &m->ike_sas[i].children[k].remote_ts))
				return -ENOMEM;
	for (i = 0; i < m->nconns; i++)
		for (k = 0; k < m->conns[i].nchildren; k++)
			if (redact_ts(rc, m, &m->conns[i].children[k].remote_ts))
				return -ENOMEM;
	for (i = 0; i < m->probes.n; i++) {
		pv = &m->probes.v[i];
		if (!pv->target || !redact_is_peer(m, pv->target, strlen(pv->target)))
			continue;
		redact_one(rc, pv->target, strlen(pv->target), name, sizeof(name));
		if (!(pv->target = arena_strdup(&m->arena, name)))
			return -ENOMEM;
	}
	return 0;
}

int redact_model(const struct redact_config *rc, struct model *m)
{
	size_t i;

	if (rc->mode == REDACT_NONE)
		return 0;
	if (redact_selectors(rc, m))
		return -ENOMEM;
	for (i = 0; i < m->nike; i++)
		if (redact_str(rc, m, &m->ike_sas[i].remote_host) ||
		    redact_str(rc, m, &m->ike_sas[i].remote_id) ||
		    redact_str(rc, m, &m->ike_sas[i].remote_vips))
			return -ENOMEM;
	for (i = 0; i < m->nconns; i++)
		if (redact_str(rc, m, &m->conns[i].remote_addrs))
			return -ENOMEM;
	if (redact_kernel(rc, m))
		return -ENOMEM;
	return redact_certs(rc, m);
}
