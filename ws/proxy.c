/*
 * Capture: the collector as its tools' HTTPS proxy (HTTPS_PROXY).
 *
 * A CONNECT to a host of the intercepted table (core/hosts.c) is answered
 * here: TLS is terminated with a certificate minted from teltop's CA
 * (ca.c) and the requests inside go to the same routes as direct traffic
 * (http.c parses them; server.c marks their events as captured).  Every
 * other CONNECT is an opaque tunnel, byte for byte, and a plain-HTTP proxy
 * request to another host is relayed.  A kept captured request may be
 * forwarded to its real host (server.c decides; the reply comes back
 * here).
 *
 * What stays true:
 * - Nothing is decrypted but the intercepted hosts, and only those the
 *   CA's name constraints cover; anything else is tunnelled, so capture
 *   never breaks the tool.
 * - Every upstream is bounded: tunnels and forwards in number, bytes
 *   queued each way (the slow side pauses the fast one), idle and connect
 *   time; a forward never takes longer than FORWARD_SECS, under DevPod's
 *   3 s client timeout.
 * - Names are resolved on a thread of their own, never on the loop.
 * - A client and its upstream point at each other; whichever closes first
 *   clears the other's pointer, so neither outlives its partner's memory.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/auth.h"
#include "core/xmalloc.h"
#include "ca.h"
#include "ws_int.h"

#define TUNNELS_MAX	512		/* tunnels and relays open at once */
#define FORWARDS_MAX	64		/* forwards in flight */
#define TUNNEL_BUF	(256 * 1024)	/* queued toward one side */
#define CONNECT_SECS	10
#define TUNNEL_IDLE_SECS 300
#define FORWARD_US	(2500 * 1000)	/* DevPod gives up after 3 s */
#define FWD_REPLY_MAX	(1024 * 1024)
#define OVERRIDES_MAX	16
#define ESTABLISHED	"HTTP/1.1 200 Connection established\r\n\r\n"

/* A test's TELTOP_TEST_RESOLVE entry: host=ip:port. */
struct override {
	char			 host[TT_HOST_MAX + 1];
	struct sockaddr_storage	 addr;
	socklen_t		 len;
};

/* A name to resolve on the resolver thread. */
struct lookup {
	struct lookup		*next;
	struct proxy		*px;
	uint64_t		 id;		/* the waiting c->proxy_op */
	char			 host[TT_HOST_MAX + 1];
	int			 port;
	int			 ok;
	struct sockaddr_storage	 addr;
	socklen_t		 len;
	char			 why[512];
};

struct proxy {
	struct ws		*ws;
	struct tt_intercept	 hosts;
	struct ca		*ca;		/* made on first use */
	int			 ca_failed;	/* said why once */
	SSL_CTX			*client_ctx;	/* forwards, made on first use */
	struct override		 ov[OVERRIDES_MAX];
	int			 nov;
	int			 tunnels;
	int			 forwards;
	/* the resolver */
	pthread_t		 thread;
	int			 thread_started;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct lookup		*queue;
	int			 stop;
};

enum up_kind { UP_TUNNEL, UP_RELAY, UP_FORWARD };

/* The far end of a tunnel, a relay or a forward. */
struct upstream {
	struct proxy		*px;
	struct lws		*wsi;		/* NULL until connected */
	enum up_kind		 kind;
	int			 connected;
	int			 closing;
	struct hconn		*c;		/* the client, NULL once gone */
	struct tt_buf		 out;		/* bytes for the far end */
	size_t			 out_off;
	int			 paused;	/* its rx: the client is slow */
	char			 host[TT_HOST_MAX + 1];
	int			 port;
	/* forwards */
	struct tls		*tls;
	struct h1		*resp;
	struct tt_buf		 reply;		/* the vendor's reply body */
	int			 replied;	/* the reply is complete */
	int			 sent;		/* the request is written */
	struct tt_buf		 req;		/* the request to forward */
	int			 learn;		/* Devtron's bootstrap */
	void			(*fallback)(struct hconn *);
	lws_sorted_usec_list_t	 deadline;
	int			 deadline_set;
	char			 why[600];
};

static void	up_connect(struct upstream *, const struct sockaddr *,
		    socklen_t);
static void	up_fail(struct upstream *, const char *);
static void	up_free(struct upstream *);

/* ---- the resolver thread ---- */

static void	lookup_done(void *);

