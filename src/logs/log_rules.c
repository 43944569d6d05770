#include "logs/log_rules.h"

#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"
#include "logs/log_classify.h"

struct log_rules_label {
	char *name;
	enum log_label_src src;
	unsigned group;
	char **values;
	size_t nvalues;
};

struct log_rules_rule {
	char *name;
	regex_t re;
	char *literal;           /* prefilter, NULL when none */
	size_t literal_len;
	struct log_rules_label labels[EVENT_LABELS_MAX];
	size_t nlabels;
};

struct log_rules {
	struct log_rules_rule rule[LOG_RULES_MAX];
	size_t n;
};

struct log_rules *log_rules_new(void)
{
	return calloc(1, sizeof(struct log_rules));
}

static void log_rules_release_one(struct log_rules_rule *r)
{
	size_t i, j;

	for (i = 0; i < r->nlabels; i++) {
		for (j = 0; j < r->labels[i].nvalues; j++)
			free(r->labels[i].values[j]);
		free(r->labels[i].values);
		free(r->labels[i].name);
	}
	regfree(&r->re);
	free(r->literal);
	free(r->name);
	memset(r, 0, sizeof(*r));
}

void log_rules_free(struct log_rules *rs)
{
	size_t i;

	if (!rs)
		return;
	for (i = 0; i < rs->n; i++)
		log_rules_release_one(&rs->rule[i]);
	free(rs);
}

size_t log_rules_count(const struct log_rules *rs)
{
	return rs ? rs->n : 0;
}

static size_t log_rules_lit_bracket(const char *p, size_t i);

/* ---- validation ---------------------------------------------------------- */

bool log_rules_valid_name(const char *s)
{
	size_t i;

	if (!s || !s[0] || strlen(s) > LOG_RULE_NAME_MAX)
		return false;
	for (i = 0; s[i]; i++) {
		char c = s[i];
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';

		if (!alpha && (i == 0 || c < '0' || c > '9'))
			return false;
	}
	return true;
}

/* A value must print as itself: valid UTF-8, no control bytes. */
static bool log_rules_valid_value(const char *v)
{
	char buf[LOG_RULE_VALUE_MAX + 1];
	size_t len = strlen(v);

	if (!len || len > LOG_RULE_VALUE_MAX)
		return false;
	text_sanitize(buf, v, len);
	return !strcmp(buf, v);
}

static int log_rules_check_label(const struct log_rule_spec *spec, size_t i,
				 size_t nsub, struct ikw_err *err)
{
	const struct log_label_spec *l = &spec->labels[i];
	size_t j;

	if (!log_rules_valid_name(l->name) || !strncmp(l->name, "__", 2))
		return err_set(err, -EINVAL, "invalid label name '%s' (want [a-zA-Z_][a-zA-Z0-9_]*)",
			       l->name ? l->name : "");
	if (!strcmp(l->name, "rule"))
		return err_set(err, -EINVAL, "label name 'rule' is reserved");
	for (j = 0; j < i; j++)
		if (!strcmp(spec->labels[j].name, l->name))
			return err_set(err, -EINVAL, "label '%s' given twice", l->name);
	if (l->src == LOG_LABEL_CONN)
		return 0;
	if (l->group < 1 || l->group > LOG_RULE_GROUP_MAX || l->group > nsub)
		return err_set(err, -EINVAL, "label '%s': group %u does not exist (the pattern has %zu)",
			       l->name, l->group, nsub);
	if (!l->nvalues && strcmp(l->name, "conn"))
		return err_set(err, -EINVAL,
			       "label '%s': a captured group needs a 'values' list (only 'conn' may omit it)",
			       l->name);
	if (l->nvalues > LOG_RULE_VALUES_MAX)
		return err_set(err, -EINVAL, "label '%s': more than %d values", l->name,
			       LOG_RULE_VALUES_MAX);
	for (j = 0; j < l->nvalues; j++)
		if (!log_rules_valid_value(l->values[j]))
			return err_set(err, -EINVAL,
				       "label '%s': value %zu is empty, too long or not printable UTF-8",
				       l->name, j + 1);
	return 0;
}

/* glibc's regcomp takes exponential time on stacked quantifiers such as
 * "x++++++++++++++++": refuse them rather than hang at startup. */
