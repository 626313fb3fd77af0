/*
 * HTTP/1.1 request parsing on http-parser: the callbacks collect the
 * request target and headers (bounded), hand body bytes over, and pause
 * the parser at the end of each request so that the caller answers it
 * before the next one is read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <http_parser.h>

#include "core/utf8.h"
#include "core/xmalloc.h"
#include "h1.h"

struct h1 {
	http_parser		 hp;
	const struct h1_ops	*ops;
	void			*arg;
	struct h1_req		 req;
	int			 stop;		/* why a callback stopped */
	int			 discard;	/* skip this body */
	int			 response;	/* parsing replies, not requests */
	int			 head;		/* the reply is to a HEAD */
};

/* Why one of our callbacks stopped the parser. */
enum { STOP_NONE, STOP_URI, STOP_HEADERS, STOP_NUL, STOP_CALLER, STOP_STATUS };

static int	on_url(http_parser *, const char *, size_t);
static int	on_header_field(http_parser *, const char *, size_t);
static int	on_header_value(http_parser *, const char *, size_t);
static int	on_headers_complete(http_parser *);
static int	on_body(http_parser *, const char *, size_t);
static int	on_message_complete(http_parser *);

static const http_parser_settings settings = {
	.on_url = on_url,
	.on_header_field = on_header_field,
	.on_header_value = on_header_value,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_message_complete,
};

static void
req_clear(struct h1_req *r)
{
	int	i;

	free(r->url);
	free(r->path);
	for (i = 0; i < r->nhdr; i++) {
		free(r->hdr[i].name);
		free(r->hdr[i].value);
	}
	memset(r, 0, sizeof *r);
}

/* Append to a malloc'd string of length *len. */
static void
str_append(char **s, size_t *len, const char *p, size_t n)
{
	*s = xrealloc(*s, *len + n + 1);
	memcpy(*s + *len, p, n);
	*len += n;
	(*s)[*len] = '\0';
}

static int
on_url(http_parser *hp, const char *p, size_t n)
{
	struct h1	*h = hp->data;
	struct h1_req	*r = &h->req;

	if (r->url_len + n > H1_URI_MAX) {
		h->stop = STOP_URI;
		return 1;
	}
	str_append(&r->url, &r->url_len, p, n);
	return 0;
}

/* Count n more bytes of the header section: 1 (stopped) past its bound or
 * on a NUL byte. */
static int
header_bytes(struct h1 *h, const char *p, size_t n)
{
	h->req.hdr_bytes += n;
	if (memchr(p, '\0', n) != NULL) {
		h->stop = STOP_NUL;
		return 1;
	}
	if (h->req.hdr_bytes > H1_HEADER_MAX) {
		h->stop = STOP_HEADERS;
		return 1;
	}
	return 0;
}

static int
on_header_field(http_parser *hp, const char *p, size_t n)
{
	struct h1	*h = hp->data;
	struct h1_req	*r = &h->req;
	struct h1_hdr	*x;
	size_t		 len;

	if (header_bytes(h, p, n) != 0)
		return 1;
	if (r->in_value || r->nhdr == 0) {
		if (r->nhdr == H1_HEADERS_MAX)
			goto too_big;
		r->nhdr++;
		r->in_value = 0;
	}
	x = &r->hdr[r->nhdr - 1];
	len = x->name != NULL ? strlen(x->name) : 0;
	str_append(&x->name, &len, p, n);
	return 0;
too_big:
	h->stop = STOP_HEADERS;
	return 1;
}

static int
on_header_value(http_parser *hp, const char *p, size_t n)
{
	struct h1	*h = hp->data;
	struct h1_req	*r = &h->req;
	struct h1_hdr	*x;
	size_t		 len;

	if (header_bytes(h, p, n) != 0)
		return 1;
	if (r->nhdr == 0) {
		h->stop = STOP_HEADERS;
		return 1;
	}
	x = &r->hdr[r->nhdr - 1];
	len = x->value != NULL ? strlen(x->value) : 0;
	str_append(&x->value, &len, p, n);
	r->in_value = 1;
	return 0;
}

