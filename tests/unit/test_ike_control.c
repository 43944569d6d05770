/* control/ike_control: the whack backend runs a fake whack (a shell script
 * that records its arguments) and reads its exit, its output and a timeout
 * as pluto's answers; the vici backend is charon's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "control/ike_control.h"
#include "testlib.h"

static char dir[] = "/tmp/ikw-test-control.XXXXXX";
static char args_path[256], whack_path[256];

/* A fake whack whose body is BODY; it writes "$*" to args_path first. */
static void fake_whack(const char *body)
{
	FILE *f = fopen(whack_path, "w");

	CHECK(f != NULL);
	if (!f)
		return;
	fprintf(f, "#!/bin/sh\necho \"$*\" > '%s'\n%s\n", args_path, body);
	fclose(f);
	chmod(whack_path, 0700);
	unlink(args_path);
}

static char *read_args(void)
{
	static char buf[512];
	FILE *f = fopen(args_path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return buf;
}

static void test_argv(void)
{
	struct ike_control c;
	const char *argv[8];

	ike_control_whack(&c, "/usr/libexec/ipsec/whack", "/run/a/pluto.ctl");
	ike_control_whack_argv(&c, "--initiate", "alpha", false, argv);
	CHECK_STR(argv[0], "/usr/libexec/ipsec/whack");
	CHECK_STR(argv[1], "--ctlsocket");
	CHECK_STR(argv[2], "/run/a/pluto.ctl");
	CHECK_STR(argv[3], "--name");
	CHECK_STR(argv[4], "alpha");
	CHECK_STR(argv[5], "--initiate");
	CHECK(argv[6] == NULL);
	ike_control_whack_argv(&c, "--rekey-ike", "alpha", true, argv);
	CHECK_STR(argv[6], "--asynchronous");
	CHECK(argv[7] == NULL);
	CHECK_STR(c.daemon, "pluto");
}

static void test_initiate_ok(void)
{
	struct ike_control c;
	struct ikw_err err = { "" };

	ike_control_whack(&c, whack_path, "/run/a/pluto.ctl");
	fake_whack("echo '002 \"alpha\" #3: initiating IKEv2 connection'\n"
		   "echo '004 \"alpha\" #4: established Child SA'\nexit 0");
	CHECK_INT(c.initiate(&c, "alpha", "alpha", 5000, &err), 0);
	CHECK_STR(read_args(), "--ctlsocket /run/a/pluto.ctl --name alpha --initiate");
}

/* pluto's reason is the last line whack prints; its exit is not 0 */
static void test_initiate_refused(void)
{
	struct ike_control c;
	struct ikw_err err = { "" };

	ike_control_whack(&c, whack_path, "/run/a/pluto.ctl");
	fake_whack("echo '021 no connection named \"nope\"'\nexit 21");
	CHECK_INT(c.initiate(&c, "nope", "nope", 5000, &err), -EIO);
	CHECK_STR(err.msg, "whack --initiate nope exited 21: 021 no connection named \"nope\"");
}

/* a whack that hangs is killed at the timeout, not waited for */
static void test_initiate_late(void)
{
	struct ike_control c;
	struct ikw_err err = { "" };
	time_t t0 = time(NULL);

	ike_control_whack(&c, whack_path, "/run/a/pluto.ctl");
	fake_whack("exec sleep 30");
	CHECK_INT(c.initiate(&c, "alpha", "alpha", 300, &err), -ETIMEDOUT);
	CHECK(time(NULL) - t0 < 5);
	CHECK(strstr(err.msg, "no answer within 300 ms") != NULL);
}

static void test_whack_absent(void)
{
	struct ike_control c;
	struct ikw_err err = { "" };

	ike_control_whack(&c, "/nonexistent/whack", "/run/a/pluto.ctl");
	CHECK(c.initiate(&c, "alpha", "alpha", 1000, &err) < 0);
	CHECK(err.msg[0] != '\0');
}

/* whack rekeys by the conn's name, queued (--asynchronous) as charon does */
static void test_rekey(void)
{
	struct ike_control c;
	struct ikw_err err = { "" };

	ike_control_whack(&c, whack_path, "/run/a/pluto.ctl");
	fake_whack("exit 0");
	CHECK_INT(c.rekey(&c, "beta", true, 7, 5000, &err), 0);
	CHECK_STR(read_args(), "--ctlsocket /run/a/pluto.ctl --name beta --rekey-ipsec --asynchronous");
	CHECK_INT(c.rekey(&c, "beta", false, 1, 5000, &err), 0);
	CHECK_STR(read_args(), "--ctlsocket /run/a/pluto.ctl --name beta --rekey-ike --asynchronous");
}

static void test_vici(void)
{
	struct ike_control c;
	struct ikw_err err = { "" };

	ike_control_vici(&c, "/nonexistent/ikw.vici");
	CHECK_STR(c.daemon, "charon");
	CHECK_STR(c.vici_socket, "/nonexistent/ikw.vici");
	CHECK(c.initiate(&c, "a", "a", 500, &err) < 0);   /* no charon there */
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	snprintf(args_path, sizeof(args_path), "%s/args", dir);
	snprintf(whack_path, sizeof(whack_path), "%s/whack", dir);
	RUN(test_argv);
	RUN(test_initiate_ok);
	RUN(test_initiate_refused);
	RUN(test_initiate_late);
	RUN(test_whack_absent);
	RUN(test_rekey);
	RUN(test_vici);
	unlink(args_path);
	unlink(whack_path);
	rmdir(dir);
	return testlib_done();
}
