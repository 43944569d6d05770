/* What the log sources are to read: the `logs:` section of the config
 * (config/config_logs.c fills it, as config/config_probes.c fills the
 * probes' specs).  See config/config_logs.h for the YAML. */
#ifndef IKW_LOG_CONFIG_H
#define IKW_LOG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define LOG_CONFIG_FILES_MAX 16

/* Whose log it is: charon's wording, or libreswan pluto's (whose log is
 * also its only event source: up/down/rekey and final traffic). */
enum log_daemon { LOG_DAEMON_CHARON, LOG_DAEMON_PLUTO };

struct log_rules;

struct log_config {
	char **files;              /* absolute paths */
	size_t nfiles;
	enum log_daemon daemon;    /* default charon */
	bool vici_log;             /* default false */
	bool journal;              /* default false */
	char **journal_matches;    /* "FIELD=value"; none = the default */
	size_t njournal_matches;
	char *journal_directory;   /* NULL = the local journal */
	char *error_notify;        /* socket path; NULL = off (default) */
	bool builtin;              /* default true */
	struct log_rules *rules;   /* NULL when there are none */
	size_t keep_lines;         /* lines the status view's log keeps
				      (default LOG_STORE_LINES_DEFAULT) */
};

/* Defaults: nothing followed, no VICI log, no error-notify, built-in
 * patterns on. */
void log_config_init(struct log_config *lc);
/* Frees everything and leaves lc as after log_config_init. */
void log_config_release(struct log_config *lc);

#endif
