/* bench/vici_floor.c - the floor of a scrape: the least any exporter must
 * wait for charon.  Sends list-sas (noblock, as ikewatch does) and
 * list-conns on two connections at once (as ikewatch does), reads every
 * streamed event and the final response, and discards them.  Independent of
 * ikewatch's code; built by bench/run.sh.
 *
 *   vici_floor SOCKET     exit 0 when both listings completed, and print
 *                         the seconds they took (its own timer)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

enum { CMD_REQUEST, CMD_RESPONSE, CMD_UNKNOWN, EVENT_REGISTER, EVENT_UNREGISTER,
       EVENT_CONFIRM, EVENT_UNKNOWN, EVENT };

/* registering -> listing -> unregistering -> done */
struct listing {
	const char *cmd, *event;
	const uint8_t *msg;
	size_t msg_len;
	int fd, step;
	uint8_t *buf;
	size_t len, cap;
};

static int send_packet(int fd, uint8_t op, const char *name, const uint8_t *msg, size_t len)
{
	uint8_t p[512];
	size_t n = 4, nl = strlen(name);

	if (nl > 255 || 6 + nl + len > sizeof(p))
		return -1;

	p[n++] = op;
	p[n++] = (uint8_t)nl;
	memcpy(p + n, name, nl);
	n += nl;
	if (len)
		memcpy(p + n, msg, len);
	n += len;
	p[0] = (uint8_t)((n - 4) >> 24);
	p[1] = (uint8_t)((n - 4) >> 16);
	p[2] = (uint8_t)((n - 4) >> 8);
	p[3] = (uint8_t)(n - 4);
	return write(fd, p, n) == (ssize_t)n ? 0 : -1;
}

/* One whole packet of type op arrived on l: the next step. */
static int on_packet(struct listing *l, uint8_t op)
{
	if (op == EVENT)
		return 0;   /* a listed SA or conn: discarded */
	if (l->step == 0 && op == EVENT_CONFIRM) {
		l->step = 1;
		return send_packet(l->fd, CMD_REQUEST, l->cmd, l->msg, l->msg_len);
	}
	if (l->step == 1 && op == CMD_RESPONSE) {
		l->step = 2;
		return send_packet(l->fd, EVENT_UNREGISTER, l->event, NULL, 0);
	}
	if (l->step == 2 && op == EVENT_CONFIRM) {
		l->step = 3;
		return 0;
	}
	fprintf(stderr, "vici_floor: %s: unexpected packet type %u\n", l->cmd, op);
	return -1;
}

static int on_readable(struct listing *l)
{
	ssize_t r;
	size_t plen;

	if (l->cap - l->len < 65536) {
		l->cap = l->cap * 2 + 65536;
		if (!(l->buf = realloc(l->buf, l->cap)))
			return -1;
	}
	r = read(l->fd, l->buf + l->len, l->cap - l->len);
	if (r <= 0)
		return -1;
	l->len += (size_t)r;
	while (l->len >= 5) {
		plen = (size_t)l->buf[0] << 24 | (size_t)l->buf[1] << 16 |
		       (size_t)l->buf[2] << 8 | l->buf[3];
		if (l->len < 4 + plen)
			break;
		if (!plen || on_packet(l, l->buf[4]))
			return -1;
		memmove(l->buf, l->buf + 4 + plen, l->len - 4 - plen);
		l->len -= 4 + plen;
	}
	return 0;
}

static int open_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	/* a key-value "noblock" = "yes" */
	static const uint8_t noblock[] = { 3, 7, 'n', 'o', 'b', 'l', 'o', 'c', 'k', 0, 3,
					   'y', 'e', 's' };
	struct listing l[2] = {
		{ "list-sas", "list-sa", noblock, sizeof(noblock), -1, 0, NULL, 0, 0 },
		{ "list-conns", "list-conn", NULL, 0, -1, 0, NULL, 0, 0 },
	};
	struct pollfd p[2];
	struct timespec t0, t1;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (argc != 2) {
		fprintf(stderr, "usage: vici_floor SOCKET\n");
		return 2;
	}
	for (i = 0; i < 2; i++) {
		l[i].fd = open_socket(argv[1]);
		if (l[i].fd < 0 || send_packet(l[i].fd, EVENT_REGISTER, l[i].event, NULL, 0)) {
			fprintf(stderr, "vici_floor: %s: %s\n", argv[1], strerror(errno));
			return 1;
		}
	}
	while (l[0].step < 3 || l[1].step < 3) {
		for (i = 0; i < 2; i++)
			p[i] = (struct pollfd){ l[i].step < 3 ? l[i].fd : -1, POLLIN, 0 };
		if (poll(p, 2, 600000) <= 0)
			return 1;
		for (i = 0; i < 2; i++)
			if (p[i].revents && on_readable(&l[i])) {
				fprintf(stderr, "vici_floor: %s failed\n", l[i].cmd);
				return 1;
			}
	}
	/* its own timer, from before the connects to the last byte: what the
	 * benchmark compares with curl's own timer of a scrape */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.6f\n", (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
