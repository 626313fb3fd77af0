/*
 * tests/fault/faultload: the load of the fault tests.  It sends events to a
 * collector over WebSocket and HTTP and records exactly which of them the
 * collector acknowledged, so that a test can kill the collector at any
 * moment and then check that every acknowledged event is stored once.
 *
 *	faultload --url HOST:PORT --prefix P --acked FILE [--sent FILE]
 *	    [--refused FILE] [--ws N] [--http N] [--batch N] [--window W]
 *	    [--events N] [--duration S] [--rate R] [--pad BYTES]
 *	    [--max-refused K] [--reply-timeout S] [--strict]
 *
 * Every event carries a unique marker, "P-ROUTE-SEQ", as its name (generic
 * "name", PostHog "event"); SEQ counts the events of the run from 1 and
 * ROUTE says how it went:
 *
 *	ws1	one event per WebSocket text message, on /ws
 *	wsa	a JSON array of 2 to 20 events per message, on /ws
 *	ev	POST /v1/events: one object, a JSON array or NDJSON
 *	ph	POST /batch/, a posthog-go batch of 1 to 50 captures, gzip
 *
 * --ws N connections carry ws1 and wsa messages at random (up to W in flight
 * each, default 8), --http N connections POST /v1/events and --batch N
 * connections POST /batch/ (keep-alive, one request in flight).
 *
 * A marker is appended to the acked file (one line, written before the next
 * reply is read) only when the reply that promises the commit says so:
 * {"ok":true,"accepted":N,"dropped":0} with N the events of the message on
 * WebSocket, 200 {"accepted":N,"dropped":0} from /v1/events, 200
 * {"status":1} from /batch/.  Nothing is ever sent twice.  --sent FILE gets
 * every marker sent.  A refusal ({"ok":false,…} or an HTTP error status) is
 * a line in --refused FILE (else stderr): "ROUTE FIRST-LAST STATUS BODY";
 * after K refusals (--max-refused, default 1) no more is sent.
 *
 * Sending stops after N events (--events), S seconds (--duration), or when
 * the server goes away (EOF, reset, refused reconnect: a connection lost
 * stops the sending on all of them, an error under --strict); the run ends
 * when nothing is in flight any more.  --rate caps the events a second.
 *
 * Prints one line at the end: "sent=… acked=… refused=… unanswered=…
 * messages=… lost=… end=done|gone|refused".  Exit 0 when nothing was
 * refused, 3 when something was, 1 on a broken reply (wrong count, not
 * JSON, a reply with nothing in flight), a reply that takes longer than
 * --reply-timeout (default 30 s) or a lost connection under --strict; 2 on
 * a usage error.  Loopback addresses only.
 */
#define ZLIB_CONST

#include <sys/types.h>
#include <sys/socket.h>

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

#include <zlib.h>

#define IN_MAX		(4u * 1024 * 1024)	/* one server reply, bytes */
#define CONN_MAX	64
#define ARRAY_MAX	20			/* events in a wsa message */
#define BATCH_MAX	50			/* events in a ph message */

enum kind { K_WS, K_HTTP, K_BATCH };
enum route { R_WS1, R_WSA, R_EV, R_PH };

static const char *const route_names[] = { "ws1", "wsa", "ev", "ph" };

/* A byte buffer: data[off..len) is pending. */
struct buf {
	unsigned char	*data;
	size_t		 off;
	size_t		 len;
	size_t		 cap;
};

/* One message in flight: events first .. first + n - 1 of the run. */
struct flight {
	unsigned long	 first;
	unsigned	 n;
	enum route	 route;
	double		 sent;
};

struct conn {
	int		 id;
	enum kind	 kind;
	int		 fd;		/* -1 when closed */
	int		 alive;		/* 0 once lost for good */
	struct buf	 out;
	struct buf	 in;
	struct buf	 msg;		/* a WebSocket message, an HTTP body */
	int		 in_msg;
	struct flight	*ring;
	size_t		 head;
	size_t		 count;
	size_t		 window;
	int		 reconnect;	/* HTTP: the server said close */
};

static struct {
	struct sockaddr_in addr;
	char		 hostport[80];
	const char	*prefix;
	int		 acked_fd;
	FILE		*sent;
	FILE		*refused;
	unsigned	 nws, nhttp, nbatch, window;
	unsigned long	 events;	/* 0: no limit */
	double		 duration;	/* 0: no limit */
	double		 rate;		/* 0: no limit */
	size_t		 pad;
	unsigned long	 max_refused;
	double		 reply_timeout;
	int		 strict;

