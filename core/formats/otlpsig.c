/*
 * OTLP logs and metrics, as protobuf (ExportLogsServiceRequest,
 * ExportMetricsServiceRequest) or OTLP/JSON ({"resourceLogs":[...]},
 * {"resourceMetrics":[...]}): what OpenTelemetry's log and metric exporters
 * send on /v1/logs and /v1/metrics.
 *
 * Each log record is one event: its name is the record's event name, else
 * its "event.name" attribute, else the first line of its body; severity,
 * body, attributes, trace and span ids, scope and resource are kept in the
 * payload.  Each metric data point is one event named after its metric,
 * with its kind (gauge, sum, histogram, exponential_histogram, summary),
 * value or counts, and attributes in the payload.  The source is the
 * resource's service.name when it names a tool teltop knows ("werf", or
 * "unknown_service:werf"), else otlp.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../utf8.h"
#include "../xmalloc.h"
#include "formats.h"
#include "json.h"
#include "otlp_int.h"

#define NAME_MAX_	120	/* a name taken from a body's first line */
#define ERROR_MAX	500	/* an error taken from a body */
#define SEV_ERROR	17	/* SEVERITY_NUMBER_ERROR */

/* The member names of OTLP/JSON logs and metrics. */
#define SIG_FIELDS(_) \
	_(AGGREGATION_TEMPORALITY, "aggregationTemporality") \
	_(AS_DOUBLE, "asDouble") \
	_(AS_INT, "asInt") \
	_(ATTRIBUTES, "attributes") \
	_(BODY, "body") \
	_(BUCKET_COUNTS, "bucketCounts") \
	_(CNT, "count") \
	_(DATA_POINTS, "dataPoints") \
	_(DESCRIPTION, "description") \
	_(EVENT_NAME, "eventName") \
	_(EXPLICIT_BOUNDS, "explicitBounds") \
	_(EXPONENTIAL_HISTOGRAM, "exponentialHistogram") \
	_(GAUGE, "gauge") \
	_(HISTOGRAM, "histogram") \
	_(IS_MONOTONIC, "isMonotonic") \
	_(LOG_RECORDS, "logRecords") \
	_(MAX, "max") \
	_(METRICS, "metrics") \
	_(MIN, "min") \
	_(NAME, "name") \
	_(OBSERVED_TIME, "observedTimeUnixNano") \
	_(QUANTILE, "quantile") \
	_(QUANTILE_VALUES, "quantileValues") \
	_(RESOURCE, "resource") \
	_(RESOURCE_LOGS, "resourceLogs") \
	_(RESOURCE_METRICS, "resourceMetrics") \
	_(SCALE, "scale") \
	_(SCOPE, "scope") \
	_(SCOPE_LOGS, "scopeLogs") \
	_(SCOPE_METRICS, "scopeMetrics") \
	_(SEVERITY_NUMBER, "severityNumber") \
	_(SEVERITY_TEXT, "severityText") \
	_(SPAN_ID, "spanId") \
	_(START_TIME, "startTimeUnixNano") \
	_(SUM, "sum") \
	_(SUMMARY, "summary") \
	_(TIME, "timeUnixNano") \
	_(TRACE_ID, "traceId") \
	_(UNIT, "unit") \
	_(VALUE, "value") \
	_(ZERO_COUNT, "zeroCount")

enum {
#define SIG_ENUM(id, name) SIG_##id,
	SIG_FIELDS(SIG_ENUM)
#undef SIG_ENUM
	SIG_COUNT
};

static const char *const sig_names[] = {
#define SIG_NAME(id, name) name,
	SIG_FIELDS(SIG_NAME)
#undef SIG_NAME
};

const struct json_names fmt_otlp_signal_names = JSON_NAMES("otlp signals",
    sig_names);

/* What one resource and scope say about the events under them. */
struct origin {
	cJSON		*resource;	/* {key: value}, owned */
	const char	*scope;
	enum tt_source	 source;
};

/* The source a resource names by its service.name; otlp otherwise. */
static enum tt_source
origin_source(const cJSON *resource)
{
	const char	*name = json_str(resource, "service.name");
	enum tt_source	 src;

	if (name == NULL)
		return TT_SRC_OTLP;
	if (strncmp(name, "unknown_service:", 16) == 0)
		name += 16;
	if (tt_source_parse(name, &src) == 0 && src != TT_SRC_GENERIC)
		return src;
	return TT_SRC_OTLP;
}

