/*
 * HTTP/1.1 connections: the listener hands every accepted socket to lws's
 * raw role, and the bytes are parsed by h1.c, not by lws's own HTTP
 * server: lws 4.1.6 passes a pipelined request's header bytes to the body
 * callback and then loops, leaves chunked request bodies undecoded, and
 * closes a connection whose peer half-closed before its reply is written.
 *
 * What stays true:
 * - One request at a time per connection.  Once a request is complete the
 *   parser pauses and reading stops (lws rx flow control) until its reply
 *   is written; bytes already received wait in c->rest.  So pipelined
 *   requests are answered in order, and a peer that half-closed after its
 *   request still gets the reply: the end of its stream is read only
 *   after.
 * - Every buffer has a bound: the request target and the header section
 *   (h1.c), the body (413, and the collector-wide budget ws->buffered:
 *   503), the bytes waiting in c->rest.
 * - A connection closed after an error reply is shut down for writing
 *   first and drained, so the reply is not lost to a reset.
 *
 * A WebSocket upgrade as a connection's first request is handed, with the
 * bytes read so far, to the WebSocket vhost (lws does the rest there).
 *
 * All of this runs on the lws service thread.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xmalloc.h"
#include "ws_int.h"

#define REST_MAX	(256 * 1024)	/* bytes received ahead of parsing */
#define WRITE_CHUNK	65536
#define DRAIN_SECS	2
#define WIRE_MAX	(1024 * 1024)	/* bytes queued for the socket */

static int	on_headers(void *, struct h1_req *);
static int	on_body(void *, const uint8_t *, size_t);

static const struct h1_ops ops = { on_headers, on_body };

/* ---- the current request ---- */

/* Forget the current request (its body and budget share). */
static void
req_done(struct hconn *c)
{
	buf_free(&c->body);
	if (c->reserved > 0) {
		c->ws->buffered -= c->reserved;
		c->reserved = 0;
	}
	buf_free(&c->fwd_body);
	if (c->fwd_reserved > 0) {
		c->ws->buffered -= c->fwd_reserved;
		c->fwd_reserved = 0;
	}
	free(c->cap_meta);
	c->cap_meta = NULL;
}

static int
on_headers(void *arg, struct h1_req *r)
{
	struct hconn	*c = arg;

	c->req = r;
	c->nreq++;
	if (c->nreq > 1 && c->first.max > 0) {
		buf_free(&c->first);
		c->first.max = 0;
	}
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, HTTP_READ_SECS);
	if (route_headers(c) == 0)
		return H1_BODY;
	return c->close_after ? H1_STOP : H1_DISCARD;
}

static int
on_body(void *arg, const uint8_t *p, size_t n)
{
	struct hconn	*c = arg;
	struct ws	*ws = c->ws;
	char		 msg[160];
	size_t		 grow;

	count(ws, TT_CTR_BYTES, (int64_t)n);
	if (c->body.len + n > c->body.max) {
		snprintf(msg, sizeof msg, "request body exceeds the limit of "
		    "%zu bytes", c->body.max);
		c->close_after = 1;
		http_refuse(c, 413, TT_CTR_REJ_TOO_LARGE, msg, NULL, NULL);
		return H1_STOP;
	}
	/* Bodies without a length take from the budget as they grow. */
	if (c->body.len + n > c->reserved) {
		grow = c->body.len + n - c->reserved;
		if (budget_used(ws) + grow > ws->cfg.buffered_max) {
			c->close_after = 1;
			http_refuse(c, 503, TT_CTR_REJ_BUSY, "too many request "
			    "bytes held at once: retry shortly", NULL,
			    "Retry-After: 1\r\n");
			return H1_STOP;
		}
		ws->buffered += grow;
		c->reserved += grow;
	}
	(void)buf_append(&c->body, p, n);
	return 0;
}

/* ---- reading ---- */

