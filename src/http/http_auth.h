/* HTTP basic authentication against bcrypt hashes (web-config.yml's
 * basic_auth_users).
 *
 * bcrypt is slow on purpose (tens of milliseconds), so a successful check is
 * remembered: per user, a SHA-256 of (hash, password) of the last password
 * that verified.  The next request with the same password compares digests
 * instead of running bcrypt; a wrong password always runs bcrypt.  An unknown
 * user runs bcrypt against another user's hash as well, so that the answer
 * time does not tell which users exist.  Comparisons are constant-time.
 *
 * At most HTTP_AUTH_BCRYPT_MAX bcrypt runs at once (half the CPUs, at least
 * one), so that wrong passwords cannot take every core from charon; a check
 * that waits over HTTP_AUTH_WAIT_MS for its turn gives up (busy).
 * Thread-safe. */
#ifndef IKW_HTTP_AUTH_H
#define IKW_HTTP_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "http/web_config.h"

struct http_auth;

/* Copies the users; NULL when n is 0 or out of memory (check n). */
struct http_auth *http_auth_new(const struct web_user *users, size_t n);
/* Accepts NULL. */
void http_auth_free(struct http_auth *a);

#define HTTP_AUTH_WAIT_MS 1000

enum http_auth_result {
	HTTP_AUTH_OK,
	HTTP_AUTH_DENIED,
	HTTP_AUTH_BUSY,       /* no bcrypt turn in time */
	HTTP_AUTH_UNCHECKED,  /* not the remembered password; bcrypt not run */
};

/* Checks user and password.  Without may_bcrypt, only the remembered
 * password of each user is compared (OK or UNCHECKED: cheap).  NULLs are
 * denied. */
enum http_auth_result http_auth_verify(struct http_auth *a, const char *user,
				       const char *password, bool may_bcrypt);
/* Whether user and password match one of the users (waiting for a bcrypt
 * turn as long as it takes). */
bool http_auth_check(struct http_auth *a, const char *user, const char *password);

/* Whether an Authorization header is "Bearer <want>" (scheme in any case),
 * compared in constant time; NULL is refused.  For the status actions and
 * the remediation webhook. */
bool http_bearer_ok(const char *want, const char *authorization);

/* How many checks ran bcrypt (for tests of the cache). */
unsigned long http_auth_bcrypt_runs(struct http_auth *a);

#endif
