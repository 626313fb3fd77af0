/*
 * Privacy findings: one walk over an event's cJSON tree that checks each key
 * by its name and each string (keys included) by its text.  There are no
 * regular expressions and no allocation per value: the path lives in one
 * buffer (on the stack unless it grows long) and is copied only when a
 * finding is recorded.  A string is parsed as JSON only when it starts with
 * '{' or '[' and holds nothing else; its members are then checked as fields
 * of their own ("properties>error") and its raw text is not.  Such strings
 * are followed EMBED_MAX levels deep, and the walk stops TT_JSON_DEPTH
 * containers down (cJSON bounds the nesting it parses itself).
 *
 * The rules, chosen so that a red finding means "this identifies a person
 * or their machine" and nothing less; they are scored against a labelled
 * corpus of events from every tool (tests/unit/privacy_corpus*.jsonl).
 *
 * By text, in any string or key (red):
 * - ip: dotted-quad IPv4 with octets 0-255 and no leading zeros, not part
 *   of a longer dotted number, not after a letter ("v1.2.3.4") or after a
 *   product token ("Chrome/120.0.0.0"), and not under a key that names a
 *   version, build, release, revision or firmware.  IPv6 in full or "::"
 *   form, where a compressed form needs a group of 3-4 digits (so times
 *   such as "07:33:02" and names such as "a::b" do not count).  Addresses
 *   every machine uses are not personal: loopback, unspecified, 255.x
 *   (broadcast, net masks), the clouds' metadata and DNS addresses
 *   (169.254.169.254, fd00:ec2::254, ...), public resolvers (8.8.8.8,
 *   1.1.1.1, 2001:4860:4860::8888, ...), with or without a port.
 * - email: local@domain with a dotted domain whose last label is 2+
 *   letters ("pkg@1.2.3" and "image@sha256:..." are not), except git@ (ssh
 *   remotes); also URL-encoded (alice%40example.com).
 * - phone: "+CC ..." with 10-15 digits in groups, "(415) 555-0134",
 *   "415-555-0134".
 * - mac: six hex pairs with ':' or '-' (all-zero and broadcast excluded).
 * - home_path: /home/<name> (also /var/home, \wsl$\...\home), /Users/<name>
 *   (starting a path, or after WSL's /mnt/<drive>), C:\Users\<name> and
 *   C:/Users/<name> in any case, shares of home directories
 *   (\\server\home\<name>, \\server\users$\<name>, ...), ~<name>/, and
 *   file:// URLs of these.  Not flagged: paths without a user, placeholders
 *   (/home/$USER, /home/<user>), service and CI accounts (runner,
 *   runneradmin, vscode, ...; see home_skip), and paths inside a URL
 *   other than file://.
 * - hostname: names on private networks (.local, .lan, .internal,
 *   home.arpa, Tailscale's ts.net, ..., except cluster.local and the
 *   like), Kubernetes node names of GKE, AKS and EKS, Windows' default
 *   DESKTOP-XXXXXXX; the host of a URL and a name after a cue in error text
 *   ("resolve host: X", "lookup X", "connect to host X", "on node X") when
 *   it is a single label or a company's own (a label such as corp or intra,
 *   or a self-hosted tool first: gitlab.initech.io).  Public services
 *   (github.com, googleapis.com, posthog.com, ...; see public_domain) are
 *   endpoints, not the user's.  See host_private().
 * - jwt: three base64url parts whose first decodes to a JSON object with
 *   "alg" and whose claims name someone (sub, email, a user's id or name).
 *   A JWT over claims that name nobody (DevPod's integrity token, signed
 *   with a key the CLI ships) is neither a jwt nor a token finding.
 * - token: well-known secret formats (ghp_, github_pat_, glpat-, xox?-,
 *   AKIA..., sk_live_, sk-, npm_, pypi-, "Bearer <16+ chars>", "Basic
 *   <12+>"), "token=", "password=", "secret=", "apikey=" followed by a
 *   value, and in URL queries code=, sig=, key=, auth= (8+ characters);
 *   chat webhook URLs (Slack, Discord, Teams, Google Chat); user:password@
 *   in a URL (a user without a password is a user_name).
 *
 * By key (names compared lowercased, without '$', '_', '-', '.' and ' ',
 * so "machine_id", "machineId" and "host.name" match):
 * - hostname (red): hostname, host, server_name, computer_name, node_name,
 *   fqdn, server.address, net.peer.name, names ending in hostname or
 *   nodename ("host.name", "k8s.node.name"), when the value looks like a
 *   host name (an optional :port) that is not a public service's, not
 *   localhost and not a default such as docker-desktop.  A web SDK's
 *   $host and $referring_domain name the site the page belongs to and are
 *   flagged only when that site is private (as for URLs above).
 * - token (red): token, authorization, cookie, and names ending in token,
 *   secret, password, passwd, passphrase, apikey, privatekey, secretkey,
 *   accesskey, credentials, authorization, with a non-empty string value.
 *   Not flagged: masked or placeholder values ("***", "[REDACTED]",
 *   "${TOKEN}"), booleans as text, and PostHog project keys (phc_...):
 *   those are public, shipped in every client, and name a project.
 * - geoip (red): any key containing "geoip" ($geoip_city_name,
 *   $initial_geoip_...) except $geoip_disable (a setting; a geoip time zone
 *   is a timezone too); latitude, longitude, lat, lng, lon, postal_code,
 *   postcode, zip_code, city.
 * - phone (red): phone, phone_number, mobile, tel ... with 7+ digits.
 * - user_name (red): username, user, login, owner, actor, triggered_by,
 *   full/first/last/display name, author, names ending in login or
 *   username ...; "name" only inside $set/$set_once or traits (not a
 *   group's traits or a company object).  System accounts as for home paths
 *   are not flagged.
 * - email, mac (red): email/mail keys holding an '@'; mac/hwaddr keys.
 * - machine_id (yellow): machine_id, uid (DevPod's HMAC), device_id,
 *   $device_id, host_id, hardware_id, advertising ids; and any id key below
 *   whose value is 64 hex digits, since these tools derive such ids from
 *   the machine (DevPod/Devsy HMAC-SHA256 of the machine id, werf's userID
 *   = SHA-256 of a MAC).
 * - install_id (yellow): ucid (Devtron's random 16 chars), distinct_id,
 *   user_id/userID, anonymous_id, previous_id, client_id, install_id,
 *   installation_id, person_id, visitor_id.
 * - project_id (yellow): projectID (werf: SHA-256 of the git origin).
 * - account_id (yellow): a key that ends like an id (id, uuid, guid,
 *   number, slug) and names what a person belongs to (org, tenant, account,
 *   workspace, team, customer, company, project, group, ...: "tenantId",
 *   "gcp_project_number"), or is one (workspace, tenant, organization,
 *   $group_key, the values of $groups, a company object's id), when its
 *   value is an id: a word without spaces that is not "default" and the
 *   like, or a positive number.
 * - timezone (yellow): timezone, $timezone, tz, $timezone_offset, ...
 * - error_text (yellow): error, errors, errorMessage, error_code, err,
 *   exception (any key containing "error" or "exception", so
 *   $exception_list), stderr, stacktrace, message, msg, reason, details,
 *   eventMessage, statusMessage, failure..., and description, stack and
 *   value inside an error object, when the value is free text: it contains
 *   a space.  A classified code ("ERR_NOT_FOUND", "timeout") is not.
 * Other keys are plain: executionID and uuid (per run or per event),
 * $session_id, traceId/spanId and hashes in other fields are not ids of a
 * person or machine.  Numbers and booleans are only flagged by their key.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "decode.h"
#include "json.h"
#include "path.h"
#include "privacy.h"
#include "xmalloc.h"

#define EMBED_MAX	4	/* levels of JSON inside strings followed */
#define KEY_MAX		48	/* longest normalized key given a role */
#define JWT_HEAD_MAX	1024	/* longest JWT header part decoded */
#define JWT_CLAIMS_MAX	4096	/* longest claims part read (longer: personal) */
#define TOKEN_MIN	20	/* shortest text a token_prefix matches */

#define BIT(k)		(1u << (k))
#define SEEN_JWT	(1u << 31)	/* a JWT naming nobody: no token either */

static const struct {
	const char	*name;
	int		 red;
	const char	*text;
} kinds[] = {
#define TT_PRIVACY_KIND_INFO(id, name, red, text) { name, red, text },
	TT_PRIVACY_KINDS(TT_PRIVACY_KIND_INFO)
#undef TT_PRIVACY_KIND_INFO
};

/* What a key's name says about its value. */
enum role {
	R_NONE,
	R_VERSION,	/* no IPv4 in it: "4.1.6.2" is a version */
	R_HOST,
	R_TOKEN,
	R_GEO,
	R_MACHINE,
	R_INSTALL,
	R_PROJECT,
	R_TZ,
	R_ERROR,
	R_ERRPART,	/* R_ERROR inside an error object, else nothing */
	R_USER,
	R_NAME,		/* R_USER inside $set, else nothing */
	R_MAC,
	R_EMAIL,
	R_SET,		/* PostHog $set / $set_once: person properties */
	R_SITE,		/* a web SDK's $host: the site, unless private */
	R_PHONE,
	R_ACCOUNT,	/* an organisation's, team's or account's id */
	R_ORG,		/* an organisation itself: an id if it has a digit */
	R_PEER,		/* a host a program talks to: private ones only */
	R_GROUPS,	/* PostHog $groups: type -> the group's key */
	R_GEOTZ		/* $geoip_time_zone: a geo-IP field and a time zone */
};

#define CTX_ERROR	0x1	/* inside an error object */
#define CTX_SET		0x2	/* inside $set or $set_once, or traits */
#define CTX_GROUPS	0x4	/* inside $groups: every value is a group key */
#define CTX_ORG		0x8	/* inside a company or team object */

