#include "config/config_remediate.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/num.h"
#include "config/config_yaml.h"

struct rem_yaml {
	struct cfg_yaml base;     /* first */
	struct remediate_config *rc;
};

static void cm_argv_release(struct remediate_argv *a)
{
	size_t i;

	for (i = 0; a->argv && i < a->n; i++)
		free(a->argv[i]);
	free(a->argv);
	a->argv = NULL;
	a->n = 0;
}

static int cm_argv_set(struct remediate_argv *a, const char *const *words)
{
	size_t n = 0, i;

	while (words[n])
		n++;
	cm_argv_release(a);
	a->argv = calloc(n + 1, sizeof(*a->argv));
	if (!a->argv)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (!(a->argv[i] = strdup(words[i])))
			return -ENOMEM;
	a->n = n;
	return 0;
}

static const char *const cm_default_diag[][8] = {
	{ "ip", "route", "show", "table", "all", NULL },
	{ "ip", "-s", "xfrm", "state", NULL },
	{ "ip", "-s", "xfrm", "policy", NULL },
	{ "conntrack", "-L", "-p", "udp", "--dport", "500", NULL },
	{ "conntrack", "-L", "-p", "udp", "--dport", "4500", NULL },
	{ "conntrack", "-L", "-p", "esp", NULL },
};

/* The shipped rules' data-plane alerts: an SA that reads up and carries
 * nothing, which a fresh probe confirms and a rekey may fix. */
static const char *const cm_default_probe_alerts[] = {
	"IPsecChildSAProbeFailing", "IPsecChildSATrafficAsymmetric",
	"IPsecTunnelOneWayLoss", "IPsecTunnelTwoWayLoss", NULL
};

void remediate_config_init(struct remediate_config *rc)
{
	size_t i, n = sizeof(cm_default_diag) / sizeof(cm_default_diag[0]);

	memset(rc, 0, sizeof(*rc));
	rc->dry_run = true;
	rc->checks = 3;
	rc->check_interval_ms = 10000;
	rc->initiate_timeout_ms = 10000;
	rc->recheck_delay_ms = 10000;
	rc->cooldown_ms = 600000;
	rc->global_max_faulty = 3;
	rc->diag_keep = 50;
	rc->diag_max_total_bytes = 50ULL * 1024 * 1024;
	rc->diag_output_max_bytes = 256 * 1024;
	rc->diag_timeout_ms = 10000;
	rc->restart_timeout_ms = 120000;
	rc->restart_min_interval_ms = 15 * 60000;
	rc->restart_backoff_max_ms = 6 * 3600000ULL;
	rc->restart_settle_ms = 30000;
	rc->restart_day_cap = 4;
	rc->notify_timeout_ms = 5000;
	rc->time_scale = 1;
	cm_argv_set(&rc->probe_alerts, cm_default_probe_alerts);   /* ENOMEM: none */
	rc->diag_commands = calloc(n, sizeof(*rc->diag_commands));
	if (!rc->diag_commands)
		return;   /* no default diagnostics: reported at check time */
	for (i = 0; i < n; i++)
		if (!cm_argv_set(&rc->diag_commands[i], cm_default_diag[i]))
			rc->ndiag_commands = i + 1;
}

void remediate_config_release(struct remediate_config *rc)
{
	size_t i;

	free(rc->token_file);
	free(rc->audit_log);
	free(rc->state_file);
	for (i = 0; i < rc->nconns; i++)
		free(rc->conns[i]);
	free(rc->conns);
	cm_argv_release(&rc->probe_alerts);
	free(rc->diag_dir);
	for (i = 0; i < rc->ndiag_commands; i++)
		cm_argv_release(&rc->diag_commands[i]);
	free(rc->diag_commands);
	cm_argv_release(&rc->restart);
	free(rc->notify_url);
	free(rc->notify_ca_file);
	free(rc->notify_cert_file);
	free(rc->notify_key_file);
	free(rc->notify_bearer_file);
	free(rc->notify_basic_user);
	free(rc->notify_basic_password_file);
	memset(rc, 0, sizeof(*rc));
}

