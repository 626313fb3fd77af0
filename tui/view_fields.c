/*
 * Fields: the field catalog (store/catalog.c, through the host): per
 * source and event name, every field it has sent, with its JSON types,
 * privacy grade, the events that carried it and the versions; the
 * selected field's meaning (from the tools' documentation), what it held
 * or a few example values below.  A leaf the documentation does not name
 * is marked '!': what a transparency demo must show.  `u` shows only
 * those; `/` finds fields by path; Enter shows the event's stream.
 *
 * `d` compares two versions of the selected field's source (the two
 * newest first; `[` `]` move the older one, `{` `}` the newer): events
 * added and removed, fields added, removed, of another type, newly
 * personal.  The catalog is read again at most every RELOAD_US while
 * the view is up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "core/catalog.h"
#include "core/privacy.h"
#include "core/shape.h"
#include "core/xmalloc.h"
#include "tui_int.h"

#define RELOAD_US	2000000
#define PANE_ROWS	3	/* the selected field's meaning and values */

static void
diff_free(struct fieldview *f)
{
	tt_diff_clear(&f->d);
	tt_field_rows_clear(&f->from);
	tt_field_rows_clear(&f->to);
}

static void
versions_free(struct fieldview *f)
{
	size_t	i;

	for (i = 0; i < f->nvers; i++)
		free(f->vers[i]);
	free(f->vers);
	f->vers = NULL;
	f->nvers = 0;
}

static void
fields_free(struct tui *t)
{
	struct fieldview	*f = &t->fields;

	tt_field_rows_clear(&f->rows);
	free(f->shown);
	f->shown = NULL;
	f->nshown = 0;
	diff_free(f);
	versions_free(f);
	free(f->dsource);
	f->dsource = NULL;
}

/* Is row r shown under the find text and `u`? */
static int
shown(const struct fieldview *f, const struct tt_field_row *r)
{
	if (f->undocumented && !(tt_field_is_leaf(r) &&
	    tt_field_meaning(r) == NULL))
		return 0;
	return f->find[0] == '\0' || strstr(r->path, f->find) != NULL;
}

/* The lines: a heading per source and event name (row index | HEAD),
 * then its fields. */
#define HEAD	((size_t)1 << (sizeof(size_t) * 8 - 1))

static void
lines_make(struct fieldview *f)
{
	const struct tt_field_row	*r, *prev = NULL;
	size_t				 i;

	free(f->shown);
	f->shown = xcalloc(2 * f->rows.n + 1, sizeof *f->shown);
	f->nshown = 0;
	for (i = 0; i < f->rows.n; i++) {
		r = &f->rows.v[i];
		if (!shown(f, r))
			continue;
		if (prev == NULL || strcmp(prev->source, r->source) != 0 ||
		    strcmp(prev->name, r->name) != 0)
			f->shown[f->nshown++] = i | HEAD;
		f->shown[f->nshown++] = i;
		prev = r;
	}
	if (f->cur >= f->nshown)
		f->cur = f->nshown > 0 ? f->nshown - 1 : 0;
}

static void
reload(struct tui *t, int64_t now)
{
	struct fieldview	*f = &t->fields;
	char			*cause = NULL;

	if (t->host.fields == NULL)
		return;
	tt_field_rows_clear(&f->rows);
	if (t->host.fields(t->host.arg, NULL, NULL, &f->rows, &cause) != 0) {
		tui_set_log(t, 1, "fields: %s", cause != NULL ? cause : "?");
		free(cause);
	}
	f->loaded_at = now;
	lines_make(f);
}

/* The row under the cursor (a heading's first field), or NULL. */
static const struct tt_field_row *
selected(const struct fieldview *f)
{
	if (f->cur >= f->nshown)
		return NULL;
	return &f->rows.v[f->shown[f->cur] & ~HEAD];
}

static enum tui_role
grade_role(int grade)
{
	return grade == 2 ? TUI_ROLE_PII_RED : grade == 1 ?
	    TUI_ROLE_PII_YELLOW : TUI_ROLE_OK;
}

/* The kinds of a mask as "an e-mail address, a host name" into buf. */
static void
kinds_text(int kinds, char *buf, size_t len)
{
	size_t	n = 0;
	int	i;

	buf[0] = '\0';
	for (i = 0; i < TT_PK_COUNT && n < len; i++)
		if (kinds & (1 << i))
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    n ? ", " : "", tt_privacy_kind_text(
			    tt_privacy_kind_name(i)));
}

