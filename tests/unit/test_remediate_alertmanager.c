/* The Alertmanager webhook reader: a real v4 payload, the schema checks,
 * the bounds, and reads that never pass the end of the buffer.  And the
 * diagnostics' key redaction and retention, the command runner, and the
 * remediation: config. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/strbuf.h"
#include "config/config.h"
#include "remediate/alertmanager.h"
#include "remediate/remediate_diag.h"
#include "common/cmd_run.h"
#include "common/deadline.h"
#include "remediate/remediate.h"
#include "testlib.h"

/* As prometheus-alertmanager 0.2x sends it (one alert, send_resolved). */
static const char am_real[] =
	"{\"receiver\":\"ikewatch\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\","
	"\"labels\":{\"alertname\":\"IPsecIKESADown\",\"conn\":\"tun1\",\"instance\":\"127.0.0.1:9786\","
	"\"job\":\"ikewatch\",\"severity\":\"critical\"},\"annotations\":{\"summary\":\"tun1 is down\","
	"\"runbook_url\":\"https://example.net/r\"},\"startsAt\":\"2026-11-23T14:00:00.123Z\","
	"\"endsAt\":\"0001-01-01T00:00:00Z\",\"generatorURL\":\"http://p/graph?g0.expr=x\\u0026y\","
	"\"fingerprint\":\"4a8f1c3e2b7d9a01\"}],\"groupLabels\":{},\"commonLabels\":{\"alertname\":"
	"\"IPsecIKESADown\"},\"commonAnnotations\":{},\"externalURL\":\"http://am:9093\",\"version\":\"4\","
	"\"groupKey\":\"{}:{}\",\"truncatedAlerts\":0}";

static int parse(const char *s, struct am_payload *p, struct ikw_err *err)
{
	struct testlib_guarded g = testlib_guarded_copy(s, strlen(s));
	int r = am_parse(g.data, strlen(s), p, err);

	testlib_guarded_free(&g);
	return r;
}

static void test_real_payload(void)
{
	struct am_payload *p = malloc(sizeof(*p));
	struct ikw_err err = { "" };

	CHECK_INT(parse(am_real, p, &err), 0);
	CHECK(p->firing);
	CHECK_INT(p->n, 1);
	CHECK(p->alerts[0].firing);
	CHECK_STR(p->alerts[0].alertname, "IPsecIKESADown");
	CHECK_STR(p->alerts[0].conn, "tun1");
	CHECK_STR(p->alerts[0].child, "");
	CHECK_INT(parse("{\"version\":\"4\",\"status\":\"resolved\",\"alerts\":[{\"labels\":"
			"{\"alertname\":\"A\",\"conn\":\"c\",\"child\":\"n\\u00e9t\"},"
			"\"status\":\"resolved\"}]}", p, &err), -EINVAL);   /* é in a kept label */
	CHECK_INT(parse("{\"version\":\"4\",\"status\":\"resolved\",\"alerts\":[{\"labels\":"
			"{\"alertname\":\"A\",\"conn\":\"c\",\"child\":\"net\",\"x\":\"\\u00e9\\ud83d\\ude00\"},"
			"\"status\":\"resolved\"}]}", p, &err), 0);
	CHECK(!p->firing && !p->alerts[0].firing);
	CHECK_STR(p->alerts[0].child, "net");
	free(p);
}

static void test_refused(void)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{\"version\":\"3\",\"status\":\"firing\",\"alerts\":[]}",
		"{\"version\":4,\"status\":\"firing\",\"alerts\":[]}",
		"{\"status\":\"firing\",\"alerts\":[]}",
		"{\"version\":\"4\",\"status\":\"on fire\",\"alerts\":[]}",
		"{\"version\":\"4\",\"status\":\"firing\",\"alerts\":{}}",
		"{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\"}]}",
		"{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\",\"labels\":{}}]}",
		"{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\",\"conn\":\"../etc\"}}]}",
		"{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\",\"conn\":\"a b\"}}]}",
		"{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\",\"conn\":1}}]}",
		"{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\",\"x\":{}}}]}",
		"{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[]} x",
		"{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[],}",
		"{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[]",
		"{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[],\"x\":\"\\ud800\"}",
		"{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[],\"x\":\"\\u0000\"}",
		"{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[],\"x\":\"\xc0\xaf\"}",
		"{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[],\"x\":\"\x01\"}",
		"{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[],\"x\":01}",
		"{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[],\"x\":tru}",
		"{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[],\"x\":[[[[[[[[[[1]]]]]]]]]]}",
	};
	struct am_payload *p = malloc(sizeof(*p));
	struct ikw_err err = { "" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.msg[0] = '\0';
		if (parse(bad[i], p, &err) != -EINVAL)
			testlib_fail(__FILE__, __LINE__, "accepted bad payload %zu: %s", i, bad[i]);
		else if (!err.msg[0])
			testlib_fail(__FILE__, __LINE__, "no reason for bad payload %zu", i);
	}
	CHECK_INT(parse("{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[],\"x\":[[[[[1]]]]],"
			"\"y\":-1.5e+3,\"z\":null,\"w\":true}", p, &err), 0);
	free(p);
}

