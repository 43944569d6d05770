#include "http/http_gate.h"

#include <stdio.h>
#include <string.h>

#include "common/deadline.h"
#include "common/log.h"
#include "http/http_reply.h"
#include "http/http_watch.h"

static enum MHD_Result http_unauthorized(struct MHD_Connection *c)
{
	struct MHD_Response *r = http_reply_buffer("Unauthorized\n", 13, HTTP_TEXT_TYPE);

	if (r && MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					 "Basic realm=\"ikewatch\", charset=\"UTF-8\"")
	    != MHD_YES) {
		MHD_destroy_response(r);
		r = NULL;
	}
	return http_reply_queue(c, MHD_HTTP_UNAUTHORIZED, r);
}

/* 429 or 503 with a Retry-After in whole seconds. */
static enum MHD_Result http_retry_later(struct MHD_Connection *c, unsigned status,
					const char *body, int64_t wait_ms)
{
	struct MHD_Response *r = http_reply_buffer(body, strlen(body), HTTP_TEXT_TYPE);
	char secs[24];

	snprintf(secs, sizeof(secs), "%lld", (long long)((wait_ms + 999) / 1000));
	if (r && MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, secs) != MHD_YES) {
		MHD_destroy_response(r);
		r = NULL;
	}
	return http_reply_queue(c, status, r);
}

/* The remembered password passes at once; else a client backing off is
 * refused before any bcrypt run; else bcrypt decides (in turn). */
static enum MHD_Result http_basic_auth(const struct http_gate *g, struct MHD_Connection *c,
				       const char *client, bool *pass_on)
{
	char *pass = NULL, *user = MHD_basic_auth_get_username_password(c, &pass);
	char key[HTTP_CLIENT_MAX];
	enum http_auth_result r = http_auth_verify(g->auth, user, pass, false);
	bool ran_bcrypt = false;
	int64_t wait = 0;

	http_backoff_key(client, key, sizeof(key));
	if (r == HTTP_AUTH_UNCHECKED &&
	    !(wait = http_backoff_wait_ms(g->backoff, key, deadline_now_ms()))) {
		r = http_auth_verify(g->auth, user, pass, true);
		ran_bcrypt = true;
	}
	if (pass) {
		explicit_bzero(pass, strlen(pass));
		MHD_free(pass);
	}
	if (user)
		MHD_free(user);
	*pass_on = r == HTTP_AUTH_OK;
	if (r == HTTP_AUTH_OK) {
		http_backoff_succeeded(g->backoff, key);
		return MHD_YES;
	}
	if (wait) {
		log_debug("http: %s backs off after failed logins (%lld ms left): 429", client,
			  (long long)wait);
		http_refusal_count(g->refusals, HTTP_REFUSED_LOGIN_BACKOFF);
		return http_retry_later(c, MHD_HTTP_TOO_MANY_REQUESTS,
					"Too many failed logins; retry later\n", wait);
	}
	/* a request without credentials cost nothing and is no failure (a
	 * browser asks first without); one that found no bcrypt turn is,
	 * else a crowd of wrong passwords would keep the turns for ever */
	if (ran_bcrypt)
		http_backoff_failed(g->backoff, key, deadline_now_ms());
	if (r == HTTP_AUTH_BUSY) {
		http_refusal_count(g->refusals, HTTP_REFUSED_LOGIN_BUSY);
		return http_retry_later(c, MHD_HTTP_SERVICE_UNAVAILABLE,
					"Busy checking passwords; retry later\n", 1000);
	}
	if (ran_bcrypt)
		http_refusal_count(g->refusals, HTTP_REFUSED_LOGIN_FAILED);
	return http_unauthorized(c);
}

bool http_gate_pass(const struct http_gate *g, struct MHD_Connection *c,
		    const char *client, enum MHD_Result *ret)
{
	const char *why;
	char why_nl[96];

	if (g->tls) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);

		if (!http_tls_client_ok(g->tls, ci ? ci->tls_session : NULL, &why)) {
			log_debug("http: refused a request: %s", why);
			snprintf(why_nl, sizeof(why_nl), "%s\n", why);
			*ret = http_reply_text(c, MHD_HTTP_FORBIDDEN, why_nl);
			return false;
		}
	}
	if (g->auth) {
		bool pass_on;

		*ret = http_basic_auth(g, c, client, &pass_on);
		return pass_on;
	}
	return true;
}
