/* libFuzzer target: one untrusted pluto log line through pluto's
 * classifier (logs/log_classify_pluto.c), checking what the counters rely
 * on: the message lies inside the input, the conn is short printable
 * UTF-8, kinds and reasons are in their sets, SPIs are 8 lowercase hex
 * digits or empty, an SA event names a conn, a rekey names the SA it
 * replaced only when it is one.
 *
 *   scripts/fuzz.sh plutolog SECONDS      (corpus tests/fuzz/corpus/plutolog) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"
#include "logs/log_classify_pluto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_conn(const char *conn)
{
	char again[LOG_CONN_MAX + 1];
	size_t len = strnlen(conn, LOG_CONN_MAX + 1);

	if (len > LOG_CONN_MAX)
		abort();
	text_sanitize(again, conn, len);
	if (strcmp(again, conn))
		abort();
}

static void fuzz_check_spi(const char *spi)
{
	size_t i, n = strnlen(spi, 9);

	if (n != 0 && n != 8)
		abort();
	for (i = 0; i < n; i++)
		if (!((spi[i] >= '0' && spi[i] <= '9') || (spi[i] >= 'a' && spi[i] <= 'f')))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	struct pluto_sa_event sa;
	struct log_event ev;
	int r = log_classify_pluto(line, size, &ev, &sa);

	if (ev.msg < line || ev.msg_len > size || ev.msg + ev.msg_len > line + size)
		abort();
	if (ev.conn_raw && (ev.conn_raw < line || ev.conn_raw + ev.conn_raw_len > line + size))
		abort();
	if ((unsigned)ev.kind > LOG_RESPONSE || (unsigned)ev.reason >= FAIL_REASON_COUNT)
		abort();
	if ((unsigned)sa.kind > PLUTO_CHILD_TRAFFIC)
		abort();
	if (r != (ev.kind != LOG_NONE || sa.kind != PLUTO_SA_NONE))
		abort();
	if (sa.kind != PLUTO_IKE_REKEY && sa.kind != PLUTO_CHILD_REKEY && sa.old_serial)
		abort();
	if (sa.kind != PLUTO_CHILD_TRAFFIC && (sa.bytes_in || sa.bytes_out))
		abort();
	fuzz_check_spi(sa.spi_in);
	fuzz_check_spi(sa.spi_out);
	if (!sa.spi_in[0] != !sa.spi_out[0])
		abort();
	fuzz_check_conn(ev.conn);
	return 0;
}
