#include "config/config_probes.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/num.h"
#include "config/config_yaml.h"
#include "probe/probe_addr.h"
#include "probe/probe_sock.h"
#include "probe/probe_tls_trust.h"

struct probes_yaml {
	struct cfg_yaml base;     /* first */
	struct probe_config *pc;
};

enum pk_kind { PK_LABEL, PK_TYPE, PK_ADDR, PK_OFFSET, PK_UINT, PK_MS, PK_NETNS, PK_IFNAME,
	       PK_PATH, PK_HOST, PK_TEXT, PK_STATUS, PK_BOOL, PK_SCHEME, PK_FILE };

/* One key of a probe: where it goes in struct probe_spec and its bounds. */
struct pk_field {
	const char *key;
	enum pk_kind kind;
	size_t off, size;
	uint64_t min, max;
	bool in_defaults;         /* may be set under defaults: */
};

#define PK(key, kind, field, min, max, dfl) \
	{ key, kind, offsetof(struct probe_spec, field), \
	  sizeof(((struct probe_spec *)0)->field), min, max, dfl }

static const struct pk_field pk_fields[] = {
	PK("conn", PK_LABEL, conn, 0, 0, false),
	PK("child", PK_LABEL, child, 0, 0, false),
	PK("name", PK_LABEL, name, 0, 0, false),
	PK("type", PK_TYPE, type, 0, 0, true),
	PK("target", PK_ADDR, target, 0, 0, false),
	PK("target_offset", PK_OFFSET, target_offset, 0, INT64_MAX, true),
	PK("source", PK_ADDR, source, 0, 0, false),
	PK("source_offset", PK_OFFSET, source_offset, 0, INT64_MAX, true),
	PK("port", PK_UINT, port, 1, 65535, true),
	PK("interval", PK_MS, interval_ms, PROBE_INTERVAL_MIN_MS, PROBE_INTERVAL_MAX_MS, true),
	PK("timeout", PK_MS, timeout_ms, 1, PROBE_TIMEOUT_MAX_MS, true),
	PK("spacing", PK_MS, spacing_ms, 0, 10000, true),
	PK("count", PK_UINT, count, 1, PROBE_COUNT_MAX, true),
	PK("payload", PK_UINT, payload, PROBE_PAYLOAD_MIN, PROBE_PAYLOAD_MAX, true),
	PK("mtu_min", PK_UINT, mtu_min, PROBE_MTU_MIN, PROBE_MTU_MAX, true),
	PK("mtu_max", PK_UINT, mtu_max, PROBE_MTU_MIN, PROBE_MTU_MAX, true),
	PK("netns", PK_NETNS, netns, 0, 0, true),
	PK("interface", PK_IFNAME, interface, 0, 0, true),
	PK("quiet_when_traffic", PK_BOOL, quiet_when_traffic, 0, 0, true),
	PK("failing_after", PK_UINT, failing_after, 1, PROBE_FAILING_AFTER_MAX, true),
	PK("path", PK_PATH, path, 0, 0, false),
	PK("host", PK_HOST, host, 0, 0, false),
	PK("expect_status", PK_STATUS, expect_status, 100, 599, true),
	PK("expect_body", PK_TEXT, expect_body, 0, 0, false),
	PK("min_bytes", PK_UINT, min_bytes, 0, PROBE_HTTP_BODY_CAP, true),
	PK("connect_timeout", PK_MS, connect_timeout_ms, 1, PROBE_TIMEOUT_MAX_MS, true),
	/* https: blackbox_exporter's words (its tls_config), Prometheus' scheme */
	PK("scheme", PK_SCHEME, tls, 0, 0, true),
	PK("server_name", PK_HOST, server_name, 0, 0, false),
	PK("ca_file", PK_FILE, ca_file, 0, 0, true),
	PK("insecure_skip_verify", PK_BOOL, insecure_skip_verify, 0, 0, true),
	PK("tls_timeout", PK_MS, tls_timeout_ms, 1, PROBE_TIMEOUT_MAX_MS, true),
};

