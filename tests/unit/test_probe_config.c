/* The `probes:` section: both forms, defaults, what is derived, and one
 * line naming the file, line and probe for every mistake. */
#include <netinet/in.h>
#include <stdio.h>
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

/* IPv6 targets and sources, offsets as large as a /64 allows, and the mtu
 * search's start for IPv6 (probe_spec_mtu_min). */
static void test_ipv6(void)
{
	struct ikw_err err;
	struct config c;
	const struct probe_spec *s;

	CHECK_INT(parse(&c,
		"probes:\n"
		"  - {conn: t, child: c, target: '2001:db8:19::1', source: '2001:db8:18::1'}\n"
		"  - {conn: t, child: c, name: web, type: http, target: '2001:db8:19::1', port: 8080}\n"
		"  - {conn: t, child: c, name: off, target_offset: 9223372036854775807, source_offset: 0}\n"
		"  - {conn: t, child: c, name: mtu, type: mtu, target: '2001:db8:19::1', interval: 30s}\n"
		"  - {conn: t, child: c, name: mtu2, type: mtu, target: '2001:db8:19::1', mtu_min: 600,\n"
		"     interval: 30s}\n", &err), 0);
	CHECK_STR(err.msg, "");
	CHECK_INT(c.probes.n, 5);
	CHECK_STR(c.probes.v[0].target, "2001:db8:19::1");
	CHECK_STR(c.probes.v[0].source, "2001:db8:18::1");
	CHECK(c.probes.v[2].target_offset == INT64_MAX);
	s = &c.probes.v[3];
	CHECK(!s->mtu_min_given);
	CHECK_INT(probe_spec_mtu_min(s, AF_INET6), 1280);
	CHECK_INT(probe_spec_mtu_min(s, AF_INET), 576);
	s = &c.probes.v[4];
	CHECK(s->mtu_min_given);
	CHECK_INT(probe_spec_mtu_min(s, AF_INET6), 600);
	config_release(&c);
	/* an mtu_max below 1280 bounds an IPv6 search's start */
	CHECK_INT(parse(&c, "probes:\n  - {conn: t, child: c, type: mtu, target_offset: 0, "
			"mtu_max: 1000, interval: 30s}\n", &err), 0);
	CHECK_INT(probe_spec_mtu_min(&c.probes.v[0], AF_INET6), 1000);
	config_release(&c);
	/* defaults count as given */
	CHECK_INT(parse(&c, "probes:\n  defaults: {mtu_min: 700}\n  list:\n"
			"    - {conn: t, child: c, type: mtu, target_offset: 0, interval: 30s}\n", &err), 0);
	CHECK_INT(probe_spec_mtu_min(&c.probes.v[0], AF_INET6), 700);
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
	/* failing_after: 3 unless the defaults or the probe say otherwise */
	CHECK_INT(parse(&c,
		"probes:\n"
		"  defaults: {failing_after: 5}\n"
		"  list:\n"
		"    - {conn: a, child: b, target: 10.0.0.1}\n"
		"    - {conn: a, child: b, target: 10.0.0.1, failing_after: 1, name: eager}\n", &err), 0);
	CHECK_STR(err.msg, "");
	CHECK_INT(c.probes.v[0].failing_after, 5);
	CHECK_INT(c.probes.v[1].failing_after, 1);
	config_release(&c);
	CHECK_INT(parse(&c, "probes:\n  - {conn: a, child: b, target: 10.0.0.1}\n", &err), 0);
	CHECK_INT(c.probes.v[0].failing_after, 3);
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
		  "p.yml:4: probes[0].target: want an IPv4 or IPv6 address (without zone, brackets or prefix length), not '1.2.3.256'" },
		{ "probes:\n  - {conn: a, child: b, target: 'fe80::1%eth0'}\n",
		  "p.yml:2: probes[0].target: want an IPv4 or IPv6 address (without zone, brackets or prefix length), not 'fe80::1%eth0'" },
		{ "probes:\n  - {conn: a, child: b, target: '[2001:db8::1]'}\n",
		  "p.yml:2: probes[0].target: want an IPv4 or IPv6 address (without zone, brackets or prefix length), not '[2001:db8::1]'" },
		{ "probes:\n  - {conn: a, child: b, source: '2001:db8::/64', target_offset: 0}\n",
		  "p.yml:2: probes[0].source: want an IPv4 or IPv6 address (without zone, brackets or prefix length), not '2001:db8::/64'" },
		{ "probes:\n  - {conn: a, child: b, name: p, target: '2001:db8::1', source: 1.1.1.1}\n",
		  "p.yml:2: probes[0]: probe 'p' of a/b: target 2001:db8::1 is IPv6 but source 1.1.1.1 is IPv4" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, source: '2001:db8::1'}\n",
		  "p.yml:2: probes[0]: probe 'icmp' of a/b: target 1.2.3.4 is IPv4 but source 2001:db8::1 is IPv6" },
		{ "probes:\n  - {conn: a, child: b, target_offset: 9223372036854775808}\n",
		  "p.yml:2: probes[0].target_offset: want a number from 0 to 9223372036854775807" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, target_offset: 1}\n",
		  "p.yml:2: probes[0]: needs exactly one of 'target' and 'target_offset'" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, source: 1.1.1.1, source_offset: 0}\n",
		  "p.yml:2: probes[0]: 'source' and 'source_offset' exclude each other" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, type: tcp}\n",
		  "p.yml:2: probes[0]: a tcp probe needs 'port'" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, port: 80}\n",
		  "p.yml:2: probes[0]: 'port' is for tcp and http probes only" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, type: udp}\n",
		  "p.yml:2: probes[0].type: unknown type 'udp' (icmp, tcp, mtu, http)" },
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
		  "p.yml:2: probes[0]: unknown key 'colour' (see 'probes' in ikewatch.yml(5))" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4}\n  - {conn: a, child: b, target: 1.2.3.5}\n",
		  "p.yml:3: probes[1]: another probe is already named 'icmp' for a/b" },
		{ "probes:\n  - {conn: \"a\\tb\", child: b, target: 1.2.3.4}\n",
		  "p.yml:2: probes[0].conn: want printable text of at most 128 bytes" },
		{ "probes:\n  - [a]\n",
		  "p.yml:2: probes[0]: want a mapping (see 'probes' in ikewatch.yml(5))" },
		{ "probes:\n  defaults: {conn: a}\n  list: []\n",
		  "p.yml:2: probes.defaults: 'conn' cannot be a default" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, quiet_when_traffic: maybe}\n",
		  "p.yml:2: probes[0].quiet_when_traffic: want true or false" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, failing_after: 0}\n",
		  "p.yml:2: probes[0].failing_after: want a number from 1 to 1000" },
		{ "probes:\n  defaults: {failing_after: many}\n  list: []\n",
		  "p.yml:2: probes.defaults.failing_after: want a number from 1 to 1000" },
		{ "probes:\n  max_concurrent: 0\n",
		  "p.yml:2: probes.max_concurrent: want a number from 1 to 1024" },
		{ "probes:\n  lists: []\n",
		  "p.yml:2: unknown key 'lists' in 'probes' (defaults, max_concurrent, list)" },
		{ "probes:\n  list:\n    - {conn: a, child: b, target: 1.2.3.4, payload: 8}\n",
		  "p.yml:3: probes.list[0].payload: want a number from 16 to 1472" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, path: /x}\n",
		  "p.yml:2: probes[0]: 'path' is for http probes only" },
		{ "probes:\n  - {conn: a, child: b, type: tcp, port: 1, target: 1.2.3.4, min_bytes: 9}\n",
		  "p.yml:2: probes[0]: 'min_bytes' is for http probes only" },
		{ "probes:\n  - {conn: a, child: b, type: http, target: 1.2.3.4, path: health}\n",
		  "p.yml:2: probes[0].path: want a path starting with '/', without spaces, at most 1024 bytes" },
		{ "probes:\n  - {conn: a, child: b, type: http, target: 1.2.3.4, path: /a b}\n",
		  "p.yml:2: probes[0].path: want a path starting with '/', without spaces, at most 1024 bytes" },
		{ "probes:\n  - {conn: a, child: b, type: http, target: 1.2.3.4, host: \"a\\r\\nX: y\"}\n",
		  "p.yml:2: probes[0].host: want a host name of at most 255 bytes" },
		{ "probes:\n  - {conn: a, child: b, type: http, target: 1.2.3.4, expect_status: 99}\n",
		  "p.yml:2: probes[0].expect_status: want status codes from 100 to 599" },
		{ "probes:\n  - {conn: a, child: b, type: http, target: 1.2.3.4, expect_status: [200, 600]}\n",
		  "p.yml:2: probes[0].expect_status: want status codes from 100 to 599" },
		{ "probes:\n  - {conn: a, child: b, type: http, target: 1.2.3.4, expect_status: []}\n",
		  "p.yml:2: probes[0].expect_status: want at least one code" },
		{ "probes:\n  - {conn: a, child: b, type: http, target: 1.2.3.4, min_bytes: 2000000}\n",
		  "p.yml:2: probes[0].min_bytes: want a number from 0 to 1048576" },
		{ "probes:\n  - {conn: a, child: b, type: http, target: 1.2.3.4, connect_timeout: 3s}\n",
		  "p.yml:2: probes[0]: connect_timeout is above timeout" },
		{ "probes:\n  - {conn: a, child: b, type: http, target: 1.2.3.4, timeout: 30s}\n",
		  "p.yml:2: probes[0]: a run can take 30000ms (count, spacing, timeout), not less than the interval of 30000ms" },
		{ "probes:\n  - {conn: a, child: b, type: http, target: 1.2.3.4, scheme: ftp}\n",
		  "p.yml:2: probes[0].scheme: want http or https, not 'ftp'" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, scheme: https}\n",
		  "p.yml:2: probes[0]: 'scheme' is for http probes only" },
		{ "probes:\n  - {conn: a, child: b, type: http, target: 1.2.3.4, server_name: x.example}\n",
		  "p.yml:2: probes[0]: 'server_name' is for https probes only (scheme: https)" },
		{ "probes:\n  - {conn: a, child: b, target: 1.2.3.4, insecure_skip_verify: true}\n",
		  "p.yml:2: probes[0]: 'insecure_skip_verify' is for https probes only (scheme: https)" },
		{ "probes:\n  - {conn: a, child: b, type: http, scheme: http, target: 1.2.3.4, tls_timeout: 1s}\n",
		  "p.yml:2: probes[0]: 'tls_timeout' is for https probes only (scheme: https)" },
		{ "probes:\n  - {conn: a, child: b, type: http, scheme: https, target: 1.2.3.4, tls_timeout: 3s}\n",
		  "p.yml:2: probes[0]: tls_timeout is above timeout" },
		{ "probes:\n  - {conn: a, child: b, type: http, scheme: https, target: 1.2.3.4, tls_timeout: 0s}\n",
		  "p.yml:2: probes[0].tls_timeout: want a duration from 1ms to 60s (e.g. 500ms, 30s)" },
		{ "probes:\n  - {conn: a, child: b, type: http, scheme: https, target: 1.2.3.4,\n"
		  "     server_name: \"a b\"}\n",
		  "p.yml:3: probes[0].server_name: want a host name of at most 255 bytes" },
		{ "probes:\n  - {conn: a, child: b, type: http, scheme: https, target: 1.2.3.4, insecure_skip_verify: maybe}\n",
		  "p.yml:2: probes[0].insecure_skip_verify: want true or false" },
		{ "probes:\n  - {conn: a, child: b, name: web, type: http, scheme: https, target: 1.2.3.4,\n"
		  "     ca_file: /nonexistent/ikewatch-ca.pem}\n",
		  "p.yml:2: probes[0]: probe a/b/web: ca_file cannot open '/nonexistent/ikewatch-ca.pem': "
		  "No such file or directory" },
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

