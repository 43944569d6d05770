#include "parse/klips_parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "common/num.h"
#include "common/text.h"

#define KP_QUOTE_MAX 48  /* bytes of a bad token repeated in a message */

const char *const klips_proto_names[KLIPS_PROTO_COUNT] = {
	[KLIPS_AH] = "ah", [KLIPS_ESP] = "esp", [KLIPS_COMP] = "comp",
	[KLIPS_TUN] = "tun",
};
const char *const klips_dir_names[KLIPS_DIR_COUNT] = {
	[KLIPS_DIR_IN] = "in", [KLIPS_DIR_OUT] = "out",
};
const char *const klips_nat_names[KLIPS_NAT_COUNT] = {
	[KLIPS_NAT_NA] = "na", [KLIPS_NAT_NONE] = "none",
	[KLIPS_NAT_NONIKE] = "nonike", [KLIPS_NAT_NONESP] = "nonesp",
	[KLIPS_NAT_UNKNOWN] = "unknown",
};

/* A piece of the input: never NUL-terminated. */
struct kp_str {
	const char *p;
	size_t len;
};

/* ---- pieces of text ---- */

static struct kp_str kp_skip(struct kp_str s, size_t n)
{
	return (struct kp_str){ s.p + n, s.len - n };
}

static struct kp_str kp_head(struct kp_str s, size_t n)
{
	return (struct kp_str){ s.p, n };
}

static bool kp_eq(struct kp_str s, const char *lit)
{
	return s.len == strlen(lit) && !memcmp(s.p, lit, s.len);
}

static bool kp_prefix(struct kp_str s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len >= n && !memcmp(s.p, lit, n);
}

/* Index of the first c in s, or SIZE_MAX. */
static size_t kp_chr(struct kp_str s, char c)
{
	const char *q = memchr(s.p, c, s.len);

	return q ? (size_t)(q - s.p) : SIZE_MAX;
}

static int kp_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool kp_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* ---- numbers ---- */

/* A plain decimal: %Lu, %lu. */
static const char *kp_u64(struct kp_str s, uint64_t *out)
{
	int r = num_parse_u64(s.p, s.len, UINT64_MAX, out);

	if (r == -ERANGE)
		return "number above 2^64-1";
	return r ? "not a decimal number" : NULL;
}

/* %d of a 32-bit kernel field: past 2^31 it prints negative, and the
 * unsigned value it stands for is what counts (ref=-1 is 4294967295). */
static const char *kp_d32(struct kp_str s, uint64_t *out)
{
	uint64_t v;

	if (s.len == 0 || s.p[0] != '-')
		return kp_u64(s, out);
	if (num_parse_u64(s.p + 1, s.len - 1, (uint64_t)1 << 31, &v) || v == 0)
		return "not a decimal number or a negative 32-bit one";
	*out = ((uint64_t)1 << 32) - v;
	return NULL;
}

/* 1 to max hex digits. */
static const char *kp_hexdigits(struct kp_str s, size_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (s.len == 0 || s.len > max)
		return s.len ? "too many hex digits" : "no hex digits";
	for (i = 0; i < s.len; i++) {
		int d = kp_hexval(s.p[i]);

		if (d < 0)
			return "not a hex number";
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return NULL;
}

/* 0x and 1 to 16 hex digits: %Lx, or %x%08x on 2.2 kernels. */
static const char *kp_hex(struct kp_str s, uint64_t *out)
{
	if (!kp_prefix(s, "0x"))
		return "no 0x before the hex number";
	return kp_hexdigits(kp_skip(s, 2), 16, out);
}

static const char *kp_port(struct kp_str s, uint64_t *out)
{
	const char *why = kp_u64(s, out);

	if (!why && *out > 65535)
		return "port above 65535";
	return why;
}

/* ---- addresses ---- */

/* An IPv4 or IPv6 address, as inet_pton reads it. */
static const char *kp_addr(struct kp_str s, char out[KLIPS_ADDR_MAX + 1],
			   int *family)
{
	unsigned char bin[16];
	char tmp[KLIPS_ADDR_MAX + 1];

	if (s.len == 0)
		return "no address";
	if (s.len > KLIPS_ADDR_MAX)
		return "address too long";
	memcpy(tmp, s.p, s.len);
	tmp[s.len] = '\0';
	if (inet_pton(AF_INET, tmp, bin) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, tmp, bin) == 1)
		*family = AF_INET6;
	else
		return "not an IPv4 or IPv6 address";
	memcpy(out, tmp, s.len + 1);
	return NULL;
}

