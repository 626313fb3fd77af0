/*
 * The lws context, the route table, and request handling: body assembly,
 * transport decoding, core decoding, the sink, and replies that are sent
 * only after commit.  Everything here runs under the lws service thread
 * (the program's only thread).
 *
 * A connection waiting for a commit sits on ws->waiting; ws_committed()
 * marks its tickets done and asks for a writeable callback.  Closing a
 * connection takes it off the list, so the store never holds a pointer to
 * a connection.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "core/decode.h"
#include "core/hmap.h"
#include "core/optout.h"
#include "core/xmalloc.h"
#include "body.h"
#include "ws.h"

#define WS_PROTOCOL	"teltop-ingest"
#define REPLY_QUEUE_MAX	256	/* unanswered WS messages before we stop reading */
#define REPLY_QUEUE_LOW	64
#define SEEN_MAX	4096	/* (source, client) pairs remembered per sender */
#define DEVTRON_OPTOUT	"/devtron/telemetry/opt-out/"
/* base64 of the PostHog key Devtron is given: any key works (§3.3) */
#define DEVTRON_KEY	"teltop-local-collector"

enum route_kind {
	RK_NONE, RK_EVENTS, RK_POSTHOG, RK_POSTHOG_V1, RK_DEVPOD_INSERT,
	RK_DEVPOD_LEGACY, RK_OTLP, RK_HEALTHZ, RK_METRICS, RK_OPTOUT,
	RK_DEVTRON_OPTOUT, RK_DEVTRON_INFO
};

#define GET	0
#define POST	1
#define BOTH	2

/* prefix 1: path + "/" also matches; 2: path + anything (a parameter) */
static const struct route {
	const char	*path;
	int		 prefix;
	int		 method;
	enum route_kind	 kind;
} routes[] = {
	{ "/v1/events", 0, 1, RK_EVENTS },
	{ "/batch", 1, 1, RK_POSTHOG },
	{ "/capture", 1, 1, RK_POSTHOG },
	{ "/e", 1, 1, RK_POSTHOG },
	{ "/i/v0/e", 1, 1, RK_POSTHOG },
	{ "/track", 1, 1, RK_POSTHOG },
	{ "/engage", 1, 1, RK_POSTHOG },
	{ "/i/v1/analytics/events", 1, 1, RK_POSTHOG_V1 },
	{ "/v1/insert", 1, 1, RK_DEVPOD_INSERT },
	{ "/analytics/v1/devpod/v1/events", 1, 1, RK_DEVPOD_LEGACY },
	{ "/v1/traces", 1, 1, RK_OTLP },
	{ "/healthz", 0, GET, RK_HEALTHZ },
	{ "/metrics", 0, GET, RK_METRICS },
	{ "/v1/optout", 1, BOTH, RK_OPTOUT },
	{ DEVTRON_OPTOUT, 2, GET, RK_DEVTRON_OPTOUT },
	{ "/devtron/telemetry/posthogInfo", 1, GET, RK_DEVTRON_INFO },
};

/* One WebSocket reply, in message order. */
struct reply {
	struct reply	*next;
	uint64_t	 ticket;	/* 0: not waiting for a commit */
	int		 done;
	char		*text;
	size_t		 accepted;
	size_t		 dropped;
	size_t		 rejected;
	char		*error;		/* first refused item's reason */
};

enum resp_state { RESP_NONE, RESP_WAIT, RESP_HEADERS, RESP_BODY };

/* A ws_post() call waiting for the service thread. */
struct posted {
	struct posted	*next;
	void		(*fn)(void *);
	void		*arg;
};

/* Per connection (lws per-session data): HTTP or WebSocket. */
struct conn {
	struct ws	*ws;
	struct lws	*wsi;
	struct conn	*wnext, *wprev;	/* on ws->waiting */
	int		 on_wait_list;
	int		 is_ws;
	struct conn	*snext, *sprev;	/* on ws->senders (WebSocket) */

	/* HTTP request */
	enum route_kind	 kind;
	char		 path[128];
	char		 ctype[128];
	char		 cenc[64];
	char		 compression[32];
	int		 chunked;
	struct chunked	 ch;
	int		 overflow;
	int		 bad_framing;
	struct tt_buf	 body;

	/* HTTP response */
	enum resp_state	 resp;
	uint64_t	 ticket;
	int		 status;
	const char	*resp_ctype;
	char		*resp_body;
	size_t		 accepted;
	size_t		 dropped;
	size_t		 rejected;
	char		*first_error;
	int		 close_after;
	uint64_t	 optout_op;	/* waiting for this opt-out change */
	char		*optout_reply;	/* its reply once done */

