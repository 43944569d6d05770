/* XFRM netlink dump parser: messages built here (nlmsghdr + the kernel's
 * structs + attributes), every attribute read back with its value, IPv6,
 * several messages per buffer and across buffers, NLMSG_ERROR/DONE/NOOP,
 * NLM_F_DUMP_INTR, and each length check (short attributes, nla_len and
 * nlmsg_len past the end, every prefix of a dump).  Inputs are parsed from
 * right before an unreadable page so that any over-read crashes. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/udp.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "parse/xfrm_parse.h"
#include "testlib.h"

/* --- building messages --- */

struct nb {
	uint8_t b[16384];
	size_t len;
	size_t msg;               /* where the open message starts */
};

static void nb_put(struct nb *nb, const void *p, size_t n)
{
	if (nb->len + n > sizeof(nb->b))
		abort();
	if (n)
		memcpy(nb->b + nb->len, p, n);
	nb->len += n;
}

static void nb_pad(struct nb *nb)
{
	static const uint8_t zero[4];

	nb_put(nb, zero, NLMSG_ALIGN(nb->len) - nb->len);
}

static void nb_begin(struct nb *nb, uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr h = { 0, type, flags, seq, 0 };

	nb->msg = nb->len;
	nb_put(nb, &h, sizeof(h));
}

/* Sets nlmsg_len to what was written since nb_begin. */
static void nb_end(struct nb *nb)
{
	uint32_t len = (uint32_t)(nb->len - nb->msg);

	memcpy(nb->b + nb->msg + offsetof(struct nlmsghdr, nlmsg_len), &len,
	       sizeof(len));
}

static void nb_attr(struct nb *nb, uint16_t type, const void *p, size_t n)
{
	struct nlattr a = { (uint16_t)(NLA_HDRLEN + n), type };

	nb_put(nb, &a, sizeof(a));
	nb_put(nb, p, n);
	nb_pad(nb);
}

/* Names here are test constants, shorter than the kernel's 64 bytes. */
static void alg_name(char out[64], const char *name)
{
	size_t n = strlen(name);

	if (n >= 64)
		abort();
	memcpy(out, name, n + 1);
}

static void nb_alg(struct nb *nb, uint16_t type, const char *name,
		   uint32_t key_bits)
{
	uint8_t raw[sizeof(struct xfrm_algo) + 64] = { 0 };
	struct xfrm_algo a = { .alg_key_len = key_bits };

	alg_name(a.alg_name, name);
	memcpy(raw, &a, sizeof(a));
	memset(raw + sizeof(a), 0xaa, key_bits / 8);  /* a key: never copied */
	nb_attr(nb, type, raw, sizeof(a) + key_bits / 8);
}

/* xfrm_algo_auth and xfrm_algo_aead have the same layout */
static void nb_alg3(struct nb *nb, uint16_t type, const char *name,
		    uint32_t key_bits, uint32_t third)
{
	uint8_t raw[sizeof(struct xfrm_algo_auth) + 64] = { 0 };
	struct xfrm_algo_auth a = { .alg_key_len = key_bits, .alg_trunc_len = third };

	alg_name(a.alg_name, name);
	memcpy(raw, &a, sizeof(a));
	memset(raw + sizeof(a), 0xbb, key_bits / 8);
	nb_attr(nb, type, raw, sizeof(a) + key_bits / 8);
}

static void nb_u32(struct nb *nb, uint16_t type, uint32_t v)
{
	nb_attr(nb, type, &v, sizeof(v));
}

static void addr4(xfrm_address_t *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->a4) != 1)
		abort();
}

static void addr6(xfrm_address_t *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET6, s, &a->in6) != 1)
		abort();
}

static struct xfrm_usersa_info sa_v4(uint32_t spi)
{
	struct xfrm_usersa_info k;

	memset(&k, 0, sizeof(k));
	k.family = AF_INET;
	addr4(&k.saddr, "192.0.2.1");
	addr4(&k.id.daddr, "198.51.100.2");
	k.id.proto = IPPROTO_ESP;
	k.id.spi = htonl(spi);
	k.reqid = 7;
	k.mode = XFRM_MODE_TUNNEL;
	k.flags = XFRM_STATE_NOECN | XFRM_STATE_AF_UNSPEC;
	k.replay_window = 32;
	k.sel.family = AF_INET;
	addr4(&k.sel.saddr, "10.1.0.0");
	addr4(&k.sel.daddr, "10.2.0.0");
	k.sel.prefixlen_s = 16;
	k.sel.prefixlen_d = 24;
	k.sel.proto = IPPROTO_TCP;
	k.sel.sport = htons(1234);
	k.sel.dport = htons(443);
	k.sel.ifindex = 3;
	k.lft.soft_byte_limit = 1000000;
	k.lft.hard_byte_limit = XFRM_INF;
	k.lft.soft_packet_limit = XFRM_INF;
	k.lft.hard_packet_limit = 5000;
	k.lft.soft_add_expires_seconds = 3000;
	k.lft.hard_add_expires_seconds = 3600;
	k.lft.soft_use_expires_seconds = 0;
	k.lft.hard_use_expires_seconds = XFRM_INF;
	k.curlft.bytes = 123456789012ULL;
	k.curlft.packets = 98765;
	k.curlft.add_time = 1700000000;
	k.curlft.use_time = 1700000005;
	k.stats.replay_window = 4;
	k.stats.replay = 5;
	k.stats.integrity_failed = 6;
	return k;
}

static void nb_sa(struct nb *nb, const struct xfrm_usersa_info *k, uint16_t flags)
{
	nb_begin(nb, XFRM_MSG_NEWSA, flags | NLM_F_MULTI, 42);
	nb_put(nb, k, sizeof(*k));
	nb_pad(nb);
}

