/* libFuzzer target: the get-pools translation.  A decodable VICI message
 * goes through the pool parser and the exposition of its pools; the input
 * as text also goes to the last-address arithmetic.
 *
 *   scripts/fuzz.sh strongswan_pools 600
 * Seeds: tests/fuzz/corpus/strongswan_pools (get-pools responses captured
 * from charon 5.9.8 in the lab's remote-access mode, and built ones). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/strongswan_pools_parse.h"
#include "metrics/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_render(struct model *m)
{
	struct render_opts o = { .peer_labels = false };
	struct strbuf sb = STRBUF_INIT;
	struct render *r = render_new(m, EXPO_OPENMETRICS, &o);

	while (r && render_next(r, &sb) > 0)
		strbuf_reset(&sb);
	render_free(r);
	strbuf_release(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vici_msg msg = VICI_MSG_INIT;
	struct model *m = model_new();
	char text[80], last[64];
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;

	if (!m)
		abort();
	memcpy(text, data, n);
	text[n] = '\0';
	strongswan_pools_last(text, size, last, sizeof(last));
	if (!vici_msg_decode(data, size, &msg, NULL) &&
	    !strongswan_pools_parse(&msg, &m->arena, &m->pools, NULL))
		fuzz_render(m);
	model_unref(m);
	vici_msg_release(&msg);
	return 0;
}
