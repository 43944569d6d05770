/* What the https probes trust, set up once and shared by every run: one
 * GnuTLS credentials object per distinct ca_file, one holding the system's
 * trust store (read once, and only when a probe verifies against it), one
 * without trust for insecure_skip_verify, and the priorities (TLS 1.2 and
 * 1.3 only).  Loading a trust store is the costly part of a client (the
 * system's has well over a hundred certificates), so it is not done per
 * run.  Read-only once built: runs on any thread may share it. */
#ifndef IKW_PROBE_TLS_TRUST_H
#define IKW_PROBE_TLS_TRUST_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "probe/probe.h"

/* GnuTLS's priorities for the probes: nothing older than TLS 1.2. */
#define PROBE_TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

/* One probe's trust: GnuTLS objects behind void, so that this header does
 * not pull GnuTLS's into every file that includes the probes'. */
struct probe_tls_cred {
	void *cred;                   /* gnutls_certificate_credentials_t */
	void *prio;                   /* gnutls_priority_t, the table's */
	bool verify;                  /* check the certificate and its name */
};

struct probe_tls_trust;

/* Builds the trust of every https probe of pc (which must outlive it).
 * Returns 0 with *out set (also when no probe uses https), or -errno with
 * err naming the probe and the file. */
int probe_tls_trust_new(const struct probe_config *pc, struct probe_tls_trust **out,
			struct ikw_err *err);
void probe_tls_trust_free(struct probe_tls_trust *t);  /* accepts NULL */
/* The trust of probe idx; NULL for a probe that is not https. */
const struct probe_tls_cred *probe_tls_trust_get(const struct probe_tls_trust *t, size_t idx);

/* Reads path as a PEM list of CA certificates (at most PROBE_CA_FILE_MAX
 * bytes): 0 when it holds at least one, else -errno with err saying why
 * (for the config's check at load time). */
int probe_tls_ca_check(const char *path, struct ikw_err *err);

#endif
