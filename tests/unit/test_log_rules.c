/* Operator log rules and the `logs:` config section: matching with labels
 * from bounded sets only ("other" otherwise), the conn callback, the
 * literal prefilter agreeing with the regex, every limit, and config
 * errors that name the file and line. */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config/config_logs.h"
#include "logs/log_rules.h"
#include "logs/logs.h"
#include "testlib.h"

/* ---- capture of emitted matches ------------------------------------------- */

struct hit {
	char rule[LOG_RULE_NAME_MAX + 1];
	char labels[256];   /* "name=value,name=value" */
};

struct hits {
	struct hit h[8];
	size_t n;
};

static void emit(void *ctx, const char *rule, const char *const *names,
		 const char *const *values, size_t n)
{
	struct hits *hs = ctx;
	struct hit *h;
	size_t i, off = 0;

	if (hs->n >= 8)
		return;
	h = &hs->h[hs->n++];
	snprintf(h->rule, sizeof(h->rule), "%s", rule);
	h->labels[0] = '\0';
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(h->labels + off, sizeof(h->labels) - off, "%s%s=%s",
					i ? "," : "", names[i], values[i]);
}

static bool known_conn(void *ctx, const char *conn)
{
	(void)ctx;
	return !strcmp(conn, "tun1") || !strcmp(conn, "tun2");
}

static const char *const attempts[] = { "1", "2", "3" };

static struct log_rules *rules_retransmit(void)
{
	struct log_rules *rs = log_rules_new();
	struct log_rule_spec s = {
		"ike_retransmits", "retransmit ([0-9]+) of request with message ID ([0-9]+)",
		{ { "conn", LOG_LABEL_CONN, 0, NULL, 0 },
		  { "attempt", LOG_LABEL_GROUP, 1, attempts, 3 } }, 2 };
	struct ikw_err err = { "" };

	CHECK_INT(log_rules_add(rs, &s, &err), 0);
	return rs;
}

static int match(const struct log_rules *rs, const char *msg, const char *conn,
		 log_conn_known_fn known, struct hits *hs)
{
	memset(hs, 0, sizeof(*hs));
	return log_rules_match(rs, msg, strlen(msg), conn, known, NULL, emit, hs);
}

static void test_match_values(void)
{
	struct log_rules *rs = rules_retransmit();
	struct hits hs;

	CHECK_INT(match(rs, "retransmit 2 of request with message ID 7", "tun1", known_conn, &hs), 1);
	CHECK_STR(hs.h[0].rule, "ike_retransmits");
	CHECK_STR(hs.h[0].labels, "conn=tun1,attempt=2");
	/* a value outside the set and an unknown conn: "other" */
	CHECK_INT(match(rs, "retransmit 17 of request with message ID 7", "evil", known_conn, &hs), 1);
	CHECK_STR(hs.h[0].labels, "conn=other,attempt=other");
	/* no conn on the line: "" (the label is absent in Prometheus) */
	CHECK_INT(match(rs, "retransmit 1 of request with message ID 7", "", known_conn, &hs), 1);
	CHECK_STR(hs.h[0].labels, "conn=,attempt=1");
	/* without a callback the line's own conn is kept */
	CHECK_INT(match(rs, "retransmit 3 of request with message ID 7", "anything", NULL, &hs), 1);
	CHECK_STR(hs.h[0].labels, "conn=anything,attempt=3");
	CHECK_INT(match(rs, "received packet: from 192.0.2.1[500]", "tun1", known_conn, &hs), 0);
	CHECK_INT(hs.n, 0);
	log_rules_free(rs);
}

static void test_match_conn_group(void)
{
	struct log_rules *rs = log_rules_new();
	struct log_rule_spec s = { "initiating", "initiating '([^']*)'",
				   { { "conn", LOG_LABEL_GROUP, 1, NULL, 0 } }, 1 };
	struct ikw_err err;
	struct hits hs;

	CHECK_INT(log_rules_add(rs, &s, &err), 0);
	CHECK_INT(match(rs, "initiating 'tun2'", "", known_conn, &hs), 1);
	CHECK_STR(hs.h[0].labels, "conn=tun2");
	CHECK_INT(match(rs, "initiating 'tun3'", "", known_conn, &hs), 1);
	CHECK_STR(hs.h[0].labels, "conn=other");
	/* a captured conn is only trusted through the callback */
	CHECK_INT(match(rs, "initiating 'tun2'", "", NULL, &hs), 1);
	CHECK_STR(hs.h[0].labels, "conn=other");
	CHECK_INT(match(rs, "initiating ''", "", known_conn, &hs), 1);
	CHECK_STR(hs.h[0].labels, "conn=other");
	log_rules_free(rs);
}

