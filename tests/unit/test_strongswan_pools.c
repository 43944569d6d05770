/* Virtual IP pools: get-pools responses built here (charon's shape, per
 * src/libcharon/plugins/vici/README.md) and one captured from charon 5.9.8
 * in the lab's remote-access mode (tests/fixtures/vici/pools), the
 * last-address arithmetic, and the exposition of the pool families. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/strongswan_pools_parse.h"
#include "metrics/render.h"
#include "testlib.h"

struct pool_spec {
	const char *name, *base, *size, *online, *offline;
};

/* A get-pools response with the pools in spec; NULL fields are left out.
 * leases: also a leases section per pool (get-pools leases=yes). */
static void build(struct vici_msg *msg, const struct pool_spec *spec, size_t n,
		  bool leases)
{
	struct vici_builder b;
	struct ikw_err err = { "" };
	size_t i;

	vici_builder_init(&b);
	for (i = 0; i < n; i++) {
		vici_section_begin(&b, spec[i].name);
		if (spec[i].base)
			vici_add_kv_str(&b, "base", spec[i].base);
		if (spec[i].size)
			vici_add_kv_str(&b, "size", spec[i].size);
		if (spec[i].online)
			vici_add_kv_str(&b, "online", spec[i].online);
		if (spec[i].offline)
			vici_add_kv_str(&b, "offline", spec[i].offline);
		if (leases) {
			vici_section_begin(&b, "leases");
			vici_section_begin(&b, "0");
			vici_add_kv_str(&b, "address", spec[i].base);
			vici_add_kv_str(&b, "identity", "rw01@ra.example");
			vici_add_kv_str(&b, "status", "online");
			vici_section_end(&b);
			vici_section_end(&b);
		}
		vici_section_end(&b);
	}
	CHECK_INT(vici_builder_finish(&b, &err), 0);
	msg->owned = malloc(b.sb.len ? b.sb.len : 1);
	if (b.sb.len)
		memcpy(msg->owned, b.sb.buf, b.sb.len);
	CHECK_INT(vici_msg_decode(msg->owned, b.sb.len, msg, &err), 0);
	vici_builder_release(&b);
}

static int parse(const struct pool_spec *spec, size_t n, bool leases,
		 struct model *m, struct ikw_err *err)
{
	struct vici_msg msg = VICI_MSG_INIT;
	int r;

	build(&msg, spec, n, leases);
	r = strongswan_pools_parse(&msg, &m->arena, &m->pools, err);
	vici_msg_release(&msg);
	return r;
}

static void test_two_pools(void)
{
	static const struct pool_spec spec[] = {
		{ "rwpool", "203.0.113.128", "40", "38", "2" },
		{ "v6", "2001:db8:99::1", "65536", "0", "0" },
	};
	struct model *m = model_new();
	struct ikw_err err = { "" };

	CHECK_INT(parse(spec, 2, true, m, &err), 0);
	CHECK(m->pools.have);
	CHECK_INT(m->pools.n, 2);
	CHECK_STR(m->pools.pools[0].name, "rwpool");
	CHECK_STR(m->pools.pools[0].base, "203.0.113.128");
	CHECK_STR(m->pools.pools[0].last, "203.0.113.167");
	CHECK_U64(m->pools.pools[0].size, 40);
	CHECK_U64(m->pools.pools[0].online, 38);
	CHECK_U64(m->pools.pools[0].offline, 2);
	CHECK_STR(m->pools.pools[1].last, "2001:db8:99::1:0");
	CHECK_U64(m->pools.pools[1].size, 65536);
	model_unref(m);
}

static void test_no_pools(void)
{
	struct model *m = model_new();
	struct ikw_err err = { "" };

	CHECK_INT(parse(NULL, 0, false, m, &err), 0);
	CHECK(m->pools.have);
	CHECK_INT(m->pools.n, 0);
	model_unref(m);
}

/* a pool without a field, or with a field that is no number, is refused
 * with its name in the message */