static void
versions_text(const struct tt_field_row *r, char *buf, size_t len)
{
	size_t	i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < r->nversions && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "",
		    *r->versions[i] ? r->versions[i] : "-");
}

/* A heading: the events of its most common field, its versions. */
static void
draw_heading(struct tui *t, int y, size_t i, int sel)
{
	const struct tt_field_row	*r = &t->fields.rows.v[i];
	struct tt_field_row		 all;
	char				 vers[256];
	int64_t				 events = 0;
	size_t				 k, j;
	enum tt_source			 src = TT_SRC_GENERIC;
	int				 x = 0;

	(void)tt_source_parse(r->source, &src);
	memset(&all, 0, sizeof all);
	for (k = i; k < t->fields.rows.n && strcmp(t->fields.rows.v[k].source,
	    r->source) == 0 && strcmp(t->fields.rows.v[k].name, r->name) == 0;
	    k++) {
		if (t->fields.rows.v[k].events > events)
			events = t->fields.rows.v[k].events;
		for (j = 0; j < t->fields.rows.v[k].nversions; j++)
			tt_field_row_add_version(&all,
			    t->fields.rows.v[k].versions[j]);
	}
	tt_versions_sort(all.versions, all.nversions);
	versions_text(&all, vers, sizeof vers);
	tt_field_row_clear(&all);
	draw_text(y, 0, t->cols, sel ? TUI_ROLE_SELECTED : TUI_ROLE_DEFAULT,
	    "");
	draw_cell(y, &x, (int)strlen(r->source), sel ? TUI_ROLE_SELECTED :
	    tui_source_role(src), r->source);
	draw_fmt(y, x, t->cols - x, sel ? TUI_ROLE_SELECTED : TUI_ROLE_TITLE,
	    "/ %s  %lld event%s  %s", *r->name ? r->name : "(no name)",
	    (long long)events, events == 1 ? "" : "s", vers);
}

static void
draw_field(struct tui *t, int y, const struct tt_field_row *r, int sel,
    int wpath, int wmeaning)
{
	const char	*meaning = tt_field_meaning(r);
	char		 types[64], events[24], vers[256];
	int		 x = 0, grade = tt_field_grade(r), undoc;

	undoc = meaning == NULL && tt_field_is_leaf(r);
#define ROLE(role)	(sel ? TUI_ROLE_SELECTED : (role))
	if (sel)
		draw_text(y, 0, t->cols, TUI_ROLE_SELECTED, "");
	draw_cell(y, &x, 2, ROLE(TUI_ROLE_WARN), undoc ? " !" : "");
	draw_cell(y, &x, wpath, ROLE(TUI_ROLE_DEFAULT), r->path);
	draw_cell(y, &x, 10, ROLE(TUI_ROLE_DIM), tt_jtypes_text(r->types,
	    types, sizeof types));
	draw_cell(y, &x, 6, ROLE(grade_role(grade)), tt_grade_name(grade));
	snprintf(events, sizeof events, "%lld", (long long)r->events);
	draw_rcell(y, &x, 7, ROLE(TUI_ROLE_DEFAULT), events);
	versions_text(r, vers, sizeof vers);
	draw_cell(y, &x, 14, ROLE(TUI_ROLE_DIM), vers);
	if (wmeaning > 0)
		draw_cell(y, &x, wmeaning, ROLE(undoc ? TUI_ROLE_WARN :
		    TUI_ROLE_DIM), undoc ? "undocumented" : meaning != NULL ?
		    meaning : "");
#undef ROLE
}

/* The selected field's meaning, and what it held or examples. */
static void
draw_pane(struct tui *t, int y)
{
	const struct tt_field_row	*r = selected(&t->fields);
	const char			*meaning;
	char				 buf[512];
	size_t				 i, n;
	int				 grade;

	if (r == NULL)
		return;
	meaning = tt_field_meaning(r);
	grade = tt_field_grade(r);
	if (meaning != NULL)
		draw_fmt(y, 1, t->cols - 1, TUI_ROLE_DEFAULT, "%s: %s", r->path,
		    meaning);
	else if (tt_field_is_leaf(r))
		draw_fmt(y, 1, t->cols - 1, TUI_ROLE_WARN, "%s: undocumented: "
		    "%s's documentation does not name this field", r->path,
		    r->source);
	else
		draw_fmt(y, 1, t->cols - 1, TUI_ROLE_DIM, "%s", r->path);
	if (r->kinds != 0) {
		kinds_text(r->kinds, buf, sizeof buf);
		draw_fmt(y + 1, 1, t->cols - 1, grade_role(grade), " %s: %s ",
		    grade == 2 ? "personal, held" : "pseudonymous, held", buf);
	}
	if (r->nexamples > 0) {
		n = (size_t)snprintf(buf, sizeof buf, "e.g.");
		for (i = 0; i < r->nexamples && n < sizeof buf; i++)
			n += (size_t)snprintf(buf + n, sizeof buf - n,
			    r->types & TT_JT(STRING) ? "  \"%s\"" : "  %s",
			    r->examples[i]);
		draw_text(y + 2, 1, t->cols - 1, TUI_ROLE_DIM, buf);
	} else if (grade == 2)
		draw_text(y + 2, 1, t->cols - 1, TUI_ROLE_DIM, "no examples "
		    "are kept of a personal field");
}

