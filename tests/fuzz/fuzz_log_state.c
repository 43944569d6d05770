/* libFuzzer target: an untrusted log state file (textfile runs).  Whatever
 * parses must format back to a file that parses to the same text: nothing
 * the parser accepts is lost or changed on the next save. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "logs/log_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *fuzz_format(const struct log_state *ls, struct event_store *s)
{
	struct arena a = ARENA_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct event_view v;
	char *out = NULL;

	if (!event_store_view(s, &a, &v)) {
		log_state_format(ls, &v, &sb);
		out = strbuf_failed(&sb) ? NULL : strdup(sb.buf);
	}
	strbuf_release(&sb);
	arena_release(&a);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct log_state ls, ls2;
	struct event_store *s = event_store_new(1000), *s2 = event_store_new(1000);
	char *once = NULL, *twice = NULL;
	size_t i;

	if (!s || !s2)
		abort();
	if (log_state_parse(&ls, s, (const char *)data, size, NULL) == 0) {
		for (i = 0; i < ls.nfiles; i++)
			if (ls.files[i].path[0] != '/' || !ls.files[i].pos.valid)
				abort();
		once = fuzz_format(&ls, s);
		if (!once || log_state_parse(&ls2, s2, once, strlen(once), NULL))
			abort();
		twice = fuzz_format(&ls2, s2);
		if (!twice || strcmp(once, twice))
			abort();
	}
	free(once);
	free(twice);
	event_store_free(s);
	event_store_free(s2);
	return 0;
}
