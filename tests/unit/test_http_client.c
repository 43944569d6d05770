/* The client of `ikewatch status --url`: an answer that arrives in pieces
 * while signals keep interrupting the wait is read whole (a signal or a
 * spurious wakeup is neither the end of the answer nor a timeout). */
#include "http/http_client.h"

#include <arpa/inet.h>
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

int main(void)
{
	RUN(test_signals_during_answer);
	return testlib_done();
}