static void
draw_list(struct tui *t, int y, int rows)
{
	struct fieldview	*f = &t->fields;
	size_t			 i, undoc = 0, personal = 0, nf = 0;
	int			 r, wpath, wmeaning, fixed, x = 0, list;

	list = rows - 2 - PANE_ROWS;
	f->body = list;
	f->top = tui_scroll(f->top, f->cur, list);
	/*
	 * ! 2, the path as wide as the widest shown, type 10, grade 6,
	 * events 7, versions 14, a blank each; from 100 columns the meaning
	 * in the rest (40 at least, the path giving way)
	 */
	for (wpath = 12, i = 0; i < f->nshown; i++)
		if (!(f->shown[i] & HEAD) && draw_width(
		    f->rows.v[f->shown[i]].path) > wpath)
			wpath = draw_width(f->rows.v[f->shown[i]].path);
	fixed = 3 + 11 + 7 + 8 + 15;
	if (t->cols >= 100 && wpath > t->cols - fixed - 41)
		wpath = t->cols - fixed - 41;
	if (wpath > t->cols - fixed)
		wpath = t->cols - fixed;
	if (wpath < 12)
		wpath = 12;
	wmeaning = t->cols >= 100 ? t->cols - fixed - wpath - 1 : 0;
	draw_text(y, 0, t->cols, TUI_ROLE_TITLE, "");
	draw_cell(y, &x, 2, TUI_ROLE_TITLE, "");
	draw_cell(y, &x, wpath, TUI_ROLE_TITLE, "FIELD");
	draw_cell(y, &x, 10, TUI_ROLE_TITLE, "TYPE");
	draw_cell(y, &x, 6, TUI_ROLE_TITLE, "GRADE");
	draw_rcell(y, &x, 7, TUI_ROLE_TITLE, "EVENTS");
	draw_cell(y, &x, 14, TUI_ROLE_TITLE, "VERSIONS");
	draw_cell(y, &x, wmeaning, TUI_ROLE_TITLE, "MEANING");
	if (t->host.fields == NULL)
		draw_text(y + 2, 2, t->cols - 2, TUI_ROLE_DIM, "This "
		    "collector keeps no field catalog.");
	else if (f->nshown == 0)
		draw_text(y + 2, 2, t->cols - 2, TUI_ROLE_DIM, f->rows.n > 0 ?
		    "No field is shown: u shows every field again, / finds "
		    "by path." : "No fields yet: they appear as events are "
		    "stored, one row per field each tool sends.");
	for (r = 0, i = f->top; r < list && i < f->nshown; r++, i++) {
		if (f->shown[i] & HEAD)
			draw_heading(t, y + 1 + r, f->shown[i] & ~HEAD,
			    i == f->cur);
		else
			draw_field(t, y + 1 + r, &f->rows.v[f->shown[i]],
			    i == f->cur, wpath, wmeaning);
	}
	draw_pane(t, y + 1 + list);
	for (i = 0; i < f->rows.n; i++) {
		nf++;
		if (tt_field_is_leaf(&f->rows.v[i]) &&
		    tt_field_meaning(&f->rows.v[i]) == NULL)
			undoc++;
		if (tt_field_grade(&f->rows.v[i]) == 2)
			personal++;
	}
	draw_fmt(y + rows - 1, 0, t->cols, TUI_ROLE_DIM, "%zu fields, %zu "
	    "undocumented (!), %zu personal%s%s%s%s", nf, undoc, personal,
	    f->undocumented ? "; only the undocumented" : "",
	    f->find[0] ? "; holding \"" : "", f->find, f->find[0] ? "\"" : "");
}

/* ---- the diff of two versions ---- */

