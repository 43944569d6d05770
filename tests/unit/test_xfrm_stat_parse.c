/* /proc/net/xfrm_stat parsing, on the file of this machine's 6.18 kernel
 * (tests/fixtures/proc/xfrm_stat, all zero), on a hand-written one with
 * every counter of a 6.x kernel at a distinct value (xfrm_stat_6x), and on
 * malformed lines.  Every input is given in a guarded copy that ends at an
 * unreadable page, so reading one byte past it crashes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/xfrm_stat_parse.h"
#include "testlib.h"

/* The kernel's order (net/xfrm/xfrm_proc.c) and the label of each. */
static const struct {
	const char *name, *label;
} kernel_counters[] = {
	{ "XfrmInError", "in_error" },
	{ "XfrmInBufferError", "in_buffer_error" },
	{ "XfrmInHdrError", "in_hdr_error" },
	{ "XfrmInNoStates", "in_no_states" },
	{ "XfrmInStateProtoError", "in_state_proto_error" },
	{ "XfrmInStateModeError", "in_state_mode_error" },
	{ "XfrmInStateSeqError", "in_state_seq_error" },
	{ "XfrmInStateExpired", "in_state_expired" },
	{ "XfrmInStateMismatch", "in_state_mismatch" },
	{ "XfrmInStateInvalid", "in_state_invalid" },
	{ "XfrmInTmplMismatch", "in_tmpl_mismatch" },
	{ "XfrmInNoPols", "in_no_pols" },
	{ "XfrmInPolBlock", "in_pol_block" },
	{ "XfrmInPolError", "in_pol_error" },
	{ "XfrmOutError", "out_error" },
	{ "XfrmOutBundleGenError", "out_bundle_gen_error" },
	{ "XfrmOutBundleCheckError", "out_bundle_check_error" },
	{ "XfrmOutNoStates", "out_no_states" },
	{ "XfrmOutStateProtoError", "out_state_proto_error" },
	{ "XfrmOutStateModeError", "out_state_mode_error" },
	{ "XfrmOutStateSeqError", "out_state_seq_error" },
	{ "XfrmOutStateExpired", "out_state_expired" },
	{ "XfrmOutPolBlock", "out_pol_block" },
	{ "XfrmOutPolDead", "out_pol_dead" },
	{ "XfrmOutPolError", "out_pol_error" },
	{ "XfrmFwdHdrError", "fwd_hdr_error" },
	{ "XfrmOutStateInvalid", "out_state_invalid" },
	{ "XfrmAcquireError", "acquire_error" },
	{ "XfrmOutStateDirError", "out_state_dir_error" },
	{ "XfrmInStateDirError", "in_state_dir_error" },
	{ "XfrmInIptfsError", "in_iptfs_error" },
	{ "XfrmOutNoQueueSpace", "out_no_queue_space" },
};
#define NKERNEL (sizeof(kernel_counters) / sizeof(kernel_counters[0]))

/* Parses len bytes of s from a guarded copy. */
static int parse(const void *s, size_t len, struct xfrm_stat *st,
		 struct ikw_err *err)
{
	struct testlib_guarded g = testlib_guarded_copy(s, len);
	int r = xfrm_stat_parse(g.data, len, st, err);

	testlib_guarded_free(&g);
	return r;
}

static int parse_str(const char *s, struct xfrm_stat *st, struct ikw_err *err)
{
	return parse(s, strlen(s), st, err);
}

static struct xfrm_stat *parse_fixture(const char *name, struct ikw_err *err)
{
	struct xfrm_stat *st = calloc(1, sizeof(*st));
	size_t len;
	uint8_t *buf = testlib_read_fixture(name, &len);

	CHECK(st != NULL);
	if (st)
		CHECK_INT(parse(buf, len, st, err), 0);
	free(buf);
	return st;
}

static void check_names(const struct xfrm_stat *st)
{
	size_t i;

	CHECK_INT(st->n, NKERNEL);
	for (i = 0; i < st->n && i < NKERNEL; i++) {
		CHECK_STR(st->c[i].name, kernel_counters[i].name);
		CHECK_STR(st->c[i].label, kernel_counters[i].label);
	}
}

