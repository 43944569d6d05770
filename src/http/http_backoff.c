#include "http/http_backoff.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_watch.h"

struct http_backoff_entry {
	char client[HTTP_CLIENT_MAX];   /* "" when free */
	unsigned failures;
	int64_t last_ms, until_ms;
};

struct http_backoff {
	pthread_mutex_t lock;
	struct http_backoff_entry e[HTTP_BACKOFF_CLIENTS];
};

struct http_backoff *http_backoff_new(void)
{
	struct http_backoff *b = calloc(1, sizeof(*b));

	if (b)
		pthread_mutex_init(&b->lock, NULL);
	return b;
}

void http_backoff_free(struct http_backoff *b)
{
	if (!b)
		return;
	pthread_mutex_destroy(&b->lock);
	free(b);
}

void http_backoff_key(const char *address, char *out, size_t size)
{
	unsigned char a6[16];
	char text[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET6, address, a6) == 1) {
		memset(a6 + 8, 0, 8);
		inet_ntop(AF_INET6, a6, text, sizeof(text));
		snprintf(out, size, "%s/64", text);
	} else {
		snprintf(out, size, "%s", address);
	}
}

/* client's entry, or NULL; the lock is held.  Forgets stale entries. */
static struct http_backoff_entry *http_backoff_find(struct http_backoff *b,
						    const char *client, int64_t now_ms)
{
	size_t i;

	for (i = 0; i < HTTP_BACKOFF_CLIENTS; i++) {
		struct http_backoff_entry *e = &b->e[i];

		if (!e->client[0] || strcmp(e->client, client))
			continue;
		if (now_ms - e->last_ms > HTTP_BACKOFF_FORGET_MS) {
			e->client[0] = '\0';
			return NULL;
		}
		return e;
	}
	return NULL;
}

/* A free entry, or the one whose last failure is oldest. */
static struct http_backoff_entry *http_backoff_slot(struct http_backoff *b)
{
	struct http_backoff_entry *oldest = &b->e[0];
	size_t i;

	for (i = 0; i < HTTP_BACKOFF_CLIENTS; i++) {
		if (!b->e[i].client[0])
			return &b->e[i];
		if (b->e[i].last_ms < oldest->last_ms)
			oldest = &b->e[i];
	}
	return oldest;
}

int64_t http_backoff_wait_ms(struct http_backoff *b, const char *client, int64_t now_ms)
{
	struct http_backoff_entry *e;
	int64_t wait = 0;

	pthread_mutex_lock(&b->lock);
	e = http_backoff_find(b, client, now_ms);
	if (e && e->until_ms > now_ms)
		wait = e->until_ms - now_ms;
	pthread_mutex_unlock(&b->lock);
	return wait;
}

/* 1 s from the HTTP_BACKOFF_FREE-th failure on, doubling with each
 * further one, capped. */
static int64_t http_backoff_delay_ms(unsigned failures)
{
	unsigned past = failures - HTTP_BACKOFF_FREE;

	if (failures < HTTP_BACKOFF_FREE)
		return 0;
	if (past > 16)
		return HTTP_BACKOFF_MAX_MS;
	return (1000LL << past) < HTTP_BACKOFF_MAX_MS ? 1000LL << past : HTTP_BACKOFF_MAX_MS;
}

void http_backoff_failed(struct http_backoff *b, const char *client, int64_t now_ms)
{
	struct http_backoff_entry *e;

	pthread_mutex_lock(&b->lock);
	e = http_backoff_find(b, client, now_ms);
	if (!e) {
		e = http_backoff_slot(b);
		memset(e, 0, sizeof(*e));
		snprintf(e->client, sizeof(e->client), "%s", client);
	}
	if (e->failures < 1000)
		e->failures++;
	e->last_ms = now_ms;
	e->until_ms = now_ms + http_backoff_delay_ms(e->failures);
	pthread_mutex_unlock(&b->lock);
}

void http_backoff_succeeded(struct http_backoff *b, const char *client)
{
	size_t i;

	pthread_mutex_lock(&b->lock);
	for (i = 0; i < HTTP_BACKOFF_CLIENTS; i++)
		if (b->e[i].client[0] && !strcmp(b->e[i].client, client))
			b->e[i].client[0] = '\0';
	pthread_mutex_unlock(&b->lock);
}
