/*
 * A stored event as JSON, the object `teltop events` prints and the
 * collector's /v1/stream and GET /v1/history send, and back: a viewer on
 * another process or machine reads the events it is sent with
 * tt_event_from_json.  The delta of a committed event (what it changed in
 * the stats model) travels the same way to the viewers that keep one.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "decode.h"
#include "eventjson.h"
#include "json.h"
#include "jsonscan.h"
#include "stats.h"
#include "utf8.h"
#include "xmalloc.h"

void
tt_json_add_int(cJSON *o, const char *key, int64_t v)
{
	if (v == TT_NONE)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, (double)v);
}

/*
 * The line is written by hand, not through a cJSON tree: a viewer's
 * stream costs the collector one of these per committed event, and
 * cJSON's printer (a tree, and sprintf then sscanf for each number) was
 * most of that cost.  Strings are escaped as cJSON escapes them; a number
 * is written exactly (whole ones as integers, the rest in the fewest of 15
 * or 17 digits that read back the same: cJSON's printer rounds some, 0.3
 * for 0.30000000000000004); raw and pii, which are JSON text already, are
 * checked to be JSON and put in as they are, so raw is the bytes the tool
 * sent when it was JSON, not a reprint of them.  Numbers are written with
 * a '.' whatever the locale: the UI sets LC_NUMERIC to C.
 */
struct jw {
	char	*p;
	size_t	 len, cap;
};

static void
jw_grow(struct jw *w, size_t n)
{
	if (w->len + n + 1 <= w->cap)
		return;
	while (w->len + n + 1 > w->cap)
		w->cap = w->cap == 0 ? 1024 : w->cap * 2;
	w->p = xrealloc(w->p, w->cap);
}

static void
jw_raw(struct jw *w, const char *s, size_t n)
{
	jw_grow(w, n);
	memcpy(w->p + w->len, s, n);
	w->len += n;
	w->p[w->len] = '\0';
}

static void
jw_lit(struct jw *w, const char *s)
{
	jw_raw(w, s, strlen(s));
}

/* A string as cJSON escapes it. */
static void
jw_str(struct jw *w, const char *s)
{
	size_t	n = strlen(s);

	jw_grow(w, 6 * n + 2);
	w->p[w->len++] = '"';
	w->len += tt_json_escape(s, n, w->p + w->len, 0);
	w->p[w->len++] = '"';
	w->p[w->len] = '\0';
}

/* ,"key": (the first member is written with its "{") */
static void
jw_key(struct jw *w, const char *k)
{
	jw_raw(w, ",\"", 2);
	jw_lit(w, k);
	jw_raw(w, "\":", 2);
}

static void
jw_str_or_null(struct jw *w, const char *k, const char *v)
{
	jw_key(w, k);
	if (v != NULL)
		jw_str(w, v);
	else
		jw_lit(w, "null");
}

static void
jw_int(struct jw *w, const char *k, int64_t v)
{
	char	buf[32];

	jw_key(w, k);
	if (v == TT_NONE)
		jw_lit(w, "null");
	else {
		snprintf(buf, sizeof buf, "%lld", (long long)v);
		jw_lit(w, buf);
	}
}

/* A double exactly: whole ones as integers, else the shorter of 15 or 17
 * digits that reads back the same. */
static void
jw_num(struct jw *w, const char *k, double v)
{
	char	buf[32];
	double	back;

	jw_key(w, k);
	if (v == TT_NONE || !isfinite(v)) {
		jw_lit(w, "null");
		return;
	}
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		snprintf(buf, sizeof buf, "%lld", (long long)v);
	else {
		snprintf(buf, sizeof buf, "%1.15g", v);
		if (sscanf(buf, "%lg", &back) != 1 || back != v)
			snprintf(buf, sizeof buf, "%1.17g", v);
	}
	jw_lit(w, buf);
}

static void
jw_time(struct jw *w, const char *k, int64_t us)
{
	char	buf[40];

	jw_key(w, k);
	if (tt_time_format(us, buf, sizeof buf) == 0)
		jw_str(w, buf);
	else
		jw_lit(w, "null");
}

/*
 * JSON text as it is when it is one JSON value (and has no escape a
 * strict reader refuses, and is no deeper than cJSON parses it one level
 * down, in the line's object); otherwise as a string, or none (empty).
 * A JSON string is put in as a string of its text too: a reader takes a
 * string for the text of a payload that was not JSON (tt_event_from_text),
 * so "a\u00e9" put in as it is would be read back as aé.
 */
static void
jw_json(struct jw *w, const char *k, const char *text, size_t len,
    const char *none)
{
	const char	*end = NULL, *p;
	char		*printed;
	cJSON		*v;
	size_t		 n;

	jw_key(w, k);
	if (text == NULL) {
		jw_lit(w, none);
		return;
	}
	/* cJSON's space: every byte up to ' ' */
	for (p = text, n = len; n > 0 && (unsigned char)*p <= ' '; p++, n--)
		;
	if (n > 0 && *p == '"') {
		jw_str(w, text);
		return;
	}
	if (tt_json_valid_in(text, len, 1) && tt_utf8_escapes_ok(text, len)) {
		/* strict JSON: as it is, but for the space around it */
		while (len > 0 && strchr(" \t\r\n", text[len - 1]) != NULL)
			len--;
		while (len > 0 && strchr(" \t\r\n", *text) != NULL) {
			text++;
			len--;
		}
		jw_raw(w, text, len);
		return;
	}
	/* what cJSON takes but JSON does not (055, a NUL escape): its
	 * reprint, if that fits; anything else: a string */
	v = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (v != NULL && !cJSON_IsString(v) && end != NULL &&
	    (size_t)(end - text) == len &&
	    (printed = cJSON_PrintUnformatted(v)) != NULL) {
		if (tt_json_valid_in(printed, strlen(printed), 1))
			jw_lit(w, printed);
		else
			jw_str(w, text);
		free(printed);
	} else
		jw_str(w, text);
	cJSON_Delete(v);
}

