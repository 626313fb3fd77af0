/*
 * The UI frame: curses set-up and teardown, the header (address, rates,
 * counters), the tabs, the footer and log line, the prompt (filter and
 * y/n), the help overlay, global keys and the mouse, and frame pacing:
 * handlers only mark the UI dirty, tui_frame() draws at most every
 * FRAME_US and at least every IDLE_US (the clock and rates move).
 * Nothing is written to stdout or stderr while curses owns the terminal.
 */
#include <ctype.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "core/decode.h"
#include "core/xmalloc.h"
#include "theme.h"
#include "tui_int.h"

#define FRAME_US	33333		/* at most ~30 frames a second */
#define IDLE_US		1000000		/* redraw the clock and rates */

static const struct view_ops *views[V_COUNT] = {
	[V_STREAM] = &view_stream,
	[V_COMMANDS] = &view_commands,
	[V_OPTOUT] = &view_optout,
	[V_DAILY] = &view_daily,
	[V_METRICS] = &view_metrics,
	[V_FIELDS] = &view_fields,
	[V_DETAIL] = &view_detail,
	[V_RUNS] = &view_runs,
};

/* The help's lines that are no view's. */
static const char help_move[] =
	"Up/Down j/k  PgUp/PgDn  g/G first/last  mouse wheel, click";
static const char help_filter[] =
	"source=werf|devpod command=\"werf up\" !error= since=10m\n"
	"duration_ms>1000 pii=red .properties.$os=linux (space = AND)";
static const char help_anywhere[] =
	"! what was refused  t next theme  ? this help  q quit";

static struct tui	*the_tui;	/* for the xmalloc exit hook */

static void	draw_rate(struct tui *, int y, int x, int width);

static void
end_curses(void)
{
	if (the_tui != NULL && !isendwin())
		endwin();
}

void
tui_dirty(struct tui *t)
{
	t->dirty = 1;
}

void
tui_set_log(struct tui *t, int error, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(t->logline, sizeof t->logline, fmt, ap);
	va_end(ap);
	t->log_error = error;
	if (t->logf != NULL) {
		fprintf(t->logf, "%s\n", t->logline);
		fflush(t->logf);
	}
	t->dirty = 1;
}

void
tui_log(struct tui *t, const char *line)
{
	char		buf[16];
	time_t		now = time(NULL);
	struct tm	tm;

	localtime_r(&now, &tm);
	strftime(buf, sizeof buf, "%H:%M:%S", &tm);
	tui_set_log(t, 0, "%s %s", buf, line);
}

void
tui_clock(int64_t us, char *buf, size_t len)
{
	time_t		s = (time_t)(us / 1000000);
	struct tm	tm;

	if (us <= 0 || localtime_r(&s, &tm) == NULL) {
		snprintf(buf, len, "-");
		return;
	}
	strftime(buf, len, "%H:%M:%S", &tm);
}

enum tui_role
tui_source_role(enum tt_source s)
{
	switch (s) {
	case TT_SRC_DEVTRON:
		return TUI_ROLE_SRC_DEVTRON;
	case TT_SRC_DEVPOD:
		return TUI_ROLE_SRC_DEVPOD;
	case TT_SRC_DEVSY:
		return TUI_ROLE_SRC_DEVSY;
	case TT_SRC_WERF:
		return TUI_ROLE_SRC_WERF;
	case TT_SRC_POSTHOG:
		return TUI_ROLE_SRC_POSTHOG;
	default:
		return TUI_ROLE_SRC_GENERIC;
	}
}

size_t
tui_move(size_t cur, int ch, size_t n, int page)
{
	if (n == 0)
		return 0;
	if (page < 1)
		page = 1;
	switch (ch) {
	case KEY_UP:
	case 'k':
		return cur > 0 ? cur - 1 : 0;
	case KEY_DOWN:
	case 'j':
		return cur + 1 < n ? cur + 1 : n - 1;
	case KEY_PPAGE:
		return cur > (size_t)page ? cur - (size_t)page : 0;
	case KEY_NPAGE:
		return cur + (size_t)page < n ? cur + (size_t)page : n - 1;
	case KEY_HOME:
	case 'g':
		return 0;
	case KEY_END:
	case 'G':
		return n - 1;
	default:
		return cur < n ? cur : n - 1;
	}
}

int
tui_move_key(size_t *cur, int ch, size_t n, int page)
{
	switch (ch) {
	case KEY_UP:
	case 'k':
	case KEY_DOWN:
	case 'j':
	case KEY_PPAGE:
	case KEY_NPAGE:
	case 'g':
	case 'G':
	case KEY_HOME:
	case KEY_END:
		*cur = tui_move(*cur, ch, n, page);
		return KEY_USED;
	default:
		return KEY_UNUSED;
	}
}

