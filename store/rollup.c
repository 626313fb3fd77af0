/*
 * Rollups: what the aggregates need, in tables next to the events and
 * updated in the transaction that stores them, so that a crash never
 * leaves them out of step with the events; start-up and `teltop stats`
 * read these rows, not the events.
 *
 *   rollup_cmd	    per source and command: runs, failures, open starts,
 *		    last seen, the longest duration, the latest durations
 *   rollup_hist    its durations, one row a bucket in use (tt_hist_bucket:
 *		    a percentile is within 0.8% of the exact one)
 *   rollup_open    the open starts (no finish yet): running while younger
 *		    than the orphan timeout, orphans after
 *   rollup_day	    per local day and source: events, commands, failures,
 *		    distinct clients
 *   rollup_client  the (day, source, client) seen: what makes a client new
 *		    on a day.  A row per client and day (a few hundred clients
 *		    a day in real traffic, so a few KiB a day) keeps the
 *		    count exact, as it always was; a sketch would not
 *   rollup_summary Devtron Summary counts, the latest per client and day
 *   rollup_privacy per source, field, kind and grade: findings
 *   rollup_metric  per source and OTLP metric: its points, kind and unit,
 *		    the last, least and greatest values, the latest values
 *   rollup_meta    'zone': the time zone the days are in (tt_zone_id)
 *
 * An event's effect is a delta (core/stats.h), worked out here from the
 * event and, for a start or finish with an execution_id, from what is
 * known of its execution before it (exec_state): its start, read back
 * through events_execution (which holds starts) in the same transaction,
 * so a late finish pairs however late it comes and no open start stays in
 * memory; a finish sent again (a sender's retry, the same event) found at
 * its time through events_ts; and the last FIN_MAX executions finished,
 * remembered, for what no index holds (finishes are not indexed: their
 * random ids would dirty a page of the index each).  So the rollups are
 * what a replay gives, except for a second finish at another time, or a
 * start after its finish, more than FIN_MAX finishes later or after a
 * restart: that finish counts again, that start stays open.  The deltas
 * of a transaction are summed in memory (struct txn) and written before
 * COMMIT; the deltas themselves go back to the loop with the committed
 * events, for the live model.
 *
 * The rollups count every event up to rollup_meta 'last_id'.  Rows past it
 * that no teltop commit counted (a teltop of an older schema cannot open
 * this one, but a sqlite3 shell can write rows) are rolled up from their
 * rows by the next transaction that stores events, or at a collector's
 * start (store_rollup_sync); until then readers replay the events.
 *
 * Days are local days, so they depend on the zone: the rows are in the
 * zone of rollup_meta.  A reader in another zone replays the events
 * instead (store_rollup_load returns 1), and a collector in another zone
 * rebuilds the rollups at start (store_rollup_sync).  A writer that finds
 * another zone there (two collectors in two zones on one database) marks
 * the days as in no zone: nobody trusts them until a rebuild.
 *
 * Threads: a struct rollup belongs to one connection (struct wconn) and
 * runs on its thread, the writer's or, without one, the loop's.  The
 * readers (store_rollup_load and friends) run on the loop thread.
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "core/hmap.h"
#include "core/metrics.h"
#include "core/privacy.h"
#include "core/shape.h"
#include "core/stats.h"
#include "core/xmalloc.h"
#include "pack.h"
#include "pg.h"
#include "store.h"
#include "store_int.h"

/* The statements of a connection's rollups. */
enum {
	S_START, S_SAME_FINISH, S_CLIENT, S_SUMMARY, S_CMD_GET, S_CMD_NEW,
	S_CMD_SET, S_HIST, S_OPEN, S_CLOSE, S_DAY, S_PRIV, S_ZONE_GET,
	S_ZONE_SET, S_VERSION, S_LAST_GET, S_LAST_SET, S_ROWS, S_MET_GET,
	S_MET_SET, S_COUNT
};

static const char *const sql[S_COUNT] = {
	/*
	 * An execution's first start (events_execution holds starts); a
	 * finish sent again, at the same time (events_ts).  The terms with a
	 * + can use no index: without them the planner takes events_source
	 * (source, rowid) and reads every row of the source.
	 */
	[S_START] = "SELECT ts, command, name FROM events "
	    "WHERE execution_id = ?1 AND phase = 'start' AND +source = ?2 "
	    "AND +id < ?3 ORDER BY id LIMIT 1",
	[S_SAME_FINISH] = "SELECT 1 FROM events WHERE ts = ?1 AND "
	    "+execution_id = ?2 AND +phase = 'finish' AND +source = ?3 "
	    "AND +id < ?4 LIMIT 1",
	[S_CLIENT] = "INSERT OR IGNORE INTO rollup_client(day, source, "
	    "client) VALUES (?, ?, ?)",
	[S_SUMMARY] = "INSERT INTO rollup_summary(day, source, client, ts, "
	    "counts) VALUES (?1, ?2, ?3, ?4, ?5) "
	    "ON CONFLICT(day, source, client) DO UPDATE SET ts = excluded.ts, "
	    "counts = excluded.counts WHERE excluded.ts >= ts",
	[S_CMD_GET] = "SELECT id, recent FROM rollup_cmd WHERE source = ? "
	    "AND command = ?",
	[S_CMD_NEW] = "INSERT INTO rollup_cmd(source, command) VALUES (?, ?)",
	[S_CMD_SET] = "UPDATE rollup_cmd SET count = count + ?2, "
	    "failures = failures + ?3, open = open + ?4, "
	    "last_seen = CASE WHEN ?5 IS NOT NULL AND (last_seen IS NULL OR "
	    "?5 > last_seen) THEN ?5 ELSE last_seen END, "
	    "max_ms = CASE WHEN ?6 IS NOT NULL AND (max_ms IS NULL OR "
	    "?6 > max_ms) THEN ?6 ELSE max_ms END, "
	    "recent = coalesce(?7, recent) WHERE id = ?1",
	[S_HIST] = "INSERT INTO rollup_hist(cmd, bucket, n) VALUES (?, ?, ?) "
	    "ON CONFLICT(cmd, bucket) DO UPDATE SET n = n + excluded.n",
	[S_OPEN] = "INSERT OR REPLACE INTO rollup_open(source, execution_id, "
	    "cmd, start_ts) VALUES (?, ?, ?, ?)",
	[S_CLOSE] = "DELETE FROM rollup_open WHERE source = ? AND "
	    "execution_id = ?",
	[S_DAY] = "INSERT INTO rollup_day(day, source, events, commands, "
	    "failures, clients) VALUES (?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT(day, source) DO UPDATE SET "
	    "events = events + excluded.events, "
	    "commands = commands + excluded.commands, "
	    "failures = failures + excluded.failures, "
	    "clients = clients + excluded.clients",
	[S_PRIV] = "INSERT INTO rollup_privacy(source, field, kind, grade, "
	    "events) VALUES (?, ?, ?, ?, ?) "
	    "ON CONFLICT(source, field, kind, grade) DO UPDATE SET "
	    "events = events + excluded.events",
	[S_ZONE_GET] = "SELECT value FROM rollup_meta WHERE key = 'zone'",
	[S_ZONE_SET] = "INSERT OR REPLACE INTO rollup_meta(key, value) "
	    "VALUES ('zone', ?)",
	[S_VERSION] = "PRAGMA data_version",
	/* ?1: the transaction's first event, not counted here */
	[S_LAST_GET] = "SELECT (SELECT value FROM rollup_meta WHERE key = "
	    "'last_id'), (SELECT coalesce(max(id), 0) FROM events "
	    "WHERE id < ?1)",
	[S_LAST_SET] = "INSERT INTO rollup_meta(key, value) VALUES "
	    "('last_id', ?1) ON CONFLICT(key) DO UPDATE SET "
	    "value = max(value, excluded.value)",
	/* what an event's rollups read of it, as it is stored */
	[S_ROWS] = "SELECT id, ts, source, name, phase, client_id, "
	    "execution_id, command, duration_ms, exit_code, error, pii, "
	    "data, payload_id, data_at, data_len, format FROM events "
	    "WHERE id > ?1 AND id < ?2 ORDER BY id",
	/* a metric's row, read once a transaction and written whole */
	[S_MET_GET] = "SELECT kind, unit, points, last_seen, last, min, max, "
	    "recent FROM rollup_metric WHERE source = ?1 AND name = ?2",
	[S_MET_SET] = "INSERT OR REPLACE INTO rollup_metric(source, name, "
	    "kind, unit, points, last_seen, last, min, max, recent) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
	int			 rolling;	/* PostgreSQL: rows past last_id */
	struct tt_day_cache	 dc;
	char			*kbuf;	/* keys are built here */
	size_t			 kcap;
};

static enum tt_source
col_source(sqlite3_stmt *s, int i)
{
	const char	*t = (const char *)sqlite3_column_text(s, i);
	enum tt_source	 src;

	if (t == NULL || tt_source_parse(t, &src) != 0)
		return TT_SRC_GENERIC;
	return src;
}

static const char *
col_text(sqlite3_stmt *s, int i)
{
	const char	*t = (const char *)sqlite3_column_text(s, i);

	return t != NULL ? t : "";
}

/* The SQL that reads an execution's earlier events (for the tests: it
 * must find them through an index, not a scan). */
const char *
store_rollup_exec_sql(int which)
{
	return sql[which == 0 ? S_START : S_SAME_FINISH];
}

static pthread_once_t	zone_once = PTHREAD_ONCE_INIT;
static char		zone_mine[TT_ZONE_LEN + 1];

static void
zone_init(void)
{
	tt_zone_id(zone_mine);
}

/* This process's zone id. */
static const char *
my_zone(void)
{
	pthread_once(&zone_once, zone_init);
	return zone_mine;
}

/* ---- keys ---- */

/* A key of n strings joined by NUL after the source byte, in r->kbuf. */
static size_t
key_build(struct rollup *r, enum tt_source src, int n, ...)
{
	va_list		 ap;
	const char	*s;
	size_t		 len = 1, l;
	int		 i;

	va_start(ap, n);
	for (i = 0; i < n; i++) {
		s = va_arg(ap, const char *);
		len += strlen(s) + 1;
	}
	va_end(ap);
	if (len > r->kcap) {
		r->kcap = len * 2;
		r->kbuf = xrealloc(r->kbuf, r->kcap);
	}
	r->kbuf[0] = (char)('A' + (int)src);
	len = 1;
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		s = va_arg(ap, const char *);
		l = strlen(s);
		memcpy(r->kbuf + len, s, l);
		len += l;
		if (i + 1 < n)
			r->kbuf[len++] = '\0';
	}
	va_end(ap);
	return len;
}

/* "a\0b\0c" in *out (caller frees); its length, the last NUL not counted. */
static size_t
key_join(char **out, const char *a, const char *b, const char *c)
{
	size_t	la = strlen(a), lb = strlen(b), lc = strlen(c);
	char	*k = xmalloc(la + lb + lc + 3);

	memcpy(k, a, la + 1);
	memcpy(k + la + 1, b, lb + 1);
	memcpy(k + la + lb + 2, c, lc + 1);
	*out = k;
	return la + lb + lc + 2;
}

/* ---- statements ---- */

static int
fail(struct rollup *r, int *rc, char **cause)
{
	*rc = sqlite3_errcode(r->db);
	*cause = xasprintf("rollups: %s", sqlite3_errmsg(r->db));
	return -1;
}

