/*
 * UTF-8 for what teltop stores and prints as text.  The bytes received are
 * kept as they came (store/), but every normalized field, every event's JSON
 * text and every JSON line printed is valid UTF-8: shortest forms only, no
 * surrogates, nothing past U+10FFFF, no NUL.  Each maximal invalid
 * subsequence becomes one U+FFFD (the WHATWG decoder's rule, so a strict
 * reader and teltop agree on what a string is), and so does a NUL.
 *
 * JSON text is printed by cJSON, which escapes U+0000..U+001F, '"' and '\';
 * tt_utf8_json() adds U+007F..U+009F, so that no control character of any
 * kind reaches a terminal or a strict reader raw.
 */
#ifndef TT_UTF8_H
#define TT_UTF8_H

#include <stddef.h>

/* Are the len bytes at s valid UTF-8 without NUL? */
int	 tt_utf8_valid(const char *, size_t);
/* A copy of len bytes with each invalid sequence and NUL as U+FFFD;
 * NUL-terminated, length in *outlen if not NULL.  Caller frees. */
char	*tt_utf8_clean(const char *, size_t, size_t *outlen);
/* tt_utf8_clean() of a C string; NULL gives NULL.  Caller frees. */
char	*tt_utf8_dup(const char *);
/* The characters of a C string (its bytes that start one): the columns
 * it takes where each is one column wide, for aligning tables. */
size_t	 tt_utf8_width(const char *);

/*
 * JSON text s (malloc'd, *len bytes, as cJSON prints it) made valid UTF-8
 * with U+007F..U+009F escaped.  Returns s when it already is; otherwise
 * frees s and returns a new string, updating *len.  Caller frees.
 */
char	*tt_utf8_json(char *s, size_t *len);

/*
 * The escapes a JSON parser would turn into a NUL or refuse: \u0000 and
 * lone surrogates (\ud800 not followed by \udc00..\udfff, or a lone
 * \udc00).  tt_utf8_escapes_ok() says whether there are none;
 * tt_utf8_fix_escapes() rewrites each to \ufffd in place (same length) and
 * returns how many it rewrote.  "\\u0000" is a backslash and "u0000": left.
 */
int	 tt_utf8_escapes_ok(const char *, size_t);
size_t	 tt_utf8_fix_escapes(char *, size_t);

/* The value of a hex digit, or -1. */
int	 tt_hexval(int);

#endif
