/*
 * The rollups on PostgreSQL: what rollup.c works out for each event, read
 * and written in PostgreSQL's tables (store/pg.c's migration 6).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hmap.h"
#include "core/metrics.h"
#include "core/stats.h"
#include "core/xmalloc.h"
#include "pg.h"
#include "store.h"
#include "store_int.h"
#include "rollup_int.h"

/*
 * The same rollups in PostgreSQL's tables (store/pg.c's migration 6), the
 * same deltas worked out by the same code (rollup.c's
 * store_rollup_event()); what differs is how they read and write.
 * Instead of a statement an event, a transaction reads what its events
 * need first, in a few statements of many rows each (each execution's
 * first start and first finish before them, the clients already counted,
 * the metrics' rows), then works out
 * its events in order, keeping those reads up to date with them, and
 * writes the sums at its end, a statement a table.
 *
 * A commit of events holds an advisory lock to its end (pg.c's begin()),
 * so two collectors' transactions come one after another: what one reads
 * is what the one before committed, and the rows of a command (its recent
 * durations, read and written whole) and of a metric never race.  An
 * execution's state is what its earlier events made of it (its first start
 * and first finish, folded in id order), so no window of finishes is kept
 * (struct fin is SQLite's): a late or repeated finish counts as a replay
 * would, through whichever collector it comes.
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

/*
 * exec_state() on PostgreSQL: what its execution's earlier events made
 * of it, read first (its first start and first finish, worked out in
 * order as a replay would) and kept up by the transaction's own events;
 * no window of finishes is needed.  The key is left in r->kbuf (*klen).
 */
int
ru_pg_exec_state(struct rollup *r, const struct tt_event *ev, struct tt_exec *x,
    char **owned, size_t *klen)
{
	struct pexec	*p;

	*klen = ru_key(r, ev->source, 1, ev->execution_id);
	if ((p = hmap_get(&r->t.execs, r->kbuf, *klen)) != NULL) {
		*x = p->x;
		x->command = *owned = xstrdup(p->command);
	} else
		x->command = *owned = xstrdup(tt_event_command(ev));
	return 0;
}

/* On PostgreSQL, after ev: its execution as it leaves it (key: in
 * r->kbuf, klen). */
void
ru_pg_exec_seen(struct rollup *r, size_t klen, const struct tt_exec *x)
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

/* ---- what an event writes on PostgreSQL, kept for the end ---- */

/* (day, source, client) new (key: r->kbuf, klen). */
void
ru_pg_client_new(struct rollup *r, size_t klen, struct tt_stats_delta *d,
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
	ru_acc_day(r, d->day, ev->source)->clients++;
}

