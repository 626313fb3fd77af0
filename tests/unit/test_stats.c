/*
 * Unit tests for the statistics model (core/stats.h): executions paired by
 * execution_id whatever the order and however often their start and finish
 * arrive, durations (the event's own first, else finish - start), running
 * and orphaned starts against the orphan timeout, one-shot finishes,
 * failures, commands kept per source; the percentile histogram against
 * exact nearest-rank values on random data; local days across time zones
 * (TZ honoured, the model's day cache agreeing with tt_local_day); distinct
 * clients per day; Devtron Summary counts in both shapes.  And what the
 * rollups use: the day cache, the zone id, histograms kept as buckets, a
 * model loaded from rollup rows and fed deltas, which holds no finished
 * execution.
 *
 * Events are built by hand and fed one at a time.  Every test runs with
 * TZ=UTC unless it sets a zone itself; the teardown puts UTC back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tt_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "stats.h"

#define SEC	1000000LL
#define MIN	(60 * SEC)
#define HOUR	(60 * MIN)
#define DAY	(24 * HOUR)

/* 2026-01-05T12:00:00Z in µs. */
#define T0	1767614400000000LL

/* A non-NULL int64 for struct spec. */
#define I64(v)	(&(const int64_t){ (v) })

/* One event to feed.  NULL strings: absent; NULL dur/code: TT_NONE. */
struct spec {
	enum tt_source	 source;
	enum tt_phase	 phase;
	const char	*name;
	const char	*command;
	const char	*exec;
	const char	*client;
	const char	*error;
	const char	*data;
	int64_t		 ts;
	const int64_t	*dur;
	const int64_t	*code;
};

#define ADD(st, ...) add_event((st), &(const struct spec){ __VA_ARGS__ })

static void
add_event(struct tt_stats *st, const struct spec *s)
{
	struct tt_event	ev;

	tt_event_init(&ev);
	ev.source = s->source;
	ev.phase = s->phase;
	ev.ts = s->ts;
	ev.received_at = s->ts;
	ev.name = dup_str(s->name);
	ev.command = dup_str(s->command);
	ev.execution_id = dup_str(s->exec);
	ev.client_id = dup_str(s->client);
	ev.error = dup_str(s->error);
	ev.data = dup_str(s->data);
	ev.data_len = ev.data != NULL ? strlen(ev.data) : 0;
	if (s->dur != NULL)
		ev.duration_ms = *s->dur;
	if (s->code != NULL)
		ev.exit_code = *s->code;
	tt_stats_add(st, &ev);
	tt_event_clear(&ev);
}

/* A werf-like start / finish of command "build" (source werf). */
#define START(st, x, t) \
	ADD((st), .source = TT_SRC_WERF, .phase = TT_PHASE_START, \
	    .name = "CommandStarted", .command = "build", .exec = (x), \
	    .ts = (t))
#define FINISH(st, x, t, ...) \
	ADD((st), .source = TT_SRC_WERF, .phase = TT_PHASE_FINISH, \
	    .name = "CommandExited", .command = "build", .exec = (x), \
	    .ts = (t), __VA_ARGS__)

/* The row of one command; fails unless there is exactly one. */
static struct tt_cmd_stats
cmd_at(struct tt_stats *st, int64_t now, enum tt_source src,
    const char *command)
{
	struct tt_cmd_stats	*a, r;
	size_t			 n, i;
	int			 found = 0;

	memset(&r, 0, sizeof r);
	n = tt_stats_commands(st, now, &a);
	for (i = 0; i < n; i++) {
		if (a[i].source != src || strcmp(a[i].command, command) != 0)
			continue;
		r = a[i];
		found++;
	}
	free(a);
	if (found != 1)
		fail_msg("%d rows for %s/%s, expected 1", found,
		    tt_source_name(src), command);
	return r;
}

static size_t
ncommands(struct tt_stats *st, int64_t now)
{
	struct tt_cmd_stats	*a;
	size_t			 n;

	n = tt_stats_commands(st, now, &a);
	free(a);
	return n;
}

/* Counts of a command row, then its timings (TT_NONE: none). */
#define CMD_IS(c, cnt, fails, run, orph) do {				\
	assert_i64((c).count, (cnt));					\
	assert_i64((c).failures, (fails));				\
	assert_i64((c).running, (run));					\
	assert_i64((c).orphans, (orph));				\
} while (0)

/*
 * A percentile: TT_NONE exactly when none is wanted, else within 2% of
 * the exact nearest-rank value (what the issue allows).
 */
static void
pct_is(int64_t got, int64_t want, const char *what, const char *file,
    int line)
{
	int64_t	d;

	if (want == TT_NONE || got == TT_NONE) {
		if (got != want) {
			print_error("%s:%d: %s = %lld, expected %lld\n", file,
			    line, what, (long long)got, (long long)want);
			fail();
		}
		return;
	}
	d = got > want ? got - want : want - got;
	if (d * 100 > want * 2) {
		print_error("%s:%d: %s = %lld, not within 2%% of %lld\n",
		    file, line, what, (long long)got, (long long)want);
		fail();
	}
}

/* Timings of a command row; max exact, percentiles within 2%. */
#define TIMED_IS(c, n, p50, p95, p99, mx) do {				\
	struct tt_cmd_stats c_ = (c);					\
	assert_i64(c_.with_duration, (n));				\
	pct_is(c_.p50_ms, (p50), "p50_ms", __FILE__, __LINE__);		\
	pct_is(c_.p95_ms, (p95), "p95_ms", __FILE__, __LINE__);		\
	pct_is(c_.p99_ms, (p99), "p99_ms", __FILE__, __LINE__);		\
	assert_i64(c_.max_ms, (mx));					\
} while (0)

/* The row of a day and source; found 0 if there is none. */
static struct tt_day_stats
day_at(struct tt_stats *st, const char *day, enum tt_source src, int *found)
{
	struct tt_day_stats	*a, r;
	size_t			 n, i;

	memset(&r, 0, sizeof r);
	*found = 0;
	n = tt_stats_days(st, &a);
	for (i = 0; i < n; i++) {
		if (a[i].source != src || strcmp(a[i].day, day) != 0)
			continue;
		r = a[i];
		(*found)++;
	}
	free(a);
	if (*found > 1)
		fail_msg("%d rows for %s/%s", *found, day,
		    tt_source_name(src));
	return r;
}

#define DAY_IS(st, day, src, ev, cmds, fails, cl) do {			\
	int			 f_;					\
	struct tt_day_stats	 d_ = day_at((st), (day), (src), &f_);	\
	if (f_ != 1)							\
		fail_msg("no daily row %s/%s", (day),			\
		    tt_source_name(src));				\
	assert_i64(d_.events, (ev));					\
	assert_i64(d_.commands, (cmds));				\
	assert_i64(d_.failures, (fails));				\
	assert_i64(d_.clients, (cl));					\
} while (0)

static size_t
ndays(struct tt_stats *st)
{
	struct tt_day_stats	*a;
	size_t			 n;

	n = tt_stats_days(st, &a);
	free(a);
	return n;
}

static void
set_tz(const char *tz)
{
	assert_int_equal(setenv("TZ", tz, 1), 0);
	tzset();
}

static int
tz_utc(void **state)
{
	(void)state;
	set_tz("UTC");
	return 0;
}

/* ---- pairing ---- */

/* Start, then finish: running until the finish, then one timed run. */
static void
test_start_then_finish(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_cmd_stats	 c;

	(void)state;
	START(st, "x1", T0);
	c = cmd_at(st, T0 + SEC, TT_SRC_WERF, "build");
	CMD_IS(c, 0, 0, 1, 0);
	TIMED_IS(c, 0, TT_NONE, TT_NONE, TT_NONE, TT_NONE);
	assert_i64(c.last_seen, T0);

	FINISH(st, "x1", T0 + 1500 * 1000, .code = I64(0));
	c = cmd_at(st, T0 + 2 * SEC, TT_SRC_WERF, "build");
	CMD_IS(c, 1, 0, 0, 0);
	TIMED_IS(c, 1, 1500, 1500, 1500, 1500);
	assert_i64(c.last_seen, T0 + 1500 * 1000);
	assert_int_equal(ncommands(st, T0), 1);
	DAY_IS(st, "2026-01-05", TT_SRC_WERF, 2, 1, 0, 0);
	tt_stats_free(st);
}

/* Finish first: counted at once, timed when its start arrives. */
static void
test_finish_then_start(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_cmd_stats	 c;

	(void)state;
	FINISH(st, "x1", T0 + 2 * SEC);
	c = cmd_at(st, T0 + 3 * SEC, TT_SRC_WERF, "build");
	CMD_IS(c, 1, 0, 0, 0);
	TIMED_IS(c, 0, TT_NONE, TT_NONE, TT_NONE, TT_NONE);

	START(st, "x1", T0);
	c = cmd_at(st, T0 + 3 * SEC, TT_SRC_WERF, "build");
	CMD_IS(c, 1, 0, 0, 0);
	TIMED_IS(c, 1, 2000, 2000, 2000, 2000);
	assert_i64(c.last_seen, T0 + 2 * SEC);

	/* long after: the late start is not an orphan */
	c = cmd_at(st, T0 + 30 * DAY, TT_SRC_WERF, "build");
	CMD_IS(c, 1, 0, 0, 0);
	DAY_IS(st, "2026-01-05", TT_SRC_WERF, 2, 1, 0, 0);
	tt_stats_free(st);
}

/*
 * finish - start over the whole int64 range, in either order (found by
 * tests/fuzz/fuzz_ingest: the subtraction overflowed, UBSan).
 */
