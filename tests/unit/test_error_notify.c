/* error-notify plugin client: the parser on messages recorded from charon
 * 5.9.8 (tests/fixtures/logs/error-notify-5.9.8-initiator.bin), hostile
 * messages, the type mapping and its filter; the reader against a fake
 * plugin socket (split writes, reconnects, a socket that appears late); and,
 * as root with charon and the error-notify plugin installed, against a real
 * charon in private namespaces: an unreachable peer and a proposal
 * mismatch, then a charon restart.  Without those the real-charon case is
 * reported as SKIP and not counted as passed. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/log.h"
#include "logs/error_notify.h"
#include "model/events.h"
#include "testlib.h"

static char dir[64];

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Builds a wire message like the plugin does. */
static void build(uint8_t *buf, uint32_t type, const char *str, const char *name,
		  const char *id, const char *ip)
{
	memset(buf, 0, ERROR_NOTIFY_MSG_SIZE);
	buf[0] = (uint8_t)(type >> 24);
	buf[1] = (uint8_t)(type >> 16);
	buf[2] = (uint8_t)(type >> 8);
	buf[3] = (uint8_t)type;
	strncpy((char *)buf + 4, str, ERROR_NOTIFY_STR_LEN);
	strncpy((char *)buf + 388, name, ERROR_NOTIFY_NAME_LEN);
	strncpy((char *)buf + 452, id, ERROR_NOTIFY_ID_LEN);
	strncpy((char *)buf + 708, ip, ERROR_NOTIFY_IP_LEN);
}

/* ---- parser ------------------------------------------------------------------ */

static void test_parse_recorded(void)
{
	static const struct { int32_t type; const char *name, *ip; } want[] = {
		{ 8, "prop", "10.99.0.2[500]" }, { 2, "psk", "10.99.0.2[4500]" },
		{ 9, "childprop", "10.99.0.2[4500]" }, { 27, "childprop", "10.99.0.2[4500]" },
		{ 27, "ts", "10.99.0.2[4500]" }, { 20, "unreach", "10.99.0.3[500]" },
	};
	char path[512];
	uint8_t buf[ERROR_NOTIFY_MSG_SIZE];
	struct error_notify_msg m;
	size_t i, n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/logs/error-notify-5.9.8-initiator.bin",
		 testlib_fixture_dir());
	f = fopen(path, "rb");
	if (!f) {
		testlib_fail(__FILE__, __LINE__, "cannot open %s", path);
		return;
	}
	while (fread(buf, 1, sizeof(buf), f) == sizeof(buf)) {
		CHECK_INT(error_notify_parse(buf, sizeof(buf), &m, NULL), 0);
		if (n < sizeof(want) / sizeof(want[0])) {
			CHECK_INT(m.type, want[n].type);
			CHECK_STR(m.name, want[n].name);
			CHECK_STR(m.ip, want[n].ip);
		}
		if (n == 1) {
			CHECK_STR(m.str, "local authentication failed");
			CHECK_STR(m.id, "b-psk");
		}
		n++;
	}
	fclose(f);
	CHECK_INT(n, 16);
	for (i = 0; i < 1; i++)
		CHECK_STR(error_notify_type_name(want[i].type), "PROPOSAL_MISMATCH_IKE");
}

