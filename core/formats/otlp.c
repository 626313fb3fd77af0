/*
 * OTLP traces (formats.md §6): ExportTraceServiceRequest as protobuf (werf's
 * exporter, through protobuf-c) or as OTLP/JSON, and werf's documented flat
 * JSON.  A werf span carries one event in its attributes; "eventData" and
 * "attributes" are JSON text inside strings.  Any other span becomes a
 * generic event named after the span.  Spans are grouped by executionID,
 * never by trace id: werf starts a new trace for every event.
 */
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../utf8.h"
#include "../xmalloc.h"
#include "formats.h"
#include "json.h"
#include "otlp.pb-c.h"
#include "otlp_int.h"

#define ANY_DEPTH	8	/* nested arrays/kvlists kept, deeper dropped */

/* The member names of OTLP/JSON, of werf's attributes and of resources. */
#define OT_FIELDS(_) \
	_(ARCH, "arch") \
	_(ARRAY_VALUE, "arrayValue") \
	_(ATTRIBUTES, "attributes") \
	_(BOOL_VALUE, "boolValue") \
	_(BYTES_VALUE, "bytesValue") \
	_(CODE, "code") \
	_(COMMAND, "command") \
	_(DOUBLE_VALUE, "doubleValue") \
	_(DURATION_MS, "durationMs") \
	_(END_TIME, "endTimeUnixNano") \
	_(ERROR, "error") \
	_(ERROR_MESSAGE, "errorMessage") \
	_(EVENT_DATA, "eventData") \
	_(EVENT_TYPE, "eventType") \
	_(EXECUTIONID, "executionID") \
	_(EXIT_CODE, "exitCode") \
	_(HOST_ARCH, "host.arch") \
	_(INT_VALUE, "intValue") \
	_(KEY, "key") \
	_(KVLIST_VALUE, "kvlistValue") \
	_(MESSAGE, "message") \
	_(NAME, "name") \
	_(OS, "os") \
	_(OS_TYPE, "os.type") \
	_(RESOURCE, "resource") \
	_(RESOURCE_SPANS, "resourceSpans") \
	_(SCOPE, "scope") \
	_(SCOPE_SPANS, "scopeSpans") \
	_(SERVICE_INSTANCE_ID, "service.instance.id") \
	_(SERVICE_VERSION, "service.version") \
	_(SPAN_ID, "spanId") \
	_(SPANS, "spans") \
	_(START_TIME, "startTimeUnixNano") \
	_(STATUS, "status") \
	_(STRING_VALUE, "stringValue") \
	_(TRACE_ID, "traceId") \
	_(TS, "ts") \
	_(USER_ID, "user.id") \
	_(USERID, "userID") \
	_(VALUE, "value") \
	_(VALUES, "values") \
	_(VERSION, "version")

enum {
#define OT_ENUM(id, name) OT_##id,
	OT_FIELDS(OT_ENUM)
#undef OT_ENUM
	OT_COUNT
};

static const char *const ot_names[] = {
#define OT_NAME(id, name) name,
	OT_FIELDS(OT_NAME)
#undef OT_NAME
};

const struct json_names fmt_otlp_names = JSON_NAMES("otlp", ot_names);

/* What a span says, in a form shared by protobuf and JSON. */
struct span_view {
	cJSON		*attrs;		/* key -> value; owned by the caller */
	cJSON		*resource;	/* key -> value, or NULL */
	const char	*name;
	const char	*scope;
	char		 trace[33];
	char		 span[17];
	uint64_t	 start_ns;	/* 0: none, or not usable */
	uint64_t	 end_ns;
	char		 bad[2][96];	/* why start, end were not usable */
	int		 status_code;
	const char	*status_msg;
};

