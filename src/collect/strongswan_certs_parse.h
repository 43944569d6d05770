/* Pure translation of the certificate side of VICI: list-cert events (the
 * DER read by GnuTLS, the subject formatted as charon formats a DN) and the
 * auth sections of list-conn events (which subjects each connection side
 * names).  No I/O: the unit tests and the fuzzer feed these directly.  Each
 * returns 0 or -EBADMSG / -ENOMEM with err naming the message and field. */
#ifndef IKW_STRONGSWAN_CERTS_PARSE_H
#define IKW_STRONGSWAN_CERTS_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "model/conn_certs.h"
#include "vici/vici_codec.h"

/* One list-cert event: an X.509 certificate into cs->held (other types are
 * skipped), strings in a. */
int strongswan_certs_parse_cert(const struct vici_msg *msg, struct arena *a,
				struct cert_store *cs, struct ikw_err *err);

/* One list-conn event: the certificate subjects of each connection's auth
 * rounds into cs->refs: side local, the rounds' `certs` (kind end); side
 * remote, the rounds' `certs` (pinned peer certificates, kind end), else
 * their `cacerts` (kind ca). */
int strongswan_certs_parse_auth(const struct vici_msg *msg, struct arena *a,
				struct cert_store *cs, struct ikw_err *err);

/* A DER certificate: its notAfter and subject (and subject_alt) into *out,
 * strings in a. */
int strongswan_certs_parse_der(const uint8_t *der, size_t len, struct arena *a,
			       struct held_cert *out, struct ikw_err *err);

#endif
