/* `ikewatch blackbox-config`: the configured probes as a blackbox_exporter
 * module file and a Prometheus scrape config, for operators who already
 * run blackbox_exporter.  Series get the same conn, child, probe and target
 * labels as ikewatch's own probes.  A module per distinct prober setting
 * (type, size, timeout, source address); one job per interval.  Probes
 * whose target comes from a traffic selector are resolved with one VICI
 * collection; blackbox_exporter has no network namespace or interface
 * option: run it where the probes' sources are local (`ip netns exec`).
 * An mtu probe becomes one ICMP check with Don't Fragment at mtu_max: "the
 * full size passes", not the search.  An http probe becomes an http module
 * (GET, its status codes, its body text as a literal regexp, its Host, no
 * redirects) whose target is the URL, so its `target` label is the URL;
 * blackbox's http prober has no source address (the kernel's route picks
 * it) and no minimum size (min_bytes is left out).  An https probe's URL
 * is https://, its module has fail_if_not_ssl and a tls_config with the
 * name ikewatch verifies (server_name, or the Host's host), ca_file and
 * insecure_skip_verify; tls_timeout has no counterpart there.
 *
 * IPv6 probes get modules of their own (preferred_ip_protocol ip6, no
 * fallback to IPv4, "_ip6" in the name, colons of a source address as
 * underscores) and bracketed targets: "[2001:db8::1]:443" for tcp,
 * "http://[2001:db8::1]:80/" for http (RFC 3986), a bare address for icmp.
 * blackbox sets Don't Fragment for IPv4 only: an IPv6 mtu probe becomes a
 * full-size echo that the exporter's host may fragment itself.
 *
 * Without --output both files go to stdout as two YAML documents; with
 * --output DIR they are written to DIR/blackbox.yml and
 * DIR/prometheus-blackbox.yml. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/safe_file.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "probe/probe_addr.h"
#include "probe/probe_store.h"
#include "probe/probe_tls.h"
#include "probe/probes.h"

/* One probe as blackbox sees it. */
struct bb_probe {
	const struct probe_spec *sp;
	char target[PROBE_ADDR_MAX + PROBE_PATH_MAX + 16];
	char module[192];
	char source[PROBE_ADDR_MAX];  /* "" when the kernel chooses */
	bool v6;
	bool ok;
};

/* A YAML single-quoted scalar. */
static void bb_quote(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addch(sb, '\'');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}

static unsigned bb_payload(const struct bb_probe *p)
{
	const struct probe_spec *sp = p->sp;

	/* IP (20, IPv6: 40) and ICMP (8) headers are not payload */
	return sp->type == PROBE_MTU ? sp->mtu_max - (p->v6 ? 48 : 28) : sp->payload;
}

/* FNV-1a over what makes an http module differ from another. */
static uint32_t bb_http_hash(const struct probe_spec *sp)
{
	const char *parts[] = { sp->host ? sp->host : "", "\n",
				sp->expect_body ? sp->expect_body : "", "\n",
				sp->tls ? "https" : "http", "\n",
				sp->server_name ? sp->server_name : "", "\n",
				sp->ca_file ? sp->ca_file : "", "\n",
				sp->insecure_skip_verify ? "insecure" : "" };
	uint32_t h = 2166136261u;
	unsigned i;
	size_t k;

	for (k = 0; k < sizeof(parts) / sizeof(parts[0]); k++)
		for (i = 0; parts[k][i]; i++)
			h = (h ^ (uint8_t)parts[k][i]) * 16777619u;
	for (i = 0; i < sp->nexpect_status && i < PROBE_STATUS_MAX; i++)
		h = (h ^ sp->expect_status[i]) * 16777619u;
	return h;
}