static void test_parse_hostile(void)
{
	uint8_t buf[ERROR_NOTIFY_MSG_SIZE + 1];
	struct error_notify_msg m;
	struct ikw_err err = { "" };

	build(buf, 3, "peer authentication failed", "tun1", "peer", "192.0.2.1[500]");
	CHECK_INT(error_notify_parse(buf, ERROR_NOTIFY_MSG_SIZE - 1, &m, &err), -EBADMSG);
	CHECK(strstr(err.msg, "767 bytes") != NULL);
	CHECK_INT(error_notify_parse(buf, ERROR_NOTIFY_MSG_SIZE + 1, &m, NULL), -EBADMSG);
	CHECK_INT(error_notify_parse(buf, 0, &m, NULL), -EBADMSG);
	CHECK_INT(error_notify_parse(NULL, ERROR_NOTIFY_MSG_SIZE, &m, NULL), -EBADMSG);
	CHECK_INT(error_notify_parse(buf, ERROR_NOTIFY_MSG_SIZE, &m, NULL), 0);
	CHECK_INT(m.type, 3);
	CHECK_STR(m.name, "tun1");

	/* fields without NUL are cut at their size, control bytes and invalid
	 * UTF-8 replaced */
	memset(buf, 'A', ERROR_NOTIFY_MSG_SIZE);
	buf[0] = 0, buf[1] = 0, buf[2] = 0, buf[3] = 6;
	buf[388] = '\n';
	buf[389] = (uint8_t)0xff;
	CHECK_INT(error_notify_parse(buf, ERROR_NOTIFY_MSG_SIZE, &m, NULL), 0);
	CHECK_INT(strlen(m.str), ERROR_NOTIFY_STR_LEN);
	CHECK_INT(strlen(m.name), ERROR_NOTIFY_NAME_LEN);
	CHECK(!strncmp(m.name, "??AAA", 5));
	CHECK_INT(strlen(m.id), ERROR_NOTIFY_ID_LEN);
	CHECK_INT(strlen(m.ip), ERROR_NOTIFY_IP_LEN);

	/* host byte order would be a different, unknown type */
	build(buf, 0x06000000u, "x", "", "", "");
	CHECK_INT(error_notify_parse(buf, ERROR_NOTIFY_MSG_SIZE, &m, NULL), 0);
	CHECK_INT(m.type, 0x06000000);
	CHECK_STR(error_notify_type_name(m.type), "UNKNOWN");
	build(buf, 0xffffffffu, "x", "", "", "");
	CHECK_INT(error_notify_parse(buf, ERROR_NOTIFY_MSG_SIZE, &m, NULL), 0);
	CHECK_INT(m.type, -1);
}

