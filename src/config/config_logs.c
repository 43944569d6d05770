#include "config/config_logs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/num.h"
#include "config/config_yaml.h"
#include "logs/error_notify.h"
#include "logs/log_journal.h"
#include "logs/log_rules.h"
#include "logs/log_store.h"

struct logs_yaml {
	struct cfg_yaml base;     /* first */
	struct log_config *lc;
};

static void config_logs_free_list(char ***list, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++)
		free((*list)[i]);
	free(*list);
	*list = NULL;
	*n = 0;
}

/* ---- helpers --------------------------------------------------------------- */

/* ---- files, flags, socket ------------------------------------------------- */

/* A list of strings (or one scalar) that each pass valid(). */
struct logs_list_spec {
	const char *key, *want;
	bool (*valid)(const char *v);
	size_t max;
};

static bool config_logs_abs_path(const char *v)
{
	return v[0] == '/';
}

static int config_logs_add(struct logs_yaml *y, const yaml_node_t *n,
			   const struct logs_list_spec *ls, char ***list, size_t *len)
{
	const char *v = cfg_scalar(n);
	char **p;

	if (!v || !ls->valid(v))
		return cfg_fail(&y->base, n, "logs.%s: want %s", ls->key, ls->want);
	if (*len >= ls->max)
		return cfg_fail(&y->base, n, "logs.%s: more than %zu entries", ls->key, ls->max);
	p = realloc(*list, (*len + 1) * sizeof(*p));
	if (!p)
		return err_set(y->base.err, -ENOMEM, "out of memory");
	*list = p;
	p[*len] = strdup(v);
	if (!p[*len])
		return err_set(y->base.err, -ENOMEM, "out of memory");
	(*len)++;
	return 0;
}

static int config_logs_list(struct logs_yaml *y, const yaml_node_t *v,
			    const struct logs_list_spec *ls, char ***list, size_t *len)
{
	yaml_node_item_t *it;
	int rc;

	config_logs_free_list(list, len);
	if (v->type != YAML_SEQUENCE_NODE)
		return config_logs_add(y, v, ls, list, len);
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		rc = config_logs_add(y, cfg_node(&y->base, *it), ls, list, len);
		if (rc)
			return rc;
	}
	return 0;
}

static int config_logs_files(struct logs_yaml *y, const yaml_node_t *v)
{
	static const struct logs_list_spec ls = {
		"files", "absolute paths", config_logs_abs_path, LOG_CONFIG_FILES_MAX
	};

	return config_logs_list(y, v, &ls, &y->lc->files, &y->lc->nfiles);
}

static int config_logs_journal_matches(struct logs_yaml *y, const yaml_node_t *v)
{
	static const struct logs_list_spec ls = {
		"journal_matches", "FIELD=value matches (FIELD of A-Z, 0-9, _)",
		log_journal_match_valid, LOG_JOURNAL_MATCHES_MAX
	};

	y->lc->journal = true;
	return config_logs_list(y, v, &ls, &y->lc->journal_matches,
				&y->lc->njournal_matches);
}

static int config_logs_journal_directory(struct logs_yaml *y, const yaml_node_t *v)
{
	const char *s = cfg_scalar(v);

	if (!s || s[0] != '/')
		return cfg_fail(&y->base, v, "logs.journal_directory: want an absolute path");
	free(y->lc->journal_directory);
	y->lc->journal_directory = strdup(s);
	y->lc->journal = true;
	return y->lc->journal_directory ? 0 : err_set(y->base.err, -ENOMEM, "out of memory");
}

/* daemon: whose log it is, charon (default) or pluto */
static int config_logs_daemon(struct logs_yaml *y, const yaml_node_t *v)
{
	const char *s = cfg_scalar(v);

	if (s && !strcmp(s, "charon"))
		y->lc->daemon = LOG_DAEMON_CHARON;
	else if (s && !strcmp(s, "pluto"))
		y->lc->daemon = LOG_DAEMON_PLUTO;
	else
		return cfg_fail(&y->base, v, "logs.daemon: want charon or pluto, not '%s'",
				s ? s : "?");
	return 0;
}