/* werf's fields, from the flat view (span attributes or the docs' JSON). */
static void
werf_fill(struct tt_event *ev, const cJSON *o)
{
	static const int k_err[] = { OT_ERROR_MESSAGE, OT_ERROR, -1 };
	const cJSON	*f[OT_COUNT], *fd[OT_COUNT], *fa[OT_COUNT];
	cJSON		*downed, *aowned;
	const char	*type;
	int64_t		 v;
	double		 ms;

	json_fields(o, &fmt_otlp_names, f);
	type = json_vstr(f[OT_EVENT_TYPE]);
	ev->name = xstrdup(type != NULL ? type : "unknown");
	if (type != NULL && strcmp(type, "CommandStarted") == 0)
		ev->phase = TT_PHASE_START;
	else if (type != NULL && strcmp(type, "CommandExited") == 0)
		ev->phase = TT_PHASE_FINISH;
	ev->execution_id = json_vstrdup(f[OT_EXECUTIONID]);
	ev->client_id = json_vstrdup(f[OT_USERID]);
	ev->command = json_vstrdup(f[OT_COMMAND]);
	(void)json_vevent_ts(ev, f[OT_TS]);
	json_fields(json_vobj(f[OT_EVENT_DATA], &downed), &fmt_otlp_names,
	    fd);
	if (json_vevent_num(ev, fd[OT_DURATION_MS], 0, JSON_INT_MAX, &ms) == 0)
		ev->duration_ms = ms;
	if (json_vevent_int(ev, fd[OT_EXIT_CODE], -JSON_INT_MAX,
	    JSON_INT_MAX, &v) == 0)
		ev->exit_code = v;
	ev->error = json_fields_strdup(fd, k_err);
	json_fields(json_vobj(f[OT_ATTRIBUTES], &aowned), &fmt_otlp_names,
	    fa);
	ev->version = json_vstrdup(fa[OT_VERSION]);
	ev->os = json_vstrdup(fa[OT_OS]);
	ev->arch = json_vstrdup(fa[OT_ARCH]);
	cJSON_Delete(downed);
	cJSON_Delete(aowned);
}

/* Replace a JSON-string member with the object it holds, if it holds one. */
static void
unwrap_json_member(cJSON *o, const char *key)
{
	const cJSON	*v;
	cJSON		*owned;

	v = json_obj(o, key, &owned);
	if (v != NULL && owned != NULL)
		cJSON_ReplaceItemInObjectCaseSensitive(o, key, owned);
}

void
otlp_hex(const uint8_t *p, size_t n, char *out, size_t outlen)
{
	static const char	digits[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < n && 2 * i + 2 < outlen; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * i] = '\0';
}

/*
 * A span time in ns, kept when it is in the range; otherwise 0, with why in
 * bad (the member's name and text, as a note for the event).
 */
uint64_t
otlp_ns(uint64_t ns, const char *key, const char *text, char *bad,
    size_t len)
{
	if (ns == 0 || ns / 1000 <= (uint64_t)TT_TIME_MAX_US)
		return ns;
	snprintf(bad, len, "%s %s is out of range (%s), ignored", key, text,
	    TT_TIME_RANGE_TEXT);
	return 0;
}

