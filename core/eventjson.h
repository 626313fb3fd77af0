/*
 * Events as the JSON object `teltop events` prints (and /v1/stream and
 * GET /v1/events send), and back; the stats delta of a committed event
 * likewise, for viewers that keep a stats model of their own.
 */
#ifndef TT_EVENTJSON_H
#define TT_EVENTJSON_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "event.h"

struct tt_stats_delta;

/* null for TT_NONE (and, for the double, what is not finite) */
void	 tt_json_add_int(cJSON *, const char *key, int64_t);
void	 tt_json_add_num(cJSON *, const char *key, double);
/* A tree printed on one line of valid UTF-8 (core/utf8.h).  Caller frees. */
char	*tt_json_line(const cJSON *, size_t *len);

/* The object of one event: id, times as RFC 3339, pii, raw, capture. */
cJSON	*tt_event_object(const struct tt_event *);
/* ... printed by tt_json_line. */
char	*tt_event_json(const struct tt_event *, size_t *len);
/*
 * Read such an object into ev (initialised here; the caller clears it).
 * raw becomes data printed again, so its spacing is cJSON's.  0, or -1
 * with *cause naming the member that is wrong.
 */
int	 tt_event_from_json(const cJSON *, struct tt_event *ev, char **cause);

cJSON	*tt_delta_object(const struct tt_stats_delta *);
int	 tt_delta_from_json(const cJSON *, struct tt_stats_delta *,
	    char **cause);

#endif
