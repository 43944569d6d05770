#include "vici/vici_conn.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/strbuf.h"
#include "vici/vici_packet.h"

/* Events of other registrations kept while a command or (un)registration is
 * in flight.  Bounded, since a flood of events must not grow memory without
 * limit: the oldest is dropped and counted. */
#define VICI_CONN_QUEUE_MAX 64

/* While the backlog of charon's socket is full, connect() fails with EAGAIN
 * at once; retry at this interval until the deadline. */
#define VICI_CONN_RETRY_MS 10

/* Read-ahead: list-sas streams one event of 1-3 KiB per IKE SA, and reading
 * each as a 4-byte header then a body cost two recv() calls per SA (a fifth
 * of ikewatch's CPU at 1000 tunnels); one recv() now fills this buffer with
 * several packets. */
#define VICI_CONN_READ_AHEAD (16 * 1024)

struct vici_conn_queued {
	uint8_t *buf;   /* a whole EVENT packet (without length prefix) */
	size_t len;
};

struct vici_conn {
	int fd;
	bool poisoned;
	/* Receive state kept across calls, so that a vici_read_event() timeout
	 * in the middle of a packet loses nothing. */
	uint8_t hdr[4];
	size_t hdr_got;
	uint8_t *rx;
	size_t rx_len, rx_got;
	uint8_t ahead[VICI_CONN_READ_AHEAD];
	size_t ahead_off, ahead_len;  /* ahead[ahead_off..ahead_len) unread */
	struct vici_conn_queued queue[VICI_CONN_QUEUE_MAX];
	size_t q_head, q_count;
	uint64_t dropped;
	struct strbuf tx;
};

/* --- socket I/O with deadlines --- */

static int vici_conn_wait(int fd, short events, const struct deadline *dl,
			  struct ikw_err *err)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		int n = poll(&p, 1, deadline_remaining_ms(dl));
		int e = errno;

		if (n > 0)
			return 0;  /* also on POLLHUP/POLLERR: the next call says why */
		if (n == 0)
			return err_set(err, -ETIMEDOUT, "timed out %s charon",
				       events & POLLIN ? "reading from" : "writing to");
		if (e != EINTR)
			return err_set(err, -e, "poll: %s", strerror(e));
	}
}

static int vici_conn_send_all(struct vici_conn *c, const char *p, size_t n,
			      const struct deadline *dl, struct ikw_err *err)
{
	while (n) {
		ssize_t k = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		int e = errno, r;

		if (k >= 0) {
			p += k;
			n -= (size_t)k;
			continue;
		}
		if (e == EINTR)
			continue;
		if (e == EPIPE || e == ECONNRESET)
			return err_set(err, -e, "charon closed the connection");
		if (e != EAGAIN && e != EWOULDBLOCK)
			return err_set(err, -e, "write to charon: %s", strerror(e));
		r = vici_conn_wait(c->fd, POLLOUT, dl, err);
		if (r)
			return r;
	}
	return 0;
}

/* Hands out read-ahead bytes first; returns how many (0 when none). */
static size_t vici_conn_take_ahead(struct vici_conn *c, void *p, size_t n)
{
	size_t have = c->ahead_len - c->ahead_off;

	if (n > have)
		n = have;
	memcpy(p, c->ahead + c->ahead_off, n);
	c->ahead_off += n;
	if (c->ahead_off == c->ahead_len)
		c->ahead_off = c->ahead_len = 0;
	return n;
}

/* Reads at least one byte; returns the count or a negative errno.  A small
 * read goes through the read-ahead buffer, a large one straight into p. */
static ssize_t vici_conn_recv_some(struct vici_conn *c, void *p, size_t n,
				   const struct deadline *dl, struct ikw_err *err)
{
	if (c->ahead_len > c->ahead_off)
		return (ssize_t)vici_conn_take_ahead(c, p, n);
	for (;;) {
		bool direct = n >= sizeof(c->ahead);
		ssize_t k = recv(c->fd, direct ? p : (void *)c->ahead,
				 direct ? n : sizeof(c->ahead), MSG_DONTWAIT);
		int e = errno, r;

		if (k > 0 && direct)
			return k;
		if (k > 0) {
			c->ahead_len = (size_t)k;
			return (ssize_t)vici_conn_take_ahead(c, p, n);
		}
		if (k == 0)
			return err_set(err, -ECONNRESET,
				       "charon closed the connection%s",
				       c->hdr_got ? " in the middle of a packet" : "");
		if (e == EINTR)
			continue;
		if (e == ECONNRESET)
			return err_set(err, -e, "connection reset by charon");
		if (e != EAGAIN && e != EWOULDBLOCK)
			return err_set(err, -e, "read from charon: %s", strerror(e));
		r = vici_conn_wait(c->fd, POLLIN, dl, err);
		if (r)
			return r;
	}
}