	/* WebSocket */
	struct tt_buf	 msg;
	int		 msg_bad;	/* binary or too large */
	struct reply	*rhead, *rtail;
	int		 nreplies;
	int		 rx_paused;
	unsigned	 sources_seen;	/* bit per enum tt_source */
	struct hmap	 seen;		/* "source\x1fclient" keys */
};

struct ws {
	struct lws_context	*ctx;
	struct lws_vhost	*vh;
	struct ws_config	 cfg;
	struct conn		*waiting;
	struct conn		*senders;	/* open WebSockets */
	struct tt_counters	 counters;
	int			 connections;
	lws_sorted_usec_list_t	 flush_sul;
	void			(*fd_cb)(void *);	/* ws_watch_fd() */
	void			*fd_arg;
	lws_usec_t		 flush_at;	/* 0: not scheduled */
	uint64_t		 next_op;
	pthread_mutex_t		 post_lock;	/* guards posted */
	struct posted		*posted;	/* ws_post() calls to run */
};

static void
wlog(struct ws *ws, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
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

static void
count(struct ws *ws, enum tt_counter c, int64_t n)
{
	if (n == 0)
		return;
	ws->counters.v[c] += n;
	if (ws->cfg.sink.count != NULL)
		ws->cfg.sink.count(ws->cfg.sink.arg, c, n);
}

/* ---- the commit wait list ---- */

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

/* A JSON string literal of s (escaped), appended to a new string. */
static char *
json_quote(const char *s)
{
	size_t	 n = strlen(s), i, o = 0;
	char	*q = xmalloc(n * 6 + 3);

	q[o++] = '"';
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\') {
			q[o++] = '\\';
			q[o++] = (char)ch;
		} else if (ch < 0x20) {
			o += (size_t)sprintf(q + o, "\\u%04x", ch);
		} else
			q[o++] = (char)ch;
	}
	q[o++] = '"';
	q[o] = '\0';
	return q;
}

/* {"ok":…,"accepted":N,"dropped":M[,"rejected":K,"errors":[…]]} */
static char *
result_json(int with_ok, size_t accepted, size_t dropped, size_t rejected,
    const char *err)
{
	char	*q, *s;

	if (rejected == 0 || err == NULL)
		return xasprintf("{%s\"accepted\":%zu,\"dropped\":%zu}",
		    with_ok ? "\"ok\":true," : "", accepted, dropped);
	q = json_quote(err);
	s = xasprintf("{%s\"accepted\":%zu,\"dropped\":%zu,\"rejected\":%zu,"
	    "\"errors\":[%s]}", with_ok ? "\"ok\":true," : "", accepted,
	    dropped, rejected, q);
	free(q);
	return s;
}

static char *
error_json(int with_ok, const char *err)
{
	char	*q, *s;

	q = json_quote(err);
	s = xasprintf("{%s\"error\":%s}", with_ok ? "\"ok\":false," : "", q);
	free(q);
	return s;
}

/* Set the HTTP response and ask to write it. */
static void
http_respond(struct conn *c, int status, const char *ctype, char *body)
{
	free(c->resp_body);
	c->status = status;
	c->resp_ctype = ctype;
	c->resp_body = body;
	c->resp = RESP_HEADERS;
	lws_callback_on_writable(c->wsi);
}

static void
http_error(struct conn *c, int status, enum tt_counter reason,
    const char *err)
{
	char	peer[64];

	count(c->ws, TT_CTR_RECEIVED, 1);
	count(c->ws, reason, 1);
	lws_get_peer_simple(c->wsi, peer, sizeof peer);
	wlog(c->ws, "%s POST %s: %d %s", peer, c->path, status, err);
	http_respond(c, status, "application/json", error_json(0, err));
}

/* The success reply a route's real clients expect (formats.md §7). */
static void
http_success(struct conn *c)
{
	switch (c->kind) {
	case RK_POSTHOG:
	case RK_POSTHOG_V1:
		http_respond(c, 200, "application/json",
		    xstrdup("{\"status\":1}"));
		break;
	case RK_DEVPOD_INSERT:
	case RK_DEVPOD_LEGACY:
	case RK_OTLP:
		http_respond(c, 200, NULL, NULL);
		break;
	default:
		http_respond(c, 200, "application/json", result_json(0,
		    c->accepted, c->dropped, c->rejected, c->first_error));
		break;
	}
}

/* ---- decoding a body or a message ---- */

