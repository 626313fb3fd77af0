/*
 * The decoders behind tt_decode(): one per wire format.  Each appends what it
 * finds to the batch; an item it cannot use is counted as rejected there and
 * never stops the others.
 */
#ifndef TT_FORMATS_H
#define TT_FORMATS_H

#include <cJSON.h>

#include "../decode.h"
#include "json.h"
#include "../privacy.h"
#include "span.h"

struct dctx {
	const struct tt_decode_opts	*opts;
	struct tt_batch			*batch;
	size_t				 event_max;
	int64_t				 received_at;
	const char			*body;		/* the bytes decoded */
	struct spans			 spans;		/* of the tree in use */
	struct tt_findings		 findings;	/* reused per event */
};

/*
 * Claim a new event for a JSON item: checks its size, sets data (the
 * item's bytes in the body when d->spans has them usable, else its print)
 * and, with opts->findings, pii.
 */
struct tt_event	*fmt_new_event(struct dctx *, const cJSON *item,
		    const char *format, enum tt_source);
/* Set ts from a member, else the fallback, else received_at. */
void		 fmt_set_ts(struct dctx *, struct tt_event *, const cJSON *,
		    const char *key, int64_t fallback);

/* PostHog bodies: an envelope, an array, a single event. */
int	fmt_posthog(struct dctx *, const cJSON *, int v1, char **cause);
void	fmt_posthog_item(struct dctx *, const cJSON *, const char *format,
	    int64_t fallback_ts);
/* DevPod/Devsy {"data":[{"event","user"}]} and the docs' single shape. */
int	fmt_devpod_insert(struct dctx *, const cJSON *, char **cause);
void	fmt_devpod_insert_item(struct dctx *, const cJSON *);
/* Legacy DevPod {"type":"cmdstarted"|"cmdfinished",...}. */
void	fmt_devpod_legacy_item(struct dctx *, const cJSON *);
/* OTLP traces as protobuf or JSON, and werf's flat JSON. */
int	fmt_otlp_protobuf(struct dctx *, const uint8_t *, size_t,
	    char **cause);
int	fmt_otlp_json(struct dctx *, const cJSON *, char **cause);
void	fmt_werf_flat_item(struct dctx *, const cJSON *);
/* OTLP logs and metrics (otlpsig.c), as protobuf or JSON. */
int	fmt_otlp_logs_protobuf(struct dctx *, const uint8_t *, size_t,
	    char **cause);
int	fmt_otlp_logs_json(struct dctx *, const cJSON *, char **cause);
int	fmt_otlp_metrics_protobuf(struct dctx *, const uint8_t *, size_t,
	    char **cause);
int	fmt_otlp_metrics_json(struct dctx *, const cJSON *, char **cause);
/* Segment's tracking API (and RudderStack's): a batch or one message. */
int	fmt_segment(struct dctx *, const cJSON *, char **cause);
void	fmt_segment_item(struct dctx *, const cJSON *);
/* Is type one of the tracking API's message types? */
int	fmt_segment_type(const char *type);
/* Anything else that looks like an event. */
void	fmt_generic_item(struct dctx *, const cJSON *);

/*
 * The formats' tables of member names (formats/json.h), one per format and
 * one for telling shapes apart; fmt_tables[] lists them all (NULL-ended),
 * for the test that they are sorted.
 */
extern const struct json_names	 fmt_shape_names, fmt_posthog_names,
				 fmt_devpod_names, fmt_otlp_names,
				 fmt_otlp_signal_names, fmt_segment_names,
				 fmt_generic_names;
extern const struct json_names	*const fmt_tables[];

#endif
