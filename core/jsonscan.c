/*
 * Counting JSON tokens in one pass.  Not a validator: cJSON still parses
 * what passes; this only bounds what it would allocate.
 */
#include <string.h>

#include "jsonscan.h"
#include "utf8.h"

size_t
tt_json_tokens(const char *s, size_t len, size_t max)
{
	size_t	i = 0, n = 0;
	char	c;

	while (i < len) {
		c = s[i];
		switch (c) {
		case ' ': case '\t': case '\r': case '\n':
		case ',': case ':': case ']': case '}':
			i++;
			continue;
		case '[': case '{':
			i++;
			break;
		case '"':
			for (i++; i < len && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			i++;
			break;
		default:
			/* a number or a literal: up to the next separator */
			while (i < len && s[i] != ',' && s[i] != ']' &&
			    s[i] != '}' && s[i] != ':' && s[i] != ' ' &&
			    s[i] != '\n' && s[i] != '\r' && s[i] != '\t' &&
			    s[i] != '"' && s[i] != '[' && s[i] != '{')
				i++;
			break;
		}
		if (++n > max)
			return max + 1;
	}
	return n;
}

/* ---- strict validation (RFC 8259) ---- */

/* Containers as deep as cJSON parses (CJSON_NESTING_LIMIT): 1000 arrays
 * and objects, one in the other, the outermost at depth 0. */
#define JV_DEPTH	1000

struct jv {
	const char	*s;
	size_t		 len, i;
};

static void
jv_ws(struct jv *v)
{
	while (v->i < v->len && (v->s[v->i] == ' ' || v->s[v->i] == '\t' ||
	    v->s[v->i] == '\n' || v->s[v->i] == '\r'))
		v->i++;
}

static int
jv_digits(struct jv *v)
{
	size_t	start = v->i;

	while (v->i < v->len && v->s[v->i] >= '0' && v->s[v->i] <= '9')
		v->i++;
	return v->i > start;
}

static int
jv_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

static int
jv_string(struct jv *v)
{
	unsigned char	c;
	int		k;

	v->i++;		/* the opening quote */
	while (v->i < v->len) {
		c = (unsigned char)v->s[v->i++];
		if (c == '"')
			return 1;
		if (c < 0x20)
			return 0;
		if (c != '\\')
			continue;
		if (v->i >= v->len)
			return 0;
		c = (unsigned char)v->s[v->i++];
		if (c == 'u') {
			for (k = 0; k < 4; k++)
				if (v->i >= v->len || !jv_hex(v->s[v->i++]))
					return 0;
		} else if (strchr("\"\\/bfnrt", c) == NULL || c == '\0')
			return 0;
	}
	return 0;
}

static int
jv_number(struct jv *v)
{
	if (v->s[v->i] == '-')
		v->i++;
	if (v->i < v->len && v->s[v->i] == '0')
		v->i++;
	else if (!jv_digits(v))
		return 0;
	if (v->i < v->len && v->s[v->i] == '.') {
		v->i++;
		if (!jv_digits(v))
			return 0;
	}
	if (v->i < v->len && (v->s[v->i] == 'e' || v->s[v->i] == 'E')) {
		v->i++;
		if (v->i < v->len && (v->s[v->i] == '+' || v->s[v->i] == '-'))
			v->i++;
		if (!jv_digits(v))
			return 0;
	}
	return 1;
}

static int
jv_literal(struct jv *v, const char *lit)
{
	size_t	n = strlen(lit);

	if (v->len - v->i < n || memcmp(v->s + v->i, lit, n) != 0)
		return 0;
	v->i += n;
	return 1;
}

static int
jv_value(struct jv *v, int depth)
{
	char	close;

	jv_ws(v);
	if (v->i >= v->len)
		return 0;
	switch (v->s[v->i]) {
	case '"':
		return jv_string(v);
	case 't':
		return jv_literal(v, "true");
	case 'f':
		return jv_literal(v, "false");
	case 'n':
		return jv_literal(v, "null");
	case '{':
	case '[':
		if (depth >= JV_DEPTH)
			return 0;
		close = v->s[v->i] == '{' ? '}' : ']';
		v->i++;
		jv_ws(v);
		if (v->i < v->len && v->s[v->i] == close) {
			v->i++;
			return 1;
		}
		for (;;) {
			if (close == '}') {
				jv_ws(v);
				if (v->i >= v->len || v->s[v->i] != '"' ||
				    !jv_string(v))
					return 0;
				jv_ws(v);
				if (v->i >= v->len || v->s[v->i++] != ':')
					return 0;
			}
			if (!jv_value(v, depth + 1))
				return 0;
			jv_ws(v);
			if (v->i >= v->len)
				return 0;
			if (v->s[v->i] == close) {
				v->i++;
				return 1;
			}
			if (v->s[v->i++] != ',')
				return 0;
		}
	default:
		return jv_number(v);
	}
}

int
tt_json_valid(const char *s, size_t len)
{
	return tt_json_valid_in(s, len, 0);
}

int
tt_json_valid_in(const char *s, size_t len, int depth)
{
	struct jv	v = { s, len, 0 };

	if (depth < 0 || !jv_value(&v, depth))
		return 0;
	jv_ws(&v);
	return v.i == len;
}

int
tt_json_member(const char *s, size_t len, const char *key, size_t *off,
    size_t *vlen)
{
	struct jv	 v = { s, len, 0 };
	size_t		 klen = strlen(key), kstart, kend, vstart;

	jv_ws(&v);
	if (v.i >= len || s[v.i] != '{')
		return -1;
	v.i++;
	for (;;) {
		jv_ws(&v);
		if (v.i >= len || s[v.i] != '"')
			return -1;
		kstart = v.i + 1;
		if (!jv_string(&v))
			return -1;
		kend = v.i - 1;		/* its closing quote */
		jv_ws(&v);
		if (v.i >= len || s[v.i++] != ':')
			return -1;
		jv_ws(&v);
		vstart = v.i;
		if (!jv_value(&v, 1))
			return -1;
		if (kend - kstart == klen && memcmp(s + kstart, key, klen) == 0) {
			*off = vstart;
			*vlen = v.i - vstart;
			return 0;
		}
		jv_ws(&v);
		if (v.i >= len || s[v.i] == '}' || s[v.i++] != ',')
			return -1;
	}
}

/* ---- unescaping ---- */

/* Four hex digits at s; -1 if they are not. */
static long
hex4(const char *s)
{
	long	v = 0;
	int	i, d;

	for (i = 0; i < 4; i++) {
		if ((d = tt_hexval((unsigned char)s[i])) < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* Append code point cp as UTF-8 at o; returns the end. */
static char *
put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80)
		*o++ = (char)cp;
	else if (cp < 0x800) {
		*o++ = (char)(0xc0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

int
tt_json_unescape(const char *s, size_t len, char *out, size_t *outlen,
    int lossy)
{
	const char	*q = s + len;
	char		*o = out;
	long		 hi, lo;

	while (s < q) {
		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		if (q - s < 2)
			return -1;
		switch (s[1]) {
		case '"': case '\\': case '/':
			*o++ = s[1];
			break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (q - s < 6 || (hi = hex4(s + 2)) < 0)
				return -1;
			s += 4;
			if (hi >= 0xd800 && hi < 0xdc00 && q - s >= 8 &&
			    s[2] == '\\' && s[3] == 'u' &&
			    (lo = hex4(s + 4)) >= 0xdc00 && lo < 0xe000) {
				hi = 0x10000 + ((hi - 0xd800) << 10) +
				    (lo - 0xdc00);
				s += 6;
			} else if (hi >= 0xd800 && hi < 0xe000) {
				if (!lossy)
					return -1;
				hi = 0xfffd;	/* 3 bytes for the 6 of \uXXXX */
			}
			o = put_utf8(o, (unsigned long)hi);
			break;
		default:
			return -1;
		}
		s += 2;
	}
	*o = '\0';
	*outlen = (size_t)(o - out);
	return 0;
}
