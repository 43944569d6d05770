/* libFuzzer target: raw bytes from the network, sent as one connection to
 * the real HTTP server (libmicrohttpd with ikewatch's gate, deadlines,
 * routes, negotiation, streaming and the status actions).  The first byte
 * picks the server: with basic auth (user "prometheus", password "pw", a
 * cost-4 bcrypt hash) or without; the rest is written to the socket, which
 * is then half-closed, and the answer read to the end.  Whatever comes back
 * must start "HTTP/1." when anything does; the sanitizers catch the rest.
 * Charon's side of the actions is a stub that answers at once. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "http/http_auth.h"
#include "http/http_server.h"
#include "status/status_actions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_HASH "$2b$04$Kiq6AB0C8jYwPlkHp/LlAOumQwvdULTWEVAHQO67FhAXxWqaHvG8m"

static uint16_t ports[2];

static int stub_terminate(const char *s, bool child, uint32_t id, unsigned t,
			  struct ikw_err *err)
{
	(void)s, (void)child, (void)t;
	return id == 7 ? err_set(err, -ENOENT, "no SA 7") : 0;
}

static int stub_initiate(const char *s, const char *ike, const char *child, unsigned t,
			 struct ikw_err *err)
{
	(void)s, (void)ike, (void)t, (void)err;
	return strcmp(child, "bad") ? 0 : err_set(err, -EIO, "failed");
}

struct piece_src { int left; };

static int pieces_next(void *ctx, struct strbuf *sb)
{
	struct piece_src *p = ctx;

	strbuf_addf(sb, "ipsec_piece{n=\"%d\"} 1\n", p->left);
	return --p->left > 0;
}

static int fuzz_metrics(void *ctx, enum expo_format fmt, struct body_source *src,
			struct ikw_err *err)
{
	struct piece_src *p = malloc(sizeof(*p));

	(void)ctx, (void)fmt;
	if (!p)
		return err_set(err, -ENOMEM, "out of memory");
	p->left = 3;
	*src = (struct body_source){ p, pieces_next, free };
	return 0;
}

static void fuzz_actions(void *ctx, const struct http_request *req,
			 struct http_response *resp)
{
	status_actions_handle(ctx, req->url + strlen("/api/v1/actions/"), req, resp);
}

static void fuzz_echo(void *ctx, const struct http_request *req, struct http_response *resp)
{
	const char *q = http_request_arg(req, "conn");
	const char *h = http_request_header(req, "Accept");

	(void)ctx;
	strbuf_addf(&resp->body, "%s %s q=%s h=%s n=%zu\n", req->method, req->url,
		    q ? q : "-", h ? h : "-", req->body_len);
}

static struct status_actions *fuzz_new_actions(void)
{
	static char dir[] = "/tmp/ikw-fuzz-http-XXXXXX";
	char token[300], audit[300];
	struct status_actions *a = NULL;
	struct ikw_err err = { "" };
	FILE *f;

	if (!mkdtemp(dir))
		abort();
	snprintf(token, sizeof(token), "%s/token", dir);
	snprintf(audit, sizeof(audit), "%s/audit.jsonl", dir);
	f = fopen(token, "w");
	if (!f || fputs("fuzz-token-0123456789abcdef\n", f) < 0 || fclose(f) ||
	    chmod(token, 0600))
		abort();
	if (status_actions_new(&a, &(struct status_actions_opts){
				       { stub_terminate, stub_initiate }, token, audit,
				       "/nonexistent.vici", 1000 }, &err))
		abort();
	return a;
}

static void fuzz_start(void)
{
	static struct web_user user = { (char *)"prometheus", (char *)FUZZ_HASH };
	struct http_routes t = { .n = 0 };
	struct status_actions *actions;
	int i;

	log_set_level(LOG_LEVEL_ERROR);  /* a line per action would slow the fuzzer */
	actions = fuzz_new_actions();

	http_routes_add(&t, &(struct http_route){ "/metrics", false, HTTP_GET | HTTP_HEAD,
						   NULL, fuzz_metrics, NULL, false });
	http_routes_add(&t, &(struct http_route){ "/api/v1/actions/", true, HTTP_POST,
						   fuzz_actions, NULL, actions, true });
	http_routes_add(&t, &(struct http_route){ "/api/", true, HTTP_GET | HTTP_POST,
						   fuzz_echo, NULL, NULL, true });
	http_routes_add(&t, &(struct http_route){ "/-/healthy", false, HTTP_GET | HTTP_HEAD,
						   http_handle_healthy, NULL, NULL, false });
	for (i = 0; i < 2; i++) {
		struct http_server_opts o = { .listen_address = "127.0.0.1:0",
					      .request_timeout_ms = 2000,
					      .response_timeout_ms = 2000 };
		struct http_server *s;
		struct ikw_err err = { "" };

		if (i == 1 && !(o.auth = http_auth_new(&user, 1)))
			abort();
		if (http_server_start(&o, &t, &s, &err)) {
			fprintf(stderr, "fuzz_http_request: %s\n", err.msg);
			abort();
		}
		ports[i] = http_server_port(s);  /* runs until the process ends */
	}
}

static int fuzz_connect(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), e = 0;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
		return fd;
	if (fd >= 0 && errno == EINTR) {
		/* libFuzzer's timer interrupted it: the connection goes on */
		struct pollfd p = { fd, POLLOUT, 0 };

		if (poll(&p, 1, 2000) == 1 &&
		    !getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &(socklen_t){ sizeof(e) }) && !e)
			return fd;
		errno = e ? e : ETIMEDOUT;
	}
	perror("fuzz_http_request: connect");
	abort();
}

/* Sends data while reading what comes back (the server may answer and close
 * before everything was sent), then reads to the end. */
static void fuzz_exchange(int fd, const uint8_t *data, size_t size)
{
	char buf[65536], first[8] = "";
	size_t sent = 0, got = 0;
	int idle = 0;

	while (idle < 3000) {
		struct pollfd p = { fd, POLLIN | (sent < size ? POLLOUT : 0), 0 };
		ssize_t n;

		if (poll(&p, 1, 10) <= 0) {
			idle += 10;
			continue;
		}
		if (p.revents & POLLIN) {
			n = recv(fd, buf, sizeof(buf), 0);
			if (n <= 0)
				break;
			if (got < 7)
				memcpy(first + got, buf, (size_t)n < 7 - got ? (size_t)n : 7 - got);
			got += (size_t)n;
		} else if (p.revents & POLLOUT) {
			n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
			if (n <= 0)
				sent = size;
			else
				sent += (size_t)n;
			if (sent == size)
				shutdown(fd, SHUT_WR);
		} else {
			break;
		}
	}
	if (got >= 7 && memcmp(first, "HTTP/1.", 7))
		abort();  /* bytes that are not an HTTP answer */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd;

	if (!ports[0])
		fuzz_start();
	if (size < 1)
		return 0;
	fd = fuzz_connect(ports[data[0] & 1]);
	if (size == 1)
		shutdown(fd, SHUT_WR);
	fuzz_exchange(fd, data + 1, size - 1);
	close(fd);
	return 0;
}