static bool log_rules_stacked(const char *p)
{
	bool prev = false;
	size_t i;

	for (i = 0; p[i]; i++) {
		bool q = p[i] == '*' || p[i] == '+' || p[i] == '?' || p[i] == '{';

		if (p[i] == '\\' && p[i + 1]) {
			i++;
			prev = false;
			continue;
		}
		if (p[i] == '[') {
			i = log_rules_lit_bracket(p, i) - 1;
			prev = false;
			continue;
		}
		if (q && prev)
			return true;
		if (p[i] == '{')
			while (p[i + 1] && p[i] != '}')
				i++;
		prev = q;
	}
	return false;
}

static int log_rules_check(const struct log_rules *rs, const struct log_rule_spec *spec,
			   struct ikw_err *err)
{
	size_t i;

	if (!log_rules_valid_name(spec->name))
		return err_set(err, -EINVAL, "invalid rule name '%s' (want [a-zA-Z_][a-zA-Z0-9_]*, at most %d bytes)",
			       spec->name ? spec->name : "", LOG_RULE_NAME_MAX);
	for (i = 0; i < rs->n; i++)
		if (!strcmp(rs->rule[i].name, spec->name))
			return err_set(err, -EINVAL, "rule '%s' defined twice", spec->name);
	if (!spec->pattern || !spec->pattern[0])
		return err_set(err, -EINVAL, "rule '%s': empty pattern", spec->name);
	if (strlen(spec->pattern) > LOG_RULE_PATTERN_MAX)
		return err_set(err, -EINVAL, "rule '%s': pattern longer than %d bytes",
			       spec->name, LOG_RULE_PATTERN_MAX);
	if (log_rules_stacked(spec->pattern))
		return err_set(err, -EINVAL, "rule '%s': stacked quantifiers (like a+* or a{2}{3}) in the pattern",
			       spec->name);
	if (spec->nlabels > EVENT_LABELS_MAX)
		return err_set(err, -EINVAL, "rule '%s': more than %d labels", spec->name,
			       EVENT_LABELS_MAX);
	return 0;
}

/* ---- literal prefilter --------------------------------------------------- */

struct log_rules_lit {
	const char *p;     /* pattern */
	size_t i;
	char *run;         /* current run, inside out */
	size_t run_len;
	char *out;
	size_t best;
};

static void log_rules_lit_break(struct log_rules_lit *l)
{
	if (l->run_len > l->best) {
		memmove(l->out, l->run, l->run_len);
		l->best = l->run_len;
	}
	l->run = l->out + l->best + 1;   /* scratch after the best so far */
	l->run_len = 0;
}

/* A quantifier makes the atom before it optional: drop it (all of it when
 * it is a multi-byte character). */
static void log_rules_lit_pop(struct log_rules_lit *l)
{
	bool wide = l->run_len && (unsigned char)l->run[l->run_len - 1] >= 0x80;

	if (l->run_len)
		l->run_len--;
	while (wide && l->run_len && (unsigned char)l->run[l->run_len - 1] >= 0x80)
		l->run_len--;
}

/* Skips a bracket expression starting at '['; returns the index after ']'. */
static size_t log_rules_lit_bracket(const char *p, size_t i)
{
	i++;
	if (p[i] == '^')
		i++;
	if (p[i] == ']')
		i++;
	while (p[i] && p[i] != ']') {
		if (p[i] == '[' && (p[i + 1] == ':' || p[i + 1] == '.' || p[i + 1] == '=')) {
			char close = p[i + 1];
			const char *e;

			i += 2;
			while (p[i] && !(p[i] == close && p[i + 1] == ']'))
				i++;
			if (!p[i])
				return i;
			e = p + i + 2;
			i = (size_t)(e - p);
			continue;
		}
		i++;
	}
	return p[i] ? i + 1 : i;
}

/* Is "\\c" the literal c?  Not for letters and digits (\\w, \\1) nor for
 * glibc's operators \\` \\' \\< \\>. */
static bool log_rules_lit_escaped(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return false;
	return c && !strchr("`'<>", c);
}

