/*
 * What store.c, query.c and optout.c share; not for other modules (the
 * unit tests excepted: store_writer_exec() is theirs).
 *
 * Threads: everything in struct store belongs to the loop thread (the
 * thread that opened it) except struct writer, whose queues are guarded by
 * its lock; the writer thread touches only that and its own connection.
 */
#ifndef TT_STORE_INT_H
#define TT_STORE_INT_H

#include <sqlite3.h>

#include "core/stats.h"
#include "store.h"

struct catalog;
struct evict;
struct pack;
struct pending;
struct rollup;
struct pg;
struct writer;

/*
 * What reading packed rows back needs on one connection (query.c): its
 * pack and the payload body read last, unpacked (owned).  Used on the
 * connection's thread.
 */
struct rowread {
	sqlite3		*db;
	struct pack	*pack;
	sqlite3_stmt	*get_body;
	int64_t		 body_id;
	char		*body;
	size_t		 body_len;
};

/* One queued request: its payload and its events. */
struct pending {
	uint64_t		 ticket;
	char			*route;		/* the payload, owned */
	char			*content_type;
	void			*body;
	size_t			 len;
	char			*request;	/* how it came, JSON; or NULL */
	void			*raw;		/* as received, if not body */
	size_t			 raw_len;
	struct tt_event		*ev;		/* owned */
	struct tt_stats_delta	*delta;		/* ev's, once written; owned */
	size_t			 n;
	size_t			 bytes;		/* what it holds, about */
};

/* Events dropped under an opt-out entry, written with the next commit. */
struct drop_delta {
	char	*source;
	char	*client;	/* "" for the whole source */
	int64_t	 n;
};

/* A connection that commits batches, with its cached statements; or, on
 * PostgreSQL, its own connection there (pg.h) and none of the rest. */
struct wconn {
	sqlite3		*db;
	struct pg	*pg;
	sqlite3_stmt	*ins_payload;
	sqlite3_stmt	*ins_event;
	sqlite3_stmt	*ins_counter;
	sqlite3_stmt	*ins_client;	/* event_clients */
	struct pack	*pack;		/* its packing caches (pack.h) */
	struct rollup	*ru;		/* its rollups (rollup.c) */
	struct catalog	*cat;		/* its field catalog (catalog.c) */
	struct evict	*ev;		/* its eviction statements (evict.c) */
};

enum job_type {
	JOB_COMMIT,	/* one transaction of queued batches */
	JOB_OPTOUT,	/* one opt-out registry change */
	JOB_EXEC,	/* SQL for the tests; its caller waits */
	JOB_NOTICE,	/* writer -> loop: a line worth logging */
	JOB_EVICT	/* writer -> loop: events evicted; or, for
			   store_evict(), evict what is due (caller waits) */
};

/* What retention keeps (evict.c); 0s: everything. */
struct retention {
	int64_t		retain_us;	/* events received longer ago go */
	uint64_t	max_bytes;	/* the oldest go while pages hold more */
};

/* Deltas of counters known by name (store_count_name()). */
#define STORE_NAMED_MAX	64
struct named_counts {
	size_t	n;
	struct {
		char	name[96];
		int64_t	delta;
	} v[STORE_NAMED_MAX];
};

/*
 * Work for the writer thread and, once done, its result for the loop.  The
 * job owns everything it points to.  Between being queued and being
 * delivered only the writer thread touches it.
 */
struct job {
	struct job		*next;
	enum job_type		 type;

	/* JOB_COMMIT: the batches, counter deltas and drop counts. */
	struct pending		*p;
	size_t			 n;
	struct tt_counters	 counts;
	struct named_counts	 named;
	struct drop_delta	*drops;
	size_t			 ndrops;
	enum tt_commit		 how;
	int			 down;		/* failed: PostgreSQL is down */

