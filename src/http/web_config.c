#include "http/web_config.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "config/config_yaml.h"
#include "common/file.h"

static const char *const web_client_auth_names[] = {
	[WEB_NO_CLIENT_CERT] = "NoClientCert",
	[WEB_REQUEST_CLIENT_CERT] = "RequestClientCert",
	[WEB_REQUIRE_ANY_CLIENT_CERT] = "RequireAnyClientCert",
	[WEB_VERIFY_CLIENT_CERT_IF_GIVEN] = "VerifyClientCertIfGiven",
	[WEB_REQUIRE_AND_VERIFY_CLIENT_CERT] = "RequireAndVerifyClientCert",
};

const char *web_client_auth_name(enum web_client_auth a)
{
	return (unsigned)a < sizeof(web_client_auth_names) / sizeof(web_client_auth_names[0])
		? web_client_auth_names[a] : "?";
}

/* Go's cipher suite names, as GnuTLS priority components. */
struct web_suite {
	const char *name, *kx, *cipher, *mac;
};

static const struct web_suite web_suites[] = {
	{ "TLS_RSA_WITH_AES_128_CBC_SHA", "RSA", "AES-128-CBC", "SHA1" },
	{ "TLS_RSA_WITH_AES_256_CBC_SHA", "RSA", "AES-256-CBC", "SHA1" },
	{ "TLS_RSA_WITH_AES_128_GCM_SHA256", "RSA", "AES-128-GCM", "AEAD" },
	{ "TLS_RSA_WITH_AES_256_GCM_SHA384", "RSA", "AES-256-GCM", "AEAD" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA", "AES-128-CBC", "SHA1" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA", "AES-256-CBC", "SHA1" },
	{ "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA", "AES-128-CBC", "SHA1" },
	{ "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA", "AES-256-CBC", "SHA1" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA", "AES-128-CBC", "SHA256" },
	{ "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA", "AES-128-CBC", "SHA256" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA", "AES-128-GCM", "AEAD" },
	{ "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA", "AES-256-GCM", "AEAD" },
	{ "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA", "AES-128-GCM", "AEAD" },
	{ "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA", "AES-256-GCM", "AEAD" },
	{ "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA",
	  "CHACHA20-POLY1305", "AEAD" },
	{ "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA",
	  "CHACHA20-POLY1305", "AEAD" },
	{ "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "ECDHE-ECDSA",
	  "CHACHA20-POLY1305", "AEAD" },
	{ "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "ECDHE-RSA",
	  "CHACHA20-POLY1305", "AEAD" },
	/* TLS 1.3 suites: Go does not let them be chosen; accepted, and always on */
	{ "TLS_AES_128_GCM_SHA256", NULL, "AES-128-GCM", "AEAD" },
	{ "TLS_AES_256_GCM_SHA384", NULL, "AES-256-GCM", "AEAD" },
	{ "TLS_CHACHA20_POLY1305_SHA256", NULL, "CHACHA20-POLY1305", "AEAD" },
};

#define WEB_NSUITES (sizeof(web_suites) / sizeof(web_suites[0]))

static const struct { const char *name, *group; } web_curves[] = {
	{ "CurveP256", "GROUP-SECP256R1" },
	{ "CurveP384", "GROUP-SECP384R1" },
	{ "CurveP521", "GROUP-SECP521R1" },
	{ "X25519", "GROUP-X25519" },
};

#define WEB_NCURVES (sizeof(web_curves) / sizeof(web_curves[0]))

/* Headers that ikewatch itself sets or that would change the framing. */
static const char *const web_reserved_headers[] = {
	"Authorization", "Allow", "Connection", "Content-Encoding", "Content-Length",
	"Content-Type", "Date", "Server", "Transfer-Encoding", "Vary",
	"WWW-Authenticate",
};

void web_config_init(struct web_config *w)
{
	memset(w, 0, sizeof(*w));
	w->min_version = 12;
	w->max_version = 13;
	w->http2 = true;
}

static void web_free_list(char **l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

void web_config_release(struct web_config *w)
{
	size_t i;

	free(w->cert_file);
	free(w->key_file);
	free(w->client_ca_file);
	web_free_list(w->cipher_suites, w->n_cipher_suites);
	web_free_list(w->curves, w->n_curves);
	for (i = 0; i < w->n_headers; i++) {
		free(w->headers[i].name);
		free(w->headers[i].value);
	}
	free(w->headers);
	for (i = 0; i < w->n_users; i++) {
		free(w->users[i].name);
		free(w->users[i].hash);
	}
	free(w->users);
	memset(w, 0, sizeof(*w));
}

/* ---- YAML -------------------------------------------------------------- */

struct web_yaml {
	struct cfg_yaml base;     /* first */
	struct web_config *w;
};

/* A key left empty ("key:" with only comments) is an empty scalar. */
static bool wy_empty(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.length == 0;
}

static int wy_string(struct web_yaml *y, const yaml_node_t *v, const char *key,
		     char **slot)
{
	const char *s = cfg_scalar(v);
	char *p;

	if (!s || !*s)
		return cfg_fail(&y->base, v, "%s: expected a non-empty value", key);
	p = strdup(s);
	if (!p)
		return err_set(y->base.err, -ENOMEM, "out of memory");
	free(*slot);
	*slot = p;
	return 0;
}

static int wy_bool(struct web_yaml *y, const yaml_node_t *v, const char *key,
		   bool *out)
{
	const char *s = cfg_scalar(v);

	if (s && (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "yes")))
		return *out = true, 0;
	if (s && (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "no")))
		return *out = false, 0;
	return cfg_fail(&y->base, v, "%s: invalid boolean '%s'", key, s ? s : "?");
}

static int wy_version(struct web_yaml *y, const yaml_node_t *v, const char *key,
		      unsigned *out)
{
	static const char *const names[] = { "TLS10", "TLS11", "TLS12", "TLS13" };
	const char *s = cfg_scalar(v);
	unsigned i;

	for (i = 0; s && i < 4; i++)
		if (!strcmp(s, names[i]))
			return *out = 10 + i, 0;
	return cfg_fail(&y->base, v, "%s: unknown TLS version '%s' (TLS10, TLS11, TLS12, TLS13)",
		       key, s ? s : "?");
}

static int wy_client_auth(struct web_yaml *y, const yaml_node_t *v)
{
	const char *s = cfg_scalar(v);
	unsigned i;

	for (i = 0; s && i <= WEB_REQUIRE_AND_VERIFY_CLIENT_CERT; i++)
		if (!strcmp(s, web_client_auth_names[i]))
			return y->w->client_auth = (enum web_client_auth)i, 0;
	return cfg_fail(&y->base, v, "client_auth_type: unknown value '%s'%s", s ? s : "?",
		       " (NoClientCert, RequestClientCert, RequireAnyClientCert, "
		       "VerifyClientCertIfGiven, RequireAndVerifyClientCert)");
}

static bool web_suite_known(const char *s)
{
	size_t i;

	for (i = 0; i < WEB_NSUITES; i++)
		if (!strcmp(s, web_suites[i].name))
			return true;
	return false;
}

static bool web_curve_known(const char *s)
{
	size_t i;

	for (i = 0; i < WEB_NCURVES; i++)
		if (!strcmp(s, web_curves[i].name))
			return true;
	return false;
}

/* A sequence of names, each checked by known(). */
static int wy_list(struct web_yaml *y, const yaml_node_t *v, const char *key,
		   bool (*known)(const char *), char ***list, size_t *n)
{
	yaml_node_item_t *it;

	if (wy_empty(v))
		return 0;
	if (v->type != YAML_SEQUENCE_NODE)
		return cfg_fail(&y->base, v, "%s: expected a list", key);
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		const yaml_node_t *e = cfg_node(&y->base, *it);
		const char *s = cfg_scalar(e);
		char **p;

		if (!s || !known(s))
			return cfg_fail(&y->base, e, "%s: unknown value '%s'", key, s ? s : "?");
		if (*n >= WEB_CONFIG_LIST_MAX)
			return cfg_fail(&y->base, e, "%s: too many entries", key);
		p = realloc(*list, (*n + 1) * sizeof(*p));
		if (!p)
			return err_set(y->base.err, -ENOMEM, "out of memory");
		*list = p;
		p[*n] = strdup(s);
		if (!p[*n])
			return err_set(y->base.err, -ENOMEM, "out of memory");
		(*n)++;
	}
	return 0;
}

