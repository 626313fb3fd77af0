/*
 * Unit tests for ws/h1.h, HTTP/1.1 request parsing: pipelined requests one
 * at a time, chunked bodies, every split of a stream giving the same
 * requests, the bounds (414, 431), framing errors, upgrades and CONNECT,
 * and the query and header look-ups.  The chunked cases (every split, the
 * chunk forms, malformed encodings, a body past its bound) come from the
 * tests of ws/body.c's own decoder, which h1 replaced.  The regression
 * cases the fuzzer found (a NUL in a header, an upgrade header on a chunked
 * POST) are here too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws/body.h"
#include "ws/h1.h"
#include "tt_test.h"

#define LOG_MAX	8192

/* What the callbacks saw, as text: "REQ method target\nBODY bytes\n". */
struct seen {
	char	 log[LOG_MAX];
	size_t	 len;
	int	 verdict;	/* what on_headers answers */
	char	 host[64];
	char	 query[64];
};

static void
logf_(struct seen *s, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(s->log + s->len, LOG_MAX - s->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->len += (size_t)n < LOG_MAX - s->len ? (size_t)n :
		    LOG_MAX - s->len - 1;
}

static int
on_headers(void *arg, struct h1_req *r)
{
	struct seen	*s = arg;
	const char	*h, *q;

	logf_(s, "REQ %s %s%s\n", r->method_name, r->path,
	    r->chunked ? " chunked" : "");
	if ((h = h1_header(r, "HOST")) != NULL)
		snprintf(s->host, sizeof s->host, "%s", h);
	if ((q = h1_query(r, "token", s->query, sizeof s->query)) == NULL)
		s->query[0] = '\0';
	return s->verdict;
}

static int
on_body(void *arg, const uint8_t *p, size_t n)
{
	struct seen	*s = arg;

	logf_(s, "%.*s", (int)n, (const char *)p);
	return 0;
}

static const struct h1_ops ops = { on_headers, on_body };

/*
 * Feed text in pieces of at most step bytes (0: whole), answering each
 * request; returns the last result, *err when it is an error.
 */
static enum h1_result
feed(struct seen *s, const char *text, size_t step, struct h1_error *err)
{
	struct h1	*h = h1_new(&ops, s);
	size_t		 n = strlen(text), at = 0, len, used, end;
	enum h1_result	 res = H1_MORE;

	while (at < n) {
		end = step == 0 || at + step > n ? n : at + step;
		while (at < end) {
			len = end - at;
			res = h1_feed(h, (const uint8_t *)text + at, len,
			    &used, err);
			assert_true(used <= len);
			at += used;
			if (res == H1_DONE) {
				logf_(s, "|DONE\n");
				h1_next(h);
				continue;
			}
			if (res != H1_MORE)
				goto out;
		}
	}
out:
	h1_free(h);
	return res;
}

static void
test_pipelined(void **state)
{
	static const char req[] =
	    "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
	    "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n"
	    "\r\n{\"name\":\"a\"}"
	    "POST /batch/ HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "5\r\n{\"nam\r\n7;ext=1\r\ne\":\"c\"}\r\n0\r\n\r\n"
	    "HEAD /metrics HTTP/1.1\r\n\r\n";
	static const char want[] =
	    "REQ GET /healthz\n|DONE\n"
	    "REQ POST /v1/events\n{\"name\":\"a\"}|DONE\n"
	    "REQ POST /batch/ chunked\n{\"name\":\"c\"}|DONE\n"
	    "REQ HEAD /metrics\n|DONE\n";
	struct h1_error	err;
	size_t		step;

	(void)state;
	/* every split gives the same requests, one at a time */
	for (step = 0; step <= 40; step++) {
		struct seen s = { .verdict = H1_BODY };

		assert_int_equal(feed(&s, req, step, &err), H1_DONE);
		assert_str(s.log, want);
	}
}

/* A refused request's body is skipped, and the next one is read. */
static void
test_discard(void **state)
{
	struct seen	s = { .verdict = H1_DISCARD };
	struct h1_error	err;

	(void)state;
	assert_int_equal(feed(&s, "POST /nope HTTP/1.1\r\nContent-Length: 5"
	    "\r\n\r\nhelloGET /x?token=a%41b&y=1 HTTP/1.1\r\nHost: h:1\r\n\r\n",
	    0, &err), H1_DONE);
	assert_str(s.log, "REQ POST /nope\n|DONE\nREQ GET /x\n|DONE\n");
	assert_str(s.host, "h:1");
	assert_str(s.query, "aAb");
}

static void
expect_error(const char *text, int status, const char *why)
{
	struct seen	s = { .verdict = H1_BODY };
	struct h1_error	err;

	memset(&err, 0, sizeof err);
	assert_int_equal(feed(&s, text, 0, &err), H1_ERROR);
	assert_int_equal(err.status, status);
	if (strstr(err.why, why) == NULL) {
		print_error("'%s' does not say '%s'\n", err.why, why);
		fail();
	}
}

static void
test_framing_errors(void **state)
{
	(void)state;
	expect_error("POST /v1/events HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
	    400, "Content-Length");
	expect_error("POST /v1/events HTTP/1.1\r\nContent-Length: 2\r\n"
	    "Content-Length: 3\r\n\r\n", 400, "framing");
	expect_error("POST /v1/events HTTP/1.1\r\nContent-Length: 2\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", 400, "framing");
	expect_error("POST /v1/events HTTP/1.1\r\nContent-Length: "
	    "99999999999999999999\r\n\r\n", 400, "framing");
	expect_error("POST /v1/events HTTP/1.1\r\nTransfer-Encoding: chunked"
	    "\r\n\r\nzz\r\n", 400, "malformed");
	expect_error("NOT A REQUEST\r\n\r\n", 405, "method");
}

static void
test_limits(void **state)
{
	char	*big;
	size_t	 n;

	(void)state;
	/* a request target over the limit: 414 */
	n = H1_URI_MAX + 64;
	big = malloc(n + 64);
	assert_non_null(big);
	memcpy(big, "GET /", 5);
	memset(big + 5, 'a', n);
	strcpy(big + 5 + n, " HTTP/1.1\r\n\r\n");
	expect_error(big, 414, "target");
	free(big);

	/* a header section over the limit: 431 */
	n = H1_HEADER_MAX + 64;
	big = malloc(n + 64);
	assert_non_null(big);
	strcpy(big, "GET / HTTP/1.1\r\nX-Big: ");
	memset(big + strlen(big), 'b', n);
	strcpy(big + 23 + n, "\r\n\r\n");
	expect_error(big, 431, "header");
	free(big);
}

/* Regression (fuzz_h1): a NUL in a header made splits disagree. */
static void
test_nul_in_header(void **state)
{
	static const char req[] = "POST /v1 HTTP/1.1\r\nTransfer-Encoding:";
	char		buf[64];
	struct seen	s = { .verdict = H1_BODY };
	struct h1	*h = h1_new(&ops, &s);
	struct h1_error	err;
	size_t		used, n = sizeof req - 1;

	(void)state;
	memcpy(buf, req, n);
	buf[n++] = '\0';
	memcpy(buf + n, "chunked\r\n\r\n", 11);
	n += 11;
	assert_int_equal(h1_feed(h, (const uint8_t *)buf, n, &used, &err),
	    H1_ERROR);
	assert_int_equal(err.status, 400);
	assert_non_null(strstr(err.why, "NUL"));
	h1_free(h);
}

/* A WebSocket upgrade and CONNECT stop the parser after their headers. */
static void
test_upgrade(void **state)
{
	struct seen	s = { .verdict = H1_BODY };
	struct h1	*h = h1_new(&ops, &s);
	struct h1_error	err;
	struct h1_req	*r;
	size_t		used;
	static const char ws[] = "GET /ws HTTP/1.1\r\nConnection: Upgrade\r\n"
	    "Upgrade: websocket\r\nHost: a\r\n\r\n\x81\x85" "frame";
	static const char connect[] = "CONNECT a.example:443 HTTP/1.1\r\n"
	    "Host: a.example:443\r\n\r\n";

	(void)state;
	assert_int_equal(h1_feed(h, (const uint8_t *)ws, sizeof ws - 1, &used,
	    &err), H1_UPGRADE);
	r = h1_request(h);
	assert_int_equal(r->method, H1_GET);
	assert_str(r->path, "/ws");
	assert_str(h1_header(r, "upgrade"), "websocket");
	assert_true(used < sizeof ws - 1);	/* the frame is not parsed */
	h1_free(h);

	h = h1_new(&ops, &s);
	assert_int_equal(h1_feed(h, (const uint8_t *)connect, strlen(connect),
	    &used, &err), H1_UPGRADE);
	assert_int_equal(h1_request(h)->method, H1_CONNECT);
	h1_free(h);
}

/*
 * Regression (fuzz_h1): an Upgrade header on a chunked POST.  http-parser
 * sets upgrade at the headers and then reads the body: the request is an
 * upgrade only once it is whole, however the bytes are split.  An offer
 * other than WebSocket (curl --http2's h2c) is ignored: a plain request.
 */
static void
test_upgrade_with_body(void **state)
{
	static const char req[] = "POST /v1 HTTP/1.1\r\nConnection: Upgrade\r\n"
	    "Upgrade: websocket\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "3\r\nabc\r\n0\r\n\r\n";
	static const char h2c[] = "POST /v1 HTTP/1.1\r\nConnection: Upgrade\r\n"
	    "Upgrade: h2c\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "3\r\nabc\r\n0\r\n\r\n";
	struct h1_error	err;
	size_t		step;

	(void)state;
	for (step = 0; step < sizeof req; step += 7) {
		struct seen s = { .verdict = H1_BODY };
		struct seen t = { .verdict = H1_BODY };

		assert_int_equal(feed(&s, req, step, &err), H1_UPGRADE);
		assert_str(s.log, "");	/* neither headers nor body handed */
		assert_int_equal(feed(&t, h2c, step, &err), H1_DONE);
		assert_str(t.log, "REQ POST /v1 chunked\nabc|DONE\n");
	}
}

/* ---- chunked bodies (the cases of the old ws/body.c decoder) ---- */

#define CH_HEAD	"POST /v1/events HTTP/1.1\r\nHost: x\r\n" \
		"Transfer-Encoding: chunked\r\n\r\n"

/* 5 + 26 data bytes, with an extension, uppercase hex and a trailer. */
static const char chunked_req[] = CH_HEAD
	"5;foo=bar\r\n"
	"hello\r\n"
	"1A\r\n"
	"abcdefghijklmnopqrstuvwxyz\r\n"
	"0\r\n"
	"X-Checksum: 1234\r\n"
	"X-Other: a;b\r\n"
	"\r\n";
static const char chunked_data[] = "helloabcdefghijklmnopqrstuvwxyz";

/* The body of one request, kept up to its max as the collector does. */
struct ch_body {
	struct tt_buf	b;
	int		overflow;
	int		requests;
};

static int
ch_on_headers(void *arg, struct h1_req *r)
{
	struct ch_body	*c = arg;

	c->requests++;
	assert_true(r->chunked);
	return H1_BODY;
}

/* Past max the data is dropped, but the end is still found. */
static int
ch_on_body(void *arg, const uint8_t *p, size_t n)
{
	struct ch_body	*c = arg;

	if (!c->overflow && buf_append(&c->b, p, n) != 0)
		c->overflow = 1;
	return 0;
}

static const struct h1_ops ch_ops = { ch_on_headers, ch_on_body };

/*
 * Feed the len bytes of text in the pieces that cuts[0..ncuts) (increasing
 * offsets) make, each from a copy of exactly its size (ASan sees a read
 * past it).  A piece that ends before the end must give H1_MORE.  Returns
 * the last result; 99 for H1_DONE before the end.
 */
static enum h1_result
ch_feed(struct ch_body *c, const char *text, size_t len, const size_t *cuts,
    size_t ncuts, struct h1_error *err)
{
	struct h1	*h = h1_new(&ch_ops, c);
	uint8_t		*piece;
	size_t		 from = 0, to, k, at, used;
	enum h1_result	 res = H1_MORE;

	c->overflow = 0;
	c->requests = 0;
	buf_reset(&c->b);
	for (k = 0; k <= ncuts && res == H1_MORE; k++) {
		to = k < ncuts ? cuts[k] : len;
		piece = malloc(to - from > 0 ? to - from : 1);
		assert_non_null(piece);
		memcpy(piece, text + from, to - from);
		for (at = 0; at < to - from && res == H1_MORE; at += used)
			res = h1_feed(h, piece + at, to - from - at, &used,
			    err);
		free(piece);
		if (res == H1_DONE && from + at < len)
			res = 99;
		from = to;
	}
	h1_free(h);
	return res;
}

/* Whole, then its body is chunked_data exactly. */
static void
ch_expect(struct ch_body *c, enum h1_result res, const char *where)
{
	if (res != H1_DONE || c->requests != 1 || c->overflow ||
	    c->b.len != sizeof chunked_data - 1 ||
	    memcmp(c->b.p, chunked_data, c->b.len) != 0)
		fail_msg("%s: result %d, %d requests, overflow %d, %zu bytes",
		    where, res, c->requests, c->overflow, c->b.len);
}

/* The whole request at once, then one byte per call. */
static void
test_chunked_whole_bytewise(void **state)
{
	struct ch_body	 c;
	struct h1_error	 err;
	size_t		 len = sizeof chunked_req - 1, i, *cuts;

	(void)state;
	buf_init(&c.b, 1024);
	ch_expect(&c, ch_feed(&c, chunked_req, len, NULL, 0, &err), "whole");
	cuts = calloc(len, sizeof *cuts);
	assert_non_null(cuts);
	for (i = 1; i < len; i++)
		cuts[i - 1] = i;
	ch_expect(&c, ch_feed(&c, chunked_req, len, cuts, len - 1, &err),
	    "bytewise");
	free(cuts);
	buf_free(&c.b);
}

/* Every split into two and three pieces (empty pieces included). */
static void
test_chunked_every_split(void **state)
{
	struct ch_body	c;
	struct h1_error	err;
	size_t		len = sizeof chunked_req - 1, i, j, cuts[2];
	char		where[64];

	(void)state;
	buf_init(&c.b, 1024);
	for (i = 0; i <= len; i++) {
		for (j = i; j <= len; j++) {
			cuts[0] = i;
			cuts[1] = j;
			snprintf(where, sizeof where, "split at %zu, %zu", i,
			    j);
			ch_expect(&c, ch_feed(&c, chunked_req, len, cuts, 2,
			    &err), where);
		}
	}
	buf_free(&c.b);
}

static int
cmp_size(const void *a, const void *b)
{
	size_t	x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t
rnd(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) & 0x7fff;
}

/* Random splits into many pieces. */
static void
test_chunked_random_splits(void **state)
{
	struct ch_body	c;
	struct h1_error	err;
	size_t		len = sizeof chunked_req - 1, cuts[64], n, k;
	uint32_t	seed = 42;
	char		where[64];
	int		round;

	(void)state;
	buf_init(&c.b, 1024);
	for (round = 0; round < 2000; round++) {
		n = rnd(&seed) % 20;
		for (k = 0; k < n; k++)
			cuts[k] = rnd(&seed) % (len + 1);
		qsort(cuts, n, sizeof cuts[0], cmp_size);
		snprintf(where, sizeof where, "round %d", round);
		ch_expect(&c, ch_feed(&c, chunked_req, len, cuts, n, &err),
		    where);
	}
	buf_free(&c.b);
}

/* CH_HEAD then the body enc (n bytes), whole: the result. */
static enum h1_result
ch_body(struct ch_body *c, const char *enc, size_t n, struct h1_error *err)
{
	char		*text;
	size_t		 hn = sizeof CH_HEAD - 1;
	enum h1_result	 res;

	text = malloc(hn + n);
	assert_non_null(text);
	memcpy(text, CH_HEAD, hn);
	memcpy(text + hn, enc, n);
	res = ch_feed(c, text, hn + n, NULL, 0, err);
	free(text);
	return res;
}

/* ch_body() of enc gives a whole request whose body is want. */
static void
ch_expect_body(struct ch_body *c, const char *enc, const char *want)
{
	struct h1_error	err;
	enum h1_result	res;

	res = ch_body(c, enc, strlen(enc), &err);
	if (res != H1_DONE || c->b.len != strlen(want) ||
	    memcmp(c->b.p, want, c->b.len) != 0)
		fail_msg("'%s': result %d, %zu bytes", enc, res, c->b.len);
}

/* Lowercase hex, several extensions, a bare last chunk, no trailer. */
static void
test_chunked_forms(void **state)
{
	struct ch_body	c;
	struct h1_error	err;

	(void)state;
	buf_init(&c.b, 1024);
	ch_expect_body(&c, "a\r\n0123456789\r\n0\r\n\r\n", "0123456789");
	ch_expect_body(&c, "1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n",
	    "abcdefghijklmnopqrstuvwxyz");
	ch_expect_body(&c, "3;a=1;b=\"x y\"\r\nabc\r\n0;last\r\n\r\n", "abc");
	/* Leading zeros are fine. */
	ch_expect_body(&c, "0003\r\nabc\r\n000\r\n\r\n", "abc");
	/* An empty body. */
	ch_expect_body(&c, "0\r\n\r\n", "");
	assert_int_equal(c.overflow, 0);
	/* Not yet at the end: more wanted. */
	assert_int_equal(ch_body(&c, "3\r\nabc\r\n0\r\n", 11, &err), H1_MORE);
	assert_int_equal(ch_body(&c, "3\r\nabc\r\n0\r\nX-A: b\r\n", 19, &err),
	    H1_MORE);
	assert_int_equal(ch_body(&c, "3\r\nab", 5, &err), H1_MORE);
	buf_free(&c.b);
}

/* Data bytes that look like chunk syntax are data. */
static void
test_chunked_binary_data(void **state)
{
	static const char	enc[] = "9\r\n\r\n0\r\n\r\n\0\xff\r\n0\r\n\r\n";
	struct ch_body		c;
	struct h1_error		err;

	(void)state;
	buf_init(&c.b, 1024);
	assert_int_equal(ch_body(&c, enc, sizeof enc - 1, &err), H1_DONE);
	assert_int_equal(c.b.len, 9);
	assert_memory_equal(c.b.p, enc + 3, 9);
	buf_free(&c.b);
}

/* Malformed framing: 400, whole and a byte at a time. */
static void
test_chunked_malformed(void **state)
{
	static const char	*bad[] = {
		"zz\r\n",			/* not hex */
		"5\r\nhelloX\r\n0\r\n\r\n",	/* no CRLF after the data */
		"5\r\nhello\n0\r\n\r\n",	/* LF without CR */
		"5\nhello\r\n0\r\n\r\n",	/* size line ends in LF */
		"5\rhello\r\n0\r\n\r\n",	/* size line CR without LF */
		"\r\n",				/* no size at all */
		";ext\r\n",			/* an extension, no size */
		"-5\r\n",			/* a sign */
		"0x5\r\nhello\r\n0\r\n\r\n",	/* a prefix */
		"ffffffffffffffff\r\n",	/* the size overflows */
		"0\r\nX-A: b\rZ",		/* trailer CR without LF */
	};
	struct ch_body	 c;
	struct h1_error	 err;
	enum h1_result	 res;
	size_t		 i, k, len, *cuts;
	char		*text;

	(void)state;
	buf_init(&c.b, 1024);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&err, 0, sizeof err);
		res = ch_body(&c, bad[i], strlen(bad[i]), &err);
		if (res != H1_ERROR || err.status != 400)
			fail_msg("bad[%zu]: result %d, status %d", i, res,
			    err.status);

		len = sizeof CH_HEAD - 1 + strlen(bad[i]);
		text = malloc(len + 1);
		cuts = calloc(len, sizeof *cuts);
		assert_non_null(text);
		assert_non_null(cuts);
		snprintf(text, len + 1, "%s%s", CH_HEAD, bad[i]);
		for (k = 1; k < len; k++)
			cuts[k - 1] = k;
		memset(&err, 0, sizeof err);
		res = ch_feed(&c, text, len, cuts, len - 1, &err);
		if (res != H1_ERROR || err.status != 400)
			fail_msg("bad[%zu] bytewise: result %d, status %d", i,
			    res, err.status);
		free(cuts);
		free(text);
	}
	buf_free(&c.b);
}