static void
rx_pause(struct hconn *c, int pause)
{
	if (c->paused_rx == pause)
		return;
	c->paused_rx = pause;
	lws_rx_flow_control(c->wsi, !pause);
}

void
http_rx_pause(struct hconn *c, int pause)
{
	rx_pause(c, pause);
}

/* Write the queued reply. */
static void
start_write(struct hconn *c)
{
	/*
	 * Nothing more is read until the reply is out: a peer that closed its
	 * side must not be seen to close (lws would drop us) before that.
	 */
	rx_pause(c, 1);
	if (c->close_after)
		buf_free(&c->rest);
	c->state = HS_WRITE;
	http_wait_remove(c);
	/* a peer that never reads its reply does not keep it forever */
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, HTTP_READ_SECS);
	lws_callback_on_writable(c->wsi);
}

/* Refuse what the parser could not read, then close. */
static void
refuse(struct hconn *c, const struct h1_error *e)
{
	c->close_after = 1;
	http_refuse(c, e->status, TT_CTR_REJ_MALFORMED, e->why, NULL, NULL);
}

/* Hand the connection to the WebSocket vhost: lws takes it from here. */
static int
hand_over(struct hconn *c)
{
	lws_sockfd_type	 fd = lws_get_socket_fd(c->wsi), nfd;

	if (c->nreq != 0 || c->first.len == 0) {
		c->close_after = 1;
		http_reply(c, 400, "application/json", error_json(0,
		    "a WebSocket upgrade must be the first request on its "
		    "connection"), NULL);
		start_write(c);
		return 0;
	}
	if ((nfd = dup(fd)) < 0) {
		wlog(c->ws, "%s: cannot take over the connection: %s",
		    c->peer, strerror(errno));
		return -1;
	}
	/*
	 * The raw wsi's close closes its descriptor only (the raw role does
	 * not shut the socket down): nfd keeps the connection.
	 */
	if (lws_adopt_socket_vhost_readbuf(c->ws->ws_vh, nfd,
	    (const char *)c->first.p, c->first.len) == NULL)
		wlog(c->ws, "%s: WebSocket hand-over failed", c->peer);
	return -1;
}

/*
 * Parse what we have, one request at a time.  -1: close the connection
 * now.
 */
static int
http_parse(struct hconn *c, const uint8_t *p, size_t n)
{
	struct h1_error	 err;
	size_t		 used;

	if (c->first.max > 0 && buf_append(&c->first, p, n) != 0) {
		buf_free(&c->first);	/* too long for a hand-over anyway */
		c->first.max = 0;
	}
	switch (h1_feed(c->h1, p, n, &used, &err)) {
	case H1_MORE:
		return 0;
	case H1_UPGRADE:
		c->req = h1_request(c->h1);
		if (c->req->method == H1_CONNECT) {
			c->nreq++;
			return proxy_connect(c, p + used, n - used);
		}
		if (route_upgrade(c))
			return hand_over(c);
		start_write(c);
		return 0;
	case H1_DONE:
		/* A whole request: keep what follows it for later. */
		buf_reset(&c->rest);
		if (used < n && buf_append(&c->rest, p + used, n - used) != 0)
			return -1;
		c->state = HS_BUSY;
		rx_pause(c, 1);
		lws_set_timeout(c->wsi, NO_PENDING_TIMEOUT, 0);
		if (!c->has_reply)
			route_request(c);	/* may reply now or later */
		if (c->has_reply && c->state == HS_BUSY)
			start_write(c);
		return 0;
	case H1_STOPPED:
		break;		/* a callback queued the reply */
	case H1_ERROR:
		if (!c->has_reply)
			refuse(c, &err);
		break;
	}
	c->close_after = 1;
	start_write(c);
	return 0;
}

/* ---- TLS inside an intercepted CONNECT ---- */

/*
 * Decrypt what the session holds and parse it, while the connection
 * reads requests; send what the session wants sent (handshake, alerts).
 * -1: close now.
 */
