#include "model/conn_certs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *const cert_side_names[CERT_SIDE_COUNT] = { "local", "remote" };
const char *const cert_kind_names[CERT_KIND_COUNT] = { "end", "ca" };

/* Grows an arena array of size-byte elements to hold one more. */
static void *cert_store_grow(struct arena *a, void *arr, size_t size,
			     size_t n, size_t *alloc)
{
	size_t na;
	void *p;

	if (n < *alloc)
		return arr;
	na = *alloc ? *alloc * 2 : 16;
	p = arena_alloc(a, na * size);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, arr, n * size);
	*alloc = na;
	return p;
}

struct cert_ref *cert_store_add_ref(struct cert_store *cs, struct arena *a)
{
	struct cert_ref *p = cert_store_grow(a, cs->refs, sizeof(*p), cs->nrefs,
					     &cs->refs_alloc);

	if (!p)
		return NULL;
	cs->refs = p;
	memset(&p[cs->nrefs], 0, sizeof(*p));
	return &p[cs->nrefs++];
}

struct held_cert *cert_store_add_held(struct cert_store *cs, struct arena *a)
{
	struct held_cert *p = cert_store_grow(a, cs->held, sizeof(*p), cs->nheld,
					      &cs->held_alloc);

	if (!p)
		return NULL;
	cs->held = p;
	memset(&p[cs->nheld], 0, sizeof(*p));
	return &p[cs->nheld++];
}

void conn_certs_normalize(char *s)
{
	char *w = s;
	const char *r = s;

	while (*r == ' ')
		r++;
	while (*r) {
		if (*r == ' ' && (r[1] == ' ' || !r[1])) {
			r++;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
}

bool conn_certs_subject_matches(const struct cert_ref *ref, const char *held)
{
	if (!held)
		return false;
	if (ref->cut)
		return !strncmp(ref->subject, held, strlen(ref->subject));
	return !strcmp(ref->subject, held);
}

/* The earliest held certificate that subject names, or NULL. */
static const struct held_cert *conn_certs_lookup(const struct cert_store *cs,
						 const struct cert_ref *ref)
{
	const struct held_cert *best = NULL;
	size_t i;

	for (i = 0; i < cs->nheld; i++) {
		const struct held_cert *h = &cs->held[i];

		if (!conn_certs_subject_matches(ref, h->subject) &&
		    !conn_certs_subject_matches(ref, h->subject_alt))
			continue;
		if (!best || h->not_after < best->not_after)
			best = h;
	}
	return best;
}

/* by conn, side, kind, and the earliest first */
static int conn_certs_cmp(const void *pa, const void *pb)
{
	const struct conn_cert *a = pa, *b = pb;
	int r = strcmp(a->conn, b->conn);

	if (r)
		return r;
	if (a->side != b->side)
		return a->side < b->side ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->not_after != b->not_after)
		return a->not_after < b->not_after ? -1 : 1;
	return 0;
}

static bool conn_certs_same(const struct conn_cert *a, const struct conn_cert *b)
{
	return a->side == b->side && a->kind == b->kind && !strcmp(a->conn, b->conn);
}

int conn_certs_join(struct cert_store *cs, struct arena *a)
{
	size_t i, n = 0, k;
	struct conn_cert *v;

	cs->certs = NULL;
	cs->ncerts = 0;
	if (!cs->have_refs || !cs->have_held || !cs->nrefs)
		return 0;
	v = arena_alloc(a, cs->nrefs * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < cs->nrefs; i++) {
		const struct cert_ref *ref = &cs->refs[i];
		const struct held_cert *h = conn_certs_lookup(cs, ref);

		if (h)   /* else charon does not hold it: unknown, absent */
			v[n++] = (struct conn_cert){ ref->conn, ref->side, ref->kind,
						     h->not_after, h->subject };
	}
	qsort(v, n, sizeof(*v), conn_certs_cmp);
	/* one entry per conn/side/kind: its earliest, sorted first */
	for (i = 0, k = 0; i < n; i++)
		if (!k || !conn_certs_same(&v[k - 1], &v[i]))
			v[k++] = v[i];
	cs->certs = v;
	cs->ncerts = k;
	return 0;
}

const struct conn_cert *conn_certs_of(const struct cert_store *cs,
				      const char *conn, size_t *n)
{
	size_t lo = 0, hi = cs->ncerts, k;

	*n = 0;
	while (lo < hi) {   /* the first entry not below conn */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(cs->certs[mid].conn, conn) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (k = lo; k < cs->ncerts && !strcmp(cs->certs[k].conn, conn); k++)
		(*n)++;
	return *n ? &cs->certs[lo] : NULL;
}
