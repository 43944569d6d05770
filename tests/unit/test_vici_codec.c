/* VICI message codec: round trips through the builder and decoder, the
 * protocol README's example, a table of malformed messages each with its own
 * error, builder misuse, and strict value accessors.  Inputs are placed right
 * before an unreadable page so that any over-read crashes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "testlib.h"
#include "vici/vici_codec.h"

/* --- guarded buffers --- */


static int decode_guarded(const void *src, size_t len, struct vici_msg *m,
			  struct ikw_err *err)
{
	struct testlib_guarded g = testlib_guarded_copy(src, len);
	int r = vici_msg_decode(g.data, len, m, err);

	/* the elements point into the guarded copy: compare before unmapping */
	vici_msg_release(m);
	testlib_guarded_free(&g);
	return r;
}

static bool value_is(const struct vici_elem *e, const void *v, size_t len)
{
	return e->value_len == len && (len == 0 || !memcmp(e->value, v, len));
}

/* --- round trips --- */

static void build_all_types(struct vici_builder *b, const uint8_t *blob,
			    size_t blob_len)
{
	vici_add_kv_str(b, "key1", "value1");
	vici_add_kv(b, "empty", NULL, 0);
	vici_add_kv(b, "binary", blob, blob_len);
	vici_section_begin(b, "section1");
	vici_section_begin(b, "sub-section");
	vici_add_kv_str(b, "key2", "value2");
	vici_section_end(b);
	vici_list_begin(b, "list1");
	vici_list_item_str(b, "item1");
	vici_list_item_str(b, "item2");
	vici_list_item(b, NULL, 0);
	vici_list_end(b);
	vici_list_begin(b, "empty-list");
	vici_list_end(b);
	vici_section_begin(b, "empty-section");
	vici_section_end(b);
	vici_section_end(b);
	vici_add_kv_str(b, "last", "x");
}