#define PK_PATH_MAX 4096          /* ca_file: PATH_MAX */

#define PK_NFIELDS (sizeof(pk_fields) / sizeof(pk_fields[0]))
/* the keys are too many for one error line: point at the manual */
#define PK_KEYS "see 'probes' in ikewatch.yml(5)"

/* A spec being parsed, and which of its keys were given. */
struct pk_entry {
	struct probe_spec s;
	bool set[PK_NFIELDS];
};

/* ---- helpers --------------------------------------------------------------- */

static const struct pk_field *cp_field(const char *key, size_t *i)
{
	for (*i = 0; key && *i < PK_NFIELDS; (*i)++)
		if (!strcmp(pk_fields[*i].key, key))
			return &pk_fields[*i];
	return NULL;
}

static bool cp_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static int cp_set_string(struct probes_yaml *y, char **slot, const char *v)
{
	char *p = strdup(v);

	if (!p)
		return err_set(y->base.err, -ENOMEM, "out of memory");
	free(*slot);
	*slot = p;
	return 0;
}

static void cp_store_uint(void *p, size_t size, uint64_t v)
{
	if (size == sizeof(uint16_t))
		*(uint16_t *)p = (uint16_t)v;
	else if (size == sizeof(uint32_t))
		*(uint32_t *)p = (uint32_t)v;
	else
		*(uint64_t *)p = v;
}

/* ---- one value -------------------------------------------------------------- */

static int cp_type(enum probe_type *t, const char *v)
{
	int i;

	for (i = 0; i < PROBE_TYPE_COUNT; i++)
		if (!strcmp(v, probe_type_names[i]))
			return *t = (enum probe_type)i, 0;
	return -EINVAL;
}

/* scheme: http or https; its index is whether TLS is on */
static int cp_scheme(bool *tls, const char *v)
{
	static const char *const schemes[] = { "http", "https" };
	size_t i;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (!strcmp(v, schemes[i]))
			return *tls = i == 1, 0;
	return -EINVAL;
}

static int cp_number(struct probes_yaml *y, const struct pk_field *f, const yaml_node_t *n,
		     const char *v, const char *where, void *p)
{
	uint64_t x;

	if (f->kind == PK_MS) {
		if (num_parse_duration_ms(v, f->max, &x) || x < f->min)
			return cfg_fail(&y->base, n, "%s.%s: want a duration from %llums to %llus (e.g. 500ms, 30s)",
				       where, f->key, (unsigned long long)f->min,
				       (unsigned long long)f->max / 1000);
	} else if (num_parse_u64_str(v, f->max, &x) || x < f->min) {
		return cfg_fail(&y->base, n, "%s.%s: want a number from %llu to %llu", where, f->key,
			       (unsigned long long)f->min, (unsigned long long)f->max);
	}
	cp_store_uint(p, f->size, x);
	return 0;
}

/* A request target: "/" and then printable characters without spaces. */
static bool cp_path_ok(const char *v)
{
	if (v[0] != '/' || strlen(v) > PROBE_PATH_MAX)
		return false;
	for (; *v; v++)
		if ((unsigned char)*v <= 0x20 || *v == 0x7f)
			return false;
	return true;
}

