/*
 * store.h on PostgreSQL (store_open() of a postgresql:// URL), against the
 * throwaway cluster of tests/pg/run.sh: what the collector's ingest path
 * needs, the same as on SQLite.  Tickets reported committed only after
 * COMMIT, synchronously and from the writer thread; events, requests and
 * counters read back; an opt-out set through a second store heard by the
 * first (store_data_version() moves: NOTIFY, not polling); the server
 * killed: the ticket reported failed (a 503), never committed, and the
 * next one committed once it is back; the field catalog of two stores and
 * the privacy summary.
 */
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "core/catalog.h"
#include "core/event.h"
#include "core/optout.h"
#include "core/stats.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "pgtest.h"
#include "../unit/tt_test.h"
#include "../unit/rollup_scenario.h"

struct posted {
	void		(*fn)(void *);
	void		*arg;
	struct posted	*next;
};

struct fixture {
	struct store	*st;
	uint64_t	 first[64], last[64];
	enum tt_commit	 how[64];
	int		 ncalls;
	int64_t		 ids[64];
	int		 nids;
	pthread_mutex_t	 lock;
	struct posted	*head, **tail;
};

static struct fixture	fx;

static void
on_commit(void *arg, uint64_t first, uint64_t last, enum tt_commit how)
{
	(void)arg;
	assert_true(fx.ncalls < 64);
	fx.first[fx.ncalls] = first;
	fx.last[fx.ncalls] = last;
	fx.how[fx.ncalls++] = how;
}

static void
on_event(void *arg, const struct tt_event *ev, const struct tt_stats_delta *d)
{
	(void)arg;
	(void)d;
	if (fx.nids < 64)
		fx.ids[fx.nids++] = ev->id;
}

/* The writer thread's results, run on the test's thread (run_posted). */
static void
post(void *arg, void (*fn)(void *), void *fnarg)
{
	struct posted	*p = xcalloc(1, sizeof *p);

	(void)arg;
	p->fn = fn;
	p->arg = fnarg;
	pthread_mutex_lock(&fx.lock);
	*fx.tail = p;
	fx.tail = &p->next;
	pthread_mutex_unlock(&fx.lock);
}

static void
run_posted(void)
{
	struct posted	*p, *next;

	pthread_mutex_lock(&fx.lock);
	p = fx.head;
	fx.head = NULL;
	fx.tail = &fx.head;
	pthread_mutex_unlock(&fx.lock);
	for (; p != NULL; p = next) {
		next = p->next;
		p->fn(p->arg);
		free(p);
	}
}

/* Run what the writer posts until n commit calls came; bounded. */
static void
wait_calls(int n)
{
	int	i;

	for (i = 0; i < 1000 && fx.ncalls < n; i++) {
		run_posted();
		if (fx.ncalls < n)
			(void)poll(NULL, 0, 10);
	}
	assert_int_equal(fx.ncalls, n);
}

static int
setup(void **state)
{
	char	*cause = NULL;

	(void)state;
	drop_schema();
	memset(&fx, 0, sizeof fx);
	pthread_mutex_init(&fx.lock, NULL);
	fx.tail = &fx.head;
	if ((fx.st = store_open(url(), &cause)) == NULL)
		fail_msg("store_open: %s", cause);
	store_set_commit_cb(fx.st, on_commit, NULL);
	store_set_event_cb(fx.st, on_event, NULL);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	store_close(fx.st);
	run_posted();
	pthread_mutex_destroy(&fx.lock);
	return 0;
}

static uint64_t
submit(const char *name, const char *uuid, const char *body)
{
	struct store_payload	 p;
	struct tt_batch		 b;
	struct tt_event		*ev;
	uint64_t		 t;

	tt_batch_init(&b);
	ev = tt_batch_add(&b);
	ev->source = TT_SRC_POSTHOG;
	ev->format = "posthog-batch";
	ev->received_at = ev->ts = T0;
	ev->name = xstrdup(name);
	ev->data = xasprintf("{\"uuid\":\"%s\"}", uuid);
	ev->data_len = strlen(ev->data);
	memset(&p, 0, sizeof p);
	p.route = "/batch";
	p.content_type = "application/json";
	p.body = body;
	p.len = strlen(body);
	t = store_submit(fx.st, &b, &p);
	tt_batch_clear(&b);
	return t;
}

