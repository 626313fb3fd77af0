/*
 * Unit tests for tui/theme.h: the role table, the style and theme parsers
 * (colour names, colourN, #rrggbb, attributes, comments, errors with line
 * numbers), the shipped themes/ files, finding themes on disk, the fitting
 * of 256 colours to 16 and 8, and the colour pairs made for a terminal.
 *
 * The tests run from the repository root (`make test-unit`), where they read
 * themes/.  Directories of their own go under a mkdtemp() directory, and
 * TELTOP_THEMES and NO_COLOR are set or cleared by each test that cares.
 * Terminals are made with newterm() on /dev/null, so no tty is needed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/theme.h"
#include "tt_test.h"

static const char *shipped[] = {
	"default", "high-contrast", "light", "mono", "nord", "solarized"
};
#define NSHIPPED	(sizeof shipped / sizeof shipped[0])

/* The themes with colours: every role but mono's. */
static const char *coloured[] = {
	"default", "high-contrast", "light", "nord", "solarized"
};
#define NCOLOURED	(sizeof coloured / sizeof coloured[0])

/* xterm's palette, worked out here rather than taken from the code. */
static void
rgb_of(int c, int rgb[3])
{
	static const int	basic[16][3] = {
		{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
		{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 },
		{ 229, 229, 229 }, { 127, 127, 127 }, { 255, 0, 0 },
		{ 0, 255, 0 }, { 255, 255, 0 }, { 92, 92, 255 },
		{ 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 }
	};
	static const int	level[6] = { 0, 95, 135, 175, 215, 255 };
	int			i;

	if (c < 16) {
		for (i = 0; i < 3; i++)
			rgb[i] = basic[c][i];
	} else if (c < 232) {
		rgb[0] = level[(c - 16) / 36];
		rgb[1] = level[((c - 16) / 6) % 6];
		rgb[2] = level[(c - 16) % 6];
	} else
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
}

/* The text of themes/NAME.theme.  Caller frees. */
static char *
read_theme(const char *name)
{
	char	 path[PATH_MAX], *text;
	FILE	*f;
	size_t	 n;

	snprintf(path, sizeof path, "themes/%s.theme", name);
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("%s: %s (run the tests from the repository root)",
		    path, strerror(errno));
	text = malloc(65536);
	assert_non_null(text);
	n = fread(text, 1, 65535, f);
	assert_false(ferror(f));
	assert_true(n < 65535);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* Parse themes/NAME.theme into *t; it must parse. */
static void
parse_shipped(const char *name, struct tui_theme *t)
{
	char	*text, *cause = NULL;

	text = read_theme(name);
	if (tui_theme_parse(text, t, &cause) != 0)
		fail_msg("themes/%s.theme: %s", name, cause);
	free(text);
}

/* ---- contrast (WCAG 2) ---- */

/* The relative luminance of an sRGB colour. */
static double
luminance(const int rgb[3])
{
	double	c[3], v;
	int	i;

	for (i = 0; i < 3; i++) {
		v = rgb[i] / 255.0;
		c[i] = v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
	}
	return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

static double
contrast(const int a[3], const int b[3])
{
	double	la = luminance(a), lb = luminance(b);

	return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

/*
 * A role's text and background colours as the terminal shows them: a
 * default colour is the default role's, and where that is the terminal's
 * own, xterm's (light grey on black; black on white for the light theme,
 * which is for light terminals); reverse swaps them.
 */
static void
shown_colours(const struct tui_theme *t, enum tui_role r, int light,
    int fg[3], int bg[3])
{
	const struct tui_style	*s = &t->role[r], *d = &t->role[TUI_ROLE_DEFAULT];
	int			 f = s->fg, b = s->bg, tmp;

	if (f < 0)
		f = d->fg;
	if (b < 0)
		b = d->bg;
	if (f < 0)
		f = light ? 0 : 7;
	if (b < 0)
		b = light ? 15 : 0;
	if (s->attrs & A_REVERSE) {
		tmp = f;
		f = b;
		b = tmp;
	}
	rgb_of(f, fg);
	rgb_of(b, bg);
}

/*
 * Every role that draws text reads at 4.5:1 or more against its background
 * in every coloured theme (the bar and the sparkline are not text).
 */
static void
test_contrast(void **state)
{
	struct tui_theme	 t;
	char			 bad[4096] = "";
	int			 fg[3], bg[3], r;
	size_t			 i, n;
	double			 c;

	(void)state;
	for (i = 0; i < NCOLOURED; i++) {
		parse_shipped(coloured[i], &t);
		for (r = 0; r < TUI_ROLE_COUNT; r++) {
			if (r == TUI_ROLE_BAR || r == TUI_ROLE_SPARK)
				continue;
			shown_colours(&t, (enum tui_role)r,
			    strcmp(coloured[i], "light") == 0, fg, bg);
			if ((c = contrast(fg, bg)) >= 4.5)
				continue;
			n = strlen(bad);
			snprintf(bad + n, sizeof bad - n, "\n  %s: %s %.2f:1",
			    coloured[i], tui_role_name((enum tui_role)r), c);
			print_error("%s: %s is %.2f:1\n", coloured[i],
			    tui_role_name((enum tui_role)r), c);
		}
	}
	if (bad[0] != '\0')
		fail_msg("text below 4.5:1 against its background:%s", bad);
}

/* Fail unless two themes give every role the same style. */
static void
assert_same_styles(const struct tui_theme *a, const struct tui_theme *b)
{
	int	i;

	for (i = 0; i < TUI_ROLE_COUNT; i++) {
		if (a->role[i].fg != b->role[i].fg ||
		    a->role[i].bg != b->role[i].bg ||
		    a->role[i].attrs != b->role[i].attrs)
			fail_msg("role %s: fg %d bg %d attrs %#lx, expected fg "
			    "%d bg %d attrs %#lx", tui_role_name(i),
			    a->role[i].fg, a->role[i].bg,
			    (unsigned long)a->role[i].attrs, b->role[i].fg,
			    b->role[i].bg, (unsigned long)b->role[i].attrs);
	}
}

/* Parse one style; it must parse. */
static struct tui_style
style(const char *s)
{
	struct tui_style	 sy;
	char			*cause = NULL;

	if (tui_style_parse(s, &sy, &cause) != 0)
		fail_msg("style '%s': %s", s, cause);
	return sy;
}

/* Parse one style that must fail; returns the cause (caller frees). */
static char *
style_error(const char *s)
{
	struct tui_style	 sy = { 3, 4, A_BOLD };
	char			*cause = NULL;

	if (tui_style_parse(s, &sy, &cause) == 0)
		fail_msg("style '%s' parsed", s);
	assert_non_null(cause);
	assert_int_equal(sy.fg, 3);
	assert_int_equal(sy.bg, 4);
	assert_true(sy.attrs == A_BOLD);
	return cause;
}

/* A fresh directory under /tmp.  Caller frees the name. */
static char *
temp_dir(void)
{
	char	*dir;

	dir = strdup("/tmp/teltop-theme-XXXXXX");
	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

/* Write text to dir/name. */
static void
write_file(const char *dir, const char *name, const char *text)
{
	char	 path[PATH_MAX];
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Remove a directory made by temp_dir() and the files in it. */
static void
remove_dir(char *dir, const char *const *names, size_t n)
{
	char	path[PATH_MAX];
	size_t	i;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	assert_int_equal(rmdir(dir), 0);
	free(dir);
}

/* ---- roles ---- */

/* Every role has a distinct name of lower-case letters and '-'. */
static void
test_role_names(void **state)
{
	const char	*a;
	int		 i, j;

	(void)state;
	assert_int_equal(TUI_ROLE_DEFAULT, 0);
	assert_int_equal(TUI_ROLE_COUNT, 34);
	for (i = 0; i < TUI_ROLE_COUNT; i++) {
		a = tui_role_name(i);
		assert_true(*a != '\0');
		assert_true(strspn(a, "abcdefghijklmnopqrstuvwxyz-") ==
		    strlen(a));
		for (j = 0; j < i; j++)
			if (strcmp(a, tui_role_name(j)) == 0)
				fail_msg("roles %d and %d are both %s", j, i,
				    a);
	}
	assert_str(tui_role_name(TUI_ROLE_HEADER), "header");
	assert_str(tui_role_name(TUI_ROLE_TAB_ACTIVE), "tab-active");
	assert_str(tui_role_name(TUI_ROLE_SRC_POSTHOG), "source-posthog");
	assert_str(tui_role_name(TUI_ROLE_FAIL), "outcome-fail");
	assert_str(tui_role_name(TUI_ROLE_SUCCESS), "outcome-ok");
	assert_str(tui_role_name(TUI_ROLE_OPTOUT_OFF), "optout-off");
	assert_str(tui_role_name(TUI_ROLE_CAPTURE), "capture");
	assert_str(tui_role_name(TUI_ROLE_COUNT), "?");
	assert_str(tui_role_name((enum tui_role)-1), "?");
}

/* The built-in default has the styles of the role table. */
static void
test_builtin_default(void **state)
{
	struct tui_theme	t;

	(void)state;
	memset(&t, 0x5a, sizeof t);
	tui_theme_default(&t);
	assert_str(t.name, "default");
	assert_int_equal(t.role[TUI_ROLE_DEFAULT].fg, -1);
	assert_int_equal(t.role[TUI_ROLE_DEFAULT].bg, -1);
	assert_true(t.role[TUI_ROLE_DEFAULT].attrs == A_NORMAL);
	assert_int_equal(t.role[TUI_ROLE_HEADER].fg, COLOR_BLACK);
	assert_int_equal(t.role[TUI_ROLE_HEADER].bg, COLOR_CYAN);
	assert_int_equal(t.role[TUI_ROLE_FOOTER].bg, COLOR_WHITE);
	assert_true(t.role[TUI_ROLE_SELECTED].attrs == A_REVERSE);
	assert_int_equal(t.role[TUI_ROLE_SELECTED].fg, -1);
	assert_true(t.role[TUI_ROLE_TAB_ACTIVE].attrs == A_BOLD);
}

/* The built-in monochrome styles have no colours and only three attrs. */
static void
test_builtin_mono(void **state)
{
	struct tui_theme	t;
	int			i;

	(void)state;
	tui_theme_mono(&t);
	assert_str(t.name, "mono");
	for (i = 0; i < TUI_ROLE_COUNT; i++) {
		assert_int_equal(t.role[i].fg, -1);
		assert_int_equal(t.role[i].bg, -1);
		assert_true((t.role[i].attrs &
		    ~(A_BOLD | A_REVERSE | A_UNDERLINE)) == 0);
	}
	assert_true(t.role[TUI_ROLE_SELECTED].attrs == A_REVERSE);
	assert_true(t.role[TUI_ROLE_HEADER].attrs & A_REVERSE);
	assert_true(t.role[TUI_ROLE_TITLE].attrs & A_UNDERLINE);
}

/* ---- shipped theme files ---- */

/* Each file parses, begins with a comment and names every role. */
static void
test_shipped_parse(void **state)
{
	struct tui_theme	 t;
	char			*text, *line;
	size_t			 i, len;
	int			 r, found;

	(void)state;
	for (i = 0; i < NSHIPPED; i++) {
		parse_shipped(shipped[i], &t);
		text = read_theme(shipped[i]);
		if (text[0] != '#')
			fail_msg("themes/%s.theme does not begin with a "
			    "comment", shipped[i]);
		for (r = 0; r < TUI_ROLE_COUNT; r++) {
			len = strlen(tui_role_name(r));
			found = 0;
			for (line = text; line != NULL && !found;
			    line = strchr(line, '\n')) {
				if (*line == '\n')
					line++;
				found = strncmp(line, tui_role_name(r),
				    len) == 0 && (line[len] == ' ' ||
				    line[len] == '\t');
			}
			if (!found)
				fail_msg("themes/%s.theme has no %s line",
				    shipped[i], tui_role_name(r));
		}
		free(text);
	}
}

/* themes/default.theme is the built-in default, mono.theme the mono. */
static void
test_shipped_match_builtin(void **state)
{
	struct tui_theme	file, builtin;

	(void)state;
	parse_shipped("default", &file);
	tui_theme_default(&builtin);
	assert_same_styles(&file, &builtin);

	parse_shipped("mono", &file);
	tui_theme_mono(&builtin);
	assert_same_styles(&file, &builtin);
}

/*
 * The coloured themes: the six sources have six colours, outcome-fail is
 * red-ish and outcome-ok green-ish, pii-red red and pii-yellow yellow.
 */
static void
test_shipped_colours(void **state)
{
	static const enum tui_role sources[] = {
		TUI_ROLE_SRC_DEVTRON, TUI_ROLE_SRC_DEVPOD, TUI_ROLE_SRC_DEVSY,
		TUI_ROLE_SRC_WERF, TUI_ROLE_SRC_POSTHOG, TUI_ROLE_SRC_GENERIC
	};
	struct tui_theme	 t;
	const struct tui_style	*sy;
	size_t			 i, j, k;
	int			 c[3];

	(void)state;
	for (i = 0; i < NCOLOURED; i++) {
		parse_shipped(coloured[i], &t);
		for (j = 0; j < 6; j++) {
			assert_true(t.role[sources[j]].fg >= 0);
			for (k = 0; k < j; k++)
				if (t.role[sources[j]].fg ==
				    t.role[sources[k]].fg)
					fail_msg("%s: %s and %s share a colour",
					    coloured[i],
					    tui_role_name(sources[j]),
					    tui_role_name(sources[k]));
		}

		rgb_of(t.role[TUI_ROLE_FAIL].fg, c);
		if (!(c[0] > c[1] && c[0] > c[2]))
			fail_msg("%s: outcome-fail is not red", coloured[i]);
		rgb_of(t.role[TUI_ROLE_SUCCESS].fg, c);
		if (!(c[1] >= c[0] && c[1] > c[2]))
			fail_msg("%s: outcome-ok is not green", coloured[i]);

		sy = &t.role[TUI_ROLE_PII_RED];
		rgb_of(sy->bg != -1 ? sy->bg : sy->fg, c);
		if (!(c[0] > c[1] && c[0] > c[2]))
			fail_msg("%s: pii-red is not red", coloured[i]);
		sy = &t.role[TUI_ROLE_PII_YELLOW];
		rgb_of(sy->bg != -1 ? sy->bg : sy->fg, c);
		if (!(c[0] > c[2] && c[1] > c[2]))
			fail_msg("%s: pii-yellow is not yellow", coloured[i]);
	}
}

/* ---- theme parser ---- */

/* Comments, blank lines, spaces, tabs and CRLF; other roles keep defaults. */
static void
test_parse_layout(void **state)
{
	struct tui_theme	 t, def;
	char			*cause = NULL;
	int			 i;

	(void)state;
	assert_int_equal(tui_theme_parse(
	    "# a comment\n"
	    "\n"
	    "   \t\n"
	    "  # an indented comment\n"
	    "header fg=red,bg=blue\n"
	    "\tfooter\t\tbold  reverse \r\n"
	    "title   fg=green , underscore\t\n"
	    "dim colour100\n"		/* replaced below */
	    "dim fg=colour100\n"
	    "json-key fg=#ff0000",	/* no final newline */
	    &t, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "line 8"));
	free(cause);
	cause = NULL;

	assert_int_equal(tui_theme_parse(
	    "# a comment\n"
	    "\n"
	    "   \t\n"
	    "  # an indented comment\n"
	    "header fg=red,bg=blue\n"
	    "\tfooter\t\tbold  reverse \r\n"
	    "title   fg=green , underscore\t\n"
	    "dim fg=colour7\n"
	    "dim fg=colour100\n"
	    "json-key fg=#ff0000",
	    &t, &cause), 0);
	assert_null(cause);
	assert_str(t.name, "default");
	assert_int_equal(t.role[TUI_ROLE_HEADER].fg, COLOR_RED);
	assert_int_equal(t.role[TUI_ROLE_HEADER].bg, COLOR_BLUE);
	assert_true(t.role[TUI_ROLE_HEADER].attrs == A_NORMAL);
	/* A line gives the whole style: the default's bg=white is gone. */
	assert_int_equal(t.role[TUI_ROLE_FOOTER].fg, -1);
	assert_int_equal(t.role[TUI_ROLE_FOOTER].bg, -1);
	assert_true(t.role[TUI_ROLE_FOOTER].attrs == (A_BOLD | A_REVERSE));
	assert_int_equal(t.role[TUI_ROLE_TITLE].fg, COLOR_GREEN);
	assert_true(t.role[TUI_ROLE_TITLE].attrs == A_UNDERLINE);
	assert_int_equal(t.role[TUI_ROLE_DIM].fg, 100);
	assert_int_equal(t.role[TUI_ROLE_JSON_KEY].fg, 196);

	tui_theme_default(&def);
	for (i = 0; i < TUI_ROLE_COUNT; i++) {
		if (i == TUI_ROLE_HEADER || i == TUI_ROLE_FOOTER ||
		    i == TUI_ROLE_TITLE || i == TUI_ROLE_DIM ||
		    i == TUI_ROLE_JSON_KEY)
			continue;
		assert_int_equal(t.role[i].fg, def.role[i].fg);
		assert_int_equal(t.role[i].bg, def.role[i].bg);
		assert_true(t.role[i].attrs == def.role[i].attrs);
	}

	/* Nothing at all, or only comments: the built-in default. */
	assert_int_equal(tui_theme_parse("", &t, &cause), 0);
	assert_same_styles(&t, &def);
	assert_int_equal(tui_theme_parse("#\n\n# x\n", &t, &cause), 0);
	assert_same_styles(&t, &def);
}

/* Errors name the line and what is wrong, and leave the default. */
static void
test_parse_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "header fg=red\n\nheadr fg=red\n",
		    "line 3: unknown role 'headr'" },
		{ "header fg=purplish\n",
		    "line 1: header: bad colour 'purplish'" },
		{ "# c\nfooter bold,blinky\n",
		    "line 2: footer: bad attribute 'blinky'" },
		{ "\n\n\n\ntitle fg=colour300\n",
		    "line 5: title: bad colour 'colour300'" },
		{ "dim bg=colour256\n", "line 1: dim: bad colour 'colour256'" },
		{ "dim fg=colour\n", "line 1: dim: bad colour 'colour'" },
		{ "dim fg=colour-1\n", "line 1: dim: bad colour 'colour-1'" },
		{ "dim fg=colour1x\n", "line 1: dim: bad colour 'colour1x'" },
		{ "dim fg=#12345\n", "line 1: dim: bad colour '#12345'" },
		{ "dim fg=#1234567\n", "line 1: dim: bad colour '#1234567'" },
		{ "dim fg=#12345g\n", "line 1: dim: bad colour '#12345g'" },
		{ "dim fg=\n", "line 1: dim: bad colour ''" },
		{ "dim us=red\n",
		    "line 1: dim: unknown style option 'us=red'" },
		{ "ok\n", "line 1: role 'ok' has no style" },
		{ "ok   \t\n", "line 1: role 'ok' has no style" },
		{ "ok ,\n", "line 1: ok: empty style" },
		{ "ok # a comment\n", "line 1: ok: bad attribute '#'" },
		{ "ok fg=green\nwarn fg=yellow\r\nbar fg=cyan,,bolder\n",
		    "line 3: bar: bad attribute 'bolder'" },
	};
	struct tui_theme	 t, def;
	char			*cause;
	size_t			 i;

	(void)state;
	tui_theme_default(&def);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		tui_theme_mono(&t);
		cause = NULL;
		if (tui_theme_parse(cases[i].text, &t, &cause) == 0)
			fail_msg("case %zu parsed", i);
		if (cause == NULL || strncmp(cause, cases[i].want,
		    strlen(cases[i].want)) != 0)
			fail_msg("case %zu: cause \"%s\", expected \"%s...\"",
			    i, cause ? cause : "(null)", cases[i].want);
		free(cause);
		assert_str(t.name, "default");
		assert_same_styles(&t, &def);
	}
}

/* Role names ignore case, as the style words do. */
static void
test_parse_case(void **state)
{
	struct tui_theme	 t;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(tui_theme_parse("HEADER FG=Red,BG=COLOUR17,BOLD\n",
	    &t, &cause), 0);
	assert_int_equal(t.role[TUI_ROLE_HEADER].fg, COLOR_RED);
	assert_int_equal(t.role[TUI_ROLE_HEADER].bg, 17);
	assert_true(t.role[TUI_ROLE_HEADER].attrs == A_BOLD);
}

/* ---- style parser ---- */

/* Colour names, bright names, colourN and colorN. */
static void
test_colour_names(void **state)
{
	static const char *names[] = {
		"black", "red", "green", "yellow", "blue", "magenta", "cyan",
		"white"
	};
	char	buf[64];
	int	i;

	(void)state;
	for (i = 0; i < 8; i++) {
		snprintf(buf, sizeof buf, "fg=%s", names[i]);
		assert_int_equal(style(buf).fg, i);
		snprintf(buf, sizeof buf, "bg=bright%s", names[i]);
		assert_int_equal(style(buf).bg, 8 + i);
	}
	assert_int_equal(style("fg=default").fg, -1);
	assert_int_equal(style("fg=terminal").fg, -1);
	assert_int_equal(style("fg=colour0").fg, 0);
	assert_int_equal(style("fg=colour255").fg, 255);
	assert_int_equal(style("fg=color42").fg, 42);
	assert_int_equal(style("fg=colour007").fg, 7);
	assert_int_equal(style("bg=Colour200").bg, 200);
	assert_int_equal(style("fg=BrightRed").fg, 9);

	/* The last fg wins; "default" clears all before it. */
	assert_int_equal(style("fg=red fg=blue").fg, COLOR_BLUE);
	assert_int_equal(style("fg=red,bg=red,bold,default").fg, -1);
	assert_int_equal(style("fg=red,bg=red,bold,default").bg, -1);
	assert_true(style("fg=red,bg=red,bold,default").attrs == A_NORMAL);
	assert_int_equal(style("default,fg=red").fg, COLOR_RED);
}

/* #rrggbb goes to the nearest of the 256-colour cube or grey ramp. */
static void
test_colour_rgb(void **state)
{
	static const struct {
		const char	*hex;
		short		 want;
	} cases[] = {
		{ "#000000", 16 },	/* cube black */
		{ "#ffffff", 231 },	/* cube white */
		{ "#ff0000", 196 },
		{ "#00ff00", 46 },
		{ "#0000ff", 21 },
		{ "#5f87af", 67 },	/* exactly on the cube */
		{ "#5F87AF", 67 },
		{ "#606060", 59 },	/* nearer cube (95,95,95) than 241 */
		{ "#808080", 244 },	/* exactly grey 8+10*12 */
		{ "#767676", 243 },
		{ "#080808", 232 },
		{ "#eeeeee", 255 },
		{ "#fefefe", 231 },	/* white beats grey 255 (238) */
		{ "#002b36", 234 },	/* solarized base03: grey is nearer */
		{ "#268bd2", 32 },	/* solarized blue */
		{ "#dc322f", 166 },	/* solarized red */
		{ "#2e3440", 237 },	/* nord0 */
		{ "#5a5a5a", 240 },
	};
	size_t	i;
	char	buf[32];
	short	got;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(buf, sizeof buf, "fg=%s", cases[i].hex);
		if ((got = style(buf).fg) != cases[i].want)
			fail_msg("%s: colour%d, expected colour%d",
			    cases[i].hex, got, cases[i].want);
	}
}

/* Attributes by name, "noATTR", "none", separated by commas or spaces. */
static void
test_attrs(void **state)
{
	static const struct {
		const char	*s;
		attr_t		 want;
	} cases[] = {
		{ "bold", A_BOLD },
		{ "bright", A_BOLD },
		{ "dim", A_DIM },
		{ "underscore", A_UNDERLINE },
		{ "underline", A_UNDERLINE },
		{ "reverse", A_REVERSE },
		{ "italics", A_ITALIC },
		{ "italic", A_ITALIC },
		{ "blink", A_BLINK },
		{ "bold,reverse", A_BOLD | A_REVERSE },
		{ "bold reverse\tunderscore", A_BOLD | A_REVERSE |
		    A_UNDERLINE },
		{ ",,bold,,", A_BOLD },
		{ "bold,dim,nobold", A_DIM },
		{ "nobold", A_NORMAL },
		{ "bold,italics,none", A_NORMAL },
		{ "none,reverse", A_REVERSE },
		{ "fg=red,bold", A_BOLD },
		{ "default", A_NORMAL },
	};
	size_t	i;
	attr_t	got;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if ((got = style(cases[i].s).attrs) != cases[i].want)
			fail_msg("'%s': %#lx, expected %#lx", cases[i].s,
			    (unsigned long)got, (unsigned long)cases[i].want);
	}
	/* Italics is the top bit of an attr_t and must survive. */
	assert_true((style("italics,bold").attrs & A_ITALIC) == A_ITALIC);
}

