/*
 * The collector's network side: one libwebsockets context and port serving
 * the HTTP routes and the WebSocket ingest of design.md.  It decodes bodies
 * with core/ and hands batches to a sink; it replies "accepted" only once
 * ws_committed() says the sink committed them.  Runs on the caller's thread:
 * ws_service() is the event loop.
 */
#ifndef TT_WS_H
#define TT_WS_H

#include <stddef.h>
#include <stdint.h>

#include "core/counters.h"
#include "core/event.h"
#include "core/hosts.h"

struct ws;

#define WS_BUFFERED_MAX	(256u * 1024 * 1024)	/* default buffered_max */

/*
 * How a body came, for the store to keep beside it (export, replay): what
 * a sender would have to send again to get the same events.
 */
/* Whether a request target (path, maybe a query) is one of the ingest
 * routes: what replay and import may send a file's records to. */
int	ws_route_ingest(const char *target);

/* The header `teltop import` keeps a request's time with (and the token). */
#define TT_RECEIVED_AT_HEADER	"x-teltop-received-at"

struct ws_request {
	const char	*method;	/* "POST", "WS" (a WebSocket message) */
	const char	*target;	/* the path and query as sent, without a
					   token= parameter */
	const char	*content_encoding;	/* as sent; NULL: none */
	const char	*user_agent;		/* NULL: none */
	const void	*raw;		/* the bytes received, when transport
					   decoding changed them; NULL: body */
	size_t		 raw_len;
	int64_t		 received_at;	/* µs; 0: now (an import's own) */
};

struct ws_sink {
	void		*arg;
	/*
	 * Drop the batch's opted-out events (*dropped says how many) and
	 * take the rest, body being the bytes decoded (rq: how they came);
	 * returns the ticket committed later.
	 */
	uint64_t	(*submit)(void *arg, struct tt_batch *,
			    const char *route, const char *content_type,
			    const void *body, size_t len,
			    const struct ws_request *rq, size_t *dropped);
	/*
	 * Work on a decoded batch that needs nothing shared (the privacy
	 * findings): may run on the decode thread, before submit.  NULL: none.
	 */
	void		(*prepare)(void *arg, struct tt_batch *);
	/* Bytes the sink holds for commits not done yet (the budget). */
	size_t		(*held)(void *arg);
	/* Persist a counter change. */
	void		(*count)(void *arg, enum tt_counter, int64_t);
	/* A timer asked for with ws_request_flush() fired. */
	void		(*flush)(void *arg);
	/* Why events cannot be committed now (GET /healthz answers 503
	 * with it), or NULL (NULL hook: never). */
	const char	*(*down)(void *arg);
	/* The opt-out registry as JSON for GET /v1/optout; caller frees. */
	char		*(*optout_json)(void *arg, const char *source,
			    const char *client);
	/* 1 if events of (source, client) are dropped. */
	int		(*optout_match)(void *arg, const char *source,
			    const char *client);
	/*
	 * Opt (source, client) out (enabled 1) or back in, set by HTTP.  The
	 * sink answers with ws_optout_done(op, ...) once it is written (on
	 * the service thread; perhaps before this returns).
	 */
	void		(*optout_change)(void *arg, const char *source,
			    const char *client, int enabled, uint64_t op);
	/* One line worth logging (no newline). */
	void		(*log)(void *arg, const char *line);
	/*
	 * n requests or items of route were refused for reason (a
	 * tt_counter_reason()): to be persisted.  NULL: not kept.
	 */
	void		(*refused)(void *arg, const char *route,
			    const char *reason, int64_t n);
	/*
	 * /v1/stream: the first message to a new viewer, {"type":"hello"...}
	 * (with_stats: with the stats model), and the status sent to every
	 * viewer once a second.  Caller frees.  NULL: a bare hello, none.
	 */
	char		*(*stream_hello)(void *arg, int with_stats);
	char		*(*stream_status)(void *arg);
	/*
	 * GET /v1/history: at most n events matching filter (with id < before
	 * when before > 0), oldest first, as JSON lines; and GET
	 * /v1/payload/ID: the request an event came in.  NULL with
	 * *status and *cause set (400 bad filter, 404 none, 503 store).
	 */
	char		*(*history)(void *arg, const char *filter, int64_t now_us,
			    int64_t before, int n, int *status, char **cause);
	char		*(*payload)(void *arg, int64_t id, int *status,
			    char **cause);
	/* GET /v1/fields: the field catalog's rows of source, name and
	 * version (NULL: any) as JSON lines; NULL as above. */
	char		*(*fields)(void *arg, const char *source,
			    const char *name, const char *version,
			    int *status, char **cause);
};