struct names {
	char	v[8][32];
	int	n;
};

static int
on_row(void *arg, const struct tt_event *ev)
{
	struct names	*n = arg;

	if (n->n < 8)
		snprintf(n->v[n->n++], sizeof n->v[0], "%s", ev->name);
	return 0;
}

/* Synchronous: committed when store_flush() returns; read back. */
static void
test_sync(void **state)
{
	struct tt_counters	 c;
	struct store_request	 rq;
	struct names		 names = { .n = 0 };
	struct tt_stats		*stats;
	char			*cause = NULL;
	uint64_t		 t1, t2;
	int64_t			 rolled;
	int			 rebuilt;

	(void)state;
	t1 = submit("one", "u-1", "[{\"event\":\"one\"}]");
	t2 = submit("two", "u-2", "[{\"event\":\"two\"}]");
	store_count(fx.st, TT_CTR_RECEIVED, 2);
	assert_int_equal(fx.ncalls, 0);
	if (store_flush(fx.st, &cause) != 0)
		fail_msg("store_flush: %s", cause);
	assert_int_equal(fx.ncalls, 1);
	assert_int_equal(fx.first[0], t1);
	assert_int_equal(fx.last[0], t2);
	assert_int_equal(fx.how[0], TT_COMMIT_OK);
	assert_int_equal(fx.nids, 2);
	assert_true(fx.ids[0] > 0 && fx.ids[1] > fx.ids[0]);
	assert_int_equal(store_event_count(fx.st), 2);
	assert_int_equal(store_last_id(fx.st), fx.ids[1]);
	assert_int_equal(store_events(fx.st, NULL, 0, on_row, &names, &cause),
	    0);
	assert_int_equal(names.n, 2);
	assert_string_equal(names.v[0], "one");
	assert_int_equal(store_counters(fx.st, &c), 0);
	assert_int_equal(c.v[TT_CTR_RECEIVED], 2);
	assert_int_equal(store_request(fx.st, store_event_payload(fx.st,
	    fx.ids[1]), &rq), 0);
	assert_string_equal(rq.route, "/batch");
	assert_string_equal(rq.body, "[{\"event\":\"two\"}]");
	store_request_clear(&rq);
	/* the rollups count both, in this zone: nothing to sync */
	assert_int_equal(store_rollup_sync(fx.st, &rebuilt, &rolled, &cause),
	    0);
	assert_int_equal(rebuilt, 0);
	assert_int_equal(rolled, 0);
	stats = tt_stats_create(TT_ORPHAN_AFTER_US);
	assert_int_equal(store_rollup_load(fx.st, NULL, stats, T0, &cause), 0);
	tt_stats_free(stats);
	assert_int_equal(store_rollup_events(fx.st), 2);
}

/* An opt-out set through another store (collector) is heard here. */
static void
test_optout_heard(void **state)
{
	struct tt_optout	 reg;
	struct store		*other;
	char			*cause = NULL;
	int64_t			 v0;
	int			 i;

	(void)state;
	tt_optout_init(&reg);
	v0 = store_data_version(fx.st);
	if ((other = store_open(url(), &cause)) == NULL)
		fail_msg("store_open: %s", cause);
	assert_int_equal(store_optout_set(other, "devpod", NULL, "cli",
	    &cause), 1);
	for (i = 0; i < 200 && store_data_version(fx.st) == v0; i++)
		(void)poll(NULL, 0, 50);
	assert_true(store_data_version(fx.st) > v0);
	assert_int_equal(store_optout_load(fx.st, &reg, 1, &cause), 0);
	assert_int_equal(reg.n, 1);
	assert_string_equal(reg.v[0].source, "devpod");
	assert_int_equal(reg.v[0].stored_since, 0);
	assert_int_equal(store_optout_clear(fx.st, "devpod", NULL, &cause), 1);
	assert_int_equal(store_optout_load(other, &reg, 1, &cause), 0);
	assert_int_equal(reg.n, 0);
	tt_optout_clear(&reg);
	store_close(other);
}