static struct xfrm_userpolicy_info pol_info(uint8_t dir, uint8_t action,
					    uint32_t index)
{
	struct xfrm_userpolicy_info k;

	memset(&k, 0, sizeof(k));
	k.dir = dir;
	k.action = action;
	k.index = index;
	k.priority = 1000 + index;
	k.sel.family = AF_INET;
	addr4(&k.sel.saddr, "10.0.0.0");
	addr4(&k.sel.daddr, "10.9.0.0");
	k.sel.prefixlen_s = 8;
	k.sel.prefixlen_d = 16;
	k.lft.hard_byte_limit = XFRM_INF;
	return k;
}

static void nb_pol(struct nb *nb, uint8_t dir, uint8_t action, uint32_t index)
{
	struct xfrm_userpolicy_info k = pol_info(dir, action, index);

	nb_begin(nb, XFRM_MSG_NEWPOLICY, NLM_F_MULTI, 42);
	nb_put(nb, &k, sizeof(k));
	nb_pad(nb);
	nb_end(nb);
}

static void nb_done(struct nb *nb, uint16_t flags)
{
	int zero = 0;

	nb_begin(nb, NLMSG_DONE, flags | NLM_F_MULTI, 42);
	nb_put(nb, &zero, sizeof(zero));
	nb_end(nb);
}

static void nb_error(struct nb *nb, int code)
{
	struct nlmsgerr e;

	memset(&e, 0, sizeof(e));
	e.error = code;
	e.msg.nlmsg_len = sizeof(e.msg);
	e.msg.nlmsg_type = XFRM_MSG_GETSA;
	nb_begin(nb, NLMSG_ERROR, 0, 42);
	nb_put(nb, &e, sizeof(e));
	nb_end(nb);
}

/* --- parsing with a collecting callback --- */

#define GOT_MAX 8

struct got {
	struct xfrm_sa_rec sa[GOT_MAX];
	struct xfrm_pol_rec pol[GOT_MAX];
	size_t nsa, npol;
	size_t fail_after;        /* SAs accepted before the callback fails; 0: never */
};

static int got_sa(void *ctx, const struct xfrm_sa_rec *sa, struct ikw_err *err)
{
	struct got *g = ctx;

	if (g->fail_after && g->nsa == g->fail_after)
		return err_set(err, -E2BIG, "callback says stop");
	if (g->nsa < GOT_MAX)
		g->sa[g->nsa] = *sa;
	g->nsa++;
	return 0;
}

static int got_pol(void *ctx, const struct xfrm_pol_rec *pol,
		   struct ikw_err *err)
{
	struct got *g = ctx;

	(void)err;
	if (g->npol < GOT_MAX)
		g->pol[g->npol] = *pol;
	g->npol++;
	return 0;
}

/* One buffer, parsed from a guarded copy, with a fresh state expecting
 * sequence number 42. */
static int parse(const void *buf, size_t len, struct got *g, struct ikw_err *err)
{
	struct xfrm_parse_cb cb = { got_sa, got_pol, g };
	struct xfrm_parse_state st;
	struct testlib_guarded gd = testlib_guarded_copy(buf, len);
	int r;

	xfrm_parse_init(&st, 42);
	err->msg[0] = '\0';
	r = xfrm_parse(&st, gd.data, len, &cb, err);
	testlib_guarded_free(&gd);
	return r;
}

static int parse_nb(const struct nb *nb, struct got *g, struct ikw_err *err)
{
	return parse(nb->b, nb->len, g, err);
}

#define CHECK_ERR(err, sub) do { if (!strstr((err).msg, (sub))) \
	testlib_fail(__FILE__, __LINE__, "error \"%s\" lacks \"%s\"", \
		     (err).msg, (sub)); } while (0)

/* --- SAs --- */

static void build_full_sa(struct nb *nb)
{
	struct xfrm_usersa_info k = sa_v4(0xc1a2b3d4);
	struct xfrm_encap_tmpl en;
	struct xfrm_mark mark = { 0x100, 0xff00 };
	struct xfrm_replay_state rs = { 11, 22, 0xffff };

	memset(&en, 0, sizeof(en));
	en.encap_type = UDP_ENCAP_ESPINUDP;
	en.encap_sport = htons(4500);
	en.encap_dport = htons(4501);
	nb_sa(nb, &k, 0);
	nb_alg(nb, XFRMA_ALG_CRYPT, "cbc(aes)", 256);
	nb_alg(nb, XFRMA_ALG_AUTH, "hmac(sha256)", 256);
	nb_alg3(nb, XFRMA_ALG_AUTH_TRUNC, "hmac(sha256)", 256, 128);
	nb_alg3(nb, XFRMA_ALG_AEAD, "rfc4106(gcm(aes))", 160, 128);
	nb_alg(nb, XFRMA_ALG_COMP, "deflate", 0);
	nb_attr(nb, XFRMA_ENCAP, &en, sizeof(en));
	nb_attr(nb, XFRMA_MARK, &mark, sizeof(mark));
	nb_u32(nb, XFRMA_IF_ID, 77);
	nb_attr(nb, XFRMA_REPLAY_VAL, &rs, sizeof(rs));
	nb_end(nb);
}

