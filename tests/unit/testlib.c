#include "testlib.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int testlib_case_failures;
static int passed, failed;

void testlib_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "#   %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	testlib_case_failures++;
}

void testlib_run(const char *name, void (*fn)(void))
{
	testlib_case_failures = 0;
	fn();
	if (testlib_case_failures) {
		failed++;
		printf("not ok - %s\n", name);
	} else {
		passed++;
		printf("ok - %s\n", name);
	}
	fflush(stdout);
}

int testlib_done(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

const char *testlib_fixture_dir(void)
{
	const char *d = getenv("IKW_FIXTURES");

	return d ? d : "tests/fixtures";
}

uint8_t *testlib_read_fixture(const char *relpath, size_t *len)
{
	char path[1024];
	uint8_t *buf = NULL;
	FILE *f;
	long n = -1;

	*len = 0;
	snprintf(path, sizeof(path), "%s/%s", testlib_fixture_dir(), relpath);
	f = fopen(path, "rb");
	if (f && !fseek(f, 0, SEEK_END))
		n = ftell(f);
	if (n >= 0 && !fseek(f, 0, SEEK_SET))
		buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n)
		*len = (size_t)n;
	else
		testlib_fail(__FILE__, __LINE__, "cannot read fixture %s", path);
	if (f)
		fclose(f);
	return buf ? buf : calloc(1, 1);
}

struct testlib_guarded testlib_guarded_copy(const void *src, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t pages = (len + page - 1) / page + 1;
	struct testlib_guarded g = { NULL, pages * page, NULL };

	g.map = mmap(NULL, g.map_len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g.map == MAP_FAILED) {
		testlib_fail(__FILE__, __LINE__, "mmap failed");
		exit(1);
	}
	mprotect(g.map + g.map_len - page, page, PROT_NONE);
	g.data = g.map + g.map_len - page - len;
	if (len)
		memcpy(g.data, src, len);
	return g;
}

void testlib_guarded_free(struct testlib_guarded *g)
{
	munmap(g->map, g->map_len);
}