/* Normalized key names; sorted for the binary search in key_read(). */
static const struct {
	const char	*name;
	enum role	 role;
} key_roles[] = {
	{ "account", R_ORG },
	{ "actor", R_USER },
	{ "adid", R_MACHINE },
	{ "advertisingid", R_MACHINE },
	{ "alias", R_INSTALL },
	{ "anondistinctid", R_INSTALL },
	{ "anonid", R_INSTALL },
	{ "anonymousid", R_INSTALL },
	{ "assignee", R_USER },
	{ "author", R_USER },
	{ "authorization", R_TOKEN },
	{ "city", R_GEO },
	{ "cityname", R_GEO },
	{ "clientid", R_INSTALL },
	{ "committer", R_USER },
	{ "company", R_ORG },
	{ "computername", R_HOST },
	{ "cookie", R_TOKEN },
	{ "createdby", R_USER },
	{ "customer", R_ORG },
	{ "description", R_ERRPART },
	{ "detail", R_ERROR },
	{ "details", R_ERROR },
	{ "deviceid", R_MACHINE },
	{ "devicename", R_HOST },
	{ "displayname", R_USER },
	{ "distinctid", R_INSTALL },
	{ "email", R_EMAIL },
	{ "emailaddress", R_EMAIL },
	{ "enduserid", R_INSTALL },
	{ "err", R_ERROR },
	{ "errmsg", R_ERROR },
	{ "eventmessage", R_ERROR },
	{ "exception", R_ERROR },
	{ "exceptionmessage", R_ERROR },
	{ "failure", R_ERROR },
	{ "failuremessage", R_ERROR },
	{ "failurereason", R_ERROR },
	{ "familyname", R_USER },
	{ "firstname", R_USER },
	{ "fqdn", R_HOST },
	{ "fullname", R_USER },
	{ "givenname", R_USER },
	{ "groupkey", R_ACCOUNT },
	{ "groups", R_GROUPS },
	{ "hardwareid", R_MACHINE },
	{ "host", R_PEER },
	{ "hostid", R_MACHINE },
	{ "hostname", R_HOST },
	{ "httphost", R_PEER },
	{ "hwaddr", R_MAC },
	{ "hwid", R_MACHINE },
	{ "idfa", R_MACHINE },
	{ "idfv", R_MACHINE },
	{ "initialreferringdomain", R_SITE },
	{ "installationid", R_INSTALL },
	{ "installid", R_INSTALL },
	{ "lastname", R_USER },
	{ "lat", R_GEO },
	{ "latitude", R_GEO },
	{ "lng", R_GEO },
	{ "login", R_USER },
	{ "lon", R_GEO },
	{ "longitude", R_GEO },
	{ "mac", R_MAC },
	{ "macaddr", R_MAC },
	{ "macaddress", R_MAC },
	{ "machineid", R_MACHINE },
	{ "machinename", R_HOST },
	{ "mail", R_EMAIL },
	{ "message", R_ERROR },
	{ "mobile", R_PHONE },
	{ "mobilephone", R_PHONE },
	{ "msg", R_ERROR },
	{ "name", R_NAME },
	{ "netpeername", R_PEER },
	{ "nodename", R_HOST },
	{ "org", R_ORG },
	{ "organisation", R_ORG },
	{ "organization", R_ORG },
	{ "owner", R_USER },
	{ "personid", R_INSTALL },
	{ "phone", R_PHONE },
	{ "phonenumber", R_PHONE },
	{ "postalcode", R_GEO },
	{ "postcode", R_GEO },
	{ "previousid", R_INSTALL },
	{ "processowner", R_USER },
	{ "projectid", R_PROJECT },
	{ "realname", R_USER },
	{ "reason", R_ERROR },
	{ "referringdomain", R_SITE },
	{ "reporter", R_USER },
	{ "requestedby", R_USER },
	{ "serial", R_MACHINE },
	{ "serialnumber", R_MACHINE },
	{ "serveraddress", R_PEER },
	{ "servername", R_PEER },
	{ "set", R_SET },
	{ "setonce", R_SET },
	{ "stack", R_ERRPART },
	{ "stacktrace", R_ERROR },
	{ "statusmessage", R_ERROR },
	{ "stderr", R_ERROR },
	{ "stripecustomer", R_ORG },
	{ "tel", R_PHONE },
	{ "telephone", R_PHONE },
	{ "tenant", R_ORG },
	{ "timezone", R_TZ },
	{ "timezoneoffset", R_TZ },
	{ "traits", R_SET },
	{ "triggeredby", R_USER },
	{ "tz", R_TZ },
	{ "ucid", R_INSTALL },
	{ "uid", R_MACHINE },
	{ "user", R_USER },
	{ "userid", R_INSTALL },
	{ "username", R_USER },
	{ "utcoffset", R_TZ },
	{ "value", R_ERRPART },
	{ "visitorid", R_INSTALL },
	{ "workspace", R_ORG },
	{ "zipcode", R_GEO },
};

/* A word with its length, for tables of words matched often. */
#define WORD(s) { s, sizeof s - 1 }
struct word {
	const char	*s;
	size_t		 len;
};

/* Endings of normalized key names that hold secrets. */
static const struct word secret_suffix[] = {
	WORD("token"), WORD("secret"), WORD("password"), WORD("passwd"),
	WORD("passphrase"), WORD("apikey"), WORD("privatekey"),
	WORD("secretkey"), WORD("accesskey"), WORD("credentials"),
	WORD("authorization")
};

/* Accounts that name no person: in home paths and user-name fields. */
static const char *const home_skip[] = {
	"Shared", "Public", "Default", "Default User", "All", "All Users",
	"root", "runner", "linuxbrew", "vscode", "node", "codespace",
	"ubuntu", "ec2-user", "jenkins", "gitlab-runner", "git", "user",
	"username", "nobody", "admin", "administrator", "runneradmin",
	"vsts", "circleci", "travis", "appveyor", "buildkite-agent",
	"gitpod", "vagrant", "docker", "cloudshell-user", NULL
};

/* Private-network domain endings, and names under them that are public. */
static const char *const lan_suffix[] = {
	"local", "localdomain", "lan", "internal", "intranet", "home.arpa",
	NULL
};
static const char *const lan_public[] = {
	"cluster.local", "docker.internal", "metadata.google.internal",
	"localhost.localdomain", "localhost.local", NULL
};

/* Secret formats recognised by their start. */
static const struct {
	const char	*prefix;
	size_t		 min;		/* characters after the prefix */
	int		 exact;		/* exactly min, [A-Z0-9] only */
} token_prefix[] = {
	{ "ghp_", 30, 0 },
	{ "gho_", 30, 0 },
	{ "ghu_", 30, 0 },
	{ "ghs_", 30, 0 },
	{ "ghr_", 30, 0 },
	{ "github_pat_", 40, 0 },
	{ "glpat-", 20, 0 },
	{ "xoxb-", 20, 0 },
	{ "xoxp-", 20, 0 },
	{ "xoxa-", 20, 0 },
	{ "xoxs-", 20, 0 },
	{ "AKIA", 16, 1 },
	{ "ASIA", 16, 1 },
	{ "sk_live_", 20, 0 },
	{ "rk_live_", 20, 0 },
	{ "sk-", 32, 0 },
	{ "npm_", 36, 0 },
	{ "pypi-", 50, 0 },
	{ "Bearer ", 16, 0 },
	{ "Basic ", 12, 0 },
};

/* Words before '=' in text that introduce a secret. */
static const char *const secret_word[] = {
	"token", "password", "passwd", "secret", "apikey", "api_key",
	"api-key", NULL
};
/* The same as URL query parameters only (after '?' or '&'). */
static const char *const query_word[] = {
	"code", "sig", "signature", "auth", "key", "pwd", "pass",
	"credential", NULL
};

/* One scan: the findings being filled and the current path. */
struct scan {
	struct tt_findings	*f;
	struct tt_path		 path;
	int			 depth;		/* containers entered */
	int			 embed;		/* JSON-in-string depth */
};

/* A member's key, read in one pass. */
struct key {
	size_t		 len;
	int		 plain;		/* written as is in a path */
	int		 special;	/* holds one of TEXT_SPECIAL */
	enum role	 role;
};

/* Characters that text patterns hinge on (see scan_text()). */
#define TEXT_SPECIAL	"@/\\.=:-+%~("

static void	scan_container(struct scan *, const cJSON *, enum role, int,
		    int);

/*
 * Character classes, one table lookup each (callers pass bytes, 0-255).
 * Bytes of UTF-8 sequences count as word characters, so that a pattern
 * does not start in the middle of a non-ASCII word.
 */
#define CC_DIGIT	0x01
#define CC_ALPHA	0x02
#define CC_HEX		0x04
#define CC_WORD		0x08	/* letters, digits, '_', bytes >= 0x80 */
#define CC_B64		0x10	/* base64url: letters, digits, '-', '_' */
#define CC_KSKIP	0x20	/* left out of normalized keys: $ _ - . ' ' */
#define CC_SPECIAL	0x40	/* one of TEXT_SPECIAL */
#define CC_NOTPLAIN	0x80	/* a key holding it is bracketed in paths */

#define D_	(CC_DIGIT | CC_HEX | CC_WORD | CC_B64)	/* 0-9 */
#define X_	(CC_ALPHA | CC_HEX | CC_WORD | CC_B64)	/* a-f A-F */
#define A_	(CC_ALPHA | CC_WORD | CC_B64)		/* other letters */
#define W_	(CC_WORD | CC_B64 | CC_KSKIP)		/* _ */
#define M_	(CC_B64 | CC_KSKIP | CC_SPECIAL)	/* - */
#define T_	(CC_KSKIP | CC_SPECIAL | CC_NOTPLAIN)	/* . */
#define B_	(CC_SPECIAL | CC_NOTPLAIN)		/* \ */
#define S_	CC_KSKIP				/* $ */
#define Q_	(CC_KSKIP | CC_NOTPLAIN)		/* ' ' */
#define P_	CC_SPECIAL				/* @ / = : % ( + ~ */
#define N_	CC_NOTPLAIN				/* [ ] > " controls */
#define H_	CC_WORD					/* 0x80-0xff */
static const unsigned char cclass[256] = {
	N_, N_, N_, N_, N_, N_, N_, N_,	/* 00 */
	N_, N_, N_, N_, N_, N_, N_, N_,	/* 08 */
	N_, N_, N_, N_, N_, N_, N_, N_,	/* 10 */
	N_, N_, N_, N_, N_, N_, N_, N_,	/* 18 */
	Q_, 0, N_, 0, S_, P_, 0, 0,	/* 20 */
	P_, 0, 0, P_, 0, M_, T_, P_,	/* 28 */
	D_, D_, D_, D_, D_, D_, D_, D_,	/* 30 */
	D_, D_, P_, 0, 0, P_, N_, 0,	/* 38 */
	P_, X_, X_, X_, X_, X_, X_, A_,	/* 40 */
	A_, A_, A_, A_, A_, A_, A_, A_,	/* 48 */
	A_, A_, A_, A_, A_, A_, A_, A_,	/* 50 */
	A_, A_, A_, N_, B_, N_, 0, W_,	/* 58 */
	0, X_, X_, X_, X_, X_, X_, A_,	/* 60 */
	A_, A_, A_, A_, A_, A_, A_, A_,	/* 68 */
	A_, A_, A_, A_, A_, A_, A_, A_,	/* 70 */
	A_, A_, A_, 0, 0, 0, P_, 0,	/* 78 */
	H_, H_, H_, H_, H_, H_, H_, H_,	/* 80 */
	H_, H_, H_, H_, H_, H_, H_, H_,	/* 88 */
	H_, H_, H_, H_, H_, H_, H_, H_,	/* 90 */
	H_, H_, H_, H_, H_, H_, H_, H_,	/* 98 */
	H_, H_, H_, H_, H_, H_, H_, H_,	/* a0 */
	H_, H_, H_, H_, H_, H_, H_, H_,	/* a8 */
	H_, H_, H_, H_, H_, H_, H_, H_,	/* b0 */
	H_, H_, H_, H_, H_, H_, H_, H_,	/* b8 */
	H_, H_, H_, H_, H_, H_, H_, H_,	/* c0 */
	H_, H_, H_, H_, H_, H_, H_, H_,	/* c8 */
	H_, H_, H_, H_, H_, H_, H_, H_,	/* d0 */
	H_, H_, H_, H_, H_, H_, H_, H_,	/* d8 */
	H_, H_, H_, H_, H_, H_, H_, H_,	/* e0 */
	H_, H_, H_, H_, H_, H_, H_, H_,	/* e8 */
	H_, H_, H_, H_, H_, H_, H_, H_,	/* f0 */
	H_, H_, H_, H_, H_, H_, H_, H_,	/* f8 */
};
#undef D_
#undef X_
#undef A_
#undef W_
#undef M_
#undef T_
#undef B_
#undef S_
#undef Q_
#undef P_
#undef N_
#undef H_

/* An ASCII digit. */
static inline int
is_digit(int c)
{
	return cclass[c] & CC_DIGIT;
}

/* An ASCII letter. */
static inline int
is_alpha(int c)
{
	return cclass[c] & CC_ALPHA;
}