/* "addr/bits", or "addr/mask" where subnettoa() prints a non-contiguous
 * mask in full. */
static const char *kp_net(struct kp_str s, char out[KLIPS_NET_MAX + 1],
			  int *family)
{
	char addr[KLIPS_ADDR_MAX + 1];
	size_t slash = kp_chr(s, '/');
	struct kp_str mask;
	uint64_t bits;
	int mfam;
	const char *why;

	if (slash == SIZE_MAX)
		return "policy side without '/'";
	if (s.len > KLIPS_NET_MAX)
		return "policy side too long";
	why = kp_addr(kp_head(s, slash), addr, family);
	if (why)
		return why;
	mask = kp_skip(s, slash + 1);
	if (num_parse_u64(mask.p, mask.len, *family == AF_INET ? 32 : 128, &bits) &&
	    (kp_addr(mask, addr, &mfam) || mfam != *family))
		return "policy mask is neither a prefix length nor a mask";
	memcpy(out, s.p, s.len);
	out[s.len] = '\0';
	return NULL;
}

/* ---- the SAID and the transform ---- */

/* The SPI and its '@'; the separator said which family, if any. */
static const char *kp_said_rest(struct kp_str s, int want, struct klips_sa *sa)
{
	size_t at = kp_chr(s, '@');
	uint64_t spi;
	int fam;
	const char *why;

	if (at == SIZE_MAX)
		return "no '@' before the address";
	if (kp_hexdigits(kp_head(s, at), 8, &spi))
		return "SPI is not 1 to 8 hex digits";
	why = kp_addr(kp_skip(s, at + 1), sa->dst, &fam);
	if (why)
		return why;
	if (want && fam != want)
		return want == AF_INET ? "'.' (IPv4) with an IPv6 address" :
					 "':' (IPv6) with an IPv4 address";
	sa->spi = (uint32_t)spi;
	sa->ipv6 = fam == AF_INET6;
	return NULL;
}

/* proto.spi@addr (IPv4), proto:spi@addr (IPv6), proto0xspi@addr. */
static const char *kp_said(struct kp_str s, struct klips_sa *sa)
{
	size_t i;

	for (i = 0; i < KLIPS_PROTO_COUNT; i++)
		if (kp_prefix(s, klips_proto_names[i]))
			break;
	if (i == KLIPS_PROTO_COUNT)
		return "protocol is not ah, esp, comp or tun";
	sa->proto = (enum klips_proto)i;
	s = kp_skip(s, strlen(klips_proto_names[i]));
	if (kp_prefix(s, "."))
		return kp_said_rest(kp_skip(s, 1), AF_INET, sa);
	if (kp_prefix(s, ":"))
		return kp_said_rest(kp_skip(s, 1), AF_INET6, sa);
	if (kp_prefix(s, "0x"))
		return kp_said_rest(kp_skip(s, 2), 0, sa);
	return "no '.', ':' or 0x before the SPI";
}

static bool kp_word_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static const char *kp_xform(struct kp_str s, struct klips_sa *sa)
{
	size_t i;

	if (s.len < 2 || s.p[s.len - 1] != ':')
		return "no transform name (NAME:) after the SAID";
	s.len--;
	if (s.len > KLIPS_XFORM_MAX)
		return "transform name too long";
	for (i = 0; i < s.len; i++)
		if (!kp_word_char(s.p[i]))
			return "transform name is not [A-Za-z0-9_]";
	memcpy(sa->xform, s.p, s.len);
	sa->xform[s.len] = '\0';
	return NULL;
}

/* ---- lifetimes: life(c,s,h)=alloc(c,s,h)bytes(c,s,h)... ---- */

