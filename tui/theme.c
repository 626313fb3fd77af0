/*
 * Themes: the built-in default, the theme file parser (tmux style syntax),
 * finding theme files, and turning a theme into curses colour pairs.
 *
 * What stays true: a struct tui_theme always has a valid style for every
 * role (a failed parse or load leaves the built-in default); role_attrs
 * holds what tui_attr() returns, all A_NORMAL until the first apply; pairs
 * are numbered from 1 in the order roles first need them and two roles
 * with the same colours share one.  Only this file and the rest of tui/
 * include curses.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xmalloc.h"
#include "tui/theme.h"

/* Theme files larger than this are refused: they cannot be themes. */
#define THEME_MAX_SIZE	(64 * 1024)

/* Colour pairs tui_attr() can carry: COLOR_PAIR() holds eight bits. */
#define THEME_MAX_PAIRS	255

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

static const struct {
	const char	*name;
	const char	*style;
} roles[] = {
#define TUI_ROLE_INFO(id, name, style) { name, style },
	TUI_ROLES(TUI_ROLE_INFO)
#undef TUI_ROLE_INFO
};

/*
 * The monochrome look of each role: what tui_theme_mono() returns and what
 * a coloured role adds when colours are off.  Roles not named are "none".
 */
static const char *mono_styles[TUI_ROLE_COUNT] = {
	[TUI_ROLE_HEADER] = "reverse",
	[TUI_ROLE_FOOTER] = "reverse",
	[TUI_ROLE_TAB_ACTIVE] = "reverse,bold",
	[TUI_ROLE_TITLE] = "bold,underscore",
	[TUI_ROLE_SELECTED] = "reverse",
	[TUI_ROLE_ERROR] = "bold",
	[TUI_ROLE_WARN] = "bold",
	[TUI_ROLE_PAUSED] = "reverse,bold",
	[TUI_ROLE_PROMPT] = "bold",
	[TUI_ROLE_FAIL] = "bold",
	[TUI_ROLE_JSON_KEY] = "bold",
	[TUI_ROLE_PII_RED] = "reverse,bold",
	[TUI_ROLE_PII_YELLOW] = "underscore",
	[TUI_ROLE_BAR] = "bold",
	[TUI_ROLE_OPTOUT_ON] = "reverse",
	[TUI_ROLE_CAPTURE] = "bold",
};

static const struct {
	const char	*name;
	attr_t		 attr;
} attrs[] = {
	{ "bold", A_BOLD },
	{ "bright", A_BOLD },
	{ "dim", A_DIM },
	{ "underscore", A_UNDERLINE },
	{ "underline", A_UNDERLINE },
	{ "reverse", A_REVERSE },
	{ "italics", A_ITALIC },
	{ "italic", A_ITALIC },
	{ "blink", A_BLINK },
};

static const char *colour_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
};

