/*
 * Unit tests for tt_decode() (core/decode.h): every wire format of
 * shared/formats.md, and the shapes the tools' docs (shared/seeds/) show
 * where they differ from the wire, go through the decoder and the
 * normalized fields are checked one by one.  Malformed bodies must be
 * refused with a cause, never crash, and never take good items down.
 *
 * JSON bodies are written as templates in which ' stands for " and `
 * for ', so that JSON inside JSON strings stays readable.  Every body is
 * copied into a buffer of exactly its length, without a terminating NUL,
 * so that AddressSanitizer catches any read past the end.  OTLP protobuf
 * bodies are built by hand with the field numbers of formats.md §6.
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

#include "decode.h"
#include "event.h"
#include "formats/formats.h"
#include "utf8.h"

/* opts.received_at of every test: 2026-01-01T00:00:00Z. */
#define RECV_AT		1767225600000000LL

/* A non-NULL int64 for struct want. */
#define I64(v)		(&(const int64_t){ (v) })
/* A non-NULL duration in ms for struct want (a fraction is kept). */
#define MS(v)		(&(const double){ (v) })

/* What one decoded event must be.  NULL strings and pointers: absent. */
struct want {
	enum tt_source	 source;
	const char	*format;
	enum tt_phase	 phase;
	int64_t		 ts;
	int		 ts_ns;		/* ts came from ns: ts or ts + 1 */
	const char	*name;
	const char	*client_id;
	const char	*execution_id;
	const char	*command;
	const double	*duration_ms;	/* NULL: TT_NONE; compared exactly */
	const int64_t	*exit_code;	/* NULL: TT_NONE */
	const char	*error;
	const char	*version;
	const char	*os;
	const char	*arch;
};

#define EXPECT(ev, ...) \
	expect_event((ev), &(const struct want){ __VA_ARGS__ }, __FILE__, \
	    __LINE__)

#define DECODE_OK(route, tmpl, b, n) \
	decode_ok((route), (tmpl), (b), (n), __FILE__, __LINE__)

/* Template to JSON: ' becomes " and ` becomes '.  Caller frees. */
static char *
q(const char *t)
{
	char	*s, *p;

	s = dup_str(t);
	for (p = s; *p != '\0'; p++) {
		if (*p == '\'')
			*p = '"';
		else if (*p == '`')
			*p = '\'';
	}
	return s;
}

/* Decode len bytes of body from an exact-size copy. */
static int
decode_raw(enum tt_route route, const void *body, size_t len, int protobuf,
    size_t event_max, int64_t received_at, struct tt_batch *b, char **cause)
{
	struct tt_decode_opts	 opts;
	uint8_t			*copy;
	int			 rc;

	memset(&opts, 0, sizeof opts);
	opts.event_max = event_max;
	opts.received_at = received_at;
	opts.protobuf = protobuf;

	copy = malloc(len > 0 ? len : 1);
	assert_non_null(copy);
	if (len > 0)
		memcpy(copy, body, len);
	tt_batch_init(b);
	*cause = NULL;
	rc = tt_decode(route, copy, len, &opts, b, cause);
	free(copy);
	return rc;
}

/* Decode a JSON template with default options. */
static int
decode_q(enum tt_route route, const char *tmpl, size_t event_max,
    struct tt_batch *b, char **cause)
{
	char	*s;
	int	 rc;

	s = q(tmpl);
	rc = decode_raw(route, s, strlen(s), 0, event_max, RECV_AT, b, cause);
	free(s);
	return rc;
}

/* Print a failed string field. */
static int
field_str(const char *field, const char *got, const char *want)
{
	if ((got == NULL) == (want == NULL) &&
	    (got == NULL || strcmp(got, want) == 0))
		return 0;
	print_error("  %s: got %s%s%s, expected %s%s%s\n", field,
	    got ? "\"" : "", got ? got : "NULL", got ? "\"" : "",
	    want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
	return 1;
}

/* Print a failed integer field. */
static int
field_int(const char *field, int64_t got, int64_t want)
{
	if (got == want)
		return 0;
	if (got == TT_NONE)
		print_error("  %s: got TT_NONE, expected %lld\n", field,
		    (long long)want);
	else if (want == TT_NONE)
		print_error("  %s: got %lld, expected TT_NONE\n", field,
		    (long long)got);
	else
		print_error("  %s: got %lld, expected %lld\n", field,
		    (long long)got, (long long)want);
	return 1;
}

/* Print a failed number field (compared exactly). */
static int
field_num(const char *field, double got, double want)
{
	if (got == want)
		return 0;
	if (got == TT_NONE)
		print_error("  %s: got TT_NONE, expected %.17g\n", field, want);
	else if (want == TT_NONE)
		print_error("  %s: got %.17g, expected TT_NONE\n", field, got);
	else
		print_error("  %s: got %.17g, expected %.17g\n", field, got,
		    want);
	return 1;
}

/* A normalized string field must be valid UTF-8 (core/utf8.h). */
static int
field_utf8(const char *field, const char *s)
{
	if (s == NULL || tt_utf8_valid(s, strlen(s)))
		return 0;
	print_error("  %s is not valid UTF-8: %s\n", field, s);
	return 1;
}

/* The event's JSON text: valid UTF-8, no control character raw. */
static int
data_utf8(const struct tt_event *ev)
{
	const unsigned char	*p = (const unsigned char *)ev->data;
	size_t			 i;

	if (!tt_utf8_valid(ev->data, ev->data_len)) {
		print_error("  data is not valid UTF-8: %.200s\n", ev->data);
		return 1;
	}
	for (i = 0; i < ev->data_len; i++)
		if (p[i] < 0x20 || p[i] == 0x7f || (p[i] == 0xc2 &&
		    p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)) {
			print_error("  data has control 0x%02x raw at %zu\n",
			    p[i], i);
			return 1;
		}
	return 0;
}

/* The checks that hold for every decoded event. */
static int
check_invariants(const struct tt_event *ev)
{
	cJSON	*j;
	int	 bad = 0;

	/* Never a sentinel or a wrapped value for a time. */
	if (ev->ts < TT_TIME_MIN_US || ev->ts > TT_TIME_MAX_US) {
		print_error("  ts %lld is out of range\n", (long long)ev->ts);
		bad++;
	}
	bad += field_utf8("name", ev->name);
	bad += field_utf8("client_id", ev->client_id);
	bad += field_utf8("execution_id", ev->execution_id);
	bad += field_utf8("command", ev->command);
	bad += field_utf8("error", ev->error);
	bad += field_utf8("version", ev->version);
	bad += field_utf8("os", ev->os);
	bad += field_utf8("arch", ev->arch);

	if (ev->format == NULL ||
	    strcmp(tt_format_static(ev->format), "unknown") == 0) {
		print_error("  format %s is not one of TT_FORMATS\n",
		    ev->format ? ev->format : "NULL");
		bad++;
	}
	if ((unsigned)ev->source >= TT_SRC_COUNT) {
		print_error("  source %d out of range\n", (int)ev->source);
		bad++;
	}
	if (ev->data == NULL) {
		print_error("  data is NULL\n");
		return bad + 1;
	}
	if (ev->data_len != strlen(ev->data)) {
		print_error("  data_len %zu, strlen(data) %zu\n",
		    ev->data_len, strlen(ev->data));
		bad++;
	} else
		bad += data_utf8(ev);
	j = cJSON_Parse(ev->data);
	if (j == NULL) {
		print_error("  data is not JSON: %.200s\n", ev->data);
		bad++;
	}
	cJSON_Delete(j);
	return bad;
}

/* Check every field of ev against w; report all differences. */
static void
expect_event(const struct tt_event *ev, const struct want *w,
    const char *file, int line)
{
	int	 bad = 0;

	if (ev == NULL) {
		print_error("no such event\n");
		_fail(file, line);
		return;
	}
	bad += check_invariants(ev);
	bad += field_str("source", tt_source_name(ev->source),
	    tt_source_name(w->source));
	bad += field_str("format", ev->format, w->format);
	bad += field_str("phase", tt_phase_name(ev->phase),
	    tt_phase_name(w->phase));
	if (!(w->ts_ns && ev->ts == w->ts + 1))
		bad += field_int("ts", ev->ts, w->ts);
	bad += field_int("received_at", ev->received_at, RECV_AT);
	bad += field_str("name", ev->name, w->name);
	bad += field_str("client_id", ev->client_id, w->client_id);
	bad += field_str("execution_id", ev->execution_id, w->execution_id);
	bad += field_str("command", ev->command, w->command);
	bad += field_num("duration_ms", ev->duration_ms,
	    w->duration_ms ? *w->duration_ms : TT_NONE);
	bad += field_int("exit_code", ev->exit_code,
	    w->exit_code ? *w->exit_code : TT_NONE);
	bad += field_str("error", ev->error, w->error);
	bad += field_str("version", ev->version, w->version);
	bad += field_str("os", ev->os, w->os);
	bad += field_str("arch", ev->arch, w->arch);
	if (bad) {
		print_error("event \"%s\" (%d fields wrong), data: %.400s\n",
		    ev->name ? ev->name : "(null)", bad,
		    ev->data ? ev->data : "(null)");
		_fail(file, line);
	}
}

/* Decode a template that must be accepted whole, into n events. */
static void
decode_ok(enum tt_route route, const char *tmpl, struct tt_batch *b,
    size_t n, const char *file, int line)
{
	char	*cause;
	size_t	 i;
	int	 rc, bad = 0;

	rc = decode_q(route, tmpl, 0, b, &cause);
	if (rc != 0) {
		print_error("tt_decode returned %d: %s\n", rc,
		    cause ? cause : "(no cause)");
		free(cause);
		_fail(file, line);
		return;
	}
	if (cause != NULL) {
		print_error("cause set on success: %s\n", cause);
		free(cause);
		bad++;
	}
	if (b->rejected != 0) {
		print_error("%zu rejected: %s\n", b->rejected,
		    b->first_error ? b->first_error : "(no first_error)");
		bad++;
	}
	if (b->n != n) {
		print_error("%zu events, expected %zu\n", b->n, n);
		bad++;
	}
	for (i = 0; i < b->n; i++) {
		if (check_invariants(&b->ev[i]) != 0) {
			print_error("event %zu\n", i);
			bad++;
		}
	}
	if (bad)
		_fail(file, line);
}

/* Assert a body was refused: -1 with a cause, or items rejected. */
#define assert_refused(rc, b, cause) do {				\
	if ((b)->n != 0) {						\
		print_error("%zu events decoded from a bad body, first "\
		    "\"%s\"\n", (b)->n, (b)->ev[0].name ?		\
		    (b)->ev[0].name : "(null)");			\
		fail();							\
	}								\
	if ((rc) == -1) {						\
		assert_non_null(cause);					\
	} else if ((rc) == 0) {						\
		if ((b)->rejected == 0) {				\
			print_error("rc 0 and nothing rejected\n");	\
			fail();						\
		}							\
		assert_non_null((b)->first_error);			\
	} else {							\
		print_error("tt_decode returned %d\n", (rc));		\
		fail();							\
	}								\
} while (0)

/* Assert tt_decode returned -1 and set a cause. */
#define assert_malformed(rc, cause) do {				\
	if ((rc) != -1 || (cause) == NULL) {				\
		print_error("rc %d, cause %s\n", (rc),			\
		    (cause) ? (cause) : "NULL");			\
		fail();							\
	}								\
} while (0)

/* Parse ev->data. */
static cJSON *
data_of(const struct tt_event *ev)
{
	cJSON	*j;

	assert_non_null(ev->data);
	j = cJSON_Parse(ev->data);
	assert_non_null(j);
	return j;
}

/* The first item named key anywhere under j, depth first. */
static const cJSON *
json_find(const cJSON *j, const char *key)
{
	const cJSON	*c, *f;

	for (c = j != NULL ? j->child : NULL; c != NULL; c = c->next) {
		if (c->string != NULL && strcmp(c->string, key) == 0)
			return c;
		if ((f = json_find(c, key)) != NULL)
			return f;
	}
	return NULL;
}

/* ---- Protobuf writer ------------------------------------------------ */

struct pb {
	uint8_t	*p;
	size_t	 len;
	size_t	 cap;
};

