/* libFuzzer target: one untrusted NETLINK_XFRM recv() buffer through the
 * pure dump parser, checking what the collector relies on: every string in
 * a record is NUL-terminated inside its array, algorithm names are
 * printable ASCII, addresses are the text of an address of the record's
 * family, policy and SA counts match the callbacks, the result is one of
 * the documented values and an error always says why.  The same input is
 * also parsed as two recv() buffers split after its first message, which
 * must give the same result and the same records.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c17 -D_GNU_SOURCE \
 *     -Isrc tests/fuzz/fuzz_xfrm.c src/parse/xfrm_parse.c src/common/err.c \
 *     -o build/fuzz_xfrm
 *   build/fuzz_xfrm -max_total_time=120 tests/fuzz/corpus/xfrm
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "parse/xfrm_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_ctx {
	size_t nsa, npol;
	uint64_t digest;          /* of the records seen, to compare two parses */
};

static void fuzz_mix(struct fuzz_ctx *c, uint64_t v)
{
	c->digest = (c->digest ^ v) * 0x100000001b3ULL;
}

static void fuzz_check_str(const char *s, size_t cap)
{
	if (!memchr(s, '\0', cap))
		abort();
}

static void fuzz_check_alg(const struct xfrm_alg_rec *a)
{
	const char *p;

	fuzz_check_str(a->name, sizeof(a->name));
	for (p = a->name; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			abort();
	if (!a->present && (a->name[0] || a->key_bits || a->trunc_bits))
		abort();
}

/* The text is an address of that family, or "" for another family. */
static void fuzz_check_addr(const char *s, unsigned family)
{
	uint8_t buf[16];

	fuzz_check_str(s, XFRM_ADDR_STRLEN);
	if (family != AF_INET && family != AF_INET6) {
		if (s[0])
			abort();
		return;
	}
	if (inet_pton((int)family, s, buf) != 1)
		abort();
}

static void fuzz_check_sel(const struct xfrm_sel_rec *s)
{
	fuzz_check_addr(s->src, s->family);
	fuzz_check_addr(s->dst, s->family);
}

static int fuzz_sa(void *arg, const struct xfrm_sa_rec *sa, struct ikw_err *err)
{
	struct fuzz_ctx *c = arg;

	(void)err;
	if (sa->family != AF_INET && sa->family != AF_INET6)
		abort();
	fuzz_check_addr(sa->src, sa->family);
	fuzz_check_addr(sa->dst, sa->family);
	fuzz_check_sel(&sa->sel);
	fuzz_check_alg(&sa->crypt);
	fuzz_check_alg(&sa->auth);
	fuzz_check_alg(&sa->aead);
	fuzz_check_alg(&sa->comp);
	if ((sa->lft.soft_add_s == 0) || (sa->lft.hard_use_s == 0))
		abort();  /* 0 seconds means no limit */
	if (!sa->has_seq && (sa->oseq || sa->seq))
		abort();
	c->nsa++;
	fuzz_mix(c, sa->spi);
	fuzz_mix(c, sa->cur.bytes);
	fuzz_mix(c, sa->lft.hard_bytes);
	fuzz_mix(c, sa->replay_window);
	fuzz_mix(c, sa->auth.trunc_bits);
	return 0;
}

static int fuzz_pol(void *arg, const struct xfrm_pol_rec *pol,
		    struct ikw_err *err)
{
	struct fuzz_ctx *c = arg;

	(void)err;
	fuzz_check_sel(&pol->sel);
	if (pol->dir < XFRM_DIR_COUNT && !xfrm_parse_dir_name(pol->dir))
		abort();
	c->npol++;
	fuzz_mix(c, (uint64_t)pol->dir << 8 | pol->action);
	fuzz_mix(c, pol->index);
	return 0;
}

static int fuzz_parse(const uint8_t *data, size_t size, size_t cut,
		      struct fuzz_ctx *c, struct xfrm_parse_state *st)
{
	const struct xfrm_parse_cb cb = { fuzz_sa, fuzz_pol, c };
	struct ikw_err err = { "" };
	int r;

	xfrm_parse_init(st, 0);
	r = xfrm_parse(st, data, cut, &cb, &err);
	if (r == XFRM_PARSE_MORE && cut < size)
		r = xfrm_parse(st, data + cut, size - cut, &cb, &err);
	if (r < 0 && (r < -4095 || !err.msg[0]))
		abort();
	if (r > XFRM_PARSE_INTR)
		abort();
	if ((r == XFRM_PARSE_DONE || r == XFRM_PARSE_INTR) !=
	    (st->done && r >= 0))
		abort();
	if (r == XFRM_PARSE_INTR && !st->interrupted)
		abort();
	if (r == XFRM_PARSE_DONE && st->interrupted)
		abort();
	if (st->nsa != c->nsa || st->npolicy != c->npol)
		abort();
	return r;
}

/* The end of the first complete message: where a second recv() buffer
 * could start. */
static size_t fuzz_first_end(const uint8_t *data, size_t size)
{
	uint32_t len;

	if (size < 16)
		return size;
	memcpy(&len, data, sizeof(len));
	len = (len + 3) & ~3u;
	return len >= 16 && len <= size ? len : size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_ctx whole = { 0, 0, 0 }, split = { 0, 0, 0 };
	struct xfrm_parse_state st1, st2;
	size_t cut = fuzz_first_end(data, size);
	int r1, r2;

	r1 = fuzz_parse(data, size, size, &whole, &st1);
	r2 = fuzz_parse(data, size, cut, &split, &st2);
	if (r1 != r2 || whole.digest != split.digest || whole.nsa != split.nsa ||
	    whole.npol != split.npol)
		abort();
	return 0;
}