struct outcome {
	int	 status;	/* 0: submitted; else HTTP status of refusal */
	enum tt_counter reason;
	char	*error;		/* malloc'd */
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
	default:
		return TT_ROUTE_EVENTS;
	}
}

/* Remember which sources and clients a WebSocket sender sends. */
static void
note_senders(struct conn *c, const struct tt_batch *b)
{
	const struct tt_event	*ev;
	char			 key[2 * 256 + 2];
	int			 n;
	size_t			 i;

	for (i = 0; i < b->n; i++) {
		ev = &b->ev[i];
		c->sources_seen |= 1u << ev->source;
		if (ev->client_id == NULL || c->seen.n >= SEEN_MAX)
			continue;
		n = snprintf(key, sizeof key, "%s\x1f%s",
		    tt_source_name(ev->source), ev->client_id);
		if (n > 0 && (size_t)n < sizeof key)
			*hmap_put(&c->seen, key, (size_t)n) = c;
	}
}

/*
 * Decode bytes (already transport-decoded) and submit what they hold; c
 * is the WebSocket sender, or NULL.
 */
static void
ingest(struct ws *ws, struct conn *c, enum route_kind kind, const char *path,
    const char *ctype, const uint8_t *p, size_t len, struct outcome *o)
{
	struct tt_decode_opts	 opts;
	struct tt_batch		 b;
	char			*cause = NULL;

	memset(&opts, 0, sizeof opts);
	opts.event_max = ws->cfg.event_max;
	opts.received_at = tt_now_us();
	opts.protobuf = kind == RK_OTLP && ((ctype != NULL &&
	    strstr(ctype, "protobuf") != NULL) || (len > 0 && p[0] != '{' &&
	    (ctype == NULL || strstr(ctype, "json") == NULL)));
	tt_batch_init(&b);
	if (tt_decode(route_of(kind), p, len, &opts, &b, &cause) != 0) {
		o->status = 400;
		o->reason = opts.protobuf ? TT_CTR_REJ_PROTOBUF :
		    TT_CTR_REJ_MALFORMED;
		o->error = cause;
		tt_batch_clear(&b);
		return;
	}
	if (b.n == 0 && b.rejected > 0) {
		o->status = b.oversized == b.rejected ? 413 : 400;
		o->reason = b.oversized == b.rejected ? TT_CTR_REJ_TOO_LARGE :
		    TT_CTR_REJ_MALFORMED;
		o->error = xstrdup(b.first_error);
		count(ws, TT_CTR_RECEIVED, (int64_t)b.rejected - 1);
		count(ws, o->reason, (int64_t)b.rejected - 1);
		tt_batch_clear(&b);
		return;
	}
	count(ws, TT_CTR_RECEIVED, (int64_t)(b.n + b.rejected));
	count(ws, TT_CTR_REJ_TOO_LARGE, (int64_t)b.oversized);
	count(ws, TT_CTR_REJ_MALFORMED, (int64_t)(b.rejected - b.oversized));
	o->status = 0;
	o->accepted = b.n;
	o->rejected = b.rejected;
	o->first_error = b.first_error != NULL ? xstrdup(b.first_error) : NULL;
	if (c != NULL)
		note_senders(c, &b);
	o->ticket = ws->cfg.sink.submit(ws->cfg.sink.arg, &b, path, ctype, p,
	    len, &o->dropped);
	o->accepted -= o->dropped;
	if (o->dropped > 0)
		count(ws, TT_CTR_DROPPED_OPTOUT, (int64_t)o->dropped);
	tt_batch_clear(&b);
}

/* Undo transport encodings of an HTTP body into out. */
static int
transport_decode(struct conn *c, struct tt_buf *out, const uint8_t **p,
    size_t *len, char **cause)
{
	int	rc, form;

	/* posthog-js: data=<base64>; curl's default form type on JSON is not */
	form = strcmp(c->compression, "base64") == 0 ||
	    (strstr(c->ctype, "x-www-form-urlencoded") != NULL && *len >= 5 &&
	    memcmp(*p, "data=", 5) == 0);

	if (form) {
		rc = body_form_base64(*p, *len, out, cause);
		if (rc != BODY_OK)
			return rc;
		*p = out->p;
		*len = out->len;
	}
	if (body_is_gzip(*p, *len) || strstr(c->cenc, "gzip") != NULL ||
	    strstr(c->cenc, "deflate") != NULL ||
	    strncmp(c->compression, "gzip", 4) == 0) {
		struct tt_buf	z;

		buf_init(&z, c->ws->cfg.request_max);
		rc = body_inflate(*p, *len, &z, cause);
		if (rc != BODY_OK) {
			buf_free(&z);
			return rc;
		}
		buf_free(out);
		*out = z;
		*p = out->p;
		*len = out->len;
	}
	return BODY_OK;
}

