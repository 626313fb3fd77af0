/*
 * DevPod and early Devsy (formats.md §4, §5.1): the current loft
 * analytics-client body {"data":[{"event":{...},"user":{...}}]} whose
 * "properties" are JSON strings and whose timestamps are unix seconds, the
 * docs' single {"event","user"} shape (µs, properties as objects), and the
 * legacy {"type":"cmdstarted"|"cmdfinished","event","instanceProperties"}
 * body with µs times.
 */
#include <stdlib.h>
#include <string.h>

#include "../xmalloc.h"
#include "formats.h"
#include "json.h"

/* One {"event":{...},"user":{...}} item. */
void
fmt_devpod_insert_item(struct dctx *d, const cJSON *item)
{
	static const char *const k_os[] = { "os_name", "os", NULL };
	static const char *const k_arch[] = { "os_arch", "arch", NULL };
	static const char *const k_error[] = { "error", "error_code", NULL };
	const cJSON	*event, *user, *eprops, *uprops;
	cJSON		*eowned = NULL, *uowned = NULL;
	struct tt_event	*ev;
	const char	*type;
	enum tt_source	 src;

	if (!cJSON_IsObject(item) ||
	    !cJSON_IsObject(event = cJSON_GetObjectItemCaseSensitive(item,
	    "event"))) {
		tt_batch_reject(d->batch, "DevPod item has no \"event\" object");
		return;
	}
	user = cJSON_GetObjectItemCaseSensitive(item, "user");
	if (!cJSON_IsObject(user))
		user = NULL;
	if ((type = json_str(event, "type")) == NULL) {
		tt_batch_reject(d->batch, "DevPod event has no \"type\"");
		return;
	}
	src = strncmp(type, "devsy", 5) == 0 ? TT_SRC_DEVSY : TT_SRC_DEVPOD;
	if ((ev = fmt_new_event(d, item, "devpod-insert", src)) == NULL)
		return;
	eprops = json_obj(event, "properties", &eowned);
	uprops = json_obj(user, "properties", &uowned);
	ev->name = xstrdup(type);
	ev->phase = TT_PHASE_FINISH;
	if ((ev->client_id = json_strdup(event, "machine_id")) == NULL)
		ev->client_id = json_strdup(user, "machine_id");
	if (json_event_ts(ev, event, "timestamp") != 0)
		(void)json_event_ts(ev, user, "timestamp");
	ev->command = json_strdup(eprops, "command");
	ev->version = json_strdup(eprops, "version");
	ev->error = json_strdup_any(eprops, k_error);
	if ((ev->os = json_strdup_any(uprops, k_os)) == NULL)
		ev->os = json_strdup_any(user, k_os);
	if ((ev->arch = json_strdup_any(uprops, k_arch)) == NULL)
		ev->arch = json_strdup_any(user, k_arch);
	cJSON_Delete(eowned);
	cJSON_Delete(uowned);
}

/* The current body, or a single item, or an array of items. */
int
fmt_devpod_insert(struct dctx *d, const cJSON *root, char **cause)
{
	const cJSON	*data, *item;

	if (cJSON_IsArray(root)) {
		cJSON_ArrayForEach(item, root)
			fmt_devpod_insert_item(d, item);
		return 0;
	}
	if (!cJSON_IsObject(root)) {
		*cause = xstrdup("body is not a JSON object");
		return -1;
	}
	data = cJSON_GetObjectItemCaseSensitive(root, "data");
	if (data == NULL) {
		fmt_devpod_insert_item(d, root);
		return 0;
	}
	if (!cJSON_IsArray(data)) {
		*cause = xstrdup("\"data\" is not an array");
		return -1;
	}
	cJSON_ArrayForEach(item, data)
		fmt_devpod_insert_item(d, item);
	return 0;
}

/* "v0.5.29" from {"major":"0","minor":"5","patch":"29","prerelease":""}. */
static char *
legacy_version(const cJSON *v)
{
	char		*major, *minor, *patch, *s;
	const char	*pre;

	if (cJSON_IsString(v) && v->valuestring[0] != '\0')
		return xstrdup(v->valuestring);
	if (!cJSON_IsObject(v))
		return NULL;
	major = json_strdup(v, "major");
	minor = json_strdup(v, "minor");
	patch = json_strdup(v, "patch");
	pre = json_str(v, "prerelease");
	s = NULL;
	if (major != NULL)
		s = xasprintf("v%s.%s.%s%s%s", major,
		    minor != NULL ? minor : "0", patch != NULL ? patch : "0",
		    pre != NULL ? "-" : "", pre != NULL ? pre : "");
	free(major);
	free(minor);
	free(patch);
	return s;
}

/* One legacy cmdstarted/cmdfinished body. */
void
fmt_devpod_legacy_item(struct dctx *d, const cJSON *item)
{
	const cJSON	*event, *inst;
	struct tt_event	*ev;
	const char	*type;
	int64_t		 us;

	if (!cJSON_IsObject(item) || (type = json_str(item, "type")) == NULL) {
		tt_batch_reject(d->batch, "DevPod legacy event has no \"type\"");
		return;
	}
	event = cJSON_GetObjectItemCaseSensitive(item, "event");
	if (!cJSON_IsObject(event)) {
		tt_batch_reject(d->batch,
		    "DevPod legacy event has no \"event\" object");
		return;
	}
	inst = cJSON_GetObjectItemCaseSensitive(item, "instanceProperties");
	if (!cJSON_IsObject(inst))
		inst = NULL;
	if ((ev = fmt_new_event(d, item, "devpod-legacy", TT_SRC_DEVPOD)) ==
	    NULL)
		return;
	ev->name = xstrdup(type);
	if (strcmp(type, "cmdstarted") == 0)
		ev->phase = TT_PHASE_START;
	else if (strcmp(type, "cmdfinished") == 0)
		ev->phase = TT_PHASE_FINISH;
	if (json_event_ts(ev, event, "timestamp") != 0)
		(void)json_event_ts(ev, inst, "timestamp");
	if ((ev->execution_id = json_strdup(event, "executionID")) == NULL)
		ev->execution_id = json_strdup(inst, "executionID");
	ev->command = json_strdup(event, "command");
	ev->error = json_strdup(event, "errors");
	if (json_event_int(ev, event, "processingTime", 0, JSON_INT_MAX,
	    &us) == 0)
		ev->duration_ms = us / 1000;
	ev->client_id = json_strdup(inst, "uid");
	ev->os = json_strdup(inst, "os");
	ev->arch = json_strdup(inst, "arch");
	if (inst != NULL)
		ev->version = legacy_version(
		    cJSON_GetObjectItemCaseSensitive(inst, "version"));
}