/*
 * Known gap: Debian's http-parser is built without HTTP_PARSER_STRICT and
 * takes any byte for the CR and the LF after a chunk's size line, after
 * its data and at the end of the trailer, so these are answered, not
 * refused (ws/body.c's decoder refused them).  Checked here so that a fix
 * in ws/h1.c turns them into errors above.  A size of 16 hex digits is no
 * error to h1: the caller's bound ends it.
 */
static void
test_chunked_lenient(void **state)
{
	static const char	*lenient[] = {
		"5\r\nhello\rX0\r\n\r\n",	/* CR without LF */
		"5\r\nhelloXY0\r\n\r\n",	/* junk after the data */
		"5\rXhello\r\n0\r\n\r\n",	/* size line CR, junk */
		"0\r\n\rZ",			/* last CR without LF */
	};
	struct ch_body	 c;
	struct h1_error	 err;
	size_t		 i;

	(void)state;
	buf_init(&c.b, 1024);
	for (i = 0; i < sizeof lenient / sizeof lenient[0]; i++)
		if (ch_body(&c, lenient[i], strlen(lenient[i]), &err) !=
		    H1_DONE)
			fail_msg("lenient[%zu] is refused now: move it to "
			    "test_chunked_malformed", i);
	assert_int_equal(ch_body(&c, "1000000000000000\r\n", 18, &err),
	    H1_MORE);
	buf_free(&c.b);
}

