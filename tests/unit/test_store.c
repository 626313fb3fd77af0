/*
 * Unit tests for the event store (store/store.h) on a real SQLite file in
 * /tmp: group commit and the commit callback's ticket ranges, every event
 * field through a write and a read, --limit, the filter language turned
 * into SQL (checked against tt_filter_match() on the same rows), persistent
 * counters, payloads kept byte for byte, reopening (the user_version
 * migration runs once) and open failures.
 *
 * With a writer thread (store_set_poster): commits off the caller's thread,
 * results only when the test runs what the writer posted, a lock held by
 * another connection waited out, disk full, tickets in order over several
 * flushes, opt-out changes as jobs, closing with work out, a bounded WAL.
 * And the collector's filter of repeated log lines (cli/collector.h).
 *
 * Rollups (store/rollup.c): after commits of every pairing case, after a
 * commit that fails half-way (with and without a writer), after the
 * migration of a database that had none, in another time zone, for one
 * source, past rows stored without them: always what a replay of the
 * committed events gives.
 *
 * Each test gets its own database file from mkstemp(); the teardown closes
 * the store and removes the file and its -wal, -shm and -journal.  Waits
 * are for a state (with a 10 s limit), never for a fixed time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tt_test.h"

#include <pthread.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cli/collector.h"
#include "core/decode.h"
#include "core/privacy.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "store/store_int.h"

/* 2026-01-01T00:00:00Z in µs. */
#define T0	1767225600000000LL

#define MAX_CALLS	64
#define MAX_EVENTS	64

/* One call of the commit callback. */
struct commit {
	uint64_t	first;
	uint64_t	last;
	int		ok;
	enum tt_commit	how;
};

/* A call the writer posted, waiting for the test's thread. */
struct posted {
	void		(*fn)(void *);
	void		*arg;
	struct posted	*next;
};

/* The test's poster: a locked list the test thread runs. */
struct poster {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	struct posted	*head;
	struct posted	**tail;
	int		 nposted;	/* ever */
};

/* A test's database and what the callbacks saw. */
struct fixture {
	char		 path[64];
	struct store	*st;
	struct commit	 calls[MAX_CALLS];
	int		 ncalls;
	/* store_events results, as copies. */
	struct tt_event	 got[MAX_EVENTS];
	int		 ngot;
	int		 stop_after;	/* > 0: the callback stops there */
	struct poster	 pq;
	int64_t		 ids[MAX_EVENTS];	/* from the event callback */
	int		 nids;
	char		*logs[MAX_CALLS];	/* from the log callback */
	int		 nlogs;
	int		 optout_rc[MAX_CALLS];	/* from store_optout_change */
	int		 noptout;
};

static void
on_commit(void *arg, uint64_t first, uint64_t last, enum tt_commit how)
{
	struct fixture	*fx = arg;

	assert_true(fx->ncalls < MAX_CALLS);
	fx->calls[fx->ncalls].first = first;
	fx->calls[fx->ncalls].last = last;
	fx->calls[fx->ncalls].ok = how == TT_COMMIT_OK;
	fx->calls[fx->ncalls].how = how;
	fx->ncalls++;
}

static void
on_event(void *arg, const struct tt_event *ev,
    const struct tt_stats_delta *d)
{
	struct fixture	*fx = arg;

	(void)d;

	assert_true(fx->nids < MAX_EVENTS);
	fx->ids[fx->nids++] = ev->id;
}

static void
on_log(void *arg, const char *line)
{
	struct fixture	*fx = arg;

	if (fx->nlogs < MAX_CALLS)
		fx->logs[fx->nlogs++] = dup_str(line);
}

/* The poster (writer thread): queue fn for the test's thread. */
static void
test_post(void *arg, void (*fn)(void *), void *fnarg)
{
	struct poster	*pq = arg;
	struct posted	*p;

	p = calloc(1, sizeof *p);
	assert_non_null(p);
	p->fn = fn;
	p->arg = fnarg;
	pthread_mutex_lock(&pq->lock);
	*pq->tail = p;
	pq->tail = &p->next;
	pq->nposted++;
	pthread_cond_broadcast(&pq->cond);
	pthread_mutex_unlock(&pq->lock);
}

/* Take what was posted; wait up to wait_ms for something first. */
static struct posted *
take_posted(struct poster *pq, int wait_ms)
{
	struct posted	*list;
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)wait_ms * 1000000;
	ts.tv_sec += ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	pthread_mutex_lock(&pq->lock);
	if (pq->head == NULL && wait_ms > 0)
		pthread_cond_timedwait(&pq->cond, &pq->lock, &ts);
	list = pq->head;
	pq->head = NULL;
	pq->tail = &pq->head;
	pthread_mutex_unlock(&pq->lock);
	return list;
}

/* Run (or with run 0, drop) what was posted, on the test's thread. */
static int
run_posted(struct fixture *fx, int wait_ms, int run)
{
	struct posted	*p, *next;
	int		 n = 0;

	for (p = take_posted(&fx->pq, wait_ms); p != NULL; p = next) {
		next = p->next;
		if (run)
			p->fn(p->arg);
		free(p);
		n++;
	}
	return n;
}

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Run what the writer posts until cond holds; fail after 10 s.  Between
 * two looks it waits for the next post, or 5 ms for states that come
 * without one (a lock wait).
 */
#define WAIT_FOR(fx, cond) do {						\
	int64_t	t_ = now_ms() + 10000;					\
	while (!(cond)) {						\
		if (now_ms() > t_)					\
			fail_msg("timed out waiting for %s", #cond);	\
		run_posted((fx), 5, 1);					\
	}								\
} while (0)

/* Commit on a writer thread from now on. */
static void
use_writer(struct fixture *fx)
{
	assert_int_equal(store_set_poster(fx->st, test_post, &fx->pq), 0);
	store_set_event_cb(fx->st, on_event, fx);
	store_set_log_cb(fx->st, on_log, fx);
}

/* Open (or reopen) the fixture's store. */
static void
open_store(struct fixture *fx)
{
	char	*cause = NULL;

	fx->st = store_open(fx->path, &cause);
	if (fx->st == NULL)
		fail_msg("store_open: %s", cause != NULL ? cause : "?");
	assert_null(cause);
	store_set_commit_cb(fx->st, on_commit, fx);
}

static void
close_store(struct fixture *fx)
{
	store_close(fx->st);
	fx->st = NULL;
}

static void
unlink_db(const char *path)
{
	static const char	*sfx[] = { "", "-wal", "-shm", "-journal" };
	char			 p[96];
	size_t			 i;

	for (i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, sfx[i]);
		(void)unlink(p);
	}
}

static int
setup(void **state)
{
	struct fixture	*fx;
	int		 fd;

	fx = calloc(1, sizeof *fx);
	if (fx == NULL)
		return -1;
	pthread_mutex_init(&fx->pq.lock, NULL);
	pthread_cond_init(&fx->pq.cond, NULL);
	fx->pq.tail = &fx->pq.head;
	snprintf(fx->path, sizeof fx->path, "/tmp/teltop-test-store-XXXXXX");
	if ((fd = mkstemp(fx->path)) < 0) {
		free(fx);
		return -1;
	}
	close(fd);
	*state = fx;
	open_store(fx);
	return 0;
}

static void
clear_got(struct fixture *fx)
{
	int	i;

	for (i = 0; i < fx->ngot; i++)
		tt_event_clear(&fx->got[i]);
	fx->ngot = 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;
	int		 i;

	if (fx->st != NULL)
		store_close(fx->st);
	/* Posted and not run before the store closed: never run. */
	run_posted(fx, 0, 0);
	pthread_cond_destroy(&fx->pq.cond);
	pthread_mutex_destroy(&fx->pq.lock);
	for (i = 0; i < fx->nlogs; i++)
		free(fx->logs[i]);
	clear_got(fx);
	unlink_db(fx->path);
	free(fx);
	return 0;
}

/* Add an event with a name, a source and a few fields to b. */
static struct tt_event *
add(struct tt_batch *b, int64_t i, enum tt_source src, enum tt_phase phase,
    const char *name, const char *command, const char *error,
    int64_t exit_code, double duration_ms)
{
	struct tt_event	*ev;
	char		 data[128];

	ev = tt_batch_add(b);
	ev->received_at = T0 + i * 1000;
	ev->ts = T0 + i;
	ev->source = src;
	ev->format = src == TT_SRC_WERF ? "werf-json" : "generic";
	ev->phase = phase;
	ev->name = dup_str(name);
	ev->command = dup_str(command);
	ev->error = dup_str(error);
	ev->exit_code = exit_code;
	ev->duration_ms = duration_ms;
	snprintf(data, sizeof data, "{\"name\":\"%s\",\"i\":%lld}",
	    name != NULL ? name : "", (long long)i);
	ev->data = dup_str(data);
	ev->data_len = strlen(data);
	return ev;
}

/* Add a plain named event. */
static struct tt_event *
add_named(struct tt_batch *b, int64_t i, const char *name)
{
	return add(b, i, TT_SRC_GENERIC, TT_PHASE_POINT, name, NULL, NULL,
	    TT_NONE, TT_NONE);
}

/* Submit b without a payload and check it is left empty. */
static uint64_t
submit(struct fixture *fx, struct tt_batch *b)
{
	uint64_t	t;

	t = store_submit(fx->st, b, NULL);
	assert_int_equal(b->n, 0);
	assert_null(b->ev);
	tt_batch_clear(b);
	return t;
}

static void
flush(struct fixture *fx)
{
	char	*cause = NULL;

	if (store_flush(fx->st, &cause) != 0)
		fail_msg("store_flush: %s", cause != NULL ? cause : "?");
	assert_null(cause);
}

/* Keep a deep copy of each event store_events gives. */
static int
collect(void *arg, const struct tt_event *ev)
{
	struct fixture	*fx = arg;
	struct tt_event	*c;

	assert_true(fx->ngot < MAX_EVENTS);
	c = &fx->got[fx->ngot++];
	*c = *ev;
	c->name = dup_str(ev->name);
	c->client_id = dup_str(ev->client_id);
	c->execution_id = dup_str(ev->execution_id);
	c->command = dup_str(ev->command);
	c->error = dup_str(ev->error);
	c->version = dup_str(ev->version);
	c->os = dup_str(ev->os);
	c->arch = dup_str(ev->arch);
	c->pii = dup_str(ev->pii);
	c->capture = dup_str(ev->capture);
	c->data = NULL;
	if (ev->data != NULL) {
		c->data = malloc(ev->data_len + 1);
		assert_non_null(c->data);
		memcpy(c->data, ev->data, ev->data_len);
		c->data[ev->data_len] = '\0';
	}
	return fx->stop_after > 0 && fx->ngot >= fx->stop_after;
}

/* Read the events matching filter string s (NULL: no filter). */
static void
query(struct fixture *fx, const char *s, int64_t limit)
{
	struct tt_filter	 f;
	char			*cause = NULL;
	int			 rc;

	clear_got(fx);
	if (s != NULL && tt_filter_parse(s, &f, &cause) != 0)
		fail_msg("filter \"%s\": %s", s, cause);
	rc = store_events(fx->st, s != NULL ? &f : NULL, limit, collect, fx,
	    &cause);
	if (rc != 0)
		fail_msg("store_events \"%s\": %s", s != NULL ? s : "",
		    cause != NULL ? cause : "?");
	assert_null(cause);
	if (s != NULL)
		tt_filter_free(&f);
}

/* The names of fx->got, space-separated, into buf. */
static const char *
got_names(const struct fixture *fx, char *buf, size_t len)
{
	size_t	o = 0;
	int	i;

	buf[0] = '\0';
	for (i = 0; i < fx->ngot && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s",
		    i > 0 ? " " : "", fx->got[i].name != NULL ?
		    fx->got[i].name : "(null)");
	return buf;
}

/* The query gives exactly these names, in this order. */
#define QUERY(fx, s, limit, want) do {					\
	char	b_[512];						\
	query((fx), (s), (limit));					\
	if (strcmp(got_names((fx), b_, sizeof b_), (want)) != 0)	\
		fail_msg("\"%s\" limit %d: got \"%s\", expected \"%s\"",\
		    (s) != NULL ? (s) : "(none)", (int)(limit), b_,	\
		    (want));						\
} while (0)

/* ---- commit ---- */

/* Tickets are reported committed only by a flush, as one range. */
static void
test_commit_cb(void **state)
{
	struct fixture	*fx = *state;
	struct tt_batch	 b;
	uint64_t	 t1, t2, t3, t4;

	tt_batch_init(&b);
	add_named(&b, 1, "a");
	add_named(&b, 2, "b");
	t1 = submit(fx, &b);
	add_named(&b, 3, "c");
	t2 = submit(fx, &b);
	t3 = submit(fx, &b);	/* empty */
	assert_true(t2 == t1 + 1);
	assert_true(t3 == t2 + 1);
	assert_int_equal(store_pending(fx->st), 3);

	/* Nothing reported, nothing visible, before the flush. */
	assert_int_equal(fx->ncalls, 0);
	assert_i64(store_event_count(fx->st), 0);
	QUERY(fx, NULL, 0, "");

	flush(fx);
	assert_int_equal(fx->ncalls, 1);
	assert_true(fx->calls[0].first == t1);
	assert_true(fx->calls[0].last == t3);
	assert_int_equal(fx->calls[0].ok, 1);
	assert_int_equal(store_pending(fx->st), 0);
	assert_i64(store_event_count(fx->st), 3);
	QUERY(fx, NULL, 0, "a b c");

	/* A flush with nothing queued reports nothing. */
	flush(fx);
	assert_int_equal(fx->ncalls, 1);

	add_named(&b, 4, "d");
	t4 = submit(fx, &b);
	assert_true(t4 == t3 + 1);
	flush(fx);
	assert_int_equal(fx->ncalls, 2);
	assert_true(fx->calls[1].first == t4);
	assert_true(fx->calls[1].last == t4);
	assert_int_equal(fx->calls[1].ok, 1);
	QUERY(fx, NULL, 0, "a b c d");
}

/* An empty batch still gets a ticket, reported by the next flush. */
static void
test_empty_batch(void **state)
{
	struct fixture		*fx = *state;
	struct tt_batch		 b;
	struct store_payload	 pl = { .route = "/e/",
	    .content_type = "application/json", .body = "[]", .len = 2 };
	uint64_t		 t;

	tt_batch_init(&b);
	t = store_submit(fx->st, &b, &pl);
	assert_true(t > 0);
	tt_batch_clear(&b);
	assert_int_equal(store_pending(fx->st), 1);
	assert_int_equal(fx->ncalls, 0);
	flush(fx);
	assert_int_equal(fx->ncalls, 1);
	assert_true(fx->calls[0].first == t);
	assert_true(fx->calls[0].last == t);
	assert_int_equal(fx->calls[0].ok, 1);
	assert_i64(store_event_count(fx->st), 0);
}

/* ---- round trip ---- */

