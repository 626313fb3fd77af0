/*
 * bench/load: the load generator of teltop's benchmark.
 *
 *	load --url 127.0.0.1:PORT --mode ws|http --events N [--kind bench|mix]
 *	    [--batch B] [--conns C] [--window W] [--rate EV/S] [--timeout S]
 *	load --url 127.0.0.1:PORT --mode healthz [--timeout S]
 *
 * It sends exactly N events (bench_event.h: the bench rows, or the mix of
 * real DevPod and Devtron payloads) to a collector on the loopback
 * interface and prints one line, "mode=… kind=… events=… seconds=…
 * acked_per_s=…", followed by a few more key=value fields.
 *
 *	ws	B events per WebSocket text message on /ws: the bare event
 *		when B is 1, else a JSON array (default B = 100)
 *	http	B events per request on keep-alive connections, each to the
 *		route its sender uses: posthog-go {"api_key":…,"batch":[…]}
 *		on POST /batch/ (Devtron), an array on the DevPod legacy
 *		route, an array on POST /v1/events (the bench rows).  In the
 *		mix, requests alternate between the first two.
 *	healthz	GET /healthz until it answers 200, retrying refused
 *		connections every millisecond: how long a server takes to
 *		come up (prints mode=healthz seconds=… attempts=…)
 *
 * Closed loop by default: each connection keeps up to W messages in flight
 * (W defaults to 32 for WebSocket, 1 for HTTP, as posthog-go sends) and
 * latency runs from when a message was written.  With --rate the load is
 * open: message k is due at start + k * B / rate, handed to connection
 * k mod C, and its latency runs from that due time, so a server that falls
 * behind shows it in the figures (no coordinated omission).
 *
 * Libc and POSIX sockets only: a minimal RFC 6455 client (Upgrade handshake
 * with a random key checked against Sec-WebSocket-Accept, masked text
 * frames out, unmasked frames in, ping answered) and a minimal HTTP/1.1
 * client (Content-Length requests; Content-Length or chunked replies).
 *
 * One thread polls every connection.  Events are acked only by a reply:
 * {"ok":true,"accepted":N,…} on WebSocket; on HTTP 200 with {"status":1}
 * (PostHog), with {"accepted":N,…} (/v1/events) or any 200 (DevPod, whose
 * client ignores the body).  The run fails (exit 1) if a reply is wrong,
 * the server closes a connection with messages in flight, the sum of
 * accepted differs from N, or nothing is done within the timeout.  Exit 2
 * is a usage error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* ppoll(): open-loop sends to the microsecond */
#endif

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "bench_event.h"

#define LOAD_IN_MAX	(16u * 1024 * 1024)	/* one server reply, bytes */
#define LOAD_TIMEOUT_S	120

enum load_mode {
	MODE_WS,
	MODE_HTTP,
	MODE_HEALTHZ
};

/* What a reply must say for the events of its message to count. */
enum load_reply {
	REPLY_WS,		/* {"ok":true,"accepted":N} */
	REPLY_POSTHOG,		/* 200 {"status":1} */
	REPLY_ACCEPTED,		/* 200 {"accepted":N} */
	REPLY_STATUS		/* 200, whatever the body */
};

/* A byte buffer: data[off..len) is pending; the buffer owns data. */
struct buf {
	unsigned char	*data;
	size_t		 off;
	size_t		 len;
	size_t		 cap;
};

/*
 * One message in flight: how many events it carries, the reply it expects,
 * and when it was sent (or was due, in an open-loop run).
 */
struct flight {
	unsigned	 events;
	enum load_reply	 reply;
	double		 sent;
};

/* One connection to the collector. */
struct conn {
	int		 id;
	int		 fd;
	struct buf	 out;		/* bytes queued for the socket */
	struct buf	 in;		/* bytes read, not yet parsed */
	struct buf	 msg;		/* a WebSocket message being assembled */
	int		 in_msg;	/* msg holds a fragmented message */
	struct flight	*ring;		/* window slots, FIFO */
	size_t		 head;
	size_t		 count;
	int		 reconnect;	/* HTTP: server said Connection: close */
};

/* The whole run; one instance, owned by main(). */
struct load {
	enum load_mode	 mode;
	const char	*mode_name;
	enum bench_kind	 kind;
	const char	*kind_name;
	struct sockaddr_in addr;
	char		 hostport[80];
	unsigned long	 events;	/* to send */
	unsigned	 batch;		/* events a message */
	unsigned	 conns;
	unsigned	 window;
	unsigned	 timeout;
	double		 rate;		/* events/s offered; 0: closed loop */
	uint64_t	 seed;		/* varies the events' ids per run */
	double		 start;		/* when the clock started */
	double		 seconds;	/* from start to the last reply */
	int		 status;	/* of the last HTTP reply */

	unsigned long	 next;		/* events handed to a connection */
	unsigned long	 acked;		/* sum of accepted */
	unsigned long	 dropped;	/* sum of dropped */
	unsigned long	 messages;	/* messages sent */
	unsigned long	 replies;	/* replies matched to a message */
	unsigned long	 mismatches;	/* replies with accepted != sent */
	char		 mismatch[256];	/* the first such reply */
	unsigned long	 pushes;	/* WebSocket messages that were no reply */
	unsigned long	 reconnects;	/* HTTP reconnects after close */
	double		*latency;	/* per reply, ms */
	size_t		 nlatency;

	struct buf	 scratch;	/* one message payload */
	struct bench_event ev;		/* one event being added to it */
	uint64_t	 rng;
};

static struct load	 L;

static void	 fatal(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));
static void	 usage(void) __attribute__((noreturn));
static void	 bad_url(const char *, const char *) __attribute__((noreturn));

/* Print a failure with the progress so far, and exit 1. */
static void
fatal(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "load: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (mode=%s acked %lu of %lu events, %lu replies)\n",
	    L.mode_name != NULL ? L.mode_name : "?", L.acked, L.events,
	    L.replies);
	exit(1);
}

