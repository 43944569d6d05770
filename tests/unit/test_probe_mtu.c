/* The MTU search finds the exact size of a black hole in a few phases,
 * reports 0 when nothing passes, and survives a lost rung. */
#include <string.h>

#include "probe/mtu.h"
#include "testlib.h"

/* Runs a search against a path that passes sizes <= mtu, losing the rung of
 * size lose (0: none) once.  Returns the result; *phases how many ran. */
static unsigned simulate(unsigned min, unsigned max, unsigned mtu, unsigned lose,
			 unsigned *phases)
{
	struct mtu_search s;
	size_t i, n;

	mtu_search_init(&s, min, max);
	*phases = 0;
	while ((n = mtu_search_plan(&s)) > 0) {
		(*phases)++;
		for (i = 0; i < n; i++) {
			s.passed[i] = s.rungs[i] <= mtu && s.rungs[i] != lose;
			if (i && s.rungs[i] <= s.rungs[i - 1])
				testlib_fail(__FILE__, __LINE__, "rungs not ascending");
			if (s.rungs[i] < min || s.rungs[i] > max)
				testlib_fail(__FILE__, __LINE__, "rung %u outside", s.rungs[i]);
		}
		if (s.rungs[0] == lose)
			lose = 0;
		mtu_search_end_phase(&s);
		if (*phases > 10)
			break;
	}
	return mtu_search_result(&s);
}

static void test_exact(void)
{
	unsigned mtu, phases, max = mtu_search_max_phases(576, 1500);

	CHECK_INT(max, 3);
	for (mtu = 576; mtu <= 1500; mtu++) {
		unsigned got = simulate(576, 1500, mtu, 0, &phases);

		if (got != mtu || phases > max)
			testlib_fail(__FILE__, __LINE__, "mtu %u: found %u in %u phases", mtu,
				     got, phases);
	}
	/* a path larger than the range reads as the top of the range */
	CHECK_INT(simulate(576, 1500, 9000, 0, &phases), 1500);
	CHECK_INT(phases, 1);
}

static void test_nothing_passes(void)
{
	unsigned phases;

	CHECK_INT(simulate(576, 1500, 100, 0, &phases), 0);
	CHECK_INT(phases, 1);
}

static void test_small_range(void)
{
	unsigned phases;

	CHECK_INT(simulate(1400, 1405, 1402, 0, &phases), 1402);
	CHECK_INT(phases, 1);
	CHECK_INT(simulate(1400, 1400, 1400, 0, &phases), 1400);
	CHECK_INT(mtu_search_max_phases(68, 9000), 4);
	CHECK_INT(simulate(68, 9000, 1280, 0, &phases), 1280);
	CHECK(phases <= 4);
}

/* A lost rung below the MTU costs at most precision, never a wrong "0". */
static void test_lossy(void)
{
	unsigned phases, got = simulate(576, 1500, 1400, 1500, &phases);

	CHECK_INT(got, 1400);
	got = simulate(576, 1500, 1400, 1375, &phases);
	CHECK(got >= 1300 && got <= 1400);
}

int main(void)
{
	RUN(test_exact);
	RUN(test_nothing_passes);
	RUN(test_small_range);
	RUN(test_lossy);
	return testlib_done();
}
