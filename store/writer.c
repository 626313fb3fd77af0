/*
 * The store's writer thread: commits and opt-out changes off the loop.
 *
 * The loop thread hands jobs over (store_writer_send()); the writer thread
 * runs them in order on its own connection and puts each on the done list;
 * the loop gets them back through the poster (deliver()), where the
 * callbacks run.  The loop never waits for a lock or an fsync; only
 * store_writer_stop() and store_writer_exec() wait, at the end and in tests.
 *
 * What stays true:
 * - one commit job is out at a time (store.c keeps st->committing), jobs
 *   run in the order sent, results are delivered in that order;
 * - SQLITE_BUSY (another process holds the write lock) is waited out, never
 *   reported as a failure, except when stopping and STOP_WAIT_US has passed;
 * - between being sent and being delivered, a job is touched by the writer
 *   thread only; the lists and flags below are guarded by lock.
 *
 * WAL checkpoints run on a third thread with a connection of its own:
 * the writer's connection has no automatic checkpoint; its WAL hook wakes
 * the checkpointer (PASSIVE, at most every CKPT_INTERVAL_US) once the log
 * holds CKPT_PAGES pages.  A PASSIVE checkpoint racing with commits may
 * never catch up, so when the log reaches CKPT_HARD_PAGES the writer waits
 * (on its own thread) for one run while it writes nothing: the next
 * transaction then starts the log over, and the WAL stays bounded.
 *
 * Retention (evict.c) runs here too, in slices between jobs: when nothing
 * is queued and a check is due (every EVICT_CHECK_US, and at once again
 * after a slice that evicted something), and, under a size cap, after
 * each commit, taking twice what it added.  A commit waits for one slice
 * at most, and a slice is sized to take about EVICT_BUDGET_US (from what
 * the last ones cost an event) unless a commit added more than that.
 * Each slice's count goes to the loop as a JOB_EVICT result.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "core/decode.h"
#include "core/xmalloc.h"
#include "pg.h"
#include "store.h"
#include "store_int.h"

#define STOP_WAIT_US		2000000	/* stopping: longest wait for a lock */
#define LOCK_NOTICE_US		1000000	/* a wait this long is logged */
#define BUSY_SLEEP_MAX_US	20000	/* between two tries for the lock */
#define CKPT_PAGES		1000	/* WAL pages that call a checkpoint */
#define CKPT_HARD_PAGES		4000	/* ... that make the writer wait */
#define CKPT_INTERVAL_US	100000	/* at most one PASSIVE run this often */
#define WAL_SIZE_LIMIT		"16777216" /* bytes a reset WAL keeps */
#define EVICT_CHECK_US		1000000	/* retention looks this often */
#define EVICT_BUDGET_US		2000	/* what a slice aims to take */
#define EVICT_SLICE_MIN		16	/* events a slice takes at least */
#define EVICT_SLICE_MAX		20000	/* ... and at most */
#define EVICT_SLICE		1000	/* store_evict()'s: nothing waits */

struct writer {
	struct store		*st;
	struct wconn		 wc;		/* the writer thread's */
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;		/* writer: todo or quit */
	pthread_cond_t		 idle;		/* loop: done or finished */
	struct job		*todo;
	struct job		**todo_tail;
	struct job		*done;
	struct job		**done_tail;
	int			 quit;
	int			 posted;	/* a deliver() is on its way */
	store_poster		 post;
	void			*post_arg;
	_Atomic int64_t		 deadline;	/* monotonic µs; 0: none */
	_Atomic uint64_t	 lock_waits;
	struct retention	 ret;		/* set by the loop */
	int64_t			 evict_at;	/* next check, monotonic µs */

	/* The writer thread's own. */
	int64_t			 busy_since;	/* 0: not waiting */
	int			 busy_told;
	int			 gave_up;	/* a lock wait failed */
	int			 wal_pages;	/* after its last commit */
	int			 draining;	/* evicting down to the cap */
	double			 evict_cost;	/* µs an event, lately */
	int			 evict_told;	/* a failing slice was logged */

