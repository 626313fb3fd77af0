/*
 * What the files of ws/ share; not for other modules.
 *
 * server.c owns the lws context, the route table and what each route does;
 * http.c owns HTTP/1.1 connections (raw sockets, parsed by h1.c: one
 * request at a time, bodies bounded, replies in order); worker.c decodes
 * big bodies on a thread of its own.  Everything but the worker's decode runs
 * on the lws service thread.
 */
#ifndef TT_WS_INT_H
#define TT_WS_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

#include "core/counters.h"
#include "core/event.h"
#include "body.h"
#include "core/hosts.h"
#include "h1.h"
#include "tls.h"
#include "ws.h"

#define HTTP_IDLE_SECS	60		/* keep-alive connection idle */
#define HTTP_READ_SECS	30		/* to send a whole request */
#define INLINE_DECODE_MAX (256 * 1024)	/* bigger bodies go to the worker */

struct conn;
struct hconn;
struct worker;
struct proxy;
struct upstream;
struct stream;
struct viewer;

/* A ws_post() call waiting for the service thread. */
struct posted {
	struct posted	*next;
	void		(*fn)(void *);
	void		*arg;
};

struct ws {
	struct lws_context	*ctx;
	struct lws_vhost	*vh;		/* the listener: raw HTTP */
	struct lws_vhost	*ws_vh;		/* WebSockets handed over */
	struct ws_config	 cfg;
	struct conn		*waiting;	/* WebSockets waiting */
	struct hconn		*hwaiting;	/* HTTP waiting */
	struct conn		*senders;	/* open WebSockets */
	struct tt_counters	 counters;
	int			 connections;
	size_t			 buffered;	/* request bytes held now */
	lws_sorted_usec_list_t	 flush_sul;
	void			(*fd_cb)(void *);	/* ws_watch_fd() */
	void			*fd_arg;
	lws_usec_t		 flush_at;	/* 0: not scheduled */
	uint64_t		 next_op;
	pthread_mutex_t		 post_lock;	/* guards posted */
	struct posted		*posted;	/* ws_post() calls to run */
	struct worker		*worker;
	struct proxy		*proxy;		/* capture: proxy.c */
	struct refused		*refused;	/* refused.c */
	struct lws_vhost	*grpc_vh;	/* grpc.c, or NULL */
	struct gstream		*gwaiting;	/* gRPC streams waiting */
	struct stream		*stream;	/* stream.c: viewers, or NULL */
};

enum hstate {
	HS_READ,	/* reading a request */
	HS_BUSY,	/* a request is being handled */
	HS_WRITE,	/* its reply is going out */
	HS_CLOSING,	/* reply sent, draining before close */
	HS_TUNNEL	/* bytes are relayed to an upstream (proxy.c) */
};

/* An HTTP connection: lws's per-session data of the raw protocol. */
struct hconn {
	struct ws	*ws;
	struct lws	*wsi;
	struct hconn	*wnext, *wprev;	/* on ws->hwaiting */
	int		 on_wait_list;
	struct h1	*h1;
	struct h1_req	*req;		/* the current request */
	enum hstate	 state;
	int		 nreq;		/* requests begun on it */
	struct tt_buf	 body;		/* the current request's */
	size_t		 reserved;	/* of ws->buffered, for body */
	struct tt_buf	 rest;		/* received, not parsed yet */
	struct tt_buf	 first;		/* bytes of the first request */
	struct tt_buf	 out;		/* reply being written */
	size_t		 out_off;
	int		 close_after;
	int		 has_reply;	/* c->out holds the reply */
	int		 paused_rx;

	/* handling (server.c) */
	int		 kind;		/* enum route_kind */
	uint64_t	 ticket;	/* waiting for this commit */
	uint64_t	 job;		/* waiting for this decode */
	uint64_t	 optout_op;	/* waiting for this opt-out change */
	char		*optout_reply;
	int		 need_key;	/* the token must be the body's api_key */
	size_t		 accepted;
	size_t		 dropped;
	size_t		 rejected;
	char		*first_error;
	char		 ctype[128];
	char		 peer[64];
	const char	*route;		/* the route table's path, once found */

	/* capture (proxy.c) */
	struct tls	*tls;		/* TLS inside an intercepted CONNECT */
	int		 tls_closed;	/* close_notify sent */
	struct tt_buf	 wire;		/* bytes for the socket, not sent yet */
	size_t		 wire_off;
	struct tt_host	*cap;		/* the host it was meant for, or NULL */
	struct upstream	*up;		/* HS_TUNNEL: the far end */
	int		 tunnel_eof;	/* the far end closed: flush, close */
	uint64_t	 proxy_op;	/* waiting for this lookup or forward */
	char		*cap_meta;	/* the request as JSON (tt_event.capture) */
	struct tt_buf	 fwd_body;	/* the body as received, to forward */
	size_t		 fwd_reserved;	/* of ws->buffered, for fwd_body */
	int		 fwd_src;	/* enum tt_source deciding the forward */
};

