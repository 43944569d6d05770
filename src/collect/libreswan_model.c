/* libreswan's records into the model (see the header for the mapping). */
#include "collect/libreswan_model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading: records into growing arrays -------------------------------- */

static int lsw_push(void **arr, size_t *n, size_t *alloc, size_t size,
		    const void *rec)
{
	if (*n == *alloc) {
		size_t na = *alloc ? *alloc * 2 : 16;
		void *p = realloc(*arr, na * size);

		if (!p)
			return -ENOMEM;
		*arr = p;
		*alloc = na;
	}
	memcpy((char *)*arr + *n * size, rec, size);
	(*n)++;
	return 0;
}

static int lsw_on_conn(void *ctx, const struct lsw_conn *c)
{
	struct lsw_model *b = ctx;

	if (c->instance)
		return 0;   /* counted under its template */
	return lsw_push((void **)&b->conns, &b->nconns, &b->aconns,
			sizeof(*c), c);
}

static int lsw_on_state(void *ctx, const struct lsw_state *s)
{
	struct lsw_model *b = ctx;

	return lsw_push((void **)&b->states, &b->nstates, &b->astates,
			sizeof(*s), s);
}

static int lsw_on_traffic(void *ctx, const struct lsw_traffic *t)
{
	struct lsw_model *b = ctx;

	return lsw_push((void **)&b->traffic, &b->ntraffic, &b->atraffic,
			sizeof(*t), t);
}

static const char *const lsw_global_keys[LSW_G_COUNT] = {
	[LSW_G_IKE] = "current.states.ike",
	[LSW_G_HALF_OPEN] = "current.states.iketype.halfopen",
	[LSW_G_CHILD] = "current.states.ipsec",
	[LSW_G_ESTABLISHED] = "total.ike.ikev2.established",
	[LSW_G_FAILED] = "total.ike.ikev2.failed",
	[LSW_G_DPD_SENT] = "total.ike.dpd.sent",
	[LSW_G_DPD_RECV] = "total.ike.dpd.recv",
	[LSW_G_DPD_REPLIED] = "total.ike.dpd.replied",
};

static int lsw_on_global(void *ctx, const struct lsw_global *g)
{
	struct lsw_model *b = ctx;
	size_t i;

	for (i = 0; i < LSW_G_COUNT; i++) {
		if (!strcmp(g->key, lsw_global_keys[i])) {
			b->global[i] = g->value;
			b->have_global[i] = true;
			return 0;
		}
	}
	return 0;
}

void lsw_model_init(struct lsw_model *b, struct model *m)
{
	memset(b, 0, sizeof(*b));
	b->m = m;
}

void lsw_model_release(struct lsw_model *b)
{
	free(b->conns);
	free(b->states);
	free(b->traffic);
	memset(b, 0, sizeof(*b));
}

static int lsw_read_one(int r, const char *what, struct ikw_err *err)
{
	if (r == -ENOMEM)
		return err_set(err, r, "out of memory");
	if (r)
		return err_prefix(err, r, "whack %s", what);
	return 0;
}

int lsw_model_read(struct lsw_model *b, const char *status, size_t status_len,
		   const char *traffic, size_t traffic_len,
		   const char *global, size_t global_len, struct ikw_err *err)
{
	int r;

	lsw_parse_version(status, status_len, b->version, sizeof(b->version));
	r = lsw_read_one(lsw_parse_conns(status, status_len, lsw_on_conn, b, err),
			 "--status", err);
	if (!r)
		r = lsw_read_one(lsw_parse_states(status, status_len, lsw_on_state,
						  b, err), "--status", err);
	if (!r)
		r = lsw_read_one(lsw_parse_traffic(traffic, traffic_len,
						   lsw_on_traffic, b, err),
				 "--trafficstatus", err);
	if (!r)
		r = lsw_read_one(lsw_parse_global(global, global_len, lsw_on_global,
						  b, err), "--globalstatus", err);
	return r;
}

