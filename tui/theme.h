/*
 * Themes: the roles the UI draws with and the style each role has.
 *
 * Widgets ask for a role (tui_attr(TUI_ROLE_ERROR)), never for a colour.
 * A theme gives every role a style; themes/NAME.theme files hold them as
 * text, one "ROLE STYLE" line per role, STYLE in tmux syntax
 * ("fg=black,bg=cyan,bold").  What stays true:
 * - every role of a struct tui_theme has a style: parsing starts from the
 *   built-in default and a role a file leaves out keeps its default;
 * - a theme that fails to load or parse leaves the built-in default, so a
 *   bad file cannot stop startup;
 * - colour pairs start at 1 and roles with the same colours share one;
 *   with NO_COLOR or a terminal without colours no pair is used at all.
 */
#ifndef TT_THEME_H
#define TT_THEME_H

#include <stddef.h>

#include <curses.h>

/*
 * Roles the UI draws with: id, name in theme files, built-in default style
 * (the dark default; themes/default.theme says the same).
 */
#define TUI_ROLES(_) \
	_(DEFAULT, "default", "default") \
	_(HEADER, "header", "fg=black,bg=cyan") \
	_(FOOTER, "footer", "fg=black,bg=white") \
	_(TAB, "tab", "fg=colour250,bg=colour236") \
	_(TAB_ACTIVE, "tab-active", "fg=black,bg=cyan,bold") \
	_(TITLE, "title", "fg=cyan,bold") \
	_(SELECTED, "selected", "reverse") \
	_(DIM, "dim", "fg=colour244") \
	_(ERROR, "error", "fg=brightred,bold") \
	_(OK, "ok", "fg=green") \
	_(WARN, "warn", "fg=yellow") \
	_(PAUSED, "paused", "fg=black,bg=yellow,bold") \
	_(PROMPT, "prompt", "fg=brightwhite,bold") \
	_(LOG, "log", "fg=colour250") \
	_(SRC_DEVTRON, "source-devtron", "fg=colour69") \
	_(SRC_DEVPOD, "source-devpod", "fg=colour170") \
	_(SRC_DEVSY, "source-devsy", "fg=colour43") \
	_(SRC_WERF, "source-werf", "fg=colour172") \
	_(SRC_POSTHOG, "source-posthog", "fg=colour227") \
	_(SRC_GENERIC, "source-generic", "fg=colour250") \
	_(FAIL, "outcome-fail", "fg=brightred") \
	_(SUCCESS, "outcome-ok", "fg=brightgreen") \
	_(JSON_KEY, "json-key", "fg=colour75") \
	_(JSON_STRING, "json-string", "fg=colour114") \
	_(JSON_NUMBER, "json-number", "fg=colour179") \
	_(JSON_LITERAL, "json-literal", "fg=colour176") \
	_(JSON_PUNCT, "json-punct", "fg=colour244") \
	_(PII_RED, "pii-red", "fg=brightwhite,bg=colour160,bold") \
	_(PII_YELLOW, "pii-yellow", "fg=black,bg=colour220") \
	_(BAR, "bar", "fg=cyan") \
	_(SPARK, "spark", "fg=green") \
	_(OPTOUT_ON, "optout-on", "fg=yellow,bold") \
	_(OPTOUT_OFF, "optout-off", "fg=colour244") \
	_(CAPTURE, "capture", "fg=colour81")

enum tui_role {
#define TUI_ROLE_ENUM(id, name, style) TUI_ROLE_##id,
	TUI_ROLES(TUI_ROLE_ENUM)
#undef TUI_ROLE_ENUM
	TUI_ROLE_COUNT
};

/*
 * One role's look.  fg/bg: -1 is "default" (the default role's colour, and
 * for the default role the terminal's own), 0..255 otherwise.  attrs:
 * A_BOLD, A_REVERSE, A_UNDERLINE, A_DIM, A_ITALIC, A_BLINK (an attr_t,
 * since A_ITALIC does not fit in an int).
 */
struct tui_style {
	short	fg;
	short	bg;
	attr_t	attrs;
};

struct tui_theme {
	char			name[64];
	struct tui_style	role[TUI_ROLE_COUNT];
};

/* The name of a role in theme files, or "?". */
const char	*tui_role_name(enum tui_role);

/* The built-in dark default, named "default". */
void		 tui_theme_default(struct tui_theme *);

/*
 * The built-in monochrome styles (attributes only), named "mono";
 * themes/mono.theme says the same.  tui_theme_apply() falls back on them
 * without colours.
 */
void		 tui_theme_mono(struct tui_theme *);

/*
 * Parse one style in tmux syntax over a cleared style (default colours, no
 * attributes): comma or space separated fg=COLOUR, bg=COLOUR, bold (bright),
 * dim, underscore (underline), reverse, italics (italic), blink, "noATTR"
 * to clear one, none (no attributes), default (clear everything).
 * COLOUR: default (terminal), black red green yellow blue magenta cyan
 * white, brightblack .. brightwhite (8-15), colour0..colour255 (color),
 * #rrggbb (the nearest of the 256-colour palette).  -1 with *cause (caller
 * frees) and *out unchanged on error.
 */
int		 tui_style_parse(const char *, struct tui_style *,
		     char **cause);

/*
 * Parse theme text over the built-in default: "ROLE STYLE" lines, lines
 * starting with '#' are comments, blank lines are skipped; a role named
 * twice takes its last style.  Each line gives the role's whole style.  On
 * error -1 with *cause "line N: ..." (caller frees) and *theme the built-in
 * default.  The name is left as "default": the caller names the theme.
 */
int		 tui_theme_parse(const char *, struct tui_theme *,
		     char **cause);

/*
 * Load theme NAME from the first theme directory holding NAME.theme, in
 * order: each directory of $TELTOP_THEMES (':' separated), the running
 * executable's directory + "/themes", ./themes,
 * /usr/local/share/teltop/themes, /usr/share/teltop/themes.  A NAME with a
 * '/' is a path to the file.  On failure *theme is the built-in default and
 * -1 with *cause (caller frees) saying why: not found, or the file and its
 * parse error.  "default" with no file found is the built-in, and 0.
 */
int		 tui_theme_load(const char *, struct tui_theme *,
		     char **cause);

/*
 * The names of the themes in the same directories, sorted, unique, always
 * with "default"; at most max of them (the first in order).  Returns how
 * many were stored.
 */
size_t		 tui_theme_list(char [][64], size_t max);

/*
 * A colour 0..255 as the nearest the terminal has: unchanged with 256
 * colours or more; with 16 to 255 the nearest of the basic 16 (xterm's
 * palette); with 8 to 15 the nearest of the basic 8; -1 (default) with
 * fewer.  -1 stays -1.
 */
short		 tui_colour_fit(short, int ncolours);

/* NO_COLOR is set and not empty (no-color.org). */
int		 tui_theme_no_color(void);

/*
 * After initscr() and start_color(): make the colour pairs for the theme
 * and the attributes of each role.  Colours a role leaves as default are
 * the default role's; colours beyond the terminal's are fitted with
 * tui_colour_fit() and text never gets its background's colour.  With
 * no_color, or a terminal with fewer than 8 colours, only attributes are
 * used, and a role with colours adds its built-in monochrome attributes so
 * that it still stands out.  Can be called again to switch themes.
 */
void		 tui_theme_apply(const struct tui_theme *, int no_color);

/* The curses attributes (COLOR_PAIR | attrs) to draw a role with. */
attr_t		 tui_attr(enum tui_role);

#endif