/* The versions of the selected row's source, in release order. */
static void
versions_of(struct fieldview *f, const char *source)
{
	struct tt_field_row	all;
	size_t			i, j;

	versions_free(f);
	memset(&all, 0, sizeof all);
	for (i = 0; i < f->rows.n; i++)
		if (strcmp(f->rows.v[i].source, source) == 0)
			for (j = 0; j < f->rows.v[i].nversions; j++)
				tt_field_row_add_version(&all,
				    f->rows.v[i].versions[j]);
	tt_versions_sort(all.versions, all.nversions);
	f->vers = all.versions;
	f->nvers = all.nversions;
}

static int
diff_load(struct tui *t)
{
	struct fieldview	*f = &t->fields;
	char			*cause = NULL;

	diff_free(f);
	if (t->host.fields(t->host.arg, f->dsource, f->vers[f->vfrom],
	    &f->from, &cause) != 0 || t->host.fields(t->host.arg, f->dsource,
	    f->vers[f->vto], &f->to, &cause) != 0) {
		tui_set_log(t, 1, "diff: %s", cause != NULL ? cause : "?");
		free(cause);
		diff_free(f);
		return -1;
	}
	tt_fields_diff(&f->from, &f->to, &f->d);
	f->dcur = f->dtop = 0;
	return 0;
}

static void
diff_open(struct tui *t)
{
	struct fieldview		*f = &t->fields;
	const struct tt_field_row	*r = selected(f);

	if (r == NULL || t->host.fields == NULL)
		return;
	versions_of(f, r->source);
	if (f->nvers < 2) {
		tui_set_log(t, 1, "%s has one version in the catalog: nothing "
		    "to compare", r->source);
		return;
	}
	free(f->dsource);
	f->dsource = xstrdup(r->source);
	f->vfrom = f->nvers - 2;
	f->vto = f->nvers - 1;
	if (diff_load(t) == 0)
		f->diff = 1;
}

static void
draw_diff(struct tui *t, int y, int rows)
{
	struct fieldview		*f = &t->fields;
	const struct tt_diff_item	*it;
	char				 a[64], b[64], kinds[256];
	int				 r, x, wname = 16, sel;
	size_t				 i;

	f->body = rows - 3;
	f->dtop = tui_scroll(f->dtop, f->dcur, f->body);
	draw_fmt(y, 0, t->cols, TUI_ROLE_TITLE, "%s %s -> %s: %zu change%s",
	    f->dsource, *f->vers[f->vfrom] ? f->vers[f->vfrom] : "-",
	    *f->vers[f->vto] ? f->vers[f->vto] : "-", f->d.n,
	    f->d.n == 1 ? "" : "s");
	x = 0;
	draw_cell(y + 1, &x, 15, TUI_ROLE_TITLE, "CHANGE");
	draw_cell(y + 1, &x, wname, TUI_ROLE_TITLE, "EVENT");
	draw_cell(y + 1, &x, t->cols - x, TUI_ROLE_TITLE, "FIELD");
	if (f->d.n == 0)
		draw_text(y + 3, 2, t->cols - 2, TUI_ROLE_DIM, "Nothing "
		    "changed in what these two versions sent.");
	for (r = 0, i = f->dtop; r < f->body && i < f->d.n; r++, i++) {
		it = &f->d.v[i];
		sel = i == f->dcur;
#define ROLE(role)	(sel ? TUI_ROLE_SELECTED : (role))
		x = 0;
		if (sel)
			draw_text(y + 2 + r, 0, t->cols, TUI_ROLE_SELECTED, "");
		draw_cell(y + 2 + r, &x, 15, ROLE(it->kind == TT_DIFF_PERSONAL ?
		    TUI_ROLE_PII_RED : it->kind == TT_DIFF_REMOVED ||
		    it->kind == TT_DIFF_EVENT_REMOVED ? TUI_ROLE_FAIL :
		    TUI_ROLE_SUCCESS), tt_diff_kind_text(it->kind));
		draw_cell(y + 2 + r, &x, wname, ROLE(TUI_ROLE_DEFAULT),
		    it->name);
		if (it->path == NULL)
			continue;
		tt_jtypes_text(it->from_types, a, sizeof a);
		tt_jtypes_text(it->to_types, b, sizeof b);
		kinds_text(it->to_kinds, kinds, sizeof kinds);
		switch (it->kind) {
		case TT_DIFF_TYPE:
			draw_fmt(y + 2 + r, x, t->cols - x, ROLE(TUI_ROLE_DEFAULT),
			    "%s  %s -> %s", it->path, a, b);
			break;
		case TT_DIFF_PERSONAL:
			draw_fmt(y + 2 + r, x, t->cols - x, ROLE(TUI_ROLE_DEFAULT),
			    "%s  now holds %s", it->path, kinds);
			break;
		default:
			draw_fmt(y + 2 + r, x, t->cols - x, ROLE(TUI_ROLE_DEFAULT),
			    "%s  %s", it->path, it->kind == TT_DIFF_REMOVED ? a :
			    b);
			break;
		}
#undef ROLE
	}
	draw_fmt(y + rows - 1, 0, t->cols, TUI_ROLE_DIM, "versions of %s: "
	    "%zu; [ ] the older one, { } the newer one, d the fields",
	    f->dsource, f->nvers);
}

