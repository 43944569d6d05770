/* https probes end to end on loopback (127.0.0.1 and ::1 only), through the real
 * scheduler: a CA and a server certificate made here with GnuTLS, and
 * small servers, each on its own port: TLS 1.2 or 1.3 serving a large
 * body, TLS 1.2 only, a silent one that never answers the ClientHello, one
 * that answers half a record and stops, one that speaks plain HTTP.  The
 * client must pass with the CA, fail as tls with another CA or another
 * name, pass with insecure_skip_verify, end silence at tls_timeout as
 * timeout and a half answer as stalled, and report the version, the
 * phases and the certificate's notAfter; over IPv6 too, verified against
 * the certificate's IPv6 address.  Also the default server name. */
#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/log.h"
#include "probe/probe_store.h"
#include "probe/probe_tls.h"
#include "probe/scheduler.h"
#include "testlib.h"

#define BIG 70000                 /* several TLS records */
#define TIMEOUT_MS 1500
#define TLS_TIMEOUT_MS 400

/* ---- certificates -------------------------------------------------------- */

struct pki {
	gnutls_x509_privkey_t ca_key, other_key, key;
	gnutls_x509_crt_t ca, other, crt;
	time_t not_after;
	char ca_file[64], other_file[64];
};

static struct pki pki;