/* An ASCII letter or digit. */
static inline int
is_alnum(int c)
{
	return cclass[c] & (CC_DIGIT | CC_ALPHA);
}

/* A hex digit. */
static inline int
is_hex(int c)
{
	return cclass[c] & CC_HEX;
}

/* A character that continues a word. */
static inline int
is_word(int c)
{
	return cclass[c] & CC_WORD;
}

/* A base64url character. */
static inline int
is_b64url(int c)
{
	return cclass[c] & CC_B64;
}

/* White space. */
static inline int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v';
}

/* ASCII lower case. */
static inline int
to_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Does s (n bytes) equal one of the words of list, ignoring case? */
static int
in_list(const char *s, size_t n, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strlen(*list) == n && strncasecmp(s, *list, n) == 0)
			return 1;
	return 0;
}

/* Record kind k for the current field, once per field (*mask). */
static void
add(struct scan *sc, uint32_t *mask, enum tt_privacy_kind k)
{
	struct tt_findings	*f = sc->f;
	struct tt_finding	*x;

	if (*mask & BIT(k))
		return;
	*mask |= BIT(k);
	if (f->n == f->cap) {
		f->cap = f->cap == 0 ? 8 : f->cap * 2;
		f->v = xrealloc(f->v, f->cap * sizeof *f->v);
	}
	x = &f->v[f->n++];
	x->field = xstrdup(sc->path.s);
	x->kind = kinds[k].name;
	x->red = kinds[k].red;
}

/* ---- patterns in text ---- */

/*
 * Addresses that name a service every machine uses, not a person's:
 * loopback, unspecified, broadcast and net masks (255.x), the clouds'
 * metadata and DNS addresses, and the big public DNS resolvers.
 */
static int
v4_well_known(const unsigned o[4])
{
	static const unsigned char known[][4] = {
		{ 169, 254, 169, 254 }, { 169, 254, 169, 253 },
		{ 169, 254, 170, 2 }, { 168, 63, 129, 16 },
		{ 100, 100, 100, 100 },
		{ 8, 8, 8, 8 }, { 8, 8, 4, 4 }, { 1, 1, 1, 1 }, { 1, 0, 0, 1 },
		{ 9, 9, 9, 9 }, { 149, 112, 112, 112 },
		{ 208, 67, 222, 222 }, { 208, 67, 220, 220 },
		{ 208, 67, 222, 220 }, { 208, 67, 220, 222 },
		{ 94, 140, 14, 14 }, { 94, 140, 15, 15 },
		{ 64, 6, 64, 6 }, { 64, 6, 65, 6 }, { 4, 2, 2, 1 },
		{ 4, 2, 2, 2 }, { 77, 88, 8, 8 }, { 180, 76, 76, 76 },
		{ 223, 5, 5, 5 }, { 114, 114, 114, 114 },
	};
	size_t	k;

	if (o[0] == 127 || o[0] == 255 ||
	    (o[0] == 0 && o[1] == 0 && o[2] == 0 && o[3] == 0))
		return 1;
	for (k = 0; k < sizeof known / sizeof known[0]; k++)
		if (o[0] == known[k][0] && o[1] == known[k][1] &&
		    o[2] == known[k][2] && o[3] == known[k][3])
			return 1;
	return 0;
}

/*
 * Four dotted decimal octets at s[i]; returns the index after them, or 0.
 * *special is set for addresses that identify nobody.
 */
static size_t
ipv4_at(const unsigned char *s, size_t len, size_t i, int *special)
{
	unsigned	o[4], v;
	size_t		j = i, nd;
	int		part;

	for (part = 0; part < 4; part++) {
		if (part > 0) {
			if (j >= len || s[j] != '.')
				return 0;
			j++;
		}
		v = 0;
		for (nd = 0; j < len && is_digit(s[j]) && nd < 4; nd++, j++)
			v = v * 10 + (unsigned)(s[j] - '0');
		if (nd == 0 || nd > 3 || v > 255 ||
		    (nd > 1 && s[j - nd] == '0'))
			return 0;
		o[part] = v;
	}
	if (j < len && (is_word(s[j]) ||
	    (s[j] == '.' && j + 1 < len && is_digit(s[j + 1]))))
		return 0;
	*special = v4_well_known(o);
	return j;
}

/* An IPv6 address at s[i]; returns the index after it, or 0. */
static size_t
ipv6_at(const unsigned char *s, size_t len, size_t i)
{
	size_t	end, j, g, colons = 0;
	int	groups = 0, gap = 0, big = 0, sp;

	/* A ':' comes within the first five characters. */
	for (j = i; j < len && j < i + 5 && is_hex(s[j]); j++)
		;
	if (j >= len || s[j] != ':')
		return 0;
	for (end = i; end < len && (is_hex(s[end]) || s[end] == ':' ||
	    s[end] == '.'); end++)
		if (s[end] == ':')
			colons++;
	if (colons < 2 || (end < len && is_word(s[end])))
		return 0;
	/* A sentence may end with '.' or ':' after an address. */
	while (end > i && s[end - 1] == '.')
		end--;
	if (end > i + 1 && s[end - 1] == ':' && s[end - 2] != ':')
		end--;
	j = i;
	if (s[j] == ':') {
		if (j + 1 >= end || s[j + 1] != ':')
			return 0;
		gap = 1;
		j += 2;
	}
	while (j < end) {
		for (g = j; j < end && is_hex(s[j]) && j - g < 5; j++)
			;
		if (j < end && s[j] == '.') {
			/* A dotted IPv4 tail, worth two groups. */
			if (ipv4_at(s, end, g, &sp) != end)
				return 0;
			groups += 2;
			j = end;
			break;
		}
		if (j == g || j - g > 4)
			return 0;
		if (j - g >= 3)
			big = 1;
		groups++;
		if (j == end)
			break;
		if (s[j] != ':' || ++j == end)
			return 0;
		if (s[j] == ':') {
			if (gap)
				return 0;
			gap = 1;
			j++;
		}
	}
	if (gap ? groups > 7 : groups != 8)
		return 0;
	/* "::", "::1", times and "a::b" fail here. */
	if (gap && !big)
		return 0;
	return end;
}

/*
 * Is the IPv6 address s[i..e) one of the well-known service addresses:
 * the clouds' metadata, public DNS resolvers, or "::1" with a port?
 */
static int
v6_well_known(const unsigned char *s, size_t i, size_t e)
{
	static const char *const known[] = {
		"fd00:ec2::254", "fd00:ec2::23", "2001:4860:4860::8888",
		"2001:4860:4860::8844", "2606:4700:4700::1111",
		"2606:4700:4700::1001", "2620:fe::fe", "2620:fe::9",
		"2620:119:35::35", "2620:119:53::53", "2a10:50c0::ad1:ff",
		NULL
	};
	const char *const	*k;
	size_t			 j;

	for (k = known; *k != NULL; k++)
		if (strlen(*k) == e - i &&
		    strncasecmp((const char *)s + i, *k, e - i) == 0)
			return 1;
	/* "::1:5432": the loopback address and a port */
	if (e - i > 4 && memcmp(s + i, "::1:", 4) == 0) {
		for (j = i + 4; j < e && is_digit(s[j]); j++)
			;
		return j == e;
	}
	return 0;
}

/* A MAC address (six hex pairs) at s[i]; the index after it, or 0. */
static size_t
mac_at(const unsigned char *s, size_t len, size_t i, int *special)
{
	size_t	j = i;
	int	k, sep = 0, zero = 1, ones = 1;

	for (k = 0; k < 6; k++) {
		if (k > 0) {
			if (j >= len)
				return 0;
			if (k == 1 && s[j] != ':' && s[j] != '-')
				return 0;
			if (k == 1)
				sep = s[j];
			else if (s[j] != sep)
				return 0;
			j++;
		}
		if (j + 2 > len || !is_hex(s[j]) || !is_hex(s[j + 1]))
			return 0;
		if (s[j] != '0' || s[j + 1] != '0')
			zero = 0;
		if (to_lower(s[j]) != 'f' || to_lower(s[j + 1]) != 'f')
			ones = 0;
		j += 2;
	}
	if (j < len && (is_word(s[j]) || s[j] == ':' || s[j] == '-'))
		return 0;
	*special = zero || ones;
	return j;
}

/* A character allowed in the local part of an e-mail address. */
static inline int
is_local(int c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
	    c == '-';
}

/*
 * An e-mail address around the '@' at s[i], w bytes wide (3 for "%40", the
 * URL-encoded form); the index after it, or 0.
 */
static size_t
email_at(const unsigned char *s, size_t len, size_t i, size_t w)
{
	size_t	a, e, j, last = 0;
	int	dots = 0;

	for (a = i; a > 0 && is_local(s[a - 1]); a--)
		;
	if (a == i || s[a] == '.' || s[i - 1] == '.')
		return 0;
	if (i - a == 3 && memcmp(s + a, "git", 3) == 0)
		return 0;
	for (e = i + w; e < len && (is_alnum(s[e]) || s[e] == '-' ||
	    s[e] == '.'); e++)
		;
	while (e > i + w && s[e - 1] == '.')
		e--;
	if (e == i + w || !is_alnum(s[i + w]))
		return 0;
	for (j = i + w; j < e; j++)
		if (s[j] == '.') {
			if (s[j - 1] == '.')
				return 0;
			dots++;
			last = j + 1;
		}
	if (dots == 0 || e - last < 2)
		return 0;
	for (j = last; j < e; j++)
		if (!is_alpha(s[j]))
			return 0;
	return e;
}

/* Does c end a user name in a path? */
static inline int
name_stop(int c)
{
	return c == '/' || c == '\\' || is_space(c) || c == '"' ||
	    c == '\'' || c == '`' || c == ':' || c == ';' || c == ',' ||
	    c == ')' || c == ']' || c == '}' || c == '>' || c == '|';
}

/* Is the text before s[i] in the same word part of a URL (not file://)? */
static int
in_url(const unsigned char *s, size_t i)
{
	size_t	a, j;

	for (a = i; a > 0 && !is_space(s[a - 1]) && s[a - 1] != '"' &&
	    s[a - 1] != '\'' && s[a - 1] != '(' && s[a - 1] != '<' &&
	    s[a - 1] != '='; a--)
		;
	for (j = a; j + 3 <= i; j++)
		if (s[j] == ':' && s[j + 1] == '/' && s[j + 2] == '/')
			return !(j >= a + 4 && strncasecmp((const char *)s +
			    j - 4, "file", 4) == 0);
	return 0;
}

/*
 * A home directory with a user name at the separator s[i]: /home/x,
 * /Users/x, C:\Users\x, C:/Users/x.  Returns the index after it, or 0.
 */
