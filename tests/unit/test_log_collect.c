/* The log collector end to end: lines from files and from VICI 'log'
 * events counted into a real event store (failures per conn and reason,
 * rule matches with bounded labels), built-in patterns switched off, two
 * threads feeding one collector, and logs_start() following a real file
 * from a parsed `logs:` config. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "common/arena.h"
#include "config/config_logs.h"
#include "logs/log_collect.h"
#include "logs/logs.h"
#include "testlib.h"

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static uint64_t failures(struct event_store *s, const char *conn, enum fail_reason r,
			 enum fail_reason *last)
{
	struct arena a = ARENA_INIT;
	struct event_view v;
	uint64_t n = 0;
	size_t i;

	if (!event_store_view(s, &a, &v))
		for (i = 0; i < v.nfailures; i++)
			if (!strcmp(v.failures[i].conn, conn)) {
				n = v.failures[i].count[r];
				if (last)
					*last = v.failures[i].last_reason;
			}
	arena_release(&a);
	return n;
}

/* Count of the rule series whose labels print as "n=v,n=v". */
static uint64_t rule_count(struct event_store *s, const char *rule, const char *labels)
{
	struct arena a = ARENA_INIT;
	struct event_view v;
	uint64_t n = 0;
	size_t i, j;

	if (!event_store_view(s, &a, &v))
		for (i = 0; i < v.nrules; i++) {
			char buf[256] = "";
			size_t off = 0;

			if (strcmp(v.rules[i].rule, rule))
				continue;
			for (j = 0; j < v.rules[i].nlabels; j++)
				off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s=%s",
							j ? "," : "", v.rules[i].label_names[j],
							v.rules[i].label_values[j]);
			if (!strcmp(buf, labels))
				n += v.rules[i].count;
		}
	arena_release(&a);
	return n;
}

static bool known(void *ctx, const char *conn)
{
	(void)ctx;
	return !strcmp(conn, "dpd") || !strcmp(conn, "tun1");
}

static struct log_rules *one_rule(void)
{
	static const char *const attempts[] = { "1", "2" };
	struct log_rules *rs = log_rules_new();
	struct log_rule_spec s = { "retransmits", "retransmit ([0-9]+) of request",
				   { { "conn", LOG_LABEL_CONN, 0, NULL, 0 },
				     { "attempt", LOG_LABEL_GROUP, 1, attempts, 2 } }, 2 };

	CHECK_INT(log_rules_add(rs, &s, NULL), 0);
	return rs;
}

static void feed(struct log_collect *c, const char *line)
{
	log_collect_line(c, line, strlen(line), 1000.0);
}

static void test_lines(void)
{
	struct event_store *s = event_store_new(100);
	struct log_rules *rs = one_rule();
	struct log_collect_opts o = { s, rs, true, known, NULL, NULL, false };
	struct log_collect *c = log_collect_new(&o);
	struct log_collect_stats st;
	enum fail_reason last = FAIL_OTHER;

	feed(c, "2026-11-23 11:21:25 16[IKE] <dpd|7> sending DPD request");
	feed(c, "2026-11-23 11:21:38 12[IKE] <dpd|7> retransmit 1 of request with message ID 8");
	feed(c, "2026-11-23 11:21:39 09[IKE] <dpd|7> retransmit 2 of request with message ID 8");
	feed(c, "2026-11-23 11:21:41 13[IKE] <dpd|7> giving up after 2 retransmits");
	feed(c, "2026-11-23 11:21:22 05[IKE] <psk|1> received AUTHENTICATION_FAILED notify error");
	feed(c, "2026-11-23 11:21:22 05[IKE] <psk|1> retransmit 7 of request with message ID 1");
	feed(c, "2026-11-23 11:14:23 10[NET] <1> received packet: from 192.0.2.11[500]");
	CHECK_U64(failures(s, "dpd", FAIL_DPD_TIMEOUT, &last), 1);
	CHECK_INT(last, FAIL_DPD_TIMEOUT);
	/* psk is no configured connection: its failure counts under "other" */
	CHECK_U64(failures(s, "psk", FAIL_AUTH, NULL), 0);
	CHECK_U64(failures(s, "other", FAIL_AUTH, NULL), 1);
	CHECK_U64(rule_count(s, "retransmits", "conn=dpd,attempt=1"), 1);
	CHECK_U64(rule_count(s, "retransmits", "conn=dpd,attempt=2"), 1);
	/* psk is no configured connection, 7 no listed value */
	CHECK_U64(rule_count(s, "retransmits", "conn=other,attempt=other"), 1);
	log_collect_get_stats(c, &st);
	CHECK_U64(st.lines, 7);
	CHECK_U64(st.failures, 2);
	CHECK_U64(st.rule_matches, 3);
	log_collect_free(c);
	log_rules_free(rs);
	event_store_free(s);
}

/* Lines naming thousands of invented conns take one key ("other"): a real
 * conn's failure afterwards still gets its own row. */