/* ---- stream.c: GET /v1/stream ---- */
#define STREAM_VIEWERS_MAX	64
#define STREAM_WRITE_MAX	(64u * 1024)	/* bytes a viewer's write */
/* Are there as many viewers as may be? */
int	 viewers_full(struct ws *);
/* wsi is a viewer now (LWS_CALLBACK_ESTABLISHED); its hello goes first. */
struct viewer *viewer_open(struct ws *, struct lws *wsi, int with_stats);
void	 viewer_close(struct ws *, struct viewer *);
/* Its next message; -1 when the connection failed. */
int	 viewer_writeable(struct ws *, struct viewer *);
/* Before the context goes (its timer), and after (what is left). */
void	 viewers_quiesce(struct ws *);
void	 viewers_free(struct ws *);

/* ---- http.c ---- */
/*
 * Send p[*off..len) on wsi's socket as far as it takes it, moving *off.
 * 1 all sent; 0 the rest later (a writable callback is asked for); -1
 * the connection is gone.
 */
int	 sock_send(struct lws *, const uint8_t *p, size_t len, size_t *off);
extern const struct lws_protocols http_protocol;
/* Queue the reply to the current request; extra: more header lines,
 * each ending in CRLF, or NULL.  body is malloc'd or NULL (taken). */
void	 http_reply(struct hconn *, int status, const char *ctype,
	    char *body, const char *extra);
/* Tell a client that sent Expect: 100-continue to go on. */
void	 http_continue(struct hconn *);
/* The same with a body of len bytes (copied; may be binary). */
void	 http_reply_bytes(struct hconn *, int status, const char *extra,
	    const void *body, size_t len);
void	 http_wait_add(struct hconn *);
void	 http_wait_remove(struct hconn *);
/* Queue bytes for the socket as they are (through TLS if any) and send
 * what it takes.  -1: the connection is gone. */
int	 http_send(struct hconn *, const void *, size_t);
/* Go on reading: TLS with ctx over the connection from now on (ctx NULL:
 * plain), a new parser; rest: bytes already received after the CONNECT. */
int	 http_restart(struct hconn *, SSL_CTX *ctx, const uint8_t *rest,
	    size_t n);
void	 http_rx_pause(struct hconn *, int pause);
/* Close after what is queued for the socket is sent. */
void	 http_close_soon(struct hconn *);

/* ---- proxy.c: capture ---- */
struct proxy	*proxy_create(struct ws *, char **cause);
/* Stop the resolver (before the last posted calls run). */
void		 proxy_stop(struct proxy *);
void		 proxy_destroy(struct proxy *);
extern const struct lws_protocols upstream_protocol;
/* A CONNECT request's headers are in: intercept, tunnel or refuse.
 * rest: bytes received after them.  -1: close now. */
int		 proxy_connect(struct hconn *, const uint8_t *rest, size_t n);
/* Bytes from the client of a tunnel. -1: close. */
int		 proxy_tunnel_rx(struct hconn *, const uint8_t *, size_t);
/* The client's queued bytes were sent: the far end may go on. */
void		 proxy_client_drained(struct hconn *);
/* The client of a tunnel or forward goes away. */
void		 proxy_client_gone(struct hconn *);
/* Relay a plain-HTTP proxy request (absolute target) to its host. */
void		 proxy_relay(struct hconn *, const char *host, int port);
/* Forward the current captured request to its host; the reply (the
 * vendor's, or fallback() on failure) goes to the client. */
void		 proxy_forward(struct hconn *, void (*fallback)(struct hconn *));
/* The CA certificate (PEM, the proxy's), making the CA on first use;
 * NULL with *cause. */
const char	*proxy_ca_pem(struct ws *, char **cause);
/* Does the proxy ask for the token (beyond loopback, --token-required)? */
int		 proxy_needs_token(const struct ws *);
/* Is the proxy open to this request without Proxy-Authorization? */
int		 proxy_authorized(struct hconn *);
int		 proxy_tunnels(const struct ws *);
/* The intercepted host's row, or NULL. */
const struct tt_host *proxy_intercepted(struct ws *, const char *host);
/* The current captured request as JSON for tt_event.capture: host,
 * method, path, headers with secrets masked.  Caller frees. */
