/*
 * PostHog wire formats (formats.md §2): posthog-go and posthog-node batches
 * {"api_key","batch":[...],"sent_at"?}, posthog-js arrays and single events,
 * and the v1 analytics body {"created_at","batch"}.  Devtron (posthog-go,
 * flat properties or the documented nested summary{}) and Devsy (posthog-go,
 * properties maybe a JSON string; posthog-node desktop) come this way too and
 * are told apart by their properties and event names.
 */
#include <string.h>

#include "../xmalloc.h"
#include "formats.h"
#include "json.h"

/* PostHog's member names: envelopes, events, their properties. */
#define PH_FIELDS(_) \
	_(DOLLAR_OS, "$os") \
	_(APP_VERSION, "app_version") \
	_(ARCH, "arch") \
	_(BATCH, "batch") \
	_(COMMAND, "command") \
	_(CREATED_AT, "created_at") \
	_(DEVTRON_MODE, "devtronMode") \
	_(DEVTRON_VERSION, "devtronVersion") \
	_(DISTINCT_ID, "distinct_id") \
	_(DURATIONMS, "durationMs") \
	_(DURATION_MS, "duration_ms") \
	_(ERROR, "error") \
	_(ERROR_CODE, "error_code") \
	_(EVENT, "event") \
	_(EXECUTIONID, "executionID") \
	_(EXECUTION_ID, "execution_id") \
	_(EXITCODE, "exitCode") \
	_(EXIT_CODE, "exit_code") \
	_(OS, "os") \
	_(OS_ARCH, "os_arch") \
	_(OS_NAME, "os_name") \
	_(PROPERTIES, "properties") \
	_(SENT_AT, "sent_at") \
	_(SERVER_VERSION, "serverVersion") \
	_(TIMESTAMP, "timestamp") \
	_(UCID, "ucid") \
	_(VERSION, "version")

enum {
#define PH_ENUM(id, name) PH_##id,
	PH_FIELDS(PH_ENUM)
#undef PH_ENUM
	PH_COUNT
};

static const char *const ph_names[] = {
#define PH_NAME(id, name) name,
	PH_FIELDS(PH_NAME)
#undef PH_NAME
};

const struct json_names fmt_posthog_names = JSON_NAMES("posthog", ph_names);

/* The properties, then the JSON-string properties inside them (Devsy). */
struct props {
	const cJSON	*p[2][PH_COUNT];
	int		 n;
};

/* The first object that has one of ids (ending in -1) as a string. */
static char *
props_strdup(const struct props *pr, const int *ids)
{
	char	*s;
	int	 i;

	for (i = 0; i < pr->n; i++)
		if ((s = json_fields_strdup(pr->p[i], ids)) != NULL)
			return s;
	return NULL;
}

/*
 * The first of ids in the properties that is an integer in [min, max]:
 * 0 and *out; 1 when there is none; -1 when there were only values that
 * are no such integer (each noted on the event).
 */
static int
props_int(struct tt_event *ev, const struct props *pr, const int *ids,
    int64_t min, int64_t max, int64_t *out)
{
	int	i, rc, found = 1;

	for (; *ids >= 0; ids++)
		for (i = 0; i < pr->n; i++) {
			if ((rc = json_vevent_int(ev, pr->p[i][*ids], min, max,
			    out)) == 0)
				return 0;
			if (rc == -1)
				found = -1;
		}
	return found;
}

/* props_int() for a number whose fraction is kept (durations). */
static int
props_num(struct tt_event *ev, const struct props *pr, const int *ids,
    int64_t min, int64_t max, double *out)
{
	int	i, rc, found = 1;

	for (; *ids >= 0; ids++)
		for (i = 0; i < pr->n; i++) {
			if ((rc = json_vevent_num(ev, pr->p[i][*ids], min, max,
			    out)) == 0)
				return 0;
			if (rc == -1)
				found = -1;
		}
	return found;
}

static int
props_has(const struct props *pr, int id)
{
	int	i;

	for (i = 0; i < pr->n; i++)
		if (pr->p[i][id] != NULL)
			return 1;
	return 0;
}

/* Which tool sent this PostHog event? */
static enum tt_source
posthog_source(const char *event, const struct props *pr)
{
	if (props_has(pr, PH_UCID) || props_has(pr, PH_DEVTRON_VERSION) ||
	    props_has(pr, PH_DEVTRON_MODE))
		return TT_SRC_DEVTRON;
	if (strncmp(event, "devsy_", 6) == 0)
		return TT_SRC_DEVSY;
	return TT_SRC_POSTHOG;
}

/*
 * One PostHog event object.  Without a timestamp of its own, its time is
 * fallback_ts if set, else the envelope's env_ts (sent_at, created_at) if
 * good, else received_at.
 */
