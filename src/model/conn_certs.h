/* Certificates of connections: which certificate subjects each connection's
 * auth rounds name (list-conns), the certificates charon holds (list-certs),
 * and the join of the two into one notAfter per conn/side/kind (see
 * docs/metrics.md "Certificates").  Everything lives in the snapshot's
 * arenas; strings are NUL-terminated, never NULL. */
#ifndef IKW_CONN_CERTS_H
#define IKW_CONN_CERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"

enum cert_side { CERT_SIDE_LOCAL, CERT_SIDE_REMOTE, CERT_SIDE_COUNT };
enum cert_kind { CERT_KIND_END, CERT_KIND_CA, CERT_KIND_COUNT };
extern const char *const cert_side_names[CERT_SIDE_COUNT];  /* local, remote */
extern const char *const cert_kind_names[CERT_KIND_COUNT];  /* end, ca */

/* charon prints a DN into 512 bytes: a longer subject arrives cut at 511 */
#define CERT_DN_MAX 511

/* A certificate subject a connection names, as charon printed it. */
struct cert_ref {
	const char *conn;
	enum cert_side side;
	enum cert_kind kind;
	const char *subject;          /* normalized (conn_certs_normalize) */
	bool cut;                     /* charon cut it at CERT_DN_MAX */
};

/* A certificate charon holds.  subject is formatted as charon formats a DN;
 * subject_alt the same with the attribute names charon 5.x does not know
 * (organizationIdentifier) as dotted hex, or NULL when both are equal. */
struct held_cert {
	const char *subject, *subject_alt;
	int64_t not_after;            /* Unix seconds */
	bool ca, has_privkey;
};

/* The join: the earliest notAfter of the certificates one conn/side/kind
 * names and charon holds, and that certificate's subject. */
struct conn_cert {
	const char *conn;
	enum cert_side side;
	enum cert_kind kind;
	int64_t not_after;
	const char *subject;
};

struct cert_store {
	bool have_refs;               /* list-conns' auth sections were read */
	bool have_held;               /* list-certs answered */
	struct cert_ref *refs;
	size_t nrefs, refs_alloc;
	struct held_cert *held;
	size_t nheld, held_alloc;
	struct conn_cert *certs;      /* sorted by conn, side, kind */
	size_t ncerts;
};

/* Append a slot (zeroed) from a; NULL on ENOMEM.  The arrays grow in the
 * arena (the old copy stays until the arena is freed: at most twice). */
struct cert_ref *cert_store_add_ref(struct cert_store *cs, struct arena *a);
struct held_cert *cert_store_add_held(struct cert_store *cs, struct arena *a);

/* Tolerance for how a DN is spaced: runs of spaces become one, none at the
 * ends, in place.  Both sides of a match are normalized so. */
void conn_certs_normalize(char *s);

/* Whether ref's subject names a held certificate's subject (both
 * normalized): equal, or a prefix of it when charon cut it. */
bool conn_certs_subject_matches(const struct cert_ref *ref, const char *held);

/* Fills cs->certs from refs and held (no-op unless both were read), in a.
 * Returns 0 or -ENOMEM. */
int conn_certs_join(struct cert_store *cs, struct arena *a);

/* The entries of conn in cs->certs: returns the first and sets *n (0 and
 * NULL when none). */
const struct conn_cert *conn_certs_of(const struct cert_store *cs,
				      const char *conn, size_t *n);

#endif