/* Step a statement that returns no rows and reset it. */
static int
run(struct rollup *r, sqlite3_stmt *s, int *rc, char **cause)
{
	int	src = sqlite3_step(s);

	if (src != SQLITE_DONE) {
		fail(r, rc, cause);
		sqlite3_reset(s);
		return -1;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return 0;
}

static struct rollup *
rollup_alloc(void)
{
	struct rollup	*r = xcalloc(1, sizeof *r);

	hmap_init(&r->fin);
	hmap_init(&r->t.cmds);
	hmap_init(&r->t.days);
	hmap_init(&r->t.clients);
	hmap_init(&r->t.priv);
	hmap_init(&r->t.metrics);
	hmap_init(&r->t.fin);
	hmap_init(&r->t.execs);
	hmap_init(&r->t.there);
	hmap_init(&r->t.newclients);
	hmap_init(&r->t.opens);
	hmap_init(&r->t.summaries);
	hmap_init(&r->pii);
	hmap_init(&r->known);
	r->version = -1;
	return r;
}

struct rollup *
store_rollup_new_pg(struct pg *pg)
{
	struct rollup	*r = rollup_alloc();

	r->pg = pg;
	return r;
}

struct rollup *
store_rollup_new(sqlite3 *db, struct pack *pk, char **cause)
{
	struct rollup	*r = rollup_alloc();
	int		 i;

	r->db = db;
	r->rd.db = db;
	r->rd.pack = pk;
	for (i = 0; i < S_COUNT; i++) {
		if (sqlite3_prepare_v3(db, sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &r->s[i], NULL) != SQLITE_OK) {
			*cause = xasprintf("preparing rollup statement: %s",
			    sqlite3_errmsg(db));
			store_rollup_free(r);
			return NULL;
		}
	}
	return r;
}

static void
free_acc_metric(void *p)
{
	struct acc_metric	*a = p;

	free(a->name);
	free(a->kind);
	free(a->unit);
	free(a);
}

static void
free_acc_cmd(void *p)
{
	struct acc_cmd	*a = p;

	tt_hist_free(a->hist);
	free(a->command);
	free(a);
}

static void
free_pexec(void *p)
{
	struct pexec	*a = p;

	free(a->command);
	free(a);
}

static void
free_acc_client(void *p)
{
	struct acc_client	*a = p;

	free(a->client);
	free(a);
}

static void
free_acc_open(void *p)
{
	struct acc_open	*a = p;

	free(a->execution_id);
	free(a->command);
	free(a);
}

static void
free_acc_summary(void *p)
{
	struct acc_summary	*a = p;

	free(a->client);
	free(a->json);
	free(a);
}

static void
free_acc_priv(void *p)
{
	struct acc_priv	*a = p;

	free(a->source);
	free(a->field);
	free(a->kind);
	free(a->grade);
	free(a);
}

static void
free_pii(void *p)
{
	struct pii_parsed	*pp = p;
	size_t			 i;

	for (i = 0; i < pp->n; i++) {
		free(pp->keys[i]);
		free(pp->paths[i]);
	}
	free(pp->keys);
	free(pp->klen);
	free(pp->paths);
	free(pp->kind);
	free(pp);
}

static void
fin_free(struct fin *f)
{
	free(f->command);
	free(f->key);
	free(f);
}

/* Forget every finished execution. */
static void
fin_clear(struct rollup *r)
{
	size_t	i;

	hmap_clear(&r->fin, NULL);
	for (i = 0; i < FIN_MAX; i++) {
		if (r->ring[i] != NULL)
			fin_free(r->ring[i]);
		r->ring[i] = NULL;
	}
	r->ringnext = 0;
}

/* A finished execution's state (key: key, klen). */
static struct fin *
fin_new(const char *key, size_t klen, const char *command, int64_t start_ts,
    int64_t finish_ts, int started, int timed)
{
	struct fin	*f = xcalloc(1, sizeof *f);

	f->command = xstrdup(command);
	f->start_ts = start_ts;
	f->finish_ts = finish_ts;
	f->started = started;
	f->timed = timed;
	f->key = xmalloc(klen);
	memcpy(f->key, key, klen);
	f->klen = klen;
	return f;
}

/* Into the window: f (moved in) replaces what it had of f's execution,
 * or takes the oldest's place. */
static void
fin_keep(struct rollup *r, struct fin *f)
{
	struct fin	**slot, *old;

	slot = (struct fin **)hmap_put(&r->fin, f->key, f->klen);
	if ((old = *slot) != NULL) {	/* a start after the finish */
		old->started = f->started;
		old->start_ts = f->start_ts;
		old->timed = f->timed;
		fin_free(f);
		return;
	}
	*slot = f;
	if ((old = r->ring[r->ringnext]) != NULL) {
		(void)hmap_del(&r->fin, old->key, old->klen);
		fin_free(old);
	}
	r->ring[r->ringnext] = f;
	r->ringnext = (r->ringnext + 1) % FIN_MAX;
}

/* Remember x, finished or changed (key: in r->kbuf): in the window, or
 * in the transaction's until it commits. */
static void
fin_put(struct rollup *r, size_t klen, const struct tt_exec *x)
{
	struct fin	*f, **slot;

	f = fin_new(r->kbuf, klen, x->command, x->start_ts, x->finish_ts,
	    x->started, x->timed);
	if (r->direct) {
		fin_keep(r, f);
		return;
	}
	slot = (struct fin **)hmap_put(&r->t.fin, f->key, klen);
	if (*slot != NULL)
		fin_free(*slot);
	*slot = f;
}

/* What the last FIN_MAX finishes (and this transaction's) say of the
 * execution keyed in r->kbuf. */
static struct fin *
fin_get(struct rollup *r, size_t klen)
{
	struct fin	*f;

	if ((f = hmap_get(&r->t.fin, r->kbuf, klen)) != NULL)
		return f;
	return hmap_get(&r->fin, r->kbuf, klen);
}

/* The transaction ended: forget what it added up; what it wrote of the
 * clients is known to be there if it committed. */
void
store_rollup_end(struct rollup *r, int committed)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->t.fin.cap; i++) {
		if (r->t.fin.slots[i].key == NULL)
			continue;
		if (committed)
			fin_keep(r, r->t.fin.slots[i].value);
		else		/* what it finished did not happen */
			fin_free(r->t.fin.slots[i].value);
	}
	hmap_clear(&r->t.fin, NULL);
	if (committed && r->t.active) {
		if (r->known.n + r->t.clients.n > KNOWN_MAX)
			hmap_clear(&r->known, NULL);
		for (i = 0; i < r->t.clients.cap; i++)
			if (r->t.clients.slots[i].key != NULL)
				*hmap_put(&r->known, r->t.clients.slots[i].key,
				    r->t.clients.slots[i].klen) = r;
	}
	hmap_clear(&r->t.cmds, free_acc_cmd);
	hmap_clear(&r->t.days, free);
	hmap_clear(&r->t.clients, NULL);
	hmap_clear(&r->t.priv, free_acc_priv);
	hmap_clear(&r->t.metrics, free_acc_metric);
	hmap_clear(&r->t.execs, free_pexec);
	hmap_clear(&r->t.there, NULL);
	hmap_clear(&r->t.newclients, free_acc_client);
	hmap_clear(&r->t.opens, free_acc_open);
	hmap_clear(&r->t.summaries, free_acc_summary);
	r->t.last_id = r->t.nrolled = 0;
	r->t.active = 0;
}

void
store_rollup_free(struct rollup *r)
{
	int	i;

	if (r == NULL)
		return;
	store_rollup_end(r, 0);
	fin_clear(r);
	hmap_clear(&r->pii, free_pii);
	hmap_clear(&r->known, NULL);
	store_rowread_clear(&r->rd);
	for (i = 0; i < S_COUNT && r->db != NULL; i++)
		sqlite3_finalize(r->s[i]);
	free(r->kbuf);
	free(r);
}

/* ---- one event ---- */

static struct acc_day *
acc_day(struct rollup *r, const char *day, enum tt_source src)
{
	struct acc_day	**slot, *a;
	size_t		  n;

	n = key_build(r, src, 1, day);
	slot = (struct acc_day **)hmap_put(&r->t.days, r->kbuf, n);
	if ((a = *slot) == NULL) {
		a = *slot = xcalloc(1, sizeof *a);
		memcpy(a->day, day, 11);
		a->source = src;
	}
	return a;
}

/* Read the recent blob: up to TT_RECENT int64 little-endian. */
static int
recent_read(const void *b, int len, int64_t *v)
{
	const unsigned char	*p = b;
	uint64_t		 u;
	int			 n = len / 8, i, k;

	if (n > TT_RECENT) {
		p += (size_t)(n - TT_RECENT) * 8;
		n = TT_RECENT;
	}
	for (i = 0; i < n; i++) {
		u = 0;
		for (k = 7; k >= 0; k--)
			u = u << 8 | p[i * 8 + k];
		v[i] = (int64_t)u;
	}
	return n;
}

static void
recent_write(const int64_t *v, int n, unsigned char *p)
{
	uint64_t	u;
	int		i, k;

	for (i = 0; i < n; i++) {
		u = (uint64_t)v[i];
		for (k = 0; k < 8; k++, u >>= 8)
			p[i * 8 + k] = (unsigned char)(u & 0xff);
	}
}

/* The same for doubles: their bits, as the recent blob of a metric. */
static int
recent_read_d(const void *b, int len, double *v)
{
	int64_t	bits[TT_RECENT];
	int	n = recent_read(b, len, bits), i;

	for (i = 0; i < n; i++)
		memcpy(&v[i], &bits[i], sizeof v[i]);
	return n;
}

static void
recent_write_d(const double *v, int n, unsigned char *p)
{
	int64_t	bits[TT_RECENT];
	int	i;

	for (i = 0; i < n; i++)
		memcpy(&bits[i], &v[i], sizeof bits[i]);
	recent_write(bits, n, p);
}

static double
col_real(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN :
	    sqlite3_column_double(s, i);
}

static void
bind_real(sqlite3_stmt *s, int i, double v)
{
	if (isnan(v))
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_double(s, i, v);
}

/* The metric of d as this transaction leaves it, read from its row
 * first (NULL on error). */
static struct acc_metric *
acc_metric(struct rollup *r, const struct tt_stats_delta *d, int *rc,
    char **cause)
{
	struct acc_metric	**slot, *a;
	sqlite3_stmt		 *s;
	size_t			  n;
	int			  step;

	n = key_build(r, d->source, 1, d->metric);
	slot = (struct acc_metric **)hmap_put(&r->t.metrics, r->kbuf, n);
	if ((a = *slot) != NULL)
		return a;
	a = *slot = xcalloc(1, sizeof *a);
	a->s.source = d->source;
	a->s.name = a->name = xstrdup(d->metric);
	a->s.last_seen = TT_NONE;
	a->s.last = a->s.min = a->s.max = NAN;
	if (r->pg != NULL)	/* its row, if any, was read first */
		return a;
	s = r->s[S_MET_GET];
	store_bind_text(s, 1, tt_source_name(d->source));
	store_bind_text(s, 2, d->metric);
	if ((step = sqlite3_step(s)) == SQLITE_ROW) {
		a->kind = xstrdup(col_text(s, 0));
		a->unit = xstrdup(col_text(s, 1));
		a->s.points = sqlite3_column_int64(s, 2);
		a->s.last_seen = store_col_int(s, 3);
		a->s.last = col_real(s, 4);
		a->s.min = col_real(s, 5);
		a->s.max = col_real(s, 6);
		a->s.nrecent = recent_read_d(sqlite3_column_blob(s, 7),
		    sqlite3_column_bytes(s, 7), a->s.recent);
	}
	sqlite3_reset(s);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		fail(r, rc, cause);
		return NULL;
	}
	return a;
}

/* A metric point: its sums (the kind and unit of the latest point). */
static int
add_metric(struct rollup *r, const struct tt_stats_delta *d, int *rc,
    char **cause)
{
	struct acc_metric	*a;

	if ((a = acc_metric(r, d, rc, cause)) == NULL)
		return -1;
	free(a->kind);
	free(a->unit);
	a->s.kind = a->kind = xstrdup(d->metric_kind);
	a->s.unit = a->unit = xstrdup(d->metric_unit);
	tt_metric_stats_add(&a->s, d->ts, d->metric_value);
	return 0;
}

/* The sums of a command in this transaction; its row made if new. */
static struct acc_cmd *
acc_cmd(struct rollup *r, enum tt_source src, const char *command, int *rc,
    char **cause)
{
	struct acc_cmd	**slot, *a;
	sqlite3_stmt	 *s;
	size_t		  n;
	int		  step;

	n = key_build(r, src, 1, command);
	slot = (struct acc_cmd **)hmap_put(&r->t.cmds, r->kbuf, n);
	if ((a = *slot) != NULL)
		return a;
	a = *slot = xcalloc(1, sizeof *a);
	a->last_seen = a->max_ms = TT_NONE;
	a->hist = tt_hist_create();
	a->source = src;
	a->command = xstrdup(command);
	if (r->pg != NULL)	/* its recent durations merged at the end */
		return a;
	s = r->s[S_CMD_GET];
	store_bind_text(s, 1, tt_source_name(src));
	store_bind_text(s, 2, command);
	if ((step = sqlite3_step(s)) == SQLITE_ROW) {
		a->id = sqlite3_column_int64(s, 0);
		a->nrecent = recent_read(sqlite3_column_blob(s, 1),
		    sqlite3_column_bytes(s, 1), a->recent);
	}
	sqlite3_reset(s);
	if (step == SQLITE_ROW)
		return a;
	if (step != SQLITE_DONE) {
		fail(r, rc, cause);
		return NULL;
	}
	s = r->s[S_CMD_NEW];
	store_bind_text(s, 1, tt_source_name(src));
	store_bind_text(s, 2, command);
	if (run(r, s, rc, cause) != 0)
		return NULL;
	a->id = sqlite3_last_insert_rowid(r->db);
	return a;
}

/*
 * The state of ev's execution (ev is stored: its id is set) before it:
 * remembered if it finished among the last FIN_MAX; else its start
 * through events_execution (a late finish pairs however late), and for a
 * finish whether it was sent before, at the same time, through events_ts
 * (a sender's retry, after a restart too).  So a second finish of another
 * time, or a start after its finish, counts as the replay would only
 * within the last FIN_MAX finishes of this process.  x->command is in
 * *owned (caller frees); the execution's key in r->kbuf (*klen).
 */
/*
 * exec_state() on PostgreSQL: what its execution's earlier events made
 * of it, read first (its first start and first finish, worked out in
 * order as a replay would) and kept up by the transaction's own events;
 * no window of finishes is needed.  The key is left in r->kbuf (*klen).
 */
static int
exec_state_pg(struct rollup *r, const struct tt_event *ev, struct tt_exec *x,
    char **owned, size_t *klen)
{
	struct pexec	*p;

	*klen = key_build(r, ev->source, 1, ev->execution_id);
	if ((p = hmap_get(&r->t.execs, r->kbuf, *klen)) != NULL) {
		*x = p->x;
		x->command = *owned = xstrdup(p->command);
	} else
		x->command = *owned = xstrdup(tt_event_command(ev));
	return 0;
}

/* On PostgreSQL, after ev: its execution as it leaves it (key: in
 * r->kbuf, klen). */
static void
exec_seen_pg(struct rollup *r, size_t klen, const struct tt_exec *x)
{
	struct pexec	**slot;

	slot = (struct pexec **)hmap_put(&r->t.execs, r->kbuf, klen);
	if (*slot == NULL) {
		*slot = xcalloc(1, sizeof **slot);
		(*slot)->command = xstrdup(x->command);
	}
	(*slot)->x = *x;
	(*slot)->x.command = (*slot)->command;
}