/* Every field written comes back; absent ones come back absent. */
static void
test_roundtrip(void **state)
{
	struct fixture	*fx = *state;
	struct tt_batch	 b;
	struct tt_event	*ev, *g;
	static const char data[] = "{\"event\":\"deploy\",\"properties\":"
	    "{\"x\":\"\xc3\xa9\xe2\x82\xac\",\"n\":[1,2,3]}}";

	tt_batch_init(&b);
	ev = tt_batch_add(&b);
	ev->received_at = T0 + 5;
	ev->ts = T0 - 123456;
	ev->source = TT_SRC_DEVTRON;
	ev->format = "otlp-json";
	ev->phase = TT_PHASE_FINISH;
	ev->name = dup_str("deploy");
	ev->client_id = dup_str("client-1");
	ev->execution_id = dup_str("exec-9");
	ev->command = dup_str("devtron deploy --env prod");
	ev->duration_ms = 12345.678;
	ev->exit_code = 0;
	ev->error = dup_str("it's \"quoted\"");
	ev->version = dup_str("2.0.1");
	ev->os = dup_str("linux");
	ev->arch = dup_str("arm64");
	ev->pii = dup_str("[{\"field\":\"email\"}]");
	ev->data = dup_str(data);
	ev->data_len = sizeof data - 1;

	/* All optional fields absent. */
	ev = tt_batch_add(&b);
	ev->received_at = T0 + 6;
	ev->ts = T0 + 6;
	ev->source = TT_SRC_POSTHOG;
	ev->format = "posthog-batch";
	ev->phase = TT_PHASE_START;

	/* Negative numbers survive too. */
	ev = tt_batch_add(&b);
	ev->received_at = T0 + 7;
	ev->ts = 0;
	ev->source = TT_SRC_WERF;
	ev->format = "werf-json";
	ev->exit_code = -1;
	ev->duration_ms = 0;
	ev->name = dup_str("");
	submit(fx, &b);
	flush(fx);

	query(fx, NULL, 0);
	assert_int_equal(fx->ngot, 3);

	g = &fx->got[0];
	assert_true(g->id > 0);
	assert_i64(g->received_at, T0 + 5);
	assert_i64(g->ts, T0 - 123456);
	assert_int_equal(g->source, TT_SRC_DEVTRON);
	assert_str(g->format, "otlp-json");
	assert_int_equal(g->phase, TT_PHASE_FINISH);
	assert_str(g->name, "deploy");
	assert_str(g->client_id, "client-1");
	assert_str(g->execution_id, "exec-9");
	assert_str(g->command, "devtron deploy --env prod");
	assert_true(g->duration_ms == 12345.678);	/* a REAL, exact */
	assert_i64(g->exit_code, 0);
	assert_str(g->error, "it's \"quoted\"");
	assert_str(g->version, "2.0.1");
	assert_str(g->os, "linux");
	assert_str(g->arch, "arm64");
	assert_str(g->pii, "[{\"field\":\"email\"}]");
	assert_int_equal(g->data_len, sizeof data - 1);
	assert_memory_equal(g->data, data, sizeof data - 1);

	g = &fx->got[1];
	assert_true(g->id > fx->got[0].id);
	assert_i64(g->received_at, T0 + 6);
	assert_i64(g->ts, T0 + 6);
	assert_int_equal(g->source, TT_SRC_POSTHOG);
	assert_str(g->format, "posthog-batch");
	assert_int_equal(g->phase, TT_PHASE_START);
	assert_null(g->name);
	assert_null(g->client_id);
	assert_null(g->execution_id);
	assert_null(g->command);
	assert_i64(g->duration_ms, TT_NONE);
	assert_i64(g->exit_code, TT_NONE);
	assert_null(g->error);
	assert_null(g->version);
	assert_null(g->os);
	assert_null(g->arch);
	assert_null(g->pii);
	assert_null(g->data);
	assert_int_equal(g->data_len, 0);

	g = &fx->got[2];
	assert_true(g->id > fx->got[1].id);
	assert_i64(g->ts, 0);
	assert_int_equal(g->source, TT_SRC_WERF);
	assert_str(g->format, "werf-json");
	assert_int_equal(g->phase, TT_PHASE_POINT);
	assert_i64(g->exit_code, -1);
	assert_i64(g->duration_ms, 0);
	assert_str(g->name, "");
}

/* Each source and phase, and every format the decoders produce. */
static void
test_roundtrip_enums(void **state)
{
	static const char	*formats[] = { "posthog-batch",
	    "posthog-array", "posthog-event", "posthog-v1", "devpod-insert",
	    "devpod-legacy", "otlp-protobuf", "otlp-json", "werf-json",
	    "generic" };
	struct fixture		*fx = *state;
	struct tt_batch		 b;
	struct tt_event		*ev;
	int			 i, n = 10;

	tt_batch_init(&b);
	for (i = 0; i < n; i++) {
		ev = tt_batch_add(&b);
		ev->received_at = T0;
		ev->ts = T0 + i;
		ev->source = (enum tt_source)(i % TT_SRC_COUNT);
		ev->phase = (enum tt_phase)(i % 3);
		ev->format = formats[i];
	}
	submit(fx, &b);
	flush(fx);
	query(fx, NULL, 0);
	assert_int_equal(fx->ngot, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(fx->got[i].source, i % TT_SRC_COUNT);
		assert_int_equal(fx->got[i].phase, i % 3);
		assert_str(fx->got[i].format, formats[i]);
		assert_i64(fx->got[i].ts, T0 + i);
	}
}

/* ---- limit ---- */

static void
test_limit(void **state)
{
	struct fixture	*fx = *state;
	struct tt_batch	 b;
	char		 name[16];
	int		 i;

	/* e0..e9 over several flushes; werf for even i. */
	tt_batch_init(&b);
	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof name, "e%d", i);
		add(&b, i, i % 2 == 0 ? TT_SRC_WERF : TT_SRC_DEVPOD,
		    TT_PHASE_POINT, name, NULL, NULL, TT_NONE, TT_NONE);
		if (i % 3 == 2) {
			submit(fx, &b);
			flush(fx);
		}
	}
	submit(fx, &b);
	flush(fx);

	QUERY(fx, NULL, 0, "e0 e1 e2 e3 e4 e5 e6 e7 e8 e9");
	QUERY(fx, NULL, -1, "e0 e1 e2 e3 e4 e5 e6 e7 e8 e9");
	QUERY(fx, NULL, 3, "e7 e8 e9");
	QUERY(fx, NULL, 1, "e9");
	QUERY(fx, NULL, 10, "e0 e1 e2 e3 e4 e5 e6 e7 e8 e9");
	QUERY(fx, NULL, 100, "e0 e1 e2 e3 e4 e5 e6 e7 e8 e9");
	/* With a filter: the newest N that match. */
	QUERY(fx, "source=werf", 2, "e6 e8");
	QUERY(fx, "source=devpod", 0, "e1 e3 e5 e7 e9");
	QUERY(fx, "source=devpod", 4, "e3 e5 e7 e9");
	QUERY(fx, "source=devsy", 3, "");
}

/* The callback stops the query by returning non-zero. */
static void
test_stop(void **state)
{
	struct fixture	*fx = *state;
	struct tt_batch	 b;

	tt_batch_init(&b);
	add_named(&b, 1, "a");
	add_named(&b, 2, "b");
	add_named(&b, 3, "c");
	submit(fx, &b);
	flush(fx);
	fx->stop_after = 2;
	QUERY(fx, NULL, 0, "a b");
	QUERY(fx, NULL, 2, "b c");
	fx->stop_after = 0;
}

/*
 * A flush that cannot write (another connection holds the write lock past
 * the busy timeout) reports the tickets with ok 0 and keeps nothing of
 * them; the counters wait for the next commit.
 */
static void
test_flush_failure(void **state)
{
	struct fixture		*fx = *state;
	struct tt_counters	 c;
	struct tt_batch		 b;
	sqlite3			*db;
	uint64_t		 t1, t2;
	char			*cause = NULL;

	tt_batch_init(&b);
	add_named(&b, 1, "lost1");
	t1 = submit(fx, &b);
	add_named(&b, 2, "lost2");
	t2 = submit(fx, &b);
	store_count(fx->st, TT_CTR_RECEIVED, 2);

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL,
	    NULL), SQLITE_OK);
	assert_int_equal(store_flush(fx->st, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(fx->ncalls, 1);
	assert_true(fx->calls[0].first == t1);
	assert_true(fx->calls[0].last == t2);
	assert_int_equal(fx->calls[0].ok, 0);
	assert_int_equal(store_pending(fx->st), 0);
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);

	assert_i64(store_event_count(fx->st), 0);
	add_named(&b, 3, "kept");
	submit(fx, &b);
	flush(fx);
	assert_int_equal(fx->ncalls, 2);
	assert_int_equal(fx->calls[1].ok, 1);
	assert_true(fx->calls[1].first == t2 + 1);
	QUERY(fx, NULL, 0, "kept");
	assert_int_equal(store_counters(fx->st, &c), 0);
	assert_i64(c.v[TT_CTR_RECEIVED], 2);
}

/* ---- filters ---- */

/*
 * The rows of the filter tests:
 *   name  source  phase   command                 error    exit  dur
 *   w1    werf    finish  converge                NULL     0     1500
 *   w2    werf    finish  "werf Converge --x"     "boom"   1     999
 *   w3    werf    start   converge                NULL     NONE  NONE
 *   w4    werf    finish  build                   ""       0     1000
 *   w5    werf    point   NULL                    NULL     NONE  NONE
 *   d1    devpod  finish  converge                "fail"   2     1001
 *   d2    devpod  point   up                      NULL     NONE  5
 *   g1    generic finish  "CONVERGE"              NULL     -1    NONE
 */
static void
add_filter_rows(struct fixture *fx)
{
	struct tt_batch	 b;
	struct tt_event	*ev;

	tt_batch_init(&b);
	/* findings: packed (the form tt_privacy_json() writes) or kept as
	 * text (spaced JSON) */
	ev = add(&b, 1, TT_SRC_WERF, TT_PHASE_FINISH, "w1", "converge", NULL,
	    0, 1500);
	ev->pii = dup_str("[{\"field\":\"properties.$ip\",\"kind\":\"ip\","
	    "\"grade\":\"red\"},{\"field\":\"distinct_id\",\"kind\":"
	    "\"install_id\",\"grade\":\"yellow\"}]");
	add(&b, 2, TT_SRC_WERF, TT_PHASE_FINISH, "w2", "werf Converge --x",
	    "boom", 1, 999.5);
	add(&b, 3, TT_SRC_WERF, TT_PHASE_START, "w3", "converge", NULL,
	    TT_NONE, TT_NONE);
	add(&b, 4, TT_SRC_WERF, TT_PHASE_FINISH, "w4", "build", "", 0, 1000);
	submit(fx, &b);
	add(&b, 5, TT_SRC_WERF, TT_PHASE_POINT, "w5", NULL, NULL, TT_NONE,
	    TT_NONE);
	ev = add(&b, 6, TT_SRC_DEVPOD, TT_PHASE_FINISH, "d1", "converge",
	    "fail", 2, 1000.25);
	ev->client_id = dup_str("abc");
	ev->pii = dup_str("[ {\"field\": \"distinct_id\", \"kind\": "
	    "\"install_id\", \"grade\": \"yellow\"} ]");
	ev = add(&b, 7, TT_SRC_DEVPOD, TT_PHASE_POINT, "d2", "up", NULL,
	    TT_NONE, 5);
	ev->client_id = dup_str("ABC-2");
	ev = add(&b, 8, TT_SRC_GENERIC, TT_PHASE_FINISH, "g1", "CONVERGE",
	    NULL, -1, TT_NONE);
	ev->pii = dup_str("[{\"field\":\"properties.email\",\"kind\":"
	    "\"email\",\"grade\":\"red\"}]");
	submit(fx, &b);
	flush(fx);
}

/*
 * Captured rows for the filters of via and host, after add_filter_rows():
 *   name  source   capture
 *   c1    devpod   {"host":"analytics.loft.rocks",...}
 *   c2    posthog  {"method":"POST","host":"us.i.posthog.com",...}
 *   c3    devpod   not JSON (cut short)
 *   c4    generic  {"host":443}
 *   c5    generic  {"host":"a.example"} followed by more text
 *   c6    generic  "" (empty text)
 */
static void
add_capture_rows(struct fixture *fx)
{
	static const struct {
		const char	*name;
		enum tt_source	 source;
		const char	*capture;
	} rows[] = {
		{ "c1", TT_SRC_DEVPOD, "{\"host\":\"analytics.loft.rocks\","
		    "\"method\":\"POST\",\"path\":\"/v1/insert\","
		    "\"headers\":[[\"User-Agent\",\"Go-http-client/1.1\"]]}" },
		{ "c2", TT_SRC_POSTHOG, "{\"method\":\"POST\",\"host\":"
		    "\"us.i.posthog.com\",\"path\":\"/batch/\","
		    "\"headers\":[]}" },
		{ "c3", TT_SRC_DEVPOD, "{\"host\":\"analytics.loft.rocks\"" },
		{ "c4", TT_SRC_GENERIC, "{\"host\":443}" },
		{ "c5", TT_SRC_GENERIC, "{\"host\":\"a.example\"} x" },
		{ "c6", TT_SRC_GENERIC, "" },
	};
	struct tt_batch	 b;
	struct tt_event	*ev;
	size_t		 i;

	tt_batch_init(&b);
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		ev = add(&b, 20 + (int64_t)i, rows[i].source, TT_PHASE_POINT,
		    rows[i].name, "up", NULL, TT_NONE, TT_NONE);
		ev->capture = dup_str(rows[i].capture);
	}
	submit(fx, &b);
	flush(fx);
}

/* via and host through SQL; the capture text is read back as stored. */
static void
test_filter_sql_capture(void **state)
{
	struct fixture	*fx = *state;

	add_filter_rows(fx);
	add_capture_rows(fx);
	QUERY(fx, "via=capture", 0, "c1 c2 c3 c4 c5 c6");
	QUERY(fx, "via!=direct", 0, "c1 c2 c3 c4 c5 c6");
	QUERY(fx, "via=direct", 0, "w1 w2 w3 w4 w5 d1 d2 g1");
	QUERY(fx, "via=direct source=devpod", 0, "d1 d2");
	QUERY(fx, "via=capture source=devpod", 0, "c1 c3");
	QUERY(fx, "host=analytics.loft.rocks", 0, "c1");
	QUERY(fx, "host~POSTHOG", 0, "c2");
	QUERY(fx, "host~.", 0, "c1 c2");
	QUERY(fx, "host!=", 0, "c1 c2");
	QUERY(fx, "host!~loft via=capture", 0, "c2 c3 c4 c5 c6");
	QUERY(fx, "host=", 0, "w1 w2 w3 w4 w5 d1 d2 g1 c3 c4 c5 c6");
	QUERY(fx, "host=443", 0, "");
	query(fx, "name=c1", 0);
	assert_int_equal(fx->ngot, 1);
	assert_non_null(fx->got[0].capture);
	assert_non_null(strstr(fx->got[0].capture, "Go-http-client/1.1"));
	query(fx, "name=c6", 0);
	assert_int_equal(fx->ngot, 1);
	assert_string_equal(fx->got[0].capture, "");
	query(fx, "name=w1", 0);
	assert_int_equal(fx->ngot, 1);
	assert_null(fx->got[0].capture);
}

/*
 * .PATH terms through SQL (teltop_match_data): on JSON kept packed, and on
 * JSON that is a range of its payload's body, as the decoders keep it.
 */
