#include "probe/icmp_mux.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MUX_CHECK_NS 1000000000LL    /* namespace check: at most once a second */

void icmp_mux_init(struct icmp_mux *m)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < ICMP_MUX_MAX; i++)
		m->s[i].fd = -1;
}

static void mux_close(struct icmp_mux_sock *e)
{
	if (e->fd >= 0)
		close(e->fd);
	*e = (struct icmp_mux_sock){ .fd = -1 };
}

void icmp_mux_close_all(struct icmp_mux *m)
{
	size_t i;

	for (i = 0; i < ICMP_MUX_MAX; i++)
		mux_close(&m->s[i]);
}

static bool mux_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* The identity of the namespace netns names now (ours: never changes). */
static int mux_ns_id(const char *netns, dev_t *dev, ino_t *ino)
{
	char path[PATH_MAX];
	struct stat st;

	if (!netns) {
		*dev = 0, *ino = 0;
		return 0;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", netns);
	if (stat(path, &st))
		return -errno;
	*dev = st.st_dev, *ino = st.st_ino;
	return 0;
}

/* Marks e stale when its name now points elsewhere (or nowhere). */
static void mux_check(struct icmp_mux_sock *e, int64_t now)
{
	dev_t dev;
	ino_t ino;

	if (!e->netns || now - e->checked_ns < MUX_CHECK_NS)
		return;
	e->checked_ns = now;
	if (mux_ns_id(e->netns, &dev, &ino) || dev != e->ns_dev || ino != e->ns_ino)
		e->stale = true;
}

static int mux_find(struct icmp_mux *m, const struct probe_sock_opts *o, bool df, int64_t now)
{
	size_t i;

	for (i = 0; i < ICMP_MUX_MAX; i++) {
		struct icmp_mux_sock *e = &m->s[i];

		if (e->fd < 0 || e->stale || e->df != df || e->family != o->family ||
		    !mux_same(e->netns, o->netns) ||
		    !mux_same(e->ifname, o->ifname))
			continue;
		mux_check(e, now);
		if (e->stale) {
			if (e->users == 0)
				mux_close(e);
			continue;
		}
		return (int)i;
	}
	return -1;
}

/* A free entry; else an idle one, closed (the keys of a config are few,
 * but interfaces and namespaces could outnumber the entries). */
static int mux_free_entry(struct icmp_mux *m)
{
	size_t i;

	for (i = 0; i < ICMP_MUX_MAX; i++)
		if (m->s[i].fd < 0)
			return (int)i;
	for (i = 0; i < ICMP_MUX_MAX; i++)
		if (m->s[i].users == 0) {
			mux_close(&m->s[i]);
			return (int)i;
		}
	return -1;
}

static int mux_open(struct icmp_mux *m, const struct probe_sock_opts *o, bool df, int64_t now,
		    struct ikw_err *err)
{
	struct probe_sock_opts shared = { .netns = o->netns, .ifname = o->ifname,
					  .nsc = o->nsc, .family = o->family };
	int i = mux_free_entry(m), fd, r;
	struct icmp_mux_sock *e;

	if (i < 0)
		return err_set(err, -ENOSPC, "all %d shared ICMP sockets are in use", ICMP_MUX_MAX);
	e = &m->s[i];
	r = mux_ns_id(o->netns, &e->ns_dev, &e->ns_ino);
	if (r)
		return err_set(err, r, "cannot find network namespace '%s': %s", o->netns,
			       strerror(-r));
	fd = probe_sock_icmp_shared(&shared, df, err);
	if (fd < 0)
		return fd;
	e->fd = fd;
	e->netns = o->netns;
	e->ifname = o->ifname;
	e->family = o->family;
	e->df = df;
	e->stale = false;
	e->users = 0;
	e->checked_ns = now;
	return i;
}

int icmp_mux_acquire(struct icmp_mux *m, const struct probe_sock_opts *o, bool df,
		     int64_t now, struct ikw_err *err)
{
	int i = mux_find(m, o, df, now);

	if (i < 0)
		i = mux_open(m, o, df, now, err);
	if (i >= 0)
		m->s[i].users++;
	return i;
}

void icmp_mux_release(struct icmp_mux *m, int idx)
{
	struct icmp_mux_sock *e;

	if (idx < 0 || idx >= ICMP_MUX_MAX)
		return;
	e = &m->s[idx];
	if (e->users > 0)
		e->users--;
	if (e->users == 0 && e->stale)
		mux_close(e);
}
