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
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <poll.h>
#include <sys/random.h>
#include <unistd.h>

#include <cJSON.h>
#include <libpq-fe.h>

#include "core/catalog.h"
#include "core/counters.h"
#include "core/event.h"
#include "core/filter.h"
#include "core/optout.h"
#include "core/utf8.h"
#include "core/xmalloc.h"
#include "pg.h"

#define PG_SCHEMA_VERSION	1
#define PG_MIGRATION_FIELDS	5	/* the one that makes the catalog */
#define PG_MIGRATION_ROLLUPS	6	/* the one that makes the rollups */
#define PG_LOCK_MIGRATE		0x74656c01	/* advisory lock keys */
#define PG_LOCK_PARTITION	0x74656c02
#define PG_LOCK_ROLLUPS		1952803843	/* 0x74656c03, for SQL */
#define PG_STR_(x)		#x
#define PG_STR(x)		PG_STR_(x)
#define PG_KNOWN_DAYS		64		/* partitions remembered */
#define PG_CHANNEL		"teltop_optout"	/* NOTIFY of a registry change */
#define PG_EVENTS_CHANNEL	"teltop_events"	/* NOTIFY of committed events */
#define PG_NOTE_MAX		7000	/* bytes of one such NOTIFY (8000) */
#define PG_HEARD_MAX		65536	/* ids heard, not yet read */
#define PG_GONE_US		(86400 * INT64_C(1000000)) /* heartbeat kept */

/* The partitioned tables. */
enum { PG_EVENTS, PG_PAYLOADS };
static const char *const pg_tables[] = { "events", "payloads" };
#define DAY_US			(86400 * INT64_C(1000000))
#define PG_BACKOFF_MIN		(100 * 1000)		/* µs */
#define PG_BACKOFF_MAX		(5 * 1000 * 1000)
#define PG_CONNECT_US		(5 * 1000 * 1000)	/* connect_timeout */

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
	uint64_t	 reconnects;	/* sessions made again, in all */
	uint64_t	 reconnects_heard; /* what pg_notified() last saw */
	char		 state[6];	/* the last failed statement's SQLSTATE */
	char		*down;		/* why the connection is lost, or NULL */
	int64_t		 backoff;	/* µs before the next reconnect */
	int64_t		 next_try;	/* monotonic µs */
	struct {
		int64_t	 day;
		int	 table;		/* PG_EVENTS or PG_PAYLOADS */
	}	 days[PG_KNOWN_DAYS];	/* partitions known to exist */
	size_t	 ndays, next_day;
	char		 instance[20];	/* this store's, in its NOTIFYs */
	int64_t		*heard;		/* ids others committed, to read */
	size_t		 nheard, heardcap;
	uint64_t	 heard_lost;	/* past PG_HEARD_MAX, not read */
	/* the snapshot the last replay (pg_scan) read in: what notes of
	 * transactions it saw need not be read again */
	int		 snap_set;
	int64_t		 snap_xmin, snap_xmax, *snap_xip;
	size_t		 snap_nxip;
	int		 async;		/* reconnect without blocking */
	int		 connecting;	/* such a reconnect is under way */
	PostgresPollingStatusType polling; /* what it waits for */
	int64_t		 connect_at;	/* since when (monotonic µs) */
	/* run in each commit's transaction, after its events are in */
	int		(*hook)(void *, struct pg *, char **);
	void		*hook_arg;
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
	/*
	 * 3: the requests as received, byte for byte, partitioned by the day
	 * they were received; an event names the request it came in.
	 */
	"CREATE SEQUENCE payloads_id_seq;"
	"CREATE TABLE payloads ("
	"  id bigint NOT NULL,"
	"  day date NOT NULL,"
	"  received_at bigint NOT NULL,"
	"  route text NOT NULL,"
	"  content_type text,"
	"  request text,"
	"  body bytea NOT NULL,"
	"  raw bytea,"
	"  collector text NOT NULL"
	") PARTITION BY RANGE (day);"
	"CREATE INDEX payloads_id ON payloads (id);"
	"ALTER TABLE events ADD COLUMN payload_id bigint;",
	/*
	 * 4: the collectors running on the database, each instance's last
	 * heartbeat (what a UI's header lists); an instance gone a day is
	 * removed by the next heartbeat of any.
	 */
	"CREATE TABLE collectors ("
	"  instance text PRIMARY KEY,"
	"  name text NOT NULL,"
	"  started_at bigint NOT NULL,"
	"  seen_at bigint NOT NULL);",
	/*
	 * 5: the field catalog (store/catalog.c has its columns): a row per
	 * source, event name, version and path, what every collector's
	 * commits add merged into it (pg_fields_merge()).
	 */
	"CREATE TABLE fields ("
	"  source text NOT NULL, name text NOT NULL, version text NOT NULL,"
	"  path text NOT NULL, types integer NOT NULL DEFAULT 0,"
	"  kinds integer NOT NULL DEFAULT 0, events bigint NOT NULL DEFAULT 0,"
	"  first_seen bigint NOT NULL, last_seen bigint NOT NULL,"
	"  examples text, format text NOT NULL,"
	"  PRIMARY KEY (source, name, version, path));",
	/*
	 * 6: the rollups (store/rollup.c says what each holds), merged by
	 * every collector's commits under one advisory lock; an execution's
	 * earlier events found through events_exec.  "recent" is a list of
	 * numbers, oldest first, separated by spaces.
	 */
	"CREATE INDEX events_exec ON events (source, execution_id, id) "
	"  WHERE execution_id IS NOT NULL;"
	"CREATE TABLE rollup_cmd ("
	"  source text NOT NULL, command text NOT NULL,"
	"  count bigint NOT NULL DEFAULT 0, failures bigint NOT NULL DEFAULT 0,"
	"  open bigint NOT NULL DEFAULT 0, last_seen bigint, max_ms bigint,"
	"  recent text, PRIMARY KEY (source, command));"
	"CREATE TABLE rollup_hist ("
	"  source text NOT NULL, command text NOT NULL, bucket integer NOT NULL,"
	"  n bigint NOT NULL, PRIMARY KEY (source, command, bucket));"
	"CREATE TABLE rollup_open ("
	"  source text NOT NULL, execution_id text NOT NULL,"
	"  command text NOT NULL, start_ts bigint NOT NULL,"
	"  PRIMARY KEY (source, execution_id));"
	"CREATE TABLE rollup_day ("
	"  day text NOT NULL, source text NOT NULL,"
	"  events bigint NOT NULL DEFAULT 0, commands bigint NOT NULL DEFAULT 0,"
	"  failures bigint NOT NULL DEFAULT 0, clients bigint NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (day, source));"
	"CREATE TABLE rollup_client ("
	"  day text NOT NULL, source text NOT NULL, client text NOT NULL,"
	"  first_id bigint NOT NULL,"
	"  PRIMARY KEY (day, source, client));"
	"CREATE TABLE rollup_summary ("
	"  day text NOT NULL, source text NOT NULL, client text NOT NULL,"
	"  ts bigint NOT NULL, counts text NOT NULL,"
	"  PRIMARY KEY (day, source, client));"
	"CREATE TABLE rollup_privacy ("
	"  source text NOT NULL, field text NOT NULL, kind text NOT NULL,"
	"  grade text NOT NULL, events bigint NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (source, field, kind, grade));"
	"CREATE TABLE rollup_metric ("
	"  source text NOT NULL, name text NOT NULL, kind text NOT NULL,"
	"  unit text NOT NULL, points bigint NOT NULL DEFAULT 0,"
	"  last_seen bigint, last double precision, min double precision,"
	"  max double precision, recent text, PRIMARY KEY (source, name));"
	"CREATE TABLE rollup_meta (key text PRIMARY KEY, value text NOT NULL);",
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

