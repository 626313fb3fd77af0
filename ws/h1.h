/*
 * One HTTP/1.1 connection's requests, parsed from the bytes received:
 * request line, headers, and the body de-chunked, one request at a time.
 * The parsing is Debian's http-parser (it cannot share a translation unit
 * with libwebsockets.h: both declare enum http_status), so this module
 * has no lws in it and can be fuzzed alone.
 *
 * Bounds: the request target (HTTP_URI_MAX: 414), the header section
 * (HTTP_HEADER_MAX bytes, H1_HEADERS_MAX lines: 431).  The body is handed
 * to the caller piece by piece; the caller bounds it.
 */
#ifndef TT_H1_H
#define TT_H1_H

#include <stddef.h>
#include <stdint.h>

#define H1_URI_MAX	8192
#define H1_HEADER_MAX	16384
#define H1_HEADERS_MAX	64

enum h1_method {
	H1_DELETE, H1_GET, H1_HEAD, H1_POST, H1_PUT, H1_CONNECT, H1_OPTIONS,
	H1_OTHER
};

struct h1_hdr {
	char	*name;
	char	*value;
};

/* The current request: valid from the headers callback to h1_next(). */
struct h1_req {
	enum h1_method	 method;
	const char	*method_name;
	char		*url;		/* request target as sent */
	size_t		 url_len;
	char		*path;		/* up to '?' */
	const char	*query;		/* after '?' (in url), or NULL */
	struct h1_hdr	 hdr[H1_HEADERS_MAX];
	int		 nhdr;
	size_t		 hdr_bytes;
	int		 in_value;
	int		 keep_alive;
	int		 has_length;	/* Content-Length was sent */
	uint64_t	 content_length;
	int		 chunked;
	int		 status;	/* of a reply (h1_new_response) */
};

/* What the parser tells the connection. */
struct h1_ops {
	/*
	 * The headers are in: H1_BODY to take the body, H1_DISCARD to skip
	 * it (a reply is ready), H1_STOP to stop parsing (reply, close).
	 */
	int	(*headers)(void *arg, struct h1_req *);
	/* Body bytes (de-chunked): 0, or H1_STOP. */
	int	(*body)(void *arg, const uint8_t *, size_t);
};
enum { H1_BODY = 0, H1_DISCARD = 1, H1_STOP = 2 };

/* What h1_feed() found. */
enum h1_result {
	H1_MORE,	/* everything consumed: send more */
	H1_DONE,	/* a whole request; *used bytes were consumed */
	H1_UPGRADE,	/* an upgrade or CONNECT request's headers are in */
	H1_STOPPED,	/* a callback said H1_STOP */
	H1_ERROR	/* malformed: status and why say how */
};

struct h1_error {
	int		 status;	/* 400, 405, 414, 431 */
	char		 why[200];
};

struct h1;

struct h1	*h1_new(const struct h1_ops *, void *arg);
/*
 * A parser of replies instead (what a forward reads back): the headers
 * callback sees status, headers and framing; head: the reply is to a
 * HEAD request (no body).  method, url and path are not set.
 */
struct h1	*h1_new_response(const struct h1_ops *, void *arg, int head);
/* The peer closed: H1_DONE if that ended the reply, H1_ERROR if cut. */
enum h1_result	 h1_eof(struct h1 *, struct h1_error *);
void		 h1_free(struct h1 *);
/* Parse; stops after each whole request (then call h1_next()). */
enum h1_result	 h1_feed(struct h1 *, const uint8_t *, size_t, size_t *used,
		     struct h1_error *);
/* The request being parsed or just parsed. */
struct h1_req	*h1_request(struct h1 *);
/* Done with that request: parse the next one. */
void		 h1_next(struct h1 *);
/* The header name's value in r (case-insensitive), or NULL. */
const char	*h1_header(const struct h1_req *, const char *name);
/* Query argument name (no '='), percent-decoded into buf; NULL if absent
 * or empty. */
const char	*h1_query(const struct h1_req *, const char *name, char *buf,
		     size_t len);
/* The reason phrase of a status code. */
const char	*h1_status_text(int status);

#endif