static int
tls_pump(struct hconn *c)
{
	uint8_t		 buf[16384];
	const char	*why = NULL;
	ssize_t		 n;

	while (c->state == HS_READ && c->tls != NULL) {
		n = tls_read(c->tls, buf, sizeof buf, &why);
		if (n == 0)
			break;
		if (n == TLS_EOF)
			return -1;
		if (n < 0) {
			wlog(c->ws, "%s: TLS for %s: %s", c->peer,
			    c->cap != NULL ? c->cap->name : "?", why);
			(void)http_send(c, NULL, 0);	/* the alert */
			return -1;
		}
		if (http_parse(c, buf, (size_t)n) != 0)
			return -1;
	}
	if (c->tls != NULL && tls_pending(c->tls) > 0)
		return http_send(c, NULL, 0);
	return 0;
}

/* Ciphertext from the peer: keep it (bounded), read it when we may. */
static int
tls_rx(struct hconn *c, const uint8_t *p, size_t n)
{
	if (tls_buffered(c->tls) + n > REST_MAX) {
		wlog(c->ws, "%s: more than %d TLS bytes ahead of their "
		    "requests", c->peer, REST_MAX);
		return -1;
	}
	tls_feed(c->tls, p, n);
	if (c->state != HS_READ)
		return 0;
	return tls_pump(c);
}

int
http_restart(struct hconn *c, SSL_CTX *ctx, const uint8_t *rest, size_t n)
{
	req_done(c);
	h1_free(c->h1);
	c->h1 = h1_new(&ops, c);
	c->req = NULL;
	c->nreq = 0;
	c->has_reply = 0;
	c->close_after = 0;
	c->state = HS_READ;
	buf_free(&c->first);
	c->first.max = 0;
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, HTTP_READ_SECS);
	if (ctx != NULL) {
		c->tls = tls_server(ctx);
		if (n > 0 && tls_rx(c, rest, n) != 0)
			return -1;
	} else if (n > 0 && http_parse(c, rest, n) != 0)
		return -1;
	if (c->state == HS_READ)
		rx_pause(c, 0);
	return 0;
}

/* The reply went out: go on with the next request, if any. */
static int
next_request(struct hconn *c)
{
	struct tt_buf	rest;

	route_forget(c);
	req_done(c);
	h1_next(c->h1);
	c->req = NULL;
	c->state = HS_READ;
	c->has_reply = 0;
	c->out_off = 0;
	buf_free(&c->out);
	if (c->first.max > 0) {
		buf_free(&c->first);
		c->first.max = 0;
	}
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, HTTP_IDLE_SECS);
	if (c->rest.len > 0) {
		rest = c->rest;
		buf_init(&c->rest, REST_MAX);
		if (http_parse(c, rest.p, rest.len) != 0) {
			buf_free(&rest);
			return -1;
		}
		buf_free(&rest);
	}
	if (c->state == HS_READ && c->tls != NULL && tls_pump(c) != 0)
		return -1;
	if (c->state == HS_READ)
		rx_pause(c, 0);
	return 0;
}

/* ---- writing ---- */

/* Queue a reply: the status line, head lines, the body. */
static void
queue_reply(struct hconn *c, int status, const char *ctype,
    const void *body, size_t blen, const char *extra)
{
	char	*head;
	int	 head_only = c->req != NULL && c->req->method == H1_HEAD;

	if (c->req == NULL || !c->req->keep_alive)
		c->close_after = 1;
	head = xasprintf("HTTP/1.1 %d %s\r\n%s%s%scontent-length: %zu\r\n"
	    "%s%s\r\n", status, h1_status_text(status),
	    ctype != NULL ? "content-type: " : "", ctype != NULL ? ctype : "",
	    ctype != NULL ? "\r\n" : "", blen, extra != NULL ? extra : "",
	    c->close_after ? "connection: close\r\n" : "");
	buf_free(&c->out);
	buf_init(&c->out, strlen(head) + blen + 1);
	(void)buf_append(&c->out, head, strlen(head));
	if (body != NULL && !head_only)
		(void)buf_append(&c->out, body, blen);
	free(head);
	c->out_off = 0;
	c->has_reply = 1;
	/* Written once the request is whole (not in the middle of a body). */
	if (c->state == HS_BUSY)
		start_write(c);
}