static int
exec_state(struct rollup *r, const struct tt_event *ev, struct tt_exec *x,
    char **owned, size_t *klen, int *rc, char **cause)
{
	struct tt_event	 e;
	struct fin	*f;
	sqlite3_stmt	*s;
	int		 step;

	memset(x, 0, sizeof *x);
	*owned = NULL;
	if (r->pg != NULL)
		return exec_state_pg(r, ev, x, owned, klen);
	*klen = key_build(r, ev->source, 1, ev->execution_id);
	if ((f = fin_get(r, *klen)) != NULL) {
		x->command = *owned = xstrdup(f->command);
		x->start_ts = f->start_ts;
		x->finish_ts = f->finish_ts;
		x->started = f->started;
		x->finished = 1;
		x->timed = f->timed;
		return 0;
	}
	s = r->s[S_START];
	store_bind_text(s, 1, ev->execution_id);
	store_bind_text(s, 2, tt_source_name(ev->source));
	sqlite3_bind_int64(s, 3, ev->id);
	if ((step = sqlite3_step(s)) == SQLITE_ROW) {
		tt_event_init(&e);
		e.command = (char *)(uintptr_t)sqlite3_column_text(s, 1);
		e.name = (char *)(uintptr_t)sqlite3_column_text(s, 2);
		x->started = 1;
		x->start_ts = store_col_int(s, 0);
		x->command = *owned = xstrdup(tt_event_command(&e));
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return fail(r, rc, cause);
	if (*owned == NULL)
		x->command = *owned = xstrdup(tt_event_command(ev));
	if (ev->phase != TT_PHASE_FINISH)
		return 0;
	s = r->s[S_SAME_FINISH];
	sqlite3_bind_int64(s, 1, ev->ts);
	store_bind_text(s, 2, ev->execution_id);
	store_bind_text(s, 3, tt_source_name(ev->source));
	sqlite3_bind_int64(s, 4, ev->id);
	if ((step = sqlite3_step(s)) == SQLITE_ROW) {
		x->finished = 1;	/* this one is sent again */
		x->finish_ts = ev->ts;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return fail(r, rc, cause);
	return 0;
}

/* The findings of a pii text, parsed (cached: texts repeat). */
const struct pii_parsed *
store_rollup_pii(struct rollup *r, const char *pii)
{
	return store_pii_parse(&r->pii, pii);
}

void
store_pii_cache_clear(struct hmap *cache)
{
	hmap_clear(cache, free_pii);
}

const struct pii_parsed *
store_pii_parse(struct hmap *cache, const char *pii)
{
	struct pii_parsed	**slot, *pp;
	cJSON			 *root;
	const cJSON		 *f, *field, *kind, *grade;
	size_t			  len = strlen(pii), n;
	char			 *k;
	const char		 *g;

	if (cache->n >= PII_CACHE_MAX)
		hmap_clear(cache, free_pii);
	slot = (struct pii_parsed **)hmap_put(cache, pii, len);
	if ((pp = *slot) != NULL)
		return pp;
	pp = *slot = xcalloc(1, sizeof *pp);
	/* as json_valid() reads it: nothing may follow the value (the
	 * length takes the NUL in, which is what cJSON checks for) */
	if ((root = cJSON_ParseWithLengthOpts(pii, len + 1, NULL, 1)) == NULL)
		return pp;
	cJSON_ArrayForEach(f, root) {
		field = cJSON_GetObjectItemCaseSensitive(f, "field");
		kind = cJSON_GetObjectItemCaseSensitive(f, "kind");
		grade = cJSON_GetObjectItemCaseSensitive(f, "grade");
		if (!cJSON_IsString(field) || !cJSON_IsString(kind))
			continue;
		g = cJSON_IsString(grade) ? grade->valuestring : "";
		n = key_join(&k, field->valuestring, kind->valuestring, g);
		pp->keys = xrealloc(pp->keys, (pp->n + 1) * sizeof *pp->keys);
		pp->klen = xrealloc(pp->klen, (pp->n + 1) * sizeof *pp->klen);
		pp->paths = xrealloc(pp->paths, (pp->n + 1) *
		    sizeof *pp->paths);
		pp->kind = xrealloc(pp->kind, (pp->n + 1) * sizeof *pp->kind);
		pp->keys[pp->n] = k;
		pp->klen[pp->n] = n;
		pp->paths[pp->n] = xstrdup(field->valuestring);
		tt_shape_path(pp->paths[pp->n], strlen(pp->paths[pp->n]));
		pp->kind[pp->n] = tt_privacy_kind_index(kind->valuestring);
		pp->n++;
	}
	cJSON_Delete(root);
	return pp;
}

/* Count ev's privacy findings (what store_privacy() groups). */
static void
privacy(struct rollup *r, const struct tt_event *ev)
{
	const struct pii_parsed	 *pp;
	struct acc_priv		**slot, *a;
	const char		 *k;
	size_t			  i;

	if (ev->pii == NULL || strcmp(ev->pii, "[]") == 0)
		return;
	pp = store_rollup_pii(r, ev->pii);
	for (i = 0; i < pp->n; i++) {
		/* the source byte, then field\0kind\0grade */
		k = pp->keys[i];
		if (1 + pp->klen[i] > r->kcap) {
			r->kcap = (1 + pp->klen[i]) * 2;
			r->kbuf = xrealloc(r->kbuf, r->kcap);
		}
		r->kbuf[0] = (char)('A' + (int)ev->source);
		memcpy(r->kbuf + 1, k, pp->klen[i]);
		slot = (struct acc_priv **)hmap_put(&r->t.priv, r->kbuf,
		    1 + pp->klen[i]);
		if ((a = *slot) == NULL) {
			a = *slot = xcalloc(1, sizeof *a);
			a->source = xstrdup(tt_source_name(ev->source));
			a->field = xstrdup(k);
			k += strlen(k) + 1;
			a->kind = xstrdup(k);
			k += strlen(k) + 1;
			a->grade = xstrdup(k);
		}
		a->n++;
	}
}

static int	roll_rows(struct rollup *, int64_t, int64_t, int *, char **);
static int	sync_pg(struct store *, int *, int64_t *, char **);
static int	load_pg(struct store *, const char *, struct tt_stats *,
		    int64_t, char **);
static int	privacy_pg(struct store *, const char *,
		    void (*)(void *, const struct store_privacy_row *), void *,
		    char **);


/* ---- what an event writes on PostgreSQL, kept for the end ---- */

/* (day, source, client) new (key: r->kbuf, klen). */
static void
client_new_pg(struct rollup *r, size_t klen, struct tt_stats_delta *d,
    const struct tt_event *ev)
{
	struct acc_client	**slot;

	slot = (struct acc_client **)hmap_put(&r->t.newclients, r->kbuf, klen);
	if (*slot == NULL) {
		*slot = xcalloc(1, sizeof **slot);
		memcpy((*slot)->day, d->day, 11);
		(*slot)->source = ev->source;
		(*slot)->client = xstrdup(ev->client_id);
		(*slot)->first_id = ev->id;
	}
	d->new_client = 1;
	acc_day(r, d->day, ev->source)->clients++;
}

/* A Summary's counts (json, moved in): the latest of its client's day. */
static void
summary_pg(struct rollup *r, const char *day, const struct tt_event *ev,
    char *json)
{
	struct acc_summary	**slot, *a;
	const char		 *client = ev->client_id != NULL ?
				    ev->client_id : "";
	size_t			  n;

	n = key_build(r, ev->source, 2, day, client);
	slot = (struct acc_summary **)hmap_put(&r->t.summaries, r->kbuf, n);
	if ((a = *slot) == NULL) {
		a = *slot = xcalloc(1, sizeof *a);
		memcpy(a->day, day, 11);
		a->source = ev->source;
		a->client = xstrdup(client);
	} else if (ev->ts < a->ts) {
		free(json);
		return;
	}
	free(a->json);
	a->json = json;
	a->ts = ev->ts;
}

/* An execution opened (d->open > 0) or closed. */
static void
open_pg(struct rollup *r, const struct tt_event *ev, const char *command,
    const struct tt_stats_delta *d)
{
	struct acc_open	**slot, *a;
	size_t		  n;

	n = key_build(r, ev->source, 1, ev->execution_id);
	slot = (struct acc_open **)hmap_put(&r->t.opens, r->kbuf, n);
	if ((a = *slot) == NULL) {
		a = *slot = xcalloc(1, sizeof *a);
		a->source = ev->source;
		a->execution_id = xstrdup(ev->execution_id);
	}
	free(a->command);
	a->command = xstrdup(command);
	a->open = d->open > 0;
	a->start_ts = d->start_ts;
}

/*
 * Start summing a transaction: check the zone the days are in, and count
 * the events stored past the rollups first (those before first, the
 * transaction's first event).
 */
static int
txn_begin(struct rollup *r, int64_t first, int *rc, char **cause)
{
	sqlite3_stmt	*s = r->s[S_ZONE_GET];
	const char	*z;
	int64_t		 last;
	int		 same = 0, step;

	r->t.active = 1;
	if (r->pg != NULL)	/* the zone is checked with the reads first */
		return 0;
	if (sqlite3_step(r->s[S_VERSION]) == SQLITE_ROW &&
	    sqlite3_column_int64(r->s[S_VERSION], 0) != r->version) {
		r->version = sqlite3_column_int64(r->s[S_VERSION], 0);
		hmap_clear(&r->known, NULL);
	}
	sqlite3_reset(r->s[S_VERSION]);
	if ((step = sqlite3_step(s)) == SQLITE_ROW) {
		z = (const char *)sqlite3_column_text(s, 0);
		same = z != NULL && (strcmp(z, my_zone()) == 0 || *z == '\0');
	}
	sqlite3_reset(s);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return fail(r, rc, cause);
	if (!same) {
		/* Days of another zone, or none: ours will not agree. */
		s = r->s[S_ZONE_SET];
		store_bind_text(s, 1, "");
		if (run(r, s, rc, cause) != 0)
			return -1;
	}
	/* Rows no commit counted: count them now, before ours. */
	s = r->s[S_LAST_GET];
	sqlite3_bind_int64(s, 1, first);
	if ((step = sqlite3_step(s)) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL &&
	    sqlite3_column_int64(s, 1) > sqlite3_column_int64(s, 0)) {
		last = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		return roll_rows(r, last, first, rc, cause);
	}
	sqlite3_reset(s);
	if (step != SQLITE_ROW)
		return fail(r, rc, cause);
	return 0;
}

int
store_rollup_event(struct rollup *r, const struct tt_event *ev,
    struct tt_stats_delta *d, int *rc, char **cause)
{
	struct tt_exec	 x;
	struct acc_day	*day;
	struct acc_cmd	*c;
	sqlite3_stmt	*s;
	char		*command = NULL, *json = NULL;
	size_t		 n;
	int		 has_exec, step, was, started;

	if (!r->t.active && txn_begin(r, ev->id, rc, cause) != 0)
		return -1;
	tt_stats_delta_init(d);
	if (ev->id > r->t.last_id)
		r->t.last_id = ev->id;
	d->source = ev->source;
	d->ts = ev->ts;
	memcpy(d->day, tt_day_cached(&r->dc, ev->ts), 11);
	day = acc_day(r, d->day, ev->source);
	day->events++;
	if (ev->client_id != NULL && ev->client_id[0] != '\0') {
		n = key_build(r, ev->source, 2, d->day, ev->client_id);
		if (hmap_get(&r->t.clients, r->kbuf, n) == NULL &&
		    hmap_get(&r->known, r->kbuf, n) == NULL) {
			*hmap_put(&r->t.clients, r->kbuf, n) = r;
			if (r->pg != NULL) {
				if (hmap_get(&r->t.there, r->kbuf, n) == NULL)
					client_new_pg(r, n, d, ev);
				goto clients_done;
			}
			s = r->s[S_CLIENT];
			store_bind_text(s, 1, d->day);
			store_bind_text(s, 2, tt_source_name(ev->source));
			store_bind_text(s, 3, ev->client_id);
			if (run(r, s, rc, cause) != 0)
				return -1;
			if (sqlite3_changes(r->db) > 0) {
				d->new_client = 1;
				day->clients++;
			}
		}
	}
clients_done:
	if ((d->summary = tt_event_is_summary(ev)) &&
	    (json = tt_summary_json(ev)) != NULL && r->pg != NULL)
		summary_pg(r, d->day, ev, json);
	else if (d->summary && json != NULL) {
		s = r->s[S_SUMMARY];
		store_bind_text(s, 1, d->day);
		store_bind_text(s, 2, tt_source_name(ev->source));
		store_bind_text(s, 3, ev->client_id != NULL ?
		    ev->client_id : "");
		sqlite3_bind_int64(s, 4, ev->ts);
		store_bind_text(s, 5, json);
		step = run(r, s, rc, cause);
		free(json);
		if (step != 0)
			return -1;
	}
	privacy(r, ev);
	if (tt_metric_point(ev, d) == 0 && add_metric(r, d, rc, cause) != 0)
		return -1;
	if (ev->phase == TT_PHASE_POINT)
		return 0;
	has_exec = ev->execution_id != NULL && ev->execution_id[0] != '\0';
	if (has_exec) {
		if (exec_state(r, ev, &x, &command, &n, rc, cause) != 0)
			return -1;
		was = x.finished;
		started = x.started;
		tt_exec_step(&x, ev, d);
		/* finished now, or started after its finish: the key is
		 * still in r->kbuf (nothing built one since) */
		if (r->pg != NULL)
			exec_seen_pg(r, n, &x);
		else if (x.finished && (!was || x.started != started))
			fin_put(r, n, &x);
		free(command);
	} else
		tt_exec_step(NULL, ev, d);
	if ((c = acc_cmd(r, ev->source, d->command, rc, cause)) == NULL)
		return -1;
	if (d->ts > c->last_seen)
		c->last_seen = d->ts;
	if (d->finished) {
		c->count++;
		day->commands++;
		if (d->failed) {
			c->failures++;
			day->failures++;
		}
	}
	if (d->duration_ms != TT_NONE) {
		tt_hist_add(c->hist, d->duration_ms);
		if (c->max_ms == TT_NONE || d->duration_ms > c->max_ms)
			c->max_ms = d->duration_ms;
		if (c->nrecent == TT_RECENT)
			memmove(c->recent, c->recent + 1,
			    (TT_RECENT - 1) * sizeof *c->recent);
		else
			c->nrecent++;
		c->recent[c->nrecent - 1] = d->duration_ms;
		c->recent_changed = 1;
	}
	if (d->open == 0 || !has_exec)
		return 0;
	c->open += d->open;
	if (r->pg != NULL) {
		open_pg(r, ev, c->command, d);
		return 0;
	}
	if (d->open > 0) {
		s = r->s[S_OPEN];
		store_bind_text(s, 1, tt_source_name(ev->source));
		store_bind_text(s, 2, ev->execution_id);
		sqlite3_bind_int64(s, 3, c->id);
		sqlite3_bind_int64(s, 4, d->start_ts);
	} else {
		s = r->s[S_CLOSE];
		store_bind_text(s, 1, tt_source_name(ev->source));
		store_bind_text(s, 2, ev->execution_id);
	}
	return run(r, s, rc, cause);
}

/* ---- the end of a transaction ---- */

static int
flush_cmd(struct rollup *r, struct acc_cmd *c, int *rc, char **cause)
{
	sqlite3_stmt	*s = r->s[S_CMD_SET];
	unsigned char	 blob[TT_RECENT * 8];
	size_t		 i = 0;
	int64_t		 n;

	sqlite3_bind_int64(s, 1, c->id);
	sqlite3_bind_int64(s, 2, c->count);
	sqlite3_bind_int64(s, 3, c->failures);
	sqlite3_bind_int64(s, 4, c->open);
	store_bind_int(s, 5, c->last_seen);
	store_bind_int(s, 6, c->max_ms);
	if (c->recent_changed) {
		recent_write(c->recent, c->nrecent, blob);
		sqlite3_bind_blob(s, 7, blob, c->nrecent * 8, SQLITE_STATIC);
	}
	if (run(r, s, rc, cause) != 0)
		return -1;
	s = r->s[S_HIST];
	for (; (n = tt_hist_next(c->hist, &i)) != 0; i++) {
		sqlite3_bind_int64(s, 1, c->id);
		sqlite3_bind_int64(s, 2, (int64_t)i);
		sqlite3_bind_int64(s, 3, n);
		if (run(r, s, rc, cause) != 0)
			return -1;
	}
	return 0;
}

static int
flush_metric(struct rollup *r, const struct acc_metric *a, int *rc,
    char **cause)
{
	sqlite3_stmt	*s = r->s[S_MET_SET];
	unsigned char	 blob[TT_RECENT * 8];

	store_bind_text(s, 1, tt_source_name(a->s.source));
	store_bind_text(s, 2, a->s.name);
	store_bind_text(s, 3, a->s.kind);
	store_bind_text(s, 4, a->s.unit);
	sqlite3_bind_int64(s, 5, a->s.points);
	store_bind_int(s, 6, a->s.last_seen);
	bind_real(s, 7, a->s.last);
	bind_real(s, 8, a->s.min);
	bind_real(s, 9, a->s.max);
	recent_write_d(a->s.recent, a->s.nrecent, blob);
	sqlite3_bind_blob(s, 10, blob, a->s.nrecent * 8, SQLITE_STATIC);
	return run(r, s, rc, cause);
}

int
store_rollup_flush(struct rollup *r, int *rc, char **cause)
{
	struct acc_day	*d;
	struct acc_priv	*p;
	sqlite3_stmt	*s;
	size_t		 i;

	for (i = 0; i < r->t.metrics.cap; i++)
		if (r->t.metrics.slots[i].key != NULL &&
		    flush_metric(r, r->t.metrics.slots[i].value, rc,
		    cause) != 0)
			return -1;
	for (i = 0; i < r->t.cmds.cap; i++)
		if (r->t.cmds.slots[i].key != NULL &&
		    flush_cmd(r, r->t.cmds.slots[i].value, rc, cause) != 0)
			return -1;
	s = r->s[S_DAY];
	for (i = 0; i < r->t.days.cap; i++) {
		if (r->t.days.slots[i].key == NULL)
			continue;
		d = r->t.days.slots[i].value;
		store_bind_text(s, 1, d->day);
		store_bind_text(s, 2, tt_source_name(d->source));
		sqlite3_bind_int64(s, 3, d->events);
		sqlite3_bind_int64(s, 4, d->commands);
		sqlite3_bind_int64(s, 5, d->failures);
		sqlite3_bind_int64(s, 6, d->clients);
		if (run(r, s, rc, cause) != 0)
			return -1;
	}
	s = r->s[S_PRIV];
	for (i = 0; i < r->t.priv.cap; i++) {
		if (r->t.priv.slots[i].key == NULL)
			continue;
		p = r->t.priv.slots[i].value;
		store_bind_text(s, 1, p->source);
		store_bind_text(s, 2, p->field);
		store_bind_text(s, 3, p->kind);
		store_bind_text(s, 4, p->grade);
		sqlite3_bind_int64(s, 5, p->n);
		if (run(r, s, rc, cause) != 0)
			return -1;
	}
	if (r->t.last_id == 0)
		return 0;
	sqlite3_bind_int64(r->s[S_LAST_SET], 1, r->t.last_id);
	return run(r, r->s[S_LAST_SET], rc, cause);
}

/* ---- building them from the events ---- */

static const char *const rollup_tables[] = { "rollup_cmd", "rollup_hist",
    "rollup_open", "rollup_day", "rollup_client", "rollup_summary",
    "rollup_privacy", "rollup_metric", "rollup_meta" };

/* Roll up the events after id `after` and before `before` from their
 * rows, in order (their deltas go nowhere: no live model saw them). */
static int
roll_rows(struct rollup *r, int64_t after, int64_t before, int *rc,
    char **cause)
{
	struct tt_stats_delta	 d;
	struct tt_event		 ev;
	sqlite3_stmt		*s = r->s[S_ROWS];
	const char		*t;
	int			 step;

	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int64(s, 2, before);
	store_rowread_forget(&r->rd);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		tt_event_init(&ev);
		ev.id = sqlite3_column_int64(s, 0);
		ev.ts = store_col_int(s, 1);
		t = (const char *)sqlite3_column_text(s, 2);
		if (t == NULL || tt_source_parse(t, &ev.source) != 0)
			ev.source = TT_SRC_GENERIC;
		ev.name = (char *)(uintptr_t)sqlite3_column_text(s, 3);
		t = (const char *)sqlite3_column_text(s, 4);
		if (t == NULL || tt_phase_parse(t, &ev.phase) != 0)
			ev.phase = TT_PHASE_POINT;
		ev.client_id = (char *)(uintptr_t)sqlite3_column_text(s, 5);
		ev.execution_id = (char *)(uintptr_t)sqlite3_column_text(s, 6);
		ev.command = (char *)(uintptr_t)sqlite3_column_text(s, 7);
		if (sqlite3_column_type(s, 8) != SQLITE_NULL)
			ev.duration_ms = sqlite3_column_double(s, 8);
		ev.exit_code = store_col_int(s, 9);
		ev.error = (char *)(uintptr_t)sqlite3_column_text(s, 10);
		/* owned: findings as JSON, the JSON of a Summary only */
		ev.pii = store_row_pii(&r->rd, s, 11);
		ev.format = tt_format_static(col_text(s, 16));
		if (tt_event_is_summary(&ev) ||
		    strcmp(tt_signal_of(ev.format), "metric") == 0)
			ev.data = store_row_data(&r->rd, s, 12);
		ev.data_len = ev.data != NULL ? strlen(ev.data) : 0;
		step = store_rollup_event(r, &ev, &d, rc, cause);
		tt_stats_delta_clear(&d);
		free(ev.pii);
		free(ev.data);
		if (step != 0) {
			sqlite3_reset(s);
			return -1;
		}
		r->t.nrolled++;
	}
	sqlite3_reset(s);
	store_rowread_forget(&r->rd);
	if (step != SQLITE_DONE)
		return fail(r, rc, cause);
	return 0;
}

int
store_rollup_build(sqlite3 *db, char **cause)
{
	struct rollup	*r;
	struct pack	*pk;
	char		*q;
	size_t		 i;
	int		 rc = SQLITE_OK, step;

	*cause = NULL;
	for (i = 0; i < sizeof rollup_tables / sizeof rollup_tables[0]; i++) {
		q = xasprintf("DELETE FROM %s", rollup_tables[i]);
		step = store_exec(db, q, cause);
		free(q);
		if (step != 0)
			return -1;
	}
	pk = pack_new(db);
	if ((r = store_rollup_new(db, pk, cause)) == NULL) {
		pack_free(pk);
		return -1;
	}
	r->t.active = 1;	/* no zone yet, nothing counted: no checks */
	r->direct = 1;		/* it goes with the transaction anyway */
	if (roll_rows(r, 0, INT64_MAX, &rc, cause) != 0 ||
	    store_rollup_flush(r, &rc, cause) != 0)
		goto error;
	sqlite3_bind_text(r->s[S_ZONE_SET], 1, my_zone(), -1, SQLITE_STATIC);
	if (run(r, r->s[S_ZONE_SET], &rc, cause) != 0)
		goto error;
	/* nothing stored yet: they count every event up to id 0 */
	sqlite3_bind_int64(r->s[S_LAST_SET], 1, r->t.last_id);
	if (run(r, r->s[S_LAST_SET], &rc, cause) != 0)
		goto error;
	store_rollup_free(r);
	pack_free(pk);
	return 0;
error:
	store_rollup_free(r);
	pack_free(pk);
	return -1;
}

/*
 * Can readers take the rollups: 1 when they count every event stored
 * (and, with zone, their days are in ours), 0 when not, -1 on error.
 * *rebuild (if not NULL) says whether only a rebuild would do.
 */
static int
usable(sqlite3 *db, int zone, int *rebuild, char **cause)
{
	sqlite3_stmt	*s;
	const char	*z;
	int		 ok = 0, step, mine = 0;

	if (sqlite3_prepare_v2(db, "SELECT (SELECT value FROM rollup_meta "
	    "WHERE key = 'zone'), (SELECT value FROM rollup_meta WHERE key = "
	    "'last_id'), (SELECT coalesce(max(id), 0) FROM events)", -1, &s,
	    NULL) != SQLITE_OK) {
		*cause = xasprintf("rollups: %s", sqlite3_errmsg(db));
		return -1;
	}
	if ((step = sqlite3_step(s)) == SQLITE_ROW) {
		z = (const char *)sqlite3_column_text(s, 0);
		mine = z != NULL && strcmp(z, my_zone()) == 0;
		ok = sqlite3_column_type(s, 1) != SQLITE_NULL &&
		    sqlite3_column_int64(s, 1) >= sqlite3_column_int64(s, 2) &&
		    (mine || !zone);
		if (rebuild != NULL)
			*rebuild = !mine || sqlite3_column_type(s, 1) ==
			    SQLITE_NULL;
	}
	sqlite3_finalize(s);
	if (step != SQLITE_ROW) {
		*cause = xasprintf("rollups: %s", sqlite3_errmsg(db));
		return -1;
	}
	return ok;
}

int
store_rollup_sync(struct store *st, int *rebuilt, int64_t *rolled,
    char **cause)
{
	struct rollup	*r;
	int		 ok, rebuild, rc = SQLITE_OK;

	*cause = NULL;
	*rebuilt = 0;
	*rolled = 0;
	if (st->pg != NULL)
		return sync_pg(st, rebuilt, rolled, cause);
	if ((ok = usable(st->db, 1, NULL, cause)) != 0)
		return ok < 0 ? -1 : 0;
	if (store_exec(st->db, "BEGIN IMMEDIATE", cause) != 0)
		return -1;
	/* Another process may have done it meanwhile. */
	if ((ok = usable(st->db, 1, &rebuild, cause)) != 0)
		goto done;
	if (rebuild) {
		if ((ok = store_rollup_build(st->db, cause)) == 0) {
			*rebuilt = 1;
			/* our own rows changed: data_version will not say */
			if (st->wc.ru != NULL)
				hmap_clear(&st->wc.ru->known, NULL);
		}
		goto done;
	}
	/* a transaction of no event of its own: the rows past last_id */
	if ((r = store_rollup_new(st->db, st->wc.pack, cause)) == NULL) {
		ok = -1;
		goto done;
	}
	if ((ok = txn_begin(r, INT64_MAX, &rc, cause)) == 0 &&
	    (ok = store_rollup_flush(r, &rc, cause)) == 0)
		*rolled = r->t.nrolled;
	store_rollup_free(r);
done:
	if (ok < 0) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (store_exec(st->db, "COMMIT", cause) != 0) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/* ---- reading them ---- */

/* Prepare a reader's statement, its ?1 the source (NULL: all). */
static sqlite3_stmt *
reader(struct store *st, const char *q, const char *source, char **cause)
{
	sqlite3_stmt	*s;

	if (sqlite3_prepare_v2(st->db, q, -1, &s, NULL) != SQLITE_OK) {
		*cause = xasprintf("reading rollups: %s",
		    sqlite3_errmsg(st->db));
		return NULL;
	}
	if (source != NULL)
		sqlite3_bind_text(s, 1, source, -1, SQLITE_TRANSIENT);
	return s;
}

/* Finish a reader: -1 with *cause unless it ran to its end. */
static int
reader_done(struct store *st, sqlite3_stmt *s, int step, char **cause)
{
	sqlite3_finalize(s);
	if (step == SQLITE_DONE)
		return 0;
	*cause = xasprintf("reading rollups: %s", sqlite3_errmsg(st->db));
	return -1;
}

static int
load_cmds(struct store *st, const char *source, struct tt_stats *out,
    char **cause)
{
	sqlite3_stmt	*s;
	struct tt_hist	*h = NULL;
	int64_t		 recent[TT_RECENT], id = -1;
	int		 step, n;

	s = reader(st, "SELECT c.id, c.source, c.command, c.count, "
	    "c.failures, c.open, c.last_seen, c.max_ms, c.recent, h.bucket, "
	    "h.n FROM rollup_cmd c LEFT JOIN rollup_hist h ON h.cmd = c.id "
	    "WHERE ?1 IS NULL OR c.source = ?1 ORDER BY c.id, h.bucket",
	    source, cause);
	if (s == NULL)
		return -1;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_int64(s, 0) != id) {
			id = sqlite3_column_int64(s, 0);
			n = recent_read(sqlite3_column_blob(s, 8),
			    sqlite3_column_bytes(s, 8), recent);
			h = tt_stats_load_cmd(out, col_source(s, 1),
			    col_text(s, 2), sqlite3_column_int64(s, 3),
			    sqlite3_column_int64(s, 4),
			    sqlite3_column_int64(s, 5), store_col_int(s, 6),
			    store_col_int(s, 7), recent, n);
		}
		if (sqlite3_column_type(s, 9) != SQLITE_NULL &&
		    sqlite3_column_int64(s, 9) >= 0)
			tt_hist_add_bucket(h, (size_t)sqlite3_column_int64(s,
			    9), sqlite3_column_int64(s, 10));
	}
	return reader_done(st, s, step, cause);
}

