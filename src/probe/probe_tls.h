/* The TLS client of an https probe: a GnuTLS session over the run's
 * non-blocking TCP socket, driven by the scheduler's poll loop like the
 * rest of the exchange (probe_http.c).  Every call does what the socket
 * allows now and returns; nothing blocks, and no thread is made.
 *
 * GnuTLS reads and writes through our own functions: they never raise
 * SIGPIPE (one-shot commands do not ignore it) and they count the bytes
 * the server sent during the handshake, so that a handshake whose first
 * answer came but not the rest (its large certificate flight lost in an
 * MTU black hole) reads as stalled rather than as a silent server.
 *
 * The certificate is verified against server_name (a DNS name, or an IP
 * address matched against the certificate's IP addresses) unless the
 * trust says not to; SNI carries the name unless it is an address. */
#ifndef IKW_PROBE_TLS_H
#define IKW_PROBE_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model/probe_view.h"
#include "probe/probe_tls_trust.h"

#define PROBE_TLS_WHY_MAX 160

enum probe_tls_step {
	PROBE_TLS_AGAIN,              /* wait for probe_tls_events() */
	PROBE_TLS_DONE,
	PROBE_TLS_FAILED,             /* why says why */
};

struct probe_tls {
	void *session;                /* gnutls_session_t; NULL: none */
	int fd;
	uint64_t pulled;              /* bytes read from the socket so far */
	bool handshaken;
	enum probe_tls_version version;  /* once handshaken */
	double not_after;             /* Unix time the earliest certificate
					 the server sent expires; 0: none */
	char why[PROBE_TLS_WHY_MAX];  /* a failed handshake, for the log */
};

/* Starts a client session on fd (connected) for server_name with the trust
 * cred.  Returns 0, or -ENOMEM / -EINVAL with why set. */
int probe_tls_begin(struct probe_tls *t, const struct probe_tls_cred *cred,
		    const char *server_name, int fd);
/* Takes the handshake as far as the socket allows. */
enum probe_tls_step probe_tls_handshake(struct probe_tls *t);
/* What the handshake waits for: POLLIN or POLLOUT. */
short probe_tls_events(const struct probe_tls *t);
/* Like send() and recv() on a non-blocking socket: bytes moved, or
 * -EAGAIN (call again with the same buffer), or -EIO; recv returns 0 at the
 * end of the stream (a close with or without close_notify: the answer's
 * own framing says whether it was whole). */
ssize_t probe_tls_send(struct probe_tls *t, const void *buf, size_t len);
ssize_t probe_tls_recv(struct probe_tls *t, void *buf, size_t len);
/* Decrypted bytes GnuTLS holds that poll() cannot announce. */
bool probe_tls_pending(const struct probe_tls *t);
/* Frees the session (the socket stays open); accepts one never begun. */
void probe_tls_end(struct probe_tls *t);

/* The name to verify and send as SNI when server_name is not given: the
 * Host header's host without its port ("svc.example:8443" ->
 * "svc.example", "[2001:db8::1]:443" -> "2001:db8::1"), or the target
 * address.  Pure; out has room for PROBE_HOST_MAX + 1 bytes. */
void probe_tls_default_name(const char *host, const char *target, char *out, size_t size);

#endif
