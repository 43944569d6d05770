#include "parse/xfrm_parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

_Static_assert((int)XFRM_DIR_IN == XFRM_POLICY_IN &&
	       (int)XFRM_DIR_OUT == XFRM_POLICY_OUT &&
	       (int)XFRM_DIR_FWD == XFRM_POLICY_FWD, "enum xfrm_dir");
_Static_assert(XFRM_ACTION_ALLOW == XFRM_POLICY_ALLOW &&
	       XFRM_ACTION_BLOCK == XFRM_POLICY_BLOCK, "enum xfrm_action");
_Static_assert(XFRM_ALG_NAME_LEN == sizeof(((struct xfrm_algo *)0)->alg_name),
	       "alg_name size");
_Static_assert(XFRM_ADDR_STRLEN == INET6_ADDRSTRLEN, "address text size");

/* --- names, beside the enums they name --- */

static const char *xp_name(const char *const *names, size_t n, unsigned v)
{
	return v < n ? names[v] : NULL;
}

const char *xfrm_parse_dir_name(unsigned dir)
{
	static const char *const names[] = { "in", "out", "fwd" };

	return xp_name(names, XFRM_DIR_COUNT, dir);
}

const char *xfrm_parse_action_name(unsigned action)
{
	static const char *const names[] = { "allow", "block" };

	return xp_name(names, XFRM_ACTION_COUNT, action);
}

const char *xfrm_parse_mode_name(unsigned mode)
{
	static const char *const names[] = {
		[XFRM_MODE_TRANSPORT] = "transport",
		[XFRM_MODE_TUNNEL] = "tunnel",
		[XFRM_MODE_ROUTEOPTIMIZATION] = "ro",
		[XFRM_MODE_IN_TRIGGER] = "in_trigger",
		[XFRM_MODE_BEET] = "beet",
	};

	return xp_name(names, sizeof(names) / sizeof(names[0]), mode);
}

const char *xfrm_parse_proto_name(unsigned proto)
{
	switch (proto) {
	case IPPROTO_ESP: return "esp";
	case IPPROTO_AH: return "ah";
	case IPPROTO_COMP: return "comp";
	default: return NULL;
	}
}

/* --- attributes --- */

/* Minimum payload of each attribute we read; the kernel's own nla_policy
 * for these is the same fixed struct size.  Variable tails (keys, the ESN
 * bitmap) are never read, so they are not required.  These are checked in
 * SAs and policies alike, wherever they appear. */
#define XP_ATTR(type, payload) [type] = { #type, sizeof(payload) }
static const struct {
	const char *name;
	uint16_t min;
} xp_attrs[XFRMA_MAX + 1] = {
	XP_ATTR(XFRMA_ALG_AUTH, struct xfrm_algo),
	XP_ATTR(XFRMA_ALG_CRYPT, struct xfrm_algo),
	XP_ATTR(XFRMA_ALG_COMP, struct xfrm_algo),
	XP_ATTR(XFRMA_ENCAP, struct xfrm_encap_tmpl),
	XP_ATTR(XFRMA_REPLAY_VAL, struct xfrm_replay_state),
	XP_ATTR(XFRMA_POLICY_TYPE, struct xfrm_userpolicy_type),
	XP_ATTR(XFRMA_ALG_AEAD, struct xfrm_algo_aead),
	XP_ATTR(XFRMA_ALG_AUTH_TRUNC, struct xfrm_algo_auth),
	XP_ATTR(XFRMA_MARK, struct xfrm_mark),
	XP_ATTR(XFRMA_REPLAY_ESN_VAL, struct xfrm_replay_state_esn),
	XP_ATTR(XFRMA_IF_ID, uint32_t),
};
#undef XP_ATTR

typedef void (*xp_attr_fn)(void *rec, unsigned type, const uint8_t *p);

/* Walks the attributes in p[0..len), checking each length against what is
 * left and, for the attributes in xp_attrs, against its payload's size;
 * fn sees only those known attributes, with their minimum payload there. */