/* A request header into buf, "" when absent. */
static void
hdr(struct lws *wsi, enum lws_token_indexes t, char *buf, int len)
{
	if (lws_hdr_total_length(wsi, t) <= 0 ||
	    lws_hdr_copy(wsi, buf, len, t) < 0)
		buf[0] = '\0';
}

/* Query argument name ("name=") into buf, or NULL when absent. */
static const char *
url_arg(struct conn *c, const char *name, char *buf, int len)
{
	const char	*v;

	v = lws_get_urlarg_by_name(c->wsi, name, buf, len);
	return v != NULL && *v != '\0' ? v : NULL;
}

/* GET /v1/optout and Devtron's two routes: answers from the registry. */
static void
optout_get(struct conn *c)
{
	struct ws	*ws = c->ws;
	char		 src[300], cli[300], host[256], key[64];
	const char	*source, *client;

	if (ws->cfg.sink.optout_json == NULL) {
		http_respond(c, 503, "application/json", error_json(0,
		    "this collector has no opt-out registry"));
		return;
	}
	switch (c->kind) {
	case RK_OPTOUT:
		source = url_arg(c, "source=", src, sizeof src);
		client = url_arg(c, "client=", cli, sizeof cli);
		http_respond(c, 200, "application/json",
		    ws->cfg.sink.optout_json(ws->cfg.sink.arg, source, client));
		break;
	case RK_DEVTRON_OPTOUT:
		client = c->path + strlen(DEVTRON_OPTOUT);
		http_respond(c, 200, "application/json", xasprintf(
		    "{\"result\":%s}", ws->cfg.sink.optout_match(
		    ws->cfg.sink.arg, "devtron", client) ? "true" : "false"));
		break;
	default:
		hdr(c->wsi, WSI_TOKEN_HOST, host, sizeof host);
		if (host[0] == '\0' || strpbrk(host, "\"\\") != NULL)
			snprintf(host, sizeof host, "%s:%d", ws->cfg.host,
			    ws_port(ws));
		lws_b64_encode_string(DEVTRON_KEY, (int)strlen(DEVTRON_KEY),
		    key, sizeof key);
		http_respond(c, 200, "application/json", xasprintf(
		    "{\"result\":{\"PosthogApiKey\":\"%s\","
		    "\"PosthogEndpoint\":\"http://%s\"}}", key, host));
		break;
	}
}

/* POST /v1/optout: {"source","client","enabled"} or the same as query. */
static void
optout_post(struct conn *c, const uint8_t *p, size_t len)
{
	struct ws	*ws = c->ws;
	char		 src[300], cli[300], en[16];
	char		*source = NULL, *client = NULL, *cause = NULL, *q, *r;
	const char	*v, *why;
	int		 enabled = 1;

	if (len == 0 && (v = url_arg(c, "source=", src, sizeof src)) != NULL) {
		source = xstrdup(v);
		if ((v = url_arg(c, "client=", cli, sizeof cli)) != NULL)
			client = xstrdup(v);
		if ((v = url_arg(c, "enabled=", en, sizeof en)) != NULL)
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
		http_respond(c, 400, "application/json", error_json(0, cause));
		goto done;
	}
	q = json_quote(source);
	r = client != NULL ? json_quote(client) : xstrdup("null");
	free(c->optout_reply);
	c->optout_reply = xasprintf("{\"ok\":true,\"source\":%s,"
	    "\"client\":%s,\"enabled\":%s}", q, r,
	    enabled ? "true" : "false");
	free(q);
	free(r);
	c->optout_op = ++ws->next_op;
	c->ticket = 0;
	c->resp = RESP_WAIT;
	wait_add(c);
	ws->cfg.sink.optout_change(ws->cfg.sink.arg, source, client, enabled,
	    c->optout_op);
done:
	free(cause);
	free(source);
	free(client);
}