static int config_logs_flag(struct logs_yaml *y, const yaml_node_t *v,
			    const char *key, bool *out)
{
	const char *s = cfg_scalar(v);

	if (cfg_bool(s, out))
		return cfg_fail(&y->base, v, "logs.%s: invalid boolean '%s'", key, s ? s : "?");
	return 0;
}

/* A socket URI or path; true means charon's default, false turns it off. */
/* keep_lines: how many lines the status view's log keeps */
static int config_logs_keep_lines(struct logs_yaml *y, const yaml_node_t *v)
{
	const char *s = cfg_scalar(v);
	uint64_t n;

	if (!s || num_parse_u64_str(s, LOG_STORE_LINES_MAX, &n) || n < LOG_STORE_LINES_MIN)
		return cfg_fail(&y->base, v, "logs.keep_lines: want a number of lines "
				"from %d to %d", LOG_STORE_LINES_MIN, LOG_STORE_LINES_MAX);
	y->lc->keep_lines = (size_t)n;
	return 0;
}

static int config_logs_error_notify(struct logs_yaml *y, const yaml_node_t *v)
{
	const char *s = cfg_scalar(v);
	char path[256];
	bool on;

	free(y->lc->error_notify);
	y->lc->error_notify = NULL;
	if (!cfg_bool(s, &on)) {
		if (!on)
			return 0;
		s = ERROR_NOTIFY_DEFAULT_URI;
	}
	if (!s || error_notify_socket_path(s, path, sizeof(path)))
		return cfg_fail(&y->base, v,
					"logs.error_notify: want unix:///path, an absolute path, true or false");
	y->lc->error_notify = strdup(path);
	return y->lc->error_notify ? 0 : err_set(y->base.err, -ENOMEM, "out of memory");
}

/* ---- rules ----------------------------------------------------------------- */

/* What one rule's YAML holds, before compiling. */
struct logs_rule_yaml {
	struct log_rule_spec spec;
	const char *values[EVENT_LABELS_MAX][LOG_RULE_VALUES_MAX];
	const yaml_node_t *label_node[EVENT_LABELS_MAX];
	const yaml_node_t *pattern_node;
};

static int config_logs_values(struct logs_yaml *y, struct logs_rule_yaml *r, size_t li,
			      const yaml_node_t *v, const char *where)
{
	struct log_label_spec *l = &r->spec.labels[li];
	yaml_node_item_t *it;

	if (v->type != YAML_SEQUENCE_NODE)
		return cfg_fail(&y->base, v, "%s.values: want a list", where);
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		const yaml_node_t *e = cfg_node(&y->base, *it);
		const char *s = cfg_scalar(e);

		if (!s)
			return cfg_fail(&y->base, e, "%s.values: want strings", where);
		if (l->nvalues >= LOG_RULE_VALUES_MAX)
			return cfg_fail(&y->base, e, "%s.values: more than %d values", where,
						LOG_RULE_VALUES_MAX);
		r->values[li][l->nvalues++] = s;
	}
	l->values = r->values[li];
	return 0;
}

/* {group: N, values: [...]} */
static int config_logs_group_label(struct logs_yaml *y, struct logs_rule_yaml *r,
				   size_t li, const yaml_node_t *v, const char *where)
{
	struct log_label_spec *l = &r->spec.labels[li];
	yaml_node_pair_t *p;
	bool have_group = false;
	uint64_t g;

	l->src = LOG_LABEL_GROUP;
	for (p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = cfg_node(&y->base, p->key);
		const yaml_node_t *e = cfg_node(&y->base, p->value);
		const char *key = cfg_scalar(k), *s = cfg_scalar(e);
		int rc;

		if (key && !strcmp(key, "group")) {
			if (!s || num_parse_u64_str(s, LOG_RULE_GROUP_MAX, &g) || !g)
				return cfg_fail(&y->base, e, "%s.group: want a number 1 to %d",
							where, LOG_RULE_GROUP_MAX);
			l->group = (unsigned)g;
			have_group = true;
		} else if (key && !strcmp(key, "values")) {
			rc = config_logs_values(y, r, li, e, where);
			if (rc)
				return rc;
		} else {
			return cfg_fail(&y->base, k, "%s: unknown key '%s' (group, values)",
						where, key ? key : "?");
		}
	}
	if (!have_group)
		return cfg_fail(&y->base, v, "%s: missing 'group'", where);
	return 0;
}

