/*
 * The intercepted-host table and the proxy's small parsers (see hosts.h).
 *
 * What stays true:
 * - every name in a struct tt_intercept is lower case, has no dot at the
 *   end and passes tt_host_valid(); n never exceeds TT_INTERCEPT_MAX and
 *   the built-in rows come first, in table order;
 * - a host is looked up whole (no wildcard, no parent domain), in any
 *   case, with or without one dot at the end ("Analytics.Loft.Rocks."
 *   is analytics.loft.rocks);
 * - case folding is ASCII only, never the locale's (the UI sets one, and
 *   a Turkish locale must not turn "I" into a dotless i);
 * - the proxy token is compared with tt_token_equal() of core/auth.c, in
 *   time that depends on the token only, and a decoded Basic credential
 *   is wiped before return.
 *
 * The base64 of Basic credentials is decoded here, not by lws's
 * lws_b64_decode_string(): core/ links no lws, and the decoder is twenty
 * lines over a bounded buffer.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "auth.h"
#include "hosts.h"

#define LABEL_MAX	63	/* bytes of one DNS label */
#define CRED_MAX	1024	/* bytes of a decoded Basic credential */

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

const struct tt_host tt_hosts_builtin[] = {
	{ "analytics.loft.rocks", TT_SRC_DEVPOD,
	    "DevPod analytics (\xe2\x89\xa5 v0.6.6), early Devsy", 1 },
	{ "admin.loft.sh", TT_SRC_DEVPOD,
	    "DevPod legacy analytics (\xe2\x89\xa4 v0.6.5)", 1 },
	{ "telemetry.devtron.ai", TT_SRC_DEVTRON,
	    "Devtron bootstrap and opt-out check", 1 },
	{ "us.i.posthog.com", TT_SRC_POSTHOG,
	    "PostHog US cloud: Devsy CLI and desktop", 1 },
	{ "eu.i.posthog.com", TT_SRC_POSTHOG, "PostHog EU cloud", 1 },
	{ "app.posthog.com", TT_SRC_POSTHOG,
	    "PostHog, Devtron's fallback endpoint", 1 },
};
const size_t	tt_hosts_builtin_count = nitems(tt_hosts_builtin);

_Static_assert(nitems(tt_hosts_builtin) <= TT_INTERCEPT_MAX,
    "the built-in table does not fit a struct tt_intercept");

/* What an added host's row says it is. */
static const char	added_what[] = "added (--intercept or the config file)";

/* Set *why if the caller wants it; return -1. */
static int
fail(const char **why, const char *text)
{
	if (why != NULL)
		*why = text;
	return -1;
}

/* ASCII lower case of c, whatever the locale. */
static char
ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* An ASCII letter or digit. */
static int
ascii_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* Whether the n bytes at s are lower, in any case (lower is lower case). */
static int
ascii_caseeq(const char *s, size_t n, const char *lower)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (lower[i] == '\0' || ascii_lower(s[i]) != lower[i])
			return 0;
	return lower[n] == '\0';
}

/* The length of s without one dot at its end. */
static size_t
strip_dot(const char *s, size_t n)
{
	return n > 0 && s[n - 1] == '.' ? n - 1 : n;
}

/*
 * Check the n bytes at s as dot-separated labels of letters, digits and
 * '-' (and '_' with loose), 1-63 bytes each, no '-' at either end of one,
 * 253 bytes at most.  The number of labels, or -1 with *why.
 */
