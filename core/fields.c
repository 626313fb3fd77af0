/*
 * The table of field meanings behind core/fields.h, and its lookup.
 *
 * Paths follow what the decoders store as tt_event.data:
 *   PostHog (Devtron, Devsy v1.0+, posthog-*): one batch item,
 *     {type?, uuid?, library?, library_version?, timestamp, distinct_id,
 *     event, properties{...}, send_feature_flags?}; the envelope (api_key,
 *     sent_at, ...) is not kept with the event.
 *   DevPod / early Devsy /v1/insert: one data[] item {event{...},user{...}}
 *     with "properties" still JSON strings, hence "event.properties>command".
 *   DevPod legacy: the whole body {type, event, instanceProperties, token}.
 *   werf over OTLP: the span's attributes flattened into one object with
 *     eventData and attributes already parsed into objects, plus "_span"
 *     (name, scope, ids, times, status, resource) added by teltop.  werf's
 *     flat JSON is stored as sent, so eventData may still be a string.
 *   Other OTLP spans (generic): {name, scope, traceId, spanId, ...,
 *     attributes{...}, status?, resource?}.
 *   Generic: the object as sent.
 *
 * Each meaning says what the tool's docs say and, where the wire differs,
 * what is really sent.  Entries are unique per (source, field); the lookup
 * allocates only the flat copy of the path it matches.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "path.h"

#define R_PHGO		"posthog/posthog-go: POST /batch/ (Devtron, Devsy)"
#define R_PHNODE	"PostHog/posthog-js-lite: posthog-node 5.x"
#define R_PHJS		"PostHog/posthog-js: the browser SDK"
#define R_PH7		"teltop: what it accepts on the PostHog routes"
#define R_DT		"devtron-labs/devtron: the orchestrator's telemetry"
#define R_DTI		"devtron-labs/inception: the operator's telemetry"
#define R_DT_SEED	"seeds: Devtron telemetry page"
#define R_DT_BEAN	"devtron-labs/devtron client/telemetry/bean.go"
#define R_DT_SUM	"devtron-labs/devtron TelemetryEventClientExtended.go"
#define R_DP		"loft-sh/devpod v0.6.6+: POST /v1/insert"
#define R_DPL		"loft-sh/devpod up to v0.6.5: the legacy events"
#define R_DP_SEED	"seeds: DevPod telemetry page"
#define R_DS		"devsy-org/devsy: its telemetry, phase by phase"
#define R_DS_SEED	"seeds: Devsy telemetry page"
#define R_WF		"werf/werf: the OTLP span it sends"
#define R_WF_SEED	"seeds: werf telemetry page"
#define R_WF_SRC	"werf/werf pkg/telemetry/telemetrywerfio.go"
#define R_WF_OPT	"werf/werf cmd/werf/common/telemetry.go"
#define R_OTLP		"teltop: core/formats/otlp.c"
#define R_OTSIG		"teltop: core/formats/otlpsig.c; opentelemetry-proto"
#define R_SEG		"Segment HTTP tracking API; core/formats/segment.c"
#define R_GEN		"teltop: its own generic events; " \
			"core/formats/generic.c"
#define R_TAX		"PostHog property taxonomy"

#define GEOIP		" The PostHog server adds it (GeoIP): seen in " \
			"events exported from PostHog (Devtron's docs " \
			"sample), never sent by a client."
#define DT_SUMMARY	" Sent in the daily Summary event."
#define DT_NAME		" (Meaning read from the field name.)"
#define WF_NAME		" (Meaning read from the key name.)"
#define LOFT_TS		"Unix seconds on the wire (time.Now().Unix()); " \
			"the docs show microseconds (1683878643781772)."

static const struct tt_field_doc docs[] = {
	/* ---- Any PostHog client: item keys and standard properties ---- */
	{ "*", "type",
	  "PostHog message type written by posthog-go: \"capture\" for "
	  "events, or \"identify\", \"alias\", \"exception\". posthog-node "
	  "and posthog-js items carry no type.",
	  R_PHGO "; " R_PHNODE },
	{ "*", "uuid",
	  "Event id chosen by the client so PostHog can drop duplicates: "
	  "UUIDv4 from posthog-go 1.12.5, UUIDv7 from posthog-node, \"\" from "
	  "posthog-go 1.5.9, absent in the 2021 posthog-go.",
	  R_PHGO "; " R_PHNODE },
	{ "*", "library",
	  "The PostHog SDK that built the item (\"posthog-go\"); posthog-go "
	  "only, the same as properties.$lib.",
	  R_PHGO },
	{ "*", "library_version",
	  "Version of that SDK, e.g. 1.5.9 (Devtron) or 1.12.5 (Devsy).",
	  R_PHGO },
	{ "*", "timestamp",
	  "When the event happened, by the sender's clock: RFC3339Nano in "
	  "local time with its offset from posthog-go, ISO-8601 UTC with "
	  "milliseconds from posthog-node and posthog-js.",
	  R_PHGO "; " R_PHNODE },
	{ "*", "distinct_id",
	  "The id PostHog files the event under (a user or an install), "
	  "chosen by the sending application.",
	  R_PHGO "; " R_PH7 },
	{ "*", "event",
	  "Event name: the application's own (Heartbeat, devsy_cli, ...) or "
	  "a PostHog built-in starting with $ ($pageview, $identify, ...).",
	  R_PHGO "; " R_PHJS },
	{ "*", "properties",
	  "The event's properties: the application's keys plus the SDK's "
	  "$-prefixed ones.",
	  R_PHGO },
	{ "*", "send_feature_flags",
	  "posthog-go: whether PostHog should evaluate feature flags for this "
	  "event; false by default (null when unset in 1.12.5). Not usage "
	  "data.",
	  R_PHGO },
	{ "*", "options",
	  "Capture options of the v1 analytics endpoint (/i/v1/analytics/"
	  "events); posthog-node sends {}.",
	  R_PHNODE },
	{ "*", "api_key",
	  "The PostHog project key (phc_...). Normally on the batch envelope, "
	  "which is not stored with each event; a single posthog-js event may "
	  "carry it itself, and it names the project, not the user.",
	  R_PH7 },
	{ "*", "token",
	  "posthog-js spelling of the project key (api_key) on an event.",
	  R_PH7 },
	{ "*", "$token",
	  "Another spelling of the project key (api_key) that PostHog accepts "
	  "on an event.",
	  R_PH7 },
	{ "*", "$set",
	  "posthog-js: person properties to set, at the event's top level; "
	  "may hold personal data.",
	  R_PHJS },
	{ "*", "sent_at",
	  "Envelope field: when the SDK sent the batch (posthog-node, recent "
	  "posthog-js; never posthog-go). Not kept with each event; teltop "
	  "uses it only as the time of an item without a timestamp.",
	  R_PHNODE "; " R_PHJS },
	{ "*", "created_at",
	  "Envelope field of the v1 analytics endpoint: when the batch was "
	  "made. Like sent_at, only a time fallback for items.",
	  R_PHNODE },
	{ "*", "historical_migration",
	  "Envelope flag asking PostHog to treat the batch as an import of "
	  "old events; omitted unless set.",
	  R_PHGO },
	{ "*", "batch",
	  "Envelope: the array of events. teltop stores each item as its own "
	  "event, so a path through batch[N] means that item's path.",
	  R_PHGO "; " R_PH7 },
	{ "*", "id",
	  "PostHog's own id for an event stored on its server. It is in "
	  "Devtron's docs sample, which is a PostHog export; clients never "
	  "send it.",
	  R_DT_SEED "; " R_DT },
	{ "*", "properties.token",
	  "posthog-js: the project API key (phc_...), repeated in every "
	  "event's properties.",
	  R_PHJS },
	{ "*", "properties.distinct_id",
	  "posthog-js: the user id, carried in properties instead of at the "
	  "top level.",
	  R_PHJS },
	{ "*", "properties.$lib",
	  "The SDK that sent the event: \"posthog-go\", \"posthog-node\" or "
	  "\"web\" (posthog-js).",
	  R_PHGO "; " R_PHNODE "; " R_PHJS },
	{ "*", "properties.$lib_version",
	  "Version of that SDK. Devtron's docs sample shows 1.0.2, the 2021 "
	  "posthog-go still in Devtron's inception operator; the "
	  "orchestrator sends 1.5.9.",
	  R_DT_SEED "; " R_PHGO "; " R_DTI },
	{ "*", "properties.$geoip_disable",
	  "Asks PostHog not to derive a location from the sender's IP "
	  "address; posthog-go 1.5.9+ and posthog-node set it to true by "
	  "default.",
	  R_PHGO "; " R_PHNODE },
	{ "*", "properties.$geoip_city_name",
	  "City of the sender's IP address." GEOIP,
	  R_DT_SEED "; " R_DT },
	{ "*", "properties.$geoip_continent_code",
	  "Continent code of the sender's IP address." GEOIP,
	  R_DT_SEED "; " R_DT },
	{ "*", "properties.$geoip_continent_name",
	  "Continent of the sender's IP address." GEOIP,
	  R_DT_SEED "; " R_DT },
	{ "*", "properties.$geoip_country_code",
	  "Country code of the sender's IP address." GEOIP,
	  R_DT_SEED "; " R_DT },
	{ "*", "properties.$geoip_country_name",
	  "Country of the sender's IP address." GEOIP,
	  R_DT_SEED "; " R_DT },
	{ "*", "properties.$geoip_latitude",
	  "Latitude of the sender's IP address." GEOIP,
	  R_DT_SEED "; " R_DT },
	{ "*", "properties.$geoip_longitude",
	  "Longitude of the sender's IP address." GEOIP,
	  R_DT_SEED "; " R_DT },
	{ "*", "properties.$geoip_postal_code",
	  "Postal code of the sender's IP address." GEOIP,
	  R_DT_SEED "; " R_DT },
	{ "*", "properties.$geoip_subdivision_1_code",
	  "Region (state) code of the sender's IP address." GEOIP,
	  R_DT_SEED "; " R_DT },
	{ "*", "properties.$geoip_subdivision_1_name",
	  "Region (state) of the sender's IP address." GEOIP,
	  R_DT_SEED "; " R_DT },
	{ "*", "properties.$geoip_time_zone",
	  "Time zone of the sender's IP address." GEOIP,
	  R_DT_SEED "; " R_DT },
	{ "*", "properties.$ip",
	  "The sender's IP address as the PostHog server saw it: personal "
	  "data. In Devtron's docs sample (a PostHog export); the clients "
	  "do not send it.",
	  R_DT_SEED "; " R_DT },
	{ "*", "properties.$timezone",
	  "The device's time zone as a PostHog SDK reports it. None of the "
	  "four tools sends it: DevPod and Devsy send their own \"timezone\".",
	  R_TAX "; " R_DP "; " R_DS },
	{ "*", "properties.$os",
	  "Operating system as the SDK detects it; posthog-go 1.12.5 adds it "
	  "(Devsy), posthog-js in browsers.",
	  R_PHGO "; " R_DS },
	{ "*", "properties.$os_version",
	  "Operating system version, added by posthog-go 1.12.5.",
	  R_PHGO },
	{ "*", "properties.$os_distro",
	  "Linux distribution, added by posthog-go 1.12.5.",
	  R_PHGO },
	{ "*", "properties.$go_version",
	  "Go version the sending program was built with, added by "
	  "posthog-go 1.12.5.",
	  R_PHGO },
	{ "*", "properties.$is_server",
	  "true from posthog-node: the event comes from a server-side SDK.",
	  R_PHNODE },
	{ "*", "properties.$set",
	  "Person properties to set (identify; posthog-node sends it with "
	  "event $identify). May hold personal data such as an e-mail "
	  "address.",
	  R_PHGO "; " R_PHNODE },
	{ "*", "properties.$set.*",
	  "One person property being set by identify; its value may be "
	  "personal (the posthog-node example sets an e-mail address).",
	  R_PHNODE },
	{ "*", "properties.$set_once",
	  "Person properties set only if not set before (posthog-node "
	  "identify).",
	  R_PHNODE },
	{ "*", "properties.$current_url",
	  "posthog-js: the page URL the event happened on; paths and query "
	  "strings can hold personal data.",
	  R_TAX "; " R_PHJS },
	{ "*", "properties.$browser",
	  "posthog-js: the browser's name, from its user agent.",
	  R_TAX },

	/* ---- Any other PostHog client ---- */
	{ "posthog", "distinct_id",
	  "The user id the sending application gave PostHog (posthog-js "
	  "puts it in properties.distinct_id). Whether it names a person "
	  "depends on the application.",
	  R_PHNODE "; " R_PHJS },
	{ "posthog", "event",
	  "Event name: the application's own, or a PostHog built-in such as "
	  "$pageview, $pageleave, $autocapture or $identify (how "
	  "posthog-node sends identify()).",
	  R_PHNODE "; " R_PHJS },

	/* ---- Devtron: orchestrator and inception, over posthog-go ---- */
	{ "devtron", "distinct_id",
	  "The UCID: a random 16-character id kept in the devtron-ucid "
	  "ConfigMap, one per installation (docs: \"Unique user id or client "
	  "id\").",
	  R_DT_SEED "; " R_DT },
	{ "devtron", "event",
	  "Name of the event: Heartbeat (at start-up, then every 6 h), "
	  "Summary (daily), InstallationSuccess, DashboardAccessed, "
	  "DashboardLoggedIn, SIG_TERM; from inception Installation* and "
	  "Upgrade* (Start, InProgress, Success, Interrupt, Failure).",
	  R_DT_SEED "; " R_DT "; " R_DTI },
	{ "devtron", "properties.ucid",
	  "Unique client id (docs): the UCID again, the same value as "
	  "distinct_id; random, not derived from a person or machine.",
	  R_DT_SEED "; " R_DT },
	{ "devtron", "properties.timestamp",
	  "When Devtron built the event (Go time.Time, RFC3339Nano), a moment "
	  "before posthog-go stamps the item.",
	  R_DT },
	{ "devtron", "properties.eventType",
	  "Event type (docs), the event name again as a string. Devtron's "
	  "docs sample shows the integer 0, the encoding of June 2021.",
	  R_DT_SEED "; " R_DT },
	{ "devtron", "properties.eventMessage",
	  "Optional message with the event, e.g. what went wrong in an "
	  "inception failure event; free text.",
	  R_DTI "; " R_DT_BEAN },
	{ "devtron", "properties.serverVersion",
	  "Kubernetes version of the cluster Devtron runs on (docs: "
	  "\"kubernetes cluster version\"), e.g. v1.29.3.",
	  R_DT_SEED "; " R_DT },
	{ "devtron", "properties.devtronVersion",
	  "Devtron version (docs); the code always sends \"v1\", a fixed "
	  "marker rather than the release (see devtronReleaseVersion).",
	  R_DT_SEED "; " R_DT },
	{ "devtron", "properties.devtronMode",
	  "Installation mode: FULL, or EA_ONLY for an install without the "
	  "CI/CD part. Inception always sends FULL.",
	  R_DT "; " R_DTI },
	{ "devtron", "properties.devtronReleaseVersion",
	  "The Devtron release actually running.",
	  R_DT_BEAN "; " R_DT_SUM },
	{ "devtron", "properties.devtronGitVersion",
	  "Git commit of the running Devtron build.",
	  R_DT_BEAN "; " R_DT_SUM },
	{ "devtron", "properties.cloudProvider",
	  "Inception: the cloud the cluster runs on (e.g. aws); optional.",
	  R_DTI },
	{ "devtron", "properties.clusterProvider",
	  "Orchestrator: the cloud provider detected for the cluster.",
	  R_DT_BEAN "; " R_DT_SUM },
	{ "devtron", "properties.LastLoginTime",
	  "When a Devtron user last logged in (or was created); Go's zero "
	  "time 0001-01-01T00:00:00Z when none has. Always present.",
	  R_DT "; " R_DT_SUM },
	{ "devtron", "properties.SkippedOnboarding",
	  "Whether the dashboard's onboarding was skipped. Always present.",
	  R_DT "; " R_DT_BEAN },
	{ "devtron", "properties.userCount",
	  "Total users created in Devtron (docs: \"total user created in the "
	  "system\"); flat in the current code.",
	  R_DT_SEED "; " R_DT },
	{ "devtron", "properties.clusterCount",
	  "Total clusters in Devtron (docs: \"total cluster in the system\"); "
	  "flat in the current code.",
	  R_DT_SEED "; " R_DT },
	{ "devtron", "properties.environmentCount",
	  "Total environments in Devtron (docs: \"total environment in the "
	  "system\"); flat in the current code.",
	  R_DT_SEED "; " R_DT },
	{ "devtron", "properties.nonProdAppCount",
	  "Non-production apps (docs: \"total non prod apps created\"); flat "
	  "in the current code.",
	  R_DT_SEED "; " R_DT },
	{ "devtron", "properties.prodAppCount",
	  "Production apps." DT_SUMMARY,
	  R_DT_BEAN "; " R_DT_SUM },
	{ "devtron", "properties.ciCreatedPerDay",
	  "CI pipelines created in the last 24 hours: today's name for the "
	  "docs' ciCountPerDay, sent flat.",
	  R_DT "; " R_DT_BEAN },
	{ "devtron", "properties.cdCreatedPerDay",
	  "CD pipelines created in the last 24 hours: today's name for the "
	  "docs' cdCountPerDay, sent flat.",
	  R_DT "; " R_DT_BEAN },
	{ "devtron", "properties.ciCountPerDay",
	  "CI pipelines created in the last 24 hours, under the name of "
	  "older releases (flat); see ciCreatedPerDay.",
	  R_DT_SEED "; " R_DT_SUM },
	{ "devtron", "properties.cdCountPerDay",
	  "CD pipelines created in the last 24 hours, under the name of "
	  "older releases (flat); see cdCreatedPerDay.",
	  R_DT_SEED "; " R_DT_SUM },
	{ "devtron", "properties.ciDeletedPerDay",
	  "CI pipelines deleted in the last 24 hours." DT_SUMMARY,
	  R_DT_BEAN },
	{ "devtron", "properties.cdDeletedPerDay",
	  "CD pipelines deleted in the last 24 hours." DT_SUMMARY,
	  R_DT_BEAN },
	{ "devtron", "properties.ciTriggeredPerDay",
	  "CI pipeline runs triggered in the last 24 hours." DT_SUMMARY,
	  R_DT_BEAN },
	{ "devtron", "properties.cdTriggeredPerDay",
	  "CD pipeline runs triggered in the last 24 hours." DT_SUMMARY,
	  R_DT_BEAN },
	{ "devtron", "properties.summary",
	  "The documented Summary shape: the daily counts nested in one "
	  "object. That is the June 2021 code; today's Summary sends flat "
	  "properties with other names (ciCreatedPerDay, ...).",
	  R_DT_SEED "; " R_DT },
	{ "devtron", "properties.summary.cdCountPerDay",
	  "CD pipelines created in the last 24 hours (docs). Now sent flat as "
	  "cdCreatedPerDay.",
	  R_DT_SEED "; " R_DT },
	{ "devtron", "properties.summary.ciCountPerDay",
	  "CI pipelines created in the last 24 hours (docs). Now sent flat as "
	  "ciCreatedPerDay.",
	  R_DT_SEED "; " R_DT },
	{ "devtron", "properties.summary.clusterCount",
	  "Total clusters in the system (docs). Now sent flat as "
	  "clusterCount.",
	  R_DT_SEED "; " R_DT },
	{ "devtron", "properties.summary.environmentCount",
	  "Total environments in the system (docs). Now sent flat as "
	  "environmentCount.",
	  R_DT_SEED "; " R_DT },
	{ "devtron", "properties.summary.nonProdAppCount",
	  "Total non-production apps created (docs). Now sent flat as "
	  "nonProdAppCount.",
	  R_DT_SEED "; " R_DT },
	{ "devtron", "properties.summary.userCount",
	  "Total users created in the system (docs). Now sent flat as "
	  "userCount.",
	  R_DT_SEED "; " R_DT },
	{ "devtron", "properties.appCount",
	  "Total apps in Devtron." DT_SUMMARY,
	  R_DT_BEAN "; " R_DT_SUM },
	{ "devtron", "properties.appsWithGitRepoConfigured",
	  "Apps with a git repository set up; only counted when there are "
	  "fewer than 50 apps.",
	  R_DT_SUM },
	{ "devtron", "properties.appsWithDockerConfigured",
	  "Apps with a container build set up; only counted when there are "
	  "fewer than 50 apps.",
	  R_DT_SUM },
	{ "devtron", "properties.appsWithDeploymentTemplateConfigured",
	  "Apps with a deployment template; only counted when there are "
	  "fewer than 50 apps.",
	  R_DT_SUM },
	{ "devtron", "properties.appsWithCiPipelineConfigured",
	  "Apps with a CI pipeline; only counted when there are fewer than "
	  "50 apps.",
	  R_DT_SUM },
	{ "devtron", "properties.appsWithCdPipelineConfigured",
	  "Apps with a CD pipeline; only counted when there are fewer than "
	  "50 apps.",
	  R_DT_SUM },
	{ "devtron", "properties.build",
	  "true once any CI build has succeeded on this installation.",
	  R_DT_SUM },
	{ "devtron", "properties.deployment",
	  "true once any deployment has reached Healthy on this "
	  "installation.",
	  R_DT_SUM },
	{ "devtron", "properties.helmChartCount",
	  "Helm charts in Devtron." DT_SUMMARY DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.securityScanCountPerDay",
	  "Security scans run in the last 24 hours." DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.gitAccountsCount",
	  "Git provider accounts configured.",
	  R_DT_BEAN "; " R_DT_SUM },
	{ "devtron", "properties.gitOpsCount",
	  "GitOps configurations.",
	  R_DT_BEAN "; " R_DT_SUM },
	{ "devtron", "properties.registryCount",
	  "Container registries configured.",
	  R_DT_BEAN "; " R_DT_SUM },
	{ "devtron", "properties.hostURL",
	  "Whether Devtron's host URL setting is configured." DT_NAME,
	  R_DT_BEAN "; " R_DT_SUM },
	{ "devtron", "properties.ssoLogin",
	  "Whether single sign-on login is set up.",
	  R_DT_BEAN "; " R_DT_SUM },
	{ "devtron", "properties.installedIntegrations",
	  "Names of the Devtron integrations (modules) installed.",
	  R_DT_BEAN "; " R_DT_SUM },
	{ "devtron", "properties.installedIntegrations[]",
	  "One installed integration's name.",
	  R_DT_BEAN },
	{ "devtron", "properties.installFailedIntegrations",
	  "Names of integrations whose installation failed.",
	  R_DT_BEAN "; " R_DT_SUM },
	{ "devtron", "properties.installTimedOutIntegrations",
	  "Names of integrations whose installation timed out.",
	  R_DT_BEAN "; " R_DT_SUM },
	{ "devtron", "properties.installingIntegrations",
	  "Names of integrations being installed.",
	  R_DT_BEAN "; " R_DT_SUM },
	{ "devtron", "properties.selfDockerfileCount",
	  "CI build configurations that use the app's own Dockerfile.",
	  R_DT_SUM },
	{ "devtron", "properties.managedDockerfileCount",
	  "CI build configurations that use a Dockerfile managed by "
	  "Devtron.",
	  R_DT_SUM },
	{ "devtron", "properties.buildPackCount",
	  "CI build configurations that use buildpacks.",
	  R_DT_SUM },
	{ "devtron", "properties.selfDockerfileSuccessCount",
	  "Succeeded builds with the app's own Dockerfile, last day.",
	  R_DT_SUM },
	{ "devtron", "properties.selfDockerfileFailureCount",
	  "Builds with the app's own Dockerfile that did not succeed, last "
	  "day.",
	  R_DT_SUM },
	{ "devtron", "properties.managedDockerfileSuccessCount",
	  "Succeeded builds with a managed Dockerfile, last day.",
	  R_DT_SUM },
	{ "devtron", "properties.managedDockerfileFailureCount",
	  "Builds with a managed Dockerfile that did not succeed, last day.",
	  R_DT_SUM },
	{ "devtron", "properties.buildPackSuccessCount",
	  "Succeeded buildpack builds, last day.",
	  R_DT_SUM },
	{ "devtron", "properties.buildPackFailureCount",
	  "Buildpack builds that did not succeed, last day.",
	  R_DT_SUM },
	{ "devtron", "properties.HelmAppAccessCounter",
	  "Counter of visits to Helm app pages, sent as a string."
	  DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.HelmAppUpdateCounter",
	  "Counter of Helm app updates, sent as a string." DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.ChartStoreVisitCount",
	  "Counter of visits to the chart store, sent as a string." DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.helmChartSuccessfulDeploymentCount",
	  "Successful Helm chart deployments." DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.ExternalHelmAppClusterCount",
	  "Helm apps not installed through Devtron, per cluster: an object "
	  "keyed by cluster id." DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.ExternalHelmAppClusterCount.*",
	  "Number of external Helm apps in the cluster with this id.",
	  R_DT_BEAN },
	{ "devtron", "properties.helmAppCount",
	  "Helm apps." DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.devtronAppCount",
	  "Devtron (CI/CD) apps." DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.jobCount",
	  "Jobs defined in Devtron." DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.jobPipelineCount",
	  "Job pipelines." DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.jobPipelineTriggeredLast24h",
	  "Job pipeline runs triggered in the last 24 hours." DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.jobPipelineSucceededLast24h",
	  "Job pipeline runs that succeeded in the last 24 hours." DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.userCreatedPluginCount",
	  "CI/CD plugins created by users." DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.policyCount",
	  "Policies defined." DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.appliedPolicyRowCount",
	  "Policy applications (rows binding a policy to a target)."
	  DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.physicalClusterCount",
	  "Physical (not virtual) clusters." DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.isolatedClusterCount",
	  "Isolated clusters." DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.activeUsersLast30Days",
	  "Users active in the last 30 days." DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.gitOpsPipelineCount",
	  "CD pipelines that deploy through GitOps." DT_NAME,
	  R_DT_BEAN },
	{ "devtron", "properties.noGitOpsPipelineCount",
	  "CD pipelines that deploy without GitOps." DT_NAME,
	  R_DT_BEAN },

	/* ---- DevPod: /v1/insert (v0.6.6+) and legacy (v0.0.4-v0.6.5) ---- */
	{ "devpod", "event",
	  "The command event: {machine_id, properties, timestamp, type} in "
	  "the current body; {timestamp, executionID, command, provider, "
	  "success, processingTime, errors} in the legacy one.",
	  R_DP "; " R_DPL },
	{ "devpod", "event.type",
	  "Event type: devpod_cli, or devpod_cli_runner when DevPod runs "
	  "under /var/lib/loft/devpod. One event per CLI run, sent as it "
	  "ends.",
	  R_DP },
	{ "devpod", "event.machine_id",
	  "Install id: hex HMAC-SHA256 of $HOME keyed with the machine id, "
	  "stable per machine and home directory; pseudonymous.",
	  R_DP },
	{ "devpod", "event.timestamp",
	  "When the command ran: unix seconds in the current body, though the "
	  "docs show microseconds (1683878643781772); unix microseconds in "
	  "the legacy body.",
	  R_DP "; " R_DPL "; " R_DP_SEED },
	{ "devpod", "event.properties",
	  "The command's properties as JSON text inside a string (the "
	  "client encodes them twice); DevPod's docs show an object.",
	  R_DP },
	{ "devpod", "event.properties>command",
	  "The CLI command that was executed, e.g. \"devpod up\".",
	  R_DP "; " R_DP_SEED },
	{ "devpod", "event.properties>version",
	  "DevPod CLI version, e.g. v0.6.15.",
	  R_DP },
	{ "devpod", "event.properties>desktop",
	  "Whether DevPod Desktop ran the command rather than a person at a "
	  "shell. A JSON boolean on the wire; the docs show the string "
	  "\"true\".",
	  R_DP },
	{ "devpod", "event.properties>is_ci",
	  "Whether the command ran in a CI environment.",
	  R_DP },
	{ "devpod", "event.properties>is_interactive",
	  "Whether the command ran in an interactive terminal.",
	  R_DP },
	{ "devpod", "event.properties>provider",
	  "The provider used (docker, kubernetes, ...); only for workspace "
	  "commands.",
	  R_DP },
	{ "devpod", "event.properties>source_type",
	  "Workspace source type (git:, image, local, container, unknown); "
	  "only for workspace commands.",
	  R_DP "; " R_DS_SEED },
	{ "devpod", "event.properties>ide",
	  "IDE used to open the workspace (e.g. vscode); only for workspace "
	  "commands.",
	  R_DP },
	{ "devpod", "event.properties>error",
	  "The error text (Go err.Error()) when the command failed; free "
	  "text that may name paths, hosts or users.",
	  R_DP },
	{ "devpod", "user",
	  "The machine the command ran on: {machine_id, properties, "
	  "timestamp}.",
	  R_DP },
	{ "devpod", "user.machine_id",
	  "The same hashed install id as event.machine_id.",
	  R_DP },
	{ "devpod", "user.timestamp",
	  "The same time as event.timestamp, in unix seconds.",
	  R_DP },
	{ "devpod", "user.properties",
	  "The machine's properties (os_arch, os_name, timezone) as JSON "
	  "text inside a string.",
	  R_DP },
	{ "devpod", "user.properties>os_arch",
	  "CPU architecture, e.g. amd64 or arm64.",
	  R_DP },
	{ "devpod", "user.properties>os_name",
	  "Operating system, e.g. linux, darwin, windows.",
	  R_DP },
	{ "devpod", "user.properties>timezone",
	  "The machine's local time zone name, e.g. CET.",
	  R_DP },
	{ "devpod", "user.arch",
	  "CPU architecture where DevPod's docs put it; the current client "
	  "sends user.properties>os_arch instead.",
	  R_DP },
	{ "devpod", "user.os",
	  "Operating system where DevPod's docs put it; the current client "
	  "sends user.properties>os_name instead.",
	  R_DP },
	{ "devpod", "type",
	  "Legacy body: cmdstarted when a command begins, cmdfinished when "
	  "it failed or took 10 s or more. cmdstarted may be lost if the "
	  "command exits first.",
	  R_DP_SEED "; " R_DPL },
	{ "devpod", "event.executionID",
	  "Legacy: random id of one run, to de-duplicate information "
	  "received via different event types (docs); ties cmdstarted to "
	  "cmdfinished.",
	  R_DP_SEED "; " R_DPL },
	{ "devpod", "event.command",
	  "Legacy: the CLI command that was executed (docs), e.g. "
	  "\"devpod up\".",
	  R_DP_SEED "; " R_DPL },
	{ "devpod", "event.provider",
	  "Legacy: the default provider (docs), e.g. docker or kubernetes.",
	  R_DP_SEED "; " R_DPL },
	{ "devpod", "event.success",
	  "Legacy: true when the command succeeded; left out when false "
	  "(omitempty).",
	  R_DPL },
	{ "devpod", "event.processingTime",
	  "Legacy: how long the command took to execute (docs), in "
	  "microseconds.",
	  R_DP_SEED "; " R_DPL },
	{ "devpod", "event.errors",
	  "Legacy: the error message when the command failed; free text.",
	  R_DP_SEED "; " R_DPL },
	{ "devpod", "instanceProperties",
	  "Legacy: the environment of the run (id, platform, version, flags, "
	  "ui).",
	  R_DP_SEED "; " R_DPL },
	{ "devpod", "instanceProperties.timestamp",
	  "Legacy: the same time as event.timestamp, unix microseconds.",
	  R_DPL },
	{ "devpod", "instanceProperties.executionID",
	  "Legacy: the same run id as event.executionID.",
	  R_DPL },
	{ "devpod", "instanceProperties.uid",
	  "Legacy: securely hashed machine ID, to de-duplicate information "
	  "from the same user (docs): hex HMAC-SHA256 of the machine id and "
	  "$HOME; pseudonymous.",
	  R_DP_SEED "; " R_DPL },
	{ "devpod", "instanceProperties.arch",
	  "Legacy: CPU architecture (docs), e.g. amd64.",
	  R_DP_SEED "; " R_DPL },
	{ "devpod", "instanceProperties.os",
	  "Legacy: operating system (docs), e.g. linux.",
	  R_DP_SEED "; " R_DPL },
	{ "devpod", "instanceProperties.version",
	  "Legacy: DevPod CLI version (docs) as {major, minor, patch, "
	  "prerelease, build} strings.",
	  R_DP_SEED "; " R_DPL },
	{ "devpod", "instanceProperties.version.major",
	  "Legacy: major part of the CLI version, a string.",
	  R_DP_SEED "; " R_DPL },
	{ "devpod", "instanceProperties.version.minor",
	  "Legacy: minor part of the CLI version, a string.",
	  R_DP_SEED "; " R_DPL },
	{ "devpod", "instanceProperties.version.patch",
	  "Legacy: patch part of the CLI version, a string.",
	  R_DP_SEED "; " R_DPL },
	{ "devpod", "instanceProperties.version.prerelease",
	  "Legacy: pre-release tag of the CLI version, often \"\".",
	  R_DPL },
	{ "devpod", "instanceProperties.version.build",
	  "Legacy: build metadata of the CLI version, often \"\".",
	  R_DPL },
	{ "devpod", "instanceProperties.flags",
	  "Legacy: the command-line flags of the run.",
	  R_DP_SEED "; " R_DPL },
	{ "devpod", "instanceProperties.flags.setFlags",
	  "Legacy: list of the flags (names only) that were set (docs).",
	  R_DP_SEED "; " R_DPL },
	{ "devpod", "instanceProperties.flags.setFlags[]",
	  "Legacy: the name of one flag that was set, e.g. debug; its value "
	  "is not sent.",
	  R_DP_SEED "; " R_DPL },
	{ "devpod", "instanceProperties.ui",
	  "Legacy: whether the DevPod desktop app ran the command; always "
	  "present.",
	  R_DP_SEED "; " R_DPL },
	{ "devpod", "token",
	  "Legacy: token generated from the static key in the CLI binary, "
	  "to validate payload integrity (docs): an RS256 JWT whose payload "
	  "is only {\"iss\":\"devpod-telemetry\"}. teltop cannot verify it.",
	  R_DP_SEED "; " R_DPL },

	/* ---- Devsy: loft client (Apr-May 2026), then posthog-go ---- */
	{ "devsy", "distinct_id",
	  "PostHog era: DEVSY_TELEMETRY_DISTINCT_ID when set (the desktop "
	  "app sets it for the CLI), else hex HMAC-SHA256 of the machine id "
	  "and $HOME; pseudonymous.",
	  R_DS },
	{ "devsy", "event",
	  "PostHog era (v1.0.0+): the event name, devsy_cli, "
	  "devsy_cli_runner (DEVSY_PRO_RUNNER=true) or later "
	  "devsy_workspace_count. Apr-May 2026 builds: the event object "
	  "{machine_id, properties, timestamp, type}.",
	  R_DS "; " R_DS_SEED },
	{ "devsy", "properties.type",
	  "v1.0.0/v1.1.0: the loft event type (devsy_cli) copied into the "
	  "PostHog properties; later releases drop it.",
	  R_DS },
	{ "devsy", "properties.properties",
	  "v1.0.0/v1.1.0: the machine's properties as JSON text. They "
	  "overwrite the command's properties, so command, version and "
	  "error are lost (read from the code, not run).",
	  R_DS },
	{ "devsy", "properties.properties>os_arch",
	  "v1.0.0/v1.1.0: CPU architecture, e.g. amd64.",
	  R_DS },
	{ "devsy", "properties.properties>os_name",
	  "v1.0.0/v1.1.0: operating system, e.g. linux.",
	  R_DS },
	{ "devsy", "properties.properties>timezone",
	  "v1.0.0/v1.1.0: the machine's local time zone name.",
	  R_DS },
	{ "devsy", "properties.command",
	  "The CLI command that was executed, e.g. \"devsy up\" (releases "
	  "after v1.1.0).",
	  R_DS "; " R_DS_SEED },
	{ "devsy", "properties.version",
	  "The Devsy CLI version, e.g. v1.2.0.",
	  R_DS "; " R_DS_SEED },
	{ "devsy", "properties.desktop",
	  "Whether Devsy Desktop ran the command rather than a direct CLI "
	  "invocation; a boolean.",
	  R_DS "; " R_DS_SEED },
	{ "devsy", "properties.is_ci",
	  "Whether the command ran in CI (later releases send nothing in CI "
	  "unless the UI or pro runner is involved).",
	  R_DS },
	{ "devsy", "properties.is_interactive",
	  "Whether the command ran in an interactive terminal.",
	  R_DS },
	{ "devsy", "properties.provider",
	  "The provider used, e.g. docker; only for workspace commands.",
	  R_DS "; " R_DS_SEED },
	{ "devsy", "properties.source_type",
	  "Workspace source type (git, image, local, container, unknown).",
	  R_DS "; " R_DS_SEED },
	{ "devsy", "properties.ide",
	  "IDE used to open the workspace, e.g. vscode.",
	  R_DS "; " R_DS_SEED },
	{ "devsy", "properties.error",
	  "The raw error text of a failed command (err.Error()); free text. "
	  "Replaced by error_code on 2026-06-04.",
	  R_DS },
	{ "devsy", "properties.error_code",
	  "A classified error code for a failed command, sent instead of the "
	  "raw error text since 2026-06-04.",
	  R_DS },
	{ "devsy", "properties.os_name",
	  "Operating system, e.g. linux (CLI and desktop app).",
	  R_DS },
	{ "devsy", "properties.os_arch",
	  "CPU architecture, e.g. amd64 (CLI and desktop app).",
	  R_DS },
	{ "devsy", "properties.timezone",
	  "The machine's local time zone name, e.g. UTC.",
	  R_DS },
	{ "devsy", "properties.in_container",
	  "Whether the CLI runs inside a Devsy workspace; sent when "
	  "DEVSY_WORKSPACE_UID is set.",
	  R_DS },
	{ "devsy", "properties.workspace_id",
	  "Id of the workspace the CLI runs in (from DEVSY_WORKSPACE_UID).",
	  R_DS },
	{ "devsy", "properties.app_version",
	  "Desktop app (posthog-node): the app's version.",
	  R_DS "; " R_PHNODE },
	{ "devsy", "event.type",
	  "Apr-May 2026 builds: type of event (docs), devsy_cli.",
	  R_DS "; " R_DS_SEED },
	{ "devsy", "event.machine_id",
	  "Apr-May 2026 builds: securely hashed machine ID, to de-duplicate "
	  "information from the same user (docs); pseudonymous.",
	  R_DS "; " R_DS_SEED },
	{ "devsy", "event.timestamp",
	  "Apr-May 2026 builds: when the command ran. " LOFT_TS,
	  R_DS "; " R_DS_SEED },
	{ "devsy", "event.properties",
	  "Apr-May 2026 builds: the command's properties as JSON text inside "
	  "a string; the docs show an object.",
	  R_DS "; " R_DS_SEED },
	{ "devsy", "event.properties>command",
	  "The CLI command that was executed (docs), e.g. \"devsy up\".",
	  R_DS "; " R_DS_SEED },
	{ "devsy", "event.properties>version",
	  "The CLI version (docs).",
	  R_DS "; " R_DS_SEED },
	{ "devsy", "event.properties>desktop",
	  "Whether Devsy Desktop ran the command or it is a direct CLI "
	  "invocation (docs). A boolean on the wire; the docs show \"true\".",
	  R_DS "; " R_DS_SEED },
	{ "devsy", "event.properties>is_ci",
	  "Whether the command ran in CI.",
	  R_DS },
	{ "devsy", "event.properties>is_interactive",
	  "Whether the command ran in an interactive terminal.",
	  R_DS },
	{ "devsy", "event.properties>provider",
	  "The default provider (docs), e.g. kubernetes.",
	  R_DS "; " R_DS_SEED },
	{ "devsy", "event.properties>source_type",
	  "The workspace source type (docs): git, image, local, container "
	  "or unknown.",
	  R_DS_SEED },
	{ "devsy", "event.properties>ide",
	  "The IDE used to open a workspace (docs).",
	  R_DS_SEED },
	{ "devsy", "event.properties>error",
	  "An error that occurred during command execution (docs); free "
	  "text.",
	  R_DS "; " R_DS_SEED },
	{ "devsy", "user",
	  "Apr-May 2026 builds: the machine: {machine_id, properties, "
	  "timestamp}.",
	  R_DS "; " R_DS_SEED },
	{ "devsy", "user.machine_id",
	  "The same hashed machine ID as event.machine_id (docs).",
	  R_DS_SEED },
	{ "devsy", "user.timestamp",
	  "The same time as event.timestamp, unix seconds.",
	  R_DS },
	{ "devsy", "user.properties",
	  "The machine's properties (os_arch, os_name, timezone) as JSON "
	  "text inside a string.",
	  R_DS },
	{ "devsy", "user.properties>os_arch",
	  "CPU architecture, e.g. amd64.",
	  R_DS },
	{ "devsy", "user.properties>os_name",
	  "Operating system, e.g. linux.",
	  R_DS },
	{ "devsy", "user.properties>timezone",
	  "The machine's local time zone name.",
	  R_DS },
	{ "devsy", "user.arch",
	  "CPU architecture where the docs put it; the client sends "
	  "user.properties>os_arch.",
	  R_DS_SEED "; " R_DS },
	{ "devsy", "user.os",
	  "Operating system where the docs put it; the client sends "
	  "user.properties>os_name.",
	  R_DS_SEED "; " R_DS },

	/* ---- werf: one OTLP span per event ---- */
	{ "werf", "ts",
	  "Timestamp (docs): when the event happened, unix milliseconds.",
	  R_WF_SEED "; " R_WF },
	{ "werf", "executionID",
	  "UUID (docs), one per werf process: ties CommandStarted to "
	  "CommandExited. Each event is its own trace, so group by this.",
	  R_WF_SEED "; " R_WF },
	{ "werf", "userID",
	  "SHA-256 hex of the machine's first MAC address that is not "
	  "locally administered, or \"\"; pseudonymous. Not in the docs.",
	  R_WF },
	{ "werf", "projectID",
	  "Checksum (SHA-256) of the git origin URL of the project (docs): "
	  "host and path without .git, or \"\".",
	  R_WF_SEED "; " R_WF },
	{ "werf", "command",
	  "The name of the werf command executed (docs), e.g. werf converge.",
	  R_WF_SEED "; " R_WF },
	{ "werf", "eventType",
	  "Type of event: CommandStarted, CommandExited (the two the docs "
	  "list), UnshallowFailed, BuildStarted, BuildFinished, "
	  "ImageBuildFinished or StageBuildFinished.",
	  R_WF_SEED "; " R_WF },
	{ "werf", "schemaVersion",
	  "Version of this event layout: 2 on the wire today; the docs "
	  "sample shows 1.",
	  R_WF_SEED "; " R_WF },
	{ "werf", "eventData",
	  "Event data: JSON text in a string on the wire, stored parsed by "
	  "teltop's OTLP decoder (werf's flat JSON keeps what was sent). Its "
	  "keys depend on eventType.",
	  R_WF "; " R_OTLP },
	{ "werf", "eventData.commandOptions",
	  "CommandStarted: the names of the options used (docs), one entry "
	  "per flag that was set; values are never sent. Omitted when none.",
	  R_WF_SEED "; " R_WF },
	{ "werf", "eventData.commandOptions[]",
	  "One option that was set: {name, asCli, asEnv, count}.",
	  R_WF },
	{ "werf", "eventData.commandOptions[].name",
	  "The option's name, e.g. repo.",
	  R_WF_SEED "; " R_WF },
	{ "werf", "eventData.commandOptions[].asCli",
	  "Meant to say the option came as a command-line flag; the werf "
	  "code read fills in only name, so it is false, as in the docs.",
	  R_WF_SEED "; " R_WF_OPT },
	{ "werf", "eventData.commandOptions[].asEnv",
	  "Meant to say the option came from its WERF_* variable; the werf "
	  "code read fills in only name, so it is false, as in the docs.",
	  R_WF_SEED "; " R_WF_OPT },
	{ "werf", "eventData.commandOptions[].count",
	  "Meant to count the option's uses; the werf code read fills in "
	  "only name, so it is 0, as in the docs sample.",
	  R_WF_SEED "; " R_WF_OPT },
	{ "werf", "eventData.exitCode",
	  "CommandExited: the command's exit code (docs: exit code).",
	  R_WF_SEED "; " R_WF },
	{ "werf", "eventData.durationMs",
	  "How long it took, in milliseconds: the whole command for "
	  "CommandExited (docs: command running time), else the build, image "
	  "or stage.",
	  R_WF_SEED "; " R_WF },
	{ "werf", "eventData.imagesCount",
	  "BuildStarted, BuildFinished: the number of images to build." WF_NAME,
	  R_WF },
	{ "werf", "eventData.containerBackend",
	  "BuildStarted: the container backend werf builds with." WF_NAME,
	  R_WF },
	{ "werf", "eventData.inContainer",
	  "BuildStarted: whether werf itself runs inside a container." WF_NAME,
	  R_WF },
	{ "werf", "eventData.success",
	  "BuildFinished: whether the build succeeded.",
	  R_WF },
	{ "werf", "eventData.image",
	  "ImageBuildFinished, StageBuildFinished: the image's name in the "
	  "project's werf.yaml." WF_NAME,
	  R_WF },
	{ "werf", "eventData.rebuilt",
	  "ImageBuildFinished: whether the image had to be rebuilt." WF_NAME,
	  R_WF },
	{ "werf", "eventData.configType",
	  "ImageBuildFinished: the kind of image configuration; optional."
	  WF_NAME,
	  R_WF },
	{ "werf", "eventData.stage",
	  "StageBuildFinished: the stage that was built." WF_NAME,
	  R_WF },
	{ "werf", "eventData.fromCache",
	  "StageBuildFinished: whether the stage came from the cache." WF_NAME,
	  R_WF },
	{ "werf", "eventData.baseImageSource",
	  "StageBuildFinished: where the stage's base image came from." WF_NAME,
	  R_WF },
	{ "werf", "eventData.baseImagePulled",
	  "StageBuildFinished: whether the base image had to be pulled."
	  WF_NAME,
	  R_WF },
	{ "werf", "eventData.errorMessage",
	  "UnshallowFailed: why unshallowing the git clone failed; free "
	  "text.",
	  R_WF },
	{ "werf", "eventData.gitlabRunnerVersion",
	  "UnshallowFailed: the GitLab runner version (CI_RUNNER_VERSION), "
	  "or \"\".",
	  R_WF },
	{ "werf", "eventData.gitlabServerVersion",
	  "UnshallowFailed: the GitLab server version (CI_SERVER_VERSION), "
	  "or \"\".",
	  R_WF },
	{ "werf", "attributes",
	  "Environment attributes (docs): JSON text in a string on the wire, "
	  "stored parsed by teltop's OTLP decoder.",
	  R_WF_SEED "; " R_WF "; " R_OTLP },
	{ "werf", "attributes.arch",
	  "CPU architecture (docs: arch), e.g. amd64.",
	  R_WF_SEED "; " R_WF },
	{ "werf", "attributes.os",
	  "Operating system (docs: os), e.g. linux.",
	  R_WF_SEED "; " R_WF },
	{ "werf", "attributes.version",
	  "werf version (docs), e.g. 2.35.0, or dev.",
	  R_WF_SEED "; " R_WF },
	{ "werf", "attributes.ci",
	  "Whether a CI system is used (docs): the CI variable is true. Sent "
	  "only when true, never as false.",
	  R_WF_SEED "; " R_WF },
	{ "werf", "attributes.CI",
	  "Spelling in the first sample of werf's docs only; the code sends "
	  "lowercase ci.",
	  R_WF_SEED "; " R_WF },
	{ "werf", "attributes.ciName",
	  "Detected name of the CI/CD system (docs): gitlab, github-actions, "
	  "jenkins, travis, circleci, teamcity, buddy or gocd.",
	  R_WF_SEED "; " R_WF_SRC },
	{ "werf", "attributes.groupChannel",
	  "trdl group-channel (docs) werf was installed from "
	  "(TRDL_USE_WERF_GROUP_CHANNEL); sent only when set.",
	  R_WF_SEED "; " R_WF_SRC },
	{ "werf", "attributes.expDeployEngine",
	  "Whether the experimental deploy engine is on; sent by some werf "
	  "versions.",
	  R_WF_SRC },
	{ "werf", "attributes.extra",
	  "Extra attributes set by the user through "
	  "WERF_TELEMETRY_EXTRA_ATTRIBUTE_<anything>=key=value; usually {}.",
	  R_WF "; " R_WF_SRC },
	{ "werf", "attributes.extra.*",
	  "One user-defined extra attribute; its value is whatever the user "
	  "put in the variable.",
	  R_WF "; " R_WF_SRC },
	{ "werf", "_span",
	  "Added by teltop: the OTLP span that carried the event (name, "
	  "scope, ids, times, status, resource).",
	  R_OTLP },
	{ "werf", "_span.name",
	  "Span name, always telemetry.werf.io.",
	  R_WF "; " R_OTLP },
	{ "werf", "_span.scope",
	  "Instrumentation scope, telemetry.werf.io (no version).",
	  R_WF "; " R_OTLP },
	{ "werf", "_span.traceId",
	  "OTLP trace id, hex. werf starts a new trace for every event, so "
	  "it links nothing; use executionID.",
	  R_WF "; " R_OTLP },
	{ "werf", "_span.spanId",
	  "OTLP span id, hex.",
	  R_WF "; " R_OTLP },
	{ "werf", "_span.startTimeUnixNano",
	  "Span start, unix nanoseconds as a decimal string.",
	  R_WF "; " R_OTLP },
	{ "werf", "_span.endTimeUnixNano",
	  "Span end, unix nanoseconds as a decimal string; werf ends each "
	  "span right after starting it.",
	  R_WF_SRC "; " R_OTLP },
	{ "werf", "_span.status",
	  "Span status {code, message}; werf leaves it unset.",
	  R_WF "; " R_OTLP },
	{ "werf", "_span.resource",
	  "The OTLP resource: the OpenTelemetry SDK's defaults plus "
	  "OTEL_RESOURCE_ATTRIBUTES.",
	  R_WF "; " R_OTLP },
	{ "werf", "_span.resource.service.name",
	  "SDK default unknown_service:<executable>, e.g. "
	  "unknown_service:werf.",
	  R_WF },
	{ "werf", "_span.resource.telemetry.sdk.language",
	  "Language of the OpenTelemetry SDK: go.",
	  R_WF },
	{ "werf", "_span.resource.telemetry.sdk.name",
	  "Name of the OpenTelemetry SDK: opentelemetry.",
	  R_WF },
	{ "werf", "_span.resource.telemetry.sdk.version",
	  "Version of the OpenTelemetry SDK werf links, e.g. 1.24.0.",
	  R_WF },
	{ "werf", "_span.resource.*",
	  "A resource attribute from OTEL_RESOURCE_ATTRIBUTES in werf's "
	  "environment.",
	  R_WF },

	/* ---- Generic: teltop's own fields, and non-werf OTLP spans ---- */
	{ "generic", "name",
	  "The event's name (teltop send, wrap, hand-made events); for an "
	  "OTLP span that is not werf's, the span name.",
	  R_GEN "; " R_OTLP },
	{ "generic", "event",
	  "Event name, read when name is absent.",
	  R_GEN },
	{ "generic", "type",
	  "Event name, read when name and event are absent.",
	  R_GEN },
	{ "generic", "eventType",
	  "Event name, read when name, event and type are absent.",
	  R_GEN },
	{ "generic", "source",
	  "The tool the event says it comes from (devtron, devpod, devsy, "
	  "werf, posthog, generic); teltop files it there.",
	  R_GEN },
	{ "generic", "phase",
	  "start, finish or point: opens a command, closes one, or stands "
	  "alone.",
	  R_GEN },
	{ "generic", "client_id",
	  "The tool's install or user id; what teltop counts distinct "
	  "clients by.",
	  R_GEN },
	{ "generic", "distinct_id",
	  "Read as client_id when client_id is absent.",
	  R_GEN },
	{ "generic", "user_id",
	  "Read as client_id when client_id and distinct_id are absent.",
	  R_GEN },
	{ "generic", "uid",
	  "Read as client_id when the spellings before it are absent.",
	  R_GEN },
	{ "generic", "machine_id",
	  "Read as client_id when the spellings before it are absent.",
	  R_GEN },
	{ "generic", "userID",
	  "Read as client_id when the spellings before it are absent.",
	  R_GEN },
	{ "generic", "execution_id",
	  "Ties a start event to its finish.",
	  R_GEN },
	{ "generic", "executionID",
	  "Read as execution_id when execution_id is absent.",
	  R_GEN },
	{ "generic", "command",
	  "The command run, e.g. \"make test\".",
	  R_GEN },
	{ "generic", "duration_ms",
	  "How long the command took, in milliseconds.",
	  R_GEN },
	{ "generic", "durationMs",
	  "Read as duration_ms when duration_ms is absent.",
	  R_GEN },
	{ "generic", "exit_code",
	  "The command's exit status.",
	  R_GEN },
	{ "generic", "exitCode",
	  "Read as exit_code when exit_code is absent.",
	  R_GEN },
	{ "generic", "error",
	  "Error message of a failed command; free text.",
	  R_GEN },
	{ "generic", "errors",
	  "Read as error when error is absent.",
	  R_GEN },
	{ "generic", "version",
	  "The tool's version.",
	  R_GEN },
	{ "generic", "os",
	  "Operating system.",
	  R_GEN },
	{ "generic", "os_name",
	  "Read as os when os is absent.",
	  R_GEN },
	{ "generic", "arch",
	  "CPU architecture.",
	  R_GEN },
	{ "generic", "os_arch",
	  "Read as arch when arch is absent.",
	  R_GEN },
	{ "generic", "ts",
	  "The event's own time: unix s, ms, µs or ns (told apart by size) "
	  "or an RFC 3339 string; teltop stores µs UTC.",
	  R_GEN },
	{ "generic", "timestamp",
	  "The event's time, read when ts is absent.",
	  R_GEN },
	{ "generic", "time",
	  "The event's time, read when ts and timestamp are absent.",
	  R_GEN },
	{ "generic", "id",
	  "Row id of a stored event; teltop assigns its own and does not "
	  "read this one (e.g. in a re-sent export).",
	  R_GEN },
	{ "generic", "received_at",
	  "When a collector received the event; teltop sets its own and does "
	  "not read this one.",
	  R_GEN },
	{ "generic", "format",
	  "Wire format an event came in; teltop sets its own and does not "
	  "read this one.",
	  R_GEN },
	{ "generic", "pii",
	  "Privacy findings on a stored event; teltop computes its own and "
	  "does not read this one.",
	  R_GEN },
	{ "generic", "raw",
	  "A stored event's original payload, as in an export; kept, not "
	  "read.",
	  R_GEN },
	{ "generic", "scope",
	  "OTLP span: its instrumentation scope name.",
	  R_OTLP },
	{ "generic", "traceId",
	  "OTLP span: trace id, lowercase hex; teltop uses it as the "
	  "execution id.",
	  R_OTLP },
	{ "generic", "spanId",
	  "OTLP span: span id, lowercase hex.",
	  R_OTLP },
	{ "generic", "startTimeUnixNano",
	  "OTLP span: start, unix nanoseconds as a decimal string; the "
	  "event's time.",
	  R_OTLP },
	{ "generic", "endTimeUnixNano",
	  "OTLP span: end, unix nanoseconds; end minus start is the "
	  "duration.",
	  R_OTLP },
	{ "generic", "status",
	  "OTLP span status {code, message}; present only when set.",
	  R_OTLP },
	{ "generic", "status.code",
	  "OTLP status code: 0 unset, 1 ok, 2 error (then the event has an "
	  "error).",
	  R_OTLP },
	{ "generic", "status.message",
	  "OTLP status message, taken as the error text when the code is 2.",
	  R_OTLP },
	{ "generic", "attributes",
	  "OTLP span attributes as one object, key to value.",
	  R_OTLP },
	{ "generic", "attributes.command",
	  "OTLP span attribute read as the command.",
	  R_OTLP },
	{ "generic", "attributes.user.id",
	  "OTLP span attribute read as the client id.",
	  R_OTLP },
	{ "generic", "attributes.*",
	  "An OTLP span attribute, as the sender named it.",
	  R_OTLP },
	{ "generic", "resource",
	  "OTLP resource attributes as one object; present when not empty.",
	  R_OTLP },
	{ "generic", "resource.service.name",
	  "OTLP resource: the name of the sending service.",
	  R_OTLP },
	{ "generic", "resource.service.version",
	  "OTLP resource: read as the version.",
	  R_OTLP },
	{ "generic", "resource.service.instance.id",
	  "OTLP resource: read as the client id when the span has no "
	  "user.id.",
	  R_OTLP },
	{ "generic", "resource.os.type",
	  "OTLP resource: read as the operating system.",
	  R_OTLP },
	{ "generic", "resource.host.arch",
	  "OTLP resource: read as the CPU architecture.",
	  R_OTLP },
	/* OTLP logs and metrics: one record or data point an event */
	{ "otlp", "signal",
	  "How the event came: \"log\" (one OTLP log record) or \"metric\" "
	  "(one data point of a metric).",
	  R_OTSIG },
	{ "otlp", "eventName",
	  "The log record's event name; it names the event.",
	  R_OTSIG },
	{ "otlp", "severityText",
	  "The log record's severity as the sender wrote it (INFO, WARN, "
	  "ERROR ...), or the name of its severity number.",
	  R_OTSIG },
	{ "otlp", "severityNumber",
	  "OTLP severity: 1-4 TRACE, 5-8 DEBUG, 9-12 INFO, 13-16 WARN, 17-20 "
	  "ERROR, 21-24 FATAL; from 17 on the body is the event's error.",
	  R_OTSIG },
	{ "otlp", "body",
	  "The log record's body; without an event name its first line names "
	  "the event.",
	  R_OTSIG },
	{ "otlp", "traceId",
	  "The trace the record was emitted in (hex); kept as the execution "
	  "id.",
	  R_OTSIG },
	{ "otlp", "spanId",
	  "The span the record was emitted in (hex).",
	  R_OTSIG },
	{ "otlp", "timeUnixNano",
	  "When it happened, ns since 1970: the event's time.",
	  R_OTSIG },
	{ "otlp", "observedTimeUnixNano",
	  "When the SDK saw the record, ns since 1970: the time when there "
	  "is no other.",
	  R_OTSIG },
	{ "otlp", "startTimeUnixNano",
	  "The start of the interval a metric point covers, ns since 1970.",
	  R_OTSIG },
	{ "otlp", "scope",
	  "The instrumentation scope (the library or module) that emitted "
	  "it.",
	  R_OTSIG },
	{ "otlp", "name",
	  "The metric's name; it names the event.",
	  R_OTSIG },
	{ "otlp", "kind",
	  "The metric's kind: gauge, sum, histogram, exponential_histogram "
	  "or summary.",
	  R_OTSIG },
	{ "otlp", "temporality",
	  "delta (counted since the last point) or cumulative (since the "
	  "start).",
	  R_OTSIG },
	{ "otlp", "value",
	  "A gauge's or a sum's value at this point.",
	  R_OTSIG },
	{ "otlp", "count",
	  "How many measurements a histogram or summary point holds.",
	  R_OTSIG },
	{ "otlp", "bucketCounts",
	  "A histogram's count per bucket; explicitBounds are the buckets' "
	  "upper bounds.",
	  R_OTSIG },
	{ "otlp", "quantiles",
	  "A summary's values at its quantiles.",
	  R_OTSIG },
	/* Segment's tracking API, which RudderStack's SDKs speak too */
	{ "segment", "type",
	  "The call: track, identify, page, screen, group or alias.",
	  R_SEG },
	{ "segment", "event",
	  "A track call's event name; it names the event.",
	  R_SEG },
	{ "segment", "userId",
	  "The application's id of the user: the client id.",
	  R_SEG },
	{ "segment", "anonymousId",
	  "A random id the SDK keeps for the device or install: the client id "
	  "when there is no userId.",
	  R_SEG },
	{ "segment", "messageId",
	  "A unique id of this message, for de-duplication.",
	  R_SEG },
	{ "segment", "context.library.name",
	  "The SDK that sent it; tells Segment's from RudderStack's.",
	  R_SEG },
	{ "segment", "context.library.version",
	  "The SDK's version: the version, unless context.app.version says "
	  "the application's.",
	  R_SEG },
	{ "segment", "properties.*",
	  "A property the application attached to the call.",
	  R_SEG },
	{ "segment", "traits.*",
	  "A trait of the user (identify) or of the group (group).",
	  R_SEG },
	{ "generic", "resource.*",
	  "An OTLP resource attribute, as the sender named it.",
	  R_OTLP },
};

