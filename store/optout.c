/*
 * The opt-out registry in the database, shared by every process that opens
 * it.  Setting and clearing are single statements (their own transaction):
 * on the loop's connection (store_optout_set/clear, for the CLI) or as a
 * job on the writer thread (store_optout_change).  Dropped counts ride
 * along with the collector's next group commit.  The proof ("0 stored
 * since") reads only the event rows after since_id.  Loading and the proof
 * run on the loop thread, on its connection.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/decode.h"
#include "core/xmalloc.h"
#include "pg.h"
#include "store.h"
#include "store_int.h"

static const char sql_load[] =
	"SELECT source, client, since, since_id, set_by, dropped FROM optout "
	"ORDER BY source, client";
/*
 * The proof: of a source, a range of events_source (source, then id) from
 * since_id on; of a client, the last id stored for it (event_clients) when
 * that is not after since_id (the proof at once), else the source's rows
 * since then.
 */
static const char sql_proof_source[] =
	"SELECT count(*) FROM events WHERE source = ?3 AND id > ?1 "
	"AND received_at >= ?2";
static const char sql_proof_client[] =
	"SELECT CASE WHEN coalesce((SELECT last_id FROM event_clients WHERE "
	"source = ?3 AND client_id = ?4), 0) <= ?1 THEN 0 ELSE "
	"(SELECT count(*) FROM events WHERE source = ?3 AND id > ?1 "
	"AND received_at >= ?2 AND client_id = ?4) END";
static const char sql_set[] =
	"INSERT INTO optout(source, client, since, since_id, set_by) "
	"VALUES (?1, ?2, ?3, (SELECT coalesce(max(id), 0) FROM events), ?4) "
	"ON CONFLICT(source, client) DO NOTHING";
static const char sql_clear[] =
	"DELETE FROM optout WHERE source = ?1 AND client = ?2";
static const char sql_drop[] =
	"UPDATE optout SET dropped = dropped + ?3 "
	"WHERE source = ?1 AND client = ?2";

/* Say why a registry statement failed; finalize it. */
static int
fail(sqlite3 *db, sqlite3_stmt *s, char **cause)
{
	*cause = xasprintf("opt-out registry: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return -1;
}

/* Count the events stored since the entry was set (s: its statement). */
static int64_t
proof(sqlite3_stmt *s, const struct tt_optout_entry *e)
{
	int64_t	n = TT_NONE;

	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, e->since_id);
	sqlite3_bind_int64(s, 2, e->since);
	sqlite3_bind_text(s, 3, e->source, -1, SQLITE_STATIC);
	if (e->client != NULL && *e->client != '\0')
		sqlite3_bind_text(s, 4, e->client, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	return n;
}

/* Read the registry (its statement is kept: the collector's tick reloads
 * it whenever the database changed). */
int
store_optout_load(struct store *st, struct tt_optout *reg, int with_proof,
    char **cause)
{
	struct tt_optout_entry	*e;
	sqlite3_stmt		*s;
	const char		*client;
	int			 rc;

	if (st->pg != NULL)
		return pg_optout_load(st->pg, reg, cause);
	tt_optout_clear(reg);
	if (st->optout_load == NULL && sqlite3_prepare_v3(st->db, sql_load,
	    -1, SQLITE_PREPARE_PERSISTENT, &st->optout_load, NULL) !=
	    SQLITE_OK)
		return fail(st->db, NULL, cause);
	s = st->optout_load;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		client = (const char *)sqlite3_column_text(s, 1);
		e = tt_optout_put(reg, (const char *)sqlite3_column_text(s, 0),
		    client != NULL && *client != '\0' ? client : NULL,
		    sqlite3_column_int64(s, 2),
		    (const char *)sqlite3_column_text(s, 4));
		e->since_id = sqlite3_column_int64(s, 3);
		e->dropped = sqlite3_column_int64(s, 5);
	}
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("opt-out registry: %s",
		    sqlite3_errmsg(st->db));
		sqlite3_reset(s);
		return -1;
	}
	sqlite3_reset(s);
	return with_proof ? store_optout_proof(st, reg, cause) : 0;
}

/* Count, for each entry, the events stored since it was set. */
/* The proof on PostgreSQL: read with the registry, copied into reg's
 * entries. */
static int
pg_proof(struct store *st, struct tt_optout *reg, char **cause)
{
	struct tt_optout	 now;
	struct tt_optout_entry	*e;
	size_t			 i;

	tt_optout_init(&now);
	if (pg_optout_load(st->pg, &now, cause) != 0) {
		tt_optout_clear(&now);
		return -1;
	}
	for (i = 0; i < reg->n; i++) {
		e = tt_optout_find(&now, reg->v[i].source, reg->v[i].client);
		reg->v[i].stored_since = e != NULL ? e->stored_since : TT_NONE;
	}
	tt_optout_clear(&now);
	return 0;
}

int
store_optout_proof(struct store *st, struct tt_optout *reg, char **cause)
{
	sqlite3_stmt	*ps, *pc;
	size_t		 i;

	if (st->pg != NULL)
		return pg_proof(st, reg, cause);
	if (reg->n == 0)
		return 0;
	if (sqlite3_prepare_v2(st->db, sql_proof_source, -1, &ps, NULL) !=
	    SQLITE_OK)
		return fail(st->db, NULL, cause);
	if (sqlite3_prepare_v2(st->db, sql_proof_client, -1, &pc, NULL) !=
	    SQLITE_OK) {
		sqlite3_finalize(ps);
		return fail(st->db, NULL, cause);
	}
	for (i = 0; i < reg->n; i++)
		reg->v[i].stored_since = proof(reg->v[i].client != NULL &&
		    *reg->v[i].client != '\0' ? pc : ps, &reg->v[i]);
	sqlite3_finalize(ps);
	sqlite3_finalize(pc);
	return 0;
}