static int config_logs_label(struct logs_yaml *y, struct logs_rule_yaml *r,
			     const yaml_node_t *k, const yaml_node_t *v, const char *rwhere)
{
	const char *name = cfg_scalar(k), *s = cfg_scalar(v);
	size_t li = r->spec.nlabels;
	char where[160];

	snprintf(where, sizeof(where), "%s.labels.%.40s", rwhere, name ? name : "?");
	if (!name)
		return cfg_fail(&y->base, k, "%s: label names are strings", where);
	if (li >= EVENT_LABELS_MAX)
		return cfg_fail(&y->base, k, "%s: more than %d labels", where, EVENT_LABELS_MAX);
	r->spec.nlabels++;
	r->spec.labels[li].name = name;
	r->label_node[li] = k;
	if (s && !strcmp(s, "conn")) {
		r->spec.labels[li].src = LOG_LABEL_CONN;
		return 0;
	}
	if (v->type != YAML_MAPPING_NODE)
		return cfg_fail(&y->base, v, "%s: want 'conn' or {group: N, values: [...]}", where);
	return config_logs_group_label(y, r, li, v, where);
}

static int config_logs_labels(struct logs_yaml *y, struct logs_rule_yaml *r,
			      const yaml_node_t *v, const char *where)
{
	yaml_node_pair_t *p;
	int rc;

	if (v->type != YAML_MAPPING_NODE)
		return cfg_fail(&y->base, v, "%s.labels: want a mapping", where);
	for (p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
		rc = config_logs_label(y, r, cfg_node(&y->base, p->key),
				       cfg_node(&y->base, p->value), where);
		if (rc)
			return rc;
	}
	return 0;
}

static int config_logs_rule_key(struct logs_yaml *y, struct logs_rule_yaml *r,
				const yaml_node_t *k, const yaml_node_t *v, const char *where)
{
	const char *key = cfg_scalar(k), *s = cfg_scalar(v);

	if (key && !strcmp(key, "labels"))
		return config_logs_labels(y, r, v, where);
	if (key && (!strcmp(key, "name") || !strcmp(key, "pattern"))) {
		if (!s)
			return cfg_fail(&y->base, v, "%s.%s: want a string", where, key);
		if (key[0] == 'n') {
			r->spec.name = s;
		} else {
			r->spec.pattern = s;
			r->pattern_node = v;
		}
		return 0;
	}
	return cfg_fail(&y->base, k, "%s: unknown key '%s' (name, pattern, labels)",
				where, key ? key : "?");
}

/* The node an error of log_rules_add() is about: a label it names, the
 * pattern, or else the rule. */
static const yaml_node_t *config_logs_blame(const struct logs_rule_yaml *r,
					    const yaml_node_t *rule, const char *why)
{
	char needle[LOG_RULE_NAME_MAX + 16];
	size_t i;

	for (i = 0; i < r->spec.nlabels; i++) {
		snprintf(needle, sizeof(needle), "label '%s'", r->spec.labels[i].name);
		if (strstr(why, needle))
			return r->label_node[i];
	}
	if (strstr(why, "pattern") && r->pattern_node)
		return r->pattern_node;
	return rule;
}