/* With a small max the data is dropped but the end is still found. */
static void
test_chunked_oversize(void **state)
{
	struct ch_body	 c;
	struct h1_error	 err;
	size_t		 len = sizeof chunked_req - 1, i, *cuts;
	char		 enc[4096 + 64];
	size_t		 n;

	(void)state;
	buf_init(&c.b, 8);
	assert_int_equal(ch_feed(&c, chunked_req, len, NULL, 0, &err),
	    H1_DONE);
	assert_int_equal(c.overflow, 1);
	assert_true(c.b.len <= 8);
	/* Byte by byte. */
	cuts = calloc(len, sizeof *cuts);
	assert_non_null(cuts);
	for (i = 1; i < len; i++)
		cuts[i - 1] = i;
	assert_int_equal(ch_feed(&c, chunked_req, len, cuts, len - 1, &err),
	    H1_DONE);
	assert_int_equal(c.overflow, 1);
	assert_true(c.b.len <= 8);
	free(cuts);
	buf_free(&c.b);

	/* Exactly max is not an overflow; one byte less is. */
	buf_init(&c.b, sizeof chunked_data - 1);
	ch_expect(&c, ch_feed(&c, chunked_req, len, NULL, 0, &err), "max");
	buf_free(&c.b);
	buf_init(&c.b, sizeof chunked_data - 2);
	assert_int_equal(ch_feed(&c, chunked_req, len, NULL, 0, &err),
	    H1_DONE);
	assert_int_equal(c.overflow, 1);
	buf_free(&c.b);

	/* One chunk much larger than max, then a trailer. */
	n = (size_t)snprintf(enc, sizeof enc, "1000\r\n");
	memset(enc + n, 'x', 4096);
	n += 4096;
	memcpy(enc + n, "\r\n0\r\nT: 1\r\n\r\n", 13);
	n += 13;
	buf_init(&c.b, 100);
	assert_int_equal(ch_body(&c, enc, n, &err), H1_DONE);
	assert_int_equal(c.overflow, 1);
	assert_true(c.b.len <= 100);
	buf_free(&c.b);
}