/* Explain the command line and exit 2. */
static void
usage(void)
{
	fprintf(stderr, "usage: load --url 127.0.0.1:PORT --mode ws|http "
	    "--events N [--kind bench|mix]\n"
	    "            [--batch B] [--conns C] [--window W] "
	    "[--rate EVENTS/S] [--timeout SECONDS]\n"
	    "       load --url 127.0.0.1:PORT --mode healthz "
	    "[--timeout SECONDS]\n");
	exit(2);
}

/* Say what is wrong with --url and exit 2. */
static void
bad_url(const char *url, const char *why)
{
	fprintf(stderr, "load: --url %s: %s\n", url, why);
	exit(2);
}

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Next pseudo-random 64 bits (xorshift64*, seeded from /dev/urandom). */
static uint64_t
rng_next(void)
{
	L.rng ^= L.rng >> 12;
	L.rng ^= L.rng << 25;
	L.rng ^= L.rng >> 27;
	return L.rng * 2685821657736338717ULL;
}

/* Seed the generator from the kernel; fall back on time and pid. */
static void
rng_seed(void)
{
	int	fd;

	L.rng = 0;
	if ((fd = open("/dev/urandom", O_RDONLY)) != -1) {
		if (read(fd, &L.rng, sizeof L.rng) != (ssize_t)sizeof L.rng)
			L.rng = 0;
		close(fd);
	}
	if (L.rng == 0)
		L.rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	if (L.rng == 0)
		L.rng = 88172645463325252ULL;
}

/* Make room for n more bytes at the end of b. */
static void
buf_reserve(struct buf *b, size_t n)
{
	size_t		 want;
	unsigned char	*p;

	if (b->off > 0 && b->off == b->len)
		b->off = b->len = 0;
	if (b->cap - b->len >= n)
		return;
	if (b->off > 0) {
		memmove(b->data, b->data + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
		if (b->cap - b->len >= n)
			return;
	}
	want = b->cap != 0 ? b->cap : 4096;
	while (want - b->len < n)
		want *= 2;
	if ((p = realloc(b->data, want)) == NULL)
		fatal("out of memory (%zu bytes)", want);
	b->data = p;
	b->cap = want;
}

/* Append n bytes to b. */
static void
buf_add(struct buf *b, const void *data, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->data + b->len, data, n);
	b->len += n;
}

/* Append a string to b. */
static void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Bytes pending in b. */
static size_t
buf_avail(const struct buf *b)
{
	return b->len - b->off;
}

/* Forget everything in b, keeping its memory. */
static void
buf_clear(struct buf *b)
{
	b->off = b->len = 0;
}

/*
 * SHA-1 (FIPS 180-4), only to check Sec-WebSocket-Accept.  Input up to a few
 * hundred bytes; no streaming interface needed.
 */
static void
sha1(const unsigned char *data, size_t len, unsigned char out[20])
{
	uint32_t	 h[5] = { 0x67452301, 0xEFCDAB89, 0x98BADCFE,
			    0x10325476, 0xC3D2E1F0 };
	uint32_t	 w[80], a, b, c, d, e, f, k, t;
	unsigned char	 block[64];
	uint64_t	 bits = (uint64_t)len * 8;
	size_t		 blocks, i, j, n;

	blocks = (len + 8) / 64 + 1;
	for (i = 0; i < blocks; i++) {
		/* Build block i of the padded message. */
		for (j = 0; j < 64; j++) {
			n = i * 64 + j;
			if (n < len)
				block[j] = data[n];
			else if (n == len)
				block[j] = 0x80;
			else
				block[j] = 0;
		}
		if (i == blocks - 1) {
			for (j = 0; j < 8; j++)
				block[56 + j] = (unsigned char)(bits >>
				    (56 - 8 * j));
		}

		for (j = 0; j < 16; j++)
			w[j] = (uint32_t)block[4 * j] << 24 |
			    (uint32_t)block[4 * j + 1] << 16 |
			    (uint32_t)block[4 * j + 2] << 8 |
			    (uint32_t)block[4 * j + 3];
		for (j = 16; j < 80; j++) {
			t = w[j - 3] ^ w[j - 8] ^ w[j - 14] ^ w[j - 16];
			w[j] = t << 1 | t >> 31;
		}
		a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4];
		for (j = 0; j < 80; j++) {
			if (j < 20) {
				f = (b & c) | (~b & d);
				k = 0x5A827999;
			} else if (j < 40) {
				f = b ^ c ^ d;
				k = 0x6ED9EBA1;
			} else if (j < 60) {
				f = (b & c) | (b & d) | (c & d);
				k = 0x8F1BBCDC;
			} else {
				f = b ^ c ^ d;
				k = 0xCA62C1D6;
			}
			t = (a << 5 | a >> 27) + f + e + k + w[j];
			e = d;
			d = c;
			c = b << 30 | b >> 2;
			b = a;
			a = t;
		}
		h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
	}
	for (i = 0; i < 5; i++) {
		out[4 * i] = (unsigned char)(h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(h[i] >> 8);
		out[4 * i + 3] = (unsigned char)h[i];
	}
}

/* Base64 of len bytes into out (at least 4 * ((len + 2) / 3) + 1 bytes). */
static void
base64(const unsigned char *in, size_t len, char *out)
{
	static const char	 tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t			 i;
	uint32_t		 v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*out++ = tab[v >> 18];
		*out++ = tab[(v >> 12) & 63];
		*out++ = tab[(v >> 6) & 63];
		*out++ = tab[v & 63];
	}
	if (i < len) {
		v = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		*out++ = tab[v >> 18];
		*out++ = tab[(v >> 12) & 63];
		*out++ = i + 1 < len ? tab[(v >> 6) & 63] : '=';
		*out++ = '=';
	}
	*out = '\0';
}

/*
 * Find "key" in a small JSON object held in a NUL-terminated string and
 * return a pointer to its value (past the colon and blanks), or NULL.  The
 * replies this parses are flat objects of a few keys, so a key is any
 * quoted string followed by a colon.
 */
