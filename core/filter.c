/*
 * Filter expressions: parsing and matching in memory.  store/ turns the same
 * parsed terms into SQL for history.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "decode.h"
#include "filter.h"
#include "path.h"
#include "xmalloc.h"

static const struct {
	const char	*name;
	int		 numeric;
} fields[] = {
#define TT_FIELD_INFO(id, name, numeric) { name, numeric },
	TT_FIELDS(TT_FIELD_INFO)
#undef TT_FIELD_INFO
};

const char *
tt_field_name(enum tt_field f)
{
	if (f == TT_FIELD_PATH)
		return "a payload path";
	return (unsigned)f < TT_FIELD_COUNT ? fields[f].name : "?";
}

int
tt_field_numeric(enum tt_field f)
{
	return (unsigned)f < TT_FIELD_COUNT && fields[f].numeric;
}

static int
field_lookup(const char *name, size_t len, enum tt_field *out)
{
	int	i;

	if (len == 6 && strncmp(name, "client", 6) == 0) {
		*out = TT_FIELD_CLIENT;
		return 0;
	}
	if (len == 9 && strncmp(name, "execution", 9) == 0) {
		*out = TT_FIELD_EXECUTION;
		return 0;
	}
	for (i = 0; i < TT_FIELD_COUNT; i++)
		if (strlen(fields[i].name) == len &&
		    strncmp(fields[i].name, name, len) == 0) {
			*out = (enum tt_field)i;
			return 0;
		}
	return -1;
}

/*
 * Is s well-formed UTF-8?  SQL's instr() only finds text at character
 * boundaries while matching in memory compares bytes, so a value that is
 * not UTF-8 (one starting with a continuation byte) could select
 * differently in history and in the live view.
 */