static size_t
home_at(const unsigned char *s, size_t len, size_t i)
{
	size_t	n, e;
	int	c = s[i], drive;

	if (i + 6 <= len && strncmp((const char *)s + i + 1, "home", 4) == 0 &&
	    s[i + 5] == c)
		n = i + 6;
	else if (i + 7 <= len && s[i + 6] == c &&
	    strncasecmp((const char *)s + i + 1, "users", 5) == 0) {
		/* C:\Users\x, C:/Users/x; else a path must start here. */
		drive = (i >= 2 && s[i - 1] == ':' && is_alpha(s[i - 2])) ||
		    (i >= 6 && is_alpha(s[i - 1]) &&
		    memcmp(s + i - 6, "/mnt/", 5) == 0);	/* WSL */
		/* file:///Users/x */
		if (!drive && i >= 7 && strncasecmp((const char *)s + i - 7,
		    "file://", 7) == 0)
			drive = 1;
		if (!drive && i > 0 && (is_word(s[i - 1]) ||
		    s[i - 1] == '.' || s[i - 1] == '-' || s[i - 1] == '/' ||
		    s[i - 1] == '\\' || s[i - 1] == '~'))
			return 0;
		if (!drive && c == '/' && memcmp(s + i + 1, "Users", 5) != 0)
			return 0;
		n = i + 7;
	} else
		return 0;
	for (e = n; e < len && !name_stop(s[e]); e++)
		;
	if (e == n || s[n] == '$' || s[n] == '<' || s[n] == '{' ||
	    s[n] == '%' || s[n] == '*' || s[n] == '~' || s[n] == '.')
		return 0;
	if (in_list((const char *)s + n, e - n, home_skip))
		return 0;
	if (in_url(s, i))
		return 0;
	return e;
}

/* Does a host name end at s[e]? */
static inline int
host_end(const unsigned char *s, size_t len, size_t e)
{
	if (e >= len)
		return 1;
	if (is_word(s[e]) || s[e] == '-')
		return 0;
	return !(s[e] == '.' && e + 1 < len && is_alnum(s[e + 1]));
}

/*
 * A host name on a private network at the '.' s[i] ("alice-pc.local");
 * returns the index after it, or 0.
 */
static size_t
lanhost_at(const unsigned char *s, size_t len, size_t i)
{
	const char *const	*p;
	size_t			 a, e = 0, n;
	int			 c;

	c = i + 1 < len ? to_lower(s[i + 1]) : 0;
	if (c != 'l' && c != 'i' && c != 'h')
		return 0;
	for (p = lan_suffix; *p != NULL; p++) {
		n = strlen(*p);
		if (i + 1 + n <= len &&
		    strncasecmp((const char *)s + i + 1, *p, n) == 0 &&
		    host_end(s, len, i + 1 + n)) {
			e = i + 1 + n;
			break;
		}
	}
	if (e == 0 || i == 0 || !is_alnum(s[i - 1]))
		return 0;
	for (a = i; a > 0 && (is_alnum(s[a - 1]) || s[a - 1] == '-' ||
	    s[a - 1] == '.'); a--)
		;
	if (!is_alnum(s[a]) || (a > 0 && is_word(s[a - 1])))
		return 0;
	for (p = lan_public; *p != NULL; p++) {
		n = strlen(*p);
		if (e - a >= n &&
		    strncasecmp((const char *)s + e - n, *p, n) == 0 &&
		    (e - a == n || s[e - n - 1] == '.'))
			return 0;
	}
	return e;
}

/* Windows' default host names, DESKTOP-XXXXXXX and LAPTOP-XXXXXXX. */
static size_t
winhost_at(const unsigned char *s, size_t len, size_t i)
{
	size_t	n, j;

	if (i + 8 <= len && memcmp(s + i, "DESKTOP-", 8) == 0)
		n = i + 8;
	else if (i + 7 <= len && memcmp(s + i, "LAPTOP-", 7) == 0)
		n = i + 7;
	else
		return 0;
	for (j = n; j < len && (is_digit(s[j]) || (s[j] >= 'A' &&
	    s[j] <= 'Z')); j++)
		;
	if (j - n != 7 || (j < len && (is_word(s[j]) || s[j] == '-')))
		return 0;
	return j;
}

/* The value of a base64url character. */
static inline int
b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (is_digit(c))
		return c - '0' + 52;
	return c == '-' || c == '+' ? 62 : 63;
}

/* Decode base64url s[a..e) into out (room for cap bytes); the length, or -1. */
static long
b64_decode(const unsigned char *s, size_t a, size_t e, char *out, size_t cap)
{
	unsigned	acc = 0;
	size_t		n = 0;
	int		bits = 0;

	if ((e - a) * 3 / 4 > cap)
		return -1;
	for (; a < e; a++) {
		acc = (acc << 6) | (unsigned)b64_value(s[a]);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	return (long)n;
}

/*
 * Do a JWT's claims (the JSON of its second part, n bytes) say whose it
 * is: a subject, an e-mail, a user's id or name?  A token over a constant
 * claim set (DevPod's {"iss":"devpod-telemetry"}, signed with a key the CLI
 * ships) is the same for everyone and names nobody.  Claims that cannot be
 * read count as personal.
 */
static int
jwt_personal(const char *claims, size_t n)
{
	static const char *const who[] = {
		"sub", "email", "upn", "oid", "uid", "name", "nickname",
		"given_name", "family_name", "preferred_username",
		"unique_name", "username", "user_id", "userId", "login",
		"phone_number", "act", NULL
	};
	const cJSON		*c;
	cJSON			*o;
	const char *const	*w;
	int			 personal = 0;

	o = cJSON_ParseWithLength(claims, n);
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return 1;
	}
	for (c = o->child; c != NULL && !personal; c = c->next)
		for (w = who; *w != NULL; w++)
			if (strcmp(c->string, *w) == 0 ||
			    strstr(c->string, "email") != NULL) {
				personal = 1;
				break;
			}
	cJSON_Delete(o);
	return personal;
}

/*
 * A JWT at s[i]: three base64url parts, the first a JSON object with "alg".
 * Returns the index after it, or 0; *personal says whether its claims
 * name someone (jwt_personal()).
 */
static size_t
jwt_at(const unsigned char *s, size_t len, size_t i, int *personal)
{
	char		 head[JWT_HEAD_MAX], claims[JWT_CLAIMS_MAX];
	cJSON		*o;
	size_t		 j, a, b;
	long		 n;
	int		 ok;

	if (i + 3 > len || s[i + 1] != 'y' || s[i + 2] != 'J')
		return 0;
	for (j = i; j < len && is_b64url(s[j]); j++)
		;
	if (j - i < 8 || j >= len || s[j] != '.' ||
	    (n = b64_decode(s, i, j, head, sizeof head)) < 0)
		return 0;
	a = ++j;
	for (; j < len && is_b64url(s[j]); j++)
		;
	if (j == a || j >= len || s[j] != '.')
		return 0;
	b = j;
	for (j++; j < len && is_b64url(s[j]); j++)
		;
	o = cJSON_ParseWithLength(head, (size_t)n);
	ok = cJSON_IsObject(o) &&
	    cJSON_GetObjectItemCaseSensitive(o, "alg") != NULL;
	cJSON_Delete(o);
	if (!ok)
		return 0;
	n = b64_decode(s, a, b, claims, sizeof claims);
	*personal = n < 0 || jwt_personal(claims, (size_t)n);
	return j;
}

/* ---- whose host a name is ---- */

/*
 * Domains of public services: a host under one (api.github.com,
 * us.i.posthog.com) is an endpoint every user of a tool talks to.
 */
static const char *const public_domain[] = {
	"github.com", "githubusercontent.com", "github.io", "gitlab.com",
	"bitbucket.org", "atlassian.com", "atlassian.net", "amazonaws.com",
	"aws.amazon.com", "cloudfront.net", "googleapis.com", "google.com",
	"gstatic.com", "gcr.io", "pkg.dev", "docker.io", "docker.com",
	"quay.io", "ghcr.io", "npmjs.org", "npmjs.com", "yarnpkg.com",
	"pypi.org", "pythonhosted.org", "golang.org", "go.dev",
	"crates.io", "rubygems.org", "maven.org", "posthog.com",
	"segment.io", "segment.com", "rudderstack.com", "rudderlabs.com",
	"sentry.io", "slack.com", "discord.com", "discordapp.com",
	"microsoft.com", "office.com", "microsoftonline.com", "azure.com",
	"windows.net", "azurecr.io", "azureedge.net", "cloudflare.com",
	"cloudflare.net", "werf.io", "devtron.ai", "loft.sh", "devpod.sh",
	"k8s.io", "kubernetes.io", "helm.sh", "hashicorp.com",
	"terraform.io", "datadoghq.com", "datadoghq.eu", "honeycomb.io",
	"grafana.net", "grafana.com", "newrelic.com", "digitalocean.com",
	"heroku.com", "herokuapp.com", "vercel.com", "netlify.com",
	"stripe.com", "twilio.com", "openai.com", "anthropic.com",
	"jfrog.io", "facebook.com", "apple.com", "icloud.com",
	"hetzner.cloud", "hetzner.com", "oracle.com", "ibm.com",
	"alibabacloud.com", "linode.com", "fastly.net", "akamai.net",
	"mozilla.org", "debian.org", "ubuntu.com", "alpinelinux.org",
	"fedoraproject.org", "kernel.org", "snapcraft.io", "jsdelivr.net",
	"unpkg.com", "shopify.com", "paypal.com", "okta.com", "auth0.com",
	NULL
};

/* Labels that mark a company's own network inside a name. */
static const char *const internal_label[] = {
	"corp", "intra", "intranet", "internal", "int", "lan", "office",
	"vpn", "ops", "infra", "priv", "private", "mgmt", "onprem", "ad",
	NULL
};

/* Self-hosted tools: "gitlab.initech.io" is the company's own server. */
static const char *const tool_label[] = {
	"jira", "confluence", "wiki", "gitlab", "git", "gitea", "jenkins",
	"grafana", "argocd", "argo", "harbor", "nexus", "artifactory",
	"sonarqube", "sonar", "kibana", "prometheus", "vault", "devtron",
	"rancher", "bastion", "jump", "build", "ci", "nas", "router",
	"teamcity", "bamboo", "drone", "portainer", "keycloak", "sentry",
	"minio", "airflow", "metabase", "redash", NULL
};

/* Default names a machine has before anyone names it. */
static const char *const generic_host[] = {
	"localhost", "docker-desktop", "buildkitsandbox", "minikube",
	"kind-control-plane", "raspberrypi", "host.docker.internal",
	"localhost.localdomain", NULL
};

/* Is h (n bytes, lower or upper case) d or under d? */
static int
under(const unsigned char *h, size_t n, const char *d)
{
	size_t	dl = strlen(d);

	if (n < dl || strncasecmp((const char *)h + n - dl, d, dl) != 0)
		return 0;
	return n == dl || h[n - dl - 1] == '.';
}

/* Is h under one of the domains of list? */
static int
under_any(const unsigned char *h, size_t n, const char *const *list)
{
	for (; *list != NULL; list++)
		if (under(h, n, *list))
			return 1;
	return 0;
}

/* Is the label l (n bytes) a word of list, or "word-..." / "...-word"? */
static int
label_in(const unsigned char *l, size_t n, const char *const *list)
{
	size_t	wl;

	for (; *list != NULL; list++) {
		wl = strlen(*list);
		if (n < wl)
			continue;
		if (strncasecmp((const char *)l, *list, wl) == 0 &&
		    (n == wl || l[wl] == '-'))
			return 1;
		if (n > wl && l[n - wl - 1] == '-' &&
		    strncasecmp((const char *)l + n - wl, *list, wl) == 0)
			return 1;
	}
	return 0;
}

/* Has h a label of list before its last two (its registered domain)? */
static int
has_label(const unsigned char *h, size_t n, const char *const *list,
    int first_only)
{
	size_t	a = 0, e, labels = 1, k, done = 0;

	for (k = 0; k < n; k++)
		labels += h[k] == '.';
	if (labels < 3)
		return 0;
	while (a < n && done + 2 < labels) {
		for (e = a; e < n && h[e] != '.'; e++)
			;
		if (label_in(h + a, e - a, list))
			return 1;
		if (first_only)
			return 0;
		done++;
		a = e + 1;
	}
	return 0;
}

