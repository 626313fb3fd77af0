/*
 * tt_decode(): route and shape -> decoder.  Each route has its own wire
 * format, but real senders stray (Devsy's early body on the PostHog host,
 * werf's flat JSON on /v1/traces), so within JSON the shape of each item
 * decides, and the route only breaks ties.
 *
 * An event's data is the item's own bytes in the body wherever those are
 * usable as they came (formats/span.h), else cJSON's print of the item.
 */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "formats/formats.h"
#include "formats/json.h"
#include "jsonscan.h"
#include "xmalloc.h"

/* Claim an event for a JSON item: size check, then its JSON text. */
struct tt_event *
fmt_new_event(struct dctx *d, const cJSON *item, const char *format,
    enum tt_source src)
{
	struct tt_event	*ev;
	char		*text;
	size_t		 len, off;

	if (span_get(&d->spans, item, &off, &len)) {
		/* The bytes as they came: no print, no repair needed. */
		if (len > d->event_max) {
			tt_batch_reject_size(d->batch, len, d->event_max);
			return NULL;
		}
		text = xmalloc(len + 1);
		memcpy(text, d->body + off, len);
		text[len] = '\0';
	} else {
		off = TT_NOT_IN_BODY;
		text = json_print(item, &len);
		if (len > d->event_max) {
			tt_batch_reject_size(d->batch, len, d->event_max);
			free(text);
			return NULL;
		}
	}
	ev = tt_batch_add(d->batch);
	ev->data_off = off;
	ev->format = format;
	ev->source = src;
	ev->received_at = d->received_at;
	ev->ts = d->received_at;
	ev->data = text;
	ev->data_len = len;
	if (d->opts->findings) {
		tt_privacy_scan_tree(item, &d->findings);
		ev->pii = tt_privacy_json(&d->findings);
	}
	return ev;
}

void
fmt_set_ts(struct dctx *d, struct tt_event *ev, const cJSON *o,
    const char *key, int64_t fallback)
{
	int64_t	us;

	if (o != NULL && json_time(o, key, &us) == 0)
		ev->ts = us;
	else if (fallback > 0)
		ev->ts = fallback;
	else
		ev->ts = d->received_at;
}

/* The members that tell the shapes of items on /v1/events apart. */
#define SHAPE_FIELDS(_) \
	_(API_KEY, "api_key") \
	_(BATCH, "batch") \
	_(CREATED_AT, "created_at") \
	_(DATA, "data") \
	_(DISTINCT_ID, "distinct_id") \
	_(EVENT, "event") \
	_(EVENT_TYPE, "eventType") \
	_(EXECUTIONID, "executionID") \
	_(HISTORICAL_MIGRATION, "historical_migration") \
	_(PROPERTIES, "properties") \
	_(RESOURCE_SPANS, "resourceSpans") \
	_(SENT_AT, "sent_at") \
	_(TYPE, "type") \
	_(USER, "user")

enum {
#define SHAPE_ENUM(id, name) SH_##id,
	SHAPE_FIELDS(SHAPE_ENUM)
#undef SHAPE_ENUM
	SH_COUNT
};

static const char *const shape_names[] = {
#define SHAPE_NAME(id, name) name,
	SHAPE_FIELDS(SHAPE_NAME)
#undef SHAPE_NAME
};

const struct json_names fmt_shape_names = JSON_NAMES("shape", shape_names);

const struct json_names *const fmt_tables[] = {
	&fmt_shape_names, &fmt_posthog_names, &fmt_devpod_names,
	&fmt_otlp_names, &fmt_otlp_signal_names, &fmt_segment_names,
	&fmt_generic_names, NULL
};

/* A PostHog envelope: "batch" of events, or envelope keys? */
static int
is_posthog_envelope(const cJSON *const *f)
{
	const cJSON	*b = f[SH_BATCH];

	if (!cJSON_IsArray(b))
		return 0;
	if (f[SH_API_KEY] != NULL || f[SH_SENT_AT] != NULL ||
	    f[SH_CREATED_AT] != NULL || f[SH_HISTORICAL_MIGRATION] != NULL)
		return 1;
	return b->child != NULL && json_str(b->child, "event") != NULL;
}

