/*
 * Retention: the oldest events go, with the payload rows nothing needs any
 * more, once they are older than --retain or while the database is larger
 * than --max-db-size.  The writer thread runs it in slices between commits
 * (writer.c), each slice a short transaction of its own, so a commit never
 * waits for more than one slice.
 *
 * What stays:
 * - the rollups (daily counts, commands, privacy, metrics) and the field
 *   catalog: they are counted as events commit, not read from the events,
 *   so a day whose events are gone still shows its counts;
 * - the newest event and the newest payload, whatever their age: SQLite
 *   gives a new row max(id) + 1, and ids going back would confuse
 *   everything that says "the rows after id N" (the opt-out proof, the
 *   rollups' last id, a viewer resuming);
 * - order: events go by id, which is the order they were committed in.
 *   An event imported with an old received_at goes when the events
 *   committed before it have gone.
 *
 * A slice commits with synchronous=NORMAL: in WAL mode that is still
 * atomic, only not yet on disk until the next commit of events (FULL)
 * syncs the log with it.  A crash may bring evicted events back, to be
 * evicted again, with their count; an fsync of its own would double what
 * a commit of events waits for behind a slice.
 *
 * Freed pages go to SQLite's freelist and are reused by the next inserts,
 * so under a size cap the file stops growing; it does not shrink (that
 * would take a VACUUM, which rewrites the whole file).  What the cap is
 * held to is the pages in use: (page_count - freelist_count) * page_size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/xmalloc.h"
#include "store_int.h"

/* A cap is drained down to this share of it (%), so that eviction does
 * not run after every commit once the cap is reached. */
#define DRAIN_TO	90

enum {
	S_OLDEST,	/* the oldest events but the newest: id, received_at */
	S_PMAX,		/* the newest payload of events up to an id */
	S_DEL_EVENTS,
	S_PNEXT,	/* the payload of the first event past an id */
	S_PLAST,	/* the newest payload */
	S_DEL_PAYLOADS,
	S_COUNT
};

static const char *const sql[S_COUNT] = {
	[S_OLDEST] = "SELECT id, received_at FROM events WHERE id < "
	    "(SELECT max(id) FROM events) ORDER BY id LIMIT ?",
	[S_PMAX] = "SELECT max(payload_id) FROM events WHERE id <= ?",
	[S_DEL_EVENTS] = "DELETE FROM events WHERE id <= ?",
	[S_PNEXT] = "SELECT payload_id FROM events WHERE id > ? AND "
	    "payload_id IS NOT NULL ORDER BY id LIMIT 1",
	[S_PLAST] = "SELECT max(id) FROM payloads",
	[S_DEL_PAYLOADS] = "DELETE FROM payloads WHERE id < ?",
};

struct evict {
	sqlite3_stmt	*s[S_COUNT];
};

void
store_evict_free(struct evict *ev)
{
	int	i;

	if (ev == NULL)
		return;
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(ev->s[i]);
	free(ev);
}

static struct evict *
evict_new(sqlite3 *db, char **cause)
{
	struct evict	*ev = xcalloc(1, sizeof *ev);
	int		 i;

	for (i = 0; i < S_COUNT; i++)
		if (sqlite3_prepare_v3(db, sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &ev->s[i], NULL) != SQLITE_OK) {
			*cause = xasprintf("retention: %s",
			    sqlite3_errmsg(db));
			store_evict_free(ev);
			return NULL;
		}
	return ev;
}

int
store_pages(sqlite3 *db, uint64_t *used, uint64_t *file)
{
	int64_t	pages, free_pages, size;

	pages = store_int64(db, "PRAGMA page_count");
	free_pages = store_int64(db, "PRAGMA freelist_count");
	size = store_int64(db, "PRAGMA page_size");
	if (pages < 0 || free_pages < 0 || size <= 0)
		return -1;
	*used = (uint64_t)(pages - free_pages) * (uint64_t)size;
	*file = (uint64_t)pages * (uint64_t)size;
	return 0;
}

int
store_size(struct store *st, uint64_t *used, uint64_t *file)
{
	if (st->pg != NULL)
		return -1;
	return store_pages(st->db, used, file);
}

/*
 * Whether the size cap wants events gone: over the cap, or draining down
 * to DRAIN_TO% of it since it was over.  -1 on error.
 */
static int
over_cap(sqlite3 *db, const struct retention *r, int *draining,
    uint64_t *used)
{
	uint64_t	file;

	if (r->max_bytes == 0) {
		*draining = 0;
		return 0;
	}
	if (store_pages(db, used, &file) != 0)
		return -1;
	if (*used > r->max_bytes)
		*draining = 1;
	else if (*used <= r->max_bytes / 100 * DRAIN_TO)
		*draining = 0;
	return *draining;
}

/*
 * How many of the oldest events to take for the cap: their share of the
 * pages in use that is over DRAIN_TO% of it, the events counted by their
 * ids (they only grow, and go oldest first); at least 1, at most want.
 */
