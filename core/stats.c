/*
 * Timings and daily summaries, kept incrementally.
 *
 * An execution is one run of a command, keyed by source and execution_id.
 * Its start and finish may arrive in either order and more than once; each
 * counts once.  Its duration is the event's own (werf durationMs, legacy
 * DevPod processingTime) or else finish.ts - start.ts, whichever is known
 * first.  A finish with no execution_id (DevPod devpod_cli, Devsy
 * devsy_cli) is an execution without a duration.  Unfinished starts sit in
 * a min-heap by start time; a query ages the old ones into orphans, so no
 * query walks every execution.
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
#include "stats.h"
#include "xmalloc.h"

#define H_EXACT		128
#define H_SUB_BITS	6
#define H_SUB		(1 << H_SUB_BITS)

struct tt_hist {
	uint32_t	*b;
	size_t		 nb;
	int64_t		 count;
	int64_t		 max;
};

struct cmd {
	enum tt_source	 source;
	char		*command;
	int64_t		 count, failures, running, orphans, last_seen;
	struct tt_hist	*hist;
	int64_t		 recent[TT_RECENT];
	int		 rnext, nrecent;
};

struct exec {
	struct cmd	*cmd;
	int64_t		 start_ts;
	int64_t		 finish_ts;
	unsigned	 started:1, finished:1, timed:1, orphaned:1;
};

struct day {
	char		 day[11];
	enum tt_source	 source;
	int64_t		 events, commands, failures;
	struct hmap	 clients;
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
	struct hmap	 execs;
	struct hmap	 days;
	struct hmap	 summaries;
	struct exec	**heap;		/* unfinished starts, by start_ts */
	size_t		 nheap, capheap;
	int64_t		 day_start, day_end;	/* local day cache, µs */
	char		 day_cached[11];
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

void
tt_hist_add(struct tt_hist *h, int64_t v)
{
	size_t	i = bucket_of(v), n;

	if (i >= h->nb) {
		n = h->nb == 0 ? 256 : h->nb;
		while (n <= i)
			n *= 2;
		h->b = xrealloc(h->b, n * sizeof *h->b);
		memset(h->b + h->nb, 0, (n - h->nb) * sizeof *h->b);
		h->nb = n;
	}
	h->b[i]++;
	h->count++;
	if (h->max == TT_NONE || v > h->max)
		h->max = v;
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
static const char *
stats_day(struct tt_stats *st, int64_t us)
{
	if (st->day_cached[0] == '\0' || us < st->day_start ||
	    us >= st->day_end)
		day_string(us, st->day_cached, &st->day_start, &st->day_end);
	return st->day_cached;
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
		hmap_init(&d->clients);
	}
	return d;
}

/* ---- commands and executions ---- */

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

/*
 * An event's own duration in whole ms, rounded (the histograms count ms);
 * -1 for none or a negative one.  Past INT64_MAX it is INT64_MAX.
 */
static int64_t
own_ms(const struct tt_event *ev)
{
	double	d = ev->duration_ms;

	if (!(d >= 0))
		return -1;
	if (d >= 9223372036854775807.0)
		return INT64_MAX;
	return (int64_t)llround(d);
}

static void
add_duration(struct cmd *c, int64_t ms)
{
	if (ms < 0)
		return;
	tt_hist_add(c->hist, ms);
	c->recent[c->rnext] = ms;
	c->rnext = (c->rnext + 1) % TT_RECENT;
	if (c->nrecent < TT_RECENT)
		c->nrecent++;
}

static void
heap_push(struct tt_stats *st, struct exec *x)
{
	size_t		i, parent;
	struct exec	*tmp;

	if (st->nheap == st->capheap) {
		st->capheap = st->capheap == 0 ? 64 : st->capheap * 2;
		st->heap = xrealloc(st->heap, st->capheap * sizeof *st->heap);
	}
	i = st->nheap++;
	st->heap[i] = x;
	while (i > 0) {
		parent = (i - 1) / 2;
		if (st->heap[parent]->start_ts <= st->heap[i]->start_ts)
			break;
		tmp = st->heap[parent];
		st->heap[parent] = st->heap[i];
		st->heap[i] = tmp;
		i = parent;
	}
}

