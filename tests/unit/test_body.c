/*
 * Unit tests for the request body helpers of ws/body.h: the bounded
 * buffer, gzip/zlib inflation with its limit (truncated streams, corrupt
 * data, a gzip bomb) and posthog-js "data=<base64>" form bodies.
 *
 * Every input is copied into a buffer of exactly its length, without a
 * terminating NUL, so that AddressSanitizer catches any read past the end.
 * Compressed inputs are made here with zlib; base64 is encoded here too, so
 * that the expected bytes do not come from the code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "ws/body.h"

#define MiB	(1024 * 1024)

/* A copy of n bytes of p in a buffer of exactly n bytes.  Caller frees. */
static uint8_t *
exact(const void *p, size_t n)
{
	uint8_t	*c;

	c = malloc(n > 0 ? n : 1);
	assert_non_null(c);
	if (n > 0)
		memcpy(c, p, n);
	return c;
}

/* Does the cause mention one of two words? */
static int
mentions(const char *cause, const char *a, const char *b)
{
	return cause != NULL && (strstr(cause, a) != NULL ||
	    (b != NULL && strstr(cause, b) != NULL));
}

/* A small deterministic generator, so that failures can be replayed. */
static uint32_t
rnd(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) & 0x7fff;
}

/* ---- buf ---- */

/* Filling to exactly max works; one byte more fails and changes nothing. */
static void
test_buf_bounds(void **state)
{
	struct tt_buf	b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_append(&b, "0123", 4), 0);
	assert_int_equal(buf_append(&b, "456789", 6), 0);
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.p, "0123456789", 10);

	assert_int_equal(buf_append(&b, "x", 1), -1);
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.p, "0123456789", 10);
	assert_int_equal(buf_append(&b, "", 0), 0);
	assert_int_equal(b.len, 10);

	/* Reset empties it but keeps the limit. */
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_append(&b, "0123456789x", 11), -1);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_append(&b, "abcdefghij", 10), 0);
	assert_memory_equal(b.p, "abcdefghij", 10);
	buf_free(&b);
	assert_null(b.p);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, 10);

	/* One past max in a single append on an empty buffer. */
	buf_init(&b, 3);
	assert_int_equal(buf_append(&b, "abcd", 4), -1);
	assert_int_equal(b.len, 0);
	assert_int_equal(buf_append(&b, "abc", 3), 0);
	assert_int_equal(b.len, 3);
	buf_free(&b);

	/* max 0: nothing fits. */
	buf_init(&b, 0);
	assert_int_equal(buf_append(&b, "a", 1), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

/* Growing a byte at a time past the first allocation keeps the contents. */
static void
test_buf_grow(void **state)
{
	struct tt_buf	 b;
	size_t		 i, max = 100000;
	uint8_t		 c;

	(void)state;
	buf_init(&b, max);
	for (i = 0; i < max; i++) {
		c = (uint8_t)(i * 7);
		assert_int_equal(buf_append(&b, &c, 1), 0);
	}
	assert_int_equal(b.len, max);
	assert_true(b.cap >= b.len);
	c = 0;
	assert_int_equal(buf_append(&b, &c, 1), -1);
	assert_int_equal(b.len, max);
	for (i = 0; i < max; i++)
		if (b.p[i] != (uint8_t)(i * 7))
			fail_msg("byte %zu changed", i);
	buf_free(&b);
}

/* ---- inflate ---- */

/* Compress with deflateInit2 (windowBits 31: gzip, 15: zlib). */
static uint8_t *
zip(const void *p, size_t n, int wbits, size_t *outlen)
{
	z_stream	 z;
	uint8_t		*out;
	uLong		 cap;

	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, wbits, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	cap = deflateBound(&z, (uLong)n) + 32;
	out = malloc(cap);
	assert_non_null(out);
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*outlen = z.total_out;
	deflateEnd(&z);
	return out;
}

/* Some text that does not compress to nothing. */
static uint8_t *
sample(size_t n)
{
	uint8_t		*p;
	size_t		 i;
	uint32_t	 seed = 7;

	p = malloc(n);
	assert_non_null(p);
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)("{\"event\":\"x\"} ,abc"[rnd(&seed) % 18]);
	return p;
}