/* Reads one whole packet into a buffer allocated only after the length was
 * checked against the cap.  The caller owns *buf. */
static int vici_conn_recv_packet(struct vici_conn *c, const struct deadline *dl,
				 uint8_t **buf, size_t *len, struct ikw_err *err)
{
	ssize_t k;
	int r;

	while (c->hdr_got < sizeof(c->hdr)) {
		k = vici_conn_recv_some(c, c->hdr + c->hdr_got,
					sizeof(c->hdr) - c->hdr_got, dl, err);
		if (k < 0)
			return (int)k;
		c->hdr_got += (size_t)k;
	}
	if (!c->rx) {
		r = vici_packet_length(c->hdr, &c->rx_len, err);
		if (r)
			return r;
		c->rx = malloc(c->rx_len);
		if (!c->rx)
			return err_set(err, -ENOMEM, "out of memory for a %zu byte packet",
				       c->rx_len);
		c->rx_got = 0;
	}
	while (c->rx_got < c->rx_len) {
		k = vici_conn_recv_some(c, c->rx + c->rx_got, c->rx_len - c->rx_got,
					dl, err);
		if (k < 0)
			return (int)k;
		c->rx_got += (size_t)k;
	}
	*buf = c->rx;
	*len = c->rx_len;
	c->rx = NULL;
	c->hdr_got = 0;
	return 0;
}

/* Reads and parses one packet; pkt points into *buf, which the caller owns.
 * For the loops that wait for a reply: the deadline is checked before every
 * packet, since a charon streaming events without pause would never let a
 * read block and time out. */
static int vici_conn_recv_parsed(struct vici_conn *c, const struct deadline *dl,
				 uint8_t **buf, size_t *len,
				 struct vici_packet *pkt, struct ikw_err *err)
{
	int r;

	if (deadline_remaining_ms(dl) == 0)
		return err_set(err, -ETIMEDOUT, "timed out reading from charon");
	r = vici_conn_recv_packet(c, dl, buf, len, err);
	if (r)
		return r;
	r = vici_packet_parse(*buf, *len, pkt, err);
	if (r) {
		free(*buf);
		*buf = NULL;
	}
	return r;
}

static int vici_conn_send(struct vici_conn *c, enum vici_op op,
			  const char *name, const void *msg, size_t msg_len,
			  const struct deadline *dl, struct ikw_err *err)
{
	int r;

	strbuf_reset(&c->tx);
	r = vici_packet_encode(&c->tx, op, name, msg, msg_len);
	if (r)
		return err_set(err, r, "cannot encode %s packet", vici_op_name(op));
	return vici_conn_send_all(c, c->tx.buf, c->tx.len, dl, err);
}

/* --- state --- */

/* Any failure except "charon does not know X" may leave a reply in flight or
 * half a packet unread, so the stream can no longer be trusted. */
static int vici_conn_done(struct vici_conn *c, int r)
{
	if (r && r != -ENOTSUP)
		c->poisoned = true;
	return r;
}

static int vici_conn_usable(const struct vici_conn *c, struct ikw_err *err)
{
	if (c->poisoned)
		return err_set(err, -EPIPE, "connection unusable after earlier error");
	return 0;
}

static int vici_conn_check_name(const char *what, const char *name,
				struct ikw_err *err)
{
	if (!name || !vici_name_valid(name, strnlen(name, 256)))
		return err_set(err, -EINVAL, "invalid %s name", what);
	return 0;
}

static void vici_conn_enqueue(struct vici_conn *c, uint8_t *buf, size_t len)
{
	size_t tail;

	if (c->q_count == VICI_CONN_QUEUE_MAX) {
		free(c->queue[c->q_head].buf);
		c->q_head = (c->q_head + 1) % VICI_CONN_QUEUE_MAX;
		c->q_count--;
		c->dropped++;
	}
	tail = (c->q_head + c->q_count) % VICI_CONN_QUEUE_MAX;
	c->queue[tail] = (struct vici_conn_queued){ buf, len };
	c->q_count++;
}

