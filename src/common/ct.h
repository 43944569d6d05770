/* Comparing secrets in time that does not depend on where they differ. */
#ifndef IKW_CT_H
#define IKW_CT_H

#include <stdbool.h>
#include <stddef.h>

/* Whether got[0..glen) equals want[0..wlen); constant time in wlen (the
 * secret's length, which the caller knows anyway). */
bool ct_equal(const void *want, size_t wlen, const void *got, size_t glen);
/* The same for NUL-terminated strings; a NULL got is unequal. */
bool ct_equal_str(const char *want, const char *got);

#endif