/* Append raw bytes. */
static void
pb_put(struct pb *b, const void *data, size_t len)
{
	if (len == 0)
		return;
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

/* Free a buffer. */
static void
pb_free(struct pb *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* Append a base-128 varint. */
static void
pb_varint(struct pb *b, uint64_t v)
{
	uint8_t	c;

	do {
		c = v & 0x7f;
		v >>= 7;
		if (v != 0)
			c |= 0x80;
		pb_put(b, &c, 1);
	} while (v != 0);
}

/* Append a field key. */
static void
pb_key(struct pb *b, unsigned field, unsigned wire)
{
	pb_varint(b, (uint64_t)field << 3 | wire);
}

/* Append a varint field (wire type 0). */
static void
pb_uint(struct pb *b, unsigned field, uint64_t v)
{
	pb_key(b, field, 0);
	pb_varint(b, v);
}

/* Append a fixed64 field (wire type 1), little endian. */
static void
pb_fixed64(struct pb *b, unsigned field, uint64_t v)
{
	uint8_t	c[8];
	int	i;

	pb_key(b, field, 1);
	for (i = 0; i < 8; i++)
		c[i] = (uint8_t)(v >> (8 * i));
	pb_put(b, c, sizeof c);
}

/* Append a fixed32 field (wire type 5), little endian. */
static void
pb_fixed32(struct pb *b, unsigned field, uint32_t v)
{
	uint8_t	c[4];
	int	i;

	pb_key(b, field, 5);
	for (i = 0; i < 4; i++)
		c[i] = (uint8_t)(v >> (8 * i));
	pb_put(b, c, sizeof c);
}

/* Append a length-delimited field (wire type 2). */
static void
pb_bytes(struct pb *b, unsigned field, const void *data, size_t len)
{
	pb_key(b, field, 2);
	pb_varint(b, len);
	pb_put(b, data, len);
}

/* Append a string field. */
static void
pb_string(struct pb *b, unsigned field, const char *s)
{
	pb_bytes(b, field, s, strlen(s));
}

/* Append sub as an embedded message, then free sub. */
static void
pb_sub(struct pb *b, unsigned field, struct pb *sub)
{
	pb_bytes(b, field, sub->p, sub->len);
	pb_free(sub);
}

/* Append a KeyValue{key, AnyValue{string_value}}. */
static void
kv_string(struct pb *b, unsigned field, const char *key, const char *val)
{
	struct pb	kv = { 0 }, av = { 0 };

	pb_string(&av, 1, val);
	pb_string(&kv, 1, key);
	pb_sub(&kv, 2, &av);
	pb_sub(b, field, &kv);
}

/* Append a KeyValue{key, AnyValue{int_value}}. */
static void
kv_int(struct pb *b, unsigned field, const char *key, int64_t val)
{
	struct pb	kv = { 0 }, av = { 0 };

	pb_uint(&av, 3, (uint64_t)val);
	pb_string(&kv, 1, key);
	pb_sub(&kv, 2, &av);
	pb_sub(b, field, &kv);
}

/*
 * Append attributes of the other AnyValue kinds (bool, double, array,
 * kvlist, bytes), a KeyValue with an unknown field, and one with no
 * value: a decoder must step over all of them.
 */
static void
kv_exotic(struct pb *b, unsigned field)
{
	struct pb	kv = { 0 }, av = { 0 }, arr = { 0 }, el = { 0 };

	pb_uint(&av, 2, 1);
	pb_string(&kv, 1, "x.bool");
	pb_sub(&kv, 2, &av);
	pb_sub(b, field, &kv);

	pb_fixed64(&av, 4, 0x400921fb54442d18ULL);	/* 3.14159... */
	pb_string(&kv, 1, "x.double");
	pb_sub(&kv, 2, &av);
	pb_sub(b, field, &kv);

	pb_string(&el, 1, "a");
	pb_sub(&arr, 1, &el);
	pb_uint(&el, 3, 7);
	pb_sub(&arr, 1, &el);
	pb_sub(&av, 5, &arr);
	pb_string(&kv, 1, "x.array");
	pb_sub(&kv, 2, &av);
	pb_sub(b, field, &kv);

	kv_string(&arr, 1, "inner", "v");
	pb_sub(&av, 6, &arr);
	pb_string(&kv, 1, "x.kvlist");
	pb_sub(&kv, 2, &av);
	pb_sub(b, field, &kv);

	pb_bytes(&av, 7, "\x00\x01\xff", 3);
	pb_string(&kv, 1, "x.bytes");
	pb_sub(&kv, 2, &av);
	pb_sub(b, field, &kv);

	pb_string(&av, 1, "v");
	pb_uint(&av, 99, 5);			/* unknown in AnyValue */
	pb_string(&kv, 1, "x.unknown");
	pb_fixed32(&kv, 17, 0xdeadbeef);	/* unknown in KeyValue */
	pb_sub(&kv, 2, &av);
	pb_sub(b, field, &kv);

	pb_string(&kv, 1, "x.novalue");
	pb_sub(b, field, &kv);
}

/* Append the unknown fields of every wire type. */
static void
pb_unknown(struct pb *b, unsigned first)
{
	pb_uint(b, first, 300);
	pb_fixed64(b, first + 1, 0x0102030405060708ULL);
	pb_bytes(b, first + 2, "\x0a\x03xyz", 5);
	pb_fixed32(b, first + 3, 0x01020304);
}

/* One werf event, as telemetrywerfio.go sendEvent makes its span. */
struct werf_ev {
	const char	*event_type;
	int64_t		 ts_ms;		/* 0: no ts attribute */
	const char	*execution_id;
	const char	*user_id;
	const char	*command;
	const char	*event_data;	/* JSON text */
	const char	*attributes;	/* JSON text */
	uint64_t	 start_ns;
	uint64_t	 end_ns;
};

/* Append a werf span to ScopeSpans s, with every oddity a span can have. */
static void
werf_span(struct pb *s, const struct werf_ev *w, uint8_t seed)
{
	struct pb	span = { 0 }, sub = { 0 };
	uint8_t		id[16];
	size_t		i;

	for (i = 0; i < sizeof id; i++)
		id[i] = (uint8_t)(seed + i);
	pb_bytes(&span, 1, id, 16);
	pb_bytes(&span, 2, id, 8);
	pb_string(&span, 3, "");
	pb_string(&span, 5, "telemetry.werf.io");
	pb_uint(&span, 6, 1);
	pb_fixed64(&span, 7, w->start_ns);
	pb_fixed64(&span, 8, w->end_ns);
	if (w->ts_ms != 0)
		kv_int(&span, 9, "ts", w->ts_ms);
	kv_string(&span, 9, "executionID", w->execution_id);
	kv_string(&span, 9, "userID", w->user_id);
	kv_string(&span, 9, "projectID",
	    "b4c2d019070529344a6967d8c73d578101c6554fcdcae3d00bb93a9692523cb1");
	kv_string(&span, 9, "command", w->command);
	kv_string(&span, 9, "eventType", w->event_type);
	kv_string(&span, 9, "eventData", w->event_data);
	kv_string(&span, 9, "attributes", w->attributes);
	kv_int(&span, 9, "schemaVersion", 2);
	kv_exotic(&span, 9);
	pb_uint(&span, 10, 0);

	/* A span event and a link carrying misleading attributes. */
	pb_fixed64(&sub, 1, w->start_ns);
	pb_string(&sub, 2, "exception");
	kv_string(&sub, 3, "eventType", "Bogus");
	kv_int(&sub, 3, "ts", 1);
	pb_sub(&span, 11, &sub);
	pb_bytes(&sub, 1, id, 16);
	pb_bytes(&sub, 2, id, 8);
	kv_string(&sub, 4, "executionID", "bogus");
	pb_sub(&span, 13, &sub);

	pb_sub(&span, 15, &sub);		/* Status{}: unset */
	pb_fixed32(&span, 16, 0x100);
	pb_unknown(&span, 40);
	pb_sub(s, 2, &span);
}

/* A plain OTLP span (no eventType) to ScopeSpans s. */
static void
plain_span(struct pb *s, const char *name, uint8_t idbyte, uint64_t start,
    uint64_t end, int code, const char *message)
{
	struct pb	span = { 0 }, st = { 0 };
	uint8_t		id[16];

	memset(id, idbyte, sizeof id);
	id[0] = 0x5b;
	id[15] = 0xC6;
	pb_bytes(&span, 1, id, 16);
	pb_bytes(&span, 2, id, 8);
	pb_string(&span, 5, name);
	pb_uint(&span, 6, 2);
	pb_fixed64(&span, 7, start);
	pb_fixed64(&span, 8, end);
	kv_string(&span, 9, "http.method", "GET");
	kv_int(&span, 9, "http.status_code", 500);
	if (message != NULL)
		pb_string(&st, 2, message);
	pb_uint(&st, 3, (uint64_t)code);
	pb_sub(&span, 15, &st);
	pb_sub(s, 2, &span);
}

/* werf's execution of `werf converge`, in three spans. */
static const struct werf_ev werf_started = {
	"CommandStarted", 1658231825280LL,
	"2f75d020-684e-4224-9013-35e95e1b7721",
	"9f2c1d53a1b0e7c4",
	"werf converge",
	"{\"commandOptions\":[{\"name\":\"repo\",\"asCli\":false,"
	    "\"asEnv\":true,\"count\":0}]}",
	"{\"arch\":\"amd64\",\"os\":\"linux\",\"version\":\"2.35.0\","
	    "\"ci\":true,\"ciName\":\"gitlab\",\"extra\":{}}",
	1658231825280000000ULL, 1658231825280000500ULL
};
static const struct werf_ev werf_exited = {
	"CommandExited", 1658231836102LL,
	"2f75d020-684e-4224-9013-35e95e1b7721",
	"",
	"werf converge",
	"{\"exitCode\":1,\"durationMs\":10827}",
	"{\"arch\":\"arm64\",\"os\":\"darwin\",\"version\":\"2.35.0\","
	    "\"extra\":{\"team\":\"infra\"}}",
	1658231836102000000ULL, 1658231836102000700ULL
};
static const struct werf_ev werf_unshallow = {
	"UnshallowFailed", 0,
	"2f75d020-684e-4224-9013-35e95e1b7721",
	"9f2c1d53a1b0e7c4",
	"werf converge",
	"{\"errorMessage\":\"shallow fetch failed\","
	    "\"gitlabRunnerVersion\":\"16.0\","
	    "\"gitlabServerVersion\":\"16.1\"}",
	"{\"arch\":\"amd64\",\"os\":\"linux\",\"version\":\"2.35.0\"}",
	1658231830000123000ULL, 1658231830000124000ULL
};

/* The first ResourceSpans: werf's SDK resource, scope and spans. */
static void
werf_resource_spans(struct pb *rs)
{
	struct pb	res = { 0 }, ss = { 0 }, scope = { 0 };

	kv_string(&res, 1, "service.name", "unknown_service:werf");
	kv_string(&res, 1, "telemetry.sdk.language", "go");
	kv_string(&res, 1, "telemetry.sdk.name", "opentelemetry");
	kv_string(&res, 1, "telemetry.sdk.version", "1.24.0");
	kv_exotic(&res, 1);
	pb_uint(&res, 2, 0);
	pb_unknown(&res, 20);
	pb_sub(rs, 1, &res);

	pb_string(&scope, 1, "telemetry.werf.io");
	pb_unknown(&scope, 30);
	pb_sub(&ss, 1, &scope);
	werf_span(&ss, &werf_started, 0x10);
	werf_span(&ss, &werf_exited, 0x20);
	werf_span(&ss, &werf_unshallow, 0x30);
	pb_string(&ss, 3, "");
	pb_unknown(&ss, 50);
	pb_sub(rs, 2, &ss);

	pb_string(rs, 3, "https://opentelemetry.io/schemas/1.24.0");
	pb_unknown(rs, 60);
}

/*
 * An ExportTraceServiceRequest: werf's ResourceSpans, then (if plain)
 * one of another service with plain spans, then unknown top-level fields.
 * *first_end is the size of the first ResourceSpans field.
 */
static void
otlp_request(struct pb *req, int plain, size_t *first_end)
{
	struct pb	rs = { 0 }, ss = { 0 }, scope = { 0 };

	werf_resource_spans(&rs);
	pb_sub(req, 1, &rs);
	if (first_end != NULL)
		*first_end = req->len;
	if (plain) {
		kv_string(&scope, 1, "service.name", "shop");
		pb_sub(&rs, 1, &scope);
		pb_string(&scope, 1, "my.lib");
		pb_string(&scope, 2, "0.1");
		pb_sub(&ss, 1, &scope);
		plain_span(&ss, "GET /healthz", 0x8e,
		    1736850000000000000ULL, 1736850001500000000ULL, 2,
		    "boom");
		plain_span(&ss, "db.query", 0xab,
		    1736850002000000000ULL, 1736850002250000000ULL, 1,
		    "fine");
		pb_sub(&rs, 2, &ss);
		pb_sub(req, 1, &rs);
	}
	pb_unknown(req, 70);
}

/* ---- event.h ---------------------------------------------------------- */

/* Source and phase names round-trip. */
static void
test_names(void **state)
{
	static const char	*src[] = {
		"devtron", "devpod", "devsy", "werf", "posthog", "segment",
		"rudderstack", "otlp", "generic"
	};
	static const char	*ph[] = { "point", "start", "finish" };
	enum tt_source		 s;
	enum tt_phase		 p;
	size_t			 i;

	(void)state;
	assert_int_equal(TT_SRC_COUNT, 9);
	for (i = 0; i < 9; i++) {
		assert_string_equal(tt_source_name((enum tt_source)i), src[i]);
		assert_int_equal(tt_source_parse(src[i], &s), 0);
		assert_int_equal(s, i);
	}
	assert_int_not_equal(tt_source_parse("bogus", &s), 0);
	assert_int_not_equal(tt_source_parse("", &s), 0);
	assert_string_equal(tt_phase_name(TT_PHASE_POINT), "point");
	assert_string_equal(tt_phase_name(TT_PHASE_START), "start");
	assert_string_equal(tt_phase_name(TT_PHASE_FINISH), "finish");
	for (i = 0; i < 3; i++) {
		assert_int_equal(tt_phase_parse(ph[i], &p), 0);
		assert_string_equal(tt_phase_name(p), ph[i]);
	}
	assert_int_not_equal(tt_phase_parse("middle", &p), 0);
	assert_string_equal(tt_format_static("segment-batch"),
	    "segment-batch");
	assert_string_equal(tt_format_static("nope"), "unknown");
	assert_string_equal(tt_format_static(NULL), "unknown");
}

/* Events start empty; a batch counts rejects and keeps the first why. */
static void
test_batch(void **state)
{
	struct tt_batch	 b;
	struct tt_event	 ev, *e;

	(void)state;
	tt_event_init(&ev);
	assert_i64(ev.duration_ms, TT_NONE);
	assert_i64(ev.exit_code, TT_NONE);
	assert_null(ev.name);
	assert_null(ev.data);
	tt_event_clear(&ev);

	tt_batch_init(&b);
	assert_int_equal(b.n, 0);
	assert_int_equal(b.rejected, 0);
	assert_null(b.first_error);
	e = tt_batch_add(&b);
	assert_non_null(e);
	assert_i64(e->duration_ms, TT_NONE);
	assert_i64(e->exit_code, TT_NONE);
	e->name = dup_str("x");
	assert_int_equal(b.n, 1);
	tt_batch_reject(&b, "first");
	tt_batch_reject(&b, "second");
	assert_int_equal(b.rejected, 2);
	assert_string_equal(b.first_error, "first");
	tt_batch_clear(&b);
}

/* ---- PostHog (formats.md §2, §3, §5) ---------------------------------- */

/* Devtron orchestrator through posthog-go 1.5.9: Heartbeat, flat Summary. */
static void
test_devtron_orchestrator(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_POSTHOG,
	    "{'api_key':'phc_test','batch':["
	    "{'type':'capture','uuid':'','library':'posthog-go',"
	    "'library_version':'1.5.9',"
	    "'timestamp':'2026-01-05T12:00:00.123456789+05:30',"
	    "'distinct_id':'qadgrtuxogziz8ak','event':'Heartbeat',"
	    "'properties':{'$lib':'posthog-go','$lib_version':'1.5.9',"
	    "'$geoip_disable':true,'ucid':'qadgrtuxogziz8ak',"
	    "'timestamp':'2026-01-05T06:30:00.1199Z','eventType':'Heartbeat',"
	    "'serverVersion':'v1.29.3','devtronVersion':'v1',"
	    "'devtronMode':'FULL','LastLoginTime':'0001-01-01T00:00:00Z',"
	    "'SkippedOnboarding':false},'send_feature_flags':false},"
	    "{'type':'capture','uuid':'','library':'posthog-go',"
	    "'library_version':'1.5.9','timestamp':'2026-01-05T12:00:00Z',"
	    "'distinct_id':'qadgrtuxogziz8ak','event':'Summary',"
	    "'properties':{'$lib':'posthog-go','$lib_version':'1.5.9',"
	    "'ucid':'qadgrtuxogziz8ak','timestamp':'2026-01-05T12:00:00Z',"
	    "'eventType':'Summary','serverVersion':'v1.29.3',"
	    "'devtronVersion':'v1','devtronMode':'EA_ONLY','userCount':3,"
	    "'clusterCount':2,'environmentCount':4,'nonProdAppCount':1,"
	    "'ciCreatedPerDay':5,'cdCreatedPerDay':6,"
	    "'LastLoginTime':'2026-01-04T10:00:00Z',"
	    "'SkippedOnboarding':true},'send_feature_flags':false}]}",
	    b, 2);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVTRON, .format = "posthog-batch",
	    .phase = TT_PHASE_POINT, .ts = 1767594600123456LL, .ts_ns = 1,
	    .name = "Heartbeat", .client_id = "qadgrtuxogziz8ak",
	    .version = "v1.29.3");
	EXPECT(&b->ev[1], .source = TT_SRC_DEVTRON, .format = "posthog-batch",
	    .phase = TT_PHASE_POINT, .ts = 1767614400000000LL,
	    .name = "Summary", .client_id = "qadgrtuxogziz8ak",
	    .version = "v1.29.3");
	tt_batch_clear(b);
}

/* Any one of ucid, devtronVersion, devtronMode makes it Devtron. */
static void
test_devtron_markers(void **state)
{
	struct tt_batch	*b = *state;
	size_t		i;

	DECODE_OK(TT_ROUTE_POSTHOG,
	    "{'api_key':'k','batch':["
	    "{'event':'A','distinct_id':'u','timestamp':'2026-01-05T12:00:00Z',"
	    "'properties':{'ucid':'u'}},"
	    "{'event':'B','distinct_id':'u','timestamp':'2026-01-05T12:00:00Z',"
	    "'properties':{'devtronVersion':'v1'}},"
	    "{'event':'C','distinct_id':'u','timestamp':'2026-01-05T12:00:00Z',"
	    "'properties':{'devtronMode':'FULL'}},"
	    "{'event':'D','distinct_id':'u','timestamp':'2026-01-05T12:00:00Z',"
	    "'properties':{'eventType':'Heartbeat'}}]}",
	    b, 4);
	for (i = 0; i < 3; i++)
		assert_str(tt_source_name(b->ev[i].source), "devtron");
	EXPECT(&b->ev[3], .source = TT_SRC_POSTHOG, .format = "posthog-batch",
	    .ts = 1767614400000000LL, .name = "D", .client_id = "u");
	tt_batch_clear(b);
}

/* Devtron inception: the 2021 posthog-go, no uuid field. */
static void
test_devtron_inception(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_POSTHOG,
	    "{'api_key':'phc_test','batch':[{'type':'capture',"
	    "'library':'posthog-go','library_version':'1.0.2',"
	    "'timestamp':'2021-06-29T07:33:02.001372393Z',"
	    "'distinct_id':'qadgrtuxogziz8ak','event':'InstallationSuccess',"
	    "'properties':{'$lib':'posthog-go','$lib_version':'1.0.2',"
	    "'ucid':'qadgrtuxogziz8ak',"
	    "'timestamp':'2021-06-29T07:33:02.001372393Z',"
	    "'eventType':'InstallationSuccess','serverVersion':'v1.20.2',"
	    "'devtronVersion':'v1','devtronMode':'FULL',"
	    "'cloudProvider':'aws'}},"
	    "{'type':'capture','library':'posthog-go',"
	    "'library_version':'1.0.2','timestamp':'2021-06-29T07:40:00Z',"
	    "'distinct_id':'qadgrtuxogziz8ak','event':'UpgradeFailure',"
	    "'properties':{'ucid':'qadgrtuxogziz8ak','eventType':"
	    "'UpgradeFailure','eventMessage':'helm timeout',"
	    "'devtronMode':'FULL'}}]}",
	    b, 2);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVTRON, .format = "posthog-batch",
	    .ts = 1624951982001372LL, .name = "InstallationSuccess",
	    .client_id = "qadgrtuxogziz8ak", .version = "v1.20.2");
	EXPECT(&b->ev[1], .source = TT_SRC_DEVTRON, .format = "posthog-batch",
	    .ts = 1624952400000000LL,
	    .name = "UpgradeFailure", .client_id = "qadgrtuxogziz8ak");
	tt_batch_clear(b);
}

/*
 * The docs sample (seeds 001): an event as PostHog exports it, with id,
 * $geoip_*, an integer eventType and the nested summary{} of 2021.
 */
static void
test_devtron_docs_summary(void **state)
{
	struct tt_batch	*b = *state;
	const cJSON	*s, *c;
	cJSON		*d;

	DECODE_OK(TT_ROUTE_POSTHOG,
	    "{'id':'017ah6af-8h60-0000-abfc-a0a25hd823d6',"
	    "'timestamp':'2021-06-29T07:33:02.001000+00:00',"
	    "'event':'Summary','distinct_id':'qadgrtuxogziz8ak',"
	    "'properties':{'$geoip_city_name':'Columbus',"
	    "'$geoip_latitude':39.9625,'$ip':'18.117.165.2',"
	    "'$lib':'posthog-go','$lib_version':'1.0.2',"
	    "'devtronVersion':'v1','eventType':1,'serverVersion':'v1.17.17',"
	    "'timestamp':'2021-06-29T07:33:02.001372393Z',"
	    "'ucid':'qadgrtuxogziz8ak',"
	    "'summary':{'cdCountPerDay':1,'ciCountPerDay':1,'clusterCount':1,"
	    "'environmentCount':1,'nonProdAppCount':1,'userCount':2}}}",
	    b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVTRON, .format = "posthog-event",
	    .ts = 1624951982001000LL, .name = "Summary",
	    .client_id = "qadgrtuxogziz8ak", .version = "v1.17.17");
	d = data_of(&b->ev[0]);
	s = json_find(d, "summary");
	assert_non_null(s);
	assert_true(cJSON_IsObject(s));
	c = cJSON_GetObjectItemCaseSensitive(s, "userCount");
	assert_true(cJSON_IsNumber(c));
	assert_int_equal(c->valueint, 2);
	cJSON_Delete(d);
	tt_batch_clear(b);
}

/* posthog-node 5.x (Devsy desktop): sent_at, items without type. */
static void
test_posthog_node(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_POSTHOG,
	    "{'api_key':'phc_testkey','batch':["
	    "{'event':'devsy_app_opened','properties':{'app_version':'1.0.0',"
	    "'os_name':'linux','os_arch':'x64','$lib':'posthog-node',"
	    "'$lib_version':'5.70.0','$is_server':true,'$geoip_disable':true},"
	    "'timestamp':'2026-11-21T07:00:01.798Z',"
	    "'uuid':'01a1fce7-a486-7e50-8d16-5d50dcc7a042',"
	    "'distinct_id':'user-1'},"
	    "{'event':'$identify','properties':{'$set':{'email':"
	    "'x@example.invalid'},'$set_once':{},'$lib':'posthog-node',"
	    "'$lib_version':'5.70.0'},"
	    "'uuid':'01a1fce7-a486-7e50-8d16-5d50dcc7a043',"
	    "'distinct_id':'user-1'},"
	    "{'event':'deploy','properties':{'command':'app deploy',"
	    "'version':'2.0.0','app_version':'1.0.0','error':'denied',"
	    "'error_code':'E_DENIED','os_name':'linux','$os':'Mac OS X',"
	    "'os_arch':'arm64'},'timestamp':'2026-11-21T07:00:01Z',"
	    "'distinct_id':'user-2'},"
	    "{'event':'checkout','properties':{'distinct_id':'user-3',"
	    "'$os':'Mac OS X','app_version':'1.0.1','error_code':'E42'},"
	    "'timestamp':'2026-11-21T07:00:01Z'}],"
	    "'sent_at':'2026-11-21T07:00:01.800Z'}",
	    b, 4);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVSY, .format = "posthog-batch",
	    .phase = TT_PHASE_POINT, .ts = 1795244401798000LL,
	    .name = "devsy_app_opened", .client_id = "user-1",
	    .version = "1.0.0", .os = "linux", .arch = "x64");
	EXPECT(&b->ev[1], .source = TT_SRC_POSTHOG, .format = "posthog-batch",
	    .ts = 1795244401800000LL, .name = "$identify",
	    .client_id = "user-1");
	EXPECT(&b->ev[2], .source = TT_SRC_POSTHOG, .format = "posthog-batch",
	    .ts = 1795244401000000LL, .name = "deploy", .client_id = "user-2",
	    .command = "app deploy", .version = "2.0.0", .error = "denied",
	    .os = "linux", .arch = "arm64");
	EXPECT(&b->ev[3], .source = TT_SRC_POSTHOG, .format = "posthog-batch",
	    .ts = 1795244401000000LL, .name = "checkout",
	    .client_id = "user-3", .version = "1.0.1", .error = "E42",
	    .os = "Mac OS X");
	tt_batch_clear(b);
}

/* posthog-node in v1 mode: {created_at, batch}, key only in a header. */
static void
test_posthog_v1(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_POSTHOG_V1,
	    "{'created_at':'2026-11-21T07:00:01.800Z','batch':["
	    "{'event':'evt','uuid':'01a1fce7-a486-7e50-8d16-5d50dcc7a044',"
	    "'distinct_id':'user-1','timestamp':'2026-11-21T07:00:01.798Z',"
	    "'options':{},'properties':{'a':1,'$is_server':true,"
	    "'$geoip_disable':true}},"
	    "{'event':'devsy_cli',"
	    "'uuid':'01a1fce7-a486-7e50-8d16-5d50dcc7a045',"
	    "'distinct_id':'user-1','options':{},"
	    "'properties':{'command':'devsy up','version':'v1.2.0'}}]}",
	    b, 2);
	EXPECT(&b->ev[0], .source = TT_SRC_POSTHOG, .format = "posthog-v1",
	    .ts = 1795244401798000LL, .name = "evt", .client_id = "user-1");
	EXPECT(&b->ev[1], .source = TT_SRC_DEVSY, .format = "posthog-v1",
	    .phase = TT_PHASE_FINISH, .ts = 1795244401800000LL,
	    .name = "devsy_cli", .client_id = "user-1",
	    .command = "devsy up", .version = "v1.2.0");
	tt_batch_clear(b);
}

/* posthog-js batched: a bare JSON array; key and user in properties. */
static void
test_posthog_js_array(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_POSTHOG,
	    "[{'uuid':'0190a1b2-0000-7000-8000-000000000001',"
	    "'event':'$pageview','properties':{'token':'phc_web',"
	    "'distinct_id':'anon-1','$lib':'web','$lib_version':'1.300.0',"
	    "'$os':'Linux','$current_url':'http://localhost/'},"
	    "'timestamp':'2026-01-05T12:00:00.000Z'},"
	    "{'uuid':'0190a1b2-0000-7000-8000-000000000002',"
	    "'event':'$autocapture','properties':{'token':'phc_web',"
	    "'distinct_id':'anon-1','$lib':'web'}}]",
	    b, 2);
	EXPECT(&b->ev[0], .source = TT_SRC_POSTHOG, .format = "posthog-array",
	    .ts = 1767614400000000LL, .name = "$pageview",
	    .client_id = "anon-1", .os = "Linux");
	EXPECT(&b->ev[1], .source = TT_SRC_POSTHOG, .format = "posthog-array",
	    .ts = RECV_AT, .name = "$autocapture", .client_id = "anon-1");
	tt_batch_clear(b);
}

/* posthog-js single send, and a /capture body with api_key. */
static void
test_posthog_single(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_POSTHOG,
	    "{'uuid':'0190a1b2-0000-7000-8000-000000000003','event':'signup',"
	    "'properties':{'token':'phc_web','distinct_id':'anon-2',"
	    "'$lib':'web'},'timestamp':'2026-01-05T12:00:00-08:00',"
	    "'$set':{'plan':'free'}}",
	    b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_POSTHOG, .format = "posthog-event",
	    .ts = 1767643200000000LL, .name = "signup",
	    .client_id = "anon-2");
	tt_batch_clear(b);

	DECODE_OK(TT_ROUTE_POSTHOG,
	    "{'api_key':'phc_x','event':'ping','distinct_id':'d-1',"
	    "'properties':{'distinct_id':'ignored'}}",
	    b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_POSTHOG, .format = "posthog-event",
	    .ts = RECV_AT, .name = "ping", .client_id = "d-1");
	tt_batch_clear(b);
}

