#include "cli/serve_preflight.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/privdrop.h"
#include "common/log.h"
#include "common/num.h"
#include "config/config.h"

int serve_preflight_vici(const char *p)
{
	struct stat st;

	if (!strncmp(p, "unix://", 7))
		p += 7;
	if (stat(p, &st) < 0) {
		log_error("VICI socket %s: %s: the vici collector fails until it "
			  "appears (is charon running, with the vici plugin?)", p,
			  strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		log_error("VICI socket %s is not a socket: the vici collector fails", p);
		return -1;
	}
	if (access(p, R_OK | W_OK) < 0) {
		log_error("VICI socket %s: %s: ikewatch (uid %u) needs read and write "
			  "access; put it in the socket's group (gid %u) or run charon's "
			  "vici socket with a group it is in; the vici collector fails "
			  "until then", p, strerror(errno), (unsigned)geteuid(),
			  (unsigned)st.st_gid);
		return -1;
	}
	return 0;
}

/* The port of a listen address ("127.0.0.1:80", "[::1]:80", ":80"). */
static uint64_t serve_listen_port(const char *addr)
{
	const char *colon = strrchr(addr, ':');
	uint64_t port = 0;

	if (colon)
		num_parse_u64_str(colon + 1, 65535, &port);
	return port;
}

int serve_drop_privileges(const struct config *c)
{
	struct ikw_err err = { "" };
	uint64_t keep = 0;
	char names[128];

	if (!c->run_as)
		return 0;
	if (c->xfrm_enabled)
		keep |= 1ULL << PRIVDROP_CAP_NET_ADMIN;
	if (c->xfrm_enabled && c->xfrm_netns)
		keep |= 1ULL << PRIVDROP_CAP_SYS_ADMIN;
	if (serve_listen_port(c->listen_address) < 1024)
		keep |= 1ULL << PRIVDROP_CAP_NET_BIND_SERVICE;
	if (privdrop_to(c->run_as, &keep, c->probes.n > 0, &err)) {
		log_error("%s", err.msg);
		return -1;
	}
	privdrop_caps_str(keep, names, sizeof(names));
	log_info("running as %s (uid %u, gid %u), capabilities: %s", c->run_as,
		 (unsigned)getuid(), (unsigned)getgid(), names);
	return 0;
}
