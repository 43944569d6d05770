#include "common/hmap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hmap_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static struct hmap_slot *hmap_lookup(const struct hmap *m, const void *key,
				     size_t keylen, bool for_insert)
{
	struct hmap_slot *tomb = NULL;
	size_t i, n;

	if (!m->cap)
		return NULL;
	i = (size_t)hmap_hash(key, keylen) & (m->cap - 1);
	for (n = 0; n < m->cap; n++, i = (i + 1) & (m->cap - 1)) {
		struct hmap_slot *s = &m->slots[i];

		if (!s->key) {
			if (!s->tomb)
				return for_insert ? (tomb ? tomb : s) : NULL;
			if (!tomb)
				tomb = s;
			continue;
		}
		if (s->keylen == keylen && !memcmp(s->key, key, keylen))
			return s;
	}
	return for_insert ? tomb : NULL;
}

static int hmap_resize(struct hmap *m, size_t cap)
{
	struct hmap_slot *old = m->slots;
	size_t oldcap = m->cap, i;

	m->slots = calloc(cap, sizeof(*m->slots));
	if (!m->slots) {
		m->slots = old;
		return -ENOMEM;
	}
	m->cap = cap;
	m->used = m->count;
	for (i = 0; i < oldcap; i++) {
		struct hmap_slot *s;

		if (!old[i].key)
			continue;
		s = hmap_lookup(m, old[i].key, old[i].keylen, true);
		*s = old[i];
	}
	free(old);
	return 0;
}

void *hmap_get(const struct hmap *m, const void *key, size_t keylen)
{
	struct hmap_slot *s = hmap_lookup(m, key, keylen, false);

	return s ? s->value : NULL;
}

int hmap_put(struct hmap *m, const void *key, size_t keylen, void *value)
{
	struct hmap_slot *s;

	if ((m->used + 1) * 4 >= m->cap * 3) {
		size_t cap = m->cap ? m->cap : 16;

		while ((m->count + 1) * 2 >= cap)
			cap *= 2;
		if (hmap_resize(m, cap))
			return -ENOMEM;
	}
	s = hmap_lookup(m, key, keylen, true);
	if (s->key) {
		s->value = value;
		return 0;
	}
	s->key = malloc(keylen + 1);
	if (!s->key)
		return -ENOMEM;
	memcpy(s->key, key, keylen);
	s->key[keylen] = '\0';
	s->keylen = keylen;
	s->value = value;
	if (!s->tomb)
		m->used++;
	s->tomb = false;
	m->count++;
	return 0;
}

void *hmap_del(struct hmap *m, const void *key, size_t keylen)
{
	struct hmap_slot *s = hmap_lookup(m, key, keylen, false);
	void *v;

	if (!s)
		return NULL;
	v = s->value;
	free(s->key);
	s->key = NULL;
	s->value = NULL;
	s->tomb = true;
	m->count--;
	return v;
}

bool hmap_iter(const struct hmap *m, size_t *pos, const char **key,
	       size_t *keylen, void **value)
{
	while (*pos < m->cap) {
		struct hmap_slot *s = &m->slots[(*pos)++];

		if (s->key) {
			if (key)
				*key = s->key;
			if (keylen)
				*keylen = s->keylen;
			if (value)
				*value = s->value;
			return true;
		}
	}
	return false;
}

void hmap_release(struct hmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	*m = (struct hmap)HMAP_INIT;
}