static void
test_filter_sql_path(void **state)
{
	static const char	 body[] =
	    "[{\"event\":\"r1\",\"properties\":{\"$os\":\"linux\",\"n\":3}},"
	    "{\"event\":\"r2\",\"properties\":{\"$os\":\"darwin\",\"n\":12.5}}]";
	struct fixture		*fx = *state;
	struct store_payload	 pl = { .route = "/batch/",
	    .content_type = "application/json", .body = body,
	    .len = sizeof body - 1 };
	struct tt_batch		 b;
	struct tt_event		*ev;
	const char		*second;

	tt_batch_init(&b);
	/* packed: JSON teltop printed */
	ev = add_named(&b, 60, "k1");
	free(ev->data);
	ev->data = dup_str("{\"properties\":{\"$os\":\"linux\",\"n\":7,"
	    "\"ci\":true,\"tags\":[\"a\",\"b\"]},\"event\":{\"command\":"
	    "\"devpod up\",\"props\":\"{\\\"ide\\\":\\\"vscode\\\"}\"}}");
	ev->data_len = strlen(ev->data);
	ev = add_named(&b, 61, "k2");
	submit(fx, &b);
	/* ranges of the body */
	ev = add_named(&b, 62, "r1");
	free(ev->data);
	ev->data_len = strlen("{\"event\":\"r1\",\"properties\":{\"$os\":"
	    "\"linux\",\"n\":3}}");
	ev->data = xstrndup(body + 1, ev->data_len);
	ev->data_off = 1;
	ev = add_named(&b, 63, "r2");
	free(ev->data);
	second = strstr(body, "},{") + 2;
	ev->data_len = strlen(second) - 1;
	ev->data = xstrndup(second, ev->data_len);
	ev->data_off = (size_t)(second - body);
	assert_true(store_submit(fx->st, &b, &pl) > 0);
	tt_batch_clear(&b);
	flush(fx);
	QUERY(fx, ".properties.$os=linux", 0, "k1 r1");
	QUERY(fx, ".properties.$os!=linux", 0, "k2 r2");
	QUERY(fx, ".properties.$os=", 0, "k2");
	QUERY(fx, ".properties.n>5", 0, "k1 r2");
	QUERY(fx, ".properties.n<=3", 0, "r1");
	QUERY(fx, ".properties.n=12.5", 0, "r2");
	QUERY(fx, ".properties.ci=true", 0, "k1");
	QUERY(fx, ".properties.tags~\"a\"", 0, "k1");
	QUERY(fx, ".properties.tags[1]=b", 0, "k1");
	QUERY(fx, ".event.command~UP", 0, "k1");
	QUERY(fx, ".event.props>ide=vscode", 0, "k1");
	QUERY(fx, ".event=r1|r2", 0, "r1 r2");
	QUERY(fx, "!.event=r1|r2", 0, "k1 k2");
	QUERY(fx, ".event=r2 .properties.$os=darwin", 0, "r2");
	QUERY(fx, ".name=k2", 0, "k2");
	QUERY(fx, ".nosuch~x", 0, "");
	/* and the last one only, as the UI pages */
	QUERY(fx, ".properties.$os=linux", 1, "r1");
}

static int
count_cb(void *arg, const struct tt_event *ev)
{
	(void)ev;
	(*(int *)arg)++;
	return 0;
}

/* A query past its budget stops with -2 and says so; within it, it runs. */
static void
test_events_within(void **state)
{
	struct fixture		*fx = *state;
	struct tt_batch		 b;
	struct tt_filter	 f;
	char			*cause = NULL;
	int			 i, n = 0;

	tt_batch_init(&b);
	for (i = 0; i < 3000; i++)
		add_named(&b, 100 + i, "many");
	submit(fx, &b);
	flush(fx);
	memset(&f, 0, sizeof f);
	assert_int_equal(tt_filter_parse(".name=none", &f, &cause), 0);
	assert_int_equal(store_events_within(fx->st, &f, 0, 1, count_cb, &n,
	    &cause), -2);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "narrow it"));
	free(cause);
	cause = NULL;
	assert_int_equal(store_events_within(fx->st, &f, 0, 60000000,
	    count_cb, &n, &cause), 0);
	assert_null(cause);
	assert_int_equal(n, 0);
	tt_filter_free(&f);
	/* the handler is gone after: an unbounded query runs whole */
	assert_int_equal(tt_filter_parse(".name=many", &f, &cause), 0);
	assert_int_equal(store_events(fx->st, &f, 0, count_cb, &n, &cause), 0);
	assert_int_equal(n, 3000);
	tt_filter_free(&f);
}

/* signal=: the OpenTelemetry signal of each row's format, through SQL. */
static void
test_filter_sql_signal(void **state)
{
	static const struct {
		const char	*name;
		const char	*format;
	} rows[] = {
		{ "l1", "otlp-logs-protobuf" }, { "l2", "otlp-logs-json" },
		{ "m1", "otlp-metrics-protobuf" }, { "m2", "otlp-metrics-json" },
		{ "t1", "otlp-protobuf" }, { "t2", "otlp-json" },
		{ "e1", "segment-batch" },
	};
	struct fixture	*fx = *state;
	struct tt_batch	 b;
	struct tt_event	*ev;
	size_t		 i;

	tt_batch_init(&b);
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		ev = add(&b, 40 + (int64_t)i, TT_SRC_OTLP, TT_PHASE_POINT,
		    rows[i].name, NULL, NULL, TT_NONE, TT_NONE);
		ev->format = rows[i].format;
		if (rows[i].name[0] == 'l')
			ev->severity = i == 0 ? 17 : 9;
	}
	submit(fx, &b);
	flush(fx);
	QUERY(fx, "signal=log", 0, "l1 l2");
	QUERY(fx, "signal=metric", 0, "m1 m2");
	QUERY(fx, "signal=trace", 0, "t1 t2");
	QUERY(fx, "signal=event", 0, "e1");
	QUERY(fx, "signal!=event", 0, "l1 l2 m1 m2 t1 t2");
	QUERY(fx, "signal~LOG", 0, "l1 l2");
	QUERY(fx, "signal=", 0, "");
	/* the log rows' severities, stored and read back */
	QUERY(fx, "severity>=warn", 0, "l1");
	QUERY(fx, "severity<=info", 0, "l2");
	QUERY(fx, "severity>0 severity<24", 0, "l1 l2");
	QUERY(fx, "severity=", 0, "m1 m2 t1 t2 e1");
	query(fx, "name=l1", 0);
	assert_int_equal(fx->ngot, 1);
	assert_i64(fx->got[0].severity, 17);
}

/* The filters of the stream view, through SQL. */
static void
test_filter_sql(void **state)
{
	struct fixture	*fx = *state;

	add_filter_rows(fx);
	QUERY(fx, "", 0, "w1 w2 w3 w4 w5 d1 d2 g1");
	QUERY(fx, "source=werf command~CONVERGE", 0, "w1 w2 w3");
	QUERY(fx, "command~CONVERGE", 0, "w1 w2 w3 d1 g1");
	QUERY(fx, "command!~converge", 0, "w4 w5 d2");
	QUERY(fx, "error!=", 0, "w2 d1");
	QUERY(fx, "error=", 0, "w1 w3 w4 w5 d2 g1");
	QUERY(fx, "error=boom", 0, "w2");
	QUERY(fx, "error!=boom", 0, "w1 w3 w4 w5 d1 d2 g1");
	QUERY(fx, "exit_code!=0", 0, "w2 w3 w5 d1 d2 g1");
	QUERY(fx, "exit_code=0", 0, "w1 w4");
	QUERY(fx, "exit_code=", 0, "w3 w5 d2");
	QUERY(fx, "exit_code!=", 0, "w1 w2 w4 d1 g1");
	QUERY(fx, "exit_code<0", 0, "g1");
	QUERY(fx, "duration_ms>1000", 0, "w1 d1");
	QUERY(fx, "duration_ms<1000", 0, "w2 d2");
	QUERY(fx, "duration_ms=1000", 0, "w4");
	/* fractions (999.5, 1000.25) compare exactly */
	QUERY(fx, "duration_ms>999", 0, "w1 w2 w4 d1");
	QUERY(fx, "duration_ms<1001", 0, "w2 w4 d1 d2");
	QUERY(fx, "duration_ms=999", 0, "");
	QUERY(fx, "phase=finish", 0, "w1 w2 w4 d1 g1");
	QUERY(fx, "phase!=finish", 0, "w3 w5 d2");
	QUERY(fx, "client=abc", 0, "d1");
	QUERY(fx, "client~abc", 0, "d1 d2");
	QUERY(fx, "client_id!=", 0, "d1 d2");
	QUERY(fx, "format=werf-json", 0, "w1 w2 w3 w4 w5");
	QUERY(fx, "name=w2", 0, "w2");
	QUERY(fx, "source=werf phase=finish exit_code!=0", 0, "w2");
	QUERY(fx, "source=werf phase=finish exit_code=0 duration_ms>999", 0,
	    "w1 w4");
	QUERY(fx, "source=devpod command~conv error!=", 0, "d1");
	QUERY(fx, "source=nope", 0, "");
	/* the grown language: quotes, alternatives, negation, findings
	 * (packed and kept as text), time */
	QUERY(fx, "command=\"werf Converge --x\"", 0, "w2");
	QUERY(fx, "source=werf|devpod phase=point", 0, "w5 d2");
	QUERY(fx, "!source=werf|devpod", 0, "g1");
	QUERY(fx, "pii=red", 0, "w1 g1");
	QUERY(fx, "pii=yellow", 0, "w1 d1");
	QUERY(fx, "pii.kind=email|ip", 0, "w1 g1");
	QUERY(fx, "pii!= pii.kind!=ip", 0, "d1 g1");
	QUERY(fx, "since=2026-01-01T00:00:00.000006Z", 0, "d1 d2 g1");
	QUERY(fx, "until=2026-01-01T00:00:00.000003Z ts>1767225600000001", 0,
	    "w2");
}

/*
 * The same filters in SQL and in memory (tt_filter_match on the rows read
 * back) select the same events, so history and the live view agree.
 */
static void
test_filter_sql_vs_memory(void **state)
{
	static const char	*filters[] = {
		"", "source=werf command~CONVERGE", "command~CONVERGE",
		"command!~converge", "error!=", "error=", "error=boom",
		"error!=boom", "error~BOO", "error!~boo", "exit_code!=0",
		"exit_code=0", "exit_code=", "exit_code!=", "exit_code>0",
		"exit_code<0", "duration_ms>1000", "duration_ms<1000",
		"duration_ms=1000", "duration_ms!=1000", "duration_ms>999",
		"duration_ms<1001", "duration_ms=999", "duration_ms!=",
		"duration_ms=", "phase=finish",
		"phase!=finish", "phase=point", "client=abc", "client~abc",
		"client!~abc", "client=", "client!=", "format=werf-json",
		"format~JSON", "name=w2", "name!=w2", "name~W", "id>3",
		"id<3", "id=2", "source!=werf", "source~DEV",
		"source=werf phase=finish exit_code!=0",
		"command~conv duration_ms>998 duration_ms<1501",
		"via=capture", "via=direct", "via!=capture", "via!=direct",
		"host=analytics.loft.rocks", "host!=analytics.loft.rocks",
		"host~LOFT", "host!~loft", "host=", "host!=", "host~",
		"host!~", "host=a.example", "host~443", "host=443",
		"via=capture source=devpod host~loft",
		/* quotes, alternatives, negation */
		"command=\"werf Converge --x\"", "command=\"converge\"|up",
		"source=werf|devpod", "source!=werf|devpod", "!source=werf",
		"!error=boom", "!error=", "!command~conv", "!exit_code>0",
		"!duration_ms<1000", "!duration_ms=", "name=w1|d1|g1",
		"command~CONV|up", "command!~conv|build", "!via=capture",
		"!host~loft", "!host=", "exit_code=1|2", "exit_code!=0|1",
		"duration_ms>1000|999", "client=abc|\"ABC-2\"",
		/* findings */
		"pii=red", "pii=yellow", "pii=", "pii!=", "pii!=red",
		"pii=red|yellow", "!pii=red", "pii.kind=ip", "pii.kind~MAIL",
		"pii.kind!=email", "pii.kind=", "pii.kind!~id",
		"pii.kind=ip|email", "source=werf pii=red",
		/* time */
		"since=2026-01-01T00:00:00.000004Z",
		"until=2026-01-01T00:00:00.000004Z",
		"ts>1767225600000004", "ts=1767225600000002|1767225600000007",
		"!ts<1767225600000003", "ts=", "ts!=", "!until=2026-01-02",
		/* the payload */
		".name=w2", ".name~W", ".name!~w", "!.name=w1|d1", ".i>3",
		".i<=2", ".i=4|5", ".i!=4", ".i=", ".i!=", ".nosuch=",
		".nosuch!=", ".name=w2 source=werf", ".[\"name\"]=w2",
	};
	struct fixture		*fx = *state;
	struct tt_event		 all[MAX_EVENTS];
	struct tt_filter	 f;
	char			*cause = NULL, sqlset[256], memset_[256];
	size_t			 k, o;
	sqlite3			*db;
	int			 nall, i, j;

	add_filter_rows(fx);
	add_capture_rows(fx);
	/* a time an older teltop stored as TT_NONE: no time, for ts too */
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE events SET ts = "
	    "-9223372036854775807 - 1 WHERE name = 'w5'", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	query(fx, NULL, 0);
	nall = fx->ngot;
	memcpy(all, fx->got, (size_t)nall * sizeof all[0]);
	fx->ngot = 0;	/* all[] owns the copies now */

	for (k = 0; k < sizeof filters / sizeof filters[0]; k++) {
		query(fx, filters[k], 0);
		(void)got_names(fx, sqlset, sizeof sqlset);
		assert_int_equal(tt_filter_parse(filters[k], &f, &cause), 0);
		o = 0;
		memset_[0] = '\0';
		for (i = 0, j = 0; i < nall; i++) {
			if (!tt_filter_match(&f, &all[i]))
				continue;
			o += (size_t)snprintf(memset_ + o, sizeof memset_ - o,
			    "%s%s", j++ > 0 ? " " : "", all[i].name);
		}
		tt_filter_free(&f);
		if (strcmp(sqlset, memset_) != 0)
			fail_msg("\"%s\": SQL gives \"%s\", memory \"%s\"",
			    filters[k], sqlset, memset_);
	}
	for (i = 0; i < nall; i++)
		tt_event_clear(&all[i]);
}

/*
 * Terms whose operator does not fit the field (contains on a number, > and
 * < on text), and contains with an empty text: if the parser accepts them,
 * SQL and memory must still agree on them.
 */
