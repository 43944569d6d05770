/* libFuzzer target: the remediation state file (remediation.state_file),
 * which another user may have been able to write if its directory is
 * loose.  Whatever parses: no time after "now", at most REM_DAY_MAX
 * restarts and REM_STATE_FAILURES_MAX failures, conn names an alert could
 * carry, and our own output parses back to the same state. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "remediate/remediate_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NOW 1798000000.0

static void fuzz_check(const struct rem_state *s)
{
	size_t i;

	if (s->host.nrestarts > REM_DAY_MAX || s->host.failures > REM_STATE_FAILURES_MAX ||
	    s->host.last_restart > FUZZ_NOW)
		abort();
	for (i = 0; i < s->host.nrestarts; i++)
		if (s->host.restarts[i] > FUZZ_NOW || s->host.restarts[i] < 0)
			abort();
	for (i = 0; i < s->nconns; i++)
		if (!s->conns[i].name[0] || strlen(s->conns[i].name) > AM_VALUE_MAX ||
		    s->conns[i].last_action > FUZZ_NOW)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rem_state a, b;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (rem_state_parse(&a, (const char *)data, size, FUZZ_NOW, NULL) == 0) {
		fuzz_check(&a);
		rem_state_format(&a, &sb);
		if (!strbuf_failed(&sb)) {
			if (rem_state_parse(&b, sb.buf, sb.len, FUZZ_NOW, NULL) != 0 ||
			    b.nconns != a.nconns || b.host.nrestarts != a.host.nrestarts ||
			    b.host.failures != a.host.failures)
				abort();   /* our own output must parse to the same */
			for (i = 0; i < a.nconns; i++)
				if (strcmp(a.conns[i].name, b.conns[i].name))
					abort();
			rem_state_release(&b);
		}
	}
	rem_state_release(&a);
	strbuf_release(&sb);
	return 0;
}