/* Bad styles fail with a cause and leave the style alone. */
static void
test_style_errors(void **state)
{
	static const struct {
		const char	*s;
		const char	*want;
	} cases[] = {
		{ "", "empty style" },
		{ " , ", "empty style" },
		{ "fg=purplish", "bad colour 'purplish'" },
		{ "bg=colour300", "bad colour 'colour300'" },
		{ "fg=colour1000", "bad colour 'colour1000'" },
		{ "bold,shiny", "bad attribute 'shiny'" },
		{ "noshiny", "bad attribute 'noshiny'" },
		{ "fill=red", "unknown style option 'fill=red'" },
		{ "fg red", "bad attribute 'fg'" },
	};
	char	*cause;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cause = style_error(cases[i].s);
		if (strncmp(cause, cases[i].want, strlen(cases[i].want)) != 0)
			fail_msg("'%s': cause \"%s\", expected \"%s...\"",
			    cases[i].s, cause, cases[i].want);
		free(cause);
	}
}

/* ---- fitting colours to the terminal ---- */

/* 256 colours to 16 and 8: greys stay grey, colours keep their hue. */
static void
test_colour_fit(void **state)
{
	static const struct {
		short	c;
		int	n;
		short	want;
	} cases[] = {
		{ -1, 8, -1 }, { -1, 256, -1 }, { 100, 256, 100 },
		{ 255, 256, 255 }, { 100, 512, 100 },
		/* The basic colours a terminal has are kept. */
		{ 0, 16, 0 }, { 9, 16, 9 }, { 15, 16, 15 }, { 7, 8, 7 },
		/* Bright colours on 8: the plain hue; bright black is grey. */
		{ 8, 8, 7 }, { 9, 8, 1 }, { 10, 8, 2 }, { 12, 8, 4 },
		{ 15, 8, 7 },
		/* Primaries of the cube. */
		{ 196, 16, 9 }, { 46, 16, 10 }, { 21, 16, 12 },
		{ 226, 16, 11 }, { 201, 16, 13 }, { 51, 16, 14 },
		{ 124, 16, 1 }, { 28, 16, 2 }, { 19, 16, 4 }, { 30, 16, 6 },
		{ 196, 8, 1 }, { 46, 8, 2 }, { 21, 8, 4 }, { 51, 8, 6 },
		/* Pastels keep their hue. */
		{ 114, 16, 2 }, { 176, 16, 5 }, { 153, 16, 14 },
		/* Orange is yellow, bright when full. */
		{ 214, 16, 11 }, { 172, 16, 3 },
		/* Greys and the cube's greys. */
		{ 16, 16, 0 }, { 232, 16, 0 }, { 236, 16, 0 },
		{ 240, 16, 8 }, { 244, 16, 8 }, { 59, 16, 8 },
		{ 250, 16, 7 }, { 145, 16, 8 }, { 255, 16, 7 },
		{ 231, 16, 15 },
		{ 16, 8, 0 }, { 236, 8, 0 }, { 244, 8, 7 }, { 231, 8, 7 },
		/* Between 16 and 255 colours: the 256 palette is not there. */
		{ 100, 88, 3 }, { 196, 88, 9 }, { 15, 88, 15 },
		/* Fewer than 8: no colour. */
		{ 1, 2, -1 }, { 200, 0, -1 },
	};
	size_t	i;
	short	got;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		got = tui_colour_fit(cases[i].c, cases[i].n);
		if (got != cases[i].want)
			fail_msg("colour%d on %d colours: %d, expected %d",
			    cases[i].c, cases[i].n, got, cases[i].want);
	}
}

