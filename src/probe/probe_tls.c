#include "probe/probe_tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "probe/probe.h"

/* non-fatal results (a warning alert, say) in a row before giving up */
#define PT_RETRIES 8

/* ---- transport: the run's socket ----------------------------------------- */

static ssize_t pt_pull(gnutls_transport_ptr_t p, void *buf, size_t len)
{
	struct probe_tls *t = p;
	ssize_t n = recv(t->fd, buf, len, MSG_DONTWAIT);

	if (n > 0)
		t->pulled += (uint64_t)n;
	else if (n < 0)
		gnutls_transport_set_errno(t->session, errno);
	return n;
}

static ssize_t pt_push(gnutls_transport_ptr_t p, const void *buf, size_t len)
{
	struct probe_tls *t = p;
	ssize_t n = send(t->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);

	if (n < 0)
		gnutls_transport_set_errno(t->session, errno);
	return n;
}

/* GnuTLS asks whether data is there within ms; the session has no timeouts
 * of its own (the run keeps the deadlines), so it never needs to wait:
 * answer for now. */
static int pt_pull_timeout(gnutls_transport_ptr_t p, unsigned ms)
{
	const struct probe_tls *t = p;
	struct pollfd pfd = { t->fd, POLLIN, 0 };

	(void)ms;
	return poll(&pfd, 1, 0);
}

/* ---- the session ----------------------------------------------------------- */

static bool pt_is_address(const char *name)
{
	unsigned char a[16];

	return inet_pton(AF_INET, name, a) == 1 || inet_pton(AF_INET6, name, a) == 1;
}

static int pt_fail_setup(struct probe_tls *t, int r, const char *what)
{
	snprintf(t->why, sizeof(t->why), "%s: %s", what, gnutls_strerror(r));
	probe_tls_end(t);
	return r == GNUTLS_E_MEMORY_ERROR ? -ENOMEM : -EINVAL;
}

static int pt_name(struct probe_tls *t, const struct probe_tls_cred *cred, const char *name)
{
	int r = 0;

	/* RFC 6066: SNI names a host, never an address literal */
	if (!pt_is_address(name))
		r = gnutls_server_name_set(t->session, GNUTLS_NAME_DNS, name, strlen(name));
	if (r < 0)
		return pt_fail_setup(t, r, "server name");
	/* the handshake then fails unless the chain is trusted and the leaf
	 * is for name (its DNS names, or its IP addresses for an address) */
	if (cred->verify)
		gnutls_session_set_verify_cert(t->session, name, 0);
	return 0;
}

int probe_tls_begin(struct probe_tls *t, const struct probe_tls_cred *cred,
		    const char *server_name, int fd)
{
	gnutls_session_t s;
	int r;

	memset(t, 0, sizeof(*t));
	t->fd = fd;
	/* GnuTLS writes its Finished and then our request: with Nagle's
	 * algorithm the request would wait for the Finished's ACK, which the
	 * server delays (40 ms on Linux), and first_byte would read 40 ms */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	r = gnutls_init(&s, GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL);
	if (r < 0)
		return pt_fail_setup(t, r, "session");
	t->session = s;
	r = gnutls_priority_set(s, cred->prio);
	if (r >= 0)
		r = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred->cred);
	if (r < 0)
		return pt_fail_setup(t, r, "settings");
	gnutls_transport_set_ptr(s, t);
	gnutls_transport_set_pull_function(s, pt_pull);
	gnutls_transport_set_push_function(s, pt_push);
	gnutls_transport_set_pull_timeout_function(s, pt_pull_timeout);
	/* the run's tls_timeout is the deadline; GnuTLS's own would only
	 * second-guess it */
	gnutls_handshake_set_timeout(s, 0);
	return pt_name(t, cred, server_name);
}

/* ---- the handshake ------------------------------------------------------------ */

static enum probe_tls_version pt_version(gnutls_session_t s)
{
	switch (gnutls_protocol_get_version(s)) {
	case GNUTLS_TLS1_2:
		return PROBE_TLS_1_2;
	case GNUTLS_TLS1_3:
		return PROBE_TLS_1_3;
	default:
		return PROBE_TLS_NONE;   /* the priorities allow no other */
	}
}

/* The earliest notAfter of the certificates the server sent (0: none):
 * when the endpoint stops working, whichever one it is. */