/* --- registration --- */

/* Sends EVENT_REGISTER or EVENT_UNREGISTER and waits for the answer, keeping
 * any events that arrive meanwhile. */
static int vici_conn_subscribe(struct vici_conn *c, enum vici_op op,
			       const char *event, const struct deadline *dl,
			       struct ikw_err *err)
{
	struct vici_packet pkt;
	uint8_t *buf;
	size_t len;
	int r = vici_conn_send(c, op, event, NULL, 0, dl, err);

	while (!r) {
		r = vici_conn_recv_parsed(c, dl, &buf, &len, &pkt, err);
		if (r)
			break;
		if (pkt.op == VICI_EVENT) {
			vici_conn_enqueue(c, buf, len);
			continue;
		}
		free(buf);
		if (pkt.op == VICI_EVENT_CONFIRM)
			return 0;
		if (pkt.op == VICI_EVENT_UNKNOWN)
			return err_set(err, -ENOTSUP, "charon does not know event %s",
				       event);
		return err_set(err, -EBADMSG, "unexpected %s packet after %s %s",
			       vici_op_name(pkt.op), vici_op_name(op), event);
	}
	return r;
}

static int vici_conn_subscription(struct vici_conn *c, enum vici_op op,
				  const char *event, const struct deadline *dl,
				  struct ikw_err *err)
{
	int r = vici_conn_usable(c, err);

	if (!r)
		r = vici_conn_check_name("event", event, err);
	if (r)
		return r;
	return vici_conn_done(c, vici_conn_subscribe(c, op, event, dl, err));
}

int vici_register(struct vici_conn *c, const char *event,
		  const struct deadline *dl, struct ikw_err *err)
{
	return vici_conn_subscription(c, VICI_EVENT_REGISTER, event, dl, err);
}

int vici_unregister(struct vici_conn *c, const char *event,
		    const struct deadline *dl, struct ikw_err *err)
{
	return vici_conn_subscription(c, VICI_EVENT_UNREGISTER, event, dl, err);
}

/* --- commands --- */

struct vici_conn_call {
	const char *cmd;
	const char *stream_event;
	vici_event_fn on_event;
	void *ctx;
	struct vici_msg *resp;
	bool aborted;   /* on_event failed; err holds its reason */
};

static bool vici_conn_pkt_named(const struct vici_packet *pkt, const char *s)
{
	size_t n = strlen(s);

	return pkt->name_len == n && !memcmp(pkt->name, s, n);
}

/* Hands one streamed event to the callback.  A callback that gives up aborts
 * the command with its reply still in flight.  Callbacks usually write their
 * own reason into the caller's err (through ctx): it is kept as is, and only
 * when they wrote none is a generic one filled in. */
static int vici_conn_deliver(struct vici_conn *c, struct vici_conn_call *call,
			     const struct vici_packet *pkt, struct ikw_err *err)
{
	struct vici_msg msg = VICI_MSG_INIT;
	int r = vici_msg_decode(pkt->msg, pkt->msg_len, &msg, err);

	if (r)
		return err_prefix(err, r, "malformed %s event", call->stream_event);
	if (err)
		err->msg[0] = '\0';
	if (call->on_event)
		r = call->on_event(call->ctx, &msg);
	vici_msg_release(&msg);
	if (!r)
		return 0;
	c->poisoned = true;
	call->aborted = true;
	if (err && !err->msg[0])
		err_set(err, r, "%s: %s event handler aborted: %s", call->cmd,
			call->stream_event, strerror(r < 0 ? -r : r));
	return r;
}

/* Decodes the response; on success the message takes over buf. */
static int vici_conn_take_response(uint8_t *buf, const struct vici_packet *pkt,
				   struct vici_msg *resp, struct ikw_err *err)
{
	struct vici_msg msg = VICI_MSG_INIT;
	int r = vici_msg_decode(pkt->msg, pkt->msg_len, &msg, err);

