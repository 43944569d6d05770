#include "vici/vici_codec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/num.h"

/* Decoder state: a cursor over the input plus the stack of open sections and
 * lists.  Lists never nest and hold only items, so when in_list is set the
 * innermost open element is that list. */
struct vici_msg_dec {
	const uint8_t *buf;
	size_t len;
	size_t pos;
	struct vici_msg *msg;
	size_t cap;
	size_t open[VICI_NESTING_MAX];
	int depth;
	bool in_list;
	struct ikw_err *err;
};

static const char *const vici_msg_type_names[] = {
	[VICI_SECTION_START] = "section start",
	[VICI_SECTION_END] = "section end",
	[VICI_KEY_VALUE] = "key-value",
	[VICI_LIST_START] = "list start",
	[VICI_LIST_ITEM] = "list item",
	[VICI_LIST_END] = "list end",
};

static const char *vici_msg_type_name(uint8_t type)
{
	if (type >= VICI_SECTION_START && type <= VICI_LIST_END)
		return vici_msg_type_names[type];
	return "unknown";
}

bool vici_name_valid(const char *name, size_t len)
{
	size_t i;

	if (!name || len == 0 || len > 255)
		return false;
	for (i = 0; i < len; i++) {
		if (name[i] < 0x20 || name[i] > 0x7e)
			return false;
	}
	return true;
}

/* Appends an element, growing the array geometrically.  The input bounds the
 * count (every stored element takes at least 3 bytes), but the arithmetic is
 * checked anyway so that no caller-supplied size can wrap. */
static int vici_msg_push(struct vici_msg_dec *d, const struct vici_elem *e)
{
	struct vici_msg *m = d->msg;

	if (m->count == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct vici_elem *p;

		if (cap < d->cap || cap > UINT32_MAX ||
		    cap > SIZE_MAX / sizeof(*p))
			return err_set(d->err, -ENOMEM, "offset %zu: too many elements",
				       d->pos);
		p = realloc(m->elems, cap * sizeof(*p));
		if (!p)
			return err_set(d->err, -ENOMEM,
				       "out of memory for %zu elements", cap);
		m->elems = p;
		d->cap = cap;
	}
	m->elems[m->count] = *e;
	m->elems[m->count].end = (uint32_t)(m->count + 1);
	m->count++;
	return 0;
}

static int vici_msg_read_name(struct vici_msg_dec *d, size_t at,
			      struct vici_elem *e)
{
	const char *what = vici_msg_type_name(e->type);
	size_t n, i;

	if (d->pos >= d->len)
		return err_set(d->err, -EBADMSG,
			       "offset %zu: %s truncated before its name", at, what);
	n = d->buf[d->pos++];
	/* charon's counters plugin names its global counter set "" */
	if (n == 0 && e->type != VICI_SECTION_START)
		return err_set(d->err, -EBADMSG, "offset %zu: %s has an empty name",
			       at, what);
	if (n > d->len - d->pos)
		return err_set(d->err, -EBADMSG,
			       "offset %zu: %s name truncated (%zu bytes, %zu left)",
			       at, what, n, d->len - d->pos);
	e->name = (const char *)d->buf + d->pos;
	e->name_len = (uint8_t)n;
	for (i = 0; i < n; i++) {
		if (d->buf[d->pos + i] < 0x20 || d->buf[d->pos + i] > 0x7e)
			return err_set(d->err, -EBADMSG,
				       "offset %zu: %s name has non-printable byte 0x%02x",
				       d->pos + i, what, d->buf[d->pos + i]);
	}
	d->pos += n;
	return 0;
}

static int vici_msg_read_value(struct vici_msg_dec *d, size_t at,
			       struct vici_elem *e)
{
	const char *what = vici_msg_type_name(e->type);
	size_t n;

	if (d->len - d->pos < 2)
		return err_set(d->err, -EBADMSG,
			       "offset %zu: %s truncated before its value length",
			       at, what);
	n = (size_t)d->buf[d->pos] << 8 | d->buf[d->pos + 1];
	d->pos += 2;
	if (n > d->len - d->pos)
		return err_set(d->err, -EBADMSG,
			       "offset %zu: %s value length %zu exceeds the %zu bytes left",
			       at, what, n, d->len - d->pos);
	e->value = d->buf + d->pos;
	e->value_len = (uint16_t)n;
	d->pos += n;
	return 0;
}

