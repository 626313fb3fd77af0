/*
 * The lws context, the route table, and what each route does: decoding,
 * the sink, and replies that are sent only after commit.  HTTP/1.1
 * connections are parsed in http.c; WebSocket connections are lws's own,
 * on a vhost of their own that http.c hands upgrades to.  Everything here
 * runs under the lws service thread (the program's only thread but for
 * the decode worker and the store's writer, which reach it through
 * ws_post()).
 *
 * A connection waiting for a decode, a commit or an opt-out change sits
 * on a wait list (ws->hwaiting, ws->waiting); the answer finds it there
 * by its job, ticket or op number.  Closing a connection takes it off the
 * list, so nothing else ever holds a pointer to a connection.
 */
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "core/auth.h"
#include "core/decode.h"
#include "core/hmap.h"
#include "core/json.h"
#include "core/optout.h"
#include "core/xmalloc.h"
#include "body.h"
#include "ws.h"
#include "ws_int.h"

#define WS_PROTOCOL	"teltop-ingest"
#define WS_STREAM_PROTOCOL "teltop-stream"	/* or none, on /v1/stream */
#define REPLY_QUEUE_MAX	256	/* unanswered WS messages before we stop reading */
#define REPLY_QUEUE_LOW	64
/*
 * Events held for the store past this (decoded, waiting for their commit)
 * stop every WebSocket sender that has a message unanswered: it reads
 * again once its replies are out.  A commit takes all that is held, so
 * this bounds memory, not the size of a transaction that pays; a sender
 * with nothing unanswered still reads (nothing else would wake it).
 */
#define HELD_PAUSE	(4u * 1024 * 1024)
#define SEEN_MAX	4096	/* (source, client) pairs remembered per sender */
#define WS_MSG_KEEP	65536	/* a bigger message buffer is freed after use */
#define HISTORY_MAX	1000	/* events in one GET /v1/history */
#define TT_FILTER_QUERY_MAX 4096	/* bytes of its ?filter= */
#define DEVTRON_OPTOUT	"/devtron/telemetry/opt-out/"
/* base64 of the PostHog key Devtron is given: any key works (§3.3) */
#define DEVTRON_KEY	"teltop-local-collector"

enum route_kind {
	RK_NONE, RK_EVENTS, RK_POSTHOG, RK_POSTHOG_V1, RK_DEVPOD_INSERT,
	RK_DEVPOD_LEGACY, RK_OTLP, RK_OTLP_LOGS, RK_OTLP_METRICS, RK_SEGMENT,
	RK_HEALTHZ, RK_METRICS, RK_OPTOUT, RK_DEVTRON_OPTOUT, RK_DEVTRON_INFO,
	RK_WS, RK_CA, RK_STREAM, RK_HISTORY, RK_PAYLOAD, RK_FIELDS,
	RK_RELAY,	/* a plain-HTTP proxy request for another host */
	RK_PASS		/* captured, not telemetry: forwarded as it is */
};

#define M_GET	(1u << H1_GET | 1u << H1_HEAD)
#define M_POST	(1u << H1_POST)

/* prefix 1: path + "/" also matches; 2: path + anything (a parameter) */
static const struct route {
	const char	*path;
	int		 prefix;
	unsigned	 methods;
	enum route_kind	 kind;
} routes[] = {
	{ "/v1/events", 0, M_POST, RK_EVENTS },
	{ "/v1/history", 0, M_GET, RK_HISTORY },
	{ "/v1/payload/", 2, M_GET, RK_PAYLOAD },
	{ "/v1/fields", 0, M_GET, RK_FIELDS },
	{ "/batch", 1, M_POST, RK_POSTHOG },
	{ "/capture", 1, M_POST, RK_POSTHOG },
	{ "/e", 1, M_POST, RK_POSTHOG },
	{ "/i/v0/e", 1, M_POST, RK_POSTHOG },
	{ "/track", 1, M_POST, RK_POSTHOG },
	{ "/engage", 1, M_POST, RK_POSTHOG },
	{ "/i/v1/analytics/events", 1, M_POST, RK_POSTHOG_V1 },
	{ "/v1/insert", 1, M_POST, RK_DEVPOD_INSERT },
	{ "/analytics/v1/devpod/v1/events", 1, M_POST, RK_DEVPOD_LEGACY },
	{ "/v1/traces", 1, M_POST, RK_OTLP },
	{ "/v1/logs", 1, M_POST, RK_OTLP_LOGS },
	{ "/v1/metrics", 1, M_POST, RK_OTLP_METRICS },
	{ "/v1/batch", 1, M_POST, RK_SEGMENT },
	{ "/v1/track", 1, M_POST, RK_SEGMENT },
	{ "/v1/identify", 1, M_POST, RK_SEGMENT },
	{ "/v1/page", 1, M_POST, RK_SEGMENT },
	{ "/v1/screen", 1, M_POST, RK_SEGMENT },
	{ "/v1/group", 1, M_POST, RK_SEGMENT },
	{ "/v1/alias", 1, M_POST, RK_SEGMENT },
	{ "/healthz", 0, M_GET, RK_HEALTHZ },
	{ "/metrics", 0, M_GET, RK_METRICS },
	{ "/v1/optout", 1, M_GET | M_POST, RK_OPTOUT },
	{ DEVTRON_OPTOUT, 2, M_GET, RK_DEVTRON_OPTOUT },
	{ "/devtron/telemetry/posthogInfo", 1, M_GET, RK_DEVTRON_INFO },
	{ "/ws", 1, M_GET, RK_WS },
	{ "/v1/stream", 0, M_GET, RK_STREAM },
	{ "/v1/ca", 0, M_GET, RK_CA },
};

/* One WebSocket reply, in message order. */
struct reply {
	struct reply	*next;
	uint64_t	 job;		/* waiting for this decode */
	uint64_t	 ticket;	/* waiting for this commit */
	int		 done;
	char		*text;
	char		*push_key;	/* an opt-out push: coalesced by key */
	size_t		 accepted;
	size_t		 dropped;
	size_t		 rejected;
	char		*error;		/* first refused item's reason */
};

/* Per WebSocket connection (lws per-session data). */
struct conn {
	struct ws	*ws;
	struct lws	*wsi;
	struct conn	*wnext, *wprev;	/* on ws->waiting */
	int		 on_wait_list;
	struct conn	*snext, *sprev;	/* on ws->senders */
	struct tt_buf	 msg;
	int		 msg_bad;	/* binary or too large */
	size_t		 msg_reserved;	/* of ws->buffered */
	struct reply	*rhead, *rtail;
	int		 nreplies;
	int		 rx_paused;
	unsigned	 sources_seen;	/* bit per enum tt_source */
	struct hmap	 seen;		/* "source\x1fclient" keys */
	struct hmap	 told;		/* opt-out entries pushed on contact */
	struct viewer	*viewer;	/* on /v1/stream: stream.c's */
};

void
wlog(struct ws *ws, const char *fmt, ...)
{
	va_list	 ap;
	char	 line[512];

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (ws->cfg.sink.log != NULL)
		ws->cfg.sink.log(ws->cfg.sink.arg, line);
}

void
count(struct ws *ws, enum tt_counter c, int64_t n)
{
	if (n == 0)
		return;
	ws->counters.v[c] += n;
	if (ws->cfg.sink.count != NULL)
		ws->cfg.sink.count(ws->cfg.sink.arg, c, n);
}

size_t
budget_used(struct ws *ws)
{
	return ws->buffered + (ws->cfg.sink.held != NULL ?
	    ws->cfg.sink.held(ws->cfg.sink.arg) : 0);
}

/* ---- the WebSocket wait list ---- */

static void
wait_add(struct conn *c)
{
	if (c->on_wait_list)
		return;
	c->wprev = NULL;
	c->wnext = c->ws->waiting;
	if (c->wnext != NULL)
		c->wnext->wprev = c;
	c->ws->waiting = c;
	c->on_wait_list = 1;
}

static void
wait_remove(struct conn *c)
{
	if (!c->on_wait_list)
		return;
	if (c->wprev != NULL)
		c->wprev->wnext = c->wnext;
	else
		c->ws->waiting = c->wnext;
	if (c->wnext != NULL)
		c->wnext->wprev = c->wprev;
	c->on_wait_list = 0;
}

/* ---- replies ---- */

/* {"ok":…,"accepted":N,"dropped":M[,"rejected":K,"errors":[…]]} */
static char *
result_json(int with_ok, size_t accepted, size_t dropped, size_t rejected,
    const char *err)
{
	char	*q, *s;

	if (rejected == 0 || err == NULL)
		return xasprintf("{%s\"accepted\":%zu,\"dropped\":%zu}",
		    with_ok ? "\"ok\":true," : "", accepted, dropped);
	q = tt_json_quote(err);
	s = xasprintf("{%s\"accepted\":%zu,\"dropped\":%zu,\"rejected\":%zu,"
	    "\"errors\":[%s]}", with_ok ? "\"ok\":true," : "", accepted,
	    dropped, rejected, q);
	free(q);
	return s;
}

char *
error_json(int with_ok, const char *err)
{
	char	*q, *s;

	q = tt_json_quote(err);
	s = xasprintf("{%s\"error\":%s}", with_ok ? "\"ok\":false," : "", q);
	free(q);
	return s;
}

void
http_refuse(struct hconn *c, int status, enum tt_counter reason,
    const char *why, char *body, const char *headers)
{
	struct ws_refuse	r;

	memset(&r, 0, sizeof r);
	r.peer = c->peer;
	r.method = c->req != NULL ? c->req->method_name : NULL;
	r.route = c->route != NULL ? c->route : c->req != NULL ?
	    c->req->path : NULL;
	r.status = status;
	r.reason = reason;
	r.n = 1;
	r.why = why;
	r.head = c->body.p;
	r.head_len = c->body.len;
	count(c->ws, TT_CTR_RECEIVED, 1);
	ws_refused(c->ws, &r);
	http_reply(c, status, "application/json", body != NULL ? body :
	    error_json(0, why), headers);
}