	struct conn	 conns[CONN_MAX];
	unsigned	 nconns;
	double		 start;
	int		 stopped;	/* no more sending */
	const char	*end;
	unsigned long	 next;		/* last event handed out */
	unsigned long	 acked;
	unsigned long	 refused_msgs;
	unsigned long	 refused_events;
	unsigned long	 unanswered;
	unsigned long	 messages;
	unsigned long	 lost;
	char		 lost_why[200];
	char		 open_why[200];	/* why conn_open failed */
	struct buf	 body;
	struct buf	 gz;
	char		*padding;
	uint64_t	 rng;
	unsigned long	 run_id;
} L;

static void	 fatal(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));
static void	 usage(void) __attribute__((noreturn));

static void
summary(FILE *fp)
{
	fprintf(fp, "sent=%lu acked=%lu refused=%lu unanswered=%lu "
	    "messages=%lu lost=%lu end=%s\n", L.next, L.acked,
	    L.refused_events, L.unanswered, L.messages, L.lost,
	    L.end != NULL ? L.end : "error");
}

static void
fatal(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "faultload: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nfaultload: ");
	summary(stderr);
	if (L.sent != NULL)
		fflush(L.sent);
	if (L.refused != NULL)
		fflush(L.refused);
	exit(1);
}

static void
usage(void)
{
	fprintf(stderr, "usage: faultload --url HOST:PORT --prefix P "
	    "--acked FILE [--sent FILE] [--refused FILE]\n"
	    "\t[--ws N] [--http N] [--batch N] [--window W] [--events N]\n"
	    "\t[--duration S] [--rate R] [--pad BYTES] [--max-refused K]\n"
	    "\t[--reply-timeout S] [--strict]\n");
	exit(2);
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64*, seeded from /dev/urandom */
static uint64_t
rng_next(void)
{
	L.rng ^= L.rng >> 12;
	L.rng ^= L.rng << 25;
	L.rng ^= L.rng >> 27;
	return L.rng * 2685821657736338717ULL;
}

static unsigned
rng_range(unsigned lo, unsigned hi)
{
	return lo + (unsigned)(rng_next() % (hi - lo + 1));
}

static void
rng_seed(void)
{
	int	fd;

	if ((fd = open("/dev/urandom", O_RDONLY)) != -1) {
		if (read(fd, &L.rng, sizeof L.rng) != (ssize_t)sizeof L.rng)
			L.rng = 0;
		close(fd);
	}
	if (L.rng == 0)
		L.rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ 1;
	L.run_id = (unsigned long)rng_next();
}

/* ---- buffers ---- */

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

static void
buf_add(struct buf *b, const void *data, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->data + b->len, data, n);
	b->len += n;
}

static void
buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	buf_reserve(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static size_t
buf_avail(const struct buf *b)
{
	return b->len - b->off;
}

static void
buf_clear(struct buf *b)
{
	b->off = b->len = 0;
}

/* ---- SHA-1 and base64, for Sec-WebSocket-Accept ---- */

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
		for (j = 0; j < 64; j++) {
			n = i * 64 + j;
			block[j] = n < len ? data[n] : n == len ? 0x80 : 0;
		}
		if (i == blocks - 1)
			for (j = 0; j < 8; j++)
				block[56 + j] = (unsigned char)(bits >>
				    (56 - 8 * j));
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

/* ---- tiny JSON reading of flat replies ---- */

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

static long long
json_uint(const char *s, const char *key)
{
	const char	*p;

	if ((p = json_value(s, key)) == NULL || !isdigit((unsigned char)*p))
		return -1;
	return strtoll(p, NULL, 10);
}

/* ---- recording ---- */

static void
marker(struct buf *b, enum route r, unsigned long seq)
{
	buf_printf(b, "%s-%s-%lu", L.prefix, route_names[r], seq);
}

static void
write_all_fd(int fd, const unsigned char *p, size_t n, const char *what)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			fatal("writing %s: %s", what, strerror(errno));
		}
		p += w;
		n -= (size_t)w;
	}
}

/* The reply promises that f is committed: record its markers. */
static void
ack(const struct flight *f)
{
	struct buf	b = { 0 };
	unsigned	i;

	for (i = 0; i < f->n; i++) {
		marker(&b, f->route, f->first + i);
		buf_add(&b, "\n", 1);
	}
	write_all_fd(L.acked_fd, b.data, b.len, "the acked file");
	free(b.data);
	L.acked += f->n;
}

