#include "probe/http_resp.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "common/num.h"

#define HR_CHUNK_HEX_MAX 15       /* < 2^60: no overflow, far above any cap */

static bool hr_done(const struct http_resp *p)
{
	return p->state == HTTP_RESP_DONE || p->state == HTTP_RESP_ERROR;
}

static void hr_fail(struct http_resp *p, const char *why)
{
	p->state = HTTP_RESP_ERROR;
	p->why = why;
}

/* kmp[i]: length of the longest proper prefix of needle[0..i] that is also
 * its suffix. */
static void hr_kmp_init(struct http_resp *p)
{
	size_t i, k = 0;

	p->kmp[0] = 0;
	for (i = 1; i < p->needle_len; i++) {
		while (k > 0 && p->needle[i] != p->needle[k])
			k = p->kmp[k - 1];
		if (p->needle[i] == p->needle[k])
			k++;
		p->kmp[i] = (uint16_t)k;
	}
}

void http_resp_init(struct http_resp *p, const char *needle, size_t needle_len,
		    uint64_t body_cap)
{
	memset(p, 0, sizeof(*p));
	p->state = HTTP_RESP_STATUS;
	p->body_cap = body_cap ? body_cap : UINT64_MAX;
	if (needle_len > HTTP_RESP_NEEDLE_MAX)
		needle_len = HTTP_RESP_NEEDLE_MAX;
	p->needle = needle;
	p->needle_len = needle ? needle_len : 0;
	p->found = !needle || needle_len == 0;
	if (!p->found)
		hr_kmp_init(p);
}

bool http_resp_head_done(const struct http_resp *p)
{
	return p->head_done;
}

/* ---- the body --------------------------------------------------------- */

static void hr_search(struct http_resp *p, const uint8_t *b, size_t n)
{
	size_t i, m = p->matched;

	for (i = 0; i < n && !p->found; i++) {
		if (m == 0) {     /* no partial match: skip to the first byte's next */
			const uint8_t *q = memchr(b + i, (uint8_t)p->needle[0], n - i);

			if (!q)
				break;
			i = (size_t)(q - b);
		}
		while (m > 0 && (uint8_t)p->needle[m] != b[i])
			m = p->kmp[m - 1];
		if ((uint8_t)p->needle[m] == b[i])
			m++;
		if (m == p->needle_len)
			p->found = true;
	}
	p->matched = m;
}

/* Body bytes of a BODY or CHUNK_DATA state; returns how many were used
 * (at least one when n > 0). */
static size_t hr_body(struct http_resp *p, const uint8_t *b, size_t n)
{
	bool counted = p->state == HTTP_RESP_CHUNK_DATA || p->framing == HTTP_RESP_LENGTH;
	uint64_t take = n;

	if (counted && take > p->remaining)
		take = p->remaining;
	if (take > p->body_cap - p->body_bytes)
		take = p->body_cap - p->body_bytes;
	hr_search(p, b, (size_t)take);
	p->body_bytes += take;
	if (counted)
		p->remaining -= take;
	if (p->body_bytes == p->body_cap) {
		p->capped = true;
		p->state = HTTP_RESP_DONE;
	} else if (counted && p->remaining == 0) {
		p->state = p->state == HTTP_RESP_CHUNK_DATA ? HTTP_RESP_CHUNK_END : HTTP_RESP_DONE;
	}
	return (size_t)take;
}

/* ---- lines of the head and of the chunked coding ------------------------- */

static bool hr_is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* v trimmed of optional whitespace on both sides: start and length. */
static const char *hr_trim(const char *v, size_t *len)
{
	while (*len && hr_is_ows(*v)) {
		v++;
		(*len)--;
	}
	while (*len && hr_is_ows(v[*len - 1]))
		(*len)--;
	return v;
}

/* "HTTP/1.x NNN[ reason]" */
static void hr_status_line(struct http_resp *p)
{
	const char *s = p->line;
	uint64_t code;

	if (p->line_len == 0 && !p->line_long)
		return;           /* a stray empty line before the status line */
	if (p->line_len < 12 || strncmp(s, "HTTP/1.", 7) || s[7] < '0' || s[7] > '9' ||
	    s[8] != ' ' || num_parse_u64(s + 9, 3, 999, &code) ||
	    (p->line_len > 12 && s[12] != ' '))
		return hr_fail(p, "malformed status line");
	if (code < 100 || code > 599)
		return hr_fail(p, "status code out of range");
	if (code == 101)
		return hr_fail(p, "unasked protocol switch");
	p->status = (int)code;
	p->state = HTTP_RESP_HEADERS;
}

static void hr_content_length(struct http_resp *p, const char *v, size_t len)
{
	uint64_t n;

	if (p->line_long || num_parse_u64(v, len, INT64_MAX, &n))
		return hr_fail(p, "malformed Content-Length");
	if (p->have_length && n != p->remaining)
		return hr_fail(p, "conflicting Content-Length");
	p->have_length = true;
	p->remaining = n;
}

/* Only the last transfer coding matters: chunked, or read until close. */
static void hr_transfer_encoding(struct http_resp *p, const char *v, size_t len)
{
	const char *comma;
	size_t last;

	if (p->line_long)
		return hr_fail(p, "Transfer-Encoding too long");
	comma = memrchr(v, ',', len);
	if (comma) {
		len -= (size_t)(comma + 1 - v);
		v = comma + 1;
	}
	last = len;
	v = hr_trim(v, &last);
	p->have_te = true;
	p->chunked = last == 7 && !strncasecmp(v, "chunked", 7);
}

