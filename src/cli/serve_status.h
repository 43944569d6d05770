/* The daemon's status routes: /status (HTML), /api/v1/status (JSON, or the
 * terminal table with ?format=text), /api/v1/log and POST /api/v1/actions/<action>. */
#ifndef IKW_SERVE_STATUS_H
#define IKW_SERVE_STATUS_H

#include "collect/scrape.h"
#include "config/config.h"
#include "logs/log_store.h"
#include "http/http_route.h"
#include "status/status_actions.h"

struct serve_status {
	struct scraper *scraper;            /* borrowed */
	const struct config *c;
	struct status_actions *actions;     /* NULL: disabled */
	struct log_store *lines;            /* borrowed; the log panel */
};

/* Loads the actions' token and audit log when enabled; 0 or -1 (logged). */
int serve_status_init(struct serve_status *st, struct scraper *s, struct log_store *lines,
		      const struct config *c);
void serve_status_release(struct serve_status *st);
#define SERVE_STATUS_ACTIONS_PREFIX "/api/v1/actions/"

/* Route handlers; ctx is the struct serve_status.  GET /status: the HTML
 * page. */
void serve_status_page(void *ctx, const struct http_request *req,
		       struct http_response *resp);
/* GET /api/v1/status: JSON, or the terminal table with ?format=text. */
void serve_status_api(void *ctx, const struct http_request *req,
		      struct http_response *resp);
/* GET /api/v1/log?conn=GLOB&limit=N&kind=K,K: the log lines, newest
 * first, with each matching conn's negotiation and timeline; JSON, or
 * text with ?format=text.  400 on a bad parameter. */
void serve_status_log(void *ctx, const struct http_request *req,
		      struct http_response *resp);
/* POST /api/v1/actions/<action> (the prefix route). */
void serve_status_action(void *ctx, const struct http_request *req,
			 struct http_response *resp);

#endif
