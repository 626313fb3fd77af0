/*
 * A stored event as JSON, the object `teltop events` prints and the
 * collector's /v1/stream and GET /v1/events send, and back: a viewer on
 * another process or machine reads the events it is sent with
 * tt_event_from_json.  The delta of a committed event (what it changed in
 * the stats model) travels the same way to the viewers that keep one.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "decode.h"
#include "eventjson.h"
#include "stats.h"
#include "utf8.h"
#include "xmalloc.h"

static void
add_str(cJSON *o, const char *k, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

/* A time as RFC 3339, or null when it has none a date can show. */
static void
add_time(cJSON *o, const char *k, int64_t us)
{
	char	buf[40];

	if (tt_time_format(us, buf, sizeof buf) == 0)
		cJSON_AddStringToObject(o, k, buf);
	else
		cJSON_AddNullToObject(o, k);
}

void
tt_json_add_int(cJSON *o, const char *key, int64_t v)
{
	if (v == TT_NONE)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, (double)v);
}

void
tt_json_add_num(cJSON *o, const char *key, double v)
{
	if (v == TT_NONE || !isfinite(v))
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, v);
}

/* JSON text member: embedded as JSON, else as a string. */
static void
add_json(cJSON *o, const char *k, const char *text, int empty_array)
{
	cJSON	*v = NULL;

	if (text != NULL)
		v = cJSON_Parse(text);
	if (v == NULL && text != NULL)
		v = cJSON_CreateString(text);
	if (v == NULL)
		v = empty_array ? cJSON_CreateArray() : cJSON_CreateNull();
	cJSON_AddItemToObject(o, k, v);
}

/* Captured events: "via":"capture", the host and the request. */
static void
add_capture(cJSON *o, const char *capture)
{
	cJSON	*req = cJSON_Parse(capture), *host;

	cJSON_AddStringToObject(o, "via", "capture");
	host = cJSON_GetObjectItemCaseSensitive(req, "host");
	add_str(o, "host", cJSON_IsString(host) ? host->valuestring : NULL);
	if (req != NULL)
		cJSON_AddItemToObject(o, "request", req);
}

cJSON *
tt_event_object(const struct tt_event *ev)
{
	cJSON	*o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "id", (double)ev->id);
	add_time(o, "received_at", ev->received_at);
	add_time(o, "ts", ev->ts);
	add_str(o, "source", tt_source_name(ev->source));
	add_str(o, "format", ev->format);
	add_str(o, "name", ev->name);
	add_str(o, "phase", tt_phase_name(ev->phase));
	add_str(o, "client_id", ev->client_id);
	add_str(o, "execution_id", ev->execution_id);
	add_str(o, "command", ev->command);
	tt_json_add_num(o, "duration_ms", ev->duration_ms);
	tt_json_add_int(o, "exit_code", ev->exit_code);
	add_str(o, "error", ev->error);
	add_str(o, "version", ev->version);
	add_str(o, "os", ev->os);
	add_str(o, "arch", ev->arch);
	tt_json_add_int(o, "severity", ev->severity);
	add_json(o, "pii", ev->pii, 1);
	add_json(o, "raw", ev->data, 0);
	if (ev->capture != NULL)
		add_capture(o, ev->capture);
	return o;
}

char *
tt_json_line(const cJSON *o, size_t *len)
{
	char	*s;
	size_t	 n;

	if ((s = cJSON_PrintUnformatted(o)) == NULL)
		fatal("out of memory");
	n = strlen(s);
	s = tt_utf8_json(s, &n);
	if (len != NULL)
		*len = n;
	return s;
}

char *
tt_event_json(const struct tt_event *ev, size_t *len)
{
	cJSON	*o = tt_event_object(ev);
	char	*s = tt_json_line(o, len);

	cJSON_Delete(o);
	return s;
}

/* ---- back from JSON ---- */