/* posthog-js HEAD wraps its array: {api_key, batch, sent_at}. */
static void
test_posthog_js_wrapped(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_POSTHOG,
	    "{'api_key':'phc_web','batch':[{'uuid':'u1','event':'$pageleave',"
	    "'properties':{'token':'phc_web','distinct_id':'anon-3',"
	    "'$lib':'web'}}],'sent_at':'2026-01-05T12:00:00.250Z'}",
	    b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_POSTHOG, .format = "posthog-batch",
	    .ts = 1767614400250000LL, .name = "$pageleave",
	    .client_id = "anon-3");
	tt_batch_clear(b);
}

/* PostHog shapes posted to /v1/events are recognised. */
static void
test_posthog_on_events(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_EVENTS,
	    "{'api_key':'phc_test','batch':[{'type':'capture','uuid':'',"
	    "'library':'posthog-go','library_version':'1.5.9',"
	    "'timestamp':'2026-01-05T12:00:00Z','distinct_id':'ucid1',"
	    "'event':'Heartbeat','properties':{'ucid':'ucid1',"
	    "'serverVersion':'v1.29.3','devtronVersion':'v1'},"
	    "'send_feature_flags':false}]}",
	    b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVTRON, .format = "posthog-batch",
	    .ts = 1767614400000000LL, .name = "Heartbeat",
	    .client_id = "ucid1", .version = "v1.29.3");
	tt_batch_clear(b);

	DECODE_OK(TT_ROUTE_EVENTS,
	    "{'uuid':'0190a1b2-0000-7000-8000-000000000004','event':'signup',"
	    "'distinct_id':'anon-4','properties':{'$lib':'web',"
	    "'$lib_version':'1.300.0'},'timestamp':'2026-01-05T12:00:00Z'}",
	    b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_POSTHOG, .format = "posthog-event",
	    .ts = 1767614400000000LL, .name = "signup",
	    .client_id = "anon-4");
	tt_batch_clear(b);
}

/*
 * Devsy v1.0.0-v1.1.0: posthog-go 1.12.5 whose properties hold the user
 * properties as a JSON string under "properties".
 */
static void
test_devsy_v1_string_props(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_POSTHOG,
	    "{'api_key':'phc_devsy','batch':["
	    "{'type':'capture','uuid':'6a0e6f3c-1d9b-4c1a-9a57-3f1c2b7e9d01',"
	    "'library':'posthog-go','library_version':'1.12.5',"
	    "'timestamp':'2026-06-01T10:00:00.5Z','distinct_id':'3ed2c7ee',"
	    "'event':'devsy_cli','properties':{'type':'devsy_cli',"
	    "'properties':'{\\'os_arch\\':\\'amd64\\',\\'os_name\\':"
	    "\\'linux\\',\\'timezone\\':\\'UTC\\'}',"
	    "'$lib':'posthog-go','$lib_version':'1.12.5','$os':'linux',"
	    "'$os_version':'6.1','$go_version':'go1.22.5',"
	    "'$geoip_disable':true},'send_feature_flags':null},"
	    "{'type':'capture','uuid':'6a0e6f3c-1d9b-4c1a-9a57-3f1c2b7e9d02',"
	    "'library':'posthog-go','library_version':'1.12.5',"
	    "'timestamp':'2026-06-01T10:00:00.5Z','distinct_id':'3ed2c7ee',"
	    "'event':'devsy_cli_runner','properties':{"
	    "'type':'devsy_cli_runner','properties':"
	    "'{\\'command\\':\\'devsy up\\',\\'version\\':\\'v1.1.0\\',"
	    "\\'error\\':\\'exit status 1\\',\\'os_name\\':\\'darwin\\',"
	    "\\'os_arch\\':\\'arm64\\'}','$lib':'posthog-go'},"
	    "'send_feature_flags':false}]}",
	    b, 2);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVSY, .format = "posthog-batch",
	    .phase = TT_PHASE_FINISH, .ts = 1780308000500000LL,
	    .name = "devsy_cli", .client_id = "3ed2c7ee", .os = "linux",
	    .arch = "amd64");
	EXPECT(&b->ev[1], .source = TT_SRC_DEVSY, .format = "posthog-batch",
	    .phase = TT_PHASE_FINISH, .ts = 1780308000500000LL,
	    .name = "devsy_cli_runner", .client_id = "3ed2c7ee",
	    .command = "devsy up", .version = "v1.1.0",
	    .error = "exit status 1", .os = "darwin", .arch = "arm64");
	tt_batch_clear(b);
}

/*
 * teltop wrap --as posthog: command_started and command_finished with an
 * execution_id and a command are a run's start and finish; without them,
 * points as any capture.
 */
static void
test_posthog_wrap_phases(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_POSTHOG,
	    "{'api_key':'phc_teltop_wrap','batch':["
	    "{'event':'command_started','distinct_id':'c1',"
	    "'timestamp':'2026-06-01T10:00:00Z','properties':{"
	    "'command':'make test','execution_id':'x1'}},"
	    "{'event':'command_finished','distinct_id':'c1',"
	    "'timestamp':'2026-06-01T10:00:02Z','properties':{"
	    "'command':'make test','execution_id':'x1','exit_code':1,"
	    "'duration_ms':2000}},"
	    "{'event':'command_finished','distinct_id':'c2',"
	    "'timestamp':'2026-06-01T10:00:03Z','properties':{"
	    "'command':'make'}}]}", b, 3);
	EXPECT(&b->ev[0], .source = TT_SRC_POSTHOG, .format = "posthog-batch",
	    .phase = TT_PHASE_START, .ts = 1780308000000000LL,
	    .name = "command_started", .client_id = "c1",
	    .command = "make test", .execution_id = "x1");
	EXPECT(&b->ev[1], .source = TT_SRC_POSTHOG, .format = "posthog-batch",
	    .phase = TT_PHASE_FINISH, .ts = 1780308002000000LL,
	    .name = "command_finished", .client_id = "c1",
	    .command = "make test", .execution_id = "x1", .exit_code = I64(1),
	    .duration_ms = MS(2000));
	EXPECT(&b->ev[2], .source = TT_SRC_POSTHOG, .format = "posthog-batch",
	    .phase = TT_PHASE_POINT, .ts = 1780308003000000LL,
	    .name = "command_finished", .client_id = "c2", .command = "make");
	tt_batch_clear(b);
}

/* Devsy after v1.1.0: flat properties, error_code, workspace gauge. */
static void
test_devsy_flat(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_POSTHOG,
	    "{'api_key':'phc_devsy','batch':["
	    "{'type':'capture','uuid':'6a0e6f3c-1d9b-4c1a-9a57-3f1c2b7e9d03',"
	    "'library':'posthog-go','library_version':'1.12.5',"
	    "'timestamp':'2026-07-01T10:00:00.123456789Z',"
	    "'distinct_id':'3ed2c7ee','event':'devsy_cli',"
	    "'properties':{'command':'devsy up','version':'v1.2.0',"
	    "'desktop':false,'is_ci':false,'is_interactive':true,"
	    "'provider':'docker','source_type':'git:','ide':'vscode',"
	    "'error_code':'E_PROVIDER_NOT_FOUND','os_name':'linux',"
	    "'os_arch':'amd64','timezone':'UTC','$lib':'posthog-go',"
	    "'$lib_version':'1.12.5','$os':'linux','$go_version':'go1.22.5',"
	    "'$geoip_disable':true},'send_feature_flags':false},"
	    "{'type':'capture','uuid':'6a0e6f3c-1d9b-4c1a-9a57-3f1c2b7e9d04',"
	    "'library':'posthog-go','library_version':'1.12.5',"
	    "'timestamp':'2026-07-01T10:00:00Z','distinct_id':'3ed2c7ee',"
	    "'event':'devsy_workspace_count','properties':{'count':3,"
	    "'version':'v1.2.0','os_name':'linux','os_arch':'amd64',"
	    "'in_container':false}}]}",
	    b, 2);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVSY, .format = "posthog-batch",
	    .phase = TT_PHASE_FINISH, .ts = 1782900000123456LL, .ts_ns = 1,
	    .name = "devsy_cli", .client_id = "3ed2c7ee",
	    .command = "devsy up", .version = "v1.2.0",
	    .error = "E_PROVIDER_NOT_FOUND", .os = "linux", .arch = "amd64");
	EXPECT(&b->ev[1], .source = TT_SRC_DEVSY, .format = "posthog-batch",
	    .phase = TT_PHASE_POINT, .ts = 1782900000000000LL,
	    .name = "devsy_workspace_count", .client_id = "3ed2c7ee",
	    .version = "v1.2.0", .os = "linux", .arch = "amd64");
	tt_batch_clear(b);
}

/* ---- DevPod / Devsy insert (formats.md §4.1, §5.1) ------------------- */

/* The wire: {data:[...]}, properties as JSON strings, unix seconds. */
static void
test_devpod_insert(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_DEVPOD_INSERT,
	    "{'data':[{'event':{'machine_id':'3ed2c7ee',"
	    "'properties':'{\\'command\\':\\'devpod up\\',\\'desktop\\':false,"
	    "\\'ide\\':\\'vscode\\',\\'is_ci\\':false,"
	    "\\'is_interactive\\':true,"
	    "\\'provider\\':\\'docker\\',\\'source_type\\':\\'git:\\',"
	    "\\'version\\':\\'v0.6.15\\'}',"
	    "'timestamp':1736850000,'type':'devpod_cli'},"
	    "'user':{'machine_id':'3ed2c7ee',"
	    "'properties':'{\\'os_arch\\':\\'amd64\\',"
	    "\\'os_name\\':\\'linux\\',"
	    "\\'timezone\\':\\'CET\\'}','timestamp':1736850000}},"
	    "{'event':{'properties':'{\\'command\\':\\'devpod build\\',"
	    "\\'version\\':\\'v0.6.15\\',\\'error\\':\\'exit status 2\\'}',"
	    "'timestamp':1736850001,'type':'devpod_cli_runner'},"
	    "'user':{'machine_id':'beef01',"
	    "'properties':{'os_arch':'arm64','os_name':'darwin'},"
	    "'timestamp':1736850001}}]}",
	    b, 2);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVPOD, .format = "devpod-insert",
	    .phase = TT_PHASE_FINISH, .ts = 1736850000000000LL,
	    .name = "devpod_cli", .client_id = "3ed2c7ee",
	    .command = "devpod up", .version = "v0.6.15", .os = "linux",
	    .arch = "amd64");
	EXPECT(&b->ev[1], .source = TT_SRC_DEVPOD, .format = "devpod-insert",
	    .phase = TT_PHASE_FINISH, .ts = 1736850001000000LL,
	    .name = "devpod_cli_runner", .client_id = "beef01",
	    .command = "devpod build", .version = "v0.6.15",
	    .error = "exit status 2", .os = "darwin", .arch = "arm64");
	tt_batch_clear(b);
}

/* The DevPod docs shape: no data wrapper, µs, object properties. */
static void
test_devpod_insert_docs(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_DEVPOD_INSERT,
	    "{'event':{'type':'devpod_cli','machine_id':'3ed2c7ee',"
	    "'timestamp':1683878643781772,'properties':{"
	    "'command':'devpod provider delete','provider':'kubernetes',"
	    "'source_type':'git:','ide':'vscode','desktop':'true',"
	    "'version':'v0.5.29',"
	    "'error':'provider `docker` does not exist'}},"
	    "'user':{'machine_id':'3ed2c7ee','arch':'amd64','os':'linux'}}",
	    b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVPOD, .format = "devpod-insert",
	    .phase = TT_PHASE_FINISH, .ts = 1683878643781772LL,
	    .name = "devpod_cli", .client_id = "3ed2c7ee",
	    .command = "devpod provider delete", .version = "v0.5.29",
	    .error = "provider 'docker' does not exist", .os = "linux",
	    .arch = "amd64");
	tt_batch_clear(b);
}

/* Devsy Apr-May 2026: the insert wire, and its docs page (seeds 003). */
static void
test_devsy_insert(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_DEVPOD_INSERT,
	    "{'data':[{'event':{'machine_id':'d5e6',"
	    "'properties':'{\\'command\\':\\'devsy up\\',"
	    "\\'version\\':\\'v0.9.0\\',\\'desktop\\':true}',"
	    "'timestamp':1745136000,'type':'devsy_cli'},"
	    "'user':{'machine_id':'d5e6',"
	    "'properties':'{\\'os_arch\\':\\'amd64\\',"
	    "\\'os_name\\':\\'linux\\'}',"
	    "'timestamp':1745136000}}]}",
	    b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVSY, .format = "devpod-insert",
	    .phase = TT_PHASE_FINISH, .ts = 1745136000000000LL,
	    .name = "devsy_cli", .client_id = "d5e6", .command = "devsy up",
	    .version = "v0.9.0", .os = "linux", .arch = "amd64");
	tt_batch_clear(b);

	DECODE_OK(TT_ROUTE_DEVPOD_INSERT,
	    "{'event':{'type':'devsy_cli','machine_id':'3ed2c7ee',"
	    "'timestamp':1683878643781772,'properties':{"
	    "'command':'devsy provider delete','provider':'kubernetes',"
	    "'source_type':'git:','ide':'vscode','desktop':'true',"
	    "'version':'v0.5.29',"
	    "'error':'provider `docker` does not exist'}},"
	    "'user':{'machine_id':'3ed2c7ee','arch':'amd64','os':'linux'}}",
	    b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVSY, .format = "devpod-insert",
	    .phase = TT_PHASE_FINISH, .ts = 1683878643781772LL,
	    .name = "devsy_cli", .client_id = "3ed2c7ee",
	    .command = "devsy provider delete", .version = "v0.5.29",
	    .error = "provider 'docker' does not exist", .os = "linux",
	    .arch = "amd64");
	tt_batch_clear(b);
}

/* ---- DevPod legacy (formats.md §4.2, seeds 002) ----------------------- */

static const char legacy_finished[] =
    "{'type':'cmdfinished','event':{'timestamp':1701000000123456,"
    "'executionID':'5c0e9a1e-2f4b-4d7e-9a51-6b1f0e2d3c4a',"
    "'command':'devpod up','provider':'docker','success':true,"
    "'processingTime':12345678,'errors':'exit status 1'},"
    "'instanceProperties':{'timestamp':1701000000123456,"
    "'executionID':'5c0e9a1e-2f4b-4d7e-9a51-6b1f0e2d3c4a',"
    "'uid':'3ed2c7ee','arch':'amd64','os':'linux',"
    "'version':{'major':'0','minor':'5','patch':'29','prerelease':'',"
    "'build':''},'flags':{'setFlags':['ide']},'ui':false},"
    "'token':'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJkZXZwb2QifQ.c2ln'}";

/* cmdfinished with every field, cmdstarted with a prerelease. */
static void
test_devpod_legacy(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_DEVPOD_LEGACY, legacy_finished, b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVPOD, .format = "devpod-legacy",
	    .phase = TT_PHASE_FINISH, .ts = 1701000000123456LL,
	    .name = "cmdfinished",
	    .execution_id = "5c0e9a1e-2f4b-4d7e-9a51-6b1f0e2d3c4a",
	    .client_id = "3ed2c7ee", .command = "devpod up",
	    .duration_ms = MS(12345.678), .error = "exit status 1",
	    .version = "v0.5.29", .os = "linux", .arch = "amd64");
	tt_batch_clear(b);

	DECODE_OK(TT_ROUTE_DEVPOD_LEGACY,
	    "{'type':'cmdstarted','event':{'timestamp':1701000000000001,"
	    "'executionID':'e-2','command':'devpod ssh'},"
	    "'instanceProperties':{'timestamp':1701000000000001,"
	    "'executionID':'e-2','uid':'3ed2c7ee','arch':'arm64',"
	    "'os':'darwin','version':{'major':'0','minor':'6','patch':'0',"
	    "'prerelease':'alpha.3','build':''},'ui':true},"
	    "'token':'x.y.z'}",
	    b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVPOD, .format = "devpod-legacy",
	    .phase = TT_PHASE_START, .ts = 1701000000000001LL,
	    .name = "cmdstarted", .execution_id = "e-2",
	    .client_id = "3ed2c7ee", .command = "devpod ssh",
	    .version = "v0.6.0-alpha.3", .os = "darwin", .arch = "arm64");
	tt_batch_clear(b);
}

/* The docs sample of seeds 002: no prerelease key at all. */
static void
test_devpod_legacy_docs(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_DEVPOD_LEGACY,
	    "{'type':'cmdfinished','event':{'timestamp':1683878643781772,"
	    "'executionID':'23736e5083b3d656a0','command':"
	    "'devpod provider delete','provider':'kubernetes',"
	    "'processingTime':71980,"
	    "'errors':'provider `docker` does not exist'},"
	    "'instanceProperties':{'uid':'3ed2c7ee308e6','arch':'amd64',"
	    "'os':'linux','version':{'major':'0','minor':'1','patch':'0'},"
	    "'flags':{'setFlags':['debug']},'ui':false},"
	    "'token':'eyJhbG.coNz80'}",
	    b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVPOD, .format = "devpod-legacy",
	    .phase = TT_PHASE_FINISH, .ts = 1683878643781772LL,
	    .name = "cmdfinished", .execution_id = "23736e5083b3d656a0",
	    .client_id = "3ed2c7ee308e6", .command = "devpod provider delete",
	    .duration_ms = MS(71.98), .error = "provider 'docker' does not exist",
	    .version = "v0.1.0", .os = "linux", .arch = "amd64");
	tt_batch_clear(b);
}

/* The legacy shape is recognised on /v1/events too. */
static void
test_devpod_legacy_on_events(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_EVENTS, legacy_finished, b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVPOD, .format = "devpod-legacy",
	    .phase = TT_PHASE_FINISH, .ts = 1701000000123456LL,
	    .name = "cmdfinished",
	    .execution_id = "5c0e9a1e-2f4b-4d7e-9a51-6b1f0e2d3c4a",
	    .client_id = "3ed2c7ee", .command = "devpod up",
	    .duration_ms = MS(12345.678), .error = "exit status 1",
	    .version = "v0.5.29", .os = "linux", .arch = "amd64");
	tt_batch_clear(b);
}

/* ---- werf / OTLP (formats.md §6) -------------------------------------- */

/* Check the assembled flat JSON of werf's CommandExited. */
static void
check_werf_exited_data(const struct tt_event *ev)
{
	cJSON		*d;
	const cJSON	*ed, *at, *v;

	d = data_of(ev);
	v = cJSON_GetObjectItemCaseSensitive(d, "executionID");
	assert_true(cJSON_IsString(v));
	assert_string_equal(v->valuestring,
	    "2f75d020-684e-4224-9013-35e95e1b7721");
	v = cJSON_GetObjectItemCaseSensitive(d, "eventType");
	assert_true(cJSON_IsString(v));
	assert_string_equal(v->valuestring, "CommandExited");
	v = cJSON_GetObjectItemCaseSensitive(d, "command");
	assert_true(cJSON_IsString(v));
	assert_string_equal(v->valuestring, "werf converge");
	ed = cJSON_GetObjectItemCaseSensitive(d, "eventData");
	assert_true(cJSON_IsObject(ed));
	v = cJSON_GetObjectItemCaseSensitive(ed, "exitCode");
	assert_true(cJSON_IsNumber(v));
	assert_int_equal(v->valueint, 1);
	v = cJSON_GetObjectItemCaseSensitive(ed, "durationMs");
	assert_true(cJSON_IsNumber(v));
	assert_int_equal(v->valueint, 10827);
	at = cJSON_GetObjectItemCaseSensitive(d, "attributes");
	assert_true(cJSON_IsObject(at));
	v = cJSON_GetObjectItemCaseSensitive(at, "os");
	assert_true(cJSON_IsString(v));
	assert_string_equal(v->valuestring, "darwin");
	v = cJSON_GetObjectItemCaseSensitive(at, "extra");
	assert_true(cJSON_IsObject(v));
	cJSON_Delete(d);
}

