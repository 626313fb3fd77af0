/*
 * Field paths (core/path.h): the builder the walkers share, the parser, and
 * what reads a path back: the flat form for the table of meanings and the
 * value a path names in a document.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "json.h"
#include "jsonscan.h"
#include "path.h"
#include "utf8.h"
#include "xmalloc.h"

/* Bytes that make a key bracketed: . [ ] > " \ space and controls. */
static int
needs_quote(unsigned char c)
{
	return c < 0x20 || c == '.' || c == '[' || c == ']' || c == '>' ||
	    c == '"' || c == '\\' || c == ' ';
}

/* ---- building ---- */

void
tt_path_init(struct tt_path *p, char *buf, size_t cap)
{
	p->s = p->first = buf;
	p->cap = cap;
	p->len = 0;
	buf[0] = '\0';
}

void
tt_path_free(struct tt_path *p)
{
	if (p->s != p->first)
		free(p->s);
	p->s = p->first;
	p->len = 0;
	p->s[0] = '\0';
}

/* Room for n more bytes and a NUL. */
static void
reserve(struct tt_path *p, size_t n)
{
	size_t	cap;

	if (p->len + n + 1 > p->cap) {
		for (cap = p->cap; p->len + n + 1 > cap; cap *= 2)
			;
		if (p->s == p->first) {
			p->s = xmalloc(cap);
			memcpy(p->s, p->first, p->len);
		} else
			p->s = xrealloc(p->s, cap);
		p->cap = cap;
	}
}

/* Append n bytes. */
static void
put(struct tt_path *p, const char *s, size_t n)
{
	reserve(p, n);
	memcpy(p->s + p->len, s, n);
	p->len += n;
	p->s[p->len] = '\0';
}

void
tt_path_raw(struct tt_path *p, const char *s, size_t len)
{
	put(p, s, len);
}

void
tt_path_cut(struct tt_path *p, size_t len)
{
	p->len = len;
	p->s[len] = '\0';
}

int
tt_path_key_plain(const char *key, size_t len)
{
	size_t	i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (needs_quote((unsigned char)key[i]))
			return 0;
	return 1;
}

void
tt_path_key_as(struct tt_path *p, const char *key, size_t len, int how,
    int plain)
{
	char	c;

	if (plain) {
		if (how != TT_PATH_ROOT) {
			c = (char)how;
			put(p, &c, 1);
		}
		put(p, key, len);
		return;
	}
	/* ["key"], JSON-escaped; only '>' comes before it. */
	if (how == TT_PATH_EMBED)
		put(p, ">", 1);
	put(p, "[\"", 2);
	reserve(p, 6 * len);
	p->len += tt_json_escape(key, len, p->s + p->len, TT_JSON_U00);
	put(p, "\"]", 2);
}

void
tt_path_key(struct tt_path *p, const char *key, size_t len, int how)
{
	tt_path_key_as(p, key, len, how, tt_path_key_plain(key, len));
}

void
tt_path_index(struct tt_path *p, size_t i, int how)
{
	char	buf[32];
	int	n;

	if (how == TT_PATH_EMBED)
		put(p, ">", 1);
	n = snprintf(buf, sizeof buf, "[%zu]", i);
	put(p, buf, (size_t)n);
}

/* ---- parsing ---- */

/*
 * A JSON string's body from s (after its '"') up to the closing '"';
 * sets *end after that quote.  Returns the unescaped text, or NULL.
 */
static char *
json_body(const char *s, const char **end, size_t *len)
{
	const char	*q;
	char		*out;

	for (q = s; *q != '\0' && *q != '"'; q += *q == '\\' && q[1] ? 2 : 1)
		;
	if (*q != '"')
		return NULL;
	/* Unescaped text is never longer than its escaped form. */
	out = xmalloc((size_t)(q - s) + 1);
	if (tt_json_unescape(s, (size_t)(q - s), out, len, 0) != 0) {
		free(out);
		return NULL;
	}
	*end = q + 1;
	return out;
}

