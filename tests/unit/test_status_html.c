/* The status page from a hand-built model: hostile names and the filter
 * escaped, rows with stable data attributes, attention first, rekeyed SAs
 * marked, nothing loaded from outside, buttons only when actions are on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/view.h"
#include "status/status.h"
#include "status/status_html.h"
#include "testlib.h"

#define HOSTILE "<script>alert(1)</script>"
#define HOSTILE_ESC "&lt;script&gt;alert(1)&lt;/script&gt;"

static struct child_sa *add_children(struct model *m, struct ike_sa *ike, size_t n)
{
	ike->children = arena_alloc(&m->arena, n * sizeof(*ike->children));
	ike->nchildren = n;
	return ike->children;
}

static struct ike_sa *add_ike(struct model *m, const char *conn, uint32_t id,
			      enum ike_state st, int64_t established_for)
{
	struct ike_sa *ike = model_add_ike_sa(m);

	ike->conn = conn;
	ike->uniqueid = id;
	ike->version = 2;
	ike->state = st;
	ike->established_for = established_for;
	ike->remote_host = "192.0.2.11";
	ike->remote_id = "CN=\"x'y\"";
	ike->encr_alg = "AES_GCM_16";
	ike->encr_keysize = 256;
	ike->prf_alg = "PRF_HMAC_SHA2_256";
	ike->dh_group = "CURVE_25519";
	ike->initiator = true;
	ike->nat_remote = true;
	return ike;
}

static struct child_sa child(const char *name, uint32_t id, const char *spi_in,
			     const char *spi_out, int64_t installed_for)
{
	return (struct child_sa){ .name = name, .uniqueid = id,
		.state = CHILD_INSTALLED, .mode = "TUNNEL", .protocol = "ESP",
		.spi_in = spi_in, .spi_out = spi_out, .cpi_in = "", .cpi_out = "",
		.encr_alg = "AES_GCM_16", .encr_keysize = 128, .integ_alg = "",
		.dh_group = "", .bytes_in = 2048, .packets_in = 2,
		.bytes_out = 1048576, .packets_out = 1024, .use_in = 5,
		.use_out = TIME_NONE, .rekey_in = 3000, .life_in = 3400,
		.installed_for = installed_for };
}

/* Conns, sorted by name as model.h wants them:
 *   HOSTILE    expected up, no SA                       -> down
 *   site-conn  IKE SA negotiating                        -> connecting
 *   site-miss  up, child net_b configured, not installed -> child_missing
 * (attention first: down, child_missing, connecting, ..., then by name)
 *   site-ok    up, rekeyed IKE SA and a rekeyed CHILD SA -> ok
 *   zz-idle    responder only, no SA                     -> ok (not expected) */
static struct model *sample_model(struct ledger *l)
{
	static struct child_cfg net[] = { { .name = "net", .mode = "TUNNEL" } };
	static struct child_cfg ab[] = { { .name = "net_a", .mode = "TUNNEL" },
					 { .name = "net_b", .mode = "TUNNEL" } };
	struct model *m = model_new();
	struct ike_sa *ike;
	struct child_sa *c;

	m->collected_at = 1700000000;   /* 2023-11-14T22:13:20Z */
	m->have_sas = true;
	m->conns = arena_alloc(&m->arena, 5 * sizeof(*m->conns));
	m->conns[0] = (struct conn_cfg){ .name = HOSTILE, .remote_addrs = "192.0.2.9",
		.children = net, .nchildren = 1 };
	m->conns[1] = (struct conn_cfg){ .name = "site-conn", .remote_addrs = "192.0.2.12" };
	m->conns[2] = (struct conn_cfg){ .name = "site-miss", .remote_addrs = "192.0.2.13",
		.children = ab, .nchildren = 2 };
	m->conns[3] = (struct conn_cfg){ .name = "site-ok", .remote_addrs = "192.0.2.11",
		.children = net, .nchildren = 1 };
	m->conns[4] = (struct conn_cfg){ .name = "zz-idle", .remote_addrs = "%any",
		.responder_only = true };
	m->nconns = 5;