static void test_roundtrip_all_types(void)
{
	static const uint8_t blob[] = { 0, 1, 2, 0xff, 0x80, '\n', 0 };
	struct vici_builder b;
	struct vici_msg m = VICI_MSG_INIT;
	struct ikw_err err = { "" };
	size_t s1, sub, l1, el, es, i;
	char buf[32];

	vici_builder_init(&b);
	build_all_types(&b, blob, sizeof(blob));
	CHECK_INT(vici_builder_finish(&b, &err), 0);
	CHECK_INT(vici_msg_decode((const uint8_t *)b.sb.buf, b.sb.len, &m, &err), 0);
	CHECK_STR(err.msg, "");
	/* key1 empty binary section1 sub-section key2 list1 item*3 empty-list
	 * empty-section last */
	CHECK_INT(m.count, 13);
	CHECK(m.count == 13);
	if (m.count != 13)
		goto out;

	/* root children, in order */
	i = vici_first(&m, VICI_ROOT);
	CHECK(vici_name_is(&m.elems[i], "key1"));
	CHECK_INT(m.elems[i].type, VICI_KEY_VALUE);
	CHECK(value_is(&m.elems[i], "value1", 6));
	i = vici_next(&m, i);
	CHECK(vici_name_is(&m.elems[i], "empty"));
	CHECK(value_is(&m.elems[i], "", 0));
	i = vici_next(&m, i);
	CHECK(vici_name_is(&m.elems[i], "binary"));
	CHECK(value_is(&m.elems[i], blob, sizeof(blob)));
	i = vici_next(&m, i);
	CHECK(vici_name_is(&m.elems[i], "section1"));
	CHECK_INT(m.elems[i].type, VICI_SECTION_START);
	i = vici_next(&m, i);
	CHECK(vici_name_is(&m.elems[i], "last"));
	CHECK_INT(vici_next(&m, i), vici_stop(&m, VICI_ROOT));

	/* inside section1 */
	s1 = vici_find(&m, VICI_ROOT, "section1");
	sub = vici_find(&m, s1, "sub-section");
	CHECK_INT(m.elems[sub].type, VICI_SECTION_START);
	CHECK_INT(vici_get_str(&m, sub, "key2", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "value2");
	CHECK_INT(vici_find(&m, VICI_ROOT, "key2"), SIZE_MAX); /* not a root child */
	l1 = vici_find(&m, s1, "list1");
	CHECK_INT(m.elems[l1].type, VICI_LIST_START);
	CHECK_INT(vici_stop(&m, l1) - vici_first(&m, l1), 3);
	i = vici_first(&m, l1);
	CHECK_INT(m.elems[i].type, VICI_LIST_ITEM);
	CHECK(m.elems[i].name == NULL);
	CHECK_INT(vici_get_str(&m, i, NULL, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "item1");
	i = vici_next(&m, i);
	CHECK(value_is(&m.elems[i], "item2", 5));
	i = vici_next(&m, i);
	CHECK(value_is(&m.elems[i], "", 0));
	el = vici_find(&m, s1, "empty-list");
	CHECK_INT(m.elems[el].type, VICI_LIST_START);
	CHECK_INT(vici_first(&m, el), vici_stop(&m, el));
	es = vici_find(&m, s1, "empty-section");
	CHECK_INT(m.elems[es].type, VICI_SECTION_START);
	CHECK_INT(vici_first(&m, es), vici_stop(&m, es));
	CHECK_INT(vici_stop(&m, s1), vici_find(&m, VICI_ROOT, "last"));
	/* leaves have no children */
	i = vici_find(&m, VICI_ROOT, "key1");
	CHECK_INT(vici_first(&m, i), vici_stop(&m, i));
	/* out-of-range parents iterate nothing */
	CHECK_INT(vici_first(&m, 1000), vici_stop(&m, 1000));
out:
	vici_msg_release(&m);
	vici_builder_release(&b);
}

/* The encoding example from strongSwan's vici README, byte for byte. */
static const uint8_t readme_example[] = {
	3, 4, 'k', 'e', 'y', '1', 0, 6, 'v', 'a', 'l', 'u', 'e', '1',
	1, 8, 's', 'e', 'c', 't', 'i', 'o', 'n', '1',
	1, 11, 's', 'u', 'b', '-', 's', 'e', 'c', 't', 'i', 'o', 'n',
	3, 4, 'k', 'e', 'y', '2', 0, 6, 'v', 'a', 'l', 'u', 'e', '2',
	2,
	4, 5, 'l', 'i', 's', 't', '1',
	5, 0, 5, 'i', 't', 'e', 'm', '1',
	5, 0, 5, 'i', 't', 'e', 'm', '2',
	6,
	2,
};

static void test_readme_example(void)
{
	struct vici_builder b;
	struct testlib_guarded g = testlib_guarded_copy(readme_example, sizeof(readme_example));
	struct vici_msg m = VICI_MSG_INIT;
	char buf[16];
	size_t s1, l1;

	vici_builder_init(&b);
	vici_add_kv_str(&b, "key1", "value1");
	vici_section_begin(&b, "section1");
	vici_section_begin(&b, "sub-section");
	vici_add_kv_str(&b, "key2", "value2");
	vici_section_end(&b);
	vici_list_begin(&b, "list1");
	vici_list_item_str(&b, "item1");
	vici_list_item_str(&b, "item2");
	vici_list_end(&b);
	vici_section_end(&b);
	CHECK_INT(vici_builder_finish(&b, NULL), 0);
	CHECK_INT(b.sb.len, sizeof(readme_example));
	CHECK(b.sb.len == sizeof(readme_example) &&
	      !memcmp(b.sb.buf, readme_example, b.sb.len));

	CHECK_INT(vici_msg_decode(g.data, sizeof(readme_example), &m, NULL), 0);
	CHECK_INT(m.count, 7);
	CHECK_INT(vici_get_str(&m, VICI_ROOT, "key1", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "value1");
	s1 = vici_find(&m, VICI_ROOT, "section1");
	CHECK_INT(s1, 1);
	CHECK_INT(m.elems[s1].end, 7);
	l1 = vici_find(&m, s1, "list1");
	CHECK_INT(l1, 4);
	CHECK_INT(m.elems[l1].end, 7);
	vici_msg_release(&m);
	testlib_guarded_free(&g);
	vici_builder_release(&b);
}

static void test_empty_message(void)
{
	struct vici_builder b;
	struct vici_msg m = VICI_MSG_INIT;

	vici_builder_init(&b);
	CHECK_INT(vici_builder_finish(&b, NULL), 0);
	CHECK_INT(b.sb.len, 0);
	CHECK_INT(vici_msg_decode(NULL, 0, &m, NULL), 0);
	CHECK_INT(m.count, 0);
	CHECK_INT(vici_first(&m, VICI_ROOT), vici_stop(&m, VICI_ROOT));
	CHECK_INT(vici_find(&m, VICI_ROOT, "x"), SIZE_MAX);
	vici_msg_release(&m);
	vici_msg_release(&m);  /* twice is harmless */
	vici_builder_release(&b);
}

/* Values up to the 16-bit maximum, and a message of exactly the cap. */
static void test_roundtrip_limits(void)
{
	struct vici_builder b;
	struct vici_msg m = VICI_MSG_INIT;
	uint8_t *big = malloc(UINT16_MAX);
	char name[256];
	size_t n = 0;

	CHECK(big != NULL);
	if (!big)
		return;
	memset(big, 'v', UINT16_MAX);
	memset(name, 'n', 255);
	name[255] = '\0';
	vici_builder_init(&b);
	/* each element: 1 + 1 + 255 + 2 + value; fill to exactly the cap */
	while (b.sb.len + 259 + UINT16_MAX <= VICI_MESSAGE_MAX) {
		name[0] = (char)('A' + n++);
		vici_add_kv(&b, name, big, UINT16_MAX);
	}
	name[0] = 'z';
	vici_add_kv(&b, name, big, VICI_MESSAGE_MAX - b.sb.len - 259);
	CHECK_INT(vici_builder_finish(&b, NULL), 0);
	CHECK_INT(b.sb.len, VICI_MESSAGE_MAX);
	CHECK_INT(vici_msg_decode((const uint8_t *)b.sb.buf, b.sb.len, &m, NULL), 0);
	CHECK_INT(m.count, n + 1);
	CHECK_INT(m.elems[0].value_len, UINT16_MAX);
	CHECK_INT(m.elems[0].name_len, 255);
	vici_msg_release(&m);
	vici_builder_release(&b);
	free(big);
}

/* Exactly VICI_NESTING_MAX levels decode; one more is rejected. */
static void test_nesting_boundary(void)
{
	struct vici_builder b;
	struct vici_msg m = VICI_MSG_INIT;
	int i;

	vici_builder_init(&b);
	for (i = 0; i < VICI_NESTING_MAX - 1; i++)
		vici_section_begin(&b, "s");
	vici_list_begin(&b, "l");
	vici_list_item_str(&b, "deep");
	vici_list_end(&b);
	for (i = 0; i < VICI_NESTING_MAX - 1; i++)
		vici_section_end(&b);
	CHECK_INT(vici_builder_finish(&b, NULL), 0);
	CHECK_INT(vici_msg_decode((const uint8_t *)b.sb.buf, b.sb.len, &m, NULL), 0);
	CHECK_INT(m.count, VICI_NESTING_MAX + 1);
	CHECK_INT(m.elems[0].end, m.count);
	vici_msg_release(&m);
	vici_builder_release(&b);
}

/* Every strict prefix of a valid message either decodes (at a balanced
 * element boundary) or fails cleanly with -EBADMSG. */
static void test_every_prefix(void)
{
	size_t i;

	for (i = 0; i < sizeof(readme_example); i++) {
		struct vici_msg m = VICI_MSG_INIT;
		int r = decode_guarded(readme_example, i, &m, NULL);

		CHECK(r == 0 || r == -EBADMSG);
		CHECK_INT(r == 0, i == 0 || i == 14);
	}
}

/* A buffer handed over before decoding is freed by release, whether the
 * decode worked or not (the sanitizer run catches a leak or double free). */
static void test_owned_buffer(void)
{
	static const uint8_t bad[] = { 3, 1, 'k' };
	struct vici_msg m = VICI_MSG_INIT;
	uint8_t *buf = malloc(sizeof(readme_example));

	CHECK(buf != NULL);
	if (!buf)
		return;
	memcpy(buf, readme_example, sizeof(readme_example));
	m.owned = buf;
	CHECK_INT(vici_msg_decode(buf, sizeof(readme_example), &m, NULL), 0);
	CHECK(m.owned == buf);
	CHECK_INT(m.count, 7);
	vici_msg_release(&m);
	CHECK(m.owned == NULL && m.elems == NULL && m.count == 0);

	buf = malloc(sizeof(bad));
	CHECK(buf != NULL);
	if (!buf)
		return;
	memcpy(buf, bad, sizeof(bad));
	m.owned = buf;
	CHECK_INT(vici_msg_decode(buf, sizeof(bad), &m, NULL), -EBADMSG);
	CHECK(m.owned == buf && m.elems == NULL && m.count == 0);
	vici_msg_release(&m);
}

/* charon's counters plugin names its global counter set "": a section may
 * have an empty name, on both sides.  The fixture is a real get-counters
 * reply captured from charon. */
static void test_empty_section_name(void)
{
	static const uint8_t want[] = { 1, 0, 3, 1, 'k', 0, 1, '0', 2 };
	struct vici_builder b;
	struct vici_msg m = VICI_MSG_INIT;
	char path[512], buf[8];
	FILE *f;
	uint8_t *raw;
	size_t len, counters, global;

	vici_builder_init(&b);
	vici_section_begin(&b, "");
	vici_add_kv_str(&b, "k", "0");
	vici_section_end(&b);
	CHECK_INT(vici_builder_finish(&b, NULL), 0);
	CHECK(b.sb.len == sizeof(want) && !memcmp(b.sb.buf, want, sizeof(want)));
	CHECK_INT(vici_msg_decode(want, sizeof(want), &m, NULL), 0);
	CHECK_INT(vici_find(&m, VICI_ROOT, ""), 0);
	CHECK_INT(vici_get_str(&m, 0, "k", buf, sizeof(buf)), 0);
	vici_msg_release(&m);
	vici_builder_release(&b);

	snprintf(path, sizeof(path), "%s/vici/get-counters-plugin.bin",
		 testlib_fixture_dir());
	f = fopen(path, "rb");
	CHECK(f != NULL);
	if (!f)
		return;
	raw = malloc(VICI_MESSAGE_MAX);
	len = raw ? fread(raw, 1, VICI_MESSAGE_MAX, f) : 0;
	fclose(f);
	CHECK(len > 0);
	CHECK_INT(vici_msg_decode(raw, len, &m, NULL), 0);
	counters = vici_find(&m, VICI_ROOT, "counters");
	global = vici_find(&m, counters, "");
	CHECK(global != SIZE_MAX);
	CHECK(vici_find(&m, global, "ike-rekey-init") != SIZE_MAX);
	vici_msg_release(&m);
	free(raw);
}

/* --- malformed messages --- */

struct bad_case {
	const char *what;
	uint8_t bytes[24];
	size_t len;
	int code;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	{ "truncated before name", { 1 }, 1, -EBADMSG,
	  "offset 0: section start truncated before its name" },
	{ "truncated name", { 3, 5, 'k', 'e' }, 4, -EBADMSG,
	  "offset 0: key-value name truncated (5 bytes, 2 left)" },
	{ "truncated value length", { 3, 1, 'k', 0 }, 4, -EBADMSG,
	  "offset 0: key-value truncated before its value length" },
	{ "truncated value", { 3, 1, 'k', 0, 5, 'a', 'b' }, 7, -EBADMSG,
	  "offset 0: key-value value length 5 exceeds the 2 bytes left" },
	{ "value length past end", { 3, 1, 'k', 0, 0, 3, 1, 'j', 0xff, 0xff }, 10,
	  -EBADMSG, "offset 5: key-value value length 65535 exceeds the 0 bytes left" },
	{ "item value past end", { 4, 1, 'l', 5, 0xff, 0xff, 'x' }, 7, -EBADMSG,
	  "offset 3: list item value length 65535 exceeds the 1 bytes left" },
	{ "unknown type 0", { 0 }, 1, -EBADMSG,
	  "offset 0: unknown element type 0" },
	{ "unknown type 7", { 3, 1, 'k', 0, 0, 7 }, 6, -EBADMSG,
	  "offset 5: unknown element type 7" },
	{ "unknown type 255", { 0xff }, 1, -EBADMSG,
	  "offset 0: unknown element type 255" },
	{ "section end without start", { 2 }, 1, -EBADMSG,
	  "offset 0: section end without section start" },
	{ "section end twice", { 1, 1, 's', 2, 2 }, 5, -EBADMSG,
	  "offset 4: section end without section start" },
	{ "list end without start", { 6 }, 1, -EBADMSG,
	  "offset 0: list end without list start" },
	{ "list end closing a section", { 1, 1, 's', 6 }, 4, -EBADMSG,
	  "offset 3: list end without list start" },
	{ "section end inside list", { 4, 1, 'l', 2 }, 4, -EBADMSG,
	  "offset 3: section end inside a list" },
	{ "list item outside list", { 5, 0, 1, 'x' }, 4, -EBADMSG,
	  "offset 0: list item outside a list" },
	{ "list item in section", { 1, 1, 's', 5, 0, 0, 2 }, 7, -EBADMSG,
	  "offset 3: list item outside a list" },
	{ "kv inside list", { 4, 1, 'l', 3, 1, 'k', 0, 0, 6 }, 9, -EBADMSG,
	  "offset 3: key-value inside a list" },
	{ "section inside list", { 4, 1, 'l', 1, 1, 's', 2, 6 }, 8, -EBADMSG,
	  "offset 3: section start inside a list" },
	{ "list inside list", { 4, 1, 'l', 4, 1, 'm', 6, 6 }, 8, -EBADMSG,
	  "offset 3: list start inside a list" },
	{ "unclosed section", { 1, 1, 's', 3, 1, 'k', 0, 0 }, 8, -EBADMSG,
	  "offset 8: section 's' not closed" },
	{ "unclosed inner section", { 1, 1, 'a', 1, 1, 'b', 2 }, 7, -EBADMSG,
	  "offset 7: section 'a' not closed" },
	{ "unclosed list", { 4, 2, 'l', 'l', 5, 0, 0 }, 7, -EBADMSG,
	  "offset 7: list 'll' not closed" },
	{ "non-printable name 0x01", { 3, 2, 'k', 0x01, 0, 0 }, 6, -EBADMSG,
	  "offset 3: key-value name has non-printable byte 0x01" },
	{ "non-printable name 0x7f", { 1, 1, 0x7f, 2 }, 4, -EBADMSG,
	  "offset 2: section start name has non-printable byte 0x7f" },
	{ "non-printable name 0x80", { 4, 1, 0x80, 6 }, 4, -EBADMSG,
	  "offset 2: list start name has non-printable byte 0x80" },
	{ "NUL in name", { 3, 2, 0, 'k', 0, 0 }, 6, -EBADMSG,
	  "offset 2: key-value name has non-printable byte 0x00" },
	{ "empty name kv", { 3, 0, 0, 0 }, 4, -EBADMSG,
	  "offset 0: key-value has an empty name" },
	{ "empty name list", { 4, 0, 6 }, 3, -EBADMSG,
	  "offset 0: list start has an empty name" },
};

static void test_malformed_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct vici_msg m = VICI_MSG_INIT;
		struct ikw_err err = { "" };
		int r = decode_guarded(c->bytes, c->len, &m, &err);

		if (r != c->code || strcmp(err.msg, c->msg))
			testlib_fail(__FILE__, __LINE__,
				     "%s: got %d \"%s\", want %d \"%s\"", c->what,
				     r, err.msg, c->code, c->msg);
		CHECK(m.elems == NULL && m.count == 0);
	}
}

static void test_nesting_too_deep(void)
{
	uint8_t buf[3 * (VICI_NESTING_MAX + 1)];
	struct vici_msg m = VICI_MSG_INIT;
	struct ikw_err err = { "" };
	size_t i;

	for (i = 0; i < VICI_NESTING_MAX + 1; i++) {
		buf[3 * i] = VICI_SECTION_START;
		buf[3 * i + 1] = 1;
		buf[3 * i + 2] = 's';
	}
	CHECK_INT(decode_guarded(buf, sizeof(buf), &m, &err), -EBADMSG);
	CHECK_STR(err.msg, "offset 96: nesting deeper than 32");
	/* a list as the 33rd level counts too */
	buf[3 * VICI_NESTING_MAX] = VICI_LIST_START;
	CHECK_INT(decode_guarded(buf, sizeof(buf), &m, &err), -EBADMSG);
	CHECK_STR(err.msg, "offset 96: nesting deeper than 32");
}

static void test_oversized(void)
{
	size_t len = VICI_MESSAGE_MAX + 1;
	uint8_t *buf = calloc(1, len);
	struct vici_msg m = VICI_MSG_INIT;
	struct ikw_err err = { "" };

	CHECK(buf != NULL);
	if (!buf)
		return;
	CHECK_INT(vici_msg_decode(buf, len, &m, &err), -EMSGSIZE);
	CHECK_STR(err.msg, "message of 524289 bytes exceeds the 524288 byte limit");
	CHECK(m.elems == NULL);
	free(buf);
}

/* Many tiny elements: the element array grows to about len/3 entries. */
static void test_many_elements(void)
{
	size_t n = VICI_MESSAGE_MAX / 3, i;
	uint8_t *buf = malloc(3 + 3 * n + 1);
	struct vici_msg m = VICI_MSG_INIT;

	CHECK(buf != NULL);
	if (!buf)
		return;
	buf[0] = VICI_LIST_START;
	buf[1] = 1;
	buf[2] = 'l';
	for (i = 0; i < n - 1; i++) {
		buf[3 + 3 * i] = VICI_LIST_ITEM;
		buf[4 + 3 * i] = 0;
		buf[5 + 3 * i] = 0;
	}
	buf[3 + 3 * (n - 1)] = VICI_LIST_END;
	CHECK_INT(vici_msg_decode(buf, 3 + 3 * (n - 1) + 1, &m, NULL), 0);
	CHECK_INT(m.count, n);
	CHECK_INT(m.elems[0].end, n);
	vici_msg_release(&m);
	free(buf);
}

/* --- builder misuse --- */

static void expect_builder(struct vici_builder *b, int code, const char *msg)
{
	struct ikw_err err = { "" };

	CHECK_INT(vici_builder_finish(b, &err), code);
	CHECK_STR(err.msg, msg);
	vici_builder_release(b);
}

static void test_builder_misuse(void)
{
	struct vici_builder b;
	char longname[257];

	vici_builder_init(&b);
	vici_section_begin(&b, "s");
	expect_builder(&b, -EINVAL,
		       "unbalanced message: 1 section(s) or list left open");

	vici_builder_init(&b);
	vici_list_begin(&b, "l");
	expect_builder(&b, -EINVAL,
		       "unbalanced message: 1 section(s) or list left open");

	vici_builder_init(&b);
	vici_section_end(&b);
	expect_builder(&b, -EINVAL, "section end without section start");

	vici_builder_init(&b);
	vici_list_item_str(&b, "x");
	expect_builder(&b, -EINVAL, "list item outside a list");

	vici_builder_init(&b);
	vici_list_end(&b);
	expect_builder(&b, -EINVAL, "list end without list start");

	vici_builder_init(&b);
	vici_list_begin(&b, "l");
	vici_add_kv_str(&b, "k", "v");
	expect_builder(&b, -EINVAL, "key-value inside a list");

	vici_builder_init(&b);
	vici_list_begin(&b, "l");
	vici_section_begin(&b, "s");
	expect_builder(&b, -EINVAL, "section start inside a list");

	vici_builder_init(&b);
	vici_list_begin(&b, "l");
	vici_list_begin(&b, "m");
	expect_builder(&b, -EINVAL, "list start inside a list");

	vici_builder_init(&b);
	vici_list_begin(&b, "l");
	vici_section_end(&b);
	expect_builder(&b, -EINVAL, "section end inside a list");

	vici_builder_init(&b);
	vici_add_kv_str(&b, "", "v");
	expect_builder(&b, -EINVAL,
		       "key-value: name must be 1..255 printable bytes");

	vici_builder_init(&b);
	vici_section_begin(&b, "tab\there");
	expect_builder(&b, -EINVAL,
		       "section start: name must be 0..255 printable bytes");

	vici_builder_init(&b);
	vici_section_begin(&b, NULL);
	expect_builder(&b, -EINVAL,
		       "section start: name must be 0..255 printable bytes");

	vici_builder_init(&b);
	vici_list_begin(&b, "");
	expect_builder(&b, -EINVAL,
		       "list start: name must be 1..255 printable bytes");

	memset(longname, 'x', 256);
	longname[256] = '\0';
	vici_builder_init(&b);
	vici_list_begin(&b, longname);
	expect_builder(&b, -EINVAL,
		       "list start: name must be 1..255 printable bytes");

	vici_builder_init(&b);
	vici_add_kv(&b, NULL, "v", 1);
	expect_builder(&b, -EINVAL,
		       "key-value: name must be 1..255 printable bytes");

	vici_builder_init(&b);
	vici_add_kv(&b, "k", NULL, 3);
	expect_builder(&b, -EINVAL, "key-value: bad value of 3 bytes");
}

static void test_builder_value_too_long(void)
{
	struct vici_builder b;
	uint8_t *v = calloc(1, UINT16_MAX + 1);

	CHECK(v != NULL);
	if (!v)
		return;
	vici_builder_init(&b);
	vici_add_kv(&b, "k", v, UINT16_MAX + 1);
	CHECK_INT(b.sb.len, 0);
	expect_builder(&b, -EMSGSIZE, "key-value: bad value of 65536 bytes");
	vici_builder_init(&b);
	vici_list_begin(&b, "l");
	vici_list_item(&b, v, UINT16_MAX + 1);
	expect_builder(&b, -EMSGSIZE, "list item: bad value of 65536 bytes");
	free(v);
}

static void test_builder_too_deep(void)
{
	struct vici_builder b;
	int i;

	vici_builder_init(&b);
	for (i = 0; i < VICI_NESTING_MAX; i++)
		vici_section_begin(&b, "s");
	CHECK_INT(b.error, 0);
	vici_list_begin(&b, "l");
	expect_builder(&b, -EINVAL, "nesting deeper than 32");
}

/* Over the cap: the error sticks, the buffer never exceeds the cap, and
 * later calls (even valid ones) change nothing. */
static void test_builder_oversized(void)
{
	struct vici_builder b;
	uint8_t *v = calloc(1, 60000);
	size_t len;
	int i;

	CHECK(v != NULL);
	if (!v)
		return;
	vici_builder_init(&b);
	vici_list_begin(&b, "big");
	for (i = 0; i < 9; i++)
		vici_list_item(&b, v, 60000);
	CHECK_INT(b.error, -EMSGSIZE);
	CHECK(b.sb.len <= VICI_MESSAGE_MAX);
	len = b.sb.len;
	vici_list_end(&b);
	vici_add_kv_str(&b, "k", "v");
	vici_section_end(&b);  /* misuse after the error: first error kept */
	CHECK_INT(b.sb.len, len);
	expect_builder(&b, -EMSGSIZE, "message exceeds 524288 bytes");
	free(v);
}

static void test_builder_reuse_after_release(void)
{
	struct vici_builder b;
	struct vici_msg m = VICI_MSG_INIT;

	vici_builder_init(&b);
	vici_list_item_str(&b, "x");
	vici_builder_release(&b);
	vici_add_kv_str(&b, "k", "v");
	CHECK_INT(vici_builder_finish(&b, NULL), 0);
	CHECK_INT(vici_msg_decode((const uint8_t *)b.sb.buf, b.sb.len, &m, NULL), 0);
	CHECK_INT(m.count, 1);
	vici_msg_release(&m);
	vici_builder_release(&b);
}

/* --- accessors --- */

static void build_values(struct vici_msg *m, struct vici_builder *b)
{
	static const char nul[] = { 'a', 0, 'b' };

	vici_builder_init(b);
	vici_add_kv_str(b, "num", "12");
	vici_add_kv_str(b, "zero", "0");
	vici_add_kv_str(b, "max", "18446744073709551615");
	vici_add_kv_str(b, "over", "18446744073709551616");
	vici_add_kv_str(b, "huge", "123456789012345678901234567890");
	vici_add_kv_str(b, "suffix", "12x");
	vici_add_kv_str(b, "empty", "");
	vici_add_kv_str(b, "space", " 5");
	vici_add_kv_str(b, "plus", "+5");
	vici_add_kv_str(b, "minus", "-1");
	vici_add_kv_str(b, "yes", "yes");
	vici_add_kv_str(b, "YES", "YES");
	vici_add_kv_str(b, "yess", "yess");
	vici_add_kv(b, "nul", nul, sizeof(nul));
	vici_section_begin(b, "sec");
	vici_section_end(b);
	vici_list_begin(b, "list");
	vici_list_item_str(b, "42");
	vici_list_end(b);
	if (vici_msg_decode((const uint8_t *)b->sb.buf, b->sb.len, m, NULL))
		testlib_fail(__FILE__, __LINE__, "decode failed");
}

static void test_get_u64(void)
{
	struct vici_builder b;
	struct vici_msg m = VICI_MSG_INIT;
	uint64_t v = 7;
	size_t l;

	build_values(&m, &b);
	CHECK_INT(vici_get_u64(&m, VICI_ROOT, "num", &v), 0);
	CHECK_U64(v, 12);
	CHECK_INT(vici_get_u64(&m, VICI_ROOT, "zero", &v), 0);
	CHECK_U64(v, 0);
	CHECK_INT(vici_get_u64(&m, VICI_ROOT, "max", &v), 0);
	CHECK_U64(v, UINT64_MAX);
	v = 7;
	CHECK_INT(vici_get_u64(&m, VICI_ROOT, "over", &v), -ERANGE);
	CHECK_INT(vici_get_u64(&m, VICI_ROOT, "huge", &v), -ERANGE);
	CHECK_INT(vici_get_u64(&m, VICI_ROOT, "suffix", &v), -EINVAL);
	CHECK_INT(vici_get_u64(&m, VICI_ROOT, "empty", &v), -EINVAL);
	CHECK_INT(vici_get_u64(&m, VICI_ROOT, "space", &v), -EINVAL);
	CHECK_INT(vici_get_u64(&m, VICI_ROOT, "plus", &v), -EINVAL);
	CHECK_INT(vici_get_u64(&m, VICI_ROOT, "minus", &v), -EINVAL);
	CHECK_INT(vici_get_u64(&m, VICI_ROOT, "nul", &v), -EINVAL);
	CHECK_U64(v, 7);  /* untouched on error */
	CHECK_INT(vici_get_u64(&m, VICI_ROOT, "absent", &v), -ENOENT);
	CHECK_INT(vici_get_u64(&m, VICI_ROOT, "sec", &v), -ENOENT);
	CHECK_INT(vici_get_u64(&m, VICI_ROOT, "list", &v), -ENOENT);
	l = vici_find(&m, VICI_ROOT, "list");
	CHECK_INT(vici_get_u64(&m, vici_first(&m, l), NULL, &v), 0);
	CHECK_U64(v, 42);
	vici_msg_release(&m);
	vici_builder_release(&b);
}

static void test_get_str(void)
{
	struct vici_builder b;
	struct vici_msg m = VICI_MSG_INIT;
	char buf[4];
	size_t k;

	build_values(&m, &b);
	CHECK_INT(vici_get_str(&m, VICI_ROOT, "num", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "12");
	CHECK_INT(vici_get_str(&m, VICI_ROOT, "empty", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "");
	CHECK_INT(vici_get_str(&m, VICI_ROOT, "yes", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "yes");
	CHECK_INT(vici_get_str(&m, VICI_ROOT, "yess", buf, sizeof(buf)), -ENOSPC);
	CHECK_STR(buf, "yes");
	CHECK_INT(vici_get_str(&m, VICI_ROOT, "suffix", buf, 3), -ENOSPC);
	CHECK_STR(buf, "12");
	CHECK_INT(vici_get_str(&m, VICI_ROOT, "max", buf, sizeof(buf)), -ENOSPC);
	CHECK_STR(buf, "184");
	CHECK_INT(vici_get_str(&m, VICI_ROOT, "nul", buf, sizeof(buf)), -EINVAL);
	CHECK_STR(buf, "");
	CHECK_INT(vici_get_str(&m, VICI_ROOT, "absent", buf, sizeof(buf)), -ENOENT);
	CHECK_STR(buf, "");
	CHECK_INT(vici_get_str(&m, VICI_ROOT, "sec", buf, sizeof(buf)), -ENOENT);
	CHECK_INT(vici_get_str(&m, VICI_ROOT, "num", buf, 0), -ENOSPC);
	/* name NULL: the element itself */
	k = vici_find(&m, VICI_ROOT, "zero");
	CHECK_INT(vici_get_str(&m, k, NULL, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "0");
	k = vici_find(&m, VICI_ROOT, "sec");
	CHECK_INT(vici_get_str(&m, k, NULL, buf, sizeof(buf)), -ENOENT);
	CHECK_INT(vici_get_str(&m, 9999, NULL, buf, sizeof(buf)), -ENOENT);
	vici_msg_release(&m);
	vici_builder_release(&b);
}

static void test_get_yes(void)
{
	struct vici_builder b;
	struct vici_msg m = VICI_MSG_INIT;

	build_values(&m, &b);
	CHECK(vici_get_yes(&m, VICI_ROOT, "yes"));
	CHECK(!vici_get_yes(&m, VICI_ROOT, "YES"));
	CHECK(!vici_get_yes(&m, VICI_ROOT, "yess"));
	CHECK(!vici_get_yes(&m, VICI_ROOT, "empty"));
	CHECK(!vici_get_yes(&m, VICI_ROOT, "absent"));
	CHECK(!vici_get_yes(&m, VICI_ROOT, "sec"));
	vici_msg_release(&m);
	vici_builder_release(&b);
}

static void test_name_valid(void)
{
	CHECK(vici_name_valid("a", 1));
	CHECK(vici_name_valid(" ~", 2));
	CHECK(!vici_name_valid("", 0));
	CHECK(!vici_name_valid(NULL, 1));
	CHECK(!vici_name_valid("a\x7f", 2));
	CHECK(!vici_name_valid("a\x1f", 2));
	CHECK(!vici_name_valid("\xc3\xa4", 2));
}

int main(void)
{
	RUN(test_roundtrip_all_types);
	RUN(test_readme_example);
	RUN(test_empty_message);
	RUN(test_roundtrip_limits);
	RUN(test_nesting_boundary);
	RUN(test_every_prefix);
	RUN(test_owned_buffer);
	RUN(test_empty_section_name);
	RUN(test_malformed_table);
	RUN(test_nesting_too_deep);
	RUN(test_oversized);
	RUN(test_many_elements);
	RUN(test_builder_misuse);
	RUN(test_builder_value_too_long);
	RUN(test_builder_too_deep);
	RUN(test_builder_oversized);
	RUN(test_builder_reuse_after_release);
	RUN(test_get_u64);
	RUN(test_get_str);
	RUN(test_get_yes);
	RUN(test_name_valid);
	return testlib_done();
}
