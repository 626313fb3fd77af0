/*
 * libFuzzer target: request body decoding (ws/body.c; lws only for the
 * form's %XX and base64): bounded gzip/zlib inflation, posthog-js base64
 * form bodies, and form then gzip chained as ws/worker.c's
 * transport_decode() does.  Chunked bodies are ws/h1.c's (fuzz_h1).
 *
 * Input: byte 0 the mode (bits 0-1: inflate, inflate, form, form+gzip; 0
 * was the chunked decoder), byte 1 the output limit (0: 1 MiB, else 64
 * bytes per unit), bytes 2-3 unused (kept so that seeds and corpora stay
 * valid), then the body.
 *
 * Properties beyond not crashing: the output never passes its limit; a cause
 * exactly when decoding fails; an inflation that fits a limit gives the
 * same bytes under a larger one; a form's decoded bytes, encoded again by
 * lws_b64_encode_string(), decode to themselves.
 */
#include <libwebsockets.h>

#include "fuzz.h"
#include "ws/body.h"

#define MiB		(1024u * 1024u)
#define BIG_MAX		(4u * MiB)

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

/* What decoded, encoded again by lws (padded), decodes to the same bytes. */
static void
form_again(const struct tt_buf *out)
{
	struct tt_buf	 again;
	size_t		 cap = (out->len + 2) / 3 * 4 + 4;
	char		*enc, *cause = NULL;
	int		 n, rc;

	if (out->len == 0)
		return;
	enc = malloc(cap);
	FUZZ_CHECK(enc != NULL, "out of memory");
	n = lws_b64_encode_string((const char *)out->p, (int)out->len, enc,
	    (int)cap);
	FUZZ_CHECK(n > 0, "lws_b64_encode_string gave %d", n);
	buf_init(&again, out->len);
	rc = body_form_base64((const uint8_t *)enc, (size_t)n, &again,
	    &cause);
	FUZZ_CHECK(rc == BODY_OK && again.len == out->len &&
	    memcmp(again.p, out->p, out->len) == 0,
	    "%zu bytes encoded again: rc %d (%s), %zu bytes", out->len, rc,
	    cause != NULL ? cause : "", again.len);
	buf_free(&again);
	free(enc);
}

/* posthog-js: data=<base64 of gzip>, decoded as transport_decode() does. */
static void
fuzz_form(const uint8_t *p, size_t n, size_t max, int then_gzip)
{
	struct tt_buf	 out, z;

	buf_init(&out, max);
	if (form_run(p, n, &out) == BODY_OK) {
		form_again(&out);
		if (then_gzip && body_is_gzip(out.p, out.len)) {
			buf_init(&z, max);
			(void)inflate_run(out.p, out.len, &z);
			buf_free(&z);
		}
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