static void *
resolver_main(void *arg)
{
	struct proxy	*px = arg;
	struct lookup	*l;
	struct addrinfo	 hints, *res;
	char		 port[8];
	int		 e;

	pthread_mutex_lock(&px->lock);
	for (;;) {
		while (px->queue == NULL && !px->stop)
			pthread_cond_wait(&px->cond, &px->lock);
		if (px->stop)
			break;
		l = px->queue;
		px->queue = l->next;
		pthread_mutex_unlock(&px->lock);

		memset(&hints, 0, sizeof hints);
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_ADDRCONFIG;
		snprintf(port, sizeof port, "%d", l->port);
		if ((e = getaddrinfo(l->host, port, &hints, &res)) != 0)
			snprintf(l->why, sizeof l->why, "cannot resolve %s: "
			    "%s", l->host, gai_strerror(e));
		else {
			memcpy(&l->addr, res->ai_addr, res->ai_addrlen);
			l->len = res->ai_addrlen;
			l->ok = 1;
			freeaddrinfo(res);
		}
		ws_post(px->ws, lookup_done, l);
		pthread_mutex_lock(&px->lock);
	}
	pthread_mutex_unlock(&px->lock);
	return NULL;
}

/*
 * Where host:port is: an override, a numeric address (at once: 1), or
 * queued for the resolver (0: lookup_done() answers op).  -1: cannot.
 */
static int
resolve(struct proxy *px, const char *host, int port, uint64_t op,
    struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in	*in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*in6 = (struct sockaddr_in6 *)ss;
	struct lookup		*l, **tail;
	int			 i;

	for (i = 0; i < px->nov; i++)
		if (strcasecmp(px->ov[i].host, host) == 0) {
			*ss = px->ov[i].addr;
			*len = px->ov[i].len;
			return 1;
		}
	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		*len = sizeof *in4;
		return 1;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*len = sizeof *in6;
		return 1;
	}
	if (!px->thread_started) {
		if (pthread_create(&px->thread, NULL, resolver_main, px) != 0)
			return -1;
		px->thread_started = 1;
	}
	l = xcalloc(1, sizeof *l);
	l->px = px;
	l->id = op;
	snprintf(l->host, sizeof l->host, "%s", host);
	l->port = port;
	pthread_mutex_lock(&px->lock);
	for (tail = &px->queue; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = l;
	pthread_cond_signal(&px->cond);
	pthread_mutex_unlock(&px->lock);
	return 0;
}

/* ---- upstream connections ---- */

static struct upstream *
up_new(struct proxy *px, enum up_kind kind, struct hconn *c,
    const char *host, int port)
{
	struct upstream	*up = xcalloc(1, sizeof *up);

	up->px = px;
	up->kind = kind;
	up->c = c;
	buf_init(&up->out, c->ws->cfg.request_max + 65536);
	buf_init(&up->reply, FWD_REPLY_MAX);
	buf_init(&up->req, c->ws->cfg.request_max + 65536);
	snprintf(up->host, sizeof up->host, "%s", host);
	up->port = port;
	if (kind == UP_FORWARD)
		px->forwards++;
	else
		px->tunnels++;
	c->up = up;
	return up;
}

static void
up_free(struct upstream *up)
{
	if (up->deadline_set)
		lws_sul_cancel(&up->deadline);
	if (up->kind == UP_FORWARD)
		up->px->forwards--;
	else
		up->px->tunnels--;
	if (up->c != NULL && up->c->up == up)
		up->c->up = NULL;
	buf_free(&up->out);
	buf_free(&up->reply);
	buf_free(&up->req);
	tls_free(up->tls);
	h1_free(up->resp);
	free(up);
}

/* Close the far end (its RAW_CLOSE frees it), or free it if none. */
static void
up_close(struct upstream *up)
{
	if (up->c != NULL && up->c->up == up)
		up->c->up = NULL;
	up->c = NULL;
	if (up->wsi == NULL) {
		up_free(up);
		return;
	}
	if (!up->closing) {
		up->closing = 1;
		lws_set_timeout(up->wsi, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_ASYNC);
	}
}

/* Send up->out.  1 all sent, 0 more later, -1 gone. */
static int
up_flush(struct upstream *up)
{
	int	rc;

	if (!up->connected)
		return 0;
	if ((rc = sock_send(up->wsi, up->out.p, up->out.len, &up->out_off)) ==
	    1) {
		buf_reset(&up->out);
		up->out_off = 0;
	}
	return rc;
}

/* A forward ran out of time. */
static void
forward_deadline(lws_sorted_usec_list_t *sul)
{
	struct upstream	*up = lws_container_of(sul, struct upstream,
			    deadline);

	up->deadline_set = 0;
	up_fail(up, "no reply in time");
}

