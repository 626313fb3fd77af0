/*
 * Segment's HTTP tracking API, which @segment/analytics-node and
 * @rudderstack/rudder-sdk-node speak: /v1/batch {"batch":[...],"sentAt"?,
 * "writeKey"?, "context"?}, and one message on /v1/track, /v1/identify,
 * /v1/page, /v1/screen, /v1/group, /v1/alias.  A message is
 * {"type","event"|"name","userId"|"anonymousId","messageId","timestamp",
 * "context":{"library":{"name","version"},...},"properties"|"traits"}.
 *
 * The source is the library that sent it: "@segment/..." is Segment, a
 * name with "rudder" in it is RudderStack, and so is the bare
 * "analytics-node" when the message carries Rudder's "channel" member (the
 * Rudder Node SDK names its library that way; Segment's old one does too,
 * but without a channel).  A tool that reports its commands this way may
 * put them in properties: command, duration_ms, exit_code and error are
 * read from there under their usual spellings.
 */
#include <stdlib.h>
#include <string.h>

#include "../xmalloc.h"
#include "formats.h"
#include "json.h"

/* The member names of messages, their context and properties. */
#define SEG_FIELDS(_) \
	_(ANONYMOUS_ID, "anonymousId") \
	_(APP, "app") \
	_(BATCH, "batch") \
	_(CHANNEL, "channel") \
	_(COMMAND, "command") \
	_(CONTEXT, "context") \
	_(DURATIONMS, "durationMs") \
	_(DURATION_MS, "duration_ms") \
	_(ERROR, "error") \
	_(EVENT, "event") \
	_(EXECUTIONID, "executionID") \
	_(EXECUTION_ID, "execution_id") \
	_(EXITCODE, "exitCode") \
	_(EXIT_CODE, "exit_code") \
	_(LIBRARY, "library") \
	_(NAME, "name") \
	_(ORIGINAL_TIMESTAMP, "originalTimestamp") \
	_(OS, "os") \
	_(PROPERTIES, "properties") \
	_(SENT_AT, "sentAt") \
	_(TIMESTAMP, "timestamp") \
	_(TRAITS, "traits") \
	_(TYPE, "type") \
	_(USER_ID, "userId") \
	_(VERSION, "version")

enum {
#define SEG_ENUM(id, name) SEG_##id,
	SEG_FIELDS(SEG_ENUM)
#undef SEG_ENUM
	SEG_COUNT
};

static const char *const seg_names[] = {
#define SEG_NAME(id, name) name,
	SEG_FIELDS(SEG_NAME)
#undef SEG_NAME
};

const struct json_names fmt_segment_names = JSON_NAMES("segment", seg_names);

/* The message types of the tracking API. */
static const char *const seg_types[] = {
	"track", "identify", "page", "screen", "group", "alias", NULL
};

int
fmt_segment_type(const char *type)
{
	const char *const	*t;

	if (type == NULL)
		return 0;
	for (t = seg_types; *t != NULL; t++)
		if (strcmp(type, *t) == 0)
			return 1;
	return 0;
}

/* Segment or RudderStack, by the library that sent the message. */
static enum tt_source
seg_source(const char *lib, const cJSON *channel)
{
	if (lib == NULL)
		return TT_SRC_SEGMENT;
	if (strstr(lib, "rudder") != NULL || strstr(lib, "Rudder") != NULL)
		return TT_SRC_RUDDERSTACK;
	if (strcmp(lib, "analytics-node") == 0 && cJSON_IsString(channel))
		return TT_SRC_RUDDERSTACK;
	return TT_SRC_SEGMENT;
}

/* The number under the first of ids in o that is one, kept as ms. */
static void
props_duration(struct tt_event *ev, const cJSON *const *p)
{
	static const int k[] = { SEG_DURATION_MS, SEG_DURATIONMS, -1 };
	const int	*id;
	double		 ms;

	for (id = k; *id >= 0; id++)
		if (json_vevent_num(ev, p[*id], 0, JSON_INT_MAX, &ms) == 0) {
			ev->duration_ms = ms;
			return;
		}
}

