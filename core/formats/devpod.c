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

/* DevPod's and Devsy's member names, at every level of their bodies. */
#define DP_FIELDS(_) \
	_(ARCH, "arch") \
	_(COMMAND, "command") \
	_(DATA, "data") \
	_(ERROR, "error") \
	_(ERROR_CODE, "error_code") \
	_(ERRORS, "errors") \
	_(EVENT, "event") \
	_(EXECUTIONID, "executionID") \
	_(INSTANCE_PROPERTIES, "instanceProperties") \
	_(MACHINE_ID, "machine_id") \
	_(MAJOR, "major") \
	_(MINOR, "minor") \
	_(OS, "os") \
	_(OS_ARCH, "os_arch") \
	_(OS_NAME, "os_name") \
	_(PATCH, "patch") \
	_(PRERELEASE, "prerelease") \
	_(PROCESSING_TIME, "processingTime") \
	_(PROPERTIES, "properties") \
	_(TIMESTAMP, "timestamp") \
	_(TYPE, "type") \
	_(UID, "uid") \
	_(USER, "user") \
	_(VERSION, "version")

enum {
#define DP_ENUM(id, name) DP_##id,
	DP_FIELDS(DP_ENUM)
#undef DP_ENUM
	DP_COUNT
};

static const char *const dp_names[] = {
#define DP_NAME(id, name) name,
	DP_FIELDS(DP_NAME)
#undef DP_NAME
};

const struct json_names fmt_devpod_names = JSON_NAMES("devpod", dp_names);

/* One {"event":{...},"user":{...}} item. */
void
fmt_devpod_insert_item(struct dctx *d, const cJSON *item)
{
	static const int k_os[] = { DP_OS_NAME, DP_OS, -1 };
	static const int k_arch[] = { DP_OS_ARCH, DP_ARCH, -1 };
	static const int k_error[] = { DP_ERROR, DP_ERROR_CODE, -1 };
	const cJSON	*fi[DP_COUNT], *fe[DP_COUNT], *fu[DP_COUNT];
	const cJSON	*fep[DP_COUNT], *fup[DP_COUNT];
	const cJSON	*event, *user;
	cJSON		*eowned = NULL, *uowned = NULL;
	struct tt_event	*ev;
	const char	*type;
	enum tt_source	 src;

	json_fields(item, &fmt_devpod_names, fi);
	if (!cJSON_IsObject(item) || !cJSON_IsObject(event = fi[DP_EVENT])) {
		tt_batch_reject(d->batch, "DevPod item has no \"event\" object");
		return;
	}
	user = fi[DP_USER];
	if (!cJSON_IsObject(user))
		user = NULL;
	json_fields(event, &fmt_devpod_names, fe);
	if ((type = json_vstr(fe[DP_TYPE])) == NULL) {
		tt_batch_reject(d->batch, "DevPod event has no \"type\"");
		return;
	}
	src = strncmp(type, "devsy", 5) == 0 ? TT_SRC_DEVSY : TT_SRC_DEVPOD;
	if ((ev = fmt_new_event(d, item, "devpod-insert", src)) == NULL)
		return;
	json_fields(user, &fmt_devpod_names, fu);
	json_fields(json_vobj(fe[DP_PROPERTIES], &eowned), &fmt_devpod_names,
	    fep);
	json_fields(json_vobj(fu[DP_PROPERTIES], &uowned), &fmt_devpod_names,
	    fup);
	ev->name = xstrdup(type);
	ev->phase = TT_PHASE_FINISH;
	if ((ev->client_id = json_vstrdup(fe[DP_MACHINE_ID])) == NULL)
		ev->client_id = json_vstrdup(fu[DP_MACHINE_ID]);
	if (json_vevent_ts(ev, fe[DP_TIMESTAMP]) != 0)
		(void)json_vevent_ts(ev, fu[DP_TIMESTAMP]);
	ev->command = json_vstrdup(fep[DP_COMMAND]);
	ev->version = json_vstrdup(fep[DP_VERSION]);
	ev->error = json_fields_strdup(fep, k_error);
	if ((ev->os = json_fields_strdup(fup, k_os)) == NULL)
		ev->os = json_fields_strdup(fu, k_os);
	if ((ev->arch = json_fields_strdup(fup, k_arch)) == NULL)
		ev->arch = json_fields_strdup(fu, k_arch);
	cJSON_Delete(eowned);
	cJSON_Delete(uowned);
}

