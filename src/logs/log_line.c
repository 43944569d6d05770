#include "logs/log_line.h"

#include <errno.h>
#include <string.h>

#include "common/num.h"

const char *const log_line_kind_names[LOG_LINE_KIND_COUNT] = {
	[LOG_LINE_FAILURE] = "failure",
	[LOG_LINE_REKEY] = "rekey",
	[LOG_LINE_UPDOWN] = "updown",
	[LOG_LINE_NEGOTIATION] = "negotiation",
	[LOG_LINE_OTHER] = "other",
};

static int log_line_kind_one(const char *s, size_t n, unsigned *mask)
{
	size_t k;

	for (k = 0; k < LOG_LINE_KIND_COUNT; k++)
		if (strlen(log_line_kind_names[k]) == n && !memcmp(log_line_kind_names[k], s, n)) {
			*mask |= 1u << k;
			return 0;
		}
	if (n == 3 && !memcmp(s, "all", 3)) {
		*mask |= LOG_LINE_KINDS_ALL;
		return 0;
	}
	return -EINVAL;
}

int log_line_kinds_parse(const char *s, unsigned *mask)
{
	unsigned m = 0;

	while (s && *s) {
		size_t n = strcspn(s, ",");

		if (!n || log_line_kind_one(s, n, &m))
			return -EINVAL;
		s += n;
		if (*s == ',' && !*++s)
			return -EINVAL;   /* a trailing comma */
	}
	*mask = m ? m : LOG_LINE_KINDS_ALL;
	return 0;
}

/* ---- the message ------------------------------------------------------- */

static bool log_line_starts(const char *m, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && !memcmp(m, lit, l);
}

static bool log_line_contains(const char *m, size_t n, const char *lit)
{
	return memmem(m, n, lit, strlen(lit)) != NULL;
}

static enum ike_exchange log_line_exchange(const char *m, size_t n)
{
	static const struct {
		const char *name;
		enum ike_exchange x;
	} names[] = {
		{ "IKE_SA_INIT ", IKE_EXCH_IKE_SA_INIT },
		{ "IKE_AUTH ", IKE_EXCH_IKE_AUTH },
		{ "CREATE_CHILD_SA ", IKE_EXCH_CREATE_CHILD_SA },
		{ "INFORMATIONAL ", IKE_EXCH_INFORMATIONAL },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (log_line_starts(m, n, names[i].name))
			return names[i].x;
	return IKE_EXCH_NONE;
}

/* "retransmit N of request with message ID M": N. */
static unsigned log_line_retransmit(const char *m, size_t n)
{
	const char *p = m + strlen("retransmit "), *end = m + n;
	size_t digits = 0;
	uint64_t v;

	while (p + digits < end && p[digits] >= '0' && p[digits] <= '9')
		digits++;
	if (!digits || num_parse_u64(p, digits, 1000000, &v))
		return 0;
	return (unsigned)v;
}

static bool log_line_is_updown(const char *m, size_t n)
{
	return ((log_line_contains(m, n, "IKE_SA ") || log_line_contains(m, n, "CHILD_SA ")) &&
		log_line_contains(m, n, " established ")) ||
	       log_line_starts(m, n, "deleting IKE_SA") ||
	       log_line_starts(m, n, "closing CHILD_SA") ||
	       log_line_starts(m, n, "received DELETE") ||
	       log_line_starts(m, n, "IKE_SA deleted") ||
	       log_line_starts(m, n, "CHILD_SA closed");
}

/* A rekey started, answered or done: charon says "rekey" in words, as a
 * notify (N(REKEY_SA)) or by the exchange; "scheduling rekeying in" is a
 * plan, not a rekey. */
static bool log_line_is_rekey(const char *m, size_t n)
{
	if (log_line_starts(m, n, "scheduling "))
		return false;
	return log_line_contains(m, n, "rekey") || log_line_contains(m, n, "REKEY") ||
	       log_line_contains(m, n, "CREATE_CHILD_SA ");
}

static bool log_line_is_failure(const struct log_event *ev, const char *m, size_t n)
{
	return ev->kind == LOG_FAILURE || ev->kind == LOG_GIVE_UP ||
	       log_line_contains(m, n, "failed") || log_line_contains(m, n, " error") ||
	       log_line_contains(m, n, "not responding") ||
	       log_line_contains(m, n, "no shared key found") ||
	       log_line_contains(m, n, "no matching") || log_line_contains(m, n, "giving up");
}

void log_line_describe(const struct log_event *ev, struct log_line_info *out)
{
	const char *m = ev->msg ? ev->msg : "";
	size_t n = ev->msg ? ev->msg_len : 0;

	memset(out, 0, sizeof(*out));
	if (log_line_starts(m, n, "generating "))
		out->sent = log_line_contains(m, n, " request ") ?
			    log_line_exchange(m + 11, n - 11) : IKE_EXCH_NONE;
	out->initiating = log_line_starts(m, n, "initiating IKE_SA ");
	out->established = log_line_starts(m, n, "IKE_SA ") &&
			   log_line_contains(m, n, " established between ");
	if (log_line_starts(m, n, "retransmit "))
		out->retransmit = log_line_retransmit(m, n);
	if (log_line_is_failure(ev, m, n))
		out->kind = LOG_LINE_FAILURE;
	else if (log_line_is_rekey(m, n))
		out->kind = LOG_LINE_REKEY;
	else if (log_line_is_updown(m, n))
		out->kind = LOG_LINE_UPDOWN;
	else if (out->sent || out->initiating || out->retransmit ||
		 log_line_starts(m, n, "parsed ") || log_line_starts(m, n, "establishing ") ||
		 log_line_starts(m, n, "authentication of ") ||
		 log_line_starts(m, n, "sending packet") ||
		 log_line_starts(m, n, "received packet"))
		out->kind = LOG_LINE_NEGOTIATION;
	else
		out->kind = LOG_LINE_OTHER;
}
