#include "status/status_html.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/html.h"
#include "status/status_html_cells.h"
#include "status/status_log_html.h"
#include "status/status_ra.h"
#include "model/model.h"

/* Columns of the two tables, for the colspan of the rows that stand for
 * nothing (a conn without SA, a child not installed). */
#define HTML_IKE_COLS 10
#define HTML_CHILD_COLS 14

/* Inline, so the page needs nothing but the daemon.  Only local font
 * families: naming a web font would make the browser go looking for it. */
static const char html_css[] =
	":root{--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--busy:#0969da;"
	"--muted:#57606a;--line:#d0d7de;--bg:#fff;--fg:#1f2328;--alt:#f6f8fa}\n"
	"@media (prefers-color-scheme:dark){:root{--ok:#3fb950;--bad:#f85149;"
	"--warn:#d29922;--busy:#58a6ff;--muted:#8b949e;--line:#30363d;"
	"--bg:#0d1117;--fg:#e6edf3;--alt:#161b22}}\n"
	"body{font:14px/1.4 system-ui,sans-serif;margin:1rem 1.5rem;"
	"background:var(--bg);color:var(--fg)}\n"
	"h1{font-size:1.3rem;margin:0 0 .3rem}\n"
	"h2{font-size:1.05rem;margin:0;display:flex;gap:.6rem;"
	"align-items:baseline;flex-wrap:wrap}\n"
	"header p{margin:.3rem 0}\n"
	".summary span{margin-right:1rem}.summary b{font-size:1.1rem}\n"
	".count-down b{color:var(--bad)}.count-ok b{color:var(--ok)}\n"
	".error{border:2px solid var(--bad);color:var(--bad);"
	"padding:.5rem .8rem;font-weight:bold;margin:.5rem 0}\n"
	"form{display:inline-flex;gap:.4rem;align-items:center;margin-right:1.5rem}\n"
	"section.conn{border-left:6px solid var(--ok);background:var(--alt);"
	"padding:.4rem .8rem;margin:.8rem 0;overflow-x:auto}\n"
	".attention-down{border-color:var(--bad)!important}\n"
	".attention-child_missing,.attention-probe_failing,.attention-degraded"
	"{border-color:var(--warn)!important}\n"
	".attention-connecting{border-color:var(--busy)!important}\n"
	".badge{font-size:.75rem;text-transform:uppercase;color:#fff;"
	"background:var(--ok);padding:.05rem .5rem;border-radius:.6rem}\n"
	".attention-down .badge{background:var(--bad)}\n"
	".attention-child_missing .badge,.attention-probe_failing .badge,"
	".attention-degraded .badge{background:var(--warn)}\n"
	".attention-connecting .badge{background:var(--busy)}\n"
	".reason{color:var(--muted);font-weight:normal}\n"
	"table{border-collapse:collapse;margin:.4rem 0;"
	"font-variant-numeric:tabular-nums}\n"
	"caption{text-align:left;font-size:.8rem;color:var(--muted)}\n"
	"th,td{text-align:left;padding:.15rem .6rem;white-space:nowrap;"
	"border-bottom:1px solid var(--line)}\n"
	"th{font-size:.8rem;font-weight:600;color:var(--muted)}\n"
	"tbody.sa{border-top:2px solid var(--line)}\n"
	"td.n{text-align:right}td.algs{white-space:normal;min-width:12rem}\n"
	"tr.old,tbody.old{opacity:.6}\n"
	".tag{font-size:.7rem;border:1px solid currentColor;border-radius:.3rem;"
	"padding:0 .3rem;margin-left:.3rem}\n"
	".bad,tr.none td,tr.missing td{color:var(--bad)}\n"
	"small{color:var(--muted)}\n"
	"code{font-family:ui-monospace,monospace}\n";

/* The refresh waits while the operator types (token, filter) or an action
 * is under way; a result survives the reload in sessionStorage.  fetch()
 * with the token in a header is what makes an action impossible from a
 * plain GET or a cross-site form: neither can set Authorization. */