/* Inflate an exact-size copy of in; the return value. */
static int
inflate_exact(const uint8_t *in, size_t n, struct tt_buf *out, char **cause)
{
	uint8_t	*c;
	int	 rc;

	c = exact(in, n);
	*cause = NULL;
	rc = body_inflate(c, n, out, cause);
	free(c);
	return rc;
}

/* gzip made with deflateInit2(31) and zlib made with compress2. */
static void
test_inflate_ok(void **state)
{
	struct tt_buf	 b;
	uint8_t		*data, *gz, zl[4096];
	size_t		 n = 3000, gzlen;
	uLongf		 zllen = sizeof zl;
	char		*cause;

	(void)state;
	data = sample(n);
	gz = zip(data, n, 31, &gzlen);
	assert_true(body_is_gzip(gz, gzlen));
	buf_init(&b, MiB);
	assert_int_equal(inflate_exact(gz, gzlen, &b, &cause), BODY_OK);
	assert_null(cause);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.p, data, n);
	buf_free(&b);

	assert_int_equal(compress2(zl, &zllen, data, n, 6), Z_OK);
	assert_false(body_is_gzip(zl, zllen));
	buf_init(&b, MiB);
	assert_int_equal(inflate_exact(zl, zllen, &b, &cause), BODY_OK);
	assert_null(cause);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.p, data, n);
	buf_free(&b);

	/* A body larger than one 64 KiB output chunk. */
	free(gz);
	free(data);
	n = 300000;
	data = sample(n);
	gz = zip(data, n, 31, &gzlen);
	buf_init(&b, MiB);
	assert_int_equal(inflate_exact(gz, gzlen, &b, &cause), BODY_OK);
	assert_null(cause);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.p, data, n);
	buf_free(&b);

	free(gz);
	free(data);
}

/* An empty gzip stream inflates to nothing. */
static void
test_inflate_empty(void **state)
{
	struct tt_buf	 b;
	uint8_t		*gz;
	size_t		 gzlen;
	char		*cause;

	(void)state;
	gz = zip("", 0, 31, &gzlen);
	buf_init(&b, 100);
	assert_int_equal(inflate_exact(gz, gzlen, &b, &cause), BODY_OK);
	assert_null(cause);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	free(gz);
}

/* Exactly max decompressed bytes is fine, one more is too large. */
static void
test_inflate_limit(void **state)
{
	struct tt_buf	 b;
	uint8_t		*data, *gz;
	size_t		 n = 100000, gzlen;
	char		*cause;

	(void)state;
	data = sample(n);
	gz = zip(data, n, 31, &gzlen);

	buf_init(&b, n);
	assert_int_equal(inflate_exact(gz, gzlen, &b, &cause), BODY_OK);
	assert_null(cause);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.p, data, n);
	buf_free(&b);

	buf_init(&b, n - 1);
	assert_int_equal(inflate_exact(gz, gzlen, &b, &cause),
	    BODY_TOO_LARGE);
	assert_non_null(cause);
	assert_true(b.len <= n - 1);
	free(cause);
	buf_free(&b);

	free(gz);
	free(data);
}

/* Every proper prefix of a gzip or zlib stream is refused as truncated. */
static void
test_inflate_truncated(void **state)
{
	struct tt_buf	 b;
	uint8_t		*data, *gz;
	size_t		 n = 2000, gzlen, cut;
	char		*cause;
	int		 wbits[] = { 31, 15 }, w, rc;

	(void)state;
	data = sample(n);
	for (w = 0; w < 2; w++) {
		gz = zip(data, n, wbits[w], &gzlen);
		for (cut = 0; cut < gzlen; cut++) {
			buf_init(&b, MiB);
			rc = inflate_exact(gz, cut, &b, &cause);
			if (rc != BODY_BAD)
				fail_msg("windowBits %d, %zu of %zu bytes: "
				    "rc %d", wbits[w], cut, gzlen, rc);
			if (!mentions(cause, "truncated", "bad gzip"))
				fail_msg("windowBits %d, %zu of %zu bytes: "
				    "cause \"%s\"", wbits[w], cut, gzlen,
				    cause != NULL ? cause : "(null)");
			assert_true(b.len <= n);
			free(cause);
			buf_free(&b);
		}
		free(gz);
	}
	free(data);
}