static void
test_filter_sql_vs_memory_odd(void **state)
{
	static const char	*filters[] = {
		"duration_ms~5", "duration_ms!~5", "exit_code~1", "id~1",
		"source>5", "name<5", "command>0",
		"name~", "command!~", "error~", "error!~",
		"host>1", "host<z", "via~cap", "via>1",
	};
	struct fixture		*fx = *state;
	struct tt_event		 all[MAX_EVENTS];
	struct tt_filter	 f;
	char			*cause = NULL, sqlset[256], memset_[256];
	char			 report[2048];
	size_t			 k, o, r = 0;
	int			 nall, i, j;

	add_filter_rows(fx);
	add_capture_rows(fx);
	query(fx, NULL, 0);
	nall = fx->ngot;
	memcpy(all, fx->got, (size_t)nall * sizeof all[0]);
	fx->ngot = 0;

	report[0] = '\0';
	for (k = 0; k < sizeof filters / sizeof filters[0]; k++) {
		/* Refusing such a term (with a cause) is fine too. */
		if (tt_filter_parse(filters[k], &f, &cause) != 0) {
			assert_non_null(cause);
			free(cause);
			cause = NULL;
			continue;
		}
		query(fx, filters[k], 0);
		(void)got_names(fx, sqlset, sizeof sqlset);
		o = 0;
		memset_[0] = '\0';
		for (i = 0, j = 0; i < nall; i++) {
			if (!tt_filter_match(&f, &all[i]))
				continue;
			o += (size_t)snprintf(memset_ + o, sizeof memset_ - o,
			    "%s%s", j++ > 0 ? " " : "", all[i].name);
		}
		tt_filter_free(&f);
		if (strcmp(sqlset, memset_) != 0 && r < sizeof report)
			r += (size_t)snprintf(report + r, sizeof report - r,
			    "\"%s\": SQL gives \"%s\", memory \"%s\"\n",
			    filters[k], sqlset, memset_);
	}
	for (i = 0; i < nall; i++)
		tt_event_clear(&all[i]);
	if (r > 0)
		fail_msg("SQL and memory disagree:\n%s", report);
}

/* Filter values are bound, not spliced into the SQL. */
static void
test_filter_injection(void **state)
{
	struct fixture	*fx = *state;
	struct tt_batch	 b;

	tt_batch_init(&b);
	add_named(&b, 1, "a'b");
	add_named(&b, 2, "x");
	submit(fx, &b);
	flush(fx);
	QUERY(fx, "name=a'b", 0, "a'b");
	QUERY(fx, "name~'", 0, "a'b");
	QUERY(fx, "name='--", 0, "");
	QUERY(fx, "name!=x'OR'1'='1", 0, "a'b x");
	assert_i64(store_event_count(fx->st), 2);
}

/* ---- counters ---- */

static void
test_counters(void **state)
{
	struct fixture		*fx = *state;
	struct tt_counters	 c;
	struct tt_batch		 b;
	int			 i;

	assert_int_equal(store_counters(fx->st, &c), 0);
	for (i = 0; i < TT_CTR_COUNT; i++)
		assert_i64(c.v[i], 0);

	store_count(fx->st, TT_CTR_RECEIVED, 5);
	store_count(fx->st, TT_CTR_ACCEPTED, 4);
	store_count(fx->st, TT_CTR_BYTES, 1000);
	store_count(fx->st, TT_CTR_RECEIVED, 1);
	store_count(fx->st, TT_CTR_BLOCKED_DEVPOD, 2);
	/* Not written before the flush, but queued: the two add up. */
	assert_int_equal(store_counters(fx->st, &c), 0);
	assert_i64(c.v[TT_CTR_RECEIVED], 0);
	store_counters_queued(fx->st, &c);
	assert_i64(c.v[TT_CTR_RECEIVED], 6);
	assert_i64(c.v[TT_CTR_BLOCKED_DEVPOD], 2);
	assert_i64(c.v[TT_CTR_BYTES], 1000);

	/* A flush with counters but no batches writes them, reports none. */
	flush(fx);
	assert_int_equal(fx->ncalls, 0);
	assert_int_equal(store_counters(fx->st, &c), 0);
	assert_i64(c.v[TT_CTR_BLOCKED_DEVPOD], 2);
	/* Written, they are no longer queued. */
	store_counters_queued(fx->st, &c);
	assert_i64(c.v[TT_CTR_BLOCKED_DEVPOD], 2);
	assert_i64(c.v[TT_CTR_RECEIVED], 6);
	assert_i64(c.v[TT_CTR_ACCEPTED], 4);
	assert_i64(c.v[TT_CTR_BYTES], 1000);
	assert_i64(c.v[TT_CTR_REJ_MALFORMED], 0);

	/* A second flush, with a batch: the deltas add up. */
	store_count(fx->st, TT_CTR_RECEIVED, 3);
	store_count(fx->st, TT_CTR_REJ_MALFORMED, 2);
	store_count(fx->st, TT_CTR_REJ_TOO_LARGE, 1);
	store_count(fx->st, TT_CTR_BYTES, 24);
	tt_batch_init(&b);
	add_named(&b, 1, "a");
	submit(fx, &b);
	flush(fx);
	assert_int_equal(fx->ncalls, 1);
	assert_int_equal(store_counters(fx->st, &c), 0);
	assert_i64(c.v[TT_CTR_RECEIVED], 9);
	assert_i64(c.v[TT_CTR_ACCEPTED], 4);
	assert_i64(c.v[TT_CTR_BYTES], 1024);
	assert_i64(c.v[TT_CTR_REJ_MALFORMED], 2);
	assert_i64(c.v[TT_CTR_REJ_TOO_LARGE], 1);
	assert_i64(c.v[TT_CTR_EVICTED], 0);
	assert_i64(tt_counters_rejected(&c), 3);

	/* Flushed deltas are not written twice. */
	flush(fx);
	assert_int_equal(store_counters(fx->st, &c), 0);
	assert_i64(c.v[TT_CTR_RECEIVED], 9);

	/* A delta that cancels out changes nothing. */
	store_count(fx->st, TT_CTR_EVICTED, 0);
	flush(fx);
	assert_int_equal(store_counters(fx->st, &c), 0);
	assert_i64(c.v[TT_CTR_EVICTED], 0);
}

/* ---- payloads ---- */

static void
test_payload(void **state)
{
	static const char	 body[] = "{\"a\":\"\0\"}\0\xff\x00tail\0";
	struct fixture		*fx = *state;
	struct store_payload	 pl = { .route = "/batch/",
	    .content_type = "application/json", .body = NULL,
	    .len = sizeof body - 1 };
	struct tt_batch		 b;
	char			*got, *route, *ctype, *copy;
	size_t			 len;
	int			 i;

	/* The payload is copied: the caller's buffer may go away. */
	copy = malloc(sizeof body - 1);
	assert_non_null(copy);
	memcpy(copy, body, sizeof body - 1);
	pl.body = copy;

	tt_batch_init(&b);
	add_named(&b, 1, "p1");
	add_named(&b, 2, "p2");
	assert_true(store_submit(fx->st, &b, &pl) > 0);
	tt_batch_clear(&b);
	memset(copy, 'X', sizeof body - 1);
	free(copy);

	/* Without a payload; and one with no content type. */
	add_named(&b, 3, "nopayload");
	submit(fx, &b);
	pl.route = "/v1/traces";
	pl.content_type = NULL;
	pl.body = "\x0a\x00\x01";
	pl.len = 3;
	add_named(&b, 4, "p3");
	assert_true(store_submit(fx->st, &b, &pl) > 0);
	tt_batch_clear(&b);
	flush(fx);

	query(fx, NULL, 0);
	assert_int_equal(fx->ngot, 4);
	for (i = 0; i < 2; i++) {
		got = route = ctype = NULL;
		len = 0;
		assert_int_equal(store_payload(fx->st, fx->got[i].id, &got,
		    &len, &route, &ctype), 0);
		assert_int_equal(len, sizeof body - 1);
		assert_memory_equal(got, body, sizeof body - 1);
		assert_str(route, "/batch/");
		assert_str(ctype, "application/json");
		free(got);
		free(route);
		free(ctype);
	}

	got = route = ctype = NULL;
	assert_int_equal(store_payload(fx->st, fx->got[2].id, &got, &len,
	    &route, &ctype), -1);
	assert_null(got);

	got = route = ctype = NULL;
	assert_int_equal(store_payload(fx->st, fx->got[3].id, &got, &len,
	    &route, &ctype), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(got, "\x0a\x00\x01", 3);
	assert_str(route, "/v1/traces");
	assert_null(ctype);
	free(got);
	free(route);

	/* No such event. */
	got = NULL;
	assert_int_equal(store_payload(fx->st, 999999, &got, &len, &route,
	    &ctype), -1);
	assert_null(got);
}

/* A zero-length payload is kept as zero bytes. */
static void
test_payload_empty(void **state)
{
	struct fixture		*fx = *state;
	struct store_payload	 pl = { .route = "/e/",
	    .content_type = "text/plain", .body = "", .len = 0 };
	struct tt_batch		 b;
	char			*got = NULL, *route = NULL, *ctype = NULL;
	size_t			 len = 99;

	tt_batch_init(&b);
	add_named(&b, 1, "e");
	store_submit(fx->st, &b, &pl);
	tt_batch_clear(&b);
	flush(fx);
	assert_int_equal(fx->ncalls, 1);
	assert_int_equal(fx->calls[0].ok, 1);
	query(fx, NULL, 0);
	assert_int_equal(fx->ngot, 1);
	assert_int_equal(store_payload(fx->st, fx->got[0].id, &got, &len,
	    &route, &ctype), 0);
	assert_int_equal(len, 0);
	assert_str(route, "/e/");
	assert_str(ctype, "text/plain");
	free(got);
	free(route);
	free(ctype);
}

/* ---- reopening ---- */

/* The schema version, read with SQLite directly. */
static int
schema_version(const char *path)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	int		 v = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s,
	    NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void
test_reopen(void **state)
{
	struct fixture		*fx = *state;
	struct tt_counters	 c;
	struct store_payload	 pl = { .route = "/r/", .content_type = NULL,
	    .body = "a\0b", .len = 3 };
	struct tt_batch		 b;
	char			*got = NULL, *route = NULL, *ctype = NULL;
	size_t			 len = 0;
	int64_t			 last_id;
	int			 v, round;

	tt_batch_init(&b);
	add(&b, 1, TT_SRC_WERF, TT_PHASE_FINISH, "r1", "converge", "boom", 1,
	    2000);
	add_named(&b, 2, "r2");
	store_submit(fx->st, &b, &pl);
	tt_batch_clear(&b);
	store_count(fx->st, TT_CTR_RECEIVED, 2);
	flush(fx);
	close_store(fx);

	v = schema_version(fx->path);
	assert_true(v >= 1);

	/* Reopening runs no migration twice and loses nothing. */
	for (round = 0; round < 3; round++) {
		open_store(fx);
		assert_int_equal(schema_version(fx->path), v);
		assert_i64(store_event_count(fx->st), 2);
		QUERY(fx, NULL, 0, "r1 r2");
		QUERY(fx, "error!= duration_ms>1999", 0, "r1");
		assert_int_equal(store_counters(fx->st, &c), 0);
		assert_i64(c.v[TT_CTR_RECEIVED], 2);
		close_store(fx);
	}

	/* New rows after a reopen get later ids; the payload is there. */
	open_store(fx);
	query(fx, NULL, 0);
	last_id = fx->got[1].id;
	assert_int_equal(store_payload(fx->st, fx->got[0].id, &got, &len,
	    &route, &ctype), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(got, "a\0b", 3);
	assert_str(route, "/r/");
	assert_null(ctype);
	free(got);
	free(route);
	add_named(&b, 3, "r3");
	submit(fx, &b);
	store_count(fx->st, TT_CTR_RECEIVED, 1);
	flush(fx);
	QUERY(fx, NULL, 0, "r1 r2 r3");
	assert_true(fx->got[2].id > last_id);
	assert_int_equal(store_counters(fx->st, &c), 0);
	assert_i64(c.v[TT_CTR_RECEIVED], 3);
}

/* Closing commits what is queued, and says so. */
static void
test_close_flushes(void **state)
{
	struct fixture		*fx = *state;
	struct tt_counters	 c;
	struct tt_batch		 b;
	uint64_t		 t;

	tt_batch_init(&b);
	add_named(&b, 1, "q1");
	t = submit(fx, &b);
	store_count(fx->st, TT_CTR_ACCEPTED, 1);
	close_store(fx);
	assert_int_equal(fx->ncalls, 1);
	assert_true(fx->calls[0].first == t);
	assert_true(fx->calls[0].last == t);
	assert_int_equal(fx->calls[0].ok, 1);

	open_store(fx);
	QUERY(fx, NULL, 0, "q1");
	assert_int_equal(store_counters(fx->st, &c), 0);
	assert_i64(c.v[TT_CTR_ACCEPTED], 1);
}

/* A database from a newer teltop is refused, not downgraded. */
static void
test_newer_schema(void **state)
{
	struct fixture	*fx = *state;
	struct store	*st;
	sqlite3		*db;
	char		*cause = NULL;

	close_store(fx);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 999", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	st = store_open(fx->path, &cause);
	assert_null(st);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "999"));
	free(cause);
	assert_int_equal(schema_version(fx->path), 999);
}

/* A path in a directory that does not exist: NULL and a cause. */
static void
test_open_missing_dir(void **state)
{
	struct store	*st;
	char		 dir[64], path[96], *cause = NULL;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/teltop-test-nodir-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(rmdir(dir), 0);	/* now it does not exist */
	snprintf(path, sizeof path, "%s/sub/events.db", dir);

	st = store_open(path, &cause);
	assert_null(st);
	assert_non_null(cause);
	assert_non_null(strstr(cause, path));
	free(cause);
	assert_int_equal(access(dir, F_OK), -1);
}

/* ---- the writer thread ---- */

/* n bytes that do not compress, different for each seed; caller frees
 * the body. */
static struct store_payload
noise_payload(size_t n, uint64_t seed)
{
	struct store_payload	 pl = { .route = "/v1/events",
	    .content_type = "application/json", .body = NULL, .len = n };
	uint64_t		 r = 88172645463325252ULL ^ (seed * 2654435761U);
	char			*b;
	size_t			 i;

	b = malloc(n);
	assert_non_null(b);
	for (i = 0; i < n; i++) {
		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		b[i] = (char)(r >> 32);
	}
	pl.body = b;
	return pl;
}

/* n bytes that do not compress (the same for every call). */
static struct store_payload
big_payload(size_t n)
{
	return noise_payload(n, 0);
}

/*
 * Commits happen on the writer: flush hands over and returns, nothing is
 * reported until the test runs what was posted, then the events (ids set)
 * and the tickets, as without a writer.
 */
static void
test_writer_commit(void **state)
{
	struct fixture	*fx = *state;
	struct tt_batch	 b;
	uint64_t	 t1, t2;

	use_writer(fx);
	tt_batch_init(&b);
	add_named(&b, 1, "a");
	add_named(&b, 2, "b");
	t1 = submit(fx, &b);
	add_named(&b, 3, "c");
	t2 = submit(fx, &b);
	flush(fx);
	assert_int_equal(fx->ncalls, 0);	/* only run_posted reports */
	assert_int_equal(store_pending(fx->st), 0);
	assert_int_equal(store_inflight(fx->st), 1);
	WAIT_FOR(fx, fx->ncalls == 1);
	assert_true(fx->calls[0].first == t1);
	assert_true(fx->calls[0].last == t2);
	assert_int_equal(fx->calls[0].how, TT_COMMIT_OK);
	assert_int_equal(store_inflight(fx->st), 0);
	/* the events came first, with their ids */
	assert_int_equal(fx->nids, 3);
	assert_true(fx->ids[0] > 0);
	assert_i64(fx->ids[1], fx->ids[0] + 1);
	assert_i64(fx->ids[2], fx->ids[0] + 2);
	/* the loop's connection reads what the writer's committed */
	QUERY(fx, NULL, 0, "a b c");
	assert_i64(store_event_count(fx->st), 3);
}

/*
 * Another connection holds the write lock: flush returns at once, the
 * commit waits (no failure, no callback) while more queues, and goes
 * through once the holder commits.
 */
