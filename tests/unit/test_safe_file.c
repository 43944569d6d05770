#include "common/safe_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file.h"
#include "common/statefile.h"
#include "common/token_file.h"
#include "testlib.h"

static char dir[] = "/tmp/ikw-safe-XXXXXX";

static void sf_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static void sf_plant(const char *path, const char *content, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK(write(fd, content, strlen(content)) == (ssize_t)strlen(content));
		fchmod(fd, mode);
		close(fd);
	}
}

/* A file planted at the old predictable PATH.tmp.PID is never written
 * through and never renamed into place (it might belong to another user). */
static void test_statefile_planted_tmp(void)
{
	char path[256], tmp[300];
	struct stat planted, st;
	struct ikw_err err = { 0 };

	sf_path(path, sizeof(path), "state");
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	sf_plant(tmp, "planted\n", 0666);
	CHECK(stat(tmp, &planted) == 0);
	CHECK_INT(statefile_save(path, "new\n", 4, &err), 0);
	CHECK(stat(path, &st) == 0);
	CHECK(st.st_ino != planted.st_ino);
	CHECK_INT(st.st_mode & 0777, 0600);
	CHECK(stat(tmp, &st) == 0 && st.st_size == 8);  /* untouched */
	unlink(tmp);
	unlink(path);
}

/* A symlink planted at the old temporary name points nowhere useful: the
 * target is not created or written. */
static void test_statefile_planted_symlink(void)
{
	char path[256], tmp[300], target[256];
	struct ikw_err err = { 0 };

	sf_path(path, sizeof(path), "state2");
	sf_path(target, sizeof(target), "victim");
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	CHECK(symlink(target, tmp) == 0);
	CHECK_INT(statefile_save(path, "new\n", 4, &err), 0);
	CHECK(access(target, F_OK) != 0);
	unlink(tmp);
	unlink(path);
}

static void test_replace_mode_and_content(void)
{
	char path[256], buf[16] = { 0 };
	struct stat st;
	int fd;

	sf_path(path, sizeof(path), "out.yml");
	sf_plant(path, "old", 0600);
	CHECK_INT(safe_file_replace(path, "hello", 5, 0644), 0);
	CHECK(stat(path, &st) == 0);
	CHECK_INT(st.st_mode & 0777, 0644);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf) - 1) == 5);
	CHECK(!strcmp(buf, "hello"));
	if (fd >= 0)
		close(fd);
	unlink(path);
}

static void test_append_symlink_refused(void)
{
	char path[256], target[256];
	int fd;

	sf_path(path, sizeof(path), "audit-link");
	sf_path(target, sizeof(target), "audit-target");
	CHECK(symlink(target, path) == 0);
	fd = safe_file_open_append(path);
	CHECK(fd < 0);
	if (fd >= 0)
		close(fd);
	CHECK(access(target, F_OK) != 0);
	unlink(path);
}

static void test_append_mode_tightened(void)
{
	char path[256];
	struct stat st;
	int fd;

	sf_path(path, sizeof(path), "audit.log");
	sf_plant(path, "line\n", 0666);
	fd = safe_file_open_append(path);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK(write(fd, "more\n", 5) == 5);
		close(fd);
	}
	CHECK(stat(path, &st) == 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	CHECK_INT(st.st_size, 10);
	unlink(path);
}

/* The event log's 0640: an existing 0666 file loses only other's and the
 * group's write bits; a new one is 0640 whatever the umask. */
static void test_append_mode_0640(void)
{
	char path[256];
	struct stat st;
	mode_t old;
	int fd;

	sf_path(path, sizeof(path), "events.log");
	sf_plant(path, "line\n", 0666);
	fd = safe_file_open_append_mode(path, 0640);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
	unlink(path);
	old = umask(077);
	fd = safe_file_open_append_mode(path, 0640);
	umask(old);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
	unlink(path);
}

static void test_append_fifo_refused(void)
{
	char path[256];
	int fd;

	sf_path(path, sizeof(path), "fifo");
	CHECK(mkfifo(path, 0600) == 0);
	alarm(5);   /* a blocking open would hang here: the alarm ends the test */
	CHECK_INT(safe_file_open_append(path), -EINVAL);   /* no reader */
	fd = open(path, O_RDONLY | O_NONBLOCK);
	CHECK_INT(safe_file_open_append(path), -EINVAL);   /* with a reader */
	alarm(0);
	if (fd >= 0)
		close(fd);
	unlink(path);
}

/* A secret that group or others may read is refused, whatever the path
 * (here through a symlink: the mode checked is the file's, not the link's). */
static void test_secret_modes(void)
{
	static const struct { mode_t mode; int want; } cases[] = {
		{ 0600, 0 }, { 0400, 0 }, { 0640, -EPERM }, { 0604, -EPERM },
		{ 0620, -EPERM }, { 0666, -EPERM },
	};
	char path[256], link[256], *buf = NULL;
	struct ikw_err err = { 0 };
	size_t i, len;

	sf_path(path, sizeof(path), "secret");
	sf_path(link, sizeof(link), "secret.link");
	CHECK(symlink(path, link) == 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unlink(path);
		sf_plant(path, "0123456789abcdef0123456789abcdef\n", cases[i].mode);
		CHECK_INT(file_read_secret(link, 4096, &buf, &len, &err), cases[i].want);
		if (!cases[i].want)
			CHECK_STR(buf, "0123456789abcdef0123456789abcdef\n");
		else
			CHECK(strstr(err.msg, "group or others may read it") != NULL);
		free(buf);
		buf = NULL;
		CHECK_INT(token_file_load(path, "status.token_file", 32, &buf, &err),
			  cases[i].want);
		free(buf);
		buf = NULL;
	}
	/* a public file is still read by file_read_all */
	CHECK_INT(file_read_all(path, 4096, &buf, &len, &err), 0);
	free(buf);
	unlink(link);
	unlink(path);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	RUN(test_statefile_planted_tmp);
	RUN(test_statefile_planted_symlink);
	RUN(test_replace_mode_and_content);
	RUN(test_append_symlink_refused);
	RUN(test_append_mode_tightened);
	RUN(test_append_mode_0640);
	RUN(test_append_fifo_refused);
	RUN(test_secret_modes);
	rmdir(dir);
	return testlib_done();
}