/* werf's spans and plain spans in protobuf, with unknown fields. */
static void
test_otlp_protobuf(void **state)
{
	struct tt_batch	*b = *state;
	struct pb	 req = { 0 };
	char		*cause;
	size_t		 i;
	int		 rc;

	otlp_request(&req, 1, NULL);
	rc = decode_raw(TT_ROUTE_OTLP_TRACES, req.p, req.len, 1, 0, RECV_AT,
	    b, &cause);
	pb_free(&req);
	if (rc != 0)
		print_error("cause: %s\n", cause ? cause : "(none)");
	assert_int_equal(rc, 0);
	assert_null(cause);
	assert_int_equal(b->rejected, 0);
	assert_int_equal(b->n, 5);
	for (i = 0; i < b->n; i++)
		assert_int_equal(check_invariants(&b->ev[i]), 0);

	EXPECT(&b->ev[0], .source = TT_SRC_WERF, .format = "otlp-protobuf",
	    .phase = TT_PHASE_START, .ts = 1658231825280000LL,
	    .name = "CommandStarted",
	    .execution_id = "2f75d020-684e-4224-9013-35e95e1b7721",
	    .client_id = "9f2c1d53a1b0e7c4", .command = "werf converge",
	    .version = "2.35.0", .os = "linux", .arch = "amd64");
	EXPECT(&b->ev[1], .source = TT_SRC_WERF, .format = "otlp-protobuf",
	    .phase = TT_PHASE_FINISH, .ts = 1658231836102000LL,
	    .name = "CommandExited",
	    .execution_id = "2f75d020-684e-4224-9013-35e95e1b7721",
	    .command = "werf converge", .duration_ms = MS(10827),
	    .exit_code = I64(1), .version = "2.35.0", .os = "darwin",
	    .arch = "arm64");
	check_werf_exited_data(&b->ev[1]);
	EXPECT(&b->ev[2], .source = TT_SRC_WERF, .format = "otlp-protobuf",
	    .phase = TT_PHASE_POINT, .ts = 1658231830000123LL,
	    .name = "UnshallowFailed",
	    .execution_id = "2f75d020-684e-4224-9013-35e95e1b7721",
	    .client_id = "9f2c1d53a1b0e7c4", .command = "werf converge",
	    .error = "shallow fetch failed", .version = "2.35.0",
	    .os = "linux", .arch = "amd64");
	EXPECT(&b->ev[3], .source = TT_SRC_GENERIC, .format = "otlp-protobuf",
	    .phase = TT_PHASE_POINT, .ts = 1736850000000000LL,
	    .name = "GET /healthz",
	    .execution_id = "5b8e8e8e8e8e8e8e8e8e8e8e8e8e8ec6",
	    .duration_ms = MS(1500), .error = "boom");
	EXPECT(&b->ev[4], .source = TT_SRC_GENERIC, .format = "otlp-protobuf",
	    .phase = TT_PHASE_POINT, .ts = 1736850002000000LL,
	    .name = "db.query",
	    .execution_id = "5bababababababababababababababc6",
	    .duration_ms = MS(250));
	tt_batch_clear(b);
}

/* OTLP/JSON: intValue as a string and as a number, hex ids. */
static void
test_otlp_json(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_OTLP_TRACES,
	    "{'resourceSpans':[{'resource':{'attributes':["
	    "{'key':'service.name','value':{'stringValue':"
	    "'unknown_service:werf'}}]},"
	    "'scopeSpans':[{'scope':{'name':'telemetry.werf.io'},'spans':["
	    "{'traceId':'101112131415161718191a1b1c1d1e1f',"
	    "'spanId':'1011121314151617','name':'telemetry.werf.io',"
	    "'kind':1,'startTimeUnixNano':'1658231825280000000',"
	    "'endTimeUnixNano':'1658231825280000500','attributes':["
	    "{'key':'ts','value':{'intValue':'1658231825280'}},"
	    "{'key':'executionID','value':{'stringValue':"
	    "'2f75d020-684e-4224-9013-35e95e1b7721'}},"
	    "{'key':'userID','value':{'stringValue':'9f2c1d53a1b0e7c4'}},"
	    "{'key':'projectID','value':{'stringValue':'b4c2d019'}},"
	    "{'key':'command','value':{'stringValue':'werf converge'}},"
	    "{'key':'eventType','value':{'stringValue':'CommandStarted'}},"
	    "{'key':'eventData','value':{'stringValue':"
	    "'{\\'commandOptions\\':[]}'}},"
	    "{'key':'attributes','value':{'stringValue':'{\\'arch\\':"
	    "\\'amd64\\',\\'os\\':\\'linux\\',\\'version\\':\\'2.35.0\\'}'}},"
	    "{'key':'schemaVersion','value':{'intValue':'2'}},"
	    "{'key':'x.bool','value':{'boolValue':true}},"
	    "{'key':'x.array','value':{'arrayValue':{'values':["
	    "{'stringValue':'a'}]}}}],'status':{}},"
	    "{'traceId':'202122232425262728292a2b2c2d2e2f',"
	    "'spanId':'2021222324252627',"
	    "'name':'telemetry.werf.io','kind':1,"
	    "'startTimeUnixNano':'1658231836102000000',"
	    "'endTimeUnixNano':'1658231836102000700','attributes':["
	    "{'key':'ts','value':{'intValue':1658231836102}},"
	    "{'key':'executionID','value':{'stringValue':"
	    "'2f75d020-684e-4224-9013-35e95e1b7721'}},"
	    "{'key':'userID','value':{'stringValue':''}},"
	    "{'key':'command','value':{'stringValue':'werf converge'}},"
	    "{'key':'eventType','value':{'stringValue':'CommandExited'}},"
	    "{'key':'eventData','value':{'stringValue':"
	    "'{\\'exitCode\\':1,\\'durationMs\\':10827}'}},"
	    "{'key':'attributes','value':{'stringValue':'{\\'arch\\':"
	    "\\'arm64\\',\\'os\\':\\'darwin\\',\\'version\\':\\'2.35.0\\',"
	    "\\'extra\\':{}}'}},"
	    "{'key':'schemaVersion','value':{'intValue':2}}]}]}]},"
	    "{'resource':{},'scopeSpans':[{'scope':{'name':'my.lib'},'spans':["
	    "{'traceId':'5b8efff798038103d269b633813fc60c',"
	    "'spanId':'eee19b7ec3c1b174','name':'GET /healthz','kind':2,"
	    "'startTimeUnixNano':'1736850000000000000',"
	    "'endTimeUnixNano':'1736850001500000000',"
	    "'attributes':[],'status':{'code':2,'message':'boom'}}]}]}]}",
	    b, 3);
	EXPECT(&b->ev[0], .source = TT_SRC_WERF, .format = "otlp-json",
	    .phase = TT_PHASE_START, .ts = 1658231825280000LL,
	    .name = "CommandStarted",
	    .execution_id = "2f75d020-684e-4224-9013-35e95e1b7721",
	    .client_id = "9f2c1d53a1b0e7c4", .command = "werf converge",
	    .version = "2.35.0", .os = "linux", .arch = "amd64");
	EXPECT(&b->ev[1], .source = TT_SRC_WERF, .format = "otlp-json",
	    .phase = TT_PHASE_FINISH, .ts = 1658231836102000LL,
	    .name = "CommandExited",
	    .execution_id = "2f75d020-684e-4224-9013-35e95e1b7721",
	    .command = "werf converge", .duration_ms = MS(10827),
	    .exit_code = I64(1), .version = "2.35.0", .os = "darwin",
	    .arch = "arm64");
	check_werf_exited_data(&b->ev[1]);
	EXPECT(&b->ev[2], .source = TT_SRC_GENERIC, .format = "otlp-json",
	    .phase = TT_PHASE_POINT, .ts = 1736850000000000LL,
	    .name = "GET /healthz",
	    .execution_id = "5b8efff798038103d269b633813fc60c",
	    .duration_ms = MS(1500), .error = "boom");
	tt_batch_clear(b);
}

/*
 * Span times past 2^64 ns as JSON numbers saturate as strings do (found by
 * tests/fuzz/fuzz_decode: converting 1e30 to uint64 was undefined, UBSan).
 */
static void
test_otlp_json_huge_nanos(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_OTLP_TRACES,
	    "{'resourceSpans':[{'scopeSpans':[{'spans':["
	    "{'name':'a','startTimeUnixNano':1e30,'endTimeUnixNano':2e30},"
	    "{'name':'b','startTimeUnixNano':'99999999999999999999999',"
	    "'endTimeUnixNano':1.8446744073709552e19},"
	    "{'name':'c','startTimeUnixNano':1e18,'endTimeUnixNano':-5}"
	    "]}]}]}", b, 3);
	/* out of range: the arrival time, no duration (notes: see below) */
	assert_i64(b->ev[0].ts, RECV_AT);
	assert_i64(b->ev[0].duration_ms, TT_NONE);
	assert_i64(b->ev[1].ts, RECV_AT);
	assert_i64(b->ev[1].duration_ms, TT_NONE);
	assert_i64(b->ev[2].ts, 1000000000000000LL);
	assert_i64(b->ev[2].duration_ms, TT_NONE);
}

/* OTLP/JSON trace ids in upper case come out in lower case. */
static void
test_otlp_json_trace_case(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_OTLP_TRACES,
	    "{'resourceSpans':[{'scopeSpans':[{'spans':["
	    "{'traceId':'5B8EFFF798038103D269B633813FC60C',"
	    "'spanId':'EEE19B7EC3C1B174','name':'job',"
	    "'startTimeUnixNano':'1736850000000000000',"
	    "'endTimeUnixNano':'1736850000002000000'}]}]}]}",
	    b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_GENERIC, .format = "otlp-json",
	    .ts = 1736850000000000LL, .name = "job",
	    .execution_id = "5b8efff798038103d269b633813fc60c",
	    .duration_ms = MS(2));
	tt_batch_clear(b);
}

/*
 * Regression (fuzz_ingest): a trace id of non-hex text was cut at 32 bytes
 * inside a UTF-8 character, and read back repaired.
 */
static void
test_otlp_json_trace_utf8_cut(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_OTLP_TRACES,
	    "{'resourceSpans':[{'scopeSpans':[{'spans':["
	    "{'traceId':'5B8EFFF798038103D269B633AAAA\u20ac\u20ac',"
	    "'name':'job'}]}]}]}", b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_GENERIC, .format = "otlp-json",
	    .ts = RECV_AT, .name = "job",
	    .execution_id = "5b8efff798038103d269b633aaaa"
	    "\xe2\x82\xac");
	tt_batch_clear(b);
}

/* werf's documented flat JSON (seeds 004). */
static void
test_werf_flat_json(void **state)
{
	struct tt_batch	*b = *state;
	cJSON		*d;
	const cJSON	*v;

	DECODE_OK(TT_ROUTE_OTLP_TRACES,
	    "{'ts':1658231825280,"
	    "'executionID':'2f75d020-684e-4224-9013-35e95e1b7721',"
	    "'projectID':"
	    "'b4c2d019070529344a6967d8c73d57810"
	    "1c6554fcdcae3d00bb93a9692523cb1',"
	    "'command':'werf converge','attributes':{'arch':'amd64',"
	    "'os':'linux','version':'dev','CI':true,'ciName':'gitlab'},"
	    "'eventType':'CommandStarted','eventData':{'commandOptions':["
	    "{'name':'repo','asCli':false,'asEnv':false,'count':0}]},"
	    "'schemaVersion':1}",
	    b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_WERF, .format = "werf-json",
	    .phase = TT_PHASE_START, .ts = 1658231825280000LL,
	    .name = "CommandStarted",
	    .execution_id = "2f75d020-684e-4224-9013-35e95e1b7721",
	    .command = "werf converge", .version = "dev", .os = "linux",
	    .arch = "amd64");
	tt_batch_clear(b);

	DECODE_OK(TT_ROUTE_OTLP_TRACES,
	    "{'ts':1658231836102,"
	    "'executionID':'2f75d020-684e-4224-9013-35e95e1b7721',"
	    "'userID':'','projectID':'b4c2d019','command':'werf converge',"
	    "'attributes':{'arch':'amd64','os':'linux','version':'dev',"
	    "'ci':true,'ciName':'gitlab'},'eventType':'CommandExited',"
	    "'eventData':{'exitCode':0,'durationMs':10827},"
	    "'schemaVersion':1}",
	    b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_WERF, .format = "werf-json",
	    .phase = TT_PHASE_FINISH, .ts = 1658231836102000LL,
	    .name = "CommandExited",
	    .execution_id = "2f75d020-684e-4224-9013-35e95e1b7721",
	    .command = "werf converge", .duration_ms = MS(10827),
	    .exit_code = I64(0), .version = "dev", .os = "linux",
	    .arch = "amd64");
	d = data_of(&b->ev[0]);
	v = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(d, "eventData"), "durationMs");
	assert_true(cJSON_IsNumber(v));
	assert_int_equal(v->valueint, 10827);
	cJSON_Delete(d);
	tt_batch_clear(b);
}

/* ---- Generic (/v1/events) --------------------------------------------- */

/* One object with every field. */
static void
test_generic_full(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_EVENTS,
	    "{'name':'deploy','client_id':'c-1','ts':1736850000123,"
	    "'command':'deploy prod','duration_ms':1500,'exit_code':2,"
	    "'error':'boom','version':'1.2.3','os':'linux','arch':'arm64',"
	    "'phase':'finish','execution_id':'x-1','source':'werf',"
	    "'extra':{'k':[1,2,3]}}",
	    b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_WERF, .format = "generic",
	    .phase = TT_PHASE_FINISH, .ts = 1736850000123000LL,
	    .name = "deploy", .client_id = "c-1", .execution_id = "x-1",
	    .command = "deploy prod", .duration_ms = MS(1500),
	    .exit_code = I64(2), .error = "boom", .version = "1.2.3",
	    .os = "linux", .arch = "arm64");
	tt_batch_clear(b);
}

/* The other spellings, and precedence name > event > type. */
static void
test_generic_aliases(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_EVENTS,
	    "[{'event':'build','user_id':'u-2',"
	    "'timestamp':'2026-01-05T12:00:00+05:30','durationMs':250,"
	    "'exitCode':0,'executionID':'x-2','phase':'start',"
	    "'source':'nonsense'},"
	    "{'type':'sync','uid':'u-3','time':1736850000},"
	    "{'name':'n','event':'e','type':'t','ts':1736850000123456,"
	    "'source':'devpod'},"
	    "{'name':'nano','ts':1736850000123456000,'phase':'point',"
	    "'source':'posthog'}]",
	    b, 4);
	EXPECT(&b->ev[0], .source = TT_SRC_GENERIC, .format = "generic",
	    .phase = TT_PHASE_START, .ts = 1767594600000000LL,
	    .name = "build", .client_id = "u-2", .execution_id = "x-2",
	    .duration_ms = MS(250), .exit_code = I64(0));
	EXPECT(&b->ev[1], .source = TT_SRC_GENERIC, .format = "generic",
	    .ts = 1736850000000000LL, .name = "sync", .client_id = "u-3");
	EXPECT(&b->ev[2], .source = TT_SRC_DEVPOD, .format = "generic",
	    .ts = 1736850000123456LL, .name = "n");
	EXPECT(&b->ev[3], .source = TT_SRC_POSTHOG, .format = "generic",
	    .ts = 1736850000123456LL, .name = "nano");
	tt_batch_clear(b);
}

/* NDJSON: one object a line, blank lines and a final newline. */
static void
test_generic_ndjson(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_EVENTS,
	    "{'name':'a','client_id':'c','ts':1736850000,'phase':'start',"
	    "'execution_id':'e'}\n"
	    "{'name':'b','client_id':'c','ts':1736850001,'phase':'finish',"
	    "'execution_id':'e','exit_code':1}\n"
	    "\n"
	    "{'name':'c','distinct_id':'d'}\n",
	    b, 3);
	EXPECT(&b->ev[0], .source = TT_SRC_GENERIC, .format = "generic",
	    .phase = TT_PHASE_START, .ts = 1736850000000000LL, .name = "a",
	    .client_id = "c", .execution_id = "e");
	EXPECT(&b->ev[1], .source = TT_SRC_GENERIC, .format = "generic",
	    .phase = TT_PHASE_FINISH, .ts = 1736850001000000LL, .name = "b",
	    .client_id = "c", .execution_id = "e", .exit_code = I64(1));
	EXPECT(&b->ev[2], .source = TT_SRC_GENERIC, .format = "generic",
	    .ts = RECV_AT, .name = "c", .client_id = "d");
	tt_batch_clear(b);
}

/*
 * Generic objects that merely carry a field named like another format's
 * envelope ("data", "batch", or "type" beside an "event" object) are not
 * that format: each is one generic event.
 */
static void
test_generic_lookalikes(void **state)
{
	static const char	*bodies[] = {
		"{'name':'upload','client_id':'c','data':[1,2,3]}",
		"{'name':'import','client_id':'c','batch':[{'id':1}]}",
		"{'type':'deploy','client_id':'c','event':{'env':'prod'}}",
	};
	static const char	*names[] = { "upload", "import", "deploy" };
	struct tt_batch		*b = *state;
	char			*cause;
	size_t			 i;
	int			 rc, bad = 0;

	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		rc = decode_q(TT_ROUTE_EVENTS, bodies[i], 0, b, &cause);
		if (rc != 0 || b->n != 1 || b->rejected != 0 ||
		    b->ev[0].name == NULL ||
		    strcmp(b->ev[0].name, names[i]) != 0 ||
		    strcmp(b->ev[0].format, "generic") != 0 ||
		    b->ev[0].source != TT_SRC_GENERIC ||
		    b->ev[0].client_id == NULL ||
		    strcmp(b->ev[0].client_id, "c") != 0) {
			print_error("%s: rc %d, %zu events, %zu rejected "
			    "(%s); first: name %s format %s source %s\n",
			    bodies[i], rc, b->n, b->rejected,
			    b->first_error ? b->first_error : "-",
			    b->n && b->ev[0].name ? b->ev[0].name : "-",
			    b->n ? b->ev[0].format : "-",
			    b->n ? tt_source_name(b->ev[0].source) : "-");
			bad++;
		}
		free(cause);
		tt_batch_clear(b);
	}
	assert_int_equal(bad, 0);
}

/* A batch of 10000 items: all of them, in order. */
static void
test_many_items(void **state)
{
	struct tt_batch	*b = *state;
	char		*body, *cause, name[16];
	size_t		 i, len = 0, cap = 10000 * 64 + 64;
	int		 rc;

	body = malloc(cap);
	assert_non_null(body);
	len += (size_t)snprintf(body + len, cap - len,
	    "{\"api_key\":\"k\",\"batch\":[");
	for (i = 0; i < 10000; i++)
		len += (size_t)snprintf(body + len, cap - len,
		    "%s{\"event\":\"e%zu\",\"distinct_id\":\"d\"}",
		    i ? "," : "", i);
	len += (size_t)snprintf(body + len, cap - len, "]}");
	rc = decode_raw(TT_ROUTE_POSTHOG, body, len, 0, 0, RECV_AT, b,
	    &cause);
	free(body);
	free(cause);
	assert_int_equal(rc, 0);
	assert_int_equal(b->n, 10000);
	assert_int_equal(b->rejected, 0);
	for (i = 0; i < 10000; i += 997) {
		snprintf(name, sizeof name, "e%zu", i);
		assert_str(b->ev[i].name, name);
	}
}

/* An item timestamp that is no time falls back to sent_at. */
static void
test_bad_item_timestamp(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_POSTHOG,
	    "{'api_key':'k','batch':[{'event':'a','distinct_id':'d',"
	    "'timestamp':'yesterday'},{'event':'b','distinct_id':'d',"
	    "'timestamp':true}],'sent_at':'2026-01-05T12:00:00Z'}",
	    b, 2);
	EXPECT(&b->ev[0], .source = TT_SRC_POSTHOG, .format = "posthog-batch",
	    .ts = 1767614400000000LL, .name = "a", .client_id = "d");
	EXPECT(&b->ev[1], .source = TT_SRC_POSTHOG, .format = "posthog-batch",
	    .ts = 1767614400000000LL, .name = "b", .client_id = "d");
}

/* received_at is now when opts.received_at is 0. */
static void
test_received_now(void **state)
{
	struct tt_batch	*b = *state;
	const char	 body[] = "{\"name\":\"x\"}";
	char		*cause;
	int64_t		 before, after;

	before = tt_now_us();
	assert_int_equal(decode_raw(TT_ROUTE_EVENTS, body, strlen(body), 0,
	    0, 0, b, &cause), 0);
	after = tt_now_us();
	assert_int_equal(b->n, 1);
	assert_true(b->ev[0].received_at >= before);
	assert_true(b->ev[0].received_at <= after);
	tt_batch_clear(b);
}

/* ---- Bad input -------------------------------------------------------- */