/* SECTION_START or LIST_START: push the element and remember it as open. */
static int vici_msg_open(struct vici_msg_dec *d, size_t at, uint8_t type)
{
	struct vici_elem e = { .type = type };
	int r;

	if (d->in_list)
		return err_set(d->err, -EBADMSG, "offset %zu: %s inside a list",
			       at, vici_msg_type_name(type));
	if (d->depth >= VICI_NESTING_MAX)
		return err_set(d->err, -EBADMSG,
			       "offset %zu: nesting deeper than %d", at,
			       VICI_NESTING_MAX);
	r = vici_msg_read_name(d, at, &e);
	if (r)
		return r;
	r = vici_msg_push(d, &e);
	if (r)
		return r;
	d->open[d->depth++] = d->msg->count - 1;
	d->in_list = type == VICI_LIST_START;
	return 0;
}

/* SECTION_END or LIST_END: close the innermost open element if it matches. */
static int vici_msg_close(struct vici_msg_dec *d, size_t at, uint8_t type)
{
	bool list = type == VICI_LIST_END;

	if (list && !d->in_list)
		return err_set(d->err, -EBADMSG,
			       "offset %zu: list end without list start", at);
	if (!list && d->in_list)
		return err_set(d->err, -EBADMSG,
			       "offset %zu: section end inside a list", at);
	if (!list && d->depth == 0)
		return err_set(d->err, -EBADMSG,
			       "offset %zu: section end without section start", at);
	d->depth--;
	d->msg->elems[d->open[d->depth]].end = (uint32_t)d->msg->count;
	d->in_list = false;
	return 0;
}

static int vici_msg_key_value(struct vici_msg_dec *d, size_t at)
{
	struct vici_elem e = { .type = VICI_KEY_VALUE };
	int r;

	if (d->in_list)
		return err_set(d->err, -EBADMSG,
			       "offset %zu: key-value inside a list", at);
	r = vici_msg_read_name(d, at, &e);
	if (!r)
		r = vici_msg_read_value(d, at, &e);
	return r ? r : vici_msg_push(d, &e);
}

static int vici_msg_list_item(struct vici_msg_dec *d, size_t at)
{
	struct vici_elem e = { .type = VICI_LIST_ITEM };
	int r;

	if (!d->in_list)
		return err_set(d->err, -EBADMSG,
			       "offset %zu: list item outside a list", at);
	r = vici_msg_read_value(d, at, &e);
	return r ? r : vici_msg_push(d, &e);
}

static int vici_msg_element(struct vici_msg_dec *d)
{
	size_t at = d->pos;
	uint8_t type = d->buf[d->pos++];

	switch (type) {
	case VICI_SECTION_START:
	case VICI_LIST_START:
		return vici_msg_open(d, at, type);
	case VICI_SECTION_END:
	case VICI_LIST_END:
		return vici_msg_close(d, at, type);
	case VICI_KEY_VALUE:
		return vici_msg_key_value(d, at);
	case VICI_LIST_ITEM:
		return vici_msg_list_item(d, at);
	default:
		return err_set(d->err, -EBADMSG,
			       "offset %zu: unknown element type %u", at, type);
	}
}

static int vici_msg_check_closed(const struct vici_msg_dec *d)
{
	const struct vici_elem *e;

	if (d->depth == 0)
		return 0;
	e = &d->msg->elems[d->open[d->depth - 1]];
	return err_set(d->err, -EBADMSG, "offset %zu: %s '%.*s' not closed",
		       d->len, e->type == VICI_LIST_START ? "list" : "section",
		       (int)e->name_len, e->name);
}

int vici_msg_decode(const uint8_t *buf, size_t len, struct vici_msg *msg,
		    struct ikw_err *err)
{
	struct vici_msg_dec d = {
		.buf = buf, .len = len, .msg = msg, .err = err,
	};
	int r = 0;

	msg->elems = NULL;
	msg->count = 0;
	if (len > VICI_MESSAGE_MAX)
		return err_set(err, -EMSGSIZE,
			       "message of %zu bytes exceeds the %d byte limit",
			       len, VICI_MESSAGE_MAX);
	while (!r && d.pos < len)
		r = vici_msg_element(&d);
	if (!r)
		r = vici_msg_check_closed(&d);
	if (r) {
		free(msg->elems);
		msg->elems = NULL;
		msg->count = 0;
	}
	return r;
}

void vici_msg_release(struct vici_msg *msg)
{
	if (!msg)
		return;
	free(msg->elems);
	free(msg->owned);
	*msg = (struct vici_msg)VICI_MSG_INIT;
}