static const struct {
	const char *name;
	enum klips_field f;
	size_t off;
} kp_lives[] = {
	{ "alloc", KLIPS_F_ALLOC, offsetof(struct klips_sa, alloc) },
	{ "bytes", KLIPS_F_BYTES, offsetof(struct klips_sa, bytes) },
	{ "addtime", KLIPS_F_ADDTIME, offsetof(struct klips_sa, addtime) },
	{ "add", KLIPS_F_ADDTIME, offsetof(struct klips_sa, addtime) },
	{ "usetime", KLIPS_F_USETIME, offsetof(struct klips_sa, usetime) },
	{ "use", KLIPS_F_USETIME, offsetof(struct klips_sa, usetime) },
	{ "packets", KLIPS_F_PACKETS, offsetof(struct klips_sa, packets) },
};

/* "c,s,h" */
static const char *kp_triple(struct kp_str s, struct klips_life *t)
{
	uint64_t *v[3] = { &t->cur, &t->soft, &t->hard };
	size_t i, comma;

	for (i = 0; i < 3; i++) {
		comma = i < 2 ? kp_chr(s, ',') : s.len;
		if (comma == SIZE_MAX)
			return "lifetime is not (current,soft,hard)";
		if (kp_u64(kp_head(s, comma), v[i]))
			return "lifetime value is not a decimal number below 2^64";
		if (i < 2)
			s = kp_skip(s, comma + 1);
	}
	return NULL;
}

/* Stores one named triple; unknown names are skipped like unknown keys. */
static const char *kp_life_store(struct kp_str name, const struct klips_life *t,
				 struct klips_sa *sa)
{
	size_t i;

	if (name.len == 0)
		return "lifetime without a name";
	for (i = 0; i < name.len; i++)
		if (!kp_word_char(name.p[i]))
			return "lifetime name is not [A-Za-z0-9_]";
	for (i = 0; i < sizeof(kp_lives) / sizeof(kp_lives[0]); i++) {
		if (!kp_eq(name, kp_lives[i].name))
			continue;
		if (KLIPS_SEEN(sa, kp_lives[i].f))
			return "lifetime given twice";
		sa->seen |= (uint64_t)1 << kp_lives[i].f;
		memcpy((char *)sa + kp_lives[i].off, t, sizeof(*t));
		break;
	}
	return NULL;
}

/* Any number of name(c,s,h), run together as the kernel prints them. */
static const char *kp_life(struct kp_str s, struct klips_sa *sa)
{
	while (s.len) {
		size_t open = kp_chr(s, '('), close = kp_chr(s, ')');
		struct klips_life t;
		const char *why;

		if (open == SIZE_MAX || close == SIZE_MAX || close < open)
			return "lifetime is not name(current,soft,hard)";
		why = kp_triple(kp_head(kp_skip(s, open + 1), close - open - 1), &t);
		if (!why)
			why = kp_life_store(kp_head(s, open), &t, sa);
		if (why)
			return why;
		s = kp_skip(s, close + 1);
	}
	return NULL;
}

/* ---- the other fields ---- */

static const char *kp_dir(struct kp_str v, struct klips_sa *sa)
{
	size_t i;

	for (i = 0; i < KLIPS_DIR_COUNT; i++) {
		if (kp_eq(v, klips_dir_names[i])) {
			sa->dir = (enum klips_dir)i;
			return NULL;
		}
	}
	return "dir is neither in nor out";
}

/* An address; the man page's IPv6 example writes it SPI@addr, as in a
 * SAID, and the address is what is kept. */
static const char *kp_src(struct kp_str v, struct klips_sa *sa)
{
	size_t at = kp_chr(v, '@');
	uint64_t spi;
	int fam;

	if (at != SIZE_MAX) {
		if (kp_hexdigits(kp_head(v, at), 8, &spi))
			return "src is neither an address nor SPI@address";
		v = kp_skip(v, at + 1);
	}
	return kp_addr(v, sa->src, &fam);
}

/* inner source -> inner destination */
static const char *kp_policy(struct kp_str v, struct klips_sa *sa)
{
	const char *arrow = memmem(v.p, v.len, "->", 2);
	size_t a;
	int fs, fd;
	const char *why;

	if (!arrow)
		return "policy without '->'";
	a = (size_t)(arrow - v.p);
	why = kp_net(kp_head(v, a), sa->policy_src, &fs);
	if (!why)
		why = kp_net(kp_skip(v, a + 2), sa->policy_dst, &fd);
	if (!why && fs != fd)
		why = "policy mixes IPv4 and IPv6";
	return why;
}