static void
origin_set(struct origin *og, cJSON *resource)
{
	og->resource = resource;
	og->source = origin_source(resource);
}

/* The origin of a protobuf resource (NULL: none); scope set apart. */
static void
origin_pb(struct origin *og, const Teltop__Otlp__Resource *r)
{
	memset(og, 0, sizeof *og);
	origin_set(og, r != NULL ? otlp_pb_kvs(r->attributes,
	    r->n_attributes, 0) : cJSON_CreateObject());
}

/* A protobuf scope's name, repaired to UTF-8; NULL if none.  Caller
 * frees. */
static char *
pb_scope(const Teltop__Otlp__InstrumentationScope *s)
{
	return s != NULL && s->name != NULL ? tt_utf8_dup(s->name) : NULL;
}

/* A time in ns as OTLP/JSON writes it: a decimal string. */
static void
add_nanos(cJSON *o, const char *key, uint64_t ns)
{
	char	buf[24];

	if (ns == 0)
		return;
	snprintf(buf, sizeof buf, "%" PRIu64, ns);
	cJSON_AddStringToObject(o, key, buf);
}

/* Add the scope and a copy of the resource to an event's object. */
static void
add_origin(cJSON *o, const struct origin *og)
{
	if (og->scope != NULL && og->scope[0] != '\0')
		cJSON_AddStringToObject(o, "scope", og->scope);
	if (og->resource != NULL && og->resource->child != NULL)
		cJSON_AddItemToObject(o, "resource",
		    cJSON_Duplicate(og->resource, 1));
}

/* The normalized fields a resource gives every event under it. */
static void
fill_origin(struct tt_event *ev, const cJSON *attrs, const struct origin *og)
{
	ev->client_id = json_strdup(attrs, "user.id");
	if (ev->client_id == NULL)
		ev->client_id = json_strdup(og->resource,
		    "service.instance.id");
	ev->version = json_strdup(og->resource, "service.version");
	ev->os = json_strdup(og->resource, "os.type");
	ev->arch = json_strdup(og->resource, "host.arch");
	ev->command = json_strdup(attrs, "command");
}

/* The first line of s, at most max bytes, cut between characters. */
static char *
first_line(const char *s, size_t max)
{
	size_t	n = strcspn(s, "\r\n");

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	return xstrndup(s, n);
}

/* ---- logs ---- */

/* One log record, as protobuf and JSON both give it. */
struct log_view {
	cJSON		*attrs;		/* owned by the caller */
	cJSON		*body;		/* owned by the caller, or NULL */
	const char	*event_name;
	const char	*sev_text;
	int64_t		 sev_num;
	uint64_t	 time_ns, observed_ns;
	char		 trace[OTLP_ID_HEX];
	char		 span[OTLP_ID_HEX];
	char		 bad[2][96];
};

/* SEVERITY_NUMBER_* to its short name: 1-4 TRACE ... 21-24 FATAL. */
static const char *
severity_name(int64_t n)
{
	static const char *const names[] = {
		"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"
	};

	if (n < 1 || n > 24)
		return NULL;
	return names[(n - 1) / 4];
}

