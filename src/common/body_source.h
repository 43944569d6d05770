/* A body produced in pieces, so that a large exposition is never held in
 * memory at once.  The HTTP server streams one to a client; the textfile
 * writer copies one to a file.  Below both, so neither includes the other. */
#ifndef IKW_BODY_SOURCE_H
#define IKW_BODY_SOURCE_H

#include "common/strbuf.h"

struct body_source {
	void *ctx;
	/* Appends the next piece to sb (which the caller has emptied).  Returns
	 * 1 if more follows, 0 at the end (sb may hold a last piece), <0 on
	 * error (the HTTP server then aborts the connection, so the client sees
	 * a truncated body rather than a short but valid-looking one).  A
	 * failed sb counts as an error. */
	int (*next)(void *ctx, struct strbuf *sb);
	/* Called exactly once when the body is done with (also after an error
	 * or an aborted connection); may be NULL. */
	void (*free)(void *ctx);
};

#endif
