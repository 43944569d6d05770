/* The exchange of one http probe run over its non-blocking TCP socket (the
 * run, probe_run.c, opens it in the probe's namespace, bound to its source,
 * and polls it): the connect completes, a GET goes out, the answer is read
 * into the pure parser (http_resp.h) until it is complete, the connection
 * ends, or a deadline passes.  Nothing here blocks: each call does what the
 * socket allows now and returns.
 *
 * https: once connected, a TLS handshake (probe_tls.h) comes first, and
 * the request and answer go through it.
 *
 * Deadlines, from the start: connect_timeout (default: timeout) for the
 * connect, timeout for the whole exchange; https: tls_timeout (default: up
 * to timeout) for the handshake, from the connect.  The body is read up to
 * PROBE_HTTP_BODY_CAP bytes and counted, not kept.
 *
 * The verdict, first that applies: the connect failed (refused,
 * unreachable, timeout, error); https: the handshake failed (tls) or its
 * deadline passed, with nothing from the server (timeout) or with its
 * answer begun (stalled); a malformed answer (protocol); the
 * deadline passed with the answer begun (stalled) or not (timeout); the
 * connection ended before the answer did (short); an unexpected status
 * (status); the expected text missing (body); fewer than min_bytes
 * received (short). */
#ifndef IKW_PROBE_HTTP_H
#define IKW_PROBE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/http_resp.h"
#include "probe/probe.h"
#include "probe/probe_store.h"
#include "probe/probe_tls.h"

#define PROBE_HTTP_REQ_MAX (PROBE_PATH_MAX + PROBE_HOST_MAX + 128)

struct probe_http {
	struct http_resp resp;
	char req[PROBE_HTTP_REQ_MAX];
	size_t req_len, req_off;
	int64_t start_ns, connected_ns, first_ns, end_ns;  /* 0: not yet */
	bool connected;
	bool done;
	enum probe_fail fail;     /* set when done */
	/* https */
	const struct probe_tls_cred *cred;   /* NULL: plain http */
	char server_name[PROBE_HOST_MAX + 1];
	struct probe_tls tls;
	int64_t tls_ns;           /* the handshake ended; 0: not yet */
};

/* Starts the exchange of spec sp to target (the address as the host of a
 * URI, for the default Host header: an IPv6 one in [brackets]) on a socket
 * whose connect is in progress. */
void probe_http_begin(struct probe_http *h, const struct probe_spec *sp, const char *target,
		      int64_t now);
/* Makes the exchange an https one: TLS with the trust cred, before the
 * request (call right after probe_http_begin(); target as there). */
void probe_http_tls(struct probe_http *h, const struct probe_spec *sp,
		    const struct probe_tls_cred *cred, const char *target);
/* What to poll the socket for. */
short probe_http_events(const struct probe_http *h);
/* The socket fd is ready (revents). */
void probe_http_io(struct probe_http *h, const struct probe_spec *sp, int fd, short revents,
		   int64_t now);
/* Ends the exchange when a deadline has passed. */
void probe_http_tick(struct probe_http *h, const struct probe_spec *sp, int64_t now);
/* The next deadline. */
int64_t probe_http_next(const struct probe_http *h, const struct probe_spec *sp);
/* The run's result: success, reason, status, bytes, phases, the connect
 * time as its RTT; https: the TLS version and certificate expiry. */
void probe_http_result(const struct probe_http *h, struct probe_result *res);
/* Frees the TLS session, if any (the run closes the socket). */
void probe_http_release(struct probe_http *h);

/* The verdict on a finished exchange (pure; for tests): timed_out says the
 * total deadline ended it. */
enum probe_fail probe_http_verdict(const struct probe_spec *sp, const struct http_resp *resp,
				   bool timed_out);

#endif