static const char *
json_value(const char *s, const char *key)
{
	size_t		 n = strlen(key);
	const char	*p;

	for (p = s; (p = strchr(p, '"')) != NULL; p++) {
		if (strncmp(p + 1, key, n) != 0 || p[1 + n] != '"')
			continue;
		p += n + 2;
		while (isspace((unsigned char)*p))
			p++;
		if (*p != ':')
			continue;
		p++;
		while (isspace((unsigned char)*p))
			p++;
		return p;
	}
	return NULL;
}

/* Read the non-negative integer value of key; -1 if absent or not one. */
static long long
json_uint(const char *s, const char *key)
{
	const char	*p;
	char		*end;
	long long	 v;

	if ((p = json_value(s, key)) == NULL || !isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	v = strtoll(p, &end, 10);
	if (errno != 0 || end == p)
		return -1;
	return v;
}

/* Parse "host:port" (an optional ws:// or http:// and path are ignored). */
static void
parse_url(const char *arg)
{
	char		 host[64];
	const char	*url = arg, *p, *colon, *end;
	char		*pend;
	unsigned long	 port;
	size_t		 n;

	if ((p = strstr(url, "://")) != NULL)
		url = p + 3;
	end = url + strcspn(url, "/");
	if ((colon = memchr(url, ':', (size_t)(end - url))) == NULL)
		bad_url(arg, "expected HOST:PORT");
	n = (size_t)(colon - url);
	if (n == 0 || n >= sizeof host)
		bad_url(arg, "bad host");
	memcpy(host, url, n);
	host[n] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &pend, 10);
	if (errno != 0 || pend == colon + 1 || pend != end || port == 0 ||
	    port > 65535)
		bad_url(arg, "bad port");

	memset(&L.addr, 0, sizeof L.addr);
	L.addr.sin_family = AF_INET;
	L.addr.sin_port = htons((uint16_t)port);
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &L.addr.sin_addr) != 1)
		bad_url(arg, "the host is not an IPv4 address");
	/* Loopback only: this tool must never load anybody else's server. */
	if ((ntohl(L.addr.sin_addr.s_addr) >> 24) != 127)
		bad_url(arg, "not a loopback address (127.0.0.0/8); this "
		    "tool only loads a local collector");
	snprintf(L.hostport, sizeof L.hostport, "%s:%lu", host, port);
}

/* Wait for fd to become ready for events, until the run's deadline. */
static void
wait_fd(int fd, short events, double deadline, const char *what)
{
	struct pollfd	pfd;
	int		ms, r;

	for (;;) {
		ms = (int)((deadline - now()) * 1000);
		if (ms <= 0)
			fatal("timeout while %s", what);
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		if ((r = poll(&pfd, 1, ms)) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll: %s", strerror(errno));
		}
		if (r > 0)
			return;
	}
}

/* Write all of data to a blocking-in-spirit non-blocking socket. */
static void
write_all(int fd, const char *data, size_t len, double deadline)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, data, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				wait_fd(fd, POLLOUT, deadline, "writing");
				continue;
			}
			fatal("write: %s", strerror(errno));
		}
		data += n;
		len -= (size_t)n;
	}
}

/* Case-insensitive: does header line [p, end) have this name? */
static const char *
header_value(const char *p, const char *end, const char *name)
{
	size_t	n = strlen(name);

	if ((size_t)(end - p) <= n || strncasecmp(p, name, n) != 0 ||
	    p[n] != ':')
		return NULL;
	p += n + 1;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/*
 * The WebSocket opening handshake on c (RFC 6455 §4.1): send the Upgrade
 * request, read up to the end of the 101 response and check its accept key.
 * Bytes after the response stay in c->in.
 */
static void
ws_handshake(struct conn *c, double deadline)
{
	static const char	 guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
	unsigned char		 nonce[16], digest[20];
	char			 key[32], expect[32], req[512];
	char			 concat[128];
	const char		*p, *eol, *hend, *v;
	int			 n, got_upgrade = 0, got_accept = 0;
	uint64_t		 r;
	ssize_t			 rd;
	size_t			 i;

	for (i = 0; i < sizeof nonce; i += 8) {
		r = rng_next();
		memcpy(nonce + i, &r, 8);
	}
	base64(nonce, sizeof nonce, key);
	n = snprintf(concat, sizeof concat, "%s%s", key, guid);
	sha1((const unsigned char *)concat, (size_t)n, digest);
	base64(digest, sizeof digest, expect);

	n = snprintf(req, sizeof req,
	    "GET /ws HTTP/1.1\r\n"
	    "Host: %s\r\n"
	    "Upgrade: websocket\r\n"
	    "Connection: Upgrade\r\n"
	    "Sec-WebSocket-Key: %s\r\n"
	    "Sec-WebSocket-Version: 13\r\n"
	    "User-Agent: teltop-bench-load\r\n"
	    "\r\n", L.hostport, key);
	write_all(c->fd, req, (size_t)n, deadline);

	for (;;) {
		buf_reserve(&c->in, 4096);
		rd = read(c->fd, c->in.data + c->in.len,
		    c->in.cap - c->in.len);
		if (rd == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				wait_fd(c->fd, POLLIN, deadline,
				    "waiting for the WebSocket handshake reply");
				continue;
			}
			fatal("conn %d: handshake read: %s", c->id,
			    strerror(errno));
		}
		if (rd == 0)
			fatal("conn %d: server closed the connection during "
			    "the WebSocket handshake", c->id);
		c->in.len += (size_t)rd;
		if (c->in.len > 65536)
			fatal("conn %d: handshake reply over 64 KiB", c->id);
		buf_add(&c->in, "", 1);	/* a NUL to search with strstr */
		c->in.len--;
		if ((hend = strstr((char *)c->in.data, "\r\n\r\n")) != NULL)
			break;
	}

	p = (const char *)c->in.data;
	if (strncmp(p, "HTTP/1.1 101", 12) != 0) {
		eol = strstr(p, "\r\n");
		fatal("conn %d: GET /ws: expected 101 Switching Protocols, "
		    "got \"%.*s\"", c->id, (int)(eol - p), p);
	}
	for (p = strstr(p, "\r\n") + 2; p < hend; p = eol + 2) {
		eol = strstr(p, "\r\n");
		if ((v = header_value(p, eol, "Upgrade")) != NULL &&
		    strncasecmp(v, "websocket", 9) == 0)
			got_upgrade = 1;
		if ((v = header_value(p, eol, "Sec-WebSocket-Accept")) != NULL) {
			if ((size_t)(eol - v) != strlen(expect) ||
			    strncmp(v, expect, strlen(expect)) != 0)
				fatal("conn %d: Sec-WebSocket-Accept is "
				    "\"%.*s\", expected \"%s\"", c->id,
				    (int)(eol - v), v, expect);
			got_accept = 1;
		}
	}
	if (!got_upgrade)
		fatal("conn %d: 101 reply without Upgrade: websocket", c->id);
	if (!got_accept)
		fatal("conn %d: 101 reply without Sec-WebSocket-Accept", c->id);
	c->in.off = (size_t)(hend + 4 - (const char *)c->in.data);
}