/*
 * A body its decode refused (j->status): the request, and the items beyond
 * the first when it was refused for them, with what the body began with.
 */
static void
job_refused(struct decode_job *j, const char *peer, const char *method,
    const char *route)
{
	struct ws_refuse	r;

	memset(&r, 0, sizeof r);
	r.peer = peer;
	r.method = method;
	r.route = route;
	r.status = j->status;
	r.reason = j->reason;
	r.n = 1 + (int64_t)j->more_refused;
	r.why = j->error;
	r.head = j->p != NULL ? j->p : j->body.p;
	r.head_len = j->p != NULL ? j->len : j->body.len;
	count(j->ws, TT_CTR_RECEIVED, r.n);
	ws_refused(j->ws, &r);
}

/* Refuse the current request, counted and logged. */
static void
http_error(struct hconn *c, int status, enum tt_counter reason,
    const char *err)
{
	http_refuse(c, status, reason, err, NULL, NULL);
}

/* The success reply a route's real clients expect (formats.md §7). */
static void
http_success(struct hconn *c)
{
	switch (c->kind) {
	case RK_POSTHOG:
	case RK_POSTHOG_V1:
		http_reply(c, 200, "application/json",
		    xstrdup("{\"status\":1}"), NULL);
		break;
	case RK_DEVPOD_INSERT:
	case RK_DEVPOD_LEGACY:
	case RK_OTLP:
	case RK_OTLP_LOGS:
	case RK_OTLP_METRICS:
		http_reply(c, 200, NULL, NULL, NULL);
		break;
	case RK_SEGMENT:
		/* what api.segment.io answers */
		http_reply(c, 200, "application/json",
		    xstrdup("{\"success\":true}"), NULL);
		break;
	default:
		http_reply(c, 200, "application/json", result_json(0,
		    c->accepted, c->dropped, c->rejected, c->first_error),
		    NULL);
		break;
	}
}

/* ---- the sink: what decoded batches become ---- */

/* What became of a decoded body. */
struct outcome {
	uint64_t ticket;
	size_t	 accepted;
	size_t	 dropped;
	size_t	 rejected;
	char	*first_error;	/* malloc'd */
};

static enum tt_route
route_of(enum route_kind k)
{
	switch (k) {
	case RK_POSTHOG:
		return TT_ROUTE_POSTHOG;
	case RK_POSTHOG_V1:
		return TT_ROUTE_POSTHOG_V1;
	case RK_DEVPOD_INSERT:
		return TT_ROUTE_DEVPOD_INSERT;
	case RK_DEVPOD_LEGACY:
		return TT_ROUTE_DEVPOD_LEGACY;
	case RK_OTLP:
		return TT_ROUTE_OTLP_TRACES;
	case RK_OTLP_LOGS:
		return TT_ROUTE_OTLP_LOGS;
	case RK_OTLP_METRICS:
		return TT_ROUTE_OTLP_METRICS;
	case RK_SEGMENT:
		return TT_ROUTE_SEGMENT;
	default:
		return TT_ROUTE_EVENTS;
	}
}

static int
seen_key(char *key, size_t size, const char *source, const char *client)
{
	int	n;

	n = snprintf(key, size, "%s\x1f%s", source, client != NULL ? client :
	    "");
	return n > 0 && (size_t)n < size ? n : -1;
}

static void ws_reply_push(struct conn *, uint64_t, char *);

/* An opt-out push for (source, client), replacing one not yet sent. */
static void
push_optout(struct conn *c, const char *source, const char *client,
    int enabled)
{
	struct reply	*r;
	char		 key[2 * 256 + 2], *q, *v, *text;

	if (seen_key(key, sizeof key, source, client) < 0)
		return;
	q = tt_json_quote(source);
	v = client != NULL ? tt_json_quote(client) : xstrdup("null");
	text = xasprintf("{\"type\":\"optout\",\"source\":%s,\"client\":%s,"
	    "\"enabled\":%s}", q, v, enabled ? "true" : "false");
	free(q);
	free(v);
	/* Only the latest state matters to a sender that is not reading. */
	for (r = c->rhead; r != NULL; r = r->next)
		if (r->push_key != NULL && strcmp(r->push_key, key) == 0) {
			free(r->text);
			r->text = text;
			return;
		}
	ws_reply_push(c, 0, text);
	c->rtail->push_key = xstrdup(key);
}

/*
 * Remember which sources and clients a WebSocket sender sends, and tell it
 * on first contact about an opt-out that drops what it sent.
 */
static void
note_senders(struct ws *ws, struct conn *c, const struct tt_batch *b)
{
	const struct tt_event	*ev;
	const char		*src;
	char			 key[2 * 256 + 2];
	int			 n;
	size_t			 i;

	for (i = 0; i < b->n; i++) {
		ev = &b->ev[i];
		src = tt_source_name(ev->source);
		c->sources_seen |= 1u << ev->source;
		if (ev->client_id != NULL && c->seen.n < SEEN_MAX &&
		    (n = seen_key(key, sizeof key, src, ev->client_id)) > 0)
			*hmap_put(&c->seen, key, (size_t)n) = c;
		if (ws->cfg.sink.optout_match == NULL ||
		    !ws->cfg.sink.optout_match(ws->cfg.sink.arg, src,
		    ev->client_id))
			continue;
		/* The whole source, or only this client? */
		if (ws->cfg.sink.optout_match(ws->cfg.sink.arg, src, NULL))
			n = seen_key(key, sizeof key, src, NULL);
		else
			n = seen_key(key, sizeof key, src, ev->client_id);
		if (n < 0 || hmap_get(&c->told, key, (size_t)n) != NULL ||
		    c->told.n >= SEEN_MAX)
			continue;
		*hmap_put(&c->told, key, (size_t)n) = c;
		push_optout(c, src, key[strlen(src) + 1] != '\0' ?
		    ev->client_id : NULL, 1);
	}
}

/* Submit a decoded batch (it is emptied); c is the WebSocket sender. */
static void
submit(struct ws *ws, struct conn *c, const char *path, const char *ctype,
    const struct decode_job *j, struct tt_batch *b, struct outcome *o)
{
	const uint8_t		*p = j->p;
	size_t			 len = j->len;
	struct ws_request	 rq;

	struct ws_refuse	 r;

	count(ws, TT_CTR_RECEIVED, (int64_t)(b->n + b->rejected));
	if (b->rejected > 0) {
		/* items of a body taken: status 0 */
		memset(&r, 0, sizeof r);
		r.method = c != NULL ? "WS" : "POST";
		r.route = path;
		r.why = b->first_error;
		r.head = p;
		r.head_len = len;
		r.reason = TT_CTR_REJ_TOO_LARGE;
		r.n = (int64_t)b->oversized;
		ws_refused(ws, &r);
		r.reason = TT_CTR_REJ_MALFORMED;
		r.n = (int64_t)(b->rejected - b->oversized);
		ws_refused(ws, &r);
	}
	o->accepted = b->n;
	o->rejected = b->rejected;
	o->first_error = b->first_error != NULL ? xstrdup(b->first_error) :
	    NULL;
	if (c != NULL)
		note_senders(ws, c, b);
	memset(&rq, 0, sizeof rq);
	rq.method = c != NULL ? "WS" : "POST";
	rq.target = j->target != NULL ? j->target : path;
	rq.content_encoding = j->cenc[0] != '\0' ? j->cenc : NULL;
	rq.user_agent = j->user_agent;
	if (j->p != j->body.p) {	/* transport decoding changed it */
		rq.raw = j->body.p;
		rq.raw_len = j->body.len;
	}
	rq.received_at = j->received_at;
	o->ticket = ws->cfg.sink.submit(ws->cfg.sink.arg, b, path, ctype, p,
	    len, &rq, &o->dropped);
	o->accepted -= o->dropped;
	if (o->dropped > 0)
		count(ws, TT_CTR_DROPPED_OPTOUT, (int64_t)o->dropped);
}

/* A decode job for bytes of the given route (body moved in). */
static struct decode_job *
job_new(struct ws *ws, enum route_kind kind, struct tt_buf *body)
{
	struct decode_job	*j = xcalloc(1, sizeof *j);

	j->id = ++ws->next_op;
	j->ws = ws;
	j->kind = kind;
	j->route = (int)route_of(kind);
	j->body = *body;
	buf_init(body, body->max);
	buf_init(&j->decoded, 0);
	tt_batch_init(&j->batch);
	return j;
}

/* Decode now (small bodies) or on the worker; done runs either way. */
static void
job_start(struct ws *ws, struct decode_job *j)
{
	/* Compressed or encoded bodies may grow to request_max: the worker. */
	int	plain = !body_is_gzip(j->body.p, j->body.len) &&
		    j->cenc[0] == '\0' && j->compression[0] == '\0' &&
		    strstr(j->ctype, "x-www-form-urlencoded") == NULL;

	if ((plain && j->body.len <= INLINE_DECODE_MAX) || ws->worker == NULL) {
		decode_job_run(j);
		j->done(j);
	} else
		worker_submit(ws->worker, j);
}

/* ---- for grpc.c ---- */

struct decode_job *
ws_job_new(struct ws *ws, int route, struct tt_buf *body)
{
	struct decode_job	*j = job_new(ws, RK_NONE, body);

	j->route = route;
	return j;
}

void
ws_job_start(struct ws *ws, struct decode_job *j)
{
	job_start(ws, j);
}