/* With the writer: results posted back; the server killed mid-way. */
static void
test_writer_and_outage(void **state)
{
	const char	*dir = getenv("TELTOP_TEST_PG_DIR");
	char		*cause = NULL, cmd[512];
	uint64_t	 t;
	int		 i;

	(void)state;
	assert_non_null(dir);
	assert_int_equal(store_set_poster(fx.st, post, NULL), 0);
	t = submit("w1", "w-1", "[]");
	assert_int_equal(store_flush(fx.st, &cause), 0);
	wait_calls(1);
	assert_int_equal(fx.first[0], t);
	assert_int_equal(fx.how[0], TT_COMMIT_OK);

	snprintf(cmd, sizeof cmd, "tests/pg/cluster.sh kill %s", dir);
	assert_int_equal(system(cmd), 0);
	t = submit("w2", "w-2", "[]");
	assert_int_equal(store_flush(fx.st, &cause), 0);
	wait_calls(2);
	assert_int_equal(fx.first[1], t);
	assert_int_equal(fx.how[1], TT_COMMIT_FAILED);	/* never acked */

	snprintf(cmd, sizeof cmd, "tests/pg/cluster.sh restart %s", dir);
	assert_int_equal(system(cmd), 0);
	/* the sender retries until the writer's connection is back */
	for (i = 0; i < 100; i++) {
		t = submit("w2", "w-2", "[]");
		assert_int_equal(store_flush(fx.st, &cause), 0);
		wait_calls(fx.ncalls + 1);
		if (fx.how[fx.ncalls - 1] == TT_COMMIT_OK)
			break;
		(void)poll(NULL, 0, 50);
	}
	assert_int_equal(fx.how[fx.ncalls - 1], TT_COMMIT_OK);
	assert_int_equal(fx.last[fx.ncalls - 1], t);
	assert_int_equal(store_set_poster(fx.st, NULL, NULL), 0);
	run_posted();
	/* the loop's connection comes back without blocking it: its reads
	 * fail while that is under way; then w1 and w2 once each, the
	 * failed commit left nothing */
	for (i = 0; i < 200 && store_event_count(fx.st) < 0; i++)
		(void)poll(NULL, 0, 50);
	assert_int_equal(store_event_count(fx.st), 2);
}

/* An event of werf with data and its findings (pii: JSON or NULL),
 * committed through st. */
static void
commit_werf(struct store *st, const char *version, const char *data,
    const char *pii)
{
	struct tt_batch		 b;
	struct tt_event		*ev;
	char			*cause = NULL;

	tt_batch_init(&b);
	ev = tt_batch_add(&b);
	ev->source = TT_SRC_WERF;
	ev->format = "generic";
	ev->received_at = ev->ts = T0;
	ev->name = xstrdup("run");
	ev->version = xstrdup(version);
	ev->data = xstrdup(data);
	ev->data_len = strlen(data);
	ev->pii = pii != NULL ? xstrdup(pii) : NULL;
	(void)store_submit(st, &b, NULL);
	tt_batch_clear(&b);
	if (store_flush(st, &cause) != 0)
		fail_msg("flush: %s", cause);
}

/* The field of path in rows, or NULL. */
static const struct tt_field_row *
field_at(const struct tt_field_rows *rows, const char *path)
{
	size_t	i;

	for (i = 0; i < rows->n; i++)
		if (strcmp(rows->v[i].path, path) == 0)
			return &rows->v[i];
	return NULL;
}

static void
add_version(void *arg, const char *version, int64_t first, int64_t events)
{
	char	*s, **all = arg;

	(void)first;
	s = xasprintf("%s%s%s:%lld", *all != NULL ? *all : "",
	    *all != NULL ? "," : "", version, (long long)events);
	free(*all);
	*all = s;
}

static void
add_finding(void *arg, const struct store_privacy_row *r)
{
	char	*s, **all = arg;

	s = xasprintf("%s%s%s %s %s %lld", *all != NULL ? *all : "",
	    *all != NULL ? "," : "", r->field, r->kind, r->red ? "red" :
	    "not-red", (long long)r->events);
	free(*all);
	*all = s;
}

/*
 * The field catalog and the privacy summary on PostgreSQL: what two
 * stores (two collectors) commit adds up in one catalog, a retried event
 * is not counted again, a field found red loses its examples, the
 * versions are listed; the findings are grouped.  A database of schema 4
 * (no catalog) gets it built from its events when a store opens it.
 */