/* The open starts younger than the model's orphan timeout: running. */
static int
load_open(struct store *st, const char *source, struct tt_stats *out,
    int64_t now, char **cause)
{
	sqlite3_stmt	*s;
	int64_t		 limit;
	int		 step;

	if (__builtin_sub_overflow(now, tt_stats_orphan_after(out), &limit))
		limit = INT64_MIN;
	s = reader(st, "SELECT o.source, c.command, o.execution_id, "
	    "o.start_ts FROM rollup_open o JOIN rollup_cmd c ON c.id = o.cmd "
	    "WHERE o.start_ts > ?2 AND (?1 IS NULL OR o.source = ?1)",
	    source, cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 2, limit);
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		tt_stats_load_open(out, col_source(s, 0), col_text(s, 1),
		    col_text(s, 2), sqlite3_column_int64(s, 3));
	return reader_done(st, s, step, cause);
}

static int
load_days(struct store *st, const char *source, struct tt_stats *out,
    char **cause)
{
	sqlite3_stmt	*s;
	int		 step;

	s = reader(st, "SELECT day, source, events, commands, failures, "
	    "clients FROM rollup_day WHERE ?1 IS NULL OR source = ?1",
	    source, cause);
	if (s == NULL)
		return -1;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		tt_stats_load_day(out, col_text(s, 0), col_source(s, 1),
		    sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3),
		    sqlite3_column_int64(s, 4), sqlite3_column_int64(s, 5));
	return reader_done(st, s, step, cause);
}