static void test_sa_ipv4_every_attribute(void)
{
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;
	const struct xfrm_sa_rec *s = &g.sa[0];

	build_full_sa(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), XFRM_PARSE_MORE);
	CHECK_STR(err.msg, "");
	CHECK_INT(g.nsa, 1);
	CHECK_INT(s->family, AF_INET);
	CHECK_STR(s->src, "192.0.2.1");
	CHECK_STR(s->dst, "198.51.100.2");
	CHECK_INT(s->proto, IPPROTO_ESP);
	CHECK_STR(xfrm_parse_proto_name(s->proto), "esp");
	CHECK_U64(s->spi, 0xc1a2b3d4u);
	CHECK_INT(s->reqid, 7);
	CHECK_INT(s->mode, XFRM_MODE_TUNNEL);
	CHECK_STR(xfrm_parse_mode_name(s->mode), "tunnel");
	CHECK_INT(s->flags, XFRM_STATE_NOECN | XFRM_STATE_AF_UNSPEC);
	/* selector */
	CHECK_INT(s->sel.family, AF_INET);
	CHECK_STR(s->sel.src, "10.1.0.0");
	CHECK_STR(s->sel.dst, "10.2.0.0");
	CHECK_INT(s->sel.src_plen, 16);
	CHECK_INT(s->sel.dst_plen, 24);
	CHECK_INT(s->sel.proto, IPPROTO_TCP);
	CHECK_INT(s->sel.sport, 1234);
	CHECK_INT(s->sel.dport, 443);
	CHECK_INT(s->sel.ifindex, 3);
	/* algorithms */
	CHECK(s->crypt.present);
	CHECK_STR(s->crypt.name, "cbc(aes)");
	CHECK_INT(s->crypt.key_bits, 256);
	CHECK_INT(s->crypt.trunc_bits, 0);
	CHECK(s->auth.present);
	CHECK_STR(s->auth.name, "hmac(sha256)");
	CHECK_INT(s->auth.key_bits, 256);
	CHECK_INT(s->auth.trunc_bits, 128);
	CHECK(s->aead.present);
	CHECK_STR(s->aead.name, "rfc4106(gcm(aes))");
	CHECK_INT(s->aead.key_bits, 160);
	CHECK_INT(s->aead.trunc_bits, 128);
	CHECK(s->comp.present);
	CHECK_STR(s->comp.name, "deflate");
	CHECK_INT(s->comp.key_bits, 0);
	/* lifetimes */
	CHECK_U64(s->cur.bytes, 123456789012ULL);
	CHECK_U64(s->cur.packets, 98765);
	CHECK_U64(s->cur.add_time, 1700000000);
	CHECK_U64(s->cur.use_time, 1700000005);
	CHECK_U64(s->lft.soft_bytes, 1000000);
	CHECK_U64(s->lft.hard_bytes, XFRM_NO_LIMIT);
	CHECK_U64(s->lft.soft_packets, XFRM_NO_LIMIT);
	CHECK_U64(s->lft.hard_packets, 5000);
	CHECK_U64(s->lft.soft_add_s, 3000);
	CHECK_U64(s->lft.hard_add_s, 3600);
	CHECK_U64(s->lft.soft_use_s, XFRM_NO_LIMIT);  /* 0 */
	CHECK_U64(s->lft.hard_use_s, XFRM_NO_LIMIT);  /* XFRM_INF */
	/* replay and stats */
	CHECK_INT(s->replay_window, 32);
	CHECK(s->has_seq);
	CHECK_U64(s->oseq, 11);
	CHECK_U64(s->seq, 22);
	CHECK_INT(s->stats.replay_window, 4);
	CHECK_INT(s->stats.replay, 5);
	CHECK_INT(s->stats.integrity_failed, 6);
	/* NAT-T, mark, interface id */
	CHECK(s->has_encap);
	CHECK_INT(s->encap_type, UDP_ENCAP_ESPINUDP);
	CHECK_INT(s->encap_sport, 4500);
	CHECK_INT(s->encap_dport, 4501);
	CHECK(s->has_mark);
	CHECK_U64(s->mark, 0x100);
	CHECK_U64(s->mark_mask, 0xff00);
	CHECK(s->has_if_id);
	CHECK_INT(s->if_id, 77);
}

static void test_sa_minimal(void)
{
	struct xfrm_usersa_info k = sa_v4(1);
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;
	const struct xfrm_sa_rec *s = &g.sa[0];

	k.id.proto = IPPROTO_AH;
	k.mode = XFRM_MODE_TRANSPORT;
	nb_sa(&nb, &k, 0);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), XFRM_PARSE_MORE);
	CHECK_INT(g.nsa, 1);
	CHECK_STR(xfrm_parse_proto_name(s->proto), "ah");
	CHECK_STR(xfrm_parse_mode_name(s->mode), "transport");
	CHECK(!s->crypt.present && !s->auth.present && !s->aead.present &&
	      !s->comp.present);
	CHECK_STR(s->crypt.name, "");
	CHECK(!s->has_seq && !s->has_encap && !s->has_mark && !s->has_if_id);
	CHECK_INT(s->replay_window, 32);
}

static void test_sa_ipv6(void)
{
	struct xfrm_usersa_info k = sa_v4(0x1000);
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;
	const struct xfrm_sa_rec *s = &g.sa[0];

	k.family = AF_INET6;
	addr6(&k.saddr, "2001:db8::1");
	addr6(&k.id.daddr, "2001:db8:ffff::abcd:2");
	k.id.proto = IPPROTO_COMP;
	k.sel.family = AF_INET6;
	addr6(&k.sel.saddr, "fd00:1::");
	addr6(&k.sel.daddr, "fd00:2::");
	k.sel.prefixlen_s = 64;
	k.sel.prefixlen_d = 48;
	nb_sa(&nb, &k, 0);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), XFRM_PARSE_MORE);
	CHECK_INT(s->family, AF_INET6);
	CHECK_STR(s->src, "2001:db8::1");
	CHECK_STR(s->dst, "2001:db8:ffff::abcd:2");
	CHECK_STR(xfrm_parse_proto_name(s->proto), "comp");
	CHECK_STR(s->sel.src, "fd00:1::");
	CHECK_STR(s->sel.dst, "fd00:2::");
	CHECK_INT(s->sel.src_plen, 64);
	CHECK_INT(s->sel.dst_plen, 48);
}

/* An IPv4-in-IPv6 SA: the selector has its own family; an AF_UNSPEC one
 * has no address text. */
