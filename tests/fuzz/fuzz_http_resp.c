/* libFuzzer target: untrusted bytes as the answer of a probed HTTP server
 * (whoever sits behind a tunnel's far end, or on its path).  The first
 * byte picks the needle's length (taken from the next bytes), the second a
 * body cap and a split point; the rest is the response.  Checks: the parser
 * ends in the same state with the same counts whether fed whole, byte by
 * byte or in two pieces (it is incremental); the body never exceeds the cap;
 * an error has a reason; found needs at least the needle's length of body;
 * a head is done only with a final status code.
 *
 *   scripts/fuzz.sh http_resp 600
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/http_resp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_feed(struct http_resp *p, const uint8_t *in, size_t len, size_t step,
		      size_t split, bool eof)
{
	size_t off = 0, n;

	while (off < len) {
		n = step ? step : off < split ? split - off : len - off;
		if (n > len - off)
			n = len - off;
		if (http_resp_feed(p, in + off, n) < n)
			break;
		off += n;
	}
	if (eof)
		http_resp_eof(p);
}

static void fuzz_same(const struct http_resp *a, const struct http_resp *b)
{
	if (a->state != b->state || a->status != b->status || a->body_bytes != b->body_bytes ||
	    a->found != b->found || a->wire_bytes != b->wire_bytes || a->capped != b->capped ||
	    a->head_done != b->head_done)
		abort();
}

static void fuzz_check(const struct http_resp *p, uint64_t cap)
{
	if (cap && p->body_bytes > cap)
		abort();
	if (p->state == HTTP_RESP_ERROR && !p->why)
		abort();
	if (p->found && p->needle_len > p->body_bytes)
		abort();
	if (p->head_done && (p->status < 200 || p->status > 599))
		abort();
	if (p->capped && p->state != HTTP_RESP_DONE)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t caps[] = { 0, 1, 7, 100, 4096 };
	struct http_resp whole, bytes, split;
	size_t nlen, at;
	uint64_t cap;
	bool eof;

	if (size < 2)
		return 0;
	nlen = data[0] & 15;
	cap = caps[(data[1] & 7) % 5];
	eof = data[1] & 8;
	at = data[1] >> 4;
	data += 2;
	size -= 2;
	if (nlen > size)
		nlen = size;
	/* the needle is copied so an over-read of it shows too */
	{
		char *needle = nlen ? malloc(nlen) : NULL;

		if (nlen && !needle)
			return 0;
		if (nlen)
			memcpy(needle, data, nlen);
		data += nlen;
		size -= nlen;
		at = size ? at * size / 16 : 0;
		http_resp_init(&whole, needle, nlen, cap);
		http_resp_init(&bytes, needle, nlen, cap);
		http_resp_init(&split, needle, nlen, cap);
		fuzz_feed(&whole, data, size, 0, size, eof);
		fuzz_feed(&bytes, data, size, 1, 0, eof);
		fuzz_feed(&split, data, size, 0, at, eof);
		fuzz_same(&whole, &bytes);
		fuzz_same(&whole, &split);
		fuzz_check(&whole, cap);
		free(needle);
	}
	return 0;
}
