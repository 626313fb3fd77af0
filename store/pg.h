/*
 * PostgreSQL as the shared store of many collectors, behind store.h: the
 * events' schema and their durable batch write, the counters, the
 * opt-out registry with its NOTIFY, the field catalog's and the rollups'
 * tables (catalog.c and rollup.c work out what goes into them).
 *
 * The schema (migrated on open, one advisory lock around it so that
 * collectors starting together migrate once):
 *   events	partitioned by range of day, the event's own day (UTC), so
 *		that retention drops whole partitions and a retried event
 *		lands in the partition it did the first time
 *   unique (source, event_key, day)	event_key is the event's own id
 *		(tt_event_key()); an event without one is never merged
 *   collector	which collector received it
 *
 * Blocking libpq on the calling thread, one connection per struct pg.
 */
#ifndef TT_STORE_PG_H
#define TT_STORE_PG_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct tt_batch;
struct tt_event;
struct pg;

/* The columns a batch writes, in COPY's order (after "n", its place). */
#define PG_COLUMNS \
	"day, source, event_key, received_at, ts, format, phase, name, " \
	"client_id, execution_id, command, duration_ms, exit_code, " \
	"severity, error, version, os, arch, pii, data, capture, collector, " \
	"payload_id"

/* Is db a PostgreSQL URL (postgresql:// or postgres://)? */
int		 pg_is_url(const char *db);
/*
 * Connect to url and bring the schema to the current version; collector
 * names this process in the rows it writes.  NULL with *cause (caller
 * frees) when the server cannot be reached or the schema is newer.
 */
struct pg	*pg_open(const char *url, const char *collector, char **cause);
/* The same; build(arg, pg, version) runs in the migrations that make the
 * field catalog and the rollups, to fill them from the events there are. */
struct pg	*pg_open_built(const char *url, const char *collector,
		     int (*build)(void *, struct pg *, int, char **), void *arg,
		     char **cause);
#define PG_BUILD_FIELDS		5	/* the versions build() is called at */
#define PG_BUILD_ROLLUPS	6
void		 pg_close(struct pg *);
/* The collector name in the rows it writes: the one it was opened with,
 * or the one set since. */
const char	*pg_collector(const struct pg *);
void		 pg_set_collector(struct pg *, const char *);
/* The schema version in the database. */
int		 pg_schema_version(struct pg *);
/* A request (or none: no payload) and the events it carried. */
struct pg_part {
	const struct store_payload *payload;	/* NULL: none */
	int64_t			 received_at;	/* its time, µs UTC */
	struct tt_batch		*b;
};

/*
 * Commit the parts in one transaction (a group commit of several
 * requests), as pg_commit() does one batch.
 */
int		 pg_commit_parts(struct pg *, struct pg_part *, size_t nparts,
		     size_t *stored, char **cause);
/*
 * Commit the events of b in one transaction, with the counters and drops
 * queued (pg_count(), pg_optout_dropped()): 0 once COMMIT succeeded, with
 * *stored the rows added (an event whose key is already stored is not
 * added again) and each new event's id set; -1 with *cause, and nothing of
 * b committed.
 */
int		 pg_commit(struct pg *, struct tt_batch *b, size_t *stored,
		     char **cause);
/* What pg_commit() copies for b: COPY text of the columns "n, "
 * PG_COLUMNS (make pgbench's raw reference sends the same bytes).
 * NULL with *cause for an event that cannot be stored.  Caller frees. */
char		*pg_copy_text(struct pg *, const struct tt_batch *, size_t *len,
		     char **cause);
/* Drop the partitions of days before day_us (µs UTC, a day's start): the
 * number dropped, or -1 with *cause; *events (unless NULL) the events
 * they held. */
int		 pg_drop_days_before(struct pg *, int64_t day_us,
		     int64_t *events, char **cause);
/* Events stored, and the partitions holding them (-1 on error). */
int64_t		 pg_event_count(struct pg *);
int		 pg_partition_count(struct pg *);

/*
 * Counters: n added to name with the next commit, in this collector's own
 * row (collectors never wait on each other's); read as the sum over all
 * collectors (-1 on error).
 */
void		 pg_count(struct pg *, const char *name, int64_t n);
int64_t		 pg_counter(struct pg *, const char *name);
/* Every counter of core/counters.h, summed; 0, or -1. */
struct tt_counters;
int		 pg_counters(struct pg *, struct tt_counters *);
/* Each counter named prefix... with its sum, to cb; 0, or -1. */
int		 pg_named_counters(struct pg *, const char *prefix,
		     void (*cb)(void *, const char *, int64_t), void *arg);