/* Every colour fits within what the terminal has. */
static void
test_colour_fit_range(void **state)
{
	static const int	ns[] = { 8, 15, 16, 88, 255 };
	size_t			i;
	int			c;
	short			got;

	(void)state;
	for (i = 0; i < sizeof ns / sizeof ns[0]; i++)
		for (c = 0; c < 256; c++) {
			got = tui_colour_fit((short)c, ns[i]);
			assert_in_range(got, 0, ns[i] >= 16 ? 15 : 7);
		}
}

/* ---- loading and listing ---- */

/* Each shipped theme loads by name from ./themes. */
static void
test_load_shipped(void **state)
{
	struct tui_theme	 t, want;
	char			*cause;
	size_t			 i;

	(void)state;
	unsetenv("TELTOP_THEMES");
	for (i = 0; i < NSHIPPED; i++) {
		cause = NULL;
		if (tui_theme_load(shipped[i], &t, &cause) != 0)
			fail_msg("%s: %s", shipped[i], cause);
		assert_str(t.name, shipped[i]);
		parse_shipped(shipped[i], &want);
		assert_same_styles(&t, &want);
	}
	/* "light.theme" is taken as "light". */
	assert_int_equal(tui_theme_load("light.theme", &t, &cause), 0);
	assert_str(t.name, "light");
}