static void test_bounds(void)
{
	struct am_payload *p = malloc(sizeof(*p));
	struct strbuf sb = STRBUF_INIT;
	struct ikw_err err = { "" };
	int i;

	/* 64 alerts pass, 65 do not */
	for (i = 0; i < 2; i++) {
		int n, k = 64 + i;

		strbuf_reset(&sb);
		strbuf_addstr(&sb, "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[");
		for (n = 0; n < k; n++)
			strbuf_addf(&sb, "%s{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\","
				    "\"conn\":\"tun%d\"}}", n ? "," : "", n);
		strbuf_addstr(&sb, "]}");
		CHECK_INT(am_parse(sb.buf, sb.len, p, &err), i ? -EINVAL : 0);
	}
	CHECK_STR(p->alerts[63].conn, "tun63");
	/* a kept label over 127 bytes */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\","
		      "\"labels\":{\"alertname\":\"A\",\"conn\":\"");
	for (i = 0; i < 128; i++)
		strbuf_addch(&sb, 'c');
	strbuf_addstr(&sb, "\"}}]}");
	CHECK_INT(am_parse(sb.buf, sb.len, p, &err), -EINVAL);
	/* any string over 4096 */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[],\"x\":\"");
	for (i = 0; i < 4097; i++)
		strbuf_addch(&sb, 'x');
	strbuf_addstr(&sb, "\"}");
	CHECK_INT(am_parse(sb.buf, sb.len, p, &err), -EINVAL);
	/* every prefix of the real payload fails cleanly */
	for (i = 0; i < (int)strlen(am_real); i++) {
		struct testlib_guarded g = testlib_guarded_copy(am_real, (size_t)i);

		CHECK_INT(am_parse(g.data, (size_t)i, p, NULL), -EINVAL);
		testlib_guarded_free(&g);
	}
	strbuf_release(&sb);
	free(p);
}

static void test_redact_keys(void)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "src 192.0.2.1 dst 192.0.2.11\n\tproto esp spi 0xc1a2b3c4 reqid 1 mode tunnel\n"
		      "\taead rfc4106(gcm(aes)) 0x0123456789abcdef0123456789abcdef01234567 128\n"
		      "\tenc cbc(aes) 0xdeadbeef\n\tauth-trunc hmac(sha256) 0xfeedface 128\n");
	rem_diag_redact_keys(&sb);
	CHECK(strstr(sb.buf, "spi 0xc1a2b3c4") != NULL);
	CHECK(strstr(sb.buf, "0123456789") == NULL);
	CHECK(strstr(sb.buf, "deadbeef") == NULL);
	CHECK(strstr(sb.buf, "feedface") == NULL);
	CHECK(strstr(sb.buf, "aead rfc4106(gcm(aes)) [redacted] 128\n") != NULL);
	strbuf_release(&sb);
}

static void test_bundle_retention(void)
{
	char dir[] = "/tmp/ikw-diag-XXXXXX", path[512], p2[600];
	const char *const echo[] = { "echo", "hello", NULL };
	struct remediate_argv cmd = { (char **)echo, 2 };
	struct rem_diag_opts o = { dir, 2, 1 << 20, 1024, 5000, &cmd, 1 };
	struct rem_diag_file f = { "summary.json", "{}\n", 3 };
	struct ikw_err err = { "" };
	struct stat st;
	FILE *fp;
	char line[64] = "";

	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	CHECK_INT(rem_diag_bundle(&o, 1700000000, "tun1", &f, 1, path, sizeof(path), &err), 0);
	CHECK(strstr(path, "/20231114T221320Z-tun1") != NULL);
	CHECK(!stat(path, &st) && (st.st_mode & 0777) == 0700);
	snprintf(p2, sizeof(p2), "%s/cmd01-echo_hello.txt", path);
	fp = fopen(p2, "r");
	CHECK(fp != NULL);
	if (fp) {
		CHECK(fgets(line, sizeof(line), fp) && !strcmp(line, "# echo hello\n"));
		CHECK(fgets(line, sizeof(line), fp) && !strcmp(line, "hello\n"));
		fclose(fp);
	}
	/* the same second again: a suffix */
	CHECK_INT(rem_diag_bundle(&o, 1700000000, "tun1", &f, 1, path, sizeof(path), &err), 0);
	CHECK(strstr(path, "-tun1-1") != NULL);
	CHECK_INT(rem_diag_bundle(&o, 1700000100, "tun2", &f, 1, path, sizeof(path), &err), 0);
	CHECK_INT(rem_diag_retain(dir, 2, 1 << 20), 1);
	snprintf(p2, sizeof(p2), "%s/20231114T221320Z-tun1", dir);
	CHECK(stat(p2, &st) != 0);
	/* the size cap: only the newest stays */
	CHECK_INT(rem_diag_retain(dir, 10, 10), 1);
	CHECK_INT(rem_diag_retain(dir, 10, 10), 0);
	CHECK(stat(path, &st) == 0);
	snprintf(p2, sizeof(p2), "rm -rf '%s'", dir);
	CHECK_INT(system(p2), 0);
}

