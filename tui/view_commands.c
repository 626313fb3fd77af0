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
static const char *sort_names[] = { "source and command", "runs done",
    "failures", "p95", "last seen" };
/* their names in the config file */
static const char *sort_ids[] = { "name", "runs", "failures", "p95",
    "last" };

int
commands_sort_set(struct tui *t, const char *id)
{
	return tui_name_index(sort_ids, SORT_COUNT, id, &t->commands.sort);
}

static void
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

/* The commands now, sorted, those holding the text / found. */
static void
snapshot(struct tui *t)
{
	struct commands	*c = &t->commands;
	size_t		 i, n = 0;

	commands_free(t);
	c->n = tt_stats_commands(t->host.stats, tt_now_us(), &c->v);
	if (c->find[0] != '\0') {
		for (i = 0; i < c->n; i++)
			if (strcasestr(c->v[i].command, c->find) != NULL)
				c->v[n++] = c->v[i];
		c->n = n;
	}
	sort_key = c->sort;
	qsort(c->v, c->n, sizeof *c->v, cmp);
}

static void
commands_draw(struct tui *t, int y, int rows)
{
	struct commands			*c = &t->commands;
	const struct tt_cmd_stats	*s;
	char				 v[8][16];
	int				 r, w, spark, x, k, sel, last;
	size_t				 i;
	enum tui_role			 role;

	snapshot(t);
	c->rows = rows - 2;
	if (c->cur >= c->n)
		c->cur = c->n > 0 ? c->n - 1 : 0;
	c->top = tui_scroll(c->top, c->cur, c->rows);

	/*
	 * source 7, the command as wide as the widest (what is left but a
	 * sparkline of 6 at most), then the numbers, the time last seen if
	 * there is room, then the sparkline in the rest (up to TT_RECENT
	 * durations)
	 */
	for (w = 7, i = 0; i < c->n; i++)
		if (draw_width(c->v[i].command) > w)
			w = draw_width(c->v[i].command);
	if (w < 10)
		w = 10;
	/* the numbers take 52 columns, LAST 6: it goes first */
	last = 5;
	if (8 + w + 1 + 52 + 6 + 6 > t->cols)
		last = 0;
	if (8 + w + 1 + 52 + (last > 0 ? 6 : 0) + 6 > t->cols)
		w = t->cols - (8 + 1 + 52 + 6);
	if (w < 10)
		w = 10;
	spark = t->cols - (8 + w + 1 + 52 + (last > 0 ? 6 : 0));
	if (spark > TT_RECENT)
		spark = TT_RECENT;
	x = 0;
	draw_text(y, 0, t->cols, TUI_ROLE_TITLE, "");
	draw_cell(y, &x, 7, TUI_ROLE_TITLE, "SOURCE");
	draw_cell(y, &x, w, TUI_ROLE_TITLE, "COMMAND");
	draw_rcell(y, &x, 5, TUI_ROLE_TITLE, "DONE");
	draw_rcell(y, &x, 4, TUI_ROLE_TITLE, "FAIL");
	draw_rcell(y, &x, 6, TUI_ROLE_TITLE, "P50");
	draw_rcell(y, &x, 6, TUI_ROLE_TITLE, "P95");
	draw_rcell(y, &x, 6, TUI_ROLE_TITLE, "P99");
	draw_rcell(y, &x, 6, TUI_ROLE_TITLE, "MAX");
	draw_rcell(y, &x, 7, TUI_ROLE_TITLE, "RUNNING");
	draw_rcell(y, &x, 4, TUI_ROLE_TITLE, "ORPH");
	draw_cell(y, &x, last, TUI_ROLE_TITLE, "LAST");
	draw_cell(y, &x, spark, TUI_ROLE_TITLE, "RECENT");
	if (c->n == 0)
		draw_text(y + 2, 2, t->cols - 2, TUI_ROLE_DIM, c->find[0] !=
		    '\0' ? "No command holds that text (/ and an empty text "
		    "shows all)." : "No commands yet: they appear when tools "
		    "report executions.");
	for (r = 0, i = c->top; r < c->rows && i < c->n; r++, i++) {
		s = &c->v[i];
		sel = i == c->cur;
#define ROLE(role)	(sel ? TUI_ROLE_SELECTED : (role))
		snprintf(v[0], sizeof v[0], "%lld", (long long)s->count);
		snprintf(v[1], sizeof v[1], "%lld", (long long)s->failures);
		/* percentiles of fewer than 5 runs say little: Enter
		 * shows the durations themselves */
		tt_duration_text(s->with_duration >= 5 ? s->p50_ms : TT_NONE,
		    v[2], sizeof v[2]);
		tt_duration_text(s->with_duration >= 5 ? s->p95_ms : TT_NONE,
		    v[3], sizeof v[3]);
		tt_duration_text(s->with_duration >= 5 ? s->p99_ms : TT_NONE,
		    v[4], sizeof v[4]);
		tt_duration_text(s->max_ms, v[5], sizeof v[5]);
		snprintf(v[6], sizeof v[6], "%lld", (long long)s->running);
		snprintf(v[7], sizeof v[7], "%lld", (long long)s->orphans);
		x = 0;
		if (sel)
			draw_text(y + 1 + r, 0, t->cols, TUI_ROLE_SELECTED, "");
		draw_cell(y + 1 + r, &x, 7, ROLE(tui_source_role(s->source)),
		    tt_source_name(s->source));
		draw_cell(y + 1 + r, &x, w, ROLE(TUI_ROLE_DEFAULT), s->command);
		draw_rcell(y + 1 + r, &x, 5, ROLE(TUI_ROLE_DEFAULT), v[0]);
		draw_rcell(y + 1 + r, &x, 4, ROLE(s->failures > 0 ?
		    TUI_ROLE_FAIL : TUI_ROLE_DIM), v[1]);
		for (k = 2; k < 6; k++)
			draw_rcell(y + 1 + r, &x, 6, ROLE(TUI_ROLE_DEFAULT),
			    v[k]);
		role = s->running > 0 ? TUI_ROLE_WARN : TUI_ROLE_DIM;
		draw_rcell(y + 1 + r, &x, 7, ROLE(role), v[6]);
		role = s->orphans > 0 ? TUI_ROLE_WARN : TUI_ROLE_DIM;
		draw_rcell(y + 1 + r, &x, 4, ROLE(role), v[7]);
		tui_clock(s->last_seen, v[0], sizeof v[0]);
		v[0][5] = '\0';	/* HH:MM */
		draw_cell(y + 1 + r, &x, last, ROLE(TUI_ROLE_DIM), v[0]);
		draw_spark(y + 1 + r, x, spark, s->recent, s->nrecent,
		    TUI_ROLE_SPARK);
#undef ROLE
	}
	draw_fmt(y + rows - 1, 0, t->cols, TUI_ROLE_DIM, "%zu commands%s%s%s, "
	    "sorted by %s; percentiles of all runs counted (5+); Enter: its runs",
	    c->n, c->find[0] != '\0' ? " holding \"" : "", c->find,
	    c->find[0] != '\0' ? "\"" : "", sort_names[c->sort]);
}

