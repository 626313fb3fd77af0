/*
 * `teltop config`: the settings a collector or the UI started with the same
 * options would run with, and where each came from: a flag, the
 * environment, the config file ($XDG_CONFIG_HOME/teltop/config) or the
 * default.  It reads; it changes nothing, and needs no database.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "core/config.h"
#include "core/units.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "ws/ws.h"
#include "cli.h"
#include "collector.h"

enum from { FROM_DEFAULT, FROM_FLAG, FROM_ENV, FROM_FILE };

static const char *const from_names[] = { "default", "flag", "env", "file" };

/* One line of the answer: the value, and its origin (--db, TELTOP_DB,
 * the file's path, built in). */
struct setting {
	const char	*name;
	char		*value;
	enum from	 from;
	char		*via;
};

struct answer {
	struct setting	*v;
	size_t		 n, cap;
};

static void
put(struct answer *a, const char *name, char *value, enum from from,
    const char *via)
{
	if (a->n == a->cap) {
		a->cap = a->cap != 0 ? a->cap * 2 : 32;
		a->v = xrealloc(a->v, a->cap * sizeof *a->v);
	}
	a->v[a->n].name = name;
	a->v[a->n].value = value;
	a->v[a->n].from = from;
	a->v[a->n].via = xstrdup(via != NULL ? via : "");
	a->n++;
}

/* Where the database is: as cli_db_path() finds it. */
static void
put_db(struct answer *a, const char *opt)
{
	const char	*env;
	enum from	 from = FROM_DEFAULT;
	const char	*via = "~/.local/share/teltop";

	if (opt != NULL) {
		from = FROM_FLAG;
		via = "--db";
	} else if ((env = getenv("TELTOP_DB")) != NULL && *env != '\0') {
		from = FROM_ENV;
		via = "TELTOP_DB";
	} else if ((env = getenv("XDG_DATA_HOME")) != NULL && *env == '/') {
		from = FROM_ENV;
		via = "XDG_DATA_HOME";
	}
	env = opt != NULL ? opt : getenv("TELTOP_DB");
	if (store_is_url(env)) {
		/* what cli_db_path() refuses, shown as given */
		put(a, "db", xasprintf("%s (PostgreSQL: teltop events and "
		    "optout run on it so far)", cli_db_shown(env)), from, via);
		return;
	}
	put(a, "db", cli_db_path(opt, 0), from, via);
	put(a, "token-file", cli_token_path(opt, 0), from, "next to the "
	    "database");
}

static void
put_listen(struct answer *a, const char *opt)
{
	const char	*env = getenv("TELTOP_LISTEN");

	if (opt != NULL)
		put(a, "listen", xstrdup(opt), FROM_FLAG, "--listen");
	else if (env != NULL && *env != '\0')
		put(a, "listen", xstrdup(env), FROM_ENV, "TELTOP_LISTEN");
	else
		put(a, "listen", xstrdup(TT_DEFAULT_LISTEN), FROM_DEFAULT,
		    NULL);
}

/* A retention span as the header and the options write it ("30d"). */
static char *
duration_text(int64_t us)
{
	char	buf[32];

	tt_span_text(us, buf, sizeof buf);
	return xstrdup(buf);
}

/* A size as an option takes it ("2GiB": whole units, no space), not
 * tt_size_text()'s rounded "2.0 GiB" for reading. */
static char *
size_text(uint64_t n)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t	i = 0;

	while (i + 1 < sizeof units / sizeof units[0] && n >= 1024 &&
	    n % 1024 == 0) {
		n /= 1024;
		i++;
	}
	return xasprintf("%llu%s", (unsigned long long)n, units[i]);
}

static char *
forward_text(unsigned bits)
{
	char	text[256];
	size_t	len = 0;
	int	s;

	if (bits == 0)
		return xstrdup("none");
	if (bits == TT_CONFIG_FORWARD_ALL)
		return xstrdup("all");
	text[0] = '\0';
	for (s = 0; s < TT_SRC_COUNT && len < sizeof text; s++)
		if (bits & (1u << s))
			len += (size_t)snprintf(text + len, sizeof text - len,
			    "%s%s", len > 0 ? " " : "",
			    tt_source_name((enum tt_source)s));
	return xstrdup(text);
}

