/* The daemon's status routes: /status (HTML), /api/v1/status (JSON, or the
 * terminal table with ?format=text) and POST /api/v1/actions/<action>. */
#ifndef IKW_SERVE_STATUS_H
#define IKW_SERVE_STATUS_H

#include "collect/scrape.h"
#include "config/config.h"
#include "http/http_route.h"
#include "status/status_actions.h"

struct serve_status {
	struct scraper *scraper;            /* borrowed */
	const struct config *c;
	struct status_actions *actions;     /* NULL: disabled */
};

/* Loads the actions' token and audit log when enabled; 0 or -1 (logged). */
int serve_status_init(struct serve_status *st, struct scraper *s, const struct config *c);
void serve_status_release(struct serve_status *st);
#define SERVE_STATUS_ACTIONS_PREFIX "/api/v1/actions/"

/* Route handlers; ctx is the struct serve_status.  GET /status: the HTML
 * page. */
void serve_status_page(void *ctx, const struct http_request *req,
		       struct http_response *resp);
/* GET /api/v1/status: JSON, or the terminal table with ?format=text. */
void serve_status_api(void *ctx, const struct http_request *req,
		      struct http_response *resp);
/* POST /api/v1/actions/<action> (the prefix route). */
void serve_status_action(void *ctx, const struct http_request *req,
			 struct http_response *resp);

#endif
