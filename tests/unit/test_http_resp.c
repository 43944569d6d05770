/* The http probes' response parser: framings (Content-Length, chunked,
 * close-delimited), interim responses, the body substring across pieces,
 * the caps, malformed heads; every case fed whole, byte by byte and split at
 * every position must end the same, and never read past its input. */
#include <stdlib.h>
#include <string.h>

#include "probe/http_resp.h"
#include "testlib.h"

struct hr_case {
	const char *name, *in;
	const char *needle;
	uint64_t cap;
	bool eof;                 /* the connection ends after the input */
	enum http_resp_state state;
	int status;
	uint64_t body;
	bool found;
};

static const struct hr_case hr_cases[] = {
	{ "length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "ell", 0, false,
	  HTTP_RESP_DONE, 200, 5, true },
	{ "length, more after", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhello", "llo", 0, false,
	  HTTP_RESP_DONE, 200, 2, false },
	{ "length, bare LF", "HTTP/1.0 404 Not Found\nContent-length:3\n\nabc", NULL, 0, false,
	  HTTP_RESP_DONE, 404, 3, true },
	{ "no reason phrase", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", NULL, 0, false,
	  HTTP_RESP_DONE, 200, 0, true },
	{ "length, cut short", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", NULL, 0, true,
	  HTTP_RESP_BODY, 200, 5, true },
	{ "close-delimited", "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nhello world", "o w", 0, true,
	  HTTP_RESP_DONE, 200, 11, true },
	{ "close-delimited, open", "HTTP/1.0 200 OK\r\n\r\nhello", NULL, 0, false,
	  HTTP_RESP_BODY, 200, 5, true },
	{ "chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n", "lo wo", 0, false,
	  HTTP_RESP_DONE, 200, 11, true },
	{ "chunked, hex sizes", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n"
	  "A\r\n0123456789\r\n0\r\n\r\n", "9", 0, false, HTTP_RESP_DONE, 200, 10, true },
	{ "chunked beats length", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "1\r\nx\r\n0\r\n\r\n", NULL, 0, false, HTTP_RESP_DONE, 200, 1, true },
	{ "other coding: until close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 1\r\n\r\nabc",
	  NULL, 0, true, HTTP_RESP_DONE, 200, 3, true },
	{ "chunk overrun", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", NULL, 0, false,
	  HTTP_RESP_ERROR, 200, 2, true },
	{ "chunk size junk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", NULL, 0, false,
	  HTTP_RESP_ERROR, 200, 0, true },
	{ "chunk too large", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n",
	  NULL, 0, false, HTTP_RESP_ERROR, 200, 0, true },
	{ "interim 100 skipped", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\nLink: x\r\n\r\n"
	  "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nz", "z", 0, false, HTTP_RESP_DONE, 201, 1, true },
	{ "204 has no body", "HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n", NULL, 0, false,
	  HTTP_RESP_DONE, 204, 0, true },
	{ "304 has no body", "HTTP/1.1 304 Not Modified\r\n\r\n", NULL, 0, false,
	  HTTP_RESP_DONE, 304, 0, true },
	{ "needle missing", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "help", 0, false,
	  HTTP_RESP_DONE, 200, 5, false },
	{ "needle with a repeated prefix", "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\naabaabaaabx",
	  "aabaaab", 0, false, HTTP_RESP_DONE, 200, 11, true },
	{ "body cap", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", "89", 4, false,
	  HTTP_RESP_DONE, 200, 4, false },
	{ "same length twice", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
	  NULL, 0, false, HTTP_RESP_DONE, 200, 1, true },
	{ "conflicting lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx",
	  NULL, 0, false, HTTP_RESP_ERROR, 200, 0, true },
	{ "length list", "HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\nx", NULL, 0, false,
	  HTTP_RESP_ERROR, 200, 0, true },
	{ "negative length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", NULL, 0, false,
	  HTTP_RESP_ERROR, 200, 0, true },
	{ "huge length", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", NULL, 0, false,
	  HTTP_RESP_ERROR, 200, 0, true },
	{ "not HTTP", "SSH-2.0-OpenSSH_9.2\r\n", NULL, 0, false, HTTP_RESP_ERROR, 0, 0, true },
	{ "HTTP/2 preface", "HTTP/2 200\r\n\r\n", NULL, 0, false, HTTP_RESP_ERROR, 0, 0, true },
	{ "status of 2 digits", "HTTP/1.1 20 OK\r\n\r\n", NULL, 0, false, HTTP_RESP_ERROR, 0, 0, true },
	{ "status of 4 digits", "HTTP/1.1 2000 OK\r\n\r\n", NULL, 0, false, HTTP_RESP_ERROR, 0, 0, true },
	{ "status out of range", "HTTP/1.1 600 Odd\r\n\r\n", NULL, 0, false, HTTP_RESP_ERROR, 0, 0, true },
	{ "protocol switch", "HTTP/1.1 101 Switching\r\n\r\n", NULL, 0, false, HTTP_RESP_ERROR, 0, 0, true },
	{ "folded header", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", NULL, 0, false,
	  HTTP_RESP_ERROR, 200, 0, true },
	{ "space before colon", "HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nx", NULL, 0, false,
	  HTTP_RESP_ERROR, 200, 0, true },
	{ "no colon", "HTTP/1.1 200 OK\r\nnonsense\r\n\r\n", NULL, 0, false, HTTP_RESP_ERROR, 200, 0, true },
	{ "NUL in the head", "HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n", NULL, 0, false,
	  HTTP_RESP_ERROR, 200, 0, true },
	{ "head not finished", "HTTP/1.1 200 OK\r\nContent-Le", NULL, 0, true,
	  HTTP_RESP_HEADERS, 200, 0, true },
	{ "nothing", "", NULL, 0, true, HTTP_RESP_STATUS, 0, 0, true },
};

