/*
 * The rollup scenario, shared by the SQLite (tests/unit/test_store.c) and
 * PostgreSQL (tests/pg/test_store_pg.c) tests: its events, the three
 * models it compares and what they must agree on.  The includer defines
 * T0 and has tt_test.h.
 */
#ifndef TT_ROLLUP_SCENARIO_H
#define TT_ROLLUP_SCENARIO_H

#include <math.h>

#define RNOW	(T0 + 30 * 60 * 1000000LL)	/* the models' "now" */

/* One event of a rollup scenario; ts is T0 + ts seconds. */
struct rspec {
	enum tt_source	 src;
	enum tt_phase	 phase;
	const char	*name;
	const char	*command;
	const char	*exec;
	const char	*client;
	const char	*error;
	int64_t		 code;
	int64_t		 dur;
	int64_t		 ts;
	const char	*pii;
	const char	*data;
	const char	*format;	/* NULL: "generic" */
};

#define W_START(x, cl, t)	{ TT_SRC_WERF, TT_PHASE_START, "CommandStarted", \
	"werf converge", (x), (cl), NULL, TT_NONE, TT_NONE, (t), NULL, NULL, \
	NULL }
#define W_FINISH(x, cl, t, code, dur) { TT_SRC_WERF, TT_PHASE_FINISH, \
	"CommandExited", "werf converge", (x), (cl), NULL, (code), (dur), (t), \
	NULL, NULL, NULL }
#define SUMMARY(cl, t, counts) { TT_SRC_DEVTRON, TT_PHASE_POINT, "Summary", \
	NULL, NULL, (cl), NULL, TT_NONE, TT_NONE, (t), NULL, \
	"{\"event\":\"Summary\",\"properties\":{" counts "}}", NULL }
/* An OTLP metric point, as the decoders write its JSON. */
#define METRIC(name, t, kind, unit, members) { TT_SRC_OTLP, TT_PHASE_POINT, \
	(name), NULL, NULL, NULL, NULL, TT_NONE, TT_NONE, (t), NULL, \
	"{\"signal\":\"metric\",\"name\":\"" name "\",\"unit\":\"" unit \
	"\",\"kind\":\"" kind "\"" members "}", "otlp-metrics-json" }
#define PII_ID1	"{\"field\":\"distinct_id\",\"kind\":\"install_id\"," \
	"\"grade\":\"yellow\"}"
#define PII_IP	"[{\"field\":\"properties.$ip\",\"kind\":\"ip\"," \
	"\"grade\":\"red\"}," PII_ID1 "]"
#define PII_ID	"[" PII_ID1 "]"

/* What the rollup tests keep: the models and the events committed. */
struct rfix {
	struct tt_stats	*ref;		/* tt_stats_add() of each committed */
	struct tt_stats	*live;		/* the callback's deltas */
	int		 nevents;	/* committed */
};

static struct rfix	rfx;

/* The event callback: the deltas go into the live model, the events
 * into the reference. */
static void
rollup_on_event(void *arg, const struct tt_event *ev,
    const struct tt_stats_delta *d)
{
	(void)arg;
	assert_non_null(d);
	tt_stats_apply(rfx.live, ev, d);
	tt_stats_add(rfx.ref, ev);
	rfx.nevents++;
}

static void
rollup_begin(struct store *st)
{
	rfx.ref = tt_stats_create(0);
	rfx.live = tt_stats_create(0);
	rfx.nevents = 0;
	store_set_event_cb(st, rollup_on_event, NULL);
}

static void
rollup_finish(void)
{
	tt_stats_free(rfx.ref);
	tt_stats_free(rfx.live);
	memset(&rfx, 0, sizeof rfx);
}

/* Queue the events of a scenario as one batch (not yet committed). */
static void
rollup_submit(struct store *st, const struct rspec *r, size_t n)
{
	struct tt_batch	 b;
	struct tt_event	*ev;
	size_t		 i;

	tt_batch_init(&b);
	for (i = 0; i < n; i++) {
		ev = tt_batch_add(&b);
		ev->received_at = T0;
		ev->ts = T0 + r[i].ts * 1000000LL;
		ev->source = r[i].src;
		ev->format = r[i].format != NULL ? r[i].format : "generic";
		ev->phase = r[i].phase;
		ev->name = dup_str(r[i].name);
		ev->command = dup_str(r[i].command);
		ev->execution_id = dup_str(r[i].exec);
		ev->client_id = dup_str(r[i].client);
		ev->error = dup_str(r[i].error);
		ev->exit_code = r[i].code;
		ev->duration_ms = r[i].dur;
		ev->pii = dup_str(r[i].pii);
		ev->data = dup_str(r[i].data != NULL ? r[i].data : "{}");
		ev->data_len = strlen(ev->data);
	}
	store_submit(st, &b, NULL);
	tt_batch_clear(&b);
}