	if (r) {
		free(buf);
		return err_prefix(err, r, "malformed response");
	}
	msg.owned = buf;
	if (resp)
		*resp = msg;
	else
		vici_msg_release(&msg);
	return 0;
}

static int vici_conn_await_response(struct vici_conn *c,
				    struct vici_conn_call *call,
				    const struct deadline *dl,
				    struct ikw_err *err)
{
	struct vici_packet pkt;
	uint8_t *buf;
	size_t len;
	int r;

	for (;;) {
		r = vici_conn_recv_parsed(c, dl, &buf, &len, &pkt, err);
		if (r)
			return r;
		switch (pkt.op) {
		case VICI_EVENT:
			if (call->stream_event &&
			    vici_conn_pkt_named(&pkt, call->stream_event)) {
				r = vici_conn_deliver(c, call, &pkt, err);
				free(buf);
				if (r)
					return r;
			} else {
				vici_conn_enqueue(c, buf, len);
			}
			continue;
		case VICI_CMD_RESPONSE:
			return vici_conn_take_response(buf, &pkt, call->resp, err);
		case VICI_CMD_UNKNOWN:
			free(buf);
			return err_set(err, -ENOTSUP, "unknown command %s", call->cmd);
		default:
			free(buf);
			return err_set(err, -EBADMSG,
				       "unexpected %s packet while waiting for the response",
				       vici_op_name(pkt.op));
		}
	}
}

static int vici_conn_check_call(const char *cmd, const struct vici_builder *req,
				const char *stream_event, struct ikw_err *err)
{
	int r = vici_conn_check_name("command", cmd, err);

	if (!r && stream_event)
		r = vici_conn_check_name("event", stream_event, err);
	if (r || !req)
		return r;
	if (req->error)
		return err_set(err, -EINVAL, "invalid request: %s", req->why.msg);
	if (req->depth)
		return err_set(err, -EINVAL, "invalid request: unbalanced message");
	return 0;
}

/* Register (if streaming), request, await the response, unregister. */
static int vici_conn_call(struct vici_conn *c, struct vici_conn_call *call,
			  const struct vici_builder *req,
			  const struct deadline *dl, struct ikw_err *err)
{
	int r = 0, r2;

	if (call->stream_event)
		r = vici_conn_subscribe(c, VICI_EVENT_REGISTER, call->stream_event,
					dl, err);
	if (r)
		return r;
	r = vici_conn_send(c, VICI_CMD_REQUEST, call->cmd,
			   req ? req->sb.buf : NULL, req ? req->sb.len : 0, dl, err);
	if (!r)
		r = vici_conn_await_response(c, call, dl, err);
	if (call->stream_event && (!r || r == -ENOTSUP)) {
		/* an error here replaces -ENOTSUP: the stream is out of step */
		r2 = vici_conn_subscribe(c, VICI_EVENT_UNREGISTER,
					 call->stream_event, dl, err);
		if (r2)
			r = r2;
	}
	return r;
}

int vici_call(struct vici_conn *c, const char *cmd,
	      const struct vici_builder *req, const char *stream_event,
	      vici_event_fn on_event, void *ctx, struct vici_msg *resp,
	      const struct deadline *dl, struct ikw_err *err)
{
	struct vici_msg tmp = VICI_MSG_INIT;
	struct vici_conn_call call = {
		.cmd = cmd, .stream_event = stream_event, .on_event = on_event,
		.ctx = ctx, .resp = &tmp,
	};
	int r;

	if (resp)
		*resp = (struct vici_msg)VICI_MSG_INIT;
	r = vici_conn_usable(c, err);
	if (!r)
		r = vici_conn_check_call(cmd, req, stream_event, err);
	if (r)
		return r;
	r = vici_conn_done(c, vici_conn_call(c, &call, req, dl, err));
	if (r) {
		vici_msg_release(&tmp);
		if (r == -ENOTSUP || call.aborted)
			return r;
		return err_prefix(err, r, "%s", cmd);
	}
	if (resp)
		*resp = tmp;
	else
		vici_msg_release(&tmp);
	return 0;
}

/* --- events --- */

/* Turns a whole EVENT packet into name and message; msg takes over buf. */
static int vici_conn_take_event(uint8_t *buf, size_t len, char name[256],
				struct vici_msg *msg, struct ikw_err *err)
{
	struct vici_packet pkt;
	int r = vici_packet_parse(buf, len, &pkt, err);