static int
labels_check(const char *s, size_t n, int loose, int *numeric_last,
    const char **why)
{
	size_t	i, start = 0;
	int	labels = 0, digits = 1;

	if (n == 0)
		return fail(why, "empty host name");
	if (n > TT_HOST_MAX)
		return fail(why, "host name longer than 253 bytes");
	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (i == start)
				return fail(why, "empty label in host name");
			if (i - start > LABEL_MAX)
				return fail(why, "label of a host name "
				    "longer than 63 bytes");
			if (s[start] == '-' || s[i - 1] == '-')
				return fail(why, "a label of a host name "
				    "begins or ends with '-'");
			labels++;
			if (i < n) {
				start = i + 1;
				digits = 1;
			}
			continue;
		}
		if (!ascii_alnum(s[i]) && s[i] != '-' &&
		    !(loose && s[i] == '_'))
			return fail(why, "host name has a byte other than "
			    "letters, digits, '-' and '.'");
		if (s[i] < '0' || s[i] > '9')
			digits = 0;
	}
	/* "0x7f" as a last label: inet_aton() reads it as a number. */
	if (n - start >= 2 && s[start] == '0' && ascii_lower(s[start + 1]) ==
	    'x') {
		digits = 1;
		for (i = start + 2; i < n; i++)
			if (!(s[i] >= '0' && s[i] <= '9') &&
			    !(ascii_lower(s[i]) >= 'a' && ascii_lower(s[i]) <=
			    'f'))
				digits = 0;
	}
	*numeric_last = digits;
	return labels;
}

/* tt_host_valid() on the n bytes at s (no dot at the end). */
static int
host_valid(const char *s, size_t n, const char **why)
{
	int	labels, numeric;

	if ((labels = labels_check(s, n, 0, &numeric, why)) == -1)
		return 0;
	if (labels < 2) {
		fail(why, "a host name needs at least two labels "
		    "(example.com)");
		return 0;
	}
	if (numeric) {
		fail(why, "an IP address, not a host name");
		return 0;
	}
	return 1;
}

/* Whether s is a host name teltop may intercept (see hosts.h). */
int
tt_host_valid(const char *s)
{
	if (s == NULL)
		return 0;
	return host_valid(s, strip_dot(s, strlen(s)), NULL);
}

/* Start a set with the built-in table. */
void
tt_intercept_init(struct tt_intercept *ic)
{
	memset(ic, 0, sizeof *ic);
	memcpy(ic->host, tt_hosts_builtin, sizeof tt_hosts_builtin);
	ic->n = tt_hosts_builtin_count;
}

/* The row of the n bytes at s in any case, or NULL. */
static const struct tt_host *
find(const struct tt_intercept *ic, const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < ic->n; i++)
		if (ascii_caseeq(s, n, ic->host[i].name))
			return &ic->host[i];
	return NULL;
}

/* Add a host to the set; a host already there keeps its row. */
int
tt_intercept_add(struct tt_intercept *ic, const char *host,
    enum tt_source source, const char **why)
{
	struct tt_host	*h;
	size_t		 n, i;

	if (host == NULL)
		return fail(why, "no host name");
	n = strip_dot(host, strlen(host));
	if (!host_valid(host, n, why))
		return -1;
	if ((unsigned)source >= TT_SRC_COUNT)
		return fail(why, "unknown source");
	if (find(ic, host, n) != NULL)
		return 0;
	if (ic->n >= TT_INTERCEPT_MAX)
		return fail(why, "too many intercepted hosts (64 at most)");
	h = &ic->host[ic->n++];
	for (i = 0; i < n; i++)
		h->name[i] = ascii_lower(host[i]);
	h->name[n] = '\0';
	h->source = source;
	h->what = added_what;
	h->builtin = 0;
	return 0;
}

/* The row of a host, or NULL: tunnel it. */
const struct tt_host *
tt_intercept_find(const struct tt_intercept *ic, const char *host)
{
	size_t	n;

	if (ic == NULL || host == NULL)
		return NULL;
	n = strip_dot(host, strlen(host));
	if (n == 0 || n > TT_HOST_MAX)
		return NULL;
	return find(ic, host, n);
}

/* Read the port after an authority's colon: digits only, 1-65535. */
static int
port_parse(const char *s, int *port, const char **why)
{
	size_t	i;
	long	p = 0;

	if (*s == '\0')
		return fail(why, "no port after ':'");
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fail(why, "port is not a number");
		if (i >= 5)
			return fail(why, "port out of range (1-65535)");
		p = p * 10 + (s[i] - '0');
	}
	if (p < 1 || p > 65535)
		return fail(why, "port out of range (1-65535)");
	*port = (int)p;
	return 0;
}