uint64_t
ws_job_submit(struct decode_job *j, const char *route, size_t *accepted)
{
	struct outcome	o;

	memset(&o, 0, sizeof o);
	submit(j->ws, NULL, route, j->ctype, j, &j->batch, &o);
	*accepted = o.accepted;
	free(o.first_error);
	return o.ticket;
}

void
ws_job_refused(struct decode_job *j, const char *peer, const char *method,
    const char *route)
{
	job_refused(j, peer, method, route);
}

/* ---- HTTP routes ---- */

static const struct route *
route_find(const char *path)
{
	size_t	i, n;

	for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		n = strlen(routes[i].path);
		if (strcmp(path, routes[i].path) == 0)
			return &routes[i];
		if (routes[i].prefix == 1 && strncmp(path, routes[i].path,
		    n) == 0 && strcmp(path + n, "/") == 0)
			return &routes[i];
		if (routes[i].prefix == 2 && strncmp(path, routes[i].path,
		    n) == 0 && path[n] != '\0')
			return &routes[i];
	}
	return NULL;
}

int
ws_route_ingest(const char *target)
{
	const struct route	*r;
	char			*path = xstrndup(target, strcspn(target, "?"));

	r = route_find(path);
	free(path);
	return r != NULL && r->kind >= RK_EVENTS && r->kind <= RK_SEGMENT;
}

/* "Allow: GET, HEAD, POST\r\n" for a route's methods. */
static char *
allow_header(unsigned methods)
{
	return xasprintf("Allow: %s%s%s\r\n", methods & M_GET ? "GET, HEAD" :
	    "", (methods & M_GET) && (methods & M_POST) ? ", " : "",
	    methods & M_POST ? "POST" : "");
}

/* The 404 body: which routes exist. */
static char *
routes_json(void)
{
	char	*s = xstrdup("{\"error\":\"no such route\",\"routes\":["), *t;
	size_t	 i;

	for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		t = xasprintf("%s%s\"%s%s%s%s\"", s, i > 0 ? "," : "",
		    routes[i].methods & M_GET ? "GET " : "",
		    routes[i].methods & M_POST ? "POST " : "",
		    routes[i].path, routes[i].prefix == 2 ? "…" : "");
		free(s);
		s = t;
	}
	t = xasprintf("%s]}", s);
	free(s);
	return t;
}

/*
 * GET /metrics: Prometheus text, every family with its # HELP and # TYPE;
 * the counters of TT_COUNTERS under their /metrics names, a family's
 * samples told apart by their label.
 */
static char *
metrics_text(struct ws *ws)
{
	const char	*name, *label, *value;
	char		*s, *t;
	int		 i, j;

	s = xasprintf("# HELP teltop_connections Open connections.\n"
	    "# TYPE teltop_connections gauge\nteltop_connections %d\n"
	    "# HELP teltop_buffered_bytes Request bytes held in memory "
	    "(bodies, and events waiting for their commit).\n"
	    "# TYPE teltop_buffered_bytes gauge\nteltop_buffered_bytes %zu\n",
	    ws->connections, budget_used(ws));
	for (i = 0; i < TT_CTR_COUNT; i++) {
		name = tt_counter_metric((enum tt_counter)i);
		for (j = 0; j < i; j++)
			if (strcmp(tt_counter_metric((enum tt_counter)j),
			    name) == 0)
				break;
		if (j < i)
			continue;	/* its family is out already */
		t = xasprintf("%s# HELP %s %s\n# TYPE %s counter\n", s, name,
		    tt_counter_help((enum tt_counter)i), name);
		free(s);
		s = t;
		for (j = i; j < TT_CTR_COUNT; j++) {
			if (strcmp(tt_counter_metric((enum tt_counter)j),
			    name) != 0)
				continue;
			label = tt_counter_label((enum tt_counter)j, &value);
			if (label != NULL)
				t = xasprintf("%s%s{%s=\"%s\"} %lld\n", s, name,
				    label, value, (long long)ws->counters.v[j]);
			else
				t = xasprintf("%s%s %lld\n", s, name,
				    (long long)ws->counters.v[j]);
			free(s);
			s = t;
		}
	}
	s = refused_metrics(ws, s);
	t = xasprintf("%s# HELP teltop_tunnels_open Tunnels and relays open "
	    "now.\n# TYPE teltop_tunnels_open gauge\nteltop_tunnels_open %d\n"
	    "# HELP teltop_stream_viewers Viewers on /v1/stream now.\n"
	    "# TYPE teltop_stream_viewers gauge\nteltop_stream_viewers %d\n"
	    "# HELP teltop_stream_dropped_events_total Events viewers missed, "
	    "being too far behind.\n"
	    "# TYPE teltop_stream_dropped_events_total counter\n"
	    "teltop_stream_dropped_events_total %lld\n", s, proxy_tunnels(ws),
	    ws_stream_viewers(ws), (long long)ws_stream_dropped(ws));
	free(s);
	return t;
}

/* GET /v1/optout and Devtron's two routes: answers from the registry. */
static void
optout_get(struct hconn *c)
{
	struct ws	*ws = c->ws;
	char		 src[300], cli[300], host[256], key[64];
	const char	*source, *client, *h;

	if (ws->cfg.sink.optout_json == NULL) {
		http_reply(c, 503, "application/json", error_json(0,
		    "this collector has no opt-out registry"), NULL);
		return;
	}
	switch (c->kind) {
	case RK_OPTOUT:
		source = h1_query(c->req, "source", src, sizeof src);
		client = h1_query(c->req, "client", cli, sizeof cli);
		http_reply(c, 200, "application/json",
		    ws->cfg.sink.optout_json(ws->cfg.sink.arg, source, client),
		    NULL);
		break;
	case RK_DEVTRON_OPTOUT:
		client = c->req->path + strlen(DEVTRON_OPTOUT);
		http_reply(c, 200, "application/json", xasprintf(
		    "{\"result\":%s}", ws->cfg.sink.optout_match(
		    ws->cfg.sink.arg, "devtron", client) ? "true" : "false"),
		    NULL);
		break;
	default:
		h = c->cap != NULL ? NULL : h1_header(c->req, "host");
		if (h == NULL || *h == '\0' || strpbrk(h, "\"\\") != NULL ||
		    strlen(h) >= sizeof host)
			snprintf(host, sizeof host, "%s:%d", ws->cfg.host,
			    ws_port(ws));
		else
			snprintf(host, sizeof host, "%s", h);
		lws_b64_encode_string(DEVTRON_KEY, (int)strlen(DEVTRON_KEY),
		    key, sizeof key);
		http_reply(c, 200, "application/json", xasprintf(
		    "{\"result\":{\"PosthogApiKey\":\"%s\","
		    "\"PosthogEndpoint\":\"http://%s\"}}", key, host), NULL);
		break;
	}
}

/* POST /v1/optout: {"source","client","enabled"} or the same as query. */
static void
optout_post(struct hconn *c, const uint8_t *p, size_t len)
{
	struct ws	*ws = c->ws;
	char		 src[300], cli[300], en[16];
	char		*source = NULL, *client = NULL, *cause = NULL, *q, *r;
	const char	*v, *why;
	int		 enabled = 1;

	if (len == 0 && (v = h1_query(c->req, "source", src, sizeof src)) !=
	    NULL) {
		source = xstrdup(v);
		if ((v = h1_query(c->req, "client", cli, sizeof cli)) != NULL)
			client = xstrdup(v);
		if ((v = h1_query(c->req, "enabled", en, sizeof en)) != NULL)
			enabled = strcmp(v, "false") != 0 &&
			    strcmp(v, "0") != 0;
		if (tt_optout_check_name(source, &why) != 0 ||
		    (client != NULL && tt_optout_check_name(client,
		    &why) != 0))
			cause = xasprintf("source and client: %s", why);
	} else
		tt_optout_parse_request(p, len, &source, &client, &enabled,
		    &cause);
	if (cause == NULL && ws->cfg.sink.optout_change == NULL)
		cause = xstrdup("this collector has no opt-out registry");
	if (cause != NULL) {
		http_reply(c, 400, "application/json", error_json(0, cause),
		    NULL);
		goto done;
	}
	q = tt_json_quote(source);
	r = client != NULL ? tt_json_quote(client) : xstrdup("null");
	free(c->optout_reply);
	c->optout_reply = xasprintf("{\"ok\":true,\"source\":%s,"
	    "\"client\":%s,\"enabled\":%s}", q, r,
	    enabled ? "true" : "false");
	free(q);
	free(r);
	c->optout_op = ++ws->next_op;
	http_wait_add(c);
	ws->cfg.sink.optout_change(ws->cfg.sink.arg, source, client, enabled,
	    c->optout_op);
done:
	free(cause);
	free(source);
	free(client);
}

/* Events that came through capture carry the request they came in. */
static void
mark_captured(struct hconn *c, struct tt_batch *b)
{
	size_t	i;

	c->fwd_src = (int)(b->n > 0 ? b->ev[0].source : c->cap->source);
	count(c->ws, tt_counter_capture(c->fwd_src, TT_CAP_CAPTURED), 1);
	for (i = 0; i < b->n; i++) {
		free(b->ev[i].capture);
		b->ev[i].capture = c->cap_meta != NULL ?
		    xstrdup(c->cap_meta) : NULL;
	}
}

