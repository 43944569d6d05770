/* The `redact:` section (see model/redact.h):
 *
 *   redact:
 *     mode: alias                 # none (default), hash, alias
 *     salt_file: /etc/ikewatch/redact.salt   # secret; or salt: "..."
 *     aliases:                    # alias mode: these names, others hashed
 *       192.0.2.11: paris
 *       peer-paris.example.net: paris
 *
 * Errors name the file and line. */
#ifndef IKW_CONFIG_REDACT_H
#define IKW_CONFIG_REDACT_H

#include <yaml.h>

#include "common/err.h"
#include "model/redact.h"

int config_redact_parse(struct redact_config *rc, yaml_document_t *doc,
			yaml_node_t *node, const char *filename, struct ikw_err *err);
/* Reads the salt from path (its first line) into rc. */
int config_redact_salt_file(struct redact_config *rc, const char *path,
			    struct ikw_err *err);

#endif
