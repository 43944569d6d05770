/* libFuzzer target: untrusted log lines through the status view's log
 * store and its renderers, checking that whatever the bytes (markup,
 * quotes, escapes, control bytes, over-long content) a stored line is
 * bounded and sanitized, its redacted form holds no control byte, its
 * HTML holds no raw markup character, and its terminal form no control
 * character at all.
 *
 *   build like fuzz_logline.c; corpus tests/fuzz/corpus/vpnlog */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/html.h"
#include "common/text.h"
#include "logs/log_line.h"
#include "logs/log_redact.h"
#include "logs/log_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_no_controls(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}

static void fuzz_html(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	html_escape(&sb, s);
	for (p = strbuf_str(&sb); *p; p++) {
		if (*p == '<' || *p == '>' || *p == '"' || *p == '\'')
			abort();
		if (*p == '&' && strncmp(p, "&amp;", 5) && strncmp(p, "&lt;", 4) &&
		    strncmp(p, "&gt;", 4) && strncmp(p, "&quot;", 6) && strncmp(p, "&#39;", 5))
			abort();
	}
	strbuf_release(&sb);
}

static void fuzz_terminal(const char *s)
{
	size_t n = strlen(s), i;
	char *t = malloc(n + 1);

	if (!t)
		return;
	text_for_terminal(t, s, n, 0);
	for (i = 0; t[i]; i++) {
		unsigned char c = (unsigned char)t[i];

		if (c < 0x20 || c == 0x7f)
			abort();
		/* U+0080..U+009F as UTF-8 is C2 80..C2 9F */
		if (c == 0xc2 && (unsigned char)t[i + 1] >= 0x80 && (unsigned char)t[i + 1] <= 0x9f)
			abort();
	}
	free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct log_store *s;
	static struct redact_config rc = { .mode = REDACT_HASH };
	struct log_store_line out[2];
	struct log_store_query q = { NULL, 0, 2 };
	struct log_event ev;
	struct log_line_info info;
	char conn[LOG_CONN_MAX + 1];
	struct strbuf red = STRBUF_INIT;
	size_t i, n;

	if (!s && !(s = log_store_new(LOG_STORE_LINES_MIN)))
		return 0;
	log_classify((const char *)data, size, &ev);
	log_classify_conn(&ev, conn);
	log_line_describe(&ev, &info);
	if ((unsigned)info.kind >= LOG_LINE_KIND_COUNT || (unsigned)info.sent >= IKE_EXCH_COUNT)
		abort();
	log_store_add(s, 1, conn, ev.sa_id, ev.msg, ev.msg_len, &info);
	n = log_store_query(s, &q, out);
	for (i = 0; i < n; i++) {
		size_t len = strnlen(out[i].text, sizeof(out[i].text));

		if (len > LOG_STORE_LINE_MAX || strlen(out[i].conn) > LOG_CONN_MAX)
			abort();
		fuzz_no_controls(out[i].text, len);
		fuzz_no_controls(out[i].conn, strlen(out[i].conn));
		strbuf_reset(&red);
		log_redact_line(&rc, out[i].text, &red);
		fuzz_no_controls(strbuf_str(&red), red.len);
		fuzz_html(strbuf_str(&red));
		fuzz_html(out[i].conn);
		fuzz_terminal(strbuf_str(&red));
	}
	strbuf_release(&red);
	return 0;
}
