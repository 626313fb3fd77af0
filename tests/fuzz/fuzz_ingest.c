/*
 * libFuzzer target: the whole ingest path as cli/collector.c runs it for a
 * request: tt_decode() -> tt_optout_filter() with a small fixed registry ->
 * the privacy findings of each event -> store_submit() and store_flush() on
 * a ":memory:" store -> tt_stats_add() for each committed event.  The input
 * is read as in fuzz_decode (first byte: route and options).
 *
 * The store is opened once, in LLVMFuzzerInitialize, and reopened empty
 * every REOPEN_EVERY inputs so that memory stays bounded; nothing checked
 * here depends on earlier inputs but the row ids.  The aggregates are fresh
 * for each input.  Since the store keeps what each input adds, run.sh turns
 * libFuzzer's leak check after each input off (-detect_leaks=0): LeakSanitizer
 * still reports leaks when the run ends.
 *
 * Properties beyond not crashing: no kept event matches the registry; every
 * kept event's data scans as JSON; the flush succeeds and commits exactly the
 * kept events; each reads back from the store (store_events) as it was
 * committed; the snapshots of the aggregates are consistent; and the model
 * of the store's deltas since it opened is, every ROLLUP_EVERY inputs and at
 * each reopen, what store_rollup_load() reads from the rollup tables.
 */
#include <math.h>

#include "fuzz_events.h"
#include "core/optout.h"
#include "core/privacy.h"
#include "core/stats.h"
#include "core/xmalloc.h"
#include "store/store.h"

#define REOPEN_EVERY	4096
#define ROLLUP_EVERY	64	/* inputs between two rollup checks */
#define NOW		1767225600000000LL	/* the models' now */
#define MAX_KEPT	4096	/* events compared after the round trip */

/* The paths ws/server.c maps to each route. */
static const char *const route_path[FUZZ_ROUTES] = {
	"/v1/events", "/batch/", "/i/v1/analytics/events", "/v1/insert",
	"/analytics/v1/devpod/v1/events", "/v1/traces", "/v1/batch",
	"/v1/logs", "/v1/metrics"
};

static struct store	*st;
static struct tt_optout	 reg;
static unsigned		 runs;
static int64_t		 last_id;	/* ids above it are this input's */
static int64_t		 top_id;	/* the highest id committed */

/* This input's committed events, as the store reported them. */
static struct tt_event	 committed[MAX_KEPT];
static size_t		 ncommitted, nback;
static struct tt_stats	*live;
/* Every event since the store opened, as the store's deltas say. */
static struct tt_stats	*applied;

