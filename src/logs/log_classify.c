#include "logs/log_classify.h"

#include <errno.h>
#include <string.h>

#include "common/num.h"
#include "common/text.h"

#define LOG_PREFIX_SCAN 160     /* time, host and tag before "NN[GRP] " */
#define LOG_CLASSIFY_SA_PREFIX_MAX 300   /* "<name|id>" */
#define LOG_NOTIFY_MAX 48       /* a notify type's name */

/* ---- small byte helpers ------------------------------------------------ */

static bool log_classify_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool log_classify_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* s (of len bytes) starts with the literal lit. */
#define LOG_STARTS(s, len, lit) \
	((len) >= sizeof(lit) - 1 && !memcmp((s), (lit), sizeof(lit) - 1))

static bool log_classify_ends(const char *s, size_t len, const char *lit, size_t n)
{
	return len >= n && !memcmp(s + len - n, lit, n);
}

#define LOG_ENDS(s, len, lit) log_classify_ends((s), (len), (lit), sizeof(lit) - 1)

static bool log_classify_contains(const char *s, size_t len, const char *lit, size_t n)
{
	return memmem(s, len, lit, n) != NULL;
}

#define LOG_CONTAINS(s, len, lit) log_classify_contains((s), (len), (lit), sizeof(lit) - 1)

/* ---- line layout --------------------------------------------------------- */

/* Offset just past "NN[GRP] ", or 0 for a bare message. */
static size_t log_classify_msg_start(const char *s, size_t len)
{
	size_t lim = len < LOG_PREFIX_SCAN ? len : LOG_PREFIX_SCAN;
	const char *p = s, *end = s + lim;

	while ((p = memchr(p, '[', (size_t)(end - p)))) {
		size_t i = (size_t)(p - s);

		if (i >= 1 && i + 5 < len && log_classify_digit(s[i - 1]) &&
		    log_classify_upper(s[i + 1]) && log_classify_upper(s[i + 2]) &&
		    log_classify_upper(s[i + 3]) && s[i + 4] == ']' && s[i + 5] == ' ')
			return i + 6;
		p++;
	}
	return 0;
}

/* Parses "<name|id> " or "<id> " at the start of the message and moves the
 * message past it.  Anything else leaves ev untouched. */
static void log_classify_sa_prefix(struct log_event *ev)
{
	const char *m = ev->msg, *gt, *bar;
	size_t lim = ev->msg_len < LOG_CLASSIFY_SA_PREFIX_MAX ? ev->msg_len : LOG_CLASSIFY_SA_PREFIX_MAX;
	const char *idp;
	size_t idlen;
	uint64_t id;

	if (lim < 3 || m[0] != '<' || !(gt = memchr(m, '>', lim)))
		return;
	bar = memrchr(m + 1, '|', (size_t)(gt - m - 1));
	idp = bar ? bar + 1 : m + 1;
	idlen = (size_t)(gt - idp);
	if (num_parse_u64(idp, idlen, UINT32_MAX, &id))
		return;
	if (bar) {
		ev->conn_raw = m + 1;
		ev->conn_raw_len = (size_t)(bar - m - 1);
	}
	ev->sa_id = (uint32_t)id;
	gt++;
	if (gt < m + ev->msg_len && *gt == ' ')
		gt++;
	ev->msg_len -= (size_t)(gt - m);
	ev->msg = gt;
}

size_t log_classify_conn(const struct log_event *ev, char *out)
{
	size_t n = ev->conn_raw_len < LOG_CONN_MAX ? ev->conn_raw_len : LOG_CONN_MAX;

	if (!ev->conn_raw) {
		out[0] = '\0';
		return 0;
	}
	return text_sanitize(out, ev->conn_raw, n);
}

/* ---- notify names -------------------------------------------------------- */

static const struct {
	const char *name;
	enum fail_reason reason;
} log_classify_notifies[] = {
	{ "AUTHENTICATION_FAILED", FAIL_AUTH },
	{ "NO_PROPOSAL_CHOSEN", FAIL_NO_PROPOSAL },
	{ "TS_UNACCEPTABLE", FAIL_TS_UNACCEPTABLE },
	{ "SINGLE_PAIR_REQUIRED", FAIL_TS_UNACCEPTABLE },
	{ "INVALID_KE_PAYLOAD", FAIL_INVALID_KE },
	{ "INTERNAL_ADDRESS_FAILURE", FAIL_NO_VIP },
};

