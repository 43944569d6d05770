/* Requests the server refused or cut, by reason, for the operator
 * (ikewatch_http_refusals_total{reason}): a login loop, a trickling client
 * or a flood shows up on the dashboard before it shows up as missed scrapes.
 * Inside http/; read through http_server_refusals(). */
#ifndef IKW_HTTP_REFUSALS_H
#define IKW_HTTP_REFUSALS_H

#include <stdatomic.h>

enum http_refusal {
	HTTP_REFUSED_LOGIN_FAILED,      /* 401 after a bcrypt run */
	HTTP_REFUSED_LOGIN_BACKOFF,     /* 429: the address backs off */
	HTTP_REFUSED_LOGIN_BUSY,        /* 503: no bcrypt turn in time */
	HTTP_REFUSED_REQUEST_DEADLINE,  /* cut: request not read in time */
	HTTP_REFUSED_RESPONSE_DEADLINE, /* cut: response not taken in time */
	HTTP_REFUSED_BODY_TOO_LARGE,    /* 413 */
	HTTP_REFUSED_SCRAPE_SLOTS,      /* 503: no scrape slot in time */
	HTTP_REFUSALS
};

struct http_refusals {
	atomic_ulong n[HTTP_REFUSALS];
};

static inline void http_refusal_count(struct http_refusals *r, enum http_refusal k)
{
	if (r)
		atomic_fetch_add(&r->n[k], 1);
}

#endif
