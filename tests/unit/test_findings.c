/*
 * Unit tests for the privacy findings tt_decode() makes on its own tree
 * (opts.findings, core/decode.h): for every body of every fixture, decoded
 * on every route, each event's pii must be exactly what tt_privacy_scan()
 * of its data gives, the scan the collector ran on each event before.
 *
 * The fixtures: tests/integration/fixtures/ (bodies, NDJSON), its
 * real-clients/ and the recordings of real clients in
 * $TT_SHARED/fixtures/real-clients/ (*.http requests, parsed by ws/h1.c and
 * gunzipped; *.jsonl, each line's "body").
 * TT_SHARED defaults to ../shared, where the repository's neighbours are.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tt_test.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cJSON.h>

#include "decode.h"
#include "event.h"
#include "privacy.h"
#include "ws/body.h"
#include "ws/h1.h"

#define RECV_AT		1767225600000000LL
#define ROUTES		(TT_ROUTE_LAST + 1)

/* What the bodies of the fixtures gave, summed. */
static size_t	bodies, events, with_pii, findings;

/* Decode one body on every route; compare each event's two scans. */
static void
check_body(const char *name, const uint8_t *p, size_t n)
{
	struct tt_decode_opts	 opts;
	struct tt_findings	 f;
	struct tt_batch		 b;
	char			*cause, *text;
	size_t			 i;
	int			 r;

	bodies++;
	tt_findings_init(&f);
	for (r = 0; r < ROUTES; r++) {
		memset(&opts, 0, sizeof opts);
		opts.received_at = RECV_AT;
		opts.findings = 1;
		tt_batch_init(&b);
		cause = NULL;
		(void)tt_decode((enum tt_route)r, p, n, &opts, &b, &cause);
		free(cause);
		for (i = 0; i < b.n; i++) {
			events++;
			assert_int_equal(tt_privacy_scan(b.ev[i].data,
			    b.ev[i].data_len, &f), 0);
			text = tt_privacy_json(&f);
			if (b.ev[i].pii == NULL) {
				/* only data rewritten by a note has none */
				assert_non_null(strstr(b.ev[i].data,
				    "\"_teltop\""));
			} else {
				with_pii++;
				findings += f.n;
				if (strcmp(b.ev[i].pii, text) != 0)
					print_error("%s, route %d, event %zu: "
					    "tree %s, text %s\n", name, r, i,
					    b.ev[i].pii, text);
				assert_str(b.ev[i].pii, text);
			}
			free(text);
		}
		tt_batch_clear(&b);
	}
	tt_findings_clear(&f);
}

/* The whole file, NUL-terminated; NULL if it cannot be read. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	uint8_t	*p;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		fclose(f);
		return NULL;
	}
	rewind(f);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	p[n] = '\0';
	*len = (size_t)n;
	return p;
}

static int
http_on_headers(void *arg, struct h1_req *r)
{
	(void)arg;
	(void)r;
	return H1_BODY;
}

static int
http_on_body(void *arg, const uint8_t *p, size_t n)
{
	return buf_append(arg, p, n) == 0 ? 0 : H1_STOP;
}

static const struct h1_ops http_ops = { http_on_headers, http_on_body };

/* A recorded request: its body, de-chunked and gunzipped. */
static void
check_http(const char *name, const uint8_t *p, size_t n)
{
	struct h1	*h;
	struct h1_error	 err;
	struct tt_buf	 out, z;
	char		*cause = NULL;
	size_t		 used;

	buf_init(&out, TT_REQUEST_MAX);
	h = h1_new(&http_ops, &out);
	assert_int_equal(h1_feed(h, p, n, &used, &err), H1_DONE);
	h1_next(h);
	h1_free(h);
	if (body_is_gzip(out.p, out.len)) {
		buf_init(&z, TT_REQUEST_MAX);
		assert_int_equal(body_inflate(out.p, out.len, &z, &cause),
		    BODY_OK);
		check_body(name, z.p, z.len);
		buf_free(&z);
	} else
		check_body(name, out.p, out.len);
	buf_free(&out);
}

