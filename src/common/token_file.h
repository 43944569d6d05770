/* A bearer token kept in a file: one line of at least min characters
 * without blanks, in a file that only its owner may read. */
#ifndef IKW_TOKEN_FILE_H
#define IKW_TOKEN_FILE_H

#include <stddef.h>

#include "common/err.h"

/* *out gets the malloc'd token.  what names the setting in messages
 * ("status.token_file").  0 or -errno with err set. */
int token_file_load(const char *path, const char *what, size_t min, char **out,
		    struct ikw_err *err);

#endif
