/*
 * Daily: per local day and source, events, commands, failures and
 * distinct clients as numbers and a bar (events, scaled to the busiest
 * row), newest day first; then the Devtron Summary counts per client.
 * Read from the live tt_stats at each draw.  Enter on a row shows that
 * day's events of that source in the stream.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "tui_int.h"

/* The same client's summary of the latest day before s[i]'s, or NULL. */
static const struct tt_summary *
previous(const struct tt_summary *s, size_t i)
{
	size_t	k;

	for (k = i; k-- > 0; )	/* sorted by day: the ones before */
		if (s[k].source == s[i].source &&
		    strcmp(s[k].client_id, s[i].client_id) == 0 &&
		    strcmp(s[k].day, s[i].day) < 0)
			return &s[k];
	return NULL;
}

static const double *
count_of(const struct tt_summary *s, const char *key)
{
	size_t	k;

	for (k = 0; k < s->ncounts; k++)
		if (strcmp(s->counts[k].key, key) == 0)
			return &s->counts[k].value;
	return NULL;
}

/*
 * Events per day as one bar each, its sources stacked in their colours,
 * with a legend: from line `line` on (of the view's lines, scrolled by
 * top); returns the line after.
 */
static int
draw_per_day(struct tui *t, int y, int rows, int line,
    const struct tt_day_stats *d, size_t nd)
{
	struct daily	*dv = &t->daily;
	int64_t		 v[TT_SRC_COUNT], total, max = 0;
	enum tui_role	 roles[TT_SRC_COUNT];
	int		 used[TT_SRC_COUNT], r, x, k;
	size_t		 i, j;
	char		 num[24];

	memset(used, 0, sizeof used);
	for (i = 0; i < nd; i = j) {
		for (total = 0, j = i; j < nd && strcmp(d[j].day, d[i].day) ==
		    0; j++) {
			total += d[j].events;
			used[d[j].source] = 1;
		}
		if (total > max)
			max = total;
	}
	for (k = 0; k < TT_SRC_COUNT; k++)
		roles[k] = tui_source_role((enum tt_source)k);
	line++;		/* a blank line before */
	if ((r = line - (int)dv->top) >= 0 && r < rows) {
		draw_text(y + r, 0, t->cols, TUI_ROLE_TITLE, "Events per day, "
		    "by source:");
		for (x = 28, k = 0; k < TT_SRC_COUNT; k++) {
			if (!used[k] || x + 12 > t->cols)
				continue;
			draw_text(y + r, x, 2, roles[k], draw_glyph("\u2588",
			    "#"));
			draw_text(y + r, x + 2, 10, TUI_ROLE_DIM,
			    tt_source_name((enum tt_source)k));
			x += 3 + draw_width(tt_source_name((enum tt_source)k));
		}
	}
	line++;
	/* newest day first, as the table */
	for (j = nd; j > 0; j = i, line++) {
		for (i = j; i > 0 && strcmp(d[i - 1].day, d[j - 1].day) == 0;
		    i--)
			;
		memset(v, 0, sizeof v);
		for (total = 0, k = (int)i; k < (int)j; k++) {
			v[d[k].source] += d[k].events;
			total += d[k].events;
		}
		if ((r = line - (int)dv->top) < 0 || r >= rows)
			continue;
		snprintf(num, sizeof num, "%lld", (long long)total);
		draw_text(y + r, 0, 11, TUI_ROLE_DEFAULT, d[i].day);
		draw_text(y + r, 11, 9, TUI_ROLE_DEFAULT, num);
		draw_stacked(y + r, 20, t->cols - 20, v, roles, TT_SRC_COUNT,
		    (double)max);
	}
	return line;
}