	/* JOB_OPTOUT: set (enabled) or clear an entry; then cb. */
	char			*source;
	char			*client;	/* NULL: the whole source */
	char			*set_by;
	int64_t			 since;
	int			 enabled;
	store_optout_cb		 cb;
	void			*cb_arg;

	/* JOB_EXEC, JOB_NOTICE */
	char			*text;
	int			 waited;	/* its caller waits for it */
	int			 finished;	/* ... and it is done */

	/* JOB_EVICT: events evicted; store_evict()'s time and retention */
	int64_t			 evicted;
	int64_t			 now;
	struct retention	 ret;

	int			 rc;		/* 0/-1; OPTOUT 1/0/-1 */
	char			*cause;		/* when failed; owned */
};

struct store {
	sqlite3			*db;	/* the loop's: reads, and writes when
					   there is no writer */
	/*
	 * On PostgreSQL (store_open() of a postgresql:// URL) db is NULL and
	 * pg is the loop's connection (wc.pg too); the writer opens its own
	 * from url.  What is not done there yet says so (store_pg_not_yet).
	 */
	struct pg		*pg;
	char			*url;
	int64_t			 pg_heard;	/* registry changes heard */
	char			*down;		/* the last commit's "down" */
	uint64_t		 down_reconnects; /* pg's reconnects then */
	struct wconn		 wc;	/* db's insert statements */
	struct pending		*pending;
	size_t			 held;		/* bytes queued, not yet done */
	size_t			 npending;
	size_t			 npending_events; /* theirs, in all */
	size_t			 cappending;
	uint64_t		 next_ticket;
	struct tt_counters	 counts;	/* deltas not yet written */
	struct named_counts	 named;		/* and of named counters */
	struct drop_delta	*drops;
	size_t			 ndrops;
	sqlite3_stmt		*data_version;
	sqlite3_stmt		*optout_load;
	sqlite3_stmt		*payload_of;	/* store_event_payload() */
	store_commit_cb		 commit_cb;
	void			*commit_arg;
	void			(*event_cb)(void *, const struct tt_event *,
				    const struct tt_stats_delta *);
	void			*event_arg;
	void			(*log_cb)(void *, const char *);
	void			*log_arg;

	struct retention	 ret;		/* what is kept */
	void			(*evict_cb)(void *, int64_t);
	void			*evict_arg;
	int64_t			 evicted;	/* by this process, delivered */
	int			 draining;	/* evicting down to the cap's 90%
						   (without a writer) */

	struct writer		*writer;	/* NULL: synchronous */
	int			 committing;	/* a commit job is out */
	int			 flush_wanted;	/* flush asked for meanwhile */
	size_t			 jobs;		/* jobs out, not delivered */
	int			 locked_out;	/* the writer stopped waiting */
	int			 repacked;	/* the migration packed rows */
	struct rowread		 rd;		/* query.c: reading rows back */
};

int	store_exec(sqlite3 *, const char *, char **cause);
int64_t	store_int64(sqlite3 *, const char *);
/* NULL for a NULL string, TT_NONE both ways for integers. */
void	store_bind_text(sqlite3_stmt *, int, const char *);
void	store_bind_int(sqlite3_stmt *, int, int64_t);
int64_t	store_col_int(sqlite3_stmt *, int);

/* store.c: BEGIN or COMMIT on c, waiting out another process's lock as
 * the writer w (NULL: none) is told to. */
int	store_txn_exec(struct wconn *, struct writer *, const char *sql,
	    int *rc, char **cause);
/* store.c: add counter deltas inside the caller's transaction. */
int	store_write_counters(struct wconn *, const struct tt_counters *,
	    const struct named_counts *, int *rc, char **cause);

/*
 * evict.c: one slice of eviction on c, in a transaction of its own: up to
 * want of the oldest events that r says must go (received before now -
 * retain_us; or any, while the pages hold more than max_bytes, until they
 * hold 90% of it, as *draining remembers between calls), with the payload
 * rows no event left needs, and the counter "evicted".  The newest event
 * and payload always stay, so ids never go back.  The events evicted (0:
 * none was due), or -1 with *cause.
 */