static void
heap_pop(struct tt_stats *st)
{
	size_t		i = 0, l, r, m;
	struct exec	*tmp;

	st->heap[0] = st->heap[--st->nheap];
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
		tmp = st->heap[m];
		st->heap[m] = st->heap[i];
		st->heap[i] = tmp;
		i = m;
	}
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

/* Starts older than the orphan timeout become orphans. */
static void
age(struct tt_stats *st, int64_t now)
{
	struct exec	*x;
	int64_t		 limit;

	/* orphan_after > 0: now - it only wraps below every start. */
	if (__builtin_sub_overflow(now, st->orphan_after, &limit))
		return;
	while (st->nheap > 0 && st->heap[0]->start_ts <= limit) {
		x = st->heap[0];
		heap_pop(st);
		if (x->finished || x->orphaned)
			continue;
		x->orphaned = 1;
		x->cmd->running--;
		x->cmd->orphans++;
	}
}

static int
failed(const struct tt_event *ev)
{
	return (ev->exit_code != TT_NONE && ev->exit_code != 0) ||
	    (ev->error != NULL && ev->error[0] != '\0');
}

/* A finished execution: count it where it belongs. */
static void
finished(struct tt_stats *st, struct cmd *c, const struct tt_event *ev)
{
	struct day	*d;

	c->count++;
	d = day_get(st, stats_day(st, ev->ts), ev->source);
	d->commands++;
	if (failed(ev)) {
		c->failures++;
		d->failures++;
	}
}

static void
execution(struct tt_stats *st, const struct tt_event *ev, const char *command)
{
	struct exec	**slot, *x;
	char		  key[128], *heap;
	size_t		  n;

	n = key_make(key, sizeof key, ev->source, ev->execution_id, NULL,
	    &heap);
	slot = (struct exec **)hmap_put(&st->execs, heap != NULL ? heap : key,
	    n);
	free(heap);
	/* An execution belongs to the command its first event named. */
	if ((x = *slot) == NULL) {
		x = *slot = xcalloc(1, sizeof *x);
		x->cmd = cmd_get(st, ev->source, command);
	}
	if (ev->ts > x->cmd->last_seen)
		x->cmd->last_seen = ev->ts;
	if (ev->phase == TT_PHASE_START) {
		if (x->started)
			return;		/* a duplicate */
		x->started = 1;
		x->start_ts = ev->ts;
		if (x->finished) {	/* the finish came first */
			if (!x->timed &&
			    span_ms(x->start_ts, x->finish_ts) >= 0) {
				add_duration(x->cmd, span_ms(x->start_ts,
				    x->finish_ts));
				x->timed = 1;
			}
			return;
		}
		x->cmd->running++;
		heap_push(st, x);
		return;
	}
	if (x->finished)
		return;			/* a duplicate */
	x->finished = 1;
	x->finish_ts = ev->ts;
	finished(st, x->cmd, ev);
	if (x->started) {
		if (x->orphaned)
			x->cmd->orphans--;
		else
			x->cmd->running--;
	}
	if (ev->duration_ms != TT_NONE) {
		add_duration(x->cmd, own_ms(ev));
		x->timed = 1;
	} else if (x->started && span_ms(x->start_ts, ev->ts) >= 0) {
		add_duration(x->cmd, span_ms(x->start_ts, ev->ts));
		x->timed = 1;
	}
}

/* ---- Devtron Summary ---- */

/* Numeric members of o, keys as sent ('$' keys are PostHog's own). */
static void
summary_counts(struct summary *s, const cJSON *o)
{
	const cJSON	*m;

	cJSON_ArrayForEach(m, o) {
		if (!cJSON_IsNumber(m) || m->string == NULL ||
		    m->string[0] == '$')
			continue;
		s->counts = xrealloc(s->counts, (s->ncounts + 1) *
		    sizeof *s->counts);
		s->counts[s->ncounts].key = xstrdup(m->string);
		s->counts[s->ncounts].value = m->valuedouble;
		s->ncounts++;
	}
}

