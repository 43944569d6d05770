/* /proc/net/ipsec_spi (KLIPS) parsing.  Fixtures in tests/fixtures/proc:
 *   ipsec_spi_manpage  the two EXAMPLES of ipsec_spi(5) (Openswan
 *                      programs/spi/spi.5), roff escapes removed; the man
 *                      page displays each entry over several lines, kept
 *                      here on one line with the page's own blanks between
 *   ipsec_spi_openswan two ESP SAs as Openswan 2.6's printer writes them,
 *                      every field it has set, and two unknown fields
 *   ipsec_spi_ah, _comp, _tun, _ipv6  AH, IPCOMP, IP-in-IP and IPv6 SAs
 * Every field of every entry is compared, and every malformed case's error
 * and line number.  Inputs are guarded copies: an over-read crashes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/klips_parse.h"
#include "testlib.h"

#define B(f) ((uint64_t)1 << KLIPS_F_##f)
#define CAP 16

static int parse(const void *s, size_t len, struct klips_sa *out, size_t cap,
		 size_t *n, struct ikw_err *err)
{
	struct testlib_guarded g = testlib_guarded_copy(s, len);
	int r = klips_parse(g.data, len, out, cap, n, err);

	testlib_guarded_free(&g);
	return r;
}

static int parse_str(const char *s, struct klips_sa *out, size_t *n,
		     struct ikw_err *err)
{
	return parse(s, strlen(s), out, CAP, n, err);
}

/* Each string NUL-terminated inside its array. */
static void check_terminated(const char *file, int line, const struct klips_sa *sa)
{
	if (!memchr(sa->dst, 0, sizeof(sa->dst)) ||
	    !memchr(sa->xform, 0, sizeof(sa->xform)) ||
	    !memchr(sa->src, 0, sizeof(sa->src)) ||
	    !memchr(sa->policy_src, 0, sizeof(sa->policy_src)) ||
	    !memchr(sa->policy_dst, 0, sizeof(sa->policy_dst)) ||
	    !memchr(sa->iv, 0, sizeof(sa->iv)) ||
	    !memchr(sa->outif, 0, sizeof(sa->outif)))
		testlib_fail(file, line, "a string is not NUL-terminated");
}

/* Compares every field of struct klips_sa. */
static void check_sa_at(const char *file, int line, const struct klips_sa *got,
			const struct klips_sa *want)
{
#define U(m) do { if ((unsigned long long)got->m != (unsigned long long)want->m) \
	testlib_fail(file, line, "%s == %llu, want %llu", #m, \
		     (unsigned long long)got->m, (unsigned long long)want->m); } while (0)
#define S(m) do { if (strcmp(got->m, want->m)) testlib_fail(file, line, \
	"%s == \"%s\", want \"%s\"", #m, got->m, want->m); } while (0)
#define L(m) do { U(m.cur); U(m.soft); U(m.hard); } while (0)
	check_terminated(file, line, got);
	U(proto); U(spi); U(ipv6); S(dst); S(xform); U(dir); S(src);
	S(policy_src); S(policy_dst); U(iv_bits); S(iv);
	U(ooowin); U(ooo_errs); U(seq); U(max_seq_diff); U(bit); U(flags);
	U(alen); U(aklen); U(auth_errs); U(eklen); U(encr_size_errs);
	U(encr_pad_errs); U(cryptoid);
	L(alloc); L(bytes); L(addtime); L(usetime); L(packets);
	U(idle); U(ratio_dbytes); U(ratio_cbytes); U(natencap);
	U(natsport); U(natdport); U(refcount); U(ref); U(refhim);
	S(outif); U(outif_direct); U(reftable); U(refentry);
	if (got->seen != want->seen)
		testlib_fail(file, line, "seen == %#llx, want %#llx",
			     (unsigned long long)got->seen,
			     (unsigned long long)want->seen);
#undef U
#undef S
#undef L
}

/* Parses a fixture and compares it entry by entry with want[0..nwant). */
static void check_fixture_at(const char *file, int line, const char *name,
			     const struct klips_sa *want, size_t nwant)
{
	struct klips_sa *out = calloc(CAP, sizeof(*out));
	struct ikw_err err = { "" };
	size_t len, n = 99, i;
	uint8_t *buf = testlib_read_fixture(name, &len);

	if (!out)
		abort();
	if (parse(buf, len, out, CAP, &n, &err))
		testlib_fail(file, line, "%s: %s", name, err.msg);
	if (n != nwant)
		testlib_fail(file, line, "%s: %zu SAs, want %zu", name, n, nwant);
	for (i = 0; i < n && i < nwant; i++)
		check_sa_at(file, line, &out[i], &want[i]);
	free(buf);
	free(out);
}
#define CHECK_FIXTURE(name, want) \
	check_fixture_at(__FILE__, __LINE__, name, want, sizeof(want) / sizeof(want[0]))

/* the lifetimes every fixture line has */
#define LIFE_ALL (B(LIFE) | B(BYTES) | B(ADDTIME) | B(USETIME) | B(PACKETS))