static void test_real_file(void)
{
	struct ikw_err err = { "" };
	struct xfrm_stat *st = parse_fixture("proc/xfrm_stat", &err);
	size_t i;

	CHECK_STR(err.msg, "");
	check_names(st);
	for (i = 0; i < st->n; i++)
		CHECK_U64(st->c[i].value, 0);
	free(st);
}

static void test_all_counters_distinct(void)
{
	struct ikw_err err = { "" };
	struct xfrm_stat *st = parse_fixture("proc/xfrm_stat_6x", &err);
	size_t i;

	check_names(st);
	/* as the fixture was written: the maximum, i * 1001, 2^32 and 0 */
	CHECK_U64(st->c[0].value, 18446744073709551615ull);
	for (i = 1; i < 30 && i < st->n; i++)
		CHECK_U64(st->c[i].value, i * 1001);
	CHECK_U64(st->c[30].value, 4294967296ull);
	CHECK_U64(st->c[31].value, 0);
	free(st);
}

static void test_layout(void)
{
	struct xfrm_stat st;
	struct ikw_err err = { "" };

	/* no final newline, one space, trailing blanks, a future counter */
	CHECK_INT(parse_str("XfrmInError 5\nXfrmNewThing\t \t7 \t", &st, &err), 0);
	CHECK_INT(st.n, 2);
	CHECK_STR(st.c[0].name, "XfrmInError");
	CHECK_U64(st.c[0].value, 5);
	CHECK_STR(st.c[1].name, "XfrmNewThing");
	CHECK_STR(st.c[1].label, "new_thing");
	CHECK_U64(st.c[1].value, 7);
	/* empty input: no counters (the kernel never writes it, but it is not
	 * a wrong file) */
	st.n = 99;
	CHECK_INT(parse("", 0, &st, &err), 0);
	CHECK_INT(st.n, 0);
	CHECK_INT(xfrm_stat_parse(NULL, 0, &st, &err), 0);
	CHECK_INT(xfrm_stat_parse(NULL, 3, &st, &err), -EINVAL);
	CHECK_INT(xfrm_stat_parse("x 1", 3, NULL, NULL), -EINVAL);
	/* leading zeros are still the number */
	CHECK_INT(parse_str("XfrmInError 007\n", &st, NULL), 0);
	CHECK_U64(st.c[0].value, 7);
}

static void test_labels(void)
{
	static const struct {
		const char *name, *label;
	} cases[] = {
		{ "XfrmOutMTUError", "out_mtu_error" },   /* an acronym run */
		{ "XfrmOutMTU", "out_mtu" },
		{ "XfrmABC", "abc" },
		{ "XfrmIn2Error", "in2_error" },
		{ "Xfrm", "xfrm" },                       /* nothing after Xfrm */
		{ "Xfrmfoo", "xfrmfoo" },                 /* not a word break */
		{ "Xfrm2Bar", "xfrm2_bar" },
		{ "InError", "in_error" },                /* no Xfrm prefix */
		{ "lower", "lower" },
		{ "X", "x" },
		{ "7", "7" },
	};
	char out[XFRM_STAT_LABEL_MAX + 1];
	char longest[XFRM_STAT_NAME_MAX + 2];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(xfrm_stat_label(cases[i].name, out), strlen(cases[i].label));
		CHECK_STR(out, cases[i].label);
	}
	for (i = 0; i < NKERNEL; i++) {
		xfrm_stat_label(kernel_counters[i].name, out);
		CHECK_STR(out, kernel_counters[i].label);
	}
	/* most word breaks: "aAaA...a", a '_' before each of the 23 'A's */
	for (i = 0; i < XFRM_STAT_NAME_MAX; i++)
		longest[i] = (i % 2) ? 'A' : 'a';
	longest[XFRM_STAT_NAME_MAX] = '\0';
	CHECK_INT(xfrm_stat_label(longest, out), XFRM_STAT_NAME_MAX + 23);
	CHECK_INT(strlen(out), XFRM_STAT_NAME_MAX + 23);
	CHECK(!strncmp(out, "a_aa_aa_a", 9));
	longest[XFRM_STAT_NAME_MAX] = 'a';
	longest[XFRM_STAT_NAME_MAX + 1] = '\0';
	CHECK_INT(xfrm_stat_label(longest, out), -EINVAL);
	CHECK_STR(out, "");
	CHECK_INT(xfrm_stat_label("", out), -EINVAL);
	CHECK_INT(xfrm_stat_label("Xfrm_In", out), -EINVAL);
	CHECK_INT(xfrm_stat_label("Xfrm In", out), -EINVAL);
	CHECK_INT(xfrm_stat_label(NULL, out), -EINVAL);
}

