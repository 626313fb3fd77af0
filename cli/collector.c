/*
 * The collector: ws/ hands decoded batches to the sink here, which drops
 * the opted-out events and queues the rest in the store; the store commits
 * on a timer or when enough is queued, and its commit callback releases
 * the replies.  A tick watches PRAGMA data_version, so an opt-out set by
 * another process (`teltop optout set`) is picked up within TICK_US.
 * The live aggregates (what the UI shows) are loaded from the store's
 * rollups at start and follow the deltas the store works out for each
 * committed event, so start-up reads no event and memory holds no
 * finished execution.
 *
 * Threads: every function here runs on the loop thread.  The store commits
 * on its writer thread and hands results back through ws_post() (post()
 * below is the one function called from there); opt-out changes from the
 * UI and HTTP are writer jobs too, so the loop never waits for the disk or
 * for another process's lock.  An opt-out asked for here is enforced at
 * once, before it is written (the ops list), so nothing of that source is
 * stored after the request; the proof stays "0 stored since".
 *
 * Our own commits move data_version now (the writer has a connection of
 * its own), so under load the tick reloads the registry each time: one
 * cached SELECT of a table of a few rows, at most every TICK_US.
 */
#include <sys/statvfs.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/auth.h"
#include "core/config.h"
#include "core/decode.h"
#include "core/privacy.h"
#include "core/stats.h"
#include "core/units.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "ws/ws.h"
#include "cli.h"
#include "collector.h"
#include "records.h"

#define FLUSH_DELAY_US	2000	/* group commit window */
#define COUNT_FLUSH_US	250000	/* counters alone wait this long */
#define FLUSH_NOW_AT	64	/* queued requests that flush at once */
#define FLUSH_NOW_EVENTS 50	/* ... or events: a batch this big gains
				   nothing from the window but its wait */
#define TICK_US		100000	/* how often the registry is checked */
#define BEAT_US		(5 * 1000000)	/* a heartbeat on PostgreSQL */
#define PEERS_US	(60 * INT64_C(1000000))	/* "seen in the last minute" */
#define LOG_REPEAT_US	2000000	/* identical log lines counted this long */
#define DISK_CHECK_US	5000000	/* the disk's free space looked at */