/*
 * Open a TCP connection to the collector on c->fd.  Returns 0, or -1 when
 * the connection was refused and refused_ok is set (nobody listens yet).
 */
static int
conn_connect(struct conn *c, int refused_ok)
{
	int	one = 1, flags;

	if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		fatal("socket: %s", strerror(errno));
	if (connect(c->fd, (struct sockaddr *)&L.addr, sizeof L.addr) == -1) {
		if (refused_ok && errno == ECONNREFUSED) {
			close(c->fd);
			c->fd = -1;
			return -1;
		}
		fatal("conn %d: connect %s: %s", c->id, L.hostport,
		    strerror(errno));
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if ((flags = fcntl(c->fd, F_GETFL)) == -1 ||
	    fcntl(c->fd, F_SETFL, flags | O_NONBLOCK) == -1)
		fatal("fcntl: %s", strerror(errno));
	buf_clear(&c->in);
	buf_clear(&c->out);
	buf_clear(&c->msg);
	c->in_msg = 0;
	c->reconnect = 0;
	return 0;
}

/* Open connection c to the collector (and upgrade it in WebSocket mode). */
static void
conn_open(struct conn *c, double deadline)
{
	(void)conn_connect(c, 0);
	if (L.mode == MODE_WS)
		ws_handshake(c, deadline);
}

/* Append one WebSocket frame, masked as a client must, to c->out. */
static void
ws_frame(struct conn *c, int opcode, const unsigned char *payload,
    size_t len)
{
	unsigned char	 hdr[14], mask[4], *dst;
	size_t		 h = 0, i;
	uint32_t	 m;

	hdr[h++] = (unsigned char)(0x80 | opcode);	/* FIN */
	if (len < 126)
		hdr[h++] = (unsigned char)(0x80 | len);
	else if (len <= 0xffff) {
		hdr[h++] = 0x80 | 126;
		hdr[h++] = (unsigned char)(len >> 8);
		hdr[h++] = (unsigned char)len;
	} else {
		hdr[h++] = 0x80 | 127;
		for (i = 0; i < 8; i++)
			hdr[h++] = (unsigned char)((uint64_t)len >>
			    (56 - 8 * i));
	}
	m = (uint32_t)rng_next();
	memcpy(mask, &m, 4);
	memcpy(hdr + h, mask, 4);
	h += 4;

	buf_add(&c->out, hdr, h);
	buf_reserve(&c->out, len);
	dst = c->out.data + c->out.len;
	for (i = 0; i < len; i++)
		dst[i] = payload[i] ^ mask[i & 3];
	c->out.len += len;
}

/*
 * Build the body of the message of events first .. first+n-1 into
 * L.scratch; returns the HTTP route of its events (on HTTP the mix comes
 * in runs of one route as long as a message, bench_event.h).
 */
static enum bench_route
build_payload(unsigned long first, unsigned n)
{
	struct bench_event	*ev = &L.ev;
	enum bench_route	 route = BENCH_ROUTE_EVENTS;
	unsigned		 i, block;

	block = L.mode == MODE_HTTP ? L.batch : 1;
	buf_clear(&L.scratch);
	for (i = 0; i < n; i++) {
		bench_event_make(ev, L.kind, L.seed, first + i, block);
		if (ev->len < 0 || (size_t)ev->len >= sizeof ev->json)
			fatal("event %lu does not fit %d bytes", first + i,
			    BENCH_EVENT_MAX);
		if (i == 0) {
			route = ev->route;
			if (route == BENCH_ROUTE_POSTHOG &&
			    L.mode == MODE_HTTP)
				buf_adds(&L.scratch, "{\"api_key\":\""
				    BENCH_POSTHOG_KEY "\",\"batch\":[");
			else if (L.batch > 1)
				buf_adds(&L.scratch, "[");
		} else {
			if (ev->route != route && L.mode == MODE_HTTP)
				fatal("event %lu: a message of events for "
				    "two routes", first + i);
			buf_adds(&L.scratch, ",");
		}
		buf_add(&L.scratch, ev->json, (size_t)ev->len);
	}
	if (route == BENCH_ROUTE_POSTHOG && L.mode == MODE_HTTP)
		buf_adds(&L.scratch, "]}");
	else if (L.batch > 1)
		buf_adds(&L.scratch, "]");
	return route;
}

/* The request line and headers of an HTTP message, as its sender has them. */
static const struct http_sender {
	const char	*path;
	const char	*user_agent;
	const char	*content_type;
	enum load_reply	 reply;
} http_senders[] = {
	[BENCH_ROUTE_EVENTS] = { "/v1/events", "teltop-bench-load",
	    "application/json", REPLY_ACCEPTED },
	[BENCH_ROUTE_DEVPOD] = { "/analytics/v1/devpod/v1/events",
	    "Go-http-client/1.1", "multipart/form-data", REPLY_STATUS },
	[BENCH_ROUTE_POSTHOG] = { "/batch/", "posthog-go/1.5.9",
	    "application/json", REPLY_POSTHOG },
};

/* Queue the next message (up to L.batch events) on c; due: its due time. */
static void
conn_send(struct conn *c, double due)
{
	const struct http_sender *hs;
	enum bench_route	 route;
	char			 hdr[512];
	unsigned		 n;
	struct flight		*f;
	size_t			 len;
	int			 hlen;

	n = L.batch;
	if (L.events - L.next < n)
		n = (unsigned)(L.events - L.next);
	route = build_payload(L.next, n);
	len = buf_avail(&L.scratch);
	f = &c->ring[(c->head + c->count) % L.window];
	if (L.mode == MODE_HTTP) {
		hs = &http_senders[route];
		hlen = snprintf(hdr, sizeof hdr,
		    "POST %s HTTP/1.1\r\n"
		    "Host: %s\r\n"
		    "User-Agent: %s\r\n"
		    "Content-Type: %s\r\n"
		    "Content-Length: %zu\r\n"
		    "\r\n", hs->path, L.hostport, hs->user_agent,
		    hs->content_type, len);
		buf_add(&c->out, hdr, (size_t)hlen);
		buf_add(&c->out, L.scratch.data, len);
		f->reply = hs->reply;
	} else {
		ws_frame(c, 0x1, L.scratch.data, len);
		f->reply = REPLY_WS;
	}
	f->events = n;
	f->sent = due > 0 ? due : now();
	c->count++;
	L.next += n;
	L.messages++;
}

/* Closed loop: queue messages on c until its window is full or all sent. */
static void
conn_fill(struct conn *c)
{
	while (c->count < L.window && L.next < L.events && !c->reconnect)
		conn_send(c, 0);
}

/* When message k of an open-loop run is due. */
static double
due_time(unsigned long k)
{
	return L.start + (double)k * (double)L.batch / L.rate;
}

/*
 * Open loop: queue every message that is due, each on connection k mod C.
 * A connection whose window is full holds the ones behind it back; their
 * latency still runs from their due time.  Returns the seconds until the
 * next message is due, or -1 when none is (all are out, or the next one
 * waits for a reply to free its connection's window).
 */
static double
dispatch_due(struct conn *conns)
{
	struct conn	*c;
	double		 due, t = now();

	while (L.next < L.events) {
		due = due_time(L.messages);
		if (due > t)
			return due - t;
		c = &conns[L.messages % L.conns];
		if (c->count >= L.window || c->reconnect)
			return -1;
		conn_send(c, due);
	}
	return -1;
}

/* Take the oldest message in flight off c; returns it. */
static struct flight
conn_pop(struct conn *c)
{
	struct flight	f;

	if (c->count == 0)
		fatal("conn %d: a reply arrived with no message in flight",
		    c->id);
	f = c->ring[c->head];
	c->head = (c->head + 1) % L.window;
	c->count--;
	L.replies++;
	L.latency[L.nlatency++] = (now() - f.sent) * 1000;
	return f;
}

/* Note a reply whose accepted count differs from the events sent. */
static void
note_mismatch(const char *what)
{
	if (L.mismatches++ == 0)
		snprintf(L.mismatch, sizeof L.mismatch, "%s", what);
}

/*
 * Count the events of message f from a reply that says how many were
 * accepted and dropped (text, len: the reply, for the note on a mismatch).
 */
static void
count_accepted(const struct flight *f, const char *text, size_t len)
{
	long long	 accepted, dropped;
	char		 note[256];

	accepted = json_uint(text, "accepted");
	dropped = json_uint(text, "dropped");
	if (accepted > 0)
		L.acked += (unsigned long)accepted;
	if (dropped > 0)
		L.dropped += (unsigned long)dropped;
	if (accepted < 0 || (unsigned long long)accepted != f->events) {
		snprintf(note, sizeof note, "sent %u events, reply %.*s",
		    f->events, (int)(len > 200 ? 200 : len), text);
		note_mismatch(note);
	}
}

/* One complete WebSocket text message from the server (NUL-terminated). */
static void
ws_message(struct conn *c, const char *text, size_t len)
{
	struct flight	 f;
	const char	*ok;

	if ((ok = json_value(text, "ok")) == NULL) {
		/* A push such as {"type":"optout",…}: not a reply. */
		if (json_value(text, "type") != NULL) {
			L.pushes++;
			return;
		}
		fatal("conn %d: message from the server is no reply: %.*s",
		    c->id, (int)(len > 300 ? 300 : len), text);
	}
	if (strncmp(ok, "true", 4) != 0)
		fatal("conn %d: server refused a message: %.*s", c->id,
		    (int)(len > 300 ? 300 : len), text);
	if (json_uint(text, "accepted") < 0)
		fatal("conn %d: reply without \"accepted\": %.*s", c->id,
		    (int)(len > 300 ? 300 : len), text);
	f = conn_pop(c);
	count_accepted(&f, text, len);
}

/* A 200 reply to HTTP message f: count its events as its route says. */
static void
http_message(const struct flight *f, const char *body, size_t blen)
{
	char	note[256];

	switch (f->reply) {
	case REPLY_POSTHOG:
		if (json_uint(body, "status") == 1) {
			L.acked += f->events;
			break;
		}
		snprintf(note, sizeof note, "200 with body %.*s (expected "
		    "{\"status\":1})", (int)(blen > 200 ? 200 : blen), body);
		note_mismatch(note);
		break;
	case REPLY_ACCEPTED:
		count_accepted(f, body, blen);
		break;
	case REPLY_STATUS:
	case REPLY_WS:
		L.acked += f->events;
		break;
	}
}

/* Parse the WebSocket frames in c->in. */
static void
ws_parse(struct conn *c)
{
	const unsigned char	*p;
	size_t			 avail, hlen, i;
	uint64_t		 plen;
	int			 fin, op, code;

	for (;;) {
		p = c->in.data + c->in.off;
		avail = buf_avail(&c->in);
		if (avail < 2)
			return;
		fin = p[0] & 0x80;
		op = p[0] & 0x0f;
		if (p[0] & 0x70)
			fatal("conn %d: server frame has RSV bits set (0x%02x) "
			    "without a negotiated extension", c->id, p[0]);
		if (p[1] & 0x80)
			fatal("conn %d: server frame is masked (RFC 6455 "
			    "§5.1 forbids it)", c->id);
		plen = p[1] & 0x7f;
		hlen = 2;
		if (plen == 126) {
			if (avail < 4)
				return;
			plen = (uint64_t)p[2] << 8 | p[3];
			hlen = 4;
		} else if (plen == 127) {
			if (avail < 10)
				return;
			plen = 0;
			for (i = 0; i < 8; i++)
				plen = plen << 8 | p[2 + i];
			hlen = 10;
		}
		if (plen > LOAD_IN_MAX)
			fatal("conn %d: server frame of %" PRIu64 " bytes",
			    c->id, plen);
		if (avail < hlen + plen) {
			buf_reserve(&c->in, hlen + (size_t)plen - avail);
			return;
		}
		p += hlen;
		c->in.off += hlen + (size_t)plen;

		switch (op) {
		case 0x8:	/* close */
			code = plen >= 2 ? (p[0] << 8 | p[1]) : 0;
			fatal("conn %d: server closed the WebSocket "
			    "(code %d, reason \"%.*s\") with %zu messages "
			    "in flight", c->id, code,
			    plen > 2 ? (int)plen - 2 : 0,
			    (const char *)p + 2, c->count);
		case 0x9:	/* ping: answer with the same payload */
			ws_frame(c, 0xA, p, (size_t)plen);
			break;
		case 0xA:	/* pong */
			break;
		case 0x1:
		case 0x2:
			if (c->in_msg)
				fatal("conn %d: new data frame inside a "
				    "fragmented message", c->id);
			buf_clear(&c->msg);
			c->in_msg = 1;
			/* FALLTHROUGH */
		case 0x0:
			if (!c->in_msg)
				fatal("conn %d: continuation frame without "
				    "a message", c->id);
			buf_add(&c->msg, p, (size_t)plen);
			if (buf_avail(&c->msg) > LOAD_IN_MAX)
				fatal("conn %d: server message over %u bytes",
				    c->id, LOAD_IN_MAX);
			if (fin) {
				c->in_msg = 0;
				buf_add(&c->msg, "", 1);
				ws_message(c, (const char *)c->msg.data +
				    c->msg.off, buf_avail(&c->msg) - 1);
				buf_clear(&c->msg);
			}
			break;
		default:
			fatal("conn %d: server frame with unknown opcode 0x%x",
			    c->id, op);
		}
	}
}

/*
 * Decode a chunked body starting at p (avail bytes) into c->msg.  Returns
 * the bytes it used, or 0 if the body is not complete yet.
 */
static size_t
http_chunked(struct conn *c, const char *p, size_t avail)
{
	const char	*q = p, *end = p + avail, *eol;
	unsigned long	 n;
	char		*nend;

	buf_clear(&c->msg);
	for (;;) {
		if ((eol = memchr(q, '\n', (size_t)(end - q))) == NULL)
			return 0;
		n = strtoul(q, &nend, 16);
		if (nend == q)
			fatal("conn %d: bad chunk size line", c->id);
		q = eol + 1;
		if (n == 0) {
			/* Trailers, then an empty line. */
			for (;;) {
				if ((eol = memchr(q, '\n',
				    (size_t)(end - q))) == NULL)
					return 0;
				if (eol == q || (eol == q + 1 && *q == '\r'))
					return (size_t)(eol + 1 - p);
				q = eol + 1;
			}
		}
		if (n > LOAD_IN_MAX || (size_t)(end - q) < n + 2)
			return 0;
		buf_add(&c->msg, q, n);
		q += n + 2;
	}
}

/* Parse the HTTP responses in c->in. */
static void
http_parse(struct conn *c)
{
	struct flight	 f;
	const char	*p, *hend, *eol, *v, *body;
	size_t		 avail, hsize, blen, used;
	long long	 clen;
	int		 status, chunked, close_after;

	for (;;) {
		avail = buf_avail(&c->in);
		if (avail == 0)
			return;
		/* A NUL past the data, so that strstr stops. */
		buf_reserve(&c->in, 1);
		c->in.data[c->in.len] = '\0';
		p = (const char *)c->in.data + c->in.off;
		if ((hend = strstr(p, "\r\n\r\n")) == NULL) {
			if (avail > 65536)
				fatal("conn %d: response header over 64 KiB",
				    c->id);
			return;
		}
		hsize = (size_t)(hend + 4 - p);
		if (sscanf(p, "HTTP/1.%*1d %3d", &status) != 1) {
			eol = strstr(p, "\r\n");
			fatal("conn %d: not an HTTP response: \"%.*s\"",
			    c->id, (int)(eol - p > 100 ? 100 : eol - p), p);
		}
		clen = -1;
		chunked = close_after = 0;
		for (v = strstr(p, "\r\n") + 2; v < hend; v = eol + 2) {
			const char	*hv;

			eol = strstr(v, "\r\n");
			if ((hv = header_value(v, eol, "Content-Length")) !=
			    NULL)
				clen = strtoll(hv, NULL, 10);
			if ((hv = header_value(v, eol, "Transfer-Encoding")) !=
			    NULL && strncasecmp(hv, "chunked", 7) == 0)
				chunked = 1;
			if ((hv = header_value(v, eol, "Connection")) != NULL &&
			    strncasecmp(hv, "close", 5) == 0)
				close_after = 1;
		}
		if (chunked) {
			used = http_chunked(c, hend + 4, avail - hsize);
			if (used == 0) {
				if (avail > LOAD_IN_MAX)
					fatal("conn %d: response over %u "
					    "bytes", c->id, LOAD_IN_MAX);
				return;
			}
			buf_add(&c->msg, "", 1);
			body = (const char *)c->msg.data;
			blen = buf_avail(&c->msg) - 1;
		} else if (clen >= 0) {
			if (clen > (long long)LOAD_IN_MAX)
				fatal("conn %d: Content-Length %lld", c->id,
				    clen);
			if (avail - hsize < (size_t)clen) {
				buf_reserve(&c->in, (size_t)clen -
				    (avail - hsize) + 1);
				return;
			}
			used = (size_t)clen;
			buf_clear(&c->msg);
			buf_add(&c->msg, hend + 4, used);
			buf_add(&c->msg, "", 1);
			body = (const char *)c->msg.data;
			blen = used;
		} else
			fatal("conn %d: %d response with neither "
			    "Content-Length nor chunked body", c->id, status);
		c->in.off += hsize + used;

		L.status = status;
		if (status != 200 && L.mode != MODE_HEALTHZ)
			fatal("conn %d: status %d, body: %.*s", c->id, status,
			    (int)(blen > 300 ? 300 : blen), body);
		f = conn_pop(c);
		http_message(&f, body, blen);
		if (close_after) {
			if (c->count > 0)
				fatal("conn %d: server answered "
				    "\"Connection: close\" with %zu pipelined "
				    "requests in flight", c->id, c->count);
			c->reconnect = 1;
			return;
		}
	}
}

/* Read what the server sent on c and act on it. */
static void
conn_read(struct conn *c)
{
	ssize_t	n;

	for (;;) {
		buf_reserve(&c->in, 65536);
		n = read(c->fd, c->in.data + c->in.len,
		    c->in.cap - c->in.len - 1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			fatal("conn %d: read: %s", c->id, strerror(errno));
		}
		if (n == 0) {
			if (L.mode == MODE_HTTP)
				http_parse(c);
			if (c->count > 0 || buf_avail(&c->in) > 0)
				fatal("conn %d: server closed the connection "
				    "with %zu messages in flight", c->id,
				    c->count);
			if (L.mode == MODE_WS && L.next < L.events)
				fatal("conn %d: server closed the WebSocket "
				    "connection without a close frame",
				    c->id);
			/* An idle keep-alive connection may be closed. */
			c->reconnect = 1;
			return;
		}
		c->in.len += (size_t)n;
		if ((size_t)n < 65536)
			break;
	}
	if (L.mode == MODE_WS)
		ws_parse(c);
	else
		http_parse(c);
}

/* Write what is queued on c. */
static void
conn_write(struct conn *c)
{
	ssize_t	n;

	while (buf_avail(&c->out) > 0) {
		n = write(c->fd, c->out.data + c->out.off,
		    buf_avail(&c->out));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			fatal("conn %d: write: %s", c->id, strerror(errno));
		}
		c->out.off += (size_t)n;
	}
	buf_clear(&c->out);
}