/* One malformed input, its error and message; out->n counts the lines
 * before the bad one. */
struct bad_case {
	const char *in;
	size_t len;      /* 0: strlen(in) */
	int code;
	const char *msg;
	size_t n;
};

static void check_bad(const struct bad_case *c)
{
	struct xfrm_stat st;
	struct ikw_err err = { "" };
	size_t len = c->len ? c->len : strlen(c->in);

	CHECK_INT(parse(c->in, len, &st, &err), c->code);
	CHECK_STR(err.msg, c->msg);
	CHECK_INT(st.n, c->n);
	/* the same without an ikw_err */
	CHECK_INT(parse(c->in, len, &st, NULL), c->code);
}

/* a literal with NUL bytes and its length */
#define LIT(s) s, sizeof(s) - 1

static void test_malformed(void)
{
	static const struct bad_case cases[] = {
		{ "XfrmInError\n", 0, -EBADMSG,
		  "line 1: XfrmInError has no value", 0 },
		{ "XfrmInError 1\nXfrmInHdrError \t \n", 0, -EBADMSG,
		  "line 2: XfrmInHdrError has no value", 1 },
		{ "XfrmInError 12x\n", 0, -EBADMSG,
		  "line 1: XfrmInError value '12x' is not a decimal number", 0 },
		{ "XfrmInError -1\n", 0, -EBADMSG,
		  "line 1: XfrmInError value '-1' is not a decimal number", 0 },
		{ "XfrmInError +1\n", 0, -EBADMSG,
		  "line 1: XfrmInError value '+1' is not a decimal number", 0 },
		{ "XfrmInError 0x10\n", 0, -EBADMSG,
		  "line 1: XfrmInError value '0x10' is not a decimal number", 0 },
		{ "XfrmInError 18446744073709551616\n", 0, -EBADMSG,
		  "line 1: XfrmInError value '18446744073709551616' is above 18446744073709551615", 0 },
		{ "XfrmInError 99999999999999999999999\n", 0, -EBADMSG,
		  "line 1: XfrmInError value '99999999999999999999999' is above 18446744073709551615", 0 },
		{ "XfrmInError 1\r\n", 0, -EBADMSG,
		  "line 1: XfrmInError value '1?' is not a decimal number", 0 },
		{ "XfrmInError 1 2\n", 0, -EBADMSG,
		  "line 1: XfrmInError: unexpected '2' after the value", 0 },
		{ "XfrmInError 1\nXfrmInHdrError 2\nXfrmInError 3\n", 0, -EBADMSG,
		  "line 3: counter XfrmInError seen twice", 2 },
		{ "Xfrm-In 1\n", 0, -EBADMSG,
		  "line 1: counter name 'Xfrm-In' is not [A-Za-z0-9]", 0 },
		{ "Xfrm\xc3\xa9 1\n", 0, -EBADMSG,
		  "line 1: counter name 'Xfrm\xc3\xa9' is not [A-Za-z0-9]", 0 },
		{ "Xfrm\x01In 1\n", 0, -EBADMSG,
		  "line 1: counter name 'Xfrm?In' is not [A-Za-z0-9]", 0 },
		{ " XfrmInError 1\n", 0, -EBADMSG, "line 1: no counter name", 0 },
		{ "XfrmInError 1\n\nXfrmInHdrError 2\n", 0, -EBADMSG,
		  "line 2: empty line", 1 },
		{ "\n", 0, -EBADMSG, "line 1: empty line", 0 },
		{ LIT("XfrmInError 1\nXfrmIn\0Error 2\n"), -EBADMSG,
		  "line 2: NUL byte", 1 },
		{ LIT("XfrmInError 1\0"), -EBADMSG, "line 1: NUL byte", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_bad(&cases[i]);
}

static void test_bounds(void)
{
	char name[XFRM_STAT_NAME_MAX + 2], line[XFRM_STAT_LINE_MAX + 64];
	char msg[256], *big;
	struct xfrm_stat st;
	struct ikw_err err = { "" };
	size_t i, len;

	/* the longest name passes, one more byte does not */
	memset(name, 'A', XFRM_STAT_NAME_MAX);
	name[XFRM_STAT_NAME_MAX] = '\0';
	snprintf(line, sizeof(line), "%s 1\n", name);
	CHECK_INT(parse_str(line, &st, &err), 0);
	CHECK_STR(st.c[0].name, name);
	/* one acronym: all lower case */
	for (i = 0; i < XFRM_STAT_NAME_MAX; i++)
		name[i] = 'a';
	CHECK_STR(st.c[0].label, name);
	memset(name, 'A', XFRM_STAT_NAME_MAX + 1);
	name[XFRM_STAT_NAME_MAX + 1] = '\0';
	snprintf(line, sizeof(line), "%s 1\n", name);
	CHECK_INT(parse_str(line, &st, &err), -EBADMSG);
	CHECK_STR(err.msg, "line 1: counter name 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA...' longer than 47 bytes");

	/* a line of exactly XFRM_STAT_LINE_MAX bytes passes, one more fails */
	len = (size_t)snprintf(line, sizeof(line), "XfrmInError%*s1",
			       XFRM_STAT_LINE_MAX - 12, "");
	CHECK_INT(len, XFRM_STAT_LINE_MAX);
	CHECK_INT(parse(line, len, &st, &err), 0);
	CHECK_U64(st.c[0].value, 1);
	len = (size_t)snprintf(line, sizeof(line), "XfrmInError%*s1\n",
			       XFRM_STAT_LINE_MAX - 11, "");
	CHECK_INT(parse(line, len, &st, &err), -EBADMSG);
	CHECK_STR(err.msg, "line 1: longer than 256 bytes");

	/* XFRM_STAT_MAX counters pass, one more is -E2BIG */
	big = malloc((XFRM_STAT_MAX + 1) * 32);
	CHECK(big != NULL);
	if (!big)
		return;
	for (len = 0, i = 0; i < XFRM_STAT_MAX; i++)
		len += (size_t)sprintf(big + len, "XfrmC%zu %zu\n", i, i * 3);
	CHECK_INT(parse(big, len, &st, &err), 0);
	CHECK_INT(st.n, XFRM_STAT_MAX);
	CHECK_STR(st.c[XFRM_STAT_MAX - 1].name, "XfrmC63");
	CHECK_STR(st.c[XFRM_STAT_MAX - 1].label, "c63");
	CHECK_U64(st.c[XFRM_STAT_MAX - 1].value, 189);
	len += (size_t)sprintf(big + len, "XfrmC%d 1\n", XFRM_STAT_MAX);
	CHECK_INT(parse(big, len, &st, &err), -E2BIG);
	snprintf(msg, sizeof(msg), "line %d: more than %d counters",
		 XFRM_STAT_MAX + 1, XFRM_STAT_MAX);
	CHECK_STR(err.msg, msg);
	CHECK_INT(st.n, XFRM_STAT_MAX);
	free(big);
}

int main(void)
{
	RUN(test_real_file);
	RUN(test_all_counters_distinct);
	RUN(test_layout);
	RUN(test_labels);
	RUN(test_malformed);
	RUN(test_bounds);
	return testlib_done();
}