/* Handles one pattern element at l->i; returns false at a top-level '|'. */
static bool log_rules_lit_step(struct log_rules_lit *l, unsigned *depth)
{
	const char *p = l->p;
	char c = p[l->i];

	switch (c) {
	case '\\':
		if (!*depth && log_rules_lit_escaped(p[l->i + 1]))
			l->run[l->run_len++] = p[l->i + 1];
		else
			log_rules_lit_break(l);
		l->i += p[l->i + 1] ? 2 : 1;
		return true;
	case '[':
		log_rules_lit_break(l);
		l->i = log_rules_lit_bracket(p, l->i);
		return true;
	case '*': case '+': case '?': case '{':
		log_rules_lit_pop(l);
		log_rules_lit_break(l);
		if (c == '{')
			while (p[l->i] && p[l->i] != '}')
				l->i++;
		if (p[l->i])
			l->i++;
		return true;
	case '|':
		if (!*depth)
			return false;
		break;
	case '(':
		(*depth)++;
		break;
	case ')':
		if (*depth)
			(*depth)--;
		break;
	default:
		if (*depth || c == '.' || c == '^' || c == '$' || c == ']' || c == '}')
			break;
		l->run[l->run_len++] = c;
		l->i++;
		return true;
	}
	log_rules_lit_break(l);
	l->i++;
	return true;
}

size_t log_rules_literal(const char *pattern, char *out)
{
	struct log_rules_lit l = { pattern, 0, out + 1, 0, out, 0 };
	unsigned depth = 0;

	/* out has strlen(pattern) + 1 bytes: best + scratch never overlap
	 * because best + run <= the pattern's length */
	while (pattern[l.i]) {
		if (!log_rules_lit_step(&l, &depth)) {
			out[0] = '\0';
			return 0;
		}
	}
	log_rules_lit_break(&l);
	out[l.best] = '\0';
	return l.best;
}

/* ---- compile ------------------------------------------------------------- */

static int log_rules_copy_label(struct log_rules_label *d, const struct log_label_spec *s)
{
	size_t j;

	d->name = strdup(s->name);
	d->src = s->src;
	d->group = s->group;
	if (!d->name)
		return -ENOMEM;
	if (s->src != LOG_LABEL_GROUP || !s->nvalues)
		return 0;
	d->values = calloc(s->nvalues, sizeof(*d->values));
	if (!d->values)
		return -ENOMEM;
	for (j = 0; j < s->nvalues; j++) {
		d->values[j] = strdup(s->values[j]);
		if (!d->values[j])
			return -ENOMEM;
		d->nvalues++;
	}
	return 0;
}

static int log_rules_literal_of(struct log_rules_rule *r, const char *pattern)
{
	char *buf = malloc(strlen(pattern) + 1);
	size_t n;

	if (!buf)
		return -ENOMEM;
	n = log_rules_literal(pattern, buf);
	if (n < 2) {   /* memmem of one byte buys nothing over the regex */
		free(buf);
		return 0;
	}
	r->literal = buf;
	r->literal_len = n;
	return 0;
}

int log_rules_add(struct log_rules *rs, const struct log_rule_spec *spec,
		  struct ikw_err *err)
{
	struct log_rules_rule *r;
	size_t i;
	int rc;

	if (rs->n >= LOG_RULES_MAX)
		return err_set(err, -E2BIG, "more than %d rules", LOG_RULES_MAX);
	rc = log_rules_check(rs, spec, err);
	if (rc)
		return rc;
	r = &rs->rule[rs->n];
	memset(r, 0, sizeof(*r));
	rc = regcomp(&r->re, spec->pattern, REG_EXTENDED);
	if (rc) {
		char why[160];

		regerror(rc, &r->re, why, sizeof(why));
		regfree(&r->re);   /* glibc frees what a failed regcomp left */
		return err_set(err, -EINVAL, "rule '%s': invalid pattern: %s", spec->name, why);
	}
	for (i = 0; i < spec->nlabels; i++) {
		rc = log_rules_check_label(spec, i, r->re.re_nsub, err);
		if (rc) {
			regfree(&r->re);
			return err_prefix(err, rc, "rule '%s'", spec->name);
		}
	}
	r->name = strdup(spec->name);
	rc = r->name ? log_rules_literal_of(r, spec->pattern) : -ENOMEM;
	for (i = 0; !rc && i < spec->nlabels; i++) {
		rc = log_rules_copy_label(&r->labels[i], &spec->labels[i]);
		r->nlabels = i + 1;
	}
	if (rc) {
		log_rules_release_one(r);
		return err_set(err, rc, "out of memory");
	}
	rs->n++;
	return 0;
}