static void hr_header_line(struct http_resp *p)
{
	const char *s = p->line, *colon;
	size_t name, vlen;

	if (hr_is_ows(s[0]))
		return hr_fail(p, "obsolete line folding");
	colon = memchr(s, ':', p->line_len);
	if (!colon || colon == s || hr_is_ows(colon[-1]))
		return hr_fail(p, "malformed header line");
	name = (size_t)(colon - s);
	vlen = p->line_len - name - 1;
	s = hr_trim(colon + 1, &vlen);
	if (name == 14 && !strncasecmp(p->line, "Content-Length", 14))
		hr_content_length(p, s, vlen);
	else if (name == 17 && !strncasecmp(p->line, "Transfer-Encoding", 17))
		hr_transfer_encoding(p, s, vlen);
}

/* The empty line after the headers: how the body is framed. */
static void hr_head_end(struct http_resp *p)
{
	if (p->status < 200) {    /* interim: its final response follows */
		p->status = 0;
		p->have_length = p->have_te = p->chunked = false;
		p->remaining = 0;
		p->state = HTTP_RESP_STATUS;
		return;
	}
	p->head_done = true;
	if (p->status == 204 || p->status == 304) {
		p->state = HTTP_RESP_DONE;
	} else if (p->have_te) {
		p->framing = p->chunked ? HTTP_RESP_CHUNKED : HTTP_RESP_CLOSE;
		p->remaining = 0;
		p->state = p->chunked ? HTTP_RESP_CHUNK_SIZE : HTTP_RESP_BODY;
	} else if (p->have_length) {
		p->framing = HTTP_RESP_LENGTH;
		p->state = p->remaining ? HTTP_RESP_BODY : HTTP_RESP_DONE;
	} else {
		p->framing = HTTP_RESP_CLOSE;
		p->state = HTTP_RESP_BODY;
	}
}

static int hr_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "HEX[ ; extensions]" */
static void hr_chunk_size(struct http_resp *p)
{
	uint64_t n = 0;
	size_t i;
	int d;

	if (p->line_long)
		return hr_fail(p, "chunk size line too long");
	for (i = 0; i < p->line_len && (d = hr_hex(p->line[i])) >= 0; i++) {
		if (i == HR_CHUNK_HEX_MAX)
			return hr_fail(p, "chunk too large");
		n = n << 4 | (uint64_t)d;
	}
	if (i == 0)
		return hr_fail(p, "malformed chunk size");
	while (i < p->line_len && hr_is_ows(p->line[i]))
		i++;
	if (i < p->line_len && p->line[i] != ';')
		return hr_fail(p, "malformed chunk size");
	p->remaining = n;
	p->state = n ? HTTP_RESP_CHUNK_DATA : HTTP_RESP_TRAILERS;
}

static void hr_line(struct http_resp *p)
{
	bool empty = p->line_len == 0 && !p->line_long;

	p->line[p->line_len] = '\0';
	switch (p->state) {
	case HTTP_RESP_STATUS:
		hr_status_line(p);
		break;
	case HTTP_RESP_HEADERS:
		if (empty)
			hr_head_end(p);
		else
			hr_header_line(p);
		break;
	case HTTP_RESP_CHUNK_SIZE:
		hr_chunk_size(p);
		break;
	case HTTP_RESP_CHUNK_END:
		if (empty)
			p->state = HTTP_RESP_CHUNK_SIZE;
		else
			hr_fail(p, "chunk longer than its size");
		break;
	case HTTP_RESP_TRAILERS:
		if (empty)
			p->state = HTTP_RESP_DONE;
		break;
	default:
		break;
	}
	p->line_len = 0;
	p->line_long = false;
}

/* One byte of a line; a line ends at LF, a CR before it dropped. */
static void hr_line_byte(struct http_resp *p, uint8_t c)
{
	bool head = p->state != HTTP_RESP_CHUNK_SIZE && p->state != HTTP_RESP_CHUNK_END;

	if (head && ++p->head_bytes > HTTP_RESP_HEAD_MAX)
		return hr_fail(p, "head too large");
	if (c == '\n') {
		if (p->line_len && p->line[p->line_len - 1] == '\r' && !p->line_long)
			p->line_len--;
		hr_line(p);
	} else if (c == '\0') {
		hr_fail(p, "NUL in the head");
	} else if (p->line_len < HTTP_RESP_LINE_MAX - 1) {
		p->line[p->line_len++] = (char)c;
	} else {
		p->line_long = true;
	}
}

size_t http_resp_feed(struct http_resp *p, const uint8_t *buf, size_t n)
{
	size_t i = 0;

	while (i < n && !hr_done(p)) {
		if (p->state == HTTP_RESP_BODY || p->state == HTTP_RESP_CHUNK_DATA)
			i += hr_body(p, buf + i, n - i);
		else
			hr_line_byte(p, buf[i++]);
	}
	p->wire_bytes += i;
	return i;
}

bool http_resp_eof(struct http_resp *p)
{
	if (p->state == HTTP_RESP_BODY && p->framing == HTTP_RESP_CLOSE)
		p->state = HTTP_RESP_DONE;
	return p->state == HTTP_RESP_DONE;
}