/*
 * A match's rank; the highest wins.  Bit 24: the whole path matched.  Bit
 * 20: this source's entry, for whole matches.  Bits 8-19: components
 * matched in a row from the end.  Bit 7: this source's entry, for partial
 * matches.  Bits 0-6: how many of those components are literal (not "*").
 * Table fields have far fewer than 127 components.
 */
#define RANK_WHOLE	(1L << 24)
#define RANK_OWN_WHOLE	(1L << 20)
#define RANK_RUN(n)	((long)(n) << 8)
#define RANK_OWN_PART	(1L << 7)

/* Walks a path's components from the last one back. */
struct walk {
	const char	*s;
	const char	*end;		/* end of the next component */
	int		 done;
};

/* Start walking [s, end) back from its end. */
static void
walk_init(struct walk *w, const char *s, const char *end)
{
	w->s = s;
	w->end = end;
	w->done = 0;
}

/* The previous component as [*start, *end); 0 once there is none. */
static int
walk_prev(struct walk *w, const char **start, const char **end)
{
	const char	*p;

	if (w->done)
		return 0;
	p = w->end;
	while (p > w->s && p[-1] != '.' && p[-1] != '>')
		p--;
	*start = p;
	*end = w->end;
	if (p == w->s)
		w->done = 1;
	else
		w->end = p - 1;
	return 1;
}