static void test_manpage(void)
{
	static const struct klips_sa want[] = {
		{ .proto = KLIPS_TUN, .spi = 0x12a, .ipv6 = false,
		  .dst = "192.168.43.1", .xform = "IPIP", .dir = KLIPS_DIR_OUT,
		  .src = "192.168.43.2",
		  .bytes = { 14073, 0, 0 }, .addtime = { 269, 0, 0 },
		  .usetime = { 149, 0, 0 }, .packets = { 14, 0, 0 },
		  .idle = 23,
		  .seen = B(DIR) | B(SRC) | LIFE_ALL | B(IDLE) },
		/* its src= is written SPI@address; the address is kept */
		{ .proto = KLIPS_ESP, .spi = 0x9a35fc02, .ipv6 = true,
		  .dst = "3049:1::1", .xform = "ESP_3DES_HMAC_MD5",
		  .dir = KLIPS_DIR_IN, .src = "3049:1::2",
		  .ooowin = 32, .seq = 7149, .bit = 0xffffffff,
		  .alen = 128, .aklen = 128, .eklen = 192,
		  .bytes = { 1222304, 0, 0 }, .addtime = { 4593, 0, 0 },
		  .usetime = { 3858, 0, 0 }, .packets = { 7149, 0, 0 },
		  .idle = 23,
		  .seen = B(DIR) | B(SRC) | B(OOOWIN) | B(SEQ) | B(BIT) |
			  B(ALEN) | B(AKLEN) | B(EKLEN) | LIFE_ALL | B(IDLE) },
	};

	CHECK_FIXTURE("proc/ipsec_spi_manpage", want);
}

static void test_openswan(void)
{
	static const struct klips_sa want[] = {
		{ .proto = KLIPS_ESP, .spi = 0xa7d8251a, .dst = "192.0.2.45",
		  .xform = "ESP_3DES_HMAC_MD5", .dir = KLIPS_DIR_OUT,
		  .src = "192.0.2.23", .iv_bits = 64, .iv = "052c73a614bc63c9",
		  .ooowin = 64, .seq = 1093, .bit = 0xffffffffffffffffull,
		  .alen = 128, .aklen = 128, .eklen = 192,
		  .bytes = { 145532, 0, 0 }, .addtime = { 2406, 0, 0 },
		  .usetime = { 2398, 0, 0 }, .packets = { 1093, 0, 0 },
		  .idle = 3, .natencap = KLIPS_NAT_NONE, .natsport = 0,
		  .natdport = 0, .refcount = 4, .ref = 15, .refhim = 0,
		  .seen = B(DIR) | B(SRC) | B(IV_BITS) | B(IV) | B(OOOWIN) |
			  B(SEQ) | B(BIT) | B(ALEN) | B(AKLEN) | B(EKLEN) |
			  LIFE_ALL | B(IDLE) | B(NATENCAP) | B(NATSPORT) |
			  B(NATDPORT) | B(REFCOUNT) | B(REF) | B(REFHIM) },
		/* ref=-1 and refhim=-2 are %d of a u32; sref= and nfmark=
		 * are unknown here and skipped */
		{ .proto = KLIPS_ESP, .spi = 0xab6836be, .dst = "192.0.2.23",
		  .xform = "ESP_AES_HMAC_SHA1", .dir = KLIPS_DIR_IN,
		  .src = "192.0.2.45", .iv_bits = 128,
		  .iv = "5e8f25aac7be72600cf0a1b2c3d4e5f6",
		  .ooowin = 64, .ooo_errs = 7, .seq = 1090, .bit = 0x7fffffff,
		  .max_seq_diff = 2, .flags = 0x400, .alen = 160, .aklen = 160,
		  .auth_errs = 3, .eklen = 128, .encr_size_errs = 1,
		  .encr_pad_errs = 2, .cryptoid = 17,
		  .alloc = { 1, 2, 3 },
		  .bytes = { 145000, 1000000000, 1200000000 },
		  .addtime = { 2406, 3000, 3600 },
		  .usetime = { 2399, 2700, 3300 },
		  .packets = { 1090, 500000, 600000 },
		  .idle = 4, .natencap = KLIPS_NAT_NONESP, .natsport = 4500,
		  .natdport = 4501, .refcount = 3, .ref = 4294967295u,
		  .refhim = 4294967294u, .outif = "ipsec0", .outif_direct = 1,
		  .reftable = 1, .refentry = 2,
		  .seen = B(DIR) | B(SRC) | B(IV_BITS) | B(IV) | B(OOOWIN) |
			  B(OOO_ERRS) | B(SEQ) | B(BIT) | B(MAX_SEQ_DIFF) |
			  B(FLAGS) | B(ALEN) | B(AKLEN) | B(AUTH_ERRS) |
			  B(EKLEN) | B(ENCR_SIZE_ERRS) | B(ENCR_PAD_ERRS) |
			  B(CRYPTOID) | LIFE_ALL | B(ALLOC) | B(IDLE) |
			  B(NATENCAP) | B(NATSPORT) | B(NATDPORT) |
			  B(REFCOUNT) | B(REF) | B(REFHIM) | B(OUTIF) |
			  B(REFTABLE) | B(REFENTRY) },
	};

	CHECK_FIXTURE("proc/ipsec_spi_openswan", want);
}