static void
log_event(struct dctx *d, struct log_view *lv, const struct origin *og,
    const char *format)
{
	struct tt_event	*ev;
	const char	*s, *sev;
	cJSON		*o;
	int		 i;

	sev = lv->sev_text != NULL && lv->sev_text[0] != '\0' ? lv->sev_text :
	    severity_name(lv->sev_num);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "signal", "log");
	if (lv->event_name != NULL && lv->event_name[0] != '\0')
		cJSON_AddStringToObject(o, "eventName", lv->event_name);
	if (sev != NULL)
		cJSON_AddStringToObject(o, "severityText", sev);
	if (lv->sev_num != 0)
		cJSON_AddNumberToObject(o, "severityNumber",
		    (double)lv->sev_num);
	if (lv->body != NULL)
		cJSON_AddItemToObject(o, "body", cJSON_Duplicate(lv->body, 1));
	cJSON_AddItemToObject(o, "attributes", cJSON_Duplicate(lv->attrs, 1));
	if (lv->trace[0] != '\0')
		cJSON_AddStringToObject(o, "traceId", lv->trace);
	if (lv->span[0] != '\0')
		cJSON_AddStringToObject(o, "spanId", lv->span);
	add_nanos(o, "timeUnixNano", lv->time_ns);
	add_nanos(o, "observedTimeUnixNano", lv->observed_ns);
	add_origin(o, og);
	ev = fmt_new_event(d, o, format, og->source);
	cJSON_Delete(o);
	if (ev == NULL)
		return;
	for (i = 0; i < 2; i++)
		if (lv->bad[i][0] != '\0')
			tt_event_note(ev, "%s", lv->bad[i]);
	s = json_vstr(lv->body);
	if (lv->event_name != NULL && lv->event_name[0] != '\0')
		ev->name = xstrdup(lv->event_name);
	else if ((ev->name = json_strdup(lv->attrs, "event.name")) != NULL)
		;
	else if (s != NULL)
		ev->name = first_line(s, NAME_MAX_);
	else
		ev->name = xstrdup(sev != NULL ? sev : "log");
	if (lv->sev_num >= SEV_ERROR)
		ev->error = s != NULL ? first_line(s, ERROR_MAX) :
		    xstrdup(sev != NULL ? sev : "error");
	if (lv->trace[0] != '\0')
		ev->execution_id = xstrdup(lv->trace);
	if (lv->sev_num >= 1 && lv->sev_num <= 24)
		ev->severity = lv->sev_num;
	if (lv->time_ns > 0 || lv->observed_ns > 0)
		ev->ts = (int64_t)((lv->time_ns > 0 ? lv->time_ns :
		    lv->observed_ns) / 1000);
	fill_origin(ev, lv->attrs, og);
}

int
fmt_otlp_logs_protobuf(struct dctx *d, const uint8_t *buf, size_t len,
    char **cause)
{
	Teltop__Otlp__ExportLogsServiceRequest	*req;
	Teltop__Otlp__ResourceLogs		*rl;
	Teltop__Otlp__ScopeLogs			*sl;
	Teltop__Otlp__LogRecord			*lr;
	struct log_view				 lv;
	struct origin				 og;
	char					*scope, *ename, *stext;
	char					 text[24];
	size_t					 i, j, k;

	req = teltop__otlp__export_logs_service_request__unpack(NULL, len,
	    buf);
	if (req == NULL) {
		*cause = xasprintf("malformed protobuf: not an OTLP "
		    "ExportLogsServiceRequest (%zu bytes)", len);
		return -1;
	}
	for (i = 0; i < req->n_resource_logs; i++) {
		rl = req->resource_logs[i];
		origin_pb(&og, rl->resource);
		for (j = 0; j < rl->n_scope_logs; j++) {
			sl = rl->scope_logs[j];
			og.scope = scope = pb_scope(sl->scope);
			for (k = 0; k < sl->n_log_records; k++) {
				lr = sl->log_records[k];
				memset(&lv, 0, sizeof lv);
				lv.attrs = otlp_pb_kvs(lr->attributes,
				    lr->n_attributes, 0);
				lv.body = lr->body != NULL ?
				    otlp_pb_any(lr->body, 0) : NULL;
				ename = lr->event_name != NULL ?
				    tt_utf8_dup(lr->event_name) : NULL;
				stext = lr->severity_text != NULL ?
				    tt_utf8_dup(lr->severity_text) : NULL;
				lv.event_name = ename;
				lv.sev_text = stext;
				lv.sev_num = lr->severity_number;
				otlp_hex(lr->trace_id.data, lr->trace_id.len,
				    lv.trace, sizeof lv.trace);
				otlp_hex(lr->span_id.data, lr->span_id.len,
				    lv.span, sizeof lv.span);
				snprintf(text, sizeof text, "%" PRIu64,
				    lr->time_unix_nano);
				lv.time_ns = otlp_ns(lr->time_unix_nano,
				    "timeUnixNano", text, lv.bad[0],
				    sizeof lv.bad[0]);
				snprintf(text, sizeof text, "%" PRIu64,
				    lr->observed_time_unix_nano);
				lv.observed_ns = otlp_ns(
				    lr->observed_time_unix_nano,
				    "observedTimeUnixNano", text, lv.bad[1],
				    sizeof lv.bad[1]);
				log_event(d, &lv, &og, "otlp-logs-protobuf");
				cJSON_Delete(lv.attrs);
				cJSON_Delete(lv.body);
				free(ename);
				free(stext);
			}
			free(scope);
		}
		cJSON_Delete(og.resource);
	}
	teltop__otlp__export_logs_service_request__free_unpacked(req, NULL);
	return 0;
}

