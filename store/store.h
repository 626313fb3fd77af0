/*
 * The event store: one SQLite database in WAL mode.  Events are queued with
 * store_submit() and written by store_flush() in one transaction (group
 * commit); only after COMMIT returns does the store report the tickets as
 * committed through the callback given to store_open(), and only then may a
 * sender be told "accepted".
 *
 * Threads: the store belongs to the thread that opened it (the loop
 * thread); every function here runs there and so do all callbacks.  By
 * default the store is synchronous: store_flush() commits before it
 * returns.  With a poster (store_set_poster()) a writer thread with its own
 * connection commits instead, one transaction at a time, tickets in order;
 * the results come back to the loop through the poster and the callbacks
 * run then.  Reads always use the loop's connection.
 */
#ifndef TT_STORE_H
#define TT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/catalog.h"
#include "core/counters.h"
#include "core/event.h"
#include "core/filter.h"
#include "core/optout.h"

struct store;
struct tt_stats;
struct tt_stats_delta;

/* Reported after each flush for tickets first..last. */
typedef void	(*store_commit_cb)(void *arg, uint64_t first, uint64_t last,
		    enum tt_commit);
/*
 * Runs fn(fn_arg) on the loop thread at its next turn; called from the
 * writer thread, so it must be thread-safe (ws_post() is one).
 */
typedef void	(*store_poster)(void *post_arg, void (*fn)(void *),
		    void *fn_arg);
/* An opt-out change is written: rc 1 changed, 0 already so, -1 failed
 * (cause, valid during the call). */
typedef void	(*store_optout_cb)(void *arg, int rc, const char *cause);

/* The request that carried a batch, kept byte for byte. */
struct store_payload {
	const char	*route;
	const char	*content_type;
	const void	*body;		/* transport-decoded */
	size_t		 len;
	/* How it came (NULL: unknown): JSON {"method", "target",
	 * "content_encoding", "user_agent"}; and the bytes as received
	 * where transport decoding changed them (raw NULL: body is). */
	const char	*request;
	const void	*raw;
	size_t		 raw_len;
};

/* A stored request read back (store_request()); every string owned. */
struct store_request {
	int64_t		 id;
	int64_t		 received_at;
	char		*route;
	char		*content_type;	/* NULL: none */
	char		*request;	/* NULL: not known */
	char		*body;
	size_t		 len;
	char		*raw;		/* NULL: as received is body */
	size_t		 raw_len;
};

struct store	*store_open(const char *path, char **cause);
/* Is db a server's URL (postgresql:// or postgres://), which store_open()
 * opens as a store many collectors share, rather than a SQLite path? */
int		 store_is_url(const char *db);
/* Flush what is queued, wait for the writer and join it, free. */
void		 store_close(struct store *);
void		 store_set_commit_cb(struct store *, store_commit_cb, void *);
/* Called for each event once it is committed (ids set), with what it
 * changed in the aggregates, before the commit callback: how live
 * aggregates follow the database (tt_stats_apply). */
void		 store_set_event_cb(struct store *,
		     void (*)(void *, const struct tt_event *,
		     const struct tt_stats_delta *), void *);

/*
 * Commit on a writer thread from now on, handing results back through
 * post.  NULL post stops the writer (what it still has is committed and
 * reported before this returns) and the store is synchronous again.  -1
 * when no writer can start (a memory database, no connection): the store
 * stays synchronous.  Fns posted and not run when the writer is stopped may
 * still run, until store_close(); after it they must not.
 */
int		 store_set_poster(struct store *, store_poster, void *post_arg);
/* Lines worth logging from the writer: failed commits, waits for the
 * lock of another process. */
void		 store_set_log_cb(struct store *,
		     void (*)(void *, const char *), void *);

/*
 * Queue the batch's events (they move into the store; the batch is left
 * empty) and their payload (copied).  Returns the ticket the commit
 * callback will name.  An empty batch still gets a ticket.
 */
uint64_t	 store_submit(struct store *, struct tt_batch *,
		     const struct store_payload *);
/* Add to a persistent counter with the next commit. */
void		 store_count(struct store *, enum tt_counter, int64_t);
/*
 * The same for a counter known by its name (at most 95 bytes), such as
 * "refused route /v1/logs"; past STORE_NAMED_MAX names in one commit the
 * rest is added to "other".
 */
#define STORE_NAMED_OTHER	"other"
void		 store_count_name(struct store *, const char *, int64_t);
/* Every persistent counter whose name starts with prefix, to cb. */
int		 store_named_counters(struct store *, const char *prefix,
		     void (*cb)(void *, const char *name, int64_t value),
		     void *arg);
/*
 * Add the counter deltas queued here for the next commit to c: with
 * store_counters(), what this process has counted that the database does
 * not hold yet.  Deltas of a commit the writer is busy with are in
 * neither for the few ms it takes.
 */
