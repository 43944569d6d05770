/* String-keyed open-addressing hash map (FNV-1a, linear probing).  Keys are
 * copied; values are caller-owned pointers.  Not thread-safe. */
#ifndef IKW_HMAP_H
#define IKW_HMAP_H

#include <stdbool.h>
#include <stddef.h>

struct hmap_slot {
	char *key;      /* NULL = empty */
	size_t keylen;
	void *value;
	bool tomb;      /* deleted */
};

struct hmap {
	struct hmap_slot *slots;
	size_t cap, count, used;  /* used counts tombs too */
};

#define HMAP_INIT { NULL, 0, 0, 0 }

/* Keys are byte strings (may contain NUL). */
void *hmap_get(const struct hmap *m, const void *key, size_t keylen);
/* Inserts or replaces.  Returns 0 or -ENOMEM. */
int hmap_put(struct hmap *m, const void *key, size_t keylen, void *value);
/* Removes and returns the value (NULL if absent). */
void *hmap_del(struct hmap *m, const void *key, size_t keylen);
/* Iteration: for (i = 0; hmap_iter(m, &i, &k, &kl, &v);) */
bool hmap_iter(const struct hmap *m, size_t *pos, const char **key,
	       size_t *keylen, void **value);
void hmap_release(struct hmap *m);

#endif
