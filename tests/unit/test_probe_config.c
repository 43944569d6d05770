/* The `probes:` section: both forms, defaults, what is derived, and one
 * line naming the file, line and probe for every mistake. */
#include <string.h>

#include "config/config.h"
#include "testlib.h"

static int parse(struct config *c, const char *yaml, struct ikw_err *err)
{
	config_init(c);
	err->msg[0] = '\0';
	return config_parse_yaml(c, "p.yml", yaml, strlen(yaml), err);
}

static void test_list_form(void)
{
	struct ikw_err err;
	struct config c;
	const struct probe_spec *s;

	CHECK_INT(parse(&c,
		"probes:\n"
		"  - conn: tun1\n    child: net1\n    target: 198.19.0.1\n    source: 198.18.0.1\n"
		"  - {conn: tun1, child: net1, type: tcp, name: ssh, target: 198.19.0.1, port: 22,\n"
		"     interval: 10s, timeout: 1s, netns: lab-hub, interface: ipsec0}\n"
		"  - {conn: tun2, child: net2, type: mtu, target_offset: 1, mtu_max: 1400}\n",
		&err), 0);
	CHECK_STR(err.msg, "");
	CHECK_INT(c.probes.n, 3);
	CHECK_INT(c.probes.max_concurrent, 64);
	s = &c.probes.v[0];
	CHECK_STR(s->name, "icmp");
	CHECK_INT(s->type, PROBE_ICMP);
	CHECK_INT(s->count, 3);
	CHECK_U64(s->interval_ms, 30000);
	CHECK_U64(s->timeout_ms, 2000);
	CHECK_U64(s->spacing_ms, 200);
	CHECK_INT(s->payload, 56);
	CHECK_STR(s->source, "198.18.0.1");
	CHECK(s->target_offset == PROBE_OFFSET_NONE && s->source_offset == PROBE_OFFSET_NONE);
	s = &c.probes.v[1];
	CHECK_STR(s->name, "ssh");
	CHECK_INT(s->count, 1);
	CHECK_INT(s->port, 22);
	CHECK_STR(s->netns, "lab-hub");
	CHECK_STR(s->interface, "ipsec0");
	s = &c.probes.v[2];
	CHECK(s->target == NULL);
	CHECK(s->target_offset == 1);
	CHECK_INT(s->mtu_min, 576);
	CHECK_INT(s->mtu_max, 1400);
	config_release(&c);
}

static void test_mapping_form(void)
{
	struct ikw_err err;
	struct config c;

	/* defaults written after the list still apply to it */
	CHECK_INT(parse(&c,
		"probes:\n"
		"  list:\n"
		"    - {conn: a, child: b, target_offset: 1, source_offset: 0}\n"
		"    - {conn: a, child: b, name: two, target: 10.0.0.1, netns: other}\n"
		"  max_concurrent: 8\n"
		"  defaults:\n    netns: hub\n    interval: 5s\n    count: 2\n", &err), 0);
	CHECK_STR(err.msg, "");
	CHECK_INT(c.probes.n, 2);
	CHECK_INT(c.probes.max_concurrent, 8);
	CHECK_STR(c.probes.v[0].netns, "hub");
	CHECK_U64(c.probes.v[0].interval_ms, 5000);
	CHECK_INT(c.probes.v[0].count, 2);
	CHECK(c.probes.v[0].source_offset == 0);
	CHECK_STR(c.probes.v[1].netns, "other");
	config_release(&c);
	/* quiet_when_traffic from the defaults; an mtu probe always runs */
	CHECK_INT(parse(&c,
		"probes:\n"
		"  defaults: {quiet_when_traffic: true}\n"
		"  list:\n"
		"    - {conn: a, child: b, target: 10.0.0.1}\n"
		"    - {conn: a, child: b, target: 10.0.0.1, quiet_when_traffic: false, name: loud}\n"
		"    - {conn: a, child: b, target: 10.0.0.1, type: mtu, interval: 30s}\n", &err), 0);
	CHECK_STR(err.msg, "");
	CHECK_INT(c.probes.n, 3);
	CHECK(c.probes.v[0].quiet_when_traffic);
	CHECK(!c.probes.v[1].quiet_when_traffic);
	CHECK(!c.probes.v[2].quiet_when_traffic);
	config_release(&c);
	/* an empty section */
	CHECK_INT(parse(&c, "probes:\n", &err), 0);
	CHECK_INT(c.probes.n, 0);
	config_release(&c);
}