void		 store_counters_queued(const struct store *,
		     struct tt_counters *c);
/* Requests queued, not yet handed to a commit. */
size_t		 store_pending(const struct store *);
size_t		 store_pending_events(const struct store *);
/* Bytes of events and payloads queued or being committed: what a held
 * write lock makes grow. */
size_t		 store_held(const struct store *);
/* Jobs (commits, opt-out changes) handed to the writer whose results are
 * not yet delivered: 0 when the store is idle. */
size_t		 store_inflight(const struct store *);
/* How often the writer found the database locked by another process. */
uint64_t	 store_lock_waits(const struct store *);
/*
 * Commit what is queued.  Synchronous: -1 with *cause (caller frees) on
 * failure.  With a writer: starts the commit, or, while one runs, has the
 * next start as soon as it ends, and returns 0; failures are reported to
 * the commit callback and logged.
 */
int		 store_flush(struct store *, char **cause);

/*
 * Retention (store/evict.c): from now on evict, oldest first, the events
 * received more than retain_us ago (0: none for their age) and, while the
 * database's pages hold more than max_bytes (0: no cap), the oldest
 * events until they hold 90% of it; with them the payload rows no event
 * needs.  The rollups and the field catalog stay.  With a writer this
 * runs on its thread, in slices between commits; without one, only
 * store_evict() evicts.
 */
void		 store_set_retention(struct store *, int64_t retain_us,
		     uint64_t max_bytes);
/* Called with each count of events evicted (loop thread). */
void		 store_set_evict_cb(struct store *,
		     void (*)(void *, int64_t), void *);
/* Events this process evicted (what was reported so far). */
int64_t		 store_evicted(const struct store *);
/*
 * Evict all that is due at now (µs since the epoch), waiting for the
 * writer if there is one: the events evicted, or -1 with *cause.
 */
int64_t		 store_evict(struct store *, int64_t now, char **cause);
/* The bytes the database's pages hold (page_count - freelist_count,
 * times page_size) and the bytes of its file's pages; -1 on error. */
int		 store_size(struct store *, uint64_t *used, uint64_t *file);

/* ---- queries (store/query.c) ---- */

/* Events matching the filter, oldest first; the last `limit` if > 0. */
int		 store_events(struct store *, const struct tt_filter *,
		     int64_t limit, int (*cb)(void *, const struct tt_event *),
		     void *arg, char **cause);
/*
 * The same, stopped past budget_us: -2 with *cause then (a collector's
 * loop serves ingest meanwhile, so a viewer's page may not take long).
 */
int		 store_events_within(struct store *, const struct tt_filter *,
		     int64_t limit, int64_t budget_us,
		     int (*cb)(void *, const struct tt_event *), void *arg,
		     char **cause);
int64_t		 store_event_count(struct store *);
/* The highest event id stored; 0 if none. */
int64_t		 store_last_id(struct store *);
/*
 * Every event since since_us (TT_NONE: all) of one source (NULL: all), oldest
 * first, with only what the aggregates read (data only for Devtron's
 * Summary and metric points): how tt_stats is rebuilt.
 */
int		 store_scan(struct store *, int64_t since_us,
		     const char *source,
		     void (*cb)(void *, const struct tt_event *), void *arg,
		     char **cause);
/* Persistent counters, summed over every process that wrote them. */
int		 store_counters(struct store *, struct tt_counters *);
/* The payload row an event came in: caller frees *body. */
int		 store_payload(struct store *, int64_t event_id, char **body,
		     size_t *len, char **route, char **content_type);

/* The payload row an event came in (0: none is kept). */
int64_t		 store_event_payload(struct store *, int64_t event_id);
/* Payload row id; 0, or -1 when there is none or it cannot be read. */
int		 store_request(struct store *, int64_t id,
		     struct store_request *);
void		 store_request_clear(struct store_request *);

/* How many events carry one privacy finding (field, kind) of a source. */
struct store_privacy_row {
	const char	*source;
	const char	*field;
	const char	*kind;
	int		 red;
	int64_t		 events;
};
/* The privacy findings of the events since since_us (TT_NONE: all, from
 * the rollups) of a source (NULL: all), grouped; most frequent first
 * within a source. */
int		 store_privacy(struct store *, int64_t since_us,
		     const char *source,
		     void (*)(void *, const struct store_privacy_row *),
		     void *, char **cause);

/* ---- the field catalog (store/catalog.c) ---- */

/*
 * The catalog's fields of a source (NULL: all) and event name (NULL: all),
 * sorted by source, name and path, appended to out.  version NULL: each
 * field once, with every version it was seen in and their sums; else
 * only what that version sent ("" for events without one).
 */
int		 store_fields(struct store *, const char *source,
		     const char *name, const char *version,
		     struct tt_field_rows *out, char **cause);
