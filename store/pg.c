/*
 * PostgreSQL: the events' schema and their durable batch write (pg.h).
 *
 * A batch is one transaction: its rows are copied (COPY, text format) into
 * a temporary stage, then inserted into events with ON CONFLICT DO NOTHING
 * on (source, event_key, day), so that a client retrying through two
 * collectors is stored once.  The day partitions a batch needs are made
 * before it, each in a short transaction of its own under an advisory lock
 * (CREATE TABLE IF NOT EXISTS races between sessions otherwise).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "core/event.h"
#include "core/filter.h"
#include "core/optout.h"
#include "core/xmalloc.h"
#include "pg.h"

#define PG_SCHEMA_VERSION	1
#define PG_LOCK_MIGRATE		0x74656c01	/* advisory lock keys */
#define PG_LOCK_PARTITION	0x74656c02
#define PG_KNOWN_DAYS		64		/* partitions remembered */
#define PG_CHANNEL		"teltop_optout"	/* NOTIFY of a registry change */
#define DAY_US			(86400 * INT64_C(1000000))
#define PG_BACKOFF_MIN		(100 * 1000)		/* µs */
#define PG_BACKOFF_MAX		(5 * 1000 * 1000)

/* A counter to add with the next commit. */
struct pg_count {
	char	*name;
	int64_t	 n;
};

/* Events dropped under an opt-out entry, to add with the next commit. */
struct pg_drop {
	char	*source;
	char	*client;	/* "" for the whole source */
	int64_t	 n;
};

struct pg {
	PGconn		*conn;
	char		*collector;
	struct pg_count	*counts;
	size_t		 ncounts;
	struct pg_drop	*drops;
	size_t		 ndrops;
	int		 listening;
	char		*down;		/* why the connection is lost, or NULL */
	int64_t		 backoff;	/* µs before the next reconnect */
	int64_t		 next_try;	/* monotonic µs */
	int64_t	 days[PG_KNOWN_DAYS];	/* partitions known to exist */
	size_t	 ndays, next_day;
};

/* The schema, version by version: each runs once, in order. */
static const char *const migrations[] = {
	/* 1: events, partitioned by their own day */
	"CREATE SEQUENCE events_id_seq;"
	"CREATE TABLE events ("
	"  id bigint NOT NULL DEFAULT nextval('events_id_seq'),"
	"  day date NOT NULL,"
	"  source text NOT NULL,"
	"  event_key text,"
	"  received_at bigint NOT NULL,"
	"  ts bigint NOT NULL,"
	"  format text NOT NULL,"
	"  phase smallint NOT NULL,"
	"  name text, client_id text, execution_id text, command text,"
	"  duration_ms double precision, exit_code bigint, severity bigint,"
	"  error text, version text, os text, arch text, pii text,"
	"  data text NOT NULL, capture text,"
	"  collector text NOT NULL"
	") PARTITION BY RANGE (day);"
	"CREATE UNIQUE INDEX events_key ON events (source, event_key, day);"
	"CREATE INDEX events_id ON events (id);",
	/*
	 * 2: the opt-out registry (client '' is the whole source; since_id
	 * the last event id when it was set, where the proof starts) and the
	 * counters, a row per collector so that collectors never wait on
	 * each other's rows; read as their sums.
	 */
	"CREATE TABLE optout ("
	"  source text NOT NULL,"
	"  client text NOT NULL DEFAULT '',"
	"  since bigint NOT NULL,"
	"  since_id bigint NOT NULL DEFAULT 0,"
	"  set_by text NOT NULL,"
	"  dropped bigint NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (source, client));"
	"CREATE TABLE counters ("
	"  name text NOT NULL,"
	"  collector text NOT NULL,"
	"  value bigint NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (name, collector));"
	"CREATE INDEX events_source_id ON events (source, id);",
};

#define NMIGRATIONS	((int)(sizeof migrations / sizeof migrations[0]))


int
pg_is_url(const char *db)
{
	return db != NULL && (strncmp(db, "postgresql://", 13) == 0 ||
	    strncmp(db, "postgres://", 11) == 0);
}

/* libpq's message, one line, without its newline.  Caller frees. */
static char *
conn_error(PGconn *conn, const char *what)
{
	const char	*m = PQerrorMessage(conn);
	size_t		 n = strcspn(m, "\n");

	return xasprintf("%s: %.*s", what, (int)n, *m != '\0' ? m :
	    "unknown error");
}

