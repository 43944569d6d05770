/* A log file that others can write lets them invent charon's failures:
 * logs_start warns about it. */
#include "logs/logs.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "logs/log_config.h"
#include "testlib.h"

/* Starts and stops the log sources on path; returns what went to stderr. */
static char *lt_start_stderr(const char *path)
{
	static char out[4096];
	char errpath[] = "/tmp/ikw-logs-trust-err-XXXXXX";
	int efd = mkstemp(errpath), saved = dup(2);
	char *files[1] = { (char *)path };
	struct log_config lc;
	struct logs_runtime *rt = NULL;
	struct ikw_err err = { "" };
	ssize_t n;

	log_config_init(&lc);
	lc.files = files;
	lc.nfiles = 1;
	fflush(stderr);
	dup2(efd, 2);
	CHECK_INT(logs_start(&rt, &lc, NULL, NULL, NULL, &err), 0);
	logs_stop(rt);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(efd, out, sizeof(out) - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(efd);
	unlink(errpath);
	return out;
}

static void test_world_writable_warned(void)
{
	char path[] = "/tmp/ikw-logs-trust-XXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	fchmod(fd, 0666);
	close(fd);
	CHECK(strstr(lt_start_stderr(path), "writable by group or others") != NULL);
	unlink(path);
}

static void test_private_file_quiet(void)
{
	char path[] = "/tmp/ikw-logs-trust-XXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	fchmod(fd, 0640);
	close(fd);
	if (geteuid() == 0)   /* owned by root: nothing to say */
		CHECK(strstr(lt_start_stderr(path), "forge") == NULL);
	else
		CHECK(strstr(lt_start_stderr(path), "not owned by root") != NULL);
	unlink(path);
}

int main(void)
{
	RUN(test_world_writable_warned);
	RUN(test_private_file_quiet);
	return testlib_done();
}