/* Open a socket to addr and hand it to lws as a raw connection. */
static void
up_connect(struct upstream *up, const struct sockaddr *sa, socklen_t len)
{
	lws_adopt_desc_t	 info;
	lws_sock_file_fd_type	 fd;
	char			 why[512];
	int			 s;

	s = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (s < 0 || (connect(s, sa, len) != 0 && errno != EINPROGRESS)) {
		snprintf(why, sizeof why, "cannot connect to %s:%d: %s",
		    up->host, up->port, strerror(errno));
		if (s >= 0)
			close(s);
		up_fail(up, why);
		return;
	}
	memset(&info, 0, sizeof info);
	fd.sockfd = s;
	info.vh = up->px->ws->vh;
	info.type = LWS_ADOPT_SOCKET;
	info.fd = fd;
	info.vh_prot_name = upstream_protocol.name;
	info.opaque = up;
	if ((up->wsi = lws_adopt_descriptor_vhost_via_info(&info)) == NULL) {
		up_fail(up, "cannot watch the connection");	/* s closed */
		return;
	}
	lws_set_timeout(up->wsi, PENDING_TIMEOUT_USER_OK, CONNECT_SECS);
	lws_callback_on_writable(up->wsi);
}

/* Where the far end is: connect now, or when the resolver answers. */
static void
up_start(struct upstream *up)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	struct hconn		*c = up->c;
	int			 rc;

	c->proxy_op = ++c->ws->next_op;
	rc = resolve(up->px, up->host, up->port, c->proxy_op, &ss, &len);
	if (rc < 0) {
		up_fail(up, "cannot start the name resolver");
		return;
	}
	if (rc == 1) {
		c->proxy_op = 0;
		up_connect(up, (struct sockaddr *)&ss, len);
		return;
	}
	http_wait_add(c);
}

/* Service thread: the resolver answered. */
static void
lookup_done(void *arg)
{
	struct lookup	*l = arg;
	struct hconn	*c;

	for (c = l->px->ws->hwaiting; c != NULL; c = c->wnext)
		if (c->proxy_op == l->id)
			break;
	if (c != NULL && c->up != NULL) {
		c->proxy_op = 0;
		if (c->up->kind != UP_FORWARD)
			http_wait_remove(c);
		if (l->ok)
			up_connect(c->up, (struct sockaddr *)&l->addr, l->len);
		else
			up_fail(c->up, l->why);
	}
	free(l);
}

/* ---- tunnels and relays ---- */

/* The far end is there: the client's bytes may flow. */
static void
tunnel_open(struct upstream *up)
{
	struct hconn	*c = up->c;

	count(up->px->ws, TT_CTR_TUNNELLED, 1);
	if (up->kind == UP_TUNNEL &&
	    http_send(c, ESTABLISHED, sizeof ESTABLISHED - 1) != 0) {
		up_close(up);
		return;
	}
	c->state = HS_TUNNEL;
	http_wait_remove(c);
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, TUNNEL_IDLE_SECS);
	lws_set_timeout(up->wsi, PENDING_TIMEOUT_USER_OK, TUNNEL_IDLE_SECS);
	/* a relay reads nothing more from its client: one request */
	http_rx_pause(c, up->kind == UP_RELAY);
	(void)up_flush(up);
}

int
proxy_tunnel_rx(struct hconn *c, const uint8_t *p, size_t n)
{
	struct upstream	*up = c->up;

	if (up == NULL)
		return -1;
	if (buf_append(&up->out, p, n) != 0)
		return -1;
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, TUNNEL_IDLE_SECS);
	if (up->wsi != NULL)
		lws_set_timeout(up->wsi, PENDING_TIMEOUT_USER_OK,
		    TUNNEL_IDLE_SECS);
	if (up_flush(up) < 0)
		return -1;
	if (up->out.len - up->out_off > TUNNEL_BUF)
		http_rx_pause(c, 1);
	return 0;
}

void
proxy_client_drained(struct hconn *c)
{
	struct upstream	*up = c->up;

	if (up != NULL && up->paused && up->wsi != NULL) {
		up->paused = 0;
		lws_rx_flow_control(up->wsi, 1);
	}
}

void
proxy_client_gone(struct hconn *c)
{
	struct upstream	*up = c->up;

	if (up == NULL)
		return;
	c->up = NULL;
	up->c = NULL;
	/* what the client sent last still reaches the far end */
	if (up->kind != UP_FORWARD && up->wsi != NULL && up->connected &&
	    up->out.len > up->out_off)
		return;		/* closed once sent: upstream_writeable() */
	up_close(up);
}

/*
 * Refuse a CONNECT or relay: reply, then close.  Counted as a rejected
 * request unless reason is TT_CTR_COUNT (the far end's failure, not the
 * request's).
 */
static void
refuse(struct hconn *c, int status, enum tt_counter reason, const char *why,
    const char *extra)
{
	c->close_after = 1;
	c->state = HS_BUSY;
	if (reason != TT_CTR_COUNT) {
		http_refuse(c, status, reason, why, NULL, extra);
		return;
	}
	/* not a refusal of ours (the upstream failed): logged only */
	wlog(c->ws, "%s %s %s: %d %s", c->peer, c->req != NULL ?
	    c->req->method_name : "CONNECT", c->req != NULL ? c->req->url :
	    "", status, why);
	http_reply(c, status, "application/json", error_json(0, why), extra);
}

