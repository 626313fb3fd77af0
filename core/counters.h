/*
 * Collector counters: what /metrics shows and what `stats` reads back from
 * the database (store/ persists the deltas with each commit).
 */
#ifndef TT_COUNTERS_H
#define TT_COUNTERS_H

#include <stdint.h>

/* id, name in the database and in /metrics, rejection reason or NULL */
#define TT_COUNTERS(_) \
	_(RECEIVED, "received", NULL) \
	_(ACCEPTED, "accepted", NULL) \
	_(DROPPED_OPTOUT, "dropped_optout", NULL) \
	_(EVICTED, "evicted", NULL) \
	_(BYTES, "bytes", NULL) \
	_(REJ_MALFORMED, "rejected_malformed", "malformed") \
	_(REJ_TOO_LARGE, "rejected_too_large", "too_large") \
	_(REJ_DECOMPRESS, "rejected_decompress", "decompress") \
	_(REJ_PROTOBUF, "rejected_protobuf", "protobuf") \
	_(REJ_ROUTE, "rejected_route", "route") \
	_(REJ_BUSY, "rejected_busy", "busy") \
	_(REJ_AUTH, "rejected_auth", "auth") \
	_(REJ_STORE, "rejected_store", "store") \
	_(TUNNELLED, "tunnelled", NULL) \
	_(FORWARD_FAILED, "forward_failed", NULL) \
	_(TUNNEL_REFUSED, "tunnel_refused", NULL) \
	TT_CAPTURE_COUNTERS(_, DEVTRON, "devtron") \
	TT_CAPTURE_COUNTERS(_, DEVPOD, "devpod") \
	TT_CAPTURE_COUNTERS(_, DEVSY, "devsy") \
	TT_CAPTURE_COUNTERS(_, WERF, "werf") \
	TT_CAPTURE_COUNTERS(_, POSTHOG, "posthog") \
	TT_CAPTURE_COUNTERS(_, SEGMENT, "segment") \
	TT_CAPTURE_COUNTERS(_, RUDDERSTACK, "rudderstack") \
	TT_CAPTURE_COUNTERS(_, OTLP, "otlp") \
	TT_CAPTURE_COUNTERS(_, GENERIC, "generic")

/*
 * Per source (the rows of TT_SOURCES, in its order), requests that came
 * through capture: captured, then forwarded to the vendor or blocked by
 * the opt-out.  /metrics shows them as one family with a source label.
 */
#define TT_CAPTURE_COUNTERS(_, id, name) \
	_(CAPTURED_##id, "captured_" name, NULL) \
	_(FORWARDED_##id, "forwarded_" name, NULL) \
	_(BLOCKED_##id, "blocked_" name, NULL)

enum tt_counter {
#define TT_COUNTER_ENUM(id, name, reason) TT_CTR_##id,
	TT_COUNTERS(TT_COUNTER_ENUM)
#undef TT_COUNTER_ENUM
	TT_CTR_COUNT
};

struct tt_counters {
	int64_t	v[TT_CTR_COUNT];
};

const char	*tt_counter_name(enum tt_counter);
/* A counter's line of help for /metrics ("# HELP"); each family of the
 * rejected_* and capture counters has one of its own, by its name. */
const char	*tt_counter_help(enum tt_counter);
const char	*tt_counter_family_help(const char *family);
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
