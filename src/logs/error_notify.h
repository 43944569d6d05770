/* Client of strongSwan's error-notify plugin (libcharon-extra-plugins):
 * charon writes one fixed-size message per alert to every client of a Unix
 * stream socket (charon.plugins.error-notify.socket, default
 * unix:///var/run/charon.enfy).  Alerts raised while nobody is connected
 * are dropped by charon.
 *
 * Message layout (charon 5.9.8, error_notify_msg.h; the plugin sends 768
 * bytes, packed): a 32-bit type in network byte order, then NUL-padded
 * strings: description [384], connection name [64], peer identity [256],
 * peer address and port [60].  Types 1..32 as in 5.9.8.
 *
 * The parser and the type mapping are pure; the reader is a thread that
 * connects, reads whole messages, reconnects with backoff when charon
 * restarts, and counts failures with FAIL_SRC_ERROR_NOTIFY. */
#ifndef IKW_ERROR_NOTIFY_H
#define IKW_ERROR_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "model/alert.h"
#include "model/events.h"

#define ERROR_NOTIFY_MSG_SIZE 768
#define ERROR_NOTIFY_STR_LEN 384
#define ERROR_NOTIFY_NAME_LEN 64
#define ERROR_NOTIFY_ID_LEN 256
#define ERROR_NOTIFY_IP_LEN 60
#define ERROR_NOTIFY_DEFAULT_URI "unix:///var/run/charon.enfy"

/* Message types (values on the wire). */
enum error_notify_type {
	ERROR_NOTIFY_RADIUS_NOT_RESPONDING = 1,
	ERROR_NOTIFY_LOCAL_AUTH_FAILED = 2,
	ERROR_NOTIFY_PEER_AUTH_FAILED = 3,
	ERROR_NOTIFY_PARSE_ERROR_HEADER = 4,
	ERROR_NOTIFY_PARSE_ERROR_BODY = 5,
	ERROR_NOTIFY_RETRANSMIT_SEND_TIMEOUT = 6,
	ERROR_NOTIFY_HALF_OPEN_TIMEOUT = 7,
	ERROR_NOTIFY_PROPOSAL_MISMATCH_IKE = 8,
	ERROR_NOTIFY_PROPOSAL_MISMATCH_CHILD = 9,
	ERROR_NOTIFY_TS_MISMATCH = 10,
	ERROR_NOTIFY_INSTALL_CHILD_SA_FAILED = 11,
	ERROR_NOTIFY_INSTALL_CHILD_POLICY_FAILED = 12,
	ERROR_NOTIFY_UNIQUE_REPLACE = 13,
	ERROR_NOTIFY_UNIQUE_KEEP = 14,
	ERROR_NOTIFY_VIP_FAILURE = 15,
	ERROR_NOTIFY_AUTHORIZATION_FAILED = 16,
	ERROR_NOTIFY_CERT_EXPIRED = 17,
	ERROR_NOTIFY_CERT_REVOKED = 18,
	ERROR_NOTIFY_NO_ISSUER_CERT = 19,
	ERROR_NOTIFY_RETRANSMIT_SEND = 20,
	ERROR_NOTIFY_RETRANSMIT_CLEARED = 21,
	ERROR_NOTIFY_RETRANSMIT_RECEIVE = 22,
	ERROR_NOTIFY_PEER_ADDR_FAILED = 23,
	ERROR_NOTIFY_PEER_INIT_UNREACHABLE = 24,
	ERROR_NOTIFY_INVALID_IKE_SPI = 25,
	ERROR_NOTIFY_TS_NARROWED = 26,
	ERROR_NOTIFY_KEEP_ON_CHILD_SA_FAILURE = 27,
	ERROR_NOTIFY_IKE_SA_EXPIRED = 28,
	ERROR_NOTIFY_CERT_VALIDATION_FAILED = 29,
	ERROR_NOTIFY_UNTRUSTED_ROOT_CERT = 30,
	ERROR_NOTIFY_CERT_EXCEEDED_PATH_LEN = 31,
	ERROR_NOTIFY_CERT_POLICY_VIOLATION = 32,
	ERROR_NOTIFY_TYPE_MAX = 32,
};

/* A parsed message: strings NUL-terminated and sanitized (text_sanitize). */
struct error_notify_msg {
	int32_t type;
	char str[ERROR_NOTIFY_STR_LEN + 1];
	char name[ERROR_NOTIFY_NAME_LEN + 1];
	char id[ERROR_NOTIFY_ID_LEN + 1];
	char ip[ERROR_NOTIFY_IP_LEN + 1];
};

/* Parses exactly one message of ERROR_NOTIFY_MSG_SIZE bytes.  Returns 0 or
 * -EBADMSG (wrong size; err says why). */
int error_notify_parse(const uint8_t *buf, size_t len, struct error_notify_msg *out,
		       struct ikw_err *err);

/* "PEER_AUTH_FAILED" etc., "UNKNOWN" outside 1..32. */
const char *error_notify_type_name(int32_t type);

/* The alert a type is; ALERT_UNKNOWN outside 1..32. */
enum alert_type error_notify_alert(int32_t type);

/* The failure a type stands for (alert_failure_reason of its alert). */
bool error_notify_reason(int32_t type, enum fail_reason *out);

/* Which alerts count, and as what (model/alert.h's filter). */
struct error_notify_filter {
	struct alert_filter alerts;
};

void error_notify_filter_init(struct error_notify_filter *f);

/* Decides whether m counts, and as what.  ts is the arrival time. */
bool error_notify_classify(struct error_notify_filter *f,
			   const struct error_notify_msg *m, double ts,
			   enum fail_reason *out);

/* "unix:///path" or "/path" → "/path" in out.  Returns 0 or -EINVAL. */
int error_notify_socket_path(const char *uri, char *out, size_t outlen);

/* ---- reader thread -------------------------------------------------------- */

struct error_notify_opts {
	const char *path;             /* socket path (not a URI) */
	struct event_store *store;    /* may be NULL (tests use on_msg) */
	unsigned backoff_min_ms;      /* 0 = 500 */
	unsigned backoff_max_ms;      /* 0 = 30000 */
	/* optional: every parsed message, from the reader thread */
	void (*on_msg)(void *ctx, const struct error_notify_msg *m, bool counted,
		       enum fail_reason reason);
	void *ctx;
};

struct error_notify_stats {
	uint64_t messages, failures, bad_messages, connects;
	bool connected;
};

struct error_notify_reader;

/* Starts the thread; it connects in the background (a missing socket is
 * retried with backoff).  Returns 0, -EINVAL, -ENOMEM or -EAGAIN. */
int error_notify_start(struct error_notify_reader **out,
		       const struct error_notify_opts *opts);
/* Stops and frees; accepts NULL. */
void error_notify_stop(struct error_notify_reader *r);
void error_notify_get_stats(struct error_notify_reader *r,
			    struct error_notify_stats *st);

#endif