size_t
tui_scroll(size_t top, size_t cur, int rows)
{
	if (rows < 1)
		rows = 1;
	if (cur < top)
		return cur;
	if (cur >= top + (size_t)rows)
		return cur - (size_t)rows + 1;
	return top;
}

enum view_id
tui_tab_of(const struct tui *t, enum view_id v)
{
	if (v == V_DETAIL)
		return t->detail.back == V_DETAIL ? V_STREAM :
		    tui_tab_of(t, t->detail.back);
	if (v == V_RUNS)
		return V_COMMANDS;
	return v;
}

int
tui_name_index(const char *const *names, int n, const char *name, int *out)
{
	int	i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0) {
			*out = i;
			return 0;
		}
	return -1;
}

void
tui_remember(struct tui *t, const char *key, const char *arg1,
    const char *arg2)
{
	char	*cause = NULL;

	if (!t->started || t->host.remember == NULL)
		return;
	if (t->host.remember(t->host.arg, key, arg1, arg2, &cause) != 0) {
		tui_set_log(t, 1, "config: %s (not kept)", cause);
		free(cause);
	}
}

/* A tab's name as the config file keeps it: "opt-out", "daily". */
static void
view_id_name(enum view_id v, char *buf, size_t len)
{
	size_t	i;

	snprintf(buf, len, "%s", views[v]->name);
	for (i = 0; buf[i] != '\0'; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
}

void
tui_show(struct tui *t, enum view_id v)
{
	char	name[32];

	if (v < V_TABS && v != t->view_kept) {
		view_id_name(v, name, sizeof name);
		tui_remember(t, "view", name, NULL);
		t->view_kept = v;
	}
	if (v == V_DETAIL && t->view != V_DETAIL)
		t->detail.back = t->view;
	t->view = v;
	if (views[v]->enter != NULL)
		views[v]->enter(t);
	t->dirty = 1;
}

void
tui_confirm_optout(struct tui *t, const char *source, const char *client,
    int enable)
{
	free(t->confirm_source);
	free(t->confirm_client);
	t->confirm_source = xstrdup(source);
	t->confirm_client = client != NULL ? xstrdup(client) : NULL;
	t->confirm_enable = enable;
	snprintf(t->question, sizeof t->question, "%s %s%s%s? Events will "
	    "%s. (y/n)", enable ? "Opt out" : "Opt back in", source,
	    client != NULL ? " client " : "", client != NULL ? client : "",
	    enable ? "be dropped, not stored" : "be stored again");
	t->prompt = P_CONFIRM;
	t->dirty = 1;
}

/* ---- drawing ---- */

/*
 * The header's first line, made to fit the width: at each step the least
 * important goes first (the connections, then long labels, the name, the
 * address); the counts stay.  Where "rejected N" is goes to rej_x0..x1;
 * a disk that is nearly full is said last, at disk_x0..x1.
 */
/* How many names a "alpha, beta (2)" list has. */
static int
names(const char *list)
{
	int	n = 1;

	while ((list = strstr(list, ", ")) != NULL) {
		n++;
		list += 2;
	}
	return n;
}

static void
header_line(struct tui *t, char *line, size_t len)
{
	char	rate[32], rej[40], ev[40], disk[40];
	int	level;

	for (level = 0; level < 5; level++) {
		snprintf(rate, sizeof rate, level < 2 ? "%.1f ev/s" : "%.1f/s",
		    t->rate);
		snprintf(rej, sizeof rej, level < 2 ? "rejected %lld" :
		    "rej %lld", (long long)t->st.rejected);
		ev[0] = disk[0] = '\0';
		if (t->st.evicted > 0)
			snprintf(ev, sizeof ev, level < 2 ? "evicted %lld  " :
			    "ev %lld  ", (long long)t->st.evicted);
		if (t->st.disk_free >= 0 && t->st.disk_free < TUI_DISK_LOW)
			snprintf(disk, sizeof disk, level < 2 ?
			    " disk %d%% free " : " disk %d%% ",
			    t->st.disk_free);
		snprintf(line, len, " %s%s%s%s  ", level < 3 ? "teltop  " : "",
		    level < 4 ? t->st.listen : "", level < 4 ? "  " : "", rate);
		if (level == 0)
			snprintf(line + strlen(line), len - strlen(line),
			    "conn %d  ", t->st.connections);
		if (t->st.collectors != NULL && level < 2)
			snprintf(line + strlen(line), len - strlen(line),
			    "collectors %s  ", t->st.collectors);
		else if (t->st.collectors != NULL && level < 4)
			snprintf(line + strlen(line), len - strlen(line),
			    "coll %d  ", names(t->st.collectors));
		snprintf(line + strlen(line), len - strlen(line), level < 2 ?
		    "stored %lld  dropped %lld  %s" : "st %lld  drop %lld  %s",
		    (long long)t->st.stored, (long long)t->st.dropped, ev);
		t->rej_x0 = draw_width(line);
		snprintf(line + strlen(line), len - strlen(line), "%s", rej);
		t->rej_x1 = draw_width(line);
		if (disk[0] != '\0')	/* the badge's own space is the 2nd */
			snprintf(line + strlen(line), len - strlen(line), " ");
		t->disk_x0 = draw_width(line);
		snprintf(line + strlen(line), len - strlen(line), "%s", disk);
		t->disk_x1 = draw_width(line);
		if (t->disk_x1 <= t->cols)
			return;
	}
}

/* A view's badge after the tabs at x; where the next goes. */
static int
badge(int x, const char *name)
{
	char	b[64];

	snprintf(b, sizeof b, " %s ", name);
	draw_text(1, x, draw_width(b), TUI_ROLE_TAB_ACTIVE, b);
	return x + draw_width(b) + 1;
}

static void
draw_header(struct tui *t)
{
	char	line[512], tab[64];
	int	x, i, need, runs, compact;
	size_t	k;

	header_line(t, line, sizeof line);
	draw_text(0, 0, t->cols, TUI_ROLE_HEADER, line);
	if (t->disk_x1 > t->disk_x0 && t->disk_x1 <= t->cols)
		draw_text(0, t->disk_x0, t->disk_x1 - t->disk_x0,
		    TUI_ROLE_PAUSED, line + strlen(line) -
		    (size_t)(t->disk_x1 - t->disk_x0));
	move(1, 0);
	attrset(tui_attr(TUI_ROLE_TAB));
	for (i = 0; i < t->cols; i++)
		addch(' ');
	x = 0;
	/*
	 * The tabs, then a badge for each view opened from them; where they
	 * would not all fit (80 columns and two badges), the tabs but the
	 * active one show their number only.  The sparkline takes what is
	 * left.
	 */
	runs = t->view == V_RUNS || (t->view == V_DETAIL &&
	    t->detail.back == V_RUNS);
	for (need = 0, k = 0; k < V_TABS; k++)
		need += draw_width(views[k]->name) + 4;
	if (runs)
		need += draw_width(views[V_RUNS]->name) + 3;
	if (t->view == V_DETAIL)
		need += draw_width(views[V_DETAIL]->name) + 3;
	/* and at the right the PAUSED badge (the sparkline gives way) */
	snprintf(line, sizeof line, " PAUSED +%lld ",
	    (long long)t->stream.arrived);
	compact = need - 1 > t->cols - (t->stream.paused &&
	    t->view == V_STREAM ? draw_width(line) : 0);
	for (k = 0; k < V_TABS; k++) {
		enum view_id v = (enum view_id)k;
		int active = tui_tab_of(t, t->view) == v;

		if (compact && !active)
			snprintf(tab, sizeof tab, " %zu ", k + 1);
		else
			snprintf(tab, sizeof tab, " %zu %s ", k + 1,
			    views[k]->name);
		draw_text(1, x, draw_width(tab), active ?
		    TUI_ROLE_TAB_ACTIVE : TUI_ROLE_TAB, tab);
		x += draw_width(tab) + 1;
		t->tab_x1[k] = x;
	}
	if (runs)
		x = badge(x, views[V_RUNS]->name);
	if (t->view == V_DETAIL)
		x = badge(x, views[V_DETAIL]->name);
	if (t->stream.paused && t->view == V_STREAM) {
		snprintf(line, sizeof line, " PAUSED +%lld ",
		    (long long)t->stream.arrived);
		if (x + draw_width(line) <= t->cols)
			draw_text(1, t->cols - draw_width(line), draw_width(line),
			    TUI_ROLE_PAUSED, line);
		return;
	}
	/* the last minute of events, at the right */
	k = (size_t)(t->cols - x - 2 < RATE_SECS ? t->cols - x - 2 :
	    RATE_SECS);
	if ((int)k >= 8)
		draw_rate(t, 1, t->cols - (int)k - 1, (int)k);
}

static void
draw_footer(struct tui *t)
{
	char	buf[300];

	if (t->prompt == P_FILTER) {
		snprintf(buf, sizeof buf, "%s: %s", t->prompt_view ==
		    V_COMMANDS ? "find command" : t->prompt_view == V_FIELDS ?
		    "find field" : t->prompt_view == V_DETAIL ? "find" :
		    "filter", t->input);
		draw_text(t->rows - 2, 0, t->cols, TUI_ROLE_PROMPT, buf);
		draw_text(t->rows - 1, 0, t->cols, TUI_ROLE_FOOTER,
		    t->prompt_view == V_DETAIL ? " Enter find  Esc cancel  "
		    "then n next, N previous" :
		    t->prompt_view == V_COMMANDS ? " Enter apply  Esc cancel  "
		    "empty shows all   e.g. converge" :
		    t->prompt_view == V_FIELDS ? " Enter apply  Esc cancel  "
		    "empty shows all   e.g. properties>error" :
		    " Enter apply  Esc cancel  empty clears   e.g. "
		    "source=werf|devpod command~converge !error=");
		move(t->rows - 2, draw_width(buf) < t->cols ? draw_width(buf) :
		    t->cols - 1);
		return;
	}
	if (t->prompt == P_CONFIRM) {
		draw_text(t->rows - 2, 0, t->cols, TUI_ROLE_PROMPT, t->question);
		draw_text(t->rows - 1, 0, t->cols, TUI_ROLE_FOOTER,
		    " y yes  n no");
		return;
	}
	draw_text(t->rows - 2, 0, t->cols, t->log_error ? TUI_ROLE_ERROR :
	    TUI_ROLE_LOG, t->logline);
	draw_fmt(t->rows - 1, 0, t->cols, TUI_ROLE_FOOTER, " %s  ? help  "
	    "q quit", views[t->view]->keys);
}

/* "Label      text" for each line of text, into b. */
static void
help_add(char *b, size_t len, const char *label, const char *text)
{
	const char	*p = text, *nl;
	size_t		 n;

	do {
		nl = strchr(p, '\n');
		n = strlen(b);
		snprintf(b + n, len - n, "%-10s %.*s\n", label, nl != NULL ?
		    (int)(nl - p) : (int)strlen(p), p);
		label = "";
		p = nl != NULL ? nl + 1 : NULL;
	} while (p != NULL);
}

/* The help, made from the views' own lines and their table. */
static const char *
help_text(void)
{
	static char	b[4096];
	char		tabs[256] = "";
	size_t		n;
	int		v;

	if (b[0] != '\0')
		return b;
	for (v = 0; v < V_TABS; v++) {
		n = strlen(tabs);
		snprintf(tabs + n, sizeof tabs - n, "%d %s ", v + 1,
		    views[v]->name);
	}
	n = strlen(tabs);
	snprintf(tabs + n, sizeof tabs - n, " Tab");
	help_add(b, sizeof b, "Views", tabs);
	help_add(b, sizeof b, "Move", help_move);
	for (v = 0; v < V_COUNT; v++)
		help_add(b, sizeof b, views[v]->name, views[v]->help);
	help_add(b, sizeof b, "Filter", help_filter);
	help_add(b, sizeof b, "Anywhere", help_anywhere);
	n = strlen(b);
	snprintf(b + n, sizeof b - n, "\nPress any key to close.");
	return b;
}

static void
draw_help(struct tui *t)
{
	const char	*p = help_text(), *nl, *q;
	int		 w = 78, h = 3, y0, x0, y;
	char		 line[256];

	for (q = p; (nl = strchr(q, '\n')) != NULL; q = nl + 1) {
		h++;		/* a border each side and a line each */
		snprintf(line, sizeof line, "%.*s", (int)(nl - q), q);
		if (draw_width(line) + 4 > w)
			w = draw_width(line) + 4;	/* no line cut */
	}
	if (w > t->cols)
		w = t->cols;
	if (h > t->rows)
		h = t->rows;
	y0 = (t->rows - h) / 2;
	x0 = (t->cols - w) / 2;
	draw_overlay(y0, x0, h, w, TUI_ROLE_PROMPT);
	draw_text(y0, x0 + 2, draw_width(" teltop keys "), TUI_ROLE_HEADER,
	    " teltop keys ");
	for (y = 1; y < h - 1 && p != NULL && *p != '\0'; y++) {
		nl = strchr(p, '\n');
		snprintf(line, sizeof line, "%.*s", nl != NULL ?
		    (int)(nl - p) : (int)strlen(p), p);
		p = nl != NULL ? nl + 1 : NULL;
		draw_text(y0 + y, x0 + 2, w - 4, TUI_ROLE_PROMPT, line);
	}
}

/*
 * Draw text from row y on, wrapped at spaces into lines of width w (a word
 * longer than a line is cut), at most max lines; the rows used.
 */
static int
draw_wrapped(int y, int x, int w, enum tui_role role, const char *text,
    int max)
{
	char	 line[400];
	size_t	 len, cut;
	int	 n = 0;

	while (*text != '\0' && n < max && w > 0) {
		len = strlen(text);
		cut = len <= (size_t)w ? len : (size_t)w;
		if (cut < len) {
			while (cut > 0 && text[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = (size_t)w;
		}
		if (cut >= sizeof line)
			cut = sizeof line - 1;
		memcpy(line, text, cut);
		line[cut] = '\0';
		draw_text(y + n++, x, w, role, line);
		text += cut;
		while (*text == ' ')
			text++;
	}
	return n;
}

/* What was refused lately: a bordered box over the view, newest first. */
static void
draw_refusals(struct tui *t)
{
	struct tt_refusal	 r[16];
	char			 line[400], when[16];
	size_t			 n = 0, i;
	int			 w, h, y0, x0, y, end;
	time_t			 tt;
	struct tm		 tm;

	if (t->host.refusals != NULL)
		n = t->host.refusals(t->host.arg, r, sizeof r / sizeof r[0]);
	w = t->cols - 4 < 110 ? t->cols - 4 : 110;
	h = t->rows - 4;
	y0 = 2;
	x0 = (t->cols - w) / 2;
	draw_overlay(y0, x0, h, w, TUI_ROLE_PROMPT);
	snprintf(line, sizeof line, " Refused lately (%lld in all), newest "
	    "first ", (long long)t->st.rejected);
	draw_text(y0, x0 + 2, w - 4, TUI_ROLE_HEADER, line);
	y = y0 + 1;
	end = y0 + h - 2;	/* the last row is the hint's */
	if (n == 0)
		draw_text(y++, x0 + 2, w - 4, TUI_ROLE_PROMPT, "nothing was "
		    "refused since this collector started");
	for (i = 0; i < n && y + 1 < end; i++) {
		tt = (time_t)(r[i].at / 1000000);
		when[0] = '\0';
		if (localtime_r(&tt, &tm) != NULL)
			strftime(when, sizeof when, "%H:%M:%S", &tm);
		if (r[i].status != 0)
			snprintf(line, sizeof line, "%s  %s %s  %d %s", when,
			    r[i].method, r[i].route, r[i].status,
			    r[i].reason);
		else
			snprintf(line, sizeof line, "%s  %s %s  %lld item%s "
			    "%s", when, r[i].method, r[i].route,
			    (long long)r[i].n, r[i].n == 1 ? "" : "s",
			    r[i].reason);
		draw_text(y++, x0 + 2, w - 4, TUI_ROLE_ERROR, line);
		y += draw_wrapped(y, x0 + 4, w - 6, TUI_ROLE_PROMPT, r[i].why,
		    end - y < 2 ? end - y : 2);
		if (r[i].head[0] != '\0' && y < end) {
			snprintf(line, sizeof line, "body: %s", r[i].head);
			draw_text(y++, x0 + 4, w - 6, TUI_ROLE_DIM, line);
		}
	}
	draw_text(y0 + h - 2, x0 + 2, w - 4, TUI_ROLE_DIM, "any key closes; "
	    "teltop stats counts them by route and reason");
}

static void
draw_all(struct tui *t)
{
	int	body = t->rows - 4;

	erase();
	if (t->rows < 6 || t->cols < 20) {
		draw_text(0, 0, t->cols, TUI_ROLE_WARN, "terminal too small");
		refresh();
		return;
	}
	draw_header(t);
	views[t->view]->draw(t, 2, body);
	draw_footer(t);
	if (t->help)
		draw_help(t);
	else if (t->refusals)
		draw_refusals(t);
	curs_set(t->prompt == P_FILTER ? 1 : 0);
	refresh();
}

/* Refresh the header's numbers; the rate over the last second or more. */
static void
update_status(struct tui *t, int64_t now)
{
	t->host.status(t->host.arg, &t->st);
	if (t->rate_t0 == 0) {
		t->rate_t0 = now;
		t->rate_a0 = t->st.accepted;
	} else if (now - t->rate_t0 >= 1000000) {
		t->rate = (double)(t->st.accepted - t->rate_a0) * 1e6 /
		    (double)(now - t->rate_t0);
		t->rate_t0 = now;
		t->rate_a0 = t->st.accepted;
	}
}

int64_t
tui_frame(struct tui *t, int64_t now)
{
	int64_t	since = now - t->last_frame;

	if (!t->dirty && since < IDLE_US)
		return IDLE_US - since;
	if (since < FRAME_US)
		return FRAME_US - since;
	update_status(t, now);
	draw_all(t);
	t->dirty = 0;
	t->last_frame = now;
	return IDLE_US;
}

/* ---- input ---- */

static void
next_theme(struct tui *t)
{
	struct tui_theme	 th;
	char			*cause = NULL;

	t->nthemes = tui_theme_list(t->themes, 16);
	if (t->nthemes == 0)
		return;
	t->theme_i = (t->theme_i + 1) % t->nthemes;
	if (tui_theme_load(t->themes[t->theme_i], &th, &cause) != 0) {
		tui_set_log(t, 1, "theme %s: %s (using the built-in default)",
		    t->themes[t->theme_i], cause);
		free(cause);
	} else {
		tui_set_log(t, 0, "theme: %s", t->themes[t->theme_i]);
		tui_remember(t, "theme", t->themes[t->theme_i], NULL);
	}
	tui_theme_apply(&th, t->no_color);
	bkgd(tui_attr(TUI_ROLE_DEFAULT));
	clear();
}

static void
prompt_key(struct tui *t, int ch)
{
	char	*cause = NULL;

	if (t->prompt == P_CONFIRM) {
		if (ch == 'y' || ch == 'Y') {
			if (t->host.optout_change(t->host.arg,
			    t->confirm_source, t->confirm_client,
			    t->confirm_enable, &cause) != 0) {
				tui_set_log(t, 1, "opt-out failed: %s", cause);
				free(cause);
			}
			t->opt.loaded_at = 0;	/* reload the view */
		} else
			tui_set_log(t, 0, "cancelled");
		t->prompt = P_NONE;
		return;
	}
	switch (ch) {
	case 27:
		t->prompt = P_NONE;
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		t->input[t->inlen] = '\0';
		if (t->prompt_view == V_DETAIL)
			detail_search(t, t->input);
		else if (t->prompt_view == V_FIELDS) {
			fields_find(t, t->input);
			if (t->inlen > 0)
				tui_set_log(t, 0, "fields holding \"%s\"",
				    t->input);
			else
				tui_set_log(t, 0, "every field again");
		} else if (t->prompt_view == V_COMMANDS) {
			snprintf(t->commands.find, sizeof t->commands.find,
			    "%s", t->input);
			t->commands.cur = t->commands.top = 0;
			if (t->inlen > 0)
				tui_set_log(t, 0, "commands holding \"%s\"",
				    t->input);
			else
				tui_set_log(t, 0, "every command again");
		} else if (stream_set_filter(t, t->input, &cause) != 0) {
			tui_set_log(t, 1, "filter: %s", cause);
			free(cause);
		} else if (t->inlen > 0)
			tui_set_log(t, 0, "filter: %s", t->input);
		else
			tui_set_log(t, 0, "filter cleared");
		t->prompt = P_NONE;
		break;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (t->inlen > 0)
			t->input[--t->inlen] = '\0';
		break;
	case 21:	/* ^U */
		t->inlen = 0;
		t->input[0] = '\0';
		break;
	default:
		if (ch >= 32 && ch < 256 && t->inlen + 1 < sizeof t->input) {
			t->input[t->inlen++] = (char)ch;
			t->input[t->inlen] = '\0';
		}
		break;
	}
}

static void
mouse_key(struct tui *t)
{
	MEVENT	me;
	int	ch;

	if (getmouse(&me) != OK)
		return;
	if (me.bstate & BUTTON4_PRESSED) {
		for (ch = 0; ch < 3; ch++)
			views[t->view]->key(t, KEY_UP);
		return;
	}
#ifdef BUTTON5_PRESSED
	if (me.bstate & BUTTON5_PRESSED) {
		for (ch = 0; ch < 3; ch++)
			views[t->view]->key(t, KEY_DOWN);
		return;
	}
#endif
	if ((me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED |
	    BUTTON1_DOUBLE_CLICKED)) == 0)
		return;
	if (me.y == 0 && me.x >= t->rej_x0 && me.x < t->rej_x1) {
		t->refusals = 1;
		return;
	}
	if (me.y == 1) {
		/* the tabs, as the header drew them */
		for (ch = 0; ch < V_TABS; ch++)
			if (me.x < t->tab_x1[ch]) {
				tui_show(t, (enum view_id)ch);
				break;
			}
		return;
	}
	if (me.y >= 2 && me.y < t->rows - 2 && views[t->view]->click != NULL)
		views[t->view]->click(t, me.y - 2,
		    (me.bstate & BUTTON1_DOUBLE_CLICKED) != 0);
}

static void
key(struct tui *t, int ch)
{
	t->dirty = 1;
	if (ch == KEY_RESIZE) {
		getmaxyx(stdscr, t->rows, t->cols);
		clear();
		return;
	}
	if (t->help || t->refusals) {
		t->help = t->refusals = 0;
		return;
	}
	if (t->prompt != P_NONE) {
		prompt_key(t, ch);
		return;
	}
	if (ch == KEY_MOUSE) {
		mouse_key(t);
		return;
	}
	if (views[t->view]->key(t, ch) == KEY_USED)
		return;
	switch (ch) {
	case 'q':
		t->done = 1;
		break;
	case '?':
		t->help = 1;
		break;
	case '!':
		t->refusals = 1;
		break;
	case '1': case '2': case '3': case '4': case '5':
	case '6': case '7': case '8': case '9':
		if (ch - '1' < V_TABS)
			tui_show(t, (enum view_id)(ch - '1'));
		break;
	case '\t':
		tui_show(t, t->view >= V_TABS ? (t->view == V_DETAIL ?
		    t->detail.back : tui_tab_of(t, t->view)) :
		    (enum view_id)((t->view + 1) % V_TABS));
		break;
	case KEY_BTAB:
		tui_show(t, t->view >= V_TABS ? (t->view == V_DETAIL ?
		    t->detail.back : tui_tab_of(t, t->view)) :
		    (enum view_id)((t->view + V_TABS - 1) % V_TABS));
		break;
	case 't':
		next_theme(t);
		break;
	case '/':
		if (t->view == V_DETAIL) {
			t->prompt = P_FILTER;
			t->prompt_view = V_DETAIL;
			snprintf(t->input, sizeof t->input, "%s",
			    t->detail.search);
			t->inlen = strlen(t->input);
		} else if (t->view == V_COMMANDS) {
			t->prompt = P_FILTER;
			t->prompt_view = V_COMMANDS;
			snprintf(t->input, sizeof t->input, "%s",
			    t->commands.find);
			t->inlen = strlen(t->input);
		} else if (t->view == V_FIELDS && !t->fields.diff) {
			t->prompt = P_FILTER;
			t->prompt_view = V_FIELDS;
			snprintf(t->input, sizeof t->input, "%s",
			    t->fields.find);
			t->inlen = strlen(t->input);
		} else if (t->view == V_STREAM) {
			t->prompt = P_FILTER;
			t->prompt_view = V_STREAM;
			snprintf(t->input, sizeof t->input, "%s",
			    t->stream.filter_text);
			t->inlen = strlen(t->input);
		}
		break;
	default:
		break;
	}
}

void
tui_input(struct tui *t)
{
	int	ch;

	while ((ch = getch()) != ERR)
		key(t, ch);
}

/* ---- life ---- */

/* What the config file kept: the view, the sorts; a bad name is said. */
static void
remembered(struct tui *t, const struct tui_config *cfg)
{
	char	name[32];
	int	v;

	if (cfg->sort_commands != NULL &&
	    commands_sort_set(t, cfg->sort_commands) != 0)
		tui_set_log(t, 1, "config: no sort '%.20s' of commands (name, "
		    "runs, failures, p95, last); ignored", cfg->sort_commands);
	if (cfg->sort_metrics != NULL &&
	    metrics_sort_set(t, cfg->sort_metrics) != 0)
		tui_set_log(t, 1, "config: no sort '%.20s' of metrics (name, "
		    "points, last); ignored", cfg->sort_metrics);
	if (cfg->view == NULL)
		return;
	for (v = 0; v < V_TABS; v++) {
		view_id_name((enum view_id)v, name, sizeof name);
		if (strcmp(name, cfg->view) == 0) {
			tui_show(t, (enum view_id)v);
			return;
		}
	}
	tui_set_log(t, 1, "config: no view '%.20s' (stream, commands, "
	    "opt-out, daily, metrics); ignored", cfg->view);
}

struct tui *
tui_create(const struct tui_config *cfg, char **cause)
{
	struct tui		*t;
	struct tui_theme	 th;
	const char		*nc;
	char			*tcause = NULL;
	size_t			 i;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*cause = xstrdup("the UI needs a terminal (use `teltop serve` "
		    "for the collector alone)");
		return NULL;
	}
	t = xcalloc(1, sizeof *t);
	t->st.disk_free = -1;
	t->cfg = *cfg;
	t->host = cfg->host;
	if (cfg->logpath != NULL)
		t->logf = fopen(cfg->logpath, "a");
	setlocale(LC_ALL, "");
	/* numbers are written and read with a '.' (JSON, the filter's), in
	 * any language the terminal speaks */
	setlocale(LC_NUMERIC, "C");
	if (initscr() == NULL) {
		*cause = xstrdup("cannot start curses: is TERM set?");
		free(t);
		return NULL;
	}
	the_tui = t;
	xmalloc_set_exit_hook(end_curses);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED |
	    BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
	    | BUTTON5_PRESSED
#endif
	    , NULL);
	mouseinterval(200);
	nc = getenv("NO_COLOR");
	t->no_color = (nc != NULL && *nc != '\0') || !has_colors();
	if (!t->no_color) {
		start_color();
		use_default_colors();
	}
	draw_init();
	getmaxyx(stdscr, t->rows, t->cols);

	if (tui_theme_load(cfg->theme != NULL ? cfg->theme : "default", &th,
	    &tcause) != 0) {
		tui_set_log(t, 1, "theme: %s; using the built-in default",
		    tcause);
		free(tcause);
	}
	tui_theme_apply(&th, t->no_color);
	bkgd(tui_attr(TUI_ROLE_DEFAULT));
	t->nthemes = tui_theme_list(t->themes, 16);
	for (i = 0; i < t->nthemes; i++)
		if (strcmp(t->themes[i], th.name) == 0)
			t->theme_i = i;

	stream_init(t);
	t->view = V_STREAM;
	t->dirty = 1;
	remembered(t, cfg);
	t->started = 1;
	if (t->logline[0] == '\0')
		tui_log(t, "listening; press ? for keys");
	return t;
}