static void
test_extreme_span(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_cmd_stats	 c;

	(void)state;
	START(st, "x1", INT64_MIN + 1);
	FINISH(st, "x1", INT64_MAX);
	FINISH(st, "x2", INT64_MAX);
	START(st, "x2", INT64_MIN);
	c = cmd_at(st, T0, TT_SRC_WERF, "build");
	CMD_IS(c, 2, 0, 0, 0);
	/* a span that no int64 holds is no duration, in either order */
	assert_i64(c.with_duration, 0);
	assert_int_equal(c.nrecent, 0);
	tt_stats_free(st);
}

/* A start sent twice counts once; the first one's time is kept. */
static void
test_duplicate_start(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_cmd_stats	 c;

	(void)state;
	START(st, "x1", T0);
	START(st, "x1", T0 + 5 * SEC);
	c = cmd_at(st, T0 + 6 * SEC, TT_SRC_WERF, "build");
	CMD_IS(c, 0, 0, 1, 0);
	FINISH(st, "x1", T0 + 10 * SEC);
	c = cmd_at(st, T0 + 11 * SEC, TT_SRC_WERF, "build");
	CMD_IS(c, 1, 0, 0, 0);
	TIMED_IS(c, 1, 10000, 10000, 10000, 10000);

	/* a duplicate after the finish changes nothing either */
	START(st, "x1", T0 + 7 * SEC);
	c = cmd_at(st, T0 + 11 * SEC, TT_SRC_WERF, "build");
	CMD_IS(c, 1, 0, 0, 0);
	TIMED_IS(c, 1, 10000, 10000, 10000, 10000);
	c = cmd_at(st, T0 + 30 * DAY, TT_SRC_WERF, "build");
	CMD_IS(c, 1, 0, 0, 0);
	tt_stats_free(st);
}

/* A finish sent twice counts once, with the first one's outcome. */
static void
test_duplicate_finish(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_cmd_stats	 c;

	(void)state;
	START(st, "x1", T0);
	FINISH(st, "x1", T0 + SEC, .code = I64(0));
	FINISH(st, "x1", T0 + 3 * SEC, .code = I64(1), .dur = I64(3000));
	c = cmd_at(st, T0 + 4 * SEC, TT_SRC_WERF, "build");
	CMD_IS(c, 1, 0, 0, 0);
	TIMED_IS(c, 1, 1000, 1000, 1000, 1000);
	DAY_IS(st, "2026-01-05", TT_SRC_WERF, 3, 1, 0, 0);

	/* the same when the finishes come before the start */
	FINISH(st, "x2", T0 + 2 * SEC, .code = I64(1));
	FINISH(st, "x2", T0 + 2 * SEC, .code = I64(1));
	START(st, "x2", T0);
	START(st, "x2", T0);
	c = cmd_at(st, T0 + 4 * SEC, TT_SRC_WERF, "build");
	CMD_IS(c, 2, 1, 0, 0);
	TIMED_IS(c, 2, 1000, 2000, 2000, 2000);
	DAY_IS(st, "2026-01-05", TT_SRC_WERF, 7, 2, 1, 0);
	tt_stats_free(st);
}

/* A finish whose start never comes: counted, without a duration. */
static void
test_finish_without_start(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_cmd_stats	 c;

	(void)state;
	FINISH(st, "lonely", T0, .code = I64(0));
	c = cmd_at(st, T0 + 30 * DAY, TT_SRC_WERF, "build");
	CMD_IS(c, 1, 0, 0, 0);
	TIMED_IS(c, 0, TT_NONE, TT_NONE, TT_NONE, TT_NONE);
	/* unless it carries its own */
	FINISH(st, "lonely2", T0, .code = I64(0), .dur = I64(700));
	c = cmd_at(st, T0 + 30 * DAY, TT_SRC_WERF, "build");
	CMD_IS(c, 2, 0, 0, 0);
	TIMED_IS(c, 1, 700, 700, 700, 700);
	tt_stats_free(st);
}

/* The event's own duration wins over finish - start, in either order. */
static void
test_own_duration_wins(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_cmd_stats	 c;

	(void)state;
	START(st, "x1", T0);
	FINISH(st, "x1", T0 + 5 * SEC, .dur = I64(1234), .code = I64(0));
	c = cmd_at(st, T0 + 6 * SEC, TT_SRC_WERF, "build");
	TIMED_IS(c, 1, 1234, 1234, 1234, 1234);

	FINISH(st, "x2", T0 + 9 * SEC, .dur = I64(77), .code = I64(0));
	START(st, "x2", T0);
	c = cmd_at(st, T0 + 10 * SEC, TT_SRC_WERF, "build");
	CMD_IS(c, 2, 0, 0, 0);
	TIMED_IS(c, 2, 77, 1234, 1234, 1234);

	/* a zero duration is a duration */
	FINISH(st, "x3", T0 + 9 * SEC, .dur = I64(0));
	START(st, "x3", T0);
	c = cmd_at(st, T0 + 10 * SEC, TT_SRC_WERF, "build");
	TIMED_IS(c, 3, 77, 1234, 1234, 1234);
	assert_int_equal(c.nrecent, 3);
	assert_i64(c.recent[0], 1234);
	assert_i64(c.recent[1], 77);
	assert_i64(c.recent[2], 0);
	tt_stats_free(st);
}

/* A start alone: running, an orphan after the timeout, counted on finish. */
static void
test_orphan_lifecycle(void **state)
{
	struct tt_stats		*st = tt_stats_create(10 * SEC);
	struct tt_cmd_stats	 c;

	(void)state;
	START(st, "x1", T0);
	c = cmd_at(st, T0 + 10 * SEC - 1, TT_SRC_WERF, "build");
	CMD_IS(c, 0, 0, 1, 0);
	c = cmd_at(st, T0 + 10 * SEC + 1, TT_SRC_WERF, "build");
	CMD_IS(c, 0, 0, 0, 1);
	c = cmd_at(st, T0 + 20 * SEC, TT_SRC_WERF, "build");
	CMD_IS(c, 0, 0, 0, 1);
	/* the finish turns the orphan into a run, timed by the pair */
	FINISH(st, "x1", T0 + 20 * SEC, .code = I64(2));
	c = cmd_at(st, T0 + 21 * SEC, TT_SRC_WERF, "build");
	CMD_IS(c, 1, 1, 0, 0);
	TIMED_IS(c, 1, 20000, 20000, 20000, 20000);
	c = cmd_at(st, T0 + 30 * DAY, TT_SRC_WERF, "build");
	CMD_IS(c, 1, 1, 0, 0);
	tt_stats_free(st);

	/* the default timeout is one hour */
	st = tt_stats_create(0);
	START(st, "x1", T0);
	c = cmd_at(st, T0 + 59 * MIN, TT_SRC_WERF, "build");
	CMD_IS(c, 0, 0, 1, 0);
	c = cmd_at(st, T0 + 61 * MIN, TT_SRC_WERF, "build");
	CMD_IS(c, 0, 0, 0, 1);
	tt_stats_free(st);
	st = tt_stats_create(TT_ORPHAN_AFTER_US);
	START(st, "x1", T0);
	c = cmd_at(st, T0 + HOUR - SEC, TT_SRC_WERF, "build");
	CMD_IS(c, 0, 0, 1, 0);
	c = cmd_at(st, T0 + HOUR + SEC, TT_SRC_WERF, "build");
	CMD_IS(c, 0, 0, 0, 1);
	tt_stats_free(st);
}

static uint64_t	rng;