static void bb_name(struct bb_probe *p, const struct probe_addrs *a)
{
	const struct probe_spec *sp = p->sp;
	char size[24] = "", from[PROBE_ADDR_MAX] = "any", *c;

	if (a->has_source) {
		probe_addr_format(&a->source, p->source, sizeof(p->source));
		snprintf(from, sizeof(from), "%s", p->source);
	}
	/* a module name is a YAML key and a URL parameter: no colons */
	for (c = from; *c; c++)
		if (*c == ':')
			*c = '_';
	if (sp->type == PROBE_HTTP)
		snprintf(size, sizeof(size), "%s_%08x", sp->tls ? "s" : "",
			 (unsigned)bb_http_hash(sp));
	else if (sp->type != PROBE_TCP)
		snprintf(size, sizeof(size), "_%ub", bb_payload(p));
	snprintf(p->module, sizeof(p->module), "ikewatch_%s%s_%ums_from_%s%s",
		 probe_type_names[sp->type], size, (unsigned)sp->timeout_ms, from,
		 p->v6 ? "_ip6" : "");
}

/* Addresses from the config, or derived from the collection m. */
static void bb_resolve(struct bb_probe *p, const struct model *m)
{
	struct ikw_err err = { "" };
	struct probe_addrs a = { 0 };
	char addr[PROBE_ADDR_MAX], hostport[PROBE_HOSTPORT_MAX];

	if (p->sp->target)
		a.target_known = !probe_addr_parse(p->sp->target, &a.target);
	if (p->sp->source)
		a.has_source = !probe_addr_parse(p->sp->source, &a.source);
	if ((m && probes_derive(p->sp, m, &a, &err)) || !a.target_known) {
		log_warn("blackbox-config: probe %s/%s/%s left out: %s", p->sp->conn,
			 p->sp->child, p->sp->name, err.msg[0] ? err.msg : "no target");
		return;
	}
	p->v6 = a.target.family == AF_INET6;
	probe_addr_format(&a.target, addr, sizeof(addr));
	probe_addr_format_port(&a.target, p->sp->port, hostport, sizeof(hostport));
	if (p->sp->type == PROBE_TCP)
		snprintf(p->target, sizeof(p->target), "%s", hostport);
	else if (p->sp->type == PROBE_HTTP)
		snprintf(p->target, sizeof(p->target), "%s://%s%s",
			 p->sp->tls ? "https" : "http", hostport,
			 p->sp->path ? p->sp->path : "/");
	else
		snprintf(p->target, sizeof(p->target), "%s", addr);
	bb_name(p, &a);
	p->ok = true;
}

/* ---- blackbox.yml ---------------------------------------------------------- */

/* text as a YAML single-quoted RE2 regexp that matches exactly it */
static void bb_quote_literal_regexp(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (strchr("\\.+*?()|[]{}^$", *s))
			strbuf_addch(sb, '\\');
		else if (*s == '\'')
			strbuf_addch(sb, '\'');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}

/* blackbox verifies the URL's host (our address) unless told a name: tell
 * it the one ikewatch verifies whenever that is not the address. */
static void bb_tls_config(struct strbuf *sb, const struct probe_spec *sp)
{
	char name[PROBE_HOST_MAX + 1] = "";

	if (sp->server_name)
		snprintf(name, sizeof(name), "%s", sp->server_name);
	else if (sp->host)
		probe_tls_default_name(sp->host, "", name, sizeof(name));
	strbuf_addstr(sb, "      fail_if_not_ssl: true\n");
	if (!name[0] && !sp->ca_file && !sp->insecure_skip_verify)
		return;
	strbuf_addstr(sb, "      tls_config:\n");
	if (name[0]) {
		strbuf_addstr(sb, "        server_name: ");
		bb_quote(sb, name);
		strbuf_addch(sb, '\n');
	}
	if (sp->ca_file) {
		strbuf_addstr(sb, "        ca_file: ");
		bb_quote(sb, sp->ca_file);
		strbuf_addch(sb, '\n');
	}
	if (sp->insecure_skip_verify)
		strbuf_addstr(sb, "        insecure_skip_verify: true\n");
}

