/*
 * Request bodies: a bounded buffer, gzip/zlib inflation stopped at a limit
 * (a gzip bomb ends at the limit, not in memory), and posthog-js
 * "data=<base64>" form bodies.  No lws types: these are plain functions
 * (the form decoding calls lws_urldecode() and lws_b64_decode_string_len()).
 */
#ifndef TT_BODY_H
#define TT_BODY_H

#include <stddef.h>
#include <stdint.h>

struct tt_buf {
	uint8_t	*p;
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* appending past this fails */
};

void	buf_init(struct tt_buf *, size_t max);
/* Append; -1 (nothing appended) if the result would exceed max. */
int	buf_append(struct tt_buf *, const void *, size_t);
void	buf_reset(struct tt_buf *);
void	buf_free(struct tt_buf *);

enum { BODY_OK = 0, BODY_BAD = -1, BODY_TOO_LARGE = -2 };

/* Does this look like gzip (1f 8b)? */
int	body_is_gzip(const uint8_t *, size_t);
/* Inflate gzip or zlib data into out (bounded by out->max). */
int	body_inflate(const uint8_t *, size_t, struct tt_buf *out,
	    char **cause);
/*
 * posthog-js: "data=<urlencoded base64>" (other form fields ignored), or a
 * bare base64 body.  Decoded bytes go to out.
 */
int	body_form_base64(const uint8_t *, size_t, struct tt_buf *out,
	    char **cause);

#endif
