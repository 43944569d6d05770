#include "metrics/textfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

/* A source yielding fixed pieces, optionally failing at piece fail_at. */
struct tf_source {
	const char *const *pieces;
	size_t n, next;
	size_t fail_at;  /* SIZE_MAX: never */
	int frees;
};

static int tf_next(void *ctx, struct strbuf *sb)
{
	struct tf_source *s = ctx;

	if (s->next == s->fail_at)
		return -EIO;
	if (s->next < s->n)
		strbuf_addstr(sb, s->pieces[s->next++]);
	return s->next < s->n;
}

static void tf_free(void *ctx)
{
	((struct tf_source *)ctx)->frees++;
}

static struct body_source tf_body(struct tf_source *s)
{
	struct body_source b = { s, tf_next, tf_free };

	return b;
}

static char *tf_mkdtemp(char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/ikw-textfile-XXXXXX");
	return mkdtemp(buf);
}

static char *tf_read(const char *path)
{
	FILE *f = fopen(path, "r");
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb, NULL);
}

/* Number of entries in dir besides . and .. */
static int tf_count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void tf_write_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (!f)
		return;
	fputs(content, f);
	fclose(f);
}

static void tf_cleanup(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	rmdir(dir);
}

static void test_write_pieces(void)
{
	static const char *const pieces[] = {
		"# TYPE ipsec_up gauge\n", "", "ipsec_up{conn=\"a\"} 1\n",
		"ipsec_up{conn=\"b\"} 0\n",
	};
	struct tf_source s = { pieces, 4, 0, SIZE_MAX, 0 };
	struct body_source b = tf_body(&s);
	struct ikw_err err = { "" };
	char dir[64], path[128], *got;
	struct stat st;
	mode_t old = umask(077);

	CHECK(tf_mkdtemp(dir, sizeof(dir)) != NULL);
	CHECK_INT(textfile_write(dir, "ikewatch.prom", &b, &err), 0);
	umask(old);
	CHECK_INT(s.frees, 1);
	snprintf(path, sizeof(path), "%s/ikewatch.prom", dir);
	got = tf_read(path);
	CHECK_STR(got, "# TYPE ipsec_up gauge\nipsec_up{conn=\"a\"} 1\n"
		  "ipsec_up{conn=\"b\"} 0\n");
	free(got);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0644);  /* readable by node_exporter */
	CHECK_INT(tf_count_entries(dir), 1);  /* no temporary file left */
	tf_cleanup(dir, "ikewatch.prom");
}

/* The new file replaces the old one by rename: a reader holding the old file
 * open still sees the old content whole. */
static void test_atomic_replace(void)
{
	static const char *const pieces[] = { "new 2\n" };
	struct tf_source s = { pieces, 1, 0, SIZE_MAX, 0 };
	struct body_source b = tf_body(&s);
	struct ikw_err err = { "" };
	char dir[64], path[128], buf[64], *got;
	struct stat before, after;
	ssize_t n;
	int fd;

	CHECK(tf_mkdtemp(dir, sizeof(dir)) != NULL);
	snprintf(path, sizeof(path), "%s/x.prom", dir);
	tf_write_file(path, "old 1\n");
	CHECK_INT(stat(path, &before), 0);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK_INT(textfile_write(dir, "x.prom", &b, &err), 0);
	CHECK_INT(stat(path, &after), 0);
	CHECK(before.st_ino != after.st_ino);
	n = read(fd, buf, sizeof(buf) - 1);
	CHECK_INT(n, 6);
	buf[n > 0 ? n : 0] = '\0';
	CHECK_STR(buf, "old 1\n");
	close(fd);
	got = tf_read(path);
	CHECK_STR(got, "new 2\n");
	free(got);
	CHECK_INT(tf_count_entries(dir), 1);
	tf_cleanup(dir, "x.prom");
}

