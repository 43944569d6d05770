/* libFuzzer target: untrusted bytes as a received ICMP message, with and
 * without the IPv4 header that raw sockets deliver.  Checks: the parser
 * returns 0 or -EBADMSG; a kind other than OTHER only with a type that has
 * it; an echo reply it accepts as ours is rebuilt from what it read (id,
 * sequence, token, length) into bytes that parse the same.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c17 -D_GNU_SOURCE \
 *     -Isrc -DIKW_VERSION='"fuzz"' -DIKW_REVISION='"fuzz"' \
 *     tests/fuzz/fuzz_icmp.c src/probe/icmp.c -o build/fuzz_icmp
 *   build/fuzz_icmp -max_total_time=90 tests/fuzz/corpus/icmp
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/icmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_kind(const struct icmp_msg *m)
{
	switch (m->kind) {
	case ICMP_KIND_ECHO_REPLY:
		if (m->type != 0 || m->code != 0)
			abort();
		break;
	case ICMP_KIND_UNREACHABLE:
		if (m->type != 3)
			abort();
		break;
	case ICMP_KIND_TIME_EXCEEDED:
		if (m->type != 11)
			abort();
		break;
	case ICMP_KIND_OTHER:
		break;
	}
	if (m->tagged && m->kind != ICMP_KIND_ECHO_REPLY)
		abort();
}

/* A reply we would accept, rebuilt as the peer would send it. */
static void fuzz_round_trip(const struct icmp_msg *m, size_t icmp_len)
{
	static uint8_t buf[65536];
	struct icmp_msg again;
	size_t n;
	uint16_t c;

	if (!m->tagged || icmp_len < ICMP_ECHO_HDR + ICMP_TAG_LEN || icmp_len > sizeof(buf))
		return;
	n = icmp_build_echo(buf, sizeof(buf), m->id, m->seq, m->token,
			    icmp_len - ICMP_ECHO_HDR);
	if (n != icmp_len)
		abort();
	buf[0] = 0;
	buf[2] = buf[3] = 0;
	c = icmp_checksum(buf, n);
	buf[2] = (uint8_t)(c >> 8);
	buf[3] = (uint8_t)c;
	if (icmp_parse(buf, n, false, &again) || again.kind != ICMP_KIND_ECHO_REPLY ||
	    !again.tagged || again.token != m->token || again.seq != m->seq ||
	    again.id != m->id)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct icmp_msg m;
	int r;

	r = icmp_parse(data, size, false, &m);
	if (r && r != -EBADMSG)
		abort();
	if (!r) {
		fuzz_check_kind(&m);
		if (m.src)
			abort();
		fuzz_round_trip(&m, size);
	}
	r = icmp_parse(data, size, true, &m);
	if (r && r != -EBADMSG)
		abort();
	if (!r)
		fuzz_check_kind(&m);
	return 0;
}