/* The current body, or a single item, or an array of items. */
int
fmt_devpod_insert(struct dctx *d, const cJSON *root, char **cause)
{
	const cJSON	*f[DP_COUNT], *data, *item;

	if (cJSON_IsArray(root)) {
		cJSON_ArrayForEach(item, root)
			fmt_devpod_insert_item(d, item);
		return 0;
	}
	if (!cJSON_IsObject(root)) {
		*cause = xstrdup("body is not a JSON object");
		return -1;
	}
	json_fields(root, &fmt_devpod_names, f);
	if ((data = f[DP_DATA]) == NULL) {
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
	const cJSON	*f[DP_COUNT];
	char		*major, *minor, *patch, *s;
	const char	*pre;

	if (cJSON_IsString(v) && v->valuestring[0] != '\0')
		return xstrdup(v->valuestring);
	if (!cJSON_IsObject(v))
		return NULL;
	json_fields(v, &fmt_devpod_names, f);
	major = json_vstrdup(f[DP_MAJOR]);
	minor = json_vstrdup(f[DP_MINOR]);
	patch = json_vstrdup(f[DP_PATCH]);
	pre = json_vstr(f[DP_PRERELEASE]);
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
	const cJSON	*fi[DP_COUNT], *fe[DP_COUNT], *fp[DP_COUNT];
	const cJSON	*inst;
	struct tt_event	*ev;
	const char	*type;
	double		 us;

	json_fields(item, &fmt_devpod_names, fi);
	if (!cJSON_IsObject(item) || (type = json_vstr(fi[DP_TYPE])) == NULL) {
		tt_batch_reject(d->batch, "DevPod legacy event has no \"type\"");
		return;
	}
	if (!cJSON_IsObject(fi[DP_EVENT])) {
		tt_batch_reject(d->batch,
		    "DevPod legacy event has no \"event\" object");
		return;
	}
	inst = fi[DP_INSTANCE_PROPERTIES];
	if (!cJSON_IsObject(inst))
		inst = NULL;
	if ((ev = fmt_new_event(d, item, "devpod-legacy", TT_SRC_DEVPOD)) ==
	    NULL)
		return;
	json_fields(fi[DP_EVENT], &fmt_devpod_names, fe);
	json_fields(inst, &fmt_devpod_names, fp);
	ev->name = xstrdup(type);
	if (strcmp(type, "cmdstarted") == 0)
		ev->phase = TT_PHASE_START;
	else if (strcmp(type, "cmdfinished") == 0)
		ev->phase = TT_PHASE_FINISH;
	if (json_vevent_ts(ev, fe[DP_TIMESTAMP]) != 0)
		(void)json_vevent_ts(ev, fp[DP_TIMESTAMP]);
	if ((ev->execution_id = json_vstrdup(fe[DP_EXECUTIONID])) == NULL)
		ev->execution_id = json_vstrdup(fp[DP_EXECUTIONID]);
	ev->command = json_vstrdup(fe[DP_COMMAND]);
	ev->error = json_vstrdup(fe[DP_ERRORS]);
	/* µs: 12345678 is 12345.678 ms, not 12345 */
	if (json_vevent_num(ev, fe[DP_PROCESSING_TIME], 0, JSON_INT_MAX,
	    &us) == 0)
		ev->duration_ms = us / 1000;
	ev->client_id = json_vstrdup(fp[DP_UID]);
	ev->os = json_vstrdup(fp[DP_OS]);
	ev->arch = json_vstrdup(fp[DP_ARCH]);
	if (inst != NULL)
		ev->version = legacy_version(fp[DP_VERSION]);
}
