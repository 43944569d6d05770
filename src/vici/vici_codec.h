/* VICI message codec (pure: bytes in, structure or error out; no I/O).
 * Protocol: strongSwan src/libcharon/plugins/vici/README.md.
 *
 * Elements: SECTION_START(name), SECTION_END, KEY_VALUE(name, value),
 * LIST_START(name), LIST_ITEM(value), LIST_END.  Names are 8-bit length
 * prefixed, values 16-bit big-endian length prefixed.  A message is at most
 * VICI_MESSAGE_MAX bytes. */
#ifndef IKW_VICI_CODEC_H
#define IKW_VICI_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/strbuf.h"

#define VICI_MESSAGE_MAX (512 * 1024)
#define VICI_NESTING_MAX 32
#define VICI_ROOT SIZE_MAX

enum vici_elem_type {
	VICI_SECTION_START = 1,
	VICI_SECTION_END = 2,
	VICI_KEY_VALUE = 3,
	VICI_LIST_START = 4,
	VICI_LIST_ITEM = 5,
	VICI_LIST_END = 6,
};

/* One decoded element.  SECTION_END and LIST_END are not stored: a section or
 * list records where its children end instead.  name/value point into the
 * decoded buffer and are NOT NUL-terminated. */
struct vici_elem {
	uint8_t type;        /* SECTION_START, KEY_VALUE, LIST_START, LIST_ITEM */
	uint8_t name_len;
	uint16_t value_len;
	uint32_t end;        /* section/list: index one past its last descendant;
	                        others: own index + 1 */
	const char *name;    /* NULL for LIST_ITEM */
	const uint8_t *value;/* KEY_VALUE and LIST_ITEM only */
};

/* A decoded message: a flat pre-order array of elements. */
struct vici_msg {
	struct vici_elem *elems;
	size_t count;
	uint8_t *owned;      /* buffer the elements point into, if owned */
};

#define VICI_MSG_INIT { NULL, 0, NULL }

/* Decodes len bytes.  Rejects: truncated elements, unknown types, names that
 * are empty (except a section's: charon's counters plugin sends its global
 * set as section "") or contain non-printable bytes, SECTION_END/LIST_END
 * without a matching start, KEY_VALUE/SECTION_START/LIST_START inside a list,
 * LIST_ITEM outside a list, nesting deeper than VICI_NESTING_MAX, sections or
 * lists left open, len > VICI_MESSAGE_MAX.  Returns 0 or -EBADMSG/-EMSGSIZE/-ENOMEM
 * with err set.  The message points into buf, which must outlive it, or
 * which the message owns if the caller sets msg->owned = buf (before or after
 * decoding).  msg must be initialized (VICI_MSG_INIT or released): decoding
 * sets elems and count, clears them on failure, and leaves owned alone, so
 * vici_msg_release() frees an owned buffer whether decoding worked or not. */
int vici_msg_decode(const uint8_t *buf, size_t len, struct vici_msg *msg,
		    struct ikw_err *err);
/* Frees elems and owned; accepts an initialized-but-empty msg. */
void vici_msg_release(struct vici_msg *msg);

/* Navigation.  `parent` is VICI_ROOT or the index of a section or list.
 * Children are iterated as: for (i = vici_first(m, p); i < vici_stop(m, p);
 * i = vici_next(m, i)). */
size_t vici_first(const struct vici_msg *m, size_t parent);
size_t vici_stop(const struct vici_msg *m, size_t parent);
size_t vici_next(const struct vici_msg *m, size_t idx);
/* Finds the direct child of parent named `name` (any type); SIZE_MAX if none. */
size_t vici_find(const struct vici_msg *m, size_t parent, const char *name);
/* Is the element's name equal to s? */
bool vici_name_is(const struct vici_elem *e, const char *s);
/* Is a name of len bytes valid on the wire: 1..255 bytes in 0x20..0x7e?
 * Shared by the codec and the packet framing. */
bool vici_name_valid(const char *name, size_t len);

/* Copies a KEY_VALUE child's (or, with name NULL, the element parent's own,
 * which may also be a LIST_ITEM) value into buf as a NUL-terminated string.
 * Returns 0, -ENOENT (absent or not a KEY_VALUE), -ENOSPC (too long for buf;
 * buf holds a truncated copy), -EINVAL (value holds a NUL byte, which a C
 * string would silently cut; buf is set to ""). */
int vici_get_str(const struct vici_msg *m, size_t parent, const char *name,
		 char *buf, size_t buflen);
/* Parses a KEY_VALUE child (or, with name NULL, parent itself) as a decimal
 * unsigned number via num_parse_u64 (strict).  Returns 0, -ENOENT, -EINVAL
 * (not a number), -ERANGE. */
int vici_get_u64(const struct vici_msg *m, size_t parent, const char *name,
		 uint64_t *out);
/* True when the KEY_VALUE child equals "yes". */
bool vici_get_yes(const struct vici_msg *m, size_t parent, const char *name);

/* Encoder.  Errors are sticky (like strbuf): build, then check
 * vici_builder_finish().  The result is at most VICI_MESSAGE_MAX bytes, nests
 * at most VICI_NESTING_MAX deep, and always decodes with vici_msg_decode();
 * it accepts exactly what the decoder accepts (names as there: 1..255
 * printable bytes, a section's may be empty).
 * The encoded bytes are sb.buf / sb.len. */
struct vici_builder {
	struct strbuf sb;
	int depth;           /* open sections and lists */
	bool in_list;
	int error;           /* first error, negative errno */
	struct ikw_err why;  /* reason for error */
};

void vici_builder_init(struct vici_builder *b);
void vici_builder_release(struct vici_builder *b);
void vici_add_kv(struct vici_builder *b, const char *name, const void *value,
		 size_t len);
void vici_add_kv_str(struct vici_builder *b, const char *name, const char *value);
void vici_section_begin(struct vici_builder *b, const char *name);
void vici_section_end(struct vici_builder *b);
void vici_list_begin(struct vici_builder *b, const char *name);
void vici_list_item(struct vici_builder *b, const void *value, size_t len);
void vici_list_item_str(struct vici_builder *b, const char *value);
void vici_list_end(struct vici_builder *b);
/* Returns 0 when the message is complete and balanced, else the first error
 * (-EINVAL misuse/unbalanced/bad name, -EMSGSIZE, -ENOMEM). */
int vici_builder_finish(struct vici_builder *b, struct ikw_err *err);

#endif
