#include "logs/log_classify_pluto.h"

#include <string.h>

#include "common/num.h"

#define PLUTO_PREFIX_SCAN 160   /* time, host and tag before the message */
#define PLUTO_STATE_SCAN 120    /* "[N] ADDR #SERIAL" after the conn name */
#define PLUTO_NOTIFY_MAX 48     /* a notify type's name */
#define PLUTO_SPI_HEX 8

#define PL_STARTS(s, len, lit) \
	((len) >= sizeof(lit) - 1 && !memcmp((s), (lit), sizeof(lit) - 1))

static const char *pl_find(const char *s, size_t len, const char *lit)
{
	return memmem(s, len, lit, strlen(lit));
}

static bool pl_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ---- line layout --------------------------------------------------------- */

/* Offset just past the tag at s + i ("pluto[123]: " or "pluto: "), else 0. */
static size_t pl_tag_end(const char *s, size_t lim, size_t i)
{
	i += 5;
	if (i < lim && s[i] == '[') {
		while (++i < lim && pl_digit(s[i]))
			;
		if (i >= lim || s[i] != ']')
			return 0;
		i++;
	}
	return i + 1 < lim && s[i] == ':' && s[i + 1] == ' ' ? i + 2 : 0;
}

/* Offset just past a syslog tag, else 0 (a host named "pluto1" is no tag). */
static size_t pl_after_tag(const char *s, size_t lim)
{
	const char *p = s;
	size_t off;

	while ((p = pl_find(p, lim - (size_t)(p - s), "pluto"))) {
		if ((off = pl_tag_end(s, lim, (size_t)(p - s))))
			return off;
		p++;
	}
	return 0;
}

/* Offset just past pluto's own time stamp "... HH:MM:SS[.ffffff]: ", else 0. */
static size_t pl_after_time(const char *s, size_t lim)
{
	size_t i;

	for (i = 0; i + 8 <= lim; i++) {
		size_t j = i + 8;

		if (!(pl_digit(s[i]) && pl_digit(s[i + 1]) && s[i + 2] == ':' &&
		      pl_digit(s[i + 3]) && pl_digit(s[i + 4]) && s[i + 5] == ':' &&
		      pl_digit(s[i + 6]) && pl_digit(s[i + 7])))
			continue;
		if (j < lim && s[j] == '.')
			while (++j < lim && pl_digit(s[j]))
				;
		if (j + 1 < lim && s[j] == ':' && s[j + 1] == ' ')
			return j + 2;
		return 0;
	}
	return 0;
}

/* Where the message (with its state prefix) starts. */
static size_t pl_msg_start(const char *s, size_t len)
{
	size_t lim = len < PLUTO_PREFIX_SCAN ? len : PLUTO_PREFIX_SCAN, off;

	if ((off = pl_after_tag(s, lim)))
		return off;
	/* whack's echo in 4.x: "004 " */
	if (lim >= 4 && pl_digit(s[0]) && pl_digit(s[1]) && pl_digit(s[2]) && s[3] == ' ')
		return 4;
	if (lim && s[0] == '"')
		return 0;
	return pl_after_time(s, lim);
}

/* Parses "\"conn\"[N] ADDR #12: " / "\"conn\": " at the message's start and
 * moves the message past it; anything else leaves ev untouched. */
static void pl_state_prefix(struct log_event *ev)
{
	const char *m = ev->msg, *q, *colon, *hash;
	size_t n = ev->msg_len, rest;
	uint64_t serial;

	if (n < 4 || m[0] != '"' || !(q = memchr(m + 1, '"', n - 1)))
		return;
	rest = n - (size_t)(q + 1 - m);
	colon = pl_find(q + 1, rest < PLUTO_STATE_SCAN ? rest : PLUTO_STATE_SCAN, ": ");
	if (!colon)
		return;
	ev->conn_raw = m + 1;
	ev->conn_raw_len = (size_t)(q - m - 1);
	/* the serial is the last token before ": " */
	hash = colon;
	while (hash > q + 1 && hash[-1] != ' ' && hash[-1] != '"')
		hash--;
	if (*hash == '#' &&
	    !num_parse_u64(hash + 1, (size_t)(colon - hash - 1), UINT32_MAX, &serial))
		ev->sa_id = (uint32_t)serial;
	colon += 2;
	ev->msg_len -= (size_t)(colon - m);
	ev->msg = colon;
}

