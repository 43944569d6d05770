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