void
http_reply(struct hconn *c, int status, const char *ctype, char *body,
    const char *extra)
{
	if (!c->has_reply)	/* one reply per request */
		queue_reply(c, status, ctype, body, body != NULL ?
		    strlen(body) : 0, extra);
	free(body);
}

void
http_reply_bytes(struct hconn *c, int status, const char *extra,
    const void *body, size_t len)
{
	if (!c->has_reply)
		queue_reply(c, status, NULL, body, len, extra);
}

void
http_continue(struct hconn *c)
{
	static const char	msg[] = "HTTP/1.1 100 Continue\r\n\r\n";

	(void)http_send(c, msg, sizeof msg - 1);
}

int
sock_send(struct lws *wsi, const uint8_t *p, size_t len, size_t *off)
{
	lws_sockfd_type	 fd = lws_get_socket_fd(wsi);
	ssize_t		 n;

	while (*off < len) {
		n = send(fd, p + *off, len - *off > WRITE_CHUNK ? WRITE_CHUNK :
		    len - *off, MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		*off += (size_t)n;
	}
	if (*off < len) {
		lws_callback_on_writable(wsi);
		return 0;
	}
	return 1;
}

/* Send c->wire.  1: all sent; 0: more later; -1: gone. */
static int
wire_flush(struct hconn *c)
{
	int	rc = sock_send(c->wsi, c->wire.p, c->wire.len, &c->wire_off);

	if (rc == 1) {
		buf_reset(&c->wire);
		c->wire_off = 0;
	}
	return rc;
}

/* Move what the TLS session wants sent to c->wire. */
static int
tls_drain(struct hconn *c)
{
	uint8_t	buf[16384];
	size_t	n;

	while ((n = tls_take(c->tls, buf, sizeof buf)) > 0)
		if (buf_append(&c->wire, buf, n) != 0)
			return -1;
	return 0;
}

int
http_send(struct hconn *c, const void *p, size_t n)
{
	const char	*why;

	if (c->tls != NULL) {
		if (n > 0 && tls_write(c->tls, p, n, &why) != 0) {
			wlog(c->ws, "%s: TLS: %s", c->peer, why);
			return -1;
		}
		if (tls_drain(c) != 0)
			return -1;
	} else if (n > 0 && buf_append(&c->wire, p, n) != 0)
		return -1;
	return wire_flush(c) < 0 ? -1 : 0;
}

/* Bytes queued for the socket and not sent. */
static size_t
wire_pending(const struct hconn *c)
{
	return c->wire.len - c->wire_off;
}

void
http_close_soon(struct hconn *c)
{
	c->tunnel_eof = 1;
	lws_callback_on_writable(c->wsi);
}

/* Send what the socket takes.  1: all sent; 0: more later; -1: gone. */
static int
write_out(struct hconn *c)
{
	size_t		 left = c->out.len - c->out_off, k;
	int		 rc;

	if (c->tls != NULL) {
		/* encrypt a piece at a time: c->wire stays small */
		while ((rc = wire_flush(c)) == 1 && left > 0) {
			k = left > WRITE_CHUNK ? WRITE_CHUNK : left;
			if (http_send(c, c->out.p + c->out_off, k) != 0)
				return -1;
			c->out_off += k;
			left -= k;
		}
		return rc;
	}
	return sock_send(c->wsi, c->out.p, c->out.len, &c->out_off);
}

static int
writeable(struct hconn *c)
{
	int	rc;

	if (wire_pending(c) > 0 && (rc = wire_flush(c)) <= 0)
		return rc;
	if (c->state == HS_TUNNEL || c->tunnel_eof) {
		if (c->tunnel_eof)
			return -1;	/* all sent: close */
		proxy_client_drained(c);
		return 0;
	}
	if (c->state != HS_WRITE)
		return 0;
	if ((rc = write_out(c)) <= 0)
		return rc;
	if (!c->close_after)
		return next_request(c);
	if (c->tls != NULL && !c->tls_closed) {
		c->tls_closed = 1;
		tls_close(c->tls);
		if (http_send(c, NULL, 0) != 0)
			return -1;
		if (wire_pending(c) > 0)
			return 0;	/* back here once it is sent */
	}
	/* Let the peer read the reply before the socket goes: FIN, drain. */
	shutdown(lws_get_socket_fd(c->wsi), SHUT_WR);
	c->state = HS_CLOSING;
	rx_pause(c, 0);
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, DRAIN_SECS);
	return 0;
}