static void
test_keep_alive(void **state)
{
	struct seen	s = { .verdict = H1_BODY };
	struct h1	*h = h1_new(&ops, &s);
	struct h1_error	err;
	size_t		used;
	static const char a[] = "GET / HTTP/1.1\r\nConnection: close\r\n\r\n";
	static const char b[] = "GET / HTTP/1.0\r\n\r\n";
	static const char c[] = "GET / HTTP/1.1\r\n\r\n";

	(void)state;
	assert_int_equal(h1_feed(h, (const uint8_t *)a, sizeof a - 1, &used,
	    &err), H1_DONE);
	assert_int_equal(h1_request(h)->keep_alive, 0);
	h1_free(h);
	h = h1_new(&ops, &s);
	assert_int_equal(h1_feed(h, (const uint8_t *)b, sizeof b - 1, &used,
	    &err), H1_DONE);
	assert_int_equal(h1_request(h)->keep_alive, 0);
	h1_free(h);
	h = h1_new(&ops, &s);
	assert_int_equal(h1_feed(h, (const uint8_t *)c, sizeof c - 1, &used,
	    &err), H1_DONE);
	assert_int_equal(h1_request(h)->keep_alive, 1);
	assert_str(h1_status_text(404), "Not Found");
	assert_str(h1_status_text(599), "Status");
	h1_free(h);
}