/* Is v absent or an array (what OTLP/JSON's repeated fields must be)? */
static int
array_or_absent(const cJSON *v)
{
	return v == NULL || cJSON_IsArray(v);
}

/*
 * Walk resource -> scope -> items of OTLP/JSON: top names the resources'
 * array, scopes the scopes' in each, items the items' in each; fn gets
 * every item that is an object.  Shapes that are not are rejected.
 */
static int
js_walk(struct dctx *d, const cJSON *root, int top, int scopes, int items,
    const char *what, void (*fn)(struct dctx *, const cJSON *,
    const struct origin *), char **cause)
{
	const cJSON	*f[SIG_COUNT], *fr[SIG_COUNT], *fs[SIG_COUNT];
	const cJSON	*fx[SIG_COUNT], *r, *sc, *it;
	struct origin	 og;

	json_fields(root, &fmt_otlp_signal_names, f);
	if (!cJSON_IsArray(f[top])) {
		*cause = xasprintf("\"%s\" is not an array", sig_names[top]);
		return -1;
	}
	cJSON_ArrayForEach(r, f[top]) {
		json_fields(r, &fmt_otlp_signal_names, fr);
		if (!cJSON_IsObject(r) || !array_or_absent(fr[scopes])) {
			tt_batch_reject(d->batch, "OTLP resource item is not "
			    "an object with an array of scopes");
			continue;
		}
		memset(&og, 0, sizeof og);
		json_fields(fr[SIG_RESOURCE], &fmt_otlp_signal_names, fx);
		origin_set(&og, otlp_js_kvs(fx[SIG_ATTRIBUTES]));
		cJSON_ArrayForEach(sc, fr[scopes]) {
			json_fields(sc, &fmt_otlp_signal_names, fs);
			if (!cJSON_IsObject(sc) || !array_or_absent(fs[items])) {
				tt_batch_reject(d->batch, "OTLP scope item is "
				    "not an object with an array");
				continue;
			}
			json_fields(fs[SIG_SCOPE], &fmt_otlp_signal_names, fx);
			og.scope = json_vstr(fx[SIG_NAME]);
			cJSON_ArrayForEach(it, fs[items]) {
				if (!cJSON_IsObject(it)) {
					tt_batch_reject(d->batch, what);
					continue;
				}
				fn(d, it, &og);
			}
		}
		cJSON_Delete(og.resource);
	}
	return 0;
}

static void
js_log(struct dctx *d, const cJSON *rec, const struct origin *og)
{
	const cJSON	*f[SIG_COUNT];
	struct log_view	 lv;

	json_fields(rec, &fmt_otlp_signal_names, f);
	memset(&lv, 0, sizeof lv);
	lv.attrs = otlp_js_kvs(f[SIG_ATTRIBUTES]);
	lv.body = f[SIG_BODY] != NULL ? otlp_js_any(f[SIG_BODY]) : NULL;
	lv.event_name = json_vstr(f[SIG_EVENT_NAME]);
	lv.sev_text = json_vstr(f[SIG_SEVERITY_TEXT]);
	if (json_vint(f[SIG_SEVERITY_NUMBER], &lv.sev_num) != 0)
		lv.sev_num = 0;
	otlp_lower_id(json_vstr(f[SIG_TRACE_ID]), lv.trace, sizeof lv.trace);
	otlp_lower_id(json_vstr(f[SIG_SPAN_ID]), lv.span, sizeof lv.span);
	lv.time_ns = otlp_js_nanos(f[SIG_TIME], "timeUnixNano", lv.bad[0],
	    sizeof lv.bad[0]);
	lv.observed_ns = otlp_js_nanos(f[SIG_OBSERVED_TIME],
	    "observedTimeUnixNano", lv.bad[1], sizeof lv.bad[1]);
	log_event(d, &lv, og, "otlp-logs-json");
	cJSON_Delete(lv.attrs);
	cJSON_Delete(lv.body);
}