/* Captured events: "via":"capture", the host and the request. */
static void
jw_capture(struct jw *w, const char *capture)
{
	cJSON	*req = cJSON_Parse(capture), *host;

	jw_key(w, "via");
	jw_str(w, "capture");
	host = cJSON_GetObjectItemCaseSensitive(req, "host");
	jw_str_or_null(w, "host", cJSON_IsString(host) ? host->valuestring :
	    NULL);
	if (req != NULL)
		jw_json(w, "request", capture, strlen(capture), "null");
	cJSON_Delete(req);
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

static void
jw_bool(struct jw *w, const char *k, int v)
{
	jw_key(w, k);
	jw_lit(w, v ? "true" : "false");
}

char *
tt_event_json(const struct tt_event *ev, size_t *len)
{
	struct jw	w = { NULL, 0, 0 };
	char		id[32];
	size_t		n;

	snprintf(id, sizeof id, "{\"id\":%lld", (long long)ev->id);
	jw_lit(&w, id);
	jw_time(&w, "received_at", ev->received_at);
	jw_time(&w, "ts", ev->ts);
	jw_str_or_null(&w, "source", tt_source_name(ev->source));
	jw_str_or_null(&w, "format", ev->format);
	jw_str_or_null(&w, "name", ev->name);
	jw_str_or_null(&w, "phase", tt_phase_name(ev->phase));
	jw_str_or_null(&w, "client_id", ev->client_id);
	jw_str_or_null(&w, "execution_id", ev->execution_id);
	jw_str_or_null(&w, "command", ev->command);
	jw_num(&w, "duration_ms", ev->duration_ms);
	jw_int(&w, "exit_code", ev->exit_code);
	jw_str_or_null(&w, "error", ev->error);
	jw_str_or_null(&w, "version", ev->version);
	jw_str_or_null(&w, "os", ev->os);
	jw_str_or_null(&w, "arch", ev->arch);
	jw_int(&w, "severity", ev->severity);
	jw_json(&w, "pii", ev->pii, ev->pii != NULL ? strlen(ev->pii) : 0,
	    "[]");
	jw_json(&w, "raw", ev->data, ev->data_len, "null");
	if (ev->capture != NULL)
		jw_capture(&w, ev->capture);
	if (ev->collector != NULL)
		jw_str_or_null(&w, "collector", ev->collector);
	jw_raw(&w, "}", 1);
	n = w.len;
	w.p = tt_utf8_json(w.p, &n);
	if (len != NULL)
		*len = n;
	return w.p;
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
	if (bad == NULL && get_str(o, "collector", &ev->collector) != 0)
		bad = "collector";
	if (bad != NULL) {
		*cause = xasprintf("the event's \"%s\" is not what teltop "
		    "events prints", bad);
		tt_event_clear(ev);
		return -1;
	}
	return 0;
}

int
tt_event_from_text(const char *s, size_t len, struct tt_event *ev,
    char **cause)
{
	cJSON	*o = cJSON_ParseWithLength(s, len);
	size_t	 off, n;
	int	 rc;

	*cause = NULL;
	if (o == NULL) {
		tt_event_init(ev);
		*cause = xstrdup("an event is a JSON object");
		return -1;
	}
	rc = tt_event_from_json(o, ev, cause);
	/* raw as it was sent, not as cJSON's doubles print it again (a
	 * string is the text of a payload that was not JSON) */
	if (rc == 0 && ev->data != NULL && !cJSON_IsString(member(o, "raw")) &&
	    tt_json_member(s, len, "raw", &off, &n) == 0) {
		free(ev->data);
		ev->data = xstrndup(s + off, n);
		ev->data_len = n;
	}
	cJSON_Delete(o);
	return rc;
}

/* ---- the stats delta ---- */

char *
tt_delta_json(const struct tt_stats_delta *d, size_t *len)
{
	struct jw	w = { NULL, 0, 0 };
	size_t		n;

	jw_lit(&w, "{\"source\":");
	jw_str(&w, tt_source_name(d->source));
	jw_int(&w, "ts", d->ts);
	jw_str_or_null(&w, "day", d->day);
	jw_bool(&w, "new_client", d->new_client);
	jw_bool(&w, "summary", d->summary);
	jw_str_or_null(&w, "command", d->command);
	jw_bool(&w, "finished", d->finished);
	jw_bool(&w, "failed", d->failed);
	jw_int(&w, "duration_ms", d->duration_ms);
	jw_int(&w, "open", d->open);
	jw_int(&w, "start_ts", d->start_ts);
	jw_str_or_null(&w, "metric", d->metric);
	jw_str_or_null(&w, "metric_kind", d->metric_kind);
	jw_str_or_null(&w, "metric_unit", d->metric_unit);
	jw_num(&w, "metric_value", isnan(d->metric_value) ? TT_NONE :
	    d->metric_value);
	jw_raw(&w, "}", 1);
	n = w.len;
	w.p = tt_utf8_json(w.p, &n);
	if (len != NULL)
		*len = n;
	return w.p;
}

/* "YYYY-MM-DD", digits where the digits go (tt_local_day()'s form). */
static int
is_day(const char *s)
{
	int	i;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !(s[i] >= '0' &&
		    s[i] <= '9'))
			return 0;
	return s[10] == '\0';
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
	    !is_day(v->valuestring)))
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
