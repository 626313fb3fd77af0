/*
 * The numbers of design.md: per-command timings (executions paired by
 * execution_id, percentiles, running and orphaned starts) and daily
 * summaries per source, plus the Devtron Summary counts.  Fed one event at
 * a time (tt_stats_add) both live and when rebuilt from the database, so
 * the live UI and `teltop stats` read the same model; no query scans
 * events.
 */
#ifndef TT_STATS_H
#define TT_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define TT_ORPHAN_AFTER_US	(3600LL * 1000000)	/* default: 1 hour */
#define TT_RECENT		32	/* durations kept for a sparkline */

struct tt_stats;

struct tt_cmd_stats {
	enum tt_source	 source;
	const char	*command;	/* owned by the stats */
	int64_t		 count;		/* finished executions */
	int64_t		 failures;
	int64_t		 with_duration;
	int64_t		 p50_ms, p95_ms, p99_ms, max_ms;	/* TT_NONE: none */
	int64_t		 running;
	int64_t		 orphans;
	int64_t		 last_seen;	/* µs */
	int64_t		 recent[TT_RECENT];	/* oldest first */
	int		 nrecent;
};

struct tt_day_stats {
	char		 day[11];	/* YYYY-MM-DD, local time */
	enum tt_source	 source;
	int64_t		 events;
	int64_t		 commands;
	int64_t		 failures;
	int64_t		 clients;
};

struct tt_summary_count {
	const char	*key;		/* as the event sent it */
	double		 value;
};

struct tt_summary {
	char			 day[11];
	enum tt_source		 source;
	const char		*client_id;
	const struct tt_summary_count *counts;
	size_t			 ncounts;
};

struct tt_stats	*tt_stats_create(int64_t orphan_after_us);
void		 tt_stats_free(struct tt_stats *);
void		 tt_stats_add(struct tt_stats *, const struct tt_event *);

/*
 * Snapshots, sorted (commands by source then command, days and summaries
 * by day then source).  The arrays are malloc'd (caller frees them); the
 * strings inside belong to the stats and live until it is freed.
 */
size_t	tt_stats_commands(struct tt_stats *, int64_t now_us,
	    struct tt_cmd_stats **);
size_t	tt_stats_days(struct tt_stats *, struct tt_day_stats **);
size_t	tt_stats_summaries(struct tt_stats *, struct tt_summary **);

/* Local day of a time in µs ("YYYY-MM-DD"), honouring TZ. */
void	tt_local_day(int64_t us, char day[11]);

/* Percentile histogram (exposed for tests and the benchmark). */
struct tt_hist;
struct tt_hist	*tt_hist_create(void);
void		 tt_hist_free(struct tt_hist *);
void		 tt_hist_add(struct tt_hist *, int64_t);
/* Nearest-rank percentile (0 < p <= 100) within 1%; TT_NONE if empty. */
int64_t		 tt_hist_percentile(const struct tt_hist *, double p);
int64_t		 tt_hist_count(const struct tt_hist *);
int64_t		 tt_hist_max(const struct tt_hist *);

#endif
