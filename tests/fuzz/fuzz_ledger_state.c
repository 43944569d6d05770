/* libFuzzer target: the textfile mode's state file parser.  A file that
 * parses must format back to something that parses to the same totals.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c17 -D_GNU_SOURCE \
 *     -Isrc -DIKW_VERSION='"fuzz"' -DIKW_REVISION='"fuzz"' \
 *     tests/fuzz/fuzz_ledger_state.c $(find src -name '*.c' ! -name main.c) \
 *     $(pkg-config --cflags --libs libmicrohttpd yaml-0.1 zlib libsystemd gnutls) -lcrypt -lpthread -lm \
 *     -o build/fuzz_ledger_state
 *   build/fuzz_ledger_state -max_total_time=300 tests/fuzz/corpus/ledger_state
 */
#include <stdint.h>
#include <stdlib.h>

#include "model/ledger_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ledger a = LEDGER_INIT, b = LEDGER_INIT;
	struct strbuf sb = STRBUF_INIT;

	if (ledger_state_parse(&a, (const char *)data, size, NULL) == 0) {
		ledger_state_format(&a, &sb);
		if (!strbuf_failed(&sb) &&
		    ledger_state_parse(&b, sb.buf, sb.len, NULL) != 0)
			abort();   /* our own output must parse */
	}
	strbuf_release(&sb);
	ledger_release(&a);
	ledger_release(&b);
	return 0;
}