static int
same_double(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

static void
metrics_equal(struct tt_stats *a, struct tt_stats *b)
{
	struct tt_metric_stats	*ma, *mb;
	size_t			 na, nb, i;
	int			 k;

	na = tt_stats_metrics(a, &ma);
	nb = tt_stats_metrics(b, &mb);
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		assert_int_equal(ma[i].source, mb[i].source);
		assert_str(ma[i].name, mb[i].name);
		assert_str(ma[i].kind, mb[i].kind);
		assert_str(ma[i].unit, mb[i].unit);
		assert_i64(ma[i].points, mb[i].points);
		assert_i64(ma[i].last_seen, mb[i].last_seen);
		assert_true(same_double(ma[i].last, mb[i].last));
		assert_true(same_double(ma[i].min, mb[i].min));
		assert_true(same_double(ma[i].max, mb[i].max));
		assert_int_equal(ma[i].nrecent, mb[i].nrecent);
		for (k = 0; k < ma[i].nrecent; k++)
			assert_true(same_double(ma[i].recent[k],
			    mb[i].recent[k]));
	}
	free(ma);
	free(mb);
}

/*
 * The metrics of rs1..rs4: queue.depth's points 4, -2.5, 9 (older, but
 * received last of those) and 1, its kind and unit now the sum's;
 * http.duration a mean of 2.5 and a point with no value.
 */
static void
metrics_expected(struct tt_stats *st)
{
	struct tt_metric_stats	*m;

	assert_int_equal(tt_stats_metrics(st, &m), 2);
	assert_str(m[0].name, "http.duration");
	assert_str(m[0].kind, "histogram");
	assert_str(m[0].unit, "ms");
	assert_i64(m[0].points, 2);
	assert_i64(m[0].last_seen, T0 + 10 * 1000000LL);
	assert_true(m[0].last == 2.5 && m[0].min == 2.5 && m[0].max == 2.5);
	assert_int_equal(m[0].nrecent, 1);
	assert_str(m[1].name, "queue.depth");
	assert_str(m[1].kind, "sum");
	assert_str(m[1].unit, "{item}");
	assert_i64(m[1].points, 4);
	assert_i64(m[1].last_seen, T0 + 40 * 1000000LL);
	assert_true(m[1].last == 1 && m[1].min == -2.5 && m[1].max == 9);
	assert_int_equal(m[1].nrecent, 4);
	assert_true(m[1].recent[0] == 4 && m[1].recent[1] == -2.5 &&
	    m[1].recent[2] == 9 && m[1].recent[3] == 1);
	free(m);
}

/* Two models give the same snapshots at now. */
static void
models_equal(struct tt_stats *a, struct tt_stats *b, int64_t now)
{
	struct tt_cmd_stats	*ca, *cb;
	struct tt_day_stats	*da, *db;
	struct tt_summary	*sa, *sb;
	size_t			 na, nb, i, k;

	na = tt_stats_commands(a, now, &ca);
	nb = tt_stats_commands(b, now, &cb);
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		assert_int_equal(ca[i].source, cb[i].source);
		assert_str(ca[i].command, cb[i].command);
		assert_i64(ca[i].count, cb[i].count);
		assert_i64(ca[i].failures, cb[i].failures);
		assert_i64(ca[i].with_duration, cb[i].with_duration);
		assert_i64(ca[i].p50_ms, cb[i].p50_ms);
		assert_i64(ca[i].p95_ms, cb[i].p95_ms);
		assert_i64(ca[i].p99_ms, cb[i].p99_ms);
		assert_i64(ca[i].max_ms, cb[i].max_ms);
		assert_i64(ca[i].running, cb[i].running);
		assert_i64(ca[i].orphans, cb[i].orphans);
		assert_i64(ca[i].last_seen, cb[i].last_seen);
		assert_int_equal(ca[i].nrecent, cb[i].nrecent);
		for (k = 0; k < (size_t)ca[i].nrecent; k++)
			assert_i64(ca[i].recent[k], cb[i].recent[k]);
	}
	free(ca);
	free(cb);
	na = tt_stats_days(a, &da);
	nb = tt_stats_days(b, &db);
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		assert_str(da[i].day, db[i].day);
		assert_int_equal(da[i].source, db[i].source);
		assert_i64(da[i].events, db[i].events);
		assert_i64(da[i].commands, db[i].commands);
		assert_i64(da[i].failures, db[i].failures);
		assert_i64(da[i].clients, db[i].clients);
	}
	free(da);
	free(db);
	na = tt_stats_summaries(a, &sa);
	nb = tt_stats_summaries(b, &sb);
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		assert_str(sa[i].day, sb[i].day);
		assert_str(sa[i].client_id, sb[i].client_id);
		assert_int_equal(sa[i].ncounts, sb[i].ncounts);
		for (k = 0; k < sa[i].ncounts; k++) {
			assert_str(sa[i].counts[k].key, sb[i].counts[k].key);
			assert_true(sa[i].counts[k].value ==
			    sb[i].counts[k].value);
		}
	}
	free(sa);
	free(sb);
	metrics_equal(a, b);
}

