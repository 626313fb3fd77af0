/*
 * The WebSocket client behind `teltop send`, on its own small lws context.
 * Runs on the caller's thread until every reply is in or the time is up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "core/xmalloc.h"
#include "body.h"
#include "client.h"

struct client {
	const struct ws_msg	*msgs;
	size_t			 n;
	size_t			 sent;
	size_t			 replies;
	int			 failed;
	int			 closed;
	char			*cause;
	struct tt_buf		 rx;
	void			(*on_reply)(void *, const char *, size_t);
	void			*arg;
};

static int
client_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct client	*c = lws_context_user(lws_get_context(wsi));
	unsigned char	*buf;
	int		 n;

	(void)user;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		c->failed = 1;
		c->cause = xasprintf("%s", in != NULL ? (const char *)in :
		    "connection failed");
		c->closed = 1;
		break;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		if (c->n > 0)
			lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if (c->sent >= c->n)
			break;
		buf = xmalloc(LWS_PRE + c->msgs[c->sent].len);
		memcpy(buf + LWS_PRE, c->msgs[c->sent].data,
		    c->msgs[c->sent].len);
		n = lws_write(wsi, buf + LWS_PRE, c->msgs[c->sent].len,
		    LWS_WRITE_TEXT);
		free(buf);
		if (n < 0) {
			c->failed = 1;
			c->cause = xstrdup("write failed");
			return -1;
		}
		if (++c->sent < c->n)
			lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (lws_is_first_fragment(wsi))
			buf_reset(&c->rx);
		(void)buf_append(&c->rx, in, len);
		if (lws_is_final_fragment(wsi) &&
		    lws_remaining_packet_payload(wsi) == 0) {
			c->replies++;
			c->on_reply(c->arg, (const char *)c->rx.p, c->rx.len);
			if (c->replies >= c->n) {
				c->closed = 1;
				return -1;
			}
		}
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (c->replies < c->n && !c->failed) {
			c->failed = 1;
			c->cause = xasprintf("the collector closed the "
			    "connection after %zu of %zu replies", c->replies,
			    c->n);
		}
		c->closed = 1;
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols client_protocols[] = {
	{ "teltop-ingest", client_cb, 0, 65536, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

int
ws_client_send(const char *url, const struct ws_msg *msgs, size_t n,
    void (*on_reply)(void *, const char *, size_t), void *arg,
    int timeout_ms, char **cause)
{
	struct lws_context_creation_info	 info;
	struct lws_client_connect_info		 ci;
	struct lws_context			*ctx;
	struct client				 c;
	const char				*prot, *addr, *path;
	char					*copy, *fullpath;
	lws_usec_t				 deadline;
	int					 port;

	*cause = NULL;
	memset(&c, 0, sizeof c);
	c.msgs = msgs;
	c.n = n;
	c.on_reply = on_reply;
	c.arg = arg;
	buf_init(&c.rx, 64 * 1024 * 1024);

	copy = xstrdup(url);
	if (lws_parse_uri(copy, &prot, &addr, &port, &path) != 0 ||
	    (strcmp(prot, "ws") != 0 && strcmp(prot, "http") != 0)) {
		*cause = xasprintf("bad URL '%s': expected ws://HOST:PORT/ws",
		    url);
		free(copy);
		return -1;
	}
	fullpath = xasprintf("/%s", path);

	lws_set_log_level(LLL_ERR, NULL);
	lws_set_log_level(0, NULL);
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = client_protocols;
	info.user = &c;
	if ((ctx = lws_create_context(&info)) == NULL) {
		*cause = xstrdup("cannot create a libwebsockets context");
		free(copy);
		free(fullpath);
		return -1;
	}
	memset(&ci, 0, sizeof ci);
	ci.context = ctx;
	ci.address = addr;
	ci.port = port;
	ci.path = fullpath;
	ci.host = addr;
	ci.protocol = "teltop-ingest";
	if (lws_client_connect_via_info(&ci) == NULL) {
		c.failed = 1;
		c.cause = xasprintf("cannot connect to %s", url);
	}
	deadline = lws_now_usecs() + (lws_usec_t)timeout_ms * 1000;
	while (!c.failed && !c.closed && lws_now_usecs() < deadline)
		if (lws_service(ctx, 50) < 0)
			break;
	if (!c.failed && c.replies < c.n) {
		c.failed = 1;
		c.cause = xasprintf("timed out after %d ms waiting for %zu "
		    "replies", timeout_ms, c.n - c.replies);
	}
	lws_context_destroy(ctx);
	free(copy);
	free(fullpath);
	buf_free(&c.rx);
	if (c.failed) {
		*cause = xasprintf("%s: %s", url, c.cause);
		free(c.cause);
		return -1;
	}
	return 0;
}
