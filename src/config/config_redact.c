#include "config/config_redact.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/file.h"
#include "config/config_yaml.h"

struct redact_yaml {
	struct cfg_yaml base;     /* first */
	struct redact_config *rc;
};

int config_redact_salt_file(struct redact_config *rc, const char *path, struct ikw_err *err)
{
	size_t len;
	char *buf;
	int r = file_read_secret(path, 4096, &buf, &len, err);

	if (r)
		return err_prefix(err, r, "redact salt");
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!buf[0]) {
		free(buf);
		return err_set(err, -EINVAL, "redact salt file '%s' is empty", path);
	}
	free(rc->salt);
	rc->salt = buf;
	return 0;
}

static bool cr_name_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (!n || n > REDACT_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == ',' || s[i] == '"' || s[i] == '\\')
			return false;
	return true;
}

static int cr_alias(struct redact_yaml *y, const yaml_node_pair_t *p)
{
	const yaml_node_t *k = yaml_document_get_node(y->base.doc, p->key);
	const yaml_node_t *v = yaml_document_get_node(y->base.doc, p->value);
	const char *value = cfg_scalar(k), *alias = cfg_scalar(v);
	struct redact_alias *a;

	if (!value || !value[0] || strchr(value, ','))
		return cfg_fail(&y->base, k, "redact.aliases: want an address or identity as the key");
	if (!alias || !cr_name_ok(alias))
		return cfg_fail(&y->base, v, "redact.aliases: an alias is 1-%d printable characters "
			       "without , \" or \\", REDACT_NAME_MAX);
	if (y->rc->naliases >= REDACT_ALIASES_MAX)
		return cfg_fail(&y->base, k, "redact.aliases: more than %d", REDACT_ALIASES_MAX);
	a = realloc(y->rc->aliases, (y->rc->naliases + 1) * sizeof(*a));
	if (!a)
		return err_set(y->base.err, -ENOMEM, "out of memory");
	y->rc->aliases = a;
	a += y->rc->naliases;
	a->value = strdup(value);
	a->alias = strdup(alias);
	y->rc->naliases++;
	return a->value && a->alias ? 0 : err_set(y->base.err, -ENOMEM, "out of memory");
}

static int cr_aliases(struct redact_yaml *y, const yaml_node_t *n)
{
	yaml_node_pair_t *p;
	int r;

	if (n->type != YAML_MAPPING_NODE)
		return cfg_fail(&y->base, n, "redact.aliases: want a mapping of value: alias");
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
		if ((r = cr_alias(y, p)))
			return r;
	return 0;
}

static int cr_key(struct redact_yaml *y, const yaml_node_t *k, const yaml_node_t *v)
{
	const char *key = cfg_scalar(k), *s = cfg_scalar(v);

	if (!key)
		return cfg_fail(&y->base, k, "redact: keys are strings");
	if (!strcmp(key, "mode"))
		return redact_mode_parse(s, &y->rc->mode) ?
		       cfg_fail(&y->base, v, "redact.mode: want none, hash or alias") : 0;
	if (!strcmp(key, "salt")) {
		if (!s || !s[0])
			return cfg_fail(&y->base, v, "redact.salt: want a non-empty string");
		free(y->rc->salt);
		y->rc->salt = strdup(s);
		return y->rc->salt ? 0 : err_set(y->base.err, -ENOMEM, "out of memory");
	}
	if (!strcmp(key, "salt_file")) {
		if (!s || s[0] != '/')
			return cfg_fail(&y->base, v, "redact.salt_file: want an absolute path");
		return config_redact_salt_file(y->rc, s, y->base.err) ?
		       cfg_fail(&y->base, v, "redact.salt_file: %s", y->base.err->msg) : 0;
	}
	if (!strcmp(key, "aliases"))
		return cr_aliases(y, v);
	return cfg_fail(&y->base, k, "unknown key '%s' in 'redact' (mode, salt, salt_file, aliases)", key);
}

int config_redact_parse(struct redact_config *rc, yaml_document_t *doc,
			yaml_node_t *node, const char *filename, struct ikw_err *err)
{
	struct redact_yaml y = { { doc, filename ? filename : "config", err }, rc };
	yaml_node_pair_t *p;
	int r;

	if (!node || node->type != YAML_MAPPING_NODE)
		return cfg_fail(&y.base, node, "'redact' must be a mapping");
	for (p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++)
		if ((r = cr_key(&y, yaml_document_get_node(doc, p->key),
				yaml_document_get_node(doc, p->value))))
			return r;
	return 0;
}