static enum h1_method
method_of(unsigned m)
{
	switch (m) {
	case HTTP_DELETE:
		return H1_DELETE;
	case HTTP_GET:
		return H1_GET;
	case HTTP_HEAD:
		return H1_HEAD;
	case HTTP_POST:
		return H1_POST;
	case HTTP_PUT:
		return H1_PUT;
	case HTTP_CONNECT:
		return H1_CONNECT;
	case HTTP_OPTIONS:
		return H1_OPTIONS;
	default:
		return H1_OTHER;
	}
}

static int
on_headers_complete(http_parser *hp)
{
	struct h1	*h = hp->data;
	struct h1_req	*r = &h->req;
	const char	*up;
	char		*q;
	int		 rc;

	r->method = method_of(hp->method);
	if (h->response) {
		r->status = (int)hp->status_code;
		if (r->status < 100 || r->status > 599) {
			h->stop = STOP_STATUS;	/* http-parser takes 0-999 */
			return 3;
		}
		r->keep_alive = http_should_keep_alive(hp);
		r->has_length = (hp->flags & F_CONTENTLENGTH) != 0;
		r->content_length = r->has_length ? hp->content_length : 0;
		r->chunked = (hp->flags & F_CHUNKED) != 0;
		if (h->ops->headers(h->arg, r) == H1_STOP) {
			h->stop = STOP_CALLER;
			return 3;
		}
		/* 1: no body (a reply to HEAD) */
		return h->head ? 1 : 0;
	}
	r->method_name = http_method_str((enum http_method)hp->method);
	r->keep_alive = http_should_keep_alive(hp);
	r->has_length = (hp->flags & F_CONTENTLENGTH) != 0;
	r->content_length = r->has_length ? hp->content_length : 0;
	r->chunked = (hp->flags & F_CHUNKED) != 0;
	if (r->url == NULL)
		r->url = xstrdup("/");
	r->path = xstrdup(r->url);
	if ((q = strchr(r->path, '?')) != NULL) {
		*q = '\0';
		r->query = r->url + (q - r->path) + 1;
	}
	/* Only WebSocket (and CONNECT) are upgrades here: RFC 7230 6.7 lets a
	 * server ignore any other offer (curl --http2's h2c) and answer. */
	up = h1_header(r, "upgrade");
	if (hp->upgrade && hp->method != HTTP_CONNECT && (up == NULL ||
	    strcasecmp(up, "websocket") != 0))
		hp->upgrade = 0;
	if (hp->upgrade) {
		/* h1_feed() reports it once whole; a body is not ours */
		h->discard = 1;
		return 0;
	}
	rc = h->ops->headers(h->arg, r);
	if (rc == H1_STOP) {
		h->stop = STOP_CALLER;
		return 3;	/* any other value than 0, 1, 2: an error */
	}
	h->discard = rc == H1_DISCARD;
	return 0;
}

static int
on_body(http_parser *hp, const char *p, size_t n)
{
	struct h1	*h = hp->data;

	if (h->discard)
		return 0;
	if (h->ops->body(h->arg, (const uint8_t *)p, n) == H1_STOP) {
		h->stop = STOP_CALLER;
		return 1;
	}
	return 0;
}

static int
on_message_complete(http_parser *hp)
{
	/* One request at a time: the rest waits for this one's reply. */
	http_parser_pause(hp, 1);
	return 0;
}

struct h1 *
h1_new(const struct h1_ops *ops, void *arg)
{
	struct h1	*h = xcalloc(1, sizeof *h);

	http_parser_init(&h->hp, HTTP_REQUEST);
	h->hp.data = h;
	h->ops = ops;
	h->arg = arg;
	return h;
}

struct h1 *
h1_new_response(const struct h1_ops *ops, void *arg, int head)
{
	struct h1	*h = h1_new(ops, arg);

	http_parser_init(&h->hp, HTTP_RESPONSE);
	h->hp.data = h;
	h->response = 1;
	h->head = head;
	return h;
}

enum h1_result
h1_eof(struct h1 *h, struct h1_error *err)
{
	size_t	used;

	/* a reply without a length ends with the connection */
	return h1_feed(h, NULL, 0, &used, err);
}

void
h1_free(struct h1 *h)
{
	if (h == NULL)
		return;
	req_clear(&h->req);
	free(h);
}

struct h1_req *
h1_request(struct h1 *h)
{
	return &h->req;
}

