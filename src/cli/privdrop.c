#include "cli/privdrop.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/file.h"
#include "common/num.h"

static const struct { unsigned cap; const char *name; } privdrop_names[] = {
	{ PRIVDROP_CAP_NET_BIND_SERVICE, "cap_net_bind_service" },
	{ PRIVDROP_CAP_NET_ADMIN, "cap_net_admin" },
	{ PRIVDROP_CAP_NET_RAW, "cap_net_raw" },
	{ PRIVDROP_CAP_SYS_ADMIN, "cap_sys_admin" },
};

void privdrop_caps_str(uint64_t caps, char *buf, size_t size)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(privdrop_names) / sizeof(privdrop_names[0]); i++)
		if (caps & (1ULL << privdrop_names[i].cap) && off < size)
			off += (size_t)snprintf(buf + off, size - off, "%s%s",
						off ? "," : "", privdrop_names[i].name);
	if (!buf[0])
		snprintf(buf, size, "none");
}

static unsigned privdrop_last_cap(void)
{
	char *buf;
	size_t len;
	uint64_t n = 40;

	if (file_read_proc("/proc/sys/kernel/cap_last_cap", 64, &buf, &len, NULL) == 0) {
		buf[strcspn(buf, "\n")] = '\0';
		if (num_parse_u64_str(buf, 63, &n))
			n = 40;
		free(buf);
	}
	return (unsigned)n;
}

static int privdrop_capset(uint64_t keep, uint64_t inheritable)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = (uint32_t)keep;
	d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
	d[0].inheritable = (uint32_t)inheritable;
	d[1].inheritable = (uint32_t)(inheritable >> 32);
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

/* Skips blanks, then measures the token that follows (up to a blank or
 * the end of the line). */
static const char *privdrop_token(const char *p, size_t *len)
{
	while (*p == ' ' || *p == '\t')
		p++;
	*len = strcspn(p, " \t\n");
	return p;
}

/* The kernel prints a capability mask as exactly 16 hex digits; num.h reads
 * decimal only, so this is the one strict hex reader: all digits, the
 * whole token, at most 64 bits. */
