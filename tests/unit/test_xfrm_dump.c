/* XFRM dumps against this machine's real kernel.  It has XFRM but no ESP,
 * so SAs cannot be added: policies can.  A network namespace of our own
 * (ikwt-xfrm-PID) gets policies of every direction and action through
 * `ip xfrm policy add`, and xfrm_dump() reads them through its namespace
 * option.  The cases run in a child process so that the namespace is
 * deleted whatever happens to them.  Needs root: without it every case
 * fails, since a skip must not pass. */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/xfrm_dump.h"
#include "testlib.h"

static char ns[64];

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("#   command failed (status %d): %s\n", st, cmd);
		return -1;
	}
	return 0;
}

/* dir action selector [template]: 8 policies, 3 of them out/allow */
static const struct {
	const char *dir, *action, *sel;
	bool tmpl;
} policies[] = {
	{ "out", "allow", "src 10.0.1.0/24 dst 10.0.2.0/24", true },
	{ "out", "allow", "src 10.0.3.0/24 dst 10.0.4.0/24", true },
	{ "out", "allow", "src 2001:db8:1::/64 dst 2001:db8:2::/64", false },
	{ "in", "allow", "src 10.0.2.0/24 dst 10.0.1.0/24", true },
	{ "fwd", "allow", "src 10.0.2.0/24 dst 10.0.1.0/24", true },
	{ "in", "block", "src 10.9.0.0/16 dst 0.0.0.0/0", false },
	{ "out", "block", "src 0.0.0.0/0 dst 10.9.0.0/16", false },
	{ "fwd", "block", "src 10.9.0.0/16 dst 10.8.0.0/16", false },
};

static int add_policies(void)
{
	size_t i;

	for (i = 0; i < sizeof(policies) / sizeof(policies[0]); i++)
		if (sh("ip -n %s xfrm policy add %s dir %s action %s%s", ns,
		       policies[i].sel, policies[i].dir, policies[i].action,
		       policies[i].tmpl ? " tmpl src 192.0.2.1 dst 192.0.2.2 "
		       "proto esp mode tunnel reqid 1" : ""))
			return -1;
	return 0;
}

static void test_policies_counted(void)
{
	struct xfrm_dump_opts o = { .netns = ns };
	struct deadline dl = deadline_in_ms(5000);
	struct xfrm_snapshot *s = NULL;
	struct ikw_err err = { "" };
	int r = xfrm_dump(&o, &dl, &s, &err);

	CHECK_INT(r, 0);
	CHECK_STR(err.msg, "");
	if (r || !s)
		return;
	CHECK_INT(s->nsas, 0);  /* no ESP in this kernel: no SAs */
	CHECK_INT(s->npolicies, 8);
	CHECK_U64(s->policies[XFRM_DIR_OUT][XFRM_ACTION_ALLOW], 3);
	CHECK_U64(s->policies[XFRM_DIR_IN][XFRM_ACTION_ALLOW], 1);
	CHECK_U64(s->policies[XFRM_DIR_FWD][XFRM_ACTION_ALLOW], 1);
	CHECK_U64(s->policies[XFRM_DIR_IN][XFRM_ACTION_BLOCK], 1);
	CHECK_U64(s->policies[XFRM_DIR_OUT][XFRM_ACTION_BLOCK], 1);
	CHECK_U64(s->policies[XFRM_DIR_FWD][XFRM_ACTION_BLOCK], 1);
	CHECK_U64(s->policies_other, 0);
	CHECK_INT(s->attempts, 2);  /* one SA dump, one policy dump */
	xfrm_snapshot_free(s);
}

/* Many policies: the kernel's dump spans several recv() buffers. */
static void test_many_policies(void)
{
	struct xfrm_dump_opts o = { .netns = ns };
	struct deadline dl = deadline_in_ms(10000);
	struct xfrm_snapshot *s = NULL;
	struct ikw_err err = { "" };
	char path[] = "/tmp/ikwt-xfrm-batch-XXXXXX";
	int fd = mkstemp(path), i, r;
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	CHECK(f != NULL);
	if (!f)
		return;
	for (i = 0; i < 500; i++)
		fprintf(f, "xfrm policy add src 172.16.%d.%d/32 dst 172.17.0.0/16 "
			"dir in action allow\n", i / 250, i % 250);
	fclose(f);
	r = sh("ip -n %s -batch %s", ns, path);
	unlink(path);
	CHECK_INT(r, 0);
	r = xfrm_dump(&o, &dl, &s, &err);
	CHECK_INT(r, 0);
	CHECK_STR(err.msg, "");
	if (!r && s) {
		CHECK_INT(s->npolicies, 508);
		CHECK_U64(s->policies[XFRM_DIR_IN][XFRM_ACTION_ALLOW], 501);
	}
	xfrm_snapshot_free(s);
	CHECK_INT(sh("ip -n %s xfrm policy deleteall dir in src 0.0.0.0/0 "
		     "dst 172.17.0.0/16", ns), 0);
}

static void test_policy_cap(void)
{
	struct xfrm_dump_opts o = { .netns = ns, .max_policies = 3 };
	struct deadline dl = deadline_in_ms(5000);
	static struct xfrm_snapshot dummy;
	struct xfrm_snapshot *s = &dummy;  /* must become NULL */
	struct ikw_err err = { "" };

	CHECK_INT(xfrm_dump(&o, &dl, &s, &err), -E2BIG);
	CHECK(s == NULL);
	CHECK(strstr(err.msg, "XFRM policy dump: more than 3 policies") != NULL);
	CHECK(strstr(err.msg, "max_policies") != NULL);
}

