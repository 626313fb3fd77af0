/*
 * Byte ranges of a parsed body's objects (span.h).  One walk over the text:
 * the tree says what comes next down to SPAN_DEPTH, below that values are
 * skipped by their brackets.  The walk counts every byte or token that data
 * must not hold as sent; an object is usable when none lies inside it.
 * The table maps tree nodes to ranges (open addressing on the pointer).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../xmalloc.h"
#include "span.h"

struct span_slot {
	const cJSON	*node;		/* NULL: empty */
	size_t		 off;
	size_t		 len;
};

struct walk {
	const unsigned char	*s;
	size_t			 len;
	size_t			 i;
	size_t			 bad;	/* unusable bytes and tokens so far */
	size_t			 base;
	struct spans		*sp;
};

void
span_init(struct spans *sp)
{
	memset(sp, 0, sizeof *sp);
}

void
span_reset(struct spans *sp)
{
	if (sp->n > 0)
		memset(sp->slots, 0, sp->cap * sizeof *sp->slots);
	sp->n = 0;
}

void
span_free(struct spans *sp)
{
	free(sp->slots);
	span_init(sp);
}

/* The first slot to probe for a node. */
static size_t
slot_of(const struct spans *sp, const cJSON *node)
{
	uint64_t	h = (uint64_t)(uintptr_t)node;

	h = (h >> 4) * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 32) & (sp->cap - 1);
}

/* Put a node's range in the table (a node comes once). */
static void
span_put(struct spans *sp, const cJSON *node, size_t off, size_t len)
{
	struct span_slot	*old;
	size_t			 oldcap, i, k;

	if ((sp->n + 1) * 2 > sp->cap) {
		old = sp->slots;
		oldcap = sp->cap;
		sp->cap = oldcap == 0 ? 64 : oldcap * 2;
		sp->slots = xcalloc(sp->cap, sizeof *sp->slots);
		sp->n = 0;
		for (i = 0; i < oldcap; i++)
			if (old[i].node != NULL)
				span_put(sp, old[i].node, old[i].off,
				    old[i].len);
		free(old);
	}
	for (k = slot_of(sp, node); sp->slots[k].node != NULL;
	    k = (k + 1) & (sp->cap - 1))
		;
	sp->slots[k].node = node;
	sp->slots[k].off = off;
	sp->slots[k].len = len;
	sp->n++;
}

int
span_get(const struct spans *sp, const cJSON *node, size_t *off,
    size_t *len)
{
	size_t	k;

	if (sp->n == 0 || node == NULL)
		return 0;
	for (k = slot_of(sp, node); sp->slots[k].node != NULL;
	    k = (k + 1) & (sp->cap - 1))
		if (sp->slots[k].node == node) {
			*off = sp->slots[k].off;
			*len = sp->slots[k].len;
			return 1;
		}
	return 0;
}

/* Whitespace as cJSON skips it (every byte up to ' '); only ' ' is fine. */
static void
walk_space(struct walk *w)
{
	while (w->i < w->len && w->s[w->i] <= ' ') {
		if (w->s[w->i] != ' ')
			w->bad++;
		w->i++;
	}
}

/* A string at the opening quote; raw controls in it count as bad. */
static int
walk_string(struct walk *w)
{
	const unsigned char	*s = w->s;
	size_t			 i = w->i + 1, len = w->len;

	for (; i < len; i++) {
		if (s[i] == '"') {
			w->i = i + 1;
			return 0;
		}
		if (s[i] == '\\')
			i++;
		else if (s[i] < 0x20 || s[i] == 0x7f || (s[i] == 0xc2 &&
		    i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f))
			w->bad++;
	}
	return -1;
}

/* Is s[0..n) a number as strict JSON writes it? */
static int
strict_number(const unsigned char *s, size_t n)
{
	size_t	i = 0;

#define DIGIT(k)	((k) < n && s[k] >= '0' && s[k] <= '9')
	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (DIGIT(i))
		while (DIGIT(i))
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		if (!DIGIT(i + 1))
			return 0;
		for (i++; DIGIT(i); i++)
			;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (!DIGIT(i))
			return 0;
		while (DIGIT(i))
			i++;
	}
