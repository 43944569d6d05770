#include "config/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/file.h"
#include "common/num.h"
#include "config/config_probes.h"
#include "config/config_redact.h"
#include "config/config_yaml.h"
#include "model/error_trend.h"
#include "vici/vici_conn.h"

enum setting_kind { SET_STRING, SET_PATH, SET_DURATION, SET_LEVEL, SET_BOOL,
		    SET_LIST, SET_UINT, SET_OPTIONAL,   /* OPTIONAL: "" turns it off */
		    SET_WINDOW,                         /* a duration; 0 turns it off */
		    SET_GROUP_SET };                    /* collector.set: many groups */

struct setting {
	const char *section, *key;   /* YAML: section.key */
	const char *flag;            /* without the leading "--" */
	enum setting_kind kind;
	size_t offset, count_offset; /* count_offset for lists */
};

#define OFF(f) offsetof(struct config, f)

static const struct setting config_settings[] = {
	{ "web", "listen_address", "web.listen-address", SET_STRING, OFF(listen_address), 0 },
	{ "web", "telemetry_path", "web.telemetry-path", SET_PATH, OFF(telemetry_path), 0 },
	{ "web", "max_connections", "web.max-connections", SET_UINT, OFF(max_connections), 0 },
	{ "web", "max_concurrent_scrapes", "web.max-concurrent-scrapes", SET_UINT,
	  OFF(max_concurrent_scrapes), 0 },
	{ "web", "request_timeout", "web.request-timeout", SET_DURATION,
	  OFF(web_request_timeout_ms), 0 },
	{ "web", "response_timeout", "web.response-timeout", SET_DURATION,
	  OFF(web_response_timeout_ms), 0 },
	{ "scrape", "reuse_window", "scrape.reuse-window", SET_WINDOW,
	  OFF(scrape_reuse_window_ms), 0 },
	{ "vici", "socket", "vici.socket", SET_STRING, OFF(vici_socket), 0 },
	{ "vici", "timeout", "vici.timeout", SET_DURATION, OFF(vici_timeout_ms), 0 },
	{ "log", "level", "log.level", SET_LEVEL, OFF(log_level), 0 },
	{ "labels", "peer", "collector.peer-labels", SET_BOOL, OFF(peer_labels), 0 },
	{ "labels", "identities", "collector.identity-labels", SET_UINT, OFF(identity_labels), 0 },
	{ NULL, NULL, "collector.redact", SET_STRING, OFF(redact_mode_flag), 0 },
	{ NULL, NULL, "collector.redact.salt-file", SET_STRING, OFF(redact_salt_flag), 0 },
	{ "connections", "expect_up", "expect-up", SET_LIST, OFF(expect_up),
	  OFF(n_expect_up) },
	{ "connections", "ignore", "ignore", SET_LIST, OFF(ignore), OFF(n_ignore) },
	{ "textfile", "directory", "output", SET_STRING, OFF(output_dir), 0 },
	{ "textfile", "state_file", "textfile.state-file", SET_STRING, OFF(textfile_state), 0 },
	{ "textfile", "logs_state_file", "textfile.logs-state-file", SET_STRING, OFF(textfile_logs_state), 0 },
	{ "events", "enabled", "events", SET_BOOL, OFF(events_enabled), 0 },
	{ "kernel", "xfrm", "collector.xfrm", SET_BOOL, OFF(xfrm_enabled), 0 },
	{ "collectors", "set", "collector.set", SET_GROUP_SET, 0, 0 },
	{ "collectors", "certs", "collector.certs", SET_BOOL,
	  OFF(collector_groups[METRIC_GROUP_CERTS]), 0 },
	{ "collectors", "pools", "collector.pools", SET_BOOL,
	  OFF(collector_groups[METRIC_GROUP_POOLS]), 0 },
	{ "collectors", "counters", "collector.counters", SET_BOOL,
	  OFF(collector_groups[METRIC_GROUP_COUNTERS]), 0 },
	{ "collectors", "info", "collector.info", SET_BOOL,
	  OFF(collector_groups[METRIC_GROUP_INFO]), 0 },
	{ "collectors", "timestamps", "collector.timestamps", SET_BOOL,
	  OFF(collector_groups[METRIC_GROUP_TIMESTAMPS]), 0 },
	{ "collectors", "status", "collector.status", SET_BOOL,
	  OFF(collector_groups[METRIC_GROUP_STATUS]), 0 },
	{ "collectors", "negotiation", "collector.negotiation", SET_BOOL,
	  OFF(collector_groups[METRIC_GROUP_NEGOTIATION]), 0 },
	{ "collectors", "remote_access", "collector.remote-access", SET_BOOL,
	  OFF(collector_groups[METRIC_GROUP_REMOTE_ACCESS]), 0 },
	{ "kernel", "xfrm_netns", "collector.xfrm.netns", SET_STRING, OFF(xfrm_netns), 0 },
	{ "kernel", "xfrm_stat_path", "collector.xfrm-stat.path", SET_OPTIONAL,
	  OFF(xfrm_stat_path), 0 },
	{ "kernel", "klips_path", "collector.klips.path", SET_OPTIONAL, OFF(klips_path), 0 },
	{ "libreswan", "ctlsocket", "collector.libreswan.ctlsocket", SET_OPTIONAL,
	  OFF(libreswan_ctlsocket), 0 },
	{ "libreswan", "whack", "collector.libreswan.whack", SET_STRING,
	  OFF(libreswan_whack), 0 },
	{ "status", "actions", "status.actions", SET_BOOL, OFF(status_actions), 0 },
	{ "status", "token_file", "status.token-file", SET_STRING, OFF(status_token_file), 0 },
	{ "status", "audit_log", "status.audit-log", SET_STRING, OFF(status_audit_log), 0 },
	{ "status", "refresh", "status.refresh", SET_DURATION, OFF(status_refresh_ms), 0 },
	{ "status", "degraded_window", "status.degraded-window", SET_DURATION,
	  OFF(status_degraded_window_ms), 0 },
	{ "status", "url", "url", SET_STRING, OFF(status_url), 0 },
	{ "status", "color", "color", SET_BOOL, OFF(status_color), 0 },
	{ NULL, NULL, "json", SET_BOOL, OFF(status_json), 0 },
	{ NULL, NULL, "log", SET_BOOL, OFF(status_log), 0 },
	{ NULL, NULL, "conn", SET_STRING, OFF(status_conn), 0 },
	{ NULL, NULL, "width", SET_UINT, OFF(status_width), 0 },
	{ NULL, NULL, "terminate-ike", SET_UINT, OFF(status_terminate_ike), 0 },
	{ NULL, NULL, "terminate-child", SET_UINT, OFF(status_terminate_child), 0 },
	{ NULL, NULL, "initiate", SET_STRING, OFF(status_initiate), 0 },
	{ "status", "tls_ca_file", "tls.ca-file", SET_STRING, OFF(status_tls_ca_file), 0 },
	{ "status", "tls_cert_file", "tls.cert-file", SET_STRING, OFF(status_tls_cert_file), 0 },
	{ "status", "tls_key_file", "tls.key-file", SET_STRING, OFF(status_tls_key_file), 0 },
	{ "status", "tls_insecure_skip_verify", "tls.insecure-skip-verify", SET_BOOL,
	  OFF(status_tls_insecure), 0 },
	{ "status", "auth_bearer_file", "auth.bearer-file", SET_STRING,
	  OFF(status_auth_bearer_file), 0 },
	{ "status", "auth_basic_user", "auth.basic-user", SET_STRING, OFF(status_auth_basic_user), 0 },
	{ "status", "auth_basic_password_file", "auth.basic-password-file", SET_STRING,
	  OFF(status_auth_basic_password_file), 0 },
	{ "events", "rekey_overdue_margin", "events.rekey-overdue-margin", SET_DURATION,
	  OFF(rekey_overdue_margin_ms), 0 },
	{ "events", "log_file", "events.log-file", SET_OPTIONAL, OFF(events_log_file), 0 },
	{ "events", "journal", "events.journal", SET_BOOL, OFF(events_journal), 0 },
	{ "events", "log_rate", "events.log-rate", SET_UINT, OFF(events_log_rate), 0 },
	{ "events", "log_queue", "events.log-queue", SET_UINT, OFF(events_log_queue), 0 },
	{ "blackbox", "address", "blackbox.address", SET_STRING, OFF(blackbox_address), 0 },
	{ "web", "config_file", "web.config.file", SET_STRING, OFF(web_config_file), 0 },
	{ "process", "run_as", "run-as", SET_STRING, OFF(run_as), 0 },
};

