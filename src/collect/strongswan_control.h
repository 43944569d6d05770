/* The two commands the status view may send to charon: terminate an IKE or
 * a CHILD SA by its unique id, and initiate a connection's CHILD SA.  Each
 * opens its own VICI connection (the collector's are busy scraping) and
 * waits at most timeout_ms for charon's answer. */
#ifndef IKW_STRONGSWAN_CONTROL_H
#define IKW_STRONGSWAN_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"

/* child: terminate the CHILD SA with that unique id, else the IKE SA. */
int ss_terminate(const char *socket_path, bool child, uint32_t id,
		 unsigned timeout_ms, struct ikw_err *err);
/* ike may be NULL (charon picks the connection that has child). */
int ss_initiate(const char *socket_path, const char *ike, const char *child,
		unsigned timeout_ms, struct ikw_err *err);

#endif