	ike = add_ike(m, "site-conn", 1, IKE_CONNECTING, TIME_NONE);
	ike->tasks_active = "IKE_AUTH";
	ike = add_ike(m, "site-miss", 4, IKE_ESTABLISHED, 60);
	c = add_children(m, ike, 1);
	c[0] = child("net_a", 9, "c000000a", "d000000a", 50);
	/* site-ok: IKE SA #2 replaced #3 (rekeyed); CHILD SA #7 replaced #6 */
	ike = add_ike(m, "site-ok", 3, IKE_REKEYED, 900);
	ike = add_ike(m, "site-ok", 2, IKE_ESTABLISHED, 100);
	ike->rekey_in = 7000;
	c = add_children(m, ike, 2);
	c[0] = child("net", 6, "c0000006", "d0000006", 800);
	c[0].kernel_in = true;
	c[0].kernel_errors.replay = 2;
	c[0].kernel_errors.integrity = 1;
	c[1] = child("net", 7, "c0000007", "d0000007", 20);
	c[1].kernel_in = true;
	c[1].cpi_in = "c001";
	c[1].cpi_out = "d001";
	ledger_update(l, m, true);
	model_build_views(m, NULL, l);
	return m;
}

/* With STATUS_HTML_DUMP=DIR, each page is also written there, to look at
 * in a browser. */
static void dump(const char *html)
{
	static unsigned n;
	const char *dir = getenv("STATUS_HTML_DUMP");
	char path[512];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/status-%02u.html", dir, n++);
	f = fopen(path, "w");
	if (f) {
		fputs(html, f);
		fclose(f);
	}
}

/* The page for m with the given options and filter; free() it. */
static char *page(struct model *m, const struct status_html_opts *o, const char *glob)
{
	struct status_filter f = { glob };
	struct arena a = ARENA_INIT;
	struct strbuf out = STRBUF_INIT;
	struct status_view v;

	CHECK_INT(status_build(m, &f, &a, &v), 0);
	status_html(&v, o, &out);
	CHECK(!strbuf_failed(&out));
	dump(strbuf_str(&out));
	arena_release(&a);
	return strbuf_detach(&out, NULL);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* Every element that we open is closed: a cheap guard against a row that
 * lost a tag in one branch. */
static void check_balanced(const char *p)
{
	static const char *const tags[] = { "section", "table", "tbody", "tr", "td",
		"th", "button", "small", "code", "span", "form", "p" };
	size_t i;

	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		char open[32], openattr[32], close[32];

		snprintf(open, sizeof(open), "<%s>", tags[i]);
		snprintf(openattr, sizeof(openattr), "<%s ", tags[i]);
		snprintf(close, sizeof(close), "</%s>", tags[i]);
		if (count(p, open) + count(p, openattr) != count(p, close))
			testlib_fail(__FILE__, __LINE__, "<%s> opened %zu times, closed %zu",
				     tags[i], count(p, open) + count(p, openattr), count(p, close));
	}
}

static void test_escaping(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = sample_model(&l);
	struct status_html_opts o = { 10, "\"><img src=x onerror=alert(1)>", true };
	char *p = page(m, &o, NULL);

	CHECK(strstr(p, HOSTILE) == NULL);
	CHECK(strstr(p, "<img") == NULL);
	CHECK(strstr(p, "<span class=\"name\">" HOSTILE_ESC "</span>") != NULL);
	CHECK(strstr(p, "data-conn=\"" HOSTILE_ESC "\"") != NULL);
	/* the quotes of an identity cannot end an attribute or the text */
	CHECK(strstr(p, "CN=\"x'y\"") == NULL);
	CHECK(strstr(p, "<small>CN=&quot;x&#39;y&quot;</small>") != NULL);
	/* the filter is echoed, escaped, into its box */
	CHECK(strstr(p, "name=\"conn\" placeholder=\"glob, e.g. site-*\" "
		     "value=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\">") != NULL);
	check_balanced(p);
	free(p);
	ledger_release(&l);
	model_unref(m);
}