/* ---- the model ------------------------------------------------------------ */

static const struct lsw_conn *lsw_find_conn(const struct lsw_model *b,
					    const char *name)
{
	size_t i;

	for (i = 0; i < b->nconns; i++)
		if (!strcmp(b->conns[i].name, name))
			return &b->conns[i];
	return NULL;
}

static const struct lsw_state *lsw_find_state(const struct lsw_model *b,
					      uint32_t serial,
					      enum lsw_state_kind kind)
{
	size_t i;

	for (i = 0; i < b->nstates; i++)
		if (b->states[i].serial == serial && b->states[i].kind == kind)
			return &b->states[i];
	return NULL;
}

static const struct lsw_traffic *lsw_find_traffic(const struct lsw_model *b,
						  uint32_t serial)
{
	size_t i;

	for (i = 0; i < b->ntraffic; i++)
		if (b->traffic[i].serial == serial)
			return &b->traffic[i];
	return NULL;
}

static int64_t lsw_time(int64_t v)
{
	return v == LSW_NONE ? TIME_NONE : v;
}

static char *lsw_str(struct model *m, const char *s)
{
	return arena_strdup(&m->arena, s ? s : "");
}

static int lsw_fill_conn(struct model *m, struct conn_cfg *cfg,
			 const struct lsw_conn *c)
{
	struct child_cfg *ch = arena_alloc(&m->arena, sizeof(*ch));

	if (!ch)
		return -ENOMEM;
	cfg->name = lsw_str(m, c->name);
	cfg->version = c->ike_version ? ike_version_number_label(c->ike_version) : "";
	cfg->local_addrs = lsw_str(m, c->local_host);
	cfg->remote_addrs = lsw_str(m, c->remote_host);
	if (c->ike_life != LSW_NONE && c->rekey_margin != LSW_NONE &&
	    c->ike_life > c->rekey_margin)
		cfg->rekey_time = (uint64_t)(c->ike_life - c->rekey_margin);
	cfg->responder_only = !strcmp(c->remote_host, "%any");
	ch->name = cfg->name;
	ch->mode = lsw_str(m, c->mode);
	ch->local_ts = lsw_str(m, c->local_client[0] ? c->local_client : c->local_host);
	ch->remote_ts = lsw_str(m, c->remote_client[0] ? c->remote_client :
				c->remote_host);
	if (c->ipsec_life != LSW_NONE) {
		ch->life_time = (uint64_t)c->ipsec_life;
		if (c->rekey_margin != LSW_NONE && c->ipsec_life > c->rekey_margin)
			ch->rekey_time = (uint64_t)(c->ipsec_life - c->rekey_margin);
	}
	cfg->children = ch;
	cfg->nchildren = 1;
	return cfg->name && ch->mode && ch->local_ts && ch->remote_ts &&
	       cfg->local_addrs && cfg->remote_addrs ? 0 : -ENOMEM;
}

static int lsw_cmp_conn(const void *a, const void *b)
{
	return strcmp(((const struct conn_cfg *)a)->name,
		      ((const struct conn_cfg *)b)->name);
}

static int lsw_fill_conns(struct lsw_model *b)
{
	struct model *m = b->m;
	size_t i;

	m->conns = arena_alloc(&m->arena, (b->nconns ? b->nconns : 1) * sizeof(*m->conns));
	if (!m->conns)
		return -ENOMEM;
	for (i = 0; i < b->nconns; i++)
		if (lsw_fill_conn(m, &m->conns[i], &b->conns[i]))
			return -ENOMEM;
	m->nconns = b->nconns;
	qsort(m->conns, m->nconns, sizeof(*m->conns), lsw_cmp_conn);
	return 0;
}

/* One IKE SA of the model: a conn and an IKE serial. */
struct lsw_ike_key {
	const char *conn;
	uint32_t serial;
	const struct lsw_state *ike;   /* its IKE state, or NULL */
	size_t nchildren;
	struct ike_sa *sa;
};

