#include "vici/vici_packet.h"

#include <errno.h>
#include <string.h>

#include "vici/vici_codec.h"

static const char *const vici_packet_op_names[] = {
	[VICI_CMD_REQUEST] = "CMD_REQUEST",
	[VICI_CMD_RESPONSE] = "CMD_RESPONSE",
	[VICI_CMD_UNKNOWN] = "CMD_UNKNOWN",
	[VICI_EVENT_REGISTER] = "EVENT_REGISTER",
	[VICI_EVENT_UNREGISTER] = "EVENT_UNREGISTER",
	[VICI_EVENT_CONFIRM] = "EVENT_CONFIRM",
	[VICI_EVENT_UNKNOWN] = "EVENT_UNKNOWN",
	[VICI_EVENT] = "EVENT",
};

const char *vici_op_name(enum vici_op op)
{
	if ((unsigned)op <= VICI_EVENT)
		return vici_packet_op_names[op];
	return "UNKNOWN_OP";
}

static bool vici_packet_named(enum vici_op op)
{
	return op == VICI_CMD_REQUEST || op == VICI_EVENT_REGISTER ||
	       op == VICI_EVENT_UNREGISTER || op == VICI_EVENT;
}

/* Only requests, responses and events wrap a message (protocol README,
 * "Message format"); anything after the header of the others is garbage. */
static bool vici_packet_has_msg(enum vici_op op)
{
	return op == VICI_CMD_REQUEST || op == VICI_CMD_RESPONSE ||
	       op == VICI_EVENT;
}

int vici_packet_encode(struct strbuf *out, enum vici_op op, const char *name,
		       const void *msg, size_t msg_len)
{
	uint8_t hdr[4 + 1 + 1 + 255];
	size_t n = 4, nl = 0, total, old = out->len;

	if ((unsigned)op > VICI_EVENT)
		return -EINVAL;
	if (vici_packet_named(op)) {
		nl = name ? strnlen(name, 256) : 0;
		if (!vici_name_valid(name, nl))
			return -EINVAL;
	} else if (name) {
		return -EINVAL;
	}
	if ((msg_len && !vici_packet_has_msg(op)) || (msg_len && !msg))
		return -EINVAL;
	if (msg_len > VICI_MESSAGE_MAX)
		return -EMSGSIZE;
	total = 1 + (vici_packet_named(op) ? 1 + nl : 0) + msg_len;
	hdr[0] = (uint8_t)(total >> 24);
	hdr[1] = (uint8_t)(total >> 16);
	hdr[2] = (uint8_t)(total >> 8);
	hdr[3] = (uint8_t)total;
	hdr[n++] = (uint8_t)op;
	if (vici_packet_named(op)) {
		hdr[n++] = (uint8_t)nl;
		memcpy(hdr + n, name, nl);
		n += nl;
	}
	strbuf_add(out, hdr, n);
	if (msg_len)
		strbuf_add(out, msg, msg_len);
	if (strbuf_failed(out)) {
		/* leave out as it was, minus the sticky flag we cannot undo */
		if (out->buf && old <= out->len) {
			out->len = old;
			out->buf[old] = '\0';
		}
		return -ENOMEM;
	}
	return 0;
}

static int vici_packet_parse_name(const uint8_t *buf, size_t len,
				  struct vici_packet *pkt, struct ikw_err *err)
{
	const char *op = vici_op_name(pkt->op);
	size_t n, i;

	if (len < 2)
		return err_set(err, -EBADMSG, "%s packet truncated before its name",
			       op);
	n = buf[1];
	if (n == 0)
		return err_set(err, -EBADMSG, "%s packet has an empty name", op);
	if (n > len - 2)
		return err_set(err, -EBADMSG,
			       "%s packet name truncated (%zu bytes, %zu left)",
			       op, n, len - 2);
	for (i = 0; i < n; i++) {
		if (buf[2 + i] < 0x20 || buf[2 + i] > 0x7e)
			return err_set(err, -EBADMSG,
				       "%s packet name has non-printable byte 0x%02x at offset %zu",
				       op, buf[2 + i], 2 + i);
	}
	pkt->name = (const char *)buf + 2;
	pkt->name_len = n;
	return 0;
}

int vici_packet_parse(const uint8_t *buf, size_t len, struct vici_packet *pkt,
		      struct ikw_err *err)
{
	size_t hdr = 1;
	int r;

	memset(pkt, 0, sizeof(*pkt));
	if (len == 0)
		return err_set(err, -EBADMSG, "empty packet");
	if (len > VICI_PACKET_MAX)
		return err_set(err, -EMSGSIZE,
			       "packet of %zu bytes exceeds the %d byte limit",
			       len, VICI_PACKET_MAX);
	if (buf[0] > VICI_EVENT)
		return err_set(err, -EBADMSG, "unknown packet type %u", buf[0]);
	pkt->op = (enum vici_op)buf[0];
	if (vici_packet_named(pkt->op)) {
		r = vici_packet_parse_name(buf, len, pkt, err);
		if (r)
			return r;
		hdr = 2 + pkt->name_len;
	}
	if (len > hdr && !vici_packet_has_msg(pkt->op))
		return err_set(err, -EBADMSG,
			       "%s packet carries %zu unexpected bytes",
			       vici_op_name(pkt->op), len - hdr);
	pkt->msg = buf + hdr;
	pkt->msg_len = len - hdr;
	return 0;
}

int vici_packet_length(const uint8_t hdr[4], size_t *len, struct ikw_err *err)
{
	uint32_t n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
		     (uint32_t)hdr[2] << 8 | hdr[3];

	if (n == 0)
		return err_set(err, -EBADMSG, "zero-length packet");
	if (n > VICI_PACKET_MAX)
		return err_set(err, -EMSGSIZE,
			       "packet length %u exceeds the %d byte limit",
			       n, VICI_PACKET_MAX);
	*len = n;
	return 0;
}