/* expect_status: one code or a list of codes. */
static int cp_status(struct probes_yaml *y, const struct pk_field *f, const yaml_node_t *n,
		     const char *where, struct probe_spec *s)
{
	yaml_node_item_t *it;
	uint64_t code;
	unsigned k = 0;

	if (n->type == YAML_SCALAR_NODE) {
		if (num_parse_u64_str(cfg_scalar(n), f->max, &code) || code < f->min)
			return cfg_fail(&y->base, n, "%s.expect_status: want status codes from 100 to 599", where);
		s->expect_status[0] = (uint16_t)code;
		s->nexpect_status = 1;
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return cfg_fail(&y->base, n, "%s.expect_status: want a status code or a list of them", where);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++, k++) {
		const yaml_node_t *e = cfg_node(&y->base, *it);
		const char *v = cfg_scalar(e);

		if (k == PROBE_STATUS_MAX)
			return cfg_fail(&y->base, e, "%s.expect_status: at most %d codes", where,
				       PROBE_STATUS_MAX);
		if (!v || num_parse_u64_str(v, f->max, &code) || code < f->min)
			return cfg_fail(&y->base, e, "%s.expect_status: want status codes from 100 to 599", where);
		s->expect_status[k] = (uint16_t)code;
	}
	if (k == 0)
		return cfg_fail(&y->base, n, "%s.expect_status: want at least one code", where);
	s->nexpect_status = k;
	return 0;
}

static int cp_http_text(struct probes_yaml *y, const struct pk_field *f, const yaml_node_t *n,
			const char *where, const char *v, void *p)
{
	switch (f->kind) {
	case PK_PATH:
		if (!cp_path_ok(v))
			return cfg_fail(&y->base, n, "%s.path: want a path starting with '/', without spaces, "
				       "at most %d bytes", where, PROBE_PATH_MAX);
		break;
	case PK_HOST:
		if (strlen(v) > PROBE_HOST_MAX || strchr(v, ' ') || !cp_printable(v))
			return cfg_fail(&y->base, n, "%s.%s: want a host name of at most %d bytes",
				       where, f->key, PROBE_HOST_MAX);
		break;
	case PK_FILE:
		if (strlen(v) >= PK_PATH_MAX || !cp_printable(v))
			return cfg_fail(&y->base, n, "%s.%s: want a file name of at most %d bytes",
				       where, f->key, PK_PATH_MAX - 1);
		break;
	default:
		if (strlen(v) > PROBE_EXPECT_BODY_MAX || !cp_printable(v))
			return cfg_fail(&y->base, n, "%s.expect_body: want printable text of at most %d bytes",
				       where, PROBE_EXPECT_BODY_MAX);
		break;
	}
	return cp_set_string(y, p, v);
}

static int cp_value(struct probes_yaml *y, const struct pk_field *f, const yaml_node_t *n,
		    const char *where, struct probe_spec *s)
{
	const char *v = cfg_scalar(n);
	void *p = (char *)s + f->off;
	struct probe_ip a;

	if (f->kind == PK_STATUS)
		return cp_status(y, f, n, where, s);
	if (!v || !*v)
		return cfg_fail(&y->base, n, "%s.%s: want a single value", where, f->key);
	switch (f->kind) {
	case PK_LABEL:
		if (strlen(v) > PROBE_LABEL_MAX || !cp_printable(v))
			return cfg_fail(&y->base, n, "%s.%s: want printable text of at most %d bytes",
				       where, f->key, PROBE_LABEL_MAX);
		return cp_set_string(y, p, v);
	case PK_TYPE:
		if (cp_type(p, v))
			return cfg_fail(&y->base, n, "%s.type: unknown type '%s' (icmp, tcp, mtu, http)", where, v);
		return 0;
	case PK_ADDR:
		if (probe_addr_parse(v, &a))
			return cfg_fail(&y->base, n, "%s.%s: want an IPv4 or IPv6 address (without zone, "
				       "brackets or prefix length), not '%s'", where, f->key, v);
		return cp_set_string(y, p, v);
	case PK_NETNS:
		if (!probe_sock_netns_ok(v))
			return cfg_fail(&y->base, n, "%s.netns: want the name of an `ip netns` namespace", where);
		return cp_set_string(y, p, v);
	case PK_IFNAME:
		if (strlen(v) >= PROBE_IFNAME_MAX || strchr(v, '/') || !cp_printable(v))
			return cfg_fail(&y->base, n, "%s.interface: want an interface name (at most %d bytes)",
				       where, PROBE_IFNAME_MAX - 1);
		return cp_set_string(y, p, v);
	case PK_BOOL:
		if (cfg_bool(v, p))
			return cfg_fail(&y->base, n, "%s.%s: want true or false", where, f->key);
		return 0;
	case PK_SCHEME:
		if (cp_scheme(p, v))
			return cfg_fail(&y->base, n, "%s.scheme: want http or https, not '%s'", where, v);
		return 0;
	case PK_PATH:
	case PK_HOST:
	case PK_TEXT:
	case PK_FILE:
		return cp_http_text(y, f, n, where, v, p);
	case PK_STATUS:
	case PK_OFFSET:
	case PK_UINT:
	case PK_MS:
		break;
	}
	return cp_number(y, f, n, v, where, p);
}

