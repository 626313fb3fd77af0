/*
 * Unit tests for the privacy findings of core/privacy.h: each kind with
 * cases that must and must not be flagged (versions, hashes, UUIDs, paths
 * without a user, public URLs, numbers), the path notation, the JSON and
 * text output, and whole events shaped like those of formats.md (DevPod
 * with JSON-string properties, werf span attributes, Devtron, PostHog).
 *
 * Events are scanned from exact-size copies without a NUL, so that
 * AddressSanitizer catches any read past the length given.  Findings are
 * compared as "field=kind" items joined by ", ", in the order found.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tt_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "privacy.h"

/* The kinds that are red (personal); the others are yellow. */
static const char *const red_kinds[] = {
	"ip", "email", "mac", "home_path", "user_name", "hostname", "token",
	"jwt", "geoip", "phone", NULL
};

/* Is kind one of red_kinds? */
static int
is_red(const char *kind)
{
	const char *const	*k;

	for (k = red_kinds; *k != NULL; k++)
		if (strcmp(*k, kind) == 0)
			return 1;
	return 0;
}

/* Scan len bytes of json from an exact-size copy; returns the result. */
static int
scan_copy(const char *json, size_t len, struct tt_findings *f)
{
	char	*copy;
	int	 rc;

	copy = malloc(len > 0 ? len : 1);
	assert_non_null(copy);
	memcpy(copy, json, len);
	rc = tt_privacy_scan(copy, len, f);
	free(copy);
	return rc;
}

/* The findings as "field=kind, ..."; checks each grade.  Caller frees. */
static char *
findings_text(const struct tt_findings *f)
{
	char	*out;
	size_t	 i, size = 1, off = 0;

	for (i = 0; i < f->n; i++)
		size += strlen(f->v[i].field) + strlen(f->v[i].kind) + 3;
	out = malloc(size);
	assert_non_null(out);
	out[0] = '\0';
	for (i = 0; i < f->n; i++) {
		if (f->v[i].red != is_red(f->v[i].kind))
			fail_msg("%s: %s graded %s", f->v[i].field,
			    f->v[i].kind, f->v[i].red ? "red" : "yellow");
		off += (size_t)snprintf(out + off, size - off, "%s%s=%s",
		    i > 0 ? ", " : "", f->v[i].field, f->v[i].kind);
	}
	return out;
}

/* Scan json, which must be JSON; its findings as text.  Caller frees. */
static char *
scan(const char *json)
{
	struct tt_findings	 f;
	char			*out;

	tt_findings_init(&f);
	if (scan_copy(json, strlen(json), &f) != 0)
		fail_msg("refused as not JSON: %s", json);
	out = findings_text(&f);
	tt_findings_clear(&f);
	return out;
}

/* The findings of json must be want ("" for none). */
#define EXPECT(json, want) do {						\
	char *got_ = scan(json);					\
	assert_str(got_, want);						\
	free(got_);							\
} while (0)

#define JWT_RS256 "eyJhbGciOiJSUzI1NiIsImtpZCI6Iml0In0" \
	".eyJpc3MiOiJkZXZwb2QtdGVsZW1ldHJ5In0.c2lnbmF0dXJl"
/* {"sub":"alice","iss":"https://idp.example.com"} */
#define JWT_SUB "eyJhbGciOiJSUzI1NiIsImtpZCI6Iml0In0" \
	".eyJzdWIiOiJhbGljZSIsImlzcyI6Imh0dHBzOi8vaWRwLmV4YW1wbGUuY29tIn0" \
	".c2lnbmF0dXJl"
/* {"iss":"ci","exp":1767225600,"scope":"read"} */
#define JWT_ANON "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" \
	".eyJpc3MiOiJjaSIsImV4cCI6MTc2NzIyNTYwMCwic2NvcGUiOiJyZWFkIn0" \
	".c2lnbmF0dXJl"
/* {"iss":"x","https://example.com/email":"a@b.io"} */
#define JWT_EMAIL_CLAIM "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" \
	".eyJpc3MiOiJ4IiwiaHR0cHM6Ly9leGFtcGxlLmNvbS9lbWFpbCI6ImFAYi5pbyJ9" \
	".c2ln"
#define HEX64 "3ed2c7aa3ed2c7aa3ed2c7aa3ed2c7aa" \
	"3ed2c7aa3ed2c7aa3ed2c7aa3ed2c7ab"

/* ---- the API ---- */

/* Every kind has a phrase; unknown kinds get a fallback. */
static void
test_kind_text(void **state)
{
	static const char *const all[] = {
		"ip", "email", "mac", "home_path", "user_name", "hostname",
		"token", "jwt", "geoip", "phone", "install_id", "machine_id",
		"project_id", "account_id", "timezone", "error_text", NULL
	};
	const char *const	*k;
	const char		*unknown;

	(void)state;
	unknown = tt_privacy_kind_text("no-such-kind");
	assert_non_null(unknown);
	for (k = all; *k != NULL; k++) {
		assert_non_null(tt_privacy_kind_text(*k));
		assert_true(tt_privacy_kind_text(*k) != unknown);
	}
	assert_str(tt_privacy_kind_text("ip"), "an IP address");
	assert_str(tt_privacy_kind_text("error_text"),
	    "a free-text error message");
	assert_int_equal(TT_PK_COUNT, 16);
	assert_non_null(tt_privacy_kind_text(NULL));
}

/* The JSON array: empty, escaped fields, grades; it parses back. */
static void
test_json_output(void **state)
{
	struct tt_findings	 f;
	const cJSON		*item;
	cJSON			*a;
	char			*s;
	const char		*in = "{\"q\\\"k\":\"1.2.3.4\","
				    "\"t\\tab\":{\"timezone\":\"CET\"}}";

	(void)state;
	tt_findings_init(&f);
	s = tt_privacy_json(&f);
	assert_str(s, "[]");
	free(s);
	assert_int_equal(scan_copy(in, strlen(in), &f), 0);
	assert_int_equal(f.n, 2);
	s = tt_privacy_json(&f);
	assert_str(s, "[{\"field\":\"[\\\"q\\\\\\\"k\\\"]\",\"kind\":\"ip\","
	    "\"grade\":\"red\"},{\"field\":\"[\\\"t\\\\u0009ab\\\"]."
	    "timezone\",\"kind\":\"timezone\",\"grade\":\"yellow\"}]");
	a = cJSON_Parse(s);
	assert_true(cJSON_IsArray(a));
	assert_int_equal(cJSON_GetArraySize(a), 2);
	item = cJSON_GetArrayItem(a, 0);
	assert_str(cJSON_GetObjectItem(item, "field")->valuestring,
	    "[\"q\\\"k\"]");
	item = cJSON_GetArrayItem(a, 1);
	assert_str(cJSON_GetObjectItem(item, "grade")->valuestring, "yellow");
	cJSON_Delete(a);
	free(s);
	tt_findings_clear(&f);
	assert_null(f.v);
	assert_int_equal(f.n, 0);
}

/* Text that is not JSON: -1 and no findings, also after earlier ones. */
static void
test_not_json(void **state)
{
	static const char *const bad[] = {
		"", "not json", "{\"a\":1} trailing", "{\"a\":", "[1,2",
		"\"unterminated", NULL
	};
	const char *const	*b;
	struct tt_findings	 f;
	const char		*ok = "{\"$ip\":\"18.117.165.2\"}";

	(void)state;
	tt_findings_init(&f);
	for (b = bad; *b != NULL; b++) {
		assert_int_equal(scan_copy(ok, strlen(ok), &f), 0);
		assert_int_equal(f.n, 1);
		if (scan_copy(*b, strlen(*b), &f) != -1)
			fail_msg("accepted: \"%s\"", *b);
		assert_int_equal(f.n, 0);
	}
	assert_int_equal(tt_privacy_scan(NULL, 0, &f), -1);
	/* Trailing white space is fine. */
	assert_int_equal(scan_copy("{} \n", 4, &f), 0);
	tt_findings_clear(&f);
}

