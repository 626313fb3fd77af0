/*
 * SQLite storage: schema and migrations (PRAGMA user_version), cached
 * statements, batched commit.  What stays true: a ticket is reported
 * committed only after the COMMIT that wrote its rows returned SQLITE_OK,
 * with synchronous=FULL, so an acknowledged event survives a crash; the
 * rollups (rollup.c) are written in the transaction of the events they
 * count, so they agree with them after any crash; and tickets are
 * reported in order, each once.  Rows are written packed
 * (pack.h): findings as ids, bodies compressed, an event's JSON as a range
 * of its body when it is one; query.c reads them back byte for byte.
 *
 * Everything here runs on the loop thread, except store_txn(), which runs
 * on whichever thread owns the connection it is given: the writer thread
 * (writer.c) or, without one, the loop thread.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/decode.h"
#include "core/hmap.h"
#include "core/xmalloc.h"
#include "pack.h"
#include "pg.h"
#include "store.h"
#include "store_int.h"

/* How far past an event's length its bytes are looked for in the body. */
#define RANGE_SLACK	4096

struct wconn;
static void	key_payload(char *, size_t, const char *);
static int	bind_pii(struct wconn *, sqlite3_stmt *, const char *,
		    char **);
static int	bind_data(struct wconn *, sqlite3_stmt *,
		    const struct tt_event *, const void *, size_t, size_t *,
		    char **);

/*
 * The rollups (store/rollup.c), what start-up and `teltop stats` read.
 * The migration that makes them builds them from the events already
 * stored (store_rollup_build), once: 1 M mix events (2 GB) in 2.4 s of
 * CPU, 7-8 s on the shared 2-core machine; 1 M bench rows in 1.7 s.
 */
static const char migration_rollups[] =
	"CREATE TABLE rollup_cmd("
	"  id INTEGER PRIMARY KEY,"
	"  source TEXT NOT NULL,"
	"  command TEXT NOT NULL,"
	"  count INTEGER NOT NULL DEFAULT 0,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  open INTEGER NOT NULL DEFAULT 0,"
	"  last_seen INTEGER,"
	"  max_ms INTEGER,"
	"  recent BLOB,"
	"  UNIQUE(source, command));"
	"CREATE TABLE rollup_hist("
	"  cmd INTEGER NOT NULL,"
	"  bucket INTEGER NOT NULL,"
	"  n INTEGER NOT NULL,"
	"  PRIMARY KEY(cmd, bucket)) WITHOUT ROWID;"
	"CREATE TABLE rollup_open("
	"  source TEXT NOT NULL,"
	"  execution_id TEXT NOT NULL,"
	"  cmd INTEGER NOT NULL,"
	"  start_ts INTEGER NOT NULL,"
	"  PRIMARY KEY(source, execution_id)) WITHOUT ROWID;"
	"CREATE INDEX rollup_open_ts ON rollup_open(start_ts);"
	"CREATE TABLE rollup_day("
	"  day TEXT NOT NULL,"
	"  source TEXT NOT NULL,"
	"  events INTEGER NOT NULL DEFAULT 0,"
	"  commands INTEGER NOT NULL DEFAULT 0,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  clients INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY(day, source)) WITHOUT ROWID;"
	"CREATE TABLE rollup_client("
	"  day TEXT NOT NULL,"
	"  source TEXT NOT NULL,"
	"  client TEXT NOT NULL,"
	"  PRIMARY KEY(day, source, client)) WITHOUT ROWID;"
	"CREATE TABLE rollup_summary("
	"  day TEXT NOT NULL,"
	"  source TEXT NOT NULL,"
	"  client TEXT NOT NULL,"
	"  ts INTEGER NOT NULL,"
	"  counts TEXT NOT NULL,"
	"  PRIMARY KEY(day, source, client)) WITHOUT ROWID;"
	"CREATE TABLE rollup_privacy("
	"  source TEXT NOT NULL,"
	"  field TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  grade TEXT NOT NULL,"
	"  events INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY(source, field, kind, grade)) WITHOUT ROWID;"
	"CREATE TABLE rollup_meta("
	"  key TEXT PRIMARY KEY,"
	"  value) WITHOUT ROWID;";

/* Per source and OTLP metric (store/rollup.c). */
static const char migration_metrics[] =
	"CREATE TABLE rollup_metric("
	"  source TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  unit TEXT NOT NULL,"
	"  points INTEGER NOT NULL,"
	"  last_seen INTEGER,"
	"  last REAL,"
	"  min REAL,"
	"  max REAL,"
	"  recent BLOB,"
	"  PRIMARY KEY(source, name)) WITHOUT ROWID;";

/* Each entry takes the schema from version i to i + 1. */
/*
 * The field catalog (catalog.c): a row per source, event name, version and
 * field path; built from the events there are.
 */
static const char migration_fields[] =
	"CREATE TABLE fields("
	"  source TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  version TEXT NOT NULL,"
	"  path TEXT NOT NULL,"
	"  types INTEGER NOT NULL,"
	"  kinds INTEGER NOT NULL,"
	"  events INTEGER NOT NULL,"
	"  first_seen INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  format TEXT NOT NULL,"
	"  examples TEXT,"
	"  PRIMARY KEY(source, name, version, path)) WITHOUT ROWID;";

