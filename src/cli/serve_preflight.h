/* `serve`: checks made once at start whose failure is logged clearly but
 * does not stop the daemon (the collector concerned reports the failure on
 * every scrape until the cause goes away). */
#ifndef IKW_SERVE_PREFLIGHT_H
#define IKW_SERVE_PREFLIGHT_H

/* Logs an error when the VICI socket (a path or unix://path) is missing, is
 * not a socket, or cannot be read and written by this process.  Returns 0
 * when it looks usable, -1 otherwise. */
int serve_preflight_vici(const char *socket_path);

struct config;
/* With c->run_as: becomes that user keeping only the capabilities c needs
 * (see privdrop.h) and logs what it kept.  Call before any thread starts,
 * after the files only root may read (the TLS key) are read.  Returns 0, or
 * -1 after logging why (the daemon must not run on as root then). */
int serve_drop_privileges(const struct config *c);

#endif
