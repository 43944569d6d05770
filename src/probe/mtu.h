/* The MTU search (pure): echo requests with Don't Fragment at a ladder of
 * sizes, all of one ladder ("phase") in flight at once, so that a black hole
 * costs one timeout per phase rather than one per size.  Each phase spreads
 * MTU_RUNGS sizes over the sizes still undecided, from the largest that
 * passed to the smallest that failed, until they are adjacent: about three
 * phases from 576 to 1500 bytes.  Sizes are whole IP packets (header
 * included), as an interface MTU counts them. */
#ifndef IKW_MTU_H
#define IKW_MTU_H

#include <stdbool.h>
#include <stddef.h>

#define MTU_RUNGS 16

struct mtu_search {
	unsigned min, max;
	unsigned lo;              /* largest size that passed; min - 1: none */
	unsigned hi;              /* smallest size that failed above lo; max + 1 */
	unsigned rungs[MTU_RUNGS];
	bool passed[MTU_RUNGS];
	size_t nrungs;
	unsigned phases;          /* phases planned so far */
};

/* min <= max. */
void mtu_search_init(struct mtu_search *s, unsigned min, unsigned max);
/* Plans the next phase into s->rungs (ascending, distinct), clearing
 * s->passed.  Returns the number of rungs, 0 when the search is over: the
 * sizes are adjacent, or the smallest failed. */
size_t mtu_search_plan(struct mtu_search *s);
/* Records the outcome of the rungs of the phase that just ended. */
void mtu_search_end_phase(struct mtu_search *s);
/* The largest size that passed, 0 if none did. */
unsigned mtu_search_result(const struct mtu_search *s);
/* The most phases a search over [min, max] can take. */
unsigned mtu_search_max_phases(unsigned min, unsigned max);

#endif
