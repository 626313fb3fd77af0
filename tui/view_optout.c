/*
 * Opt-out: one row per source (every known one, and any other the
 * registry names) and one per opted-out client, with the collector-side
 * state, when and by whom it was set, events dropped since, and the proof
 * read from the database: how many events of it were stored since.  Below
 * the table, the selected tool's own switches and whether they are set on
 * this machine.  Once anything came through the capture proxy, a block
 * between the two says per source what capture did (captured, forwarded,
 * blocked, from the counters of every collector on the database) and
 * whether the registry blocks it now.  The registry (with its proof query)
 * and the counters are read at most once a second while the view is
 * shown; Space toggles after a y/n.
 */
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "core/xmalloc.h"
#include "core/decode.h"
#include "tui_int.h"

#define RELOAD_US	1000000

static void
rows_clear(struct optview *o)
{
	size_t	i;

	for (i = 0; i < o->nrows; i++) {
		free(o->rows[i].source);
		free(o->rows[i].client);
	}
	free(o->rows);
	o->rows = NULL;
	o->nrows = 0;
}

static void
optview_free(struct tui *t)
{
	struct optview	*o = &t->opt;

	rows_clear(o);
	tt_optout_clear(&o->reg);
	tt_switches_free(o->sw, o->nsw);
	o->nsw = 0;
}

static void
add_row(struct optview *o, const char *source, const char *client)
{
	size_t	i;

	for (i = 0; i < o->nrows; i++)
		if (strcmp(o->rows[i].source, source) == 0 &&
		    ((client == NULL && o->rows[i].client == NULL) ||
		    (client != NULL && o->rows[i].client != NULL &&
		    strcmp(client, o->rows[i].client) == 0)))
			return;
	o->rows = xrealloc(o->rows, (o->nrows + 1) * sizeof *o->rows);
	o->rows[o->nrows].source = xstrdup(source);
	o->rows[o->nrows].client = client != NULL ? xstrdup(client) : NULL;
	o->nrows++;
}

/* Read the registry and the switches again, and rebuild the rows. */
static void
reload(struct tui *t, int64_t now)
{
	struct optview	*o = &t->opt;
	size_t		 i, k;
	int		 s;

	t->host.optout(t->host.arg, &o->reg);
	memset(&o->counters, 0, sizeof o->counters);
	if (t->host.counters != NULL)
		t->host.counters(t->host.arg, &o->counters);
	tt_switches_free(o->sw, o->nsw);
	o->nsw = tt_switches_detect(o->sw, TT_SWITCHES_MAX);
	o->loaded_at = now;
	rows_clear(o);
	/* each known source, its clients under it, then unknown sources */
	for (s = 0; s < TT_SRC_COUNT; s++) {
		add_row(o, tt_source_name((enum tt_source)s), NULL);
		for (k = 0; k < o->reg.n; k++)
			if (o->reg.v[k].client != NULL && strcmp(
			    o->reg.v[k].source, tt_source_name(
			    (enum tt_source)s)) == 0)
				add_row(o, o->reg.v[k].source,
				    o->reg.v[k].client);
	}
	for (i = 0; i < o->reg.n; i++) {
		add_row(o, o->reg.v[i].source, NULL);
		if (o->reg.v[i].client != NULL)
			add_row(o, o->reg.v[i].source, o->reg.v[i].client);
	}
	if (o->cur >= o->nrows)
		o->cur = o->nrows > 0 ? o->nrows - 1 : 0;
}

/* Load at once, so keys pressed before the first draw find the rows. */
static void
optout_enter(struct tui *t)
{
	reload(t, tt_now_us());
}

/* The tool's own switch summary for a source: "off", "unset", ... */
static const char *
switch_summary(const struct optview *o, const char *source,
    enum tui_role *role)
{
	size_t		 i;
	const char	*res = "none known";

	*role = TUI_ROLE_DIM;
	for (i = 0; i < o->nsw; i++) {
		if (strcmp(o->sw[i].source, source) != 0)
			continue;
		if (o->sw[i].state == TT_SWITCH_OFF) {
			*role = TUI_ROLE_OPTOUT_ON;
			return "set here: off";
		}
		if (o->sw[i].state == TT_SWITCH_FORCED_ON) {
			*role = TUI_ROLE_WARN;
			return "forced on here";
		}
		res = "not set here";
	}
	return res;
}