/* A second scan replaces the findings of the first. */
static void
test_reuse(void **state)
{
	struct tt_findings	 f;
	const char		*a = "{\"e\":\"a@example.com\",\"tz\":\"CET\"}";
	const char		*b = "{\"x\":{\"hostname\":\"alice-pc\"}}";
	const char		*c = "{\"plain\":\"value\"}";

	(void)state;
	tt_findings_init(&f);
	assert_int_equal(scan_copy(a, strlen(a), &f), 0);
	assert_int_equal(f.n, 2);
	assert_int_equal(scan_copy(b, strlen(b), &f), 0);
	assert_int_equal(f.n, 1);
	assert_str(f.v[0].field, "x.hostname");
	assert_str(f.v[0].kind, "hostname");
	assert_int_equal(f.v[0].red, 1);
	assert_int_equal(scan_copy(c, strlen(c), &f), 0);
	assert_int_equal(f.n, 0);
	tt_findings_clear(&f);
}

/*
 * A key twice in one object is one field: each (field, kind) is still
 * recorded once, the first time (found by tests/fuzz/fuzz_privacy; the
 * stats counted such an event twice for the field).
 */
static void
test_duplicate_keys(void **state)
{
	struct tt_findings	 f;
	char			 json[2048];
	size_t			 i, off;

	(void)state;
	EXPECT("{\"timezone\":\"UTC\",\"ip\":\"10.1.2.3\","
	    "\"timezone\":\"CET\",\"p\":{\"e\":\"a@b.org\"},"
	    "\"p\":{\"e\":\"c@d.org\",\"timezone\":\"UTC\"},"
	    "\"ip\":\"at 10.4.5.6\"}",
	    "timezone=timezone, ip=ip, p.e=email, p.timezone=timezone");
	/* More than fit the sort's stack array, twice over. */
	off = (size_t)snprintf(json, sizeof json, "{\"a\":[");
	for (i = 0; i < 40; i++)
		off += (size_t)snprintf(json + off, sizeof json - off,
		    "%s\"10.0.0.%zu\"", i > 0 ? "," : "", i + 1);
	off += (size_t)snprintf(json + off, sizeof json - off, "]");
	for (i = 0; i < 40; i++)
		off += (size_t)snprintf(json + off, sizeof json - off,
		    ",\"ip\":\"10.0.1.%zu\"", i + 1);
	(void)snprintf(json + off, sizeof json - off, "}");
	tt_findings_init(&f);
	assert_int_equal(scan_copy(json, strlen(json), &f), 0);
	assert_int_equal(f.n, 41);
	for (i = 0; i < 40; i++)
		assert_true(strncmp(f.v[i].field, "a[", 2) == 0);
	assert_str(f.v[40].field, "ip");
	assert_str(f.v[40].kind, "ip");
	tt_findings_clear(&f);
}

/* ---- kinds, flagged and not ---- */

/* IPv4 in values, keys and free text; versions and numbers are not. */
static void
test_ipv4(void **state)
{
	(void)state;
	EXPECT("{\"$ip\":\"18.117.165.2\"}", "$ip=ip");
	EXPECT("{\"t\":\"dial tcp 10.0.0.5:443: refused\"}", "t=ip");
	EXPECT("{\"u\":\"http://192.168.1.20/x\"}", "u=ip");
	EXPECT("{\"a\":\"ip=8.8.8.9.\"}", "a=ip");
	/* Versions. */
	EXPECT("{\"v\":\"1.24.0\",\"w\":\"v2.77.1\",\"x\":\"v1.2.3.4\"}", "");
	EXPECT("{\"version\":\"4.1.6.2\",\"$os_version\":\"10.0.0.1\","
	    "\"serverVersion\":\"1.2.3.4\"}", "");
	EXPECT("{\"ua\":\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
	    "Chrome/120.0.0.0 Safari/537.36\"}", "");
	/* Not addresses: too many parts, octets > 255, leading zeros. */
	EXPECT("{\"a\":\"1.2.3.4.5\",\"b\":\"256.1.1.1\",\"c\":\"01.2.3.4\","
	    "\"d\":\"1.3.6.1.4.1\",\"e\":\"x1.2.3.4\"}", "");
	/* Nobody's address. */
	EXPECT("{\"a\":\"127.0.0.1\",\"b\":\"0.0.0.0\","
	    "\"c\":\"255.255.255.255\"}", "");
	/* Numbers are never text. */
	EXPECT("{\"ip\":1234567,\"ts\":1658231825280,\"f\":1.5}", "");
}

/* IPv6 in full and compressed forms; times and names are not. */
static void
test_ipv6(void **state)
{
	(void)state;
	EXPECT("{\"a\":\"fe80::1%eth0\"}", "a=ip");
	EXPECT("{\"a\":\"2001:db8:0:0:0:0:0:1\"}", "a=ip");
	EXPECT("{\"a\":\"[2001:db8::7]:443\"}", "a=ip");
	EXPECT("{\"a\":\"::ffff:192.0.2.1\"}", "a=ip");
	EXPECT("{\"a\":\"from 2a02:8108:1f40::5a1 port 22\"}", "a=ip");
	EXPECT("{\"a\":\"07:33:02.001Z\",\"b\":\"12:34:56\",\"c\":\"::1\","
	    "\"d\":\"::\",\"e\":\"std::vector\",\"f\":\"a::b\","
	    "\"g\":\"2026-01-05T12:00:00.123456789+05:30\","
	    "\"h\":\"1:2:3:4:5:6:7\"}", "");
}

/* E-mail addresses; package@version, git@ and digests are not. */
static void
test_email(void **state)
{
	(void)state;
	EXPECT("{\"e\":\"contact alice.smith+tt@example.co.uk now\"}",
	    "e=email");
	EXPECT("{\"$set\":{\"email\":\"x@example.invalid\"}}",
	    "$set.email=email");
	/* An e-mail key holding an address without a dotted domain. */
	EXPECT("{\"email\":\"bob@localhost\"}", "email=email");
	EXPECT("{\"a\":\"posthog-node@5.34.2\",\"b\":\"git@github.com:o/r\","
	    "\"c\":\"image@sha256:e3b0c442\",\"d\":\"@posthog/core\","
	    "\"e\":\"a@b\",\"f\":\"user@.com\",\"email\":\"\"}", "");
}

/* MAC addresses with ':' or '-' and under MAC keys; UUIDs are not. */
static void
test_mac(void **state)
{
	(void)state;
	EXPECT("{\"a\":\"eth0 aa:bb:cc:dd:ee:0f up\"}", "a=mac");
	EXPECT("{\"a\":\"01-23-45-67-89-AB\"}", "a=mac");
	EXPECT("{\"mac\":\"0242ac110002\"}", "mac=mac");
	EXPECT("{\"a\":\"2f75d020-684e-4224-9013-35e95e1b7721\","
	    "\"b\":\"00:00:00:00:00:00\",\"c\":\"ff:ff:ff:ff:ff:ff\","
	    "\"d\":\"aa:bb:cc:dd:ee:ff:00\",\"e\":\"aa:bb-cc:dd:ee:ff\","
	    "\"f\":\"" HEX64 "\",\"mac\":\"000000000000\"}", "");
}

