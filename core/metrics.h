/*
 * The metrics part of the stats model (core/stats.h has the types and
 * the public calls, tt_stats_metrics() and friends): a map of struct
 * tt_metric_stats by source and metric name.  For stats.c, and for the
 * store's rollups, which add points up with tt_metric_stats_add() too.
 */
#ifndef TT_METRICS_H
#define TT_METRICS_H

#include "hmap.h"
#include "stats.h"

/* One more point at ts (TT_NONE: unknown) of value v (NAN: none). */
void	tt_metric_stats_add(struct tt_metric_stats *, int64_t ts, double v);

void	tt_metrics_init(struct hmap *);
void	tt_metrics_clear(struct hmap *);
void	tt_metrics_apply(struct hmap *, const struct tt_stats_delta *);
/* The points of (source, name) so far; 0 for a metric it does not hold. */
int64_t	tt_metrics_points(const struct hmap *, enum tt_source,
	    const char *name);
/* Add a rollup row (its strings are copied). */
void	tt_metrics_load(struct hmap *, const struct tt_metric_stats *);
/* By source then name; the strings belong to the map. */
size_t	tt_metrics_snapshot(const struct hmap *, struct tt_metric_stats **);

#endif
