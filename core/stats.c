/*
 * Timings and daily summaries, kept incrementally.
 *
 * An execution is one run of a command, keyed by source and execution_id.
 * Its start and finish may arrive in either order and more than once; each
 * counts once.  Its duration is the event's own (werf durationMs, legacy
 * DevPod processingTime) or else finish.ts - start.ts, whichever is known
 * first.  A finish with no execution_id (DevPod devpod_cli, Devsy
 * devsy_cli) is an execution without a duration.  tt_exec_step() is that
 * state machine, and the one place that knows it: the store runs it in
 * its transactions, tt_stats_add() here.
 *
 * The model holds no execution it does not need: the open starts younger
 * than the orphan timeout (a map, and a min-heap by start time that a
 * query ages into orphans, so no query walks every start).  A finished
 * execution leaves it; an open start leaves it when it is aged.
 * tt_stats_add() alone keeps every execution it saw (its own history).
 *
 * Durations go into a log-linear histogram: exact below 128 ms, then 64
 * buckets per power of two, so the midpoint of a bucket is within 1/128
 * (< 1%) of any value in it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "hmap.h"
#include "metrics.h"
#include "stats.h"
#include "xmalloc.h"

#define H_EXACT		128
#define H_SUB_BITS	6
#define H_SUB		(1 << H_SUB_BITS)

struct tt_hist {
	int64_t		*b;
	size_t		 nb;
	int64_t		 count;
	int64_t		 max;
};

/* The last bucket (of INT64_MAX). */
#define H_LAST		(H_EXACT + (size_t)(62 - 7) * H_SUB + H_SUB - 1)

struct cmd {
	enum tt_source	 source;
	char		*command;
	int64_t		 count, failures, running, orphans, last_seen;
	struct tt_hist	*hist;
	int64_t		 recent[TT_RECENT];
	int		 rnext, nrecent;
};

/* An open start younger than the orphan timeout. */
struct pend {
	struct cmd	*cmd;
	int64_t		 start_ts;
	size_t		 heapi;		/* where it is in the heap */
	char		*key;		/* its key in pends, owned */
	size_t		 klen;
};

struct day {
	char		 day[11];
	enum tt_source	 source;
	int64_t		 events, commands, failures, clients;
	struct hmap	 seen;		/* tt_stats_add(): clients seen */
};

struct summary {
	char			 day[11];
	enum tt_source		 source;
	char			*client_id;
	int64_t			 ts;
	struct tt_summary_count	*counts;
	size_t			 ncounts;
};

struct tt_stats {
	int64_t		 orphan_after;
	struct hmap	 cmds;
	struct hmap	 execs;		/* tt_stats_add(): struct tt_exec */
	struct hmap	 pends;		/* open starts, struct pend */
	struct hmap	 days;
	struct hmap	 summaries;
	struct hmap	 metrics;	/* metrics.c */
	struct pend	**heap;		/* the pends, by start_ts */
	size_t		 nheap, capheap;
	struct tt_day_cache dc;
};

/* ---- histogram ---- */

struct tt_hist *
tt_hist_create(void)
{
	struct tt_hist	*h = xcalloc(1, sizeof *h);

	h->max = TT_NONE;
	return h;
}

void
tt_hist_free(struct tt_hist *h)
{
	if (h == NULL)
		return;
	free(h->b);
	free(h);
}

static size_t
bucket_of(int64_t v)
{
	int	e;

	if (v < H_EXACT)
		return (size_t)(v < 0 ? 0 : v);
	e = 63 - __builtin_clzll((unsigned long long)v);
	return H_EXACT + (size_t)(e - 7) * H_SUB +
	    (size_t)((v >> (e - H_SUB_BITS)) & (H_SUB - 1));
}

/* The middle of a bucket's range. */
static int64_t
bucket_mid(size_t i)
{
	int64_t	lo, width;
	int	e;

	if (i < H_EXACT)
		return (int64_t)i;
	e = (int)((i - H_EXACT) / H_SUB) + 7;
	width = (int64_t)1 << (e - H_SUB_BITS);
	lo = ((int64_t)1 << e) + (int64_t)((i - H_EXACT) % H_SUB) * width;
	return lo + (width - 1) / 2;
}

/* Room for bucket i. */
static void
hist_grow(struct tt_hist *h, size_t i)
{
	size_t	n;

	if (i < h->nb)
		return;
	n = h->nb == 0 ? 256 : h->nb;
	while (n <= i)
		n *= 2;
	h->b = xrealloc(h->b, n * sizeof *h->b);
	memset(h->b + h->nb, 0, (n - h->nb) * sizeof *h->b);
	h->nb = n;
}

void
tt_hist_add(struct tt_hist *h, int64_t v)
{
	size_t	i = bucket_of(v);

	hist_grow(h, i);
	h->b[i]++;
	h->count++;
	if (h->max == TT_NONE || v > h->max)
		h->max = v;
}

size_t
tt_hist_bucket(int64_t v)
{
	return bucket_of(v);
}

int64_t
tt_hist_next(const struct tt_hist *h, size_t *i)
{
	for (; *i < h->nb; (*i)++)
		if (h->b[*i] != 0)
			return h->b[*i];
	return 0;
}

void
tt_hist_add_bucket(struct tt_hist *h, size_t i, int64_t n)
{
	if (i > H_LAST || n <= 0)
		return;
	hist_grow(h, i);
	h->b[i] += n;
	h->count += n;
}

void
tt_hist_set_max(struct tt_hist *h, int64_t max)
{
	h->max = max;
}

int64_t
tt_hist_percentile(const struct tt_hist *h, double p)
{
	int64_t	rank, seen = 0, v;
	size_t	i;

	if (h == NULL || h->count == 0)
		return TT_NONE;
	rank = (int64_t)ceil(p / 100.0 * (double)h->count);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < h->nb; i++) {
		seen += h->b[i];
		if (seen >= rank) {
			v = bucket_mid(i);
			return v > h->max ? h->max : v;
		}
	}
	return h->max;
}

int64_t
tt_hist_count(const struct tt_hist *h)
{
	return h->count;
}

int64_t
tt_hist_max(const struct tt_hist *h)
{
	return h->max;
}

/* ---- keys ---- */

/*
 * A map key "<source byte>a\0b" built without printf (this runs for every
 * event).  Returns its length; *heap is set when it did not fit in buf.
 */