static int config_logs_rule(struct logs_yaml *y, const yaml_node_t *n, size_t idx)
{
	struct logs_rule_yaml r;
	struct ikw_err why;
	yaml_node_pair_t *p;
	char where[64];
	int rc;

	memset(&r, 0, sizeof(r));
	snprintf(where, sizeof(where), "logs.rules[%zu]", idx);
	if (n->type != YAML_MAPPING_NODE)
		return cfg_fail(&y->base, n, "%s: want a mapping (name, pattern, labels)", where);
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		rc = config_logs_rule_key(y, &r, cfg_node(&y->base, p->key),
					  cfg_node(&y->base, p->value), where);
		if (rc)
			return rc;
	}
	if (!r.spec.name || !r.spec.pattern)
		return cfg_fail(&y->base, n, "%s: needs 'name' and 'pattern'", where);
	why.msg[0] = '\0';
	rc = log_rules_add(y->lc->rules, &r.spec, &why);
	if (rc == -ENOMEM)
		return err_set(y->base.err, rc, "out of memory");
	if (rc)
		return cfg_fail(&y->base, config_logs_blame(&r, n, why.msg), "%s: %s",
					where, why.msg);
	return 0;
}

static int config_logs_rules(struct logs_yaml *y, const yaml_node_t *v)
{
	yaml_node_item_t *it;
	size_t i = 0;
	int rc;

	if (v->type != YAML_SEQUENCE_NODE)
		return cfg_fail(&y->base, v, "logs.rules: want a list of rules");
	log_rules_free(y->lc->rules);
	y->lc->rules = log_rules_new();
	if (!y->lc->rules)
		return err_set(y->base.err, -ENOMEM, "out of memory");
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++, i++) {
		if (i >= LOG_RULES_MAX)
			return cfg_fail(&y->base, cfg_node(&y->base, *it),
						"logs.rules: more than %d rules", LOG_RULES_MAX);
		rc = config_logs_rule(y, cfg_node(&y->base, *it), i);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- section --------------------------------------------------------------- */

static int config_logs_key(struct logs_yaml *y, const yaml_node_t *k, const yaml_node_t *v)
{
	const char *key = cfg_scalar(k);

	if (!key)
		return cfg_fail(&y->base, k, "logs: keys are strings");
	if (!strcmp(key, "files"))
		return config_logs_files(y, v);
	if (!strcmp(key, "vici_log"))
		return config_logs_flag(y, v, key, &y->lc->vici_log);
	if (!strcmp(key, "journal"))
		return config_logs_flag(y, v, key, &y->lc->journal);
	if (!strcmp(key, "journal_matches"))
		return config_logs_journal_matches(y, v);
	if (!strcmp(key, "journal_directory"))
		return config_logs_journal_directory(y, v);
	if (!strcmp(key, "builtin"))
		return config_logs_flag(y, v, key, &y->lc->builtin);
	if (!strcmp(key, "error_notify"))
		return config_logs_error_notify(y, v);
	if (!strcmp(key, "rules"))
		return config_logs_rules(y, v);
	if (!strcmp(key, "keep_lines"))
		return config_logs_keep_lines(y, v);
	if (!strcmp(key, "daemon"))
		return config_logs_daemon(y, v);
	return cfg_fail(&y->base, k,
				"unknown key '%s' in 'logs' (files, journal, journal_matches, "
				"journal_directory, vici_log, error_notify, builtin, rules, "
				"keep_lines, daemon)",
				key);
}

int config_logs_parse(struct log_config *lc, yaml_document_t *doc,
		      yaml_node_t *node, const char *filename,
		      struct ikw_err *err)
{
	struct logs_yaml y = { { doc, filename ? filename : "config", err }, lc };
	yaml_node_pair_t *p;
	int rc;

	if (!node || node->type != YAML_MAPPING_NODE)
		return cfg_fail(&y.base, node, "'logs' must be a mapping");
	for (p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
		rc = config_logs_key(&y, cfg_node(&y.base, p->key),
				     cfg_node(&y.base, p->value));
		if (rc)
			return rc;
	}
	/* one source per failure, so that none is counted twice */
	if (lc->error_notify && lc->builtin && (lc->nfiles || lc->vici_log || lc->journal))
		return cfg_fail(&y.base, node,
					"logs: error_notify and the built-in patterns of files/journal/vici_log "
					"count the same failures; set builtin: false (rules still apply)");
	/* charon's sources */
	if (lc->daemon == LOG_DAEMON_PLUTO && (lc->vici_log || lc->error_notify))
		return cfg_fail(&y.base, node,
					"logs: daemon pluto has no vici_log or error_notify (those are charon's)");
	return 0;
}
