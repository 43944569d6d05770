#include "probe/spread.h"

#include <errno.h>
#include <stdlib.h>

static uint64_t spread_fnv(uint64_t h, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	for (; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	/* a separator, so that ("ab", "c") and ("a", "bc") differ */
	return (h ^ 0xff) * 0x100000001b3ULL;
}

uint64_t spread_hash(const char *conn, const char *child, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = spread_fnv(h, conn);
	h = spread_fnv(h, child);
	return spread_fnv(h, name);
}

struct spread_item {
	uint32_t interval;
	uint64_t hash;
	size_t idx;
};

static int spread_cmp(const void *a, const void *b)
{
	const struct spread_item *x = a, *y = b;

	if (x->interval != y->interval)
		return x->interval < y->interval ? -1 : 1;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Places the group items[0..n) (one interval) evenly; a group's phase comes
 * from its interval, so that two groups do not both start at 0. */
static void spread_group(const struct spread_item *items, size_t n, uint32_t *offset_ms)
{
	uint64_t iv = items[0].interval, phase = (iv * 0x9e3779b97f4a7c15ULL >> 40) % iv;
	size_t k;

	for (k = 0; k < n; k++)
		offset_ms[items[k].idx] = (uint32_t)((phase + k * iv / n) % iv);
}

int spread_offsets(const uint64_t *hash, const uint32_t *interval_ms, size_t n,
		   uint32_t *offset_ms)
{
	struct spread_item *items;
	size_t i, start;

	if (n == 0)
		return 0;
	items = calloc(n, sizeof(*items));
	if (!items)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		items[i] = (struct spread_item){ interval_ms[i] ? interval_ms[i] : 1, hash[i], i };
	qsort(items, n, sizeof(*items), spread_cmp);
	for (start = 0, i = 1; i <= n; i++)
		if (i == n || items[i].interval != items[start].interval) {
			spread_group(items + start, i - start, offset_ms);
			start = i;
		}
	free(items);
	return 0;
}
