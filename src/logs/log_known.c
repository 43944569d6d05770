#include "logs/log_known.h"

#include <pthread.h>
#include <stdlib.h>

#include "model/model.h"
#include "model/view.h"

/* The last snapshot that had conns, held by reference: its conns are sorted
 * by name already, so a lookup is a bsearch and an update copies nothing. */
struct log_known {
	pthread_mutex_t lock;
	struct model *m;
};

struct log_known *log_known_new(void)
{
	struct log_known *k = calloc(1, sizeof(*k));

	if (k)
		pthread_mutex_init(&k->lock, NULL);
	return k;
}

void log_known_free(struct log_known *k)
{
	if (!k)
		return;
	model_unref(k->m);
	pthread_mutex_destroy(&k->lock);
	free(k);
}

void log_known_update(struct log_known *k, const struct model *m)
{
	struct model *old, *mm = (struct model *)m;   /* a reference, not a change */

	if (!k || !m->nconns)
		return;
	model_ref(mm);
	pthread_mutex_lock(&k->lock);
	old = k->m;
	k->m = mm;
	pthread_mutex_unlock(&k->lock);
	model_unref(old);
}

bool log_known_has(void *ctx, const char *conn)
{
	struct log_known *k = ctx;
	bool found;

	if (!k || !conn)
		return false;
	pthread_mutex_lock(&k->lock);
	found = k->m && model_find_conn(k->m, conn) != NULL;
	pthread_mutex_unlock(&k->lock);
	return found;
}