/* Service thread: an HTTP body is decoded; submit it and wait. */
static void
http_job_done(struct decode_job *j)
{
	struct hconn	*c;
	struct outcome	 o;

	for (c = j->ws->hwaiting; c != NULL; c = c->wnext)
		if (c->job == j->id)
			break;
	if (c == NULL) {	/* the connection went away */
		decode_job_free(j);
		return;
	}
	c->job = 0;
	if (j->status != 0) {
		job_refused(j, c->peer, c->req->method_name, c->route != NULL ?
		    c->route : c->req->path);
		http_reply(c, j->status, "application/json", error_json(0,
		    j->error), j->status == 401 ? "WWW-Authenticate: "
		    TT_AUTH_CHALLENGE "\r\n" : NULL);
		decode_job_free(j);
		return;
	}
	if (c->cap != NULL)
		mark_captured(c, &j->batch);
	memset(&o, 0, sizeof o);
	submit(j->ws, NULL, c->req->path, c->ctype[0] != '\0' ? c->ctype : NULL,
	    j, &j->batch, &o);
	decode_job_free(j);
	c->ticket = o.ticket;
	c->accepted = o.accepted;
	c->dropped = o.dropped;
	c->rejected = o.rejected;
	free(c->first_error);
	c->first_error = o.first_error;
}

/* Which rules of core/auth a request follows. */
static enum tt_route_class
route_class(const struct hconn *c)
{
	switch (c->kind) {
	case RK_OPTOUT:
		return c->req->method == H1_POST ? TT_ROUTE_CONTROL :
		    TT_ROUTE_REGISTRY;
	case RK_HEALTHZ:
	case RK_METRICS:
	case RK_CA:
	case RK_DEVTRON_OPTOUT:
	case RK_DEVTRON_INFO:
		return TT_ROUTE_READ;
	case RK_WS:
		return TT_ROUTE_UPGRADE;
	case RK_STREAM:
	case RK_HISTORY:
	case RK_PAYLOAD:
	case RK_FIELDS:
		return TT_ROUTE_HISTORY;
	default:
		return TT_ROUTE_INGEST;
	}
}

/*
 * May this request go on?  0: yes; 1: refused, the reply is queued.  A
 * PostHog sender may carry the token as api_key in its body: then the
 * check waits for the body (c->need_key).
 */
static int
authorize(struct hconn *c)
{
	struct ws		*ws = c->ws;
	struct tt_auth_request	 a;
	struct tt_auth_policy	 pol;
	enum tt_auth_reason	 why;
	enum tt_auth_verdict	 v;
	char			 tok[128];

	if (c->cap != NULL) {
		/* came through a CONNECT that was allowed; the Host is the
		 * vendor's.  Telemetry and reads only. */
		if (route_class(c) == TT_ROUTE_INGEST ||
		    route_class(c) == TT_ROUTE_READ)
			return 0;
		http_refuse(c, 403, TT_CTR_REJ_AUTH, "control routes are not "
		    "served through capture", NULL, NULL);
		return 1;
	}
	memset(&a, 0, sizeof a);
	a.route = route_class(c);
	a.host = h1_header(c->req, "host");
	a.origin = h1_header(c->req, "origin");
	a.fetch_site = h1_header(c->req, "sec-fetch-site");
	a.content_type = h1_header(c->req, "content-type");
	a.authorization = h1_header(c->req, "authorization");
	a.query_token = h1_query(c->req, "token", tok, sizeof tok);
	memset(&pol, 0, sizeof pol);
	pol.token = ws->cfg.token;
	pol.token_required = ws->cfg.token_required;
	pol.listen_host = ws->cfg.host;
	pol.listen_port = ws_port(ws);
	v = tt_auth_check(&pol, &a, &why);
	if (v == TT_AUTH_ALLOW)
		return 0;
	if (v == TT_AUTH_UNAUTHORIZED && why == TT_AUTH_R_TOKEN &&
	    (c->kind == RK_POSTHOG || c->kind == RK_POSTHOG_V1)) {
		c->need_key = 1;
		return 0;
	}
	http_refuse(c, (int)v, TT_CTR_REJ_AUTH, tt_auth_reason_text(why),
	    NULL, v == TT_AUTH_UNAUTHORIZED ?
	    "WWW-Authenticate: " TT_AUTH_CHALLENGE "\r\n" : NULL);
	return 1;
}

int
route_upgrade(struct hconn *c)
{
	const struct route	*r = route_find(c->req->path);
	const char		*up = h1_header(c->req, "upgrade");

	c->close_after = 1;
	if (r == NULL || (r->kind != RK_WS && r->kind != RK_STREAM) ||
	    c->req->method != H1_GET || up == NULL ||
	    strcasecmp(up, "websocket") != 0) {
		http_reply(c, c->req->method == H1_CONNECT ? 405 : 400,
		    "application/json", error_json(0, c->req->method ==
		    H1_CONNECT ? "CONNECT is not served here" :
		    "no such upgrade here: WebSocket is served on /ws (events "
		    "in) and /v1/stream (events out)"), NULL);
		return 0;
	}
	c->kind = r->kind;
	if (authorize(c) != 0)
		return 0;
	if (r->kind == RK_STREAM && viewers_full(c->ws)) {
		http_reply(c, 503, "application/json", error_json(0,
		    "too many viewers on this collector"),
		    "Retry-After: 5\r\n");
		return 0;
	}
	c->close_after = 0;
	return 1;
}

/* Is captured traffic of this source forwarded to its vendor? */
static int
forwarding(const struct ws *ws, int src)
{
	return src >= 0 && src < TT_SRC_COUNT &&
	    (ws->cfg.forward & (1u << src)) != 0;
}

/* Does the opt-out drop events of (source, client)? */
static int
opted_out(struct ws *ws, int src, const char *client)
{
	return ws->cfg.sink.optout_match != NULL &&
	    ws->cfg.sink.optout_match(ws->cfg.sink.arg,
	    tt_source_name((enum tt_source)src), client);
}

/* The authority of an absolute target "http://host[:port]/...". */
static int
absolute_target(const char *url, char *host, size_t len, int *port)
{
	const char	*a = url + strlen("http://"), *why, *colon;
	char		 auth[TT_HOST_MAX + 16];
	size_t		 n = strcspn(a, "/?#");

	if (n == 0 || n >= sizeof auth - 4 || memchr(a, '@', n) != NULL)
		return -1;
	memcpy(auth, a, n);
	auth[n] = '\0';
	colon = strrchr(auth, ':');
	if (colon == NULL || (strchr(auth, ']') != NULL &&
	    colon < strchr(auth, ']')))
		strcat(auth, ":80");
	return tt_authority_parse(auth, host, len, port, &why);
}

/* Make an absolute target the origin form: "/path?query". */
static void
origin_form(struct h1_req *r)
{
	char	*p;

	if ((p = strchr(r->path + strlen("http://"), '/')) != NULL)
		memmove(r->path, p, strlen(p) + 1);
	else
		strcpy(r->path, "/");
	if ((p = strpbrk(r->url + strlen("http://"), "/?")) != NULL)
		memmove(r->url, p, strlen(p) + 1);
	else
		strcpy(r->url, "/");
	if (r->url[0] == '?') {
		memmove(r->url + 1, r->url, strlen(r->url) + 1);
		r->url[0] = '/';
	}
	p = strchr(r->url, '?');
	r->query = p != NULL ? p + 1 : NULL;
}

/*
 * A request with an absolute target (we are its HTTP proxy): for this
 * collector, or an intercepted host (then captured), both routed as
 * usual (0); for any other host, relayed (1); -1 refused.
 */
static int
proxy_target(struct hconn *c)
{
	struct ws		*ws = c->ws;
	const struct tt_host	*row;
	char			 host[TT_HOST_MAX + 1];
	int			 port;

	if (absolute_target(c->req->url, host, sizeof host, &port) != 0) {
		c->close_after = 1;
		http_error(c, 400, TT_CTR_REJ_MALFORMED, "a proxy request "
		    "needs a target http://host[:port]/path");
		return -1;
	}
	if (port == ws_port(ws) && (strcmp(host, ws->cfg.host) == 0 ||
	    strcmp(host, "localhost") == 0 || strcmp(host, "127.0.0.1") == 0 ||
	    strcmp(host, "::1") == 0)) {
		origin_form(c->req);
		return 0;
	}
	if (!proxy_authorized(c)) {
		count(ws, TT_CTR_RECEIVED, 1);
		count(ws, TT_CTR_REJ_AUTH, 1);
		c->close_after = 1;
		http_reply(c, 407, "application/json", error_json(0,
		    "the proxy needs Proxy-Authorization with the token"),
		    "Proxy-Authenticate: Basic realm=\"teltop\"\r\n");
		return -1;
	}
	if (port == 80 && (row = proxy_intercepted(ws, host)) != NULL) {
		c->cap = xmalloc(sizeof *c->cap);
		*c->cap = *row;
		origin_form(c->req);
		return 0;
	}
	return 1;
}

