/* libFuzzer target: untrusted bytes as a received ICMPv6 message (ping and
 * raw ICMPv6 sockets deliver no IPv6 header).  Checks: the parser returns
 * 0 or -EBADMSG; a kind other than OTHER only with a type that has it, an
 * MTU only from a Packet Too Big; an echo reply it accepts as ours is
 * rebuilt from what it read (id, sequence, token, length) into bytes that
 * parse the same.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c17 -D_GNU_SOURCE \
 *     -Isrc -DIKW_VERSION='"fuzz"' -DIKW_REVISION='"fuzz"' \
 *     tests/fuzz/fuzz_icmp6.c src/probe/icmp6.c src/probe/icmp.c -o build/fuzz_icmp6
 *   build/fuzz_icmp6 -max_total_time=90 tests/fuzz/corpus/icmp6
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/icmp.h"
#include "probe/icmp6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_kind(const struct icmp6_msg *m)
{
	static const uint8_t type_of[] = {
		[ICMP6_KIND_ECHO_REPLY] = 129, [ICMP6_KIND_UNREACHABLE] = 1,
		[ICMP6_KIND_TOO_BIG] = 2, [ICMP6_KIND_TIME_EXCEEDED] = 3,
	};

	if (m->kind != ICMP6_KIND_OTHER && m->type != type_of[m->kind])
		abort();
	if (m->kind == ICMP6_KIND_ECHO_REPLY && m->code != 0)
		abort();
	if (m->tagged && m->kind != ICMP6_KIND_ECHO_REPLY)
		abort();
	if (m->mtu && m->type != 2)
		abort();
}

/* A reply we would accept, rebuilt as the peer would send it. */
static void fuzz_round_trip(const struct icmp6_msg *m, size_t len)
{
	static uint8_t buf[65536];
	struct icmp6_msg again;
	size_t n;

	if (!m->tagged || len < ICMP6_ECHO_HDR + ICMP_TAG_LEN || len > sizeof(buf))
		return;
	n = icmp6_build_echo(buf, sizeof(buf), m->id, m->seq, m->token, len - ICMP6_ECHO_HDR);
	if (n != len)
		abort();
	buf[0] = 129;
	if (icmp6_parse(buf, n, &again) || again.kind != ICMP6_KIND_ECHO_REPLY ||
	    !again.tagged || again.token != m->token || again.seq != m->seq ||
	    again.id != m->id)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct icmp6_msg m;
	int r = icmp6_parse(data, size, &m);

	if (r && r != -EBADMSG)
		abort();
	if (!r) {
		fuzz_check_kind(&m);
		fuzz_round_trip(&m, size);
	}
	return 0;
}
