/*
 * `teltop serve`: the collector alone.  Wires ws/ to store/: batches go
 * from ws to the store's queue, the store commits on a timer or when enough
 * is queued, and the commit callback releases the replies.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/decode.h"
#include "core/stats.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "ws/ws.h"
#include "cli.h"

#define FLUSH_DELAY_US	2000	/* group commit window */
#define FLUSH_NOW_AT	64	/* queued requests that flush at once */

static const char usage[] =
	"teltop serve [--db PATH] [--listen HOST:PORT]";

struct app {
	struct store	*store;
	struct ws	*ws;
	struct tt_stats	*stats;		/* what the live UI reads */
};

static volatile sig_atomic_t	 stopping;
static struct ws		*signal_ws;

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
	if (signal_ws != NULL)
		ws_wake(signal_ws);
}

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

static uint64_t
sink_submit(void *arg, struct tt_batch *b, const char *route,
    const char *ctype, const void *body, size_t len)
{
	struct app		*a = arg;
	struct store_payload	 pl = { route, ctype, body, len };
	uint64_t		 ticket;

	ticket = store_submit(a->store, b, &pl);
	ws_request_flush(a->ws, store_pending(a->store) >= FLUSH_NOW_AT ? 0 :
	    FLUSH_DELAY_US);
	return ticket;
}

static void
sink_count(void *arg, enum tt_counter c, int64_t n)
{
	struct app	*a = arg;

	store_count(a->store, c, n);
}

static void
sink_flush(void *arg)
{
	struct app	*a = arg;
	char		*cause = NULL;

	if (store_flush(a->store, &cause) != 0) {
		log_line(NULL, cause);
		free(cause);
	}
}

/* A committed event joins the live aggregates. */
static void
on_event(void *arg, const struct tt_event *ev)
{
	struct app	*a = arg;

	tt_stats_add(a->stats, ev);
}

static void
on_commit(void *arg, uint64_t first, uint64_t last, int ok)
{
	struct app	*a = arg;

	ws_committed(a->ws, first, last, ok);
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
	struct ws_config	 cfg;
	struct app		 a;
	struct sigaction	 sa;
	const char		*listen = NULL, *dbopt = NULL;
	char			*db, *host, *cause = NULL;
	int64_t			 t0;
	int			 ch, port, i;

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

	db = cli_db_path(dbopt, 1);
	memset(&a, 0, sizeof a);
	if ((a.store = store_open(db, &cause)) == NULL)
		goto error;
	store_set_commit_cb(a.store, on_commit, &a);

	/* Rebuild the aggregates from the database, then keep them live. */
	t0 = tt_now_us();
	a.stats = tt_stats_create(TT_ORPHAN_AFTER_US);
	if (store_scan(a.store, TT_NONE, NULL, on_event, &a, &cause) != 0)
		goto error;
	store_set_event_cb(a.store, on_event, &a);
	fprintf(stderr, "teltop: aggregates rebuilt from the database in "
	    "%lld ms\n", (long long)((tt_now_us() - t0) / 1000));

	memset(&cfg, 0, sizeof cfg);
	cfg.host = host;
	cfg.port = port;
	cfg.request_max = TT_REQUEST_MAX;
	cfg.event_max = TT_EVENT_MAX;
	cfg.sink.arg = &a;
	cfg.sink.submit = sink_submit;
	cfg.sink.count = sink_count;
	cfg.sink.flush = sink_flush;
	cfg.sink.log = log_line;
	if ((a.ws = ws_create(&cfg, &cause)) == NULL)
		goto error;
	signal_ws = a.ws;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	fprintf(stderr, "teltop: listening on %s:%d, database %s\n", host,
	    ws_port(a.ws), db);
	while (!stopping)
		if (ws_service(a.ws, 1000) < 0)
			break;

	/* Commit what is queued and let the replies go out. */
	sink_flush(&a);
	for (i = 0; i < 20; i++) {
		ws_wake(a.ws);	/* lws 4.1 ignores the timeout: do not block */
		ws_service(a.ws, 10);
	}
	fprintf(stderr, "teltop: stopped; %lld events accepted, %lld "
	    "rejected\n", (long long)ws_counters(a.ws)->v[TT_CTR_ACCEPTED],
	    (long long)tt_counters_rejected(ws_counters(a.ws)));
	signal_ws = NULL;
	ws_destroy(a.ws);
	store_close(a.store);
	tt_stats_free(a.stats);
	free(db);
	free(host);
	return 0;

error:
	fprintf(stderr, "teltop: %s\n", cause);
	free(cause);
	store_close(a.store);	/* NULL-safe */
	tt_stats_free(a.stats);
	free(db);
	free(host);
	return 1;
}
