/*
 * The blocking HTTP/1.1 client of httpc.h.  One handle holds at most one
 * connection (fd -1 when closed) and at most one request in flight.  A reply
 * is read whole into a buffer (the collector's replies are small) and parsed
 * after each read: Content-Length, chunked, or up to the end of the
 * connection.  Sockets are non-blocking; poll() bounds every wait, and
 * EINTR only means "wait again for what is left".
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/xmalloc.h"
#include "httpc.h"

#define HTTPC_AGENT	"teltop"
#define HTTPC_REPLY_MAX	(40 * 1024 * 1024)	/* larger: an error */

struct httpc {
	char		*host;		/* for getaddrinfo() */
	char		*hosthdr;	/* Host: header value */
	char		*port;
	char		*base;		/* URL path, no final / */
	char		*where;		/* "host:port" */
	int		 connect_ms;

	int		 fd;		/* -1: not connected */
	unsigned	 served;	/* replies read on this connection */

	struct httpc_req req;		/* the request in flight */
	char		*head;		/* request line, headers */
	int		 inflight;

	char		*in;		/* the reply so far */
	size_t		 inlen;
	size_t		 incap;
	char		*body;		/* the last reply's body, NUL ended */
	size_t		 bodylen;
	size_t		 bodycap;
	int		 proxy_auth;	/* the last reply said Teltop-Proxy-Auth */
};

/* Milliseconds on the monotonic clock. */
static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is ready for events or the deadline: 1, 0 (timeout), -1. */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd	pfd;
	int64_t		left;
	int		rc;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return 0;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		rc = poll(&pfd, 1, (int)(left > 60000 ? 60000 : left));
		if (rc > 0)
			return 1;
		if (rc < 0 && errno != EINTR)
			return -1;
	}
}

/* Parse the URL into a handle; no connection yet. */
struct httpc *
httpc_new(const char *url, int connect_ms, char **cause)
{
	struct httpc	*h;
	const char	*p, *hostend, *slash;
	size_t		 n;

	if (strncasecmp(url, "http://", 7) != 0) {
		*cause = xasprintf("%s: only http:// URLs are supported%s", url,
		    strncasecmp(url, "https://", 8) == 0 ?
		    " (no TLS here; the collector speaks plain HTTP)" : "");
		return NULL;
	}
	p = url + 7;
	slash = strchr(p, '/');
	hostend = slash != NULL ? slash : p + strlen(p);
	if (hostend == p) {
		*cause = xasprintf("%s: no host in the URL", url);
		return NULL;
	}
	h = xcalloc(1, sizeof *h);
	h->fd = -1;
	h->connect_ms = connect_ms > 0 ? connect_ms : 1000;
	h->hosthdr = xstrndup(p, (size_t)(hostend - p));
	if (*p == '[') {
		const char *rb = memchr(p, ']', (size_t)(hostend - p));

		if (rb == NULL || (rb + 1 != hostend && rb[1] != ':'))
			goto bad;
		h->host = xstrndup(p + 1, (size_t)(rb - p - 1));
		h->port = xstrndup(rb + 1 != hostend ? rb + 2 : "80",
		    rb + 1 != hostend ? (size_t)(hostend - rb - 2) : 2);
	} else {
		const char *colon = memchr(p, ':', (size_t)(hostend - p));

		if (colon != NULL) {
			h->host = xstrndup(p, (size_t)(colon - p));
			h->port = xstrndup(colon + 1,
			    (size_t)(hostend - colon - 1));
		} else {
			h->host = xstrndup(p, (size_t)(hostend - p));
			h->port = xstrdup("80");
		}
	}
	if (h->host[0] == '\0' || h->port[0] == '\0' ||
	    strspn(h->port, "0123456789") != strlen(h->port))
		goto bad;
	h->base = xstrdup(slash != NULL ? slash : "");
	n = strlen(h->base);
	while (n > 0 && h->base[n - 1] == '/')
		h->base[--n] = '\0';
	h->where = xasprintf("%s", h->hosthdr);
	return h;
bad:
	*cause = xasprintf("%s: bad host or port in the URL", url);
	httpc_free(h);
	return NULL;
}

/* Close the connection, if open. */
static void
disconnect(struct httpc *h)
{
	if (h->fd != -1)
		close(h->fd);
	h->fd = -1;
	h->served = 0;
}

/* Close and free. */
void
httpc_free(struct httpc *h)
{
	if (h == NULL)
		return;
	disconnect(h);
	free(h->host);
	free(h->hosthdr);
	free(h->port);
	free(h->base);
	free(h->where);
	free(h->head);
	free(h->in);
	free(h->body);
	free(h);
}