void
h1_next(struct h1 *h)
{
	req_clear(&h->req);
	h->stop = STOP_NONE;
	h->discard = 0;
	http_parser_pause(&h->hp, 0);
}

/* The error the parser found, as a status and words. */
static void
describe(struct h1 *h, enum http_errno e, struct h1_error *err)
{
	const char	*why = http_errno_description(e);

	err->status = 400;
	if (h->stop == STOP_URI) {
		err->status = 414;
		snprintf(err->why, sizeof err->why, "request target longer "
		    "than %d bytes", H1_URI_MAX);
	} else if (h->stop == STOP_HEADERS || e == HPE_HEADER_OVERFLOW) {
		err->status = 431;
		snprintf(err->why, sizeof err->why, "request header section "
		    "over %d bytes or %d lines", H1_HEADER_MAX,
		    H1_HEADERS_MAX);
	} else if (h->stop == STOP_STATUS) {
		snprintf(err->why, sizeof err->why, "a status outside "
		    "100-599");
	} else if (h->stop == STOP_NUL) {
		snprintf(err->why, sizeof err->why, "a NUL byte in a header");
	} else if (e == HPE_INVALID_METHOD) {
		err->status = 405;
		snprintf(err->why, sizeof err->why, "unknown method");
	} else if (e == HPE_UNEXPECTED_CONTENT_LENGTH ||
	    e == HPE_INVALID_CONTENT_LENGTH ||
	    e == HPE_INVALID_TRANSFER_ENCODING) {
		snprintf(err->why, sizeof err->why, "bad request framing: %s "
		    "(a Content-Length must be one non-negative number, and "
		    "not sent with Transfer-Encoding: chunked)", why);
	} else
		snprintf(err->why, sizeof err->why, "malformed HTTP request: "
		    "%s", why);
}

enum h1_result
h1_feed(struct h1 *h, const uint8_t *p, size_t n, size_t *used,
    struct h1_error *err)
{
	enum http_errno	e;

	*used = http_parser_execute(&h->hp, &settings, (const char *)p, n);
	e = HTTP_PARSER_ERRNO(&h->hp);
	/* upgrade is set at the headers, but the parser goes on through a
	 * body, if any: only a paused parser has finished the request */
	if (h->hp.upgrade && e == HPE_PAUSED)
		return H1_UPGRADE;
	if (e == HPE_PAUSED)
		return H1_DONE;
	if (e == HPE_OK)
		return H1_MORE;
	if (h->stop == STOP_CALLER)
		return H1_STOPPED;
	describe(h, e, err);
	return H1_ERROR;
}

const char *
h1_header(const struct h1_req *r, const char *name)
{
	int	i;

	for (i = 0; i < r->nhdr; i++)
		if (r->hdr[i].name != NULL &&
		    strcasecmp(r->hdr[i].name, name) == 0)
			return r->hdr[i].value != NULL ? r->hdr[i].value : "";
	return NULL;
}

const char *
h1_query(const struct h1_req *r, const char *name, char *buf, size_t len)
{
	const char	*q = r->query, *v, *end;
	size_t		 nlen = strlen(name), o = 0;
	int		 hi, lo;

	while (q != NULL && *q != '\0') {
		end = strchr(q, '&');
		if (end == NULL)
			end = q + strlen(q);
		if ((size_t)(end - q) > nlen && strncmp(q, name, nlen) == 0 &&
		    q[nlen] == '=') {
			for (v = q + nlen + 1; v < end && o + 1 < len; v++) {
				if (*v == '%' && end - v >= 3 &&
				    (hi = tt_hexval(v[1])) >= 0 &&
				    (lo = tt_hexval(v[2])) >= 0) {
					buf[o++] = (char)(hi * 16 + lo);
					v += 2;
				} else
					buf[o++] = *v == '+' ? ' ' : *v;
			}
			buf[o] = '\0';
			return o > 0 ? buf : NULL;
		}
		q = *end == '&' ? end + 1 : end;
	}
	return NULL;
}

const char *
h1_status_text(int status)
{
	const char	*s = http_status_str((enum http_status)status);

	return s != NULL && strcmp(s, "<unknown>") != 0 ? s : "Status";
}