static const char *migrations[] = {
	/* 0 -> 1: events, their payloads, counters. */
	"CREATE TABLE payloads("
	"  id INTEGER PRIMARY KEY,"
	"  received_at INTEGER NOT NULL,"
	"  route TEXT NOT NULL,"
	"  content_type TEXT,"
	"  body BLOB NOT NULL);"
	"CREATE TABLE events("
	"  id INTEGER PRIMARY KEY,"
	"  received_at INTEGER NOT NULL,"
	"  ts INTEGER NOT NULL,"
	"  source TEXT NOT NULL,"
	"  format TEXT NOT NULL,"
	"  name TEXT,"
	"  phase TEXT NOT NULL,"
	"  client_id TEXT,"
	"  execution_id TEXT,"
	"  command TEXT,"
	"  duration_ms INTEGER,"
	"  exit_code INTEGER,"
	"  error TEXT,"
	"  version TEXT,"
	"  os TEXT,"
	"  arch TEXT,"
	"  pii TEXT,"
	"  payload_id INTEGER,"
	"  data TEXT);"
	"CREATE INDEX events_ts ON events(ts);"
	"CREATE INDEX events_source_command ON events(source, command);"
	"CREATE INDEX events_execution ON events(execution_id)"
	"  WHERE execution_id IS NOT NULL;"
	"CREATE INDEX events_client ON events(client_id);"
	"CREATE TABLE counters("
	"  name TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;",
	/*
	 * 1 -> 2: the opt-out registry.  client '' is the whole source (a
	 * NULL could not be part of the key).  since_id is the last event id
	 * when it was set: the proof query reads only the rows after it.
	 */
	"CREATE TABLE optout("
	"  source TEXT NOT NULL,"
	"  client TEXT NOT NULL DEFAULT '',"
	"  since INTEGER NOT NULL,"
	"  since_id INTEGER NOT NULL DEFAULT 0,"
	"  set_by TEXT NOT NULL,"
	"  dropped INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY(source, client)) WITHOUT ROWID;",
	/*
	 * 2 -> 3: events captured through the proxy keep the request they
	 * came in (host, method, path, masked headers) as JSON; NULL: sent
	 * to teltop directly.
	 */
	"ALTER TABLE events ADD COLUMN capture TEXT;",
	/*
	 * 3 -> 4: store less (issue 12; the encodings are in pack.h).
	 * Findings are ids into findings; a payload names its route and
	 * content type by an id into routes (route '' then); bodies and event
	 * JSON are packed (zstd with the dictionaries of zdicts); an event
	 * whose JSON is a
	 * range of its payload's body keeps only where it is (data_at,
	 * data_len; data NULL).  teltop_pack_rows() packs the rows an older
	 * teltop wrote.  Indexes, each for the queries that need it:
	 *   events_source	the opt-out proof of a source (source, id >
	 *			since_id) and the history of a source= filter,
	 *			newest first, without a sort;
	 *   events_ts		stats --since;
	 *   events_execution	a late finish's start: starts only, so finishes
	 *			and one-shot events with an id cost nothing.
	 * (source, command) went: a command= filter alone could not use it,
	 * and source= had to sort all the source's rows.  client_id went: its
	 * keys are spread over the whole index, so a commit of 1000 events
	 * dirtied hundreds of its pages (3 KB written per event of the mix,
	 * six times all the rest).  The proof of a client reads instead the
	 * last id stored for it, in event_clients (a row per source and
	 * client, written once per commit): nothing after since_id proves it
	 * at once; otherwise the source's rows since then are counted.
	 */
	"CREATE TABLE findings("
	"  id INTEGER PRIMARY KEY,"
	"  field TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  grade TEXT NOT NULL,"
	"  UNIQUE(field, kind, grade));"
	"CREATE TABLE zdicts("
	"  id INTEGER PRIMARY KEY,"
	"  key TEXT NOT NULL,"
	"  dict BLOB NOT NULL);"
	"CREATE TABLE routes("
	"  id INTEGER PRIMARY KEY,"
	"  route TEXT NOT NULL,"
	"  content_type TEXT);"
	"ALTER TABLE payloads ADD COLUMN route_id INTEGER;"
	"ALTER TABLE events ADD COLUMN data_at INTEGER;"
	"ALTER TABLE events ADD COLUMN data_len INTEGER;"
	"DROP INDEX events_source_command;"
	"DROP INDEX events_client;"
	"DROP INDEX events_execution;"
	"CREATE TABLE event_clients("
	"  source TEXT NOT NULL,"
	"  client_id TEXT NOT NULL,"
	"  last_id INTEGER NOT NULL,"
	"  PRIMARY KEY(source, client_id)) WITHOUT ROWID;"
	"INSERT INTO event_clients SELECT source, client_id, max(id) "
	"  FROM events WHERE client_id IS NOT NULL GROUP BY 1, 2;"
	"CREATE INDEX events_source ON events(source);"
	"CREATE INDEX events_execution ON events(execution_id)"
	"  WHERE execution_id IS NOT NULL AND phase = 'start';"
	"SELECT teltop_pack_rows();",
	/* 4 -> 5: the rollups, built from the events there are. */
	migration_rollups,
	/* 5 -> 6: a log record's severity (OTLP logs), for severity>=warn. */
	"ALTER TABLE events ADD COLUMN severity INTEGER;",
	/* 6 -> 7: the points of each metric, built from the events there are. */
	migration_metrics,
	/* 7 -> 8: the field catalog, built from the events there are. */
	migration_fields,
	/*
	 * 8 -> 9: how a request came (method, target, content-encoding,
	 * user-agent: JSON), and its bytes as received where transport
	 * decoding changed them (gzip, base64 forms; they are compressed
	 * already, so kept as they are): what export and replay send again.
	 */
	"ALTER TABLE payloads ADD COLUMN request TEXT;"
	"ALTER TABLE payloads ADD COLUMN raw BLOB;",
};
#define SCHEMA_VERSION	((int)(sizeof migrations / sizeof migrations[0]))

/* The schema version before the rollups (for the tests). */
int
store_rollup_migration(void)
{
	int	v;

	for (v = 0; v < SCHEMA_VERSION; v++)
		if (migrations[v] == migration_rollups)
			return v;
	return -1;
}

static const char sql_payload[] =
	"INSERT INTO payloads(received_at, route, route_id, body, request, raw) "
	"VALUES (?, '', ?, ?, ?, ?)";
static const char sql_event[] =
	"INSERT INTO events(received_at, ts, source, format, name, phase, "
	"client_id, execution_id, command, duration_ms, exit_code, error, "
	"version, os, arch, pii, payload_id, data, capture, data_at, "
	"data_len, severity) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
	"?,?)";
static const char sql_client[] =
	"INSERT INTO event_clients(source, client_id, last_id) VALUES (?, ?, ?) "
	"ON CONFLICT DO UPDATE SET last_id = max(last_id, excluded.last_id)";
static const char sql_counter[] =
	"INSERT INTO counters(name, value) VALUES (?, ?) "
	"ON CONFLICT(name) DO UPDATE SET value = value + excluded.value";

