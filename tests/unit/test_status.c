/* The status view from a hand-built model: attention order (down, child
 * missing, then ok), the rekeyed CHILD SA marked old and listed after the
 * new one, the conn filter; the table fits 80 and 200 columns with the
 * right columns dropped and cuts marked; the JSON escapes hostile names;
 * the duration and byte formats. */
#include <stdlib.h>
#include <string.h>

#include "model/view.h"
#include "status/status.h"
#include "status/status_json.h"
#include "status/status_table.h"
#include "testlib.h"

static struct child_cfg kids[] = {
	{ .name = "net", .mode = "TUNNEL" }, { .name = "voice", .mode = "TUNNEL" },
};

static struct child_sa child(const char *name, uint32_t id, enum child_state st,
			     const char *spi_in, int64_t installed)
{
	return (struct child_sa){ .name = name, .uniqueid = id, .reqid = 1, .state = st,
		.mode = "TUNNEL", .protocol = "ESP", .spi_in = spi_in, .spi_out = "0000beef",
		.cpi_in = "", .cpi_out = "", .encr_alg = "AES_GCM_16", .encr_keysize = 256,
		.integ_alg = "", .dh_group = "", .bytes_in = 1536, .packets_in = 3,
		.use_in = 2, .use_out = TIME_NONE, .rekey_in = 3000, .life_in = 3500,
		.installed_for = installed, .local_ts = "", .remote_ts = "" };
}

/* conns: "b-ok" (up; net rekeying: old and new), "a-missing" (up, voice
 * not installed), "c-down" (configured, no SA), and a hostile name. */
static struct model *model(struct ledger *l)
{
	struct model *m = model_new();
	/* sorted, as charon's list is after the collector */
	static const char *const names[] = { "<x y=\"z\">", "a-missing", "b-ok", "c-down" };
	struct ike_sa *ike;
	size_t i;

	m->collected_at = 1800000000;
	m->have_sas = true;
	m->conns = arena_alloc(&m->arena, 4 * sizeof(*m->conns));
	for (i = 0; i < 4; i++)
		m->conns[i] = (struct conn_cfg){ .name = names[i], .version = "IKEv2",
			.remote_addrs = "192.0.2.9", .children = kids, .nchildren = i == 1 ? 2 : 1 };
	m->nconns = 4;
	for (i = 0; i < 2; i++) {
		ike = model_add_ike_sa(m);
		ike->conn = names[i + 1];
		ike->uniqueid = (uint32_t)(i + 1);
		ike->state = IKE_ESTABLISHED;
		ike->established_for = 600;
		ike->remote_host = "192.0.2.9";
		ike->encr_alg = "AES_GCM_16";
		ike->integ_alg = ike->prf_alg = ike->dh_group = "";
		ike->tasks_active = "";
		ike->children = arena_alloc(&m->arena, 2 * sizeof(*ike->children));
		ike->children[0] = child("net", 10 + (uint32_t)i, CHILD_INSTALLED, "c0000001", 500);
		ike->nchildren = 1;
	}
	/* b-ok rekeyed net: the old SA is DELETED, the new one just installed */
	ike->children[0] = child("net", 20, CHILD_DELETED, "c0000001", 500);
	ike->children[1] = child("net", 21, CHILD_INSTALLED, "c0000002", 2);
	ike->nchildren = 2;
	ledger_update(l, m, true);
	model_build_views(m, NULL, l);
	return m;
}

