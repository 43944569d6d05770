/* VICI packet framing: encode/parse round trips for every op, exact bytes,
 * encoder argument checks, malformed packets and length prefixes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "testlib.h"
#include "vici/vici_codec.h"
#include "vici/vici_packet.h"

/* Parses a copy that ends right at an unreadable page, so an over-read
 * crashes instead of passing silently. */
static int parse_guarded(const void *src, size_t len, struct vici_packet *pkt,
			 struct ikw_err *err)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t map_len = ((len + page - 1) / page + 1) * page;
	uint8_t *map = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *data;
	int r;

	if (map == MAP_FAILED) {
		testlib_fail(__FILE__, __LINE__, "mmap failed");
		exit(1);
	}
	mprotect(map + map_len - page, page, PROT_NONE);
	data = map + map_len - page - len;
	if (len)
		memcpy(data, src, len);
	r = vici_packet_parse(data, len, pkt, err);
	munmap(map, map_len);
	pkt->name = NULL;  /* pointed into the unmapped copy */
	pkt->msg = NULL;
	return r;
}

struct op_case {
	enum vici_op op;
	const char *name;
	const char *msg;
};

static const struct op_case op_cases[] = {
	{ VICI_CMD_REQUEST, "list-sas", "\x03\x07noblock\x00\x03yes" },
	{ VICI_CMD_REQUEST, "version", "" },
	{ VICI_CMD_RESPONSE, NULL, "\x03\x07success\x00\x03yes" },
	{ VICI_CMD_RESPONSE, NULL, "" },
	{ VICI_CMD_UNKNOWN, NULL, "" },
	{ VICI_EVENT_REGISTER, "ike-updown", "" },
	{ VICI_EVENT_UNREGISTER, "list-sa", "" },
	{ VICI_EVENT_CONFIRM, NULL, "" },
	{ VICI_EVENT_UNKNOWN, NULL, "" },
	{ VICI_EVENT, "list-sa", "\x01\x03net\x02" },
	{ VICI_EVENT, "x", "" },
};

/* The message bytes of a case; strings above hold embedded NULs. */
static size_t op_case_msg_len(const struct op_case *c)
{
	static const size_t lens[] = { 14, 0, 14, 0, 0, 0, 0, 0, 0, 6, 0 };

	return lens[c - op_cases];
}

static void test_roundtrip_every_op(void)
{
	size_t i;

	for (i = 0; i < sizeof(op_cases) / sizeof(op_cases[0]); i++) {
		const struct op_case *c = &op_cases[i];
		size_t mlen = op_case_msg_len(c), len = 0;
		struct strbuf sb = STRBUF_INIT;
		struct vici_packet pkt;
		struct ikw_err err = { "" };
		const uint8_t *p;

		CHECK_INT(vici_packet_encode(&sb, c->op, c->name, c->msg, mlen), 0);
		p = (const uint8_t *)sb.buf;
		CHECK_INT(vici_packet_length(p, &len, &err), 0);
		CHECK_INT(len, sb.len - 4);
		CHECK_INT(vici_packet_parse(p + 4, len, &pkt, &err), 0);
		CHECK_STR(err.msg, "");
		CHECK_INT(pkt.op, c->op);
		if (c->name) {
			CHECK_INT(pkt.name_len, strlen(c->name));
			CHECK(pkt.name && !memcmp(pkt.name, c->name, pkt.name_len));
		} else {
			CHECK(pkt.name == NULL);
			CHECK_INT(pkt.name_len, 0);
		}
		CHECK_INT(pkt.msg_len, mlen);
		CHECK(pkt.msg_len == mlen && !memcmp(pkt.msg, c->msg, mlen));
		if (testlib_case_failures)
			testlib_fail(__FILE__, __LINE__, "case %zu (%s)", i,
				     vici_op_name(c->op));
		strbuf_release(&sb);
	}
}

static void test_exact_bytes(void)
{
	static const uint8_t want[] = {
		0, 0, 0, 9, VICI_CMD_REQUEST, 7, 'v', 'e', 'r', 's', 'i', 'o', 'n',
		0, 0, 0, 1, VICI_EVENT_CONFIRM,
		0, 0, 0, 4, VICI_CMD_RESPONSE, 2, 0xff, 0,
	};
	struct strbuf sb = STRBUF_INIT;

	/* appends: three packets in one buffer */
	CHECK_INT(vici_packet_encode(&sb, VICI_CMD_REQUEST, "version", NULL, 0), 0);
	CHECK_INT(vici_packet_encode(&sb, VICI_EVENT_CONFIRM, NULL, NULL, 0), 0);
	CHECK_INT(vici_packet_encode(&sb, VICI_CMD_RESPONSE, NULL, "\x02\xff\x00", 3), 0);
	CHECK_INT(sb.len, sizeof(want));
	CHECK(sb.len == sizeof(want) && !memcmp(sb.buf, want, sizeof(want)));
	strbuf_release(&sb);
}

