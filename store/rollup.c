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
 * On PostgreSQL the same code works out each event (r->pg set), and
 * store/rollup_pg.c reads what it needs first and writes its sums.
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
#include "rollup_int.h"

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
const char *
ru_zone(void)
{
	pthread_once(&zone_once, zone_init);
	return zone_mine;
}

/* ---- keys ---- */

/* A key of n strings joined by NUL after the source byte, in r->kbuf. */
size_t
ru_key(struct rollup *r, enum tt_source src, int n, ...)
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

struct rollup *
ru_alloc(void)
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
store_rollup_new(sqlite3 *db, struct pack *pk, char **cause)
{
	struct rollup	*r = ru_alloc();
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

void
ru_free_pexec(void *p)
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
	hmap_clear(&r->t.execs, ru_free_pexec);
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

struct acc_day *
ru_acc_day(struct rollup *r, const char *day, enum tt_source src)
{
	struct acc_day	**slot, *a;
	size_t		  n;

	n = ru_key(r, src, 1, day);
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
struct acc_metric *
ru_acc_metric(struct rollup *r, const struct tt_stats_delta *d, int *rc,
    char **cause)
{
	struct acc_metric	**slot, *a;
	sqlite3_stmt		 *s;
	size_t			  n;
	int			  step;

	n = ru_key(r, d->source, 1, d->metric);
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

	if ((a = ru_acc_metric(r, d, rc, cause)) == NULL)
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

	n = ru_key(r, src, 1, command);
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
		return ru_pg_exec_state(r, ev, x, owned, klen);
	*klen = ru_key(r, ev->source, 1, ev->execution_id);
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
		same = z != NULL && (strcmp(z, ru_zone()) == 0 || *z == '\0');
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
	day = ru_acc_day(r, d->day, ev->source);
	day->events++;
	if (ev->client_id != NULL && ev->client_id[0] != '\0') {
		n = ru_key(r, ev->source, 2, d->day, ev->client_id);
		if (hmap_get(&r->t.clients, r->kbuf, n) == NULL &&
		    hmap_get(&r->known, r->kbuf, n) == NULL) {
			*hmap_put(&r->t.clients, r->kbuf, n) = r;
			if (r->pg != NULL) {
				if (hmap_get(&r->t.there, r->kbuf, n) == NULL)
					ru_pg_client_new(r, n, d, ev);
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
		ru_pg_summary(r, d->day, ev, json);
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
			ru_pg_exec_seen(r, n, &x);
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
		ru_pg_open(r, ev, c->command, d);
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

const char *const ru_tables[] = { "rollup_cmd", "rollup_hist",
    "rollup_open", "rollup_day", "rollup_client", "rollup_summary",
    "rollup_privacy", "rollup_metric", "rollup_meta" };
const size_t ru_ntables = sizeof ru_tables / sizeof ru_tables[0];

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
	for (i = 0; i < ru_ntables; i++) {
		q = xasprintf("DELETE FROM %s", ru_tables[i]);
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
	sqlite3_bind_text(r->s[S_ZONE_SET], 1, ru_zone(), -1, SQLITE_STATIC);
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
		mine = z != NULL && strcmp(z, ru_zone()) == 0;
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
		return ru_pg_sync(st, rebuilt, rolled, cause);
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
		return ru_pg_load(st, source, out, now, cause);
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
		return ru_pg_privacy(st, source, cb, arg, cause);
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

