/* strongSwan collector: the I/O half.  Talks VICI, hands every decoded
 * message to strongswan_parse.c, and keeps one connection open between
 * scrapes (reopened after any error, e.g. when charon restarted). */
#include "collect/collector.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "collect/strongswan_certs.h"
#include "collect/strongswan_certs_parse.h"
#include "collect/strongswan_parse.h"
#include "collect/strongswan_policy.h"
#include "collect/strongswan_pools.h"
#include "model/ra_view.h"
#include "common/log.h"
#include "vici/vici_conn.h"
#include "vici/vici_control.h"

struct swc_collector {
	struct collector base;
	char *socket_path;
	struct vici_conn *conn;
	struct vici_conn *conn2;   /* list-conns, in parallel with list-sas */
	metric_groups_off off;     /* groups whose calls are skipped */
	/* charon's version, asked once per connection: it cannot change while
	 * the connection lasts (a restarted charon closes it) */
	char *version[5];          /* daemon, version, sysname, release, machine */
	bool have_version;
};

struct swc_conns {
	struct model *m;
	struct conn_cfg *conns;
	size_t n, alloc;
	struct ikw_err *err;
};

static int swc_on_conn(void *ctx, const struct vici_msg *msg)
{
	struct swc_conns *c = ctx;
	int r = strongswan_parse_conn(msg, c->m, &c->conns, &c->n, &c->alloc, c->err);

	return r ? r : strongswan_certs_parse_auth(msg, &c->m->arena, &c->m->certs,
						   c->err);
}

static int swc_on_sa(void *ctx, const struct vici_msg *msg)
{
	struct swc_conns *c = ctx;

	return strongswan_parse_sa(msg, c->m, c->err);
}

static int swc_cmp_conn(const void *a, const void *b)
{
	return strcmp(((const struct conn_cfg *)a)->name,
		      ((const struct conn_cfg *)b)->name);
}

/* Runs a command without streaming and parses its response. */
static int swc_query(struct swc_collector *s, const char *cmd,
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
		r = vici_check_success(&resp, cmd, err);
	if (!r)
		r = parse(&resp, m, err);
	vici_msg_release(&resp);
	return r;
}

/* list-conns runs on a second connection while list-sas runs on the first:
 * charon answers both at once, and a scrape costs little more than the
 * listing of SAs alone.  It parses into a scratch model of its own (arenas
 * are not shared between threads) that the snapshot then keeps. */
struct swc_conns_job {
	struct swc_collector *s;
	const struct deadline *dl;
	struct swc_conns c;
	struct ikw_err err;
	pthread_t thread;
	int r;
};

static int swc_on_policy(void *ctx, const struct vici_msg *msg)
{
	struct swc_conns *c = ctx;

	strongswan_parse_policy(msg, c->conns, c->n);
	return 0;
}

/* Which children have a trap policy (start_action = trap): list-policies
 * after list-conns, with the conns sorted for the lookup. */
static int swc_list_traps(struct vici_conn *conn, struct swc_conns *c,
			  const struct deadline *dl, struct ikw_err *err)
{
	struct vici_builder req;
	int r;

	if (!c->n)
		return 0;   /* no conn: no trap to find (and c->conns is NULL) */
	qsort(c->conns, c->n, sizeof(*c->conns), swc_cmp_conn);
	vici_builder_init(&req);
	vici_add_kv_str(&req, "trap", "yes");
	r = vici_builder_finish(&req, err);
	if (!r)
		r = vici_call(conn, "list-policies", &req, "list-policy",
			      swc_on_policy, c, NULL, dl, err);
	vici_builder_release(&req);
	return r;
}

