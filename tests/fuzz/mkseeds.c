/*
 * mkseeds OUTDIR FILE...: the seed corpora of the fuzz targets, made at
 * build time from the fixtures (nothing generated is committed).
 *
 * FILE is a recorded request (*.http: parsed by ws/h1.c, its body with
 * chunked and gzip undone), a capture of requests (*.jsonl: each line's
 * "body"), a body (*.json, *.ndjson), a markdown file (its ```json blocks)
 * or a theme (*.theme).  Each body becomes:
 *   fuzz_decode, fuzz_ingest	the body behind each route's first byte
 *   fuzz_body			its gzip, zlib, base64 form and
 *				base64-of-gzip wire forms, with fuzz_body's
 *				four-byte header
 *   fuzz_h1			a chunked POST of it (pieces of 1, 7 and
 *				the rest, an extension, a trailer)
 *   fuzz_privacy		the body and every event it decodes to
 *   fuzz_shape		every event a body decodes to
 *   fuzz_time			every string in it that tt_time_parse takes
 * fuzz_hosts gets the built-in hosts of core/hosts.c as CONNECT targets
 * and names, and a config file that names each with its source.
 * fuzz_otlp (and the protobuf route of fuzz_decode and fuzz_ingest) gets
 * werf's spans packed by cli/werfpb.c and a generic span with nested arrays
 * and key/value lists written here field by field.  Files are named by a
 * hash of their contents, so a seed found twice is written once.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cJSON.h>
#include <zlib.h>

#include "cli/werfpb.h"
#include "core/decode.h"
#include "core/hosts.h"
#include "core/xmalloc.h"
#include "ws/body.h"
#include "ws/h1.h"

#define ROUTES		(TT_ROUTE_LAST + 1)
#define SEL_PROTOBUF	8	/* fuzz_events.h: bit 3 of the first byte */

static const char	*outdir;
static size_t		 written;

/* ---- output ---- */

static uint64_t
fnv(const void *p, size_t n)
{
	const uint8_t	*b = p;
	uint64_t	 h = 1469598103934665603ULL;
	size_t		 i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void
mkdir_p(const char *dir)
{
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		fatal("mkdir %s: %s", dir, strerror(errno));
}

/* Write head (0..4 bytes) and p to OUTDIR/target/<hash>. */
static void
seed(const char *target, const void *head, size_t hn, const void *p,
    size_t n)
{
	char	*dir, *path;
	uint8_t	*all;
	FILE	*f;

	all = xmalloc(hn + n + 1);
	if (hn > 0)
		memcpy(all, head, hn);
	if (n > 0)
		memcpy(all + hn, p, n);
	dir = xasprintf("%s/%s", outdir, target);
	mkdir_p(dir);
	path = xasprintf("%s/%016llx", dir,
	    (unsigned long long)fnv(all, hn + n));
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(all, 1, hn + n, f) != hn + n || fclose(f) != 0)
		fatal("write %s: %s", path, strerror(errno));
	written++;
	free(path);
	free(dir);
	free(all);
}

/* ---- what one body gives ---- */

/* Strings in a JSON tree that are times. */
static void
times_of(const cJSON *j)
{
	const cJSON	*c;
	int64_t		 us;

	if (cJSON_IsString(j) && tt_time_parse(j->valuestring, &us) == 0)
		seed("fuzz_time", NULL, 0, j->valuestring,
		    strlen(j->valuestring));
	else if (cJSON_IsString(j) && (j->valuestring[0] == '{' ||
	    j->valuestring[0] == '[')) {
		cJSON *in = cJSON_Parse(j->valuestring);

		times_of(in);
		cJSON_Delete(in);
	}
	cJSON_ArrayForEach(c, j)
		times_of(c);
}

/*
 * The wire forms of fuzz_body (mode, limit (0: 1 MiB), two unused bytes)
 * and a chunked request of fuzz_h1 (its first byte: take the body, cut at
 * 64).
 */