/* The privacy rows, one "source field kind grade n" a line, in order. */
static void
add_priv_line(void *arg, const struct store_privacy_row *r)
{
	char	*buf = arg;
	size_t	 n = strlen(buf);

	snprintf(buf + n, 1024 - n, "%s %s %s %s %lld\n", r->source, r->field,
	    r->kind, r->red ? "red" : "yellow", (long long)r->events);
}

/*
 * The rollups read back as the reference: commands, days, summaries
 * (store_rollup_load) and the privacy summary (from the rollups, and by
 * the events' own query over every time); the live model too.
 */
static void
rollups_agree(struct store *st)
{
	struct tt_stats	*loaded = tt_stats_create(0);
	char		*cause = NULL, rolled[1024] = "", scanned[1024] = "";

	assert_int_equal(store_rollup_load(st, NULL, loaded, RNOW,
	    &cause), 0);
	assert_null(cause);
	models_equal(rfx.ref, loaded, RNOW);
	models_equal(rfx.ref, rfx.live, RNOW);
	tt_stats_free(loaded);
	assert_int_equal(store_privacy(st, TT_NONE, NULL, add_priv_line,
	    rolled, &cause), 0);
	assert_int_equal(store_privacy(st, INT64_MIN + 1, NULL,
	    add_priv_line, scanned, &cause), 0);
	assert_str(rolled, scanned);
	assert_i64(store_event_count(st), rfx.nevents);
	assert_i64(store_rollup_events(st), rfx.nevents);
}

/* The scenario: what commits one to four hold. */
static const struct rspec rs1[] = {
	W_START("e1", "c1", 1),
	W_FINISH("e1", "c1", 2, 0, 1500),
	W_START("e2", "c2", 3),			/* open until rs4 */
	W_FINISH("e3", "c2", 10, 1, TT_NONE),	/* its start in rs2 */
	{ TT_SRC_GENERIC, TT_PHASE_FINISH, "bench", "bench run", NULL, "c3",
	  NULL, 0, 300, 5, NULL, NULL, NULL },
	{ TT_SRC_GENERIC, TT_PHASE_START, "bench", "bench idle", NULL, "c3",
	  NULL, TT_NONE, TT_NONE, 5, NULL, NULL, NULL },
	SUMMARY("d1", 5, "\"userCount\":3,\"clusterCount\":2"),
	{ TT_SRC_DEVTRON, TT_PHASE_POINT, "Heartbeat", NULL, NULL, "d1", NULL,
	  TT_NONE, TT_NONE, 6, PII_ID, NULL, NULL },
	METRIC("queue.depth", 7, "gauge", "1", ",\"value\":4"),
	METRIC("queue.depth", 8, "gauge", "1", ",\"value\":-2.5"),
	METRIC("http.duration", 9, "histogram", "ms",
	    ",\"count\":4,\"sum\":10"),
};
static const struct rspec rs2[] = {
	W_START("e3", "c2", 4),			/* after its finish */
	W_FINISH("e1", "c1", 2, 0, 1500),	/* a duplicate */
	W_START("e1", "c1", 1),			/* a duplicate */
	{ TT_SRC_DEVPOD, TT_PHASE_FINISH, "devpod_cli", "devpod up", NULL,
	  "c1", "boom", TT_NONE, TT_NONE, 86400 + 7, NULL, NULL, NULL },
	SUMMARY("d1", 8, "\"summary\":{\"userCount\":4,\"x\":1.5}"),
	SUMMARY("d1", 4, "\"userCount\":1"),	/* older: loses */
	W_FINISH("e4", "c4", 20, 0, -5),	/* timed, nothing added */
	{ TT_SRC_DEVTRON, TT_PHASE_POINT, "Login", NULL, NULL, "d2", NULL,
	  TT_NONE, TT_NONE, 9, PII_IP, NULL, NULL },
	W_START("e5", "c5", -7200),		/* an orphan at RNOW */
	METRIC("queue.depth", 6, "gauge", "1", ",\"value\":9"), /* older */
	METRIC("http.duration", 10, "histogram", "ms",
	    ",\"count\":0,\"sum\":0"),		/* no value */
};
static const struct rspec rs3[] = {
	W_START("e4", "c4", 19),		/* no span: e4 was timed */
	{ TT_SRC_DEVTRON, TT_PHASE_POINT, "Login", NULL, NULL, "d2", NULL,
	  TT_NONE, TT_NONE, 9, PII_IP, NULL, NULL },
	W_START("e6", "c6", 30),
	W_FINISH("e6", "c6", 31, 0, TT_NONE),	/* paired in one batch */
	METRIC("queue.depth", 40, "sum", "{item}", ",\"value\":1"),
};
static const struct rspec rs4[] = {
	W_FINISH("e2", "c2", 20, 0, TT_NONE),	/* a late finish: 17 s */
	W_FINISH("e5", "c5", -7000, 2, TT_NONE),	/* the orphan's */
	W_FINISH("e5", "c5", -7000, 2, TT_NONE),	/* a duplicate */
	W_FINISH("e1", "c1", 99, 0, 7),		/* again, another time */
};

#define RSUBMIT(st, a)	rollup_submit((st), (a), sizeof (a) / sizeof (a)[0])

#endif