/* An opt-out change being written by the store's writer. */
struct optop {
	struct optop	*next;
	struct collector *co;
	char		*source;
	char		*client;	/* NULL: the whole source */
	char		*set_by;
	int64_t		 since;
	int		 enabled;
	int		 added;		/* enforced here before written */
	void		(*done)(void *, int, const char *);
	void		*arg;
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

void
collector_catch_signals(struct collector *co, int hup)
{
	struct sigaction	sa;

	signal_ws = co->ws;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (hup)
		sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int
collector_stopping(void)
{
	return stopping;
}

/* Hand a line to the log (log_repeat's emit). */
static void
emit(void *arg, const char *line)
{
	struct collector	*co = arg;

	if (co->log != NULL)
		co->log(co->log_arg, line);
}

/* Log a line; repeats of the same line are counted (log_repeat). */
static void
say(struct collector *co, const char *line)
{
	log_repeat_line(&co->logrep, line, tt_now_us(), emit, co);
}

/*
 * Record each event's privacy findings with it (on the ingest path).  The
 * decoder makes them on its tree (opts.findings in ws/worker.c); this scans
 * the text of those it left without (data rewritten by a note).
 */
static void
privacy(struct tt_batch *b)
{
	struct tt_findings	f;
	size_t			i;

	tt_findings_init(&f);
	for (i = 0; i < b->n; i++) {
		if (b->ev[i].data == NULL || b->ev[i].pii != NULL)
			continue;
		/* each scan replaces the findings, reusing their memory */
		tt_privacy_scan(b->ev[i].data, b->ev[i].data_len, &f);
		b->ev[i].pii = tt_privacy_json(&f);
	}
	tt_findings_clear(&f);
}

/* Decode thread or service thread: work that needs nothing shared. */
static void
sink_prepare(void *arg, struct tt_batch *b)
{
	(void)arg;
	privacy(b);
}

static uint64_t
sink_submit(void *arg, struct tt_batch *b, const char *route,
    const char *ctype, const void *body, size_t len,
    const struct ws_request *rq, size_t *dropped)
{
	struct collector	*co = arg;
	struct store_payload	 pl = { route, ctype, body, len, NULL, NULL,
	    0 };
	uint64_t		 ticket;
	int			 keep_body;

	/*
	 * The raw body holds the dropped events' bytes too: when any was
	 * dropped, keep only the kept events' own JSON, not the body.  An
	 * item its decoder refused cannot be told kept or dropped, so while
	 * any opt-out is set its body is not kept either.
	 */
	keep_body = b->rejected == 0 || co->optout.n == 0;
	*dropped = tt_optout_filter(&co->optout, b);
	privacy(b);
	if (rq != NULL) {
		pl.request = tt_request_json(rq->method, rq->target,
		    rq->content_encoding, rq->user_agent);
		pl.raw = rq->raw;
		pl.raw_len = rq->raw_len;
	}
	ticket = store_submit(co->store, b, *dropped == 0 && keep_body ?
	    &pl : NULL);
	free((char *)(uintptr_t)pl.request);
	ws_request_flush(co->ws, store_pending(co->store) >= FLUSH_NOW_AT ||
	    store_pending_events(co->store) >= FLUSH_NOW_EVENTS ?
	    0 : FLUSH_DELAY_US);
	return ticket;
}

static size_t
sink_held(void *arg)
{
	struct collector	*co = arg;

	return store_held(co->store);
}

static void
sink_count(void *arg, enum tt_counter c, int64_t n)
{
	struct collector	*co = arg;

	store_count(co->store, c, n);
	/* counted after a commit (accepted, blocked): written soon, so other
	 * processes (optout list, stats) see them; with the next events'
	 * commit if that comes first */
	if (co->ws != NULL)
		ws_request_flush(co->ws, COUNT_FLUSH_US);
}

static void
sink_flush(void *arg)
{
	struct collector	*co = arg;
	struct tt_optout_entry	*e;
	char			*cause = NULL;
	size_t			 i;

	for (i = 0; i < co->optout.n; i++) {
		e = &co->optout.v[i];
		if (e->pending == 0)
			continue;
		store_optout_dropped(co->store, e->source, e->client,
		    e->pending);
		e->dropped += e->pending;
		e->pending = 0;
	}
	if (store_flush(co->store, &cause) != 0) {
		say(co, cause);
		free(cause);
	}
}

/* A refusal by route and reason, kept as the counter "refused R ROUTE". */
static void
sink_refused(void *arg, const char *route, const char *reason, int64_t n)
{
	struct collector	*co = arg;
	char			 name[96];

	snprintf(name, sizeof name, "%s%s %s", TT_REFUSED_PREFIX, reason,
	    route);
	store_count_name(co->store, name, n);
	if (co->ws != NULL)
		ws_request_flush(co->ws, COUNT_FLUSH_US);
}

static void
sink_log(void *arg, const char *line)
{
	say(arg, line);
}

/*
 * What this collector enforces (its in-memory copy, with the counts not
 * yet committed), with the proof read from the database.
 */
void
collector_optout_snapshot(struct collector *co, struct tt_optout *out)
{
	struct tt_optout_entry	*e, *live;
	char			*cause = NULL;
	size_t			 i;

	tt_optout_clear(out);
	for (i = 0; i < co->optout.n; i++) {
		live = &co->optout.v[i];
		e = tt_optout_put(out, live->source, live->client, live->since,
		    live->set_by);
		e->since_id = live->since_id;
		e->dropped = live->dropped;
		e->pending = live->pending;
	}
	if (store_optout_proof(co->store, out, &cause) != 0) {
		say(co, cause);
		free(cause);
	}
}

static const char *
sink_down(void *arg)
{
	struct collector	*co = arg;

	return store_down(co->store);
}

static char *
sink_optout_json(void *arg, const char *source, const char *client)
{
	struct collector	*co = arg;
	struct tt_optout	 reg;
	char			*s;

	tt_optout_init(&reg);
	collector_optout_snapshot(co, &reg);
	s = tt_optout_json(&reg, source, client);
	tt_optout_clear(&reg);
	return s;
}

static int
sink_optout_match(void *arg, const char *source, const char *client)
{
	struct collector	*co = arg;

	return tt_optout_match(&co->optout, source, client) != NULL;
}

/* An HTTP opt-out change in progress: its ws op. */
struct httpop {
	struct collector	*co;
	uint64_t		 op;
};

/* POST /v1/optout is written: answer it. */
static void
http_optout_done(void *arg, int rc, const char *cause)
{
	struct httpop	*h = arg;

	ws_optout_done(h->co->ws, h->op, rc < 0 ? -1 : 0, cause);
	free(h);
}

/* POST /v1/optout: start the change; ws_optout_done() when written. */
static void
sink_optout_change(void *arg, const char *source, const char *client,
    int enabled, uint64_t op)
{
	struct collector	*co = arg;
	struct httpop		*h;
	char			*cause = NULL;

	h = xmalloc(sizeof *h);
	h->co = co;
	h->op = op;
	if (collector_optout(co, source, client, enabled, "http",
	    http_optout_done, h, &cause) != 0) {
		ws_optout_done(co->ws, op, -1, cause);
		free(cause);
		free(h);
	}
}

/* A committed event joins the live aggregates, as the store worked out
 * (d: what it changed; NULL: the aggregates work it out). */
static void
on_event(void *arg, const struct tt_event *ev, const struct tt_stats_delta *d)
{
	struct collector	*co = arg;
	struct tt_stats_delta	 own;

	if (ev->id > co->last_id)
		co->last_id = ev->id;
	if (d != NULL)
		tt_stats_apply(co->stats, ev, d);
	else {
		/* worked out here, and so handed to viewers too */
		tt_stats_add_delta(co->stats, ev, &own);
		d = &own;
	}
	if (co->ws != NULL)	/* the last commits come after it is gone */
		ws_stream_event(co->ws, ev, d);
	if (co->on_event != NULL)
		co->on_event(co->on_event_arg, ev);
	if (d == &own)
		tt_stats_delta_clear(&own);
}

static void
on_commit(void *arg, uint64_t first, uint64_t last, enum tt_commit how)
{
	struct collector	*co = arg;

	ws_committed(co->ws, first, last, how);
}

/* The store's line worth logging (a failed commit, a lock wait). */
static void
on_store_log(void *arg, const char *line)
{
	say(arg, line);
}

/* Retention took n events out: count them (the store wrote the counter
 * in the same transaction); the first time this run, say so. */
static void
on_evicted(void *arg, int64_t n)
{
	struct collector	*co = arg;
	char			*line;

	if (co->evicted == 0) {
		line = xasprintf("retention: evicting the oldest events "
		    "(%lld so far); daily counts, commands and the field "
		    "catalog stay", (long long)n);
		say(co, line);
		free(line);
	}
	co->evicted += n;
	if (co->ws != NULL)
		ws_counted(co->ws, TT_CTR_EVICTED, n);
}

/* "retention: events kept 30d, database at most 2.0 GiB", or NULL when
 * every event is kept. */
static char *
retention_text(const struct collector *co)
{
	char	span[32], size[32];

	if (co->retain_us <= 0 && co->max_db_size == 0)
		return NULL;
	tt_span_text(co->retain_us, span, sizeof span);
	tt_size_text(co->max_db_size, size, sizeof size);
	return xasprintf("retention: %s%s%s%s%s", co->retain_us > 0 ?
	    "events kept " : "", co->retain_us > 0 ? span : "",
	    co->retain_us > 0 && co->max_db_size > 0 ? ", " : "",
	    co->max_db_size > 0 ? "database at most " : "",
	    co->max_db_size > 0 ? size : "");
}

int64_t
collector_stored(const struct collector *co)
{
	int64_t	n = co->stored0 + ws_counters(co->ws)->v[TT_CTR_ACCEPTED] +
	    co->others - co->evicted;

	return n > 0 ? n : 0;
}

int
collector_disk_free(struct collector *co)
{
	struct statvfs	 sv;
	int64_t		 now = tt_mono_us();
	char		*dir, *slash;

	if (co->disk_at != 0 && now - co->disk_at < DISK_CHECK_US)
		return co->disk_free;
	co->disk_at = now;
	co->disk_free = -1;
	dir = xstrdup(co->files);
	if ((slash = strrchr(dir, '/')) != NULL)
		slash[slash == dir] = '\0';
	if (statvfs(slash != NULL ? dir : ".", &sv) == 0 && sv.f_blocks > 0)
		co->disk_free = (int)((double)sv.f_bavail * 100 /
		    (double)sv.f_blocks);
	free(dir);
	return co->disk_free;
}

/* The store's poster, called on its writer thread: ws_post() is safe
 * from any thread. */
static void
post(void *arg, void (*fn)(void *), void *fnarg)
{
	ws_post(arg, fn, fnarg);
}

/* An opt-out appeared or went away: log it and tell the senders. */
static void
optout_changed(void *arg, const char *source, const char *client,
    int enabled)
{
	struct collector	*co = arg;
	char			*line;

	line = xasprintf("opt-out %s: %s%s%s", enabled ? "set" : "cleared",
	    source, client != NULL ? " client " : "",
	    client != NULL ? client : "");
	say(co, line);
	free(line);
	ws_optout_notify(co->ws, source, client, enabled);
}

/* The last change asked for (source, client) not yet written, or NULL. */
static struct optop *
latest_op(struct collector *co, const char *source, const char *client)
{
	struct optop	*op, *last = NULL;

	for (op = co->ops; op != NULL; op = op->next)
		if (strcmp(op->source, source) == 0 && ((op->client == NULL &&
		    client == NULL) || (op->client != NULL && client != NULL &&
		    strcmp(op->client, client) == 0)))
			last = op;
	return last;
}

/*
 * Read the registry again and report what changed.  Opt-outs asked for here
 * and not yet written stay enforced; drop counts on their way to the
 * database (moved out of pending by sink_flush) are not lost from view.
 */
static int
reload(struct collector *co, char **cause)
{
	struct tt_optout	 fresh;
	struct tt_optout_entry	*e, *old;
	struct optop		*op;
	size_t			 i;

	tt_optout_init(&fresh);
	if (store_optout_load(co->store, &fresh, 0, cause) != 0) {
		tt_optout_clear(&fresh);
		return -1;
	}
	/* An opt-out asked for last, and not yet written, stays enforced. */
	for (op = co->ops; op != NULL; op = op->next) {
		if (!op->enabled || latest_op(co, op->source, op->client) !=
		    op || tt_optout_find(&fresh, op->source, op->client) !=
		    NULL)
			continue;
		old = tt_optout_find(&co->optout, op->source, op->client);
		e = tt_optout_put(&fresh, op->source, op->client,
		    old != NULL ? old->since : op->since,
		    old != NULL ? old->set_by : op->set_by);
		e->since_id = old != NULL ? old->since_id : co->last_id;
		e->dropped = old != NULL ? old->dropped : 0;
	}
	for (i = 0; i < fresh.n; i++) {
		e = &fresh.v[i];
		old = tt_optout_find(&co->optout, e->source, e->client);
		if (old != NULL && old->since == e->since &&
		    old->dropped > e->dropped)
			e->dropped = old->dropped;
	}
	tt_optout_sync(&co->optout, &fresh, optout_changed, co);
	return 0;
}

/* An event another collector committed (PostgreSQL): it joins the
 * aggregates and the live stream as our own do. */
static void
on_other(void *arg, const struct tt_event *ev, const struct tt_stats_delta *d)
{
	struct collector	*co = arg;

	co->others++;
	on_event(co, ev, d);
}

static void
add_peer(void *arg, const char *name, int instances)
{
	struct collector	*co = arg;
	char			*s;

	s = xasprintf(instances > 1 ? "%s%s%s (%d)" : "%s%s%s",
	    co->peers != NULL ? co->peers : "", co->peers != NULL ? ", " : "",
	    name, instances);
	free(co->peers);
	co->peers = s;
}

/* Say we run (a row of the collectors table), and read who else does. */
static void
heartbeat(struct collector *co)
{
	char	*cause = NULL;

	co->beat_at = tt_mono_us();
	if (store_heartbeat(co->store, &cause) != 0) {
		free(cause);	/* down: /healthz says so */
		return;
	}
	free(co->peers);
	co->peers = NULL;
	if (store_collectors(co->store, PEERS_US, add_peer, co, &cause) < 0)
		free(cause);
}

const char *
collector_peers(const struct collector *co)
{
	return co->peers;
}

/*
 * Reload the registry when another process wrote to the database; on
 * PostgreSQL also take in what other collectors committed, and beat.
 */
static void
tick(void *arg)
{
	struct collector	*co = arg;
	int64_t			 v;
	char			*cause = NULL;

	log_repeat_tick(&co->logrep, tt_now_us(), emit, co);
	v = store_data_version(co->store);
	if (v != co->data_version) {
		if (reload(co, &cause) == 0)
			co->data_version = v;
		else {
			say(co, cause);
			free(cause);
		}
	}
	/* what other collectors of a shared store did (none: nothing) */
	if (store_others(co->store, on_other, co, &cause) < 0) {
		say(co, cause);
		free(cause);
	}
	if (store_others_missed(co->store) != co->missed) {
		co->missed = store_others_missed(co->store);
		say(co, "the live view and its aggregates may lack events "
		    "other collectors committed meanwhile (the connection to "
		    "PostgreSQL was lost, or too many came at once): the "
		    "database has them, and a restart counts them");
	}
	if (tt_mono_us() - co->beat_at >= BEAT_US)
		heartbeat(co);
	ws_timer_schedule(co->tick, TICK_US);
}

/*
 * What capture intercepts and forwards: the config file, then the
 * options (--intercept adds hosts, --forward all sources).
 */
static int
capture_config(struct collector *co, char **cause)
{
	const struct tt_host	*h;
	const char		*why;
	char			*err = NULL;
	size_t			 i;

	tt_config_init(&co->capture);
	if (tt_config_load(&co->capture, NULL, &err) != 0) {
		*cause = xasprintf("%s", err);
		free(err);
		return -1;
	}
	for (i = 0; co->opts.intercept_init && i < co->opts.intercept.n;
	    i++) {
		h = &co->opts.intercept.host[i];
		if (!h->builtin && tt_intercept_add(&co->capture.intercept,
		    h->name, h->source, &why) != 0) {
			*cause = xasprintf("--intercept %s: %s", h->name, why);
			return -1;
		}
	}
	co->capture.forward |= co->opts.forward;
	co->retain_us = co->opts.retain_set ? co->opts.retain_us :
	    co->capture.retain_us;
	co->max_db_size = co->opts.max_db_size_set ? co->opts.max_db_size :
	    co->capture.max_db_size;
	return 0;
}

static void
scanned(void *arg, const struct tt_event *ev)
{
	tt_stats_add(arg, ev);
}

int
collector_open(struct collector *co, const char *dbopt, const char *listen,
    char **cause)
{
	struct ws_config	 cfg;
	struct tt_counters	 counted;
	int			 port;
	char			*line, *path, *tcause = NULL;
	int64_t			 t0, rolled;
	int			 rebuilt, rc;

	co->store = NULL;
	co->ws = NULL;
	co->stats = NULL;
	co->tick = NULL;
	co->ops = NULL;
	co->last_id = 0;
	co->beat_at = 0;
	co->others = 0;
	co->missed = 0;
	co->peers = NULL;
	log_repeat_init(&co->logrep, LOG_REPEAT_US);
	tt_optout_init(&co->optout);
	co->db = cli_db_any(dbopt, 1);
	co->files = cli_files_base(co->db, 1);
	co->host = NULL;
	if (cli_split_addr(listen, &co->host, &port) != 0) {
		*cause = xasprintf("bad listen address '%s': expected "
		    "HOST:PORT, e.g. 127.0.0.1:8353 (port 0 picks one)",
		    listen);
		return -1;
	}
	/* Beyond loopback, ingest is open to the network: only if asked. */
	if (tt_auth_listen_check(co->host, co->opts.token_required,
	    co->opts.insecure_public, &line) != 0) {
		if (line != NULL && co->opts.insecure_public)
			say(co, line);
		else if (line != NULL) {
			*cause = line;
			return -1;
		}
		free(line);
	}
	if ((co->store = store_open(co->db, cause)) == NULL)
		return -1;
	if (co->opts.name != NULL &&
	    store_set_name(co->store, co->opts.name) != 0) {
		*cause = xstrdup("--name names a collector in a PostgreSQL "
		    "store shared with others; a SQLite file has one");
		return -1;
	}
	store_set_commit_cb(co->store, on_commit, co);
	store_set_log_cb(co->store, on_store_log, co);
	co->data_version = store_data_version(co->store);
	co->last_id = store_last_id(co->store);
	if (store_optout_load(co->store, &co->optout, 0, cause) != 0)
		return -1;

	/*
	 * The aggregates from the rollups (their days in our zone: rebuilt
	 * if they are in another; rows stored past them counted), then kept
	 * live by the store's deltas.
	 */
	t0 = tt_now_us();
	if (store_rollup_sync(co->store, &rebuilt, &rolled, cause) != 0)
		return -1;
	if (rebuilt || rolled > 0) {
		line = rebuilt ? xasprintf("rollups rebuilt for this time zone "
		    "in %lld ms", (long long)((tt_now_us() - t0) / 1000)) :
		    xasprintf("%lld events stored without rollups counted in "
		    "%lld ms", (long long)rolled,
		    (long long)((tt_now_us() - t0) / 1000));
		say(co, line);
		free(line);
	}
	t0 = tt_now_us();
	co->stats = tt_stats_create(TT_ORPHAN_AFTER_US);
	if ((rc = store_rollup_load(co->store, NULL, co->stats, t0,
	    cause)) < 0)
		return -1;
	if (rc == 1) {
		/* another zone's collector wrote since the sync (a store
		 * shared across zones): the events kept, replayed */
		if (store_scan(co->store, TT_NONE, NULL, scanned, co->stats,
		    cause) != 0)
			return -1;
		co->stored0 = store_event_count(co->store);
	} else {
		/* the rollups count every event ever stored; some were
		 * evicted */
		co->stored0 = store_rollup_events(co->store);
		if (store_counters(co->store, &counted) == 0)
			co->stored0 -= counted.v[TT_CTR_EVICTED];
	}
	if (co->stored0 < 0)
		co->stored0 = 0;
	line = xasprintf("aggregates %s in %lld ms", rc == 1 ?
	    "replayed from the events kept (the rollups' days are in another "
	    "time zone)" : "loaded from the rollups",
	    (long long)((tt_now_us() - t0) / 1000));
	say(co, line);
	free(line);
	/* on PostgreSQL: what the live view may miss from the start */
	co->missed = store_others_missed(co->store);
	co->evicted = 0;
	store_set_event_cb(co->store, on_event, co);

	/* The control token: made on first use, next to the database. */
	path = tt_token_path(co->files);
	if (tt_token_load(path, 1, co->token, &tcause) != 0) {
		line = xasprintf("no control token, so the opt-out registry "
		    "cannot be changed over HTTP: %s", tcause);
		say(co, line);
		free(line);
		free(tcause);
		co->token[0] = '\0';
	}
	free(path);

	memset(&cfg, 0, sizeof cfg);
	cfg.buffered_max = co->opts.max_buffered;
	cfg.token_required = co->opts.token_required;
	cfg.host = co->host;
	cfg.token = co->token[0] != '\0' ? co->token : NULL;
	cfg.port = port;
	/* OTLP over gRPC: the default is skipped when its port is taken */
	if (co->opts.otlp_grpc == NULL ||
	    strcmp(co->opts.otlp_grpc, "off") != 0) {
		if (cli_split_addr(co->opts.otlp_grpc != NULL ?
		    co->opts.otlp_grpc : COLLECTOR_GRPC, &co->grpc_host,
		    &cfg.grpc_port) == 0) {
			cfg.grpc_host = co->grpc_host;
			cfg.grpc_required = co->opts.otlp_grpc != NULL;
		}
	}
	if (capture_config(co, cause) != 0)
		return -1;
	if (!store_size_capped(co->store) && co->max_db_size > 0) {
		if (co->opts.max_db_size_set) {
			*cause = xstrdup("--max-db-size caps a SQLite file; "
			    "on PostgreSQL, --retain drops whole days");
			return -1;
		}
		say(co, "max-db-size (the config file's) caps a SQLite file: "
		    "not used on PostgreSQL, where retain drops whole days");
		co->max_db_size = 0;
	}
	cfg.intercept = &co->capture.intercept;
	cfg.forward = co->capture.forward;
	cfg.request_max = TT_REQUEST_MAX;
	cfg.event_max = TT_EVENT_MAX;
	cfg.sink.arg = co;
	cfg.sink.submit = sink_submit;
	cfg.sink.prepare = sink_prepare;
	cfg.sink.held = sink_held;
	cfg.sink.count = sink_count;
	cfg.sink.refused = sink_refused;
	cfg.sink.flush = sink_flush;
	cfg.sink.down = sink_down;
	cfg.sink.optout_json = sink_optout_json;
	cfg.sink.optout_match = sink_optout_match;
	cfg.sink.optout_change = sink_optout_change;
	cfg.sink.log = sink_log;
	collector_viewers_init(co, &cfg.sink);
	if ((co->ws = ws_create(&cfg, cause)) == NULL)
		return -1;
	/* From here on the store commits (and evicts) on its writer
	 * thread. */
	store_set_evict_cb(co->store, on_evicted, co);
	store_set_retention(co->store, co->retain_us, co->max_db_size);
	if (store_set_poster(co->store, post, co->ws) != 0) {
		say(co, "the store's writer thread did not start: commits "
		    "run on the loop");
		if (co->retain_us > 0 || co->max_db_size > 0)
			say(co, "retention: off, it runs on the writer thread");
	} else if ((line = retention_text(co)) != NULL) {
		say(co, line);
		free(line);
	}
	heartbeat(co);
	co->tick = ws_timer_create(co->ws, tick, co);
	ws_timer_schedule(co->tick, TICK_US);
	if (!co->opts.unannounced)
		collector_announce(co);
	return 0;
}

/* --intercept HOST[=SOURCE] */
static void
intercept_option(struct collector_opts *o, const char *arg,
    const char *usage)
{
	enum tt_source	 src = TT_SRC_GENERIC;
	const char	*eq = strchr(arg, '='), *why;
	char		 host[TT_HOST_MAX + 1];

	if (!o->intercept_init) {
		tt_intercept_init(&o->intercept);
		o->intercept_init = 1;
	}
	if ((eq != NULL ? (size_t)(eq - arg) : strlen(arg)) >= sizeof host)
		cli_usage_error(usage, "bad --intercept '%s': not a host name",
		    arg);
	snprintf(host, sizeof host, "%.*s", eq != NULL ? (int)(eq - arg) :
	    (int)strlen(arg), arg);
	if (eq != NULL && tt_source_parse(eq + 1, &src) != 0)
		cli_usage_error(usage, "bad --intercept '%s': unknown source "
		    "'%s'", arg, eq + 1);
	if (tt_intercept_add(&o->intercept, host, src, &why) != 0)
		cli_usage_error(usage, "bad --intercept '%s': %s", arg, why);
}

int
collector_option(struct collector_opts *o, int ch, const char *arg,
    const char *usage)
{
	switch (ch) {
	case 0x100:
		if (cli_parse_size(arg, &o->max_buffered) != 0 ||
		    o->max_buffered < 65536)
			cli_usage_error(usage, "bad --max-buffered '%s': a size "
			    "of at least 64KiB, e.g. 256MiB", arg);
		return 1;
	case 0x101:
		o->token_required = 1;
		return 1;
	case 0x102:
		o->insecure_public = 1;
		return 1;
	case 0x103:
		o->forward = (1u << TT_SRC_COUNT) - 1;
		return 1;
	case 0x104:
		intercept_option(o, arg, usage);
		return 1;
	case 0x105:
		o->otlp_grpc = arg;
		if (strcmp(arg, "off") != 0)
			collector_check_grpc(arg, usage);
		return 1;
	case 0x106:
		o->retain_set = 1;
		if (strcmp(arg, "all") == 0)
			o->retain_us = 0;
		else if ((o->retain_us = tt_parse_duration(arg)) <= 0)
			cli_usage_error(usage, "bad --retain '%s': a duration "
			    "like 30d, 12h or 90m, or all", arg);
		return 1;
	case 0x107:
		o->max_db_size_set = 1;
		if (strcmp(arg, "none") == 0)
			o->max_db_size = 0;
		else if (tt_parse_size(arg, &o->max_db_size) != 0 ||
		    o->max_db_size < TT_CONFIG_MIN_DB_SIZE)
			cli_usage_error(usage, "bad --max-db-size '%s': a size "
			    "of at least 1MiB, like 2GiB or 500MiB, or none",
			    arg);
		return 1;
	case 0x108:
		if (!collector_name_ok(arg))
			cli_usage_error(usage, "bad --name '%s': 1 to %d "
			    "letters, digits, '.', '_' or '-'", arg,
			    COLLECTOR_NAME_MAX);
		o->name = arg;
		return 1;
	default:
		return 0;
	}
}

int
collector_name_ok(const char *name)
{
	size_t	n = strspn(name, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

	return n > 0 && n <= COLLECTOR_NAME_MAX && name[n] == '\0';
}

/* --otlp-grpc HOST:PORT: loopback only (gRPC ingest takes no token). */
void
collector_check_grpc(const char *arg, const char *usage)
{
	char	*host;
	int	 port;

	if (cli_split_addr(arg, &host, &port) != 0)
		cli_usage_error(usage, "bad --otlp-grpc '%s': expected "
		    "HOST:PORT (port 0 picks one) or off", arg);
	if (!tt_auth_listen_is_loopback(host)) {
		free(host);
		cli_usage_error(usage, "--otlp-grpc '%s': gRPC ingest takes no "
		    "token, so it listens on loopback only", arg);
	}
	free(host);
}

void
collector_check_listen(const struct collector_opts *o, const char *listen,
    const char *usage)
{
	char	*host, *msg = NULL;
	int	 port;

	if (cli_split_addr(listen, &host, &port) != 0)
		cli_usage_error(usage, "bad listen address '%s': expected "
		    "HOST:PORT, e.g. 127.0.0.1:8353 (port 0 picks one)", listen);
	if (tt_auth_listen_check(host, o->token_required, o->insecure_public,
	    &msg) < 0) {
		free(host);
		cli_usage_error(usage, "%s", msg);
	}
	free(msg);
	free(host);
}

int
collector_port(const struct collector *co)
{
	return ws_port(co->ws);
}

/* Commit what is queued, let the replies go out, close everything. */
void
collector_close(struct collector *co)
{
	struct optop	*op;
	int		 i;

	if (co->ws != NULL) {
		if (!co->opts.unannounced)
			collector_unannounce(co);
		if (signal_ws == co->ws)
			signal_ws = NULL;
		/*
		 * Commit what is queued and stop the writer: this waits for
		 * it (2 s at most for another process's lock) and reports
		 * its results here, before ws goes; the replies go out below.
		 */
		sink_flush(co);
		store_set_poster(co->store, NULL, NULL);
		for (i = 0; i < 20; i++) {
			ws_wake(co->ws);  /* lws 4.1 ignores the timeout */
			ws_service(co->ws, 10);
		}
		co->final = *ws_counters(co->ws);
		store_set_commit_cb(co->store, NULL, NULL);
		ws_timer_free(co->tick);
		ws_destroy(co->ws);
		co->ws = NULL;
		co->tick = NULL;
	}
	store_close(co->store);		/* NULL-safe */
	log_repeat_count(&co->logrep, 0, emit, co);
	log_repeat_clear(&co->logrep);
	/* None are left once the writer stopped; to be sure. */
	while ((op = co->ops) != NULL) {
		co->ops = op->next;
		free(op->source);
		free(op->client);
		free(op->set_by);
		free(op);
	}
	tt_stats_free(co->stats);
	tt_optout_clear(&co->optout);
	free(co->db);
	free(co->files);
	free(co->host);
	free(co->grpc_host);
	free(co->peers);
	co->peers = NULL;
	co->ws = NULL;
	co->store = NULL;
	co->stats = NULL;
	co->db = co->files = co->host = NULL;
}

/* An opt-out change is written (or failed): bring the registry here in
 * line, tell the senders, then whoever asked. */
static void
optout_written(void *arg, int rc, const char *cause)
{
	struct optop		*op = arg, **pp, *later;
	struct collector	*co = op->co;
	char			*rcause = NULL;

	for (pp = &co->ops; *pp != NULL; pp = &(*pp)->next)
		if (*pp == op) {
			*pp = op->next;
			break;
		}
	/* never written: not enforced, unless asked for again since */
	if (rc < 0 && op->added && ((later = latest_op(co, op->source,
	    op->client)) == NULL || !later->enabled))
		tt_optout_remove(&co->optout, op->source, op->client);
	/*
	 * Enforced since the request, so the reload will not see it appear:
	 * tell of it here, before the reload tells of a clear that may have
	 * followed it.
	 */
	if (rc > 0 && op->enabled && op->added)
		optout_changed(co, op->source, op->client, 1);
	/* Our own write may not move data_version: reload here. */
	if ((rc > 0 || op->added) && reload(co, &rcause) != 0) {
		say(co, rcause);
		free(rcause);
	}
	if (op->done != NULL)
		op->done(op->arg, rc, cause);
	free(op->source);
	free(op->client);
	free(op->set_by);
	free(op);
}

int
collector_optout(struct collector *co, const char *source,
    const char *client, int enabled, const char *set_by,
    void (*done)(void *, int, const char *), void *arg, char **cause)
{
	struct tt_optout_entry	*e;
	struct optop		*op, **pp;
	const char		*why;

	if (tt_optout_check_name(source, &why) != 0 ||
	    (client != NULL && tt_optout_check_name(client, &why) != 0)) {
		*cause = xasprintf("source and client: %s", why);
		return -1;
	}
	op = xcalloc(1, sizeof *op);
	op->co = co;
	op->source = xstrdup(source);
	op->client = client != NULL ? xstrdup(client) : NULL;
	op->set_by = xstrdup(set_by);
	op->since = tt_now_us();
	op->enabled = enabled;
	op->done = done;
	op->arg = arg;
	/*
	 * Enforce an opt-out now: nothing received from here on is stored.
	 * (It may be in memory already while an earlier clear is written:
	 * it stays, and reload() keeps it while this op is the last.)
	 */
	if (enabled) {
		if (tt_optout_find(&co->optout, source, client) == NULL) {
			e = tt_optout_put(&co->optout, source, client,
			    op->since, set_by);
			e->since_id = co->last_id;
		}
		op->added = 1;
	}
	for (pp = &co->ops; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = op;
	/* Without a writer (not yet started) this completes before it
	 * returns. */
	store_optout_change(co->store, source, client, enabled, op->since,
	    set_by, optout_written, op);
	return 0;
}