/* ---- one probe -------------------------------------------------------------- */

static int cp_keys(struct probes_yaml *y, const yaml_node_t *map, const char *where,
		   bool defaults, struct pk_entry *e)
{
	yaml_node_pair_t *p;
	size_t i;
	int r;

	if (map->type != YAML_MAPPING_NODE)
		return cfg_fail(&y->base, map, "%s: want a mapping (%s)", where, PK_KEYS);
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = cfg_node(&y->base, p->key);
		const char *key = cfg_scalar(k);
		const struct pk_field *f = cp_field(key, &i);

		if (!f)
			return cfg_fail(&y->base, k, "%s: unknown key '%s' (%s)", where, key ? key : "?",
				       PK_KEYS);
		if (defaults && !f->in_defaults)
			return cfg_fail(&y->base, k, "%s: '%s' cannot be a default", where, key);
		r = cp_value(y, f, cfg_node(&y->base, p->value), where, &e->s);
		if (r)
			return r;
		e->set[i] = true;
	}
	return 0;
}

static bool cp_was_set(const struct pk_entry *e, const char *key)
{
	size_t i;

	return cp_field(key, &i) && e->set[i];
}

/* Fills what neither the probe nor the defaults gave. */
static void cp_fill(struct pk_entry *e)
{
	struct probe_spec *s = &e->s;

	if (!cp_was_set(e, "count"))
		s->count = s->type == PROBE_TCP ? 1 : 3;
	/* one request per run: a count (from the defaults, say) does not apply */
	if (s->type == PROBE_HTTP)
		s->count = 1;
	if (s->type == PROBE_HTTP && !s->port)
		s->port = s->tls ? PROBE_HTTPS_PORT : PROBE_HTTP_PORT;
	/* https settings from the defaults mean nothing to other probes */
	if (s->type != PROBE_HTTP || !s->tls) {
		s->tls = false;
		free(s->ca_file);
		s->ca_file = NULL;
		s->insecure_skip_verify = false;
		s->tls_timeout_ms = 0;
	}
	if (!s->name)
		s->name = strdup(probe_type_names[s->type]);
	/* without one, an IPv6 search starts at 1280 (probe_spec_mtu_min) */
	s->mtu_min_given = cp_was_set(e, "mtu_min");
	/* packets of any size prove nothing about full-size ones: an mtu or
	 * http probe always runs (the flag may come from the defaults) */
	if (s->type == PROBE_MTU || s->type == PROBE_HTTP)
		s->quiet_when_traffic = false;
}

/* The first http-only key a probe set, or NULL. */
static const char *cp_http_key(const struct pk_entry *e)
{
	static const char *const keys[] = { "path", "host", "expect_status", "expect_body",
					    "min_bytes", "connect_timeout", "scheme" };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (cp_was_set(e, keys[i]))
			return keys[i];
	return NULL;
}

