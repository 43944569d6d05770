/* The outgoing notification of remediation: decisions a human should hear
 * about (acted, escalated, dry-run) POSTed as JSON to notify_url, over
 * http:// or https:// with the notify's TLS options and credentials. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "http/http_client.h"
#include "common/log.h"
#include "remediate/remediate.h"
#include "remediate/remediate_int.h"

static void rem_notify_tls(const struct remediate_config *rc, struct http_client_tls *t)
{
	*t = (struct http_client_tls){ rc->notify_ca_file, rc->notify_cert_file,
				       rc->notify_key_file, rc->notify_insecure,
				       rc->notify_bearer_file, rc->notify_basic_user,
				       rc->notify_basic_password_file };
}

int remediate_notify_check(const struct remediate_config *rc, struct ikw_err *err)
{
	struct http_client_tls t;

	rem_notify_tls(rc, &t);
	if (rc->notify_url && http_client_url_check(rc->notify_url, err))
		return err_prefix(err, -EINVAL, "remediation.notify.url");
	return http_client_tls_check(&t, "remediation.notify", err);
}

void rem_notify(struct remediate *r, const struct strbuf *body)
{
	const char *url = r->rc->notify_url;
	struct strbuf answer = STRBUF_INIT;
	struct ikw_err err = { "" };
	struct http_client_tls tls;
	struct http_client_req req = { .url = url, .method = "POST", .body = body->buf,
				       .timeout_ms = (int)r->rc->notify_timeout_ms,
				       .tls = &tls };
	int status = 0;

	rem_notify_tls(r->rc, &tls);
	if (strbuf_failed(body) || http_client_fetch(&req, &status, &answer, &err))
		log_warn("remediation notify %s: %s", url, err.msg[0] ? err.msg : "out of memory");
	else if (status / 100 != 2)
		log_warn("remediation notify %s: answered %d, not 2xx", url, status);
	strbuf_release(&answer);
}