/* The cause of a cut in the trailer says it is truncated. */
static void
test_inflate_truncated_cause(void **state)
{
	struct tt_buf	 b;
	uint8_t		*data, *gz;
	size_t		 n = 2000, gzlen;
	char		*cause;

	(void)state;
	data = sample(n);
	gz = zip(data, n, 31, &gzlen);
	buf_init(&b, MiB);
	assert_int_equal(inflate_exact(gz, gzlen - 4, &b, &cause), BODY_BAD);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "truncated"));
	free(cause);
	buf_free(&b);
	free(gz);
	free(data);
}

/* 50 MiB of zeros with a 1 MiB limit: too large, and fast. */
static void
test_inflate_bomb(void **state)
{
	struct tt_buf	 b;
	z_stream	 z;
	uint8_t		*zeros, *gz;
	size_t		 cap = 1 * MiB, gzlen;
	struct timespec	 t0, t1;
	double		 secs;
	char		*cause;
	int		 i;

	(void)state;
	zeros = calloc(1, MiB);
	assert_non_null(zeros);
	gz = malloc(cap);
	assert_non_null(gz);
	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 31, 9,
	    Z_DEFAULT_STRATEGY), Z_OK);
	z.next_out = gz;
	z.avail_out = (uInt)cap;
	for (i = 0; i < 50; i++) {
		z.next_in = zeros;
		z.avail_in = MiB;
		assert_int_equal(deflate(&z, i == 49 ? Z_FINISH : Z_NO_FLUSH),
		    i == 49 ? Z_STREAM_END : Z_OK);
		assert_int_equal(z.avail_in, 0);
	}
	gzlen = z.total_out;
	deflateEnd(&z);
	free(zeros);
	assert_true(gzlen < 200 * 1024);

	buf_init(&b, MiB);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(inflate_exact(gz, gzlen, &b, &cause),
	    BODY_TOO_LARGE);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_non_null(cause);
	assert_non_null(strstr(cause, "limit"));
	assert_true(b.len <= MiB);
	assert_true(b.cap <= MiB + 1);
	if (secs > 2.0)
		fail_msg("the bomb took %.2f s to refuse", secs);
	free(cause);
	buf_free(&b);
	free(gz);
}

/* Not compressed at all, a broken header, flipped bytes: BODY_BAD. */
static void
test_inflate_corrupt(void **state)
{
	struct tt_buf	 b;
	uint8_t		*data, *gz, *bad;
	size_t		 n = 2000, gzlen, i;
	char		*cause;
	int		 rc;

	(void)state;
	buf_init(&b, MiB);
	assert_int_equal(inflate_exact((const uint8_t *)"hello, world", 12,
	    &b, &cause), BODY_BAD);
	assert_non_null(cause);
	free(cause);
	buf_free(&b);

	data = sample(n);
	gz = zip(data, n, 31, &gzlen);

	/* Wrong compression method in the gzip header. */
	bad = exact(gz, gzlen);
	bad[2] = 7;
	buf_init(&b, MiB);
	assert_int_equal(inflate_exact(bad, gzlen, &b, &cause), BODY_BAD);
	assert_non_null(cause);
	free(cause);
	buf_free(&b);
	free(bad);

	/* Each byte after the 10-byte header, inverted. */
	for (i = 10; i < gzlen; i++) {
		bad = exact(gz, gzlen);
		bad[i] ^= 0xff;
		buf_init(&b, MiB);
		rc = inflate_exact(bad, gzlen, &b, &cause);
		if (rc != BODY_BAD || cause == NULL)
			fail_msg("byte %zu inverted: rc %d", i, rc);
		free(cause);
		buf_free(&b);
		free(bad);
	}
	free(gz);
	free(data);
}

