#include "remediate/remediate_diag.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cmd_run.h"

#define RD_STAMP_LEN 16   /* YYYYmmddTHHMMSSZ */

static bool rd_key_line(const char *p, const char *end)
{
	static const char *const keys[] = { "enc ", "auth ", "auth-trunc ", "aead ", "comp " };
	size_t i;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((size_t)(end - p) >= strlen(keys[i]) && !memcmp(p, keys[i], strlen(keys[i])))
			return true;
	return false;
}

void rem_diag_redact_keys(struct strbuf *sb)
{
	struct strbuf out = STRBUF_INIT;
	const char *p = sb->buf, *end = sb->buf + sb->len;

	if (!sb->len)
		return;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *q = p;

		if (!rd_key_line(p, le)) {
			strbuf_add(&out, p, (size_t)(le - p));
		} else {
			while (q < le) {
				if ((q == p || q[-1] == ' ' || q[-1] == '\t') && le - q >= 2 &&
				    q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) {
					strbuf_addstr(&out, "[redacted]");
					while (q < le && *q != ' ' && *q != '\t')
						q++;
					continue;
				}
				strbuf_addch(&out, *q++);
			}
		}
		if (nl)
			strbuf_addch(&out, '\n');
		p = nl ? nl + 1 : end;
	}
	if (!strbuf_failed(&out)) {
		strbuf_reset(sb);
		strbuf_add(sb, out.buf, out.len);
	}
	strbuf_release(&out);
}

static int rd_write(int dfd, const char *name, const char *text, size_t len)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	size_t off = 0;
	int r = 0;

	if (fd < 0)
		return -errno;
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = -errno;
			break;
		}
		off += (size_t)n;
	}
	if (close(fd) && !r)
		r = -errno;
	return r;
}

/* "03-ip_-s_xfrm_state.txt" */
static void rd_cmd_name(char *buf, size_t size, size_t idx, char *const argv[])
{
	size_t n, i;
	const char *s;

	n = (size_t)snprintf(buf, size, "cmd%02zu", idx + 1);
	for (i = 0; argv[i] && n + 6 < size; i++) {
		buf[n++] = i ? '_' : '-';
		for (s = argv[i]; *s && n + 6 < size; s++) {
			char c = *s;

			buf[n++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				   (c >= '0' && c <= '9') || c == '.' || c == '-' ? c : '_';
		}
	}
	snprintf(buf + n, size - n, ".txt");
}

static void rd_command(const struct rem_diag_opts *o, int dfd, size_t idx)
{
	const struct remediate_argv *c = &o->commands[idx];
	struct strbuf sb = STRBUF_INIT, body = STRBUF_INIT;
	struct cmd_run_result res;
	struct ikw_err err = { "" };
	char name[96];
	size_t i;

	strbuf_addstr(&sb, "#");
	for (i = 0; i < c->n; i++) {
		strbuf_addch(&sb, ' ');
		strbuf_addstr(&sb, c->argv[i]);
	}
	strbuf_addch(&sb, '\n');
	/* `ip -s xfrm state` and the like need CAP_NET_ADMIN (ambient: only
	 * for these commands, never the restart command) */
	if (cmd_run_ambient(1ULL << CAP_NET_ADMIN, c->argv, o->timeout_ms, &body,
			    (size_t)o->output_max_bytes, &res, &err)) {
		strbuf_addf(&sb, "# not run: %s\n", err.msg);
	} else {
		rem_diag_redact_keys(&body);
		strbuf_add(&sb, body.buf, body.len);
		if (res.truncated)
			strbuf_addf(&sb, "\n# output truncated at %llu bytes\n",
				    (unsigned long long)o->output_max_bytes);
		if (res.timed_out)
			strbuf_addstr(&sb, "\n# killed at the timeout\n");
		else if (res.signal)
			strbuf_addf(&sb, "\n# killed by signal %d\n", res.signal);
		else
			strbuf_addf(&sb, "\n# exit %d\n", res.exit_code);
	}
	rd_cmd_name(name, sizeof(name), idx, c->argv);
	if (!strbuf_failed(&sb))
		rd_write(dfd, name, sb.buf, sb.len);
	strbuf_release(&sb);
	strbuf_release(&body);
}

int rem_diag_bundle(const struct rem_diag_opts *o, time_t when, const char *conn,
		    const struct rem_diag_file *files, size_t nfiles,
		    char *path, size_t psize, struct ikw_err *err)
{
	char stamp[RD_STAMP_LEN + 1];
	struct tm tm;
	unsigned k;
	size_t i;
	int dfd;

	if (mkdir(o->dir, 0700) && errno != EEXIST)
		return err_set(err, -errno, "diagnostics directory '%s': %s", o->dir, strerror(errno));
	gmtime_r(&when, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (k = 0;; k++) {
		if (k)
			snprintf(path, psize, "%s/%s-%s-%u", o->dir, stamp, conn, k);
		else
			snprintf(path, psize, "%s/%s-%s", o->dir, stamp, conn);
		if (!mkdir(path, 0700))
			break;
		if (errno != EEXIST || k >= 100)
			return err_set(err, -errno, "cannot create '%s': %s", path, strerror(errno));
	}
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dfd < 0)
		return err_set(err, -errno, "cannot open '%s': %s", path, strerror(errno));
	for (i = 0; i < nfiles; i++)
		if (rd_write(dfd, files[i].name, files[i].text, files[i].len))
			{
				close(dfd);
				return err_set(err, -EIO, "cannot write '%s/%s'", path, files[i].name);
			}
	for (i = 0; i < o->ncommands; i++)
		rd_command(o, dfd, i);
	close(dfd);
	return 0;
}

struct rd_entry {
	char name[256];
	uint64_t bytes;
};

static int rd_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rd_entry *)a)->name, ((const struct rd_entry *)b)->name);
}

