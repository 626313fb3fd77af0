/*
 * Unit tests for ws/h1.h, HTTP/1.1 request parsing: pipelined requests one
 * at a time, chunked bodies, every split of a stream giving the same
 * requests, the bounds (414, 431), framing errors, upgrades and CONNECT,
 * and the query and header look-ups.  The regression cases the fuzzer
 * found (a NUL in a header, an upgrade header on a chunked POST) are here
 * too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	};

	return cmocka_run_group_tests_name("h1", tests, NULL, NULL);
}
