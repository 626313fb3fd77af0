/*
 * A look at JSON text without building a tree: how many values it holds
 * (each string, number, literal, object and array, keys included), so
 * that a body whose tree would not fit the memory budget is refused
 * before cJSON allocates a node per value.  Several top-level values
 * (NDJSON) are counted together.  Pure: libc only.
 */
#ifndef TT_JSONSCAN_H
#define TT_JSONSCAN_H

#include <stddef.h>

/*
 * The number of JSON tokens in s, counting stops past max (returns max+1).
 * Each token takes at least one byte: the count is never more than len.
 */
size_t	tt_json_tokens(const char *s, size_t len, size_t max);
/*
 * Is s exactly one JSON value as RFC 8259 has it (cJSON's parser takes
 * more: 055, a trailing comma ...), and no deeper than cJSON parses (1000
 * arrays and objects, one in the other)?  Bytes of 0x80 and up are taken
 * in strings as they are; whether they are UTF-8 is another question.
 */
int	tt_json_valid(const char *s, size_t len);
/*
 * The same for s put depth levels down into a document (the value of a
 * member of a top-level object: 1), which cJSON must still parse whole.
 */
int	tt_json_valid_in(const char *s, size_t len, int depth);
/*
 * Where the value of member key (written without escapes) of the object s
 * is: *off and *vlen; 0, or -1 when s is not strict JSON up to it or has
 * no such member.  The bytes of a value as they were, where a parse and a
 * reprint would round a big number.
 */
int	tt_json_member(const char *s, size_t len, const char *key,
	    size_t *off, size_t *vlen);
/*
 * A JSON string's body (the len bytes between its quotes) unescaped into
 * out (room for len + 1 bytes: the text never grows), NUL-terminated, its
 * length in *outlen; -1 for a bad escape, or for a lone surrogate (which
 * RFC 8259's grammar allows) unless lossy, which makes it U+FFFD.
 */
int	tt_json_unescape(const char *s, size_t len, char *out,
	    size_t *outlen, int lossy);

#endif