/* Every proper prefix of a JSON body is malformed. */
static void
test_truncated_json(void **state)
{
	static const struct {
		enum tt_route	 route;
		const char	*tmpl;
	} bodies[] = {
		{ TT_ROUTE_POSTHOG, "{'api_key':'k','batch':[{'event':'e',"
		    "'distinct_id':'d','properties':{'a':[1,2.5e3,true,null]},"
		    "'timestamp':'2026-01-05T12:00:00Z'}],"
		    "'sent_at':'2026-01-05T12:00:00Z'}" },
		{ TT_ROUTE_POSTHOG, "[{'event':'e','properties':"
		    "{'distinct_id':'d'}}]" },
		{ TT_ROUTE_POSTHOG_V1, "{'created_at':'2026-01-05T12:00:00Z',"
		    "'batch':[{'event':'e','distinct_id':'d'}]}" },
		{ TT_ROUTE_DEVPOD_INSERT, "{'data':[{'event':{'type':"
		    "'devpod_cli','properties':'{\\'command\\':\\'up\\'}',"
		    "'timestamp':1736850000},'user':{'machine_id':'m'}}]}" },
		{ TT_ROUTE_DEVPOD_LEGACY, "{'type':'cmdstarted','event':{"
		    "'timestamp':1701000000000001,'executionID':'e'},"
		    "'instanceProperties':{'uid':'u',"
		    "'version':{'major':'0'}}}" },
		{ TT_ROUTE_OTLP_TRACES, "{'resourceSpans':[{'scopeSpans':[{"
		    "'spans':[{'traceId':'5b8efff798038103d269b633813fc60c',"
		    "'name':'s','startTimeUnixNano':'1736850000000000000',"
		    "'endTimeUnixNano':'1736850000000000000'}]}]}]}" },
		{ TT_ROUTE_OTLP_TRACES, "{'ts':1658231825280,'eventType':"
		    "'CommandStarted','eventData':{}}" },
		{ TT_ROUTE_EVENTS, "{'name':'x','ts':1736850000,'error':"
		    "'a \\\\ b \\u00e9'}" },
		/* Pretty-printed: some lines are whole objects. */
		{ TT_ROUTE_POSTHOG, "[\n {'event':'e','properties':"
		    "{'distinct_id':'d'}}\n]" },
		{ TT_ROUTE_DEVPOD_LEGACY, "[\n{'type':'cmdstarted','event':"
		    "{'timestamp':1701000000000001}}\n]" },
	};
	struct tt_batch	*b = *state;
	char		*s, *cause;
	size_t		 i, cut, len;
	int		 rc, bad = 0;

	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		s = q(bodies[i].tmpl);
		len = strlen(s);
		/* The whole body is fine. */
		rc = decode_raw(bodies[i].route, s, len, 0, 0, RECV_AT, b,
		    &cause);
		if (rc != 0 || b->n != 1)
			print_error("body %zu: rc %d, %zu events: %s\n", i, rc,
			    b->n, cause ? cause : "");
		assert_int_equal(rc, 0);
		assert_int_equal(b->n, 1);
		tt_batch_clear(b);
		for (cut = 1; cut < len; cut++) {
			rc = decode_raw(bodies[i].route, s, cut, 0, 0,
			    RECV_AT, b, &cause);
			if (rc != -1 || cause == NULL) {
				print_error("body %zu cut at %zu (%.*s): rc "
				    "%d, %zu events, %zu rejected\n", i, cut,
				    (int)cut, s, rc, b->n, b->rejected);
				bad++;
				cut = len;	/* one report a body */
			}
			free(cause);
			tt_batch_clear(b);
		}
		free(s);
	}
	assert_int_equal(bad, 0);
}

/* An empty body is not JSON; for protobuf it is an empty request. */
static void
test_empty_body(void **state)
{
	static const enum tt_route	 routes[] = {
		TT_ROUTE_EVENTS, TT_ROUTE_POSTHOG, TT_ROUTE_POSTHOG_V1,
		TT_ROUTE_DEVPOD_INSERT, TT_ROUTE_DEVPOD_LEGACY,
		TT_ROUTE_OTLP_TRACES
	};
	struct tt_batch			*b = *state;
	char				*cause;
	size_t				 i;
	int				 rc;

	for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		rc = decode_raw(routes[i], "", 0, 0, 0, RECV_AT, b, &cause);
		if (rc != -1 || cause == NULL) {
			print_error("route %d: rc %d\n", (int)routes[i], rc);
			fail();
		}
		free(cause);
		tt_batch_clear(b);
	}
	rc = decode_raw(TT_ROUTE_OTLP_TRACES, "", 0, 1, 0, RECV_AT, b,
	    &cause);
	assert_int_equal(rc, 0);
	assert_null(cause);
	assert_int_equal(b->n, 0);
	tt_batch_clear(b);
}

/* Bodies of the right syntax but the wrong types. */
static void
test_wrong_types(void **state)
{
	static const struct {
		enum tt_route	 route;
		const char	*tmpl;
	} bodies[] = {
		{ TT_ROUTE_POSTHOG, "{'api_key':'k','batch':5}" },
		{ TT_ROUTE_POSTHOG, "{'api_key':'k','batch':'[]x'}" },
		{ TT_ROUTE_POSTHOG, "{'event':7,'distinct_id':'d'}" },
		{ TT_ROUTE_POSTHOG, "{'event':null,'distinct_id':'d'}" },
		{ TT_ROUTE_POSTHOG, "5" },
		{ TT_ROUTE_POSTHOG, "'batch'" },
		{ TT_ROUTE_POSTHOG_V1, "{'created_at':'x','batch':{}}" },
		{ TT_ROUTE_DEVPOD_INSERT, "{'data':5}" },
		{ TT_ROUTE_DEVPOD_INSERT, "{'data':[{'event':7,'user':{}}]}" },
		{ TT_ROUTE_DEVPOD_INSERT, "{'event':'x','user':3}" },
		{ TT_ROUTE_DEVPOD_LEGACY, "{'type':'cmdfinished','event':7}" },
		{ TT_ROUTE_DEVPOD_LEGACY, "{'type':7,'event':{}}" },
		{ TT_ROUTE_DEVPOD_LEGACY, "[]x" },
		{ TT_ROUTE_OTLP_TRACES, "{'resourceSpans':5}" },
		{ TT_ROUTE_OTLP_TRACES, "{'resourceSpans':[{'scopeSpans':"
		    "[{'spans':[5]}]}]}" },
		{ TT_ROUTE_OTLP_TRACES, "{'resourceSpans':[5]}" },
		{ TT_ROUTE_OTLP_TRACES,
		    "{'resourceSpans':[{'scopeSpans':5}]}" },
		{ TT_ROUTE_OTLP_TRACES, "{'resourceSpans':[{'scopeSpans':"
		    "[{'spans':'x'}]}]}" },
		{ TT_ROUTE_EVENTS, "5" },
		{ TT_ROUTE_EVENTS, "null" },
		{ TT_ROUTE_EVENTS, "'name'" },
		{ TT_ROUTE_EVENTS, "[1,'a',null,[]]" },
	};
	struct tt_batch	*b = *state;
	char		*cause;
	size_t		 i;
	int		 rc, bad = 0;

	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		rc = decode_q(bodies[i].route, bodies[i].tmpl, 0, b, &cause);
		if (b->n != 0 || !((rc == -1 && cause != NULL) ||
		    (rc == 0 && b->rejected > 0 && b->first_error != NULL))) {
			print_error("route %d body %zu (%s): rc %d, %zu "
			    "events, %zu rejected, first event \"%s\" "
			    "source %s\n",
			    (int)bodies[i].route, i, bodies[i].tmpl, rc, b->n,
			    b->rejected, b->n > 0 && b->ev[0].name ?
			    b->ev[0].name : "-", b->n > 0 ?
			    tt_source_name(b->ev[0].source) : "-");
			bad++;
		}
		free(cause);
		tt_batch_clear(b);
	}
	assert_int_equal(bad, 0);
}

/* Items that are not objects are counted, the others decoded. */
static void
test_mixed_items(void **state)
{
	struct tt_batch	*b = *state;
	char		*cause;
	int		 rc;

	rc = decode_q(TT_ROUTE_POSTHOG,
	    "{'api_key':'k','batch':[{'event':'a','distinct_id':'d'},5,"
	    "'str',null,{'event':'b','distinct_id':'d'},[]]}",
	    0, b, &cause);
	assert_int_equal(rc, 0);
	assert_null(cause);
	assert_int_equal(b->n, 2);
	assert_int_equal(b->rejected, 4);
	assert_non_null(b->first_error);
	assert_str(b->ev[0].name, "a");
	assert_str(b->ev[1].name, "b");
	tt_batch_clear(b);

	rc = decode_q(TT_ROUTE_POSTHOG,
	    "[{'event':'a','properties':{'distinct_id':'d'}},true]",
	    0, b, &cause);
	assert_int_equal(rc, 0);
	assert_int_equal(b->n, 1);
	assert_int_equal(b->rejected, 1);
	assert_non_null(b->first_error);
	assert_str(b->ev[0].format, "posthog-array");
	tt_batch_clear(b);

	rc = decode_q(TT_ROUTE_EVENTS, "[{'name':'a'},3,{'name':'b'}]",
	    0, b, &cause);
	assert_int_equal(rc, 0);
	assert_int_equal(b->n, 2);
	assert_int_equal(b->rejected, 1);
	assert_non_null(b->first_error);
	tt_batch_clear(b);

	rc = decode_q(TT_ROUTE_DEVPOD_INSERT,
	    "{'data':[{'event':{'type':'devpod_cli','machine_id':'m',"
	    "'timestamp':1736850000},'user':{}},'x']}",
	    0, b, &cause);
	assert_int_equal(rc, 0);
	assert_int_equal(b->n, 1);
	assert_int_equal(b->rejected, 1);
	assert_non_null(b->first_error);
	assert_str(b->ev[0].name, "devpod_cli");
	tt_batch_clear(b);
}

/* A batch item whose event name is not a string is refused alone. */
static void
test_bad_item_type(void **state)
{
	struct tt_batch	*b = *state;
	char		*cause;
	int		 rc;

	rc = decode_q(TT_ROUTE_POSTHOG,
	    "{'api_key':'k','batch':[{'event':7,'distinct_id':'d'},"
	    "{'event':'ok','distinct_id':'d'}]}",
	    0, b, &cause);
	assert_int_equal(rc, 0);
	assert_null(cause);
	if (b->n != 1 || b->rejected != 1) {
		print_error("%zu events (first \"%s\"), %zu rejected\n", b->n,
		    b->n && b->ev[0].name ? b->ev[0].name : "-", b->rejected);
		fail();
	}
	assert_str(b->ev[0].name, "ok");
	assert_non_null(b->first_error);
	tt_batch_clear(b);
}

/* Items larger than event_max are refused; their neighbours are not. */
static void
test_huge_item(void **state)
{
	struct tt_batch	*b = *state;
	char		*body, *cause;
	size_t		 big, len;
	int		 rc;

	/* A small limit. */
	body = malloc(4096);
	assert_non_null(body);
	len = (size_t)snprintf(body, 4096,
	    "{\"api_key\":\"k\",\"batch\":[{\"event\":\"small\","
	    "\"distinct_id\":\"d\"},{\"event\":\"big\",\"distinct_id\":\"d\","
	    "\"properties\":{\"blob\":\"%0*d\"}}]}", 2000, 0);
	rc = decode_raw(TT_ROUTE_POSTHOG, body, len, 0, 512, RECV_AT, b,
	    &cause);
	assert_int_equal(rc, 0);
	assert_int_equal(b->n, 1);
	assert_str(b->ev[0].name, "small");
	assert_int_equal(b->rejected, 1);
	assert_non_null(b->first_error);
	tt_batch_clear(b);

	len = (size_t)snprintf(body, 4096,
	    "{\"name\":\"a\"}\n{\"name\":\"big\",\"x\":\"%0*d\"}\n"
	    "{\"name\":\"c\"}\n", 2000, 0);
	rc = decode_raw(TT_ROUTE_EVENTS, body, len, 0, 512, RECV_AT, b,
	    &cause);
	assert_int_equal(rc, 0);
	assert_int_equal(b->n, 2);
	assert_int_equal(b->rejected, 1);
	tt_batch_clear(b);

	/* A single object over the limit is refused one way or the other. */
	len = (size_t)snprintf(body, 4096,
	    "{\"event\":\"big\",\"distinct_id\":\"d\",\"properties\":"
	    "{\"blob\":\"%0*d\"}}", 2000, 0);
	rc = decode_raw(TT_ROUTE_POSTHOG, body, len, 0, 512, RECV_AT, b,
	    &cause);
	assert_refused(rc, b, cause);
	free(cause);
	tt_batch_clear(b);
	free(body);

	/* The default limit, TT_EVENT_MAX. */
	big = TT_EVENT_MAX + 1024;
	body = malloc(big + 256);
	assert_non_null(body);
	len = (size_t)sprintf(body, "{\"api_key\":\"k\",\"batch\":["
	    "{\"event\":\"small\",\"distinct_id\":\"d\"},{\"event\":\"big\","
	    "\"distinct_id\":\"d\",\"properties\":{\"blob\":\"");
	memset(body + len, 'a', big);
	len += big;
	len += (size_t)sprintf(body + len, "\"}}]}");
	rc = decode_raw(TT_ROUTE_POSTHOG, body, len, 0, 0, RECV_AT, b,
	    &cause);
	assert_int_equal(rc, 0);
	assert_int_equal(b->n, 1);
	assert_str(b->ev[0].name, "small");
	assert_int_equal(b->rejected, 1);
	tt_batch_clear(b);
	free(body);
}

/* levels nested objects {"name":"deep","x":{"x":...}}; caller frees. */
static char *
deep_object(int levels)
{
	char	*s, *p;
	int	 i;

	s = malloc((size_t)levels * 8 + 64);
	assert_non_null(s);
	p = s + sprintf(s, "{\"name\":\"deep\",\"x\":");
	for (i = 2; i < levels; i++)
		p += sprintf(p, "{\"x\":");
	p += sprintf(p, "{}");
	for (i = 1; i < levels; i++)
		*p++ = '}';
	*p = '\0';
	return s;
}

/* Nesting beyond TT_JSON_DEPTH is refused whole; below it is fine. */
static void
test_deep_nesting(void **state)
{
	struct tt_batch	*b = *state;
	char		*s, *cause;
	int		 rc, i, j;

	s = deep_object(TT_JSON_DEPTH - 1);
	rc = decode_raw(TT_ROUTE_EVENTS, s, strlen(s), 0, 0, RECV_AT, b,
	    &cause);
	free(s);
	if (rc != 0)
		print_error("depth %d refused: %s\n", TT_JSON_DEPTH - 1,
		    cause ? cause : "");
	assert_int_equal(rc, 0);
	assert_int_equal(b->n, 1);
	tt_batch_clear(b);

	s = deep_object(TT_JSON_DEPTH + 2);
	rc = decode_raw(TT_ROUTE_EVENTS, s, strlen(s), 0, 0, RECV_AT, b,
	    &cause);
	free(s);
	assert_malformed(rc, cause);
	free(cause);
	tt_batch_clear(b);

	s = deep_object(100000);
	rc = decode_raw(TT_ROUTE_EVENTS, s, strlen(s), 0, 0, RECV_AT, b,
	    &cause);
	free(s);
	assert_malformed(rc, cause);
	free(cause);
	tt_batch_clear(b);

	/* Deep inside PostHog properties. */
	s = malloc(64 + 200 * 6);
	assert_non_null(s);
	i = sprintf(s, "{\"api_key\":\"k\",\"batch\":[{\"event\":\"e\","
	    "\"properties\":");
	for (j = 0; j < 200; j++)
		i += sprintf(s + i, "[");
	for (j = 0; j < 200; j++)
		i += sprintf(s + i, "]");
	i += sprintf(s + i, "}]}");
	rc = decode_raw(TT_ROUTE_POSTHOG, s, (size_t)i, 0, 0, RECV_AT, b,
	    &cause);
	free(s);
	assert_malformed(rc, cause);
	free(cause);
	tt_batch_clear(b);
}

/* Every cut inside the first ResourceSpans is malformed protobuf. */
static void
test_truncated_protobuf(void **state)
{
	struct tt_batch	*b = *state;
	struct pb	 req = { 0 };
	char		*cause;
	size_t		 cut, end;
	int		 rc, bad = 0;

	otlp_request(&req, 0, &end);
	assert_true(end > 100);
	for (cut = 1; cut < end; cut++) {
		rc = decode_raw(TT_ROUTE_OTLP_TRACES, req.p, cut, 1, 0,
		    RECV_AT, b, &cause);
		if (rc != -1 || cause == NULL) {
			print_error("cut at %zu of %zu: rc %d, %zu events\n",
			    cut, end, rc, b->n);
			bad++;
		}
		free(cause);
		tt_batch_clear(b);
	}
	/* The whole thing decodes. */
	rc = decode_raw(TT_ROUTE_OTLP_TRACES, req.p, req.len, 1, 0, RECV_AT,
	    b, &cause);
	pb_free(&req);
	free(cause);
	assert_int_equal(bad, 0);
	assert_int_equal(rc, 0);
	assert_int_equal(b->n, 3);
}

/* The size of varint v. */
static size_t
varint_len(uint64_t v)
{
	size_t	n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/*
 * A werf span whose extra attribute is an AnyValue of arrays nested
 * levels deep: valid protobuf that must not make the decoder recurse
 * without bound.  Built outside-in from precomputed lengths.
 */
static void
deep_any_request(struct pb *req, size_t levels)
{
	struct pb	 deep = { 0 }, kv = { 0 }, span = { 0 }, ss = { 0 };
	struct pb	 rs = { 0 };
	size_t		*av, *arr, i;

	av = calloc(levels + 1, sizeof *av);
	arr = calloc(levels + 1, sizeof *arr);
	assert_non_null(av);
	assert_non_null(arr);
	av[levels] = 3;				/* {1: "x"} */
	for (i = levels; i-- > 0;) {
		arr[i] = 1 + varint_len(av[i + 1]) + av[i + 1];
		av[i] = 1 + varint_len(arr[i]) + arr[i];
	}
	for (i = 0; i < levels; i++) {
		pb_key(&deep, 5, 2);		/* AnyValue.array_value */
		pb_varint(&deep, arr[i]);
		pb_key(&deep, 1, 2);		/* ArrayValue.values */
		pb_varint(&deep, av[i + 1]);
	}
	pb_string(&deep, 1, "x");
	assert_int_equal(deep.len, av[0]);
	free(av);
	free(arr);

	pb_string(&kv, 1, "x.deep");
	pb_sub(&kv, 2, &deep);
	pb_string(&span, 5, "telemetry.werf.io");
	pb_fixed64(&span, 7, 1658231825280000000ULL);
	kv_int(&span, 9, "ts", 1658231825280LL);
	kv_string(&span, 9, "executionID", "x-deep");
	kv_string(&span, 9, "eventType", "CommandStarted");
	pb_sub(&span, 9, &kv);
	pb_sub(&ss, 2, &span);
	pb_sub(&rs, 2, &ss);
	pb_sub(req, 1, &rs);
}

/* Deeply nested AnyValues decode (bounded), they do not crash. */
static void
test_deep_protobuf(void **state)
{
	struct tt_batch	*b = *state;
	struct pb	 req = { 0 };
	char		*cause;
	int		 rc;

	deep_any_request(&req, 100000);
	rc = decode_raw(TT_ROUTE_OTLP_TRACES, req.p, req.len, 1, 0, RECV_AT,
	    b, &cause);
	pb_free(&req);
	if (rc != 0)
		print_error("rc %d: %s\n", rc, cause ? cause : "");
	free(cause);
	assert_int_equal(rc, 0);
	assert_int_equal(b->n, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_WERF, .format = "otlp-protobuf",
	    .phase = TT_PHASE_START, .ts = 1658231825280000LL,
	    .name = "CommandStarted", .execution_id = "x-deep");
}

/* Bytes that are no protobuf at all. */
static void
test_bad_protobuf(void **state)
{
	static const struct {
		const char	*bytes;
		size_t		 len;
	} bodies[] = {
		/* Length varint of 10 bytes, far beyond the body. */
		{ "\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11 },
		/* A varint that never ends. */
		{ "\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 12 },
		/* Wire type 7 does not exist. */
		{ "\x0f\x00", 2 },
		/* Field number 0. */
		{ "\x02\x00", 2 },
		/* A nested length past its parent's end. */
		{ "\x0a\x04\x12\x10\x0a\x00", 6 },
		/* A JSON body sent as protobuf. */
		{ "{\"resourceSpans\":[]}", 20 },
	};
	struct tt_batch	*b = *state;
	char		*cause;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		rc = decode_raw(TT_ROUTE_OTLP_TRACES, bodies[i].bytes,
		    bodies[i].len, 1, 0, RECV_AT, b, &cause);
		if (rc != -1 || cause == NULL) {
			print_error("body %zu: rc %d, %zu events\n", i, rc,
			    b->n);
			fail();
		}
		free(cause);
		tt_batch_clear(b);
	}
}

/* ---- Out-of-range numbers and invalid text (the hardening issue) ---- */

#define R	"\xef\xbf\xbd"		/* U+FFFD */
#define Y2201	7289654400000000LL	/* the first µs out of range */

/* The i-th note of "_teltop".notes in ev->data, or NULL.  Caller frees. */
static char *
note_of(const struct tt_event *ev, int i)
{
	const cJSON	*meta, *n;
	cJSON		*j;
	char		*s = NULL;

	j = data_of(ev);
	meta = cJSON_GetObjectItemCaseSensitive(j, "_teltop");
	n = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(meta, "notes"),
	    i);
	if (cJSON_IsString(n))
		s = dup_str(n->valuestring);
	cJSON_Delete(j);
	return s;
}

/* ev's notes (and no more): each must contain its string. */
static void
expect_notes(const struct tt_event *ev, const char *const *want, int n,
    const char *file, int line)
{
	char	*got;
	int	 i, bad = 0;

	for (i = 0; i <= n; i++) {
		got = note_of(ev, i);
		if (i == n ? got != NULL : got == NULL ||
		    strstr(got, want[i]) == NULL) {
			print_error("note %d: %s, expected %s%s%s\n", i,
			    got ? got : "none", i < n ? "one with \"" : "none",
			    i < n ? want[i] : "", i < n ? "\"" : "");
			bad++;
		}
		free(got);
	}
	if (bad) {
		print_error("data: %.400s\n", ev->data);
		_fail(file, line);
	}
}

#define NOTES(ev, ...) expect_notes((ev),				\
	(const char *const[]){ __VA_ARGS__ },				\
	(int)(sizeof (const char *const[]){ __VA_ARGS__ } /		\
	sizeof (const char *)), __FILE__, __LINE__)
