/* The one strict number parser: digits only, the whole input consumed,
 * bounded.  Every number read from the wire, a file or a flag goes through
 * here, so that "12abc", "", " 5" or an overflow is an error and never a
 * silently wrong value. */
#ifndef IKW_NUM_H
#define IKW_NUM_H

#include <stddef.h>
#include <stdint.h>

/* Parses len bytes of s (need not be NUL-terminated) as a decimal number in
 * [0, max].  Returns 0, -EINVAL (not a number) or -ERANGE (above max). */
int num_parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out);

/* Same for a NUL-terminated string. */
int num_parse_u64_str(const char *s, uint64_t max, uint64_t *out);

/* Parses a Prometheus-style duration: "500ms", "5s", "1m", "2h", "1m30s".
 * A bare number means seconds.  Result in milliseconds, at most max_ms. */
int num_parse_duration_ms(const char *s, uint64_t max_ms, uint64_t *out_ms);

#endif