static void test_http(void)
{
	struct ikw_err err;
	struct config c;
	const struct probe_spec *s;

	CHECK_INT(parse(&c,
		"probes:\n"
		"  defaults: {expect_status: [200, 204], connect_timeout: 500ms, min_bytes: 10,\n"
		"             quiet_when_traffic: true, count: 2}\n"
		"  list:\n"
		"    - {conn: a, child: b, type: http, target: 1.2.3.4}\n"
		"    - {conn: a, child: b, name: big, type: http, target: 1.2.3.4, port: 8080,\n"
		"       path: /big.bin?x=1, host: svc.example, expect_status: 200,\n"
		"       expect_body: \"it works\", min_bytes: 65536, timeout: 5s}\n"
		"    - {conn: a, child: b, target: 1.2.3.4}\n", &err), 0);
	CHECK_STR(err.msg, "");
	CHECK_INT(c.probes.n, 3);
	s = &c.probes.v[0];
	CHECK_STR(s->name, "http");
	CHECK_INT(s->port, 80);
	CHECK_INT(s->count, 1);
	CHECK(s->path == NULL && s->host == NULL && s->expect_body == NULL);
	CHECK_INT(s->nexpect_status, 2);
	CHECK_INT(s->expect_status[1], 204);
	CHECK_U64(s->connect_timeout_ms, 500);
	CHECK_U64(s->min_bytes, 10);
	CHECK_U64(probe_spec_max_run_ms(s), 2000);
	s = &c.probes.v[1];
	CHECK_INT(s->port, 8080);
	CHECK_STR(s->path, "/big.bin?x=1");
	CHECK_STR(s->host, "svc.example");
	CHECK_STR(s->expect_body, "it works");
	CHECK_INT(s->nexpect_status, 1);
	CHECK_INT(s->expect_status[0], 200);
	CHECK_U64(s->min_bytes, 65536);
	CHECK_U64(probe_spec_max_run_ms(s), 5000);
	/* like mtu probes, http probes always run: traffic proves nothing
	 * about full-size packets */
	CHECK(!c.probes.v[0].quiet_when_traffic && !c.probes.v[1].quiet_when_traffic);
	/* http defaults do not make an icmp probe wrong, nor its count an
	 * http one */
	CHECK_INT(c.probes.v[1].count, 1);
	CHECK_INT(c.probes.v[2].type, PROBE_ICMP);
	CHECK_INT(c.probes.v[2].count, 2);
	CHECK(c.probes.v[2].quiet_when_traffic);
	config_release(&c);
}