static void test_mapping(void)
{
	static const struct { int32_t type; bool counted; enum fail_reason r; } t[] = {
		{ 1, false, 0 }, { 2, true, FAIL_AUTH }, { 3, true, FAIL_AUTH },
		{ 4, false, 0 }, { 5, false, 0 }, { 6, true, FAIL_PEER_UNREACHABLE },
		{ 7, true, FAIL_HALF_OPEN }, { 8, true, FAIL_NO_PROPOSAL },
		{ 9, true, FAIL_NO_PROPOSAL }, { 10, true, FAIL_TS_UNACCEPTABLE },
		{ 11, true, FAIL_INSTALL }, { 12, true, FAIL_INSTALL }, { 13, false, 0 },
		{ 14, false, 0 }, { 15, true, FAIL_NO_VIP }, { 16, true, FAIL_AUTH },
		{ 17, true, FAIL_CERT }, { 18, true, FAIL_CERT }, { 19, true, FAIL_CERT },
		{ 20, false, 0 }, { 21, false, 0 }, { 22, false, 0 },
		{ 23, true, FAIL_PEER_UNREACHABLE }, { 24, false, 0 }, { 25, false, 0 },
		{ 26, false, 0 }, { 27, true, FAIL_OTHER }, { 28, true, FAIL_REKEY },
		{ 29, true, FAIL_CERT }, { 30, true, FAIL_CERT }, { 31, true, FAIL_CERT },
		{ 32, true, FAIL_CERT }, { 0, false, 0 }, { 33, false, 0 }, { -5, false, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		enum fail_reason r = FAIL_REASON_COUNT;
		bool c = error_notify_reason(t[i].type, &r);

		if (c != t[i].counted || (c && r != t[i].r))
			testlib_fail(__FILE__, __LINE__, "type %d: counted %d reason %d", t[i].type,
				     c, r);
	}
	CHECK_STR(error_notify_type_name(32), "CERT_POLICY_VIOLATION");
	CHECK_STR(error_notify_type_name(1), "RADIUS_NOT_RESPONDING");
}

static bool classify(struct error_notify_filter *f, int32_t type, const char *name,
		     double ts, enum fail_reason *r)
{
	struct error_notify_msg m = { .type = type };

	snprintf(m.name, sizeof(m.name), "%s", name);
	return error_notify_classify(f, &m, ts, r);
}

/* KEEP_ON_CHILD_SA_FAILURE counts only without a recent cause. */
static void test_filter(void)
{
	struct error_notify_filter f;
	enum fail_reason r;

	error_notify_filter_init(&f);
	CHECK(classify(&f, 9, "childprop", 100.0, &r));
	CHECK_INT(r, FAIL_NO_PROPOSAL);
	CHECK(!classify(&f, 27, "childprop", 100.1, &r));
	/* the cause was used up: a second 27 counts */
	CHECK(classify(&f, 27, "childprop", 100.2, &r));
	CHECK_INT(r, FAIL_OTHER);
	/* the initiator's TS_UNACCEPTABLE: a 27 alone */
	CHECK(classify(&f, 27, "ts", 100.3, &r));
	/* a cause of another conn or too old does not hide it */
	CHECK(classify(&f, 10, "a", 200.0, &r));
	CHECK(classify(&f, 27, "b", 200.1, &r));
	CHECK(classify(&f, 12, "c", 300.0, &r));
	CHECK(classify(&f, 27, "c", 306.0, &r));
	/* the ring is bounded: old causes fall out */
	{
		char name[16];
		unsigned i;

		CHECK(classify(&f, 11, "old", 400.0, &r));
		for (i = 0; i < ALERT_FILTER_RECENT; i++) {
			snprintf(name, sizeof(name), "n%u", i);
			classify(&f, 9, name, 400.1, &r);
		}
		CHECK(classify(&f, 27, "old", 400.2, &r));
	}
}

static void test_socket_path(void)
{
	char p[108];

	CHECK_INT(error_notify_socket_path("unix:///var/run/charon.enfy", p, sizeof(p)), 0);
	CHECK_STR(p, "/var/run/charon.enfy");
	CHECK_INT(error_notify_socket_path("/run/x", p, sizeof(p)), 0);
	CHECK_STR(p, "/run/x");
	CHECK_INT(error_notify_socket_path("unix://rel", p, sizeof(p)), -EINVAL);
	CHECK_INT(error_notify_socket_path("tcp://1.2.3.4:5", p, sizeof(p)), -EINVAL);
	CHECK_INT(error_notify_socket_path(NULL, p, sizeof(p)), -EINVAL);
	{
		char lng[200];

		memset(lng, 'a', sizeof(lng) - 1);
		lng[0] = '/';
		lng[sizeof(lng) - 1] = '\0';
		CHECK_INT(error_notify_socket_path(lng, p, sizeof(p)), -EINVAL);
		lng[107] = '\0';   /* sun_path holds 107 bytes and the NUL */
		CHECK_INT(error_notify_socket_path(lng, p, sizeof(p)), 0);
	}
}

/* ---- the reader against a fake plugin ---------------------------------------- */

struct seen {
	pthread_mutex_t lock;
	int n;
	int32_t type[32];
	char name[32][ERROR_NOTIFY_NAME_LEN + 1];
	bool counted[32];
};

static struct seen seen;

static void on_msg(void *ctx, const struct error_notify_msg *m, bool counted,
		   enum fail_reason reason)
{
	struct seen *s = ctx;

	(void)reason;
	pthread_mutex_lock(&s->lock);
	if (s->n < 32) {
		s->type[s->n] = m->type;
		memcpy(s->name[s->n], m->name, sizeof(m->name));
		s->counted[s->n] = counted;
		s->n++;
	}
	pthread_mutex_unlock(&s->lock);
}

static int seen_count(void)
{
	int n;

	pthread_mutex_lock(&seen.lock);
	n = seen.n;
	pthread_mutex_unlock(&seen.lock);
	return n;
}

static bool wait_seen(int n, int ms)
{
	int i;

	for (i = 0; i < ms / 5; i++) {
		if (seen_count() >= n)
			return true;
		sleep_ms(5);
	}
	testlib_fail(__FILE__, __LINE__, "timed out waiting for %d messages (have %d)", n,
		     seen_count());
	return false;
}

static bool wait_connected(struct error_notify_reader *r, bool want, int ms)
{
	struct error_notify_stats st;
	int i;

	for (i = 0; i < ms / 5; i++) {
		error_notify_get_stats(r, &st);
		if (st.connected == want)
			return true;
		sleep_ms(5);
	}
	testlib_fail(__FILE__, __LINE__, "reader not %s after %d ms",
		     want ? "connected" : "disconnected", ms);
	return false;
}

static int listen_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4)) {
		testlib_fail(__FILE__, __LINE__, "cannot listen on %s: %s", path, strerror(errno));
		return -1;
	}
	return fd;
}

