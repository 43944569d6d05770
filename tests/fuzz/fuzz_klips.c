/* libFuzzer target: untrusted bytes as KLIPS /proc/net/ipsec_spi, checking
 * what the exporter relies on: at most cap SAs; enums inside their tables;
 * every string NUL-terminated within its array, printable and of its own
 * syntax (addresses that inet_pton reads, hex, [A-Za-z0-9_] transforms);
 * ports below 65536; an error is -EBADMSG or -E2BIG with a one-line
 * printable "line N: ..." message.  Every SA parsed is written back in the
 * kernel's format and must parse to the very same struct.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c17 -D_GNU_SOURCE \
 *     -Isrc -DIKW_VERSION='"fuzz"' -DIKW_REVISION='"fuzz"' \
 *     tests/fuzz/fuzz_klips.c $(find src -name '*.c' ! -name main.c) $(pkg-config --cflags --libs \
 *     libmicrohttpd yaml-0.1 zlib libsystemd gnutls) -lcrypt -lpthread -o build/fuzz_klips
 *   build/fuzz_klips -max_total_time=90 tests/fuzz/corpus/klips
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "parse/klips_parse.h"
#include "common/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CAP 32

/* NUL-terminated inside its array of cap bytes, and printable UTF-8. */
static void fuzz_check_text(const char *s, size_t cap)
{
	char again[512];
	size_t len = strnlen(s, cap);

	if (len == cap || len >= sizeof(again))
		abort();
	text_sanitize(again, s, len);
	if (strcmp(again, s))
		abort();
}
#define CHECK_TEXT(s) fuzz_check_text(s, sizeof(s))

static void fuzz_check_charset(const char *s, const char *set)
{
	if (strspn(s, set) != strlen(s))
		abort();
}

#define HEX "0123456789abcdefABCDEF"
#define WORD "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"

static int fuzz_family(const char *addr)
{
	unsigned char bin[16];

	if (inet_pton(AF_INET, addr, bin) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, addr, bin) == 1)
		return AF_INET6;
	abort();
}

/* "addr/bits" or "addr/mask", one family */
static void fuzz_check_net(const char *net)
{
	char addr[KLIPS_NET_MAX + 1];
	const char *slash = strchr(net, '/');

	if (!slash || (size_t)(slash - net) > KLIPS_ADDR_MAX)
		abort();
	memcpy(addr, net, (size_t)(slash - net));
	addr[slash - net] = '\0';
	fuzz_family(addr);
}

static void fuzz_check_sa(const struct klips_sa *sa)
{
	CHECK_TEXT(sa->dst);
	CHECK_TEXT(sa->xform);
	CHECK_TEXT(sa->src);
	CHECK_TEXT(sa->policy_src);
	CHECK_TEXT(sa->policy_dst);
	CHECK_TEXT(sa->iv);
	CHECK_TEXT(sa->outif);
	if ((unsigned)sa->proto >= KLIPS_PROTO_COUNT ||
	    (unsigned)sa->dir >= KLIPS_DIR_COUNT ||
	    (unsigned)sa->natencap >= KLIPS_NAT_COUNT)
		abort();
	if (sa->seen >> KLIPS_F_COUNT || !KLIPS_SEEN(sa, KLIPS_F_DIR))
		abort();
	if (sa->ipv6 != (fuzz_family(sa->dst) == AF_INET6))
		abort();
	if (!sa->xform[0])
		abort();
	fuzz_check_charset(sa->xform, WORD);
	fuzz_check_charset(sa->iv, HEX);
	if (sa->src[0])
		fuzz_family(sa->src);
	if (KLIPS_SEEN(sa, KLIPS_F_POLICY)) {
		fuzz_check_net(sa->policy_src);
		fuzz_check_net(sa->policy_dst);
	} else if (sa->policy_src[0] || sa->policy_dst[0]) {
		abort();
	}
	if (sa->natsport > 65535 || sa->natdport > 65535)
		abort();
	if (KLIPS_SEEN(sa, KLIPS_F_OUTIF) &&
	    (!sa->outif[0] || strpbrk(sa->outif, " /:")))
		abort();
}