static void test_run(void)
{
	char *const slow[] = { (char *)"sleep", (char *)"5", NULL };
	char *const big[] = { (char *)"head", (char *)"-c", (char *)"100000", (char *)"/dev/zero", NULL };
	char *const fails[] = { (char *)"false", NULL };
	char *const none[] = { (char *)"/nonexistent/ikw-no-such-program", NULL };
	char *const leaves_child[] = { (char *)"sh", (char *)"-c",
				       (char *)"sleep 8 & echo started; exit 3", NULL };
	int64_t t0;
	struct strbuf out = STRBUF_INIT;
	struct cmd_run_result res;
	struct ikw_err err = { "" };

	CHECK_INT(cmd_run(slow, 200, NULL, 0, &res, &err), 0);
	CHECK(res.timed_out);
	CHECK_INT(res.exit_code, -1);
	CHECK_INT(cmd_run(big, 5000, &out, 1000, &res, &err), 0);
	CHECK_INT(out.len, 1000);
	CHECK(res.truncated && !res.timed_out);
	CHECK_INT(res.exit_code, 0);
	CHECK_INT(cmd_run(fails, 5000, NULL, 0, &res, &err), 0);
	CHECK_INT(res.exit_code, 1);
	/* a command that leaves a background process holding its output (a
	 * script starting a daemon): its own exit is what counts, at once */
	strbuf_reset(&out);
	t0 = deadline_now_ms();
	CHECK_INT(cmd_run(leaves_child, 5000, &out, 1000, &res, &err), 0);
	CHECK(!res.timed_out);
	CHECK_INT(res.exit_code, 3);
	CHECK_STR(strbuf_str(&out), "started\n");
	CHECK(deadline_now_ms() - t0 < 2000);
	CHECK(cmd_run(none, 5000, NULL, 0, &res, &err) < 0);
	CHECK(strstr(err.msg, "cannot run") != NULL);
	strbuf_release(&out);
}

static int parse_yaml(struct config *c, const char *s, struct ikw_err *err)
{
	return config_parse_yaml(c, "t.yml", s, strlen(s), err);
}

static void test_config(void)
{
	static const char yml[] =
		"remediation:\n  enabled: true\n  dry_run: false\n  token_file: /t\n"
		"  audit_log: /a.jsonl\n  conns: [\"tun*\"]\n  checks: 2\n  check_interval: 2s\n"
		"  cooldown: 5m\n  global_max_faulty: 2\n  time_scale: 60\n"
		"  diagnostics:\n    directory: /d\n    keep: 3\n    commands: [[ip, route], [ip, -s, xfrm, state]]\n"
		"  restart:\n    command: [/usr/local/sbin/restart-charon, hub]\n    day_cap: 3\n"
		"  notify:\n    url: http://127.0.0.1:1/x\n  self_check: 30s\n";
	struct config c;
	struct ikw_err err = { "" };

	config_init(&c);
	CHECK(c.remediate.dry_run);
	CHECK(!c.remediate.enabled);
	CHECK_INT(c.remediate.ndiag_commands, 6);
	CHECK_INT(config_parse_yaml(&c, "t.yml", yml, strlen(yml), &err), 0);
	CHECK(c.remediate.enabled && !c.remediate.dry_run);
	CHECK_INT(c.remediate.checks, 2);
	CHECK_U64(c.remediate.check_interval_ms, 2000);
	CHECK_U64(c.remediate.cooldown_ms, 300000);
	CHECK_INT(c.remediate.time_scale, 60);
	CHECK_INT(c.remediate.ndiag_commands, 2);
	CHECK_STR(c.remediate.diag_commands[1].argv[2], "xfrm");
	CHECK(c.remediate.diag_commands[1].argv[4] == NULL);
	CHECK_INT(c.remediate.restart.n, 2);
	CHECK_INT(c.remediate.restart_day_cap, 3);
	CHECK_U64(c.remediate.self_check_ms, 30000);
	CHECK_STR(c.remediate.conns[0], "tun*");
	CHECK_INT(remediate_config_check(&c.remediate, &err), 0);
	config_release(&c);
	config_init(&c);
	CHECK_INT(parse_yaml(&c, "remediation:\n  restart:\n    command: "
			     "\"systemctl restart strongswan\"\n", &err), -EINVAL);
	CHECK(strstr(err.msg, "no shell") != NULL);
	CHECK_INT(parse_yaml(&c, "remediation:\n  bogus: 1\n", &err), -EINVAL);
	CHECK_INT(parse_yaml(&c, "remediation:\n  enabled: true\n", &err), 0);
	CHECK_INT(remediate_config_check(&c.remediate, &err), -EINVAL);
	config_release(&c);
}

