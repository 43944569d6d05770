#include "probe/mtu.h"

#include <string.h>

void mtu_search_init(struct mtu_search *s, unsigned min, unsigned max)
{
	memset(s, 0, sizeof(*s));
	s->min = min;
	s->max = max;
	s->lo = min - 1;
	s->hi = max + 1;
}

/* Sizes still undecided: lo + 1 .. hi - 1. */
static unsigned mtu_search_open(const struct mtu_search *s)
{
	return s->hi - s->lo - 1;
}

size_t mtu_search_plan(struct mtu_search *s)
{
	unsigned first = s->lo + 1, last = s->hi - 1, open = mtu_search_open(s), k;
	size_t n = 0;

	s->nrungs = 0;
	memset(s->passed, 0, sizeof(s->passed));
	/* over: adjacent, or the first phase found nothing at all */
	if (open == 0 || (s->phases > 0 && s->lo < s->min))
		return 0;
	for (k = 0; k < MTU_RUNGS && k < open; k++) {
		/* evenly from first to last, both included */
		unsigned v = open <= MTU_RUNGS ? first + k :
			     first + (unsigned)(((unsigned long long)k * (last - first) +
						 (MTU_RUNGS - 1) / 2) / (MTU_RUNGS - 1));

		if (n == 0 || v > s->rungs[n - 1])
			s->rungs[n++] = v;
	}
	s->nrungs = n;
	s->phases++;
	return n;
}

void mtu_search_end_phase(struct mtu_search *s)
{
	size_t i;

	/* the largest that passed wins, even above one that was lost */
	for (i = 0; i < s->nrungs; i++)
		if (s->passed[i] && s->rungs[i] > s->lo)
			s->lo = s->rungs[i];
	for (i = 0; i < s->nrungs; i++)
		if (!s->passed[i] && s->rungs[i] > s->lo && s->rungs[i] < s->hi)
			s->hi = s->rungs[i];
	if (s->hi <= s->lo)
		s->hi = s->lo + 1;
	s->nrungs = 0;
}

unsigned mtu_search_result(const struct mtu_search *s)
{
	return s->lo >= s->min ? s->lo : 0;
}

unsigned mtu_search_max_phases(unsigned min, unsigned max)
{
	unsigned long long open = (unsigned long long)max - min + 1;
	unsigned phases = 0;

	while (open > 0) {
		phases++;
		if (open <= MTU_RUNGS)
			break;
		/* the widest gap between two neighbouring rungs, minus its ends */
		open = (open - 1 + MTU_RUNGS - 2) / (MTU_RUNGS - 1) - 1;
	}
	return phases;
}