static int
load_summaries(struct store *st, const char *source, struct tt_stats *out,
    char **cause)
{
	sqlite3_stmt	*s;
	int		 step;

	s = reader(st, "SELECT day, source, client, ts, counts FROM "
	    "rollup_summary WHERE ?1 IS NULL OR source = ?1", source, cause);
	if (s == NULL)
		return -1;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		(void)tt_stats_load_summary(out, col_text(s, 0),
		    col_source(s, 1), col_text(s, 2),
		    sqlite3_column_int64(s, 3), col_text(s, 4));
	return reader_done(st, s, step, cause);
}

static int
load_metrics(struct store *st, const char *source, struct tt_stats *out,
    char **cause)
{
	sqlite3_stmt	*s;
	double		 recent[TT_RECENT];
	int		 step, n;

	s = reader(st, "SELECT source, name, kind, unit, points, last_seen, "
	    "last, min, max, recent FROM rollup_metric WHERE ?1 IS NULL OR "
	    "source = ?1", source, cause);
	if (s == NULL)
		return -1;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		n = recent_read_d(sqlite3_column_blob(s, 9),
		    sqlite3_column_bytes(s, 9), recent);
		tt_stats_load_metric(out, col_source(s, 0), col_text(s, 1),
		    col_text(s, 2), col_text(s, 3), sqlite3_column_int64(s, 4),
		    store_col_int(s, 5), col_real(s, 6), col_real(s, 7),
		    col_real(s, 8), recent, n);
	}
	return reader_done(st, s, step, cause);
}

int
store_rollup_load(struct store *st, const char *source, struct tt_stats *out,
    int64_t now, char **cause)
{
	int	ok, rc = -1;

	*cause = NULL;
	if (st->pg != NULL)
		return load_pg(st, source, out, now, cause);
	/* One read transaction: the rows agree with one another. */
	if (store_exec(st->db, "BEGIN", cause) != 0)
		return -1;
	if ((ok = usable(st->db, 1, NULL, cause)) == 0)
		rc = 1;
	else if (ok > 0 && load_cmds(st, source, out, cause) == 0 &&
	    load_open(st, source, out, now, cause) == 0 &&
	    load_days(st, source, out, cause) == 0 &&
	    load_summaries(st, source, out, cause) == 0 &&
	    load_metrics(st, source, out, cause) == 0)
		rc = 0;
	sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

int64_t
store_rollup_events(struct store *st)
{
	int64_t	 n;
	char	*cause = NULL;

	if (st->pg != NULL) {
		if (store_rollup_pg_events(st->pg, &n, &cause) != 0)
			free(cause);
		return n;
	}
	return store_int64(st->db,
	    "SELECT coalesce(sum(events), 0) FROM rollup_day");
}

int
store_rollup_privacy(struct store *st, const char *source,
    void (*cb)(void *, const struct store_privacy_row *), void *arg,
    char **cause)
{
	struct store_privacy_row	 r;
	sqlite3_stmt			*s;
	int				 step;

	*cause = NULL;
	if (st->pg != NULL)
		return privacy_pg(st, source, cb, arg, cause);
	if ((step = usable(st->db, 0, NULL, cause)) <= 0)
		return step < 0 ? -1 : 1;
	s = reader(st, "SELECT source, field, kind, grade, events FROM "
	    "rollup_privacy WHERE events > 0 AND (?1 IS NULL OR source = ?1) "
	    "ORDER BY source, events DESC, field, kind, grade", source, cause);
	if (s == NULL)
		return -1;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		r.source = col_text(s, 0);
		r.field = col_text(s, 1);
		r.kind = col_text(s, 2);
		r.red = strcmp(col_text(s, 3), "red") == 0;
		r.events = sqlite3_column_int64(s, 4);
		cb(arg, &r);
	}
	return reader_done(st, s, step, cause);
}

/* ---- on PostgreSQL ---- */

/*
 * The same rollups in PostgreSQL's tables (store/pg.c's migration 6), the
 * same deltas worked out by the same code above; what differs is how they
 * read and write.  Instead of a statement an event, a transaction reads
 * what its events need first, in a few statements of many rows each
 * (every execution's first start before it, the finishes at the same
 * time, the clients already counted, the metrics' rows), then works out
 * its events in order, keeping those reads up to date with them, and
 * writes the sums at its end, a statement a table.
 *
 * A commit of events holds an advisory lock to its end (pg.c's begin()),
 * so two collectors' transactions come one after another: what one reads
 * is what the one before committed, and the rows of a command (its recent
 * durations, read and written whole) and of a metric never race.  The
 * window of finished executions (struct fin) is each collector's own, so
 * a finish sent again at another time through another collector counts
 * again, as after a restart on SQLite.
 *
 * Days are in the zone of rollup_meta 'zone', as on SQLite: a writer of
 * another zone marks it '' (no reader trusts them), a collector of another
 * zone rebuilds them at start, holding the commits' lock meanwhile.  So
 * collectors of one database should share a zone (TZ); when they do not,
 * readers replay the events kept.
 *
 * Rows past rollup_meta 'last_id' are rolled up from their rows first.
 * A writer that takes no lock (psql, say) may commit ids below a commit's
 * after it: those are not counted.  Other collectors' events come to a
 * viewer with the deltas their commits worked out, read back
 * (store_rollup_pg_heard): each execution's first start and finish before
 * the event, and the event that first counted each client of a day
 * (rollup_client.first_id).
 */

#define PG_ROLL_CHUNK	1000	/* events a build works out at a time */

_Static_assert(TT_PHASE_START == 1 && TT_PHASE_FINISH == 2,
    "the phase numbers in the statements below");

/* What a statement of many rows asks: one array a column, and the keys
 * of its rows (what its answers' ordinals map back to). */
struct ask {
	struct pg_array	 col[10];
	int		 ncol;
	char		**keys;
	size_t		 *klen;
	size_t		  n, cap;
};

static void
ask_init(struct ask *a, int ncol)
{
	int	i;

	memset(a, 0, sizeof *a);
	a->ncol = ncol;
	for (i = 0; i < ncol; i++)
		pg_array_init(&a->col[i]);
}

static void
ask_free(struct ask *a)
{
	size_t	i;
	int	k;

	for (k = 0; k < a->ncol; k++)
		pg_array_free(&a->col[k]);
	for (i = 0; i < a->n; i++)
		free(a->keys[i]);
	free(a->keys);
	free(a->klen);
}

/* A row of a, its key the one in r->kbuf (klen). */
static void
ask_key(struct ask *a, const struct rollup *r, size_t klen)
{
	if (a->n == a->cap) {
		a->cap = a->cap != 0 ? a->cap * 2 : 64;
		a->keys = xrealloc(a->keys, a->cap * sizeof *a->keys);
		a->klen = xrealloc(a->klen, a->cap * sizeof *a->klen);
	}
	a->keys[a->n] = xmalloc(klen);
	memcpy(a->keys[a->n], r->kbuf, klen);
	a->klen[a->n++] = klen;
}

/* Run sql with a's columns, then extra (a text parameter, or NULL), as
 * its parameters. */
static int
ask_run(struct rollup *r, struct ask *a, const char *q, const char *extra,
    void (*row)(void *, int, const char *const *), void *arg, char **cause)
{
	const char	*v[11];
	int		 k;

	for (k = 0; k < a->ncol; k++)
		v[k] = pg_array_text(&a->col[k]);
	if (extra != NULL)
		v[k++] = extra;
	return pg_run(r->pg, q, k, v, row, arg, cause);
}

/* The text of a number list ("1 2 3"), oldest first, into v (at most
 * TT_RECENT, the newest kept). */
static int
recent_parse(const char *t, double *v)
{
	double	all[TT_RECENT * 2];
	char	*end;
	int	 n = 0, i, from;

	while (t != NULL && *t != '\0') {
		double x = strtod(t, &end);

		if (end == t)
			break;
		if (n == TT_RECENT * 2) {	/* never written so long */
			memmove(all, all + TT_RECENT, TT_RECENT * sizeof *all);
			n = TT_RECENT;
		}
		all[n++] = x;
		t = end;
	}
	from = n > TT_RECENT ? n - TT_RECENT : 0;
	for (i = from; i < n; i++)
		v[i - from] = all[i];
	return n - from;
}

static char *
recent_text(const double *v, int n, int integers)
{
	char	*buf = xmalloc((size_t)n * 26 + 1);
	size_t	 len = 0;
	int	 i;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)(integers ? sprintf(buf + len, "%s%lld",
		    i > 0 ? " " : "", (long long)v[i]) : sprintf(buf + len,
		    "%s%.17g", i > 0 ? " " : "", v[i]));
	return buf;
}

struct got {
	struct rollup	*r;
	struct ask	*a;
	struct hmap	*into;
	int		 kind;
};

enum { GOT_EXEC, GOT_SET, GOT_METRIC, GOT_RECENT };

/*
 * An execution's first start (v[0..3]: id, ts, command, name) and first
 * finish (v[4..8]: the same, and its duration) worked out in id order:
 * what every earlier event of it made of its state (those after the
 * first of each phase are duplicates, which change nothing).
 */
static void
exec_fold(struct pexec *p, const char *const *v)
{
	struct tt_stats_delta	 d;
	struct tt_event		 e[2], *in[2];
	struct tt_exec		 x;
	int			 k, n = 0;

	memset(&x, 0, sizeof x);
	for (k = 0; k < 2; k++) {
		tt_event_init(&e[k]);
		if (v[4 * k] == NULL)
			continue;
		e[k].phase = k == 0 ? TT_PHASE_START : TT_PHASE_FINISH;
		e[k].id = strtoll(v[4 * k], NULL, 10);
		e[k].ts = strtoll(v[4 * k + 1], NULL, 10);
		e[k].command = (char *)(uintptr_t)v[4 * k + 2];
		e[k].name = (char *)(uintptr_t)v[4 * k + 3];
		in[n++] = &e[k];
	}
	if (v[8] != NULL)
		e[1].duration_ms = strtod(v[8], NULL);
	if (n == 2 && in[1]->id < in[0]->id) {
		in[0] = &e[1];
		in[1] = &e[0];
	}
	/* the first event names the command, as in the model */
	p->command = xstrdup(tt_event_command(in[0]));
	x.command = p->command;
	for (k = 0; k < n; k++) {
		tt_stats_delta_init(&d);
		tt_exec_step(&x, in[k], &d);
		tt_stats_delta_clear(&d);
	}
	p->x = x;
	p->x.command = p->command;
}

