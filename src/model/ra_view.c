#include "model/ra_view.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "model/model.h"

bool ike_sa_is_session(const struct ike_sa *sa)
{
	size_t i;

	if (sa->state != IKE_ESTABLISHED)
		return false;
	for (i = 0; i < sa->nchildren; i++)
		if (sa->children[i].state == CHILD_INSTALLED)
			return true;
	return false;
}

/* ---- pools ------------------------------------------------------------- */

struct ra_addr {
	int af;
	unsigned char a[16];
};

static bool ra_addr_parse(const char *s, size_t len, struct ra_addr *out)
{
	char buf[INET6_ADDRSTRLEN];

	if (!len || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(out, 0, sizeof(*out));
	out->af = strchr(buf, ':') ? AF_INET6 : AF_INET;
	return inet_pton(out->af, buf, out->a) == 1;
}

/* A pool's range, parsed once per collection, not once per SA. */
struct ra_range {
	const char *name;
	struct ra_addr lo, hi;
};

static bool ra_range_parse(const struct va_pool *p, struct ra_range *r)
{
	r->name = p->name;
	return p->base && p->last && ra_addr_parse(p->base, strlen(p->base), &r->lo) &&
	       ra_addr_parse(p->last, strlen(p->last), &r->hi) && r->lo.af == r->hi.af;
}

static bool ra_range_holds(const struct ra_range *r, const struct ra_addr *a)
{
	size_t n = a->af == AF_INET ? 4 : 16;

	return r->lo.af == a->af && memcmp(a->a, r->lo.a, n) >= 0 &&
	       memcmp(a->a, r->hi.a, n) <= 0;
}

void ra_assign_pools(struct model *m)
{
	struct ra_range *ranges = malloc((m->pools.n ? m->pools.n : 1) * sizeof(*ranges));
	struct ra_addr a;
	size_t i, k, n = 0;

	for (k = 0; ranges && k < m->pools.n; k++)
		if (ra_range_parse(&m->pools.pools[k], &ranges[n]))
			n++;
	for (i = 0; i < m->nike; i++) {
		struct ike_sa *sa = &m->ike_sas[i];
		const char *v = sa->remote_vips;

		sa->pool = NULL;
		if (!v || !*v || !ra_addr_parse(v, strcspn(v, ","), &a))
			continue;
		for (k = 0; k < n && !sa->pool; k++)
			if (ra_range_holds(&ranges[k], &a))
				sa->pool = ranges[k].name;
	}
	free(ranges);   /* out of memory: no pool is named, nothing else fails */
}

/* ---- sessions per identity --------------------------------------------- */

/* One session before merging: its identity, bytes and virtual IPs. */
struct ra_row {
	const struct ike_sa *sa;
	const char *identity;       /* its remote id, "" for none */
	uint64_t bytes_in, bytes_out;
};

static int ra_cmp_row(const void *a, const void *b)
{
	return strcmp(((const struct ra_row *)a)->identity,
		      ((const struct ra_row *)b)->identity);
}

static int ra_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The virtual IPs of rows[0..n) (one identity): of the first
 * 4 * RA_IDENT_VIPS_MAX, the RA_IDENT_VIPS_MAX distinct ones first in text
 * order, comma-joined into m's arena. */
static const char *ra_join_vips(struct model *m, const struct ra_row *rows, size_t n)
{
	const char *all[RA_IDENT_VIPS_MAX * 4];
	char item[128], prev[128] = "";
	struct strbuf sb = STRBUF_INIT;
	size_t i, k = 0, kept = 0;
	const char *r;

	for (i = 0; i < n; i++) {
		const char *v = rows[i].sa->remote_vips;

		while (v && *v && k < sizeof(all) / sizeof(all[0])) {
			all[k++] = v;
			v += strcspn(v, ",");
			v += *v == ',';
		}
	}
	qsort(all, k, sizeof(all[0]), ra_cmp_str);
	for (i = 0; i < k && kept < RA_IDENT_VIPS_MAX; i++) {
		size_t len = strcspn(all[i], ",");

		if (len >= sizeof(item))
			continue;
		memcpy(item, all[i], len);
		item[len] = '\0';
		if (!strcmp(item, prev))
			continue;   /* the same address in two sessions */
		memcpy(prev, item, len + 1);
		if (sb.len)
			strbuf_addch(&sb, ',');
		strbuf_addstr(&sb, item);
		kept++;
	}
	r = strbuf_failed(&sb) ? NULL : arena_strdup(&m->arena, sb.len ? strbuf_str(&sb) : "");
	strbuf_release(&sb);
	return r;
}

static int ra_idents(struct model *m, struct ra_view *rv, struct ra_row *rows, size_t n)
{
	size_t i, j, k = 0;

	qsort(rows, n, sizeof(*rows), ra_cmp_row);
	rv->idents = arena_alloc(&m->arena, (n ? n : 1) * sizeof(*rv->idents));
	if (!rv->idents)
		return -ENOMEM;
	for (i = 0; i < n; i = j) {
		struct ra_ident *id = &rv->idents[k++];

		memset(id, 0, sizeof(*id));
		id->identity = rows[i].identity;
		for (j = i; j < n && !strcmp(rows[j].identity, id->identity); j++) {
			id->sessions++;
			id->bytes_in += rows[j].bytes_in;
			id->bytes_out += rows[j].bytes_out;
		}
		if (!(id->vips = ra_join_vips(m, rows + i, j - i)))
			return -ENOMEM;
	}
	rv->nidents = k;
	return 0;
}

/* The distinct pools of the conn's sessions, in m->pools' order. */
static int ra_pools(struct model *m, struct ra_view *rv, const struct ra_row *rows,
		    size_t n)
{
	size_t i, k;

	rv->pools = arena_alloc(&m->arena, (m->pools.n ? m->pools.n : 1) *
					   sizeof(*rv->pools));
	if (!rv->pools)
		return -ENOMEM;
	for (k = 0; k < m->pools.n; k++)
		for (i = 0; i < n; i++)
			if (rows[i].sa->pool && !strcmp(rows[i].sa->pool, m->pools.pools[k].name)) {
				rv->pools[rv->npools++] = &m->pools.pools[k];
				break;
			}
	return 0;
}

static int ra_build_one(struct model *m, struct conn_view *v, struct ra_row *rows)
{
	struct ra_view *rv = arena_alloc(&m->arena, sizeof(*rv));
	size_t i, j, n = 0;

	if (!rv)
		return -ENOMEM;
	memset(rv, 0, sizeof(*rv));
	for (i = 0; i < m->nike && n < v->nsas; i++) {
		const struct ike_sa *sa = &m->ike_sas[i];

		if (strcmp(sa->conn, v->name) || !ike_sa_is_session(sa))
			continue;
		rows[n] = (struct ra_row){ sa, sa->remote_id ? sa->remote_id : "", 0, 0 };
		for (j = 0; j < sa->nchildren; j++) {
			rows[n].bytes_in += sa->children[j].bytes_in;
			rows[n].bytes_out += sa->children[j].bytes_out;
		}
		n++;
	}
	rv->nsessions = n;
	if (ra_pools(m, rv, rows, n) || ra_idents(m, rv, rows, n))
		return -ENOMEM;
	v->ra = rv;
	return 0;
}

int ra_build_views(struct model *m)
{
	struct ra_row *rows = NULL;
	size_t i, most = 0;
	int r = 0;

	for (i = 0; i < m->nviews; i++)
		if (m->views[i].cfg && m->views[i].cfg->responder_only &&
		    m->views[i].nsas > most)
			most = m->views[i].nsas;
	rows = malloc((most ? most : 1) * sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	for (i = 0; !r && i < m->nviews; i++)
		if (m->views[i].cfg && m->views[i].cfg->responder_only)
			r = ra_build_one(m, &m->views[i], rows);
	free(rows);
	return r;
}