/* One span -> one event. */
static void
span_event(struct dctx *d, struct span_view *sv, const char *format)
{
	const cJSON	*fa[OT_COUNT], *fr[OT_COUNT];
	struct tt_event	*ev;
	cJSON		*o, *meta, *status;
	char		 nanos[24];
	int		 werf, i;

	werf = json_str(sv->attrs, "eventType") != NULL;
	if (werf) {
		/* The flat view werf's own collector stores (its docs). */
		o = cJSON_Duplicate(sv->attrs, 1);
		unwrap_json_member(o, "eventData");
		unwrap_json_member(o, "attributes");
		meta = cJSON_AddObjectToObject(o, "_span");
	} else {
		o = cJSON_CreateObject();
		meta = o;
	}
	cJSON_AddStringToObject(meta, "name", sv->name);
	if (sv->scope != NULL)
		cJSON_AddStringToObject(meta, "scope", sv->scope);
	cJSON_AddStringToObject(meta, "traceId", sv->trace);
	cJSON_AddStringToObject(meta, "spanId", sv->span);
	snprintf(nanos, sizeof nanos, "%" PRIu64, sv->start_ns);
	cJSON_AddStringToObject(meta, "startTimeUnixNano", nanos);
	snprintf(nanos, sizeof nanos, "%" PRIu64, sv->end_ns);
	cJSON_AddStringToObject(meta, "endTimeUnixNano", nanos);
	if (!werf)
		cJSON_AddItemToObject(o, "attributes",
		    cJSON_Duplicate(sv->attrs, 1));
	if (sv->status_code != 0 || sv->status_msg != NULL) {
		status = cJSON_AddObjectToObject(meta, "status");
		cJSON_AddNumberToObject(status, "code", sv->status_code);
		if (sv->status_msg != NULL)
			cJSON_AddStringToObject(status, "message",
			    sv->status_msg);
	}
	if (sv->resource != NULL && sv->resource->child != NULL)
		cJSON_AddItemToObject(meta, "resource",
		    cJSON_Duplicate(sv->resource, 1));

	ev = fmt_new_event(d, o, format, werf ? TT_SRC_WERF : TT_SRC_GENERIC);
	cJSON_Delete(o);
	if (ev == NULL)
		return;
	for (i = 0; i < 2; i++)
		if (sv->bad[i][0] != '\0')
			tt_event_note(ev, "%s", sv->bad[i]);
	if (sv->start_ns > 0)
		ev->ts = (int64_t)(sv->start_ns / 1000);
	if (werf) {
		werf_fill(ev, sv->attrs);
		return;
	}
	ev->name = xstrdup(sv->name[0] != '\0' ? sv->name : "span");
	if (sv->trace[0] != '\0')
		ev->execution_id = xstrdup(sv->trace);
	if (sv->end_ns >= sv->start_ns && sv->start_ns > 0)
		ev->duration_ms = (double)(sv->end_ns - sv->start_ns) / 1e6;
	if (sv->status_code == 2)
		ev->error = xstrdup(sv->status_msg != NULL &&
		    sv->status_msg[0] != '\0' ? sv->status_msg : "error");
	json_fields(sv->attrs, &fmt_otlp_names, fa);
	json_fields(sv->resource, &fmt_otlp_names, fr);
	ev->command = json_vstrdup(fa[OT_COMMAND]);
	ev->client_id = json_vstrdup(fa[OT_USER_ID]);
	if (ev->client_id == NULL)
		ev->client_id = json_vstrdup(fr[OT_SERVICE_INSTANCE_ID]);
	ev->version = json_vstrdup(fr[OT_SERVICE_VERSION]);
	ev->os = json_vstrdup(fr[OT_OS_TYPE]);
	ev->arch = json_vstrdup(fr[OT_HOST_ARCH]);
}

/* ---- protobuf ---- */

/* KeyValue list -> JSON object. */
cJSON *
otlp_pb_kvs(Teltop__Otlp__KeyValue **kv, size_t n, int depth)
{
	cJSON	*o;
	char	*key;
	size_t	 i;

	o = cJSON_CreateObject();
	for (i = 0; i < n; i++) {
		if (kv[i]->key == NULL)
			continue;
		key = tt_utf8_dup(kv[i]->key);
		cJSON_AddItemToObject(o, key, otlp_pb_any(kv[i]->value, depth));
		free(key);
	}
	return o;
}

/* AnyValue -> JSON value; nested lists decoded here, bounded in depth. */
cJSON *
otlp_pb_any(const Teltop__Otlp__AnyValue *v, int depth)
{
	Teltop__Otlp__ArrayValue	*arr;
	Teltop__Otlp__KeyValueList	*kvl;
	cJSON				*o;
	char				*s;
	size_t				 i;

	if (v == NULL)
		return cJSON_CreateNull();
	switch (v->value_case) {
	case TELTOP__OTLP__ANY_VALUE__VALUE_STRING_VALUE:
		/* protobuf-c does not check UTF-8: repair it here. */
		s = tt_utf8_dup(v->string_value != NULL ? v->string_value : "");
		o = cJSON_CreateString(s);
		free(s);
		return o;
	case TELTOP__OTLP__ANY_VALUE__VALUE_BOOL_VALUE:
		return cJSON_CreateBool(v->bool_value);
	case TELTOP__OTLP__ANY_VALUE__VALUE_INT_VALUE:
		return cJSON_CreateNumber((double)v->int_value);
	case TELTOP__OTLP__ANY_VALUE__VALUE_DOUBLE_VALUE:
		return cJSON_CreateNumber(v->double_value);
	case TELTOP__OTLP__ANY_VALUE__VALUE_BYTES_VALUE:
		s = xmalloc(v->bytes_value.len * 2 + 1);
		otlp_hex(v->bytes_value.data, v->bytes_value.len, s,
		    v->bytes_value.len * 2 + 1);
		o = cJSON_CreateString(s);
		free(s);
		return o;
	case TELTOP__OTLP__ANY_VALUE__VALUE_ARRAY_VALUE:
		if (depth >= ANY_DEPTH)
			return cJSON_CreateNull();
		arr = teltop__otlp__array_value__unpack(NULL,
		    v->array_value.len, v->array_value.data);
		if (arr == NULL)
			return cJSON_CreateNull();
		o = cJSON_CreateArray();
		for (i = 0; i < arr->n_values; i++)
			cJSON_AddItemToArray(o, otlp_pb_any(arr->values[i],
			    depth + 1));
		teltop__otlp__array_value__free_unpacked(arr, NULL);
		return o;
	case TELTOP__OTLP__ANY_VALUE__VALUE_KVLIST_VALUE:
		if (depth >= ANY_DEPTH)
			return cJSON_CreateNull();
		kvl = teltop__otlp__key_value_list__unpack(NULL,
		    v->kvlist_value.len, v->kvlist_value.data);
		if (kvl == NULL)
			return cJSON_CreateNull();
		o = otlp_pb_kvs(kvl->values, kvl->n_values, depth + 1);
		teltop__otlp__key_value_list__free_unpacked(kvl, NULL);
		return o;
	default:
		return cJSON_CreateNull();
	}
}

