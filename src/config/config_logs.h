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
 *     keep_lines: 2000                 # lines the status view's VPN log keeps
 *     daemon: pluto                    # whose log: charon (default) or pluto
 *                                      # (libreswan: also its SA events)
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
#include "logs/log_config.h"

/* Parses the value of the `logs` key (node, of doc) into lc.  On error
 * returns -EINVAL (or -ENOMEM) with "FILE:LINE: logs...: why" in err; lc
 * then holds what was parsed so far (release it). */
int config_logs_parse(struct log_config *lc, yaml_document_t *doc,
		      yaml_node_t *node, const char *filename,
		      struct ikw_err *err);

#endif