static int xp_walk(const uint8_t *p, size_t len, xp_attr_fn fn, void *rec,
		   struct ikw_err *err)
{
	while (len > 0) {
		struct nlattr a;
		unsigned type, plen;
		size_t step;

		if (len < NLA_HDRLEN)
			return err_set(err, -EBADMSG, "truncated attribute "
				       "header: %zu bytes left, %d needed",
				       len, NLA_HDRLEN);
		memcpy(&a, p, sizeof(a));
		type = a.nla_type & NLA_TYPE_MASK;
		if (a.nla_len < NLA_HDRLEN || a.nla_len > len)
			return err_set(err, -EBADMSG, "attribute %u: nla_len "
				       "%u outside %d..%zu", type, a.nla_len,
				       NLA_HDRLEN, len);
		plen = a.nla_len - NLA_HDRLEN;
		if (type <= XFRMA_MAX && xp_attrs[type].name) {
			if (plen < xp_attrs[type].min)
				return err_set(err, -EBADMSG, "%s: %u bytes, "
					       "%u needed", xp_attrs[type].name,
					       plen, xp_attrs[type].min);
			fn(rec, type, p + NLA_HDRLEN);
		}
		/* the last attribute's padding may be missing */
		step = NLA_ALIGN(a.nla_len);
		if (step > len)
			step = len;
		p += step;
		len -= step;
	}
	return 0;
}

/* Algorithm names come from the kernel but are chosen by whoever installed
 * the SA: bounded, and anything but printable ASCII becomes '?'. */