enum fail_reason log_classify_notify_reason(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(log_classify_notifies) / sizeof(log_classify_notifies[0]); i++)
		if (strlen(log_classify_notifies[i].name) == len &&
		    !memcmp(log_classify_notifies[i].name, name, len))
			return log_classify_notifies[i].reason;
	return FAIL_OTHER;
}

/* Length of a notify type name at s: "NO_PROPOSAL_CHOSEN", or "(12345)" for
 * one charon has no name for; 0 if there is none. */
static size_t log_classify_notify_len(const char *s, size_t len)
{
	size_t i = 0, lim = len < LOG_NOTIFY_MAX ? len : LOG_NOTIFY_MAX;

	while (i < lim && (log_classify_upper(s[i]) || log_classify_digit(s[i]) ||
			   s[i] == '_' || s[i] == '(' || s[i] == ')'))
		i++;
	return i < lim ? i : 0;
}

/* ---- messages by first letter ------------------------------------------ */

static int log_classify_fail(struct log_event *ev, enum fail_reason r)
{
	ev->kind = LOG_FAILURE;
	ev->reason = r;
	return 1;
}

/* "received ...": notify errors on the initiator, EAP failures. */
static int log_classify_received(struct log_event *ev, const char *m, size_t n)
{
	size_t t;

	if (n < 12 || m[9] == 'p') {
		if (LOG_STARTS(m, n, "received proposals unacceptable"))
			return log_classify_fail(ev, FAIL_NO_PROPOSAL);
		return 0;   /* "received packet", the commonest line */
	}
	m += 9, n -= 9;
	t = log_classify_notify_len(m, n);
	if (!t)
		return 0;
	if (LOG_STARTS(m + t, n - t, " notify error") ||
	    LOG_STARTS(m + t, n - t, " notify, no CHILD_SA built"))
		return log_classify_fail(ev, log_classify_notify_reason(m, t));
	if (LOG_STARTS(m + t, n - t, ", EAP authentication failed"))
		return log_classify_fail(ev, FAIL_AUTH);
	return 0;
}

static int log_classify_no(struct log_event *ev, const char *m, size_t n)
{
	if (LOG_STARTS(m, n, "no acceptable proposal found"))
		return log_classify_fail(ev, FAIL_NO_PROPOSAL);
	if (LOG_STARTS(m, n, "no acceptable traffic selectors found"))
		return log_classify_fail(ev, FAIL_TS_UNACCEPTABLE);
	/* responder without a config for the addresses: NO_PROPOSAL_CHOSEN */
	if (LOG_STARTS(m, n, "no IKE config found for "))
		return log_classify_fail(ev, FAIL_NO_PROPOSAL);
	/* a remote-access responder whose pool is exhausted (one line per
	 * refused client) */
	if (LOG_STARTS(m, n, "no virtual IP found, sending INTERNAL_ADDRESS_FAILURE"))
		return log_classify_fail(ev, FAIL_NO_VIP);
	if (LOG_STARTS(m, n, "no shared key found for "))
		return log_classify_fail(ev, FAIL_AUTH);
	/* the end of a failed trust chain: expired, revoked, unknown CA... */
	if (LOG_STARTS(m, n, "no trusted ") && LOG_CONTAINS(m, n, " public key found for "))
		return log_classify_fail(ev, FAIL_CERT);
	return 0;
}

/* "generating EXCHANGE request N [ payloads ]": a DPD is an empty
 * INFORMATIONAL, anything else replaces it as the outstanding request. */
static int log_classify_generating(struct log_event *ev, const char *m, size_t n)
{
	const char *sp;

	m += 11, n -= 11;
	sp = memchr(m, ' ', n < 40 ? n : 40);
	if (!sp || !LOG_STARTS(sp, n - (size_t)(sp - m), " request "))
		return 0;
	if (LOG_STARTS(m, n, "INFORMATIONAL request ") && LOG_ENDS(m, n, "[ ]"))
		return 0;
	ev->kind = LOG_REQUEST;
	return 1;
}

