#include "vici/vici_control.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "common/deadline.h"
#include "vici/vici_conn.h"

int vici_check_success(const struct vici_msg *msg, const char *cmd,
		       struct ikw_err *err)
{
	char errmsg[200];

	if (vici_find(msg, VICI_ROOT, "success") == SIZE_MAX ||
	    vici_get_yes(msg, VICI_ROOT, "success"))
		return 0;
	if (vici_get_str(msg, VICI_ROOT, "errmsg", errmsg, sizeof(errmsg)) != 0)
		snprintf(errmsg, sizeof(errmsg), "no reason given");
	return err_set(err, -EIO, "%s failed: %s", cmd, errmsg);
}

/* Runs cmd with req on a fresh connection; charon's "success"/"errmsg"
 * decide.  A little over charon's own timeout, so that its answer (with
 * its reason) arrives before ours runs out. */
static int vici_control_run(const char *socket_path, const char *cmd, struct vici_builder *b,
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
		r = vici_check_success(&resp, cmd, err);
	vici_msg_release(&resp);
	vici_close(c);
	vici_builder_release(b);
	return r;
}

static void vici_control_timeout(struct vici_builder *b, unsigned timeout_ms)
{
	char t[16];

	snprintf(t, sizeof(t), "%u", timeout_ms);
	vici_add_kv_str(b, "timeout", t);
}

/* cmd ("terminate", "rekey") on one SA by its unique id; charon's own
 * timeout only where the command waits for the exchange. */
static int vici_control_by_id(const char *socket_path, const char *cmd, bool child, uint32_t id,
			      bool with_timeout, unsigned timeout_ms, struct ikw_err *err)
{
	struct vici_builder b;
	char v[16];

	vici_builder_init(&b);
	snprintf(v, sizeof(v), "%u", id);
	vici_add_kv_str(&b, child ? "child-id" : "ike-id", v);
	if (with_timeout)
		vici_control_timeout(&b, timeout_ms);
	return vici_control_run(socket_path, cmd, &b, timeout_ms, err);
}

int vici_control_terminate(const char *socket_path, bool child, uint32_t id,
			   unsigned timeout_ms, struct ikw_err *err)
{
	return vici_control_by_id(socket_path, "terminate", child, id, true, timeout_ms, err);
}

int vici_control_rekey(const char *socket_path, bool child, uint32_t id,
		       unsigned timeout_ms, struct ikw_err *err)
{
	return vici_control_by_id(socket_path, "rekey", child, id, false, timeout_ms, err);
}

int vici_control_initiate(const char *socket_path, const char *ike, const char *child,
			  unsigned timeout_ms, struct ikw_err *err)
{
	struct vici_builder b;

	vici_builder_init(&b);
	vici_add_kv_str(&b, "child", child);
	if (ike && ike[0])
		vici_add_kv_str(&b, "ike", ike);
	vici_control_timeout(&b, timeout_ms);
	return vici_control_run(socket_path, "initiate", &b, timeout_ms, err);
}