static void test_invented_names_keep_the_cap(void)
{
	struct event_store *s = event_store_new(100);
	struct log_collect_opts o = { s, NULL, true, known, NULL, NULL, false };
	struct log_collect *c = log_collect_new(&o);
	char line[160];
	int i;

	for (i = 0; i < 1000; i++) {
		snprintf(line, sizeof(line), "05[IKE] <fake%d|1> received "
			 "AUTHENTICATION_FAILED notify error", i);
		feed(c, line);
	}
	feed(c, "05[IKE] <tun1|2> received AUTHENTICATION_FAILED notify error");
	CHECK_U64(failures(s, "other", FAIL_AUTH, NULL), 1000);
	CHECK_U64(failures(s, "fake1", FAIL_AUTH, NULL), 0);
	CHECK_U64(failures(s, "tun1", FAIL_AUTH, NULL), 1);
	log_collect_free(c);
	event_store_free(s);
}

/* VICI 'log' events: bare messages, conn and unique id from the event. */
static void test_vici(void)
{
	struct event_store *s = event_store_new(100);
	struct log_rules *rs = one_rule();
	struct log_collect_opts o = { s, rs, true, NULL, NULL, NULL, false };
	struct log_collect *c = log_collect_new(&o);
	const char *dpd = "sending DPD request", *gone = "giving up after 5 retransmits";
	const char *rt = "retransmit 2 of request with message ID 3";

	log_collect_vici(c, dpd, strlen(dpd), "tun1", 12, 1.0);
	log_collect_vici(c, rt, strlen(rt), "tun1", 12, 2.0);
	log_collect_vici(c, gone, strlen(gone), "tun1", 12, 3.0);
	log_collect_vici(c, gone, strlen(gone), NULL, 0, 4.0);
	CHECK_U64(failures(s, "tun1", FAIL_DPD_TIMEOUT, NULL), 1);
	CHECK_U64(failures(s, "", FAIL_PEER_UNREACHABLE, NULL), 1);
	CHECK_U64(rule_count(s, "retransmits", "conn=tun1,attempt=2"), 1);
	log_collect_free(c);
	log_rules_free(rs);
	event_store_free(s);
	log_collect_free(NULL);
}

/* The recent lines of a connection, for remediation's bundles: only the
 * lines that name it, oldest first, sanitized and cut; the ring keeps the
 * newest LOG_COLLECT_RECENT_MAX. */
static void test_recent(void)
{
	struct log_collect_opts o = { NULL, NULL, true, NULL, NULL, NULL, false };
	struct log_collect *c = log_collect_new(&o);
	struct strbuf sb = STRBUF_INIT;
	char big[1000];
	size_t i;

	feed(c, "2026-11-23 11:21:25 16[IKE] <a|7> first of a");
	feed(c, "2026-11-23 11:21:26 16[IKE] <b|8> one of b");
	feed(c, "2026-11-23 11:21:27 10[NET] no conn here");
	log_collect_vici(c, "second of a\x01", 12, "a", 7, 1.0);
	CHECK_INT(log_collect_recent(c, "a", &sb), 2);
	CHECK_STR(strbuf_str(&sb), "first of a\nsecond of a?\n");
	strbuf_reset(&sb);
	CHECK_INT(log_collect_recent(c, "nosuch", &sb), 0);
	CHECK_INT(log_collect_recent(NULL, "a", &sb), 0);
	memset(big, 'x', sizeof(big));
	memcpy(big, "2026-11-23 11:21:25 16[IKE] <a|7> ", 34);
	log_collect_line(c, big, sizeof(big), 2.0);
	strbuf_reset(&sb);
	CHECK_INT(log_collect_recent(c, "a", &sb), 3);
	CHECK(sb.len < 2 * 40 + LOG_COLLECT_RECENT_LINE);   /* cut */
	for (i = 0; i < LOG_COLLECT_RECENT_MAX; i++)
		log_collect_vici(c, "later", 5, "b", 8, 3.0);
	strbuf_reset(&sb);
	CHECK_INT(log_collect_recent(c, "a", &sb), 0);      /* pushed out */
	CHECK_INT(log_collect_recent(c, "b", &sb), LOG_COLLECT_RECENT_MAX);
	strbuf_release(&sb);
	log_collect_free(c);
}

static void test_builtin_off(void)
{
	struct event_store *s = event_store_new(100);
	struct log_collect_opts o = { s, NULL, false, NULL, NULL, NULL, false };
	struct log_collect *c = log_collect_new(&o);
	struct log_collect_stats st;

	feed(c, "09[IKE] <psk|1> received AUTHENTICATION_FAILED notify error");
	CHECK_U64(failures(s, "psk", FAIL_AUTH, NULL), 0);
	log_collect_get_stats(c, &st);
	CHECK_U64(st.lines, 1);
	CHECK_U64(st.failures, 0);
	log_collect_free(c);
	event_store_free(s);
}

