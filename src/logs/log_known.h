/* The connections charon knows, as of the last collection: log lines name
 * conns, and a line anyone could have written must not create a label of
 * its own.  Updated by the scraper's thread, read by the log threads. */
#ifndef IKW_LOG_KNOWN_H
#define IKW_LOG_KNOWN_H

#include <stdbool.h>

struct log_known;
struct model;

struct log_known *log_known_new(void);
void log_known_free(struct log_known *k);
/* Takes the configured conns of a collection; a collection without any
 * conn (charon unreachable, nothing loaded) leaves the set as it was. */
void log_known_update(struct log_known *k, const struct model *m);
/* Whether conn was configured at the last collection (a log_conn_known_fn);
 * false before any collection had a conn. */
bool log_known_has(void *k, const char *conn);

#endif