static void test_match_several(void)
{
	struct log_rules *rs = rules_retransmit();
	struct log_rule_spec s2 = { "any_retransmit", "retransmit", { { 0 } }, 0 };
	struct log_rule_spec s3 = { "optional_group", "request( with)?x?", 
				    { { "w", LOG_LABEL_GROUP, 1, (const char *const[]){ " with" }, 1 } }, 1 };
	struct ikw_err err;
	struct hits hs;

	CHECK_INT(log_rules_add(rs, &s2, &err), 0);
	CHECK_INT(log_rules_add(rs, &s3, &err), 0);
	CHECK_INT(log_rules_count(rs), 3);
	CHECK_INT(match(rs, "retransmit 1 of request with message ID 3", "tun1", known_conn, &hs), 3);
	CHECK_STR(hs.h[1].rule, "any_retransmit");
	CHECK_STR(hs.h[1].labels, "");
	CHECK_STR(hs.h[2].labels, "w= with");
	/* a group that did not take part is "other", not "" */
	CHECK_INT(match(rs, "request", "", NULL, &hs), 1);
	CHECK_STR(hs.h[0].labels, "w=other");
	log_rules_free(rs);
}

static void test_match_hostile(void)
{
	struct log_rules *rs = rules_retransmit();
	static const char nul[] = "junk\0retransmit 1 of request with message ID 3";
	char *big;
	struct hits hs;

	/* NUL bytes are data: the match runs on all len bytes */
	memset(&hs, 0, sizeof(hs));
	CHECK_INT(log_rules_match(rs, nul, sizeof(nul) - 1, "tun1", known_conn, NULL, emit, &hs), 1);
	/* past LOG_CLASSIFY_MAX nothing is looked at */
	big = malloc(1 << 20);
	if (big) {
		const char *m = "retransmit 1 of request with message ID 3";

		memset(big, 'x', 1 << 20);
		memcpy(big + (1 << 20) - strlen(m), m, strlen(m));
		memset(&hs, 0, sizeof(hs));
		CHECK_INT(log_rules_match(rs, big, 1 << 20, "", NULL, NULL, emit, &hs), 0);
		memcpy(big, m, strlen(m));
		CHECK_INT(log_rules_match(rs, big, 1 << 20, "", NULL, NULL, emit, &hs), 1);
		free(big);
	}
	CHECK_INT(log_rules_match(NULL, "x", 1, NULL, NULL, NULL, emit, &hs), 0);
	log_rules_free(rs);
}

/* ---- validation ------------------------------------------------------------ */

static void add_fails(const struct log_rule_spec *s, const char *want)
{
	struct log_rules *rs = log_rules_new();
	struct ikw_err err = { "" };
	int r = log_rules_add(rs, s, &err);

	if (r != -EINVAL || !strstr(err.msg, want))
		testlib_fail(__FILE__, __LINE__, "rule '%s': r=%d err=\"%s\", want \"%s\"",
			     s->name ? s->name : "(null)", r, err.msg, want);
	CHECK_INT(log_rules_count(rs), 0);
	log_rules_free(rs);
}