static void test_sa_selector_family(void)
{
	struct xfrm_usersa_info k = sa_v4(2);
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;

	k.family = AF_INET6;
	addr6(&k.saddr, "::1");
	addr6(&k.id.daddr, "::2");
	nb_sa(&nb, &k, 0);
	nb_end(&nb);
	k.sel.family = AF_UNSPEC;
	nb_sa(&nb, &k, 0);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), XFRM_PARSE_MORE);
	CHECK_INT(g.nsa, 2);
	CHECK_STR(g.sa[0].src, "::1");
	CHECK_STR(g.sa[0].sel.src, "10.1.0.0");
	CHECK_STR(g.sa[1].sel.src, "");
	CHECK_STR(g.sa[1].sel.dst, "");
}

static void test_sa_bad_family(void)
{
	struct xfrm_usersa_info k = sa_v4(3);
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;

	k.family = AF_UNSPEC;
	nb_sa(&nb, &k, 0);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), -EBADMSG);
	CHECK_ERR(err, "address family 0");
	CHECK_INT(g.nsa, 0);
}

static void test_sa_esn(void)
{
	struct xfrm_usersa_info k = sa_v4(4);
	struct xfrm_replay_state_esn e = {
		.bmp_len = 4, .oseq = 5, .seq = 6, .oseq_hi = 1, .seq_hi = 2,
		.replay_window = 128,
	};
	uint8_t raw[sizeof(e) + 4 * sizeof(uint32_t)] = { 0 };
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;
	const struct xfrm_sa_rec *s = &g.sa[0];

	k.flags = XFRM_STATE_ESN;
	k.replay_window = 0;
	memcpy(raw, &e, sizeof(e));
	nb_sa(&nb, &k, 0);
	nb_attr(&nb, XFRMA_REPLAY_ESN_VAL, raw, sizeof(raw));
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), XFRM_PARSE_MORE);
	CHECK_INT(s->flags, XFRM_STATE_ESN);
	CHECK_INT(s->replay_window, 128);
	CHECK(s->has_seq);
	CHECK_U64(s->oseq, (1ULL << 32) | 5);
	CHECK_U64(s->seq, (2ULL << 32) | 6);
}

/* The kernel sends both auth forms; the truncated one wins in any order,
 * and the legacy one alone leaves the truncation unknown. */
static void test_sa_auth_forms(void)
{
	struct xfrm_usersa_info k = sa_v4(5);
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;

	nb_sa(&nb, &k, 0);
	nb_alg3(&nb, XFRMA_ALG_AUTH_TRUNC, "hmac(sha512)", 512, 256);
	nb_alg(&nb, XFRMA_ALG_AUTH, "hmac(sha512)", 512);
	nb_end(&nb);
	nb_sa(&nb, &k, 0);
	nb_alg(&nb, XFRMA_ALG_AUTH, "hmac(sha1)", 160);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), XFRM_PARSE_MORE);
	CHECK_INT(g.nsa, 2);
	CHECK_STR(g.sa[0].auth.name, "hmac(sha512)");
	CHECK_INT(g.sa[0].auth.trunc_bits, 256);
	CHECK_STR(g.sa[1].auth.name, "hmac(sha1)");
	CHECK_INT(g.sa[1].auth.key_bits, 160);
	CHECK_INT(g.sa[1].auth.trunc_bits, 0);
}

/* Names are untrusted: 64 bytes without a NUL, control and high bytes. */
static void test_sa_alg_name_untrusted(void)
{
	struct xfrm_usersa_info k = sa_v4(6);
	struct xfrm_algo a;
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;
	char want[XFRM_ALG_NAME_LEN];

	memset(a.alg_name, 'x', sizeof(a.alg_name));
	a.alg_name[0] = '\n';
	a.alg_name[1] = (char)0xc3;
	a.alg_name[2] = (char)0x7f;
	a.alg_key_len = 128;
	memset(want, 'x', sizeof(want));
	memcpy(want, "???", 3);
	want[XFRM_ALG_NAME_LEN - 1] = '\0';
	nb_sa(&nb, &k, 0);
	nb_attr(&nb, XFRMA_ALG_CRYPT, &a, sizeof(a));
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), XFRM_PARSE_MORE);
	CHECK_STR(g.sa[0].crypt.name, want);
	CHECK_INT(strlen(g.sa[0].crypt.name), XFRM_ALG_NAME_LEN - 1);
}

/* --- policies --- */

static void test_policies(void)
{
	static const struct { uint8_t dir, action; } t[] = {
		{ XFRM_POLICY_IN, XFRM_POLICY_ALLOW },
		{ XFRM_POLICY_OUT, XFRM_POLICY_ALLOW },
		{ XFRM_POLICY_FWD, XFRM_POLICY_ALLOW },
		{ XFRM_POLICY_IN, XFRM_POLICY_BLOCK },
		{ XFRM_POLICY_OUT, XFRM_POLICY_BLOCK },
		{ XFRM_POLICY_FWD, XFRM_POLICY_BLOCK },
	};
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;
	size_t i;

	for (i = 0; i < 6; i++)
		nb_pol(&nb, t[i].dir, t[i].action, (uint32_t)(8 * i + t[i].dir));
	CHECK_INT(parse_nb(&nb, &g, &err), XFRM_PARSE_MORE);
	CHECK_INT(g.npol, 6);
	for (i = 0; i < 6 && i < g.npol; i++) {
		CHECK_INT(g.pol[i].dir, t[i].dir);
		CHECK_INT(g.pol[i].action, t[i].action);
		CHECK_INT(g.pol[i].index, 8 * i + t[i].dir);
		CHECK_INT(g.pol[i].priority, 1000 + 8 * i + t[i].dir);
		CHECK_INT(g.pol[i].type, XFRM_POLICY_TYPE_MAIN);
		CHECK_STR(g.pol[i].sel.src, "10.0.0.0");
		CHECK_STR(g.pol[i].sel.dst, "10.9.0.0");
		CHECK_INT(g.pol[i].sel.src_plen, 8);
		CHECK_INT(g.pol[i].sel.dst_plen, 16);
		CHECK(!g.pol[i].has_mark && !g.pol[i].has_if_id);
	}
	CHECK_STR(xfrm_parse_dir_name(g.pol[0].dir), "in");
	CHECK_STR(xfrm_parse_dir_name(g.pol[1].dir), "out");
	CHECK_STR(xfrm_parse_dir_name(g.pol[2].dir), "fwd");
	CHECK_STR(xfrm_parse_action_name(g.pol[0].action), "allow");
	CHECK_STR(xfrm_parse_action_name(g.pol[3].action), "block");
}

