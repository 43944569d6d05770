#include "testlib.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
