/*
 * The control token and the request policy (see auth.h for the rules).
 *
 * The token file is published whole or not at all: the token is written to
 * a private temporary file (O_CREAT|O_EXCL, 0600) in the same directory,
 * which is then link(2)ed to its name.  link() fails with EEXIST when
 * another process got there first, and then that process's token is read
 * instead, so racing creators end with one token and nobody reads a
 * half-written file.
 *
 * Host and Origin name the collector when they carry its port and either
 * localhost, the --listen host itself, any loopback address when it listens
 * on loopback, or any IP address when it listens on every interface.  A DNS
 * name other than localhost or the --listen name is refused: that is what a
 * DNS rebinding page sends, and an IP literal cannot be rebound.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "auth.h"
#include "xmalloc.h"

#define HOST_MAX	256	/* bytes of a host name in Host or Origin */

/* Which places a token may come from. */
#define FROM_BEARER	0x1
#define FROM_QUERY	0x2
#define FROM_API_KEY	0x4

static const struct {
	enum tt_auth_verdict	 verdict;
	const char		*text;
} reasons[] = {
#define TT_AUTH_REASON_ROW(name, verdict, text) { verdict, text },
	TT_AUTH_REASON_LIST(TT_AUTH_REASON_ROW)
#undef TT_AUTH_REASON_ROW
};

char *
tt_token_path(const char *db)
{
	const char	*slash;

	if ((slash = strrchr(db, '/')) == NULL)
		return xstrdup(TT_TOKEN_FILE);
	return xasprintf("%.*s/%s", (int)(slash - db), db, TT_TOKEN_FILE);
}

