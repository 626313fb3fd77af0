/*
 * The config file (see config.h for its syntax and where it lives).
 *
 * What stays true:
 * - a parse works on a copy and writes it back only when every line was
 *   good, so a bad file changes nothing;
 * - outside comments a line holds printable ASCII, spaces and tabs (and
 *   a '\r' before its '\n'); anything else is an error, so the words an
 *   error message quotes are plain ASCII and cannot move a terminal;
 * - nothing here allocates but the copy, the text read and messages.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "units.h"
#include "xmalloc.h"

#define WORDS_MAX	32	/* words of one line */
#define QUOTE_MAX	64	/* bytes of a word quoted in a message */

_Static_assert(TT_SRC_COUNT < 8 * sizeof (unsigned),
    "one bit per source in struct tt_config's forward");

/* One line split into words, NUL-terminated in buf. */
struct line {
	char	 buf[TT_CONFIG_MAX_LINE + 1];
	char	*word[WORDS_MAX];
	size_t	 n;
};

/* Set the defaults. */
void
tt_config_init(struct tt_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	tt_intercept_init(&cfg->intercept);
	cfg->forward = 0;
	cfg->theme[0] = cfg->view[0] = '\0';
	cfg->nsort = 0;
}

/* Whether what is captured from a source is forwarded. */
int
tt_config_forwards(const struct tt_config *cfg, enum tt_source src)
{
	if ((unsigned)src >= TT_SRC_COUNT)
		return 0;
	return (cfg->forward & (1u << src)) != 0;
}

/* "devtron, devpod, ...": the sources, for messages.  Caller frees. */
static char *
sources_known(void)
{
	char	*s, *t;
	int	 i;

	s = xstrdup(tt_source_name((enum tt_source)0));
	for (i = 1; i < TT_SRC_COUNT; i++) {
		t = xasprintf("%s, %s", s, tt_source_name((enum tt_source)i));
		free(s);
		s = t;
	}
	return s;
}

/*
 * Split n bytes of a line (no '\n') into words; a word starting with '#'
 * ends the line.  0, or -1 with *why (caller frees).
 */
static int
line_split(struct line *l, const char *p, size_t n, char **why)
{
	size_t	i = 0, o = 0;
	int	c;

	l->n = 0;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	for (;;) {
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i == n || p[i] == '#')
			return 0;
		if (l->n == WORDS_MAX) {
			*why = xasprintf("more than %d words", WORDS_MAX);
			return -1;
		}
		l->word[l->n++] = &l->buf[o];
		for (; i < n && p[i] != ' ' && p[i] != '\t'; i++) {
			c = (unsigned char)p[i];
			if (c < 0x21 || c > 0x7e) {
				*why = xasprintf("byte 0x%02x at column %zu: "
				    "outside a comment a line is printable "
				    "ASCII", (unsigned)c, i + 1);
				return -1;
			}
			l->buf[o++] = p[i];
		}
		l->buf[o++] = '\0';
	}
}

/* intercept HOST [SOURCE] */
static int
set_intercept(struct tt_config *cfg, struct line *l, char **why)
{
	const struct tt_host	*h;
	const char		*host, *w;
	enum tt_source		 src = TT_SRC_GENERIC;
	char			*known;

	if (l->n < 2 || l->n > 3) {
		*why = xstrdup("usage: intercept HOST [SOURCE]");
		return -1;
	}
	host = l->word[1];
	if (l->n == 3 && tt_source_parse(l->word[2], &src) != 0) {
		known = sources_known();
		*why = xasprintf("intercept '%.*s': unknown source '%.*s' "
		    "(known: %s)", QUOTE_MAX, host, QUOTE_MAX, l->word[2],
		    known);
		free(known);
		return -1;
	}
	/* A host already there with another source is not moved silently. */
	h = tt_intercept_find(&cfg->intercept, host);
	if (h != NULL && l->n == 3 && h->source != src) {
		*why = xasprintf("intercept '%.*s': already intercepted as "
		    "%s%s",
		    QUOTE_MAX, host, tt_source_name(h->source),
		    h->builtin ? " (built in)" : "");
		return -1;
	}
	if (tt_intercept_add(&cfg->intercept, host, src, &w) != 0) {
		*why = xasprintf("intercept '%.*s': %s", QUOTE_MAX, host, w);
		return -1;
	}
	return 0;
}

