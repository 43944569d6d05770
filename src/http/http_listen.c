#include "http/http_listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/num.h"


static int http_parse_host(const char *host, bool v6, uint16_t port,
			   struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;

	memset(ss, 0, sizeof(*ss));
	if (!v6) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		/* inet_pton, unlike getaddrinfo, refuses "127.1" and "0x7f.1" */
		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			return -EINVAL;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return 0;
	}
	/* getaddrinfo for the zone ("fe80::1%eth0"); numeric only, no DNS */
	hints.ai_family = AF_INET6;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return -EINVAL;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = (socklen_t)res->ai_addrlen;
	freeaddrinfo(res);
	((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	return 0;
}

int http_parse_listen_address(const char *s, struct sockaddr_storage *ss,
			      socklen_t *len, struct ikw_err *err)
{
	char host[INET6_ADDRSTRLEN + 64];
	const char *host_start, *host_end, *port_str;
	uint64_t port;
	bool v6 = false;

	if (!s || !*s)
		return err_set(err, -EINVAL, "empty listen address");
	if (s[0] == '[') {
		host_start = s + 1;
		host_end = strchr(s, ']');
		if (!host_end || host_end[1] != ':')
			return err_set(err, -EINVAL, "invalid listen address '%s': "
				       "expected [IPv6]:port", s);
		port_str = host_end + 2;
		v6 = true;
	} else {
		host_start = s;
		host_end = strrchr(s, ':');
		if (!host_end)
			return err_set(err, -EINVAL, "invalid listen address '%s': "
				       "missing :port", s);
		port_str = host_end + 1;
		if (memchr(s, ':', (size_t)(host_end - s)))
			return err_set(err, -EINVAL, "invalid listen address '%s': "
				       "an IPv6 address needs brackets, as in [::1]:9786", s);
	}
	if (num_parse_u64_str(port_str, 65535, &port) < 0)
		return err_set(err, -EINVAL, "invalid listen address '%s': "
			       "port must be 0-65535", s);
	if ((size_t)(host_end - host_start) >= sizeof(host))
		return err_set(err, -EINVAL, "invalid listen address '%s': "
			       "address too long", s);
	memcpy(host, host_start, (size_t)(host_end - host_start));
	host[host_end - host_start] = '\0';
	if (!*host && !v6) {
		/* ":port": the IPv6 wildcard, opened dual-stack by the server */
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		memset(ss, 0, sizeof(*ss));
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_any;
		sin6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*sin6);
		return 0;
	}
	if (http_parse_host(host, v6, (uint16_t)port, ss, len) < 0)
		return err_set(err, -EINVAL, "invalid listen address '%s': "
			       "'%s' is not an IP%s address", s, host, v6 ? "v6" : "v4");
	return 0;
}

/* Opens a listening socket ourselves rather than letting libmicrohttpd do
 * it, so that a bind failure reports its real errno. */
static int http_listen_on(const struct sockaddr_storage *ss, socklen_t len,
			  bool dual, int *fd_out)
{
	int one = 1, v6only = !dual, fd, e;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (ss->ss_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) < 0) ||
	    bind(fd, (const struct sockaddr *)ss, len) < 0 ||
	    listen(fd, SOMAXCONN) < 0) {
		e = -errno;
		close(fd);
		return e;
	}
	*fd_out = fd;
	return 0;
}

int http_open_listener(const char *addr, int *fd, bool *v6,
			      uint16_t *port, struct ikw_err *err)
{
	struct sockaddr_storage ss;
	socklen_t len;
	bool dual = addr[0] == ':';
	int r;

	r = http_parse_listen_address(addr, &ss, &len, err);
	if (r < 0)
		return r;
	r = http_listen_on(&ss, len, dual, fd);
	if (r == -EAFNOSUPPORT && dual) {
		/* ":port" on a host without IPv6: all IPv4 addresses */
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		uint16_t p = ((struct sockaddr_in6 *)&ss)->sin6_port;

		memset(&ss, 0, sizeof(ss));
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_ANY);
		sin->sin_port = p;
		len = sizeof(*sin);
		r = http_listen_on(&ss, len, false, fd);
	}
	if (r < 0)
		return err_set(err, r, "cannot listen on %s: %s", addr, strerror(-r));
	*v6 = ss.ss_family == AF_INET6;
	len = sizeof(ss);
	if (getsockname(*fd, (struct sockaddr *)&ss, &len) == 0)
		*port = ntohs(ss.ss_family == AF_INET6 ?
			      ((struct sockaddr_in6 *)&ss)->sin6_port :
			      ((struct sockaddr_in *)&ss)->sin_port);
	return 0;
}

/* ---- responses ---------------------------------------------------------- */
