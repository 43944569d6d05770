#include "http/http_client.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/deadline.h"
#include "common/num.h"

/* "http://host:port[/]" -> host, port */
static int hc_parse_url(const char *url, char *host, size_t hsize, char *port,
			size_t psize, struct ikw_err *err)
{
	const char *h, *colon, *end;
	size_t hl;

	if (strncmp(url, "http://", 7))
		return err_set(err, -EINVAL, "--url: want http://HOST:PORT (got '%s')", url);
	h = url + 7;
	end = h + strcspn(h, "/");
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(end - h));

		if (!rb)
			return err_set(err, -EINVAL, "--url: unclosed '[' in '%s'", url);
		hl = (size_t)(rb - h - 1);
		h++;
		colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
	} else {
		colon = memchr(h, ':', (size_t)(end - h));
		hl = (size_t)((colon ? colon : end) - h);
	}
	if (!hl || hl >= hsize || (end[0] && strcmp(end, "/")))
		return err_set(err, -EINVAL, "--url: want http://HOST:PORT (got '%s')", url);
	memcpy(host, h, hl);
	host[hl] = '\0';
	snprintf(port, psize, "%.*s", colon ? (int)(end - colon - 1) : 2,
		 colon ? colon + 1 : "80");
	return 0;
}

/* Waits until fd is ready for events: 0, -ETIMEDOUT past dl, or -errno.
 * A signal does not end the wait early (the deadline still does). */
static int hc_wait(int fd, short events, const struct deadline *dl)
{
	for (;;) {
		struct pollfd p = { fd, events, 0 };
		int r = poll(&p, 1, deadline_remaining_ms(dl));

		if (r > 0)
			return 0;
		if (r == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

static int hc_connect(const char *host, const char *port, const struct deadline *dl,
		      struct ikw_err *err)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *res = NULL, *ai;
	int fd = -1, r = getaddrinfo(host, port, &hints, &res);

	if (r)
		return err_set(err, -EHOSTUNREACH, "cannot resolve '%s': %s", host, gai_strerror(r));
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS) {
			close(fd);
			fd = -1;
			continue;
		}
		if (hc_wait(fd, POLLOUT, dl) ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &r, &(socklen_t){ sizeof(r) }) || r) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		return err_set(err, -ECONNREFUSED, "cannot connect to %s port %s", host, port);
	return fd;
}

/* One read or write once fd is ready: the bytes moved, 0 at the end of the
 * answer (read), or -errno.  A signal or a spurious wakeup (EINTR, EAGAIN)
 * is neither the end nor an error: it waits again. */
static int hc_io(int fd, bool write_, char *buf, size_t len, const struct deadline *dl)
{
	for (;;) {
		int r = hc_wait(fd, write_ ? POLLOUT : POLLIN, dl);
		ssize_t n;

		if (r < 0)
			return r;
		n = write_ ? write(fd, buf, len) : read(fd, buf, len);
		if (n >= 0)
			return (int)n;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
	}
}

static int hc_send(int fd, const struct strbuf *req, const struct deadline *dl)
{
	size_t off = 0;

	while (off < req->len) {
		int n = hc_io(fd, true, (char *)req->buf + off, req->len - off, dl);

		if (n < 0)
			return n;
		off += (size_t)n;
	}
	return 0;
}

static int hc_recv(int fd, struct strbuf *resp, const struct deadline *dl)
{
	char buf[16384];
	int n;

	while ((n = hc_io(fd, false, buf, sizeof(buf), dl)) != 0) {
		if (n < 0)
			return n;
		strbuf_add(resp, buf, (size_t)n);
		if (strbuf_failed(resp))
			return -EFBIG;
	}
	return 0;
}

/* The value of header name among the header lines [s, end), trimmed,
 * into out; "" when absent. */
static void hc_header(const char *s, const char *end, const char *name, char *out,
		      size_t size)
{
	size_t n = strlen(name);
	const char *line, *eol, *v;

	out[0] = '\0';
	for (line = strstr(s, "\r\n"); line && line < end; line = eol) {
		line += 2;
		eol = strstr(line, "\r\n");
		if (!eol || eol > end)
			eol = end;
		if ((size_t)(eol - line) <= n || strncasecmp(line, name, n) || line[n] != ':')
			continue;
		for (v = line + n + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		snprintf(out, size, "%.*s", (int)(eol - v), v);
		return;
	}
}

/* Splits "HTTP/1.x NNN ...\r\n headers \r\n\r\n body". */
static int hc_parse(const struct http_client_req *r, const struct strbuf *raw, int *status,
		    struct strbuf *out, struct ikw_err *err)
{
	const char *s = strbuf_str(raw);
	const char *body = strstr(s, "\r\n\r\n");
	uint64_t code;

	/* "HTTP/1.x NNN": a space, then exactly three digits */
	if (strncmp(s, "HTTP/1.", 7) || strnlen(s, 12) < 12 || s[8] != ' ' ||
	    num_parse_u64(s + 9, 3, 999, &code) || !body)
		return err_set(err, -EPROTO, "not an HTTP answer");
	*status = (int)code;
	if (r->capture && r->captured && r->captured_size)
		hc_header(s, body, r->capture, r->captured, r->captured_size);
	body += 4;
	strbuf_add(out, body, raw->len - (size_t)(body - s));
	return 0;
}

int http_client_fetch(const struct http_client_req *r, int *status, struct strbuf *out,
		      struct ikw_err *err)
{
	struct deadline dl = deadline_in_ms(r->timeout_ms ? r->timeout_ms : 30000);
	struct strbuf req = STRBUF_INIT, raw;
	char host[256], port[16];
	int fd, rc;

	rc = hc_parse_url(r->url, host, sizeof(host), port, sizeof(port), err);
	if (rc)
		return rc;
	strbuf_addf(&req, "%s %s HTTP/1.0\r\nHost: %s:%s\r\nUser-Agent: ikewatch\r\n"
		    "Accept: */*\r\nConnection: close\r\n", r->method, r->path, host, port);
	if (r->bearer)
		strbuf_addf(&req, "Authorization: Bearer %s\r\n", r->bearer);
	if (r->body)
		strbuf_addf(&req, "Content-Type: application/json\r\nContent-Length: %zu\r\n",
			    strlen(r->body));
	strbuf_addf(&req, "\r\n%s", r->body ? r->body : "");
	fd = hc_connect(host, port, &dl, err);
	if (fd < 0) {
		strbuf_release(&req);
		return fd;
	}
	strbuf_init(&raw, HTTP_CLIENT_BODY_MAX);
	rc = hc_send(fd, &req, &dl);
	if (!rc)
		rc = hc_recv(fd, &raw, &dl);
	close(fd);
	if (rc)
		err_set(err, rc, "%s%s: %s", r->url, r->path,
			rc == -ETIMEDOUT ? "timed out" : rc == -EFBIG ? "answer too large" :
			strerror(-rc));
	else
		rc = hc_parse(r, &raw, status, out, err);
	strbuf_release(&req);
	strbuf_release(&raw);
	return rc;
}

void http_client_query_escape(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    strchr("-._~", c)) {
			strbuf_addch(sb, (char)c);
		} else {
			strbuf_addch(sb, '%');
			strbuf_addch(sb, hex[c >> 4]);
			strbuf_addch(sb, hex[c & 15]);
		}
	}
}
