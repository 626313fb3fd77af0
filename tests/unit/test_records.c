/*
 * Unit tests for the records of export, import and replay (cli/records.c):
 * a record written in teltop's form and as a HAR entry reads back the
 * same (binary bodies, content encoding, a WebSocket message, a captured
 * host, a query); a record without its bytes; what is refused, each with
 * its reason (not base64, no route, a header with a line break, no time);
 * a whole file of lines and a HAR document; HAR from elsewhere (no
 * _teltop, headers in any case).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tt_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "cli/records.h"
#include "core/eventjson.h"

/* 2026-01-01T00:00:00.123456Z */
#define T0	1767225600123456LL

static struct tt_record
sample(const char *method, const char *route, const char *cenc,
    const char *host, const void *body, size_t len)
{
	struct tt_record	r;

	memset(&r, 0, sizeof r);
	r.received_at = T0;
	r.method = method != NULL ? strdup(method) : NULL;
	r.route = strdup(route);
	r.ctype = strdup("application/json");
	r.cenc = cenc != NULL ? strdup(cenc) : NULL;
	r.agent = strdup("posthog-node/4.2.0");
	r.host = host != NULL ? strdup(host) : NULL;
	r.body = malloc(len + 1);
	memcpy(r.body, body, len);
	r.len = len;
	return r;
}

static void
assert_opt_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_true(a == b);
	else
		assert_string_equal(a, b);
}

static void
assert_same(const struct tt_record *a, const struct tt_record *b)
{
	assert_int_equal(a->received_at, b->received_at);
	assert_opt_str(a->route, b->route);
	assert_opt_str(a->ctype, b->ctype);
	assert_opt_str(a->cenc, b->cenc);
	assert_opt_str(a->agent, b->agent);
	assert_opt_str(a->host, b->host);
	assert_int_equal(a->len, b->len);
	if (a->body == NULL || b->body == NULL)
		assert_true(a->body == b->body);
	else
		assert_memory_equal(a->body, b->body, a->len);
	assert_int_equal(a->events, b->events);
}

/* Through text, as a file holds it: the line, or the entry. */
static void
round_trip(struct tt_record *r, int har)
{
	struct tt_record	 back;
	cJSON			*ev = cJSON_CreateArray(), *o, *again;
	char			*text, *cause = NULL;

	cJSON_AddItemToArray(ev, cJSON_CreateObject());
	cJSON_AddItemToArray(ev, cJSON_CreateObject());
	r->events = 2;
	o = har ? tt_record_har(r, ev) : tt_record_json(r, ev);
	text = tt_json_line(o, NULL);
	again = cJSON_Parse(text);
	assert_non_null(again);
	if ((har ? tt_record_from_har(again, &back, &cause) :
	    tt_record_from_json(again, &back, &cause)) != 0)
		fail_msg("%s: %s", text, cause);
	/* POST is what a record without a method says */
	if (r->method != NULL && strcmp(r->method, "POST") != 0)
		assert_string_equal(back.method, r->method);
	assert_same(r, &back);
	tt_record_clear(&back);
	cJSON_Delete(again);
	cJSON_Delete(o);
	free(text);
}

static void
test_round_trips(void **state)
{
	static const unsigned char gz[] = { 0x1f, 0x8b, 0x08, 0x00, 0x00,
	    0xff, 0x00, 0x0a, 0x80 };
	struct tt_record	r;
	int			har;

	(void)state;
	for (har = 0; har <= 1; har++) {
		/* text */
		r = sample("POST", "/batch/", NULL, NULL,
		    "{\"batch\":[{\"event\":\"é\"}]}", 27);
		round_trip(&r, har);
		tt_record_clear(&r);
		/* gzip bytes, with a query */
		r = sample(NULL, "/e/?compression=gzip-js&ver=1.57.2&_=17",
		    "gzip", NULL, gz, sizeof gz);
		round_trip(&r, har);
		tt_record_clear(&r);
		/* NUL and bytes that are not UTF-8, no encoding */
		r = sample("POST", "/v1/traces", NULL, NULL, "\x0a\x00\xff\xfe",
		    4);
		round_trip(&r, har);
		tt_record_clear(&r);
		/* a WebSocket message */
		r = sample("WS", "/ws", NULL, NULL, "[1]", 3);
		round_trip(&r, har);
		tt_record_clear(&r);
		/* captured: the vendor's host */
		r = sample("POST", "/v1/insert", NULL, "telemetry.devpod.sh",
		    "{}", 2);
		round_trip(&r, har);
		tt_record_clear(&r);
		/* an empty body */
		r = sample("POST", "/v1/events", NULL, NULL, "", 0);
		round_trip(&r, har);
		tt_record_clear(&r);
	}
}