/* Appends to a line of the canonical format. */
static void fuzz_add(char *buf, size_t cap, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fuzz_add(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *len)
		abort();
	*len += (size_t)n;
}

static void fuzz_add_num(char *buf, size_t cap, size_t *len,
			 const struct klips_sa *sa, enum klips_field f,
			 const char *key, uint64_t v)
{
	if (KLIPS_SEEN(sa, f))
		fuzz_add(buf, cap, len, " %s=%llu", key, (unsigned long long)v);
}

static void fuzz_add_life(char *buf, size_t cap, size_t *len,
			  const struct klips_sa *sa)
{
	static const struct {
		const char *name;
		enum klips_field f;
		size_t off;
	} lives[] = {
		{ "alloc", KLIPS_F_ALLOC, offsetof(struct klips_sa, alloc) },
		{ "bytes", KLIPS_F_BYTES, offsetof(struct klips_sa, bytes) },
		{ "addtime", KLIPS_F_ADDTIME, offsetof(struct klips_sa, addtime) },
		{ "usetime", KLIPS_F_USETIME, offsetof(struct klips_sa, usetime) },
		{ "packets", KLIPS_F_PACKETS, offsetof(struct klips_sa, packets) },
	};
	size_t i;

	if (!KLIPS_SEEN(sa, KLIPS_F_LIFE))
		return;
	fuzz_add(buf, cap, len, " life(c,s,h)=");
	for (i = 0; i < sizeof(lives) / sizeof(lives[0]); i++) {
		struct klips_life t;

		if (!KLIPS_SEEN(sa, lives[i].f))
			continue;
		memcpy(&t, (const char *)sa + lives[i].off, sizeof(t));
		fuzz_add(buf, cap, len, "%s(%llu,%llu,%llu)", lives[i].name,
			 (unsigned long long)t.cur, (unsigned long long)t.soft,
			 (unsigned long long)t.hard);
	}
}