static void
body_forms(const uint8_t *p, size_t n)
{
	static const uint8_t	 h_h1 = 0x80;
	static const char	 post[] = "POST /v1/events HTTP/1.1\r\n"
				     "Host: x\r\n"
				     "Transfer-Encoding: chunked\r\n\r\n";
	static const uint8_t	 h_inflate[4] = { 1, 0, 0, 0 };
	static const uint8_t	 h_form[4] = { 2, 0, 0, 0 };
	static const uint8_t	 h_form_gz[4] = { 3, 0, 0, 0 };
	static const char	 b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "abcdefghijklmnopqrstuvwxyz0123456789+/";
	struct tt_buf		 w;
	z_stream		 z;
	uint8_t			 tmp[16], *zp[2];
	size_t			 i, step, len, zn[2];
	uint32_t		 v;
	int			 k, wbits[2] = { 15 + 16, 15 }, t;

	/* chunked: pieces of 1, 7 and the rest, an extension, a trailer */
	buf_init(&w, SIZE_MAX / 2);
	(void)buf_append(&w, post, sizeof post - 1);
	for (i = 0, k = 0; i < n; i += step, k++) {
		step = k == 0 ? 1 : k == 1 ? 7 : n - i;
		if (step > n - i)
			step = n - i;
		len = (size_t)snprintf((char *)tmp, sizeof tmp, "%zx%s\r\n",
		    step, k == 1 ? ";x=y" : "");
		(void)buf_append(&w, tmp, len);
		(void)buf_append(&w, p + i, step);
		(void)buf_append(&w, "\r\n", 2);
	}
	(void)buf_append(&w, "0\r\nX-T: 1\r\n\r\n", 13);
	seed("fuzz_h1", &h_h1, 1, w.p, w.len);
	buf_free(&w);

	/* gzip and zlib */
	for (t = 0; t < 2; t++) {
		memset(&z, 0, sizeof z);
		if (deflateInit2(&z, 9, Z_DEFLATED, wbits[t], 8,
		    Z_DEFAULT_STRATEGY) != Z_OK)
			fatal("deflateInit2");
		len = deflateBound(&z, n);
		zp[t] = xmalloc(len);
		z.next_in = (Bytef *)(uintptr_t)p;
		z.avail_in = (uInt)n;
		z.next_out = zp[t];
		z.avail_out = (uInt)len;
		if (deflate(&z, Z_FINISH) != Z_STREAM_END)
			fatal("deflate");
		zn[t] = len - z.avail_out;
		deflateEnd(&z);
		seed("fuzz_body", h_inflate, 4, zp[t], zn[t]);
	}

	/* data=<urlencoded base64>, of the body and of its gzip */
	for (t = 0; t < 2; t++) {
		const uint8_t	*in = t == 0 ? p : zp[0];
		size_t		 inn = t == 0 ? n : zn[0];

		buf_init(&w, SIZE_MAX / 2);
		(void)buf_append(&w, "compression=x&data=", 19);
		for (i = 0; i < inn; i += 3) {
			v = (uint32_t)in[i] << 16;
			if (i + 1 < inn)
				v |= (uint32_t)in[i + 1] << 8;
			if (i + 2 < inn)
				v |= in[i + 2];
			for (k = 0; k < 4; k++) {
				char c = (size_t)k <= (inn - i) ?
				    b64[(v >> (18 - 6 * k)) & 63] : '=';

				if (c == '+')
					(void)buf_append(&w, "%2B", 3);
				else if (c == '/')
					(void)buf_append(&w, "%2F", 3);
				else if (c == '=')
					(void)buf_append(&w, "%3D", 3);
				else
					(void)buf_append(&w, &c, 1);
			}
		}
		(void)buf_append(&w, "&ver=1", 6);
		seed("fuzz_body", t == 0 ? h_form : h_form_gz, 4, w.p, w.len);
		buf_free(&w);
	}
	free(zp[0]);
	free(zp[1]);
}

