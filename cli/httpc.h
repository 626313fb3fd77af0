/*
 * A small blocking HTTP/1.1 client for `teltop wrap`, `demo`, `capture`,
 * `replay`/`import` and `watch`, on libcurl.  Plain http:// only.  A handle
 * is one keep-alive connection to one host, opened on first use and
 * reopened when the server has closed it.  Every call is bounded by a total
 * timeout, and a signal never cuts a call short (the caller checks its own
 * flags between calls).  The *_proxy variables of the environment are not
 * used: the collector is always reached directly.
 */
#ifndef TT_HTTPC_H
#define TT_HTTPC_H

#include <stddef.h>

struct httpc;

/* One request.  The strings and the body stay the caller's. */
struct httpc_req {
	const char	*method;	/* NULL: POST with a body, else GET */
	const char	*path;		/* after the URL's own path */
	const char	*ctype;		/* Content-Type, or NULL */
	const char	*cenc;		/* Content-Encoding, or NULL */
	const char	*agent;		/* User-Agent; NULL: teltop, "": none */
	const char	*auth;		/* Authorization value, or NULL */
	const char	*extra;		/* more header lines, each ending
					   "\r\n"; or NULL */
	const void	*body;
	size_t		 len;
};

/*
 * A handle for url (http://host[:port][/path]); connecting is limited to
 * connect_ms whatever the timeout of a call.  NULL with *cause (caller
 * frees) when the URL is not one this client can use.
 */
struct httpc	*httpc_new(const char *url, int connect_ms, char **cause);
/* Close the connection and free the handle. */
void		 httpc_free(struct httpc *);

/*
 * Send a request and read its reply within timeout_ms: the HTTP status,
 * or -1 with *cause (caller frees).
 */
int		 httpc_request(struct httpc *, const struct httpc_req *,
		    int timeout_ms, char **cause);
/*
 * The two halves of httpc_request(), to keep one request in flight on each
 * of several handles.  The request must stay valid until httpc_recv()
 * returns: a reused connection the server had closed is reopened and the
 * request sent again.
 */
int		 httpc_send(struct httpc *, const struct httpc_req *,
		    int timeout_ms, char **cause);
int		 httpc_recv(struct httpc *, int timeout_ms, char **cause);

/*
 * The last reply's body, whole (a reply is at most 40 MiB), with a NUL
 * after it; "" before any reply.  Valid until the next call on the handle.
 */
const char	*httpc_body(const struct httpc *);
/* Its length in bytes (it may hold NULs). */
size_t		 httpc_body_len(const struct httpc *);
/* Did the last reply say "Teltop-Proxy-Auth: token" (a collector's
 * proxy that needs the token: GET /v1/ca tells)? */
int		 httpc_proxy_auth(const struct httpc *);
/* "host:port" of the handle, for messages. */
const char	*httpc_where(const struct httpc *);

#endif