/* Remember the SQLSTATE of a failed result (pg->state). */
static void
note_state(struct pg *pg, const PGresult *r)
{
	const char	*e = PQresultErrorField(r, PG_DIAG_SQLSTATE);

	snprintf(pg->state, sizeof pg->state, "%s", e != NULL ? e : "");
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

static PGresult	*readq(struct pg *, const char *, int, const char *const *,
		    int, const char *, char **);

/* The one integer a query returns, or -1. */
static int64_t
query_int(struct pg *pg, const char *sql)
{
	PGresult	*r;
	char		*cause = NULL;
	int64_t		 v = -1;

	if ((r = readq(pg, sql, 0, NULL, 0, "query", &cause)) == NULL) {
		free(cause);
		return -1;
	}
	if (PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return v;
}

/* A big-endian 64-bit integer, as binary results send bigint. */
static uint64_t
be64(const char *p)
{
	const unsigned char	*b = (const unsigned char *)p;
	uint64_t		 v = 0;
	int			 i;

	for (i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

int
pg_schema_version(struct pg *pg)
{
	return (int)query_int(pg, "SELECT max(version) FROM teltop_schema");
}

/* Bring the schema up to date, once for all collectors at a time. */
static int	session(struct pg *, char **);

static int
migrate(struct pg *pg, int (*build)(void *, struct pg *, int, char **),
    void *arg, char **cause)
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
		/* the catalog and the rollups of the events there are, in
		 * the migration's transaction: collectors of this version
		 * wait for its lock (older ones, which merge neither, may
		 * commit meanwhile and their events may be missed) */
		if ((v + 1 == PG_MIGRATION_FIELDS ||
		    v + 1 == PG_MIGRATION_ROLLUPS) && build != NULL &&
		    (session(pg, cause) != 0 ||
		    build(arg, pg, v + 1, cause) != 0))
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

void
pg_forget_counts(struct pg *pg)
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
	/* a collector that vanished mid-commit holds the commits' lock
	 * until its session goes: not for the kernel's hours */
	if (exec(pg, "SET client_min_messages = warning", "open", cause) != 0 ||
	    exec(pg, "SET idle_in_transaction_session_timeout = '60s'",
	    "open", cause) != 0 ||
	    exec(pg, "CREATE TEMP TABLE IF NOT EXISTS events_stage ON COMMIT "
	    "DELETE ROWS AS SELECT id, " PG_COLUMNS " FROM events WITH NO "
	    "DATA", "open: stage", cause) != 0 ||
	    exec(pg, "CREATE TEMP TABLE IF NOT EXISTS fields_stage ON COMMIT "
	    "DELETE ROWS AS SELECT * FROM fields WITH NO DATA",
	    "open: stage", cause) != 0)
		return -1;
	if (pg->listening && (exec(pg, "LISTEN " PG_CHANNEL, "listen",
	    cause) != 0 || exec(pg, "LISTEN " PG_EVENTS_CHANNEL, "listen",
	    cause) != 0))
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

/* The connection was lost (or a reconnect failed): why, and when to try
 * again: at once the first time, then after a backoff that doubles from
 * PG_BACKOFF_MIN up to PG_BACKOFF_MAX. */
static void
went_down(struct pg *pg, const char *why)
{
	if (pg->down == NULL)
		pg->backoff = 0;
	else
		pg->backoff = pg->backoff == 0 ? PG_BACKOFF_MIN :
		    pg->backoff * 2 > PG_BACKOFF_MAX ? PG_BACKOFF_MAX :
		    pg->backoff * 2;
	free(pg->down);
	pg->down = xstrdup(why);
	pg->next_try = now_us() + pg->backoff;
}

/*
 * A reconnect of an async connection (pg_set_async()) under way: 0 once it
 * is made, 1 while it is still on its way, -1 when it failed (then down,
 * with the next try after the backoff).  It never waits: PQresetPoll() is
 * called only once the socket is ready for what it last said it waits
 * for (it would block in a write or read otherwise).
 */
static int
reconnect_poll(struct pg *pg)
{
	struct pollfd	 p;
	char		*why;

	/* libpq's next step may block unless its socket is ready for it */
	p.fd = PQsocket(pg->conn);
	p.events = pg->polling == PGRES_POLLING_READING ? POLLIN : POLLOUT;
	p.revents = 0;
	if (p.fd >= 0 && poll(&p, 1, 0) == 0) {
		if (now_us() - pg->connect_at < PG_CONNECT_US)
			return 1;
		pg->connecting = 0;
		went_down(pg, "reconnect: timed out");
		return -1;
	}
	switch ((pg->polling = PQresetPoll(pg->conn))) {
	case PGRES_POLLING_OK:
		pg->connecting = 0;
		return 0;
	case PGRES_POLLING_FAILED:
		pg->connecting = 0;
		why = conn_error(pg->conn, "reconnect");
		went_down(pg, why);
		free(why);
		return -1;
	default:
		if (now_us() - pg->connect_at < PG_CONNECT_US)
			return 1;
		/* libpq keeps no connect_timeout without blocking */
		pg->connecting = 0;
		went_down(pg, "reconnect: timed out");
		return -1;
	}
}

/* Up, or reconnected now: 0; else -1 with *cause (answer 503). */
static int
ensure_up(struct pg *pg, char **cause)
{
	char	*why = NULL;
	int	 rc;

	if (PQstatus(pg->conn) == CONNECTION_OK && pg->down == NULL &&
	    !pg->connecting)
		return 0;
	if (pg->down == NULL)
		went_down(pg, "the connection was lost");
	if (!pg->connecting && now_us() < pg->next_try) {
		*cause = xasprintf("PostgreSQL is down: %s", pg->down);
		return -1;
	}
	if (pg->async) {
		if (!pg->connecting) {
			if (!PQresetStart(pg->conn)) {
				why = conn_error(pg->conn, "reconnect");
				went_down(pg, why);
				free(why);
				*cause = xasprintf("PostgreSQL is down: %s",
				    pg->down);
				return -1;
			}
			pg->connecting = 1;
			pg->connect_at = now_us();
			/* as after PQconnectStart(): wait to write */
			pg->polling = PGRES_POLLING_WRITING;
		}
		if ((rc = reconnect_poll(pg)) != 0) {
			*cause = xasprintf("PostgreSQL is down: %s%s", pg->down,
			    rc > 0 ? " (reconnecting)" : "");
			return -1;
		}
	} else
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
	pg->reconnects++;
	return 0;
}

/* After a failed statement: if the connection is gone, say so. */
static void
check_lost(struct pg *pg, const char *cause)
{
	if (PQstatus(pg->conn) != CONNECTION_OK && pg->down == NULL)
		went_down(pg, cause);
}

/*
 * A read on its own (no transaction of ours around it): reconnected first
 * if the connection is down, and run again once if it was lost under it.
 * The result, or NULL with *cause.
 */
static PGresult *
readq(struct pg *pg, const char *sql, int n, const char *const *v,
    int binary, const char *what, char **cause)
{
	PGresult	*r;
	int		 tries;

	for (tries = 0; tries < 2; tries++) {
		if (ensure_up(pg, cause) != 0)
			return NULL;
		r = PQexecParams(pg->conn, sql, n, NULL, v, NULL, NULL, binary);
		if (PQresultStatus(r) == PGRES_TUPLES_OK ||
		    PQresultStatus(r) == PGRES_COMMAND_OK)
			return r;
		PQclear(r);
		*cause = conn_error(pg->conn, what);
		if (PQstatus(pg->conn) == CONNECTION_OK)
			return NULL;
		went_down(pg, *cause);
		free(*cause);
		*cause = NULL;
	}
	*cause = xasprintf("PostgreSQL is down: %s", pg->down);
	return NULL;
}

/*
 * BEGIN, and with xid the transaction's id into it (for txid_status()
 * after a COMMIT whose answer was lost), reconnecting first if need be.
 * A connection found lost by BEGIN itself, before anything of the
 * transaction was sent, is made again and BEGIN sent once more.
 */
static int
begin(struct pg *pg, char xid[32], char **cause)
{
	PGresult	*r;
	int		 tries, ok;

	for (tries = 0; tries < 2; tries++) {
		if (ensure_up(pg, cause) != 0)
			return -1;
		/* a commit of events holds the rollups' lock to its end:
		 * collectors' commits (and their ids) then come one after
		 * another, so what one reads of an execution is what a
		 * replay in id order would have */
		r = PQexec(pg->conn, xid != NULL ? "BEGIN ISOLATION LEVEL "
		    "READ COMMITTED; SELECT "
		    "pg_advisory_xact_lock(" PG_STR(PG_LOCK_ROLLUPS) "); "
		    "SELECT txid_current()" : "BEGIN");
		ok = PQresultStatus(r) == (xid != NULL ? PGRES_TUPLES_OK :
		    PGRES_COMMAND_OK);
		if (ok && xid != NULL)
			snprintf(xid, 32, "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
		if (ok)
			return 0;
		*cause = conn_error(pg->conn, "begin");
		if (PQstatus(pg->conn) == CONNECTION_OK) {
			PQclear(PQexec(pg->conn, "ROLLBACK"));
			return -1;
		}
		went_down(pg, *cause);
		free(*cause);
		*cause = NULL;
	}
	*cause = xasprintf("PostgreSQL is down: %s", pg->down);
	return -1;
}

/*
 * COMMIT failed with the connection lost: was it committed all the same?
 * 1 yes (the server says so, on a new session), 0 no or not known.
 */
static int
committed_anyway(struct pg *pg, const char *xid)
{
	PGresult	*r;
	const char	*v[1] = { xid };
	char		*cause = NULL;
	int		 yes;

	if (PQstatus(pg->conn) == CONNECTION_OK || *xid == '\0')
		return 0;
	if (pg->down == NULL)
		went_down(pg, "the connection was lost at COMMIT");
	if ((r = readq(pg, "SELECT txid_status($1::bigint)", 1, v, 0,
	    "commit", &cause)) == NULL) {
		free(cause);
		return 0;
	}
	yes = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "committed") ==
	    0;
	PQclear(r);
	return yes;
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

/*
 * Connect with bounds of our own unless the URL sets them: a connect that
 * gives up after 5 s and keepalives that find a silent peer within about
 * half a minute, so that a server that vanished holds no thread for the
 * kernel's minutes.  The URL's own parameters win (expand_dbname: what
 * comes after in the arrays overrides what comes before).
 */
static PGconn *
connect_url(const char *url)
{
	static const char *const keys[] = {
		"connect_timeout", "keepalives", "keepalives_idle",
		"keepalives_interval", "keepalives_count", "tcp_user_timeout",
		"dbname", NULL
	};
	const char	*values[] = { "5", "1", "10", "5", "3", "20000", url,
			    NULL };

	return PQconnectdbParams(keys, values, 1);
}

/* A name no other store has: 16 hex digits from the kernel's random. */
static void
make_instance(char *out, size_t len)
{
	uint64_t	v = 0;

	if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v)
		v = (uint64_t)getpid() << 32 ^ (uint64_t)now_us();
	snprintf(out, len, "%016llx", (unsigned long long)v);
}

struct pg *
pg_open(const char *url, const char *collector, char **cause)
{
	return pg_open_built(url, collector, NULL, NULL, cause);
}

struct pg *
pg_open_built(const char *url, const char *collector,
    int (*build)(void *, struct pg *, int, char **), void *arg, char **cause)
{
	struct pg	*pg = xcalloc(1, sizeof *pg);

	pg->conn = connect_url(url);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		*cause = conn_error(pg->conn, "cannot connect to PostgreSQL");
		pg_close(pg);
		return NULL;
	}
	pg->collector = xstrdup(collector);
	make_instance(pg->instance, sizeof pg->instance);
	if (exec(pg, "SET client_min_messages = warning", "open", cause) != 0 ||
	    migrate(pg, build, arg, cause) != 0 || session(pg, cause) != 0) {
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
	pg_forget_counts(pg);
	free(pg->down);
	free(pg->collector);
	free(pg->heard);
	free(pg->snap_xip);
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

/* Make table's partition of day (µs, a day's start) unless it is known. */
static int
need_partition(struct pg *pg, int table, int64_t day, char **cause)
{
	char	from[16], to[16], name[16], sql[256];
	size_t	i;

	for (i = 0; i < pg->ndays; i++)
		if (pg->days[i].day == day && pg->days[i].table == table)
			return 0;
	day_text(day, from);
	day_text(day + DAY_US, to);
	snprintf(name, sizeof name, "%.4s%.2s%.2s", from, from + 5, from + 8);
	snprintf(sql, sizeof sql, "BEGIN; SELECT pg_advisory_xact_lock(%d);"
	    "CREATE TABLE IF NOT EXISTS %s_%s PARTITION OF %s FOR VALUES FROM "
	    "('%s') TO ('%s'); COMMIT", PG_LOCK_PARTITION, pg_tables[table],
	    name, pg_tables[table], from, to);
	if (exec(pg, sql, "partition", cause) != 0) {
		PQclear(PQexec(pg->conn, "ROLLBACK"));
		return -1;
	}
	pg->days[pg->next_day].day = day;
	pg->days[pg->next_day].table = table;
	pg->next_day = (pg->next_day + 1) % PG_KNOWN_DAYS;
	if (pg->ndays < PG_KNOWN_DAYS)
		pg->ndays++;
	return 0;
}

/*
 * Append s in COPY's text form (\N for NULL) and a separator.  Bytes that
 * are not UTF-8 (a header's 0xff, say) become U+FFFD: PostgreSQL's text
 * refuses them, and one would fail the whole group.
 */
static void
copy_text(char **buf, size_t *len, size_t *cap, const char *s, size_t n,
    char sep)
{
	char	*clean = NULL;
	size_t	 i, need;

	if (s != NULL && !tt_utf8_valid(s, n))
		s = clean = tt_utf8_clean(s, n, &n);
	need = (s != NULL ? 2 * n : 2) + 2;
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
	free(clean);
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

/* An event as a line of COPY text, first column n, last its request's
 * id (0: none). */
static int
copy_row(struct pg *pg, const struct tt_event *ev, int64_t n,
    int64_t payload_id, char **buf, size_t *len, size_t *cap, char **cause)
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
	copy_str(buf, len, cap, pg->collector, '\t');
	copy_int(buf, len, cap, payload_id > 0 ? payload_id : TT_NONE, '\n');
	return 0;
}

/* The events as COPY text, the first column ids[i] (NULL: i), the last
 * pids[i] (NULL: none). */
static char *
batch_text(struct pg *pg, struct tt_event *const *evs, size_t n,
    const int64_t *ids, const int64_t *pids, size_t *len, char **cause)
{
	char	*buf = NULL;
	size_t	 cap = 0, i;

	*len = 0;
	for (i = 0; i < n; i++)
		if (copy_row(pg, evs[i], ids != NULL ? ids[i] : (int64_t)i,
		    pids != NULL ? pids[i] : 0, &buf, len, &cap, cause) != 0) {
			free(buf);
			return NULL;
		}
	return buf != NULL ? buf : xstrdup("");
}

char *
pg_copy_text(struct pg *pg, const struct tt_batch *b, size_t *len,
    char **cause)
{
	struct tt_event	**evs = xcalloc(b->n + 1, sizeof *evs);
	char		 *text;
	size_t		  i;

	for (i = 0; i < b->n; i++)
		evs[i] = &b->ev[i];
	text = batch_text(pg, evs, b->n, NULL, NULL, len, cause);
	free(evs);
	return text;
}

/* COPY text (len bytes, owned: freed here) into table (columns). */
static int
copy_in(struct pg *pg, const char *table_cols, char *text, size_t len,
    char **cause)
{
	PGresult	*r;
	char		 sql[512];
	int		 rc = -1;

	snprintf(sql, sizeof sql, "COPY %s FROM STDIN", table_cols);
	r = PQexec(pg->conn, sql);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		note_state(pg, r);
		PQclear(r);
		free(text);
		*cause = conn_error(pg->conn, "copy");
		return -1;
	}
	PQclear(r);
	if (len > INT32_MAX || PQputCopyData(pg->conn, text, (int)len) != 1)
		PQputCopyEnd(pg->conn, "the rows could not be sent");
	else
		PQputCopyEnd(pg->conn, NULL);
	/* the COPY's result, then the end: never COPY_IN again */
	while ((r = PQgetResult(pg->conn)) != NULL) {
		if (PQresultStatus(r) == PGRES_COMMAND_OK) {
			if (rc == -1)
				rc = 0;
		} else {
			rc = -2;
			note_state(pg, r);
		}
		PQclear(r);
		if (PQstatus(pg->conn) != CONNECTION_OK)
			break;
	}
	free(text);
	if (rc != 0) {
		*cause = conn_error(pg->conn, "copy");
		return -1;
	}
	return 0;
}

/* bytes as COPY text of a bytea: \\x and hex digits. */
static void
copy_bytea(char **buf, size_t *len, size_t *cap, const void *p, size_t n,
    char sep)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*b = p;
	size_t			 i;

	if (p == NULL) {
		copy_text(buf, len, cap, NULL, 0, sep);
		return;
	}
	if (*len + 2 * n + 4 > *cap) {
		*cap = (*len + 2 * n + 4) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, "\\\\x", 3);
	*len += 3;
	for (i = 0; i < n; i++) {
		(*buf)[(*len)++] = hex[b[i] >> 4];
		(*buf)[(*len)++] = hex[b[i] & 15];
	}
	(*buf)[(*len)++] = sep;
}

/* The parts' requests as COPY text for payloads, with their ids. */
static char *
payload_text(struct pg *pg, const struct pg_part *parts, size_t nparts,
    const int64_t *pids, size_t *len)
{
	const struct store_payload *p;
	char			*buf = NULL, day[16];
	size_t			 cap = 0, i;

	*len = 0;
	for (i = 0; i < nparts; i++) {
		if ((p = parts[i].payload) == NULL)
			continue;
		day_text(parts[i].received_at, day);
		copy_int(&buf, len, &cap, pids[i], '\t');
		copy_str(&buf, len, &cap, day, '\t');
		copy_int(&buf, len, &cap, parts[i].received_at, '\t');
		copy_str(&buf, len, &cap, p->route != NULL ? p->route : "", '\t');
		copy_str(&buf, len, &cap, p->content_type, '\t');
		copy_str(&buf, len, &cap, p->request, '\t');
		copy_bytea(&buf, len, &cap, p->body != NULL ? p->body : "",
		    p->len, '\t');
		copy_bytea(&buf, len, &cap, p->raw, p->raw_len, '\t');
		copy_str(&buf, len, &cap, pg->collector, '\n');
	}
	return buf != NULL ? buf : xstrdup("");
}

/* n ids of the table's sequence, increasing, in one round trip. */
static int
take_ids(struct pg *pg, int table, size_t n, int64_t **ids, char **cause)
{
	PGresult	*r;
	char		 num[32], sql[128];
	const char	*v[1] = { num };
	size_t		 i;

	snprintf(num, sizeof num, "%zu", n);
	snprintf(sql, sizeof sql, "SELECT nextval('%s_id_seq') FROM "
	    "generate_series(1, $1::bigint)", pg_tables[table]);
	if ((r = execp(pg, sql, 1, v, "ids", cause)) == NULL)
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
set_id(struct tt_event **evs, size_t n, const int64_t *ids, int64_t id)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && ids[lo] == id)
		evs[lo]->id = id;
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
	struct pg_part	part = { NULL, 0, b };

	return pg_commit_parts(pg, &part, 1, stored, cause);
}

/* The partitions the parts need: their events' days, their requests'. */
static int
need_partitions(struct pg *pg, const struct pg_part *parts, size_t nparts,
    char **cause)
{
	size_t	i, k;

	for (i = 0; i < nparts; i++) {
		if (parts[i].payload != NULL && need_partition(pg, PG_PAYLOADS,
		    day_of(parts[i].received_at), cause) != 0)
			return -1;
		for (k = 0; k < parts[i].b->n; k++)
			if (need_partition(pg, PG_EVENTS,
			    day_of(parts[i].b->ev[k].ts), cause) != 0)
				return -1;
	}
	return 0;
}

static int
id_cmp(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* NOTIFY one note of committed ids: 0, or -1 with *cause. */
static int
notify_note(struct pg *pg, const char *note, char **cause)
{
	const char	*v[2] = { PG_EVENTS_CHANNEL, note };
	PGresult	*r;

	r = PQexecParams(pg->conn, "SELECT pg_notify($1, $2)", 2, NULL, v,
	    NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		*cause = conn_error(pg->conn, "notify");
		return -1;
	}
	PQclear(r);
	return 0;
}

/*
 * Tell the other stores on the database which events the transaction xid
 * (txid_current()) added, once it is committed: "INSTANCE XID a-b,c,...",
 * the ids as runs, in notes of at most PG_NOTE_MAX bytes.  ids is sorted
 * here.
 */
static int
notify_committed(struct pg *pg, int64_t *ids, size_t n, const char *xid,
    char **cause)
{
	char	note[PG_NOTE_MAX + 96];
	size_t	i, j, len, head;
	int	w;

	if (n == 0)
		return 0;
	qsort(ids, n, sizeof *ids, id_cmp);
	head = len = (size_t)snprintf(note, sizeof note, "%s %.24s ",
	    pg->instance, xid);
	for (i = 0; i < n; i = j + 1) {
		for (j = i; j + 1 < n && ids[j + 1] == ids[j] + 1; j++)
			;
		if (len > PG_NOTE_MAX) {
			note[len - 1] = '\0';	/* the ',' */
			if (notify_note(pg, note, cause) != 0)
				return -1;
			len = head;	/* the same "INSTANCE XID " */
		}
		w = j > i ? snprintf(note + len, sizeof note - len, "%lld-%lld,",
		    (long long)ids[i], (long long)ids[j]) : snprintf(note + len,
		    sizeof note - len, "%lld,", (long long)ids[i]);
		len += (size_t)w;
	}
	note[len - 1] = '\0';
	return notify_note(pg, note, cause);
}

int
pg_commit_parts(struct pg *pg, struct pg_part *parts, size_t nparts,
    size_t *stored, char **cause)
{
	struct tt_event	**evs = NULL;
	PGresult	 *r;
	char		 *text, xid[32];
	int64_t		 *ids = NULL, *pids = NULL, *evpids = NULL, *got = NULL;
	char		 *ncause = NULL;
	size_t		  i, k, n, nev = 0, npay = 0, len;
	int		  row, retried = 0, relinked = 0;

	*stored = 0;
	for (i = 0; i < nparts; i++) {
		nev += parts[i].b->n;
		npay += parts[i].payload != NULL;
	}
	if (nev == 0 && npay == 0 && pg->ncounts == 0 && pg->ndrops == 0)
		return 0;
	if (nev > INT32_MAX / 2) {
		*cause = xstrdup("batch too large");
		return -1;
	}
	evs = xcalloc(nev + 1, sizeof *evs);
	evpids = xcalloc(nev + 1, sizeof *evpids);
again:
	xid[0] = '\0';
	pg->state[0] = '\0';
	if (ensure_up(pg, cause) != 0)
		goto out;
	if (need_partitions(pg, parts, nparts, cause) != 0) {
		/* the first statement found the session gone: nothing of
		 * the batch was sent, so make it again and start over */
		if (PQstatus(pg->conn) != CONNECTION_OK && !relinked) {
			went_down(pg, *cause);
			free(*cause);
			*cause = NULL;
			relinked = 1;
			goto again;
		}
		check_lost(pg, *cause);
		goto out;
	}
	if (begin(pg, xid, cause) != 0)
		goto out;
	/* the requests first: the events name them */
	if (npay > 0) {
		if (take_ids(pg, PG_PAYLOADS, npay, &ids, cause) != 0)
			goto fail;
		pids = xcalloc(nparts, sizeof *pids);
		for (i = k = 0; i < nparts; i++)
			if (parts[i].payload != NULL)
				pids[i] = ids[k++];
		free(ids);
		ids = NULL;
		text = payload_text(pg, parts, nparts, pids, &len);
		if (copy_in(pg, "payloads (id, day, received_at, route, "
		    "content_type, request, body, raw, collector)", text, len,
		    cause) != 0)
			goto fail;
	}
	for (i = k = 0; i < nparts; i++)
		for (n = 0; n < parts[i].b->n; n++, k++) {
			evs[k] = &parts[i].b->ev[n];
			evpids[k] = pids != NULL ? pids[i] : 0;
		}
	n = 0;
	if (nev > 0) {
		if (take_ids(pg, PG_EVENTS, nev, &ids, cause) != 0 ||
		    (text = batch_text(pg, evs, nev, ids, evpids, &len,
		    cause)) == NULL ||
		    copy_in(pg, "events_stage (id, " PG_COLUMNS ")", text, len,
		    cause) != 0)
			goto fail;
		/* the new rows only: their ids say which events they are */
		r = PQexec(pg->conn, "INSERT INTO events (id, " PG_COLUMNS ") "
		    "SELECT id, " PG_COLUMNS " FROM events_stage ORDER BY id ON "
		    "CONFLICT (source, event_key, day) DO NOTHING RETURNING id");
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			note_state(pg, r);
			PQclear(r);
			*cause = conn_error(pg->conn, "insert");
			goto fail;
		}
		n = (size_t)PQntuples(r);
		got = xcalloc(n + 1, sizeof *got);
		for (row = 0; row < (int)n; row++) {
			got[row] = strtoll(PQgetvalue(r, row, 0), NULL, 10);
			set_id(evs, nev, ids, got[row]);
		}
		PQclear(r);
	}
	if (pg->hook != NULL && pg->hook(pg->hook_arg, pg, cause) != 0)
		goto fail;
	if (write_counts(pg, cause) != 0)
		goto fail;
	if (exec(pg, "COMMIT", "commit", cause) != 0) {
		/* lost with its answer: the server knows whether it did */
		if (!committed_anyway(pg, xid))
			goto fail;
		free(*cause);
		*cause = NULL;
	}
	pg_forget_counts(pg);
	*stored = n;
	/* after COMMIT, so that collectors' commits do not queue on the
	 * notification lock through their flush; best effort, as a live
	 * view is (the rows are in the database whatever happens here) */
	if (n > 0 && notify_committed(pg, got, n, xid, &ncause) != 0)
		free(ncause);
	free(got);
	free(ids);
	free(pids);
	free(evs);
	free(evpids);
	return 0;

fail:
	PQclear(PQexec(pg->conn, "ROLLBACK"));
	free(got);
	free(ids);
	free(pids);
	ids = pids = got = NULL;
	check_lost(pg, *cause);
	for (i = 0; i < nev; i++)
		if (evs[i] != NULL)
			evs[i]->id = 0;
	/* a day (of events or requests) another collector's retention
	 * dropped: forget the days known and make them again, once */
	if (strcmp(pg->state, "23514") == 0 && !retried) {
		pg->ndays = pg->next_day = 0;
		free(*cause);
		*cause = NULL;
		retried = 1;
		goto again;
	}
out:
	free(evs);
	free(evpids);
	return -1;
}

int
pg_drop_days_before(struct pg *pg, int64_t day_us, int64_t *events,
    char **cause)
{
	PGresult	*r;
	const char	*rel, *day;
	char		 cut[16], name[16], sql[192], *quoted;
	int		 i, t, dropped = 0;
	int64_t		 n;

	if (events != NULL)
		*events = 0;

	day_text(day_us, cut);
	snprintf(name, sizeof name, "%.4s%.2s%.2s", cut, cut + 5, cut + 8);
	for (t = PG_EVENTS; t <= PG_PAYLOADS; t++) {
		snprintf(sql, sizeof sql, "SELECT c.relname FROM pg_inherits h "
		    "JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = "
		    "'%s'::regclass ORDER BY 1", pg_tables[t]);
		r = PQexec(pg->conn, sql);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			PQclear(r);
			*cause = conn_error(pg->conn, "retention");
			return -1;
		}
		for (i = 0; i < PQntuples(r); i++) {
			/* TABLE_YYYYMMDD sorts as its day */
			rel = PQgetvalue(r, i, 0);
			if (strncmp(rel, pg_tables[t], strlen(pg_tables[t])) !=
			    0 || *(day = rel + strlen(pg_tables[t])) != '_' ||
			    strcmp(day + 1, name) >= 0)
				continue;
			if ((quoted = PQescapeIdentifier(pg->conn, rel,
			    strlen(rel))) == NULL) {
				PQclear(r);
				*cause = conn_error(pg->conn, "retention");
				return -1;
			}
			/* its rows are counted as evicted, as on SQLite */
			snprintf(sql, sizeof sql, "SELECT count(*) FROM %s",
			    quoted);
			n = t == PG_EVENTS ? query_int(pg, sql) : 0;
			/* another collector's retention may drop it first */
			snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS %s",
			    quoted);
			PQfreemem(quoted);
			if (exec(pg, sql, "retention", cause) != 0) {
				PQclear(r);
				return -1;
			}
			if (t == PG_EVENTS && events != NULL && n > 0)
				*events += n;
			dropped += t == PG_EVENTS;
		}
		PQclear(r);
	}
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

	if ((r = readq(pg, "SELECT coalesce(sum(value), 0) FROM counters "
	    "WHERE name = $1", 1, v, 0, "counters", &cause)) == NULL) {
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
	if (begin(pg, NULL, cause) != 0)
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
	check_lost(pg, *cause);
	return -1;
}

int
pg_optout_load(struct pg *pg, struct tt_optout *out, char **cause)
{
	struct tt_optout_entry	*e;
	PGresult		*r;
	int			 i;

	r = readq(pg, "SELECT o.source, o.client, o.since, o.since_id, "
	    "o.set_by, o.dropped, (SELECT count(*) FROM events e WHERE "
	    "e.source = o.source AND e.id > o.since_id AND (o.client = '' OR "
	    "e.client_id = o.client)) FROM optout o ORDER BY 1, 2", 0, NULL, 0,
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
	if (exec(pg, "LISTEN " PG_CHANNEL, "listen", cause) != 0 ||
	    exec(pg, "LISTEN " PG_EVENTS_CHANNEL, "listen", cause) != 0)
		return -1;
	pg->listening = 1;
	return PQsocket(pg->conn);
}

/*
 * Did the replay's snapshot (pg_scan(), "xmin:xmax:xip,...") see what the
 * transaction xid committed?  Yes when xid is below xmin, or below xmax
 * and not in progress then.  No snapshot: no.
 */
static int
snap_sees(const struct pg *pg, int64_t xid)
{
	size_t	i;

	if (!pg->snap_set || xid >= pg->snap_xmax)
		return 0;
	if (xid < pg->snap_xmin)
		return 1;
	for (i = 0; i < pg->snap_nxip; i++)
		if (pg->snap_xip[i] == xid)
			return 0;
	return 1;
}

/* Keep a snapshot's text (pg_current_snapshot()) for snap_sees(). */
static void
snap_keep(struct pg *pg, const char *text)
{
	const char	*p = text;
	char		*end;

	free(pg->snap_xip);
	pg->snap_xip = NULL;
	pg->snap_nxip = 0;
	pg->snap_set = 0;
	pg->snap_xmin = strtoll(p, &end, 10);
	if (*end != ':')
		return;
	pg->snap_xmax = strtoll(end + 1, &end, 10);
	if (*end != ':')
		return;
	for (p = end + 1; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		pg->snap_xip = xrealloc(pg->snap_xip, (pg->snap_nxip + 1) *
		    sizeof *pg->snap_xip);
		pg->snap_xip[pg->snap_nxip++] = strtoll(p, &end, 10);
		if (end == p)
			return;
	}
	pg->snap_set = 1;
}

/* Keep id to read (the caller keeps to PG_HEARD_MAX). */
static void
heard_id(struct pg *pg, int64_t id)
{
	if (pg->nheard == pg->heardcap) {
		pg->heardcap = pg->heardcap != 0 ? pg->heardcap * 2 : 256;
		pg->heard = xrealloc(pg->heard, pg->heardcap *
		    sizeof *pg->heard);
	}
	pg->heard[pg->nheard++] = id;
}

/*
 * A note of notify_committed() from another store: its ids kept for
 * pg_heard().  Our own (the writer's connection shares the instance) and
 * anything malformed are passed over.
 */
static void
heard_note(struct pg *pg, const char *note)
{
	size_t		 len = strlen(pg->instance);
	const char	*p;
	char		*end;
	long long	 a, b, xid;

	if (strncmp(note, pg->instance, len) == 0 && note[len] == ' ')
		return;
	if ((p = strchr(note, ' ')) == NULL)
		return;
	xid = strtoll(p + 1, &end, 10);
	if (end == p + 1 || *end != ' ')
		return;
	/* its rows are in the replay already */
	if (snap_sees(pg, (int64_t)xid))
		return;
	for (p = end + 1; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		a = strtoll(p, &end, 10);
		if (end == p || a <= 0)
			return;
		b = a;
		if (*end == '-') {
			p = end + 1;
			b = strtoll(p, &end, 10);
			if (end == p || b < a)
				return;
		}
		if (*end != ',' && *end != '\0')
			return;
		for (; a <= b; a++) {
			if (pg->nheard == PG_HEARD_MAX) {
				pg->heard_lost += (uint64_t)(b - a) + 1;
				break;
			}
			heard_id(pg, a);
		}
	}
}

int
pg_notified(struct pg *pg)
{
	PGnotify	*n;
	char		*cause = NULL;
	int		 count = 0;

	/* down: try again (after the backoff) */
	if (pg->down != NULL || PQconsumeInput(pg->conn) == 0) {
		if (pg->down == NULL)
			went_down(pg, "the connection was lost");
		if (ensure_up(pg, &cause) != 0) {
			free(cause);
			return -1;
		}
	}
	while ((n = PQnotifies(pg->conn)) != NULL) {
		if (strcmp(n->relname, PG_EVENTS_CHANNEL) == 0)
			heard_note(pg, n->extra);
		else
			count++;
		PQfreemem(n);
	}
	/* a new session, whichever call made it: changes may have been
	 * missed meanwhile, so say there was one */
	if (pg->reconnects != pg->reconnects_heard) {
		pg->reconnects_heard = pg->reconnects;
		if (count == 0)
			count = 1;
	}
	return count;
}

/* The columns read back, in row_event()'s order. */
#define PG_READ_COLUMNS \
	"id, received_at, ts, source, format, phase, name, client_id, " \
	"execution_id, command, duration_ms, exit_code, severity, error, " \
	"version, os, arch, pii, data, capture, collector"

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
	ev->collector = col_str(r, row, 20);
}

#define PG_PAGE	1000	/* rows a query reads at a time */

/* The page of rows after (ascending) or before (descending) id from. */
static PGresult *
page(struct pg *pg, int64_t from, int desc, char **cause)
{
	char		 num[32];
	const char	*v[1] = { num };

	snprintf(num, sizeof num, "%lld", (long long)from);
	return readq(pg, desc ? "SELECT " PG_READ_COLUMNS " FROM events WHERE "
	    "id < $1::bigint ORDER BY id DESC LIMIT 1000" : "SELECT "
	    PG_READ_COLUMNS " FROM events WHERE id > $1::bigint ORDER BY id "
	    "LIMIT 1000", 1, v, 0, "query", cause);
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

int
pg_scan(struct pg *pg, int64_t since_us, const char *source, int whole,
    void (*cb)(void *, const struct tt_event *), void *arg, char **cause)
{
	struct tt_event	 ev;
	PGresult	*r;
	uint64_t	 sessions = pg->reconnects;
	int64_t		 from = 0;
	int		 i, rows;
	char		 after[32], since[32];
	const char	*v[3] = { after, since, source };

	*cause = NULL;
	snprintf(since, sizeof since, "%lld", (long long)since_us);
	/*
	 * A replay reads in one snapshot, and keeps it: the notes of the
	 * transactions it saw (heard since LISTEN, before or during it) are
	 * then passed over, not counted twice.  A whole scan runs in its
	 * caller's transaction (the migration's).
	 */
	if (!whole) {
		if (ensure_up(pg, cause) != 0)
			return -1;
		r = PQexec(pg->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ "
		    "READ ONLY; SELECT pg_current_snapshot()");
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			PQclear(r);
			*cause = conn_error(pg->conn, "replay");
			check_lost(pg, *cause);
			PQclear(PQexec(pg->conn, "ROLLBACK"));
			return -1;
		}
		snap_keep(pg, PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	/* only what the aggregates read: a payload only where they read it
	 * (Devtron's Summary counts, metric points), the filters there */
	do {
		snprintf(after, sizeof after, "%lld", (long long)from);
		if ((r = readq(pg, whole ? "SELECT " PG_READ_COLUMNS " FROM "
		    "events WHERE id > $1::bigint AND ts >= $2::bigint AND "
		    "($3::text IS NULL OR source = $3) ORDER BY id LIMIT 1000" :
		    "SELECT id, received_at, ts, source, format, phase, name, "
		    "client_id, execution_id, command, duration_ms, exit_code, "
		    "severity, error, version, os, arch, NULL, CASE WHEN source = "
		    "'devtron' AND name = 'Summary' OR format LIKE "
		    "'otlp-metrics-%' THEN data END, NULL, collector FROM events "
		    "WHERE id > $1::bigint AND ts >= $2::bigint AND ($3::text IS "
		    "NULL OR source = $3) ORDER BY id LIMIT 1000", 3, v, 0,
		    "query", cause)) == NULL || pg->reconnects != sessions) {
			/* a session made again is out of the snapshot */
			PQclear(r);
			if (*cause == NULL)
				*cause = xstrdup("replay: the connection was "
				    "lost");
			if (!whole) {
				PQclear(PQexec(pg->conn, "ROLLBACK"));
				pg->snap_set = 0;
			}
			return -1;
		}
		rows = PQntuples(r);
		for (i = 0; i < rows; i++) {
			row_event(r, i, &ev);
			from = ev.id;
			cb(arg, &ev);
			tt_event_clear(&ev);
		}
		PQclear(r);
	} while (rows == PG_PAGE);
	if (!whole && exec(pg, "COMMIT", "replay", cause) != 0) {
		pg->snap_set = 0;
		return -1;
	}
	return 0;
}

int
pg_heard(struct pg *pg, void (*cb)(void *, const struct tt_event *),
    void *arg, char **cause)
{
	struct tt_event	 ev;
	PGresult	*r;
	const char	*v[1];
	char		*list;
	size_t		 i, k, len, chunk;
	int		 row, rows, n = 0;

	*cause = NULL;
	if (pg->nheard == 0)
		return 0;
	qsort(pg->heard, pg->nheard, sizeof *pg->heard, id_cmp);
	/* "{1,2,...}" of PG_PAGE ids at a time */
	list = xmalloc(PG_PAGE * 21 + 3);
	for (i = 0; i < pg->nheard; i += chunk) {
		chunk = pg->nheard - i < PG_PAGE ? pg->nheard - i : PG_PAGE;
		len = 0;
		list[len++] = '{';
		for (k = 0; k < chunk; k++)
			len += (size_t)snprintf(list + len, 22, "%s%lld",
			    k > 0 ? "," : "", (long long)pg->heard[i + k]);
		list[len++] = '}';
		list[len] = '\0';
		v[0] = list;
		if ((r = readq(pg, "SELECT " PG_READ_COLUMNS " FROM events "
		    "WHERE id = ANY($1::bigint[]) ORDER BY id", 1, v, 0,
		    "query", cause)) == NULL) {
			/* what is not read yet stays, for the next call */
			memmove(pg->heard, pg->heard + i, (pg->nheard - i) *
			    sizeof *pg->heard);
			pg->nheard -= i;
			free(list);
			return -1;
		}
		rows = PQntuples(r);
		for (row = 0; row < rows; row++) {
			row_event(r, row, &ev);
			cb(arg, &ev);
			tt_event_clear(&ev);
			n++;
		}
		PQclear(r);
	}
	free(list);
	pg->nheard = 0;
	return n;
}

int
pg_privacy(struct pg *pg, int64_t since_us, const char *source,
    void (*cb)(void *, const char *, const char *, const char *, int,
    int64_t), void *arg, char **cause)
{
	char		 since[32];
	const char	*v[2] = { since, source };
	PGresult	*r;
	int		 i;

	*cause = NULL;
	snprintf(since, sizeof since, "%lld", (long long)since_us);
	/* pii is what teltop wrote: a JSON array of findings */
	if ((r = readq(pg, "SELECT e.source, f->>'field', f->>'kind', "
	    "f->>'grade', count(*) FROM events e, jsonb_array_elements("
	    "e.pii::jsonb) f WHERE e.pii IS NOT NULL AND e.pii LIKE '[%' AND "
	    "e.pii <> '[]' AND e.ts >= $1::bigint AND ($2::text IS NULL OR "
	    "e.source = $2) GROUP BY 1, 2, 3, 4", 2, v, 0, "privacy",
	    cause)) == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++) {
		if (PQgetisnull(r, i, 1) || PQgetisnull(r, i, 2))
			continue;
		cb(arg, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
		    PQgetvalue(r, i, 2), !PQgetisnull(r, i, 3) &&
		    strcmp(PQgetvalue(r, i, 3), "red") == 0,
		    strtoll(PQgetvalue(r, i, 4), NULL, 10));
	}
	PQclear(r);
	return 0;
}

void
pg_set_hook(struct pg *pg, int (*fn)(void *, struct pg *, char **),
    void *arg)
{
	pg->hook = fn;
	pg->hook_arg = arg;
}

/* A row's examples as COPY text: a JSON array, or NULL for none. */
static void
copy_examples(char **buf, size_t *len, size_t *cap,
    const struct tt_field_row *r)
{
	cJSON	*o;
	char	*text;
	size_t	 i;

	if (r->nexamples == 0) {
		copy_str(buf, len, cap, NULL, '\t');
		return;
	}
	o = cJSON_CreateArray();
	for (i = 0; i < r->nexamples; i++)
		cJSON_AddItemToArray(o, cJSON_CreateString(r->examples[i]));
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	copy_str(buf, len, cap, text, '\t');
	cJSON_free(text);
}

int
pg_fields_merge(struct pg *pg, const struct tt_field_row *rows, size_t n,
    int red, int kind_max, int64_t rows_max, char **cause)
{
	PGresult	*r;
	char		*buf = NULL, *sql;
	size_t		 len = 0, cap = 0, i;
	int		 ok;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		copy_str(&buf, &len, &cap, rows[i].source, '\t');
		copy_str(&buf, &len, &cap, rows[i].name, '\t');
		copy_str(&buf, &len, &cap, rows[i].versions[0], '\t');
		copy_str(&buf, &len, &cap, rows[i].path, '\t');
		copy_int(&buf, &len, &cap, rows[i].types, '\t');
		copy_int(&buf, &len, &cap, rows[i].kinds, '\t');
		copy_int(&buf, &len, &cap, rows[i].events, '\t');
		copy_int(&buf, &len, &cap, rows[i].first_seen, '\t');
		copy_int(&buf, &len, &cap, rows[i].last_seen, '\t');
		copy_examples(&buf, &len, &cap, &rows[i]);
		copy_str(&buf, &len, &cap, rows[i].format, '\n');
	}
	if (copy_in(pg, "fields_stage (source, name, version, path, types, "
	    "kinds, events, first_seen, last_seen, examples, format)", buf,
	    len, cause) != 0)
		return -1;
	/*
	 * Grouped by key first: two staged rows may have one key once COPY
	 * made their text UTF-8, and one INSERT may not touch a row twice.
	 * In key order, so that two collectors' commits lock shared rows in
	 * the same order.  A row new to the table only while its kind had
	 * fewer than kind_max before the statement (so a batch, at most
	 * kind_max new rows of a kind itself, may go past it once) and the
	 * table about rows_max (the planner's count, no scan: unknown, so
	 * not applied, until the table is first analyzed).  Examples: those
	 * there first, then the new ones, at most TT_FIELD_EXAMPLES, none
	 * once the field is found red.
	 */
	sql = xasprintf("INSERT INTO fields AS f SELECT s.* FROM (SELECT "
	    "source, name, version, path, bit_or(types) AS types, bit_or(kinds) "
	    "AS kinds, sum(events) AS events, min(first_seen) AS first_seen, "
	    "max(last_seen) AS last_seen, (array_agg(examples))[1] AS examples, "
	    "(array_agg(format ORDER BY last_seen DESC))[1] AS format FROM "
	    "fields_stage GROUP BY source, name, version, path) s "
	    "WHERE EXISTS (SELECT 1 FROM fields x WHERE x.source = s.source "
	    "AND x.name = s.name AND x.version = s.version AND x.path = "
	    "s.path) OR ((SELECT count(*) FROM fields x WHERE x.source = "
	    "s.source AND x.name = s.name AND x.version = s.version) < %d AND "
	    "(SELECT reltuples FROM pg_class WHERE oid = 'fields'::regclass) "
	    "< %lld) ORDER BY s.source, s.name, s.version, s.path "
	    "ON CONFLICT (source, name, version, path) DO UPDATE SET "
	    "types = f.types | excluded.types, kinds = f.kinds | excluded.kinds, "
	    "events = f.events + excluded.events, "
	    "first_seen = least(f.first_seen, excluded.first_seen), "
	    "last_seen = greatest(f.last_seen, excluded.last_seen), "
	    "format = CASE WHEN excluded.last_seen >= f.last_seen THEN "
	    "excluded.format ELSE f.format END, "
	    "examples = CASE WHEN (f.kinds | excluded.kinds) & %d <> 0 THEN NULL "
	    "ELSE (SELECT CASE WHEN count(*) = 0 THEN NULL ELSE "
	    "jsonb_agg(v ORDER BY o)::text END FROM (SELECT v, min(o) AS o FROM "
	    "(SELECT a.v, a.o FROM jsonb_array_elements_text(coalesce("
	    "f.examples, '[]')::jsonb) WITH ORDINALITY a(v, o) UNION ALL "
	    "SELECT b.v, b.o + 1000 FROM jsonb_array_elements_text(coalesce("
	    "excluded.examples, '[]')::jsonb) WITH ORDINALITY b(v, o)) u "
	    "GROUP BY v ORDER BY min(o) LIMIT %d) t) END", kind_max,
	    (long long)rows_max, red, TT_FIELD_EXAMPLES);
	r = PQexec(pg->conn, sql);
	free(sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok) {
		note_state(pg, r);
		*cause = conn_error(pg->conn, "field catalog");
	}
	PQclear(r);
	return ok ? 0 : -1;
}

/* Text of a column, NULL for NULL. */
static const char *
col_or_null(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

int
pg_fields(struct pg *pg, const char *source, const char *name,
    const char *version, void (*cb)(void *, const char *const *), void *arg,
    char **cause)
{
	const char	*v[3] = { source, name, version }, *cols[11];
	PGresult	*r;
	int		 i, k;

	if ((r = readq(pg, "SELECT source, name, path, version, types, kinds, "
	    "events, first_seen, last_seen, examples, format FROM fields "
	    "WHERE ($1::text IS NULL OR source = $1) AND ($2::text IS NULL OR "
	    "name = $2) AND ($3::text IS NULL OR version = $3) ORDER BY "
	    "source, name, path, first_seen", 3, v, 0, "field catalog",
	    cause)) == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++) {
		for (k = 0; k < 11; k++)
			cols[k] = col_or_null(r, i, k);
		cb(arg, cols);
	}
	PQclear(r);
	return 0;
}

int
pg_field_versions(struct pg *pg, const char *source, void (*cb)(void *,
    const char *, int64_t, int64_t), void *arg, char **cause)
{
	const char	*v[1] = { source };
	PGresult	*r;
	int		 i;

	/* an event name's events are those of its most common field */
	if ((r = readq(pg, "SELECT version, min(f), sum(m) FROM (SELECT "
	    "version, min(first_seen) AS f, max(events) AS m FROM fields WHERE "
	    "source = $1 GROUP BY version, name) t GROUP BY version", 1, v, 0,
	    "field catalog", cause)) == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++)
		cb(arg, PQgetvalue(r, i, 0), strtoll(PQgetvalue(r, i, 1), NULL,
		    10), strtoll(PQgetvalue(r, i, 2), NULL, 10));
	PQclear(r);
	return 0;
}

uint64_t
pg_heard_lost(const struct pg *pg)
{
	return pg->heard_lost;
}

/* The server's clock in µs as SQL, where a time of 0 ($n) says to use it:
 * every collector's beats on one clock, whatever their own say. */
#define PG_AT(n) \
	"(CASE WHEN $" #n "::bigint <> 0 THEN $" #n "::bigint ELSE " \
	"(extract(epoch FROM clock_timestamp()) * 1000000)::bigint END)"

int
pg_heartbeat(struct pg *pg, int64_t at, char **cause)
{
	char		 t[32], gone[32];
	const char	*v[4] = { pg->instance, pg->collector, t, gone };
	PGresult	*r;

	snprintf(t, sizeof t, "%lld", (long long)at);
	snprintf(gone, sizeof gone, "%lld", (long long)PG_GONE_US);
	if ((r = readq(pg, "WITH gone AS (DELETE FROM collectors WHERE "
	    "seen_at < " PG_AT(3) " - $4::bigint) INSERT INTO collectors "
	    "(instance, name, started_at, seen_at) VALUES ($1, $2, " PG_AT(3)
	    ", " PG_AT(3) ") ON CONFLICT (instance) DO UPDATE SET name = "
	    "excluded.name, seen_at = excluded.seen_at", 4, v, 0, "heartbeat",
	    cause)) == NULL)
		return -1;
	PQclear(r);
	return 0;
}

void
pg_leave(struct pg *pg)
{
	const char	*v[1] = { pg->instance };

	if (pg->down == NULL && PQstatus(pg->conn) == CONNECTION_OK)
		PQclear(PQexecParams(pg->conn, "DELETE FROM collectors WHERE "
		    "instance = $1", 1, NULL, v, NULL, NULL, 0));
}

int
pg_collectors(struct pg *pg, int64_t within, int64_t at,
    void (*cb)(void *, const char *, int), void *arg, char **cause)
{
	char		 w[32], t[32];
	const char	*v[2] = { w, t };
	PGresult	*r;
	int		 i, rows;

	snprintf(w, sizeof w, "%lld", (long long)within);
	snprintf(t, sizeof t, "%lld", (long long)at);
	if ((r = readq(pg, "SELECT name, count(*) FROM collectors WHERE "
	    "seen_at >= " PG_AT(2) " - $1::bigint GROUP BY name ORDER BY "
	    "name", 2, v, 0, "collectors", cause)) == NULL)
		return -1;
	rows = PQntuples(r);
	for (i = 0; i < rows; i++)
		cb(arg, PQgetvalue(r, i, 0), atoi(PQgetvalue(r, i, 1)));
	PQclear(r);
	return rows;
}

void
pg_set_async(struct pg *pg, int async)
{
	pg->async = async;
}

const char *
pg_instance(const struct pg *pg)
{
	return pg->instance;
}

void
pg_set_instance(struct pg *pg, const char *instance)
{
	snprintf(pg->instance, sizeof pg->instance, "%s", instance);
}

int
pg_payload_get(struct pg *pg, int64_t id, struct store_request *out,
    char **cause)
{
	PGresult	*r;
	char		 num[32];
	const char	*v[1] = { num };

	memset(out, 0, sizeof *out);
	snprintf(num, sizeof num, "%lld", (long long)id);
	/* binary results: the bytes as they are */
	if ((r = readq(pg, "SELECT received_at, route, content_type, "
	    "request, body, raw FROM payloads WHERE id = $1::bigint", 1, v, 1,
	    "payload", cause)) == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return 0;
	}
	out->id = id;
	out->received_at = (int64_t)be64(PQgetvalue(r, 0, 0));
	out->route = xstrndup(PQgetvalue(r, 0, 1), (size_t)PQgetlength(r, 0, 1));
	if (!PQgetisnull(r, 0, 2))
		out->content_type = xstrndup(PQgetvalue(r, 0, 2),
		    (size_t)PQgetlength(r, 0, 2));
	if (!PQgetisnull(r, 0, 3))
		out->request = xstrndup(PQgetvalue(r, 0, 3),
		    (size_t)PQgetlength(r, 0, 3));
	out->len = (size_t)PQgetlength(r, 0, 4);
	out->body = xmalloc(out->len + 1);
	memcpy(out->body, PQgetvalue(r, 0, 4), out->len);
	out->body[out->len] = '\0';
	if (!PQgetisnull(r, 0, 5)) {
		out->raw_len = (size_t)PQgetlength(r, 0, 5);
		out->raw = xmalloc(out->raw_len + 1);
		memcpy(out->raw, PQgetvalue(r, 0, 5), out->raw_len);
		out->raw[out->raw_len] = '\0';
	}
	PQclear(r);
	return 1;
}

int64_t
pg_event_payload(struct pg *pg, int64_t event_id)
{
	char		 sql[96];

	snprintf(sql, sizeof sql, "SELECT coalesce(payload_id, 0) FROM events "
	    "WHERE id = %lld", (long long)event_id);
	return query_int(pg, sql);
}

const char *
pg_collector(const struct pg *pg)
{
	return pg->collector;
}

void
pg_set_collector(struct pg *pg, const char *name)
{
	free(pg->collector);
	pg->collector = xstrdup(name);
}

uint64_t
pg_reconnects(const struct pg *pg)
{
	return pg->reconnects;
}

int64_t
pg_last_id(struct pg *pg)
{
	return query_int(pg, "SELECT coalesce(max(id), 0) FROM events");
}

int
pg_counters(struct pg *pg, struct tt_counters *c)
{
	PGresult	*r;
	char		*cause = NULL;
	int		 i, k;

	memset(c, 0, sizeof *c);
	if ((r = readq(pg, "SELECT name, sum(value) FROM counters GROUP BY "
	    "name", 0, NULL, 0, "counters", &cause)) == NULL) {
		free(cause);
		return -1;
	}
	for (i = 0; i < PQntuples(r); i++)
		for (k = 0; k < TT_CTR_COUNT; k++)
			if (strcmp(PQgetvalue(r, i, 0), tt_counter_name(
			    (enum tt_counter)k)) == 0)
				c->v[k] = strtoll(PQgetvalue(r, i, 1), NULL, 10);
	PQclear(r);
	return 0;
}

int
pg_named_counters(struct pg *pg, const char *prefix,
    void (*cb)(void *, const char *, int64_t), void *arg)
{
	const char	*v[1] = { prefix };
	PGresult	*r;
	char		*cause = NULL;
	int		 i;

	if ((r = readq(pg, "SELECT name, sum(value) FROM counters WHERE "
	    "left(name, length($1)) = $1 GROUP BY name ORDER BY name", 1, v, 0,
	    "counters", &cause)) == NULL) {
		free(cause);
		return -1;
	}
	for (i = 0; i < PQntuples(r); i++)
		cb(arg, PQgetvalue(r, i, 0), strtoll(PQgetvalue(r, i, 1), NULL,
		    10));
	PQclear(r);
	return 0;
}

int
pg_backend_pid(const struct pg *pg)
{
	return PQbackendPID(pg->conn);
}

/* ---- what the rollups (rollup.c) run ---- */

void
pg_array_init(struct pg_array *a)
{
	memset(a, 0, sizeof *a);
}

void
pg_array_free(struct pg_array *a)
{
	free(a->buf);
	pg_array_init(a);
}

/* Append s (NULL: NULL) as an element of a text[] literal: quoted, with
 * '"' and '\\' escaped, and made UTF-8 as copy_text() makes it. */
void
pg_array_add(struct pg_array *a, const char *s)
{
	char	*clean = NULL;
	size_t	 n = s != NULL ? strlen(s) : 0, i, need;

	if (s != NULL && !tt_utf8_valid(s, n))
		s = clean = tt_utf8_clean(s, n, &n);
	need = 2 * n + 8;
	if (a->len + need > a->cap) {
		a->cap = (a->len + need) * 2;
		a->buf = xrealloc(a->buf, a->cap);
	}
	a->buf[a->len++] = a->n++ == 0 ? '{' : ',';
	if (s == NULL) {
		memcpy(a->buf + a->len, "NULL", 4);
		a->len += 4;
	} else {
		a->buf[a->len++] = '"';
		for (i = 0; i < n; i++) {
			if (s[i] == '"' || s[i] == '\\')
				a->buf[a->len++] = '\\';
			a->buf[a->len++] = s[i];
		}
		a->buf[a->len++] = '"';
	}
	free(clean);
}

void
pg_array_int(struct pg_array *a, int64_t v)
{
	char	num[32];

	if (v == TT_NONE) {
		pg_array_add(a, NULL);
		return;
	}
	snprintf(num, sizeof num, "%lld", (long long)v);
	pg_array_add(a, num);
}

void
pg_array_real(struct pg_array *a, double v)
{
	char	num[40];

	if (isnan(v)) {
		pg_array_add(a, NULL);
		return;
	}
	snprintf(num, sizeof num, "%.17g", v);
	pg_array_add(a, num);
}

const char *
pg_array_text(struct pg_array *a)
{
	if (a->len + 3 > a->cap) {
		a->cap = a->len + 16;
		a->buf = xrealloc(a->buf, a->cap);
	}
	if (a->n == 0)
		memcpy(a->buf, "{}", 3);
	else
		memcpy(a->buf + a->len, "}", 2);
	return a->buf;
}

int
pg_run(struct pg *pg, const char *sql, int n, const char *const *params,
    void (*row)(void *, int, const char *const *), void *arg, char **cause)
{
	PGresult	*r;
	const char	*vals[PG_RUN_COLS];
	int		 i, k, rows, cols;

	/* never made again here: it may be in a transaction of the caller */
	if (pg->down != NULL || pg->connecting ||
	    PQstatus(pg->conn) != CONNECTION_OK) {
		*cause = xasprintf("PostgreSQL is down: %s", pg->down != NULL ?
		    pg->down : "the connection was lost");
		return -1;
	}
	if ((r = execp(pg, sql, n, params, "rollups", cause)) == NULL) {
		check_lost(pg, *cause);
		return -1;
	}
	rows = PQntuples(r);
	cols = PQnfields(r);
	if (cols > PG_RUN_COLS)
		cols = PG_RUN_COLS;
	for (i = 0; row != NULL && i < rows; i++) {
		for (k = 0; k < cols; k++)
			vals[k] = PQgetisnull(r, i, k) ? NULL :
			    PQgetvalue(r, i, k);
		row(arg, i, vals);
	}
	PQclear(r);
	return 0;
}

int
pg_up(struct pg *pg, char **cause)
{
	return ensure_up(pg, cause);
}

int
pg_rollup_begin(struct pg *pg, int snapshot, char **cause)
{
	PGresult	*r;

	if (ensure_up(pg, cause) != 0)
		return -1;
	r = PQexec(pg->conn, snapshot ? "BEGIN ISOLATION LEVEL REPEATABLE "
	    "READ READ ONLY; SELECT pg_current_snapshot()" : "BEGIN ISOLATION "
	    "LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock("
	    PG_STR(PG_LOCK_ROLLUPS) ")");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		*cause = conn_error(pg->conn, "rollups");
		check_lost(pg, *cause);
		PQclear(PQexec(pg->conn, "ROLLBACK"));
		return -1;
	}
	if (snapshot)
		snap_keep(pg, PQgetvalue(r, 0, 0));
	PQclear(r);
	return 0;
}

int
pg_rollup_end(struct pg *pg, int commit, char **cause)
{
	if (commit && exec(pg, "COMMIT", "rollups", cause) == 0)
		return 0;
	PQclear(PQexec(pg->conn, "ROLLBACK"));
	if (commit)
		check_lost(pg, *cause);
	return commit ? -1 : 0;
}

int
pg_scan_between(struct pg *pg, int64_t after, int64_t before,
    void (*cb)(void *, const struct tt_event *), void *arg, char **cause)
{
	struct tt_event	 ev;
	PGresult	*r;
	char		 from[32], to[32];
	const char	*v[2] = { from, to };
	int		 i, rows;

	snprintf(to, sizeof to, "%lld", (long long)before);
	do {
		snprintf(from, sizeof from, "%lld", (long long)after);
		if ((r = execp(pg, "SELECT " PG_READ_COLUMNS " FROM events WHERE "
		    "id > $1::bigint AND id < $2::bigint ORDER BY id LIMIT 1000",
		    2, v, "rollups", cause)) == NULL) {
			check_lost(pg, *cause);
			return -1;
		}
		rows = PQntuples(r);
		for (i = 0; i < rows; i++) {
			row_event(r, i, &ev);
			after = ev.id;
			cb(arg, &ev);
			tt_event_clear(&ev);
		}
		PQclear(r);
	} while (rows == PG_PAGE);
	return 0;
}
