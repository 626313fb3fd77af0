/*
 * A viewer's subscription to a collector's GET /v1/stream (ws/stream.c),
 * on a loop of its own that also watches one descriptor (the terminal) and
 * wakes for the next frame.
 */
#ifndef TT_WS_SUBSCRIBE_H
#define TT_WS_SUBSCRIBE_H

#include <stddef.h>
#include <stdint.h>

struct ws_sub;

struct ws_sub_cb {
	/* one whole text message (the hello, an event, a delta, ...) */
	void	(*message)(void *arg, const char *p, size_t len);
	/* the watched descriptor is readable */
	void	(*fd)(void *arg);
	void	*arg;
};

/* Connect (path with its query: "/v1/stream?stats=1"), with the token as
 * "Authorization: Bearer" when not NULL; the messages come while
 * ws_sub_service() runs.  NULL with *cause. */
struct ws_sub	*ws_sub_open(const char *host, int port, const char *path,
		    const char *token, const struct ws_sub_cb *, char **cause);
int		 ws_sub_watch_fd(struct ws_sub *, int fd);
/* Serve until something happened or timeout_us passed (-1: no timeout);
 * -1 once the stream is closed (ws_sub_why says why). */
int		 ws_sub_service(struct ws_sub *, int64_t timeout_us);
const char	*ws_sub_why(const struct ws_sub *);
void		 ws_sub_close(struct ws_sub *);

#endif