static bool wy_is(const char *key, const char *name)
{
	return !strcmp(key, name);
}

static int wy_tls_pair(struct web_yaml *y, const char *key, const yaml_node_t *k,
		       const yaml_node_t *v)
{
	struct web_config *w = y->w;

	if (wy_is(key, "cert_file"))
		return wy_string(y, v, key, &w->cert_file);
	if (wy_is(key, "key_file"))
		return wy_string(y, v, key, &w->key_file);
	if (wy_is(key, "client_ca_file"))
		return wy_string(y, v, key, &w->client_ca_file);
	if (wy_is(key, "client_auth_type"))
		return wy_client_auth(y, v);
	if (wy_is(key, "min_version"))
		return wy_version(y, v, key, &w->min_version);
	if (wy_is(key, "max_version"))
		return wy_version(y, v, key, &w->max_version);
	if (wy_is(key, "prefer_server_cipher_suites"))
		return wy_bool(y, v, key, &w->prefer_server_cipher_suites);
	if (wy_is(key, "cipher_suites"))
		return wy_list(y, v, key, web_suite_known, &w->cipher_suites,
			       &w->n_cipher_suites);
	if (wy_is(key, "curve_preferences"))
		return wy_list(y, v, key, web_curve_known, &w->curves, &w->n_curves);
	return cfg_fail(&y->base, k, "unknown key '%s' in '%s'", key, "tls_server_config");
}