/*
 * Kubernetes node names of the big clouds: GKE gke-CLUSTER-POOL-HASH8-XXXX,
 * AKS aks-POOL-NNNNNNNN-vmssNNNNNN, EKS ip-A-B-C-D (then a domain or not).
 * s[i..e) is one token of letters, digits and '-'.
 */
static int
cloud_node(const unsigned char *s, size_t i, size_t e)
{
	size_t	j, k, parts = 0;

	if (e - i > 8 && strncasecmp((const char *)s + i, "gke-", 4) == 0) {
		/* ...-xxxxxxxx-xxxx: 8 hex, then 4 letters or digits */
		if (e - i < 18 || s[e - 5] != '-' || s[e - 14] != '-')
			return 0;
		for (j = e - 13; j < e - 5; j++)
			if (!is_hex(s[j]))
				return 0;
		for (j = e - 4; j < e; j++)
			if (!is_alnum(s[j]))
				return 0;
		return 1;
	}
	if (e - i > 8 && strncasecmp((const char *)s + i, "aks-", 4) == 0) {
		for (j = i + 4; j + 5 <= e; j++)
			if (memcmp(s + j, "-vmss", 5) == 0)
				return e - j == 11;
		return 0;
	}
	if (e - i >= 10 && memcmp(s + i, "ip-", 3) == 0) {
		for (j = i + 3; j < e; j = k + 1) {
			for (k = j; k < e && is_digit(s[k]); k++)
				;
			if (k == j || k - j > 3 || (k < e && s[k] != '-'))
				return 0;
			parts++;
		}
		return parts == 4;
	}
	return 0;
}

/*
 * Is the host name h (n bytes, no port) one of the user's machines or of
 * their company's network?  Always: names on private networks (.local,
 * .lan, .internal, home.arpa, Tailscale's ts.net, ...), cloud node names,
 * Windows' default names.  With keyed set (a key such as "hostname" or a
 * cue such as "connect to host" says it is a machine): any name but a
 * public service's and the defaults every machine has.  Without (a URL in
 * text, a web page's $host): a single-label name, or a name under a company
 * domain that says so (corp, intra, ...) or names a self-hosted tool first
 * (gitlab.initech.io).
 */
static int
host_private(const unsigned char *h, size_t n, int keyed)
{
	size_t	i;
	int	dot = 0;

	while (n > 0 && h[n - 1] == '.')
		n--;
	if (n == 0 || in_list((const char *)h, n, generic_host))
		return 0;
	for (i = 0; i < n; i++)
		if (h[i] == '.')
			dot = 1;
	if (under_any(h, n, lan_public))
		return 0;
	if (under_any(h, n, lan_suffix) || under(h, n, "ts.net"))
		return 1;
	for (i = 0; i < n && h[i] != '.'; i++)
		;
	if (cloud_node(h, 0, i) || winhost_at(h, i, 0) == i)
		return 1;
	if (under_any(h, n, public_domain) || under(h, n, "svc"))
		return 0;
	if (keyed || !dot)
		return 1;
	return has_label(h, n, internal_label, 0) ||
	    has_label(h, n, tool_label, 1);
}

/* A character of a host name. */
static inline int
is_hostc(int c)
{
	return is_alnum(c) || c == '-' || c == '.' || c == '_';
}

/* User names in URLs that name no person. */
static const char *const url_users[] = {
	"oauth2", "x-access-token", "x-oauth-basic", "anonymous", "ftp",
	"token", "ci", "gitlab-ci-token", "deploy", NULL
};

/*
 * A URL's authority at s[i] (just after "://"): user:password@ is a
 * secret, the host is checked by host_private().  Returns the index after
 * the host, or 0 if nothing was found.
 */
static size_t
url_at(struct scan *sc, uint32_t *mask, const unsigned char *s, size_t len,
    size_t i)
{
	size_t	a = i, j, colon = 0, e;

	for (j = i; j < len && !is_space(s[j]) && s[j] != '/' &&
	    s[j] != '"' && s[j] != '\'' && s[j] != '?' && s[j] != '#' &&
	    s[j] != '@' && s[j] != '>'; j++)
		if (s[j] == ':' && colon == 0)
			colon = j;
	if (j < len && s[j] == '@') {
		/* deploy:s3cr3t@ (not a placeholder such as :${PASS}@) */
		if (colon != 0 && j - colon > 1 && s[colon + 1] != '$' &&
		    s[colon + 1] != '*' && s[colon + 1] != '<')
			add(sc, mask, TT_PK_TOKEN);
		/* alice@ is a user's name; git@, oauth2@ are not */
		else if (colon == 0 && j > i && is_alpha(s[i]) &&
		    !in_list((const char *)s + i, j - i, home_skip) &&
		    !in_list((const char *)s + i, j - i, url_users))
			add(sc, mask, TT_PK_USER_NAME);
		a = j + 1;
	}
	for (e = a; e < len && is_hostc(s[e]); e++)
		;
	/* an address is left to the text checks */
	if (e == a || is_digit(s[a]))
		return 0;
	if (host_private(s + a, e - a, 0))
		add(sc, mask, TT_PK_HOSTNAME);
	return e;
}

/*
 * Error texts name machines after a cue: "resolve host: X", "lookup X",
 * "connect to host X port 22", "on node X", "ENOTFOUND X", "host:X" in
 * tags.  s[i] starts the cue word; returns the index after the host, or 0.
 */
static size_t
cue_host_at(struct scan *sc, uint32_t *mask, const unsigned char *s,
    size_t len, size_t i)
{
	static const struct word cue[] = {
		WORD("host"), WORD("lookup"), WORD("resolve"), WORD("node"),
		WORD("ENOTFOUND"), WORD("hostname")
	};
	size_t	n = 0, a, e, k, c;
	int	letter = 0, mark = 0, node;

	for (c = 0; c < sizeof cue / sizeof cue[0]; c++) {
		n = cue[c].len;
		if (i + n < len && strncasecmp((const char *)s + i, cue[c].s,
		    n) == 0 && !is_word(s[i + n]))
			break;
	}
	if (c == sizeof cue / sizeof cue[0])
		return 0;
	node = cue[c].s[0] == 'n';
	a = i + n;
	if (a < len && s[a] == ':')
		a++;
	while (a < len && (s[a] == ' ' || s[a] == '"' || s[a] == '\''))
		a++;
	for (e = a; e < len && is_hostc(s[e]); e++) {
		if (is_alpha(s[e]))
			letter = 1;
		else if (s[e] == '.' || s[e] == '-' || is_digit(s[e]))
			mark = 1;
	}
	while (e > a && (s[e - 1] == '.' || s[e - 1] == '-'))
		e--;
	/* a name, not a word ("host key", "node v20.1.0", an address) */
	if (e == a || !letter || !mark || !is_alpha(s[a]) ||
	    (e < len && (s[e] == '@' || s[e] == '/')))
		return 0;
	if (node) {
		for (k = a; k < e && s[k] != '-'; k++)
			;
		if (k == e || memchr(s + a, '.', e - a) != NULL)
			return 0;
	}
	if (!host_private(s + a, e - a, 0))
		return 0;
	add(sc, mask, TT_PK_HOSTNAME);
	return e;
}

/* ---- more kinds of text ---- */

/*
 * Chat webhooks, whose URL is their secret: Slack's hooks.slack.com/
 * services/T../B../..., Discord's /api/webhooks/ID/TOKEN, Teams'
 * webhook.office.com/webhookb2/....  s[i] is the '/' after the host;
 * returns the end of the URL, or 0.
 */
static size_t
webhook_at(const unsigned char *s, size_t len, size_t i)
{
	static const struct {
		const char	*host;
		const char	*path;
	} hook[] = {
		{ "hooks.slack.com", "/services/" },
		{ "discord.com", "/api/webhooks/" },
		{ "discordapp.com", "/api/webhooks/" },
		{ "webhook.office.com", "/webhookb2/" },
		{ "outlook.office.com", "/webhook/" },
		{ "chat.googleapis.com", "/v1/spaces/" },
	};
	size_t	k, hl, pl, e;

	for (k = 0; k < sizeof hook / sizeof hook[0]; k++) {
		hl = strlen(hook[k].host);
		pl = strlen(hook[k].path);
		if (i < hl || i + pl > len ||
		    strncasecmp((const char *)s + i - hl, hook[k].host,
		    hl) != 0 || memcmp(s + i, hook[k].path, pl) != 0)
			continue;
		for (e = i + pl; e < len && !is_space(s[e]) && s[e] != '"' &&
		    s[e] != '\'' && s[e] != ')'; e++)
			;
		/* the secret part: at least 16 more characters */
		if (e - i - pl >= 16)
			return e;
	}
	return 0;
}

/*
 * A Windows share holding home directories: \\server\home\x,
 * \\server\users\x (and home$, profiles ...).  s[i] is the first '\';
 * returns the index after the user name, or 0.
 */
static size_t
unc_home_at(const unsigned char *s, size_t len, size_t i)
{
	static const char *const share[] = {
		"home", "home$", "homes", "users", "users$", "profiles",
		"profiles$", "userhome", "userhomes", "userdata", NULL
	};
	size_t	a, e, n;

	if (i + 2 >= len || s[i + 1] != '\\' || (i > 0 && s[i - 1] == '\\'))
		return 0;
	for (a = i + 2; a < len && (is_hostc(s[a]) || s[a] == '$'); a++)
		;
	if (a == i + 2 || a >= len || s[a] != '\\')
		return 0;
	for (e = ++a; e < len && s[e] != '\\' && !name_stop(s[e]); e++)
		;
	if (e >= len || s[e] != '\\' ||
	    !in_list((const char *)s + a, e - a, share))
		return 0;
	for (n = ++e; e < len && !name_stop(s[e]); e++)
		;
	if (e == n || in_list((const char *)s + n, e - n, home_skip))
		return 0;
	return e;
}

/* "~alice/...": another user's home.  s[i] is the '~'. */
static size_t
tilde_home_at(const unsigned char *s, size_t len, size_t i)
{
	size_t	e;

	if (i > 0 && (is_word(s[i - 1]) || s[i - 1] == '/'))
		return 0;
	for (e = i + 1; e < len && (is_alnum(s[e]) || s[e] == '_' ||
	    s[e] == '-' || s[e] == '.'); e++)
		;
	if (e == i + 1 || e >= len || s[e] != '/' || !is_alpha(s[i + 1]) ||
	    in_list((const char *)s + i + 1, e - i - 1, home_skip))
		return 0;
	return e;
}

/*
 * A phone number at s[i]: "+CC ..." with 10 to 15 digits in groups,
 * "(415) 555-0134", or "415-555-0134".  Returns the index after it, or 0.
 */
