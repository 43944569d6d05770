#include "probe/quiet.h"

void probe_quiet_seen(struct probe_quiet *q, uint64_t in, uint64_t out,
		      double read_at)
{
	q->seen_in = in;
	q->seen_out = out;
	q->have_seen = true;
	/* the sums fell: an SA went away (rekey); count from what is left */
	if (q->have_base && in < q->base_in)
		q->base_in = in;
	if (q->have_base && out < q->base_out)
		q->base_out = out;
	if (q->need_base && read_at > q->ran_at) {
		q->base_in = in;
		q->base_out = out;
		q->have_base = true;
		q->need_base = false;
	}
}

void probe_quiet_ran(struct probe_quiet *q, double at)
{
	q->ran_at = at;
	q->need_base = true;
	q->have_base = false;
}

bool probe_quiet_proved(struct probe_quiet *q)
{
	if (!q->have_base || !q->have_seen || q->seen_in <= q->base_in ||
	    q->seen_out <= q->base_out)
		return false;
	q->base_in = q->seen_in;
	q->base_out = q->seen_out;
	return true;
}
