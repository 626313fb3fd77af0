/*
 * Metrics: what the points of each OTLP metric add up to, per source and
 * metric name (struct tt_metric_stats), for the Metrics view and `teltop
 * stats`.  A point is read from its event's JSON text as the decoders
 * wrote it (core/formats/otlpsig.c: "kind", "unit", "value" or "count"
 * and "sum"), so the store, reading an event back, gets what the decoder
 * gave.  The model is part of tt_stats (stats.c calls in here).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "metrics.h"
#include "xmalloc.h"

struct metric {
	struct tt_metric_stats	 s;	/* its strings are the three below */
	char			*name, *kind, *unit;
};

static const char *
json_text(const cJSON *o, const char *key)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static double
json_num(const cJSON *o, const char *key)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) && isfinite(v->valuedouble) ?
	    v->valuedouble : NAN;
}

int
tt_metric_point(const struct tt_event *ev, struct tt_stats_delta *d)
{
	cJSON		*root;
	const char	*name;
	double		 v, n;

	if (strcmp(tt_signal_of(ev->format), "metric") != 0 ||
	    ev->data == NULL ||
	    (root = cJSON_ParseWithLength(ev->data, ev->data_len)) == NULL)
		return -1;
	name = ev->name != NULL ? ev->name : json_text(root, "name");
	if (!cJSON_IsObject(root) || name[0] == '\0') {
		cJSON_Delete(root);
		return -1;
	}
	if (isnan(v = json_num(root, "value"))) {
		n = json_num(root, "count");
		v = n > 0 ? json_num(root, "sum") / n : NAN;
	}
	free(d->metric);
	free(d->metric_kind);
	free(d->metric_unit);
	d->metric = xstrdup(name);
	d->metric_kind = xstrdup(json_text(root, "kind"));
	d->metric_unit = xstrdup(json_text(root, "unit"));
	d->metric_value = isfinite(v) ? v : NAN;
	cJSON_Delete(root);
	return 0;
}

/* ---- the model ---- */

void
tt_metrics_init(struct hmap *m)
{
	hmap_init(m);
}

static void
free_metric(void *p)
{
	struct metric	*m = p;

	free(m->name);
	free(m->kind);
	free(m->unit);
	free(m);
}

void
tt_metrics_clear(struct hmap *m)
{
	hmap_clear(m, free_metric);
}

/* The key of (src, name): the source as a byte, then the name.  Caller
 * frees. */
static char *
metric_key(enum tt_source src, const char *name, size_t *klen)
{
	size_t	 len = strlen(name);
	char	*key = xmalloc(len + 1);

	key[0] = (char)('A' + (int)src);
	memcpy(key + 1, name, len);
	*klen = len + 1;
	return key;
}

static struct metric *
metric_get(struct hmap *map, enum tt_source src, const char *name)
{
	struct metric	**slot, *m;
	size_t		  klen;
	char		 *key = metric_key(src, name, &klen);

	slot = (struct metric **)hmap_put(map, key, klen);
	free(key);
	if ((m = *slot) == NULL) {
		m = *slot = xcalloc(1, sizeof *m);
		m->s.source = src;
		m->s.name = m->name = xstrdup(name);
		m->s.kind = m->kind = xstrdup("");
		m->s.unit = m->unit = xstrdup("");
		m->s.last_seen = TT_NONE;
		m->s.last = m->s.min = m->s.max = NAN;
	}
	return m;
}

int64_t
tt_metrics_points(const struct hmap *map, enum tt_source src,
    const char *name)
{
	const struct metric	*m;
	size_t			 klen;
	char			*key = metric_key(src, name, &klen);

	m = hmap_get(map, key, klen);
	free(key);
	return m != NULL ? m->s.points : 0;
}

/* The metric's kind and unit are those of its latest point. */
static void
set_text(char **own, const char **field, const char *v)
{
	if (v == NULL || strcmp(*own, v) == 0)
		return;
	free(*own);
	*field = *own = xstrdup(v);
}

static void
push_recent(struct tt_metric_stats *s, double v)
{
	if (s->nrecent == TT_RECENT)
		memmove(s->recent, s->recent + 1,
		    (TT_RECENT - 1) * sizeof *s->recent);
	else
		s->nrecent++;
	s->recent[s->nrecent - 1] = v;
}

void
tt_metric_stats_add(struct tt_metric_stats *s, int64_t ts, double v)
{
	s->points++;
	if (ts != TT_NONE && (s->last_seen == TT_NONE || ts > s->last_seen))
		s->last_seen = ts;
	if (isnan(v))
		return;
	s->last = v;
	if (isnan(s->min) || v < s->min)
		s->min = v;
	if (isnan(s->max) || v > s->max)
		s->max = v;
	push_recent(s, v);
}

void
tt_metrics_apply(struct hmap *map, const struct tt_stats_delta *d)
{
	struct metric	*m;

	if (d->metric == NULL)
		return;
	m = metric_get(map, d->source, d->metric);
	set_text(&m->kind, &m->s.kind, d->metric_kind);
	set_text(&m->unit, &m->s.unit, d->metric_unit);
	tt_metric_stats_add(&m->s, d->ts, d->metric_value);
}

void
tt_metrics_load(struct hmap *map, const struct tt_metric_stats *row)
{
	struct metric	*m = metric_get(map, row->source, row->name);
	int		 k;

	set_text(&m->kind, &m->s.kind, row->kind);
	set_text(&m->unit, &m->s.unit, row->unit);
	m->s.points += row->points;
	if (row->last_seen != TT_NONE && (m->s.last_seen == TT_NONE ||
	    row->last_seen > m->s.last_seen))
		m->s.last_seen = row->last_seen;
	if (!isnan(row->last))
		m->s.last = row->last;
	if (!isnan(row->min) && (isnan(m->s.min) || row->min < m->s.min))
		m->s.min = row->min;
	if (!isnan(row->max) && (isnan(m->s.max) || row->max > m->s.max))
		m->s.max = row->max;
	for (k = 0; k < row->nrecent; k++)
		push_recent(&m->s, row->recent[k]);
}

static int
cmp_metric(const void *a, const void *b)
{
	const struct tt_metric_stats	*x = a, *y = b;

	if (x->source != y->source)
		return (int)x->source - (int)y->source;
	return strcmp(x->name, y->name);
}

size_t
tt_metrics_snapshot(const struct hmap *map, struct tt_metric_stats **out)
{
	struct tt_metric_stats	*a;
	size_t			 i, n = 0;

	a = xcalloc(map->n > 0 ? map->n : 1, sizeof *a);
	for (i = 0; i < map->cap; i++)
		if (map->slots[i].key != NULL)
			a[n++] = ((struct metric *)map->slots[i].value)->s;
	qsort(a, n, sizeof *a, cmp_metric);
	*out = a;
	return n;
}