/* Skip an index "[...]" at p; returns the character after it. */
static const char *
skip_index(const char *p, const char *end)
{
	while (p < end && *p != ']')
		p++;
	return p < end ? p + 1 : p;
}

/* Does a table component match a path component?  "[]" matches "[N]". */
static int
comp_match(const char *t, const char *tend, const char *p, const char *pend)
{
	while (t < tend && p < pend) {
		if (*t == '[' && *p == '[') {
			t = skip_index(t, tend);
			p = skip_index(p, pend);
			continue;
		}
		if (*t != *p)
			return 0;
		t++;
		p++;
	}
	return t == tend && p == pend;
}

/*
 * Match [f, fend) against [p, pend) from their last components back: *run
 * is how many matched in a row.  Returns 1 when both matched whole.
 */
static int
match_tail(const char *f, const char *fend, const char *p, const char *pend,
    int *run)
{
	struct walk	 wf, wp;
	const char	*fs, *fe, *ps, *pe;
	int		 hf, hp;

	walk_init(&wf, f, fend);
	walk_init(&wp, p, pend);
	*run = 0;
	for (;;) {
		hf = walk_prev(&wf, &fs, &fe);
		hp = walk_prev(&wp, &ps, &pe);
		if (!hf || !hp)
			return !hf && !hp;
		if (!comp_match(fs, fe, ps, pe))
			return 0;
		(*run)++;
	}
}