	/* The checkpointer: its thread and connection; under lock. */
	sqlite3			*ck_db;
	pthread_t		 ck_thread;
	int			 ck_started;	/* threads created */
	pthread_cond_t		 ck_wake;
	pthread_cond_t		 ck_cond;	/* a run ended */
	int			 ck_want;
	int			 ck_hard;
	int			 ck_quit;
	uint64_t		 ck_begun;
	uint64_t		 ck_ended;
};

/* Sleep on the calling thread. */
static void
sleep_us(int64_t us)
{
	struct timespec	ts;

	ts.tv_sec = (time_t)(us / 1000000);
	ts.tv_nsec = (long)(us % 1000000) * 1000;
	nanosleep(&ts, NULL);
}

/* Past the stop deadline: a lock wait ends as a failure (any thread). */
int
store_writer_give_up(struct writer *w)
{
	int64_t	d = atomic_load(&w->deadline);

	return d != 0 && tt_mono_us() >= d;
}

/* Times the writer found the database locked (loop thread). */
uint64_t
store_lock_waits(const struct store *st)
{
	struct writer	*w = st->writer;

	return w != NULL ? atomic_load(&w->lock_waits) : 0;
}

/* Append j to the writer's queue (loop thread, lock held). */
static void
enqueue(struct writer *w, struct job *j)
{
	j->next = NULL;
	*w->todo_tail = j;
	w->todo_tail = &j->next;
	pthread_cond_signal(&w->wake);
}

/* Take the done list (loop thread, lock held). */
static struct job *
take_done(struct writer *w)
{
	struct job	*list = w->done;

	w->done = NULL;
	w->done_tail = &w->done;
	return list;
}

/*
 * Results on the loop thread, in order: each job's callbacks; then, if a
 * commit ended and more is queued, the next commit starts at once.
 */
static void
deliver_list(struct store *st, struct job *j)
{
	struct job	*next;
	char		*line, *cause = NULL;

	for (; j != NULL; j = next) {
		next = j->next;
		switch (j->type) {
		case JOB_COMMIT:
			st->jobs--;
			st->committing = 0;
			if (j->rc != 0 && st->log_cb != NULL) {
				line = xasprintf("commit failed: %s",
				    j->cause != NULL ? j->cause : "?");
				st->log_cb(st->log_arg, line);
				free(line);
			}
			store_commit_done(st, j);
			break;
		case JOB_OPTOUT:
			st->jobs--;
			if (j->cb != NULL)
				j->cb(j->cb_arg, j->rc, j->cause);
			store_job_free(j);
			break;
		case JOB_NOTICE:
			if (st->log_cb != NULL)
				st->log_cb(st->log_arg, j->text);
			store_job_free(j);
			break;
		case JOB_EVICT:
			/* on SQLite the slice counted them in its own
			 * transaction; on PostgreSQL the next commit does */
			if (st->pg != NULL)
				store_count(st, TT_CTR_EVICTED, j->evicted);
			st->evicted += j->evicted;
			if (st->evict_cb != NULL)
				st->evict_cb(st->evict_arg, j->evicted);
			store_job_free(j);
			break;
		case JOB_EXEC:	/* never on the list */
			break;
		}
	}
	if (st->writer != NULL && !st->committing &&
	    (st->flush_wanted || st->npending > 0))
		(void)store_flush(st, &cause);	/* cannot fail: it hands over */
}

/* The poster's fn: what the writer finished (loop thread). */
static void
deliver(void *arg)
{
	struct store	*st = arg;
	struct writer	*w = st->writer;
	struct job	*list;

	if (w == NULL)
		return;		/* stopped: its results were delivered */
	pthread_mutex_lock(&w->lock);
	list = take_done(w);
	w->posted = 0;
	pthread_mutex_unlock(&w->lock);
	deliver_list(st, list);
}

