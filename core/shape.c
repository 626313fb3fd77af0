/*
 * The shape of an event's JSON (core/shape.h): a recursive descent over the
 * text, as strict as core/jsonscan.c's validator, that builds each field's
 * path in one buffer and unescapes a string only when it has escapes.
 */
#include <stdlib.h>
#include <string.h>

#include "jsonscan.h"
#include "path.h"
#include "shape.h"
#include "xmalloc.h"

static const char *const jtype_names[] = {
#define TT_JT_NAME(id, name) name,
	TT_JTYPES(TT_JT_NAME)
#undef TT_JT_NAME
};

struct walk {
	struct tt_path	 path;
	tt_shape_cb	 cb;
	void		*arg;
	int		 embed;		/* levels inside strings */
	int		 stopped;
};

/* One document's text being read. */
struct text {
	const char	*s;
	size_t		 len, i;
};

static int	walk_value(struct walk *, struct text *, int depth, int how);

static void
ws(struct text *t)
{
	while (t->i < t->len && (t->s[t->i] == ' ' || t->s[t->i] == '\t' ||
	    t->s[t->i] == '\n' || t->s[t->i] == '\r'))
		t->i++;
}

/*
 * The string at t->i (its opening quote): its body's bounds in *from,
 * *blen, and whether it has escapes.  0, or -1 when it does not end.
 */
static int
string_span(struct text *t, size_t *from, size_t *blen, int *escaped)
{
	unsigned char	c;

	*escaped = 0;
	*from = ++t->i;
	while (t->i < t->len) {
		c = (unsigned char)t->s[t->i++];
		if (c == '"') {
			*blen = t->i - 1 - *from;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			*escaped = 1;
			t->i++;
		}
	}
	return -1;
}

/*
 * The string's text, unescaped when it must be: *out points into t or to
 * *owned (caller frees).  -1 for a bad string.
 */
static int
string_text(struct text *t, const char **out, size_t *olen, char **owned)
{
	size_t	from, blen;
	int	escaped;

	*owned = NULL;
	if (string_span(t, &from, &blen, &escaped) != 0)
		return -1;
	if (!escaped) {
		*out = t->s + from;
		*olen = blen;
		return 0;
	}
	*owned = xmalloc(blen + 1);
	/* what the validator takes is walked: a lone surrogate is U+FFFD */
	if (tt_json_unescape(t->s + from, blen, *owned, olen, 1) != 0) {
		free(*owned);
		*owned = NULL;
		return -1;
	}
	*out = *owned;
	return 0;
}

static int
report(struct walk *w, int type, const char *val, size_t vlen)
{
	if (w->path.len == 0 || w->stopped)	/* the root is not a field */
		return w->stopped;
	if (w->cb(w->arg, w->path.s, w->path.len, type, val, vlen) != 0)
		w->stopped = 1;
	return w->stopped;
}

/* A scalar other than a string: its bytes up to the next separator. */
static int
walk_scalar(struct walk *w, struct text *t)
{
	size_t	from = t->i;
	int	type;
	char	c;

	while (t->i < t->len && (c = t->s[t->i]) != ',' && c != ']' &&
	    c != '}' && c != ' ' && c != '\t' && c != '\n' && c != '\r')
		t->i++;
	switch (t->s[from]) {
	case 't':
	case 'f':
		type = TT_JT(BOOL);
		break;
	case 'n':
		type = TT_JT(NULL);
		break;
	default:
		type = TT_JT(NUMBER);
		break;
	}
	/* as strict as the validator: only what it would take */
	if (t->i == from || !tt_json_valid(t->s + from, t->i - from))
		return -1;
	report(w, type, t->s + from, t->i - from);
	return 0;
}

/* A string: a field, or the JSON document it holds. */
static int
walk_string(struct walk *w, struct text *t, int depth)
{
	struct text	 in;
	const char	*v;
	size_t		 vlen, at;
	char		*owned;

	if (string_text(t, &v, &vlen, &owned) != 0)
		return -1;
	if (vlen > 1 && (v[0] == '{' || v[0] == '[') &&
	    w->embed < TT_SHAPE_EMBED && tt_json_valid(v, vlen)) {
		if (report(w, TT_JT(JSON), NULL, 0) == 0) {
			in.s = v;
			in.len = vlen;
			in.i = 0;
			at = w->path.len;
			w->embed++;
			ws(&in);
			/* valid: what it holds cannot fail */
			(void)walk_value(w, &in, depth, TT_PATH_EMBED);
			w->embed--;
			tt_path_cut(&w->path, at);
		}
	} else
		report(w, TT_JT(STRING), v, vlen);
	free(owned);
	return 0;
}

/*
 * The members of an object or the elements of an array at t->i (its
 * opening bracket); how is the step into them.
 */