int
route_headers(struct hconn *c)
{
	struct ws		*ws = c->ws;
	const struct route	*r;
	const char		*v, *ct;
	char			*allow, msg[160];
	uint64_t		 clen = 0;
	int			 rc;

	if (c->cap == NULL && strncasecmp(c->req->url, "http://", 7) == 0) {
		if ((rc = proxy_target(c)) < 0)
			return 1;
		if (rc == 1) {
			c->kind = RK_RELAY;
			goto body;
		}
	}
	r = route_find(c->req->path);
	if (c->cap != NULL && (r == NULL || r->kind == RK_HEALTHZ ||
	    r->kind == RK_METRICS || r->kind == RK_OPTOUT || r->kind == RK_CA ||
	    r->kind == RK_WS || r->kind == RK_STREAM || r->kind == RK_HISTORY ||
	    r->kind == RK_PAYLOAD || r->kind == RK_FIELDS)) {
		/* not telemetry: the vendor's, or nobody's */
		if (forwarding(ws, c->cap->source) &&
		    !opted_out(ws, c->cap->source, NULL)) {
			c->kind = RK_PASS;
			goto body;
		}
		r = NULL;
	}
	if (r == NULL) {
		/* who asked: what a user needs to see which SDK this was */
		v = h1_header(c->req, "user-agent");
		ct = h1_header(c->req, "content-type");
		snprintf(msg, sizeof msg, "no such route (User-Agent: %.60s; "
		    "Content-Type: %.40s)", v != NULL ? v : "none",
		    ct != NULL ? ct : "none");
		http_refuse(c, 404, TT_CTR_REJ_ROUTE, msg, routes_json(),
		    NULL);
		return 1;
	}
	c->kind = r->kind;
	c->route = r->path;
	if ((r->methods & (1u << c->req->method)) == 0) {
		allow = allow_header(r->methods);
		snprintf(msg, sizeof msg, "%s is not served on %s: %.*s",
		    c->req->method_name, r->path, (int)strlen(allow) - 2,
		    allow);
		http_refuse(c, 405, TT_CTR_REJ_ROUTE, msg, NULL, allow);
		free(allow);
		return 1;
	}
	if (r->kind == RK_WS || r->kind == RK_STREAM) {
		http_reply(c, 426, "application/json", error_json(0,
		    "this route takes a WebSocket upgrade"),
		    "Upgrade: websocket\r\n");
		return 1;
	}
	if (authorize(c) != 0)
		return 1;
	if (c->req->method != H1_POST)
		return 0;
body:
	if ((v = h1_header(c->req, "content-type")) != NULL)
		snprintf(c->ctype, sizeof c->ctype, "%s", v);
	if (c->req->has_length)
		clen = c->req->content_length;
	if (clen > ws->cfg.request_max) {
		snprintf(msg, sizeof msg, "request body of %llu bytes exceeds "
		    "the limit of %zu bytes", (unsigned long long)clen,
		    ws->cfg.request_max);
		c->close_after = 1;
		http_error(c, 413, TT_CTR_REJ_TOO_LARGE, msg);
		return 1;
	}
	if (budget_used(ws) + clen > ws->cfg.buffered_max) {
		c->close_after = 1;
		http_refuse(c, 503, TT_CTR_REJ_BUSY, "too many request bytes "
		    "held at once: retry shortly", NULL, "Retry-After: 1\r\n");
		return 1;
	}
	ws->buffered += clen;
	c->reserved = clen;
	if ((v = h1_header(c->req, "expect")) != NULL &&
	    strcasecmp(v, "100-continue") == 0)
		http_continue(c);
	return 0;
}

/* Keep the body as received, to forward it after the commit. */
static void
keep_for_forward(struct hconn *c)
{
	struct ws	*ws = c->ws;

	buf_reset(&c->fwd_body);
	if (budget_used(ws) + c->body.len > ws->cfg.buffered_max)
		return;		/* then forwarded without it: the fallback */
	(void)buf_append(&c->fwd_body, c->body.p, c->body.len);
	ws->buffered += c->body.len;
	c->fwd_reserved = c->body.len;
}

/* A forward that was not telemetry failed: say so. */
static void
pass_failed(struct hconn *c)
{
	http_reply(c, 502, "application/json", error_json(0, "teltop could "
	    "not reach the vendor"), NULL);
}

/* A captured request is committed: block, forward, or answer here. */
static void
capture_done(struct hconn *c)
{
	struct ws	*ws = c->ws;

	if (c->dropped > 0) {
		/* an opted-out sender: nothing of it leaves the machine */
		count(ws, tt_counter_capture(c->fwd_src, TT_CAP_BLOCKED), 1);
		http_success(c);
	} else if (forwarding(ws, c->fwd_src) && c->fwd_reserved ==
	    c->fwd_body.len)
		proxy_forward(c, http_success);
	else
		http_success(c);
}

/* GET /v1/ca: the CA certificate capture's clients trust. */
static void
ca_reply(struct hconn *c)
{
	const char	*pem;
	char		*cause = NULL;

	if ((pem = proxy_ca_pem(c->ws, &cause)) == NULL) {
		http_reply(c, 503, "application/json", error_json(0, cause),
		    NULL);
		free(cause);
		return;
	}
	/* tell teltop capture whether its children need the token */
	http_reply(c, 200, "application/x-pem-file", xstrdup(pem),
	    proxy_needs_token(c->ws) ? "Teltop-Proxy-Auth: token\r\n" :
	    "Teltop-Proxy-Auth: none\r\n");
}

/* A plain-HTTP proxy request for another host: relay it. */
static void
relay(struct hconn *c)
{
	char	host[TT_HOST_MAX + 1];
	int	port;

	if (absolute_target(c->req->url, host, sizeof host, &port) != 0) {
		http_error(c, 400, TT_CTR_REJ_MALFORMED, "bad proxy target");
		return;
	}
	proxy_relay(c, host, port);
}

/* A query parameter that is a whole number in [lo, hi]; def if absent. */
static int
query_int(struct hconn *c, const char *name, int64_t lo, int64_t hi,
    int64_t def, int64_t *out)
{
	char		 buf[32], *end;
	const char	*v = h1_query(c->req, name, buf, sizeof buf);
	long long	 n;

	*out = def;
	if (v == NULL)
		return 0;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

/*
 * GET /v1/history?filter=F&limit=N&before=ID&at=US: history for viewers,
 * as JSON lines (what `teltop events` prints), oldest first.
 */
static void
history_get(struct hconn *c)
{
	struct ws	*ws = c->ws;
	char		 filter[TT_FILTER_QUERY_MAX], msg[120], *body, *cause = NULL;
	const char	*f;
	int64_t		 limit, before, at;
	int		 status = 503;

	if (ws->cfg.sink.history == NULL) {
		http_reply(c, 503, "application/json", error_json(0,
		    "this collector keeps no history"), NULL);
		return;
	}
	f = h1_query(c->req, "filter", filter, sizeof filter);
	if (f != NULL && strlen(f) >= sizeof filter - 1) {
		http_reply(c, 414, "application/json", error_json(0,
		    "the filter is too long"), NULL);
		return;
	}
	if (query_int(c, "limit", 1, HISTORY_MAX, 100, &limit) != 0 ||
	    query_int(c, "before", 0, INT64_MAX, 0, &before) != 0 ||
	    query_int(c, "at", 0, INT64_MAX, 0, &at) != 0) {
		snprintf(msg, sizeof msg, "limit is 1..%d; before and at are "
		    "whole numbers (an id, a time in µs)", HISTORY_MAX);
		http_reply(c, 400, "application/json", error_json(0, msg),
		    NULL);
		return;
	}
	body = ws->cfg.sink.history(ws->cfg.sink.arg, f != NULL ? f : "", at,
	    before, (int)limit, &status, &cause);
	if (body == NULL) {
		http_reply(c, status, "application/json", error_json(0,
		    cause != NULL ? cause : "no history"), NULL);
		free(cause);
		return;
	}
	http_reply(c, 200, "application/x-ndjson", body, NULL);
}

/*
 * GET /v1/fields?source=S&name=N&version=V: the field catalog as JSON
 * lines (what `teltop fields --json` prints); each parameter optional.
 */
static void
fields_get(struct hconn *c)
{
	struct ws	*ws = c->ws;
	char		 src[64], name[256], ver[256], *body, *cause = NULL;
	const char	*sp, *np, *vp;
	int		 status = 503;

	if (ws->cfg.sink.fields == NULL) {
		http_reply(c, 503, "application/json", error_json(0,
		    "this collector keeps no field catalog"), NULL);
		return;
	}
	sp = h1_query(c->req, "source", src, sizeof src);
	np = h1_query(c->req, "name", name, sizeof name);
	vp = h1_query(c->req, "version", ver, sizeof ver);
	if ((sp != NULL && strlen(sp) >= sizeof src - 1) ||
	    (np != NULL && strlen(np) >= sizeof name - 1) ||
	    (vp != NULL && strlen(vp) >= sizeof ver - 1)) {
		http_reply(c, 414, "application/json", error_json(0,
		    "a parameter is too long"), NULL);
		return;
	}
	body = ws->cfg.sink.fields(ws->cfg.sink.arg, sp, np, vp, &status,
	    &cause);
	if (body == NULL) {
		http_reply(c, status, "application/json", error_json(0,
		    cause != NULL ? cause : "no field catalog"), NULL);
		free(cause);
		return;
	}
	http_reply(c, 200, "application/x-ndjson", body, NULL);
}

/* GET /v1/payload/ID: the request an event came in, as JSON. */
static void
payload_get(struct hconn *c)
{
	struct ws	*ws = c->ws;
	const char	*p = c->req->path + strlen("/v1/payload/");
	char		*end, *body, *cause = NULL;
	long long	 id;
	int		 status = 503;

	errno = 0;
	id = strtoll(p, &end, 10);
	if (!(*p >= '0' && *p <= '9') || errno != 0 || id <= 0 ||
	    *end != '\0') {
		http_reply(c, 404, "application/json", error_json(0,
		    "GET /v1/payload/ID is the request event ID came in"),
		    NULL);
		return;
	}
	if (ws->cfg.sink.payload == NULL ||
	    (body = ws->cfg.sink.payload(ws->cfg.sink.arg, id, &status,
	    &cause)) == NULL) {
		http_reply(c, ws->cfg.sink.payload == NULL ? 503 : status,
		    "application/json", error_json(0, cause != NULL ? cause :
		    "this collector keeps no payloads"), NULL);
		free(cause);
		return;
	}
	http_reply(c, 200, "application/json", body, NULL);
}

/* The request target as sent, its token= parameter left out (it is the
 * collector's secret, not the sender's). */
static char *
target_without_token(const char *url, size_t len)
{
	const char	*q = memchr(url, '?', len), *p, *end = url + len, *amp;
	char		*out, *o;

	if (q == NULL)
		return xstrndup(url, len);
	out = o = xmalloc(len + 1);
	memcpy(o, url, (size_t)(q - url));
	o += q - url;
	for (p = q + 1;; p = amp + 1) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if (!((size_t)(amp - p) >= 6 && memcmp(p, "token=", 6) == 0) &&
		    !((size_t)(amp - p) == 5 && memcmp(p, "token", 5) == 0)) {
			*o = o == out + (q - url) ? '?' : '&';
			o++;
			memcpy(o, p, (size_t)(amp - p));
			o += amp - p;
		}
		if (amp == end)
			break;
	}
	*o = '\0';
	return out;
}

