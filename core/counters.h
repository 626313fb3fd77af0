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
	_(REJ_STORE, "rejected_store", "store")

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
/* The rejection reason of a rejected_* counter, else NULL. */
const char	*tt_counter_reason(enum tt_counter);
int64_t		 tt_counters_rejected(const struct tt_counters *);

#endif