/* The 1f 8b magic. */
static void
test_is_gzip(void **state)
{
	uint8_t	*p;

	(void)state;
	p = exact("\x1f\x8b", 2);
	assert_true(body_is_gzip(p, 2));
	assert_false(body_is_gzip(p, 1));	/* only 1f */
	assert_false(body_is_gzip(p, 0));
	free(p);
	p = exact("\x1f\x8b\x08\x00", 4);
	assert_true(body_is_gzip(p, 4));
	free(p);
	p = exact("\x78\x9c", 2);		/* zlib */
	assert_false(body_is_gzip(p, 2));
	free(p);
	p = exact("\x8b\x1f", 2);
	assert_false(body_is_gzip(p, 2));
	free(p);
	p = exact("{}", 2);
	assert_false(body_is_gzip(p, 2));
	free(p);
	assert_false(body_is_gzip(NULL, 0));
}

/* ---- form base64 ---- */

/* Standard base64 with padding.  Caller frees. */
static char *
b64(const uint8_t *p, size_t n)
{
	static const char	 al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char			*s, *o;
	size_t			 i;
	uint32_t		 v;

	s = o = malloc((n + 2) / 3 * 4 + 1);
	assert_non_null(s);
	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*o++ = al[v >> 18 & 63];
		*o++ = al[v >> 12 & 63];
		*o++ = al[v >> 6 & 63];
		*o++ = al[v & 63];
	}
	if (n - i == 1) {
		v = (uint32_t)p[i] << 16;
		*o++ = al[v >> 18 & 63];
		*o++ = al[v >> 12 & 63];
		*o++ = '=';
		*o++ = '=';
	} else if (n - i == 2) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		*o++ = al[v >> 18 & 63];
		*o++ = al[v >> 12 & 63];
		*o++ = al[v >> 6 & 63];
		*o++ = '=';
	}
	*o = '\0';
	return s;
}

/* s with +, / and = percent-encoded (upper or lower hex).  Caller frees. */
static char *
urlenc(const char *s, int lower)
{
	char	*r, *o;

	r = o = malloc(strlen(s) * 3 + 1);
	assert_non_null(r);
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '+':
			o += sprintf(o, lower ? "%%2b" : "%%2B");
			break;
		case '/':
			o += sprintf(o, lower ? "%%2f" : "%%2F");
			break;
		case '=':
			o += sprintf(o, lower ? "%%3d" : "%%3D");
			break;
		default:
			*o++ = *s;
		}
	}
	*o = '\0';
	return r;
}

/* Replace every a in s by b. */
static void
tr(char *s, char a, char b)
{
	for (; *s != '\0'; s++)
		if (*s == a)
			*s = b;
}

/* Drop the = padding of s. */
static void
unpad(char *s)
{
	char	*e = strchr(s, '=');

	if (e != NULL)
		*e = '\0';
}

/* Decode a form body from an exact copy of s into out (max 1 MiB). */
static int
form(const char *s, struct tt_buf *out, char **cause)
{
	uint8_t	*c;
	size_t	 n = strlen(s);
	int	 rc;

	c = exact(s, n);
	buf_init(out, MiB);
	*cause = NULL;
	rc = body_form_base64(c, n, out, cause);
	free(c);
	return rc;
}

/* Decode body (a printf format around one %s) and expect the payload. */
#define FORM_OK(want, wantlen, fmt, enc) do {				\
	struct tt_buf	 b_;						\
	char		*body_, *cause_;				\
	int		 rc_;						\
	assert_true(asprintf(&body_, (fmt), (enc)) >= 0);		\
	rc_ = form(body_, &b_, &cause_);				\
	if (rc_ != BODY_OK)						\
		fail_msg("\"%s\": rc %d, %s", body_, rc_,		\
		    cause_ != NULL ? cause_ : "(no cause)");		\
	assert_null(cause_);						\
	if (b_.len != (wantlen) ||					\
	    memcmp(b_.p, (want), (wantlen)) != 0)			\
		fail_msg("\"%s\": decoded %zu bytes, expected %zu",	\
		    body_, b_.len, (size_t)(wantlen));			\
	buf_free(&b_);							\
	free(body_);							\
} while (0)

/* Expect s to be refused as BODY_BAD with a cause. */
#define FORM_BAD(s) do {						\
	struct tt_buf	 b_;						\
	char		*cause_;					\
	int		 rc_;						\
	rc_ = form((s), &b_, &cause_);					\
	if (rc_ != BODY_BAD)						\
		fail_msg("\"%s\": rc %d, expected BODY_BAD", (s), rc_);	\
	assert_non_null(cause_);					\
	free(cause_);							\
	buf_free(&b_);							\
} while (0)