static void test_rows(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = sample_model(&l);
	struct status_html_opts o = { 0, NULL, false };
	char *p = page(m, &o, NULL);

	CHECK(strncmp(p, "<!DOCTYPE html>\n<html lang=\"en\">", 31) == 0);
	CHECK(strstr(p, "<section class=\"conn attention-down\" data-conn=\""
		     HOSTILE_ESC "\" data-attention=\"down\">") != NULL);
	CHECK(strstr(p, "<tr class=\"ike none\" data-conn=\"" HOSTILE_ESC
		     "\"><td colspan=\"10\">down: no IKE SA</td></tr>") != NULL);
	CHECK(strstr(p, "<tr class=\"ike\" data-conn=\"site-ok\" data-ike=\"2\" "
		     "data-state=\"ESTABLISHED\">") != NULL);
	CHECK(strstr(p, "<tr class=\"child\" data-conn=\"site-ok\" data-child=\"net\" "
		     "data-child-id=\"7\" data-ike=\"2\" data-dir=\"in\" "
		     "data-spi=\"c0000007\">") != NULL);
	CHECK(strstr(p, "<tr class=\"child\" data-conn=\"site-ok\" data-child=\"net\" "
		     "data-child-id=\"7\" data-ike=\"2\" data-dir=\"out\" "
		     "data-spi=\"d0000007\">") != NULL);
	/* IKE columns: algorithms, NAT-T, role, how far a negotiation got */
	CHECK(strstr(p, "<td class=\"algs\">AES_GCM_16-256/<wbr>PRF_HMAC_SHA2_256/<wbr>"
		     "CURVE_25519</td>") != NULL);
	CHECK(strstr(p, "<td>remote</td><td class=\"n\">-</td><td>initiator</td>") != NULL);
	CHECK(strstr(p, "<td>CONNECTING <b class=\"exchange\">IKE_AUTH</b> in flight "
		     "<small>(IKE_AUTH)</small></td>") != NULL);
	/* CHILD columns: IPComp, bytes, idle, errored only inbound with kernel */
	CHECK(strstr(p, "<td>ESP+IPComp <code>c001</code></td>") != NULL);
	CHECK(strstr(p, "<td>ESP+IPComp <code>d001</code></td>") != NULL);
	CHECK(strstr(p, "title=\"1048576 bytes\">1.00 MiB</td><td class=\"n\">1024</td>"
		     "<td class=\"n\">-</td><td class=\"n\">-</td></tr>") != NULL);
	CHECK(strstr(p, "<td class=\"n\">2</td><td class=\"n\">0</td>"
		     "<td class=\"n\">5s</td></tr>") != NULL);
	CHECK(strstr(p, "<td class=\"n bad\">3</td>") != NULL);
	CHECK(strstr(p, "<td rowspan=\"2\">50m 00s</td><td rowspan=\"2\">56m 40s</td>") != NULL);
	/* a configured child without an SA */
	CHECK(strstr(p, "<tr class=\"child missing\" data-conn=\"site-miss\" "
		     "data-child=\"net_b\"><td>net_b</td><td colspan=\"13\">not installed") != NULL);
	/* a conn nobody expects up: ok, but visibly down */
	CHECK(strstr(p, "<span class=\"name\">zz-idle</span><span class=\"tag down\">down") != NULL);
	/* summary and collection time */
	CHECK(strstr(p, "<span class=\"count-down\"><b>1</b> down</span> "
		     "<span class=\"count-child_missing\"><b>1</b> child missing</span> "
		     "<span class=\"count-connecting\"><b>1</b> connecting</span> "
		     "<span class=\"count-probe_failing\"><b>0</b> probe failing</span> "
		     "<span class=\"count-degraded\"><b>0</b> degraded</span> "
		     "<span class=\"count-ok\"><b>2</b> ok</span>") != NULL);
	CHECK(strstr(p, "<time datetime=\"2023-11-14T22:13:20Z\">") != NULL);
	CHECK(strstr(p, "<title>(3) ikewatch status</title>") != NULL);
	CHECK(strstr(p, "class=\"error\"") == NULL);
	check_balanced(p);
	free(p);
	ledger_release(&l);
	model_unref(m);
}

