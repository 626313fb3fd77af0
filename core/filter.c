/*
 * Filter expressions: parsing and matching in memory.  store/ turns the same
 * parsed terms into SQL for history.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filter.h"
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

/* Parse one "field<op>value" term. */
static int
parse_term(const char *s, size_t len, struct tt_filter_term *t, char **cause)
{
	size_t		 i;
	const char	*v;
	char		*end;

	for (i = 0; i < len; i++)
		if (strchr("=!~<>", s[i]) != NULL)
			break;
	if (i == len || i == 0) {
		*cause = xasprintf("filter term '%.*s' needs field=value, "
		    "field!=value, field~text, field>N or field<N", (int)len, s);
		return -1;
	}
	if (field_lookup(s, i, &t->field) != 0) {
		*cause = xasprintf("unknown filter field '%.*s' (fields: "
		    "source, name, command, client, phase, error, "
		    "duration_ms, exit_code, via, host, ...)", (int)i, s);
		return -1;
	}
	v = s + i;
	if (v[0] == '!' && i + 1 < len && v[1] == '=') {
		t->op = TT_F_NE;
		v += 2;
	} else if (v[0] == '!' && i + 1 < len && v[1] == '~') {
		t->op = TT_F_NHAS;
		v += 2;
	} else if (v[0] == '=') {
		t->op = TT_F_EQ;
		v += 1;
	} else if (v[0] == '~') {
		t->op = TT_F_HAS;
		v += 1;
	} else if ((v[0] == '>' || v[0] == '<') && i + 1 < len &&
	    v[1] == '=') {
		t->op = v[0] == '>' ? TT_F_GE : TT_F_LE;
		v += 2;
	} else if (v[0] == '>') {
		t->op = TT_F_GT;
		v += 1;
	} else if (v[0] == '<') {
		t->op = TT_F_LT;
		v += 1;
	} else {
		*cause = xasprintf("bad operator in filter term '%.*s'",
		    (int)len, s);
		return -1;
	}
	if (t->field == TT_FIELD_VIA && ((t->op != TT_F_EQ &&
	    t->op != TT_F_NE) || !via_value(v, (size_t)(s + len - v)))) {
		*cause = xasprintf("'%.*s': via is capture or direct (use "
		    "via=capture or via=direct)", (int)len, s);
		return -1;
	}
	if (tt_field_numeric(t->field) && (t->op == TT_F_HAS ||
	    t->op == TT_F_NHAS)) {
		*cause = xasprintf("'%.*s': %s is a number; use =, !=, > or <",
		    (int)len, s, tt_field_name(t->field));
		return -1;
	}
	if (!tt_field_numeric(t->field) && (t->op == TT_F_GT ||
	    t->op == TT_F_LT || t->op == TT_F_GE || t->op == TT_F_LE)) {
		*cause = xasprintf("'%.*s': > and < compare numbers; %s is "
		    "text (use = != ~)", (int)len, s, tt_field_name(t->field));
		return -1;
	}
	t->value = xstrndup(v, (size_t)(s + len - v));
	t->num = 0;
	if (!utf8_valid(t->value)) {
		*cause = xasprintf("filter term '%.*s': the value is not "
		    "UTF-8 text", (int)len, s);
		free(t->value);
		return -1;
	}
	if (t->op == TT_F_GT || t->op == TT_F_LT || t->op == TT_F_GE ||
	    t->op == TT_F_LE ||
	    (tt_field_numeric(t->field) && t->value[0] != '\0')) {
		errno = 0;
		if (t->field == TT_FIELD_SEVERITY &&
		    (t->num = severity_name(t->value)) != 0)
			return 0;
		t->num = strtoll(t->value, &end, 10);
		if (t->value[0] == '\0' || *end != '\0' || errno == ERANGE) {
			*cause = xasprintf("filter term '%.*s' needs a number",
			    (int)len, s);
			free(t->value);
			return -1;
		}
	}
	return 0;
}

int
tt_filter_parse(const char *s, struct tt_filter *f, char **cause)
{
	const char	*p = s, *start;

	memset(f, 0, sizeof *f);
	*cause = NULL;
	while (s != NULL && *p != '\0') {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && !isspace((unsigned char)*p))
			p++;
		if (f->n == TT_FILTER_TERMS_MAX) {
			*cause = xasprintf("a filter has at most %d terms",
			    TT_FILTER_TERMS_MAX);
			tt_filter_free(f);
			return -1;
		}
		f->terms = xrealloc(f->terms, (f->n + 1) * sizeof *f->terms);
		if (parse_term(start, (size_t)(p - start), &f->terms[f->n],
		    cause) != 0) {
			tt_filter_free(f);
			return -1;
		}
		f->n++;
	}
	return 0;
}

void
tt_filter_free(struct tt_filter *f)
{
	size_t	i;

	for (i = 0; i < f->n; i++)
		free(f->terms[i].value);
	free(f->terms);
	memset(f, 0, sizeof *f);
}

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
term_match(const struct tt_filter_term *t, const struct tt_event *ev)
{
	const char	*s;
	char		*buf;
	double		 d;
	int64_t		 n;
	int		 empty, c, m = 0;

	if (tt_field_numeric(t->field)) {
		if (t->field == TT_FIELD_DURATION) {
			/* ms with a fraction: compared exactly */
			d = ev->duration_ms;
			empty = d == TT_NONE || isnan(d);
			c = empty ? 0 : num_cmp(d, t->num);
		} else {
			n = event_num(ev, t->field);
			empty = n == TT_NONE;
			c = n < t->num ? -1 : n > t->num;
		}
		switch (t->op) {
		case TT_F_EQ:
			return t->value[0] == '\0' ? empty :
			    !empty && c == 0;
		case TT_F_NE:
			return t->value[0] == '\0' ? !empty :
			    empty || c != 0;
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
	s = event_text(ev, t->field, &buf);
	empty = s == NULL || *s == '\0';
	switch (t->op) {
	case TT_F_EQ:
		m = t->value[0] == '\0' ? empty :
		    !empty && strcmp(s, t->value) == 0;
		break;
	case TT_F_NE:
		m = t->value[0] == '\0' ? !empty :
		    empty || strcmp(s, t->value) != 0;
		break;
	case TT_F_HAS:
		m = !empty && strcasestr(s, t->value) != NULL;
		break;
	case TT_F_NHAS:
		m = empty || strcasestr(s, t->value) == NULL;
		break;
	case TT_F_GT:
	case TT_F_LT:
	case TT_F_GE:
	case TT_F_LE:
		m = 0;
		break;
	}
	free(buf);
	return m;
}

int
tt_filter_match(const struct tt_filter *f, const struct tt_event *ev)
{
	size_t	i;

	for (i = 0; i < f->n; i++)
		if (!term_match(&f->terms[i], ev))
			return 0;
	return 1;
}