static void bb_http_module(struct strbuf *sb, const struct bb_probe *p)
{
	const struct probe_spec *sp = p->sp;
	unsigned i;

	strbuf_addf(sb, "  %s:\n    prober: http\n    timeout: %ums\n    http:\n"
		    "      method: GET\n      preferred_ip_protocol: %s\n"
		    "      ip_protocol_fallback: false\n      follow_redirects: false\n",
		    p->module, (unsigned)sp->timeout_ms, p->v6 ? "ip6" : "ip4");
	if (sp->nexpect_status) {
		strbuf_addstr(sb, "      valid_status_codes: [");
		for (i = 0; i < sp->nexpect_status && i < PROBE_STATUS_MAX; i++)
			strbuf_addf(sb, "%s%u", i ? ", " : "", sp->expect_status[i]);
		strbuf_addstr(sb, "]\n");
	}
	if (sp->host) {
		strbuf_addstr(sb, "      headers:\n        Host: ");
		bb_quote(sb, sp->host);
		strbuf_addch(sb, '\n');
	}
	if (sp->expect_body) {
		strbuf_addstr(sb, "      fail_if_body_not_matches_regexp:\n        - ");
		bb_quote_literal_regexp(sb, sp->expect_body);
		strbuf_addch(sb, '\n');
	}
	if (sp->tls)
		bb_tls_config(sb, sp);
}

static void bb_module(struct strbuf *sb, const struct bb_probe *p)
{
	const struct probe_spec *sp = p->sp;
	bool tcp = sp->type == PROBE_TCP;

	if (sp->type == PROBE_HTTP) {
		bb_http_module(sb, p);
		return;
	}
	strbuf_addf(sb, "  %s:\n    prober: %s\n    timeout: %ums\n    %s:\n", p->module,
		    tcp ? "tcp" : "icmp", (unsigned)sp->timeout_ms, tcp ? "tcp" : "icmp");
	strbuf_addf(sb, "      preferred_ip_protocol: %s\n      ip_protocol_fallback: false\n",
		    p->v6 ? "ip6" : "ip4");
	if (p->source[0])
		strbuf_addf(sb, "      source_ip_address: %s\n", p->source);
	if (!tcp)
		strbuf_addf(sb, "      payload_size: %u\n", bb_payload(p));
	if (sp->type == PROBE_MTU && !p->v6)
		strbuf_addstr(sb, "      dont_fragment: true\n");
}

static void bb_modules(struct strbuf *sb, const struct bb_probe *p, size_t n)
{
	size_t i, j;

	strbuf_addstr(sb, "# blackbox_exporter modules for ikewatch's probes "
		      "(ikewatch blackbox-config).\n"
		      "# Run the exporter where the source addresses are local, e.g. "
		      "`ip netns exec NAME`.\nmodules:\n");
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (p[j].ok && !strcmp(p[j].module, p[i].module))
				break;
		if (p[i].ok && j == i)
			bb_module(sb, &p[i]);
	}
}

/* ---- the scrape config ------------------------------------------------------ */

static void bb_target(struct strbuf *sb, const struct bb_probe *p)
{
	strbuf_addstr(sb, "      - targets: [");
	bb_quote(sb, p->target);
	strbuf_addstr(sb, "]\n        labels:\n          conn: ");
	bb_quote(sb, p->sp->conn);
	strbuf_addstr(sb, "\n          child: ");
	bb_quote(sb, p->sp->child);
	strbuf_addstr(sb, "\n          probe: ");
	bb_quote(sb, p->sp->name);
	strbuf_addf(sb, "\n          __param_module: %s\n", p->module);
}

