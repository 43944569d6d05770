/* VICI client over a UNIX socket: connect and read with deadlines, named
 * commands with streamed replies, event registration.  One connection is used
 * by one thread at a time.
 *
 * Every blocking step (connect, each read and write) polls against the
 * deadline dl, which must not be NULL; no call blocks past it.  After any
 * error other than -ENOTSUP (and -EINVAL for bad arguments, and -ETIMEDOUT
 * from vici_read_event) the stream may be out of step with charon, so the
 * connection is poisoned: later calls fail with -EPIPE ("connection unusable
 * after earlier error") and the owner should close and reconnect. */
#ifndef IKW_VICI_CONN_H
#define IKW_VICI_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/deadline.h"
#include "common/err.h"
#include "vici/vici_codec.h"

#define VICI_DEFAULT_SOCKET "/var/run/charon.vici"

struct vici_conn;

/* Connects to a UNIX socket path (a "unix://" prefix is accepted).  Returns 0
 * or -errno (-ENOENT, -ECONNREFUSED, -ETIMEDOUT, ...) with err naming the
 * path. */
int vici_connect(const char *path, const struct deadline *dl,
		 struct vici_conn **out, struct ikw_err *err);
void vici_close(struct vici_conn *c);

/* Called once per streamed event message (for example each `list-sa` of
 * `list-sas`).  msg is valid only during the call.  A non-zero return aborts
 * the command and is returned by vici_call() (the connection is then unusable
 * and must be closed).  A callback may write its reason into the err given to
 * vici_call() (through ctx): vici_call() passes it on unchanged, and writes a
 * generic "<cmd>: <event> event handler aborted: ..." only when it is empty. */
typedef int (*vici_event_fn)(void *ctx, const struct vici_msg *msg);

/* Sends command `cmd` with request message req (NULL for an empty one).
 * When stream_event is not NULL, registers for it first, hands every event of
 * that name to on_event until the command's response arrives, then
 * unregisters.  on_event may be NULL to discard the stream.  The response is
 * decoded into *resp (release it with vici_msg_release(); it is always
 * initialized, and empty on error); resp may be NULL when the caller does not
 * need it.  err is prefixed with the command name, except for -ENOTSUP and
 * the callback's own reasons.
 * Errors: -ENOTSUP (charon answered CMD_UNKNOWN: unknown command, or
 * EVENT_UNKNOWN for the stream event), -ETIMEDOUT (deadline; the connection
 * must be closed), -ECONNRESET / -EPIPE (socket closed), -EBADMSG / -EMSGSIZE
 * (malformed or oversized reply), -ENOMEM.  err says which. */
int vici_call(struct vici_conn *c, const char *cmd,
	      const struct vici_builder *req, const char *stream_event,
	      vici_event_fn on_event, void *ctx, struct vici_msg *resp,
	      const struct deadline *dl, struct ikw_err *err);

/* Event subscription for long-lived listeners (the events collector).
 * register/unregister wait for EVENT_CONFIRM.  Events of other registrations
 * that arrive while waiting for a confirmation or a command response are kept
 * (a bounded queue) and delivered by the next vici_read_event(). */
int vici_register(struct vici_conn *c, const char *event,
		  const struct deadline *dl, struct ikw_err *err);
int vici_unregister(struct vici_conn *c, const char *event,
		    const struct deadline *dl, struct ikw_err *err);
/* Waits for the next event until dl.  On success name (NUL-terminated, at most
 * 255 bytes) and *msg are set; release msg with vici_msg_release().  Returns
 * -ETIMEDOUT when nothing arrived in time (the connection stays usable: a
 * partly received packet is kept for the next call). */
int vici_read_event(struct vici_conn *c, char name[256], struct vici_msg *msg,
		    const struct deadline *dl, struct ikw_err *err);

/* The socket descriptor, for poll() in an event loop.  Check
 * vici_queued_events() first: queued events do not make the fd readable,
 * nor do bytes already read ahead (vici_read_event() with a zero deadline
 * takes those). */
int vici_fd(const struct vici_conn *c);
/* Events waiting in the queue (at most 64). */
size_t vici_queued_events(const struct vici_conn *c);
/* Events dropped because the queue was full (oldest first), since connect. */
uint64_t vici_dropped_events(const struct vici_conn *c);

#endif