static const char html_js[] =
	"(function(){'use strict';\n"
	"var busy=false,tok=document.getElementById('token'),"
	"out=document.getElementById('result'),ss=window.sessionStorage;\n"
	"if(tok){tok.value=ss.getItem('ikewatch-token')||'';\n"
	"tok.addEventListener('input',function(){ss.setItem('ikewatch-token',tok.value);});}\n"
	"function say(t){if(out)out.textContent=t;ss.setItem('ikewatch-result',t);}\n"
	"if(out)out.textContent=ss.getItem('ikewatch-result')||'';\n"
	"function act(b){var d=b.dataset,path,body;\n"
	"if(d.act==='initiate'){path='initiate';body={conn:d.conn};"
	"if(d.child)body.child=d.child;}\n"
	"else{path='terminate';body=d.ikeId?{ike_id:Number(d.ikeId)}"
	":{child_id:Number(d.childId)};}\n"
	"if(!tok||!tok.value){say('enter the API token first');if(tok)tok.focus();return;}\n"
	"if(!window.confirm(b.title+'?'))return;\n"
	"busy=true;say(b.title+': sent');\n"
	"fetch('/api/v1/actions/'+path,{method:'POST',credentials:'omit',"
	"headers:{'Authorization':'Bearer '+tok.value,'Content-Type':'application/json'},"
	"body:JSON.stringify(body)})\n"
	".then(function(r){return r.text().then(function(t){"
	"say(b.title+': '+r.status+' '+t);});})\n"
	".catch(function(e){say(b.title+': failed: '+e);})\n"
	".then(function(){busy=false;});}\n"
	"document.addEventListener('click',function(e){"
	"var b=e.target.closest&&e.target.closest('button[data-act]');if(b)act(b);});\n"
	"var every=Number(document.body.dataset.refresh)*1000;\n"
	"function tick(){var a=document.activeElement;\n"
	"if(busy||(a&&a.tagName==='INPUT'))setTimeout(tick,2000);else location.reload();}\n"
	"if(every>0)setTimeout(tick,every);})();\n";

/* ---- escaping and small cells ------------------------------------------ */

/* "child_missing" -> "child missing": the enum's names are identifiers. */
static void html_label(struct strbuf *out, enum status_attention a)
{
	const char *s;

	for (s = status_attention_names[a]; *s; s++)
		strbuf_addch(out, *s == '_' ? ' ' : *s);
}

/* swanctl's way: AES_CBC-256/HMAC_SHA2_256_128/PRF_.../CURVE_25519, the
 * parts charon omitted (AEAD has no integrity) left out. */
static void html_algs(struct strbuf *out, const char *encr, uint32_t keysize,
		      const char *integ, const char *prf, const char *dh)
{
	const char *rest[] = { integ, prf, dh };
	bool any = encr && *encr;
	size_t i;

	html_escape(out, encr);
	if (any && keysize)
		strbuf_addf(out, "-%" PRIu32, keysize);
	for (i = 0; i < sizeof(rest) / sizeof(rest[0]); i++) {
		if (!rest[i] || !*rest[i])
			continue;
		if (any)
			strbuf_addstr(out, "/<wbr>");   /* may wrap there */
		html_escape(out, rest[i]);
		any = true;
	}
	if (!any)
		strbuf_addch(out, '-');
}

/* ---- page head and header ---------------------------------------------- */

static void html_head(const struct status_view *v, const struct status_html_opts *o,
		      struct strbuf *out)
{
	size_t attention = v->nconns - v->counts[ST_OK];

	strbuf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		      "<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
		      "<meta name=\"referrer\" content=\"no-referrer\">\n"
		      /* an empty icon: no /favicon.ico request on every reload */
		      "<link rel=\"icon\" href=\"data:,\">\n");
	/* without script the plain meta refresh; with it, tick() above */
	if (o->refresh_s)
		strbuf_addf(out, "<noscript><meta http-equiv=\"refresh\" content=\"%u\">"
			    "</noscript>\n", o->refresh_s);
	strbuf_addstr(out, "<title>");
	if (attention)
		strbuf_addf(out, "(%zu) ", attention);
	strbuf_addf(out, "ikewatch status</title>\n<style>\n%s%s%s</style>\n</head>\n",
		    html_css, status_log_html_css, status_ra_html_css);
	strbuf_addf(out, "<body data-refresh=\"%u\">\n<header>\n<h1>ikewatch status</h1>\n",
		    o->refresh_s);
}