	if (!r && pkt.op != VICI_EVENT)
		r = err_set(err, -EBADMSG,
			    "unexpected %s packet while waiting for events",
			    vici_op_name(pkt.op));
	if (!r) {
		memcpy(name, pkt.name, pkt.name_len);
		name[pkt.name_len] = '\0';
		r = vici_msg_decode(pkt.msg, pkt.msg_len, msg, err);
		if (r)
			err_prefix(err, r, "malformed %s event", name);
	}
	if (r) {
		free(buf);
		name[0] = '\0';
		return r;
	}
	msg->owned = buf;
	return 0;
}

int vici_read_event(struct vici_conn *c, char name[256], struct vici_msg *msg,
		    const struct deadline *dl, struct ikw_err *err)
{
	struct vici_conn_queued q;
	uint8_t *buf;
	size_t len;
	int r;

	*msg = (struct vici_msg)VICI_MSG_INIT;
	name[0] = '\0';
	r = vici_conn_usable(c, err);
	if (r)
		return r;
	if (c->q_count) {
		q = c->queue[c->q_head];
		c->q_head = (c->q_head + 1) % VICI_CONN_QUEUE_MAX;
		c->q_count--;
		return vici_conn_done(c, vici_conn_take_event(q.buf, q.len, name,
							      msg, err));
	}
	r = vici_conn_recv_packet(c, dl, &buf, &len, err);
	if (r == -ETIMEDOUT)
		return r;  /* partial input stays buffered in c */
	if (!r)
		r = vici_conn_take_event(buf, len, name, msg, err);
	return vici_conn_done(c, r);
}

size_t vici_queued_events(const struct vici_conn *c)
{
	return c->q_count;
}

uint64_t vici_dropped_events(const struct vici_conn *c)
{
	return c->dropped;
}

int vici_fd(const struct vici_conn *c)
{
	return c->fd;
}

/* --- connect / close --- */

/* Non-blocking connect bounded by the deadline. */
static int vici_conn_connect_fd(int fd, const struct sockaddr_un *sa,
				const struct deadline *dl)
{
	socklen_t sl;
	int e, soerr;

	for (;;) {
		if (!connect(fd, (const struct sockaddr *)sa, sizeof(*sa)))
			return 0;
		e = errno;
		if (e == EAGAIN) {
			int ms = deadline_remaining_ms(dl);

			if (ms == 0)
				return -ETIMEDOUT;
			poll(NULL, 0, ms < VICI_CONN_RETRY_MS ? ms : VICI_CONN_RETRY_MS);
			continue;
		}
		if (e != EINPROGRESS && e != EINTR)
			return -e;
		if (vici_conn_wait(fd, POLLOUT, dl, NULL))
			return -ETIMEDOUT;
		sl = sizeof(soerr);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl))
			return -errno;
		return -soerr;
	}
}

static struct vici_conn *vici_conn_new(void)
{
	struct vici_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fd = -1;
	strbuf_init(&c->tx, 0);
	return c;
}

int vici_connect(const char *path, const struct deadline *dl,
		 struct vici_conn **out, struct ikw_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct vici_conn *c;
	size_t len;
	int r;

	*out = NULL;
	if (!strncmp(path, "unix://", 7))
		path += 7;
	len = strlen(path);
	if (len == 0)
		return err_set(err, -EINVAL, "empty socket path");
	if (len >= sizeof(sa.sun_path))
		return err_set(err, -ENAMETOOLONG, "socket path '%s' is too long",
			       path);
	memcpy(sa.sun_path, path, len + 1);
	c = vici_conn_new();
	if (!c)
		return err_set(err, -ENOMEM, "out of memory");
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	r = c->fd < 0 ? -errno : vici_conn_connect_fd(c->fd, &sa, dl);
	if (r) {
		vici_close(c);
		return err_set(err, r, "cannot connect to '%s': %s", path,
			       strerror(-r));
	}
	*out = c;
	return 0;
}

void vici_close(struct vici_conn *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	while (c->q_count) {
		free(c->queue[c->q_head].buf);
		c->q_head = (c->q_head + 1) % VICI_CONN_QUEUE_MAX;
		c->q_count--;
	}
	free(c->rx);
	strbuf_release(&c->tx);
	free(c);
}