static size_t
key_make(char *buf, size_t cap, enum tt_source src, const char *a,
    const char *b, char **heap)
{
	size_t	la = strlen(a), lb = b != NULL ? strlen(b) : 0;
	size_t	n = 1 + la + (b != NULL ? 1 + lb : 0);
	char	*k = buf;

	*heap = NULL;
	if (n > cap)
		k = *heap = xmalloc(n);
	k[0] = (char)('A' + (int)src);
	memcpy(k + 1, a, la);
	if (b != NULL) {
		k[1 + la] = '\0';
		memcpy(k + 2 + la, b, lb);
	}
	return n;
}

/* ---- days ---- */

/* Times whose local day has four digits of year, with a day to spare. */
#define DAY_SECS_MIN	(-62167219200LL + 2 * 86400)	/* 0000-01-03 */
#define DAY_SECS_MAX	(253402300799LL - 2 * 86400)	/* 9999-12-29 */

/*
 * The local day of a time, and the µs range [*start, *end) it covers.  Any
 * int64 is safe (an old database may hold anything): a time no four-digit
 * year can show is the day "0000-00-00", with an empty range so that it is
 * never cached.
 */
static void
day_string(int64_t us, char day[11], int64_t *start, int64_t *end)
{
	int64_t		secs = us / 1000000 - (us % 1000000 < 0);
	time_t		t = (time_t)secs, s, e;
	struct tm	tm, b;

	if (start != NULL)
		*start = *end = 0;
	if (secs < DAY_SECS_MIN || secs > DAY_SECS_MAX ||
	    localtime_r(&t, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900) {
		memcpy(day, "0000-00-00", 11);
		return;
	}
	/* Days sort as text: four digits of year, always (strftime: "262") */
	snprintf(day, 11, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) %
	    10000u, (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday %
	    100u);
	if (start == NULL)
		return;
	memset(&b, 0, sizeof b);
	b.tm_year = tm.tm_year;
	b.tm_mon = tm.tm_mon;
	b.tm_mday = tm.tm_mday;
	b.tm_isdst = -1;
	s = mktime(&b);
	memset(&b, 0, sizeof b);
	b.tm_year = tm.tm_year;
	b.tm_mon = tm.tm_mon;
	b.tm_mday = tm.tm_mday + 1;
	b.tm_isdst = -1;
	e = mktime(&b);
	/* Within four-digit years, s * 1000000 cannot wrap. */
	if (s != (time_t)-1 && e != (time_t)-1 && s <= t && t < e) {
		*start = (int64_t)s * 1000000;
		*end = (int64_t)e * 1000000;
	}
}

void
tt_local_day(int64_t us, char day[11])
{
	day_string(us, day, NULL, NULL);
}

/* The local day, from a cache of the last day seen. */
const char *
tt_day_cached(struct tt_day_cache *dc, int64_t us)
{
	int64_t	start, end;
	int	i;

	if (dc->n > 0 && us >= dc->e[dc->last].start &&
	    us < dc->e[dc->last].end)
		return dc->e[dc->last].day;
	for (i = 0; i < dc->n; i++)
		if (us >= dc->e[i].start && us < dc->e[i].end) {
			dc->last = i;
			return dc->e[i].day;
		}
	day_string(us, dc->scratch, &start, &end);
	if (start == end)		/* not a day to keep */
		return dc->scratch;
	i = dc->next;
	dc->next = (dc->next + 1) % TT_DAY_CACHE;
	if (dc->n < TT_DAY_CACHE)
		dc->n++;
	dc->e[i].start = start;
	dc->e[i].end = end;
	memcpy(dc->e[i].day, dc->scratch, 11);
	dc->last = i;
	return dc->e[i].day;
}

/*
 * The zone's id: FNV-1a over the UTC offset (and DST flag) the zone gives
 * every five and a half days from 1900 to 2100 (so at 02:30 and 14:30 UTC
 * in turn, and zones on either side of the date line differ).  About
 * 13,000 localtime_r() calls: a few ms, once a process.
 */
void
tt_zone_id(char id[TT_ZONE_LEN + 1])
{
	static const int64_t	 from = -2208988800LL;	/* 1900-01-01 */
	static const int64_t	 to = 4102444800LL;	/* 2100-01-01 */
	uint64_t		 h = 1469598103934665603ULL;
	struct tm		 tm;
	time_t			 t;
	int64_t			 s;
	long			 v;
	int			 k;

	for (s = from; s < to; s += 5 * 86400 + 12 * 3600) {
		t = (time_t)(s + 9000);
		if (localtime_r(&t, &tm) == NULL)
			continue;
		v = tm.tm_gmtoff * 2 + (tm.tm_isdst > 0);
		for (k = 0; k < 4; k++) {
			h ^= (uint64_t)((unsigned long)v >> (k * 8)) & 0xff;
			h *= 1099511628211ULL;
		}
	}
	snprintf(id, TT_ZONE_LEN + 1, "%016llx", (unsigned long long)h);
}

static struct day *
day_get(struct tt_stats *st, const char *day, enum tt_source src)
{
	char		  key[32], *heap;
	size_t		  n;
	struct day	**slot, *d;

	n = key_make(key, sizeof key, src, day, NULL, &heap);
	slot = (struct day **)hmap_put(&st->days, heap != NULL ? heap : key,
	    n);
	free(heap);
	if ((d = *slot) == NULL) {
		d = *slot = xcalloc(1, sizeof *d);
		memcpy(d->day, day, 11);
		d->source = src;
		hmap_init(&d->seen);
	}
	return d;
}

/* ---- Devtron Summary ---- */

/*
 * Devtron's Summary: the documented nested properties.summary{...}, or
 * the flat counts Devtron sends today: the object whose numeric members
 * are the counts, or NULL when the event has no properties object.
 */
static const cJSON *
summary_object(const cJSON *root)
{
	const cJSON	*props, *nested;

	props = cJSON_GetObjectItemCaseSensitive(root, "properties");
	if (!cJSON_IsObject(props))
		return NULL;
	nested = cJSON_GetObjectItemCaseSensitive(props, "summary");
	return cJSON_IsObject(nested) ? nested : props;
}

/* Is m one of the counts ('$' keys are PostHog's own)? */
static int
summary_member(const cJSON *m)
{
	return cJSON_IsNumber(m) && m->string != NULL && m->string[0] != '$';
}

static void
counts_free(struct tt_summary_count *c, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free((void *)(uintptr_t)c[i].key);
	free(c);
}

/* Keep counts (moved in) as the Summary of (day, source, client) at ts,
 * unless a later one is kept already: the latest per client and day. */
static void
summary_put(struct tt_stats *st, const char *day, enum tt_source src,
    const char *client, int64_t ts, struct tt_summary_count *counts,
    size_t ncounts)
{
	struct summary	**slot, *s;
	char		  key[256], *heap;
	size_t		  n;

	n = key_make(key, sizeof key, src, day, client, &heap);
	slot = (struct summary **)hmap_put(&st->summaries,
	    heap != NULL ? heap : key, n);
	free(heap);
	if ((s = *slot) == NULL) {
		s = *slot = xcalloc(1, sizeof *s);
		memcpy(s->day, day, 11);
		s->source = src;
		s->client_id = xstrdup(client);
	} else if (ts < s->ts) {
		counts_free(counts, ncounts);
		return;
	}
	counts_free(s->counts, s->ncounts);
	s->ts = ts;
	s->counts = counts;
	s->ncounts = ncounts;
}

/* A Summary event joins the model. */
static void
summary_add(struct tt_stats *st, const struct tt_event *ev, const char *day)
{
	struct tt_summary_count	*c = NULL;
	cJSON			*root;
	const cJSON		*o, *m;
	size_t			 n = 0;

	if (ev->data == NULL ||
	    (root = cJSON_ParseWithLength(ev->data, ev->data_len)) == NULL)
		return;
	if ((o = summary_object(root)) == NULL) {
		cJSON_Delete(root);
		return;
	}
	cJSON_ArrayForEach(m, o) {
		if (!summary_member(m))
			continue;
		c = xrealloc(c, (n + 1) * sizeof *c);
		c[n].key = xstrdup(m->string);
		c[n].value = m->valuedouble;
		n++;
	}
	cJSON_Delete(root);
	summary_put(st, day, ev->source, ev->client_id != NULL ?
	    ev->client_id : "", ev->ts, c, n);
}

char *
tt_summary_json(const struct tt_event *ev)
{
	cJSON		*root, *a, *pair;
	const cJSON	*o, *m;
	char		*s;

	if (ev->data == NULL ||
	    (root = cJSON_ParseWithLength(ev->data, ev->data_len)) == NULL)
		return NULL;
	if ((o = summary_object(root)) == NULL) {
		cJSON_Delete(root);
		return NULL;
	}
	a = cJSON_CreateArray();
	cJSON_ArrayForEach(m, o) {
		if (!summary_member(m))
			continue;
		pair = cJSON_CreateArray();
		cJSON_AddItemToArray(pair, cJSON_CreateString(m->string));
		cJSON_AddItemToArray(pair, cJSON_CreateNumber(m->valuedouble));
		cJSON_AddItemToArray(a, pair);
	}
	s = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	cJSON_Delete(root);
	if (s == NULL)
		fatal("out of memory");
	return s;
}

int
tt_stats_load_summary(struct tt_stats *st, const char *day,
    enum tt_source src, const char *client, int64_t ts, const char *counts)
{
	struct tt_summary_count	*c = NULL;
	cJSON			*a;
	const cJSON		*pair, *k, *v;
	size_t			 n = 0;

	if (strlen(day) != 10 ||
	    (a = cJSON_Parse(counts)) == NULL)
		return -1;
	cJSON_ArrayForEach(pair, a) {
		k = cJSON_GetArrayItem(pair, 0);
		v = cJSON_GetArrayItem(pair, 1);
		if (!cJSON_IsString(k) || !cJSON_IsNumber(v))
			continue;
		c = xrealloc(c, (n + 1) * sizeof *c);
		c[n].key = xstrdup(k->valuestring);
		c[n].value = v->valuedouble;
		n++;
	}
	cJSON_Delete(a);
	summary_put(st, day, src, client, ts, c, n);
	return 0;
}

/* ---- commands and open starts ---- */

static struct cmd *
cmd_get(struct tt_stats *st, enum tt_source src, const char *command)
{
	struct cmd	**slot, *c;
	char		  key[256], *heap;
	size_t		  n;

	n = key_make(key, sizeof key, src, command, NULL, &heap);
	slot = (struct cmd **)hmap_put(&st->cmds, heap != NULL ? heap : key,
	    n);
	free(heap);
	if ((c = *slot) == NULL) {
		c = *slot = xcalloc(1, sizeof *c);
		c->source = src;
		c->command = xstrdup(command);
		c->hist = tt_hist_create();
		c->last_seen = TT_NONE;
	}
	return c;
}

/* Keep ms among the latest durations of c. */
static void
add_recent(struct cmd *c, int64_t ms)
{
	c->recent[c->rnext] = ms;
	c->rnext = (c->rnext + 1) % TT_RECENT;
	if (c->nrecent < TT_RECENT)
		c->nrecent++;
}

static void
add_duration(struct cmd *c, int64_t ms)
{
	if (ms < 0)
		return;
	tt_hist_add(c->hist, ms);
	add_recent(c, ms);
}

static void
heap_swap(struct tt_stats *st, size_t a, size_t b)
{
	struct pend	*tmp = st->heap[a];

	st->heap[a] = st->heap[b];
	st->heap[b] = tmp;
	st->heap[a]->heapi = a;
	st->heap[b]->heapi = b;
}

/* Move heap entry i up or down to where its start_ts belongs. */
static void
heap_fix(struct tt_stats *st, size_t i)
{
	size_t	parent, l, r, m;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (st->heap[parent]->start_ts <= st->heap[i]->start_ts)
			break;
		heap_swap(st, parent, i);
		i = parent;
	}
	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < st->nheap &&
		    st->heap[l]->start_ts < st->heap[m]->start_ts)
			m = l;
		if (r < st->nheap &&
		    st->heap[r]->start_ts < st->heap[m]->start_ts)
			m = r;
		if (m == i)
			break;
		heap_swap(st, i, m);
		i = m;
	}
}