/* Expect s refused with rc and a cause that contains want. */
#define FORM_CAUSE(s, rc, want) do {					\
	struct tt_buf	 b_;						\
	char		*cause_;					\
	int		 rc_;						\
	rc_ = form((s), &b_, &cause_);					\
	if (rc_ != (rc))						\
		fail_msg("\"%s\": rc %d, expected %d", (s), rc_, (rc));	\
	if (cause_ == NULL || strstr(cause_, (want)) == NULL)		\
		fail_msg("\"%s\": cause \"%s\", expected \"%s\"", (s),	\
		    cause_ != NULL ? cause_ : "(null)", (want));	\
	free(cause_);							\
	buf_free(&b_);							\
} while (0)

/*
 * A payload whose base64 has +, / and padding: JSON then fb ff bf (which
 * encodes as "+/+/") and one more byte.
 */
static const uint8_t payload[] =
	"[{\"event\":\"$pageview\",\"properties\":{\"x\":\"\xc3\xa9\"}}]"
	"\xfb\xff\xbf\x3e\xfb\xff\x00\x01";
#define PAYLOAD_LEN	(sizeof payload - 1)

/* data= among other fields, percent-escaped, upper and lower hex. */
static void
test_form_fields(void **state)
{
	char	*enc, *u;

	(void)state;
	enc = b64(payload, PAYLOAD_LEN);
	assert_non_null(strchr(enc, '+'));
	assert_non_null(strchr(enc, '/'));
	assert_non_null(strchr(enc, '='));

	u = urlenc(enc, 0);
	FORM_OK(payload, PAYLOAD_LEN, "ver=1&data=%s&x=2", u);
	FORM_OK(payload, PAYLOAD_LEN, "data=%s", u);
	FORM_OK(payload, PAYLOAD_LEN, "data=%s&compression=base64", u);
	FORM_OK(payload, PAYLOAD_LEN, "ver=1&_=1700000000&data=%s", u);
	/* Fields whose names end in "data" are not data. */
	FORM_OK(payload, PAYLOAD_LEN, "xdata=QUJD&data=%s&mydata=REVG", u);
	free(u);

	u = urlenc(enc, 1);
	FORM_OK(payload, PAYLOAD_LEN, "ver=1&data=%s&x=2", u);
	free(u);
	free(enc);
}

/* A raw + is the base64 +, not a space. */
static void
test_form_raw_plus(void **state)
{
	static const uint8_t	 want[] = { 0xfb, 0xff, 0xbf, 0xfb, 0xff,
	    0xbf };
	char			*enc;

	(void)state;
	FORM_OK(want, sizeof want, "data=%s", "+/+/+/+/");
	FORM_OK(want, sizeof want, "ver=1&data=%s&x=2", "+/+/%2B%2F+/");

	/* Not urlencoded at all, with the padding: still fine. */
	enc = b64(payload, PAYLOAD_LEN);
	FORM_OK(payload, PAYLOAD_LEN, "ver=1&data=%s&x=2", enc);
	free(enc);
}

/* The URL-safe alphabet, with and without padding. */
static void
test_form_urlsafe(void **state)
{
	char	*enc;

	(void)state;
	enc = b64(payload, PAYLOAD_LEN);
	tr(enc, '+', '-');
	tr(enc, '/', '_');
	FORM_OK(payload, PAYLOAD_LEN, "data=%s", enc);
	FORM_OK(payload, PAYLOAD_LEN, "ver=1&data=%s&x=2", enc);
	unpad(enc);
	FORM_OK(payload, PAYLOAD_LEN, "data=%s", enc);
	free(enc);
}

/* Missing padding, for both lengths that need it. */
static void
test_form_no_padding(void **state)
{
	char	*enc;
	size_t	 n;

	(void)state;
	for (n = 1; n <= 6; n++) {
		enc = b64(payload, n);
		unpad(enc);
		FORM_OK(payload, n, "data=%s", enc);
		FORM_OK(payload, n, "%s", enc);
		free(enc);
	}
	FORM_OK("A", 1, "data=%s", "QQ%3D%3D");	/* escapes at the end */
	FORM_OK("A", 1, "data=%s", "QQ");
	FORM_OK("AB", 2, "data=%s", "QUI");
}