int
tui_done(const struct tui *t)
{
	return t->done;
}

/* Move the per-second counts on to second sec (a new one is empty). */
static void
persec_advance(struct tui *t, int64_t sec)
{
	int64_t	s;

	if (sec <= t->persec_last)
		return;
	for (s = t->persec_last + 1; s <= sec && s <= t->persec_last +
	    RATE_SECS; s++)
		memset(t->persec[s % RATE_SECS], 0, sizeof t->persec[0]);
	if (sec - t->persec_last > RATE_SECS)
		memset(t->persec, 0, sizeof t->persec);
	t->persec_last = sec;
}

/*
 * The last minute of events as a sparkline in `width` cells (each a few
 * seconds when the width is short of 60), each cell in the colour of the
 * source that sent most in it.
 */
static void
draw_rate(struct tui *t, int y, int x, int width)
{
	int64_t		v[RATE_SECS], best, n;
	enum tui_role	roles[RATE_SECS];
	int		cells, per, c, k, src, top;

	if (width < 8)
		return;
	persec_advance(t, tt_now_us() / 1000000);
	cells = width < RATE_SECS ? width : RATE_SECS;
	per = (RATE_SECS + cells - 1) / cells;
	cells = RATE_SECS / per;
	for (c = 0; c < cells; c++) {
		v[c] = 0;
		best = 0;
		top = TT_SRC_GENERIC;
		for (src = 0; src < TT_SRC_COUNT; src++) {
			for (n = 0, k = 0; k < per; k++)
				n += t->persec[(t->persec_last - (cells - 1 - c) *
				    per - k + RATE_SECS * 2) % RATE_SECS][src];
			v[c] += n;
			if (n > best) {
				best = n;
				top = src;
			}
		}
		roles[c] = tui_source_role((enum tt_source)top);
	}
	draw_spark_roles(y, x, cells, v, cells, roles, TUI_ROLE_SPARK);
}

void
tui_event(struct tui *t, const struct tt_event *ev)
{
	int64_t	sec = tt_now_us() / 1000000;

	persec_advance(t, sec);
	if ((unsigned)ev->source < TT_SRC_COUNT)
		t->persec[sec % RATE_SECS][ev->source]++;
	stream_event(t, ev);
	t->dirty = 1;
}

void
tui_destroy(struct tui *t)
{
	int	v;

	if (t == NULL)
		return;
	endwin();
	the_tui = NULL;
	xmalloc_set_exit_hook(NULL);
	for (v = 0; v < V_COUNT; v++)
		if (views[v]->free != NULL)
			views[v]->free(t);
	free(t->confirm_source);
	free(t->confirm_client);
	if (t->logf != NULL)
		fclose(t->logf);
	free(t);
}
