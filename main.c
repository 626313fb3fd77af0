/*
 * teltop: a terminal dashboard for live telemetry inspection.  This file
 * reads the subcommand and hands over; see cli/ for each command.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
	"usage: teltop [--db PATH] [--listen HOST:PORT] [--theme NAME] [--demo]   collector + live UI\n"
	"       teltop serve [--db PATH] [--listen HOST:PORT]   the collector alone\n"
	"              [--max-buffered SIZE] [--token-required | --insecure-public]   (the UI takes them too)\n"
	"              [--retain DURATION] [--max-db-size SIZE]   evict the oldest events\n"
	"       teltop stats [--db PATH] [--json] [--since DAY] [--source S]   timings, daily counts, opt-outs, privacy\n"
	"       teltop events [--db PATH] [--filter EXPR] [--limit N] [--format jsonl|csv] [--explain]\n"
	"       teltop fields [--db PATH] [--source S] [--name EVENT] [--json]   every field each tool sent\n"
	"       teltop diff [--db PATH] --source S [--from V] [--to V] [--json]   what changed between two versions\n"
	"       teltop export [--db PATH] [--filter EXPR] [--since T] [--until T] [--format jsonl|har]   requests as received\n"
	"       teltop import [--db PATH] FILE   an export or a HAR file, through the decoders, times kept\n"
	"       teltop replay [--url URL] [--speed 1|10|max] [--token T] FILE   send the requests again, byte for byte\n"
	"       teltop optout [--db PATH] list [--json] | set SOURCE [--client ID] | clear SOURCE [--client ID]\n"
	"       teltop send [--url URL] [FILE...]   send JSON / NDJSON events (stdin if no FILE)\n"
	"       teltop wrap [--url URL] [--as FORMAT] -- CMD [ARG...]   run CMD, report its start and exit\n"
	"       teltop capture [--url URL] [--db PATH] [--env] [-- CMD [ARG...]]   CMD's HTTPS through the collector\n"
	"       teltop demo [--url URL] [--rate N] [--duration SECONDS]   realistic traffic from every tool\n"
	"       teltop watch [--token TOKEN] [URL]   the UI on a collector elsewhere (teltop serve)\n"
	"       teltop token [--db PATH]   the control token, made on first use\n"
	"       teltop ca show | path | rotate   the local CA that capture's certificates come from\n"
	"       teltop version   (or --version) teltop's version and its libraries'\n"
	"       teltop help [TOPIC | COMMAND]   formats, filter, optout, privacy, capture, retention\n"
	"\n"
	"Defaults: --listen 127.0.0.1:8353 ($TELTOP_LISTEN), --db "
	"$XDG_DATA_HOME/teltop/events.db\n"
	"($TELTOP_DB; else ~/.local/share/teltop/events.db).  "
	"`teltop COMMAND --help` for more.\n";

/* The subcommands after `teltop`; none (or an option) is the live UI. */
static const struct cmd_entry {
	const char	*name;
	int		(*fn)(int, char **);
} cmd_table[] = {
	{ "serve", cmd_serve },
	{ "events", cmd_events },
	{ "stats", cmd_stats },
	{ "fields", cmd_fields },
	{ "diff", cmd_diff },
	{ "export", cmd_export },
	{ "import", cmd_import },
	{ "replay", cmd_replay },
	{ "version", cmd_version },
	{ "optout", cmd_optout },
	{ "send", cmd_send },
	{ "wrap", cmd_wrap },
	{ "capture", cmd_capture },
	{ "demo", cmd_demo },
	{ "token", cmd_token },
	{ "watch", cmd_watch },
	{ "ca", cmd_ca },
};

int
cli_run_command(const char *name, int argc, char **argv)
{
	size_t	i;

	for (i = 0; i < sizeof cmd_table / sizeof cmd_table[0]; i++)
		if (strcmp(name, cmd_table[i].name) == 0)
			return cmd_table[i].fn(argc, argv);
	return -1;
}

int
main(int argc, char **argv)
{
	const char	*cmd;
	size_t		 i;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0)) {
			fputs(usage, stdout);
			return 0;
		}
		if (argc == 2 && (strcmp(argv[1], "--version") == 0 ||
		    strcmp(argv[1], "-V") == 0))
			return cmd_version(1, argv + 1);
		return cmd_ui(argc, argv);
	}
	cmd = argv[1];
	for (i = 0; i < sizeof cmd_table / sizeof cmd_table[0]; i++)
		if (strcmp(cmd, cmd_table[i].name) == 0)
			return cmd_table[i].fn(argc - 1, argv + 1);
	if (strcmp(cmd, "help") == 0)
		return cli_help_topic(argc - 1, argv + 1, usage);
	fprintf(stderr, "teltop: unknown command '%s'\n%s", cmd, usage);
	return 2;
}