/* "%dbits" */
static const char *kp_iv_bits(struct kp_str v, struct klips_sa *sa)
{
	if (v.len > 4 && !memcmp(v.p + v.len - 4, "bits", 4))
		v.len -= 4;
	return kp_d32(v, &sa->iv_bits);
}

static const char *kp_iv(struct kp_str v, struct klips_sa *sa)
{
	size_t i;

	if (!kp_prefix(v, "0x"))
		return "iv without 0x";
	v = kp_skip(v, 2);
	if (v.len > KLIPS_IV_MAX)
		return "iv longer than 128 hex digits";
	for (i = 0; i < v.len; i++)
		if (kp_hexval(v.p[i]) < 0)
			return "iv is not hex";
	memcpy(sa->iv, v.p, v.len);
	sa->iv[v.len] = '\0';
	return NULL;
}

/* "0x%x<names>": the names between <> are not printed by any version and
 * say nothing the number does not. */
static const char *kp_flags(struct kp_str v, struct klips_sa *sa)
{
	size_t lt = kp_chr(v, '<');

	if (lt != SIZE_MAX) {
		if (v.p[v.len - 1] != '>')
			return "flags with '<' but no closing '>'";
		v.len = lt;
	}
	return kp_hex(v, &sa->flags);
}

/* decompressed:compressed bytes */
static const char *kp_ratio(struct kp_str v, struct klips_sa *sa)
{
	size_t colon = kp_chr(v, ':');

	if (colon == SIZE_MAX)
		return "ratio is not D:C";
	if (kp_u64(kp_head(v, colon), &sa->ratio_dbytes) ||
	    kp_u64(kp_skip(v, colon + 1), &sa->ratio_cbytes))
		return "ratio is not two decimal numbers D:C";
	return NULL;
}

static const char *kp_nat(struct kp_str v, struct klips_sa *sa)
{
	size_t i;

	for (i = 0; i < KLIPS_NAT_COUNT; i++) {
		if (kp_eq(v, klips_nat_names[i])) {
			sa->natencap = (enum klips_nat)i;
			return NULL;
		}
	}
	return "natencap is not na, none, nonike, nonesp or unknown";
}

/* An interface name as Linux allows it (no '/', ':' or blank). */
static bool kp_ifname(struct kp_str s)
{
	size_t i;

	if (s.len == 0 || s.len > KLIPS_IFNAME_MAX)
		return false;
	for (i = 0; i < s.len; i++)
		if (s.p[i] <= ' ' || s.p[i] > '~' || s.p[i] == '/' || s.p[i] == ':')
			return false;
	return true;
}

/* "%s:%d": interface and transport_direct */
static const char *kp_outif(struct kp_str v, struct klips_sa *sa)
{
	size_t colon = kp_chr(v, ':');

	if (colon == SIZE_MAX || !kp_ifname(kp_head(v, colon)))
		return "outif is not INTERFACE:N";
	if (kp_d32(kp_skip(v, colon + 1), &sa->outif_direct))
		return "outif is not INTERFACE:N";
	memcpy(sa->outif, v.p, colon);
	sa->outif[colon] = '\0';
	return NULL;
}

/* ---- key=value ---- */

enum kp_kind {
	KP_D32, KP_U64, KP_PORT, KP_HEX,
	KP_DIR, KP_SRC, KP_POLICY, KP_IV_BITS, KP_IV, KP_FLAGS, KP_LIFE,
	KP_RATIO, KP_NAT, KP_OUTIF,
};