/* A bare base64 body, as sent when the form is not used. */
static void
test_form_bare(void **state)
{
	char	*enc;

	(void)state;
	enc = b64(payload, PAYLOAD_LEN);
	FORM_OK(payload, PAYLOAD_LEN, "%s", enc);
	unpad(enc);
	FORM_OK(payload, PAYLOAD_LEN, "%s", enc);
	free(enc);
	FORM_OK("{\"a\":1}", 7, "%s", "eyJhIjoxfQ==");
}

/* Characters outside both alphabets, broken escapes, no data field. */
static void
test_form_invalid(void **state)
{
	(void)state;
	FORM_BAD("data=ab!d");
	FORM_BAD("ver=1&data=eyJh*IjoxfQ&x=2");
	FORM_BAD("data=eyJhIjoxfQ%ZZ");
	FORM_BAD("data=eyJhIjoxfQ%");		/* escape cut at the end */
	FORM_BAD("data=eyJhIjoxfQ%4");
	FORM_BAD("data=eyJhIjoxfQ%00");		/* a NUL */
	FORM_BAD("data=eyJh.IjoxfQ");
	FORM_BAD("{\"event\":\"x\"}");		/* JSON, not base64 */
	FORM_BAD("ver=1&x=2");			/* no data field, not base64 */
	FORM_BAD("data=\xc3\xa9");
}

/* The decoded size is bounded by out->max. */
static void
test_form_too_large(void **state)
{
	struct tt_buf	 b;
	uint8_t		*c;
	char		*cause = NULL;
	const char	*s = "data=QUJDREVG";	/* ABCDEF */

	(void)state;
	c = exact(s, strlen(s));
	buf_init(&b, 5);
	assert_int_equal(body_form_base64(c, strlen(s), &b, &cause),
	    BODY_TOO_LARGE);
	assert_non_null(cause);
	assert_true(b.len <= 5);
	free(cause);
	buf_free(&b);

	cause = NULL;
	buf_init(&b, 6);
	assert_int_equal(body_form_base64(c, strlen(s), &b, &cause), BODY_OK);
	assert_null(cause);
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.p, "ABCDEF", 6);
	buf_free(&b);
	free(c);
}

/* The byte named is the one at fault, counted after the %XX are undone. */
static void
test_form_bad_byte(void **state)
{
	(void)state;
	FORM_CAUSE("data=QUJD*REVG", BODY_BAD, "bad base64 at byte 4");
	FORM_CAUSE("data=%51UJD*REVG", BODY_BAD, "bad base64 at byte 4");
	FORM_CAUSE("x=1&data=QUJD%2AREVG", BODY_BAD, "bad base64 at byte 4");
	FORM_CAUSE("QUJD.REVG", BODY_BAD, "bad base64 at byte 4");
	FORM_CAUSE("data=\tQUJD", BODY_BAD, "bad base64 at byte 0");
	FORM_CAUSE("data=QUJD%00REVG", BODY_BAD, "bad base64 at byte 4");
	/* lws would skip the '*' and decode four junk bytes */
	FORM_CAUSE("data=aGVs*G8=", BODY_BAD, "bad base64 at byte 4");
}

/* Nothing after the padding but newlines; lws would decode on. */
static void
test_form_after_padding(void **state)
{
	(void)state;
	FORM_CAUSE("data=aGVsbG8=QQ==", BODY_BAD, "bad base64 at byte 8");
	FORM_CAUSE("data=QQ==QUJD", BODY_BAD, "bad base64 at byte 4");
	FORM_CAUSE("data=QQ%3DQ", BODY_BAD, "bad base64 at byte 3");
	FORM_CAUSE("data=QQ=%20", BODY_BAD, "bad base64 at byte 3");
	FORM_OK("A", 1, "data=%s", "QQ==\r\n");
	FORM_OK("A", 1, "data=%s", "QQ=\n=");
}

