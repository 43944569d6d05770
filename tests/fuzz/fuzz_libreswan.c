/* libFuzzer target: untrusted bytes as libreswan whack output.  The first
 * byte picks the parser (mod 4: connection list, states, traffic, global
 * counters), the rest is the output.  Checks what the collector relies on:
 * every string NUL-terminated within its array and free of control bytes;
 * names non-empty; SPIs exactly 8 lowercase hex digits; enums inside their
 * range; timers and numbers LSW_NONE or >= 0; an error is -EBADMSG or
 * -E2BIG with a printable "line N: ..." message.
 *
 *   scripts/fuzz.sh libreswan 600
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"
#include "parse/libreswan_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_text(const char *s, size_t cap)
{
	size_t len = strnlen(s, cap), i;

	if (len == cap)
		abort();
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}
#define CHECK_TEXT(s) fuzz_check_text(s, sizeof(s))

static void fuzz_check_time(int64_t v)
{
	if (v != LSW_NONE && v < 0)
		abort();
}

static void fuzz_check_spi(const char *spi)
{
	if (strlen(spi) != LSW_SPI_MAX || strspn(spi, "0123456789abcdef") != LSW_SPI_MAX)
		abort();
}

static int on_conn(void *ctx, const struct lsw_conn *c)
{
	(void)ctx;
	CHECK_TEXT(c->name);
	CHECK_TEXT(c->local_host);
	CHECK_TEXT(c->remote_host);
	CHECK_TEXT(c->local_client);
	CHECK_TEXT(c->remote_client);
	CHECK_TEXT(c->routing);
	CHECK_TEXT(c->local_id);
	CHECK_TEXT(c->remote_id);
	CHECK_TEXT(c->ike_alg);
	CHECK_TEXT(c->child_alg);
	CHECK_TEXT(c->child_proto);
	CHECK_TEXT(c->pfs_group);
	if (!c->name[0] || strchr(c->name, '"') || c->ike_version > 2)
		abort();
	fuzz_check_time(c->ike_life);
	fuzz_check_time(c->ipsec_life);
	fuzz_check_time(c->rekey_margin);
	return 0;
}

static int on_state(void *ctx, const struct lsw_state *s)
{
	(void)ctx;
	CHECK_TEXT(s->conn);
	CHECK_TEXT(s->state);
	CHECK_TEXT(s->proto);
	CHECK_TEXT(s->spi_in);
	CHECK_TEXT(s->spi_out);
	CHECK_TEXT(s->peer);
	CHECK_TEXT(s->local);
	if (!s->conn[0])
		abort();
	switch (s->kind) {
	case LSW_STATE_SPIS:
		fuzz_check_spi(s->spi_in);
		fuzz_check_spi(s->spi_out);
		if (s->state[0])
			abort();
		break;
	case LSW_STATE_IKE:
	case LSW_STATE_CHILD:
		if (!s->state[0] || strspn(s->state, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
		    strlen(s->state) || s->spi_in[0] || s->spi_out[0])
			abort();
		if (s->kind == LSW_STATE_IKE && s->ike_serial)
			abort();
		break;
	default:
		abort();
	}
	fuzz_check_time(s->rekey_in);
	fuzz_check_time(s->replace_in);
	fuzz_check_time(s->expire_in);
	fuzz_check_time(s->liveness_in);
	return 0;
}

static int on_traffic(void *ctx, const struct lsw_traffic *t)
{
	(void)ctx;
	CHECK_TEXT(t->conn);
	CHECK_TEXT(t->type);
	CHECK_TEXT(t->id);
	if (!t->conn[0])
		abort();
	fuzz_check_time(t->add_time);
	fuzz_check_time(t->in_bytes);
	fuzz_check_time(t->out_bytes);
	return 0;
}

static int on_global(void *ctx, const struct lsw_global *g)
{
	(void)ctx;
	CHECK_TEXT(g->key);
	if (!g->key[0] || strpbrk(g->key, " \t="))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ikw_err err = { "" };
	const char *buf;
	int r = 0;

	if (!size)
		return 0;
	buf = (const char *)data + 1;
	switch (data[0] & 3) {
	case 0: r = lsw_parse_conns(buf, size - 1, on_conn, NULL, &err); break;
	case 1: r = lsw_parse_states(buf, size - 1, on_state, NULL, &err); break;
	case 2: r = lsw_parse_traffic(buf, size - 1, on_traffic, NULL, &err); break;
	case 3: r = lsw_parse_global(buf, size - 1, on_global, NULL, &err); break;
	}
	if (r) {
		char again[sizeof(err.msg)];

		if (r != -EBADMSG && r != -E2BIG)
			abort();
		CHECK_TEXT(err.msg);
		text_sanitize(again, err.msg, strlen(err.msg));
		if (strcmp(again, err.msg) || strncmp(err.msg, "line ", 5))
			abort();
	}
	return 0;
}