int
fmt_otlp_logs_json(struct dctx *d, const cJSON *root, char **cause)
{
	return js_walk(d, root, SIG_RESOURCE_LOGS, SIG_SCOPE_LOGS,
	    SIG_LOG_RECORDS, "OTLP log record is not an object", js_log,
	    cause);
}

/* ---- metrics ---- */

/* What a metric says about each of its points. */
struct metric_view {
	const char	*name;
	const char	*description;
	const char	*unit;
	const char	*kind;		/* "gauge", "sum", ... */
	int64_t		 temporality;	/* 1 delta, 2 cumulative, 0 none */
	int		 monotonic;	/* -1: not a sum */
};

/*
 * One data point: o holds its kind's own members (value, count, ...);
 * they are put together with the metric's and the origin's into its event.
 */
static void
point_event(struct dctx *d, const struct metric_view *mv, cJSON *o,
    cJSON *attrs, uint64_t start_ns, uint64_t time_ns,
    const struct origin *og, const char *format, const char *bad)
{
	struct tt_event	*ev;
	const cJSON	*c;
	cJSON		*e;

	e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "signal", "metric");
	cJSON_AddStringToObject(e, "name", mv->name);
	if (mv->description != NULL && mv->description[0] != '\0')
		cJSON_AddStringToObject(e, "description", mv->description);
	if (mv->unit != NULL && mv->unit[0] != '\0')
		cJSON_AddStringToObject(e, "unit", mv->unit);
	cJSON_AddStringToObject(e, "kind", mv->kind);
	if (mv->temporality == 1 || mv->temporality == 2)
		cJSON_AddStringToObject(e, "temporality",
		    mv->temporality == 1 ? "delta" : "cumulative");
	if (mv->monotonic >= 0)
		cJSON_AddBoolToObject(e, "monotonic", mv->monotonic);
	cJSON_ArrayForEach(c, o)
		cJSON_AddItemToObject(e, c->string, cJSON_Duplicate(c, 1));
	cJSON_AddItemToObject(e, "attributes", cJSON_Duplicate(attrs, 1));
	add_nanos(e, "startTimeUnixNano", start_ns);
	add_nanos(e, "timeUnixNano", time_ns);
	add_origin(e, og);
	ev = fmt_new_event(d, e, format, og->source);
	cJSON_Delete(e);
	if (ev == NULL)
		return;
	if (bad != NULL && bad[0] != '\0')
		tt_event_note(ev, "%s", bad);
	ev->name = xstrdup(mv->name[0] != '\0' ? mv->name : "metric");
	if (time_ns > 0)
		ev->ts = (int64_t)(time_ns / 1000);
	fill_origin(ev, attrs, og);
}

/* The protobuf times of a point, checked (bad says why one was not). */
static void
pb_times(uint64_t start, uint64_t time, uint64_t *s, uint64_t *t,
    char *bad, size_t len)
{
	char	text[24];

	snprintf(text, sizeof text, "%" PRIu64, start);
	*s = otlp_ns(start, "startTimeUnixNano", text, bad, len);
	snprintf(text, sizeof text, "%" PRIu64, time);
	*t = otlp_ns(time, "timeUnixNano", text, bad, len);
}

/* A number point of a gauge or a sum. */
static void
pb_number(struct dctx *d, const struct metric_view *mv,
    const Teltop__Otlp__NumberDataPoint *p, const struct origin *og)
{
	cJSON		*o, *attrs;
	uint64_t	 s, t;
	char		 bad[96] = "";

	o = cJSON_CreateObject();
	if (p->value_case == TELTOP__OTLP__NUMBER_DATA_POINT__VALUE_AS_INT)
		cJSON_AddNumberToObject(o, "value", (double)p->as_int);
	else if (p->value_case ==
	    TELTOP__OTLP__NUMBER_DATA_POINT__VALUE_AS_DOUBLE)
		cJSON_AddNumberToObject(o, "value", p->as_double);
	attrs = otlp_pb_kvs(p->attributes, p->n_attributes, 0);
	pb_times(p->start_time_unix_nano, p->time_unix_nano, &s, &t, bad,
	    sizeof bad);
	point_event(d, mv, o, attrs, s, t, og, "otlp-metrics-protobuf", bad);
	cJSON_Delete(attrs);
	cJSON_Delete(o);
}