/* A DevPod insert body {"data":[{"event":{..}}]} or one item? */
static int
is_devpod_insert(const cJSON *const *f)
{
	const cJSON	*data = f[SH_DATA];

	if (cJSON_IsArray(data))
		return data->child != NULL && cJSON_IsObject(
		    cJSON_GetObjectItemCaseSensitive(data->child, "event"));
	return cJSON_IsObject(f[SH_USER]) && cJSON_IsObject(f[SH_EVENT]);
}

static int
is_devpod_legacy(const cJSON *const *f)
{
	const char	*type = json_vstr(f[SH_TYPE]);

	return type != NULL && (strcmp(type, "cmdstarted") == 0 ||
	    strcmp(type, "cmdfinished") == 0) && cJSON_IsObject(f[SH_EVENT]);
}

/*
 * On /v1/events and the WebSocket: pick a decoder by the item's shape,
 * its members looked up once.
 */
static void
decode_item(struct dctx *d, const cJSON *o)
{
	const cJSON	*f[SH_COUNT];
	char		*cause = NULL;

	if (!cJSON_IsObject(o)) {
		tt_batch_reject(d->batch, "event is not a JSON object");
		return;
	}
	json_fields(o, &fmt_shape_names, f);
	if (is_posthog_envelope(f)) {
		(void)fmt_posthog(d, o, 0, &cause);
	} else if (is_devpod_insert(f)) {
		(void)fmt_devpod_insert(d, o, &cause);
	} else if (cJSON_IsArray(f[SH_RESOURCE_SPANS])) {
		(void)fmt_otlp_json(d, o, &cause);
	} else if (is_devpod_legacy(f)) {
		fmt_devpod_legacy_item(d, o);
	} else if (json_vstr(f[SH_EVENT_TYPE]) != NULL &&
	    json_vstr(f[SH_EXECUTIONID]) != NULL) {
		fmt_werf_flat_item(d, o);
	} else if (cJSON_IsString(f[SH_EVENT]) && (f[SH_DISTINCT_ID] !=
	    NULL || cJSON_IsObject(f[SH_PROPERTIES]))) {
		fmt_posthog_item(d, o, "posthog-event", 0);
	} else
		fmt_generic_item(d, o);
	if (cause != NULL) {
		tt_batch_reject(d->batch, cause);
		free(cause);
	}
}

/*
 * A parsed JSON body.  Each vendor route has its decoder; /v1/events, the
 * WebSocket and JSON on /v1/traces decide by shape.
 */
static int
decode_json(struct dctx *d, const cJSON *root, enum tt_route route,
    char **cause)
{
	const cJSON	*item;

	switch (route) {
	case TT_ROUTE_POSTHOG:
	case TT_ROUTE_POSTHOG_V1:
		return fmt_posthog(d, root, route == TT_ROUTE_POSTHOG_V1,
		    cause);
	case TT_ROUTE_DEVPOD_INSERT:
		return fmt_devpod_insert(d, root, cause);
	case TT_ROUTE_SEGMENT:
		return fmt_segment(d, root, cause);
	case TT_ROUTE_OTLP_LOGS:
		return fmt_otlp_logs_json(d, root, cause);
	case TT_ROUTE_OTLP_METRICS:
		return fmt_otlp_metrics_json(d, root, cause);
	case TT_ROUTE_DEVPOD_LEGACY:
		if (cJSON_IsArray(root)) {
			cJSON_ArrayForEach(item, root)
				fmt_devpod_legacy_item(d, item);
			return 0;
		}
		if (!cJSON_IsObject(root)) {
			*cause = xstrdup("body is not a JSON object");
			return -1;
		}
		fmt_devpod_legacy_item(d, root);
		return 0;
	case TT_ROUTE_OTLP_TRACES:
		if (cJSON_IsObject(root) &&
		    cJSON_GetObjectItemCaseSensitive(root, "resourceSpans") !=
		    NULL)
			return fmt_otlp_json(d, root, cause);
		break;
	case TT_ROUTE_EVENTS:
		break;
	}
	if (cJSON_IsArray(root)) {
		cJSON_ArrayForEach(item, root)
			decode_item(d, item);
		return 0;
	}
	if (!cJSON_IsObject(root)) {
		*cause = xstrdup("body is neither a JSON object nor an array");
		return -1;
	}
	decode_item(d, root);
	return 0;
}

