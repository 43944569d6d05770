#include "status/status_ra.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "model/ra_view.h"

bool status_is_ra(const struct status_conn *sc)
{
	return sc->view && sc->view->ra;
}

void status_session_of(const struct ike_sa *sa, struct status_session *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->sa = sa;
	out->session = ike_sa_is_session(sa);
	out->vips = sa->remote_vips ? sa->remote_vips : "";
	for (i = 0; i < sa->nchildren; i++) {
		out->bytes_in += sa->children[i].bytes_in;
		out->bytes_out += sa->children[i].bytes_out;
	}
	if (out->session || sa->state != IKE_ESTABLISHED)
		out->state = ike_state_names[sa->state < IKE_STATE_COUNT ? sa->state :
					     IKE_STATE_UNKNOWN];
	else
		out->state = "no CHILD SA";   /* refused: no virtual IP, say */
}

void status_ra_summary(const struct status_conn *sc, char *buf, size_t size)
{
	const struct ra_view *ra = sc->view ? sc->view->ra : NULL;
	size_t i, len;

	if (!ra) {
		snprintf(buf, size, "%s", "");
		return;
	}
	len = (size_t)snprintf(buf, size, "%zu session%s", ra->nsessions,
			       ra->nsessions == 1 ? "" : "s");
	for (i = 0; i < ra->npools && len < size; i++) {
		const struct va_pool *p = ra->pools[i];
		unsigned pct = p->size ? (unsigned)(p->online * 100 / p->size) : 0;

		len += (size_t)snprintf(buf + len, size - len, "; pool %s %" PRIu64 " of %"
					PRIu64 " addresses in use (%u%%), %" PRIu64 " offline",
					p->name, p->online, p->size, pct, p->offline);
	}
}