/* A missing theme: the built-in default and a cause naming it. */
static void
test_load_missing(void **state)
{
	struct tui_theme	 t, def;
	char			*cause = NULL;

	(void)state;
	unsetenv("TELTOP_THEMES");
	tui_theme_default(&def);
	tui_theme_mono(&t);
	assert_int_equal(tui_theme_load("no-such-theme", &t, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "no-such-theme"));
	assert_non_null(strstr(cause, "not found"));
	assert_non_null(strstr(cause, "./themes"));
	free(cause);
	assert_str(t.name, "default");
	assert_same_styles(&t, &def);

	cause = NULL;
	tui_theme_mono(&t);
	assert_int_equal(tui_theme_load("", &t, &cause), -1);
	assert_non_null(cause);
	free(cause);
	assert_same_styles(&t, &def);

	/* A path that does not exist. */
	cause = NULL;
	tui_theme_mono(&t);
	assert_int_equal(tui_theme_load("./no/such.theme", &t, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "./no/such.theme"));
	free(cause);
	assert_str(t.name, "default");
	assert_same_styles(&t, &def);
}

/* "default" with no file anywhere is the built-in, without error. */
static void
test_load_default_builtin(void **state)
{
	struct tui_theme	 t, def;
	char			 cwd[PATH_MAX], *dir, *cause = NULL;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof cwd));
	dir = temp_dir();
	assert_int_equal(setenv("TELTOP_THEMES", dir, 1), 0);
	assert_int_equal(chdir(dir), 0);

	tui_theme_mono(&t);
	assert_int_equal(tui_theme_load("default", &t, &cause), 0);
	assert_null(cause);
	assert_str(t.name, "default");
	tui_theme_default(&def);
	assert_same_styles(&t, &def);

	assert_int_equal(chdir(cwd), 0);
	unsetenv("TELTOP_THEMES");
	remove_dir(dir, NULL, 0);
}

