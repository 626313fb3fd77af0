/*
 * OTLP over gRPC: a second listener (127.0.0.1:4317 by default) that
 * speaks HTTP/2 with prior knowledge (h2c), on the same lws context and
 * loop as everything else.  It serves the unary Export of
 * opentelemetry.proto.collector.{trace,logs,metrics}.v1's services: one
 * length-prefixed message (the 5-byte gRPC prefix; gzip when its flag says
 * so), decoded as /v1/traces, /v1/logs and /v1/metrics bodies are, then
 * answered after the commit with an empty Export*ServiceResponse and the
 * grpc-status trailer: 0 once committed, 3 INVALID_ARGUMENT for a message
 * that does not decode, 8 RESOURCE_EXHAUSTED over the limits, 12
 * UNIMPLEMENTED for another method, 14 UNAVAILABLE when the store cannot
 * commit.
 *
 * lws 4.1 does not tell an h2 server when a request body ends, so the
 * message is complete when the bytes its prefix announced are in.  Each
 * HTTP/2 stream is its own wsi with its own gstream; a stream waiting for
 * its decode or commit is on ws->gwaiting, found again by job id or ticket
 * (a stream that closes first is simply no longer there).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "core/decode.h"
#include "core/xmalloc.h"
#include "body.h"
#include "ws_int.h"

#define GRPC_PREFIX	5	/* compressed flag, 4-byte length */

/* gRPC status codes used here. */
enum {
	GS_OK = 0, GS_INVALID_ARGUMENT = 3, GS_RESOURCE_EXHAUSTED = 8,
	GS_UNIMPLEMENTED = 12, GS_UNAVAILABLE = 14
};

static const struct {
	const char	*path;
	enum tt_route	 route;
} methods[] = {
	{ "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
	  TT_ROUTE_OTLP_TRACES },
	{ "/opentelemetry.proto.collector.logs.v1.LogsService/Export",
	  TT_ROUTE_OTLP_LOGS },
	{ "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
	  TT_ROUTE_OTLP_METRICS },
};

enum gstate {
	G_READ,		/* reading the message */
	G_WAIT,		/* decoding or committing */
	G_HEADERS,	/* the reply's headers go out next */
	G_DATA,		/* then its message (status 0 only) */
	G_TRAILERS,	/* then grpc-status */
	G_DONE
};

struct gstream {
	struct ws	*ws;
	struct lws	*wsi;
	struct gstream	*wnext, *wprev;	/* on ws->gwaiting */
	int		 waiting;
	enum gstate	 state;
	const char	*path;		/* a methods[] path, or NULL */
	enum tt_route	 route;
	struct tt_buf	 body;
	size_t		 need;		/* prefix + message; 0: not known */
	size_t		 reserved;	/* of ws->buffered */
	uint64_t	 job;
	uint64_t	 ticket;
	size_t		 accepted;
	int		 status;
	char		 message[160];
	char		 peer[64];
	char		 asked[128];	/* the path asked for */
};

static void
wait_add(struct gstream *g)
{
	if (g->waiting)
		return;
	g->wprev = NULL;
	g->wnext = g->ws->gwaiting;
	if (g->wnext != NULL)
		g->wnext->wprev = g;
	g->ws->gwaiting = g;
	g->waiting = 1;
}

static void
wait_remove(struct gstream *g)
{
	if (!g->waiting)
		return;
	if (g->wprev != NULL)
		g->wprev->wnext = g->wnext;
	else
		g->ws->gwaiting = g->wnext;
	if (g->wnext != NULL)
		g->wnext->wprev = g->wprev;
	g->waiting = 0;
}

/* Let the stream's bytes go from the budget, and its buffer. */
static void
release(struct gstream *g)
{
	g->ws->buffered -= g->reserved;
	g->reserved = 0;
	buf_free(&g->body);
}

/* Answer with status (and a message for a refusal). */
static void
answer(struct gstream *g, int status, const char *message)
{
	g->status = status;
	snprintf(g->message, sizeof g->message, "%s", message != NULL ?
	    message : "");
	g->state = G_HEADERS;
	wait_remove(g);
	lws_callback_on_writable(g->wsi);
}

/* Refuse the stream: counted and logged as refusals are, then answered. */
static void
refuse(struct gstream *g, int status, enum tt_counter reason,
    const char *why, int64_t n)
{
	struct ws_refuse	r;

	memset(&r, 0, sizeof r);
	r.peer = g->peer;
	r.method = "gRPC";
	r.route = g->path != NULL ? g->path : g->asked;
	r.status = status;
	r.reason = reason;
	r.n = n;
	r.why = why;
	r.head = g->body.p;
	r.head_len = g->body.len;
	/* received as a request, as http_refuse() counts one */
	count(g->ws, TT_CTR_RECEIVED, n);
	ws_refused(g->ws, &r);
	release(g);
	answer(g, status, why);
}

