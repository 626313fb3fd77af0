/*
 * What each field of a tool's telemetry means: a static table, per source
 * and field, taken from the tools' published pages (shared/seeds/) and from
 * what they really send (shared/formats.md).  The detail view and `teltop
 * events --explain` use it; it never changes at run time.
 *
 * A field is named by its path inside ONE stored event, that is the JSON in
 * tt_event.data (the decoded form; see the decoders in core/formats/):
 *   - keys joined with '.': "properties.ucid";
 *   - array elements as "[N]" after the key; the table writes "[]" and
 *     "[N]" matches it for any N: "eventData.commandOptions[2].name";
 *   - '>' instead of '.' steps into JSON text carried in a string:
 *     "event.properties>command" (DevPod's properties are JSON strings);
 *   - in the table, a last component "*" stands for any key, even one with
 *     dots in it: "attributes.extra.*", OTLP's "attributes.*".
 * Keys are compared case-sensitively.  '.' and '>' are interchangeable when
 * matching, so the docs' shape (an object) and the wire's (a string) find
 * the same entry.  Paths are those of core/path.h; a key that itself
 * contains '.' (attributes["service.name"]) reads as nested keys here
 * (attributes.service.name), the way the table is written.
 */
#ifndef TT_FIELDS_H
#define TT_FIELDS_H

#include <stddef.h>

/* What one field of a tool's payload means. */
struct tt_field_doc {
	/* "devtron", "devpod", "devsy", "werf", "posthog", "generic", or "*"
	 * for any */
	const char	*source;
	const char	*field;		/* path as below */
	/* one or two sentences, plain English */
	const char	*meaning;
	/* where it comes from: "formats.md §4.1", "seeds: DevPod telemetry
	 * page", ... */
	const char	*ref;
};

/*
 * The meaning of a field of an event of this source, or NULL.  Tried in
 * order: this source's entry for exactly this path; the "*" entry for it;
 * then the entry (of this source or "*") sharing the longest run of last
 * components with the path, at least the last one, so that
 * "batch[0].properties.ucid" finds "properties.ucid".  Ties go to this
 * source's entry, then to the one with more literal (not "*") components
 * matched, then to the first in the table.  A NULL source looks only at
 * "*" entries.
 */
const struct tt_field_doc *tt_field_doc(const char *source, const char *path);

/* The whole table, for tests and the UI: sets *out, returns its length. */
size_t	tt_field_docs(const struct tt_field_doc **out);
/*
 * The meaning of a field of one stored event: an event in teltop's generic
 * format that names a tool as its source keeps generic's keys first.
 */
const struct tt_field_doc *tt_field_doc_event(const char *source,
	    const char *format, const char *path);

#endif
