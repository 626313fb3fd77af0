/*
 * SQLite storage: schema and migrations (PRAGMA user_version), cached
 * statements, batched commit.  What stays true: a ticket is reported
 * committed only after the COMMIT that wrote its rows returned SQLITE_OK,
 * with synchronous=FULL, so an acknowledged event survives a crash.
 * Runs on the collector's single thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/xmalloc.h"
#include "store.h"
#include "store_int.h"

/* Each entry takes the schema from version i to i + 1. */
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
};
#define SCHEMA_VERSION	((int)(sizeof migrations / sizeof migrations[0]))

static const char sql_payload[] =
	"INSERT INTO payloads(received_at, route, content_type, body) "
	"VALUES (?, ?, ?, ?)";
static const char sql_event[] =
	"INSERT INTO events(received_at, ts, source, format, name, phase, "
	"client_id, execution_id, command, duration_ms, exit_code, error, "
	"version, os, arch, pii, payload_id, data) "
	"VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
static const char sql_counter[] =
	"INSERT INTO counters(name, value) VALUES (?, ?) "
	"ON CONFLICT(name) DO UPDATE SET value = value + excluded.value";

/* One queued request: its payload and its events. */
struct pending {
	uint64_t		 ticket;
	char			*route;		/* the payload, owned */
	char			*content_type;
	void			*body;
	size_t			 len;
	struct tt_event		*ev;		/* owned */
	size_t			 n;
};

/* Run a statement that returns no rows. */
int
store_exec(struct store *st, const char *sql, char **cause)
{
	char	*err = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		*cause = xasprintf("%s", err != NULL ? err :
		    sqlite3_errmsg(st->db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

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

/* Bring the schema up to date, one migration per transaction. */
static int
migrate(struct store *st, char **cause)
{
	char	*sql;
	int	 v;

	if (store_exec(st, "BEGIN IMMEDIATE", cause) != 0)
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
		if (store_exec(st, migrations[v], cause) != 0)
			goto error;
		sql = xasprintf("PRAGMA user_version = %d", v + 1);
		if (store_exec(st, sql, cause) != 0) {
			free(sql);
			goto error;
		}
		free(sql);
	}
	return store_exec(st, "COMMIT", cause);
error:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int
prepare(struct store *st, const char *sql, sqlite3_stmt **out, char **cause)
{
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out,
	    NULL) != SQLITE_OK) {
		*cause = xasprintf("preparing statement: %s",
		    sqlite3_errmsg(st->db));
		return -1;
	}
	return 0;
}

/* Open (creating if needed) the database at path. */
struct store *
store_open(const char *path, char **cause)
{
	struct store	*st;

	*cause = NULL;
	st = xcalloc(1, sizeof *st);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		*cause = xasprintf("cannot open database %s: %s", path,
		    st->db != NULL ? sqlite3_errmsg(st->db) : strerror(errno));
		goto error;
	}
	sqlite3_busy_timeout(st->db, 2000);
	if (store_exec(st, "PRAGMA journal_mode=WAL; "
	    "PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF", cause) != 0 ||
	    migrate(st, cause) != 0)
		goto error;
	if (prepare(st, sql_payload, &st->ins_payload, cause) != 0 ||
	    prepare(st, sql_event, &st->ins_event, cause) != 0 ||
	    prepare(st, sql_counter, &st->ins_counter, cause) != 0)
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

void
store_set_commit_cb(struct store *st, store_commit_cb cb, void *arg)
{
	st->commit_cb = cb;
	st->commit_arg = arg;
}

void
store_set_event_cb(struct store *st, void (*cb)(void *,
    const struct tt_event *), void *arg)
{
	st->event_cb = cb;
	st->event_arg = arg;
}

static void
pending_free(struct pending *p)
{
	size_t	i;

	for (i = 0; i < p->n; i++)
		tt_event_clear(&p->ev[i]);
	free(p->ev);
	free(p->route);
	free(p->content_type);
	free(p->body);
}

/* Close: commit what is queued, then free everything. */
void
store_close(struct store *st)
{
	char	*cause = NULL;
	size_t	 i;

	if (st == NULL)
		return;
	if (st->db != NULL && st->ins_counter != NULL &&
	    store_flush(st, &cause) != 0) {
		fprintf(stderr, "teltop: store: final flush failed: %s\n",
		    cause);
		free(cause);
	}
	for (i = 0; i < st->npending; i++)
		pending_free(&st->pending[i]);
	free(st->pending);
	sqlite3_finalize(st->ins_payload);
	sqlite3_finalize(st->ins_event);
	sqlite3_finalize(st->ins_counter);
	sqlite3_finalize(st->data_version);
	store_free_drops(st);
	sqlite3_close(st->db);
	free(st);
}

uint64_t
store_submit(struct store *st, struct tt_batch *b,
    const struct store_payload *pl)
{
	struct pending	*p;

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
	st->pending_events += b->n;
	b->ev = NULL;
	b->n = b->cap = 0;
	if (pl != NULL && p->n > 0) {
		p->route = xstrdup(pl->route != NULL ? pl->route : "");
		p->content_type = pl->content_type != NULL ?
		    xstrdup(pl->content_type) : NULL;
		p->body = xmalloc(pl->len);
		memcpy(p->body, pl->body, pl->len);
		p->len = pl->len;
	}
	return p->ticket;
}

void
store_count(struct store *st, enum tt_counter c, int64_t delta)
{
	if ((unsigned)c < TT_CTR_COUNT)
		st->counts.v[c] += delta;
}

size_t
store_pending(const struct store *st)
{
	return st->npending;
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

static void
bind_int(sqlite3_stmt *s, int i, int64_t v)
{
	if (v == TT_NONE)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, v);
}

/* Step a bound insert statement and reset it. */
static int
step(struct store *st, sqlite3_stmt *s, char **cause)
{
	int	rc;

	rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("insert failed: %s",
		    sqlite3_errmsg(st->db));
		return -1;
	}
	return 0;
}