int
fmt_otlp_protobuf(struct dctx *d, const uint8_t *buf, size_t len,
    char **cause)
{
	Teltop__Otlp__ExportTraceServiceRequest	*req;
	Teltop__Otlp__ResourceSpans		*rs;
	Teltop__Otlp__ScopeSpans		*ss;
	Teltop__Otlp__Span			*sp;
	struct span_view			 sv;
	char					*scope, *name, *msg;
	char					 text[24];
	size_t					 i, j, k;

	req = teltop__otlp__export_trace_service_request__unpack(NULL, len,
	    buf);
	if (req == NULL) {
		*cause = xasprintf("malformed protobuf: not an OTLP "
		    "ExportTraceServiceRequest (%zu bytes)", len);
		return -1;
	}
	for (i = 0; i < req->n_resource_spans; i++) {
		rs = req->resource_spans[i];
		memset(&sv, 0, sizeof sv);
		sv.resource = rs->resource != NULL ?
		    otlp_pb_kvs(rs->resource->attributes,
		    rs->resource->n_attributes, 0) : NULL;
		for (j = 0; j < rs->n_scope_spans; j++) {
			ss = rs->scope_spans[j];
			scope = ss->scope != NULL &&
			    ss->scope->name != NULL &&
			    ss->scope->name[0] != '\0' ?
			    tt_utf8_dup(ss->scope->name) : NULL;
			sv.scope = scope;
			for (k = 0; k < ss->n_spans; k++) {
				sp = ss->spans[k];
				sv.attrs = otlp_pb_kvs(sp->attributes,
				    sp->n_attributes, 0);
				name = tt_utf8_dup(sp->name != NULL ?
				    sp->name : "");
				sv.name = name;
				otlp_hex(sp->trace_id.data, sp->trace_id.len,
				    sv.trace, sizeof sv.trace);
				otlp_hex(sp->span_id.data, sp->span_id.len,
				    sv.span, sizeof sv.span);
				memset(sv.bad, 0, sizeof sv.bad);
				snprintf(text, sizeof text, "%" PRIu64,
				    sp->start_time_unix_nano);
				sv.start_ns = otlp_ns(sp->start_time_unix_nano,
				    "startTimeUnixNano", text, sv.bad[0],
				    sizeof sv.bad[0]);
				snprintf(text, sizeof text, "%" PRIu64,
				    sp->end_time_unix_nano);
				sv.end_ns = otlp_ns(sp->end_time_unix_nano,
				    "endTimeUnixNano", text, sv.bad[1],
				    sizeof sv.bad[1]);
				sv.status_code = sp->status != NULL ?
				    sp->status->code : 0;
				msg = sp->status != NULL &&
				    sp->status->message != NULL &&
				    sp->status->message[0] != '\0' ?
				    tt_utf8_dup(sp->status->message) : NULL;
				sv.status_msg = msg;
				span_event(d, &sv, "otlp-protobuf");
				cJSON_Delete(sv.attrs);
				free(name);
				free(msg);
			}
			free(scope);
		}
		cJSON_Delete(sv.resource);
	}
	teltop__otlp__export_trace_service_request__free_unpacked(req, NULL);
	return 0;
}