/*
 * Set (set_by not NULL) or clear one entry in a statement of its own, on
 * db, by the thread that owns db.  Rows changed (0 or 1), or -1.
 */
int
store_optout_write(struct wconn *c, const char *source, const char *client,
    const char *set_by, int64_t since, int *rc, char **cause)
{
	sqlite3		*db = c->db;
	sqlite3_stmt	*s;

	if (c->pg != NULL) {
		*rc = SQLITE_OK;
		return pg_optout_change(c->pg, source, client, set_by != NULL,
		    since, set_by != NULL ? set_by : "", cause);
	}
	if ((*rc = sqlite3_prepare_v2(db, set_by != NULL ? sql_set :
	    sql_clear, -1, &s, NULL)) != SQLITE_OK)
		return fail(db, NULL, cause);
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, client != NULL ? client : "", -1,
	    SQLITE_STATIC);
	if (set_by != NULL) {
		sqlite3_bind_int64(s, 3, since);
		sqlite3_bind_text(s, 4, set_by, -1, SQLITE_STATIC);
	}
	if ((*rc = sqlite3_step(s)) != SQLITE_DONE)
		return fail(db, s, cause);
	sqlite3_finalize(s);
	return sqlite3_changes(db) > 0;
}

/* Set an entry on the loop's connection (the CLI). */
int
store_optout_set(struct store *st, const char *source, const char *client,
    const char *set_by, char **cause)
{
	int	rc;

	return store_optout_write(&st->wc, source, client, set_by,
	    tt_now_us(), &rc, cause);
}

/* Clear an entry on the loop's connection (the CLI). */
int
store_optout_clear(struct store *st, const char *source, const char *client,
    char **cause)
{
	int	rc;

	return store_optout_write(&st->wc, source, client, NULL, 0, &rc,
	    cause);
}

/* Set or clear on the writer thread; cb on the loop thread when done. */
void
store_optout_change(struct store *st, const char *source, const char *client,
    int enabled, int64_t since, const char *set_by, store_optout_cb cb,
    void *arg)
{
	struct job	*j;
	char		*cause = NULL;
	int		 rc, code;

	if (enabled && set_by == NULL)
		set_by = "?";
	if (st->writer == NULL) {
		rc = store_optout_write(&st->wc, source, client,
		    enabled ? set_by : NULL, since, &code, &cause);
		if (cb != NULL)
			cb(arg, rc, cause);
		free(cause);
		return;
	}
	j = xcalloc(1, sizeof *j);
	j->type = JOB_OPTOUT;
	j->source = xstrdup(source);
	j->client = client != NULL ? xstrdup(client) : NULL;
	j->set_by = enabled ? xstrdup(set_by) : NULL;
	j->since = since;
	j->enabled = enabled;
	j->cb = cb;
	j->cb_arg = arg;
	store_writer_send(st, j);
}

/* Queue drop counts for the next commit (loop thread). */
void
store_optout_dropped(struct store *st, const char *source,
    const char *client, int64_t n)
{
	struct drop_delta	*d;

	if (client == NULL)
		client = "";
	for (d = st->drops; d < st->drops + st->ndrops; d++)
		if (strcmp(d->source, source) == 0 &&
		    strcmp(d->client, client) == 0) {
			d->n += n;
			return;
		}
	st->drops = xrealloc(st->drops, (st->ndrops + 1) * sizeof *st->drops);
	d = &st->drops[st->ndrops++];
	d->source = xstrdup(source);
	d->client = xstrdup(client);
	d->n = n;
}

/* Write drop counts inside the caller's transaction (db's thread). */
int
store_write_drops(sqlite3 *db, const struct drop_delta *drops, size_t n,
    int *rc, char **cause)
{
	sqlite3_stmt	*s;
	size_t		 i;

	if (n == 0)
		return 0;
	if ((*rc = sqlite3_prepare_v2(db, sql_drop, -1, &s, NULL)) !=
	    SQLITE_OK)
		return fail(db, NULL, cause);
	for (i = 0; i < n; i++) {
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, drops[i].source, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, drops[i].client, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, drops[i].n);
		if ((*rc = sqlite3_step(s)) != SQLITE_DONE)
			return fail(db, s, cause);
	}
	sqlite3_finalize(s);
	return 0;
}

/* Free drop counts. */
void
store_free_drops(struct drop_delta *drops, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(drops[i].source);
		free(drops[i].client);
	}
	free(drops);
}

/* PRAGMA data_version of the loop's connection. */
int64_t
store_data_version(struct store *st)
{
	int64_t	v = -1;
	int	n;

	if (st->pg != NULL) {
		/* the changes heard (NOTIFY), not polled per event */
		if ((n = pg_notified(st->pg)) > 0)
			st->pg_heard += n;
		return st->pg_heard;
	}
	if (st->data_version == NULL && sqlite3_prepare_v3(st->db,
	    "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT,
	    &st->data_version, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st->data_version) == SQLITE_ROW)
		v = sqlite3_column_int64(st->data_version, 0);
	sqlite3_reset(st->data_version);
	return v;
}