#define NSETTINGS (sizeof(config_settings) / sizeof(config_settings[0]))

const char config_flags_usage[] =
	"  --config.file=PATH              YAML configuration file\n"
	"  --web.listen-address=ADDR       address to serve on (default " IKW_DEFAULT_LISTEN ")\n"
	"  --web.telemetry-path=PATH       path of the metrics (default /metrics)\n"
	"  --web.max-connections=N         concurrent HTTP connections (default 64)\n"
	"  --web.max-concurrent-scrapes=N  concurrent scrapes (default 4)\n"
	"  --web.request-timeout=DURATION  a request's headers and body, whatever the pace (default 10s)\n"
	"  --web.response-timeout=DURATION a response, the collection included (default 60s)\n"
	"  --web.config.file=PATH          TLS, client certificates and basic auth, in the\n"
	"                                  exporter-toolkit's web-config.yml format\n"
	"  --run-as=USER                   serve: started as root, become USER and keep\n"
	"                                  only the capabilities needed (docs/security.md)\n"
	"  --scrape.reuse-window=DURATION  serve: a scrape within DURATION of the start of a\n"
	"                                  finished collection is served from it (an HA pair\n"
	"                                  of Prometheus servers); 0 turns it off (default 4s)\n"
	"  --vici.socket=PATH              charon's VICI socket (default " VICI_DEFAULT_SOCKET ")\n"
	"  --vici.timeout=DURATION         time budget of one collection (default 10s)\n"
	"  --log.level=LEVEL               error, warn, info or debug (default info)\n"
	"  --[no-]collector.peer-labels    peer addresses as labels of info metrics (default on)\n"
	"  --collector.identity-labels=N   per-identity series of remote-access connections for\n"
	"                                  at most N identities, the rest as \"other\" (default off)\n"
	"  --collector.redact=MODE         none, hash or alias: peers' addresses and identities\n"
	"                                  replaced in metrics and pages (YAML redact:)\n"
	"  --collector.redact.salt-file=PATH  the secret the hashes are keyed with\n"
	"  --expect-up=GLOB                connections expected up (repeatable; default: all\n"
	"                                  that can initiate, i.e. remote_addrs not %any)\n"
	"  --ignore=GLOB                   connections not exported at all (repeatable)\n"
	"  --output=DIR                    textfile: directory to write ipsec.prom into\n"
	"  --textfile.state-file=PATH      textfile: traffic counters between runs\n"
	"                                  (default DIR/.ikewatch-ledger.state)\n"
	"  --textfile.logs-state-file=PATH textfile: log positions and failure counters\n"
	"                                  between runs (default DIR/.ikewatch-logs.state)\n"
	"  --[no-]events                   serve: follow charon's SA events (default on)\n"
	"  --[no-]collector.xfrm           the kernel's XFRM SAs and policies (default on)\n"
	"  --collector.set=SET             default (every group below on) or minimal (state,\n"
	"                                  traffic, rekey health: every group below off and\n"
	"                                  --no-collector.xfrm); flags after it override it\n"
	"  --[no-]collector.certs          certificates of conns (list-certs; default on)\n"
	"  --[no-]collector.pools          virtual IP pools (get-pools; default on)\n"
	"  --[no-]collector.counters       the counters plugin's IKE message counts\n"
	"                                  (get-counters; default on)\n"
	"  --[no-]collector.info           the _info families of conns, IKE SAs, children\n"
	"                                  and CHILD SAs (default on)\n"
	"  --[no-]collector.timestamps     established, installed, last packet and expiry\n"
	"                                  times (rekey times stay; default on)\n"
	"  --[no-]collector.status         ipsec_conn_status, six series a conn (default on)\n"
	"  --[no-]collector.negotiation    seconds a conn has been connecting (default on)\n"
	"  --[no-]collector.remote-access  ipsec_ra_* sessions of remote-access conns\n"
	"                                  (default on)\n"
	"  --collector.xfrm.netns=NAME     read XFRM in that `ip netns` namespace\n"
	"  --collector.xfrm-stat.path=PATH XFRM error counters (default /proc/net/xfrm_stat;\n"
	"                                  \"\" turns it off)\n"
	"  --collector.klips.path=PATH     KLIPS SAs (default /proc/net/ipsec_spi; \"\" off)\n"
	"  --collector.libreswan.ctlsocket=PATH  libreswan: watch the pluto of this control\n"
	"                                  socket (e.g. /run/pluto/pluto.ctl) instead of charon\n"
	"  --collector.libreswan.whack=PATH  the whack that asks it (default ipsec's,\n"
	"                                  " IKW_DEFAULT_WHACK ")\n"
	"                                  pluto's events and failures: its log, with\n"
	"                                  logs: {daemon: pluto, files: [...]} in the config\n"
	"  --events.rekey-overdue-margin=D a rekey this late is overdue (default 60s)\n"
	"  --events.log-file=PATH          serve: one JSON line per event (SA up, down, rekey,\n"
	"                                  failure, alert, remediation) appended here;\n"
	"                                  reopened on SIGHUP (docs/eventlog.md)\n"
	"  --[no-]events.journal           serve: the same events to the journal (default off)\n"
	"  --events.log-rate=N             event log lines a second at most (default 100)\n"
	"  --events.log-queue=N            event log lines waiting at most (default 10000)\n"
	"  --blackbox.address=HOST:PORT    blackbox-config: where blackbox_exporter listens\n"
	"                                  (default 127.0.0.1:9115)\n"
	"status (also YAML status:):\n"
	"  --json                          status: JSON instead of the table\n"
	"  --log                           status: each conn's negotiation and event timeline, and\n"
	"                                  the daemon's VPN log (newest first; with --url)\n"
	"  --conn=GLOB                     status: only these connections\n"
	"  --[no-]color                    status: ANSI colour on a terminal (default on)\n"
	"  --width=N                       status: table width (default: the terminal's)\n"
	"  --url=http[s]://HOST:PORT       status: ask a running daemon instead of charon\n"
	"  --tls.ca-file=PATH              status --url: verify the daemon's certificate\n"
	"                                  against this CA (default: the system's)\n"
	"  --tls.cert-file=PATH, --tls.key-file=PATH\n"
	"                                  status --url: a client certificate and its key\n"
	"  --[no-]tls.insecure-skip-verify status --url: no certificate check (warns)\n"
	"  --auth.bearer-file=PATH         status --url: Authorization: Bearer (first line)\n"
	"  --auth.basic-user=USER, --auth.basic-password-file=PATH\n"
	"                                  status --url: basic auth (web.config's users)\n"
	"  --terminate-ike=ID, --terminate-child=ID, --initiate=CONN/CHILD\n"
	"                                  status: act through the daemon (--url; needs\n"
	"                                  --status.token-file and status.actions there)\n"
	"  --[no-]status.actions           serve: allow actions from /status (default off)\n"
	"  --status.token-file=PATH        the bearer token actions need\n"
	"  --status.audit-log=PATH         serve: every action is appended here\n"
	"  --status.refresh=DURATION       serve: /status reloads itself (default 10s)\n"
	"  --status.degraded-window=D      serve: a conn is degraded while its kernel errors\n"
	"                                  grew within D (default 5m, whole seconds)\n"
	"  -h, --help                      this help\n"
	"  --version                       print the version\n";