/* ---- replies (h1_new_response): what a capture forward reads back ---- */

static int
resp_on_headers(void *arg, struct h1_req *r)
{
	struct seen	*s = arg;
	const char	*ct = h1_header(r, "content-type");

	logf_(s, "STATUS %d %s\n", r->status, ct != NULL ? ct : "-");
	return H1_BODY;
}

static const struct h1_ops resp_ops = { resp_on_headers, on_body };

/* Feed a reply whole, then the end of the stream if it wants more. */
static enum h1_result
feed_reply(struct seen *s, const char *text, int head, struct h1_error *err)
{
	struct h1	*h = h1_new_response(&resp_ops, s, head);
	size_t		 used;
	enum h1_result	 res;

	res = h1_feed(h, (const uint8_t *)text, strlen(text), &used, err);
	if (res == H1_MORE)
		res = h1_eof(h, err);
	h1_free(h);
	return res;
}

static void
test_reply_framings(void **state)
{
	struct seen	s;
	struct h1_error	err;

	(void)state;
	memset(&s, 0, sizeof s);
	assert_int_equal(feed_reply(&s, "HTTP/1.1 200 OK\r\ncontent-type: "
	    "application/json\r\ncontent-length: 12\r\n\r\n{\"status\":1}", 0,
	    &err), H1_DONE);
	assert_str(s.log, "STATUS 200 application/json\n{\"status\":1}");

	memset(&s, 0, sizeof s);
	assert_int_equal(feed_reply(&s, "HTTP/1.1 200 OK\r\ntransfer-encoding: "
	    "chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 0, &err), H1_DONE);
	assert_str(s.log, "STATUS 200 -\nhello");

	/* no length: the body runs to the end of the stream */
	memset(&s, 0, sizeof s);
	assert_int_equal(feed_reply(&s, "HTTP/1.0 200 ok\r\n\r\nuntil the end",
	    0, &err), H1_DONE);
	assert_str(s.log, "STATUS 200 -\nuntil the end");

	/* a reply to HEAD has no body, whatever its length says */
	memset(&s, 0, sizeof s);
	assert_int_equal(feed_reply(&s, "HTTP/1.1 200 OK\r\ncontent-length: "
	    "40\r\n\r\n", 1, &err), H1_DONE);
	assert_str(s.log, "STATUS 200 -\n");
}

static void
test_reply_bad(void **state)
{
	struct seen	s;
	struct h1_error	err;

	(void)state;
	/* http-parser takes 0-999: a status we could not pass on (fuzz) */
	memset(&s, 0, sizeof s);
	assert_int_equal(feed_reply(&s, "HTTP/1.0 2\ncontent-length: 6\r\n"
	    "\r\nhe end", 0, &err), H1_ERROR);
	assert_non_null(strstr(err.why, "100-599"));
	assert_int_equal(s.len, 0);

	/* cut short of its length */
	memset(&s, 0, sizeof s);
	assert_int_equal(feed_reply(&s, "HTTP/1.1 200 OK\r\ncontent-length: "
	    "10\r\n\r\nabc", 0, &err), H1_ERROR);

	memset(&s, 0, sizeof s);
	assert_int_equal(feed_reply(&s, "SMTP ready\r\n", 0, &err), H1_ERROR);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_discard),
		cmocka_unit_test(test_framing_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_nul_in_header),
		cmocka_unit_test(test_upgrade),
		cmocka_unit_test(test_upgrade_with_body),
		cmocka_unit_test(test_keep_alive),
		cmocka_unit_test(test_chunked_whole_bytewise),
		cmocka_unit_test(test_chunked_every_split),
		cmocka_unit_test(test_chunked_random_splits),
		cmocka_unit_test(test_chunked_forms),
		cmocka_unit_test(test_chunked_binary_data),
		cmocka_unit_test(test_chunked_malformed),
		cmocka_unit_test(test_chunked_lenient),
		cmocka_unit_test(test_chunked_oversize),
		cmocka_unit_test(test_reply_framings),
		cmocka_unit_test(test_reply_bad),
	};

	return cmocka_run_group_tests_name("h1", tests, NULL, NULL);
}