/*
 * A job is done: on the done list for the loop, which is told once per
 * batch of results (writer thread).  JOB_EXEC's caller waits instead.
 */
static void
finish(struct writer *w, struct job *j)
{
	store_poster	 post = NULL;
	void		*arg = NULL;

	pthread_mutex_lock(&w->lock);
	if (j->waited)
		j->finished = 1;
	else {
		j->next = NULL;
		*w->done_tail = j;
		w->done_tail = &j->next;
		if (!w->posted && w->post != NULL) {
			w->posted = 1;
			post = w->post;
			arg = w->post_arg;
		}
	}
	pthread_cond_broadcast(&w->idle);
	pthread_mutex_unlock(&w->lock);
	if (post != NULL)
		post(arg, deliver, w->st);
}

/* A line for the loop's log (writer thread). */
static void
notice(struct writer *w, char *text)
{
	struct job	*j = xcalloc(1, sizeof *j);

	j->type = JOB_NOTICE;
	j->text = text;
	finish(w, j);
}

/*
 * SQLite's busy handler on the writer's connection (writer thread):
 * another connection holds the write lock, so sleep and try again, and
 * say so once when it lasts.  0 (give up) only when stopping has waited
 * long enough.
 */
static int
on_busy(void *arg, int count)
{
	struct writer	*w = arg;
	int64_t		 now = tt_mono_us(), us;

	if (count == 0) {
		atomic_fetch_add(&w->lock_waits, 1);
		if (w->busy_since == 0)
			w->busy_since = now;
	}
	if (store_writer_give_up(w)) {
		w->gave_up = 1;
		return 0;
	}
	if (!w->busy_told && now - w->busy_since >= LOCK_NOTICE_US) {
		w->busy_told = 1;
		notice(w, xstrdup("the database is locked by another "
		    "process: commits wait for it"));
	}
	us = 1000 * (int64_t)(count + 1);
	sleep_us(us < BUSY_SLEEP_MAX_US ? us : BUSY_SLEEP_MAX_US);
	return 1;
}

/* The job got the lock (or gave up): end a wait that was told of
 * (writer thread). */
static void
busy_end(struct writer *w)
{
	double	s = (double)(tt_mono_us() - w->busy_since) / 1e6;

	if (w->busy_told && w->gave_up)
		notice(w, xasprintf("stopping: gave up waiting for the "
		    "database lock after %.1f s", s));
	else if (w->busy_told)
		notice(w, xasprintf("the database lock was released after "
		    "%.1f s; commits go on", s));
	w->busy_since = 0;
	w->busy_told = 0;
}

/* The WAL hook of the writer's connection, after each commit (writer
 * thread): call a checkpoint when the log is long. */
static int
on_wal(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct writer	*w = arg;

	(void)db;
	(void)name;
	w->wal_pages = pages;
	if (pages >= CKPT_PAGES && w->ck_started) {
		pthread_mutex_lock(&w->lock);
		w->ck_want = 1;
		pthread_cond_signal(&w->ck_wake);
		pthread_mutex_unlock(&w->lock);
	}
	return SQLITE_OK;
}

/* The log is too long: wait for a checkpoint run that begins now, while
 * nothing is written (writer thread). */
