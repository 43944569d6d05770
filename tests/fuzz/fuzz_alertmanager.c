/* libFuzzer target: an untrusted Alertmanager webhook body.  Whatever
 * parses holds at most AM_ALERTS_MAX alerts, each with an alertname, and
 * kept labels that are NUL-terminated printable ASCII without '/' or '\\'. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "remediate/alertmanager.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_label(const char *s)
{
	size_t i, n = strnlen(s, AM_VALUE_MAX + 1);

	if (n > AM_VALUE_MAX)
		abort();
	for (i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e || s[i] == '/' || s[i] == '\\')
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct am_payload p;
	struct ikw_err err = { "" };
	size_t i;

	if (am_parse((const char *)data, size, &p, &err)) {
		if (!err.msg[0])
			abort();
		return 0;
	}
	if (p.n > AM_ALERTS_MAX)
		abort();
	for (i = 0; i < p.n; i++) {
		if (!p.alerts[i].alertname[0])
			abort();
		fuzz_label(p.alerts[i].alertname);
		fuzz_label(p.alerts[i].conn);
		fuzz_label(p.alerts[i].child);
	}
	return 0;
}
