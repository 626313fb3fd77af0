/*
 * Commands: per source and command, from the live tt_stats: runs,
 * failures, p50/p95/p99/max, running, orphans, last seen and a sparkline
 * of the latest durations.  A snapshot is taken at each draw (frames are
 * paced, so at most ~30 a second).  `s` cycles the sort.
 */
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "core/decode.h"
#include "tui_int.h"

enum { SORT_NAME, SORT_RUNS, SORT_FAIL, SORT_P95, SORT_LAST, SORT_COUNT };
static const char *sort_names[] = { "source and command", "runs",
    "failures", "p95", "last seen" };

void
commands_free(struct tui *t)
{
	free(t->commands.v);
	t->commands.v = NULL;
	t->commands.n = 0;
}

static int	sort_key;

static int
cmp_i64(int64_t a, int64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0;	/* larger first */
}

static int
cmp(const void *a, const void *b)
{
	const struct tt_cmd_stats	*x = a, *y = b;
	int				 c = 0;

	switch (sort_key) {
	case SORT_RUNS:
		c = cmp_i64(x->count, y->count);
		break;
	case SORT_FAIL:
		c = cmp_i64(x->failures, y->failures);
		break;
	case SORT_P95:
		c = cmp_i64(x->p95_ms, y->p95_ms);
		break;
	case SORT_LAST:
		c = cmp_i64(x->last_seen, y->last_seen);
		break;
	default:
		break;
	}
	if (c != 0)
		return c;
	if (x->source != y->source)
		return x->source < y->source ? -1 : 1;
	return strcmp(x->command, y->command);
}

static void
commands_draw(struct tui *t, int y, int rows)
{
	struct commands			*c = &t->commands;
	const struct tt_cmd_stats	*s;
	char				 p50[16], p95[16], p99[16], mx[16];
	char				 last[16];
	int				 r, w, spark, x;
	size_t				 i;

	commands_free(t);
	c->n = tt_stats_commands(t->host.stats, tt_now_us(), &c->v);
	sort_key = c->sort;
	qsort(c->v, c->n, sizeof *c->v, cmp);
	c->rows = rows - 2;
	if (c->cur >= c->n)
		c->cur = c->n > 0 ? c->n - 1 : 0;
	c->top = tui_scroll(c->top, c->cur, c->rows);

	/* source 7, command w, then fixed columns, then the sparkline */
	spark = t->cols >= 100 ? 20 : 6;
	w = t->cols - (9 + 50 + spark);
	if (w < 10)
		w = 10;
	draw_fmt(y, 0, t->cols, TUI_ROLE_TITLE, "%-7s %-*s %5s %4s %5s %5s "
	    "%5s %5s %3s %4s %-5s %s", "SOURCE", w, "COMMAND", "RUNS", "FAIL",
	    "P50", "P95", "P99", "MAX", "RUN", "ORPH", "LAST", "RECENT");
	if (c->n == 0)
		draw_text(y + 2, 2, t->cols - 2, TUI_ROLE_DIM, "No commands "
		    "yet: they appear when tools report executions.");
	for (r = 0, i = c->top; r < c->rows && i < c->n; r++, i++) {
		s = &c->v[i];
		tui_duration(s->p50_ms, p50, sizeof p50);
		tui_duration(s->p95_ms, p95, sizeof p95);
		tui_duration(s->p99_ms, p99, sizeof p99);
		tui_duration(s->max_ms, mx, sizeof mx);
		tui_clock(s->last_seen, last, sizeof last);
		last[5] = '\0';	/* HH:MM */
		if (i == c->cur) {
			draw_fmt(y + 1 + r, 0, 9 + w + 50, TUI_ROLE_SELECTED,
			    "%-7s %-*.*s %5lld %4lld %5s %5s %5s %5s %3lld "
			    "%4lld %-5s", tt_source_name(s->source), w, w,
			    s->command, (long long)s->count,
			    (long long)s->failures, p50, p95, p99, mx,
			    (long long)s->running, (long long)s->orphans,
			    last);
		} else {
			draw_text(y + 1 + r, 0, 7, tui_source_role(s->source),
			    tt_source_name(s->source));
			draw_fmt(y + 1 + r, 8, w, TUI_ROLE_DEFAULT, "%s",
			    s->command);
			x = 9 + w;
			draw_fmt(y + 1 + r, x, 6, TUI_ROLE_DEFAULT, "%5lld",
			    (long long)s->count);
			draw_fmt(y + 1 + r, x + 6, 5, s->failures > 0 ?
			    TUI_ROLE_FAIL : TUI_ROLE_DIM, "%4lld",
			    (long long)s->failures);
			draw_fmt(y + 1 + r, x + 11, 24, TUI_ROLE_DEFAULT,
			    "%5s %5s %5s %5s", p50, p95, p99, mx);
			draw_fmt(y + 1 + r, x + 35, 4, s->running > 0 ?
			    TUI_ROLE_WARN : TUI_ROLE_DIM, "%3lld",
			    (long long)s->running);
			draw_fmt(y + 1 + r, x + 39, 5, s->orphans > 0 ?
			    TUI_ROLE_WARN : TUI_ROLE_DIM, "%4lld",
			    (long long)s->orphans);
			draw_fmt(y + 1 + r, x + 44, 6, TUI_ROLE_DIM, "%-5s",
			    last);
		}
		draw_spark(y + 1 + r, 9 + w + 50, spark, s->recent,
		    s->nrecent, TUI_ROLE_SPARK);
	}
	draw_fmt(y + rows - 1, 0, t->cols, TUI_ROLE_DIM, "%zu commands, "
	    "sorted by %s; durations are the tools' own or finish minus "
	    "start", c->n, sort_names[c->sort]);
}

/* Take a snapshot so keys pressed before the first draw have rows. */
static void
commands_enter(struct tui *t)
{
	commands_free(t);
	t->commands.n = tt_stats_commands(t->host.stats, tt_now_us(),
	    &t->commands.v);
}

static int
commands_key(struct tui *t, int ch)
{
	struct commands	*c = &t->commands;

	switch (ch) {
	case 's':
		c->sort = (c->sort + 1) % SORT_COUNT;
		tui_set_log(t, 0, "commands sorted by %s",
		    sort_names[c->sort]);
		return KEY_USED;
	default:
		return tui_move_key(&c->cur, ch, c->n, c->rows);
	}
}

static void
commands_click(struct tui *t, int row, int dbl)
{
	(void)dbl;
	if (row >= 1 && t->commands.top + (size_t)row - 1 < t->commands.n)
		t->commands.cur = t->commands.top + (size_t)row - 1;
}

const struct view_ops view_commands = {
	"Commands",
	"s sort  Up/Down move",
	commands_draw, commands_key, commands_enter, commands_click
};