static void
refuse(const struct flight *f, int status, const char *body, size_t len)
{
	FILE	*fp = L.refused != NULL ? L.refused : stderr;
	size_t	 i;

	fprintf(fp, "%s %lu-%lu %d ", route_names[f->route], f->first,
	    f->first + f->n - 1, status);
	for (i = 0; i < len && i < 400; i++)
		fputc(body[i] == '\n' ? ' ' : body[i], fp);
	fputc('\n', fp);
	fflush(fp);
	L.refused_msgs++;
	L.refused_events += f->n;
	if (L.refused_msgs >= L.max_refused && !L.stopped) {
		L.stopped = 1;
		L.end = "refused";
	}
}

/* ---- connections ---- */

static void
conn_close(struct conn *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	buf_clear(&c->in);
	buf_clear(&c->out);
	buf_clear(&c->msg);
	c->in_msg = 0;
}

/* The server went away under c: its messages in flight stay unanswered. */
static void
conn_lost(struct conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
conn_lost(struct conn *c, const char *fmt, ...)
{
	va_list	ap;
	size_t	i;

	va_start(ap, fmt);
	vsnprintf(L.lost_why, sizeof L.lost_why, fmt, ap);
	va_end(ap);
	for (i = 0; i < c->count; i++)
		L.unanswered += c->ring[(c->head + i) % c->window].n;
	if (L.strict)
		fatal("conn %d: %s (%zu messages in flight)", c->id,
		    L.lost_why, c->count);
	c->count = 0;
	conn_close(c);
	c->alive = 0;
	L.lost++;
	if (L.end == NULL || strcmp(L.end, "refused") != 0)
		L.end = "gone";
	L.stopped = 1;
}

static int
wait_fd(int fd, short events, double deadline)
{
	struct pollfd	pfd;
	int		ms, r;

	for (;;) {
		if ((ms = (int)((deadline - now()) * 1000)) <= 0)
			return -1;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		if ((r = poll(&pfd, 1, ms)) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll: %s", strerror(errno));
		}
		if (r > 0)
			return 0;
	}
}

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

/* The opening handshake; 0, or -1 (with the reason in L.open_why). */
static int
ws_handshake(struct conn *c)
{
	static const char	 guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
	unsigned char		 nonce[16], digest[20];
	char			 key[32], expect[32], req[512], concat[128];
	const char		*p, *eol, *hend, *v;
	double			 deadline = now() + 10;
	int			 n, accept_ok = 0;
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
	n = snprintf(req, sizeof req, "GET /ws HTTP/1.1\r\nHost: %s\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
	    "Sec-WebSocket-Protocol: teltop-ingest\r\n"
	    "User-Agent: teltop-faultload\r\n\r\n", L.hostport, key);
	if (write(c->fd, req, (size_t)n) != n) {
		snprintf(L.open_why, sizeof L.open_why, "handshake write: %s",
		    strerror(errno));
		return -1;
	}
	for (;;) {
		buf_reserve(&c->in, 4096);
		rd = read(c->fd, c->in.data + c->in.len,
		    c->in.cap - c->in.len - 1);
		if (rd == -1 && errno == EINTR)
			continue;
		if (rd == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (wait_fd(c->fd, POLLIN, deadline) != 0)
				fatal("conn %d: no WebSocket handshake reply "
				    "within 10 s", c->id);
			continue;
		}
		if (rd <= 0) {
			snprintf(L.open_why, sizeof L.open_why, "handshake "
			    "read: %s", rd == 0 ? "EOF" : strerror(errno));
			return -1;
		}
		c->in.len += (size_t)rd;
		c->in.data[c->in.len] = '\0';
		if ((hend = strstr((char *)c->in.data, "\r\n\r\n")) != NULL)
			break;
		if (c->in.len > 65536)
			fatal("conn %d: handshake reply over 64 KiB", c->id);
	}
	p = (const char *)c->in.data;
	if (strncmp(p, "HTTP/1.1 101", 12) != 0)
		fatal("conn %d: GET /ws: expected 101, got \"%.*s\"", c->id,
		    (int)strcspn(p, "\r\n"), p);
	for (p = strstr(p, "\r\n") + 2; p < hend; p = eol + 2) {
		eol = strstr(p, "\r\n");
		if ((v = header_value(p, eol, "Sec-WebSocket-Accept")) !=
		    NULL && (size_t)(eol - v) == strlen(expect) &&
		    strncmp(v, expect, strlen(expect)) == 0)
			accept_ok = 1;
	}
	if (!accept_ok)
		fatal("conn %d: 101 without the right Sec-WebSocket-Accept",
		    c->id);
	c->in.off = (size_t)(hend + 4 - (const char *)c->in.data);
	return 0;
}

/* Connect c (and upgrade a WebSocket); 0, or -1 and the reason. */
static int
conn_open(struct conn *c)
{
	int	one = 1, flags;

	conn_close(c);
	if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		fatal("socket: %s", strerror(errno));
	if (connect(c->fd, (struct sockaddr *)&L.addr, sizeof L.addr) == -1) {
		snprintf(L.open_why, sizeof L.open_why, "connect %s: %s",
		    L.hostport, strerror(errno));
		return -1;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if ((flags = fcntl(c->fd, F_GETFL)) == -1 ||
	    fcntl(c->fd, F_SETFL, flags | O_NONBLOCK) == -1)
		fatal("fcntl: %s", strerror(errno));
	c->reconnect = 0;
	if (c->kind == K_WS)
		return ws_handshake(c);
	return 0;
}

static void
ws_frame(struct conn *c, int opcode, const unsigned char *payload,
    size_t len)
{
	unsigned char	 hdr[14], mask[4], *dst;
	size_t		 h = 0, i;
	uint32_t	 m;

	hdr[h++] = (unsigned char)(0x80 | opcode);
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

/* ---- payloads ---- */

static void
generic_json(struct buf *b, enum route r, unsigned long seq)
{
	buf_printf(b, "{\"source\":\"generic\",\"name\":\"");
	marker(b, r, seq);
	buf_printf(b, "\",\"client_id\":\"faultload\",\"command\":"
	    "\"fault %s\",\"seq\":%lu%s%s%s}", route_names[r], seq,
	    L.pad > 0 ? ",\"pad\":\"" : "", L.pad > 0 ? L.padding : "",
	    L.pad > 0 ? "\"" : "");
}

static void
posthog_json(struct buf *b, unsigned long seq)
{
	struct timespec	ts;
	struct tm	tm;
	char		stamp[40];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	buf_printf(b, "{\"type\":\"capture\",\"uuid\":\"%08lx-%04lx-4%03lx-"
	    "a%03lx-%012lx\",\"library\":\"posthog-go\",\"library_version\":"
	    "\"1.12.5\",\"timestamp\":\"%s.%09ldZ\",\"distinct_id\":"
	    "\"faultload\",\"event\":\"", L.run_id & 0xffffffffUL,
	    (L.run_id >> 32) & 0xffffUL, (seq >> 48) & 0xfffUL,
	    (seq >> 36) & 0xfffUL, seq & 0xffffffffffffUL, stamp,
	    ts.tv_nsec);
	marker(b, R_PH, seq);
	buf_printf(b, "\",\"properties\":{\"$lib\":\"posthog-go\","
	    "\"$lib_version\":\"1.12.5\",\"seq\":%lu%s%s%s},"
	    "\"send_feature_flags\":false}", seq,
	    L.pad > 0 ? ",\"pad\":\"" : "", L.pad > 0 ? L.padding : "",
	    L.pad > 0 ? "\"" : "");
}

static void
gzip_body(void)
{
	z_stream	z;
	uLong		bound;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		fatal("deflateInit2 failed");
	bound = deflateBound(&z, (uLong)buf_avail(&L.body));
	buf_clear(&L.gz);
	buf_reserve(&L.gz, bound);
	z.next_in = L.body.data + L.body.off;
	z.avail_in = (uInt)buf_avail(&L.body);
	z.next_out = L.gz.data;
	z.avail_out = (uInt)bound;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		fatal("deflate did not finish");
	L.gz.len = bound - z.avail_out;
	deflateEnd(&z);
}

/* Hand out n events (first returned) to a message of route r. */
static unsigned long
take(unsigned n, enum route r)
{
	unsigned long	first = L.next + 1;
	struct buf	b = { 0 };
	unsigned	i;

	L.next += n;
	if (L.sent != NULL) {
		for (i = 0; i < n; i++) {
			marker(&b, r, first + i);
			buf_add(&b, "\n", 1);
		}
		fwrite(b.data, 1, b.len, L.sent);
		free(b.data);
	}
	return first;
}

/* Events that may still be handed out now (rate, --events, duration). */
static unsigned long
budget(double t)
{
	unsigned long	n = ULONG_MAX, allowed;

	if (L.stopped)
		return 0;
	if (L.duration > 0 && t - L.start >= L.duration) {
		L.stopped = 1;
		L.end = "done";
		return 0;
	}
	if (L.events > 0) {
		if (L.next >= L.events) {
			L.stopped = 1;
			L.end = "done";
			return 0;
		}
		n = L.events - L.next;
	}
	if (L.rate > 0) {
		allowed = (unsigned long)((t - L.start) * L.rate) + 1;
		if (allowed <= L.next)
			return 0;
		if (allowed - L.next < n)
			n = allowed - L.next;
	}
	return n;
}

/* Queue one message on c if its window and the budget allow. */
static int
conn_send_one(struct conn *c, double t)
{
	unsigned long	 left = budget(t), first;
	struct flight	*f;
	enum route	 r;
	unsigned	 n, i;
	int		 ndjson;
	char		 hdr[300];

	if (left == 0 || c->count >= c->window || c->reconnect || !c->alive)
		return 0;
	buf_clear(&L.body);
	switch (c->kind) {
	case K_WS:
		if (rng_next() % 2 == 0 || left < 2) {
			r = R_WS1;
			n = 1;
		} else {
			r = R_WSA;
			n = rng_range(2, ARRAY_MAX);
		}
		if (n > left)
			n = (unsigned)left;
		first = take(n, r);
		if (r == R_WSA)
			buf_add(&L.body, "[", 1);
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_add(&L.body, ",", 1);
			generic_json(&L.body, r, first + i);
		}
		if (r == R_WSA)
			buf_add(&L.body, "]", 1);
		ws_frame(c, 0x1, L.body.data, L.body.len);
		break;
	case K_HTTP:
		r = R_EV;
		n = rng_range(1, ARRAY_MAX);
		if (n > left)
			n = (unsigned)left;
		first = take(n, r);
		ndjson = n > 1 && rng_next() % 3 == 0;
		if (n > 1 && !ndjson)
			buf_add(&L.body, "[", 1);
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_add(&L.body, ndjson ? "\n" : ",", 1);
			generic_json(&L.body, r, first + i);
		}
		if (n > 1 && !ndjson)
			buf_add(&L.body, "]", 1);
		snprintf(hdr, sizeof hdr, "POST /v1/events HTTP/1.1\r\n"
		    "Host: %s\r\nContent-Type: %s\r\n"
		    "Content-Length: %zu\r\n\r\n", L.hostport,
		    ndjson ? "application/x-ndjson" : "application/json",
		    L.body.len);
		buf_add(&c->out, hdr, strlen(hdr));
		buf_add(&c->out, L.body.data, L.body.len);
		break;
	default:
		r = R_PH;
		n = rng_range(1, BATCH_MAX);
		if (n > left)
			n = (unsigned)left;
		first = take(n, r);
		buf_printf(&L.body, "{\"api_key\":\"phc_faultload\","
		    "\"batch\":[");
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_add(&L.body, ",", 1);
			posthog_json(&L.body, first + i);
		}
		buf_add(&L.body, "]}", 2);
		gzip_body();
		snprintf(hdr, sizeof hdr, "POST /batch/ HTTP/1.1\r\n"
		    "Host: %s\r\nUser-Agent: posthog-go (version: 1.12.5)\r\n"
		    "Content-Type: application/json\r\n"
		    "Content-Encoding: gzip\r\n"
		    "Content-Length: %zu\r\n\r\n", L.hostport, L.gz.len);
		buf_add(&c->out, hdr, strlen(hdr));
		buf_add(&c->out, L.gz.data, L.gz.len);
		break;
	}
	f = &c->ring[(c->head + c->count) % c->window];
	f->first = first;
	f->n = n;
	f->route = r;
	f->sent = t;
	c->count++;
	L.messages++;
	return 1;
}

