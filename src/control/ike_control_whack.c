/* pluto's backend of ike_control.h: whack, as the libreswan collector runs
 * it (pluto's socket protocol is build-specific; whack is its interface). */
#include "control/ike_control.h"

#include <errno.h>
#include <string.h>

#include "common/cmd_run.h"
#include "common/strbuf.h"

#define ICW_OUTPUT_MAX 16384   /* whack's progress lines; the last say why */

void ike_control_whack_argv(const struct ike_control *c, const char *op,
			    const char *conn, bool async, const char *argv[8])
{
	size_t n = 0;

	argv[n++] = c->whack;
	argv[n++] = "--ctlsocket";
	argv[n++] = c->ctlsocket;
	argv[n++] = "--name";
	argv[n++] = conn;
	argv[n++] = op;
	if (async)
		argv[n++] = "--asynchronous";
	argv[n] = NULL;
}

/* The last non-empty line of whack's output, for the error: pluto's
 * reason ("021 no connection named ...", "... failed ..."). */
static void icw_last_line(const char *s, char *out, size_t cap)
{
	const char *end = s + strlen(s), *start;

	while (end > s && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	start = end;
	while (start > s && start[-1] != '\n')
		start--;
	if ((size_t)(end - start) >= cap)
		end = start + cap - 1;
	memcpy(out, start, (size_t)(end - start));
	out[end - start] = '\0';
}

static int icw_run(const struct ike_control *c, const char *op, const char *conn,
		   bool async, unsigned timeout_ms, struct ikw_err *err)
{
	const char *argv[8];
	struct strbuf out = STRBUF_INIT;
	struct cmd_run_result res;
	char last[200] = "";
	int r;

	ike_control_whack_argv(c, op, conn, async, argv);
	r = cmd_run((char *const *)argv, timeout_ms, &out, ICW_OUTPUT_MAX, &res, err);
	if (!r) {
		icw_last_line(strbuf_str(&out), last, sizeof(last));
		if (res.timed_out)
			r = err_set(err, -ETIMEDOUT, "whack %s %s: no answer within %u ms; "
				    "killed (pluto goes on trying)", op, conn, timeout_ms);
		else if (res.exit_code != 0)
			r = err_set(err, -EIO, "whack %s %s exited %d%s%s", op, conn,
				    res.exit_code, last[0] ? ": " : "", last);
	}
	strbuf_release(&out);
	return r;
}

/* pluto's conn is its one CHILD SA: child names it too */
static int icw_initiate(const struct ike_control *c, const char *conn,
			const char *child, unsigned timeout_ms, struct ikw_err *err)
{
	return icw_run(c, "--initiate", conn && conn[0] ? conn : child, false,
		       timeout_ms, err);
}

/* whack rekeys a conn's newest SA by the conn's name, not by serial */
static int icw_rekey(const struct ike_control *c, const char *conn, bool child,
		     uint32_t id, unsigned timeout_ms, struct ikw_err *err)
{
	(void)id;
	return icw_run(c, child ? "--rekey-ipsec" : "--rekey-ike", conn, true,
		       timeout_ms, err);
}

void ike_control_whack(struct ike_control *c, const char *whack,
		       const char *ctlsocket)
{
	memset(c, 0, sizeof(*c));
	c->daemon = "pluto";
	c->whack = whack;
	c->ctlsocket = ctlsocket;
	c->initiate = icw_initiate;
	c->rekey = icw_rekey;
}
