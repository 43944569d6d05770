/* libFuzzer target for the VICI packet framing and message codec.  The input
 * is tried both as a packet payload (vici_packet_parse, then the message it
 * wraps) and as a bare message.  Every decoded message is walked with the
 * navigation helpers and re-encoded with the builder: the encoding is
 * canonical, so the same bytes must come back.
 *
 * Build and run with clang (from the repository root):
 *   clang -g -O1 -std=c17 -D_GNU_SOURCE -Isrc \
 *     -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
 *     tests/fuzz/fuzz_vici.c src/vici/vici_codec.c src/vici/vici_packet.c \
 *     src/common/err.c src/common/num.c src/common/strbuf.c \
 *     -o /tmp/fuzz_vici
 *   mkdir -p /tmp/vici-corpus
 *   /tmp/fuzz_vici -dict=tests/fuzz/vici.dict -max_total_time=60 \
 *     /tmp/vici-corpus tests/fuzz/corpus/vici
 * A crash leaves crash-<sha1>: add it to tests/fuzz/corpus/vici/ (named for
 * what it found) so that `make fuzz-replay` replays it with gcc from then on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vici/vici_codec.h"
#include "vici/vici_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_vici_fail(const char *what)
{
	fprintf(stderr, "fuzz_vici: invariant broken: %s\n", what);
	abort();
}

/* The accessors must agree with the element they read. */
static void fuzz_vici_access(const struct vici_msg *m, size_t parent,
			     size_t i)
{
	const struct vici_elem *e = &m->elems[i];
	char name[256], buf[8];
	uint64_t v;
	int r;

	r = vici_get_str(m, i, NULL, buf, sizeof(buf));
	if (e->type == VICI_KEY_VALUE || e->type == VICI_LIST_ITEM) {
		if (r != 0 && r != -ENOSPC && r != -EINVAL)
			fuzz_vici_fail("get_str on a value");
		vici_get_u64(m, i, NULL, &v);
	} else if (r != -ENOENT) {
		fuzz_vici_fail("get_str on a section or list");
	}
	if (!e->name)
		return;
	memcpy(name, e->name, e->name_len);
	name[e->name_len] = '\0';
	/* names need not be unique: find returns the first of that name */
	if (vici_find(m, parent, name) > i)
		fuzz_vici_fail("find missed a child");
	vici_get_u64(m, parent, name, &v);
	vici_get_yes(m, parent, name);
}

/* Walks the children of parent, checking the tree shape, and encodes them
 * into b.  Returns the number of elements visited. */
static size_t fuzz_vici_walk(const struct vici_msg *m, size_t parent,
			     struct vici_builder *b, int depth)
{
	size_t i, visited = 0, stop = vici_stop(m, parent);
	char name[256];

	if (depth > VICI_NESTING_MAX)
		fuzz_vici_fail("nesting deeper than the limit");
	for (i = vici_first(m, parent); i < stop; i = vici_next(m, i)) {
		const struct vici_elem *e = &m->elems[i];

		if (e->end <= i || e->end > stop)
			fuzz_vici_fail("element end outside its parent");
		fuzz_vici_access(m, parent, i);
		if (e->name) {
			memcpy(name, e->name, e->name_len);
			name[e->name_len] = '\0';
		}
		visited++;
		switch (e->type) {
		case VICI_SECTION_START:
			vici_section_begin(b, name);
			visited += fuzz_vici_walk(m, i, b, depth + 1);
			vici_section_end(b);
			break;
		case VICI_LIST_START:
			vici_list_begin(b, name);
			visited += fuzz_vici_walk(m, i, b, depth + 1);
			vici_list_end(b);
			break;
		case VICI_KEY_VALUE:
			vici_add_kv(b, name, e->value, e->value_len);
			break;
		case VICI_LIST_ITEM:
			vici_list_item(b, e->value, e->value_len);
			break;
		default:
			fuzz_vici_fail("stored element of an unstored type");
		}
	}
	return visited;
}

static void fuzz_vici_message(const uint8_t *data, size_t size)
{
	struct vici_msg m = VICI_MSG_INIT;
	struct vici_builder b;
	struct ikw_err err = { "" };
	int r = vici_msg_decode(data, size, &m, &err);

	if (r) {
		if ((r != -EBADMSG && r != -EMSGSIZE) || !err.msg[0] || m.elems)
			fuzz_vici_fail("decode error without reason");
		return;
	}
	vici_builder_init(&b);
	if (fuzz_vici_walk(&m, VICI_ROOT, &b, 0) != m.count)
		fuzz_vici_fail("navigation did not visit every element");
	if (vici_builder_finish(&b, &err))
		fuzz_vici_fail("decoded message does not re-encode");
	if (b.sb.len != size || (size && memcmp(b.sb.buf, data, size)))
		fuzz_vici_fail("re-encoded message differs");
	vici_builder_release(&b);
	vici_msg_release(&m);
}

static void fuzz_vici_packet(const uint8_t *data, size_t size)
{
	struct vici_packet pkt;
	struct ikw_err err = { "" };
	size_t len;

	if (size >= 4 && !vici_packet_length(data, &len, NULL) &&
	    (len == 0 || len > VICI_PACKET_MAX))
		fuzz_vici_fail("length prefix outside its bounds");
	if (vici_packet_parse(data, size, &pkt, &err)) {
		if (!err.msg[0])
			fuzz_vici_fail("parse error without reason");
		return;
	}
	if (pkt.msg < data || pkt.msg + pkt.msg_len != data + size)
		fuzz_vici_fail("packet message outside the input");
	if (pkt.name && !vici_name_valid(pkt.name, pkt.name_len))
		fuzz_vici_fail("packet name not printable");
	fuzz_vici_message(pkt.msg, pkt.msg_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_vici_packet(data, size);
	fuzz_vici_message(data, size);
	return 0;
}