/* ---- the CA ---- */

/* The CA, made or loaded on first use, reloaded if rotated.  NULL: none. */
static struct ca *
proxy_ca(struct proxy *px, char **cause)
{
	char	*dir, *why = NULL;
	int	 remade = 0;

	if (px->ca != NULL) {
		if (ca_check_reload(px->ca, &why) < 0) {
			wlog(px->ws, "capture CA: %s", why);
			free(why);
		}
		return px->ca;
	}
	dir = px->ws->cfg.ca_dir != NULL ? xstrdup(px->ws->cfg.ca_dir) :
	    ca_default_dir();
	if (dir == NULL) {
		*cause = xstrdup("no place for the CA: set HOME or "
		    "XDG_DATA_HOME");
		return NULL;
	}
	px->ca = ca_open(dir, &px->hosts, &remade, cause);
	if (px->ca != NULL && remade)
		wlog(px->ws, "capture CA made in %s (it covers %zu hosts)",
		    dir, px->hosts.n);
	free(dir);
	return px->ca;
}

const char *
proxy_ca_pem(struct ws *ws, char **cause)
{
	struct ca	*ca = proxy_ca(ws->proxy, cause);

	return ca != NULL ? ca_pem(ca) : NULL;
}

/* A TLS context with a certificate for host, or NULL (then tunnel). */
static SSL_CTX *
cert_for(struct proxy *px, const char *host)
{
	struct ca	*ca;
	SSL_CTX		*ctx;
	char		*cause = NULL;

	if ((ca = proxy_ca(px, &cause)) == NULL) {
		if (!px->ca_failed)
			wlog(px->ws, "capture: no CA, so nothing is "
			    "intercepted: %s", cause);
		px->ca_failed = 1;
		free(cause);
		return NULL;
	}
	if ((ctx = ca_server_ctx(ca, host, &cause)) == NULL) {
		wlog(px->ws, "capture: %s is tunnelled: %s", host, cause);
		free(cause);
	}
	return ctx;
}

/* ---- CONNECT ---- */

int
proxy_needs_token(const struct ws *ws)
{
	return !tt_auth_listen_is_loopback(ws->cfg.host) ||
	    ws->cfg.token_required;
}

int
proxy_authorized(struct hconn *c)
{
	struct ws	*ws = c->ws;

	if (!proxy_needs_token(ws))
		return 1;
	return ws->cfg.token != NULL && tt_proxy_auth_ok(h1_header(c->req,
	    "proxy-authorization"), ws->cfg.token);
}

int
proxy_connect(struct hconn *c, const uint8_t *rest, size_t n)
{
	struct proxy		*px = c->ws->proxy;
	const struct tt_host	*row;
	struct upstream		*up;
	SSL_CTX			*ctx;
	const char		*why;
	char			 host[TT_HOST_MAX + 1];
	int			 port;

	if (c->cap != NULL || c->tls != NULL) {
		refuse(c, 405, TT_CTR_REJ_ROUTE, "CONNECT inside a captured "
		    "connection", NULL);
		return 0;
	}
	if (!proxy_authorized(c)) {
		refuse(c, 407, TT_CTR_REJ_AUTH, "the proxy needs "
		    "Proxy-Authorization with the token (teltop token; "
		    "teltop capture sets it)",
		    "Proxy-Authenticate: Basic realm=\"teltop\"\r\n");
		return 0;
	}
	if (tt_authority_parse(c->req->url, host, sizeof host, &port,
	    &why) != 0) {
		refuse(c, 400, TT_CTR_REJ_MALFORMED, why, NULL);
		return 0;
	}
	row = tt_intercept_find(&px->hosts, host);
	if (row != NULL && port == 443 && (ctx = cert_for(px, host)) != NULL) {
		c->cap = xmalloc(sizeof *c->cap);
		*c->cap = *row;
		if (http_send(c, ESTABLISHED, sizeof ESTABLISHED - 1) != 0)
			return -1;
		return http_restart(c, ctx, rest, n);
	}
	if (px->tunnels >= TUNNELS_MAX) {
		count(c->ws, TT_CTR_TUNNEL_REFUSED, 1);
		refuse(c, 503, TT_CTR_COUNT, "too many tunnels open at "
		    "once: retry shortly", "Retry-After: 1\r\n");
		return 0;
	}
	c->state = HS_BUSY;
	http_rx_pause(c, 1);
	lws_set_timeout(c->wsi, NO_PENDING_TIMEOUT, 0);
	up = up_new(px, UP_TUNNEL, c, host, port);
	if (n > 0)
		(void)buf_append(&up->out, rest, n);
	up_start(up);
	return 0;
}