#define NO_NOTES(ev) expect_notes((ev), NULL, 0, __FILE__, __LINE__)

/*
 * A generic ts out of range or no time at all: the event is kept with
 * received_at and a note naming the member and the value; the limits of
 * the years 1970-2200 on both sides, in s, ms, µs and as strings.  Before,
 * 1e300 and a 23-digit string were stored as INT64_MIN.
 */
static void
test_range_generic_ts(void **state)
{
	static const struct {
		const char	*ts;		/* JSON text */
		int64_t		 want;		/* 0: received_at, noted */
		const char	*note;
	} c[] = {
		{ "1e300", 0, "ts 1e+300 is out of range (years 1970\u2013"
		    "2200)" },
		{ "-1e300", 0, "out of range" },
		{ "'12345678901234567890123'", 0,
		    "ts \"12345678901234567890123\" is out of range" },
		{ "-5", 0, "ts -5 is out of range" },
		{ "'-1736850000'", 0, "out of range" },
		{ "'NaN'", 0, "ts \"NaN\" is not a time" },
		{ "'Infinity'", 0, "is not a time" },
		{ "'-Infinity'", 0, "is not a time" },
		{ "'99999-01-01T00:00:00Z'", 0, "is not a time" },
		{ "'+275760-09-13T00:00:00Z'", 0, "is not a time" },
		{ "'2201-01-01T00:00:00Z'", 0, "out of range" },
		{ "'1969-12-31T23:59:59Z'", 0, "out of range" },
		{ "'9999-12-31T23:59:59Z'", 0, "out of range" },
		{ "7289654400", 0, "out of range" },		/* s */
		{ "7289654400000000", 0, "out of range" },	/* µs */
		{ "9223372036854775807", 0, "out of range" },	/* ns */
		{ "'9223372036854775808'", 0, "out of range" },
		{ "true", 0, "ts true is not a time" },
		{ "{}", 0, "ts {} is not a time" },
		{ "'2200-12-31T23:59:59.999999Z'", Y2201 - 1, NULL },
		{ "'1970-01-01T00:00:00.000001Z'", 1, NULL },
		{ "7289654399", Y2201 - 1000000, NULL },
		{ "7289654399999", Y2201 - 1000, NULL },
		{ "7289654399999999", Y2201 - 1, NULL },
		{ "7289654399999998000", Y2201 - 2, NULL },
		{ "0", RECV_AT, NULL },		/* unset, as senders mean it */
		{ "null", RECV_AT, NULL },
		{ "''", RECV_AT, NULL },
	};
	struct tt_batch	*b = *state;
	char		 tmpl[160];
	size_t		 i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		snprintf(tmpl, sizeof tmpl, "{'name':'r%zu','ts':%s}", i,
		    c[i].ts);
		DECODE_OK(TT_ROUTE_EVENTS, tmpl, b, 1);
		if (b->ev[0].ts != (c[i].want != 0 ? c[i].want : RECV_AT))
			print_error("case %zu, ts %s\n", i, c[i].ts);
		EXPECT(&b->ev[0], .source = TT_SRC_GENERIC, .format = "generic",
		    .name = b->ev[0].name,
		    .ts = c[i].want != 0 ? c[i].want : RECV_AT);
		if (c[i].note != NULL)
			NOTES(&b->ev[0], c[i].note);
		else
			NO_NOTES(&b->ev[0]);
		tt_batch_clear(b);
	}
}

/* A bad spelling is noted and the next good one used. */
static void
test_range_generic_fallbacks(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_EVENTS, "{'name':'f','ts':1e300,"
	    "'timestamp':'2026-01-05T12:00:00Z','duration_ms':1e300,"
	    "'durationMs':250,'exit_code':'x','exitCode':3}", b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_GENERIC, .format = "generic",
	    .name = "f",
	    .ts = 1767614400000000LL, .duration_ms = MS(250),
	    .exit_code = I64(3));
	NOTES(&b->ev[0],
	    "duration_ms 1e+300 is out of range (0 to 9007199254740991)",
	    "exit_code \"x\" is not a number", "ts 1e+300 is out of range");
	tt_batch_clear(b);
}

/*
 * Durations and exit codes from the wire: what does not fit (1e300,
 * 23 digits, past 2^53 that JSON readers hold exactly, negative
 * durations, NaN) is unknown and noted, never a sentinel or wrapped.
 */
static void
test_range_generic_ints(void **state)
{
	static const struct {
		const char	*dur, *exit;
		double		 want_dur;		/* TT_NONE: noted */
		int64_t		 want_exit;		/* TT_NONE: noted */
	} c[] = {
		{ "1e300", "-1e300", TT_NONE, TT_NONE },
		{ "'12345678901234567890123'", "'-9223372036854775808'",
		    TT_NONE, TT_NONE },
		{ "9223372036854775807", "9223372036854775807", TT_NONE,
		    TT_NONE },
		{ "9007199254740992", "-9007199254740992", TT_NONE, TT_NONE },
		{ "-1", "'NaN'", TT_NONE, TT_NONE },
		{ "'Infinity'", "[]", TT_NONE, TT_NONE },
		{ "9007199254740991", "-9007199254740991", 9007199254740991LL,
		    -9007199254740991LL },
		{ "0", "0", 0, 0 },
		{ "'1500'", "'-2'", 1500, -2 },
		/* a duration keeps its fraction */
		{ "1.5", "1", 1.5, 1 },
		{ "'12345.678'", "0", 12345.678, 0 },
	};
	struct tt_batch	*b = *state;
	char		 tmpl[200];
	size_t		 i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		snprintf(tmpl, sizeof tmpl, "{'name':'i%zu','ts':1736850000,"
		    "'duration_ms':%s,'exit_code':%s}", i, c[i].dur,
		    c[i].exit);
		DECODE_OK(TT_ROUTE_EVENTS, tmpl, b, 1);
		if (b->ev[0].duration_ms != c[i].want_dur ||
		    b->ev[0].exit_code != c[i].want_exit)
			print_error("case %zu: duration %s exit %s\n", i,
			    c[i].dur, c[i].exit);
		EXPECT(&b->ev[0], .source = TT_SRC_GENERIC, .format = "generic",
		    .name = b->ev[0].name,
		    .ts = 1736850000000000LL,
		    .duration_ms = c[i].want_dur == TT_NONE ? NULL :
		    MS(c[i].want_dur),
		    .exit_code = c[i].want_exit == TT_NONE ? NULL :
		    I64(c[i].want_exit));
		if (c[i].want_dur == TT_NONE && c[i].want_exit == TT_NONE)
			NOTES(&b->ev[0], "duration_ms", "exit_code");
		else
			NO_NOTES(&b->ev[0]);
		tt_batch_clear(b);
	}
}

/*
 * PostHog: a timestamp out of range falls back to sent_at (a good one) or
 * received_at, each bad member noted; durations in properties too.
 */
static void
test_range_posthog(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_POSTHOG, "{'api_key':'k','batch':["
	    "{'event':'a','distinct_id':'d','timestamp':1e300},"
	    "{'event':'b','distinct_id':'d',"
	    "'timestamp':'12345678901234567890123'},"
	    "{'event':'c','distinct_id':'d','timestamp':'-0001-01-01T00:00Z'},"
	    "{'event':'d','distinct_id':'d','properties':{'durationMs':1e300,"
	    "'exitCode':1e19}}],"
	    "'sent_at':'2026-01-05T12:00:00Z'}", b, 4);
	EXPECT(&b->ev[0], .source = TT_SRC_POSTHOG, .format = "posthog-batch",
	    .ts = 1767614400000000LL, .name = "a", .client_id = "d");
	NOTES(&b->ev[0], "timestamp 1e+300 is out of range");
	EXPECT(&b->ev[1], .source = TT_SRC_POSTHOG, .format = "posthog-batch",
	    .ts = 1767614400000000LL, .name = "b", .client_id = "d");
	NOTES(&b->ev[1], "timestamp \"12345678901234567890123\" is out of "
	    "range");
	EXPECT(&b->ev[2], .source = TT_SRC_POSTHOG, .format = "posthog-batch",
	    .ts = 1767614400000000LL, .name = "c", .client_id = "d");
	NOTES(&b->ev[2], "is not a time");
	EXPECT(&b->ev[3], .source = TT_SRC_POSTHOG, .format = "posthog-batch",
	    .ts = 1767614400000000LL, .name = "d", .client_id = "d");
	NOTES(&b->ev[3], "durationMs 1e+300 is out of range",
	    "exitCode 1e+19 is out of range");
	tt_batch_clear(b);

	/* sent_at out of range too: received_at, both noted. */
	DECODE_OK(TT_ROUTE_POSTHOG, "{'api_key':'k','batch':["
	    "{'event':'a','distinct_id':'d','timestamp':'NaN'},"
	    "{'event':'b','distinct_id':'d'}],'sent_at':1e300}", b, 2);
	EXPECT(&b->ev[0], .source = TT_SRC_POSTHOG, .format = "posthog-batch",
	    .ts = RECV_AT, .name = "a", .client_id = "d");
	NOTES(&b->ev[0], "timestamp \"NaN\" is not a time",
	    "sent_at 1e+300 is out of range");
	EXPECT(&b->ev[1], .source = TT_SRC_POSTHOG, .format = "posthog-batch",
	    .ts = RECV_AT, .name = "b", .client_id = "d");
	NOTES(&b->ev[1], "sent_at 1e+300 is out of range");
	tt_batch_clear(b);

	/* A bad spelling is noted, the next good one used. */
	DECODE_OK(TT_ROUTE_POSTHOG, "{'event':'a','distinct_id':'d',"
	    "'properties':{'duration_ms':'slow','durationMs':5}}", b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_POSTHOG, .format = "posthog-event",
	    .ts = RECV_AT, .name = "a", .client_id = "d",
	    .duration_ms = MS(5));
	NOTES(&b->ev[0], "duration_ms \"slow\" is not a number");
	tt_batch_clear(b);

	/* A bad sent_at, a good created_at: the good one. */
	DECODE_OK(TT_ROUTE_POSTHOG_V1, "{'sent_at':'x','created_at':"
	    "'2026-01-05T12:00:00Z','batch':[{'event':'a','distinct_id':'d'}]}",
	    b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_POSTHOG, .format = "posthog-v1",
	    .ts = 1767614400000000LL, .name = "a", .client_id = "d");
	NO_NOTES(&b->ev[0]);
	tt_batch_clear(b);

	/* posthog-js single events and arrays: received_at. */
	DECODE_OK(TT_ROUTE_POSTHOG, "[{'event':'a','properties':"
	    "{'distinct_id':'d'},'timestamp':-1}]", b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_POSTHOG, .format = "posthog-array",
	    .ts = RECV_AT, .name = "a", .client_id = "d");
	NOTES(&b->ev[0], "timestamp -1 is out of range");
	tt_batch_clear(b);
}

/* DevPod/Devsy: s in insert bodies, µs in legacy ones; processingTime. */
static void
test_range_devpod(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_DEVPOD_INSERT, "{'data':["
	    "{'event':{'type':'devpod_cli','timestamp':1e300},"
	    "'user':{'machine_id':'m','timestamp':1736850000}},"
	    "{'event':{'type':'devsy_cli','timestamp':7289654400},"
	    "'user':{'machine_id':'m','timestamp':'1e300'}}]}", b, 2);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVPOD, .format = "devpod-insert",
	    .phase = TT_PHASE_FINISH, .ts = 1736850000000000LL,
	    .name = "devpod_cli", .client_id = "m");
	NOTES(&b->ev[0], "timestamp 1e+300 is out of range");
	EXPECT(&b->ev[1], .source = TT_SRC_DEVSY, .format = "devpod-insert",
	    .phase = TT_PHASE_FINISH, .ts = RECV_AT, .name = "devsy_cli",
	    .client_id = "m");
	NOTES(&b->ev[1], "timestamp 7289654400 is out of range",
	    "timestamp \"1e300\" is not a time");
	tt_batch_clear(b);

	DECODE_OK(TT_ROUTE_DEVPOD_LEGACY, "{'type':'cmdfinished','event':{"
	    "'timestamp':1e300,'executionID':'e','processingTime':1e300},"
	    "'instanceProperties':{'uid':'u'}}", b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVPOD, .format = "devpod-legacy",
	    .phase = TT_PHASE_FINISH, .ts = RECV_AT, .name = "cmdfinished",
	    .execution_id = "e", .client_id = "u");
	NOTES(&b->ev[0], "timestamp 1e+300 is out of range",
	    "processingTime 1e+300 is out of range");
	tt_batch_clear(b);

	DECODE_OK(TT_ROUTE_DEVPOD_LEGACY, "{'type':'cmdstarted','event':{"
	    "'timestamp':'99999999999999999999999','executionID':'e'},"
	    "'instanceProperties':{'uid':'u',"
	    "'timestamp':1701000000000001}}", b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVPOD, .format = "devpod-legacy",
	    .phase = TT_PHASE_START, .ts = 1701000000000001LL,
	    .name = "cmdstarted", .execution_id = "e", .client_id = "u");
	NOTES(&b->ev[0], "out of range");
	tt_batch_clear(b);
}

/* werf flat JSON and OTLP/JSON spans: ms ts, ns start times. */
static void
test_range_werf_otlp_json(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_OTLP_TRACES, "{'ts':1e300,'eventType':"
	    "'CommandExited','executionID':'x','eventData':"
	    "{'durationMs':1e300,'exitCode':'99999999999999999999999'}}", b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_WERF, .format = "werf-json",
	    .phase = TT_PHASE_FINISH, .ts = RECV_AT, .name = "CommandExited",
	    .execution_id = "x");
	NOTES(&b->ev[0], "ts 1e+300 is out of range",
	    "durationMs 1e+300 is out of range",
	    "exitCode \"99999999999999999999999\" is out of range");
	tt_batch_clear(b);

	DECODE_OK(TT_ROUTE_OTLP_TRACES, "{'resourceSpans':[{'scopeSpans':[{"
	    "'spans':[{'name':'big','startTimeUnixNano':"
	    "'99999999999999999999999','endTimeUnixNano':'-1'},"
	    "{'name':'num','startTimeUnixNano':1e300,"
	    "'endTimeUnixNano':1e300},"
	    "{'name':'edge','startTimeUnixNano':'7289654399999999999',"
	    "'endTimeUnixNano':'7289654400000000000'},"
	    "{'name':'ok','startTimeUnixNano':'1736850000000000000',"
	    "'endTimeUnixNano':'1736850001500000000'}]}]}]}", b, 4);
	EXPECT(&b->ev[0], .source = TT_SRC_GENERIC, .format = "otlp-json",
	    .ts = RECV_AT,
	    .name = "big");
	NOTES(&b->ev[0], "startTimeUnixNano \"99999999999999999999999\" is "
	    "out of range", "endTimeUnixNano \"-1\" is not a time");
	EXPECT(&b->ev[1], .source = TT_SRC_GENERIC, .format = "otlp-json",
	    .ts = RECV_AT,
	    .name = "num");
	NOTES(&b->ev[1], "startTimeUnixNano 1e+300 is out of range",
	    "endTimeUnixNano 1e+300 is out of range");
	EXPECT(&b->ev[2], .source = TT_SRC_GENERIC, .format = "otlp-json",
	    .ts = Y2201 - 1,
	    .name = "edge");
	NOTES(&b->ev[2], "endTimeUnixNano \"7289654400000000000\" is out of "
	    "range");
	EXPECT(&b->ev[3], .source = TT_SRC_GENERIC, .format = "otlp-json",
	    .ts = 1736850000000000LL,
	    .name = "ok", .duration_ms = MS(1500));
	NO_NOTES(&b->ev[3]);
	tt_batch_clear(b);
}

/* OTLP protobuf: a start past 2200 (up to 2^64 - 1 ns) and werf's ts. */
static void
test_range_otlp_protobuf(void **state)
{
	static const struct werf_ev	 w = {
		"CommandExited", 0, "exec-1", "user-1", "werf converge",
		"{\"exitCode\":1e300,\"durationMs\":-5}", "{}",
		UINT64_MAX, UINT64_MAX
	};
	struct tt_batch			*b = *state;
	struct pb			 req = { 0 }, rs = { 0 }, ss = { 0 };
	char				*cause;
	int				 rc;

	werf_span(&ss, &w, 0x40);
	plain_span(&ss, "late", 0x11, 7289654400000000000ULL,
	    7289654400000000000ULL + 2000000, 0, NULL);
	plain_span(&ss, "edge", 0x12, 7289654399999999000ULL,
	    7289654399999999000ULL, 0, NULL);
	pb_sub(&rs, 2, &ss);
	pb_sub(&req, 1, &rs);
	rc = decode_raw(TT_ROUTE_OTLP_TRACES, req.p, req.len, 1, 0, RECV_AT,
	    b, &cause);
	pb_free(&req);
	assert_int_equal(rc, 0);
	assert_int_equal(b->n, 3);
	EXPECT(&b->ev[0], .source = TT_SRC_WERF, .format = "otlp-protobuf",
	    .phase = TT_PHASE_FINISH, .ts = RECV_AT, .name = "CommandExited",
	    .execution_id = "exec-1", .client_id = "user-1",
	    .command = "werf converge");
	NOTES(&b->ev[0], "startTimeUnixNano 18446744073709551615 is out of "
	    "range", "endTimeUnixNano 18446744073709551615 is out of range",
	    "durationMs -5 is out of range", "exitCode 1e+300 is out of range");
	EXPECT(&b->ev[1], .source = TT_SRC_GENERIC, .format = "otlp-protobuf",
	    .ts = RECV_AT,
	    .name = "late", .execution_id = b->ev[1].execution_id);
	NOTES(&b->ev[1], "startTimeUnixNano 7289654400000000000 is out of "
	    "range", "endTimeUnixNano");
	EXPECT(&b->ev[2], .source = TT_SRC_GENERIC, .format = "otlp-protobuf",
	    .ts = Y2201 - 1,
	    .name = "edge", .execution_id = b->ev[2].execution_id,
	    .duration_ms = MS(0));
	NO_NOTES(&b->ev[2]);
	tt_batch_clear(b);
}

/*
 * Invalid UTF-8 in every format: the normalized fields and data are valid
 * (check_invariants), each bad sequence one U+FFFD.  Before, the bytes
 * went through as they came.
 */
