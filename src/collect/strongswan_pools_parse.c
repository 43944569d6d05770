#include "collect/strongswan_pools_parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "common/text.h"

/* Adds n to a big-endian number of len bytes; false on overflow. */
static bool swpool_add_be(uint8_t *b, size_t len, uint64_t n)
{
	size_t i = len;

	while (n && i) {
		uint64_t sum = (uint64_t)b[--i] + (n & 0xff);

		b[i] = (uint8_t)sum;
		n = (n >> 8) + (sum >> 8);
	}
	return n == 0;
}

int strongswan_pools_last(const char *base, uint64_t size, char *buf,
			  size_t buflen)
{
	uint8_t a[16];
	int af = strchr(base, ':') ? AF_INET6 : AF_INET;
	size_t len = af == AF_INET6 ? 16 : 4;

	if (!size || inet_pton(af, base, a) != 1 ||
	    !swpool_add_be(a, len, size - 1) ||
	    !inet_ntop(af, a, buf, (socklen_t)buflen))
		return -EINVAL;
	return 0;
}

static const char *swpool_dup(struct arena *a, const char *s, size_t len)
{
	char *d = arena_alloc(a, len + 1);

	if (d)
		text_sanitize(d, s, len);
	return d;
}

static int swpool_num(const struct vici_msg *msg, size_t sec, const char *name,
		      const char *pool, uint64_t *out, struct ikw_err *err)
{
	int r = vici_get_u64(msg, sec, name, out);

	if (r == -ENOENT)
		return err_set(err, -EBADMSG, "get-pools: pool '%s' has no '%s'",
			       pool, name);
	if (r)
		return err_set(err, -EBADMSG,
			       "get-pools: pool '%s': '%s' is not a number", pool,
			       name);
	return 0;
}

static int swpool_one(const struct vici_msg *msg, size_t sec, struct arena *a,
		      struct va_pool *p, struct ikw_err *err)
{
	const struct vici_elem *e = &msg->elems[sec];
	char base[64], last[INET6_ADDRSTRLEN];
	int r;

	p->name = swpool_dup(a, e->name, e->name_len);
	if (!p->name)
		return err_set(err, -ENOMEM, "out of memory");
	r = vici_get_str(msg, sec, "base", base, sizeof(base));
	if (r)
		return err_set(err, -EBADMSG, "get-pools: pool '%s' has no valid 'base'",
			       p->name);
	r = swpool_num(msg, sec, "size", p->name, &p->size, err);
	if (!r)
		r = swpool_num(msg, sec, "online", p->name, &p->online, err);
	if (!r)
		r = swpool_num(msg, sec, "offline", p->name, &p->offline, err);
	if (r)
		return r;
	p->base = swpool_dup(a, base, strlen(base));
	p->last = strongswan_pools_last(base, p->size, last, sizeof(last)) ? "" :
		  swpool_dup(a, last, strlen(last));
	if (!p->base || !p->last)
		return err_set(err, -ENOMEM, "out of memory");
	return 0;
}

int strongswan_pools_parse(const struct vici_msg *msg, struct arena *a,
			   struct pool_store *ps, struct ikw_err *err)
{
	size_t i, n = 0;
	int r;

	ps->have = false;
	ps->n = 0;
	for (i = vici_first(msg, VICI_ROOT); i < vici_stop(msg, VICI_ROOT);
	     i = vici_next(msg, i))
		if (msg->elems[i].type == VICI_SECTION_START)
			n++;
	if (n > POOLS_MAX)
		return err_set(err, -EBADMSG, "get-pools: %zu pools (at most %d)",
			       n, POOLS_MAX);
	ps->pools = arena_alloc(a, (n ? n : 1) * sizeof(*ps->pools));
	if (!ps->pools)
		return err_set(err, -ENOMEM, "out of memory");
	for (i = vici_first(msg, VICI_ROOT); i < vici_stop(msg, VICI_ROOT);
	     i = vici_next(msg, i)) {
		if (msg->elems[i].type != VICI_SECTION_START)
			continue;   /* e.g. success = no of a failed command */
		memset(&ps->pools[ps->n], 0, sizeof(ps->pools[ps->n]));
		r = swpool_one(msg, i, a, &ps->pools[ps->n], err);
		if (r) {
			ps->n = 0;
			return r;
		}
		ps->n++;
	}
	ps->have = true;
	return 0;
}
