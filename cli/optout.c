/*
 * `teltop optout [--db PATH] list [--json] | set SOURCE [--client ID] |
 * clear SOURCE [--client ID]`: the opt-out registry in the database, which
 * a running collector on the same database follows within a second.
 * `list` also says per source what capture did (the database's counters)
 * and whether the registry blocks its captured requests now.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "core/counters.h"
#include "core/decode.h"
#include "core/event.h"
#include "core/optout.h"
#include "core/switches.h"
#include "core/utf8.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "cli.h"

/* "2026-11-21 10:00:00" in UTC from µs. */
static void
short_time(int64_t us, char *buf, size_t len)
{
	tt_time_format(us, buf, len);
	if (strlen(buf) >= 19) {
		buf[10] = ' ';
		buf[19] = '\0';
	}
}

/*
 * The registry as a table.  Client ids are never cut (they are copied
 * from here): the column is as wide as the longest, at least 20.
 */
void
cli_optout_print(const struct tt_optout *reg)
{
	const struct tt_optout_entry	*e;
	char				 since[64], stored[32];
	size_t				 i;
	int				 w = 20, cw;

	for (i = 0; i < reg->n; i++)
		if (reg->v[i].client != NULL &&
		    (cw = (int)tt_utf8_width(reg->v[i].client)) > w)
			w = cw;
	printf("%-8s %-*s %-19s %-6s %8s  %s\n", "SOURCE", w, "CLIENT",
	    "SINCE (UTC)", "SET BY", "DROPPED", "PROOF");
	if (reg->n == 0)
		printf("  (nothing is opted out)\n");
	for (i = 0; i < reg->n; i++) {
		e = &reg->v[i];
		short_time(e->since, since, sizeof since);
		if (e->stored_since == TT_NONE)
			snprintf(stored, sizeof stored, "-");
		else
			snprintf(stored, sizeof stored, "%lld",
			    (long long)e->stored_since);
		printf("%-8s %s%*s %-19s %-6s %8lld  %s stored since\n",
		    e->source, e->client != NULL ? e->client : "(all)",
		    w - (int)tt_utf8_width(e->client != NULL ? e->client :
		    "(all)"), "", since, e->set_by,
		    (long long)(e->dropped + e->pending), stored);
	}
}

void
cli_capture_print(const struct tt_optout *reg, const struct tt_counters *c)
{
	struct tt_capture_counts	 cc;
	const char			*name, *state;
	char				 text[160], buf[64];
	int				 s;

	tt_capture_counts(c, -1, &cc);
	if (tt_capture_none(&cc))
		return;
	printf("\nThrough the capture proxy (counters of every collector on "
	    "this database)\n");
	for (s = 0; s < TT_SRC_COUNT; s++) {
		name = tt_source_name((enum tt_source)s);
		tt_capture_counts(c, s, &cc);
		state = tt_optout_capture_state(reg, name, buf, sizeof buf);
		if (tt_capture_none(&cc) && state == NULL)
			continue;
		tt_capture_text(&cc, " \u00b7 ", text, sizeof text);
		printf("%-8s %s%s%s\n", name, text, state != NULL ? "  " : "",
		    state != NULL ? state : "");
	}
}

/*
 * The registry as JSON (tt_optout_json's array, as GET /v1/optout has
 * it), each entry with "capture": what capture counted for its source
 * (the source's, for a client's entry too).  Caller frees.
 */
static char *
list_json(const struct tt_optout *reg, const struct tt_counters *c)
{
	struct tt_capture_counts	 cc;
	cJSON				*a, *e, *src;
	enum tt_source			 s;
	char				*text, *out;

	text = tt_optout_json(reg, NULL, NULL);
	if ((a = cJSON_Parse(text)) == NULL)
		return text;
	free(text);
	cJSON_ArrayForEach(e, a) {
		src = cJSON_GetObjectItemCaseSensitive(e, "source");
		memset(&cc, 0, sizeof cc);
		if (cJSON_IsString(src) &&
		    tt_source_parse(src->valuestring, &s) == 0)
			tt_capture_counts(c, (int)s, &cc);
		cli_json_capture(e, "capture", &cc);
	}
	if ((text = cJSON_PrintUnformatted(a)) == NULL)
		fatal("out of memory");
	cJSON_Delete(a);
	out = xstrdup(text);
	cJSON_free(text);
	return out;
}

static void
print_switches(void)
{
	struct tt_switch	sw[TT_SWITCHES_MAX];
	size_t			n, i;

	n = tt_switches_detect(sw, TT_SWITCHES_MAX);
	printf("\nThe tools' own switches on this machine\n");
	for (i = 0; i < n; i++)
		printf("%-8s %-9s %s\n%-18s %s\n", sw[i].source,
		    tt_switch_state_name(sw[i].state), sw[i].what, "",
		    sw[i].detail);
	tt_switches_free(sw, n);
}