static void test_policy_attributes(void)
{
	struct xfrm_userpolicy_info k = pol_info(XFRM_POLICY_OUT,
						 XFRM_POLICY_ALLOW, 9);
	struct xfrm_userpolicy_type pt = { .type = XFRM_POLICY_TYPE_SUB };
	struct xfrm_mark mark = { 5, 0xf };
	struct xfrm_user_tmpl tmpl;
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;

	memset(&tmpl, 0, sizeof(tmpl));
	k.sel.family = AF_INET6;
	addr6(&k.sel.saddr, "2001:db8:1::");
	addr6(&k.sel.daddr, "2001:db8:2::");
	k.flags = XFRM_POLICY_ICMP;
	nb_begin(&nb, XFRM_MSG_NEWPOLICY, NLM_F_MULTI, 42);
	nb_put(&nb, &k, sizeof(k));
	nb_pad(&nb);
	nb_attr(&nb, XFRMA_TMPL, &tmpl, sizeof(tmpl));  /* not read: skipped */
	nb_attr(&nb, XFRMA_POLICY_TYPE, &pt, sizeof(pt));
	nb_attr(&nb, XFRMA_MARK, &mark, sizeof(mark));
	nb_u32(&nb, XFRMA_IF_ID, 12);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), XFRM_PARSE_MORE);
	CHECK_INT(g.npol, 1);
	CHECK_INT(g.pol[0].type, XFRM_POLICY_TYPE_SUB);
	CHECK_INT(g.pol[0].flags, XFRM_POLICY_ICMP);
	CHECK(g.pol[0].has_mark);
	CHECK_INT(g.pol[0].mark, 5);
	CHECK_INT(g.pol[0].mark_mask, 0xf);
	CHECK(g.pol[0].has_if_id);
	CHECK_INT(g.pol[0].if_id, 12);
	CHECK_STR(g.pol[0].sel.src, "2001:db8:1::");
	CHECK_STR(g.pol[0].sel.dst, "2001:db8:2::");
}

/* --- several messages, control messages --- */

static void test_multi_and_done(void)
{
	struct xfrm_usersa_info k1 = sa_v4(0x11), k2 = sa_v4(0x22);
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;

	k2.family = AF_INET6;
	addr6(&k2.saddr, "2001:db8::a");
	addr6(&k2.id.daddr, "2001:db8::b");
	nb_sa(&nb, &k1, 0);
	nb_alg(&nb, XFRMA_ALG_CRYPT, "cbc(aes)", 128);
	nb_end(&nb);
	nb_begin(&nb, NLMSG_NOOP, 0, 42);
	nb_end(&nb);
	nb_sa(&nb, &k2, 0);
	nb_alg3(&nb, XFRMA_ALG_AEAD, "rfc4106(gcm(aes))", 288, 128);
	nb_end(&nb);
	nb_pol(&nb, XFRM_POLICY_FWD, XFRM_POLICY_BLOCK, 3);
	nb_done(&nb, 0);
	nb_sa(&nb, &k1, 0);  /* after NLMSG_DONE: ignored */
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), XFRM_PARSE_DONE);
	CHECK_STR(err.msg, "");
	CHECK_INT(g.nsa, 2);
	CHECK_INT(g.npol, 1);
	CHECK_U64(g.sa[0].spi, 0x11);
	CHECK_STR(g.sa[0].crypt.name, "cbc(aes)");
	CHECK_U64(g.sa[1].spi, 0x22);
	CHECK_STR(g.sa[1].src, "2001:db8::a");
	CHECK_STR(g.sa[1].aead.name, "rfc4106(gcm(aes))");
	CHECK(!g.sa[1].crypt.present);
	CHECK_INT(g.pol[0].dir, XFRM_POLICY_FWD);
}

/* A dump over several recv() buffers: MORE until NLMSG_DONE, and the
 * state counts across them; after DONE the parser refuses more. */
static void test_across_buffers(void)
{
	struct xfrm_usersa_info k = sa_v4(0x33);
	struct nb a = { .len = 0 }, b = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct xfrm_parse_cb cb = { got_sa, got_pol, &g };
	struct xfrm_parse_state st;
	struct ikw_err err = { "" };

	nb_sa(&a, &k, 0);
	nb_end(&a);
	nb_pol(&a, XFRM_POLICY_IN, XFRM_POLICY_ALLOW, 1);
	nb_sa(&b, &k, 0);
	nb_end(&b);
	nb_done(&b, 0);
	xfrm_parse_init(&st, 42);
	CHECK_INT(xfrm_parse(&st, a.b, a.len, &cb, &err), XFRM_PARSE_MORE);
	CHECK(!st.done);
	CHECK_INT(xfrm_parse(&st, b.b, b.len, &cb, &err), XFRM_PARSE_DONE);
	CHECK(st.done && !st.interrupted);
	CHECK_INT(st.nsa, 2);
	CHECK_INT(st.npolicy, 1);
	CHECK_INT(xfrm_parse(&st, b.b, b.len, &cb, &err), -EINVAL);
	CHECK_ERR(err, "already ended");
	/* NULL callbacks: still checked and counted */
	xfrm_parse_init(&st, 0);
	CHECK_INT(xfrm_parse(&st, a.b, a.len, NULL, &err), XFRM_PARSE_MORE);
	CHECK_INT(st.nsa, 1);
	CHECK_INT(st.npolicy, 1);
}

