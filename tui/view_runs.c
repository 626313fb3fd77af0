/*
 * A command's runs, opened with Enter on a row of Commands: what the stats
 * say of it (runs, failures, the percentiles and how many runs they rest
 * on; fewer than PCT_MIN timed runs show their durations instead), a
 * histogram of its durations in log-scale buckets with p50/p95/p99
 * marked, and its runs (finishes) newest first, or slowest first with s,
 * each with its outcome and error.  Enter on a run opens its finish in
 * Detail with its start under it.  The runs are the latest RUNS_MAX
 * finishes, read again when the command has run since.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "core/decode.h"
#include "core/xmalloc.h"
#include "tui_int.h"

#define RUNS_MAX	2000
#define PCT_MIN		5	/* timed runs a percentile needs */
#define HIST_ROWS	8	/* histogram lines at most */

static void
runs_free(struct tui *t)
{
	struct runs	*r = &t->runs;
	size_t		 i;

	for (i = 0; i < r->n; i++)
		tt_event_clear(&r->v[i]);
	free(r->v);
	free(r->command);
	memset(r, 0, sizeof *r);
}

static int
run_add(void *arg, const struct tt_event *ev)
{
	struct runs	*r = arg;

	if (r->n == r->cap) {
		r->cap = r->cap == 0 ? 256 : r->cap * 2;
		r->v = xrealloc(r->v, r->cap * sizeof *r->v);
	}
	tt_event_copy(&r->v[r->n++], ev, 0);
	return 0;
}