static void test_build(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = model(&l);
	struct arena a = ARENA_INIT;
	struct status_view v;
	struct status_filter f = { "b-*" };
	const struct status_ike *si;

	CHECK_INT(status_build(m, NULL, &a, &v), 0);
	CHECK_INT(v.nconns, 4);
	CHECK_STR(v.conns[0].name, "<x y=\"z\">");   /* down, sorted by name */
	CHECK_INT(v.conns[0].attention, ST_DOWN);
	CHECK_STR(v.conns[1].name, "c-down");
	CHECK_STR(v.conns[2].name, "a-missing");
	CHECK_INT(v.conns[2].attention, ST_CHILD_MISSING);
	CHECK_INT(v.conns[2].nmissing, 1);
	if (v.conns[2].nmissing)
		CHECK_STR(v.conns[2].missing[0], "voice");
	CHECK(strstr(v.conns[2].reason, "voice") != NULL);
	CHECK_STR(v.conns[3].name, "b-ok");
	CHECK_INT(v.conns[3].attention, ST_OK);
	si = &v.conns[3].ikes[0];
	CHECK_INT(si->nchildren, 2);
	CHECK_INT(si->children[0].sa->uniqueid, 21);   /* the new one first */
	CHECK(!si->children[0].old);
	CHECK(si->children[1].old);
	CHECK_INT(v.counts[ST_DOWN], 2);
	CHECK_INT(v.nike, 2);
	CHECK_INT(v.nchild, 3);
	CHECK_INT(status_build(m, &f, &a, &v), 0);
	CHECK_INT(v.nconns, 1);
	CHECK_STR(v.conns[0].name, "b-ok");
	arena_release(&a);
	model_unref(m);
	ledger_release(&l);
}

static void table(unsigned width, bool color, struct strbuf *sb)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = model(&l);
	struct arena a = ARENA_INIT;
	struct status_view v;
	struct status_table_opts o = { width, color, false };

	CHECK_INT(status_build(m, NULL, &a, &v), 0);
	status_table(&v, &o, sb);
	arena_release(&a);
	model_unref(m);
	ledger_release(&l);
}

static size_t longest_line(const char *s)
{
	size_t best = 0, n = 0;

	for (; *s; s++) {
		n = *s == '\n' ? 0 : n + 1;
		if (n > best)
			best = n;
	}
	return best;
}

static void test_table_widths(void)
{
	struct strbuf sb = STRBUF_INIT;

	table(80, false, &sb);
	CHECK(longest_line(strbuf_str(&sb)) <= 80);
	CHECK(strstr(strbuf_str(&sb), "ALGORITHMS") == NULL);
	CHECK(strstr(strbuf_str(&sb), "IDLE") != NULL);
	CHECK(strstr(strbuf_str(&sb), "  net #20 in old") != NULL);
	CHECK(strstr(strbuf_str(&sb), "  voice") != NULL);
	CHECK(strstr(strbuf_str(&sb), "1.50 KiB") != NULL);
	CHECK(strstr(strbuf_str(&sb), "\033[") == NULL);
	strbuf_reset(&sb);
	table(200, true, &sb);
	CHECK(strstr(strbuf_str(&sb), "ALGORITHMS") != NULL);
	CHECK(strstr(strbuf_str(&sb), "\033[1;31m") != NULL);
	strbuf_reset(&sb);
	table(60, false, &sb);
	CHECK(longest_line(strbuf_str(&sb)) <= 60);
	CHECK(strstr(strbuf_str(&sb), "~") != NULL);   /* the long reason is cut */
	strbuf_release(&sb);
}

/* A name from charon (or a daemon's JSON) with a terminal's escape
 * sequences: ESC, BEL, a C1 CSI (U+009B) and a NUL-free OSC title. */
static void test_table_no_controls(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = model_new();
	struct arena a = ARENA_INIT;
	struct status_view v;
	struct status_table_opts o = { 120, false, false };
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	m->collected_at = 1800000000;
	m->have_sas = true;
	m->conns = arena_alloc(&m->arena, sizeof(*m->conns));
	m->conns[0] = (struct conn_cfg){ .name = "evil\x1b]0;pwned\x07\x1b[2J\xc2\x9b" "31m\x7f",
		.version = "IKEv2", .remote_addrs = "192.0.2.9\x1b[8m", .children = kids,
		.nchildren = 1 };
	m->nconns = 1;
	ledger_update(&l, m, true);
	model_build_views(m, NULL, &l);
	CHECK_INT(status_build(m, NULL, &a, &v), 0);
	status_table(&v, &o, &sb);
	CHECK(strstr(strbuf_str(&sb), "evil?]0;pwned??[2J?31m?") != NULL);
	for (p = strbuf_str(&sb); *p; p++) {
		unsigned char ch = (unsigned char)*p;

		CHECK(ch >= 0x20 || ch == '\n');
		CHECK(ch != 0x7f);
		CHECK(!(ch == 0xc2 && (unsigned char)p[1] >= 0x80 && (unsigned char)p[1] <= 0x9f));
	}
	strbuf_release(&sb);
	arena_release(&a);
	model_unref(m);
	ledger_release(&l);
}