static void
posthog_item(struct dctx *d, const cJSON *item, const char *format,
    int64_t fallback_ts, const cJSON *env_ts)
{
	static const int k_command[] = { PH_COMMAND, -1 };
	static const int k_version[] = { PH_VERSION, PH_APP_VERSION,
	    PH_SERVER_VERSION, -1 };
	static const int k_os[] = { PH_OS_NAME, PH_DOLLAR_OS, PH_OS, -1 };
	static const int k_arch[] = { PH_OS_ARCH, PH_ARCH, -1 };
	static const int k_error[] = { PH_ERROR, PH_ERROR_CODE, -1 };
	static const int k_exec[] = { PH_EXECUTION_ID, PH_EXECUTIONID, -1 };
	static const int k_dur[] = { PH_DURATION_MS, PH_DURATIONMS, -1 };
	static const int k_exit[] = { PH_EXIT_CODE, PH_EXITCODE, -1 };
	static const int k_client[] = { PH_DISTINCT_ID, -1 };
	static const int k_ucid[] = { PH_UCID, -1 };
	const cJSON	*f[PH_COUNT];
	struct tt_event	*ev;
	struct props	 pr;
	const cJSON	*inner_props;
	cJSON		*inner = NULL;
	const char	*event;
	int64_t		 v;
	double		 ms;

	if (!cJSON_IsObject(item)) {
		tt_batch_reject(d->batch, "PostHog event is not a JSON object");
		return;
	}
	json_fields(item, &fmt_posthog_names, f);
	if ((event = json_vstr(f[PH_EVENT])) == NULL) {
		tt_batch_reject(d->batch, "PostHog event has no \"event\" name");
		return;
	}
	pr.n = 0;
	if (cJSON_IsObject(f[PH_PROPERTIES])) {
		json_fields(f[PH_PROPERTIES], &fmt_posthog_names, pr.p[0]);
		pr.n = 1;
		/* Devsy v1.0/v1.1: user properties as a JSON string. */
		inner_props = json_vobj(pr.p[0][PH_PROPERTIES], &inner);
		if (inner_props != NULL)
			json_fields(inner_props, &fmt_posthog_names,
			    pr.p[pr.n++]);
	}
	ev = fmt_new_event(d, item, format, posthog_source(event, &pr));
	if (ev == NULL)
		goto out;
	ev->name = xstrdup(event);
	if ((ev->client_id = json_vstrdup(f[PH_DISTINCT_ID])) == NULL)
		ev->client_id = props_strdup(&pr, k_client);
	if (ev->client_id == NULL && ev->source == TT_SRC_DEVTRON)
		ev->client_id = props_strdup(&pr, k_ucid);
	if (json_vevent_ts(ev, f[PH_TIMESTAMP]) != 0) {
		if (fallback_ts > 0)
			ev->ts = fallback_ts;
		else if (env_ts == NULL || json_vevent_ts(ev, env_ts) != 0)
			ev->ts = d->received_at;
	}
	ev->command = props_strdup(&pr, k_command);
	ev->version = props_strdup(&pr, k_version);
	ev->os = props_strdup(&pr, k_os);
	ev->arch = props_strdup(&pr, k_arch);
	ev->error = props_strdup(&pr, k_error);
	ev->execution_id = props_strdup(&pr, k_exec);
	if (props_num(ev, &pr, k_dur, 0, JSON_INT_MAX, &ms) == 0)
		ev->duration_ms = ms;
	if (props_int(ev, &pr, k_exit, -JSON_INT_MAX, JSON_INT_MAX, &v) == 0)
		ev->exit_code = v;
	if (strcmp(event, "devsy_cli") == 0 ||
	    strcmp(event, "devsy_cli_runner") == 0)
		ev->phase = TT_PHASE_FINISH;
	/* teltop wrap --as posthog: a run's two captures, paired by their
	 * execution_id like any start and finish */
	if (ev->execution_id != NULL && ev->command != NULL) {
		if (strcmp(event, "command_started") == 0)
			ev->phase = TT_PHASE_START;
		else if (strcmp(event, "command_finished") == 0)
			ev->phase = TT_PHASE_FINISH;
	}
out:
	cJSON_Delete(inner);
}

/* One PostHog event object, its time falling back to fallback_ts. */
void
fmt_posthog_item(struct dctx *d, const cJSON *item, const char *format,
    int64_t fallback_ts)
{
	posthog_item(d, item, format, fallback_ts, NULL);
}

/* A PostHog body on any PostHog route. */
int
fmt_posthog(struct dctx *d, const cJSON *root, int v1, char **cause)
{
	static const int	 k_sent[] = { PH_SENT_AT, PH_CREATED_AT, -1 };
	const cJSON		*f[PH_COUNT], *item, *env_ts = NULL;
	const char		*format;
	const int		*k;
	int64_t			 sent;
	int			 rc;

	if (cJSON_IsArray(root)) {
		cJSON_ArrayForEach(item, root)
			posthog_item(d, item, "posthog-array", 0, NULL);
		return 0;
	}
	if (!cJSON_IsObject(root)) {
		*cause = xstrdup("body is neither a JSON object nor an array");
		return -1;
	}
	json_fields(root, &fmt_posthog_names, f);
	if (f[PH_BATCH] == NULL) {
		posthog_item(d, root, v1 ? "posthog-v1" : "posthog-event",
		    0, NULL);
		return 0;
	}
	if (!cJSON_IsArray(f[PH_BATCH])) {
		*cause = xstrdup("\"batch\" is not an array");
		return -1;
	}
	/* The first envelope time that is good, else the first one sent. */
	for (k = k_sent; *k >= 0; k++) {
		if ((rc = json_vtime(f[*k], &sent)) == TT_TIME_OK) {
			env_ts = f[*k];
			break;
		}
		if (rc != 1 && env_ts == NULL)
			env_ts = f[*k];
	}
	format = v1 ? "posthog-v1" : "posthog-batch";
	cJSON_ArrayForEach(item, f[PH_BATCH])
		posthog_item(d, item, format, 0, env_ts);
	return 0;
}