/* A given target and source are of one family. */
static int cp_check_family(struct probes_yaml *y, const struct probe_spec *s, const yaml_node_t *n,
			   const char *where)
{
	struct probe_ip t, src;

	if (!s->target || !s->source || probe_addr_parse(s->target, &t) ||
	    probe_addr_parse(s->source, &src) || t.family == src.family)
		return 0;
	return cfg_fail(&y->base, n, "%s: probe '%s' of %s/%s: target %s is %s but source %s is %s",
		       where, s->name, s->conn, s->child, s->target,
		       probe_addr_family_name(t.family), s->source,
		       probe_addr_family_name(src.family));
}

static const char *const cp_tls_keys[] = { "server_name", "ca_file", "insecure_skip_verify",
					   "tls_timeout" };
#define CP_NTLS_KEYS (sizeof(cp_tls_keys) / sizeof(cp_tls_keys[0]))

/* The first https-only key a probe set, or NULL. */
static const char *cp_tls_key(const struct pk_entry *e)
{
	size_t i;

	for (i = 0; i < CP_NTLS_KEYS; i++)
		if (cp_was_set(e, cp_tls_keys[i]))
			return cp_tls_keys[i];
	return NULL;
}

/* An earlier probe checked the same ca_file already. */
static bool cp_ca_checked(const struct probes_yaml *y, const char *path)
{
	size_t i;

	for (i = 0; i < y->pc->n; i++)
		if (y->pc->v[i].ca_file && !strcmp(y->pc->v[i].ca_file, path))
			return true;
	return false;
}

/* What an https probe must satisfy; its CA file is read now, so that a
 * missing or empty one stops the start, not every run. */
static int cp_check_tls(struct probes_yaml *y, const struct pk_entry *e, const yaml_node_t *n,
			const char *where)
{
	const struct probe_spec *s = &e->s;
	struct ikw_err why = { "" };

	if (!s->tls && cp_tls_key(e))
		return cfg_fail(&y->base, n, "%s: '%s' is for https probes only (scheme: https)",
			       where, cp_tls_key(e));
	if (!s->tls)
		return 0;
	if (s->tls_timeout_ms > s->timeout_ms)
		return cfg_fail(&y->base, n, "%s: tls_timeout is above timeout", where);
	if (cp_was_set(e, "ca_file") && cp_was_set(e, "insecure_skip_verify") &&
	    s->insecure_skip_verify)
		return cfg_fail(&y->base, n, "%s: 'ca_file' and 'insecure_skip_verify: true' exclude each other",
			       where);
	if (s->ca_file && !s->insecure_skip_verify && !cp_ca_checked(y, s->ca_file) &&
	    probe_tls_ca_check(s->ca_file, &why))
		return cfg_fail(&y->base, n, "%s: probe %s/%s/%s: ca_file %s", where, s->conn,
			       s->child, s->name, why.msg);
	return 0;
}

/* What a probe must satisfy once all its keys are known. */
static int cp_check(struct probes_yaml *y, const struct pk_entry *e, const yaml_node_t *n,
		    const char *where)
{
	const struct probe_spec *s = &e->s;
	uint64_t run;
	int r;

	if (!s->conn || !s->child)
		return cfg_fail(&y->base, n, "%s: needs 'conn' and 'child'", where);
	if (!s->name)
		return err_set(y->base.err, -ENOMEM, "out of memory");
	if (!s->target == (s->target_offset == PROBE_OFFSET_NONE))
		return cfg_fail(&y->base, n, "%s: needs exactly one of 'target' and 'target_offset'", where);
	if (s->source && s->source_offset != PROBE_OFFSET_NONE)
		return cfg_fail(&y->base, n, "%s: 'source' and 'source_offset' exclude each other", where);
	r = cp_check_family(y, s, n, where);
	if (r)
		return r;
	if (s->type == PROBE_TCP && !s->port)
		return cfg_fail(&y->base, n, "%s: a tcp probe needs 'port'", where);
	if (s->type != PROBE_TCP && s->type != PROBE_HTTP && s->port)
		return cfg_fail(&y->base, n, "%s: 'port' is for tcp and http probes only", where);
	if (s->type != PROBE_HTTP && cp_http_key(e))
		return cfg_fail(&y->base, n, "%s: '%s' is for http probes only", where, cp_http_key(e));
	if (s->type == PROBE_HTTP && s->connect_timeout_ms > s->timeout_ms)
		return cfg_fail(&y->base, n, "%s: connect_timeout is above timeout", where);
	r = cp_check_tls(y, e, n, where);
	if (r)
		return r;
	if (s->mtu_min > s->mtu_max)
		return cfg_fail(&y->base, n, "%s: mtu_min is above mtu_max", where);

	run = probe_spec_max_run_ms(s);
	if (run >= s->interval_ms)
		return cfg_fail(&y->base, n, "%s: a run can take %llums (count, spacing, timeout), "
			       "not less than the interval of %ums", where,
			       (unsigned long long)run, (unsigned)s->interval_ms);
	return 0;
}