/* splitmix64 */
static uint64_t
rnd(void)
{
	uint64_t	z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double
unif(void)
{
	return (double)(rnd() >> 11) * 0x1.0p-53;
}

/*
 * Many starts at random times, some finished, against a clock that moves
 * forward: running and orphans always match a count by hand.
 */
static void
test_orphans_many(void **state)
{
	enum { N = 900, FIRST = 500 };
	struct tt_stats		*st = tt_stats_create(HOUR);
	struct tt_cmd_stats	 c;
	int64_t			 start[N], now;
	int			 done[N], i, n, step, want_run, want_orph, fin;
	char			 id[32];

	(void)state;
	rng = 42;
	for (i = 0; i < N; i++) {
		start[i] = T0 + (int64_t)(rnd() % (10 * 3600)) * SEC;
		done[i] = 0;
		if (i >= FIRST)
			continue;
		snprintf(id, sizeof id, "m%d", i);
		START(st, id, start[i]);
	}
	fin = 0;
	n = FIRST;
	for (step = 0; step < 40; step++) {
		now = T0 + HOUR + step * 15 * MIN + SEC / 2;
		/* late starts, some older than the clock already passed */
		for (; n < FIRST + (step + 1) * 10; n++) {
			snprintf(id, sizeof id, "m%d", n);
			START(st, id, start[n]);
		}
		/* finish a few, some of them orphans by now */
		for (i = 0; i < n; i++) {
			if (done[i] || rnd() % 20 != 0)
				continue;
			done[i] = 1;
			fin++;
			snprintf(id, sizeof id, "m%d", i);
			FINISH(st, id, start[i] + 90 * MIN, .code = I64(0));
		}
		want_run = want_orph = 0;
		for (i = 0; i < n; i++) {
			if (done[i])
				continue;
			if (start[i] + HOUR < now)
				want_orph++;
			else
				want_run++;
		}
		c = cmd_at(st, now, TT_SRC_WERF, "build");
		assert_i64(c.count, fin);
		assert_i64(c.running, want_run);
		assert_i64(c.orphans, want_orph);
		assert_i64(c.with_duration, fin);
	}
	tt_stats_free(st);
}

/* devpod_cli / devsy_cli: a finish without id is a whole execution. */
static void
test_one_shot(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_cmd_stats	 c;

	(void)state;
	ADD(st, .source = TT_SRC_DEVPOD, .phase = TT_PHASE_FINISH,
	    .name = "devpod_cli", .command = "devpod up", .client = "m1",
	    .ts = T0);
	ADD(st, .source = TT_SRC_DEVPOD, .phase = TT_PHASE_FINISH,
	    .name = "devpod_cli", .command = "devpod up", .client = "m1",
	    .ts = T0 + SEC, .error = "workspace not found");
	ADD(st, .source = TT_SRC_DEVPOD, .phase = TT_PHASE_FINISH,
	    .name = "devpod_cli", .command = "devpod up", .client = "m2",
	    .exec = "", .ts = T0 + 2 * SEC);
	ADD(st, .source = TT_SRC_DEVSY, .phase = TT_PHASE_FINISH,
	    .name = "devsy_cli", .command = "devsy up", .client = "m3",
	    .ts = T0 + 3 * SEC);
	/* no command: the event's name stands in */
	ADD(st, .source = TT_SRC_DEVSY, .phase = TT_PHASE_FINISH,
	    .name = "devsy_cli", .client = "m3", .ts = T0 + 4 * SEC);
	c = cmd_at(st, T0 + 30 * DAY, TT_SRC_DEVPOD, "devpod up");
	CMD_IS(c, 3, 1, 0, 0);
	TIMED_IS(c, 0, TT_NONE, TT_NONE, TT_NONE, TT_NONE);
	assert_i64(c.last_seen, T0 + 2 * SEC);
	c = cmd_at(st, T0, TT_SRC_DEVSY, "devsy up");
	CMD_IS(c, 1, 0, 0, 0);
	c = cmd_at(st, T0, TT_SRC_DEVSY, "devsy_cli");
	CMD_IS(c, 1, 0, 0, 0);
	assert_int_equal(ncommands(st, T0), 3);
	DAY_IS(st, "2026-01-05", TT_SRC_DEVPOD, 3, 3, 1, 2);
	DAY_IS(st, "2026-01-05", TT_SRC_DEVSY, 2, 2, 0, 1);
	tt_stats_free(st);
}

/* Point events are counted per day but are no executions. */
static void
test_point_events(void **state)
{
	struct tt_stats	*st = tt_stats_create(0);

	(void)state;
	ADD(st, .source = TT_SRC_POSTHOG, .phase = TT_PHASE_POINT,
	    .name = "$pageview", .client = "u1", .ts = T0);
	ADD(st, .source = TT_SRC_WERF, .phase = TT_PHASE_POINT,
	    .name = "SomethingElse", .command = "build", .exec = "x1",
	    .ts = T0, .code = I64(1));
	assert_int_equal(ncommands(st, T0), 0);
	DAY_IS(st, "2026-01-05", TT_SRC_POSTHOG, 1, 0, 0, 1);
	DAY_IS(st, "2026-01-05", TT_SRC_WERF, 1, 0, 0, 0);
	/* the point event did not start or finish x1 */
	START(st, "x1", T0);
	FINISH(st, "x1", T0 + SEC);
	CMD_IS(cmd_at(st, T0, TT_SRC_WERF, "build"), 1, 0, 0, 0);
	tt_stats_free(st);
}

/* Failures: a non-zero exit code or a non-empty error. */
static void
test_failures(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_cmd_stats	 c;

	(void)state;
	FINISH(st, "ok0", T0, .code = I64(0));
	FINISH(st, "ok1", T0);
	FINISH(st, "ok2", T0, .code = I64(0), .error = "");
	FINISH(st, "bad1", T0, .code = I64(1));
	FINISH(st, "bad2", T0, .code = I64(-1));
	FINISH(st, "bad3", T0, .code = I64(255));
	FINISH(st, "bad4", T0, .error = "exit status 1");
	FINISH(st, "bad5", T0, .code = I64(0), .error = "boom");
	ADD(st, .source = TT_SRC_GENERIC, .phase = TT_PHASE_FINISH,
	    .name = "job", .command = "job", .ts = T0, .code = I64(3));
	c = cmd_at(st, T0, TT_SRC_WERF, "build");
	CMD_IS(c, 8, 5, 0, 0);
	CMD_IS(cmd_at(st, T0, TT_SRC_GENERIC, "job"), 1, 1, 0, 0);
	DAY_IS(st, "2026-01-05", TT_SRC_WERF, 8, 8, 5, 0);
	DAY_IS(st, "2026-01-05", TT_SRC_GENERIC, 1, 1, 1, 0);
	tt_stats_free(st);
}

/* The same command or execution id on two sources stays apart. */
static void
test_per_source(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_cmd_stats	*a;
	size_t			 n;

	(void)state;
	START(st, "same", T0);
	ADD(st, .source = TT_SRC_GENERIC, .phase = TT_PHASE_FINISH,
	    .name = "x", .command = "build", .exec = "same", .ts = T0 + SEC,
	    .code = I64(1));
	ADD(st, .source = TT_SRC_GENERIC, .phase = TT_PHASE_START,
	    .name = "x", .command = "build", .exec = "g2", .ts = T0);
	ADD(st, .source = TT_SRC_GENERIC, .phase = TT_PHASE_FINISH,
	    .name = "x", .command = "build", .exec = "g2", .ts = T0 + 4 * SEC);
	CMD_IS(cmd_at(st, T0 + SEC, TT_SRC_WERF, "build"), 0, 0, 1, 0);
	TIMED_IS(cmd_at(st, T0 + SEC, TT_SRC_WERF, "build"), 0, TT_NONE,
	    TT_NONE, TT_NONE, TT_NONE);
	CMD_IS(cmd_at(st, T0 + SEC, TT_SRC_GENERIC, "build"), 2, 1, 0, 0);
	TIMED_IS(cmd_at(st, T0 + SEC, TT_SRC_GENERIC, "build"), 1, 4000,
	    4000, 4000, 4000);
	FINISH(st, "same", T0 + 2 * SEC);
	CMD_IS(cmd_at(st, T0 + SEC, TT_SRC_WERF, "build"), 1, 0, 0, 0);
	TIMED_IS(cmd_at(st, T0 + SEC, TT_SRC_WERF, "build"), 1, 2000, 2000,
	    2000, 2000);
	CMD_IS(cmd_at(st, T0 + SEC, TT_SRC_GENERIC, "build"), 2, 1, 0, 0);

	/* sorted by source (display order), then command */
	ADD(st, .source = TT_SRC_WERF, .phase = TT_PHASE_FINISH,
	    .name = "x", .command = "apply", .ts = T0);
	ADD(st, .source = TT_SRC_DEVTRON, .phase = TT_PHASE_FINISH,
	    .name = "x", .command = "zzz", .ts = T0);
	n = tt_stats_commands(st, T0, &a);
	assert_int_equal(n, 4);
	assert_int_equal(a[0].source, TT_SRC_DEVTRON);
	assert_int_equal(a[1].source, TT_SRC_WERF);
	assert_str(a[1].command, "apply");
	assert_int_equal(a[2].source, TT_SRC_WERF);
	assert_str(a[2].command, "build");
	assert_int_equal(a[3].source, TT_SRC_GENERIC);
	free(a);
	tt_stats_free(st);
}

/* ---- the histogram ---- */

static int
cmp_i64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The exact nearest-rank p-th percentile of sorted v[0..n). */
static int64_t
nearest_rank(const int64_t *sorted, size_t n, int p)
{
	size_t	rank = ((size_t)p * n + 99) / 100;

	if (rank < 1)
		rank = 1;
	return sorted[rank - 1];
}

/* got within 2% of want. */
#define NEAR(got, want, what) do {					\
	int64_t g_ = (got), w_ = (want);				\
	int64_t d_ = g_ > w_ ? g_ - w_ : w_ - g_;			\
	if (d_ * 100 > w_ * 2) {					\
		print_error("%s: got %lld, exact %lld (n %zu)\n",	\
		    (what), (long long)g_, (long long)w_, n);		\
		fail();							\
	}								\
} while (0)

/* Check a histogram holding v[0..n) against the exact values. */
static void
check_hist(const struct tt_hist *h, int64_t *v, size_t n, const char *dist)
{
	static const int	ps[] = { 1, 10, 50, 90, 95, 99, 100 };
	char			what[96];
	size_t			i;

	qsort(v, n, sizeof *v, cmp_i64);
	assert_i64(tt_hist_count(h), (int64_t)n);
	assert_i64(tt_hist_max(h), v[n - 1]);
	for (i = 0; i < sizeof ps / sizeof ps[0]; i++) {
		snprintf(what, sizeof what, "%s p%d", dist, ps[i]);
		NEAR(tt_hist_percentile(h, ps[i]),
		    nearest_rank(v, n, ps[i]), what);
	}
}

enum dist { D_UNIFORM, D_LOGUNIFORM, D_PARETO, D_EXP, D_LOGNORMAL,
	D_SMALL, D_BIMODAL, D_CONST, D_EDGES, D_COUNT };
static const char *dist_names[] = { "uniform", "log-uniform", "pareto",
	"exponential", "lognormal", "small", "bimodal", "constant",
	"bucket-edges" };

#define VMAX	1000000000LL

static int64_t
clip(double x)
{
	if (!(x >= 0))
		return 0;
	if (x > (double)VMAX)
		return VMAX;
	return (int64_t)x;
}