static void test_encode_rejects(void)
{
	static char longname[257];
	struct strbuf sb = STRBUF_INIT;
	char *big = calloc(1, VICI_MESSAGE_MAX + 1);
	size_t before;

	memset(longname, 'n', 256);
	strbuf_addstr(&sb, "keep");
	before = sb.len;
	CHECK_INT(vici_packet_encode(&sb, VICI_CMD_REQUEST, NULL, NULL, 0), -EINVAL);
	CHECK_INT(vici_packet_encode(&sb, VICI_CMD_REQUEST, "", NULL, 0), -EINVAL);
	CHECK_INT(vici_packet_encode(&sb, VICI_EVENT, "a\nb", NULL, 0), -EINVAL);
	CHECK_INT(vici_packet_encode(&sb, VICI_EVENT_REGISTER, longname, NULL, 0),
		  -EINVAL);
	longname[255] = '\0';
	CHECK_INT(vici_packet_encode(&sb, VICI_EVENT_REGISTER, longname, NULL, 0), 0);
	sb.len = before;
	CHECK_INT(vici_packet_encode(&sb, VICI_CMD_RESPONSE, "name", NULL, 0), -EINVAL);
	CHECK_INT(vici_packet_encode(&sb, VICI_CMD_UNKNOWN, NULL, "x", 1), -EINVAL);
	CHECK_INT(vici_packet_encode(&sb, VICI_EVENT_CONFIRM, NULL, "x", 1), -EINVAL);
	CHECK_INT(vici_packet_encode(&sb, VICI_EVENT_UNKNOWN, NULL, "x", 1), -EINVAL);
	CHECK_INT(vici_packet_encode(&sb, VICI_EVENT_REGISTER, "e", "x", 1), -EINVAL);
	CHECK_INT(vici_packet_encode(&sb, VICI_CMD_RESPONSE, NULL, NULL, 1), -EINVAL);
	CHECK_INT(vici_packet_encode(&sb, (enum vici_op)8, NULL, NULL, 0), -EINVAL);
	CHECK(big != NULL);
	if (big) {
		CHECK_INT(vici_packet_encode(&sb, VICI_CMD_RESPONSE, NULL, big,
					     VICI_MESSAGE_MAX + 1), -EMSGSIZE);
		CHECK_INT(vici_packet_encode(&sb, VICI_CMD_RESPONSE, NULL, big,
					     VICI_MESSAGE_MAX), 0);
		sb.len = before;
	}
	CHECK_INT(sb.len, before);
	CHECK(!memcmp(sb.buf, "keep", 4));
	strbuf_release(&sb);
	free(big);
}

/* A failed allocation (here: a strbuf limit) leaves the buffer's length as it
 * was, so a half-written packet never goes out. */
static void test_encode_no_partial(void)
{
	struct strbuf sb;

	strbuf_init(&sb, 20);
	strbuf_addstr(&sb, "ab");
	CHECK_INT(vici_packet_encode(&sb, VICI_CMD_RESPONSE, NULL,
				     "0123456789abcdefghij", 20), -ENOMEM);
	CHECK_INT(sb.len, 2);
	CHECK_STR(sb.buf, "ab");
	strbuf_release(&sb);
}

struct bad_packet {
	const char *what;
	uint8_t bytes[8];
	size_t len;
	const char *msg;
};

static const struct bad_packet bad_packets[] = {
	{ "empty", { 0 }, 0, "empty packet" },
	{ "type 8", { 8 }, 1, "unknown packet type 8" },
	{ "type 255", { 0xff, 1, 'x' }, 3, "unknown packet type 255" },
	{ "request without name length", { 0 }, 1,
	  "CMD_REQUEST packet truncated before its name" },
	{ "event without name length", { 7 }, 1,
	  "EVENT packet truncated before its name" },
	{ "empty name", { 7, 0, 1, 1, 's', 2 }, 6, "EVENT packet has an empty name" },
	{ "truncated name", { 3, 5, 'a', 'b' }, 4,
	  "EVENT_REGISTER packet name truncated (5 bytes, 2 left)" },
	{ "non-printable name", { 4, 2, 'a', 0x01 }, 4,
	  "EVENT_UNREGISTER packet name has non-printable byte 0x01 at offset 3" },
	{ "high byte in name", { 0, 1, 0xe4 }, 3,
	  "CMD_REQUEST packet name has non-printable byte 0xe4 at offset 2" },
	{ "CMD_UNKNOWN with bytes", { 2, 0 }, 2,
	  "CMD_UNKNOWN packet carries 1 unexpected bytes" },
	{ "EVENT_CONFIRM with bytes", { 5, 1, 2, 3 }, 4,
	  "EVENT_CONFIRM packet carries 3 unexpected bytes" },
	{ "EVENT_UNKNOWN with bytes", { 6, 'x' }, 2,
	  "EVENT_UNKNOWN packet carries 1 unexpected bytes" },
	{ "EVENT_REGISTER with message", { 3, 1, 'e', 3 }, 4,
	  "EVENT_REGISTER packet carries 1 unexpected bytes" },
};

