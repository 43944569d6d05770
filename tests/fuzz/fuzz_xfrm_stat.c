/* libFuzzer target: untrusted bytes as /proc/net/xfrm_stat, checking what
 * the exporter relies on: at most XFRM_STAT_MAX counters, each name a
 * NUL-terminated [A-Za-z0-9]+ within its array and seen once, each label
 * snake_case [a-z0-9_] and the one xfrm_stat_label() gives; an error is
 * -EBADMSG or -E2BIG with a one-line printable "line N: ..." message.  What
 * parses is written back as the kernel writes it and must parse to the same
 * counters.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c17 -D_GNU_SOURCE \
 *     -Isrc -DIKW_VERSION='"fuzz"' -DIKW_REVISION='"fuzz"' \
 *     tests/fuzz/fuzz_xfrm_stat.c $(find src -name '*.c' ! -name main.c) $(pkg-config --cflags --libs \
 *     libmicrohttpd yaml-0.1 zlib libsystemd gnutls) -lcrypt -lpthread -o build/fuzz_xfrm_stat
 *   build/fuzz_xfrm_stat -max_total_time=90 tests/fuzz/corpus/xfrm_stat
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/xfrm_stat_parse.h"
#include "common/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

static void fuzz_check_err(int r, const struct ikw_err *err)
{
	if (r != -EBADMSG && r != -E2BIG)
		abort();
	fuzz_check_text(err->msg, sizeof(err->msg));
	if (strncmp(err->msg, "line ", 5))
		abort();
}

static void fuzz_check_label(const struct xfrm_stat_counter *c)
{
	char label[XFRM_STAT_LABEL_MAX + 1];
	size_t i, len;

	fuzz_check_text(c->label, sizeof(c->label));
	len = strlen(c->label);
	if (xfrm_stat_label(c->name, label) != (int)len || strcmp(label, c->label))
		abort();
	if (len == 0 || c->label[0] == '_' || c->label[len - 1] == '_')
		abort();
	for (i = 0; i < len; i++) {
		char ch = c->label[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
			abort();
		if (ch == '_' && c->label[i + 1] == '_')
			abort();
	}
}

static void fuzz_check_counters(const struct xfrm_stat *st)
{
	size_t i, j, len;

	if (st->n > XFRM_STAT_MAX)
		abort();
	for (i = 0; i < st->n; i++) {
		const struct xfrm_stat_counter *c = &st->c[i];

		fuzz_check_text(c->name, sizeof(c->name));
		len = strlen(c->name);
		if (len == 0 || strspn(c->name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "abcdefghijklmnopqrstuvwxyz0123456789") != len)
			abort();
		fuzz_check_label(c);
		for (j = 0; j < i; j++)
			if (!strcmp(st->c[j].name, c->name))
				abort();
	}
}

/* "%-24s\t%lu\n", as net/xfrm/xfrm_proc.c writes it. */
static void fuzz_round_trip(const struct xfrm_stat *st)
{
	static struct xfrm_stat again;
	static char text[XFRM_STAT_MAX * 80];
	size_t len = 0, i;

	for (i = 0; i < st->n; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%-24s\t%llu\n",
					st->c[i].name,
					(unsigned long long)st->c[i].value);
	if (len >= sizeof(text) || xfrm_stat_parse(text, len, &again, NULL))
		abort();
	if (again.n != st->n)
		abort();
	for (i = 0; i < st->n; i++)
		if (strcmp(again.c[i].name, st->c[i].name) ||
		    strcmp(again.c[i].label, st->c[i].label) ||
		    again.c[i].value != st->c[i].value)
			abort();
}

/* The label function on its own, on the input's first bytes as a name. */
static void fuzz_label_only(const uint8_t *data, size_t size)
{
	char name[XFRM_STAT_NAME_MAX + 2], label[XFRM_STAT_LABEL_MAX + 1];
	size_t n = size < sizeof(name) - 1 ? size : sizeof(name) - 1;
	int r;

	memcpy(name, data, n);
	name[n] = '\0';
	r = xfrm_stat_label(name, label);
	if (r < 0 ? (r != -EINVAL || label[0]) : (size_t)r != strlen(label))
		abort();
	if (r >= 0 && (size_t)r > XFRM_STAT_LABEL_MAX)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xfrm_stat st;
	struct ikw_err err = { "" };
	int r;

	r = xfrm_stat_parse((const char *)data, size, &st, &err);
	fuzz_check_counters(&st);
	if (r)
		fuzz_check_err(r, &err);
	else
		fuzz_round_trip(&st);
	fuzz_label_only(data, size);
	return 0;
}
