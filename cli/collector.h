/*
 * The collector as one object: the store, the network side, the live
 * aggregates and the opt-out registry, wired together.  `teltop serve`
 * runs it alone; the UI runs it in the same loop.  Everything here runs on
 * the lws service thread (the loop); only the store's writer thread works
 * elsewhere, and its results come back to the loop through ws_post().
 */
#ifndef TT_COLLECTOR_H
#define TT_COLLECTOR_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/auth.h"
#include "core/config.h"
#include "core/counters.h"
#include "core/hosts.h"
#include "core/optout.h"
#include "core/xmalloc.h"

/*
 * Repeated log lines: a line identical to the one printed before it,
 * within `window` µs of that, is counted, not printed; the count comes out
 * once as "<line> (repeated N times)" when a different line comes or the
 * window has ended (seen by the next line or tick), and a new window
 * starts.  Static inline here so that the unit tests, which link no cli/
 * object, can reach it.
 */
struct log_repeat {
	char	*last;		/* owned; NULL before the first line */
	int64_t	 since;		/* when the window began */
	int64_t	 window;
	int	 n;		/* repeats counted in it */
};

/* An empty filter with a window of window_us. */
static inline void
log_repeat_init(struct log_repeat *lr, int64_t window_us)
{
	memset(lr, 0, sizeof *lr);
	lr->window = window_us;
}

/* Print the count of the window, if any, and start a new one at now. */
static inline void
log_repeat_count(struct log_repeat *lr, int64_t now,
    void (*emit)(void *, const char *), void *arg)
{
	char	*s;

	if (lr->n > 0) {
		s = xasprintf("%s (repeated %d times)", lr->last, lr->n);
		emit(arg, s);
		free(s);
	}
	lr->n = 0;
	lr->since = now;
}

/* The clock moved to now: the window's count comes out if it ended. */
static inline void
log_repeat_tick(struct log_repeat *lr, int64_t now,
    void (*emit)(void *, const char *), void *arg)
{
	if (lr->n > 0 && now - lr->since >= lr->window)
		log_repeat_count(lr, now, emit, arg);
}

/* Say line at now through emit, or count it. */
static inline void
log_repeat_line(struct log_repeat *lr, const char *line, int64_t now,
    void (*emit)(void *, const char *), void *arg)
{
	if (lr->last != NULL && strcmp(lr->last, line) == 0 &&
	    now - lr->since < lr->window) {
		lr->n++;
		return;
	}
	log_repeat_count(lr, now, emit, arg);
	emit(arg, line);
	free(lr->last);
	lr->last = xstrdup(line);
}

/* Forget the last line (its count is not printed). */
static inline void
log_repeat_clear(struct log_repeat *lr)
{
	free(lr->last);
	lr->last = NULL;
	lr->n = 0;
}

struct optop;

/* Where OTLP over gRPC is served unless --otlp-grpc says otherwise. */
#define COLLECTOR_GRPC	"127.0.0.1:4317"

/* What the collector's own options set (serve and the UI share them). */
struct collector_opts {
	size_t		 max_buffered;	/* 0: WS_BUFFERED_MAX */
	int		 token_required;
	int		 insecure_public;
	/* capture: hosts intercepted (built-ins + --intercept + config) */
	struct tt_intercept intercept;
	int		 intercept_init;
	unsigned	 forward;	/* bit per enum tt_source */
	const char	*otlp_grpc;	/* --otlp-grpc: NULL the default */
	/* --retain, --max-db-size (over the config file's, when set) */
	int64_t		 retain_us;	/* 0: keep all */
	uint64_t	 max_db_size;	/* 0: no cap */
	int		 retain_set;
	int		 max_db_size_set;
	int		 unannounced;	/* import's: not the database's
					   collector for a UI to find */
	const char	*name;		/* --name: NULL the host name */
};

/* A collector's name (--name): what it writes in a shared store. */
#define COLLECTOR_NAME_MAX	64

/* Their getopt_long entries, and the usage words for them. */
#define COLLECTOR_LONGOPTS \
	{ "max-buffered", required_argument, NULL, 0x100 }, \
	{ "token-required", no_argument, NULL, 0x101 }, \
	{ "insecure-public", no_argument, NULL, 0x102 }, \
	{ "forward", no_argument, NULL, 0x103 }, \
	{ "intercept", required_argument, NULL, 0x104 }, \
	{ "otlp-grpc", required_argument, NULL, 0x105 }, \
	{ "retain", required_argument, NULL, 0x106 }, \
	{ "max-db-size", required_argument, NULL, 0x107 }, \
	{ "name", required_argument, NULL, 0x108 }
#define COLLECTOR_USAGE \
	"[--max-buffered SIZE] [--token-required | --insecure-public]\n" \
	"              [--forward] [--intercept HOST[=SOURCE]]\n" \
	"              [--otlp-grpc HOST:PORT|off] [--retain DURATION]\n" \
	"              [--max-db-size SIZE] [--name NAME]"
#define COLLECTOR_HELP \
	"  --max-buffered SIZE  request bytes held in memory at once, e.g. " \
	"256MiB (the\n                       default); beyond it new bodies " \
	"get 503 + Retry-After\n" \
	"  --token-required     ingest needs the token too (`teltop token`): " \
	"as Bearer,\n                       ?token= or PostHog's api_key; " \
	"needed to listen beyond loopback\n" \
	"  --insecure-public    listen beyond loopback with ingest open to " \
	"anyone (warned)\n" \
	"  --forward            pass captured telemetry that is kept on to " \
	"its real\n                       vendor (opted-out senders are " \
	"blocked); without it\n                       nothing captured " \
	"leaves the machine\n" \
	"  --intercept HOST[=SOURCE]  capture HOST too (repeatable; SOURCE " \
	"a tool name)\n" \
	"  --otlp-grpc HOST:PORT  where OTLP over gRPC is served (default " \
	"127.0.0.1:4317,\n                       skipped with a warning when " \
	"taken); off for none\n" \
	"  --retain DURATION    evict events received longer ago than this " \
	"(30d, 12h;\n                       all: keep every event, the " \
	"default)\n" \
	"  --max-db-size SIZE   evict the oldest events while the database " \
	"holds more\n                       (2GiB; none: no cap, the " \
	"default); daily counts,\n                       commands and the " \
	"field catalog stay (SQLite only)\n" \
	"  --name NAME          this collector's name in a PostgreSQL store " \
	"shared with\n                       others (default: the host " \
	"name)\n"

