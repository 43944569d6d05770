#include "model/redact.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	snprintf(s, size, "%s", buf);
}

static void redact_kernel(const struct redact_config *rc, struct model *m)
{
	size_t i;

	for (i = 0; i < m->kernel.nsas; i++) {
		redact_array(rc, m->kernel.sas[i].src, sizeof(m->kernel.sas[i].src));
		redact_array(rc, m->kernel.sas[i].dst, sizeof(m->kernel.sas[i].dst));
	}
	for (i = 0; i < m->kernel.nklips; i++) {
		redact_array(rc, m->kernel.klips[i].src, sizeof(m->kernel.klips[i].src));
		redact_array(rc, m->kernel.klips[i].dst, sizeof(m->kernel.klips[i].dst));
	}
}

int redact_model(const struct redact_config *rc, struct model *m)
{
	size_t i;

	if (rc->mode == REDACT_NONE)
		return 0;
	for (i = 0; i < m->nike; i++)
		if (redact_str(rc, m, &m->ike_sas[i].remote_host) ||
		    redact_str(rc, m, &m->ike_sas[i].remote_id))
			return -ENOMEM;
	for (i = 0; i < m->nconns; i++)
		if (redact_str(rc, m, &m->conns[i].remote_addrs))
			return -ENOMEM;
	redact_kernel(rc, m);
	return 0;
}