/*
 * X-Teltop-Received-At (µs since the epoch): `teltop import` keeps when a
 * request was first received.  Only with the control token, which the
 * header alone cannot give: else 401, and 400 for a value that is not a
 * time.  0 when it may go on.
 */
static int
import_time(struct hconn *c, const char *v, int64_t *us)
{
	const char	*auth = h1_header(c->req, "authorization");
	char		 tok[128], *end;
	long long	 n;

	if (c->ws->cfg.token == NULL || c->cap != NULL ||
	    ((auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0 ||
	    !tt_token_equal(auth + 7, strlen(auth + 7), c->ws->cfg.token)) &&
	    (h1_query(c->req, "token", tok, sizeof tok) == NULL ||
	    !tt_token_equal(tok, strlen(tok), c->ws->cfg.token)))) {
		http_refuse(c, 401, TT_CTR_REJ_AUTH, "X-Teltop-Received-At "
		    "needs the control token (`teltop token`) as Bearer",
		    NULL, "WWW-Authenticate: " TT_AUTH_CHALLENGE "\r\n");
		return -1;
	}
	n = strtoll(v, &end, 10);
	/* not ahead of the clock either: retention goes by it */
	if (*v < '0' || *v > '9' || *end != '\0' || n <= 0 ||
	    n > tt_now_us() + 60000000LL) {
		http_refuse(c, 400, TT_CTR_REJ_MALFORMED, "X-Teltop-Received-At "
		    "is µs since the epoch, not ahead of now, e.g. "
		    "1767225600000000", NULL, NULL);
		return -1;
	}
	*us = (int64_t)n;
	return 0;
}

void
route_request(struct hconn *c)
{
	struct ws		*ws = c->ws;
	struct decode_job	*j;
	const char		*v;
	char			 arg[32];
	int64_t			 received_at = 0;

	switch (c->kind) {
	case RK_HEALTHZ:
		if (ws->cfg.sink.down != NULL &&
		    (v = ws->cfg.sink.down(ws->cfg.sink.arg)) != NULL)
			http_reply(c, 503, "text/plain", xasprintf("down: "
			    "%s\n", v), NULL);
		else
			http_reply(c, 200, "text/plain", xstrdup("ok\n"),
			    NULL);
		return;
	case RK_METRICS:
		http_reply(c, 200, "text/plain; version=0.0.4",
		    metrics_text(ws), NULL);
		return;
	case RK_OPTOUT:
		if (c->req->method == H1_POST) {
			optout_post(c, c->body.p, c->body.len);
			return;
		}
		/* FALLTHROUGH */
	case RK_DEVTRON_OPTOUT:
	case RK_DEVTRON_INFO:
		if (c->cap != NULL) {
			c->fwd_src = TT_SRC_DEVTRON;
			count(ws, tt_counter_capture(TT_SRC_DEVTRON,
			    TT_CAP_CAPTURED), 1);
			if (c->kind == RK_DEVTRON_OPTOUT ? opted_out(ws,
			    TT_SRC_DEVTRON, c->req->path +
			    strlen(DEVTRON_OPTOUT)) : opted_out(ws,
			    TT_SRC_DEVTRON, NULL))
				/* the UCID does not leave the machine */
				count(ws, tt_counter_capture(TT_SRC_DEVTRON,
				    TT_CAP_BLOCKED), 1);
			else if (forwarding(ws, TT_SRC_DEVTRON)) {
				proxy_forward(c, optout_get);
				return;
			}
		}
		optout_get(c);
		return;
	case RK_CA:
		ca_reply(c);
		return;
	case RK_HISTORY:
		history_get(c);
		return;
	case RK_PAYLOAD:
		payload_get(c);
		return;
	case RK_FIELDS:
		fields_get(c);
		return;
	case RK_RELAY:
		relay(c);
		return;
	case RK_PASS:
		c->fwd_src = c->cap->source;
		keep_for_forward(c);
		proxy_forward(c, pass_failed);
		return;
	default:
		break;
	}
	if ((v = h1_header(c->req, TT_RECEIVED_AT_HEADER)) != NULL &&
	    import_time(c, v, &received_at) != 0)
		return;
	if (c->cap != NULL) {
		free(c->cap_meta);
		c->cap_meta = proxy_capture_json(c);
		if (ws->cfg.forward != 0)
			keep_for_forward(c);
	}
	j = job_new(ws, (enum route_kind)c->kind, &c->body);
	j->reserved = c->reserved;
	c->reserved = 0;
	snprintf(j->ctype, sizeof j->ctype, "%s", c->ctype);
	if ((v = h1_header(c->req, "content-encoding")) != NULL)
		snprintf(j->cenc, sizeof j->cenc, "%s", v);
	if ((v = h1_query(c->req, "compression", arg, sizeof arg)) != NULL)
		snprintf(j->compression, sizeof j->compression, "%s", v);
	j->target = target_without_token(c->req->url, strlen(c->req->url));
	if ((v = h1_header(c->req, "user-agent")) != NULL)
		j->user_agent = xstrdup(v);
	j->received_at = received_at;
	j->done = http_job_done;
	j->need_key = c->need_key ? ws->cfg.token : NULL;
	c->job = j->id;
	http_wait_add(c);
	job_start(ws, j);
}

void
route_forget(struct hconn *c)
{
	c->job = c->ticket = c->optout_op = 0;
	c->need_key = 0;
	c->kind = RK_NONE;
	c->ctype[0] = '\0';
	c->accepted = c->dropped = c->rejected = 0;
	free(c->first_error);
	free(c->optout_reply);
	c->first_error = c->optout_reply = NULL;
}

/* ---- WebSocket ---- */

static void
ws_reply_push(struct conn *c, uint64_t ticket, char *text)
{
	struct ws	*ws = c->ws;
	struct reply	*r = xcalloc(1, sizeof *r);

	r->ticket = ticket;
	r->done = ticket == 0 && text != NULL;
	r->text = text;
	if (c->rtail != NULL)
		c->rtail->next = r;
	else
		c->rhead = r;
	c->rtail = r;
	c->nreplies++;
	if (ticket != 0 || text == NULL)
		wait_add(c);
	if ((c->nreplies >= REPLY_QUEUE_MAX || (ws->cfg.sink.held != NULL &&
	    ws->cfg.sink.held(ws->cfg.sink.arg) > HELD_PAUSE)) &&
	    !c->rx_paused) {
		lws_rx_flow_control(c->wsi, 0);
		c->rx_paused = 1;
	}
	if (c->rhead->done)
		lws_callback_on_writable(c->wsi);
}

/* Service thread: a WebSocket message is decoded; submit it. */
static void
ws_job_done(struct decode_job *j)
{
	struct conn	*c;
	struct reply	*r = NULL;
	struct outcome	 o;

	/* decoded at once, its reply is its connection's last: look there
	 * first, through every reply only if that fails */
	for (c = j->ws->waiting; c != NULL; c = c->wnext)
		if ((r = c->rtail) != NULL && r->job == j->id)
			break;
	if (c == NULL) {
		r = NULL;
		for (c = j->ws->waiting; c != NULL; c = c->wnext) {
			for (r = c->rhead; r != NULL; r = r->next)
				if (r->job == j->id)
					break;
			if (r != NULL)
				break;
		}
	}
	if (r == NULL) {	/* the connection went away */
		decode_job_free(j);
		return;
	}
	r->job = 0;
	if (j->status != 0) {
		job_refused(j, NULL, "WS", "/ws");
		r->text = error_json(1, j->error);
		r->done = 1;
	} else {
		memset(&o, 0, sizeof o);
		submit(j->ws, c, "/ws", NULL, j, &j->batch, &o);
		r->ticket = o.ticket;
		r->accepted = o.accepted;
		r->dropped = o.dropped;
		r->rejected = o.rejected;
		r->error = o.first_error;
	}
	decode_job_free(j);
	if (c->rhead != NULL && c->rhead->done)
		lws_callback_on_writable(c->wsi);
}

/* A whole WebSocket message is here. */
/* Refuse a WebSocket message: counted, logged, answered in its turn. */
static void
ws_refuse_message(struct conn *c, enum tt_counter reason, const char *why)
{
	struct ws_refuse	r;

	memset(&r, 0, sizeof r);
	r.method = "WS";
	r.route = "/ws";
	r.reason = reason;
	r.n = 1;
	r.why = why;
	r.head = c->msg.p;
	r.head_len = c->msg.len;
	count(c->ws, TT_CTR_RECEIVED, 1);
	ws_refused(c->ws, &r);
	ws_reply_push(c, 0, error_json(1, why));
}

static void
ws_message(struct conn *c)
{
	struct ws		*ws = c->ws;
	struct decode_job	*j;
	char			 msg[160];

	if (c->msg_bad) {
		if (c->msg_bad == 1)
			snprintf(msg, sizeof msg, "binary frames are not "
			    "accepted: send JSON as text frames");
		else
			snprintf(msg, sizeof msg, "message exceeds the limit "
			    "of %zu bytes", ws->cfg.request_max);
		ws_refuse_message(c, c->msg_bad == 1 ? TT_CTR_REJ_MALFORMED :
		    TT_CTR_REJ_TOO_LARGE, msg);
		return;
	}
	ws_reply_push(c, 0, NULL);	/* its place in the reply order */
	j = job_new(ws, RK_EVENTS, &c->msg);
	j->reserved = c->msg_reserved;
	c->msg_reserved = 0;
	j->done = ws_job_done;
	c->rtail->job = j->id;
	job_start(ws, j);
}

