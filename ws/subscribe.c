/*
 * The viewer's end of GET /v1/stream: a WebSocket client on a small lws
 * context of its own, which also watches the terminal and keeps the frame
 * timer, so that `teltop watch` runs one loop as the collector's UI does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "core/xmalloc.h"
#include "body.h"
#include "subscribe.h"

#define SUB_MESSAGE_MAX	(256u * 1024 * 1024)	/* the hello holds the stats */

struct ws_sub {
	struct lws_context	*ctx;
	struct lws		*wsi;
	struct ws_sub_cb	 cb;
	struct tt_buf		 rx;
	int			 closed;
	char			*why;
	lws_sorted_usec_list_t	 wake;
	char			 hosthdr[300];
	char			*auth;		/* "Bearer ...", or NULL */
};

static int
sub_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct ws_sub	*s = lws_context_user(lws_get_context(wsi));

	(void)user;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		/* the token as a header: never in the URL (logs, proxies) */
		if (s->auth != NULL) {
			unsigned char	**p = in, *end = *p + len;

			if (lws_add_http_header_by_token(wsi,
			    WSI_TOKEN_HTTP_AUTHORIZATION,
			    (const unsigned char *)s->auth,
			    (int)strlen(s->auth), p, end) != 0)
				return -1;
		}
		break;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		free(s->why);
		s->why = xstrdup(in != NULL ? (const char *)in :
		    "connection failed");
		s->closed = 1;
		s->wsi = NULL;
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (lws_is_first_fragment(wsi))
			buf_reset(&s->rx);
		if (buf_append(&s->rx, in, len) != 0) {
			free(s->why);
			s->why = xstrdup("a message from the collector is too "
			    "big");
			s->closed = 1;
			return -1;
		}
		if (lws_is_final_fragment(wsi) &&
		    lws_remaining_packet_payload(wsi) == 0) {
			s->cb.message(s->cb.arg, (const char *)s->rx.p,
			    s->rx.len);
			buf_reset(&s->rx);
			if (s->rx.cap > 1024 * 1024)
				buf_free(&s->rx);
		}
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (s->why == NULL)
			s->why = xstrdup("the collector closed the stream");
		s->closed = 1;
		s->wsi = NULL;
		break;
	default:
		break;
	}
	return 0;
}

static int
fd_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct ws_sub	*s = lws_context_user(lws_get_context(wsi));

	(void)user;
	(void)in;
	(void)len;
	if (reason == LWS_CALLBACK_RAW_RX_FILE && s->cb.fd != NULL)
		s->cb.fd(s->cb.arg);
	return 0;
}

static const struct lws_protocols sub_protocols[] = {
	{ "teltop-stream", sub_cb, 0, 65536, 0, NULL, 0 },
	{ "teltop-fd", fd_cb, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

struct ws_sub *
ws_sub_open(const char *host, int port, const char *path, const char *token,
    const struct ws_sub_cb *cb, char **cause)
{
	struct lws_context_creation_info	 info;
	struct lws_client_connect_info		 ci;
	struct ws_sub				*s;

	*cause = NULL;
	s = xcalloc(1, sizeof *s);
	s->cb = *cb;
	s->auth = token != NULL ? xasprintf("Bearer %s", token) : NULL;
	buf_init(&s->rx, SUB_MESSAGE_MAX);
	lws_set_log_level(0, NULL);
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = sub_protocols;
	info.user = s;
	if ((s->ctx = lws_create_context(&info)) == NULL) {
		*cause = xstrdup("cannot create a libwebsockets context");
		free(s->auth);
		free(s);
		return NULL;
	}
	memset(&ci, 0, sizeof ci);
	ci.context = s->ctx;
	ci.address = host;
	ci.port = port;
	ci.path = path;
	/* the Host a collector checks names it with its port */
	snprintf(s->hosthdr, sizeof s->hosthdr, "%s:%d", host, port);
	ci.host = s->hosthdr;
	ci.origin = NULL;
	ci.protocol = "teltop-stream";
	if ((s->wsi = lws_client_connect_via_info(&ci)) == NULL) {
		*cause = xasprintf("cannot connect to %s:%d", host, port);
		ws_sub_close(s);
		return NULL;
	}
	return s;
}

int
ws_sub_watch_fd(struct ws_sub *s, int fd)
{
	lws_sock_file_fd_type	u;

	u.filefd = (lws_filefd_type)fd;
	return lws_adopt_descriptor_vhost(lws_get_vhost_by_name(s->ctx,
	    "default"), LWS_ADOPT_RAW_FILE_DESC, u, "teltop-fd", NULL) !=
	    NULL ? 0 : -1;
}

static void
wake_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul;
}

int
ws_sub_service(struct ws_sub *s, int64_t timeout_us)
{
	if (timeout_us >= 0)
		lws_sul_schedule(s->ctx, 0, &s->wake, wake_cb,
		    timeout_us > 0 ? timeout_us : 1);
	if (lws_service(s->ctx, 0) < 0)
		return -1;
	return s->closed ? -1 : 0;
}

const char *
ws_sub_why(const struct ws_sub *s)
{
	return s->closed ? (s->why != NULL ? s->why : "closed") : NULL;
}

void
ws_sub_close(struct ws_sub *s)
{
	if (s == NULL)
		return;
	lws_sul_cancel(&s->wake);
	if (s->ctx != NULL)
		lws_context_destroy(s->ctx);
	buf_free(&s->rx);
	free(s->why);
	free(s->auth);
	free(s);
}