/* The dump runs in the namespace; the calling thread stays in its own. */
static void test_caller_namespace_untouched(void)
{
	struct xfrm_dump_opts o = { .netns = ns };
	struct deadline dl = deadline_in_ms(5000);
	struct xfrm_snapshot *s = NULL;
	char before[PATH_MAX] = "", after[PATH_MAX] = "";
	ssize_t n;

	n = readlink("/proc/thread-self/ns/net", before, sizeof(before) - 1);
	CHECK(n > 0);
	CHECK_INT(xfrm_dump(&o, &dl, &s, NULL), 0);
	xfrm_snapshot_free(s);
	n = readlink("/proc/thread-self/ns/net", after, sizeof(after) - 1);
	CHECK(n > 0);
	CHECK_STR(after, before);
}

/* The caller's namespace ("" or NULL options): whatever is there, the
 * dump works. */
static void test_own_namespace(void)
{
	struct xfrm_dump_opts o = { .netns = "" };
	struct deadline dl = deadline_in_ms(5000);
	struct xfrm_snapshot *s = NULL;
	struct ikw_err err = { "" };

	CHECK_INT(xfrm_dump(&o, &dl, &s, &err), 0);
	CHECK_STR(err.msg, "");
	CHECK(s != NULL);
	xfrm_snapshot_free(s);
	s = NULL;
	CHECK_INT(xfrm_dump(NULL, &dl, &s, &err), 0);
	CHECK(s != NULL);
	xfrm_snapshot_free(s);
	xfrm_snapshot_free(NULL);
}

/* Without CAP_NET_ADMIN the kernel refuses, and the message says why.  A
 * child process becomes nobody (which drops every capability), so that the
 * other cases keep theirs. */
static void test_without_cap_net_admin(void)
{
	struct deadline dl = deadline_in_ms(5000);
	struct xfrm_snapshot *s = NULL;
	struct ikw_err err = { "" };
	int fd[2], st = -1, r;
	pid_t pid;

	CHECK_INT(pipe(fd), 0);
	pid = fork();
	if (pid == 0) {
		close(fd[0]);
		r = setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534) ? -errno : 0;
		if (!r)
			r = xfrm_dump(NULL, &dl, &s, &err);
		if (write(fd[1], &r, sizeof(r)) != sizeof(r) ||
		    write(fd[1], err.msg, sizeof(err.msg)) != sizeof(err.msg))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	CHECK(pid > 0);
	CHECK_INT(read(fd[0], &r, sizeof(r)), sizeof(r));
	CHECK_INT(read(fd[0], err.msg, sizeof(err.msg)), sizeof(err.msg));
	close(fd[0]);
	waitpid(pid, &st, 0);
	CHECK_INT(st, 0);
	CHECK_INT(r, -EPERM);
	err.msg[sizeof(err.msg) - 1] = '\0';
	CHECK_STR(err.msg, "XFRM SA dump (needs CAP_NET_ADMIN): the kernel "
		  "answered: Operation not permitted");
}

static void test_bad_namespace(void)
{
	struct xfrm_dump_opts o = { .netns = "ikwt-xfrm-no-such-namespace" };
	struct deadline dl = deadline_in_ms(5000);
	struct xfrm_snapshot *s = NULL;
	struct ikw_err err = { "" };

	CHECK_INT(xfrm_dump(&o, &dl, &s, &err), -ENOENT);
	CHECK(strstr(err.msg, "cannot open '/run/netns/ikwt-xfrm-no-such-namespace'"));
	CHECK(s == NULL);
	o.netns = "../etc";
	CHECK_INT(xfrm_dump(&o, &dl, &s, &err), -EINVAL);
	CHECK(strstr(err.msg, "bad network namespace name '../etc'"));
	o.netns = "..";
	CHECK_INT(xfrm_dump(&o, &dl, &s, NULL), -EINVAL);
}

/* Without root nothing here can run: that is a failure, not a skip. */
static void test_needs_root(void)
{
	testlib_fail(__FILE__, __LINE__, "needs root (ip netns add, setns, "
		     "CAP_NET_ADMIN for XFRM dumps): not run");
}

static void test_add_policies(void)
{
	CHECK_INT(add_policies(), 0);
}

static int run_cases(void)
{
	RUN(test_add_policies);
	RUN(test_policies_counted);
	RUN(test_many_policies);
	RUN(test_policy_cap);
	RUN(test_caller_namespace_untouched);
	RUN(test_own_namespace);
	RUN(test_without_cap_net_admin);
	RUN(test_bad_namespace);
	return testlib_done();
}

int main(void)
{
	pid_t child;
	int st;

	snprintf(ns, sizeof(ns), "ikwt-xfrm-%d", (int)getpid());
	if (geteuid() != 0 || sh("ip netns add %s", ns)) {
		RUN(test_needs_root);
		return testlib_done();
	}
	fflush(stdout);
	child = fork();
	if (child == 0) {
		st = run_cases();
		fflush(stdout);
		_exit(st);
	}
	while (child > 0 && waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	sh("ip netns del %s", ns);
	if (child < 0 || !WIFEXITED(st)) {
		printf("not ok - the cases did not finish (status %d)\n",
		       child < 0 ? -1 : st);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	return WEXITSTATUS(st);
}