static int cm_str(struct rem_yaml *y, const yaml_node_t *v, const char *key, bool path,
		  char **slot)
{
	const char *s = cfg_scalar(v);
	char *p;

	if (!s || !s[0] || (path && s[0] != '/'))
		return cfg_fail(&y->base, v, "remediation.%s: want %s", key,
			       path ? "an absolute path" : "a non-empty string");
	if (!(p = strdup(s)))
		return err_set(y->base.err, -ENOMEM, "out of memory");
	free(*slot);
	*slot = p;
	return 0;
}

static int cm_ms(struct rem_yaml *y, const yaml_node_t *v, const char *key, uint64_t *out)
{
	const char *s = cfg_scalar(v);

	if (!s || num_parse_duration_ms(s, 7ULL * 24 * 3600 * 1000, out) || !*out)
		return cfg_fail(&y->base, v, "remediation.%s: invalid duration (want e.g. 10s, 15m)", key);
	return 0;
}

static int cm_uint(struct rem_yaml *y, const yaml_node_t *v, const char *key, uint64_t min,
		   uint64_t max, uint64_t *out)
{
	const char *s = cfg_scalar(v);

	if (!s || num_parse_u64_str(s, max, out) || *out < min)
		return cfg_fail(&y->base, v, "remediation.%s: want a number from %llu to %llu", key,
			       (unsigned long long)min, (unsigned long long)max);
	return 0;
}

static int cm_unsigned(struct rem_yaml *y, const yaml_node_t *v, const char *key,
		       uint64_t min, uint64_t max, unsigned *out)
{
	uint64_t n;
	int r = cm_uint(y, v, key, min, max, &n);

	if (!r)
		*out = (unsigned)n;
	return r;
}

static int cm_bool(struct rem_yaml *y, const yaml_node_t *v, const char *key, bool *out)
{
	return cfg_bool(cfg_scalar(v), out) ?
	       cfg_fail(&y->base, v, "remediation.%s: want true or false", key) : 0;
}

/* A list of at most REMEDIATE_ARGV_MAX non-empty words into out (an empty
 * list only when allow_empty). */
static int cm_words(struct rem_yaml *y, const yaml_node_t *v, const char *key,
		    bool allow_empty, struct remediate_argv *out)
{
	const char *words[REMEDIATE_ARGV_MAX + 1];
	yaml_node_item_t *it;
	size_t n = 0;

	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		const char *w = cfg_scalar(yaml_document_get_node(y->base.doc, *it));

		if (!w || !w[0])
			return cfg_fail(&y->base, v, "remediation.%s: words are non-empty strings", key);
		if (n >= REMEDIATE_ARGV_MAX)
			return cfg_fail(&y->base, v, "remediation.%s: more than %d words", key,
				       REMEDIATE_ARGV_MAX);
		words[n++] = w;
	}
	if (!n && !allow_empty)
		return cfg_fail(&y->base, v, "remediation.%s: empty command", key);
	words[n] = NULL;
	return cm_argv_set(out, words) ? err_set(y->base.err, -ENOMEM, "out of memory") : 0;
}

/* A command: a sequence of words; the first is a program, run without a shell. */
static int cm_argv(struct rem_yaml *y, const yaml_node_t *v, const char *key,
		   struct remediate_argv *out)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return cfg_fail(&y->base, v, "remediation.%s: want a list of words ([prog, arg, ...]); "
			       "no shell runs it", key);
	return cm_words(y, v, key, false, out);
}

/* Alert names answered by the data-plane steps; [] turns them off. */
static int cm_probe_alerts(struct rem_yaml *y, const yaml_node_t *v)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return cfg_fail(&y->base, v, "remediation.probe_alerts: want a list of alert names");
	return cm_words(y, v, "probe_alerts", true, &y->rc->probe_alerts);
}