/* The whole HTTP body is here: decode, submit, and reply or wait. */
static void
http_body_done(struct conn *c)
{
	struct outcome	 o;
	struct tt_buf	 dec;
	const uint8_t	*p = c->body.p;
	size_t		 len = c->body.len;
	char		*cause = NULL, msg[160];
	int		 rc;

	if (c->bad_framing) {
		c->close_after = 1;
		http_error(c, 400, TT_CTR_REJ_MALFORMED,
		    "malformed chunked transfer encoding");
		return;
	}
	if (c->overflow) {
		snprintf(msg, sizeof msg, "request body exceeds the limit of "
		    "%zu bytes", c->ws->cfg.request_max);
		http_error(c, 413, TT_CTR_REJ_TOO_LARGE, msg);
		return;
	}
	buf_init(&dec, c->ws->cfg.request_max);
	if ((rc = transport_decode(c, &dec, &p, &len, &cause)) != BODY_OK) {
		http_error(c, rc == BODY_TOO_LARGE ? 413 : 400,
		    rc == BODY_TOO_LARGE ? TT_CTR_REJ_TOO_LARGE :
		    TT_CTR_REJ_DECOMPRESS, cause);
		free(cause);
		buf_free(&dec);
		return;
	}
	if (c->kind == RK_OPTOUT) {
		optout_post(c, p, len);
		buf_free(&dec);
		return;
	}
	memset(&o, 0, sizeof o);
	ingest(c->ws, NULL, c->kind, c->path, c->ctype[0] != '\0' ?
	    c->ctype : NULL, p, len, &o);
	buf_free(&dec);
	if (o.status != 0) {
		http_error(c, o.status, o.reason, o.error);
		free(o.error);
		return;
	}
	c->ticket = o.ticket;
	c->accepted = o.accepted;
	c->dropped = o.dropped;
	c->rejected = o.rejected;
	free(c->first_error);
	c->first_error = o.first_error;
	c->resp = RESP_WAIT;
	wait_add(c);
}

/* ---- HTTP ---- */

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

static char *
metrics_text(struct ws *ws)
{
	char	*s, *t;
	int	 i;

	s = xasprintf("# HELP teltop_connections Open connections.\n"
	    "# TYPE teltop_connections gauge\nteltop_connections %d\n",
	    ws->connections);
	for (i = 0; i < TT_CTR_COUNT; i++) {
		const char *reason = tt_counter_reason((enum tt_counter)i);
		if (reason != NULL)
			continue;
		t = xasprintf("%s# TYPE teltop_%s_total counter\n"
		    "teltop_%s_total %lld\n", s,
		    tt_counter_name((enum tt_counter)i),
		    tt_counter_name((enum tt_counter)i),
		    (long long)ws->counters.v[i]);
		free(s);
		s = t;
	}
	/* One sample per reason; their sum is the total. */
	t = xasprintf("%s# TYPE teltop_rejected_total counter\n", s);
	free(s);
	s = t;
	for (i = 0; i < TT_CTR_COUNT; i++) {
		const char *reason = tt_counter_reason((enum tt_counter)i);
		if (reason == NULL)
			continue;
		t = xasprintf("%steltop_rejected_total{reason=\"%s\"} %lld\n",
		    s, reason, (long long)ws->counters.v[i]);
		free(s);
		s = t;
	}
	return s;
}

/* Reset per-request state (keep-alive reuses the connection). */
static void
http_reset(struct conn *c)
{
	wait_remove(c);
	buf_free(&c->body);
	free(c->resp_body);
	free(c->first_error);
	free(c->optout_reply);
	c->resp_body = NULL;
	c->first_error = NULL;
	c->optout_reply = NULL;
	c->optout_op = 0;
	c->resp = RESP_NONE;
	c->kind = RK_NONE;
	c->chunked = c->overflow = c->bad_framing = c->close_after = 0;
	memset(&c->ch, 0, sizeof c->ch);
	c->ctype[0] = c->cenc[0] = c->compression[0] = '\0';
}