/* The bytes were not kept: no body either way, and what it produced. */
static void
test_bodiless(void **state)
{
	struct tt_record	r, back;
	cJSON			*o;
	char			*cause = NULL;

	(void)state;
	memset(&r, 0, sizeof r);
	r.received_at = T0;
	o = tt_record_json(&r, NULL);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "body_base64")));
	assert_int_equal(tt_record_from_json(o, &back, &cause), 0);
	assert_null(back.body);
	assert_null(back.route);
	assert_int_equal(back.received_at, T0);
	cJSON_Delete(o);
	o = tt_record_har(&r, NULL);
	assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "request"),
	    "postData"));
	assert_int_equal(tt_record_from_har(o, &back, &cause), 0);
	assert_null(back.body);
	cJSON_Delete(o);
}

/* HAR's shape: what devtools and mitmproxy look for is there. */
static void
test_har_shape(void **state)
{
	struct tt_record	 r;
	cJSON			*o, *req, *q;

	(void)state;
	r = sample("POST", "/e/?ver=1&x", "gzip", "us.i.posthog.com", "ab", 2);
	o = tt_record_har(&r, NULL);
	req = cJSON_GetObjectItem(o, "request");
	assert_string_equal(cJSON_GetObjectItem(o, "startedDateTime")->
	    valuestring, "2026-01-01T00:00:00.123456Z");
	assert_string_equal(cJSON_GetObjectItem(req, "url")->valuestring,
	    "https://us.i.posthog.com/e/?ver=1&x");
	assert_string_equal(cJSON_GetObjectItem(req, "httpVersion")->
	    valuestring, "HTTP/1.1");
	q = cJSON_GetObjectItem(req, "queryString");
	assert_int_equal(cJSON_GetArraySize(q), 2);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(q, 1),
	    "name")->valuestring, "x");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(q, 1),
	    "value")->valuestring, "");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(req,
	    "postData"), "_encoding")->valuestring, "base64");
	assert_int_equal(cJSON_GetObjectItem(req, "bodySize")->valueint, 2);
	assert_non_null(cJSON_GetObjectItem(o, "response"));
	assert_non_null(cJSON_GetObjectItem(o, "cache"));
	assert_non_null(cJSON_GetObjectItem(o, "timings"));
	cJSON_Delete(o);
	tt_record_clear(&r);
	/* direct: the collector's address */
	r = sample(NULL, "/v1/events", NULL, NULL, "{}", 2);
	o = tt_record_har(&r, NULL);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(o,
	    "request"), "url")->valuestring, "http://127.0.0.1:8353/v1/events");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(o, "request"), "postData"), "text")->
	    valuestring, "{}");
	cJSON_Delete(o);
	tt_record_clear(&r);
}

#define REFUSED(line, want) do {					\
	struct tt_records	rs_;					\
	char			*c_ = NULL;				\
	memset(&rs_, 0, sizeof rs_);					\
	assert_int_equal(tt_records_parse((line), strlen(line), &rs_,	\
	    &c_), -1);							\
	assert_str(c_, (want));						\
	assert_int_equal(rs_.n, 0);					\
	free(c_);							\
} while (0)

static void
test_refused(void **state)
{
	(void)state;
	REFUSED("{\"route\":\"/x\"}\n", "line 1: no received_at time");
	REFUSED("\n\n[1,2]\n", "line 3: not a JSON object (teltop export's "
	    "lines, or a HAR file)");
	REFUSED("{\"received_at\":\"2026-01-01T00:00:00Z\",\"route\":\"/x\","
	    "\"body_base64\":\"!!!!\"}",
	    "line 1: body_base64 is not base64");
	REFUSED("{\"received_at\":\"2026-01-01T00:00:00Z\",\"route\":\"/x\","
	    "\"body_base64\":\"YW\"}",
	    "line 1: body_base64 is not base64");
	REFUSED("{\"received_at\":\"2026-01-01T00:00:00Z\",\"route\":\"x\","
	    "\"body_base64\":\"YWI=\"}",
	    "line 1: no route (a path starting with /, no spaces)");
	REFUSED("{\"received_at\":\"2026-01-01T00:00:00Z\",\"route\":"
	    "\"/a b\",\"body_base64\":\"YWI=\"}",
	    "line 1: no route (a path starting with /, no spaces)");
	REFUSED("{\"received_at\":\"2026-01-01T00:00:00Z\",\"route\":\"/x\","
	    "\"body_base64\":\"YWI=\",\"headers\":{\"user-agent\":"
	    "\"a\\r\\nX-Evil: 1\"}}", "line 1: a header holds a line break, "
	    "or is not UTF-8");
	REFUSED("{\"log\":{\"version\":\"1.2\"}}",
	    "a HAR file without log.entries");
	REFUSED("{\"log\":{\"entries\":[{\"startedDateTime\":"
	    "\"2026-01-01T00:00:00Z\",\"request\":{\"url\":\"/rel\","
	    "\"postData\":{\"text\":\"{}\"}}}]}}",
	    "entry 0: request.url '/rel' is not an absolute URL with a path");
	REFUSED("{\"log\":{\"entries\":[{\"request\":{}}]}}",
	    "entry 0: no startedDateTime");
}