static void
daily_draw(struct tui *t, int y, int rows)
{
	struct daily		*dv = &t->daily;
	struct tt_day_stats	*d = NULL;
	struct tt_summary	*s = NULL;
	size_t			 nd, ns, i, k;
	int64_t			 max = 0;
	int			 line = 0, r, bar, x, sel;
	const struct tt_summary	*prev;
	const double		*was;
	char			 buf[512];
	size_t			 n;

	nd = tt_stats_days(t->host.stats, &d);
	ns = tt_stats_summaries(t->host.stats, &s);
	for (i = 0; i < nd; i++)
		if (d[i].events > max)
			max = d[i].events;
	dv->rows = rows;
	bar = t->cols - 56;
	if (bar < 4)
		bar = 4;
#define LINE(role, ...) do {						\
	if (line >= (int)dv->top && line - (int)dv->top < rows)		\
		draw_fmt(y + line - (int)dv->top, 0, t->cols, role,	\
		    __VA_ARGS__);					\
	line++;								\
} while (0)
	LINE(TUI_ROLE_TITLE, "%-10s %-8s %8s %8s %8s %8s  %s", "DAY",
	    "SOURCE", "EVENTS", "COMMANDS", "FAILED", "CLIENTS", "EVENTS");
	if (nd == 0)
		LINE(TUI_ROLE_DIM, "  no events yet");
	dv->ndays = nd;
	if (dv->cur >= nd)
		dv->cur = nd > 0 ? nd - 1 : 0;
	dv->first = line;
	for (i = nd; i-- > 0; ) {
		r = line - (int)dv->top;
		sel = nd - 1 - i == dv->cur;
#define ROLE(role)	(sel ? TUI_ROLE_SELECTED : (role))
		if (r >= 0 && r < rows) {
			if (sel) {
				snprintf(dv->day, sizeof dv->day, "%s",
				    d[i].day);
				dv->source = d[i].source;
			}
			draw_text(y + r, 0, 11, ROLE(i + 1 < nd &&
			    strcmp(d[i].day, d[i + 1].day) == 0 ?
			    TUI_ROLE_DIM : TUI_ROLE_DEFAULT), d[i].day);
			draw_text(y + r, 11, 9, ROLE(tui_source_role(
			    d[i].source)), tt_source_name(d[i].source));
			draw_fmt(y + r, 20, 36, ROLE(TUI_ROLE_DEFAULT),
			    "%8lld %8lld %8lld %8lld", (long long)d[i].events,
			    (long long)d[i].commands, (long long)d[i].failures,
			    (long long)d[i].clients);
			if (d[i].failures > 0)
				draw_fmt(y + r, 38, 9, ROLE(TUI_ROLE_FAIL),
				    "%8lld", (long long)d[i].failures);
			x = 56;
			draw_bar(y + r, x, t->cols - x, (double)d[i].events,
			    (double)max, TUI_ROLE_BAR);
		}
#undef ROLE
		line++;
	}
	line = draw_per_day(t, y, rows, line, d, nd);
	LINE(TUI_ROLE_DEFAULT, "%s", "");
	LINE(TUI_ROLE_TITLE, "%s", "Devtron Summary counts (latest per client "
	    "and day, keys as sent; the change since the client's day "
	    "before)");
	if (ns == 0)
		LINE(TUI_ROLE_DIM, "%s", "  none yet: Devtron sends a Summary "
		    "once a day");
	for (i = ns; i-- > 0; ) {
		n = (size_t)snprintf(buf, sizeof buf, "%s %-16s", s[i].day,
		    s[i].client_id);
		prev = previous(s, i);
		for (k = 0; k < s[i].ncounts && n < sizeof buf; k++) {
			n += (size_t)snprintf(buf + n, sizeof buf - n,
			    " %s=%g", s[i].counts[k].key,
			    s[i].counts[k].value);
			if (prev != NULL && n < sizeof buf &&
			    (was = count_of(prev, s[i].counts[k].key)) != NULL &&
			    *was != s[i].counts[k].value)
				n += (size_t)snprintf(buf + n, sizeof buf - n,
				    " (%+g)", s[i].counts[k].value - *was);
		}
		LINE(TUI_ROLE_DEFAULT, "%s", buf);
	}
#undef LINE
	dv->lines = line;
	free(d);
	free(s);
}

/* The stream of the selected row: its source, from its day to the next. */
static void
show_day(struct tui *t)
{
	struct daily	*dv = &t->daily;
	struct tm	 tm;
	char		 next[16], text[128], *cause = NULL;

	if (dv->ndays == 0 || dv->day[0] == '\0')
		return;
	memset(&tm, 0, sizeof tm);
	if (strptime(dv->day, "%Y-%m-%d", &tm) == NULL)
		return;
	tm.tm_mday++;
	tm.tm_isdst = -1;
	if (mktime(&tm) == (time_t)-1)
		return;
	strftime(next, sizeof next, "%Y-%m-%d", &tm);
	snprintf(text, sizeof text, "source=%s since=%s until=%s",
	    tt_source_name(dv->source), dv->day, next);
	if (stream_set_filter(t, text, &cause) != 0) {
		tui_set_log(t, 1, "%s", cause);
		free(cause);
		return;
	}
	tui_set_log(t, 0, "filter: %s", text);
	tui_show(t, V_STREAM);
}

static int
daily_key(struct tui *t, int ch)
{
	struct daily	*dv = &t->daily;
	int		 used;

	switch (ch) {
	case '\n':
	case '\r':
	case KEY_ENTER:
		show_day(t);
		return KEY_USED;
	default:
		/* the cursor moves over the days; the view follows it,
		 * and past the last day it scrolls down the summaries */
		used = tui_move_key(&dv->cur, ch, dv->ndays > 0 ? dv->ndays :
		    1, dv->rows);
		if ((int)dv->cur + dv->first < (int)dv->top)
			dv->top = (size_t)((int)dv->cur + dv->first);
		if ((int)dv->cur + dv->first >= (int)dv->top + dv->rows)
			dv->top = (size_t)((int)dv->cur + dv->first -
			    dv->rows + 1);
		if (dv->cur + 1 == dv->ndays && (ch == KEY_DOWN || ch == 'j' ||
		    ch == KEY_NPAGE) && dv->lines > dv->rows &&
		    (int)dv->top < dv->lines - dv->rows)
			dv->top++;
		return used;
	}
}

static void
daily_click(struct tui *t, int row, int dbl)
{
	struct daily	*dv = &t->daily;
	int		 i = row + (int)dv->top - dv->first;

	if (i < 0 || (size_t)i >= dv->ndays)
		return;
	dv->cur = (size_t)i;
	if (dbl)
		show_day(t);
}

const struct view_ops view_daily = {
	"Daily",
	"Enter its events  Up/Down move",
	"Enter the day's events of that source in the stream",
	daily_draw, daily_key, NULL, daily_click,
	NULL
};