static const cJSON *
member(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* A string member, copied; NULL when null or absent; -1 when not one. */
static int
get_str(const cJSON *o, const char *k, char **out)
{
	const cJSON	*v = member(o, k);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return -1;
	*out = xstrdup(v->valuestring);
	return 0;
}

/* A string member as it is; NULL when absent or not a string. */
static const char *
get_text(const cJSON *o, const char *k)
{
	const cJSON	*v = member(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A number member that is a whole int64; null or absent: TT_NONE. */
static int
get_int(const cJSON *o, const char *k, int64_t *out)
{
	const cJSON	*v = member(o, k);

	*out = TT_NONE;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= -9.2e18 &&
	    v->valuedouble <= 9.2e18) || v->valuedouble !=
	    floor(v->valuedouble))
		return -1;
	*out = (int64_t)v->valuedouble;
	return 0;
}

static int
get_num(const cJSON *o, const char *k, double *out)
{
	const cJSON	*v = member(o, k);

	*out = TT_NONE;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return -1;
	*out = v->valuedouble;
	return 0;
}

/* An RFC 3339 member; null or absent: 0, as an event without one. */
static int
get_time(const cJSON *o, const char *k, int64_t *out)
{
	const cJSON	*v = member(o, k);

	*out = 0;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) || tt_time_parse(v->valuestring, out) != 0)
		return -1;
	return 0;
}

/* A JSON member kept as text: the array or object printed. */
static char *
text_of(const cJSON *v, size_t *len)
{
	char	*s;

	if (cJSON_IsString(v))
		s = xstrdup(v->valuestring);
	else if ((s = cJSON_PrintUnformatted(v)) == NULL)
		fatal("out of memory");
	if (len != NULL)
		*len = strlen(s);
	return s;
}

int
tt_event_from_json(const cJSON *o, struct tt_event *ev, char **cause)
{
	const cJSON	*v;
	const char	*bad = NULL, *text;
	int64_t		 id;

	tt_event_init(ev);
	*cause = NULL;
	if (!cJSON_IsObject(o)) {
		*cause = xstrdup("an event is a JSON object");
		return -1;
	}
	if (get_int(o, "id", &id) != 0 || id == TT_NONE || id < 0)
		bad = "id";
	else
		ev->id = id;
	if (bad == NULL && get_time(o, "received_at", &ev->received_at) != 0)
		bad = "received_at";
	if (bad == NULL && get_time(o, "ts", &ev->ts) != 0)
		bad = "ts";
	if (bad == NULL && ((text = get_text(o, "source")) == NULL ||
	    tt_source_parse(text, &ev->source) != 0))
		bad = "source";
	if (bad == NULL && (text = get_text(o, "format")) == NULL)
		bad = "format";
	else if (bad == NULL)
		ev->format = tt_format_static(text);
	if (bad == NULL && ((text = get_text(o, "phase")) == NULL ||
	    tt_phase_parse(text, &ev->phase) != 0))
		bad = "phase";
	if (bad == NULL && get_str(o, "name", &ev->name) != 0)
		bad = "name";
	if (bad == NULL && get_str(o, "client_id", &ev->client_id) != 0)
		bad = "client_id";
	if (bad == NULL && get_str(o, "execution_id", &ev->execution_id) != 0)
		bad = "execution_id";
	if (bad == NULL && get_str(o, "command", &ev->command) != 0)
		bad = "command";
	if (bad == NULL && get_num(o, "duration_ms", &ev->duration_ms) != 0)
		bad = "duration_ms";
	if (bad == NULL && get_int(o, "exit_code", &ev->exit_code) != 0)
		bad = "exit_code";
	if (bad == NULL && get_str(o, "error", &ev->error) != 0)
		bad = "error";
	if (bad == NULL && get_str(o, "version", &ev->version) != 0)
		bad = "version";
	if (bad == NULL && get_str(o, "os", &ev->os) != 0)
		bad = "os";
	if (bad == NULL && get_str(o, "arch", &ev->arch) != 0)
		bad = "arch";
	if (bad == NULL && get_int(o, "severity", &ev->severity) != 0)
		bad = "severity";
	if (bad == NULL && (v = member(o, "pii")) != NULL &&
	    !cJSON_IsNull(v)) {
		if (!cJSON_IsArray(v))
			bad = "pii";
		else if (cJSON_GetArraySize(v) > 0)
			ev->pii = text_of(v, NULL);
	}
	if (bad == NULL && (v = member(o, "raw")) != NULL && !cJSON_IsNull(v))
		ev->data = text_of(v, &ev->data_len);
	if (bad == NULL && (v = member(o, "request")) != NULL &&
	    cJSON_IsObject(v))
		ev->capture = text_of(v, NULL);
	if (bad != NULL) {
		*cause = xasprintf("the event's \"%s\" is not what teltop "
		    "events prints", bad);
		tt_event_clear(ev);
		return -1;
	}
	return 0;
}