/* Writes sa as proc_spi_show() would (0x SAID form, every field seen). */
static size_t fuzz_format(const struct klips_sa *sa, char *buf, size_t cap)
{
	size_t len = 0;

	fuzz_add(buf, cap, &len, "%s0x%x@%s %s: dir=%s",
		 klips_proto_names[sa->proto], (unsigned)sa->spi, sa->dst,
		 sa->xform, klips_dir_names[sa->dir]);
	if (KLIPS_SEEN(sa, KLIPS_F_SRC))
		fuzz_add(buf, cap, &len, " src=%s", sa->src);
	if (KLIPS_SEEN(sa, KLIPS_F_POLICY))
		fuzz_add(buf, cap, &len, " policy=%s->%s", sa->policy_src,
			 sa->policy_dst);
	if (KLIPS_SEEN(sa, KLIPS_F_IV_BITS))
		fuzz_add(buf, cap, &len, " iv_bits=%llubits",
			 (unsigned long long)sa->iv_bits);
	if (KLIPS_SEEN(sa, KLIPS_F_IV))
		fuzz_add(buf, cap, &len, " iv=0x%s", sa->iv);
	fuzz_add_num(buf, cap, &len, sa, KLIPS_F_OOOWIN, "ooowin", sa->ooowin);
	fuzz_add_num(buf, cap, &len, sa, KLIPS_F_OOO_ERRS, "ooo_errs", sa->ooo_errs);
	fuzz_add_num(buf, cap, &len, sa, KLIPS_F_SEQ, "seq", sa->seq);
	if (KLIPS_SEEN(sa, KLIPS_F_BIT))
		fuzz_add(buf, cap, &len, " bit=0x%llx", (unsigned long long)sa->bit);
	fuzz_add_num(buf, cap, &len, sa, KLIPS_F_MAX_SEQ_DIFF, "max_seq_diff",
		     sa->max_seq_diff);
	if (KLIPS_SEEN(sa, KLIPS_F_FLAGS))
		fuzz_add(buf, cap, &len, " flags=0x%llx<>", (unsigned long long)sa->flags);
	fuzz_add_num(buf, cap, &len, sa, KLIPS_F_ALEN, "alen", sa->alen);
	fuzz_add_num(buf, cap, &len, sa, KLIPS_F_AKLEN, "aklen", sa->aklen);
	fuzz_add_num(buf, cap, &len, sa, KLIPS_F_AUTH_ERRS, "auth_errs", sa->auth_errs);
	fuzz_add_num(buf, cap, &len, sa, KLIPS_F_EKLEN, "eklen", sa->eklen);
	fuzz_add_num(buf, cap, &len, sa, KLIPS_F_ENCR_SIZE_ERRS, "encr_size_errs",
		     sa->encr_size_errs);
	fuzz_add_num(buf, cap, &len, sa, KLIPS_F_ENCR_PAD_ERRS, "encr_pad_errs",
		     sa->encr_pad_errs);
	fuzz_add_num(buf, cap, &len, sa, KLIPS_F_CRYPTOID, "cryptoid", sa->cryptoid);
	fuzz_add_life(buf, cap, &len, sa);
	fuzz_add_num(buf, cap, &len, sa, KLIPS_F_IDLE, "idle", sa->idle);
	if (KLIPS_SEEN(sa, KLIPS_F_RATIO))
		fuzz_add(buf, cap, &len, " ratio=%llu:%llu",
			 (unsigned long long)sa->ratio_dbytes,
			 (unsigned long long)sa->ratio_cbytes);
	if (KLIPS_SEEN(sa, KLIPS_F_NATENCAP))
		fuzz_add(buf, cap, &len, " natencap=%s", klips_nat_names[sa->natencap]);
	fuzz_add_num(buf, cap, &len, sa, KLIPS_F_NATSPORT, "natsport", sa->natsport);
	fuzz_add_num(buf, cap, &len, sa, KLIPS_F_NATDPORT, "natdport", sa->natdport);
	fuzz_add_num(buf, cap, &len, sa, KLIPS_F_REFCOUNT, "refcount", sa->refcount);
	fuzz_add_num(buf, cap, &len, sa, KLIPS_F_REF, "ref", sa->ref);
	fuzz_add_num(buf, cap, &len, sa, KLIPS_F_REFHIM, "refhim", sa->refhim);
	if (KLIPS_SEEN(sa, KLIPS_F_OUTIF))
		fuzz_add(buf, cap, &len, " outif=%s:%llu", sa->outif,
			 (unsigned long long)sa->outif_direct);
	fuzz_add_num(buf, cap, &len, sa, KLIPS_F_REFTABLE, "reftable", sa->reftable);
	fuzz_add_num(buf, cap, &len, sa, KLIPS_F_REFENTRY, "refentry", sa->refentry);
	fuzz_add(buf, cap, &len, "\n");
	return len;
}

/* The canonical form of every known field fits a line, and parses back to
 * the same bytes (the parser zeroes each SA before filling it). */
static void fuzz_round_trip(const struct klips_sa *sa)
{
	static char line[KLIPS_LINE_MAX + 1];
	struct klips_sa again;
	size_t len = fuzz_format(sa, line, sizeof(line)), n;

	if (klips_parse(line, len, &again, 1, &n, NULL) || n != 1)
		abort();
	if (memcmp(&again, sa, sizeof(again)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct klips_sa sas[FUZZ_CAP];
	struct ikw_err err = { "" };
	size_t n = SIZE_MAX, i;
	int r;

	r = klips_parse((const char *)data, size, sas, FUZZ_CAP, &n, &err);
	if (n > FUZZ_CAP)
		abort();
	if (r) {
		if (r != -EBADMSG && r != -E2BIG)
			abort();
		CHECK_TEXT(err.msg);
		if (strncmp(err.msg, "line ", 5))
			abort();
	}
	for (i = 0; i < n; i++) {
		fuzz_check_sa(&sas[i]);
		fuzz_round_trip(&sas[i]);
	}
	return 0;
}
