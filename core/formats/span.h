/*
 * Where the objects of a parsed body are in its text, so that an event's
 * data can be the bytes it came in rather than cJSON's print of them.
 *
 * span_build() walks the text beside the tree cJSON parsed from it (the
 * two agree value for value, in document order) down to SPAN_DEPTH levels,
 * where the decoders find their items, and records each object's byte
 * range.  A range is usable as data only when its bytes are what data must
 * be (core/event.h, core/utf8.h): valid UTF-8 (the caller builds spans only
 * for text that needed no repair), no control character raw anywhere
 * (U+0000..U+001F, so no tab or newline between tokens either, U+007F,
 * U+0080..U+009F), and numbers as strict JSON writes them (cJSON also takes
 * "01", "1." and "-.5").  Any other item is printed, as before.
 *
 * The table holds pointers into the tree: it is valid until the tree is
 * deleted.  One table is reused for each tree of a body (span_reset()).
 */
#ifndef TT_SPAN_H
#define TT_SPAN_H

#include <stddef.h>

#include <cJSON.h>

#define SPAN_DEPTH	3	/* objects deeper than this are not recorded */

struct span_slot;

struct spans {
	struct span_slot	*slots;
	size_t			 cap;	/* a power of two, or 0 */
	size_t			 n;
};

void	span_init(struct spans *);
/* Forget what was recorded; keep the memory. */
void	span_reset(struct spans *);
void	span_free(struct spans *);
/*
 * Record root's objects: root must have been parsed from exactly the len
 * bytes at text (whitespace around it allowed).  base is added to every
 * offset (a line's place in its body).  Returns 0, or -1 when text and tree
 * do not agree (nothing is recorded then).
 */
int	span_build(struct spans *, const cJSON *root, const char *text,
	    size_t len, size_t base);
/* The usable bytes of an object: 1 with *off, *len; 0 when there are none. */
int	span_get(const struct spans *, const cJSON *, size_t *off,
	    size_t *len);

#endif
