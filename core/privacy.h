/*
 * Privacy findings for one event's JSON: which fields hold personal data
 * (red) or pseudonymous data (yellow).  Every key and value is checked,
 * nested objects and arrays too, and so is JSON text inside strings (DevPod
 * sends "properties" as JSON strings, werf its "eventData" and "attributes").
 *
 * Field paths are relative to the event object, in the one grammar of
 * core/path.h: properties.$ip, batch[0].uuid, event.properties>error (the
 * JSON text a string holds), attributes["host.name"] (a key with a dot).
 * A finding for a key that is itself personal (a key that is an e-mail
 * address) has the path of that key's member.  The root of a scalar
 * document has the empty path.
 *
 * Each (field, kind) is recorded once, in the order the fields appear; a
 * value of several kinds gets one finding per kind.  A finding owns its
 * field string; tt_findings_clear() frees them.
 */
#ifndef TT_PRIVACY_H
#define TT_PRIVACY_H

#include <stddef.h>

/* Kinds: id, name (stored and sent), red (1) or yellow (0), phrase. */
#define TT_PRIVACY_KINDS(_) \
	_(IP, "ip", 1, "an IP address") \
	_(EMAIL, "email", 1, "an e-mail address") \
	_(MAC, "mac", 1, "a MAC address") \
	_(HOME_PATH, "home_path", 1, "a home directory with a user name") \
	_(USER_NAME, "user_name", 1, "a user name") \
	_(HOSTNAME, "hostname", 1, "a host name") \
	_(TOKEN, "token", 1, "a secret or access token") \
	_(JWT, "jwt", 1, "a JSON Web Token") \
	_(GEOIP, "geoip", 1, "a geo-IP location") \
	_(PHONE, "phone", 1, "a phone number") \
	_(INSTALL_ID, "install_id", 0, "an install or user id") \
	_(MACHINE_ID, "machine_id", 0, "a machine id") \
	_(PROJECT_ID, "project_id", 0, "a hashed project id") \
	_(ACCOUNT_ID, "account_id", 0, "an organisation, team or account id") \
	_(TIMEZONE, "timezone", 0, "a time zone") \
	_(ERROR_TEXT, "error_text", 0, "a free-text error message")

enum tt_privacy_kind {
#define TT_PRIVACY_KIND_ENUM(id, name, red, text) TT_PK_##id,
	TT_PRIVACY_KINDS(TT_PRIVACY_KIND_ENUM)
#undef TT_PRIVACY_KIND_ENUM
	TT_PK_COUNT
};

struct tt_finding {
	char		*field;		/* JSON path, malloc'd */
	const char	*kind;		/* static: a name of TT_PRIVACY_KINDS */
	int		 red;		/* 1 red (personal), 0 yellow */
};

/* A growable array of findings; owns their field strings. */
struct tt_findings {
	struct tt_finding	*v;
	size_t			 n, cap;
};

void		 tt_findings_init(struct tt_findings *);
/* Free the findings and the array; the struct is empty afterwards. */
void		 tt_findings_clear(struct tt_findings *);

/*
 * Scan one event's JSON text, replacing what *f held (its memory is reused);
 * returns 0, or -1 if it is not JSON (no findings then).
 */
int		 tt_privacy_scan(const char *json, size_t len,
		     struct tt_findings *f);
/*
 * The same scan on a tree the caller has already parsed (core/decode.c,
 * which owns cJSON for core/): the findings are those tt_privacy_scan()
 * gives for the text the tree was parsed from, and for the text cJSON
 * prints from it.
 */
struct cJSON;
void		 tt_privacy_scan_tree(const struct cJSON *,
		     struct tt_findings *);
/* The findings as a JSON array [{"field","kind","grade"}]; caller frees. */
char		*tt_privacy_json(const struct tt_findings *);
/* A short phrase for a kind, e.g. "an IP address", for the text summaries. */
const char	*tt_privacy_kind_text(const char *kind);
/* A kind's index (TT_PK_*) by its name, -1 if none; and back. */
int		 tt_privacy_kind_index(const char *kind);
const char	*tt_privacy_kind_name(int);
int		 tt_privacy_kind_red(int);

#endif
