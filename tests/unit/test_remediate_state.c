/* The remediation state file: what restarts keep, strictly parsed. */
#include "remediate/remediate_state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"

#define NOW 1798000000.0

static void test_round_trip(void)
{
	struct rem_state s = { .host = { .last_restart = NOW - 100, .failures = 2 } }, t;
	struct rem_state_conn conns[2] = { { "tun1", NOW - 50.25 }, { "tun-2", NOW - 3600 } };
	struct strbuf sb = STRBUF_INIT;
	struct ikw_err err = { "" };

	s.host.restarts[0] = NOW - 7200;
	s.host.restarts[1] = NOW - 100;
	s.host.nrestarts = 2;
	s.conns = conns;
	s.nconns = 2;
	rem_state_format(&s, &sb);
	CHECK_STR(strbuf_str(&sb), "ikewatch-remediation 2\nhost 1797999900000 2\n"
		  "restart 1797992800000\nrestart 1797999900000\n"
		  "conn 74756e31 1797999949750\nconn 74756e2d32 1797996400000\nend\n");
	CHECK_INT(rem_state_parse(&t, sb.buf, sb.len, NOW, &err), 0);
	CHECK_INT((int)t.nconns, 2);
	CHECK_STR(t.conns[1].name, "tun-2");
	CHECK(t.conns[0].last_action == NOW - 50.25);
	CHECK_INT((int)t.host.failures, 2);
	CHECK_INT((int)t.host.nrestarts, 2);
	CHECK(t.host.restarts[0] == NOW - 7200);
	rem_state_release(&t);
	strbuf_release(&sb);
}

/* A time after now (the clock stepped back) is now: never a longer wait. */
static void test_future_is_now(void)
{
	static const char f[] = "ikewatch-remediation 2\nhost 2999999999000 0\n"
				"restart 2999999999000\nconn 74756e31 2999999999000\nend\n";
	struct rem_state s;

	CHECK_INT(rem_state_parse(&s, f, sizeof(f) - 1, NOW, NULL), 0);
	CHECK(s.host.last_restart == NOW && s.host.restarts[0] == NOW);
	CHECK(s.conns && s.conns[0].last_action == NOW);
	rem_state_release(&s);
}

static void test_errors(void)
{
	static const struct { const char *in, *msg; } cases[] = {
		{ "ikewatch-remediation 1\nhost 0 0\nend\n", "line 1: malformed" },
		{ "ikewatch-remediation 2\nend\n", "line 2: malformed" },       /* no host */
		{ "ikewatch-remediation 2\nhost 0 0\nhost 0 0\nend\n", "line 3: malformed" },
		{ "ikewatch-remediation 2\nhost 0 1001\nend\n", "line 2: malformed" },
		{ "ikewatch-remediation 2\nhost -1 0\nend\n", "line 2: malformed" },
		{ "ikewatch-remediation 2\nhost 0 0\nconn 74756e31 1\nconn 74756e31 2\nend\n",
		  "line 4: malformed" },                                         /* twice */
		{ "ikewatch-remediation 2\nhost 0 0\nconn 2f61 1\nend\n", "line 3: malformed" },
		{ "ikewatch-remediation 2\nhost 0 0\nconn - 1\nend\n", "line 3: malformed" },
		{ "ikewatch-remediation 2\nhost 0 0\nconn 74756e31 1 x\nend\n", "line 3: malformed" },
		{ "ikewatch-remediation 2\nhost 0 0\nrestart 1.5\nend\n", "line 3: malformed" },
		{ "ikewatch-remediation 2\nhost 0 0\nend\nconn 74756e31 1\n", "line 4: malformed" },
		{ "ikewatch-remediation 2\nhost 0 0\nconn 74756e31 1", "truncated (no 'end' line)" },
		{ "ikewatch-remediation 2\nhost 0 0\nwhat 1\nend\n", "line 3: malformed" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ikw_err err = { "" };
		struct rem_state s;

		CHECK_INT(rem_state_parse(&s, cases[i].in, strlen(cases[i].in), NOW, &err),
			  -EBADMSG);
		CHECK_STR(err.msg, cases[i].msg);
		rem_state_release(&s);
	}
}

/* At most REM_DAY_MAX restart lines. */
static void test_restart_lines_bounded(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct ikw_err err = { "" };
	struct rem_state s;
	int i;

	strbuf_addstr(&sb, "ikewatch-remediation 2\nhost 0 0\n");
	for (i = 0; i <= REM_DAY_MAX; i++)
		strbuf_addf(&sb, "restart %d\n", i);
	strbuf_addstr(&sb, "end\n");
	CHECK_INT(rem_state_parse(&s, sb.buf, sb.len, NOW, &err), -EBADMSG);
	CHECK_STR(err.msg, "line 67: malformed");
	rem_state_release(&s);
	strbuf_release(&sb);
}

static void test_file(void)
{
	char dir[] = "/tmp/ikw-remstate-XXXXXX", path[300];
	struct rem_state s = { .host = { .failures = 1 } }, t;
	struct rem_state_conn c = { "tun1", NOW - 5 };
	struct ikw_err err = { "" };

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/remediation.state", dir);
	CHECK_INT(rem_state_load(&t, path, NOW, &err), 0);  /* none yet: empty */
	CHECK_INT((int)t.nconns, 0);
	s.conns = &c;
	s.nconns = 1;
	CHECK_INT(rem_state_save(&s, path, &err), 0);
	CHECK_INT(rem_state_load(&t, path, NOW, &err), 0);
	CHECK_INT((int)t.nconns, 1);
	CHECK_INT((int)t.host.failures, 1);
	rem_state_release(&t);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	RUN(test_round_trip);
	RUN(test_future_is_now);
	RUN(test_errors);
	RUN(test_restart_lines_bounded);
	RUN(test_file);
	return testlib_done();
}
