/* Log follower on real files in a mkdtemp directory: appends, a partial
 * line, rotation by rename (with the old file still written to), a late new
 * file, copytruncate-style truncation, a 1 MiB line written in pieces, NUL
 * and invalid UTF-8 bytes, a file that appears later, from_start, and a
 * prompt stop.  Every wait is bounded, so a broken follower fails the test
 * instead of hanging it.  Lines are compared by their first 79 bytes. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "logs/log_follow.h"
#include "testlib.h"

#define WAIT_MS 5000
#define MAX_LINES 64

struct got {
	pthread_mutex_t lock;
	size_t n;
	char line[MAX_LINES][80];   /* first bytes of each line */
	size_t len[MAX_LINES];
	unsigned flags[MAX_LINES];
};

static struct got got;
static char dir[64];

static void on_line(void *ctx, const char *line, size_t len, unsigned flags)
{
	struct got *g = ctx;

	pthread_mutex_lock(&g->lock);
	if (g->n < MAX_LINES) {
		size_t c = len < sizeof(g->line[0]) - 1 ? len : sizeof(g->line[0]) - 1;

		memcpy(g->line[g->n], line, c);
		g->line[g->n][c] = '\0';
		g->len[g->n] = len;
		g->flags[g->n] = flags;
		g->n++;
	}
	pthread_mutex_unlock(&g->lock);
}

static void got_reset(void)
{
	pthread_mutex_lock(&got.lock);
	got.n = 0;
	pthread_mutex_unlock(&got.lock);
}