/* $TELTOP_THEMES comes first, ':' separated, in order; then ./themes. */
static void
test_load_order(void **state)
{
	static const char	*names[] = { "light.theme", "mine.theme" };
	struct tui_theme	 t;
	char			*a, *b, *env, *cause = NULL;

	(void)state;
	a = temp_dir();
	b = temp_dir();
	write_file(a, "light.theme", "# shadows themes/light.theme\n"
	    "header fg=red\n");
	write_file(b, "light.theme", "header fg=green\n");
	write_file(b, "mine.theme", "header fg=blue\n");

	assert_int_equal(setenv("TELTOP_THEMES", a, 1), 0);
	assert_int_equal(tui_theme_load("light", &t, &cause), 0);
	assert_str(t.name, "light");
	assert_int_equal(t.role[TUI_ROLE_HEADER].fg, COLOR_RED);

	assert_int_equal(asprintf(&env, "%s::%s", b, a), (int)(strlen(a) +
	    strlen(b) + 2));
	assert_int_equal(setenv("TELTOP_THEMES", env, 1), 0);
	assert_int_equal(tui_theme_load("light", &t, &cause), 0);
	assert_int_equal(t.role[TUI_ROLE_HEADER].fg, COLOR_GREEN);
	assert_int_equal(tui_theme_load("mine", &t, &cause), 0);
	assert_str(t.name, "mine");
	assert_int_equal(t.role[TUI_ROLE_HEADER].fg, COLOR_BLUE);
	/* Not in either: ./themes still has it. */
	assert_int_equal(tui_theme_load("solarized", &t, &cause), 0);
	assert_str(t.name, "solarized");
	free(env);

	unsetenv("TELTOP_THEMES");
	remove_dir(a, names, 1);
	remove_dir(b, names, 2);
}