/* An array of n doubles (or, with u, of n unsigned counts). */
static cJSON *
numbers(const double *v, const uint64_t *u, size_t n)
{
	cJSON	*a = cJSON_CreateArray();
	size_t	 i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateNumber(u != NULL ?
		    (double)u[i] : v[i]));
	return a;
}

static void
pb_metric(struct dctx *d, const Teltop__Otlp__Metric *m,
    const struct origin *og)
{
	const Teltop__Otlp__HistogramDataPoint			*hp;
	const Teltop__Otlp__ExponentialHistogramDataPoint	*ep;
	const Teltop__Otlp__SummaryDataPoint			*sp;
	struct metric_view	 mv;
	char			*name, *desc, *unit, bad[96];
	cJSON			*o, *attrs, *q, *a;
	uint64_t		 s, t;
	size_t			 i, k;

	name = tt_utf8_dup(m->name != NULL ? m->name : "");
	desc = m->description != NULL ? tt_utf8_dup(m->description) : NULL;
	unit = m->unit != NULL ? tt_utf8_dup(m->unit) : NULL;
	memset(&mv, 0, sizeof mv);
	mv.name = name;
	mv.description = desc;
	mv.unit = unit;
	mv.monotonic = -1;
	switch (m->data_case) {
	case TELTOP__OTLP__METRIC__DATA_GAUGE:
		mv.kind = "gauge";
		for (i = 0; i < m->gauge->n_data_points; i++)
			pb_number(d, &mv, m->gauge->data_points[i], og);
		break;
	case TELTOP__OTLP__METRIC__DATA_SUM:
		mv.kind = "sum";
		mv.temporality = m->sum->aggregation_temporality;
		mv.monotonic = m->sum->is_monotonic != 0;
		for (i = 0; i < m->sum->n_data_points; i++)
			pb_number(d, &mv, m->sum->data_points[i], og);
		break;
	case TELTOP__OTLP__METRIC__DATA_HISTOGRAM:
		mv.kind = "histogram";
		mv.temporality = m->histogram->aggregation_temporality;
		for (i = 0; i < m->histogram->n_data_points; i++) {
			hp = m->histogram->data_points[i];
			o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "count", (double)hp->count);
			cJSON_AddNumberToObject(o, "sum", hp->sum);
			cJSON_AddNumberToObject(o, "min", hp->min);
			cJSON_AddNumberToObject(o, "max", hp->max);
			cJSON_AddItemToObject(o, "bucketCounts", numbers(NULL,
			    hp->bucket_counts, hp->n_bucket_counts));
			cJSON_AddItemToObject(o, "explicitBounds", numbers(
			    hp->explicit_bounds, NULL, hp->n_explicit_bounds));
			attrs = otlp_pb_kvs(hp->attributes, hp->n_attributes,
			    0);
			bad[0] = '\0';
			pb_times(hp->start_time_unix_nano, hp->time_unix_nano,
			    &s, &t, bad, sizeof bad);
			point_event(d, &mv, o, attrs, s, t, og,
			    "otlp-metrics-protobuf", bad);
			cJSON_Delete(attrs);
			cJSON_Delete(o);
		}
		break;
	case TELTOP__OTLP__METRIC__DATA_EXPONENTIAL_HISTOGRAM:
		mv.kind = "exponential_histogram";
		mv.temporality =
		    m->exponential_histogram->aggregation_temporality;
		for (i = 0; i < m->exponential_histogram->n_data_points; i++) {
			ep = m->exponential_histogram->data_points[i];
			o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "count", (double)ep->count);
			cJSON_AddNumberToObject(o, "sum", ep->sum);
			cJSON_AddNumberToObject(o, "min", ep->min);
			cJSON_AddNumberToObject(o, "max", ep->max);
			cJSON_AddNumberToObject(o, "scale", ep->scale);
			cJSON_AddNumberToObject(o, "zeroCount",
			    (double)ep->zero_count);
			attrs = otlp_pb_kvs(ep->attributes, ep->n_attributes,
			    0);
			bad[0] = '\0';
			pb_times(ep->start_time_unix_nano, ep->time_unix_nano,
			    &s, &t, bad, sizeof bad);
			point_event(d, &mv, o, attrs, s, t, og,
			    "otlp-metrics-protobuf", bad);
			cJSON_Delete(attrs);
			cJSON_Delete(o);
		}
		break;
	case TELTOP__OTLP__METRIC__DATA_SUMMARY:
		mv.kind = "summary";
		for (i = 0; i < m->summary->n_data_points; i++) {
			sp = m->summary->data_points[i];
			o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "count", (double)sp->count);
			cJSON_AddNumberToObject(o, "sum", sp->sum);
			a = cJSON_AddArrayToObject(o, "quantiles");
			for (k = 0; k < sp->n_quantile_values; k++) {
				q = cJSON_CreateObject();
				cJSON_AddNumberToObject(q, "quantile",
				    sp->quantile_values[k]->quantile);
				cJSON_AddNumberToObject(q, "value",
				    sp->quantile_values[k]->value);
				cJSON_AddItemToArray(a, q);
			}
			attrs = otlp_pb_kvs(sp->attributes, sp->n_attributes,
			    0);
			bad[0] = '\0';
			pb_times(sp->start_time_unix_nano, sp->time_unix_nano,
			    &s, &t, bad, sizeof bad);
			point_event(d, &mv, o, attrs, s, t, og,
			    "otlp-metrics-protobuf", bad);
			cJSON_Delete(attrs);
			cJSON_Delete(o);
		}
		break;
	default:
		tt_batch_reject(d->batch, "OTLP metric has no data points of "
		    "a known kind");
		break;
	}
	free(name);
	free(desc);
	free(unit);
}

