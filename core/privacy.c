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
 * The rules, chosen to keep false positives low:
 *
 * By text, in any string or key (red):
 * - ip: dotted-quad IPv4 with octets 0-255 and no leading zeros, not part
 *   of a longer dotted number, not after a letter ("v1.2.3.4") or after a
 *   product token ("Chrome/120.0.0.0"), and not under a key that names a
 *   version ("4.1.6.2" in "version", "$os_version", ...).  IPv6 in full or
 *   "::" form, where a compressed form needs a group of 3-4 digits (so
 *   times such as "07:33:02" and names such as "a::b" do not count).
 *   0.0.0.0, 127.x.x.x, 255.255.255.255, "::" and "::1" are not personal.
 * - email: local@domain with a dotted domain whose last label is 2+
 *   letters ("pkg@1.2.3" and "image@sha256:..." are not), except git@ (ssh
 *   remotes).
 * - mac: six hex pairs with ':' or '-' (all-zero and broadcast excluded).
 * - home_path: /home/<name>, /Users/<name> (starting a path), or
 *   C:\Users\<name> and C:/Users/<name> in any case.  Not flagged: "/home"
 *   alone, paths without a user (/var/lib/loft/devpod, /usr/bin, /root),
 *   placeholders (/home/$USER, /home/<user>), service and CI accounts
 *   (runner, vscode, node, ubuntu, ...; see home_skip), and paths inside a
 *   URL other than file://.
 * - hostname: a name ending in .local, .lan, .localdomain, .internal,
 *   .intranet or .home.arpa (a machine on a private network), except
 *   cluster.local, docker.internal and metadata.google.internal; Windows
 *   default names DESKTOP-XXXXXXX and LAPTOP-XXXXXXX.  Public domains in
 *   text (https://telemetry.werf.io, us.i.posthog.com) name a service's
 *   endpoint, not the user's machine, and are not flagged.
 * - jwt: three base64url parts whose first decodes to a JSON object with
 *   "alg".  A JWT under a token key is recorded as jwt only, not also as
 *   token.
 * - token: well-known secret formats (ghp_, github_pat_, glpat-, xox?-,
 *   AKIA..., sk_live_, sk-, npm_, pypi-, "Bearer <16+ chars>") and
 *   "token=", "password=", "secret=", "apikey=" followed by a value.
 *
 * By key (names compared lowercased, without '$', '_', '-', '.' and ' ',
 * so "machine_id", "machineId" and "host.name" match):
 * - hostname (red): hostname, host, $host, server_name, computer_name,
 *   node_name, fqdn, names ending in hostname ("host.name"), when the
 *   value looks like a host name (letters, digits, '-', '_', '.', an
 *   optional :port).  "localhost" and URLs (scheme://..., a service
 *   endpoint) are not flagged.
 * - token (red): token, authorization, cookie, and names ending in token,
 *   secret, password, passwd, passphrase, apikey, privatekey, secretkey,
 *   accesskey, credentials, with a non-empty string value.  Not flagged:
 *   masked or placeholder values ("***", "[REDACTED]", "${TOKEN}"),
 *   booleans as text, and PostHog project keys (phc_...): those are public,
 *   shipped in every client, and name a project, not a person.
 * - geoip (red): any key containing "geoip" ($geoip_city_name,
 *   $initial_geoip_...) except $geoip_disable (a setting); latitude,
 *   longitude, lat, lng, lon, postal_code, postcode, zip_code, city.
 * - user_name (red): username, user, login, full/first/last/display name,
 *   author ...; "name" only inside $set/$set_once.  System accounts as for
 *   home paths are not flagged.
 * - email, mac (red): email/mail keys holding an '@'; mac/hwaddr keys.
 * - machine_id (yellow): machine_id, uid (DevPod's HMAC), device_id,
 *   $device_id, host_id, hardware_id; and any id key below whose value is
 *   64 hex digits, since these tools derive such ids from the machine
 *   (DevPod/Devsy HMAC-SHA256 of the machine id, werf's userID = SHA-256
 *   of a MAC).
 * - install_id (yellow): ucid (Devtron's random 16 chars), distinct_id,
 *   user_id/userID, anonymous_id, client_id, install_id, installation_id,
 *   person_id, visitor_id.
 * - project_id (yellow): projectID (werf: SHA-256 of the git origin).
 * - timezone (yellow): timezone, $timezone, tz, $timezone_offset, ...
 *   ($geoip_time_zone is geoip).
 * - error_text (yellow): error, errors, errorMessage, error_code, err,
 *   exception, stderr, stacktrace (any key containing "error"), and
 *   message/msg/detail/reason/description/stack inside an error object,
 *   when the value is free text: it contains a space.  A classified code
 *   ("ERR_NOT_FOUND", "timeout") is not free text.
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
#include "path.h"
#include "privacy.h"
#include "xmalloc.h"

#define EMBED_MAX	4	/* levels of JSON inside strings followed */
#define KEY_MAX		48	/* longest normalized key given a role */
#define JWT_HEAD_MAX	1024	/* longest JWT header part decoded */
#define TOKEN_MIN	20	/* shortest text a token_prefix matches */

#define BIT(k)		(1u << (k))

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
	R_SET		/* PostHog $set / $set_once: person properties */
};

#define CTX_ERROR	0x1	/* inside an error object */
#define CTX_SET		0x2	/* inside $set or $set_once */

/* Normalized key names; sorted for the binary search in key_read(). */
static const struct {
	const char	*name;
	enum role	 role;
} key_roles[] = {
	{ "anondistinctid", R_INSTALL },
	{ "anonid", R_INSTALL },
	{ "anonymousid", R_INSTALL },
	{ "author", R_USER },
	{ "authorization", R_TOKEN },
	{ "city", R_GEO },
	{ "cityname", R_GEO },
	{ "clientid", R_INSTALL },
	{ "committer", R_USER },
	{ "computername", R_HOST },
	{ "cookie", R_TOKEN },
	{ "description", R_ERRPART },
	{ "detail", R_ERRPART },
	{ "details", R_ERRPART },
	{ "deviceid", R_MACHINE },
	{ "devicename", R_HOST },
	{ "displayname", R_USER },
	{ "distinctid", R_INSTALL },
	{ "email", R_EMAIL },
	{ "emailaddress", R_EMAIL },
	{ "enduserid", R_INSTALL },
	{ "err", R_ERROR },
	{ "errmsg", R_ERROR },
	{ "exception", R_ERROR },
	{ "exceptionmessage", R_ERROR },
	{ "familyname", R_USER },
	{ "firstname", R_USER },
	{ "fqdn", R_HOST },
	{ "fullname", R_USER },
	{ "givenname", R_USER },
	{ "hardwareid", R_MACHINE },
	{ "host", R_HOST },
	{ "hostid", R_MACHINE },
	{ "hostname", R_HOST },
	{ "hwaddr", R_MAC },
	{ "hwid", R_MACHINE },
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
	{ "message", R_ERRPART },
	{ "msg", R_ERRPART },
	{ "name", R_NAME },
	{ "nodename", R_HOST },
	{ "personid", R_INSTALL },
	{ "postalcode", R_GEO },
	{ "postcode", R_GEO },
	{ "processowner", R_USER },
	{ "projectid", R_PROJECT },
	{ "realname", R_USER },
	{ "reason", R_ERRPART },
	{ "servername", R_HOST },
	{ "set", R_SET },
	{ "setonce", R_SET },
	{ "stack", R_ERRPART },
	{ "stacktrace", R_ERROR },
	{ "stderr", R_ERROR },
	{ "timezone", R_TZ },
	{ "timezoneoffset", R_TZ },
	{ "tz", R_TZ },
	{ "ucid", R_INSTALL },
	{ "uid", R_MACHINE },
	{ "user", R_USER },
	{ "userid", R_INSTALL },
	{ "username", R_USER },
	{ "utcoffset", R_TZ },
	{ "visitorid", R_INSTALL },
	{ "zipcode", R_GEO },
};

/* Endings of normalized key names that hold secrets. */
#define SUFFIX(s) { s, sizeof s - 1 }
static const struct {
	const char	*s;
	size_t		 len;
} secret_suffix[] = {
	SUFFIX("token"), SUFFIX("secret"), SUFFIX("password"),
	SUFFIX("passwd"), SUFFIX("passphrase"), SUFFIX("apikey"),
	SUFFIX("privatekey"), SUFFIX("secretkey"), SUFFIX("accesskey"),
	SUFFIX("credentials")
};
#undef SUFFIX

/* Accounts that name no person: in home paths and user-name fields. */
static const char *const home_skip[] = {
	"Shared", "Public", "Default", "Default User", "All", "All Users",
	"root", "runner", "linuxbrew", "vscode", "node", "codespace",
	"ubuntu", "ec2-user", "jenkins", "gitlab-runner", "git", "user",
	"username", "nobody", "admin", "administrator", NULL
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
};

/* Words before '=' in text that introduce a secret. */
static const char *const secret_word[] = {
	"token", "password", "passwd", "secret", "apikey", "api_key",
	"api-key", NULL
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
#define TEXT_SPECIAL	"@/\\.=:-"

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
#define P_	CC_SPECIAL				/* @ / = : */
#define N_	CC_NOTPLAIN				/* [ ] > " controls */
#define H_	CC_WORD					/* 0x80-0xff */
static const unsigned char cclass[256] = {
	N_, N_, N_, N_, N_, N_, N_, N_,	/* 00 */
	N_, N_, N_, N_, N_, N_, N_, N_,	/* 08 */
	N_, N_, N_, N_, N_, N_, N_, N_,	/* 10 */
	N_, N_, N_, N_, N_, N_, N_, N_,	/* 18 */
	Q_, 0, N_, 0, S_, 0, 0, 0,	/* 20 */
	0, 0, 0, 0, 0, M_, T_, P_,	/* 28 */
	D_, D_, D_, D_, D_, D_, D_, D_,	/* 30 */
	D_, D_, P_, 0, 0, P_, N_, 0,	/* 38 */
	P_, X_, X_, X_, X_, X_, X_, A_,	/* 40 */
	A_, A_, A_, A_, A_, A_, A_, A_,	/* 48 */
	A_, A_, A_, A_, A_, A_, A_, A_,	/* 50 */
	A_, A_, A_, N_, B_, N_, 0, W_,	/* 58 */
	0, X_, X_, X_, X_, X_, X_, A_,	/* 60 */
	A_, A_, A_, A_, A_, A_, A_, A_,	/* 68 */
	A_, A_, A_, A_, A_, A_, A_, A_,	/* 70 */
	A_, A_, A_, 0, 0, 0, 0, 0,	/* 78 */
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
	*special = o[0] == 127 ||
	    (o[0] == 0 && o[1] == 0 && o[2] == 0 && o[3] == 0) ||
	    (o[0] == 255 && o[1] == 255 && o[2] == 255 && o[3] == 255);
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

/* An e-mail address around the '@' at s[i]; the index after it, or 0. */
static size_t
email_at(const unsigned char *s, size_t len, size_t i)
{
	size_t	a, e, j, last = 0;
	int	dots = 0;

	for (a = i; a > 0 && is_local(s[a - 1]); a--)
		;
	if (a == i || s[a] == '.' || s[i - 1] == '.')
		return 0;
	if (i - a == 3 && memcmp(s + a, "git", 3) == 0)
		return 0;
	for (e = i + 1; e < len && (is_alnum(s[e]) || s[e] == '-' ||
	    s[e] == '.'); e++)
		;
	while (e > i + 1 && s[e - 1] == '.')
		e--;
	if (e == i + 1 || !is_alnum(s[i + 1]))
		return 0;
	for (j = i + 1; j < e; j++)
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

	if (c == '/' && i + 6 <= len && memcmp(s + i + 1, "home/", 5) == 0)
		n = i + 6;
	else if (i + 7 <= len && s[i + 6] == c &&
	    strncasecmp((const char *)s + i + 1, "users", 5) == 0) {
		/* C:\Users\x, C:/Users/x; else a path must start here. */
		drive = i >= 2 && s[i - 1] == ':' && is_alpha(s[i - 2]);
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

/*
 * A JWT at s[i]: three base64url parts, the first a JSON object with "alg".
 * Returns the index after it, or 0.
 */
static size_t
jwt_at(const unsigned char *s, size_t len, size_t i)
{
	char		 head[JWT_HEAD_MAX];
	cJSON		*o;
	size_t		 j, a, n = 0;
	unsigned	 acc = 0;
	int		 bits = 0, ok;

	if (i + 3 > len || s[i + 1] != 'y' || s[i + 2] != 'J')
		return 0;
	for (j = i; j < len && is_b64url(s[j]); j++)
		;
	if (j - i < 8 || (j - i) * 3 / 4 > sizeof head || j >= len ||
	    s[j] != '.')
		return 0;
	a = ++j;
	for (; j < len && is_b64url(s[j]); j++)
		;
	if (j == a || j >= len || s[j] != '.')
		return 0;
	for (j++; j < len && is_b64url(s[j]); j++)
		;
	for (a = i; s[a] != '.'; a++) {
		acc = (acc << 6) | (unsigned)b64_value(s[a]);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			head[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	o = cJSON_ParseWithLength(head, n);
	ok = cJSON_IsObject(o) &&
	    cJSON_GetObjectItemCaseSensitive(o, "alg") != NULL;
	cJSON_Delete(o);
	return ok ? j : 0;
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
	int			 c;

	for (w = secret_word; *w != NULL; w++) {
		n = strlen(*w);
		if (i >= n && strncasecmp((const char *)s + i - n, *w, n) == 0)
			break;
	}
	if (*w == NULL)
		return 0;
	for (j = i + 1; j < len; j++) {
		c = s[j];
		if (is_space(c) || c == '&' || c == ';' || c == ',' ||
		    c == '"' || c == '\'' || c == ')' || c == ']' || c == '}' ||
		    c == '>')
			break;
	}
	if (j - i - 1 < 4)
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
			add(sc, mask, TT_PK_IP);
			return e;
		}
	}
	if (p == '-' || !token_start(c))
		return 0;
	if (c == 'e' && (e = jwt_at(s, len, i)) != 0)
		add(sc, mask, TT_PK_JWT);
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
			if ((e = email_at(s, len, i)) != 0)
				add(sc, mask, TT_PK_EMAIL);
			break;
		case '/':
		case '\\':
			if ((e = home_at(s, len, i)) != 0)
				add(sc, mask, TT_PK_HOME_PATH);
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
			/* "::1"-style IPv6 */
			if (!is_word(p) && p != '.' && p != ':' &&
			    (e = ipv6_at(s, len, i)) != 0)
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

/* The role of a normalized key that is not in key_roles. */
static enum role
key_pattern(const char *n, size_t len)
{
	size_t	i;

	for (i = 0; i + 5 <= len; i++) {
		if (n[i] == 'g' && ends_with(n, i + 5, "geoip", 5))
			return ends_with(n, len, "disable", 7) ? R_NONE : R_GEO;
		if (n[i] == 'v' && i + 7 <= len &&
		    ends_with(n, i + 7, "version", 7))
			return R_VERSION;
		if (n[i] == 'e' && n[i + 1] == 'r' &&
		    ends_with(n, i + 5, "error", 5))
			return R_ERROR;
	}
	if (ends_with(n, len, "timezone", 8))
		return R_TZ;
	if (ends_with(n, len, "hostname", 8))
		return R_HOST;
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
	return R_NONE;
}

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
		if (host_value(s, len))
			add(sc, mask, TT_PK_HOSTNAME);
		break;
	case R_TOKEN:
		if (!(*mask & BIT(TT_PK_JWT)) && secret_value(s, len))
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

/* Append s as the body of a JSON string at *p (room is the caller's). */
static char *
put_json_str(char *p, const char *s)
{
	static const char	 hexd[] = "0123456789abcdef";
	const unsigned char	*k;

	for (k = (const unsigned char *)s; *k != '\0'; k++) {
		if (*k == '"' || *k == '\\') {
			*p++ = '\\';
			*p++ = (char)*k;
		} else if (*k < 0x20) {
			memcpy(p, "\\u00", 4);
			p[4] = hexd[*k >> 4];
			p[5] = hexd[*k & 15];
			p += 6;
		} else
			*p++ = (char)*k;
	}
	return p;
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
	size_t	i;

	if (kind == NULL)
		return "nothing";
	for (i = 0; i < TT_PK_COUNT; i++)
		if (strcmp(kind, kinds[i].name) == 0)
			return kinds[i].text;
	return "data of an unknown kind";
}
