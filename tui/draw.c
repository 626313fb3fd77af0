/*
 * Drawing helpers.  The JSON pretty-printer is a small recursive descent
 * over the text (depth-limited); where the text stops being JSON, the rest
 * is shown as it is, so a bad payload is still visible byte for byte.
 */
#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "core/path.h"
#include "core/xmalloc.h"
#include "draw.h"

#define JSON_DEPTH	64

static int	utf8;

void
draw_init(void)
{
	const char	*cs = nl_langinfo(CODESET);

	utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
}

const char *
draw_glyph(const char *utf8s, const char *ascii)
{
	return utf8 ? utf8s : ascii;
}

int
draw_width(const char *s)
{
	return draw_width_n(s, strlen(s));
}

/* Bytes of s that fit in width columns (no split UTF-8 sequence). */
static size_t
fit(const char *s, size_t len, int width)
{
	size_t	i;
	int	w = 0;

	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (w == width)
				break;
			w++;
		}
	}
	return i;
}

void
draw_box(int y, int x, int h, int w, enum tui_role role)
{
	int	r, c;

	if (h < 2 || w < 2 || y < 0 || x < 0 || y + h > LINES || x + w > COLS)
		return;
	attrset(tui_attr(role));
	for (r = 0; r < h; r++) {
		move(y + r, x);
		for (c = 0; c < w; c++) {
			if (r == 0 || r == h - 1)
				addch(c == 0 ? (r == 0 ? ACS_ULCORNER :
				    ACS_LLCORNER) : c == w - 1 ? (r == 0 ?
				    ACS_URCORNER : ACS_LRCORNER) : ACS_HLINE);
			else
				addch(c == 0 || c == w - 1 ? ACS_VLINE : ' ');
		}
	}
	attrset(A_NORMAL);
}

/* Columns of s[0..len) without its trailing spaces. */
static int
text_width(const char *s, size_t len)
{
	while (len > 0 && s[len - 1] == ' ')
		len--;
	return draw_width_n(s, len);
}