static int64_t
draw(enum dist d)
{
	double	u, z;
	int	k;

	switch (d) {
	case D_UNIFORM:
		return (int64_t)(rnd() % (uint64_t)(VMAX + 1));
	case D_LOGUNIFORM:
		return clip(exp(unif() * log((double)VMAX + 1)) - 1);
	case D_PARETO:		/* heavy-tailed: alpha 1.1 from 5 ms */
		u = unif();
		return clip(5.0 / pow(1.0 - u, 1.0 / 1.1));
	case D_EXP:
		return clip(-2000.0 * log(1.0 - unif()));
	case D_LOGNORMAL:
		z = sqrt(-2.0 * log(1.0 - unif())) *
		    cos(2.0 * M_PI * unif());
		return clip(exp(8.0 + 2.5 * z));
	case D_SMALL:
		return (int64_t)(rnd() % 300);
	case D_BIMODAL:
		if (rnd() % 10 != 0)
			return 90 + (int64_t)(rnd() % 21);
		return 500000000 + (int64_t)(rnd() % 1000000);
	case D_CONST:
		return 123457;
	case D_EDGES:
		k = 6 + (int)(rnd() % 24);
		return ((int64_t)1 << k) - 1 + (int64_t)(rnd() % 3);
	default:
		return 0;
	}
}

static void
test_hist_random(void **state)
{
	static const size_t	sizes[] = { 1, 2, 3, 7, 99, 100, 101, 1000,
	    20000 };
	struct tt_hist		*h;
	int64_t			*v;
	size_t			 si, i, n;
	int			 d;
	char			 what[64];

	(void)state;
	rng = 1;
	for (d = 0; d < D_COUNT; d++)
		for (si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
			n = sizes[si];
			v = malloc(n * sizeof *v);
			assert_non_null(v);
			h = tt_hist_create();
			for (i = 0; i < n; i++) {
				v[i] = draw((enum dist)d);
				tt_hist_add(h, v[i]);
			}
			snprintf(what, sizeof what, "%s n=%zu", dist_names[d],
			    n);
			check_hist(h, v, n, what);
			tt_hist_free(h);
			free(v);
		}
}

/* Every value up to 4096 alone, and 0 and 1e9. */
static void
test_hist_single_values(void **state)
{
	struct tt_hist	*h;
	int64_t		 v, got;
	size_t		 n = 1;

	(void)state;
	for (v = 0; v <= 4096; v++) {
		h = tt_hist_create();
		tt_hist_add(h, v);
		got = tt_hist_percentile(h, 50);
		NEAR(got, v, "single p50");
		assert_i64(tt_hist_percentile(h, 99), got);
		assert_i64(tt_hist_max(h), v);
		tt_hist_free(h);
	}
	h = tt_hist_create();
	tt_hist_add(h, VMAX);
	NEAR(tt_hist_percentile(h, 50), VMAX, "1e9 p50");
	assert_i64(tt_hist_max(h), VMAX);
	tt_hist_free(h);
}

/* Small counts: empty, one value, two values, exactly. */
static void
test_hist_small(void **state)
{
	struct tt_hist	*h;
	size_t		 n = 2;

	(void)state;
	h = tt_hist_create();
	assert_i64(tt_hist_count(h), 0);
	assert_i64(tt_hist_percentile(h, 50), TT_NONE);
	assert_i64(tt_hist_percentile(h, 99), TT_NONE);
	assert_i64(tt_hist_max(h), TT_NONE);
	tt_hist_add(h, 777);
	NEAR(tt_hist_percentile(h, 50), 777, "one p50");
	NEAR(tt_hist_percentile(h, 95), 777, "one p95");
	NEAR(tt_hist_percentile(h, 99), 777, "one p99");
	assert_i64(tt_hist_max(h), 777);
	tt_hist_free(h);

	/* two values: p50 is the smaller (rank 1), p95 and p99 the larger */
	h = tt_hist_create();
	tt_hist_add(h, 5000);
	tt_hist_add(h, 100);
	assert_i64(tt_hist_percentile(h, 50), 100);
	NEAR(tt_hist_percentile(h, 95), 5000, "two p95");
	NEAR(tt_hist_percentile(h, 99), 5000, "two p99");
	assert_i64(tt_hist_max(h), 5000);
	tt_hist_free(h);

	h = tt_hist_create();
	tt_hist_add(h, 0);
	tt_hist_add(h, 0);
	assert_i64(tt_hist_percentile(h, 50), 0);
	assert_i64(tt_hist_percentile(h, 99), 0);
	assert_i64(tt_hist_max(h), 0);
	tt_hist_free(h);
}

/* The percentiles of a command row, through events (pairs and own). */
static void
test_stats_percentiles(void **state)
{
	enum { N = 5000 };
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_cmd_stats	 c;
	int64_t			*v;
	size_t			 i, n = N;
	char			 id[32];

	(void)state;
	rng = 7;
	v = malloc(N * sizeof *v);
	assert_non_null(v);
	for (i = 0; i < N; i++) {
		v[i] = draw(i % 2 ? D_PARETO : D_LOGNORMAL);
		snprintf(id, sizeof id, "p%zu", i);
		switch (i % 3) {
		case 0:		/* the pair's difference */
			START(st, id, T0);
			FINISH(st, id, T0 + v[i] * 1000 + 999);
			break;
		case 1:		/* finish first, own duration */
			FINISH(st, id, T0 + 5 * SEC, .dur = I64(v[i]));
			START(st, id, T0);
			break;
		default:	/* one-shot with a duration */
			FINISH(st, NULL, T0, .dur = I64(v[i]));
			break;
		}
	}
	c = cmd_at(st, T0, TT_SRC_WERF, "build");
	CMD_IS(c, N, 0, 0, 0);
	qsort(v, n, sizeof *v, cmp_i64);
	assert_i64(c.with_duration, N);
	NEAR(c.p50_ms, nearest_rank(v, n, 50), "p50");
	NEAR(c.p95_ms, nearest_rank(v, n, 95), "p95");
	NEAR(c.p99_ms, nearest_rank(v, n, 99), "p99");
	assert_i64(c.max_ms, v[n - 1]);
	free(v);
	tt_stats_free(st);
}

/* ---- days ---- */

/* A one-shot finish of command "c" (generic) at ts, from client cl. */
#define AT(st, t, cl) \
	ADD((st), .source = TT_SRC_GENERIC, .phase = TT_PHASE_FINISH, \
	    .name = "c", .command = "c", .client = (cl), .ts = (t))

static void
check_local_day(int64_t us, const char *want)
{
	char	day[11];

	memset(day, 'x', sizeof day);
	tt_local_day(us, day);
	assert_str(day, want);
}

/* New York: local midnight of 2026-01-06 is 05:00Z (EST), of 07-01 04:00Z. */
static void
test_days_new_york(void **state)
{
	const int64_t	 m = 1767675600LL * SEC;	/* 2026-01-06 00:00 EST */
	const int64_t	 ms = 1782878400LL * SEC;	/* 2026-07-01 00:00 EDT */
	struct tt_stats	*st;

	(void)state;
	set_tz("America/New_York");
	check_local_day(m - 1, "2026-01-05");
	check_local_day(m, "2026-01-06");
	check_local_day(ms - 1, "2026-06-30");
	check_local_day(ms, "2026-07-01");
	check_local_day(T0, "2026-01-05");		/* 07:00 EST */

	st = tt_stats_create(0);
	AT(st, m - 1, "a");
	AT(st, m, "b");
	AT(st, m - HOUR, "c");		/* back across midnight */
	AT(st, m + DAY - MIN, "b");	/* 23:59 local, 04:59Z */
	AT(st, m + DAY, "d");		/* 2026-01-07 00:00 local */
	AT(st, ms - 1, "a");
	AT(st, ms, "a");
	assert_int_equal(ndays(st), 5);
	DAY_IS(st, "2026-01-05", TT_SRC_GENERIC, 2, 2, 0, 2);
	DAY_IS(st, "2026-01-06", TT_SRC_GENERIC, 2, 2, 0, 1);
	DAY_IS(st, "2026-01-07", TT_SRC_GENERIC, 1, 1, 0, 1);
	DAY_IS(st, "2026-06-30", TT_SRC_GENERIC, 1, 1, 0, 1);
	DAY_IS(st, "2026-07-01", TT_SRC_GENERIC, 1, 1, 0, 1);
	tt_stats_free(st);

	/* the same instants under UTC fall elsewhere */
	set_tz("UTC");
	check_local_day(m - 1, "2026-01-06");
	check_local_day(ms - 1, "2026-07-01");
	st = tt_stats_create(0);
	AT(st, m - 1, "a");
	AT(st, m, "b");
	assert_int_equal(ndays(st), 1);
	DAY_IS(st, "2026-01-06", TT_SRC_GENERIC, 2, 2, 0, 2);
	tt_stats_free(st);
}

/* Kolkata (+05:30): midnight of 2026-01-06 is 2026-01-05T18:30Z. */
static void
test_days_kolkata(void **state)
{
	const int64_t	 m = 1767637800LL * SEC;
	struct tt_stats	*st;

	(void)state;
	set_tz("Asia/Kolkata");
	check_local_day(m - 1, "2026-01-05");
	check_local_day(m, "2026-01-06");
	check_local_day(m - 30 * MIN, "2026-01-05");	/* 18:00Z */
	check_local_day(m + 5 * HOUR + 29 * MIN, "2026-01-06");	/* 23:59Z */

	st = tt_stats_create(0);
	AT(st, m - 1, "a");
	AT(st, m, "a");
	AT(st, m + 1, "b");
	AT(st, m - 30 * MIN, "b");
	AT(st, m + DAY - 1, "c");
	AT(st, m + DAY, "c");
	/* starts and finishes count on the finish's day */
	ADD(st, .source = TT_SRC_WERF, .phase = TT_PHASE_START,
	    .command = "build", .exec = "k1", .client = "w", .ts = m - MIN);
	ADD(st, .source = TT_SRC_WERF, .phase = TT_PHASE_FINISH,
	    .command = "build", .exec = "k1", .client = "w", .ts = m + MIN,
	    .code = I64(1));
	DAY_IS(st, "2026-01-05", TT_SRC_GENERIC, 2, 2, 0, 2);
	DAY_IS(st, "2026-01-06", TT_SRC_GENERIC, 3, 3, 0, 3);
	DAY_IS(st, "2026-01-07", TT_SRC_GENERIC, 1, 1, 0, 1);
	DAY_IS(st, "2026-01-05", TT_SRC_WERF, 1, 0, 0, 1);
	DAY_IS(st, "2026-01-06", TT_SRC_WERF, 1, 1, 1, 1);
	assert_int_equal(ndays(st), 5);
	tt_stats_free(st);
}

