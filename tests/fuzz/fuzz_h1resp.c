/*
 * libFuzzer target: HTTP/1.1 reply parsing (ws/h1.c in reply mode), what a
 * forward reads back from a vendor.  The input is the bytes of the
 * connection; the first byte picks a cut point and whether the reply is
 * to a HEAD.  Fed whole and fed in two pieces, then closed, it must give
 * the same transcript: status, headers, body (bounded as the proxy
 * bounds it), and how it ended.
 */
#include "fuzz.h"
#include "ws/h1.h"

#define BODY_MAX	65536
#define OUT_MAX		(256 * 1024)

struct run {
	char	*out;
	size_t	 len;
	size_t	 body;
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

	FUZZ_CHECK(q->status >= 100 && q->status <= 599, "status %d",
	    q->status);
	FUZZ_CHECK(q->nhdr <= H1_HEADERS_MAX && q->hdr_bytes <=
	    H1_HEADER_MAX, "%d headers, %zu bytes", q->nhdr, q->hdr_bytes);
	snprintf(line, sizeof line, "STATUS %d", q->status);
	say(r, line, strlen(line));
	for (i = 0; i < q->nhdr; i++) {
		say(r, "\n H ", 4);
		if (q->hdr[i].name != NULL)
			say(r, q->hdr[i].name, strlen(q->hdr[i].name));
		say(r, ": ", 2);
		if (q->hdr[i].value != NULL)
			say(r, q->hdr[i].value, strlen(q->hdr[i].value));
	}
	say(r, "\n", 1);
	r->body = 0;
	return H1_BODY;
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

/* Feed p[0..cut) then p[cut..n), then the end of the stream. */
static char *
transcript(const uint8_t *p, size_t n, size_t cut, int head)
{
	struct run	 r = { malloc(OUT_MAX), 0, 0 };
	struct h1	*h = h1_new_response(&ops, &r, head);
	struct h1_error	 err;
	size_t		 ends[2] = { cut, n }, at = 0, used;
	enum h1_result	 res = H1_MORE;
	int		 i;

	if (r.out == NULL)
		abort();
	r.out[0] = '\0';
	for (i = 0; i < 2; i++) {
		while (at < ends[i]) {
			res = h1_feed(h, p + at, ends[i] - at, &used, &err);
			FUZZ_CHECK(used <= ends[i] - at, "used too much");
			at += used;
			if (res != H1_MORE)
				goto out;	/* one reply is all we read */
			FUZZ_CHECK(at == ends[i], "MORE before the end");
		}
	}
	res = h1_eof(h, &err);
out:
	say(&r, res == H1_DONE ? "\nDONE\n" : res == H1_MORE ? "\nMORE\n" :
	    res == H1_STOPPED ? "\nSTOPPED\n" : "\nERR\n", res == H1_DONE ||
	    res == H1_MORE ? 6 : res == H1_STOPPED ? 9 : 5);
	h1_free(h);
	return r.out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*a, *b;
	size_t	 cut;
	int	 head;

	if (size < 1)
		return 0;
	head = data[0] & 1;
	cut = size > 1 ? (size_t)(data[0] >> 1) % size : 0;
	data++;
	size--;
	if (cut > size)
		cut = size;
	a = transcript(data, size, size, head);
	b = transcript(data, size, cut, head);
	/* an error may be found at another byte when cut: that there is
	 * one may not change */
	if (strstr(a, "\nERR\n") == NULL || strstr(b, "\nERR\n") == NULL)
		FUZZ_CHECK(strcmp(a, b) == 0, "whole and cut at %zu differ:\n"
		    "--- whole\n%s\n--- cut\n%s", cut, a, b);
	free(a);
	free(b);
	return 0;
}
