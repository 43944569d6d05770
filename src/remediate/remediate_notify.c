/* The outgoing notification of remediation: decisions a human should hear
 * about (acted, escalated, dry-run) POSTed as JSON to notify_url. */
#include <stdio.h>
#include <string.h>

#include "http/http_client.h"
#include "common/log.h"
#include "remediate/remediate_int.h"

void rem_notify(struct remediate *r, const struct strbuf *body)
{
	const char *url = r->rc->notify_url;
	const char *slash = strchr(url + 7, '/');   /* after "http://" */
	struct strbuf answer = STRBUF_INIT;
	struct ikw_err err = { "" };
	char base[256];
	struct http_client_req req = { .url = base, .method = "POST", .path = slash ? slash : "/",
				       .body = body->buf,
				       .timeout_ms = (int)r->rc->notify_timeout_ms };
	int status = 0;

	snprintf(base, sizeof(base), "%.*s",
		 (int)(slash ? (size_t)(slash - url) : strlen(url)), url);
	if (strbuf_failed(body) || http_client_fetch(&req, &status, &answer, &err) ||
	    status / 100 != 2)
		log_warn("remediation notify %s: %s", url,
			 err.msg[0] ? err.msg : "not a 2xx answer");
	strbuf_release(&answer);
}