static void test_dump_intr(void)
{
	struct xfrm_usersa_info k = sa_v4(0x44);
	struct nb a = { .len = 0 }, b = { .len = 0 }, c = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct xfrm_parse_cb cb = { got_sa, got_pol, &g };
	struct xfrm_parse_state st;
	struct ikw_err err = { "" };

	/* the flag on an SA in one buffer, NLMSG_DONE in the next */
	nb_sa(&a, &k, NLM_F_DUMP_INTR);
	nb_end(&a);
	nb_done(&b, 0);
	xfrm_parse_init(&st, 42);
	CHECK_INT(xfrm_parse(&st, a.b, a.len, &cb, &err), XFRM_PARSE_MORE);
	CHECK(st.interrupted);
	CHECK_INT(xfrm_parse(&st, b.b, b.len, &cb, &err), XFRM_PARSE_INTR);
	CHECK_INT(g.nsa, 1);
	/* the flag on NLMSG_DONE itself */
	nb_done(&c, NLM_F_DUMP_INTR);
	CHECK_INT(parse_nb(&c, &g, &err), XFRM_PARSE_INTR);
	/* without it */
	CHECK_INT(parse_nb(&b, &g, &err), XFRM_PARSE_DONE);
}

static void test_nlmsg_error(void)
{
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;
	int neg = -1, big = -5000;

	nb_error(&nb, -EPERM);
	CHECK_INT(parse_nb(&nb, &g, &err), -EPERM);
	CHECK_ERR(err, "the kernel answered: ");
	CHECK_ERR(err, strerror(EPERM));
	/* an acknowledgement is no error */
	nb.len = 0;
	nb_error(&nb, 0);
	nb_done(&nb, 0);
	CHECK_INT(parse_nb(&nb, &g, &err), XFRM_PARSE_DONE);
	/* codes that are no errno */
	nb.len = 0;
	nb_error(&nb, 5);
	CHECK_INT(parse_nb(&nb, &g, &err), -EPROTO);
	CHECK_ERR(err, "code 5");
	nb.len = 0;
	nb_error(&nb, big);
	CHECK_INT(parse_nb(&nb, &g, &err), -EPROTO);
	/* an error too short for its int */
	nb.len = 0;
	nb_begin(&nb, NLMSG_ERROR, 0, 42);
	nb_put(&nb, &neg, 2);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), -EBADMSG);
	CHECK_ERR(err, "NLMSG_ERROR: 2 bytes, 4 needed");
}

static void test_nlmsg_done_forms(void)
{
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;
	int code = -EINTR;

	/* without its int, as very old kernels send it */
	nb_begin(&nb, NLMSG_DONE, NLM_F_MULTI, 42);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), XFRM_PARSE_DONE);
	/* a dump that failed half way */
	nb.len = 0;
	nb_begin(&nb, NLMSG_DONE, NLM_F_MULTI, 42);
	nb_put(&nb, &code, sizeof(code));
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), -EINTR);
	CHECK_ERR(err, "ended the dump");
	/* an int cut short */
	nb.len = 0;
	nb_begin(&nb, NLMSG_DONE, NLM_F_MULTI, 42);
	nb_put(&nb, &code, 3);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), -EBADMSG);
}

static void test_overrun_and_unknown_types(void)
{
	struct xfrm_usersa_info k = sa_v4(0x55);
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;
	uint8_t junk[40];

	memset(junk, 0xee, sizeof(junk));
	nb_begin(&nb, XFRM_MSG_NEWAE, 0, 42);
	nb_put(&nb, junk, sizeof(junk));
	nb_end(&nb);
	nb_begin(&nb, 0x7fff, 0, 42);
	nb_put(&nb, junk, 3);
	nb_end(&nb);
	nb_pad(&nb);
	nb_sa(&nb, &k, 0);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), XFRM_PARSE_MORE);
	CHECK_INT(g.nsa, 1);
	nb.len = 0;
	nb_begin(&nb, NLMSG_OVERRUN, 0, 42);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), -ENOBUFS);
}

static void test_seq_mismatch(void)
{
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;

	nb_begin(&nb, NLMSG_DONE, 0, 41);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), -EPROTO);
	CHECK_ERR(err, "nlmsg_seq 41, expected 42");
}

static void test_callback_error_stops(void)
{
	struct xfrm_usersa_info k = sa_v4(0x66);
	struct nb nb = { .len = 0 };
	struct got g = { .fail_after = 1 };
	struct ikw_err err;

	nb_sa(&nb, &k, 0);
	nb_end(&nb);
	nb_sa(&nb, &k, 0);
	nb_end(&nb);
	nb_sa(&nb, &k, 0);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), -E2BIG);
	CHECK_STR(err.msg, "callback says stop");  /* not prefixed */
	CHECK_INT(g.nsa, 1);
}

/* --- lengths --- */

static void test_unknown_attributes_skipped(void)
{
	struct xfrm_usersa_info k = sa_v4(0x77);
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;
	uint8_t blob[13], one = 1;

	memset(blob, 0x5a, sizeof(blob));
	nb_sa(&nb, &k, 0);
	nb_attr(&nb, 200, blob, sizeof(blob));
	nb_attr(&nb, XFRMA_SEC_CTX, blob, 3);
	nb_attr(&nb, XFRMA_TFCPAD, &one, 1);  /* known to the kernel, not read */
	nb_attr(&nb, XFRMA_UNSPEC, NULL, 0);
	nb_alg(&nb, XFRMA_ALG_CRYPT, "cbc(des3_ede)", 192);
	nb_attr(&nb, 0x3fff, blob, 0);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), XFRM_PARSE_MORE);
	CHECK_STR(err.msg, "");
	CHECK_STR(g.sa[0].crypt.name, "cbc(des3_ede)");
	CHECK_INT(g.sa[0].crypt.key_bits, 192);
}

