#include "probe/netns_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NC_CHECK_NS 1000000000LL

static int64_t nc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void netns_cache_init(struct netns_cache *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->home = -1;
	for (i = 0; i < NETNS_CACHE_MAX; i++)
		c->e[i].fd = -1;
}

static void nc_drop(struct netns_cache_entry *e)
{
	if (e->fd >= 0)
		close(e->fd);
	free(e->name);
	*e = (struct netns_cache_entry){ .fd = -1 };
}

void netns_cache_release(struct netns_cache *c)
{
	size_t i;

	for (i = 0; i < NETNS_CACHE_MAX; i++)
		nc_drop(&c->e[i]);
	if (c->home >= 0)
		close(c->home);
	c->home = -1;
}

static void nc_path(const char *name, char *path, size_t size)
{
	snprintf(path, size, "/run/netns/%s", name);
}

static int nc_open(struct netns_cache_entry *e, const char *name, struct ikw_err *err)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	nc_path(name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, -errno, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) || !(e->name = strdup(name))) {
		int r = errno ? -errno : -ENOMEM;

		close(fd);
		return err_set(err, r, "cannot open '%s': %s", path, strerror(-r));
	}
	e->fd = fd;
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->checked_ns = nc_now();
	return fd;
}

/* Whether the entry's descriptor is still the namespace its name points to
 * (checked at most once a second). */
static bool nc_current(struct netns_cache_entry *e)
{
	char path[PATH_MAX];
	struct stat st;
	int64_t now = nc_now();

	if (now - e->checked_ns < NC_CHECK_NS)
		return true;
	nc_path(e->name, path, sizeof(path));
	if (stat(path, &st) || st.st_dev != e->dev || st.st_ino != e->ino)
		return false;
	e->checked_ns = now;
	return true;
}

static struct netns_cache_entry *nc_slot(struct netns_cache *c)
{
	size_t i;

	for (i = 0; i < NETNS_CACHE_MAX; i++)
		if (!c->e[i].name)
			return &c->e[i];
	/* more namespaces than entries: replace them in turn */
	i = c->next_evict++ % NETNS_CACHE_MAX;
	nc_drop(&c->e[i]);
	return &c->e[i];
}

int netns_cache_get(struct netns_cache *c, const char *name, struct ikw_err *err)
{
	size_t i;

	for (i = 0; i < NETNS_CACHE_MAX; i++) {
		struct netns_cache_entry *e = &c->e[i];

		if (!e->name || strcmp(e->name, name))
			continue;
		if (nc_current(e))
			return e->fd;
		nc_drop(e);
		return nc_open(e, name, err);
	}
	return nc_open(nc_slot(c), name, err);
}

int netns_cache_home(struct netns_cache *c, struct ikw_err *err)
{
	if (c->home < 0) {
		c->home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (c->home < 0)
			return err_set(err, -errno, "cannot open /proc/thread-self/ns/net: %s",
				       strerror(errno));
	}
	return c->home;
}