static int cp_unique(struct probes_yaml *y, const struct probe_spec *s, const yaml_node_t *n,
		     const char *where)
{
	size_t i;

	for (i = 0; i < y->pc->n; i++) {
		const struct probe_spec *o = &y->pc->v[i];

		if (!strcmp(o->conn, s->conn) && !strcmp(o->child, s->child) &&
		    !strcmp(o->name, s->name))
			return cfg_fail(&y->base, n, "%s: another probe is already named '%s' for %s/%s",
				       where, s->name, s->conn, s->child);
	}
	return 0;
}

static void cp_unset(struct pk_entry *e, const char *key)
{
	size_t i;

	if (cp_field(key, &i))
		e->set[i] = false;
}

/* A copy of the defaults: the strings are duplicated.  http-only defaults
 * apply to the http probes and are ignored by the others, so they do not
 * count as set. */
static int cp_from_defaults(struct probes_yaml *y, const struct pk_entry *dfl, struct pk_entry *e)
{
	*e = *dfl;
	cp_unset(e, "expect_status");
	cp_unset(e, "min_bytes");
	cp_unset(e, "connect_timeout");
	cp_unset(e, "scheme");
	cp_unset(e, "ca_file");
	cp_unset(e, "insecure_skip_verify");
	cp_unset(e, "tls_timeout");
	e->s.netns = NULL;
	e->s.interface = NULL;
	e->s.ca_file = NULL;
	if ((dfl->s.netns && cp_set_string(y, &e->s.netns, dfl->s.netns)) ||
	    (dfl->s.interface && cp_set_string(y, &e->s.interface, dfl->s.interface)) ||
	    (dfl->s.ca_file && cp_set_string(y, &e->s.ca_file, dfl->s.ca_file)))
		return -ENOMEM;
	return 0;
}

static int cp_append(struct probes_yaml *y, struct pk_entry *e)
{
	struct probe_spec *v = realloc(y->pc->v, (y->pc->n + 1) * sizeof(*v));

	if (!v)
		return err_set(y->base.err, -ENOMEM, "out of memory");
	y->pc->v = v;
	v[y->pc->n++] = e->s;
	memset(&e->s, 0, sizeof(e->s));
	return 0;
}

static int cp_probe(struct probes_yaml *y, const struct pk_entry *dfl, const yaml_node_t *n,
		    const char *where)
{
	struct pk_entry e;
	int r;

	if (y->pc->n >= PROBES_MAX)
		return cfg_fail(&y->base, n, "%s: more than %d probes", where, PROBES_MAX);
	r = cp_from_defaults(y, dfl, &e);
	if (!r)
		r = cp_keys(y, n, where, false, &e);
	if (!r) {
		cp_fill(&e);
		r = cp_check(y, &e, n, where);
	}
	if (!r)
		r = cp_unique(y, &e.s, n, where);
	if (!r)
		r = cp_append(y, &e);
	probe_spec_release(&e.s);
	return r;
}