static bool web_header_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return false;
	return true;
}

static bool web_header_value_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t')
			return false;
	return true;
}

static bool web_header_reserved(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(web_reserved_headers) / sizeof(web_reserved_headers[0]); i++)
		if (!strcasecmp(s, web_reserved_headers[i]))
			return true;
	return false;
}

static int wy_headers(struct web_yaml *y, const yaml_node_t *map)
{
	struct web_config *w = y->w;
	yaml_node_pair_t *p;

	if (wy_empty(map))
		return 0;
	if (map->type != YAML_MAPPING_NODE)
		return cfg_fail(&y->base, map, "'%s' must be a mapping", "headers");
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = cfg_node(&y->base, p->key), *v = cfg_node(&y->base, p->value);
		const char *name = cfg_scalar(k), *value = cfg_scalar(v);
		struct web_header *h;

		if (!name || !web_header_name_ok(name))
			return cfg_fail(&y->base, k, "headers: invalid header name '%s'",
				       name ? name : "?");
		if (web_header_reserved(name))
			return cfg_fail(&y->base, k, "headers: '%s' cannot be set", name);
		if (!value || !web_header_value_ok(value))
			return cfg_fail(&y->base, v, "headers: invalid value for '%s'", name);
		if (w->n_headers >= WEB_CONFIG_LIST_MAX)
			return cfg_fail(&y->base, k, "headers: too many entries");
		h = realloc(w->headers, (w->n_headers + 1) * sizeof(*h));
		if (!h)
			return err_set(y->base.err, -ENOMEM, "out of memory");
		w->headers = h;
		h += w->n_headers;
		h->name = strdup(name);
		h->value = strdup(value);
		w->n_headers++;
		if (!h->name || !h->value)
			return err_set(y->base.err, -ENOMEM, "out of memory");
	}
	return 0;
}

static int wy_http_pair(struct web_yaml *y, const char *key, const yaml_node_t *k,
			const yaml_node_t *v)
{
	if (wy_is(key, "http2"))
		return wy_bool(y, v, key, &y->w->http2);
	if (wy_is(key, "headers"))
		return wy_headers(y, v);
	return cfg_fail(&y->base, k, "unknown key '%s' in '%s'", key, "http_server_config");
}

/* "$2a$", "$2b$" or "$2y$", a two-digit cost, "$", 53 characters of
 * bcrypt's base64. */
static bool web_bcrypt_ok(const char *h)
{
	size_t i;

	if (strlen(h) != 60 || h[0] != '$' || h[1] != '2' ||
	    (h[2] != 'a' && h[2] != 'b' && h[2] != 'y') || h[3] != '$' ||
	    h[4] < '0' || h[4] > '9' || h[5] < '0' || h[5] > '9' || h[6] != '$')
		return false;
	for (i = 7; i < 60; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= 'A' && h[i] <= 'Z') ||
		      (h[i] >= '0' && h[i] <= '9') || h[i] == '.' || h[i] == '/'))
			return false;
	return true;
}

/* The cost of a hash web_bcrypt_ok() accepted. */
static int web_bcrypt_cost(const char *h)
{
	return (h[4] - '0') * 10 + (h[5] - '0');
}