static int
parse_comp(const char **s, int how, struct tt_path_comp *c)
{
	const char	*p = *s, *e;
	size_t		 v;

	memset(c, 0, sizeof *c);
	c->how = how;
	if (*p == '[' && p[1] == '"') {
		if ((c->key = json_body(p + 2, &e, &c->key_len)) == NULL)
			return -1;
		if (*e != ']') {
			free(c->key);
			c->key = NULL;
			return -1;
		}
		*s = e + 1;
		return 0;
	}
	if (*p == '[') {
		for (v = 0, e = p + 1; *e >= '0' && *e <= '9'; e++) {
			if (v > (SIZE_MAX - 9) / 10)
				return -1;
			v = v * 10 + (size_t)(*e - '0');
		}
		if (e == p + 1 || *e != ']' || (e > p + 2 && p[1] == '0'))
			return -1;
		c->is_index = 1;
		c->index = v;
		*s = e + 1;
		return 0;
	}
	for (e = p; *e != '\0' && *e != '.' && *e != '[' && *e != '>'; e++)
		if (needs_quote((unsigned char)*e))
			return -1;
	if (e == p)
		return -1;
	c->key = xmalloc((size_t)(e - p) + 1);
	memcpy(c->key, p, (size_t)(e - p));
	c->key[e - p] = '\0';
	c->key_len = (size_t)(e - p);
	*s = e;
	return 0;
}

int
tt_path_parse(const char *path, struct tt_path_parts *out)
{
	struct tt_path_parts	 r = { NULL, 0 };
	size_t			 cap = 0;
	const char		*s = path;
	int			 how;

	out->v = NULL;
	out->n = 0;
	while (*s != '\0') {
		if (*s == '.' && r.n > 0) {
			how = TT_PATH_MEMBER;
			/* '.' comes only before a plain key */
			if (*++s == '[')
				goto bad;
		} else if (*s == '>') {
			how = TT_PATH_EMBED;
			s++;
		} else if (*s == '[')
			how = r.n == 0 ? TT_PATH_ROOT : TT_PATH_MEMBER;
		else if (r.n == 0)
			how = TT_PATH_ROOT;
		else
			goto bad;
		if (r.n == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			r.v = xrealloc(r.v, cap * sizeof *r.v);
		}
		if (parse_comp(&s, how, &r.v[r.n]) != 0)
			goto bad;
		r.n++;
	}
	*out = r;
	return 0;
bad:
	tt_path_parts_free(&r);
	return -1;
}

void
tt_path_parts_free(struct tt_path_parts *pp)
{
	size_t	i;

	for (i = 0; i < pp->n; i++)
		free(pp->v[i].key);
	free(pp->v);
	pp->v = NULL;
	pp->n = 0;
}

/* ---- reading ---- */

char *
tt_path_flat(const char *path)
{
	struct tt_path_parts	 pp;
	struct tt_path		 p;
	char			 buf[128], *out;
	size_t			 i;
	char			 c;

	if (strstr(path, "[\"") == NULL || tt_path_parse(path, &pp) != 0)
		return xstrdup(path);
	tt_path_init(&p, buf, sizeof buf);
	for (i = 0; i < pp.n; i++) {
		if (pp.v[i].is_index) {
			tt_path_index(&p, pp.v[i].index, pp.v[i].how);
			continue;
		}
		if (pp.v[i].how != TT_PATH_ROOT) {
			c = (char)pp.v[i].how;
			put(&p, &c, 1);
		}
		put(&p, pp.v[i].key, pp.v[i].key_len);
	}
	out = xstrdup(p.s);
	tt_path_free(&p);
	tt_path_parts_free(&pp);
	return out;
}

const struct cJSON *
tt_path_get(const struct cJSON *root, const char *path, struct cJSON **owned)
{
	struct tt_path_parts	 pp;
	const cJSON		*cur = root, *c;
	cJSON			*inner;
	size_t			 i, k;

	if (tt_path_parse(path, &pp) != 0)
		return NULL;
	for (i = 0; i < pp.n && cur != NULL; i++) {
		if (pp.v[i].how == TT_PATH_EMBED) {
			if (!cJSON_IsString(cur) || (inner =
			    cJSON_Parse(cur->valuestring)) == NULL) {
				cur = NULL;
				break;
			}
			if (*owned == NULL)
				*owned = cJSON_CreateArray();
			cJSON_AddItemToArray(*owned, inner);
			cur = inner;
		}
		if (pp.v[i].is_index) {
			if (!cJSON_IsArray(cur)) {
				cur = NULL;
				break;
			}
			for (c = cur->child, k = 0; c != NULL &&
			    k < pp.v[i].index; c = c->next, k++)
				;
			cur = c;
			continue;
		}
		if (!cJSON_IsObject(cur)) {
			cur = NULL;
			break;
		}
		for (c = cur->child; c != NULL; c = c->next)
			if (c->string != NULL &&
			    strlen(c->string) == pp.v[i].key_len &&
			    memcmp(c->string, pp.v[i].key,
			    pp.v[i].key_len) == 0)
				break;
		cur = c;
	}
	tt_path_parts_free(&pp);
	return cur;
}
