#include "remediate/alertmanager.h"

#include <errno.h>
#include <string.h>

#include "common/json_in.h"

/* A kept label: printable ASCII without '/' or '\\' (it names files). */
static int am_label(struct json_reader *r, char *out, const char *name)
{
	char v[AM_STRING_MAX + 1];
	size_t i;
	int rc;

	if (!json_reader_peek(r, '"'))
		return json_reader_fail(r, "label values must be strings");
	if ((rc = json_reader_string(r, v, sizeof(v))))
		return rc;
	if (strlen(v) > AM_VALUE_MAX)
		return err_set(r->err, -EINVAL, "alertmanager payload: label %s longer than %d bytes",
			       name, AM_VALUE_MAX);
	for (i = 0; v[i]; i++)
		if (v[i] < 0x21 || v[i] > 0x7e || v[i] == '/' || v[i] == '\\')
			return err_set(r->err, -EINVAL, "alertmanager payload: label %s has a "
				       "character outside printable ASCII or '/' or '\\'", name);
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

static int am_labels_member(struct json_reader *r, const char *key, unsigned depth, void *ctx)
{
	struct am_alert *a = ctx;

	if (!strcmp(key, "alertname"))
		return am_label(r, a->alertname, key);
	if (!strcmp(key, "conn"))
		return am_label(r, a->conn, key);
	if (!strcmp(key, "child"))
		return am_label(r, a->child, key);
	if (!json_reader_peek(r, '"'))
		return json_reader_fail(r, "label values must be strings");
	return json_reader_skip(r, depth);
}

/* "firing" -> 1, "resolved" -> 0, else -EINVAL. */
static int am_status(struct json_reader *r, bool *firing)
{
	char v[16];

	if (json_reader_string(r, v, sizeof(v)))
		return json_reader_fail(r, "status: want \"firing\" or \"resolved\"");
	if (!strcmp(v, "firing"))
		*firing = true;
	else if (!strcmp(v, "resolved"))
		*firing = false;
	else
		return json_reader_fail(r, "status: want \"firing\" or \"resolved\"");
	return 0;
}

struct am_alert_ctx {
	struct am_alert *a;
	bool have_status, have_labels;
};

static int am_alert_member(struct json_reader *r, const char *key, unsigned depth, void *ctx)
{
	struct am_alert_ctx *c = ctx;

	if (!strcmp(key, "status")) {
		c->have_status = true;
		return am_status(r, &c->a->firing);
	}
	if (!strcmp(key, "labels")) {
		c->have_labels = true;
		return json_reader_container(r, true, depth, am_labels_member, c->a);
	}
	return json_reader_skip(r, depth);
}

static int am_alert_item(struct json_reader *r, const char *key, unsigned depth, void *ctx)
{
	struct am_payload *p = ctx;
	struct am_alert_ctx c;
	int rc;

	(void)key;
	if (p->n >= AM_ALERTS_MAX)
		return err_set(r->err, -EINVAL, "alertmanager payload: more than %d alerts",
			       AM_ALERTS_MAX);
	c = (struct am_alert_ctx){ &p->alerts[p->n], false, false };
	memset(c.a, 0, sizeof(*c.a));
	if ((rc = json_reader_container(r, true, depth, am_alert_member, &c)))
		return rc;
	if (!c.have_status || !c.have_labels || !c.a->alertname[0])
		return err_set(r->err, -EINVAL, "alertmanager payload: alert %zu lacks status, "
			       "labels or labels.alertname", p->n);
	p->n++;
	return 0;
}

struct am_top_ctx {
	struct am_payload *p;
	bool version, status, alerts;
};

static int am_top_member(struct json_reader *r, const char *key, unsigned depth, void *ctx)
{
	struct am_top_ctx *c = ctx;
	char v[16];

	if (!strcmp(key, "version")) {
		if (json_reader_string(r, v, sizeof(v)) || strcmp(v, "4"))
			return err_set(r->err, -EINVAL,
				       "alertmanager payload: want \"version\": \"4\"");
		c->version = true;
		return 0;
	}
	if (!strcmp(key, "status")) {
		c->status = true;
		return am_status(r, &c->p->firing);
	}
	if (!strcmp(key, "alerts")) {
		c->alerts = true;
		return json_reader_container(r, false, depth, am_alert_item, c->p);
	}
	return json_reader_skip(r, depth);
}

int am_parse(const char *buf, size_t len, struct am_payload *out, struct ikw_err *err)
{
	struct json_reader r;
	struct am_top_ctx c = { out, false, false, false };
	int rc;

	memset(out, 0, sizeof(*out));
	if (!buf)
		return err_set(err, -EINVAL, "alertmanager payload: empty");
	json_reader_init(&r, buf, len, "alertmanager payload", err);
	r.depth_max = AM_DEPTH_MAX;
	r.members_max = AM_MEMBERS_MAX;
	r.string_max = AM_STRING_MAX;
	if ((rc = json_reader_container(&r, true, 1, am_top_member, &c)) ||
	    (rc = json_reader_end(&r)))
		return rc;
	if (!c.version || !c.status || !c.alerts)
		return err_set(err, -EINVAL, "alertmanager payload: want version, status and alerts");
	return 0;
}