static void
test_catalog(void **state)
{
	struct tt_field_rows		 rows;
	const struct tt_field_row	*f;
	struct store			*other;
	char				*cause = NULL, *all = NULL;

	(void)state;
	if ((other = store_open(url(), &cause)) == NULL)
		fail_msg("store_open: %s", cause);
	commit_werf(fx.st, "v1.2", "{\"mode\":\"a\",\"n\":1}", NULL);
	commit_werf(other, "v1.2", "{\"mode\":\"b\",\"who\":\"x@y.org\"}",
	    "[{\"field\":\"who\",\"kind\":\"email\",\"grade\":\"red\"}]");
	commit_werf(other, "v1.10", "{\"mode\":\"c\"}", NULL);
	memset(&rows, 0, sizeof rows);
	if (store_fields(fx.st, "werf", NULL, NULL, &rows, &cause) != 0)
		fail_msg("store_fields: %s", cause);
	assert_non_null(f = field_at(&rows, "mode"));
	assert_int_equal(f->events, 3);
	assert_int_equal(f->nversions, 2);
	assert_string_equal(f->versions[0], "v1.2");	/* release order */
	assert_string_equal(f->versions[1], "v1.10");
	assert_non_null(f = field_at(&rows, "who"));
	assert_int_equal(f->events, 1);
	assert_int_equal(f->nexamples, 0);		/* red */
	assert_true(f->kinds != 0);
	tt_field_rows_clear(&rows);
	/* one version's fields, the examples of both collectors */
	memset(&rows, 0, sizeof rows);
	assert_int_equal(store_fields(other, "werf", "run", "v1.2", &rows,
	    &cause), 0);
	assert_non_null(f = field_at(&rows, "mode"));
	assert_int_equal(f->events, 2);
	assert_int_equal(f->nexamples, 2);
	assert_string_equal(f->examples[0], "a");
	assert_string_equal(f->examples[1], "b");
	tt_field_rows_clear(&rows);
	assert_int_equal(store_field_versions(fx.st, "werf", add_version,
	    &all, &cause), 0);
	assert_string_equal(all, "v1.2:2,v1.10:1");
	free(all);
	all = NULL;
	assert_int_equal(store_privacy(fx.st, TT_NONE, NULL, add_finding,
	    &all, &cause), 0);
	assert_string_equal(all, "who email red 1");
	free(all);
	all = NULL;
	assert_int_equal(store_privacy(fx.st, T0 + 1, NULL, add_finding,
	    &all, &cause), 0);
	assert_null(all);	/* none since then */
	store_close(other);

	/* schema 4, without a catalog: built from the events at open */
	free(sql1("DROP TABLE fields; DROP TABLE " PG_ROLLUP_TABLES "; "
	    "DROP INDEX events_exec; DELETE FROM teltop_schema WHERE "
	    "version >= 5"));
	if ((other = store_open(url(), &cause)) == NULL)
		fail_msg("store_open of schema 4: %s", cause);
	memset(&rows, 0, sizeof rows);
	assert_int_equal(store_fields(other, "werf", NULL, NULL, &rows,
	    &cause), 0);
	assert_non_null(f = field_at(&rows, "mode"));
	assert_int_equal(f->events, 3);
	assert_non_null(f = field_at(&rows, "n"));
	assert_int_equal(f->events, 1);
	tt_field_rows_clear(&rows);
	store_close(other);
}


/* An event row as someone in psql might write one by hand. */
#define HAND_ROW "INSERT INTO events (id, day, source, received_at, ts, " \
	"format, phase, name, client_id, data, collector) SELECT " \
	"nextval('events_id_seq'), day, source, received_at, ts, format, " \
	"phase, name, client_id, data, collector FROM events WHERE name = " \
	"'Heartbeat' LIMIT 1"

/* What store_rollup_load() of st answers: 0 (loaded) or 1 (replay). */
static void
loads(struct store *st, int want)
{
	struct tt_stats	*m = tt_stats_create(0);
	char		*cause = NULL;

	assert_int_equal(store_rollup_load(st, NULL, m, RNOW, &cause), want);
	tt_stats_free(m);
}

