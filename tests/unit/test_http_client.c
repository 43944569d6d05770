/* The client of every outgoing request: an answer that arrives in pieces
 * while signals keep interrupting the wait is read whole (a signal or a
 * spurious wakeup is neither the end of the answer nor a timeout); a
 * refused connection is curl's error; URL and TLS option checks. */
#include "http/http_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "testlib.h"

static int listener;
static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* Answers one request in three pieces, 150 ms apart. */
static void *slow_server(void *arg)
{
	static const char *const pieces[] = {
		"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nIkewatch-Status-Exited: 9\r\n"
		"ikewatch-status-exit:  1\r\n\r\n", "first,", "second,third",
	};
	char buf[4096];
	size_t i;
	int fd = accept(listener, NULL, NULL);

	(void)arg;
	if (fd < 0)
		return NULL;
	if (recv(fd, buf, sizeof(buf), 0) <= 0) {
		close(fd);
		return NULL;
	}
	for (i = 0; i < 3; i++) {
		usleep(150 * 1000);
		if (send(fd, pieces[i], strlen(pieces[i]), MSG_NOSIGNAL) < 0)
			break;
	}
	close(fd);
	return NULL;
}

static uint16_t listen_loopback(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(listener, 1) || getsockname(listener, (struct sockaddr *)&a, &len))
		return 0;
	return ntohs(a.sin_port);
}

static void test_signals_during_answer(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };  /* no SA_RESTART */
	struct itimerval every = { { 0, 20 * 1000 }, { 0, 20 * 1000 } }, off = { 0 };
	struct ikw_err err = { "" };
	struct strbuf out = STRBUF_INIT;
	sigset_t alrm;
	pthread_t t;
	char url[64];
	uint16_t port = listen_loopback();
	char captured[8] = "x";
	int status = 0, r;

	CHECK(port != 0);
	if (!port)
		return;
	/* the server thread never takes the alarms: they interrupt the client */
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alrm, NULL);
	CHECK_INT(pthread_create(&t, NULL, slow_server, NULL), 0);
	pthread_sigmask(SIG_UNBLOCK, &alrm, NULL);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &every, NULL);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", port);
	r = http_client_fetch(&(struct http_client_req){ .url = url, .method = "GET",
							 .path = "/api/v1/status",
							 .timeout_ms = 5000,
							 .capture = "Ikewatch-Status-Exit",
							 .captured = captured,
							 .captured_size = sizeof(captured) },
			      &status, &out, &err);
	setitimer(ITIMER_REAL, &off, NULL);
	CHECK_INT(r, 0);
	CHECK_INT(status, 200);
	CHECK_STR(strbuf_str(&out), "first,second,third");
	/* the header asked for, by its name whatever the case, not a longer one */
	CHECK_STR(captured, "1");
	CHECK(alarms > 5);  /* the wait was interrupted, many times */
	pthread_join(t, NULL);
	close(listener);
	strbuf_release(&out);
}

/* Answers with a body past the cap (no Content-Length: the client must
 * count) until the client hangs up. */
static void *flood_server(void *arg)
{
	static char chunk[1 << 16];
	static const char head[] = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n";
	char buf[4096];
	size_t sent = 0;
	int fd = accept(listener, NULL, NULL);

	(void)arg;
	if (fd < 0)
		return NULL;
	if (recv(fd, buf, sizeof(buf), 0) > 0 && send(fd, head, strlen(head), MSG_NOSIGNAL) > 0)
		while (sent < 2ULL * HTTP_CLIENT_BODY_MAX &&
		       send(fd, chunk, sizeof(chunk), MSG_NOSIGNAL) > 0)
			sent += sizeof(chunk);
	close(fd);
	return NULL;
}

static void test_answer_too_large(void)
{
	struct ikw_err err = { "" };
	struct strbuf out = STRBUF_INIT;
	uint16_t port = listen_loopback();
	pthread_t t;
	char url[64];
	int status = 0;

	CHECK(port != 0);
	if (!port)
		return;
	CHECK_INT(pthread_create(&t, NULL, flood_server, NULL), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", port);
	CHECK_INT(http_client_fetch(&(struct http_client_req){ .url = url, .method = "GET",
							       .path = "/", .timeout_ms = 20000 },
				    &status, &out, &err), -EFBIG);
	CHECK(strstr(err.msg, "answer too large") != NULL);
	CHECK(out.len <= HTTP_CLIENT_BODY_MAX);
	pthread_join(t, NULL);
	close(listener);
	strbuf_release(&out);
}

/* Nothing listens: curl's own words, not a status. */
static void test_refused_is_an_error(void)
{
	struct ikw_err err = { "" };
	struct strbuf out = STRBUF_INIT;
	uint16_t port = listen_loopback();
	char url[64];
	int status = -1;

	close(listener);   /* the port is now closed */
	snprintf(url, sizeof(url), "https://127.0.0.1:%u", port);
	CHECK(http_client_fetch(&(struct http_client_req){ .url = url, .method = "GET",
							   .path = "/", .timeout_ms = 2000 },
				&status, &out, &err) < 0);
	CHECK_INT(status, -1);
	CHECK(strstr(err.msg, url) != NULL);
	CHECK(strstr(err.msg, "onnect") != NULL);
	strbuf_release(&out);
}

static void test_url_check(void)
{
	static const struct { const char *url; int ok; } t[] = {
		{ "http://127.0.0.1:9813", 1 }, { "https://gw.example:9813/", 1 },
		{ "https://[::1]:9813", 1 }, { "https://h/hook/x", 1 },
		{ "ftp://h", 0 }, { "https://", 0 }, { "https:///x", 0 }, { "h:1", 0 },
		{ "http://:80", 0 }, { "https://h/a b", 0 }, { "file:///etc/passwd", 0 },
	};
	struct ikw_err err = { "" };
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int r = http_client_url_check(t[i].url, &err);

		CHECK_INT(r == 0, t[i].ok);
		if (!t[i].ok)
			CHECK(strstr(err.msg, t[i].url) != NULL);
	}
}

static void test_tls_check(void)
{
	static const struct { struct http_client_tls t; const char *msg; } t[] = {
		{ { 0 }, NULL },
		{ { .ca_file = "/ca", .cert_file = "/c", .key_file = "/k" }, NULL },
		{ { .insecure_skip_verify = true, .bearer_file = "/b" }, NULL },
		{ { .basic_user = "u", .basic_password_file = "/p" }, NULL },
		{ { .cert_file = "/c" }, "both its cert file and its key file" },
		{ { .key_file = "/k" }, "both its cert file and its key file" },
		{ { .bearer_file = "/b", .basic_user = "u", .basic_password_file = "/p" },
		  "not both" },
		{ { .basic_user = "u" }, "the user and the password file" },
		{ { .basic_password_file = "/p" }, "the user and the password file" },
		{ { .basic_user = "u:x", .basic_password_file = "/p" }, "no ':'" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ikw_err err = { "" };
		int r = http_client_tls_check(&t[i].t, "pfx", &err);

		CHECK_INT(r == 0, t[i].msg == NULL);
		if (t[i].msg) {
			CHECK(strstr(err.msg, t[i].msg) != NULL);
			CHECK(!strncmp(err.msg, "pfx: ", 5));
		}
	}
}

int main(void)
{
	struct ikw_err err = { "" };

	CHECK_INT(http_client_global_init(&err), 0);
	RUN(test_signals_during_answer);
	RUN(test_answer_too_large);
	RUN(test_refused_is_an_error);
	RUN(test_url_check);
	RUN(test_tls_check);
	http_client_global_cleanup();
	return testlib_done();
}