static void test_malformed(void)
{
	static const struct pool_spec cases[] = {
		{ "p", NULL, "40", "0", "0" },
		{ "p", "203.0.113.1", NULL, "0", "0" },
		{ "p", "203.0.113.1", "40", "x", "0" },
		{ "p", "203.0.113.1", "40", "0", "-1" },
		{ "p", "203.0.113.1", "99999999999999999999", "0", "0" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct model *m = model_new();
		struct ikw_err err = { "" };

		CHECK_INT(parse(&cases[i], 1, false, m, &err), -EBADMSG);
		CHECK(strstr(err.msg, "'p'") != NULL);
		CHECK(!m->pools.have);
		CHECK_INT(m->pools.n, 0);
		model_unref(m);
	}
}

/* charon 5.9.8, 50 clients against a 40-address range pool (lab --rw 50) */
static void test_real_pool(void)
{
	static const char *const files[] = { "get-pools-40.bin",
					     "get-pools-leases-40.bin" };
	size_t f;

	for (f = 0; f < 2; f++) {
		struct vici_msg msg = VICI_MSG_INIT;
		struct model *m = model_new();
		struct ikw_err err = { "" };
		char rel[128];
		size_t len;

		snprintf(rel, sizeof(rel), "vici/pools/%s", files[f]);
		msg.owned = testlib_read_fixture(rel, &len);
		CHECK_INT(vici_msg_decode(msg.owned, len, &msg, &err), 0);
		CHECK_INT(strongswan_pools_parse(&msg, &m->arena, &m->pools, &err), 0);
		CHECK_INT(m->pools.n, 1);
		CHECK_STR(m->pools.pools[0].name, "rwpool");
		CHECK_STR(m->pools.pools[0].base, "203.0.113.128");
		CHECK_STR(m->pools.pools[0].last, "203.0.113.167");
		CHECK_U64(m->pools.pools[0].size, 40);
		CHECK_U64(m->pools.pools[0].online, 40);
		CHECK_U64(m->pools.pools[0].offline, 0);
		vici_msg_release(&msg);
		model_unref(m);
	}
}

static void test_last_address(void)
{
	static const struct {
		const char *base;
		uint64_t size;
		int r;
		const char *last;
	} t[] = {
		{ "203.0.113.128", 40, 0, "203.0.113.167" },
		{ "10.0.0.0", 1, 0, "10.0.0.0" },
		{ "10.0.255.255", 2, 0, "10.1.0.0" },
		{ "255.255.255.255", 1, 0, "255.255.255.255" },
		{ "255.255.255.255", 2, -EINVAL, NULL },
		{ "0.0.0.0", 4294967296ULL, 0, "255.255.255.255" },
		{ "0.0.0.0", 4294967297ULL, -EINVAL, NULL },
		{ "2001:db8::ff", 2, 0, "2001:db8::100" },
		{ "10.0.0.1", 0, -EINVAL, NULL },
		{ "not an address", 4, -EINVAL, NULL },
		{ "", 4, -EINVAL, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char buf[64] = "";

		CHECK_INT(strongswan_pools_last(t[i].base, t[i].size, buf, sizeof(buf)),
			  t[i].r);
		if (t[i].last)
			CHECK_STR(buf, t[i].last);
	}
}

/* an unknown base still gives the pool's counts, with last "" */
static void test_odd_base(void)
{
	static const struct pool_spec spec[] = {
		{ "odd", "%dhcp", "0", "0", "0" },
	};
	struct model *m = model_new();
	struct ikw_err err = { "" };

	CHECK_INT(parse(spec, 1, false, m, &err), 0);
	CHECK_INT(m->pools.n, 1);
	CHECK_STR(m->pools.pools[0].last, "");
	model_unref(m);
}

static char *render_all(struct model *m)
{
	struct render_opts o = { .peer_labels = false };
	struct strbuf sb = STRBUF_INIT;
	struct render *r = render_new(m, EXPO_TEXT, &o);
	char *out;

	while (r && render_next(r, &sb) > 0)
		;
	render_free(r);
	out = strdup(strbuf_str(&sb));
	strbuf_release(&sb);
	return out;
}

static void test_render(void)
{
	static const struct pool_spec spec[] = {
		{ "rwpool", "203.0.113.128", "40", "40", "0" },
	};
	struct model *m = model_new();
	struct ikw_err err = { "" };
	char *out;

	out = render_all(m);
	CHECK(strstr(out, "ipsec_pool") == NULL);  /* unknown: no family */
	free(out);
	CHECK_INT(parse(spec, 1, false, m, &err), 0);
	out = render_all(m);
	CHECK(strstr(out, "# TYPE ipsec_pool_addresses gauge\n") != NULL);
	CHECK(strstr(out, "ipsec_pool_addresses{pool=\"rwpool\"} 40\n") != NULL);
	CHECK(strstr(out, "ipsec_pool_leases{pool=\"rwpool\",state=\"online\"} 40\n") != NULL);
	CHECK(strstr(out, "ipsec_pool_leases{pool=\"rwpool\",state=\"offline\"} 0\n") != NULL);
	CHECK(strstr(out, "ipsec_pool_info{pool=\"rwpool\",base=\"203.0.113.128\",last=\"203.0.113.167\"} 1\n") != NULL);
	free(out);
	model_unref(m);
}

int main(void)
{
	RUN(test_two_pools);
	RUN(test_no_pools);
	RUN(test_real_pool);
	RUN(test_malformed);
	RUN(test_last_address);
	RUN(test_odd_base);
	RUN(test_render);
	return testlib_done();
}