/* The decode of a stream's message is done (on the service thread). */
static void
grpc_job_done(struct decode_job *j)
{
	struct ws	*ws = j->ws;
	struct gstream	*g;

	for (g = ws->gwaiting; g != NULL; g = g->wnext)
		if (g->job == j->id)
			break;
	if (g == NULL) {	/* the stream went away */
		decode_job_free(j);
		return;
	}
	g->job = 0;
	if (j->status != 0) {
		/* logged and kept with the gRPC status answered */
		j->status = j->status == 413 ? GS_RESOURCE_EXHAUSTED :
		    GS_INVALID_ARGUMENT;
		ws_job_refused(j, g->peer, "gRPC", g->path);
		answer(g, j->status, j->error);
		decode_job_free(j);
		return;
	}
	g->ticket = ws_job_submit(j, g->path, &g->accepted);
	decode_job_free(j);
}

/* The message is in: decode it as its route's protobuf body. */
static void
message_in(struct gstream *g)
{
	struct ws		*ws = g->ws;
	struct decode_job	*j;
	struct tt_buf		 msg;
	int			 compressed = g->body.p[0] != 0;

	/* the message without its prefix, moved into the job */
	buf_init(&msg, ws->cfg.request_max);
	if (buf_append(&msg, g->body.p + GRPC_PREFIX, g->need -
	    GRPC_PREFIX) != 0) {
		buf_free(&msg);
		refuse(g, GS_RESOURCE_EXHAUSTED, TT_CTR_REJ_TOO_LARGE,
		    "message exceeds the limit", 1);
		return;
	}
	j = ws_job_new(ws, g->route, &msg);
	j->reserved = g->reserved;	/* the job gives the bytes back */
	g->reserved = 0;
	buf_free(&g->body);
	snprintf(j->ctype, sizeof j->ctype, "application/x-protobuf");
	if (compressed)
		snprintf(j->cenc, sizeof j->cenc, "gzip");
	j->done = grpc_job_done;
	g->job = j->id;
	g->state = G_WAIT;
	wait_add(g);
	ws_job_start(ws, j);
}

/* Bytes of the request: the prefix tells how many make the message. */
static void
body_in(struct gstream *g, const uint8_t *p, size_t n)
{
	struct ws	*ws = g->ws;
	const uint8_t	*b;
	size_t		 len;
	char		 why[160];

	if (g->state != G_READ)
		return;		/* a second message: unary calls have one */
	if (budget_used(ws) + n > ws->cfg.buffered_max) {
		refuse(g, GS_RESOURCE_EXHAUSTED, TT_CTR_REJ_BUSY, "too many "
		    "request bytes held at once: retry shortly", 1);
		return;
	}
	if (buf_append(&g->body, p, n) != 0) {
		snprintf(why, sizeof why, "message exceeds the limit of %zu "
		    "bytes", ws->cfg.request_max);
		refuse(g, GS_RESOURCE_EXHAUSTED, TT_CTR_REJ_TOO_LARGE, why, 1);
		return;
	}
	ws->buffered += n;
	g->reserved += n;
	if (g->need == 0 && g->body.len >= GRPC_PREFIX) {
		b = g->body.p;
		len = (size_t)b[1] << 24 | (size_t)b[2] << 16 |
		    (size_t)b[3] << 8 | b[4];
		if (b[0] > 1) {
			refuse(g, GS_INVALID_ARGUMENT, TT_CTR_REJ_MALFORMED,
			    "not a gRPC message: bad compressed flag", 1);
			return;
		}
		if (len > ws->cfg.request_max) {
			snprintf(why, sizeof why, "message of %zu bytes "
			    "exceeds the limit of %zu bytes", len,
			    ws->cfg.request_max);
			refuse(g, GS_RESOURCE_EXHAUSTED, TT_CTR_REJ_TOO_LARGE,
			    why, 1);
			return;
		}
		g->need = GRPC_PREFIX + len;
	}
	if (g->need != 0 && g->body.len >= g->need)
		message_in(g);
}

/* Commits done: the streams waiting for tickets first..last answer. */
void
grpc_committed(struct ws *ws, uint64_t first, uint64_t last,
    enum tt_commit how)
{
	struct gstream	*g, *next;

	for (g = ws->gwaiting; g != NULL; g = next) {
		next = g->wnext;
		if (g->ticket == 0 || g->ticket < first || g->ticket > last)
			continue;
		g->ticket = 0;
		if (how == TT_COMMIT_OK) {
			count(ws, TT_CTR_ACCEPTED, (int64_t)g->accepted);
			answer(g, GS_OK, NULL);
		} else {
			ws_commit_refused(ws, "gRPC", g->path, how,
			    (int64_t)g->accepted);
			answer(g, GS_UNAVAILABLE, "the database could not "
			    "commit the events; retry");
		}
	}
}

/* grpc-message is percent-encoded: '%' and bytes outside ' '..'~'. */
static void
percent(const char *s, char *out, size_t len)
{
	static const char	 hexd[] = "0123456789ABCDEF";
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 o = 0;

	for (; *p != '\0' && o + 4 < len; p++) {
		if (*p >= 0x20 && *p <= 0x7e && *p != '%')
			out[o++] = (char)*p;
		else {
			out[o++] = '%';
			out[o++] = hexd[*p >> 4];
			out[o++] = hexd[*p & 15];
		}
	}
	out[o] = '\0';
}

