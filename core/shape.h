/*
 * The shape of one event's JSON: each field's path and JSON type, and the
 * value of each scalar, in one pass over the text without building a tree
 * (what the field catalog reads from every committed event).
 *
 * Paths are core/path.h's, except that an array's elements are all named
 * by "[]" (batch[].uuid), so that a field is one field however many
 * elements carry it.  A string that holds a JSON object or array (DevPod's
 * properties) is reported as TT_JT_JSON and its members follow under '>'
 * (event.properties>command), EMBED levels deep at most, as the privacy
 * findings name them.  The root itself is not reported.  Pure: libc only.
 */
#ifndef TT_SHAPE_H
#define TT_SHAPE_H

#include <stddef.h>

/* JSON types, as bits: what a field was seen as is a mask of them. */
#define TT_JTYPES(_) \
	_(NULL, "null") \
	_(BOOL, "boolean") \
	_(NUMBER, "number") \
	_(STRING, "string") \
	_(OBJECT, "object") \
	_(ARRAY, "array") \
	_(JSON, "json-text")	/* a string holding JSON */

enum tt_jtype_bit {
#define TT_JT_ENUM(id, name) TT_JTB_##id,
	TT_JTYPES(TT_JT_ENUM)
#undef TT_JT_ENUM
	TT_JTB_COUNT
};
#define TT_JT(id)	(1 << TT_JTB_##id)

/*
 * One field: path (plen bytes, NUL-terminated), its type (one TT_JT bit),
 * and for a scalar its value: a string unescaped, a number or literal as
 * written (NULL for containers).  Valid during the call; nonzero stops.
 */
typedef int	(*tt_shape_cb)(void *arg, const char *path, size_t plen,
		    int type, const char *val, size_t vlen);

/*
 * Walk json (len bytes); 0, 1 when cb stopped it, -1 when the text is not
 * JSON (what came before was reported).  Nesting past TT_SHAPE_DEPTH is
 * not followed.
 */
#define TT_SHAPE_DEPTH	64
#define TT_SHAPE_EMBED	4
int		 tt_shape_walk(const char *json, size_t len, tt_shape_cb,
		     void *arg);

/* The name of type bit i (TT_JTB_*), NULL past them. */
const char	*tt_jtype_name(int i);
/* A mask's type names joined by '|' into buf ("" for 0); returns buf. */
char		*tt_jtypes_text(int mask, char *buf, size_t cap);
/* The mask of a text tt_jtypes_text() wrote; -1 for a name unknown. */
int		 tt_jtypes_parse(const char *);

/*
 * A path of the findings or of the filter (core/path.h) in the walk's
 * form: each "[N]" index written "[]".  In place; returns the new length.
 */
size_t		 tt_shape_path(char *path, size_t len);

#endif
