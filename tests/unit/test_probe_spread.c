/* The schedule: 1000 probes at 30 s start at most a few per 100 ms, inside
 * their interval, in a phase that does not depend on the config's order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/spread.h"
#include "testlib.h"

#define N 1000

/* The most offsets in any window of win ms, sliding over [0, span). */
static unsigned max_in_window(const uint32_t *off, size_t n, uint32_t span, uint32_t win)
{
	unsigned *count = calloc(span + win, sizeof(*count)), best = 0, cur = 0;
	uint32_t t;
	size_t i;

	for (i = 0; i < n; i++)
		count[off[i]]++;
	/* the schedule repeats: fold the window over the end */
	for (t = 0; t < win; t++)
		count[span + t] = count[t];
	for (t = 0; t < span + win; t++) {
		cur += count[t];
		if (t >= win)
			cur -= count[t - win];
		if (cur > best)
			best = cur;
	}
	free(count);
	return best;
}

static void make(uint64_t *hash, uint32_t *iv, size_t n, uint32_t interval)
{
	char name[32];
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "tun%zu", i + 1);
		hash[i] = spread_hash(name, "net", "icmp");
		iv[i] = interval;
	}
}

static void test_thousand(void)
{
	static uint64_t hash[N];
	static uint32_t iv[N], off[N];
	size_t i;

	make(hash, iv, N, 30000);
	CHECK_INT(spread_offsets(hash, iv, N, off), 0);
	for (i = 0; i < N; i++)
		CHECK(off[i] < 30000);
	/* 1000 over 300 windows of 100 ms: 3 or 4 in each */
	CHECK(max_in_window(off, N, 30000, 100) <= 4);
}

static void test_order_free(void)
{
	static uint64_t hash[N], rev[N];
	static uint32_t iv[N], off[N], roff[N];
	size_t i;

	make(hash, iv, N, 30000);
	for (i = 0; i < N; i++)
		rev[i] = hash[N - 1 - i];
	CHECK_INT(spread_offsets(hash, iv, N, off), 0);
	CHECK_INT(spread_offsets(rev, iv, N, roff), 0);
	for (i = 0; i < N; i++)
		CHECK_INT(off[i], roff[N - 1 - i]);
}

static void test_mixed(void)
{
	static uint64_t hash[N];
	static uint32_t iv[N], off[N];
	size_t i;

	make(hash, iv, N, 30000);
	for (i = 0; i < N; i += 2)
		iv[i] = 60000;
	CHECK_INT(spread_offsets(hash, iv, N, off), 0);
	for (i = 0; i < N; i++)
		CHECK(off[i] < iv[i]);
	/* over 60 s the 30 s probes run twice: 1500 starts, 2.5 per 100 ms */
	{
		static uint32_t all[N + N / 2];
		size_t n = 0;

		for (i = 0; i < N; i++) {
			all[n++] = off[i];
			if (iv[i] == 30000)
				all[n++] = off[i] + 30000;
		}
		CHECK(max_in_window(all, n, 60000, 100) <= 5);
	}
}

static void test_hash(void)
{
	CHECK(spread_hash("ab", "c", "x") != spread_hash("a", "bc", "x"));
	CHECK(spread_hash("a", "b", "c") == spread_hash("a", "b", "c"));
	CHECK_INT(spread_offsets(NULL, NULL, 0, NULL), 0);
}

int main(void)
{
	RUN(test_thousand);
	RUN(test_order_free);
	RUN(test_mixed);
	RUN(test_hash);
	return testlib_done();
}