void config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->listen_address = strdup(IKW_DEFAULT_LISTEN);
	c->telemetry_path = strdup("/metrics");
	c->vici_socket = strdup(VICI_DEFAULT_SOCKET);
	c->vici_timeout_ms = 10000;
	c->log_level = LOG_LEVEL_INFO;
	c->peer_labels = true;
	c->max_connections = 64;
	c->events_enabled = true;
	c->xfrm_enabled = true;
	config_collectors_set(c->collector_groups, &c->xfrm_enabled, "default");
	c->status_color = true;
	c->status_refresh_ms = 10000;
	c->status_degraded_window_ms = ERROR_TREND_WINDOW_DEFAULT * 1000;
	c->xfrm_stat_path = strdup("/proc/net/xfrm_stat");
	c->klips_path = strdup("/proc/net/ipsec_spi");
	c->libreswan_whack = strdup(IKW_DEFAULT_WHACK);
	log_config_init(&c->logs);
	redact_config_init(&c->redact);
	probe_config_init(&c->probes);
	remediate_config_init(&c->remediate);
	c->blackbox_address = strdup("127.0.0.1:9115");
	c->rekey_overdue_margin_ms = 60000;
	c->events_log_rate = 100;
	c->events_log_queue = 10000;
	c->max_concurrent_scrapes = 4;
	c->web_request_timeout_ms = 10000;
	c->web_response_timeout_ms = 60000;
	c->scrape_reuse_window_ms = CONFIG_REUSE_WINDOW_DEFAULT_MS;
}

