/* The `logs:` section of the YAML config: which charon logs to follow,
 * whether to take VICI log events and the error-notify socket, and the
 * operator's rules.  Errors name the file and line, like config.c.
 *
 *   logs:
 *     files: [/var/log/charon.log]     # followed files (absolute paths)
 *     journal: true                    # the systemd journal (sd-journal)
 *     journal_matches: [SYSLOG_IDENTIFIER=charon]  # default: charon, charon-systemd
 *     journal_directory: /var/log/journal/ID       # default: the local journal
 *     vici_log: true                   # charon's VICI 'log' events
 *     error_notify: unix:///var/run/charon.enfy   # or a path, true, false
 *     builtin: true                    # built-in failure patterns
 *     rules:
 *       - name: ike_init_retransmits
 *         pattern: 'retransmit ([0-9]+) of request'
 *         labels:
 *           conn: conn                 # the line's conn
 *           attempt: {group: 1, values: ["1", "2", "3"]}
 *
 * A label is `conn` (the line's conn), or {group: N, values: [...]}; a
 * label named conn may be {group: N} alone: then the value must be a
 * configured connection.  See logs/log_rules.h.
 *
 * error_notify and the built-in patterns see the same failures: with both,
 * and files, journal or vici_log, builtin must be false (an error
 * otherwise).  journal_matches or journal_directory turn the journal on. */
#ifndef IKW_CONFIG_LOGS_H
#define IKW_CONFIG_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "common/err.h"

#define LOG_CONFIG_FILES_MAX 16

struct log_rules;

struct log_config {
	char **files;              /* absolute paths */
	size_t nfiles;
	bool vici_log;             /* default false */
	bool journal;              /* default false */
	char **journal_matches;    /* "FIELD=value"; none = the default */
	size_t njournal_matches;
	char *journal_directory;   /* NULL = the local journal */
	char *error_notify;        /* socket path; NULL = off (default) */
	bool builtin;              /* default true */
	struct log_rules *rules;   /* NULL when there are none */
};

/* Defaults: nothing followed, no VICI log, no error-notify, built-in
 * patterns on. */
void log_config_init(struct log_config *lc);
/* Frees everything and leaves lc as after log_config_init. */
void log_config_release(struct log_config *lc);

/* Parses the value of the `logs` key (node, of doc) into lc.  On error
 * returns -EINVAL (or -ENOMEM) with "FILE:LINE: logs...: why" in err; lc
 * then holds what was parsed so far (release it). */
int config_logs_parse(struct log_config *lc, yaml_document_t *doc,
		      yaml_node_t *node, const char *filename,
		      struct ikw_err *err);

#endif
