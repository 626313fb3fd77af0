/*
 * The field catalog (issue 16): per source, event name, tool version and
 * field path (core/shape.h), the types seen, the privacy kinds found
 * there, how many events carried it, first and last received, and up to
 * TT_FIELD_EXAMPLES example values, none once the field was found red.
 *
 *   fields(source, name, version, path, types, kinds, events, first_seen,
 *	    last_seen, examples, format)
 *
 * format is the wire format of the field's last event: what the meaning of
 * a path depends on besides the source (an event in teltop's generic
 * format that names a tool keeps generic's keys).
 *
 * Like the rollups it is written in the transaction that stores the
 * events: each event's JSON is walked once, what the transaction changes
 * is summed in memory per row (a row's committed values read once, at its
 * first use in the transaction, under the write lock), and the rows
 * touched are written before COMMIT; a rollback forgets them.  Eviction
 * leaves the catalog alone: it describes every event ever stored.
 *
 * Bounds, against a tool whose keys are data (ids as keys): CAT_KIND_MAX
 * fields an event name and version, CAT_ROWS_MAX rows in all; fields past
 * them are not recorded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "core/catalog.h"
#include "core/hmap.h"
#include "core/privacy.h"
#include "core/shape.h"
#include "core/xmalloc.h"
#include "pack.h"
#include "pg.h"
#include "store.h"
#include "store_int.h"

#define CAT_KIND_MAX	1000
#define CAT_ROWS_MAX	200000

enum {
	S_GET,		/* a row's committed values */
	S_PUT,
	S_KIND_ROWS,	/* rows of one (source, name, version) */
	S_ALL_ROWS,
	S_COUNT
};

static const char *const sql[S_COUNT] = {
	[S_GET] = "SELECT types, kinds, events, first_seen, last_seen, "
	    "examples, format FROM fields WHERE source = ?1 AND name = ?2 AND "
	    "version = ?3 AND path = ?4",
	[S_PUT] = "INSERT OR REPLACE INTO fields(source, name, version, path, "
	    "types, kinds, events, first_seen, last_seen, examples, format) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[S_KIND_ROWS] = "SELECT count(*) FROM fields "
	    "WHERE source = ?1 AND name = ?2 "
	    "AND version = ?3",
	[S_ALL_ROWS] = "SELECT count(*) FROM fields",
};

/* The red kinds, as bits of a row's kinds. */
#define RED_BIT(id, name, red, text)	| ((red) << TT_PK_##id)
static const int red_mask = 0 TT_PRIVACY_KINDS(RED_BIT);
#undef RED_BIT

/* One row as this transaction leaves it. */
struct acc {
	char	*path;			/* owned */
	size_t	 plen;
	int64_t	 seen_by;		/* the last event counted */
	int	 types, kinds;
	int64_t	 events, first, last;
	const char *format;		/* static (tt_format_static) */
	char	*ex[TT_FIELD_EXAMPLES];
	size_t	 nex;
	int	 skip;			/* past a bound: not recorded */
};

/* A sequence of rows, in the order an event's walk met them. */
struct seq {
	struct acc	**v;
	size_t		  n, cap;
};

/* One (source, name, version) in this transaction, with its rows. */
struct kind {
	char		*key;		/* source\0name\0version, owned */
	size_t		 klen;
	struct hmap	 rows;		/* path -> struct acc */
	int64_t		 stored;	/* its rows in the table; -1 unknown */
	/*
	 * The rows of its last event, in order: events of one kind mostly
	 * have one shape, so the next event finds its rows here by a
	 * comparison of paths, without a hash (one field more or less
	 * keeps the rest in step).
	 */
	struct seq	 last, cur;
};

struct catalog {
	sqlite3			*db;	/* NULL: sums from nothing (PostgreSQL) */
	sqlite3_stmt		*s[S_COUNT];
	struct hmap		 pii;	/* without db: store_catalog_pii() */
	struct hmap		 kinds;	/* key -> struct kind */
	int64_t			 total;	/* rows in the table; -1 unknown */