static uint64_t failures_of(struct event_store *s, const char *conn, enum fail_reason r)
{
	struct arena a = ARENA_INIT;
	struct event_view v;
	uint64_t n = 0;
	size_t i;

	if (!event_store_view(s, &a, &v))
		for (i = 0; i < v.nfailures; i++)
			if (!strcmp(v.failures[i].conn, conn))
				n = v.failures[i].count[r];
	arena_release(&a);
	return n;
}

static void test_reader_fake(void)
{
	struct event_store *store = event_store_new(100);
	struct error_notify_opts o = { .store = store, .backoff_min_ms = 20,
				       .backoff_max_ms = 50, .on_msg = on_msg, .ctx = &seen };
	struct error_notify_reader *r = NULL;
	struct error_notify_stats st;
	uint8_t m[3][ERROR_NOTIFY_MSG_SIZE];
	char path[128];
	int lfd, c;

	snprintf(path, sizeof(path), "%s/fake.enfy", dir);
	o.path = path;
	seen.n = 0;
	/* the socket appears after the reader started: it retries */
	CHECK_INT(error_notify_start(&r, &o), 0);
	sleep_ms(60);
	lfd = listen_at(path);
	if (lfd < 0)
		goto out;
	c = accept(lfd, NULL, NULL);
	build(m[0], 3, "peer authentication failed", "tun1", "peer-1", "192.0.2.11[4500]");
	build(m[1], 20, "IKE message retransmission number 1", "tun2", "", "192.0.2.12[500]");
	build(m[2], 6, "IKE message retransmission timed out", "tun2", "", "192.0.2.12[500]");
	/* split across writes: only whole messages count */
	CHECK(write(c, m[0], 100) == 100);
	sleep_ms(30);
	CHECK_INT(seen_count(), 0);
	CHECK(write(c, m[0] + 100, ERROR_NOTIFY_MSG_SIZE - 100) == ERROR_NOTIFY_MSG_SIZE - 100);
	CHECK(write(c, m[1], ERROR_NOTIFY_MSG_SIZE) == ERROR_NOTIFY_MSG_SIZE);
	if (wait_seen(2, 3000)) {
		CHECK_INT(seen.type[0], 3);
		CHECK_STR(seen.name[0], "tun1");
		CHECK(seen.counted[0]);
		CHECK(!seen.counted[1]);
	}
	/* charon restarts: the reader reconnects and goes on */
	close(c);
	wait_connected(r, false, 3000);
	c = accept(lfd, NULL, NULL);
	CHECK(write(c, m[2], ERROR_NOTIFY_MSG_SIZE) == ERROR_NOTIFY_MSG_SIZE);
	if (wait_seen(3, 3000))
		CHECK_INT(seen.type[2], 6);
	error_notify_get_stats(r, &st);
	CHECK_U64(st.connects, 2);
	CHECK_U64(st.messages, 3);
	CHECK_U64(st.failures, 2);
	CHECK_U64(failures_of(store, "tun1", FAIL_AUTH), 1);
	CHECK_U64(failures_of(store, "tun2", FAIL_PEER_UNREACHABLE), 1);
	close(c);
	close(lfd);
out:
	error_notify_stop(r);
	event_store_free(store);
	unlink(path);
	CHECK_INT(error_notify_start(&r, &(struct error_notify_opts){ .path = "rel" }), -EINVAL);
	error_notify_stop(NULL);
}

/* A stop while connected and idle returns at once. */
static void test_reader_stop(void)
{
	struct error_notify_opts o = { .backoff_min_ms = 10 };
	struct error_notify_reader *r = NULL;
	struct timespec a, b;
	char path[128];
	int lfd, c;

	snprintf(path, sizeof(path), "%s/idle.enfy", dir);
	o.path = path;
	lfd = listen_at(path);
	if (lfd < 0)
		return;
	CHECK_INT(error_notify_start(&r, &o), 0);
	c = accept(lfd, NULL, NULL);
	wait_connected(r, true, 3000);
	clock_gettime(CLOCK_MONOTONIC, &a);
	error_notify_stop(r);
	clock_gettime(CLOCK_MONOTONIC, &b);
	CHECK(b.tv_sec - a.tv_sec < 2);
	close(c);
	close(lfd);
	unlink(path);
}

/* ---- a real charon ------------------------------------------------------------ */

#define CHARON "/usr/lib/ipsec/charon"
#define PLUGIN "/usr/lib/ipsec/plugins/libstrongswan-error-notify.so"

