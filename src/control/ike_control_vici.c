/* charon's backend of ike_control.h: the VICI commands. */
#include "control/ike_control.h"

#include <string.h>

#include "vici/vici_control.h"

static int icv_initiate(const struct ike_control *c, const char *conn,
			const char *child, unsigned timeout_ms, struct ikw_err *err)
{
	return vici_control_initiate(c->vici_socket, conn, child, timeout_ms, err);
}

/* charon rekeys by unique id alone */
static int icv_rekey(const struct ike_control *c, const char *conn, bool child,
		     uint32_t id, unsigned timeout_ms, struct ikw_err *err)
{
	(void)conn;
	return vici_control_rekey(c->vici_socket, child, id, timeout_ms, err);
}

void ike_control_vici(struct ike_control *c, const char *vici_socket)
{
	memset(c, 0, sizeof(*c));
	c->daemon = "charon";
	c->vici_socket = vici_socket;
	c->initiate = icv_initiate;
	c->rekey = icv_rekey;
}