	/* the event being walked */
	const struct tt_event	*ev;
	const struct pii_parsed	*pp;
	struct kind		*k;
	size_t			 at;	/* where it is in k->last */
	char			*kbuf;	/* its kind's key */
	size_t			 kcap;
	int			 failed;
};

struct catalog *
store_catalog_new(sqlite3 *db, char **cause)
{
	struct catalog	*c;
	int		 i;

	c = xcalloc(1, sizeof *c);
	c->db = db;
	c->total = -1;
	hmap_init(&c->kinds);
	hmap_init(&c->pii);
	for (i = 0; db != NULL && i < S_COUNT; i++)
		if (sqlite3_prepare_v3(db, sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &c->s[i], NULL) != SQLITE_OK) {
			*cause = xasprintf("field catalog: %s",
			    sqlite3_errmsg(db));
			store_catalog_free(c);
			return NULL;
		}
	return c;
}

static void
acc_free(void *p)
{
	struct acc	*a = p;
	size_t		 i;

	for (i = 0; i < a->nex; i++)
		free(a->ex[i]);
	free(a->path);
	free(a);
}

static void
kind_free(void *p)
{
	struct kind	*k = p;

	hmap_clear(&k->rows, acc_free);
	free(k->last.v);
	free(k->cur.v);
	free(k->key);
	free(k);
}

void
store_catalog_end(struct catalog *c)
{
	hmap_clear(&c->kinds, kind_free);
	c->total = -1;
}

void
store_catalog_free(struct catalog *c)
{
	int	i;

	if (c == NULL)
		return;
	store_catalog_end(c);
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(c->s[i]);
	store_pii_cache_clear(&c->pii);
	free(c->kbuf);
	free(c);
}

static int
fail(struct catalog *c, int *rc, char **cause)
{
	*rc = sqlite3_errcode(c->db);
	*cause = xasprintf("field catalog: %s", sqlite3_errmsg(c->db));
	return -1;
}

/* Bind a kind's source, name and version as ?1 ?2 ?3, and path ?4. */
static void
bind_row(sqlite3_stmt *s, const struct kind *k, const struct acc *a)
{
	const char	*p = k->key, *end = k->key + k->klen, *z;
	int		 i;

	for (i = 1; i <= 3; i++) {
		if ((z = memchr(p, '\0', (size_t)(end - p))) == NULL)
			z = end;
		sqlite3_bind_text(s, i, p, (int)(z - p), SQLITE_STATIC);
		p = z < end ? z + 1 : end;
	}
	if (a != NULL)
		sqlite3_bind_text(s, 4, a->path, (int)a->plen, SQLITE_STATIC);
}

/* The examples of a row's JSON text into a. */
static void
examples_read(struct acc *a, const char *text)
{
	cJSON		*o;
	const cJSON	*e;

	if (text == NULL || (o = cJSON_Parse(text)) == NULL)
		return;
	cJSON_ArrayForEach(e, o)
		if (cJSON_IsString(e) && a->nex < TT_FIELD_EXAMPLES)
			a->ex[a->nex++] = xstrdup(e->valuestring);
	cJSON_Delete(o);
}

/* One count query's answer; -1 on error. */
static int64_t
count_rows(sqlite3_stmt *s)
{
	int64_t	n = -1;

	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return n;
}

/*
 * A row new to this transaction: its committed values, or, for a row not
 * there yet, whether the bounds leave room for it.  -1 on error.
 */
