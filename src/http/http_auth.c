#include "http/http_auth.h"

#include <crypt.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/ct.h"

#define HTTP_AUTH_DIGEST 32

struct http_auth_user {
	char *name, *hash;
	bool cached;
	unsigned char digest[HTTP_AUTH_DIGEST];  /* of the last good password */
};

struct http_auth {
	pthread_mutex_t lock;
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
	pthread_mutex_destroy(&a->lock);
	free(a);
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

static bool http_auth_bcrypt(struct http_auth *a, const char *hash,
			     const char *password)
{
	struct crypt_data *cd = calloc(1, sizeof(*cd));
	const char *out;
	bool ok;

	if (!cd)
		return false;
	pthread_mutex_lock(&a->lock);
	a->bcrypt_runs++;
	pthread_mutex_unlock(&a->lock);
	out = crypt_rn(password, hash, cd, (int)sizeof(*cd));
	ok = out && ct_equal(hash, strlen(hash), out, strlen(out));
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}

bool http_auth_check(struct http_auth *a, const char *user, const char *password)
{
	struct http_auth_user *u = NULL;
	unsigned char d[HTTP_AUTH_DIGEST];
	bool hit;
	size_t i;

	if (!a || !user || !password)
		return false;
	for (i = 0; i < a->n; i++)
		if (!strcmp(a->users[i].name, user))
			u = &a->users[i];
	if (!u) {
		/* as long as a wrong password of a real user */
		http_auth_bcrypt(a, a->users[0].hash, password);
		return false;
	}
	if (!http_auth_digest(u->hash, password, d))
		return false;
	pthread_mutex_lock(&a->lock);
	hit = u->cached && ct_equal(u->digest, sizeof(d), d, sizeof(d));
	pthread_mutex_unlock(&a->lock);
	if (hit)
		return true;
	if (!http_auth_bcrypt(a, u->hash, password))
		return false;
	pthread_mutex_lock(&a->lock);
	memcpy(u->digest, d, sizeof(d));
	u->cached = true;
	pthread_mutex_unlock(&a->lock);
	return true;
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