static size_t
phone_at(const unsigned char *s, size_t len, size_t i)
{
	size_t	j = i, digits = 0, run;
	int	sep;

	if (s[i] == '+') {
		if (i > 0 && (is_word(s[i - 1]) || s[i - 1] == '.'))
			return 0;
		if (j + 1 >= len || !is_digit(s[j + 1]) || s[j + 1] == '0')
			return 0;
		for (j++; j < len; ) {
			for (run = 0; j < len && is_digit(s[j]); j++, run++)
				;
			digits += run;
			if (run == 0 || j >= len)
				break;
			/* one separator, then digits or "(" */
			if ((s[j] == ' ' || s[j] == '-' || s[j] == '.') &&
			    j + 1 < len && (is_digit(s[j + 1]) ||
			    s[j + 1] == '('))
				j++;
			if (j < len && s[j] == '(') {
				j++;
				continue;
			}
			if (j < len && s[j] == ')' && j + 1 < len &&
			    s[j + 1] == ' ') {
				j += 2;
				continue;
			}
			if (j >= len || !is_digit(s[j]))
				break;
		}
		while (j > i && !is_digit(s[j - 1]))
			j--;
		if (digits < 10 || digits > 15 || (j < len &&
		    (is_word(s[j]) || s[j] == ':' || (s[j] == '.' &&
		    j + 1 < len && is_digit(s[j + 1])))))
			return 0;
		return j;
	}
	/* (415) 555-0134 */
	if (s[i] == '(') {
		if (i + 14 > len || !is_digit(s[i + 1]) || !is_digit(s[i + 2]) ||
		    !is_digit(s[i + 3]) || s[i + 4] != ')' || s[i + 5] != ' ')
			return 0;
		j = i + 6;
	} else {
		/* 415-555-0134, 415.555.0134 */
		if (i + 12 > len || !is_digit(s[i + 1]) || !is_digit(s[i + 2]))
			return 0;
		sep = s[i + 3];
		if ((sep != '-' && sep != '.') || s[i + 7] != sep)
			return 0;
		j = i + 4;
	}
	for (run = 0; run < 3; run++)
		if (!is_digit(s[j + run]))
			return 0;
	if (s[j + 3] != '-' && s[j + 3] != '.' && (s[i] != '(' ||
	    s[j + 3] != ' '))
		return 0;
	for (run = 4; run < 8; run++)
		if (j + run >= len || !is_digit(s[j + run]))
			return 0;
	j += 8;
	if (j < len && (is_word(s[j]) || s[j] == '-' || (s[j] == '.' &&
	    j + 1 < len && is_digit(s[j + 1]))))
		return 0;
	return j;
}

/* Can c start a JWT, a Windows host name or a token_prefix? */
static inline int
token_start(int c)
{
	return c == 'e' || c == 'D' || c == 'L' || c == 'g' || c == 'x' ||
	    c == 'A' || c == 's' || c == 'r' || c == 'n' || c == 'p' ||
	    c == 'B';
}

/* A secret in a well-known format at s[i]; the index after it, or 0. */
static size_t
prefix_token_at(const unsigned char *s, size_t len, size_t i)
{
	const char	*p;
	size_t		 k, n, j, b;
	int		 bearer;

	for (k = 0; k < sizeof token_prefix / sizeof token_prefix[0]; k++) {
		p = token_prefix[k].prefix;
		if (s[i] != (unsigned char)p[0])
			continue;
		n = strlen(p);
		if (i + n > len || memcmp(s + i, p, n) != 0)
			continue;
		bearer = p[n - 1] == ' ';
		b = i + n;
		for (j = b; j < len; j++) {
			if (token_prefix[k].exact ?
			    !(is_digit(s[j]) || (s[j] >= 'A' && s[j] <= 'Z')) :
			    !(is_b64url(s[j]) || (bearer && (s[j] == '.' ||
			    s[j] == '~' || s[j] == '+' || s[j] == '/' ||
			    s[j] == '='))))
				break;
		}
		if (j - b < token_prefix[k].min ||
		    (token_prefix[k].exact && j - b != token_prefix[k].min) ||
		    (j < len && is_word(s[j])))
			continue;
		/* PostHog's public key, and JWTs (found as such). */
		if (bearer && j - b >= 4 && (memcmp(s + b, "phc_", 4) == 0 ||
		    memcmp(s + b, "eyJ", 3) == 0))
			continue;
		return j;
	}
	return 0;
}

/* "token=<value>" and the like at the '=' s[i]; after the value, or 0. */
static size_t
secret_at(const unsigned char *s, size_t len, size_t i)
{
	const char *const	*w;
	size_t			 n, j;
	int			 c, short_ok = 1;

	for (w = secret_word; *w != NULL; w++) {
		n = strlen(*w);
		if (i >= n && strncasecmp((const char *)s + i - n, *w, n) == 0)
			break;
	}
	if (*w == NULL) {
		/* ?code=..., &sig=...: OAuth codes, signed URLs */
		for (w = query_word; *w != NULL; w++) {
			n = strlen(*w);
			if (i > n && strncasecmp((const char *)s + i - n, *w,
			    n) == 0 && (s[i - n - 1] == '?' ||
			    s[i - n - 1] == '&'))
				break;
		}
		if (*w == NULL)
			return 0;
		short_ok = 0;
	}
	for (j = i + 1; j < len; j++) {
		c = s[j];
		if (is_space(c) || c == '&' || c == ';' || c == ',' ||
		    c == '"' || c == '\'' || c == ')' || c == ']' || c == '}' ||
		    c == '>')
			break;
	}
	if (j - i - 1 < (short_ok ? 4u : 8u))
		return 0;
	c = s[i + 1];
	if (c == '$' || c == '<' || c == '{' || c == '%' || c == '*' ||
	    (j - i - 1 >= 4 && memcmp(s + i + 1, "phc_", 4) == 0))
		return 0;
	return j;
}

/*
 * The checks that start at a word (s[i] is a word character, p the one
 * before it); the index after a match, or 0.
 */
static size_t
word_at(struct scan *sc, uint32_t *mask, const unsigned char *s, size_t len,
    size_t i, int p, int noip4)
{
	size_t	e;
	int	c = s[i], sp;

	if (is_digit(c) && p != '-' && p != '.' &&
	    (e = phone_at(s, len, i)) != 0) {
		add(sc, mask, TT_PK_PHONE);
		return e;
	}
	if (is_digit(c) && !noip4 && !(p == '/' && i >= 2 &&
	    is_alnum(s[i - 2])) && (e = ipv4_at(s, len, i, &sp)) != 0) {
		if (!sp)
			add(sc, mask, TT_PK_IP);
		return e;
	}
	if (is_hex(c) && p != ':') {
		if (p != '-' && i + 2 < len &&
		    (s[i + 2] == ':' || s[i + 2] == '-') &&
		    (e = mac_at(s, len, i, &sp)) != 0) {
			if (!sp)
				add(sc, mask, TT_PK_MAC);
			return e;
		}
		if ((e = ipv6_at(s, len, i)) != 0) {
			if (!v6_well_known(s, i, e))
				add(sc, mask, TT_PK_IP);
			return e;
		}
	}
	if (p == '-')
		return 0;
	if (i + 3 < len && (((c == 'g' || c == 'a') && s[i + 3] == '-') ||
	    (c == 'i' && s[i + 2] == '-'))) {
		for (e = i; e < len && (is_alnum(s[e]) || s[e] == '-'); e++)
			;
		if (cloud_node(s, i, e)) {
			add(sc, mask, TT_PK_HOSTNAME);
			return e;
		}
	}
	if ((c == 'h' || c == 'H' || c == 'l' || c == 'L' || c == 'r' ||
	    c == 'R' || c == 'n' || c == 'N' || c == 'E') &&
	    (e = cue_host_at(sc, mask, s, len, i)) != 0)
		return e;
	if (!token_start(c))
		return 0;
	if (c == 'e' && (e = jwt_at(s, len, i, &sp)) != 0) {
		if (sp)
			add(sc, mask, TT_PK_JWT);
		else
			*mask |= SEEN_JWT;
	}
	else if ((c == 'D' || c == 'L') && (e = winhost_at(s, len, i)) != 0)
		add(sc, mask, TT_PK_HOSTNAME);
	else if ((e = prefix_token_at(s, len, i)) != 0)
		add(sc, mask, TT_PK_TOKEN);
	return e;
}

/*
 * Look for personal data in text (a value or a key; s[len] is '\0').
 * noip4: the key names a version, so dotted quads are versions.  Checks
 * run at the start of words and at the few punctuation characters that
 * patterns hinge on; the rest of each word is skipped.
 */
static void
scan_text(struct scan *sc, uint32_t *mask, const char *str, size_t len,
    int noip4)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i, e;
	int			 c, p;

	/* Most strings are short words in which nothing can match. */
	if (len < TOKEN_MIN && str[strcspn(str, TEXT_SPECIAL)] == '\0')
		return;
	for (i = 0; i < len; i = e > i ? e : i + 1) {
		c = s[i];
		p = i > 0 ? s[i - 1] : ' ';
		e = 0;
		if (is_word(c)) {
			if (!is_word(p) && p != '.')
				e = word_at(sc, mask, s, len, i, p, noip4);
			if (e == 0)
				for (e = i + 1; e < len && is_word(s[e]); e++)
					;
			continue;
		}
		switch (c) {
		case '@':
			if ((e = email_at(s, len, i, 1)) != 0)
				add(sc, mask, TT_PK_EMAIL);
			break;
		case '%':
			if (i + 3 < len && s[i + 1] == '4' && s[i + 2] == '0' &&
			    (e = email_at(s, len, i, 3)) != 0)
				add(sc, mask, TT_PK_EMAIL);
			break;
		case '/':
			if ((e = webhook_at(s, len, i)) != 0)
				add(sc, mask, TT_PK_TOKEN);
			else if ((e = home_at(s, len, i)) != 0)
				add(sc, mask, TT_PK_HOME_PATH);
			break;
		case '\\':
			if ((e = unc_home_at(s, len, i)) != 0 ||
			    (e = home_at(s, len, i)) != 0)
				add(sc, mask, TT_PK_HOME_PATH);
			break;
		case '~':
			if ((e = tilde_home_at(s, len, i)) != 0)
				add(sc, mask, TT_PK_HOME_PATH);
			break;
		case '+':
		case '(':
			if ((e = phone_at(s, len, i)) != 0)
				add(sc, mask, TT_PK_PHONE);
			break;
		case '.':
			if ((e = lanhost_at(s, len, i)) != 0)
				add(sc, mask, TT_PK_HOSTNAME);
			break;
		case '=':
			if ((e = secret_at(s, len, i)) != 0)
				add(sc, mask, TT_PK_TOKEN);
			break;
		case ':':
			if (is_alpha(p) && i + 3 < len && s[i + 1] == '/' &&
			    s[i + 2] == '/') {
				e = url_at(sc, mask, s, len, i + 3);
				break;
			}
			/* "::1"-style IPv6 */
			if (!is_word(p) && p != '.' && p != ':' &&
			    (e = ipv6_at(s, len, i)) != 0 &&
			    !v6_well_known(s, i, e))
				add(sc, mask, TT_PK_IP);
			break;
		}
	}
}

/* ---- keys and values ---- */

/* Does the normalized key n (len bytes) end with suffix? */
static inline int
ends_with(const char *n, size_t len, const char *suffix, size_t sl)
{
	size_t	i;

	if (len < sl)
		return 0;
	for (i = 0; i < sl; i++)
		if (n[len - sl + i] != suffix[i])
			return 0;
	return 1;
}

/* Does the normalized key n (len bytes) hold w anywhere? */
static int
has_word(const char *n, size_t len, const struct word *w)
{
	size_t	i;

	for (i = 0; i + w->len <= len; i++)
		if (n[i] == w->s[0] && memcmp(n + i, w->s, w->len) == 0)
			return 1;
	return 0;
}

/*
 * Ids of what a person belongs to: a key that ends like an id and names an
 * organisation, team or account ("org_id", "tenantId", "workspace_slug",
 * "gcp_project_number"); its value decides (id_value()).
 */
