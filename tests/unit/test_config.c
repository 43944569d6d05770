/* Config file and flags: good input applies, bad input gives one line that
 * names the file and line (or the flag). */
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "testlib.h"

static int parse(struct config *c, const char *yaml, struct ikw_err *err)
{
	config_init(c);
	return config_parse_yaml(c, "test.yml", yaml, strlen(yaml), err);
}

static void test_yaml_applies(void)
{
	struct ikw_err err = { "" };
	struct config c;

	CHECK_INT(parse(&c,
		"web:\n"
		"  listen_address: \"[::1]:9999\"\n"
		"  telemetry_path: /m\n"
		"vici:\n"
		"  socket: /tmp/x.vici\n"
		"  timeout: 2s\n"
		"log:\n  level: debug\n"
		"labels:\n  peer: false\n"
		"connections:\n"
		"  expect_up: [\"site-*\", hq]\n"
		"  ignore: rw-*\n", &err), 0);
	CHECK_STR(c.listen_address, "[::1]:9999");
	CHECK_STR(c.telemetry_path, "/m");
	CHECK_STR(c.vici_socket, "/tmp/x.vici");
	CHECK_U64(c.vici_timeout_ms, 2000);
	CHECK_INT(c.log_level, LOG_LEVEL_DEBUG);
	CHECK(!c.peer_labels);
	CHECK_INT(c.n_expect_up, 2);
	CHECK_STR(c.expect_up[1], "hq");
	CHECK_INT(c.n_ignore, 1);
	config_release(&c);
	/* status.degraded_window: 5m unless set */
	CHECK_INT(parse(&c, "log:\n  level: info\n", &err), 0);
	CHECK_U64(c.status_degraded_window_ms, 300000);
	config_release(&c);
	CHECK_INT(parse(&c, "status:\n  degraded_window: 90s\n", &err), 0);
	CHECK_U64(c.status_degraded_window_ms, 90000);
	config_release(&c);
	/* a section with nothing but comments under it */
	CHECK_INT(parse(&c, "textfile:\n  # directory: /x\nlog:\n  level: warn\n", &err), 0);
	CHECK_INT(c.log_level, LOG_LEVEL_WARN);
	config_release(&c);
}