int64_t	store_evict_slice(struct wconn *, struct writer *,
	    const struct retention *, int64_t now, size_t want, int *draining,
	    char **cause);
void	store_evict_free(struct evict *);
/* evict.c: the pages the database's rows hold, in bytes, and the file's
 * pages (page_count), on c; -1 on error. */
int	store_pages(sqlite3 *, uint64_t *used, uint64_t *file);

/* store.c: one commit job on connection c; w (NULL: none) says how long
 * to wait for another process's lock.  Sets j->how, j->rc, j->cause. */
void	store_txn(struct wconn *, struct writer *, struct job *);
/* store.c: a finished commit job's results, on the loop thread; frees j. */
void	store_commit_done(struct store *, struct job *);
/* store.c: the commit job of everything queued (queue left empty). */
struct job *store_commit_job(struct store *);
void	store_job_free(struct job *);
/* Prepare c's insert statements; -1 with *cause. */
int	store_wconn_prepare(struct wconn *, char **cause);
void	store_wconn_finalize(struct wconn *);

/* writer.c: 1 while the writer waits for a lock past its deadline:
 * give up (SQLITE_BUSY is then an error). */
int	store_writer_give_up(struct writer *);
/* writer.c: hand a job to the writer (loop thread). */
void	store_writer_send(struct store *, struct job *);
/* writer.c: stop and join the writer, delivering what it finishes. */
void	store_writer_stop(struct store *);
/* Write drop counts (inside the caller's transaction); the primary
 * SQLite result code of a failure in *rc. */
int	store_write_drops(sqlite3 *, const struct drop_delta *, size_t,
	    int *rc, char **cause);
void	store_free_drops(struct drop_delta *, size_t);
/*
 * Set (set_by not NULL, since µs) or clear one registry entry on db in a
 * statement of its own; 1 if it changed, 0 if not, -1 with *cause and the
 * SQLite code in *rc.  Any thread, on its own connection.
 */
/* PostgreSQL: what the store does not do there yet, as *cause; -1. */
int	store_pg_not_yet(const char *what, char **cause);
/* PostgreSQL: the transaction of a commit job on c->pg (store_txn()). */
void	store_pg_txn(struct wconn *c, struct job *j);
int	store_optout_write(struct wconn *, const char *source, const char *client,
	    const char *set_by, int64_t since, int *rc, char **cause);

/*
 * query.c: an event's JSON from its columns data, payload_id, data_at and
 * data_len (i ... i + 3), and its findings JSON from pii (i): as text,
 * caller frees; NULL if none or unreadable.
 */
char	*store_row_data(struct rowread *, sqlite3_stmt *, int i);
char	*store_row_pii(struct rowread *, sqlite3_stmt *, int i);
/* SQL functions the queries use (teltop_match()), on st->db. */
int	 store_query_functions(struct store *, char **cause);
/* Forget the body kept (a new snapshot); clear: and the statement. */
void	 store_rowread_forget(struct rowread *);
void	 store_rowread_clear(struct rowread *);

/* rollup.c: a connection's rollups, on its thread, with its pack. */
struct rollup *store_rollup_new(sqlite3 *, struct pack *, char **cause);
void	store_rollup_free(struct rollup *);
/* On PostgreSQL (the writer's connection): the rollups of a commit's
 * stored events (in id order) in its transaction, their deltas into
 * deltas[i] (NULL: none wanted); store_rollup_end() once it is over. */
struct rollup *store_rollup_new_pg(struct pg *);
int	store_rollup_pg_batch(struct rollup *, struct tt_event *const *evs,
	    struct tt_stats_delta *const *deltas, size_t n, char **cause);
/* The rollups built from the events, in the migration that makes them
 * (pg_open_built()); the events they count. */