#undef DIGIT
	return i == n;
}

/* A number or a literal: up to the next delimiter. */
static int
walk_scalar(struct walk *w)
{
	const unsigned char	*s = w->s;
	size_t			 a = w->i, i = a;
	int			 c;

	for (; i < w->len; i++) {
		c = s[i];
		if (c <= ' ' || c == ',' || c == ']' || c == '}' ||
		    c == ':' || c == '"' || c == '[' || c == '{')
			break;
	}
	if (i == a)
		return -1;
	if ((s[a] == '-' || (s[a] >= '0' && s[a] <= '9')) &&
	    !strict_number(s + a, i - a))
		w->bad++;
	w->i = i;
	return 0;
}

/* Any value, by its brackets (no tree below here). */
static int
walk_skip(struct walk *w)
{
	int	depth = 0, c;

	do {
		walk_space(w);
		if (w->i >= w->len)
			return -1;
		c = w->s[w->i];
		if (c == '{' || c == '[') {
			depth++;
			w->i++;
		} else if (c == '}' || c == ']') {
			if (--depth < 0)
				return -1;
			w->i++;
		} else if (c == ',' || c == ':') {
			if (depth == 0)
				return -1;
			w->i++;
		} else if (c == '"') {
			if (walk_string(w) != 0)
				return -1;
		} else if (walk_scalar(w) != 0)
			return -1;
	} while (depth > 0);
	return 0;
}

/* Does the byte that starts a value fit the node's type? */
static int
starts_as(const cJSON *v, int c)
{
	if (cJSON_IsString(v))
		return c == '"';
	if (cJSON_IsNumber(v))
		return c == '-' || (c >= '0' && c <= '9');
	if (cJSON_IsTrue(v))
		return c == 't';
	if (cJSON_IsFalse(v))
		return c == 'f';
	if (cJSON_IsNull(v))
		return c == 'n';
	if (cJSON_IsObject(v))
		return c == '{';
	if (cJSON_IsArray(v))
		return c == '[';
	return 0;
}

/* One value, beside its node; objects down to SPAN_DEPTH are recorded. */
static int
walk_value(struct walk *w, const cJSON *v, int depth)
{
	const cJSON	*c;
	size_t		 start, bad;
	int		 obj;

	walk_space(w);
	if (w->i >= w->len || !starts_as(v, w->s[w->i]))
		return -1;
	obj = cJSON_IsObject(v);
	if (depth > SPAN_DEPTH || !(obj || cJSON_IsArray(v)))
		return walk_skip(w);
	start = w->i++;
	bad = w->bad;
	for (c = v->child; c != NULL; c = c->next) {
		walk_space(w);
		if (c != v->child) {
			if (w->i >= w->len || w->s[w->i] != ',')
				return -1;
			w->i++;
			walk_space(w);
		}
		if (obj) {
			if (w->i >= w->len || w->s[w->i] != '"' ||
			    walk_string(w) != 0)
				return -1;
			walk_space(w);
			if (w->i >= w->len || w->s[w->i] != ':')
				return -1;
			w->i++;
		}
		if (walk_value(w, c, depth + 1) != 0)
			return -1;
	}
	walk_space(w);
	if (w->i >= w->len || w->s[w->i] != (obj ? '}' : ']'))
		return -1;
	w->i++;
	if (obj && w->bad == bad)
		span_put(w->sp, v, w->base + start, w->i - start);
	return 0;
}

int
span_build(struct spans *sp, const cJSON *root, const char *text,
    size_t len, size_t base)
{
	struct walk	w;

	w.s = (const unsigned char *)text;
	w.len = len;
	w.i = 0;
	w.bad = 0;
	w.base = base;
	w.sp = sp;
	if (walk_value(&w, root, 0) != 0) {
		span_reset(sp);
		return -1;
	}
	return 0;
}