static void *swc_conns_main(void *arg)
{
	struct swc_conns_job *j = arg;
	struct swc_collector *s = j->s;

	j->r = 0;
	if (!s->conn2)
		j->r = vici_connect(s->socket_path, j->dl, &s->conn2, &j->err);
	if (!j->r)
		j->r = vici_call(s->conn2, "list-conns", NULL, "list-conn",
				 swc_on_conn, &j->c, NULL, j->dl, &j->err);
	if (!j->r)
		j->r = swc_list_traps(s->conn2, &j->c, j->dl, &j->err);
	if (!j->r && metric_group_on(s->off, METRIC_GROUP_CERTS))
		strongswan_certs_collect(&s->conn2, j->c.m, j->dl);
	if (!j->r && metric_group_on(s->off, METRIC_GROUP_POOLS))
		strongswan_pools_collect(&s->conn2, j->c.m, j->dl);
	if (j->r && j->r != -ENOTSUP) {
		vici_close(s->conn2);
		s->conn2 = NULL;
	}
	return NULL;
}

static int swc_conns_start(struct swc_conns_job *j, struct swc_collector *s,
			  const struct deadline *dl)
{
	memset(j, 0, sizeof(*j));
	j->s = s;
	j->dl = dl;
	j->c.m = model_new();
	j->c.err = &j->err;
	if (!j->c.m)
		return -ENOMEM;
	if (pthread_create(&j->thread, NULL, swc_conns_main, j)) {
		model_unref(j->c.m);
		return -EAGAIN;
	}
	return 0;
}

/* Joins the job and moves its connections into m. */
static int swc_conns_finish(struct swc_conns_job *j, struct model *m,
			   struct ikw_err *err)
{
	size_t i;
	int r;

	pthread_join(j->thread, NULL);
	r = j->r;
	if (r)
		err_set(err, r, "%s", j->err.msg);
	else if (!(m->conns = arena_alloc(&m->arena,
					  (j->c.n ? j->c.n : 1) * sizeof(*m->conns))))
		r = err_set(err, -ENOMEM, "out of memory");
	for (i = 0; !r && i < j->c.n; i++)
		m->conns[i] = j->c.conns[i];
	if (!r) {
		m->nconns = j->c.n;
		qsort(m->conns, m->nconns, sizeof(*m->conns), swc_cmp_conn);
		m->aux = j->c.m;   /* the strings live in the scratch arena */
		m->certs = j->c.m->certs;
		m->pools = j->c.m->pools;
	} else {
		model_unref(j->c.m);
	}
	free(j->c.conns);
	return r;
}

static int swc_list_sas(struct swc_collector *s, struct model *m,
		       const struct deadline *dl, struct ikw_err *err)
{
	struct swc_conns c = { m, NULL, 0, 0, err };
	struct vici_builder req;
	int r;

	/* noblock: do not wait for IKE SAs another thread has checked out */
	vici_builder_init(&req);
	vici_add_kv_str(&req, "noblock", "yes");
	r = vici_builder_finish(&req, err);
	if (!r)
		r = vici_call(s->conn, "list-sas", &req, "list-sa", swc_on_sa, &c,
			      NULL, dl, err);
	vici_builder_release(&req);
	return r;
}