/* One body: every target that takes bodies. */
static void
body(const uint8_t *p, size_t n)
{
	struct tt_decode_opts	 opts;
	struct tt_batch		 b;
	char			*cause;
	uint8_t			 sel;
	cJSON			*j;
	size_t			 i;
	int			 r;

	if (n == 0)
		return;
	for (r = 0; r < ROUTES; r++) {
		sel = (uint8_t)r;
		seed("fuzz_decode", &sel, 1, p, n);
		seed("fuzz_ingest", &sel, 1, p, n);
	}
	sel = 0x10;	/* /v1/events with a 64-byte event limit */
	seed("fuzz_decode", &sel, 1, p, n);
	body_forms(p, n);
	seed("fuzz_privacy", NULL, 0, p, n);

	memset(&opts, 0, sizeof opts);
	opts.received_at = 1767225600000000LL;
	for (r = 0; r < ROUTES; r++) {
		tt_batch_init(&b);
		cause = NULL;
		if (tt_decode((enum tt_route)r, p, n, &opts, &b, &cause) == 0)
			for (i = 0; i < b.n; i++) {
				seed("fuzz_privacy", NULL, 0, b.ev[i].data,
				    b.ev[i].data_len);
				seed("fuzz_shape", NULL, 0, b.ev[i].data,
				    b.ev[i].data_len);
			}
		free(cause);
		tt_batch_clear(&b);
	}
	if ((j = cJSON_ParseWithLength((const char *)p, n)) != NULL) {
		times_of(j);
		cJSON_Delete(j);
	}
}

/* ---- OTLP protobuf ---- */

static void
protobuf(const uint8_t *p, size_t n)
{
	uint8_t	sel = TT_ROUTE_OTLP_TRACES | SEL_PROTOBUF;

	seed("fuzz_otlp", NULL, 0, p, n);
	seed("fuzz_decode", &sel, 1, p, n);
	seed("fuzz_ingest", &sel, 1, p, n);
}

static void
werf_seeds(void)
{
	static const struct werf_span	 sp[] = {
		{ 1658231825280, "exec-1", "u1", "p1", "werf converge",
		    "CommandStarted", "{}", "{\"os\":\"linux\",\"arch\":"
		    "\"amd64\",\"version\":\"2.35.1\"}", { 1, 2, 3 },
		    { 4, 5 } },
		{ 1658231835280, "exec-1", "u1", "p1", "werf converge",
		    "CommandExited", "{\"exitCode\":1,\"durationMs\":10000,"
		    "\"errorMessage\":\"boom at /home/alice/app\"}",
		    "{\"os\":\"darwin\",\"ci\":true,\"extra\":{}}", { 9 },
		    { 8 } },
		{ 1658231845280, "exec-2", "", "", "werf build",
		    "CommandExited", "not json", "[1,2]", { 0 }, { 0 } },
	};
	uint8_t	*pb;
	size_t	 len, i;

	for (i = 1; i <= sizeof sp / sizeof sp[0]; i++) {
		pb = werf_pack(sp, i, i == 2 ? "werf" : "x", &len);
		protobuf(pb, len);
		free(pb);
	}
}

/* A tiny protobuf writer for what werf_pack() does not make. */
static void
pb_varint(struct tt_buf *b, uint64_t v)
{
	uint8_t	c;

	do {
		c = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v != 0)
			c |= 0x80;
		(void)buf_append(b, &c, 1);
	} while (v != 0);
}

static void
pb_bytes(struct tt_buf *b, int field, const void *p, size_t n)
{
	pb_varint(b, (uint64_t)field << 3 | 2);
	pb_varint(b, n);
	(void)buf_append(b, p, n);
}

/* Wrap what *in holds as field of a new message in *out; in is reset. */
static void
pb_wrap(struct tt_buf *out, int field, struct tt_buf *in)
{
	pb_bytes(out, field, in->p, in->len);
	buf_reset(in);
}