/* An open start of c becomes a running one (key: source, execution). */
static void
pend_add(struct tt_stats *st, struct cmd *c, const char *key, size_t klen,
    int64_t start_ts)
{
	struct pend	**slot, *p;

	slot = (struct pend **)hmap_put(&st->pends, key, klen);
	if (*slot != NULL)
		return;		/* loaded twice: it is there */
	p = *slot = xcalloc(1, sizeof *p);
	p->cmd = c;
	p->start_ts = start_ts;
	p->key = xmalloc(klen);
	memcpy(p->key, key, klen);
	p->klen = klen;
	if (st->nheap == st->capheap) {
		st->capheap = st->capheap == 0 ? 64 : st->capheap * 2;
		st->heap = xrealloc(st->heap, st->capheap * sizeof *st->heap);
	}
	p->heapi = st->nheap;
	st->heap[st->nheap++] = p;
	heap_fix(st, p->heapi);
	c->running++;
}

/* Take p out of the map and the heap, and free it. */
static void
pend_remove(struct tt_stats *st, struct pend *p)
{
	size_t	i = p->heapi;

	if (i != --st->nheap) {
		heap_swap(st, i, st->nheap);
		heap_fix(st, i);
	}
	(void)hmap_del(&st->pends, p->key, p->klen);
	free(p->key);
	free(p);
}