/* Run sql (no rows wanted): 0, or -1 with *cause. */
static int
exec(struct pg *pg, const char *sql, const char *what, char **cause)
{
	PGresult	*r = PQexec(pg->conn, sql);
	int		 ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
			     PQresultStatus(r) == PGRES_TUPLES_OK;

	PQclear(r);
	if (!ok) {
		*cause = conn_error(pg->conn, what);
		return -1;
	}
	return 0;
}

/* The one integer a query returns, or -1. */
static int64_t
query_int(struct pg *pg, const char *sql)
{
	PGresult	*r = PQexec(pg->conn, sql);
	int64_t		 v = -1;

	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
	    !PQgetisnull(r, 0, 0))
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

int
pg_schema_version(struct pg *pg)
{
	return (int)query_int(pg, "SELECT max(version) FROM teltop_schema");
}

/* Bring the schema up to date, once for all collectors at a time. */
static int
migrate(struct pg *pg, char **cause)
{
	char	sql[160];
	int	v;

	if (exec(pg, "BEGIN", "migrate", cause) != 0)
		return -1;
	snprintf(sql, sizeof sql, "SELECT pg_advisory_xact_lock(%d)",
	    PG_LOCK_MIGRATE);
	if (exec(pg, sql, "migrate: lock", cause) != 0 ||
	    exec(pg, "CREATE TABLE IF NOT EXISTS teltop_schema (version "
	    "integer NOT NULL)", "migrate", cause) != 0)
		goto fail;
	if ((v = pg_schema_version(pg)) < 0)
		v = 0;
	if (v > NMIGRATIONS) {
		*cause = xasprintf("the database's schema is version %d, newer "
		    "than this teltop's %d", v, NMIGRATIONS);
		goto fail;
	}
	for (; v < NMIGRATIONS; v++) {
		snprintf(sql, sizeof sql, "INSERT INTO teltop_schema VALUES "
		    "(%d)", v + 1);
		if (exec(pg, migrations[v], "migrate", cause) != 0 ||
		    exec(pg, sql, "migrate", cause) != 0)
			goto fail;
	}
	return exec(pg, "COMMIT", "migrate", cause);

fail:
	PQclear(PQexec(pg->conn, "ROLLBACK"));
	return -1;
}

/* Run sql with text parameters: its result if it succeeded (caller
 * clears), else NULL with *cause. */
static PGresult *
execp(struct pg *pg, const char *sql, int n, const char *const *values,
    const char *what, char **cause)
{
	PGresult	*r = PQexecParams(pg->conn, sql, n, NULL, values, NULL,
			    NULL, 0);

	if (PQresultStatus(r) == PGRES_COMMAND_OK ||
	    PQresultStatus(r) == PGRES_TUPLES_OK)
		return r;
	PQclear(r);
	*cause = conn_error(pg->conn, what);
	return NULL;
}

static void
forget_counts(struct pg *pg)
{
	size_t	i;

	for (i = 0; i < pg->ncounts; i++)
		free(pg->counts[i].name);
	for (i = 0; i < pg->ndrops; i++) {
		free(pg->drops[i].source);
		free(pg->drops[i].client);
	}
	free(pg->counts);
	free(pg->drops);
	pg->counts = NULL;
	pg->drops = NULL;
	pg->ncounts = pg->ndrops = 0;
}

/* What a session needs, after connecting and after each reconnect: the
 * stage is a temporary table, and LISTEN is the session's. */
static int
session(struct pg *pg, char **cause)
{
	if (exec(pg, "SET client_min_messages = warning", "open", cause) != 0 ||
	    exec(pg, "CREATE TEMP TABLE IF NOT EXISTS events_stage ON COMMIT "
	    "DELETE ROWS AS SELECT id, " PG_COLUMNS " FROM events WITH NO "
	    "DATA", "open: stage", cause) != 0)
		return -1;
	if (pg->listening && exec(pg, "LISTEN " PG_CHANNEL, "listen",
	    cause) != 0)
		return -1;
	return 0;
}

static int64_t
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The connection was lost (or a reconnect failed): why, and the next try
 * after a backoff that doubles up to PG_BACKOFF_MAX. */
