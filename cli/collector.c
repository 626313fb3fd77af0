/*
 * The collector: ws/ hands decoded batches to the sink here, which drops
 * the opted-out events and queues the rest in the store; the store commits
 * on a timer or when enough is queued, and its commit callback releases
 * the replies.  A tick watches PRAGMA data_version, so an opt-out set by
 * another process (`teltop optout set`) is picked up within TICK_US.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/auth.h"
#include "core/decode.h"
#include "core/privacy.h"
#include "core/stats.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "ws/ws.h"
#include "cli.h"
#include "collector.h"

#define FLUSH_DELAY_US	2000	/* group commit window */
#define FLUSH_NOW_AT	64	/* queued requests that flush at once */
#define TICK_US		100000	/* how often the registry is checked */

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

static void
say(struct collector *co, const char *line)
{
	if (co->log != NULL)
		co->log(co->log_arg, line);
}

/* Record each event's privacy findings with it (on the ingest path). */
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
    const char *ctype, const void *body, size_t len, size_t *dropped)
{
	struct collector	*co = arg;
	struct store_payload	 pl = { route, ctype, body, len };
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
	ticket = store_submit(co->store, b, *dropped == 0 && keep_body ?
	    &pl : NULL);
	ws_request_flush(co->ws, store_pending(co->store) >= FLUSH_NOW_AT ?
	    0 : FLUSH_DELAY_US);
	return ticket;
}

static void
sink_count(void *arg, enum tt_counter c, int64_t n)
{
	struct collector	*co = arg;

	store_count(co->store, c, n);
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

static void
sink_optout_change(void *arg, const char *source, const char *client,
    int enabled, uint64_t op)
{
	struct collector	*co = arg;
	char			*cause = NULL;
	int			 rc;

	rc = collector_optout(co, source, client, enabled, "http", &cause);
	ws_optout_done(co->ws, op, rc, cause);
	free(cause);
}

/* A committed event joins the live aggregates. */
static void
on_event(void *arg, const struct tt_event *ev)
{
	struct collector	*co = arg;

	tt_stats_add(co->stats, ev);
	if (co->on_event != NULL)
		co->on_event(co->on_event_arg, ev);
}

static void
on_commit(void *arg, uint64_t first, uint64_t last, enum tt_commit how)
{
	struct collector	*co = arg;

	ws_committed(co->ws, first, last, how);
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

/* Read the registry again and report what changed. */
static int
reload(struct collector *co, char **cause)
{
	struct tt_optout	fresh;

	tt_optout_init(&fresh);
	if (store_optout_load(co->store, &fresh, 0, cause) != 0) {
		tt_optout_clear(&fresh);
		return -1;
	}
	tt_optout_sync(&co->optout, &fresh, optout_changed, co);
	return 0;
}

/* Reload the registry when another process wrote to the database. */
static void
tick(void *arg)
{
	struct collector	*co = arg;
	int64_t			 v;
	char			*cause = NULL;

	v = store_data_version(co->store);
	if (v != co->data_version) {
		if (reload(co, &cause) == 0)
			co->data_version = v;
		else {
			say(co, cause);
			free(cause);
		}
	}
	ws_timer_schedule(co->tick, TICK_US);
}

int
collector_open(struct collector *co, const char *dbopt, const char *listen,
    char **cause)
{
	struct ws_config	 cfg;
	int			 port;
	char			*line, *path, *tcause = NULL;
	int64_t			 t0;

	co->store = NULL;
	co->ws = NULL;
	co->stats = NULL;
	co->tick = NULL;
	tt_optout_init(&co->optout);
	co->db = cli_db_path(dbopt, 1);
	co->host = NULL;
	if (cli_split_addr(listen, &co->host, &port) != 0) {
		*cause = xasprintf("bad listen address '%s': expected "
		    "HOST:PORT, e.g. 127.0.0.1:8353 (port 0 picks one)",
		    listen);
		return -1;
	}
	if ((co->store = store_open(co->db, cause)) == NULL)
		return -1;
	store_set_commit_cb(co->store, on_commit, co);
	co->data_version = store_data_version(co->store);
	if (store_optout_load(co->store, &co->optout, 0, cause) != 0)
		return -1;

	/* Rebuild the aggregates from the database, then keep them live. */
	t0 = tt_now_us();
	co->stats = tt_stats_create(TT_ORPHAN_AFTER_US);
	if (store_scan(co->store, TT_NONE, NULL, on_event, co, cause) != 0)
		return -1;
	store_set_event_cb(co->store, on_event, co);
	line = xasprintf("aggregates rebuilt from the database in %lld ms",
	    (long long)((tt_now_us() - t0) / 1000));
	say(co, line);
	free(line);

	/* The control token: made on first use, next to the database. */
	path = tt_token_path(co->db);
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
	cfg.host = co->host;
	cfg.token = co->token[0] != '\0' ? co->token : NULL;
	cfg.port = port;
	cfg.request_max = TT_REQUEST_MAX;
	cfg.event_max = TT_EVENT_MAX;
	cfg.sink.arg = co;
	cfg.sink.submit = sink_submit;
	cfg.sink.prepare = sink_prepare;
	cfg.sink.count = sink_count;
	cfg.sink.flush = sink_flush;
	cfg.sink.optout_json = sink_optout_json;
	cfg.sink.optout_match = sink_optout_match;
	cfg.sink.optout_change = sink_optout_change;
	cfg.sink.log = sink_log;
	if ((co->ws = ws_create(&cfg, cause)) == NULL)
		return -1;
	co->tick = ws_timer_create(co->ws, tick, co);
	ws_timer_schedule(co->tick, TICK_US);
	return 0;
}

int
collector_port(const struct collector *co)
{
	return ws_port(co->ws);
}

void
collector_close(struct collector *co)
{
	int	i;

	if (co->ws != NULL) {
		if (signal_ws == co->ws)
			signal_ws = NULL;
		/* Commit what is queued and let the replies go out. */
		sink_flush(co);
		for (i = 0; i < 20; i++) {
			ws_wake(co->ws);  /* lws 4.1 ignores the timeout */
			ws_service(co->ws, 10);
		}
		co->final = *ws_counters(co->ws);
		ws_timer_free(co->tick);
		ws_destroy(co->ws);
	}
	store_close(co->store);		/* NULL-safe */
	tt_stats_free(co->stats);
	tt_optout_clear(&co->optout);
	free(co->db);
	free(co->host);
	co->ws = NULL;
	co->store = NULL;
	co->stats = NULL;
	co->db = co->host = NULL;
}

int
collector_optout(struct collector *co, const char *source,
    const char *client, int enabled, const char *set_by, char **cause)
{
	const char	*why;
	int		 rc;

	if (tt_optout_check_name(source, &why) != 0 ||
	    (client != NULL && tt_optout_check_name(client, &why) != 0)) {
		*cause = xasprintf("source and client: %s", why);
		return -1;
	}
	if (enabled)
		rc = store_optout_set(co->store, source, client, set_by, cause);
	else
		rc = store_optout_clear(co->store, source, client, cause);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return 0;	/* already so */
	/* Our own write does not move data_version: reload here. */
	return reload(co, cause);
}