static int
account_key(const char *n, size_t len)
{
	static const struct word end[] = {
		WORD("id"), WORD("ids"), WORD("uuid"), WORD("guid"),
		WORD("number"), WORD("slug")
	};
	static const struct word stem[] = {
		WORD("org"), WORD("tenant"), WORD("account"),
		WORD("workspace"), WORD("team"), WORD("customer"),
		WORD("company"), WORD("subscription"), WORD("billing"),
		WORD("license"), WORD("enterprise"), WORD("project"),
		WORD("group"), WORD("owner")
	};
	size_t	k, sl = 0;

	switch (n[len - 1]) {
	case 'd': case 's': case 'r': case 'g':
		break;
	default:
		return 0;
	}
	for (k = 0; k < sizeof end / sizeof end[0]; k++)
		if (ends_with(n, len, end[k].s, end[k].len)) {
			sl = end[k].len;
			break;
		}
	if (sl == 0 || sl == len)
		return 0;
	for (k = 0; k < sizeof stem / sizeof stem[0]; k++)
		if (has_word(n, len - sl, &stem[k]))
			return 1;
	return 0;
}

/* Does n (len bytes) hold the literal w at i? */
#define AT(n, len, i, w) \
	((i) + sizeof w - 1 <= (len) && memcmp((n) + (i), w, sizeof w - 1) == 0)

/* The role of a normalized key that is not in key_roles. */
static enum role
key_pattern(const char *n, size_t len)
{
	size_t	i;
	int	build = 0;

	/* One pass for the words a key may hold anywhere. */
	for (i = 0; i + 5 <= len; i++) {
		switch (n[i]) {
		case 'g':
			if (AT(n, len, i, "geoip"))
				return ends_with(n, len, "disable", 7) ?
				    R_NONE : ends_with(n, len, "timezone", 8) ?
				    R_GEOTZ : R_GEO;
			break;
		case 'v':
			if (AT(n, len, i, "version"))
				return R_VERSION;
			break;
		case 'e':
			if (AT(n, len, i, "error") ||
			    AT(n, len, i, "exception"))
				return R_ERROR;
			break;
		case 'f':
			build |= AT(n, len, i, "firmware");
			break;
		case 'r':
			build |= AT(n, len, i, "release") ||
			    AT(n, len, i, "revision");
			break;
		case 'b':
			build |= AT(n, len, i, "build");
			break;
		}
	}
	if (ends_with(n, len, "timezone", 8))
		return R_TZ;
	if (len > 5 && (ends_with(n, len, "login", 5) ||
	    ends_with(n, len, "user", 4) || ends_with(n, len, "author", 6)))
		return R_USER;
	if (len > 2 && ends_with(n, len, "tz", 2))
		return R_TZ;
	if (len > 6 && (ends_with(n, len, "serial", 6) ||
	    ends_with(n, len, "serialnumber", 12)))
		return R_MACHINE;
	if (ends_with(n, len, "hostname", 8) || ends_with(n, len,
	    "nodename", 8))
		return R_HOST;
	/* build and release numbers: "4.2.0.18" is no address */
	if (build)
		return R_VERSION;
	switch (n[len - 1]) {
	case 'n':
	case 't':
	case 'd':
	case 'e':
	case 'y':
	case 's':
		for (i = 0; i < sizeof secret_suffix /
		    sizeof secret_suffix[0]; i++)
			if (ends_with(n, len, secret_suffix[i].s,
			    secret_suffix[i].len))
				return R_TOKEN;
		break;
	}
	return account_key(n, len) ? R_ACCOUNT : R_NONE;
}
#undef AT

/*
 * Read a key once: its length, whether a path can hold it as is, whether
 * text checks apply, and its role in context ctx.  Roles compare keys
 * lowercased, without '$', '_', '-', '.' and ' '.
 */
