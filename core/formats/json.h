/*
 * cJSON helpers shared by the decoders.  No cJSON pointer leaves core/: a
 * tree lives for one tt_decode() call.
 */
#ifndef TT_JSON_H
#define TT_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "../event.h"

/* The integers a JSON reader holds exactly (2^53 - 1), either sign. */
#define JSON_INT_MAX	9007199254740991LL

/*
 * Parse len bytes; NULL with *cause set (caller frees) on bad input.
 * *repaired (if not NULL) says whether invalid UTF-8 or a bad escape had
 * to be replaced first (the tree then differs from the text).
 */
cJSON		*json_parse(const char *, size_t, char **cause, int *repaired);
/* Is the nesting of the text at most max? */
int		 json_depth_ok(const char *, size_t, int max);

/* A member that is a non-empty string, else NULL. */
const char	*json_str(const cJSON *, const char *key);
/* A member that is a number, or a string holding one; -1 if neither. */
int		 json_int(const cJSON *, const char *key, int64_t *);
/* xstrdup of json_str(), or of a number member as text; else NULL. */
char		*json_strdup(const cJSON *, const char *key);
/*
 * A member that is an object, or a string holding a JSON object (DevPod,
 * Devsy and werf send JSON inside strings).  When it had to be parsed,
 * *owned is set to the new tree and the caller deletes it.
 */
const cJSON	*json_obj(const cJSON *, const char *key, cJSON **owned);
/*
 * A member time: RFC 3339 string or number in any unit -> µs.  TT_TIME_OK;
 * 1 when there is none (absent, null, "" or 0); TT_TIME_BAD or
 * TT_TIME_RANGE (core/decode.h) for a value that is no time in range.
 */
int		 json_time(const cJSON *, const char *key, int64_t *);
/*
 * Set ev->ts from json_time(): 0 when set; 1 when there is none; -1 when
 * the value is no time in range, with a note on the event naming the member
 * and its value (ev->ts untouched: the caller's fallback stands).
 */
int		 json_event_ts(struct tt_event *, const cJSON *,
		     const char *key);
/*
 * An integer member in [min, max] -> *out: 0; 1 when absent (or null, "");
 * -1 when it is not such an integer, with a note on the event.
 */
int		 json_event_int(struct tt_event *, const cJSON *,
		     const char *key, int64_t min, int64_t max, int64_t *out);
/* Print unformatted, valid UTF-8 with every control character escaped;
 * caller frees. */
char		*json_print(const cJSON *, size_t *len);

/* The first of several keys that has a non-empty string (or number). */
char		*json_strdup_any(const cJSON *, const char *const *keys);

/*
 * Fields: a format's member names in one table, so that an object's members
 * are looked up once each instead of one strcmp chain per key.  The names
 * are sorted in strcmp() order (a binary search finds them; the unit tests
 * check the order of every table in fmt_tables[]) and a field's id is its
 * index.  Formats spell a table as an X-macro of (ID, "name") in that
 * order, giving an enum of ids and the array of names.
 */
struct json_names {
	const char		*what;	/* whose names, for messages */
	const char *const	*v;
	size_t			 n;
};

#define JSON_NAMES(what, names) \
	{ (what), (names), sizeof (names) / sizeof (names)[0] }

/* The id of a name, or -1. */
int		 json_name_find(const struct json_names *, const char *);
/*
 * slot[id] = the first member of o named so (what
 * cJSON_GetObjectItemCaseSensitive() finds), NULL for the others and for
 * every id when o is not an object.  slot holds t->n pointers.
 */
void		 json_fields(const cJSON *o, const struct json_names *t,
		     const cJSON **slot);
/* The first of ids (ending in -1) whose member json_vstrdup() takes. */
char		*json_fields_strdup(const cJSON *const *slot, const int *ids);

/*
 * The typed accessors above, on a member already found (NULL: absent).  A
 * note on the event names the member by its key (v->string).
 */
const char	*json_vstr(const cJSON *);
int		 json_vint(const cJSON *, int64_t *);
char		*json_vstrdup(const cJSON *);
const cJSON	*json_vobj(const cJSON *, cJSON **owned);
int		 json_vtime(const cJSON *, int64_t *);
int		 json_vevent_ts(struct tt_event *, const cJSON *);
int		 json_vevent_int(struct tt_event *, const cJSON *, int64_t min,
		     int64_t max, int64_t *out);
/* json_vevent_int() for a number that may have a fraction: kept as sent. */
int		 json_vevent_num(struct tt_event *, const cJSON *, int64_t min,
		     int64_t max, double *out);

#endif