/* b - a in µs as ms; -1 when b < a or it does not fit. */
static int64_t
span_ms(int64_t a, int64_t b)
{
	int64_t	d;

	if (b < a || __builtin_sub_overflow(b, a, &d))
		return -1;
	return d / 1000;
}

/* Starts older than the orphan timeout become orphans, and leave. */
static void
age(struct tt_stats *st, int64_t now)
{
	struct pend	*p;
	int64_t		 limit;

	/* orphan_after > 0: now - it only wraps below every start. */
	if (__builtin_sub_overflow(now, st->orphan_after, &limit))
		return;
	while (st->nheap > 0 && st->heap[0]->start_ts <= limit) {
		p = st->heap[0];
		p->cmd->running--;
		p->cmd->orphans++;
		pend_remove(st, p);
	}
}

static int
failed(const struct tt_event *ev)
{
	return (ev->exit_code != TT_NONE && ev->exit_code != 0) ||
	    (ev->error != NULL && ev->error[0] != '\0');
}

/* ---- the state machine of an execution ---- */

const char *
tt_event_command(const struct tt_event *ev)
{
	return ev->command != NULL ? ev->command : ev->name != NULL ?
	    ev->name : "(unnamed)";
}

int
tt_event_is_summary(const struct tt_event *ev)
{
	return ev->source == TT_SRC_DEVTRON && ev->name != NULL &&
	    strcmp(ev->name, "Summary") == 0;
}

void
tt_stats_delta_init(struct tt_stats_delta *d)
{
	memset(d, 0, sizeof *d);
	d->duration_ms = TT_NONE;
	d->start_ts = TT_NONE;
	d->metric_value = NAN;
}

void
tt_stats_delta_clear(struct tt_stats_delta *d)
{
	free(d->command);
	free(d->metric);
	free(d->metric_kind);
	free(d->metric_unit);
	tt_stats_delta_init(d);
}

/*
 * An event's own duration in whole ms, rounded (the histograms count ms),
 * as a duration to add: TT_NONE for a negative one.  Past INT64_MAX it is
 * INT64_MAX.
 */
static int64_t
own_ms(const struct tt_event *ev)
{
	double	d = ev->duration_ms;

	if (!(d >= 0))
		return TT_NONE;
	if (d >= 9223372036854775807.0)
		return INT64_MAX;
	return (int64_t)llround(d);
}
void
tt_exec_step(struct tt_exec *x, const struct tt_event *ev,
    struct tt_stats_delta *d)
{
	free(d->command);
	d->command = xstrdup(x != NULL ? x->command : tt_event_command(ev));
	if (x == NULL) {
		/* No id to pair by: a finish is a whole execution, a start
		 * is not. */
		if (ev->phase == TT_PHASE_FINISH) {
			d->finished = 1;
			d->failed = failed(ev);
			if (ev->duration_ms != TT_NONE)
				d->duration_ms = own_ms(ev);
		}
		return;
	}
	if (ev->phase == TT_PHASE_START) {
		if (x->started)
			return;		/* a duplicate */
		x->started = 1;
		x->start_ts = ev->ts;
		if (x->finished) {	/* the finish came first */
			if (!x->timed &&
			    span_ms(x->start_ts, x->finish_ts) >= 0) {
				d->duration_ms = span_ms(x->start_ts,
				    x->finish_ts);
				x->timed = 1;
			}
			return;
		}
		d->open = 1;
		d->start_ts = ev->ts;
		return;
	}
	if (x->finished)
		return;			/* a duplicate */
	x->finished = 1;
	x->finish_ts = ev->ts;
	d->finished = 1;
	d->failed = failed(ev);
	if (x->started) {
		d->open = -1;
		d->start_ts = x->start_ts;
	}
	if (ev->duration_ms != TT_NONE) {
		d->duration_ms = own_ms(ev);
		x->timed = 1;
	} else if (x->started && span_ms(x->start_ts, ev->ts) >= 0) {
		d->duration_ms = span_ms(x->start_ts, ev->ts);
		x->timed = 1;
	}
}

/* The key of ev's execution in execs and pends; see key_make. */
static size_t
exec_key(char *buf, size_t cap, const struct tt_event *ev, char **heap)
{
	return key_make(buf, cap, ev->source, ev->execution_id, NULL, heap);
}

static int
has_exec(const struct tt_event *ev)
{
	return ev->execution_id != NULL && ev->execution_id[0] != '\0';
}

void
tt_stats_apply(struct tt_stats *st, const struct tt_event *ev,
    const struct tt_stats_delta *d)
{
	struct day	*day;
	struct cmd	*c;
	struct pend	*p;
	char		 key[128], *heap;
	size_t		 n;

	day = day_get(st, d->day, d->source);
	day->events++;
	day->clients += d->new_client != 0;
	if (d->summary)
		summary_add(st, ev, d->day);
	tt_metrics_apply(&st->metrics, d);
	if (d->command == NULL)
		return;
	c = cmd_get(st, d->source, d->command);
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
	if (d->duration_ms != TT_NONE)
		add_duration(c, d->duration_ms);
	if (d->open == 0 || !has_exec(ev))
		return;
	n = exec_key(key, sizeof key, ev, &heap);
	if (d->open > 0)
		pend_add(st, c, heap != NULL ? heap : key, n, d->start_ts);
	else if ((p = hmap_get(&st->pends, heap != NULL ? heap : key,
	    n)) != NULL) {
		p->cmd->running--;
		pend_remove(st, p);
	} else
		c->orphans--;	/* aged already */
	free(heap);
}