/* Days and their event counts, by tt_local_day. */
struct daycount {
	char	day[11];
	int64_t	n;
};

/*
 * A year of events every ~10 minutes (with jumps back) in zones with
 * unusual days: the model's days agree with tt_local_day for every event.
 */
static void
test_days_agree(void **state)
{
	static const struct {
		const char	*tz;
		int64_t		 from, to;	/* s */
	} zones[] = {
		{ "America/New_York", 1767225600, 1798761600 },
		{ "Asia/Kolkata", 1767225600, 1798761600 },
		{ "Australia/Lord_Howe", 1767225600, 1798761600 },
		{ "America/Santiago", 1767225600, 1798761600 },
		{ "Asia/Beirut", 1767225600, 1798761600 },
		{ "America/Havana", 1767225600, 1798761600 },
		{ "Pacific/Apia", 1306886400, 1338508800 },	/* 2011-12-30 */
	};
	struct daycount		*want;
	struct tt_day_stats	*got;
	struct tt_stats		*st;
	size_t			 zi, nwant, cap, ngot, i, bad;
	int64_t			 t, ev;
	char			 day[11];

	(void)state;
	for (zi = 0; zi < sizeof zones / sizeof zones[0]; zi++) {
		set_tz(zones[zi].tz);
		rng = 99;
		st = tt_stats_create(0);
		cap = 512;
		want = calloc(cap, sizeof *want);
		assert_non_null(want);
		nwant = 0;
		for (t = zones[zi].from * SEC; t < zones[zi].to * SEC;
		    t += 599 * SEC + 1) {
			ev = t;
			if (rnd() % 50 == 0)	/* an event from the past */
				ev = t - (int64_t)(rnd() % (3 * DAY));
			AT(st, ev, NULL);
			tt_local_day(ev, day);
			for (i = 0; i < nwant; i++)
				if (strcmp(want[i].day, day) == 0)
					break;
			if (i == nwant) {
				assert_true(nwant < cap);
				memcpy(want[nwant++].day, day, 11);
			}
			want[i].n++;
		}
		ngot = tt_stats_days(st, &got);
		bad = 0;
		for (i = 0; i < nwant; i++) {
			int		 f;
			struct tt_day_stats d = day_at(st, want[i].day,
			    TT_SRC_GENERIC, &f);

			if (f == 1 && d.events == want[i].n)
				continue;
			if (bad++ < 5)
				print_error("%s: day %s: %lld events, "
				    "tt_local_day says %lld\n", zones[zi].tz,
				    want[i].day, f ? (long long)d.events : 0LL,
				    (long long)want[i].n);
		}
		for (i = 0; i < ngot; i++) {
			size_t	k;

			for (k = 0; k < nwant; k++)
				if (strcmp(want[k].day, got[i].day) == 0)
					break;
			if (k == nwant && bad++ < 5)
				print_error("%s: day %s (%lld events) is no "
				    "event's local day\n", zones[zi].tz,
				    got[i].day, (long long)got[i].events);
		}
		free(got);
		free(want);
		tt_stats_free(st);
		if (bad > 0)
			fail_msg("%zu days differ in %s", bad, zones[zi].tz);
	}
}

/* Day rows are sorted by day, then source; negative times work. */
static void
test_days_sorted(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_day_stats	*a;
	size_t			 n;

	(void)state;
	check_local_day(-1, "1969-12-31");
	check_local_day(0, "1970-01-01");
	AT(st, T0 + DAY, "a");
	ADD(st, .source = TT_SRC_DEVTRON, .name = "Heartbeat", .client = "z",
	    .ts = T0 + DAY);
	AT(st, T0, "a");
	AT(st, -1, "a");
	n = tt_stats_days(st, &a);
	assert_int_equal(n, 4);
	assert_str(a[0].day, "1969-12-31");
	assert_str(a[1].day, "2026-01-05");
	assert_str(a[2].day, "2026-01-06");
	assert_int_equal(a[2].source, TT_SRC_DEVTRON);
	assert_str(a[3].day, "2026-01-06");
	assert_int_equal(a[3].source, TT_SRC_GENERIC);
	free(a);
	tt_stats_free(st);
}

/*
 * Days of any int64 time, found by tests/fuzz/fuzz_ingest: a year below
 * 1000 is zero-padded so that days still sort as text, a year outside
 * 0000-9999 is "0000-00-00", and times at the ends of int64 (a decoder's
 * garbage timestamp) no longer overflow computing their day (UBSan).
 */
static void
test_days_extreme(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_day_stats	*a;
	size_t			 n;

	(void)state;
	check_local_day(-53898868800LL * SEC, "0262-01-05");
	check_local_day(-62135596800LL * SEC, "0001-01-01");
	/* the last days keep a margin for the time zone and mktime */
	check_local_day((253402300799LL - 3 * 86400) * SEC, "9999-12-28");
	check_local_day(253402300799LL * SEC, "0000-00-00");
	check_local_day(253402300800LL * SEC, "0000-00-00");
	check_local_day(INT64_MIN, "0000-00-00");
	check_local_day(INT64_MIN + 1, "0000-00-00");
	check_local_day(INT64_MAX, "0000-00-00");
	AT(st, INT64_MIN, "a");
	AT(st, INT64_MAX, "b");
	AT(st, INT64_MAX - 1, "c");
	AT(st, INT64_MIN + 999999, "d");
	AT(st, -53898868800LL * SEC, "e");
	AT(st, T0, "f");
	n = tt_stats_days(st, &a);
	assert_int_equal(n, 3);
	assert_str(a[0].day, "0000-00-00");
	assert_i64(a[0].events, 4);
	assert_i64(a[0].clients, 4);
	assert_str(a[1].day, "0262-01-05");
	assert_str(a[2].day, "2026-01-05");
	free(a);
	tt_stats_free(st);
}

/* Distinct clients per day and source; no id is no client. */
static void
test_clients_per_day(void **state)
{
	struct tt_stats	*st = tt_stats_create(0);
	int		 f;

	(void)state;
	AT(st, T0, "c1");
	AT(st, T0 + MIN, "c2");
	AT(st, T0 + 2 * MIN, "c1");
	AT(st, T0 + 3 * MIN, NULL);
	AT(st, T0 + 4 * MIN, "");
	AT(st, T0 + DAY, "c1");
	ADD(st, .source = TT_SRC_POSTHOG, .name = "e", .client = "c1",
	    .ts = T0);
	ADD(st, .source = TT_SRC_POSTHOG, .name = "e", .client = "c3",
	    .ts = T0);
	ADD(st, .source = TT_SRC_POSTHOG, .name = "e", .client = "C1",
	    .ts = T0);
	DAY_IS(st, "2026-01-05", TT_SRC_GENERIC, 5, 5, 0, 2);
	DAY_IS(st, "2026-01-06", TT_SRC_GENERIC, 1, 1, 0, 1);
	DAY_IS(st, "2026-01-05", TT_SRC_POSTHOG, 3, 0, 0, 3);
	(void)day_at(st, "2026-01-06", TT_SRC_POSTHOG, &f);
	assert_int_equal(f, 0);
	tt_stats_free(st);
}

/* ---- Devtron Summary ---- */

static void
summary(struct tt_stats *st, enum tt_source src, const char *name,
    const char *client, int64_t ts, const char *props)
{
	char	*data;
	int	 n;

	n = asprintf(&data, "{\"event\":\"%s\",\"distinct_id\":\"%s\","
	    "\"properties\":%s}", name, client, props);
	assert_true(n > 0);
	ADD(st, .source = src, .phase = TT_PHASE_POINT, .name = name,
	    .client = client, .ts = ts, .data = data);
	free(data);
}

/* The summary of a day, source and client; NULL if none. */
static const struct tt_summary *
find_summary(const struct tt_summary *a, size_t n, const char *day,
    const char *client)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(a[i].day, day) == 0 &&
		    a[i].source == TT_SRC_DEVTRON &&
		    strcmp(a[i].client_id, client) == 0)
			return &a[i];
	return NULL;
}

/*
 * A summary's counts are exactly want ("key=value key=value ...", in the
 * order the event sent them).
 */
static void
counts_are(const struct tt_summary *s, const char *want)
{
	char	got[512], one[96];
	size_t	i;

	assert_non_null(s);
	got[0] = '\0';
	for (i = 0; i < s->ncounts; i++) {
		snprintf(one, sizeof one, "%s%s=%g", i ? " " : "",
		    s->counts[i].key, s->counts[i].value);
		strncat(got, one, sizeof got - strlen(got) - 1);
	}
	assert_str(got, want);
}

#define NESTED(a, b, c, d, e, f) \
	"{\"ucid\":\"x\",\"$lib\":\"posthog-go\",\"$lib_version_n\":5," \
	"\"summary\":{\"cdCountPerDay\":" #a ",\"ciCountPerDay\":" #b \
	",\"clusterCount\":" #c ",\"environmentCount\":" #d \
	",\"nonProdAppCount\":" #e ",\"userCount\":" #f "}}"

