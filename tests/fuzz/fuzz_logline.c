/* libFuzzer target: one untrusted charon log line through the built-in
 * classifier, the per-SA memory and the operator rules, checking what the
 * metrics rely on: the message lies inside the input, conn names are short
 * printable UTF-8, label values come from their bounded sets.  Inputs of
 * the form "PATTERN\nSUBJECT" also check the rules' literal prefilter: a
 * subject the regex matches always contains the literal.  Inputs of at
 * least 768 bytes also go through the error-notify message parser.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c17 -D_GNU_SOURCE \
 *     -Isrc -DIKW_VERSION='"fuzz"' -DIKW_REVISION='"fuzz"' \
 *     tests/fuzz/fuzz_logline.c $(find src -name '*.c' ! -name main.c) $(pkg-config --cflags --libs \
 *     libmicrohttpd yaml-0.1 zlib libsystemd gnutls) -lcrypt -lpthread -o build/fuzz_logline
 *   build/fuzz_logline -max_total_time=120 tests/fuzz/corpus/logline
 */
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"
#include "logs/error_notify.h"
#include "logs/log_classify.h"
#include "logs/log_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_attempts[] = { "1", "2", "3" };
static const char *const fuzz_kinds[] = { "received", "sending" };

static struct log_rules *fuzz_rules(void)
{
	static struct log_rules *rs;
	const struct log_rule_spec specs[] = {
		{ "retransmits", "retransmit ([0-9]+) of request",
		  { { "conn", LOG_LABEL_CONN, 0, NULL, 0 },
		    { "attempt", LOG_LABEL_GROUP, 1, fuzz_attempts, 3 } }, 2 },
		{ "initiating", "initiating '([^']*)'",
		  { { "conn", LOG_LABEL_GROUP, 1, NULL, 0 } }, 1 },
		{ "notify", "^(received|sending) ([A-Z_]+)",
		  { { "dir", LOG_LABEL_GROUP, 1, fuzz_kinds, 2 } }, 1 },
	};
	size_t i;

	if (rs)
		return rs;
	rs = log_rules_new();
	for (i = 0; rs && i < sizeof(specs) / sizeof(specs[0]); i++)
		if (log_rules_add(rs, &specs[i], NULL))
			abort();
	return rs;
}

static bool fuzz_known(void *ctx, const char *conn)
{
	(void)ctx;
	return !strcmp(conn, "tun1");
}

/* A conn is short, NUL-free printable UTF-8: sanitizing it changes nothing. */
static void fuzz_check_conn(const char *conn)
{
	char again[LOG_CONN_MAX + 1];
	size_t len = strnlen(conn, LOG_CONN_MAX + 1);

	if (len > LOG_CONN_MAX)
		abort();
	text_sanitize(again, conn, len);
	if (strcmp(again, conn))
		abort();
}

static bool fuzz_in(const char *v, const char *const *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v, set[i]))
			return true;
	return false;
}

static void fuzz_emit(void *ctx, const char *rule, const char *const *names,
		      const char *const *values, size_t n)
{
	const char *line_conn = ctx;
	size_t i;

	(void)rule;
	for (i = 0; i < n; i++) {
		const char *v = values[i];
		bool ok = !strcmp(v, LOG_RULE_OTHER);

		if (!strcmp(names[i], "attempt"))
			ok = ok || fuzz_in(v, fuzz_attempts, 3);
		else if (!strcmp(names[i], "dir"))
			ok = ok || fuzz_in(v, fuzz_kinds, 2);
		else if (!strcmp(names[i], "conn"))
			ok = ok || !strcmp(v, "tun1") || !strcmp(v, line_conn);
		if (!ok)
			abort();
	}
}

/* Patterns whose compilation could blow up in glibc ("a{999}{999}",
 * "x++++++++") are skipped: they come from the operator's config, not from
 * logs (and log_rules_add refuses stacked quantifiers). */
static bool fuzz_pattern_ok(const char *p, size_t len)
{
	size_t i, digits = 0, quant = 0;

	if (len == 0 || len > 48 || memchr(p, '\0', len))
		return false;
	for (i = 0; i < len; i++) {
		digits = (p[i] >= '0' && p[i] <= '9') ? digits + 1 : 0;
		if (digits > 1 && memchr(p, '{', len))
			return false;
		quant += strchr("*+?{", p[i]) != NULL;
	}
	return quant <= 4;
}

static void fuzz_literal(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size < 49 ? size : 49);
	char pat[50], lit[50], *subj;
	regmatch_t pm[1];
	regex_t re;
	size_t plen, slen;

	if (!nl)
		return;
	plen = (size_t)(nl - data);
	if (!fuzz_pattern_ok((const char *)data, plen))
		return;
	memcpy(pat, data, plen);
	pat[plen] = '\0';
	if (regcomp(&re, pat, REG_EXTENDED))
		return;
	log_rules_literal(pat, lit);
	slen = size - plen - 1;
	subj = malloc(slen + 1);   /* sanitizers strlen() regexec's subject */
	if (subj) {
		memcpy(subj, nl + 1, slen);
		subj[slen] = '\0';
		pm[0].rm_so = 0;
		pm[0].rm_eo = (regoff_t)slen;
		if (!regexec(&re, subj, 1, pm, REG_STARTEND) && !memmem(subj, slen, lit, strlen(lit)))
			abort();
		free(subj);
	}
	regfree(&re);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct log_classify_state st;
	const char *line = (const char *)data;
	struct log_event ev;
	enum fail_reason r;
	char conn[LOG_CONN_MAX + 1];

	log_classify(line, size, &ev);
	if (ev.msg < line || ev.msg_len > size || ev.msg + ev.msg_len > line + size)
		abort();
	if (ev.kind != LOG_NONE && (unsigned)ev.reason >= FAIL_REASON_COUNT)
		abort();
	fuzz_check_conn(ev.conn);
	log_classify_conn(&ev, conn);
	fuzz_check_conn(conn);
	if (log_classify_state_apply(&st, &ev, &r) && (unsigned)r >= FAIL_REASON_COUNT)
		abort();
	log_rules_match(fuzz_rules(), ev.msg, ev.msg_len, conn, fuzz_known, NULL,
			fuzz_emit, conn);
	log_rules_match(fuzz_rules(), line, size, conn, NULL, NULL, fuzz_emit, conn);
	fuzz_literal(data, size);
	if (size >= ERROR_NOTIFY_MSG_SIZE) {
		struct error_notify_msg m;

		if (error_notify_parse(data, ERROR_NOTIFY_MSG_SIZE, &m, NULL))
			abort();
		fuzz_check_conn(m.name);
	}
	return 0;
}
