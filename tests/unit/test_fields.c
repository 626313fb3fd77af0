/*
 * Unit tests for the field meanings of core/fields.h: lookups on the paths
 * the decoders really store (checked against `teltop events --format jsonl`
 * for every fixture in tests/integration/fixtures), JSON carried in strings
 * ('>'), array indexes, "*" components, the fallbacks (last keys, then the
 * "*" source), and the table's own consistency.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tt_test.h"

#include <stdio.h>
#include <string.h>

#include "event.h"
#include "fields.h"

/* Look path up for source; it must resolve to the entry (want_src, want). */
static void
expect(const char *source, const char *path, const char *want_src,
    const char *want)
{
	const struct tt_field_doc	*d;
	const char			*s = source != NULL ? source : "NULL";

	d = tt_field_doc(source, path);
	if (d == NULL)
		fail_msg("%s %s: no entry, expected %s %s", s, path,
		    want_src, want);
	if (strcmp(d->source, want_src) != 0 || strcmp(d->field, want) != 0)
		fail_msg("%s %s: got %s %s, expected %s %s", s, path,
		    d->source, d->field, want_src, want);
}

/* Look path up for source; it must find nothing. */
static void
expect_none(const char *source, const char *path)
{
	const struct tt_field_doc	*d;
	const char			*s = source != NULL ? source : "NULL";

	d = tt_field_doc(source, path);
	if (d != NULL)
		fail_msg("%s %s: got %s %s, expected nothing", s,
		    path != NULL ? path : "NULL", d->source, d->field);
}

/* Devtron Heartbeat/Summary, flat and the documented nested summary{}. */
static void
test_devtron(void **state)
{
	const struct tt_field_doc	*d;

	(void)state;
	expect("devtron", "properties.ucid", "devtron", "properties.ucid");
	expect("devtron", "distinct_id", "devtron", "distinct_id");
	expect("devtron", "properties.ciCreatedPerDay", "devtron",
	    "properties.ciCreatedPerDay");
	expect("devtron", "properties.summary.cdCountPerDay", "devtron",
	    "properties.summary.cdCountPerDay");
	expect("devtron", "properties.LastLoginTime", "devtron",
	    "properties.LastLoginTime");
	expect("devtron", "properties.cloudProvider", "devtron",
	    "properties.cloudProvider");
	/* An indexed path. */
	expect("devtron", "properties.installedIntegrations[0]", "devtron",
	    "properties.installedIntegrations[]");
	expect("devtron", "properties.installedIntegrations[]", "devtron",
	    "properties.installedIntegrations[]");
	expect("devtron", "properties.installedIntegrations", "devtron",
	    "properties.installedIntegrations");
	expect("devtron", "properties.ExternalHelmAppClusterCount.3", "devtron",
	    "properties.ExternalHelmAppClusterCount.*");
	/* The meaning says where the docs and the wire differ. */
	d = tt_field_doc("devtron", "properties.eventType");
	assert_non_null(d);
	assert_non_null(strstr(d->meaning, "integer"));
}

/* DevPod current: properties are JSON text inside strings. */
static void
test_devpod_current(void **state)
{
	const struct tt_field_doc	*d;

	(void)state;
	expect("devpod", "event.properties>command", "devpod",
	    "event.properties>command");
	expect("devpod", "event.properties>is_interactive", "devpod",
	    "event.properties>is_interactive");
	expect("devpod", "user.properties>os_arch", "devpod",
	    "user.properties>os_arch");
	expect("devpod", "event.machine_id", "devpod", "event.machine_id");
	/* The docs' shape (an object) finds the same entry. */
	expect("devpod", "event.properties.command", "devpod",
	    "event.properties>command");
	expect("devpod", "user.arch", "devpod", "user.arch");
	/* Docs say microseconds, the wire sends seconds. */
	d = tt_field_doc("devpod", "event.timestamp");
	assert_non_null(d);
	assert_non_null(strstr(d->meaning, "seconds"));
	assert_non_null(strstr(d->meaning, "microseconds"));
}

/* DevPod legacy cmdstarted/cmdfinished. */
static void
test_devpod_legacy(void **state)
{
	(void)state;
	expect("devpod", "type", "devpod", "type");
	expect("devpod", "event.processingTime", "devpod",
	    "event.processingTime");
	expect("devpod", "instanceProperties.uid", "devpod",
	    "instanceProperties.uid");
	expect("devpod", "instanceProperties.version.patch", "devpod",
	    "instanceProperties.version.patch");
	expect("devpod", "instanceProperties.flags.setFlags[0]", "devpod",
	    "instanceProperties.flags.setFlags[]");
	expect("devpod", "instanceProperties.flags.setFlags[12]", "devpod",
	    "instanceProperties.flags.setFlags[]");
	expect("devpod", "token", "devpod", "token");
}

