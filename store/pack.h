/*
 * How the store packs what it keeps (issue 12), private to store/:
 *  - a payload's route and content type as an id into routes;
 *  - privacy findings as small ids into the findings table (field, kind,
 *    grade): an events.pii BLOB is a run of LEB128 ids, one a finding, in
 *    their order; a TEXT pii is JSON that was not in tt_privacy_json()'s
 *    form and is kept as it came;
 *  - bytes compressed with zstd, with a dictionary per key (a payload's
 *    route, an event's source and format) trained from the first rows of
 *    that key and kept in zdicts, so that every connection (and every
 *    later process) can read them back.  A packed blob is
 *	tag 0: the bytes as they are
 *	tag 1: LEB128 length, a zstd frame without a dictionary
 *	tag 2: LEB128 zdicts id, LEB128 length, a zstd frame with it
 *
 * One struct pack serves one connection, on the thread that uses it.  Ids
 * and dictionaries are only added, never changed or removed, so what a
 * reader cached stays true; what a writer adds inside a transaction is
 * forgotten again if that transaction rolls back (pack_end()).
 */
#ifndef TT_STORE_PACK_H
#define TT_STORE_PACK_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct pack;

/* One finding of the dictionary, as readers get it. */
struct pack_finding {
	char	*field;
	char	*kind;
	int	 red;
	char	*json;		/* its object as tt_privacy_json() writes it */
	size_t	 jlen;
};

struct pack	*pack_new(sqlite3 *);
void		 pack_free(struct pack *);

/* ---- writing: inside the caller's write transaction ---- */

/*
 * Findings JSON -> ids: 1 with the blob in *out (pk's buffer, valid until
 * the next call), 0 when the text is not in tt_privacy_json()'s form (keep
 * it as text), -1 with *cause (caller frees) when SQLite failed.
 */
int		 pack_pii(struct pack *, const char *json, const uint8_t **out,
		     size_t *len, char **cause);
/*
 * The id of (route, content type) in routes, added if new: what a payload
 * row names instead of the two strings.  -1 with *cause.
 */
int64_t		 pack_route(struct pack *, const char *route,
		     const char *content_type, char **cause);
/* Offer bytes as a training sample for key's dictionary. */
void		 pack_sample(struct pack *, const char *key, const void *,
		     size_t);
/*
 * Pack bytes under key's dictionary (trained first when key has samples
 * enough and no dictionary yet): 0 with the blob in *out (pk's buffer,
 * valid until the next call), -1 with *cause.
 */
int		 pack_zip(struct pack *, const char *key, const void *,
		     size_t, const uint8_t **out, size_t *len, char **cause);
/* The transaction ended: committed (1) or rolled back (0). */
void		 pack_end(struct pack *, int committed);

/* ---- reading ---- */

/* Finding id, or NULL when the table has no such id. */
const struct pack_finding *pack_finding(struct pack *, uint64_t id);
/* Next LEB128 number from *p (< end): 0, or -1 when cut short. */
int		 pack_varint(const uint8_t **p, const uint8_t *end,
		     uint64_t *v);
/* Ids -> the findings JSON text, or NULL when an id is unknown.  Caller
 * frees. */
char		*pack_pii_text(struct pack *, const void *, size_t);
/*
 * A packed blob -> its bytes, NUL-terminated (caller frees *out): 0, or
 * -1 when it is damaged or its dictionary is missing.
 */
int		 pack_unzip(struct pack *, const void *, size_t, char **out,
		     size_t *len);

#endif