static void bb_job(struct strbuf *sb, const struct bb_probe *p, size_t n, uint32_t iv,
		   const char *address)
{
	uint32_t timeout = iv < 10000 ? iv : 10000;
	size_t i;

	strbuf_addf(sb, "  - job_name: ikewatch_blackbox_%ums\n    metrics_path: /probe\n"
		    "    scrape_interval: %ums\n    scrape_timeout: %ums\n    static_configs:\n",
		    (unsigned)iv, (unsigned)iv, (unsigned)timeout);
	for (i = 0; i < n; i++)
		if (p[i].ok && p[i].sp->interval_ms == iv)
			bb_target(sb, &p[i]);
	/* the target is a URL parameter and a label; the scrape goes to blackbox */
	strbuf_addstr(sb, "    relabel_configs:\n"
		      "      - source_labels: [__address__]\n        target_label: __param_target\n"
		      "      - source_labels: [__param_target]\n        target_label: target\n"
		      "      - target_label: __address__\n        replacement: ");
	bb_quote(sb, address);
	strbuf_addch(sb, '\n');
}

static void bb_scrape(struct strbuf *sb, const struct bb_probe *p, size_t n, const char *address)
{
	size_t i, j;

	strbuf_addstr(sb, "# Prometheus scrape configs: blackbox_exporter probes ikewatch's "
		      "tunnels\n# (ikewatch blackbox-config).\nscrape_configs:\n");
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (p[j].ok && p[j].sp->interval_ms == p[i].sp->interval_ms)
				break;
		if (p[i].ok && j == i)
			bb_job(sb, p, n, p[i].sp->interval_ms, address);
	}
}

/* ---- output ------------------------------------------------------------------- */

static int bb_write(const char *dir, const char *name, const struct strbuf *sb)
{
	char path[4096];
	int r;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		log_error("blackbox-config: path too long: '%s/%s'", dir, name);
		return -1;
	}
	/* read by Prometheus and blackbox_exporter, often other users */
	r = safe_file_replace(path, strbuf_str(sb), sb->len, 0644);
	if (r < 0) {
		log_error("blackbox-config: cannot write '%s': %s", path, strerror(-r));
		return -1;
	}
	return 0;
}

static int bb_emit(const struct config *c, const struct strbuf *mods,
		   const struct strbuf *scrape)
{
	if (c->output_dir)
		return bb_write(c->output_dir, "blackbox.yml", mods) ||
		       bb_write(c->output_dir, "prometheus-blackbox.yml", scrape) ? 2 : 0;
	printf("# ==> blackbox.yml <==\n%s---\n# ==> prometheus-blackbox.yml <==\n%s",
	       strbuf_str(mods), strbuf_str(scrape));
	return fflush(stdout) ? 2 : 0;
}

/* One collection for the traffic selectors, when a probe needs them. */
static struct model *bb_collect(const struct config *c)
{
	struct scraper_opts o = { .events = NULL };
	struct scraper *s;
	struct model *m;

	if (!probes_derived(&c->probes))
		return NULL;
	s = cli_scraper_new(c, &o);
	m = s ? scraper_collect(s) : NULL;
	scraper_free(s);
	if (m && !m->have_sas)
		log_warn("blackbox-config: charon could not be read; probes aimed at traffic selectors are left out");
	return m;
}

int cmd_blackbox(const struct config *c)
{
	struct strbuf mods = STRBUF_INIT, scrape = STRBUF_INIT;
	struct bb_probe *p;
	struct model *m;
	size_t i;
	int r;

	if (!c->probes.n) {
		log_error("blackbox-config: no probes configured (see `probes:` in the README)");
		return 2;
	}
	p = calloc(c->probes.n, sizeof(*p));
	if (!p)
		return 2;
	m = bb_collect(c);
	for (i = 0; i < c->probes.n; i++) {
		p[i].sp = &c->probes.v[i];
		bb_resolve(&p[i], m);
	}
	bb_modules(&mods, p, c->probes.n);
	bb_scrape(&scrape, p, c->probes.n, c->blackbox_address);
	r = strbuf_failed(&mods) || strbuf_failed(&scrape) ? 2 : bb_emit(c, &mods, &scrape);
	strbuf_release(&mods);
	strbuf_release(&scrape);
	model_unref(m);
	free(p);
	return r;
}
