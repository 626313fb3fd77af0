/*
 * libFuzzer target: theme files and styles (tui/theme.c; parsing needs no
 * terminal).  The input, up to its first NUL, is parsed as a theme file and
 * as one style.  Properties of theme.h: a failure has a cause and leaves
 * the built-in default (a bad file cannot stop startup), a success has
 * colours -1..255 in every role; a style that fails leaves *out unchanged;
 * tui_colour_fit() stays within the terminal's colours.
 */
#include "fuzz.h"
#include "tui/theme.h"

static void
check_colour(short c, const char *what, int role)
{
	static const int	ncolours[] = { 0, 8, 16, 88, 256 };
	short			fit;
	size_t			i;

	FUZZ_CHECK(c >= -1 && c <= 255, "role %d: %s %d", role, what, c);
	for (i = 0; i < sizeof ncolours / sizeof ncolours[0]; i++) {
		fit = tui_colour_fit(c, ncolours[i]);
		FUZZ_CHECK(fit >= -1 && (fit == -1 || fit < ncolours[i]),
		    "colour %d fits %d colours as %d", c, ncolours[i], fit);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tui_style	 mark = { 7, 3, A_BLINK };
	struct tui_theme		 t, def;
	struct tui_style		 sy;
	char				*s, *cause = NULL;
	int				 rc, i;

	s = fuzz_str(data, size);
	tui_theme_default(&def);
	rc = tui_theme_parse(s, &t, &cause);
	FUZZ_CHECK(rc == 0 || rc == -1, "rc %d", rc);
	if (rc != 0) {
		FUZZ_CHECK(cause != NULL && strncmp(cause, "line ", 5) == 0,
		    "cause %s", cause != NULL ? cause : "NULL");
		FUZZ_CHECK(memcmp(&t, &def, sizeof t) == 0,
		    "a failed parse is not the built-in default");
		free(cause);
		cause = NULL;
	} else
		FUZZ_CHECK(cause == NULL, "cause %s on success", cause);
	for (i = 0; i < TUI_ROLE_COUNT; i++) {
		check_colour(t.role[i].fg, "fg", i);
		check_colour(t.role[i].bg, "bg", i);
	}

	sy = mark;
	rc = tui_style_parse(s, &sy, &cause);
	if (rc != 0) {
		FUZZ_CHECK(cause != NULL, "style: no cause");
		FUZZ_CHECK(memcmp(&sy, &mark, sizeof sy) == 0,
		    "a failed style changed *out");
		free(cause);
	} else {
		check_colour(sy.fg, "style fg", -1);
		check_colour(sy.bg, "style bg", -1);
	}
	free(s);
	return 0;
}