static int
http_request(struct conn *c, const char *uri)
{
	const struct route	*r;
	char			 te[64], clen[32], arg[64];
	const char		*v;
	int			 post;
	long long		 n;

	http_reset(c);
	snprintf(c->path, sizeof c->path, "%s", uri);
	post = lws_hdr_total_length(c->wsi, WSI_TOKEN_POST_URI) > 0;
	r = route_find(c->path);
	if (r == NULL) {
		count(c->ws, TT_CTR_REJ_ROUTE, 1);
		http_respond(c, 404, "application/json", error_json(0,
		    "no such route; see design.md for the endpoints"));
		c->close_after = post;
		return 0;
	}
	if (r->method != BOTH && r->method != post) {
		count(c->ws, TT_CTR_REJ_ROUTE, 1);
		http_respond(c, 405, "application/json", error_json(0,
		    r->method == POST ? "this route takes POST" :
		    "this route takes GET"));
		c->close_after = post;
		return 0;
	}
	c->kind = r->kind;
	if (!post && (r->kind == RK_OPTOUT || r->kind == RK_DEVTRON_OPTOUT ||
	    r->kind == RK_DEVTRON_INFO)) {
		optout_get(c);
		return 0;
	}
	if (r->kind == RK_HEALTHZ) {
		http_respond(c, 200, "text/plain", xstrdup("ok\n"));
		return 0;
	}
	if (r->kind == RK_METRICS) {
		http_respond(c, 200, "text/plain; version=0.0.4",
		    metrics_text(c->ws));
		return 0;
	}
	hdr(c->wsi, WSI_TOKEN_HTTP_CONTENT_TYPE, c->ctype, sizeof c->ctype);
	hdr(c->wsi, WSI_TOKEN_HTTP_CONTENT_ENCODING, c->cenc, sizeof c->cenc);
	hdr(c->wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING, te, sizeof te);
	hdr(c->wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH, clen, sizeof clen);
	if ((v = lws_get_urlarg_by_name(c->wsi, "compression=", arg,
	    sizeof arg)) != NULL)
		snprintf(c->compression, sizeof c->compression, "%s", v);
	c->chunked = strstr(te, "chunked") != NULL;
	buf_init(&c->body, c->ws->cfg.request_max);
	n = clen[0] != '\0' ? atoll(clen) : 0;
	if (!c->chunked && n > (long long)c->ws->cfg.request_max)
		c->overflow = 1;
	if (!c->chunked && n == 0)
		http_body_done(c);	/* no body will come */
	return 0;
}

static void
http_body(struct conn *c, const uint8_t *p, size_t len)
{
	int	rc;

	count(c->ws, TT_CTR_BYTES, (int64_t)len);
	if (c->resp != RESP_NONE)
		return;		/* answered already (route error) */
	if (!c->chunked) {
		if (!c->overflow && buf_append(&c->body, p, len) != 0)
			c->overflow = 1;
		return;
	}
	rc = chunked_feed(&c->ch, p, len, &c->body, &c->overflow);
	if (rc < 0) {
		c->bad_framing = 1;
		http_body_done(c);
	} else if (rc == 1) {
		/* lws cannot keep a chunked request's connection in step */
		c->close_after = 1;
		http_body_done(c);
	}
}

static int
http_writeable(struct conn *c)
{
	unsigned char	 hbuf[LWS_PRE + 1024], *start = hbuf + LWS_PRE;
	unsigned char	*p = start, *end = hbuf + sizeof hbuf - 1;
	unsigned char	*out;
	size_t		 blen;

	switch (c->resp) {
	case RESP_HEADERS:
		blen = c->resp_body != NULL ? strlen(c->resp_body) : 0;
		if (lws_add_http_common_headers(c->wsi, (unsigned)c->status,
		    c->resp_ctype, blen, &p, end))
			return -1;
		if (c->close_after && lws_add_http_header_by_token(c->wsi,
		    WSI_TOKEN_CONNECTION, (const unsigned char *)"close", 5,
		    &p, end))
			return -1;
		if (lws_finalize_write_http_header(c->wsi, start, &p, end))
			return -1;
		if (blen > 0) {
			c->resp = RESP_BODY;
			lws_callback_on_writable(c->wsi);
			return 0;
		}
		break;
	case RESP_BODY:
		blen = strlen(c->resp_body);
		out = xmalloc(LWS_PRE + blen);
		memcpy(out + LWS_PRE, c->resp_body, blen);
		if (lws_write(c->wsi, out + LWS_PRE, blen,
		    LWS_WRITE_HTTP_FINAL) != (int)blen) {
			free(out);
			return -1;
		}
		free(out);
		break;
	default:
		return 0;
	}
	c->resp = RESP_NONE;
	if (c->close_after)
		return -1;
	if (lws_http_transaction_completed(c->wsi))
		return -1;
	return 0;
}

/* ---- WebSocket ---- */

static void
ws_reply_push(struct conn *c, uint64_t ticket, char *text)
{
	struct reply	*r = xcalloc(1, sizeof *r);

	r->ticket = ticket;
	r->done = ticket == 0;
	r->text = text;
	if (c->rtail != NULL)
		c->rtail->next = r;
	else
		c->rhead = r;
	c->rtail = r;
	c->nreplies++;
	if (ticket != 0)
		wait_add(c);
	if (c->nreplies >= REPLY_QUEUE_MAX && !c->rx_paused) {
		lws_rx_flow_control(c->wsi, 0);
		c->rx_paused = 1;
	}
	if (c->rhead->done)
		lws_callback_on_writable(c->wsi);
}