static void
test_summary_nested(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_summary	*a;
	size_t			 n;

	(void)state;
	summary(st, TT_SRC_DEVTRON, "Summary", "c1", T0, NESTED(1, 2, 3, 4, 5, 6));
	n = tt_stats_summaries(st, &a);
	assert_int_equal(n, 1);
	assert_str(a[0].day, "2026-01-05");
	assert_int_equal(a[0].source, TT_SRC_DEVTRON);
	assert_str(a[0].client_id, "c1");
	counts_are(&a[0], "cdCountPerDay=1 ciCountPerDay=2 clusterCount=3 "
	    "environmentCount=4 nonProdAppCount=5 userCount=6");
	free(a);
	/* a Summary is an event of the day, not a command */
	DAY_IS(st, "2026-01-05", TT_SRC_DEVTRON, 1, 0, 0, 1);
	assert_int_equal(ncommands(st, T0), 0);
	tt_stats_free(st);
}

static void
test_summary_flat(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_summary	*a;
	size_t			 n;

	(void)state;
	summary(st, TT_SRC_DEVTRON, "Summary", "c2", T0,
	    "{\"$lib\":\"posthog-go\",\"$lib_version\":\"1.5.9\","
	    "\"$geoip_disable\":true,\"$sent\":17,\"ucid\":\"c2\","
	    "\"timestamp\":\"2026-01-05T12:00:00Z\",\"eventType\":\"Summary\","
	    "\"serverVersion\":\"v1.29.3\",\"devtronVersion\":\"v1\","
	    "\"devtronMode\":\"FULL\",\"userCount\":3,\"clusterCount\":2,"
	    "\"environmentCount\":4,\"nonProdAppCount\":7,"
	    "\"ciCreatedPerDay\":1,\"cdCreatedPerDay\":2.5,"
	    "\"LastLoginTime\":\"2026-01-05T09:00:00Z\","
	    "\"SkippedOnboarding\":false,\"helmAppCount\":0}");
	n = tt_stats_summaries(st, &a);
	assert_int_equal(n, 1);
	assert_str(a[0].client_id, "c2");
	counts_are(&a[0], "userCount=3 clusterCount=2 environmentCount=4 "
	    "nonProdAppCount=7 ciCreatedPerDay=1 cdCreatedPerDay=2.5 "
	    "helmAppCount=0");
	free(a);
	tt_stats_free(st);
}

/* The latest per client and day wins; clients and days stay apart. */
static void
test_summary_latest(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_summary	*a;
	size_t			 n;

	(void)state;
	summary(st, TT_SRC_DEVTRON, "Summary", "c1", T0 - 2 * HOUR,
	    NESTED(1, 1, 1, 1, 1, 1));
	summary(st, TT_SRC_DEVTRON, "Summary", "c1", T0,
	    NESTED(2, 2, 2, 2, 2, 2));
	/* an older one arriving late does not replace it */
	summary(st, TT_SRC_DEVTRON, "Summary", "c1", T0 - HOUR,
	    NESTED(3, 3, 3, 3, 3, 3));
	/* the other shape for another client, the same day */
	summary(st, TT_SRC_DEVTRON, "Summary", "c0", T0 + HOUR,
	    "{\"userCount\":9,\"clusterCount\":8}");
	summary(st, TT_SRC_DEVTRON, "Summary", "c0", T0 + 2 * HOUR,
	    "{\"userCount\":10}");
	/* the next day */
	summary(st, TT_SRC_DEVTRON, "Summary", "c1", T0 + DAY,
	    NESTED(4, 4, 4, 4, 4, 4));
	/* not Devtron's Summary: no summary */
	summary(st, TT_SRC_POSTHOG, "Summary", "c9", T0, "{\"userCount\":1}");
	summary(st, TT_SRC_DEVTRON, "Heartbeat", "c9", T0,
	    "{\"userCount\":1}");
	n = tt_stats_summaries(st, &a);
	assert_int_equal(n, 3);
	assert_str(a[0].day, "2026-01-05");
	assert_str(a[0].client_id, "c0");
	assert_str(a[1].day, "2026-01-05");
	assert_str(a[1].client_id, "c1");
	assert_str(a[2].day, "2026-01-06");
	assert_str(a[2].client_id, "c1");
	counts_are(find_summary(a, n, "2026-01-05", "c0"), "userCount=10");
	counts_are(find_summary(a, n, "2026-01-05", "c1"),
	    "cdCountPerDay=2 ciCountPerDay=2 clusterCount=2 "
	    "environmentCount=2 nonProdAppCount=2 userCount=2");
	counts_are(find_summary(a, n, "2026-01-06", "c1"),
	    "cdCountPerDay=4 ciCountPerDay=4 clusterCount=4 "
	    "environmentCount=4 nonProdAppCount=4 userCount=4");
	free(a);
	DAY_IS(st, "2026-01-05", TT_SRC_DEVTRON, 6, 0, 0, 3);
	tt_stats_free(st);
}

/* Day of a Summary is the local day too. */
static void
test_summary_local_day(void **state)
{
	const int64_t		 m = 1767637800LL * SEC; /* Kolkata midnight */
	struct tt_stats		*st;
	struct tt_summary	*a;
	size_t			 n;

	(void)state;
	set_tz("Asia/Kolkata");
	st = tt_stats_create(0);
	summary(st, TT_SRC_DEVTRON, "Summary", "c1", m - SEC,
	    "{\"userCount\":1}");
	summary(st, TT_SRC_DEVTRON, "Summary", "c1", m + SEC,
	    "{\"userCount\":2}");
	n = tt_stats_summaries(st, &a);
	assert_int_equal(n, 2);
	assert_str(a[0].day, "2026-01-05");
	counts_are(&a[0], "userCount=1");
	assert_str(a[1].day, "2026-01-06");
	counts_are(&a[1], "userCount=2");
	free(a);
	tt_stats_free(st);
}

/* Malformed Summary data is an event and nothing else. */
static void
test_summary_malformed(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_summary	*a;
	size_t			 n;

	(void)state;
	ADD(st, .source = TT_SRC_DEVTRON, .name = "Summary", .client = "c1",
	    .ts = T0);
	ADD(st, .source = TT_SRC_DEVTRON, .name = "Summary", .client = "c1",
	    .ts = T0, .data = "{\"event\":\"Summary\",\"properties\":");
	ADD(st, .source = TT_SRC_DEVTRON, .name = "Summary", .client = "c1",
	    .ts = T0, .data = "{\"event\":\"Summary\",\"properties\":[1,2]}");
	n = tt_stats_summaries(st, &a);
	assert_int_equal(n, 0);
	free(a);
	DAY_IS(st, "2026-01-05", TT_SRC_DEVTRON, 3, 0, 0, 1);
	tt_stats_free(st);
}

/*
 * Commands, execution ids and clients longer than the keys' stack
 * buffers: still kept apart when they differ only at the end.
 */
static void
test_long_keys(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_cmd_stats	 c;
	struct tt_summary	*a;
	char			 cmd1[400], cmd2[400], x1[300], x2[300];
	char			 cl1[400], cl2[400], props[64];
	size_t			 n;

	(void)state;
	memset(cmd1, 'c', sizeof cmd1 - 1);
	cmd1[sizeof cmd1 - 1] = '\0';
	memcpy(cmd2, cmd1, sizeof cmd2);
	cmd2[sizeof cmd2 - 2] = 'd';
	memset(x1, 'x', sizeof x1 - 1);
	x1[sizeof x1 - 1] = '\0';
	memcpy(x2, x1, sizeof x2);
	x2[sizeof x2 - 2] = 'y';
	memset(cl1, 'k', sizeof cl1 - 1);
	cl1[sizeof cl1 - 1] = '\0';
	memcpy(cl2, cl1, sizeof cl2);
	cl2[sizeof cl2 - 2] = 'l';

	ADD(st, .source = TT_SRC_GENERIC, .phase = TT_PHASE_START,
	    .command = cmd1, .exec = x1, .client = cl1, .ts = T0);
	ADD(st, .source = TT_SRC_GENERIC, .phase = TT_PHASE_START,
	    .command = cmd2, .exec = x2, .client = cl2, .ts = T0);
	ADD(st, .source = TT_SRC_GENERIC, .phase = TT_PHASE_FINISH,
	    .command = cmd1, .exec = x1, .client = cl1, .ts = T0 + 3 * SEC);
	c = cmd_at(st, T0 + SEC, TT_SRC_GENERIC, cmd1);
	CMD_IS(c, 1, 0, 0, 0);
	TIMED_IS(c, 1, 3000, 3000, 3000, 3000);
	c = cmd_at(st, T0 + SEC, TT_SRC_GENERIC, cmd2);
	CMD_IS(c, 0, 0, 1, 0);
	DAY_IS(st, "2026-01-05", TT_SRC_GENERIC, 3, 1, 0, 2);

	snprintf(props, sizeof props, "{\"userCount\":1}");
	summary(st, TT_SRC_DEVTRON, "Summary", cl1, T0, props);
	snprintf(props, sizeof props, "{\"userCount\":2}");
	summary(st, TT_SRC_DEVTRON, "Summary", cl2, T0, props);
	n = tt_stats_summaries(st, &a);
	assert_int_equal(n, 2);
	assert_str(a[0].client_id, cl1);
	counts_are(&a[0], "userCount=1");
	assert_str(a[1].client_id, cl2);
	counts_are(&a[1], "userCount=2");
	free(a);
	tt_stats_free(st);
}

/* ---- any int64 an old database may hold ---- */

/*
 * Times no four-digit year shows (INT64_MIN, the TT_NONE an older teltop
 * stored for "ts":1e300, INT64_MAX, years past 9999) count on the day
 * "0000-00-00" in every zone, and the day cache still gives the right day
 * around them.  Before, day_string() overflowed on INT64_MIN (UBSan ended
 * the collector, on ingest and on every restart).
 */
