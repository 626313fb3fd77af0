/*
 * What the subcommands share.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "core/auth.h"
#include "core/config.h"
#include "core/event.h"
#include "core/units.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "cli.h"

void
cli_usage_error(const char *usage, const char *fmt, ...)
{
	va_list	ap;

	fputs("teltop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\n", usage);
	exit(2);
}

void
cli_no_more_args(const char *usage, int argc, char **argv)
{
	if (optind < argc)
		cli_usage_error(usage, "unexpected argument '%s'",
		    argv[optind]);
}

void
cli_option_error(const char *usage, char **argv)
{
	const char	*word = argv[optind - 1];

	/* getopt_long said nothing (opterr is 0): which option, and why */
	if (strncmp(word, "--", 2) != 0 || optopt == 0)
		cli_usage_error(usage, "unknown option '%s'", word);
	if (strchr(word, '=') != NULL)
		cli_usage_error(usage, "option '%.*s' takes no value",
		    (int)(strchr(word, '=') - word), word);
	cli_usage_error(usage, "option '%s' needs a value", word);
}

/* mkdir -p of the directory part of path (0700), saying what failed. */
int
cli_make_parent(const char *path, char **cause)
{
	char	*dir, *p;
	int	 rc = 0;

	*cause = NULL;
	dir = xstrdup(path);
	if ((p = strrchr(dir, '/')) == NULL || p == dir) {
		free(dir);
		return 0;
	}
	*p = '\0';
	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		(void)mkdir(dir, 0700);
		*p = '/';
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		*cause = xasprintf("cannot create %s: %s", dir,
		    strerror(errno));
		rc = -1;
	}
	free(dir);
	return rc;
}

/* FILE in teltop's XDG data directory. */
static char *
data_file(const char *file)
{
	const char	*env, *home;

	if ((env = getenv("XDG_DATA_HOME")) != NULL && *env == '/')
		/* a relative one is ignored, as the XDG spec says */
		return xasprintf("%s/teltop/%s", env, file);
	home = getenv("HOME");
	return xasprintf("%s/.local/share/teltop/%s",
	    home != NULL ? home : ".", file);
}

/* The database as given: option, $TELTOP_DB, XDG default. */
static char *
db_value(const char *opt)
{
	const char	*env;

	if (opt != NULL)
		return xstrdup(opt);
	if ((env = getenv("TELTOP_DB")) != NULL && *env != '\0')
		return xstrdup(env);
	return data_file("events.db");
}

char *
cli_files_base(const char *db, int create_dir)
{
	char	*base, *cause;

	if (!store_is_url(db))
		return xstrdup(db);
	base = data_file("postgresql/collector");
	if (create_dir && cli_make_parent(base, &cause) != 0) {
		fprintf(stderr, "teltop: %s\n", cause);
		exit(1);
	}
	return base;
}

char *
cli_db_path(const char *opt, int create_dir)
{
	char	*path = db_value(opt), *cause;

	/* not a path to make directories for: only some commands run on
	 * PostgreSQL yet (cli_db_any()) */
	if (store_is_url(path)) {
		fprintf(stderr, "teltop: %s: this command cannot run on a "
		    "PostgreSQL store yet; --db takes a SQLite file here\n",
		    cli_db_shown(path));
		exit(1);
	}
	/* said once, here: what would fail next only follows from it */
	if (create_dir && cli_make_parent(path, &cause) != 0) {
		fprintf(stderr, "teltop: %s\n", cause);
		exit(1);
	}
	return path;
}

char *
cli_db_any(const char *opt, int create_dir)
{
	char	*db = db_value(opt);

	if (store_is_url(db))
		return db;
	free(db);
	return cli_db_path(opt, create_dir);
}

const char *
cli_db_shown(const char *db)
{
	static char	 shown[1024];
	const char	*p, *start, *at, *colon;
	size_t		 n = 0;

	if (!store_is_url(db))
		return db;
	/* postgresql://user:secret@host/db?password=x: both masked */
	start = strstr(db, "://") + 3;
	at = strchr(start, '@');
	colon = at != NULL ? memchr(start, ':', (size_t)(at - start)) : NULL;
	for (p = db; *p != '\0'; ) {
		if (n + 16 >= sizeof shown) {	/* room for a mask and "..." */
			snprintf(shown + n, sizeof shown - n, "...");
			return shown;
		}
		if (p == colon) {
			n += (size_t)snprintf(shown + n, sizeof shown - n,
			    ":***");
			p = at;
			continue;
		}
		if (strncmp(p, "password=", 9) == 0 && p > db &&
		    (p[-1] == '?' || p[-1] == '&')) {
			n += (size_t)snprintf(shown + n, sizeof shown - n,
			    "password=***");
			p += strcspn(p, "&");
			continue;
		}
		shown[n++] = *p++;
	}
	shown[n] = '\0';
	return shown;
}

