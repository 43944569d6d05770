/* The strict JSON object parser of action requests, and the JSON writer:
 * accepted shapes with every value type and escapes; every refusal (nesting,
 * duplicates, trailing bytes, control bytes, invalid UTF-8, overlong
 * strings, big and negative numbers) with where it happened. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/json_in.h"
#include "common/json_out.h"
#include "testlib.h"

static void test_accepts(void)
{
	static const char in[] = " {\"ike_id\" : 42, \"conn\":\"t\\u00e9st\\n\\\"x\\\"\","
				 "\"on\":true,\"off\":false,\"none\":null,\"big\":18446744073709551615} ";
	struct json_in_object o;
	struct ikw_err err = { "" };

	CHECK_INT(json_in_parse(in, strlen(in), &o, &err), 0);
	CHECK_INT(o.n, 6);
	CHECK_INT(json_in_get(&o, "ike_id")->type, JSON_IN_UINT);
	CHECK_U64(json_in_get(&o, "ike_id")->num, 42);
	CHECK_STR(json_in_get(&o, "conn")->str, "t\xc3\xa9st\n\"x\"");
	CHECK_U64(json_in_get(&o, "on")->num, 1);
	CHECK_U64(json_in_get(&o, "off")->num, 0);
	CHECK_INT(json_in_get(&o, "none")->type, JSON_IN_NULL);
	CHECK_U64(json_in_get(&o, "big")->num, UINT64_MAX);
	CHECK(json_in_get(&o, "missing") == NULL);
	CHECK_INT(json_in_parse("{}", 2, &o, &err), 0);
	CHECK_INT(o.n, 0);
}

static void test_refuses(void)
{
	static const struct { const char *in, *why; } t[] = {
		{ "", "expected an object" },
		{ "[1]", "expected an object" },
		{ "{\"a\":{}}", "nested" },
		{ "{\"a\":[1]}", "nested" },
		{ "{\"a\":1,\"a\":2}", "duplicate key" },
		{ "{\"a\":1} x", "trailing bytes" },
		{ "{\"a\":1,}", "expected a string" },
		{ "{\"a\" 1}", "expected ':'" },
		{ "{\"a\":-1}", "negative" },
		{ "{\"a\":1.5}", "only unsigned integers" },
		{ "{\"a\":01}", "leading zero" },
		{ "{\"a\":18446744073709551616}", "too large" },
		{ "{\"a\":\"x\ny\"}", "control character" },
		{ "{\"a\":\"\\u0000\"}", "NUL or surrogate" },
		{ "{\"a\":\"\\ud800\"}", "NUL or surrogate" },
		{ "{\"a\":\"\\x\"}", "unknown escape" },
		{ "{\"a\":\"\xc3\x28\"}", "invalid UTF-8" },
		{ "{\"a\":\"\xed\xa0\x80\"}", "invalid UTF-8" },
		{ "{\"a\":\"abc", "unterminated string" },
		{ "{\"a\":tru}", "expected a value" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct json_in_object o;
		struct ikw_err err = { "" };
		int r = json_in_parse(t[i].in, strlen(t[i].in), &o, &err);

		if (r != -EINVAL || !strstr(err.msg, t[i].why))
			testlib_fail(__FILE__, __LINE__, "case %zu: r=%d '%s', want '%s'", i, r,
				     err.msg, t[i].why);
	}
}

static void test_bounds(void)
{
	char big[600], many[1024];
	struct json_in_object o;
	struct ikw_err err = { "" };
	size_t n = 0, i;

	memset(big, 'x', sizeof(big));
	memcpy(big, "{\"a\":\"", 6);
	memcpy(big + sizeof(big) - 3, "\"}", 2);
	big[sizeof(big) - 1] = '\0';
	CHECK_INT(json_in_parse(big, strlen(big), &o, &err), -EINVAL);
	CHECK(strstr(err.msg, "string too long") != NULL);
	n += (size_t)snprintf(many, sizeof(many), "{");
	for (i = 0; i <= JSON_IN_MEMBERS_MAX; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "%s\"k%zu\":1", i ? "," : "", i);
	snprintf(many + n, sizeof(many) - n, "}");
	CHECK_INT(json_in_parse(many, strlen(many), &o, &err), -EINVAL);
	CHECK(strstr(err.msg, "too many members") != NULL);
}

static void test_writer(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_out j;

	json_init(&j, &sb);
	json_obj_begin(&j, NULL);
	json_str(&j, "s", "a\"b\\c\n\x01");
	json_arr_begin(&j, "l");
	json_u64(&j, NULL, 1);
	json_i64(&j, NULL, -2);
	json_null(&j, NULL);
	json_arr_end(&j);
	json_bool(&j, "t", true);
	json_str(&j, "n", NULL);
	json_obj_end(&j);
	CHECK_STR(strbuf_str(&sb), "{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"l\":[1,-2,null],\"t\":true,\"n\":null}");
	strbuf_release(&sb);
}

/* The reader under json_in: a walk of nested values with a callback, the
 * bounds it is given, and its error prefix. */
static int jr_count(struct json_reader *r, const char *key, unsigned depth, void *ctx)
{
	char v[8];

	(*(int *)ctx)++;
	if (!strcmp(key, "s"))
		return json_reader_string(r, v, sizeof(v));
	return json_reader_skip(r, depth);
}

static void test_reader(void)
{
	static const char ok[] = "{\"a\":[1,-2.5e3,{\"b\":null}],\"s\":\"\\ud83d\\ude00\",\"t\":true}";
	struct json_reader r;
	struct ikw_err err = { "" };
	int n = 0;

	json_reader_init(&r, ok, strlen(ok), "test", &err);
	CHECK_INT(json_reader_container(&r, true, 1, jr_count, &n), 0);
	CHECK_INT(json_reader_end(&r), 0);
	CHECK_INT(n, 3);
	json_reader_init(&r, ok, strlen(ok), "test", &err);
	r.depth_max = 2;
	CHECK_INT(json_reader_container(&r, true, 1, jr_count, &n), -EINVAL);
	CHECK(strstr(err.msg, "test at byte ") == err.msg);
	CHECK(strstr(err.msg, "nested too deep") != NULL);
	json_reader_init(&r, "[1,2,3]", 7, "test", &err);
	r.members_max = 2;
	CHECK_INT(json_reader_container(&r, false, 1, NULL, NULL), -EINVAL);
	CHECK(strstr(err.msg, "too many members") != NULL);
}

int main(void)
{
	RUN(test_accepts);
	RUN(test_refuses);
	RUN(test_bounds);
	RUN(test_reader);
	RUN(test_writer);
	return testlib_done();
}