/* Home directories with a user name, on Linux, macOS and Windows. */
static void
test_home_path(void **state)
{
	(void)state;
	EXPECT("{\"a\":\"/home/alice/project\"}", "a=home_path");
	EXPECT("{\"a\":\"cd /Users/bob && make\"}", "a=home_path");
	EXPECT("{\"a\":\"C:\\\\Users\\\\carol\\\\go\"}", "a=home_path");
	EXPECT("{\"a\":\"c:/users/erin/x\"}", "a=home_path");
	EXPECT("{\"a\":\"file:///home/dave/x.txt\"}", "a=home_path");
	EXPECT("{\"a\":\"/var/home/frank\"}", "a=home_path");
}

/* Paths without a user name, placeholders, accounts and URLs are not. */
static void
test_home_path_negative(void **state)
{
	(void)state;
	EXPECT("{\"a\":\"/home\",\"b\":\"/home/\","
	    "\"c\":\"/var/lib/loft/devpod\",\"d\":\"/usr/bin\","
	    "\"e\":\"/root/.cache\",\"f\":\"~/project\"}", "");
	EXPECT("{\"a\":\"/home/runner/work/x\",\"b\":\"/Users/Shared/x\","
	    "\"c\":\"/home/$USER/x\",\"d\":\"/home/<user>/x\","
	    "\"e\":\"C:\\\\Users\\\\Public\\\\x\",\"f\":\"/home/vscode\"}", "");
	EXPECT("{\"a\":\"https://example.com/home/alice\","
	    "\"b\":\"GET /users/123 failed\",\"c\":\"/srv/Users/x\"}", "");
}

/* Host names under host keys; URLs and localhost are not. */
static void
test_hostname_keys(void **state)
{
	(void)state;
	EXPECT("{\"hostname\":\"alice-laptop\"}", "hostname=hostname");
	/* a web page's $host is the site's, unless it is a private one */
	EXPECT("{\"$host\":\"app.example.com\"}", "");
	EXPECT("{\"$host\":\"nas:5000\"}", "$host=hostname");
	EXPECT("{\"$host\":\"wiki.corp.example.com\"}", "$host=hostname");
	EXPECT("{\"server_name\":\"build-07.corp.example:8080\"}",
	    "server_name=hostname");
	EXPECT("{\"resource\":{\"host.name\":\"alice-pc\"}}",
	    "resource[\"host.name\"]=hostname");
	EXPECT("{\"host\":\"https://us.i.posthog.com\",\"hostname\":\"\","
	    "\"server_name\":\"localhost\",\"host\":\"localhost:3000\","
	    "\"hostname\":true,\"host\":\"a b\"}", "");
	/* An address under a host key is an address. */
	EXPECT("{\"node_name\":\"10.0.0.1\"}", "node_name=ip");
}

/* Host names in free text: private-network names only. */
static void
test_hostname_text(void **state)
{
	(void)state;
	EXPECT("{\"e\":\"ssh: connect to alice-mbp.local:22\"}",
	    "e=hostname");
	EXPECT("{\"e\":\"box.lan refused\"}", "e=hostname");
	EXPECT("{\"e\":\"ip-10-0-0-1.ec2.internal\"}", "e=hostname");
	EXPECT("{\"e\":\"host DESKTOP-AB12CD3 said no\"}", "e=hostname");
	EXPECT("{\"a\":\"https://telemetry.werf.io/v1/traces\","
	    "\"b\":\"us.i.posthog.com\",\"$lib\":\"posthog-go\","
	    "\"c\":\"kubernetes.default.svc.cluster.local\","
	    "\"d\":\"host.docker.internal\",\"e\":\".env.local\","
	    "\"f\":\"foo.localhost\",\"g\":\"app.local.json\","
	    "\"h\":\"DESKTOP-ABC\",\"i\":\"Desktop\"}", "");
}

/* JWTs anywhere; a JWT under a token key is a jwt, not also a token. */
static void
test_jwt(void **state)
{
	(void)state;
	EXPECT("{\"token\":\"" JWT_SUB "\"}", "token=jwt");
	EXPECT("{\"authorization\":\"Bearer " JWT_SUB "\"}",
	    "authorization=jwt");
	EXPECT("{\"e\":\"sent " JWT_SUB ", got 401\"}", "e=jwt");
	EXPECT("{\"t\":\"" JWT_EMAIL_CLAIM "\"}", "t=jwt");
	/*
	 * Graded by what the claims carry: DevPod's integrity token over
	 * {"iss":"devpod-telemetry"} and a scoped token without a subject
	 * name nobody (and are no token either).
	 */
	EXPECT("{\"token\":\"" JWT_RS256 "\",\"x\":\"" JWT_ANON "\","
	    "\"authorization\":\"Bearer " JWT_ANON "\"}", "");
	/* Headers without "alg", or not JSON; two parts. */
	EXPECT("{\"a\":\"eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJhbGljZSJ9.c2ln\","
	    "\"b\":\"eyJzdWIiOiJhbGljZSJ9.eyJzdWIiOiJhbGljZSJ9.\","
	    "\"c\":\"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIi\","
	    "\"d\":\"eyJhbGciOiJIUz.eyJzdWIi.c2ln\"}", "");
}

/* Secrets under secret keys; PostHog project keys and masks are not. */
static void
test_token_keys(void **state)
{
	(void)state;
	EXPECT("{\"password\":\"hunter2\",\"api_key\":\"k-123\","
	    "\"github_token\":\"abc\",\"clientSecret\":\"s3cr3t\","
	    "\"Authorization\":\"Basic dXNlcjpwYXNz\","
	    "\"db_passwd\":\"x1\",\"cookie\":\"sid=1\"}",
	    "password=token, api_key=token, github_token=token, "
	    "clientSecret=token, Authorization=token, db_passwd=token, "
	    "cookie=token");
	EXPECT("{\"api_key\":\"phc_abcdef0123456789\","
	    "\"properties\":{\"token\":\"phc_js_it\"},"
	    "\"authorization\":\"Bearer phc_testkey\","
	    "\"secret\":\"***\",\"password\":\"[REDACTED]\",\"token\":\"\","
	    "\"api_token\":\"${API_TOKEN}\",\"max_tokens\":100,"
	    "\"token_type\":\"Bearer\",\"has_password\":true,"
	    "\"tokens\":\"many\",\"tokenizer\":\"gpt2\","
	    "\"password\":\"false\"}", "");
}

/* Secrets recognised by their format or by "name=" in text. */
static void
test_token_text(void **state)
{
	(void)state;
	EXPECT("{\"e\":\"push with ghp_abcdefghijklmnopqrstuvwxyz0123456789 "
	    "failed\"}", "e=token");
	EXPECT("{\"e\":\"key AKIAIOSFODNN7EXAMPLE\"}", "e=token");
	EXPECT("{\"e\":\"glpat-abcdefghij0123456789\"}", "e=token");
	EXPECT("{\"u\":\"https://x.example/cb?access_token=abcd1234&y=1\"}",
	    "u=token");
	EXPECT("{\"command\":\"devpod up --git-password=hunter22\"}",
	    "command=token");
	EXPECT("{\"a\":\"sk-learn\",\"b\":\"max_tokens=5\",\"c\":\"token=ab\","
	    "\"d\":\"password=***\",\"e\":\"AKIA1234\","
	    "\"f\":\"ghp_short\",\"g\":\"token=${T}\"}", "");
}