static void test_invalid_rules(void)
{
	const char *const v[] = { "a" };
	const char *const bad_v[] = { "a\nb" };
	const char *const empty_v[] = { "" };

	add_fails(&(struct log_rule_spec){ "bad-name", "x", { { 0 } }, 0 }, "invalid rule name");
	add_fails(&(struct log_rule_spec){ "1x", "x", { { 0 } }, 0 }, "invalid rule name");
	add_fails(&(struct log_rule_spec){ NULL, "x", { { 0 } }, 0 }, "invalid rule name");
	add_fails(&(struct log_rule_spec){ "r", "", { { 0 } }, 0 }, "empty pattern");
	add_fails(&(struct log_rule_spec){ "r", "a(b", { { 0 } }, 0 }, "invalid pattern");
	add_fails(&(struct log_rule_spec){ "r", "0<x++++++++++++++++++++2z", { { 0 } }, 0 },
		  "stacked quantifiers");
	add_fails(&(struct log_rule_spec){ "r", "a{2}{3}", { { 0 } }, 0 }, "stacked quantifiers");
	add_fails(&(struct log_rule_spec){ "r", "(a)", { { "x y", LOG_LABEL_CONN, 0, NULL, 0 } }, 1 },
		  "invalid label name");
	add_fails(&(struct log_rule_spec){ "r", "(a)", { { "__x", LOG_LABEL_CONN, 0, NULL, 0 } }, 1 },
		  "invalid label name");
	add_fails(&(struct log_rule_spec){ "r", "(a)", { { "rule", LOG_LABEL_CONN, 0, NULL, 0 } }, 1 },
		  "reserved");
	add_fails(&(struct log_rule_spec){ "r", "(a)", { { "c", LOG_LABEL_CONN, 0, NULL, 0 },
							 { "c", LOG_LABEL_CONN, 0, NULL, 0 } }, 2 },
		  "given twice");
	add_fails(&(struct log_rule_spec){ "r", "(a)", { { "x", LOG_LABEL_GROUP, 2, v, 1 } }, 1 },
		  "group 2 does not exist");
	add_fails(&(struct log_rule_spec){ "r", "(a)", { { "x", LOG_LABEL_GROUP, 1, NULL, 0 } }, 1 },
		  "needs a 'values' list");
	add_fails(&(struct log_rule_spec){ "r", "(a)", { { "x", LOG_LABEL_GROUP, 1, bad_v, 1 } }, 1 },
		  "not printable");
	add_fails(&(struct log_rule_spec){ "r", "(a)", { { "x", LOG_LABEL_GROUP, 1, empty_v, 1 } }, 1 },
		  "value 1 is empty");
	add_fails(&(struct log_rule_spec){ "r", "(a)", { { 0 } }, EVENT_LABELS_MAX + 1 },
		  "more than 4 labels");
}

static void test_rule_limits(void)
{
	struct log_rules *rs = log_rules_new();
	struct ikw_err err;
	char name[32];
	int i;

	for (i = 0; i < LOG_RULES_MAX; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		CHECK_INT(log_rules_add(rs, &(struct log_rule_spec){ name, "x", { { 0 } }, 0 }, &err), 0);
	}
	CHECK_INT(log_rules_add(rs, &(struct log_rule_spec){ "one_more", "x", { { 0 } }, 0 }, &err),
		  -E2BIG);
	CHECK_INT(log_rules_add(rs, &(struct log_rule_spec){ "r3", "x", { { 0 } }, 0 }, &err),
		  -E2BIG);
	log_rules_free(rs);
	rs = log_rules_new();
	CHECK_INT(log_rules_add(rs, &(struct log_rule_spec){ "dup", "x", { { 0 } }, 0 }, &err), 0);
	CHECK_INT(log_rules_add(rs, &(struct log_rule_spec){ "dup", "y", { { 0 } }, 0 }, &err), -EINVAL);
	CHECK(strstr(err.msg, "defined twice") != NULL);
	log_rules_free(rs);
	log_rules_free(NULL);
	CHECK(log_rules_valid_name("abc_1"));
	CHECK(!log_rules_valid_name(""));
	CHECK(!log_rules_valid_name("a-b"));
}

/* ---- prefilter -------------------------------------------------------------- */