/* Take a snapshot so keys pressed before the first draw have rows. */
static void
commands_enter(struct tui *t)
{
	snapshot(t);
}

static int
commands_key(struct tui *t, int ch)
{
	struct commands	*c = &t->commands;

	switch (ch) {
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (c->cur < c->n)
			tui_open_command(t, c->v[c->cur].source,
			    c->v[c->cur].command);
		return KEY_USED;
	case 's':
		c->sort = (c->sort + 1) % SORT_COUNT;
		tui_set_log(t, 0, "commands sorted by %s",
		    sort_names[c->sort]);
		tui_remember(t, "sort", "commands", sort_ids[c->sort]);
		return KEY_USED;
	default:
		return tui_move_key(&c->cur, ch, c->n, c->rows);
	}
}

static void
commands_click(struct tui *t, int row, int dbl)
{
	struct commands	*c = &t->commands;

	if (row < 1 || c->top + (size_t)row - 1 >= c->n)
		return;
	c->cur = c->top + (size_t)row - 1;
	if (dbl)
		tui_open_command(t, c->v[c->cur].source, c->v[c->cur].command);
}

const struct view_ops view_commands = {
	"Commands",
	"Enter runs  / find  s sort  Up/Down move",
	"Enter its runs  / find  s sort (name, runs, failures, p95)",
	commands_draw, commands_key, commands_enter, commands_click,
	commands_free
};
