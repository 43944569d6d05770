#include "cli/serve_preflight.h"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/privdrop.h"
#include "common/log.h"
#include "common/strbuf.h"
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

/* Adds the ICMP probes' namespaces to the plan (each once). */
static void serve_plan_icmp(const struct config *c, struct privdrop_plan *p)
{
	size_t i, j;

	for (i = 0; i < c->probes.n; i++) {
		const struct probe_spec *s = &c->probes.v[i];

		if (s->type != PROBE_ICMP && s->type != PROBE_MTU)
			continue;
		if (!s->netns) {
			p->icmp_own_netns = true;
			continue;
		}
		for (j = 0; j < p->n_icmp_netns && strcmp(p->icmp_netns[j], s->netns); j++)
			;
		if (j == p->n_icmp_netns && j < PRIVDROP_NETNS_MAX)
			p->icmp_netns[p->n_icmp_netns++] = s->netns;
		else if (j == PRIVDROP_NETNS_MAX)
			p->icmp_own_netns = true;  /* too many to check: keep it simple */
	}
}

static bool serve_netns_probes(const struct config *c)
{
	size_t i;

	for (i = 0; i < c->probes.n; i++)
		if (c->probes.v[i].netns)
			return true;
	return false;
}

/* What each configured feature needs, and why (for the log line). */
static void serve_plan(const struct config *c, struct privdrop_plan *p, struct strbuf *why)
{
	memset(p, 0, sizeof(*p));
	if (c->xfrm_enabled || c->remediate.enabled) {
		p->keep |= 1ULL << PRIVDROP_CAP_NET_ADMIN;
		strbuf_addf(why, "%scap_net_admin for %s", why->len ? "; " : "",
			    c->xfrm_enabled && c->remediate.enabled ?
			    "the xfrm collector and remediation's diagnostics" :
			    c->xfrm_enabled ? "the xfrm collector" : "remediation's diagnostics");
	}
	if (c->remediate.enabled)  /* diagnostics children, through the ambient set */
		p->inheritable |= 1ULL << PRIVDROP_CAP_NET_ADMIN;
	if ((c->xfrm_enabled && c->xfrm_netns) || serve_netns_probes(c)) {
		p->keep |= 1ULL << PRIVDROP_CAP_SYS_ADMIN;
		strbuf_addf(why, "%scap_sys_admin to enter network namespaces (%s)",
			    why->len ? "; " : "",
			    serve_netns_probes(c) ? "probes with netns" : "--collector.xfrm.netns");
	}
	serve_plan_icmp(c, p);
}

int serve_drop_privileges(const struct config *c)
{
	struct ikw_err err = { "" };
	struct strbuf why = STRBUF_INIT;
	struct privdrop_plan plan;
	uint64_t kept = 0;
	char names[128];

	if (!c->run_as) {
		/* systemd's AmbientCapabilities= would pass CAP_NET_ADMIN to every
		 * child; the diagnostics raise it for their own spawn instead */
		prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
		return 0;
	}
	serve_plan(c, &plan, &why);
	if (privdrop_to(c->run_as, &plan, &kept, &err)) {
		log_error("%s", err.msg);
		strbuf_release(&why);
		return -1;
	}
	if (kept & ~plan.keep)
		strbuf_addf(&why, "%scap_net_raw for ICMP probes (the user's groups are outside "
			    "net.ipv4.ping_group_range)", why.len ? "; " : "");
	privdrop_caps_str(kept, names, sizeof(names));
	log_info("running as %s (uid %u, gid %u), capabilities: %s%s%s%s", c->run_as,
		 (unsigned)getuid(), (unsigned)getgid(), names, why.len ? " (" : "",
		 strbuf_str(&why), why.len ? ")" : "");
	strbuf_release(&why);
	return 0;
}
