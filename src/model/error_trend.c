#include "model/error_trend.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

struct error_trend_entry {
	uint64_t total;           /* replay + replay window + integrity */
	int64_t rose_at;          /* Unix time of the last growth, TIME_NONE */
};

static void error_trend_free_entries(struct hmap *h)
{
	size_t pos = 0, keylen;
	const char *key;
	void *value;

	while (hmap_iter(h, &pos, &key, &keylen, &value))
		free(value);
	hmap_release(h);
}

void error_trend_release(struct error_trend *t)
{
	error_trend_free_entries(&t->children);
}

static size_t error_trend_key(char *buf, size_t size, const char *conn, const char *child)
{
	size_t a = strlen(conn), b = strlen(child);

	if (a + b + 2 > size)
		return 0;
	memcpy(buf, conn, a + 1);         /* the NUL separates: no name is a prefix */
	memcpy(buf + a + 1, child, b + 1);
	return a + b + 2;
}

static uint64_t error_trend_total(const struct kernel_errors *e)
{
	return e->replay + e->replay_window + e->integrity;
}

/* One child: its entry in next, from its entry in the previous map. */
static int error_trend_child(const struct hmap *prev, struct hmap *next, const char *conn,
			     struct child_view *ch, time_t now, int64_t window)
{
	char key[512];
	size_t len = error_trend_key(key, sizeof(key), conn, ch->name);
	const struct error_trend_entry *old;
	struct error_trend_entry *e;

	ch->kernel.errors_rose_at = TIME_NONE;
	ch->kernel.errors_rising = false;
	if (!len || !ch->kernel.have)
		return 0;
	e = malloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	old = hmap_get(prev, key, len);
	e->total = error_trend_total(&ch->kernel.errors);
	e->rose_at = old ? old->rose_at : TIME_NONE;
	if (old && e->total > old->total)
		e->rose_at = now;
	if (hmap_put(next, key, len, e)) {
		free(e);
		return -ENOMEM;
	}
	ch->kernel.errors_rose_at = e->rose_at;
	ch->kernel.errors_rising = e->rose_at != TIME_NONE && now - e->rose_at < window;
	return 0;
}

int error_trend_update(struct error_trend *t, struct model *m, int64_t window)
{
	struct hmap next = HMAP_INIT;
	size_t i, j;
	int r = 0;

	if (window <= 0)
		window = ERROR_TREND_WINDOW_DEFAULT;
	for (i = 0; i < m->nviews; i++)
		for (j = 0; j < m->views[i].nchildren; j++)
			if (!r)
				r = error_trend_child(&t->children, &next, m->views[i].name,
						      &m->views[i].children[j], m->collected_at,
						      window);
	error_trend_free_entries(&t->children);
	t->children = next;
	return r;
}