/* Fill buf with len bytes from getrandom(2); -1 and errno on failure. */
static int
random_bytes(unsigned char *buf, size_t len)
{
	ssize_t	n;
	size_t	got = 0;

	while (got < len) {
		n = getrandom(buf + got, len - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* Lowercase hex of len bytes into out (2 * len + 1 bytes). */
static void
hex_encode(const unsigned char *p, size_t len, char *out)
{
	static const char	digits[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0xf];
	}
	out[2 * len] = '\0';
}

/* Whether s is a token as this file makes them: TT_TOKEN_LEN hex digits. */
static int
token_valid(const char *s)
{
	size_t	i;

	if (s == NULL)
		return 0;
	for (i = 0; i < TT_TOKEN_LEN; i++)
		if (!isdigit((unsigned char)s[i]) && (s[i] < 'a' || s[i] > 'f'))
			return 0;
	return s[i] == '\0';
}

/* Check an open token file and read its token into out. */
static int
token_read(int fd, const char *path, char *out, char **cause)
{
	struct stat	st;
	char		buf[TT_TOKEN_LEN + 8];
	ssize_t		n;
	size_t		len = 0;

	if (fstat(fd, &st) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*cause = xasprintf("%s is not a regular file: remove it for a "
		    "new token", path);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		*cause = xasprintf("%s belongs to uid %u, not to you (uid %u): "
		    "remove it for a new token", path, (unsigned)st.st_uid,
		    (unsigned)geteuid());
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		*cause = xasprintf("%s is open to group or others (mode %04o): "
		    "chmod 600 %s, or remove it for a new token", path,
		    (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	while (len < sizeof buf) {
		n = read(fd, buf + len, sizeof buf - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*cause = xasprintf("%s: %s", path, strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len == TT_TOKEN_LEN + 1 && buf[TT_TOKEN_LEN] == '\n')
		len--;
	if (len != TT_TOKEN_LEN)
		goto bad;
	buf[len] = '\0';
	if (!token_valid(buf))
		goto bad;
	memcpy(out, buf, TT_TOKEN_LEN + 1);
	return 0;
bad:
	*cause = xasprintf("%s does not hold a teltop token (%d hex digits): "
	    "remove it for a new token", path, TT_TOKEN_LEN);
	return -1;
}

/* The directory part of path, for fsync.  Caller frees. */
static char *
dir_of(const char *path)
{
	const char	*slash;

	if ((slash = strrchr(path, '/')) == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* Make the token file: 0 made (out holds it), 1 another process won. */
static int
token_create(const char *path, char *out, char **cause)
{
	unsigned char	 raw[TT_TOKEN_BYTES], tag[6];
	char		 line[TT_TOKEN_LEN + 2], tagx[2 * sizeof tag + 1];
	char		*tmp, *dir;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd;

	if (random_bytes(raw, sizeof raw) != 0 ||
	    random_bytes(tag, sizeof tag) != 0) {
		*cause = xasprintf("cannot make a token: getrandom: %s",
		    strerror(errno));
		return -1;
	}
	hex_encode(raw, sizeof raw, line);
	line[TT_TOKEN_LEN] = '\n';
	line[TT_TOKEN_LEN + 1] = '\0';
	hex_encode(tag, sizeof tag, tagx);
	tmp = xasprintf("%s.%s.new", path, tagx);
	fd = open(tmp, O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0600);
	if (fd < 0) {
		*cause = xasprintf("cannot create %s: %s", tmp,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	while (len < TT_TOKEN_LEN + 1) {
		n = write(fd, line + len, TT_TOKEN_LEN + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	if (len != TT_TOKEN_LEN + 1 || fsync(fd) != 0) {
		*cause = xasprintf("cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		goto error;
	}
	close(fd);
	if (link(tmp, path) != 0) {
		if (errno == EEXIST) {
			unlink(tmp);
			free(tmp);
			return 1;
		}
		*cause = xasprintf("cannot create %s: %s", path,
		    strerror(errno));
		goto error;
	}
	unlink(tmp);
	free(tmp);

	/* The new name should survive a crash, or senders get a new token. */
	dir = dir_of(path);
	if ((fd = open(dir, O_RDONLY|O_DIRECTORY|O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
	line[TT_TOKEN_LEN] = '\0';
	memcpy(out, line, TT_TOKEN_LEN + 1);
	return 0;
error:
	unlink(tmp);
	free(tmp);
	return -1;
}

int
tt_token_load(const char *path, int create, char out[static TT_TOKEN_LEN + 1],
    char **cause)
{
	int	fd, rc, tries;

	*cause = NULL;
	for (tries = 0; tries < 3; tries++) {
		fd = open(path, O_RDONLY|O_NOFOLLOW|O_NONBLOCK|O_NOCTTY|
		    O_CLOEXEC);
		if (fd >= 0) {
			rc = token_read(fd, path, out, cause);
			close(fd);
			return rc;
		}
		if (errno == ELOOP) {
			*cause = xasprintf("%s is a symbolic link: remove it "
			    "for a new token", path);
			return -1;
		}
		if (errno != ENOENT) {
			*cause = xasprintf("%s: %s", path, strerror(errno));
			return -1;
		}
		if (!create) {
			*cause = xasprintf("no token at %s yet (`teltop token` "
			    "makes one)", path);
			return -1;
		}
		if ((rc = token_create(path, out, cause)) <= 0)
			return rc;
		/* Another process made it: read theirs. */
	}
	*cause = xasprintf("%s keeps appearing and vanishing", path);
	return -1;
}

int
tt_token_equal(const char *given, size_t len, const char *want)
{
	volatile unsigned char	d;
	size_t			i, n;

	if (given == NULL || want == NULL || (n = strlen(want)) == 0)
		return 0;
	d = len != n;
	for (i = 0; i < n; i++)
		d |= (unsigned char)want[i] ^
		    (unsigned char)(i < len ? given[i] : 0);
	return d == 0;
}

const char *
tt_auth_reason_text(enum tt_auth_reason r)
{
	if ((size_t)r >= TT_AUTH_NREASONS)
		return "unknown reason";
	return reasons[r].text;
}

/* Whether a header value is there. */
static int
present(const char *s)
{
	return s != NULL && *s != '\0';
}

/* Copy host into buf without the brackets of an IPv6 literal. */
static void
unbracket(const char *host, char *buf, size_t len)
{
	size_t	n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
		snprintf(buf, len, "%.*s", (int)(n - 2), host + 1);
	else
		snprintf(buf, len, "%s", host);
}

/* Parse an IP literal (no brackets): its family, or 0 if it is a name. */
static int
ip_parse(const char *host, unsigned char addr[16])
{
	if (inet_pton(AF_INET, host, addr) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, host, addr) == 1)
		return AF_INET6;
	return 0;
}

/* Whether an address is 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104. */
static int
ip_loopback(int family, const unsigned char *a)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0xff, 0xff };

	if (family == AF_INET)
		return a[0] == 127;
	if (family != AF_INET6)
		return 0;
	if (memcmp(a, &in6addr_loopback, 16) == 0)
		return 1;
	return memcmp(a, mapped, sizeof mapped) == 0 && a[12] == 127;
}

int
tt_auth_listen_is_loopback(const char *host)
{
	char		buf[HOST_MAX];
	unsigned char	addr[16];
	int		family;

	if (host == NULL)
		return 0;
	unbracket(host, buf, sizeof buf);
	if (strcasecmp(buf, "localhost") == 0)
		return 1;
	family = ip_parse(buf, addr);
	return ip_loopback(family, addr);
}

/* Whether --listen host binds every interface. */
static int
listen_wildcard(const char *host)
{
	return *host == '\0' || strcmp(host, "*") == 0 ||
	    strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0;
}

/*
 * Split an authority ("host", "host:port", "[v6]", "[v6]:port") into a
 * lowercase host without brackets and a port, defport when there is none.
 */
static int
authority_parse(const char *s, char *host, size_t hostlen, int *port,
    int defport)
{
	const char	*end, *colon;
	size_t		 n, i;
	long		 p;

	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL)
			return -1;
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL)
			return -1;
		s++;
	} else {
		colon = strchr(s, ':');
		end = colon != NULL ? colon : s + strlen(s);
		if (colon != NULL && strchr(colon + 1, ':') != NULL)
			return -1;	/* IPv6 without brackets */
	}
	n = (size_t)(end - s);
	if (n == 0 || n >= hostlen)
		return -1;
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] <= ' ' || s[i] == '/' || s[i] == '@')
			return -1;
		host[i] = (char)tolower((unsigned char)s[i]);
	}
	host[n] = '\0';
	*port = defport;
	if (colon == NULL || colon[1] == '\0')
		return 0;
	p = 0;
	for (i = 1; colon[i] != '\0'; i++) {
		if (!isdigit((unsigned char)colon[i]) || i > 5)
			return -1;
		p = p * 10 + (colon[i] - '0');
	}
	if (p > 65535)
		return -1;
	*port = (int)p;
	return 0;
}

/* Whether host and port (from Host or Origin) name this collector. */
static int
names_us(const struct tt_auth_policy *pol, const char *host, int port)
{
	char		lh[HOST_MAX];
	unsigned char	a[16], b[16];
	int		fa, fb;

	if (port != pol->listen_port)
		return 0;
	if (strcmp(host, "localhost") == 0)
		return 1;
	unbracket(pol->listen_host != NULL ? pol->listen_host : "", lh,
	    sizeof lh);
	if ((fa = ip_parse(host, a)) == 0)
		return strcasecmp(host, lh) == 0;
	if (listen_wildcard(lh))
		return 1;
	if (ip_loopback(fa, a) && tt_auth_listen_is_loopback(lh))
		return 1;
	fb = ip_parse(lh, b);
	return fb == fa && memcmp(a, b, fa == AF_INET ? 4 : 16) == 0;
}

/* Whether the Host header names this collector. */
static int
host_ok(const struct tt_auth_policy *pol, const char *value)
{
	char	host[HOST_MAX];
	int	port;

	if (!present(value) ||
	    authority_parse(value, host, sizeof host, &port, 80) != 0)
		return 0;
	return names_us(pol, host, port);
}

/* Whether an Origin is this collector's own, http://HOST:PORT. */
static int
origin_ok(const struct tt_auth_policy *pol, const char *value)
{
	char	host[HOST_MAX];
	int	port;

	if (strncasecmp(value, "http://", 7) != 0 ||
	    authority_parse(value + 7, host, sizeof host, &port, 80) != 0)
		return 0;
	return names_us(pol, host, port);
}

/* Whether a Content-Type's media type is type (parameters ignored). */
static int
media_is(const char *ct, const char *type)
{
	size_t	n = strlen(type);

	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, type, n) != 0)
		return 0;
	ct += n;
	return *ct == '\0' || *ct == ';' || *ct == ' ' || *ct == '\t';
}

/* The token of "Authorization: Bearer TOKEN"; 0 if there is none. */
static int
bearer(const char *auth, const char **tok, size_t *len)
{
	const char	*p = auth, *end;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, "bearer", 6) != 0 || (p[6] != ' ' && p[6] != '\t'))
		return 0;
	p += 6;
	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*tok = p;
	*len = (size_t)(end - p);
	return 1;
}

/* Whether the token came from one of the places in from. */
static enum tt_auth_reason
need_token(const struct tt_auth_policy *pol, const struct tt_auth_request *rq,
    int from)
{
	const char	*tok;
	size_t		 len;
	int		 ok = 0;

	if (!token_valid(pol->token))
		return TT_AUTH_R_NO_TOKEN;
	if ((from & FROM_BEARER) && present(rq->authorization) &&
	    bearer(rq->authorization, &tok, &len))
		ok |= tt_token_equal(tok, len, pol->token);
	if ((from & FROM_QUERY) && present(rq->query_token))
		ok |= tt_token_equal(rq->query_token, strlen(rq->query_token),
		    pol->token);
	if ((from & FROM_API_KEY) && present(rq->api_key))
		ok |= tt_token_equal(rq->api_key, strlen(rq->api_key),
		    pol->token);
	return ok ? TT_AUTH_R_OK : TT_AUTH_R_TOKEN;
}

/* A route that changes state: no browser, our Host, the Bearer token. */
static enum tt_auth_reason
check_control(const struct tt_auth_policy *pol,
    const struct tt_auth_request *rq)
{
	const char	*ct = rq->content_type;

	if (present(rq->origin) || present(rq->fetch_site))
		return TT_AUTH_R_BROWSER;
	if (present(ct)) {
		if (media_is(ct, "application/x-www-form-urlencoded") ||
		    media_is(ct, "multipart/form-data") ||
		    media_is(ct, "text/plain"))
			return TT_AUTH_R_FORM;
		if (!media_is(ct, "application/json"))
			return TT_AUTH_R_CTYPE;
	}
	if (!host_ok(pol, rq->host))
		return TT_AUTH_R_HOST;
	/* A query token would end up in logs and shell history. */
	return need_token(pol, rq, FROM_BEARER);
}

enum tt_auth_verdict
tt_auth_check(const struct tt_auth_policy *pol,
    const struct tt_auth_request *rq, enum tt_auth_reason *why)
{
	enum tt_auth_reason	r;

	switch (rq->route) {
	case TT_ROUTE_CONTROL:
		r = check_control(pol, rq);
		break;
	case TT_ROUTE_REGISTRY:
		if (!host_ok(pol, rq->host))
			r = TT_AUTH_R_HOST;
		else if (pol->token_required)
			r = need_token(pol, rq, FROM_BEARER|FROM_QUERY);
		else
			r = TT_AUTH_R_OK;
		break;
	case TT_ROUTE_READ:
		r = TT_AUTH_R_OK;
		break;
	case TT_ROUTE_HISTORY:
		/* what was stored is its owner's: the token, always */
		if (!host_ok(pol, rq->host))
			r = TT_AUTH_R_HOST;
		else if (present(rq->origin) && !origin_ok(pol, rq->origin))
			r = TT_AUTH_R_HISTORY_ORIGIN;
		else
			r = need_token(pol, rq, FROM_BEARER|FROM_QUERY);
		break;
	case TT_ROUTE_UPGRADE:
		if (present(rq->origin) && !origin_ok(pol, rq->origin))
			r = TT_AUTH_R_WS_ORIGIN;
		else if (pol->token_required)
			r = need_token(pol, rq, FROM_BEARER|FROM_QUERY);
		else
			r = TT_AUTH_R_OK;
		break;
	case TT_ROUTE_INGEST:
		if (pol->token_required)
			r = need_token(pol, rq,
			    FROM_BEARER|FROM_QUERY|FROM_API_KEY);
		else
			r = TT_AUTH_R_OK;
		break;
	default:
		fatal("tt_auth_check: route class %d", (int)rq->route);
	}
	if (why != NULL)
		*why = r;
	return reasons[r].verdict;
}

int
tt_auth_listen_check(const char *host, int token_required,
    int insecure_public, char **msg)
{
	const char	*shown = present(host) ? host : "every interface";

	*msg = NULL;
	if (token_required && insecure_public) {
		*msg = xstrdup("--token-required and --insecure-public "
		    "contradict each other: choose one");
		return -1;
	}
	if (tt_auth_listen_is_loopback(host))
		return 0;
	if (token_required) {
		*msg = xasprintf("listening on %s, not a loopback address: "
		    "senders need the token of `teltop token` (as Bearer, "
		    "?token= or PostHog api_key)", shown);
		return 1;
	}
	if (insecure_public) {
		*msg = xasprintf("listening on %s without a token "
		    "(--insecure-public): anyone who can reach it can send "
		    "events", shown);
		return 1;
	}
	*msg = xasprintf("--listen %s is not a loopback address, so anyone who "
	    "can reach it could send events: add --token-required (senders "
	    "then need `teltop token`), or --insecure-public to allow it",
	    shown);
	return -1;
}