static size_t
cap_share(sqlite3 *db, const struct retention *r, uint64_t used,
    size_t want)
{
	int64_t		events;
	uint64_t	target = r->max_bytes / 100 * DRAIN_TO;
	double		n;

	/* two lookups of the rowid's ends (max() and min() together would
	 * scan the table) */
	events = store_int64(db, "SELECT coalesce((SELECT max(id) FROM events) "
	    "- (SELECT min(id) FROM events) + 1, 0)");
	if (events <= 0 || used <= target)
		return 1;
	n = (double)events * (double)(used - target) / (double)used + 1;
	return n >= (double)want ? want : (size_t)n;
}

/* The one integer a bound statement returns (0: a NULL or no row); the
 * statement is reset. */
static int
step_int(sqlite3_stmt *s, int64_t *out)
{
	int	rc = sqlite3_step(s);

	*out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/*
 * The last id of the slice: up to want of the oldest events, all of them
 * when the cap wants room, else those received before limit (stopping at
 * the first that was not).  0 when none is due.
 */
static int
slice_end(struct evict *ev, size_t want, int by_size, int64_t limit,
    int64_t *last, int64_t *n)
{
	sqlite3_stmt	*s = ev->s[S_OLDEST];
	int		 rc;

	*last = *n = 0;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)want);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!by_size && sqlite3_column_int64(s, 1) >= limit)
			break;
		*last = sqlite3_column_int64(s, 0);
		(*n)++;
	}
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int64_t
store_evict_slice(struct wconn *c, struct writer *w,
    const struct retention *r, int64_t now, size_t want, int *draining,
    char **cause)
{
	struct tt_counters	 counts;
	struct named_counts	 named;
	struct evict		*ev;
	int64_t			 last, n, pmax, pnext, plast, limit;
	uint64_t		 used = 0;
	int			 by_size, rc = SQLITE_OK;

	*cause = NULL;
	if (r->retain_us <= 0 && r->max_bytes == 0)
		return 0;
	if (c->ev == NULL && (c->ev = evict_new(c->db, cause)) == NULL)
		return -1;
	ev = c->ev;
	if ((by_size = over_cap(c->db, r, draining, &used)) < 0)
		goto error;
	if (by_size)	/* what the excess is, not more */
		want = cap_share(c->db, r, used, want);
	limit = r->retain_us > 0 ? now - r->retain_us : INT64_MIN;
	/* nothing due: no transaction (this runs after every commit) */
	if (!by_size && (r->retain_us <= 0 ||
	    slice_end(ev, 1, 0, limit, &last, &n) != 0 || n == 0))
		return 0;
	sqlite3_exec(c->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	if (store_txn_exec(c, w, "BEGIN IMMEDIATE", &rc, cause) != 0)
		goto fail;
	if (slice_end(ev, want, by_size, limit, &last, &n) != 0)
		goto rollback;
	if (n == 0) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_exec(c->db, "PRAGMA synchronous=FULL", NULL, NULL,
		    NULL);
		return 0;
	}
	sqlite3_bind_int64(ev->s[S_PMAX], 1, last);
	if (step_int(ev->s[S_PMAX], &pmax) != 0)
		goto rollback;
	sqlite3_bind_int64(ev->s[S_DEL_EVENTS], 1, last);
	if (sqlite3_step(ev->s[S_DEL_EVENTS]) != SQLITE_DONE) {
		sqlite3_reset(ev->s[S_DEL_EVENTS]);
		goto rollback;
	}
	sqlite3_reset(ev->s[S_DEL_EVENTS]);
	n = sqlite3_changes(c->db);
	/* payloads go up to the first one an event still needs, and never
	 * the newest */
	sqlite3_bind_int64(ev->s[S_PNEXT], 1, last);
	if (step_int(ev->s[S_PNEXT], &pnext) != 0 ||
	    step_int(ev->s[S_PLAST], &plast) != 0)
		goto rollback;
	if (pnext == 0 || pnext > plast)
		pnext = plast;
	if (pmax > 0 && pnext > 0) {
		sqlite3_bind_int64(ev->s[S_DEL_PAYLOADS], 1, pnext);
		if (sqlite3_step(ev->s[S_DEL_PAYLOADS]) != SQLITE_DONE) {
			sqlite3_reset(ev->s[S_DEL_PAYLOADS]);
			goto rollback;
		}
		sqlite3_reset(ev->s[S_DEL_PAYLOADS]);
	}
	memset(&counts, 0, sizeof counts);
	counts.v[TT_CTR_EVICTED] = n;
	named.n = 0;
	if (store_write_counters(c, &counts, &named, &rc, cause) != 0)
		goto rollback;
	if (store_txn_exec(c, w, "COMMIT", &rc, cause) != 0) {
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		goto fail;
	}
	sqlite3_exec(c->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
	return n;

rollback:
	if (*cause == NULL)
		*cause = xasprintf("retention: %s", sqlite3_errmsg(c->db));
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
fail:
	sqlite3_exec(c->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
	return -1;
error:
	*cause = xasprintf("retention: %s", sqlite3_errmsg(c->db));
	return -1;
}
