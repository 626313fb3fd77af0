/*
 * Events as the JSON object `teltop events` prints (and /v1/stream and
 * GET /v1/history send), and back; the stats delta of a committed event
 * likewise, for viewers that keep a stats model of their own.
 */
#ifndef TT_EVENTJSON_H
#define TT_EVENTJSON_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "event.h"

struct tt_stats_delta;

/* An integer member, null for TT_NONE. */
void	 tt_json_add_int(cJSON *, const char *key, int64_t);
/* A tree printed on one line of valid UTF-8 (core/utf8.h).  Caller frees. */
char	*tt_json_line(const cJSON *, size_t *len);

/*
 * One event on one line of valid UTF-8: id, times as RFC 3339, the
 * normalized fields, pii and raw (the stored JSON as it is; a JSON string,
 * or JSON too deep to nest, as a string of its text), capture.  Caller
 * frees.
 */
char	*tt_event_json(const struct tt_event *, size_t *len);
/*
 * Read such an object into ev (initialised here; the caller clears it).
 * raw becomes data printed again, so its spacing is cJSON's.  0, or -1
 * with *cause naming the member that is wrong.
 */
int	 tt_event_from_json(const cJSON *, struct tt_event *ev, char **cause);
/* The same from the line's text: raw (but a string) keeps its bytes, big
 * numbers and all. */
int	 tt_event_from_text(const char *, size_t, struct tt_event *ev,
	    char **cause);

/* A delta as one JSON object on a line.  Caller frees. */
char	*tt_delta_json(const struct tt_stats_delta *, size_t *len);
int	 tt_delta_from_json(const cJSON *, struct tt_stats_delta *,
	    char **cause);

#endif
