/*
 * The numbers of design.md: per-command timings (executions paired by
 * execution_id, percentiles, running and orphaned starts) and daily
 * summaries per source, plus the Devtron Summary counts.
 *
 * What one event changes is a delta (struct tt_stats_delta), worked out
 * from the event and the state of its execution before it (struct
 * tt_exec).  The store works deltas out in the transaction that stores
 * their events (it alone sees every event before them: store/rollup.c),
 * adds them to its rollup tables, and hands them to the live model, which
 * applies them (tt_stats_apply); a model is loaded from the rollups
 * (tt_stats_load_*), so neither the live UI nor `teltop stats` replays
 * events.  tt_stats_add() works the delta out itself from the events it
 * was given (it keeps every execution it saw: for a scan of a range, and
 * the tests).
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

/*
 * A metric's data points (OTLP metrics), per source and metric name.  A
 * point's value is a gauge's or a sum's number, or a histogram's or a
 * summary's mean (sum / count); last is the value of the point received
 * last, recent the latest values.
 */
struct tt_metric_stats {
	enum tt_source	 source;
	const char	*name;		/* owned by the stats, as the next two */
	const char	*kind;		/* "gauge", "sum", "histogram", ... */
	const char	*unit;		/* "" when the metric has none */
	int64_t		 points;
	int64_t		 last_seen;	/* µs, the newest point's time */
	double		 last, min, max;	/* NAN: no point had a value */
	double		 recent[TT_RECENT];	/* oldest first */
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

/*
 * What one event changes in the aggregates.  The strings are owned
 * (tt_stats_delta_clear frees them).
 */
struct tt_stats_delta {
	enum tt_source	 source;
	int64_t		 ts;
	char		 day[11];	/* the local day of ts */
	int		 new_client;	/* its client's first event that day */
	int		 summary;	/* a Devtron Summary (counts in the event) */
	char		*command;	/* NULL: no command (a point event) */
	int		 finished;	/* one more run of command */
	int		 failed;	/* ... that failed */
	int64_t		 duration_ms;	/* a duration for command; TT_NONE */
	int		 open;		/* +1 a start is open, -1 an open
					   start finished, 0 neither */
	int64_t		 start_ts;	/* the time of that start */
	/* A metric data point: its metric (NULL: ev is not one), its kind
	 * and unit ("" when none) and value (NAN when none). */
	char		*metric, *metric_kind, *metric_unit;
	double		 metric_value;
};

/*
 * An execution as the events before one tell it.  command is the first
 * event's (an execution belongs to the command its first event named):
 * the caller sets it, and owns it, before the first step.
 */
struct tt_exec {
	const char	*command;
	int64_t		 start_ts;
	int64_t		 finish_ts;
	unsigned	 started:1, finished:1, timed:1;
};

struct tt_stats	*tt_stats_create(int64_t orphan_after_us);
void		 tt_stats_free(struct tt_stats *);
void		 tt_stats_add(struct tt_stats *, const struct tt_event *);
/* The same, with what it changed into d (the caller clears it): what a
 * store that works no deltas out hands on to viewers. */
void		 tt_stats_add_delta(struct tt_stats *, const struct tt_event *,
		     struct tt_stats_delta *d);

/* The command an event counts under: its command, else its name. */
const char	*tt_event_command(const struct tt_event *);
/* Is ev one of Devtron's Summary events? */
int		 tt_event_is_summary(const struct tt_event *);
/*
 * The delta's fields from command on for ev (not a point event), x the
 * state of its execution (NULL: ev has no execution_id), moved past ev.
 */
void		 tt_exec_step(struct tt_exec *x, const struct tt_event *ev,
		     struct tt_stats_delta *d);
void		 tt_stats_delta_init(struct tt_stats_delta *);
void		 tt_stats_delta_clear(struct tt_stats_delta *);
/*
 * The metric part of ev's delta: set when ev is an OTLP metric data point
 * and its JSON text (data) reads as one (0), else left as it is (-1).
 */
int		 tt_metric_point(const struct tt_event *ev,
		     struct tt_stats_delta *d);
/* Apply the delta the store worked out for ev (committed). */
void		 tt_stats_apply(struct tt_stats *, const struct tt_event *ev,
		     const struct tt_stats_delta *);

/*
 * Loading a model from rollup rows.  A command's open starts count as
 * orphans until a tt_stats_load_open() names one as running; its
 * histogram is returned for its buckets (tt_hist_add_bucket).
 */
struct tt_hist	*tt_stats_load_cmd(struct tt_stats *, enum tt_source,
		     const char *command, int64_t count, int64_t failures,
		     int64_t open, int64_t last_seen, int64_t max_ms,
		     const int64_t *recent, int nrecent);
/* An open start younger than the orphan timeout (the command loaded). */
void		 tt_stats_load_open(struct tt_stats *, enum tt_source,
		     const char *command, const char *execution_id,
		     int64_t start_ts);
void		 tt_stats_load_day(struct tt_stats *, const char *day,
		     enum tt_source, int64_t events, int64_t commands,
		     int64_t failures, int64_t clients);
/* counts as tt_summary_json() gives them; -1 if they do not parse. */
int		 tt_stats_load_summary(struct tt_stats *, const char *day,
		     enum tt_source, const char *client, int64_t ts,
		     const char *counts);
/* A metric's rollup row (recent: n values, oldest first). */
void		 tt_stats_load_metric(struct tt_stats *, enum tt_source,
		     const char *name, const char *kind, const char *unit,
		     int64_t points, int64_t last_seen, double last,
		     double min, double max, const double *recent, int n);
/*
 * The whole model as JSON (what the rollups hold: commands with their
 * histogram buckets, open starts, days, summaries, metrics), and loaded
 * back into an empty model: how a viewer in another process gets the
 * collector's.  Restore skips rows it cannot read; -1 if root is not an
 * object.
 */
struct cJSON	*tt_stats_dump(struct tt_stats *);
int		 tt_stats_restore(struct tt_stats *, const struct cJSON *root,
		     int64_t now_us);
int64_t		 tt_stats_orphan_after(const struct tt_stats *);
/* Open starts the model holds (younger than the orphan timeout at the
 * last snapshot), and executions tt_stats_add() keeps: for the tests. */
size_t		 tt_stats_held(const struct tt_stats *, size_t *execs);

/*
 * The counts of a Devtron Summary event as JSON, [["key",value],...] in
 * the order sent; NULL when it has none to keep (no properties object).
 * Caller frees.
 */
char		*tt_summary_json(const struct tt_event *);

/*
 * Snapshots, sorted (commands by source then command, days and summaries
 * by day then source).  The arrays are malloc'd (caller frees them); the
 * strings inside belong to the stats and live until it is freed.
 */
size_t	tt_stats_commands(struct tt_stats *, int64_t now_us,
	    struct tt_cmd_stats **);
size_t	tt_stats_days(struct tt_stats *, struct tt_day_stats **);
size_t	tt_stats_summaries(struct tt_stats *, struct tt_summary **);
/* Metrics, by source then name. */
size_t	tt_stats_metrics(struct tt_stats *, struct tt_metric_stats **);

/* Local day of a time in µs ("YYYY-MM-DD"), honouring TZ. */
void	tt_local_day(int64_t us, char day[11]);

/*
 * The local days looked up last and the µs ranges they cover: events of a
 * few days, in any order, cost no localtime() (which stats the zone file
 * each time when TZ is unset).  Zeroed is empty.
 */
#define TT_DAY_CACHE	64
struct tt_day_cache {
	struct {
		int64_t	start, end;
		char	day[11];
	}	e[TT_DAY_CACHE];
	int	n, last, next;
	char	scratch[11];	/* a day no range is kept for */
};
/* The local day of us, through the cache; valid until the next call. */
const char *tt_day_cached(struct tt_day_cache *, int64_t us);

/*
 * A name for the local time zone as days see it: a hash of the UTC
 * offsets it gives over 1900-2100, so "UTC", an unset TZ on a UTC machine
 * and "Etc/UTC" are the same zone and Kolkata is not.  Days stored in one
 * zone are only read as local days in the same.
 */
#define TT_ZONE_LEN	16
void	tt_zone_id(char id[TT_ZONE_LEN + 1]);

/* Percentile histogram (exposed for tests and the benchmark). */
struct tt_hist;
struct tt_hist	*tt_hist_create(void);
void		 tt_hist_free(struct tt_hist *);
void		 tt_hist_add(struct tt_hist *, int64_t);
/* Nearest-rank percentile (0 < p <= 100) within 1%; TT_NONE if empty. */
int64_t		 tt_hist_percentile(const struct tt_hist *, double p);
int64_t		 tt_hist_count(const struct tt_hist *);
int64_t		 tt_hist_max(const struct tt_hist *);
/*
 * The buckets, for keeping a histogram in rows.  Exact below 128 ms, then
 * 64 a power of two: a percentile (the middle of its bucket) is within
 * 1/128 (0.8%) of the true value.
 */
size_t		 tt_hist_bucket(int64_t);
/* The next bucket from *i on that holds values: its count, *i set; 0 at
 * the end. */
int64_t		 tt_hist_next(const struct tt_hist *, size_t *i);
/* Add n values to bucket i (max is the caller's: tt_hist_set_max). */
void		 tt_hist_add_bucket(struct tt_hist *, size_t i, int64_t n);
void		 tt_hist_set_max(struct tt_hist *, int64_t);

#endif
