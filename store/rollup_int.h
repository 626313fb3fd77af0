/*
 * A connection's rollups (struct rollup), shared by store/rollup.c, which
 * works out what each event adds and keeps them in SQLite, and
 * store/rollup_pg.c, which reads and writes them in PostgreSQL.
 */
#ifndef TT_STORE_ROLLUP_INT_H
#define TT_STORE_ROLLUP_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "core/hmap.h"
#include "core/stats.h"
#include "store_int.h"

/* The statements of a connection's rollups. */
enum {
	S_START, S_SAME_FINISH, S_CLIENT, S_SUMMARY, S_CMD_GET, S_CMD_NEW,
	S_CMD_SET, S_HIST, S_OPEN, S_CLOSE, S_DAY, S_PRIV, S_ZONE_GET,
	S_ZONE_SET, S_VERSION, S_LAST_GET, S_LAST_SET, S_ROWS, S_MET_GET,
	S_MET_SET, S_COUNT
};

/* A command's sums in this transaction. */
struct acc_cmd {
	int64_t		 id;		/* its rollup_cmd row (SQLite) */
	enum tt_source	 source;
	char		*command;	/* owned */
	int64_t		 count, failures, open;
	int64_t		 last_seen, max_ms;
	struct tt_hist	*hist;		/* durations added */
	int64_t		 recent[TT_RECENT];	/* oldest first */
	int		 nrecent;
	int		 recent_changed;
};

struct acc_day {
	char		 day[11];
	enum tt_source	 source;
	int64_t		 events, commands, failures, clients;
};

/* A metric as this transaction leaves it (its row's values and more). */
struct acc_metric {
	struct tt_metric_stats	 s;	/* its strings are the three below */
	char			*name, *kind, *unit;
};

/* One privacy finding (field, kind, grade) of a source. */
struct acc_priv {
	char		*source, *field, *kind, *grade;	/* owned */
	int64_t		 n;
};

#define PII_CACHE_MAX	256	/* distinct pii texts kept parsed */
#define KNOWN_MAX	16384	/* (day, source, client) known stored */
#define FIN_MAX		16384	/* finished executions remembered */

/* A finished execution remembered: its state for later events. */
struct fin {
	char		*command;	/* its first event's (owned) */
	int64_t		 start_ts, finish_ts;
	unsigned	 started:1, timed:1;
	char		*key;		/* in fin (owned) */
	size_t		 klen;
};

/* On PostgreSQL: what is known of an execution before an event. */
struct pexec {
	struct tt_exec	 x;		/* x.command is command */
	char		*command;	/* owned */
};

/* On PostgreSQL: a (day, source, client) new to rollup_client. */
struct acc_client {
	char		 day[11];
	enum tt_source	 source;
	char		*client;	/* owned */
	int64_t		 first_id;	/* the event that counted it */
};

/* On PostgreSQL: an open start as the transaction leaves it. */
struct acc_open {
	enum tt_source	 source;
	char		*execution_id, *command;	/* owned */
	int64_t		 start_ts;
	int		 open;		/* 0: closed (its row goes) */
};

/* On PostgreSQL: the latest Summary of a (day, source, client). */
struct acc_summary {
	char		 day[11];
	enum tt_source	 source;
	char		*client, *json;	/* owned */
	int64_t		 ts;
};

/* What one transaction adds up; emptied at its end. */
struct txn {
	struct hmap	 cmds;		/* struct acc_cmd */
	struct hmap	 days;		/* struct acc_day */
	struct hmap	 clients;	/* (day, source, client) written */
	struct hmap	 priv;		/* struct acc_priv */
	struct hmap	 metrics;	/* struct acc_metric */
	struct hmap	 fin;		/* struct fin: finished in it */
	/*
	 * On PostgreSQL, what the statements of SQLite would read, fetched
	 * for the whole transaction first (then kept up by its events), and
	 * what they would write, written at its end.
	 */
	struct hmap	 execs;		/* (source, execution): struct pexec */
	struct hmap	 there;		/* (day, source, client) there */
	struct hmap	 newclients;	/* struct acc_client */
	struct hmap	 opens;		/* (source, execution): acc_open */
	struct hmap	 summaries;	/* struct acc_summary */
	int64_t		 last_id;	/* the last event counted */
	int64_t		 nrolled;	/* events rolled up from their rows */
	int		 active;
};

struct rollup {
	sqlite3			*db;
	struct pg		*pg;	/* or on PostgreSQL: no statements */
	sqlite3_stmt		*s[S_COUNT];
	struct txn		 t;
	struct hmap		 pii;	/* pii text -> struct pii_parsed */
	/*
	 * The (day, source, client) rows committed, as far as this
	 * connection knows: no INSERT for those.  Emptied when another
	 * connection commits (a rebuild may have changed them).
	 */
	struct hmap		 known;
	int64_t			 version;	/* PRAGMA data_version */
	/*
	 * The last FIN_MAX executions finished: what tells a finish sent
	 * again, or a start that comes after its finish (events_execution
	 * holds starts only).  What a transaction finishes joins it when
	 * the transaction commits (t.fin until then), or at once for a
	 * rollup that dies with its transaction (direct: the build).
	 */
	struct hmap		 fin;	/* struct fin */
	struct fin		*ring[FIN_MAX];	/* the same, oldest first */
	size_t			 ringnext;
	int			 direct;
	struct rowread		 rd;	/* reading rows back (roll_rows) */
	int			 rolling;	/* PG: rows past last_id */
	struct tt_day_cache	 dc;
	char			*kbuf;	/* keys are built here */
	size_t			 kcap;
};

/* rollup.c */
struct rollup	*ru_alloc(void);
/* A key of n strings joined by NUL after the source byte, in r->kbuf: its
 * length. */
size_t		 ru_key(struct rollup *, enum tt_source, int n, ...);
/* The zone the days are in (tt_zone_id). */
const char	*ru_zone(void);
struct acc_day	*ru_acc_day(struct rollup *, const char *day, enum tt_source);
/* The metric of d as this transaction leaves it (its row read first on
 * SQLite; on PostgreSQL what was read before): NULL on error. */
struct acc_metric *ru_acc_metric(struct rollup *, const struct tt_stats_delta *,
		     int *rc, char **cause);
void		 ru_free_pexec(void *);
extern const char *const ru_tables[];	/* every rollup table */
extern const size_t ru_ntables;

/* rollup_pg.c: the PostgreSQL side of store_rollup_event() ... */
int		 ru_pg_exec_state(struct rollup *, const struct tt_event *,
		     struct tt_exec *, char **owned, size_t *klen);
void		 ru_pg_exec_seen(struct rollup *, size_t klen,
		     const struct tt_exec *);
void		 ru_pg_client_new(struct rollup *, size_t klen,
		     struct tt_stats_delta *, const struct tt_event *);
void		 ru_pg_summary(struct rollup *, const char *day,
		     const struct tt_event *, char *json);
void		 ru_pg_open(struct rollup *, const struct tt_event *,
		     const char *command, const struct tt_stats_delta *);
/* ... and of store_rollup_sync(), _load() and _privacy(). */
int		 ru_pg_sync(struct store *, int *rebuilt, int64_t *rolled,
		     char **cause);
int		 ru_pg_load(struct store *, const char *source,
		     struct tt_stats *, int64_t now, char **cause);
int		 ru_pg_privacy(struct store *, const char *source,
		     void (*)(void *, const struct store_privacy_row *), void *,
		     char **cause);

#endif