/* forward all | forward SOURCE... */
static int
set_forward(struct tt_config *cfg, struct line *l, char **why)
{
	enum tt_source	 src;
	unsigned	 bits = 0;
	char		*known;
	size_t		 i;

	if (l->n < 2) {
		*why = xstrdup("usage: forward all | forward SOURCE...");
		return -1;
	}
	for (i = 1; i < l->n; i++) {
		if (strcmp(l->word[i], "all") == 0)
			bits |= TT_CONFIG_FORWARD_ALL;
		else if (tt_source_parse(l->word[i], &src) == 0)
			bits |= 1u << src;
		else {
			known = sources_known();
			*why = xasprintf("forward: unknown source '%.*s' "
			    "(known: all, %s)", QUOTE_MAX, l->word[i], known);
			free(known);
			return -1;
		}
	}
	cfg->forward |= bits;
	cfg->set |= TT_CONFIG_SET_FORWARD;
	return 0;
}

/* theme NAME | view NAME | sort VIEW KEY: kept for the UI to check */
static int
set_remembered(struct tt_config *cfg, struct line *l, char **why)
{
	int	sort = strcmp(l->word[0], "sort") == 0, theme;
	size_t	i, want = sort ? 3 : 2;

	if (l->n != want) {
		*why = xasprintf("usage: %s", sort ? "sort VIEW KEY" :
		    strcmp(l->word[0], "theme") == 0 ? "theme NAME" :
		    "view NAME");
		return -1;
	}
	for (i = 1; i < l->n; i++)
		if (strlen(l->word[i]) >= TT_CONFIG_WORD) {
			*why = xasprintf("%s: '%.*s' is too long", l->word[0],
			    QUOTE_MAX, l->word[i]);
			return -1;
		}
	if (!sort) {
		theme = strcmp(l->word[0], "theme") == 0;
		snprintf(theme ? cfg->theme : cfg->view, TT_CONFIG_WORD, "%s",
		    l->word[1]);
		cfg->set |= theme ? TT_CONFIG_SET_THEME : TT_CONFIG_SET_VIEW;
		return 0;
	}
	for (i = 0; i < cfg->nsort; i++)
		if (strcmp(cfg->sort[i].view, l->word[1]) == 0)
			break;
	if (i == sizeof cfg->sort / sizeof cfg->sort[0]) {
		*why = xstrdup("sort: at most 8 views");
		return -1;
	}
	if (i == cfg->nsort)
		cfg->nsort++;
	snprintf(cfg->sort[i].view, TT_CONFIG_WORD, "%s", l->word[1]);
	snprintf(cfg->sort[i].key, TT_CONFIG_WORD, "%s", l->word[2]);
	return 0;
}

const char *
tt_config_sort(const struct tt_config *cfg, const char *view)
{
	size_t	i;

	for (i = 0; i < cfg->nsort; i++)
		if (strcmp(cfg->sort[i].view, view) == 0)
			return cfg->sort[i].key;
	return NULL;
}

/* retain DURATION|all, max-db-size SIZE|none */
static int
set_retention(struct tt_config *cfg, struct line *l, char **why)
{
	int		 retain = strcmp(l->word[0], "retain") == 0;
	const char	*none = retain ? "all" : "none";
	int64_t		 us;
	uint64_t	 size;

	if (l->n != 2) {
		*why = xstrdup(retain ? "usage: retain DURATION (30d, 12h) | "
		    "retain all" : "usage: max-db-size SIZE (2GiB, 500MiB) | "
		    "max-db-size none");
		return -1;
	}
	cfg->set |= retain ? TT_CONFIG_SET_RETAIN : TT_CONFIG_SET_MAX_DB;
	if (strcmp(l->word[1], none) == 0) {
		if (retain)
			cfg->retain_us = 0;
		else
			cfg->max_db_size = 0;
		return 0;
	}
	if (retain) {
		if ((us = tt_parse_duration(l->word[1])) <= 0) {
			*why = xasprintf("retain: '%.*s' is not a duration "
			    "(30d, 12h, 90m)", QUOTE_MAX, l->word[1]);
			return -1;
		}
		cfg->retain_us = us;
		return 0;
	}
	if (tt_parse_size(l->word[1], &size) != 0 ||
	    size < TT_CONFIG_MIN_DB_SIZE) {
		*why = xasprintf("max-db-size: '%.*s' is not a size of at "
		    "least 1MiB (2GiB, 500MiB)", QUOTE_MAX, l->word[1]);
		return -1;
	}
	cfg->max_db_size = size;
	return 0;
}