static void
generic_seed(void)
{
	struct tt_buf	 any, kv, arr, kvl, span, ss, rs, req;
	uint8_t		 fx[8] = { 0x00, 0x10, 0x5e, 0xd0, 0xb2, 0xf0, 0x03,
			     0x17 };

	buf_init(&any, 1 << 20);
	buf_init(&kv, 1 << 20);
	buf_init(&arr, 1 << 20);
	buf_init(&kvl, 1 << 20);
	buf_init(&span, 1 << 20);
	buf_init(&ss, 1 << 20);
	buf_init(&rs, 1 << 20);
	buf_init(&req, 1 << 20);

	/* KeyValueList { "k": "user@example.org" } */
	pb_bytes(&any, 1, "user@example.org", 16);
	pb_bytes(&kv, 1, "k", 1);
	pb_wrap(&kv, 2, &any);
	pb_wrap(&kvl, 1, &kv);
	/* ArrayValue [ "a", 7, true, 2.5, bytes, kvlist ] */
	pb_bytes(&any, 1, "a", 1);
	pb_wrap(&arr, 1, &any);
	pb_varint(&any, 3 << 3);
	pb_varint(&any, 7);
	pb_wrap(&arr, 1, &any);
	pb_varint(&any, 2 << 3);
	pb_varint(&any, 1);
	pb_wrap(&arr, 1, &any);
	pb_varint(&any, 4 << 3 | 1);
	(void)buf_append(&any, "\0\0\0\0\0\0\x04\x40", 8);
	pb_wrap(&arr, 1, &any);
	pb_bytes(&any, 7, "\xde\xad", 2);
	pb_wrap(&arr, 1, &any);
	pb_wrap(&any, 6, &kvl);
	pb_wrap(&arr, 1, &any);

	/* Span: name, ids, times, attributes, status error */
	pb_bytes(&span, 1, "0123456789abcdef", 16);
	pb_bytes(&span, 2, "01234567", 8);
	pb_bytes(&span, 5, "GET /api", 8);
	pb_varint(&span, 7 << 3 | 1);
	(void)buf_append(&span, fx, 8);
	fx[0] = 0x40;
	pb_varint(&span, 8 << 3 | 1);
	(void)buf_append(&span, fx, 8);
	pb_bytes(&kv, 1, "list", 4);
	pb_wrap(&any, 5, &arr);
	pb_wrap(&kv, 2, &any);
	pb_wrap(&span, 9, &kv);
	pb_bytes(&kv, 1, "user.id", 7);
	pb_bytes(&any, 1, "10.1.2.3", 8);
	pb_wrap(&kv, 2, &any);
	pb_wrap(&span, 9, &kv);
	pb_bytes(&any, 2, "failed", 6);
	pb_varint(&any, 3 << 3);
	pb_varint(&any, 2);
	pb_wrap(&span, 15, &any);

	/* ScopeSpans, ResourceSpans with a resource, the request */
	pb_bytes(&any, 1, "scope", 5);
	pb_wrap(&ss, 1, &any);
	pb_wrap(&ss, 2, &span);
	pb_bytes(&kv, 1, "service.version", 15);
	pb_bytes(&any, 1, "1.0", 3);
	pb_wrap(&kv, 2, &any);
	pb_wrap(&any, 1, &kv);
	pb_wrap(&rs, 1, &any);
	pb_wrap(&rs, 2, &ss);
	pb_wrap(&req, 1, &rs);
	protobuf(req.p, req.len);

	buf_free(&any);
	buf_free(&kv);
	buf_free(&arr);
	buf_free(&kvl);
	buf_free(&span);
	buf_free(&ss);
	buf_free(&rs);
	buf_free(&req);
}

/* ---- the proxy's parsers and the config file ---- */

/* fuzz_hosts (byte 0: 0 target, 3 name, 2 config): the built-in hosts. */
static void
hosts_seeds(void)
{
	const struct tt_host	*h;
	struct tt_buf		 cfg;
	char			 line[TT_HOST_MAX + 64];
	size_t			 i;
	int			 n;

	buf_init(&cfg, SIZE_MAX / 2);
	for (i = 0; i < tt_hosts_builtin_count; i++) {
		h = &tt_hosts_builtin[i];
		n = snprintf(line, sizeof line, "%s:443", h->name);
		seed("fuzz_hosts", "0", 1, line, (size_t)n);
		seed("fuzz_hosts", "3", 1, h->name, strlen(h->name));
		n = snprintf(line, sizeof line, "intercept %s %s\n", h->name,
		    tt_source_name(h->source));
		(void)buf_append(&cfg, line, (size_t)n);
	}
	(void)buf_append(&cfg, "forward all\n", 12);
	seed("fuzz_hosts", "2", 1, cfg.p, cfg.len);
	buf_free(&cfg);
}

