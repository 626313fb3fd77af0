/*
 * Generic events: anything that names itself ("name", "event" or "type") and
 * maybe carries the normalized fields under their usual spellings.  This is
 * what `teltop send`, `teltop wrap --as generic` and hand-made tests send.
 */
#include <stdlib.h>
#include <string.h>

#include "../xmalloc.h"
#include "formats.h"
#include "json.h"

/* The spellings of the normalized fields that generic events use. */
#define GEN_FIELDS(_) \
	_(ARCH, "arch") \
	_(CLIENT_ID, "client_id") \
	_(COMMAND, "command") \
	_(DISTINCT_ID, "distinct_id") \
	_(DURATIONMS, "durationMs") \
	_(DURATION_MS, "duration_ms") \
	_(ERROR, "error") \
	_(ERRORS, "errors") \
	_(EVENT, "event") \
	_(EVENT_TYPE, "eventType") \
	_(EXECUTIONID, "executionID") \
	_(EXECUTION_ID, "execution_id") \
	_(EXITCODE, "exitCode") \
	_(EXIT_CODE, "exit_code") \
	_(MACHINE_ID, "machine_id") \
	_(NAME, "name") \
	_(OS, "os") \
	_(OS_ARCH, "os_arch") \
	_(OS_NAME, "os_name") \
	_(PHASE, "phase") \
	_(SOURCE, "source") \
	_(TIME, "time") \
	_(TIMESTAMP, "timestamp") \
	_(TS, "ts") \
	_(TYPE, "type") \
	_(UID, "uid") \
	_(USERID, "userID") \
	_(USER_ID, "user_id") \
	_(VERSION, "version")

enum {
#define GEN_ENUM(id, name) GEN_##id,
	GEN_FIELDS(GEN_ENUM)
#undef GEN_ENUM
	GEN_COUNT
};

static const char *const gen_names[] = {
#define GEN_NAME(id, name) name,
	GEN_FIELDS(GEN_NAME)
#undef GEN_NAME
};

const struct json_names fmt_generic_names = JSON_NAMES("generic", gen_names);

void
fmt_generic_item(struct dctx *d, const cJSON *item)
{
	static const int k_name[] = { GEN_NAME, GEN_EVENT, GEN_TYPE,
	    GEN_EVENT_TYPE, -1 };
	static const int k_client[] = { GEN_CLIENT_ID, GEN_DISTINCT_ID,
	    GEN_USER_ID, GEN_UID, GEN_MACHINE_ID, GEN_USERID, -1 };
	static const int k_exec[] = { GEN_EXECUTION_ID, GEN_EXECUTIONID, -1 };
	static const int k_dur[] = { GEN_DURATION_MS, GEN_DURATIONMS, -1 };
	static const int k_exit[] = { GEN_EXIT_CODE, GEN_EXITCODE, -1 };
	static const int k_ts[] = { GEN_TS, GEN_TIMESTAMP, GEN_TIME, -1 };
	static const int k_os[] = { GEN_OS, GEN_OS_NAME, -1 };
	static const int k_arch[] = { GEN_ARCH, GEN_OS_ARCH, -1 };
	static const int k_err[] = { GEN_ERROR, GEN_ERRORS, -1 };
	const cJSON		*f[GEN_COUNT];
	const int		*k;
	struct tt_event		*ev;
	enum tt_source		 src = TT_SRC_GENERIC;
	enum tt_phase		 phase;
	const char		*s;
	char			*name;
	int64_t			 v;
	double			 ms;

	if (!cJSON_IsObject(item)) {
		tt_batch_reject(d->batch, "event is not a JSON object");
		return;
	}
	json_fields(item, &fmt_generic_names, f);
	if ((name = json_fields_strdup(f, k_name)) == NULL) {
		tt_batch_reject(d->batch, "event has no \"name\" or \"event\"");
		return;
	}
	if ((s = json_vstr(f[GEN_SOURCE])) != NULL)
		(void)tt_source_parse(s, &src);
	if ((ev = fmt_new_event(d, item, "generic", src)) == NULL) {
		free(name);
		return;
	}
	ev->name = name;
	ev->client_id = json_fields_strdup(f, k_client);
	ev->execution_id = json_fields_strdup(f, k_exec);
	ev->command = json_vstrdup(f[GEN_COMMAND]);
	ev->error = json_fields_strdup(f, k_err);
	ev->version = json_vstrdup(f[GEN_VERSION]);
	ev->os = json_fields_strdup(f, k_os);
	ev->arch = json_fields_strdup(f, k_arch);
	/* The first good spelling wins; a bad one is noted and skipped. */
	for (k = k_dur; *k >= 0; k++)
		if (json_vevent_num(ev, f[*k], 0, JSON_INT_MAX, &ms) == 0) {
			ev->duration_ms = ms;
			break;
		}
	for (k = k_exit; *k >= 0; k++)
		if (json_vevent_int(ev, f[*k], -JSON_INT_MAX, JSON_INT_MAX,
		    &v) == 0) {
			ev->exit_code = v;
			break;
		}
	for (k = k_ts; *k >= 0; k++)
		if (json_vevent_ts(ev, f[*k]) == 0)
			break;
	if ((s = json_vstr(f[GEN_PHASE])) != NULL &&
	    tt_phase_parse(s, &phase) == 0)
		ev->phase = phase;
}