static void test_ah(void)
{
	static const struct klips_sa want[] = {
		{ .proto = KLIPS_AH, .spi = 0x1f2e3d4c, .dst = "198.51.100.7",
		  .xform = "AH_HMAC_SHA1", .dir = KLIPS_DIR_IN,
		  .src = "198.51.100.9", .ooowin = 32, .seq = 57,
		  .bit = 0xffffffff, .alen = 96, .aklen = 160,
		  .bytes = { 8208, 0, 0 }, .addtime = { 61, 0, 0 },
		  .usetime = { 60, 0, 0 }, .packets = { 57, 0, 0 }, .idle = 1,
		  .natencap = KLIPS_NAT_NA, .refcount = 2, .ref = 9,
		  .seen = B(DIR) | B(SRC) | B(OOOWIN) | B(SEQ) | B(BIT) |
			  B(ALEN) | B(AKLEN) | LIFE_ALL | B(IDLE) |
			  B(NATENCAP) | B(REFCOUNT) | B(REF) },
		/* auth_errs=-2147483648: 2^31 errors printed with %d */
		{ .proto = KLIPS_AH, .spi = 0x1f2e3d4d, .dst = "198.51.100.9",
		  .xform = "AH_HMAC_MD5", .dir = KLIPS_DIR_OUT,
		  .src = "198.51.100.7", .ooowin = 32, .alen = 96, .aklen = 128,
		  .auth_errs = 2147483648u, .addtime = { 61, 28800, 28800 },
		  .natencap = KLIPS_NAT_NA, .refcount = 2, .ref = 10,
		  .seen = B(DIR) | B(SRC) | B(OOOWIN) | B(ALEN) | B(AKLEN) |
			  B(AUTH_ERRS) | B(LIFE) | B(ADDTIME) | B(NATENCAP) |
			  B(REFCOUNT) | B(REF) },
	};

	CHECK_FIXTURE("proc/ipsec_spi_ah", want);
}

static void test_comp(void)
{
	static const struct klips_sa want[] = {
		{ .proto = KLIPS_COMP, .spi = 0x6593, .dst = "203.0.113.23",
		  .xform = "COMP_DEFLATE", .dir = KLIPS_DIR_IN,
		  .src = "203.0.113.45", .addtime = { 6, 0, 0 },
		  .ratio_dbytes = 1000, .ratio_cbytes = 421,
		  .refcount = 5, .ref = 8,
		  .seen = B(DIR) | B(SRC) | B(LIFE) | B(ADDTIME) | B(RATIO) |
			  B(REFCOUNT) | B(REF) },
		{ .proto = KLIPS_COMP, .spi = 0x68dd, .dst = "203.0.113.45",
		  .xform = "COMP_DEFLATE", .dir = KLIPS_DIR_OUT,
		  .src = "203.0.113.23", .bytes = { 30000, 0, 0 },
		  .addtime = { 2, 0, 0 }, .usetime = { 2, 0, 0 },
		  .packets = { 20, 0, 0 }, .idle = 0,
		  .ratio_dbytes = 18446744073709551615ull, .ratio_cbytes = 9,
		  .refcount = 5, .ref = 16,
		  .seen = B(DIR) | B(SRC) | LIFE_ALL | B(IDLE) | B(RATIO) |
			  B(REFCOUNT) | B(REF) },
	};

	CHECK_FIXTURE("proc/ipsec_spi_comp", want);
}

static void test_tun(void)
{
	static const struct klips_sa want[] = {
		/* life(c,s,h)= with nothing after it */
		{ .proto = KLIPS_TUN, .spi = 0x1001, .dst = "192.0.2.23",
		  .xform = "IPIP", .dir = KLIPS_DIR_IN, .src = "192.0.2.45",
		  .policy_src = "192.0.1.0/24", .policy_dst = "192.0.2.0/24",
		  .flags = 0x8, .natencap = KLIPS_NAT_NONE, .refcount = 4,
		  .ref = 6,
		  .seen = B(DIR) | B(SRC) | B(POLICY) | B(FLAGS) | B(LIFE) |
			  B(NATENCAP) | B(NATSPORT) | B(NATDPORT) |
			  B(REFCOUNT) | B(REF) | B(REFHIM) },
		{ .proto = KLIPS_TUN, .spi = 0x1002, .dst = "192.0.2.45",
		  .xform = "IPIP", .dir = KLIPS_DIR_OUT, .src = "192.0.2.23",
		  .addtime = { 2, 0, 0 }, .natencap = KLIPS_NAT_NONE,
		  .refcount = 4, .ref = 14,
		  .seen = B(DIR) | B(SRC) | B(LIFE) | B(ADDTIME) |
			  B(NATENCAP) | B(NATSPORT) | B(NATDPORT) |
			  B(REFCOUNT) | B(REF) | B(REFHIM) },
		/* a non-contiguous mask, printed in full; flags without <> */
		{ .proto = KLIPS_TUN, .spi = 0xffffffff, .dst = "192.0.2.45",
		  .xform = "IPIP", .dir = KLIPS_DIR_IN, .src = "192.0.2.23",
		  .policy_src = "10.1.0.0/255.255.0.255",
		  .policy_dst = "0.0.0.0/0", .flags = 0x8,
		  .addtime = { 7, 0, 0 }, .packets = { 3, 0, 0 },
		  .seen = B(DIR) | B(SRC) | B(POLICY) | B(FLAGS) | B(LIFE) |
			  B(ADDTIME) | B(PACKETS) },
	};

	CHECK_FIXTURE("proc/ipsec_spi_tun", want);
}