/* A bad file: the built-in default, and the file and line in the cause. */
static void
test_load_bad_file(void **state)
{
	static const char	*names[] = { "broken.theme" };
	struct tui_theme	 t, def;
	char			*dir, *cause = NULL, path[PATH_MAX];

	(void)state;
	dir = temp_dir();
	write_file(dir, "broken.theme", "# broken\nheader fg=purplish\n");
	assert_int_equal(setenv("TELTOP_THEMES", dir, 1), 0);

	tui_theme_default(&def);
	tui_theme_mono(&t);
	assert_int_equal(tui_theme_load("broken", &t, &cause), -1);
	snprintf(path, sizeof path, "%s/broken.theme: line 2: header: "
	    "bad colour 'purplish'", dir);
	assert_non_null(cause);
	assert_true(strncmp(cause, path, strlen(path)) == 0);
	free(cause);
	assert_str(t.name, "default");
	assert_same_styles(&t, &def);

	/* The same file by path. */
	snprintf(path, sizeof path, "%s/broken.theme", dir);
	cause = NULL;
	assert_int_equal(tui_theme_load(path, &t, &cause), -1);
	assert_non_null(strstr(cause, "line 2"));
	free(cause);

	unsetenv("TELTOP_THEMES");
	remove_dir(dir, names, 1);
}

/* A path loads the file and names the theme after it. */
static void
test_load_path(void **state)
{
	struct tui_theme	 t, want;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(tui_theme_load("themes/nord.theme", &t, &cause), 0);
	assert_str(t.name, "nord");
	parse_shipped("nord", &want);
	assert_same_styles(&t, &want);
	assert_int_equal(tui_theme_load("./themes/mono.theme", &t, &cause),
	    0);
	assert_str(t.name, "mono");
}

/* The list: sorted, unique, with "default" and the shipped themes. */
static void
test_list(void **state)
{
	static const char	*files[] = {
		"zzz.theme", "default.theme", "aaa.theme", ".hidden.theme",
		"notes.txt", ".theme", "light.theme"
	};
	char			 names[64][64], few[3][64], *dir;
	size_t			 n, i, j;
	int			 found;

	(void)state;
	dir = temp_dir();
	for (i = 0; i < sizeof files / sizeof files[0]; i++)
		write_file(dir, files[i], "# x\n");
	assert_int_equal(setenv("TELTOP_THEMES", dir, 1), 0);

	n = tui_theme_list(names, 64);
	assert_true(n >= NSHIPPED + 2);
	for (i = 1; i < n; i++)
		if (strcmp(names[i - 1], names[i]) >= 0)
			fail_msg("list not sorted and unique: %s, %s",
			    names[i - 1], names[i]);
	for (i = 0; i < NSHIPPED; i++) {
		found = 0;
		for (j = 0; j < n; j++)
			found |= strcmp(names[j], shipped[i]) == 0;
		if (!found)
			fail_msg("%s is not listed", shipped[i]);
	}
	assert_str(names[0], "aaa");
	assert_str(names[n - 1], "zzz");
	for (j = 0; j < n; j++) {
		assert_true(names[j][0] != '.' && names[j][0] != '\0');
		assert_null(strstr(names[j], "notes"));
		assert_null(strstr(names[j], ".theme"));
	}

	/* At most max, the first in order. */
	assert_int_equal(tui_theme_list(few, 3), 3);
	assert_str(few[0], "aaa");
	assert_str(few[1], "default");
	assert_str(few[2], "high-contrast");
	assert_int_equal(tui_theme_list(few, 0), 0);

	unsetenv("TELTOP_THEMES");
	remove_dir(dir, files, sizeof files / sizeof files[0]);
}