static void
fields_draw(struct tui *t, int y, int rows)
{
	int64_t	now = tt_now_us();

	if (now - t->fields.loaded_at >= RELOAD_US)
		reload(t, now);
	if (t->fields.diff)
		draw_diff(t, y, rows);
	else
		draw_list(t, y, rows);
}

static void
fields_enter(struct tui *t)
{
	reload(t, tt_now_us());
}

/* The stream, filtered to the selected field's source and event. */
static void
show_events(struct tui *t)
{
	const struct tt_field_row	*r = selected(&t->fields);
	char				 q[200], text[256], *cause = NULL;

	if (r == NULL)
		return;
	if (tt_filter_quote(r->name, q, sizeof q) != 0) {
		tui_set_log(t, 1, "this event's name is too long to filter on");
		return;
	}
	snprintf(text, sizeof text, "source=%s name=%s", r->source, q);
	if (stream_set_filter(t, text, &cause) != 0) {
		tui_set_log(t, 1, "%s", cause);
		free(cause);
		return;
	}
	tui_show(t, V_STREAM);
}

/* Move the older (which 0) or newer version of the diff by step. */
static void
diff_step(struct tui *t, int which, int step)
{
	struct fieldview	*f = &t->fields;
	size_t			*v = which == 0 ? &f->vfrom : &f->vto;
	size_t			 was = *v;

	if ((step < 0 && *v == 0) || (step > 0 && *v + 1 >= f->nvers))
		return;
	*v = step < 0 ? *v - 1 : *v + 1;
	if (f->vfrom == f->vto) {
		*v = was;
		return;
	}
	(void)diff_load(t);
}

static int
fields_key(struct tui *t, int ch)
{
	struct fieldview	*f = &t->fields;

	if (f->diff) {
		switch (ch) {
		case 'd':
		case 27:
			f->diff = 0;
			diff_free(f);
			return KEY_USED;
		case '[':
			diff_step(t, 0, -1);
			return KEY_USED;
		case ']':
			diff_step(t, 0, 1);
			return KEY_USED;
		case '{':
			diff_step(t, 1, -1);
			return KEY_USED;
		case '}':
			diff_step(t, 1, 1);
			return KEY_USED;
		default:
			return tui_move_key(&f->dcur, ch, f->d.n, f->body);
		}
	}
	switch (ch) {
	case 'd':
		diff_open(t);
		return KEY_USED;
	case 'u':
		f->undocumented = !f->undocumented;
		f->cur = f->top = 0;
		lines_make(f);
		tui_set_log(t, 0, f->undocumented ? "only the undocumented "
		    "fields" : "every field");
		return KEY_USED;
	case '\n':
	case '\r':
	case KEY_ENTER:
		show_events(t);
		return KEY_USED;
	default:
		return tui_move_key(&f->cur, ch, f->nshown, f->body);
	}
}

/* `/` in Fields: only the fields whose path holds text. */
void
fields_find(struct tui *t, const char *text)
{
	snprintf(t->fields.find, sizeof t->fields.find, "%s", text);
	t->fields.cur = t->fields.top = 0;
	lines_make(&t->fields);
}

static void
fields_click(struct tui *t, int row, int dbl)
{
	struct fieldview	*f = &t->fields;

	if (row < 1)
		return;
	if (f->diff) {
		if (row >= 2 && f->dtop + (size_t)row - 2 < f->d.n)
			f->dcur = f->dtop + (size_t)row - 2;
		return;
	}
	if (f->top + (size_t)row - 1 >= f->nshown ||
	    row - 1 >= f->body)
		return;
	f->cur = f->top + (size_t)row - 1;
	if (dbl)
		show_events(t);
}

const struct view_ops view_fields = {
	"Fields",
	"Enter events  d diff  u undocumented  / find  Up/Down move",
	"Enter its event's stream  d diff versions ([ ] { } pick)\n"
	"u only the undocumented (!)  / find by path",
	fields_draw, fields_key, fields_enter, fields_click, fields_free
};