static void test_ipv6(void)
{
	static const struct klips_sa want[] = {
		{ .proto = KLIPS_ESP, .spi = 0xc0ffee01, .ipv6 = true,
		  .dst = "2001:db8::1", .xform = "ESP_AES_HMAC_SHA2_256",
		  .dir = KLIPS_DIR_IN, .src = "2001:db8::2", .iv_bits = 128,
		  .iv = "00112233445566778899aabbccddeeff", .ooowin = 64,
		  .seq = 12, .bit = 0xfff, .max_seq_diff = 1, .alen = 128,
		  .aklen = 256, .eklen = 256, .bytes = { 4096, 0, 0 },
		  .addtime = { 30, 0, 0 }, .usetime = { 29, 0, 0 },
		  .packets = { 12, 0, 0 }, .idle = 5, .natencap = KLIPS_NAT_NA,
		  .refcount = 3, .ref = 21,
		  .seen = B(DIR) | B(SRC) | B(IV_BITS) | B(IV) | B(OOOWIN) |
			  B(SEQ) | B(BIT) | B(MAX_SEQ_DIFF) | B(ALEN) |
			  B(AKLEN) | B(EKLEN) | LIFE_ALL | B(IDLE) |
			  B(NATENCAP) | B(REFCOUNT) | B(REF) },
		/* the 0x form: the family comes from the address */
		{ .proto = KLIPS_ESP, .spi = 0xc0ffee02, .ipv6 = true,
		  .dst = "2001:db8::2", .xform = "ESP_AES_HMAC_SHA2_256",
		  .dir = KLIPS_DIR_OUT, .src = "2001:db8::1", .iv_bits = 128,
		  .iv = "ffeeddccbbaa99887766554433221100", .ooowin = 64,
		  .alen = 128, .aklen = 256, .eklen = 256,
		  .addtime = { 30, 0, 0 }, .natencap = KLIPS_NAT_NA,
		  .refcount = 3, .ref = 24,
		  .seen = B(DIR) | B(SRC) | B(IV_BITS) | B(IV) | B(OOOWIN) |
			  B(ALEN) | B(AKLEN) | B(EKLEN) | B(LIFE) | B(ADDTIME) |
			  B(NATENCAP) | B(REFCOUNT) | B(REF) },
		{ .proto = KLIPS_TUN, .spi = 0x102, .ipv6 = true,
		  .dst = "2001:db8::1", .xform = "IPIP", .dir = KLIPS_DIR_IN,
		  .src = "2001:db8::2", .policy_src = "2001:db8:1::/48",
		  .policy_dst = "2001:db8:2::/48", .addtime = { 30, 0, 0 },
		  .refcount = 2, .ref = 22,
		  .seen = B(DIR) | B(SRC) | B(POLICY) | B(LIFE) | B(ADDTIME) |
			  B(REFCOUNT) | B(REF) },
		/* an IPv4-mapped address is IPv6 */
		{ .proto = KLIPS_AH, .spi = 0x1f00, .ipv6 = true,
		  .dst = "::ffff:192.0.2.1", .xform = "AH_HMAC_SHA1",
		  .dir = KLIPS_DIR_OUT, .src = "::", .ooowin = 32, .alen = 96,
		  .aklen = 160, .addtime = { 9, 0, 0 }, .refcount = 1, .ref = 25,
		  .seen = B(DIR) | B(SRC) | B(OOOWIN) | B(ALEN) | B(AKLEN) |
			  B(LIFE) | B(ADDTIME) | B(REFCOUNT) | B(REF) },
		{ .proto = KLIPS_COMP, .spi = 0x3a0c, .ipv6 = true,
		  .dst = "2001:db8::45", .xform = "COMP_DEFLATE",
		  .dir = KLIPS_DIR_IN, .src = "2001:db8::46",
		  .addtime = { 6, 0, 0 }, .ratio_dbytes = 4096,
		  .ratio_cbytes = 1500, .refcount = 1, .ref = 23,
		  .seen = B(DIR) | B(SRC) | B(LIFE) | B(ADDTIME) | B(RATIO) |
			  B(REFCOUNT) | B(REF) },
	};

	CHECK_FIXTURE("proc/ipsec_spi_ipv6", want);
}

/* Parses one line alone and checks it against want. */
static void check_line_at(const char *file, int line, const char *in,
			  const struct klips_sa *want)
{
	struct klips_sa out[2];
	struct ikw_err err = { "" };
	size_t n = 0;

	if (parse_str(in, out, &n, &err))
		testlib_fail(file, line, "%s", err.msg);
	else if (n != 1)
		testlib_fail(file, line, "%zu SAs, want 1", n);
	else
		check_sa_at(file, line, &out[0], want);
}
#define CHECK_LINE(in, ...) do { \
	const struct klips_sa want_ = { __VA_ARGS__ }; \
	check_line_at(__FILE__, __LINE__, in, &want_); } while (0)