/* ---- match --------------------------------------------------------------- */

struct log_rules_state {
	const char *msg;         /* the line, then its NUL-terminated copy */
	size_t len;
	bool copied;
	const char *conn;
	log_conn_known_fn known;
	void *kctx;
	regmatch_t pm[LOG_RULE_GROUP_MAX + 1];
	char conn_buf[EVENT_LABELS_MAX][LOG_CONN_MAX + 1];
	char copy[LOG_CLASSIFY_MAX + 1];
};

/* A captured conn name: kept only when it is a configured connection. */
static const char *log_rules_match_conn_group(struct log_rules_state *m, size_t li,
					const char *s, size_t len)
{
	char *buf = m->conn_buf[li];

	if (!m->known || !len || len > LOG_CONN_MAX || memchr(s, '\0', len))
		return LOG_RULE_OTHER;
	text_sanitize(buf, s, len);
	if (strlen(buf) != len || memcmp(buf, s, len) || !m->known(m->kctx, buf))
		return LOG_RULE_OTHER;
	return buf;
}

static const char *log_rules_match_label(struct log_rules_state *m, const struct log_rules_label *l,
				   size_t li)
{
	const regmatch_t *g;
	const char *s;
	size_t len, j;

	if (l->src == LOG_LABEL_CONN) {
		if (!m->conn || !m->conn[0])
			return "";
		if (m->known && !m->known(m->kctx, m->conn))
			return LOG_RULE_OTHER;
		return m->conn;
	}
	g = &m->pm[l->group];
	s = g->rm_so >= 0 ? m->msg + g->rm_so : "";
	len = g->rm_so >= 0 ? (size_t)(g->rm_eo - g->rm_so) : 0;
	if (!l->nvalues)
		return log_rules_match_conn_group(m, li, s, len);
	for (j = 0; j < l->nvalues; j++)
		if (strlen(l->values[j]) == len && !memcmp(l->values[j], s, len))
			return l->values[j];
	return LOG_RULE_OTHER;
}

/* REG_STARTEND bounds glibc's regexec, but sanitizers' interceptors still
 * strlen() the subject: the regex gets a NUL-terminated copy, made once per
 * line and only when some prefilter passed. */
static bool log_rules_match_one(struct log_rules_state *m, const struct log_rules_rule *r)
{
	if (r->literal && !memmem(m->msg, m->len, r->literal, r->literal_len))
		return false;
	if (!m->copied) {
		memcpy(m->copy, m->msg, m->len);
		m->copy[m->len] = '\0';
		m->msg = m->copy;
		m->copied = true;
	}
	m->pm[0].rm_so = 0;
	m->pm[0].rm_eo = (regoff_t)m->len;
	return !regexec(&r->re, m->msg, LOG_RULE_GROUP_MAX + 1, m->pm, REG_STARTEND);
}

int log_rules_match(const struct log_rules *rs, const char *msg, size_t len,
		    const char *conn, log_conn_known_fn known, void *kctx,
		    log_rules_emit_fn emit, void *ectx)
{
	struct log_rules_state m;
	const char *names[EVENT_LABELS_MAX], *values[EVENT_LABELS_MAX];
	size_t i, j;
	int hits = 0;

	if (!rs || !msg || !rs->n)
		return 0;
	m.msg = msg;
	m.len = len > LOG_CLASSIFY_MAX ? LOG_CLASSIFY_MAX : len;
	m.copied = false;
	m.conn = conn;
	m.known = known;
	m.kctx = kctx;
	for (i = 0; i < rs->n; i++) {
		const struct log_rules_rule *r = &rs->rule[i];

		if (!log_rules_match_one(&m, r))
			continue;
		for (j = 0; j < r->nlabels; j++) {
			names[j] = r->labels[j].name;
			values[j] = log_rules_match_label(&m, &r->labels[j], j);
		}
		hits++;
		if (emit)
			emit(ectx, r->name, names, values, r->nlabels);
	}
	return hits;
}