static double pt_not_after(gnutls_session_t s)
{
	const gnutls_datum_t *der;
	unsigned i, n = 0;
	double first = 0;

	der = gnutls_certificate_get_peers(s, &n);
	for (i = 0; der && i < n; i++) {
		gnutls_x509_crt_t crt;
		time_t t;

		if (gnutls_x509_crt_init(&crt) < 0)
			break;
		t = gnutls_x509_crt_import(crt, &der[i], GNUTLS_X509_FMT_DER) < 0 ? (time_t)-1 :
		    gnutls_x509_crt_get_expiration_time(crt);
		gnutls_x509_crt_deinit(crt);
		if (t != (time_t)-1 && (first == 0 || (double)t < first))
			first = (double)t;
	}
	return first;
}

/* GnuTLS's status text ends in ". " */
static void pt_trim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == ' ' || s[n - 1] == '.'))
		s[--n] = '\0';
}

static void pt_why(struct probe_tls *t, int r)
{
	gnutls_session_t s = t->session;
	gnutls_datum_t out = { NULL, 0 };

	if (r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR &&
	    gnutls_certificate_verification_status_print(gnutls_session_get_verify_cert_status(s),
							 GNUTLS_CRT_X509, &out, 0) >= 0) {
		snprintf(t->why, sizeof(t->why), "%s", (const char *)out.data);
		gnutls_free(out.data);
		pt_trim(t->why);
	} else if (r == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		snprintf(t->why, sizeof(t->why), "the server sent the alert %s",
			 gnutls_alert_get_name(gnutls_alert_get(s)));
	} else {
		snprintf(t->why, sizeof(t->why), "%s", gnutls_strerror(r));
	}
}

enum probe_tls_step probe_tls_handshake(struct probe_tls *t)
{
	int r = GNUTLS_E_AGAIN, i;

	if (t->handshaken)
		return PROBE_TLS_DONE;
	if (!t->session)
		return PROBE_TLS_FAILED;
	for (i = 0; i < PT_RETRIES; i++) {
		r = gnutls_handshake(t->session);
		if (r >= 0 || r == GNUTLS_E_AGAIN || gnutls_error_is_fatal(r))
			break;
	}
	if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
		return PROBE_TLS_AGAIN;
	/* what came, also from a handshake that failed on it */
	t->not_after = pt_not_after(t->session);
	if (r < 0) {
		pt_why(t, r);
		return PROBE_TLS_FAILED;
	}
	t->handshaken = true;
	t->version = pt_version(t->session);
	return PROBE_TLS_DONE;
}

short probe_tls_events(const struct probe_tls *t)
{
	/* 1: GnuTLS was writing when the socket stopped it */
	return t->session && gnutls_record_get_direction(t->session) ? POLLOUT : POLLIN;
}

/* ---- records ---------------------------------------------------------------------- */

ssize_t probe_tls_send(struct probe_tls *t, const void *buf, size_t len)
{
	ssize_t n;

	if (!t->handshaken || !t->session)
		return -EIO;
	n = gnutls_record_send(t->session, buf, len);
	if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
		return -EAGAIN;
	return n < 0 ? -EIO : n;
}

ssize_t probe_tls_recv(struct probe_tls *t, void *buf, size_t len)
{
	ssize_t n;
	int i;

	if (!t->handshaken || !t->session)
		return -EIO;
	for (i = 0; i < PT_RETRIES; i++) {
		n = gnutls_record_recv(t->session, buf, len);
		if (n >= 0)
			return n;
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			return -EAGAIN;
		/* a close without close_notify: the HTTP framing judges */
		if (n == GNUTLS_E_PREMATURE_TERMINATION)
			return 0;
		if (gnutls_error_is_fatal((int)n))
			return -EIO;
	}
	return -EAGAIN;
}

bool probe_tls_pending(const struct probe_tls *t)
{
	return t->handshaken && t->session && gnutls_record_check_pending(t->session) > 0;
}

void probe_tls_end(struct probe_tls *t)
{
	if (t->session)
		gnutls_deinit(t->session);
	t->session = NULL;
}

/* ---- names -------------------------------------------------------------------------- */

void probe_tls_default_name(const char *host, const char *target, char *out, size_t size)
{
	const char *from = host && *host ? host : target, *end;
	size_t n;

	if (!size)
		return;
	if (from == host && *from == '[' && (end = strchr(from, ']'))) {
		from++;                   /* "[v6]" or "[v6]:port" */
	} else {
		end = strchr(from, ':');
		/* one colon: a port; more: a bare IPv6 address */
		if (from != host || (end && strchr(end + 1, ':')))
			end = NULL;
	}
	n = end ? (size_t)(end - from) : strlen(from);
	if (n >= size)
		n = size - 1;
	memcpy(out, from, n);
	out[n] = '\0';
}