/* Input lengths: the strings may hold a NUL, so the table's are measured
 * up to the last quote by sizeof in hr_len(); NUL cases are handled by
 * name. */
static size_t hr_len(const struct hr_case *c)
{
	if (!strcmp(c->name, "NUL in the head"))
		return 27;
	return strlen(c->in);
}

static void hr_run(const struct hr_case *c, const uint8_t *in, size_t len, size_t step,
		   size_t split, struct http_resp *p)
{
	size_t off = 0, n, used;

	http_resp_init(p, c->needle, c->needle ? strlen(c->needle) : 0, c->cap);
	while (off < len) {
		n = step ? step : off < split ? split - off : len - off;
		if (n > len - off)
			n = len - off;
		used = http_resp_feed(p, in + off, n);
		if (used < n)
			break;
		off += n;
	}
	if (c->eof)
		http_resp_eof(p);
}

static bool hr_same(const struct hr_case *c, const struct http_resp *p)
{
	return p->state == c->state && p->status == c->status && p->body_bytes == c->body &&
	       p->found == c->found;
}

static void test_cases(void)
{
	size_t i, k;

	for (i = 0; i < sizeof(hr_cases) / sizeof(hr_cases[0]); i++) {
		const struct hr_case *c = &hr_cases[i];
		size_t len = hr_len(c);
		struct testlib_guarded g = testlib_guarded_copy(c->in, len);
		struct http_resp p;

		hr_run(c, g.data, len, 0, len, &p);
		if (!hr_same(c, &p))
			testlib_fail(__FILE__, __LINE__, "%s: state %d status %d body %llu found %d",
				     c->name, p.state, p.status, (unsigned long long)p.body_bytes,
				     p.found);
		CHECK(p.state != HTTP_RESP_ERROR || p.why);
		hr_run(c, g.data, len, 1, 0, &p);
		if (!hr_same(c, &p))
			testlib_fail(__FILE__, __LINE__, "%s byte by byte: state %d", c->name, p.state);
		for (k = 1; k < len; k++) {
			hr_run(c, g.data, len, 0, k, &p);
			if (!hr_same(c, &p)) {
				testlib_fail(__FILE__, __LINE__, "%s split at %zu: state %d", c->name,
					     k, p.state);
				break;
			}
		}
		testlib_guarded_free(&g);
	}
}

static void test_counts(void)
{
	static const char in[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcEXTRA";
	struct http_resp p;
	size_t used;

	http_resp_init(&p, NULL, 0, 0);
	CHECK(!http_resp_head_done(&p));
	used = http_resp_feed(&p, (const uint8_t *)in, sizeof(in) - 1);
	CHECK_INT(used, sizeof(in) - 1 - 5);
	CHECK_U64(p.wire_bytes, used);
	CHECK(http_resp_head_done(&p));
	CHECK(http_resp_eof(&p));
	CHECK(!p.capped);
}

/* A head over the cap fails; a long header line that does not matter is
 * kept in part and passes. */
static void test_head_caps(void)
{
	size_t n = HTTP_RESP_HEAD_MAX + 100, i;
	char *big = malloc(n);
	struct http_resp p;

	CHECK(big);
	if (!big)
		return;
	memcpy(big, "HTTP/1.1 200 OK\r\nX-Long: ", 25);
	for (i = 25; i < n; i++)
		big[i] = 'a';
	http_resp_init(&p, NULL, 0, 0);
	http_resp_feed(&p, (const uint8_t *)big, n);
	CHECK_INT(p.state, HTTP_RESP_ERROR);
	CHECK_STR(p.why, "head too large");
	big[4000] = '\r';
	big[4001] = '\n';
	memcpy(big + 4002, "Content-Length: 2\r\n\r\nok", 24);
	http_resp_init(&p, "ok", 2, 0);
	http_resp_feed(&p, (const uint8_t *)big, 4026);
	CHECK_INT(p.state, HTTP_RESP_DONE);
	CHECK(p.found);
	CHECK_U64(p.body_bytes, 2);
	/* the same length but on a line too long to read: refused */
	memcpy(big, "HTTP/1.1 200 OK\r\nContent-Length: 2", 34);
	for (i = 34; i < 1000; i++)
		big[i] = ' ';
	memcpy(big + 1000, "\r\n\r\nok", 6);
	http_resp_init(&p, NULL, 0, 0);
	http_resp_feed(&p, (const uint8_t *)big, 1006);
	CHECK_INT(p.state, HTTP_RESP_ERROR);
	free(big);
}

/* A large chunked body crossing pieces: the needle at a chunk boundary. */
static void test_needle_across_chunks(void)
{
	static const char in[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
				 "3\r\nxne\r\n4\r\nedle\r\n0\r\n\r\n";
	struct http_resp p;

	http_resp_init(&p, "needle", 6, 0);
	http_resp_feed(&p, (const uint8_t *)in, sizeof(in) - 1);
	CHECK_INT(p.state, HTTP_RESP_DONE);
	CHECK(p.found);
	CHECK_U64(p.body_bytes, 7);
}

int main(void)
{
	RUN(test_cases);
	RUN(test_counts);
	RUN(test_head_caps);
	RUN(test_needle_across_chunks);
	return testlib_done();
}