static void
went_down(struct pg *pg, const char *why)
{
	free(pg->down);
	pg->down = xstrdup(why);
	pg->backoff = pg->backoff == 0 ? PG_BACKOFF_MIN :
	    pg->backoff * 2 > PG_BACKOFF_MAX ? PG_BACKOFF_MAX : pg->backoff * 2;
	pg->next_try = now_us() + pg->backoff;
}

/* Up, or reconnected now: 0; else -1 with *cause (answer 503). */
static int
ensure_up(struct pg *pg, char **cause)
{
	char	*why = NULL;

	if (PQstatus(pg->conn) == CONNECTION_OK && pg->down == NULL)
		return 0;
	if (pg->down == NULL)
		went_down(pg, "the connection was lost");
	if (now_us() < pg->next_try) {
		*cause = xasprintf("PostgreSQL is down: %s", pg->down);
		return -1;
	}
	PQreset(pg->conn);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		why = conn_error(pg->conn, "reconnect");
		went_down(pg, why);
		free(why);
		*cause = xasprintf("PostgreSQL is down: %s", pg->down);
		return -1;
	}
	if (session(pg, &why) != 0) {
		went_down(pg, why);
		free(why);
		*cause = xasprintf("PostgreSQL is down: %s", pg->down);
		return -1;
	}
	free(pg->down);
	pg->down = NULL;
	pg->backoff = 0;
	return 0;
}

/* After a failed statement: if the connection is gone, say so. */
static void
check_lost(struct pg *pg, const char *cause)
{
	if (PQstatus(pg->conn) != CONNECTION_OK && pg->down == NULL)
		went_down(pg, cause);
}

const char *
pg_down(const struct pg *pg)
{
	return pg->down;
}

int
pg_socket(const struct pg *pg)
{
	return pg->down == NULL ? PQsocket(pg->conn) : -1;
}

struct pg *
pg_open(const char *url, const char *collector, char **cause)
{
	struct pg	*pg = xcalloc(1, sizeof *pg);

	pg->conn = PQconnectdb(url);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		*cause = conn_error(pg->conn, "cannot connect to PostgreSQL");
		pg_close(pg);
		return NULL;
	}
	pg->collector = xstrdup(collector);
	if (exec(pg, "SET client_min_messages = warning", "open", cause) != 0 ||
	    migrate(pg, cause) != 0 || session(pg, cause) != 0) {
		pg_close(pg);
		return NULL;
	}
	return pg;
}

void
pg_close(struct pg *pg)
{
	if (pg == NULL)
		return;
	PQfinish(pg->conn);
	forget_counts(pg);
	free(pg->down);
	free(pg->collector);
	free(pg);
}