struct ws_config {
	const char	*host;		/* address to bind */
	int		 port;		/* 0: any free port */
	size_t		 request_max;	/* bytes of one body, decoded too */
	size_t		 event_max;	/* bytes of one event */
	size_t		 events_max;	/* events in one request (413 beyond) */
	size_t		 buffered_max;	/* request bytes held at once (503) */
	const char	*token;		/* the control token, or NULL */
	int		 token_required; /* ingest needs the token too */
	/* capture: the collector as HTTPS proxy */
	const struct tt_intercept *intercept;	/* NULL: the built-in table */
	const char	*ca_dir;	/* NULL: the default (ca.h) */
	unsigned	 forward;	/* bit per enum tt_source */
	/* OTLP over gRPC (grpc.c): NULL host for none; when the address is
	 * taken, only grpc_required makes that an error */
	const char	*grpc_host;
	int		 grpc_port;
	int		 grpc_required;
	struct ws_sink	 sink;
};

struct ws	*ws_create(const struct ws_config *, char **cause);
void		 ws_destroy(struct ws *);
int		 ws_port(const struct ws *);
/* Serve for at most timeout_ms; -1 once the context is done. */
int		 ws_service(struct ws *, int timeout_ms);
/* Wake ws_service() from a signal handler. */
void		 ws_wake(struct ws *);
/* Call sink.flush after delay_us (sooner if already asked sooner). */
void		 ws_request_flush(struct ws *, int64_t delay_us);
/* The sink committed (or failed: how) tickets first..last. */
void		 ws_committed(struct ws *, uint64_t first, uint64_t last,
		     enum tt_commit how);
/* The opt-out change op asked for with sink.optout_change is done:
 * rc 0, or -1 with why. */
void		 ws_optout_done(struct ws *, uint64_t op, int rc,
		     const char *why);
/*
 * Run fn(arg) on the service thread at its next turn.  The one call that
 * is safe from any thread (a store writer hands results back with it).
 */
void		 ws_post(struct ws *, void (*fn)(void *), void *arg);
/*
 * Tell the WebSocket senders of (source, client) (client NULL: of the
 * source) that it was opted out (enabled 1) or back in.
 */
void		 ws_optout_notify(struct ws *, const char *source,
		     const char *client, int enabled);

/*
 * Viewers on GET /v1/stream: a committed event and the delta it made to
 * the stats model (d NULL: none), for every viewer; the status, at once
 * (after an opt-out change) rather than at the next second.
 */
struct tt_stats_delta;
void		 ws_stream_event(struct ws *, const struct tt_event *,
		     const struct tt_stats_delta *d);
void		 ws_stream_status(struct ws *);
int		 ws_stream_viewers(const struct ws *);
/* Events viewers missed, being too far behind. */
int64_t		 ws_stream_dropped(const struct ws *);

/* Call cb whenever fd (the terminal) is readable; one fd at a time. */
int		 ws_watch_fd(struct ws *, int fd, void (*cb)(void *), void *);

/* A one-shot timer on the service loop. */
struct ws_timer;
struct ws_timer	*ws_timer_create(struct ws *, void (*)(void *), void *);
/* (Re)arm it to fire once after delay_us. */
void		 ws_timer_schedule(struct ws_timer *, int64_t delay_us);
void		 ws_timer_free(struct ws_timer *);
const struct tt_counters *ws_counters(const struct ws *);
/* Add to a counter of /metrics what the store counted and wrote itself
 * (evicted): not passed to the sink again. */
void		 ws_counted(struct ws *, enum tt_counter, int64_t);
int		 ws_connections(const struct ws *);
/* The gRPC listener's port, or 0 when there is none. */
int		 ws_grpc_port(const struct ws *);
/* The last refusals (ws/refused.c), newest first, at most max: how many. */
size_t		 ws_refusals(const struct ws *, struct tt_refusal *out,
		     size_t max);

#endif