static int
same_double(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

/* The metrics of two models agree. */
static void
check_metrics(struct tt_stats *x, struct tt_stats *y)
{
	struct tt_metric_stats	*a, *b;
	size_t			 na, nb, i;
	int			 k;

	na = tt_stats_metrics(x, &a);
	nb = tt_stats_metrics(y, &b);
	FUZZ_CHECK(na == nb, "%zu metrics applied, %zu loaded", na, nb);
	for (i = 0; i < na; i++) {
		FUZZ_CHECK(a[i].source == b[i].source &&
		    strcmp(a[i].name, b[i].name) == 0 &&
		    strcmp(a[i].kind, b[i].kind) == 0 &&
		    strcmp(a[i].unit, b[i].unit) == 0 &&
		    a[i].points == b[i].points &&
		    a[i].last_seen == b[i].last_seen &&
		    same_double(a[i].last, b[i].last) &&
		    same_double(a[i].min, b[i].min) &&
		    same_double(a[i].max, b[i].max) &&
		    a[i].nrecent == b[i].nrecent, "metric %s differs from its "
		    "rollup", a[i].name);
		for (k = 0; k < a[i].nrecent; k++)
			FUZZ_CHECK(same_double(a[i].recent[k], b[i].recent[k]),
			    "metric %s: recent value %d", a[i].name, k);
	}
	free(a);
	free(b);
}

/* The rollups read back as the deltas said, snapshot for snapshot. */
static void
check_rollups(void)
{
	struct tt_stats		*loaded = tt_stats_create(TT_ORPHAN_AFTER_US);
	struct tt_cmd_stats	*a, *b;
	struct tt_day_stats	*da, *db;
	struct tt_summary	*sa, *sb;
	char			*cause = NULL;
	size_t			 na, nb, i, k;

	FUZZ_CHECK(store_rollup_load(st, NULL, loaded, NOW, &cause) == 0,
	    "store_rollup_load: %s", cause != NULL ? cause : "other zone");
	na = tt_stats_commands(applied, NOW, &a);
	nb = tt_stats_commands(loaded, NOW, &b);
	FUZZ_CHECK(na == nb, "%zu commands applied, %zu loaded", na, nb);
	for (i = 0; i < na; i++)
		FUZZ_CHECK(a[i].source == b[i].source &&
		    strcmp(a[i].command, b[i].command) == 0 &&
		    a[i].count == b[i].count && a[i].failures == b[i].failures &&
		    a[i].with_duration == b[i].with_duration &&
		    a[i].p50_ms == b[i].p50_ms && a[i].p99_ms == b[i].p99_ms &&
		    a[i].max_ms == b[i].max_ms && a[i].running == b[i].running &&
		    a[i].orphans == b[i].orphans &&
		    a[i].last_seen == b[i].last_seen &&
		    a[i].nrecent == b[i].nrecent, "command %s differs from its "
		    "rollup", a[i].command);
	na = tt_stats_days(applied, &da);
	nb = tt_stats_days(loaded, &db);
	FUZZ_CHECK(na == nb, "%zu days applied, %zu loaded", na, nb);
	for (i = 0; i < na; i++)
		FUZZ_CHECK(strcmp(da[i].day, db[i].day) == 0 &&
		    da[i].source == db[i].source &&
		    da[i].events == db[i].events &&
		    da[i].commands == db[i].commands &&
		    da[i].failures == db[i].failures &&
		    da[i].clients == db[i].clients, "day %s differs from its "
		    "rollup", da[i].day);
	na = tt_stats_summaries(applied, &sa);
	nb = tt_stats_summaries(loaded, &sb);
	FUZZ_CHECK(na == nb, "%zu summaries applied, %zu loaded", na, nb);
	for (i = 0; i < na; i++) {
		FUZZ_CHECK(strcmp(sa[i].client_id, sb[i].client_id) == 0 &&
		    sa[i].ncounts == sb[i].ncounts, "summary %s differs",
		    sa[i].client_id);
		for (k = 0; k < sa[i].ncounts; k++)
			FUZZ_CHECK(strcmp(sa[i].counts[k].key,
			    sb[i].counts[k].key) == 0 && sa[i].counts[k].value ==
			    sb[i].counts[k].value, "summary %s: count %s",
			    sa[i].client_id, sa[i].counts[k].key);
	}
	free(a);
	free(b);
	free(da);
	free(db);
	free(sa);
	free(sb);
	check_metrics(applied, loaded);
	tt_stats_free(loaded);
}

static void
store_start(void)
{
	char	*cause = NULL;

	if ((st = store_open(":memory:", &cause)) == NULL) {
		fprintf(stderr, "store_open: %s\n", cause);
		abort();
	}
	last_id = top_id = 0;
	tt_stats_free(applied);
	applied = tt_stats_create(TT_ORPHAN_AFTER_US);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	store_start();
	tt_optout_init(&reg);
	(void)tt_optout_put(&reg, "devsy", NULL, 1, "cli");
	(void)tt_optout_put(&reg, "devtron", "ucidprobe0000001", 1, "ui");
	(void)tt_optout_put(&reg, "werf", "user-otlp-curl-json", 1, "http");
	(void)tt_optout_put(&reg, "generic", "opted-out", 1, "http");
	return 0;
}

/* The store's per-event callback: the live aggregates, and a copy. */
static void
on_event(void *arg, const struct tt_event *ev, const struct tt_stats_delta *d)
{
	(void)arg;
	tt_stats_apply(applied, ev, d);
	FUZZ_CHECK(ev->id > last_id, "id %lld after %lld", (long long)ev->id,
	    (long long)last_id);
	if (ev->id > top_id)
		top_id = ev->id;
	tt_stats_add(live, ev);
	if (ncommitted < MAX_KEPT)
		tt_event_copy(&committed[ncommitted], ev, 1);
	ncommitted++;
}

static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* An event read back from the store must be the one committed. */
static int
read_back(void *arg, const struct tt_event *ev)
{
	const struct tt_event	*c;

	(void)arg;
	FUZZ_CHECK(nback < ncommitted, "more rows than committed");
	if (nback >= MAX_KEPT) {
		nback++;
		return 0;
	}
	c = &committed[nback++];
#define SAME_INT(f) FUZZ_CHECK(ev->f == c->f, "event %lld: " #f " %lld, "   \
	"committed %lld", (long long)c->id, (long long)ev->f, (long long)c->f)
#define SAME_NUM(f) FUZZ_CHECK(ev->f == c->f, "event %lld: " #f " %.17g, "  \
	"committed %.17g", (long long)c->id, ev->f, c->f)