/* Devsy in all its eras. */
static void
test_devsy(void **state)
{
	(void)state;
	/* Apr-May 2026: the loft body. */
	expect("devsy", "event.properties>source_type", "devsy",
	    "event.properties>source_type");
	expect("devsy", "user.properties>timezone", "devsy",
	    "user.properties>timezone");
	/* v1.0.0/v1.1.0: user properties as a string inside PostHog's. */
	expect("devsy", "properties.properties>os_arch", "devsy",
	    "properties.properties>os_arch");
	expect("devsy", "properties.type", "devsy", "properties.type");
	/* Later: flat properties. */
	expect("devsy", "properties.error_code", "devsy",
	    "properties.error_code");
	expect("devsy", "properties.command", "devsy", "properties.command");
	expect("devsy", "distinct_id", "devsy", "distinct_id");
	/* PostHog's own properties come from "*". */
	expect("devsy", "properties.$go_version", "*",
	    "properties.$go_version");
}

/* werf: OTLP spans stored flat with eventData/attributes parsed. */
static void
test_werf(void **state)
{
	const struct tt_field_doc	*d;

	(void)state;
	expect("werf", "ts", "werf", "ts");
	expect("werf", "executionID", "werf", "executionID");
	expect("werf", "eventData.exitCode", "werf", "eventData.exitCode");
	/* werf's flat JSON may keep eventData as a string. */
	expect("werf", "eventData>exitCode", "werf", "eventData.exitCode");
	expect("werf", "eventData.commandOptions[0].name", "werf",
	    "eventData.commandOptions[].name");
	expect("werf", "eventData.commandOptions[3]", "werf",
	    "eventData.commandOptions[]");
	expect("werf", "attributes.ciName", "werf", "attributes.ciName");
	expect("werf", "attributes.extra.team", "werf", "attributes.extra.*");
	expect("werf", "_span.resource.service.name", "werf",
	    "_span.resource.service.name");
	expect("werf", "_span.resource.telemetry.sdk.version", "werf",
	    "_span.resource.telemetry.sdk.version");
	expect("werf", "_span.resource.deployment.environment", "werf",
	    "_span.resource.*");
	/* Keys are case-sensitive: the docs' "CI" is its own entry. */
	expect("werf", "attributes.ci", "werf", "attributes.ci");
	expect("werf", "attributes.CI", "werf", "attributes.CI");
	expect_none("werf", "attributes.Ci");
	expect_none("werf", "Ts");
	d = tt_field_doc("werf", "ts");
	assert_non_null(strstr(d->meaning, "milliseconds"));
}

/* Other PostHog clients and the "*" fallback. */
static void
test_posthog_and_any(void **state)
{
	(void)state;
	expect("posthog", "properties.$lib", "*", "properties.$lib");
	expect("posthog", "properties.token", "*", "properties.token");
	expect("posthog", "event", "posthog", "event");
	expect("posthog", "uuid", "*", "uuid");
	expect("devtron", "properties.$geoip_city_name", "*",
	    "properties.$geoip_city_name");
	expect("devtron", "properties.$lib_version", "*",
	    "properties.$lib_version");
	/* An exact "*" entry beats a last-key match of the source's own. */
	expect("devtron", "timestamp", "*", "timestamp");
	expect("devtron", "properties.timestamp", "devtron",
	    "properties.timestamp");
	/* Unknown and NULL sources see only "*". */
	expect("nosuch", "properties.$os", "*", "properties.$os");
	expect(NULL, "sent_at", "*", "sent_at");
	expect_none(NULL, "properties.ucid");
	expect("*", "properties.$set.email", "*", "properties.$set.*");
}

/* Paths with more or other leading keys resolve by their last keys. */
static void
test_suffix_fallback(void **state)
{
	(void)state;
	expect("devtron", "batch[0].properties.ucid", "devtron",
	    "properties.ucid");
	expect("devtron", "ucid", "devtron", "properties.ucid");
	expect("devpod", "data[0].event.properties>provider", "devpod",
	    "event.properties>provider");
	expect("devpod", "data[1].user.properties>os_name", "devpod",
	    "user.properties>os_name");
	expect("devsy", "batch[2].properties.ide", "devsy",
	    "properties.ide");
	/* The longer run wins, wherever it is. */
	expect("devtron", "x.properties.distinct_id", "*",
	    "properties.distinct_id");
	/* A "*" component alone is not enough. */
	expect_none("werf", "team");
	expect("werf", "extra.team", "werf", "attributes.extra.*");
}