/* With no theme files anywhere, the list is just "default". */
static void
test_list_builtin(void **state)
{
	char	 names[8][64], cwd[PATH_MAX], *dir;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof cwd));
	dir = temp_dir();
	assert_int_equal(setenv("TELTOP_THEMES", dir, 1), 0);
	assert_int_equal(chdir(dir), 0);
	if (access("/usr/share/teltop/themes", F_OK) != 0 &&
	    access("/usr/local/share/teltop/themes", F_OK) != 0) {
		assert_int_equal(tui_theme_list(names, 8), 1);
		assert_str(names[0], "default");
	}
	assert_int_equal(chdir(cwd), 0);
	unsetenv("TELTOP_THEMES");
	remove_dir(dir, NULL, 0);
}

/* NO_COLOR counts when set and not empty. */
static void
test_no_color_env(void **state)
{
	(void)state;
	unsetenv("NO_COLOR");
	assert_false(tui_theme_no_color());
	setenv("NO_COLOR", "", 1);
	assert_false(tui_theme_no_color());
	setenv("NO_COLOR", "1", 1);
	assert_true(tui_theme_no_color());
	unsetenv("NO_COLOR");
}

/* ---- colour pairs on a terminal ---- */

struct term {
	SCREEN	*screen;
	FILE	*out;
	FILE	*in;
};

/* A curses screen for terminal type, writing to /dev/null. */
static void
term_open(struct term *t, const char *type)
{
	assert_int_equal(setenv("TERM", type, 1), 0);
	t->out = fopen("/dev/null", "w");
	t->in = fopen("/dev/null", "r");
	assert_non_null(t->out);
	assert_non_null(t->in);
	if ((t->screen = newterm(type, t->out, t->in)) == NULL)
		fail_msg("newterm(%s) failed: no terminfo entry?", type);
	set_term(t->screen);
	if (has_colors())
		start_color();
}

/* End the screen of term_open(). */
static void
term_close(struct term *t)
{
	endwin();
	delscreen(t->screen);
	fclose(t->out);
	fclose(t->in);
}

/* The colours of the pair a role is drawn with. */
static void
role_colours(enum tui_role r, short *fg, short *bg)
{
	short	pair;

	pair = (short)PAIR_NUMBER(tui_attr(r));
	assert_int_equal(pair_content(pair, fg, bg), OK);
}

/* 256 colours: pairs from 1, shared, right colours, attributes kept. */
static void
test_apply_256(void **state)
{
	struct term		 term;
	struct tui_theme	 t;
	short			 fg, bg, pair, max = 0;
	int			 i, j;

	(void)state;
	term_open(&term, "xterm-256color");
	assert_true(has_colors());
	assert_int_equal(COLORS, 256);

	tui_theme_default(&t);
	tui_theme_apply(&t, 0);

	/* Roles with no colours use no pair; the rest use 1, 2, ... */
	assert_true(tui_attr(TUI_ROLE_DEFAULT) == A_NORMAL);
	assert_true(tui_attr(TUI_ROLE_SELECTED) == A_REVERSE);
	assert_int_equal(PAIR_NUMBER(tui_attr(TUI_ROLE_HEADER)), 1);
	for (i = 0; i < TUI_ROLE_COUNT; i++) {
		pair = (short)PAIR_NUMBER(tui_attr(i));
		if (t.role[i].fg == -1 && t.role[i].bg == -1)
			assert_int_equal(pair, 0);
		else
			assert_true(pair >= 1);
		assert_true(pair <= max + 1);	/* no pair skipped */
		if (pair > max)
			max = pair;
		assert_true((tui_attr(i) & ~A_COLOR) == t.role[i].attrs);
		for (j = 0; j < i; j++) {
			if ((t.role[i].fg == t.role[j].fg &&
			    t.role[i].bg == t.role[j].bg) !=
			    (PAIR_NUMBER(tui_attr(i)) ==
			    PAIR_NUMBER(tui_attr(j))))
				fail_msg("%s and %s: pairs %d and %d",
				    tui_role_name(i), tui_role_name(j),
				    (int)PAIR_NUMBER(tui_attr(i)),
				    (int)PAIR_NUMBER(tui_attr(j)));
		}
	}

	/* header and tab-active share black on cyan; bold sets them apart. */
	role_colours(TUI_ROLE_HEADER, &fg, &bg);
	assert_int_equal(fg, COLOR_BLACK);
	assert_int_equal(bg, COLOR_CYAN);
	assert_int_equal(PAIR_NUMBER(tui_attr(TUI_ROLE_HEADER)),
	    PAIR_NUMBER(tui_attr(TUI_ROLE_TAB_ACTIVE)));
	assert_true(tui_attr(TUI_ROLE_HEADER) !=
	    tui_attr(TUI_ROLE_TAB_ACTIVE));
	assert_true(tui_attr(TUI_ROLE_HEADER) != tui_attr(TUI_ROLE_FOOTER));
	assert_true(tui_attr(TUI_ROLE_ERROR) != tui_attr(TUI_ROLE_OK));
	role_colours(TUI_ROLE_SRC_DEVTRON, &fg, &bg);
	assert_int_equal(fg, 69);
	assert_int_equal(bg, -1);
	role_colours(TUI_ROLE_TAB, &fg, &bg);
	assert_int_equal(fg, 250);
	assert_int_equal(bg, 236);

	/* Out of range roles draw plain. */
	assert_true(tui_attr(TUI_ROLE_COUNT) == A_NORMAL);

	/* A default background (solarized's) is every role's background. */
	parse_shipped("solarized", &t);
	tui_theme_apply(&t, 0);
	role_colours(TUI_ROLE_JSON_KEY, &fg, &bg);
	assert_int_equal(fg, 33);
	assert_int_equal(bg, 234);
	role_colours(TUI_ROLE_DEFAULT, &fg, &bg);
	assert_int_equal(bg, 234);
	role_colours(TUI_ROLE_HEADER, &fg, &bg);
	assert_int_equal(bg, 33);

	term_close(&term);
}