struct feeder {
	struct log_collect *c;
	const char *conn;
};

static void *feeder_main(void *arg)
{
	struct feeder *f = arg;
	char line[128];
	int i;

	for (i = 0; i < 2000; i++) {
		snprintf(line, sizeof(line), "09[IKE] <%s|%d> sending DPD request", f->conn, i + 1);
		feed(f->c, line);
		snprintf(line, sizeof(line), "09[IKE] <%s|%d> giving up after 5 retransmits",
			 f->conn, i + 1);
		feed(f->c, line);
	}
	return NULL;
}

/* Two threads, 2000 SAs each: every give-up is counted exactly once. */
static void test_threads(void)
{
	struct event_store *s = event_store_new(100);
	struct log_collect_opts o = { s, NULL, true, NULL, NULL, NULL, false };
	struct log_collect *c = log_collect_new(&o);
	struct feeder a = { c, "a" }, b = { c, "b" };
	pthread_t ta, tb;
	uint64_t n;

	pthread_create(&ta, NULL, feeder_main, &a);
	pthread_create(&tb, NULL, feeder_main, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	n = failures(s, "a", FAIL_DPD_TIMEOUT, NULL) + failures(s, "a", FAIL_PEER_UNREACHABLE, NULL);
	CHECK_U64(n, 2000);
	n = failures(s, "b", FAIL_DPD_TIMEOUT, NULL) + failures(s, "b", FAIL_PEER_UNREACHABLE, NULL);
	CHECK_U64(n, 2000);
	log_collect_free(c);
	event_store_free(s);
}

/* ---- logs_start from a parsed config -------------------------------------- */

static int parse_logs(const char *text, struct log_config *lc, struct ikw_err *err)
{
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_node_t *root;
	int r;

	log_config_init(lc);
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
	if (!yaml_parser_load(&p, &doc)) {
		yaml_parser_delete(&p);
		return -EBADMSG;
	}
	root = yaml_document_get_root_node(&doc);
	r = config_logs_parse(lc, &doc, yaml_document_get_node(&doc, root->data.mapping.pairs.start->value),
			      "test.yml", err);
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	return r;
}

static void test_runtime(void)
{
	char dir[] = "/tmp/ikw-collect.XXXXXX", path[128], text[512], cmd[160];
	struct event_store *s = event_store_new(100);
	struct logs_runtime *rt = NULL;
	struct log_config lc;
	struct log_source_stats st;
	struct ikw_err err = { "" };
	const char *lines = "2026-11-23 11:21:22 05[IKE] <tun1|1> received NO_PROPOSAL_CHOSEN notify error\n"
			    "2026-11-23 11:21:22 05[IKE] <tun1|1> retransmit 2 of request with message ID 1\n";
	int fd, i;

	if (!mkdtemp(dir)) {
		testlib_fail(__FILE__, __LINE__, "mkdtemp");
		event_store_free(s);
		return;
	}
	snprintf(path, sizeof(path), "%s/charon.log", dir);
	snprintf(text, sizeof(text),
		 "logs:\n  files: [%s]\n  rules:\n    - name: retransmits\n"
		 "      pattern: 'retransmit ([0-9]+) of'\n      labels:\n"
		 "        conn: conn\n        attempt: {group: 1, values: ['1', '2']}\n", path);
	CHECK_INT(parse_logs(text, &lc, &err), 0);
	CHECK_INT(logs_start(&rt, &lc, s, known, NULL, &err), 0);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);   /* appears after the start */
	CHECK(write(fd, lines, strlen(lines)) == (ssize_t)strlen(lines));
	close(fd);
	for (i = 0; i < 1000 && failures(s, "tun1", FAIL_NO_PROPOSAL, NULL) == 0; i++)
		sleep_ms(5);
	for (i = 0; i < 1000 && rule_count(s, "retransmits", "conn=tun1,attempt=2") == 0; i++)
		sleep_ms(5);
	CHECK_U64(failures(s, "tun1", FAIL_NO_PROPOSAL, NULL), 1);
	CHECK_U64(rule_count(s, "retransmits", "conn=tun1,attempt=2"), 1);
	logs_get_stats(rt, &st);
	CHECK_U64(st.lines, 2);
	CHECK_INT(st.files, 1);
	CHECK_INT(st.files_open, 1);
	CHECK(!st.error_notify);
	CHECK(logs_collector(rt) != NULL);
	logs_stop(rt);
	logs_stop(NULL);
	log_config_release(&lc);
	event_store_free(s);
	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	CHECK_INT(system(cmd), 0);
}

int main(void)
{
	RUN(test_lines);
	RUN(test_vici);
	RUN(test_invented_names_keep_the_cap);
	RUN(test_recent);
	RUN(test_builtin_off);
	RUN(test_threads);
	RUN(test_runtime);
	return testlib_done();
}
