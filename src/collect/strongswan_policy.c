#include "collect/strongswan_policy.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A key's value as a C string in buf ("" when absent or too long). */
static const char *sp_value(const struct vici_msg *msg, size_t parent,
			    const char *key, char *buf, size_t size)
{
	size_t i = vici_find(msg, parent, key);
	const struct vici_elem *e = i == SIZE_MAX ? NULL : &msg->elems[i];

	buf[0] = '\0';
	if (!e || e->type != VICI_KEY_VALUE || !e->value_len || e->value_len >= size ||
	    memchr(e->value, '\0', e->value_len))
		return buf;
	memcpy(buf, e->value, e->value_len);
	buf[e->value_len] = '\0';
	return buf;
}

static int sp_cmp_conn(const void *key, const void *elem)
{
	return strcmp(key, ((const struct conn_cfg *)elem)->name);
}

static struct child_cfg *sp_child(struct conn_cfg *conns, size_t nconns,
				  const char *conn, const char *child)
{
	struct conn_cfg *c = bsearch(conn, conns, nconns, sizeof(*conns), sp_cmp_conn);
	size_t i;

	for (i = 0; c && i < c->nchildren; i++)
		if (!strcmp(c->children[i].name, child))
			return &c->children[i];
	return NULL;
}

/* Trap policies carry the child's IPsec mode; shunts PASS or DROP. */
static bool sp_is_trap(const char *mode)
{
	return mode[0] && strcasecmp(mode, "PASS") && strcasecmp(mode, "DROP");
}

size_t strongswan_parse_policy(const struct vici_msg *msg, struct conn_cfg *conns,
			       size_t nconns)
{
	size_t i, marked = 0;

	if (!nconns)
		return 0;
	for (i = vici_first(msg, VICI_ROOT); i < vici_stop(msg, VICI_ROOT);
	     i = vici_next(msg, i)) {
		char conn[256], child[256], mode[64];
		struct child_cfg *cc;

		if (msg->elems[i].type != VICI_SECTION_START)
			continue;
		sp_value(msg, i, "ike", conn, sizeof(conn));
		sp_value(msg, i, "child", child, sizeof(child));
		sp_value(msg, i, "mode", mode, sizeof(mode));
		if (!sp_is_trap(mode))
			continue;
		cc = sp_child(conns, nconns, conn, child);
		if (cc && !cc->trap) {
			cc->trap = true;
			marked++;
		}
	}
	return marked;
}