/* NDJSON: one JSON value a line; a bad line is one refused event. */
static int
decode_ndjson(struct dctx *d, const char *s, size_t len, enum tt_route route,
    char **cause)
{
	const char	*p = s, *end = s + len, *nl;
	cJSON		*root;
	char		*why = NULL;
	size_t		 good = 0, line = 0;
	int		 repaired;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		line++;
		while (p < nl && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		if (p < nl) {
			if ((root = json_parse(p, (size_t)(nl - p),
			    &why, &repaired)) == NULL) {
				char *msg = xasprintf("line %zu: %s", line,
				    why);
				tt_batch_reject(d->batch, msg);
				free(msg);
				free(why);
				why = NULL;
			} else {
				good++;
				if (!repaired)
					(void)span_build(&d->spans, root, p,
					    (size_t)(nl - p), (size_t)(p - s));
				(void)decode_json(d, root, route, &why);
				if (why != NULL) {
					tt_batch_reject(d->batch, why);
					free(why);
					why = NULL;
				}
				span_reset(&d->spans);
				cJSON_Delete(root);
			}
		}
		p = nl + 1;
	}
	if (good == 0) {
		*cause = xstrdup(d->batch->first_error != NULL ?
		    d->batch->first_error : "empty body");
		return -1;
	}
	return 0;
}

/* tt_decode() with the context set up: the formats, by route and shape. */
static int
decode_body(struct dctx *d, enum tt_route route, const uint8_t *body,
    size_t len, char **cause)
{
	cJSON		*root;
	const char	*s = (const char *)body;
	size_t		 i;
	int		 rc, repaired;

	if (d->opts->protobuf) {
		switch (route) {
		case TT_ROUTE_OTLP_TRACES:
			return fmt_otlp_protobuf(d, body, len, cause);
		case TT_ROUTE_OTLP_LOGS:
			return fmt_otlp_logs_protobuf(d, body, len, cause);
		case TT_ROUTE_OTLP_METRICS:
			return fmt_otlp_metrics_protobuf(d, body, len, cause);
		default:
			break;
		}
	}

	for (i = 0; i < len && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' ||
	    s[i] == '\t'); i++)
		;
	if (i == len) {
		*cause = xstrdup("empty body: expected JSON");
		return -1;
	}
	if (s[i] != '{' && s[i] != '[') {
		*cause = xasprintf("malformed JSON: body starts with byte "
		    "0x%02x, expected '{' or '['", (unsigned char)s[i]);
		return -1;
	}
	/*
	 * Refuse a body whose tree would be too big before building it.  No
	 * value takes less than a byte, so a body no longer than the limit
	 * cannot pass it: only longer ones are counted.
	 */
	if (len > TT_VALUES_MAX &&
	    tt_json_tokens(s, len, TT_VALUES_MAX) > TT_VALUES_MAX) {
		*cause = xasprintf("body holds more than %u JSON values",
		    TT_VALUES_MAX);
		return TT_DECODE_TOO_LARGE;
	}
	root = json_parse(s, len, cause, &repaired);
	if (root == NULL) {
		/* Several lines may each be a JSON value (NDJSON). */
		if (route != TT_ROUTE_EVENTS || memchr(s, '\n', len) == NULL)
			return -1;
		free(*cause);
		*cause = NULL;
		return decode_ndjson(d, s, len, route, cause);
	}
	if (!repaired)
		(void)span_build(&d->spans, root, s, len, 0);
	rc = decode_json(d, root, route, cause);
	span_reset(&d->spans);
	cJSON_Delete(root);
	return rc;
}

int
tt_decode(enum tt_route route, const uint8_t *body, size_t len,
    const struct tt_decode_opts *opts, struct tt_batch *batch, char **cause)
{
	static const struct tt_decode_opts	 defaults;
	struct dctx				 d;
	int					 rc;

	*cause = NULL;
	if (opts == NULL)
		opts = &defaults;
	d.opts = opts;
	d.batch = batch;
	d.event_max = opts->event_max != 0 ? opts->event_max : TT_EVENT_MAX;
	d.received_at = opts->received_at != 0 ? opts->received_at :
	    tt_now_us();
	d.body = (const char *)body;
	span_init(&d.spans);
	tt_findings_init(&d.findings);
	rc = decode_body(&d, route, body, len, cause);
	tt_findings_clear(&d.findings);
	span_free(&d.spans);
	return rc;
}
