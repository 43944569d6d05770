/* The daemon's status routes: /status (HTML), /api/v1/status (JSON, or the
 * terminal table with ?format=text) and POST /api/v1/actions/<action>. */
#ifndef IKW_SERVE_STATUS_H
#define IKW_SERVE_STATUS_H

#include "collect/scrape.h"
#include "config/config.h"
#include "http/http_server.h"
#include "status/status_actions.h"

struct serve_status {
	struct scraper *scraper;            /* borrowed */
	const struct config *c;
	struct status_actions *actions;     /* NULL: disabled */
};

/* Loads the actions' token and audit log when enabled; 0 or -1 (logged). */
int serve_status_init(struct serve_status *st, struct scraper *s, const struct config *c);
void serve_status_release(struct serve_status *st);
/* handlers->app */
void serve_status_route(void *ctx, const struct http_request *req,
			struct http_response *resp);

#endif