static int
write_pending(struct store *st, struct pending *p, char **cause)
{
	sqlite3_stmt	*s;
	struct tt_event	*ev;
	int64_t		 payload_id = TT_NONE;
	size_t		 i;

	if (p->body != NULL) {
		s = st->ins_payload;
		sqlite3_bind_int64(s, 1, p->ev[0].received_at);
		bind_text(s, 2, p->route);
		bind_text(s, 3, p->content_type);
		sqlite3_bind_blob64(s, 4, p->body, p->len, SQLITE_STATIC);
		if (step(st, s, cause) != 0)
			return -1;
		payload_id = sqlite3_last_insert_rowid(st->db);
	}
	s = st->ins_event;
	for (i = 0; i < p->n; i++) {
		ev = &p->ev[i];
		sqlite3_bind_int64(s, 1, ev->received_at);
		sqlite3_bind_int64(s, 2, ev->ts);
		bind_text(s, 3, tt_source_name(ev->source));
		bind_text(s, 4, ev->format);
		bind_text(s, 5, ev->name);
		bind_text(s, 6, tt_phase_name(ev->phase));
		bind_text(s, 7, ev->client_id);
		bind_text(s, 8, ev->execution_id);
		bind_text(s, 9, ev->command);
		bind_int(s, 10, ev->duration_ms);
		bind_int(s, 11, ev->exit_code);
		bind_text(s, 12, ev->error);
		bind_text(s, 13, ev->version);
		bind_text(s, 14, ev->os);
		bind_text(s, 15, ev->arch);
		bind_text(s, 16, ev->pii);
		bind_int(s, 17, payload_id);
		if (ev->data != NULL)
			sqlite3_bind_text64(s, 18, ev->data, ev->data_len,
			    SQLITE_STATIC, SQLITE_UTF8);
		if (step(st, s, cause) != 0)
			return -1;
		ev->id = sqlite3_last_insert_rowid(st->db);
	}
	return 0;
}

static int
write_counters(struct store *st, char **cause)
{
	sqlite3_stmt	*s = st->ins_counter;
	int		 i;

	for (i = 0; i < TT_CTR_COUNT; i++) {
		if (st->counts.v[i] == 0)
			continue;
		bind_text(s, 1, tt_counter_name((enum tt_counter)i));
		sqlite3_bind_int64(s, 2, st->counts.v[i]);
		if (step(st, s, cause) != 0)
			return -1;
	}
	return 0;
}

/*
 * One transaction for everything queued.  On failure nothing queued is
 * kept: the senders are told (why: failed, or the disk is full) and may
 * retry.
 */
int
store_flush(struct store *st, char **cause)
{
	uint64_t	 first, last;
	size_t		 i, n = st->npending;
	int		 ok = 1;
	int		 i_c;
	enum tt_commit	 how = TT_COMMIT_OK;

	*cause = NULL;
	if (n == 0) {
		for (i_c = 0; i_c < TT_CTR_COUNT; i_c++)
			if (st->counts.v[i_c] != 0)
				break;
		if (i_c == TT_CTR_COUNT && st->ndrops == 0)
			return 0;
	}
	if (store_exec(st, "BEGIN IMMEDIATE", cause) != 0) {
		ok = 0;
		goto done;
	}
	for (i = 0; i < n && ok; i++)
		if (write_pending(st, &st->pending[i], cause) != 0)
			ok = 0;
	if (ok && (write_counters(st, cause) != 0 ||
	    store_write_drops(st, cause) != 0))
		ok = 0;
	if (ok && store_exec(st, "COMMIT", cause) != 0)
		ok = 0;
	if (!ok) {
		if (sqlite3_errcode(st->db) == SQLITE_FULL)
			how = TT_COMMIT_DISK_FULL;
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	} else {
		memset(&st->counts, 0, sizeof st->counts);
		store_free_drops(st);
	}
done:
	if (!ok && how == TT_COMMIT_OK)
		how = sqlite3_errcode(st->db) == SQLITE_FULL ?
		    TT_COMMIT_DISK_FULL : TT_COMMIT_FAILED;
	if (ok && st->event_cb != NULL)
		for (i = 0; i < n; i++) {
			size_t	k;

			for (k = 0; k < st->pending[i].n; k++)
				st->event_cb(st->event_arg,
				    &st->pending[i].ev[k]);
		}
	if (n > 0) {
		first = st->pending[0].ticket;
		last = st->pending[n - 1].ticket;
		for (i = 0; i < n; i++)
			pending_free(&st->pending[i]);
		st->npending = 0;
		st->pending_events = 0;
		if (st->commit_cb != NULL)
			st->commit_cb(st->commit_arg, first, last, how);
	}
	return ok ? 0 : -1;
}
