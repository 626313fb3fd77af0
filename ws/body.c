/*
 * Body transport decoding, bounded at every step: gzip/zlib by zlib, the
 * %XX and base64 of posthog-js forms by lws, after checks of our own.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>
#include <zlib.h>

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

/*
 * posthog-js form bodies: lws_urldecode() undoes the %XX escapes and
 * lws_b64_decode_string_len() the base64.  In lws 4.1.6 neither checks its
 * input: lws_urldecode() stops at a NUL, drops an escape cut short at the
 * end and turns '+' into ' '; the base64 decoder skips what is not in its
 * alphabet, decodes past '=', adds a junk byte when a short last group is
 * followed by a newline, and stops without a word when out is full.  So
 * form_unescape() and b64_check() check first (they decode nothing), and
 * lws is given nothing but alphabet characters and room for all of them.
 */

/* A character of the standard or the URL base64 alphabet? */
static int
b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '-' ||
	    c == '_';
}

/*
 * Percent-decode n bytes of v (n < INT_MAX) with lws_urldecode(); *len is
 * the length decoded, NULs from %00 included.  Caller frees.
 */
static char *
form_unescape(const uint8_t *v, size_t n, size_t *len, char **cause)
{
	char	*s;
	size_t	 i, esc = 0;

	/* What lws would pass over in silence: a NUL, a cut escape. */
	for (i = 0; i < n; i++) {
		if (v[i] == '\0') {
			*cause = xasprintf("bad base64 at byte %zu", i - 2 * esc);
			return NULL;
		}
		if (v[i] == '%') {
			if (n - i < 3) {
				*cause = xasprintf("bad %%-escape at byte %zu: "
				    "cut short", i - 2 * esc);
				return NULL;
			}
			esc++;
		}
	}
	s = xmalloc(n + 1);
	memcpy(s, v, n);
	s[n] = '\0';
	/* In place: it writes at most n bytes, then a NUL. */
	if (lws_urldecode(s, s, (int)n) != 0) {
		free(s);
		*cause = xstrdup("bad %-escape: not two hex digits");
		return NULL;
	}
	*len = n - 2 * esc;	/* every escape took three bytes for one */
	return s;
}

/*
 * Check that s[0..n) is base64: either alphabet, padding optional and only
 * at the end, \r and \n skipped.  A ' ' is a raw '+' that lws_urldecode()
 * read as a form's space (a space means nothing in base64; posthog-js sends
 * %2B, other clients a raw '+').  Squeeze s to its *clen alphabet characters
 * in place; *dlen is the decoded length.
 */
static int
b64_check(char *s, size_t n, size_t *clen, size_t *dlen, char **cause)
{
	size_t	i, c = 0;
	int	pad = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r' || s[i] == '\n')
			continue;
		if (s[i] == '=') {
			pad++;
			continue;
		}
		if (s[i] == ' ')
			s[i] = '+';
		if (pad > 0 || !b64_char(s[i])) {
			*cause = xasprintf("bad base64 at byte %zu", i);
			return BODY_BAD;
		}
		s[c++] = s[i];
	}
	/* One character past a group holds no byte; more padding than fits. */
	if (c % 4 == 1 || pad > 2) {
		*cause = xstrdup("bad base64: impossible length");
		return BODY_BAD;
	}
	*clen = c;
	*dlen = c / 4 * 3 + (c % 4 != 0 ? c % 4 - 1 : 0);
	return BODY_OK;
}

int
body_form_base64(const uint8_t *p, size_t n, struct tt_buf *out,
    char **cause)
{
	const uint8_t	*v = NULL, *end = p + n, *amp;
	char		*s, *dec = NULL;
	size_t		 i, vlen = 0, slen, clen, dlen, room;
	int		 got, rc;

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
	if (vlen >= INT_MAX) {	/* lws counts in int */
		*cause = xasprintf("form body of %zu bytes is too large to "
		    "decode", vlen);
		return BODY_TOO_LARGE;
	}
	if ((s = form_unescape(v, vlen, &slen, cause)) == NULL)
		return BODY_BAD;
	if ((rc = b64_check(s, slen, &clen, &dlen, cause)) != BODY_OK)
		goto out;
	if (dlen > out->max - out->len) {
		*cause = xasprintf("decoded body of %zu bytes exceeds the limit "
		    "of %zu bytes", dlen, out->max);
		rc = BODY_TOO_LARGE;
		goto out;
	}
	if (clen == 0)		/* lws returns -1 for nothing */
		goto out;
	/* lws 4.1.6 wants room for a whole group and a NUL past the end. */
	room = (clen + 3) / 4 * 3 + 2;
	dec = xmalloc(room);
	got = lws_b64_decode_string_len(s, (int)clen, dec, (int)room);
	if (got < 0 || (size_t)got != dlen) {
		*cause = xasprintf("base64 decoding gave %d of %zu bytes", got,
		    dlen);
		rc = BODY_BAD;
	} else if (buf_append(out, dec, dlen) != 0) {
		*cause = xstrdup("decoded body exceeds the limit");
		rc = BODY_TOO_LARGE;
	}
out:
	free(dec);
	free(s);
	return rc;
}
