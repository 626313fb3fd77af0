/*
 * libFuzzer target: request body decoding (ws/body.c, no lws): the chunked
 * transfer decoder, bounded gzip/zlib inflation, posthog-js base64 form
 * bodies, and form then gzip chained as ws/server.c's transport_decode()
 * does.
 *
 * Input: byte 0 the mode (bits 0-1: chunked, inflate, form, form+gzip),
 * byte 1 the output limit (0: 1 MiB, else 64 bytes per unit), bytes 2-3
 * where the chunked body is cut (fractions of its length), then the body.
 *
 * Properties beyond not crashing: the output never passes its limit; a cause
 * exactly when decoding fails; chunked input decodes the same whole and in
 * three pieces; an inflation that fits a limit gives the same bytes under a
 * larger one.
 */
#include "fuzz.h"
#include "ws/body.h"

#define MiB		(1024u * 1024u)
#define BIG_MAX		(4u * MiB)

/* Feed p in up to three pieces cut at a and b; the end state in *out. */
static int
chunked_run(const uint8_t *p, size_t n, size_t a, size_t b,
    struct tt_buf *out, int *overflow)
{
	struct chunked	 c;
	size_t		 cut[3] = { a, b, n }, at = 0;
	int		 i, rc = 0;

	memset(&c, 0, sizeof c);
	*overflow = 0;
	for (i = 0; i < 3 && rc == 0; i++) {
		rc = chunked_feed(&c, p + at, cut[i] - at, out, overflow);
		FUZZ_CHECK(rc >= -1 && rc <= 1, "chunked_feed gave %d", rc);
		FUZZ_CHECK(out->len <= out->max, "%zu bytes > max %zu",
		    out->len, out->max);
		at = cut[i];
	}
	return rc;
}

static void
fuzz_chunked(const uint8_t *p, size_t n, size_t max, uint8_t ca, uint8_t cb)
{
	struct tt_buf	 whole, split;
	size_t		 a, b, m;
	int		 rw, rs, ow, os;

	a = n * ca / 255;
	b = a + (n - a) * cb / 255;
	buf_init(&whole, max);
	buf_init(&split, max);
	rw = chunked_run(p, n, n, n, &whole, &ow);
	rs = chunked_run(p, n, a, b, &split, &os);
	FUZZ_CHECK(rw == rs, "whole %d, cut at %zu/%zu %d", rw, a, b, rs);
	FUZZ_CHECK(ow == os, "overflow whole %d, cut %d", ow, os);
	/* Past the limit each keeps a different prefix of the same data. */
	m = whole.len < split.len ? whole.len : split.len;
	FUZZ_CHECK(ow || whole.len == split.len, "whole %zu bytes, cut %zu",
	    whole.len, split.len);
	FUZZ_CHECK(m == 0 || memcmp(whole.p, split.p, m) == 0,
	    "whole and cut decode differ (%zu bytes)", m);
	buf_free(&whole);
	buf_free(&split);
}

/* Inflate under a limit; check the result's shape. */
static int
inflate_run(const uint8_t *p, size_t n, struct tt_buf *out)
{
	char	*cause = NULL;
	int	 rc;

	rc = body_inflate(p, n, out, &cause);
	FUZZ_CHECK(rc == BODY_OK || rc == BODY_BAD || rc == BODY_TOO_LARGE,
	    "body_inflate gave %d", rc);
	FUZZ_CHECK((rc == BODY_OK) == (cause == NULL), "rc %d, cause %s", rc,
	    cause != NULL ? cause : "NULL");
	FUZZ_CHECK(out->len <= out->max, "%zu bytes > max %zu", out->len,
	    out->max);
	free(cause);
	return rc;
}

static void
fuzz_inflate(const uint8_t *p, size_t n, size_t max)
{
	struct tt_buf	 small, big;
	int		 rs, rb;

	buf_init(&small, max);
	rs = inflate_run(p, n, &small);
	if (max < BIG_MAX) {
		buf_init(&big, BIG_MAX);
		rb = inflate_run(p, n, &big);
		if (rs == BODY_OK)
			FUZZ_CHECK(rb == BODY_OK && big.len == small.len &&
			    (small.len == 0 ||
			    memcmp(big.p, small.p, small.len) == 0),
			    "fits %zu bytes (%zu) but not %u (rc %d, %zu)",
			    max, small.len, BIG_MAX, rb, big.len);
		if (rb == BODY_OK && big.len <= max)
			FUZZ_CHECK(rs == BODY_OK, "%zu bytes fit %zu, rc %d",
			    big.len, max, rs);
		buf_free(&big);
	}
	buf_free(&small);
}

static int
form_run(const uint8_t *p, size_t n, struct tt_buf *out)
{
	char	*cause = NULL;
	int	 rc;

	rc = body_form_base64(p, n, out, &cause);
	FUZZ_CHECK(rc == BODY_OK || rc == BODY_BAD || rc == BODY_TOO_LARGE,
	    "body_form_base64 gave %d", rc);
	FUZZ_CHECK((rc == BODY_OK) == (cause == NULL), "rc %d, cause %s", rc,
	    cause != NULL ? cause : "NULL");
	FUZZ_CHECK(out->len <= out->max, "%zu bytes > max %zu", out->len,
	    out->max);
	FUZZ_CHECK(out->len <= n / 4 * 3 + 2, "%zu bytes from %zu of base64",
	    out->len, n);
	free(cause);
	return rc;
}

/* posthog-js: data=<base64 of gzip>, decoded as transport_decode() does. */
static void
fuzz_form(const uint8_t *p, size_t n, size_t max, int then_gzip)
{
	struct tt_buf	 out, z;

	buf_init(&out, max);
	if (form_run(p, n, &out) == BODY_OK && then_gzip &&
	    body_is_gzip(out.p, out.len)) {
		buf_init(&z, max);
		(void)inflate_run(out.p, out.len, &z);
		buf_free(&z);
	}
	buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t	*p = data + 4;
	size_t		 n, max;

	if (size < 4)
		return 0;
	n = size - 4;
	max = data[1] == 0 ? MiB : (size_t)data[1] * 64;
	switch (data[0] & 3) {
	case 0:
		fuzz_chunked(p, n, max, data[2], data[3]);
		break;
	case 1:
		fuzz_inflate(p, n, max);
		break;
	case 2:
		fuzz_form(p, n, max, 0);
		break;
	case 3:
		fuzz_form(p, n, max, 1);
		break;
	}
	return 0;
}