static const struct kp_key {
	const char *key;
	enum klips_field f;
	enum kp_kind kind;
	size_t off;     /* of the uint64_t, for KP_D32 .. KP_HEX */
} kp_keys[] = {
#define KP_NUM(k, f, kind, m) { k, f, kind, offsetof(struct klips_sa, m) }
#define KP_FN(k, f, kind)     { k, f, kind, 0 }
	KP_FN("dir", KLIPS_F_DIR, KP_DIR),
	KP_FN("src", KLIPS_F_SRC, KP_SRC),
	KP_FN("policy", KLIPS_F_POLICY, KP_POLICY),
	KP_FN("iv_bits", KLIPS_F_IV_BITS, KP_IV_BITS),
	KP_FN("iv", KLIPS_F_IV, KP_IV),
	KP_NUM("ooowin", KLIPS_F_OOOWIN, KP_D32, ooowin),
	KP_NUM("ooo_errs", KLIPS_F_OOO_ERRS, KP_D32, ooo_errs),
	KP_NUM("seq", KLIPS_F_SEQ, KP_D32, seq),
	KP_NUM("bit", KLIPS_F_BIT, KP_HEX, bit),
	KP_NUM("max_seq_diff", KLIPS_F_MAX_SEQ_DIFF, KP_D32, max_seq_diff),
	KP_FN("flags", KLIPS_F_FLAGS, KP_FLAGS),
	KP_NUM("alen", KLIPS_F_ALEN, KP_D32, alen),
	KP_NUM("aklen", KLIPS_F_AKLEN, KP_D32, aklen),
	KP_NUM("auth_errs", KLIPS_F_AUTH_ERRS, KP_D32, auth_errs),
	KP_NUM("eklen", KLIPS_F_EKLEN, KP_D32, eklen),
	KP_NUM("encr_size_errs", KLIPS_F_ENCR_SIZE_ERRS, KP_D32, encr_size_errs),
	KP_NUM("encr_pad_errs", KLIPS_F_ENCR_PAD_ERRS, KP_D32, encr_pad_errs),
	KP_NUM("cryptoid", KLIPS_F_CRYPTOID, KP_D32, cryptoid),
	KP_FN("life(c,s,h)", KLIPS_F_LIFE, KP_LIFE),
	KP_NUM("idle", KLIPS_F_IDLE, KP_U64, idle),
	KP_FN("ratio", KLIPS_F_RATIO, KP_RATIO),
	KP_FN("natencap", KLIPS_F_NATENCAP, KP_NAT),
	KP_NUM("natsport", KLIPS_F_NATSPORT, KP_PORT, natsport),
	KP_NUM("natdport", KLIPS_F_NATDPORT, KP_PORT, natdport),
	KP_NUM("refcount", KLIPS_F_REFCOUNT, KP_D32, refcount),
	KP_NUM("ref", KLIPS_F_REF, KP_D32, ref),
	KP_NUM("refhim", KLIPS_F_REFHIM, KP_D32, refhim),
	KP_FN("outif", KLIPS_F_OUTIF, KP_OUTIF),
	KP_NUM("reftable", KLIPS_F_REFTABLE, KP_U64, reftable),
	KP_NUM("refentry", KLIPS_F_REFENTRY, KP_U64, refentry),
#undef KP_NUM
#undef KP_FN
};

static const char *kp_value(const struct kp_key *k, struct kp_str v,
			    struct klips_sa *sa)
{
	uint64_t *num = (uint64_t *)(void *)((char *)sa + k->off);

	switch (k->kind) {
	case KP_D32:    return kp_d32(v, num);
	case KP_U64:    return kp_u64(v, num);
	case KP_PORT:   return kp_port(v, num);
	case KP_HEX:    return kp_hex(v, num);
	case KP_DIR:    return kp_dir(v, sa);
	case KP_SRC:    return kp_src(v, sa);
	case KP_POLICY: return kp_policy(v, sa);
	case KP_IV_BITS: return kp_iv_bits(v, sa);
	case KP_IV:     return kp_iv(v, sa);
	case KP_FLAGS:  return kp_flags(v, sa);
	case KP_LIFE:   return kp_life(v, sa);
	case KP_RATIO:  return kp_ratio(v, sa);
	case KP_NAT:    return kp_nat(v, sa);
	case KP_OUTIF:  return kp_outif(v, sa);
	}
	return "unknown field kind";
}

/* One token after the transform: key=value, or more lifetimes when a
 * display wrapped life(c,s,h)= (the man page's examples do). */
