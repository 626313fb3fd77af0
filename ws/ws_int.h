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
#include "h1.h"
#include "ws.h"

#define HTTP_IDLE_SECS	60		/* keep-alive connection idle */
#define HTTP_READ_SECS	30		/* to send a whole request */
#define INLINE_DECODE_MAX (256 * 1024)	/* bigger bodies go to the worker */

struct conn;
struct hconn;
struct worker;

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
};

enum hstate {
	HS_READ,	/* reading a request */
	HS_BUSY,	/* a request is being handled */
	HS_WRITE,	/* its reply is going out */
	HS_CLOSING	/* reply sent, draining before close */
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
};

/* ---- http.c ---- */
extern const struct lws_protocols http_protocol;
/* Queue the reply to the current request; extra: more header lines,
 * each ending in CRLF, or NULL.  body is malloc'd or NULL (taken). */
void	 http_reply(struct hconn *, int status, const char *ctype,
	    char *body, const char *extra);
/* Tell a client that sent Expect: 100-continue to go on. */
void	 http_continue(struct hconn *);
void	 http_wait_add(struct hconn *);
void	 http_wait_remove(struct hconn *);

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

/* ---- worker.c: decoding big bodies off the service thread ---- */
struct decode_job {
	uint64_t	 id;
	struct ws	*ws;
	int		 kind;		/* enum route_kind */
	int		 route;		/* enum tt_route */
	char		 ctype[128];
	char		 cenc[64];
	char		 compression[32];
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