static int cm_conns(struct rem_yaml *y, const yaml_node_t *v)
{
	yaml_node_item_t *it;

	if (v->type != YAML_SEQUENCE_NODE)
		return cfg_fail(&y->base, v, "remediation.conns: want a list of globs");
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		const char *w = cfg_scalar(yaml_document_get_node(y->base.doc, *it));
		char **p;

		if (!w || !w[0])
			return cfg_fail(&y->base, v, "remediation.conns: globs are non-empty strings");
		if (y->rc->nconns >= REMEDIATE_CONNS_MAX)
			return cfg_fail(&y->base, v, "remediation.conns: more than %d", REMEDIATE_CONNS_MAX);
		p = realloc(y->rc->conns, (y->rc->nconns + 1) * sizeof(*p));
		if (!p)
			return err_set(y->base.err, -ENOMEM, "out of memory");
		y->rc->conns = p;
		if (!(p[y->rc->nconns] = strdup(w)))
			return err_set(y->base.err, -ENOMEM, "out of memory");
		y->rc->nconns++;
	}
	return 0;
}

static int cm_diag_commands(struct rem_yaml *y, const yaml_node_t *v)
{
	struct remediate_config *rc = y->rc;
	yaml_node_item_t *it;
	size_t i;
	int r;

	if (v->type != YAML_SEQUENCE_NODE)
		return cfg_fail(&y->base, v, "remediation.diagnostics.commands: want a list of commands");
	for (i = 0; i < rc->ndiag_commands; i++)
		cm_argv_release(&rc->diag_commands[i]);
	rc->ndiag_commands = 0;
	rc->diag_commands_set = true;
	free(rc->diag_commands);
	rc->diag_commands = calloc(REMEDIATE_COMMANDS_MAX, sizeof(*rc->diag_commands));
	if (!rc->diag_commands)
		return err_set(y->base.err, -ENOMEM, "out of memory");
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		if (rc->ndiag_commands >= REMEDIATE_COMMANDS_MAX)
			return cfg_fail(&y->base, v, "remediation.diagnostics.commands: more than %d",
				       REMEDIATE_COMMANDS_MAX);
		r = cm_argv(y, yaml_document_get_node(y->base.doc, *it), "diagnostics.commands",
			    &rc->diag_commands[rc->ndiag_commands]);
		if (r)
			return r;
		rc->ndiag_commands++;
	}
	return 0;
}

typedef int (*cm_key_fn)(struct rem_yaml *y, const char *key, const yaml_node_t *v);

static int cm_map(struct rem_yaml *y, const yaml_node_t *n, const char *what, cm_key_fn fn)
{
	yaml_node_pair_t *p;
	int r;

	if (!n || n->type != YAML_MAPPING_NODE)
		return cfg_fail(&y->base, n, "'%s' must be a mapping", what);
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(y->base.doc, p->key);
		const char *key = cfg_scalar(k);

		if (!key)
			return cfg_fail(&y->base, k, "%s: keys are strings", what);
		if ((r = fn(y, key, yaml_document_get_node(y->base.doc, p->value))))
			return r;
	}
	return 0;
}

static int cm_diag_key(struct rem_yaml *y, const char *key, const yaml_node_t *v)
{
	struct remediate_config *rc = y->rc;

	if (!strcmp(key, "directory"))
		return cm_str(y, v, "diagnostics.directory", true, &rc->diag_dir);
	if (!strcmp(key, "keep"))
		return cm_unsigned(y, v, "diagnostics.keep", 1, 10000, &rc->diag_keep);
	if (!strcmp(key, "max_total_bytes"))
		return cm_uint(y, v, "diagnostics.max_total_bytes", 4096, 1ULL << 40,
			       &rc->diag_max_total_bytes);
	if (!strcmp(key, "output_max_bytes"))
		return cm_uint(y, v, "diagnostics.output_max_bytes", 256, 64 * 1024 * 1024,
			       &rc->diag_output_max_bytes);
	if (!strcmp(key, "timeout"))
		return cm_ms(y, v, "diagnostics.timeout", &rc->diag_timeout_ms);
	if (!strcmp(key, "commands"))
		return cm_diag_commands(y, v);
	return cfg_fail(&y->base, v, "unknown key '%s' in 'remediation.diagnostics' (directory, keep, "
		       "max_total_bytes, output_max_bytes, timeout, commands)", key);
}