/* The counters plugin is optional: skipped when charon does not load it. */
static int swc_counters(struct swc_collector *s, struct model *m,
		       const struct deadline *dl, struct ikw_err *err)
{
	int r;

	if (m->daemon.have_stats && !m->daemon.counters_plugin)
		return 0;
	if (!metric_group_on(s->off, METRIC_GROUP_COUNTERS))
		return 0;   /* --no-collector.counters: not asked for */
	r = swc_query(s, "get-counters", NULL, strongswan_parse_counters, m, dl, err);
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
static void swc_count_unlisted(struct model *m, uint64_t before)
{
	uint64_t expect = before < m->daemon.ikesas_total ? before :
			  m->daemon.ikesas_total;

	m->ike_sas_unlisted = expect > m->nike ? expect - m->nike : 0;
	/* the gauge is the signal; a warning at every scrape would be noise */
	if (m->ike_sas_unlisted)
		log_debug("vici: charon reports %llu IKE SAs but list-sas returned %zu",
			 (unsigned long long)expect, m->nike);
}

static void swc_forget_version(struct swc_collector *s)
{
	size_t i;

	for (i = 0; i < 5; i++) {
		free(s->version[i]);
		s->version[i] = NULL;
	}
	s->have_version = false;
}

static void swc_drop_conn(struct swc_collector *s)
{
	vici_close(s->conn);
	s->conn = NULL;
	swc_forget_version(s);
}

static const char **swc_version_field(struct daemon_info *d, size_t i)
{
	const char **f[5] = { &d->daemon, &d->version, &d->sysname, &d->release,
			      &d->machine };

	return f[i];
}

/* The version fields from the cache, or from charon (then cached): one
 * round trip less per scrape. */
static int swc_version(struct swc_collector *s, struct model *m,
		       const struct deadline *dl, struct ikw_err *err)
{
	const char *v;
	size_t i;
	int r;

	if (s->have_version) {
		for (i = 0; i < 5; i++)
			if (s->version[i] &&
			    !(*swc_version_field(&m->daemon, i) =
				      arena_strdup(&m->arena, s->version[i])))
				return err_set(err, -ENOMEM, "out of memory");
		m->daemon.have_version = true;
		return 0;
	}
	r = swc_query(s, "version", NULL, strongswan_parse_version, m, dl, err);
	if (r)
		return r;
	s->have_version = true;
	for (i = 0; i < 5; i++) {
		v = *swc_version_field(&m->daemon, i);
		if (v && !(s->version[i] = strdup(v)))
			swc_forget_version(s);   /* ask again next time */
	}
	return 0;
}

static int swc_collect_all(struct swc_collector *s, struct model *m,
			  const struct deadline *dl, struct ikw_err *err)
{
	struct swc_conns_job job;
	uint64_t before;
	int r, conns;

	r = swc_version(s, m, dl, err);
	if (!r)
		r = swc_query(s, "stats", NULL, strongswan_parse_stats, m, dl, err);
	if (r)
		return r;
	before = m->daemon.ikesas_total;
	r = swc_conns_start(&job, s, dl);
	if (r)
		return err_set(err, r, "cannot start the list-conns thread");
	r = swc_list_sas(s, m, dl, err);
	conns = swc_conns_finish(&job, m, r ? NULL : err);
	if (!r)
		r = conns;
	if (!r)
		r = swc_query(s, "stats", NULL, strongswan_parse_stats, m, dl, err);
	if (r)
		return r;
	swc_count_unlisted(m, before);
	m->have_sas = true;
	ra_assign_pools(m);
	/* optional: a counters failure must not discard the SA data */
	r = swc_counters(s, m, dl, err);
	if (r) {
		log_warn("vici: IKE message counters skipped: %s", err->msg);
		swc_drop_conn(s);  /* its stream state is unknown */
	}
	return 0;
}

static int swc_collect(struct collector *c, struct model *m,
		      const struct deadline *dl, struct ikw_err *err)
{
	struct swc_collector *s = (struct swc_collector *)c;
	int r;

	if (!s->conn) {
		r = vici_connect(s->socket_path, dl, &s->conn, err);
		if (r)
			return r;
	}
	r = swc_collect_all(s, m, dl, err);
	if (r && r != -ENOTSUP && r != -EIO) {
		/* the stream is in an unknown state: start afresh next time */
		swc_drop_conn(s);
	}
	if (r) {
		m->have_sas = false;
		m->nike = 0;
		m->nconns = 0;
	}
	return r;
}

static void swc_destroy(struct collector *c)
{
	struct swc_collector *s = (struct swc_collector *)c;

	if (!s)
		return;
	swc_drop_conn(s);
	vici_close(s->conn2);
	free(s->socket_path);
	free(s);
}

struct collector *strongswan_collector_new(const char *socket_path,
					  metric_groups_off off)
{
	struct swc_collector *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->socket_path = strdup(socket_path);
	if (!s->socket_path) {
		free(s);
		return NULL;
	}
	s->off = off;
	s->base.name = "vici";
	s->base.collect = swc_collect;
	s->base.destroy = swc_destroy;
	return &s->base;
}
