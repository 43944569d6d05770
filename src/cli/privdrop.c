#include "cli/privdrop.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
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

static int privdrop_capset(uint64_t keep)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = (uint32_t)keep;
	d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
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

static int privdrop_verify(uid_t uid, uint64_t keep, struct ikw_err *err)
{
	static const char *const keys[] = { "CapPrm:", "CapEff:", "CapBnd:" };
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
	for (i = 0; !r && i < 3; i++) {
		uint64_t caps;

		if (privdrop_status_caps(status, keys[i], &caps) || caps != keep)
			r = err_set(err, -EPERM, "after dropping privileges %s is "
				    "not %#llx", keys[i], (unsigned long long)keep);
	}
	free(status);
	return r;
}

int privdrop_to(const char *user, uint64_t *keep_io, bool icmp_probes,
		struct ikw_err *err)
{
	uint64_t keep = *keep_io;
	struct passwd pw, *res = NULL;
	char buf[4096];
	unsigned cap, last = privdrop_last_cap();
	int r;

	r = getpwnam_r(user, &pw, buf, sizeof(buf), &res);
	if (r || !res)
		return err_set(err, -ENOENT, "--run-as: no user '%s'%s%s", user,
			       r ? ": " : "", r ? strerror(r) : "");
	if (geteuid() != 0)
		return err_set(err, -EPERM, "--run-as=%s needs ikewatch to start as root",
			       user);
	if (icmp_probes && !privdrop_ping_sockets_allowed(pw.pw_gid))
		keep |= 1ULL << PRIVDROP_CAP_NET_RAW;
	*keep_io = keep;
	/* the bounding set first: dropping from it needs CAP_SETPCAP */
	for (cap = 0; cap <= last; cap++)
		if (!(keep & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 &&
		    errno != EINVAL)
			return err_set(err, -errno, "cannot drop capability %u: %s", cap,
				       strerror(errno));
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return err_set(err, -errno, "PR_SET_KEEPCAPS: %s", strerror(errno));
	if (initgroups(user, pw.pw_gid) < 0 ||
	    setresgid(pw.pw_gid, pw.pw_gid, pw.pw_gid) < 0 ||
	    setresuid(pw.pw_uid, pw.pw_uid, pw.pw_uid) < 0)
		return err_set(err, -errno, "cannot become %s (uid %u, gid %u): %s",
			       user, (unsigned)pw.pw_uid, (unsigned)pw.pw_gid,
			       strerror(errno));
	r = privdrop_capset(keep);
	if (r)
		return err_set(err, r, "capset: %s", strerror(-r));
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	return privdrop_verify(pw.pw_uid, keep, err);
}

bool privdrop_ping_sockets_allowed(gid_t gid)
{
	char *buf;
	const char *p;
	size_t len, n;
	uint64_t lo = 1, hi = 0;
	bool ok = false;

	/* "LOW\tHIGH\n" */
	if (file_read_proc("/proc/sys/net/ipv4/ping_group_range", 256, &buf, &len,
			   NULL) == 0) {
		p = privdrop_token(buf, &n);
		ok = !num_parse_u64(p, n, UINT32_MAX, &lo);
		p = privdrop_token(p + n, &n);
		ok = ok && !num_parse_u64(p, n, UINT32_MAX, &hi) &&
		     lo <= gid && gid <= hi;
		free(buf);
	}
	return ok;
}