static void test_parse_malformed(void)
{
	size_t i;

	for (i = 0; i < sizeof(bad_packets) / sizeof(bad_packets[0]); i++) {
		const struct bad_packet *c = &bad_packets[i];
		struct vici_packet pkt;
		struct ikw_err err = { "" };
		int r = parse_guarded(c->bytes, c->len, &pkt, &err);

		if (r != -EBADMSG || strcmp(err.msg, c->msg))
			testlib_fail(__FILE__, __LINE__,
				     "%s: got %d \"%s\", want -EBADMSG \"%s\"",
				     c->what, r, err.msg, c->msg);
	}
}

static void test_parse_boundaries(void)
{
	uint8_t *big = calloc(1, VICI_PACKET_MAX + 1);
	struct vici_packet pkt;
	struct ikw_err err = { "" };

	/* the smallest packets of each kind */
	CHECK_INT(parse_guarded("\x05", 1, &pkt, &err), 0);
	CHECK_INT(parse_guarded("\x01", 1, &pkt, &err), 0);
	CHECK_INT(parse_guarded("\x07\x01z", 3, &pkt, &err), 0);
	CHECK(big != NULL);
	if (!big)
		return;
	big[0] = VICI_CMD_RESPONSE;
	CHECK_INT(vici_packet_parse(big, VICI_PACKET_MAX, &pkt, &err), 0);
	CHECK_INT(pkt.msg_len, VICI_PACKET_MAX - 1);
	CHECK_INT(vici_packet_parse(big, VICI_PACKET_MAX + 1, &pkt, &err), -EMSGSIZE);
	CHECK_STR(err.msg, "packet of 524546 bytes exceeds the 524545 byte limit");
	free(big);
}

static void test_length_prefix(void)
{
	static const struct {
		uint8_t hdr[4];
		int code;
		size_t len;
	} cases[] = {
		{ { 0, 0, 0, 0 }, -EBADMSG, 0 },
		{ { 0, 0, 0, 1 }, 0, 1 },
		{ { 0, 0, 1, 0 }, 0, 256 },
		{ { 0, 0x08, 0x01, 0x01 }, 0, VICI_PACKET_MAX },
		{ { 0, 0x08, 0x01, 0x02 }, -EMSGSIZE, 0 },
		{ { 0x80, 0, 0, 0 }, -EMSGSIZE, 0 },
		{ { 0xff, 0xff, 0xff, 0xff }, -EMSGSIZE, 0 },
	};
	size_t i;

	CHECK_INT(VICI_PACKET_MAX, 0x080101);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = 12345;
		struct ikw_err err = { "" };

		CHECK_INT(vici_packet_length(cases[i].hdr, &len, &err), cases[i].code);
		CHECK_INT(len, cases[i].code ? 12345 : cases[i].len);
		CHECK(cases[i].code ? err.msg[0] != '\0' : err.msg[0] == '\0');
	}
}

static void test_op_names(void)
{
	CHECK_STR(vici_op_name(VICI_CMD_REQUEST), "CMD_REQUEST");
	CHECK_STR(vici_op_name(VICI_CMD_RESPONSE), "CMD_RESPONSE");
	CHECK_STR(vici_op_name(VICI_CMD_UNKNOWN), "CMD_UNKNOWN");
	CHECK_STR(vici_op_name(VICI_EVENT_REGISTER), "EVENT_REGISTER");
	CHECK_STR(vici_op_name(VICI_EVENT_UNREGISTER), "EVENT_UNREGISTER");
	CHECK_STR(vici_op_name(VICI_EVENT_CONFIRM), "EVENT_CONFIRM");
	CHECK_STR(vici_op_name(VICI_EVENT_UNKNOWN), "EVENT_UNKNOWN");
	CHECK_STR(vici_op_name(VICI_EVENT), "EVENT");
	CHECK_STR(vici_op_name((enum vici_op)8), "UNKNOWN_OP");
}

int main(void)
{
	RUN(test_roundtrip_every_op);
	RUN(test_exact_bytes);
	RUN(test_encode_rejects);
	RUN(test_encode_no_partial);
	RUN(test_parse_malformed);
	RUN(test_parse_boundaries);
	RUN(test_length_prefix);
	RUN(test_op_names);
	return testlib_done();
}
