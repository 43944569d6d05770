/* One fresh check of an alert's conn: a new snapshot, its status view, and
 * what remediation needs of them (is it faulty, which children to
 * initiate, how many conns are faulty at once). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "collect/scrape.h"
#include "common/arena.h"
#include "remediate/remediate_int.h"
#include "status/status.h"
#include "status/status_json.h"

static bool rem_child_missing(const struct status_conn *sc, const char *child)
{
	size_t i;

	for (i = 0; i < sc->nmissing; i++)
		if (!strcmp(sc->missing[i], child))
			return true;
	return false;
}

static void rem_add_child(struct rem_check *c, const char *name)
{
	if (c->nchildren < REM_CHECK_CHILDREN_MAX)
		snprintf(c->children[c->nchildren++], AM_VALUE_MAX + 1, "%s", name);
}

/* What the configuration says: the conn is loaded, its children. */
static void rem_check_cfg(const struct model *m, const struct rem_job *job,
			  struct rem_check *c)
{
	const struct conn_cfg *cfg = NULL;
	size_t i;

	for (i = 0; i < m->nconns; i++)
		if (!strcmp(m->conns[i].name, job->conn))
			cfg = &m->conns[i];
	c->found = cfg != NULL;
	if (!cfg)
		return;
	snprintf(c->peer, sizeof(c->peer), "%s", cfg->remote_addrs ? cfg->remote_addrs : "");
	for (i = 0; i < cfg->nchildren; i++) {
		if (job->child[0] && !strcmp(cfg->children[i].name, job->child))
			c->child_found = true;
		if (!job->child[0] || !strcmp(cfg->children[i].name, job->child))
			rem_add_child(c, cfg->children[i].name);
	}
}

static bool rem_faulty_attention(enum status_attention at)
{
	return at == ST_DOWN || at == ST_CHILD_MISSING || at == ST_CONNECTING ||
	       at == ST_PROBE_FAILING;
}

/* What the status view says of the conn. */
static void rem_check_conn(const struct status_conn *sc, const struct rem_job *job,
			   struct rem_check *c)
{
	enum status_attention at = sc->attention;
	size_t i;

	/* anything but OK: a conn still connecting after an initiate is not
	 * fixed; with a child label, another child's trouble is not this
	 * alert's */
	if (job->child[0])
		c->faulty = at == ST_DOWN || at == ST_CONNECTING || at == ST_DEGRADED ||
			    rem_child_missing(sc, job->child) ||
			    (at == ST_PROBE_FAILING &&
			     status_child_probe_failing(sc, job->child));
	else
		c->faulty = at != ST_OK;
	c->control_fault = at == ST_DOWN || at == ST_CONNECTING ||
			   (at == ST_CHILD_MISSING && (!job->child[0] ||
						       rem_child_missing(sc, job->child)));
	c->probe_failing = at == ST_PROBE_FAILING &&
			   (!job->child[0] || status_child_probe_failing(sc, job->child));
	snprintf(c->seen, sizeof(c->seen), "%s%s%s", status_attention_names[at],
		 sc->reason && sc->reason[0] ? ": " : "", sc->reason ? sc->reason : "");
	/* a conn missing children: only those are initiated */
	if (!job->child[0] && at == ST_CHILD_MISSING) {
		c->nchildren = 0;
		for (i = 0; i < sc->nmissing; i++)
			rem_add_child(c, sc->missing[i]);
	}
}

void rem_check_view(const struct status_view *v, const struct rem_job *job,
		    struct rem_check *c)
{
	const struct status_conn *sc = NULL;
	size_t i;

	for (i = 0; i < v->nconns; i++) {
		if (rem_faulty_attention(v->conns[i].attention))
			c->nfaulty++;
		if (!strcmp(v->conns[i].name, job->conn))
			sc = &v->conns[i];
	}
	if (sc) {
		rem_check_conn(sc, job, c);
		return;
	}
	snprintf(c->seen, sizeof(c->seen), "%s", v->ok ? "not in the status view" : v->error);
	c->faulty = !v->ok || c->found;
}

/* The SAs a rekey names: the conn's newest established IKE SA and its
 * installed CHILD SAs (of the job's child). */
static void rem_check_sas(const struct model *m, const struct rem_job *job,
			  struct rem_check *c)
{
	const struct ike_sa *newest = NULL;
	size_t i;

	for (i = 0; i < m->nike; i++) {
		const struct ike_sa *s = &m->ike_sas[i];

		if (strcmp(s->conn, job->conn) || s->state != IKE_ESTABLISHED)
			continue;
		if (!newest || s->established_for < newest->established_for)
			newest = s;
	}
	if (!newest)
		return;
	c->ike_id = newest->uniqueid;
	for (i = 0; i < newest->nchildren && c->nchild_ids < REM_CHECK_CHILDREN_MAX; i++) {
		const struct child_sa *ch = &newest->children[i];

		if (ch->state == CHILD_INSTALLED &&
		    (!job->child[0] || !strcmp(ch->name, job->child)))
			c->child_ids[c->nchild_ids++] = ch->uniqueid;
	}
}

int rem_check(struct remediate *r, const struct rem_job *job, struct rem_check *c,
	      struct strbuf *json)
{
	struct model *m = scraper_collect(r->scraper);
	struct arena a = ARENA_INIT;
	struct status_view v;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	if (!m)
		return -ENOMEM;
	if (status_build(m, NULL, &a, &v)) {
		rc = -ENOMEM;
		goto out;
	}
	rem_check_cfg(m, job, c);
	rem_check_view(&v, job, c);
	rem_check_sas(m, job, c);
	if (json)
		status_json(&v, json);
out:
	arena_release(&a);
	model_unref(m);
	return rc;
}
