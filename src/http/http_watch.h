/* Deadlines on HTTP connections, whatever the client's pace.
 *
 * libmicrohttpd's own timeout is idle-only: any byte resets it, so a client
 * that sends one byte every few seconds holds a connection for ever, and a
 * few of them hold every connection.  Here each connection is in one phase
 * with a deadline from the phase's start:
 *
 *   request   from the connection's start, or from a keep-alive request's
 *             first line, until its headers and body are read;
 *   response  from the response being queued until it has been sent;
 *   idle      between keep-alive requests, until the next request line.
 *
 * A watchdog thread shuts the socket down when a deadline passes;
 * libmicrohttpd's connection thread then sees the connection end and cleans
 * up as usual (the descriptor stays open until it does, so the shutdown
 * never reaches another socket).  Inside http/ only.
 */
#ifndef IKW_HTTP_WATCH_H
#define IKW_HTTP_WATCH_H

#include <stdint.h>

#include "common/err.h"
#include "http/http_refusals.h"
#include "http/http_reply.h"

enum http_phase { HTTP_PHASE_REQUEST, HTTP_PHASE_RESPONSE, HTTP_PHASE_IDLE,
		  HTTP_PHASES };

/* The deadlines, in milliseconds (0: that phase has none). */
struct http_watch_limits {
	unsigned ms[HTTP_PHASES];
};

/* Room for a client's address in text. */
#define HTTP_CLIENT_MAX 64

/* One connection: libmicrohttpd's socket context.  http_reply.c reads the
 * first member only, as its socket context's headers. */
struct http_conn {
	const struct http_reply_headers *headers;  /* first */
	char client[HTTP_CLIENT_MAX];  /* the peer's address, for logs and limits */
	int fd;
	enum http_phase phase;
	int64_t deadline_ms;      /* deadline_now_ms() clock; 0: none */
	struct http_watch *watch;
	struct http_conn *prev, *next;
};

struct http_watch;

/* Starts the watchdog thread.  headers must outlive it. */
int http_watch_start(const struct http_watch_limits *limits,
		     const struct http_reply_headers *headers,
		     struct http_refusals *refusals, struct http_watch **out,
		     struct ikw_err *err);
/* Stops the thread; every connection must have been removed. */
void http_watch_stop(struct http_watch *w);

/* A new connection on fd from client, in the request phase; NULL when out
 * of memory (the caller then has the connection closed). */
struct http_conn *http_watch_add(struct http_watch *w, int fd, const char *client);
/* The connection ended; frees c.  Accepts NULL. */
void http_watch_remove(struct http_conn *c);
/* The connection enters a phase; its deadline starts now. */
void http_watch_enter(struct http_conn *c, enum http_phase phase);

/* Where the cut requests and responses are counted (the server's). */
struct http_refusals *http_watch_refusals(struct http_watch *w);

const char *http_phase_name(enum http_phase p);

#endif