void
proxy_relay(struct hconn *c, const char *host, int port)
{
	struct proxy		*px = c->ws->proxy;
	struct upstream		*up;
	const char		*target, *name;
	char			*head, *t;
	int			 i;

	if (px->tunnels >= TUNNELS_MAX) {
		count(c->ws, TT_CTR_TUNNEL_REFUSED, 1);
		refuse(c, 503, TT_CTR_COUNT, "too many tunnels open at "
		    "once: retry shortly", "Retry-After: 1\r\n");
		return;
	}
	/* the origin form of the target: after "http://host[:port]" */
	target = strchr(c->req->url + strlen("http://"), '/');
	head = xasprintf("%s %s HTTP/1.1\r\n", c->req->method_name,
	    target != NULL ? target : "/");
	for (i = 0; i < c->req->nhdr; i++) {
		name = c->req->hdr[i].name;
		if (name == NULL || strncasecmp(name, "proxy-", 6) == 0 ||
		    strcasecmp(name, "connection") == 0 ||
		    strcasecmp(name, "keep-alive") == 0 ||
		    strcasecmp(name, "transfer-encoding") == 0 ||
		    strcasecmp(name, "content-length") == 0)
			continue;
		t = xasprintf("%s%s: %s\r\n", head, name,
		    c->req->hdr[i].value != NULL ? c->req->hdr[i].value : "");
		free(head);
		head = t;
	}
	t = xasprintf("%scontent-length: %zu\r\nconnection: close\r\n\r\n",
	    head, c->body.len);
	free(head);
	up = up_new(px, UP_RELAY, c, host, port);
	(void)buf_append(&up->out, t, strlen(t));
	(void)buf_append(&up->out, c->body.p, c->body.len);
	free(t);
	http_rx_pause(c, 1);
	up_start(up);
}

/* ---- forwarding ---- */

/* Hop-by-hop headers and ours: not passed on either way. */
static int
hop_header(const char *name)
{
	static const char	*hop[] = { "connection", "keep-alive",
				    "transfer-encoding", "content-length", "te",
				    "trailer", "upgrade", "expect" };
	size_t			 i;

	if (strncasecmp(name, "proxy-", 6) == 0)
		return 1;
	for (i = 0; i < sizeof hop / sizeof hop[0]; i++)
		if (strcasecmp(name, hop[i]) == 0)
			return 1;
	return 0;
}

/* A forward failed or timed out: the client gets the fallback reply. */
static void
up_fail(struct upstream *up, const char *why)
{
	struct hconn	*c = up->c;
	struct ws	*ws = up->px->ws;

	if (c != NULL) {
		c->proxy_op = 0;
		if (up->kind == UP_FORWARD) {
			count(ws, TT_CTR_FORWARD_FAILED, 1);
			wlog(ws, "%s: forward to %s failed: %s (answered "
			    "here)", c->peer, up->host, why);
			http_wait_remove(c);
			c->up = NULL;
			up->c = NULL;
			up->fallback(c);
		} else if (c->state != HS_TUNNEL) {
			c->up = NULL;
			up->c = NULL;
			refuse(c, 502, TT_CTR_COUNT, why, NULL);
		}
	}
	up_close(up);
}

/*
 * Intercept the PostHog host a forwarded Devtron bootstrap returned
 * ({"result":{"PosthogEndpoint":"https://host"}}), if the CA covers it.
 */
static void
learn_endpoint(struct proxy *px, const uint8_t *p, size_t n)
{
	cJSON		*root, *ep;
	const char	*url, *why;
	char		 host[TT_HOST_MAX + 1];
	size_t		 k;

	if ((root = cJSON_ParseWithLength((const char *)p, n)) == NULL)
		return;
	ep = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    root, "result"), "PosthogEndpoint");
	if (cJSON_IsString(ep) && (url = ep->valuestring) != NULL &&
	    strncasecmp(url, "https://", 8) == 0) {
		url += 8;
		k = strcspn(url, ":/?#");
		if (k > 0 && k < sizeof host) {
			memcpy(host, url, k);
			host[k] = '\0';
			if (tt_intercept_find(&px->hosts, host) == NULL) {
				if (px->ca != NULL && !ca_covers(px->ca, host))
					wlog(px->ws, "capture: Devtron sends to "
					    "%s, which the CA does not cover: add "
					    "it with --intercept", host);
				else if (tt_intercept_add(&px->hosts, host,
				    TT_SRC_DEVTRON, &why) == 0)
					wlog(px->ws, "capture: Devtron sends "
					    "to %s: intercepted from now on",
					    host);
			}
		}
	}
	cJSON_Delete(root);
}

