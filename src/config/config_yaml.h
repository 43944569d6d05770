/* What the config sections parsed from libyaml's document share: errors
 * that name the file and the node's line, scalars, booleans. */
#ifndef IKW_CONFIG_YAML_H
#define IKW_CONFIG_YAML_H

#include <stdarg.h>
#include <stdbool.h>
#include <yaml.h>

#include "common/err.h"

/* One YAML document being read: what every section's reader (config.c,
 * config_<section>.c, http/web_config.c) carries as its first member. */
struct cfg_yaml {
	yaml_document_t *doc;
	const char *file;          /* for errors */
	struct ikw_err *err;
};

/* "FILE:LINE: why" into y->err (line 0 without a node); returns -EINVAL. */
int cfg_fail(const struct cfg_yaml *y, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The document's node id, or NULL. */
yaml_node_t *cfg_node(const struct cfg_yaml *y, int id);
/* "FILE:LINE: why" into err; returns -EINVAL. */
int cfg_vfail(struct ikw_err *err, const char *file, const yaml_node_t *n,
	      const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
/* Loads text (at most max bytes) into doc; errors name the file and the
 * line ("NAME:LINE: why").  0 or -errno; on success the caller deletes doc. */
int cfg_yaml_load(yaml_document_t *doc, const char *name, const char *text, size_t len,
		  size_t max, struct ikw_err *err);
/* A scalar node's text, or NULL for other nodes and NULL. */
const char *cfg_scalar(const yaml_node_t *n);
/* true/yes/on/1 and false/no/off/0; -EINVAL otherwise (v may be NULL). */
int cfg_bool(const char *v, bool *out);

#endif