/* Compare doubles for qsort. */
static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q-quantile (0..1) of the sorted latencies. */
static double
quantile(double q)
{
	size_t	i;

	if (L.nlatency == 0)
		return 0;
	i = (size_t)(q * (double)(L.nlatency - 1) + 0.5);
	return L.latency[i];
}

/* Parse a positive integer option value. */
static unsigned long
parse_count(const char *opt, const char *s, unsigned long max)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v == 0 || v > max ||
	    *s == '-') {
		fprintf(stderr, "load: %s %s: expected a number from 1 to "
		    "%lu\n", opt, s, max);
		usage();
	}
	return v;
}

/* Sleep for ms milliseconds. */
static void
sleep_ms(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * --mode healthz: GET /healthz until it answers 200.  A refused connection
 * (nobody listens yet) or another status is tried again 1 ms later.
 */
static void
run_healthz(double deadline)
{
	struct conn	 c;
	struct flight	*f;
	char		 req[256];
	unsigned	 attempts = 0;
	int		 n;

	memset(&c, 0, sizeof c);
	L.window = 1;
	if ((c.ring = calloc(1, sizeof *c.ring)) == NULL ||
	    (L.latency = calloc(1, sizeof *L.latency)) == NULL)
		fatal("out of memory");
	n = snprintf(req, sizeof req, "GET /healthz HTTP/1.1\r\n"
	    "Host: %s\r\nUser-Agent: teltop-bench-load\r\n\r\n", L.hostport);
	for (;;) {
		attempts++;
		if (conn_connect(&c, 1) == 0) {
			buf_add(&c.out, req, (size_t)n);
			f = &c.ring[0];
			f->events = 0;
			f->reply = REPLY_STATUS;
			f->sent = now();
			c.head = 0;
			c.count = 1;
			L.nlatency = 0;
			L.status = 0;
			while (c.count > 0 && !c.reconnect) {
				conn_write(&c);
				wait_fd(c.fd, POLLIN, deadline,
				    "waiting for GET /healthz");
				conn_read(&c);
			}
			close(c.fd);
			if (L.status == 200)
				break;
		}
		if (now() >= deadline)
			fatal("GET /healthz on %s: no 200 after %u attempts "
			    "in %u s (last status %d)", L.hostport, attempts,
			    L.timeout, L.status);
		sleep_ms(1);
	}
	printf("mode=healthz seconds=%.3f attempts=%u\n", now() - L.start,
	    attempts);
	free(c.ring);
	free(c.in.data);
	free(c.out.data);
	free(c.msg.data);
	free(L.latency);
}

/* Send every event over L.conns connections and wait for their replies. */
static void
run_load(double deadline)
{
	struct conn	*conns;
	struct pollfd	*pfd;
	struct timespec	 ts;
	double		 wait_s, left;
	unsigned	 i, busy;
	int		 r;

	if ((conns = calloc(L.conns, sizeof *conns)) == NULL ||
	    (pfd = calloc(L.conns, sizeof *pfd)) == NULL ||
	    (L.latency = calloc(L.events / L.batch + 1,
	    sizeof *L.latency)) == NULL)
		fatal("out of memory");
	for (i = 0; i < L.conns; i++) {
		conns[i].id = (int)i;
		if ((conns[i].ring = calloc(L.window,
		    sizeof *conns[i].ring)) == NULL)
			fatal("out of memory");
		conn_open(&conns[i], deadline);
	}
	/* The clock starts once every connection is up. */
	L.start = now();

	for (;;) {
		wait_s = L.rate > 0 ? dispatch_due(conns) : -1;
		busy = 0;
		for (i = 0; i < L.conns; i++) {
			struct conn	*c = &conns[i];

			if (c->reconnect && c->count == 0 &&
			    L.next < L.events) {
				close(c->fd);
				conn_open(c, deadline);
				L.reconnects++;
			}
			if (L.rate == 0)
				conn_fill(c);
			if (buf_avail(&c->out) > 0)
				conn_write(c);
			pfd[i].fd = c->reconnect && c->count == 0 ? -1 : c->fd;
			pfd[i].events = POLLIN;
			if (buf_avail(&c->out) > 0)
				pfd[i].events |= POLLOUT;
			pfd[i].revents = 0;
			busy += c->count;
		}
		if (busy == 0 && L.next >= L.events)
			break;

		left = deadline - now();
		if (left <= 0)
			fatal("timeout after %u s: %u messages in flight got "
			    "no reply (%lu of %lu events handed out)",
			    L.timeout, busy, L.next, L.events);
		if (wait_s < 0 || wait_s > left)
			wait_s = left;
		ts.tv_sec = (time_t)wait_s;
		ts.tv_nsec = (long)((wait_s - (double)ts.tv_sec) * 1e9);
		r = ppoll(pfd, L.conns, &ts, NULL);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll: %s", strerror(errno));
		}
		for (i = 0; i < L.conns; i++) {
			if (pfd[i].fd == -1)
				continue;
			if (pfd[i].revents & POLLOUT)
				conn_write(&conns[i]);
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				conn_read(&conns[i]);
		}
	}
	L.seconds = now() - L.start;

	for (i = 0; i < L.conns; i++) {
		close(conns[i].fd);
		free(conns[i].in.data);
		free(conns[i].out.data);
		free(conns[i].msg.data);
		free(conns[i].ring);
	}
	free(conns);
	free(pfd);
	free(L.scratch.data);
}