static int wy_user(struct web_yaml *y, const yaml_node_t *k, const yaml_node_t *v)
{
	struct web_config *w = y->w;
	const char *name = cfg_scalar(k), *hash = cfg_scalar(v);
	struct web_user *u;
	size_t i;

	if (!name || !*name || strchr(name, ':'))
		return cfg_fail(&y->base, k, "basic_auth_users: invalid user name '%s'",
			       name ? name : "?");
	for (i = 0; i < w->n_users; i++)
		if (!strcmp(w->users[i].name, name))
			return cfg_fail(&y->base, k, "basic_auth_users: user '%s' given twice",
				       name);
	if (!hash || !web_bcrypt_ok(hash))
		return cfg_fail(&y->base, v, "basic_auth_users: the password of '%s' is not a "
			       "bcrypt hash ($2y$...; htpasswd -nbB USER PASS)", name);
	/* each step doubles the work of every login, right or wrong: a cost
	 * of 20 would take minutes and 31 days, so a login could never end */
	if (web_bcrypt_cost(hash) < WEB_BCRYPT_COST_MIN ||
	    web_bcrypt_cost(hash) > WEB_BCRYPT_COST_MAX)
		return cfg_fail(&y->base, v, "basic_auth_users: the bcrypt cost of '%s' is %d; "
			       "ikewatch accepts %d to %d (htpasswd -nbB -C 10 USER PASS)",
			       name, web_bcrypt_cost(hash), WEB_BCRYPT_COST_MIN,
			       WEB_BCRYPT_COST_MAX);
	if (w->n_users >= WEB_CONFIG_LIST_MAX)
		return cfg_fail(&y->base, k, "basic_auth_users: too many users");
	u = realloc(w->users, (w->n_users + 1) * sizeof(*u));
	if (!u)
		return err_set(y->base.err, -ENOMEM, "out of memory");
	w->users = u;
	u += w->n_users;
	u->name = strdup(name);
	u->hash = strdup(hash);
	w->n_users++;
	if (!u->name || !u->hash)
		return err_set(y->base.err, -ENOMEM, "out of memory");
	return 0;
}

typedef int (*wy_pair_fn)(struct web_yaml *y, const char *key,
			  const yaml_node_t *k, const yaml_node_t *v);

static int wy_section(struct web_yaml *y, const char *section,
		      const yaml_node_t *map, wy_pair_fn pair)
{
	yaml_node_pair_t *p;

	if (wy_empty(map))
		return 0;
	if (map->type != YAML_MAPPING_NODE)
		return cfg_fail(&y->base, map, "'%s' must be a mapping", section);
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = cfg_node(&y->base, p->key), *v = cfg_node(&y->base, p->value);
		const char *key = cfg_scalar(k);
		int r;

		if (!key)
			return cfg_fail(&y->base, k, "expected a key in '%s'", section);
		r = pair ? pair(y, key, k, v) : wy_user(y, k, v);
		if (r)
			return r;
	}
	return 0;
}

/* What the exporter-toolkit refuses after reading the file. */
static int web_config_check(struct web_yaml *y, const yaml_node_t *tls)
{
	const struct web_config *w = y->w;

	if (!w->tls)
		return 0;
	if (!w->cert_file)
		return cfg_fail(&y->base, tls, "tls_server_config: missing cert_file");
	if (!w->key_file)
		return cfg_fail(&y->base, tls, "tls_server_config: missing key_file");
	if (w->min_version > w->max_version)
		return cfg_fail(&y->base, tls, "tls_server_config: min_version is above "
			       "max_version");
	if (w->client_ca_file && w->client_auth == WEB_NO_CLIENT_CERT)
		return cfg_fail(&y->base, tls, "tls_server_config: client_ca_file is set but "
			       "client_auth_type is NoClientCert");
	if (!w->client_ca_file && w->client_auth >= WEB_VERIFY_CLIENT_CERT_IF_GIVEN)
		return cfg_fail(&y->base, tls, "tls_server_config: client_auth_type %s needs "
			       "client_ca_file", web_client_auth_name(w->client_auth));
	return 0;
}

static int wy_root(struct web_yaml *y)
{
	const yaml_node_t *root = yaml_document_get_root_node(y->base.doc);
	const yaml_node_t *tls = NULL;
	yaml_node_pair_t *p;
	int r;

	if (!root || wy_empty(root))
		return 0;  /* an empty file: plain HTTP, no authentication */
	if (root->type != YAML_MAPPING_NODE)
		return cfg_fail(&y->base, root, "the top level must be a mapping");
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = cfg_node(&y->base, p->key), *v = cfg_node(&y->base, p->value);
		const char *key = cfg_scalar(k);

		if (key && !strcmp(key, "tls_server_config")) {
			y->w->tls = true;
			tls = v;
			r = wy_section(y, key, v, wy_tls_pair);
		} else if (key && !strcmp(key, "http_server_config")) {
			r = wy_section(y, key, v, wy_http_pair);
		} else if (key && !strcmp(key, "basic_auth_users")) {
			r = wy_section(y, key, v, NULL);
		} else {
			r = cfg_fail(&y->base, k, "unknown section '%s'", key ? key : "?");
		}
		if (r)
			return r;
	}
	return web_config_check(y, tls);
}

