#include "model/negotiation.h"

#include <stdlib.h>
#include <string.h>

const char *const ike_exchange_names[IKE_EXCH_COUNT] = {
	[IKE_EXCH_NONE] = "",
	[IKE_EXCH_IKE_SA_INIT] = "IKE_SA_INIT",
	[IKE_EXCH_IKE_AUTH] = "IKE_AUTH",
	[IKE_EXCH_CREATE_CHILD_SA] = "CREATE_CHILD_SA",
	[IKE_EXCH_INFORMATIONAL] = "INFORMATIONAL",
};

/* Whether the comma-joined list names task exactly. */
static bool negotiation_has(const char *list, const char *task)
{
	size_t n = strlen(task);

	while (list && *list) {
		size_t len = strcspn(list, ",");

		if (len == n && !memcmp(list, task, n))
			return true;
		list += len;
		if (*list == ',')
			list++;
	}
	return false;
}

/* Most telling first: charon activates every task of the whole
 * negotiation at once, and IKE_INIT leaves once IKE_SA_INIT is done. */
static enum ike_exchange negotiation_of(const char *tasks)
{
	static const struct {
		const char *task;
		enum ike_exchange x;
	} map[] = {
		{ "IKE_INIT", IKE_EXCH_IKE_SA_INIT },
		{ "IKE_AUTH", IKE_EXCH_IKE_AUTH },
		{ "IKE_REKEY", IKE_EXCH_CREATE_CHILD_SA },
		{ "CHILD_CREATE", IKE_EXCH_CREATE_CHILD_SA },
		{ "CHILD_REKEY", IKE_EXCH_CREATE_CHILD_SA },
		{ "IKE_DPD", IKE_EXCH_INFORMATIONAL },
		{ "IKE_DELETE", IKE_EXCH_INFORMATIONAL },
		{ "CHILD_DELETE", IKE_EXCH_INFORMATIONAL },
		{ "IKE_MOBIKE", IKE_EXCH_INFORMATIONAL },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (negotiation_has(tasks, map[i].task))
			return map[i].x;
	return IKE_EXCH_NONE;
}

bool negotiation_creates_child(const char *tasks_active)
{
	return negotiation_has(tasks_active, "CHILD_CREATE");
}

enum ike_exchange negotiation_exchange(const char *tasks_active, const char *tasks_queued,
				       bool *queued)
{
	enum ike_exchange x = negotiation_of(tasks_active);

	*queued = false;
	if (x != IKE_EXCH_NONE)
		return x;
	x = negotiation_of(tasks_queued);
	*queued = x != IKE_EXCH_NONE;
	return x;
}

static int negotiation_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct negotiation_view *)elem)->conn);
}

const struct negotiation_view *negotiation_find(const struct negotiation_snapshot *s,
						const char *conn)
{
	if (!s || !s->n || !conn)
		return NULL;
	return bsearch(conn, s->v, s->n, sizeof(*s->v), negotiation_cmp);
}