/* Geo-IP fields; $geoip_disable is a setting. */
static void
test_geoip(void **state)
{
	(void)state;
	EXPECT("{\"$geoip_city_name\":\"Columbus\",\"$geoip_latitude\":39.96,"
	    "\"$initial_geoip_country_code\":\"US\",\"latitude\":0,"
	    "\"postal_code\":\"43215\",\"$geoip_time_zone\":\"America/"
	    "New_York\"}",
	    "$geoip_city_name=geoip, $geoip_latitude=geoip, "
	    "$initial_geoip_country_code=geoip, latitude=geoip, "
	    "postal_code=geoip, $geoip_time_zone=geoip, $geoip_time_zone=timezone");
	EXPECT("{\"$geoip_disable\":true,\"$geoip_disable\":false,"
	    "\"lat\":null,\"longitude\":\"\",\"region\":\"us-east-1\"}", "");
}

/* Install, machine and project ids; per-run ids and hashes are not. */
static void
test_ids(void **state)
{
	(void)state;
	EXPECT("{\"machine_id\":\"abc\",\"uid\":\"" HEX64 "\","
	    "\"$device_id\":\"01a1fce7-a486-7e50-8d16-5d50dcc7a000\"}",
	    "machine_id=machine_id, uid=machine_id, $device_id=machine_id");
	EXPECT("{\"ucid\":\"qadgrtuxogziz8ak\",\"distinct_id\":\"user-1\","
	    "\"userID\":\"u-42\",\"anonymous_id\":7}",
	    "ucid=install_id, distinct_id=install_id, userID=install_id, "
	    "anonymous_id=install_id");
	/* 64 hex digits: derived from the machine by these tools. */
	EXPECT("{\"distinct_id\":\"" HEX64 "\",\"userID\":\"" HEX64 "\"}",
	    "distinct_id=machine_id, userID=machine_id");
	EXPECT("{\"projectID\":\"" HEX64 "\"}", "projectID=project_id");
	EXPECT("{\"userID\":\"\",\"projectID\":\"\",\"machine_id\":null,"
	    "\"executionID\":\"2f75d020-684e-4224-9013-35e95e1b7721\","
	    "\"uuid\":\"01a1fce7-a486-7e50-8d16-5d50dcc7a042\","
	    "\"$session_id\":\"01a1fce7-a486-7e50-8d16-5d50dcc7a111\","
	    "\"traceId\":\"5b8efff798038103d269b633813fc60c\","
	    "\"sha\":\"" HEX64 "\",\"user_id\":true}", "");
}

/* Time zones, as names and offsets. */
static void
test_timezone(void **state)
{
	(void)state;
	EXPECT("{\"$timezone\":\"Europe/Berlin\",\"timezone\":\"UTC\","
	    "\"$timezone_offset\":-60,\"tz\":\"CET\",\"timeZone\":\"Asia/"
	    "Tokyo\",\"$initial_timezone\":\"PST\"}",
	    "$timezone=timezone, timezone=timezone, "
	    "$timezone_offset=timezone, tz=timezone, timeZone=timezone, "
	    "$initial_timezone=timezone");
	EXPECT("{\"timezone\":\"\",\"tz\":null,\"timestamp\":\"2026-01-05"
	    "T12:00:00Z\"}", "");
}

/* Free-text errors; classified codes are not free text. */
static void
test_error_text(void **state)
{
	(void)state;
	EXPECT("{\"error\":\"workspace it-ws not found\","
	    "\"errors\":\"provider 'docker' does not exist\","
	    "\"errorMessage\":\"fatal: unable to access\","
	    "\"err\":\"exit status 1\",\"stderr\":\"permission denied\"}",
	    "error=error_text, errors=error_text, errorMessage=error_text, "
	    "err=error_text, stderr=error_text");
	EXPECT("{\"errors\":[\"a b\",\"CODE\",\"c d\"]}",
	    "errors[0]=error_text, errors[2]=error_text");
	EXPECT("{\"error\":{\"code\":3,\"message\":\"disk is full\","
	    "\"details\":{\"reason\":\"quota exceeded here\"}}}",
	    "error.message=error_text, error.details.reason=error_text");
	EXPECT("{\"error_code\":\"could not pull the image\"}",
	    "error_code=error_text");
	EXPECT("{\"error\":\"ENOENT\",\"error_code\":\"WORKSPACE_NOT_FOUND\","
	    "\"error\":false,\"errorCount\":3,\"error\":\"\","
	    "\"message\":\"OK\",\"reason\":\"Timeout\"}", "");
}

/* User names under user keys; "name" only inside $set. */
static void
test_user_name(void **state)
{
	(void)state;
	EXPECT("{\"username\":\"alice\",\"user\":\"bob\","
	    "\"$set\":{\"name\":\"Carol Example\"},\"author\":\"dave\"}",
	    "username=user_name, user=user_name, $set.name=user_name, "
	    "author=user_name");
	EXPECT("{\"name\":\"repo\",\"user\":\"root\",\"username\":\"runner\","
	    "\"user\":{\"machine_id\":\"\"},\"user\":\"\","
	    "\"_span\":{\"name\":\"telemetry.werf.io\"}}", "");
}

/* Keys that are themselves personal, with the path of their member. */
static void
test_personal_keys(void **state)
{
	(void)state;
	EXPECT("{\"users\":{\"alice@example.com\":{\"n\":1}}}",
	    "users[\"alice@example.com\"]=email");
	EXPECT("{\"seen\":{\"/home/alice/x\":1,\"10.1.2.3\":2}}",
	    "seen./home/alice/x=home_path, seen[\"10.1.2.3\"]=ip");
	/* Key and value of the same kind: one finding. */
	EXPECT("{\"a@example.com\":\"b@example.com\"}",
	    "[\"a@example.com\"]=email");
}

/* One finding per (field, kind), several kinds per field, in order. */
static void
test_dedup_order(void **state)
{
	(void)state;
	EXPECT("{\"error\":\"open /home/alice/a: 10.0.0.1 and 10.0.0.2 "
	    "told a@example.com and /home/bob/b\",\"b\":\"1.1.1.7\"}",
	    "error=home_path, error=ip, error=email, error=error_text, "
	    "b=ip");
	EXPECT("{\"z\":{\"$ip\":\"1.2.3.4\"},\"a\":[{\"$ip\":\"5.6.7.8\"}],"
	    "\"m\":\"x@example.com\"}",
	    "z.$ip=ip, a[0].$ip=ip, m=email");
}

/* The path notation: arrays, roots, brackets, JSON inside strings. */
static void
test_paths(void **state)
{
	(void)state;
	EXPECT("{\"batch\":[{\"properties\":{\"email\":\"a@example.com\"}},"
	    "{\"properties\":{\"email\":\"b@example.com\"}}]}",
	    "batch[0].properties.email=email, "
	    "batch[1].properties.email=email");
	EXPECT("[{\"x\":\"1.2.3.4\"},[\"5.6.7.8\"]]", "[0].x=ip, [1][0]=ip");
	EXPECT("{\"a\\\"b\":\"1.2.3.4\",\"c>d\":\"1.2.3.4\","
	    "\"\":\"1.2.3.4\",\"e\\\\f\":{\"g\":\"1.2.3.4\"}}",
	    "[\"a\\\"b\"]=ip, [\"c>d\"]=ip, [\"\"]=ip, [\"e\\\\f\"].g=ip");
	EXPECT("{\"tags\":\"[\\\"x\\\",\\\"1.2.3.4\\\"]\"}", "tags>[1]=ip");
	EXPECT("{\"p\":\"{\\\"q.r\\\":\\\"1.2.3.4\\\"}\"}",
	    "p>[\"q.r\"]=ip");
	/* JSON text inside JSON text. */
	EXPECT("{\"a\":\"{\\\"b\\\":\\\"{\\\\\\\"c\\\\\\\":"
	    "\\\\\\\"1.2.3.4\\\\\\\"}\\\"}\"}", "a>b>c=ip");
	/* A scalar document. */
	EXPECT("\"mail alice@example.com\"", "=email");
}