/* Each attribute read, one byte shorter than its struct: refused with its
 * name, in an SA and (for the policy's) in a policy. */
static void test_short_attributes(void)
{
	static const struct { uint16_t type; size_t size; const char *name; bool pol; } t[] = {
		{ XFRMA_ALG_AUTH, sizeof(struct xfrm_algo), "XFRMA_ALG_AUTH", false },
		{ XFRMA_ALG_CRYPT, sizeof(struct xfrm_algo), "XFRMA_ALG_CRYPT", false },
		{ XFRMA_ALG_COMP, sizeof(struct xfrm_algo), "XFRMA_ALG_COMP", false },
		{ XFRMA_ALG_AUTH_TRUNC, sizeof(struct xfrm_algo_auth), "XFRMA_ALG_AUTH_TRUNC", false },
		{ XFRMA_ALG_AEAD, sizeof(struct xfrm_algo_aead), "XFRMA_ALG_AEAD", false },
		{ XFRMA_ENCAP, sizeof(struct xfrm_encap_tmpl), "XFRMA_ENCAP", false },
		{ XFRMA_REPLAY_VAL, sizeof(struct xfrm_replay_state), "XFRMA_REPLAY_VAL", false },
		{ XFRMA_REPLAY_ESN_VAL, sizeof(struct xfrm_replay_state_esn), "XFRMA_REPLAY_ESN_VAL", false },
		{ XFRMA_MARK, sizeof(struct xfrm_mark), "XFRMA_MARK", true },
		{ XFRMA_IF_ID, sizeof(uint32_t), "XFRMA_IF_ID", true },
		{ XFRMA_POLICY_TYPE, sizeof(struct xfrm_userpolicy_type), "XFRMA_POLICY_TYPE", true },
	};
	uint8_t zero[128] = { 0 };
	char want[64];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct xfrm_usersa_info k = sa_v4(0x88);
		struct xfrm_userpolicy_info pk = pol_info(0, 0, 1);
		struct nb nb = { .len = 0 };
		struct got g = { .nsa = 0 };
		struct ikw_err err;

		snprintf(want, sizeof(want), "%s: %zu bytes, %zu needed", t[i].name,
			 t[i].size - 1, t[i].size);
		if (t[i].pol) {
			nb_begin(&nb, XFRM_MSG_NEWPOLICY, 0, 42);
			nb_put(&nb, &pk, sizeof(pk));
		} else {
			nb_sa(&nb, &k, 0);
		}
		nb_attr(&nb, t[i].type, zero, t[i].size - 1);
		nb_end(&nb);
		CHECK_INT(parse_nb(&nb, &g, &err), -EBADMSG);
		CHECK_ERR(err, want);
		CHECK_ERR(err, t[i].pol ? "XFRM_MSG_NEWPOLICY index 1" :
			  "XFRM_MSG_NEWSA spi 0x00000088");
		CHECK_ERR(err, "netlink message at offset 0");
		CHECK_INT(g.nsa + g.npol, 0);
		/* the exact size passes */
		nb.len = 0;
		if (t[i].pol) {
			nb_begin(&nb, XFRM_MSG_NEWPOLICY, 0, 42);
			nb_put(&nb, &pk, sizeof(pk));
		} else {
			nb_sa(&nb, &k, 0);
		}
		nb_attr(&nb, t[i].type, zero, t[i].size);
		nb_end(&nb);
		CHECK_INT(parse_nb(&nb, &g, &err), XFRM_PARSE_MORE);
	}
}

static void test_bad_nla_len(void)
{
	struct xfrm_usersa_info k = sa_v4(0x99);
	struct nlattr a;
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;
	uint8_t two[2] = { 0 };

	/* nla_len past the message's end */
	nb_sa(&nb, &k, 0);
	a.nla_len = 200;
	a.nla_type = XFRMA_ALG_CRYPT;
	nb_put(&nb, &a, sizeof(a));
	nb_put(&nb, two, 2);
	nb_pad(&nb);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), -EBADMSG);
	CHECK_ERR(err, "attribute 2: nla_len 200 outside 4..8");
	/* one byte past the end, at the end of the buffer */
	nb.len = 0;
	nb_sa(&nb, &k, 0);
	a.nla_len = NLA_HDRLEN + 5;
	a.nla_type = XFRMA_IF_ID;
	nb_put(&nb, &a, sizeof(a));
	nb_put(&nb, "abcd", 4);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), -EBADMSG);
	CHECK_ERR(err, "attribute 31: nla_len 9 outside 4..8");
	/* nla_len shorter than its own header */
	nb.len = 0;
	nb_sa(&nb, &k, 0);
	a.nla_len = 3;
	nb_put(&nb, &a, sizeof(a));
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), -EBADMSG);
	CHECK_ERR(err, "nla_len 3");
	/* two bytes left: not even a header */
	nb.len = 0;
	nb_sa(&nb, &k, 0);
	nb_put(&nb, two, 2);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), -EBADMSG);
	CHECK_ERR(err, "truncated attribute header: 2 bytes left");
	CHECK_INT(g.nsa, 0);
}

/* The last attribute's padding may be missing, and a message may end right
 * after its fixed struct. */
static void test_unpadded_end(void)
{
	struct xfrm_usersa_info k = sa_v4(0xaa);
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;
	struct nlattr a = { NLA_HDRLEN + 1, XFRMA_TFCPAD };
	uint8_t one = 1;

	nb_sa(&nb, &k, 0);
	nb_put(&nb, &a, sizeof(a));
	nb_put(&nb, &one, 1);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), XFRM_PARSE_MORE);
	CHECK_INT(g.nsa, 1);
}