static void xp_alg_name(char out[XFRM_ALG_NAME_LEN], const char *in)
{
	size_t i;

	for (i = 0; i < XFRM_ALG_NAME_LEN - 1 && in[i]; i++) {
		unsigned char c = (unsigned char)in[i];

		out[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[i] = '\0';
}

/* xfrm_algo, xfrm_algo_auth and xfrm_algo_aead share their first fields;
 * tail is the third field of the longer two (trunc or ICV bits). */
static void xp_alg(struct xfrm_alg_rec *a, const uint8_t *p, bool has_tail)
{
	struct xfrm_algo_auth x;

	memcpy(&x, p, has_tail ? sizeof(x) : sizeof(struct xfrm_algo));
	a->present = true;
	xp_alg_name(a->name, x.alg_name);
	a->key_bits = x.alg_key_len;
	if (has_tail)
		a->trunc_bits = x.alg_trunc_len;
}

static void xp_mark(bool *has, uint32_t *v, uint32_t *m, const uint8_t *p)
{
	struct xfrm_mark x;

	memcpy(&x, p, sizeof(x));
	*has = true;
	*v = x.v;
	*m = x.m;
}

static void xp_replay(struct xfrm_sa_rec *sa, const uint8_t *p, bool esn)
{
	if (esn) {
		struct xfrm_replay_state_esn e;

		memcpy(&e, p, sizeof(e));
		sa->oseq = (uint64_t)e.oseq_hi << 32 | e.oseq;
		sa->seq = (uint64_t)e.seq_hi << 32 | e.seq;
		sa->replay_window = e.replay_window;
	} else {
		struct xfrm_replay_state r;

		memcpy(&r, p, sizeof(r));
		sa->oseq = r.oseq;
		sa->seq = r.seq;
	}
	sa->has_seq = true;
}

static void xp_sa_attr(void *rec, unsigned type, const uint8_t *p)
{
	struct xfrm_sa_rec *sa = rec;
	struct xfrm_encap_tmpl en;

	switch (type) {
	case XFRMA_ALG_CRYPT: xp_alg(&sa->crypt, p, false); break;
	case XFRMA_ALG_COMP: xp_alg(&sa->comp, p, false); break;
	case XFRMA_ALG_AEAD: xp_alg(&sa->aead, p, true); break;
	case XFRMA_ALG_AUTH_TRUNC: xp_alg(&sa->auth, p, true); break;
	case XFRMA_ALG_AUTH:
		/* the legacy form has no truncation: keep one seen before */
		if (!sa->auth.present)
			xp_alg(&sa->auth, p, false);
		break;
	case XFRMA_ENCAP:
		memcpy(&en, p, sizeof(en));
		sa->has_encap = true;
		sa->encap_type = en.encap_type;
		sa->encap_sport = ntohs(en.encap_sport);
		sa->encap_dport = ntohs(en.encap_dport);
		break;
	/* the kernel sends one of these two, by XFRM_STATE_ESN */
	case XFRMA_REPLAY_VAL: xp_replay(sa, p, false); break;
	case XFRMA_REPLAY_ESN_VAL: xp_replay(sa, p, true); break;
	case XFRMA_MARK:
		xp_mark(&sa->has_mark, &sa->mark, &sa->mark_mask, p);
		break;
	case XFRMA_IF_ID:
		memcpy(&sa->if_id, p, sizeof(sa->if_id));
		sa->has_if_id = true;
		break;
	default: break;
	}
}

static void xp_pol_attr(void *rec, unsigned type, const uint8_t *p)
{
	struct xfrm_pol_rec *pol = rec;
	struct xfrm_userpolicy_type t;

	switch (type) {
	case XFRMA_POLICY_TYPE:
		memcpy(&t, p, sizeof(t));
		pol->type = t.type;
		break;
	case XFRMA_MARK:
		xp_mark(&pol->has_mark, &pol->mark, &pol->mark_mask, p);
		break;
	case XFRMA_IF_ID:
		memcpy(&pol->if_id, p, sizeof(pol->if_id));
		pol->has_if_id = true;
		break;
	default: break;
	}
}

/* --- fixed headers --- */

static void xp_addr(char out[XFRM_ADDR_STRLEN], unsigned family,
		    const xfrm_address_t *a)
{
	out[0] = '\0';
	if (family == AF_INET)
		inet_ntop(AF_INET, &a->a4, out, XFRM_ADDR_STRLEN);
	else if (family == AF_INET6)
		inet_ntop(AF_INET6, &a->in6, out, XFRM_ADDR_STRLEN);
}

static void xp_sel(struct xfrm_sel_rec *s, const struct xfrm_selector *k)
{
	s->family = k->family;
	xp_addr(s->src, k->family, &k->saddr);
	xp_addr(s->dst, k->family, &k->daddr);
	s->src_plen = k->prefixlen_s;
	s->dst_plen = k->prefixlen_d;
	s->proto = k->proto;
	s->sport = ntohs(k->sport);
	s->dport = ntohs(k->dport);
	s->ifindex = k->ifindex;
}

static uint64_t xp_limit(uint64_t v)
{
	return v == XFRM_INF ? XFRM_NO_LIMIT : v;
}

static uint64_t xp_seconds(uint64_t v)
{
	return v == 0 || v == XFRM_INF ? XFRM_NO_LIMIT : v;
}

static void xp_lft(struct xfrm_sa_rec *sa, const struct xfrm_lifetime_cfg *l)
{
	sa->lft.soft_bytes = xp_limit(l->soft_byte_limit);
	sa->lft.hard_bytes = xp_limit(l->hard_byte_limit);
	sa->lft.soft_packets = xp_limit(l->soft_packet_limit);
	sa->lft.hard_packets = xp_limit(l->hard_packet_limit);
	sa->lft.soft_add_s = xp_seconds(l->soft_add_expires_seconds);
	sa->lft.hard_add_s = xp_seconds(l->hard_add_expires_seconds);
	sa->lft.soft_use_s = xp_seconds(l->soft_use_expires_seconds);
	sa->lft.hard_use_s = xp_seconds(l->hard_use_expires_seconds);
}

/* The attributes follow the fixed struct at its aligned size; a message
 * that ends before the padding simply has none. */
static void xp_tail(const uint8_t *p, size_t len, size_t fixed,
		    const uint8_t **attrs, size_t *alen)
{
	size_t off = NLMSG_ALIGN(fixed);

	if (off > len)
		off = len;
	*attrs = p + off;
	*alen = len - off;
}

static int xp_newsa(struct xfrm_parse_state *st, const uint8_t *p, size_t len,
		    const struct xfrm_parse_cb *cb, struct ikw_err *err)
{
	struct xfrm_usersa_info k;
	struct xfrm_sa_rec sa;
	const uint8_t *attrs;
	size_t alen;
	int r;

	if (len < sizeof(k))
		return err_set(err, -EBADMSG, "XFRM_MSG_NEWSA: %zu bytes, "
			       "xfrm_usersa_info needs %zu", len, sizeof(k));
	memcpy(&k, p, sizeof(k));
	if (k.family != AF_INET && k.family != AF_INET6)
		return err_set(err, -EBADMSG, "XFRM_MSG_NEWSA: address family %u",
			       k.family);
	memset(&sa, 0, sizeof(sa));
	sa.family = k.family;
	xp_addr(sa.src, k.family, &k.saddr);
	xp_addr(sa.dst, k.family, &k.id.daddr);
	sa.proto = k.id.proto;
	sa.spi = ntohl(k.id.spi);
	sa.reqid = k.reqid;
	sa.mode = k.mode;
	sa.flags = k.flags;
	xp_sel(&sa.sel, &k.sel);
	sa.cur.bytes = k.curlft.bytes;
	sa.cur.packets = k.curlft.packets;
	sa.cur.add_time = k.curlft.add_time;
	sa.cur.use_time = k.curlft.use_time;
	xp_lft(&sa, &k.lft);
	sa.replay_window = k.replay_window;
	sa.stats.replay_window = k.stats.replay_window;
	sa.stats.replay = k.stats.replay;
	sa.stats.integrity_failed = k.stats.integrity_failed;
	xp_tail(p, len, sizeof(k), &attrs, &alen);
	r = xp_walk(attrs, alen, xp_sa_attr, &sa, err);
	if (r)
		return err_prefix(err, r, "XFRM_MSG_NEWSA spi 0x%08x", sa.spi);
	st->nsa++;
	return cb && cb->sa ? cb->sa(cb->ctx, &sa, err) : 0;
}

static int xp_newpolicy(struct xfrm_parse_state *st, const uint8_t *p,
			size_t len, const struct xfrm_parse_cb *cb,
			struct ikw_err *err)
{
	struct xfrm_userpolicy_info k;
	struct xfrm_pol_rec pol;
	const uint8_t *attrs;
	size_t alen;
	int r;

	if (len < sizeof(k))
		return err_set(err, -EBADMSG, "XFRM_MSG_NEWPOLICY: %zu bytes, "
			       "xfrm_userpolicy_info needs %zu", len, sizeof(k));
	memcpy(&k, p, sizeof(k));
	memset(&pol, 0, sizeof(pol));
	pol.dir = k.dir;
	pol.action = k.action;
	pol.flags = k.flags;
	pol.type = XFRM_POLICY_TYPE_MAIN;
	pol.index = k.index;
	pol.priority = k.priority;
	xp_sel(&pol.sel, &k.sel);
	xp_tail(p, len, sizeof(k), &attrs, &alen);
	r = xp_walk(attrs, alen, xp_pol_attr, &pol, err);
	if (r)
		return err_prefix(err, r, "XFRM_MSG_NEWPOLICY index %u", pol.index);
	st->npolicy++;
	return cb && cb->policy ? cb->policy(cb->ctx, &pol, err) : 0;
}

/* --- control messages --- */

/* NLMSG_ERROR and NLMSG_DONE both start with an int: an errno (negative)
 * or 0. */
static int xp_code(const uint8_t *p, size_t len, const char *what, int *code,
		   struct ikw_err *err)
{
	if (len < sizeof(*code))
		return err_set(err, -EBADMSG, "%s: %zu bytes, %zu needed", what,
			       len, sizeof(*code));
	memcpy(code, p, sizeof(*code));
	return 0;
}

static int xp_error(const uint8_t *p, size_t len, struct ikw_err *err)
{
	int code = 0, r = xp_code(p, len, "NLMSG_ERROR", &code, err);

	if (r)
		return r;
	if (code == 0)
		return 0;  /* an acknowledgement: nothing to report */
	if (code > 0 || code < -4095)
		return err_set(err, -EPROTO, "NLMSG_ERROR with code %d", code);
	return err_set(err, code, "the kernel answered: %s", strerror(-code));
}

static int xp_done(struct xfrm_parse_state *st, const uint8_t *p, size_t len,
		   struct ikw_err *err)
{
	int code = 0, r;

	/* very old kernels send NLMSG_DONE without its int */
	if (len > 0 && (r = xp_code(p, len, "NLMSG_DONE", &code, err)))
		return r;
	if (code < 0 && code >= -4095)
		return err_set(err, code, "the kernel ended the dump with: %s",
			       strerror(-code));
	st->done = true;
	return 0;
}

static int xp_one(struct xfrm_parse_state *st, const struct nlmsghdr *h,
		  const uint8_t *p, const struct xfrm_parse_cb *cb,
		  struct ikw_err *err)
{
	size_t len = h->nlmsg_len - NLMSG_HDRLEN;

	switch (h->nlmsg_type) {
	case XFRM_MSG_NEWSA: return xp_newsa(st, p, len, cb, err);
	case XFRM_MSG_NEWPOLICY: return xp_newpolicy(st, p, len, cb, err);
	case NLMSG_DONE: return xp_done(st, p, len, err);
	case NLMSG_ERROR: return xp_error(p, len, err);
	case NLMSG_OVERRUN:
		return err_set(err, -ENOBUFS, "NLMSG_OVERRUN: the kernel lost data");
	default: return 0;  /* NLMSG_NOOP and types a dump does not send */
	}
}

void xfrm_parse_init(struct xfrm_parse_state *st, uint32_t seq)
{
	memset(st, 0, sizeof(*st));
	st->seq = seq;
}

static int xp_header(const struct xfrm_parse_state *st, const uint8_t *p,
		     size_t len, struct nlmsghdr *h, struct ikw_err *err)
{
	if (len < sizeof(*h))
		return err_set(err, -EBADMSG, "truncated netlink header: %zu "
			       "bytes left, %zu needed", len, sizeof(*h));
	memcpy(h, p, sizeof(*h));
	if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len)
		return err_set(err, -EBADMSG, "nlmsg_len %u outside %zu..%zu",
			       h->nlmsg_len, sizeof(*h), len);
	if (st->seq && h->nlmsg_seq != st->seq)
		return err_set(err, -EPROTO, "nlmsg_seq %u, expected %u",
			       h->nlmsg_seq, st->seq);
	return 0;
}

int xfrm_parse(struct xfrm_parse_state *st, const void *buf, size_t len,
	       const struct xfrm_parse_cb *cb, struct ikw_err *err)
{
	const uint8_t *p = buf, *start = buf;
	struct nlmsghdr h;
	size_t step;
	int r;

	if (st->done)
		return err_set(err, -EINVAL, "netlink dump already ended");
	while (len > 0) {
		r = xp_header(st, p, len, &h, err);
		if (!r) {
			if (h.nlmsg_flags & NLM_F_DUMP_INTR)
				st->interrupted = true;
			r = xp_one(st, &h, p + NLMSG_HDRLEN, cb, err);
		}
		/* where in the buffer, for malformed input; a callback's or
		 * the kernel's error stands on its own */
		if (r == -EBADMSG || r == -EPROTO)
			return err_prefix(err, r, "netlink message at offset %zu",
					  (size_t)(p - start));
		if (r)
			return r;
		if (st->done)
			return st->interrupted ? XFRM_PARSE_INTR : XFRM_PARSE_DONE;
		/* in size_t: NLMSG_ALIGN of a 32-bit length could wrap to 0 */
		step = ((size_t)h.nlmsg_len + NLMSG_ALIGNTO - 1) &
		       ~(size_t)(NLMSG_ALIGNTO - 1);
		if (step > len)
			step = len;
		p += step;
		len -= step;
	}
	return XFRM_PARSE_MORE;
}