static void test_literal_table(void)
{
	static const struct { const char *pat, *lit; } t[] = {
		{ "retransmit ([0-9]+) of request", "retransmit " },
		{ "giving up after [0-9]+ retransmits", "giving up after " },
		{ "abc|def", "" },
		{ "(abc|def)ghij", "ghij" },
		{ "^received (AUTH|NO_PROP)", "received " },
		{ "abcd?", "abc" },
		{ "abcd*e", "abc" },
		{ "abc+", "ab" },
		{ "ab{2,3}c", "a" },
		{ "a\\.b\\.c", "a.b.c" },
		{ "a\\wbc", "bc" },
		{ "\\`.*.", "" },          /* glibc: start of the buffer */
		{ "ab\\<cd\\'", "ab" },
		{ "x[]a]yz", "yz" },
		{ "x[[:digit:]]yzw", "yzw" },
		{ "zü*rich", "rich" },
		{ "a.b", "a" },
		{ "", "" },
		{ "\\", "" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char out[64];

		log_rules_literal(t[i].pat, out);
		if (strcmp(out, t[i].lit))
			testlib_fail(__FILE__, __LINE__, "literal of '%s' = '%s', want '%s'",
				     t[i].pat, out, t[i].lit);
	}
}

/* The prefilter never rejects a line the regex matches: every match
 * contains the literal. */
static void test_literal_sound(void)
{
	static const char *const pats[] = {
		"retransmit ([0-9]+) of", "ab?c", "(x|y)z+w", "a\\.b*", "[a-c]bc(d)e",
		"^ab", "b$", "a{0,2}bc", "(ab)?cd", "q(r|s)*t",
	};
	static const char *const ins[] = {
		"retransmit 3 of", "ac", "abc", "xzw", "yzzw", "a.", "a.bb", "abcde", "cbcde",
		"ab", "b", "bc", "aabc", "cd", "abcd", "qt", "qrst", "zzz", "",
	};
	size_t i, j;

	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		char lit[64];
		regex_t re;

		log_rules_literal(pats[i], lit);
		if (regcomp(&re, pats[i], REG_EXTENDED | REG_NOSUB)) {
			testlib_fail(__FILE__, __LINE__, "regcomp '%s'", pats[i]);
			continue;
		}
		for (j = 0; j < sizeof(ins) / sizeof(ins[0]); j++)
			if (!regexec(&re, ins[j], 0, NULL, 0) && !strstr(ins[j], lit))
				testlib_fail(__FILE__, __LINE__, "'%s' matches '%s' without literal '%s'",
					     pats[i], ins[j], lit);
		regfree(&re);
	}
}

/* ---- config ------------------------------------------------------------------ */

static int parse_logs(const char *yaml, struct log_config *lc, struct ikw_err *err)
{
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_node_t *root;
	yaml_node_pair_t *pair;
	int r = -ENOENT;

	log_config_init(lc);
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)yaml, strlen(yaml));
	if (!yaml_parser_load(&p, &doc)) {
		yaml_parser_delete(&p);
		return -EBADMSG;
	}
	root = yaml_document_get_root_node(&doc);
	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(&doc, pair->key);

		if (!strcmp((const char *)k->data.scalar.value, "logs"))
			r = config_logs_parse(lc, &doc, yaml_document_get_node(&doc, pair->value),
					      "ikewatch.yml", err);
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	return r;
}

static void test_config_full(void)
{
	const char *y =
		"web:\n"
		"  listen_address: 127.0.0.1:9786\n"
		"logs:\n"
		"  files: [/var/log/charon.log, /var/log/other.log]\n"
		"  vici_log: true\n"
		"  error_notify: unix:///var/run/charon.enfy\n"
		"  builtin: false\n"
		"  rules:\n"
		"    - name: ike_init_retransmits\n"
		"      pattern: 'retransmit ([0-9]+) of request'\n"
		"      labels:\n"
		"        conn: conn\n"
		"        attempt: {group: 1, values: [\"1\",\"2\",\"3\"]}\n"
		"    - name: initiating\n"
		"      pattern: \"initiating '([^']+)'\"\n"
		"      labels:\n"
		"        conn: {group: 1}\n";
	struct log_config lc;
	struct ikw_err err = { "" };
	struct hits hs;

	CHECK_INT(parse_logs(y, &lc, &err), 0);
	CHECK_STR(err.msg, "");
	CHECK_INT(lc.nfiles, 2);
	CHECK_STR(lc.files[1], "/var/log/other.log");
	CHECK(lc.vici_log);
	CHECK(!lc.builtin);
	CHECK_STR(lc.error_notify, "/var/run/charon.enfy");
	CHECK_INT(log_rules_count(lc.rules), 2);
	CHECK_INT(match(lc.rules, "retransmit 2 of request with message ID 0", "tun1", known_conn, &hs), 1);
	CHECK_STR(hs.h[0].labels, "conn=tun1,attempt=2");
	CHECK_INT(match(lc.rules, "initiating 'tun2'", "", known_conn, &hs), 1);
	CHECK_STR(hs.h[0].labels, "conn=tun2");
	log_config_release(&lc);
	CHECK(lc.rules == NULL && lc.files == NULL && lc.builtin);
}