static struct lsw_ike_key *lsw_key(struct lsw_ike_key *keys, size_t n,
				   const char *conn, uint32_t serial)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (keys[i].serial == serial && !strcmp(keys[i].conn, conn))
			return &keys[i];
	return NULL;
}

static enum ike_state lsw_ike_state(const struct lsw_state *s)
{
	if (!s)
		return IKE_STATE_UNKNOWN;
	if (s->established)
		return IKE_ESTABLISHED;
	if (strstr(s->state, "DELETE"))
		return IKE_DELETING;
	if (strstr(s->state, "REKEY_IKE"))
		return IKE_REKEYING;
	if (strstr(s->state, "PARENT") || strstr(s->state, "IKE_SA_INIT") ||
	    strstr(s->state, "IKE_AUTH") || !strncmp(s->state, "MAIN_", 5) ||
	    !strncmp(s->state, "AGGR_", 5))
		return IKE_CONNECTING;
	return IKE_STATE_UNKNOWN;
}

static enum child_state lsw_child_state(const struct lsw_state *s)
{
	if (s->established)
		return CHILD_INSTALLED;
	if (strstr(s->state, "DELETE"))
		return CHILD_DELETING;
	if (strstr(s->state, "REKEY_CHILD"))
		return CHILD_REKEYING;
	return CHILD_INSTALLING;
}

/* An IKE SA that carries CHILD SAs, none of them of its own conn: pluto
 * keeps it under the conn that negotiated it after that conn went down
 * (whack --terminate) as long as another conn's CHILD SA uses it. */
static bool lsw_ike_of_others(const struct lsw_model *b, const struct lsw_state *ike)
{
	bool others = false;
	size_t i;

	for (i = 0; i < b->nstates; i++) {
		const struct lsw_state *s = &b->states[i];

		if (s->kind != LSW_STATE_CHILD || s->ike_serial != ike->serial)
			continue;
		if (!strcmp(s->conn, ike->conn))
			return false;
		others = true;
	}
	return others;
}

/* The IKE SAs: one per IKE state under its own conn (unless only other
 * conns use it), and one per (conn, serial) that a CHILD state of another
 * conn (or an unlisted IKE SA) needs.  Returns the keys (malloc'd) in
 * *out. */
static int lsw_ike_keys(const struct lsw_model *b, struct lsw_ike_key **out,
			size_t *nout)
{
	struct lsw_ike_key *keys = calloc(b->nstates ? b->nstates : 1, sizeof(*keys));
	size_t n = 0, i;

	if (!keys)
		return -ENOMEM;
	for (i = 0; i < b->nstates; i++) {
		const struct lsw_state *s = &b->states[i];

		if (s->kind == LSW_STATE_IKE && !lsw_key(keys, n, s->conn, s->serial) &&
		    !lsw_ike_of_others(b, s))
			keys[n++] = (struct lsw_ike_key){ s->conn, s->serial, s, 0, NULL };
	}
	for (i = 0; i < b->nstates; i++) {
		const struct lsw_state *s = &b->states[i];
		struct lsw_ike_key *k;

		if (s->kind != LSW_STATE_CHILD)
			continue;
		k = lsw_key(keys, n, s->conn, s->ike_serial);
		if (!k) {
			k = &keys[n++];
			*k = (struct lsw_ike_key){ s->conn, s->ike_serial,
				lsw_find_state(b, s->ike_serial, LSW_STATE_IKE), 0, NULL };
		}
		k->nchildren++;
	}
	*out = keys;
	*nout = n;
	return 0;
}

/* ---- suites: "AES_CBC_256-HMAC_SHA2_256-MODP2048" into the model's parts -- */

struct lsw_suite {
	char part[4][LSW_ALG_MAX + 1];
	size_t n;
};

static void lsw_split(const char *s, struct lsw_suite *out)
{
	memset(out, 0, sizeof(*out));
	while (*s && out->n < 4) {
		size_t len = strcspn(s, "-");

		memcpy(out->part[out->n++], s, len);   /* len <= LSW_ALG_MAX */
		s += len;
		if (*s == '-')
			s++;
	}
}