static struct flight
conn_pop(struct conn *c, const char *text, size_t len)
{
	struct flight	f;

	if (c->count == 0)
		fatal("conn %d: a reply with no message in flight: %.*s",
		    c->id, (int)(len > 300 ? 300 : len), text);
	f = c->ring[c->head];
	c->head = (c->head + 1) % c->window;
	c->count--;
	return f;
}

/* ---- replies ---- */

static void
ws_message(struct conn *c, const char *text, size_t len)
{
	struct flight	 f;
	const char	*ok;
	long long	 accepted, dropped;
	int		 shown = (int)(len > 300 ? 300 : len);

	if ((ok = json_value(text, "ok")) == NULL) {
		if (json_value(text, "type") != NULL)
			return;		/* a push, e.g. opt-out */
		fatal("conn %d: a WebSocket message that is no reply: %.*s",
		    c->id, shown, text);
	}
	f = conn_pop(c, text, len);
	if (strncmp(ok, "false", 5) == 0) {
		refuse(&f, 0, text, len);
		return;
	}
	accepted = json_uint(text, "accepted");
	dropped = json_uint(text, "dropped");
	if (strncmp(ok, "true", 4) != 0 || accepted != (long long)f.n ||
	    dropped > 0)
		fatal("conn %d: %s %lu-%lu (%u events): reply %.*s",
		    c->id, route_names[f.route], f.first, f.first + f.n - 1,
		    f.n, shown, text);
	ack(&f);
}