/* Strings that only look like JSON are text; limits hold. */
static void
test_embedded_limits(void **state)
{
	struct tt_findings	 f;
	char			*s, *p;
	size_t			 i, n = 200;

	(void)state;
	EXPECT("{\"e\":\"[ERROR] open /home/alice/x\",\"f\":\"{not json "
	    "1.2.3.4\",\"g\":\"{} 1.2.3.4\",\"h\":\"[1] a@example.com\"}",
	    "e=home_path, f=ip, g=ip, h=email");
	/* A string holding "[]" or "{}" has no findings. */
	EXPECT("{\"token\":\"[]\",\"hostname\":\"{}\"}", "");
	/* Nesting beyond the walk's limit is not followed. */
	s = malloc(n * 6 + 64);
	assert_non_null(s);
	p = s;
	for (i = 0; i < n; i++)
		p += sprintf(p, "{\"a\":");
	p += sprintf(p, "\"1.2.3.4\"");
	for (i = 0; i < n; i++)
		*p++ = '}';
	*p = '\0';
	tt_findings_init(&f);
	assert_int_equal(scan_copy(s, strlen(s), &f), 0);
	assert_int_equal(f.n, 0);
	/* Shallow enough: found, with a long path (past the stack buffer). */
	n = 60;
	p = s;
	for (i = 0; i < n; i++)
		p += sprintf(p, "{\"a\":");
	p += sprintf(p, "\"1.2.3.4\"");
	for (i = 0; i < n; i++)
		*p++ = '}';
	*p = '\0';
	assert_int_equal(scan_copy(s, strlen(s), &f), 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(strlen(f.v[0].field), n * 2 - 1);
	tt_findings_clear(&f);
	free(s);
}

/* A path longer than any stack buffer. */
static void
test_long_path(void **state)
{
	char	 key[301], *json, *want, *got;
	size_t	 n;

	(void)state;
	memset(key, 'k', 300);
	key[300] = '\0';
	n = strlen(key) * 3 + 64;
	json = malloc(n);
	want = malloc(n);
	assert_non_null(json);
	assert_non_null(want);
	snprintf(json, n, "{\"%s\":{\"%s\":{\"%s\":\"1.2.3.4\"}}}", key, key,
	    key);
	snprintf(want, n, "%s.%s.%s=ip", key, key, key);
	got = scan(json);
	assert_str(got, want);
	free(got);
	free(json);
	free(want);
}

/* ---- events of formats.md ---- */

/* DevPod >= 0.6.6: properties are JSON strings; machine_id is an HMAC. */
static void
test_devpod_insert(void **state)
{
	(void)state;
	EXPECT("{\"event\":{\"machine_id\":\"" HEX64 "\","
	    "\"properties\":\"{\\\"command\\\":\\\"devpod up\\\","
	    "\\\"desktop\\\":false,\\\"error\\\":\\\"open /home/alice/.devpod/"
	    "config.yaml: permission denied\\\",\\\"ide\\\":\\\"vscode\\\","
	    "\\\"is_ci\\\":false,\\\"is_interactive\\\":true,"
	    "\\\"provider\\\":\\\"docker\\\",\\\"source_type\\\":\\\"git:\\\","
	    "\\\"version\\\":\\\"v0.6.15\\\"}\",\"timestamp\":1736850000,"
	    "\"type\":\"devpod_cli\"},"
	    "\"user\":{\"machine_id\":\"" HEX64 "\","
	    "\"properties\":\"{\\\"os_arch\\\":\\\"amd64\\\","
	    "\\\"os_name\\\":\\\"linux\\\",\\\"timezone\\\":\\\"CET\\\"}\","
	    "\"timestamp\":1736850000}}",
	    "event.machine_id=machine_id, event.properties>error=home_path, "
	    "event.properties>error=error_text, user.machine_id=machine_id, "
	    "user.properties>timezone=timezone");
	/* A runner: its path has no user name. */
	EXPECT("{\"event\":{\"properties\":\"{\\\"command\\\":"
	    "\\\"devpod up\\\",\\\"cwd\\\":\\\"/var/lib/loft/devpod\\\"}\","
	    "\"type\":\"devpod_cli_runner\"}}", "");
}

/* Legacy DevPod: a JWT token, the uid HMAC and "errors". */
static void
test_devpod_legacy(void **state)
{
	(void)state;
	EXPECT("{\"type\":\"cmdfinished\",\"event\":{\"timestamp\":"
	    "1701000000123456,\"executionID\":\"23736e5f-83b3-4d65-6a0a-"
	    "0123456789ab\",\"command\":\"devpod provider delete\","
	    "\"provider\":\"kubernetes\",\"processingTime\":71980,"
	    "\"errors\":\"provider 'docker' does not exist\"},"
	    "\"instanceProperties\":{\"timestamp\":1701000000123456,"
	    "\"uid\":\"" HEX64 "\",\"arch\":\"amd64\",\"os\":\"linux\","
	    "\"version\":{\"major\":\"0\",\"minor\":\"5\",\"patch\":\"29\","
	    "\"prerelease\":\"\",\"build\":\"\"},"
	    "\"flags\":{\"setFlags\":[\"ide\"]},\"ui\":false},"
	    "\"token\":\"" JWT_RS256 "\"}",
	    "event.errors=error_text, instanceProperties.uid=machine_id");
}

/* werf: the flat span view, eventData and attributes as JSON text. */
static void
test_werf_span(void **state)
{
	(void)state;
	EXPECT("{\"ts\":1658231825280,\"executionID\":\"2f75d020-684e-4224-"
	    "9013-35e95e1b7721\",\"userID\":\"" HEX64 "\","
	    "\"projectID\":\"b4c2d019070529344a6967d8c73d578101c6554fcdcae3d0"
	    "0bb93a9692523cb1\",\"command\":\"werf converge\","
	    "\"eventType\":\"UnshallowFailed\","
	    "\"eventData\":\"{\\\"errorMessage\\\":\\\"git fetch: exit status "
	    "128: /Users/bob/.werf/git\\\",\\\"gitlabRunnerVersion\\\":"
	    "\\\"16.4.0.1\\\",\\\"gitlabServerVersion\\\":\\\"16.4.0\\\"}\","
	    "\"attributes\":\"{\\\"arch\\\":\\\"amd64\\\",\\\"os\\\":"
	    "\\\"linux\\\",\\\"version\\\":\\\"2.35.0\\\",\\\"ci\\\":true,"
	    "\\\"ciName\\\":\\\"gitlab\\\",\\\"extra\\\":{}}\","
	    "\"schemaVersion\":2,\"_span\":{\"name\":\"telemetry.werf.io\","
	    "\"scope\":\"telemetry.werf.io\",\"traceId\":"
	    "\"5b8efff798038103d269b633813fc60c\",\"spanId\":"
	    "\"eee19b7ec3c1b174\",\"startTimeUnixNano\":\"1767614410000000000"
	    "\"}}",
	    "userID=machine_id, projectID=project_id, "
	    "eventData>errorMessage=home_path, "
	    "eventData>errorMessage=error_text");
	/* CommandStarted with an empty userID: nothing personal. */
	EXPECT("{\"ts\":1658231825280,\"executionID\":\"2f75d020\","
	    "\"userID\":\"\",\"projectID\":\"\",\"command\":\"werf converge\","
	    "\"eventType\":\"CommandStarted\",\"eventData\":\"{\\\""
	    "commandOptions\\\":[{\\\"name\\\":\\\"repo\\\",\\\"asCli\\\":"
	    "false,\\\"asEnv\\\":false,\\\"count\\\":0}]}\","
	    "\"attributes\":\"{\\\"version\\\":\\\"4.1.6.2\\\"}\"}", "");
}

/* Devtron Heartbeat and Summary: the UCID twice, nothing else. */
static void
test_devtron(void **state)
{
	(void)state;
	EXPECT("{\"type\":\"capture\",\"uuid\":\"\",\"library\":\"posthog-go\","
	    "\"library_version\":\"1.5.9\",\"timestamp\":\"2026-01-05T12:00:00"
	    ".123456789Z\",\"distinct_id\":\"qadgrtuxogziz8ak\",\"event\":"
	    "\"Heartbeat\",\"properties\":{\"$lib\":\"posthog-go\","
	    "\"$lib_version\":\"1.5.9\",\"$geoip_disable\":true,\"ucid\":"
	    "\"qadgrtuxogziz8ak\",\"timestamp\":\"2026-01-05T12:00:00.1199Z\","
	    "\"eventType\":\"Heartbeat\",\"serverVersion\":\"v1.29.3\","
	    "\"devtronVersion\":\"v1\",\"devtronMode\":\"FULL\","
	    "\"LastLoginTime\":\"0001-01-01T00:00:00Z\","
	    "\"SkippedOnboarding\":false},\"send_feature_flags\":false}",
	    "distinct_id=install_id, properties.ucid=install_id");
	EXPECT("{\"distinct_id\":\"qadgrtuxogziz8ak\",\"event\":\"Summary\","
	    "\"properties\":{\"ucid\":\"qadgrtuxogziz8ak\",\"userCount\":3,"
	    "\"clusterCount\":2,\"environmentCount\":4,\"nonProdAppCount\":7,"
	    "\"ciCreatedPerDay\":1,\"cdCreatedPerDay\":2,\"LastLoginTime\":"
	    "\"2026-01-05T09:00:00Z\",\"SkippedOnboarding\":false}}",
	    "distinct_id=install_id, properties.ucid=install_id");
}

/* The Devtron docs' sample, as PostHog stores it: geo-IP and $ip. */
static void
test_devtron_docs_sample(void **state)
{
	(void)state;
	EXPECT("{\"id\":\"017ah6af-8h60-0000-abfc-a0a25hd823d6\","
	    "\"timestamp\":\"2021-06-29T07:33:02.001000+00:00\","
	    "\"event\":\"Heartbeat\",\"distinct_id\":\"qadgrtuxogziz8ak\","
	    "\"properties\":{\"$geoip_city_name\":\"Columbus\","
	    "\"$geoip_continent_code\":\"NA\",\"$geoip_latitude\":39.9625,"
	    "\"$geoip_longitude\":-83.0061,\"$geoip_postal_code\":\"43215\","
	    "\"$geoip_time_zone\":\"America/New_York\","
	    "\"$ip\":\"18.117.165.2\",\"$lib\":\"posthog-go\","
	    "\"$lib_version\":\"1.0.2\",\"devtronVersion\":\"v1\","
	    "\"eventType\":0,\"serverVersion\":\"v1.17.17\","
	    "\"timestamp\":\"2021-06-29T07:33:02.001372393Z\","
	    "\"ucid\":\"qadgrtuxogziz8ak\"}}",
	    "distinct_id=install_id, properties.$geoip_city_name=geoip, "
	    "properties.$geoip_continent_code=geoip, "
	    "properties.$geoip_latitude=geoip, "
	    "properties.$geoip_longitude=geoip, "
	    "properties.$geoip_postal_code=geoip, "
	    "properties.$geoip_time_zone=geoip, "
	    "properties.$geoip_time_zone=timezone, properties.$ip=ip, "
	    "properties.ucid=install_id");
}

/* A browser event: $ip, geo-IP, time zone; the project key is not. */
static void
test_posthog_js(void **state)
{
	(void)state;
	EXPECT("{\"uuid\":\"01a1fce7-a486-7e50-8d16-5d50dcc7a0b6\","
	    "\"event\":\"$pageview\",\"properties\":{"
	    "\"token\":\"phc_abcdefghijklmnopqrstuvwxyz0123456789\","
	    "\"distinct_id\":\"01a1fce7-a486-7e50-8d16-5d50dcc7a000\","
	    "\"$lib\":\"web\",\"$lib_version\":\"1.300.0\","
	    "\"$os\":\"Mac OS X\",\"$os_version\":\"10.15.7\","
	    "\"$browser\":\"Chrome\",\"$browser_version\":120,"
	    "\"$current_url\":\"https://app.example.com/insights?t=1\","
	    "\"$referring_domain\":\"www.google.com\","
	    "\"$raw_user_agent\":\"Mozilla/5.0 (Macintosh; Intel Mac OS X "
	    "10_15_7) AppleWebKit/537.36 Chrome/120.0.0.0 Safari/537.36\","
	    "\"$session_id\":\"01a1fce7-a486-7e50-8d16-5d50dcc7a111\","
	    "\"$timezone\":\"Europe/Berlin\",\"$ip\":\"18.117.165.2\","
	    "\"$geoip_city_name\":\"Columbus\",\"$geoip_disable\":false,"
	    "\"$screen_height\":1117},"
	    "\"timestamp\":\"2026-01-05T12:00:02.000Z\"}",
	    "properties.distinct_id=install_id, "
	    "properties.$timezone=timezone, properties.$ip=ip, "
	    "properties.$geoip_city_name=geoip");
}

/* posthog-node's $identify: the person's e-mail and name in $set. */
static void
test_posthog_identify(void **state)
{
	(void)state;
	EXPECT("{\"event\":\"$identify\",\"properties\":{\"$set\":"
	    "{\"email\":\"x@example.invalid\",\"name\":\"Alice\"},"
	    "\"$set_once\":{\"first_name\":\"Alice\"},"
	    "\"$lib\":\"posthog-node\",\"$lib_version\":\"5.70.0\","
	    "\"$is_server\":true,\"$geoip_disable\":true},"
	    "\"timestamp\":\"2026-11-21T07:00:01.798Z\","
	    "\"uuid\":\"01a1fce7-a486-7e50-8d16-5d50dcc7a042\","
	    "\"distinct_id\":\"user-1\"}",
	    "properties.$set.email=email, properties.$set.name=user_name, "
	    "properties.$set_once.first_name=user_name, "
	    "distinct_id=install_id");
}

/* Devsy via posthog-go: the HMAC distinct_id, time zone, error_code. */
static void
test_devsy(void **state)
{
	(void)state;
	EXPECT("{\"type\":\"capture\",\"distinct_id\":\"" HEX64 "\","
	    "\"event\":\"devsy_cli\",\"properties\":{\"command\":\"devsy up\","
	    "\"version\":\"v1.2.0\",\"provider\":\"docker\","
	    "\"error_code\":\"WORKSPACE_NOT_FOUND\",\"os_name\":\"linux\","
	    "\"timezone\":\"UTC\",\"$lib\":\"posthog-go\","
	    "\"$lib_version\":\"1.12.5\",\"$go_version\":\"go1.22.1\","
	    "\"$geoip_disable\":true}}",
	    "distinct_id=machine_id, properties.timezone=timezone");
}

/* An error message with a home path, in a generic event. */
static void
test_error_with_home(void **state)
{
	(void)state;
	EXPECT("{\"name\":\"build\",\"phase\":\"finish\",\"exit_code\":1,"
	    "\"error\":\"go: open /home/alice/project/go.mod: no such file "
	    "or directory\",\"version\":\"1.4.2\"}",
	    "error=home_path, error=error_text");
}

/* ---- the reviewer's patterns (both sides of each) ---- */

/* A web SDK's site fields name the site, unless it is a private one. */
static void
test_site_fields(void **state)
{
	(void)state;
	EXPECT("{\"properties\":{\"$host\":\"www.shipfast.io\","
	    "\"$pathname\":\"/pricing\",\"$current_url\":"
	    "\"https://www.shipfast.io/pricing\",\"$referring_domain\":"
	    "\"www.google.com\",\"$referrer\":\"https://www.google.com/\","
	    "\"$host\":\"localhost:3000\"}}", "");
	EXPECT("{\"$host\":\"grafana.tail1234.ts.net\"}", "$host=hostname");
	EXPECT("{\"$referring_domain\":\"jira.corp.example-systems.com\","
	    "\"$current_url\":\"https://wiki.intra.example.io/x\","
	    "\"u\":\"http://nas:5000/photos\"}",
	    "$referring_domain=hostname, $current_url=hostname, "
	    "u=hostname");
	EXPECT("{\"$current_url\":\"http://192.168.1.20:3000/\"}",
	    "$current_url=ip");
}

/* Service addresses every machine uses are no one's. */
static void
test_well_known_addresses(void **state)
{
	(void)state;
	EXPECT("{\"a\":\"169.254.169.254\",\"b\":\"8.8.8.8:53\","
	    "\"c\":\"http://169.254.169.254/latest/meta-data\","
	    "\"d\":\"lookup x on 1.1.1.1:53 and [2001:4860:4860::8888]:53\","
	    "\"e\":\"fd00:ec2::254\",\"f\":\"connect ECONNREFUSED ::1:5432\","
	    "\"g\":\"0.0.0.0:8080\",\"h\":\"[::]:443\",\"i\":\"127.0.0.1\","
	    "\"j\":\"255.255.255.0\",\"k\":[\"9.9.9.9\",\"208.67.222.222\"]}",
	    "");
	EXPECT("{\"a\":\"8.8.8.9\",\"b\":\"10.0.0.5:443\","
	    "\"c\":\"2001:db8:85a3::8a2e:370:7334\",\"d\":\"169.254.10.3\"}",
	    "a=ip, b=ip, c=ip, d=ip");
}

/* Four-part numbers under build, release and firmware keys. */
static void
test_version_keys(void **state)
{
	(void)state;
	EXPECT("{\"firmware\":\"4.2.0.18\",\"os_build\":\"10.0.19045.1\","
	    "\"release\":\"1.4.0.2\",\"buildNumber\":\"2.0.1.7\","
	    "\"revision\":\"3.1.4.1\"}", "");
	EXPECT("{\"peer\":\"4.2.0.18\"}", "peer=ip");
}

/* CI runners' fixed profiles are not a person's home. */
static void
test_ci_homes(void **state)
{
	(void)state;
	EXPECT("{\"a\":\"C:\\\\Users\\\\runneradmin\\\\work\\\\x\","
	    "\"b\":\"/home/runner/work/x\",\"c\":\"/Users/runner/Library\","
	    "\"d\":\"/home/circleci/project\",\"e\":\"/home/vsts/work/1\"}",
	    "");
	EXPECT("{\"a\":\"C:\\\\Users\\\\runneradmin2\\\\x\"}",
	    "a=home_path");
}

/* Under host keys: any machine, but not a public service's host. */
static void
test_host_keys_public(void **state)
{
	(void)state;
	EXPECT("{\"attributes\":{\"server.address\":\"api.github.com\","
	    "\"net.peer.name\":\"pubsub.googleapis.com\"},"
	    "\"host\":\"hooks.slack.com\",\"hostname\":\"docker-desktop\","
	    "\"server_name\":\"mysql.default.svc.cluster.local\","
	    "\"http.host\":\"registry.npmjs.org:443\"}", "");
	/* a peer's name is private only when it says so; a machine's is */
	EXPECT("{\"attributes\":{\"server.address\":\"db01.corp.example"
	    ".com\",\"net.peer.name\":\"api.example-saas.com\"},"
	    "\"host\":\"gitlab.example.io\",\"resource\":"
	    "{\"k8s.node.name\":\"worker-03\",\"host.name\":"
	    "\"ci-7.example-saas.com\"}}",
	    "attributes[\"server.address\"]=hostname, host=hostname, "
	    "resource[\"k8s.node.name\"]=hostname, "
	    "resource[\"host.name\"]=hostname");
}

/* Private names without a private suffix, in text. */
static void
test_private_hosts_text(void **state)
{
	(void)state;
	EXPECT("{\"a\":\"dial tcp: lookup alice-mbp.tail1234.ts.net: no such "
	    "host\",\"b\":\"unschedulable on node gke-prod-default-pool-"
	    "1a2b3c4d-x9yz\",\"c\":\"node aks-nodepool1-12345678-vmss000002 "
	    "had taint\",\"d\":\"node ip-10-0-12-34 is not ready\","
	    "\"e\":\"Could not resolve host: gitlab.example.io\","
	    "\"f\":\"ssh: connect to host alice-desktop port 22\","
	    "\"g\":\"host:build-agent-3.corp.example.net\","
	    "\"h\":\"https://admin.internal-tools.example-systems.com/u\"}",
	    "a=hostname, b=hostname, c=hostname, d=hostname, e=hostname, "
	    "f=hostname, g=hostname, h=hostname");
	EXPECT("{\"a\":\"Host key verification failed\",\"b\":\"node v20.11.1"
	    " is too old\",\"c\":\"lookup registry-1.docker.io: timeout\","
	    "\"d\":\"Could not resolve host: github.com\","
	    "\"e\":\"https://docs.example.com/guide\",\"f\":\"the host is "
	    "down\",\"g\":\"lookup failed\",\"h\":\"ci.yml\","
	    "\"i\":\"https://api.stripe.com/v1/charges\"}", "");
}

/* Home directories in every form. */
static void
test_home_forms(void **state)
{
	(void)state;
	EXPECT("{\"a\":\"open \\\\\\\\fileserver\\\\home\\\\dave\\\\x\","
	    "\"b\":\"\\\\\\\\nas01\\\\users$\\\\erin\\\\y\","
	    "\"c\":\"/mnt/c/Users/frank/src\",\"d\":\"see ~grace/notes\","
	    "\"e\":\"/var/home/heidi/.config\","
	    "\"f\":\"file:///home/ivan/x.txt\","
	    "\"g\":\"file:///C:/Users/judy/x\","
	    "\"h\":\"\\\\\\\\wsl$\\\\Ubuntu\\\\home\\\\ken\\\\x\","
	    "\"i\":\"at f (/Users/bob/app/index.js:10:3)\"}",
	    "a=home_path, b=home_path, c=home_path, d=home_path, "
	    "e=home_path, f=home_path, g=home_path, h=home_path, i=home_path");
	EXPECT("{\"a\":\"\\\\\\\\fileserver\\\\builds\\\\x\","
	    "\"b\":\"~/projects\",\"c\":\"/mnt/c/Program Files/x\","
	    "\"d\":\"~root/.ssh\",\"e\":\"https://example.com/~alice/\","
	    "\"f\":\"a~b/c\",\"g\":\"/mnt/c/Users/Public/x\"}", "");
}

/* Secrets without a known prefix. */
static void
test_secret_forms(void **state)
{
	(void)state;
	EXPECT("{\"a\":\"https://app.example.io/cb?code=4/0AeanS0b8Ck3Tz"
	    "&state=x\",\"b\":\"https://x.example.io/?access_token=EAAGm0PX4"
	    "ZCps\",\"c\":\"client_secret=Qm8xZ2vT4wN8\","
	    "\"d\":\"https://b.example.net/r.csv?sv=1&sig=Zx8kLp2RwN4vYt6\","
	    "\"e\":\"POST https://hooks.slack.com/services/T02AB3CD4/B05EF6GH7"
	    "/q9Lm2Xv8Rt4Yw1Zp6Kc3Nb0s returned 404\","
	    "\"f\":\"https://discord.com/api/webhooks/1187342219876543210/"
	    "Qm9vT2xkzX8kLp2RwN4v\",\"g\":\"https://ex.webhook.office.com/"
	    "webhookb2/8f2c1d3e-4a5b-6c7d-8e9f\","
	    "\"h\":\"https://deploy:s3cr3t@git.example.com/x.git\","
	    "\"i\":\"header Authorization: Basic cm9ib3QkZGV2dHJvbjpIazI5\","
	    "\"headers\":{\"Proxy-Authorization\":\"secret-value\"}}",
	    "a=token, b=token, c=token, d=token, e=token, f=token, g=token, "
	    "h=token, h=hostname, i=token, headers.Proxy-Authorization=token");
	EXPECT("{\"a\":\"https://x.example.com/?code=200\",\"b\":\"exit_code=1"
	    " signal=9\",\"c\":\"https://hooks.slack.com/services/\","
	    "\"d\":\"https://alice@bitbucket.org/x\",\"e\":\"https://"
	    "user:${PASS}@github.com/\",\"f\":\"Basic auth failed\","
	    "\"g\":\"https://discord.com/api/webhooks\","
	    "\"h\":\"https://git@github.com/x\",\"i\":\"https://"
	    "oauth2:${TOKEN}@gitlab.com/x\"}", "d=user_name");
}

/* E-mails URL-encoded, phone numbers in free text. */
static void
test_email_encoded_and_phone(void **state)
{
	(void)state;
	EXPECT("{\"a\":\"https://x.example.dev/invite?email=alice%40example."
	    "com&team=g\",\"b\":\"call me at (415) 555-0134 please\","
	    "\"c\":\"+1 415 555 0134\",\"d\":\"tel +44 20 7946 0958.\","
	    "\"e\":\"415-555-0134\",\"f\":\"+49 (30) 1234567\","
	    "\"phone\":\"0301234567\"}",
	    "a=email, b=phone, c=phone, d=phone, e=phone, f=phone, "
	    "phone=phone");
	EXPECT("{\"a\":\"2024-01-15T10:00:00+05:30\",\"b\":\"1.2.3+20240101\","
	    "\"c\":\"took 1767225600 ms\",\"d\":\"(123) items\","
	    "\"e\":\"100%40 done\",\"f\":\"v1.2.3-4-g1234567\","
	    "\"g\":\"+1 day\",\"phone\":\"n/a\",\"h\":\"2024-555-0134\"}", "");
}

/* Free error text under keys other than "error". */
static void
test_error_keys(void **state)
{
	(void)state;
	EXPECT("{\"eventMessage\":\"pull image failed: unauthorized\","
	    "\"properties\":{\"$exception_list\":[{\"type\":\"TypeError\","
	    "\"value\":\"x is not a function\"}],\"message\":\"could not "
	    "connect\",\"reason\":\"quota exceeded here\","
	    "\"details\":\"see the log\",\"statusMessage\":\"Bad gateway from"
	    " upstream\"}}",
	    "eventMessage=error_text, properties.$exception_list[0].value="
	    "error_text, properties.message=error_text, properties.reason="
	    "error_text, properties.details=error_text, properties."
	    "statusMessage=error_text");
	EXPECT("{\"eventMessage\":\"OK\",\"$exception_list\":[{\"type\":"
	    "\"TypeError\",\"value\":\"ENOENT\"}],\"message\":\"ERR_TIMEOUT\","
	    "\"reason\":\"Evicted\",\"value\":\"two words\"}", "");
}

/* Ids of organisations, teams and accounts: key and value together. */
static void
test_account_ids(void **state)
{
	(void)state;
	EXPECT("{\"org_id\":\"org_2f9K3mQ\",\"tenantId\":\"72f988bf-86f1\","
	    "\"workspace_slug\":\"data-platform\",\"gcp_project_number\":"
	    "118833224411,\"$groups\":{\"company\":\"id:5521\"},"
	    "\"groupId\":\"grp_81\",\"context\":{\"traits\":{\"company\":"
	    "{\"id\":\"c-77\",\"name\":\"Example Corp\"}}},\"accountUUID\":"
	    "\"4f1c2d3e-5a6b-7c8d-9e0f-1a2b3c4d5e6f\"}",
	    "org_id=account_id, tenantId=account_id, workspace_slug="
	    "account_id, gcp_project_number=account_id, $groups.company="
	    "account_id, groupId=account_id, context.traits.company.id="
	    "account_id, accountUUID=account_id");
	EXPECT("{\"workspace_id\":\"default\",\"executionID\":\"2f75d020\","
	    "\"session_id\":\"019b\",\"team_size\":5,\"org_name\":\"Example "
	    "Inc\",\"accountType\":\"pro\",\"tenant\":\"my tenant\","
	    "\"org_id\":true,\"org_id\":\"\",\"teamCount\":3}", "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_text),
		cmocka_unit_test(test_json_output),
		cmocka_unit_test(test_not_json),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_home_path),
		cmocka_unit_test(test_home_path_negative),
		cmocka_unit_test(test_hostname_keys),
		cmocka_unit_test(test_hostname_text),
		cmocka_unit_test(test_jwt),
		cmocka_unit_test(test_token_keys),
		cmocka_unit_test(test_token_text),
		cmocka_unit_test(test_geoip),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_timezone),
		cmocka_unit_test(test_error_text),
		cmocka_unit_test(test_user_name),
		cmocka_unit_test(test_personal_keys),
		cmocka_unit_test(test_dedup_order),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_embedded_limits),
		cmocka_unit_test(test_long_path),
		cmocka_unit_test(test_devpod_insert),
		cmocka_unit_test(test_devpod_legacy),
		cmocka_unit_test(test_werf_span),
		cmocka_unit_test(test_devtron),
		cmocka_unit_test(test_devtron_docs_sample),
		cmocka_unit_test(test_posthog_js),
		cmocka_unit_test(test_posthog_identify),
		cmocka_unit_test(test_devsy),
		cmocka_unit_test(test_error_with_home),
		cmocka_unit_test(test_site_fields),
		cmocka_unit_test(test_well_known_addresses),
		cmocka_unit_test(test_version_keys),
		cmocka_unit_test(test_ci_homes),
		cmocka_unit_test(test_host_keys_public),
		cmocka_unit_test(test_private_hosts_text),
		cmocka_unit_test(test_home_forms),
		cmocka_unit_test(test_secret_forms),
		cmocka_unit_test(test_email_encoded_and_phone),
		cmocka_unit_test(test_error_keys),
		cmocka_unit_test(test_account_ids),
	};

	return cmocka_run_group_tests_name("privacy", tests, NULL, NULL);
}