/* notify over https: Prometheus' http_config keys, checked together */
static void test_notify_tls_config(void)
{
	static const char yml[] =
		"remediation:\n  notify:\n    url: https://hooks.example:8443/ikewatch\n"
		"    timeout: 3s\n    tls_config:\n      ca_file: /etc/ikewatch/ca.pem\n"
		"      cert_file: /etc/ikewatch/c.pem\n      key_file: /etc/ikewatch/k.pem\n"
		"      insecure_skip_verify: true\n"
		"    basic_auth:\n      username: gw1\n      password_file: /etc/ikewatch/pw\n";
	static const struct { const char *yml, *msg; } bad[] = {
		{ "remediation:\n  notify:\n    url: ftp://h/x\n", "http[s]://" },
		{ "remediation:\n  notify:\n    tls_config:\n      ca_file: rel.pem\n",
		  "ca_file" },
		{ "remediation:\n  notify:\n    tls_config:\n      bogus: 1\n", "bogus" },
		{ "remediation:\n  notify:\n    basic_auth:\n      user: x\n", "user" },
		{ "remediation:\n  notify:\n    tls_config:\n      insecure_skip_verify: maybe\n",
		  "true or false" },
	};
	const struct remediate_config *rc;
	struct config c;
	struct ikw_err err = { "" };
	size_t i;

	config_init(&c);
	rc = &c.remediate;
	CHECK_INT(parse_yaml(&c, yml, &err), 0);
	CHECK_STR(rc->notify_url, "https://hooks.example:8443/ikewatch");
	CHECK_U64(rc->notify_timeout_ms, 3000);
	CHECK_STR(rc->notify_ca_file, "/etc/ikewatch/ca.pem");
	CHECK_STR(rc->notify_cert_file, "/etc/ikewatch/c.pem");
	CHECK_STR(rc->notify_key_file, "/etc/ikewatch/k.pem");
	CHECK(rc->notify_insecure);
	CHECK_STR(rc->notify_basic_user, "gw1");
	CHECK_STR(rc->notify_basic_password_file, "/etc/ikewatch/pw");
	CHECK(rc->notify_bearer_file == NULL);
	CHECK_INT(remediate_notify_check(rc, &err), 0);
	config_release(&c);
	/* a bearer token beside basic auth: refused at check time */
	config_init(&c);
	CHECK_INT(parse_yaml(&c, "remediation:\n  notify:\n    bearer_token_file: /b\n"
			     "    basic_auth:\n      username: u\n      password_file: /p\n", &err), 0);
	CHECK_INT(remediate_notify_check(&c.remediate, &err), -EINVAL);
	CHECK(strstr(err.msg, "remediation.notify: a bearer token or basic auth") != NULL);
	config_release(&c);
	/* a certificate without its key */
	config_init(&c);
	CHECK_INT(parse_yaml(&c, "remediation:\n  notify:\n    tls_config:\n      cert_file: /c\n",
			     &err), 0);
	CHECK_INT(remediate_notify_check(&c.remediate, &err), -EINVAL);
	config_release(&c);
	/* an https URL without a host: refused at check time, named */
	config_init(&c);
	CHECK_INT(parse_yaml(&c, "remediation:\n  notify:\n    url: https:///x\n", &err), 0);
	CHECK_INT(remediate_notify_check(&c.remediate, &err), -EINVAL);
	CHECK(strstr(err.msg, "remediation.notify.url") != NULL);
	config_release(&c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		config_init(&c);
		CHECK_INT(parse_yaml(&c, bad[i].yml, &err), -EINVAL);
		CHECK(strstr(err.msg, bad[i].msg) != NULL);
		config_release(&c);
	}
}

int main(void)
{
	RUN(test_real_payload);
	RUN(test_refused);
	RUN(test_bounds);
	RUN(test_redact_keys);
	RUN(test_bundle_retention);
	RUN(test_run);
	RUN(test_config);
	RUN(test_notify_tls_config);
	return testlib_done();
}