/* ---- the model ---- */

struct tt_stats *
tt_stats_create(int64_t orphan_after_us)
{
	struct tt_stats	*st = xcalloc(1, sizeof *st);

	st->orphan_after = orphan_after_us > 0 ? orphan_after_us :
	    TT_ORPHAN_AFTER_US;
	hmap_init(&st->cmds);
	hmap_init(&st->execs);
	hmap_init(&st->pends);
	hmap_init(&st->days);
	hmap_init(&st->summaries);
	tt_metrics_init(&st->metrics);
	return st;
}

int64_t
tt_stats_orphan_after(const struct tt_stats *st)
{
	return st->orphan_after;
}

size_t
tt_stats_held(const struct tt_stats *st, size_t *execs)
{
	if (execs != NULL)
		*execs = st->execs.n;
	return st->pends.n;
}

static void
free_cmd(void *p)
{
	struct cmd	*c = p;

	free(c->command);
	tt_hist_free(c->hist);
	free(c);
}

static void
free_day(void *p)
{
	struct day	*d = p;

	hmap_clear(&d->seen, NULL);
	free(d);
}

static void
free_pend(void *p)
{
	struct pend	*x = p;

	free(x->key);
	free(x);
}

static void
free_summary(void *p)
{
	struct summary	*s = p;

	counts_free(s->counts, s->ncounts);
	free(s->client_id);
	free(s);
}

void
tt_stats_free(struct tt_stats *st)
{
	if (st == NULL)
		return;
	hmap_clear(&st->cmds, free_cmd);
	hmap_clear(&st->execs, free);
	hmap_clear(&st->pends, free_pend);
	hmap_clear(&st->days, free_day);
	hmap_clear(&st->summaries, free_summary);
	tt_metrics_clear(&st->metrics);
	free(st->heap);
	free(st);
}

/* The execution of ev (it has an id) as the events before it left it. */
static struct tt_exec *
exec_get(struct tt_stats *st, const struct tt_event *ev)
{
	struct tt_exec	**slot, *x;
	char		  key[128], *heap;
	size_t		  n;

	n = exec_key(key, sizeof key, ev, &heap);
	slot = (struct tt_exec **)hmap_put(&st->execs,
	    heap != NULL ? heap : key, n);
	free(heap);
	if ((x = *slot) == NULL) {
		x = *slot = xcalloc(1, sizeof *x);
		/* the first event names the command, kept by the model */
		x->command = cmd_get(st, ev->source,
		    tt_event_command(ev))->command;
	}
	return x;
}

void
tt_stats_add(struct tt_stats *st, const struct tt_event *ev)
{
	struct tt_stats_delta	 d;

	tt_stats_add_delta(st, ev, &d);
	tt_stats_delta_clear(&d);
}

void
tt_stats_add_delta(struct tt_stats *st, const struct tt_event *ev,
    struct tt_stats_delta *d)
{
	struct day		*day;
	size_t			 n;

	tt_stats_delta_init(d);
	d->source = ev->source;
	d->ts = ev->ts;
	memcpy(d->day, tt_day_cached(&st->dc, ev->ts), 11);
	if (ev->client_id != NULL && ev->client_id[0] != '\0') {
		day = day_get(st, d->day, ev->source);
		n = day->seen.n;
		(void)hmap_put(&day->seen, ev->client_id,
		    strlen(ev->client_id));
		d->new_client = day->seen.n != n;
	}
	d->summary = tt_event_is_summary(ev);
	(void)tt_metric_point(ev, d);
	if (ev->phase != TT_PHASE_POINT)
		tt_exec_step(has_exec(ev) ? exec_get(st, ev) : NULL, ev, d);
	tt_stats_apply(st, ev, d);
}

/* ---- loading from rollups ---- */

struct tt_hist *
tt_stats_load_cmd(struct tt_stats *st, enum tt_source src,
    const char *command, int64_t count, int64_t failures, int64_t open,
    int64_t last_seen, int64_t max_ms, const int64_t *recent, int nrecent)
{
	struct cmd	*c = cmd_get(st, src, command);
	int		 k;

	c->count += count;
	c->failures += failures;
	c->orphans += open;
	if (last_seen > c->last_seen)
		c->last_seen = last_seen;
	if (max_ms != TT_NONE)
		tt_hist_set_max(c->hist, max_ms);
	if (nrecent > TT_RECENT) {
		recent += nrecent - TT_RECENT;
		nrecent = TT_RECENT;
	}
	for (k = 0; k < nrecent; k++)
		add_recent(c, recent[k]);
	return c->hist;
}

void
tt_stats_load_open(struct tt_stats *st, enum tt_source src,
    const char *command, const char *execution_id, int64_t start_ts)
{
	struct cmd	*c = cmd_get(st, src, command);
	char		 key[128], *heap;
	size_t		 n, before = c->running;

	n = key_make(key, sizeof key, src, execution_id, NULL, &heap);
	pend_add(st, c, heap != NULL ? heap : key, n, start_ts);
	free(heap);
	/* it was an orphan (if the command said it had that many open) */
	if ((size_t)c->running != before && c->orphans > 0)
		c->orphans--;
}

void
tt_stats_load_day(struct tt_stats *st, const char *day, enum tt_source src,
    int64_t events, int64_t commands, int64_t failures, int64_t clients)
{
	struct day	*d;

	if (strlen(day) != 10)
		return;
	d = day_get(st, day, src);
	d->events += events;
	d->commands += commands;
	d->failures += failures;
	d->clients += clients;
}

void
tt_stats_load_metric(struct tt_stats *st, enum tt_source src,
    const char *name, const char *kind, const char *unit, int64_t points,
    int64_t last_seen, double last, double min, double max,
    const double *recent, int n)
{
	struct tt_metric_stats	row;

	memset(&row, 0, sizeof row);
	row.source = src;
	row.name = name;
	row.kind = kind;
	row.unit = unit;
	row.points = points;
	row.last_seen = last_seen;
	row.last = last;
	row.min = min;
	row.max = max;
	if (n > TT_RECENT) {
		recent += n - TT_RECENT;
		n = TT_RECENT;
	}
	if (n > 0)
		memcpy(row.recent, recent, (size_t)n * sizeof *recent);
	row.nrecent = n;
	tt_metrics_load(&st->metrics, &row);
}