static int
acc_load(struct catalog *c, struct kind *k, struct acc *a)
{
	sqlite3_stmt	*s = c->s[S_GET];
	int		 step;

	if (c->db == NULL) {
		/* the sums of this transaction only; its new rows bounded
		 * here, the table's where they are merged */
		if (k->stored < 0)
			k->stored = 0;
		if (k->stored >= CAT_KIND_MAX) {
			a->skip = 1;
			return 0;
		}
		k->stored++;
		a->first = INT64_MAX;
		a->last = INT64_MIN;
		return 0;
	}
	bind_row(s, k, a);
	if ((step = sqlite3_step(s)) == SQLITE_ROW) {
		a->types = sqlite3_column_int(s, 0);
		a->kinds = sqlite3_column_int(s, 1);
		a->events = sqlite3_column_int64(s, 2);
		a->first = sqlite3_column_int64(s, 3);
		a->last = sqlite3_column_int64(s, 4);
		examples_read(a, (const char *)sqlite3_column_text(s, 5));
		a->format = tt_format_static((const char *)
		    sqlite3_column_text(s, 6));
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (step == SQLITE_ROW)
		return 0;
	if (step != SQLITE_DONE)
		return -1;
	/* new: within the bounds? */
	if (c->total < 0 && (c->total = count_rows(c->s[S_ALL_ROWS])) < 0)
		return -1;
	if (k->stored < 0) {
		bind_row(c->s[S_KIND_ROWS], k, NULL);
		if ((k->stored = count_rows(c->s[S_KIND_ROWS])) < 0)
			return -1;
	}
	if (k->stored >= CAT_KIND_MAX || c->total >= CAT_ROWS_MAX) {
		a->skip = 1;
		return 0;
	}
	k->stored++;
	c->total++;
	a->first = INT64_MAX;
	a->last = INT64_MIN;
	return 0;
}

static void
seq_push(struct seq *q, struct acc *a)
{
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 32;
		q->v = xrealloc(q->v, q->cap * sizeof *q->v);
	}
	q->v[q->n++] = a;
}

static int
acc_is(const struct acc *a, const char *path, size_t plen)
{
	return a->plen == plen && memcmp(a->path, path, plen) == 0;
}

/* The row of the current event's field path; NULL on error. */
static struct acc *
acc_of(struct catalog *c, const char *path, size_t plen)
{
	struct kind	 *k = c->k;
	struct acc	**slot, *a = NULL;

	/* where the last event of the kind had it, or one further */
	if (c->at < k->last.n && acc_is(k->last.v[c->at], path, plen))
		a = k->last.v[c->at++];
	else if (c->at + 1 < k->last.n &&
	    acc_is(k->last.v[c->at + 1], path, plen)) {
		a = k->last.v[c->at + 1];
		c->at += 2;
	} else {
		slot = (struct acc **)hmap_put(&k->rows, path, plen);
		if ((a = *slot) == NULL) {
			a = *slot = xcalloc(1, sizeof *a);
			a->path = xstrndup(path, plen);
			a->plen = plen;
			if (acc_load(c, k, a) != 0)
				return NULL;
		}
	}
	seq_push(&k->cur, a);
	return a;
}

/* Is the current event's field at path found red? */
static int
red_here(const struct pii_parsed *pp, const char *path)
{
	size_t	i;

	for (i = 0; pp != NULL && i < pp->n; i++)
		if (pp->kind[i] >= 0 && (red_mask & (1 << pp->kind[i])) &&
		    strcmp(pp->paths[i], path) == 0)
			return 1;
	return 0;
}

/* A value as an example: at most TT_FIELD_EXAMPLE_MAX bytes, cut before a
 * UTF-8 character's continuation bytes.  Not one already there, nor one
 * found red in this event. */