static int
list(const char *dbopt, int json)
{
	struct tt_optout	 reg;
	struct tt_counters	 counters;
	struct store		*st = NULL;
	char			*db, *cause = NULL, *s;

	tt_optout_init(&reg);
	memset(&counters, 0, sizeof counters);
	db = cli_db_any(dbopt, 0);
	if (store_is_url(db) || access(db, F_OK) == 0) {
		if ((st = store_open(db, &cause)) == NULL ||
		    store_optout_load(st, &reg, 1, &cause) != 0) {
			fprintf(stderr, "teltop: %s\n", cause);
			free(cause);
			store_close(st);
			free(db);
			return 1;
		}
		if (store_counters(st, &counters) != 0) {
			fprintf(stderr, "teltop: cannot read the counters of "
			    "%s\n", cli_db_shown(db));
			store_close(st);
			free(db);
			return 1;
		}
		store_close(st);
	}
	if (json) {
		s = list_json(&reg, &counters);
		puts(s);
		free(s);
	} else {
		printf("Opt-out registry of %s\n", cli_db_shown(db));
		cli_optout_print(&reg);
		cli_capture_print(&reg, &counters);
		print_switches();
	}
	tt_optout_clear(&reg);
	free(db);
	return 0;
}

static int
change(const char *dbopt, const char *source, const char *client,
    int enabled)
{
	struct tt_optout	 reg;
	struct tt_optout_entry	*e;
	struct store		*st;
	enum tt_source		 src;
	char			*db, *cause = NULL, since[64];
	const char		*who = client != NULL ? client : source;
	int			 rc;

	db = cli_db_any(dbopt, 1);
	tt_optout_init(&reg);
	if ((st = store_open(db, &cause)) == NULL)
		goto error;
	if (enabled)
		rc = store_optout_set(st, source, client, "cli", &cause);
	else
		rc = store_optout_clear(st, source, client, &cause);
	if (rc < 0 || store_optout_load(st, &reg, 1, &cause) != 0)
		goto error;
	e = tt_optout_find(&reg, source, client);
	if (e != NULL)
		short_time(e->since, since, sizeof since);
	if (enabled && rc == 1)
		printf("%s%s%s: opted out since %s UTC; a collector on %s "
		    "drops its events within a second\n", source,
		    client != NULL ? " client " : "", client != NULL ? client :
		    "", since, cli_db_shown(db));
	else if (enabled)
		printf("%s was already opted out (since %s UTC, by %s)\n",
		    who, since, e->set_by);
	else if (rc == 1)
		printf("%s%s%s: opted back in; events are stored again\n",
		    source, client != NULL ? " client " : "",
		    client != NULL ? client : "");
	else
		printf("%s was not opted out\n", who);
	if (enabled && tt_source_parse(source, &src) != 0)
		fprintf(stderr, "teltop: note: '%s' is not a source teltop "
		    "decodes yet (known: devtron devpod devsy werf posthog "
		    "generic)\n", source);
	tt_optout_clear(&reg);
	store_close(st);
	free(db);
	return 0;
error:
	fprintf(stderr, "teltop: %s\n", cause);
	free(cause);
	tt_optout_clear(&reg);
	store_close(st);
	free(db);
	return 1;
}

int
cmd_optout(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_DB,
		{ "client", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*usage = cli_usage("optout");
	const char	*client = NULL, *verb, *why;
	struct cli_where	 where = { NULL, NULL, NULL };
	int		 ch, json = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_where_option(&where, ch, optarg))
			continue;
		switch (ch) {
		case 'c':
			client = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			printf("usage: %s\n\nWhile a source (or one client of "
			    "it) is opted out, a collector on the same\n"
			    "database drops its events: nothing of them is "
			    "stored, senders still get\ntheir success reply.  "
			    "`list` shows the registry, the proof (events "
			    "stored\nsince) and the tools' own switches on "
			    "this machine.\n", usage);
			return 0;
		default:
			cli_option_error(usage, argv);
		}
	}
	if (optind >= argc)
		cli_usage_error(usage, "say list, set or clear");
	verb = argv[optind++];
	if (strcmp(verb, "list") == 0) {
		if (optind != argc || client != NULL)
			cli_usage_error(usage, "list takes only --json");
		return list(where.db, json);
	}
	if (strcmp(verb, "set") != 0 && strcmp(verb, "clear") != 0)
		cli_usage_error(usage, "unknown action '%s'", verb);
	if (json)
		cli_usage_error(usage, "--json goes with list");
	if (optind != argc - 1)
		cli_usage_error(usage, "%s takes one SOURCE, e.g. devpod", verb);
	if (tt_optout_check_name(argv[optind], &why) != 0)
		cli_usage_error(usage, "SOURCE %s", why);
	if (client != NULL && tt_optout_check_name(client, &why) != 0)
		cli_usage_error(usage, "--client %s", why);
	return change(where.db, argv[optind], client, strcmp(verb, "set") == 0);
}