int
draw_width_n(const char *s, size_t len)
{
	size_t	i;
	int	w = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

void
draw_overlay(int y, int x, int h, int w, enum tui_role role)
{
	int	r;

	for (r = y; r < y + h && r < LINES; r++)
		draw_text(r, 0, COLS, TUI_ROLE_DEFAULT, "");
	draw_box(y, x, h, w, role);
}

void
draw_text(int y, int x, int width, enum tui_role role, const char *s)
{
	size_t	n, len;
	int	w, cut;

	if (x >= COLS || y >= LINES)
		return;
	if (x + width > COLS)
		width = COLS - x;
	if (width <= 0)
		return;
	if (s == NULL)
		s = "";
	len = strlen(s);
	attrset(tui_attr(role));
	/* what does not fit ends in an ellipsis (trailing blanks do not
	 * count): never cut without a mark */
	cut = text_width(s, len) > width;
	n = fit(s, len, cut ? width - 1 : width);
	mvaddnstr(y, x, s, (int)n);
	w = draw_width_n(s, n);
	if (cut) {
		addstr(draw_glyph(DRAW_ELLIPSIS, "~"));
		w++;
	}
	for (; w < width; w++)
		addch(' ');
	attrset(A_NORMAL);
}

void
draw_cell(int y, int *x, int w, enum tui_role role, const char *text)
{
	if (w <= 0)
		return;
	draw_text(y, *x, w, role, text);
	draw_text(y, *x + w, 1, role, "");
	*x += w + 1;
}

void
draw_rcell(int y, int *x, int w, enum tui_role role, const char *text)
{
	char	buf[256];
	int	pad;

	if (w <= 0)
		return;
	pad = w - draw_width(text != NULL ? text : "");
	snprintf(buf, sizeof buf, "%*s%s", pad > 0 ? pad : 0, "",
	    text != NULL ? text : "");
	draw_cell(y, x, w, role, buf);
}

void
draw_stacked(int y, int x, int width, const int64_t *v,
    const enum tui_role *roles, int n, double max)
{
	double	acc = 0;
	int	i, from = 0, to, c;

	if (x + width > COLS)
		width = COLS - x;
	if (width <= 0)
		return;
	move(y, x);
	for (i = 0; i < n; i++) {
		acc += (double)v[i];
		to = max > 0 ? (int)(acc / max * width + 0.5) : 0;
		if (to > width)
			to = width;
		if (v[i] > 0 && to == from && from < width)
			to = from + 1;	/* a source that sent is seen */
		attrset(tui_attr(roles[i]));
		for (c = from; c < to; c++)
			addstr(utf8 ? "\u2588" : "#");
		if (to > from)
			from = to;
	}
	attrset(A_NORMAL);
	for (c = from; c < width; c++)
		addch(' ');
}

void
draw_fmt(int y, int x, int width, enum tui_role role, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	draw_text(y, x, width, role, buf);
}

void
draw_bar(int y, int x, int width, double value, double max,
    enum tui_role role)
{
	static const char *eighths[] = { "", "\u258f", "\u258e", "\u258d",
	    "\u258c", "\u258b", "\u258a", "\u2589" };
	double	cells;
	int	full, i, part;

	if (x + width > COLS)
		width = COLS - x;
	if (width <= 0)
		return;
	cells = max > 0 ? value / max * width : 0;
	if (cells > width)
		cells = width;
	full = (int)cells;
	part = (int)((cells - full) * 8);
	move(y, x);
	attrset(tui_attr(role));
	for (i = 0; i < full; i++)
		addstr(utf8 ? "\u2588" : "#");
	if (full < width && part > 0 && utf8) {
		addstr(eighths[part]);
		full++;
	}
	attrset(A_NORMAL);
	for (i = full; i < width; i++)
		addch(' ');
}

void
draw_spark(int y, int x, int width, const int64_t *v, int n,
    enum tui_role role)
{
	draw_spark_roles(y, x, width, v, n, NULL, role);
}

void
draw_spark_roles(int y, int x, int width, const int64_t *v, int n,
    const enum tui_role *roles, enum tui_role role)
{
	static const char *ticks[] = { "\u2581", "\u2582", "\u2583", "\u2584",
	    "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char ascii[] = "_.-=+*#@";
	int64_t	max = 0;
	int	i, first, k;

	if (x + width > COLS)
		width = COLS - x;
	if (width <= 0)
		return;
	first = n > width ? n - width : 0;
	for (i = first; i < n; i++)
		if (v[i] > max)
			max = v[i];
	move(y, x);
	for (i = first; i < n; i++) {
		attrset(tui_attr(roles != NULL ? roles[i] : role));
		k = max > 0 ? (int)((double)v[i] / (double)max * 7 + 0.5) : 0;
		if (k > 7)
			k = 7;
		if (k < 0)
			k = 0;
		if (roles != NULL && v[i] == 0)
			addch(' ');	/* nothing that second */
		else if (utf8)
			addstr(ticks[k]);
		else
			addch((chtype)(unsigned char)ascii[k]);
	}
	attrset(A_NORMAL);
	for (i = n - first; i < width; i++)
		addch(' ');
}

/* ---- JSON into lines ---- */

/* The line being written is an index: new lines move the array. */
struct pp {
	struct jlines	*out;
	const char	*p, *end;
	size_t		 cur;
	int		 bad;
};
#define CUR(pp)	(&(pp)->out->v[(pp)->cur])

static struct jline *
new_line(struct jlines *jl, int indent)
{
	struct jline	*l;

	if (jl->n == jl->cap) {
		jl->cap = jl->cap == 0 ? 64 : jl->cap * 2;
		jl->v = xrealloc(jl->v, jl->cap * sizeof *jl->v);
	}
	l = &jl->v[jl->n++];
	memset(l, 0, sizeof *l);
	while (indent-- > 0) {
		l->text = xrealloc(l->text, l->len + 1);
		l->roles = xrealloc(l->roles, l->len + 1);
		l->text[l->len] = ' ';
		l->roles[l->len++] = TUI_ROLE_JSON_PUNCT;
	}
	return l;
}

static void
put(struct jline *l, enum tui_role role, const char *s, size_t n)
{
	l->text = xrealloc(l->text, l->len + n + 1);
	l->roles = xrealloc(l->roles, l->len + n + 1);
	memcpy(l->text + l->len, s, n);
	memset(l->roles + l->len, role, n);
	l->len += n;
	l->text[l->len] = '\0';
}

static void
skip_ws(struct pp *pp)
{
	while (pp->p < pp->end && (*pp->p == ' ' || *pp->p == '\t' ||
	    *pp->p == '\n' || *pp->p == '\r'))
		pp->p++;
}

/* The extent of a JSON string at p (p at the quote); end if unfinished. */
static const char *
string_end(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* The string's content with the common escapes undone; caller frees. */
static char *
unescape(const char *s, const char *e)
{
	char	*out = xmalloc((size_t)(e - s) + 1), *o = out;

	for (; s < e; s++) {
		if (*s != '\\' || s + 1 >= e) {
			*o++ = *s;
			continue;
		}
		switch (*++s) {
		case 'n':
			*o++ = '\n';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u':
			*o++ = '?';
			s += s + 4 < e ? 4 : 0;
			break;
		default:
			*o++ = *s;
			break;
		}
	}
	*o = '\0';
	return out;
}

static void	pp_value(struct pp *, int indent, const char *path, int depth);

/* A string value; JSON inside it is expanded on the lines below. */
static void
pp_string(struct pp *pp, int indent, const char *path, int depth)
{
	const char	*e = string_end(pp->p, pp->end);
	char		*inner, *ipath;
	struct pp	 sub;
	const char	*q;

	if (e == NULL) {
		pp->bad = 1;
		return;
	}
	put(CUR(pp), TUI_ROLE_JSON_STRING, pp->p, (size_t)(e - pp->p));
	inner = unescape(pp->p + 1, e - 1);
	pp->p = e;
	for (q = inner; *q == ' ' || *q == '\n'; q++)
		;
	if ((*q == '{' || *q == '[') && depth < JSON_DEPTH) {
		/* expanded below; a bad inner text just is not expanded */
		memset(&sub, 0, sizeof sub);
		sub.out = pp->out;
		sub.p = inner;
		sub.end = inner + strlen(inner);
		new_line(pp->out, indent + 2);
		sub.cur = pp->out->n - 1;
		put(CUR(&sub), TUI_ROLE_DIM, "\u21b3 ", strlen("\u21b3 "));
		ipath = xasprintf("%s>", path != NULL ? path : "");
		CUR(&sub)->path = xstrdup(ipath);
		pp_value(&sub, indent + 2, ipath, depth + 1);
		free(ipath);
	}
	free(inner);
}

/*
 * Join a key onto a path (core/path.h): "a" + "b" -> "a.b"; a path ending
 * in '>' (the JSON text of a string) takes it after the '>'.
 */
static char *
join(const char *path, const char *key)
{
	struct tt_path	 p;
	char		 buf[256], *out;
	size_t		 n = path != NULL ? strlen(path) : 0;
	int		 how = TT_PATH_ROOT;

	tt_path_init(&p, buf, sizeof buf);
	if (n > 0) {
		how = path[n - 1] == '>' ? TT_PATH_EMBED : TT_PATH_MEMBER;
		tt_path_raw(&p, path, how == TT_PATH_EMBED ? n - 1 : n);
	}
	tt_path_key(&p, key, strlen(key), how);
	out = xstrdup(p.s);
	tt_path_free(&p);
	return out;
}

static void
pp_container(struct pp *pp, int indent, const char *path, int depth)
{
	char		 open = *pp->p, close = open == '{' ? '}' : ']';
	const char	*e;
	char		*key, *kpath;
	int		 i = 0;

	put(CUR(pp), TUI_ROLE_JSON_PUNCT, pp->p, 1);
	pp->p++;
	skip_ws(pp);
	if (pp->p < pp->end && *pp->p == close) {
		put(CUR(pp), TUI_ROLE_JSON_PUNCT, pp->p, 1);
		pp->p++;
		return;
	}
	for (;;) {
		new_line(pp->out, indent + 2);
		pp->cur = pp->out->n - 1;
		skip_ws(pp);
		if (open == '{') {
			if (pp->p >= pp->end || *pp->p != '"' ||
			    (e = string_end(pp->p, pp->end)) == NULL) {
				pp->bad = 1;
				return;
			}
			key = unescape(pp->p + 1, e - 1);
			kpath = join(path, key);
			free(key);
			put(CUR(pp), TUI_ROLE_JSON_KEY, pp->p,
			    (size_t)(e - pp->p));
			pp->p = e;
			skip_ws(pp);
			if (pp->p >= pp->end || *pp->p != ':') {
				free(kpath);
				pp->bad = 1;
				return;
			}
			pp->p++;
			put(CUR(pp), TUI_ROLE_JSON_PUNCT, ": ", 2);
		} else
			kpath = xasprintf("%s[%d]", path != NULL ? path : "",
			    i);
		if (CUR(pp)->path == NULL)
			CUR(pp)->path = xstrdup(kpath);
		pp_value(pp, indent + 2, kpath, depth + 1);
		free(kpath);
		i++;
		if (pp->bad)
			return;
		skip_ws(pp);
		if (pp->p < pp->end && *pp->p == ',') {
			put(CUR(pp), TUI_ROLE_JSON_PUNCT, ",", 1);
			pp->p++;
			continue;
		}
		if (pp->p < pp->end && *pp->p == close) {
			new_line(pp->out, indent);
			pp->cur = pp->out->n - 1;
			put(CUR(pp), TUI_ROLE_JSON_PUNCT, pp->p, 1);
			pp->p++;
			return;
		}
		pp->bad = 1;
		return;
	}
}

static void
pp_value(struct pp *pp, int indent, const char *path, int depth)
{
	const char	*s;

	skip_ws(pp);
	if (pp->p >= pp->end || depth > JSON_DEPTH) {
		pp->bad = 1;
		return;
	}
	switch (*pp->p) {
	case '{':
	case '[':
		pp_container(pp, indent, path, depth);
		return;
	case '"':
		pp_string(pp, indent, path, depth);
		return;
	default:
		break;
	}
	for (s = pp->p; s < pp->end && strchr(",]} \t\r\n", *s) == NULL; s++)
		;
	if (s == pp->p) {
		pp->bad = 1;
		return;
	}
	put(CUR(pp), (*pp->p == '-' || (*pp->p >= '0' && *pp->p <= '9')) ?
	    TUI_ROLE_JSON_NUMBER : TUI_ROLE_JSON_LITERAL, pp->p,
	    (size_t)(s - pp->p));
	pp->p = s;
}

void
jlines_add_text(struct jlines *jl, enum tui_role role, const char *text)
{
	const char	*nl;
	struct jline	*l;

	do {
		nl = strchr(text, '\n');
		l = new_line(jl, 0);
		put(l, role, text, nl != NULL ? (size_t)(nl - text) :
		    strlen(text));
		text = nl != NULL ? nl + 1 : NULL;
	} while (text != NULL && *text != '\0');
}

void
jlines_build(struct jlines *jl, const char *json, size_t len)
{
	struct pp	 pp;
	size_t		 first = jl->n;
	char		*rest;

	memset(&pp, 0, sizeof pp);
	pp.out = jl;
	pp.p = json;
	pp.end = json + len;
	new_line(jl, 0);
	pp.cur = jl->n - 1;
	pp_value(&pp, 0, NULL, 0);
	skip_ws(&pp);
	if (!pp.bad && pp.p == pp.end)
		return;
	/* Not JSON (or not all of it): show the bytes as they are. */
	while (jl->n > first) {
		jl->n--;
		free(jl->v[jl->n].text);
		free(jl->v[jl->n].roles);
		free(jl->v[jl->n].path);
	}
	jlines_add_text(jl, TUI_ROLE_WARN, "(not valid JSON: shown as "
	    "received)");
	rest = xmalloc(len + 1);
	memcpy(rest, json, len);
	rest[len] = '\0';
	jlines_add_text(jl, TUI_ROLE_DEFAULT, rest);
	free(rest);
}

void
jlines_free(struct jlines *jl)
{
	size_t	i;

	for (i = 0; i < jl->n; i++) {
		free(jl->v[i].text);
		free(jl->v[i].roles);
		free(jl->v[i].path);
	}
	free(jl->v);
	memset(jl, 0, sizeof *jl);
}

void
draw_jline(int y, int x, int width, const struct jline *l)
{
	draw_jline_from(y, x, width, l, 0, 0);
}

int
jline_width(const struct jline *l)
{
	return draw_width_n(l->text, l->len);
}

void
draw_jline_from(int y, int x, int width, const struct jline *l, size_t skip,
    int marks)
{
	size_t	i = 0, j, n;
	int	used = 0, w, cut;

	if (x + width > COLS)
		width = COLS - x;
	if (width <= 0)
		return;
	/* past the columns skipped (whole characters) */
	for (w = 0; i < l->len && (size_t)w < skip; i++)
		if (((unsigned char)l->text[i] & 0xc0) != 0x80) {
			if ((size_t)w == skip)
				break;
			w++;
		}
	while (i < l->len && ((unsigned char)l->text[i] & 0xc0) == 0x80)
		i++;
	if (width < 3)
		marks = 0;	/* no room for a mark and text */
	cut = marks && (size_t)jline_width(l) > skip + (size_t)width;
	move(y, x);
	if (marks && skip > 0 && i < l->len) {
		attrset(tui_attr(TUI_ROLE_DIM));
		addstr(draw_glyph(DRAW_ELLIPSIS, "<"));
		used++;
		while (++i < l->len &&
		    ((unsigned char)l->text[i] & 0xc0) == 0x80)
			;
	}
	while (i < l->len && used < width - cut) {
		for (j = i; j < l->len && l->roles[j] == l->roles[i]; j++)
			;
		n = fit(l->text + i, j - i, width - cut - used);
		attrset(tui_attr((enum tui_role)l->roles[i]));
		addnstr(l->text + i, (int)n);
		for (w = 0; w < (int)n; w++)
			if (((unsigned char)l->text[i + w] & 0xc0) != 0x80)
				used++;
		if (n < j - i)
			break;
		i = j;
	}
	if (cut) {
		attrset(tui_attr(TUI_ROLE_DIM));
		addstr(draw_glyph(DRAW_ELLIPSIS, ">"));
		used++;
	}
	attrset(A_NORMAL);
	for (; used < width; used++)
		addch(' ');
}