static gnutls_x509_privkey_t new_key(void)
{
	gnutls_x509_privkey_t k;

	gnutls_x509_privkey_init(&k);
	gnutls_x509_privkey_generate(k, GNUTLS_PK_ECDSA,
				     GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
	return k;
}

static gnutls_x509_crt_t new_crt(gnutls_x509_privkey_t key, const char *cn, unsigned serial,
				 time_t not_after)
{
	gnutls_x509_crt_t c;
	unsigned char sn[4] = { 0, 0, 0, (unsigned char)serial };

	gnutls_x509_crt_init(&c);
	gnutls_x509_crt_set_version(c, 3);
	gnutls_x509_crt_set_serial(c, sn, sizeof(sn));
	gnutls_x509_crt_set_activation_time(c, time(NULL) - 3600);
	gnutls_x509_crt_set_expiration_time(c, not_after);
	gnutls_x509_crt_set_dn_by_oid(c, GNUTLS_OID_X520_COMMON_NAME, 0, cn, (unsigned)strlen(cn));
	gnutls_x509_crt_set_key(c, key);
	return c;
}

static gnutls_x509_crt_t new_ca(gnutls_x509_privkey_t key, const char *cn, unsigned serial)
{
	gnutls_x509_crt_t c = new_crt(key, cn, serial, time(NULL) + 3650 * 86400L);

	gnutls_x509_crt_set_basic_constraints(c, 1, -1);
	gnutls_x509_crt_set_key_usage(c, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
	gnutls_x509_crt_sign2(c, c, key, GNUTLS_DIG_SHA256, 0);
	return c;
}

static bool write_pem(gnutls_x509_crt_t c, char *path)
{
	gnutls_datum_t d = { NULL, 0 };
	bool ok = false;
	int fd = mkstemp(path);

	if (fd >= 0 && gnutls_x509_crt_export2(c, GNUTLS_X509_FMT_PEM, &d) >= 0)
		ok = write(fd, d.data, d.size) == (ssize_t)d.size;
	gnutls_free(d.data);
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool pki_make(void)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	struct in6_addr lo6 = IN6ADDR_LOOPBACK_INIT;

	pki.ca_key = new_key();
	pki.other_key = new_key();
	pki.key = new_key();
	pki.ca = new_ca(pki.ca_key, "unit CA", 1);
	pki.other = new_ca(pki.other_key, "other CA", 2);
	pki.not_after = time(NULL) + 30 * 86400L;
	pki.crt = new_crt(pki.key, "127.0.0.1", 3, pki.not_after);
	gnutls_x509_crt_set_basic_constraints(pki.crt, 0, -1);
	gnutls_x509_crt_set_key_usage(pki.crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
	gnutls_x509_crt_set_key_purpose_oid(pki.crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
	gnutls_x509_crt_set_subject_alt_name(pki.crt, GNUTLS_SAN_DNSNAME, "svc.test", 8,
					     GNUTLS_FSAN_APPEND);
	gnutls_x509_crt_set_subject_alt_name(pki.crt, GNUTLS_SAN_IPADDRESS, &lo, 4,
					     GNUTLS_FSAN_APPEND);
	gnutls_x509_crt_set_subject_alt_name(pki.crt, GNUTLS_SAN_IPADDRESS, &lo6, 16,
					     GNUTLS_FSAN_APPEND);
	if (gnutls_x509_crt_sign2(pki.crt, pki.ca, pki.ca_key, GNUTLS_DIG_SHA256, 0) < 0)
		return false;
	snprintf(pki.ca_file, sizeof(pki.ca_file), "/tmp/ikw-test-ca-XXXXXX");
	snprintf(pki.other_file, sizeof(pki.other_file), "/tmp/ikw-test-other-XXXXXX");
	return write_pem(pki.ca, pki.ca_file) && write_pem(pki.other, pki.other_file);
}

static void pki_free(void)
{
	unlink(pki.ca_file);
	unlink(pki.other_file);
	gnutls_x509_crt_deinit(pki.ca);
	gnutls_x509_crt_deinit(pki.other);
	gnutls_x509_crt_deinit(pki.crt);
	gnutls_x509_privkey_deinit(pki.ca_key);
	gnutls_x509_privkey_deinit(pki.other_key);
	gnutls_x509_privkey_deinit(pki.key);
}

/* ---- the servers ------------------------------------------------------------- */

enum srv_kind { SRV_TLS, SRV_TLS12, SRV_SILENT, SRV_HALF, SRV_PLAIN, SRV_TLS6, SRV_KINDS };

static gnutls_certificate_credentials_t srv_cred;
static int lfd[SRV_KINDS];
static uint16_t ports[SRV_KINDS];

struct srv_conn {
	int fd;
	enum srv_kind kind;
};

/* Waits until the client goes away (or 3 s). */
static void hang(int fd)
{
	struct timeval tv = { 3, 0 };
	char b[64];

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (recv(fd, b, sizeof(b), 0) > 0)
		;
}

static void tls_send_all(gnutls_session_t s, const char *p, size_t n)
{
	while (n) {
		ssize_t k = gnutls_record_send(s, p, n);

		if (k <= 0)
			return;
		p += k;
		n -= (size_t)k;
	}
}

static void serve_tls(int fd, const char *prio)
{
	gnutls_session_t s;
	char req[4096], head[128], *body;
	size_t n = 0;
	ssize_t k;

	gnutls_init(&s, GNUTLS_SERVER);
	gnutls_priority_set_direct(s, prio, NULL);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, srv_cred);
	gnutls_transport_set_int(s, fd);
	if (gnutls_handshake(s) < 0)
		goto out;
	while (n < sizeof(req) - 1 && (k = gnutls_record_recv(s, req + n, sizeof(req) - 1 - n)) > 0) {
		n += (size_t)k;
		req[n] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	body = malloc(BIG);
	if (body) {
		memset(body, 'x', BIG);
		memcpy(body + BIG - 10, "MARKER", 6);
		snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", BIG);
		tls_send_all(s, head, strlen(head));
		tls_send_all(s, body, BIG);
		free(body);
	}
	gnutls_bye(s, GNUTLS_SHUT_WR);
out:
	gnutls_deinit(s);
}

static void *conn_main(void *arg)
{
	struct srv_conn c = *(struct srv_conn *)arg;
	char b[512];

	free(arg);
	switch (c.kind) {
	case SRV_TLS:
	case SRV_TLS6:
		serve_tls(c.fd, "NORMAL");
		break;
	case SRV_TLS12:
		serve_tls(c.fd, "NORMAL:-VERS-ALL:+VERS-TLS1.2");
		break;
	case SRV_HALF:
		/* a handshake record's header and a little of it, then nothing */
		if (recv(c.fd, b, sizeof(b), 0) > 0 &&
		    send(c.fd, "\x16\x03\x03\x01\x00\x02\x00", 7, MSG_NOSIGNAL) == 7)
			hang(c.fd);
		break;
	case SRV_PLAIN:
		if (recv(c.fd, b, sizeof(b), 0) > 0)
			send(c.fd, "HTTP/1.0 400 Bad Request\r\n\r\n", 28, MSG_NOSIGNAL);
		break;
	default:
		hang(c.fd);
		break;
	}
	close(c.fd);
	return NULL;
}

static void *server_main(void *arg)
{
	enum srv_kind kind = (enum srv_kind)(intptr_t)arg;
	pthread_t t;
	int fd;

	while ((fd = accept(lfd[kind], NULL, NULL)) >= 0) {
		struct srv_conn *c = malloc(sizeof(*c));

		if (c)
			*c = (struct srv_conn){ fd, kind };
		if (!c || pthread_create(&t, NULL, conn_main, c)) {
			free(c);
			close(fd);
			continue;
		}
		pthread_detach(t);
	}
	return NULL;
}

/* A listening socket on 127.0.0.1, or ::1 (v6), its port in *port. */
static int listener(bool v6, uint16_t *port)
{
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct sockaddr *a = v6 ? (struct sockaddr *)&sa6 : (struct sockaddr *)&sa;
	socklen_t len = v6 ? sizeof(sa6) : sizeof(sa);
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, a, len) || listen(fd, 32) || getsockname(fd, a, &len))
		return -1;
	*port = ntohs(v6 ? sa6.sin6_port : sa.sin_port);
	return fd;
}

/* ---- the probes ----------------------------------------------------------------- */

#define NPROBES 10
static struct probe_spec specs[NPROBES];

static struct probe_spec *spec(size_t i, const char *name, enum srv_kind kind, const char *ca)
{
	specs[i] = (struct probe_spec){
		.conn = strdup("lo"), .child = strdup("lo"), .name = strdup(name),
		.type = PROBE_HTTP, .target = strdup("127.0.0.1"),
		.target_offset = PROBE_OFFSET_NONE, .source = strdup("127.0.0.1"),
		.source_offset = PROBE_OFFSET_NONE, .port = ports[kind], .interval_ms = 5000,
		.timeout_ms = TIMEOUT_MS, .count = 1, .path = strdup("/"), .tls = true,
		.ca_file = ca ? strdup(ca) : NULL, .tls_timeout_ms = TLS_TIMEOUT_MS,
	};
	return &specs[i];
}

static const struct probe_view *find(const struct probe_snapshot *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

static void expect(const struct probe_snapshot *s, const char *name, enum probe_fail why)
{
	const struct probe_view *v = find(s, name);

	if (!v || v->fail != why || v->success != (why == PROBE_FAIL_NONE))
		testlib_fail(__FILE__, __LINE__, "%s: %s, want %s", name,
			     v ? probe_fail_names[v->fail] : "missing", probe_fail_names[why]);
}

static void test_runs(void)
{
	struct probe_config pc = { specs, NPROBES, 16 };
	struct probe_store *st = probe_store_new(&pc);
	struct arena ar = ARENA_INIT;
	struct probe_snapshot snap;
	const struct probe_view *v;

	CHECK_INT(probe_sched_run_once(&pc, st), 0);
	CHECK_INT(probe_store_view(st, &ar, true, &snap), 0);
	CHECK_INT(snap.n, NPROBES);
	expect(&snap, "ok", PROBE_FAIL_NONE);
	v = find(&snap, "ok");
	CHECK(v && v->tls && v->http.status == 200 && v->http.bytes > BIG);
	CHECK(v && v->http.tls_version == PROBE_TLS_1_3);
	CHECK(v && v->http.tls_not_after == (double)pki.not_after);
	if (v && !(v->http.phase[PROBE_HTTP_CONNECT] >= 0 && v->http.phase[PROBE_HTTP_TLS] > 0 &&
		   v->http.phase[PROBE_HTTP_FIRST_BYTE] >= 0 && v->http.phase[PROBE_HTTP_TRANSFER] >= 0))
		testlib_fail(__FILE__, __LINE__, "ok: phases %g %g %g %g",
			     v->http.phase[PROBE_HTTP_CONNECT], v->http.phase[PROBE_HTTP_TLS],
			     v->http.phase[PROBE_HTTP_FIRST_BYTE], v->http.phase[PROBE_HTTP_TRANSFER]);
	expect(&snap, "tls12", PROBE_FAIL_NONE);
	v = find(&snap, "tls12");
	CHECK(v && v->http.tls_version == PROBE_TLS_1_2);
	expect(&snap, "byname", PROBE_FAIL_NONE);
	expect(&snap, "wrongname", PROBE_FAIL_TLS);
	expect(&snap, "wrongca", PROBE_FAIL_TLS);
	v = find(&snap, "wrongca");
	/* the certificate came, though it was not trusted; no request went */
	CHECK(v && v->http.tls_not_after == (double)pki.not_after &&
	      v->http.tls_version == PROBE_TLS_NONE && v->http.phase[PROBE_HTTP_FIRST_BYTE] < 0);
	expect(&snap, "insecure", PROBE_FAIL_NONE);
	expect(&snap, "silent", PROBE_FAIL_TIMEOUT);
	v = find(&snap, "silent");
	/* at tls_timeout, not at the whole timeout */
	CHECK(v && v->http.phase[PROBE_HTTP_TLS] >= TLS_TIMEOUT_MS / 1000.0 &&
	      v->http.phase[PROBE_HTTP_TLS] < TLS_TIMEOUT_MS / 1000.0 + 0.3);
	CHECK(v && v->http.tls_not_after == 0 && v->http.phase[PROBE_HTTP_FIRST_BYTE] < 0);
	expect(&snap, "half", PROBE_FAIL_STALLED);
	expect(&snap, "plain", PROBE_FAIL_TLS);
	expect(&snap, "ok6", PROBE_FAIL_NONE);
	v = find(&snap, "ok6");
	CHECK(v && v->http.status == 200 && v->http.tls_version == PROBE_TLS_1_3);
	arena_release(&ar);
	probe_store_free(st);
}

/* ---- the default name ------------------------------------------------------------ */

static void test_default_name(void)
{
	static const struct { const char *host, *target, *want; } t[] = {
		{ NULL, "10.1.0.10", "10.1.0.10" },
		{ "", "10.1.0.10", "10.1.0.10" },
		{ "svc.example", "10.1.0.10", "svc.example" },
		{ "svc.example:8443", "10.1.0.10", "svc.example" },
		{ "[2001:db8::1]:443", "10.1.0.10", "2001:db8::1" },
		{ "[2001:db8::1]", "10.1.0.10", "2001:db8::1" },
		{ "2001:db8::1", "10.1.0.10", "2001:db8::1" },
		{ NULL, "2001:db8::2", "2001:db8::2" },
	};
	char out[PROBE_HOST_MAX + 1], small[4];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		probe_tls_default_name(t[i].host, t[i].target, out, sizeof(out));
		if (strcmp(out, t[i].want))
			testlib_fail(__FILE__, __LINE__, "case %zu: '%s', want '%s'", i, out, t[i].want);
	}
	probe_tls_default_name("svc.example", "x", small, sizeof(small));
	CHECK_STR(small, "svc");
}

static void test_version_names(void)
{
	CHECK_STR(probe_tls_version_names[PROBE_TLS_1_2], "TLS 1.2");
	CHECK_STR(probe_tls_version_names[PROBE_TLS_1_3], "TLS 1.3");
	CHECK_STR(probe_fail_names[PROBE_FAIL_TLS], "tls");
	CHECK_STR(probe_http_phase_names[PROBE_HTTP_TLS], "tls");
}

int main(void)
{
	pthread_t srv[SRV_KINDS];
	int r, k;
	size_t i;

	log_set_level(LOG_LEVEL_ERROR);
	RUN(test_default_name);
	RUN(test_version_names);
	if (!pki_make() || gnutls_certificate_allocate_credentials(&srv_cred) < 0 ||
	    gnutls_certificate_set_x509_key(srv_cred, &pki.crt, 1, pki.key) < 0) {
		CHECK(!"certificates made");
		return testlib_done();
	}
	for (k = 0; k < SRV_KINDS; k++) {
		lfd[k] = listener(k == SRV_TLS6, &ports[k]);
		CHECK(lfd[k] >= 0);
		if (lfd[k] < 0 || pthread_create(&srv[k], NULL, server_main, (void *)(intptr_t)k))
			return 1;
	}
	spec(0, "ok", SRV_TLS, pki.ca_file)->expect_body = strdup("MARKER");
	specs[0].min_bytes = 65536;
	spec(1, "tls12", SRV_TLS12, pki.ca_file);
	spec(2, "byname", SRV_TLS, pki.ca_file)->server_name = strdup("svc.test");
	spec(3, "wrongname", SRV_TLS, pki.ca_file)->server_name = strdup("other.test");
	spec(4, "wrongca", SRV_TLS, pki.other_file);
	spec(5, "insecure", SRV_TLS, NULL)->insecure_skip_verify = true;
	spec(6, "silent", SRV_SILENT, pki.ca_file);
	spec(7, "half", SRV_HALF, pki.ca_file);
	spec(8, "plain", SRV_PLAIN, pki.ca_file);
	/* over IPv6, the name checked is the address: the certificate's ::1 */
	spec(9, "ok6", SRV_TLS6, pki.ca_file);
	free(specs[9].target), free(specs[9].source);
	specs[9].target = strdup("::1");
	specs[9].source = strdup("::1");
	RUN(test_runs);
	r = testlib_done();
	for (i = 0; i < NPROBES; i++)
		probe_spec_release(&specs[i]);
	for (k = 0; k < SRV_KINDS; k++) {
		shutdown(lfd[k], SHUT_RDWR);
		pthread_join(srv[k], NULL);
		close(lfd[k]);
	}
	gnutls_certificate_free_credentials(srv_cred);
	pki_free();
	return r;
}