static int cp_list(struct probes_yaml *y, const struct pk_entry *dfl, const yaml_node_t *v,
		   const char *prefix)
{
	yaml_node_item_t *it;
	char where[64];
	size_t i = 0;
	int r;

	if (v->type != YAML_SEQUENCE_NODE)
		return cfg_fail(&y->base, v, "%s: want a list of probes", prefix);
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++, i++) {
		snprintf(where, sizeof(where), "%s[%zu]", prefix, i);
		r = cp_probe(y, dfl, cfg_node(&y->base, *it), where);
		if (r)
			return r;
	}
	return 0;
}

/* ---- the section ------------------------------------------------------------- */

static void cp_defaults_init(struct pk_entry *d)
{
	memset(d, 0, sizeof(*d));
	d->s.type = PROBE_ICMP;
	d->s.target_offset = PROBE_OFFSET_NONE;
	d->s.source_offset = PROBE_OFFSET_NONE;
	d->s.interval_ms = 30000;
	d->s.timeout_ms = 2000;
	d->s.spacing_ms = 200;
	d->s.payload = 56;
	d->s.mtu_min = PROBE_MTU_MIN_DEFAULT;
	d->s.mtu_max = 1500;
	d->s.failing_after = PROBE_FAILING_AFTER_DEFAULT;
}

static int cp_max_concurrent(struct probes_yaml *y, const yaml_node_t *v)
{
	const char *s = cfg_scalar(v);
	uint64_t n;

	if (!s || num_parse_u64_str(s, PROBE_CONCURRENT_MAX, &n) || n == 0)
		return cfg_fail(&y->base, v, "probes.max_concurrent: want a number from 1 to %d",
			       PROBE_CONCURRENT_MAX);
	y->pc->max_concurrent = (unsigned)n;
	return 0;
}

/* The mapping form: defaults and max_concurrent first, wherever they are
 * written, then the list. */
static int cp_mapping(struct probes_yaml *y, const yaml_node_t *map, struct pk_entry *dfl)
{
	const yaml_node_t *list = NULL;
	yaml_node_pair_t *p;
	int r = 0;

	for (p = map->data.mapping.pairs.start; !r && p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = cfg_node(&y->base, p->key), *v = cfg_node(&y->base, p->value);
		const char *key = cfg_scalar(k);

		if (key && !strcmp(key, "defaults"))
			r = cp_keys(y, v, "probes.defaults", true, dfl);
		else if (key && !strcmp(key, "max_concurrent"))
			r = cp_max_concurrent(y, v);
		else if (key && !strcmp(key, "list"))
			list = v;
		else
			r = cfg_fail(&y->base, k, "unknown key '%s' in 'probes' (defaults, max_concurrent, list)",
				    key ? key : "?");
	}
	if (!r && list)
		r = cp_list(y, dfl, list, "probes.list");
	return r;
}

int config_probes_parse(struct probe_config *pc, yaml_document_t *doc,
			yaml_node_t *node, const char *filename, struct ikw_err *err)
{
	struct probes_yaml y = { { doc, filename ? filename : "config", err }, pc };
	struct pk_entry dfl;
	int r;

	probe_config_release(pc);
	cp_defaults_init(&dfl);
	if (!node)
		return cfg_fail(&y.base, node, "'probes' must be a list or a mapping");
	if (node->type == YAML_SCALAR_NODE && node->data.scalar.length == 0)
		return 0;
	if (node->type == YAML_SEQUENCE_NODE)
		r = cp_list(&y, &dfl, node, "probes");
	else if (node->type == YAML_MAPPING_NODE)
		r = cp_mapping(&y, node, &dfl);
	else
		r = cfg_fail(&y.base, node, "'probes' must be a list or a mapping");
	probe_spec_release(&dfl.s);
	return r;
}