/* Run a statement that returns no rows. */
int
store_exec(sqlite3 *db, const char *sql, char **cause)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		*cause = xasprintf("%s", err != NULL ? err :
		    sqlite3_errmsg(db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* The one number a query returns (a non-negative one); -1 on error. */
int64_t
store_int64(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*s;
	int64_t		 n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* The schema version the database says it has; -1 on error. */
static int
user_version(struct store *st)
{
	sqlite3_stmt	*s;
	int		 v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s,
	    NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* A copy of column i (NUL-terminated); caller frees. */
static void *
col_copy(sqlite3_stmt *s, int i, size_t *len)
{
	const void	*b = sqlite3_column_blob(s, i);
	char		*o;

	*len = (size_t)sqlite3_column_bytes(s, i);
	o = xmalloc(*len + 1);
	if (*len > 0)
		memcpy(o, b, *len);
	o[*len] = '\0';
	return o;
}

/* An old payload's raw body, the last one read. */
struct old_body {
	int64_t	 id;
	void	*body;
	size_t	 len;
	size_t	 from;		/* where the next event is looked for */
};

/* Read payload id's raw body into ob, unless it is there already. */
static void
old_body(sqlite3 *db, int64_t id, struct old_body *ob)
{
	sqlite3_stmt	*s;

	if (ob->id == id)
		return;
	free(ob->body);
	ob->body = NULL;
	ob->len = ob->from = 0;
	ob->id = id;
	if (sqlite3_prepare_v2(db, "SELECT body FROM payloads WHERE id = ?",
	    -1, &s, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_type(s, 0) != SQLITE_NULL)
		ob->body = col_copy(s, 0, &ob->len);
	sqlite3_finalize(s);
}

/* One old event row, read before it is rewritten. */
struct old_row {
	int64_t		 id, payload_id;
	struct tt_event	 ev;		/* source, format, pii, data */
	char		*route;
};

/* Free a chunk of old rows. */
static void
old_rows_free(struct old_row *r, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free((char *)(uintptr_t)r[i].ev.format);
		r[i].ev.format = NULL;
		tt_event_clear(&r[i].ev);
		free(r[i].route);
	}
}

/* Rewrite one old row: its findings as ids, its JSON a range or packed. */
static int
pack_old_row(sqlite3 *db, struct wconn *c, sqlite3_stmt *upd,
    struct old_row *r, struct old_body *ob, char **cause)
{
	int	rc = 0;

	sqlite3_bind_int64(upd, 1, r->id);
	sqlite3_bind_int(upd, 2, r->ev.pii != NULL);
	sqlite3_bind_int(upd, 3, r->ev.data != NULL);
	if (r->ev.pii != NULL && bind_pii(c, upd, r->ev.pii, cause) != 0)
		rc = -1;
	else if (r->ev.data != NULL) {
		if (r->payload_id != 0)
			old_body(db, r->payload_id, ob);
		if (bind_data(c, upd, &r->ev, r->payload_id != 0 ? ob->body :
		    NULL, ob->len, &ob->from, cause) != 0)
			rc = -1;
	}
	if (rc == 0 && sqlite3_step(upd) != SQLITE_DONE) {
		*cause = xasprintf("packing old rows: %s", sqlite3_errmsg(db));
		rc = -1;
	}
	sqlite3_reset(upd);
	sqlite3_clear_bindings(upd);
	return rc;
}

/*
 * Pack the events rows of an older teltop (TEXT pii and data) in chunks,
 * each read before it is rewritten: findings -> ids, JSON -> a range of
 * its payload or packed.  Inside the migration's transaction.
 */
static int
pack_old_events(sqlite3 *db, struct wconn *c, char **cause)
{
	struct old_row	 r[256];
	struct old_body	 ob;
	sqlite3_stmt	*sel = NULL, *upd = NULL;
	const char	*t;
	int64_t		 last = 0;
	size_t		 n, i, len;
	int		 rc = -1;

	memset(&ob, 0, sizeof ob);
	if (sqlite3_prepare_v2(db, "SELECT e.id, e.payload_id, e.source, "
	    "e.format, CASE WHEN typeof(e.pii) = 'text' THEN e.pii END, "
	    "CASE WHEN typeof(e.data) = 'text' THEN e.data END, p.route "
	    "FROM events e LEFT JOIN payloads p ON p.id = e.payload_id "
	    "WHERE e.id > ? ORDER BY e.id LIMIT 256", -1, &sel,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE events SET "
	    "pii = CASE WHEN ?2 THEN ?16 ELSE pii END, "
	    "data = CASE WHEN ?3 THEN ?18 ELSE data END, "
	    "data_at = ?20, data_len = ?21 WHERE id = ?1", -1, &upd,
	    NULL) != SQLITE_OK) {
		*cause = xasprintf("packing old rows: %s", sqlite3_errmsg(db));
		goto out;
	}
	do {
		sqlite3_bind_int64(sel, 1, last);
		for (n = 0; n < 256 && sqlite3_step(sel) == SQLITE_ROW; n++) {
			memset(&r[n], 0, sizeof r[n]);
			tt_event_init(&r[n].ev);
			r[n].id = last = sqlite3_column_int64(sel, 0);
			r[n].payload_id = sqlite3_column_int64(sel, 1);
			t = (const char *)sqlite3_column_text(sel, 2);
			if (t == NULL || tt_source_parse(t,
			    &r[n].ev.source) != 0)
				r[n].ev.source = TT_SRC_GENERIC;
			t = (const char *)sqlite3_column_text(sel, 3);
			r[n].ev.format = xstrdup(t != NULL ? t : "");
			if (sqlite3_column_type(sel, 4) != SQLITE_NULL)
				r[n].ev.pii = col_copy(sel, 4, &len);
			if (sqlite3_column_type(sel, 5) != SQLITE_NULL)
				r[n].ev.data = col_copy(sel, 5,
				    &r[n].ev.data_len);
			t = (const char *)sqlite3_column_text(sel, 6);
			r[n].route = t != NULL ? xstrdup(t) : NULL;
		}
		sqlite3_reset(sel);
		for (i = 0; i < n; i++)
			if ((r[i].ev.pii != NULL || r[i].ev.data != NULL) &&
			    pack_old_row(db, c, upd, &r[i], &ob, cause) != 0)
				break;
		old_rows_free(r, n);
		if (i < n)
			goto out;
	} while (n == 256);
	rc = 0;
out:
	free(ob.body);
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return rc;
}

/* Pack the payload bodies of an older teltop, in chunks. */
static int
pack_old_payloads(sqlite3 *db, struct wconn *c, char **cause)
{
	sqlite3_stmt	*sel = NULL, *upd = NULL;
	const uint8_t	*z;
	struct {
		int64_t	 id;
		char	*route;
		char	*ctype;
		void	*body;
		size_t	 len;
	}		 r[64];
	char		 key[160];
	const char	*t;
	int64_t		 last = 0, rid;
	size_t		 n, i, zlen;
	int		 rc = -1;

	/* the first bodies of each route train its dictionary */
	if (sqlite3_prepare_v2(db, "SELECT route, substr(body, 1, 4096) FROM "
	    "payloads ORDER BY id LIMIT 8192", -1, &sel, NULL) == SQLITE_OK) {
		while (sqlite3_step(sel) == SQLITE_ROW) {
			t = (const char *)sqlite3_column_text(sel, 0);
			key_payload(key, sizeof key, t);
			pack_sample(c->pack, key, sqlite3_column_blob(sel, 1),
			    (size_t)sqlite3_column_bytes(sel, 1));
		}
		sqlite3_finalize(sel);
	}
	sel = NULL;
	if (sqlite3_prepare_v2(db, "SELECT id, route, body, content_type FROM "
	    "payloads WHERE id > ? ORDER BY id LIMIT 64", -1, &sel,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE payloads SET body = ?1, route = '', "
	    "content_type = NULL, route_id = ?3 WHERE id = ?2", -1, &upd,
	    NULL) != SQLITE_OK) {
		*cause = xasprintf("packing old rows: %s", sqlite3_errmsg(db));
		goto out;
	}
	do {
		sqlite3_bind_int64(sel, 1, last);
		for (n = 0; n < 64 && sqlite3_step(sel) == SQLITE_ROW; n++) {
			r[n].id = last = sqlite3_column_int64(sel, 0);
			t = (const char *)sqlite3_column_text(sel, 1);
			r[n].route = xstrdup(t != NULL ? t : "");
			r[n].body = col_copy(sel, 2, &r[n].len);
			t = (const char *)sqlite3_column_text(sel, 3);
			r[n].ctype = t != NULL ? xstrdup(t) : NULL;
		}
		sqlite3_reset(sel);
		for (i = 0; i < n; i++) {
			key_payload(key, sizeof key, r[i].route);
			if (pack_zip(c->pack, key, r[i].body, r[i].len, &z,
			    &zlen, cause) != 0)
				break;
			sqlite3_bind_blob64(upd, 1, z, zlen, SQLITE_STATIC);
			sqlite3_bind_int64(upd, 2, r[i].id);
			if ((rid = pack_route(c->pack, r[i].route, r[i].ctype,
			    cause)) < 0)
				break;
			sqlite3_bind_int64(upd, 3, rid);
			if (sqlite3_step(upd) != SQLITE_DONE) {
				*cause = xasprintf("packing old rows: %s",
				    sqlite3_errmsg(db));
				break;
			}
			sqlite3_reset(upd);
		}
		for (i = 0; i < n; i++) {
			free(r[i].route);
			free(r[i].ctype);
			free(r[i].body);
		}
		if (*cause != NULL)
			goto out;
	} while (n == 64);
	rc = 0;
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return rc;
}

/*
 * SQL teltop_pack_rows(): pack what an older teltop wrote (migration
 * 3 -> 4), the events first (their JSON is looked for in the raw bodies),
 * then the bodies.  Runs statements of its own on the connection, which
 * SQLite allows a function; the migration's transaction holds them all.
 */
static void
sql_pack_rows(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct store	*st = sqlite3_user_data(ctx);
	struct wconn	 c;
	char		*cause = NULL;

	(void)argc;
	(void)argv;
	memset(&c, 0, sizeof c);
	c.db = st->db;
	c.pack = pack_new(st->db);
	if (pack_old_events(st->db, &c, &cause) != 0 ||
	    pack_old_payloads(st->db, &c, &cause) != 0) {
		sqlite3_result_error(ctx, cause != NULL ? cause :
		    "packing old rows failed", -1);
		free(cause);
	} else {
		st->repacked = 1;
		sqlite3_result_null(ctx);
	}
	pack_free(c.pack);
}

/* Bring the schema up to date, one migration per transaction. */
static int
migrate(struct store *st, char **cause)
{
	char	*sql;
	int	 v, build = 0, catalog = 0;

	if (sqlite3_create_function(st->db, "teltop_pack_rows", 0,
	    SQLITE_UTF8, st, sql_pack_rows, NULL, NULL) != SQLITE_OK) {
		*cause = xstrdup(sqlite3_errmsg(st->db));
		return -1;
	}
	if (store_exec(st->db, "BEGIN IMMEDIATE", cause) != 0)
		return -1;
	if ((v = user_version(st)) < 0) {
		*cause = xstrdup(sqlite3_errmsg(st->db));
		goto error;
	}
	if (v > SCHEMA_VERSION) {
		*cause = xasprintf("database schema version %d is newer than "
		    "this teltop (%d): upgrade teltop", v, SCHEMA_VERSION);
		goto error;
	}
	for (; v < SCHEMA_VERSION; v++) {
		if (store_exec(st->db, migrations[v], cause) != 0)
			goto error;
		build |= migrations[v] == migration_rollups ||
		    migrations[v] == migration_metrics;
		catalog |= migrations[v] == migration_fields;
		sql = xasprintf("PRAGMA user_version = %d", v + 1);
		if (store_exec(st->db, sql, cause) != 0) {
			free(sql);
			goto error;
		}
		free(sql);
	}
	/* Once, with every table of the rollups there. */
	if (build && store_rollup_build(st->db, cause) != 0)
		goto error;
	if (catalog && store_catalog_build(st->db, cause) != 0)
		goto error;
	if (store_exec(st->db, "COMMIT", cause) != 0)
		goto error;
	/* packed rows left their pages part empty: give the space back */
	if (st->repacked && store_exec(st->db, "VACUUM", cause) != 0)
		return -1;
	return 0;
error:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Prepare a statement kept for the connection's life. */
static int
prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out, char **cause)
{
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, out,
	    NULL) != SQLITE_OK) {
		*cause = xasprintf("preparing statement: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* Prepare the statements a commit uses on c->db (any thread: c's). */
int
store_wconn_prepare(struct wconn *c, char **cause)
{
	if (c->pack == NULL)
		c->pack = pack_new(c->db);
	if (prepare(c->db, sql_payload, &c->ins_payload, cause) != 0 ||
	    prepare(c->db, sql_event, &c->ins_event, cause) != 0 ||
	    prepare(c->db, sql_counter, &c->ins_counter, cause) != 0 ||
	    prepare(c->db, sql_client, &c->ins_client, cause) != 0 ||
	    (c->ru == NULL &&
	    (c->ru = store_rollup_new(c->db, c->pack, cause)) == NULL) ||
	    (c->cat == NULL &&
	    (c->cat = store_catalog_new(c->db, cause)) == NULL))
		return -1;
	return 0;
}

/* Finalize them; the connection stays open. */
void
store_wconn_finalize(struct wconn *c)
{
	sqlite3_finalize(c->ins_payload);
	sqlite3_finalize(c->ins_event);
	sqlite3_finalize(c->ins_counter);
	sqlite3_finalize(c->ins_client);
	c->ins_payload = c->ins_event = c->ins_counter = c->ins_client = NULL;
	store_rollup_free(c->ru);
	c->ru = NULL;
	store_catalog_free(c->cat);
	c->cat = NULL;
	store_evict_free(c->ev);
	c->ev = NULL;
	pack_free(c->pack);
	c->pack = NULL;
}

/* What the migrations of version v fill from the events there are. */
static int
pg_build(void *arg, struct pg *pg, int v, char **cause)
{
	if (v == PG_BUILD_FIELDS)
		return store_catalog_pg_build(arg, pg, cause);
	if (v == PG_BUILD_ROLLUPS)
		return store_rollup_pg_build(arg, pg, cause);
	return 0;
}

/*
 * A store on PostgreSQL: the loop's connection, which listens for the
 * registry's changes (store_data_version()); this machine's name in the
 * rows it writes.
 */
static struct store *
open_pg(struct store *st, const char *url, char **cause)
{
	char	host[256];

	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	if ((st->pg = pg_open_built(url, host, pg_build, NULL,
	    cause)) == NULL ||
	    pg_listen(st->pg, cause) < 0) {
		store_close(st);
		return NULL;
	}
	st->url = xstrdup(url);
	st->wc.pg = st->pg;
	/* the loop's connection: a reconnect must not hold the loop */
	pg_set_async(st->pg, 1);
	return st;
}

int
store_set_name(struct store *st, const char *name)
{
	if (st->pg == NULL || st->writer != NULL)
		return -1;
	pg_set_collector(st->pg, name);
	return 0;
}

const char *
store_name(const struct store *st)
{
	return st->pg != NULL ? pg_collector(st->pg) : NULL;
}

/*
 * Why the store cannot commit now, or NULL: the loop's connection lost
 * (the tick finds that out within TICK_US), or the writer's last commit
 * failed for a lost connection while the loop's has not been made again
 * since.  SQLite: always NULL (a full disk or a lock is a failed commit,
 * not a store that is down).
 */
const char *
store_down(const struct store *st)
{
	if (st->pg == NULL)
		return NULL;
	if (pg_down(st->pg) != NULL)
		return pg_down(st->pg);
	if (st->down != NULL && pg_reconnects(st->pg) == st->down_reconnects)
		return st->down;
	return NULL;
}

#define OTHERS_CHUNK	1000	/* heard events worked out at a time */

/* Heard events gathered, handed on with their deltas a chunk at a time
 * (the chunk made at the first: most ticks hear nothing). */
struct others_chunk {
	struct tt_event		 ev[OTHERS_CHUNK];
	struct tt_event		*p[OTHERS_CHUNK];
	struct tt_stats_delta	 d[OTHERS_CHUNK];
	struct tt_stats_delta	*pd[OTHERS_CHUNK];
};

struct others {
	struct store		*st;
	void			(*cb)(void *, const struct tt_event *,
				    const struct tt_stats_delta *);
	void			*arg;
	struct others_chunk	*c;
	size_t			 n;
};

static void
others_flush(struct others *o)
{
	struct others_chunk	*c = o->c;
	char			*cause = NULL;
	size_t			 i;
	int			 ok;

	for (i = 0; i < o->n; i++) {
		tt_stats_delta_init(&c->d[i]);
		c->pd[i] = &c->d[i];
	}
	ok = store_rollup_pg_heard(o->st->pg, c->p, c->pd, o->n, &cause);
	free(cause);	/* the aggregates step them themselves */
	for (i = 0; i < o->n; i++) {
		o->cb(o->arg, &c->ev[i], ok == 0 ? &c->d[i] : NULL);
		tt_stats_delta_clear(&c->d[i]);
		tt_event_clear(&c->ev[i]);
	}
	o->n = 0;
}

static void
others_event(void *arg, const struct tt_event *ev)
{
	struct others	*o = arg;

	if (o->c == NULL)
		o->c = xmalloc(sizeof *o->c);
	tt_event_copy(&o->c->ev[o->n], ev, 1);
	o->c->p[o->n] = &o->c->ev[o->n];
	if (++o->n == OTHERS_CHUNK)
		others_flush(o);
}

int
store_others(struct store *st, void (*cb)(void *, const struct tt_event *,
    const struct tt_stats_delta *), void *arg, char **cause)
{
	struct others	o;
	int		n;

	*cause = NULL;
	if (st->pg == NULL)
		return 0;
	memset(&o, 0, sizeof o);
	o.st = st;
	o.cb = cb;
	o.arg = arg;
	n = pg_heard(st->pg, others_event, &o, cause);
	if (o.n > 0)
		others_flush(&o);
	free(o.c);
	return n;
}

uint64_t
store_others_missed(const struct store *st)
{
	return st->pg != NULL ? pg_heard_lost(st->pg) + pg_reconnects(st->pg) :
	    0;
}

int
store_heartbeat(struct store *st, char **cause)
{
	*cause = NULL;
	return st->pg != NULL ? pg_heartbeat(st->pg, 0, cause) : 0;
}

int
store_size_capped(const struct store *st)
{
	return st->pg == NULL;
}

int
store_collectors(struct store *st, int64_t within_us,
    void (*cb)(void *, const char *, int), void *arg, char **cause)
{
	*cause = NULL;
	return st->pg != NULL ? pg_collectors(st->pg, within_us, 0, cb, arg,
	    cause) : 0;
}

int
store_is_url(const char *db)
{
	return pg_is_url(db);
}

int
store_pg_not_yet(const char *what, char **cause)
{
	if (cause != NULL)
		*cause = xasprintf("%s: not on a PostgreSQL store yet", what);
	return -1;
}

/* Open (creating if needed) the database at path. */
struct store *
store_open(const char *path, char **cause)
{
	struct store	*st;

	*cause = NULL;
	st = xcalloc(1, sizeof *st);
	if (pg_is_url(path))
		return open_pg(st, path, cause);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		*cause = xasprintf("cannot open database %s: %s", path,
		    st->db != NULL ? sqlite3_errmsg(st->db) : strerror(errno));
		goto error;
	}
	st->wc.db = st->db;
	sqlite3_busy_timeout(st->db, 2000);
	if (store_exec(st->db, "PRAGMA journal_mode=WAL; "
	    "PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF", cause) != 0 ||
	    migrate(st, cause) != 0)
		goto error;
	if (store_wconn_prepare(&st->wc, cause) != 0 ||
	    store_query_functions(st, cause) != 0)
		goto error;
	return st;
error:
	if (*cause != NULL && strstr(*cause, path) == NULL) {
		char *c = xasprintf("database %s: %s", path, *cause);
		free(*cause);
		*cause = c;
	}
	store_close(st);
	return NULL;
}

/* Who hears of committed (or failed) tickets. */
void
store_set_commit_cb(struct store *st, store_commit_cb cb, void *arg)
{
	st->commit_cb = cb;
	st->commit_arg = arg;
}

/* Who sees each committed event. */
void
store_set_event_cb(struct store *st, void (*cb)(void *,
    const struct tt_event *, const struct tt_stats_delta *), void *arg)
{
	st->event_cb = cb;
	st->event_arg = arg;
}

/* Who logs what the writer has to say. */
void
store_set_log_cb(struct store *st, void (*cb)(void *, const char *),
    void *arg)
{
	st->log_cb = cb;
	st->log_arg = arg;
}

/* Free one request's copies. */
static void
pending_free(struct pending *p)
{
	size_t	i;

	for (i = 0; i < p->n; i++) {
		tt_event_clear(&p->ev[i]);
		if (p->delta != NULL)
			tt_stats_delta_clear(&p->delta[i]);
	}
	free(p->ev);
	free(p->delta);
	free(p->route);
	free(p->content_type);
	free(p->body);
	free(p->request);
	free(p->raw);
}

/* Free a job and everything it owns (any thread). */
void
store_job_free(struct job *j)
{
	size_t	i;

	if (j == NULL)
		return;
	for (i = 0; i < j->n; i++)
		pending_free(&j->p[i]);
	free(j->p);
	store_free_drops(j->drops, j->ndrops);
	free(j->source);
	free(j->client);
	free(j->set_by);
	free(j->text);
	free(j->cause);
	free(j);
}

/* Something to commit: requests, counter deltas or drop counts. */
static int
have_work(const struct store *st)
{
	int	i;

	if (st->npending > 0 || st->ndrops > 0 || st->named.n > 0)
		return 1;
	for (i = 0; i < TT_CTR_COUNT; i++)
		if (st->counts.v[i] != 0)
			return 1;
	return 0;
}

/* Close: commit what is queued (the writer's last), then free everything. */
void
store_close(struct store *st)
{
	char	*cause = NULL;
	size_t	 i;

	if (st == NULL)
		return;
	if (st->writer != NULL)
		store_writer_stop(st);
	if (st->locked_out && have_work(st))	/* do not wait again */
		fprintf(stderr, "teltop: store: the database stayed locked by "
		    "another process; the last counter updates are lost\n");
	else if (((st->db != NULL && st->wc.ins_counter != NULL) ||
	    st->pg != NULL) && store_flush(st, &cause) != 0) {
		fprintf(stderr, "teltop: store: final flush failed: %s\n",
		    cause);
		free(cause);
	}
	for (i = 0; i < st->npending; i++)
		pending_free(&st->pending[i]);
	free(st->pending);
	store_wconn_finalize(&st->wc);
	sqlite3_finalize(st->data_version);
	sqlite3_finalize(st->optout_load);
	sqlite3_finalize(st->payload_of);
	store_rowread_clear(&st->rd);
	store_free_drops(st->drops, st->ndrops);
	sqlite3_close(st->db);
	if (st->pg != NULL)
		pg_leave(st->pg);
	pg_close(st->pg);
	free(st->down);
	free(st->url);
	free(st);
}

/* Queue a batch; its ticket (loop thread). */
uint64_t
store_submit(struct store *st, struct tt_batch *b,
    const struct store_payload *pl)
{
	struct pending	*p;
	size_t		 i;

	if (st->npending == st->cappending) {
		st->cappending = st->cappending == 0 ? 64 :
		    st->cappending * 2;
		st->pending = xrealloc(st->pending,
		    st->cappending * sizeof *st->pending);
	}
	p = &st->pending[st->npending++];
	memset(p, 0, sizeof *p);
	p->ticket = ++st->next_ticket;
	p->ev = b->ev;
	p->n = b->n;
	st->npending_events += p->n;
	b->ev = NULL;
	b->n = b->cap = 0;
	for (i = 0; i < p->n; i++)	/* data and findings: the big ones */
		p->bytes += sizeof p->ev[i] + p->ev[i].data_len +
		    (p->ev[i].pii != NULL ? strlen(p->ev[i].pii) : 0);
	if (pl != NULL && p->n > 0) {
		p->route = xstrdup(pl->route != NULL ? pl->route : "");
		p->content_type = pl->content_type != NULL ?
		    xstrdup(pl->content_type) : NULL;
		p->body = xmalloc(pl->len);
		memcpy(p->body, pl->body, pl->len);
		p->len = pl->len;
		p->bytes += pl->len;
		if (pl->request != NULL)
			p->request = xstrdup(pl->request);
		if (pl->raw != NULL) {
			p->raw = xmalloc(pl->raw_len + 1);
			memcpy(p->raw, pl->raw, pl->raw_len);
			p->raw_len = pl->raw_len;
			p->bytes += pl->raw_len;
		}
	}
	st->held += p->bytes;
	return p->ticket;
}

/* Add to a counter with the next commit. */
void
store_count(struct store *st, enum tt_counter c, int64_t delta)
{
	if ((unsigned)c < TT_CTR_COUNT)
		st->counts.v[c] += delta;
}

/* Add delta to name in nc; the last slot takes what does not fit. */
static void
named_add(struct named_counts *nc, const char *name, int64_t delta)
{
	size_t	i;

	for (i = 0; i < nc->n; i++)
		if (strcmp(nc->v[i].name, name) == 0) {
			nc->v[i].delta += delta;
			return;
		}
	if (nc->n + 1 < STORE_NAMED_MAX || (nc->n + 1 == STORE_NAMED_MAX &&
	    strcmp(name, STORE_NAMED_OTHER) == 0)) {
		snprintf(nc->v[nc->n].name, sizeof nc->v[nc->n].name, "%s",
		    name);
		nc->v[nc->n++].delta = delta;
		return;
	}
	named_add(nc, STORE_NAMED_OTHER, delta);
}

void
store_count_name(struct store *st, const char *name, int64_t delta)
{
	if (delta != 0)
		named_add(&st->named, name, delta);
}

/* Counter deltas not yet handed to a commit, added to c (loop thread). */
void
store_counters_queued(const struct store *st, struct tt_counters *c)
{
	int	i;

	for (i = 0; i < TT_CTR_COUNT; i++)
		c->v[i] += st->counts.v[i];
}

/* Requests queued for the next commit. */
size_t
store_pending(const struct store *st)
{
	return st->npending;
}

/* The events of those requests. */
size_t
store_pending_events(const struct store *st)
{
	return st->npending_events;
}

/* Bytes of events and payloads queued or being committed (loop thread). */
size_t
store_held(const struct store *st)
{
	return st->held;
}

/* Jobs out with the writer, results not yet delivered. */
size_t
store_inflight(const struct store *st)
{
	return st->jobs;
}

/* Bind a string, NULL as NULL. */
void
store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

/* An integer column, NULL as TT_NONE. */
int64_t
store_col_int(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return TT_NONE;
	return sqlite3_column_int64(s, i);
}

/* Bind an integer, TT_NONE as NULL. */
void
store_bind_int(sqlite3_stmt *s, int i, int64_t v)
{
	if (v == TT_NONE)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, v);
}

/*
 * A number that may have a fraction (duration_ms).  The column's INTEGER
 * affinity stores a whole one as an integer, as before, and keeps any
 * other as a REAL: no schema change.
 */
static void
bind_num(sqlite3_stmt *s, int i, double v)
{
	if (v == TT_NONE || !isfinite(v))
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_double(s, i, v);
}

/* Step a bound insert statement and reset it; its result code in *rc. */
static int
step(struct wconn *c, sqlite3_stmt *s, int *rc, char **cause)
{
	*rc = sqlite3_step(s);
	if (*rc != SQLITE_DONE)
		*cause = xasprintf("insert failed: %s", sqlite3_errmsg(c->db));
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return *rc == SQLITE_DONE ? 0 : -1;
}

/* The dictionary key of a payload: its route. */
static void
key_payload(char *buf, size_t size, const char *route)
{
	snprintf(buf, size, "payload %s", route != NULL ? route : "");
}

/* The dictionary key of an event's own JSON: its source and format. */
static void
key_event(char *buf, size_t size, const struct tt_event *ev)
{
	snprintf(buf, size, "event %s %s", tt_source_name(ev->source),
	    ev->format != NULL ? ev->format : "");
}

/*
 * Where data is in body: its offset, or -1.  Events come in the order of
 * their bytes, so the search starts where the last one ended (*from) and
 * looks a little past the length of data only: an event that is not a
 * range of the body costs no more than that.
 */
static int64_t
find_range(const void *body, size_t blen, const char *data, size_t dlen,
    size_t *from)
{
	const char	*b = body, *hit;
	size_t		 span, at = *from;

	if (dlen == 0 || dlen > blen || *from >= blen)
		return -1;
	/* most often it starts after a separator: no search then */
	while (at < blen && (b[at] == ',' || b[at] == ' ' || b[at] == '\n' ||
	    b[at] == '\r' || b[at] == '\t' || b[at] == '['))
		at++;
	if (blen - at >= dlen && memcmp(b + at, data, dlen) == 0) {
		*from = at + dlen;
		return (int64_t)at;
	}
	span = blen - *from;
	if (span > dlen + RANGE_SLACK)
		span = dlen + RANGE_SLACK;
	if ((hit = memmem(b + *from, span, data, dlen)) == NULL)
		return -1;
	*from = (size_t)(hit - b) + dlen;
	return hit - b;
}

/*
 * Bind an event's JSON (columns data, data_at, data_len of ins_event): a
 * range of the payload's body when it is one, else packed under the key of
 * its source and format.  body NULL: no payload kept.
 */
static int
bind_data(struct wconn *c, sqlite3_stmt *s, const struct tt_event *ev,
    const void *body, size_t blen, size_t *from, char **cause)
{
	const uint8_t	*z;
	char		 key[160];
	size_t		 zlen;
	int64_t		 at;

	if (ev->data == NULL)
		return 0;
	if (body != NULL && (at = find_range(body, blen, ev->data,
	    ev->data_len, from)) >= 0) {
		sqlite3_bind_int64(s, 20, at);
		sqlite3_bind_int64(s, 21, (int64_t)ev->data_len);
		return 0;
	}
	key_event(key, sizeof key, ev);
	pack_sample(c->pack, key, ev->data, ev->data_len);
	if (pack_zip(c->pack, key, ev->data, ev->data_len, &z, &zlen,
	    cause) != 0)
		return -1;
	sqlite3_bind_blob64(s, 18, z, zlen, SQLITE_STATIC);
	return 0;
}

/* Bind an event's findings: ids when they are tt_privacy_json()'s. */
static int
bind_pii(struct wconn *c, sqlite3_stmt *s, const char *pii, char **cause)
{
	const uint8_t	*ids;
	size_t		 n;

	if (pii == NULL)
		return 0;
	switch (pack_pii(c->pack, pii, &ids, &n, cause)) {
	case 1:
		sqlite3_bind_blob64(s, 16, n > 0 ? ids : (const void *)"", n,
		    SQLITE_TRANSIENT);
		return 0;
	case 0:
		store_bind_text(s, 16, pii);
		return 0;
	}
	return -1;
}

/* Insert one request's payload and events; sets the events' ids (and
 * works out what each changes in the rollups: p->delta). */
static int
write_pending(struct wconn *c, struct pending *p, int *rc, char **cause)
{
	sqlite3_stmt	*s;
	struct tt_event	*ev;
	const uint8_t	*z;
	char		 key[160];
	int64_t		 payload_id = TT_NONE, route_id;
	size_t		 i, zlen, from = 0;

	*rc = SQLITE_ERROR;
	if (p->body != NULL) {
		/* bodies, wrapper and all, train their route's dictionary */
		key_payload(key, sizeof key, p->route);
		pack_sample(c->pack, key, p->body, p->len);
		if (pack_zip(c->pack, key, p->body, p->len, &z, &zlen,
		    cause) != 0)
			return -1;
		s = c->ins_payload;
		sqlite3_bind_int64(s, 1, p->ev[0].received_at);
		sqlite3_bind_blob64(s, 3, z, zlen, SQLITE_STATIC);
		if ((route_id = pack_route(c->pack, p->route != NULL ? p->route :
		    "", p->content_type, cause)) < 0) {
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			return -1;
		}
		sqlite3_bind_int64(s, 2, route_id);
		store_bind_text(s, 4, p->request);
		if (p->raw != NULL)
			sqlite3_bind_blob64(s, 5, p->raw, p->raw_len,
			    SQLITE_STATIC);
		if (step(c, s, rc, cause) != 0)
			return -1;
		payload_id = sqlite3_last_insert_rowid(c->db);
	}
	s = c->ins_event;
	for (i = 0; i < p->n; i++) {
		ev = &p->ev[i];
		sqlite3_bind_int64(s, 1, ev->received_at);
		sqlite3_bind_int64(s, 2, ev->ts);
		store_bind_text(s, 3, tt_source_name(ev->source));
		store_bind_text(s, 4, ev->format);
		store_bind_text(s, 5, ev->name);
		store_bind_text(s, 6, tt_phase_name(ev->phase));
		store_bind_text(s, 7, ev->client_id);
		store_bind_text(s, 8, ev->execution_id);
		store_bind_text(s, 9, ev->command);
		bind_num(s, 10, ev->duration_ms);
		store_bind_int(s, 11, ev->exit_code);
		store_bind_text(s, 12, ev->error);
		store_bind_text(s, 13, ev->version);
		store_bind_text(s, 14, ev->os);
		store_bind_text(s, 15, ev->arch);
		store_bind_int(s, 17, payload_id);
		store_bind_text(s, 19, ev->capture);
		store_bind_int(s, 22, ev->severity);
		if (bind_pii(c, s, ev->pii, cause) != 0 ||
		    bind_data(c, s, ev, p->body, p->len, &from, cause) != 0) {
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			return -1;
		}
		if (step(c, s, rc, cause) != 0)
			return -1;
		ev->id = sqlite3_last_insert_rowid(c->db);
		if (p->delta == NULL)
			p->delta = xcalloc(p->n, sizeof *p->delta);
		tt_stats_delta_clear(&p->delta[i]);
		if (store_rollup_event(c->ru, ev, &p->delta[i], rc,
		    cause) != 0 ||
		    store_catalog_event(c->cat, ev, ev->pii != NULL ?
		    store_rollup_pii(c->ru, ev->pii) : NULL, rc, cause) != 0)
			return -1;
	}
	return 0;
}

/*
 * The last id of each (source, client) of the job's events into
 * event_clients: one row each, once a commit, whatever the number of their
 * events (what the opt-out proof of a client reads).
 */
static int
write_clients(struct wconn *c, struct job *j, int *rc, char **cause)
{
	struct hmap		 last;
	struct hmap_slot	*sl;
	const struct tt_event	*ev;
	const char		*src;
	char			*key, kbuf[256];
	size_t			 i, k, n, ns;
	int			 ret = 0;

	hmap_init(&last);
	for (i = 0; i < j->n; i++)
		for (k = 0; k < j->p[i].n; k++) {
			ev = &j->p[i].ev[k];
			if (ev->client_id == NULL)
				continue;
			src = tt_source_name(ev->source);
			ns = strlen(src);
			n = ns + 1 + strlen(ev->client_id);
			key = n < sizeof kbuf ? kbuf : xmalloc(n + 1);
			memcpy(key, src, ns + 1);
			memcpy(key + ns + 1, ev->client_id, n - ns);
			*hmap_put(&last, key, n) = (void *)(intptr_t)ev->id;
			if (key != kbuf)
				free(key);
		}
	for (i = 0; i < last.cap && ret == 0; i++) {
		sl = &last.slots[i];
		if (sl->key == NULL)
			continue;
		sqlite3_bind_text(c->ins_client, 1, sl->key, -1, SQLITE_STATIC);
		sqlite3_bind_text(c->ins_client, 2, sl->key + strlen(sl->key) +
		    1, (int)(sl->klen - strlen(sl->key) - 1), SQLITE_STATIC);
		sqlite3_bind_int64(c->ins_client, 3, (int64_t)(intptr_t)
		    sl->value);
		ret = step(c, c->ins_client, rc, cause);
	}
	hmap_clear(&last, NULL);
	return ret;
}

/* Add the counter deltas, and the named ones, to their rows. */
int
store_write_counters(struct wconn *c, const struct tt_counters *counts,
    const struct named_counts *named, int *rc, char **cause)
{
	sqlite3_stmt	*s = c->ins_counter;
	size_t		 k;
	int		 i;

	for (i = 0; i < TT_CTR_COUNT; i++) {
		if (counts->v[i] == 0)
			continue;
		store_bind_text(s, 1, tt_counter_name((enum tt_counter)i));
		sqlite3_bind_int64(s, 2, counts->v[i]);
		if (step(c, s, rc, cause) != 0)
			return -1;
	}
	for (k = 0; k < named->n; k++) {
		store_bind_text(s, 1, named->v[k].name);
		sqlite3_bind_int64(s, 2, named->v[k].delta);
		if (step(c, s, rc, cause) != 0)
			return -1;
	}
	return 0;
}

/*
 * BEGIN or COMMIT.  While another process holds the write lock (SQLITE_BUSY)
 * the writer keeps trying (its busy handler sleeps between tries) until it
 * is told to give up; without a writer, the busy timeout decides.
 */
int
store_txn_exec(struct wconn *c, struct writer *w, const char *sql, int *rc,
    char **cause)
{
	struct timespec	ts = { 0, 1000000 };

	for (;;) {
		*rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
		if (*rc == SQLITE_OK)
			return 0;
		if ((*rc & 0xff) != SQLITE_BUSY || w == NULL ||
		    store_writer_give_up(w))
			break;
		nanosleep(&ts, NULL);
	}
	*cause = xasprintf("%s: %s", sql, sqlite3_errmsg(c->db));
	return -1;
}

/*
 * One transaction for the job's batches, counters and drop counts, on c
 * (the thread that owns c runs it).  On failure nothing of it is kept.
 */
void
store_txn(struct wconn *c, struct writer *w, struct job *j)
{
	size_t	i;
	int	rc = SQLITE_OK;

	j->cause = NULL;
	if (c->pg != NULL) {
		store_pg_txn(c, j);
		return;
	}
	if (store_txn_exec(c, w, "BEGIN IMMEDIATE", &rc, &j->cause) != 0)
		goto fail;
	for (i = 0; i < j->n; i++)
		if (write_pending(c, &j->p[i], &rc, &j->cause) != 0)
			goto rollback;
	if (write_clients(c, j, &rc, &j->cause) != 0)
		goto rollback;
	if (store_write_counters(c, &j->counts, &j->named, &rc, &j->cause) != 0 ||
	    store_write_drops(c->db, j->drops, j->ndrops, &rc,
	    &j->cause) != 0 ||
	    store_rollup_flush(c->ru, &rc, &j->cause) != 0 ||
	    store_catalog_flush(c->cat, &rc, &j->cause) != 0)
		goto rollback;
	if (store_txn_exec(c, w, "COMMIT", &rc, &j->cause) != 0)
		goto rollback;
	pack_end(c->pack, 1);
	store_rollup_end(c->ru, 1);
	store_catalog_end(c->cat);
	j->rc = 0;
	j->how = TT_COMMIT_OK;
	return;
rollback:
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	pack_end(c->pack, 0);
	store_rollup_end(c->ru, 0);
	store_catalog_end(c->cat);
fail:
	j->rc = -1;
	j->how = (rc & 0xff) == SQLITE_FULL ? TT_COMMIT_DISK_FULL :
	    TT_COMMIT_FAILED;
}

/*
 * The job's transaction on PostgreSQL: its requests with their events,
 * counters, drop counts, rollups and field catalog in one commit
 * (pg_commit_parts()), the events' aggregate deltas worked out by the
 * rollups as on SQLite.  On failure nothing is kept, here either: the
 * job's counts go back to the store's queue (store_commit_done()), not
 * pg's.
 */
/* What the transaction's hook works on. */
struct pg_txn {
	struct wconn	*c;
	struct job	*j;
};

/*
 * In the transaction, once the events are in: the rollups and the field
 * catalog of those stored (a retried event has id 0), the catalog summed
 * from nothing and merged into the rows there.  Each try of the
 * transaction starts again.
 */
static int
pg_txn_hook(void *arg, struct pg *pg, char **cause)
{
	struct pg_txn		 *x = arg;
	struct catalog		 *cat = x->c->cat;
	struct tt_event		 *ev, **evs;
	struct tt_stats_delta	**ds;
	size_t			  i, k, n = 0;
	int			  rc = 0, ok = 0;

	for (i = 0; i < x->j->n; i++)
		n += x->j->p[i].n;
	evs = xcalloc(n + 1, sizeof *evs);
	ds = xcalloc(n + 1, sizeof *ds);
	for (i = n = 0; i < x->j->n; i++)
		for (k = 0; k < x->j->p[i].n; k++) {
			tt_stats_delta_clear(&x->j->p[i].delta[k]);
			if (x->j->p[i].ev[k].id != 0) {
				evs[n] = &x->j->p[i].ev[k];
				ds[n++] = &x->j->p[i].delta[k];
			}
		}
	ok = store_rollup_pg_batch(x->c->ru, evs, ds, n, cause);
	free(evs);
	free(ds);
	if (ok != 0)
		return -1;

	store_catalog_end(cat);
	for (i = 0; i < x->j->n && ok == 0; i++)
		for (k = 0; k < x->j->p[i].n && ok == 0; k++) {
			ev = &x->j->p[i].ev[k];
			if (ev->id != 0)
				ok = store_catalog_event(cat, ev,
				    ev->pii != NULL ? store_catalog_pii(cat,
				    ev->pii) : NULL, &rc, cause);
		}
	if (ok == 0)
		ok = store_catalog_pg_flush(cat, pg, cause);
	store_catalog_end(cat);
	return ok;
}

void
store_pg_txn(struct wconn *c, struct job *j)
{
	struct pg_txn		 x = { c, j };
	struct pg_part		*parts;
	struct store_payload	*pay;
	struct tt_batch		*b;
	struct pending		*p;
	size_t			 i, stored;
	int			 k, rc;

	parts = xcalloc(j->n + 1, sizeof *parts);
	pay = xcalloc(j->n + 1, sizeof *pay);
	b = xcalloc(j->n + 1, sizeof *b);
	for (i = 0; i < j->n; i++) {
		p = &j->p[i];
		if (p->delta == NULL)
			p->delta = xcalloc(p->n + 1, sizeof *p->delta);
		tt_batch_init(&b[i]);
		b[i].ev = p->ev;	/* a view: the pending owns them */
		b[i].n = p->n;
		pay[i].route = p->route;
		pay[i].content_type = p->content_type;
		pay[i].request = p->request;
		pay[i].body = p->body;
		pay[i].len = p->len;
		pay[i].raw = p->raw;
		pay[i].raw_len = p->raw_len;
		parts[i].payload = p->route != NULL ? &pay[i] : NULL;
		parts[i].received_at = p->n > 0 ? p->ev[0].received_at :
		    tt_now_us();
		parts[i].b = &b[i];
	}
	for (k = 0; k < TT_CTR_COUNT; k++)
		if (j->counts.v[k] != 0)
			pg_count(c->pg, tt_counter_name((enum tt_counter)k),
			    j->counts.v[k]);
	for (i = 0; i < j->named.n; i++)
		pg_count(c->pg, j->named.v[i].name, j->named.v[i].delta);
	for (i = 0; i < j->ndrops; i++)
		pg_optout_dropped(c->pg, j->drops[i].source, j->drops[i].client,
		    j->drops[i].n);
	if (c->cat == NULL)
		c->cat = store_catalog_new(NULL, NULL);
	if (c->ru == NULL)
		c->ru = store_rollup_new_pg(c->pg);
	pg_set_hook(c->pg, pg_txn_hook, &x);
	rc = pg_commit_parts(c->pg, parts, j->n, &stored, &j->cause);
	pg_set_hook(c->pg, NULL, NULL);
	store_rollup_end(c->ru, rc == 0);
	if (rc == 0) {
		j->rc = 0;
		j->how = TT_COMMIT_OK;
	} else {
		pg_forget_counts(c->pg);
		j->rc = -1;
		j->how = TT_COMMIT_FAILED;
		j->down = pg_down(c->pg) != NULL;
	}
	free(b);
	free(pay);
	free(parts);
}

/* Move everything queued into a commit job. */
struct job *
store_commit_job(struct store *st)
{
	struct job	*j;

	j = xcalloc(1, sizeof *j);
	j->type = JOB_COMMIT;
	j->p = st->pending;
	j->n = st->npending;
	st->pending = NULL;
	st->npending = st->cappending = 0;
	st->npending_events = 0;
	j->counts = st->counts;
	memset(&st->counts, 0, sizeof st->counts);
	j->named = st->named;
	st->named.n = 0;
	j->drops = st->drops;
	j->ndrops = st->ndrops;
	st->drops = NULL;
	st->ndrops = 0;
	return j;
}

/* What a PostgreSQL commit says of the store being down (store_down()). */
static void
down_track(struct store *st, const struct job *j)
{
	if (j->how == TT_COMMIT_OK) {
		free(st->down);
		st->down = NULL;
	} else if (j->down) {
		free(st->down);
		st->down = xstrdup(j->cause != NULL ? j->cause :
		    "PostgreSQL is down");
		st->down_reconnects = pg_reconnects(st->pg);
	}
}

/*
 * A commit job came back: committed events go to the event callback, then
 * the tickets to the commit callback.  A failed job's counter deltas and
 * drop counts go back in the queue for the next commit; its events are
 * lost (the senders are told and may retry).
 */
/* On a shared store an event says which collector received it, as it
 * does when read back. */
static void
ev_collector(struct store *st, struct tt_event *ev)
{
	if (st->pg != NULL && ev->collector == NULL)
		ev->collector = xstrdup(pg_collector(st->pg));
}

void
store_commit_done(struct store *st, struct job *j)
{
	uint64_t	first, last;
	size_t		i, k;

	if (st->pg != NULL && j->type == JOB_COMMIT)
		down_track(st, j);
	if (j->how == TT_COMMIT_OK && st->event_cb != NULL) {
		for (i = 0; i < j->n; i++)
			for (k = 0; k < j->p[i].n; k++)
				/* id 0: already stored (a retry), not again */
				if (j->p[i].ev[k].id != 0) {
					ev_collector(st, &j->p[i].ev[k]);
					st->event_cb(st->event_arg,
					    &j->p[i].ev[k], &j->p[i].delta[k]);
				}
	}
	if (j->how != TT_COMMIT_OK) {
		for (i = 0; i < TT_CTR_COUNT; i++)
			st->counts.v[i] += j->counts.v[i];
		for (i = 0; i < j->named.n; i++)
			named_add(&st->named, j->named.v[i].name,
			    j->named.v[i].delta);
		for (i = 0; i < j->ndrops; i++)
			store_optout_dropped(st, j->drops[i].source,
			    *j->drops[i].client != '\0' ? j->drops[i].client :
			    NULL, j->drops[i].n);
	}
	if (j->n > 0) {
		first = j->p[0].ticket;
		last = j->p[j->n - 1].ticket;
		for (i = 0; i < j->n; i++) {
			st->held -= j->p[i].bytes;
			pending_free(&j->p[i]);
		}
		j->n = 0;
		if (st->commit_cb != NULL)
			st->commit_cb(st->commit_arg, first, last, j->how);
	}
	store_job_free(j);
}

/*
 * Commit everything queued in one transaction.  Without a writer, here and
 * now; with one, the commit is handed to it (or, while one runs, the next
 * starts when it ends: one transaction at a time).
 */
int
store_flush(struct store *st, char **cause)
{
	struct job	*j;
	int		 rc;

	*cause = NULL;
	if (!have_work(st))
		return 0;
	if (st->writer != NULL) {
		if (st->committing) {
			st->flush_wanted = 1;
			return 0;
		}
		st->committing = 1;
		st->flush_wanted = 0;
		store_writer_send(st, store_commit_job(st));
		return 0;
	}
	j = store_commit_job(st);
	store_txn(&st->wc, NULL, j);
	if ((rc = j->rc) != 0) {
		*cause = j->cause;
		j->cause = NULL;
	}
	store_commit_done(st, j);
	return rc;
}
