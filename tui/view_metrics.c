/*
 * Metrics: per source and OTLP metric, from the live tt_stats: its kind
 * and unit, the points received, the last, least and greatest values, when
 * it was last seen and a sparkline of its latest values (a histogram's or
 * a summary's value is its mean).  `s` cycles the sort; Enter shows the
 * metric's points in the stream.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "tui_int.h"

enum { MSORT_NAME, MSORT_POINTS, MSORT_LAST, MSORT_COUNT };
static const char *msort_names[] = { "source and metric", "points",
    "last seen" };
static const char *msort_ids[] = { "name", "points", "last" };

int
metrics_sort_set(struct tui *t, const char *id)
{
	return tui_name_index(msort_ids, MSORT_COUNT, id, &t->metrics.sort);
}

static void
metrics_free(struct tui *t)
{
	free(t->metrics.v);
	t->metrics.v = NULL;
	t->metrics.n = 0;
}

static int	msort_key;

static int
cmp(const void *a, const void *b)
{
	const struct tt_metric_stats	*x = a, *y = b;
	int64_t				 p = 0, q = 0;

	if (msort_key == MSORT_POINTS) {
		p = x->points;
		q = y->points;
	} else if (msort_key == MSORT_LAST) {
		p = x->last_seen;
		q = y->last_seen;
	}
	if (p != q)
		return p < q ? 1 : -1;	/* larger first */
	if (x->source != y->source)
		return x->source < y->source ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void
snapshot(struct tui *t)
{
	metrics_free(t);
	t->metrics.n = tt_stats_metrics(t->host.stats, &t->metrics.v);
	msort_key = t->metrics.sort;
	qsort(t->metrics.v, t->metrics.n, sizeof *t->metrics.v, cmp);
}

/* The kind in 9 cells at most. */
static const char *
kind_text(const char *kind)
{
	if (strcmp(kind, "exponential_histogram") == 0)
		return "exp-hist";
	return kind[0] != '\0' ? kind : "-";
}

/* v in at most width cells: fewer digits until it fits; "-" for none. */
static void
value_text(double v, char *buf, size_t len, int width)
{
	int	prec;

	if (isnan(v)) {
		snprintf(buf, len, "-");
		return;
	}
	for (prec = 7; prec > 1; prec--)
		if (snprintf(buf, len, "%.*g", prec, v) <= width)
			return;
	snprintf(buf, len, "%.1g", v);
}

/* The latest values scaled for draw_spark (which scales from 0 to the
 * largest): the least becomes 1, the greatest 1000. */
static int
spark_values(const struct tt_metric_stats *m, int64_t *out)
{
	double	lo = INFINITY, hi = -INFINITY;
	int	k;

	for (k = 0; k < m->nrecent; k++) {
		if (m->recent[k] < lo)
			lo = m->recent[k];
		if (m->recent[k] > hi)
			hi = m->recent[k];
	}
	for (k = 0; k < m->nrecent; k++)
		out[k] = hi > lo ? 1 + (int64_t)((m->recent[k] - lo) /
		    (hi - lo) * 999) : 1;
	return m->nrecent;
}