char *
cli_token_path(const char *opt, int create_dir)
{
	char	*db, *path, *base;

	db = cli_db_any(opt, create_dir);
	base = cli_files_base(db, create_dir);
	path = tt_token_path(base);
	free(base);
	free(db);
	return path;
}

struct store *
cli_open_existing(const char *dbopt)
{
	struct store	*st;
	char		*db, *cause = NULL;

	db = cli_db_any(dbopt, 0);
	if (!store_is_url(db) && access(db, F_OK) != 0) {
		fprintf(stderr, "teltop: no database at %s (start `teltop "
		    "serve` first, or pass --db PATH)\n", db);
		free(db);
		return NULL;
	}
	if ((st = store_open(db, &cause)) == NULL) {
		fprintf(stderr, "teltop: %s\n", cause);
		free(cause);
	}
	free(db);
	return st;
}

void
cli_json_capture(cJSON *o, const char *key,
    const struct tt_capture_counts *cc)
{
	cJSON	*c = cJSON_AddObjectToObject(o, key);

	cJSON_AddNumberToObject(c, "captured", (double)cc->captured);
	cJSON_AddNumberToObject(c, "forwarded", (double)cc->forwarded);
	cJSON_AddNumberToObject(c, "blocked", (double)cc->blocked);
}

const char *
cli_listen(const char *opt)
{
	const char	*env;

	if (opt != NULL)
		return opt;
	if ((env = getenv("TELTOP_LISTEN")) != NULL && *env != '\0')
		return env;
	return TT_DEFAULT_LISTEN;
}

int
cli_parse_size(const char *s, size_t *out)
{
	uint64_t	v;

	if (tt_parse_size(s, &v) != 0 || v > SIZE_MAX)
		return -1;
	*out = (size_t)v;
	return 0;
}

int
cli_split_addr(const char *s, char **host, int *port)
{
	const char	*colon;
	char		*end;
	long		 p;

	if ((colon = strrchr(s, ':')) == NULL || colon == s)
		return -1;
	p = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || p < 0 || p > 65535)
		return -1;
	if (s[0] == '[' && colon[-1] == ']')
		*host = xstrndup(s + 1, (size_t)(colon - s - 2));
	else
		*host = xstrndup(s, (size_t)(colon - s));
	*port = (int)p;
	return 0;
}

char *
cli_local_token(const char *dbopt)
{
	char	*path = cli_token_path(dbopt, 0), *cause = NULL, *tok;

	tok = xmalloc(TT_TOKEN_LEN + 1);
	if (tt_token_load(path, 0, tok, &cause) != 0) {
		free(cause);
		free(tok);
		tok = NULL;
	}
	free(path);
	return tok;
}

int
cli_copy_one(void *arg, const struct tt_event *ev)
{
	struct tt_event	*out = arg;

	tt_event_copy(out, ev, 1);
	out->id = ev->id;
	return 1;
}

int
cli_remember(void *arg, const char *key, const char *arg1, const char *arg2,
    char **cause)
{
	(void)arg;
	return tt_config_remember(NULL, key, arg1, arg2, cause);
}

int
cli_where_option(struct cli_where *w, int ch, const char *arg)
{
	switch (ch) {
	case CLI_OPT_DB:
		w->db = arg;
		return 1;
	case CLI_OPT_LISTEN:
		w->listen = arg;
		return 1;
	case CLI_OPT_URL:
		w->url = arg;
		return 1;
	default:
		return 0;
	}
}

char *
cli_where_url(const struct cli_where *w, const char *scheme,
    const char *path)
{
	if (w->url != NULL)
		return xstrdup(w->url);
	return xasprintf("%s://%s%s", scheme, cli_listen(w->listen), path);
}