/* The vendor's reply is whole: pass it to the client. */
static void
forward_reply(struct upstream *up)
{
	struct hconn	*c = up->c;
	struct h1_req	*r = h1_request(up->resp);
	char		*extra = xstrdup(""), *t;
	int		 i;

	for (i = 0; i < r->nhdr; i++) {
		if (r->hdr[i].name == NULL || hop_header(r->hdr[i].name))
			continue;
		t = xasprintf("%s%s: %s\r\n", extra, r->hdr[i].name,
		    r->hdr[i].value != NULL ? r->hdr[i].value : "");
		free(extra);
		extra = t;
	}
	count(up->px->ws, tt_counter_capture(c->fwd_src, TT_CAP_FORWARDED), 1);
	http_wait_remove(c);
	c->up = NULL;
	up->c = NULL;
	http_reply_bytes(c, r->status, extra, up->reply.p, up->reply.len);
	free(extra);
	/* Devtron's bootstrap names the PostHog host it will use */
	if (up->learn && r->status == 200)
		learn_endpoint(up->px, up->reply.p, up->reply.len);
	up_close(up);
}

static int
resp_headers(void *arg, struct h1_req *r)
{
	(void)arg;
	(void)r;
	return H1_BODY;
}

static int
resp_body(void *arg, const uint8_t *p, size_t n)
{
	struct upstream	*up = arg;

	return buf_append(&up->reply, p, n) == 0 ? 0 : H1_STOP;
}

static const struct h1_ops resp_ops = { resp_headers, resp_body };

/* Plaintext of the vendor's reply. -1: failed (up_fail done). */
static int
forward_parse(struct upstream *up, const uint8_t *p, size_t n)
{
	struct h1_error	err;
	size_t		used;

	switch (h1_feed(up->resp, p, n, &used, &err)) {
	case H1_MORE:
		return 0;
	case H1_DONE:
		up->replied = 1;
		forward_reply(up);
		return -1;
	case H1_STOPPED:
		up_fail(up, "the reply is over the size limit");
		return -1;
	default:
		snprintf(up->why, sizeof up->why, "a malformed reply: %s",
		    err.why);
		up_fail(up, up->why);
		return -1;
	}
}

/* Move what the TLS session wants sent to the far end. */
static int
forward_drain(struct upstream *up)
{
	uint8_t	buf[16384];
	size_t	n;

	while ((n = tls_take(up->tls, buf, sizeof buf)) > 0)
		if (buf_append(&up->out, buf, n) != 0)
			return -1;
	return up_flush(up) < 0 ? -1 : 0;
}

/* Ciphertext from the vendor. -1: done with it. */
static int
forward_rx(struct upstream *up, const uint8_t *p, size_t n)
{
	uint8_t		 buf[16384];
	const char	*why = NULL;
	ssize_t		 k;

	tls_feed(up->tls, p, n);
	for (;;) {
		k = tls_read(up->tls, buf, sizeof buf, &why);
		if (k == 0)
			break;
		if (k == TLS_EOF) {
			struct h1_error	err;

			if (h1_eof(up->resp, &err) == H1_DONE) {
				forward_reply(up);
				return -1;
			}
			up_fail(up, "the vendor closed before its reply");
			return -1;
		}
		if (k < 0) {
			snprintf(up->why, sizeof up->why, "TLS with %s: %s",
			    up->host, why);
			up_fail(up, up->why);
			return -1;
		}
		if (forward_parse(up, buf, (size_t)k) != 0)
			return -1;
	}
	if (!up->sent && tls_handshake_done(up->tls)) {
		up->sent = 1;
		if (tls_write(up->tls, up->req.p, up->req.len, &why) != 0) {
			up_fail(up, why);
			return -1;
		}
	}
	if (forward_drain(up) != 0) {
		up_fail(up, "the connection to the vendor broke");
		return -1;
	}
	return 0;
}

/* TLS to the vendor can start. */
static void
forward_open(struct upstream *up)
{
	struct proxy	*px = up->px;
	char		*cause = NULL;

	if (px->client_ctx == NULL &&
	    (px->client_ctx = tls_client_ctx(&cause)) == NULL) {
		snprintf(up->why, sizeof up->why, "%s", cause);
		free(cause);
		up_fail(up, up->why);
		return;
	}
	up->tls = tls_client(px->client_ctx, up->host);
	up->resp = h1_new_response(&resp_ops, up, 0);
	if (forward_drain(up) != 0)
		up_fail(up, "the connection to the vendor broke");
}