/* Apply one line of n bytes. */
static int
config_line(struct tt_config *cfg, struct line *l, const char *p, size_t n,
    char **why)
{
	if (line_split(l, p, n, why) != 0)
		return -1;
	if (l->n == 0)
		return 0;
	if (strcmp(l->word[0], "intercept") == 0)
		return set_intercept(cfg, l, why);
	if (strcmp(l->word[0], "forward") == 0)
		return set_forward(cfg, l, why);
	if (strcmp(l->word[0], "theme") == 0 || strcmp(l->word[0], "view") == 0 ||
	    strcmp(l->word[0], "sort") == 0)
		return set_remembered(cfg, l, why);
	if (strcmp(l->word[0], "retain") == 0 ||
	    strcmp(l->word[0], "max-db-size") == 0)
		return set_retention(cfg, l, why);
	*why = xasprintf("unknown setting '%.*s' (known: intercept, forward, "
	    "retain, max-db-size, theme, view, sort)", QUOTE_MAX,
	    l->word[0]);
	return -1;
}

/* Apply config text over cfg, all of it or none. */
int
tt_config_parse(struct tt_config *cfg, const char *text, size_t len,
    const char *name, char **cause)
{
	struct tt_config	*tmp;
	struct line		*l;
	const char		*p, *end, *nl, *eol;
	char			*why = NULL;
	unsigned		 lineno = 0;

	*cause = NULL;
	if (name == NULL)
		name = "config";
	if (len > TT_CONFIG_MAX_SIZE) {
		*cause = xasprintf("%s: larger than 1 MiB (%d bytes)", name,
		    TT_CONFIG_MAX_SIZE);
		return -1;
	}
	if (len > 0 && text == NULL)
		fatal("tt_config_parse: no text");
	tmp = xmalloc(sizeof *tmp);
	*tmp = *cfg;
	l = xmalloc(sizeof *l);
	for (p = text, end = text + len; p < end; p = eol + (nl != NULL)) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		eol = nl != NULL ? nl : end;
		if ((size_t)(eol - p) > TT_CONFIG_MAX_LINE) {
			*cause = xasprintf("%s:%u: line longer than %d bytes",
			    name, lineno, TT_CONFIG_MAX_LINE);
			goto error;
		}
		if (config_line(tmp, l, p, (size_t)(eol - p), &why) != 0) {
			*cause = xasprintf("%s:%u: %s", name, lineno, why);
			free(why);
			goto error;
		}
	}
	*cfg = *tmp;
	free(l);
	free(tmp);
	return 0;

error:
	free(l);
	free(tmp);
	return -1;
}

/* $XDG_CONFIG_HOME/teltop/config or $HOME/.config/teltop/config. */
char *
tt_config_default_path(void)
{
	const char	*xdg, *home;

	/* XDG: "If an implementation encounters a relative path in any of
	 * these variables it should consider the path invalid and ignore
	 * it." */
	xdg = getenv("XDG_CONFIG_HOME");
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/teltop/config", xdg);
	home = getenv("HOME");
	if (home == NULL || *home == '\0')
		return NULL;
	return xasprintf("%s/.config/teltop/config", home);
}

/*
 * Read the regular file at path, up to TT_CONFIG_MAX_SIZE bytes, into
 * *text (caller frees) and *len.  0; 1 if there is no such file and
 * missing_ok; -1 with *cause.
 */
static int
config_read(const char *path, int missing_ok, char **text, size_t *len,
    char **cause)
{
	struct stat	 st;
	char		*buf = NULL;
	size_t		 got = 0, cap;
	ssize_t		 n;
	int		 fd;

	fd = open(path, O_RDONLY|O_NOCTTY|O_NONBLOCK|O_CLOEXEC);
	if (fd < 0) {
		if (missing_ok && (errno == ENOENT || errno == ENOTDIR))
			return 1;
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto error;
	}
	if (!S_ISREG(st.st_mode)) {
		*cause = xasprintf("%s: not a regular file", path);
		goto error;
	}
	if (st.st_size > TT_CONFIG_MAX_SIZE)
		goto too_big;
	/* Room for one byte more, to see a file that grew since fstat. */
	cap = (size_t)st.st_size + 1;
	buf = xmalloc(cap);
	for (;;) {
		if (got == cap) {
			if (cap > TT_CONFIG_MAX_SIZE)
				goto too_big;
			cap = TT_CONFIG_MAX_SIZE + 1;
			buf = xrealloc(buf, cap);
		}
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*cause = xasprintf("%s: %s", path, strerror(errno));
			goto error;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*text = buf;
	*len = got;
	return 0;

too_big:
	*cause = xasprintf("%s: larger than 1 MiB (%d bytes)", path,
	    TT_CONFIG_MAX_SIZE);
error:
	free(buf);
	close(fd);
	return -1;
}

/* Read and apply the config file. */
int
tt_config_load(struct tt_config *cfg, const char *path, char **cause)
{
	char	*dflt = NULL, *text = NULL;
	size_t	 len = 0;
	int	 rc;

	*cause = NULL;
	if (path == NULL) {
		if ((dflt = tt_config_default_path()) == NULL)
			return 0;
		path = dflt;
	}
	rc = config_read(path, dflt != NULL, &text, &len, cause);
	if (rc == 0) {
		rc = tt_config_parse(cfg, text, len, path, cause);
		free(text);
	} else if (rc == 1)
		rc = 0;
	free(dflt);
	return rc;
}

/* Is line [p, e) the setting "key [arg]" (arg NULL: any)? */
static int
same_setting(const char *p, const char *e, const char *key, const char *arg)
{
	size_t	kl = strlen(key), al;

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if ((size_t)(e - p) < kl || strncmp(p, key, kl) != 0 ||
	    (p + kl < e && p[kl] != ' ' && p[kl] != '\t'))
		return 0;
	if (arg == NULL)
		return 1;
	for (p += kl; p < e && (*p == ' ' || *p == '\t'); p++)
		;
	al = strlen(arg);
	return (size_t)(e - p) >= al && strncmp(p, arg, al) == 0 &&
	    (p + al == e || p[al] == ' ' || p[al] == '\t' || p[al] == '\r');
}

/* The whole of regular file fd; -1 with *cause if it cannot be read. */
static int
read_whole(int fd, const char *path, char **text, size_t *len, mode_t *mode,
    char **cause)
{
	struct stat	sb;
	ssize_t		n;
	size_t		got = 0;

	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		*cause = xasprintf("%s: not a regular file", path);
		return -1;
	}
	if (sb.st_size > TT_CONFIG_MAX_SIZE) {
		*cause = xasprintf("%s: larger than 1 MiB", path);
		return -1;
	}
	*text = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		n = read(fd, *text + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*cause = xasprintf("%s: %s", path, n < 0 ?
			    strerror(errno) : "shorter than it said");
			return -1;
		}
		got += (size_t)n;
	}
	*len = got;
	*mode = sb.st_mode & 0777;
	return 0;
}

