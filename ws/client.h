/*
 * A WebSocket client for `teltop send`: one connection, messages sent in
 * order, one reply awaited per message.
 */
#ifndef TT_WS_CLIENT_H
#define TT_WS_CLIENT_H

#include <stddef.h>

struct ws_msg {
	const char	*data;
	size_t		 len;
};

/*
 * Send n messages to url (ws://host:port/path) and call on_reply for each
 * reply.  0 when every message got its reply; -1 with *cause (caller
 * frees) when the connection failed or timed out.
 */
int	ws_client_send(const char *url, const struct ws_msg *, size_t n,
	    void (*on_reply)(void *, const char *, size_t), void *arg,
	    int timeout_ms, char **cause);

#endif