/*
 * How well a table field matches a path: 0 for not at all, else a rank
 * without the source bits.  A last table component "*" stands for one or
 * more path components, so that attribute keys with dots in them
 * ("http.method") still match.
 */
static long
field_rank(const char *field, const char *path)
{
	struct walk	 wp;
	const char	*fend, *pend, *ps, *pe;
	size_t		 flen;
	long		 rank, best;
	int		 whole, run;

	flen = strlen(field);
	pend = path + strlen(path);
	if (flen < 2 || field[flen - 1] != '*' ||
	    (field[flen - 2] != '.' && field[flen - 2] != '>')) {
		whole = match_tail(field, field + flen, path, pend, &run);
		if (run == 0)
			return 0;
		return (whole ? RANK_WHOLE : 0) | RANK_RUN(run) | run;
	}
	/* Let "*" take the last k components, k = 1, 2, ... */
	fend = field + flen - 2;
	best = 0;
	walk_init(&wp, path, pend);
	while (walk_prev(&wp, &ps, &pe) && !wp.done) {
		whole = match_tail(field, fend, path, wp.end, &run);
		if (run == 0)
			continue;
		rank = (whole ? RANK_WHOLE : 0) | RANK_RUN(run + 1) | run;
		if (rank > best)
			best = rank;
	}
	return best;
}