/* "2026-12-03" of a time in µs UTC. */
static void
day_text(int64_t us, char out[16])
{
	time_t		t = (time_t)(us / 1000000 - (us % 1000000 < 0));
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* The start of the day of us, in µs UTC. */
static int64_t
day_of(int64_t us)
{
	int64_t	d = us / DAY_US;

	if (us % DAY_US < 0)
		d--;
	return d * DAY_US;
}

/* Make the partition of day (µs, a day's start) unless it is known. */
static int
need_partition(struct pg *pg, int64_t day, char **cause)
{
	char	from[16], to[16], name[16], sql[256];
	size_t	i;

	for (i = 0; i < pg->ndays; i++)
		if (pg->days[i] == day)
			return 0;
	day_text(day, from);
	day_text(day + DAY_US, to);
	snprintf(name, sizeof name, "%.4s%.2s%.2s", from, from + 5, from + 8);
	snprintf(sql, sizeof sql, "BEGIN; SELECT pg_advisory_xact_lock(%d);"
	    "CREATE TABLE IF NOT EXISTS events_%s PARTITION OF events FOR "
	    "VALUES FROM ('%s') TO ('%s'); COMMIT", PG_LOCK_PARTITION, name,
	    from, to);
	if (exec(pg, sql, "partition", cause) != 0) {
		PQclear(PQexec(pg->conn, "ROLLBACK"));
		return -1;
	}
	pg->days[pg->next_day] = day;
	pg->next_day = (pg->next_day + 1) % PG_KNOWN_DAYS;
	if (pg->ndays < PG_KNOWN_DAYS)
		pg->ndays++;
	return 0;
}

/* Append s in COPY's text form (\N for NULL) and a separator. */
static void
copy_text(char **buf, size_t *len, size_t *cap, const char *s, size_t n,
    char sep)
{
	size_t	i, need = (s != NULL ? 2 * n : 2) + 2;

	if (*len + need > *cap) {
		*cap = (*len + need) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	if (s == NULL) {
		memcpy(*buf + *len, "\\N", 2);
		*len += 2;
	}
	for (i = 0; s != NULL && i < n; i++) {
		switch (s[i]) {
		case '\\': case '\t': case '\n': case '\r':
			(*buf)[(*len)++] = '\\';
			(*buf)[(*len)++] = s[i] == '\\' ? '\\' : s[i] == '\t' ?
			    't' : s[i] == '\n' ? 'n' : 'r';
			break;
		default:
			(*buf)[(*len)++] = s[i];
		}
	}
	(*buf)[(*len)++] = sep;
}

static void
copy_str(char **buf, size_t *len, size_t *cap, const char *s, char sep)
{
	copy_text(buf, len, cap, s, s != NULL ? strlen(s) : 0, sep);
}

static void
copy_int(char **buf, size_t *len, size_t *cap, int64_t v, char sep)
{
	char	num[32];

	if (v == TT_NONE) {
		copy_text(buf, len, cap, NULL, 0, sep);
		return;
	}
	snprintf(num, sizeof num, "%lld", (long long)v);
	copy_str(buf, len, cap, num, sep);
}

/* An event as a line of COPY text, first column n. */
static int
copy_row(struct pg *pg, const struct tt_event *ev, int64_t n, char **buf,
    size_t *len, size_t *cap, char **cause)
{
	char	day[16], num[40], *key;

	if (ev->data == NULL || memchr(ev->data, '\0', ev->data_len) != NULL) {
		*cause = xstrdup("an event's JSON holds a NUL byte");
		return -1;
	}
	day_text(ev->ts, day);
	key = tt_event_key(ev);
	copy_int(buf, len, cap, n, '\t');
	copy_str(buf, len, cap, day, '\t');
	copy_str(buf, len, cap, tt_source_name(ev->source), '\t');
	copy_str(buf, len, cap, key, '\t');
	free(key);
	copy_int(buf, len, cap, ev->received_at, '\t');
	copy_int(buf, len, cap, ev->ts, '\t');
	copy_str(buf, len, cap, ev->format, '\t');
	copy_int(buf, len, cap, (int64_t)ev->phase, '\t');
	copy_str(buf, len, cap, ev->name, '\t');
	copy_str(buf, len, cap, ev->client_id, '\t');
	copy_str(buf, len, cap, ev->execution_id, '\t');
	copy_str(buf, len, cap, ev->command, '\t');
	if (ev->duration_ms == (double)TT_NONE)
		copy_text(buf, len, cap, NULL, 0, '\t');
	else {
		snprintf(num, sizeof num, "%.17g", ev->duration_ms);
		copy_str(buf, len, cap, num, '\t');
	}
	copy_int(buf, len, cap, ev->exit_code, '\t');
	copy_int(buf, len, cap, ev->severity, '\t');
	copy_str(buf, len, cap, ev->error, '\t');
	copy_str(buf, len, cap, ev->version, '\t');
	copy_str(buf, len, cap, ev->os, '\t');
	copy_str(buf, len, cap, ev->arch, '\t');
	copy_str(buf, len, cap, ev->pii, '\t');
	copy_text(buf, len, cap, ev->data, ev->data_len, '\t');
	copy_str(buf, len, cap, ev->capture, '\t');
	copy_str(buf, len, cap, pg->collector, '\n');
	return 0;
}

/* The batch as COPY text, the first column ids[i] (NULL: i). */
static char *
batch_text(struct pg *pg, const struct tt_batch *b, const int64_t *ids,
    size_t *len, char **cause)
{
	char	*buf = NULL;
	size_t	 cap = 0, i;

	*len = 0;
	for (i = 0; i < b->n; i++)
		if (copy_row(pg, &b->ev[i], ids != NULL ? ids[i] : (int64_t)i,
		    &buf, len, &cap, cause) != 0) {
			free(buf);
			return NULL;
		}
	return buf != NULL ? buf : xstrdup("");
}

char *
pg_copy_text(struct pg *pg, const struct tt_batch *b, size_t *len,
    char **cause)
{
	return batch_text(pg, b, NULL, len, cause);
}

/* COPY the batch's rows into the stage, with their ids. */
static int
copy_batch(struct pg *pg, const struct tt_batch *b, const int64_t *ids,
    char **cause)
{
	PGresult	*r;
	char		*buf;
	size_t		 len;
	int		 rc = -1;

	if ((buf = batch_text(pg, b, ids, &len, cause)) == NULL)
		return -1;
	r = PQexec(pg->conn, "COPY events_stage (id, " PG_COLUMNS ") FROM "
	    "STDIN");
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		PQclear(r);
		free(buf);
		*cause = conn_error(pg->conn, "copy");
		return -1;
	}
	PQclear(r);
	if (PQputCopyData(pg->conn, buf, (int)len) == 1 &&
	    PQputCopyEnd(pg->conn, NULL) == 1) {
		r = PQgetResult(pg->conn);
		rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
		PQclear(r);
		while ((r = PQgetResult(pg->conn)) != NULL)
			PQclear(r);
	}
	free(buf);
	if (rc != 0)
		*cause = conn_error(pg->conn, "copy");
	return rc;
}

/* n ids of the sequence, increasing, in one round trip. */
static int
take_ids(struct pg *pg, size_t n, int64_t **ids, char **cause)
{
	PGresult	*r;
	char		 num[32];
	const char	*v[1] = { num };
	size_t		 i;

	snprintf(num, sizeof num, "%zu", n);
	if ((r = execp(pg, "SELECT nextval('events_id_seq') FROM "
	    "generate_series(1, $1::bigint)", 1, v, "ids", cause)) == NULL)
		return -1;
	if ((size_t)PQntuples(r) != n) {
		PQclear(r);
		*cause = xstrdup("ids: the sequence gave too few");
		return -1;
	}
	*ids = xcalloc(n, sizeof **ids);
	for (i = 0; i < n; i++)
		(*ids)[i] = strtoll(PQgetvalue(r, (int)i, 0), NULL, 10);
	PQclear(r);
	return 0;
}

/* The event that was given id (ids increasing) is stored as it. */
static void
set_id(struct tt_batch *b, const int64_t *ids, int64_t id)
{
	size_t	lo = 0, hi = b->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < b->n && ids[lo] == id)
		b->ev[lo].id = id;
}