/* "AES_CBC_256" -> "AES_CBC" and 256; "AES_GCM_16_256" -> "AES_GCM_16",
 * 256; a suffix under 64 is part of the name (GCM's ICV "_16"). */
static const char *lsw_encr(struct model *m, const char *s, uint32_t *keysize)
{
	const char *u = strrchr(s, '_');
	char *name;
	uint64_t v = 0;
	const char *p;

	*keysize = 0;
	if (!u || !u[1])
		return lsw_str(m, s);
	for (p = u + 1; *p >= '0' && *p <= '9' && v < 100000; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (*p || v < 64 || v > 65535)
		return lsw_str(m, s);
	name = arena_alloc(&m->arena, (size_t)(u - s) + 1);
	if (!name)
		return NULL;
	memcpy(name, s, (size_t)(u - s));
	name[u - s] = '\0';
	*keysize = (uint32_t)v;
	return name;
}

/* "NONE" (an AEAD's integrity) is no algorithm */
static const char *lsw_alg(struct model *m, const char *s)
{
	return lsw_str(m, strcmp(s, "NONE") ? s : "");
}

/* pluto's group names in charon's spelling (VICI's dh-group), so that a
 * mixed fleet's ipsec_*_sa_info agree; a name not listed stays pluto's. */
static const char *lsw_dh_name(const char *s)
{
	static const struct { const char *pluto, *charon; } names[] = {
		{ "MODP1024", "MODP_1024" }, { "MODP1536", "MODP_1536" },
		{ "MODP2048", "MODP_2048" }, { "MODP3072", "MODP_3072" },
		{ "MODP4096", "MODP_4096" }, { "MODP6144", "MODP_6144" },
		{ "MODP8192", "MODP_8192" }, { "DH19", "ECP_256" },
		{ "DH20", "ECP_384" }, { "DH21", "ECP_521" },
		{ "DH31", "CURVE_25519" }, { "DH32", "CURVE_448" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].pluto))
			return names[i].charon;
	return s;
}

/* pluto's PRF "HMAC_SHA2_256" is charon's "PRF_HMAC_SHA2_256" */
static const char *lsw_prf_name(struct model *m, const char *s)
{
	char *out;
	size_t n = strlen(s);

	if (!s[0] || !strncmp(s, "PRF_", 4))
		return lsw_str(m, s);
	out = arena_alloc(&m->arena, n + 5);
	if (out) {
		memcpy(out, "PRF_", 4);
		memcpy(out + 4, s, n + 1);
	}
	return out;
}

/* IKE: ENCR-PRF-DH as 4.x prints it, or ENCR-INTEG-PRF-DH as older plutos
 * did; anything else leaves the parts "". */
static int lsw_ike_algs(struct model *m, struct ike_sa *sa, const char *suite)
{
	struct lsw_suite st;

	sa->encr_alg = sa->integ_alg = sa->prf_alg = sa->dh_group = "";
	lsw_split(suite, &st);
	if (st.n != 3 && st.n != 4)
		return 0;
	sa->encr_alg = lsw_encr(m, st.part[0], &sa->encr_keysize);
	sa->integ_alg = lsw_alg(m, st.n == 4 ? st.part[1] : "");
	sa->prf_alg = lsw_prf_name(m, st.part[st.n - 2]);
	sa->dh_group = lsw_str(m, lsw_dh_name(st.part[st.n - 1]));
	return sa->encr_alg && sa->integ_alg && sa->prf_alg && sa->dh_group ?
	       0 : -ENOMEM;
}

/* CHILD: ESP ENCR-INTEG, AH INTEG; the PFS group unless "<Phase1>" (no
 * DH of its own) or "<N/A>". */