/* Generic events: teltop's own fields and non-werf OTLP spans. */
static void
test_generic(void **state)
{
	(void)state;
	expect("generic", "client_id", "generic", "client_id");
	expect("generic", "phase", "generic", "phase");
	expect("generic", "ts", "generic", "ts");
	expect("generic", "attributes.user.id", "generic",
	    "attributes.user.id");
	expect("generic", "attributes.command", "generic",
	    "attributes.command");
	expect("generic", "attributes.http.method", "generic", "attributes.*");
	expect("generic", "resource.service.instance.id", "generic",
	    "resource.service.instance.id");
	expect("generic", "status.code", "generic", "status.code");
}

/* Nothing for what no one documents. */
static void
test_unknown(void **state)
{
	(void)state;
	expect_none("devpod", "no.such.key");
	expect_none("devtron", "properties.lastlogintime");
	expect_none("werf", "");
	expect_none("werf", NULL);
	expect_none("nosuch", "event.properties>command");
	expect_none("generic", "[0]");
}

/* Every entry is complete, known, unique, and found by its own path. */
static void
test_table(void **state)
{
	const struct tt_field_doc	*t, *d;
	enum tt_source			 src;
	size_t				 n, i, j;

	(void)state;
	n = tt_field_docs(&t);
	assert_non_null(t);
	if (n < 120)
		fail_msg("only %zu entries", n);
	for (i = 0; i < n; i++) {
		assert_non_null(t[i].source);
		assert_non_null(t[i].field);
		assert_non_null(t[i].meaning);
		assert_non_null(t[i].ref);
		if (t[i].field[0] == '\0' || t[i].meaning[0] == '\0' ||
		    t[i].ref[0] == '\0')
			fail_msg("entry %zu (%s %s) has an empty member", i,
			    t[i].source, t[i].field);
		if (strcmp(t[i].source, "*") != 0 &&
		    tt_source_parse(t[i].source, &src) != 0)
			fail_msg("entry %zu: unknown source %s", i,
			    t[i].source);
		for (j = 0; j < i; j++)
			if (strcmp(t[i].source, t[j].source) == 0 &&
			    strcmp(t[i].field, t[j].field) == 0)
				fail_msg("duplicate entry %s %s", t[i].source,
				    t[i].field);
		/* A duplicate under '.'/'>' or "[N]" would shadow it. */
		d = tt_field_doc(t[i].source, t[i].field);
		if (d != &t[i])
			fail_msg("%s %s finds %s %s", t[i].source, t[i].field,
			    d != NULL ? d->source : "(null)",
			    d != NULL ? d->field : "");
	}
}

/* The meanings of an event's fields: OTLP logs and metrics, and Segment's
 * API for Segment and RudderStack alike (tt_field_doc_event()). */
static void
test_event_docs(void **state)
{
	static const struct {
		const char	*source, *format, *path, *want_src, *want;
	} cases[] = {
		{ "otlp", "otlp-logs-json", "severityNumber", "otlp",
		  "severityNumber" },
		{ "otlp", "otlp-metrics-protobuf", "bucketCounts", "otlp",
		  "bucketCounts" },
		/* the resource reads as a span's does */
		{ "otlp", "otlp-logs-protobuf", "resource[\"service.version\"]",
		  "generic", "resource.service.version" },
		{ "segment", "segment-batch", "anonymousId", "segment",
		  "anonymousId" },
		{ "rudderstack", "segment-batch", "properties.command", "segment",
		  "properties.*" },
		{ "rudderstack", "segment-batch", "context.library.name",
		  "segment", "context.library.name" },
	};
	const struct tt_field_doc	*d;
	size_t				 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		d = tt_field_doc_event(cases[i].source, cases[i].format,
		    cases[i].path);
		if (d == NULL || strcmp(d->source, cases[i].want_src) != 0 ||
		    strcmp(d->field, cases[i].want) != 0)
			fail_msg("%s %s: got %s %s", cases[i].source,
			    cases[i].path, d ? d->source : "none",
			    d ? d->field : "");
	}
	/* a generic event's "body" is not OTLP's */
	d = tt_field_doc_event("generic", "generic", "body");
	assert_true(d == NULL || strcmp(d->source, "otlp") != 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_devtron),
		cmocka_unit_test(test_devpod_current),
		cmocka_unit_test(test_devpod_legacy),
		cmocka_unit_test(test_devsy),
		cmocka_unit_test(test_werf),
		cmocka_unit_test(test_posthog_and_any),
		cmocka_unit_test(test_suffix_fallback),
		cmocka_unit_test(test_generic),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_event_docs),
	};

	return cmocka_run_group_tests_name("fields", tests, NULL, NULL);
}