size_t vici_first(const struct vici_msg *m, size_t parent)
{
	if (parent == VICI_ROOT)
		return 0;
	return parent < m->count ? parent + 1 : m->count;
}

size_t vici_stop(const struct vici_msg *m, size_t parent)
{
	if (parent == VICI_ROOT)
		return m->count;
	return parent < m->count ? m->elems[parent].end : m->count;
}

size_t vici_next(const struct vici_msg *m, size_t idx)
{
	return idx < m->count ? m->elems[idx].end : m->count;
}

bool vici_name_is(const struct vici_elem *e, const char *s)
{
	size_t n = strlen(s);

	return e->name && e->name_len == n && !memcmp(e->name, s, n);
}

/* The parsers look up some 40 names per IKE SA: the name's length is taken
 * once, not once per sibling compared. */
size_t vici_find(const struct vici_msg *m, size_t parent, const char *name)
{
	size_t n = strlen(name), stop = vici_stop(m, parent), i;

	for (i = vici_first(m, parent); i < stop; i = vici_next(m, i)) {
		const struct vici_elem *e = &m->elems[i];

		if (e->name && e->name_len == n && !memcmp(e->name, name, n))
			return i;
	}
	return SIZE_MAX;
}

/* The element holding the value: the named KEY_VALUE child, or with name
 * NULL parent itself (a KEY_VALUE or LIST_ITEM).  NULL if there is none. */
static const struct vici_elem *vici_msg_value_elem(const struct vici_msg *m,
						   size_t parent,
						   const char *name)
{
	const struct vici_elem *e;
	size_t i = name ? vici_find(m, parent, name) : parent;

	if (i >= m->count)
		return NULL;
	e = &m->elems[i];
	if (e->type == VICI_KEY_VALUE || (!name && e->type == VICI_LIST_ITEM))
		return e;
	return NULL;
}

int vici_get_str(const struct vici_msg *m, size_t parent, const char *name,
		 char *buf, size_t buflen)
{
	const struct vici_elem *e = vici_msg_value_elem(m, parent, name);
	size_t n;

	if (buflen == 0)
		return e ? -ENOSPC : -ENOENT;
	buf[0] = '\0';
	if (!e)
		return -ENOENT;
	if (e->value_len && memchr(e->value, '\0', e->value_len))
		return -EINVAL;
	n = e->value_len < buflen ? e->value_len : buflen - 1;
	if (n)
		memcpy(buf, e->value, n);
	buf[n] = '\0';
	return n < e->value_len ? -ENOSPC : 0;
}

int vici_get_u64(const struct vici_msg *m, size_t parent, const char *name,
		 uint64_t *out)
{
	const struct vici_elem *e = vici_msg_value_elem(m, parent, name);

	if (!e)
		return -ENOENT;
	return num_parse_u64((const char *)e->value, e->value_len, UINT64_MAX,
			     out);
}

bool vici_get_yes(const struct vici_msg *m, size_t parent, const char *name)
{
	const struct vici_elem *e = vici_msg_value_elem(m, parent, name);

	return e && e->value_len == 3 && !memcmp(e->value, "yes", 3);
}

/* --- encoder --- */

void vici_builder_init(struct vici_builder *b)
{
	memset(b, 0, sizeof(*b));
	strbuf_init(&b->sb, VICI_MESSAGE_MAX);
}

void vici_builder_release(struct vici_builder *b)
{
	strbuf_release(&b->sb);
	vici_builder_init(b);
}

/* Records the first error only: later ones are usually its consequences. */
__attribute__((format(printf, 3, 4)))
static void vici_builder_fail(struct vici_builder *b, int code,
			      const char *fmt, ...)
{
	va_list ap;

	if (b->error)
		return;
	b->error = code;
	va_start(ap, fmt);
	vsnprintf(b->why.msg, sizeof(b->why.msg), fmt, ap);
	va_end(ap);
}

/* Encodes one element: type, optional name, optional value.  The size is
 * checked before anything is appended, so an element is all or nothing. */