static int lsw_child_algs(struct model *m, struct child_sa *ch,
			  const struct lsw_conn *c)
{
	struct lsw_suite st;
	bool ah = c && !strcmp(c->child_proto, "AH");

	ch->encr_alg = ch->integ_alg = ch->prf_alg = ch->dh_group = "";
	if (!c || !c->child_alg[0])
		return 0;
	lsw_split(c->child_alg, &st);
	if (ah && st.n == 1) {
		ch->integ_alg = lsw_alg(m, st.part[0]);
	} else if (!ah && st.n == 2) {
		ch->encr_alg = lsw_encr(m, st.part[0], &ch->encr_keysize);
		ch->integ_alg = lsw_alg(m, st.part[1]);
	}
	if (c->pfs_group[0] && c->pfs_group[0] != '<')
		ch->dh_group = lsw_str(m, lsw_dh_name(c->pfs_group));
	return ch->encr_alg && ch->integ_alg && ch->dh_group ? 0 : -ENOMEM;
}

/* The conn whose status lines describe an IKE SA: the one that negotiated
 * it (pluto prints the suite under that conn only). */
static const struct lsw_conn *lsw_ike_conn(const struct lsw_model *b,
					   const struct lsw_ike_key *k)
{
	const struct lsw_conn *c = k->ike ? lsw_find_conn(b, k->ike->conn) : NULL;

	return c ? c : lsw_find_conn(b, k->conn);
}

static int lsw_fill_ike(struct lsw_model *b, struct lsw_ike_key *k)
{
	struct model *m = b->m;
	const struct lsw_conn *c = lsw_find_conn(b, k->conn);
	const struct lsw_conn *suite = lsw_ike_conn(b, k);
	struct ike_sa *sa = model_add_ike_sa(m);

	if (!sa)
		return -ENOMEM;
	sa->conn = lsw_str(m, k->conn);
	sa->uniqueid = k->serial;
	sa->version = c && c->ike_version ? c->ike_version : 2;
	sa->state = lsw_ike_state(k->ike);
	sa->local_host = lsw_str(m, c ? c->local_host : "");
	sa->remote_host = lsw_str(m, c ? c->remote_host : "");
	sa->local_id = lsw_str(m, c ? c->local_id : "");
	sa->remote_id = lsw_str(m, c ? c->remote_id : "");
	sa->initiator_spi = sa->responder_spi = "";
	if (lsw_ike_algs(m, sa, suite ? suite->ike_alg : ""))
		return -ENOMEM;
	sa->tasks_active = sa->tasks_queued = "";
	sa->rekey_in = k->ike ? lsw_time(k->ike->rekey_in) : TIME_NONE;
	sa->children_negotiated = -1;
	sa->role_unknown = true;   /* whack's output does not say who initiated */
	if (k->nchildren &&
	    !(sa->children = arena_alloc(&m->arena, k->nchildren * sizeof(*sa->children))))
		return -ENOMEM;
	return sa->conn && sa->local_host && sa->remote_host && sa->local_id &&
	       sa->remote_id ? 0 : -ENOMEM;
}

