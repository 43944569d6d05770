/* The log state file of one-shot runs: a round trip of positions, the
 * journal cursor, failure counters (with the last failure) and rule
 * counters through format and parse, and strict rejection of damaged
 * files, naming the line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "logs/log_state.h"
#include "testlib.h"

static char *format(const struct log_state *ls, struct event_store *s)
{
	struct arena a = ARENA_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct event_view v;
	char *out;

	CHECK_INT(event_store_view(s, &a, &v), 0);
	log_state_format(ls, &v, &sb);
	out = strdup(sb.buf);
	strbuf_release(&sb);
	arena_release(&a);
	return out;
}

static void test_round_trip(void)
{
	struct event_store *s = event_store_new(100), *back = event_store_new(100);
	const char *names[] = { "conn", "attempt" }, *values[] = { "tun 1", "2" };
	struct log_state ls = { 0 }, ls2;
	struct log_follow_pos *p = log_state_pos_add(&ls, "/var/log/charon.log");
	struct ikw_err err = { "" };
	char *text, *again;

	p->valid = true;
	p->dev = 65024;
	p->ino = 123456789;
	p->offset = 1ULL << 40;
	strcpy(ls.cursor, "s=abc;i=1f;b=de;m=1;t=5;x=9");
	event_store_failure(s, FAIL_AUTH, FAIL_SRC_LOG, "tun1", 1000);
	event_store_failure(s, FAIL_AUTH, FAIL_SRC_LOG, "tun1", 1001);
	event_store_failure(s, FAIL_DPD_TIMEOUT, FAIL_SRC_LOG, "tun1", 1500);
	event_store_failure(s, FAIL_OTHER, FAIL_SRC_LOG, "", 900);
	event_store_rule(s, "retransmits", names, values, 2);
	event_store_rule(s, "retransmits", names, values, 2);
	text = format(&ls, s);
	CHECK_INT(log_state_parse(&ls2, back, text, strlen(text), &err), 0);
	CHECK_INT(ls2.nfiles, 1);
	CHECK_STR(ls2.files[0].path, "/var/log/charon.log");
	CHECK(ls2.files[0].pos.valid);
	CHECK_U64(ls2.files[0].pos.dev, 65024);
	CHECK_U64(ls2.files[0].pos.ino, 123456789);
	CHECK_U64(ls2.files[0].pos.offset, 1ULL << 40);
	CHECK_STR(ls2.cursor, ls.cursor);
	again = format(&ls2, back);
	CHECK_STR(again, text);               /* counters, last failure, rules */
	CHECK(strstr(text, "failure 74756e31 auth_failed 2\n") != NULL);
	CHECK(strstr(text, "last 74756e31 dpd_timeout 1500\n") != NULL);
	CHECK(strstr(text, "failure - other 1\n") != NULL);
	free(text);
	free(again);
	event_store_free(s);
	event_store_free(back);
}

static void test_restored_counters_grow(void)
{
	static const char text[] = "ikewatch-logs 1\n"
		"failure 74756e31 auth_failed 7\n"
		"last 74756e31 auth_failed 1000\n"
		"end\n";
	struct event_store *s = event_store_new(100);
	struct arena a = ARENA_INIT;
	struct log_state ls;
	struct event_view v;

	CHECK_INT(log_state_parse(&ls, s, text, strlen(text), NULL), 0);
	event_store_failure(s, FAIL_NO_PROPOSAL, FAIL_SRC_LOG, "tun1", 2000);
	CHECK_INT(event_store_view(s, &a, &v), 0);
	CHECK_INT(v.nfailures, 1);
	CHECK_U64(v.failures[0].count[FAIL_AUTH], 7);
	CHECK_U64(v.failures[0].count[FAIL_NO_PROPOSAL], 1);
	CHECK_INT(v.failures[0].last_reason, FAIL_NO_PROPOSAL);
	CHECK(v.failures[0].last == 2000);
	arena_release(&a);
	event_store_free(s);
}

static void test_malformed(void)
{
	static const struct { const char *text; const char *msg; } cases[] = {
		{ "", "truncated" },
		{ "ikewatch-logs 2\nend\n", "line 1" },
		{ "ikewatch-logs 1\n", "truncated" },
		{ "ikewatch-logs 1\nend", "truncated" },
		{ "ikewatch-logs 1\nfile 2f61 1 2\nend\n", "line 2" },
		{ "ikewatch-logs 1\nfile 6161 1 2 3\nend\n", "line 2" },       /* relative */
		{ "ikewatch-logs 1\nfile 2f61 1 2 3\nfile 2f61 1 2 4\nend\n", "line 3" },
		{ "ikewatch-logs 1\nfile 2f61 1 2 -3\nend\n", "line 2" },
		{ "ikewatch-logs 1\nfile 2f61 1 2 99999999999999999999\nend\n", "line 2" },
		{ "ikewatch-logs 1\njournal -\nend\n", "line 2" },
		{ "ikewatch-logs 1\njournal 61\njournal 62\nend\n", "line 3" },
		{ "ikewatch-logs 1\nfailure 74 nosuchreason 1\nend\n", "line 2" },
		{ "ikewatch-logs 1\nfailure 7 auth_failed 1\nend\n", "line 2" },
		{ "ikewatch-logs 1\nfailure 7400 auth_failed 1\nend\n", "line 2" },  /* NUL */
		{ "ikewatch-logs 1\nlast 74 auth_failed 0\nend\n", "line 2" },
		{ "ikewatch-logs 1\nrule 72 1 1 6e\nend\n", "line 2" },
		{ "ikewatch-logs 1\nrule 72 1 5 6e 76 6e 76 6e 76 6e 76 6e 76\nend\n", "line 2" },
		{ "ikewatch-logs 1\nrule - 1 0\nend\n", "line 2" },
		{ "ikewatch-logs 1\nend\nfailure 74 auth_failed 1\n", "line 3" },
		{ "ikewatch-logs 1\nfailure  74 auth_failed 1\nend\n", "line 2" },
		{ "ikewatch-logs 1\nbogus\nend\n", "line 2" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct event_store *s = event_store_new(100);
		struct ikw_err err = { "" };
		struct log_state ls;
		int rc = log_state_parse(&ls, s, cases[i].text, strlen(cases[i].text), &err);

		if (rc != -EBADMSG || !strstr(err.msg, cases[i].msg))
			testlib_fail(__FILE__, __LINE__, "case %zu: rc %d, '%s', want '%s'", i,
				     rc, err.msg, cases[i].msg);
		event_store_free(s);
	}
}

static void test_load_missing_is_empty(void)
{
	struct event_store *s = event_store_new(10);
	struct log_state ls;

	memset(&ls, 0xff, sizeof(ls));
	CHECK_INT(log_state_load(&ls, s, "/nonexistent/ikw-logs.state", NULL), 0);
	CHECK_INT(ls.nfiles, 0);
	CHECK_STR(ls.cursor, "");
	event_store_free(s);
}

int main(void)
{
	RUN(test_round_trip);
	RUN(test_restored_counters_grow);
	RUN(test_malformed);
	RUN(test_load_missing_is_empty);
	return testlib_done();
}