struct collector {
	struct collector_opts opts;	/* set before collector_open() */
	struct tt_config capture;	/* the config file + opts */
	struct store	*store;
	struct ws	*ws;
	struct tt_stats	*stats;		/* what the live UI reads */
	struct tt_optout optout;	/* a copy of the database's registry */
	struct optop	*ops;		/* opt-out changes being written */
	struct ws_timer	*tick;
	int64_t		 data_version;
	int64_t		 last_id;	/* highest event id seen */
	int64_t		 stored0;	/* events in the database at open */
	int64_t		 evicted;	/* by retention, this run */
	int64_t		 retain_us;	/* in force: flag, else config */
	uint64_t	 max_db_size;
	int64_t		 disk_at;	/* collector_disk_free(): when */
	int		 disk_free;	/* and what it found */
	struct tt_counters final;	/* this run's counters, once closed */
	char		*db;
	char		*files;		/* cli_files_base() of db */
	int64_t		 beat_at;	/* the last heartbeat (mono µs) */
	int64_t		 others;	/* events other collectors stored */
	uint64_t	 missed;	/* store_others_missed() last said */
	char		*peers;		/* "alpha, beta": seen last minute */
	char		*host;
	char		*grpc_host;	/* NULL: no gRPC listener asked for */
	char		 token[TT_TOKEN_LEN + 1];	/* "" when none */
	struct log_repeat logrep;
	/* One line worth logging, without newline. */
	void		(*log)(void *, const char *);
	void		*log_arg;
	/* Each committed event, after the aggregates saw it. */
	void		(*on_event)(void *, const struct tt_event *);
	void		*on_event_arg;
};

/*
 * One of COLLECTOR_LONGOPTS (getopt's ch and optarg): 1 when it was one,
 * 0 when not; a bad value is a usage error.
 */
int	collector_option(struct collector_opts *, int ch, const char *arg,
	    const char *usage);
/* Is name one --name takes? */
int	collector_name_ok(const char *name);
/* A usage error (exit 2) unless listen is an address these options
 * allow (beyond loopback: --token-required or --insecure-public). */
void	collector_check_grpc(const char *arg, const char *usage);
void	collector_check_listen(const struct collector_opts *,
	    const char *listen, const char *usage);
/*
 * History: at most n events matching filter with id < before (0: no
 * bound), oldest first, to cb; since= counts back from now (0: the clock).
 * -2 with *cause for a filter that does not parse, -1 for the store.
 */
/* On PostgreSQL: the collectors on the database seen in the last minute
 * ("alpha, beta (2)"), refreshed every few seconds; NULL on SQLite. */
const char *collector_peers(const struct collector *);
int	collector_history(struct collector *, const char *filter, int64_t now,
	    int64_t before, int n, int (*cb)(void *, const struct tt_event *),
	    void *arg, char **cause);
/*
 * A collector says which address holds its database, in a file beside it
 * ("collector": HOST:PORT PID), so that a UI started on that database
 * attaches to it; the file goes when it closes.  collector_holding(): the
 * address of a collector that still runs on db, or NULL.  Caller frees.
 */
void	collector_announce(struct collector *);
void	collector_unannounce(struct collector *);
char	*collector_holding(const char *db);
/* The GET routes and /v1/stream's messages for viewers (viewers.c). */
struct ws_sink;
void	collector_viewers_init(struct collector *, struct ws_sink *);
/* Open the database, rebuild the aggregates, start listening. */
int	collector_open(struct collector *, const char *dbopt,
	    const char *listen, char **cause);
/* Commit what is queued, let the replies go out, close everything. */
void	collector_close(struct collector *);
int	collector_port(const struct collector *);
/* Events in the database: at open, plus accepted, less evicted since. */
int64_t	collector_stored(const struct collector *);
/*
 * The free share of the disk the database is on, in percent (statvfs of
 * its directory, looked at most every few seconds); -1 if unknown.
 */
int	collector_disk_free(struct collector *);
/*
 * Opt (source, client) out (enabled 1) or back in, without blocking the
 * loop: an opt-out is enforced here at once; the store's writer thread
 * writes the change; then the registry is reloaded, WebSocket senders are
 * told, and done(arg, rc, cause) runs on the loop thread (rc 1 changed, 0
 * already so, -1 failed with cause; cause valid during the call).  set_by:
 * "ui", "http".  -1 with *cause (caller frees) when the request is not
 * valid: done is not called then.
 */
int	collector_optout(struct collector *, const char *source,
	    const char *client, int enabled, const char *set_by,
	    void (*done)(void *, int, const char *), void *arg, char **cause);

/* The registry as enforced here, with the proof counts from the database. */
void	collector_optout_snapshot(struct collector *, struct tt_optout *);

/*
 * SIGINT and SIGTERM (and SIGHUP with hup) end the run:
 * collector_stopping() turns 1 and the loop is woken.  SIGPIPE is ignored.
 */
void	collector_catch_signals(struct collector *, int hup);
int	collector_stopping(void);

#endif
