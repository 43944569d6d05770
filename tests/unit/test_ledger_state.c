/* The ledger's state file: round trip, and every damaged form rejected with
 * the line named. */
#include <errno.h>
#include <string.h>

#include "model/ledger_state.h"
#include "testlib.h"

static void test_round_trip(void)
{
	struct ledger a = LEDGER_INIT, b = LEDGER_INIT;
	struct traffic_totals base = { 10, 20, 1, 2 }, t;
	struct ledger_sa sas[2] = {
		{ .uniqueid = 7, .spi_in = "c0ffee01", .spi_out = "c0ffee02",
		  .last = { 100, 200, 3, 4 } },
		{ .uniqueid = 4294967295u, .spi_in = "", .spi_out = "x",
		  .last = { UINT64_MAX / 4, 0, 0, 1 } },
	};
	struct strbuf sb = STRBUF_INIT, again = STRBUF_INIT;
	struct ikw_err err = { "" };

	CHECK_INT(ledger_restore(&a, "conn with space:1", "net\"1", &base, sas, 2), 0);
	CHECK_INT(ledger_restore(&a, "empty", "c", &base, NULL, 0), 0);
	ledger_state_format(&a, &sb);
	CHECK_INT(ledger_state_parse(&b, sb.buf, sb.len, &err), 0);
	CHECK_STR(err.msg, "");
	t = ledger_totals(&b, "conn with space:1", "net\"1");
	CHECK_U64(t.bytes_in, 10 + 100 + UINT64_MAX / 4);
	CHECK_U64(t.packets_out, 2 + 4 + 1);
	CHECK_U64(ledger_totals(&b, "empty", "c").bytes_out, 20);
	ledger_state_format(&b, &again);
	CHECK_INT(again.len, sb.len);
	strbuf_release(&sb);
	strbuf_release(&again);
	ledger_release(&a);
	ledger_release(&b);
}

static void test_damaged_files(void)
{
	static const struct { const char *text, *msg; } t[] = {
		{ "", "truncated (no 'end' line)" },
		{ "ikewatch-ledger 2\nend\n", "line 1: malformed" },
		{ "ikewatch-ledger 1\nend", "truncated (no 'end' line)" },
		{ "ikewatch-ledger 1\nentry 61 62 1 2 3 4 0\n", "truncated (no 'end' line)" },
		{ "ikewatch-ledger 1\nentry 61 62 1 2 3 x 0\nend\n", "line 2: malformed" },
		{ "ikewatch-ledger 1\nentry 6 62 1 2 3 4 0\nend\n", "line 2: malformed" },
		{ "ikewatch-ledger 1\nentry 6g 62 1 2 3 4 0\nend\n", "line 2: malformed" },
		{ "ikewatch-ledger 1\nentry 00 62 1 2 3 4 0\nend\n", "line 2: malformed" },
		{ "ikewatch-ledger 1\nentry 61 62 1 2 3 4 1\nend\n", "line 3: malformed" },
		{ "ikewatch-ledger 1\nsa 1 61 62 1 2 3 4\nend\n", "line 2: malformed" },
		{ "ikewatch-ledger 1\nentry 61 62 1 2 3 4 1\nsa 4294967296 61 62 1 2 3 4\nend\n",
		  "line 3: malformed" },
		{ "ikewatch-ledger 1\nentry 61 62 1 2 3 4 0\nsa 1 61 62 1 2 3 4\nend\n",
		  "line 3: malformed" },
		{ "ikewatch-ledger 1\nentry 61 62 1 2 3 4 0 9\nend\n", "line 2: malformed" },
		{ "ikewatch-ledger 1\nentry 61 62  1 2 3 4 0\nend\n", "line 2: malformed" },
		{ "ikewatch-ledger 1\nend\nentry 61 62 1 2 3 4 0\n", "line 3: malformed" },
		{ "ikewatch-ledger 1\nentry 61 62 18446744073709551616 2 3 4 0\nend\n",
		  "line 2: malformed" },
		{ "ikewatch-ledger 1\nentry 61 62 1 2 3 4 100001\nend\n", "line 2: malformed" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ledger l = LEDGER_INIT;
		struct ikw_err err = { "" };

		CHECK_INT(ledger_state_parse(&l, t[i].text, strlen(t[i].text), &err),
			  -EBADMSG);
		CHECK_STR(err.msg, t[i].msg);
		ledger_release(&l);
	}
}

static void test_missing_file_is_empty(void)
{
	struct ledger l = LEDGER_INIT;
	struct ikw_err err = { "" };

	CHECK_INT(ledger_state_load(&l, "/nonexistent/dir/state", &err), 0);
	CHECK_U64(ledger_totals(&l, "a", "b").bytes_in, 0);
	ledger_release(&l);
}

int main(void)
{
	RUN(test_round_trip);
	RUN(test_damaged_files);
	RUN(test_missing_file_is_empty);
	return testlib_done();
}