static void config_free_list(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void config_release(struct config *c)
{
	free(c->listen_address);
	free(c->telemetry_path);
	free(c->vici_socket);
	free(c->config_file);
	free(c->output_dir);
	free(c->textfile_state);
	free(c->textfile_logs_state);
	free(c->xfrm_netns);
	free(c->redact_mode_flag);
	free(c->redact_salt_flag);
	free(c->status_token_file);
	free(c->status_audit_log);
	free(c->status_url);
	free(c->status_conn);
	free(c->status_initiate);
	free(c->status_tls_ca_file);
	free(c->status_tls_cert_file);
	free(c->status_tls_key_file);
	free(c->status_auth_bearer_file);
	free(c->status_auth_basic_user);
	free(c->status_auth_basic_password_file);
	free(c->xfrm_stat_path);
	free(c->klips_path);
	free(c->libreswan_ctlsocket);
	free(c->libreswan_whack);
	free(c->events_log_file);
	config_free_list(c->expect_up, c->n_expect_up);
	config_free_list(c->ignore, c->n_ignore);
	log_config_release(&c->logs);
	redact_config_release(&c->redact);
	probe_config_release(&c->probes);
	remediate_config_release(&c->remediate);
	free(c->blackbox_address);
	free(c->web_config_file);
	free(c->run_as);
	memset(c, 0, sizeof(*c));
}

static int config_replace(char **slot, const char *v)
{
	char *p = strdup(v);

	if (!p)
		return -ENOMEM;
	free(*slot);
	*slot = p;
	return 0;
}

static int config_append(char ***list, size_t *n, const char *v)
{
	char **p;

	if (*n >= CONFIG_LIST_MAX)
		return -E2BIG;
	p = realloc(*list, (*n + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	*list = p;
	p[*n] = strdup(v);
	if (!p[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* Applies one value; on error writes why (without location) into err. */
static int config_apply(struct config *c, const struct setting *s,
			const char *v, struct ikw_err *err)
{
	char *base = (char *)c;
	uint64_t n;

	switch (s->kind) {
	case SET_PATH:
		if (v[0] != '/')
			return err_set(err, -EINVAL, "'%s' must start with '/'", v);
		return config_replace((char **)(base + s->offset), v);
	case SET_OPTIONAL:
		return config_replace((char **)(base + s->offset), v);
	case SET_STRING:
		if (!*v)
			return err_set(err, -EINVAL, "empty value");
		return config_replace((char **)(base + s->offset), v);
	case SET_DURATION:
		if (num_parse_duration_ms(v, 24ULL * 3600 * 1000, &n) || n == 0)
			return err_set(err, -EINVAL,
				       "invalid duration '%s' (want e.g. 500ms, 10s, 1m)", v);
		*(uint64_t *)(base + s->offset) = n;
		return 0;
	case SET_WINDOW:
		if (num_parse_duration_ms(v, 3600ULL * 1000, &n))
			return err_set(err, -EINVAL,
				       "invalid duration '%s' (want e.g. 0, 500ms, 4s)", v);
		*(uint64_t *)(base + s->offset) = n;
		return 0;
	case SET_GROUP_SET:
		if (config_collectors_set(c->collector_groups, &c->xfrm_enabled, v))
			return err_set(err, -EINVAL,
				       "unknown set '%s' (default, minimal)", v);
		return 0;
	case SET_LEVEL:
		if (log_parse_level(v, (enum log_level *)(base + s->offset)))
			return err_set(err, -EINVAL,
				       "invalid log level '%s' (error, warn, info, debug)", v);
		return 0;
	case SET_BOOL:
		if (cfg_bool(v, (bool *)(base + s->offset)))
			return err_set(err, -EINVAL, "invalid boolean '%s'", v);
		return 0;
	case SET_UINT:
		if (num_parse_u64_str(v, 1000000, &n) || n == 0)
			return err_set(err, -EINVAL,
				       "invalid number '%s' (1 to 1000000)", v);
		*(unsigned *)(base + s->offset) = (unsigned)n;
		return 0;
	case SET_LIST:
		if (!*v)
			return err_set(err, -EINVAL, "empty pattern");
		if (config_append((char ***)(base + s->offset),
				  (size_t *)(base + s->count_offset), v))
			return err_set(err, -E2BIG, "too many entries (max %d)",
				       CONFIG_LIST_MAX);
		return 0;
	}
	return -EINVAL;
}

/* ---- YAML -------------------------------------------------------------- */

struct yaml_ctx {
	struct cfg_yaml base;     /* first */
	struct config *c;
};

static int yaml_apply_scalar(struct yaml_ctx *y, const struct setting *s,
			     const yaml_node_t *v)
{
	const char *sv = cfg_scalar(v);
	char why[sizeof(y->base.err->msg) + 64];
	struct ikw_err e = { "" };   /* y->base.err may be NULL (the fuzzer) */
	int r;

	if (!sv)
		return cfg_fail(&y->base, v, "expected a single value");
	r = config_apply(y->c, s, sv, &e);
	if (!r)
		return 0;
	snprintf(why, sizeof(why), "%s.%s: %s", s->section, s->key, e.msg);
	return cfg_fail(&y->base, v, "%s", why);
}

static int yaml_apply(struct yaml_ctx *y, const struct setting *s,
		      const yaml_node_t *v)
{
	yaml_node_item_t *it;

	if (s->kind != SET_LIST || v->type != YAML_SEQUENCE_NODE)
		return yaml_apply_scalar(y, s, v);
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		int r = yaml_apply_scalar(y, s, cfg_node(&y->base, *it));

		if (r)
			return r;
	}
	return 0;
}

static const struct setting *config_find_yaml(const char *section,
					      const char *key)
{
	size_t i;

	for (i = 0; i < NSETTINGS; i++)
		if (config_settings[i].section &&   /* NULL: a flag only */
		    !strcmp(config_settings[i].section, section) &&
		    !strcmp(config_settings[i].key, key))
			return &config_settings[i];
	return NULL;
}

static bool config_known_section(const char *section)
{
	size_t i;

	for (i = 0; i < NSETTINGS; i++)
		if (config_settings[i].section && !strcmp(config_settings[i].section, section))
			return true;
	return false;
}

static int yaml_section(struct yaml_ctx *y, const char *section,
			const yaml_node_t *map)
{
	yaml_node_pair_t *p;
	char why[200];

	/* a section left empty (only comments below it) is an empty mapping */
	if (map->type == YAML_SCALAR_NODE && map->data.scalar.length == 0)
		return 0;
	if (map->type != YAML_MAPPING_NODE) {
		snprintf(why, sizeof(why), "'%s' must be a mapping", section);
		return cfg_fail(&y->base, map, "%s", why);
	}
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = cfg_node(&y->base, p->key);
		const yaml_node_t *v = cfg_node(&y->base, p->value);
		const char *key = cfg_scalar(k);
		const struct setting *s = key ? config_find_yaml(section, key) : NULL;
		int r;

		if (!s) {
			snprintf(why, sizeof(why), "unknown key '%s' in '%s'",
				 key ? key : "?", section);
			return cfg_fail(&y->base, k, "%s", why);
		}
		r = yaml_apply(y, s, v);
		if (r)
			return r;
	}
	return 0;
}

static int yaml_root(struct yaml_ctx *y)
{
	const yaml_node_t *root = yaml_document_get_root_node(y->base.doc);
	yaml_node_pair_t *p;
	char why[200];

	if (!root)
		return 0;  /* empty file: defaults */
	if (root->type != YAML_MAPPING_NODE)
		return cfg_fail(&y->base, root, "the top level must be a mapping");
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = cfg_node(&y->base, p->key);
		const char *key = cfg_scalar(k);
		int r;

		if (key && !strcmp(key, "probes")) {
			r = config_probes_parse(&y->c->probes, y->base.doc,
						cfg_node(&y->base, p->value),
						y->base.file, y->base.err);
			if (r)
				return r;
			continue;
		}
		if (key && !strcmp(key, "redact")) {
			r = config_redact_parse(&y->c->redact, y->base.doc,
						cfg_node(&y->base, p->value),
						y->base.file, y->base.err);
			if (r)
				return r;
			continue;
		}
		if (key && !strcmp(key, "remediation")) {
			r = config_remediate_parse(&y->c->remediate, y->base.doc,
						   cfg_node(&y->base, p->value),
						   y->base.file, y->base.err);
			if (r)
				return r;
			continue;
		}
		if (key && !strcmp(key, "logs")) {
			r = config_logs_parse(&y->c->logs, y->base.doc,
					      cfg_node(&y->base, p->value),
					      y->base.file, y->base.err);
			if (r)
				return r;
			continue;
		}
		if (!key || !config_known_section(key)) {
			snprintf(why, sizeof(why), "unknown section '%s'", key ? key : "?");
			return cfg_fail(&y->base, k, "%s", why);
		}
		r = yaml_section(y, key, cfg_node(&y->base, p->value));
		if (r)
			return r;
	}
	return 0;
}

int config_parse_yaml(struct config *c, const char *name, const char *text,
		      size_t len, struct ikw_err *err)
{
	struct yaml_ctx y = { { NULL, name, err }, c };
	yaml_document_t doc;
	int r = cfg_yaml_load(&doc, name, text, len, CONFIG_FILE_MAX, err);

	if (r)
		return r;
	y.base.doc = &doc;
	r = yaml_root(&y);
	yaml_document_delete(&doc);
	return r;
}

int config_load_file(struct config *c, const char *path, struct ikw_err *err)
{
	char *buf;
	size_t len;
	int r = file_read_all(path, CONFIG_FILE_MAX, &buf, &len, err);

	if (r)
		return r;
	r = config_parse_yaml(c, path, buf, len, err);
	free(buf);
	return r;
}

/* ---- flags -------------------------------------------------------------- */

static const struct setting *config_find_flag(const char *flag, size_t len)
{
	size_t i;

	for (i = 0; i < NSETTINGS; i++)
		if (strlen(config_settings[i].flag) == len &&
		    !strncmp(config_settings[i].flag, flag, len))
			return &config_settings[i];
	return NULL;
}

/* Splits "--name=value" / "--name value"; returns the value or NULL. */
static const char *config_flag_value(int argc, char **argv, int *i,
				     const char *arg, size_t *namelen)
{
	const char *eq = strchr(arg, '=');

	if (eq) {
		*namelen = (size_t)(eq - arg);
		return eq + 1;
	}
	*namelen = strlen(arg);
	if (*i + 1 < argc)
		return argv[++*i];
	return NULL;
}

/* Loads --config.file before anything else so that flags override it. */
static int config_preload(struct config *c, int argc, char **argv, int start,
			  struct ikw_err *err)
{
	int i;

	for (i = start; i < argc; i++) {
		const char *v = NULL;

		if (!strncmp(argv[i], "--config.file=", 14))
			v = argv[i] + 14;
		else if (!strcmp(argv[i], "--config.file") && i + 1 < argc)
			v = argv[++i];
		if (v) {
			if (config_replace(&c->config_file, v))
				return -ENOMEM;
			return config_load_file(c, v, err);
		}
	}
	return 0;
}

static int config_one_flag(struct config *c, int argc, char **argv, int *i,
			   struct ikw_err *err)
{
	const char *arg = argv[*i] + 2, *v;
	const struct setting *s;
	size_t len;
	int r;

	if (!strncmp(arg, "no-", 3) && (s = config_find_flag(arg + 3, strlen(arg + 3))) &&
	    s->kind == SET_BOOL) {
		*(bool *)((char *)c + s->offset) = false;
		return 0;
	}
	if ((s = config_find_flag(arg, strlen(arg))) && s->kind == SET_BOOL &&
	    !strchr(arg, '=')) {
		*(bool *)((char *)c + s->offset) = true;
		return 0;
	}
	v = config_flag_value(argc, argv, i, arg, &len);
	if (len == 11 && !strncmp(arg, "config.file", 11))
		return v ? 0 : err_set(err, -EINVAL, "flag --config.file needs a value");
	s = config_find_flag(arg, len);
	if (!s)
		return err_set(err, -EINVAL, "unknown flag --%.*s (see --help)",
			       (int)len, arg);
	if (!v)
		return err_set(err, -EINVAL, "flag --%s needs a value", s->flag);
	r = config_apply(c, s, v, err);
	return r ? err_prefix(err, r, "flag --%s", s->flag) : 0;
}

/* --collector.redact and its salt file over the YAML's redact: section. */
static int config_redact_flags(struct config *c, struct ikw_err *err)
{
	if (c->redact_mode_flag && redact_mode_parse(c->redact_mode_flag, &c->redact.mode))
		return err_set(err, -EINVAL, "flag --collector.redact: want none, hash or alias");
	if (c->redact_salt_flag && config_redact_salt_file(&c->redact, c->redact_salt_flag, err))
		return err_prefix(err, -EINVAL, "flag --collector.redact.salt-file");
	return 0;
}

int config_parse_args(struct config *c, int argc, char **argv, int start,
		      bool *want_help, bool *want_version, struct ikw_err *err)
{
	int i, r;

	for (i = start; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			*want_help = true;
		else if (!strcmp(argv[i], "--version"))
			*want_version = true;
	}
	if (*want_help || *want_version)
		return 0;
	r = config_preload(c, argc, argv, start, err);
	if (r)
		return r;
	for (i = start; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) || !argv[i][2])
			return err_set(err, -EINVAL, "unexpected argument '%s'", argv[i]);
		r = config_one_flag(c, argc, argv, &i, err);
		if (r)
			return r;
	}
	return config_redact_flags(c, err);
}
