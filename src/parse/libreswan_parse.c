/* libreswan whack outputs (see the header): a line splitter that drops the
 * 4.x "NNN " codes, a cursor over one line, and one reader per command. */
#include "parse/libreswan_parse.h"

#include <errno.h>
#include <string.h>

#include "common/num.h"

/* ---- one line -------------------------------------------------------- */

struct lsw_cur {
	const char *p, *end;
};

static bool cur_eat(struct lsw_cur *c, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n))
		return false;
	c->p += n;
	return true;
}

static void cur_skip_spaces(struct lsw_cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static const char *cur_find(const struct lsw_cur *c, const char *lit)
{
	return memmem(c->p, (size_t)(c->end - c->p), lit, strlen(lit));
}

/* Copies [s, e) into out[cap]; false when it does not fit or has a NUL or a
 * control byte (whack prints none). */
static bool copy_field(char *out, size_t cap, const char *s, const char *e)
{
	size_t n = (size_t)(e - s), i;

	if (n >= cap)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

static bool parse_u32(const char *s, const char *e, uint32_t *out)
{
	uint64_t v;

	if (s == e || num_parse_u64(s, (size_t)(e - s), UINT32_MAX, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool parse_i64(const char *s, const char *e, int64_t *out)
{
	uint64_t v;

	if (s == e || num_parse_u64(s, (size_t)(e - s), INT64_MAX, &v))
		return false;
	*out = (int64_t)v;
	return true;
}

/* [s, e) starts with lit (the input is not NUL-terminated) */
static bool span_starts(const char *s, const char *e, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(e - s) >= n && !memcmp(s, lit, n);
}

static const char *span_digits(const char *s, const char *e)
{
	while (s < e && *s >= '0' && *s <= '9')
		s++;
	return s;
}

/* "#N: " */
static bool cur_serial(struct lsw_cur *c, uint32_t *serial)
{
	const char *d;

	if (!cur_eat(c, "#"))
		return false;
	d = span_digits(c->p, c->end);
	if (!parse_u32(c->p, d, serial))
		return false;
	c->p = d;
	return cur_eat(c, ": ");
}

/* "NAME" and an optional [N]; names hold no '"' (pluto refuses them). */
static bool cur_conn_name(struct lsw_cur *c, char *name, size_t cap,
			  uint32_t *instance)
{
	const char *q;

	*instance = 0;
	if (!cur_eat(c, "\""))
		return false;
	q = memchr(c->p, '"', (size_t)(c->end - c->p));
	if (!q || q == c->p || !copy_field(name, cap, c->p, q))
		return false;
	c->p = q + 1;
	if (cur_eat(c, "[")) {
		const char *d = span_digits(c->p, c->end);

		if (!parse_u32(c->p, d, instance))
			return false;
		c->p = d;
		if (!cur_eat(c, "]"))
			return false;
	}
	return true;
}

/* ---- the line splitter -------------------------------------------------- */

struct lsw_lines {
	const char *p, *end;
	size_t no;
};

/* The next line without its newline and its 4.x "NNN " code (a bare
 * "NNN" is an empty line).  0 at the end, 1 with a line, or -errno. */
static int next_line(struct lsw_lines *l, struct lsw_cur *line,
		     struct ikw_err *err)
{
	const char *nl, *s;

	if (l->p >= l->end)
		return 0;
	nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	if (!nl)
		nl = l->end;
	l->no++;
	if (nl - l->p > LSW_LINE_MAX)
		return err_set(err, -E2BIG, "line %zu: longer than %d bytes",
			       l->no, LSW_LINE_MAX);
	s = l->p;
	l->p = nl < l->end ? nl + 1 : nl;
	if (nl > s && nl[-1] == '\r')
		nl--;
	if (nl - s >= 3 && span_digits(s, s + 3) == s + 3 &&
	    (nl - s == 3 || s[3] == ' '))
		s += nl - s == 3 ? 3 : 4;
	if (memchr(s, '\0', (size_t)(nl - s)))
		return err_set(err, -EBADMSG, "line %zu: NUL byte", l->no);
	line->p = s;
	line->end = nl;
	return 1;
}

static int bad_line(struct ikw_err *err, const struct lsw_lines *l,
		    const char *what)
{
	return err_set(err, -EBADMSG, "line %zu: %s", l->no, what);
}

/* ---- the version ------------------------------------------------------ */

int lsw_parse_version(const char *buf, size_t len, char *out, size_t cap)
{
	static const char key[] = "pluto_version=";
	const char *k = buf ? memmem(buf, len, key, sizeof(key) - 1) : NULL;
	const char *s, *e;

	if (cap)
		out[0] = '\0';
	if (!k)
		return -ENOENT;
	s = e = k + sizeof(key) - 1;
	while (e < buf + len && ((*e >= '0' && *e <= '9') || *e == '.' ||
				 (*e >= 'a' && *e <= 'z') || *e == '-' || *e == '~'))
		e++;
	if (e == s || !copy_field(out, cap, s, e))
		return -ENOENT;
	return 0;
}

/* ---- --connectionstatus --------------------------------------------------- */

/* A host end: strips "[id]", ":port" and "---nexthop" from [s, e). */
static bool conn_host(char *out, size_t cap, const char *s, const char *e,
		      bool local)
{
	const char *hop = memmem(s, (size_t)(e - s), "---", 3), *b;

	if (hop) {
		if (local)
			e = hop;
		else
			s = hop + 3;
	}
	b = memchr(s, '[', (size_t)(e - s));
	if (b)
		e = b;
	/* ":port" after an IPv4 address or a name; IPv6 has several ':' */
	b = memchr(s, ':', (size_t)(e - s));
	if (b && !memchr(b + 1, ':', (size_t)(e - b - 1)))
		e = b;
	return copy_field(out, cap, s, e);
}

/* The topology: LCLIENT===LHOST...RHOST===RCLIENT (clients optional). */
static bool conn_topology(struct lsw_conn *c, const char *s, const char *e)
{
	const char *dots = memmem(s, (size_t)(e - s), "...", 3), *eq;

	if (!dots)
		return false;
	eq = memmem(s, (size_t)(dots - s), "===", 3);
	if (eq) {
		if (!copy_field(c->local_client, sizeof(c->local_client), s, eq))
			return false;
		s = eq + 3;
	}
	if (!conn_host(c->local_host, sizeof(c->local_host), s, dots, true))
		return false;
	s = dots + 3;
	eq = memmem(s, (size_t)(e - s), "===", 3);
	if (eq && !copy_field(c->remote_client, sizeof(c->remote_client),
			      eq + 3, e))
		return false;
	return conn_host(c->remote_host, sizeof(c->remote_host), s, eq ? eq : e,
			 false);
}

/* "KEY: 540s" within a detail line: the seconds, or LSW_NONE. */
static bool conn_seconds(const struct lsw_cur *c, const char *key, int64_t *out)
{
	const char *k = cur_find(c, key), *d;

	if (!k)
		return true;
	k += strlen(key);
	d = span_digits(k, c->end);
	if (d == c->end || *d != 's')
		return false;
	return parse_i64(k, d, out);
}

/* [s, e) into out[cap], or "" when it does not fit: a detail for the view */
static void copy_or_empty(char *out, size_t cap, const char *s, const char *e)
{
	if (!copy_field(out, cap, s, e))
		out[0] = '\0';
}

/* The value after KEY up to the next ";" (or the end of the line). */
static void conn_value(const struct lsw_cur *c, const char *key, char *out,
		       size_t cap)
{
	const char *k = cur_find(c, key), *e;

	if (!k)
		return;
	k += strlen(key);
	e = memchr(k, ';', (size_t)(c->end - k));
	copy_or_empty(out, cap, k, e ? e : c->end);
}

/* "our id=LID; their idtype: T; their id=RID": an id may hold ", " (a DN)
 * but not "; " */
static void conn_ids(struct lsw_conn *c, const struct lsw_cur *rest)
{
	struct lsw_cur theirs = *rest;
	const char *t = cur_find(rest, "; their id");

	if (!t)
		return;
	theirs.p = t;
	conn_value(&theirs, "their id=", c->remote_id, sizeof(c->remote_id));
	theirs = *rest;
	theirs.end = t;
	conn_value(&theirs, "our id=", c->local_id, sizeof(c->local_id));
}

/* "IKEv2 algorithm newest: SUITE" (IKEv1: "IKE algorithm newest: "), and
 * "ESP algorithm newest: SUITE; pfsgroup=G" (or "AH ..."). */
static void conn_algs(struct lsw_conn *c, struct lsw_cur *rest)
{
	static const char *const child[] = { "ESP", "AH" };
	size_t i;

	if (cur_eat(rest, "IKEv2 algorithm newest: ") ||
	    cur_eat(rest, "IKE algorithm newest: ")) {
		copy_or_empty(c->ike_alg, sizeof(c->ike_alg), rest->p, rest->end);
		return;
	}
	for (i = 0; i < sizeof(child) / sizeof(child[0]); i++) {
		struct lsw_cur r = *rest;

		if (cur_eat(&r, child[i]) && cur_eat(&r, " algorithm newest: ")) {
			const char *semi = memchr(r.p, ';', (size_t)(r.end - r.p));

			strcpy(c->child_proto, child[i]);
			copy_or_empty(c->child_alg, sizeof(c->child_alg), r.p,
				      semi ? semi : r.end);
			conn_value(&r, "pfsgroup=", c->pfs_group, sizeof(c->pfs_group));
			return;
		}
	}
}

/* A detail line "NAME":   key: value; ... of the current connection. */
static bool conn_detail(struct lsw_conn *c, struct lsw_cur *rest)
{
	if (cur_eat(rest, "our idtype: ")) {
		conn_ids(c, rest);
		return true;
	}
	conn_algs(c, rest);
	if (cur_find(rest, "ike_life: ")) {
		if (!conn_seconds(rest, "ike_life: ", &c->ike_life) ||
		    !conn_seconds(rest, "ipsec_life: ", &c->ipsec_life) ||
		    !conn_seconds(rest, "rekey_margin: ", &c->rekey_margin))
			return false;
	}
	if (cur_eat(rest, "policy: ")) {
		if (cur_find(rest, "IKEv2"))
			c->ike_version = 2;
		else if (cur_find(rest, "IKEv1"))
			c->ike_version = 1;
		if (cur_find(rest, "+TUNNEL"))
			strcpy(c->mode, "TUNNEL");
		else if (cur_find(rest, "+TRANSPORT") || cur_find(rest, "+ENCRYPT"))
			strcpy(c->mode, "TRANSPORT");
	}
	return true;
}

/* The first line's rest after "NAME": topology; routing; ... */
static bool conn_head(struct lsw_conn *c, struct lsw_cur *rest)
{
	const char *semi = memchr(rest->p, ';', (size_t)(rest->end - rest->p));
	const char *s, *e;

	if (!semi || !conn_topology(c, rest->p, semi))
		return false;
	s = semi + 1;
	while (s < rest->end && *s == ' ')
		s++;
	e = memchr(s, ';', (size_t)(rest->end - s));
	return copy_field(c->routing, sizeof(c->routing), s, e ? e : rest->end);
}

static void conn_reset(struct lsw_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->ike_life = c->ipsec_life = c->rekey_margin = LSW_NONE;
}

int lsw_parse_conns(const char *buf, size_t len,
		    int (*cb)(void *ctx, const struct lsw_conn *c), void *ctx,
		    struct ikw_err *err)
{
	struct lsw_lines l = { buf, buf + len, 0 };
	struct lsw_cur line;
	struct lsw_conn cur, next;
	bool have = false;
	int r;

	while ((r = next_line(&l, &line, err)) == 1) {
		char name[LSW_NAME_MAX + 1];
		uint32_t inst;

		if (line.p == line.end || *line.p != '"')
			continue;
		if (!cur_conn_name(&line, name, sizeof(name), &inst) ||
		    !cur_eat(&line, ":"))
			return bad_line(err, &l, "bad connection name");
		if (have && !strcmp(name, cur.name) && inst == cur.instance &&
		    cur_eat(&line, "  ")) {
			cur_skip_spaces(&line);
			if (!conn_detail(&cur, &line))
				return bad_line(err, &l, "bad connection detail");
			continue;
		}
		cur_skip_spaces(&line);
		conn_reset(&next);
		memcpy(next.name, name, sizeof(name));
		next.instance = inst;
		if (!cur_find(&line, "..."))
			continue;    /* another kind of line naming a conn */
		if (!conn_head(&next, &line))
			return bad_line(err, &l, "bad connection topology");
		if (have && (r = cb(ctx, &cur)))
			return r;
		cur = next;
		have = true;
	}
	if (r < 0)
		return r;
	return have ? cb(ctx, &cur) : 0;
}

/* ---- --showstates ----------------------------------------------------------- */

/* "esp.4ffaaf45@192.0.2.2": proto, SPI (zero-padded to 8), address. */
static bool state_said(const char *s, const char *e, char *proto, size_t pcap,
		       char *spi, char *addr, size_t acap)
{
	const char *dot = memchr(s, '.', (size_t)(e - s));
	const char *at = dot ? memchr(dot, '@', (size_t)(e - dot)) : NULL;
	size_t n, i;

	if (!at || !copy_field(proto, pcap, s, dot))
		return false;
	n = (size_t)(at - dot - 1);
	if (n == 0 || n > LSW_SPI_MAX)
		return false;
	memset(spi, '0', LSW_SPI_MAX - n);
	for (i = 0; i < n; i++) {
		char ch = dot[1 + i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
		      (ch >= 'A' && ch <= 'F')))
			return false;
		spi[LSW_SPI_MAX - n + i] = (char)(ch | 0x20);
	}
	spi[LSW_SPI_MAX] = '\0';
	return copy_field(addr, acap, at + 1, e);
}

/* The SPI line: the first two esp/ah SAIDs (outbound, inbound). */
static bool state_spis(struct lsw_state *st, struct lsw_cur *rest)
{
	int found = 0;

	while (rest->p < rest->end && found < 2) {
		const char *e;

		cur_skip_spaces(rest);
		e = memchr(rest->p, ' ', (size_t)(rest->end - rest->p));
		if (!e)
			e = rest->end;
		if (span_starts(rest->p, e, "esp.") || span_starts(rest->p, e, "ah.")) {
			bool out = found == 0;

			if (!state_said(rest->p, e, st->proto, sizeof(st->proto),
					out ? st->spi_out : st->spi_in,
					out ? st->peer : st->local,
					out ? sizeof(st->peer) : sizeof(st->local)))
				return false;
			found++;
		}
		rest->p = e;
	}
	return found == 2;
}

/* "REKEY in 27917s" etc. in one ';' item. */
static bool state_timer(const char *s, const char *e, const char *key,
			int64_t *out)
{
	size_t n = strlen(key);
	const char *d;

	if ((size_t)(e - s) <= n || memcmp(s, key, n))
		return true;
	s += n;
	d = span_digits(s, e);
	if (d == s || d + 1 != e || *d != 's')
		return false;
	return parse_i64(s, d, out);
}

static bool state_item(struct lsw_state *st, const char *s, const char *e)
{
	while (s < e && *s == ' ')
		s++;
	if ((size_t)(e - s) == 6 && !memcmp(s, "newest", 6))
		st->newest = true;
	if ((size_t)(e - s) > 8 && !memcmp(s, "IKE SA #", 8)) {
		if (!parse_u32(s + 8, e, &st->ike_serial))
			return false;
		st->kind = LSW_STATE_CHILD;
	}
	return state_timer(s, e, "REKEY in ", &st->rekey_in) &&
	       state_timer(s, e, "REPLACE in ", &st->replace_in) &&
	       state_timer(s, e, "EXPIRE in ", &st->expire_in) &&
	       state_timer(s, e, "LIVENESS in ", &st->liveness_in);
}

/* CHILD for IKEv1's QUICK states and any *CHILD* state, so that a CHILD SA
 * being negotiated (no "IKE SA #" yet) is still one. */
static void state_classify(struct lsw_state *st)
{
	const char *n = st->state;

	if (strstr(n, "CHILD") || !strncmp(n, "QUICK_", 6))
		st->kind = LSW_STATE_CHILD;
	st->established =
		strstr(n, "ESTABLISHED_IKE_SA") || strstr(n, "ESTABLISHED_CHILD_SA") ||
		!strcmp(n, "MAIN_I4") || !strcmp(n, "MAIN_R3") ||
		!strcmp(n, "QUICK_I2") || !strcmp(n, "QUICK_R2");
}

/* After the name: [ADDR][:PORT] STATE (text); items... */
static bool state_head(struct lsw_state *st, struct lsw_cur *rest)
{
	const char *paren = cur_find(rest, " ("), *s, *e;

	if (!paren)
		return false;
	/* the state name is the last word before " (" */
	s = paren;
	while (s > rest->p && s[-1] != ' ')
		s--;
	if (s == paren)
		return false;
	if (paren - s > 6 && !memcmp(s, "STATE_", 6))
		s += 6;
	for (e = s; e < paren; e++)
		if (!((*e >= 'A' && *e <= 'Z') || (*e >= '0' && *e <= '9') ||
		      *e == '_'))
			return false;
	if (!copy_field(st->state, sizeof(st->state), s, paren))
		return false;
	state_classify(st);
	s = memchr(paren, ')', (size_t)(rest->end - paren));
	if (!s)
		return false;
	s++;
	while (s < rest->end) {
		if (*s == ';')
			s++;
		e = memchr(s, ';', (size_t)(rest->end - s));
		if (!e)
			e = rest->end;
		if (!state_item(st, s, e))
			return false;
		s = e;
	}
	return true;
}

int lsw_parse_states(const char *buf, size_t len,
		     int (*cb)(void *ctx, const struct lsw_state *s), void *ctx,
		     struct ikw_err *err)
{
	struct lsw_lines l = { buf, buf + len, 0 };
	struct lsw_cur line;
	struct lsw_state st;
	int r;

	while ((r = next_line(&l, &line, err)) == 1) {
		if (line.p == line.end || *line.p != '#')
			continue;
		memset(&st, 0, sizeof(st));
		st.rekey_in = st.replace_in = st.expire_in = st.liveness_in = LSW_NONE;
		if (!cur_serial(&line, &st.serial) ||
		    !cur_conn_name(&line, st.conn, sizeof(st.conn), &st.instance))
			return bad_line(err, &l, "bad state serial or name");
		if (cur_find(&line, " Traffic:") || cur_find(&line, " esp.") ||
		    cur_find(&line, " ah.")) {
			st.kind = LSW_STATE_SPIS;
			if (!state_spis(&st, &line))
				return bad_line(err, &l, "bad SPIs");
		} else {
			st.kind = LSW_STATE_IKE;
			if (!state_head(&st, &line))
				return bad_line(err, &l, "bad state");
		}
		if ((r = cb(ctx, &st)))
			return r;
	}
	return r;
}

/* ---- --trafficstatus ---------------------------------------------------------- */

static bool traffic_field(struct lsw_traffic *t, const char *k, const char *ke,
			  const char *v, const char *ve)
{
	static const struct {
		const char *key;
		size_t off;
	} nums[] = {
		{ "add_time", offsetof(struct lsw_traffic, add_time) },
		{ "inBytes", offsetof(struct lsw_traffic, in_bytes) },
		{ "outBytes", offsetof(struct lsw_traffic, out_bytes) },
	};
	size_t i, kn = (size_t)(ke - k);

	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		if (kn == strlen(nums[i].key) && !memcmp(k, nums[i].key, kn)) {
			int64_t *dst = (int64_t *)(void *)((char *)t + nums[i].off);

			return *dst == LSW_NONE && parse_i64(v, ve, dst);
		}
	}
	if (kn == 4 && !memcmp(k, "type", 4))
		return !t->type[0] && copy_field(t->type, sizeof(t->type), v, ve);
	return true;   /* maxBytes, username, newer fields */
}

/* The end of a quoted id: a quote at the end of the line or before
 * ", key=" (a DN holds ", " and '=' but no "', "). */
static const char *traffic_id_end(const char *s, const char *e)
{
	const char *q;

	for (q = s; (q = memchr(q, '\'', (size_t)(e - q))); q++) {
		const char *k = q + 3;

		if (q + 1 == e)
			return q;
		if (e - q < 3 || q[1] != ',' || q[2] != ' ')
			continue;
		while (k < e && ((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
				 *k == '_'))
			k++;
		if (k > q + 3 && k < e && *k == '=')
			return q;
	}
	return NULL;
}

/* , key=value, ... with id='...' anywhere (it may hold ", "). */
static bool traffic_fields(struct lsw_traffic *t, struct lsw_cur *rest)
{
	while (rest->p < rest->end) {
		const char *eq, *e;

		if (!cur_eat(rest, ", "))
			return false;
		if (cur_eat(rest, "id='")) {
			e = traffic_id_end(rest->p, rest->end);
			if (!e || t->id[0] || !copy_field(t->id, sizeof(t->id), rest->p, e))
				return false;
			rest->p = e + 1;
			continue;
		}
		e = cur_find(rest, ", ");
		if (!e)
			e = rest->end;
		eq = memchr(rest->p, '=', (size_t)(e - rest->p));
		if (!eq || eq == rest->p || !traffic_field(t, rest->p, eq, eq + 1, e))
			return false;
		rest->p = e;
	}
	return true;
}

int lsw_parse_traffic(const char *buf, size_t len,
		      int (*cb)(void *ctx, const struct lsw_traffic *t), void *ctx,
		      struct ikw_err *err)
{
	struct lsw_lines l = { buf, buf + len, 0 };
	struct lsw_cur line;
	struct lsw_traffic t;
	int r;

	while ((r = next_line(&l, &line, err)) == 1) {
		if (line.p == line.end || *line.p != '#')
			continue;
		memset(&t, 0, sizeof(t));
		t.add_time = t.in_bytes = t.out_bytes = LSW_NONE;
		if (!cur_serial(&line, &t.serial) ||
		    !cur_conn_name(&line, t.conn, sizeof(t.conn), &t.instance))
			return bad_line(err, &l, "bad traffic serial or name");
		if (!traffic_fields(&t, &line))
			return bad_line(err, &l, "bad traffic fields");
		if ((r = cb(ctx, &t)))
			return r;
	}
	return r;
}

/* ---- --globalstatus --------------------------------------------------------------- */

int lsw_parse_global(const char *buf, size_t len,
		     int (*cb)(void *ctx, const struct lsw_global *g), void *ctx,
		     struct ikw_err *err)
{
	struct lsw_lines l = { buf, buf + len, 0 };
	struct lsw_cur line;
	struct lsw_global g;
	int r;

	while ((r = next_line(&l, &line, err)) == 1) {
		const char *eq = memchr(line.p, '=', (size_t)(line.end - line.p));
		const char *k;

		if (!eq || eq == line.p || eq + 1 == line.end ||
		    span_digits(eq + 1, line.end) != line.end)
			continue;
		for (k = line.p; k < eq; k++)
			if (*k == ' ' || *k == '\t')
				break;
		if (k < eq)
			continue;   /* not a key */
		if (!copy_field(g.key, sizeof(g.key), line.p, eq))
			return bad_line(err, &l, "key too long");
		if (num_parse_u64(eq + 1, (size_t)(line.end - eq - 1), UINT64_MAX,
				  &g.value))
			return bad_line(err, &l, "value out of range");
		if ((r = cb(ctx, &g)))
			return r;
	}
	return r;
}
