/*
 * `teltop serve`: the collector alone, logging to stderr, until SIGINT or
 * SIGTERM.
 */
#include <sys/stat.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/counters.h"
#include "ws/ws.h"
#include "cli.h"
#include "collector.h"

/* How serve's lines look: for a person at a terminal, for the journal,
 * for a file. */
enum log_form { LOG_TTY, LOG_JOURNAL, LOG_FILE };

#define LOG_LINE_MAX	2048	/* bytes of a logged line, escaped */

/*
 * Under systemd, JOURNAL_STREAM is "DEVICE:INODE" of the journal's stream:
 * stderr is that stream only if it is the same file (a shell that
 * redirected it inherited the variable, not the stream).
 */
static enum log_form
log_form(void)
{
	const char		*js = getenv("JOURNAL_STREAM");
	struct stat		 sb;
	unsigned long long	 dev, ino;

	if (isatty(STDERR_FILENO))
		return LOG_TTY;
	if (js != NULL && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
	    fstat(STDERR_FILENO, &sb) == 0 &&
	    (unsigned long long)sb.st_dev == dev &&
	    (unsigned long long)sb.st_ino == ino)
		return LOG_JOURNAL;
	return LOG_FILE;
}

/*
 * line as one line: control characters (a newline from a peer's request
 * line, say) escaped, at most LOG_LINE_MAX bytes.
 */
static void
log_escape(const char *line, char *out, size_t size)
{
	const unsigned char	*p;
	size_t			 n = 0;

	for (p = (const unsigned char *)line; *p != '\0'; p++) {
		if (n + 5 >= size) {
			memcpy(out + n, "...", 4);
			return;
		}
		if (*p == '\n')
			n += (size_t)snprintf(out + n, size - n, "\\n");
		else if (*p < 0x20 || *p == 0x7f)
			n += (size_t)snprintf(out + n, size - n, "\\x%02x", *p);
		else
			out[n++] = (char)*p;
	}
	out[n] = '\0';
}

static void
log_line(void *arg, const char *line)
{
	const enum log_form	*form = arg;
	char			 when[40], text[LOG_LINE_MAX];
	struct timespec		 ts;
	struct tm		 tm;

	log_escape(line, text, sizeof text);
	clock_gettime(CLOCK_REALTIME, &ts);
	switch (*form) {
	case LOG_JOURNAL:
		fprintf(stderr, "%s\n", text);
		break;
	case LOG_TTY:
		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof when, "%H:%M:%S", &tm);
		fprintf(stderr, "%s teltop: %s\n", when, text);
		break;
	case LOG_FILE:
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ldZ teltop: %s\n", when,
		    ts.tv_nsec / 1000000, text);
		break;
	}
}

/* Run the collector until SIGINT/SIGTERM. */
int
cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_DB,
		CLI_LONGOPT_LISTEN,
		{ "help", no_argument, NULL, 'h' },
		COLLECTOR_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	const char	*usage = cli_usage("serve");
	struct collector_opts	 opts;
	struct collector	 co;
	char			*cause = NULL;
	int64_t			 accepted, rejected;
	enum log_form		 form = log_form();
	char			*line;
	struct cli_where	 where = { NULL, NULL, NULL };
	int			 ch;

	memset(&opts, 0, sizeof opts);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (collector_option(&opts, ch, optarg, usage))
			continue;
		if (cli_where_option(&where, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			printf("usage: %s\n\nRuns the collector: every route on "
			    "one port, events committed to the database\nbefore "
			    "they are acknowledged.  Logs to stderr; "
			    "SIGINT/SIGTERM flush and exit 0.\n\n%s", usage,
			    COLLECTOR_HELP);
			return 0;
		default:
			cli_option_error(usage, argv);
		}
	}
	cli_no_more_args(usage, argc, argv);
	where.listen = cli_listen(where.listen);
	collector_check_listen(&opts, where.listen, usage);

	memset(&co, 0, sizeof co);
	co.opts = opts;
	co.log = log_line;
	co.log_arg = &form;
	if (collector_open(&co, where.db, where.listen, &cause) != 0) {
		fprintf(stderr, "teltop: %s\n", cause);
		free(cause);
		collector_close(&co);
		return 1;
	}
	collector_catch_signals(&co, 0);

	line = xasprintf("listening on %s:%d, database %s", co.host,
	    collector_port(&co), cli_db_shown(co.db));
	log_line(&form, line);
	free(line);
	if (ws_grpc_port(co.ws) > 0) {
		line = xasprintf("OTLP over gRPC on %s:%d", co.grpc_host,
		    ws_grpc_port(co.ws));
		log_line(&form, line);
		free(line);
	}
	while (!collector_stopping())
		if (ws_service(co.ws, 1000) < 0)
			break;

	collector_close(&co);
	accepted = co.final.v[TT_CTR_ACCEPTED];
	rejected = tt_counters_rejected(&co.final);
	line = xasprintf("stopped; %lld events accepted, %lld rejected",
	    (long long)accepted, (long long)rejected);
	log_line(&form, line);
	free(line);
	return 0;
}