void
proxy_forward(struct hconn *c, void (*fallback)(struct hconn *))
{
	struct proxy	*px = c->ws->proxy;
	struct upstream	*up;
	struct h1_req	*r = c->req;
	char		*line;
	int		 i;

	if (px->forwards >= FORWARDS_MAX) {
		count(c->ws, TT_CTR_FORWARD_FAILED, 1);
		wlog(c->ws, "%s: not forwarded to %s: %d forwards in flight "
		    "already (answered here)", c->peer, c->cap->name,
		    FORWARDS_MAX);
		fallback(c);
		return;
	}
	up = up_new(px, UP_FORWARD, c, c->cap->name, 443);
	up->fallback = fallback;
	up->learn = strcmp(c->cap->name, "telemetry.devtron.ai") == 0 &&
	    strncmp(r->path, "/devtron/telemetry/posthogInfo", 30) == 0;
	line = xasprintf("%s %s HTTP/1.1\r\n", r->method_name, r->url);
	(void)buf_append(&up->req, line, strlen(line));
	free(line);
	for (i = 0; i < r->nhdr; i++) {
		if (r->hdr[i].name == NULL || hop_header(r->hdr[i].name))
			continue;
		line = xasprintf("%s: %s\r\n", r->hdr[i].name,
		    r->hdr[i].value != NULL ? r->hdr[i].value : "");
		(void)buf_append(&up->req, line, strlen(line));
		free(line);
	}
	line = r->method == H1_POST || c->fwd_body.len > 0 ?
	    xasprintf("content-length: %zu\r\nconnection: close\r\n\r\n",
	    c->fwd_body.len) : xstrdup("connection: close\r\n\r\n");
	(void)buf_append(&up->req, line, strlen(line));
	free(line);
	(void)buf_append(&up->req, c->fwd_body.p, c->fwd_body.len);
	http_wait_add(c);
	lws_sul_schedule(lws_get_context(c->wsi), 0, &up->deadline,
	    forward_deadline, FORWARD_US);
	up->deadline_set = 1;
	up_start(up);
}

/* ---- the lws callback of upstream connections ---- */

/* The socket connected (or failed to). */
static void
up_connected(struct upstream *up)
{
	int		err = 0;
	socklen_t	len = sizeof err;
	char		why[512];

	if (getsockopt(lws_get_socket_fd(up->wsi), SOL_SOCKET, SO_ERROR, &err,
	    &len) != 0)
		err = errno;
	if (err != 0) {
		snprintf(why, sizeof why, "cannot connect to %s:%d: %s",
		    up->host, up->port, strerror(err));
		up_fail(up, why);
		return;
	}
	up->connected = 1;
	if (up->c == NULL) {
		up_close(up);
		return;
	}
	if (up->kind == UP_FORWARD)
		forward_open(up);
	else
		tunnel_open(up);
}

static int
upstream_callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	struct upstream	*up = lws_get_opaque_user_data(wsi);
	struct hconn	*c;

	(void)user;
	if (up == NULL)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_RAW_ADOPT:
		up->wsi = wsi;
		return 0;
	case LWS_CALLBACK_RAW_WRITEABLE:
		if (up->closing)
			return -1;
		if (!up->connected) {
			up_connected(up);
			return 0;
		}
		if (up_flush(up) < 0)
			return -1;
		if (up->c == NULL && up->out.len == 0 && up->kind != UP_FORWARD)
			return -1;	/* the client left; all is sent */
		if ((c = up->c) != NULL && up->kind != UP_FORWARD &&
		    up->out.len == 0 && c->paused_rx && c->state == HS_TUNNEL &&
		    up->kind == UP_TUNNEL)
			http_rx_pause(c, 0);
		return 0;
	case LWS_CALLBACK_RAW_RX:
		if (up->closing || (c = up->c) == NULL)
			return 0;
		if (up->kind == UP_FORWARD)
			return forward_rx(up, in, len) != 0 ? 0 : 0;
		lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK,
		    TUNNEL_IDLE_SECS);
		if (http_send(c, in, len) != 0) {
			up_close(up);
			return 0;
		}
		if (c->wire.len - c->wire_off > TUNNEL_BUF && !up->paused) {
			up->paused = 1;
			lws_rx_flow_control(wsi, 0);
		}
		return 0;
	case LWS_CALLBACK_RAW_CLOSE:
		lws_set_opaque_user_data(wsi, NULL);
		up->wsi = NULL;
		if ((c = up->c) != NULL) {
			if (up->kind == UP_FORWARD)
				up_fail(up, "the connection to the vendor "
				    "closed");
			else if (!up->connected)
				up_fail(up, "the far end refused or did not "
				    "answer");
			else {
				/* the far end is done: flush, then close */
				c->up = NULL;
				up->c = NULL;
				http_close_soon(c);
				up_free(up);
			}
			return 0;
		}
		up_free(up);
		return 0;
	default:
		return 0;
	}
}

const struct lws_protocols upstream_protocol = {
	"teltop-up", upstream_callback, 0, 0, 0, NULL, 0
};

/* ---- set-up ---- */

