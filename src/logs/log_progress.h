/* The snapshot's negotiations (model/negotiation.h): which conns have an
 * IKE SA being negotiated and none up, joined with what the log store says
 * of their current try.  A contributor: it runs in every collection, before
 * redaction, and keeps in the store since when each conn has been seen
 * negotiating. */
#ifndef IKW_LOG_PROGRESS_H
#define IKW_LOG_PROGRESS_H

#include "logs/log_store.h"
#include "model/model.h"

/* ctx: the struct log_store.  Fills m->negotiation from m->ike_sas (when
 * m->have_sas). */
void log_progress_contribute(void *ctx, struct model *m);

/* The same with the time given (tests). */
void log_progress_fill(struct log_store *s, struct model *m, double now);

#endif