int web_config_parse(struct web_config *w, const char *name, const char *text,
		     size_t len, struct ikw_err *err)
{
	struct web_yaml y = { { NULL, name, err }, w };
	yaml_document_t doc;
	int r = cfg_yaml_load(&doc, name, text, len, WEB_CONFIG_FILE_MAX, err);

	if (r)
		return r;
	y.base.doc = &doc;
	r = wy_root(&y);
	yaml_document_delete(&doc);
	return r;
}

/* A relative path in the file is relative to the file's directory. */
static int web_config_resolve(char **slot, const char *dir)
{
	struct strbuf sb = STRBUF_INIT;

	if (!*slot || (*slot)[0] == '/')
		return 0;
	strbuf_addf(&sb, "%s/%s", dir, *slot);
	if (strbuf_failed(&sb)) {
		strbuf_release(&sb);
		return -ENOMEM;
	}
	free(*slot);
	*slot = strbuf_detach(&sb, NULL);
	return 0;
}

int web_config_load(struct web_config *w, const char *path, struct ikw_err *err)
{
	char *buf, *copy;
	const char *dir;
	size_t len;
	int r = file_read_all(path, WEB_CONFIG_FILE_MAX, &buf, &len, err);

	if (r)
		return r;
	r = web_config_parse(w, path, buf, len, err);
	free(buf);
	if (r)
		return r;
	copy = strdup(path);
	if (!copy)
		return err_set(err, -ENOMEM, "out of memory");
	dir = dirname(copy);
	r = web_config_resolve(&w->cert_file, dir);
	if (!r)
		r = web_config_resolve(&w->key_file, dir);
	if (!r)
		r = web_config_resolve(&w->client_ca_file, dir);
	free(copy);
	return r ? err_set(err, r, "out of memory") : 0;
}

/* ---- GnuTLS priorities -------------------------------------------------- */

/* Appends ":+item" unless out already holds it. */
static void web_prio_add(struct strbuf *out, const char *item)
{
	char tok[64];

	snprintf(tok, sizeof(tok), ":+%s", item);
	if (!out->len || !strstr(strbuf_str(out), tok))
		strbuf_addstr(out, tok);
}

void web_config_priorities(const struct web_config *w, struct strbuf *out)
{
	unsigned v;
	size_t i, j;

	strbuf_addstr(out, "NORMAL:-VERS-ALL");
	for (v = w->max_version; v >= w->min_version && v >= 10; v--) {
		char ver[24];

		snprintf(ver, sizeof(ver), "VERS-TLS1.%u", v - 10);
		web_prio_add(out, ver);
	}
	if (w->n_cipher_suites) {
		strbuf_addstr(out, ":-CIPHER-ALL:-MAC-ALL:-KX-ALL");
		for (i = 0; i < w->n_cipher_suites; i++)
			for (j = 0; j < WEB_NSUITES; j++) {
				const struct web_suite *s = &web_suites[j];

				if (strcmp(w->cipher_suites[i], s->name))
					continue;
				web_prio_add(out, s->cipher);
				web_prio_add(out, s->mac);
				if (s->kx)
					web_prio_add(out, s->kx);
			}
		if (w->max_version >= 13) {
			/* as in Go: the TLS 1.3 suites cannot be turned off,
			 * and TLS 1.3 needs an ECDHE exchange */
			web_prio_add(out, "AES-128-GCM");
			web_prio_add(out, "AES-256-GCM");
			web_prio_add(out, "CHACHA20-POLY1305");
			web_prio_add(out, "AEAD");
			web_prio_add(out, "ECDHE-RSA");
			web_prio_add(out, "ECDHE-ECDSA");
		}
	}
	if (w->n_curves) {
		strbuf_addstr(out, ":-GROUP-ALL");
		for (i = 0; i < w->n_curves; i++)
			for (j = 0; j < WEB_NCURVES; j++)
				if (!strcmp(w->curves[i], web_curves[j].name))
					web_prio_add(out, web_curves[j].group);
	}
	if (w->prefer_server_cipher_suites)
		strbuf_addstr(out, ":%SERVER_PRECEDENCE");
}