static int cm_restart_key(struct rem_yaml *y, const char *key, const yaml_node_t *v)
{
	struct remediate_config *rc = y->rc;

	if (!strcmp(key, "command"))
		return cm_argv(y, v, "restart.command", &rc->restart);
	if (!strcmp(key, "timeout"))
		return cm_ms(y, v, "restart.timeout", &rc->restart_timeout_ms);
	if (!strcmp(key, "min_interval"))
		return cm_ms(y, v, "restart.min_interval", &rc->restart_min_interval_ms);
	if (!strcmp(key, "backoff_max"))
		return cm_ms(y, v, "restart.backoff_max", &rc->restart_backoff_max_ms);
	if (!strcmp(key, "settle"))
		return cm_ms(y, v, "restart.settle", &rc->restart_settle_ms);
	if (!strcmp(key, "day_cap"))
		return cm_unsigned(y, v, "restart.day_cap", 1, 48, &rc->restart_day_cap);
	return cfg_fail(&y->base, v, "unknown key '%s' in 'remediation.restart' (command, timeout, "
		       "min_interval, backoff_max, settle, day_cap)", key);
}

/* the keys of Prometheus' http_config, as Alertmanager's webhooks have them */
static int cm_notify_tls_key(struct rem_yaml *y, const char *key, const yaml_node_t *v)
{
	struct remediate_config *rc = y->rc;

	if (!strcmp(key, "ca_file"))
		return cm_str(y, v, "notify.tls_config.ca_file", true, &rc->notify_ca_file);
	if (!strcmp(key, "cert_file"))
		return cm_str(y, v, "notify.tls_config.cert_file", true, &rc->notify_cert_file);
	if (!strcmp(key, "key_file"))
		return cm_str(y, v, "notify.tls_config.key_file", true, &rc->notify_key_file);
	if (!strcmp(key, "insecure_skip_verify"))
		return cm_bool(y, v, "notify.tls_config.insecure_skip_verify", &rc->notify_insecure);
	return cfg_fail(&y->base, v, "unknown key '%s' in 'remediation.notify.tls_config' "
		       "(ca_file, cert_file, key_file, insecure_skip_verify)", key);
}

static int cm_notify_basic_key(struct rem_yaml *y, const char *key, const yaml_node_t *v)
{
	struct remediate_config *rc = y->rc;

	if (!strcmp(key, "username"))
		return cm_str(y, v, "notify.basic_auth.username", false, &rc->notify_basic_user);
	if (!strcmp(key, "password_file"))
		return cm_str(y, v, "notify.basic_auth.password_file", true,
			      &rc->notify_basic_password_file);
	return cfg_fail(&y->base, v, "unknown key '%s' in 'remediation.notify.basic_auth' "
		       "(username, password_file)", key);
}

static int cm_notify_key(struct rem_yaml *y, const char *key, const yaml_node_t *v)
{
	const char *s = cfg_scalar(v);

	if (!strcmp(key, "url")) {
		/* the rest (a host, no blanks) is checked where it is used */
		if (!s || (strncmp(s, "http://", 7) && strncmp(s, "https://", 8)))
			return cfg_fail(&y->base, v, "remediation.notify.url: want "
				       "http[s]://HOST[:PORT][/PATH]");
		return cm_str(y, v, "notify.url", false, &y->rc->notify_url);
	}
	if (!strcmp(key, "timeout"))
		return cm_ms(y, v, "notify.timeout", &y->rc->notify_timeout_ms);
	if (!strcmp(key, "tls_config"))
		return cm_map(y, v, "remediation.notify.tls_config", cm_notify_tls_key);
	if (!strcmp(key, "bearer_token_file"))
		return cm_str(y, v, "notify.bearer_token_file", true, &y->rc->notify_bearer_file);
	if (!strcmp(key, "basic_auth"))
		return cm_map(y, v, "remediation.notify.basic_auth", cm_notify_basic_key);
	return cfg_fail(&y->base, v, "unknown key '%s' in 'remediation.notify' (url, timeout, "
		       "tls_config, bearer_token_file, basic_auth)", key);
}

