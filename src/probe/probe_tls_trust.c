#include "probe/probe_tls_trust.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <stdlib.h>
#include <string.h>

#include "common/file.h"
#include "common/log.h"

/* Which kind of trust an entry holds. */
enum ptt_kind { PTT_FILE, PTT_SYSTEM, PTT_NONE };

struct ptt_entry {
	struct probe_tls_cred c;
	enum ptt_kind kind;
	const char *ca_file;          /* PTT_FILE: the spec's string */
};

struct probe_tls_trust {
	gnutls_priority_t prio;
	struct ptt_entry *v;          /* distinct trusts */
	size_t n;
	size_t *of;                   /* per probe: index into v, or SIZE_MAX */
	size_t nprobes;
};

/* Loads the PEM CA list at path into cred. */
static int ptt_load_ca(gnutls_certificate_credentials_t cred, const char *path,
		       struct ikw_err *err)
{
	char *pem = NULL;
	size_t len = 0;
	gnutls_datum_t d;
	int r = file_read_all(path, PROBE_CA_FILE_MAX, &pem, &len, err);

	if (r)
		return r;
	d = (gnutls_datum_t){ (unsigned char *)pem, (unsigned)len };
	r = gnutls_certificate_set_x509_trust_mem(cred, &d, GNUTLS_X509_FMT_PEM);
	free(pem);
	if (r <= 0)
		return err_set(err, -EINVAL, "'%s': %s", path,
			       r < 0 ? gnutls_strerror(r) : "no PEM certificate in it");
	return 0;
}

int probe_tls_ca_check(const char *path, struct ikw_err *err)
{
	gnutls_certificate_credentials_t cred;
	int r;

	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		return err_set(err, -ENOMEM, "out of memory");
	r = ptt_load_ca(cred, path, err);
	gnutls_certificate_free_credentials(cred);
	return r;
}

static enum ptt_kind ptt_kind_of(const struct probe_spec *sp)
{
	if (sp->insecure_skip_verify)
		return PTT_NONE;
	return sp->ca_file ? PTT_FILE : PTT_SYSTEM;
}

/* The entry for sp's kind of trust, if one exists. */
static size_t ptt_find(const struct probe_tls_trust *t, const struct probe_spec *sp)
{
	enum ptt_kind k = ptt_kind_of(sp);
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].kind == k && (k != PTT_FILE || !strcmp(t->v[i].ca_file, sp->ca_file)))
			return i;
	return SIZE_MAX;
}

static int ptt_fill(struct ptt_entry *e, const struct probe_spec *sp, struct ikw_err *err)
{
	gnutls_certificate_credentials_t cred;
	int r = 0;

	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		return err_set(err, -ENOMEM, "out of memory");
	e->c.cred = cred;
	e->kind = ptt_kind_of(sp);
	e->ca_file = sp->ca_file;
	e->c.verify = e->kind != PTT_NONE;
	if (e->kind == PTT_FILE) {
		r = ptt_load_ca(cred, sp->ca_file, err);
		if (r)
			err_prefix(err, r, "probe %s/%s/%s: ca_file", sp->conn, sp->child, sp->name);
	} else if (e->kind == PTT_NONE) {
		log_warn("probe %s/%s/%s: insecure_skip_verify: no https probe with it checks "
			 "the server's certificate (meant for tests)", sp->conn, sp->child, sp->name);
	} else {
		/* not fatal: the runs then fail as tls, which the log explains */
		r = gnutls_certificate_set_x509_system_trust(cred);
		if (r <= 0)
			log_warn("probes: no system trust store (%s): https probes without "
				 "ca_file will fail as tls", r < 0 ? gnutls_strerror(r) : "empty");
		r = 0;
	}
	return r;
}

static int ptt_build(struct probe_tls_trust *t, const struct probe_config *pc,
		     struct ikw_err *err)
{
	size_t i, k;
	int r;

	for (i = 0; i < pc->n; i++) {
		const struct probe_spec *sp = &pc->v[i];

		t->of[i] = SIZE_MAX;
		if (sp->type != PROBE_HTTP || !sp->tls)
			continue;
		k = ptt_find(t, sp);
		if (k == SIZE_MAX) {
			k = t->n++;
			r = ptt_fill(&t->v[k], sp, err);
			if (r)
				return r;
			t->v[k].c.prio = t->prio;
		}
		t->of[i] = k;
	}
	return 0;
}

int probe_tls_trust_new(const struct probe_config *pc, struct probe_tls_trust **out,
			struct ikw_err *err)
{
	struct probe_tls_trust *t = calloc(1, sizeof(*t));
	size_t n = pc->n ? pc->n : 1;
	int r;

	*out = NULL;
	if (!t)
		return err_set(err, -ENOMEM, "out of memory");
	t->v = calloc(n, sizeof(*t->v));
	t->of = calloc(n, sizeof(*t->of));
	t->nprobes = pc->n;
	if (!t->v || !t->of) {
		probe_tls_trust_free(t);
		return err_set(err, -ENOMEM, "out of memory");
	}
	r = gnutls_priority_init(&t->prio, PROBE_TLS_PRIORITIES, NULL);
	if (r < 0) {
		t->prio = NULL;
		probe_tls_trust_free(t);
		return err_set(err, -EINVAL, "probes: GnuTLS refuses the priorities '%s': %s",
			       PROBE_TLS_PRIORITIES, gnutls_strerror(r));
	}
	r = ptt_build(t, pc, err);
	if (r) {
		probe_tls_trust_free(t);
		return r;
	}
	*out = t;
	return 0;
}

void probe_tls_trust_free(struct probe_tls_trust *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; t->v && i < t->n; i++)
		if (t->v[i].c.cred)
			gnutls_certificate_free_credentials(t->v[i].c.cred);
	if (t->prio)
		gnutls_priority_deinit(t->prio);
	free(t->v);
	free(t->of);
	free(t);
}

const struct probe_tls_cred *probe_tls_trust_get(const struct probe_tls_trust *t, size_t idx)
{
	if (!t || idx >= t->nprobes || t->of[idx] == SIZE_MAX)
		return NULL;
	return &t->v[t->of[idx]].c;
}