/* The counters and opt-out drops queued, in the commit's transaction. */
static int
write_counts(struct pg *pg, char **cause)
{
	const char	*v[3];
	PGresult	*r;
	char		 num[32];
	size_t		 i;

	for (i = 0; i < pg->ncounts; i++) {
		snprintf(num, sizeof num, "%lld", (long long)pg->counts[i].n);
		v[0] = pg->counts[i].name;
		v[1] = pg->collector;
		v[2] = num;
		if ((r = execp(pg, "INSERT INTO counters (name, collector, "
		    "value) VALUES ($1, $2, $3) ON CONFLICT (name, collector) "
		    "DO UPDATE SET value = counters.value + EXCLUDED.value", 3,
		    v, "counters", cause)) == NULL)
			return -1;
		PQclear(r);
	}
	for (i = 0; i < pg->ndrops; i++) {
		snprintf(num, sizeof num, "%lld", (long long)pg->drops[i].n);
		v[0] = pg->drops[i].source;
		v[1] = pg->drops[i].client;
		v[2] = num;
		if ((r = execp(pg, "UPDATE optout SET dropped = dropped + $3 "
		    "WHERE source = $1 AND client = $2", 3, v, "opt-out "
		    "registry", cause)) == NULL)
			return -1;
		PQclear(r);
	}
	return 0;
}