static void
got_row(void *arg, int i, const char *const *v)
{
	struct got		*g = arg;
	struct pexec		**pslot;
	struct acc_metric	*m;
	struct acc_cmd		*c;
	int64_t			 recent[TT_RECENT];
	double			 d[TT_RECENT];
	size_t			 n;
	int			 k, nr;

	(void)i;
	n = (size_t)strtoll(v[0], NULL, 10);	/* its ordinal, from 1 */
	if (n < 1 || n > g->a->n)
		return;
	n--;
	switch (g->kind) {
	case GOT_EXEC:
		pslot = (struct pexec **)hmap_put(g->into, g->a->keys[n],
		    g->a->klen[n]);
		if (*pslot == NULL) {
			*pslot = xcalloc(1, sizeof **pslot);
			exec_fold(*pslot, v + 1);
		}
		break;
	case GOT_SET:
		*hmap_put(g->into, g->a->keys[n], g->a->klen[n]) = g->r;
		break;
	case GOT_METRIC:
		if ((m = hmap_get(g->into, g->a->keys[n], g->a->klen[n])) ==
		    NULL)
			return;
		free(m->kind);
		free(m->unit);
		m->s.kind = m->kind = xstrdup(v[1] != NULL ? v[1] : "");
		m->s.unit = m->unit = xstrdup(v[2] != NULL ? v[2] : "");
		m->s.points = v[3] != NULL ? strtoll(v[3], NULL, 10) : 0;
		m->s.last_seen = v[4] != NULL ? strtoll(v[4], NULL, 10) :
		    TT_NONE;
		m->s.last = v[5] != NULL ? strtod(v[5], NULL) : NAN;
		m->s.min = v[6] != NULL ? strtod(v[6], NULL) : NAN;
		m->s.max = v[7] != NULL ? strtod(v[7], NULL) : NAN;
		m->s.nrecent = recent_parse(v[8], m->s.recent);
		break;
	case GOT_RECENT:
		/* the row's durations, then the transaction's */
		if ((c = hmap_get(g->into, g->a->keys[n], g->a->klen[n])) ==
		    NULL)
			return;
		nr = recent_parse(v[1], d);
		for (k = 0; k < nr; k++)
			recent[k] = (int64_t)d[k];
		for (k = 0; k < c->nrecent; k++) {
			if (nr == TT_RECENT) {
				memmove(recent, recent + 1, (TT_RECENT - 1) *
				    sizeof *recent);
				nr--;
			}
			recent[nr++] = c->recent[k];
		}
		memcpy(c->recent, recent, (size_t)nr * sizeof *recent);
		c->nrecent = nr;
		break;
	}
}

/* What rollup_meta says, and the last event id before a point. */
struct meta {
	char	*zone;		/* "" none, NULL when never built */
	int64_t	 last_id;	/* the last counted; -1: never built */
	int64_t	 max_id;	/* the greatest stored before it */
};

static void
meta_row(void *arg, int i, const char *const *v)
{
	struct meta	*m = arg;

	(void)i;
	m->zone = v[0] != NULL ? xstrdup(v[0]) : NULL;
	m->last_id = v[1] != NULL ? strtoll(v[1], NULL, 10) : -1;
	m->max_id = v[2] != NULL ? strtoll(v[2], NULL, 10) : 0;
}

static int
meta_pg(struct pg *pg, int64_t before, struct meta *m, char **cause)
{
	char		 num[32];
	const char	*v[1] = { num };

	memset(m, 0, sizeof *m);
	m->last_id = -1;
	snprintf(num, sizeof num, "%lld", (long long)before);
	return pg_run(pg, "SELECT (SELECT value FROM rollup_meta WHERE key = "
	    "'zone'), (SELECT value FROM rollup_meta WHERE key = 'last_id'), "
	    "(SELECT coalesce(max(id), 0) FROM events WHERE id < $1::bigint)",
	    1, v, meta_row, m, cause);
}

/* Do the rollups count every event, their days in our zone (zone)? */
static int
meta_usable(const struct meta *m, int zone)
{
	return m->zone != NULL && m->last_id >= m->max_id &&
	    (!zone || strcmp(m->zone, my_zone()) == 0);
}

static int	roll_between_pg(struct pg *, int64_t, int64_t, int64_t *,
		    char **);

/* The rollups count every event up to id (or further already). */
static int
last_set_pg(struct pg *pg, int64_t id, char **cause)
{
	char		 num[32];
	const char	*v[1] = { num };

	snprintf(num, sizeof num, "%lld", (long long)id);
	return pg_run(pg, "INSERT INTO rollup_meta AS m (key, value) VALUES "
	    "('last_id', $1) ON CONFLICT (key) DO UPDATE SET value = "
	    "greatest(m.value::bigint, excluded.value::bigint)::text", 1, v,
	    NULL, NULL, cause);
}

static int
zone_set_pg(struct pg *pg, const char *zone, char **cause)
{
	const char	*v[1] = { zone };

	return pg_run(pg, "INSERT INTO rollup_meta (key, value) VALUES "
	    "('zone', $1) ON CONFLICT (key) DO UPDATE SET value = "
	    "excluded.value", 1, v, NULL, NULL, cause);
}

/*
 * Read what the events (in id order, all stored) need: their executions'
 * first start and first finish before the first of them, their clients
 * already counted and their metrics' rows.
 */
static int
prefetch_pg(struct rollup *r, struct tt_event *const *evs, size_t nev,
    char **cause)
{
	struct ask		 st, cl, me;
	struct got		 g;
	struct hmap		 asked;
	struct tt_stats_delta	 d;
	const char		*day;
	struct meta		 mt;
	char			 first[32];
	size_t			 i, n;
	int			 ok = -1;

	if (!r->rolling) {
		if (meta_pg(r->pg, nev > 0 ? evs[0]->id : INT64_MAX, &mt,
		    cause) != 0)
			return -1;
		/* days of another zone, or none: ours will not agree */
		ok = (mt.zone == NULL || (*mt.zone != '\0' &&
		    strcmp(mt.zone, my_zone()) != 0)) &&
		    zone_set_pg(r->pg, "", cause) != 0 ? -1 : 0;
		/* rows no commit counted (written by hand): first */
		if (ok == 0 && mt.last_id >= 0 && mt.max_id > mt.last_id)
			ok = roll_between_pg(r->pg, mt.last_id, nev > 0 ?
			    evs[0]->id : INT64_MAX, NULL, cause);
		free(mt.zone);
		if (ok != 0)
			return -1;
		ok = -1;
	}
	ask_init(&st, 2);
	ask_init(&cl, 3);
	ask_init(&me, 2);
	hmap_init(&asked);
	for (i = 0; i < nev; i++) {
		const struct tt_event *ev = evs[i];

		if (ev->execution_id != NULL && ev->execution_id[0] != '\0' &&
		    ev->phase != TT_PHASE_POINT) {
			n = key_build(r, ev->source, 1, ev->execution_id);
			if (hmap_get(&asked, r->kbuf, n) == NULL) {
				*hmap_put(&asked, r->kbuf, n) = r;
				ask_key(&st, r, n);
				pg_array_add(&st.col[0],
				    tt_source_name(ev->source));
				pg_array_add(&st.col[1], ev->execution_id);
			}
		}
		day = tt_day_cached(&r->dc, ev->ts);
		if (ev->client_id != NULL && ev->client_id[0] != '\0') {
			n = key_build(r, ev->source, 2, day, ev->client_id);
			if (hmap_get(&r->known, r->kbuf, n) == NULL &&
			    hmap_get(&asked, r->kbuf, n) == NULL) {
				*hmap_put(&asked, r->kbuf, n) = r;
				ask_key(&cl, r, n);
				pg_array_add(&cl.col[0], day);
				pg_array_add(&cl.col[1],
				    tt_source_name(ev->source));
				pg_array_add(&cl.col[2], ev->client_id);
			}
		}
		tt_stats_delta_init(&d);
		d.source = ev->source;
		d.ts = ev->ts;
		if (tt_metric_point(ev, &d) == 0) {
			n = key_build(r, ev->source, 1, d.metric);
			if (hmap_get(&r->t.metrics, r->kbuf, n) == NULL) {
				ask_key(&me, r, n);
				pg_array_add(&me.col[0],
				    tt_source_name(ev->source));
				pg_array_add(&me.col[1], d.metric);
				/* its row, empty unless read below */
				(void)acc_metric(r, &d, NULL, NULL);
			}
		}
		tt_stats_delta_clear(&d);
	}
	snprintf(first, sizeof first, "%lld", nev > 0 ?
	    (long long)evs[0]->id : 0LL);
	g.r = r;
	g.kind = GOT_EXEC;
	g.a = &st;
	g.into = &r->t.execs;
	if (st.n > 0 && ask_run(r, &st, "SELECT k.n, s.id, s.ts, s.command, "
	    "s.name, f.id, f.ts, f.command, f.name, f.duration_ms FROM "
	    "unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(s, x, n) "
	    "LEFT JOIN LATERAL (SELECT id, ts, command, name FROM events WHERE "
	    "source = k.s AND execution_id = k.x AND phase = 1 AND id < "
	    "$3::bigint ORDER BY id LIMIT 1) s ON true LEFT JOIN LATERAL "
	    "(SELECT id, ts, command, name, duration_ms FROM events WHERE "
	    "source = k.s AND execution_id = k.x AND phase = 2 AND id < "
	    "$3::bigint ORDER BY id LIMIT 1) f ON true WHERE s.id IS NOT NULL "
	    "OR f.id IS NOT NULL", first, got_row, &g, cause) != 0)
		goto out;
	g.kind = GOT_SET;
	g.a = &cl;
	g.into = &r->t.there;
	if (cl.n > 0 && ask_run(r, &cl, "SELECT k.n FROM unnest($1::text[], "
	    "$2::text[], $3::text[]) WITH ORDINALITY AS k(d, s, c, n) WHERE "
	    "EXISTS (SELECT 1 FROM rollup_client r WHERE r.day = k.d AND "
	    "r.source = k.s AND r.client = k.c)", NULL, got_row, &g,
	    cause) != 0)
		goto out;
	g.kind = GOT_METRIC;
	g.a = &me;
	g.into = &r->t.metrics;
	if (me.n > 0 && ask_run(r, &me, "SELECT k.n, m.kind, m.unit, "
	    "m.points, m.last_seen, m.last, m.min, m.max, m.recent FROM "
	    "unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(s, m, n) "
	    "JOIN rollup_metric m ON m.source = k.s AND m.name = k.m", NULL,
	    got_row, &g, cause) != 0)
		goto out;
	ok = 0;
out:
	hmap_clear(&asked, NULL);
	ask_free(&st);
	ask_free(&cl);
	ask_free(&me);
	return ok;
}

/* Each slot's value of a map, in turn. */
#define EACH(map, i, v) \
	for ((i) = 0; (i) < (map)->cap; (i)++) \
		if ((map)->slots[(i)].key != NULL && \
		    ((v) = (map)->slots[(i)].value) != NULL)

/* The sums of the transaction into the tables.  Each statement groups its
 * rows by their keys: two keys may become one once made UTF-8. */