/* Returns 0, or -1 when the connection failed (conn_lost called). */
static int
ws_parse(struct conn *c)
{
	const unsigned char	*p;
	size_t			 avail, hlen, i;
	uint64_t		 plen;
	int			 fin, op;

	for (;;) {
		p = c->in.data + c->in.off;
		avail = buf_avail(&c->in);
		if (avail < 2)
			return 0;
		fin = p[0] & 0x80;
		op = p[0] & 0x0f;
		plen = p[1] & 0x7f;
		hlen = 2;
		if (p[1] & 0x80)
			fatal("conn %d: masked frame from the server", c->id);
		if (plen == 126) {
			if (avail < 4)
				return 0;
			plen = (uint64_t)p[2] << 8 | p[3];
			hlen = 4;
		} else if (plen == 127) {
			if (avail < 10)
				return 0;
			for (plen = 0, i = 0; i < 8; i++)
				plen = plen << 8 | p[2 + i];
			hlen = 10;
		}
		if (plen > IN_MAX)
			fatal("conn %d: frame of %" PRIu64 " bytes", c->id,
			    plen);
		if (avail < hlen + plen) {
			buf_reserve(&c->in, hlen + (size_t)plen - avail + 1);
			return 0;
		}
		p += hlen;
		c->in.off += hlen + (size_t)plen;
		switch (op) {
		case 0x8:
			conn_lost(c, "the server closed the WebSocket (code "
			    "%d)", plen >= 2 ? (p[0] << 8 | p[1]) : 0);
			return -1;
		case 0x9:
			ws_frame(c, 0xA, p, (size_t)plen);
			break;
		case 0xA:
			break;
		case 0x1:
		case 0x2:
			buf_clear(&c->msg);
			c->in_msg = 1;
			/* FALLTHROUGH */
		case 0x0:
			if (!c->in_msg)
				fatal("conn %d: continuation without a "
				    "message", c->id);
			buf_add(&c->msg, p, (size_t)plen);
			if (fin) {
				c->in_msg = 0;
				buf_add(&c->msg, "", 1);
				ws_message(c, (const char *)c->msg.data,
				    c->msg.len - 1);
				buf_clear(&c->msg);
			}
			break;
		default:
			fatal("conn %d: opcode 0x%x", c->id, op);
		}
	}
}

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
			for (;;) {
				if ((eol = memchr(q, '\n',
				    (size_t)(end - q))) == NULL)
					return 0;
				if (eol == q || (eol == q + 1 && *q == '\r'))
					return (size_t)(eol + 1 - p);
				q = eol + 1;
			}
		}
		if ((size_t)(end - q) < n + 2)
			return 0;
		buf_add(&c->msg, q, n);
		q += n + 2;
	}
}

