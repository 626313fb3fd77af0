/*
 * The field catalog as its readers see it (`teltop fields`, the Fields
 * view, `teltop diff`): per source, event name and field path, the JSON
 * types seen, the privacy kinds found, how many events carried it, when,
 * in which versions of the tool, and a few example values (never for a
 * field found personal: its kinds say what it held).  store/catalog.c
 * keeps the rows; this is their value type, their JSON line, and the
 * comparison of two versions.  Pure: libc and cJSON.
 */
#ifndef TT_CATALOG_H
#define TT_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#define TT_FIELD_EXAMPLES	3	/* example values kept a field */
#define TT_FIELD_EXAMPLE_MAX	64	/* bytes of one, cut on a character */

/* One field of one event of one source; every string owned. */
struct tt_field_row {
	char	 *source;
	char	 *name;		/* the event's name, "" when it has none */
	char	 *path;		/* core/shape.h's form: batch[].uuid */
	char	 *format;	/* the wire format its events came in */
	int	  types;	/* TT_JT() bits */
	int	  kinds;	/* bits 1 << TT_PK_*: the findings there */
	int64_t	  events;	/* events that carried it */
	int64_t	  first_seen;	/* received, µs */
	int64_t	  last_seen;
	char	**versions;	/* the tool's versions, in release order; ""
				   for events without one */
	size_t	  nversions;
	char	**examples;	/* none when red */
	size_t	  nexamples;
};

/* A growable array of rows; owns them. */
struct tt_field_rows {
	struct tt_field_row	*v;
	size_t			 n, cap;
};

void		 tt_field_row_clear(struct tt_field_row *);
/* A zeroed row at the end. */
struct tt_field_row *tt_field_rows_add(struct tt_field_rows *);
void		 tt_field_rows_clear(struct tt_field_rows *);
void		 tt_field_row_add_version(struct tt_field_row *, const char *);

/*
 * Versions in release order: "v0.6.9" < "v0.6.12" < "v0.7.0-alpha.34" <
 * "v0.7.0"; numbers compare as numbers, a leading 'v' is ignored, and a
 * pre-release ('-' where the other ends) comes before its release.
 */
int		 tt_version_cmp(const char *, const char *);
void		 tt_versions_sort(char **, size_t);

/* 2 red (personal), 1 yellow (pseudonymous), 0 green. */
int		 tt_field_grade(const struct tt_field_row *);
const char	*tt_grade_name(int);
/* The meaning of the field from core/fields, or NULL: undocumented. */
const char	*tt_field_meaning(const struct tt_field_row *);
/* Is it a scalar (no container, no JSON text): what docs ought to name. */
int		 tt_field_is_leaf(const struct tt_field_row *);

/*
 * One row as a JSON object on one line (the form of `teltop fields
 * --json` and GET /v1/fields), with its grade, kinds and meaning spelled
 * out.  Caller frees.
 */
char		*tt_field_row_json(const struct tt_field_row *, size_t *len);
/* And back: 0, or -1 with *cause (caller frees). */
int		 tt_field_row_from_json(const cJSON *, struct tt_field_row *,
		     char **cause);

/* ---- comparing two versions of one source ---- */

#define TT_DIFF_KINDS(_) \
	_(EVENT_ADDED, "event added") \
	_(EVENT_REMOVED, "event removed") \
	_(ADDED, "field added") \
	_(REMOVED, "field removed") \
	_(TYPE, "type changed") \
	_(PERSONAL, "newly personal")

enum tt_diff_kind {
#define TT_DIFF_ENUM(id, text) TT_DIFF_##id,
	TT_DIFF_KINDS(TT_DIFF_ENUM)
#undef TT_DIFF_ENUM
	TT_DIFF_COUNT
};

struct tt_diff_item {
	enum tt_diff_kind	 kind;
	const char		*name;		/* the rows' strings */
	const char		*path;		/* NULL for an event */
	int			 from_types, to_types;
	int			 from_kinds, to_kinds;
};

struct tt_diff {
	struct tt_diff_item	*v;
	size_t			 n, cap;
};

/*
 * What changed from one version's rows to another's (each sorted by name,
 * then path, as the store gives them): event names added and removed; of
 * the events in both, fields added, removed, whose types changed, and
 * that are red in `to` but were not in `from`.  The items point into the
 * rows; in order of name and path.
 */
void		 tt_fields_diff(const struct tt_field_rows *from,
		     const struct tt_field_rows *to, struct tt_diff *);
void		 tt_diff_clear(struct tt_diff *);
const char	*tt_diff_kind_text(enum tt_diff_kind);
/* An item as a JSON object on one line; caller frees. */
char		*tt_diff_item_json(const struct tt_diff_item *, size_t *len);

#endif