int
fmt_otlp_metrics_protobuf(struct dctx *d, const uint8_t *buf, size_t len,
    char **cause)
{
	Teltop__Otlp__ExportMetricsServiceRequest	*req;
	Teltop__Otlp__ResourceMetrics			*rm;
	Teltop__Otlp__ScopeMetrics			*sm;
	struct origin					 og;
	char						*scope;
	size_t						 i, j, k;

	req = teltop__otlp__export_metrics_service_request__unpack(NULL, len,
	    buf);
	if (req == NULL) {
		*cause = xasprintf("malformed protobuf: not an OTLP "
		    "ExportMetricsServiceRequest (%zu bytes)", len);
		return -1;
	}
	for (i = 0; i < req->n_resource_metrics; i++) {
		rm = req->resource_metrics[i];
		origin_pb(&og, rm->resource);
		for (j = 0; j < rm->n_scope_metrics; j++) {
			sm = rm->scope_metrics[j];
			og.scope = scope = pb_scope(sm->scope);
			for (k = 0; k < sm->n_metrics; k++)
				pb_metric(d, sm->metrics[k], &og);
			free(scope);
		}
		cJSON_Delete(og.resource);
	}
	teltop__otlp__export_metrics_service_request__free_unpacked(req, NULL);
	return 0;
}

/* A JSON number, or a decimal string of one (OTLP/JSON's 64-bit ints). */
static int
js_number(const cJSON *v, double *out)
{
	char	*end;

	if (cJSON_IsNumber(v)) {
		*out = v->valuedouble;
		return 0;
	}
	if (cJSON_IsString(v) && v->valuestring[0] != '\0') {
		*out = strtod(v->valuestring, &end);
		return *end == '\0' ? 0 : -1;
	}
	return -1;
}

/* Copy the numeric member key of p into o, read as js_number(). */
static void
copy_number(cJSON *o, const char *key, const cJSON *v)
{
	double	n;

	if (v != NULL && js_number(v, &n) == 0)
		cJSON_AddNumberToObject(o, key, n);
}

/* Copy an array of numbers (or numeric strings) into o. */
static void
copy_numbers(cJSON *o, const char *key, const cJSON *arr)
{
	const cJSON	*e;
	cJSON		*a;
	double		 n;

	if (!cJSON_IsArray(arr))
		return;
	a = cJSON_AddArrayToObject(o, key);
	cJSON_ArrayForEach(e, arr)
		if (js_number(e, &n) == 0)
			cJSON_AddItemToArray(a, cJSON_CreateNumber(n));
}