static void
metrics_draw(struct tui *t, int y, int rows)
{
	struct metrics			*c = &t->metrics;
	const struct tt_metric_stats	*m;
	char				 last[16], mn[16], mx[16], seen[16];
	char				 points[24];
	int64_t				 sv[TT_RECENT];
	int				 r, w, spark, wide, fixed, x, sel;
	size_t				 i;

	snapshot(t);
	c->rows = rows - 2;
	if (c->cur >= c->n)
		c->cur = c->n > 0 ? c->n - 1 : 0;
	c->top = tui_scroll(c->top, c->cur, c->rows);

	/* source 7, the metric as wide as the widest (what is left but a
	 * sparkline of 6), kind 9, unit 8, points 7, last 9, [min 9, max 9,]
	 * seen 5, a space each, then the sparkline in the rest */
	wide = t->cols >= 110;
	for (w = 6, i = 0; i < c->n; i++)
		if (draw_width(c->v[i].name) > w)
			w = draw_width(c->v[i].name);
	fixed = 8 + 1 + 10 + 9 + 8 + 10 + (wide ? 20 : 0) + 6;
	if (w > t->cols - fixed - 6)
		w = t->cols - fixed - 6;
	if (w < 10)
		w = 10;
	spark = t->cols - fixed - w;
	if (spark > TT_RECENT)
		spark = TT_RECENT;
	x = 0;
	draw_text(y, 0, t->cols, TUI_ROLE_TITLE, "");
	draw_cell(y, &x, 7, TUI_ROLE_TITLE, "SOURCE");
	draw_cell(y, &x, w, TUI_ROLE_TITLE, "METRIC");
	draw_cell(y, &x, 9, TUI_ROLE_TITLE, "KIND");
	draw_cell(y, &x, 8, TUI_ROLE_TITLE, "UNIT");
	draw_rcell(y, &x, 7, TUI_ROLE_TITLE, "POINTS");
	draw_rcell(y, &x, 9, TUI_ROLE_TITLE, "LAST");
	draw_rcell(y, &x, wide ? 9 : 0, TUI_ROLE_TITLE, "MIN");
	draw_rcell(y, &x, wide ? 9 : 0, TUI_ROLE_TITLE, "MAX");
	draw_cell(y, &x, 5, TUI_ROLE_TITLE, "SEEN");
	draw_cell(y, &x, spark, TUI_ROLE_TITLE, "RECENT");
	if (c->n == 0)
		draw_text(y + 2, 2, t->cols - 2, TUI_ROLE_DIM, "No metrics "
		    "yet: they appear when an OpenTelemetry SDK exports "
		    "metrics (/v1/metrics, or gRPC).");
	for (r = 0, i = c->top; r < c->rows && i < c->n; r++, i++) {
		m = &c->v[i];
		sel = i == c->cur;
#define ROLE(role)	(sel ? TUI_ROLE_SELECTED : (role))
		value_text(m->last, last, sizeof last, 9);
		value_text(m->min, mn, sizeof mn, 9);
		value_text(m->max, mx, sizeof mx, 9);
		tui_clock(m->last_seen, seen, sizeof seen);
		seen[5] = '\0';	/* HH:MM */
		snprintf(points, sizeof points, "%lld", (long long)m->points);
		x = 0;
		if (sel)
			draw_text(y + 1 + r, 0, t->cols, TUI_ROLE_SELECTED, "");
		draw_cell(y + 1 + r, &x, 7, ROLE(tui_source_role(m->source)),
		    tt_source_name(m->source));
		draw_cell(y + 1 + r, &x, w, ROLE(TUI_ROLE_DEFAULT), m->name);
		draw_cell(y + 1 + r, &x, 9, ROLE(TUI_ROLE_DIM),
		    kind_text(m->kind));
		draw_cell(y + 1 + r, &x, 8, ROLE(TUI_ROLE_DIM), m->unit);
		draw_rcell(y + 1 + r, &x, 7, ROLE(TUI_ROLE_DEFAULT), points);
		draw_rcell(y + 1 + r, &x, 9, ROLE(TUI_ROLE_DEFAULT), last);
		draw_rcell(y + 1 + r, &x, wide ? 9 : 0, ROLE(TUI_ROLE_DEFAULT),
		    mn);
		draw_rcell(y + 1 + r, &x, wide ? 9 : 0, ROLE(TUI_ROLE_DEFAULT),
		    mx);
		draw_cell(y + 1 + r, &x, 5, ROLE(TUI_ROLE_DIM), seen);
		draw_spark(y + 1 + r, x, spark, sv, spark_values(m, sv),
		    TUI_ROLE_SPARK);
#undef ROLE
	}
	draw_fmt(y + rows - 1, 0, t->cols, TUI_ROLE_DIM, "%zu metrics, "
	    "sorted by %s; a histogram's value is its mean", c->n,
	    msort_names[c->sort]);
}

static void
metrics_enter(struct tui *t)
{
	snapshot(t);
}

/* The stream, filtered to the points of the metric under the cursor. */
static void
show_points(struct tui *t)
{
	const struct tt_metric_stats	*m;
	char				 q[200], text[256], *cause = NULL;

	if (t->metrics.cur >= t->metrics.n)
		return;
	m = &t->metrics.v[t->metrics.cur];
	if (tt_filter_quote(m->name, q, sizeof q) != 0) {
		tui_set_log(t, 1, "this metric's name is too long to filter on");
		return;
	}
	snprintf(text, sizeof text, "signal=metric source=%s name=%s",
	    tt_source_name(m->source), q);
	if (stream_set_filter(t, text, &cause) != 0) {
		tui_set_log(t, 1, "%s", cause);
		free(cause);
		return;
	}
	tui_show(t, V_STREAM);
}

static int
metrics_key(struct tui *t, int ch)
{
	struct metrics	*c = &t->metrics;

	switch (ch) {
	case 's':
		c->sort = (c->sort + 1) % MSORT_COUNT;
		tui_set_log(t, 0, "metrics sorted by %s", msort_names[c->sort]);
		tui_remember(t, "sort", "metrics", msort_ids[c->sort]);
		return KEY_USED;
	case '\n':
	case '\r':
	case KEY_ENTER:
		show_points(t);
		return KEY_USED;
	default:
		return tui_move_key(&c->cur, ch, c->n, c->rows);
	}
}

static void
metrics_click(struct tui *t, int row, int dbl)
{
	if (row < 1 || t->metrics.top + (size_t)row - 1 >= t->metrics.n)
		return;
	t->metrics.cur = t->metrics.top + (size_t)row - 1;
	if (dbl)
		show_points(t);
}

const struct view_ops view_metrics = {
	"Metrics",
	"Enter points  s sort  Up/Down move",
	"Enter its points in the stream  s sort",
	metrics_draw, metrics_key, metrics_enter, metrics_click,
	metrics_free
};