/* One message; sent_at is the batch's time (µs), 0 if none. */
static void
seg_item(struct dctx *d, const cJSON *m, const char *format, int64_t sent_at)
{
	static const int k_client[] = { SEG_USER_ID, SEG_ANONYMOUS_ID, -1 };
	static const int k_exec[] = { SEG_EXECUTION_ID, SEG_EXECUTIONID, -1 };
	static const int k_exit[] = { SEG_EXIT_CODE, SEG_EXITCODE, -1 };
	const cJSON	*f[SEG_COUNT], *ctx[SEG_COUNT], *lib[SEG_COUNT];
	const cJSON	*p[SEG_COUNT], *app[SEG_COUNT], *os[SEG_COUNT];
	struct tt_event	*ev;
	const char	*type, *name;
	const int	*id;
	int64_t		 v;

	if (!cJSON_IsObject(m)) {
		tt_batch_reject(d->batch, "message is not a JSON object");
		return;
	}
	json_fields(m, &fmt_segment_names, f);
	type = json_vstr(f[SEG_TYPE]);
	if (type != NULL && !fmt_segment_type(type)) {
		tt_batch_reject(d->batch, "message type is not one of track, "
		    "identify, page, screen, group, alias");
		return;
	}
	/* track: the event; page and screen: their name; else the type */
	name = json_vstr(f[SEG_EVENT]);
	if (name == NULL && type != NULL && (strcmp(type, "page") == 0 ||
	    strcmp(type, "screen") == 0))
		name = json_vstr(f[SEG_NAME]);
	if (name == NULL)
		name = type;
	if (name == NULL) {
		tt_batch_reject(d->batch, "message has no \"type\" or "
		    "\"event\"");
		return;
	}
	/* json_fields() leaves every slot NULL for what is no object */
	json_fields(f[SEG_CONTEXT], &fmt_segment_names, ctx);
	json_fields(ctx[SEG_LIBRARY], &fmt_segment_names, lib);
	json_fields(ctx[SEG_APP], &fmt_segment_names, app);
	json_fields(ctx[SEG_OS], &fmt_segment_names, os);
	json_fields(f[SEG_PROPERTIES], &fmt_segment_names, p);
	if ((ev = fmt_new_event(d, m, format, seg_source(json_vstr(
	    lib[SEG_NAME]), f[SEG_CHANNEL]))) == NULL)
		return;
	ev->name = xstrdup(name);
	ev->client_id = json_fields_strdup(f, k_client);
	ev->execution_id = json_fields_strdup(p, k_exec);
	ev->command = json_vstrdup(p[SEG_COMMAND]);
	ev->error = json_vstrdup(p[SEG_ERROR]);
	/* the app's version where the context has one, else the library's */
	ev->version = json_vstrdup(app[SEG_VERSION]);
	if (ev->version == NULL)
		ev->version = json_vstrdup(lib[SEG_VERSION]);
	ev->os = json_vstrdup(os[SEG_NAME]);
	props_duration(ev, p);
	for (id = k_exit; *id >= 0; id++)
		if (json_vevent_int(ev, p[*id], -JSON_INT_MAX, JSON_INT_MAX,
		    &v) == 0) {
			ev->exit_code = v;
			break;
		}
	if (json_vevent_ts(ev, f[SEG_TIMESTAMP]) != 0 &&
	    json_vevent_ts(ev, f[SEG_ORIGINAL_TIMESTAMP]) != 0 &&
	    sent_at > 0)
		ev->ts = sent_at;
}

void
fmt_segment_item(struct dctx *d, const cJSON *m)
{
	seg_item(d, m, "segment-message", 0);
}

int
fmt_segment(struct dctx *d, const cJSON *root, char **cause)
{
	const cJSON	*f[SEG_COUNT], *m;
	int64_t		 sent_at = 0;

	if (!cJSON_IsObject(root)) {
		*cause = xstrdup("body is not a JSON object");
		return -1;
	}
	json_fields(root, &fmt_segment_names, f);
	if (f[SEG_BATCH] == NULL) {
		seg_item(d, root, "segment-message", 0);
		return 0;
	}
	if (!cJSON_IsArray(f[SEG_BATCH])) {
		*cause = xstrdup("\"batch\" is not an array");
		return -1;
	}
	if (json_time(root, "sentAt", &sent_at) != TT_TIME_OK)
		sent_at = 0;
	cJSON_ArrayForEach(m, f[SEG_BATCH])
		seg_item(d, m, "segment-batch", sent_at);
	return 0;
}
