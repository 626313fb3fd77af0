/*
 * werf spans as OTLP protobuf.  Everything werf's exporter sets is set here
 * (formats.md §6.2): the SDK's default resource, scope "telemetry.werf.io",
 * span name "telemetry.werf.io", kind INTERNAL, start = end = the event's
 * time, nine attributes in werf's order.  The message tree lives on the
 * stack and in two arrays, and points into the caller's strings; only the
 * packed bytes outlive the call.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "otlp.pb-c.h"
#include "werfpb.h"

#define WERF_SCOPE	"telemetry.werf.io"
#define WERF_NATTRS	9
#define SDK_VERSION	"1.24.0"
#define SCHEMA_URL	"https://opentelemetry.io/schemas/" SDK_VERSION

/* The generated structs take char *; they are only read while packing. */
static char *
unconst(const char *s)
{
	return (char *)(uintptr_t)s;
}

/* Fill a string key/value pair. */
static void
kv_str(Teltop__Otlp__KeyValue *kv, Teltop__Otlp__AnyValue *av,
    const char *key, const char *value)
{
	teltop__otlp__key_value__init(kv);
	teltop__otlp__any_value__init(av);
	av->value_case = TELTOP__OTLP__ANY_VALUE__VALUE_STRING_VALUE;
	av->string_value = unconst(value != NULL ? value : "");
	kv->key = unconst(key);
	kv->value = av;
}

/* Fill an int64 key/value pair. */
static void
kv_int(Teltop__Otlp__KeyValue *kv, Teltop__Otlp__AnyValue *av,
    const char *key, int64_t value)
{
	teltop__otlp__key_value__init(kv);
	teltop__otlp__any_value__init(av);
	av->value_case = TELTOP__OTLP__ANY_VALUE__VALUE_INT_VALUE;
	av->int_value = value;
	kv->key = unconst(key);
	kv->value = av;
}

/* Pack n werf spans into one request body. */
uint8_t *
werf_pack(const struct werf_span *ws, size_t n, const char *exe, size_t *len)
{
	Teltop__Otlp__ExportTraceServiceRequest	 req;
	Teltop__Otlp__ResourceSpans		 rs, *rsp = &rs;
	Teltop__Otlp__Resource			 res;
	Teltop__Otlp__ScopeSpans		 ss, *ssp = &ss;
	Teltop__Otlp__InstrumentationScope	 scope;
	Teltop__Otlp__KeyValue			 rkv[4], *rkvp[4];
	Teltop__Otlp__AnyValue			 rav[4];
	Teltop__Otlp__Span			*spans, **spanp;
	Teltop__Otlp__KeyValue			*kv, **kvp;
	Teltop__Otlp__AnyValue			*av;
	uint8_t					*buf;
	char					*service;
	size_t					 i, j;
	uint64_t				 ns;

	service = xasprintf("unknown_service:%s", exe);
	kv_str(&rkv[0], &rav[0], "service.name", service);
	kv_str(&rkv[1], &rav[1], "telemetry.sdk.language", "go");
	kv_str(&rkv[2], &rav[2], "telemetry.sdk.name", "opentelemetry");
	kv_str(&rkv[3], &rav[3], "telemetry.sdk.version", SDK_VERSION);
	for (i = 0; i < 4; i++)
		rkvp[i] = &rkv[i];
	teltop__otlp__resource__init(&res);
	res.n_attributes = 4;
	res.attributes = rkvp;

	spans = xcalloc(n, sizeof *spans);
	spanp = xcalloc(n, sizeof *spanp);
	kv = xcalloc(n * WERF_NATTRS, sizeof *kv);
	kvp = xcalloc(n * WERF_NATTRS, sizeof *kvp);
	av = xcalloc(n * WERF_NATTRS, sizeof *av);
	for (i = 0; i < n; i++) {
		Teltop__Otlp__KeyValue	*k = kv + i * WERF_NATTRS;
		Teltop__Otlp__AnyValue	*a = av + i * WERF_NATTRS;

		kv_int(&k[0], &a[0], "ts", ws[i].ts_ms);
		kv_str(&k[1], &a[1], "executionID", ws[i].execution_id);
		kv_str(&k[2], &a[2], "userID", ws[i].user_id);
		kv_str(&k[3], &a[3], "projectID", ws[i].project_id);
		kv_str(&k[4], &a[4], "command", ws[i].command);
		kv_str(&k[5], &a[5], "eventType", ws[i].event_type);
		kv_str(&k[6], &a[6], "eventData", ws[i].event_data);
		kv_str(&k[7], &a[7], "attributes", ws[i].attributes);
		kv_int(&k[8], &a[8], "schemaVersion", 2);
		for (j = 0; j < WERF_NATTRS; j++)
			kvp[i * WERF_NATTRS + j] = &k[j];

		teltop__otlp__span__init(&spans[i]);
		spans[i].trace_id.len = sizeof ws[i].trace_id;
		spans[i].trace_id.data = (uint8_t *)(uintptr_t)ws[i].trace_id;
		spans[i].span_id.len = sizeof ws[i].span_id;
		spans[i].span_id.data = (uint8_t *)(uintptr_t)ws[i].span_id;
		spans[i].name = unconst(WERF_SCOPE);
		spans[i].kind = 1;	/* INTERNAL */
		ns = (uint64_t)ws[i].ts_ms * 1000000;
		spans[i].start_time_unix_nano = ns;
		spans[i].end_time_unix_nano = ns;
		spans[i].n_attributes = WERF_NATTRS;
		spans[i].attributes = kvp + i * WERF_NATTRS;
		spanp[i] = &spans[i];
	}

	teltop__otlp__instrumentation_scope__init(&scope);
	scope.name = unconst(WERF_SCOPE);
	teltop__otlp__scope_spans__init(&ss);
	ss.scope = &scope;
	ss.n_spans = n;
	ss.spans = spanp;
	teltop__otlp__resource_spans__init(&rs);
	rs.resource = &res;
	rs.n_scope_spans = 1;
	rs.scope_spans = &ssp;
	rs.schema_url = unconst(SCHEMA_URL);
	teltop__otlp__export_trace_service_request__init(&req);
	req.n_resource_spans = 1;
	req.resource_spans = &rsp;

	*len = teltop__otlp__export_trace_service_request__get_packed_size(
	    &req);
	buf = xmalloc(*len);
	teltop__otlp__export_trace_service_request__pack(&req, buf);

	free(av);
	free(kvp);
	free(kv);
	free(spanp);
	free(spans);
	free(service);
	return buf;
}