/* Recorded requests, one a line: each line's "body". */
static void
check_jsonl(const char *name, char *s)
{
	char		*line, *save = NULL;
	const cJSON	*b;
	cJSON		*j;

	for (line = strtok_r(s, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		j = cJSON_Parse(line);
		assert_non_null(j);
		b = cJSON_GetObjectItemCaseSensitive(j, "body");
		if (cJSON_IsString(b))
			check_body(name, (const uint8_t *)b->valuestring,
			    strlen(b->valuestring));
		cJSON_Delete(j);
	}
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t	a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Every file of dir; how many were checked. */
static size_t
check_dir(const char *dir)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	uint8_t		*p;
	char		 path[4096];
	size_t		 n, files = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || ends_with(de->d_name, ".md"))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
		    (p = slurp(path, &n)) == NULL)
			continue;
		if (ends_with(path, ".http"))
			check_http(path, p, n);
		else if (ends_with(path, ".jsonl"))
			check_jsonl(path, (char *)p);
		else
			check_body(path, p, n);
		free(p);
		files++;
	}
	closedir(d);
	return files;
}

/* Every fixture: the tree's findings are the text's. */
static void
test_fixtures(void **state)
{
	const char	*shared = getenv("TT_SHARED");
	char		 dir[4096];
	size_t		 ours, real;

	(void)state;
	ours = check_dir("tests/integration/fixtures");
	assert_true(ours >= 10);
	ours += check_dir("tests/integration/fixtures/real-clients");
	snprintf(dir, sizeof dir, "%s/fixtures/real-clients",
	    shared != NULL ? shared : "../shared");
	real = check_dir(dir);
	if (real == 0)
		print_message("note: no real-client fixtures in %s\n", dir);
	print_message("%zu + %zu files, %zu bodies, %zu events, %zu with "
	    "findings (%zu in all)\n", ours, real, bodies, events, with_pii,
	    findings);
	assert_true(with_pii > 0 && findings > 0);
}

/* Bodies made to hit the corners: each event's two scans agree. */
static void
test_corners(void **state)
{
	static const char *const body[] = {
		/* a number beyond a double: null in print, no finding */
		"{\"name\":\"n\",\"lat\":1e999,\"lng\":-1e999,\"uid\":5}",
		/* a key twice; JSON in strings; an e-mail as a key */
		"{\"name\":\"d\",\"ip\":\"10.1.2.3\",\"ip\":\"10.4.5.6\","
		    "\"props\":\"{\\\"a@b.example.com\\\":1,\\\"err\\\":"
		    "\\\"it broke at /home/alice\\\"}\"}",
		/* controls and C1 controls raw, invalid UTF-8 */
		"{\"name\":\"c\",\"user\":\"bob\x7f\",\"e\":\"x\xc2\x85y"
		    " alice@example.org\",\"k\xff\":\"203.0.113.9\"}",
		/* escapes: \\u0000, a lone surrogate */
		"{\"name\":\"e\",\"host\":\"a\\u0000b.local\",\"x\":"
		    "\"\\ud800 10.0.0.1\"}",
		/* an array of events, a PostHog batch */
		"[{\"name\":\"a\",\"email\":\"a@b.co\"},{\"event\":\"x\","
		    "\"distinct_id\":\"d\",\"properties\":{\"$ip\":"
		    "\"198.51.100.1\",\"$set\":{\"name\":\"Alice\"}}}]",
		"{\"api_key\":\"phc_x\",\"batch\":[{\"event\":\"e\","
		    "\"properties\":{\"$geoip_city_name\":\"Berlin\"}}]}",
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof body / sizeof body[0]; i++)
		check_body("corner", (const uint8_t *)body[i],
		    strlen(body[i]));
}

/* A note rewrites data: the decoder leaves pii for the caller. */
static void
test_note(void **state)
{
	static const char	 body[] = "{\"name\":\"n\",\"ts\":\"soon\","
				     "\"ip\":\"203.0.113.7\"}";
	struct tt_decode_opts	 opts;
	struct tt_batch		 b;
	char			*cause = NULL;

	(void)state;
	memset(&opts, 0, sizeof opts);
	opts.received_at = RECV_AT;
	opts.findings = 1;
	tt_batch_init(&b);
	assert_int_equal(tt_decode(TT_ROUTE_EVENTS, (const uint8_t *)body,
	    sizeof body - 1, &opts, &b, &cause), 0);
	assert_int_equal(b.n, 1);
	assert_non_null(strstr(b.ev[0].data, "\"_teltop\""));
	assert_null(b.ev[0].pii);
	tt_batch_clear(&b);

	/* Without opts.findings there are none either. */
	opts.findings = 0;
	tt_batch_init(&b);
	assert_int_equal(tt_decode(TT_ROUTE_EVENTS, (const uint8_t *)body + 0,
	    sizeof body - 1, &opts, &b, &cause), 0);
	assert_null(b.ev[0].pii);
	tt_batch_clear(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_corners),
		cmocka_unit_test(test_note),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