static int
utf8_valid(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned int		 c, n, i;
	uint32_t		 cp, min;

	while ((c = *p++) != '\0') {
		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else
			return 0;
		for (i = 0; i < n; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (*p & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	}
	return 1;
}

/* Is v (n bytes) one of the values of via? */
static int
via_value(const char *v, size_t n)
{
	return (n == 7 && strncmp(v, "capture", 7) == 0) ||
	    (n == 6 && strncmp(v, "direct", 6) == 0);
}

/* A severity by name (the lowest number of its range), or 0. */
static int64_t
severity_name(const char *v)
{
	static const char *const names[] = {
		"trace", "debug", "info", "warn", "error", "fatal"
	};
	size_t	i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcasecmp(v, names[i]) == 0)
			return (int64_t)i * 4 + 1;
	return 0;
}

/* ---- parsing ---- */

struct lexer {
	const char	*s;		/* the whole filter */
	const char	*p;
	char		**cause;
};

static int
col(const struct lexer *lx, const char *at)
{
	return (int)(at - lx->s) + 1;
}

static int
lex_error(struct lexer *lx, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * *cause = what went wrong "at column N", before its hint in parentheses
 * if it has one: "unexpected '=' at column 8 (quote a value ...)".
 */
static int
lex_error(struct lexer *lx, const char *at, const char *fmt, ...)
{
	va_list	 ap;
	char	 what[300];
	size_t	 n;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	n = strstr(what, " (") != NULL ? (size_t)(strstr(what, " (") - what) :
	    strlen(what);
	*lx->cause = xasprintf("%.*s at column %d%s", (int)n, what,
	    col(lx, at), what + n);
	return -1;
}

/* A field name: letters, digits, '_' and '.' (pii.kind). */
static int
is_name(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

/* The operator at p: its length, or 0. */
static size_t
op_at(const char *p, enum tt_filter_op *op)
{
	if (p[0] == '!' && p[1] == '=')
		*op = TT_F_NE;
	else if (p[0] == '!' && p[1] == '~')
		*op = TT_F_NHAS;
	else if (p[0] == '>' && p[1] == '=')
		*op = TT_F_GE;
	else if (p[0] == '<' && p[1] == '=')
		*op = TT_F_LE;
	else if (p[0] == '=' || p[0] == '~' || p[0] == '>' || p[0] == '<') {
		*op = p[0] == '=' ? TT_F_EQ : p[0] == '~' ? TT_F_HAS :
		    p[0] == '>' ? TT_F_GT : TT_F_LT;
		return 1;
	} else
		return 0;
	return 2;
}

/*
 * One value at lx->p: "quoted" (\" and \\ escape) or bare (up to a space
 * or '|').  Caller frees *out.
 */
static int
lex_value(struct lexer *lx, char **out)
{
	const char	*start = lx->p;
	char		*b = xmalloc(strlen(lx->p) + 1);
	size_t		 n = 0;

	*out = b;
	if (*lx->p != '"') {
		if (*lx->p != '\0' && strchr("=~<>", *lx->p) != NULL)
			return lex_error(lx, lx->p, "unexpected '%c' (quote a "
			    "value that starts with it: \"%c...\")", *lx->p,
			    *lx->p);
		while (*lx->p != '\0' && !isspace((unsigned char)*lx->p) &&
		    *lx->p != '|')
			b[n++] = *lx->p++;
		b[n] = '\0';
		return 0;
	}
	for (lx->p++; *lx->p != '"'; lx->p++) {
		if (*lx->p == '\0')
			return lex_error(lx, start, "the quote is not closed");
		if (*lx->p == '\\' && (lx->p[1] == '"' || lx->p[1] == '\\'))
			lx->p++;
		b[n++] = *lx->p;
	}
	b[n] = '\0';
	lx->p++;
	if (*lx->p != '\0' && !isspace((unsigned char)*lx->p) &&
	    *lx->p != '|')
		return lex_error(lx, lx->p, "unexpected '%c' after a quoted "
		    "value", *lx->p);
	return 0;
}

/* A time ago ("10m") or a date and time (local without a zone) -> µs. */
static int
when_parse(const char *v, int64_t now, int64_t *us)
{
	struct tm	 tm;
	const char	*end;
	char		*e;
	double		 n;
	int64_t		 unit;
	time_t		 t;

	n = strtod(v, &e);
	if (e != v && isdigit((unsigned char)*v) && e[0] != '\0' &&
	    e[1] == '\0' && strchr("smhd", e[0]) != NULL && n >= 0 &&
	    n < 1e6) {
		unit = e[0] == 's' ? 1000000LL : e[0] == 'm' ? 60000000LL :
		    e[0] == 'h' ? 3600000000LL : 86400000000LL;
		*us = now - (int64_t)(n * (double)unit);
		return 0;
	}
	/* with a zone (Z, +hh:mm): RFC 3339 */
	if (strlen(v) > 10 && (strchr(v + 10, 'Z') != NULL ||
	    strchr(v + 10, 'z') != NULL || strchr(v + 10, '+') != NULL ||
	    strchr(v + 10, '-') != NULL))
		return tt_time_parse(v, us) == TT_TIME_OK ? 0 : -1;
	memset(&tm, 0, sizeof tm);
	if ((end = strptime(v, "%Y-%m-%d", &tm)) == NULL)
		return -1;
	if (*end == 'T' || *end == ' ') {
		if ((end = strptime(end + 1, "%H:%M", &tm)) == NULL)
			return -1;
		if (*end == ':' && (end = strptime(end + 1, "%S", &tm)) ==
		    NULL)
			return -1;
	}
	if (*end != '\0')
		return -1;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1)
		return -1;
	*us = (int64_t)t * 1000000;
	return 0;
}

/* Check value v of term t (its field and op set) and set its number. */
static int
value_check(struct lexer *lx, const char *at, struct tt_filter_term *t,
    struct tt_filter_value *v)
{
	const char	*f = tt_field_name(t->field);
	char		*end;

	if (!utf8_valid(v->text))
		return lex_error(lx, at, "the value is not UTF-8 text");
	v->num = 0;
	if (t->field == TT_FIELD_VIA && !via_value(v->text,
	    strlen(v->text)))
		return lex_error(lx, at, "via is capture or direct");
	if (t->field == TT_FIELD_PATH) {
		errno = 0;
		v->d = strtod(v->text, &end);
		v->is_num = v->text[0] != '\0' && *end == '\0' &&
		    errno != ERANGE && isfinite(v->d) &&
		    !isspace((unsigned char)v->text[0]);
		if (!v->is_num && (t->op == TT_F_GT || t->op == TT_F_LT ||
		    t->op == TT_F_GE || t->op == TT_F_LE))
			return lex_error(lx, at, "> and < compare numbers: "
			    "'%s' is not one", v->text);
		return 0;
	}
	if (t->field == TT_FIELD_PII && v->text[0] != '\0' &&
	    strcmp(v->text, "red") != 0 && strcmp(v->text, "yellow") != 0)
		return lex_error(lx, at, "pii is red or yellow (pii= : none)");
	if (!tt_field_numeric(t->field) || (v->text[0] == '\0' &&
	    (t->op == TT_F_EQ || t->op == TT_F_NE)))
		return 0;
	if (t->field == TT_FIELD_SEVERITY &&
	    (v->num = severity_name(v->text)) != 0)
		return 0;
	errno = 0;
	v->num = strtoll(v->text, &end, 10);
	if (v->text[0] == '\0' || *end != '\0' || errno == ERANGE)
		return lex_error(lx, at, "%s needs a number", f);
	return 0;
}

/* since=WHEN and until=WHEN: ts>=WHEN and ts<WHEN. */
static int
bound_term(struct lexer *lx, const char *at, struct tt_filter_term *t,
    int until, int64_t now)
{
	size_t	i;

	if (t->op != TT_F_EQ)
		return lex_error(lx, at, "%s takes = (%s=10m, %s=2026-11-20)",
		    until ? "until" : "since", until ? "until" : "since",
		    until ? "until" : "since");
	if (t->nv != 1)
		return lex_error(lx, at, "%s takes one time",
		    until ? "until" : "since");
	t->field = TT_FIELD_TS;
	t->op = until ? TT_F_LT : TT_F_GE;
	for (i = 0; i < t->nv; i++)
		if (when_parse(t->v[i].text, now, &t->v[i].num) != 0)
			return lex_error(lx, at, "'%s' is neither a time "
			    "ago nor a date (30s, 10m, 2h, 7d; 2026-11-20, "
			    "2026-11-20T10:00)", t->v[i].text);
	return 0;
}

static void
term_free(struct tt_filter_term *t)
{
	size_t	i;

	for (i = 0; i < t->nv; i++)
		free(t->v[i].text);
	free(t->v);
	free(t->text);
	free(t->path);
	memset(t, 0, sizeof *t);
}

/*
 * Is the '>' at p the path's (into the JSON a string holds), not "greater
 * than"?  It is when more of the term follows with an operator of its own
 * (.event.props>ide=vscode; .properties.n>5 compares).
 */
static int
path_embed(const char *p)
{
	if (p[1] == '=' || p[1] == '\0')
		return 0;
	for (p++; *p != '\0' && !isspace((unsigned char)*p); p++)
		if (strchr("=!~<>", *p) != NULL)
			return 1;
	return 0;
}

/*
 * A payload path at lx->p ('.' first) up to its operator: what is in a
 * ["..."] key is the key's, anything else ends at a space or an operator
 * character (a '>' that path_embed() says is the path's goes on).  It
 * must be a path core/path.c reads.
 */
static int
path_field(struct lexer *lx, struct tt_filter_term *t)
{
	const char		*start = lx->p, *p = lx->p + 1;
	struct tt_path_parts	 parts;

	while (*p != '\0' && !isspace((unsigned char)*p) &&
	    (strchr("=!~<>|", *p) == NULL || (*p == '>' && path_embed(p)))) {
		if (p[0] == '[' && p[1] == '"') {
			for (p += 2; *p != '\0' && *p != '"'; p++)
				if (*p == '\\' && p[1] != '\0')
					p++;
			if (*p == '\0')
				return lex_error(lx, start, "the key's quote "
				    "is not closed");
		}
		p++;
	}
	if (p == start + 1)
		return lex_error(lx, start, "'.' starts a payload path: "
		    ".properties.$os=linux");
	t->path = xstrndup(start + 1, (size_t)(p - start - 1));
	if (tt_path_parse(t->path, &parts) != 0)
		return lex_error(lx, start, "'%s' is not a path (a.b, a[0].b, "
		    "a>b, a[\"k.x\"])", t->path);
	tt_path_parts_free(&parts);
	t->field = TT_FIELD_PATH;
	lx->p = p;
	return 0;
}

/* One term at lx->p: [!]field op value[|value...]. */
static int
parse_term(struct lexer *lx, struct tt_filter_term *t, int64_t now)
{
	const char	*start = lx->p, *name, *at;
	size_t		 n, len;
	int		 bound = 0;

	memset(t, 0, sizeof *t);
	if (*lx->p == '!' && is_name(lx->p[1])) {
		t->negate = 1;
		lx->p++;
	}
	name = lx->p;
	if (*lx->p == '.') {
		if (path_field(lx, t) != 0)
			return -1;
		len = (size_t)(lx->p - name);
	} else {
		while (is_name(*lx->p))
			lx->p++;
		len = (size_t)(lx->p - name);
	}
	if (t->field == TT_FIELD_PATH)
		;
	else if (len == 0)
		return lex_error(lx, lx->p, *lx->p == '"' ? "a quoted value "
		    "needs a field first (command=\"werf converge\")" :
		    "unexpected '%c' (a term is field=value)", *lx->p);
	else if (len == 5 && strncmp(name, "since", 5) == 0)
		bound = 1;
	else if (len == 5 && strncmp(name, "until", 5) == 0)
		bound = 2;
	else if (field_lookup(name, len, &t->field) != 0)
		return lex_error(lx, name, "unknown field '%.*s' (fields: "
		    "source, name, command, client, phase, error, "
		    "duration_ms, exit_code, via, host, signal, severity, "
		    "since, until, pii, pii.kind, .PATH in the payload, ...)",
		    (int)len, name);
	if ((n = op_at(lx->p, &t->op)) == 0 && (*lx->p == '\0' ||
	    isspace((unsigned char)*lx->p)))
		return lex_error(lx, lx->p, "'%.*s' needs an operator (= != ~ "
		    "!~ > < >= <=) and a value", (int)len, name);
	if (n == 0)
		return lex_error(lx, lx->p, "unexpected '%c' after '%.*s' "
		    "(operators: = != ~ !~ > < >= <=)", *lx->p, (int)len, name);
	at = lx->p;
	lx->p += n;
	for (;;) {
		if (t->nv == TT_FILTER_VALUES_MAX)
			return lex_error(lx, lx->p, "a term has at most %d "
			    "values", TT_FILTER_VALUES_MAX);
		t->v = xrealloc(t->v, (t->nv + 1) * sizeof *t->v);
		t->v[t->nv].text = NULL;
		at = lx->p;
		if (lex_value(lx, &t->v[t->nv++].text) != 0)
			return -1;
		if (!bound && value_check(lx, at, t, &t->v[t->nv - 1]) != 0)
			return -1;
		if (*lx->p != '|')
			break;
		lx->p++;
	}
	if (bound && bound_term(lx, name, t, bound == 2, now) != 0)
		return -1;
	if (t->field == TT_FIELD_VIA && t->op != TT_F_EQ && t->op != TT_F_NE)
		return lex_error(lx, name, "via takes = or !=: via is capture "
		    "or direct");
	if (t->field == TT_FIELD_PII && t->op != TT_F_EQ && t->op != TT_F_NE)
		return lex_error(lx, name, "pii takes = or != (pii=red, "
		    "pii=yellow, pii=)");
	if (tt_field_numeric(t->field) && (t->op == TT_F_HAS ||
	    t->op == TT_F_NHAS))
		return lex_error(lx, name, "%s is a number; use =, !=, > or <",
		    tt_field_name(t->field));
	if (!tt_field_numeric(t->field) && t->field != TT_FIELD_PATH &&
	    (t->op == TT_F_GT ||
	    t->op == TT_F_LT || t->op == TT_F_GE || t->op == TT_F_LE))
		return lex_error(lx, name, "> and < compare numbers; %s is "
		    "text (use = != ~)", tt_field_name(t->field));
	t->text = xstrndup(start, (size_t)(lx->p - start));
	return 0;
}

int
tt_filter_parse_at(const char *s, int64_t now, struct tt_filter *f,
    char **cause)
{
	struct lexer	lx;

	memset(f, 0, sizeof *f);
	*cause = NULL;
	if (now == 0)
		now = tt_now_us();
	lx.s = lx.p = s != NULL ? s : "";
	lx.cause = cause;
	for (;;) {
		while (isspace((unsigned char)*lx.p))
			lx.p++;
		if (*lx.p == '\0')
			return 0;
		if (f->n == TT_FILTER_TERMS_MAX) {
			lex_error(&lx, lx.p, "a filter has at most %d terms",
			    TT_FILTER_TERMS_MAX);
			break;
		}
		f->terms = xrealloc(f->terms, (f->n + 1) * sizeof *f->terms);
		if (parse_term(&lx, &f->terms[f->n], now) != 0) {
			term_free(&f->terms[f->n]);
			break;
		}
		f->n++;
	}
	tt_filter_free(f);
	return -1;
}

int
tt_filter_quote(const char *v, char *out, size_t len)
{
	size_t	o = 0;

	if (len < 3)
		return -1;
	out[o++] = '"';
	for (; *v != '\0'; v++) {
		if (o + 4 > len)	/* an escape, the quote and the NUL */
			return -1;
		if (*v == '"' || *v == '\\')
			out[o++] = '\\';
		out[o++] = *v;
	}
	out[o++] = '"';
	out[o] = '\0';
	return 0;
}

int
tt_filter_parse(const char *s, struct tt_filter *f, char **cause)
{
	return tt_filter_parse_at(s, 0, f, cause);
}

void
tt_filter_free(struct tt_filter *f)
{
	size_t	i;

	for (i = 0; i < f->n; i++)
		term_free(&f->terms[i]);
	free(f->terms);
	memset(f, 0, sizeof *f);
}

/* ---- matching ---- */

/*
 * The string form of a text field of an event, or NULL.  host is read out
 * of the capture text into *buf (caller frees).
 */
static const char *
event_text(const struct tt_event *ev, enum tt_field f, char **buf)
{
	struct tt_capture	c;

	*buf = NULL;
	switch (f) {
	case TT_FIELD_SOURCE:
		return tt_source_name(ev->source);
	case TT_FIELD_FORMAT:
		return ev->format;
	case TT_FIELD_NAME:
		return ev->name;
	case TT_FIELD_PHASE:
		return tt_phase_name(ev->phase);
	case TT_FIELD_CLIENT:
		return ev->client_id;
	case TT_FIELD_EXECUTION:
		return ev->execution_id;
	case TT_FIELD_COMMAND:
		return ev->command;
	case TT_FIELD_ERROR:
		return ev->error;
	case TT_FIELD_VERSION:
		return ev->version;
	case TT_FIELD_OS:
		return ev->os;
	case TT_FIELD_ARCH:
		return ev->arch;
	case TT_FIELD_VIA:
		return ev->capture != NULL ? "capture" : "direct";
	case TT_FIELD_SIGNAL:
		return tt_signal_of(ev->format);
	case TT_FIELD_HOST:
		if (tt_capture_parse(ev->capture, &c) != 0)
			return NULL;
		*buf = c.host;
		c.host = NULL;
		tt_capture_free(&c);
		return *buf;
	default:
		return NULL;
	}
}

static int64_t
event_num(const struct tt_event *ev, enum tt_field f)
{
	switch (f) {
	case TT_FIELD_ID:
		return ev->id;
	case TT_FIELD_EXIT:
		return ev->exit_code;
	case TT_FIELD_SEVERITY:
		return ev->severity;
	case TT_FIELD_TS:
		return ev->ts;
	default:
		return TT_NONE;
	}
}

/*
 * -1, 0 or 1 as d is below, equal to or above n, exactly: as SQLite
 * compares a REAL column with an INTEGER, so that a filter matches the
 * same events in memory and in the store.
 */
static int
num_cmp(double d, int64_t n)
{
	int64_t	t;
	double	frac;

	if (d < -9223372036854775808.0)
		return -1;
	if (d >= 9223372036854775808.0)
		return 1;
	t = (int64_t)d;		/* toward zero; exact, d is in range */
	if (t != n)
		return t < n ? -1 : 1;
	frac = d - (double)t;
	return frac < 0 ? -1 : frac > 0;
}

static int
num_match(const struct tt_filter_term *t, const struct tt_filter_value *v,
    const struct tt_event *ev)
{
	double	d;
	int64_t	n;
	int	empty, c;

	if (t->field == TT_FIELD_DURATION) {
		/* ms with a fraction: compared exactly */
		d = ev->duration_ms;
		empty = d == TT_NONE || isnan(d);
		c = empty ? 0 : num_cmp(d, v->num);
	} else {
		n = event_num(ev, t->field);
		empty = n == TT_NONE;
		c = n < v->num ? -1 : n > v->num;
	}
	switch (t->op) {
	case TT_F_EQ:
		return v->text[0] == '\0' ? empty : !empty && c == 0;
	case TT_F_NE:
		return v->text[0] == '\0' ? !empty : empty || c != 0;
	case TT_F_GT:
		return !empty && c > 0;
	case TT_F_LT:
		return !empty && c < 0;
	case TT_F_GE:
		return !empty && c >= 0;
	case TT_F_LE:
		return !empty && c <= 0;
	case TT_F_HAS:
	case TT_F_NHAS:
		return 0;
	}
	return 0;
}

static int
text_match(enum tt_filter_op op, const struct tt_filter_value *v,
    const char *s)
{
	int	empty = s == NULL || *s == '\0';

	switch (op) {
	case TT_F_EQ:
		return v->text[0] == '\0' ? empty :
		    !empty && strcmp(s, v->text) == 0;
	case TT_F_NE:
		return v->text[0] == '\0' ? !empty :
		    empty || strcmp(s, v->text) != 0;
	case TT_F_HAS:
		return !empty && strcasestr(s, v->text) != NULL;
	case TT_F_NHAS:
		return empty || strcasestr(s, v->text) == NULL;
	default:
		return 0;
	}
}

int
tt_field_pii(enum tt_field f)
{
	return f == TT_FIELD_PII || f == TT_FIELD_PII_KIND;
}

/*
 * pii and pii.kind hold a set (the findings' grades or kinds): = and ~ hold
 * when one of them does, != and !~ when none does (so != is not = of one);
 * an empty value with = is the empty set, with != any finding.
 */
static int
set_match(const struct tt_filter_term *t, const struct tt_filter_value *v,
    const cJSON *findings)
{
	const cJSON	*f, *x;
	enum tt_filter_op op;
	int		 n = 0, any = 0;

	/* an element that is (or holds) the value */
	op = t->op == TT_F_NE ? TT_F_EQ : t->op == TT_F_NHAS ? TT_F_HAS :
	    t->op;
	cJSON_ArrayForEach(f, findings) {
		x = cJSON_GetObjectItemCaseSensitive(f, t->field ==
		    TT_FIELD_PII ? "grade" : "kind");
		if (!cJSON_IsString(x))
			continue;
		n++;
		if (text_match(op, v, x->valuestring))
			any = 1;
	}
	if (v->text[0] == '\0' && (t->op == TT_F_EQ || t->op == TT_F_NE))
		return t->op == TT_F_EQ ? n == 0 : n > 0;
	return t->op == TT_F_NE || t->op == TT_F_NHAS ? !any : any;
}

/*
 * A payload field's value against v: a number the value also is compares
 * as numbers; the rest as text (a string's, true, false; null and missing
 * are empty; an object or an array its JSON text).
 */
static int
path_match(const struct tt_filter_term *t, const struct tt_filter_value *v,
    const cJSON *node)
{
	char	*text = NULL;
	int	 m, c;

	if (cJSON_IsNumber(node) && v->is_num) {
		c = node->valuedouble < v->d ? -1 : node->valuedouble > v->d;
		switch (t->op) {
		case TT_F_EQ:	return c == 0;
		case TT_F_NE:	return c != 0;
		case TT_F_GT:	return c > 0;
		case TT_F_LT:	return c < 0;
		case TT_F_GE:	return c >= 0;
		case TT_F_LE:	return c <= 0;
		default:	break;
		}
	}
	if (t->op == TT_F_GT || t->op == TT_F_LT || t->op == TT_F_GE ||
	    t->op == TT_F_LE)
		return 0;
	if (cJSON_IsString(node))
		return text_match(t->op, v, node->valuestring);
	if (cJSON_IsTrue(node) || cJSON_IsFalse(node))
		return text_match(t->op, v, cJSON_IsTrue(node) ? "true" :
		    "false");
	if (node != NULL && !cJSON_IsNull(node))
		text = cJSON_PrintUnformatted(node);
	m = text_match(t->op, v, text);
	free(text);
	return m;
}

/* Does alternative v of t hold for ev? */
static int
value_match(const struct tt_filter_term *t, const struct tt_filter_value *v,
    const struct tt_event *ev, const cJSON *findings)
{
	const char	*s;
	char		*buf;
	int		 m;

	if (t->field == TT_FIELD_PATH)
		return path_match(t, v, findings);
	if (tt_field_numeric(t->field))
		return num_match(t, v, ev);
	if (tt_field_pii(t->field))
		return set_match(t, v, findings);
	s = event_text(ev, t->field, &buf);
	m = text_match(t->op, v, s);
	free(buf);
	return m;
}

int
tt_filter_term_match(const struct tt_filter_term *t,
    const struct tt_event *ev)
{
	cJSON		*findings = NULL, *root = NULL, *owned = NULL;
	const cJSON	*node = NULL;
	int		 all = t->op == TT_F_NE || t->op == TT_F_NHAS, m = all;
	size_t		 i;

	if (tt_field_pii(t->field) && ev->pii != NULL)
		findings = cJSON_Parse(ev->pii);
	if (t->field == TT_FIELD_PATH && ev->data != NULL &&
	    (root = cJSON_ParseWithLength(ev->data, ev->data_len)) != NULL)
		node = tt_path_get(root, t->path, &owned);
	for (i = 0; i < t->nv; i++)
		if (value_match(t, &t->v[i], ev, t->field == TT_FIELD_PATH ?
		    node : findings) != all) {
			m = !all;
			break;
		}
	cJSON_Delete(findings);
	cJSON_Delete(owned);
	cJSON_Delete(root);
	return t->negate ? !m : m;
}

int
tt_filter_match(const struct tt_filter *f, const struct tt_event *ev)
{
	size_t	i;

	for (i = 0; i < f->n; i++)
		if (!tt_filter_term_match(&f->terms[i], ev))
			return 0;
	return 1;
}
