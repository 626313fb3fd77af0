/*
 * teltop: a terminal dashboard for live telemetry inspection.  This file
 * holds the table of subcommands, reads the subcommand and hands over; see
 * cli/ for each command.  The table is the one place a command's name,
 * summary and synopsis are written: `teltop --help`, `teltop help CMD`,
 * each command's usage errors, the completions (through `teltop help
 * --commands` and `--options`) and the man page's synopsis check
 * (tests/install.sh) all read it.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/collector.h"

static const struct command {
	const char	*name;		/* "": the live UI, no command */
	int		(*fn)(int, char **);
	const char	*summary;
	const char	*usage;		/* its synopsis, as usage: prints it */
} commands[] = {
	{ "", cmd_ui, "the collector and the live UI",
	  "teltop [--db PATH] [--listen HOST:PORT] [--theme NAME] [--demo]\n"
	  "              " COLLECTOR_USAGE },
	{ "serve", cmd_serve, "the collector alone, logging to stderr",
	  "teltop serve [--db PATH] [--listen HOST:PORT] " COLLECTOR_USAGE },
	{ "events", cmd_events, "stored events as JSON lines or CSV",
	  "teltop events [--db PATH] [--filter EXPR] [--since WHEN] "
	  "[--until WHEN]\n"
	  "              [--limit N] [--format jsonl|csv] [--explain]" },
	{ "stats", cmd_stats, "timings, daily counts, opt-outs, privacy",
	  "teltop stats [--db PATH] [--json] [--since YYYY-MM-DD] "
	  "[--source S]\n"
	  "              [--orphan-after DURATION]" },
	{ "fields", cmd_fields, "every field each tool sent",
	  "teltop fields [--db PATH] [--source S] [--name EVENT] [--json]" },
	{ "diff", cmd_diff, "what changed between two versions of a tool",
	  "teltop diff [--db PATH] --source S [--from VERSION] "
	  "[--to VERSION] [--json]" },
	{ "export", cmd_export, "the requests as received, with their events",
	  "teltop export [--db PATH] [--filter EXPR] [--since TIME] "
	  "[--until TIME]\n"
	  "              [--format jsonl|har]" },
	{ "import", cmd_import, "an export or a HAR file, through the decoders",
	  "teltop import [--db PATH] FILE" },
	{ "replay", cmd_replay, "send exported requests again, byte for byte",
	  "teltop replay [--url URL] [--speed 1|10|max] [--token TOKEN] FILE" },
	{ "optout", cmd_optout, "the opt-out registry, with its proof",
	  "teltop optout [--db PATH] list [--json] | set SOURCE [--client ID] "
	  "|\n"
	  "              clear SOURCE [--client ID]" },
	{ "send", cmd_send, "send JSON or NDJSON events",
	  "teltop send [--url URL] [FILE...]" },
	{ "wrap", cmd_wrap, "run a command, report its start and exit",
	  "teltop wrap [--url URL] [--as werf|devpod|posthog|generic] "
	  "-- CMD [ARG...]" },
	{ "capture", cmd_capture, "a command's HTTPS through the collector",
	  "teltop capture [--url URL] [--db PATH] -- CMD [ARG...]\n"
	  "       teltop capture --env [--url URL] [--db PATH]" },
	{ "demo", cmd_demo, "realistic traffic from every tool",
	  "teltop demo [--url URL] [--rate N] [--duration SECONDS] "
	  "[--seed N]" },
	{ "watch", cmd_watch, "the live UI on a collector elsewhere",
	  "teltop watch [--token TOKEN] [--theme NAME] [URL]" },
	{ "token", cmd_token, "the control token, made on first use",
	  "teltop token [--db PATH]" },
	{ "ca", cmd_ca, "the local CA capture's certificates come from",
	  "teltop ca show | path | rotate" },
	{ "config", cmd_config, "the settings in force, and where each is from",
	  "teltop config [--json] [--db PATH] [--listen HOST:PORT] "
	  "[--theme NAME]\n              " COLLECTOR_USAGE },
	{ "version", cmd_version, "teltop's version and its libraries'",
	  "teltop version (or teltop --version)" },
	{ "help", cmd_help, "the topics and each command's options",
	  "teltop help [TOPIC | COMMAND]" },
};

