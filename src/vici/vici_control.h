/* The VICI commands that act on charon (the status view's actions and
 * remediation): terminate or rekey an IKE or a CHILD SA by its unique id,
 * and initiate a connection's CHILD SA.  Each opens its own VICI connection (the
 * collector's are busy scraping) and waits at most timeout_ms for charon's
 * answer.  Nothing here reads state: that is collect/strongswan.c. */
#ifndef IKW_VICI_CONTROL_H
#define IKW_VICI_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"
#include "vici/vici_codec.h"

/* child: terminate the CHILD SA with that unique id, else the IKE SA. */
int vici_control_terminate(const char *socket_path, bool child, uint32_t id,
			   unsigned timeout_ms, struct ikw_err *err);
/* child: rekey the CHILD SA with that unique id, else the IKE SA.  charon
 * only queues the exchange and answers at once ("no matching SAs" when the
 * id is gone); whether the rekey worked shows in the next listing. */
int vici_control_rekey(const char *socket_path, bool child, uint32_t id,
		       unsigned timeout_ms, struct ikw_err *err);
/* ike may be NULL (charon picks the connection that has child). */
int vici_control_initiate(const char *socket_path, const char *ike, const char *child,
			  unsigned timeout_ms, struct ikw_err *err);

/* Checks a command response's "success" key: -EIO with errmsg when "no"
 * (pure; also used by the collector's commands). */
int vici_check_success(const struct vici_msg *msg, const char *cmd,
		       struct ikw_err *err);

#endif