/* The highest event id stored, 0 for none (-1 on error). */
int64_t		 pg_last_id(struct pg *);
/* Forget the counts and drops queued (their caller keeps them instead). */
void		 pg_forget_counts(struct pg *);

/*
 * The opt-out registry, shared by every collector on the database.  A
 * change is its own transaction with a NOTIFY in it: 1 changed, 0 already
 * so, -1 with *cause.  client NULL: the whole source.
 */
struct tt_optout;
int		 pg_optout_change(struct pg *, const char *source,
		     const char *client, int enable, int64_t now,
		     const char *set_by, char **cause);
/* Events dropped under an entry, added with the next commit. */
void		 pg_optout_dropped(struct pg *, const char *source,
		     const char *client, int64_t n);
/* The registry with its proof (events stored since each entry was set). */
int		 pg_optout_load(struct pg *, struct tt_optout *, char **cause);
/*
 * Hear of registry changes made through any connection: the socket to
 * poll for reading (-1 with *cause); once it is readable, pg_notified()
 * says how many changes came (0: none yet, -1: the connection is lost and
 * not back yet; 1 when it just came back, as changes may have been missed).
 */
int		 pg_listen(struct pg *, char **cause);
int		 pg_notified(struct pg *);

/*
 * Events other stores on the database committed: each commit NOTIFYs the
 * ids it added, and pg_notified() keeps those of others (at most 65536
 * unread; past that they are counted by pg_heard_lost() and not read).
 * pg_heard() reads what was kept, in id order, to cb: how many, or -1
 * with *cause.  What a live view of all collectors shows.
 */
int		 pg_heard(struct pg *, void (*cb)(void *,
		     const struct tt_event *), void *arg, char **cause);
uint64_t	 pg_heard_lost(const struct pg *);
/* The replay (pg_scan() but whole) reads in one snapshot, kept: a note of
 * a transaction that snapshot saw is passed over (its events were
 * replayed), so that an event committed elsewhere during the replay is
 * counted once. */
/* This store's instance in its notes (the writer's connection takes the
 * loop's, so that the loop does not hear its own commits). */
const char	*pg_instance(const struct pg *);
void		 pg_set_instance(struct pg *, const char *);
/*
 * The collectors table: a store's heartbeat (its instance and collector
 * name at `at`, µs UTC; instances silent for a day before it are
 * removed), its leaving (closed cleanly), and the names of those seen
 * within `within` µs before `at`, with how many instances each, sorted:
 * how many names, or -1 with *cause.  An `at` of 0 is the server's clock
 * (what collectors use, so that their own clocks do not matter).
 */
int		 pg_heartbeat(struct pg *, int64_t at, char **cause);
void		 pg_leave(struct pg *);
int		 pg_collectors(struct pg *, int64_t within, int64_t at,
		     void (*cb)(void *, const char *name, int instances),
		     void *arg, char **cause);

/* The privacy findings of the events of ts >= since_us (of source,
 * NULL: all), grouped by source, field, kind and grade, to cb: 0, or -1
 * with *cause. */
int		 pg_privacy(struct pg *, int64_t since_us, const char *source,
		     void (*cb)(void *, const char *source, const char *field,
		     const char *kind, int red, int64_t events), void *arg,
		     char **cause);

/*
 * Run fn(arg, pg) in each commit's transaction once its events are in
 * (their ids set; a retried one's 0), before the counters and COMMIT:
 * nonzero fails the commit.  What the store adds there (the catalog).
 */
void		 pg_set_hook(struct pg *, int (*fn)(void *, struct pg *,
		     char **), void *arg);
/*
 * The field catalog (store/catalog.c's rows): add what a transaction saw
 * (each row's one version in versions[0]) to the rows there, in the
 * transaction running (a hook's); a field found in red kinds loses its
 * examples.  New rows only while their kind has fewer than kind_max and
 * the table fewer than about rows_max.  0, or -1 with *cause.
 */
struct tt_field_row;
int		 pg_fields_merge(struct pg *, const struct tt_field_row *,
		     size_t n, int red_kinds, int kind_max, int64_t rows_max,
		     char **cause);
/* Its rows of source, name and version (NULL: any), ordered by source,
 * name, path and first seen, each to cb as 11 columns of text (NULL for
 * NULL) in catalog.c's order: source, name, path, version, types,
 * kinds, events, first_seen, last_seen, examples, format. */