/* A whole WebSocket message is here. */
static void
ws_message(struct conn *c)
{
	struct outcome	 o;
	char		 msg[160];
	struct reply	*r;

	if (c->msg_bad) {
		count(c->ws, TT_CTR_RECEIVED, 1);
		if (c->msg_bad == 1) {
			count(c->ws, TT_CTR_REJ_MALFORMED, 1);
			ws_reply_push(c, 0, error_json(1, "binary frames are "
			    "not accepted: send JSON as text frames"));
		} else {
			count(c->ws, TT_CTR_REJ_TOO_LARGE, 1);
			snprintf(msg, sizeof msg, "message exceeds the limit "
			    "of %zu bytes", c->ws->cfg.request_max);
			ws_reply_push(c, 0, error_json(1, msg));
		}
		return;
	}
	memset(&o, 0, sizeof o);
	ingest(c->ws, c, RK_EVENTS, "/ws", NULL, c->msg.p, c->msg.len, &o);
	if (o.status != 0) {
		count(c->ws, TT_CTR_RECEIVED, 1);
		count(c->ws, o.reason, 1);
		ws_reply_push(c, 0, error_json(1, o.error));
		free(o.error);
		return;
	}
	ws_reply_push(c, o.ticket, NULL);
	r = c->rtail;
	r->accepted = o.accepted;
	r->dropped = o.dropped;
	r->rejected = o.rejected;
	r->error = o.first_error;
}