static void test_json(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = model(&l);
	struct arena a = ARENA_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct status_view v;

	CHECK_INT(status_build(m, NULL, &a, &v), 0);
	status_json(&v, &sb);
	CHECK(strstr(strbuf_str(&sb), "\"name\":\"<x y=\\\"z\\\">\"") != NULL);
	CHECK(strstr(strbuf_str(&sb), "\"counts\":{\"down\":2,\"child_missing\":1,") != NULL);
	CHECK(strstr(strbuf_str(&sb), "\"children_missing\":[\"voice\"]") != NULL);
	CHECK(strstr(strbuf_str(&sb), "\"old\":true") != NULL);
	CHECK(strstr(strbuf_str(&sb), "\"idle_seconds\":null") != NULL);
	strbuf_release(&sb);
	arena_release(&a);
	model_unref(m);
	ledger_release(&l);
}

/* pluto counts no packets per SA and does not say who initiated: null,
 * not a made-up 0 or role */
static void test_json_no_packets(void)
{
	size_t i;

	struct ledger l = LEDGER_INIT;
	struct model *m = model(&l);
	struct arena a = ARENA_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct status_view v;

	CHECK_INT(status_build(m, NULL, &a, &v), 0);
	status_json(&v, &sb);
	CHECK(strstr(strbuf_str(&sb), "\"packets\":3") != NULL);
	CHECK(strstr(strbuf_str(&sb), "\"packets\":null") == NULL);
	strbuf_reset(&sb);
	arena_release(&a);
	CHECK(strstr(strbuf_str(&sb), "\"role\":null") == NULL);
	m->sa_packets_unknown = true;
	for (i = 0; i < m->nike; i++)
		m->ike_sas[i].role_unknown = true;
	CHECK_INT(status_build(m, NULL, &a, &v), 0);
	status_json(&v, &sb);
	CHECK(strstr(strbuf_str(&sb), "\"role\":null") != NULL);
	CHECK(strstr(strbuf_str(&sb), "\"role\":\"responder\"") == NULL);
	CHECK(strstr(strbuf_str(&sb), "\"packets\":null") != NULL);
	CHECK(strstr(strbuf_str(&sb), "\"packets\":3") == NULL);
	CHECK(strstr(strbuf_str(&sb), "\"bytes\":1536") != NULL);
	strbuf_release(&sb);
	arena_release(&a);
	model_unref(m);
	ledger_release(&l);
}

static void test_formats(void)
{
	char b[32];

	status_duration(b, sizeof(b), 7);
	CHECK_STR(b, "7s");
	status_duration(b, sizeof(b), 306);
	CHECK_STR(b, "5m 06s");
	status_duration(b, sizeof(b), 3 * 3600 + 240);
	CHECK_STR(b, "3h 04m");
	status_duration(b, sizeof(b), 86400 + 7200);
	CHECK_STR(b, "1d 2h");
	status_duration(b, sizeof(b), TIME_NONE);
	CHECK_STR(b, "-");
	status_bytes(b, sizeof(b), 999);
	CHECK_STR(b, "999 B");
	status_bytes(b, sizeof(b), 1536);
	CHECK_STR(b, "1.50 KiB");
	status_bytes(b, sizeof(b), 300ULL << 30);
	CHECK_STR(b, "300 GiB");
}

int main(void)
{
	RUN(test_build);
	RUN(test_json_no_packets);
	RUN(test_table_widths);
	RUN(test_table_no_controls);
	RUN(test_json);
	RUN(test_formats);
	return testlib_done();
}