static enum tui_role
label_role(const struct row *rw)
{
	enum tt_source	src;

	if (rw->client != NULL || tt_source_parse(rw->source, &src) != 0)
		return TUI_ROLE_DEFAULT;
	return tui_source_role(src);
}

/*
 * The sources with a capture line: any of their capture counts, or an
 * opt-out entry (which blocks their captured requests); none at all while
 * nothing was ever captured.  Returns how many went into v.
 */
static int
capture_sources(const struct optview *o, int v[TT_SRC_COUNT])
{
	struct tt_capture_counts	cc;
	char				buf[64];
	int				s, n = 0;

	tt_capture_counts(&o->counters, -1, &cc);
	if (tt_capture_none(&cc))
		return 0;
	for (s = 0; s < TT_SRC_COUNT; s++) {
		tt_capture_counts(&o->counters, s, &cc);
		if (!tt_capture_none(&cc) || tt_optout_capture_state(&o->reg,
		    tt_source_name((enum tt_source)s), buf, sizeof buf) != NULL)
			v[n++] = s;
	}
	return n;
}

/* The capture block from line y: a title, then a line per source. */
static void
draw_capture(struct tui *t, int y, const int *v, int n)
{
	struct tt_capture_counts	 cc;
	const char			*name, *state;
	char				 text[160], buf[64];
	int				 i, x;

	draw_text(y, 0, t->cols, TUI_ROLE_TITLE, "Through the capture proxy "
	    "(every collector on this database):");
	for (i = 0; i < n; i++) {
		name = tt_source_name((enum tt_source)v[i]);
		tt_capture_counts(&t->opt.counters, v[i], &cc);
		tt_capture_text(&cc, draw_glyph(" \u00b7 ", ", "), text,
		    sizeof text);
		state = tt_optout_capture_state(&t->opt.reg, name, buf,
		    sizeof buf);
		/* "  devpod   captured 52 · ... · blocked 40  opted out: ..." */
		draw_text(y + 1 + i, 2, 9, tui_source_role(
		    (enum tt_source)v[i]), name);
		x = 11 + draw_width(text);
		draw_text(y + 1 + i, 11, x - 11, TUI_ROLE_DEFAULT, text);
		if (state != NULL)
			draw_fmt(y + 1 + i, x + 2, t->cols - x - 2,
			    TUI_ROLE_OPTOUT_ON, "%s", state);
	}
}