static void test_yaml_errors(void)
{
	static const struct { const char *yaml, *msg; } t[] = {
		{ "web:\n  listen_adress: x\n", "test.yml:2: unknown key 'listen_adress' in 'web'" },
		{ "nope: 1\n", "test.yml:1: unknown section 'nope'" },
		{ "vici:\n  timeout: soon\n", "test.yml:2: vici.timeout: invalid duration 'soon' (want e.g. 500ms, 10s, 1m)" },
		{ "status:\n  degraded_window: 0s\n", "test.yml:2: status.degraded_window: invalid duration '0s' (want e.g. 500ms, 10s, 1m)" },
		{ "log:\n  level: loud\n", "test.yml:2: log.level: invalid log level 'loud' (error, warn, info, debug)" },
		{ "web:\n  telemetry_path: metrics\n", "test.yml:2: web.telemetry_path: 'metrics' must start with '/'" },
		{ "web: [1]\n", "test.yml:1: 'web' must be a mapping" },
		{ "- a\n", "test.yml:1: the top level must be a mapping" },
		{ "web:\n  listen_address: [a]\n", "test.yml:2: expected a single value" },
		{ "web:\n\tbad\n", "test.yml:2: found character that cannot start any token" },
		{ "labels:\n  peer: maybe\n", "test.yml:2: labels.peer: invalid boolean 'maybe'" },
		{ "remediation:\n  probe_alerts: IPsecChildSAProbeFailing\n",
		  "test.yml:2: remediation.probe_alerts: want a list of alert names" },
		{ "remediation:\n  probe_alerts: ['']\n",
		  "test.yml:2: remediation.probe_alerts: words are non-empty strings" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ikw_err err = { "" };
		struct config c;

		CHECK(parse(&c, t[i].yaml, &err) < 0);
		CHECK_STR(err.msg, t[i].msg);
		config_release(&c);
	}
}

/* The data-plane alerts: the shipped four by default, a list replaces
 * them, [] turns the data-plane steps off for alerts. */
static void test_probe_alerts(void)
{
	struct ikw_err err = { "" };
	struct config c;

	CHECK_INT(parse(&c, "log:\n  level: info\n", &err), 0);
	CHECK_INT(c.remediate.probe_alerts.n, 4);
	CHECK(c.remediate.probe_alerts.n == 4 &&
	      !strcmp(c.remediate.probe_alerts.argv[0], "IPsecChildSAProbeFailing") &&
	      !strcmp(c.remediate.probe_alerts.argv[3], "IPsecTunnelTwoWayLoss"));
	config_release(&c);
	CHECK_INT(parse(&c, "remediation:\n  probe_alerts: [MyProbeAlert]\n", &err), 0);
	CHECK(c.remediate.probe_alerts.n == 1 &&
	      !strcmp(c.remediate.probe_alerts.argv[0], "MyProbeAlert") &&
	      !c.remediate.probe_alerts.argv[1]);
	config_release(&c);
	CHECK_INT(parse(&c, "remediation:\n  probe_alerts: []\n", &err), 0);
	CHECK_INT(c.remediate.probe_alerts.n, 0);
	config_release(&c);
}

static void test_flags(void)
{
	char *argv[] = { (char[]){ "ikewatch" }, (char[]){ "serve" },
			 (char[]){ "--web.listen-address=127.0.0.1:1234" },
			 (char[]){ "--vici.socket" }, (char[]){ "/s" },
			 (char[]){ "--no-collector.peer-labels" },
			 (char[]){ "--ignore=a*" }, (char[]){ "--ignore=b*" }, NULL };
	struct ikw_err err = { "" };
	bool help = false, version = false;
	struct config c;

	config_init(&c);
	CHECK_INT(config_parse_args(&c, 8, argv, 2, &help, &version, &err), 0);
	CHECK_STR(c.listen_address, "127.0.0.1:1234");
	CHECK_STR(c.vici_socket, "/s");
	CHECK(!c.peer_labels);
	CHECK_INT(c.n_ignore, 2);
	config_release(&c);
}

/* status --url over https: the flags and their YAML (status:) twins */
static void test_status_tls_flags(void)
{
	char *argv[] = { (char[]){ "ikewatch" }, (char[]){ "status" },
			 (char[]){ "--url=https://127.0.0.1:9813" },
			 (char[]){ "--tls.ca-file=/ca.pem" },
			 (char[]){ "--tls.cert-file" }, (char[]){ "/c.pem" },
			 (char[]){ "--tls.key-file=/k.pem" },
			 (char[]){ "--tls.insecure-skip-verify" },
			 (char[]){ "--auth.basic-user=ops" },
			 (char[]){ "--auth.basic-password-file=/pw" }, NULL };
	static const char yml[] = "status:\n  tls_ca_file: /y/ca.pem\n"
				  "  tls_insecure_skip_verify: true\n  auth_bearer_file: /y/tok\n";
	char *no[] = { (char[]){ "ikewatch" }, (char[]){ "status" },
		       (char[]){ "--no-tls.insecure-skip-verify" }, NULL };
	struct ikw_err err = { "" };
	bool help = false, version = false;
	struct config c;

	config_init(&c);
	CHECK(!c.status_tls_insecure);
	CHECK_INT(config_parse_args(&c, 10, argv, 2, &help, &version, &err), 0);
	CHECK_STR(c.status_url, "https://127.0.0.1:9813");
	CHECK_STR(c.status_tls_ca_file, "/ca.pem");
	CHECK_STR(c.status_tls_cert_file, "/c.pem");
	CHECK_STR(c.status_tls_key_file, "/k.pem");
	CHECK(c.status_tls_insecure);
	CHECK_STR(c.status_auth_basic_user, "ops");
	CHECK_STR(c.status_auth_basic_password_file, "/pw");
	CHECK(c.status_auth_bearer_file == NULL);
	config_release(&c);
	CHECK_INT(parse(&c, yml, &err), 0);   /* parse() inits c */
	CHECK_STR(c.status_tls_ca_file, "/y/ca.pem");
	CHECK_STR(c.status_auth_bearer_file, "/y/tok");
	CHECK(c.status_tls_insecure);
	CHECK_INT(config_parse_args(&c, 3, no, 2, &help, &version, &err), 0);
	CHECK(!c.status_tls_insecure);
	config_release(&c);
}

/* The kernel collectors: on by default, off by "" (the /proc ones) or by
 * --no-collector.xfrm; an empty value elsewhere stays an error. */
static void test_kernel_flags(void)
{
	char *argv[] = { (char[]){ "ikewatch" }, (char[]){ "metrics" },
			 (char[]){ "--collector.klips.path=" },
			 (char[]){ "--collector.xfrm.netns=lab-hub" },
			 (char[]){ "--no-collector.xfrm" }, NULL };
	char *bad[] = { (char[]){ "ikewatch" }, (char[]){ "metrics" },
			(char[]){ "--vici.socket=" }, NULL };
	struct ikw_err err = { "" };
	bool help = false, version = false;
	struct config c;

	config_init(&c);
	CHECK(c.xfrm_enabled);
	CHECK_STR(c.xfrm_stat_path, "/proc/net/xfrm_stat");
	CHECK_STR(c.klips_path, "/proc/net/ipsec_spi");
	CHECK_INT(config_parse_args(&c, 5, argv, 2, &help, &version, &err), 0);
	CHECK_STR(c.klips_path, "");
	CHECK_STR(c.xfrm_netns, "lab-hub");
	CHECK(!c.xfrm_enabled);
	config_release(&c);
	config_init(&c);
	CHECK(config_parse_args(&c, 3, bad, 2, &help, &version, &err) < 0);
	CHECK_STR(err.msg, "flag --vici.socket: empty value");
	config_release(&c);
}

/* scrape.reuse_window: 4s unless set; a duration or 0 (off), from the
 * file or the flag (the flag wins). */
static void test_reuse_window(void)
{
	char *argv[] = { (char[]){ "ikewatch" }, (char[]){ "serve" },
			 (char[]){ "--scrape.reuse-window=0" }, NULL };
	bool help = false, version = false;
	struct ikw_err err = { "" };
	struct config c;

	CHECK_INT(parse(&c, "log:\n  level: info\n", &err), 0);
	CHECK_U64(c.scrape_reuse_window_ms, 4000);
	config_release(&c);
	CHECK_INT(parse(&c, "scrape:\n  reuse_window: 750ms\n", &err), 0);
	CHECK_U64(c.scrape_reuse_window_ms, 750);
	CHECK_INT(config_parse_args(&c, 3, argv, 2, &help, &version, &err), 0);
	CHECK_U64(c.scrape_reuse_window_ms, 0);
	config_release(&c);
	CHECK(parse(&c, "scrape:\n  reuse_window: soon\n", &err) < 0);
	CHECK_STR(err.msg, "test.yml:2: scrape.reuse_window: invalid duration 'soon' (want e.g. 0, 500ms, 4s)");
	config_release(&c);
	CHECK(parse(&c, "scrape:\n  reuse_window: 2h\n", &err) < 0);
	config_release(&c);
}

/* The metric groups: all on by default; --collector.set=minimal turns them
 * and the XFRM collector off, and a flag after it turns one back on (and
 * one before it is overridden); the YAML collectors: section the same. */
static void test_collector_groups(void)
{
	char *argv[] = { (char[]){ "ikewatch" }, (char[]){ "metrics" },
			 (char[]){ "--no-collector.info" },
			 (char[]){ "--collector.set=minimal" },
			 (char[]){ "--collector.certs" }, NULL };
	char *bad[] = { (char[]){ "ikewatch" }, (char[]){ "metrics" },
			(char[]){ "--collector.set=tiny" }, NULL };
	bool help = false, version = false;
	struct ikw_err err = { "" };
	struct config c;
	size_t i;

	config_init(&c);
	for (i = 0; i < METRIC_GROUP_N; i++)
		CHECK(c.collector_groups[i]);
	CHECK_U64(config_collectors_off(c.collector_groups), 0);
	CHECK_INT(config_parse_args(&c, 5, argv, 2, &help, &version, &err), 0);
	CHECK(c.collector_groups[METRIC_GROUP_CERTS]);
	CHECK(!c.collector_groups[METRIC_GROUP_INFO]);
	CHECK(!c.collector_groups[METRIC_GROUP_STATUS]);
	CHECK(!c.xfrm_enabled);
	CHECK_U64(config_collectors_off(c.collector_groups),
		  ((1u << METRIC_GROUP_N) - 1) & ~(1u << METRIC_GROUP_CERTS));
	config_release(&c);
	CHECK_INT(parse(&c, "collectors:\n  pools: false\n  remote_access: no\n", &err), 0);
	CHECK(!c.collector_groups[METRIC_GROUP_POOLS]);
	CHECK(!c.collector_groups[METRIC_GROUP_REMOTE_ACCESS]);
	CHECK(c.collector_groups[METRIC_GROUP_INFO]);
	CHECK(c.xfrm_enabled);
	config_release(&c);
	CHECK_INT(parse(&c, "collectors:\n  set: minimal\n  status: true\n", &err), 0);
	CHECK(c.collector_groups[METRIC_GROUP_STATUS]);
	CHECK(!c.collector_groups[METRIC_GROUP_TIMESTAMPS]);
	config_release(&c);
	CHECK(parse(&c, "collectors:\n  set: tiny\n", &err) < 0);
	CHECK_STR(err.msg, "test.yml:2: collectors.set: unknown set 'tiny' (default, minimal)");
	config_release(&c);
	CHECK(parse(&c, "collectors:\n  policies: false\n", &err) < 0);
	CHECK_STR(err.msg, "test.yml:2: unknown key 'policies' in 'collectors'");
	config_release(&c);
	config_init(&c);
	CHECK(config_parse_args(&c, 3, bad, 2, &help, &version, &err) < 0);
	CHECK_STR(err.msg, "flag --collector.set: unknown set 'tiny' (default, minimal)");
	config_release(&c);
}

static void test_flag_errors(void)
{
	static const struct { const char *arg, *msg; } t[] = {
		{ "--web.listen-adress=x", "unknown flag --web.listen-adress (see --help)" },
		{ "--vici.timeout=forever", "flag --vici.timeout: invalid duration 'forever' (want e.g. 500ms, 10s, 1m)" },
		{ "--log.level", "flag --log.level needs a value" },
		{ "stray", "unexpected argument 'stray'" },
		{ "--config.file=/nonexistent/ikewatch.yml", "cannot open '/nonexistent/ikewatch.yml': No such file or directory" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char arg[128];
		char *argv[] = { (char[]){ "ikewatch" }, (char[]){ "serve" }, arg, NULL };
		struct ikw_err err = { "" };
		bool help = false, version = false;
		struct config c;

		snprintf(arg, sizeof(arg), "%s", t[i].arg);
		config_init(&c);
		CHECK(config_parse_args(&c, 3, argv, 2, &help, &version, &err) < 0);
		CHECK_STR(err.msg, t[i].msg);
		config_release(&c);
	}
}

static void test_shipped_example_parses(void)
{
	struct ikw_err err = { "" };
	struct config c;

	config_init(&c);
	CHECK_INT(config_load_file(&c, "deploy/examples/ikewatch.yml", &err), 0);
	CHECK_STR(err.msg, "");
	CHECK_STR(c.listen_address, "127.0.0.1:9786");
	config_release(&c);
}

int main(void)
{
	RUN(test_yaml_applies);
	RUN(test_yaml_errors);
	RUN(test_probe_alerts);
	RUN(test_status_tls_flags);
	RUN(test_flags);
	RUN(test_kernel_flags);
	RUN(test_flag_errors);
	RUN(test_reuse_window);
	RUN(test_collector_groups);
	RUN(test_shipped_example_parses);
	return testlib_done();
}