/* ---- snapshots ---- */

size_t
tt_stats_metrics(struct tt_stats *st, struct tt_metric_stats **out)
{
	return tt_metrics_snapshot(&st->metrics, out);
}

static int
cmp_cmd(const void *a, const void *b)
{
	const struct tt_cmd_stats	*x = a, *y = b;

	if (x->source != y->source)
		return (int)x->source - (int)y->source;
	return strcmp(x->command, y->command);
}

size_t
tt_stats_commands(struct tt_stats *st, int64_t now, struct tt_cmd_stats **out)
{
	struct tt_cmd_stats	*a;
	struct cmd		*c;
	size_t			 i, n = 0;
	int			 k;

	age(st, now);
	a = xcalloc(st->cmds.n, sizeof *a);
	for (i = 0; i < st->cmds.cap; i++) {
		if (st->cmds.slots[i].key == NULL)
			continue;
		c = st->cmds.slots[i].value;
		a[n].source = c->source;
		a[n].command = c->command;
		a[n].count = c->count;
		a[n].failures = c->failures;
		a[n].with_duration = tt_hist_count(c->hist);
		a[n].p50_ms = tt_hist_percentile(c->hist, 50);
		a[n].p95_ms = tt_hist_percentile(c->hist, 95);
		a[n].p99_ms = tt_hist_percentile(c->hist, 99);
		a[n].max_ms = tt_hist_max(c->hist);
		a[n].running = c->running;
		a[n].orphans = c->orphans;
		a[n].last_seen = c->last_seen;
		a[n].nrecent = c->nrecent;
		for (k = 0; k < c->nrecent; k++)
			a[n].recent[k] = c->recent[(c->rnext - c->nrecent +
			    k + TT_RECENT) % TT_RECENT];
		n++;
	}
	qsort(a, n, sizeof *a, cmp_cmd);
	*out = a;
	return n;
}

static int
cmp_day(const void *a, const void *b)
{
	const struct tt_day_stats	*x = a, *y = b;
	int				 c = strcmp(x->day, y->day);

	return c != 0 ? c : (int)x->source - (int)y->source;
}

size_t
tt_stats_days(struct tt_stats *st, struct tt_day_stats **out)
{
	struct tt_day_stats	*a;
	struct day		*d;
	size_t			 i, n = 0;

	a = xcalloc(st->days.n, sizeof *a);
	for (i = 0; i < st->days.cap; i++) {
		if (st->days.slots[i].key == NULL)
			continue;
		d = st->days.slots[i].value;
		memcpy(a[n].day, d->day, 11);
		a[n].source = d->source;
		a[n].events = d->events;
		a[n].commands = d->commands;
		a[n].failures = d->failures;
		a[n].clients = d->clients;
		n++;
	}
	qsort(a, n, sizeof *a, cmp_day);
	*out = a;
	return n;
}

static int
cmp_summary(const void *a, const void *b)
{
	const struct tt_summary	*x = a, *y = b;
	int			 c = strcmp(x->day, y->day);

	if (c != 0)
		return c;
	if (x->source != y->source)
		return (int)x->source - (int)y->source;
	return strcmp(x->client_id, y->client_id);
}

size_t
tt_stats_summaries(struct tt_stats *st, struct tt_summary **out)
{
	struct tt_summary	*a;
	struct summary		*s;
	size_t			 i, n = 0;

	a = xcalloc(st->summaries.n, sizeof *a);
	for (i = 0; i < st->summaries.cap; i++) {
		if (st->summaries.slots[i].key == NULL)
			continue;
		s = st->summaries.slots[i].value;
		memcpy(a[n].day, s->day, 11);
		a[n].source = s->source;
		a[n].client_id = s->client_id;
		a[n].counts = s->counts;
		a[n].ncounts = s->ncounts;
		n++;
	}
	qsort(a, n, sizeof *a, cmp_summary);
	*out = a;
	return n;
}

/* ---- the model as JSON, for a viewer in another process ---- */

static cJSON *
int_array(const int64_t *v, int n)
{
	cJSON	*a = cJSON_CreateArray();
	int	 k;

	for (k = 0; k < n; k++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber((double)v[k]));
	return a;
}

static void
add_i64(cJSON *o, const char *k, int64_t v)
{
	if (v == TT_NONE)
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddNumberToObject(o, k, (double)v);
}

static void
add_dbl(cJSON *o, const char *k, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

/*
 * The values of a map sorted by cmp (of pointers to them).  A dump is in
 * this order, not the map's: where an entry sits in the map depends on
 * the order the entries came in (a collision at the end of the table
 * wraps to its start), and a model restored from a dump must dump the
 * same.  Caller frees.
 */
static void **
sorted(const struct hmap *m, int (*cmp)(const void *, const void *),
    size_t *n)
{
	void	**v = xcalloc(m->n > 0 ? m->n : 1, sizeof *v);
	size_t	  i;

	*n = 0;
	for (i = 0; i < m->cap; i++)
		if (m->slots[i].key != NULL)
			v[(*n)++] = m->slots[i].value;
	qsort(v, *n, sizeof *v, cmp);
	return v;
}

/* By source then command, as tt_stats_commands() has them. */
static int
cmp_cmd_p(const void *a, const void *b)
{
	const struct cmd	*x = *(const struct cmd *const *)a;
	const struct cmd	*y = *(const struct cmd *const *)b;

	if (x->source != y->source)
		return (int)x->source - (int)y->source;
	return strcmp(x->command, y->command);
}

/* By day then source, as tt_stats_days(). */
static int
cmp_day_p(const void *a, const void *b)
{
	const struct day	*x = *(const struct day *const *)a;
	const struct day	*y = *(const struct day *const *)b;
	int			 c = strcmp(x->day, y->day);

	return c != 0 ? c : (int)x->source - (int)y->source;
}

/* By day, source and client, as tt_stats_summaries(). */
static int
cmp_summary_p(const void *a, const void *b)
{
	const struct summary	*x = *(const struct summary *const *)a;
	const struct summary	*y = *(const struct summary *const *)b;
	int			 c = strcmp(x->day, y->day);

	if (c != 0)
		return c;
	if (x->source != y->source)
		return (int)x->source - (int)y->source;
	return strcmp(x->client_id, y->client_id);
}

static void
dump_cmds(const struct tt_stats *st, cJSON *root)
{
	cJSON		*a = cJSON_AddArrayToObject(root, "commands"), *o, *b;
	const struct cmd *c;
	int64_t		 recent[TT_RECENT], n;
	void		**v;
	size_t		 i, nv, bi;
	int		 k;

	v = sorted(&st->cmds, cmp_cmd_p, &nv);
	for (i = 0; i < nv; i++) {
		c = v[i];
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "source", tt_source_name(c->source));
		cJSON_AddStringToObject(o, "command", c->command);
		add_i64(o, "count", c->count);
		add_i64(o, "failures", c->failures);
		add_i64(o, "open", c->running + c->orphans);
		add_i64(o, "last_seen", c->last_seen);
		add_i64(o, "max_ms", tt_hist_max(c->hist));
		for (k = 0; k < c->nrecent; k++)
			recent[k] = c->recent[(c->rnext - c->nrecent + k +
			    TT_RECENT) % TT_RECENT];
		cJSON_AddItemToObject(o, "recent", int_array(recent,
		    c->nrecent));
		b = cJSON_AddArrayToObject(o, "buckets");
		for (bi = 0; (n = tt_hist_next(c->hist, &bi)) > 0; bi++) {
			int64_t	pair[2] = { (int64_t)bi, n };

			cJSON_AddItemToArray(b, int_array(pair, 2));
		}
		cJSON_AddItemToArray(a, o);
	}
	free(v);
}