static int cm_key(struct rem_yaml *y, const char *key, const yaml_node_t *v)
{
	struct remediate_config *rc = y->rc;

	if (!strcmp(key, "enabled"))
		return cm_bool(y, v, key, &rc->enabled);
	if (!strcmp(key, "dry_run"))
		return cm_bool(y, v, key, &rc->dry_run);
	if (!strcmp(key, "token_file"))
		return cm_str(y, v, key, true, &rc->token_file);
	if (!strcmp(key, "audit_log"))
		return cm_str(y, v, key, true, &rc->audit_log);
	if (!strcmp(key, "state_file"))
		return cm_str(y, v, key, true, &rc->state_file);
	if (!strcmp(key, "conns"))
		return cm_conns(y, v);
	if (!strcmp(key, "probe_alerts"))
		return cm_probe_alerts(y, v);
	if (!strcmp(key, "checks"))
		return cm_unsigned(y, v, key, 1, 10, &rc->checks);
	if (!strcmp(key, "check_interval"))
		return cm_ms(y, v, key, &rc->check_interval_ms);
	if (!strcmp(key, "initiate_timeout"))
		return cm_ms(y, v, key, &rc->initiate_timeout_ms);
	if (!strcmp(key, "recheck_delay"))
		return cm_ms(y, v, key, &rc->recheck_delay_ms);
	if (!strcmp(key, "cooldown"))
		return cm_ms(y, v, key, &rc->cooldown_ms);
	if (!strcmp(key, "global_max_faulty"))
		return cm_unsigned(y, v, key, 1, 100000, &rc->global_max_faulty);
	if (!strcmp(key, "self_check"))
		return cm_ms(y, v, key, &rc->self_check_ms);
	if (!strcmp(key, "time_scale"))
		return cm_unsigned(y, v, key, 1, 3600, &rc->time_scale);
	if (!strcmp(key, "diagnostics"))
		return cm_map(y, v, "remediation.diagnostics", cm_diag_key);
	if (!strcmp(key, "restart"))
		return cm_map(y, v, "remediation.restart", cm_restart_key);
	if (!strcmp(key, "notify"))
		return cm_map(y, v, "remediation.notify", cm_notify_key);
	return cfg_fail(&y->base, v, "unknown key '%s' in 'remediation' (enabled, dry_run, token_file, "
		       "audit_log, state_file, conns, probe_alerts, checks, check_interval, initiate_timeout, "
		       "recheck_delay, cooldown, global_max_faulty, diagnostics, restart, "
		       "notify, self_check, time_scale)", key);
}

int config_remediate_parse(struct remediate_config *rc, yaml_document_t *doc,
			   yaml_node_t *node, const char *filename, struct ikw_err *err)
{
	struct rem_yaml y = { { doc, filename ? filename : "config", err }, rc };

	return cm_map(&y, node, "remediation", cm_key);
}

int remediate_config_check(const struct remediate_config *rc, struct ikw_err *err)
{
	if (!rc->enabled)
		return 0;
	if (!rc->token_file || !rc->audit_log || !rc->diag_dir)
		return err_set(err, -EINVAL, "remediation: enabled needs token_file, audit_log "
			       "and diagnostics.directory");
	if (rc->restart_backoff_max_ms < rc->restart_min_interval_ms)
		return err_set(err, -EINVAL, "remediation.restart: backoff_max is shorter than "
			       "min_interval");
	return 0;
}