/* A character past a whole group holds no byte; at most two '='. */
static void
test_form_impossible_length(void **state)
{
	(void)state;
	FORM_CAUSE("data=Q", BODY_BAD, "impossible length");
	FORM_CAUSE("data=QUJDR", BODY_BAD, "impossible length");
	FORM_CAUSE("data=QUJDR===", BODY_BAD, "impossible length");
	FORM_CAUSE("data=QQ===", BODY_BAD, "impossible length");
	FORM_CAUSE("a", BODY_BAD, "impossible length");	/* lws: 0 bytes */
	FORM_OK("ABCD", 4, "data=%s", "QUJDRA");
}

/* \r and \n anywhere mean nothing, escaped or not. */
static void
test_form_newlines(void **state)
{
	(void)state;
	FORM_OK("ABCDEF", 6, "data=%s", "QUJD\r\nREVG\n");
	FORM_OK("ABCDEF", 6, "data=%s", "\nQ\nU\nJ\nD\nR\nE\nV\nG\n");
	FORM_OK("ABCDEF", 6, "data=%s", "QUJD%0D%0AREVG%0a");
	/* a short last group then a newline: lws 4.1.6 adds a byte here */
	FORM_OK("A", 1, "data=%s", "QQ\n");
	FORM_OK("AB", 2, "data=%s", "QUI\r\n");
	FORM_OK("ABCDE", 5, "%s", "QUJDREU=\n");
	FORM_OK("ABCDE", 5, "%s", "QUJDREU\n\n");
}

/*
 * '+' survives raw and as %2B.  A space (from %20, or raw) is taken for a
 * '+': lws_urldecode() makes one of every raw '+', and a space means nothing
 * in base64.
 */
static void
test_form_plus_space(void **state)
{
	static const uint8_t	 want[] = { 0xfb, 0xff, 0xbf, 0xfb, 0xff,
	    0xbf };

	(void)state;
	FORM_OK(want, sizeof want, "data=%s", "+/+/%2b%2f+/");
	FORM_OK(want, sizeof want, "%s", "+/+/+/+/");	/* bare */
	FORM_OK(want, sizeof want, "data=%s", "%2B/%2B/+%2F+/");
	FORM_OK(want, sizeof want, "data=%s", "%20/+/ /+/");
	FORM_OK(want, sizeof want, "data=%s", "-_-_+/+/");	/* both */
}

/* %XX that is not two hex digits, even at the very end. */
static void
test_form_bad_escape(void **state)
{
	(void)state;
	FORM_CAUSE("data=QUJD%ZZ", BODY_BAD, "escape");
	FORM_CAUSE("data=QUJD%4G", BODY_BAD, "escape");
	FORM_CAUSE("data=QUJD%G4", BODY_BAD, "escape");
	FORM_CAUSE("data=QU%%41D", BODY_BAD, "escape");
	FORM_CAUSE("data=QUJD%4%41", BODY_BAD, "escape");
	/* lws_urldecode() would drop these two without a word */
	FORM_CAUSE("data=QUJD%", BODY_BAD, "escape");
	FORM_CAUSE("data=QUJD%4&x=1", BODY_BAD, "escape");
}

/* A raw NUL: lws_urldecode() would stop there. */
static void
test_form_nul(void **state)
{
	static const char	 s[] = "data=QUJD\0REVG";
	struct tt_buf		 b;
	uint8_t			*c;
	char			*cause = NULL;

	(void)state;
	c = exact(s, sizeof s - 1);
	buf_init(&b, MiB);
	assert_int_equal(body_form_base64(c, sizeof s - 1, &b, &cause),
	    BODY_BAD);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "bad base64 at byte 4"));
	free(cause);
	buf_free(&b);
	free(c);
}

/* An empty data= (or body) decodes to nothing. */
static void
test_form_empty(void **state)
{
	(void)state;
	FORM_OK("", 0, "data=%s", "");
	FORM_OK("", 0, "data=%s&x=1", "");
	FORM_OK("", 0, "x=1&data=%s", "");
	FORM_OK("", 0, "%s", "");
	FORM_OK("", 0, "data=%s", "\r\n");
}