static void
http_reply(struct conn *c, int status, const char *body, size_t len)
{
	struct flight	f = conn_pop(c, body, len);
	int		shown = (int)(len > 300 ? 300 : len);

	if (status != 200) {
		refuse(&f, status, body, len);
		return;
	}
	if (f.route == R_PH) {
		if (json_uint(body, "status") != 1)
			fatal("conn %d: /batch/ %lu-%lu: 200 with body %.*s",
			    c->id, f.first, f.first + f.n - 1, shown, body);
	} else if (json_uint(body, "accepted") != (long long)f.n ||
	    json_uint(body, "dropped") > 0)
		fatal("conn %d: /v1/events %lu-%lu (%u events): 200 with "
		    "body %.*s", c->id, f.first, f.first + f.n - 1, f.n,
		    shown, body);
	ack(&f);
}

static void
http_parse(struct conn *c)
{
	const char	*p, *hend, *eol, *v, *hv;
	size_t		 avail, hsize, used;
	long long	 clen;
	int		 status, chunked, close_after;

	for (;;) {
		if ((avail = buf_avail(&c->in)) == 0)
			return;
		buf_reserve(&c->in, 1);
		c->in.data[c->in.len] = '\0';
		p = (const char *)c->in.data + c->in.off;
		if ((hend = strstr(p, "\r\n\r\n")) == NULL)
			return;
		hsize = (size_t)(hend + 4 - p);
		if (sscanf(p, "HTTP/1.%*1d %3d", &status) != 1)
			fatal("conn %d: not an HTTP response: \"%.*s\"",
			    c->id, (int)strcspn(p, "\r\n"), p);
		clen = -1;
		chunked = close_after = 0;
		for (v = strstr(p, "\r\n") + 2; v < hend; v = eol + 2) {
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
			if ((used = http_chunked(c, hend + 4,
			    avail - hsize)) == 0)
				return;
		} else if (clen >= 0) {
			if (avail - hsize < (size_t)clen)
				return;
			used = (size_t)clen;
			buf_clear(&c->msg);
			buf_add(&c->msg, hend + 4, used);
		} else
			fatal("conn %d: a %d reply without Content-Length "
			    "or chunked body", c->id, status);
		buf_add(&c->msg, "", 1);
		c->in.off += hsize + used;
		http_reply(c, status, (const char *)c->msg.data,
		    c->msg.len - 1);
		if (close_after) {
			c->reconnect = 1;
			return;
		}
	}
}

