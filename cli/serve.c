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
	"teltop serve [--db PATH] [--listen HOST:PORT]";

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
		{ NULL, 0, NULL, 0 }
	};
	struct collector	 co;
	const char		*listen = NULL, *dbopt = NULL;
	char			*cause = NULL, *host;
	int64_t			 accepted, rejected;
	int			 ch, port;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			dbopt = optarg;
			break;
		case 'l':
			listen = optarg;
			break;
		case 'h':
			printf("usage: %s\n\nRuns the collector: every route of "
			    "design.md on one port, events committed to the "
			    "database\nbefore they are acknowledged.  Logs to "
			    "stderr; SIGINT/SIGTERM flush and exit 0.\n", usage);
			return 0;
		default:
			cli_usage_error(usage, "unknown option");
		}
	}
	if (optind != argc)
		cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
	listen = cli_listen(listen);
	if (cli_split_addr(listen, &host, &port) != 0)
		cli_usage_error(usage, "bad listen address '%s': expected "
		    "HOST:PORT, e.g. 127.0.0.1:8353 (port 0 picks one)", listen);
	free(host);

	memset(&co, 0, sizeof co);
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