/* The last reply's body. */
const char *
httpc_body(const struct httpc *h)
{
	return h->body != NULL ? h->body : "";
}

/* Its length. */
size_t
httpc_body_len(const struct httpc *h)
{
	return h->bodylen;
}

int
httpc_proxy_auth(const struct httpc *h)
{
	return h->proxy_auth;
}

/* "host:port", for messages. */
const char *
httpc_where(const struct httpc *h)
{
	return h->where;
}

/* Open the connection, within connect_ms and the deadline. */
static int
connect_to(struct httpc *h, int64_t deadline, char **cause)
{
	struct addrinfo	 hints, *res, *ai;
	int64_t		 until;
	socklen_t	 sl;
	int		 fd, rc, err = 0, one = 1, timedout = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(h->host, h->port, &hints, &res)) != 0) {
		*cause = xasprintf("cannot resolve %s: %s", h->host,
		    gai_strerror(rc));
		return -1;
	}
	until = now_ms() + h->connect_ms;
	if (until > deadline)
		until = deadline;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1) {
			err = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			if (errno != EINPROGRESS) {
				err = errno;
				close(fd);
				continue;
			}
			rc = wait_fd(fd, POLLOUT, until);
			if (rc <= 0) {
				if (rc == 0)
					timedout = 1;
				err = rc == 0 ? ETIMEDOUT : errno;
				close(fd);
				continue;
			}
			sl = sizeof err;
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
			    &sl) != 0)
				err = errno;
			if (err != 0) {
				close(fd);
				continue;
			}
		}
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof one);
		freeaddrinfo(res);
		h->fd = fd;
		h->served = 0;
		return 0;
	}
	freeaddrinfo(res);
	if (timedout && err == ETIMEDOUT)
		*cause = xasprintf("no answer from %s within %d ms", h->where,
		    h->connect_ms);
	else
		*cause = xasprintf("cannot connect to %s: %s", h->where,
		    strerror(err != 0 ? err : ECONNREFUSED));
	return -1;
}