int		 pg_fields(struct pg *, const char *source, const char *name,
		     const char *version, void (*cb)(void *,
		     const char *const *), void *arg, char **cause);
/* The versions of source there, each with its first seen and about how
 * many events (as store_field_versions()), unsorted. */
int		 pg_field_versions(struct pg *, const char *source,
		     void (*cb)(void *, const char *, int64_t, int64_t),
		     void *arg, char **cause);

/* The request with id: 1 found, 0 there is none, -1 with *cause. */
int		 pg_payload_get(struct pg *, int64_t id, struct store_request *,
		     char **cause);
/* The id of the request an event came in: 0 none, -1 no such event. */
int64_t		 pg_event_payload(struct pg *, int64_t event_id);

/*
 * Each stored event (the filter f applied, NULL: all) to cb, oldest first;
 * with limit > 0 only the newest limit of them.  cb returns nonzero to
 * stop.  0, or -1 with *cause.  The filter runs here, on each row (the
 * SQLite store makes SQL of it).
 */
struct tt_filter;
int		 pg_events(struct pg *, const struct tt_filter *, int64_t limit,
		     int (*cb)(void *, const struct tt_event *), void *arg,
		     char **cause);
/* Every event of ts >= since_us (of source, NULL: all), in id order:
 * whole, or as store_scan() on SQLite (only what the aggregates read). */
int		 pg_scan(struct pg *, int64_t since_us, const char *source,
		     int whole, void (*cb)(void *, const struct tt_event *),
		     void *arg, char **cause);

/*
 * A lost connection is tried again by the next pg_commit() after a backoff
 * (100 ms, doubling to 5 s); until it is back every commit fails at once,
 * saying "PostgreSQL is down: ..." (the sender gets 503, never an ack).
 * pg_down() says why it is down (for /healthz), NULL while it is up;
 * pg_socket() is the connection's socket now (it changes with a
 * reconnect; -1 while down), LISTEN included.
 */
const char	*pg_down(const struct pg *);
/*
 * Async (what a collector's loop uses): a lost connection is made again
 * without blocking, a step at each call that needs it (PQresetStart(),
 * then PQresetPoll()), failing as down meanwhile; given up after 5 s as
 * connect_timeout would be.  The host name is still resolved blocking
 * (libpq does that in PQresetStart()); hostaddr= avoids it.
 */
void		 pg_set_async(struct pg *, int);
/* Sessions made again since it was opened. */
uint64_t	 pg_reconnects(const struct pg *);
/* The server process of the connection now (the tests end it). */
int		 pg_backend_pid(const struct pg *);
int		 pg_socket(const struct pg *);

/*
 * What the rollups (store/rollup.c) run, in the transaction of a commit
 * (its hook) or of pg_rollup_begin(): statements of their own, their
 * parameters text, many rows passed as array literals (pg_array).
 */
struct pg_array {
	char	*buf;
	size_t	 len, cap;
	int	 n;
};
void		 pg_array_init(struct pg_array *);
void		 pg_array_free(struct pg_array *);
void		 pg_array_add(struct pg_array *, const char *);	/* NULL: NULL */
void		 pg_array_int(struct pg_array *, int64_t);	/* TT_NONE: NULL */
void		 pg_array_real(struct pg_array *, double);	/* NAN: NULL */
/* The literal ('{...}'), valid until the next add. */
const char	*pg_array_text(struct pg_array *);
#define PG_RUN_COLS	16
/* Run sql with n text parameters; row(arg, i, values) for each row
 * (NULL: SQL NULL; at most PG_RUN_COLS columns).  -1 with *cause. */
int		 pg_run(struct pg *, const char *sql, int n,
		     const char *const *params,
		     void (*row)(void *, int, const char *const *), void *arg,
		     char **cause);
/* The events with ids between after and before (both excluded), in id
 * order, in the caller's transaction. */
int		 pg_scan_between(struct pg *, int64_t after, int64_t before,
		     void (*cb)(void *, const struct tt_event *), void *arg,
		     char **cause);
/* A transaction of the rollups: with snapshot, a read in one snapshot that
 * is kept (what it saw is not heard again, as after pg_scan()); without,
 * one that holds the commits' lock (a rebuild).  pg_rollup_end() commits
 * or rolls back. */
int		 pg_rollup_begin(struct pg *, int snapshot, char **cause);
/* Up, or made again now (outside a transaction only): 0, or -1. */
int		 pg_up(struct pg *, char **cause);
int		 pg_rollup_end(struct pg *, int commit, char **cause);

#endif