/* ---- OTLP/JSON ---- */

/* [{"key":k,"value":{...}}] -> {k: value} */
cJSON *
otlp_js_kvs(const cJSON *arr)
{
	const cJSON	*f[OT_COUNT], *kv;
	const char	*key;
	cJSON		*o;

	o = cJSON_CreateObject();
	cJSON_ArrayForEach(kv, arr) {
		json_fields(kv, &fmt_otlp_names, f);
		if ((key = json_vstr(f[OT_KEY])) == NULL)
			continue;
		cJSON_AddItemToObject(o, key, otlp_js_any(f[OT_VALUE]));
	}
	return o;
}

/* An OTLP/JSON AnyValue; int64 may be a string or a number. */
cJSON *
otlp_js_any(const cJSON *v)
{
	const cJSON	*f[OT_COUNT], *x, *e;
	cJSON		*o;
	int64_t		 n;

	if (!cJSON_IsObject(v))
		return cJSON_CreateNull();
	json_fields(v, &fmt_otlp_names, f);
	if ((x = f[OT_STRING_VALUE]) != NULL && cJSON_IsString(x))
		return cJSON_CreateString(x->valuestring);
	if ((x = f[OT_BOOL_VALUE]) != NULL)
		return cJSON_CreateBool(cJSON_IsTrue(x));
	if (json_vint(f[OT_INT_VALUE], &n) == 0)
		return cJSON_CreateNumber((double)n);
	if ((x = f[OT_DOUBLE_VALUE]) != NULL && cJSON_IsNumber(x))
		return cJSON_CreateNumber(x->valuedouble);
	if ((x = f[OT_ARRAY_VALUE]) != NULL) {
		o = cJSON_CreateArray();
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(x,
		    "values"))
			cJSON_AddItemToArray(o, otlp_js_any(e));
		return o;
	}
	if ((x = f[OT_KVLIST_VALUE]) != NULL)
		return otlp_js_kvs(cJSON_GetObjectItemCaseSensitive(x, "values"));
	if ((x = f[OT_BYTES_VALUE]) != NULL && cJSON_IsString(x))
		return cJSON_CreateString(x->valuestring);
	return cJSON_CreateNull();
}

/* A hex id as OTLP/JSON sends it, in the lowercase protobuf gives. */
void
otlp_lower_id(const char *s, char *out, size_t len)
{
	size_t		i, n;
	unsigned char	c;

	/* s is valid UTF-8: cut it between characters, never inside one */
	for (i = 0; s != NULL && s[i] != '\0'; i += n) {
		c = (unsigned char)s[i];
		n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		if (i + n + 1 > len)
			break;
		if (n == 1)
			out[i] = (char)tolower(c);
		else
			memcpy(out + i, s + i, n);
	}
	out[i] = '\0';
}

/*
 * A JSON number or decimal string of nanoseconds, 0 when absent.  A value
 * that is no time in range gives 0 and says why in bad.
 */
uint64_t
otlp_js_nanos(const cJSON *v, const char *key, char *bad, size_t len)
{
	const char	*p;
	char		*text;
	uint64_t	 ns = 0, digit;
	int		 state = 0;	/* 0 good, 1 too large, 2 no number */

	if (v == NULL || cJSON_IsNull(v) ||
	    (cJSON_IsString(v) && v->valuestring[0] == '\0'))
		return 0;
	if (cJSON_IsString(v)) {
		/* Digits only: strtoull would take "-1" for 2^64 - 1. */
		for (p = v->valuestring; *p >= '0' && *p <= '9'; p++) {
			digit = (uint64_t)(*p - '0');
			if (ns > (UINT64_MAX - digit) / 10)
				state = 1;
			else
				ns = ns * 10 + digit;
		}
		if (*p != '\0')
			state = 2;
	} else if (!cJSON_IsNumber(v) || isnan(v->valuedouble) ||
	    v->valuedouble < 0)
		state = 2;
	else if (v->valuedouble >= 1.8e19)
		state = 1;
	else
		ns = (uint64_t)v->valuedouble;
	if (state == 0 && ns / 1000 <= (uint64_t)TT_TIME_MAX_US)
		return ns;
	if ((text = cJSON_PrintUnformatted(v)) == NULL)
		fatal("out of memory printing JSON");
	if (strlen(text) > 40)
		memcpy(text + 37, "...", 4);
	if (state == 2)
		snprintf(bad, len, "%s %s is not a time, ignored", key, text);
	else
		snprintf(bad, len, "%s %s is out of range (%s), ignored", key,
		    text, TT_TIME_RANGE_TEXT);
	free(text);
	return 0;
}

