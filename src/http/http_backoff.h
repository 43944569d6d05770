/* Per-client backoff after failed logins (inside http/ only).
 *
 * Each wrong or unknown credential costs a bcrypt run (tens of
 * milliseconds of CPU), so a client that loops over them could take the
 * gateway's CPU from charon.  After HTTP_BACKOFF_FREE failures a client is
 * refused for 1 s, doubling with each further failure up to
 * HTTP_BACKOFF_MAX_MS; while refused it gets 429 without any bcrypt run.  A
 * success forgets the client, and so do HTTP_BACKOFF_FORGET_MS without a
 * failure.  A client is an IPv4 address or an IPv6 /64 (one host usually
 * owns a whole /64).  The table is bounded: when full, the client whose last
 * failure is oldest is forgotten.  Thread-safe.
 */
#ifndef IKW_HTTP_BACKOFF_H
#define IKW_HTTP_BACKOFF_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_BACKOFF_FREE 5
#define HTTP_BACKOFF_MAX_MS (60 * 1000)
#define HTTP_BACKOFF_FORGET_MS (10 * 60 * 1000)
#define HTTP_BACKOFF_CLIENTS 1024

struct http_backoff;

struct http_backoff *http_backoff_new(void);
void http_backoff_free(struct http_backoff *b);

/* The client key of a textual address: the address itself, or for IPv6
 * its /64 ("2001:db8:1:2::/64"). */
void http_backoff_key(const char *address, char *out, size_t size);

/* Milliseconds client must still wait (0: it may try) at now_ms. */
int64_t http_backoff_wait_ms(struct http_backoff *b, const char *client, int64_t now_ms);
/* A failed login by client at now_ms; a success. */
void http_backoff_failed(struct http_backoff *b, const char *client, int64_t now_ms);
void http_backoff_succeeded(struct http_backoff *b, const char *client);

#endif
