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

void
fmt_generic_item(struct dctx *d, const cJSON *item)
{
	static const char *const k_name[] = { "name", "event", "type",
	    "eventType", NULL };
	static const char *const k_client[] = { "client_id", "distinct_id",
	    "user_id", "uid", "machine_id", "userID", NULL };
	static const char *const k_exec[] = { "execution_id", "executionID",
	    NULL };
	static const char *const k_dur[] = { "duration_ms", "durationMs",
	    NULL };
	static const char *const k_exit[] = { "exit_code", "exitCode", NULL };
	static const char *const k_ts[] = { "ts", "timestamp", "time", NULL };
	static const char *const k_os[] = { "os", "os_name", NULL };
	static const char *const k_arch[] = { "arch", "os_arch", NULL };
	static const char *const k_err[] = { "error", "errors", NULL };
	const char *const	*k;
	struct tt_event		*ev;
	enum tt_source		 src = TT_SRC_GENERIC;
	enum tt_phase		 phase;
	const char		*s;
	char			*name;
	int64_t			 v;

	if (!cJSON_IsObject(item)) {
		tt_batch_reject(d->batch, "event is not a JSON object");
		return;
	}
	if ((name = json_strdup_any(item, k_name)) == NULL) {
		tt_batch_reject(d->batch, "event has no \"name\" or \"event\"");
		return;
	}
	if ((s = json_str(item, "source")) != NULL)
		(void)tt_source_parse(s, &src);
	if ((ev = fmt_new_event(d, item, "generic", src)) == NULL) {
		free(name);
		return;
	}
	ev->name = name;
	ev->client_id = json_strdup_any(item, k_client);
	ev->execution_id = json_strdup_any(item, k_exec);
	ev->command = json_strdup(item, "command");
	ev->error = json_strdup_any(item, k_err);
	ev->version = json_strdup(item, "version");
	ev->os = json_strdup_any(item, k_os);
	ev->arch = json_strdup_any(item, k_arch);
	/* The first good spelling wins; a bad one is noted and skipped. */
	for (k = k_dur; *k != NULL; k++)
		if (json_event_int(ev, item, *k, 0, JSON_INT_MAX, &v) == 0) {
			ev->duration_ms = v;
			break;
		}
	for (k = k_exit; *k != NULL; k++)
		if (json_event_int(ev, item, *k, -JSON_INT_MAX, JSON_INT_MAX,
		    &v) == 0) {
			ev->exit_code = v;
			break;
		}
	for (k = k_ts; *k != NULL; k++)
		if (json_event_ts(ev, item, *k) == 0)
			break;
	if ((s = json_str(item, "phase")) != NULL &&
	    tt_phase_parse(s, &phase) == 0)
		ev->phase = phase;
}