int
pg_commit(struct pg *pg, struct tt_batch *b, size_t *stored, char **cause)
{
	PGresult	*r;
	const char	*e;
	int64_t		*ids = NULL;
	size_t		 i, n;
	int		 k, gone_day = 0, retried = 0;

	*stored = 0;
	if (b->n == 0 && pg->ncounts == 0 && pg->ndrops == 0)
		return 0;
	if (b->n > INT32_MAX / 2) {
		*cause = xstrdup("batch too large");
		return -1;
	}
	if (ensure_up(pg, cause) != 0)
		return -1;
again:
	for (i = 0; i < b->n; i++)
		if (need_partition(pg, day_of(b->ev[i].ts), cause) != 0) {
			check_lost(pg, *cause);
			return -1;
		}
	if (exec(pg, "BEGIN", "commit", cause) != 0) {
		check_lost(pg, *cause);
		return -1;
	}
	if (b->n == 0) {
		if (write_counts(pg, cause) != 0 ||
		    exec(pg, "COMMIT", "commit", cause) != 0)
			goto fail;
		forget_counts(pg);
		return 0;
	}
	if (take_ids(pg, b->n, &ids, cause) != 0 ||
	    copy_batch(pg, b, ids, cause) != 0)
		goto fail;
	/* the new rows only: their ids say which events they are */
	r = PQexec(pg->conn, "INSERT INTO events (id, " PG_COLUMNS ") SELECT "
	    "id, " PG_COLUMNS " FROM events_stage ORDER BY id ON CONFLICT "
	    "(source, event_key, day) DO NOTHING RETURNING id");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		/* a day another collector's retention dropped: make it again */
		gone_day = (e = PQresultErrorField(r, PG_DIAG_SQLSTATE)) !=
		    NULL && strcmp(e, "23514") == 0;
		PQclear(r);
		*cause = conn_error(pg->conn, "insert");
		goto fail;
	}
	n = (size_t)PQntuples(r);
	for (k = 0; k < (int)n; k++)
		set_id(b, ids, strtoll(PQgetvalue(r, k, 0), NULL, 10));
	PQclear(r);
	if (write_counts(pg, cause) != 0 ||
	    exec(pg, "COMMIT", "commit", cause) != 0)
		goto fail;
	forget_counts(pg);
	free(ids);
	*stored = n;
	return 0;

fail:
	PQclear(PQexec(pg->conn, "ROLLBACK"));
	free(ids);
	ids = NULL;
	check_lost(pg, *cause);
	for (i = 0; i < b->n; i++)
		b->ev[i].id = 0;
	if (gone_day && !retried) {
		pg->ndays = pg->next_day = 0;
		free(*cause);
		*cause = NULL;
		retried = 1;
		gone_day = 0;
		goto again;
	}
	return -1;
}

int
pg_drop_days_before(struct pg *pg, int64_t day_us, char **cause)
{
	PGresult	*r;
	char		 cut[16], name[16], sql[128];
	int		 i, dropped = 0;

	day_text(day_us, cut);
	snprintf(name, sizeof name, "%.4s%.2s%.2s", cut, cut + 5, cut + 8);
	r = PQexec(pg->conn, "SELECT c.relname FROM pg_inherits h JOIN "
	    "pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = "
	    "'events'::regclass ORDER BY 1");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		*cause = conn_error(pg->conn, "retention");
		return -1;
	}
	for (i = 0; i < PQntuples(r); i++) {
		/* events_YYYYMMDD sorts as its day */
		if (strncmp(PQgetvalue(r, i, 0), "events_", 7) != 0 ||
		    strcmp(PQgetvalue(r, i, 0) + 7, name) >= 0)
			continue;
		snprintf(sql, sizeof sql, "DROP TABLE %s", PQgetvalue(r, i, 0));
		if (exec(pg, sql, "retention", cause) != 0) {
			PQclear(r);
			return -1;
		}
		dropped++;
	}
	PQclear(r);
	pg->ndays = pg->next_day = 0;	/* made again when needed */
	return dropped;
}

int64_t
pg_event_count(struct pg *pg)
{
	return query_int(pg, "SELECT count(*) FROM events");
}

int
pg_partition_count(struct pg *pg)
{
	return (int)query_int(pg, "SELECT count(*) FROM pg_inherits WHERE "
	    "inhparent = 'events'::regclass");
}

void
pg_count(struct pg *pg, const char *name, int64_t n)
{
	size_t	i;

	for (i = 0; i < pg->ncounts; i++)
		if (strcmp(pg->counts[i].name, name) == 0) {
			pg->counts[i].n += n;
			return;
		}
	pg->counts = xrealloc(pg->counts, (pg->ncounts + 1) *
	    sizeof *pg->counts);
	pg->counts[pg->ncounts].name = xstrdup(name);
	pg->counts[pg->ncounts++].n = n;
}

int64_t
pg_counter(struct pg *pg, const char *name)
{
	const char	*v[1] = { name };
	PGresult	*r;
	char		*cause = NULL;
	int64_t		 n = -1;

	if ((r = execp(pg, "SELECT coalesce(sum(value), 0) FROM counters "
	    "WHERE name = $1", 1, v, "counters", &cause)) == NULL) {
		free(cause);
		return -1;
	}
	n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return n;
}