static void
key_read(const char *key, int ctx, struct key *k)
{
	const unsigned char	*p;
	char			 n[KEY_MAX + 1];
	size_t			 len = 0, lo, hi, mid;
	enum role		 r = R_NONE;
	int			 c, cl, all = 0, cmp;

	for (p = (const unsigned char *)key; (c = *p) != '\0'; p++) {
		cl = cclass[c];
		all |= cl;
		if (cl & CC_KSKIP)
			continue;
		if (len < KEY_MAX)
			n[len] = (char)(cl & CC_ALPHA ? c | 0x20 : c);
		len++;
	}
	k->len = (size_t)(p - (const unsigned char *)key);
	k->plain = k->len > 0 && !(all & CC_NOTPLAIN);
	k->special = (all & CC_SPECIAL) != 0;
	k->role = R_NONE;
	if (len == 0 || len > KEY_MAX)
		return;
	n[len] = '\0';
	lo = 0;
	hi = sizeof key_roles / sizeof key_roles[0];
	while (lo < hi) {
		mid = (lo + hi) / 2;
		/* Most probes differ in the first character. */
		cmp = (unsigned char)n[0] -
		    (unsigned char)key_roles[mid].name[0];
		if (cmp == 0)
			cmp = strcmp(n + 1, key_roles[mid].name + 1);
		if (cmp == 0) {
			r = key_roles[mid].role;
			break;
		}
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	switch (r) {
	case R_NONE:
		k->role = key_pattern(n, len);
		if (k->role == R_NONE && ((ctx & CTX_GROUPS) ||
		    ((ctx & CTX_ORG) && (strcmp(n, "id") == 0 ||
		    strcmp(n, "uuid") == 0))))
			k->role = R_ACCOUNT;
		break;
	case R_PEER:
		/* posthog-js's $host: the site's, the same for everyone */
		k->role = key[0] == '$' ? R_SITE : R_PEER;
		break;
	case R_ERRPART:
		k->role = (ctx & CTX_ERROR) ? R_ERROR : R_NONE;
		break;
	case R_NAME:
		k->role = (ctx & CTX_SET) ? R_USER : R_NONE;
		break;
	default:
		k->role = r;
		break;
	}
}

/* Is s empty or only white space? */
static int
blank(const char *s)
{
	while (is_space((unsigned char)*s))
		s++;
	return *s == '\0';
}

/* A value that says "nothing": empty, a boolean or null as text. */
static int
empty_value(const char *s)
{
	static const char *const none[] = {
		"true", "false", "null", "nil", "none", "undefined", "n/a",
		"-", NULL
	};

	switch (to_lower((unsigned char)*s)) {
	case 't':
	case 'f':
	case 'n':
	case 'u':
	case '-':
		return in_list(s, strlen(s), none);
	}
	return blank(s);
}

/* Is s exactly 64 hex digits (a SHA-256 or HMAC-SHA256 in hex)? */
static int
hex64(const char *s, size_t len)
{
	size_t	i;

	if (len != 64)
		return 0;
	for (i = 0; i < len; i++)
		if (!is_hex((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Does a value under a secret's key hold a secret? */
static int
secret_value(const char *s, size_t len)
{
	const char	*p;
	size_t		 i;

	if (empty_value(s))
		return 0;
	while (is_space((unsigned char)*s))
		s++;
	if (strncmp(s, "Bearer ", 7) == 0)
		s += 7;
	len = strlen(s);
	if (strncmp(s, "phc_", 4) == 0 || *s == '$' || *s == '<' ||
	    *s == '{' || *s == '%')
		return 0;
	for (p = s; *p == '*' || *p == 'x' || *p == 'X' || *p == '.'; p++)
		;
	if (*p == '\0')
		return 0;
	for (i = 0; i + 8 <= len; i++)
		if (strncasecmp(s + i, "redacted", 8) == 0)
			return 0;
	return 1;
}

/* Does a value under a host key look like a host name (with a port)? */
static int
host_value(const char *s, size_t len)
{
	const char	*colon;
	size_t		 i;
	int		 letter = 0;

	if (len == 0 || len > 260)
		return 0;
	if ((colon = memchr(s, ':', len)) != NULL) {
		/* host:port only; URLs and IPv6 are not host names. */
		for (i = (size_t)(colon - s) + 1; i < len; i++)
			if (!is_digit((unsigned char)s[i]))
				return 0;
		if ((size_t)(colon - s) + 1 == len)
			return 0;
		len = (size_t)(colon - s);
	}
	if (len == 0 || !is_alnum((unsigned char)s[0]))
		return 0;
	for (i = 0; i < len; i++) {
		if (is_alpha((unsigned char)s[i]))
			letter = 1;
		else if (s[i] == '.' && s[i - 1] == '.')
			return 0;
		else if (!is_digit((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_' && s[i] != '.')
			return 0;
	}
	if (!letter)
		return 0;
	return !((len == 9 && strncasecmp(s, "localhost", 9) == 0) ||
	    (len == 21 && strncasecmp(s, "localhost.localdomain", 21) == 0));
}

/* Is the text free text (words), not a code such as "ERR_TIMEOUT"? */
static int
free_text(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	while (is_space(*p))
		p++;
	for (; *p != '\0'; p++)
		if (is_space(*p) && p[1] != '\0' && !is_space(p[1]))
			return 1;
	return 0;
}

/*
 * Does a value under an account's key look like an id: a word without
 * spaces that is not a boolean or a placeholder such as "default"?
 */
static int
id_value(const char *s, size_t len)
{
	static const char *const not_id[] = {
		"default", "unknown", "personal", "anonymous", "public",
		"private", "local", "main", "test", NULL
	};
	size_t	i;

	if (len > 200 || empty_value(s) || in_list(s, len, not_id))
		return 0;
	for (i = 0; i < len; i++)
		if (is_space((unsigned char)s[i]))
			return 0;
	return 1;
}

/* How many ASCII digits s holds. */
static size_t
digit_count(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		n += is_digit((unsigned char)*s) != 0;
	return n;
}

/* Does a value under a MAC key hold one (12 hex digits, not all zero)? */
static int
mac_value(const char *s)
{
	size_t	hex = 0;
	int	nonzero = 0;

	for (; *s != '\0'; s++) {
		if (is_hex((unsigned char)*s)) {
			hex++;
			if (*s != '0')
				nonzero = 1;
		} else if (*s != ':' && *s != '-' && *s != '.')
			return 0;
	}
	return hex == 12 && nonzero;
}

/*
 * The JSON document a string holds, if it starts with '{' or '[' and is
 * nothing else; caller deletes.
 */
static cJSON *
embedded_json(const char *s, size_t len)
{
	const char	*end = NULL;
	cJSON		*o;

	o = cJSON_ParseWithLengthOpts(s, len, &end, 0);
	if (o == NULL)
		return NULL;
	while (end < s + len && is_space((unsigned char)*end))
		end++;
	if (end != s + len || !(cJSON_IsObject(o) || cJSON_IsArray(o))) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* Check a string value at the current path. */
static void
scan_string(struct scan *sc, uint32_t *mask, const char *s, enum role role,
    int ctx)
{
	cJSON	*o;
	size_t	 len = strlen(s);

	if ((s[0] == '{' || s[0] == '[') && sc->embed < EMBED_MAX &&
	    (o = embedded_json(s, len)) != NULL) {
		sc->embed++;
		scan_container(sc, o, role, ctx, TT_PATH_EMBED);
		sc->embed--;
		cJSON_Delete(o);
		return;
	}
	scan_text(sc, mask, s, len, role == R_VERSION);
	switch (role) {
	case R_HOST:
	case R_PEER:
	case R_SITE:
		if (host_value(s, len) && host_private((const unsigned char *)s,
		    strcspn(s, ":"), role == R_HOST))
			add(sc, mask, TT_PK_HOSTNAME);
		break;
	case R_ORG:
		if (id_value(s, len) && digit_count(s) > 0)
			add(sc, mask, TT_PK_ACCOUNT_ID);
		break;
	case R_ACCOUNT:
		if (id_value(s, len))
			add(sc, mask, TT_PK_ACCOUNT_ID);
		break;
	case R_PHONE:
		if (digit_count(s) >= 7)
			add(sc, mask, TT_PK_PHONE);
		break;
	case R_GEOTZ:
		if (!empty_value(s)) {
			add(sc, mask, TT_PK_GEOIP);
			add(sc, mask, TT_PK_TIMEZONE);
		}
		break;
	case R_TOKEN:
		if (!(*mask & (BIT(TT_PK_JWT) | SEEN_JWT)) &&
		    secret_value(s, len))
			add(sc, mask, TT_PK_TOKEN);
		break;
	case R_GEO:
		if (!empty_value(s))
			add(sc, mask, TT_PK_GEOIP);
		break;
	case R_MACHINE:
		if (!empty_value(s))
			add(sc, mask, TT_PK_MACHINE_ID);
		break;
	case R_INSTALL:
		if (!empty_value(s))
			add(sc, mask, hex64(s, len) ? TT_PK_MACHINE_ID :
			    TT_PK_INSTALL_ID);
		break;
	case R_PROJECT:
		if (!empty_value(s))
			add(sc, mask, TT_PK_PROJECT_ID);
		break;
	case R_TZ:
		if (!empty_value(s))
			add(sc, mask, TT_PK_TIMEZONE);
		break;
	case R_ERROR:
		if (free_text(s))
			add(sc, mask, TT_PK_ERROR_TEXT);
		break;
	case R_USER:
		if (!empty_value(s) && !in_list(s, len, home_skip) &&
		    strstr(s, "://") == NULL)
			add(sc, mask, TT_PK_USER_NAME);
		break;
	case R_MAC:
		if (mac_value(s))
			add(sc, mask, TT_PK_MAC);
		break;
	case R_EMAIL:
		if (len >= 3 && strchr(s + 1, '@') != NULL && s[len - 1] != '@')
			add(sc, mask, TT_PK_EMAIL);
		break;
	default:
		break;
	}
}

/*
 * Check one value at the current path.  A number beyond a double's range
 * (1e999) counts as the null cJSON prints for it, so that a tree, the text
 * it was parsed from and the text printed from it all give one answer.
 */
static void
scan_item(struct scan *sc, const cJSON *v, uint32_t *mask, enum role role,
    int ctx)
{
	if (cJSON_IsString(v) && v->valuestring != NULL)
		scan_string(sc, mask, v->valuestring, role, ctx);
	else if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
		switch (role) {
		case R_GEO:
			add(sc, mask, TT_PK_GEOIP);
			break;
		case R_TZ:
			add(sc, mask, TT_PK_TIMEZONE);
			break;
		case R_MACHINE:
			add(sc, mask, TT_PK_MACHINE_ID);
			break;
		case R_INSTALL:
			add(sc, mask, TT_PK_INSTALL_ID);
			break;
		case R_PROJECT:
			add(sc, mask, TT_PK_PROJECT_ID);
			break;
		case R_ACCOUNT:
		case R_ORG:
			if (v->valuedouble >= 1)
				add(sc, mask, TT_PK_ACCOUNT_ID);
			break;
		case R_PHONE:
			if (v->valuedouble >= 1e6)
				add(sc, mask, TT_PK_PHONE);
			break;
		default:
			break;
		}
	} else if (cJSON_IsObject(v) || cJSON_IsArray(v))
		scan_container(sc, v, role, ctx, TT_PATH_MEMBER);
}

/*
 * Check the members of an object or the elements of an array; role is the
 * container's (array elements inherit it), sep joins the path to them.
 */
static void
scan_container(struct scan *sc, const cJSON *o, enum role role, int ctx,
    int sep)
{
	const cJSON	*c;
	struct key	 k;
	size_t		 save = sc->path.len, i = 0;
	uint32_t	 mask;

	/* cJSON bounds the nesting it parses; this bounds the walk. */
	if (sc->depth >= TT_JSON_DEPTH)
		return;
	sc->depth++;
	if (role == R_ERROR)
		ctx |= CTX_ERROR;
	else if (role == R_SET)
		ctx |= CTX_SET;
	else if (role == R_GROUPS)
		ctx |= CTX_GROUPS;
	else if (role == R_ACCOUNT || role == R_ORG)
		/* a company's name and traits are not a person's */
		ctx = (ctx & ~CTX_SET) | CTX_ORG;
	if (cJSON_IsArray(o)) {
		for (c = o->child; c != NULL; c = c->next, i++) {
			tt_path_index(&sc->path, i, sep);
			mask = 0;
			scan_item(sc, c, &mask, role, ctx);
			tt_path_cut(&sc->path, save);
		}
	} else {
		for (c = o->child; c != NULL; c = c->next) {
			if (c->string == NULL)
				continue;
			key_read(c->string, ctx, &k);
			/* a Segment group call's traits are the group's */
			if (k.role == R_SET && c->string[0] == 't' &&
			    cJSON_GetObjectItemCaseSensitive(o,
			    "groupId") != NULL)
				k.role = R_ACCOUNT;
			tt_path_key_as(&sc->path, c->string, k.len, sep,
			    k.plain);
			mask = 0;
			if (k.special || k.len >= TOKEN_MIN)
				scan_text(sc, &mask, c->string, k.len, 0);
			scan_item(sc, c, &mask, k.role, ctx);
			tt_path_cut(&sc->path, save);
		}
	}
	sc->depth--;
}

/* ---- public ---- */

/* Make an empty list of findings. */
void
tt_findings_init(struct tt_findings *f)
{
	f->v = NULL;
	f->n = f->cap = 0;
}

/* Free the field strings but keep the array for the next scan. */
static void
findings_reset(struct tt_findings *f)
{
	size_t	i;

	for (i = 0; i < f->n; i++)
		free(f->v[i].field);
	f->n = 0;
}

/* Free the findings and their array. */
void
tt_findings_clear(struct tt_findings *f)
{
	findings_reset(f);
	free(f->v);
	tt_findings_init(f);
}

/* Order findings by field, kind, then place in the array. */
static int
finding_cmp(const void *a, const void *b)
{
	const struct tt_finding	*x = *(const struct tt_finding *const *)a;
	const struct tt_finding	*y = *(const struct tt_finding *const *)b;
	int			 c;

	if ((c = strcmp(x->field, y->field)) != 0)
		return c;
	if ((c = strcmp(x->kind, y->kind)) != 0)
		return c;
	return x < y ? -1 : x > y;
}

/*
 * A key twice in one object ({"ip":"10.1.2.3","ip":"10.4.5.6"}) is one
 * field found twice: keep the first finding of each (field, kind), in
 * order.  Sorting keeps this O(n log n) however many findings there are.
 */
static void
findings_dedupe(struct tt_findings *f)
{
	struct tt_finding	*stack[32], **p, *head;
	size_t			 i, j;
	int			 dup = 0;

	if (f->n < 2)
		return;
	p = f->n <= sizeof stack / sizeof stack[0] ? stack :
	    xcalloc(f->n, sizeof *p);
	for (i = 0; i < f->n; i++)
		p[i] = &f->v[i];
	qsort(p, f->n, sizeof *p, finding_cmp);
	for (head = p[0], i = 1; i < f->n; i++) {
		if (strcmp(p[i]->field, head->field) != 0 ||
		    strcmp(p[i]->kind, head->kind) != 0) {
			head = p[i];
			continue;
		}
		free(p[i]->field);
		p[i]->field = NULL;
		dup = 1;
	}
	if (p != stack)
		free(p);
	if (!dup)
		return;
	for (i = j = 0; i < f->n; i++)
		if (f->v[i].field != NULL)
			f->v[j++] = f->v[i];
	f->n = j;
}

/* Walk a parsed document into *f (emptied first). */
static void
scan_root(const cJSON *root, struct tt_findings *f)
{
	struct scan	 sc;
	char		 buf[256];
	uint32_t	 mask = 0;

	findings_reset(f);
	memset(&sc, 0, sizeof sc);
	sc.f = f;
	tt_path_init(&sc.path, buf, sizeof buf);
	if (cJSON_IsObject(root) || cJSON_IsArray(root))
		scan_container(&sc, root, R_NONE, 0, TT_PATH_ROOT);
	else
		scan_item(&sc, root, &mask, R_NONE, 0);
	findings_dedupe(f);
	tt_path_free(&sc.path);
}

/* Scan one event's JSON text into *f. */
int
tt_privacy_scan(const char *json, size_t len, struct tt_findings *f)
{
	cJSON		*root;
	const char	*end = NULL;

	findings_reset(f);
	if (json == NULL || len == 0)
		return -1;
	root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	if (root == NULL)
		return -1;
	while (end < json + len && is_space((unsigned char)*end))
		end++;
	if (end != json + len) {
		cJSON_Delete(root);
		return -1;
	}
	scan_root(root, f);
	cJSON_Delete(root);
	return 0;
}

/* Scan a tree the caller already has into *f. */
void
tt_privacy_scan_tree(const struct cJSON *root, struct tt_findings *f)
{
	if (root == NULL) {
		findings_reset(f);
		return;
	}
	scan_root(root, f);
}

/* Append s as the body of a JSON string at p (room is the caller's). */
static char *
put_json_str(char *p, const char *s)
{
	return p + tt_json_escape(s, strlen(s), p, 0);
}

/* The findings as JSON text; caller frees. */
char *
tt_privacy_json(const struct tt_findings *f)
{
	static const char	 item[] = "{\"field\":\"\",\"kind\":\"\","
				     "\"grade\":\"yellow\"},";
	char			*out, *p;
	size_t			 i, size = 3;

	for (i = 0; i < f->n; i++)
		size += sizeof item + 6 * (strlen(f->v[i].field) +
		    strlen(f->v[i].kind));
	p = out = xmalloc(size);
	*p++ = '[';
	for (i = 0; i < f->n; i++) {
		if (i > 0)
			*p++ = ',';
		memcpy(p, "{\"field\":\"", 10);
		p = put_json_str(p + 10, f->v[i].field);
		memcpy(p, "\",\"kind\":\"", 10);
		p = put_json_str(p + 10, f->v[i].kind);
		memcpy(p, "\",\"grade\":\"", 11);
		p += 11;
		if (f->v[i].red) {
			memcpy(p, "red", 3);
			p += 3;
		} else {
			memcpy(p, "yellow", 6);
			p += 6;
		}
		memcpy(p, "\"}", 2);
		p += 2;
	}
	*p++ = ']';
	*p = '\0';
	return out;
}

/* The phrase that describes a kind. */
const char *
tt_privacy_kind_text(const char *kind)
{
	int	i;

	if (kind == NULL)
		return "nothing";
	if ((i = tt_privacy_kind_index(kind)) < 0)
		return "data of an unknown kind";
	return kinds[i].text;
}

int
tt_privacy_kind_index(const char *kind)
{
	int	i;

	for (i = 0; i < TT_PK_COUNT; i++)
		if (strcmp(kind, kinds[i].name) == 0)
			return i;
	return -1;
}

const char *
tt_privacy_kind_name(int i)
{
	return i >= 0 && i < TT_PK_COUNT ? kinds[i].name : NULL;
}

int
tt_privacy_kind_red(int i)
{
	return i >= 0 && i < TT_PK_COUNT && kinds[i].red;
}