#define HDR(wsi, n, v, p, end) \
	lws_add_http_header_by_name(wsi, (const unsigned char *)(n), \
	    (const unsigned char *)(v), (int)strlen(v), p, end)

/* The next piece of the reply; -1 to drop the stream. */
static int
write_reply(struct gstream *g)
{
	uint8_t		 buf[LWS_PRE + 512], *start = buf + LWS_PRE, *p = start;
	uint8_t		*end = buf + sizeof buf - 1;
	char		 code[8], msg[400];

	switch (g->state) {
	case G_HEADERS:
		if (lws_add_http_header_status(g->wsi, 200, &p, end) ||
		    HDR(g->wsi, "content-type", "application/grpc", &p, end) ||
		    lws_finalize_write_http_header(g->wsi, start, &p, end))
			return -1;
		g->state = g->status == GS_OK ? G_DATA : G_TRAILERS;
		break;
	case G_DATA:
		/* an empty Export*ServiceResponse */
		memset(start, 0, GRPC_PREFIX);
		if (lws_write(g->wsi, start, GRPC_PREFIX, LWS_WRITE_HTTP) !=
		    GRPC_PREFIX)
			return -1;
		g->state = G_TRAILERS;
		break;
	case G_TRAILERS:
		snprintf(code, sizeof code, "%d", g->status);
		percent(g->message, msg, sizeof msg);
		if (HDR(g->wsi, "grpc-status", code, &p, end) ||
		    (msg[0] != '\0' && HDR(g->wsi, "grpc-message", msg, &p,
		    end)))
			return -1;
		/* trailers: a HEADERS frame that ends the stream */
		if (lws_write(g->wsi, start, (size_t)(p - start),
		    LWS_WRITE_HTTP_HEADERS | LWS_WRITE_H2_STREAM_END) < 0)
			return -1;
		g->state = G_DONE;
		return lws_http_transaction_completed(g->wsi) ? -1 : 0;
	default:
		return 0;
	}
	lws_callback_on_writable(g->wsi);
	return 0;
}

static int
grpc_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct gstream	*g = user;
	struct ws	*ws = lws_context_user(lws_get_context(wsi));
	size_t		 i;

	/* the h2 network connection itself has no stream */
	if (g == NULL)
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_HTTP:
		memset(g, 0, sizeof *g);
		g->ws = ws;
		g->wsi = wsi;
		buf_init(&g->body, GRPC_PREFIX + ws->cfg.request_max);
		lws_get_peer_simple(wsi, g->peer, sizeof g->peer);
		snprintf(g->asked, sizeof g->asked, "%s", (const char *)in);
		for (i = 0; i < sizeof methods / sizeof methods[0]; i++)
			if (strcmp((const char *)in, methods[i].path) == 0) {
				g->path = methods[i].path;
				g->route = methods[i].route;
			}
		if (g->path == NULL) {
			refuse(g, GS_UNIMPLEMENTED, TT_CTR_REJ_ROUTE, "teltop "
			    "serves OTLP's TraceService, LogsService and "
			    "MetricsService Export only", 1);
		}
		return 0;
	case LWS_CALLBACK_HTTP_BODY:
		body_in(g, in, len);
		return 0;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (g->state == G_READ)
			refuse(g, GS_INVALID_ARGUMENT, TT_CTR_REJ_MALFORMED,
			    "the request ended before its message", 1);
		return 0;
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return write_reply(g);
	case LWS_CALLBACK_CLOSED_HTTP:
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
		if (g->ws != NULL) {
			wait_remove(g);
			release(g);
			g->ws = NULL;
		}
		return 0;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static struct lws_protocols grpc_protocols[] = {
	{ "teltop-grpc", grpc_callback, sizeof(struct gstream), 0, 0, NULL,
	  0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

int
grpc_listen(struct ws *ws, const char *host, int port, char **cause)
{
	struct lws_context_creation_info	info;

	memset(&info, 0, sizeof info);
	info.vhost_name = "grpc";
	info.port = port;
	info.iface = host;
	info.protocols = grpc_protocols;
	info.options = LWS_SERVER_OPTION_H2_PRIOR_KNOWLEDGE |
	    (strchr(host, ':') != NULL ? 0 : LWS_SERVER_OPTION_DISABLE_IPV6);
	info.user = ws;
	if ((ws->grpc_vh = lws_create_vhost(ws->ctx, &info)) == NULL ||
	    lws_get_vhost_listen_port(ws->grpc_vh) <= 0) {
		if (ws->grpc_vh != NULL)
			lws_vhost_destroy(ws->grpc_vh);
		ws->grpc_vh = NULL;
		*cause = xasprintf("cannot listen for OTLP gRPC on %s:%d "
		    "(address in use?)", host, port);
		return -1;
	}
	return 0;
}

int
ws_grpc_port(const struct ws *ws)
{
	return ws->grpc_vh != NULL ? lws_get_vhost_listen_port(ws->grpc_vh) :
	    0;
}