static void test_config_variants(void)
{
	struct log_config lc;
	struct ikw_err err;

	CHECK_INT(parse_logs("logs:\n  files: /var/log/a.log\n  error_notify: true\n"
			     "  builtin: off\n", &lc, &err), 0);
	CHECK_INT(lc.nfiles, 1);
	CHECK_STR(lc.error_notify, "/var/run/charon.enfy");
	CHECK(!lc.builtin);
	CHECK(!lc.vici_log);
	CHECK(lc.rules == NULL);
	log_config_release(&lc);
	CHECK_INT(parse_logs("logs:\n  error_notify: false\n", &lc, &err), 0);
	CHECK(lc.error_notify == NULL);
	log_config_release(&lc);
	CHECK_INT(parse_logs("logs:\n  error_notify: /run/x.enfy\n", &lc, &err), 0);
	CHECK_STR(lc.error_notify, "/run/x.enfy");
	CHECK(!lc.journal);
	log_config_release(&lc);
	CHECK_INT(parse_logs("logs:\n  journal: yes\n", &lc, &err), 0);
	CHECK(lc.journal);
	CHECK_INT(lc.njournal_matches, 0);
	CHECK(lc.journal_directory == NULL);
	log_config_release(&lc);
	CHECK_INT(parse_logs("logs:\n  journal_matches: [SYSLOG_IDENTIFIER=charon, "
			     "_SYSTEMD_UNIT=strongswan.service]\n  journal_directory: /j\n",
			     &lc, &err), 0);
	CHECK(lc.journal);
	CHECK_INT(lc.njournal_matches, 2);
	CHECK_STR(lc.journal_matches[1], "_SYSTEMD_UNIT=strongswan.service");
	CHECK_STR(lc.journal_directory, "/j");
	log_config_release(&lc);
	CHECK(lc.journal_matches == NULL && !lc.journal);
	CHECK_INT(lc.daemon, LOG_DAEMON_CHARON);
	CHECK_INT(parse_logs("logs:\n  daemon: pluto\n  journal: true\n", &lc, &err), 0);
	CHECK_INT(lc.daemon, LOG_DAEMON_PLUTO);
	{
		struct log_journal_opts o;

		logs_journal_opts(&lc, &o);   /* pluto's identifier by default */
		CHECK_INT(o.nmatches, 1);
		CHECK_STR(o.matches[0], "SYSLOG_IDENTIFIER=pluto");
	}
	log_config_release(&lc);
	CHECK_INT(parse_logs("logs:\n  daemon: charon\n", &lc, &err), 0);
	CHECK_INT(lc.daemon, LOG_DAEMON_CHARON);
	log_config_release(&lc);
}

/* Each error names ikewatch.yml and the line of the offending node. */
static void config_fails(const char *yaml, const char *want)
{
	struct log_config lc;
	struct ikw_err err = { "" };
	int r = parse_logs(yaml, &lc, &err);

	if (r != -EINVAL || !strstr(err.msg, want))
		testlib_fail(__FILE__, __LINE__, "r=%d err=\"%s\", want \"%s\"", r, err.msg, want);
	log_config_release(&lc);
}