static void
ws_receive(struct conn *c, const uint8_t *p, size_t len)
{
	struct ws	*ws = c->ws;

	if (lws_is_first_fragment(c->wsi)) {
		buf_reset(&c->msg);
		c->msg_bad = lws_frame_is_binary(c->wsi) ? 1 : 0;
	}
	count(ws, TT_CTR_BYTES, (int64_t)len);
	if (!c->msg_bad && c->msg.len + len > c->msg_reserved) {
		if (budget_used(ws) + len > ws->cfg.buffered_max)
			c->msg_bad = 3;
		else {
			ws->buffered += len;
			c->msg_reserved += len;
		}
	}
	if (!c->msg_bad && buf_append(&c->msg, p, len) != 0)
		c->msg_bad = 2;
	if (lws_is_final_fragment(c->wsi) &&
	    lws_remaining_packet_payload(c->wsi) == 0) {
		if (c->msg_bad == 3)
			ws_refuse_message(c, TT_CTR_REJ_BUSY, "too many request "
			    "bytes held at once: resend shortly");
		else
			ws_message(c);
		buf_reset(&c->msg);
		if (c->msg.cap > WS_MSG_KEEP)
			buf_free(&c->msg);
		ws->buffered -= c->msg_reserved;
		c->msg_reserved = 0;
	}
}

static int
ws_writeable(struct conn *c)
{
	struct reply	*r = c->rhead;
	unsigned char	*out;
	size_t		 len;
	int		 n;

	if (r == NULL || !r->done)
		return 0;
	len = strlen(r->text);
	out = xmalloc(LWS_PRE + len);
	memcpy(out + LWS_PRE, r->text, len);
	n = lws_write(c->wsi, out + LWS_PRE, len, LWS_WRITE_TEXT);
	free(out);
	if (n < (int)len)
		return -1;
	c->rhead = r->next;
	if (c->rhead == NULL)
		c->rtail = NULL;
	c->nreplies--;
	free(r->text);
	free(r->error);
	free(r->push_key);
	free(r);
	if (c->rx_paused && c->nreplies <= REPLY_QUEUE_LOW) {
		lws_rx_flow_control(c->wsi, 1);
		c->rx_paused = 0;
	}
	if (c->rhead != NULL && c->rhead->done)
		lws_callback_on_writable(c->wsi);
	return 0;
}

static void
ws_close(struct conn *c)
{
	struct reply	*r, *next;

	wait_remove(c);
	for (r = c->rhead; r != NULL; r = next) {
		next = r->next;
		free(r->text);
		free(r->error);
		free(r->push_key);
		free(r);
	}
	c->rhead = c->rtail = NULL;
	buf_free(&c->msg);
	c->ws->buffered -= c->msg_reserved;
	c->msg_reserved = 0;
	hmap_clear(&c->seen, NULL);
	hmap_clear(&c->told, NULL);
	if (c->sprev != NULL)
		c->sprev->snext = c->snext;
	else if (c->ws->senders == c)
		c->ws->senders = c->snext;
	if (c->snext != NULL)
		c->snext->sprev = c->sprev;
	c->snext = c->sprev = NULL;
}

void
ws_optout_notify(struct ws *ws, const char *source, const char *client,
    int enabled)
{
	struct conn	*c;
	enum tt_source	 src;
	char		 key[2 * 256 + 2];
	int		 n, k;

	ws_stream_status(ws);	/* viewers see the registry at once */
	if (tt_source_parse(source, &src) != 0)
		return;		/* no sender can have sent it */
	n = client != NULL ? seen_key(key, sizeof key, source, client) : 0;
	for (c = ws->senders; c != NULL; c = c->snext) {
		if ((c->sources_seen & (1u << src)) == 0)
			continue;
		if (client != NULL && (n <= 0 ||
		    hmap_get(&c->seen, key, (size_t)n) == NULL))
			continue;
		push_optout(c, source, client, enabled);
		/* told now; a later contact after a clear tells again */
		if ((k = seen_key(key, sizeof key, source, client)) > 0 &&
		    (enabled || hmap_get(&c->told, key, (size_t)k) != NULL))
			*hmap_put(&c->told, key, (size_t)k) = enabled ? c :
			    NULL;
	}
}

/* ---- commits ---- */

/* The reply text of a failed commit. */
static const char *
commit_error(enum tt_commit how)
{
	return how == TT_COMMIT_DISK_FULL ? "disk full: the database could "
	    "not commit the events; free space and retry" :
	    "the database could not commit the events; retry";
}

void
ws_commit_refused(struct ws *ws, const char *method, const char *route,
    enum tt_commit how, int64_t n)
{
	struct ws_refuse	w;

	memset(&w, 0, sizeof w);
	w.method = method;
	w.route = route;
	w.status = how == TT_COMMIT_DISK_FULL ? 507 : 503;
	w.reason = TT_CTR_REJ_STORE;
	w.n = n;
	w.why = commit_error(how);
	ws_refused(ws, &w);
}

void
ws_committed(struct ws *ws, uint64_t first, uint64_t last,
    enum tt_commit how)
{
	struct conn	*c, *next;
	struct hconn	*h, *hnext;
	struct reply	*r;
	int		 pending, ok = how == TT_COMMIT_OK;

	grpc_committed(ws, first, last, how);
	for (h = ws->hwaiting; h != NULL; h = hnext) {
		hnext = h->wnext;
		if (h->ticket == 0 || h->ticket < first || h->ticket > last)
			continue;
		h->ticket = 0;
		if (ok) {
			count(ws, TT_CTR_ACCEPTED, (int64_t)h->accepted);
			if (h->cap != NULL)
				capture_done(h);
			else
				http_success(h);
		} else {
			ws_commit_refused(ws, h->req->method_name, h->route,
			    how, (int64_t)h->accepted);
			http_reply(h, how == TT_COMMIT_DISK_FULL ? 507 : 503,
			    "application/json", error_json(0,
			    commit_error(how)), NULL);
		}
	}
	for (c = ws->waiting; c != NULL; c = next) {
		next = c->wnext;
		pending = 0;
		for (r = c->rhead; r != NULL; r = r->next) {
			if (r->done)
				continue;
			if (r->job != 0 || r->ticket < first ||
			    r->ticket > last) {
				pending = 1;
				continue;
			}
			r->done = 1;
			if (ok) {
				count(ws, TT_CTR_ACCEPTED,
				    (int64_t)r->accepted);
				r->text = result_json(1, r->accepted,
				    r->dropped, r->rejected, r->error);
			} else {
				ws_commit_refused(ws, "WS", "/ws", how,
				    (int64_t)r->accepted);
				r->text = error_json(1, commit_error(how));
			}
		}
		if (!pending)
			wait_remove(c);
		if (c->rhead != NULL && c->rhead->done)
			lws_callback_on_writable(c->wsi);
	}
}

void
ws_optout_done(struct ws *ws, uint64_t op, int rc, const char *why)
{
	struct hconn	*c;

	for (c = ws->hwaiting; c != NULL; c = c->wnext) {
		if (c->optout_op != op)
			continue;
		c->optout_op = 0;
		if (rc == 0) {
			http_reply(c, 200, "application/json",
			    c->optout_reply, NULL);
			c->optout_reply = NULL;
		} else
			http_reply(c, 503, "application/json", error_json(0,
			    why != NULL ? why : "the registry could not be "
			    "written"), NULL);
		return;
	}
}

/* ---- calls posted from other threads ---- */

void
ws_post(struct ws *ws, void (*fn)(void *), void *arg)
{
	struct posted	*p = xmalloc(sizeof *p), **tail;

	p->next = NULL;
	p->fn = fn;
	p->arg = arg;
	pthread_mutex_lock(&ws->post_lock);
	for (tail = &ws->posted; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = p;
	pthread_mutex_unlock(&ws->post_lock);
	lws_cancel_service(ws->ctx);
}

/* Run what other threads posted, in order (service thread). */
static void
run_posted(struct ws *ws)
{
	struct posted	*p, *next;

	pthread_mutex_lock(&ws->post_lock);
	p = ws->posted;
	ws->posted = NULL;
	pthread_mutex_unlock(&ws->post_lock);
	for (; p != NULL; p = next) {
		next = p->next;
		p->fn(p->arg);
		free(p);
	}
}

/* ---- the lws callback of the WebSocket vhost ---- */

static int
callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct conn	*c = user;
	struct ws	*ws = lws_context_user(lws_get_context(wsi));
	char		 uri[128], arg[512];	/* a token= is 70 bytes */
	const char	*v;

	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		if (ws != NULL)
			run_posted(ws);
		return 0;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) < 0 ||
		    (strcmp(uri, "/ws") != 0 && strcmp(uri, "/ws/") != 0 &&
		    strcmp(uri, "/v1/stream") != 0))
			return -1;
		break;
	case LWS_CALLBACK_ESTABLISHED:
		memset(c, 0, sizeof *c);
		c->ws = ws;
		c->wsi = wsi;
		if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) > 0 &&
		    strcmp(uri, "/v1/stream") == 0) {
			if (viewers_full(ws))	/* upgrades that raced */
				return -1;
			v = lws_get_urlarg_by_name(wsi, "stats=", arg,
			    sizeof arg);
			c->viewer = viewer_open(ws, wsi, v != NULL &&
			    strcmp(v, "1") == 0);
			break;
		}
		buf_init(&c->msg, ws->cfg.request_max);
		hmap_init(&c->seen);
		hmap_init(&c->told);
		c->snext = ws->senders;
		if (ws->senders != NULL)
			ws->senders->sprev = c;
		ws->senders = c;
		ws->connections++;
		break;
	case LWS_CALLBACK_RECEIVE:
		if (c->viewer == NULL)
			ws_receive(c, in, len);
		break;		/* a viewer's words are not read */
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return c->viewer != NULL ? viewer_writeable(ws, c->viewer) :
		    ws_writeable(c);
	case LWS_CALLBACK_CLOSED:
		if (c->viewer != NULL) {
			viewer_close(ws, c->viewer);
			c->viewer = NULL;
			break;
		}
		ws_close(c);
		ws->connections--;
		break;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* The watched descriptor (the terminal) is readable. */
