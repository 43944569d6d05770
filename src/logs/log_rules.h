/* Operator-defined log rules: a POSIX extended regex over the message of a
 * log line (what follows "NN[GRP] <conn|id> ", the same text a VICI 'log'
 * event carries) → a counter ipsec_log_rule_matches_total{rule=NAME, ...}.
 *
 * Labels come from a bounded set only, so that a log line cannot create
 * series: a label is the line's conn, or a captured group whose value must
 * be one of the rule's `values`, or — for a label named "conn" — the name of
 * a configured connection (asked through a callback).  Anything else
 * becomes "other".
 *
 * Rules are compiled once at configuration time and then only read, so one
 * struct log_rules may be matched from several threads. */
#ifndef IKW_LOG_RULES_H
#define IKW_LOG_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "model/events.h"

#define LOG_RULES_MAX 64
#define LOG_RULE_NAME_MAX 64        /* rule and label names */
#define LOG_RULE_PATTERN_MAX 1024
#define LOG_RULE_VALUES_MAX 32      /* values of one label */
#define LOG_RULE_VALUE_MAX 128      /* bytes of one value */
#define LOG_RULE_GROUP_MAX 9
#define LOG_RULE_OTHER "other"

enum log_label_src {
	LOG_LABEL_CONN,    /* the conn of the line */
	LOG_LABEL_GROUP,   /* a captured group */
};

struct log_label_spec {
	const char *name;
	enum log_label_src src;
	unsigned group;                /* LOG_LABEL_GROUP: 1..9 */
	const char *const *values;     /* allowed values; NULL only for "conn" */
	size_t nvalues;
};

struct log_rule_spec {
	const char *name;
	const char *pattern;
	struct log_label_spec labels[EVENT_LABELS_MAX];
	size_t nlabels;
};

struct log_rules;

/* Returns NULL on ENOMEM. */
struct log_rules *log_rules_new(void);
void log_rules_free(struct log_rules *rs);   /* accepts NULL */
size_t log_rules_count(const struct log_rules *rs);

/* Validates and compiles one rule (strings are copied).  Returns 0,
 * -EINVAL (bad rule: err says why, without a location), -E2BIG (over
 * LOG_RULES_MAX) or -ENOMEM. */
int log_rules_add(struct log_rules *rs, const struct log_rule_spec *spec,
		  struct ikw_err *err);

/* Is this a configured connection?  Called from the matching thread. */
typedef bool (*log_conn_known_fn)(void *ctx, const char *conn);

/* One rule matched: label values are valid until the call returns. */
typedef void (*log_rules_emit_fn)(void *ctx, const char *rule,
				  const char *const *names,
				  const char *const *values, size_t n);

/* Runs every rule over msg (len bytes, may contain NUL; at most
 * LOG_CLASSIFY_MAX are looked at).  conn is the line's sanitized conn ("" or
 * NULL when none).  known may be NULL: then the line's own conn is kept and
 * a captured conn is "other".  Returns the number of rules that matched. */
int log_rules_match(const struct log_rules *rs, const char *msg, size_t len,
		    const char *conn, log_conn_known_fn known, void *kctx,
		    log_rules_emit_fn emit, void *ectx);

/* Label and rule names: [a-zA-Z_][a-zA-Z0-9_]*, at most LOG_RULE_NAME_MAX
 * bytes; label names not starting with "__". */
bool log_rules_valid_name(const char *s);

/* The longest literal that every match of the ERE pattern contains, used to
 * skip the regex for lines that cannot match.  Writes it NUL-terminated to
 * out (pattern length + 1 bytes) and returns its length (0: none). */
size_t log_rules_literal(const char *pattern, char *out);

#endif
