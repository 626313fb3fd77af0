/*
 * Body transport decoding, bounded at every step.
 */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "core/utf8.h"
#include "core/xmalloc.h"
#include "body.h"

void
buf_init(struct tt_buf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max;
}

int
buf_append(struct tt_buf *b, const void *p, size_t n)
{
	size_t	want;

	if (n > b->max - b->len)
		return -1;
	if (b->len + n + 1 > b->cap) {
		want = b->cap == 0 ? 4096 : b->cap;
		while (want < b->len + n + 1)
			want *= 2;
		if (want > b->max + 1)
			want = b->max + 1;
		b->p = xrealloc(b->p, want);
		b->cap = want;
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';	/* handy for text; not counted */
	return 0;
}

void
buf_reset(struct tt_buf *b)
{
	b->len = 0;
}

void
buf_free(struct tt_buf *b)
{
	free(b->p);
	buf_init(b, b->max);
}

int
body_is_gzip(const uint8_t *p, size_t n)
{
	return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* Inflate; stop with BODY_TOO_LARGE as soon as out would pass its max. */
int
body_inflate(const uint8_t *in, size_t n, struct tt_buf *out, char **cause)
{
	z_stream	z;
	uint8_t		chunk[65536];
	size_t		have;
	int		rc, ret = BODY_OK;

	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 15 + 32) != Z_OK) {	/* gzip or zlib */
		*cause = xstrdup("cannot start decompression");
		return BODY_BAD;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof chunk;
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
			*cause = xasprintf("bad gzip body: %s",
			    z.msg != NULL ? z.msg : "corrupt data");
			ret = BODY_BAD;
			break;
		}
		have = sizeof chunk - z.avail_out;
		if (have > 0 && buf_append(out, chunk, have) != 0) {
			*cause = xasprintf("decompressed body exceeds the limit "
			    "of %zu bytes", out->max);
			ret = BODY_TOO_LARGE;
			break;
		}
		if (rc == Z_BUF_ERROR && have == 0) {
			*cause = xasprintf("truncated gzip body: the stream "
			    "ends after %zu of %zu bytes without its trailer",
			    (size_t)z.total_in, n);
			ret = BODY_BAD;
			break;
		}
		/* Concatenated gzip members make one body (RFC 1952 2.2). */
		if (rc == Z_STREAM_END && z.avail_in >= 2 &&
		    body_is_gzip(z.next_in, z.avail_in)) {
			if (inflateReset(&z) != Z_OK)
				break;
			rc = Z_OK;
		}
	} while (rc != Z_STREAM_END);
	if (ret == BODY_OK && z.avail_in > 0) {
		*cause = xasprintf("bad gzip body: %u bytes of trailing data "
		    "after the end of the compressed stream", z.avail_in);
		ret = BODY_BAD;
	}
	inflateEnd(&z);
	return ret;
}

static int
b64val(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Decode base64 (standard or URL alphabet; padding optional). */
static int
base64_decode(const uint8_t *p, size_t n, struct tt_buf *out, char **cause)
{
	uint32_t	acc = 0;
	int		bits = 0, v, pad = 0;
	uint8_t		byte;
	size_t		i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\r' || p[i] == '\n' || p[i] == ' ')
			continue;
		if (p[i] == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (v = b64val(p[i])) < 0) {
			*cause = xasprintf("bad base64 at byte %zu", i);
			return BODY_BAD;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			byte = (uint8_t)(acc >> bits);
			if (buf_append(out, &byte, 1) != 0) {
				*cause = xstrdup("decoded body exceeds the "
				    "limit");
				return BODY_TOO_LARGE;
			}
		}
	}
	/* 6 leftover bits: one character too many; more padding than fits. */
	if (bits >= 6 || pad > 2) {
		*cause = xstrdup("bad base64: impossible length");
		return BODY_BAD;
	}
	return BODY_OK;
}

int
body_form_base64(const uint8_t *p, size_t n, struct tt_buf *out,
    char **cause)
{
	struct tt_buf	 enc;
	const uint8_t	*v = NULL, *end = p + n, *amp;
	size_t		 i, vlen = 0;
	uint8_t		 c;
	int		 hi, lo, rc;

	/* Find data= among the form fields. */
	for (i = 0; i < n; ) {
		amp = memchr(p + i, '&', n - i);
		if (amp == NULL)
			amp = end;
		if ((size_t)(amp - (p + i)) >= 5 &&
		    memcmp(p + i, "data=", 5) == 0) {
			v = p + i + 5;
			vlen = (size_t)(amp - v);
			break;
		}
		i = (size_t)(amp - p) + 1;
	}
	if (v == NULL) {	/* a bare base64 body */
		v = p;
		vlen = n;
	}
	buf_init(&enc, vlen);
	for (i = 0; i < vlen; i++) {
		c = v[i];
		/* A '+' stays '+': in base64 a space means nothing. */
		if (c == '%' && i + 2 < vlen && (hi = tt_hexval(v[i + 1])) >= 0 &&
		    (lo = tt_hexval(v[i + 2])) >= 0) {
			c = (uint8_t)(hi * 16 + lo);
			i += 2;
		}
		(void)buf_append(&enc, &c, 1);
	}
	rc = base64_decode(enc.p, enc.len, out, cause);
	buf_free(&enc);
	return rc;
}
