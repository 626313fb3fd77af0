/*
 * `teltop serve`: the collector alone, logging to stderr, until SIGINT or
 * SIGTERM.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/counters.h"
#include "ws/ws.h"
#include "cli.h"
#include "collector.h"

static const char usage[] =
	"teltop serve [--db PATH] [--listen HOST:PORT] " COLLECTOR_USAGE;

static void
log_line(void *arg, const char *line)
{
	char		buf[32];
	time_t		t = time(NULL);
	struct tm	tm;

	(void)arg;
	localtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%H:%M:%S", &tm);
	fprintf(stderr, "%s teltop: %s\n", buf, line);
}

/* Run the collector until SIGINT/SIGTERM. */
int
cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		COLLECTOR_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct collector_opts	 opts;
	struct collector	 co;
	const char		*listen = NULL, *dbopt = NULL;
	char			*cause = NULL;
	int64_t			 accepted, rejected;
	int			 ch;

	memset(&opts, 0, sizeof opts);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (collector_option(&opts, ch, optarg, usage))
			continue;
		switch (ch) {
		case 'd':
			dbopt = optarg;
			break;
		case 'l':
			listen = optarg;
			break;
		case 'h':
			printf("usage: %s\n\nRuns the collector: every route on "
			    "one port, events committed to the database\nbefore "
			    "they are acknowledged.  Logs to stderr; "
			    "SIGINT/SIGTERM flush and exit 0.\n\n%s", usage,
			    COLLECTOR_HELP);
			return 0;
		default:
			cli_usage_error(usage, "unknown option");
		}
	}
	if (optind != argc)
		cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	listen = cli_listen(listen);
	collector_check_listen(&opts, listen, usage);

	memset(&co, 0, sizeof co);
	co.opts = opts;
	co.log = log_line;
	if (collector_open(&co, dbopt, listen, &cause) != 0) {
		fprintf(stderr, "teltop: %s\n", cause);
		free(cause);
		collector_close(&co);
		return 1;
	}
	collector_catch_signals(&co, 0);

	fprintf(stderr, "teltop: listening on %s:%d, database %s\n", co.host,
	    collector_port(&co), co.db);
	if (ws_grpc_port(co.ws) > 0)
		fprintf(stderr, "teltop: OTLP over gRPC on %s:%d\n",
		    co.grpc_host, ws_grpc_port(co.ws));
	while (!collector_stopping())
		if (ws_service(co.ws, 1000) < 0)
			break;

	collector_close(&co);
	accepted = co.final.v[TT_CTR_ACCEPTED];
	rejected = tt_counters_rejected(&co.final);
	fprintf(stderr, "teltop: stopped; %lld events accepted, %lld "
	    "rejected\n", (long long)accepted, (long long)rejected);
	return 0;
}
