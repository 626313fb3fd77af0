/*
 * libFuzzer target: HTTP/1.1 request parsing (ws/h1.c, on http-parser).
 * The input is the bytes of a connection; the first byte picks two cut
 * points and whether bodies are taken or skipped.  The same bytes fed
 * whole and fed in three pieces must give the same transcript: each
 * request's method, target, headers and body, then how the stream ended
 * (which error, 400 or 431, may depend on the cut; that there is one may
 * not).
 * Bodies are kept up to a bound, as the collector keeps them.
 */
#include "fuzz.h"
#include "ws/h1.h"

#define BODY_MAX	65536
#define OUT_MAX		(256 * 1024)

struct run {
	char	*out;		/* the transcript */
	size_t	 len;
	size_t	 body;		/* bytes of the current body */
	int	 discard;
};

static void
say(struct run *r, const char *p, size_t n)
{
	if (r->len + n >= OUT_MAX)
		n = OUT_MAX - 1 - r->len;
	memcpy(r->out + r->len, p, n);
	r->len += n;
	r->out[r->len] = '\0';
}

static int
on_headers(void *arg, struct h1_req *q)
{
	struct run	*r = arg;
	char		 line[64];
	int		 i;

	FUZZ_CHECK(q->url != NULL && q->path != NULL, "no target");
	FUZZ_CHECK(q->url_len <= H1_URI_MAX, "target of %zu", q->url_len);
	FUZZ_CHECK(q->nhdr <= H1_HEADERS_MAX && q->hdr_bytes <=
	    H1_HEADER_MAX, "%d headers, %zu bytes", q->nhdr, q->hdr_bytes);
	FUZZ_CHECK(q->query == NULL || (q->query > q->url &&
	    q->query <= q->url + q->url_len), "query outside the target");
	snprintf(line, sizeof line, "REQ %d ", (int)q->method);
	say(r, line, strlen(line));
	say(r, q->url, q->url_len);
	for (i = 0; i < q->nhdr; i++) {
		say(r, "\n H ", 4);
		if (q->hdr[i].name != NULL)
			say(r, q->hdr[i].name, strlen(q->hdr[i].name));
		say(r, ": ", 2);
		if (q->hdr[i].value != NULL)
			say(r, q->hdr[i].value, strlen(q->hdr[i].value));
	}
	snprintf(line, sizeof line, "\n K%d L%d/%llu C%d\n", q->keep_alive,
	    q->has_length, (unsigned long long)q->content_length, q->chunked);
	say(r, line, strlen(line));
	r->body = 0;
	return r->discard ? H1_DISCARD : H1_BODY;
}

static int
on_body(void *arg, const uint8_t *p, size_t n)
{
	struct run	*r = arg;

	if (r->body + n > BODY_MAX) {
		say(r, "BODY-STOP\n", 10);
		return H1_STOP;
	}
	r->body += n;
	say(r, (const char *)p, n);
	return 0;
}

static const struct h1_ops ops = { on_headers, on_body };

/* Feed p in pieces ending at ends[0..nends-1] (the last is n). */
static char *
transcript(const uint8_t *p, const size_t *ends, int nends, int discard)
{
	struct run	 r = { malloc(OUT_MAX), 0, 0, discard };
	struct h1	*h = h1_new(&ops, &r);
	struct h1_error	 err;
	size_t		 at = 0, used, len;
	enum h1_result	 res;
	char		 line[256];
	int		 i;

	if (r.out == NULL)
		abort();
	r.out[0] = '\0';
	for (i = 0; i < nends; i++) {
		while (at < ends[i]) {
			len = ends[i] - at;
			res = h1_feed(h, p + at, len, &used, &err);
			FUZZ_CHECK(used <= len, "used %zu of %zu", used, len);
			at += used;
			if (res == H1_DONE) {
				say(&r, "\nDONE\n", 6);
				h1_next(h);
				continue;
			}
			if (res == H1_MORE) {
				FUZZ_CHECK(used == len, "MORE after %zu of %zu",
				    used, len);
				continue;
			}
			if (res == H1_ERROR) {
				FUZZ_CHECK(err.status >= 400 &&
				    err.status < 500 && err.why[0] != '\0',
				    "error %d '%s'", err.status, err.why);
				/*
				 * Which error comes first may depend on the
				 * cut (a limit is counted as data arrives,
				 * a bad byte when it is read): "an error".
				 */
				snprintf(line, sizeof line, "ERR\n");
			} else
				snprintf(line, sizeof line, "%s\n", res ==
				    H1_UPGRADE ? "UPGRADE" : "STOPPED");
			say(&r, line, strlen(line));
			goto out;
		}
	}
out:
	h1_free(h);
	return r.out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t	 ends[3];
	char	*a, *b;
	int	 discard;

	if (size < 1)
		return 0;
	discard = data[0] & 1;
	data++;
	size--;
	ends[0] = size > 0 ? (size_t)(data[-1] >> 1) % (size + 1) : 0;
	ends[1] = ends[0] + (size - ends[0]) / 2;
	ends[2] = size;
	a = transcript(data, ends + 2, 1, discard);
	b = transcript(data, ends, 3, discard);
	FUZZ_CHECK(strcmp(a, b) == 0, "whole and cut at %zu,%zu differ:\n"
	    "--- whole\n%s\n--- cut\n%s", ends[0], ends[1], a, b);
	free(a);
	free(b);
	return 0;
}