/* Returns 0, or -1 when c was lost. */
static int
conn_read(struct conn *c)
{
	ssize_t	n;

	for (;;) {
		buf_reserve(&c->in, 65537);
		n = read(c->fd, c->in.data + c->in.len,
		    c->in.cap - c->in.len - 1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			conn_lost(c, "read: %s", strerror(errno));
			return -1;
		}
		if (n == 0) {
			if (c->kind != K_WS)
				http_parse(c);
			if (c->kind != K_WS && c->count == 0 &&
			    buf_avail(&c->in) == 0) {
				/* an idle keep-alive connection closed */
				c->reconnect = 1;
				return 0;
			}
			conn_lost(c, "EOF from the server");
			return -1;
		}
		c->in.len += (size_t)n;
		if (buf_avail(&c->in) > IN_MAX)
			fatal("conn %d: over %u bytes of unparsed reply",
			    c->id, IN_MAX);
	}
	if (c->kind == K_WS)
		return ws_parse(c);
	http_parse(c);
	return 0;
}

static int
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
				return 0;
			conn_lost(c, "write: %s", strerror(errno));
			return -1;
		}
		c->out.off += (size_t)n;
	}
	buf_clear(&c->out);
	return 0;
}

/* ---- main ---- */

static void
parse_url(const char *arg)
{
	char		 host[64];
	const char	*url = arg, *p, *colon, *end;
	unsigned long	 port;
	char		*pend;
	size_t		 n;

	if ((p = strstr(url, "://")) != NULL)
		url = p + 3;
	end = url + strcspn(url, "/");
	if ((colon = memchr(url, ':', (size_t)(end - url))) == NULL ||
	    (n = (size_t)(colon - url)) == 0 || n >= sizeof host)
		usage();
	memcpy(host, url, n);
	host[n] = '\0';
	port = strtoul(colon + 1, &pend, 10);
	if (pend != end || port == 0 || port > 65535)
		usage();
	memset(&L.addr, 0, sizeof L.addr);
	L.addr.sin_family = AF_INET;
	L.addr.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &L.addr.sin_addr) != 1 ||
	    (ntohl(L.addr.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "faultload: %s: a 127.x.x.x address, please\n",
		    arg);
		exit(2);
	}
	snprintf(L.hostport, sizeof L.hostport, "%s:%lu", host, port);
}