static void test_bad_nlmsg_len(void)
{
	struct xfrm_usersa_info k = sa_v4(0xbb);
	struct xfrm_userpolicy_info pk = pol_info(0, 0, 1);
	struct nlmsghdr h = { 0, NLMSG_NOOP, 0, 42, 0 };
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;

	/* nlmsg_len past the buffer: the second message is cut */
	nb_sa(&nb, &k, 0);
	nb_end(&nb);
	nb_sa(&nb, &k, 0);
	nb_alg(&nb, XFRMA_ALG_CRYPT, "cbc(aes)", 128);
	nb_end(&nb);
	CHECK_INT(parse(nb.b, nb.len - 1, &g, &err), -EBADMSG);
	CHECK_ERR(err, "netlink message at offset 240: nlmsg_len 328 outside 16..327");
	CHECK_INT(g.nsa, 1);
	/* nlmsg_len shorter than the header */
	h.nlmsg_len = 15;
	CHECK_INT(parse(&h, sizeof(h), &g, &err), -EBADMSG);
	CHECK_ERR(err, "nlmsg_len 15");
	/* fewer bytes than a header */
	CHECK_INT(parse(&h, 10, &g, &err), -EBADMSG);
	CHECK_ERR(err, "truncated netlink header: 10 bytes left, 16 needed");
	/* messages shorter than their fixed struct */
	nb.len = 0;
	nb_begin(&nb, XFRM_MSG_NEWSA, 0, 42);
	nb_put(&nb, &k, sizeof(k) - 1);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), -EBADMSG);
	CHECK_ERR(err, "XFRM_MSG_NEWSA: 223 bytes, xfrm_usersa_info needs 224");
	nb.len = 0;
	nb_begin(&nb, XFRM_MSG_NEWPOLICY, 0, 42);
	nb_put(&nb, &pk, sizeof(pk) - 8);
	nb_end(&nb);
	CHECK_INT(parse_nb(&nb, &g, &err), -EBADMSG);
	CHECK_ERR(err, "xfrm_userpolicy_info needs");
	/* an empty buffer is simply nothing yet */
	CHECK_INT(parse(&h, 0, &g, &err), XFRM_PARSE_MORE);
}

/* Every prefix of a dump: complete messages give MORE (DONE at the end),
 * anything else -EBADMSG, and nothing is read past the prefix. */
static void test_every_prefix(void)
{
	struct nb nb = { .len = 0 };
	size_t cut, ends[8], nends = 0, i;

	build_full_sa(&nb);
	ends[nends++] = nb.len;
	nb_pol(&nb, XFRM_POLICY_OUT, XFRM_POLICY_BLOCK, 2);
	ends[nends++] = nb.len;
	nb_done(&nb, 0);
	for (cut = 0; cut <= nb.len; cut++) {
		struct got g = { .nsa = 0 };
		struct ikw_err err;
		bool boundary = cut == 0;
		int r = parse(nb.b, cut, &g, &err);

		for (i = 0; i < nends; i++)
			boundary = boundary || cut == ends[i];
		if (cut == nb.len)
			CHECK_INT(r, XFRM_PARSE_DONE);
		else if (boundary)
			CHECK_INT(r, XFRM_PARSE_MORE);
		else if (r != -EBADMSG)
			testlib_fail(__FILE__, __LINE__, "prefix %zu: %d", cut, r);
	}
}

/* The buffer need not be aligned: records are copied out, never cast. */
static void test_unaligned_buffer(void)
{
	struct nb nb = { .len = 0 };
	struct got g = { .nsa = 0 };
	struct ikw_err err;
	uint8_t *p = malloc(sizeof(nb.b) + 1);

	build_full_sa(&nb);
	nb_done(&nb, 0);
	if (!p)
		abort();
	memcpy(p + 1, nb.b, nb.len);
	CHECK_INT(parse(p + 1, nb.len, &g, &err), XFRM_PARSE_DONE);
	CHECK_STR(g.sa[0].auth.name, "hmac(sha256)");
	free(p);
}

static void test_names(void)
{
	CHECK(xfrm_parse_dir_name(3) == NULL);
	CHECK(xfrm_parse_action_name(2) == NULL);
	CHECK_STR(xfrm_parse_mode_name(XFRM_MODE_BEET), "beet");
	CHECK_STR(xfrm_parse_mode_name(XFRM_MODE_ROUTEOPTIMIZATION), "ro");
	CHECK_STR(xfrm_parse_mode_name(XFRM_MODE_IN_TRIGGER), "in_trigger");
	CHECK(xfrm_parse_mode_name(200) == NULL);
	CHECK(xfrm_parse_proto_name(IPPROTO_TCP) == NULL);
}

int main(void)
{
	RUN(test_sa_ipv4_every_attribute);
	RUN(test_sa_minimal);
	RUN(test_sa_ipv6);
	RUN(test_sa_selector_family);
	RUN(test_sa_bad_family);
	RUN(test_sa_esn);
	RUN(test_sa_auth_forms);
	RUN(test_sa_alg_name_untrusted);
	RUN(test_policies);
	RUN(test_policy_attributes);
	RUN(test_multi_and_done);
	RUN(test_across_buffers);
	RUN(test_dump_intr);
	RUN(test_nlmsg_error);
	RUN(test_nlmsg_done_forms);
	RUN(test_overrun_and_unknown_types);
	RUN(test_seq_mismatch);
	RUN(test_callback_error_stops);
	RUN(test_unknown_attributes_skipped);
	RUN(test_short_attributes);
	RUN(test_bad_nla_len);
	RUN(test_unpadded_end);
	RUN(test_bad_nlmsg_len);
	RUN(test_every_prefix);
	RUN(test_unaligned_buffer);
	RUN(test_names);
	return testlib_done();
}