static void test_forms(void)
{
	/* unknown keys and lifetime names are skipped; keys are case
	 * sensitive; tabs separate too; no final newline */
	CHECK_LINE("esp0x100@192.0.2.1 ESP: dir=in newkey=what SEQ=x\t"
		   "life(c,s,h)=future(1,2,3)bytes(4,5,6) x-y=(,,)",
		   .proto = KLIPS_ESP, .spi = 0x100, .dst = "192.0.2.1",
		   .xform = "ESP", .bytes = { 4, 5, 6 },
		   .seen = B(DIR) | B(LIFE) | B(BYTES));
	/* satot()'s 'f' form: full-width hex; upper-case hex digits */
	CHECK_LINE("esp.0000012a@192.0.2.1 ESP: dir=out\n",
		   .proto = KLIPS_ESP, .spi = 0x12a, .dst = "192.0.2.1",
		   .xform = "ESP", .dir = KLIPS_DIR_OUT, .seen = B(DIR));
	CHECK_LINE("ah0xABCDEF01@192.0.2.1 AH: dir=in bit=0xFF flags=0xA<x>",
		   .proto = KLIPS_AH, .spi = 0xabcdef01, .dst = "192.0.2.1",
		   .xform = "AH", .bit = 0xff, .flags = 0xa,
		   .seen = B(DIR) | B(BIT) | B(FLAGS));
	/* %x%08x of a 2.2 kernel: zero-padded, 16 digits */
	CHECK_LINE("esp0x100@192.0.2.1 ESP: dir=in bit=0x0000000100000000",
		   .proto = KLIPS_ESP, .spi = 0x100, .dst = "192.0.2.1",
		   .xform = "ESP", .bit = 0x100000000ull,
		   .seen = B(DIR) | B(BIT));
	/* the %d edges: -1 and -2^31; the largest plain values */
	CHECK_LINE("esp0x100@192.0.2.1 ESP: dir=in seq=-2147483648 ref=-1 "
		   "ooo_errs=18446744073709551615 idle=18446744073709551615 "
		   "natsport=65535 natdport=1",
		   .proto = KLIPS_ESP, .spi = 0x100, .dst = "192.0.2.1",
		   .xform = "ESP", .seq = 2147483648u, .ref = 4294967295u,
		   .ooo_errs = 18446744073709551615ull,
		   .idle = 18446744073709551615ull, .natsport = 65535,
		   .natdport = 1,
		   .seen = B(DIR) | B(SEQ) | B(REF) | B(OOO_ERRS) | B(IDLE) |
			   B(NATSPORT) | B(NATDPORT));
	/* iv_bits without "bits"; an empty iv (iv_bits below 8) */
	CHECK_LINE("esp0x100@192.0.2.1 ESP: dir=in iv_bits=4 iv=0x",
		   .proto = KLIPS_ESP, .spi = 0x100, .dst = "192.0.2.1",
		   .xform = "ESP", .iv_bits = 4,
		   .seen = B(DIR) | B(IV_BITS) | B(IV));
	/* lifetimes after a wrapped life(c,s,h)=, FreeS/WAN 1.x names */
	CHECK_LINE("tun.12a@192.0.2.1 IPIP: life(c,s,h)=alloc(1,0,0) "
		   "use(2,0,0)\tadd(3,0,0) dir=out packets(4,0,0)",
		   .proto = KLIPS_TUN, .spi = 0x12a, .dst = "192.0.2.1",
		   .xform = "IPIP", .dir = KLIPS_DIR_OUT,
		   .alloc = { 1, 0, 0 }, .usetime = { 2, 0, 0 },
		   .addtime = { 3, 0, 0 }, .packets = { 4, 0, 0 },
		   .seen = B(DIR) | B(LIFE) | B(ALLOC) | B(USETIME) |
			   B(ADDTIME) | B(PACKETS));
	/* an IPv6 policy with a full mask; the longest interface name */
	CHECK_LINE("tun:1@::1 IPIP: dir=in policy=::/ffff::->::1/128 "
		   "outif=abcdefghijklmno:-1 natencap=unknown",
		   .proto = KLIPS_TUN, .spi = 1, .ipv6 = true, .dst = "::1",
		   .xform = "IPIP", .policy_src = "::/ffff::",
		   .policy_dst = "::1/128", .outif = "abcdefghijklmno",
		   .outif_direct = 4294967295u, .natencap = KLIPS_NAT_UNKNOWN,
		   .seen = B(DIR) | B(POLICY) | B(OUTIF) | B(NATENCAP));
	/* the longest address */
	CHECK_LINE("esp:1@ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255 E: dir=in",
		   .proto = KLIPS_ESP, .spi = 1, .ipv6 = true,
		   .dst = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",
		   .xform = "E", .seen = B(DIR));
}

static void test_names(void)
{
	CHECK_STR(klips_proto_names[KLIPS_AH], "ah");
	CHECK_STR(klips_proto_names[KLIPS_ESP], "esp");
	CHECK_STR(klips_proto_names[KLIPS_COMP], "comp");
	CHECK_STR(klips_proto_names[KLIPS_TUN], "tun");
	CHECK_STR(klips_dir_names[KLIPS_DIR_IN], "in");
	CHECK_STR(klips_dir_names[KLIPS_DIR_OUT], "out");
	CHECK_STR(klips_nat_names[KLIPS_NAT_NA], "na");
	CHECK_STR(klips_nat_names[KLIPS_NAT_NONE], "none");
	CHECK_STR(klips_nat_names[KLIPS_NAT_NONIKE], "nonike");
	CHECK_STR(klips_nat_names[KLIPS_NAT_NONESP], "nonesp");
	CHECK_STR(klips_nat_names[KLIPS_NAT_UNKNOWN], "unknown");
}

#define GOOD "esp0x100@192.0.2.1 ESP_AES: dir=in"

/* A malformed line: its error alone (line 1) and after two good lines
 * (line 3, with the two SAs before it kept). */
struct bad_case {
	const char *in;
	const char *msg;   /* after "line N: " */
};

static void check_bad_at(const char *file, int line, size_t idx,
			 const char *in, const char *msg, size_t before)
{
	struct klips_sa out[CAP];
	struct ikw_err err = { "" };
	char buf[8192], want[512];
	size_t len, n = 99, i;
	int r;

	len = (size_t)snprintf(buf, sizeof(buf), "%s%s%s\n",
			       before ? GOOD "\n" : "", before ? GOOD "\n" : "", in);
	snprintf(want, sizeof(want), "line %zu: %s", before + 1, msg);
	r = parse(buf, len, out, CAP, &n, &err);
	if (r != -EBADMSG)
		testlib_fail(file, line, "case %zu: returned %d", idx, r);
	if (strcmp(err.msg, want))
		testlib_fail(file, line, "case %zu: message \"%s\", want \"%s\"",
			     idx, err.msg, want);
	if (n != before)
		testlib_fail(file, line, "case %zu: %zu SAs kept, want %zu",
			     idx, n, before);
	for (i = 0; i < n; i++)
		if (out[i].spi != 0x100 || strcmp(out[i].xform, "ESP_AES"))
			testlib_fail(file, line, "case %zu: SA %zu changed", idx, i);
	r = parse(buf, len, out, CAP, &n, NULL);
	if (r != -EBADMSG)
		testlib_fail(file, line, "case %zu: returned %d without err", idx, r);
}

