/* Writes an exposition for node_exporter's textfile collector, which reads
 * every "*.prom" file of its directory at each scrape.  The file is written
 * under a temporary name and renamed into place, so node_exporter never reads
 * a half-written file (it skips names starting with "."). */
#ifndef IKW_TEXTFILE_H
#define IKW_TEXTFILE_H

#include "common/err.h"
#include "common/body_source.h"

/* Writes every piece of src into dir/.name.tmp.PID (mode 0644), fsyncs it,
 * renames it to dir/name and fsyncs dir.  Consumes src: src->free is called
 * exactly once, also on failure.  On failure returns -errno with the path in
 * err, removes the temporary file and leaves an existing dir/name untouched.
 * name must be a plain file name (no '/'); one writer per name at a time. */
int textfile_write(const char *dir, const char *name,
		   const struct body_source *src, struct ikw_err *err);

#endif