static void vici_builder_elem(struct vici_builder *b, uint8_t type,
			      const char *name, const void *value, size_t vlen,
			      bool has_value)
{
	uint8_t hdr[1 + 1 + 255 + 2];
	size_t n = 0, nl;

	hdr[n++] = type;
	if (type == VICI_SECTION_START || type == VICI_KEY_VALUE ||
	    type == VICI_LIST_START) {
		bool empty_ok = type == VICI_SECTION_START;

		nl = name ? strnlen(name, 256) : 0;
		if (!(vici_name_valid(name, nl) || (empty_ok && name && !nl))) {
			vici_builder_fail(b, -EINVAL,
					  "%s: name must be %s..255 printable bytes",
					  vici_msg_type_name(type), empty_ok ? "0" : "1");
			return;
		}
		hdr[n++] = (uint8_t)nl;
		memcpy(hdr + n, name, nl);
		n += nl;
	}
	if (has_value) {
		if (vlen > UINT16_MAX || (!value && vlen)) {
			vici_builder_fail(b, vlen > UINT16_MAX ? -EMSGSIZE : -EINVAL,
					  "%s: bad value of %zu bytes",
					  vici_msg_type_name(type), vlen);
			return;
		}
		hdr[n++] = (uint8_t)(vlen >> 8);
		hdr[n++] = (uint8_t)vlen;
	}
	if (n + vlen > VICI_MESSAGE_MAX - b->sb.len) {
		vici_builder_fail(b, -EMSGSIZE, "message exceeds %d bytes",
				  VICI_MESSAGE_MAX);
		return;
	}
	strbuf_add(&b->sb, hdr, n);
	if (vlen)
		strbuf_add(&b->sb, value, vlen);
	if (strbuf_failed(&b->sb))
		vici_builder_fail(b, -ENOMEM, "out of memory building message");
}

/* Common checks before opening a section or list. */
static bool vici_builder_can_open(struct vici_builder *b, const char *what)
{
	if (b->error)
		return false;
	if (b->in_list) {
		vici_builder_fail(b, -EINVAL, "%s inside a list", what);
		return false;
	}
	if (b->depth >= VICI_NESTING_MAX) {
		vici_builder_fail(b, -EINVAL, "nesting deeper than %d",
				  VICI_NESTING_MAX);
		return false;
	}
	return true;
}

void vici_add_kv(struct vici_builder *b, const char *name, const void *value,
		 size_t len)
{
	if (b->error)
		return;
	if (b->in_list) {
		vici_builder_fail(b, -EINVAL, "key-value inside a list");
		return;
	}
	vici_builder_elem(b, VICI_KEY_VALUE, name, value, len, true);
}

void vici_add_kv_str(struct vici_builder *b, const char *name, const char *value)
{
	vici_add_kv(b, name, value, value ? strlen(value) : 0);
}

void vici_section_begin(struct vici_builder *b, const char *name)
{
	if (!vici_builder_can_open(b, "section start"))
		return;
	vici_builder_elem(b, VICI_SECTION_START, name, NULL, 0, false);
	if (!b->error)
		b->depth++;
}

void vici_section_end(struct vici_builder *b)
{
	if (b->error)
		return;
	if (b->in_list || b->depth == 0) {
		vici_builder_fail(b, -EINVAL, "section end %s",
				  b->in_list ? "inside a list" :
				  "without section start");
		return;
	}
	vici_builder_elem(b, VICI_SECTION_END, NULL, NULL, 0, false);
	if (!b->error)
		b->depth--;
}

void vici_list_begin(struct vici_builder *b, const char *name)
{
	if (!vici_builder_can_open(b, "list start"))
		return;
	vici_builder_elem(b, VICI_LIST_START, name, NULL, 0, false);
	if (!b->error) {
		b->depth++;
		b->in_list = true;
	}
}

void vici_list_item(struct vici_builder *b, const void *value, size_t len)
{
	if (b->error)
		return;
	if (!b->in_list) {
		vici_builder_fail(b, -EINVAL, "list item outside a list");
		return;
	}
	vici_builder_elem(b, VICI_LIST_ITEM, NULL, value, len, true);
}

void vici_list_item_str(struct vici_builder *b, const char *value)
{
	vici_list_item(b, value, value ? strlen(value) : 0);
}

void vici_list_end(struct vici_builder *b)
{
	if (b->error)
		return;
	if (!b->in_list) {
		vici_builder_fail(b, -EINVAL, "list end without list start");
		return;
	}
	vici_builder_elem(b, VICI_LIST_END, NULL, NULL, 0, false);
	if (!b->error) {
		b->depth--;
		b->in_list = false;
	}
}

int vici_builder_finish(struct vici_builder *b, struct ikw_err *err)
{
	if (b->error)
		return err_set(err, b->error, "%s", b->why.msg);
	if (b->depth)
		return err_set(err, -EINVAL,
			       "unbalanced message: %d section(s) or list left open",
			       b->depth);
	return 0;
}