/* pluto counts no packets per SA: "-", not a made-up 0 */
static void test_no_packets(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = sample_model(&l);
	struct status_html_opts o = { 0, NULL, false };
	char *p = page(m, &o, NULL);

	CHECK(strstr(p, "<td class=\"n\">1024</td>") != NULL);
	free(p);
	m->sa_packets_unknown = true;
	p = page(m, &o, NULL);
	CHECK(strstr(p, "<td class=\"n\">1024</td>") == NULL);
	CHECK(strstr(p, "<td class=\"n\">-</td>") != NULL);
	free(p);
	model_unref(m);
	ledger_release(&l);
}

static void test_attention_order(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = sample_model(&l);
	struct status_html_opts o = { 0, NULL, false };
	char *p = page(m, &o, NULL);
	const char *order[] = { "data-conn=\"" HOSTILE_ESC "\" data-attention=\"down\"",
		"data-conn=\"site-miss\" data-attention=\"child_missing\"",
		"data-conn=\"site-conn\" data-attention=\"connecting\"",
		"data-conn=\"site-ok\" data-attention=\"ok\"",
		"data-conn=\"zz-idle\" data-attention=\"ok\"" };
	const char *at = p;
	size_t i;

	CHECK_INT(count(p, "<section "), 5);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *next = strstr(at, order[i]);

		if (!next)
			testlib_fail(__FILE__, __LINE__, "section %zu (%s) not after %zu",
				     i, order[i], i ? i - 1 : 0);
		else
			at = next;
	}
	free(p);
	ledger_release(&l);
	model_unref(m);
}

static void test_rekeyed_marked(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = sample_model(&l);
	struct status_html_opts o = { 0, NULL, false };
	char *p = page(m, &o, NULL);

	/* both the old and the new SA are shown; the old ones say so */
	CHECK(strstr(p, "<tr class=\"ike old\" data-conn=\"site-ok\" data-ike=\"3\" "
		     "data-state=\"REKEYED\">") != NULL);
	CHECK(strstr(p, "<td>REKEYED<span class=\"tag old\">rekeyed</span></td>") != NULL);
	CHECK(strstr(p, "<tbody class=\"sa old\">\n<tr class=\"child old\" data-conn=\"site-ok\" "
		     "data-child=\"net\" data-child-id=\"6\"") != NULL);
	CHECK(strstr(p, "net <small>#6</small><span class=\"tag old\">rekeyed</span>") != NULL);
	CHECK(strstr(p, "net <small>#7</small></td>") != NULL);
	CHECK_INT(count(p, ">rekeyed<"), 2);
	free(p);
	ledger_release(&l);
	model_unref(m);
}

static void test_no_external_assets(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = sample_model(&l);
	struct status_html_opts o = { 5, "site-*", true };
	char *p = page(m, &o, NULL);

	CHECK(strstr(p, "http://") == NULL);
	CHECK(strstr(p, "https://") == NULL);
	CHECK(strstr(p, "\"//") == NULL && strstr(p, "'//") == NULL);
	/* the one link is the empty icon, inline */
	CHECK_INT(count(p, "<link"), 1);
	CHECK(strstr(p, "<link rel=\"icon\" href=\"data:,\">") != NULL);
	CHECK_INT(count(p, "href=\""), count(p, "href=\"data:,\"") + count(p, "href=\"?\""));
	CHECK(strstr(p, " src=") == NULL);
	CHECK(strstr(p, "url(") == NULL);
	CHECK(strstr(p, "@import") == NULL);
	CHECK(strstr(p, "<style>") != NULL);
	free(p);
	ledger_release(&l);
	model_unref(m);
}