static void
summary_free_counts(struct summary *s)
{
	size_t	i;

	for (i = 0; i < s->ncounts; i++)
		free((void *)(uintptr_t)s->counts[i].key);
	free(s->counts);
	s->counts = NULL;
	s->ncounts = 0;
}

/*
 * Devtron's Summary: the documented nested properties.summary{...}, or
 * the flat counts Devtron sends today.  The latest per client and day wins.
 */
static void
summary_add(struct tt_stats *st, const struct tt_event *ev)
{
	struct summary	**slot, *s;
	cJSON		 *root;
	const cJSON	 *props, *nested;
	const char	 *day, *client;
	char		  key[256], *heap;
	size_t		  n;

	if (ev->data == NULL ||
	    (root = cJSON_ParseWithLength(ev->data, ev->data_len)) == NULL)
		return;
	props = cJSON_GetObjectItemCaseSensitive(root, "properties");
	if (!cJSON_IsObject(props)) {
		cJSON_Delete(root);
		return;
	}
	day = stats_day(st, ev->ts);
	client = ev->client_id != NULL ? ev->client_id : "";
	n = key_make(key, sizeof key, ev->source, day, client, &heap);
	slot = (struct summary **)hmap_put(&st->summaries,
	    heap != NULL ? heap : key, n);
	free(heap);
	if ((s = *slot) == NULL) {
		s = *slot = xcalloc(1, sizeof *s);
		memcpy(s->day, day, 11);
		s->source = ev->source;
		s->client_id = xstrdup(client);
	} else if (ev->ts < s->ts) {
		cJSON_Delete(root);
		return;
	}
	summary_free_counts(s);
	s->ts = ev->ts;
	nested = cJSON_GetObjectItemCaseSensitive(props, "summary");
	summary_counts(s, cJSON_IsObject(nested) ? nested : props);
	cJSON_Delete(root);
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
	hmap_init(&st->days);
	hmap_init(&st->summaries);
	return st;
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

	hmap_clear(&d->clients, NULL);
	free(d);
}

static void
free_summary(void *p)
{
	struct summary	*s = p;

	summary_free_counts(s);
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
	hmap_clear(&st->days, free_day);
	hmap_clear(&st->summaries, free_summary);
	free(st->heap);
	free(st);
}

void
tt_stats_add(struct tt_stats *st, const struct tt_event *ev)
{
	struct day	*d;
	struct cmd	*c;
	const char	*command;

	d = day_get(st, stats_day(st, ev->ts), ev->source);
	d->events++;
	if (ev->client_id != NULL && ev->client_id[0] != '\0')
		(void)hmap_put(&d->clients, ev->client_id,
		    strlen(ev->client_id));
	if (ev->source == TT_SRC_DEVTRON && ev->name != NULL &&
	    strcmp(ev->name, "Summary") == 0)
		summary_add(st, ev);
	if (ev->phase == TT_PHASE_POINT)
		return;
	command = ev->command != NULL ? ev->command :
	    ev->name != NULL ? ev->name : "(unnamed)";
	if (ev->execution_id != NULL && ev->execution_id[0] != '\0') {
		execution(st, ev, command);
		return;
	}
	c = cmd_get(st, ev->source, command);
	if (ev->ts > c->last_seen)
		c->last_seen = ev->ts;
	/* No id to pair by: a finish is a whole execution, a start is not. */
	if (ev->phase == TT_PHASE_FINISH) {
		finished(st, c, ev);
		if (ev->duration_ms != TT_NONE)
			add_duration(c, own_ms(ev));
	}
}

/* ---- snapshots ---- */

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
		a[n].clients = (int64_t)d->clients.n;
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