static void
test_utf8_fields(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_EVENTS, "{'name':'bad\xff\xfe','client_id':"
	    "'c\xc0\xaf','command':'x\xed\xa0\x80y','error':'e\xf8\x88\x80"
	    "\x80\x80','version':'v\xe2\x82','os':'o\xf4\x90\x80\x80',"
	    "'arch':'\x80','execution_id':'caf\xc3\xa9','k\xff':1}", b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_GENERIC, .format = "generic",
	    .name = "bad" R R,
	    .client_id = "c" R R, .command = "x" R R R "y",
	    .error = "e" R R R R R, .version = "v" R, .os = "o" R R R R,
	    .arch = R, .execution_id = "caf\xc3\xa9", .ts = RECV_AT);
	assert_non_null(strstr(b->ev[0].data, "\"k" R "\":1"));
	tt_batch_clear(b);

	DECODE_OK(TT_ROUTE_POSTHOG, "{'api_key':'k','batch':[{'event':"
	    "'ev\xff','distinct_id':'d\xfe','properties':{'command':'c\xc3',"
	    "'properties':'{\\'os\\':\\'o\xff\\'}'}}]}", b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_POSTHOG, .format = "posthog-batch",
	    .name = "ev" R, .client_id = "d" R, .command = "c" R, .os = "o" R,
	    .ts = RECV_AT);
	tt_batch_clear(b);

	/* JSON inside JSON strings (DevPod properties): repaired too. */
	DECODE_OK(TT_ROUTE_DEVPOD_INSERT, "{'data':[{'event':{'type':"
	    "'devpod_cli','properties':'{\\'command\\':\\'up\xff\\'}',"
	    "'timestamp':1736850000},'user':{'machine_id':'m\xff'}}]}", b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVPOD, .format = "devpod-insert",
	    .phase = TT_PHASE_FINISH, .ts = 1736850000000000LL,
	    .name = "devpod_cli", .client_id = "m" R, .command = "up" R);
	tt_batch_clear(b);
}

/*
 * \u0000 does not cut a string: it reads as U+FFFD (so "a\u0000b" is 3
 * characters), at any depth of JSON in strings; "\\u0000" is a backslash
 * and "u0000"; lone surrogates, which cJSON refused, are U+FFFD too.
 */
static void
test_nul_escapes(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_EVENTS, "{'name':'a\\u0000b','command':"
	    "'x\\\\u0000y','error':'\\u0000','os':'\\\\\\u0000'}", b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_GENERIC, .format = "generic",
	    .name = "a" R "b",
	    .command = "x\\u0000y", .error = R, .os = "\\" R, .ts = RECV_AT);
	assert_null(strstr(b->ev[0].data, "\\u0000\""));
	tt_batch_clear(b);

	DECODE_OK(TT_ROUTE_EVENTS, "{'name':'s\\ud800','client_id':"
	    "'\\udc00t','command':'\\ud83d\\ude00'}", b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_GENERIC, .format = "generic",
	    .name = "s" R,
	    .client_id = R "t", .command = "\xf0\x9f\x98\x80", .ts = RECV_AT);
	tt_batch_clear(b);

	/* Level 2: "\\u0000" in the body is \u0000 in the inner JSON. */
	DECODE_OK(TT_ROUTE_DEVPOD_INSERT, "{'data':[{'event':{'type':"
	    "'devpod_cli','properties':'{\\'command\\':\\'up\\\\u0000x\\'}',"
	    "'timestamp':1736850000},'user':{'machine_id':'m\\u0000n'}}]}",
	    b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVPOD, .format = "devpod-insert",
	    .phase = TT_PHASE_FINISH, .ts = 1736850000000000LL,
	    .name = "devpod_cli", .client_id = "m" R "n",
	    .command = "up" R "x");
	tt_batch_clear(b);

	/* NDJSON lines are parsed one by one: the same. */
	DECODE_OK(TT_ROUTE_EVENTS, "{'name':'l1\\u0000'}\n{'name':'l2\xff'}",
	    b, 2);
	EXPECT(&b->ev[0], .source = TT_SRC_GENERIC, .format = "generic",
	    .name = "l1" R, .ts = RECV_AT);
	EXPECT(&b->ev[1], .source = TT_SRC_GENERIC, .format = "generic",
	    .name = "l2" R, .ts = RECV_AT);
	tt_batch_clear(b);
}

/* A raw NUL byte in a body: U+FFFD, and the rest of the string stays. */
static void
test_nul_raw(void **state)
{
	static const char	 body[] =
	    "{\"name\":\"a\0b\",\"os\":\"linux\"}";
	struct tt_batch		*b = *state;
	char			*cause;
	int			 rc;

	rc = decode_raw(TT_ROUTE_EVENTS, body, sizeof body - 1, 0, 0, RECV_AT,
	    b, &cause);
	if (rc != 0)
		print_error("cause: %s\n", cause);
	assert_int_equal(rc, 0);
	assert_int_equal(b->n, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_GENERIC, .format = "generic",
	    .name = "a" R "b",
	    .os = "linux", .ts = RECV_AT);
	tt_batch_clear(b);
}

/* Control characters: kept in the fields, escaped in data. */
static void
test_controls_in_data(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_EVENTS, "{'name':'a\\u007fb\\u0085c\\u0001d\\n',"
	    "'x':'\x7f\xc2\x9b'}", b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_GENERIC, .format = "generic",
	    .name = "a\x7f" "b\xc2\x85" "c\x01" "d\n", .ts = RECV_AT);
	assert_non_null(strstr(b->ev[0].data, "\\u007f"));
	assert_non_null(strstr(b->ev[0].data, "\\u0085"));
	assert_non_null(strstr(b->ev[0].data, "\"x\":\"\\u007f\\u009b\""));
	tt_batch_clear(b);
}

/* Protobuf strings are not checked by protobuf-c: repaired here. */
static void
test_utf8_protobuf(void **state)
{
	struct tt_batch	*b = *state;
	struct pb	 req = { 0 }, rs = { 0 }, ss = { 0 }, res = { 0 };
	struct pb	 scope = { 0 };
	char		*cause;
	int		 rc;

	kv_string(&res, 1, "service.version", "1.\xff");
	kv_string(&res, 1, "os.type", "li\xc0\x80nux");
	pb_sub(&rs, 1, &res);
	pb_string(&scope, 1, "lib\xfe");
	pb_sub(&ss, 1, &scope);
	plain_span(&ss, "GET \xff\xfe", 0x21, 1736850000000000000ULL,
	    1736850001000000000ULL, 2, "bo\xedom");
	pb_sub(&rs, 2, &ss);
	pb_sub(&req, 1, &rs);
	rc = decode_raw(TT_ROUTE_OTLP_TRACES, req.p, req.len, 1, 0, RECV_AT,
	    b, &cause);
	pb_free(&req);
	assert_int_equal(rc, 0);
	assert_int_equal(b->n, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_GENERIC, .format = "otlp-protobuf",
	    .ts = 1736850000000000LL,
	    .name = "GET " R R, .execution_id = b->ev[0].execution_id,
	    .duration_ms = MS(1000), .error = "bo" R "om",
	    .version = "1." R, .os = "li" R R "nux");
	assert_non_null(strstr(b->ev[0].data, "lib" R));
	tt_batch_clear(b);
}

#define IN_BODY	0	/* expect_data(): data is the body's bytes */
#define PRINTED	1	/* expect_data(): data is printed */

/*
 * Decode body on route; event i's data must be want, and data_off must be
 * where want is in the body (IN_BODY) or TT_NOT_IN_BODY (PRINTED).
 */
static void
expect_data(enum tt_route route, const char *body, size_t i,
    const char *want, int printed)
{
	struct tt_batch	 b;
	const char	*at = strstr(body, want);
	char		*cause;
	size_t		 want_off;

	assert_true(printed || at != NULL);
	want_off = printed ? TT_NOT_IN_BODY : (size_t)(at - body);

	assert_int_equal(decode_raw(route, body, strlen(body), 0, 0, RECV_AT,
	    &b, &cause), IN_BODY);
	assert_true(i < b.n);
	assert_str(b.ev[i].data, want);
	assert_int_equal(b.ev[i].data_len, strlen(want));
	if (b.ev[i].data_off != want_off)
		print_error("data_off %zu, expected %zu\n", b.ev[i].data_off,
		    want_off);
	assert_true(b.ev[i].data_off == want_off);
	if (want_off != TT_NOT_IN_BODY)
		assert_memory_equal(body + want_off, want, strlen(want));
	tt_batch_clear(&b);
}

/* data is the bytes the event came in, wherever they are usable so. */
static void
test_data_bytes(void **state)
{
	static const char	 legacy[] = "{\"type\":\"cmdfinished\","
				     "\"event\":{\"timestamp\":1.683878643e15,"
				     "\"processingTime\":17477},\"x\":1.50}";
	static const char	 ph[] = "{\"api_key\":\"k\",\"batch\":["
				     "{\"event\":\"a\",\"properties\":"
				     "{\"n\":12345678901234567890}} , {\"event\":"
				     "\"b\",\"properties\":{\"s\":\"\\u00e9\"}}]}";
	static const char	 dp[] = "{\"data\":[{\"event\":{\"type\":"
				     "\"devpod_cli\",\"properties\":"
				     "\"{\\\"command\\\":\\\"up\\\"}\"},\"user\":"
				     "{}}]}";
	char			 item[256];

	(void)state;
	/* A one-event body, whitespace around it: the body, trimmed. */
	expect_data(TT_ROUTE_EVENTS, " \n{\"name\":\"a\",\"n\":1.0} \r\n",
	    0, "{\"name\":\"a\",\"n\":1.0}", IN_BODY);
	expect_data(TT_ROUTE_DEVPOD_LEGACY, legacy, 0, legacy, IN_BODY);
	/* Array items, spaces between tokens kept; numbers as sent. */
	expect_data(TT_ROUTE_EVENTS, "[{\"name\":\"a\"}, { \"name\" : "
	    "\"b\" , \"v\":-0.5e+3 }]", 1,
	    "{ \"name\" : \"b\" , \"v\":-0.5e+3 }", IN_BODY);
	expect_data(TT_ROUTE_POSTHOG, ph, 0, "{\"event\":\"a\","
	    "\"properties\":{\"n\":12345678901234567890}}", IN_BODY);
	expect_data(TT_ROUTE_POSTHOG, ph, 1, "{\"event\":\"b\","
	    "\"properties\":{\"s\":\"\\u00e9\"}}", IN_BODY);
	/* Envelopes found by shape on /v1/events, inside an array. */
	snprintf(item, sizeof item, "[%s]", ph);
	expect_data(TT_ROUTE_EVENTS, item, 1, "{\"event\":\"b\","
	    "\"properties\":{\"s\":\"\\u00e9\"}}", IN_BODY);
	/* JSON in strings stays a string, as DevPod sent it. */
	expect_data(TT_ROUTE_DEVPOD_INSERT, dp, 0, "{\"event\":{\"type\":"
	    "\"devpod_cli\",\"properties\":\"{\\\"command\\\":"
	    "\\\"up\\\"}\"},\"user\":{}}", IN_BODY);
	/* NDJSON: offsets into the whole body. */
	expect_data(TT_ROUTE_EVENTS, "{\"name\":\"a\"}\n{\"name\":\"b\"}\n",
	    1, "{\"name\":\"b\"}", IN_BODY);

	/* Bytes data must not hold as sent: printed instead. */
	expect_data(TT_ROUTE_EVENTS, "{\n\t\"name\": \"a\"\n}", 0,
	    "{\"name\":\"a\"}", PRINTED);
	expect_data(TT_ROUTE_EVENTS, "[{\"name\":\"a\",\"n\":01},"
	    "{\"name\":\"b\",\"n\":1.}]", 1, "{\"name\":\"b\",\"n\":1}",
	    PRINTED);
	expect_data(TT_ROUTE_EVENTS, "[{\"name\":\"a\",\"n\":-.5},"
	    "{\"name\":\"b\"}]", 0, "{\"name\":\"a\",\"n\":-0.5}",
	    PRINTED);
	/* ... but only the item that holds them. */
	expect_data(TT_ROUTE_EVENTS, "[{\"name\":\"a\",\"n\":01},"
	    "{\"name\":\"b\"}]", 1, "{\"name\":\"b\"}", IN_BODY);
	expect_data(TT_ROUTE_EVENTS, "[{\"name\":\"a\",\"c\":\"\x7f\"},"
	    "{\"name\":\"b\"}]", 0, "{\"name\":\"a\",\"c\":\"\\u007f\"}",
	    PRINTED);
	expect_data(TT_ROUTE_EVENTS, "[{\"name\":\"a\",\"c\":\"\xc2\x85\"},"
	    "{\"name\":\"b\"}]", 1, "{\"name\":\"b\"}", IN_BODY);
	/* A body that needed repair is printed whole. */
	expect_data(TT_ROUTE_EVENTS, "[{\"name\":\"a\\u0000\"},"
	    "{\"name\":\"b\"}]", 1, "{\"name\":\"b\"}", PRINTED);
	/* A note rewrites data: no longer the body's bytes. */
	expect_data(TT_ROUTE_EVENTS, "{\"name\":\"a\",\"ts\":\"soon\"}", 0,
	    "{\"name\":\"a\",\"ts\":\"soon\",\"_teltop\":{\"notes\":"
	    "[\"ts \\\"soon\\\" is not a time, ignored\"]}}",
	    PRINTED);
}

/* The size limit counts the bytes as sent. */
static void
test_data_bytes_limit(void **state)
{
	static const char	 body[] = "[{\"name\":\"a\",    \"pad\":1},"
				     "{\"name\":\"b\",\"pad\":1}]";
	struct tt_batch		*b = *state;
	char			*cause;

	/* 24 bytes as sent (20 as cJSON prints them), then 20 */
	assert_int_equal(decode_raw(TT_ROUTE_EVENTS, body, sizeof body - 1, 0,
	    20, RECV_AT, b, &cause), 0);
	assert_int_equal(b->n, 1);
	assert_int_equal(b->rejected, 1);
	assert_int_equal(b->oversized, 1);
	assert_str(b->ev[0].name, "b");
	tt_batch_clear(b);
}

/* Durations keep the precision they were sent with, in every format. */
static void
test_duration_fractions(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_POSTHOG, "{'api_key':'k','batch':[{'event':'e',"
	    "'distinct_id':'d','properties':{'durationMs':12.5}}]}", b, 1);
	assert_true(b->ev[0].duration_ms == 12.5);
	tt_batch_clear(b);
	DECODE_OK(TT_ROUTE_EVENTS, "{'eventType':'CommandExited',"
	    "'executionID':'x','eventData':'{\\'durationMs\\':0.25}'}", b, 1);
	assert_true(b->ev[0].duration_ms == 0.25);
	tt_batch_clear(b);
	/* a span: ns apart */
	DECODE_OK(TT_ROUTE_OTLP_TRACES, "{'resourceSpans':[{'scopeSpans':[{"
	    "'spans':[{'name':'s','startTimeUnixNano':'1736850000000000000',"
	    "'endTimeUnixNano':'1736850000001234567'}]}]}]}", b, 1);
	assert_true(b->ev[0].duration_ms == 1.234567);
	tt_batch_clear(b);
	/* DevPod legacy: µs */
	DECODE_OK(TT_ROUTE_DEVPOD_LEGACY, "{'type':'cmdfinished','event':"
	    "{'executionID':'x','processingTime':1}}", b, 1);
	assert_true(b->ev[0].duration_ms == 0.001);
	tt_batch_clear(b);
}

/* More JSON values than TT_VALUES_MAX: refused before cJSON builds them. */
static void
test_too_many_values(void **state)
{
	struct tt_batch	*b = *state;
	size_t		 n = TT_VALUES_MAX + 2, len = 2 * n + 1, i;
	char		*body, *cause;

	body = malloc(len);
	assert_non_null(body);
	body[0] = '[';
	for (i = 0; i < n; i++) {
		body[1 + 2 * i] = '0';
		body[2 + 2 * i] = i + 1 < n ? ',' : ']';
	}
	assert_int_equal(decode_raw(TT_ROUTE_EVENTS, body, len, 0, 0, RECV_AT,
	    b, &cause), TT_DECODE_TOO_LARGE);
	assert_non_null(strstr(cause, "JSON values"));
	free(cause);
	free(body);
	tt_batch_clear(b);
}

/* Each format's table of member names is sorted, and finds each name. */
static void
test_field_tables(void **state)
{
	const struct json_names	*const *t;
	const cJSON		*slot[64];
	cJSON			*o;
	size_t			 i;

	(void)state;
	for (t = fmt_tables; *t != NULL; t++) {
		assert_true((*t)->n > 0 && (*t)->n <= 64);
		for (i = 0; i < (*t)->n; i++) {
			if (i > 0 && strcmp((*t)->v[i - 1], (*t)->v[i]) >= 0)
				fail_msg("%s: \"%s\" before \"%s\"",
				    (*t)->what, (*t)->v[i - 1], (*t)->v[i]);
			assert_int_equal(json_name_find(*t, (*t)->v[i]),
			    (int)i);
		}
		assert_int_equal(json_name_find(*t, ""), -1);
		assert_int_equal(json_name_find(*t, "\x7f"), -1);
	}
	/* The first member of a name wins, as cJSON's look-up finds it. */
	o = cJSON_Parse("{\"event\":\"a\",\"x\":1,\"event\":\"b\"}");
	json_fields(o, &fmt_posthog_names, slot);
	assert_string_equal(slot[json_name_find(&fmt_posthog_names,
	    "event")]->valuestring, "a");
	cJSON_Delete(o);
	/* Not an object: nothing. */
	o = cJSON_Parse("[{\"event\":\"a\"}]");
	json_fields(o, &fmt_posthog_names, slot);
	for (i = 0; i < fmt_posthog_names.n; i++)
		assert_null(slot[i]);
	cJSON_Delete(o);
}

/* Each test decodes into a batch that is freed even when it fails. */
static int
setup(void **state)
{
	struct tt_batch	*b;

	if ((b = malloc(sizeof *b)) == NULL)
		return -1;
	tt_batch_init(b);
	*state = b;
	return 0;
}