/* https: its defaults, its trust read at load time, and errors that name
 * the probe and the CA file. */
static void test_https(void)
{
	char yaml[2048], ca[512], bad[512];
	struct ikw_err err;
	struct config c;
	const struct probe_spec *s;

	snprintf(ca, sizeof(ca), "%s/tls/probe-ca.pem", testlib_fixture_dir());
	snprintf(bad, sizeof(bad), "%s/tls/not-pem.txt", testlib_fixture_dir());
	snprintf(yaml, sizeof(yaml),
		"probes:\n"
		"  defaults: {scheme: https, ca_file: %s, tls_timeout: 1s}\n"
		"  list:\n"
		"    - {conn: a, child: b, type: http, target: 1.2.3.4}\n"
		"    - {conn: a, child: b, name: named, type: http, target: 1.2.3.4, port: 8443,\n"
		"       server_name: svc.example, host: 'svc.example:8443'}\n"
		"    - {conn: a, child: b, name: lab, type: http, target: 1.2.3.4, insecure_skip_verify: true}\n"
		"    - {conn: a, child: b, name: plain, type: http, scheme: http, target: 1.2.3.4}\n"
		"    - {conn: a, child: b, target: 1.2.3.4}\n", ca);
	CHECK_INT(parse(&c, yaml, &err), 0);
	CHECK_STR(err.msg, "");
	CHECK_INT(c.probes.n, 5);
	s = &c.probes.v[0];
	CHECK(s->tls && !s->insecure_skip_verify && s->server_name == NULL);
	CHECK_INT(s->port, 443);
	CHECK_STR(s->ca_file ? s->ca_file : "", ca);
	CHECK_U64(s->tls_timeout_ms, 1000);
	s = &c.probes.v[1];
	CHECK_INT(s->port, 8443);
	CHECK_STR(s->server_name ? s->server_name : "", "svc.example");
	/* insecure on the probe, ca_file from the defaults: no conflict */
	CHECK(c.probes.v[2].tls && c.probes.v[2].insecure_skip_verify);
	/* scheme: http and other types keep nothing of the https defaults */
	s = &c.probes.v[3];
	CHECK(!s->tls && s->ca_file == NULL && s->tls_timeout_ms == 0);
	CHECK_INT(s->port, 80);
	s = &c.probes.v[4];
	CHECK(s->type == PROBE_ICMP && !s->tls && s->ca_file == NULL);
	config_release(&c);

	snprintf(yaml, sizeof(yaml),
		"probes:\n  - {conn: a, child: b, name: web, type: http, scheme: https, target: 1.2.3.4,\n"
		"     ca_file: %s}\n", bad);
	CHECK(parse(&c, yaml, &err) != 0);
	CHECK(strstr(err.msg, "p.yml:2: probes[0]: probe a/b/web: ca_file '") == err.msg);
	CHECK(strstr(err.msg, "not-pem.txt': no PEM certificate in it") != NULL);
	config_release(&c);
	snprintf(yaml, sizeof(yaml),
		"probes:\n  - {conn: a, child: b, type: http, scheme: https, target: 1.2.3.4,\n"
		"     ca_file: %s, insecure_skip_verify: true}\n", ca);
	CHECK(parse(&c, yaml, &err) != 0);
	CHECK_STR(err.msg, "p.yml:2: probes[0]: 'ca_file' and 'insecure_skip_verify: true' exclude each other");
	config_release(&c);
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
	RUN(test_ipv6);
	RUN(test_mapping_form);
	RUN(test_errors);
	RUN(test_http);
	RUN(test_https);
	RUN(test_replaced);
	return testlib_done();
}