/* ---- the stats delta ---- */

cJSON *
tt_delta_object(const struct tt_stats_delta *d)
{
	cJSON	*o = cJSON_CreateObject();

	add_str(o, "source", tt_source_name(d->source));
	tt_json_add_int(o, "ts", d->ts);
	cJSON_AddStringToObject(o, "day", d->day);
	cJSON_AddBoolToObject(o, "new_client", d->new_client != 0);
	cJSON_AddBoolToObject(o, "summary", d->summary != 0);
	add_str(o, "command", d->command);
	cJSON_AddBoolToObject(o, "finished", d->finished != 0);
	cJSON_AddBoolToObject(o, "failed", d->failed != 0);
	tt_json_add_int(o, "duration_ms", d->duration_ms);
	cJSON_AddNumberToObject(o, "open", d->open);
	tt_json_add_int(o, "start_ts", d->start_ts);
	add_str(o, "metric", d->metric);
	add_str(o, "metric_kind", d->metric_kind);
	add_str(o, "metric_unit", d->metric_unit);
	tt_json_add_num(o, "metric_value", isnan(d->metric_value) ? TT_NONE :
	    d->metric_value);
	return o;
}

static int
get_bool(const cJSON *o, const char *k)
{
	return cJSON_IsTrue(member(o, k));
}

int
tt_delta_from_json(const cJSON *o, struct tt_stats_delta *d, char **cause)
{
	const cJSON	*v;
	char		*s = NULL;
	int64_t		 open;
	const char	*bad = NULL;

	tt_stats_delta_init(d);
	*cause = NULL;
	if (!cJSON_IsObject(o))
		bad = "delta";
	else if (get_str(o, "source", &s) != 0 || s == NULL ||
	    tt_source_parse(s, &d->source) != 0)
		bad = "source";
	free(s);
	if (bad == NULL && get_int(o, "ts", &d->ts) != 0)
		bad = "ts";
	if (bad == NULL && (!cJSON_IsString(v = member(o, "day")) ||
	    strlen(v->valuestring) >= sizeof d->day))
		bad = "day";
	else if (bad == NULL)
		strcpy(d->day, v->valuestring);
	if (bad == NULL && get_str(o, "command", &d->command) != 0)
		bad = "command";
	if (bad == NULL && (get_int(o, "duration_ms", &d->duration_ms) != 0 ||
	    get_int(o, "start_ts", &d->start_ts) != 0))
		bad = "duration_ms";
	if (bad == NULL && (get_int(o, "open", &open) != 0 || open < -1 ||
	    open > 1))
		bad = "open";
	if (bad == NULL && (get_str(o, "metric", &d->metric) != 0 ||
	    get_str(o, "metric_kind", &d->metric_kind) != 0 ||
	    get_str(o, "metric_unit", &d->metric_unit) != 0 ||
	    get_num(o, "metric_value", &d->metric_value) != 0))
		bad = "metric";
	if (bad != NULL) {
		*cause = xasprintf("the delta's \"%s\" is not one", bad);
		tt_stats_delta_clear(d);
		return -1;
	}
	d->open = (int)open;
	if (d->metric_value == TT_NONE)
		d->metric_value = NAN;
	/* a metric point carries all three, as tt_metric_point sets them */
	if (d->metric != NULL && (d->metric_kind == NULL ||
	    d->metric_unit == NULL)) {
		if (d->metric_kind == NULL)
			d->metric_kind = xstrdup("");
		if (d->metric_unit == NULL)
			d->metric_unit = xstrdup("");
	}
	d->new_client = get_bool(o, "new_client");
	d->summary = get_bool(o, "summary");
	d->finished = get_bool(o, "finished");
	d->failed = get_bool(o, "failed");
	return 0;
}
