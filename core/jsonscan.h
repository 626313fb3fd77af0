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

#endif