static void test_errors(void)
{
	static const struct { const char *yaml, *msg; } t[] = {
		{ "probes: 3\n", "p.yml:1: 'probes' must be a list or a mapping" },
		{ "probes:\n  - {conn: a, child: b}\n",
		  "p.yml:2: probes[0]: needs exactly one of 'target' and 'target_offset'" },
		{ "probes:\n  - {conn: a, target: 1.2.3.4}\n",
		  "p.yml:2: probes[0]: needs 'conn' and 'child'" },
		{ "probes:\n  - conn: a\n    child: b\n    target: 1.2.3.256\n",
		  "p.yml:4: probes[0].target: want an IPv4 address, not '1.2.3.256'" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, target_offset: 1}\n",
		  "p.yml:2: probes[0]: needs exactly one of 'target' and 'target_offset'" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, source: 1.1.1.1, source_offset: 0}\n",
		  "p.yml:2: probes[0]: 'source' and 'source_offset' exclude each other" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, type: tcp}\n",
		  "p.yml:2: probes[0]: a tcp probe needs 'port'" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, port: 80}\n",
		  "p.yml:2: probes[0]: 'port' is for tcp probes only" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, type: udp}\n",
		  "p.yml:2: probes[0].type: unknown type 'udp' (icmp, tcp, mtu)" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, interval: 500ms}\n",
		  "p.yml:2: probes[0].interval: want a duration from 1000ms to 3600s (e.g. 500ms, 30s)" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, count: 17}\n",
		  "p.yml:2: probes[0].count: want a number from 1 to 16" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, interval: 2s}\n",
		  "p.yml:2: probes[0]: a run can take 2400ms (count, spacing, timeout), not less than the interval of 2000ms" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, type: mtu, interval: 5s}\n",
		  "p.yml:2: probes[0]: a run can take 6000ms (count, spacing, timeout), not less than the interval of 5000ms" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, mtu_min: 1400, mtu_max: 1300}\n",
		  "p.yml:2: probes[0]: mtu_min is above mtu_max" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, netns: ../x}\n",
		  "p.yml:2: probes[0].netns: want the name of an `ip netns` namespace" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, interface: averyveryverylongname}\n",
		  "p.yml:2: probes[0].interface: want an interface name (at most 15 bytes)" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, colour: red}\n",
		  "p.yml:2: probes[0]: unknown key 'colour' (conn, child, name, type, target, target_offset, source, source_offset, port, interval, timeout, count, spacing, payload, mtu_min, mtu_max, netns, interface, quiet_when_traffic)" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4}\n  - {conn: a, child: b, target: 1.2.3.5}\n",
		  "p.yml:3: probes[1]: another probe is already named 'icmp' for a/b" },
		{ "probes:\n  - {conn: \"a\\tb\", child: b, target: 1.2.3.4}\n",
		  "p.yml:2: probes[0].conn: want printable text of at most 128 bytes" },
		{ "probes:\n  - [a]\n",
		  "p.yml:2: probes[0]: want a mapping (conn, child, name, type, target, target_offset, source, source_offset, port, interval, timeout, count, spacing, payload, mtu_min, mtu_max, netns, interface, quiet_when_traffic)" },
		{ "probes:\n  defaults: {conn: a}\n  list: []\n",
		  "p.yml:2: probes.defaults: 'conn' cannot be a default" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, quiet_when_traffic: maybe}\n",
		  "p.yml:2: probes[0].quiet_when_traffic: want true or false" },
		{ "probes:\n  max_concurrent: 0\n",
		  "p.yml:2: probes.max_concurrent: want a number from 1 to 1024" },
		{ "probes:\n  lists: []\n",
		  "p.yml:2: unknown key 'lists' in 'probes' (defaults, max_concurrent, list)" },
		{ "probes:\n  list:\n    - {conn: a, child: b, target: 1.2.3.4, payload: 8}\n",
		  "p.yml:3: probes.list[0].payload: want a number from 16 to 1472" },
	};
	struct ikw_err err;
	struct config c;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (parse(&c, t[i].yaml, &err) == 0)
			testlib_fail(__FILE__, __LINE__, "case %zu parsed", i);
		else if (strcmp(err.msg, t[i].msg))
			testlib_fail(__FILE__, __LINE__, "case %zu: \"%s\", want \"%s\"", i,
				     err.msg, t[i].msg);
		config_release(&c);
	}
}

/* A later `probes:` replaces an earlier one instead of adding to it. */
static void test_replaced(void)
{
	struct ikw_err err;
	struct config c;

	CHECK_INT(parse(&c, "probes:\n  - {conn: a, child: b, target: 1.2.3.4}\n"
			"probes:\n  - {conn: a, child: b, target: 1.2.3.4}\n", &err), 0);
	CHECK_INT(c.probes.n, 1);
	config_release(&c);
}

int main(void)
{
	RUN(test_list_form);
	RUN(test_mapping_form);
	RUN(test_errors);
	RUN(test_replaced);
	return testlib_done();
}