/* Free the test's batch. */
static int
teardown(void **state)
{
	tt_batch_clear(*state);
	free(*state);
	return 0;
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

/* ---- Segment and RudderStack (the tracking API) ---- */

/* @segment/analytics-node 3.1.0's /v1/batch, as recorded. */
static const char segment_batch[] =
    "{'batch':[{'timestamp':'2026-12-01T14:34:04.720Z','integrations':{},"
    "'event':'cli_command','type':'track','properties':{'command':"
    "'werf converge','duration_ms':42},'context':{'library':{'name':"
    "'@segment/analytics-node','version':'3.1.0'}},'userId':'u1',"
    "'messageId':'node-next-1796135644720-2ec2fe2a','_metadata':"
    "{'nodeVersion':'v20.20.2','jsRuntime':'node'}}],'writeKey':'seg_wk',"
    "'sentAt':'2026-12-01T14:34:04.722Z'}";

/* @rudderstack/rudder-sdk-node 3.0.13's, as recorded (after its gzip). */
static const char rudder_batch[] =
    "{'batch':[{'userId':'u1','event':'cli_command','properties':"
    "{'command':'devpod up','exit_code':1,'error':'exit status 1'},"
    "'type':'track','context':{'library':{'name':'analytics-node',"
    "'version':'3.0.13'}},'channel':'server','_metadata':{'nodeVersion':"
    "'20.20.2'},'originalTimestamp':'2026-12-01T14:34:05.092Z',"
    "'messageId':'8409bef2-d5c1-4900-a048-18ed9fbadb7f',"
    "'sentAt':'2026-12-01T14:34:05.092Z'}],"
    "'timestamp':'2026-12-01T14:34:05.092Z',"
    "'sentAt':'2026-12-01T14:34:05.092Z'}";

static void
test_segment_batch(void **state)
{
	struct tt_batch	*b = *state;
	cJSON		*j;

	DECODE_OK(TT_ROUTE_SEGMENT, segment_batch, b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_SEGMENT, .format = "segment-batch",
	    .ts = 1796135644720000LL, .name = "cli_command", .client_id = "u1",
	    .command = "werf converge", .duration_ms = MS(42),
	    .version = "3.1.0");
	/* the message, messageId and properties kept as sent */
	j = data_of(&b->ev[0]);
	assert_str(cJSON_GetObjectItem(j, "messageId")->valuestring,
	    "node-next-1796135644720-2ec2fe2a");
	cJSON_Delete(j);
	tt_batch_clear(b);

	DECODE_OK(TT_ROUTE_SEGMENT, rudder_batch, b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_RUDDERSTACK,
	    .format = "segment-batch", .ts = 1796135645092000LL,
	    .name = "cli_command", .client_id = "u1", .command = "devpod up",
	    .exit_code = I64(1), .error = "exit status 1", .version = "3.0.13");
}

/* One message on /v1/track, /v1/identify, /v1/page, /v1/group, ... */
static void
test_segment_messages(void **state)
{
	struct tt_batch	*b = *state;

	DECODE_OK(TT_ROUTE_SEGMENT, "{'type':'identify','anonymousId':'a-1',"
	    "'traits':{'plan':'pro'},'timestamp':'2026-01-02T00:00:00Z',"
	    "'context':{'library':{'name':'@rudderstack/rudder-sdk-node',"
	    "'version':'2.1.0'},'app':{'version':'1.4.2'},'os':{'name':"
	    "'macOS'}}}", b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_RUDDERSTACK,
	    .format = "segment-message", .ts = 1767312000000000LL,
	    .name = "identify", .client_id = "a-1", .version = "1.4.2",
	    .os = "macOS");
	tt_batch_clear(b);
	/* page and screen by name; group and alias by type; no library */
	DECODE_OK(TT_ROUTE_SEGMENT, "{'batch':[{'type':'page','name':'Home',"
	    "'userId':'u2'},{'type':'screen','userId':'u2'},{'type':'group',"
	    "'groupId':'g1','userId':'u2','anonymousId':'a-2'},{'type':"
	    "'alias','previousId':'a-2','userId':'u2'}],"
	    "'sentAt':'2026-01-03T00:00:00Z'}", b, 4);
	EXPECT(&b->ev[0], .source = TT_SRC_SEGMENT, .format = "segment-batch",
	    .ts = 1767398400000000LL, .name = "Home", .client_id = "u2");
	EXPECT(&b->ev[1], .source = TT_SRC_SEGMENT, .format = "segment-batch",
	    .ts = 1767398400000000LL, .name = "screen", .client_id = "u2");
	EXPECT(&b->ev[2], .source = TT_SRC_SEGMENT, .format = "segment-batch",
	    .ts = 1767398400000000LL, .name = "group", .client_id = "u2");
	EXPECT(&b->ev[3], .source = TT_SRC_SEGMENT, .format = "segment-batch",
	    .ts = 1767398400000000LL, .name = "alias", .client_id = "u2");
	tt_batch_clear(b);
	/* no time at all: when it was received */
	DECODE_OK(TT_ROUTE_SEGMENT, "{'event':'x','userId':'u'}", b, 1);
	EXPECT(&b->ev[0], .source = TT_SRC_SEGMENT,
	    .format = "segment-message", .ts = RECV_AT, .name = "x",
	    .client_id = "u");
}

/* Bad bodies and bad messages; the good messages of a batch still go. */
static void
test_segment_bad(void **state)
{
	struct tt_batch	*b = *state;
	char		*cause;
	int		 rc;

	rc = decode_q(TT_ROUTE_SEGMENT, "{'batch':{'type':'track'}}", 0, b,
	    &cause);
	assert_malformed(rc, cause);
	free(cause);
	tt_batch_clear(b);
	rc = decode_q(TT_ROUTE_SEGMENT, "[{'type':'track','event':'x'}]", 0, b,
	    &cause);
	assert_malformed(rc, cause);
	free(cause);
	tt_batch_clear(b);
	rc = decode_q(TT_ROUTE_SEGMENT, "{'batch':[1,{'type':'nonsense',"
	    "'event':'y'},{'userId':'u'},{'type':'track','event':'ok',"
	    "'timestamp':'yesterday','properties':{'duration_ms':'long'}}]}",
	    0, b, &cause);
	assert_int_equal(rc, 0);
	assert_null(cause);
	assert_int_equal(b->rejected, 3);
	assert_int_equal(b->n, 1);
	/* a bad time and a bad duration are noted, not fatal */
	EXPECT(&b->ev[0], .source = TT_SRC_SEGMENT, .format = "segment-batch",
	    .ts = RECV_AT, .name = "ok");
	assert_non_null(strstr(b->ev[0].data, "_teltop"));
}

/* ---- OTLP logs and metrics ---- */

/* The bits of a double, for fixed64 fields. */
static uint64_t
dbits(double d)
{
	uint64_t	u;

	memcpy(&u, &d, sizeof u);
	return u;
}

/* A Resource with service.name and service.instance.id, as field 1. */
static void
pb_resource(struct pb *b, const char *service)
{
	struct pb	res = { 0 };

	kv_string(&res, 1, "service.name", service);
	kv_string(&res, 1, "service.instance.id", "inst-1");
	kv_string(&res, 1, "service.version", "2.0.1");
	pb_sub(b, 1, &res);
}

/* ExportLogsServiceRequest: an ERROR record with every field, then an
 * INFO one whose name is its body's first line. */
static void
logs_request(struct pb *req, const char *service)
{
	struct pb	rl = { 0 }, sl = { 0 }, scope = { 0 }, lr = { 0 };
	struct pb	body = { 0 };

	pb_resource(&rl, service);
	pb_string(&scope, 1, "it.scope");
	pb_sub(&sl, 1, &scope);
	pb_fixed64(&lr, 1, 1767225601000000000ULL);
	pb_fixed64(&lr, 11, 1767225601500000000ULL);
	pb_uint(&lr, 2, 17);
	pb_string(&lr, 3, "ERROR");
	pb_string(&body, 1, "build failed: exit status 2\nat step 3");
	pb_sub(&lr, 5, &body);
	kv_string(&lr, 6, "command", "werf converge");
	kv_string(&lr, 6, "user.id", "u-7");
	pb_bytes(&lr, 9, "\x5b\x8e\xff\xf7\x98\x03\x81\x03\xd2\x69\xb6\x33"
	    "\x81\x3f\xc6\x0c", 16);
	pb_bytes(&lr, 10, "\xee\xe1\x9b\x7e\xc3\xc1\xb1\x74", 8);
	pb_string(&lr, 12, "build.finished");
	pb_unknown(&lr, 40);
	pb_sub(&sl, 2, &lr);
	pb_uint(&lr, 2, 9);
	pb_string(&body, 1, "cache miss\nfor key x");
	pb_sub(&lr, 5, &body);
	pb_sub(&sl, 2, &lr);
	pb_sub(&rl, 2, &sl);
	pb_sub(req, 1, &rl);
}

static void
test_otlp_logs_protobuf(void **state)
{
	struct tt_batch	*b = *state;
	struct pb	 req = { 0 };
	char		*cause;
	cJSON		*j;
	int		 rc;

	logs_request(&req, "unknown_service:werf");
	rc = decode_raw(TT_ROUTE_OTLP_LOGS, req.p, req.len, 1, 0, RECV_AT, b,
	    &cause);
	assert_int_equal(rc, 0);
	assert_null(cause);
	assert_int_equal(b->n, 2);
	assert_int_equal(check_invariants(&b->ev[0]), 0);
	EXPECT(&b->ev[0], .source = TT_SRC_WERF,
	    .format = "otlp-logs-protobuf", .ts = 1767225601000000LL,
	    .name = "build.finished", .client_id = "u-7",
	    .execution_id = "5b8efff798038103d269b633813fc60c",
	    .command = "werf converge", .error = "build failed: exit status 2",
	    .version = "2.0.1");
	j = data_of(&b->ev[0]);
	assert_str(cJSON_GetObjectItem(j, "severityText")->valuestring,
	    "ERROR");
	assert_i64(b->ev[0].severity, 17);
	assert_i64(b->ev[1].severity, 9);
	assert_str(cJSON_GetObjectItem(j, "spanId")->valuestring,
	    "eee19b7ec3c1b174");
	assert_str(cJSON_GetObjectItem(j, "scope")->valuestring, "it.scope");
	assert_str(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "resource"),
	    "service.name")->valuestring, "unknown_service:werf");
	cJSON_Delete(j);
	/* no time: when it was received; named by its body's first line */
	EXPECT(&b->ev[1], .source = TT_SRC_WERF,
	    .format = "otlp-logs-protobuf", .ts = RECV_AT,
	    .name = "cache miss", .client_id = "inst-1", .version = "2.0.1");
	tt_batch_clear(b);
	pb_free(&req);
	/* a service teltop does not know: source otlp */
	logs_request(&req, "payments");
	rc = decode_raw(TT_ROUTE_OTLP_LOGS, req.p, req.len, 1, 0, RECV_AT, b,
	    &cause);
	assert_int_equal(rc, 0);
	assert_int_equal(b->ev[0].source, TT_SRC_OTLP);
	pb_free(&req);
}

/* ExportMetricsServiceRequest: a gauge, a sum, a histogram, a summary. */
static void
test_otlp_metrics_protobuf(void **state)
{
	struct tt_batch	*b = *state;
	struct pb	 req = { 0 }, rm = { 0 }, sm = { 0 }, m = { 0 };
	struct pb	 data = { 0 }, dp = { 0 }, q = { 0 };
	uint8_t		 packed[24];
	uint64_t	 u;
	char		*cause;
	cJSON		*j;
	size_t		 i;
	int		 rc;

	pb_resource(&rm, "it-svc");
	/* gauge, as_double */
	pb_string(&m, 1, "queue.depth");
	pb_string(&m, 3, "1");
	pb_fixed64(&dp, 3, 1767225602000000000ULL);
	pb_fixed64(&dp, 4, dbits(7.5));
	kv_string(&dp, 7, "queue", "builds");
	pb_sub(&data, 1, &dp);
	pb_sub(&m, 5, &data);
	pb_sub(&sm, 2, &m);
	/* sum, as_int, cumulative, monotonic */
	pb_string(&m, 1, "requests");
	pb_fixed64(&dp, 6, 42);
	pb_sub(&data, 1, &dp);
	pb_uint(&data, 2, 2);
	pb_uint(&data, 3, 1);
	pb_sub(&m, 7, &data);
	pb_sub(&sm, 2, &m);
	/* histogram: packed bucket counts, bounds */
	pb_string(&m, 1, "duration");
	pb_string(&m, 3, "ms");
	pb_fixed64(&dp, 4, 3);
	pb_fixed64(&dp, 5, dbits(61));
	for (i = 0; i < 3; i++) {
		u = i + 1 == 2 ? 2 : 1;
		memcpy(packed + 8 * i, &u, 8);
	}
	pb_bytes(&dp, 6, packed, 24);
	u = dbits(10);
	memcpy(packed, &u, 8);
	u = dbits(50);
	memcpy(packed + 8, &u, 8);
	pb_bytes(&dp, 7, packed, 16);
	pb_fixed64(&dp, 11, dbits(4));
	pb_fixed64(&dp, 12, dbits(40));
	pb_sub(&data, 1, &dp);
	pb_sub(&m, 9, &data);
	pb_sub(&sm, 2, &m);
	/* summary with two quantiles */
	pb_string(&m, 1, "latency");
	pb_fixed64(&dp, 4, 10);
	pb_fixed64(&dp, 5, dbits(250));
	pb_fixed64(&q, 1, dbits(0.5));
	pb_fixed64(&q, 2, dbits(20));
	pb_sub(&dp, 6, &q);
	pb_fixed64(&q, 1, dbits(0.99));
	pb_fixed64(&q, 2, dbits(90));
	pb_sub(&dp, 6, &q);
	pb_sub(&data, 1, &dp);
	pb_sub(&m, 11, &data);
	pb_sub(&sm, 2, &m);
	/* a metric with no data: refused, the others kept */
	pb_string(&m, 1, "empty");
	pb_sub(&sm, 2, &m);
	pb_sub(&rm, 2, &sm);
	pb_sub(&req, 1, &rm);

	rc = decode_raw(TT_ROUTE_OTLP_METRICS, req.p, req.len, 1, 0, RECV_AT,
	    b, &cause);
	assert_int_equal(rc, 0);
	assert_null(cause);
	assert_int_equal(b->n, 4);
	assert_int_equal(b->rejected, 1);
	for (i = 0; i < b->n; i++)
		assert_int_equal(check_invariants(&b->ev[i]), 0);
	EXPECT(&b->ev[0], .source = TT_SRC_OTLP,
	    .format = "otlp-metrics-protobuf", .ts = 1767225602000000LL,
	    .name = "queue.depth", .client_id = "inst-1", .version = "2.0.1");
	j = data_of(&b->ev[0]);
	assert_str(cJSON_GetObjectItem(j, "kind")->valuestring, "gauge");
	assert_true(cJSON_GetObjectItem(j, "value")->valuedouble == 7.5);
	assert_str(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "attributes"),
	    "queue")->valuestring, "builds");
	cJSON_Delete(j);
	j = data_of(&b->ev[1]);
	assert_str(cJSON_GetObjectItem(j, "name")->valuestring, "requests");
	assert_str(cJSON_GetObjectItem(j, "temporality")->valuestring,
	    "cumulative");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "monotonic")));
	assert_true(cJSON_GetObjectItem(j, "value")->valuedouble == 42);
	cJSON_Delete(j);
	j = data_of(&b->ev[2]);
	assert_str(cJSON_GetObjectItem(j, "kind")->valuestring, "histogram");
	assert_true(cJSON_GetObjectItem(j, "count")->valuedouble == 3);
	assert_true(cJSON_GetObjectItem(j, "max")->valuedouble == 40);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j,
	    "bucketCounts")), 3);
	assert_true(cJSON_GetArrayItem(cJSON_GetObjectItem(j,
	    "bucketCounts"), 1)->valuedouble == 2);
	assert_true(cJSON_GetArrayItem(cJSON_GetObjectItem(j,
	    "explicitBounds"), 1)->valuedouble == 50);
	cJSON_Delete(j);
	j = data_of(&b->ev[3]);
	assert_str(cJSON_GetObjectItem(j, "kind")->valuestring, "summary");
	assert_true(cJSON_GetObjectItem(cJSON_GetArrayItem(
	    cJSON_GetObjectItem(j, "quantiles"), 1), "value")->valuedouble ==
	    90);
	cJSON_Delete(j);
	pb_free(&req);
}

/* The same signals as OTLP/JSON. */
static void
test_otlp_signals_json(void **state)
{
	struct tt_batch	*b = *state;
	cJSON		*j;

	DECODE_OK(TT_ROUTE_OTLP_LOGS, "{'resourceLogs':[{'resource':"
	    "{'attributes':[{'key':'service.name','value':{'stringValue':"
	    "'devpod'}}]},'scopeLogs':[{'scope':{'name':'s'},'logRecords':["
	    "{'timeUnixNano':'1767225603000000000','severityNumber':13,"
	    "'body':{'stringValue':'disk low'},'attributes':[{'key':"
	    "'event.name','value':{'stringValue':'disk.warning'}}],"
	    "'traceId':'5B8EFFF798038103D269B633813FC60C'},"
	    "{'observedTimeUnixNano':1767225604000000000,'body':{'kvlistValue':"
	    "{'values':[{'key':'k','value':{'intValue':'3'}}]}}}]}]}]}", b, 2);
	EXPECT(&b->ev[0], .source = TT_SRC_DEVPOD, .format = "otlp-logs-json",
	    .ts = 1767225603000000LL, .name = "disk.warning",
	    .execution_id = "5b8efff798038103d269b633813fc60c");
	j = data_of(&b->ev[0]);
	assert_str(cJSON_GetObjectItem(j, "severityText")->valuestring,
	    "WARN");
	cJSON_Delete(j);
	/* no name anywhere: "log"; the observed time when there is no time */
	EXPECT(&b->ev[1], .source = TT_SRC_DEVPOD, .format = "otlp-logs-json",
	    .ts = 1767225604000000LL, .name = "log");
	tt_batch_clear(b);

	DECODE_OK(TT_ROUTE_OTLP_METRICS, "{'resourceMetrics':[{'scopeMetrics':"
	    "[{'metrics':[{'name':'jobs','sum':{'aggregationTemporality':1,"
	    "'isMonotonic':true,'dataPoints':[{'asInt':'5','timeUnixNano':"
	    "'1767225605000000000'},{'asDouble':1.5}]}},{'name':'lat',"
	    "'histogram':{'dataPoints':[{'count':'2','sum':3,"
	    "'bucketCounts':['1','1'],'explicitBounds':[1]}]}}]}]}]}", b, 3);
	EXPECT(&b->ev[0], .source = TT_SRC_OTLP,
	    .format = "otlp-metrics-json", .ts = 1767225605000000LL,
	    .name = "jobs");
	j = data_of(&b->ev[0]);
	assert_true(cJSON_GetObjectItem(j, "value")->valuedouble == 5);
	assert_str(cJSON_GetObjectItem(j, "temporality")->valuestring,
	    "delta");
	cJSON_Delete(j);
	j = data_of(&b->ev[1]);
	assert_true(cJSON_GetObjectItem(j, "value")->valuedouble == 1.5);
	cJSON_Delete(j);
	j = data_of(&b->ev[2]);
	assert_true(cJSON_GetObjectItem(j, "count")->valuedouble == 2);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j,
	    "bucketCounts")), 2);
	cJSON_Delete(j);
}

/* Bad input: a cut or mistyped body is refused whole; bad items alone. */
static void
test_otlp_signals_bad(void **state)
{
	struct tt_batch	*b = *state;
	struct pb	 req = { 0 };
	char		*cause;
	size_t		 cut;
	int		 rc;

	logs_request(&req, "x");
	/* every cut of the body: refused or decoded, never a crash */
	for (cut = 1; cut < req.len; cut++) {
		rc = decode_raw(TT_ROUTE_OTLP_LOGS, req.p, cut, 1, 0, RECV_AT,
		    b, &cause);
		assert_true(rc == 0 || (rc == -1 && cause != NULL));
		free(cause);
		tt_batch_clear(b);
		rc = decode_raw(TT_ROUTE_OTLP_METRICS, req.p, cut, 1, 0,
		    RECV_AT, b, &cause);
		assert_true(rc == 0 || (rc == -1 && cause != NULL));
		free(cause);
		tt_batch_clear(b);
	}
	pb_free(&req);
	/* field 1 as a varint where a message must be */
	pb_uint(&req, 1, 5);
	rc = decode_raw(TT_ROUTE_OTLP_LOGS, req.p, req.len, 1, 0, RECV_AT, b,
	    &cause);
	assert_malformed(rc, cause);
	assert_non_null(strstr(cause, "ExportLogsServiceRequest"));
	free(cause);
	tt_batch_clear(b);
	rc = decode_raw(TT_ROUTE_OTLP_METRICS, req.p, req.len, 1, 0, RECV_AT,
	    b, &cause);
	assert_malformed(rc, cause);
	free(cause);
	tt_batch_clear(b);
	pb_free(&req);
	rc = decode_q(TT_ROUTE_OTLP_LOGS, "{'resourceLogs':{}}", 0, b, &cause);
	assert_malformed(rc, cause);
	free(cause);
	tt_batch_clear(b);
	rc = decode_q(TT_ROUTE_OTLP_METRICS, "{'resourceMetrics':[3,{"
	    "'scopeMetrics':[{'metrics':[7,{'name':'n'},{'name':'g','gauge':"
	    "{'dataPoints':[1,{'asDouble':2}]}}]}]}]}", 0, b, &cause);
	assert_int_equal(rc, 0);
	assert_int_equal(b->n, 1);
	assert_int_equal(b->rejected, 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_names),
		T(test_batch),
		T(test_devtron_orchestrator),
		T(test_devtron_markers),
		T(test_devtron_inception),
		T(test_devtron_docs_summary),
		T(test_posthog_node),
		T(test_posthog_v1),
		T(test_posthog_js_array),
		T(test_posthog_single),
		T(test_posthog_js_wrapped),
		T(test_posthog_on_events),
		T(test_devsy_v1_string_props),
		T(test_posthog_wrap_phases),
		T(test_devsy_flat),
		T(test_devpod_insert),
		T(test_devpod_insert_docs),
		T(test_devsy_insert),
		T(test_devpod_legacy),
		T(test_devpod_legacy_docs),
		T(test_devpod_legacy_on_events),
		T(test_otlp_protobuf),
		T(test_otlp_json),
		T(test_otlp_json_huge_nanos),
		T(test_otlp_json_trace_case),
		T(test_otlp_json_trace_utf8_cut),
		T(test_werf_flat_json),
		T(test_generic_full),
		T(test_generic_aliases),
		T(test_generic_ndjson),
		T(test_generic_lookalikes),
		T(test_many_items),
		T(test_bad_item_timestamp),
		T(test_received_now),
		T(test_truncated_json),
		T(test_empty_body),
		T(test_wrong_types),
		T(test_mixed_items),
		T(test_bad_item_type),
		T(test_huge_item),
		T(test_deep_nesting),
		T(test_truncated_protobuf),
		T(test_deep_protobuf),
		T(test_bad_protobuf),
		T(test_range_generic_ts),
		T(test_range_generic_fallbacks),
		T(test_range_generic_ints),
		T(test_range_posthog),
		T(test_range_devpod),
		T(test_range_werf_otlp_json),
		T(test_range_otlp_protobuf),
		T(test_utf8_fields),
		T(test_nul_escapes),
		T(test_nul_raw),
		T(test_controls_in_data),
		T(test_utf8_protobuf),
		T(test_data_bytes),
		T(test_data_bytes_limit),
		T(test_field_tables),
		T(test_too_many_values),
		T(test_duration_fractions),
		T(test_segment_batch),
		T(test_segment_messages),
		T(test_segment_bad),
		T(test_otlp_logs_protobuf),
		T(test_otlp_metrics_protobuf),
		T(test_otlp_signals_json),
		T(test_otlp_signals_bad),
	};

	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