static size_t got_count(void)
{
	size_t n;

	pthread_mutex_lock(&got.lock);
	n = got.n;
	pthread_mutex_unlock(&got.lock);
	return n;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Waits until n lines arrived; false after WAIT_MS. */
static bool wait_lines(size_t n)
{
	int i;

	for (i = 0; i < WAIT_MS / 5; i++) {
		if (got_count() >= n)
			return true;
		sleep_ms(5);
	}
	testlib_fail(__FILE__, __LINE__, "timed out waiting for %zu lines (have %zu)", n,
		     got_count());
	return false;
}

static void path_of(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", dir, name);
}

static void append(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		testlib_fail(__FILE__, __LINE__, "cannot append to %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void append_str(const char *path, const char *s)
{
	append(path, s, strlen(s));
}

static struct log_follow *start(const char *path, bool from_start)
{
	struct log_follow_opts o = { 5, 0, from_start };
	struct log_follow *f = NULL;

	got_reset();
	CHECK_INT(log_follow_start(&f, path, &o, on_line, &got), 0);
	return f;
}

static void test_append_skips_history(void)
{
	char p[128];
	struct log_follow *f;

	path_of(p, sizeof(p), "append.log");
	append_str(p, "history 1\nhistory 2\n");
	f = start(p, false);
	append_str(p, "new 1\nnew 2\n");
	if (wait_lines(2)) {
		CHECK_STR(got.line[0], "new 1");
		CHECK_STR(got.line[1], "new 2");
	}
	sleep_ms(50);
	CHECK_INT(got_count(), 2);
	log_follow_stop(f);
}

/* Started while the writer is in the middle of a line: its rest is not a
 * line of its own. */
static void test_start_mid_line(void)
{
	char p[128];
	struct log_follow *f;

	path_of(p, sizeof(p), "midline.log");
	append_str(p, "complete\nthe first half");
	f = start(p, false);
	append_str(p, " and the rest\nnext\n");
	if (wait_lines(1))
		CHECK_STR(got.line[0], "next");
	sleep_ms(50);
	CHECK_INT(got_count(), 1);
	log_follow_stop(f);
}

static void test_from_start(void)
{
	char p[128];
	struct log_follow *f;

	path_of(p, sizeof(p), "fromstart.log");
	append_str(p, "old 1\nold 2\n");
	f = start(p, true);
	if (wait_lines(2))
		CHECK_STR(got.line[0], "old 1");
	log_follow_stop(f);
}

static void test_partial_line(void)
{
	char p[128];
	struct log_follow *f;

	path_of(p, sizeof(p), "partial.log");
	append_str(p, "");
	f = start(p, false);
	append_str(p, "half a li");
	sleep_ms(100);   /* many polls: the half line must wait */
	CHECK_INT(got_count(), 0);
	append_str(p, "ne\nnext\n");
	if (wait_lines(2)) {
		CHECK_STR(got.line[0], "half a line");
		CHECK_STR(got.line[1], "next");
	}
	log_follow_stop(f);
}

/* logrotate's default: rename, then the daemon reopens a new file.  Lines
 * written to the old file before the switch still count, in order. */
static void test_rotation_rename(void)
{
	char p[128], old[128];
	struct log_follow *f;
	struct log_follow_stats st;
	int fd;

	path_of(p, sizeof(p), "rot.log");
	path_of(old, sizeof(old), "rot.log.1");
	append_str(p, "");
	f = start(p, false);
	fd = open(p, O_WRONLY | O_APPEND);   /* the writer, like charon */
	CHECK(write(fd, "before\n", 7) == 7);
	if (!wait_lines(1))
		goto out;
	CHECK_INT(rename(p, old), 0);
	CHECK(write(fd, "old tail no newline", 19) == 19);   /* into the renamed file */
	append_str(p, "new 1\nnew 2\n");
	if (wait_lines(4)) {
		CHECK_STR(got.line[0], "before");
		CHECK_STR(got.line[1], "old tail no newline");   /* the old file is complete */
		CHECK_STR(got.line[2], "new 1");
		CHECK_STR(got.line[3], "new 2");
	}
	log_follow_get_stats(f, &st);
	CHECK_INT(st.rotations, 1);
	CHECK(st.open);
out:
	close(fd);
	log_follow_stop(f);
}

/* Renamed away and no new file for a while (create = no): the follower
 * keeps the old one and picks up the new file when it appears. */
static void test_rotation_late_file(void)
{
	char p[128], old[128];
	struct log_follow *f;

	path_of(p, sizeof(p), "late.log");
	path_of(old, sizeof(old), "late.log.1");
	append_str(p, "");
	f = start(p, false);
	CHECK_INT(rename(p, old), 0);
	append_str(old, "still old\n");
	if (!wait_lines(1))
		goto out;
	sleep_ms(50);
	append_str(p, "brand new\n");
	if (wait_lines(2)) {
		CHECK_STR(got.line[0], "still old");
		CHECK_STR(got.line[1], "brand new");
	}
out:
	log_follow_stop(f);
}

/* copytruncate: same inode, cut to 0, the writer (O_APPEND) goes on. */
static void test_truncation(void)
{
	char p[128];
	struct log_follow *f;
	struct log_follow_stats st;

	path_of(p, sizeof(p), "trunc.log");
	append_str(p, "");
	f = start(p, false);
	append_str(p, "a rather long line before the truncation happens\n");
	if (!wait_lines(1))
		goto out;
	CHECK_INT(truncate(p, 0), 0);
	append_str(p, "after\n");
	if (wait_lines(2))
		CHECK_STR(got.line[1], "after");
	log_follow_get_stats(f, &st);
	CHECK_INT(st.truncations, 1);
	CHECK_INT(st.rotations, 0);
out:
	log_follow_stop(f);
}

/* 1 MiB without a newline, written in pieces across polls: delivered once,
 * cut to the cap and flagged; the lines around it are intact. */
static void test_huge_line(void)
{
	char p[128];
	struct log_follow *f;
	struct log_follow_stats st;
	size_t piece = 128 * 1024, i;
	char *buf = malloc(piece);

	if (!buf)
		return;
	memset(buf, 'x', piece);
	path_of(p, sizeof(p), "huge.log");
	append_str(p, "");
	f = start(p, false);
	append_str(p, "head\n");
	for (i = 0; i < 8; i++) {
		append(p, buf, piece);
		sleep_ms(10);
	}
	append_str(p, "\ntail\n");
	if (wait_lines(3)) {
		CHECK_STR(got.line[0], "head");
		CHECK_INT(got.len[1], LOG_FOLLOW_LINE_MAX);
		CHECK_INT(got.flags[1], LOG_FOLLOW_TRUNCATED);
		CHECK_STR(got.line[2], "tail");
		CHECK_INT(got.flags[2], 0);
	}
	sleep_ms(30);
	CHECK_INT(got_count(), 3);
	log_follow_get_stats(f, &st);
	CHECK_INT(st.long_lines, 1);
	CHECK_U64(st.bytes, 5 + 8 * piece + 6);
	log_follow_stop(f);
	free(buf);
}

/* A line of exactly the cap is whole; one byte more is cut. */
static void test_line_at_cap(void)
{
	char p[128];
	struct log_follow *f;
	char *buf = malloc(LOG_FOLLOW_LINE_MAX + 2);

	if (!buf)
		return;
	path_of(p, sizeof(p), "cap.log");
	append_str(p, "");
	f = start(p, false);
	memset(buf, 'y', LOG_FOLLOW_LINE_MAX + 1);
	buf[LOG_FOLLOW_LINE_MAX] = '\n';
	append(p, buf, LOG_FOLLOW_LINE_MAX + 1);
	buf[LOG_FOLLOW_LINE_MAX] = 'y';
	buf[LOG_FOLLOW_LINE_MAX + 1] = '\n';
	append(p, buf, LOG_FOLLOW_LINE_MAX + 2);
	if (wait_lines(2)) {
		CHECK_INT(got.len[0], LOG_FOLLOW_LINE_MAX);
		CHECK_INT(got.flags[0], 0);
		CHECK_INT(got.len[1], LOG_FOLLOW_LINE_MAX);
		CHECK_INT(got.flags[1], LOG_FOLLOW_TRUNCATED);
	}
	log_follow_stop(f);
	free(buf);
}

static void test_binary_bytes(void)
{
	static const char junk[] = "a\0b\xff\xfe\xc3\x28\n";
	char p[128];
	struct log_follow *f;

	path_of(p, sizeof(p), "bin.log");
	append_str(p, "");
	f = start(p, false);
	append(p, junk, sizeof(junk) - 1);
	if (wait_lines(1)) {
		CHECK_INT(got.len[0], sizeof(junk) - 2);
		CHECK(!memcmp(got.line[0], junk, sizeof(junk) - 2));
	}
	log_follow_stop(f);
}

static void test_missing_file(void)
{
	char p[128];
	struct log_follow *f;
	struct log_follow_stats st;

	path_of(p, sizeof(p), "later.log");
	f = start(p, false);
	sleep_ms(50);
	log_follow_get_stats(f, &st);
	CHECK(!st.open);
	append_str(p, "first\nsecond\n");   /* a new file is read from its start */
	if (wait_lines(2))
		CHECK_STR(got.line[0], "first");
	log_follow_stop(f);
}

static void test_stop_is_prompt(void)
{
	char p[128];
	struct log_follow_opts o = { 60000, 0, false };   /* a long interval */
	struct log_follow *f = NULL;
	struct timespec a, b;
	double s;

	path_of(p, sizeof(p), "stop.log");
	CHECK_INT(log_follow_start(&f, p, &o, on_line, &got), 0);
	sleep_ms(20);
	clock_gettime(CLOCK_MONOTONIC, &a);
	log_follow_stop(f);
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	CHECK(s < 1.0);
	log_follow_stop(NULL);
	CHECK_INT(log_follow_start(&f, "", &o, on_line, &got), -EINVAL);
}

static void cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* ---- one-shot catch-up (textfile runs) ------------------------------------ */

static int catchup(const char *path, struct log_follow_pos *pos)
{
	got_reset();
	return log_follow_catchup(path, pos, NULL, on_line, &got, NULL);
}

static void test_catchup_first_run_skips_history(void)
{
	struct log_follow_pos pos = { 0 };
	char p[128];

	path_of(p, sizeof(p), "cu-first.log");
	append_str(p, "old 1\nold 2\npart");
	CHECK_INT(catchup(p, &pos), 0);
	CHECK_INT(got_count(), 0);
	CHECK(pos.valid);
	CHECK_U64(pos.offset, 12);            /* the incomplete line's start */
	append_str(p, "ial\nnew\n");
	CHECK_INT(catchup(p, &pos), 0);
	CHECK_INT(got_count(), 2);
	CHECK_STR(got.line[0], "partial");
	CHECK_STR(got.line[1], "new");
	CHECK_INT(catchup(p, &pos), 0);       /* nothing new: nothing twice */
	CHECK_INT(got_count(), 0);
}

static void test_catchup_partial_waits(void)
{
	struct log_follow_pos pos = { 0 };
	char p[128];

	path_of(p, sizeof(p), "cu-partial.log");
	append_str(p, "");
	CHECK_INT(catchup(p, &pos), 0);
	append_str(p, "half");
	CHECK_INT(catchup(p, &pos), 0);
	CHECK_INT(got_count(), 0);
	CHECK_U64(pos.offset, 0);
	append_str(p, " done\n");
	CHECK_INT(catchup(p, &pos), 0);
	CHECK_INT(got_count(), 1);
	CHECK_STR(got.line[0], "half done");
}

static void test_catchup_rotation_and_truncation(void)
{
	struct log_follow_pos pos = { 0 };
	struct log_follow_stats st;
	char p[128], old[128];

	path_of(p, sizeof(p), "cu-rot.log");
	path_of(old, sizeof(old), "cu-rot.log.1");
	append_str(p, "a\n");
	CHECK_INT(catchup(p, &pos), 0);
	CHECK_INT(rename(p, old), 0);
	append_str(p, "b\n");
	got_reset();
	CHECK_INT(log_follow_catchup(p, &pos, NULL, on_line, &got, &st), 0);
	CHECK_INT(got_count(), 1);            /* the new file from its start */
	CHECK_STR(got.line[0], "b");
	CHECK_U64(st.rotations, 1);
	append_str(p, "more\n");
	CHECK_INT(catchup(p, &pos), 0);
	CHECK_INT(got_count(), 1);
	CHECK_INT(truncate(p, 0), 0);
	append_str(p, "c\n");                /* shorter than the saved offset */
	got_reset();
	CHECK_INT(log_follow_catchup(p, &pos, NULL, on_line, &got, &st), 0);
	CHECK_INT(got_count(), 1);
	CHECK_STR(got.line[0], "c");
	CHECK_U64(st.truncations, 1);
}

static void test_catchup_missing_and_long(void)
{
	struct log_follow_pos pos = { 0 }, before;
	struct log_follow_opts o = { 0, 16, false };
	char p[128];

	path_of(p, sizeof(p), "cu-none.log");
	CHECK_INT(catchup(p, &pos), -ENOENT);
	CHECK(!pos.valid);
	append_str(p, "");
	CHECK_INT(catchup(p, &pos), 0);
	append_str(p, "0123456789abcdefXYZ\nshort\n");
	before = pos;
	got_reset();
	CHECK_INT(log_follow_catchup(p, &pos, &o, on_line, &got, NULL), 0);
	CHECK_INT(got_count(), 2);
	CHECK_INT(got.len[0], 16);
	CHECK_INT(got.flags[0], LOG_FOLLOW_TRUNCATED);
	CHECK_STR(got.line[1], "short");
	CHECK_U64(pos.offset, before.offset + 26);
}

int main(void)
{
	int rc;

	pthread_mutex_init(&got.lock, NULL);
	snprintf(dir, sizeof(dir), "/tmp/ikw-follow.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_append_skips_history);
	RUN(test_start_mid_line);
	RUN(test_from_start);
	RUN(test_partial_line);
	RUN(test_rotation_rename);
	RUN(test_rotation_late_file);
	RUN(test_truncation);
	RUN(test_huge_line);
	RUN(test_line_at_cap);
	RUN(test_binary_bytes);
	RUN(test_missing_file);
	RUN(test_stop_is_prompt);
	RUN(test_catchup_first_run_skips_history);
	RUN(test_catchup_partial_waits);
	RUN(test_catchup_rotation_and_truncation);
	RUN(test_catchup_missing_and_long);
	rc = testlib_done();
	cleanup();
	return rc;
}
