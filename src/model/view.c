#include "model/view.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "model/ra_view.h"

static bool view_match_any(const char *const *pats, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fnmatch(pats[i], s, 0) == 0)
			return true;
	return false;
}

bool expect_policy_ignores(const struct expect_policy *p, const char *conn)
{
	return p && view_match_any(p->ignore, p->n_ignore, conn);
}

enum child_start child_cfg_start(const struct conn_cfg *conn,
				 const struct child_cfg *child)
{
	if (child->mode && (!strcmp(child->mode, "PASS") || !strcmp(child->mode, "DROP")))
		return CHILD_START_SHUNT;
	if (child->trap)
		return CHILD_START_TRAP;
	if (conn->responder_only)
		return CHILD_START_PASSIVE;
	return CHILD_START_INITIATE;
}

/* Whether any child is brought up by charon or an operator rather than by
 * traffic (trap) or never (shunt); a conn without children is judged by
 * itself. */
static bool view_initiates_a_child(const struct conn_cfg *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nchildren; i++)
		if (child_cfg_start(cfg, &cfg->children[i]) == CHILD_START_INITIATE)
			return true;
	return !cfg->nchildren;
}

bool expect_policy_expects(const struct expect_policy *p,
			   const struct conn_cfg *cfg)
{
	if (!cfg)
		return false;
	if (p && p->n_expect_up)
		return view_match_any(p->expect_up, p->n_expect_up, cfg->name);
	return !cfg->responder_only && view_initiates_a_child(cfg);
}

bool ike_state_is_up(enum ike_state s)
{
	return s == IKE_ESTABLISHED || s == IKE_REKEYING;
}

bool child_state_is_up(enum child_state s)
{
	return s == CHILD_INSTALLED || s == CHILD_UPDATING ||
	       s == CHILD_REKEYING;
}

static int view_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int view_cmp_conn_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct conn_cfg *)elem)->name);
}

static int view_cmp_child_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct child_view *)elem)->name);
}

const struct conn_cfg *model_find_conn(const struct model *m, const char *name)
{
	if (!m->nconns)
		return NULL;
	return bsearch(name, m->conns, m->nconns, sizeof(*m->conns),
		       view_cmp_conn_name);
}

/* Sorts and removes duplicates in place; returns the new count. */
static size_t view_unique_names(const char **names, size_t n)
{
	size_t i, out = 0;

	if (!n)
		return 0;
	qsort(names, n, sizeof(*names), view_cmp_str);
	for (i = 0; i < n; i++)
		if (!out || strcmp(names[out - 1], names[i]))
			names[out++] = names[i];
	return out;
}

static int view_collect_conns(struct model *m, const struct expect_policy *p)
{
	const char **names;
	size_t n = 0, i;

	names = malloc((m->nconns + m->nike + 1) * sizeof(*names));
	if (!names)
		return -ENOMEM;
	for (i = 0; i < m->nconns; i++)
		if (!expect_policy_ignores(p, m->conns[i].name))
			names[n++] = m->conns[i].name;
	for (i = 0; i < m->nike; i++)
		if (!expect_policy_ignores(p, m->ike_sas[i].conn))
			names[n++] = m->ike_sas[i].conn;
	n = view_unique_names(names, n);
	m->views = arena_alloc(&m->arena, (n ? n : 1) * sizeof(*m->views));
	if (!m->views) {
		free(names);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct conn_view *v = &m->views[i];

		v->name = names[i];
		v->cfg = model_find_conn(m, names[i]);
		v->expected_up = expect_policy_expects(p, v->cfg);
	}
	m->nviews = n;
	free(names);
	return 0;
}

/* Older-than test with TIME_NONE (unknown) sorting last. */
static bool view_is_newer(int64_t age, int64_t than)
{
	if (age == TIME_NONE)
		return false;
	return than == TIME_NONE || age < than;
}

static void view_add_ike(struct conn_view *v, const struct ike_sa *ike)
{
	v->state_count[ike->state]++;
	v->nsas++;
	if (ike_state_is_up(ike->state) &&
	    (!v->newest || view_is_newer(ike->established_for,
					 v->newest->established_for)))
		v->newest = ike;
}