static void
checkpoint_wait(struct writer *w)
{
	uint64_t	target;

	pthread_mutex_lock(&w->lock);
	target = w->ck_begun + 1;
	w->ck_want = w->ck_hard = 1;
	pthread_cond_signal(&w->ck_wake);
	while (w->ck_ended < target && !w->ck_quit)
		pthread_cond_wait(&w->ck_cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	w->wal_pages = 0;
}

/* The checkpointer thread: PASSIVE checkpoints when called, paced. */
static void *
checkpointer_main(void *arg)
{
	struct writer	*w = arg;
	struct timespec	 ts;
	int64_t		 last = 0, at;
	int		 log, done;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->ck_want && !w->ck_quit)
			pthread_cond_wait(&w->ck_wake, &w->lock);
		if (w->ck_quit)
			break;
		at = last + CKPT_INTERVAL_US;
		if (!w->ck_hard && tt_mono_us() < at) {
			ts.tv_sec = (time_t)(at / 1000000);
			ts.tv_nsec = (long)(at % 1000000) * 1000;
			pthread_cond_timedwait(&w->ck_wake, &w->lock, &ts);
			continue;
		}
		w->ck_want = w->ck_hard = 0;
		w->ck_begun++;
		pthread_mutex_unlock(&w->lock);
		sqlite3_wal_checkpoint_v2(w->ck_db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, &log, &done);
		last = tt_mono_us();
		pthread_mutex_lock(&w->lock);
		w->ck_ended++;
		pthread_cond_broadcast(&w->ck_cond);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* Run one job on the writer's connection (writer thread). */
static void
run(struct writer *w, struct job *j)
{
	int64_t	n;
	int	code;

	switch (j->type) {
	case JOB_COMMIT:
		store_txn(&w->wc, w, j);
		break;
	case JOB_OPTOUT:
		for (;;) {
			j->rc = store_optout_write(&w->wc, j->source,
			    j->client, j->enabled ? j->set_by : NULL, j->since,
			    &code, &j->cause);
			if (j->rc >= 0 || (code & 0xff) != SQLITE_BUSY ||
			    store_writer_give_up(w))
				break;
			free(j->cause);
			j->cause = NULL;
			sleep_us(1000);
		}
		break;
	case JOB_EXEC:
		j->rc = w->wc.pg != NULL ? store_pg_not_yet("SQL for the tests",
		    &j->cause) : store_exec(w->wc.db, j->text, &j->cause);
		break;
	case JOB_EVICT:		/* store_evict(): all that is due */
		if (w->wc.pg != NULL) {
			j->rc = 0;
			break;
		}
		while ((n = store_evict_slice(&w->wc, w, &j->ret, j->now,
		    EVICT_SLICE, &w->draining, &j->cause)) > 0)
			j->evicted += n;
		j->rc = n < 0 ? -1 : 0;
		break;
	case JOB_NOTICE:
		break;
	}
	busy_end(w);
	if (w->wal_pages >= CKPT_HARD_PAGES && w->ck_started)
		checkpoint_wait(w);
}

/*
 * Retention on PostgreSQL: the days wholly older than retain_us dropped,
 * partition by partition (the day that straddles the cut stays until it is
 * wholly past), counted in the evicted counter with the next commit; no
 * size cap there.  The events dropped, or -1 with *cause.
 */
#define PG_DAY_US	(86400LL * 1000000)	/* partitions are UTC days */
static int64_t
evict_pg(struct writer *w, const struct retention *r, char **cause)
{
	int64_t	cut, n;

	if (r->retain_us <= 0)
		return 0;
	cut = tt_now_us() - r->retain_us;
	cut -= cut % PG_DAY_US;
	if (pg_drop_days_before(w->wc.pg, cut, &n, cause) < 0)
		return -1;
	return n;
}

/*
 * One slice of retention (writer thread): its count to the loop, a failure
 * to the log (once until a slice works again).  The events evicted, or -1.
 */
static int64_t
evict(struct writer *w, const struct retention *r, size_t want)
{
	struct job	*j;
	char		*cause = NULL;
	int64_t		 n, t0;

	t0 = tt_mono_us();
	if (w->wc.pg != NULL)
		n = evict_pg(w, r, &cause);
	else {
		n = store_evict_slice(&w->wc, w, r, tt_now_us(), want,
		    &w->draining, &cause);
		busy_end(w);
	}
	if (n > 0)
		w->evict_cost = 0.8 * w->evict_cost + 0.2 *
		    (double)(tt_mono_us() - t0) / (double)n;
	if (n < 0 && !w->evict_told) {
		w->evict_told = 1;
		notice(w, xasprintf("retention: evicting failed: %s", cause));
	} else if (n >= 0)
		w->evict_told = 0;
	free(cause);
	if (n > 0) {
		j = xcalloc(1, sizeof *j);
		j->type = JOB_EVICT;
		j->evicted = n;
		finish(w, j);
	}
	if (w->wal_pages >= CKPT_HARD_PAGES && w->ck_started)
		checkpoint_wait(w);
	return n;
}

/* Events a slice of about EVICT_BUDGET_US takes, at least more (writer
 * thread). */
static size_t
slice_size(const struct writer *w, size_t more)
{
	double	n = EVICT_BUDGET_US / (w->evict_cost > 0.1 ? w->evict_cost :
	    0.1);

	if (n < (double)more)
		n = (double)more;
	return n < EVICT_SLICE_MIN ? EVICT_SLICE_MIN : n > EVICT_SLICE_MAX ?
	    EVICT_SLICE_MAX : (size_t)n;
}

static int
retaining(const struct retention *r)
{
	return r->retain_us > 0 || r->max_bytes > 0;
}

/* The events a commit job holds. */
static size_t
job_events(const struct job *j)
{
	size_t	i, n = 0;

	for (i = 0; i < j->n; i++)
		n += j->p[i].n;
	return n;
}

/* The writer thread: jobs in order until told to quit with none left. */
static void *
writer_main(void *arg)
{
	struct writer		*w = arg;
	struct job		*j;
	struct retention	 r;
	struct timespec		 ts;
	size_t			 want;
	int64_t			 n;
	int			 commit;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (w->todo == NULL && !w->quit) {
			if (!retaining(&w->ret)) {
				pthread_cond_wait(&w->wake, &w->lock);
				continue;
			}
			if (tt_mono_us() < w->evict_at) {
				ts.tv_sec = (time_t)(w->evict_at / 1000000);
				ts.tv_nsec = (long)(w->evict_at % 1000000) *
				    1000;
				pthread_cond_timedwait(&w->wake, &w->lock, &ts);
				continue;
			}
			r = w->ret;
			pthread_mutex_unlock(&w->lock);
			/* more may be due at once; else look again later
			 * (unless the loop set new rules meanwhile) */
			n = evict(w, &r, slice_size(w, 0));
			pthread_mutex_lock(&w->lock);
			if (n <= 0 && memcmp(&r, &w->ret, sizeof r) == 0)
				w->evict_at = tt_mono_us() + EVICT_CHECK_US;
		}
		if ((j = w->todo) == NULL)
			break;
		if ((w->todo = j->next) == NULL)
			w->todo_tail = &w->todo;
		r = w->ret;
		pthread_mutex_unlock(&w->lock);
		run(w, j);
		commit = j->type == JOB_COMMIT && j->rc == 0;
		want = commit ? 2 * job_events(j) : 0;
		finish(w, j);
		/* under a cap, room for what came before what comes next */
		if (commit && r.max_bytes > 0)
			(void)evict(w, &r, slice_size(w, want));
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* Hand a job to the writer (loop thread); its result comes back later. */
void
store_writer_send(struct store *st, struct job *j)
{
	struct writer	*w = st->writer;

	pthread_mutex_lock(&w->lock);
	enqueue(w, j);
	pthread_mutex_unlock(&w->lock);
	st->jobs++;
}

/* Hand j to the writer and wait until it is done (loop thread). */
static void
run_waited(struct writer *w, struct job *j)
{
	j->waited = 1;
	pthread_mutex_lock(&w->lock);
	enqueue(w, j);
	while (!j->finished)
		pthread_cond_wait(&w->idle, &w->lock);
	pthread_mutex_unlock(&w->lock);
}

/* Run sql on the writer's thread and wait for it (loop thread; tests). */
int
store_writer_exec(struct store *st, const char *sql, char **cause)
{
	struct writer	*w = st->writer;
	struct job	*j;
	int		 rc;

	*cause = NULL;
	if (st->pg != NULL)
		return store_pg_not_yet("SQL for the tests", cause);
	if (w == NULL)
		return store_exec(st->db, sql, cause);
	j = xcalloc(1, sizeof *j);
	j->type = JOB_EXEC;
	j->text = xstrdup(sql);
	run_waited(w, j);
	rc = j->rc;
	*cause = j->cause;
	j->cause = NULL;
	store_job_free(j);
	return rc;
}

/* Close the writer's connections and free it (loop thread, threads gone). */
static void
writer_free(struct writer *w)
{
	store_wconn_finalize(&w->wc);
	sqlite3_close(w->wc.db);
	pg_close(w->wc.pg);
	sqlite3_close(w->ck_db);
	pthread_cond_destroy(&w->ck_cond);
	pthread_cond_destroy(&w->ck_wake);
	pthread_cond_destroy(&w->idle);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

/*
 * Stop the writer (loop thread): hand over what is queued, deliver every
 * result here as it comes (a lock held by another process is waited for
 * STOP_WAIT_US at most), then join both threads.
 */
void
store_writer_stop(struct store *st)
{
	struct writer	*w = st->writer;
	struct job	*list;
	char		*cause = NULL;

	atomic_store(&w->deadline, tt_mono_us() + STOP_WAIT_US);
	(void)store_flush(st, &cause);
	while (st->jobs > 0) {
		pthread_mutex_lock(&w->lock);
		while (w->done == NULL)
			pthread_cond_wait(&w->idle, &w->lock);
		list = take_done(w);
		pthread_mutex_unlock(&w->lock);
		deliver_list(st, list);
	}
	pthread_mutex_lock(&w->lock);
	w->quit = 1;
	w->ck_quit = 1;
	pthread_cond_signal(&w->wake);
	pthread_cond_broadcast(&w->ck_wake);
	pthread_cond_broadcast(&w->ck_cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	if (w->ck_started)
		pthread_join(w->ck_thread, NULL);
	if (w->gave_up)
		st->locked_out = 1;
	list = take_done(w);		/* notices only: no jobs are out */
	st->writer = NULL;
	writer_free(w);
	deliver_list(st, list);
}

/* Open one more connection to the database for a thread of the writer
 * (loop thread; the connection then belongs to that thread). */
static int
open_conn(const char *path, sqlite3 **db)
{
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		sqlite3_close(*db);
		*db = NULL;
		return -1;
	}
	return 0;
}

/*
 * Start a writer thread and its checkpointer (loop thread), or with NULL
 * post, stop them.  Signals go to the other threads, not these.
 */
int
store_set_poster(struct store *st, store_poster post, void *post_arg)
{
	struct writer		*w = st->writer;
	pthread_condattr_t	 ca;
	sigset_t		 all, old;
	const char		*path;
	char			*cause = NULL;

	if (post == NULL) {
		if (w != NULL)
			store_writer_stop(st);
		return 0;
	}
	if (w != NULL) {
		pthread_mutex_lock(&w->lock);
		w->post = post;
		w->post_arg = post_arg;
		pthread_mutex_unlock(&w->lock);
		return 0;
	}
	if (st->pg != NULL)
		path = st->url;
	else if ((path = sqlite3_db_filename(st->db, "main")) == NULL ||
	    *path == '\0')
		return -1;	/* a memory database: nobody else can see it */

	w = xcalloc(1, sizeof *w);
	w->st = st;
	w->ret = st->ret;
	w->draining = st->draining;
	w->evict_cost = 10;	/* µs an event, until slices say */
	w->post = post;
	w->post_arg = post_arg;
	w->todo_tail = &w->todo;
	w->done_tail = &w->done;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->idle, NULL);
	pthread_cond_init(&w->ck_cond, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->wake, &ca);
	pthread_cond_init(&w->ck_wake, &ca);
	pthread_condattr_destroy(&ca);
	if (st->pg != NULL) {
		/* PostgreSQL: a connection of its own, no checkpointer */
		if ((w->wc.pg = pg_open(path, pg_collector(st->pg),
		    &cause)) == NULL)
			goto error;
		/* its commits are ours: the loop must not hear them */
		pg_set_instance(w->wc.pg, pg_instance(st->pg));
		goto start;
	}
	if (open_conn(path, &w->wc.db) != 0)
		goto error;
	sqlite3_busy_handler(w->wc.db, on_busy, w);
	if (store_exec(w->wc.db, "PRAGMA synchronous=FULL; "
	    "PRAGMA foreign_keys=OFF; PRAGMA wal_autocheckpoint=0; "
	    "PRAGMA journal_size_limit=" WAL_SIZE_LIMIT, &cause) != 0 ||
	    store_wconn_prepare(&w->wc, &cause) != 0)
		goto error;
	/* A connection sees the WAL only once it has read through it. */
	if (open_conn(path, &w->ck_db) == 0 && store_exec(w->ck_db,
	    "SELECT count(*) FROM sqlite_master", &cause) != 0) {
		free(cause);
		cause = NULL;
		sqlite3_close(w->ck_db);
		w->ck_db = NULL;
	}

start:
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (w->ck_db != NULL && pthread_create(&w->ck_thread, NULL,
	    checkpointer_main, w) == 0) {
		w->ck_started = 1;
		sqlite3_wal_hook(w->wc.db, on_wal, w);
	} else if (w->wc.db != NULL)
		/* no checkpointer: commits checkpoint as they used to */
		sqlite3_wal_autocheckpoint(w->wc.db, 1000);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (w->ck_started) {
			pthread_mutex_lock(&w->lock);
			w->ck_quit = 1;
			pthread_cond_broadcast(&w->ck_wake);
			pthread_mutex_unlock(&w->lock);
			pthread_join(w->ck_thread, NULL);
		}
		goto error;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	st->writer = w;
	return 0;

error:
	free(cause);
	writer_free(w);
	return -1;
}

void
store_set_retention(struct store *st, int64_t retain_us, uint64_t max_bytes)
{
	struct writer	*w = st->writer;

	st->ret.retain_us = retain_us > 0 ? retain_us : 0;
	st->ret.max_bytes = max_bytes;
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->ret = st->ret;
	w->evict_at = 0;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
}

void
store_set_evict_cb(struct store *st, void (*cb)(void *, int64_t), void *arg)
{
	st->evict_cb = cb;
	st->evict_arg = arg;
}

int64_t
store_evicted(const struct store *st)
{
	return st->evicted;
}

/* Everything due at now, here or on the writer (which this waits for). */
int64_t
store_evict(struct store *st, int64_t now, char **cause)
{
	struct writer	*w = st->writer;
	struct job	*j;
	int64_t		 n, total = 0;

	if (st->pg != NULL)
		return 0;	/* retention is not done there yet */
	*cause = NULL;
	if (w == NULL) {
		while ((n = store_evict_slice(&st->wc, NULL, &st->ret, now,
		    EVICT_SLICE, &st->draining, cause)) > 0)
			total += n;
	} else {
		j = xcalloc(1, sizeof *j);
		j->type = JOB_EVICT;
		j->ret = st->ret;
		j->now = now;
		run_waited(w, j);
		total = j->evicted;
		n = j->rc;
		*cause = j->cause;
		j->cause = NULL;
		store_job_free(j);
	}
	/* what went before a failure went: the database counted it */
	if (total > 0) {
		st->evicted += total;
		if (st->evict_cb != NULL)
			st->evict_cb(st->evict_arg, total);
	}
	return n < 0 ? -1 : total;
}