static void test_config_errors(void)
{
	config_fails("logs: [a]\n", "ikewatch.yml:1: 'logs' must be a mapping");
	config_fails("logs:\n  files: [/a]\n  error_notify: true\n",
		     "ikewatch.yml:2: logs: error_notify and the built-in patterns");
	config_fails("logs:\n  bogus: 1\n", "ikewatch.yml:2: unknown key 'bogus' in 'logs'");
	config_fails("logs:\n  journal: true\n  error_notify: true\n",
		     "ikewatch.yml:2: logs: error_notify and the built-in patterns");
	config_fails("logs:\n  journal_matches:\n    - SYSLOG_IDENTIFIER=charon\n    - charon\n",
		     "ikewatch.yml:4: logs.journal_matches: want FIELD=value");
	config_fails("logs:\n  journal_matches: [lower=x]\n", "ikewatch.yml:2: logs.journal_matches");
	config_fails("logs:\n  daemon: racoon\n", "ikewatch.yml:2: logs.daemon: want charon or pluto");
	config_fails("logs:\n  daemon: pluto\n  vici_log: true\n",
		     "ikewatch.yml:2: logs: daemon pluto has no vici_log or error_notify");
	config_fails("logs:\n  journal_directory: rel\n",
		     "ikewatch.yml:2: logs.journal_directory: want an absolute path");
	config_fails("logs:\n  files: [/a, rel.log]\n", "ikewatch.yml:2: logs.files: want absolute paths");
	config_fails("logs:\n  vici_log: maybe\n", "ikewatch.yml:2: logs.vici_log: invalid boolean 'maybe'");
	config_fails("logs:\n  error_notify: tcp://1.2.3.4\n", "ikewatch.yml:2: logs.error_notify: want");
	config_fails("logs:\n  rules: {a: 1}\n", "ikewatch.yml:2: logs.rules: want a list");
	config_fails("logs:\n  rules:\n    - name: x\n", "ikewatch.yml:3: logs.rules[0]: needs 'name' and 'pattern'");
	config_fails("logs:\n  rules:\n    - name: ok\n      pattern: a\n"
		     "    - name: x\n      pattern: 'a(b'\n",
		     "ikewatch.yml:6: logs.rules[1]: rule 'x': invalid pattern");
	config_fails("logs:\n  rules:\n    - name: x\n      pattern: '(a)'\n      labels:\n"
		     "        conn: conn\n        kind: {group: 1}\n",
		     "ikewatch.yml:7: logs.rules[0]: rule 'x': label 'kind': a captured group needs a 'values' list");
	config_fails("logs:\n  rules:\n    - name: x\n      pattern: '(a)'\n      labels:\n"
		     "        n: {group: 3, values: [a]}\n",
		     "ikewatch.yml:6: logs.rules[0]: rule 'x': label 'n': group 3 does not exist");
	config_fails("logs:\n  rules:\n    - name: x\n      pattern: '(a)'\n      labels:\n"
		     "        n: {group: 0, values: [a]}\n",
		     "ikewatch.yml:6: logs.rules[0].labels.n.group: want a number 1 to 9");
	config_fails("logs:\n  rules:\n    - name: x\n      pattern: '(a)'\n      labels:\n"
		     "        n: {group: 1, values: a}\n",
		     "ikewatch.yml:6: logs.rules[0].labels.n.values: want a list");
	config_fails("logs:\n  rules:\n    - name: x\n      pattern: '(a)'\n      labels:\n"
		     "        n: peer\n",
		     "ikewatch.yml:6: logs.rules[0].labels.n: want 'conn' or {group: N, values: [...]}");
	config_fails("logs:\n  rules:\n    - name: x\n      pattern: '(a)'\n      labels:\n"
		     "        a: conn\n        b: conn\n        c: conn\n        d: conn\n        e: conn\n",
		     "ikewatch.yml:10: logs.rules[0].labels.e: more than 4 labels");
	config_fails("logs:\n  rules:\n    - name: bad-name\n      pattern: a\n",
		     "ikewatch.yml:3: logs.rules[0]: invalid rule name 'bad-name'");
	config_fails("logs:\n  rules:\n    - name: x\n      pattern: a\n      severity: 3\n",
		     "ikewatch.yml:5: logs.rules[0]: unknown key 'severity'");
	config_fails("logs:\n  rules:\n    - name: x\n      pattern: a\n    - name: x\n      pattern: b\n",
		     "ikewatch.yml:5: logs.rules[1]: rule 'x' defined twice");
}

static void test_config_rule_cap(void)
{
	char *y = malloc(16384);
	size_t off = 0;
	int i;

	if (!y)
		return;
	off += (size_t)sprintf(y + off, "logs:\n  rules:\n");
	for (i = 0; i <= LOG_RULES_MAX; i++)
		off += (size_t)sprintf(y + off, "    - {name: r%d, pattern: x}\n", i);
	config_fails(y, "ikewatch.yml:67: logs.rules: more than 64 rules");
	free(y);
}

int main(void)
{
	RUN(test_match_values);
	RUN(test_match_conn_group);
	RUN(test_match_several);
	RUN(test_match_hostile);
	RUN(test_invalid_rules);
	RUN(test_rule_limits);
	RUN(test_literal_table);
	RUN(test_literal_sound);
	RUN(test_config_full);
	RUN(test_config_variants);
	RUN(test_config_errors);
	RUN(test_config_rule_cap);
	return testlib_done();
}