/* A Summary's counts (json, moved in): the latest of its client's day. */
void
ru_pg_summary(struct rollup *r, const char *day, const struct tt_event *ev,
    char *json)
{
	struct acc_summary	**slot, *a;
	const char		 *client = ev->client_id != NULL ?
				    ev->client_id : "";
	size_t			  n;

	n = ru_key(r, ev->source, 2, day, client);
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
void
ru_pg_open(struct rollup *r, const struct tt_event *ev, const char *command,
    const struct tt_stats_delta *d)
{
	struct acc_open	**slot, *a;
	size_t		  n;

	n = ru_key(r, ev->source, 1, ev->execution_id);
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

struct rollup *
store_rollup_new_pg(struct pg *pg)
{
	struct rollup	*r = ru_alloc();

	r->pg = pg;
	return r;
}

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
 * Of each (source, execution, id) asked, with its ordinal: the first start
 * and the first finish of the execution before that id (exec_fold()'s
 * columns), where it has either.
 */
#define SQL_EXEC_BEFORE \
	"SELECT k.n, s.id, s.ts, s.command, s.name, f.id, f.ts, f.command, " \
	"f.name, f.duration_ms FROM unnest($1::text[], $2::text[], " \
	"$3::bigint[]) WITH ORDINALITY AS k(s, x, b, n) LEFT JOIN LATERAL " \
	"(SELECT id, ts, command, name FROM events WHERE source = k.s AND " \
	"execution_id = k.x AND phase = 1 AND id < k.b ORDER BY id LIMIT 1) s " \
	"ON true LEFT JOIN LATERAL (SELECT id, ts, command, name, duration_ms " \
	"FROM events WHERE source = k.s AND execution_id = k.x AND phase = 2 " \
	"AND id < k.b ORDER BY id LIMIT 1) f ON true WHERE s.id IS NOT NULL " \
	"OR f.id IS NOT NULL"

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
	    (!zone || strcmp(m->zone, ru_zone()) == 0);
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
	size_t			 i, n;
	int			 ok = -1;

	if (!r->rolling) {
		if (meta_pg(r->pg, nev > 0 ? evs[0]->id : INT64_MAX, &mt,
		    cause) != 0)
			return -1;
		/* days of another zone, or none: ours will not agree */
		ok = (mt.zone == NULL || (*mt.zone != '\0' &&
		    strcmp(mt.zone, ru_zone()) != 0)) &&
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
	ask_init(&st, 3);
	ask_init(&cl, 3);
	ask_init(&me, 2);
	hmap_init(&asked);
	for (i = 0; i < nev; i++) {
		const struct tt_event *ev = evs[i];

		if (ev->execution_id != NULL && ev->execution_id[0] != '\0' &&
		    ev->phase != TT_PHASE_POINT) {
			n = ru_key(r, ev->source, 1, ev->execution_id);
			if (hmap_get(&asked, r->kbuf, n) == NULL) {
				*hmap_put(&asked, r->kbuf, n) = r;
				ask_key(&st, r, n);
				pg_array_add(&st.col[0],
				    tt_source_name(ev->source));
				pg_array_add(&st.col[1], ev->execution_id);
				/* before the transaction's first event */
				pg_array_int(&st.col[2], evs[0]->id);
			}
		}
		day = tt_day_cached(&r->dc, ev->ts);
		if (ev->client_id != NULL && ev->client_id[0] != '\0') {
			n = ru_key(r, ev->source, 2, day, ev->client_id);
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
			n = ru_key(r, ev->source, 1, d.metric);
			if (hmap_get(&r->t.metrics, r->kbuf, n) == NULL) {
				ask_key(&me, r, n);
				pg_array_add(&me.col[0],
				    tt_source_name(ev->source));
				pg_array_add(&me.col[1], d.metric);
				/* its row, empty unless read below */
				(void)ru_acc_metric(r, &d, NULL, NULL);
			}
		}
		tt_stats_delta_clear(&d);
	}
	g.r = r;
	g.kind = GOT_EXEC;
	g.a = &st;
	g.into = &r->t.execs;
	if (st.n > 0 && ask_run(r, &st, SQL_EXEC_BEFORE, NULL, got_row, &g,
	    cause) != 0)
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
			(void)ru_key(r, c->source, 1, c->command);
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
	for (i = 0; i < ru_ntables; i++) {
		q = xasprintf("DELETE FROM %s", ru_tables[i]);
		rc = pg_run(pg, q, 0, NULL, NULL, NULL, cause);
		free(q);
		if (rc != 0)
			return -1;
	}
	if (zone_set_pg(pg, ru_zone(), cause) != 0 ||
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
int
ru_pg_sync(struct store *st, int *rebuilt, int64_t *rolled, char **cause)
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
	rebuild = m.zone == NULL || strcmp(m.zone, ru_zone()) != 0 ||
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

int
ru_pg_load(struct store *st, const char *source, struct tt_stats *out,
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

int
ru_pg_privacy(struct store *st, const char *source,
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
	if (h.nidx > 0 && ask_run(r, &ex, SQL_EXEC_BEFORE, NULL, heard_row,
	    &h, cause) != 0)
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
			ru_free_pexec(h.x[k]);
	free(h.x);
	free(h.first);
	free(h.idx);
	ask_free(&ex);
	ask_free(&cl);
	store_rollup_free(r);
	return ok;
}
