/* Minimal test harness: each test binary runs cases with RUN(fn); a case
 * passes when none of its CHECKs failed.  Output is TAP-like; the last line
 * is "N passed, N failed" so tests/unit/run.sh can add up the binaries. */
#ifndef IKW_TESTLIB_H
#define IKW_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern int testlib_case_failures;

void testlib_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void testlib_run(const char *name, void (*fn)(void));
int testlib_done(void);
/* Directory of test fixtures (tests/fixtures), found relative to the repo. */
const char *testlib_fixture_dir(void);
/* A copy of src that ends exactly at an unreadable page, so that any read
 * past its end crashes (picohttpparser's trick). */
struct testlib_guarded {
	unsigned char *map;
	size_t map_len;
	void *data;
};
struct testlib_guarded testlib_guarded_copy(const void *src, size_t len);
void testlib_guarded_free(struct testlib_guarded *g);

/* Reads fixture dir/relpath into a malloc'd buffer (free it); on failure
 * records a test failure and returns an empty buffer with *len 0. */
uint8_t *testlib_read_fixture(const char *relpath, size_t *len);

#define RUN(fn) testlib_run(#fn, fn)
#define CHECK(cond) do { if (!(cond)) \
	testlib_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); } while (0)
#define CHECK_INT(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) testlib_fail(__FILE__, __LINE__, "%s == %lld, want %s == %lld", \
		#a, a_, #b, b_); } while (0)
#define CHECK_U64(a, b) do { unsigned long long a_ = (a), b_ = (b); \
	if (a_ != b_) testlib_fail(__FILE__, __LINE__, "%s == %llu, want %llu", \
		#a, a_, b_); } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
	if (!a_ || !b_ || strcmp(a_, b_)) testlib_fail(__FILE__, __LINE__, \
		"%s == \"%s\", want \"%s\"", #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
	} while (0)

#endif