/* Commit what was submitted to st, synchronously. */
static void
flush_st(struct store *st)
{
	char	*cause = NULL;

	if (store_flush(st, &cause) != 0)
		fail_msg("store_flush: %s", cause);
}

/*
 * The rollups on PostgreSQL: the SQLite tests' scenario (every pairing
 * case, duplicates, Summaries, privacy, metrics), its commits alternating
 * between two stores (two collectors), read back after each as the
 * reference model replayed from the events and the deltas' live model
 * give.  Then what keeps them: events gone (retention) leave them;
 * a database of schema 5 gets them built at open; days of another zone
 * are not read, and a sync rebuilds them.
 */
static void
test_rollups(void **state)
{
	struct tt_stats	*loaded;
	struct tt_cmd_stats *c;
	struct store	*other;
	char		*cause = NULL, *zone;
	int64_t		 rolled;
	size_t		 i, n;
	int		 rebuilt, werf = 0;

	(void)state;
	if ((other = store_open(url(), &cause)) == NULL)
		fail_msg("store_open: %s", cause);
	rollup_begin(fx.st);
	store_set_event_cb(other, rollup_on_event, NULL);
	RSUBMIT(fx.st, rs1);
	flush_st(fx.st);
	rollups_agree(fx.st);
	RSUBMIT(other, rs2);
	flush_st(other);
	rollups_agree(fx.st);
	RSUBMIT(fx.st, rs3);
	flush_st(fx.st);
	rollups_agree(other);
	/* the live model ages e5 into an orphan before its finish comes */
	free((tt_stats_commands(rfx.live, RNOW, &c), c));
	free((tt_stats_commands(rfx.ref, RNOW, &c), c));
	RSUBMIT(other, rs4);
	flush_st(other);
	rollups_agree(fx.st);
	rollups_agree(other);
	n = tt_stats_commands(rfx.ref, RNOW, &c);
	for (i = 0; i < n; i++)
		if (strcmp(c[i].command, "werf converge") == 0) {
			/* as on SQLite: e2's start through one, its late
			 * finish through the other, 17 s */
			assert_i64(c[i].count, 6);
			assert_i64(c[i].failures, 2);
			assert_i64(c[i].with_duration, 5);
			assert_i64(c[i].max_ms, 200000);
			assert_i64(c[i].running, 0);
			werf = 1;
		}
	free(c);
	assert_true(werf);
	metrics_expected(rfx.ref);

	/* schema 5: the rollups built from the events, in the migration */
	store_close(other);
	free(sql1("DROP TABLE " PG_ROLLUP_TABLES "; DROP INDEX events_exec; "
	    "DELETE FROM teltop_schema WHERE version = 6"));
	if ((other = store_open(url(), &cause)) == NULL)
		fail_msg("store_open of schema 5: %s", cause);
	rollups_agree(other);

	/* another zone's days: not read; the sync builds ours again */
	free(sql1("UPDATE rollup_meta SET value = 'Elsewhere/Else' WHERE "
	    "key = 'zone'"));
	loads(other, 1);
	assert_int_equal(store_rollup_sync(other, &rebuilt, &rolled, &cause),
	    0);
	assert_int_equal(rebuilt, 1);
	rollups_agree(other);
	/* a writer of another zone marks the days as in none */
	free(sql1("UPDATE rollup_meta SET value = 'Elsewhere/Else' WHERE "
	    "key = 'zone'"));
	RSUBMIT(fx.st, rs1);
	flush_st(fx.st);
	zone = sql1("SELECT value FROM rollup_meta WHERE key = 'zone'");
	assert_string_equal(zone, "");
	free(zone);
	assert_int_equal(store_rollup_sync(other, &rebuilt, &rolled, &cause),
	    0);
	assert_int_equal(rebuilt, 1);
	rollups_agree(other);

	/* a row written by hand: not counted until a sync or a commit
	 * rolls it up from the row (readers replay meanwhile) */
	free(sql1(HAND_ROW));
	loads(other, 1);
	assert_int_equal(store_rollup_sync(other, &rebuilt, &rolled, &cause),
	    0);
	assert_int_equal(rebuilt, 0);
	assert_i64(rolled, 1);
	assert_i64(store_rollup_events(other), store_event_count(other));
	free(sql1(HAND_ROW));
	RSUBMIT(fx.st, rs3);
	flush_st(fx.st);
	assert_i64(store_rollup_events(other), store_event_count(other));
	assert_i64(store_rollup_events(other), rfx.nevents + 2);
	loads(other, 0);

	/* the events gone, the aggregates stay */
	free(sql1("TRUNCATE events"));
	loaded = tt_stats_create(0);
	assert_int_equal(store_rollup_load(other, NULL, loaded, RNOW, &cause),
	    0);
	assert_i64(store_rollup_events(other), rfx.nevents + 2);
	free((tt_stats_commands(loaded, RNOW, &c), c));
	assert_true(tt_stats_commands(loaded, RNOW, &c) > 0);
	free(c);
	tt_stats_free(loaded);
	store_close(other);
	rollup_finish();
}

