#include "logs/error_notify.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/text.h"

/* ---- parser ---------------------------------------------------------------- */

/* A NUL-padded field: up to the first NUL (or all of it), sanitized. */
static void error_notify_field(char *out, const uint8_t *p, size_t cap)
{
	const uint8_t *nul = memchr(p, '\0', cap);

	text_sanitize(out, (const char *)p, nul ? (size_t)(nul - p) : cap);
}

int error_notify_parse(const uint8_t *buf, size_t len, struct error_notify_msg *out,
		       struct ikw_err *err)
{
	size_t off = 4;

	if (!buf || len != ERROR_NOTIFY_MSG_SIZE)
		return err_set(err, -EBADMSG, "error-notify message of %zu bytes, want %d",
			       len, ERROR_NOTIFY_MSG_SIZE);
	out->type = (int32_t)((uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 |
			      (uint32_t)buf[2] << 8 | buf[3]);
	error_notify_field(out->str, buf + off, ERROR_NOTIFY_STR_LEN);
	off += ERROR_NOTIFY_STR_LEN;
	error_notify_field(out->name, buf + off, ERROR_NOTIFY_NAME_LEN);
	off += ERROR_NOTIFY_NAME_LEN;
	error_notify_field(out->id, buf + off, ERROR_NOTIFY_ID_LEN);
	off += ERROR_NOTIFY_ID_LEN;
	error_notify_field(out->ip, buf + off, ERROR_NOTIFY_IP_LEN);
	return 0;
}

/* ---- types ------------------------------------------------------------------ */

/* Wire types and their names; what each means is charon's alert of the
 * same name (model/alert.c). */
static const struct {
	const char *name;
	enum alert_type alert;
} error_notify_types[ERROR_NOTIFY_TYPE_MAX + 1] = {
	[ERROR_NOTIFY_RADIUS_NOT_RESPONDING] = { "RADIUS_NOT_RESPONDING", ALERT_RADIUS_NOT_RESPONDING },
	[ERROR_NOTIFY_LOCAL_AUTH_FAILED] = { "LOCAL_AUTH_FAILED", ALERT_LOCAL_AUTH_FAILED },
	[ERROR_NOTIFY_PEER_AUTH_FAILED] = { "PEER_AUTH_FAILED", ALERT_PEER_AUTH_FAILED },
	[ERROR_NOTIFY_PARSE_ERROR_HEADER] = { "PARSE_ERROR_HEADER", ALERT_PARSE_ERROR_HEADER },
	[ERROR_NOTIFY_PARSE_ERROR_BODY] = { "PARSE_ERROR_BODY", ALERT_PARSE_ERROR_BODY },
	[ERROR_NOTIFY_RETRANSMIT_SEND_TIMEOUT] = { "RETRANSMIT_SEND_TIMEOUT", ALERT_RETRANSMIT_SEND_TIMEOUT },
	[ERROR_NOTIFY_HALF_OPEN_TIMEOUT] = { "HALF_OPEN_TIMEOUT", ALERT_HALF_OPEN_TIMEOUT },
	[ERROR_NOTIFY_PROPOSAL_MISMATCH_IKE] = { "PROPOSAL_MISMATCH_IKE", ALERT_PROPOSAL_MISMATCH_IKE },
	[ERROR_NOTIFY_PROPOSAL_MISMATCH_CHILD] = { "PROPOSAL_MISMATCH_CHILD", ALERT_PROPOSAL_MISMATCH_CHILD },
	[ERROR_NOTIFY_TS_MISMATCH] = { "TS_MISMATCH", ALERT_TS_MISMATCH },
	[ERROR_NOTIFY_INSTALL_CHILD_SA_FAILED] = { "INSTALL_CHILD_SA_FAILED", ALERT_INSTALL_CHILD_SA_FAILED },
	[ERROR_NOTIFY_INSTALL_CHILD_POLICY_FAILED] = { "INSTALL_CHILD_POLICY_FAILED", ALERT_INSTALL_CHILD_POLICY_FAILED },
	[ERROR_NOTIFY_UNIQUE_REPLACE] = { "UNIQUE_REPLACE", ALERT_UNIQUE_REPLACE },
	[ERROR_NOTIFY_UNIQUE_KEEP] = { "UNIQUE_KEEP", ALERT_UNIQUE_KEEP },
	[ERROR_NOTIFY_VIP_FAILURE] = { "VIP_FAILURE", ALERT_VIP_FAILURE },
	[ERROR_NOTIFY_AUTHORIZATION_FAILED] = { "AUTHORIZATION_FAILED", ALERT_AUTHORIZATION_FAILED },
	[ERROR_NOTIFY_CERT_EXPIRED] = { "CERT_EXPIRED", ALERT_CERT_EXPIRED },
	[ERROR_NOTIFY_CERT_REVOKED] = { "CERT_REVOKED", ALERT_CERT_REVOKED },
	[ERROR_NOTIFY_NO_ISSUER_CERT] = { "NO_ISSUER_CERT", ALERT_CERT_NO_ISSUER },
	[ERROR_NOTIFY_RETRANSMIT_SEND] = { "RETRANSMIT_SEND", ALERT_RETRANSMIT_SEND },
	[ERROR_NOTIFY_RETRANSMIT_CLEARED] = { "RETRANSMIT_CLEARED", ALERT_RETRANSMIT_SEND_CLEARED },
	[ERROR_NOTIFY_RETRANSMIT_RECEIVE] = { "RETRANSMIT_RECEIVE", ALERT_RETRANSMIT_RECEIVE },
	[ERROR_NOTIFY_PEER_ADDR_FAILED] = { "PEER_ADDR_FAILED", ALERT_PEER_ADDR_FAILED },
	[ERROR_NOTIFY_PEER_INIT_UNREACHABLE] = { "PEER_INIT_UNREACHABLE", ALERT_PEER_INIT_UNREACHABLE },
	[ERROR_NOTIFY_INVALID_IKE_SPI] = { "INVALID_IKE_SPI", ALERT_INVALID_IKE_SPI },
	[ERROR_NOTIFY_TS_NARROWED] = { "TS_NARROWED", ALERT_TS_NARROWED },
	[ERROR_NOTIFY_KEEP_ON_CHILD_SA_FAILURE] = { "KEEP_ON_CHILD_SA_FAILURE", ALERT_KEEP_ON_CHILD_SA_FAILURE },
	[ERROR_NOTIFY_IKE_SA_EXPIRED] = { "IKE_SA_EXPIRED", ALERT_IKE_SA_EXPIRED },
	[ERROR_NOTIFY_CERT_VALIDATION_FAILED] = { "CERT_VALIDATION_FAILED", ALERT_CERT_VALIDATION_FAILED },
	[ERROR_NOTIFY_UNTRUSTED_ROOT_CERT] = { "UNTRUSTED_ROOT_CERT", ALERT_CERT_UNTRUSTED_ROOT },
	[ERROR_NOTIFY_CERT_EXCEEDED_PATH_LEN] = { "CERT_EXCEEDED_PATH_LEN", ALERT_CERT_EXCEEDED_PATH_LEN },
	[ERROR_NOTIFY_CERT_POLICY_VIOLATION] = { "CERT_POLICY_VIOLATION", ALERT_CERT_POLICY_VIOLATION },
};

const char *error_notify_type_name(int32_t type)
{
	if (type < 1 || type > ERROR_NOTIFY_TYPE_MAX)
		return "UNKNOWN";
	return error_notify_types[type].name;
}

enum alert_type error_notify_alert(int32_t type)
{
	if (type < 1 || type > ERROR_NOTIFY_TYPE_MAX)
		return ALERT_UNKNOWN;
	return error_notify_types[type].alert;
}

bool error_notify_reason(int32_t type, enum fail_reason *out)
{
	return alert_failure_reason(error_notify_alert(type), out);
}

void error_notify_filter_init(struct error_notify_filter *f)
{
	alert_filter_init(&f->alerts);
}

bool error_notify_classify(struct error_notify_filter *f,
			   const struct error_notify_msg *m, double ts,
			   enum fail_reason *out)
{
	return alert_filter_classify(&f->alerts, error_notify_alert(m->type),
				     m->name, ts, out);
}

int error_notify_socket_path(const char *uri, char *out, size_t outlen)
{
	const char *p = uri;

	if (!uri)
		return -EINVAL;
	if (!strncmp(uri, "unix://", 7))
		p = uri + 7;
	if (p[0] != '/' || strlen(p) >= outlen ||
	    strlen(p) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return -EINVAL;
	strcpy(out, p);
	return 0;
}

/* ---- reader ------------------------------------------------------------------ */

struct error_notify_reader {
	struct error_notify_opts o;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int stop_pipe[2];
	pthread_t thread;
	struct error_notify_filter filter;
	int last_err;          /* last connect error logged */
	atomic_uint_least64_t messages, failures, bad_messages, connects;
	atomic_bool connected;
};

static double error_notify_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool error_notify_stopping(struct error_notify_reader *r)
{
	struct pollfd p = { r->stop_pipe[0], POLLIN, 0 };

	return poll(&p, 1, 0) > 0;
}

/* Waits ms or until stopped.  Returns false when stopping. */
static bool error_notify_sleep(struct error_notify_reader *r, unsigned ms)
{
	struct pollfd p = { r->stop_pipe[0], POLLIN, 0 };
	int n;

	do
		n = poll(&p, 1, (int)ms);
	while (n < 0 && errno == EINTR);
	return n == 0;
}

static int error_notify_connect_type(const char *path, int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

/* charon 5.x serves a stream socket; older ones a seqpacket socket. */
static int error_notify_connect(struct error_notify_reader *r)
{
	int fd = error_notify_connect_type(r->path, SOCK_STREAM);

	if (fd == -EPROTOTYPE)
		fd = error_notify_connect_type(r->path, SOCK_SEQPACKET);
	if (fd < 0 && -fd != r->last_err) {
		log_debug("error-notify: cannot connect to '%s': %s", r->path, strerror(-fd));
		r->last_err = -fd;
	}
	return fd;
}

static void error_notify_handle(struct error_notify_reader *r, const uint8_t *buf)
{
	struct error_notify_msg m;
	enum fail_reason reason = FAIL_OTHER;
	double now = error_notify_now();
	bool counted;

	if (error_notify_parse(buf, ERROR_NOTIFY_MSG_SIZE, &m, NULL)) {
		atomic_fetch_add(&r->bad_messages, 1);
		return;
	}
	atomic_fetch_add(&r->messages, 1);
	counted = error_notify_classify(&r->filter, &m, now, &reason);
	if (counted) {
		atomic_fetch_add(&r->failures, 1);
		if (r->o.store)
			event_store_failure(r->o.store, reason, FAIL_SRC_ERROR_NOTIFY, m.name, now);
	}
	if (r->o.on_msg)
		r->o.on_msg(r->o.ctx, &m, counted, reason);
}

/* Reads whole messages until EOF, an error or stop.  Returns false when
 * stopping. */
static bool error_notify_read_loop(struct error_notify_reader *r, int fd)
{
	uint8_t buf[ERROR_NOTIFY_MSG_SIZE];
	size_t have = 0;

	for (;;) {
		struct pollfd p[2] = { { fd, POLLIN, 0 }, { r->stop_pipe[0], POLLIN, 0 } };
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return true;
		}
		if (p[1].revents)
			return false;
		n = read(fd, buf + have, sizeof(buf) - have);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return true;   /* charon went away */
		have += (size_t)n;
		if (have == sizeof(buf)) {
			error_notify_handle(r, buf);
			have = 0;
		}
	}
}

static void *error_notify_main(void *arg)
{
	struct error_notify_reader *r = arg;
	unsigned backoff = r->o.backoff_min_ms;

	while (!error_notify_stopping(r)) {
		int fd = error_notify_connect(r);
		bool go_on;

		if (fd < 0) {
			if (!error_notify_sleep(r, backoff))
				break;
			backoff = backoff * 2 > r->o.backoff_max_ms ? r->o.backoff_max_ms : backoff * 2;
			continue;
		}
		log_info("error-notify: connected to '%s'", r->path);
		r->last_err = 0;
		atomic_fetch_add(&r->connects, 1);
		atomic_store(&r->connected, true);
		go_on = error_notify_read_loop(r, fd);
		atomic_store(&r->connected, false);
		close(fd);
		if (!go_on)
			break;
		log_info("error-notify: '%s' closed, reconnecting", r->path);
		backoff = r->o.backoff_min_ms;
		if (!error_notify_sleep(r, backoff))
			break;
	}
	return NULL;
}

static void error_notify_free(struct error_notify_reader *r)
{
	if (r->stop_pipe[0] >= 0)
		close(r->stop_pipe[0]);
	if (r->stop_pipe[1] >= 0)
		close(r->stop_pipe[1]);
	free(r);
}

int error_notify_start(struct error_notify_reader **out,
		       const struct error_notify_opts *opts)
{
	struct error_notify_reader *r;
	int rc;

	if (!opts || !opts->path)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->stop_pipe[0] = r->stop_pipe[1] = -1;
	r->o = *opts;
	if (!r->o.backoff_min_ms)
		r->o.backoff_min_ms = 500;
	if (!r->o.backoff_max_ms)
		r->o.backoff_max_ms = 30000;
	if (r->o.backoff_max_ms < r->o.backoff_min_ms)
		r->o.backoff_max_ms = r->o.backoff_min_ms;
	error_notify_filter_init(&r->filter);
	if (error_notify_socket_path(opts->path, r->path, sizeof(r->path))) {
		error_notify_free(r);
		return -EINVAL;
	}
	r->o.path = r->path;
	if (pipe2(r->stop_pipe, O_CLOEXEC)) {
		rc = -errno;
		error_notify_free(r);
		return rc;
	}
	rc = pthread_create(&r->thread, NULL, error_notify_main, r);
	if (rc) {
		error_notify_free(r);
		return -rc;
	}
	*out = r;
	return 0;
}

void error_notify_stop(struct error_notify_reader *r)
{
	ssize_t n;

	if (!r)
		return;
	do
		n = write(r->stop_pipe[1], "x", 1);
	while (n < 0 && errno == EINTR);
	pthread_join(r->thread, NULL);
	error_notify_free(r);
}

void error_notify_get_stats(struct error_notify_reader *r,
			    struct error_notify_stats *st)
{
	st->messages = atomic_load(&r->messages);
	st->failures = atomic_load(&r->failures);
	st->bad_messages = atomic_load(&r->bad_messages);
	st->connects = atomic_load(&r->connects);
	st->connected = atomic_load(&r->connected);
}
