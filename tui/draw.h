/*
 * Drawing helpers the views share: clipped text, bars, sparklines, and
 * JSON turned into coloured, indented lines.  They take theme roles,
 * never colours.  Widths are in terminal columns; text is UTF-8.
 */
#ifndef TT_DRAW_H
#define TT_DRAW_H

#include <stddef.h>
#include <stdint.h>

#include "theme.h"

/* Whether the terminal takes UTF-8 (block characters for bars). */
void	draw_init(void);
/* A symbol as the terminal can show it: utf8s if it takes UTF-8, else
 * ascii (both one column wide). */
const char *draw_glyph(const char *utf8s, const char *ascii);
#define DRAW_ELLIPSIS	"\u2026"	/* …: where text was cut */

/* Columns text takes (UTF-8 aware, one column per character). */
int	draw_width(const char *);
int	draw_width_n(const char *, size_t);
/*
 * Text at (y, x) in width columns, padded with spaces; text that does not
 * fit is cut and ends in DRAW_ELLIPSIS ("~" without UTF-8).
 */
void	draw_text(int y, int x, int width, enum tui_role, const char *);
/*
 * A cell of a row: text in w columns at (y, *x), then a blank, and *x
 * moves past both; nothing for w 0 (a column left out).  draw_rcell puts
 * the text at the right of its columns (numbers).
 */
void	draw_cell(int y, int *x, int w, enum tui_role, const char *);
void	draw_rcell(int y, int *x, int w, enum tui_role, const char *);
/* A box h rows by w columns at (y, x): a line border, blank inside. */
void	draw_box(int y, int x, int h, int w, enum tui_role);
/* A box over the view: its rows are blanked from side to side first, so
 * nothing of the view shows beside it. */
void	draw_overlay(int y, int x, int h, int w, enum tui_role);
void	draw_fmt(int y, int x, int width, enum tui_role, const char *, ...)
	    __attribute__((format(printf, 5, 6)));
/* Bars of v[0..n) end to end, each in its role, the whole scaled to max
 * over width columns (a value above 0 takes a column at least). */
void	draw_stacked(int y, int x, int width, const int64_t *v,
	    const enum tui_role *roles, int n, double max);
/* A horizontal bar of value/max over width columns. */
void	draw_bar(int y, int x, int width, double value, double max,
	    enum tui_role);
/* A sparkline of v[0..n) (oldest first), scaled to its maximum. */
void	draw_spark(int y, int x, int width, const int64_t *v, int n,
	    enum tui_role);
/* The same, each value in its own role (roles[i]); a 0 is a blank. */
void	draw_spark_roles(int y, int x, int width, const int64_t *v, int n,
	    const enum tui_role *roles, enum tui_role role);

/* One line of pretty JSON: text and a role per byte. */
struct jline {
	char		*text;
	unsigned char	*roles;
	size_t		 len;
	char		*path;		/* the key path this line shows, or NULL */
};

struct jlines {
	struct jline	*v;
	size_t		 n;
	size_t		 cap;
};

/*
 * Pretty-print JSON text (any validity: bad input is shown as it is) into
 * lines, indenting by 2.  Each line whose first token is a key gets its
 * path ("a.b[2].c").  A string holding JSON is shown expanded below its
 * key with path "key>inner".
 */
void	jlines_build(struct jlines *, const char *json, size_t len);
void	jlines_add_text(struct jlines *, enum tui_role, const char *);
void	jlines_free(struct jlines *);
/* Draw line l at (y, x) within width. */
void	draw_jline(int y, int x, int width, const struct jline *l);
/*
 * The same from column skip of the line on (a wrapped line's next part, a
 * line scrolled sideways); with marks, an ellipsis shows where it goes on
 * beyond either side.
 */
void	draw_jline_from(int y, int x, int width, const struct jline *l,
	    size_t skip, int marks);
/* Columns line l takes. */
int	jline_width(const struct jline *l);

#endif
