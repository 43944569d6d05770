/* The listening socket: "host:port" parsed and bound here rather than by
 * libmicrohttpd, so that a bind failure reports its real errno. */
#ifndef IKW_HTTP_LISTEN_H
#define IKW_HTTP_LISTEN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/err.h"

/* "127.0.0.1:9786", "[::1]:9786", "[fe80::1%eth0]:9786", ":9786" (all
 * addresses), "[::]:9786" (IPv6 only); numeric hosts only.  0 or -EINVAL
 * with err set.  Exposed for tests. */
int http_parse_listen_address(const char *s, struct sockaddr_storage *ss,
			      socklen_t *len, struct ikw_err *err);

/* Binds and listens on addr; *fd is the socket, *v6 whether it is IPv6 and
 * *port the bound port.  0 or -errno with err set ("cannot listen on ADDR:
 * Address already in use"). */
int http_open_listener(const char *addr, int *fd, bool *v6, uint16_t *port,
		       struct ikw_err *err);

/* A socket bound before the privilege drop (a port below 1024 needs
 * CAP_NET_BIND_SERVICE only for bind(), so the daemon never keeps it);
 * http_server_start() takes it over.  fd -1: none. */
struct http_listener {
	int fd;
	bool v6;
	uint16_t port;
};

#endif