void
pg_optout_dropped(struct pg *pg, const char *source, const char *client,
    int64_t n)
{
	size_t	i;

	if (client == NULL)
		client = "";
	for (i = 0; i < pg->ndrops; i++)
		if (strcmp(pg->drops[i].source, source) == 0 &&
		    strcmp(pg->drops[i].client, client) == 0) {
			pg->drops[i].n += n;
			return;
		}
	pg->drops = xrealloc(pg->drops, (pg->ndrops + 1) * sizeof *pg->drops);
	pg->drops[pg->ndrops].source = xstrdup(source);
	pg->drops[pg->ndrops].client = xstrdup(client);
	pg->drops[pg->ndrops++].n = n;
}

/* Set (enable) or clear an entry, and NOTIFY in the same transaction:
 * every collector listening hears of it once it is committed. */
int
pg_optout_change(struct pg *pg, const char *source, const char *client,
    int enable, int64_t now, const char *set_by, char **cause)
{
	const char	*v[4];
	PGresult	*r;
	char		 since[32];
	int		 changed;

	snprintf(since, sizeof since, "%lld", (long long)now);
	v[0] = source;
	v[1] = client != NULL ? client : "";
	v[2] = since;
	v[3] = set_by;
	if (exec(pg, "BEGIN", "opt-out registry", cause) != 0)
		return -1;
	r = execp(pg, enable ? "INSERT INTO optout (source, client, since, "
	    "since_id, set_by) VALUES ($1, $2, $3, (SELECT coalesce(max(id), "
	    "0) FROM events), $4) ON CONFLICT (source, client) DO NOTHING" :
	    "DELETE FROM optout WHERE source = $1 AND client = $2",
	    enable ? 4 : 2, v, "opt-out registry", cause);
	if (r == NULL)
		goto fail;
	changed = strcmp(PQcmdTuples(r), "0") != 0;
	PQclear(r);
	if ((changed && exec(pg, "NOTIFY " PG_CHANNEL, "opt-out registry",
	    cause) != 0) || exec(pg, "COMMIT", "opt-out registry",
	    cause) != 0)
		goto fail;
	return changed;

fail:
	PQclear(PQexec(pg->conn, "ROLLBACK"));
	return -1;
}

int
pg_optout_load(struct pg *pg, struct tt_optout *out, char **cause)
{
	struct tt_optout_entry	*e;
	PGresult		*r;
	int			 i;

	r = execp(pg, "SELECT o.source, o.client, o.since, o.since_id, "
	    "o.set_by, o.dropped, (SELECT count(*) FROM events e WHERE "
	    "e.source = o.source AND e.id > o.since_id AND (o.client = '' OR "
	    "e.client_id = o.client)) FROM optout o ORDER BY 1, 2", 0, NULL,
	    "opt-out registry", cause);
	if (r == NULL)
		return -1;
	tt_optout_clear(out);
	for (i = 0; i < PQntuples(r); i++) {
		e = tt_optout_put(out, PQgetvalue(r, i, 0),
		    *PQgetvalue(r, i, 1) != '\0' ? PQgetvalue(r, i, 1) : NULL,
		    strtoll(PQgetvalue(r, i, 2), NULL, 10), PQgetvalue(r, i, 4));
		e->since_id = strtoll(PQgetvalue(r, i, 3), NULL, 10);
		e->dropped = strtoll(PQgetvalue(r, i, 5), NULL, 10);
		e->stored_since = strtoll(PQgetvalue(r, i, 6), NULL, 10);
	}
	PQclear(r);
	return 0;
}

int
pg_listen(struct pg *pg, char **cause)
{
	if (exec(pg, "LISTEN " PG_CHANNEL, "listen", cause) != 0)
		return -1;
	pg->listening = 1;
	return PQsocket(pg->conn);
}

int
pg_notified(struct pg *pg)
{
	PGnotify	*n;
	int		 count = 0;

	if (pg->down != NULL)
		return -1;
	if (PQconsumeInput(pg->conn) == 0) {
		went_down(pg, "the connection was lost");
		return -1;
	}
	while ((n = PQnotifies(pg->conn)) != NULL) {
		count++;
		PQfreemem(n);
	}
	return count;
}