/* The versions of a source in the catalog, in release order
 * (tt_version_cmp), when first seen and about how many events each. */
int		 store_field_versions(struct store *, const char *source,
		     void (*cb)(void *, const char *version,
		     int64_t first_seen, int64_t events), void *arg,
		     char **cause);

/* ---- rollups (store/rollup.c) ---- */

/*
 * A collector calls this before it loads the rollups: when their days are
 * in another time zone than this process's, they are rebuilt from the
 * events (*rebuilt 1; about as long as the migration that made them);
 * events stored past them by something else than teltop are counted
 * (*rolled of them).
 */
int		 store_rollup_sync(struct store *, int *rebuilt,
		     int64_t *rolled, char **cause);
/*
 * Load the rollups of one source (NULL: all) into an empty model: what a
 * replay of every event through tt_stats_add() gives.  Open starts older
 * than the model's orphan timeout at now_us are its orphans.  1 (nothing
 * loaded) when the days are in another time zone, or events were stored
 * past them (store_rollup_sync): replay (store_scan).  On PostgreSQL it
 * reads in one snapshot, kept: what it counted is not heard again
 * (store_others).
 */
int		 store_rollup_load(struct store *, const char *source,
		     struct tt_stats *, int64_t now_us, char **cause);
/* The events stored, as the rollups count them (every event is in one
 * day's row, whatever the zone): store_event_count() without a scan. */
int64_t		 store_rollup_events(struct store *);

/* ---- the opt-out registry (store/optout.c) ---- */

/* Read the registry into reg (emptied first); with proof, also count the
 * events stored since each entry was set (stored_since). */
int		 store_optout_load(struct store *, struct tt_optout *,
		     int proof, char **cause);
/* Fill each entry's stored_since: events stored since it was set. */
int		 store_optout_proof(struct store *, struct tt_optout *,
		     char **cause);
/* Opt (source, client) out now; 1 if new, 0 if it already was. */
int		 store_optout_set(struct store *, const char *source,
		     const char *client, const char *set_by, char **cause);
/* Opt back in; 1 if there was an entry, 0 if not. */
int		 store_optout_clear(struct store *, const char *source,
		     const char *client, char **cause);
/*
 * The same without blocking the loop: set (enabled 1, since µs, set_by) or
 * clear on the writer thread; cb runs on the loop thread when written (at
 * once, before this returns, without a writer).  It runs after the
 * commits already handed to the writer, not those still queued here.
 */
void		 store_optout_change(struct store *, const char *source,
		     const char *client, int enabled, int64_t since,
		     const char *set_by, store_optout_cb, void *);
/* Add n to the entry's dropped count with the next commit. */
void		 store_optout_dropped(struct store *, const char *source,
		     const char *client, int64_t n);
/*
 * A number that changes when another connection commits to the database
 * (PRAGMA data_version): how a collector notices `teltop optout set`.  The
 * writer thread's connection is another connection: its commits move it
 * too.
 */
int64_t		 store_data_version(struct store *);
/*
 * The collector's name in what it writes (PostgreSQL: the default is the
 * host name), set before store_set_poster(); -1 on SQLite, where one file
 * has one collector.  store_name() is NULL there.
 */
int		 store_set_name(struct store *, const char *);
const char	*store_name(const struct store *);
/* Why the store cannot commit now (what /healthz says), or NULL. */
const char	*store_down(const struct store *);

/*
 * A store many collectors share (PostgreSQL; on SQLite each does nothing
 * and returns 0).  store_others(): the events other collectors committed
 * since the last call, heard by the NOTIFY each commit sends (what
 * store_data_version() reads off the connection: call it first), oldest
 * first, with which collector received each and what it changed in the
 * aggregates (as its commit worked it out; NULL when that could not be
 * read: the aggregates then step themselves): how many, or -1 with *cause
 * (what was not read yet is read by the next call).  What it cannot give
 * (the connection was lost meanwhile, or too many came at once) moves
 * store_others_missed().  store_heartbeat(): this collector is running
 * (on the server's clock); it leaves the list when the store is closed.
 * store_collectors(): the collectors seen within within_us, by name (with
 * how many run under it), sorted: how many names, or -1 with *cause.
 */
int		 store_others(struct store *, void (*)(void *,
		     const struct tt_event *, const struct tt_stats_delta *),
		     void *, char **cause);
uint64_t	 store_others_missed(const struct store *);
/* Can the store be held to a size (--max-db-size)?  A SQLite file can;
 * PostgreSQL's retention drops whole days instead. */
int		 store_size_capped(const struct store *);
int		 store_heartbeat(struct store *, char **cause);
int		 store_collectors(struct store *, int64_t within_us,
		     void (*)(void *, const char *name, int instances),
		     void *, char **cause);

#endif