/* Too large is known from the length: nothing is decoded nor kept. */
static void
test_form_too_large_early(void **state)
{
	struct tt_buf	 b;
	uint8_t		*data, *c;
	char		*enc, *body, *cause = NULL;
	size_t		 n = MiB + 1;

	(void)state;
	data = sample(n);
	enc = b64(data, n);
	assert_true(asprintf(&body, "ver=1&data=%s", enc) >= 0);
	c = exact(body, strlen(body));
	buf_init(&b, MiB);
	assert_int_equal(body_form_base64(c, strlen(body), &b, &cause),
	    BODY_TOO_LARGE);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "limit"));
	assert_int_equal(b.len, 0);
	assert_null(b.p);
	free(cause);
	buf_free(&b);

	/* One byte less fits exactly. */
	cause = NULL;
	buf_init(&b, n);
	assert_int_equal(body_form_base64(c, strlen(body), &b, &cause),
	    BODY_OK);
	assert_null(cause);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.p, data, n);
	buf_free(&b);
	free(c);
	free(body);
	free(enc);
	free(data);
}

/*
 * Random bytes of every length up to 200, each encoded one random way:
 * either alphabet, padded or not, newlines here and there, some characters
 * %-escaped; all decode to the bytes.
 */
static void
test_form_random(void **state)
{
	struct tt_buf	 b;
	uint8_t		 data[200];
	uint32_t	 seed = 17;
	size_t		 n, i;
	char		*enc, *w, *o, *cause;
	int		 round, rc;

	(void)state;
	for (round = 0; round < 5; round++) {
		for (n = 0; n <= sizeof data; n++) {
			for (i = 0; i < n; i++)
				data[i] = (uint8_t)rnd(&seed);
			enc = b64(data, n);
			if (rnd(&seed) % 2) {
				tr(enc, '+', '-');
				tr(enc, '/', '_');
			}
			if (rnd(&seed) % 2)
				unpad(enc);
			w = o = malloc(strlen(enc) * 4 + 8);
			assert_non_null(w);
			o += sprintf(o, "data=");
			for (i = 0; enc[i] != '\0'; i++) {
				if (rnd(&seed) % 16 == 0)
					*o++ = '\n';
				if (rnd(&seed) % 4 == 0)
					o += sprintf(o, "%%%02X",
					    (unsigned)(uint8_t)enc[i]);
				else
					*o++ = enc[i];
			}
			*o = '\0';
			rc = form(w, &b, &cause);
			if (rc != BODY_OK || b.len != n ||
			    (n > 0 && memcmp(b.p, data, n) != 0))
				fail_msg("\"%s\": rc %d (%s), %zu of %zu bytes",
				    w, rc, cause != NULL ? cause : "",
				    b.len, n);
			buf_free(&b);
			free(w);
			free(enc);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_bounds),
		cmocka_unit_test(test_buf_grow),
		cmocka_unit_test(test_inflate_ok),
		cmocka_unit_test(test_inflate_empty),
		cmocka_unit_test(test_inflate_limit),
		cmocka_unit_test(test_inflate_truncated),
		cmocka_unit_test(test_inflate_truncated_cause),
		cmocka_unit_test(test_inflate_bomb),
		cmocka_unit_test(test_inflate_corrupt),
		cmocka_unit_test(test_is_gzip),
		cmocka_unit_test(test_form_fields),
		cmocka_unit_test(test_form_raw_plus),
		cmocka_unit_test(test_form_urlsafe),
		cmocka_unit_test(test_form_no_padding),
		cmocka_unit_test(test_form_bare),
		cmocka_unit_test(test_form_invalid),
		cmocka_unit_test(test_form_too_large),
		cmocka_unit_test(test_form_bad_byte),
		cmocka_unit_test(test_form_after_padding),
		cmocka_unit_test(test_form_impossible_length),
		cmocka_unit_test(test_form_newlines),
		cmocka_unit_test(test_form_plus_space),
		cmocka_unit_test(test_form_bad_escape),
		cmocka_unit_test(test_form_nul),
		cmocka_unit_test(test_form_empty),
		cmocka_unit_test(test_form_too_large_early),
		cmocka_unit_test(test_form_random),
	};

	return cmocka_run_group_tests_name("body", tests, NULL, NULL);
}