static int lsw_fill_child(struct lsw_model *b, struct child_sa *ch,
			  const struct lsw_state *s)
{
	struct model *m = b->m;
	const struct lsw_conn *c = lsw_find_conn(b, s->conn);
	const struct lsw_state *spis = lsw_find_state(b, s->serial, LSW_STATE_SPIS);
	const struct lsw_traffic *t = lsw_find_traffic(b, s->serial);

	ch->name = lsw_str(m, s->conn);
	ch->uniqueid = s->serial;
	ch->state = lsw_child_state(s);
	ch->mode = c ? lsw_str(m, c->mode) : "";
	ch->protocol = ipsec_protocol_label(spis ? spis->proto : "esp");
	ch->spi_in = lsw_str(m, spis ? spis->spi_in : "");
	ch->spi_out = lsw_str(m, spis ? spis->spi_out : "");
	ch->cpi_in = ch->cpi_out = "";
	if (lsw_child_algs(m, ch, c))
		return -ENOMEM;
	if (t && t->in_bytes != LSW_NONE)
		ch->bytes_in = (uint64_t)t->in_bytes;
	if (t && t->out_bytes != LSW_NONE)
		ch->bytes_out = (uint64_t)t->out_bytes;
	ch->use_in = ch->use_out = TIME_NONE;
	ch->rekey_in = lsw_time(s->rekey_in);
	ch->life_in = lsw_time(s->expire_in != LSW_NONE ? s->expire_in : s->replace_in);
	ch->installed_for = TIME_NONE;
	if (t && t->add_time != LSW_NONE && t->add_time <= (int64_t)m->collected_at)
		ch->installed_for = (int64_t)m->collected_at - t->add_time;
	ch->local_ts = m->conns && c ? lsw_str(m, c->local_client[0] ? c->local_client :
					  c->local_host) : "";
	ch->remote_ts = m->conns && c ? lsw_str(m, c->remote_client[0] ? c->remote_client :
					   c->remote_host) : "";
	return ch->name && ch->spi_in && ch->spi_out && ch->mode && ch->local_ts &&
	       ch->remote_ts ? 0 : -ENOMEM;
}

static int lsw_fill_sas(struct lsw_model *b)
{
	struct lsw_ike_key *keys = NULL;
	size_t n = 0, i;
	int r = lsw_ike_keys(b, &keys, &n);

	for (i = 0; !r && i < n; i++)
		r = lsw_fill_ike(b, &keys[i]);
	/* model_add_ike_sa may move the array: address the SAs only now */
	for (i = 0; !r && i < n; i++)
		keys[i].sa = &b->m->ike_sas[i];
	for (i = 0; !r && i < b->nstates; i++) {
		const struct lsw_state *s = &b->states[i];
		struct lsw_ike_key *k;

		if (s->kind != LSW_STATE_CHILD)
			continue;
		k = lsw_key(keys, n, s->conn, s->ike_serial);
		if (!k || !k->sa)
			continue;   /* cannot happen: lsw_ike_keys made one */
		r = lsw_fill_child(b, &k->sa->children[k->sa->nchildren++], s);
	}
	free(keys);
	return r;
}

static void lsw_fill_daemon(struct lsw_model *b)
{
	struct daemon_info *d = &b->m->daemon;

	d->have_version = true;
	d->daemon = "pluto";
	d->version = lsw_str(b->m, b->version);
	if (!d->version)
		d->version = "";
	d->sysname = d->release = d->machine = "";
	if (b->have_global[LSW_G_IKE]) {
		d->have_stats = true;
		d->stats_ike_only = true;
		d->ikesas_total = b->global[LSW_G_IKE];
		d->ikesas_half_open = b->global[LSW_G_HALF_OPEN];
	}
	d->have_child_sas = b->have_global[LSW_G_CHILD];
	d->child_sas_total = b->global[LSW_G_CHILD];
	/* a pair or triple is read together, or not at all: no made-up 0 */
	d->have_negotiations = b->have_global[LSW_G_ESTABLISHED] &&
			       b->have_global[LSW_G_FAILED];
	d->ike_established_total = b->global[LSW_G_ESTABLISHED];
	d->ike_failed_total = b->global[LSW_G_FAILED];
	d->have_dpd = b->have_global[LSW_G_DPD_SENT] &&
		      b->have_global[LSW_G_DPD_RECV] &&
		      b->have_global[LSW_G_DPD_REPLIED];
	d->dpd_sent = b->global[LSW_G_DPD_SENT];
	d->dpd_received = b->global[LSW_G_DPD_RECV];
	d->dpd_replied = b->global[LSW_G_DPD_REPLIED];
}

int lsw_model_finish(struct lsw_model *b, struct ikw_err *err)
{
	int r = lsw_fill_conns(b);

	if (!r)
		r = lsw_fill_sas(b);
	if (r)
		return err_set(err, r, "out of memory");
	lsw_fill_daemon(b);
	b->m->have_sas = true;
	b->m->sa_packets_unknown = true;
	return 0;
}
