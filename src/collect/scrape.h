/* Runs the collectors into a fresh snapshot, with one deadline for all.
 * Scrapes that arrive while a collection runs wait for it and share its
 * snapshot, so N concurrent scrapers cost charon one read.  The traffic
 * ledger lives here because it must outlive snapshots. */
#ifndef IKW_SCRAPE_H
#define IKW_SCRAPE_H

#include <stddef.h>

#include "collect/collector.h"
#include "model/redact.h"
#include "model/view.h"

struct scraper;

struct scraper_opts {
	int timeout_ms;                 /* whole collection */
	struct event_store *events;     /* NULL: no events, failures, rules */
	bool event_stream;              /* the VICI event stream feeds events */
	int64_t rekey_overdue_margin;   /* seconds */
	/* Adds what other parts of the daemon know (log source health) to a
	 * snapshot; may be NULL.  Called once per collection. */
	void (*annotate)(void *ctx, struct model *m);
	void *annotate_ctx;
	struct expect_policy policy;    /* pointers must outlive the scraper */
	const struct redact_config *redact;   /* NULL: none; must outlive it */
};

/* Takes ownership of the collectors (destroyed by scraper_free). */
struct scraper *scraper_new(const struct scraper_opts *o,
			    struct collector **collectors, size_t n);
void scraper_free(struct scraper *s);

/* Returns a snapshot reference (model_unref() it), NULL only on ENOMEM. */
struct model *scraper_collect(struct scraper *s);

/* The traffic ledger, for loading and saving it around a one-shot run. Not
 * to be touched while a collection may run. */
struct ledger *scraper_ledger(struct scraper *s);
/* The same for the ledgers of the kernel's counters. */
struct kernel_ledgers scraper_kernel_ledgers(struct scraper *s);

/* True once one collection has completed (for /-/ready). */
int scraper_has_run(struct scraper *s);

#endif