static void
example_add(struct catalog *c, struct acc *a, const char *val, size_t vlen)
{
	size_t	i, n = vlen;

	if (n > TT_FIELD_EXAMPLE_MAX) {
		n = TT_FIELD_EXAMPLE_MAX;
		while (n > 0 && ((unsigned char)val[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < a->nex; i++)
		if (strncmp(a->ex[i], val, n) == 0 && a->ex[i][n] == '\0')
			return;
	if (memchr(val, '\0', n) != NULL ||	/* "\u0000": not text */
	    red_here(c->pp, a->path))
		return;
	a->ex[a->nex++] = xstrndup(val, n);
}

static int
field_seen(void *arg, const char *path, size_t plen, int type,
    const char *val, size_t vlen)
{
	struct catalog	*c = arg;
	struct acc	*a;

	if ((a = acc_of(c, path, plen)) == NULL) {
		c->failed = 1;
		return 1;
	}
	if (a->skip)
		return 0;
	a->types |= type;
	a->format = c->ev->format;
	if (a->seen_by != c->ev->id) {
		a->seen_by = c->ev->id;
		a->events++;
		if (c->ev->received_at < a->first)
			a->first = c->ev->received_at;
		if (c->ev->received_at > a->last)
			a->last = c->ev->received_at;
	}
	if (val != NULL && type != TT_JT(NULL) &&
	    a->nex < TT_FIELD_EXAMPLES && !(a->kinds & red_mask))
		example_add(c, a, val, vlen);
	return 0;
}

/* The kind of ev (made if new in this transaction). */
static struct kind *
kind_of(struct catalog *c, const struct tt_event *ev)
{
	const char	*parts[3];
	struct kind	**slot;
	size_t		  i, n, len = 0;

	parts[0] = tt_source_name(ev->source);
	parts[1] = ev->name != NULL ? ev->name : "";
	parts[2] = ev->version != NULL ? ev->version : "";
	for (i = 0; i < 3; i++) {
		n = strlen(parts[i]) + (i < 2);
		if (len + n + 1 > c->kcap) {
			c->kcap = (len + n + 1) * 2;
			c->kbuf = xrealloc(c->kbuf, c->kcap);
		}
		memcpy(c->kbuf + len, parts[i], n);	/* and its NUL */
		len += n;
	}
	slot = (struct kind **)hmap_put(&c->kinds, c->kbuf, len);
	if (*slot == NULL) {
		*slot = xcalloc(1, sizeof **slot);
		(*slot)->key = xmalloc(len + 1);
		memcpy((*slot)->key, c->kbuf, len);
		(*slot)->key[len] = '\0';
		(*slot)->klen = len;
		(*slot)->stored = -1;
		hmap_init(&(*slot)->rows);
	}
	return *slot;
}

int
store_catalog_event(struct catalog *c, const struct tt_event *ev,
    const struct pii_parsed *pp, int *rc, char **cause)
{
	struct seq	 t;
	struct acc	*a;
	size_t		 i, k;

	if (ev->data == NULL)
		return 0;
	c->k = kind_of(c, ev);
	c->ev = ev;
	c->pp = pp;
	c->at = 0;
	c->failed = 0;
	c->k->cur.n = 0;
	/* data that is not JSON has no fields: nothing to record */
	(void)tt_shape_walk(ev->data, ev->data_len, field_seen, c);
	t = c->k->last;
	c->k->last = c->k->cur;
	c->k->cur = t;
	if (c->failed)
		return fail(c, rc, cause);
	for (k = 0; pp != NULL && k < pp->n; k++) {
		if (pp->kind[k] < 0)
			continue;
		a = hmap_get(&c->k->rows, pp->paths[k], strlen(pp->paths[k]));
		if (a == NULL || a->skip)
			continue;
		a->kinds |= 1 << pp->kind[k];
		if (red_mask & (1 << pp->kind[k])) {
			for (i = 0; i < a->nex; i++)
				free(a->ex[i]);
			a->nex = 0;
		}
	}
	return 0;
}

/* A row's examples as a JSON array, NULL for none; caller frees. */
static char *
examples_json(const struct acc *a)
{
	cJSON	*o;
	char	*s;
	size_t	 i;

	if (a->nex == 0)
		return NULL;
	o = cJSON_CreateArray();
	for (i = 0; i < a->nex; i++)
		cJSON_AddItemToArray(o, cJSON_CreateString(a->ex[i]));
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

/* Write one kind's rows. */
static int
flush_kind(struct catalog *c, const struct kind *k, int *rc, char **cause)
{
	sqlite3_stmt	*s = c->s[S_PUT];
	struct acc	*a;
	char		*ex;
	size_t		 i;
	int		 step;

	for (i = 0; i < k->rows.cap; i++) {
		if (k->rows.slots[i].key == NULL)
			continue;
		a = k->rows.slots[i].value;
		if (a->skip || a->events == 0)
			continue;
		bind_row(s, k, a);
		sqlite3_bind_int(s, 5, a->types);
		sqlite3_bind_int(s, 6, a->kinds);
		sqlite3_bind_int64(s, 7, a->events);
		sqlite3_bind_int64(s, 8, a->first);
		sqlite3_bind_int64(s, 9, a->last);
		ex = examples_json(a);
		if (ex != NULL)
			sqlite3_bind_text(s, 10, ex, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 11, a->format != NULL ? a->format :
		    "unknown", -1, SQLITE_STATIC);
		step = sqlite3_step(s);
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		cJSON_free(ex);
		if (step != SQLITE_DONE)
			return fail(c, rc, cause);
	}
	return 0;
}

int
store_catalog_flush(struct catalog *c, int *rc, char **cause)
{
	size_t	i;

	for (i = 0; i < c->kinds.cap; i++)
		if (c->kinds.slots[i].key != NULL &&
		    flush_kind(c, c->kinds.slots[i].value, rc, cause) != 0)
			return -1;
	return 0;
}

const struct pii_parsed *
store_catalog_pii(struct catalog *c, const char *pii)
{
	return store_pii_parse(&c->pii, pii);
}

/* The next of a kind's key's three NUL-separated parts, from *p. */
static const char *
key_part(const char **p, const char *end)
{
	const char	*s = *p, *z;

	if ((z = memchr(s, '\0', (size_t)(end - s))) == NULL)
		z = end;
	*p = z < end ? z + 1 : end;
	return s;
}

static void
catalog_rows(struct catalog *c, void (*cb)(void *,
    const struct tt_field_row *), void *arg)
{
	struct tt_field_row	 r;
	const struct kind	*k;
	struct acc		*a;
	const char		*p, *end;
	char			*version;
	size_t			 i, j;

	for (i = 0; i < c->kinds.cap; i++) {
		if (c->kinds.slots[i].key == NULL)
			continue;
		k = c->kinds.slots[i].value;
		p = k->key;
		end = k->key + k->klen;
		memset(&r, 0, sizeof r);
		/* views, not copies: the row is the callback's to read */
		r.source = (char *)(uintptr_t)key_part(&p, end);
		r.name = (char *)(uintptr_t)key_part(&p, end);
		version = (char *)(uintptr_t)key_part(&p, end);
		r.versions = &version;
		r.nversions = 1;
		for (j = 0; j < k->rows.cap; j++) {
			if (k->rows.slots[j].key == NULL)
				continue;
			a = k->rows.slots[j].value;
			if (a->skip || a->events == 0)
				continue;
			r.path = a->path;
			r.format = (char *)(uintptr_t)(a->format != NULL ?
			    a->format : "unknown");
			r.types = a->types;
			r.kinds = a->kinds;
			r.events = a->events;
			r.first_seen = a->first;
			r.last_seen = a->last;
			r.examples = a->ex;
			r.nexamples = a->nex;
			cb(arg, &r);
		}
	}
}

static void
row_keep(void *arg, const struct tt_field_row *r)
{
	struct tt_field_rows	*rows = arg;
	struct tt_field_row	*d = tt_field_rows_add(rows);

	*d = *r;	/* views into the catalog's rows, but for versions */
	d->versions = xmalloc(sizeof *d->versions);
	d->versions[0] = r->versions[0];
}

int
store_catalog_pg_flush(struct catalog *c, struct pg *pg, char **cause)
{
	struct tt_field_rows	rows;
	size_t			 i;
	int			 rc;

	memset(&rows, 0, sizeof rows);
	catalog_rows(c, row_keep, &rows);
	rc = pg_fields_merge(pg, rows.v, rows.n, red_mask, CAT_KIND_MAX,
	    CAT_ROWS_MAX, cause);
	for (i = 0; i < rows.n; i++)
		free(rows.v[i].versions);
	free(rows.v);
	return rc;
}

/* An event of the PostgreSQL store into the catalog being built. */
struct pg_build {
	struct catalog	*c;
	char		*cause;
};

static void
pg_build_event(void *arg, const struct tt_event *ev)
{
	struct pg_build	*b = arg;
	int		 rc;

	if (b->cause == NULL)
		(void)store_catalog_event(b->c, ev, ev->pii != NULL ?
		    store_catalog_pii(b->c, ev->pii) : NULL, &rc, &b->cause);
}

int
store_catalog_pg_build(void *arg, struct pg *pg, char **cause)
{
	struct pg_build	 b;
	int		 rc = -1;

	(void)arg;
	b.c = store_catalog_new(NULL, NULL);
	b.cause = NULL;
	if (pg_scan(pg, TT_NONE, NULL, 1, pg_build_event, &b, cause) != 0)
		goto out;
	if (b.cause != NULL) {
		*cause = b.cause;
		goto out;
	}
	rc = store_catalog_pg_flush(b.c, pg, cause);
out:
	store_catalog_free(b.c);
	return rc;
}

/* ---- building it from the events ---- */

int
store_catalog_build(sqlite3 *db, char **cause)
{
	struct rowread	 rd;
	struct catalog	*c = NULL;
	struct rollup	*ru = NULL;
	struct pack	*pk;
	struct tt_event	 ev;
	sqlite3_stmt	*s = NULL;
	const char	*t;
	int		 rc, step, bad, ret = -1;

	*cause = NULL;
	memset(&rd, 0, sizeof rd);
	pk = pack_new(db);
	rd.db = db;
	rd.pack = pk;
	if (store_exec(db, "DELETE FROM fields", cause) != 0 ||
	    (c = store_catalog_new(db, cause)) == NULL ||
	    (ru = store_rollup_new(db, pk, cause)) == NULL)
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT id, received_at, source, name, "
	    "version, pii, data, payload_id, data_at, data_len, format FROM "
	    "events ORDER BY id", -1, &s, NULL) != SQLITE_OK) {
		*cause = xasprintf("field catalog: %s", sqlite3_errmsg(db));
		goto out;
	}
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		tt_event_init(&ev);
		ev.id = sqlite3_column_int64(s, 0);
		ev.received_at = sqlite3_column_int64(s, 1);
		t = (const char *)sqlite3_column_text(s, 2);
		if (t == NULL || tt_source_parse(t, &ev.source) != 0)
			ev.source = TT_SRC_GENERIC;
		ev.name = (char *)(uintptr_t)sqlite3_column_text(s, 3);
		ev.version = (char *)(uintptr_t)sqlite3_column_text(s, 4);
		ev.format = tt_format_static((const char *)
		    sqlite3_column_text(s, 10));
		ev.pii = store_row_pii(&rd, s, 5);	/* owned, these two */
		ev.data = store_row_data(&rd, s, 6);
		ev.data_len = ev.data != NULL ? strlen(ev.data) : 0;
		bad = store_catalog_event(c, &ev, ev.pii != NULL ?
		    store_rollup_pii(ru, ev.pii) : NULL, &rc, cause);
		free(ev.pii);
		free(ev.data);
		if (bad != 0)
			goto out;
	}
	if (step != SQLITE_DONE) {
		*cause = xasprintf("field catalog: %s", sqlite3_errmsg(db));
		goto out;
	}
	if (store_catalog_flush(c, &rc, cause) != 0)
		goto out;
	ret = 0;
out:
	sqlite3_finalize(s);
	store_rowread_clear(&rd);
	store_catalog_free(c);
	store_rollup_free(ru);
	pack_free(pk);
	return ret;
}

/* ---- reading ---- */

/* The strings of a row's examples text into r. */
static void
row_examples(struct tt_field_row *r, const char *text)
{
	struct acc	a;	/* only its examples */
	size_t		i;

	memset(&a, 0, sizeof a);
	examples_read(&a, text);
	for (i = 0; i < r->nexamples; i++)
		free(r->examples[i]);
	free(r->examples);
	r->examples = xcalloc(a.nex + 1, sizeof *r->examples);
	for (i = 0; i < a.nex; i++)
		r->examples[i] = a.ex[i];
	r->nexamples = a.nex;
}

/* What a reader has made of the rows so far: each field once. */
struct field_reader {
	struct tt_field_rows	*out;
	struct tt_field_row	*r;	/* the field of the last row */
};

/* One row of a version of a field: the rows of one field, a version
 * each, become one. */
static void
field_put(struct field_reader *fr, const char *src, const char *nm,
    const char *path, const char *ver, int types, int kinds, int64_t events,
    int64_t first, int64_t last, const char *examples, const char *format)
{
	struct tt_field_row	*r = fr->r;

	if (src == NULL || nm == NULL || path == NULL || ver == NULL)
		return;
	if (r == NULL || strcmp(r->source, src) != 0 ||
	    strcmp(r->name, nm) != 0 || strcmp(r->path, path) != 0) {
		r = fr->r = tt_field_rows_add(fr->out);
		r->source = xstrdup(src);
		r->name = xstrdup(nm);
		r->path = xstrdup(path);
		r->first_seen = INT64_MAX;
		r->last_seen = INT64_MIN;
	}
	r->types |= types;
	r->kinds |= kinds;
	r->events += events;
	if (first < r->first_seen)
		r->first_seen = first;
	if (last > r->last_seen)
		r->last_seen = last;
	tt_field_row_add_version(r, ver);
	/* the format of the latest version's events */
	free(r->format);
	r->format = xstrdup(format != NULL ? format : "unknown");
	/* the examples of the latest version that has some */
	if (examples != NULL)
		row_examples(r, examples);
	if (r->kinds & red_mask)
		row_examples(r, NULL);
}

/* A row of pg_fields(), its columns as text. */
static void
field_pg(void *arg, const char *const *c)
{
	if (c[4] == NULL || c[5] == NULL || c[6] == NULL || c[7] == NULL ||
	    c[8] == NULL)
		return;
	field_put(arg, c[0], c[1], c[2], c[3], atoi(c[4]), atoi(c[5]),
	    strtoll(c[6], NULL, 10), strtoll(c[7], NULL, 10),
	    strtoll(c[8], NULL, 10), c[9], c[10]);
}

int
store_fields(struct store *st, const char *source, const char *name,
    const char *version, struct tt_field_rows *out, char **cause)
{
	struct field_reader	 fr;
	sqlite3_stmt		*s;
	size_t			 added = out->n;
	int			 step;

	*cause = NULL;
	fr.out = out;
	fr.r = NULL;
	if (st->pg != NULL) {
		if (pg_fields(st->pg, source, name, version, field_pg, &fr,
		    cause) != 0)
			return -1;
		goto sort;
	}
	if (sqlite3_prepare_v2(st->db, "SELECT source, name, path, version, "
	    "types, kinds, events, first_seen, last_seen, examples, format "
	    "FROM fields WHERE (?1 IS NULL OR source = ?1) AND (?2 IS NULL OR "
	    "name = ?2) AND (?3 IS NULL OR version = ?3) ORDER BY source, "
	    "name, path, first_seen", -1, &s, NULL) != SQLITE_OK) {
		*cause = xasprintf("field catalog: %s",
		    sqlite3_errmsg(st->db));
		return -1;
	}
	store_bind_text(s, 1, source);
	store_bind_text(s, 2, name);
	store_bind_text(s, 3, version);
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		field_put(&fr, (const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    (const char *)sqlite3_column_text(s, 2),
		    (const char *)sqlite3_column_text(s, 3),
		    sqlite3_column_int(s, 4), sqlite3_column_int(s, 5),
		    sqlite3_column_int64(s, 6), sqlite3_column_int64(s, 7),
		    sqlite3_column_int64(s, 8),
		    (const char *)sqlite3_column_text(s, 9),
		    (const char *)sqlite3_column_text(s, 10));
	sqlite3_finalize(s);
	if (step != SQLITE_DONE) {
		*cause = xasprintf("field catalog: %s",
		    sqlite3_errmsg(st->db));
		return -1;
	}
sort:
	for (; added < out->n; added++)
		tt_versions_sort(out->v[added].versions,
		    out->v[added].nversions);
	return 0;
}

/* A version of store_field_versions(), for sorting. */
struct version_row {
	char	*version;
	int64_t	 first, events;
};

static int
version_row_cmp(const void *a, const void *b)
{
	return tt_version_cmp(((const struct version_row *)a)->version,
	    ((const struct version_row *)b)->version);
}

struct version_rows {
	struct version_row	*v;
	size_t			 n;
};

static void
version_pg(void *arg, const char *version, int64_t first, int64_t events)
{
	struct version_rows	*vr = arg;

	vr->v = xrealloc(vr->v, (vr->n + 1) * sizeof *vr->v);
	vr->v[vr->n].version = xstrdup(version);
	vr->v[vr->n].first = first;
	vr->v[vr->n].events = events;
	vr->n++;
}

int
store_field_versions(struct store *st, const char *source,
    void (*cb)(void *, const char *version, int64_t first_seen,
    int64_t events), void *arg, char **cause)
{
	struct version_row	*v = NULL;
	struct version_rows	 vr;
	sqlite3_stmt		*s;
	const char		*t;
	size_t			 n = 0, i;
	int			 step;

	*cause = NULL;
	if (st->pg != NULL) {
		vr.v = NULL;
		vr.n = 0;
		if (pg_field_versions(st->pg, source, version_pg, &vr,
		    cause) != 0)
			return -1;
		v = vr.v;
		n = vr.n;
		goto sort;
	}
	/* an event name's events are those of its most common field */
	if (sqlite3_prepare_v2(st->db, "SELECT version, min(f), sum(m) FROM "
	    "(SELECT version, min(first_seen) AS f, max(events) AS m FROM "
	    "fields WHERE source = ?1 GROUP BY version, name) GROUP BY "
	    "version", -1, &s, NULL) != SQLITE_OK) {
		*cause = xasprintf("field catalog: %s",
		    sqlite3_errmsg(st->db));
		return -1;
	}
	store_bind_text(s, 1, source);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if ((t = (const char *)sqlite3_column_text(s, 0)) == NULL)
			continue;
		v = xrealloc(v, (n + 1) * sizeof *v);
		v[n].version = xstrdup(t);
		v[n].first = sqlite3_column_int64(s, 1);
		v[n].events = sqlite3_column_int64(s, 2);
		n++;
	}
	sqlite3_finalize(s);
	if (step != SQLITE_DONE)
		*cause = xasprintf("field catalog: %s",
		    sqlite3_errmsg(st->db));
sort:
	if (*cause == NULL && n > 1)
		qsort(v, n, sizeof *v, version_row_cmp);
	for (i = 0; i < n; i++) {
		if (*cause == NULL)
			cb(arg, v[i].version, v[i].first, v[i].events);
		free(v[i].version);
	}
	free(v);
	return *cause == NULL ? 0 : -1;
}