/* ---- input files ---- */

static uint8_t *
slurp(const char *path, size_t *n)
{
	FILE	*f;
	uint8_t	*p = NULL;
	size_t	 cap = 0, got;

	if ((f = fopen(path, "rb")) == NULL)
		fatal("%s: %s", path, strerror(errno));
	*n = 0;
	do {
		if (*n + 4096 + 1 > cap) {
			cap = cap == 0 ? 8192 : cap * 2;
			p = xrealloc(p, cap);
		}
		got = fread(p + *n, 1, cap - *n - 1, f);
		*n += got;
	} while (got > 0);
	fclose(f);
	p[*n] = '\0';
	return p;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t	a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int
http_on_headers(void *arg, struct h1_req *r)
{
	(void)arg;
	(void)r;
	return H1_BODY;
}

/* Collect the body (de-chunked by h1); past TT_REQUEST_MAX, stop. */
static int
http_on_body(void *arg, const uint8_t *p, size_t n)
{
	return buf_append(arg, p, n) == 0 ? 0 : H1_STOP;
}

static const struct h1_ops http_ops = { http_on_headers, http_on_body };

/* A recorded HTTP request: the body, with chunked and gzip undone. */
static void
http_file(const uint8_t *p, size_t n)
{
	struct h1	*h;
	struct h1_error	 err;
	struct tt_buf	 out, z;
	char		*cause = NULL;
	size_t		 used;

	buf_init(&out, TT_REQUEST_MAX);
	h = h1_new(&http_ops, &out);
	if (h1_feed(h, p, n, &used, &err) != H1_DONE) {
		h1_free(h);
		buf_free(&out);
		return;
	}
	h1_next(h);
	h1_free(h);
	if (body_is_gzip(out.p, out.len)) {
		buf_init(&z, TT_REQUEST_MAX);
		if (body_inflate(out.p, out.len, &z, &cause) == BODY_OK)
			body(z.p, z.len);
		free(cause);
		buf_free(&z);
	} else
		body(out.p, out.len);
	buf_free(&out);
}

/* One request a line: {"method","url","headers","head","body"}. */
static void
jsonl_file(char *s)
{
	char		*line, *save = NULL;
	cJSON		*j;
	const cJSON	*b;

	for (line = strtok_r(s, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((j = cJSON_Parse(line)) == NULL)
			continue;
		b = cJSON_GetObjectItemCaseSensitive(j, "body");
		if (cJSON_IsString(b))
			body((const uint8_t *)b->valuestring,
			    strlen(b->valuestring));
		cJSON_Delete(j);
	}
}

/* The ```json blocks of a markdown file. */
static void
markdown_file(const char *s)
{
	const char	*p = s, *start, *end;

	while ((p = strstr(p, "```json\n")) != NULL) {
		start = p + 8;
		if ((end = strstr(start, "\n```")) == NULL)
			break;
		body((const uint8_t *)start, (size_t)(end - start));
		p = end + 4;
	}
}

int
main(int argc, char **argv)
{
	uint8_t	*p;
	size_t	 n;
	int	 i;

	if (argc < 2) {
		fprintf(stderr, "usage: mkseeds OUTDIR FILE...\n");
		return 2;
	}
	outdir = argv[1];
	mkdir_p(outdir);
	for (i = 2; i < argc; i++) {
		p = slurp(argv[i], &n);
		if (ends_with(argv[i], ".http"))
			http_file(p, n);
		else if (ends_with(argv[i], ".jsonl"))
			jsonl_file((char *)p);
		else if (ends_with(argv[i], ".md"))
			markdown_file((char *)p);
		else if (ends_with(argv[i], ".theme"))
			seed("fuzz_theme", NULL, 0, p, n);
		else
			body(p, n);
		free(p);
	}
	werf_seeds();
	generic_seed();
	hosts_seeds();
	printf("mkseeds: %zu seeds in %s from %d files\n", written, outdir,
	    argc - 2);
	return 0;
}
