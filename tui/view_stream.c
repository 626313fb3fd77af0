/*
 * Stream: committed events, newest at the bottom.  The rows are copies
 * (without data) of the events that match the filter: the newest page of
 * history when the view starts or the filter changes, then each committed
 * event as it arrives.  Moving above the first row reads the page before
 * it from the database.  While following, the newest row stays in sight;
 * moving up stops following (G resumes).  Pause freezes the rows and
 * holds what arrives, counting it.  Rows of traffic captured through the
 * proxy carry a marker after the source (MARK_UTF8, or MARK_ASCII where
 * the terminal does not take UTF-8).
 */
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "core/xmalloc.h"
#include "tui_int.h"

#define MARK_UTF8	"\u21c4"	/* ⇄: to the vendor, through teltop */
#define MARK_ASCII	"C"

static void
rows_free(struct tt_event *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		tt_event_clear(&v[i]);
}

/* Append a copy of ev (no data) to the rows. */
static void
push(struct stream *s, const struct tt_event *ev)
{
	if (s->n == s->cap) {
		s->cap = s->cap == 0 ? 1024 : s->cap * 2;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	tt_event_copy(&s->v[s->n++], ev, 0);
}

/* Drop rows from the top once there are too many. */
static void
trim(struct stream *s)
{
	size_t	k = STREAM_TRIM;

	if (s->n <= STREAM_MAX)
		return;
	rows_free(s->v, k);
	memmove(s->v, s->v + k, (s->n - k) * sizeof *s->v);
	s->n -= k;
	s->top = s->top > k ? s->top - k : 0;
	s->cur = s->cur > k ? s->cur - k : 0;
	s->history_done = 0;
}

struct page {
	struct tt_event	*v;
	size_t		 n, cap;
};

static void
page_add(void *arg, const struct tt_event *ev)
{
	struct page	*p = arg;

	if (p->n == p->cap) {
		p->cap = p->cap == 0 ? 256 : p->cap * 2;
		p->v = xrealloc(p->v, p->cap * sizeof *p->v);
	}
	tt_event_copy(&p->v[p->n++], ev, 0);
}

/* Read the page before the first row; returns how many rows came. */
static size_t
load_older(struct tui *t, int n)
{
	struct stream	*s = &t->stream;
	struct page	 p;
	char		*cause = NULL;
	int64_t		 before = s->n > 0 ? s->v[0].id : 0;

	if (s->history_done)
		return 0;
	memset(&p, 0, sizeof p);
	if (t->host.history(t->host.arg, s->filter_text, before, n, page_add,
	    &p, &cause) != 0) {
		tui_set_log(t, 1, "history: %s", cause);
		free(cause);
		s->history_done = 1;
		return 0;
	}
	if (p.n < (size_t)n)
		s->history_done = 1;
	if (p.n > 0) {
		if (s->n + p.n > s->cap) {
			s->cap = s->n + p.n + 1024;
			s->v = xrealloc(s->v, s->cap * sizeof *s->v);
		}
		memmove(s->v + p.n, s->v, s->n * sizeof *s->v);
		memcpy(s->v, p.v, p.n * sizeof *s->v);
		s->n += p.n;
		s->top += p.n;
		s->cur += p.n;
	}
	free(p.v);
	return p.n;
}

static void
reset_rows(struct tui *t)
{
	struct stream	*s = &t->stream;

	rows_free(s->v, s->n);
	s->n = s->top = s->cur = 0;
	s->history_done = 0;
	s->follow = 1;
	s->unseen = 0;
	load_older(t, HISTORY_PAGE);
	s->cur = s->n > 0 ? s->n - 1 : 0;
	s->top = 0;	/* the draw scrolls the newest row into sight */
}

void
stream_init(struct tui *t)
{
	struct stream	*s = &t->stream;

	memset(s, 0, sizeof *s);
	s->follow = 1;
	reset_rows(t);
}

void
stream_free(struct tui *t)
{
	struct stream	*s = &t->stream;

	rows_free(s->v, s->n);
	free(s->v);
	rows_free(s->held, s->nheld);
	free(s->held);
	tt_filter_free(&s->filter);
	memset(s, 0, sizeof *s);
}

int
stream_set_filter(struct tui *t, const char *text, char **cause)
{
	struct stream		*s = &t->stream;
	struct tt_filter	 f;

	memset(&f, 0, sizeof f);
	if (tt_filter_parse(text, &f, cause) != 0)
		return -1;
	tt_filter_free(&s->filter);
	s->filter = f;
	snprintf(s->filter_text, sizeof s->filter_text, "%s", text);
	reset_rows(t);
	return 0;
}

void
stream_event(struct tui *t, const struct tt_event *ev)
{
	struct stream	*s = &t->stream;

	if (s->filter.n > 0 && !tt_filter_match(&s->filter, ev))
		return;
	if (s->n > 0 && ev->id <= s->v[s->n - 1].id)
		return;		/* already read as history */
	if (s->paused) {
		s->arrived++;
		if (s->nheld < HELD_MAX) {
			if (s->nheld == s->capheld) {
				s->capheld = s->capheld == 0 ? 256 :
				    s->capheld * 2;
				s->held = xrealloc(s->held, s->capheld *
				    sizeof *s->held);
			}
			tt_event_copy(&s->held[s->nheld++], ev, 0);
		}
		return;
	}
	push(s, ev);
	if (s->follow)
		s->cur = s->n - 1;
	else
		s->unseen++;
	trim(s);
}

static void
set_paused(struct tui *t, int on)
{
	struct stream	*s = &t->stream;
	size_t		 i;

	s->paused = on;
	if (on) {
		s->arrived = 0;
		tui_set_log(t, 0, "paused: new events are held; p resumes");
		return;
	}
	for (i = 0; i < s->nheld; i++) {
		push(s, &s->held[i]);
		tt_event_clear(&s->held[i]);
	}
	if (s->arrived > (int64_t)s->nheld)
		tui_set_log(t, 0, "resumed: %lld arrived, %zu shown; scroll "
		    "up to read the rest", (long long)s->arrived, s->nheld);
	else
		tui_set_log(t, 0, "resumed: %lld arrived while paused",
		    (long long)s->arrived);
	s->nheld = 0;
	s->arrived = 0;
	if (s->follow && s->n > 0)
		s->cur = s->n - 1;
	trim(s);
}

/* The outcome column: what the event says about how it ended. */
static const char *
outcome(const struct tt_event *ev, char *buf, size_t len,
    enum tui_role *role)
{
	*role = TUI_ROLE_DEFAULT;
	if ((ev->error != NULL && *ev->error != '\0') ||
	    (ev->exit_code != TT_NONE && ev->exit_code != 0)) {
		*role = TUI_ROLE_FAIL;
		if (ev->exit_code != TT_NONE && ev->exit_code != 0)
			snprintf(buf, len, "exit %lld",
			    (long long)ev->exit_code);
		else
			snprintf(buf, len, "error");
		return buf;
	}
	if (ev->exit_code == 0 || (ev->phase == TT_PHASE_FINISH &&
	    ev->duration_ms != TT_NONE)) {
		*role = TUI_ROLE_SUCCESS;
		return "ok";
	}
	if (ev->phase == TT_PHASE_START) {
		*role = TUI_ROLE_DIM;
		return "start";
	}
	return "";
}

/* Column widths for the terminal's width. */
struct cols {
	int	time, source, mark, name, command, client, dur, out;
};

/*
 * The capture marker's column comes out of the command's share, so that
 * the event and client columns keep the widths they had before it.
 */
static void
layout(int width, struct cols *c)
{
	int	rest;

	c->time = 8;
	c->source = 7;
	c->dur = 7;
	c->out = 7;
	c->mark = 1;
	rest = width - (c->time + c->source + c->dur + c->out + 6);
	if (rest < 12)
		rest = 12;	/* narrower than that: the right is cut */
	c->name = rest * 30 / 100;
	c->client = rest * 26 / 100;
	c->command = rest - c->name - c->client - (c->mark + 1);
}

static void
draw_row(struct tui *t, int y, const struct tt_event *ev, int selected,
    const struct cols *c)
{
	char		 clock[16], dur[16], obuf[24];
	const char	*o, *mark;
	enum tui_role	 orole;
	int		 x = 0;

	tui_clock(ev->received_at, clock, sizeof clock);
	tui_duration(ev->duration_ms, dur, sizeof dur);
	o = outcome(ev, obuf, sizeof obuf, &orole);
	mark = ev->capture != NULL ? draw_glyph(MARK_UTF8, MARK_ASCII) : " ";
	if (selected) {
		char line[512];

		snprintf(line, sizeof line, "%-*s %-*.*s %s %-*.*s %-*.*s "
		    "%-*.*s %*s %s", c->time, clock, c->source, c->source,
		    tt_source_name(ev->source), mark, c->name, c->name,
		    ev->name != NULL ? ev->name : "", c->command, c->command,
		    ev->command != NULL ? ev->command : "", c->client,
		    c->client, ev->client_id != NULL ? ev->client_id : "",
		    c->dur, dur, o);
		draw_text(y, 0, t->cols, TUI_ROLE_SELECTED, line);
		return;
	}
	/* each cell keeps the column after it blank */
	draw_text(y, x, c->time, TUI_ROLE_DIM, clock);
	x += c->time + 1;
	draw_text(y, x, c->source, tui_source_role(ev->source),
	    tt_source_name(ev->source));
	x += c->source + 1;
	draw_text(y, x, c->mark, TUI_ROLE_CAPTURE, mark);
	x += c->mark + 1;
	draw_text(y, x, c->name, TUI_ROLE_DEFAULT, ev->name);
	x += c->name + 1;
	draw_text(y, x, c->command, TUI_ROLE_DEFAULT, ev->command);
	x += c->command + 1;
	draw_text(y, x, c->client, TUI_ROLE_DIM, ev->client_id);
	x += c->client + 1;
	draw_fmt(y, x, c->dur, TUI_ROLE_DEFAULT, "%*s", c->dur, dur);
	x += c->dur + 1;
	draw_text(y, x, t->cols - x, orole, o);
}

static void
stream_draw(struct tui *t, int y, int rows)
{
	struct stream	*s = &t->stream;
	struct cols	 c;
	size_t		 i;
	int		 r, list = rows - 1;

	layout(t->cols, &c);
	s->rows = list;
	draw_fmt(y, 0, t->cols, TUI_ROLE_TITLE, "%-*s %-*s %*s %-*s %-*s "
	    "%-*s %*s %s", c.time, "TIME", c.source, "SOURCE", c.mark, "",
	    c.name, "EVENT",
	    c.command, "COMMAND", c.client, "CLIENT", c.dur, "DUR",
	    "OUTCOME");
	if (s->follow && !s->paused && s->n > 0)
		s->cur = s->n - 1;
	/* use the room a taller window gives before scrolling */
	if (s->top + (size_t)list > s->n)
		s->top = s->n > (size_t)list ? s->n - (size_t)list : 0;
	s->top = tui_scroll(s->top, s->cur, list);
	if (s->follow && s->n > (size_t)list)
		s->top = s->n - (size_t)list;
	if (s->n == 0) {
		draw_text(y + 2, 2, t->cols - 2, TUI_ROLE_DIM,
		    s->filter.n > 0 ? "No event matches the filter yet." :
		    "No events yet. Point a tool at this collector, or run "
		    "`teltop demo`.");
	}
	for (r = 0, i = s->top; r < list && i < s->n; r++, i++)
		draw_row(t, y + 1 + r, &s->v[i], i == s->cur, &c);
	if (!s->follow && s->unseen > 0)
		draw_fmt(y + rows - 1, t->cols - 24, 24, TUI_ROLE_WARN,
		    " %lld new below (G) ", (long long)s->unseen);
	if (s->filter_text[0] != '\0' && t->prompt == P_NONE)
		draw_fmt(y + rows - 1, 0, t->cols / 2, TUI_ROLE_PROMPT,
		    " filter: %s ", s->filter_text);
}

static int
stream_key(struct tui *t, int ch)
{
	struct stream	*s = &t->stream;
	size_t		 old = s->cur;
	const char	*client;

	switch (ch) {
	case KEY_UP:
	case 'k':
	case KEY_PPAGE:
	case KEY_HOME:
	case 'g':
		if (s->cur == 0 || ch == 'g' || ch == KEY_HOME ||
		    (ch == KEY_PPAGE && s->cur < (size_t)s->rows))
			load_older(t, ch == 'g' || ch == KEY_HOME ?
			    STREAM_TRIM : HISTORY_PAGE);
		s->follow = 0;
		s->cur = tui_move(s->cur, ch, s->n, s->rows);
		return KEY_USED;
	case KEY_DOWN:
	case 'j':
	case KEY_NPAGE:
		s->cur = tui_move(s->cur, ch, s->n, s->rows);
		if (s->cur + 1 >= s->n && old + 1 >= s->n) {
			s->follow = 1;
			s->unseen = 0;
		}
		return KEY_USED;
	case KEY_END:
	case 'G':
		s->follow = 1;
		s->unseen = 0;
		s->cur = s->n > 0 ? s->n - 1 : 0;
		return KEY_USED;
	case 'p':
		set_paused(t, !s->paused);
		return KEY_USED;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (s->n > 0)
			tui_open_detail(t, s->v[s->cur].id);
		return KEY_USED;
	case 'o':
	case 'O':
		if (s->n == 0)
			return KEY_USED;
		client = s->v[s->cur].client_id;
		if (ch == 'O' && client == NULL) {
			tui_set_log(t, 1, "this event names no client");
			return KEY_USED;
		}
		tui_confirm_optout(t, tt_source_name(s->v[s->cur].source),
		    ch == 'O' ? client : NULL, 1);
		return KEY_USED;
	default:
		return KEY_UNUSED;
	}
}

static void
stream_click(struct tui *t, int row, int dbl)
{
	struct stream	*s = &t->stream;
	size_t		 i = s->top + (size_t)row;

	if (row < 1 || i - 1 >= s->n)
		return;
	s->cur = i - 1;
	s->follow = s->cur + 1 == s->n;
	if (dbl)
		tui_open_detail(t, s->v[s->cur].id);
}

const struct view_ops view_stream = {
	"Stream",
	"Enter detail  p pause  / filter  o/O opt out  g/G first/last",
	stream_draw, stream_key, NULL, stream_click
};