/* ---- fields ---------------------------------------------------------------- */

/* "#123" at s: the number, 0 if there is none. */
static uint32_t pl_serial_at(const char *s, size_t len)
{
	size_t i = 1;
	uint64_t v;

	if (len < 2 || s[0] != '#')
		return 0;
	while (i < len && i < 11 && pl_digit(s[i]))
		i++;
	return num_parse_u64(s + 1, i - 1, UINT32_MAX, &v) ? 0 : (uint32_t)v;
}

/* "0x1234abcd" at s into out (8 lowercase hex digits, zero-padded as the
 * libreswan collector keeps them); false if it is not one. */
static bool pl_spi_at(const char *s, size_t len, char *out)
{
	size_t n = 0, i;

	if (len < 3 || s[0] != '0' || s[1] != 'x')
		return false;
	s += 2, len -= 2;
	while (n < len && n <= PLUTO_SPI_HEX &&
	       (pl_digit(s[n]) || ((s[n] | 0x20) >= 'a' && (s[n] | 0x20) <= 'f')))
		n++;
	if (!n || n > PLUTO_SPI_HEX)
		return false;
	memset(out, '0', PLUTO_SPI_HEX - n);
	for (i = 0; i < n; i++)
		out[PLUTO_SPI_HEX - n + i] = (char)(pl_digit(s[i]) ? s[i] : s[i] | 0x20);
	out[PLUTO_SPI_HEX] = '\0';
	return true;
}

/* The SPIs of "{ESP=>0xOUT <0xIN ...}" (also ESP/ESN, ESPinUDP, AH, ...). */
static void pl_spis(const char *m, size_t n, struct pluto_sa_event *sa)
{
	const char *brace = memchr(m, '{', n), *arrow, *lt;
	size_t rest;

	if (!brace)
		return;
	rest = n - (size_t)(brace - m);
	arrow = pl_find(brace, rest < 32 ? rest : 32, "=>");
	if (!arrow)
		return;
	rest = n - (size_t)(arrow + 2 - m);
	lt = memchr(arrow + 2, '<', rest < 16 ? rest : 16);
	if (!lt)
		return;
	if (!pl_spi_at(arrow + 2, rest, sa->spi_out) ||
	    !pl_spi_at(lt + 1, n - (size_t)(lt + 1 - m), sa->spi_in))
		sa->spi_out[0] = sa->spi_in[0] = '\0';
}

/* "420B", "5KB", "12MB" at s: bytes (a lower bound for KB and MB, which
 * pluto rounds down); false if it is not one. */
static bool pl_humber(const char *s, size_t len, uint64_t *out, bool *exact)
{
	size_t i = 0;
	uint64_t v, unit = 1;

	while (i < len && i < 20 && pl_digit(s[i]))
		i++;
	if (!i || num_parse_u64(s, i, UINT64_MAX, &v))
		return false;
	if (PL_STARTS(s + i, len - i, "KB"))
		unit = 1024;
	else if (PL_STARTS(s + i, len - i, "MB"))
		unit = 1024 * 1024;
	else if (!PL_STARTS(s + i, len - i, "B"))
		return false;
	if (unit > 1 && v > UINT64_MAX / unit)
		return false;
	*out = v * unit;
	*exact = *exact && unit == 1;
	return true;
}

/* ---- messages ---------------------------------------------------------------- */

static int pl_fail(struct log_event *ev, enum fail_reason r)
{
	ev->kind = LOG_FAILURE;
	ev->reason = r;
	return 1;
}