int
tt_config_remember(const char *path, const char *key, const char *arg,
    const char *arg2, char **cause)
{
	char		*def = NULL, *real = NULL, *text = NULL, *tmp = NULL;
	char		*line, *dir, *slash;
	const char	*p, *e, *end;
	FILE		*f = NULL;
	mode_t		 mode = 0600;
	size_t		 len = 0, i, last = SIZE_MAX;
	int		 fd, r, rc = -1, sort = strcmp(key, "sort") == 0;

	*cause = NULL;
	if (path == NULL && (path = def = tt_config_default_path()) == NULL) {
		*cause = xstrdup("no config file: neither XDG_CONFIG_HOME nor "
		    "HOME is set");
		return -1;
	}
	line = xasprintf("%s %s%s%s", key, arg, arg2 != NULL ? " " : "",
	    arg2 != NULL ? arg2 : "");
	/* a link is followed: the file it names is the one rewritten */
	if ((real = realpath(path, NULL)) != NULL)
		path = real;
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) >= 0) {
		r = read_whole(fd, path, &text, &len, &mode, cause);
		close(fd);
		if (r != 0)
			goto out;	/* never rewrite what was not read */
	} else if (errno != ENOENT) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	} else {
		/* its directory, if need be */
		dir = xstrdup(path);
		for (slash = dir + 1; (slash = strchr(slash, '/')) != NULL;
		    slash++) {
			*slash = '\0';
			(void)mkdir(dir, 0700);
			*slash = '/';
		}
		free(dir);
	}
	/* the last line of the setting is the one read: it takes its place,
	 * the ones before it go */
	end = text != NULL ? text + len : NULL;
	for (i = 0, p = text; p != NULL && p < end; i++) {
		if ((e = memchr(p, '\n', (size_t)(end - p))) == NULL)
			e = end;
		if (same_setting(p, e, key, sort ? arg : NULL))
			last = i;
		p = e < end ? e + 1 : NULL;
	}
	tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    mode)) < 0 || (f = fdopen(fd, "w")) == NULL) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	(void)fchmod(fd, mode);
	for (i = 0, p = text; p != NULL && p < end; i++) {
		if ((e = memchr(p, '\n', (size_t)(end - p))) == NULL)
			e = end;
		if (i == last)
			fprintf(f, "%s\n", line);
		else if (!same_setting(p, e, key, sort ? arg : NULL))
			fprintf(f, "%.*s\n", (int)(e - p), p);
		p = e < end ? e + 1 : NULL;
	}
	if (last == SIZE_MAX)
		fprintf(f, "%s\n", line);
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (fclose(f) != 0) {
		f = NULL;
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	f = NULL;
	if (rename(tmp, path) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	if (rc != 0 && tmp != NULL)
		(void)unlink(tmp);
	free(tmp);
	free(text);
	free(line);
	free(real);
	free(def);
	return rc;
}