static void test_missing_directory(void)
{
	static const char *const pieces[] = { "a 1\n" };
	struct tf_source s = { pieces, 1, 0, SIZE_MAX, 0 };
	struct body_source b = tf_body(&s);
	struct ikw_err err = { "" };
	char dir[64], missing[128];

	CHECK(tf_mkdtemp(dir, sizeof(dir)) != NULL);
	snprintf(missing, sizeof(missing), "%s/nope", dir);
	CHECK_INT(textfile_write(missing, "a.prom", &b, &err), -ENOENT);
	CHECK_INT(s.frees, 1);
	CHECK(strstr(err.msg, missing) != NULL);
	CHECK(strstr(err.msg, "No such file or directory") != NULL);
	CHECK_INT(tf_count_entries(dir), 0);
	rmdir(dir);
}

/* A source failing midway leaves the previous file and no temporary. */
static void test_source_error(void)
{
	static const char *const pieces[] = { "a 1\n", "b 2\n", "c 3\n" };
	struct tf_source s = { pieces, 3, 0, 2, 0 };
	struct body_source b = tf_body(&s);
	struct ikw_err err = { "" };
	char dir[64], path[128], *got;

	CHECK(tf_mkdtemp(dir, sizeof(dir)) != NULL);
	snprintf(path, sizeof(path), "%s/a.prom", dir);
	tf_write_file(path, "previous 1\n");
	CHECK_INT(textfile_write(dir, "a.prom", &b, &err), -EIO);
	CHECK_INT(s.frees, 1);
	CHECK(strstr(err.msg, path) != NULL);
	got = tf_read(path);
	CHECK_STR(got, "previous 1\n");
	free(got);
	CHECK_INT(tf_count_entries(dir), 1);
	tf_cleanup(dir, "a.prom");
}

static void test_invalid_names(void)
{
	static const char *const names[] = { "", "a/b.prom", ".", "..", "../x.prom" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct tf_source s = { NULL, 0, 0, SIZE_MAX, 0 };
		struct body_source b = tf_body(&s);
		struct ikw_err err = { "" };

		CHECK_INT(textfile_write("/tmp", names[i], &b, &err), -EINVAL);
		CHECK_INT(s.frees, 1);
	}
}

/* A symlink planted at the temporary name is replaced, never followed. */
static void test_planted_symlink(void)
{
	static const char *const pieces[] = { "m 1\n" };
	struct tf_source s = { pieces, 1, 0, SIZE_MAX, 0 };
	struct body_source b = tf_body(&s);
	struct ikw_err err = { "" };
	char dir[64], tmp[160], victim[128], *got;

	CHECK(tf_mkdtemp(dir, sizeof(dir)) != NULL);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	tf_write_file(victim, "keep\n");
	snprintf(tmp, sizeof(tmp), "%s/.m.prom.tmp.%ld", dir, (long)getpid());
	CHECK_INT(symlink(victim, tmp), 0);
	CHECK_INT(textfile_write(dir, "m.prom", &b, &err), 0);
	got = tf_read(victim);
	CHECK_STR(got, "keep\n");
	free(got);
	CHECK_INT(tf_count_entries(dir), 2);  /* victim and m.prom */
	unlink(victim);
	tf_cleanup(dir, "m.prom");
}

static void test_no_free_callback(void)
{
	static const char *const pieces[] = { "z 0\n" };
	struct tf_source s = { pieces, 1, 0, SIZE_MAX, 0 };
	struct body_source b = { &s, tf_next, NULL };
	struct ikw_err err = { "" };
	char dir[64];

	CHECK(tf_mkdtemp(dir, sizeof(dir)) != NULL);
	CHECK_INT(textfile_write(dir, "z.prom", &b, &err), 0);
	CHECK_INT(s.frees, 0);
	tf_cleanup(dir, "z.prom");
}

int main(void)
{
	RUN(test_write_pieces);
	RUN(test_atomic_replace);
	RUN(test_missing_directory);
	RUN(test_source_error);
	RUN(test_invalid_names);
	RUN(test_planted_symlink);
	RUN(test_no_free_callback);
	return testlib_done();
}