static void
test_writer_waits_for_lock(void **state)
{
	struct fixture	*fx = *state;
	struct tt_batch	 b;
	sqlite3		*db;
	uint64_t	 t1, t2, t3;
	int64_t		 t0;

	use_writer(fx);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE; INSERT INTO "
	    "counters(name, value) VALUES ('holder', 1)", NULL, NULL, NULL),
	    SQLITE_OK);

	tt_batch_init(&b);
	add_named(&b, 1, "w1");
	t1 = submit(fx, &b);
	t0 = now_ms();
	flush(fx);
	assert_true(now_ms() - t0 < 500);	/* the busy timeout is 2 s */
	WAIT_FOR(fx, store_lock_waits(fx->st) > 0);
	assert_int_equal(run_posted(fx, 0, 1), 0);
	assert_int_equal(fx->ncalls, 0);

	/* more comes and queues behind the waiting commit */
	add_named(&b, 2, "w2");
	t2 = submit(fx, &b);
	flush(fx);
	add_named(&b, 3, "w3");
	t3 = submit(fx, &b);
	flush(fx);
	assert_int_equal(store_pending(fx->st), 2);
	assert_int_equal(run_posted(fx, 0, 1), 0);
	assert_int_equal(fx->ncalls, 0);

	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	WAIT_FOR(fx, fx->ncalls == 2);
	assert_true(fx->calls[0].first == t1 && fx->calls[0].last == t1);
	assert_int_equal(fx->calls[0].how, TT_COMMIT_OK);
	assert_true(fx->calls[1].first == t2 && fx->calls[1].last == t3);
	assert_int_equal(fx->calls[1].how, TT_COMMIT_OK);
	QUERY(fx, NULL, 0, "w1 w2 w3");
}

/* A full database fails the commit as DISK_FULL and keeps none of it;
 * the counters wait for the next commit, which works once there is room. */
static void
test_writer_disk_full(void **state)
{
	struct fixture		*fx = *state;
	struct store_payload	 pl;
	struct tt_counters	 c;
	struct tt_batch		 b;
	char			*cause = NULL;

	use_writer(fx);
	assert_int_equal(store_writer_exec(fx->st, "PRAGMA max_page_count = 1",
	    &cause), 0);
	tt_batch_init(&b);
	add_named(&b, 1, "big");
	pl = big_payload(256 * 1024);
	store_submit(fx->st, &b, &pl);
	tt_batch_clear(&b);
	store_count(fx->st, TT_CTR_RECEIVED, 1);
	flush(fx);
	WAIT_FOR(fx, fx->ncalls == 1);
	assert_int_equal(fx->calls[0].how, TT_COMMIT_DISK_FULL);
	assert_int_equal(fx->nids, 0);
	assert_i64(store_event_count(fx->st), 0);
	assert_int_equal(store_counters(fx->st, &c), 0);
	assert_i64(c.v[TT_CTR_RECEIVED], 0);
	assert_int_equal(fx->nlogs, 1);
	assert_non_null(strstr(fx->logs[0], "commit failed"));

	assert_int_equal(store_writer_exec(fx->st,
	    "PRAGMA max_page_count = 1073741823", &cause), 0);
	store_submit(fx->st, &b, &pl);		/* an empty batch */
	flush(fx);
	WAIT_FOR(fx, fx->ncalls == 2);
	assert_int_equal(fx->calls[1].how, TT_COMMIT_OK);
	assert_int_equal(store_counters(fx->st, &c), 0);
	assert_i64(c.v[TT_CTR_RECEIVED], 1);
	free((void *)(uintptr_t)pl.body);
}

/*
 * One commit at a time, tickets in order: what is flushed while a commit
 * is out goes in the next one, which starts as soon as it ends.
 */
static void
test_writer_ticket_order(void **state)
{
	struct fixture	*fx = *state;
	struct tt_batch	 b;
	uint64_t	 last = 0;
	char		 name[16];
	int		 i, j, k = 0;

	use_writer(fx);
	tt_batch_init(&b);
	for (i = 0; i < 5; i++) {
		for (j = 0; j <= i; j++) {
			snprintf(name, sizeof name, "e%d", k);
			add_named(&b, k++, name);
			submit(fx, &b);
			flush(fx);
		}
		if (i % 2 == 0)
			run_posted(fx, 0, 1);
	}
	WAIT_FOR(fx, store_inflight(fx->st) == 0 &&
	    store_pending(fx->st) == 0);
	assert_true(fx->ncalls >= 2);
	for (i = 0; i < fx->ncalls; i++) {
		assert_true(fx->calls[i].first == last + 1);
		assert_true(fx->calls[i].last >= fx->calls[i].first);
		assert_int_equal(fx->calls[i].how, TT_COMMIT_OK);
		last = fx->calls[i].last;
	}
	assert_i64(last, k);
	assert_int_equal(fx->nids, k);
	for (i = 1; i < fx->nids; i++)
		assert_i64(fx->ids[i], fx->ids[i - 1] + 1);
	QUERY(fx, NULL, 0, "e0 e1 e2 e3 e4 e5 e6 e7 e8 e9 e10 e11 e12 e13 "
	    "e14");
}

static void
on_optout(void *arg, int rc, const char *cause)
{
	struct fixture	*fx = arg;

	assert_true(rc >= 0 || cause != NULL);
	assert_true(fx->noptout < MAX_CALLS);
	fx->optout_rc[fx->noptout++] = rc;
}

/*
 * Opt-out changes run on the writer, after the commits queued before
 * them, and complete on the test's thread.
 */
static void
test_writer_optout(void **state)
{
	struct fixture		*fx = *state;
	struct tt_optout	 reg;
	struct tt_batch		 b;
	char			*cause = NULL;

	use_writer(fx);
	tt_optout_init(&reg);
	tt_batch_init(&b);
	add(&b, 1, TT_SRC_WERF, TT_PHASE_POINT, "w", NULL, NULL, TT_NONE,
	    TT_NONE);
	submit(fx, &b);
	flush(fx);
	store_optout_change(fx->st, "werf", NULL, 1, T0, "ui", on_optout, fx);
	store_optout_change(fx->st, "werf", NULL, 1, T0 + 1, "http",
	    on_optout, fx);
	store_optout_change(fx->st, "devpod", "m1", 1, T0, "http", on_optout,
	    fx);
	store_optout_change(fx->st, "devpod", "m1", 0, 0, NULL, on_optout, fx);
	store_optout_change(fx->st, "devpod", "m1", 0, 0, NULL, on_optout, fx);
	assert_int_equal(fx->noptout, 0);
	WAIT_FOR(fx, fx->noptout == 5);
	assert_int_equal(fx->ncalls, 1);	/* the commit came first */
	assert_int_equal(fx->optout_rc[0], 1);
	assert_int_equal(fx->optout_rc[1], 0);	/* already so */
	assert_int_equal(fx->optout_rc[2], 1);
	assert_int_equal(fx->optout_rc[3], 1);
	assert_int_equal(fx->optout_rc[4], 0);	/* nothing to clear */
	assert_int_equal(store_optout_load(fx->st, &reg, 1, &cause), 0);
	assert_int_equal(reg.n, 1);
	assert_str(reg.v[0].source, "werf");
	assert_str(reg.v[0].set_by, "ui");
	assert_i64(reg.v[0].since, T0);
	assert_i64(reg.v[0].since_id, fx->ids[0]);
	tt_optout_clear(&reg);

	/* without a writer, at once */
	assert_int_equal(store_set_poster(fx->st, NULL, NULL), 0);
	store_optout_change(fx->st, "werf", NULL, 0, 0, NULL, on_optout, fx);
	assert_int_equal(fx->noptout, 6);
	assert_int_equal(fx->optout_rc[5], 1);
}

/*
 * Closing with a commit out, more queued and an opt-out change waiting:
 * all of it is written and reported before store_close() returns, without
 * running anything posted.
 */
static void
test_writer_close_in_flight(void **state)
{
	struct fixture	*fx = *state;
	struct tt_batch	 b;
	uint64_t	 t1, t2;

	use_writer(fx);
	tt_batch_init(&b);
	add_named(&b, 1, "f1");
	t1 = submit(fx, &b);
	flush(fx);
	add_named(&b, 2, "f2");
	t2 = submit(fx, &b);		/* queued, not flushed */
	store_count(fx->st, TT_CTR_ACCEPTED, 2);
	store_optout_change(fx->st, "werf", NULL, 1, T0, "ui", on_optout, fx);
	close_store(fx);
	assert_int_equal(fx->noptout, 1);
	assert_int_equal(fx->optout_rc[0], 1);
	assert_int_equal(fx->ncalls, 2);
	assert_true(fx->calls[0].first == t1 && fx->calls[0].last == t1);
	assert_true(fx->calls[1].first == t2 && fx->calls[1].last == t2);
	assert_int_equal(fx->calls[1].how, TT_COMMIT_OK);
	run_posted(fx, 0, 0);		/* st is gone: never run these */

	open_store(fx);
	QUERY(fx, NULL, 0, "f1 f2");
}

/* No poster: the writer stops, what it had is reported, flush is
 * synchronous again.  A memory database gets no writer. */
static void
test_writer_stop(void **state)
{
	struct fixture	*fx = *state;
	struct store	*mem;
	struct tt_batch	 b;
	char		*cause = NULL;

	use_writer(fx);
	tt_batch_init(&b);
	add_named(&b, 1, "s1");
	submit(fx, &b);
	flush(fx);
	assert_int_equal(store_set_poster(fx->st, NULL, NULL), 0);
	assert_int_equal(fx->ncalls, 1);
	assert_int_equal(store_inflight(fx->st), 0);
	run_posted(fx, 0, 1);		/* a stale deliver is harmless */
	add_named(&b, 2, "s2");
	submit(fx, &b);
	flush(fx);
	assert_int_equal(fx->ncalls, 2);
	QUERY(fx, NULL, 0, "s1 s2");

	mem = store_open(":memory:", &cause);
	assert_non_null(mem);
	assert_int_equal(store_set_poster(mem, test_post, &fx->pq), -1);
	store_close(mem);
}

/* The writer does not checkpoint; the checkpointer keeps the WAL short
 * while 48 MiB go through it. */
static void
test_writer_wal_bounded(void **state)
{
	struct fixture		*fx = *state;
	struct store_payload	 pl;
	struct tt_batch		 b;
	struct stat		 sb;
	char			 wal[96];
	off_t			 most = 0;
	int			 i;

	use_writer(fx);
	snprintf(wal, sizeof wal, "%s-wal", fx->path);
	pl = big_payload(1024 * 1024);
	tt_batch_init(&b);
	for (i = 0; i < 48; i++) {
		add_named(&b, i, "big");
		store_submit(fx->st, &b, &pl);
		tt_batch_clear(&b);
		flush(fx);
		WAIT_FOR(fx, fx->ncalls == i + 1);
		assert_int_equal(fx->calls[i].how, TT_COMMIT_OK);
		assert_int_equal(stat(wal, &sb), 0);
		if (sb.st_size > most)
			most = sb.st_size;
	}
	free((void *)(uintptr_t)pl.body);
	/* 4000 pages and one more transaction */
	if (most > 20 * 1024 * 1024)
		fail_msg("the WAL grew to %lld bytes", (long long)most);
	assert_i64(store_event_count(fx->st), 48);
}

/* ---- retention (store/evict.c) ---- */

/* One number from SQL on a connection of the test's own. */
static int64_t
sql_int(const char *path, const char *sql)
{
	sqlite3		*db;
	int64_t		 n;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	n = store_int64(db, sql);
	sqlite3_close(db);
	return n;
}

static void
on_evicted(void *arg, int64_t n)
{
	int64_t	*sum = arg;

	*sum += n;
}

/*
 * --retain: the events received before now - retain go, oldest first,
 * with the payloads no event needs; a payload an event still needs stays
 * and reads back whole; the daily counts stay; the counter says how many
 * went; all but the newest once everything is old, and ids go on from
 * there.
 */
static void
test_evict_time(void **state)
{
	struct fixture		*fx = *state;
	struct store_payload	 pl[5];
	struct tt_batch		 b;
	struct tt_counters	 c;
	char			*cause = NULL, *body, *route, *ctype;
	size_t			 len;
	int64_t			 seen = 0, last;
	int			 i;

	store_set_evict_cb(fx->st, on_evicted, &seen);
	tt_batch_init(&b);
	/* five payloads of two events each: received at 1 ms ... 10 ms */
	for (i = 0; i < 5; i++) {
		pl[i] = noise_payload(1000, (uint64_t)i);
		add_named(&b, 2 * i + 1, "a");
		add_named(&b, 2 * i + 2, "b");
		assert_true(store_submit(fx->st, &b, &pl[i]) > 0);
		tt_batch_clear(&b);
	}
	flush(fx);
	assert_i64(store_event_count(fx->st), 10);

	/* nothing set: nothing goes */
	assert_i64(store_evict(fx->st, T0 + 86400000000LL, &cause), 0);
	assert_null(cause);

	/* older than 5 ms at 8.5 ms: the events of 1, 2, 3 ms */
	store_set_retention(fx->st, 5000, 0);
	assert_i64(store_evict(fx->st, T0 + 8500, &cause), 3);
	assert_null(cause);
	assert_i64(seen, 3);
	assert_i64(store_evicted(fx->st), 3);
	assert_i64(store_event_count(fx->st), 7);
	query(fx, NULL, 0);
	assert_int_equal(fx->ngot, 7);
	assert_i64(fx->got[0].received_at, T0 + 4000);
	/* payload 0 went; payload 1 stays for event 4, whole */
	assert_i64(sql_int(fx->path, "SELECT count(*) FROM payloads"), 4);
	body = route = ctype = NULL;
	assert_int_equal(store_payload(fx->st, fx->got[0].id, &body, &len,
	    &route, &ctype), 0);
	assert_int_equal(len, 1000);
	assert_memory_equal(body, pl[1].body, 1000);
	free(body);
	free(route);
	free(ctype);
	assert_int_equal(store_counters(fx->st, &c), 0);
	assert_i64(c.v[TT_CTR_EVICTED], 3);
	/* the day still counts all ten */
	assert_i64(store_rollup_events(fx->st), 10);
	/* again at the same time: nothing more is due */
	assert_i64(store_evict(fx->st, T0 + 8500, &cause), 0);

	/* a day later all are old: all go but the newest */
	last = fx->got[6].id;
	assert_i64(store_evict(fx->st, T0 + 86400000000LL, &cause), 6);
	query(fx, NULL, 0);
	assert_int_equal(fx->ngot, 1);
	assert_i64(fx->got[0].id, last);
	assert_i64(sql_int(fx->path, "SELECT count(*) FROM payloads"), 1);
	assert_i64(sql_int(fx->path, "SELECT min(id) FROM payloads"),
	    sql_int(fx->path, "SELECT payload_id FROM events"));
	/* the next event's id follows the last, not what went */
	add_named(&b, 11, "c");
	submit(fx, &b);
	flush(fx);
	query(fx, NULL, 0);
	assert_int_equal(fx->ngot, 2);
	assert_i64(fx->got[1].id, last + 1);
	assert_int_equal(store_counters(fx->st, &c), 0);
	assert_i64(c.v[TT_CTR_EVICTED], 9);
	assert_i64(seen, 9);
	for (i = 0; i < 5; i++)
		free((void *)(uintptr_t)pl[i].body);

	/* the counter survives a reopen; what this process evicted does not */
	close_store(fx);
	open_store(fx);
	assert_int_equal(store_counters(fx->st, &c), 0);
	assert_i64(c.v[TT_CTR_EVICTED], 9);
	assert_i64(store_evicted(fx->st), 0);
}

