/* libFuzzer target: untrusted text as a probe address (the config) and as
 * a traffic selector list (charon's, via VICI) with a host offset, in each
 * family mode.  Checks: results are 0 or the documented errors; an address
 * that parses prints as text that parses back to it; a derived host is of
 * the family asked for and prints as text that parses back to it.  The
 * first 8 bytes are the offset, the rest the text.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c17 -D_GNU_SOURCE \
 *     -Isrc -DIKW_VERSION='"fuzz"' -DIKW_REVISION='"fuzz"' \
 *     tests/fuzz/fuzz_probe_addr.c src/probe/probe_addr.c src/common/num.c \
 *     src/common/err.c -o build/fuzz_probe_addr
 *   build/fuzz_probe_addr -max_total_time=90 tests/fuzz/corpus/probe_addr
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe_addr.h"

#define FUZZ_TEXT_MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* a prints as text that reads back as a. */
static void fuzz_round_trip(const struct probe_ip *a)
{
	char text[PROBE_IP_TEXT_MAX];
	struct probe_ip b;

	probe_addr_format(a, text, sizeof(text));
	if (probe_addr_parse(text, &b) || !probe_addr_equal(a, &b))
		abort();
}

static void fuzz_ts(const char *text, uint64_t offset, int family)
{
	struct ikw_err err = { "" };
	struct probe_ip a;
	int r = probe_ts_host(text, offset, family, &a, &err);

	if (r && r != -ENOENT && r != -ERANGE && r != -EINVAL)
		abort();
	if (r && !err.msg[0])
		abort();
	if (r)
		return;
	if ((family != AF_UNSPEC && a.family != family) ||
	    (a.family != AF_INET && a.family != AF_INET6))
		abort();
	fuzz_round_trip(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int families[] = { AF_UNSPEC, AF_INET, AF_INET6 };
	char *text;
	uint64_t offset = 0;
	struct probe_ip a;
	size_t i;

	if (size < 8 || size - 8 > FUZZ_TEXT_MAX)
		return 0;
	for (i = 0; i < 8; i++)
		offset = offset << 8 | data[i];
	text = malloc(size - 8 + 1);
	if (!text)
		return 0;
	memcpy(text, data + 8, size - 8);
	text[size - 8] = '\0';
	if (!probe_addr_parse(text, &a))
		fuzz_round_trip(&a);
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		fuzz_ts(text, offset, families[i]);
	free(text);
	return 0;
}
