#include "model/model.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const ike_state_names[IKE_STATE_COUNT] = {
	[IKE_CREATED] = "CREATED",
	[IKE_CONNECTING] = "CONNECTING",
	[IKE_ESTABLISHED] = "ESTABLISHED",
	[IKE_PASSIVE] = "PASSIVE",
	[IKE_REKEYING] = "REKEYING",
	[IKE_REKEYED] = "REKEYED",
	[IKE_DELETING] = "DELETING",
	[IKE_DESTROYING] = "DESTROYING",
	[IKE_STATE_UNKNOWN] = "UNKNOWN",
};

const char *const child_start_names[CHILD_START_COUNT] = {
	[CHILD_START_INITIATE] = "initiate", [CHILD_START_TRAP] = "trap",
	[CHILD_START_SHUNT] = "shunt", [CHILD_START_PASSIVE] = "passive",
};

const char *const child_state_names[CHILD_STATE_COUNT] = {
	[CHILD_CREATED] = "CREATED",
	[CHILD_ROUTED] = "ROUTED",
	[CHILD_INSTALLING] = "INSTALLING",
	[CHILD_INSTALLED] = "INSTALLED",
	[CHILD_UPDATING] = "UPDATING",
	[CHILD_REKEYING] = "REKEYING",
	[CHILD_REKEYED] = "REKEYED",
	[CHILD_RETRYING] = "RETRYING",
	[CHILD_DELETING] = "DELETING",
	[CHILD_DELETED] = "DELETED",
	[CHILD_DESTROYING] = "DESTROYING",
	[CHILD_STATE_UNKNOWN] = "UNKNOWN",
};

const char *const job_priority_names[4] = {
	"critical", "high", "medium", "low",
};

enum ike_state ike_state_parse(const char *s)
{
	int i;

	for (i = 0; i < IKE_STATE_UNKNOWN; i++)
		if (!strcmp(s, ike_state_names[i]))
			return (enum ike_state)i;
	return IKE_STATE_UNKNOWN;
}

const char *ike_version_label(const char *charon)
{
	static const struct {
		const char *charon, *label;
	} map[] = {
		{ "IKEv2", "2" }, { "IKEv1", "1" }, { "IKEv1/2", "any" },
		{ "2", "2" }, { "1", "1" }, { "0", "any" },
	};
	size_t i;

	if (!*charon)
		return "";
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcasecmp(charon, map[i].charon))
			return map[i].label;
	return "unknown";
}

const char *ike_version_number_label(unsigned version)
{
	switch (version) {
	case 0: return "any";
	case 1: return "1";
	case 2: return "2";
	default: return "unknown";
	}
}

const char *ike_sa_role(const struct ike_sa *s)
{
	if (s->role_unknown)
		return NULL;
	return s->initiator ? "initiator" : "responder";
}

const char *ipsec_protocol_label(const char *s)
{
	static const char *const names[] = { "esp", "ah", "comp" };
	size_t i;

	if (!*s)
		return "";
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(s, names[i]))
			return names[i];
	return "other";
}

enum child_state child_state_parse(const char *s)
{
	int i;

	for (i = 0; i < CHILD_STATE_UNKNOWN; i++)
		if (!strcmp(s, child_state_names[i]))
			return (enum child_state)i;
	return CHILD_STATE_UNKNOWN;
}

struct model *model_new(void)
{
	struct model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	atomic_init(&m->refs, 1);
	m->collected_at = time(NULL);
	return m;
}

void model_ref(struct model *m)
{
	atomic_fetch_add(&m->refs, 1);
}

void model_unref(struct model *m)
{
	if (!m || atomic_fetch_sub(&m->refs, 1) != 1)
		return;
	free(m->ike_sas);
	model_unref(m->aux);
	arena_release(&m->arena);
	free(m);
}

struct ike_sa *model_add_ike_sa(struct model *m)
{
	struct ike_sa *ike;

	if (m->nike == m->ike_alloc) {
		size_t alloc = m->ike_alloc ? m->ike_alloc * 2 : 64;
		struct ike_sa *p = realloc(m->ike_sas, alloc * sizeof(*p));

		if (!p)
			return NULL;
		m->ike_sas = p;
		m->ike_alloc = alloc;
	}
	ike = &m->ike_sas[m->nike++];
	memset(ike, 0, sizeof(*ike));
	ike->established_for = ike->rekey_in = ike->reauth_in = TIME_NONE;
	ike->children_negotiated = -1;
	return ike;
}

void model_record_collector(struct model *m, const char *name, bool success,
			    double seconds)
{
	struct collector_result *r;

	if (m->ncollectors >= MODEL_MAX_COLLECTORS)
		return;
	r = &m->collectors[m->ncollectors++];
	r->name = name;
	r->success = success;
	r->duration_seconds = seconds;
}