/*
 * What the config file and the options give; flags win over the file
 * (collector.c's capture_config() and ui.c do the same).
 */
static void
put_file(struct answer *a, const struct tt_config *cfg, const char *path,
    const struct collector_opts *o, const char *theme)
{
	const struct tt_host	*h;
	size_t			 i;

	if (theme != NULL)
		put(a, "theme", xstrdup(theme), FROM_FLAG, "--theme");
	else if (cfg->set & TT_CONFIG_SET_THEME)
		put(a, "theme", xstrdup(cfg->theme), FROM_FILE, path);
	else
		put(a, "theme", xstrdup("default"), FROM_DEFAULT, NULL);
	if (cfg->set & TT_CONFIG_SET_VIEW)
		put(a, "view", xstrdup(cfg->view), FROM_FILE, path);
	else
		put(a, "view", xstrdup("stream"), FROM_DEFAULT, NULL);
	for (i = 0; i < cfg->nsort; i++)
		put(a, "sort", xasprintf("%s %s", cfg->sort[i].view,
		    cfg->sort[i].key), FROM_FILE, path);

	if (o->retain_set)
		put(a, "retain", o->retain_us > 0 ? duration_text(o->retain_us) :
		    xstrdup("all"), FROM_FLAG, "--retain");
	else
		put(a, "retain", cfg->retain_us > 0 ?
		    duration_text(cfg->retain_us) : xstrdup("all"),
		    cfg->set & TT_CONFIG_SET_RETAIN ? FROM_FILE : FROM_DEFAULT,
		    cfg->set & TT_CONFIG_SET_RETAIN ? path : NULL);
	if (o->max_db_size_set)
		put(a, "max-db-size", o->max_db_size > 0 ?
		    size_text(o->max_db_size) : xstrdup("none"), FROM_FLAG,
		    "--max-db-size");
	else
		put(a, "max-db-size", cfg->max_db_size > 0 ?
		    size_text(cfg->max_db_size) : xstrdup("none"),
		    cfg->set & TT_CONFIG_SET_MAX_DB ? FROM_FILE : FROM_DEFAULT,
		    cfg->set & TT_CONFIG_SET_MAX_DB ? path : NULL);
	if (o->forward != 0)
		put(a, "forward", forward_text(o->forward | cfg->forward),
		    FROM_FLAG, "--forward");
	else
		put(a, "forward", forward_text(cfg->forward),
		    cfg->set & TT_CONFIG_SET_FORWARD ? FROM_FILE : FROM_DEFAULT,
		    cfg->set & TT_CONFIG_SET_FORWARD ? path : NULL);

	for (i = 0; i < cfg->intercept.n; i++) {
		h = &cfg->intercept.host[i];
		put(a, "intercept", xasprintf("%s %s", h->name,
		    tt_source_name(h->source)), h->builtin ? FROM_DEFAULT :
		    FROM_FILE, h->builtin ? "built in" : path);
	}
	for (i = 0; o->intercept_init && i < o->intercept.n; i++) {
		h = &o->intercept.host[i];
		if (!h->builtin && tt_intercept_find(&cfg->intercept,
		    h->name) == NULL)
			put(a, "intercept", xasprintf("%s %s", h->name,
			    tt_source_name(h->source)), FROM_FLAG,
			    "--intercept");
	}
}

/* This machine's name: a collector's default --name. */
static char *
host_name(void)
{
	char	host[256];

	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	return xstrdup(host);
}

/* The collector's own options, which the file does not set. */
static void
put_collector(struct answer *a, const struct collector_opts *o)
{
	if (o->max_buffered != 0)
		put(a, "max-buffered", size_text(o->max_buffered), FROM_FLAG,
		    "--max-buffered");
	else
		put(a, "max-buffered", size_text(WS_BUFFERED_MAX),
		    FROM_DEFAULT, NULL);
	if (o->token_required)
		put(a, "ingest", xstrdup("token required"), FROM_FLAG,
		    "--token-required");
	else if (o->insecure_public)
		put(a, "ingest", xstrdup("open to anyone"), FROM_FLAG,
		    "--insecure-public");
	else
		put(a, "ingest", xstrdup("open, on loopback only"),
		    FROM_DEFAULT, NULL);
	if (o->otlp_grpc != NULL)
		put(a, "otlp-grpc", xstrdup(o->otlp_grpc), FROM_FLAG,
		    "--otlp-grpc");
	else
		put(a, "otlp-grpc", xstrdup(COLLECTOR_GRPC), FROM_DEFAULT,
		    NULL);
	if (o->name != NULL)
		put(a, "name", xstrdup(o->name), FROM_FLAG, "--name");
	else
		put(a, "name", host_name(), FROM_DEFAULT, NULL);
}