static void
test_extreme_days(void **state)
{
	static const char	*zones[] = { "UTC", "America/New_York",
	    "Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago" };
	static const int64_t	 odd[] = {
		INT64_MIN, INT64_MIN + 1, INT64_MIN + 999999,
		-1000000000000000000LL,
		INT64_MAX, INT64_MAX - 1, 1000000000000000000LL,
		253402300800000000LL,		/* 10000-01-01T00:00Z */
	};
	struct tt_stats		*st;
	size_t			 z, i;

	(void)state;
	for (z = 0; z < sizeof zones / sizeof zones[0]; z++) {
		set_tz(zones[z]);
		st = tt_stats_create(0);
		for (i = 0; i < sizeof odd / sizeof odd[0]; i++) {
			check_local_day(odd[i], "0000-00-00");
			AT(st, odd[i], "x");
			AT(st, T0, "y");	/* the cache is not fooled */
		}
		DAY_IS(st, "0000-00-00", TT_SRC_GENERIC,
		    (int64_t)(sizeof odd / sizeof odd[0]),
		    (int64_t)(sizeof odd / sizeof odd[0]), 0, 1);
		assert_int_equal(ndays(st), 2);
		tt_stats_free(st);
	}
	set_tz("UTC");
	check_local_day(4102444800LL * SEC, "2100-01-01");
	check_local_day(253402300799LL * SEC - 3 * DAY, "9999-12-28");
}

/*
 * Pairs whose finish - start does not fit in an int64 give no duration
 * (before: a wrapped one), own durations up to INT64_MAX are kept, and
 * queries at any "now" against any orphan timeout do not overflow.
 */
static void
test_extreme_durations(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_cmd_stats	 c;

	(void)state;
	START(st, "a", INT64_MIN);
	FINISH(st, "a", INT64_MAX);
	FINISH(st, "b", INT64_MAX);		/* finish first */
	START(st, "b", INT64_MIN + 1);
	START(st, "c", INT64_MAX);		/* finish before start */
	FINISH(st, "c", INT64_MIN);
	c = cmd_at(st, T0, TT_SRC_WERF, "build");
	CMD_IS(c, 3, 0, 0, 0);
	TIMED_IS(c, 0, TT_NONE, TT_NONE, TT_NONE, TT_NONE);

	/* The event's own duration: TT_NONE is none, INT64_MAX is one. */
	FINISH(st, "d", T0, .dur = I64(INT64_MAX));
	FINISH(st, "e", T0, .dur = I64(TT_NONE));
	FINISH(st, "f", T0, .dur = I64(INT64_MIN + 1));
	c = cmd_at(st, T0, TT_SRC_WERF, "build");
	CMD_IS(c, 6, 0, 0, 0);
	assert_i64(c.with_duration, 1);
	assert_i64(c.max_ms, INT64_MAX);
	assert_true(c.p50_ms >= INT64_MAX - INT64_MAX / 100);	/* 1% */
	tt_stats_free(st);

	/* Running starts aged at the extremes of "now" and the timeout. */
	st = tt_stats_create(INT64_MAX);
	START(st, "g", INT64_MIN);
	START(st, "h", INT64_MAX);
	START(st, "i", T0);
	c = cmd_at(st, INT64_MIN, TT_SRC_WERF, "build");
	CMD_IS(c, 0, 0, 3, 0);
	c = cmd_at(st, INT64_MAX, TT_SRC_WERF, "build");
	CMD_IS(c, 0, 0, 2, 1);		/* INT64_MIN <= INT64_MAX - INT64_MAX */
	tt_stats_free(st);
	st = tt_stats_create(1);
	START(st, "g", INT64_MIN);
	START(st, "h", INT64_MAX);
	c = cmd_at(st, INT64_MIN, TT_SRC_WERF, "build");
	CMD_IS(c, 0, 0, 2, 0);		/* nothing is before INT64_MIN - 1 */
	c = cmd_at(st, INT64_MAX, TT_SRC_WERF, "build");
	CMD_IS(c, 0, 0, 1, 1);
	FINISH(st, "h", INT64_MIN);
	c = cmd_at(st, INT64_MAX, TT_SRC_WERF, "build");
	CMD_IS(c, 1, 0, 0, 1);
	TIMED_IS(c, 0, TT_NONE, TT_NONE, TT_NONE, TT_NONE);
	tt_stats_free(st);
}

/* A Devtron Summary at an extreme time: counted on "0000-00-00". */
static void
test_extreme_summary(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_summary	*a;
	size_t			 n;

	(void)state;
	ADD(st, .source = TT_SRC_DEVTRON, .name = "Summary", .client = "u",
	    .ts = INT64_MIN, .data = "{\"properties\":{\"userCount\":3}}");
	ADD(st, .source = TT_SRC_DEVTRON, .name = "Summary", .client = "u",
	    .ts = INT64_MAX, .data = "{\"properties\":{\"userCount\":4}}");
	n = tt_stats_summaries(st, &a);
	assert_int_equal(n, 1);
	assert_str(a[0].day, "0000-00-00");
	assert_int_equal(a[0].ncounts, 1);
	assert_true(a[0].counts[0].value == 4);
	free(a);
	tt_stats_free(st);
}

/* An empty model has empty snapshots. */
static void
test_empty(void **state)
{
	struct tt_stats		*st = tt_stats_create(0);
	struct tt_cmd_stats	*c;
	struct tt_day_stats	*d;
	struct tt_summary	*s;

	(void)state;
	assert_int_equal(tt_stats_commands(st, T0, &c), 0);
	assert_int_equal(tt_stats_days(st, &d), 0);
	assert_int_equal(tt_stats_summaries(st, &s), 0);
	free(c);
	free(d);
	free(s);
	tt_stats_free(st);
	tt_stats_free(NULL);
}

/* ---- what the rollups use ---- */

/* Two models give the same command rows at now. */
static void
models_same(struct tt_stats *a, struct tt_stats *b, int64_t now)
{
	struct tt_cmd_stats	*ca, *cb;
	size_t			 na, nb, i;

	na = tt_stats_commands(a, now, &ca);
	nb = tt_stats_commands(b, now, &cb);
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		assert_str(ca[i].command, cb[i].command);
		CMD_IS(ca[i], cb[i].count, cb[i].failures, cb[i].running,
		    cb[i].orphans);
		assert_i64(ca[i].p50_ms, cb[i].p50_ms);
		assert_i64(ca[i].p99_ms, cb[i].p99_ms);
		assert_i64(ca[i].max_ms, cb[i].max_ms);
		assert_i64(ca[i].last_seen, cb[i].last_seen);
	}
	free(ca);
	free(cb);
}

/* Random times over two years, in zones with odd days: the day cache
 * (64 days, evicting) agrees with tt_local_day for each. */
static void
test_day_cache_random(void **state)
{
	static const char *const zones[] = { "America/New_York",
	    "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Apia", "UTC" };
	struct tt_day_cache	 dc;
	const char		*got;
	char			 want[11];
	int64_t			 t;
	size_t			 z;
	int			 i;

	(void)state;
	for (z = 0; z < sizeof zones / sizeof zones[0]; z++) {
		set_tz(zones[z]);
		memset(&dc, 0, sizeof dc);
		rng = 7;
		for (i = 0; i < 20000; i++) {
			/* now and then far off, or a day no range is kept for */
			t = T0 + (int64_t)(rnd() % (730 * 86400ULL)) * SEC -
			    365 * DAY;
			if (i % 1000 == 0)
				t = i % 2000 == 0 ? INT64_MIN : INT64_MAX;
			got = tt_day_cached(&dc, t);
			tt_local_day(t, want);
			if (strcmp(got, want) != 0)
				fail_msg("%s: %lld: cached %s, local %s",
				    zones[z], (long long)t, got, want);
		}
	}
}

/* Zones that give the same days have one id; zones that do not, two. */
static void
test_zone_id(void **state)
{
	char	utc[TT_ZONE_LEN + 1], id[TT_ZONE_LEN + 1];

	(void)state;
	set_tz("UTC");
	tt_zone_id(utc);
	assert_int_equal(strlen(utc), TT_ZONE_LEN);
	set_tz("Etc/UTC");
	tt_zone_id(id);
	assert_str(id, utc);
	set_tz("Asia/Kolkata");
	tt_zone_id(id);
	assert_true(strcmp(id, utc) != 0);
	set_tz("America/New_York");
	tt_zone_id(id);
	assert_true(strcmp(id, utc) != 0);
	set_tz("America/Chicago");
	tt_zone_id(utc);
	assert_true(strcmp(id, utc) != 0);
}

/* A histogram rebuilt from its buckets gives the same percentiles. */
static void
test_hist_buckets(void **state)
{
	static const double	 ps[] = { 1, 50, 90, 95, 99, 99.9, 100 };
	struct tt_hist		*h = tt_hist_create(), *g = tt_hist_create();
	size_t			 i = 0, k;
	int64_t			 n;

	(void)state;
	rng = 3;
	for (k = 0; k < 100000; k++)
		tt_hist_add(h, (int64_t)(rnd() % 1000000000ULL) >>
		    (rnd() % 30));
	tt_hist_add(h, INT64_MAX);
	assert_true(tt_hist_bucket(INT64_MAX) > tt_hist_bucket(1000));
	while ((n = tt_hist_next(h, &i)) != 0) {
		tt_hist_add_bucket(g, i, n);
		i++;
	}
	tt_hist_set_max(g, tt_hist_max(h));
	assert_i64(tt_hist_count(g), tt_hist_count(h));
	assert_i64(tt_hist_max(g), INT64_MAX);
	for (k = 0; k < sizeof ps / sizeof ps[0]; k++)
		assert_i64(tt_hist_percentile(g, ps[k]),
		    tt_hist_percentile(h, ps[k]));
	/* buckets no int64 has are ignored (a damaged row) */
	tt_hist_add_bucket(g, tt_hist_bucket(INT64_MAX) + 1, 5);
	tt_hist_add_bucket(g, 3, -1);
	assert_i64(tt_hist_count(g), tt_hist_count(h));
	tt_hist_free(h);
	tt_hist_free(g);
}

