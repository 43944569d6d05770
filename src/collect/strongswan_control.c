#include "collect/strongswan_control.h"

#include <errno.h>
#include <stdio.h>

#include "collect/strongswan_parse.h"
#include "common/deadline.h"
#include "vici/vici_conn.h"

/* Runs cmd with req on a fresh connection; charon's "success"/"errmsg"
 * decide.  A little over charon's own timeout, so that its answer (with
 * its reason) arrives before ours runs out. */
static int ssc_run(const char *socket_path, const char *cmd, struct vici_builder *b,
		   unsigned timeout_ms, struct ikw_err *err)
{
	struct deadline dl = deadline_in_ms((int)timeout_ms + 2000);
	struct vici_msg resp = VICI_MSG_INIT;
	struct vici_conn *c = NULL;
	int r;

	if (vici_builder_finish(b, err)) {
		vici_builder_release(b);
		return err_prefix(err, -EINVAL, "%s", cmd);
	}
	r = vici_connect(socket_path, &dl, &c, err);
	if (!r)
		r = vici_call(c, cmd, b, NULL, NULL, NULL, &resp, &dl, err);
	if (!r)
		r = ss_check_success(&resp, cmd, err);
	vici_msg_release(&resp);
	vici_close(c);
	vici_builder_release(b);
	return r;
}

static void ssc_timeout(struct vici_builder *b, unsigned timeout_ms)
{
	char t[16];

	snprintf(t, sizeof(t), "%u", timeout_ms);
	vici_add_kv_str(b, "timeout", t);
}

int ss_terminate(const char *socket_path, bool child, uint32_t id,
		 unsigned timeout_ms, struct ikw_err *err)
{
	struct vici_builder b;
	char v[16];

	vici_builder_init(&b);
	snprintf(v, sizeof(v), "%u", id);
	vici_add_kv_str(&b, child ? "child-id" : "ike-id", v);
	ssc_timeout(&b, timeout_ms);
	return ssc_run(socket_path, "terminate", &b, timeout_ms, err);
}

int ss_initiate(const char *socket_path, const char *ike, const char *child,
		unsigned timeout_ms, struct ikw_err *err)
{
	struct vici_builder b;

	vici_builder_init(&b);
	vici_add_kv_str(&b, "child", child);
	if (ike && ike[0])
		vici_add_kv_str(&b, "ike", ike);
	ssc_timeout(&b, timeout_ms);
	return ssc_run(socket_path, "initiate", &b, timeout_ms, err);
}