/* Write the head and the body of the request in flight. */
static int
write_request(struct httpc *h, int64_t deadline, char **cause)
{
	struct iovec	 iov[2];
	struct msghdr	 msg;
	ssize_t		 n;
	int		 niov = 0, rc;

	iov[niov].iov_base = h->head;
	iov[niov++].iov_len = strlen(h->head);
	if (h->req.len > 0) {
		iov[niov].iov_base = (void *)(uintptr_t)h->req.body;
		iov[niov++].iov_len = h->req.len;
	}
	memset(&msg, 0, sizeof msg);
	msg.msg_iov = iov;
	msg.msg_iovlen = (size_t)niov;
	while (msg.msg_iovlen > 0) {
		n = sendmsg(h->fd, &msg, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				*cause = xasprintf("sending to %s: %s",
				    h->where, strerror(errno));
				return -1;
			}
			if ((rc = wait_fd(h->fd, POLLOUT, deadline)) <= 0) {
				*cause = xasprintf("sending to %s: %s",
				    h->where, rc == 0 ? "timed out" :
				    strerror(errno));
				return -1;
			}
			continue;
		}
		while (msg.msg_iovlen > 0 &&
		    (size_t)n >= msg.msg_iov->iov_len) {
			n -= (ssize_t)msg.msg_iov->iov_len;
			msg.msg_iov++;
			msg.msg_iovlen--;
		}
		if (msg.msg_iovlen > 0) {
			msg.msg_iov->iov_base = (char *)msg.msg_iov->iov_base +
			    n;
			msg.msg_iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

/* Connect if need be, then write; a stale kept-alive connection is redone. */
static int
send_once_or_twice(struct httpc *h, int64_t deadline, char **cause)
{
	int	reused;

	if (h->fd == -1 && connect_to(h, deadline, cause) != 0)
		return -1;
	reused = h->served > 0;
	if (write_request(h, deadline, cause) == 0)
		return 0;
	disconnect(h);
	if (!reused)
		return -1;
	free(*cause);
	*cause = NULL;
	if (connect_to(h, deadline, cause) != 0)
		return -1;
	if (write_request(h, deadline, cause) == 0)
		return 0;
	disconnect(h);
	return -1;
}

/* Format the head of req and write the request. */
static int
do_send(struct httpc *h, const struct httpc_req *req, int64_t deadline,
    char **cause)
{
	const char	*method;

	*cause = NULL;
	method = req->method != NULL ? req->method :
	    req->body != NULL ? "POST" : "GET";
	h->req = *req;
	free(h->head);
	h->head = xasprintf("%s %s%s HTTP/1.1\r\n"
	    "Host: %s\r\n"
	    "%s%s%s"
	    "Accept: */*\r\n"
	    "%s%s%s"
	    "%s%s%s"
	    "%s%s%s"
	    "%s"
	    "Content-Length: %zu\r\n"
	    "\r\n",
	    method, h->base, req->path != NULL ? req->path : "/",
	    h->hosthdr,
	    req->agent == NULL || *req->agent != '\0' ? "User-Agent: " : "",
	    req->agent == NULL ? HTTPC_AGENT : req->agent,
	    req->agent == NULL || *req->agent != '\0' ? "\r\n" : "",
	    req->auth != NULL ? "Authorization: " : "",
	    req->auth != NULL ? req->auth : "",
	    req->auth != NULL ? "\r\n" : "",
	    req->ctype != NULL ? "Content-Type: " : "",
	    req->ctype != NULL ? req->ctype : "",
	    req->ctype != NULL ? "\r\n" : "",
	    req->cenc != NULL ? "Content-Encoding: " : "",
	    req->cenc != NULL ? req->cenc : "",
	    req->cenc != NULL ? "\r\n" : "",
	    req->extra != NULL ? req->extra : "",
	    req->len);
	h->inflight = 0;
	if (send_once_or_twice(h, deadline, cause) != 0)
		return -1;
	h->inflight = 1;
	return 0;
}

/* Write a request; its reply is read by httpc_recv(). */
int
httpc_send(struct httpc *h, const struct httpc_req *req, int timeout_ms,
    char **cause)
{
	return do_send(h, req, now_ms() + timeout_ms, cause);
}

/* Case-insensitive: does the header line start with name ':'? */
static const char *
header_value(const char *line, const char *end, const char *name)
{
	size_t	n = strlen(name);

	if ((size_t)(end - line) <= n || strncasecmp(line, name, n) != 0 ||
	    line[n] != ':')
		return NULL;
	line += n + 1;
	while (line < end && (*line == ' ' || *line == '\t'))
		line++;
	return line;
}

/* Does [p, end) contain word, case-insensitively? */
static int
has_token(const char *p, const char *end, const char *word)
{
	size_t	n = strlen(word);

	for (; p + n <= end; p++)
		if (strncasecmp(p, word, n) == 0)
			return 1;
	return 0;
}

/* Append len bytes to the body (the reply is bounded: so is the body). */
static void
keep_body(struct httpc *h, const char *p, size_t len)
{
	if (h->bodycap - h->bodylen < len + 1) {
		while (h->bodycap - h->bodylen < len + 1)
			h->bodycap = h->bodycap == 0 ? 1024 : h->bodycap * 2;
		h->body = xrealloc(h->body, h->bodycap);
	}
	memcpy(h->body + h->bodylen, p, len);
	h->bodylen += len;
	h->body[h->bodylen] = '\0';
}

/* Forget the body of an earlier reply (or of a 1xx head). */
static void
clear_body(struct httpc *h)
{
	h->bodylen = 0;
	if (h->body != NULL)
		h->body[0] = '\0';
}

/*
 * Is the reply in h->in complete?  1 yes (*status, *close set), 0 not
 * yet, -1 malformed.  At eof, a reply without a length ends there.
 */
static int
parse_reply(struct httpc *h, int eof, int head_only, int *status, int *close,
    char **cause)
{
	const char	*in = h->in, *end, *line, *eol, *v, *p;
	size_t		 hlen, clen = 0, csize;
	int		 minor, code, chunked = 0, has_len = 0;
	char		*num_end;

again:
	clear_body(h);
	end = memmem(in, h->inlen - (size_t)(in - h->in), "\r\n\r\n", 4);
	if (end == NULL)
		goto short_read;
	hlen = (size_t)(end - in) + 4;
	if (sscanf(in, "HTTP/1.%d %3d", &minor, &code) != 2 || code < 100) {
		*cause = xasprintf("%s: not an HTTP/1.x reply", h->where);
		return -1;
	}
	if (code < 200) {		/* 100 Continue and friends */
		in += hlen;
		goto again;
	}
	*close = minor == 0;
	h->proxy_auth = 0;
	for (line = strstr(in, "\r\n") + 2; line < end; line = eol + 2) {
		eol = strstr(line, "\r\n");
		if ((v = header_value(line, eol, "content-length")) != NULL) {
			clen = strtoul(v, &num_end, 10);
			has_len = 1;
		} else if ((v = header_value(line, eol,
		    "transfer-encoding")) != NULL)
			chunked = has_token(v, eol, "chunked");
		else if ((v = header_value(line, eol,
		    "teltop-proxy-auth")) != NULL)
			h->proxy_auth = has_token(v, eol, "token");
		else if ((v = header_value(line, eol, "connection")) != NULL) {
			if (has_token(v, eol, "close"))
				*close = 1;
			else if (has_token(v, eol, "keep-alive"))
				*close = 0;
		}
	}
	*status = code;
	p = in + hlen;
	end = h->in + h->inlen;
	if (head_only || code == 204 || code == 304)
		return 1;
	if (chunked) {
		for (;;) {
			eol = memmem(p, (size_t)(end - p), "\r\n", 2);
			if (eol == NULL)
				goto short_read;
			csize = strtoul(p, &num_end, 16);
			if (num_end == p) {
				*cause = xasprintf("%s: bad chunked reply",
				    h->where);
				return -1;
			}
			p = eol + 2;
			if (csize == 0) {
				/* trailers, then an empty line */
				for (;;) {
					eol = memmem(p, (size_t)(end - p),
					    "\r\n", 2);
					if (eol == NULL)
						goto short_read;
					if (eol == p)
						return 1;
					p = eol + 2;
				}
			}
			if ((size_t)(end - p) < csize + 2)
				goto short_read;
			keep_body(h, p, csize);
			p += csize + 2;
		}
	}
	if (has_len) {
		if ((size_t)(end - p) < clen)
			goto short_read;
		keep_body(h, p, clen);
		return 1;
	}
	/* no length: the body runs to the end of the connection */
	if (!eof)
		return 0;
	keep_body(h, p, (size_t)(end - p));
	*close = 1;
	return 1;
short_read:
	if (eof) {
		*cause = xasprintf("%s closed the connection in the middle of "
		    "a reply", h->where);
		return -1;
	}
	return 0;
}

/* Read the reply to the request in flight. */
static int
do_recv(struct httpc *h, int64_t deadline, char **cause)
{
	ssize_t	n;
	int	rc, status = 0, close_after = 0, retried = 0, eof;

	*cause = NULL;
	if (!h->inflight) {
		*cause = xstrdup("no request in flight");
		return -1;
	}
	h->inlen = 0;
	for (;;) {
		if (h->incap - h->inlen < 4096) {
			h->incap = h->incap == 0 ? 8192 : h->incap * 2;
			h->in = xrealloc(h->in, h->incap + 1);
		}
		n = recv(h->fd, h->in + h->inlen, h->incap - h->inlen, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if ((rc = wait_fd(h->fd, POLLIN, deadline)) <= 0) {
				*cause = xasprintf("no reply from %s: %s",
				    h->where, rc == 0 ? "timed out" :
				    strerror(errno));
				goto fail;
			}
			continue;
		}
		eof = n <= 0;
		if (eof && h->inlen == 0 && h->served > 0 && !retried) {
			/* The server closed a kept-alive connection first. */
			retried = 1;
			disconnect(h);
			if (connect_to(h, deadline, cause) != 0 ||
			    write_request(h, deadline, cause) != 0)
				goto fail;
			continue;
		}
		if (n < 0) {
			*cause = xasprintf("reading from %s: %s", h->where,
			    strerror(errno));
			goto fail;
		}
		if (eof && h->inlen == 0) {
			*cause = xasprintf("%s closed the connection without "
			    "a reply", h->where);
			goto fail;
		}
		h->inlen += (size_t)n;
		h->in[h->inlen] = '\0';
		if (h->inlen > HTTPC_REPLY_MAX) {
			*cause = xasprintf("%s: reply larger than %d bytes",
			    h->where, HTTPC_REPLY_MAX);
			goto fail;
		}
		rc = parse_reply(h, eof, h->req.method != NULL &&
		    strcmp(h->req.method, "HEAD") == 0, &status, &close_after,
		    cause);
		if (rc < 0)
			goto fail;
		if (rc == 1)
			break;
	}
	h->inflight = 0;
	h->served++;
	if (close_after)
		disconnect(h);
	return status;
fail:
	h->inflight = 0;
	disconnect(h);
	return -1;
}

/* Read the reply to the request in flight. */
int
httpc_recv(struct httpc *h, int timeout_ms, char **cause)
{
	return do_recv(h, now_ms() + timeout_ms, cause);
}

/* Write a request and read its reply, all within timeout_ms. */
int
httpc_request(struct httpc *h, const struct httpc_req *req, int timeout_ms,
    char **cause)
{
	int64_t	deadline = now_ms() + timeout_ms;

	if (do_send(h, req, deadline, cause) != 0)
		return -1;
	return do_recv(h, deadline, cause);
}