static int
flush_pg(struct rollup *r, char **cause)
{
	struct acc_cmd		*c;
	struct acc_day		*dy;
	struct acc_priv		*p;
	struct acc_metric	*m;
	struct acc_client	*cl;
	struct acc_open		*o;
	struct acc_summary	*su;
	struct ask		 a;
	struct got		 g;
	double			 d[TT_RECENT];
	char			*t;
	size_t			 i, b;
	int64_t			 n;
	int			 k, ok = -1;

	/* the commands' recent durations: the rows', then ours */
	ask_init(&a, 2);
	EACH(&r->t.cmds, i, c)
		if (c->nrecent > 0) {
			(void)key_build(r, c->source, 1, c->command);
			ask_key(&a, r, r->t.cmds.slots[i].klen);
			pg_array_add(&a.col[0], tt_source_name(c->source));
			pg_array_add(&a.col[1], c->command);
		}
	g.r = r;
	g.a = &a;
	g.into = &r->t.cmds;
	g.kind = GOT_RECENT;
	k = a.n > 0 ? ask_run(r, &a, "SELECT k.n, c.recent FROM "
	    "unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(s, m, n) "
	    "JOIN rollup_cmd c ON c.source = k.s AND c.command = k.m", NULL,
	    got_row, &g, cause) : 0;
	ask_free(&a);
	if (k != 0)
		return -1;

	ask_init(&a, 8);
	EACH(&r->t.cmds, i, c) {
		pg_array_add(&a.col[0], tt_source_name(c->source));
		pg_array_add(&a.col[1], c->command);
		pg_array_int(&a.col[2], c->count);
		pg_array_int(&a.col[3], c->failures);
		pg_array_int(&a.col[4], c->open);
		pg_array_int(&a.col[5], c->last_seen);
		pg_array_int(&a.col[6], c->max_ms);
		for (k = 0; k < c->nrecent; k++)
			d[k] = (double)c->recent[k];
		t = c->nrecent > 0 ? recent_text(d, c->nrecent, 1) : NULL;
		pg_array_add(&a.col[7], t);
		free(t);
	}
	if (a.col[0].n > 0 && ask_run(r, &a, "INSERT INTO rollup_cmd AS c "
	    "(source, command, count, failures, open, last_seen, max_ms, "
	    "recent) SELECT s, m, sum(n), sum(f), sum(o), max(l), max(x), "
	    "max(r) FROM unnest($1::text[], $2::text[], $3::bigint[], "
	    "$4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], "
	    "$8::text[]) AS k(s, m, n, f, o, l, x, r) GROUP BY s, m "
	    "ON CONFLICT (source, command) DO UPDATE SET "
	    "count = c.count + excluded.count, "
	    "failures = c.failures + excluded.failures, "
	    "open = c.open + excluded.open, "
	    "last_seen = greatest(c.last_seen, excluded.last_seen), "
	    "max_ms = greatest(c.max_ms, excluded.max_ms), "
	    "recent = coalesce(excluded.recent, c.recent)", NULL, NULL, NULL,
	    cause) != 0)
		goto out;
	ask_free(&a);

	ask_init(&a, 4);
	EACH(&r->t.cmds, i, c)
		for (b = 0; (n = tt_hist_next(c->hist, &b)) != 0; b++) {
			pg_array_add(&a.col[0], tt_source_name(c->source));
			pg_array_add(&a.col[1], c->command);
			pg_array_int(&a.col[2], (int64_t)b);
			pg_array_int(&a.col[3], n);
		}
	if (a.col[0].n > 0 && ask_run(r, &a, "INSERT INTO rollup_hist AS h "
	    "SELECT s, m, b, sum(n) FROM unnest($1::text[], $2::text[], "
	    "$3::integer[], $4::bigint[]) AS k(s, m, b, n) GROUP BY s, m, b "
	    "ON CONFLICT (source, command, bucket) DO UPDATE SET "
	    "n = h.n + excluded.n", NULL, NULL, NULL, cause) != 0)
		goto out;
	ask_free(&a);

	/* the executions closed, then those open */
	ask_init(&a, 4);
	EACH(&r->t.opens, i, o)
		if (!o->open) {
			pg_array_add(&a.col[0], tt_source_name(o->source));
			pg_array_add(&a.col[1], o->execution_id);
		}
	a.ncol = 2;
	if (a.col[0].n > 0 && ask_run(r, &a, "DELETE FROM rollup_open o "
	    "USING unnest($1::text[], $2::text[]) AS k(s, x) WHERE "
	    "o.source = k.s AND o.execution_id = k.x", NULL, NULL, NULL,
	    cause) != 0)
		goto out;
	a.ncol = 4;
	ask_free(&a);
	ask_init(&a, 4);
	EACH(&r->t.opens, i, o)
		if (o->open) {
			pg_array_add(&a.col[0], tt_source_name(o->source));
			pg_array_add(&a.col[1], o->execution_id);
			pg_array_add(&a.col[2], o->command);
			pg_array_int(&a.col[3], o->start_ts);
		}
	if (a.col[0].n > 0 && ask_run(r, &a, "INSERT INTO rollup_open "
	    "SELECT s, x, max(c), max(t) FROM unnest($1::text[], $2::text[], "
	    "$3::text[], $4::bigint[]) AS k(s, x, c, t) GROUP BY s, x "
	    "ON CONFLICT (source, execution_id) DO UPDATE SET "
	    "command = excluded.command, start_ts = excluded.start_ts", NULL,
	    NULL, NULL, cause) != 0)
		goto out;
	ask_free(&a);

	ask_init(&a, 6);
	EACH(&r->t.days, i, dy) {
		pg_array_add(&a.col[0], dy->day);
		pg_array_add(&a.col[1], tt_source_name(dy->source));
		pg_array_int(&a.col[2], dy->events);
		pg_array_int(&a.col[3], dy->commands);
		pg_array_int(&a.col[4], dy->failures);
		pg_array_int(&a.col[5], dy->clients);
	}
	if (a.col[0].n > 0 && ask_run(r, &a, "INSERT INTO rollup_day AS d "
	    "SELECT y, s, sum(e), sum(c), sum(f), sum(n) FROM "
	    "unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], "
	    "$5::bigint[], $6::bigint[]) AS k(y, s, e, c, f, n) GROUP BY y, s "
	    "ON CONFLICT (day, source) DO UPDATE SET "
	    "events = d.events + excluded.events, "
	    "commands = d.commands + excluded.commands, "
	    "failures = d.failures + excluded.failures, "
	    "clients = d.clients + excluded.clients", NULL, NULL, NULL,
	    cause) != 0)
		goto out;
	ask_free(&a);

	ask_init(&a, 4);
	EACH(&r->t.newclients, i, cl) {
		pg_array_add(&a.col[0], cl->day);
		pg_array_add(&a.col[1], tt_source_name(cl->source));
		pg_array_add(&a.col[2], cl->client);
		pg_array_int(&a.col[3], cl->first_id);
	}
	if (a.col[0].n > 0 && ask_run(r, &a, "INSERT INTO rollup_client "
	    "SELECT d, s, c, min(i) FROM unnest($1::text[], $2::text[], "
	    "$3::text[], $4::bigint[]) AS k(d, s, c, i) GROUP BY d, s, c "
	    "ON CONFLICT DO NOTHING", NULL, NULL, NULL, cause) != 0)
		goto out;
	ask_free(&a);

	ask_init(&a, 5);
	EACH(&r->t.summaries, i, su) {
		pg_array_add(&a.col[0], su->day);
		pg_array_add(&a.col[1], tt_source_name(su->source));
		pg_array_add(&a.col[2], su->client);
		pg_array_int(&a.col[3], su->ts);
		pg_array_add(&a.col[4], su->json);
	}
	if (a.col[0].n > 0 && ask_run(r, &a, "INSERT INTO rollup_summary AS r "
	    "SELECT DISTINCT ON (y, s, c) y, s, c, t, j FROM "
	    "unnest($1::text[], $2::text[], $3::text[], $4::bigint[], "
	    "$5::text[]) AS k(y, s, c, t, j) ORDER BY y, s, c, t DESC "
	    "ON CONFLICT (day, source, client) DO UPDATE SET "
	    "ts = excluded.ts, counts = excluded.counts WHERE "
	    "excluded.ts >= r.ts", NULL, NULL, NULL, cause) != 0)
		goto out;
	ask_free(&a);

	ask_init(&a, 5);
	EACH(&r->t.priv, i, p) {
		pg_array_add(&a.col[0], p->source);
		pg_array_add(&a.col[1], p->field);
		pg_array_add(&a.col[2], p->kind);
		pg_array_add(&a.col[3], p->grade);
		pg_array_int(&a.col[4], p->n);
	}
	if (a.col[0].n > 0 && ask_run(r, &a, "INSERT INTO rollup_privacy AS p "
	    "SELECT s, f, k, g, sum(n) FROM unnest($1::text[], $2::text[], "
	    "$3::text[], $4::text[], $5::bigint[]) AS u(s, f, k, g, n) "
	    "GROUP BY s, f, k, g ON CONFLICT (source, field, kind, grade) "
	    "DO UPDATE SET events = p.events + excluded.events", NULL, NULL,
	    NULL, cause) != 0)
		goto out;
	ask_free(&a);

	ask_init(&a, 10);
	EACH(&r->t.metrics, i, m) {
		if (m->s.points == 0)	/* asked for, no point of its own */
			continue;
		pg_array_add(&a.col[0], tt_source_name(m->s.source));
		pg_array_add(&a.col[1], m->s.name);
		pg_array_add(&a.col[2], m->s.kind != NULL ? m->s.kind : "");
		pg_array_add(&a.col[3], m->s.unit != NULL ? m->s.unit : "");
		pg_array_int(&a.col[4], m->s.points);
		pg_array_int(&a.col[5], m->s.last_seen);
		pg_array_real(&a.col[6], m->s.last);
		pg_array_real(&a.col[7], m->s.min);
		pg_array_real(&a.col[8], m->s.max);
		t = recent_text(m->s.recent, m->s.nrecent, 0);
		pg_array_add(&a.col[9], t);
		free(t);
	}
	if (a.col[0].n > 0 && ask_run(r, &a, "INSERT INTO rollup_metric "
	    "SELECT DISTINCT ON (s, n) * FROM unnest($1::text[], $2::text[], "
	    "$3::text[], $4::text[], $5::bigint[], $6::bigint[], "
	    "$7::float8[], $8::float8[], $9::float8[], $10::text[]) AS "
	    "u(s, n, k, t, p, l, v, lo, hi, r) ON CONFLICT (source, name) DO "
	    "UPDATE SET kind = excluded.kind, unit = excluded.unit, "
	    "points = excluded.points, last_seen = excluded.last_seen, "
	    "last = excluded.last, min = excluded.min, max = excluded.max, "
	    "recent = excluded.recent", NULL, NULL, NULL, cause) != 0)
		goto out;
	ok = r->t.last_id > 0 ? last_set_pg(r->pg, r->t.last_id, cause) : 0;
out:
	ask_free(&a);
	return ok;
}

int
store_rollup_pg_batch(struct rollup *r, struct tt_event *const *evs,
    struct tt_stats_delta *const *deltas, size_t n, char **cause)
{
	struct tt_stats_delta	 scratch;
	size_t			 i;
	int			 rc = 0, ok = 0;

	*cause = NULL;
	store_rollup_end(r, 0);		/* a try before this one */
	if (n == 0)
		return 0;
	r->t.active = 1;
	if (prefetch_pg(r, evs, n, cause) != 0)
		return -1;
	for (i = 0; i < n && ok == 0; i++) {
		if (deltas == NULL) {
			ok = store_rollup_event(r, evs[i], &scratch, &rc,
			    cause);
			tt_stats_delta_clear(&scratch);
		} else {
			tt_stats_delta_clear(deltas[i]);
			ok = store_rollup_event(r, evs[i], deltas[i], &rc,
			    cause);
		}
	}
	if (ok == 0)
		ok = flush_pg(r, cause);
	return ok;
}

/* ---- building them from the events, on PostgreSQL ---- */

struct build_pg {
	struct rollup	*r;
	struct tt_event	 ev[PG_ROLL_CHUNK];
	struct tt_event	*p[PG_ROLL_CHUNK];
	size_t		 n;
	int64_t		 count;		/* worked out */
	char		*cause;
};

/* Work out the events gathered: a transaction's worth, in the build's. */
static void
build_chunk(struct build_pg *b)
{
	size_t	i;

	if (b->cause == NULL && store_rollup_pg_batch(b->r, b->p, NULL, b->n,
	    &b->cause) == 0) {
		store_rollup_end(b->r, 1);
		b->count += (int64_t)b->n;
	}
	for (i = 0; i < b->n; i++)
		tt_event_clear(&b->ev[i]);
	b->n = 0;
}

static void
build_event(void *arg, const struct tt_event *ev)
{
	struct build_pg	*b = arg;

	if (b->cause != NULL)
		return;
	tt_event_copy(&b->ev[b->n], ev, 1);	/* pii and data: read */
	b->p[b->n] = &b->ev[b->n];
	if (++b->n == PG_ROLL_CHUNK)
		build_chunk(b);
}

/* Roll up the events between after and before (ids, excluded) from their
 * rows, in the caller's transaction; *n (if not NULL): how many. */
static int
roll_between_pg(struct pg *pg, int64_t after, int64_t before, int64_t *n,
    char **cause)
{
	struct build_pg	*b;
	size_t		 i;
	int		 rc;

	b = xcalloc(1, sizeof *b);
	b->r = store_rollup_new_pg(pg);
	b->r->rolling = 1;	/* the caller checked the zone and last_id */
	rc = pg_scan_between(pg, after, before, build_event, b, cause);
	if (rc == 0 && b->n > 0)
		build_chunk(b);
	for (i = 0; i < b->n; i++)
		tt_event_clear(&b->ev[i]);
	if (rc == 0 && b->cause != NULL) {
		*cause = b->cause;
		b->cause = NULL;
		rc = -1;
	}
	if (n != NULL)
		*n = b->count;
	free(b->cause);
	store_rollup_free(b->r);
	free(b);
	return rc;
}

/* Empty the rollups and build them from every event, in the caller's
 * transaction (a migration's, or one that holds the commits' lock). */
static int
build_pg(struct pg *pg, char **cause)
{
	char	*q;
	size_t	 i;
	int	 rc;

	*cause = NULL;
	for (i = 0; i < sizeof rollup_tables / sizeof rollup_tables[0]; i++) {
		q = xasprintf("DELETE FROM %s", rollup_tables[i]);
		rc = pg_run(pg, q, 0, NULL, NULL, NULL, cause);
		free(q);
		if (rc != 0)
			return -1;
	}
	if (zone_set_pg(pg, my_zone(), cause) != 0 ||
	    last_set_pg(pg, 0, cause) != 0)
		return -1;
	return roll_between_pg(pg, 0, INT64_MAX, NULL, cause);
}

int
store_rollup_pg_build(void *arg, struct pg *pg, char **cause)
{
	(void)arg;
	return build_pg(pg, cause);
}

/* On PostgreSQL: rebuilt when their days are in another zone, the events
 * no commit counted rolled up. */
static int
sync_pg(struct store *st, int *rebuilt, int64_t *rolled, char **cause)
{
	struct meta	m;
	int		ok, rebuild;

	if (pg_up(st->pg, cause) != 0 ||
	    meta_pg(st->pg, INT64_MAX, &m, cause) != 0)
		return -1;
	ok = meta_usable(&m, 1);
	free(m.zone);
	if (ok)
		return 0;
	if (pg_rollup_begin(st->pg, 0, cause) != 0)
		return -1;
	/* another collector may have done it meanwhile */
	if (meta_pg(st->pg, INT64_MAX, &m, cause) != 0)
		goto fail;
	rebuild = m.zone == NULL || strcmp(m.zone, my_zone()) != 0 ||
	    m.last_id < 0;
	free(m.zone);
	if (rebuild)
		ok = build_pg(st->pg, cause);
	else if (m.max_id > m.last_id)
		ok = roll_between_pg(st->pg, m.last_id, INT64_MAX, rolled,
		    cause);
	else
		ok = 0;
	if (ok != 0)
		goto fail;
	if (pg_rollup_end(st->pg, 1, cause) != 0)
		return -1;
	*rebuilt = rebuild;
	return 0;
fail:
	(void)pg_rollup_end(st->pg, 0, NULL);
	return -1;
}