/* Parse "[v6]:port" or "host:port" (see hosts.h). */
int
tt_authority_parse(const char *s, char *host, size_t hostlen, int *port,
    const char **why)
{
	struct in6_addr	 a6;
	char		 v6[INET6_ADDRSTRLEN + 1];
	const char	*h, *colon, *end;
	size_t		 n, i;
	int		 p, numeric;

	if (host != NULL && hostlen > 0)
		host[0] = '\0';
	if (port != NULL)
		*port = 0;
	if (s == NULL || *s == '\0')
		return fail(why, "empty CONNECT target");
	if (host == NULL || port == NULL)
		return fail(why, "nowhere to put the host and port");
	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL)
			return fail(why, "'[' without ']'");
		h = s + 1;
		n = (size_t)(end - h);
		if (end[1] != ':')
			return fail(why, "no port after ']' (host:port)");
		colon = end + 1;
		if (n == 0 || n >= sizeof v6)
			return fail(why, "not an IPv6 address in brackets");
		memcpy(v6, h, n);
		v6[n] = '\0';
		if (inet_pton(AF_INET6, v6, &a6) != 1)
			return fail(why, "not an IPv6 address in brackets");
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return fail(why, "no port (host:port)");
		if (memchr(s, ':', (size_t)(colon - s)) != NULL)
			return fail(why, "an IPv6 address needs brackets "
			    "([::1]:443)");
		h = s;
		n = strip_dot(s, (size_t)(colon - s));
		if (labels_check(h, n, 1, &numeric, why) == -1)
			return -1;
	}
	if (port_parse(colon + 1, &p, why) != 0)
		return -1;
	if (n >= hostlen)
		return fail(why, "host name too long for its buffer");
	for (i = 0; i < n; i++)
		host[i] = ascii_lower(h[i]);
	host[n] = '\0';
	*port = p;
	return 0;
}

/* The value of a base64 character, or -1. */
static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decode n bytes of standard base64 (padding optional, none inside) into
 * out (max bytes).  The length decoded, or -1 if it is not base64 or does
 * not fit.
 */
static int
b64_decode(const char *s, size_t n, unsigned char *out, size_t max)
{
	size_t		i, len = 0;
	uint32_t	acc = 0;
	int		v, bits = 0;

	if (n % 4 == 0 && n > 0 && s[n - 1] == '=') {
		n--;
		if (s[n - 1] == '=')
			n--;
	}
	if (n % 4 == 1)
		return -1;
	for (i = 0; i < n; i++) {
		if ((v = b64_value((unsigned char)s[i])) == -1)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (len >= max)
				return -1;
			out[len++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return (int)len;
}

/* A space or tab (HTTP's OWS). */
static int
ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Whether a Proxy-Authorization value carries the token (see hosts.h). */
int
tt_proxy_auth_ok(const char *value, const char *token)
{
	unsigned char	 cred[CRED_MAX];
	const char	*p, *end, *colon;
	size_t		 n;
	int		 len, ok;

	if (value == NULL || token == NULL || *token == '\0')
		return 0;
	for (p = value; ows(*p); p++)
		/* nothing */;
	for (n = 0; p[n] != '\0' && !ows(p[n]); n++)
		/* nothing */;
	end = p + n;
	if (!ows(*end))
		return 0;	/* a scheme and nothing else */
	while (ows(*end))
		end++;
	value = end;
	end = value + strlen(value);
	while (end > value && ows(end[-1]))
		end--;
	if (end == value)
		return 0;

	if (ascii_caseeq(p, n, "bearer"))
		return tt_token_equal(value, (size_t)(end - value), token);
	if (!ascii_caseeq(p, n, "basic"))
		return 0;
	len = b64_decode(value, (size_t)(end - value), cred, sizeof cred);
	if (len < 0)
		return 0;
	/* user-id ":" password, and a user-id has no colon (RFC 7617). */
	if ((colon = memchr(cred, ':', (size_t)len)) == NULL)
		ok = 0;
	else {
		colon++;
		ok = tt_token_equal(colon,
		    (size_t)len - (size_t)(colon - (const char *)cred), token);
	}
	explicit_bzero(cred, sizeof cred);
	return ok;
}