/* A failure named by the notify at s (up to its end or a space); only the
 * error notifies the table knows count. */
static int pl_notify_fail(struct log_event *ev, const char *s, size_t len)
{
	size_t i = 0, lim = len < PLUTO_NOTIFY_MAX ? len : PLUTO_NOTIFY_MAX;
	enum fail_reason r;

	while (i < lim && ((s[i] >= 'A' && s[i] <= 'Z') || pl_digit(s[i]) || s[i] == '_'))
		i++;
	if (!i || (i < len && s[i] != ' ' && s[i] != ',' && s[i] != ')'))
		return 0;
	r = log_classify_notify_reason(s, i);
	return r == FAIL_OTHER ? 0 : pl_fail(ev, r);
}

/* The notify name after the last occurrence of lit in the message. */
static int pl_notify_after(struct log_event *ev, const char *m, size_t n, const char *lit)
{
	const char *p = pl_find(m, n, lit);
	size_t k = strlen(lit);

	if (!p)
		return 0;
	p += k;
	return pl_notify_fail(ev, p, n - (size_t)(p - m));
}

/* "... established IKE SA; ..." / "... established Child SA using #1; ..."
 * and their rekeys, initiator or responder. */
static int pl_lifecycle(const char *m, size_t n, struct pluto_sa_event *sa)
{
	if (PL_STARTS(m, n, "initiator "))
		m += 10, n -= 10;
	else if (PL_STARTS(m, n, "responder "))
		m += 10, n -= 10;
	else
		return 0;
	if (PL_STARTS(m, n, "established IKE SA"))
		sa->kind = PLUTO_IKE_UP;
	else if (PL_STARTS(m, n, "rekeyed IKE SA #")) {
		sa->kind = PLUTO_IKE_REKEY;
		sa->old_serial = pl_serial_at(m + 15, n - 15);
	} else if (PL_STARTS(m, n, "established Child SA")) {
		sa->kind = PLUTO_CHILD_UP;
		pl_spis(m, n, sa);
	} else if (PL_STARTS(m, n, "rekeyed Child SA #")) {
		sa->kind = PLUTO_CHILD_REKEY;
		sa->old_serial = pl_serial_at(m + 17, n - 17);
		pl_spis(m, n, sa);
	}
	return sa->kind != PLUTO_SA_NONE;
}

/* "ESP traffic information: in=420B out=5KB" (AH and IPCOMP alike). */
static int pl_traffic(const char *m, size_t n, struct pluto_sa_event *sa)
{
	const char *p = pl_find(m, n < 40 ? n : 40, " traffic information: in=");
	const char *out;
	size_t rest;

	if (!p)
		return 0;
	p += 25;
	rest = n - (size_t)(p - m);
	out = pl_find(p, rest < 40 ? rest : 40, " out=");
	sa->bytes_exact = true;
	if (!out || !pl_humber(p, rest, &sa->bytes_in, &sa->bytes_exact) ||
	    !pl_humber(out + 5, n - (size_t)(out + 5 - m), &sa->bytes_out, &sa->bytes_exact)) {
		sa->bytes_in = sa->bytes_out = 0;
		return 0;
	}
	sa->kind = PLUTO_CHILD_TRAFFIC;
	return 1;
}

/* An IKE SA that was up goes: 4.x "deleting state (STATE_V2_ESTABLISHED_IKE_SA)
 * aged ...", 5.x "deleting IKE SA (established IKE SA)" or
 * "deleting IKE SA (ESTABLISHED_IKE_SA) and sending notification". */
static int pl_deleting(const char *m, size_t n, struct pluto_sa_event *sa)
{
	if (PL_STARTS(m, n, "deleting state (STATE_V2_ESTABLISHED_IKE_SA)") ||
	    PL_STARTS(m, n, "deleting state (STATE_V2_IKE_SA_DELETE)") ||
	    PL_STARTS(m, n, "deleting IKE SA (established IKE SA)") ||
	    PL_STARTS(m, n, "deleting IKE SA (ESTABLISHED_IKE_SA)")) {
		sa->kind = PLUTO_IKE_DOWN;
		return 1;
	}
	return 0;
}

