/* Assembles every snapshot, in the daemon and in one-shot runs alike: runs
 * the collectors into a fresh model with one deadline for all, redacts it,
 * lets each contributor fill its section, adds the event store's view, and
 * builds the tunnel views from the traffic ledger.  Scrapes that arrive
 * while a collection runs wait for it and share its snapshot, so N
 * concurrent scrapers cost charon one read; scrapes that ask for it are
 * also served a collection that finished within a short window (an HA
 * pair of Prometheus servers scraping the same interval at other
 * offsets).  The ledgers (charon's traffic,
 * the kernel's traffic and errors) live here because they must outlive
 * snapshots; with ledger_state they are loaded from files and saved after
 * each collection. */
#ifndef IKW_SCRAPE_H
#define IKW_SCRAPE_H

#include <stddef.h>

#include "collect/collector.h"
#include "model/redact.h"
#include "model/scrape_info.h"
#include "model/view.h"

struct scraper;

struct scraper_opts {
	int timeout_ms;                 /* whole collection */
	struct event_store *events;     /* NULL: no events, failures, rules */
	bool event_stream;              /* the VICI event stream feeds events */
	int64_t rekey_overdue_margin;   /* seconds */
	/* Where the ledgers persist between runs (one-shot commands): PATH,
	 * PATH.kernel-traffic and PATH.kernel-errors; NULL: memory only.
	 * Must outlive the scraper. */
	const char *ledger_state;
	struct expect_policy policy;    /* pointers must outlive the scraper */
	const struct redact_config *redact;   /* NULL: none; must outlive it */
	/* kernel errors count as rising this long after they last grew
	 * (seconds; 0: ERROR_TREND_WINDOW_DEFAULT) */
	int64_t kernel_errors_window;
};

/* Takes ownership of the collectors (destroyed by scraper_free). */
struct scraper *scraper_new(const struct scraper_opts *o,
			    struct collector **collectors, size_t n);
void scraper_free(struct scraper *s);

/* Returns a snapshot reference (model_unref() it), NULL only on ENOMEM.
 * Never older than the call, except that a collection under way is shared. */
struct model *scraper_collect(struct scraper *s);

/* The same, but a collection that started less than window_ms before the
 * call (and finished) is served again (0: never).  info, when not NULL,
 * gets the snapshot's age and the counts (see model/scrape_info.h). */
struct model *scraper_collect_recent(struct scraper *s, uint64_t window_ms,
				     struct scrape_info *info);

/* The window rule, apart for the tests: a snapshot age_seconds old is
 * served again under window_ms. */
bool scraper_reusable(double age_seconds, uint64_t window_ms);

#define SCRAPER_CONTRIBUTORS_MAX 8

/* Registers a contributor (see collector.h), called in the order added.
 * Returns 0, or -ENOSPC past SCRAPER_CONTRIBUTORS_MAX.  Safe while other
 * threads collect: a contributor added takes part from the next collection
 * on. */
int scraper_add_contributor(struct scraper *s, struct contributor c);

/* The event store of the options (NULL: none), for workers that report
 * events (remediation). */
struct event_store *scraper_events(struct scraper *s);

/* True once one collection has completed (for /-/ready). */
int scraper_has_run(struct scraper *s);

#endif