static int view_alloc_children(struct model *m, struct conn_view *v,
			       const struct ike_sa **sas, size_t nsas)
{
	size_t n = 0, i, j, max = v->cfg ? v->cfg->nchildren : 0;
	const char **names;

	for (i = 0; i < nsas; i++)
		max += sas[i]->nchildren;
	if (!max)
		return 0;
	names = malloc(max * sizeof(*names));
	if (!names)
		return -ENOMEM;
	for (i = 0; v->cfg && i < v->cfg->nchildren; i++)
		names[n++] = v->cfg->children[i].name;
	for (i = 0; i < nsas; i++)
		for (j = 0; j < sas[i]->nchildren; j++)
			names[n++] = sas[i]->children[j].name;
	n = view_unique_names(names, n);
	v->children = arena_alloc(&m->arena, n * sizeof(*v->children));
	if (!v->children) {
		free(names);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct child_view *c = &v->children[i];

		c->name = names[i];
		c->use_in = c->use_out = TIME_NONE;
		for (j = 0; v->cfg && j < v->cfg->nchildren; j++)
			if (!strcmp(v->cfg->children[j].name, names[i]))
				c->cfg = &v->cfg->children[j];
		c->start = c->cfg ? child_cfg_start(v->cfg, c->cfg) : CHILD_START_INITIATE;
		c->expected_up = v->expected_up && c->cfg &&
				 (c->start == CHILD_START_INITIATE ||
				  c->start == CHILD_START_PASSIVE);
	}
	v->nchildren = n;
	free(names);
	return 0;
}

static int64_t view_most_recent(int64_t a, int64_t b)
{
	if (a == TIME_NONE)
		return b;
	if (b == TIME_NONE)
		return a;
	return a < b ? a : b;
}

static void view_add_child(struct conn_view *v, const struct child_sa *sa)
{
	struct child_view *c;

	c = bsearch(sa->name, v->children, v->nchildren, sizeof(*v->children),
		    view_cmp_child_name);
	if (!c)
		return;
	c->state_count[sa->state]++;
	c->nsas++;
	c->use_in = view_most_recent(c->use_in, sa->use_in);
	c->use_out = view_most_recent(c->use_out, sa->use_out);
	if (child_state_is_up(sa->state) &&
	    (!c->newest || view_is_newer(sa->installed_for,
					 c->newest->installed_for)))
		c->newest = sa;
}

static int view_cmp_sa_conn(const void *a, const void *b)
{
	return strcmp((*(const struct ike_sa *const *)a)->conn,
		      (*(const struct ike_sa *const *)b)->conn);
}

static int view_fill(struct model *m, const struct ledger *l)
{
	const struct ike_sa **sas;
	size_t i, j, k, start;

	sas = malloc((m->nike + 1) * sizeof(*sas));
	if (!sas)
		return -ENOMEM;
	for (i = 0; i < m->nike; i++)
		sas[i] = &m->ike_sas[i];
	qsort(sas, m->nike, sizeof(*sas), view_cmp_sa_conn);
	/* walk the views and the sorted SAs together, one group per name */
	for (i = 0, start = 0; i < m->nviews; i++) {
		struct conn_view *v = &m->views[i];
		size_t end;

		while (start < m->nike && strcmp(sas[start]->conn, v->name) < 0)
			start++;
		for (end = start; end < m->nike &&
		     !strcmp(sas[end]->conn, v->name); end++)
			view_add_ike(v, sas[end]);
		if (view_alloc_children(m, v, sas + start, end - start)) {
			free(sas);
			return -ENOMEM;
		}
		for (j = start; j < end; j++)
			for (k = 0; k < sas[j]->nchildren; k++)
				view_add_child(v, &sas[j]->children[k]);
		for (j = 0; j < v->nchildren; j++)
			v->children[j].totals = ledger_totals(l, v->name,
							      v->children[j].name);
		start = end;
	}
	free(sas);
	return 0;
}

int model_build_views(struct model *m, const struct expect_policy *p,
		      const struct ledger *l)
{
	int r = view_collect_conns(m, p);

	if (!r)
		r = view_fill(m, l);
	return r ? r : ra_build_views(m);
}