static int log_classify_parsed(struct log_event *ev, const char *m, size_t n)
{
	const char *sp;

	m += 7, n -= 7;
	/* an initiator that rejects our AUTH tells us in an INFORMATIONAL
	 * after IKE_AUTH; the responder logs nothing else about it */
	if (LOG_STARTS(m, n, "INFORMATIONAL request ") &&
	    LOG_CONTAINS(m, n, " N(AUTH_FAILED) "))
		return log_classify_fail(ev, FAIL_AUTH);
	sp = memchr(m, ' ', n < 40 ? n : 40);
	if (!sp || !LOG_STARTS(sp, n - (size_t)(sp - m), " response "))
		return 0;
	ev->kind = LOG_RESPONSE;
	return 1;
}

static int log_classify_g(struct log_event *ev, const char *m, size_t n)
{
	if (LOG_STARTS(m, n, "generating "))
		return log_classify_generating(ev, m, n);
	if (LOG_STARTS(m, n, "giving up after ") &&
	    (LOG_ENDS(m, n, " retransmits") || LOG_ENDS(m, n, " path probings"))) {
		ev->kind = LOG_GIVE_UP;
		ev->reason = FAIL_PEER_UNREACHABLE;
		return 1;
	}
	return 0;
}

static int log_classify_p(struct log_event *ev, const char *m, size_t n)
{
	if (LOG_STARTS(m, n, "parsed "))
		return log_classify_parsed(ev, m, n);
	if (LOG_STARTS(m, n, "peer didn't accept DH group "))
		return log_classify_fail(ev, FAIL_INVALID_KE);
	if (LOG_STARTS(m, n, "peer certificate verification failed"))
		return log_classify_fail(ev, FAIL_CERT);
	return 0;
}

static int log_classify_s(struct log_event *ev, const char *m, size_t n)
{
	if (LOG_STARTS(m, n, "sending DPD request")) {
		ev->kind = LOG_DPD_SENT;
		return 1;
	}
	if (LOG_STARTS(m, n, "signature validation failed"))
		return log_classify_fail(ev, FAIL_AUTH);
	return 0;
}

static int log_classify_t(struct log_event *ev, const char *m, size_t n)
{
	if (LOG_STARTS(m, n, "tried ") && LOG_ENDS(m, n, ", but MAC mismatched"))
		return log_classify_fail(ev, FAIL_AUTH);
	if (LOG_STARTS(m, n, "traffic selectors ") && LOG_ENDS(m, n, " unacceptable"))
		return log_classify_fail(ev, FAIL_TS_UNACCEPTABLE);
	return 0;
}

static int log_classify_a(struct log_event *ev, const char *m, size_t n)
{
	if (LOG_STARTS(m, n, "authentication of '") && LOG_ENDS(m, n, "' (myself) failed"))
		return log_classify_fail(ev, FAIL_AUTH);
	if (LOG_STARTS(m, n, "abort IKE_SA initiation, half open IKE_SA count"))
		return log_classify_fail(ev, FAIL_HALF_OPEN);
	return 0;
}

static int log_classify_i(struct log_event *ev, const char *m, size_t n)
{
	if (LOG_STARTS(m, n, "ignoring IKE_SA setup from ") &&
	    LOG_CONTAINS(m, n, "half-open IKE_SA limit of "))
		return log_classify_fail(ev, FAIL_HALF_OPEN);
	return 0;
}

static int log_classify_u(struct log_event *ev, const char *m, size_t n)
{
	if (LOG_STARTS(m, n, "unable to install ") &&
	    (LOG_ENDS(m, n, "IPsec SA (SAD) in kernel") ||
	     LOG_ENDS(m, n, "IPsec policies (SPD) in kernel")))
		return log_classify_fail(ev, FAIL_INSTALL);
	return 0;
}

static int log_classify_upper_case(struct log_event *ev, const char *m, size_t n)
{
	if (LOG_STARTS(m, n, "CHILD_SA rekeying failed") ||
	    LOG_STARTS(m, n, "IKE_SA rekeying failed"))
		return log_classify_fail(ev, FAIL_REKEY);
	if (LOG_STARTS(m, n, "DH group ") && LOG_CONTAINS(m, n, " unacceptable, requesting "))
		return log_classify_fail(ev, FAIL_INVALID_KE);
	if (LOG_STARTS(m, n, "EAP ") && LOG_CONTAINS(m, n, " failed for peer "))
		return log_classify_fail(ev, FAIL_AUTH);
	if (LOG_STARTS(m, n, "XAuth authentication of '") && LOG_ENDS(m, n, " failed"))
		return log_classify_fail(ev, FAIL_AUTH);
	return 0;
}

