/* The log sources in one-shot runs (`ikewatch textfile`): failures and
 * rule matches found in the files and the journal since the last run are
 * added to the counters kept in a state file, so that they stay monotonic
 * across cron runs.  The live sources (VICI log events, error-notify) have
 * no meaning between runs and are not read. */
#include "logs/logs_once.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "logs/log_state.h"
#include "logs/logs.h"
#include "model/model.h"

/* Same cap as the daemon's store: keys come from logs. */
#define LOGS_ONCE_KEYS_MAX 20000

struct logs_once {
	struct event_store *store;
	struct log_state ls;
	bool ok;
	double seconds;
};

bool logs_once_wanted(const struct log_config *lc)
{
	return lc->nfiles || lc->journal;
}

static double logs_once_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A damaged state restarts the counters rather than trusting it. */
static int logs_once_load(struct logs_once *lo, const char *path)
{
	struct ikw_err err = { "" };

	if (!log_state_load(&lo->ls, lo->store, path, &err))
		return 0;
	log_warn("ignoring the log state (log counters restart): %s", err.msg);
	event_store_free(lo->store);
	memset(&lo->ls, 0, sizeof(lo->ls));
	lo->store = event_store_new(LOGS_ONCE_KEYS_MAX);
	return lo->store ? 0 : -1;
}

struct logs_once *logs_once_begin(const struct log_config *lc, const char *path)
{
	struct logs_once *lo = calloc(1, sizeof(*lo));
	struct ikw_err err = { "" };
	double start = logs_once_now();

	if (!lo || !(lo->store = event_store_new(LOGS_ONCE_KEYS_MAX)) ||
	    logs_once_load(lo, path)) {
		logs_once_end(lo, NULL);
		return NULL;
	}
	if (lc->vici_log || lc->error_notify)
		log_info("logs: vici_log and error_notify are read by `serve` only");
	lo->ok = logs_catchup(lc, lo->store, &lo->ls, &err) == 0;
	lo->seconds = logs_once_now() - start;
	return lo;
}

struct event_store *logs_once_store(struct logs_once *lo)
{
	return lo ? lo->store : NULL;
}

void logs_once_contribute(void *ctx, struct model *m)
{
	struct logs_once *lo = ctx;

	model_record_collector(m, "logs", lo->ok, lo->seconds);
}

void logs_once_end(struct logs_once *lo, const char *path)
{
	struct ikw_err err = { "" };

	if (!lo)
		return;
	if (path && lo->store && log_state_save(&lo->ls, lo->store, path, &err))
		log_error("%s", err.msg);
	event_store_free(lo->store);
	free(lo);
}