/* ---- the wait list ---- */

void
http_wait_add(struct hconn *c)
{
	if (c->on_wait_list)
		return;
	c->wprev = NULL;
	c->wnext = c->ws->hwaiting;
	if (c->wnext != NULL)
		c->wnext->wprev = c;
	c->ws->hwaiting = c;
	c->on_wait_list = 1;
}

void
http_wait_remove(struct hconn *c)
{
	if (!c->on_wait_list)
		return;
	if (c->wprev != NULL)
		c->wprev->wnext = c->wnext;
	else
		c->ws->hwaiting = c->wnext;
	if (c->wnext != NULL)
		c->wnext->wprev = c->wprev;
	c->on_wait_list = 0;
}

/* ---- the lws callback of the raw protocol ---- */

static int
http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct hconn	*c = user;
	struct ws	*ws = lws_context_user(lws_get_context(wsi));

	switch (reason) {
	case LWS_CALLBACK_RAW_ADOPT:
		memset(c, 0, sizeof *c);
		c->ws = ws;
		c->wsi = wsi;
		c->h1 = h1_new(&ops, c);
		buf_init(&c->body, ws->cfg.request_max);
		buf_init(&c->rest, REST_MAX);
		buf_init(&c->first, H1_HEADER_MAX + H1_URI_MAX);
		buf_init(&c->wire, WIRE_MAX);
		buf_init(&c->fwd_body, ws->cfg.request_max);
		lws_get_peer_simple(wsi, c->peer, sizeof c->peer);
		ws->connections++;
		lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, HTTP_READ_SECS);
		return 0;
	case LWS_CALLBACK_RAW_RX:
		if (c->state == HS_CLOSING)
			return 0;	/* draining */
		if (c->state == HS_TUNNEL)
			return proxy_tunnel_rx(c, in, len);
		if (c->tls != NULL)
			return tls_rx(c, in, len);
		if (c->state != HS_READ) {
			/* read before the pause took effect */
			if (buf_append(&c->rest, in, len) != 0)
				return -1;
			return 0;
		}
		return http_parse(c, in, len);
	case LWS_CALLBACK_RAW_WRITEABLE:
		return writeable(c);
	case LWS_CALLBACK_RAW_CLOSE:
		if (c->ws == NULL)
			return 0;
		proxy_client_gone(c);
		route_forget(c);
		http_wait_remove(c);
		req_done(c);
		h1_free(c->h1);
		tls_free(c->tls);
		buf_free(&c->wire);
		free(c->cap);
		buf_free(&c->rest);
		buf_free(&c->first);
		buf_free(&c->out);
		ws->connections--;
		c->ws = NULL;
		return 0;
	default:
		return 0;
	}
}

const struct lws_protocols http_protocol = {
	"teltop-http", http_callback, sizeof(struct hconn), 0, 0, NULL, 0
};