#define NCOMMANDS	(sizeof commands / sizeof commands[0])

static const struct command *
find(const char *name)
{
	size_t	i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

int
cli_is_command(const char *name)
{
	return *name != '\0' && find(name) != NULL;
}

const char *
cli_usage(const char *name)
{
	const struct command	*c = find(name);

	return c != NULL ? c->usage : "teltop --help";
}

int
cli_run_command(const char *name, int argc, char **argv)
{
	const struct command	*c = find(name);

	return cli_is_command(name) ? c->fn(argc, argv) : -1;
}

void
cli_print_overview(FILE *f)
{
	size_t	i;

	fprintf(f, "usage: %s\n       teltop COMMAND [OPTION...]\n\n",
	    commands[0].usage);
	fprintf(f, "Without a command, %s.  The commands:\n",
	    commands[0].summary);
	for (i = 1; i < NCOMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(f, "\nDefaults: --listen %s ($TELTOP_LISTEN), --db\n"
	    "$XDG_DATA_HOME/teltop/events.db ($TELTOP_DB; else\n"
	    "~/.local/share/teltop/events.db).  `teltop help COMMAND` for "
	    "a command's\noptions, `teltop help` for the topics, `teltop "
	    "config` for the settings in\nforce and where each comes from.\n",
	    TT_DEFAULT_LISTEN);
}

void
cli_print_commands(FILE *f, int with_summary)
{
	size_t	i;

	for (i = 1; i < NCOMMANDS; i++)
		if (with_summary)
			fprintf(f, "%s\t%s\n", commands[i].name,
			    commands[i].summary);
		else
			fprintf(f, "%s\n", commands[i].name);
}

/* The length of the value word at s: to a space or the end of its
 * brackets ("HOST[=SOURCE]]" is "HOST[=SOURCE]"). */
static size_t
value_len(const char *s)
{
	size_t	n;
	int	depth = 0;

	for (n = 0; s[n] != '\0' && s[n] != ' ' && s[n] != '\n'; n++) {
		if (s[n] == '[')
			depth++;
		else if (s[n] == ']' && depth-- == 0)
			break;
	}
	return n;
}

int
cli_print_options(FILE *f, const char *name)
{
	const struct command	*c = find(name);
	const char		*p, *end, *seen[32];
	size_t			 n, i, nseen = 0;

	if (c == NULL)
		return -1;
	/* every "--word" of the synopsis, once ("--" alone ends options) */
	for (p = c->usage; (p = strstr(p, "--")) != NULL; p = end) {
		for (end = p + 2; (*end >= 'a' && *end <= 'z') || *end == '-';
		    end++)
			;
		n = (size_t)(end - p);
		for (i = 0; i < nseen; i++)
			if (strncmp(seen[i], p, n) == 0 && (seen[i][n] < 'a' ||
			    seen[i][n] > 'z') && seen[i][n] != '-')
				break;
		if (n == 2 || i < nseen)
			continue;
		if (nseen < sizeof seen / sizeof seen[0])
			seen[nseen++] = p;
		/* "--db PATH": a tab and what it takes */
		if (end[0] == ' ' && end[1] != '\0' &&
		    strchr("[|-(\n", end[1]) == NULL)
			fprintf(f, "%.*s\t%.*s\n", (int)n, p,
			    (int)value_len(end + 1), end + 1);
		else
			fprintf(f, "%.*s\n", (int)n, p);
	}
	fprintf(f, "--help\n");
	return 0;
}

int
main(int argc, char **argv)
{
	const struct command	*c;

	opterr = 0;	/* cli_option_error() says what was wrong, once */
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		cli_print_overview(stdout);
		return 0;
	}
	if (argc == 2 && (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "-V") == 0))
		return cmd_version(1, argv + 1);
	if (argc < 2 || argv[1][0] == '-')
		return cmd_ui(argc, argv);
	if (argv[1][0] != '\0' && (c = find(argv[1])) != NULL)
		return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "teltop: unknown command '%s' (teltop --help lists "
	    "them)\n", argv[1]);
	return 2;
}
