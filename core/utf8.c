/*
 * UTF-8 validation and repair, and the JSON escapes that would cut or break
 * a string.  Written here rather than taken from a library: cJSON passes any
 * byte through, and no Debian library offers WHATWG-style replacement with
 * NUL mapping in a form core/ may use (libc + cJSON + protobuf-c).
 */
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xmalloc.h"

static const char	replacement[] = "\xef\xbf\xbd";	/* U+FFFD */

/*
 * The sequence at s[0..n): its length (1..4) when it is valid UTF-8 other
 * than NUL, else 0 with *bad set to the length of the maximal invalid
 * subpart (1..3) that one U+FFFD replaces.
 */
static size_t
seq_len(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned char	c = s[0], lo = 0x80, hi = 0xbf;
	size_t		need, i;

	if (c >= 0x01 && c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 1;
	else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* past U+10FFFF */
	} else {
		*bad = 1;		/* NUL, continuation, C0, C1, F5.. */
		return 0;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return need + 1;
}

/* Valid UTF-8 without NUL?  ASCII goes a byte at a time, quickly. */
int
tt_utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, k, bad;

	while (i < len) {
		if (p[i] >= 0x01 && p[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = seq_len(p + i, len - i, &bad)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

/* Write the repaired form of s into out (if not NULL); return its length. */
static size_t
clean_into(const unsigned char *p, size_t len, char *out)
{
	size_t	i = 0, o = 0, k, bad;

	while (i < len) {
		if ((k = seq_len(p + i, len - i, &bad)) != 0) {
			if (out != NULL)
				memcpy(out + o, p + i, k);
			o += k;
			i += k;
			continue;
		}
		if (out != NULL)
			memcpy(out + o, replacement, 3);
		o += 3;
		i += bad;
	}
	return o;
}

/* A repaired copy: measured first, then written. */
char *
tt_utf8_clean(const char *s, size_t len, size_t *outlen)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n;
	char			*out;

	n = clean_into(p, len, NULL);
	out = xmalloc(n + 1);
	(void)clean_into(p, len, out);
	out[n] = '\0';
	if (outlen != NULL)
		*outlen = n;
	return out;
}

/* A repaired copy of a C string; valid ones are copied as they are. */
char *
tt_utf8_dup(const char *s)
{
	size_t	len;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	if (tt_utf8_valid(s, len))
		return xstrdup(s);
	return tt_utf8_clean(s, len, NULL);
}

size_t
tt_utf8_width(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Is the valid sequence p[0..k) a control character to escape in JSON? */
static int
json_ctl(const unsigned char *p, size_t k)
{
	return (k == 1 && p[0] == 0x7f) ||
	    (k == 2 && p[0] == 0xc2 && p[1] <= 0x9f);
}

/*
 * Write the repaired JSON text into out (if not NULL); return its length.
 * *changed says whether it differs from the input.
 */
static size_t
json_into(const unsigned char *p, size_t len, char *out, int *changed)
{
	static const char	hexd[] = "0123456789abcdef";
	size_t			i = 0, o = 0, k, bad;
	unsigned		cp;

	*changed = 0;
	while (i < len) {
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			if (out != NULL)
				out[o] = (char)p[i];
			o++;
			i++;
		} else if ((k = seq_len(p + i, len - i, &bad)) == 0) {
			if (out != NULL)
				memcpy(out + o, replacement, 3);
			o += 3;
			i += bad;
			*changed = 1;
		} else if (json_ctl(p + i, k)) {
			cp = k == 1 ? p[i] : p[i + 1];
			if (out != NULL) {
				memcpy(out + o, "\\u00", 4);
				out[o + 4] = hexd[cp >> 4];
				out[o + 5] = hexd[cp & 15];
			}
			o += 6;
			i += k;
			*changed = 1;
		} else {
			if (out != NULL)
				memcpy(out + o, p + i, k);
			o += k;
			i += k;
		}
	}
	return o;
}

/* JSON text repaired and its controls escaped, in a new string if need be. */
char *
tt_utf8_json(char *s, size_t *len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n;
	char			*out;
	int			 changed;

	n = json_into(p, *len, NULL, &changed);
	if (!changed)
		return s;
	out = xmalloc(n + 1);
	(void)json_into(p, *len, out, &changed);
	out[n] = '\0';
	free(s);
	*len = n;
	return out;
}

int
tt_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The code unit of a "\uXXXX" at s[i..], or -1 if there is none. */
static long
escape_at(const char *s, size_t len, size_t i)
{
	long	v = 0;
	int	k, h;

	if (i + 6 > len || s[i] != '\\' || s[i + 1] != 'u')
		return -1;
	for (k = 2; k < 6; k++) {
		if ((h = tt_hexval((unsigned char)s[i + k])) < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/*
 * Walk the escapes of s; rewrite the bad ones when fix is set.  Returns
 * how many there are.  Every backslash starts a two-character escape (or a
 * six-character \uXXXX), so "\\u0000" is never taken for \u0000.
 */
static size_t
escapes(char *s, const char *r, size_t len, int fix)
{
	const char	*p;
	size_t		 i, n = 0;
	long		 u, v;

	for (i = 0; i < len; ) {
		p = memchr(r + i, '\\', len - i);
		if (p == NULL)
			break;
		i = (size_t)(p - r);
		if ((u = escape_at(r, len, i)) < 0) {
			i += 2;
			continue;
		}
		if (u >= 0xd800 && u <= 0xdbff &&
		    (v = escape_at(r, len, i + 6)) >= 0xdc00 && v <= 0xdfff) {
			i += 12;		/* a surrogate pair */
			continue;
		}
		if (u == 0 || (u >= 0xd800 && u <= 0xdfff)) {
			if (fix)
				memcpy(s + i + 2, "fffd", 4);
			n++;
		}
		i += 6;
	}
	return n;
}

/* No escape to fix?  Text without "\u" needs no walk. */
int
tt_utf8_escapes_ok(const char *s, size_t len)
{
	if (memmem(s, len, "\\u", 2) == NULL)
		return 1;
	return escapes(NULL, s, len, 0) == 0;
}

/* Rewrite the bad escapes to \ufffd in place. */
size_t
tt_utf8_fix_escapes(char *s, size_t len)
{
	return escapes(s, s, len, 1);
}
