/* VICI transport framing (pure).  On the wire: a 32-bit big-endian length,
 * then a packet: 8-bit type, for named types an 8-bit name length and the
 * name, then the message. */
#ifndef IKW_VICI_PACKET_H
#define IKW_VICI_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/strbuf.h"

/* Largest packet accepted on the wire: a maximal message plus type and name. */
#define VICI_PACKET_MAX (512 * 1024 + 2 + 255)

enum vici_op {
	VICI_CMD_REQUEST = 0,       /* named */
	VICI_CMD_RESPONSE = 1,
	VICI_CMD_UNKNOWN = 2,
	VICI_EVENT_REGISTER = 3,    /* named */
	VICI_EVENT_UNREGISTER = 4,  /* named */
	VICI_EVENT_CONFIRM = 5,
	VICI_EVENT_UNKNOWN = 6,
	VICI_EVENT = 7,             /* named */
};

const char *vici_op_name(enum vici_op op);

struct vici_packet {
	enum vici_op op;
	const char *name;     /* not NUL-terminated; NULL when unnamed */
	size_t name_len;
	const uint8_t *msg;   /* message bytes following the header */
	size_t msg_len;
};

/* Appends length prefix + packet to out.  name is required for named ops and
 * must be 1..255 printable bytes, and NULL for the others; msg must be empty
 * for ops that carry no message (all but CMD_REQUEST, CMD_RESPONSE, EVENT).
 * Returns 0 or -EINVAL/-EMSGSIZE/-ENOMEM; on error out keeps its length. */
int vici_packet_encode(struct strbuf *out, enum vici_op op, const char *name,
		       const void *msg, size_t msg_len);

/* Parses a packet payload (the bytes after the length prefix).  Rejects unknown
 * types, empty, truncated or non-printable names, and messages on ops that
 * carry none (CMD_UNKNOWN, EVENT_REGISTER/UNREGISTER, EVENT_CONFIRM,
 * EVENT_UNKNOWN).  pkt points into buf.  Returns 0, -EBADMSG, or -EMSGSIZE
 * (len > VICI_PACKET_MAX) with err set. */
int vici_packet_parse(const uint8_t *buf, size_t len, struct vici_packet *pkt,
		      struct ikw_err *err);

/* Reads the 4-byte length prefix; rejects 0 (-EBADMSG: not even a type byte)
 * and > VICI_PACKET_MAX (-EMSGSIZE). */
int vici_packet_length(const uint8_t hdr[4], size_t *len, struct ikw_err *err);

#endif
