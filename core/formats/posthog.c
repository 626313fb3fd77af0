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

/* Look a key up in the properties, then in JSON-string properties. */
struct props {
	const cJSON	*p[3];
};

static char *
props_strdup(const struct props *pr, const char *const *keys)
{
	char	*s;
	int	 i;

	for (i = 0; i < 3; i++)
		if (pr->p[i] != NULL &&
		    (s = json_strdup_any(pr->p[i], keys)) != NULL)
			return s;
	return NULL;
}

/*
 * The first of keys in the properties that is an integer in [min, max]:
 * 0 and *out; 1 when there is none; -1 when there were only values that
 * are no such integer (each noted on the event).
 */
static int
props_int(struct tt_event *ev, const struct props *pr,
    const char *const *keys, int64_t min, int64_t max, int64_t *out)
{
	int	i, rc, found = 1;

	for (; *keys != NULL; keys++)
		for (i = 0; i < 3; i++) {
			if (pr->p[i] == NULL)
				continue;
			if ((rc = json_event_int(ev, pr->p[i], *keys, min, max,
			    out)) == 0)
				return 0;
			if (rc == -1)
				found = -1;
		}
	return found;
}

static int
props_has(const struct props *pr, const char *key)
{
	int	i;

	for (i = 0; i < 3; i++)
		if (pr->p[i] != NULL &&
		    cJSON_GetObjectItemCaseSensitive(pr->p[i], key) != NULL)
			return 1;
	return 0;
}

/* Which tool sent this PostHog event? */
static enum tt_source
posthog_source(const char *event, const struct props *pr)
{
	if (props_has(pr, "ucid") || props_has(pr, "devtronVersion") ||
	    props_has(pr, "devtronMode"))
		return TT_SRC_DEVTRON;
	if (strncmp(event, "devsy_", 6) == 0)
		return TT_SRC_DEVSY;
	return TT_SRC_POSTHOG;
}

/*
 * One PostHog event object.  Without a timestamp of its own, its time is
 * fallback_ts if set, else the envelope's member env_key (sent_at,
 * created_at) if good, else received_at.
 */
static void
posthog_item(struct dctx *d, const cJSON *item, const char *format,
    int64_t fallback_ts, const cJSON *env, const char *env_key)
{
	static const char *const k_command[] = { "command", NULL };
	static const char *const k_version[] = { "version", "app_version",
	    "serverVersion", NULL };
	static const char *const k_os[] = { "os_name", "$os", "os", NULL };
	static const char *const k_arch[] = { "os_arch", "arch", NULL };
	static const char *const k_error[] = { "error", "error_code", NULL };
	static const char *const k_exec[] = { "execution_id", "executionID",
	    NULL };
	static const char *const k_dur[] = { "duration_ms", "durationMs",
	    NULL };
	static const char *const k_exit[] = { "exit_code", "exitCode", NULL };
	static const char *const k_client[] = { "distinct_id", NULL };
	struct tt_event	*ev;
	struct props	 pr;
	const cJSON	*props;
	cJSON		*inner = NULL;
	const char	*event;
	int64_t		 v;

	if (!cJSON_IsObject(item)) {
		tt_batch_reject(d->batch, "PostHog event is not a JSON object");
		return;
	}
	if ((event = json_str(item, "event")) == NULL) {
		tt_batch_reject(d->batch, "PostHog event has no \"event\" name");
		return;
	}
	memset(&pr, 0, sizeof pr);
	props = cJSON_GetObjectItemCaseSensitive(item, "properties");
	if (cJSON_IsObject(props)) {
		pr.p[0] = props;
		/* Devsy v1.0/v1.1: user properties as a JSON string. */
		pr.p[1] = json_obj(props, "properties", &inner);
	}
	ev = fmt_new_event(d, item, format, posthog_source(event, &pr));
	if (ev == NULL)
		goto out;
	ev->name = xstrdup(event);
	if ((ev->client_id = json_strdup(item, "distinct_id")) == NULL)
		ev->client_id = props_strdup(&pr, k_client);
	if (ev->client_id == NULL && ev->source == TT_SRC_DEVTRON) {
		static const char *const k_ucid[] = { "ucid", NULL };
		ev->client_id = props_strdup(&pr, k_ucid);
	}
	if (json_event_ts(ev, item, "timestamp") != 0) {
		if (fallback_ts > 0)
			ev->ts = fallback_ts;
		else if (env_key == NULL ||
		    json_event_ts(ev, env, env_key) != 0)
			ev->ts = d->received_at;
	}
	ev->command = props_strdup(&pr, k_command);
	ev->version = props_strdup(&pr, k_version);
	ev->os = props_strdup(&pr, k_os);
	ev->arch = props_strdup(&pr, k_arch);
	ev->error = props_strdup(&pr, k_error);
	ev->execution_id = props_strdup(&pr, k_exec);
	if (props_int(ev, &pr, k_dur, 0, JSON_INT_MAX, &v) == 0)
		ev->duration_ms = v;
	if (props_int(ev, &pr, k_exit, -JSON_INT_MAX, JSON_INT_MAX, &v) == 0)
		ev->exit_code = v;
	if (strcmp(event, "devsy_cli") == 0 ||
	    strcmp(event, "devsy_cli_runner") == 0)
		ev->phase = TT_PHASE_FINISH;
out:
	cJSON_Delete(inner);
}

/* One PostHog event object, its time falling back to fallback_ts. */
void
fmt_posthog_item(struct dctx *d, const cJSON *item, const char *format,
    int64_t fallback_ts)
{
	posthog_item(d, item, format, fallback_ts, NULL, NULL);
}

/* A PostHog body on any PostHog route. */
int
fmt_posthog(struct dctx *d, const cJSON *root, int v1, char **cause)
{
	static const char *const k_sent[] = { "sent_at", "created_at", NULL };
	const char *const	*k;
	const cJSON		*batch, *item;
	const char		*format, *key = NULL;
	int64_t			 sent;
	int			 rc;

	if (cJSON_IsArray(root)) {
		cJSON_ArrayForEach(item, root)
			posthog_item(d, item, "posthog-array", 0, NULL, NULL);
		return 0;
	}
	if (!cJSON_IsObject(root)) {
		*cause = xstrdup("body is neither a JSON object nor an array");
		return -1;
	}
	batch = cJSON_GetObjectItemCaseSensitive(root, "batch");
	if (batch == NULL) {
		posthog_item(d, root, v1 ? "posthog-v1" : "posthog-event",
		    0, NULL, NULL);
		return 0;
	}
	if (!cJSON_IsArray(batch)) {
		*cause = xstrdup("\"batch\" is not an array");
		return -1;
	}
	/* The first envelope time that is good, else the first one sent. */
	for (k = k_sent; *k != NULL; k++) {
		if ((rc = json_time(root, *k, &sent)) == TT_TIME_OK) {
			key = *k;
			break;
		}
		if (rc != 1 && key == NULL)
			key = *k;
	}
	format = v1 ? "posthog-v1" : "posthog-batch";
	cJSON_ArrayForEach(item, batch)
		posthog_item(d, item, format, 0, root, key);
	return 0;
}
