/* libFuzzer target: the YAML configuration parser.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c17 -D_GNU_SOURCE \
 *     -Isrc -DIKW_VERSION='"fuzz"' -DIKW_REVISION='"fuzz"' \
 *     tests/fuzz/fuzz_config.c $(find src -name '*.c' ! -name main.c) $(pkg-config --cflags --libs \
 *     libmicrohttpd yaml-0.1 zlib libsystemd gnutls) -lcrypt -lpthread -o build/fuzz_config
 *   build/fuzz_config -max_total_time=300 tests/fuzz/corpus/config
 */
#include <stdint.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;

	config_init(&c);
	config_parse_yaml(&c, "fuzz.yml", (const char *)data, size, NULL);
	config_release(&c);
	return 0;
}
