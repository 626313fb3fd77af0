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

static void	widen(struct stream *, const struct tt_event *);

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
	widen(s, ev);
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

static int
page_add(void *arg, const struct tt_event *ev)
{
	struct page	*p = arg;

	if (p->n == p->cap) {
		p->cap = p->cap == 0 ? 256 : p->cap * 2;
		p->v = xrealloc(p->v, p->cap * sizeof *p->v);
	}
	tt_event_copy(&p->v[p->n++], ev, 0);
	return 0;
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
	if (t->host.history(t->host.arg, s->filter_text, s->filter_at, before,
	    n, page_add,
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
		for (size_t i = 0; i < p.n; i++)
			widen(s, &s->v[i]);
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
	memset(&s->w, 0, sizeof s->w);
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

static void
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
	int64_t			 now = tt_now_us();

	if (strlen(text) >= sizeof s->filter_text) {
		*cause = xasprintf("a filter has at most %zu bytes",
		    sizeof s->filter_text - 1);
		return -1;
	}
	memset(&f, 0, sizeof f);
	if (tt_filter_parse_at(text, now, &f, cause) != 0)
		return -1;
	tt_filter_free(&s->filter);
	s->filter = f;
	s->filter_at = now;	/* history counts since= from the same now */
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

/*
 * The outcome column: what the event says about how it ended, in width
 * columns at most ("exit 127", or "x127" where that does not fit: a number
 * is never cut).  With width 0: its natural width.
 */
static const char *
outcome(const struct tt_event *ev, char *buf, size_t len, int width,
    enum tui_role *role)
{
	*role = TUI_ROLE_DEFAULT;
	if ((ev->error != NULL && *ev->error != '\0') ||
	    (ev->exit_code != TT_NONE && ev->exit_code != 0)) {
		*role = TUI_ROLE_FAIL;
		if (ev->exit_code == TT_NONE || ev->exit_code == 0)
			return "error";
		if (snprintf(buf, len, "exit %lld", (long long)ev->exit_code) >
		    width && width > 0)
			snprintf(buf, len, "x%lld", (long long)ev->exit_code);
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

static int
max_width(int w, const char *s, int cap)
{
	int	n = s != NULL ? draw_width(s) : 0;

	if (n > cap)
		n = cap;
	return n > w ? n : w;
}

/* The rows' natural widths grow with each row (they never shrink until
 * the rows are read again). */
static void
widen(struct stream *s, const struct tt_event *ev)
{
	char		buf[32];
	enum tui_role	role;

	s->w.source = max_width(s->w.source, tt_source_name(ev->source), 16);
	s->w.name = max_width(s->w.name, ev->name, 48);
	s->w.command = max_width(s->w.command, ev->command, 60);
	s->w.client = max_width(s->w.client, ev->client_id, 48);
	s->w.out = max_width(s->w.out, outcome(ev, buf, sizeof buf, 0,
	    &role), 24);
	if (ev->error != NULL && ev->error[0] != '\0')
		s->w.error = 1;
}

/* Column widths for the terminal's width; 0: the column is left out. */
struct cols {
	int	time, source, mark, name, command, client, dur, out, error;
};

/* Take up to *over columns from *col, down to min. */
static void
shrink(int *col, int min, int *over)
{
	int	d = *col - min;

	if (*over <= 0 || d <= 0)
		return;
	if (d > *over)
		d = *over;
	*col -= d;
	*over -= d;
}

/*
 * From the rows' own widths: time, source, duration and outcome stay
 * whole; when the rest does not fit, the client shrinks first, then the
 * command, then the event name (to 12, 14, 14 columns, then to 6, 10,
 * 10), then the client goes, then the command.
 * Room left over shows the error text.
 */
static void
layout(const struct stream *s, int width, struct cols *c)
{
	int	over;

	c->time = 8;
	c->mark = 1;
	c->dur = 7;
	c->source = s->w.source > 7 ? s->w.source : 7;
	c->out = s->w.out > 7 ? s->w.out : 7;
	c->name = s->w.name > 5 ? s->w.name : 5;
	c->command = s->w.command > 7 ? s->w.command : 7;
	c->client = s->w.client > 6 ? s->w.client : 6;
	c->error = 0;
	over = c->time + c->source + c->mark + c->name + c->command +
	    c->client + c->dur + c->out + 7 - width;
	shrink(&c->client, 12, &over);
	shrink(&c->command, 14, &over);
	shrink(&c->name, 14, &over);
	shrink(&c->client, 6, &over);
	shrink(&c->command, 10, &over);
	shrink(&c->name, 10, &over);
	if (over > 0) {
		over -= c->client + 1;
		c->client = 0;
	}
	if (over > 0) {
		over -= c->command + 1;
		c->command = 0;
	}
	shrink(&c->name, 8, &over);
	if (over < -12 && s->w.error)
		c->error = -over - 1;
}

static void
draw_row(struct tui *t, int y, const struct tt_event *ev, int selected,
    const struct cols *c)
{
	char		 clock[16], dur[16], obuf[32], err[256];
	const char	*o, *mark;
	enum tui_role	 orole;
	int		 x = 0;

#define ROLE(r)	(selected ? TUI_ROLE_SELECTED : (r))
	tui_clock(ev->received_at, clock, sizeof clock);
	tt_duration_text(ev->duration_ms, dur, sizeof dur);
	o = outcome(ev, obuf, sizeof obuf, c->out, &orole);
	mark = ev->capture != NULL ? draw_glyph(MARK_UTF8, MARK_ASCII) : " ";
	if (selected)
		draw_text(y, 0, t->cols, TUI_ROLE_SELECTED, "");
	draw_cell(y, &x, c->time, ROLE(TUI_ROLE_DIM), clock);
	draw_cell(y, &x, c->source, ROLE(tui_source_role(ev->source)),
	    tt_source_name(ev->source));
	draw_cell(y, &x, c->mark, ROLE(TUI_ROLE_CAPTURE), mark);
	draw_cell(y, &x, c->name, ROLE(TUI_ROLE_DEFAULT), ev->name);
	draw_cell(y, &x, c->command, ROLE(TUI_ROLE_DEFAULT), ev->command);
	draw_cell(y, &x, c->client, ROLE(TUI_ROLE_DIM), ev->client_id);
	draw_rcell(y, &x, c->dur, ROLE(TUI_ROLE_DEFAULT), dur);
	draw_cell(y, &x, c->out, ROLE(orole), o);
	if (c->error > 0 && ev->error != NULL) {
		/* its first line */
		snprintf(err, sizeof err, "%.*s", (int)strcspn(ev->error,
		    "\r\n"), ev->error);
		draw_text(y, x, c->error, ROLE(TUI_ROLE_FAIL), err);
	}
#undef ROLE
}

static void
stream_draw(struct tui *t, int y, int rows)
{
	struct stream	*s = &t->stream;
	struct cols	 c;
	size_t		 i;
	int		 r, x = 0, list;
	char		 status[320];

	/* a status line under the rows, unless the window is tiny */
	list = rows >= 5 ? rows - 2 : rows - 1;
	layout(s, t->cols, &c);
	s->rows = list;
	draw_text(y, 0, t->cols, TUI_ROLE_TITLE, "");
	draw_cell(y, &x, c.time, TUI_ROLE_TITLE, "TIME");
	draw_cell(y, &x, c.source, TUI_ROLE_TITLE, "SOURCE");
	draw_cell(y, &x, c.mark, TUI_ROLE_TITLE, "");
	draw_cell(y, &x, c.name, TUI_ROLE_TITLE, "EVENT");
	draw_cell(y, &x, c.command, TUI_ROLE_TITLE, "COMMAND");
	draw_cell(y, &x, c.client, TUI_ROLE_TITLE, "CLIENT");
	draw_rcell(y, &x, c.dur, TUI_ROLE_TITLE, "DUR");
	draw_cell(y, &x, c.out, TUI_ROLE_TITLE, "OUTCOME");
	if (c.error > 0)
		draw_text(y, x, c.error, TUI_ROLE_TITLE, "ERROR");
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
	/* the status line, under the rows: the filter, what is below */
	if (list == rows - 1)
		return;
	if (s->filter_text[0] != '\0')
		snprintf(status, sizeof status, " filter: %s ",
		    s->filter_text);
	else
		snprintf(status, sizeof status, " %zu event%s%s ", s->n,
		    s->n == 1 ? "" : "s", s->follow ? ", following" : "");
	draw_text(y + rows - 1, 0, t->cols, s->filter_text[0] != '\0' ?
	    TUI_ROLE_PROMPT : TUI_ROLE_DIM, status);
	if (!s->follow && s->unseen > 0) {
		snprintf(status, sizeof status, " %lld new below (G) ",
		    (long long)s->unseen);
		x = t->cols - draw_width(status);
		if (x > t->cols / 2)
			draw_text(y + rows - 1, x, t->cols - x, TUI_ROLE_WARN,
			    status);
	}
}

/* The stream of the selected row's command (c) or client (C). */
static void
filter_by(struct tui *t, int client)
{
	struct stream	*s = &t->stream;
	const char	*v;
	char		 q[240], text[256], *cause = NULL;

	if (s->n == 0)
		return;
	v = client ? s->v[s->cur].client_id : tt_event_command(&s->v[s->cur]);
	if (v == NULL || v[0] == '\0' || strlen(v) > 200) {
		tui_set_log(t, 1, "this event names no %s", client ? "client" :
		    "command");
		return;
	}
	if (tt_filter_quote(v, q, sizeof q) != 0) {
		tui_set_log(t, 1, "this %s is too long to filter on",
		    client ? "client" : "command");
		return;
	}
	snprintf(text, sizeof text, "%s=%s", client ? "client_id" :
	    s->v[s->cur].command != NULL ? "command" : "name", q);
	if (stream_set_filter(t, text, &cause) != 0) {
		tui_set_log(t, 1, "filter: %s", cause);
		free(cause);
		return;
	}
	tui_set_log(t, 0, "filter: %s", text);
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
	case 'c':
	case 'C':
		filter_by(t, ch == 'C');
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
	"Enter detail  p pause  / filter  c/C cmd/client  o/O opt out",
	"Enter detail  p pause  / filter  c/C its command/client\n"
	"o/O opt out source/client  g/G first/last (G follows)",
	stream_draw, stream_key, NULL, stream_click,
	stream_free
};
