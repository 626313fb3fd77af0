/*
 * Wire formats -> normalized events.  tt_decode() picks a decoder by route
 * and by the shape of the body, and appends one tt_event per event found.
 * The body is the request body after transport decoding (chunked, gzip,
 * base64 form) and is not modified.
 *
 * With opts->findings, each event's pii is set to its privacy findings
 * (core/privacy.h), found on the tree the decoder parsed: the same as
 * tt_privacy_scan() of its data.  An event whose data was rewritten after
 * that (a note, see tt_event_note()) has pii NULL, for the caller to scan.
 *
 * Return value: 0 when the body was understood (individual items may still
 * have been refused: batch->rejected counts them); -1 when the body as a
 * whole is malformed, TT_DECODE_TOO_LARGE when it holds more than the
 * limits allow, both with *cause set to a malloc'd message (caller frees).
 */
#ifndef TT_DECODE_H
#define TT_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

/* The routes of design.md's endpoint table that carry events. */
enum tt_route {
	TT_ROUTE_EVENTS,	/* POST /v1/events and WebSocket /ws: any shape */
	TT_ROUTE_POSTHOG,	/* /batch, /capture, /e, /i/v0/e, /track, /engage */
	TT_ROUTE_POSTHOG_V1,	/* /i/v1/analytics/events */
	TT_ROUTE_DEVPOD_INSERT,	/* /v1/insert */
	TT_ROUTE_DEVPOD_LEGACY,	/* /analytics/v1/devpod/v1/events */
	TT_ROUTE_OTLP_TRACES,	/* /v1/traces */
	TT_ROUTE_SEGMENT,	/* /v1/batch, /v1/track, ... (and Rudder's) */
	TT_ROUTE_OTLP_LOGS,	/* /v1/logs */
	TT_ROUTE_OTLP_METRICS	/* /v1/metrics */
};
#define TT_ROUTE_LAST	TT_ROUTE_OTLP_METRICS	/* for loops over routes */

#define TT_EVENT_MAX	(2u * 1024 * 1024)	/* one event, as JSON */
#define TT_REQUEST_MAX	(20u * 1024 * 1024)	/* one request body */
#define TT_JSON_DEPTH	64			/* nesting refused beyond */

#define TT_DECODE_TOO_LARGE (-2)
#define TT_EVENTS_MAX	100000			/* events in one request */
#define TT_VALUES_MAX	(4u << 20)		/* JSON values in one body */

struct tt_decode_opts {
	size_t		 event_max;	/* 0: TT_EVENT_MAX */
	size_t		 events_max;	/* 0: TT_EVENTS_MAX */
	int64_t		 received_at;	/* µs; 0: now */
	int		 protobuf;	/* body is protobuf (by Content-Type; the
					   OTLP routes only) */
	int		 findings;	/* set each event's pii from the tree */
};

int	tt_decode(enum tt_route, const uint8_t *body, size_t len,
	    const struct tt_decode_opts *, struct tt_batch *, char **cause);

/*
 * Time helpers (core/timeparse.c).  An event's own time is accepted from
 * the wire when it falls in the years 1970-2200 (UTC); outside them it is
 * refused as out of range, and never wraps into another value.
 */
#define TT_TIME_MIN_US	0LL		/* 1970-01-01T00:00:00Z */
#define TT_TIME_MAX_US	7289654399999999LL /* 2200-12-31T23:59:59.999999Z */
#define TT_TIME_RANGE_TEXT "years 1970–2200"

#define TT_TIME_OK	 0
#define TT_TIME_BAD	-1	/* not a time */
#define TT_TIME_RANGE	-2	/* a time, but outside the range above */

int64_t	tt_now_us(void);
/* µs on the monotonic clock (for intervals; any thread). */
int64_t	tt_mono_us(void);
/* A number in s, ms, µs or ns (by magnitude) -> µs; TT_TIME_OK, or
 * TT_TIME_BAD (not finite), TT_TIME_RANGE. */
int	tt_time_number(double, int64_t *us);
/* RFC 3339 / ISO 8601 with any fraction and offset, or digits -> µs;
 * TT_TIME_OK, TT_TIME_BAD or TT_TIME_RANGE. */
int	tt_time_parse(const char *, int64_t *us);
/*
 * µs -> "2026-01-05T12:00:00.123456Z" into buf (at least 32 bytes): 0.
 * A time RFC 3339 cannot show (before year 0000 or after 9999, TT_NONE
 * among them) gives "" and -1.
 */
int	tt_time_format(int64_t us, char *buf, size_t len);
/*
 * A duration in ms for people, the one form the whole program uses: 850ms,
 * 12.3s, 4m05s, 2h10m; a fraction below 1 ms (0.25ms); "-" for TT_NONE or
 * what is not a duration.
 */
void	tt_duration_text(double ms, char *buf, size_t len);

#endif
