/*
 * Daily: per local day and source, events, commands, failures and
 * distinct clients as numbers and a bar (events, scaled to the busiest
 * row), newest day first; then the Devtron Summary counts per client.
 * Read from the live tt_stats at each draw.
 */
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "tui_int.h"

static void
daily_draw(struct tui *t, int y, int rows)
{
	struct daily		*dv = &t->daily;
	struct tt_day_stats	*d = NULL;
	struct tt_summary	*s = NULL;
	size_t			 nd, ns, i, k;
	int64_t			 max = 0;
	int			 line = 0, r, bar, x;
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
	for (i = nd; i-- > 0; ) {
		r = line - (int)dv->top;
		if (r >= 0 && r < rows) {
			draw_text(y + r, 0, 11, i + 1 < nd && strcmp(d[i].day,
			    d[i + 1].day) == 0 ? TUI_ROLE_DIM :
			    TUI_ROLE_DEFAULT, d[i].day);
			draw_text(y + r, 11, 9, tui_source_role(d[i].source),
			    tt_source_name(d[i].source));
			draw_fmt(y + r, 20, 36, TUI_ROLE_DEFAULT,
			    "%8lld %8lld %8lld %8lld", (long long)d[i].events,
			    (long long)d[i].commands, (long long)d[i].failures,
			    (long long)d[i].clients);
			if (d[i].failures > 0)
				draw_fmt(y + r, 38, 9, TUI_ROLE_FAIL, "%8lld",
				    (long long)d[i].failures);
			x = 56;
			draw_bar(y + r, x, t->cols - x, (double)d[i].events,
			    (double)max, TUI_ROLE_BAR);
		}
		line++;
	}
	LINE(TUI_ROLE_DEFAULT, "%s", "");
	LINE(TUI_ROLE_TITLE, "%s", "Devtron Summary counts (latest per client "
	    "and day, keys as sent)");
	if (ns == 0)
		LINE(TUI_ROLE_DIM, "%s", "  none yet: Devtron sends a Summary "
		    "once a day");
	for (i = ns; i-- > 0; ) {
		n = (size_t)snprintf(buf, sizeof buf, "%s %-16s", s[i].day,
		    s[i].client_id);
		for (k = 0; k < s[i].ncounts && n < sizeof buf; k++)
			n += (size_t)snprintf(buf + n, sizeof buf - n,
			    " %s=%g", s[i].counts[k].key,
			    s[i].counts[k].value);
		LINE(TUI_ROLE_DEFAULT, "%s", buf);
	}
#undef LINE
	dv->lines = line;
	free(d);
	free(s);
}

static int
daily_key(struct tui *t, int ch)
{
	struct daily	*dv = &t->daily;
	size_t		 max = dv->lines > dv->rows ?
			     (size_t)(dv->lines - dv->rows) : 0;

	return tui_move_key(&dv->top, ch, max + 1, dv->rows);
}

const struct view_ops view_daily = {
	"Daily",
	"Up/Down scroll",
	daily_draw, daily_key, NULL, NULL
};
