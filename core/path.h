/*
 * Field paths: how teltop names one field inside one stored event, in the
 * privacy findings, the detail view, `teltop events --explain` and the
 * field meanings (core/fields.h).  One grammar, built and read here only:
 *
 *	properties.$ip		member "$ip" of member "properties"
 *	batch[0].uuid		element 0 of array "batch", then its "uuid"
 *	event.properties>error	member "error" of the JSON text that the
 *				string "event.properties" holds ('>' means
 *				"parse the string, then descend")
 *	tags>[1]		element 1 of a JSON array held in a string
 *	attributes["host.name"]	a key that is empty or holds . [ ] > " \ a
 *				space or a control character is written in
 *				brackets as a JSON string, with no '.' before
 *				it (after '>' it is >["..."])
 *
 * The root of the event has the empty path.  Keys are compared exactly.
 */
#ifndef TT_PATH_H
#define TT_PATH_H

#include <stddef.h>

/* How a component is reached from the one before it. */
#define TT_PATH_ROOT	0	/* the first component */
#define TT_PATH_MEMBER	'.'	/* a member or element of a container */
#define TT_PATH_EMBED	'>'	/* inside the JSON text a string holds */

/* A path being built: a buffer that starts as the caller's. */
struct tt_path {
	char	*s;		/* always NUL-terminated */
	size_t	 len;
	size_t	 cap;
	char	*first;		/* the caller's buffer, never freed */
};

void	tt_path_init(struct tt_path *, char *buf, size_t cap);
/* Free what the path allocated beyond the caller's buffer. */
void	tt_path_free(struct tt_path *);
/* Append text that already is a path (or the start of one). */
void	tt_path_raw(struct tt_path *, const char *s, size_t len);
/* Cut the path back to len bytes (a length it had before). */
void	tt_path_cut(struct tt_path *, size_t len);
/* Can a key be written as is (1), or must it be bracketed (0)? */
int	tt_path_key_plain(const char *key, size_t len);
/* Append a member's key (len bytes); how is a TT_PATH_* above. */
void	tt_path_key(struct tt_path *, const char *key, size_t len, int how);
/* The same with tt_path_key_plain() already known. */
void	tt_path_key_as(struct tt_path *, const char *key, size_t len,
	    int how, int plain);
/* Append an array index. */
void	tt_path_index(struct tt_path *, size_t i, int how);

/* One component of a parsed path. */
struct tt_path_comp {
	int	 how;		/* TT_PATH_ROOT, _MEMBER or _EMBED */
	int	 is_index;
	size_t	 index;		/* is_index */
	char	*key;		/* !is_index: unescaped, malloc'd */
	size_t	 key_len;	/* a key may hold NUL (\u0000) */
};

struct tt_path_parts {
	struct tt_path_comp	*v;
	size_t			 n;
};

/*
 * Parse a path into *out; 0, or -1 (nothing in *out) if it is not one.
 * tt_path_parts_free() frees the components.
 */
int	tt_path_parse(const char *path, struct tt_path_parts *out);
void	tt_path_parts_free(struct tt_path_parts *);

/*
 * The path with every key written as is and joined by '.' (or '>'), as
 * the table of field meanings is written: attributes["host.name"] reads
 * "attributes.host.name" there.  Caller frees; a path that does not parse
 * is returned as it is.
 */
char	*tt_path_flat(const char *path);

/*
 * The value at path in a parsed document, or NULL.  Steps through '>'
 * parse the string's JSON text; those trees are added to *owned (a cJSON
 * array the caller deletes; created when needed, NULL if none was).
 */
struct cJSON;
const struct cJSON *tt_path_get(const struct cJSON *root, const char *path,
	    struct cJSON **owned);

#endif
