/* libFuzzer target: the web configuration parser (web-config.yml) and the
 * GnuTLS priority string it becomes.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c17 -D_GNU_SOURCE \
 *     -Isrc -DIKW_VERSION='"fuzz"' -DIKW_REVISION='"fuzz"' \
 *     tests/fuzz/fuzz_web_config.c $(find src -name '*.c' ! -name main.c) \
 *     $(pkg-config --cflags --libs libmicrohttpd yaml-0.1 zlib libsystemd gnutls) \
 *     -lcrypt -lpthread -lm -o build/fuzz_web_config
 *   build/fuzz_web_config -dict=tests/fuzz/web_config.dict -max_total_time=300 \
 *     tests/fuzz/corpus/web_config
 * (or scripts/fuzz.sh web_config 300)
 */
#include <stdint.h>

#include "common/strbuf.h"
#include "http/web_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct web_config w;

	web_config_init(&w);
	if (web_config_parse(&w, "fuzz.yml", (const char *)data, size, NULL) == 0) {
		struct strbuf sb = STRBUF_INIT;

		web_config_priorities(&w, &sb);
		strbuf_release(&sb);
	}
	web_config_release(&w);
	return 0;
}