/*
 * Events whose JSON is a range of their request's body (data_at): when
 * the first of a request's events goes, the request stays, and the others
 * read their JSON from it as before.
 */
static void
test_evict_range(void **state)
{
	static const char	 body[] = "[{\"name\":\"a\",\"i\":1},"
	    "{\"name\":\"b\",\"i\":2},{\"name\":\"c\",\"i\":3}]";
	struct fixture		*fx = *state;
	struct store_payload	 pl = { .route = "/v1/events",
	    .content_type = "application/json", .body = body,
	    .len = sizeof body - 1 };
	struct tt_batch		 b;
	char			*cause = NULL;

	tt_batch_init(&b);
	add_named(&b, 1, "a");
	add_named(&b, 2, "b");
	add_named(&b, 3, "c");
	assert_true(store_submit(fx->st, &b, &pl) > 0);
	tt_batch_clear(&b);
	add_named(&b, 4, "d");
	submit(fx, &b);
	flush(fx);
	/* they are ranges of the body, not JSON of their own */
	assert_i64(sql_int(fx->path, "SELECT count(*) FROM events WHERE "
	    "data IS NULL AND data_at IS NOT NULL"), 3);
	store_set_retention(fx->st, 1500, 0);
	assert_i64(store_evict(fx->st, T0 + 3000, &cause), 1);
	assert_i64(sql_int(fx->path, "SELECT count(*) FROM payloads"), 1);
	query(fx, NULL, 0);
	assert_int_equal(fx->ngot, 3);
	assert_str(fx->got[0].data, "{\"name\":\"b\",\"i\":2}");
	assert_str(fx->got[1].data, "{\"name\":\"c\",\"i\":3}");
}

/*
 * --max-db-size under a stream of commits on the writer thread: after
 * each, the pages in use come back under the cap (the writer evicts right
 * after the commit), the file stops growing once freed pages are reused,
 * the newest events read back, and the loop is told of every event that
 * went.
 */
static void
test_evict_size(void **state)
{
	struct fixture		*fx = *state;
	const uint64_t		 cap = 4 << 20;
	struct store_payload	 pl;
	struct tt_batch		 b;
	uint64_t		 used = 0, file = 0, most = 0;
	char			*body, *route, *ctype;
	size_t			 len;
	int64_t			 seen = 0, fewest = INT64_MAX;
	int			 i;

	use_writer(fx);
	store_set_evict_cb(fx->st, on_evicted, &seen);
	store_set_retention(fx->st, 0, cap);
	tt_batch_init(&b);
	for (i = 0; i < 60; i++) {
		pl = noise_payload(256 * 1024, (uint64_t)i);
		add_named(&b, i, "big");
		assert_true(store_submit(fx->st, &b, &pl) > 0);
		tt_batch_clear(&b);
		free((void *)(uintptr_t)pl.body);
		flush(fx);
		WAIT_FOR(fx, fx->ncalls == i + 1);
		assert_int_equal(fx->calls[i].how, TT_COMMIT_OK);
		/* the slice after this commit */
		WAIT_FOR(fx, store_size(fx->st, &used, &file) == 0 &&
		    used <= cap);
		if (file > most)
			most = file;
		/* it takes what is over the cap, not the history: 90% of
		 * 4 MiB holds 14 of these */
		WAIT_FOR(fx, seen + store_event_count(fx->st) == i + 1);
		if (i >= 20 && store_event_count(fx->st) < fewest)
			fewest = store_event_count(fx->st);
	}
	if (fewest < 10)
		fail_msg("the cap left %lld events at one point",
		    (long long)fewest);
	/* drained to 90%: a few events at most were over it at once */
	if (most > cap + cap / 10)
		fail_msg("the file grew to %llu bytes over a cap of %llu",
		    (unsigned long long)most, (unsigned long long)cap);
	assert_true(seen > 40);
	assert_i64(store_evicted(fx->st), seen);
	query(fx, NULL, 0);
	assert_true(fx->ngot >= 10);
	body = route = ctype = NULL;
	pl = noise_payload(256 * 1024, 59);
	assert_int_equal(store_payload(fx->st, fx->got[fx->ngot - 1].id,
	    &body, &len, &route, &ctype), 0);
	assert_int_equal(len, 256 * 1024);
	assert_memory_equal(body, pl.body, len);
	free((void *)(uintptr_t)pl.body);
	free(body);
	free(route);
	free(ctype);
	assert_i64(store_rollup_events(fx->st), 60);
	/* what the writer still posts must not reach seen, gone with us */
	store_set_evict_cb(fx->st, NULL, NULL);
}

/* Both at once through store_evict() on a writer: the caller waits, the
 * counts add up, and with neither set nothing goes. */
static void
test_evict_writer_sync(void **state)
{
	struct fixture	*fx = *state;
	struct tt_batch	 b;
	char		*cause = NULL;
	int64_t		 seen = 0, future;
	int		 i;

	use_writer(fx);
	store_set_evict_cb(fx->st, on_evicted, &seen);
	tt_batch_init(&b);
	/* a day ahead of the clock, which the writer's own checks go by:
	 * only store_evict()'s time makes them old */
	future = tt_now_us() + 86400000000LL;
	for (i = 1; i <= 20; i++)
		add_named(&b, i, "e")->received_at = future + i * 1000;
	submit(fx, &b);
	flush(fx);
	WAIT_FOR(fx, fx->ncalls == 1);
	store_set_retention(fx->st, 0, 0);
	assert_i64(store_evict(fx->st, future + 86400000000LL, &cause), 0);
	/* received at 1 ... 20 ms; at 30 ms, older than 15 ms: 1 ... 14 */
	store_set_retention(fx->st, 15000, 0);
	assert_i64(store_evict(fx->st, future + 30000, &cause), 14);
	assert_null(cause);
	assert_i64(seen, 14);
	QUERY(fx, NULL, 0, "e e e e e e");
	store_set_evict_cb(fx->st, NULL, NULL);
}

/* ---- the collector's filter of repeated log lines ---- */

struct printed {
	char	*v[16];
	int	 n;
};

static void
print_line(void *arg, const char *line)
{
	struct printed	*p = arg;

	assert_true(p->n < 16);
	p->v[p->n++] = dup_str(line);
}

static void
printed_clear(struct printed *p)
{
	while (p->n > 0)
		free(p->v[--p->n]);
}

/* A line said again within the window is counted; a different one (or
 * the window's end) prints the count once. */
static void
test_log_repeat(void **state)
{
	struct log_repeat	lr;
	struct printed		p = { { NULL }, 0 };
	int64_t			t = 1000000;

	(void)state;
	log_repeat_init(&lr, 1000000);
	log_repeat_line(&lr, "disk full", t, print_line, &p);
	log_repeat_line(&lr, "disk full", t + 1, print_line, &p);
	log_repeat_line(&lr, "disk full", t + 2, print_line, &p);
	assert_int_equal(p.n, 1);
	assert_str(p.v[0], "disk full");
	log_repeat_line(&lr, "other", t + 3, print_line, &p);
	assert_int_equal(p.n, 3);
	assert_str(p.v[1], "disk full (repeated 2 times)");
	assert_str(p.v[2], "other");
	printed_clear(&p);

	/* the window ends on a tick: the count comes out then */
	log_repeat_line(&lr, "other", t + 4, print_line, &p);
	log_repeat_tick(&lr, t + 500000, print_line, &p);
	assert_int_equal(p.n, 0);
	log_repeat_tick(&lr, t + 1000003, print_line, &p);
	assert_int_equal(p.n, 1);
	assert_str(p.v[0], "other (repeated 1 times)");
	log_repeat_tick(&lr, t + 3000000, print_line, &p);
	assert_int_equal(p.n, 1);
	/* the same line in the next window: counted again */
	log_repeat_line(&lr, "other", t + 1000004, print_line, &p);
	assert_int_equal(p.n, 1);
	/* ... and the window's end seen by the next line */
	log_repeat_line(&lr, "other", t + 2500000, print_line, &p);
	assert_int_equal(p.n, 3);
	assert_str(p.v[1], "other (repeated 1 times)");
	assert_str(p.v[2], "other");
	/* a line once is printed once, nothing more */
	log_repeat_line(&lr, "third", t + 2500001, print_line, &p);
	log_repeat_tick(&lr, t + 9000000, print_line, &p);
	assert_int_equal(p.n, 4);
	assert_str(p.v[3], "third");
	printed_clear(&p);
	log_repeat_clear(&lr);
}


/* ---- packing (store/pack.h): findings as ids, packed bytes, ranges ---- */

/* One text value of SQL on another connection to fx's file; caller
 * frees; NULL for NULL. */
static char *
sql_text(struct fixture *fx, const char *sql)
{
	sqlite3_stmt	*s;
	sqlite3		*db;
	char		*v = NULL;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) != NULL)
		v = dup_str((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

#define ASSERT_SQL(fx, sql, want) do {					\
	char	*v_ = sql_text((fx), (sql));				\
	assert_str(v_, (want));						\
	free(v_);							\
} while (0)

/* Findings JSON as tt_privacy_json() writes it. */
static char *
findings_json(const char *const *fields, const char *const *kinds,
    const int *red, size_t n)
{
	struct tt_finding	 v[8];
	struct tt_findings	 f;
	size_t			 i;

	assert_true(n <= 8);
	for (i = 0; i < n; i++) {
		v[i].field = (char *)(uintptr_t)fields[i];
		v[i].kind = kinds[i];
		v[i].red = red[i];
	}
	f.v = v;
	f.n = f.cap = n;
	return tt_privacy_json(&f);
}

/* Privacy rows, as text "source field kind red events;". */
static void
priv_row(void *arg, const struct store_privacy_row *r)
{
	char	*buf = arg;
	size_t	 n = strlen(buf);

	snprintf(buf + n, 1024 - n, "%s %s %s %d %lld;", r->source, r->field,
	    r->kind, r->red, (long long)r->events);
}

/*
 * Findings in tt_privacy_json()'s form are stored as ids and read back as
 * the same text, escapes and all; other text is kept as it came; the
 * privacy summary counts both.
 */
static void
test_pack_findings(void **state)
{
	static const char *const fields[] = { "properties.$ip",
	    "properties[\"a.b\\\"c\"]", "ucid", "\xc3\xbc" "ber.\xc3\x9f",
	    "tab\there" };
	static const char *const kinds[] = { "ip", "email", "install_id",
	    "user_name", "token" };
	static const int red[] = { 1, 1, 0, 1, 1 };
	static const char odd[] = "[{\"field\":\"email\"}]";
	static const char extra[] = "[{\"field\":\"f\",\"kind\":\"ip\","
	    "\"grade\":\"red\",\"x\":1}]";
	struct fixture	*fx = *state;
	struct tt_batch	 b;
	char		*all, *two, priv[1024];
	char		*cause = NULL;
	int		 round;

	all = findings_json(fields, kinds, red, 5);
	two = findings_json(fields + 2, kinds + 2, red + 2, 2);
	tt_batch_init(&b);
	add_named(&b, 1, "all")->pii = dup_str(all);
	add_named(&b, 2, "two")->pii = dup_str(two);
	add_named(&b, 3, "none")->pii = dup_str("[]");
	add_named(&b, 4, "odd")->pii = dup_str(odd);
	add_named(&b, 5, "extra")->pii = dup_str(extra);
	add_named(&b, 6, "null");
	add_named(&b, 7, "again")->pii = dup_str(all);
	submit(fx, &b);
	flush(fx);

	for (round = 0; round < 2; round++) {
		QUERY(fx, NULL, 0, "all two none odd extra null again");
		assert_str(fx->got[0].pii, all);
		assert_str(fx->got[1].pii, two);
		assert_str(fx->got[2].pii, "[]");
		assert_str(fx->got[3].pii, odd);
		assert_str(fx->got[4].pii, extra);
		assert_null(fx->got[5].pii);
		assert_str(fx->got[6].pii, all);
		close_store(fx);	/* a new reader loads the table */
		open_store(fx);
	}
	ASSERT_SQL(fx, "SELECT group_concat(typeof(pii), ' ') FROM "
	    "(SELECT pii FROM events ORDER BY id)",
	    "blob blob blob text text null blob");
	ASSERT_SQL(fx, "SELECT count(*) FROM findings", "5");
	ASSERT_SQL(fx, "SELECT length(pii) FROM events WHERE name = 'all'",
	    "5");
	ASSERT_SQL(fx, "SELECT grade FROM findings WHERE field = 'ucid'",
	    "yellow");

	priv[0] = '\0';
	assert_int_equal(store_privacy(fx->st, TT_NONE, NULL, priv_row, priv,
	    &cause), 0);
	assert_null(cause);
	assert_str(priv, "generic ucid install_id 0 3;"
	    "generic \xc3\xbc" "ber.\xc3\x9f user_name 1 3;"
	    "generic properties.$ip ip 1 2;"
	    "generic properties[\"a.b\\\"c\"] email 1 2;"
	    "generic tab\there token 1 2;"
	    "generic f ip 1 1;");
	priv[0] = '\0';
	assert_int_equal(store_privacy(fx->st, TT_NONE, "werf", priv_row,
	    priv, &cause), 0);
	assert_str(priv, "");
	free(all);
	free(two);
}

/* Body i of the payload test: JSON alike from one to the next. */
static char *
pack_body(int i)
{
	char	*s;

	assert_true(asprintf(&s, "{\"event\":\"cmd\",\"uuid\":\"%08x-%04x\","
	    "\"properties\":{\"command\":\"devpod up\",\"n\":%d,\"os\":"
	    "\"linux\",\"arch\":\"amd64\",\"version\":\"v0.5.%d\"}}",
	    (unsigned)(i * 2654435761u), (unsigned)i & 0xffff, i, i % 7) > 0);
	return s;
}

/* Add an event whose JSON is data. */
static struct tt_event *
add_data(struct tt_batch *b, int64_t i, const char *data, size_t len)
{
	struct tt_event	*ev = add_named(b, i, "d");

	free(ev->data);
	ev->data = malloc(len + 1);
	assert_non_null(ev->data);
	memcpy(ev->data, data, len);
	ev->data[len] = '\0';
	ev->data_len = len;
	return ev;
}

/* Every event's JSON and payload read back exactly as written. */
static void
check_packed(struct fixture *fx, int n)
{
	char	*body, *got, *route, *ctype;
	size_t	 len;
	int	 i;

	assert_true(n <= MAX_EVENTS);
	query(fx, NULL, 0);
	assert_int_equal(fx->ngot, n);
	for (i = 0; i < n; i++) {
		body = pack_body(i);
		assert_str(fx->got[i].data, body);
		assert_int_equal(fx->got[i].data_len, strlen(body));
		got = route = ctype = NULL;
		assert_int_equal(store_payload(fx->st, fx->got[i].id, &got,
		    &len, &route, &ctype), 0);
		assert_int_equal(len, strlen(body) + 1);
		assert_memory_equal(got, body, len - 1);
		assert_int_equal(got[len - 1], '\n');
		assert_str(route, "/v1/events");
		free(got);
		free(route);
		free(ctype);
		free(body);
	}
}

/*
 * Bodies are packed (with their route's dictionary once enough came to
 * train it), an event whose JSON is in its body keeps only where, and all
 * of it reads back byte for byte; so does JSON that is not in the body,
 * and a batch's items at their offsets.
 */
static void
test_pack_payloads(void **state)
{
	static const char	 batch[] = "[ {\"a\":1},\n  {\"b\":[2]} ,{}]";
	struct fixture		*fx = *state;
	struct store_payload	 pl = { .route = "/v1/events",
	    .content_type = "application/json", .body = NULL, .len = 0 };
	struct tt_batch		 b;
	char			*body, *line, *c;
	int			 i;

	tt_batch_init(&b);
	for (i = 0; i < 400; i++) {
		body = pack_body(i);
		assert_true(asprintf(&line, "%s\n", body) > 0);
		if (i >= MAX_EVENTS) {
			/* beyond what check_packed reads: other rows */
			add_data(&b, i, "{\"x\":1}", 7);
		} else
			add_data(&b, i, body, strlen(body));
		pl.body = line;
		pl.len = strlen(line);
		store_submit(fx->st, &b, &pl);
		tt_batch_clear(&b);
		free(line);
		free(body);
		if (i % 100 == 99)
			flush(fx);
	}
	flush(fx);
	ASSERT_SQL(fx, "SELECT count(*) FROM zdicts WHERE key = "
	    "'payload /v1/events'", "1");
	ASSERT_SQL(fx, "SELECT count(*) FROM events WHERE id <= 64 AND "
	    "data IS NULL AND data_at = 0", "64");
	ASSERT_SQL(fx, "SELECT count(*) FROM events WHERE typeof(data) = "
	    "'blob'", "336");
	/* the later bodies went with the dictionary, and shrank */
	ASSERT_SQL(fx, "SELECT count(*) FROM payloads WHERE id > 300 AND "
	    "substr(body, 1, 1) = x'02'", "100");
	ASSERT_SQL(fx, "SELECT avg(length(body)) < 60 FROM payloads "
	    "WHERE id > 300", "1");
	/* route and content type: one row of routes that all name */
	ASSERT_SQL(fx, "SELECT count(*) FROM routes", "1");
	ASSERT_SQL(fx, "SELECT count(*) FROM payloads WHERE route = '' AND "
	    "content_type IS NULL AND route_id = 1", "400");
	/* the first 64 only: the others have other JSON */
	store_writer_exec(fx->st, "DELETE FROM events WHERE id > 64", &c);
	check_packed(fx, 64);
	close_store(fx);
	open_store(fx);
	check_packed(fx, 64);

	/* a batch: items at their offsets; one that is not in the body */
	store_writer_exec(fx->st, "DELETE FROM events", &c);
	pl.body = batch;
	pl.len = sizeof batch - 1;
	add_data(&b, 1, "{\"a\":1}", 7);
	add_data(&b, 2, "{\"b\":[2]}", 9);
	add_data(&b, 3, "{\"b\": [2]}", 10);
	add_data(&b, 4, "{}", 2);
	store_submit(fx->st, &b, &pl);
	tt_batch_clear(&b);
	flush(fx);
	ASSERT_SQL(fx, "SELECT group_concat(coalesce(data_at, typeof(data)), "
	    "' ') FROM (SELECT * FROM events ORDER BY id)", "2 13 blob 24");
	query(fx, NULL, 0);
	assert_int_equal(fx->ngot, 4);
	assert_str(fx->got[0].data, "{\"a\":1}");
	assert_str(fx->got[1].data, "{\"b\":[2]}");
	assert_str(fx->got[2].data, "{\"b\": [2]}");
	assert_str(fx->got[3].data, "{}");
}

/*
 * A commit that fails after it trained a dictionary and added findings
 * (the last event is refused by a trigger) leaves no id behind that names
 * a row it rolled back: the next commit writes rows that read back.
 */
static void
test_pack_rollback(void **state)
{
	struct fixture		*fx = *state;
	struct store_payload	 pl = { .route = "/v1/events",
	    .content_type = "application/json", .body = NULL, .len = 0 };
	struct tt_batch		 b;
	struct tt_event		*ev;
	char			*body, *line, *cause = NULL;
	int			 i, round;

	assert_int_equal(store_writer_exec(fx->st, "CREATE TEMP TRIGGER boom "
	    "BEFORE INSERT ON events WHEN NEW.name = 'boom' BEGIN "
	    "SELECT RAISE(ABORT, 'boom'); END", &cause), 0);
	tt_batch_init(&b);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 300; i++) {
			body = pack_body(i);
			assert_true(asprintf(&line, "%s\n", body) > 0);
			ev = add_data(&b, i, body, strlen(body));
			ev->pii = dup_str("[{\"field\":\"uuid\",\"kind\":"
			    "\"install_id\",\"grade\":\"yellow\"}]");
			if (round == 0 && i == 299) {
				free(ev->name);
				ev->name = dup_str("boom");
			}
			pl.body = line;
			pl.len = strlen(line);
			store_submit(fx->st, &b, &pl);
			tt_batch_clear(&b);
			free(line);
			free(body);
		}
		if (round == 0) {
			assert_int_equal(store_flush(fx->st, &cause), -1);
			assert_non_null(strstr(cause, "boom"));
			free(cause);
			cause = NULL;
			ASSERT_SQL(fx, "SELECT count(*) FROM zdicts", "0");
			ASSERT_SQL(fx, "SELECT count(*) FROM findings", "0");
			ASSERT_SQL(fx, "SELECT count(*) FROM events", "0");
		} else
			flush(fx);
	}
	/* trained again, from the second round's first 256 bodies */
	ASSERT_SQL(fx, "SELECT count(*) FROM zdicts", "1");
	ASSERT_SQL(fx, "SELECT count(*) FROM payloads WHERE "
	    "substr(body, 1, 1) = x'02'", "45");
	ASSERT_SQL(fx, "SELECT count(*) FROM events WHERE pii = x'01'",
	    "300");
	store_writer_exec(fx->st, "DELETE FROM events WHERE id > 64", &cause);
	check_packed(fx, 64);
	assert_str(fx->got[63].pii, "[{\"field\":\"uuid\",\"kind\":"
	    "\"install_id\",\"grade\":\"yellow\"}]");
}

