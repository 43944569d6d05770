/* /proc/net/ipsec_spi of the legacy KLIPS stack (FreeS/WAN, Openswan):
 * off where the file does not exist, as on every current kernel. */
#include <errno.h>

#include "collect/procfs_collect.h"

#define KLIPS_SAS_MAX 16384

static int klips_into(struct model *m, const char *buf, size_t len,
		      struct ikw_err *err)
{
	size_t n = 0, lines = 0, i;
	struct klips_sa *sas;
	int r;

	for (i = 0; i < len; i++)
		lines += buf[i] == '\n';
	lines++;
	if (lines > KLIPS_SAS_MAX)
		lines = KLIPS_SAS_MAX;
	sas = arena_alloc(&m->arena, lines * sizeof(*sas));
	if (!sas)
		return err_set(err, -ENOMEM, "out of memory");
	r = klips_parse(buf, len, sas, lines, &n, err);
	if (r)
		return r;
	m->kernel.klips = sas;
	m->kernel.nklips = n;
	m->kernel.have_klips = true;
	return 0;
}

struct collector *klips_collector_new(const char *path)
{
	return procfs_collector_new("klips", path, (size_t)KLIPS_SAS_MAX * KLIPS_LINE_MAX,
				    klips_into);
}