/* A file: blank lines skipped; a HAR from another tool (no _teltop,
 * header names in any case, text bodies). */
static void
test_files(void **state)
{
	static const char lines[] =
	    "{\"received_at\":\"2026-01-01T00:00:00Z\",\"route\":\"/v1/events\","
	    "\"body_base64\":\"e30=\",\"events\":[{},{},{}]}\n"
	    "\n  \n"
	    "{\"received_at\":\"2026-01-01T00:00:01Z\",\"body_base64\":null,"
	    "\"events\":[{}]}\n";
	static const char har[] =
	    "{\n \"log\": {\"version\": \"1.2\", \"entries\": [\n"
	    "  {\"startedDateTime\": \"2026-01-01T00:00:02.5Z\", \"request\": {"
	    "\"method\": \"POST\", \"url\": \"https://app.posthog.com/batch/\","
	    " \"headers\": [{\"name\": \"content-type\", \"value\": "
	    "\"application/json\"}, {\"name\": \"HOST\", \"value\": "
	    "\"app.posthog.com\"}], \"postData\": {\"mimeType\": "
	    "\"text/plain\", \"text\": \"{\\\"batch\\\":[]}\"}}},\n"
	    "  {\"startedDateTime\": \"2026-01-01T00:00:03Z\", \"request\": {"
	    "\"method\": \"GET\", \"url\": \"https://x.example/\"}}\n"
	    " ]}\n}\n";
	struct tt_records	 rs;
	char			*cause = NULL;

	(void)state;
	memset(&rs, 0, sizeof rs);
	assert_int_equal(tt_records_parse(lines, sizeof lines - 1, &rs,
	    &cause), 0);
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.v[0].len, 2);
	assert_memory_equal(rs.v[0].body, "{}", 2);
	assert_int_equal(rs.v[0].events, 3);
	assert_null(rs.v[1].body);
	assert_int_equal(rs.v[1].events, 1);
	tt_records_clear(&rs);

	assert_int_equal(tt_records_parse(har, sizeof har - 1, &rs, &cause),
	    0);
	assert_int_equal(rs.n, 2);
	assert_int_equal(rs.v[0].received_at, 1767225602500000LL);
	assert_string_equal(rs.v[0].route, "/batch/");
	assert_string_equal(rs.v[0].ctype, "application/json");
	assert_string_equal(rs.v[0].host, "app.posthog.com");
	assert_string_equal(rs.v[0].method, "POST");
	assert_memory_equal(rs.v[0].body, "{\"batch\":[]}", 12);
	assert_null(rs.v[1].body);	/* a GET: nothing to send */
	tt_records_clear(&rs);
}

static void
test_base64(void **state)
{
	unsigned char	*out;
	size_t		 len;
	char		*s;

	(void)state;
	s = tt_b64_encode("\x00\xff\x10", 3);
	assert_string_equal(s, "AP8Q");
	assert_int_equal(tt_b64_decode(s, &out, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(out, "\x00\xff\x10", 3);
	free(out);
	free(s);
	assert_int_equal(tt_b64_decode("", &out, &len), 0);
	assert_int_equal(len, 0);
	free(out);
	assert_int_equal(tt_b64_decode("AP8", &out, &len), -1);
	assert_int_equal(tt_b64_decode("AP-Q", &out, &len), -1);
	assert_int_equal(tt_b64_decode("AP 8Q", &out, &len), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_bodiless),
		cmocka_unit_test(test_har_shape),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_base64),
	};

	return cmocka_run_group_tests_name("records", tests, NULL, NULL);
}