static void
dump_open(const struct tt_stats *st, cJSON *root)
{
	cJSON			*a = cJSON_AddArrayToObject(root, "open"), *o;
	const struct pend	*p;
	size_t			 i;
	char			*id;

	for (i = 0; i < st->nheap; i++) {
		p = st->heap[i];
		id = xmalloc(p->klen);
		memcpy(id, p->key + 1, p->klen - 1);
		id[p->klen - 1] = '\0';
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "source",
		    tt_source_name(p->cmd->source));
		cJSON_AddStringToObject(o, "command", p->cmd->command);
		cJSON_AddStringToObject(o, "execution_id", id);
		add_i64(o, "start_ts", p->start_ts);
		cJSON_AddItemToArray(a, o);
		free(id);
	}
}

static void
dump_days(const struct tt_stats *st, cJSON *root)
{
	cJSON			*a = cJSON_AddArrayToObject(root, "days"), *o;
	const struct day	*d;
	void			**v;
	size_t			 i, nv;

	v = sorted(&st->days, cmp_day_p, &nv);
	for (i = 0; i < nv; i++) {
		d = v[i];
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "day", d->day);
		cJSON_AddStringToObject(o, "source", tt_source_name(d->source));
		add_i64(o, "events", d->events);
		add_i64(o, "commands", d->commands);
		add_i64(o, "failures", d->failures);
		add_i64(o, "clients", d->clients);
		cJSON_AddItemToArray(a, o);
	}
	free(v);
}

static void
dump_summaries(const struct tt_stats *st, cJSON *root)
{
	cJSON			*a = cJSON_AddArrayToObject(root, "summaries");
	cJSON			*o, *counts, *pair;
	const struct summary	*s;
	void			**v;
	size_t			 i, k, nv;

	v = sorted(&st->summaries, cmp_summary_p, &nv);
	for (i = 0; i < nv; i++) {
		s = v[i];
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "day", s->day);
		cJSON_AddStringToObject(o, "source", tt_source_name(s->source));
		cJSON_AddStringToObject(o, "client", s->client_id);
		add_i64(o, "ts", s->ts);
		counts = cJSON_AddArrayToObject(o, "counts");
		for (k = 0; k < s->ncounts; k++) {
			pair = cJSON_CreateArray();
			cJSON_AddItemToArray(pair,
			    cJSON_CreateString(s->counts[k].key));
			cJSON_AddItemToArray(pair,
			    cJSON_CreateNumber(s->counts[k].value));
			cJSON_AddItemToArray(counts, pair);
		}
		cJSON_AddItemToArray(a, o);
	}
	free(v);
}

static void
dump_metrics(struct tt_stats *st, cJSON *root)
{
	cJSON			*a = cJSON_AddArrayToObject(root, "metrics");
	cJSON			*o, *r;
	struct tt_metric_stats	*m;
	size_t			 i, n = tt_stats_metrics(st, &m);
	int			 k;

	for (i = 0; i < n; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "source", tt_source_name(m[i].source));
		cJSON_AddStringToObject(o, "name", m[i].name);
		cJSON_AddStringToObject(o, "kind", m[i].kind);
		cJSON_AddStringToObject(o, "unit", m[i].unit);
		add_i64(o, "points", m[i].points);
		add_i64(o, "last_seen", m[i].last_seen);
		add_dbl(o, "last", m[i].last);
		add_dbl(o, "min", m[i].min);
		add_dbl(o, "max", m[i].max);
		r = cJSON_AddArrayToObject(o, "recent");
		for (k = 0; k < m[i].nrecent; k++)
			cJSON_AddItemToArray(r, isfinite(m[i].recent[k]) ?
			    cJSON_CreateNumber(m[i].recent[k]) :
			    cJSON_CreateNull());
		cJSON_AddItemToArray(a, o);
	}
	free(m);
}

cJSON *
tt_stats_dump(struct tt_stats *st)
{
	cJSON	*root = cJSON_CreateObject();

	add_i64(root, "orphan_after_us", st->orphan_after);
	dump_cmds(st, root);
	dump_open(st, root);
	dump_days(st, root);
	dump_summaries(st, root);
	dump_metrics(st, root);
	return root;
}

/* Is v a number an int64 holds? */
static int
in_i64(const cJSON *v)
{
	return cJSON_IsNumber(v) && v->valuedouble >= -9.2e18 &&
	    v->valuedouble <= 9.2e18;
}

/* Member k of o as an int64 (absent, null or not one: TT_NONE). */
static int64_t
get_i64(const cJSON *o, const char *k)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, k);

	return in_i64(v) ? (int64_t)v->valuedouble : TT_NONE;
}