static void html_when(struct strbuf *out, time_t at)
{
	struct tm tm;
	char buf[32];

	if (at <= 0 || !gmtime_r(&at, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		strbuf_addstr(out, "unknown");
		return;
	}
	strbuf_addf(out, "<time datetime=\"%s\">%s</time>", buf, buf);
}

static void html_summary(const struct status_view *v, struct strbuf *out)
{
	const struct daemon_info *d = v->m ? &v->m->daemon : NULL;
	int a;

	strbuf_addstr(out, "<p class=\"summary\" id=\"summary\">");
	for (a = 0; a < ST_ATTENTION_COUNT; a++) {
		strbuf_addf(out, "%s<span class=\"count-%s\"><b>%zu</b> ", a ? " " : "",
			    status_attention_names[a], v->counts[a]);
		html_label(out, (enum status_attention)a);
		strbuf_addstr(out, "</span>");
	}
	strbuf_addf(out, "</p>\n<p><small>%zu connections, %zu IKE SAs, %zu CHILD SAs; "
		    "collected ", v->nconns, v->nike, v->nchild);
	html_when(out, v->at);
	if (d && d->have_version) {
		strbuf_addstr(out, " from ");
		html_escape(out, d->daemon);
		strbuf_addch(out, ' ');
		html_escape(out, d->version);
	}
	strbuf_addstr(out, "</small></p>\n");
	if (!v->ok) {
		strbuf_addstr(out, "<p class=\"error\" id=\"error\" role=\"alert\">"
			      "No current data: ");
		html_escape(out, v->error);
		strbuf_addstr(out, "</p>\n");
	}
}

/* A GET form: the server applies the glob (/status?conn=GLOB).  No action
 * attribute, so it submits to wherever the page is served. */
static void html_filter(const struct status_html_opts *o, struct strbuf *out)
{
	strbuf_addstr(out, "<form method=\"get\" class=\"filter\">"
		      "<label for=\"conn\">Connections</label>"
		      "<input id=\"conn\" name=\"conn\" placeholder=\"glob, e.g. site-*\"");
	html_attr(out, "value", o->filter);
	strbuf_addstr(out, "><button type=\"submit\">Filter</button>");
	if (o->filter && *o->filter)
		strbuf_addstr(out, " <a href=\"?\">all</a>");
	strbuf_addstr(out, "</form>\n");
}

/* The token stays in this tab (sessionStorage) and is never part of the
 * page the server sends. */
static void html_token(struct strbuf *out)
{
	strbuf_addstr(out, "<form class=\"token\" onsubmit=\"return false\">"
		      "<label for=\"token\">API token</label>"
		      "<input id=\"token\" type=\"password\" autocomplete=\"off\">"
		      "</form>\n<output id=\"result\" role=\"status\"></output>\n");
}

/* ---- action buttons ---------------------------------------------------- */

static void html_button_child(struct strbuf *out, const struct child_sa *c)
{
	strbuf_addf(out, "<button type=\"button\" data-act=\"terminate\" "
		    "data-child-id=\"%" PRIu32 "\" title=\"Terminate CHILD SA #%" PRIu32
		    "\">terminate</button>", c->uniqueid, c->uniqueid);
}

/* One per configured child (VICI initiates a CHILD SA, bringing up its IKE
 * SA on the way); a conn without configured children gets one without. */
static void html_buttons_initiate(struct strbuf *out, const struct status_conn *sc)
{
	const struct conn_cfg *cfg = sc->view ? sc->view->cfg : NULL;
	size_t i, n = cfg ? cfg->nchildren : 0;

	/* an SA without configuration, or a conn that only responds (remote
	 * %any), cannot be initiated */
	if (!cfg || cfg->responder_only)
		return;
	for (i = 0; i < (n ? n : 1); i++) {
		const char *child = n ? cfg->children[i].name : "";

		strbuf_addstr(out, "<button type=\"button\" data-act=\"initiate\"");
		html_attr(out, "data-conn", sc->name);
		html_attr(out, "data-child", child);
		strbuf_addstr(out, " title=\"Initiate ");
		html_escape(out, sc->name);
		if (n) {
			strbuf_addch(out, '/');
			html_escape(out, child);
		}
		strbuf_addstr(out, n > 1 ? "\">initiate " : "\">initiate");
		if (n > 1)
			html_escape(out, child);
		strbuf_addstr(out, "</button>");
	}
}

/* ---- key tunnels (IKE SAs) --------------------------------------------- */

/* "IKE_AUTH in flight": the exchange of charon's tasks (a CHILD SA being
 * negotiated over an up IKE SA shows as CREATE_CHILD_SA). */
static void html_exchange(struct strbuf *out, const struct ike_sa *sa)
{
	bool queued;
	enum ike_exchange x = negotiation_exchange(sa->tasks_active, sa->tasks_queued, &queued);

	if (x)
		strbuf_addf(out, " <b class=\"exchange\">%s</b> %s", ike_exchange_names[x],
			    queued ? "queued" : "in flight");
}

static void html_ike_row(const struct status_conn *sc, const struct status_ike *si,
			 const struct status_html_opts *o, struct strbuf *out)
{
	const struct ike_sa *sa = si->sa;
	unsigned st = sa->state < IKE_STATE_COUNT ? sa->state : IKE_STATE_UNKNOWN;

	strbuf_addf(out, "<tr class=\"ike%s\"", si->old ? " old" : "");
	html_attr(out, "data-conn", sc->name);
	strbuf_addf(out, " data-ike=\"%" PRIu32 "\" data-state=\"%s\">",
		    sa->uniqueid, ike_state_names[st]);
	strbuf_addf(out, "<td>#%" PRIu32 "</td><td>", sa->uniqueid);
	html_escape(out, sa->remote_host);
	strbuf_addstr(out, " <small>");
	html_escape(out, sa->remote_id);
	strbuf_addf(out, "</small></td><td>%s", ike_state_names[st]);
	html_exchange(out, sa);
	if (sa->tasks_active && *sa->tasks_active) {
		strbuf_addstr(out, " <small>(");
		html_escape(out, sa->tasks_active);
		strbuf_addstr(out, ")</small>");
	}
	if (si->old)
		html_tag(out, "old", "rekeyed");
	strbuf_addstr(out, "</td><td class=\"algs\">");
	html_algs(out, sa->encr_alg, sa->encr_keysize, sa->integ_alg, sa->prf_alg, sa->dh_group);
	strbuf_addstr(out, "</td>");
	html_td_duration(out, sa->established_for, "");
	html_td_duration(out, sa->rekey_in, "");
	html_td_duration(out, sa->reauth_in, "");
	strbuf_addf(out, "<td>%s</td>", status_nat(sa));
	if (si->children_life < 0)
		strbuf_addstr(out, "<td class=\"n\">-</td>");
	else
		strbuf_addf(out, "<td class=\"n\">%" PRId64 "</td>", si->children_life);
	strbuf_addf(out, "<td>%s</td>", ike_sa_role(sa) ? ike_sa_role(sa) : "-");
	if (o->actions) {
		strbuf_addstr(out, "<td>");
		html_button_ike(out, sc, sa);
		strbuf_addstr(out, "</td>");
	}
	strbuf_addstr(out, "</tr>\n");
}

static void html_ike_table(const struct status_conn *sc, const struct status_html_opts *o,
			   struct strbuf *out)
{
	size_t i;

	strbuf_addstr(out, "<table class=\"ikes\"><caption>Key tunnels (IKE SAs)</caption>\n"
		      "<thead><tr><th>SA</th><th>Remote gateway</th><th>Status</th>"
		      "<th>Algorithms</th><th>Elapsed</th><th>Rekey in</th>"
		      "<th>Reauth in</th><th>NAT-T</th><th>CHILD SAs over life</th>"
		      "<th>Role</th>");
	strbuf_addstr(out, o->actions ? "<th></th></tr></thead>\n<tbody>\n" :
		      "</tr></thead>\n<tbody>\n");
	for (i = 0; i < sc->nikes; i++)
		html_ike_row(sc, &sc->ikes[i], o, out);
	if (!sc->nikes) {
		strbuf_addstr(out, "<tr class=\"ike none\"");
		html_attr(out, "data-conn", sc->name);
		strbuf_addf(out, "><td colspan=\"%d\">down: no IKE SA%s</td></tr>\n",
			    HTML_IKE_COLS + o->actions,
			    sc->expected_up ? "" : " (not expected up)");
	}
	strbuf_addstr(out, "</tbody></table>\n");
}

/* ---- traffic tunnels (CHILD SAs) --------------------------------------- */

/* The cells that differ by direction: direction, SPI, protocol. */
static void html_child_dir(struct strbuf *out, const struct child_sa *c, bool in)
{
	const char *spi = in ? c->spi_in : c->spi_out;
	const char *cpi = in ? c->cpi_in : c->cpi_out;

	strbuf_addf(out, "<td>%s</td><td><code>", in ? "in" : "out");
	html_escape(out, spi);
	strbuf_addstr(out, "</code></td><td>");
	html_escape(out, c->protocol && *c->protocol ? c->protocol : "-");
	if (cpi && *cpi) {
		strbuf_addstr(out, "+IPComp <code>");
		html_escape(out, cpi);
		strbuf_addstr(out, "</code>");
	}
	strbuf_addstr(out, "</td>");
}

/* Bytes, packets, errored packets, idle. */
static void html_child_counters(struct strbuf *out, const struct status_child *ch, bool in)
{
	const struct child_sa *c = ch->sa;

	html_td_bytes(out, in ? c->bytes_in : c->bytes_out);
	if (ch->no_packets)
		strbuf_addstr(out, "<td class=\"n\">-</td>");
	else
		strbuf_addf(out, "<td class=\"n\">%" PRIu64 "</td>",
			    in ? c->packets_in : c->packets_out);
	/* the kernel counts replay and ICV failures on the inbound SA only */
	if (in && ch->have_kernel)
		strbuf_addf(out, "<td class=\"n%s\">%" PRIu64 "</td>",
			    ch->kernel_errors ? " bad" : "", ch->kernel_errors);
	else
		strbuf_addstr(out, "<td class=\"n\">-</td>");
	html_td_duration(out, in ? c->use_in : c->use_out, " class=\"n\"");
}

/* The cells both directions share, spanning the SA's two rows. */
static void html_child_name(struct strbuf *out, const struct status_ike *si,
			    const struct status_child *ch)
{
	const struct child_sa *c = ch->sa;
	unsigned st = c->state < CHILD_STATE_COUNT ? c->state : CHILD_STATE_UNKNOWN;

	strbuf_addstr(out, "<td rowspan=\"2\">");
	html_escape(out, c->name);
	strbuf_addf(out, " <small>#%" PRIu32 "</small>", c->uniqueid);
	if (ch->old)
		html_tag(out, "old", "rekeyed");
	if (st != CHILD_INSTALLED)
		html_tag(out, "state", child_state_names[st]);
	strbuf_addstr(out, "</td><td rowspan=\"2\">");
	html_escape(out, si->sa->remote_host);
	strbuf_addstr(out, "</td>");
}

static void html_child_shared(struct strbuf *out, const struct child_sa *c)
{
	strbuf_addstr(out, "<td rowspan=\"2\" class=\"algs\">");
	html_algs(out, c->encr_alg, c->encr_keysize, c->integ_alg, NULL, c->dh_group);
	strbuf_addstr(out, "</td>");
	html_td_duration(out, c->installed_for, " rowspan=\"2\"");
	html_td_duration(out, c->rekey_in, " rowspan=\"2\"");
	html_td_duration(out, c->life_in, " rowspan=\"2\"");
}

static void html_child_row(const struct status_conn *sc, const struct status_ike *si,
			   const struct status_child *ch, bool in,
			   const struct status_html_opts *o, struct strbuf *out)
{
	const struct child_sa *c = ch->sa;

	strbuf_addf(out, "<tr class=\"child%s\"", ch->old ? " old" : "");
	html_attr(out, "data-conn", sc->name);
	html_attr(out, "data-child", c->name);
	strbuf_addf(out, " data-child-id=\"%" PRIu32 "\" data-ike=\"%" PRIu32 "\""
		    " data-dir=\"%s\"", c->uniqueid, si->sa->uniqueid, in ? "in" : "out");
	html_attr(out, "data-spi", in ? c->spi_in : c->spi_out);
	strbuf_addstr(out, ">");
	if (in)
		html_child_name(out, si, ch);
	html_child_dir(out, c, in);
	if (in)
		html_child_shared(out, c);
	html_child_counters(out, ch, in);
	if (in && o->actions) {
		strbuf_addstr(out, "<td rowspan=\"2\">");
		html_button_child(out, c);
		strbuf_addstr(out, "</td>");
	}
	strbuf_addstr(out, "</tr>\n");
}

static void html_missing_row(const struct status_conn *sc, const char *child,
			     const struct status_html_opts *o, struct strbuf *out)
{
	strbuf_addstr(out, "<tbody class=\"sa\"><tr class=\"child missing\"");
	html_attr(out, "data-conn", sc->name);
	html_attr(out, "data-child", child);
	strbuf_addstr(out, "><td>");
	html_escape(out, child);
	strbuf_addf(out, "</td><td colspan=\"%d\">not installed</td></tr></tbody>\n",
		    HTML_CHILD_COLS - 1 + o->actions);
}

static void html_child_table(const struct status_conn *sc, const struct status_html_opts *o,
			     struct strbuf *out)
{
	size_t i, j;

	strbuf_addstr(out, "<table class=\"children\"><caption>Traffic tunnels (CHILD SAs)"
		      "</caption>\n<thead><tr><th>CHILD SA</th><th>Peer</th><th>Dir</th>"
		      "<th>SPI</th><th>Protocol</th><th>Algorithms</th><th>Elapsed</th>"
		      "<th>Rekey in</th><th>Expires in</th><th>Bytes</th><th>Packets</th>"
		      "<th>Errored</th><th>Idle</th>");
	strbuf_addstr(out, o->actions ? "<th></th></tr></thead>\n" : "</tr></thead>\n");
	for (i = 0; i < sc->nikes; i++) {
		const struct status_ike *si = &sc->ikes[i];

		for (j = 0; j < si->nchildren; j++) {
			const struct status_child *ch = &si->children[j];

			strbuf_addf(out, "<tbody class=\"sa%s\">\n", ch->old ? " old" : "");
			html_child_row(sc, si, ch, true, o, out);
			html_child_row(sc, si, ch, false, o, out);
			strbuf_addstr(out, "</tbody>\n");
		}
	}
	for (i = 0; i < sc->nmissing; i++)
		html_missing_row(sc, sc->missing[i], o, out);
	strbuf_addstr(out, "</table>\n");
}

/* ---- connections and page ---------------------------------------------- */

static size_t html_nchildren(const struct status_conn *sc)
{
	size_t i, n = sc->nmissing;

	for (i = 0; i < sc->nikes; i++)
		n += sc->ikes[i].nchildren;
	return n;
}

/* A remote-access conn lists its sessions, and its SAs in full only on the
 * conn's own page: hundreds of clients would bury every other conn. */
static void html_conn_sas(const struct status_conn *sc, const struct status_html_opts *o,
			  struct strbuf *out)
{
	if (status_is_ra(sc)) {
		status_ra_html(sc, o->actions, out);
		if (!o->filter || !*o->filter)
			return;
	}
	html_ike_table(sc, o, out);
	if (html_nchildren(sc))
		html_child_table(sc, o, out);
}

static void html_conn(const struct status_conn *sc, const struct status_html_opts *o,
		      struct strbuf *out)
{
	strbuf_addf(out, "<section class=\"conn attention-%s\"",
		    status_attention_names[sc->attention]);
	html_attr(out, "data-conn", sc->name);
	strbuf_addf(out, " data-attention=\"%s\">\n<h2><span class=\"badge\">",
		    status_attention_names[sc->attention]);
	html_label(out, sc->attention);
	strbuf_addstr(out, "</span><span class=\"name\">");
	html_escape(out, sc->name);
	strbuf_addstr(out, "</span>");
	/* not expected up, so "ok", but a reader still wants to see it is down */
	if (!sc->up && sc->attention != ST_DOWN)
		html_tag(out, "down", "down");
	strbuf_addstr(out, "<span class=\"reason\">");
	html_escape(out, sc->reason);
	strbuf_addstr(out, "</span>");
	if (o->actions)
		html_buttons_initiate(out, sc);
	strbuf_addstr(out, "</h2>\n");
	status_log_html_conn(sc, out);
	html_conn_sas(sc, o, out);
	strbuf_addstr(out, "</section>\n");
}

void status_html(const struct status_view *v, const struct status_html_opts *o,
		 struct strbuf *out)
{
	static const struct status_html_opts none = { 0, NULL, false };
	bool filtered;
	size_t i;

	if (!o)
		o = &none;
	filtered = o->filter && *o->filter;
	html_head(v, o, out);
	html_summary(v, out);
	html_filter(o, out);
	if (o->actions)
		html_token(out);
	strbuf_addstr(out, "</header>\n<main>\n");
	for (i = 0; i < v->nconns; i++)
		html_conn(&v->conns[i], o, out);
	if (!v->nconns)
		strbuf_addf(out, "<p class=\"empty\">No connections%s.</p>\n",
			    filtered ? " match the filter" : "");
	status_log_html_panel(v, o->filter, out);
	strbuf_addstr(out, "</main>\n");
	if (o->actions || o->refresh_s)
		strbuf_addf(out, "<script>\n%s</script>\n", html_js);
	strbuf_addstr(out, "</body>\n</html>\n");
}
