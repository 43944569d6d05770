/* Bump allocator: everything a snapshot holds is allocated from one arena and
 * freed at once.  Allocation failure returns NULL and sets `failed`. */
#ifndef IKW_ARENA_H
#define IKW_ARENA_H

#include <stdbool.h>
#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t used_bytes;  /* total handed out, for accounting */
	bool failed;
};

#define ARENA_INIT { NULL, 0, false }

void *arena_alloc(struct arena *a, size_t size);      /* zeroed, 16-aligned */
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);
void arena_release(struct arena *a);

#endif