static double
num(const char *opt, const char *s)
{
	char	*end;
	double	 v = strtod(s, &end);

	if (end == s || *end != '\0' || v < 0) {
		fprintf(stderr, "faultload: %s: not a number: %s\n", opt, s);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	struct pollfd	 pfd[CONN_MAX];
	struct conn	*c, *idx[CONN_MAX];
	const char	*url = NULL, *acked = NULL, *sent = NULL;
	const char	*refused = NULL;
	double		 t;
	unsigned	 i, k, np, live, busy;
	int		 a;

	L.nws = 2;
	L.nhttp = 1;
	L.nbatch = 1;
	L.window = 8;
	L.max_refused = 1;
	L.reply_timeout = 30;
	for (a = 1; a < argc; a++) {
		const char *o = argv[a], *v = a + 1 < argc ? argv[a + 1] : NULL;

		if (strcmp(o, "--strict") == 0) {
			L.strict = 1;
			continue;
		}
		if (v == NULL)
			usage();
		a++;
		if (strcmp(o, "--url") == 0)
			url = v;
		else if (strcmp(o, "--prefix") == 0)
			L.prefix = v;
		else if (strcmp(o, "--acked") == 0)
			acked = v;
		else if (strcmp(o, "--sent") == 0)
			sent = v;
		else if (strcmp(o, "--refused") == 0)
			refused = v;
		else if (strcmp(o, "--ws") == 0)
			L.nws = (unsigned)num(o, v);
		else if (strcmp(o, "--http") == 0)
			L.nhttp = (unsigned)num(o, v);
		else if (strcmp(o, "--batch") == 0)
			L.nbatch = (unsigned)num(o, v);
		else if (strcmp(o, "--window") == 0)
			L.window = (unsigned)num(o, v);
		else if (strcmp(o, "--events") == 0)
			L.events = (unsigned long)num(o, v);
		else if (strcmp(o, "--duration") == 0)
			L.duration = num(o, v);
		else if (strcmp(o, "--rate") == 0)
			L.rate = num(o, v);
		else if (strcmp(o, "--pad") == 0)
			L.pad = (size_t)num(o, v);
		else if (strcmp(o, "--max-refused") == 0)
			L.max_refused = (unsigned long)num(o, v);
		else if (strcmp(o, "--reply-timeout") == 0)
			L.reply_timeout = num(o, v);
		else
			usage();
	}
	if (url == NULL || L.prefix == NULL || acked == NULL ||
	    L.window == 0 || L.max_refused == 0 ||
	    L.nws + L.nhttp + L.nbatch == 0 ||
	    L.nws + L.nhttp + L.nbatch > CONN_MAX)
		usage();
	parse_url(url);
	signal(SIGPIPE, SIG_IGN);
	rng_seed();
	if ((L.acked_fd = open(acked, O_WRONLY | O_CREAT | O_APPEND,
	    0644)) == -1)
		fatal("%s: %s", acked, strerror(errno));
	if (sent != NULL && (L.sent = fopen(sent, "a")) == NULL)
		fatal("%s: %s", sent, strerror(errno));
	if (refused != NULL && (L.refused = fopen(refused, "a")) == NULL)
		fatal("%s: %s", refused, strerror(errno));
	if (L.pad > 0) {
		if ((L.padding = malloc(L.pad + 1)) == NULL)
			fatal("out of memory");
		memset(L.padding, 'x', L.pad);
		L.padding[L.pad] = '\0';
	}

	for (i = 0; i < L.nws + L.nhttp + L.nbatch; i++) {
		c = &L.conns[L.nconns++];
		c->id = (int)i;
		c->fd = -1;
		c->alive = 1;
		c->kind = i < L.nws ? K_WS : i < L.nws + L.nhttp ? K_HTTP :
		    K_BATCH;
		c->window = c->kind == K_WS ? L.window : 1;
		if ((c->ring = calloc(c->window, sizeof *c->ring)) == NULL)
			fatal("out of memory");
	}
	L.start = now();
	for (i = 0; i < L.nconns; i++)
		if (conn_open(&L.conns[i]) != 0)
			conn_lost(&L.conns[i], "%s", L.open_why);

	for (;;) {
		t = now();
		np = live = busy = 0;
		for (i = 0; i < L.nconns; i++) {
			c = &L.conns[i];
			if (!c->alive)
				continue;
			if (c->reconnect && c->count == 0) {
				if (L.stopped) {
					conn_close(c);
					c->alive = 0;
					continue;
				}
				if (conn_open(c) != 0) {
					conn_lost(c, "reconnect: %s",
					    L.open_why);
					continue;
				}
			}
			while (conn_send_one(c, t))
				;
			if (c->count > 0 && t - c->ring[c->head].sent >
			    L.reply_timeout)
				fatal("conn %d: no reply within %g s to %s "
				    "%lu-%lu", c->id, L.reply_timeout,
				    route_names[c->ring[c->head].route],
				    c->ring[c->head].first,
				    c->ring[c->head].first +
				    c->ring[c->head].n - 1);
			live++;
			if (c->count > 0 || buf_avail(&c->out) > 0)
				busy++;
			pfd[np].fd = c->fd;
			pfd[np].events = POLLIN;
			if (buf_avail(&c->out) > 0)
				pfd[np].events |= POLLOUT;
			pfd[np].revents = 0;
			idx[np++] = c;
		}
		if (live == 0 || (L.stopped && busy == 0))
			break;
		if (poll(pfd, np, L.rate > 0 ? 5 : 100) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll: %s", strerror(errno));
		}
		for (k = 0; k < np; k++) {
			c = idx[k];
			if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR))
				if (conn_read(c) != 0)
					continue;
			if (c->alive && c->fd != -1 &&
			    buf_avail(&c->out) > 0)
				(void)conn_write(c);
		}
	}
	if (L.end == NULL)
		L.end = "done";
	if (L.sent != NULL)
		fflush(L.sent);
	summary(stdout);
	if (L.lost > 0)
		fprintf(stderr, "faultload: %s\n", L.lost_why);
	return L.refused_msgs > 0 ? 3 : 0;
}
