/* Redaction of peers, since metrics and the status page leave the host: a
 * peer's address and identity are replaced, in the snapshot before anything
 * renders it, by a configured alias or by "peer-" and 12 hex digits of
 * SHA-256(salt, value).  The hash is stable (the same peer keeps its name
 * across scrapes and restarts, so series do not break) and, with a secret
 * salt, not reversible by trying every address.  Applies to the IKE SAs'
 * remote address, identity and virtual IPs (and the traffic selectors that
 * name them), the connections' remote addresses, the
 * addresses of kernel SAs (also summed as SAs no CHILD SA claims) and KLIPS
 * SAs, and the subjects of the remote
 * side's certificates (model/conn_certs.h). */
#ifndef IKW_REDACT_H
#define IKW_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

struct model;

enum redact_mode { REDACT_NONE, REDACT_HASH, REDACT_ALIAS };

#define REDACT_ALIASES_MAX 4096
#define REDACT_NAME_MAX 40

struct redact_alias {
	char *value, *alias;
};

struct redact_config {
	enum redact_mode mode;
	char *salt;                     /* NULL: none (hashes can be guessed) */
	struct redact_alias *aliases;   /* REDACT_ALIAS: value -> alias, others hashed */
	size_t naliases;
};

void redact_config_init(struct redact_config *rc);
void redact_config_release(struct redact_config *rc);
/* "none", "hash", "alias" */
int redact_mode_parse(const char *s, enum redact_mode *out);

/* What value becomes, into out (at least REDACT_NAME_MAX + 1 bytes); ""
 * stays "".  Comma-joined lists (remote_addrs) are redacted item by item
 * up to the size of out. */
void redact_value(const struct redact_config *rc, const char *value, char *out,
		  size_t size);

/* value redacted as one name, commas included (a certificate's DN). */
void redact_whole(const struct redact_config *rc, const char *value, char *out,
		  size_t size);

/* Rewrites m's peer fields in place (strings from m's arena).  Returns 0 or
 * -ENOMEM. */
int redact_model(const struct redact_config *rc, struct model *m);

#endif
