/* libFuzzer target: one journal entry's fields, as any local process that
 * passes the _UID match could write them (MESSAGE, IKE_SA_NAME,
 * IKE_SA_UNIQUE_ID: any bytes), built into an entry and counted by the log
 * collector as `ikewatch serve` does.  Checks: the message lies inside the
 * input and is cut at the line cap; a conn name is NUL-free, short and
 * NUL-terminated; failures are counted only under the conns charon knows
 * ("tun1", "tun2") or "other" / "" (never under an invented name).
 *
 * Input: byte 0 and 1 give the lengths of the MESSAGE and IKE_SA_NAME data
 * (each modulo what is left); the rest is IKE_SA_UNIQUE_ID's data.  Each
 * piece is the raw "FIELD=value" data, so a wrong field name is tried too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "logs/log_collect.h"
#include "logs/log_journal.h"
#include "logs/logs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_LINE_MAX 512

static bool fuzz_known(void *ctx, const char *conn)
{
	(void)ctx;
	return !strcmp(conn, "tun1") || !strcmp(conn, "tun2");
}

static void fuzz_check_entry(const struct log_journal_entry *e, const uint8_t *data,
			     size_t size, const char *conn, size_t conn_size)
{
	if (e->len > FUZZ_LINE_MAX || (const uint8_t *)e->msg < data ||
	    (const uint8_t *)e->msg + e->len > data + size)
		abort();
	if (e->conn && (e->conn != conn || strlen(conn) >= conn_size || !conn[0]))
		abort();
}

static void fuzz_check_store(struct event_store *store)
{
	struct arena a = ARENA_INIT;
	struct event_view v;
	size_t i;

	if (event_store_view(store, &a, &v) == 0)
		for (i = 0; i < v.nfailures; i++)
			if (v.failures[i].conn[0] && strcmp(v.failures[i].conn, "other") &&
			    !fuzz_known(NULL, v.failures[i].conn))
				abort();
	arena_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct log_journal_fields f = { .message = NULL };
	struct log_journal_entry e;
	struct event_store *store;
	struct log_collect *c;
	char conn[256];
	size_t rest, n;

	if (size < 2)
		return 0;
	rest = size - 2;
	n = rest ? data[0] % (rest + 1) : 0;
	f.message = data + 2;
	f.message_len = n;
	rest -= n;
	f.name = data + 2 + n;
	f.name_len = rest ? data[1] % (rest + 1) : 0;
	f.id = data + 2 + n + f.name_len;
	f.id_len = rest - f.name_len;
	if (!log_journal_entry_build(&f, FUZZ_LINE_MAX, &e, conn, sizeof(conn)))
		return 0;
	fuzz_check_entry(&e, data, size, conn, sizeof(conn));
	store = event_store_new(64);
	c = log_collect_new(&(struct log_collect_opts){ store, NULL, true, fuzz_known, NULL, NULL,
							false });
	if (store && c) {
		logs_on_journal(c, &e);
		fuzz_check_store(store);
	}
	log_collect_free(c);
	event_store_free(store);
	return 0;
}
