/*
 * The opt-out registry in the database, shared by every process that opens
 * it.  Setting and clearing are single statements (their own transaction);
 * dropped counts ride along with the collector's next group commit.  The
 * proof ("0 stored since") reads only the event rows after since_id.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/decode.h"
#include "core/xmalloc.h"
#include "store.h"
#include "store_int.h"

static const char sql_load[] =
	"SELECT source, client, since, since_id, set_by, dropped FROM optout "
	"ORDER BY source, client";
static const char sql_proof[] =
	"SELECT count(*) FROM events WHERE id > ?1 AND received_at >= ?2 "
	"AND source = ?3 AND (?4 = '' OR client_id = ?4)";
static const char sql_set[] =
	"INSERT INTO optout(source, client, since, since_id, set_by) "
	"VALUES (?1, ?2, ?3, (SELECT coalesce(max(id), 0) FROM events), ?4) "
	"ON CONFLICT(source, client) DO NOTHING";
static const char sql_clear[] =
	"DELETE FROM optout WHERE source = ?1 AND client = ?2";
static const char sql_drop[] =
	"UPDATE optout SET dropped = dropped + ?3 "
	"WHERE source = ?1 AND client = ?2";

static int
fail(struct store *st, sqlite3_stmt *s, char **cause)
{
	*cause = xasprintf("opt-out registry: %s", sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	return -1;
}

static int64_t
proof(struct store *st, sqlite3_stmt *s, const struct tt_optout_entry *e)
{
	int64_t	n = TT_NONE;

	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, e->since_id);
	sqlite3_bind_int64(s, 2, e->since);
	sqlite3_bind_text(s, 3, e->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, e->client != NULL ? e->client : "", -1,
	    SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	(void)st;
	return n;
}

int
store_optout_load(struct store *st, struct tt_optout *reg, int with_proof,
    char **cause)
{
	struct tt_optout_entry	*e;
	sqlite3_stmt		*s;
	const char		*client;
	int			 rc;

	tt_optout_clear(reg);
	if (sqlite3_prepare_v2(st->db, sql_load, -1, &s, NULL) != SQLITE_OK)
		return fail(st, NULL, cause);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		client = (const char *)sqlite3_column_text(s, 1);
		e = tt_optout_put(reg, (const char *)sqlite3_column_text(s, 0),
		    client != NULL && *client != '\0' ? client : NULL,
		    sqlite3_column_int64(s, 2),
		    (const char *)sqlite3_column_text(s, 4));
		e->since_id = sqlite3_column_int64(s, 3);
		e->dropped = sqlite3_column_int64(s, 5);
	}
	if (rc != SQLITE_DONE)
		return fail(st, s, cause);
	sqlite3_finalize(s);
	return with_proof ? store_optout_proof(st, reg, cause) : 0;
}

int
store_optout_proof(struct store *st, struct tt_optout *reg, char **cause)
{
	sqlite3_stmt	*p;
	size_t		 i;

	if (reg->n == 0)
		return 0;
	if (sqlite3_prepare_v2(st->db, sql_proof, -1, &p, NULL) != SQLITE_OK)
		return fail(st, NULL, cause);
	for (i = 0; i < reg->n; i++)
		reg->v[i].stored_since = proof(st, p, &reg->v[i]);
	sqlite3_finalize(p);
	return 0;
}

/* Run one registry statement on (source, client); rows changed or -1. */
static int
change(struct store *st, const char *sql, const char *source,
    const char *client, const char *set_by, char **cause)
{
	sqlite3_stmt	*s;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return fail(st, NULL, cause);
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, client != NULL ? client : "", -1,
	    SQLITE_STATIC);
	if (set_by != NULL) {
		sqlite3_bind_int64(s, 3, tt_now_us());
		sqlite3_bind_text(s, 4, set_by, -1, SQLITE_STATIC);
	}
	if (sqlite3_step(s) != SQLITE_DONE)
		return fail(st, s, cause);
	sqlite3_finalize(s);
	return sqlite3_changes(st->db) > 0;
}

int
store_optout_set(struct store *st, const char *source, const char *client,
    const char *set_by, char **cause)
{
	return change(st, sql_set, source, client, set_by, cause);
}

int
store_optout_clear(struct store *st, const char *source, const char *client,
    char **cause)
{
	return change(st, sql_clear, source, client, NULL, cause);
}

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

int
store_write_drops(struct store *st, char **cause)
{
	sqlite3_stmt	*s;
	size_t		 i;

	if (st->ndrops == 0)
		return 0;
	if (sqlite3_prepare_v2(st->db, sql_drop, -1, &s, NULL) != SQLITE_OK)
		return fail(st, NULL, cause);
	for (i = 0; i < st->ndrops; i++) {
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, st->drops[i].source, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, st->drops[i].client, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, st->drops[i].n);
		if (sqlite3_step(s) != SQLITE_DONE)
			return fail(st, s, cause);
	}
	sqlite3_finalize(s);
	return 0;
}

void
store_free_drops(struct store *st)
{
	size_t	i;

	for (i = 0; i < st->ndrops; i++) {
		free(st->drops[i].source);
		free(st->drops[i].client);
	}
	free(st->drops);
	st->drops = NULL;
	st->ndrops = 0;
}

int64_t
store_data_version(struct store *st)
{
	int64_t	v = -1;

	if (st->data_version == NULL && sqlite3_prepare_v3(st->db,
	    "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT,
	    &st->data_version, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st->data_version) == SQLITE_ROW)
		v = sqlite3_column_int64(st->data_version, 0);
	sqlite3_reset(st->data_version);
	return v;
}