static const char *kp_token(struct kp_str t, struct klips_sa *sa)
{
	size_t eq = kp_chr(t, '='), i;
	struct kp_str key, v;

	if (eq == SIZE_MAX || eq == 0) {
		if (eq == SIZE_MAX && KLIPS_SEEN(sa, KLIPS_F_LIFE))
			return kp_life(t, sa);
		return "not key=value";
	}
	key = kp_head(t, eq);
	v = kp_skip(t, eq + 1);
	for (i = 0; i < sizeof(kp_keys) / sizeof(kp_keys[0]); i++) {
		if (!kp_eq(key, kp_keys[i].key))
			continue;
		if (KLIPS_SEEN(sa, kp_keys[i].f))
			return "given twice";
		if (v.len == 0 && kp_keys[i].kind != KP_LIFE)
			return "empty value";
		sa->seen |= (uint64_t)1 << kp_keys[i].f;
		return kp_value(&kp_keys[i], v, sa);
	}
	return NULL;  /* a field this parser does not know: skipped */
}

/* ---- lines ---- */

static int kp_fail(struct ikw_err *err, size_t line, size_t ntok,
		   struct kp_str t, const char *why)
{
	static const char *const what[] = { "SAID ", "transform ", "" };
	char q[KP_QUOTE_MAX + 4];
	size_t n = t.len > KP_QUOTE_MAX ? KP_QUOTE_MAX : t.len;

	text_sanitize(q, t.p, n);
	if (n < t.len)
		strcat(q, "...");
	return err_set(err, -EBADMSG, "line %zu: %s'%s': %s", line,
		       what[ntok < 2 ? ntok : 2], q, why);
}

/* The whole line is checked first, so that no field sees a NUL or a
 * control byte. */
static int kp_check_bytes(struct kp_str l, size_t line, struct ikw_err *err)
{
	size_t i;

	if (l.len > KLIPS_LINE_MAX)
		return err_set(err, -EBADMSG, "line %zu: longer than %d bytes",
			       line, KLIPS_LINE_MAX);
	for (i = 0; i < l.len; i++) {
		unsigned char c = (unsigned char)l.p[i];

		if (c == 0)
			return err_set(err, -EBADMSG, "line %zu: NUL byte", line);
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return err_set(err, -EBADMSG, "line %zu: control byte 0x%02x",
				       line, c);
	}
	return 0;
}

/* The next blank-separated token from *pos; false at the end. */
static bool kp_next_token(struct kp_str l, size_t *pos, struct kp_str *t)
{
	size_t i = *pos, start;

	while (i < l.len && kp_blank(l.p[i]))
		i++;
	if (i == l.len)
		return false;
	start = i;
	while (i < l.len && !kp_blank(l.p[i]))
		i++;
	*t = (struct kp_str){ l.p + start, i - start };
	*pos = i;
	return true;
}

static int kp_line(struct kp_str l, size_t line, struct klips_sa *sa,
		   struct ikw_err *err)
{
	size_t pos = 0, ntok = 0;
	struct kp_str t;
	int r = kp_check_bytes(l, line, err);

	if (r)
		return r;
	memset(sa, 0, sizeof(*sa));
	for (; kp_next_token(l, &pos, &t); ntok++) {
		const char *why = ntok == 0 ? kp_said(t, sa) :
				  ntok == 1 ? kp_xform(t, sa) : kp_token(t, sa);

		if (why)
			return kp_fail(err, line, ntok, t, why);
	}
	if (ntok == 0)
		return err_set(err, -EBADMSG, "line %zu: empty line", line);
	if (ntok == 1)
		return err_set(err, -EBADMSG, "line %zu: no transform after the SAID", line);
	if (!KLIPS_SEEN(sa, KLIPS_F_DIR))
		return err_set(err, -EBADMSG, "line %zu: no dir=", line);
	return 0;
}

int klips_parse(const char *buf, size_t len, struct klips_sa *out, size_t cap,
		size_t *n, struct ikw_err *err)
{
	size_t pos = 0, line = 0;
	int r;

	if (!n || (!buf && len) || (!out && cap))
		return err_set(err, -EINVAL, "ipsec_spi: no input");
	*n = 0;
	while (pos < len) {
		struct kp_str l = { buf + pos, len - pos };
		size_t nl = kp_chr(l, '\n');

		if (nl != SIZE_MAX)
			l.len = nl;
		pos += l.len + (nl != SIZE_MAX);
		line++;
		if (*n == cap)
			return err_set(err, -E2BIG, "line %zu: more than %zu SAs",
				       line, cap);
		r = kp_line(l, line, &out[*n], err);
		if (r)
			return r;
		(*n)++;
	}
	return 0;
}
