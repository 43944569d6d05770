/* Settings from the YAML config file and the command line (flags win).
 * Every error is one line naming the file and line, or the flag. */
#ifndef IKW_CONFIG_H
#define IKW_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/log.h"
#include "config/config_collectors.h"
#include "config/config_logs.h"
#include "config/config_remediate.h"
#include "model/redact.h"
#include "probe/probe.h"

#define IKW_DEFAULT_PORT "9786"
#define IKW_DEFAULT_LISTEN "127.0.0.1:" IKW_DEFAULT_PORT
/* libreswan's whack, where Debian, Fedora and RHEL install it */
#define IKW_DEFAULT_WHACK "/usr/libexec/ipsec/whack"
#define CONFIG_FILE_MAX (1024 * 1024)
#define CONFIG_LIST_MAX 1024
/* Below the shortest interval Prometheus is commonly given (5 s), so a
 * single server is never handed its own previous collection; an HA pair's
 * second server within 4 s of the first is (docs/metrics.md "HA pairs"). */
#define CONFIG_REUSE_WINDOW_DEFAULT_MS 4000

struct config {
	char *listen_address;
	char *telemetry_path;
	char *vici_socket;
	uint64_t vici_timeout_ms;
	enum log_level log_level;
	bool peer_labels;
	unsigned identity_labels;     /* per-identity series of remote-access
					 conns, at most this many; 0 off */
	char **expect_up;
	size_t n_expect_up;
	char **ignore;
	size_t n_ignore;
	char *config_file;
	char *output_dir;      /* textfile --output */
	char *textfile_state;  /* ledger state between runs */
	char *textfile_logs_state; /* log positions and counters between runs */
	unsigned max_connections;
	unsigned max_concurrent_scrapes;
	uint64_t scrape_reuse_window_ms;  /* serve: 0 never reuses a collection */
	uint64_t web_request_timeout_ms, web_response_timeout_ms;
	bool events_enabled;             /* serve: the VICI event stream */
	/* serve: the event log (docs/eventlog.md) */
	char *events_log_file;           /* NULL or "": no file */
	bool events_journal;             /* also to the journal */
	unsigned events_log_rate;        /* lines a second */
	unsigned events_log_queue;       /* lines waiting at most */
	bool xfrm_enabled;               /* the XFRM netlink collector */
	bool collector_groups[METRIC_GROUP_N];  /* true: the group's families */
	char *xfrm_netns;                /* NULL: ikewatch's own namespace */
	char *xfrm_stat_path, *klips_path;   /* "" turns them off */
	/* libreswan: pluto's control socket (NULL or "": off, charon over VICI
	   instead) and the whack that talks to it */
	char *libreswan_ctlsocket, *libreswan_whack;
	/* the status view (status:) and `ikewatch status` */
	bool status_actions;             /* serve: actions allowed */
	char *status_token_file, *status_audit_log;
	uint64_t status_refresh_ms;
	uint64_t status_degraded_window_ms;  /* kernel errors rising this long */
	char *status_url;                /* status: ask this daemon */
	bool status_color, status_json;
	bool status_log;                 /* status --log: negotiation, timeline, log lines */
	char *status_conn;               /* status: conn glob */
	unsigned status_width;           /* status: 0 = the terminal's */
	unsigned status_terminate_ike, status_terminate_child;
	char *status_initiate;           /* CONN/CHILD */
	/* status --url: TLS and credentials (http_client_tls) */
	char *status_tls_ca_file, *status_tls_cert_file, *status_tls_key_file;
	bool status_tls_insecure;
	char *status_auth_bearer_file, *status_auth_basic_user, *status_auth_basic_password_file;
	uint64_t rekey_overdue_margin_ms;
	struct log_config logs;          /* serve: failure sources (logs:) */
	struct redact_config redact;     /* redact: (flags below override) */
	char *redact_mode_flag, *redact_salt_flag;
	struct probe_config probes;      /* data-plane probes (probes:) */
	char *blackbox_address;          /* blackbox-config: the exporter */
	char *web_config_file;           /* serve: web-config.yml (TLS, auth) */
	char *run_as;                    /* serve: drop to this user */
	struct remediate_config remediate;   /* serve: remediation: */
};

void config_init(struct config *c);
void config_release(struct config *c);

/* Parses YAML text (name is used in messages).  Pure; for tests/fuzzing. */
int config_parse_yaml(struct config *c, const char *name, const char *text,
		      size_t len, struct ikw_err *err);
/* Reads and parses a file (at most CONFIG_FILE_MAX bytes). */
int config_load_file(struct config *c, const char *path, struct ikw_err *err);

/* Parses flags from argv[start..argc).  Positional arguments are an error.
 * --config.file is loaded first, so flags override the file; --help and
 * --version set *want_help / *want_version.  Returns 0 or -EINVAL. */
int config_parse_args(struct config *c, int argc, char **argv, int start,
		      bool *want_help, bool *want_version, struct ikw_err *err);

/* Usage text for the flags. */
extern const char config_flags_usage[];

#endif