/* NO_COLOR: no pair anywhere; coloured roles get monochrome attributes. */
static void
test_apply_no_color(void **state)
{
	struct term		 term;
	struct tui_theme	 t, mono;
	size_t			 k;
	int			 i;

	(void)state;
	term_open(&term, "xterm-256color");
	tui_theme_mono(&mono);
	for (k = 0; k < NSHIPPED; k++) {
		parse_shipped(shipped[k], &t);
		tui_theme_apply(&t, 1);
		for (i = 0; i < TUI_ROLE_COUNT; i++) {
			if (tui_attr(i) & A_COLOR)
				fail_msg("%s: %s has a colour pair",
				    shipped[k], tui_role_name(i));
			/* The theme's attributes survive. */
			assert_true((tui_attr(i) & t.role[i].attrs) ==
			    t.role[i].attrs);
		}
	}

	tui_theme_default(&t);
	tui_theme_apply(&t, 1);
	assert_true(tui_attr(TUI_ROLE_DEFAULT) == A_NORMAL);
	assert_true(tui_attr(TUI_ROLE_HEADER) == A_REVERSE);
	assert_true(tui_attr(TUI_ROLE_SELECTED) == A_REVERSE);
	assert_true(tui_attr(TUI_ROLE_TAB_ACTIVE) == (A_REVERSE | A_BOLD));
	assert_true(tui_attr(TUI_ROLE_PII_RED) == (A_REVERSE | A_BOLD));
	assert_true(tui_attr(TUI_ROLE_TITLE) == (A_BOLD | A_UNDERLINE));
	assert_true(tui_attr(TUI_ROLE_HEADER) != tui_attr(TUI_ROLE_DEFAULT));

	/* mono.theme applies the same with colours or without. */
	parse_shipped("mono", &t);
	tui_theme_apply(&t, 0);
	for (i = 0; i < TUI_ROLE_COUNT; i++)
		assert_true(tui_attr(i) == mono.role[i].attrs);
	tui_theme_apply(&t, 1);
	for (i = 0; i < TUI_ROLE_COUNT; i++)
		assert_true(tui_attr(i) == mono.role[i].attrs);

	term_close(&term);
}

/* A terminal without colours is treated as NO_COLOR. */
static void
test_apply_mono_terminal(void **state)
{
	struct term		 term;
	struct tui_theme	 t;
	int			 i;

	(void)state;
	term_open(&term, "xterm-mono");
	assert_false(has_colors());
	tui_theme_default(&t);
	tui_theme_apply(&t, 0);
	for (i = 0; i < TUI_ROLE_COUNT; i++)
		assert_true((tui_attr(i) & A_COLOR) == 0);
	assert_true(tui_attr(TUI_ROLE_HEADER) == A_REVERSE);
	term_close(&term);
}

/* 8 colours: every pair within 0..7, and text never on its own colour. */
static void
test_apply_8(void **state)
{
	struct term		 term;
	struct tui_theme	 t;
	short			 fg, bg;
	size_t			 k;
	int			 i;

	(void)state;
	term_open(&term, "xterm");
	assert_int_equal(COLORS, 8);
	for (k = 0; k < NSHIPPED; k++) {
		parse_shipped(shipped[k], &t);
		tui_theme_apply(&t, 0);
		for (i = 0; i < TUI_ROLE_COUNT; i++) {
			role_colours(i, &fg, &bg);
			assert_in_range(fg + 1, 0, 8);
			assert_in_range(bg + 1, 0, 8);
			if (fg != -1 && fg == bg)
				fail_msg("%s: %s is %d on %d", shipped[k],
				    tui_role_name(i), fg, bg);
		}
	}

	/* light's tab (colour238 on colour253) would be white on white. */
	parse_shipped("light", &t);
	tui_theme_apply(&t, 0);
	role_colours(TUI_ROLE_TAB, &fg, &bg);
	assert_int_equal(fg, COLOR_BLACK);
	assert_int_equal(bg, COLOR_WHITE);

	/* The default's sources fitted down. */
	tui_theme_default(&t);
	tui_theme_apply(&t, 0);
	role_colours(TUI_ROLE_SRC_DEVTRON, &fg, &bg);
	assert_int_equal(fg, COLOR_BLUE);
	role_colours(TUI_ROLE_ERROR, &fg, &bg);
	assert_int_equal(fg, COLOR_RED);
	term_close(&term);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_names),
		cmocka_unit_test(test_builtin_default),
		cmocka_unit_test(test_builtin_mono),
		cmocka_unit_test(test_shipped_parse),
		cmocka_unit_test(test_shipped_match_builtin),
		cmocka_unit_test(test_shipped_colours),
		cmocka_unit_test(test_parse_layout),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_case),
		cmocka_unit_test(test_colour_names),
		cmocka_unit_test(test_colour_rgb),
		cmocka_unit_test(test_attrs),
		cmocka_unit_test(test_style_errors),
		cmocka_unit_test(test_colour_fit),
		cmocka_unit_test(test_colour_fit_range),
		cmocka_unit_test(test_load_shipped),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_load_default_builtin),
		cmocka_unit_test(test_load_order),
		cmocka_unit_test(test_load_bad_file),
		cmocka_unit_test(test_load_path),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_list_builtin),
		cmocka_unit_test(test_no_color_env),
		cmocka_unit_test(test_apply_256),
		cmocka_unit_test(test_apply_no_color),
		cmocka_unit_test(test_apply_mono_terminal),
		cmocka_unit_test(test_apply_8),
		cmocka_unit_test(test_contrast),
	};

	unsetenv("NO_COLOR");
	unsetenv("TELTOP_THEMES");
	return cmocka_run_group_tests_name("theme", tests, NULL, NULL);
}