static int log_classify_lower_case(struct log_event *ev, const char *m, size_t n)
{
	switch (m[0]) {
	case 'c':
		if (LOG_STARTS(m, n, "constraint checking failed"))
			return log_classify_fail(ev, FAIL_AUTH);
		return 0;
	case 'd':
		if (LOG_STARTS(m, n, "deleting half open IKE_SA with "))
			return log_classify_fail(ev, FAIL_HALF_OPEN);
		return 0;
	case 'v':
		if (LOG_STARTS(m, n, "verification of AUTH payload with") &&
		    LOG_ENDS(m, n, "EAP MSK failed"))
			return log_classify_fail(ev, FAIL_AUTH);
		return 0;
	default:
		return 0;
	}
}

/* Dispatch on the first byte, so that most lines cost one switch and a
 * memcmp or two. */
static int log_classify_dispatch(struct log_event *ev)
{
	const char *m = ev->msg;
	size_t n = ev->msg_len;

	if (n < 8)
		return 0;
	switch (m[0]) {
	case 'r':
		return LOG_STARTS(m, n, "received ") ? log_classify_received(ev, m, n) : 0;
	case 'n':
		return log_classify_no(ev, m, n);
	case 'g':
		return log_classify_g(ev, m, n);
	case 'p':
		return log_classify_p(ev, m, n);
	case 's':
		return log_classify_s(ev, m, n);
	case 't':
		return log_classify_t(ev, m, n);
	case 'a':
		return log_classify_a(ev, m, n);
	case 'i':
		return log_classify_i(ev, m, n);
	case 'u':
		return log_classify_u(ev, m, n);
	case 'C': case 'D': case 'E': case 'I': case 'X':
		return log_classify_upper_case(ev, m, n);
	default:
		return log_classify_lower_case(ev, m, n);
	}
}

bool log_event_reset(struct log_event *ev, const char *line, size_t *len)
{
	ev->kind = LOG_NONE;
	ev->reason = FAIL_OTHER;
	ev->conn_raw = NULL;
	ev->conn_raw_len = 0;
	ev->sa_id = 0;
	ev->conn[0] = '\0';
	ev->msg = "";
	ev->msg_len = 0;
	if (!line)
		return false;
	if (*len > LOG_CLASSIFY_MAX)
		*len = LOG_CLASSIFY_MAX;
	return true;
}

int log_classify(const char *line, size_t len, struct log_event *ev)
{
	size_t off;

	if (!log_event_reset(ev, line, &len))
		return 0;
	off = log_classify_msg_start(line, len);
	ev->msg = line + off;
	ev->msg_len = len - off;
	log_classify_sa_prefix(ev);
	if (!log_classify_dispatch(ev))
		return 0;
	log_classify_conn(ev, ev->conn);
	return 1;
}

/* ---- per-SA memory ------------------------------------------------------- */

void log_classify_state_init(struct log_classify_state *st)
{
	memset(st, 0, sizeof(*st));
}

bool log_classify_state_apply(struct log_classify_state *st, const struct log_event *ev,
			enum fail_reason *reason)
{
	unsigned i = ev->sa_id % LOG_CLASSIFY_SLOTS;
	bool mine = ev->sa_id && st->slot[i].id == ev->sa_id;

	switch (ev->kind) {
	case LOG_FAILURE:
		*reason = ev->reason;
		return true;
	case LOG_GIVE_UP:
		*reason = mine && st->slot[i].dpd ? FAIL_DPD_TIMEOUT : FAIL_PEER_UNREACHABLE;
		if (mine)
			st->slot[i].dpd = false;
		return true;
	case LOG_DPD_SENT:
		if (ev->sa_id) {
			st->slot[i].id = ev->sa_id;
			st->slot[i].dpd = true;
		}
		return false;
	case LOG_REQUEST:
	case LOG_RESPONSE:
		if (mine)
			st->slot[i].dpd = false;
		return false;
	case LOG_NONE:
		break;
	}
	return false;
}
