#include "common/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_SIZE (64 * 1024)

struct arena_block {
	struct arena_block *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_block *b = a->head;
	size_t need = (size + 15) & ~(size_t)15;

	if (size == 0 || need < size)
		need = 16;
	if (!b || b->size - b->used < need) {
		size_t bsize = need > ARENA_BLOCK_SIZE / 4 ? need : ARENA_BLOCK_SIZE;

		b = malloc(sizeof(*b) + bsize);
		if (!b) {
			a->failed = true;
			return NULL;
		}
		b->size = bsize;
		b->used = 0;
		if (a->head && need > ARENA_BLOCK_SIZE / 4) {
			/* big one-off: keep the current block for small ones */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	b->used += need;
	a->used_bytes += need;
	memset(b->data + b->used - need, 0, need);
	return b->data + b->used - need;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);

	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b) {
		struct arena_block *next = b->next;

		free(b);
		b = next;
	}
	*a = (struct arena)ARENA_INIT;
}