/* Print the result line of a load run. */
static void
report(void)
{
	if (L.mismatches > 0)
		fprintf(stderr, "load: %lu replies did not accept every event "
		    "of their message; the first: %s\n", L.mismatches,
		    L.mismatch);
	qsort(L.latency, L.nlatency, sizeof *L.latency, cmp_double);
	printf("mode=%s kind=%s events=%lu seconds=%.3f acked_per_s=%.0f "
	    "acked=%lu dropped=%lu messages=%lu batch=%u conns=%u window=%u "
	    "rate=%.0f reconnects=%lu p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
	    L.mode_name, L.kind_name, L.events, L.seconds,
	    L.seconds > 0 ? (double)L.acked / L.seconds : 0.0,
	    L.acked, L.dropped, L.messages, L.batch, L.conns, L.window,
	    L.rate, L.reconnects, quantile(0.50), quantile(0.99),
	    quantile(1.0));
	fflush(stdout);
	free(L.latency);
}

int
main(int argc, char **argv)
{
	const char	*url = NULL, *mode = NULL, *opt, *val;
	unsigned long	 window = 0, batch = 0;

	L.conns = 1;
	L.timeout = LOAD_TIMEOUT_S;
	L.kind_name = "bench";
	for (int a = 1; a < argc; a += 2) {
		opt = argv[a];
		if (a + 1 >= argc)
			usage();
		val = argv[a + 1];
		if (strcmp(opt, "--url") == 0)
			url = val;
		else if (strcmp(opt, "--mode") == 0)
			mode = val;
		else if (strcmp(opt, "--kind") == 0)
			L.kind_name = val;
		else if (strcmp(opt, "--events") == 0)
			L.events = parse_count(opt, val, 1000000000UL);
		else if (strcmp(opt, "--batch") == 0)
			batch = parse_count(opt, val, 10000);
		else if (strcmp(opt, "--conns") == 0)
			L.conns = (unsigned)parse_count(opt, val, 256);
		else if (strcmp(opt, "--window") == 0)
			window = parse_count(opt, val, 65536);
		else if (strcmp(opt, "--rate") == 0)
			L.rate = (double)parse_count(opt, val, 10000000);
		else if (strcmp(opt, "--timeout") == 0)
			L.timeout = (unsigned)parse_count(opt, val, 3600);
		else
			usage();
	}
	if (url == NULL || mode == NULL)
		usage();
	if (strcmp(mode, "ws") == 0)
		L.mode = MODE_WS;
	else if (strcmp(mode, "http") == 0)
		L.mode = MODE_HTTP;
	else if (strcmp(mode, "healthz") == 0)
		L.mode = MODE_HEALTHZ;
	else {
		fprintf(stderr, "load: --mode %s: expected ws, http or "
		    "healthz\n", mode);
		usage();
	}
	if (bench_kind_parse(L.kind_name, &L.kind) != 0) {
		fprintf(stderr, "load: --kind %s: expected bench or mix\n",
		    L.kind_name);
		usage();
	}
	L.mode_name = mode;
	parse_url(url);
	signal(SIGPIPE, SIG_IGN);
	rng_seed();
	L.seed = rng_next();
	L.start = now();
	if (L.mode == MODE_HEALTHZ) {
		run_healthz(L.start + L.timeout);
		return 0;
	}
	if (L.events == 0)
		usage();
	L.batch = batch != 0 ? (unsigned)batch : 100;
	/* Open loop: room for every message that may be due at once. */
	L.window = window != 0 ? (unsigned)window : L.rate > 0 ? 16384 :
	    L.mode == MODE_HTTP ? 1 : 32;
	run_load(L.start + L.timeout);
	report();
	if (L.acked != L.events) {
		fprintf(stderr, "load: the server accepted %lu of the %lu "
		    "events sent (%lu dropped)\n", L.acked, L.events,
		    L.dropped);
		return 1;
	}
	return 0;
}