static void
optout_draw(struct tui *t, int y, int rows)
{
	struct optview			*o = &t->opt;
	const struct tt_optout_entry	*e;
	const struct row		*rw;
	char				 since[16], proof[64], label[320];
	char				 dropped[24];
	const char			*sw;
	enum tui_role			 swrole, role;
	int64_t				 now = tt_now_us();
	int				 r, table, x, capv[TT_SRC_COUNT], ncap, lw;
	int				 caplines;
	size_t				 i;

	if (o->loaded_at == 0 || now - o->loaded_at >= RELOAD_US)
		reload(t, now);
	ncap = capture_sources(o, capv);
	caplines = ncap > 0 ? ncap + 1 : 0;
	table = rows - 7 - caplines;
	if (table < 3) {
		table = rows - 1;
		caplines = 0;
	}
	o->body = table - 1;
	o->top = tui_scroll(o->top, o->cur, o->body);
	/* a client id is never cut (it is copied from here): the label is
	 * as wide as the widest, the columns after it make way */
	for (lw = 20, i = 0; i < o->nrows; i++)
		if (o->rows[i].client != NULL &&
		    draw_width(o->rows[i].client) + 9 > lw)
			lw = draw_width(o->rows[i].client) + 9;
	x = 0;
	draw_text(y, 0, t->cols, TUI_ROLE_TITLE, "");
	draw_cell(y, &x, lw, TUI_ROLE_TITLE, "SOURCE / CLIENT");
	draw_cell(y, &x, 7, TUI_ROLE_TITLE, "OPT-OUT");
	draw_cell(y, &x, 4, TUI_ROLE_TITLE, "BY");
	draw_rcell(y, &x, 8, TUI_ROLE_TITLE, "DROPPED");
	draw_cell(y, &x, 26, TUI_ROLE_TITLE, "PROOF (from the database)");
	draw_text(y, x, t->cols - x, TUI_ROLE_TITLE, "TOOL'S OWN SWITCH");
	for (r = 0, i = o->top; r < o->body && i < o->nrows; r++, i++) {
		rw = &o->rows[i];
		e = tt_optout_find(&o->reg, rw->source, rw->client);
		snprintf(label, sizeof label, "%s%s", rw->client != NULL ?
		    "  client " : "", rw->client != NULL ? rw->client :
		    rw->source);
		sw = rw->client == NULL ? switch_summary(o, rw->source,
		    &swrole) : "";
		swrole = rw->client == NULL ? swrole : TUI_ROLE_DIM;
		proof[0] = dropped[0] = '\0';
		if (e != NULL) {
			tui_clock(e->since, since, sizeof since);
			if (e->stored_since == TT_NONE)
				snprintf(proof, sizeof proof, "-");
			else
				snprintf(proof, sizeof proof, "%lld stored "
				    "since %s", (long long)e->stored_since,
				    since);
			snprintf(dropped, sizeof dropped, "%lld",
			    (long long)(e->dropped + e->pending));
		}
#define ROLE(role)	(i == o->cur ? TUI_ROLE_SELECTED : (role))
		x = 0;
		if (i == o->cur)
			draw_text(y + 1 + r, 0, t->cols, TUI_ROLE_SELECTED, "");
		draw_cell(y + 1 + r, &x, lw, ROLE(label_role(rw)), label);
		draw_cell(y + 1 + r, &x, 7, ROLE(e != NULL ?
		    TUI_ROLE_OPTOUT_ON : TUI_ROLE_OPTOUT_OFF), e != NULL ? "ON" :
		    "off");
		draw_cell(y + 1 + r, &x, 4, ROLE(TUI_ROLE_DEFAULT),
		    e != NULL ? e->set_by : "");
		draw_rcell(y + 1 + r, &x, 8, ROLE(TUI_ROLE_DEFAULT), dropped);
		role = e != NULL && e->stored_since == 0 ? TUI_ROLE_OK :
		    TUI_ROLE_FAIL;
		draw_cell(y + 1 + r, &x, 26, ROLE(role), proof);
		draw_text(y + 1 + r, x, t->cols - x, ROLE(swrole), sw);
#undef ROLE
	}
	if (table == rows - 1 || o->nrows == 0)
		return;
	if (caplines > 0)
		draw_capture(t, y + table, capv, ncap);
	table += caplines;
	/* the selected tool's own switches */
	rw = &o->rows[o->cur];
	draw_fmt(y + table, 0, t->cols, TUI_ROLE_TITLE, "What %s itself "
	    "offers, and whether it is set on this machine:", rw->source);
	r = 1;
	for (i = 0; i < o->nsw && r < rows - table; i++) {
		if (strcmp(o->sw[i].source, rw->source) != 0 &&
		    strcmp(o->sw[i].source, "*") != 0)
			continue;
		draw_fmt(y + table + r, 0, t->cols, o->sw[i].state ==
		    TT_SWITCH_OFF ? TUI_ROLE_OPTOUT_ON : TUI_ROLE_DEFAULT,
		    "  %-9s %s: %s", tt_switch_state_name(o->sw[i].state),
		    o->sw[i].what, o->sw[i].detail);
		r++;
	}
	if (r == 1)
		draw_text(y + table + 1, 0, t->cols, TUI_ROLE_DIM, "  no "
		    "switch of its own is known; teltop's opt-out drops its "
		    "events here");
}

static int
optout_key(struct tui *t, int ch)
{
	struct optview			*o = &t->opt;
	const struct tt_optout_entry	*e;

	switch (ch) {
	case ' ':
		if (o->cur >= o->nrows)
			return KEY_USED;
		e = tt_optout_find(&o->reg, o->rows[o->cur].source,
		    o->rows[o->cur].client);
		tui_confirm_optout(t, o->rows[o->cur].source,
		    o->rows[o->cur].client, e == NULL);
		return KEY_USED;
	default:
		return tui_move_key(&o->cur, ch, o->nrows, o->body);
	}
}

static void
optout_click(struct tui *t, int row, int dbl)
{
	(void)dbl;
	if (row >= 1 && t->opt.top + (size_t)row - 1 < t->opt.nrows)
		t->opt.cur = t->opt.top + (size_t)row - 1;
}

const struct view_ops view_optout = {
	"Opt-out",
	"Space toggle (y/n)  Up/Down move",
	"Space toggle the row (asks y/n)",
	optout_draw, optout_key, optout_enter, optout_click,
	optview_free
};
