/* strongSwan collector: the I/O half.  Talks VICI, hands every decoded
 * message to strongswan_parse.c, and keeps one connection open between
 * scrapes (reopened after any error, e.g. when charon restarted). */
#include "collect/collector.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "collect/strongswan_parse.h"
#include "common/log.h"
#include "vici/vici_conn.h"

struct ss_collector {
	struct collector base;
	char *socket_path;
	struct vici_conn *conn;
};

struct ss_conns {
	struct model *m;
	struct conn_cfg *conns;
	size_t n, alloc;
	struct ikw_err *err;
};

static int ss_on_conn(void *ctx, const struct vici_msg *msg)
{
	struct ss_conns *c = ctx;

	return ss_parse_conn(msg, c->m, &c->conns, &c->n, &c->alloc, c->err);
}

static int ss_on_sa(void *ctx, const struct vici_msg *msg)
{
	struct ss_conns *c = ctx;

	return ss_parse_sa(msg, c->m, c->err);
}

static int ss_cmp_conn(const void *a, const void *b)
{
	return strcmp(((const struct conn_cfg *)a)->name,
		      ((const struct conn_cfg *)b)->name);
}

/* Runs a command without streaming and parses its response. */
static int ss_query(struct ss_collector *s, const char *cmd,
		    const struct vici_builder *req,
		    int (*parse)(const struct vici_msg *, struct model *,
				 struct ikw_err *),
		    struct model *m, const struct deadline *dl,
		    struct ikw_err *err)
{
	struct vici_msg resp = VICI_MSG_INIT;
	int r;

	r = vici_call(s->conn, cmd, req, NULL, NULL, NULL, &resp, dl, err);
	if (!r)
		r = ss_check_success(&resp, cmd, err);
	if (!r)
		r = parse(&resp, m, err);
	vici_msg_release(&resp);
	return r;
}

static int ss_list_conns(struct ss_collector *s, struct model *m,
			 const struct deadline *dl, struct ikw_err *err)
{
	struct ss_conns c = { m, NULL, 0, 0, err };
	size_t i;
	int r;

	r = vici_call(s->conn, "list-conns", NULL, "list-conn", ss_on_conn, &c,
		      NULL, dl, err);
	if (r) {
		free(c.conns);
		return r;
	}
	m->conns = arena_alloc(&m->arena, (c.n ? c.n : 1) * sizeof(*m->conns));
	if (!m->conns) {
		free(c.conns);
		return err_set(err, -ENOMEM, "out of memory");
	}
	for (i = 0; i < c.n; i++)
		m->conns[i] = c.conns[i];
	m->nconns = c.n;
	free(c.conns);
	qsort(m->conns, m->nconns, sizeof(*m->conns), ss_cmp_conn);
	return 0;
}

static int ss_list_sas(struct ss_collector *s, struct model *m,
		       const struct deadline *dl, struct ikw_err *err)
{
	struct ss_conns c = { m, NULL, 0, 0, err };
	struct vici_builder req;
	int r;

	/* noblock: do not wait for IKE SAs another thread has checked out */
	vici_builder_init(&req);
	vici_add_kv_str(&req, "noblock", "yes");
	r = vici_builder_finish(&req, err);
	if (!r)
		r = vici_call(s->conn, "list-sas", &req, "list-sa", ss_on_sa, &c,
			      NULL, dl, err);
	vici_builder_release(&req);
	return r;
}

/* The counters plugin is optional: skipped when charon does not load it. */
static int ss_counters(struct ss_collector *s, struct model *m,
		       const struct deadline *dl, struct ikw_err *err)
{
	int r;

	if (m->daemon.have_stats && !m->daemon.counters_plugin)
		return 0;
	r = ss_query(s, "get-counters", NULL, ss_parse_counters, m, dl, err);
	if (r == -ENOTSUP) {
		log_debug("vici: get-counters unknown, counters plugin not loaded");
		return 0;
	}
	return r;
}

/* Counts SAs charon has but did not list: busy ones skipped by noblock, or
 * list-sa events over 512 KiB that charon drops without telling the client.
 * Stats are read before and after the listing to discount SAs that came or
 * went meanwhile. */
static void ss_count_unlisted(struct model *m, uint64_t before)
{
	uint64_t expect = before < m->daemon.ikesas_total ? before :
			  m->daemon.ikesas_total;

	m->ike_sas_unlisted = expect > m->nike ? expect - m->nike : 0;
	/* the gauge is the signal; a warning at every scrape would be noise */
	if (m->ike_sas_unlisted)
		log_debug("vici: charon reports %llu IKE SAs but list-sas returned %zu",
			 (unsigned long long)expect, m->nike);
}

static int ss_collect_all(struct ss_collector *s, struct model *m,
			  const struct deadline *dl, struct ikw_err *err)
{
	uint64_t before;
	int r;

	r = ss_query(s, "version", NULL, ss_parse_version, m, dl, err);
	if (!r)
		r = ss_query(s, "stats", NULL, ss_parse_stats, m, dl, err);
	if (r)
		return r;
	before = m->daemon.ikesas_total;
	r = ss_list_conns(s, m, dl, err);
	if (!r)
		r = ss_list_sas(s, m, dl, err);
	if (!r)
		r = ss_query(s, "stats", NULL, ss_parse_stats, m, dl, err);
	if (r)
		return r;
	ss_count_unlisted(m, before);
	m->have_sas = true;
	/* optional: a counters failure must not discard the SA data */
	r = ss_counters(s, m, dl, err);
	if (r) {
		log_warn("vici: IKE message counters skipped: %s", err->msg);
		vici_close(s->conn);  /* its stream state is unknown */
		s->conn = NULL;
	}
	return 0;
}

static int ss_collect(struct collector *c, struct model *m,
		      const struct deadline *dl, struct ikw_err *err)
{
	struct ss_collector *s = (struct ss_collector *)c;
	int r;

	if (!s->conn) {
		r = vici_connect(s->socket_path, dl, &s->conn, err);
		if (r)
			return r;
	}
	r = ss_collect_all(s, m, dl, err);
	if (r && r != -ENOTSUP && r != -EIO) {
		/* the stream is in an unknown state: start afresh next time */
		vici_close(s->conn);
		s->conn = NULL;
	}
	if (r) {
		m->have_sas = false;
		m->nike = 0;
		m->nconns = 0;
	}
	return r;
}

static void ss_destroy(struct collector *c)
{
	struct ss_collector *s = (struct ss_collector *)c;

	if (!s)
		return;
	vici_close(s->conn);
	free(s->socket_path);
	free(s);
}

struct collector *strongswan_collector_new(const char *socket_path)
{
	struct ss_collector *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->socket_path = strdup(socket_path);
	if (!s->socket_path) {
		free(s);
		return NULL;
	}
	s->base.name = "vici";
	s->base.collect = ss_collect;
	s->base.destroy = ss_destroy;
	return &s->base;
}