int	store_rollup_pg_build(void *, struct pg *, char **cause);
int	store_rollup_pg_events(struct pg *, int64_t *, char **cause);
/* The deltas of events other collectors committed (heard, in id order):
 * what their commits worked out, read back from the database. */
int	store_rollup_pg_heard(struct pg *, struct tt_event *const *evs,
	    struct tt_stats_delta *const *deltas, size_t n, char **cause);
/*
 * ev is inserted (its id set): add what it changes to the transaction's
 * sums and write its rows that cannot wait (open starts, clients, Devtron
 * Summary); *d is what it changed (cleared by the caller).
 */
int	store_rollup_event(struct rollup *, const struct tt_event *ev,
	    struct tt_stats_delta *d, int *rc, char **cause);
/* Write the transaction's sums (before COMMIT). */
int	store_rollup_flush(struct rollup *, int *rc, char **cause);
/* The transaction ended (committed 1, or not): forget its sums. */
void	store_rollup_end(struct rollup *, int committed);
/* The findings of one pii text, parsed once (rollup.c keeps them). */
struct pii_parsed {
	char		**keys;		/* field\0kind\0grade, owned */
	size_t		 *klen;
	char		**paths;	/* each field as core/shape.h has it */
	int		 *kind;		/* TT_PK_*, -1 for a kind unknown */
	size_t		  n;
};
/* pii's findings (a JSON array), from the connection's cache: valid until
 * the next call. */
const struct pii_parsed *store_rollup_pii(struct rollup *, const char *pii);
/* The same from a cache of one's own (an hmap, emptied with
 * store_pii_cache_clear()). */
struct hmap;
const struct pii_parsed *store_pii_parse(struct hmap *, const char *pii);
void	store_pii_cache_clear(struct hmap *);

/* store_privacy() of everything, from the rollups; 1 when they do not
 * count every event stored (then the events). */
int	store_rollup_privacy(struct store *, const char *source,
	    void (*)(void *, const struct store_privacy_row *), void *,
	    char **cause);
/* rollup.c: the queries of an execution's earlier events (0: its start, 1:
 * the same finish sent before), for the tests. */
const char *store_rollup_exec_sql(int which);
/* store.c: the schema version the rollups' migration starts from. */
int	store_rollup_migration(void);
/* Empty the rollups and build them again from the events (in the
 * caller's transaction; the days in this process's zone). */
int	store_rollup_build(sqlite3 *, char **cause);

/*
 * catalog.c: a connection's field catalog, on its thread.  With no
 * database (PostgreSQL) it only sums what a transaction adds, from
 * nothing, and store_catalog_pg_flush() merges that into the rows there
 * (pg_fields_merge(), in the transaction).
 */
struct catalog *store_catalog_new(sqlite3 *, char **cause);
struct pg;
int	store_catalog_pg_flush(struct catalog *, struct pg *, char **cause);
/* Fill the (empty) catalog there from its events: pg_open_built()'s. */
int	store_catalog_pg_build(void *, struct pg *, char **cause);
/* The findings of pii, parsed in the catalog's own cache (no database). */
const struct pii_parsed *store_catalog_pii(struct catalog *, const char *);
void	store_catalog_free(struct catalog *);
/* ev is inserted: its fields into the transaction's rows (pp: its
 * findings, NULL for none). */
int	store_catalog_event(struct catalog *, const struct tt_event *ev,
	    const struct pii_parsed *pp, int *rc, char **cause);
/* Write the transaction's rows (before COMMIT). */
int	store_catalog_flush(struct catalog *, int *rc, char **cause);
/* The transaction ended: forget its rows. */
void	store_catalog_end(struct catalog *);
/* Empty the catalog and build it from the events (caller's transaction). */
int	store_catalog_build(sqlite3 *, char **cause);

/*
 * For the unit tests: run sql on the writer's connection (on its thread)
 * and wait for it.  -1 with *cause; without a writer, on the loop's.
 */
int	store_writer_exec(struct store *, const char *sql, char **cause);

#endif