/* TELTOP_TEST_RESOLVE=host=ip:port[,...]: where tests' vendors are. */
static int
parse_overrides(struct proxy *px, const char *spec, char **cause)
{
	char		*copy = xstrdup(spec), *item, *save = NULL, *eq;
	char		 host[TT_HOST_MAX + 1];
	const char	*why;
	int		 port;
	struct override	*o;

	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		if ((eq = strchr(item, '=')) == NULL ||
		    px->nov == OVERRIDES_MAX)
			goto bad;
		*eq = '\0';
		o = &px->ov[px->nov];
		snprintf(o->host, sizeof o->host, "%s", item);
		if (tt_authority_parse(eq + 1, host, sizeof host, &port,
		    &why) != 0 || resolve(px, host, port, 0, &o->addr,
		    &o->len) != 1)
			goto bad;
		px->nov++;
	}
	free(copy);
	return 0;
bad:
	free(copy);
	*cause = xasprintf("TELTOP_TEST_RESOLVE: want host=IP:PORT[,...], "
	    "got \"%s\"", spec);
	return -1;
}

struct proxy *
proxy_create(struct ws *ws, char **cause)
{
	struct proxy	*px = xcalloc(1, sizeof *px);
	const char	*spec;

	px->ws = ws;
	if (ws->cfg.intercept != NULL)
		px->hosts = *ws->cfg.intercept;
	else
		tt_intercept_init(&px->hosts);
	pthread_mutex_init(&px->lock, NULL);
	pthread_cond_init(&px->cond, NULL);
	if ((spec = getenv("TELTOP_TEST_RESOLVE")) != NULL && *spec != '\0' &&
	    parse_overrides(px, spec, cause) != 0) {
		proxy_destroy(px);
		return NULL;
	}
	return px;
}

void
proxy_stop(struct proxy *px)
{
	if (px == NULL || !px->thread_started)
		return;
	pthread_mutex_lock(&px->lock);
	px->stop = 1;
	pthread_cond_signal(&px->cond);
	pthread_mutex_unlock(&px->lock);
	pthread_join(px->thread, NULL);
	px->thread_started = 0;
}

void
proxy_destroy(struct proxy *px)
{
	struct lookup	*l, *next;

	if (px == NULL)
		return;
	proxy_stop(px);
	for (l = px->queue; l != NULL; l = next) {
		next = l->next;
		free(l);
	}
	ca_free(px->ca);
	SSL_CTX_free(px->client_ctx);
	pthread_mutex_destroy(&px->lock);
	pthread_cond_destroy(&px->cond);
	free(px);
}

int
proxy_tunnels(const struct ws *ws)
{
	return ws->proxy != NULL ? ws->proxy->tunnels : 0;
}

const struct tt_host *
proxy_intercepted(struct ws *ws, const char *host)
{
	return tt_intercept_find(&ws->proxy->hosts, host);
}

/* Does a header carry a secret?  Its value is then masked. */
static int
secret_header(const char *name)
{
	static const char	*words[] = { "authorization", "cookie", "token",
				    "secret", "key", "password", "auth" };
	char			 low[128];
	size_t			 i;

	for (i = 0; name[i] != '\0' && i < sizeof low - 1; i++)
		low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ?
		    name[i] - 'A' + 'a' : name[i]);
	low[i] = '\0';
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strstr(low, words[i]) != NULL)
			return 1;
	return 0;
}

/* "Bearer abc..." -> "Bearer •••"; any other secret -> "•••". */
static char *
masked(const char *v)
{
	size_t	n = strcspn(v, " ");

	if (v[n] == ' ' && n > 0 && n < 16)
		return xasprintf("%.*s \xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2",
		    (int)n, v);
	return xstrdup("\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2");
}

char *
proxy_capture_json(struct hconn *c)
{
	struct h1_req	*r = c->req;
	cJSON		*o, *hdrs, *pair;
	char		*text, *m;
	int		 i;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "host", c->cap->name);
	cJSON_AddStringToObject(o, "method", r->method_name);
	cJSON_AddStringToObject(o, "path", r->url);
	hdrs = cJSON_AddArrayToObject(o, "headers");
	for (i = 0; i < r->nhdr; i++) {
		if (r->hdr[i].name == NULL ||
		    strncasecmp(r->hdr[i].name, "proxy-", 6) == 0)
			continue;
		pair = cJSON_CreateArray();
		cJSON_AddItemToArray(pair, cJSON_CreateString(r->hdr[i].name));
		if (secret_header(r->hdr[i].name)) {
			m = masked(r->hdr[i].value != NULL ?
			    r->hdr[i].value : "");
			cJSON_AddItemToArray(pair, cJSON_CreateString(m));
			free(m);
		} else
			cJSON_AddItemToArray(pair, cJSON_CreateString(
			    r->hdr[i].value != NULL ? r->hdr[i].value : ""));
		cJSON_AddItemToArray(hdrs, pair);
	}
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (text == NULL)
		fatal("out of memory");
	m = xstrdup(text);
	cJSON_free(text);
	return m;
}