const struct tt_field_doc *
tt_field_doc(const char *source, const char *path)
{
	const struct tt_field_doc	*d, *best = NULL;
	char				*flat;
	long				 rank, best_rank = 0;
	int				 own;
	size_t				 i;

	if (path == NULL || *path == '\0')
		return NULL;
	/* attributes["host.name"] is looked up as attributes.host.name */
	flat = tt_path_flat(path);
	for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		d = &docs[i];
		own = source != NULL && strcmp(d->source, source) == 0;
		if (!own && strcmp(d->source, "*") != 0)
			continue;
		if ((rank = field_rank(d->field, flat)) == 0)
			continue;
		/*
		 * This source's entry wins a whole match outright, and a
		 * partial one when the run of matched keys is as long.
		 */
		if (own)
			rank |= rank & RANK_WHOLE ? RANK_OWN_WHOLE :
			    RANK_OWN_PART;
		if (rank > best_rank) {
			best = d;
			best_rank = rank;
		}
	}
	free(flat);
	return best;
}

const struct tt_field_doc *
tt_field_doc_event(const char *source, const char *format, const char *path)
{
	const struct tt_field_doc	*doc = NULL;

	if (format != NULL && strcmp(format, "generic") == 0)
		doc = tt_field_doc("generic", path);
	/* RudderStack speaks Segment's API; OTLP's resource and attributes
	 * read as the spans' do */
	if (doc == NULL && source != NULL &&
	    strcmp(source, "rudderstack") == 0)
		source = "segment";
	if (doc == NULL && source != NULL && strcmp(source, "otlp") == 0 &&
	    (doc = tt_field_doc("otlp", path)) == NULL)
		doc = tt_field_doc("generic", path);
	return doc != NULL ? doc : tt_field_doc(source, path);
}

size_t
tt_field_docs(const struct tt_field_doc **out)
{
	*out = docs;
	return sizeof docs / sizeof docs[0];
}
