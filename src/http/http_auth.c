#include "http/http_auth.h"

#include <crypt.h>
#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "common/ct.h"
#include "common/deadline.h"

#define HTTP_AUTH_DIGEST 32

struct http_auth_user {
	char *name, *hash;
	bool cached;
	unsigned char digest[HTTP_AUTH_DIGEST];  /* of the last good password */
};

struct http_auth {
	pthread_mutex_t lock;
	pthread_cond_t turn;          /* a bcrypt run ended */
	unsigned running, max_running;
	struct http_auth_user *users;
	size_t n;
	unsigned long bcrypt_runs;
};

void http_auth_free(struct http_auth *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < a->n; i++) {
		free(a->users[i].name);
		free(a->users[i].hash);
	}
	free(a->users);
	pthread_cond_destroy(&a->turn);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

/* Half the CPUs online, at least one. */
static unsigned http_auth_bcrypt_max(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n >= 4 ? (unsigned)(n / 2) : 1;
}

struct http_auth *http_auth_new(const struct web_user *users, size_t n)
{
	struct http_auth *a;
	size_t i;

	if (!n)
		return NULL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	pthread_mutex_init(&a->lock, NULL);
	if (cond_init_monotonic(&a->turn))
		pthread_cond_init(&a->turn, NULL);   /* waits then follow the wall clock */
	a->max_running = http_auth_bcrypt_max();
	a->users = calloc(n, sizeof(*a->users));
	if (!a->users) {
		http_auth_free(a);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		a->users[i].name = strdup(users[i].name);
		a->users[i].hash = strdup(users[i].hash);
		a->n++;
		if (!a->users[i].name || !a->users[i].hash) {
			http_auth_free(a);
			return NULL;
		}
	}
	return a;
}

/* SHA-256 of hash "\n" password; false on failure. */
static bool http_auth_digest(const char *hash, const char *password,
			     unsigned char *out)
{
	size_t hl = strlen(hash), pl = strlen(password);
	char *buf = malloc(hl + 1 + pl);
	int r;

	if (!buf)
		return false;
	memcpy(buf, hash, hl);
	buf[hl] = '\n';
	memcpy(buf + hl + 1, password, pl);
	r = gnutls_hash_fast(GNUTLS_DIG_SHA256, buf, hl + 1 + pl, out);
	explicit_bzero(buf, hl + 1 + pl);
	free(buf);
	return r == 0;
}

/* Waits for a bcrypt turn, up to wait_ms (forever when negative); false
 * when none came. */
static bool http_auth_take_turn(struct http_auth *a, int wait_ms)
{
	struct timespec until;
	int r = 0;

	timespec_after_ms(CLOCK_MONOTONIC, wait_ms > 0 ? wait_ms : 0, &until);
	pthread_mutex_lock(&a->lock);
	while (a->running >= a->max_running && r != ETIMEDOUT)
		r = wait_ms < 0 ? pthread_cond_wait(&a->turn, &a->lock) :
				  pthread_cond_timedwait(&a->turn, &a->lock, &until);
	if (a->running >= a->max_running) {
		pthread_mutex_unlock(&a->lock);
		return false;
	}
	a->running++;
	a->bcrypt_runs++;
	pthread_mutex_unlock(&a->lock);
	return true;
}

static void http_auth_end_turn(struct http_auth *a)
{
	pthread_mutex_lock(&a->lock);
	a->running--;
	pthread_cond_signal(&a->turn);
	pthread_mutex_unlock(&a->lock);
}

/* OK, DENIED, or BUSY when no turn came within wait_ms. */
static enum http_auth_result http_auth_bcrypt(struct http_auth *a, const char *hash,
					      const char *password, int wait_ms)
{
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	const char *out;
	bool ok;

	if (!cd)
		return HTTP_AUTH_DENIED;
	if (!http_auth_take_turn(a, wait_ms)) {
		free(cd);
		return HTTP_AUTH_BUSY;
	}
	out = crypt_rn(password, hash, cd, (int)sizeof(*cd));
	http_auth_end_turn(a);
	ok = out && ct_equal(hash, strlen(hash), out, strlen(out));
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok ? HTTP_AUTH_OK : HTTP_AUTH_DENIED;
}

static struct http_auth_user *http_auth_user(struct http_auth *a, const char *user)
{
	struct http_auth_user *u = NULL;
	size_t i;

	for (i = 0; i < a->n; i++)
		if (!strcmp(a->users[i].name, user))
			u = &a->users[i];
	return u;
}

/* Whether password is u's remembered one (its digest in d). */
static bool http_auth_remembered(struct http_auth *a, struct http_auth_user *u,
				 const unsigned char *d)
{
	bool hit;

	pthread_mutex_lock(&a->lock);
	hit = u->cached && ct_equal(u->digest, HTTP_AUTH_DIGEST, d, HTTP_AUTH_DIGEST);
	pthread_mutex_unlock(&a->lock);
	return hit;
}

static enum http_auth_result http_auth_run(struct http_auth *a, const char *user,
					   const char *password, bool may_bcrypt,
					   int wait_ms)
{
	struct http_auth_user *u;
	unsigned char d[HTTP_AUTH_DIGEST];
	enum http_auth_result r;

	if (!a || !user || !password)
		return HTTP_AUTH_DENIED;
	u = http_auth_user(a, user);
	if (!u) {
		if (!may_bcrypt)
			return HTTP_AUTH_UNCHECKED;
		/* as long as a wrong password of a real user */
		r = http_auth_bcrypt(a, a->users[0].hash, password, wait_ms);
		return r == HTTP_AUTH_BUSY ? r : HTTP_AUTH_DENIED;
	}
	if (!http_auth_digest(u->hash, password, d))
		return HTTP_AUTH_DENIED;
	if (http_auth_remembered(a, u, d))
		return HTTP_AUTH_OK;
	if (!may_bcrypt)
		return HTTP_AUTH_UNCHECKED;
	r = http_auth_bcrypt(a, u->hash, password, wait_ms);
	if (r != HTTP_AUTH_OK)
		return r;
	pthread_mutex_lock(&a->lock);
	memcpy(u->digest, d, sizeof(d));
	u->cached = true;
	pthread_mutex_unlock(&a->lock);
	return HTTP_AUTH_OK;
}

enum http_auth_result http_auth_verify(struct http_auth *a, const char *user,
				       const char *password, bool may_bcrypt)
{
	return http_auth_run(a, user, password, may_bcrypt, HTTP_AUTH_WAIT_MS);
}

bool http_auth_check(struct http_auth *a, const char *user, const char *password)
{
	return http_auth_run(a, user, password, true, -1) == HTTP_AUTH_OK;
}

unsigned long http_auth_bcrypt_runs(struct http_auth *a)
{
	unsigned long n;

	pthread_mutex_lock(&a->lock);
	n = a->bcrypt_runs;
	pthread_mutex_unlock(&a->lock);
	return n;
}

bool http_bearer_ok(const char *want, const char *authorization)
{
	if (!authorization || strncasecmp(authorization, "Bearer ", 7))
		return false;
	return ct_equal_str(want, authorization + 7);
}