/* The schema of version 3, as an older teltop made it. */
static const char old_schema[] =
	"CREATE TABLE payloads(id INTEGER PRIMARY KEY, received_at INTEGER "
	"NOT NULL, route TEXT NOT NULL, content_type TEXT, body BLOB NOT NULL);"
	"CREATE TABLE events(id INTEGER PRIMARY KEY, received_at INTEGER NOT "
	"NULL, ts INTEGER NOT NULL, source TEXT NOT NULL, format TEXT NOT NULL,"
	" name TEXT, phase TEXT NOT NULL, client_id TEXT, execution_id TEXT, "
	"command TEXT, duration_ms INTEGER, exit_code INTEGER, error TEXT, "
	"version TEXT, os TEXT, arch TEXT, pii TEXT, payload_id INTEGER, "
	"data TEXT);"
	"CREATE INDEX events_ts ON events(ts);"
	"CREATE INDEX events_source_command ON events(source, command);"
	"CREATE INDEX events_execution ON events(execution_id) WHERE "
	"execution_id IS NOT NULL;"
	"CREATE INDEX events_client ON events(client_id);"
	"CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL "
	"DEFAULT 0) WITHOUT ROWID;"
	"CREATE TABLE optout(source TEXT NOT NULL, client TEXT NOT NULL "
	"DEFAULT '', since INTEGER NOT NULL, since_id INTEGER NOT NULL DEFAULT "
	"0, set_by TEXT NOT NULL, dropped INTEGER NOT NULL DEFAULT 0, PRIMARY "
	"KEY(source, client)) WITHOUT ROWID;"
	"ALTER TABLE events ADD COLUMN capture TEXT;"
	"PRAGMA user_version = 3;";

/*
 * A database of version 3 (TEXT findings and JSON, raw bodies) is packed
 * by the migration: every event, finding and payload reads back as the
 * older teltop stored it, and the file is smaller.
 */
static void
test_pack_migrate(void **state)
{
	static const char	 pii[] = "[{\"field\":\"uuid\",\"kind\":"
	    "\"install_id\",\"grade\":\"yellow\"}]";
	struct fixture		*fx = *state;
	sqlite3			*db;
	sqlite3_stmt		*s;
	char			*body, *line, *cause = NULL, priv[1024];
	struct stat		 before, after;
	int			 i;

	close_store(fx);
	unlink_db(fx->path);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, old_schema, NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO payloads(id, "
	    "received_at, route, content_type, body) VALUES (?1, 1, "
	    "'/v1/events', 'application/json', ?2)", -1, &s, NULL), SQLITE_OK);
	for (i = 0; i < 400; i++) {
		body = pack_body(i);
		assert_true(asprintf(&line, "%s\n", body) > 0);
		sqlite3_bind_int(s, 1, i + 1);
		sqlite3_bind_blob(s, 2, line, (int)strlen(line), SQLITE_STATIC);
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		sqlite3_reset(s);
		free(line);
		free(body);
	}
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO events(id, "
	    "received_at, ts, source, format, name, phase, pii, payload_id, "
	    "data) VALUES (?1, 1, 2, 'devpod', 'devpod-legacy', 'd', 'point', "
	    "?2, ?1, ?3)", -1, &s, NULL), SQLITE_OK);
	for (i = 0; i < 400; i++) {
		body = pack_body(i);
		sqlite3_bind_int(s, 1, i + 1);
		sqlite3_bind_text(s, 2, i % 2 == 0 ? pii : "[{\"field\":\"x\"}]",
		    -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, body, -1, SQLITE_TRANSIENT);
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		sqlite3_reset(s);
		free(body);
	}
	sqlite3_finalize(s);
	/* one whose JSON is not in its payload, one without a payload */
	assert_int_equal(sqlite3_exec(db, "UPDATE events SET data = "
	    "'{\"not\":\"in the body\"}' WHERE id = 3; UPDATE events SET "
	    "payload_id = NULL WHERE id = 4; COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(stat(fx->path, &before), 0);

	open_store(fx);
	assert_true(schema_version(fx->path) >= 4);	/* and later ones */
	assert_i64(store_event_count(fx->st), 400);
	store_writer_exec(fx->st, "UPDATE events SET data = NULL, "
	    "data_at = NULL, data_len = NULL WHERE id IN (3, 4)", &cause);
	ASSERT_SQL(fx, "SELECT count(*) FROM events WHERE data_at = 0",
	    "398");
	ASSERT_SQL(fx, "SELECT count(*) FROM events WHERE typeof(pii) = "
	    "'blob'", "200");
	ASSERT_SQL(fx, "SELECT count(*) FROM payloads WHERE "
	    "substr(body, 1, 1) = x'02'", "400");
	ASSERT_SQL(fx, "SELECT count(*) FROM payloads WHERE route = '' AND "
	    "route_id = 1", "400");
	store_writer_exec(fx->st, "DELETE FROM events WHERE id > 64", &cause);
	query(fx, NULL, 0);
	for (i = 0; i < 64; i++) {
		if (i == 2 || i == 3) {
			assert_null(fx->got[i].data);
			continue;
		}
		body = pack_body(i);
		assert_str(fx->got[i].data, body);
		free(body);
		assert_str(fx->got[i].pii, i % 2 == 0 ? pii :
		    "[{\"field\":\"x\"}]");
	}
	for (i = 0; i < 64; i++) {
		char	*got = NULL, *route = NULL, *ctype = NULL;
		size_t	 len = 0;

		body = pack_body(i);
		assert_int_equal(store_payload(fx->st, fx->got[i].id, &got,
		    &len, &route, &ctype), i == 3 ? -1 : 0);
		if (i != 3) {
			assert_int_equal(len, strlen(body) + 1);
			assert_memory_equal(got, body, len - 1);
			assert_str(route, "/v1/events");
			assert_str(ctype, "application/json");
		}
		free(got);
		free(route);
		free(ctype);
		free(body);
	}
	/* from the events: the rollups count the 400 the DELETE took away
	 * behind their back (teltop deletes no event) */
	priv[0] = '\0';
	assert_int_equal(store_privacy(fx->st, INT64_MIN + 1, NULL, priv_row,
	    priv, &cause), 0);
	assert_str(priv, "devpod uuid install_id 0 32;");
	close_store(fx);
	assert_int_equal(stat(fx->path, &after), 0);
	assert_true(after.st_size < before.st_size);
}

/* ---- rollups ---- */

/*
 * The rollup tests compare three models of the same committed events: a
 * reference fed every event with tt_stats_add() (what the replay at start
 * used to build), the model store_rollup_load() reads from the rollup
 * tables, and a live one fed the deltas of the event callback.
 */
#include "rollup_scenario.h"


/*
 * Rollups after each commit of a scenario with every pairing case: starts
 * and finishes in either order and in separate commits, duplicates across
 * commits, a late finish paired through the index, an orphan's finish,
 * id-less finishes and starts, Devtron Summaries (latest wins, both
 * shapes), privacy findings, clients over two days.
 */
static void
test_rollup_commits(void **state)
{
	struct fixture	*fx = *state;
	struct tt_cmd_stats *c;
	struct tt_batch	 b;
	size_t		 i, n;
	int		 k;

	rollup_begin(fx->st);
	RSUBMIT(fx->st, rs1);
	flush(fx);
	rollups_agree(fx->st);
	RSUBMIT(fx->st, rs2);
	flush(fx);
	rollups_agree(fx->st);
	RSUBMIT(fx->st, rs3);
	flush(fx);
	rollups_agree(fx->st);
	/* between the start and the late finish: commits of other events */
	tt_batch_init(&b);
	for (k = 0; k < 50; k++) {
		for (i = 0; i < 20; i++)
			add(&b, k * 20 + (int64_t)i, TT_SRC_GENERIC,
			    TT_PHASE_POINT, "filler", NULL, NULL, TT_NONE,
			    TT_NONE);
		submit(fx, &b);
		flush(fx);
	}
	/* the live model ages e5 into an orphan before its finish comes */
	free((tt_stats_commands(rfx.live, RNOW, &c), c));
	free((tt_stats_commands(rfx.ref, RNOW, &c), c));
	RSUBMIT(fx->st, rs4);
	flush(fx);
	rollups_agree(fx->st);

	/* what the scenario should give, to be sure the three agree on it */
	n = tt_stats_commands(rfx.ref, RNOW, &c);
	for (i = 0; i < n; i++) {
		if (strcmp(c[i].command, "werf converge") != 0)
			continue;
		/*
		 * e1..e6 finished once each, e3 and e5 failed; timed: e1
		 * 1.5 s, e3 6 s, e6 1 s, e2 17 s, e5 200 s (e4 timed at
		 * -5 ms: nothing added)
		 */
		assert_i64(c[i].count, 6);
		assert_i64(c[i].failures, 2);
		assert_i64(c[i].with_duration, 5);
		assert_i64(c[i].max_ms, 200000);
		assert_i64(c[i].running, 0);
		assert_i64(c[i].orphans, 0);
	}
	free(c);
	metrics_expected(rfx.ref);
	rollup_finish();
}

/*
 * A commit that fails after some of its events and rollup rows were
 * written (a trigger refuses its last event) keeps nothing: the rollups
 * are those of the commits before, and the same events minus the refused
 * one count in full at the next commit.  Without a writer and with one.
 */
static void
rollup_abort(struct fixture *fx, int writer)
{
	struct rspec	 bad[sizeof rs2 / sizeof rs2[0] + 1];
	sqlite3		*db;
	char		*cause = NULL;

	rollup_begin(fx->st);
	if (writer) {
		assert_int_equal(store_set_poster(fx->st, test_post, &fx->pq),
		    0);
		store_set_event_cb(fx->st, rollup_on_event, fx);
	}
	RSUBMIT(fx->st, rs1);
	if (writer) {
		flush(fx);
		WAIT_FOR(fx, rfx.nevents == (int)(sizeof rs1 / sizeof rs1[0]));
	} else
		flush(fx);
	rollups_agree(fx->st);

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TRIGGER boom BEFORE INSERT "
	    "ON events WHEN NEW.name = 'boom' BEGIN SELECT RAISE(ABORT, "
	    "'boom'); END", NULL, NULL, NULL), SQLITE_OK);
	memcpy(bad, rs2, sizeof rs2);
	bad[sizeof rs2 / sizeof rs2[0]] = (struct rspec){ TT_SRC_GENERIC,
	    TT_PHASE_POINT, "boom", NULL, NULL, "c9", NULL, TT_NONE, TT_NONE,
	    1, NULL, NULL, NULL };
	RSUBMIT(fx->st, bad);
	if (writer) {
		flush(fx);
		WAIT_FOR(fx, fx->ncalls == 2);
	} else {
		assert_int_equal(store_flush(fx->st, &cause), -1);
		assert_non_null(strstr(cause, "boom"));
		free(cause);
	}
	assert_int_equal(fx->calls[fx->ncalls - 1].ok, 0);
	rollups_agree(fx->st);

	assert_int_equal(sqlite3_exec(db, "DROP TRIGGER boom", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	RSUBMIT(fx->st, rs2);
	RSUBMIT(fx->st, rs3);
	flush(fx);
	if (writer)
		WAIT_FOR(fx, fx->ncalls == 3);
	assert_int_equal(fx->calls[fx->ncalls - 1].ok, 1);
	rollups_agree(fx->st);
	rollup_finish();
}

static void
test_rollup_abort(void **state)
{
	rollup_abort(*state, 0);
}

static void
test_rollup_abort_writer(void **state)
{
	rollup_abort(*state, 1);
}

/* Empty the rollups and take the schema back to before them. */
static void
unmigrate(const char *path)
{
	static const char *const tables[] = { "rollup_cmd", "rollup_hist",
	    "rollup_open", "rollup_day", "rollup_client", "rollup_summary",
	    "rollup_privacy", "rollup_metric", "rollup_meta" };
	sqlite3		*db;
	char		 sql[64];
	size_t		 i;

	assert_true(store_rollup_migration() > 0);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	for (i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		snprintf(sql, sizeof sql, "DROP TABLE %s", tables[i]);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL),
		    SQLITE_OK);
	}
	/* and what the migrations after the rollups' added */
	assert_int_equal(sqlite3_exec(db, "ALTER TABLE events DROP COLUMN "
	    "severity; DROP TABLE fields; ALTER TABLE payloads DROP COLUMN "
	    "request; ALTER TABLE payloads DROP COLUMN raw", NULL, NULL, NULL),
	    SQLITE_OK);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
	    store_rollup_migration());
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/*
 * An existing database (its events stored before there were rollups)
 * gets them at open, as a replay of its events gives them; and rollups
 * of another time zone are refused by the reader and rebuilt by
 * store_rollup_sync().
 */
