/* The HTTP/1.x response parser of the http probes (pure: bytes in, state
 * out, no I/O, no allocation).  Fed in whatever pieces the socket delivers,
 * it reads the status line and the headers, then the body framed by
 * Content-Length, chunked transfer coding, or the end of the connection
 * (RFC 9112 section 6.3), and looks for an expected substring in the
 * (de-chunked) body as it streams past, so the body is counted but never
 * stored.  Interim 1xx responses are skipped; 204 and 304 have no body.
 *
 * Every size is capped: a line of the head at HTTP_RESP_LINE_MAX (longer
 * header lines are kept only in part; a long Content-Length or
 * Transfer-Encoding is an error), the head at HTTP_RESP_HEAD_MAX, the body
 * at the caller's cap, after which the response counts as complete. */
#ifndef IKW_HTTP_RESP_H
#define IKW_HTTP_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_RESP_LINE_MAX 512
#define HTTP_RESP_HEAD_MAX (64 * 1024)
#define HTTP_RESP_NEEDLE_MAX 256

enum http_resp_state {
	HTTP_RESP_STATUS,         /* reading the status line */
	HTTP_RESP_HEADERS,
	HTTP_RESP_BODY,           /* Content-Length or close-delimited data */
	HTTP_RESP_CHUNK_SIZE,
	HTTP_RESP_CHUNK_DATA,
	HTTP_RESP_CHUNK_END,      /* the CRLF after a chunk's data */
	HTTP_RESP_TRAILERS,
	HTTP_RESP_DONE,           /* complete (or the body cap reached) */
	HTTP_RESP_ERROR,          /* malformed: see why */
};

enum http_resp_framing {
	HTTP_RESP_LENGTH,         /* Content-Length */
	HTTP_RESP_CHUNKED,
	HTTP_RESP_CLOSE,          /* until the connection ends */
};

struct http_resp {
	/* results */
	enum http_resp_state state;
	const char *why;          /* ERROR: a static message */
	int status;               /* status code, 0 until read */
	bool head_done;           /* the final response's head is read */
	uint64_t wire_bytes;      /* every byte fed */
	uint64_t body_bytes;      /* body bytes after de-chunking, up to the cap */
	bool found;               /* the needle occurred in the body */
	bool capped;              /* DONE because the body cap was reached */
	/* settings */
	const char *needle;       /* NULL: nothing to look for */
	size_t needle_len;
	uint64_t body_cap;
	/* framing */
	enum http_resp_framing framing;
	uint64_t remaining;       /* LENGTH: body bytes left; chunk bytes left */
	bool have_length, chunked, have_te;
	/* the line being read (head, chunk sizes, trailers) */
	char line[HTTP_RESP_LINE_MAX];
	size_t line_len;
	bool line_long;           /* the line went past line[] */
	uint64_t head_bytes;
	/* Knuth-Morris-Pratt over the body */
	uint16_t kmp[HTTP_RESP_NEEDLE_MAX];
	size_t matched;
};

/* Starts a response.  needle (needle_len bytes, at most
 * HTTP_RESP_NEEDLE_MAX; NULL for none) must stay valid while p is used;
 * body_cap bounds the body bytes read (0: none). */
void http_resp_init(struct http_resp *p, const char *needle, size_t needle_len,
		    uint64_t body_cap);
/* Feeds n bytes.  Returns how many were used: fewer than n once the
 * response is DONE (what follows is not part of it) or in ERROR. */
size_t http_resp_feed(struct http_resp *p, const uint8_t *buf, size_t n);
/* The connection ended: completes a close-delimited body.  Returns true
 * when the response is DONE, false when it was cut short. */
bool http_resp_eof(struct http_resp *p);
/* The status line and headers are read (also true once DONE). */
bool http_resp_head_done(const struct http_resp *p);

#endif