static void test_refresh(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = sample_model(&l);
	struct status_html_opts o = { 15, NULL, false };
	char *p = page(m, &o, NULL);

	CHECK(strstr(p, "<meta http-equiv=\"refresh\" content=\"15\">") != NULL);
	CHECK(strstr(p, "<body data-refresh=\"15\">") != NULL);
	CHECK(strstr(p, "location.reload()") != NULL);
	free(p);
	o.refresh_s = 0;
	p = page(m, &o, NULL);
	CHECK(strstr(p, "http-equiv") == NULL);
	CHECK(strstr(p, "<script>") == NULL);   /* nothing to run at all */
	free(p);
	ledger_release(&l);
	model_unref(m);
}

static void test_actions(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = sample_model(&l);
	struct status_html_opts o = { 0, NULL, false };
	char *p = page(m, &o, NULL);

	CHECK(strstr(p, "<button type=\"button\"") == NULL);  /* only the filter's */
	CHECK(strstr(p, "data-act") == NULL);
	CHECK(strstr(p, "/api/v1/actions") == NULL);
	CHECK(strstr(p, "id=\"token\"") == NULL);
	free(p);

	o.actions = true;
	p = page(m, &o, NULL);
	CHECK(strstr(p, "<input id=\"token\" type=\"password\" autocomplete=\"off\">") != NULL);
	CHECK(strstr(p, "<button type=\"button\" data-act=\"terminate\" data-ike-id=\"2\" "
		     "data-conn=\"site-ok\" title=\"Terminate IKE SA #2\">terminate</button>") != NULL);
	CHECK(strstr(p, "data-act=\"terminate\" data-child-id=\"7\"") != NULL);
	CHECK(strstr(p, "<button type=\"button\" data-act=\"initiate\" data-conn=\""
		     HOSTILE_ESC "\" data-child=\"net\"") != NULL);
	/* two configured children, one button each */
	CHECK(strstr(p, "data-conn=\"site-miss\" data-child=\"net_a\"") != NULL);
	CHECK(strstr(p, ">initiate net_b</button>") != NULL);
	/* POST with a bearer token from the page, never a form or a link */
	CHECK(strstr(p, "'/api/v1/actions/'+path,{method:'POST'") != NULL);
	CHECK(strstr(p, "'Authorization':'Bearer '+tok.value") != NULL);
	CHECK(strstr(p, "method=\"post\"") == NULL);
	CHECK(strstr(p, "href=\"/api") == NULL);
	/* the extra column keeps the placeholder rows as wide as the others */
	CHECK(strstr(p, "<td colspan=\"11\">down: no IKE SA</td>") != NULL);
	CHECK(strstr(p, "<td colspan=\"14\">not installed") != NULL);
	check_balanced(p);
	free(p);
	ledger_release(&l);
	model_unref(m);
}

static void test_filter_and_failure(void)
{
	struct ledger l = LEDGER_INIT;
	struct model *m = sample_model(&l);
	struct status_html_opts o = { 0, "nomatch-*", false };
	char *p = page(m, &o, "nomatch-*");

	CHECK(strstr(p, "<section") == NULL);
	CHECK(strstr(p, "No connections match the filter.") != NULL);
	CHECK(strstr(p, "value=\"nomatch-*\"") != NULL);
	CHECK(strstr(p, "<a href=\"?\">all</a>") != NULL);
	free(p);
	o.filter = "site-o*";
	p = page(m, &o, "site-o*");
	CHECK_INT(count(p, "<section "), 1);
	free(p);
	ledger_release(&l);
	model_unref(m);

	/* charon did not answer: said up front, not an empty page */
	m = model_new();
	model_record_collector(m, "vici", false, 0.5);
	o.filter = NULL;
	p = page(m, &o, NULL);
	CHECK(strstr(p, "<p class=\"error\" id=\"error\" role=\"alert\">No current data: "
		     "charon did not answer") != NULL);
	CHECK(strstr(p, "collected <time datetime=\"") != NULL);
	check_balanced(p);
	free(p);
	model_unref(m);
}

int main(void)
{
	RUN(test_escaping);
	RUN(test_rows);
	RUN(test_no_packets);
	RUN(test_attention_order);
	RUN(test_rekeyed_marked);
	RUN(test_no_external_assets);
	RUN(test_refresh);
	RUN(test_actions);
	RUN(test_filter_and_failure);
	return testlib_done();
}