/* A heard event, applied to a model with the delta read for it. */
static void
heard_apply(void *arg, const struct tt_event *ev,
    const struct tt_stats_delta *d)
{
	assert_non_null(d);
	tt_stats_apply(arg, ev, d);
	rfx.nevents++;
}

static void
replay_into(void *arg, const struct tt_event *ev)
{
	tt_stats_add(arg, ev);
}

/*
 * What another collector committed comes with the delta its commit worked
 * out, read back: a viewer whose model was loaded from the rollups (it
 * never saw the start, nor the client's first event) steps a finish
 * through another collector as a replay of every event would: one run,
 * its span timed, nothing left running, the client not counted again.
 */
static void
test_heard_deltas(void **state)
{
	static const struct rspec a[] = {
		W_START("h1", "c1", 1),
		{ TT_SRC_DEVTRON, TT_PHASE_POINT, "Heartbeat", NULL, NULL,
		  "d1", NULL, TT_NONE, TT_NONE, 2, NULL, NULL, NULL },
	};
	static const struct rspec b[] = {
		W_FINISH("h1", "c1", 4, 0, TT_NONE),
		{ TT_SRC_DEVTRON, TT_PHASE_POINT, "Heartbeat", NULL, NULL,
		  "d1", NULL, TT_NONE, TT_NONE, 5, NULL, NULL, NULL },
		{ TT_SRC_DEVTRON, TT_PHASE_POINT, "Heartbeat", NULL, NULL,
		  "d2", NULL, TT_NONE, TT_NONE, 6, NULL, NULL, NULL },
		W_FINISH("h1", "c1", 4, 0, TT_NONE),	/* again: stored once */
	};
	struct tt_stats	*model, *ref;
	struct tt_cmd_stats *c;
	struct store	*other, *viewer;
	char		*cause = NULL;
	int		 i;
	size_t		 n, k;

	(void)state;
	if ((other = store_open(url(), &cause)) == NULL)
		fail_msg("store_open: %s", cause);
	RSUBMIT(fx.st, a);
	flush_st(fx.st);
	if ((viewer = store_open(url(), &cause)) == NULL)
		fail_msg("store_open: %s", cause);
	model = tt_stats_create(0);
	assert_int_equal(store_rollup_load(viewer, NULL, model, RNOW, &cause),
	    0);
	RSUBMIT(other, b);
	flush_st(other);
	for (i = 0; i < 3000 && rfx.nevents < 3; i++) {	/* 30 s at most */
		(void)store_data_version(viewer);
		assert_true(store_others(viewer, heard_apply, model,
		    &cause) >= 0);
		if (rfx.nevents < 3)
			(void)poll(NULL, 0, 10);
	}
	assert_int_equal(rfx.nevents, 3);
	ref = tt_stats_create(0);
	assert_int_equal(store_scan(viewer, TT_NONE, NULL, replay_into, ref,
	    &cause), 0);
	models_equal(ref, model, RNOW);
	n = tt_stats_commands(model, RNOW, &c);
	for (k = 0; k < n; k++)
		if (strcmp(c[k].command, "werf converge") == 0) {
			assert_i64(c[k].count, 1);
			assert_i64(c[k].with_duration, 1);
			assert_i64(c[k].running, 0);
		}
	free(c);
	tt_stats_free(ref);
	tt_stats_free(model);
	store_close(viewer);
	store_close(other);
	memset(&rfx, 0, sizeof rfx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_optout_heard, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_writer_and_outage, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_catalog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_heard_deltas, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