static int
newest_first(const void *a, const void *b)
{
	const struct tt_event	*x = a, *y = b;

	return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

static int
slowest_first(const void *a, const void *b)
{
	const struct tt_event	*x = a, *y = b;
	double			 dx = x->duration_ms, dy = y->duration_ms;

	if (dx != dy)
		return dx < dy ? 1 : -1;	/* TT_NONE is the least */
	return newest_first(a, b);
}

static void
sort_runs(struct runs *r)
{
	qsort(r->v, r->n, sizeof *r->v, r->slowest ? slowest_first :
	    newest_first);
}

/* The command's stats now; 0 if it has none (yet). */
static int
command_stats(struct tui *t, struct tt_cmd_stats *out)
{
	struct tt_cmd_stats	*v;
	size_t			 n, i;
	int			 found = 0;

	n = tt_stats_commands(t->host.stats, tt_now_us(), &v);
	for (i = 0; i < n && !found; i++)
		if (v[i].source == t->runs.source &&
		    strcmp(v[i].command, t->runs.command) == 0) {
			*out = v[i];
			found = 1;
		}
	free(v);
	return found;
}

/*
 * Read the runs: the finishes naming the command, else (a command counted
 * under its event name) those of that name without one.
 */
static void
load(struct tui *t)
{
	struct runs		*r = &t->runs;
	struct tt_counters	 c;
	char			 q[300], filter[400], *cause = NULL;
	size_t			 i, tries;

	for (i = 0; i < r->n; i++)
		tt_event_clear(&r->v[i]);
	r->n = 0;
	r->evicted = 0;
	if (t->host.counters != NULL) {
		t->host.counters(t->host.arg, &c);
		r->evicted = c.v[TT_CTR_EVICTED];
	}
	if (tt_filter_quote(r->command, q, sizeof q) != 0) {
		tui_set_log(t, 1, "this command's name is too long to look its "
		    "runs up");
		return;
	}
	for (tries = 0; tries < 2 && r->n == 0; tries++) {
		snprintf(filter, sizeof filter, tries == 0 ?
		    "source=%s phase=finish command=%s" :
		    "source=%s phase=finish command= name=%s",
		    tt_source_name(r->source), q);
		if (t->host.history(t->host.arg, filter, 0, 0, RUNS_MAX, run_add,
		    r, &cause) != 0) {
			tui_set_log(t, 1, "runs: %s", cause);
			free(cause);
			return;
		}
	}
	sort_runs(r);
}

void
tui_open_command(struct tui *t, enum tt_source source, const char *command)
{
	struct tt_cmd_stats	 cs;

	runs_free(t);
	t->runs.source = source;
	t->runs.command = xstrdup(command);
	load(t);
	t->runs.count = command_stats(t, &cs) ? cs.count : 0;
	tui_show(t, V_RUNS);
}

/* ---- the histogram ---- */

/* Bucket edges in ms: 1, 2, 5, 10, 20, 50, ... */
static double
edge(int i)
{
	static const double	m[3] = { 1, 2, 5 };
	double			 v = m[i % 3];
	int			 k;

	for (k = 0; k < i / 3; k++)
		v *= 10;
	return v;
}

static int
bucket_of(double ms)
{
	int	i;

	for (i = 0; i < 60 && ms >= edge(i + 1); i++)
		;
	return i;
}

/*
 * The durations as bars, one a bucket from the least to the greatest
 * (merged two by two until they fit in rows), the buckets of p50, p95
 * and p99 marked; returns the lines drawn.
 */
static int
draw_hist(struct tui *t, int y, int rows, const struct tt_cmd_stats *cs)
{
	struct runs	*r = &t->runs;
	int64_t		 count[64];
	char		 lo[16], hi[16], label[48], mark[32], num[16];
	int		 b0 = 64, b1 = -1, b, step = 1, i, k, line = 0;
	int64_t		 max = 0, c;
	size_t		 j;

	if (rows <= 0)
		return 0;
	memset(count, 0, sizeof count);
	for (j = 0; j < r->n; j++) {
		if (r->v[j].duration_ms == TT_NONE || r->v[j].duration_ms < 0)
			continue;
		b = bucket_of(r->v[j].duration_ms);
		count[b]++;
		if (b < b0)
			b0 = b;
		if (b > b1)
			b1 = b;
	}
	if (b1 < 0)
		return 0;
	while ((b1 - b0) / step + 1 > rows)
		step *= 2;
	for (b = b0; b <= b1; b += step) {
		for (c = 0, k = 0; k < step && b + k < 64; k++)
			c += count[b + k];
		if (c > max)
			max = c;
	}
	for (b = b0; b <= b1 && line < rows; b += step, line++) {
		for (c = 0, k = 0; k < step && b + k < 64; k++)
			c += count[b + k];
		tt_duration_text(b == 0 ? 0 : edge(b), lo, sizeof lo);
		tt_duration_text(edge(b + step), hi, sizeof hi);
		snprintf(label, sizeof label, "%6s-%-6s", lo, hi);
		mark[0] = '\0';
		for (i = 0; i < 3; i++) {
			int64_t	p = i == 0 ? cs->p50_ms : i == 1 ?
				    cs->p95_ms : cs->p99_ms;

			if (cs->with_duration >= PCT_MIN && p != TT_NONE &&
			    bucket_of((double)p) >= b &&
			    bucket_of((double)p) < b + step)
				snprintf(mark + strlen(mark), sizeof mark -
				    strlen(mark), " p%d", i == 0 ? 50 :
				    i == 1 ? 95 : 99);
		}
		snprintf(num, sizeof num, "%lld", (long long)c);
		draw_text(y + line, 0, 14, TUI_ROLE_DIM, label);
		draw_bar(y + line, 14, t->cols - 14 - 24, (double)c,
		    (double)max, TUI_ROLE_BAR);
		draw_fmt(y + line, t->cols - 24, 24, TUI_ROLE_WARN, " %6s%s",
		    num, mark);
	}
	return line;
}

/* ---- the view ---- */

/* When a run finished: the time today, else the day and the time. */
static void
finished(int64_t us, char *buf, size_t len)
{
	time_t		s = (time_t)(us / 1000000), now = time(NULL);
	struct tm	tm, today;

	if (us <= 0 || localtime_r(&s, &tm) == NULL ||
	    localtime_r(&now, &today) == NULL) {
		snprintf(buf, len, "-");
		return;
	}
	strftime(buf, len, tm.tm_yday == today.tm_yday && tm.tm_year ==
	    today.tm_year ? "%H:%M:%S" : "%m-%d %H:%M", &tm);
}

static void
summary(struct tui *t, int y, const struct tt_cmd_stats *cs, int have)
{
	struct runs	*r = &t->runs;
	char		 line[512], d[4][16], v[16];
	size_t		 j, k = 0;

	snprintf(line, sizeof line, "%s  %s  %lld done, %lld failed, %lld "
	    "running", r->command, tt_source_name(r->source),
	    (long long)(have ? cs->count : 0),
	    (long long)(have ? cs->failures : 0),
	    (long long)(have ? cs->running : 0));
	/* retention took some runs' events; the counts keep them */
	if (have && r->evicted > 0 && (int64_t)r->n < cs->count &&
	    r->n < RUNS_MAX)
		snprintf(line + strlen(line), sizeof line - strlen(line),
		    "; %zu kept as events, older ones evicted", r->n);
	draw_text(y, 0, t->cols, TUI_ROLE_TITLE, line);
	if (!have || cs->with_duration == 0) {
		draw_text(y + 1, 0, t->cols, TUI_ROLE_DIM, "no durations: "
		    "the tool sends none, or no run has finished");
		return;
	}
	if (cs->with_duration >= PCT_MIN) {
		tt_duration_text(cs->p50_ms, d[0], sizeof d[0]);
		tt_duration_text(cs->p95_ms, d[1], sizeof d[1]);
		tt_duration_text(cs->p99_ms, d[2], sizeof d[2]);
		tt_duration_text(cs->max_ms, d[3], sizeof d[3]);
		snprintf(line, sizeof line, "p50 %s  p95 %s  p99 %s  max %s  "
		    "(n=%lld timed runs: %s)", d[0], d[1], d[2], d[3],
		    (long long)cs->with_duration, r->evicted > 0 ?
		    "every one counted, evicted ones too" :
		    "every one counted");
	} else {
		/* too few for percentiles: the durations themselves */
		snprintf(line, sizeof line, "durations (n=%lld):",
		    (long long)cs->with_duration);
		for (j = 0; j < r->n && k < (size_t)cs->with_duration; j++) {
			if (r->v[j].duration_ms == TT_NONE)
				continue;
			tt_duration_text(r->v[j].duration_ms, v, sizeof v);
			snprintf(line + strlen(line), sizeof line -
			    strlen(line), " %s", v);
			k++;
		}
	}
	draw_text(y + 1, 0, t->cols, TUI_ROLE_DEFAULT, line);
}

static void
runs_draw(struct tui *t, int y, int rows)
{
	struct runs		*r = &t->runs;
	struct tt_cmd_stats	 cs;
	const struct tt_event	*ev;
	char			 when[32], dur[16], err[256], exit[24];
	const char		*out;
	enum tui_role		 role;
	int			 have, h, i, x, sel, list;
	size_t			 j;

	if (r->command == NULL) {
		draw_text(y, 0, t->cols, TUI_ROLE_DIM, "No command selected.");
		return;
	}
	have = command_stats(t, &cs);
	if (have && cs.count != r->count) {	/* it ran since */
		r->count = cs.count;
		load(t);
	}
	summary(t, y, &cs, have);
	h = rows >= 16 ? HIST_ROWS : rows >= 10 ? 3 : 0;
	h = have && cs.with_duration > 0 ? draw_hist(t, y + 2, h, &cs) : 0;
	list = rows - 3 - h - 1;
	r->rows = list > 0 ? list : 1;
	r->first_row = 3 + h;
	x = 0;
	draw_text(y + 2 + h, 0, t->cols, TUI_ROLE_TITLE, "");
	draw_cell(y + 2 + h, &x, 11, TUI_ROLE_TITLE, "FINISHED");
	draw_rcell(y + 2 + h, &x, 7, TUI_ROLE_TITLE, "DUR");
	draw_cell(y + 2 + h, &x, 9, TUI_ROLE_TITLE, "OUTCOME");
	draw_cell(y + 2 + h, &x, 20, TUI_ROLE_TITLE, "CLIENT");
	draw_text(y + 2 + h, x, t->cols - x, TUI_ROLE_TITLE, "ERROR");
	if (r->cur >= r->n)
		r->cur = r->n > 0 ? r->n - 1 : 0;
	r->top = tui_scroll(r->top, r->cur, r->rows);
	if (r->n == 0)
		draw_text(y + 4 + h, 2, t->cols - 2, TUI_ROLE_DIM, "No run of "
		    "this command is stored (opted out, or not kept).");
	for (i = 0, j = r->top; i < list && j < r->n; i++, j++) {
		ev = &r->v[j];
		sel = j == r->cur;
#define ROLE(role)	(sel ? TUI_ROLE_SELECTED : (role))
		finished(ev->ts, when, sizeof when);
		tt_duration_text(ev->duration_ms, dur, sizeof dur);
		if ((ev->exit_code != TT_NONE && ev->exit_code != 0) ||
		    (ev->error != NULL && ev->error[0] != '\0')) {
			role = TUI_ROLE_FAIL;
			if (ev->exit_code != TT_NONE && ev->exit_code != 0) {
				snprintf(exit, sizeof exit, "exit %lld",
				    (long long)ev->exit_code);
				if (strlen(exit) > 9)
					snprintf(exit, sizeof exit, "x%lld",
					    (long long)ev->exit_code);
				out = exit;
			} else
				out = "error";
		} else {
			role = TUI_ROLE_SUCCESS;
			out = "ok";
		}
		snprintf(err, sizeof err, "%.*s", ev->error != NULL ?
		    (int)strcspn(ev->error, "\r\n") : 0,
		    ev->error != NULL ? ev->error : "");
		x = 0;
		if (sel)
			draw_text(y + 3 + h + i, 0, t->cols, TUI_ROLE_SELECTED,
			    "");
		draw_cell(y + 3 + h + i, &x, 11, ROLE(TUI_ROLE_DIM), when);
		draw_rcell(y + 3 + h + i, &x, 7, ROLE(TUI_ROLE_DEFAULT), dur);
		draw_cell(y + 3 + h + i, &x, 9, ROLE(role), out);
		draw_cell(y + 3 + h + i, &x, 20, ROLE(TUI_ROLE_DIM),
		    ev->client_id);
		draw_text(y + 3 + h + i, x, t->cols - x, ROLE(TUI_ROLE_FAIL),
		    err);
#undef ROLE
	}
	draw_fmt(y + rows - 1, 0, t->cols, TUI_ROLE_DIM, "%zu run%s%s, %s "
	    "first", r->n, r->n == 1 ? "" : "s", r->n == RUNS_MAX ?
	    " (the latest)" : "", r->slowest ? "slowest" : "newest");
}

/* The run under the cursor: its finish, with its start if stored. */
static void
open_run(struct tui *t)
{
	struct runs	*r = &t->runs;
	struct runs	 start;
	char		 q[300], filter[400], *cause = NULL;
	int64_t		 start_id = 0;

	if (r->n == 0)
		return;
	memset(&start, 0, sizeof start);
	if (r->v[r->cur].execution_id != NULL &&
	    r->v[r->cur].execution_id[0] != '\0') {
		/* an id too long to look up: the finish alone */
		if (tt_filter_quote(r->v[r->cur].execution_id, q,
		    sizeof q) == 0) {
			snprintf(filter, sizeof filter, "source=%s phase=start "
			    "execution_id=%s", tt_source_name(r->source), q);
			if (t->host.history(t->host.arg, filter, 0, 0, 1,
			    run_add, &start, &cause) != 0) {
				tui_set_log(t, 1, "its start: %s", cause);
				free(cause);
			}
		}
		if (start.n > 0)
			start_id = start.v[0].id;
		for (size_t i = 0; i < start.n; i++)
			tt_event_clear(&start.v[i]);
		free(start.v);
	}
	tui_open_run(t, r->v[r->cur].id, start_id);
}

static int
runs_key(struct tui *t, int ch)
{
	struct runs	*r = &t->runs;

	switch (ch) {
	case 27:
	case KEY_BACKSPACE:
	case KEY_LEFT:
		tui_show(t, V_COMMANDS);
		return KEY_USED;
	case 's':
		r->slowest = !r->slowest;
		sort_runs(r);
		r->cur = r->top = 0;
		tui_set_log(t, 0, "runs %s first", r->slowest ? "slowest" :
		    "newest");
		return KEY_USED;
	case '\n':
	case '\r':
	case KEY_ENTER:
		open_run(t);
		return KEY_USED;
	default:
		return tui_move_key(&r->cur, ch, r->n, r->rows);
	}
}

static void
runs_click(struct tui *t, int row, int dbl)
{
	struct runs	*r = &t->runs;
	size_t		 i;

	if (row < r->first_row)
		return;
	i = r->top + (size_t)(row - r->first_row);
	if (i >= r->n)
		return;
	r->cur = i;
	if (dbl)
		open_run(t);
}

const struct view_ops view_runs = {
	"Command",
	"Enter the run  s slowest/newest first  Esc back",
	"Enter the run's events  s slowest first / newest first",
	runs_draw, runs_key, NULL, runs_click,
	runs_free
};