static void
js_metric(struct dctx *d, const cJSON *m, const struct origin *og)
{
	static const struct {
		int		 field;
		const char	*kind;
	} kinds[] = {
		{ SIG_GAUGE, "gauge" }, { SIG_SUM, "sum" },
		{ SIG_HISTOGRAM, "histogram" },
		{ SIG_EXPONENTIAL_HISTOGRAM, "exponential_histogram" },
		{ SIG_SUMMARY, "summary" },
	};
	const cJSON		*f[SIG_COUNT], *fk[SIG_COUNT], *fp[SIG_COUNT];
	const cJSON		*fq[SIG_COUNT], *data = NULL, *p, *qv;
	struct metric_view	 mv;
	cJSON			*o, *attrs, *a, *q;
	uint64_t		 s, t;
	char			 bad[96];
	size_t			 i;
	int			 b;

	json_fields(m, &fmt_otlp_signal_names, f);
	memset(&mv, 0, sizeof mv);
	mv.name = json_vstr(f[SIG_NAME]) != NULL ? json_vstr(f[SIG_NAME]) :
	    "";
	mv.description = json_vstr(f[SIG_DESCRIPTION]);
	mv.unit = json_vstr(f[SIG_UNIT]);
	mv.monotonic = -1;
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (cJSON_IsObject(f[kinds[i].field])) {
			data = f[kinds[i].field];
			mv.kind = kinds[i].kind;
			break;
		}
	json_fields(data, &fmt_otlp_signal_names, fk);
	if (data == NULL || !cJSON_IsArray(fk[SIG_DATA_POINTS])) {
		tt_batch_reject(d->batch, "OTLP metric has no data points of "
		    "a known kind");
		return;
	}
	if (json_vint(fk[SIG_AGGREGATION_TEMPORALITY], &mv.temporality) != 0)
		mv.temporality = 0;
	if (kinds[i].field == SIG_SUM)
		mv.monotonic = cJSON_IsTrue(fk[SIG_IS_MONOTONIC]);
	cJSON_ArrayForEach(p, fk[SIG_DATA_POINTS]) {
		if (!cJSON_IsObject(p)) {
			tt_batch_reject(d->batch, "OTLP data point is not an "
			    "object");
			continue;
		}
		json_fields(p, &fmt_otlp_signal_names, fp);
		o = cJSON_CreateObject();
		copy_number(o, "value", fp[SIG_AS_INT] != NULL ?
		    fp[SIG_AS_INT] : fp[SIG_AS_DOUBLE]);
		copy_number(o, "count", fp[SIG_CNT]);
		copy_number(o, "sum", fp[SIG_SUM]);
		copy_number(o, "min", fp[SIG_MIN]);
		copy_number(o, "max", fp[SIG_MAX]);
		copy_numbers(o, "bucketCounts", fp[SIG_BUCKET_COUNTS]);
		copy_numbers(o, "explicitBounds", fp[SIG_EXPLICIT_BOUNDS]);
		copy_number(o, "scale", fp[SIG_SCALE]);
		copy_number(o, "zeroCount", fp[SIG_ZERO_COUNT]);
		if (cJSON_IsArray(fp[SIG_QUANTILE_VALUES])) {
			a = cJSON_AddArrayToObject(o, "quantiles");
			cJSON_ArrayForEach(qv, fp[SIG_QUANTILE_VALUES]) {
				json_fields(qv, &fmt_otlp_signal_names, fq);
				q = cJSON_CreateObject();
				copy_number(q, "quantile", fq[SIG_QUANTILE]);
				copy_number(q, "value", fq[SIG_VALUE]);
				cJSON_AddItemToArray(a, q);
			}
		}
		attrs = otlp_js_kvs(fp[SIG_ATTRIBUTES]);
		bad[0] = '\0';
		s = otlp_js_nanos(fp[SIG_START_TIME], "startTimeUnixNano", bad,
		    sizeof bad);
		t = otlp_js_nanos(fp[SIG_TIME], "timeUnixNano", bad,
		    sizeof bad);
		b = bad[0] != '\0';
		point_event(d, &mv, o, attrs, s, t, og, "otlp-metrics-json",
		    b ? bad : NULL);
		cJSON_Delete(attrs);
		cJSON_Delete(o);
	}
}

int
fmt_otlp_metrics_json(struct dctx *d, const cJSON *root, char **cause)
{
	return js_walk(d, root, SIG_RESOURCE_METRICS, SIG_SCOPE_METRICS,
	    SIG_METRICS, "OTLP metric is not an object", js_metric, cause);
}
