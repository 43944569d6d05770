/* The log sources in one-shot runs (`ikewatch textfile`), kept in the
 * state file at path between runs. */
#ifndef IKW_LOGS_ONCE_H
#define IKW_LOGS_ONCE_H

#include <stdbool.h>

#include "logs/log_config.h"
#include "model/events.h"

struct model;
struct logs_once;

bool logs_once_wanted(const struct log_config *lc);
/* Loads the state and reads the logs since the last run; NULL on ENOMEM. */
struct logs_once *logs_once_begin(const struct log_config *lc, const char *path);
/* The store the failures and rule matches were counted into. */
struct event_store *logs_once_store(struct logs_once *lo);
/* The contributor (ctx: the logs_once): records the "logs" collector's
 * result in the snapshot. */
void logs_once_contribute(void *ctx, struct model *m);
/* Saves the state (when path) and frees; accepts NULL. */
void logs_once_end(struct logs_once *lo, const char *path);

#endif
