/* Actions from the status view: terminate an IKE or CHILD SA, initiate a
 * connection's CHILD SA.  Off unless the config enables them; then only a
 * POST with Content-Type application/json (which an HTML form cannot send
 * across sites), no foreign Origin or Sec-Fetch-Site, and the bearer token
 * from the token file is obeyed.  Every request that reaches an enabled
 * handler, refused or not, is one JSON line in the audit log. */
#ifndef IKW_STATUS_ACTIONS_H
#define IKW_STATUS_ACTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"
#include "http/http_route.h"

#define STATUS_TOKEN_MIN 16

/* The commands that act on charon, given by the caller (they live with the
 * VICI client, below status/). */
struct status_control {
	/* child: terminate the CHILD SA with that unique id, else the IKE SA. */
	int (*terminate)(const char *socket_path, bool child, uint32_t id,
			 unsigned timeout_ms, struct ikw_err *err);
	/* ike may be NULL (charon picks the connection that has child). */
	int (*initiate)(const char *socket_path, const char *ike, const char *child,
			unsigned timeout_ms, struct ikw_err *err);
};

struct status_actions_opts {
	struct status_control control;   /* both set */
	const char *token_file;    /* the token: one line, at least 16 bytes */
	const char *audit_log;     /* appended to, created 0600 */
	const char *vici_socket;
	unsigned timeout_ms;       /* charon's answer; default 10000 */
};

struct status_actions;

/* Reads the token and opens the audit log; 0 or -errno with err set. */
int status_actions_new(struct status_actions **out, const struct status_actions_opts *o,
		       struct ikw_err *err);
void status_actions_free(struct status_actions *a);   /* accepts NULL */

/* POST /api/v1/actions/<action>; a NULL a means actions are disabled. */
void status_actions_handle(struct status_actions *a, const char *action,
			   const struct http_request *req, struct http_response *resp);

/* Whether an Origin header names the same host as Host (for tests). */
bool status_same_origin(const char *origin, const char *host);

#endif
