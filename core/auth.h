/*
 * Who may use the collector: the control token and the per-request policy.
 *
 * The token is 32 random bytes as 64 lowercase hex digits, in a file named
 * "token" in the database's directory (tt_token_path), mode 0600, owned by
 * the user.  It is made on first use and never rewritten: to change it,
 * remove the file.
 *
 * tt_auth_check() is pure: the ws/ layer describes one request (its route
 * class and a few headers) and gets a verdict whose value is the HTTP
 * status to answer with.  Nothing here knows lws; every string is borrowed
 * for the call only.  The rules, by route class:
 *   control   (POST /v1/optout, any route that changes state): refused
 *             with 403 when it looks like a browser (Origin, Sec-Fetch-Site,
 *             a form or text/plain body, any type but application/json) or
 *             when Host does not name this collector (DNS rebinding); then
 *             the token must come as "Authorization: Bearer", else 401.
 *   registry  (GET /v1/optout: it lists client ids): Host must name this
 *             collector; with token_required, the token (Bearer or ?token=).
 *   read      (/healthz, /metrics, the Devtron GETs): always allowed; the
 *             tools and health checks that call them cannot send a token.
 *   upgrade   (WebSocket on /ws): an Origin must be this collector's own
 *             (http://HOST:PORT), none means a tool; with token_required,
 *             the token (Bearer or ?token=).
 *   history   (GET /v1/stream, /v1/history, /v1/payload/ID: what was
 *             stored, client ids and payloads): Host must name this
 *             collector, an Origin must be its own (no page elsewhere
 *             reads them), and the token (Bearer or ?token=), always:
 *             another user of the machine may not read them either.
 *   ingest    (the POST routes of events): open unless token_required;
 *             then Bearer, ?token= or PostHog's api_key must be the token.
 * Without a token in the policy every check that needs one fails (401).
 */
#ifndef TT_AUTH_H
#define TT_AUTH_H

#include <stddef.h>

#define TT_TOKEN_BYTES	32
#define TT_TOKEN_LEN	(2 * TT_TOKEN_BYTES)	/* hex digits */
#define TT_TOKEN_FILE	"token"

/* The value of WWW-Authenticate that goes with TT_AUTH_UNAUTHORIZED. */
#define TT_AUTH_CHALLENGE	"Bearer realm=\"teltop\""

/* The token file next to a database path.  Caller frees. */
char	*tt_token_path(const char *db);
/*
 * Read the token at path into out; with create, make it first if there is
 * none (two processes racing: one wins, both get its token).  Refuses a
 * file that is not a regular file owned by the user with mode 0600 or
 * stricter.  0, or -1 and *cause (caller frees).
 */
int	 tt_token_load(const char *path, int create,
	    char out[static TT_TOKEN_LEN + 1], char **cause);
/* Whether given (len bytes) is want, in time that depends only on want. */
int	 tt_token_equal(const char *given, size_t len, const char *want);

/* Which rules a route follows; the ws/ route table says. */
enum tt_route_class {
	TT_ROUTE_INGEST,
	TT_ROUTE_CONTROL,
	TT_ROUTE_REGISTRY,
	TT_ROUTE_READ,
	TT_ROUTE_UPGRADE,
	TT_ROUTE_HISTORY
};

/* One request as the policy sees it.  NULL or "": the header is absent. */
struct tt_auth_request {
	enum tt_route_class	 route;
	const char		*host;		/* or h2 :authority */
	const char		*origin;
	const char		*fetch_site;	/* Sec-Fetch-Site */
	const char		*content_type;
	const char		*authorization;
	const char		*query_token;	/* ?token=, decoded */
	const char		*api_key;	/* PostHog's, if known */
};

/* What the collector was started with. */
struct tt_auth_policy {
	const char	*token;		/* 64 hex digits; NULL: none */
	int		 token_required; /* ingest, registry, upgrade */
	const char	*listen_host;	/* of --listen; "" all */
	int		 listen_port;	/* as bound (not 0) */
};

/* The verdict is the HTTP status to answer with; 0 lets the request in. */
enum tt_auth_verdict {
	TT_AUTH_ALLOW = 0,
	TT_AUTH_UNAUTHORIZED = 401,	/* with WWW-Authenticate */
	TT_AUTH_FORBIDDEN = 403
};

/* Why: name, verdict, what the sender is told. */
#define TT_AUTH_REASON_LIST(_)						\
	_(OK, TT_AUTH_ALLOW, "allowed")					\
	_(BROWSER, TT_AUTH_FORBIDDEN,					\
	    "a browser page may not change the opt-out registry")	\
	_(FORM, TT_AUTH_FORBIDDEN,					\
	    "a form or text/plain body may not change the opt-out "	\
	    "registry: send application/json")				\
	_(CTYPE, TT_AUTH_FORBIDDEN,					\
	    "a control route takes application/json")			\
	_(HOST, TT_AUTH_FORBIDDEN,					\
	    "Host header does not name this collector")			\
	_(WS_ORIGIN, TT_AUTH_FORBIDDEN,					\
	    "a WebSocket from another site's page is refused: Origin "	\
	    "is not this collector")					\
	_(HISTORY_ORIGIN, TT_AUTH_FORBIDDEN,				\
	    "another site's page may not read the events: Origin is "	\
	    "not this collector")					\
	_(TOKEN, TT_AUTH_UNAUTHORIZED,					\
	    "missing or wrong token: see `teltop token`")		\
	_(NO_TOKEN, TT_AUTH_UNAUTHORIZED,				\
	    "the collector has no token to check against (see its log)")

#define TT_AUTH_REASON_ENUM(name, verdict, text) TT_AUTH_R_##name,
enum tt_auth_reason {
	TT_AUTH_REASON_LIST(TT_AUTH_REASON_ENUM)
	TT_AUTH_NREASONS
};
#undef TT_AUTH_REASON_ENUM

/* Decide on one request; *why (if not NULL) says why. */
enum tt_auth_verdict tt_auth_check(const struct tt_auth_policy *,
	    const struct tt_auth_request *, enum tt_auth_reason *why);
/* What the sender is told for a reason. */
const char	*tt_auth_reason_text(enum tt_auth_reason);

/* Whether a host (no port) is 127.0.0.0/8, ::1, [::1] or localhost. */
int	 tt_auth_listen_is_loopback(const char *host);
/*
 * Whether --listen host may be used with these flags.  0: loopback, nothing
 * to say; 1: allowed, *msg is a warning for the log; -1: refused, *msg says
 * what to pass.  *msg: caller frees.
 */
int	 tt_auth_listen_check(const char *host, int token_required,
	    int insecure_public, char **msg);

#endif