static void test_malformed(void)
{
	static const struct bad_case cases[] = {
		/* the SAID */
		{ "foo0x100@192.0.2.1 ESP: dir=in",
		  "SAID 'foo0x100@192.0.2.1': protocol is not ah, esp, comp or tun" },
		{ " (error) ESP: dir=in",
		  "SAID '(error)': protocol is not ah, esp, comp or tun" },
		{ "esp-100@192.0.2.1 ESP: dir=in",
		  "SAID 'esp-100@192.0.2.1': no '.', ':' or 0x before the SPI" },
		{ "esp0x100192.0.2.1 ESP: dir=in",
		  "SAID 'esp0x100192.0.2.1': no '@' before the address" },
		{ "esp0x@192.0.2.1 ESP: dir=in",
		  "SAID 'esp0x@192.0.2.1': SPI is not 1 to 8 hex digits" },
		{ "esp0x123456789@192.0.2.1 ESP: dir=in",
		  "SAID 'esp0x123456789@192.0.2.1': SPI is not 1 to 8 hex digits" },
		{ "esp.10g@192.0.2.1 ESP: dir=in",
		  "SAID 'esp.10g@192.0.2.1': SPI is not 1 to 8 hex digits" },
		{ "esp.100@2001:db8::1 ESP: dir=in",
		  "SAID 'esp.100@2001:db8::1': '.' (IPv4) with an IPv6 address" },
		{ "esp:100@192.0.2.1 ESP: dir=in",
		  "SAID 'esp:100@192.0.2.1': ':' (IPv6) with an IPv4 address" },
		{ "esp0x100@192.0.2.256 ESP: dir=in",
		  "SAID 'esp0x100@192.0.2.256': not an IPv4 or IPv6 address" },
		{ "esp0x100@192.0.2.1%eth0 ESP: dir=in",
		  "SAID 'esp0x100@192.0.2.1%eth0': not an IPv4 or IPv6 address" },
		{ "esp0x100@ ESP: dir=in", "SAID 'esp0x100@': no address" },
		{ "esp0x100@ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2550 ESP: dir=in",
		  "SAID 'esp0x100@ffff:ffff:ffff:ffff:ffff:ffff:255.255.2...': address too long" },
		/* the transform and dir= */
		{ "esp0x100@192.0.2.1", "no transform after the SAID" },
		{ "esp0x100@192.0.2.1 ESP dir=in",
		  "transform 'ESP': no transform name (NAME:) after the SAID" },
		{ "esp0x100@192.0.2.1 : dir=in",
		  "transform ':': no transform name (NAME:) after the SAID" },
		{ "esp0x100@192.0.2.1 ESP-X: dir=in",
		  "transform 'ESP-X:': transform name is not [A-Za-z0-9_]" },
		{ "esp0x100@192.0.2.1 ESP_AES_HMAC_SHA2_256_XXXXXXXXXXXXXXXXXXXXXXXXXX: dir=in",
		  "transform 'ESP_AES_HMAC_SHA2_256_XXXXXXXXXXXXXXXXXXXXXXXXXX...': transform name too long" },
		{ "esp0x100@192.0.2.1 ESP: src=192.0.2.2", "no dir=" },
		{ GOOD "=x", "'dir=in=x': dir is neither in nor out" },
		{ GOOD " dir=out", "'dir=out': given twice" },
		{ "esp0x100@192.0.2.1 ESP: dir=sideways",
		  "'dir=sideways': dir is neither in nor out" },
		/* numbers */
		{ GOOD " seq=", "'seq=': empty value" },
		{ GOOD " seq=12x", "'seq=12x': not a decimal number" },
		{ GOOD " seq=+1", "'seq=+1': not a decimal number" },
		{ GOOD " seq=18446744073709551616",
		  "'seq=18446744073709551616': number above 2^64-1" },
		{ GOOD " seq=-0",
		  "'seq=-0': not a decimal number or a negative 32-bit one" },
		{ GOOD " seq=-2147483649",
		  "'seq=-2147483649': not a decimal number or a negative 32-bit one" },
		{ GOOD " seq=-", "'seq=-': not a decimal number or a negative 32-bit one" },
		{ GOOD " idle=-1", "'idle=-1': not a decimal number" },
		{ GOOD " reftable=-1", "'reftable=-1': not a decimal number" },
		{ GOOD " natsport=65536", "'natsport=65536': port above 65535" },
		{ GOOD " natdport=-1", "'natdport=-1': not a decimal number" },
		{ GOOD " bit=ffff", "'bit=ffff': no 0x before the hex number" },
		{ GOOD " bit=0x", "'bit=0x': no hex digits" },
		{ GOOD " bit=0x10000000000000000", "'bit=0x10000000000000000': too many hex digits" },
		{ GOOD " bit=0xfffg", "'bit=0xfffg': not a hex number" },
		{ GOOD " flags=0x8<", "'flags=0x8<': flags with '<' but no closing '>'" },
		{ GOOD " flags=8<>", "'flags=8<>': no 0x before the hex number" },
		{ GOOD " iv_bits=64bytes", "'iv_bits=64bytes': not a decimal number" },
		{ GOOD " iv_bits=bits", "'iv_bits=bits': not a decimal number" },
		{ GOOD " iv=052c", "'iv=052c': iv without 0x" },
		{ GOOD " iv=0x05zz", "'iv=0x05zz': iv is not hex" },
		/* addresses */
		{ GOOD " src=192.0.2", "'src=192.0.2': not an IPv4 or IPv6 address" },
		{ GOOD " src=zz@192.0.2.1", "'src=zz@192.0.2.1': src is neither an address nor SPI@address" },
		{ GOOD " src=1@", "'src=1@': no address" },
		{ GOOD " policy=192.0.1.0/24", "'policy=192.0.1.0/24': policy without '->'" },
		{ GOOD " policy=192.0.1.0->192.0.2.0/24",
		  "'policy=192.0.1.0->192.0.2.0/24': policy side without '/'" },
		{ GOOD " policy=192.0.1.0/33->192.0.2.0/24",
		  "'policy=192.0.1.0/33->192.0.2.0/24': policy mask is neither a prefix length nor a mask" },
		{ GOOD " policy=192.0.1.0/->192.0.2.0/24",
		  "'policy=192.0.1.0/->192.0.2.0/24': policy mask is neither a prefix length nor a mask" },
		{ GOOD " policy=192.0.1.0/ffff::->192.0.2.0/24",
		  "'policy=192.0.1.0/ffff::->192.0.2.0/24': policy mask is neither a prefix length nor a mask" },
		{ GOOD " policy=::/129->::/0", "'policy=::/129->::/0': policy mask is neither a prefix length nor a mask" },
		{ GOOD " policy=192.0.1.0/24->2001:db8::/32",
		  "'policy=192.0.1.0/24->2001:db8::/32': policy mixes IPv4 and IPv6" },
		{ GOOD " policy=192.0.1.0/24->", "'policy=192.0.1.0/24->': policy side without '/'" },
		{ GOOD " policy=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/24->0.0.0.0/0",
		  "'policy=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...': policy side too long" },
		/* lifetimes */
		{ GOOD " life(c,s,h)=bytes(1,2)",
		  "'life(c,s,h)=bytes(1,2)': lifetime is not (current,soft,hard)" },
		{ GOOD " life(c,s,h)=bytes(1,2,3,4)",
		  "'life(c,s,h)=bytes(1,2,3,4)': lifetime value is not a decimal number below 2^64" },
		{ GOOD " life(c,s,h)=bytes(1,2,18446744073709551616)",
		  "'life(c,s,h)=bytes(1,2,18446744073709551616)': lifetime value is not a decimal number below 2^64" },
		{ GOOD " life(c,s,h)=bytes(1,,3)",
		  "'life(c,s,h)=bytes(1,,3)': lifetime value is not a decimal number below 2^64" },
		{ GOOD " life(c,s,h)=alloc(-1,0,0)",
		  "'life(c,s,h)=alloc(-1,0,0)': lifetime value is not a decimal number below 2^64" },
		{ GOOD " life(c,s,h)=bytes(1,2,3",
		  "'life(c,s,h)=bytes(1,2,3': lifetime is not name(current,soft,hard)" },
		{ GOOD " life(c,s,h)=bytes(1,2,3)x",
		  "'life(c,s,h)=bytes(1,2,3)x': lifetime is not name(current,soft,hard)" },
		{ GOOD " life(c,s,h)=bytes)1,2,3(",
		  "'life(c,s,h)=bytes)1,2,3(': lifetime is not name(current,soft,hard)" },
		{ GOOD " life(c,s,h)=(1,2,3)", "'life(c,s,h)=(1,2,3)': lifetime without a name" },
		{ GOOD " life(c,s,h)=by-tes(1,2,3)",
		  "'life(c,s,h)=by-tes(1,2,3)': lifetime name is not [A-Za-z0-9_]" },
		{ GOOD " life(c,s,h)=add(1,2,3)addtime(4,5,6)",
		  "'life(c,s,h)=add(1,2,3)addtime(4,5,6)': lifetime given twice" },
		{ GOOD " life(c,s,h)=add(1,2,3) use(1,2,3) usetime(1,2,3)",
		  "'usetime(1,2,3)': lifetime given twice" },
		{ GOOD " life(c,s,h)= life(c,s,h)=", "'life(c,s,h)=': given twice" },
		{ GOOD " use(1,2,3) life(c,s,h)=", "'use(1,2,3)': not key=value" },
		/* other fields */
		{ GOOD " =5", "'=5': not key=value" },
		{ GOOD " junk", "'junk': not key=value" },
		{ GOOD " ratio=12", "'ratio=12': ratio is not D:C" },
		{ GOOD " ratio=12:x", "'ratio=12:x': ratio is not two decimal numbers D:C" },
		{ GOOD " ratio=:1", "'ratio=:1': ratio is not two decimal numbers D:C" },
		{ GOOD " natencap=yes",
		  "'natencap=yes': natencap is not na, none, nonike, nonesp or unknown" },
		{ GOOD " outif=ipsec0", "'outif=ipsec0': outif is not INTERFACE:N" },
		{ GOOD " outif=:1", "'outif=:1': outif is not INTERFACE:N" },
		{ GOOD " outif=abcdefghijklmnop:1", "'outif=abcdefghijklmnop:1': outif is not INTERFACE:N" },
		{ GOOD " outif=ipsec0:x", "'outif=ipsec0:x': outif is not INTERFACE:N" },
		{ GOOD " outif=ip/sec:1", "'outif=ip/sec:1': outif is not INTERFACE:N" },
		{ GOOD " outif=\xc3\xa9:1", "'outif=\xc3\xa9:1': outif is not INTERFACE:N" },
		{ GOOD " seq=\xff", "'seq=?': not a decimal number" },
		/* bytes */
		{ GOOD " seq=1\r", "control byte 0x0d" },
		{ GOOD "\x01", "control byte 0x01" },
		{ GOOD "\x7f", "control byte 0x7f" },
		{ "", "empty line" },
		{ " \t ", "empty line" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_bad_at(__FILE__, __LINE__, i, cases[i].in, cases[i].msg, 0);
		check_bad_at(__FILE__, __LINE__, i, cases[i].in, cases[i].msg, 2);
	}
}

static void test_nul(void)
{
	static const char in[] = GOOD "\n" GOOD " seq=1\0\n";
	static const char last[] = GOOD "\0";
	struct klips_sa out[CAP];
	struct ikw_err err = { "" };
	size_t n = 99;

	CHECK_INT(parse(in, sizeof(in) - 1, out, CAP, &n, &err), -EBADMSG);
	CHECK_STR(err.msg, "line 2: NUL byte");
	CHECK_INT(n, 1);
	CHECK_INT(parse(last, sizeof(last) - 1, out, CAP, &n, &err), -EBADMSG);
	CHECK_STR(err.msg, "line 1: NUL byte");
	CHECK_INT(n, 0);
}

static void test_bounds(void)
{
	char *line = malloc(KLIPS_LINE_MAX + 64), iv[KLIPS_IV_MAX + 2];
	struct klips_sa out[CAP];
	struct ikw_err err = { "" };
	size_t len, n;

	if (!line)
		abort();
	/* a line of exactly KLIPS_LINE_MAX bytes (an unknown field pads it)
	 * passes, one byte more does not */
	len = (size_t)snprintf(line, KLIPS_LINE_MAX + 64, "%s pad=%0*d", GOOD,
			       (int)(KLIPS_LINE_MAX - strlen(GOOD) - 5), 0);
	CHECK_INT(len, KLIPS_LINE_MAX);
	CHECK_INT(parse(line, len, out, CAP, &n, &err), 0);
	CHECK_INT(n, 1);
	CHECK_STR(out[0].xform, "ESP_AES");
	line[len] = '0';
	line[len + 1] = '\n';
	CHECK_INT(parse(line, len + 2, out, CAP, &n, &err), -EBADMSG);
	CHECK_STR(err.msg, "line 1: longer than 4096 bytes");
	CHECK_INT(n, 0);

	/* the longest iv passes, one digit more does not */
	memset(iv, 'a', KLIPS_IV_MAX + 1);
	iv[KLIPS_IV_MAX] = '\0';
	len = (size_t)snprintf(line, KLIPS_LINE_MAX, "%s iv=0x%s", GOOD, iv);
	CHECK_INT(parse(line, len, out, CAP, &n, &err), 0);
	CHECK_STR(out[0].iv, iv);
	iv[KLIPS_IV_MAX] = 'a';
	iv[KLIPS_IV_MAX + 1] = '\0';
	len = (size_t)snprintf(line, KLIPS_LINE_MAX, "%s iv=0x%s", GOOD, iv);
	CHECK_INT(parse(line, len, out, CAP, &n, &err), -EBADMSG);
	CHECK_STR(err.msg, "line 1: 'iv=0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...': "
		  "iv longer than 128 hex digits");

	/* the longest transform name passes */
	len = (size_t)snprintf(line, KLIPS_LINE_MAX, "esp.1@192.0.2.1 %0*d: dir=in",
			       KLIPS_XFORM_MAX, 7);
	CHECK_INT(parse(line, len, out, CAP, &n, &err), 0);
	CHECK_INT(strlen(out[0].xform), KLIPS_XFORM_MAX);
	free(line);
}

static void test_cap(void)
{
	static const char three[] = GOOD "\n" GOOD "\n" GOOD "\n";
	struct klips_sa out[3];
	struct ikw_err err = { "" };
	size_t n = 99;

	CHECK_INT(parse(three, strlen(three), out, 3, &n, &err), 0);
	CHECK_INT(n, 3);
	CHECK_INT(parse(three, strlen(three), out, 2, &n, &err), -E2BIG);
	CHECK_STR(err.msg, "line 3: more than 2 SAs");
	CHECK_INT(n, 2);
	CHECK_INT(parse(three, strlen(three), out, 0, &n, &err), -E2BIG);
	CHECK_STR(err.msg, "line 1: more than 0 SAs");
	CHECK_INT(n, 0);
	/* an empty file has no SAs, whatever the cap */
	n = 99;
	CHECK_INT(klips_parse(NULL, 0, NULL, 0, &n, &err), 0);
	CHECK_INT(n, 0);
	CHECK_INT(parse("", 0, out, 3, &n, &err), 0);
	CHECK_INT(n, 0);
	CHECK_INT(klips_parse(NULL, 1, out, 3, &n, &err), -EINVAL);
	CHECK_INT(klips_parse(three, 3, NULL, 3, &n, &err), -EINVAL);
	CHECK_INT(klips_parse(three, 3, out, 3, NULL, NULL), -EINVAL);
}

int main(void)
{
	RUN(test_manpage);
	RUN(test_openswan);
	RUN(test_ah);
	RUN(test_comp);
	RUN(test_tun);
	RUN(test_ipv6);
	RUN(test_forms);
	RUN(test_names);
	RUN(test_malformed);
	RUN(test_nul);
	RUN(test_bounds);
	RUN(test_cap);
	return testlib_done();
}