static int
fd_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct ws	*ws = lws_context_user(lws_get_context(wsi));

	(void)user;
	(void)in;
	(void)len;
	if (reason == LWS_CALLBACK_RAW_RX_FILE && ws->fd_cb != NULL)
		ws->fd_cb(ws->fd_arg);
	return 0;
}

static const struct lws_protocols ws_protocols[] = {
	{ WS_PROTOCOL, callback, sizeof(struct conn), 8192, 0, NULL, 0 },
	/* tx_packet_size: a viewer's batch of frames goes out in one send */
	{ WS_STREAM_PROTOCOL, callback, sizeof(struct conn), 8192, 0, NULL,
	    STREAM_WRITE_MAX },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static const struct lws_protocols fd_protocol = {
	"teltop-fd", fd_callback, 0, 0, 0, NULL, 0
};

static struct lws_protocols http_protocols[4];

/* ---- context ---- */

/* Is host an address of this machine (can a socket be bound to it)? */
static int
addr_is_here(const char *host)
{
	struct addrinfo	 hints, *res, *ai;
	int		 fd, ok = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if (getaddrinfo(host, "0", &hints, &res) != 0)
		return 0;
	for (ai = res; ai != NULL && !ok; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype, 0)) < 0)
			continue;
		ok = bind(fd, ai->ai_addr, ai->ai_addrlen) == 0;
		close(fd);
	}
	freeaddrinfo(res);
	return ok;
}

static struct ws	*log_ws;

static void
lws_log_emit(int level, const char *line)
{
	char	buf[512];
	size_t	n;

	(void)level;
	if (log_ws == NULL)
		return;
	/* lws 4.1 says this at error level on every hand-over */
	if (strstr(line, "calling service") != NULL ||
	    strstr(line, "deferring handling ah") != NULL)
		return;
	snprintf(buf, sizeof buf, "lws: %s", line);
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	wlog(log_ws, "%s", buf);
}

struct ws *
ws_create(const struct ws_config *cfg, char **cause)
{
	struct lws_context_creation_info	 info;
	struct ws				*ws;
	int					 v6;

	*cause = NULL;
	ws = xcalloc(1, sizeof *ws);
	ws->cfg = *cfg;
	if (ws->cfg.events_max == 0)
		ws->cfg.events_max = TT_EVENTS_MAX;
	if (ws->cfg.buffered_max == 0)
		ws->cfg.buffered_max = WS_BUFFERED_MAX;
	pthread_mutex_init(&ws->post_lock, NULL);
	log_ws = ws;
	lws_set_log_level(LLL_ERR, lws_log_emit);
	http_protocols[0] = http_protocol;
	http_protocols[1] = fd_protocol;
	http_protocols[2] = upstream_protocol;
	v6 = strchr(cfg->host, ':') != NULL;

	memset(&info, 0, sizeof info);
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
	info.user = ws;
	info.timeout_secs = 30;
	info.keepalive_timeout = 60;
	info.max_http_header_data = 4096;
	info.pt_serv_buf_size = 65536;
	ws->ctx = lws_create_context(&info);
	if (ws->ctx == NULL) {
		*cause = xstrdup("cannot create the network context");
		goto error;
	}

	/* The listener: every connection starts as raw bytes for http.c. */
	memset(&info, 0, sizeof info);
	info.vhost_name = "http";
	info.port = cfg->port;
	info.iface = cfg->host;
	info.protocols = http_protocols;
	info.listen_accept_protocol = "teltop-http";
	info.options = LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG |
	    (v6 ? 0 : LWS_SERVER_OPTION_DISABLE_IPV6);
	info.user = ws;
	/* lws keeps a vhost whose address is not (yet) here, and retries */
	if (!addr_is_here(cfg->host) ||
	    (ws->vh = lws_create_vhost(ws->ctx, &info)) == NULL ||
	    lws_get_vhost_listen_port(ws->vh) <= 0) {
		*cause = xasprintf("cannot listen on %s:%d (address in use, "
		    "or not an address of this machine?)", cfg->host,
		    cfg->port);
		goto error;
	}

	/* WebSocket connections, handed over by http.c. */
	memset(&info, 0, sizeof info);
	info.vhost_name = "ws";
	info.port = CONTEXT_PORT_NO_LISTEN_SERVER;
	info.protocols = ws_protocols;
	info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
	info.user = ws;
	if ((ws->ws_vh = lws_create_vhost(ws->ctx, &info)) == NULL) {
		*cause = xstrdup("cannot create the WebSocket vhost");
		goto error;
	}
	ws->refused = refused_new();
	if (cfg->grpc_host != NULL &&
	    grpc_listen(ws, cfg->grpc_host, cfg->grpc_port, cause) != 0) {
		if (cfg->grpc_required)
			goto error;
		wlog(ws, "%s; OTLP over gRPC is off (--otlp-grpc picks "
		    "another address)", *cause);
		free(*cause);
		*cause = NULL;
	}
	if ((ws->proxy = proxy_create(ws, cause)) == NULL)
		goto error;
	ws->worker = worker_start();
	return ws;
error:
	if (ws->ctx != NULL)
		lws_context_destroy(ws->ctx);
	pthread_mutex_destroy(&ws->post_lock);
	free(ws);
	log_ws = NULL;
	return NULL;
}

void
ws_destroy(struct ws *ws)
{
	struct posted	*p, *next;

	if (ws == NULL)
		return;
	/* Decodes in flight come back as posted calls: let them finish. */
	worker_stop(ws->worker);
	ws->worker = NULL;
	proxy_stop(ws->proxy);
	run_posted(ws);
	lws_sul_cancel(&ws->flush_sul);
	viewers_quiesce(ws);
	lws_context_destroy(ws->ctx);
	viewers_free(ws);
	proxy_destroy(ws->proxy);
	refused_free(ws->refused);
	if (log_ws == ws)
		log_ws = NULL;
	for (p = ws->posted; p != NULL; p = next) {
		next = p->next;
		free(p);
	}
	pthread_mutex_destroy(&ws->post_lock);
	free(ws);
}

int
ws_port(const struct ws *ws)
{
	return ws->vh != NULL ? lws_get_vhost_listen_port(ws->vh) :
	    ws->cfg.port;
}

int
ws_service(struct ws *ws, int timeout_ms)
{
	return lws_service(ws->ctx, timeout_ms) < 0 ? -1 : 0;
}

void
ws_wake(struct ws *ws)
{
	lws_cancel_service(ws->ctx);
}

static void
flush_cb(lws_sorted_usec_list_t *sul)
{
	struct ws	*ws = lws_container_of(sul, struct ws, flush_sul);

	ws->flush_at = 0;
	if (ws->cfg.sink.flush != NULL)
		ws->cfg.sink.flush(ws->cfg.sink.arg);
}

void
ws_request_flush(struct ws *ws, int64_t delay_us)
{
	lws_usec_t	at = lws_now_usecs() + delay_us;

	if (ws->flush_at != 0 && ws->flush_at <= at)
		return;
	ws->flush_at = at;
	lws_sul_schedule(ws->ctx, 0, &ws->flush_sul, flush_cb, delay_us);
}

int
ws_watch_fd(struct ws *ws, int fd, void (*cb)(void *), void *arg)
{
	lws_sock_file_fd_type	u;

	ws->fd_cb = cb;
	ws->fd_arg = arg;
	u.filefd = (lws_filefd_type)fd;
	return lws_adopt_descriptor_vhost(ws->vh, LWS_ADOPT_RAW_FILE_DESC, u,
	    "teltop-fd", NULL) != NULL ? 0 : -1;
}

struct ws_timer {
	lws_sorted_usec_list_t	 sul;	/* first: the callback gets it */
	struct ws		*ws;
	void			(*cb)(void *);
	void			*arg;
};

struct ws_timer *
ws_timer_create(struct ws *ws, void (*cb)(void *), void *arg)
{
	struct ws_timer	*t = xcalloc(1, sizeof *t);

	t->ws = ws;
	t->cb = cb;
	t->arg = arg;
	return t;
}

static void
timer_cb(lws_sorted_usec_list_t *sul)
{
	struct ws_timer	*t = lws_container_of(sul, struct ws_timer, sul);

	t->cb(t->arg);
}

void
ws_timer_schedule(struct ws_timer *t, int64_t delay_us)
{
	lws_sul_schedule(t->ws->ctx, 0, &t->sul, timer_cb, delay_us);
}

void
ws_timer_free(struct ws_timer *t)
{
	if (t == NULL)
		return;
	lws_sul_cancel(&t->sul);
	free(t);
}

const struct tt_counters *
ws_counters(const struct ws *ws)
{
	return &ws->counters;
}

void
ws_counted(struct ws *ws, enum tt_counter c, int64_t n)
{
	ws->counters.v[c] += n;
}

int
ws_connections(const struct ws *ws)
{
	return ws->connections;
}
