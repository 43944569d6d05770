/* Absolute deadlines on the monotonic clock, so that every blocking step of a
 * scrape shares one time budget. */
#ifndef IKW_DEADLINE_H
#define IKW_DEADLINE_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

struct deadline {
	int64_t at_ms;  /* CLOCK_MONOTONIC milliseconds */
};

int64_t deadline_now_ms(void);
struct deadline deadline_in_ms(int64_t ms);
/* Milliseconds left, 0 when expired; suitable for poll(). */
int deadline_remaining_ms(const struct deadline *d);
double monotonic_seconds(void);
/* *ts = now on clk plus ms, for pthread_cond_timedwait() (whose condition
 * must use the same clock). */
void timespec_after_ms(clockid_t clk, int64_t ms, struct timespec *ts);
/* A condition variable whose timed waits run on CLOCK_MONOTONIC (a stepped
 * wall clock neither cuts them short nor stretches them); 0 or -errno. */
int cond_init_monotonic(pthread_cond_t *c);

#endif
