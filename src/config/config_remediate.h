/* The `remediation:` section (docs/remediation.md): off unless enabled;
 * dry-run unless dry_run: false.  Durations are policy time (divided by
 * time_scale, which only tests set).
 *
 *   remediation:
 *     enabled: true
 *     dry_run: false
 *     token_file: /etc/ikewatch/remediate.token   # bearer token of the webhook
 *     audit_log: /var/log/ikewatch/remediation.jsonl
 *     conns: ["site-*"]            # may be acted on (default: every loaded conn)
 *     probe_alerts: [IPsecChildSAProbeFailing]   # data-plane alerts (default: the
 *                                  # four shipped ones): a fresh probe, then rekeys
 *     checks: 3                    # fresh checks that must all see the fault
 *     check_interval: 10s
 *     initiate_timeout: 10s
 *     recheck_delay: 10s           # after an action, before checking again
 *     cooldown: 10m                # per conn
 *     global_max_faulty: 3         # more conns faulty at once: escalate
 *     diagnostics:
 *       directory: /var/lib/ikewatch/diagnostics
 *       keep: 50                   # bundles kept
 *       max_total_bytes: 50MiB-ish number
 *       output_max_bytes: 262144   # per command
 *       timeout: 10s               # per command
 *       commands: [[ip, route], [ip, -s, xfrm, state]]
 *     restart:
 *       command: [systemctl, restart, strongswan]
 *       timeout: 120s
 *       min_interval: 15m
 *       backoff_max: 6h
 *       day_cap: 4
 *       settle: 30s                # after the restart, before checking
 *     notify:
 *       url: http://127.0.0.1:9000/hook
 *       timeout: 5s
 *     self_check: 1m               # also look for faulty conns this often
 *     time_scale: 1
 */
#ifndef IKW_CONFIG_REMEDIATE_H
#define IKW_CONFIG_REMEDIATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "common/err.h"

#define REMEDIATE_ARGV_MAX 32         /* words of one command */
#define REMEDIATE_COMMANDS_MAX 16     /* diagnostic commands */
#define REMEDIATE_CONNS_MAX 1024

struct remediate_argv {
	char **argv;                  /* NULL-terminated */
	size_t n;
};

struct remediate_config {
	bool enabled, dry_run;
	char *token_file, *audit_log;
	char *state_file;             /* cooldowns, backoff, day cap; NULL: memory only */
	char **conns;                 /* globs; none: every loaded conn */
	size_t nconns;
	struct remediate_argv probe_alerts;   /* alert names of the data-plane steps */
	unsigned checks;
	uint64_t check_interval_ms, initiate_timeout_ms, recheck_delay_ms, cooldown_ms;
	unsigned global_max_faulty;
	char *diag_dir;
	unsigned diag_keep;
	uint64_t diag_max_total_bytes, diag_output_max_bytes, diag_timeout_ms;
	struct remediate_argv *diag_commands;
	size_t ndiag_commands;
	bool diag_commands_set;       /* the config replaced the defaults */
	struct remediate_argv restart;   /* n == 0: no restart step */
	uint64_t restart_timeout_ms, restart_min_interval_ms, restart_backoff_max_ms;
	uint64_t restart_settle_ms;
	unsigned restart_day_cap;
	char *notify_url;
	uint64_t notify_timeout_ms;
	/* notify.tls_config, bearer_token_file, basic_auth (checked together by
	 * remediate_notify_check) */
	char *notify_ca_file, *notify_cert_file, *notify_key_file;
	bool notify_insecure;
	char *notify_bearer_file, *notify_basic_user, *notify_basic_password_file;
	uint64_t self_check_ms;       /* 0: only Alertmanager triggers */
	unsigned time_scale;
};

void remediate_config_init(struct remediate_config *rc);
void remediate_config_release(struct remediate_config *rc);
int config_remediate_parse(struct remediate_config *rc, yaml_document_t *doc,
			   yaml_node_t *node, const char *filename, struct ikw_err *err);
/* Consistency once everything is read (enabled needs token and audit log). */
int remediate_config_check(const struct remediate_config *rc, struct ikw_err *err);

#endif