static void
ws_receive(struct conn *c, const uint8_t *p, size_t len)
{
	if (lws_is_first_fragment(c->wsi)) {
		buf_reset(&c->msg);
		c->msg_bad = lws_frame_is_binary(c->wsi) ? 1 : 0;
	}
	count(c->ws, TT_CTR_BYTES, (int64_t)len);
	if (!c->msg_bad && buf_append(&c->msg, p, len) != 0)
		c->msg_bad = 2;
	if (lws_is_final_fragment(c->wsi) &&
	    lws_remaining_packet_payload(c->wsi) == 0) {
		ws_message(c);
		buf_reset(&c->msg);
		if (c->msg.cap > 1024 * 1024)
			buf_free(&c->msg);
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
		free(r);
	}
	c->rhead = c->rtail = NULL;
	buf_free(&c->msg);
	hmap_clear(&c->seen, NULL);
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
	char		 key[2 * 256 + 2], *q, *r;
	int		 n = 0;

	if (tt_source_parse(source, &src) != 0)
		return;		/* no sender can have sent it */
	if (client != NULL)
		n = snprintf(key, sizeof key, "%s\x1f%s", source, client);
	q = json_quote(source);
	r = client != NULL ? json_quote(client) : xstrdup("null");
	for (c = ws->senders; c != NULL; c = c->snext) {
		if ((c->sources_seen & (1u << src)) == 0)
			continue;
		if (client != NULL && (n <= 0 || (size_t)n >= sizeof key ||
		    hmap_get(&c->seen, key, (size_t)n) == NULL))
			continue;
		ws_reply_push(c, 0, xasprintf("{\"type\":\"optout\","
		    "\"source\":%s,\"client\":%s,\"enabled\":%s}", q, r,
		    enabled ? "true" : "false"));
	}
	free(q);
	free(r);
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
ws_committed(struct ws *ws, uint64_t first, uint64_t last,
    enum tt_commit how)
{
	struct conn	*c, *next;
	struct reply	*r;
	int		 pending, ok = how == TT_COMMIT_OK;

	for (c = ws->waiting; c != NULL; c = next) {
		next = c->wnext;
		if (!c->is_ws) {
			if (c->resp != RESP_WAIT || c->ticket == 0 ||
			    c->ticket < first || c->ticket > last)
				continue;
			wait_remove(c);
			if (ok) {
				count(ws, TT_CTR_ACCEPTED,
				    (int64_t)c->accepted);
				http_success(c);
			} else {
				count(ws, TT_CTR_REJ_STORE,
				    (int64_t)c->accepted);
				http_respond(c, how == TT_COMMIT_DISK_FULL ?
				    507 : 503, "application/json",
				    error_json(0, commit_error(how)));
			}
			continue;
		}
		pending = 0;
		for (r = c->rhead; r != NULL; r = r->next) {
			if (r->done)
				continue;
			if (r->ticket < first || r->ticket > last) {
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
				count(ws, TT_CTR_REJ_STORE,
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
	struct conn	*c;

	for (c = ws->waiting; c != NULL; c = c->wnext) {
		if (c->is_ws || c->resp != RESP_WAIT || c->optout_op != op)
			continue;
		wait_remove(c);
		if (rc == 0) {
			http_respond(c, 200, "application/json",
			    c->optout_reply);
			c->optout_reply = NULL;
		} else
			http_respond(c, 503, "application/json", error_json(0,
			    why != NULL ? why : "the registry could not be "
			    "written"));
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

/* ---- the lws callback ---- */

static int
callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct conn	*c = user;
	struct ws	*ws = lws_context_user(lws_get_context(wsi));
	char		 uri[128];

	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		if (ws != NULL)
			run_posted(ws);
		return 0;
	case LWS_CALLBACK_HTTP_BIND_PROTOCOL:
		if (c != NULL && c->ws == NULL) {
			c->ws = ws;
			c->wsi = wsi;
			ws->connections++;
		}
		break;
	case LWS_CALLBACK_HTTP:
		c->ws = ws;
		c->wsi = wsi;
		return http_request(c, (const char *)in);
	case LWS_CALLBACK_HTTP_BODY:
		http_body(c, in, len);
		return 0;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (!c->chunked && c->resp == RESP_NONE)
			http_body_done(c);
		return 0;
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return http_writeable(c);
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
	case LWS_CALLBACK_CLOSED_HTTP:
		if (c != NULL && c->ws != NULL && !c->is_ws) {
			http_reset(c);
			ws->connections--;
			c->ws = NULL;
		}
		break;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) < 0 ||
		    (strcmp(uri, "/ws") != 0 && strcmp(uri, "/ws/") != 0))
			return -1;
		break;
	case LWS_CALLBACK_ESTABLISHED:
		/* The upgraded HTTP transaction is never dropped. */
		if (c->ws != NULL && !c->is_ws) {
			http_reset(c);
			ws->connections--;
		}
		memset(c, 0, sizeof *c);
		c->ws = ws;
		c->wsi = wsi;
		c->is_ws = 1;
		buf_init(&c->msg, ws->cfg.request_max);
		hmap_init(&c->seen);
		c->snext = ws->senders;
		if (ws->senders != NULL)
			ws->senders->sprev = c;
		ws->senders = c;
		ws->connections++;
		break;
	case LWS_CALLBACK_RECEIVE:
		ws_receive(c, in, len);
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return ws_writeable(c);
	case LWS_CALLBACK_CLOSED:
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

static const struct lws_protocols protocols[] = {
	{ WS_PROTOCOL, callback, sizeof(struct conn), 65536, 0, NULL, 0 },
	{ "teltop-fd", fd_callback, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* ---- context ---- */

static struct ws	*log_ws;

static void
lws_log_emit(int level, const char *line)
{
	char	buf[512];
	size_t	n;

	(void)level;
	if (log_ws == NULL)
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

	*cause = NULL;
	ws = xcalloc(1, sizeof *ws);
	ws->cfg = *cfg;
	pthread_mutex_init(&ws->post_lock, NULL);
	log_ws = ws;
	lws_set_log_level(LLL_ERR, lws_log_emit);
	memset(&info, 0, sizeof info);
	info.port = cfg->port;
	info.iface = cfg->host;
	info.protocols = protocols;
	info.user = ws;
	info.options = LWS_SERVER_OPTION_DISABLE_IPV6 * (strchr(cfg->host,
	    ':') == NULL) | LWS_SERVER_OPTION_VALIDATE_UTF8;
	info.keepalive_timeout = 60;
	info.timeout_secs = 30;
	info.max_http_header_data = 4096;
	info.pt_serv_buf_size = 65536;
	ws->ctx = lws_create_context(&info);
	if (ws->ctx == NULL) {
		*cause = xasprintf("cannot listen on %s:%d (address in use, "
		    "or not an address of this machine?)", cfg->host,
		    cfg->port);
		free(ws);
		log_ws = NULL;
		return NULL;
	}
	ws->vh = lws_get_vhost_by_name(ws->ctx, "default");
	return ws;
}

void
ws_destroy(struct ws *ws)
{
	struct posted	*p, *next;

	if (ws == NULL)
		return;
	lws_sul_cancel(&ws->flush_sul);
	lws_context_destroy(ws->ctx);
	if (log_ws == ws)
		log_ws = NULL;
	/* Too late to run: whoever posted must be stopped by now. */
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

int
ws_connections(const struct ws *ws)
{
	return ws->connections;
}