#define SAME_STR(f) FUZZ_CHECK(same_str(ev->f, c->f), "event %lld: " #f	    \
	" \"%.100s\", committed \"%.100s\"", (long long)c->id,		    \
	ev->f != NULL ? ev->f : "(null)", c->f != NULL ? c->f : "(null)")
	SAME_INT(id);
	SAME_INT(received_at);
	SAME_INT(ts);
	SAME_INT(source);
	SAME_INT(phase);
	SAME_NUM(duration_ms);
	SAME_INT(exit_code);
	SAME_INT(data_len);
	SAME_STR(format);
	SAME_STR(name);
	SAME_STR(client_id);
	SAME_STR(execution_id);
	SAME_STR(command);
	SAME_STR(error);
	SAME_STR(version);
	SAME_STR(os);
	SAME_STR(arch);
	SAME_STR(pii);
	SAME_STR(data);
#undef SAME_INT
#undef SAME_STR
	return 0;
}

/* The snapshots of the aggregates hang together. */
static void
check_stats(struct tt_stats *s, size_t nevents)
{
	struct tt_cmd_stats	*c;
	struct tt_day_stats	*d;
	struct tt_summary	*m;
	struct tt_metric_stats	*x;
	size_t			 nc, nd, nm, nx, i;
	int64_t			 events = 0;

	nc = tt_stats_commands(s, 1767225600000000LL, &c);
	for (i = 0; i < nc; i++) {
		FUZZ_CHECK(c[i].command != NULL, "command %zu: no name", i);
		FUZZ_CHECK(c[i].failures >= 0 && c[i].failures <= c[i].count,
		    "%s: %lld failures of %lld", c[i].command,
		    (long long)c[i].failures, (long long)c[i].count);
		FUZZ_CHECK(c[i].running >= 0 && c[i].orphans >= 0,
		    "%s: running %lld, orphans %lld", c[i].command,
		    (long long)c[i].running, (long long)c[i].orphans);
		FUZZ_CHECK(c[i].nrecent >= 0 && c[i].nrecent <= TT_RECENT,
		    "%s: %d recent", c[i].command, c[i].nrecent);
		if (c[i].with_duration > 0)
			FUZZ_CHECK(c[i].p50_ms <= c[i].p95_ms &&
			    c[i].p95_ms <= c[i].p99_ms &&
			    c[i].p99_ms <= c[i].max_ms,
			    "%s: p50 %lld p95 %lld p99 %lld max %lld",
			    c[i].command, (long long)c[i].p50_ms,
			    (long long)c[i].p95_ms, (long long)c[i].p99_ms,
			    (long long)c[i].max_ms);
		else
			FUZZ_CHECK(c[i].p50_ms == TT_NONE &&
			    c[i].max_ms == TT_NONE, "%s: percentiles of "
			    "nothing", c[i].command);
	}
	nd = tt_stats_days(s, &d);
	for (i = 0; i < nd; i++) {
		FUZZ_CHECK(strlen(d[i].day) == 10, "day \"%s\"", d[i].day);
		FUZZ_CHECK(d[i].events > 0 && d[i].failures <= d[i].commands,
		    "%s: %lld events, %lld failures of %lld commands",
		    d[i].day, (long long)d[i].events,
		    (long long)d[i].failures, (long long)d[i].commands);
		events += d[i].events;
	}
	FUZZ_CHECK(events == (int64_t)nevents, "days count %lld events of "
	    "%zu", (long long)events, nevents);
	nm = tt_stats_summaries(s, &m);
	for (i = 0; i < nm; i++)
		FUZZ_CHECK(m[i].client_id != NULL && (m[i].ncounts == 0 ||
		    m[i].counts != NULL), "summary %zu incomplete", i);
	events = 0;
	nx = tt_stats_metrics(s, &x);
	for (i = 0; i < nx; i++) {
		FUZZ_CHECK(x[i].points > 0 && (isnan(x[i].last) ||
		    (x[i].min <= x[i].last && x[i].last <= x[i].max)),
		    "metric %s: %lld points, last %g of %g..%g", x[i].name,
		    (long long)x[i].points, x[i].last, x[i].min, x[i].max);
		events += x[i].points;
	}
	FUZZ_CHECK(events <= (int64_t)nevents, "metrics count %lld points of "
	    "%zu events", (long long)events, nevents);
	free(c);
	free(d);
	free(m);
	free(x);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tt_decode_opts	 opts;
	struct tt_batch		 b;
	struct tt_findings	 f;
	struct tt_filter	 flt;
	struct store_payload	 pl;
	enum tt_route		 route;
	char			*cause = NULL, expr[32];
	size_t			 i, decoded, dropped, kept;
	int			 rc;

	if (size < 1)
		return 0;
	if (++runs % REOPEN_EVERY == 0) {
		check_rollups();
		store_close(st);
		store_start();
	} else if (runs % ROLLUP_EVERY == 0)
		check_rollups();
	route = fuzz_route(data[0], &opts);
	tt_batch_init(&b);
	rc = tt_decode(route, data + 1, size - 1, &opts, &b, &cause);
	fuzz_check_batch(rc, cause, &b, &opts, data + 1, size - 1);
	if (rc != 0 || (b.n == 0 && b.rejected > 0)) {
		/* ws/server.c answers 400 or 413 and stores nothing. */
		free(cause);
		tt_batch_clear(&b);
		return 0;
	}

	/* cli/collector.c's sink_submit(). */
	decoded = b.n;
	dropped = tt_optout_filter(&reg, &b);
	FUZZ_CHECK(b.n + dropped == decoded, "%zu kept + %zu dropped of %zu",
	    b.n, dropped, decoded);
	tt_findings_init(&f);
	for (i = 0; i < b.n; i++) {
		FUZZ_CHECK(tt_optout_match(&reg, tt_source_name(b.ev[i].source),
		    b.ev[i].client_id) == NULL, "event %zu is opted out", i);
		/* the decoder's findings stand (checked above) */
		if (b.ev[i].pii != NULL)
			continue;
		FUZZ_CHECK(tt_privacy_scan(b.ev[i].data, b.ev[i].data_len,
		    &f) == 0, "event %zu: data does not scan", i);
		b.ev[i].pii = tt_privacy_json(&f);
	}
	tt_findings_clear(&f);
	kept = b.n;
	/* what is not set is not known (how the request came, its raw bytes) */
	memset(&pl, 0, sizeof pl);
	pl.route = route_path[route];
	pl.content_type = opts.protobuf ? "application/x-protobuf" :
	    "application/json";
	pl.body = data + 1;
	pl.len = size - 1;
	(void)store_submit(st, &b, dropped == 0 ? &pl : NULL);
	FUZZ_CHECK(b.n == 0, "store_submit left %zu events", b.n);
	tt_batch_clear(&b);

	live = tt_stats_create(TT_ORPHAN_AFTER_US);
	ncommitted = nback = 0;
	store_set_event_cb(st, on_event, NULL);
	rc = store_flush(st, &cause);
	FUZZ_CHECK(rc == 0, "store_flush: %s", cause != NULL ? cause : "?");
	FUZZ_CHECK(ncommitted == kept, "%zu committed of %zu", ncommitted,
	    kept);
	check_stats(live, kept);

	/* The same events come back from the store. */
	snprintf(expr, sizeof expr, "id>%lld", (long long)last_id);
	FUZZ_CHECK(tt_filter_parse(expr, &flt, &cause) == 0, "%s", cause);
	rc = store_events(st, &flt, 0, read_back, NULL, &cause);
	FUZZ_CHECK(rc == 0, "store_events: %s", cause != NULL ? cause : "?");
	FUZZ_CHECK(nback == ncommitted, "%zu rows back of %zu", nback,
	    ncommitted);
	tt_filter_free(&flt);
	for (i = 0; i < ncommitted && i < MAX_KEPT; i++)
		tt_event_clear(&committed[i]);
	last_id = top_id;
	tt_stats_free(live);
	live = NULL;
	return 0;
}