static double
get_dbl(const cJSON *o, const char *k)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const char *
get_text(const cJSON *o, const char *k)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The source named by o's "source"; -1 when it names none. */
static int
get_source(const cJSON *o, enum tt_source *src)
{
	const char	*s = get_text(o, "source");

	return s != NULL && tt_source_parse(s, src) == 0 ? 0 : -1;
}

/* A count from a viewer's hello: 0..2^50, so that no sum of them wraps
 * (a real one is far below). */
#define RESTORE_MAX	(1LL << 50)

static int64_t
nonneg(int64_t v)
{
	return v == TT_NONE || v < 0 ? 0 : v > RESTORE_MAX ? RESTORE_MAX : v;
}

/*
 * What of count v may be added to a sum of restored counts at have: the
 * sum stays at most RESTORE_MAX too.  A hello may name a command, a day,
 * a bucket or a metric more than once, and what a dump says of the sum
 * must restore to the same, not be clamped again (2^50 and 2^50 is not
 * 2^51 then 2^50).
 */
static int64_t
room(int64_t have, int64_t v)
{
	v = nonneg(v);
	if (have >= RESTORE_MAX)
		return 0;
	return v > RESTORE_MAX - have ? RESTORE_MAX - have : v;
}

/* A time (µs) from a hello: none or before 1970 is 0. */
static int64_t
when(int64_t v)
{
	return v == TT_NONE || v < 0 ? 0 : v;
}

static void
restore_cmd(struct tt_stats *st, const cJSON *o)
{
	const cJSON	*r = cJSON_GetObjectItemCaseSensitive(o, "recent");
	const cJSON	*b = cJSON_GetObjectItemCaseSensitive(o, "buckets");
	const cJSON	*v, *i, *n;
	const char	*command = get_text(o, "command");
	struct cmd	*c;
	struct tt_hist	*h;
	enum tt_source	 src;
	int64_t		 recent[TT_RECENT];
	size_t		 bi;
	int		 nr = 0;

	if (get_source(o, &src) != 0 || command == NULL)
		return;
	cJSON_ArrayForEach(v, r) {
		if (in_i64(v) && nr < TT_RECENT)
			recent[nr++] = (int64_t)v->valuedouble;
	}
	/* restored before the open starts: all of its open are orphans yet
	 * (tt_stats_load_open makes them running) */
	c = cmd_get(st, src, command);
	h = tt_stats_load_cmd(st, src, command,
	    room(c->count, get_i64(o, "count")),
	    room(c->failures, get_i64(o, "failures")),
	    room(c->orphans, get_i64(o, "open")),
	    get_i64(o, "last_seen"), get_i64(o, "max_ms"), recent, nr);
	cJSON_ArrayForEach(v, b) {
		i = cJSON_GetArrayItem(v, 0);
		n = cJSON_GetArrayItem(v, 1);
		if (cJSON_IsNumber(i) && cJSON_IsNumber(n) &&
		    i->valuedouble >= 0 && i->valuedouble <= (double)H_LAST &&
		    n->valuedouble >= 1 &&
		    n->valuedouble <= (double)RESTORE_MAX) {
			bi = (size_t)i->valuedouble;
			tt_hist_add_bucket(h, bi, room(bi < h->nb ? h->b[bi] :
			    0, (int64_t)n->valuedouble));
		}
	}
}

static void
restore_summary(struct tt_stats *st, const cJSON *o)
{
	const char	*day = get_text(o, "day"), *client = get_text(o, "client");
	const cJSON	*counts = cJSON_GetObjectItemCaseSensitive(o, "counts");
	enum tt_source	 src;
	char		*text;

	if (get_source(o, &src) != 0 || day == NULL || client == NULL ||
	    !cJSON_IsArray(counts))
		return;
	if ((text = cJSON_PrintUnformatted(counts)) == NULL)
		fatal("out of memory");
	(void)tt_stats_load_summary(st, day, src, client,
	    when(get_i64(o, "ts")), text);
	free(text);
}

static void
restore_metric(struct tt_stats *st, const cJSON *o)
{
	const cJSON	*r = cJSON_GetObjectItemCaseSensitive(o, "recent"), *v;
	const char	*name = get_text(o, "name"), *kind = get_text(o, "kind");
	const char	*unit = get_text(o, "unit");
	double		 recent[TT_RECENT];
	enum tt_source	 src;
	int		 n = 0;

	if (get_source(o, &src) != 0 || name == NULL || kind == NULL ||
	    unit == NULL)
		return;
	cJSON_ArrayForEach(v, r) {
		if (n < TT_RECENT)
			recent[n++] = cJSON_IsNumber(v) ? v->valuedouble : NAN;
	}
	tt_stats_load_metric(st, src, name, kind, unit,
	    room(tt_metrics_points(&st->metrics, src, name),
	    get_i64(o, "points")), when(get_i64(o, "last_seen")),
	    get_dbl(o, "last"), get_dbl(o, "min"), get_dbl(o, "max"), recent,
	    n);
}

int
tt_stats_restore(struct tt_stats *st, const cJSON *root, int64_t now)
{
	const cJSON	*o;
	const char	*cmd, *id, *day;
	struct day	*d;
	enum tt_source	 src;
	int64_t		 ts;

	if (!cJSON_IsObject(root))
		return -1;
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(root,
	    "commands"))
		restore_cmd(st, o);
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(root, "open")) {
		cmd = get_text(o, "command");
		id = get_text(o, "execution_id");
		ts = get_i64(o, "start_ts");
		if (get_source(o, &src) == 0 && cmd != NULL && id != NULL &&
		    ts != TT_NONE && now - ts < st->orphan_after)
			tt_stats_load_open(st, src, cmd, id, ts);
	}
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(root, "days")) {
		day = get_text(o, "day");
		if (get_source(o, &src) != 0 || day == NULL ||
		    strlen(day) != 10)
			continue;
		d = day_get(st, day, src);
		tt_stats_load_day(st, day, src,
		    room(d->events, get_i64(o, "events")),
		    room(d->commands, get_i64(o, "commands")),
		    room(d->failures, get_i64(o, "failures")),
		    room(d->clients, get_i64(o, "clients")));
	}
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(root,
	    "summaries"))
		restore_summary(st, o);
	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(root,
	    "metrics"))
		restore_metric(st, o);
	return 0;
}
