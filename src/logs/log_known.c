#include "logs/log_known.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

struct log_known {
	pthread_mutex_t lock;
	char **names;   /* sorted, as model->conns */
	size_t n;
};

struct log_known *log_known_new(void)
{
	struct log_known *k = calloc(1, sizeof(*k));

	if (k)
		pthread_mutex_init(&k->lock, NULL);
	return k;
}

static void log_known_free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

void log_known_free(struct log_known *k)
{
	if (!k)
		return;
	log_known_free_names(k->names, k->n);
	pthread_mutex_destroy(&k->lock);
	free(k);
}

static int log_known_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void log_known_update(struct log_known *k, const struct model *m)
{
	char **names, **old;
	size_t i, n = m->nconns, oldn;

	if (!k || !n || !(names = calloc(n, sizeof(*names))))
		return;
	for (i = 0; i < n; i++)
		if (!(names[i] = strdup(m->conns[i].name ? m->conns[i].name : ""))) {
			log_known_free_names(names, i);
			return;
		}
	qsort(names, n, sizeof(*names), log_known_cmp);
	pthread_mutex_lock(&k->lock);
	old = k->names;
	oldn = k->n;
	k->names = names;
	k->n = n;
	pthread_mutex_unlock(&k->lock);
	log_known_free_names(old, oldn);
}

bool log_known_has(void *ctx, const char *conn)
{
	struct log_known *k = ctx;
	bool found;

	if (!k || !conn)
		return false;
	pthread_mutex_lock(&k->lock);
	found = k->n && bsearch(&conn, k->names, k->n, sizeof(*k->names),
				log_known_cmp) != NULL;
	pthread_mutex_unlock(&k->lock);
	return found;
}