static bool have_real_charon(const char **why)
{
	if (geteuid() != 0)
		return *why = "not root", false;
	if (access(CHARON, X_OK) || access(PLUGIN, R_OK))
		return *why = "charon or its error-notify plugin is not installed", false;
	if (system("command -v unshare >/dev/null && command -v swanctl >/dev/null && "
		   "command -v ip >/dev/null"))
		return *why = "unshare, swanctl or ip missing", false;
	return true;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* One charon in its own network and mount namespaces (private /run for
 * its pid file), lo up; charon's pid is the child's (every step execs). */
static pid_t charon_start(const char *d)
{
	char conf[256];
	pid_t pid;

	snprintf(conf, sizeof(conf), "%s/strongswan.conf", d);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		setenv("STRONGSWAN_CONF", conf, 1);
		execlp("unshare", "unshare", "--net", "--mount", "sh", "-c",
		       "mount -t tmpfs tmpfs /run && ip link set lo up && exec " CHARON,
		       (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void charon_stop(pid_t pid)
{
	int i, status;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	for (i = 0; i < 300; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return;
		sleep_ms(10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

static bool wait_file(const char *path, int ms)
{
	int i;

	for (i = 0; i < ms / 10; i++) {
		if (!access(path, F_OK))
			return true;
		sleep_ms(10);
	}
	return false;
}

static const char real_conf[] =
	"charon {\n"
	"\tload_modular = no\n"
	"\tload = kernel-netlink socket-default vici openssl nonce random kdf error-notify\n"
	"\tretransmit_timeout = 0.4\n"
	"\tretransmit_base = 1.0\n"
	"\tretransmit_tries = 1\n"
	"\tinstall_routes = no\n"
	"\tplugins {\n"
	"\t\tvici {\n\t\t\tsocket = unix://%1$s/charon.vici\n\t\t}\n"
	"\t\terror-notify {\n\t\t\tsocket = unix://%1$s/charon.enfy\n\t\t}\n"
	"\t}\n"
	"\tfilelog {\n\t\tf {\n\t\t\tpath = %1$s/charon.log\n\t\t\tike_name = yes\n"
	"\t\t\tdefault = 1\n\t\t}\n\t}\n"
	"}\n";

/* "unreach" talks to a port nobody listens on; "prop" talks to this very
 * charon's "resp", which refuses its proposal (so charon raises the alert
 * on both ends, one with the conn's name and one without).  swanctl loads
 * in this order: "resp" must exist before "prop" starts. */
static const char real_swanctl[] =
	"connections {\n"
	"\tresp {\n"
	"\t\tlocal_addrs = 127.0.0.3\n\t\tremote_addrs = 127.0.0.1\n"
	"\t\tproposals = aes128gcm16-prfsha256-x25519\n"
	"\t\tlocal { auth = psk\n\t\t\tid = b }\n\t\tremote { auth = psk\n\t\t\tid = a }\n"
	"\t\tchildren { resp { } }\n\t}\n"
	"\tunreach {\n"
	"\t\tlocal_addrs = 127.0.0.1\n\t\tremote_addrs = 127.0.0.2\n\t\tremote_port = 4000\n"
	"\t\tlocal { auth = psk\n\t\t\tid = a }\n\t\tremote { auth = psk\n\t\t\tid = b }\n"
	"\t\tchildren { unreach { start_action = start } }\n\t}\n"
	"\tprop {\n"
	"\t\tlocal_addrs = 127.0.0.1\n\t\tremote_addrs = 127.0.0.3\n"
	"\t\tproposals = aes256-sha384-modp3072\n"
	"\t\tlocal { auth = psk\n\t\t\tid = a }\n\t\tremote { auth = psk\n\t\t\tid = b }\n"
	"\t\tchildren { prop { start_action = start } }\n\t}\n"
	"}\n"
	"secrets { ike-1 { secret = \"not-a-secret\" } }\n";

static bool seen_has(int32_t type, const char *name)
{
	bool found = false;
	int i;

	pthread_mutex_lock(&seen.lock);
	for (i = 0; i < seen.n; i++)
		if (seen.type[i] == type && !strcmp(seen.name[i], name))
			found = true;
	pthread_mutex_unlock(&seen.lock);
	return found;
}

static bool wait_seen_has(int32_t type, const char *name, int ms)
{
	int i;

	for (i = 0; i < ms / 10; i++) {
		if (seen_has(type, name))
			return true;
		sleep_ms(10);
	}
	testlib_fail(__FILE__, __LINE__, "no %s for '%s' within %d ms",
		     error_notify_type_name(type), name, ms);
	return false;
}

static int real_setup(const char *d)
{
	char path[256], text[2048];

	snprintf(text, sizeof(text), real_conf, d);
	snprintf(path, sizeof(path), "%s/strongswan.conf", d);
	if (write_file(path, text))
		return -1;
	snprintf(path, sizeof(path), "%s/swanctl.conf", d);
	return write_file(path, real_swanctl);
}

static int real_load(const char *d)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "STRONGSWAN_CONF=%1$s/strongswan.conf swanctl --load-all --noprompt "
		 "--file %1$s/swanctl.conf --uri unix://%1$s/charon.vici >/dev/null 2>&1", d);
	return system(cmd);
}

/* On failure: charon's own view, as TAP comments. */
static void real_show_log(const char *d)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "grep -v -e 'packet: from' -e 'opening directory' "
		 "%s/charon.log | tail -n 40 | sed 's/^/#   /'", d);
	if (system(cmd))
		printf("#   (no charon.log)\n");
}

static void test_real_charon(void)
{
	struct event_store *store = event_store_new(100);
	struct error_notify_opts o = { .store = store, .backoff_min_ms = 50,
				       .backoff_max_ms = 200, .on_msg = on_msg, .ctx = &seen };
	struct error_notify_reader *r = NULL;
	struct error_notify_stats st;
	char d[128], enfy[192];
	pid_t pid;

	snprintf(d, sizeof(d), "%s/charon", dir);
	snprintf(enfy, sizeof(enfy), "%s/charon.enfy", d);
	seen.n = 0;
	if (mkdir(d, 0700) || real_setup(d)) {
		testlib_fail(__FILE__, __LINE__, "cannot write the charon config in %s", d);
		event_store_free(store);
		return;
	}
	pid = charon_start(d);
	if (!wait_file(enfy, 10000)) {
		testlib_fail(__FILE__, __LINE__, "charon did not create %s", enfy);
		goto out;
	}
	o.path = enfy;
	CHECK_INT(error_notify_start(&r, &o), 0);
	if (!wait_connected(r, true, 5000))
		goto out;
	sleep_ms(300);   /* charon registers the client in a job of its own */
	CHECK_INT(real_load(d), 0);
	wait_seen_has(ERROR_NOTIFY_RETRANSMIT_SEND_TIMEOUT, "unreach", 10000);
	wait_seen_has(ERROR_NOTIFY_PROPOSAL_MISMATCH_IKE, "prop", 10000);
	wait_seen_has(ERROR_NOTIFY_PROPOSAL_MISMATCH_IKE, "", 10000);
	wait_seen_has(ERROR_NOTIFY_PEER_INIT_UNREACHABLE, "unreach", 10000);
	CHECK_U64(failures_of(store, "unreach", FAIL_PEER_UNREACHABLE), 1);
	CHECK_U64(failures_of(store, "prop", FAIL_NO_PROPOSAL), 1);
	CHECK_U64(failures_of(store, "", FAIL_NO_PROPOSAL), 1);

	/* charon restarts: the reader notices and reconnects */
	charon_stop(pid);
	wait_connected(r, false, 5000);
	unlink(enfy);
	pid = charon_start(d);
	if (wait_file(enfy, 10000) && wait_connected(r, true, 5000)) {
		error_notify_get_stats(r, &st);
		CHECK_U64(st.connects, 2);
		CHECK_U64(st.bad_messages, 0);
	}
out:
	error_notify_stop(r);
	charon_stop(pid);
	event_store_free(store);
	if (testlib_case_failures)
		real_show_log(d);
}

static void cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
}

int main(void)
{
	const char *why = "";
	int rc;

	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_LEVEL_WARN);
	pthread_mutex_init(&seen.lock, NULL);
	snprintf(dir, sizeof(dir), "/tmp/ikw-enfy.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_parse_recorded);
	RUN(test_parse_hostile);
	RUN(test_mapping);
	RUN(test_filter);
	RUN(test_socket_path);
	RUN(test_reader_fake);
	RUN(test_reader_stop);
	if (have_real_charon(&why))
		RUN(test_real_charon);
	else
		printf("# SKIP test_real_charon: %s\n", why);
	rc = testlib_done();
	cleanup();
	return rc;
}