static int
array_or_absent(const cJSON *v)
{
	return v == NULL || cJSON_IsArray(v);
}

int
fmt_otlp_json(struct dctx *d, const cJSON *root, char **cause)
{
	const cJSON	*f[OT_COUNT], *frs[OT_COUNT], *fss[OT_COUNT];
	const cJSON	*fsp[OT_COUNT], *fx[OT_COUNT];
	const cJSON	*rs, *ss, *sp;
	const char	*s;
	struct span_view sv;
	int64_t		 code;

	json_fields(root, &fmt_otlp_names, f);
	if (!cJSON_IsArray(f[OT_RESOURCE_SPANS])) {
		*cause = xstrdup("\"resourceSpans\" is not an array");
		return -1;
	}
	cJSON_ArrayForEach(rs, f[OT_RESOURCE_SPANS]) {
		json_fields(rs, &fmt_otlp_names, frs);
		if (!cJSON_IsObject(rs) ||
		    !array_or_absent(frs[OT_SCOPE_SPANS])) {
			tt_batch_reject(d->batch, "OTLP resourceSpans item is "
			    "not an object with a scopeSpans array");
			continue;
		}
		memset(&sv, 0, sizeof sv);
		json_fields(frs[OT_RESOURCE], &fmt_otlp_names, fx);
		sv.resource = otlp_js_kvs(fx[OT_ATTRIBUTES]);
		cJSON_ArrayForEach(ss, frs[OT_SCOPE_SPANS]) {
			json_fields(ss, &fmt_otlp_names, fss);
			if (!cJSON_IsObject(ss) ||
			    !array_or_absent(fss[OT_SPANS])) {
				tt_batch_reject(d->batch, "OTLP scopeSpans item "
				    "is not an object with a spans array");
				continue;
			}
			json_fields(fss[OT_SCOPE], &fmt_otlp_names, fx);
			sv.scope = json_vstr(fx[OT_NAME]);
			cJSON_ArrayForEach(sp, fss[OT_SPANS]) {
				if (!cJSON_IsObject(sp)) {
					tt_batch_reject(d->batch,
					    "OTLP span is not an object");
					continue;
				}
				json_fields(sp, &fmt_otlp_names, fsp);
				sv.attrs = otlp_js_kvs(fsp[OT_ATTRIBUTES]);
				s = json_vstr(fsp[OT_NAME]);
				sv.name = s != NULL ? s : "";
				otlp_lower_id(json_vstr(fsp[OT_TRACE_ID]), sv.trace,
				    sizeof sv.trace);
				otlp_lower_id(json_vstr(fsp[OT_SPAN_ID]), sv.span,
				    sizeof sv.span);
				memset(sv.bad, 0, sizeof sv.bad);
				sv.start_ns = otlp_js_nanos(fsp[OT_START_TIME],
				    "startTimeUnixNano", sv.bad[0],
				    sizeof sv.bad[0]);
				sv.end_ns = otlp_js_nanos(fsp[OT_END_TIME],
				    "endTimeUnixNano", sv.bad[1],
				    sizeof sv.bad[1]);
				json_fields(fsp[OT_STATUS], &fmt_otlp_names, fx);
				sv.status_code = json_vint(fx[OT_CODE],
				    &code) == 0 && code >= INT_MIN &&
				    code <= INT_MAX ? (int)code : 0;
				sv.status_msg = json_vstr(fx[OT_MESSAGE]);
				span_event(d, &sv, "otlp-json");
				cJSON_Delete(sv.attrs);
			}
		}
		cJSON_Delete(sv.resource);
	}
	return 0;
}

/* werf's flat JSON, as its docs show it. */
void
fmt_werf_flat_item(struct dctx *d, const cJSON *item)
{
	struct tt_event	*ev;

	if ((ev = fmt_new_event(d, item, "werf-json", TT_SRC_WERF)) == NULL)
		return;
	werf_fill(ev, item);
}
