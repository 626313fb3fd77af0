/*
 * JSON string escaping, written one way for the whole program.
 */
#ifndef TT_JSON_H
#define TT_JSON_H

#include <stddef.h>

/*
 * The body of a JSON string for s[0..len): '"', '\' and every byte below
 * 0x20 escaped as cJSON's printer escapes them (\b \f \n \r \t, the others
 * as \u00XX; with TT_JSON_U00, every one as \u00XX), every other byte as it
 * is.  Writes into out, which has room for 6 * len bytes (or the length a
 * first call with out NULL returned), and returns the length written; no
 * NUL is added.
 */
#define TT_JSON_U00	0x1
size_t	 tt_json_escape(const char *s, size_t len, char *out, int flags);
/* "s", escaped, in a new NUL-terminated string. */
char	*tt_json_quote(const char *s);

#endif
