/* The IKE daemon's control operations that remediation needs (initiate a
 * conn's CHILD SA, rekey an SA), behind one interface so that remediation
 * does not know which daemon it talks to:
 *
 *   vici   charon: vici/vici_control.c over the VICI socket
 *   whack  pluto: `whack --ctlsocket S --name CONN --initiate` (and
 *          --rekey-ike/--rekey-ipsec), run by cmd_run within the timeout
 *          and killed by its pid when late
 *
 * A backend is a few strings and two functions; it is copied by value and
 * its strings must outlive it. */
#ifndef IKW_IKE_CONTROL_H
#define IKW_IKE_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"

struct ike_control {
	const char *daemon;            /* "charon" or "pluto", for messages */
	const char *vici_socket;       /* vici */
	const char *whack, *ctlsocket; /* whack */
	/* Initiates conn's CHILD SA child (pluto: the conn; child is its
	 * name).  0 when the daemon says it is up, else -errno, err set. */
	int (*initiate)(const struct ike_control *c, const char *conn,
			const char *child, unsigned timeout_ms, struct ikw_err *err);
	/* Rekeys the CHILD SA (child) or the IKE SA with unique id id of
	 * conn; the daemon only queues it (pluto: --asynchronous). */
	int (*rekey)(const struct ike_control *c, const char *conn, bool child,
		     uint32_t id, unsigned timeout_ms, struct ikw_err *err);
};

void ike_control_vici(struct ike_control *c, const char *vici_socket);
void ike_control_whack(struct ike_control *c, const char *whack,
		       const char *ctlsocket);

/* whack's argv for an operation on conn ("--initiate", "--rekey-ike",
 * "--rekey-ipsec"): argv[8], NULL-terminated; points into the arguments
 * (pure, for the tests). */
void ike_control_whack_argv(const struct ike_control *c, const char *op,
			    const char *conn, bool async, const char *argv[8]);

#endif