static int privdrop_hex_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!len || len > 16)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		char ch = s[i];
		unsigned d;

		if (ch >= '0' && ch <= '9')
			d = (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			d = (unsigned)(ch - 'a' + 10);
		else
			return -EINVAL;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

/* The hex mask of a "CapXxx:" line of /proc/self/status. */
static int privdrop_status_caps(const char *status, const char *key, uint64_t *out)
{
	const char *p = strstr(status, key);
	size_t len;

	if (!p)
		return -ENOENT;
	p = privdrop_token(p + strlen(key), &len);
	return privdrop_hex_u64(p, len, out);
}

static int privdrop_verify(uid_t uid, uint64_t keep, uint64_t inheritable,
			   struct ikw_err *err)
{
	static const char *const keys[] = { "CapPrm:", "CapEff:", "CapBnd:", "CapInh:" };
	char *status;
	size_t len, i;
	char want[32];
	int r = file_read_proc("/proc/self/status", 64 * 1024, &status, &len, err);

	if (r)
		return r;
	snprintf(want, sizeof(want), "\nUid:\t%u\t%u\t%u\t%u\n", (unsigned)uid,
		 (unsigned)uid, (unsigned)uid, (unsigned)uid);
	if (!strstr(status, want))
		r = err_set(err, -EPERM, "after dropping privileges the uid is not %u",
			    (unsigned)uid);
	for (i = 0; !r && i < 4; i++) {
		uint64_t caps, mask = i == 3 ? inheritable : keep;

		if (privdrop_status_caps(status, keys[i], &caps) || caps != mask)
			r = err_set(err, -EPERM, "after dropping privileges %s is "
				    "not %#llx", keys[i], (unsigned long long)mask);
	}
	free(status);
	return r;
}

/* The user's groups, primary and supplementary; n 0 on failure. */
static size_t privdrop_groups(const struct passwd *pw, gid_t *out, size_t max)
{
	int n = (int)max;

	if (getgrouplist(pw->pw_name, pw->pw_gid, out, &n) < 0)
		return 0;
	return (size_t)n;
}

bool privdrop_ping_range_allows(const char *range, const gid_t *groups, size_t n)
{
	uint64_t lo = 1, hi = 0;
	const char *p;
	size_t len, i;

	/* "LOW\tHIGH\n"; the kernel's "1 0" (the default) allows nobody */
	p = privdrop_token(range, &len);
	if (num_parse_u64(p, len, UINT32_MAX, &lo))
		return false;
	p = privdrop_token(p + len, &len);
	if (num_parse_u64(p, len, UINT32_MAX, &hi))
		return false;
	for (i = 0; i < n; i++)
		if (lo <= groups[i] && groups[i] <= hi)
			return true;
	return false;
}

struct privdrop_ns_read {
	const char *netns;
	char range[64];
	bool ok;
};

/* The ping_group_range of a named netns: /proc/sys/net answers for the
 * namespace of the thread that opens it, so a short-lived thread enters
 * the netns and reads it (setns changes only that thread). */
static void *privdrop_ns_reader(void *arg)
{
	struct privdrop_ns_read *rd = arg;
	char path[300], *buf;
	size_t len;
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", rd->netns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	close(fd);
	if (file_read_proc("/proc/sys/net/ipv4/ping_group_range", 256, &buf, &len,
			   NULL) == 0) {
		snprintf(rd->range, sizeof(rd->range), "%s", buf);
		rd->ok = true;
		free(buf);
	}
	return NULL;
}

/* Whether the groups may open ping sockets in netns (NULL: our own). */
static bool privdrop_ping_ok(const char *netns, const gid_t *groups, size_t n)
{
	struct privdrop_ns_read rd = { netns, "", false };
	pthread_t t;
	char *buf;
	size_t len;
	bool ok;

	if (!netns) {
		if (file_read_proc("/proc/sys/net/ipv4/ping_group_range", 256, &buf, &len,
				   NULL))
			return false;
		ok = privdrop_ping_range_allows(buf, groups, n);
		free(buf);
		return ok;
	}
	if (pthread_create(&t, NULL, privdrop_ns_reader, &rd))
		return false;
	pthread_join(t, NULL);
	return rd.ok && privdrop_ping_range_allows(rd.range, groups, n);
}

/* CAP_NET_RAW when one of the ICMP probes' namespaces refuses ping sockets
 * to every group of the user. */
static bool privdrop_needs_raw(const struct privdrop_plan *p, const struct passwd *pw)
{
	gid_t groups[256];
	size_t n = privdrop_groups(pw, groups, 256), i;

	if (p->icmp_own_netns && !privdrop_ping_ok(NULL, groups, n))
		return true;
	for (i = 0; i < p->n_icmp_netns; i++)
		if (!privdrop_ping_ok(p->icmp_netns[i], groups, n))
			return true;
	return false;
}

/* Bounding set, then user and groups, then the capability sets. */
static int privdrop_switch(const struct passwd *pw, uint64_t keep, uint64_t inh,
			   struct ikw_err *err)
{
	unsigned cap, last = privdrop_last_cap();
	int r;

	/* the bounding set first: dropping from it needs CAP_SETPCAP */
	for (cap = 0; cap <= last; cap++)
		if (!(keep & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 &&
		    errno != EINVAL)
			return err_set(err, -errno, "cannot drop capability %u: %s", cap,
				       strerror(errno));
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return err_set(err, -errno, "PR_SET_KEEPCAPS: %s", strerror(errno));
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0)
		return err_set(err, -errno, "cannot become %s (uid %u, gid %u): %s",
			       pw->pw_name, (unsigned)pw->pw_uid, (unsigned)pw->pw_gid,
			       strerror(errno));
	r = privdrop_capset(keep, inh);
	if (r)
		return err_set(err, r, "capset: %s", strerror(-r));
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	return privdrop_verify(pw->pw_uid, keep, inh, err);
}

int privdrop_to(const char *user, const struct privdrop_plan *plan, uint64_t *kept,
		struct ikw_err *err)
{
	uint64_t keep = plan->keep;
	struct passwd pw, *res = NULL;
	char buf[4096];
	int r;

	r = getpwnam_r(user, &pw, buf, sizeof(buf), &res);
	if (r || !res)
		return err_set(err, -ENOENT, "--run-as: no user '%s'%s%s", user,
			       r ? ": " : "", r ? strerror(r) : "");
	if (geteuid() != 0)
		return err_set(err, -EPERM, "--run-as=%s needs ikewatch to start as root",
			       user);
	if (privdrop_needs_raw(plan, &pw))
		keep |= 1ULL << PRIVDROP_CAP_NET_RAW;
	*kept = keep;
	return privdrop_switch(&pw, keep, plan->inheritable & keep, err);
}