/* ---- reading them, on PostgreSQL ---- */

struct load_pg {
	struct tt_stats	*out;
	struct tt_hist	*h;		/* the command being read */
	char		*source, *command;
	void		(*cb)(void *, const struct store_privacy_row *);
	void		*arg;
};

static enum tt_source
source_of(const char *t)
{
	enum tt_source	src;

	return t == NULL || tt_source_parse(t, &src) != 0 ? TT_SRC_GENERIC :
	    src;
}

static int64_t
num_of(const char *t)
{
	return t != NULL ? strtoll(t, NULL, 10) : TT_NONE;
}

static const char *
text_of(const char *t)
{
	return t != NULL ? t : "";
}

static void
cmd_row(void *arg, int i, const char *const *v)
{
	struct load_pg	*l = arg;
	int64_t		 recent[TT_RECENT];
	double		 d[TT_RECENT];
	int		 n, k;

	(void)i;
	if (l->source == NULL || strcmp(l->source, v[0]) != 0 ||
	    strcmp(l->command, v[1]) != 0) {
		free(l->source);
		free(l->command);
		l->source = xstrdup(v[0]);
		l->command = xstrdup(v[1]);
		n = recent_parse(v[7], d);
		for (k = 0; k < n; k++)
			recent[k] = (int64_t)d[k];
		l->h = tt_stats_load_cmd(l->out, source_of(v[0]), v[1],
		    num_of(v[2]), num_of(v[3]), num_of(v[4]), num_of(v[5]),
		    num_of(v[6]), recent, n);
	}
	if (v[8] != NULL && num_of(v[8]) >= 0)
		tt_hist_add_bucket(l->h, (size_t)num_of(v[8]), num_of(v[9]));
}

static void
open_row(void *arg, int i, const char *const *v)
{
	struct load_pg	*l = arg;

	(void)i;
	tt_stats_load_open(l->out, source_of(v[0]), text_of(v[1]),
	    text_of(v[2]), num_of(v[3]));
}

static void
day_row(void *arg, int i, const char *const *v)
{
	struct load_pg	*l = arg;

	(void)i;
	tt_stats_load_day(l->out, text_of(v[0]), source_of(v[1]), num_of(v[2]),
	    num_of(v[3]), num_of(v[4]), num_of(v[5]));
}

static void
summary_row(void *arg, int i, const char *const *v)
{
	struct load_pg	*l = arg;

	(void)i;
	(void)tt_stats_load_summary(l->out, text_of(v[0]), source_of(v[1]),
	    text_of(v[2]), num_of(v[3]), text_of(v[4]));
}

static double
real_of(const char *t)
{
	return t != NULL ? strtod(t, NULL) : NAN;
}

static void
metric_row(void *arg, int i, const char *const *v)
{
	struct load_pg	*l = arg;
	double		 recent[TT_RECENT];
	int		 n;

	(void)i;
	n = recent_parse(v[9], recent);
	tt_stats_load_metric(l->out, source_of(v[0]), text_of(v[1]),
	    text_of(v[2]), text_of(v[3]), num_of(v[4]), num_of(v[5]),
	    real_of(v[6]), real_of(v[7]), real_of(v[8]), recent, n);
}

static int
load_pg(struct store *st, const char *source, struct tt_stats *out,
    int64_t now, char **cause)
{
	struct load_pg	 l;
	struct meta	 m;
	const char	*v[2];
	char		 limit[32], *zone = NULL;
	int64_t		 lim;
	int		 rc = -1;

	memset(&l, 0, sizeof l);
	l.out = out;
	if (__builtin_sub_overflow(now, tt_stats_orphan_after(out), &lim))
		lim = INT64_MIN;
	snprintf(limit, sizeof limit, "%lld", (long long)lim);
	v[0] = source;
	v[1] = limit;
	/* one snapshot, kept: the events it counts are not heard again */
	if (pg_rollup_begin(st->pg, 1, cause) != 0)
		return -1;
	if (meta_pg(st->pg, INT64_MAX, &m, cause) != 0)
		goto out;
	zone = m.zone;
	if (!meta_usable(&m, 1)) {	/* readers replay the events */
		rc = 1;
		goto out;
	}
	if (pg_run(st->pg, "SELECT c.source, c.command, c.count, c.failures, "
	    "c.open, c.last_seen, c.max_ms, c.recent, h.bucket, h.n FROM "
	    "rollup_cmd c LEFT JOIN rollup_hist h ON h.source = c.source AND "
	    "h.command = c.command WHERE $1::text IS NULL OR c.source = $1 "
	    "ORDER BY c.source, c.command, h.bucket", 1, v, cmd_row, &l,
	    cause) != 0 ||
	    pg_run(st->pg, "SELECT source, command, execution_id, start_ts "
	    "FROM rollup_open WHERE start_ts > $2::bigint AND ($1::text IS "
	    "NULL OR source = $1)", 2, v, open_row, &l, cause) != 0 ||
	    pg_run(st->pg, "SELECT day, source, events, commands, failures, "
	    "clients FROM rollup_day WHERE $1::text IS NULL OR source = $1",
	    1, v, day_row, &l, cause) != 0 ||
	    pg_run(st->pg, "SELECT day, source, client, ts, counts FROM "
	    "rollup_summary WHERE $1::text IS NULL OR source = $1", 1, v,
	    summary_row, &l, cause) != 0 ||
	    pg_run(st->pg, "SELECT source, name, kind, unit, points, "
	    "last_seen, last, min, max, recent FROM rollup_metric WHERE "
	    "$1::text IS NULL OR source = $1", 1, v, metric_row, &l,
	    cause) != 0)
		goto out;
	rc = 0;
out:
	free(zone);
	free(l.source);
	free(l.command);
	if (pg_rollup_end(st->pg, rc >= 0, rc >= 0 ? cause : NULL) != 0)
		rc = -1;
	return rc;
}

static void
privacy_row(void *arg, int i, const char *const *v)
{
	struct load_pg			*l = arg;
	struct store_privacy_row	 row;

	(void)i;
	row.source = text_of(v[0]);
	row.field = text_of(v[1]);
	row.kind = text_of(v[2]);
	row.red = strcmp(text_of(v[3]), "red") == 0;
	row.events = num_of(v[4]);
	l->cb(l->arg, &row);
}

static int
privacy_pg(struct store *st, const char *source,
    void (*cb)(void *, const struct store_privacy_row *), void *arg,
    char **cause)
{
	struct load_pg	 l;
	struct meta	 m;
	const char	*v[1] = { source };
	int		 ok;

	if (pg_up(st->pg, cause) != 0 ||
	    meta_pg(st->pg, INT64_MAX, &m, cause) != 0)
		return -1;
	ok = meta_usable(&m, 0);
	free(m.zone);
	if (!ok)	/* from the events */
		return 1;
	memset(&l, 0, sizeof l);
	l.cb = cb;
	l.arg = arg;
	return pg_run(st->pg, "SELECT source, field, kind, grade, events FROM "
	    "rollup_privacy WHERE events > 0 AND ($1::text IS NULL OR source "
	    "= $1) ORDER BY source, events DESC, field, kind, grade", 1, v,
	    privacy_row, &l, cause);
}

static void
int_row(void *arg, int i, const char *const *v)
{
	(void)i;
	*(int64_t *)arg = v[0] != NULL ? strtoll(v[0], NULL, 10) : 0;
}

int
store_rollup_pg_events(struct pg *pg, int64_t *n, char **cause)
{
	*n = 0;
	if (pg_up(pg, cause) != 0)
		return -1;
	return pg_run(pg, "SELECT coalesce(sum(events), 0) FROM rollup_day", 0,
	    NULL, int_row, n, cause);
}

/* ---- what other collectors committed, on PostgreSQL ---- */

/* The reads of heard events: row ordinals to events. */
struct heard {
	size_t		 *idx;		/* ordinal - 1: the event's index */
	size_t		  nidx, capidx;
	struct pexec	**x;		/* by event: its execution before it */
	int64_t		 *first;	/* by event: its client's first id */
	int		  kind;		/* 0: executions, 1: clients */
};

static void
heard_add(struct heard *h, size_t i)
{
	if (h->nidx == h->capidx) {
		h->capidx = h->capidx != 0 ? h->capidx * 2 : 64;
		h->idx = xrealloc(h->idx, h->capidx * sizeof *h->idx);
	}
	h->idx[h->nidx++] = i;
}

static void
heard_row(void *arg, int i, const char *const *v)
{
	struct heard	*h = arg;
	size_t		 n = (size_t)strtoll(v[0], NULL, 10), k;

	(void)i;
	if (n < 1 || n > h->nidx)
		return;
	k = h->idx[n - 1];
	if (h->kind == 1)
		h->first[k] = v[1] != NULL ? strtoll(v[1], NULL, 10) : 0;
	else if (h->x[k] == NULL) {
		h->x[k] = xcalloc(1, sizeof *h->x[k]);
		exec_fold(h->x[k], v + 1);
	}
}

int
store_rollup_pg_heard(struct pg *pg, struct tt_event *const *evs,
    struct tt_stats_delta *const *ds, size_t n, char **cause)
{
	struct rollup		*r = store_rollup_new_pg(pg);
	struct ask		 ex, cl;
	struct heard		 h;
	struct tt_exec		 x;
	const struct tt_event	*ev;
	size_t			 i, k;
	int			 ok = -1;

	*cause = NULL;
	memset(&h, 0, sizeof h);
	h.x = xcalloc(n + 1, sizeof *h.x);
	h.first = xcalloc(n + 1, sizeof *h.first);
	ask_init(&ex, 3);
	ask_init(&cl, 3);
	/* an execution as its events before each left it (all committed:
	 * commits come in id order), and whether each counted its client */
	for (i = 0; i < n; i++) {
		ev = evs[i];
		if (ev->execution_id != NULL && ev->execution_id[0] != '\0' &&
		    ev->phase != TT_PHASE_POINT) {
			heard_add(&h, i);
			pg_array_add(&ex.col[0], tt_source_name(ev->source));
			pg_array_add(&ex.col[1], ev->execution_id);
			pg_array_int(&ex.col[2], ev->id);
		}
	}
	if (h.nidx > 0 && ask_run(r, &ex, "SELECT k.n, s.id, s.ts, s.command, "
	    "s.name, f.id, f.ts, f.command, f.name, f.duration_ms FROM "
	    "unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS "
	    "k(s, x, b, n) LEFT JOIN LATERAL (SELECT id, ts, command, name "
	    "FROM events WHERE source = k.s AND execution_id = k.x AND phase = "
	    "1 AND id < k.b ORDER BY id LIMIT 1) s ON true LEFT JOIN LATERAL "
	    "(SELECT id, ts, command, name, duration_ms FROM events WHERE "
	    "source = k.s AND execution_id = k.x AND phase = 2 AND id < k.b "
	    "ORDER BY id LIMIT 1) f ON true WHERE s.id IS NOT NULL OR f.id IS "
	    "NOT NULL", NULL, heard_row, &h, cause) != 0)
		goto out;
	h.nidx = 0;
	h.kind = 1;
	for (i = 0; i < n; i++) {
		ev = evs[i];
		if (ev->client_id != NULL && ev->client_id[0] != '\0') {
			heard_add(&h, i);
			pg_array_add(&cl.col[0], tt_day_cached(&r->dc, ev->ts));
			pg_array_add(&cl.col[1], tt_source_name(ev->source));
			pg_array_add(&cl.col[2], ev->client_id);
		}
	}
	if (h.nidx > 0 && ask_run(r, &cl, "SELECT k.n, r.first_id FROM "
	    "unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS "
	    "k(d, s, c, n) JOIN rollup_client r ON r.day = k.d AND "
	    "r.source = k.s AND r.client = k.c", NULL, heard_row, &h,
	    cause) != 0)
		goto out;
	/* each one's delta, as its commit worked it out */
	for (i = 0; i < n; i++) {
		struct tt_stats_delta *d = ds[i];

		ev = evs[i];
		tt_stats_delta_clear(d);
		tt_stats_delta_init(d);
		d->source = ev->source;
		d->ts = ev->ts;
		memcpy(d->day, tt_day_cached(&r->dc, ev->ts), 11);
		d->new_client = h.first[i] != 0 && h.first[i] == ev->id;
		d->summary = tt_event_is_summary(ev);
		(void)tt_metric_point(ev, d);
		if (ev->phase == TT_PHASE_POINT)
			continue;
		if (ev->execution_id == NULL || ev->execution_id[0] == '\0') {
			tt_exec_step(NULL, ev, d);
			continue;
		}
		if (h.x[i] != NULL)
			x = h.x[i]->x;
		else {
			memset(&x, 0, sizeof x);
			x.command = tt_event_command(ev);
		}
		tt_exec_step(&x, ev, d);
	}
	ok = 0;
out:
	for (k = 0; k < n; k++)
		if (h.x[k] != NULL)
			free_pexec(h.x[k]);
	free(h.x);
	free(h.first);
	free(h.idx);
	ask_free(&ex);
	ask_free(&cl);
	store_rollup_free(r);
	return ok;
}