static int
walk_container(struct walk *w, struct text *t, int depth, int how)
{
	const char	*key;
	char		*owned;
	size_t		 at = w->path.len, klen;
	char		 close = t->s[t->i] == '{' ? '}' : ']';
	int		 step = w->path.len == 0 && how != TT_PATH_EMBED ?
			    TT_PATH_ROOT : how;

	/* the document a string holds was reported as that string */
	if (how != TT_PATH_EMBED && report(w, close == '}' ? TT_JT(OBJECT) :
	    TT_JT(ARRAY), NULL, 0) != 0)
		return 0;
	t->i++;
	ws(t);
	if (t->i < t->len && t->s[t->i] == close) {
		t->i++;
		return 0;
	}
	for (;;) {
		ws(t);
		if (close == '}') {
			if (t->i >= t->len || t->s[t->i] != '"' ||
			    string_text(t, &key, &klen, &owned) != 0)
				return -1;
			tt_path_key(&w->path, key, klen, step);
			free(owned);
			ws(t);
			if (t->i >= t->len || t->s[t->i++] != ':')
				return -1;
		} else if (step == TT_PATH_EMBED)
			tt_path_raw(&w->path, ">[]", 3);
		else
			tt_path_raw(&w->path, "[]", 2);
		ws(t);
		if (walk_value(w, t, depth + 1, TT_PATH_MEMBER) != 0)
			return -1;
		tt_path_cut(&w->path, at);
		if (w->stopped)
			return 0;
		ws(t);
		if (t->i >= t->len)
			return -1;
		if (t->s[t->i] == close) {
			t->i++;
			return 0;
		}
		if (t->s[t->i++] != ',')
			return -1;
	}
}

/* Skip a value too deep to follow: only where it ends matters. */
static int
skip_value(struct text *t)
{
	size_t	from, blen;
	int	depth = 0, escaped;

	do {
		ws(t);
		if (t->i >= t->len)
			return -1;
		switch (t->s[t->i]) {
		case '"':
			if (string_span(t, &from, &blen, &escaped) != 0)
				return -1;
			break;
		case '{':
		case '[':
			depth++;
			t->i++;
			break;
		case '}':
		case ']':
			depth--;
			t->i++;
			break;
		default:
			t->i++;
			break;
		}
	} while (depth > 0);
	return 0;
}

static int
walk_value(struct walk *w, struct text *t, int depth, int how)
{
	if (t->i >= t->len)
		return -1;
	switch (t->s[t->i]) {
	case '"':
		return walk_string(w, t, depth);
	case '{':
	case '[':
		if (depth >= TT_SHAPE_DEPTH) {
			if (how != TT_PATH_EMBED)
				report(w, t->s[t->i] == '{' ? TT_JT(OBJECT) :
				    TT_JT(ARRAY), NULL, 0);
			return skip_value(t);
		}
		return walk_container(w, t, depth, how);
	default:
		return walk_scalar(w, t);
	}
}

int
tt_shape_walk(const char *json, size_t len, tt_shape_cb cb, void *arg)
{
	struct walk	 w;
	struct text	 t = { json, len, 0 };
	char		 buf[256];
	int		 rc;

	memset(&w, 0, sizeof w);
	tt_path_init(&w.path, buf, sizeof buf);
	w.cb = cb;
	w.arg = arg;
	ws(&t);
	rc = walk_value(&w, &t, 0, TT_PATH_ROOT);
	if (rc == 0 && !w.stopped) {
		ws(&t);
		if (t.i != t.len)
			rc = -1;
	}
	tt_path_free(&w.path);
	if (rc != 0)
		return -1;
	return w.stopped;
}

const char *
tt_jtype_name(int i)
{
	return i >= 0 && i < TT_JTB_COUNT ? jtype_names[i] : NULL;
}

char *
tt_jtypes_text(int mask, char *buf, size_t cap)
{
	size_t	n = 0, k;
	int	i;

	if (cap == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < TT_JTB_COUNT; i++) {
		if (!(mask & (1 << i)))
			continue;
		k = strlen(jtype_names[i]);
		if (n + (n > 0) + k + 1 > cap)
			break;
		if (n > 0)
			buf[n++] = '|';
		memcpy(buf + n, jtype_names[i], k + 1);
		n += k;
	}
	return buf;
}

int
tt_jtypes_parse(const char *s)
{
	size_t	n;
	int	i, mask = 0;

	while (*s != '\0') {
		n = strcspn(s, "|");
		for (i = 0; i < TT_JTB_COUNT; i++)
			if (strlen(jtype_names[i]) == n &&
			    strncmp(jtype_names[i], s, n) == 0)
				break;
		if (i == TT_JTB_COUNT)
			return -1;
		mask |= 1 << i;
		s += n;
		if (*s == '|')
			s++;
	}
	return mask;
}

size_t
tt_shape_path(char *path, size_t len)
{
	size_t	i, o = 0, j;
	int	quoted = 0;

	for (i = 0; i < len; i++) {
		/* a bracketed key is a JSON string: skip it whole */
		if (quoted) {
			if (path[i] == '\\' && i + 1 < len)
				path[o++] = path[i++];
			else if (path[i] == '"')
				quoted = 0;
			path[o++] = path[i];
			continue;
		}
		if (path[i] == '"')
			quoted = 1;
		if (path[i] == '[' && i + 1 < len && path[i + 1] >= '0' &&
		    path[i + 1] <= '9') {
			for (j = i + 1; j < len && path[j] >= '0' &&
			    path[j] <= '9'; j++)
				;
			if (j < len && path[j] == ']') {
				path[o++] = '[';
				path[o++] = ']';
				i = j;
				continue;
			}
		}
		path[o++] = path[i];
	}
	path[o] = '\0';
	return o;
}