static void
test_rollup_migration(void **state)
{
	struct fixture	*fx = *state;
	struct tt_stats	*loaded;
	sqlite3		*db;
	char		*cause = NULL;
	int64_t		 rolled;
	int		 v, rebuilt;

	rollup_begin(fx->st);
	RSUBMIT(fx->st, rs1);
	RSUBMIT(fx->st, rs2);
	flush(fx);
	RSUBMIT(fx->st, rs3);
	RSUBMIT(fx->st, rs4);
	flush(fx);
	close_store(fx);
	v = schema_version(fx->path);
	unmigrate(fx->path);

	open_store(fx);
	store_set_event_cb(fx->st, rollup_on_event, fx);
	assert_int_equal(schema_version(fx->path), v);
	rollups_agree(fx->st);

	/* days of another zone: not read, rebuilt when asked */
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE rollup_meta SET value = "
	    "'elsewhere' WHERE key = 'zone'; UPDATE rollup_day SET events = "
	    "0", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	loaded = tt_stats_create(0);
	assert_int_equal(store_rollup_load(fx->st, NULL, loaded, RNOW,
	    &cause), 1);
	tt_stats_free(loaded);
	assert_int_equal(store_rollup_sync(fx->st, &rebuilt, &rolled, &cause),
	    0);
	assert_int_equal(rebuilt, 1);
	rollups_agree(fx->st);
	assert_int_equal(store_rollup_sync(fx->st, &rebuilt, &rolled, &cause),
	    0);
	assert_int_equal(rebuilt, 0);
	assert_i64(rolled, 0);

	/* and the rollups go on from there */
	RSUBMIT(fx->st, rs3);
	flush(fx);
	rollups_agree(fx->st);
	rollup_finish();
}

static void
rollup_feed(void *arg, const struct tt_event *ev)
{
	tt_stats_add(arg, ev);
}

/* One source's rollups are that source's share of the model. */
static void
test_rollup_source(void **state)
{
	struct fixture		*fx = *state;
	struct tt_stats		*loaded, *werf;
	struct tt_day_stats	*d;
	char			*cause = NULL;
	size_t			 n, i;

	rollup_begin(fx->st);
	RSUBMIT(fx->st, rs1);
	RSUBMIT(fx->st, rs2);
	flush(fx);
	loaded = tt_stats_create(0);
	assert_int_equal(store_rollup_load(fx->st, "werf", loaded, RNOW,
	    &cause), 0);
	werf = tt_stats_create(0);
	assert_int_equal(store_scan(fx->st, TT_NONE, "werf", rollup_feed,
	    werf, &cause), 0);
	models_equal(werf, loaded, RNOW);
	n = tt_stats_days(loaded, &d);
	assert_true(n > 0);
	for (i = 0; i < n; i++)
		assert_int_equal(d[i].source, TT_SRC_WERF);
	free(d);
	tt_stats_free(loaded);
	tt_stats_free(werf);
	rollup_finish();
}

/* The model a replay of every stored event gives. */
static struct tt_stats *
replay(struct fixture *fx)
{
	struct tt_stats	*m = tt_stats_create(0);
	char		*cause = NULL;

	assert_int_equal(store_scan(fx->st, TT_NONE, NULL, rollup_feed, m,
	    &cause), 0);
	return m;
}

/* Rows written with sqlite3 into events past the rollups (an old row's
 * start, then a finish for an execution the rollups have open). */
static void
write_behind(struct fixture *fx, const char *name)
{
	sqlite3	*db;
	char	 sql[512];

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	snprintf(sql, sizeof sql, "INSERT INTO events(received_at, ts, "
	    "source, format, name, phase, client_id, execution_id, command, "
	    "duration_ms, exit_code, pii) VALUES (%lld, %lld, 'werf', "
	    "'werf-json', '%s', 'finish', 'behind', 'e2', 'werf converge', "
	    "NULL, 3, '" PII_ID "'), (%lld, %lld, 'generic', 'generic', '%s', "
	    "'point', 'behind2', NULL, NULL, NULL, NULL, NULL)", T0,
	    T0 + 40 * 1000000LL, name, T0, T0 + 86400 * 3 * 1000000LL, name);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/*
 * Events stored past the rollups by something else than a teltop commit:
 * readers replay until they are counted, which the next commit does, or
 * store_rollup_sync() at a collector's start; then the rollups are what a
 * replay gives, late finish included.
 */
static void
test_rollup_behind(void **state)
{
	struct fixture	*fx = *state;
	struct tt_stats	*loaded, *all;
	char		*cause = NULL, rolled_rows[1024] = "", scanned[1024] = "";
	int64_t		 rolled;
	int		 rebuilt;

	rollup_begin(fx->st);
	RSUBMIT(fx->st, rs1);
	flush(fx);
	write_behind(fx, "behind-a");
	loaded = tt_stats_create(0);
	assert_int_equal(store_rollup_load(fx->st, NULL, loaded, RNOW,
	    &cause), 1);
	tt_stats_free(loaded);
	/* the privacy summary reads the events meanwhile */
	assert_int_equal(store_privacy(fx->st, TT_NONE, NULL, add_priv_line,
	    rolled_rows, &cause), 0);
	assert_int_equal(store_privacy(fx->st, INT64_MIN + 1, NULL,
	    add_priv_line, scanned, &cause), 0);
	assert_str(rolled_rows, scanned);
	assert_non_null(strstr(rolled_rows, "werf distinct_id install_id"));

	/* the next commit counts them first */
	RSUBMIT(fx->st, rs2);
	flush(fx);
	loaded = tt_stats_create(0);
	assert_int_equal(store_rollup_load(fx->st, NULL, loaded, RNOW,
	    &cause), 0);
	all = replay(fx);
	models_equal(all, loaded, RNOW);
	tt_stats_free(loaded);
	tt_stats_free(all);

	/* as does a collector's start, with nothing of its own to commit */
	write_behind(fx, "behind-b");
	assert_int_equal(store_rollup_sync(fx->st, &rebuilt, &rolled, &cause),
	    0);
	assert_int_equal(rebuilt, 0);
	assert_i64(rolled, 2);
	loaded = tt_stats_create(0);
	assert_int_equal(store_rollup_load(fx->st, NULL, loaded, RNOW,
	    &cause), 0);
	all = replay(fx);
	models_equal(all, loaded, RNOW);
	tt_stats_free(loaded);
	tt_stats_free(all);
	assert_i64(store_rollup_events(fx->st), store_event_count(fx->st));
	rollup_finish();
}

/* The loaded model's row of "werf converge". */
static struct tt_cmd_stats
converge(struct fixture *fx, struct tt_stats **m)
{
	struct tt_cmd_stats	*c, r;
	char			*cause = NULL;
	size_t			 n, i;

	*m = tt_stats_create(0);
	assert_int_equal(store_rollup_load(fx->st, NULL, *m, RNOW, &cause), 0);
	n = tt_stats_commands(*m, RNOW, &c);
	memset(&r, 0, sizeof r);
	for (i = 0; i < n; i++)
		if (strcmp(c[i].command, "werf converge") == 0)
			r = c[i];
	free(c);
	return r;
}

/*
 * After a restart (nothing remembered): a finish sent again with its time
 * (a retry of an unacknowledged request) counts once, through events_ts;
 * a late finish pairs with its start through events_execution.  What no
 * index holds: a second finish at another time counts again, a start
 * after its finish stays open (within a run, the window pairs them: the
 * commits test).
 */
static void
test_rollup_restart(void **state)
{
	static const struct rspec before[] = {
		W_START("r1", "c1", 1),
		W_FINISH("r1", "c1", 3, 0, 1500),
		W_FINISH("r2", "c1", 5, 1, TT_NONE),
		W_START("r3", "c1", 7),
		W_FINISH("r4", "c1", 9, 0, TT_NONE),
	};
	static const struct rspec after[] = {
		W_FINISH("r1", "c1", 3, 0, 1500),	/* retries */
		W_FINISH("r2", "c1", 5, 1, TT_NONE),
		W_FINISH("r3", "c1", 12, 0, TT_NONE),	/* late: 5 s */
		W_START("r3", "c1", 7),			/* a retry */
		W_FINISH("r2", "c1", 6, 1, TT_NONE),	/* another time */
		W_START("r4", "c1", 8),			/* after its finish */
	};
	struct fixture		*fx = *state;
	struct tt_cmd_stats	 c;
	struct tt_stats		*m;

	RSUBMIT(fx->st, before);
	flush(fx);
	c = converge(fx, &m);
	/* r1 r2 r4 finished, r2 failed, r1 timed; r3 running */
	assert_i64(c.count, 3);
	assert_i64(c.failures, 1);
	assert_i64(c.max_ms, 1500);
	assert_i64(c.running + c.orphans, 1);
	tt_stats_free(m);
	close_store(fx);
	open_store(fx);
	RSUBMIT(fx->st, after);
	flush(fx);
	c = converge(fx, &m);
	/* r1 r2 r4, r3 paired (5 s), r2 again; r4's start opens */
	assert_i64(c.count, 5);
	assert_i64(c.failures, 2);
	assert_i64(c.max_ms, 5000);
	assert_i64(c.running + c.orphans, 1);
	assert_i64(c.with_duration, 2);
	tt_stats_free(m);
}

/*
 * A late finish pairs through an index: the queries of an execution's
 * earlier events (its start, through events_execution; the same finish
 * sent before, through events_ts) are searches, never scans of events
 * (which, on every start and finish, would make ingest grow with them).
 */
static void
test_rollup_exec_index(void **state)
{
	struct fixture	*fx = *state;
	sqlite3		*db;
	sqlite3_stmt	*s;
	char		*q;
	const char	*detail;
	int		 rows, which;

	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	for (which = 0; which < 2; which++) {
		q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s",
		    store_rollup_exec_sql(which));
		assert_int_equal(sqlite3_prepare_v2(db, q, -1, &s, NULL),
		    SQLITE_OK);
		rows = 0;
		while (sqlite3_step(s) == SQLITE_ROW) {
			detail = (const char *)sqlite3_column_text(s, 3);
			rows++;
			/* keyed by what it looks for: not a walk through a
			 * source's rows (events_source) */
			if (strstr(detail, "SCAN") != NULL ||
			    strstr(detail, "INDEX") == NULL ||
			    strstr(detail, which == 0 ? "(execution_id=?" :
			    "(ts=?") == NULL)
				fail_msg("execution lookup %d: %s", which,
				    detail);
		}
		assert_true(rows > 0);
		sqlite3_finalize(s);
		sqlite3_free(q);
	}
	sqlite3_close(db);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_commit_cb),
		T(test_empty_batch),
		T(test_roundtrip),
		T(test_roundtrip_enums),
		T(test_limit),
		T(test_stop),
		T(test_flush_failure),
		T(test_filter_sql),
		T(test_filter_sql_capture),
		T(test_filter_sql_path),
		T(test_events_within),
		T(test_filter_sql_signal),
		T(test_filter_sql_vs_memory),
		T(test_filter_sql_vs_memory_odd),
		T(test_filter_injection),
		T(test_counters),
		T(test_payload),
		T(test_payload_empty),
		T(test_reopen),
		T(test_close_flushes),
		T(test_newer_schema),
		T(test_pack_findings),
		T(test_pack_payloads),
		T(test_pack_rollback),
		T(test_pack_migrate),
		cmocka_unit_test(test_open_missing_dir),
		T(test_writer_commit),
		T(test_writer_waits_for_lock),
		T(test_writer_disk_full),
		T(test_writer_ticket_order),
		T(test_writer_optout),
		T(test_writer_close_in_flight),
		T(test_writer_stop),
		T(test_writer_wal_bounded),
		T(test_evict_time),
		T(test_evict_range),
		T(test_evict_size),
		T(test_evict_writer_sync),
		cmocka_unit_test(test_log_repeat),
		T(test_rollup_commits),
		T(test_rollup_abort),
		T(test_rollup_abort_writer),
		T(test_rollup_migration),
		T(test_rollup_source),
		T(test_rollup_exec_index),
		T(test_rollup_behind),
		T(test_rollup_restart),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