/* A bundle's name: 16 characters of timestamp, then '-'. */
static bool rd_is_bundle(const char *n)
{
	size_t i;

	if (strlen(n) < RD_STAMP_LEN + 2 || n[8] != 'T' || n[15] != 'Z' || n[16] != '-')
		return false;
	for (i = 0; i < 15; i++)
		if (i != 8 && (n[i] < '0' || n[i] > '9'))
			return false;
	return true;
}

static uint64_t rd_bytes(int dfd, const char *name, bool remove)
{
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	uint64_t total = 0;
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (!fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW))
			total += (uint64_t)st.st_size;
		if (remove)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
	if (remove)
		unlinkat(dfd, name, AT_REMOVEDIR);
	return total;
}

unsigned rem_diag_retain(const char *dir, unsigned keep, uint64_t max_total_bytes)
{
	struct rd_entry *v = NULL, *p;
	size_t n = 0, cap = 0, i;
	uint64_t total = 0;
	unsigned removed = 0;
	struct dirent *e;
	int dfd;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	dfd = dirfd(d);
	while ((e = readdir(d))) {
		if (!rd_is_bundle(e->d_name) || strlen(e->d_name) >= sizeof(v->name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if (cap > 100000 || !(p = realloc(v, cap * sizeof(*v))))
				break;
			v = p;
		}
		memcpy(v[n].name, e->d_name, strlen(e->d_name) + 1);
		v[n].bytes = rd_bytes(dfd, e->d_name, false);
		total += v[n].bytes;
		n++;
	}
	if (n)
		qsort(v, n, sizeof(*v), rd_cmp);
	/* oldest first; the newest bundle always stays */
	for (i = 0; i + 1 < n && (n - i > keep || total > max_total_bytes); i++) {
		rd_bytes(dfd, v[i].name, true);
		total -= v[i].bytes;
		removed++;
	}
	closedir(d);
	free(v);
	return removed;
}
