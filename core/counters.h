/*
 * Collector counters: what /metrics shows and what `stats` reads back from
 * the database (store/ persists the deltas with each commit).
 */
#ifndef TT_COUNTERS_H
#define TT_COUNTERS_H

#include <stdint.h>

/*
 * id, name in the database and in JSON (stats --json, /v1/stream?stats=1:
 * a contract, never renamed), name of its family in /metrics (Prometheus
 * conventions: counters end in _total, units in the name), rejection
 * reason or NULL.  Counters that share a /metrics name are one family, a
 * sample each, told apart by a label: reason="…" for the rejections,
 * source="…" for the capture counters.
 */
#define TT_COUNTERS(_) \
	_(RECEIVED, "received", "teltop_events_received_total", NULL) \
	_(ACCEPTED, "accepted", "teltop_events_accepted_total", NULL) \
	_(DROPPED_OPTOUT, "dropped_optout", \
	    "teltop_events_dropped_optout_total", NULL) \
	_(EVICTED, "evicted", "teltop_events_evicted_total", NULL) \
	_(BYTES, "bytes", "teltop_received_bytes_total", NULL) \
	_(REJ_MALFORMED, "rejected_malformed", TT_REJECTIONS, "malformed") \
	_(REJ_TOO_LARGE, "rejected_too_large", TT_REJECTIONS, "too_large") \
	_(REJ_DECOMPRESS, "rejected_decompress", TT_REJECTIONS, \
	    "decompress") \
	_(REJ_PROTOBUF, "rejected_protobuf", TT_REJECTIONS, "protobuf") \
	_(REJ_ROUTE, "rejected_route", TT_REJECTIONS, "route") \
	_(REJ_BUSY, "rejected_busy", TT_REJECTIONS, "busy") \
	_(REJ_AUTH, "rejected_auth", TT_REJECTIONS, "auth") \
	_(REJ_STORE, "rejected_store", TT_REJECTIONS, "store") \
	_(TUNNELLED, "tunnelled", "teltop_tunnels_opened_total", NULL) \
	_(FORWARD_FAILED, "forward_failed", "teltop_forward_failures_total", \
	    NULL) \
	_(TUNNEL_REFUSED, "tunnel_refused", "teltop_tunnels_refused_total", \
	    NULL) \
	TT_CAPTURE_COUNTERS(_, DEVTRON, "devtron") \
	TT_CAPTURE_COUNTERS(_, DEVPOD, "devpod") \
	TT_CAPTURE_COUNTERS(_, DEVSY, "devsy") \
	TT_CAPTURE_COUNTERS(_, WERF, "werf") \
	TT_CAPTURE_COUNTERS(_, POSTHOG, "posthog") \
	TT_CAPTURE_COUNTERS(_, SEGMENT, "segment") \
	TT_CAPTURE_COUNTERS(_, RUDDERSTACK, "rudderstack") \
	TT_CAPTURE_COUNTERS(_, OTLP, "otlp") \
	TT_CAPTURE_COUNTERS(_, GENERIC, "generic")

/* The /metrics family of the rejected_* counters, by reason. */
#define TT_REJECTIONS	"teltop_rejections_total"

/*
 * Per source (the rows of TT_SOURCES, in its order), requests that came
 * through capture: captured, then forwarded to the vendor or blocked by
 * the opt-out.  /metrics shows them as one family each with a source label.
 */
#define TT_CAPTURE_COUNTERS(_, id, name) \
	_(CAPTURED_##id, "captured_" name, "teltop_captured_requests_total", \
	    NULL) \
	_(FORWARDED_##id, "forwarded_" name, \
	    "teltop_forwarded_requests_total", NULL) \
	_(BLOCKED_##id, "blocked_" name, "teltop_blocked_requests_total", \
	    NULL)

enum tt_counter {
#define TT_COUNTER_ENUM(id, name, metric, reason) TT_CTR_##id,
	TT_COUNTERS(TT_COUNTER_ENUM)
#undef TT_COUNTER_ENUM
	TT_CTR_COUNT
};

struct tt_counters {
	int64_t	v[TT_CTR_COUNT];
};

/* A counter's name in the database and in JSON. */
const char	*tt_counter_name(enum tt_counter);
/* The name of its family in /metrics ("teltop_events_received_total"). */
const char	*tt_counter_metric(enum tt_counter);
/*
 * The label that tells its sample from the others of its family ("reason",
 * "source"), *value its value; NULL when the family has one sample.
 */
const char	*tt_counter_label(enum tt_counter, const char **value);
/* Its family's line of help for /metrics ("# HELP"). */
const char	*tt_counter_help(enum tt_counter);
/* The rejection reason of a rejected_* counter, else NULL. */
const char	*tt_counter_reason(enum tt_counter);
int64_t		 tt_counters_rejected(const struct tt_counters *);

/* The capture counters of a source (enum tt_source). */
enum tt_capture_kind { TT_CAP_CAPTURED, TT_CAP_FORWARDED, TT_CAP_BLOCKED };
enum tt_counter	 tt_counter_capture(int source, enum tt_capture_kind);
/*
 * For a per-source capture counter: its family ("captured", "forwarded",
 * "blocked") and *source the source's name; NULL for any other counter.
 */
const char	*tt_counter_family(enum tt_counter, const char **source);

/* What capture counted for one source, or for all of them. */
struct tt_capture_counts {
	int64_t	captured;	/* requests through the proxy */
	int64_t	forwarded;	/* of those, passed on to the vendor */
	int64_t	blocked;	/* of those, from opted-out senders: kept
				   from the database and the vendor */
};

/* The counts of a source (enum tt_source; -1: the sum of every source). */
void		 tt_capture_counts(const struct tt_counters *, int source,
		     struct tt_capture_counts *);
/* Whether all three are 0. */
int		 tt_capture_none(const struct tt_capture_counts *);
/* "captured 52 · forwarded 12 · blocked 40" into buf, sep between the
 * three (" · ", or ", " where only ASCII will do). */
void		 tt_capture_text(const struct tt_capture_counts *,
		     const char *sep, char *buf, size_t len);

/*
 * Refusals by route and reason are kept as counters named
 * TT_REFUSED_PREFIX "<reason> <route>" ("refused route /v1/logs").
 */
#define TT_REFUSED_PREFIX	"refused "

/*
 * One refusal: a request teltop did not take, or the items of a body it
 * took that it did not (status 0 then), as ws/ keeps the recent ones.
 */
struct tt_refusal {
	int64_t	 at;		/* µs since the epoch */
	int	 status;	/* the HTTP status answered; 0: items of a body */
	int64_t	 n;		/* requests (1) or items refused */
	char	 method[12];
	char	 route[80];	/* the route, or the path asked for */
	char	 reason[16];	/* a tt_counter_reason() */
	char	 why[200];
	char	 head[100];	/* what the body began with, escaped; or "" */
};

#endif