/* "STATE: N second timeout exceeded after N retransmits. ..."; in an
 * established IKE SA it is the liveness (DPD) probe that went unanswered. */
static int pl_timeout(struct log_event *ev, const char *m, size_t n)
{
	const char *p = pl_find(m, n < 80 ? n : 80, " second timeout exceeded after ");
	const char *colon;

	if (!p)
		return 0;
	colon = memchr(m, ':', (size_t)(p - m));
	if (colon && pl_find(m, (size_t)(colon - m), "ESTABLISHED_IKE_SA"))
		return pl_fail(ev, FAIL_DPD_TIMEOUT);
	return pl_fail(ev, FAIL_PEER_UNREACHABLE);
}

/* Failures, one line per side and negotiation: the initiator's "rejected
 * by peer" / error notification in a response, the responder's notify it
 * answers with. */
static int pl_failure(struct log_event *ev, const char *m, size_t n)
{
	switch (m[0]) {
	case 'I':
		if (PL_STARTS(m, n, "IKE SA authentication request rejected by peer: "))
			return pl_notify_after(ev, m, n, "rejected by peer: ");
		if (PL_STARTS(m, n, "IKE_AUTH response rejected Child SA with "))
			return pl_notify_after(ev, m, n, "rejected Child SA with ");
		if (PL_STARTS(m, n, "IKE_AUTH response contained the error notification "))
			return pl_notify_after(ev, m, n, "error notification ");
		if (PL_STARTS(m, n, "IKE SA authentication failed, incomplete IKE_AUTH response "))
			return pl_fail(ev, FAIL_AUTH);
		return pl_timeout(ev, m, n);   /* 5.x "IKE_SA_INIT_I: 60 second timeout ..." */
	case 'C':
		if (PL_STARTS(m, n, "CREATE_CHILD_SA failed with error notification "))
			return pl_notify_after(ev, m, n, "error notification ");
		return 0;
	case 'r':
		if (PL_STARTS(m, n, "responding to ") &&
		    pl_find(m, n, " with encrypted notification "))
			return pl_notify_after(ev, m, n, " with encrypted notification ");
		if (PL_STARTS(m, n, "responding to ") &&
		    pl_find(m, n, " with unencrypted notification "))
			return pl_notify_after(ev, m, n, " with unencrypted notification ");
		return 0;
	case 's':
		if (PL_STARTS(m, n, "sending notification "))
			return pl_notify_fail(ev, m + 21, n - 21);
		return 0;
	case 'i':
		if (PL_STARTS(m, n, "ignoring IKE_SA_INIT response containing "))
			return pl_notify_fail(ev, m + 41, n - 41);
		return 0;
	default:
		return pl_timeout(ev, m, n);
	}
}

static int pl_dispatch(struct log_event *ev, struct pluto_sa_event *sa)
{
	const char *m = ev->msg;
	size_t n = ev->msg_len;

	if (n < 8)
		return 0;
	switch (m[0]) {
	case 'i':
	case 'r':
		if (pl_lifecycle(m, n, sa))
			return 1;
		break;
	case 'E':
	case 'A':
		if (pl_traffic(m, n, sa))
			return 1;
		break;
	case 'd':
		return pl_deleting(m, n, sa);
	default:
		break;
	}
	return pl_failure(ev, m, n);
}

int log_classify_pluto(const char *line, size_t len, struct log_event *ev,
		       struct pluto_sa_event *sa)
{
	size_t off;

	memset(sa, 0, sizeof(*sa));
	if (!log_event_reset(ev, line, &len))
		return 0;
	off = pl_msg_start(line, len);
	ev->msg = line + off;
	ev->msg_len = len - off;
	pl_state_prefix(ev);
	if (!pl_dispatch(ev, sa))
		return 0;
	log_classify_conn(ev, ev->conn);
	return 1;
}