/* xterm's default palette for the first 16 colours. */
static const unsigned char basic_rgb[16][3] = {
	{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
	{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
	{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
	{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 }
};

/* The levels of each axis of the 6x6x6 colour cube (colours 16-231). */
static const int cube_levels[6] = { 0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff };

static attr_t	role_attrs[TUI_ROLE_COUNT];

/* Copy src to dst of size bytes, cut short if need be. */
static void
copy_name(char *dst, const char *src, size_t size)
{
	size_t	len;

	len = strlen(src);
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* The name of a role in theme files. */
const char *
tui_role_name(enum tui_role r)
{
	return (unsigned)r < TUI_ROLE_COUNT ? roles[r].name : "?";
}

/* The role named name, or -1. */
static int
role_lookup(const char *name)
{
	int	i;

	for (i = 0; i < TUI_ROLE_COUNT; i++)
		if (strcasecmp(roles[i].name, name) == 0)
			return i;
	return -1;
}

/* The RGB value of colour c (0..255) in xterm's palette. */
static void
colour_rgb(int c, int rgb[3])
{
	int	i;

	if (c < 16) {
		for (i = 0; i < 3; i++)
			rgb[i] = basic_rgb[c][i];
	} else if (c < 232) {
		c -= 16;
		rgb[0] = cube_levels[c / 36];
		rgb[1] = cube_levels[(c / 6) % 6];
		rgb[2] = cube_levels[c % 6];
	} else
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
}

/* The square of the distance between two RGB values. */
static int
colour_dist(const int a[3], const int b[3])
{
	int	i, d, sum = 0;

	for (i = 0; i < 3; i++) {
		d = a[i] - b[i];
		sum += d * d;
	}
	return sum;
}

/* The index on one axis of the colour cube nearest to v (tmux colour.c). */
static int
colour_to_6cube(int v)
{
	if (v < 48)
		return 0;
	if (v < 114)
		return 1;
	return (v - 35) / 40;
}

/*
 * The colour of the 256-colour palette nearest to r,g,b: the nearest of the
 * cube or of the grey ramp, as tmux's colour_find_rgb() does.
 */
static short
colour_from_rgb(int r, int g, int b)
{
	int	want[3] = { r, g, b }, cube[3], grey[3];
	int	qr, qg, qb, avg, gi;

	qr = colour_to_6cube(r);
	qg = colour_to_6cube(g);
	qb = colour_to_6cube(b);
	cube[0] = cube_levels[qr];
	cube[1] = cube_levels[qg];
	cube[2] = cube_levels[qb];

	avg = (r + g + b) / 3;
	gi = avg > 238 ? 23 : (avg < 3 ? 0 : (avg - 3) / 10);
	grey[0] = grey[1] = grey[2] = 8 + 10 * gi;

	if (colour_dist(grey, want) < colour_dist(cube, want))
		return (short)(232 + gi);
	return (short)(16 + 36 * qr + 6 * qg + qb);
}

/* Fit colour c to a terminal with ncolours colours. */
short
tui_colour_fit(short c, int ncolours)
{
	int	rgb[3], max, min, chroma, avg, bits, i;

	if (c < 0 || ncolours >= 256)
		return c;
	if (ncolours < 8)
		return -1;
	if (c < (ncolours >= 16 ? 16 : 8))
		return c;

	colour_rgb(c, rgb);
	max = min = rgb[0];
	for (i = 1; i < 3; i++) {
		if (rgb[i] > max)
			max = rgb[i];
		if (rgb[i] < min)
			min = rgb[i];
	}
	chroma = max - min;

	/* Greys: black, bright black, white, bright white by lightness. */
	if (chroma < 40) {
		avg = (rgb[0] + rgb[1] + rgb[2]) / 3;
		if (avg < 64)
			return COLOR_BLACK;
		if (ncolours < 16)
			return COLOR_WHITE;
		if (avg < 178)
			return 8;
		return avg < 242 ? COLOR_WHITE : 15;
	}

	/*
	 * Colours: the hue is the channels at least halfway from the least to
	 * the most (never all three), bright if the most is near full.
	 */
	bits = 0;
	for (i = 0; i < 3; i++)
		if (2 * (rgb[i] - min) >= chroma)
			bits |= 1 << i;
	if (ncolours >= 16 && max >= 230)
		bits += 8;
	return (short)bits;
}

/* Parse a colour name into *c; -1 with *cause if it is not one. */
static int
colour_parse(const char *s, short *c, char **cause)
{
	const char	*p;
	unsigned int	 r, g, b;
	size_t		 i;
	long		 n;

	if (strcasecmp(s, "default") == 0 || strcasecmp(s, "terminal") == 0) {
		*c = -1;
		return 0;
	}
	for (i = 0; i < nitems(colour_names); i++) {
		if (strcasecmp(s, colour_names[i]) == 0) {
			*c = (short)i;
			return 0;
		}
		if (strncasecmp(s, "bright", 6) == 0 &&
		    strcasecmp(s + 6, colour_names[i]) == 0) {
			*c = (short)(8 + i);
			return 0;
		}
	}
	if (s[0] == '#') {
		if (strlen(s) != 7 || strspn(s + 1, "0123456789abcdefABCDEF")
		    != 6 || sscanf(s + 1, "%2x%2x%2x", &r, &g, &b) != 3) {
			*cause = xasprintf("bad colour '%s' (#rrggbb is six "
			    "hex digits)", s);
			return -1;
		}
		*c = colour_from_rgb((int)r, (int)g, (int)b);
		return 0;
	}
	if (strncasecmp(s, "colour", 6) == 0)
		p = s + 6;
	else if (strncasecmp(s, "color", 5) == 0)
		p = s + 5;
	else
		p = NULL;
	if (p != NULL) {
		if (*p == '\0' || strlen(p) > 3 ||
		    strspn(p, "0123456789") != strlen(p) ||
		    (n = strtol(p, NULL, 10)) > 255) {
			*cause = xasprintf("bad colour '%s' (colour0 to "
			    "colour255)", s);
			return -1;
		}
		*c = (short)n;
		return 0;
	}
	*cause = xasprintf("bad colour '%s' (default, black, red, green, "
	    "yellow, blue, magenta, cyan, white, brightred, ..., colour0 to "
	    "colour255, #rrggbb)", s);
	return -1;
}

/* The attribute named s, or 0. */
static attr_t
attr_lookup(const char *s)
{
	size_t	i;

	for (i = 0; i < nitems(attrs); i++)
		if (strcasecmp(s, attrs[i].name) == 0)
			return attrs[i].attr;
	return 0;
}

/* Parse one style in tmux syntax. */
int
tui_style_parse(const char *in, struct tui_style *out, char **cause)
{
	static const char	 delims[] = " ,\t";
	struct tui_style	 sy = { -1, -1, A_NORMAL };
	char			*copy, *tok, *last;
	attr_t			 a;
	int			 any = 0;

	copy = xstrdup(in);
	for (tok = strtok_r(copy, delims, &last); tok != NULL;
	    tok = strtok_r(NULL, delims, &last)) {
		any = 1;
		if (strcasecmp(tok, "default") == 0) {
			sy.fg = sy.bg = -1;
			sy.attrs = A_NORMAL;
		} else if (strcasecmp(tok, "none") == 0)
			sy.attrs = A_NORMAL;
		else if (strncasecmp(tok, "fg=", 3) == 0) {
			if (colour_parse(tok + 3, &sy.fg, cause) != 0)
				goto error;
		} else if (strncasecmp(tok, "bg=", 3) == 0) {
			if (colour_parse(tok + 3, &sy.bg, cause) != 0)
				goto error;
		} else if ((a = attr_lookup(tok)) != 0)
			sy.attrs |= a;
		else if (strncasecmp(tok, "no", 2) == 0 &&
		    (a = attr_lookup(tok + 2)) != 0)
			sy.attrs &= ~a;
		else if (strchr(tok, '=') != NULL) {
			*cause = xasprintf("unknown style option '%s' (fg=, "
			    "bg=)", tok);
			goto error;
		} else {
			*cause = xasprintf("bad attribute '%s' (bold, dim, "
			    "underscore, reverse, italics, blink, none, "
			    "default)", tok);
			goto error;
		}
	}
	if (!any) {
		*cause = xstrdup("empty style");
		goto error;
	}
	free(copy);
	*out = sy;
	return 0;

error:
	free(copy);
	return -1;
}

/* Fill a theme from a table of built-in styles; they must parse. */
static void
theme_builtin(struct tui_theme *theme, const char *name,
    const char *const *styles)
{
	char	*cause;
	int	 i;

	memset(theme, 0, sizeof *theme);
	copy_name(theme->name, name, sizeof theme->name);
	for (i = 0; i < TUI_ROLE_COUNT; i++) {
		if (tui_style_parse(styles[i] != NULL ? styles[i] : "none",
		    &theme->role[i], &cause) != 0)
			fatal("built-in %s theme, %s: %s", name, roles[i].name,
			    cause);
	}
}

/* Fill a theme with the built-in dark default. */
void
tui_theme_default(struct tui_theme *theme)
{
	const char	*styles[TUI_ROLE_COUNT];
	int		 i;

	for (i = 0; i < TUI_ROLE_COUNT; i++)
		styles[i] = roles[i].style;
	theme_builtin(theme, "default", styles);
}

/* Fill a theme with the built-in monochrome styles. */
void
tui_theme_mono(struct tui_theme *theme)
{
	theme_builtin(theme, "mono", mono_styles);
}

/* Parse theme text over the built-in default. */
int
tui_theme_parse(const char *text, struct tui_theme *theme, char **cause)
{
	struct tui_theme	 t;
	const char		*line, *end;
	char			*buf = NULL, *p, *q, *style, *why;
	size_t			 len;
	unsigned int		 lineno = 0;
	int			 role;

	tui_theme_default(&t);
	for (line = text; *line != '\0'; line = *end == '\0' ? end : end + 1) {
		lineno++;
		end = line + strcspn(line, "\n");
		len = end - line;
		while (len > 0 && isspace((unsigned char)line[len - 1]))
			len--;
		free(buf);
		buf = xstrndup(line, len);

		for (p = buf; *p == ' ' || *p == '\t'; p++)
			/* nothing */;
		if (*p == '\0' || *p == '#')
			continue;
		for (q = p; *q != '\0' && !isspace((unsigned char)*q); q++)
			/* nothing */;
		style = q;
		while (*style == ' ' || *style == '\t')
			style++;
		*q = '\0';

		if ((role = role_lookup(p)) == -1) {
			*cause = xasprintf("line %u: unknown role '%.64s'",
			    lineno, p);
			goto error;
		}
		if (*style == '\0') {
			*cause = xasprintf("line %u: role '%s' has no style",
			    lineno, roles[role].name);
			goto error;
		}
		if (tui_style_parse(style, &t.role[role], &why) != 0) {
			*cause = xasprintf("line %u: %s: %s", lineno,
			    roles[role].name, why);
			free(why);
			goto error;
		}
	}
	free(buf);
	*theme = t;
	return 0;

error:
	free(buf);
	tui_theme_default(theme);
	return -1;
}

/* Where `make install` puts the themes (the Makefile says, from PREFIX). */
#ifndef TELTOP_THEMES_DIR
#define TELTOP_THEMES_DIR	"/usr/local/share/teltop/themes"
#endif

/*
 * The theme directories in search order, as a NULL-terminated array:
 * $TELTOP_THEMES, next to the binary, the user's ($XDG_CONFIG_HOME, an
 * absolute one, else ~/.config), where make install put them, the usual
 * places, ./themes.  Caller frees each and the array.
 */
static char **
theme_dirs(void)
{
	static const char	*fixed[] = {
		TELTOP_THEMES_DIR,
		"/usr/local/share/teltop/themes",
		"/usr/share/teltop/themes",
		"./themes",
	};
	char			**dirs, *env, *copy, *tok, *last, *slash;
	const char		 *xdg, *home;
	char			  exe[PATH_MAX];
	size_t			  n = 0, max;
	ssize_t			  len;
	size_t			  i;

	env = getenv("TELTOP_THEMES");
	max = nitems(fixed) + 3 + (env != NULL ? strlen(env) : 0);
	dirs = xcalloc(max, sizeof *dirs);

	if (env != NULL) {
		copy = xstrdup(env);
		for (tok = strtok_r(copy, ":", &last); tok != NULL;
		    tok = strtok_r(NULL, ":", &last))
			dirs[n++] = xstrdup(tok);
		free(copy);
	}
	len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		exe[len] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			dirs[n++] = xasprintf("%s/themes", exe);
		}
	}
	if ((xdg = getenv("XDG_CONFIG_HOME")) != NULL && *xdg == '/')
		dirs[n++] = xasprintf("%s/teltop/themes", xdg);
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		dirs[n++] = xasprintf("%s/.config/teltop/themes", home);
	for (i = 0; i < nitems(fixed); i++)
		dirs[n++] = xstrdup(fixed[i]);
	dirs[n] = NULL;
	return dirs;
}

/* Free what theme_dirs() returned. */
static void
theme_dirs_free(char **dirs)
{
	size_t	i;

	for (i = 0; dirs[i] != NULL; i++)
		free(dirs[i]);
	free(dirs);
}

/*
 * Read a whole file, up to THEME_MAX_SIZE.  Returns the text (caller frees)
 * or NULL with errno set: ENOENT when the file does not exist.
 */
static char *
theme_read(const char *path, char **cause)
{
	FILE	*f;
	char	*text;
	size_t	 n;
	int	 saved;

	if ((f = fopen(path, "r")) == NULL) {
		saved = errno;
		*cause = xasprintf("%s: %s", path, strerror(saved));
		errno = saved;
		return NULL;
	}
	text = xmalloc(THEME_MAX_SIZE + 1);
	n = fread(text, 1, THEME_MAX_SIZE + 1, f);
	if (ferror(f)) {
		saved = errno;
		*cause = xasprintf("%s: %s", path, strerror(saved));
		goto error;
	}
	if (n > THEME_MAX_SIZE) {
		saved = EFBIG;
		*cause = xasprintf("%s: larger than %d bytes", path,
		    THEME_MAX_SIZE);
		goto error;
	}
	fclose(f);
	text[n] = '\0';
	return text;

error:
	fclose(f);
	free(text);
	errno = saved;
	return NULL;
}

/* Load and parse the theme file at path, naming the theme name. */
static int
theme_load_file(const char *path, const char *name, struct tui_theme *theme,
    char **cause)
{
	char	*text, *why;

	if ((text = theme_read(path, cause)) == NULL) {
		tui_theme_default(theme);
		return -1;
	}
	if (tui_theme_parse(text, theme, &why) != 0) {
		*cause = xasprintf("%s: %s", path, why);
		free(why);
		free(text);
		return -1;
	}
	free(text);
	copy_name(theme->name, name, sizeof theme->name);
	return 0;
}

/* Copy the name of a theme file (its base name less ".theme") to out. */
static void
theme_name(const char *path, char *out, size_t size)
{
	const char	*base;
	size_t		 len;

	base = strrchr(path, '/');
	base = base != NULL ? base + 1 : path;
	len = strlen(base);
	if (len > 6 && strcmp(base + len - 6, ".theme") == 0)
		len -= 6;
	if (len >= size)
		len = size - 1;
	memcpy(out, base, len);
	out[len] = '\0';
}

/* Load a theme by name from the theme directories, or by path. */
int
tui_theme_load(const char *name, struct tui_theme *theme, char **cause)
{
	char	**dirs, *path, *looked, *tmp, *why;
	char	  stem[64];
	size_t	  i;
	int	  rc;

	if (name == NULL || *name == '\0') {
		tui_theme_default(theme);
		*cause = xstrdup("empty theme name");
		return -1;
	}
	if (strchr(name, '/') != NULL) {
		theme_name(name, stem, sizeof stem);
		return theme_load_file(name, stem, theme, cause);
	}
	theme_name(name, stem, sizeof stem);

	dirs = theme_dirs();
	looked = NULL;
	for (i = 0; dirs[i] != NULL; i++) {
		path = xasprintf("%s/%s.theme", dirs[i], stem);
		if (access(path, F_OK) == 0) {
			rc = theme_load_file(path, stem, theme, cause);
			free(path);
			free(looked);
			theme_dirs_free(dirs);
			return rc;
		}
		if (looked == NULL)
			tmp = xstrdup(dirs[i]);
		else
			tmp = xasprintf("%s, %s", looked, dirs[i]);
		free(looked);
		looked = tmp;
		free(path);
	}
	theme_dirs_free(dirs);

	tui_theme_default(theme);
	if (strcmp(stem, "default") == 0) {
		free(looked);
		return 0;
	}
	why = xasprintf("theme '%s' not found (no %s.theme in %s)", stem,
	    stem, looked);
	free(looked);
	*cause = why;
	return -1;
}

/* qsort() comparison of theme names. */
static int
theme_name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* List the themes of the theme directories. */
size_t
tui_theme_list(char names[][64], size_t max)
{
	char		**dirs, (*all)[64];
	DIR		 *d;
	struct dirent	 *de;
	size_t		  n = 0, cap = 16, i, out, len;

	all = xcalloc(cap, sizeof *all);
	copy_name(all[n++], "default", sizeof all[0]);

	dirs = theme_dirs();
	for (i = 0; dirs[i] != NULL; i++) {
		if ((d = opendir(dirs[i])) == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			len = strlen(de->d_name);
			if (de->d_name[0] == '.' || len <= 6 || len - 6 >= 64 ||
			    strcmp(de->d_name + len - 6, ".theme") != 0)
				continue;
			if (n == cap) {
				cap *= 2;
				all = xrealloc(all, cap * sizeof *all);
			}
			theme_name(de->d_name, all[n++], sizeof all[0]);
		}
		closedir(d);
	}
	theme_dirs_free(dirs);

	qsort(all, n, sizeof *all, theme_name_cmp);
	out = 0;
	for (i = 0; i < n && out < max; i++) {
		if (out > 0 && strcmp(names[out - 1], all[i]) == 0)
			continue;
		copy_name(names[out++], all[i], sizeof names[0]);
	}
	free(all);
	return out;
}

/* Is NO_COLOR set and not empty? */
int
tui_theme_no_color(void)
{
	const char	*s;

	return (s = getenv("NO_COLOR")) != NULL && *s != '\0';
}

/* A colour that reads on bg: black on light colours, white on dark. */
static short
colour_contrast(short bg, int ncolours)
{
	int	rgb[3];

	colour_rgb(bg, rgb);
	if (299 * rgb[0] + 587 * rgb[1] + 114 * rgb[2] > 128 * 1000)
		return COLOR_BLACK;
	return ncolours >= 16 ? 15 : COLOR_WHITE;
}

/* The pair for fg on bg, made if new; 0 if none is left. */
static short
theme_pair(short fg, short bg, short pairs[][2], int *npairs)
{
	int	i, max;

	if (fg == -1 && bg == -1)
		return 0;
	for (i = 0; i < *npairs; i++)
		if (pairs[i][0] == fg && pairs[i][1] == bg)
			return (short)(i + 1);
	max = COLOR_PAIRS - 1;
	if (max > THEME_MAX_PAIRS)
		max = THEME_MAX_PAIRS;
	if (*npairs >= max || init_pair((short)(*npairs + 1), fg, bg) == ERR)
		return 0;
	pairs[*npairs][0] = fg;
	pairs[*npairs][1] = bg;
	return (short)++*npairs;
}

/* Make the colour pairs and role attributes for a theme. */
void
tui_theme_apply(const struct tui_theme *theme, int no_color)
{
	struct tui_theme	 mono;
	const struct tui_style	*sy, *def;
	short			 pairs[TUI_ROLE_COUNT][2];
	short			 fg, bg, pair;
	int			 i, ncolours, npairs = 0, default_ok;

	ncolours = (!no_color && has_colors()) ? COLORS : 0;
	/* Direct colour (xterm-direct): only 0-7 are palette colours. */
	if (ncolours > 256)
		ncolours = 8;
	if (ncolours < 8) {
		tui_theme_mono(&mono);
		for (i = 0; i < TUI_ROLE_COUNT; i++) {
			sy = &theme->role[i];
			role_attrs[i] = sy->attrs;
			if (sy->fg != -1 || sy->bg != -1)
				role_attrs[i] |= mono.role[i].attrs;
		}
		return;
	}

	default_ok = use_default_colors() == OK;
	def = &theme->role[TUI_ROLE_DEFAULT];
	for (i = 0; i < TUI_ROLE_COUNT; i++) {
		sy = &theme->role[i];
		fg = sy->fg != -1 ? sy->fg : def->fg;
		bg = sy->bg != -1 ? sy->bg : def->bg;
		if (!default_ok) {
			if (fg == -1)
				fg = COLOR_WHITE;
			if (bg == -1)
				bg = COLOR_BLACK;
		}
		if (fg != bg) {
			fg = tui_colour_fit(fg, ncolours);
			bg = tui_colour_fit(bg, ncolours);
			if (fg != -1 && fg == bg)
				fg = colour_contrast(bg, ncolours);
		} else {
			fg = tui_colour_fit(fg, ncolours);
			bg = fg;
		}
		pair = theme_pair(fg, bg, pairs, &npairs);
		role_attrs[i] = COLOR_PAIR(pair) | sy->attrs;
	}
}

/* The attributes to draw a role with. */
attr_t
tui_attr(enum tui_role r)
{
	return (unsigned)r < TUI_ROLE_COUNT ? role_attrs[r] : A_NORMAL;
}