/* The columns read back, in row_event()'s order. */
#define PG_READ_COLUMNS \
	"id, received_at, ts, source, format, phase, name, client_id, " \
	"execution_id, command, duration_ms, exit_code, severity, error, " \
	"version, os, arch, pii, data, capture"

static char *
col_str(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL :
	    xstrdup(PQgetvalue(r, row, col));
}

static int64_t
col_int(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? TT_NONE :
	    strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* Row row of r (PG_READ_COLUMNS) as an event. */
static void
row_event(const PGresult *r, int row, struct tt_event *ev)
{
	tt_event_init(ev);
	ev->id = col_int(r, row, 0);
	ev->received_at = col_int(r, row, 1);
	ev->ts = col_int(r, row, 2);
	if (tt_source_parse(PQgetvalue(r, row, 3), &ev->source) != 0)
		ev->source = TT_SRC_GENERIC;
	ev->format = tt_format_static(PQgetvalue(r, row, 4));
	ev->phase = (enum tt_phase)col_int(r, row, 5);
	ev->name = col_str(r, row, 6);
	ev->client_id = col_str(r, row, 7);
	ev->execution_id = col_str(r, row, 8);
	ev->command = col_str(r, row, 9);
	ev->duration_ms = PQgetisnull(r, row, 10) ? (double)TT_NONE :
	    strtod(PQgetvalue(r, row, 10), NULL);
	ev->exit_code = col_int(r, row, 11);
	ev->severity = col_int(r, row, 12);
	ev->error = col_str(r, row, 13);
	ev->version = col_str(r, row, 14);
	ev->os = col_str(r, row, 15);
	ev->arch = col_str(r, row, 16);
	ev->pii = col_str(r, row, 17);
	ev->data = col_str(r, row, 18);
	ev->data_len = ev->data != NULL ? strlen(ev->data) : 0;
	ev->data_off = TT_NOT_IN_BODY;
	ev->capture = col_str(r, row, 19);
}

#define PG_PAGE	1000	/* rows a query reads at a time */

/* The page of rows after (ascending) or before (descending) id from. */
static PGresult *
page(struct pg *pg, int64_t from, int desc, char **cause)
{
	char		 num[32];
	const char	*v[1] = { num };

	snprintf(num, sizeof num, "%lld", (long long)from);
	return execp(pg, desc ? "SELECT " PG_READ_COLUMNS " FROM events WHERE "
	    "id < $1::bigint ORDER BY id DESC LIMIT 1000" : "SELECT "
	    PG_READ_COLUMNS " FROM events WHERE id > $1::bigint ORDER BY id "
	    "LIMIT 1000", 1, v, "query", cause);
}

int
pg_events(struct pg *pg, const struct tt_filter *f, int64_t limit,
    int (*cb)(void *, const struct tt_event *), void *arg, char **cause)
{
	struct tt_event	*kept = NULL, ev;
	PGresult	*r;
	int64_t		 from = limit > 0 ? INT64_MAX : 0, n = 0, k;
	size_t		 cap = 0;
	int		 i, rows, stop = 0;

	*cause = NULL;
	/* with a limit, the newest that match, from the end back */
	do {
		if ((r = page(pg, from, limit > 0, cause)) == NULL)
			goto fail;
		rows = PQntuples(r);
		for (i = 0; i < rows && !stop; i++) {
			row_event(r, i, &ev);
			from = ev.id;
			if (f != NULL && !tt_filter_match(f, &ev)) {
				tt_event_clear(&ev);
				continue;
			}
			if (limit > 0) {
				if ((size_t)n == cap) {
					cap = cap != 0 ? cap * 2 : 64;
					kept = xrealloc(kept, cap * sizeof *kept);
				}
				kept[n++] = ev;
				stop = n == limit;
				continue;
			}
			stop = cb(arg, &ev);
			tt_event_clear(&ev);
		}
		PQclear(r);
	} while (!stop && rows == PG_PAGE);
	/* oldest first, as without a limit */
	for (k = n - 1, stop = 0; k >= 0; k--) {
		if (!stop)
			stop = cb(arg, &kept[k]);
		tt_event_clear(&kept[k]);
	}
	free(kept);
	return 0;

fail:
	for (k = 0; k < n; k++)
		tt_event_clear(&kept[k]);
	free(kept);
	return -1;
}