static void
print_text(const struct answer *a, const char *path, int have_file)
{
	size_t	i, w = 5;

	printf("config file: %s%s\n\n", path != NULL ? path : "(no HOME)",
	    have_file ? "" : " (not there: every setting is a flag's, the "
	    "environment's or the default)");
	for (i = 0; i < a->n; i++)
		if (strlen(a->v[i].value) > w)
			w = strlen(a->v[i].value);
	if (w > 48)
		w = 48;
	printf("%-13s %-*s %s\n", "SETTING", (int)w, "VALUE", "FROM");
	for (i = 0; i < a->n; i++)
		printf("%-13s %-*s %s%s%s%s\n", a->v[i].name, (int)w,
		    a->v[i].value, from_names[a->v[i].from],
		    *a->v[i].via != '\0' ? " (" : "", a->v[i].via,
		    *a->v[i].via != '\0' ? ")" : "");
}

static void
print_json(const struct answer *a, const char *path, int have_file)
{
	cJSON	*root = cJSON_CreateObject(), *list, *o;
	char	*text;
	size_t	 i;

	if (path != NULL)
		cJSON_AddStringToObject(root, "config_file", path);
	else
		cJSON_AddNullToObject(root, "config_file");
	cJSON_AddBoolToObject(root, "config_file_exists", have_file);
	list = cJSON_AddArrayToObject(root, "settings");
	for (i = 0; i < a->n; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", a->v[i].name);
		cJSON_AddStringToObject(o, "value", a->v[i].value);
		cJSON_AddStringToObject(o, "from", from_names[a->v[i].from]);
		if (*a->v[i].via != '\0')
			cJSON_AddStringToObject(o, "via", a->v[i].via);
		cJSON_AddItemToArray(list, o);
	}
	text = cJSON_Print(root);
	printf("%s\n", text);
	free(text);
	cJSON_Delete(root);
}

int
cmd_config(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_DB,
		CLI_LONGOPT_LISTEN,
		{ "theme", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		COLLECTOR_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	const char		*usage = cli_usage("config");
	struct cli_where	 where = { NULL, NULL, NULL };
	struct collector_opts	 opts;
	struct tt_config	 cfg;
	struct answer		 a = { NULL, 0, 0 };
	const char		*theme = NULL;
	char			*path, *cause = NULL;
	int			 ch, json = 0, have_file, rc = 0;
	size_t			 i;

	memset(&opts, 0, sizeof opts);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (collector_option(&opts, ch, optarg, usage) ||
		    cli_where_option(&where, ch, optarg))
			continue;
		switch (ch) {
		case 't':
			theme = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			printf("usage: %s\n\nPrints the settings that teltop "
			    "(or teltop serve) given the same options\nwould "
			    "run with, and where each comes from: flag, env "
			    "(TELTOP_DB,\nTELTOP_LISTEN, XDG_DATA_HOME), file "
			    "(the config file) or default.\nChanges nothing.  "
			    "The config file's settings: `man teltop`, FILES."
			    "\n", usage);
			return 0;
		default:
			cli_option_error(usage, argv);
		}
	}
	cli_no_more_args(usage, argc, argv);

	path = tt_config_default_path();
	have_file = path != NULL && access(path, F_OK) == 0;
	tt_config_init(&cfg);
	if (tt_config_load(&cfg, NULL, &cause) != 0) {
		/* what a collector would refuse to start with */
		fprintf(stderr, "teltop: %s\n", cause);
		free(cause);
		rc = 1;
	}
	put_db(&a, where.db);
	put_listen(&a, where.listen);
	put_collector(&a, &opts);
	put_file(&a, &cfg, path, &opts, theme);
	if (json)
		print_json(&a, path, have_file);
	else
		print_text(&a, path, have_file);
	for (i = 0; i < a.n; i++) {
		free(a.v[i].value);
		free(a.v[i].via);
	}
	free(a.v);
	free(path);
	return rc;
}