/*
 * A model loaded from rollup rows: its open starts are orphans but those
 * named running, which age; finishing one of each through deltas; day
 * and summary rows.
 */
static void
test_load(void **state)
{
	static const int64_t	 recent[40] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct tt_stats		*st = tt_stats_create(HOUR);
	struct tt_stats_delta	 d;
	struct tt_cmd_stats	 c;
	struct tt_summary	*s;
	struct tt_event		 ev;
	struct tt_hist		*h;
	size_t			 n;

	(void)state;
	h = tt_stats_load_cmd(st, TT_SRC_WERF, "build", 10, 2, 3, T0, 900,
	    recent, 40);
	tt_hist_add_bucket(h, tt_hist_bucket(100), 6);
	tt_hist_add_bucket(h, tt_hist_bucket(900), 4);
	tt_stats_load_open(st, TT_SRC_WERF, "build", "young", T0 - MIN);
	c = cmd_at(st, T0, TT_SRC_WERF, "build");
	CMD_IS(c, 10, 2, 1, 2);
	TIMED_IS(c, 10, 100, 900, 900, 900);
	assert_int_equal(c.nrecent, TT_RECENT);
	assert_i64(c.recent[0], 9);	/* the last 32 of 40 */
	assert_i64(c.last_seen, T0);
	assert_int_equal(tt_stats_held(st, NULL), 1);

	/* the young one finishes, through the delta the store would send */
	tt_event_init(&ev);
	ev.source = TT_SRC_WERF;
	ev.phase = TT_PHASE_FINISH;
	ev.ts = T0 + SEC;
	ev.execution_id = dup_str("young");
	tt_stats_delta_init(&d);
	d.source = TT_SRC_WERF;
	d.ts = ev.ts;
	tt_local_day(ev.ts, d.day);
	d.command = dup_str("build");
	d.finished = 1;
	d.duration_ms = 61000;
	d.open = -1;
	d.start_ts = T0 - MIN;
	tt_stats_apply(st, &ev, &d);
	c = cmd_at(st, T0, TT_SRC_WERF, "build");
	CMD_IS(c, 11, 2, 0, 2);
	assert_i64(c.max_ms, 61000);
	assert_int_equal(tt_stats_held(st, NULL), 0);
	/* an orphan's finish */
	free(ev.execution_id);
	ev.execution_id = dup_str("old");
	tt_stats_apply(st, &ev, &d);
	c = cmd_at(st, T0, TT_SRC_WERF, "build");
	CMD_IS(c, 12, 2, 0, 1);
	tt_stats_delta_clear(&d);
	tt_event_clear(&ev);

	/* a running one ages into an orphan, and leaves the model */
	tt_stats_load_cmd(st, TT_SRC_DEVPOD, "up", 0, 0, 1, TT_NONE, TT_NONE,
	    NULL, 0);
	tt_stats_load_open(st, TT_SRC_DEVPOD, "up", "x", T0);
	c = cmd_at(st, T0, TT_SRC_DEVPOD, "up");
	CMD_IS(c, 0, 0, 1, 0);
	TIMED_IS(c, 0, TT_NONE, TT_NONE, TT_NONE, TT_NONE);
	c = cmd_at(st, T0 + 2 * HOUR, TT_SRC_DEVPOD, "up");
	CMD_IS(c, 0, 0, 0, 1);
	assert_int_equal(tt_stats_held(st, NULL), 0);

	tt_stats_load_day(st, "2026-01-05", TT_SRC_WERF, 5, 4, 1, 2);
	tt_stats_load_day(st, "bad", TT_SRC_WERF, 5, 4, 1, 2);
	/* the two finishes above, and the row */
	DAY_IS(st, "2026-01-05", TT_SRC_WERF, 7, 6, 1, 2);
	assert_int_equal(ndays(st), 1);

	assert_int_equal(tt_stats_load_summary(st, "2026-01-05",
	    TT_SRC_DEVTRON, "c1", T0, "[[\"userCount\",3],[\"x\",1.5],"
	    "[\"bad\"],[1,2]]"), 0);
	assert_int_equal(tt_stats_load_summary(st, "2026-01-05",
	    TT_SRC_DEVTRON, "c1", T0 - 1, "[[\"userCount\",1]]"), 0);
	assert_int_equal(tt_stats_load_summary(st, "2026-01-05",
	    TT_SRC_DEVTRON, "c2", T0, "not json"), -1);
	n = tt_stats_summaries(st, &s);
	assert_int_equal(n, 1);
	assert_int_equal(s[0].ncounts, 2);
	assert_str(s[0].counts[0].key, "userCount");
	assert_true(s[0].counts[0].value == 3);
	assert_true(s[0].counts[1].value == 1.5);
	free(s);
	tt_stats_free(st);
}

/*
 * What tt_summary_json keeps is what the model shows, in order; none for
 * an event without properties.
 */
static void
test_summary_json(void **state)
{
	struct tt_event	 ev;
	char		*j;

	(void)state;
	tt_event_init(&ev);
	ev.source = TT_SRC_DEVTRON;
	ev.name = dup_str("Summary");
	assert_true(tt_event_is_summary(&ev));
	ev.data = dup_str("{\"properties\":{\"$lib\":\"x\",\"b\":2,\"a\":1e300,"
	    "\"s\":\"t\",\"n\":-0.25}}");
	ev.data_len = strlen(ev.data);
	j = tt_summary_json(&ev);
	assert_str(j, "[[\"b\",2],[\"a\",1e+300],[\"n\",-0.25]]");
	free(j);
	free(ev.data);
	ev.data = dup_str("{\"properties\":[]}");
	ev.data_len = strlen(ev.data);
	assert_null(tt_summary_json(&ev));
	free(ev.name);
	ev.name = dup_str("Summary2");
	assert_false(tt_event_is_summary(&ev));
	tt_event_clear(&ev);
}

/*
 * The live model holds no finished execution: starts and finishes applied
 * as deltas leave nothing behind, open starts leave when they age.
 * tt_stats_add() keeps every execution it saw (its history).
 */
static void
test_bounded(void **state)
{
	struct tt_stats		*live = tt_stats_create(HOUR);
	struct tt_stats		*add = tt_stats_create(HOUR);
	struct tt_stats_delta	 d;
	struct tt_exec		 x;
	struct tt_event		 ev;
	struct tt_cmd_stats	 c;
	char			 id[32];
	size_t			 execs;
	int			 i, k;

	(void)state;
	tt_event_init(&ev);
	ev.source = TT_SRC_WERF;
	ev.command = dup_str("build");
	for (i = 0; i < 10000; i++) {
		snprintf(id, sizeof id, "x%d", i);
		ev.execution_id = id;
		memset(&x, 0, sizeof x);
		x.command = "build";
		for (k = 0; k < 2; k++) {
			ev.phase = k == 0 ? TT_PHASE_START : TT_PHASE_FINISH;
			ev.ts = T0 + (int64_t)i * SEC + k * SEC / 2;
			/* the last 100 only start */
			if (k == 1 && i >= 9900)
				break;
			tt_stats_delta_init(&d);
			d.source = ev.source;
			d.ts = ev.ts;
			tt_local_day(ev.ts, d.day);
			tt_exec_step(&x, &ev, &d);
			tt_stats_apply(live, &ev, &d);
			tt_stats_delta_clear(&d);
			tt_stats_add(add, &ev);
		}
	}
	ev.execution_id = NULL;
	tt_event_clear(&ev);
	c = cmd_at(live, T0 + 10000 * SEC, TT_SRC_WERF, "build");
	CMD_IS(c, 9900, 0, 100, 0);
	assert_i64(c.max_ms, 500);
	assert_int_equal(tt_stats_held(live, &execs), 100);
	assert_int_equal(execs, 0);
	assert_int_equal(tt_stats_held(add, &execs), 100);
	assert_int_equal(execs, 10000);
	models_same(live, add, T0 + 10000 * SEC);
	c = cmd_at(live, T0 + 5 * HOUR, TT_SRC_WERF, "build");
	CMD_IS(c, 9900, 0, 0, 100);
	assert_int_equal(tt_stats_held(live, NULL), 0);
	tt_stats_free(live);
	tt_stats_free(add);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, tz_utc, tz_utc)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_start_then_finish),
		T(test_finish_then_start),
		T(test_extreme_span),
		T(test_duplicate_start),
		T(test_duplicate_finish),
		T(test_finish_without_start),
		T(test_own_duration_wins),
		T(test_orphan_lifecycle),
		T(test_orphans_many),
		T(test_one_shot),
		T(test_point_events),
		T(test_failures),
		T(test_per_source),
		T(test_hist_random),
		T(test_hist_single_values),
		T(test_hist_small),
		T(test_stats_percentiles),
		T(test_days_new_york),
		T(test_days_kolkata),
		T(test_days_agree),
		T(test_days_sorted),
		T(test_days_extreme),
		T(test_clients_per_day),
		T(test_summary_nested),
		T(test_summary_flat),
		T(test_summary_latest),
		T(test_summary_local_day),
		T(test_summary_malformed),
		T(test_long_keys),
		T(test_empty),
		T(test_extreme_days),
		T(test_extreme_durations),
		T(test_extreme_summary),
		T(test_day_cache_random),
		T(test_zone_id),
		T(test_hist_buckets),
		T(test_load),
		T(test_summary_json),
		T(test_bounded),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