char		*proxy_capture_json(struct hconn *);

/* ---- server.c: what each route does ---- */
/*
 * The headers of a request are in: 0 to read its body, or a reply was
 * queued (the body is then discarded, or the connection closed if
 * close_after was set).
 */
int	 route_headers(struct hconn *);
/* The whole body is in (c->req.body): handle the request. */
void	 route_request(struct hconn *);
/* The connection goes away: forget what it waited for. */
void	 route_forget(struct hconn *);
/*
 * An upgrade request's headers are in: 1 to hand the connection to the
 * WebSocket vhost, 0 when a refusal is queued (then close).
 */
int	 route_upgrade(struct hconn *);
void	 wlog(struct ws *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 count(struct ws *, enum tt_counter, int64_t);
/* Bytes held now against cfg.buffered_max: bodies, and the sink's queue. */
size_t	 budget_used(struct ws *);
char	*error_json(int with_ok, const char *err);

/* ---- refused.c: what was not taken, counted, logged, kept ---- */
struct ws_refuse {
	const char	*peer;		/* NULL: not known */
	const char	*method;
	const char	*route;		/* a route's path, or the path asked */
	int		 status;	/* answered; 0: items of a taken body */
	enum tt_counter	 reason;	/* a rejected_* counter */
	int64_t		 n;
	const char	*why;
	const uint8_t	*head;		/* the body, if any was read */
	size_t		 head_len;
};
struct refused	*refused_new(void);
void		 refused_free(struct refused *);
/* Count (cfg.sink too), log (rate-limited) and keep one refusal. */
void		 ws_refused(struct ws *, const struct ws_refuse *);
/* s with the teltop_route_rejections_total samples appended (s is freed). */
char		*refused_metrics(const struct ws *, char *s);
/*
 * Refuse the current request: counted as received and refused, then
 * answered with status and body (NULL: {"error": why}; taken) and the
 * extra header lines (or NULL).
 */
void		 http_refuse(struct hconn *, int status, enum tt_counter,
		     const char *why, char *body, const char *headers);

/* The events of a commit that failed, refused as "store". */
void		 ws_commit_refused(struct ws *, const char *method,
		     const char *route, enum tt_commit, int64_t n);

/* ---- grpc.c: OTLP over gRPC, and what it uses of server.c ---- */
struct gstream;
int		 grpc_listen(struct ws *, const char *host, int port,
		     char **cause);
void		 grpc_committed(struct ws *, uint64_t first, uint64_t last,
		     enum tt_commit);
struct decode_job;
/* A decode job for a body of route (an enum tt_route; body moved in). */
struct decode_job *ws_job_new(struct ws *, int route, struct tt_buf *body);
/* Decode now or on the worker; its done runs either way. */
void		 ws_job_start(struct ws *, struct decode_job *);
/* Submit a decoded job's batch; the ticket, and *accepted. */
uint64_t	 ws_job_submit(struct decode_job *, const char *route,
		     size_t *accepted);
/* A job its decode refused: counted, logged, kept. */
void		 ws_job_refused(struct decode_job *, const char *peer,
		     const char *method, const char *route);

/* ---- worker.c: decoding big bodies off the service thread ---- */
struct decode_job {
	uint64_t	 id;
	struct ws	*ws;
	int		 kind;		/* enum route_kind */
	int		 route;		/* enum tt_route */
	char		 ctype[128];
	char		 cenc[64];
	char		 compression[32];
	char		*target;	/* path and query, token= left out */
	char		*user_agent;
	int64_t		 received_at;	/* an import's (X-Teltop-Received-At,
					   with the token); 0: now */
	const char	*need_key;	/* the body's api_key must be this */
	struct tt_buf	 body;		/* moved in from the request */
	size_t		 reserved;	/* of ws->buffered, released at free */
	/* results */
	struct tt_buf	 decoded;	/* transport-decoded bytes */
	const uint8_t	*p;		/* the bytes decoded: body or decoded */
	size_t		 len;
	int		 status;	/* 0 or an HTTP status of refusal */
	enum tt_counter	 reason;
	char		*error;
	size_t		 more_refused;	/* items refused beyond the first */
	struct tt_batch	 batch;
	void		(*done)(struct decode_job *);	/* service thread */
};

struct worker	*worker_start(void);
void		 worker_stop(struct worker *);
/* Decode on the worker; job->done runs on the service thread after. */
void		 worker_submit(struct worker *, struct decode_job *);
/* The decoding itself (any thread): transport, then formats. */
void		 decode_job_run(struct decode_job *);
void		 decode_job_free(struct decode_job *);

#endif
