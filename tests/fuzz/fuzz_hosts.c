/*
 * libFuzzer target: the capture proxy's parsers and the config file
 * (core/hosts.c, core/config.c).  The low two bits of the first byte pick
 * what the rest of the input feeds ('0'..'3' in a text seed):
 *   0  tt_authority_parse() and tt_host_valid() of the rest up to its NUL
 *   1  tt_proxy_auth_ok(): the value up to the first NUL, the token after
 *   2  tt_config_parse() of the rest, NUL bytes and all
 *   3  tt_host_valid(), tt_intercept_add() and tt_intercept_find()
 * Properties checked: return values are what hosts.h and config.h say; a
 * parsed authority is lower case, re-parses to itself and needs exactly
 * its length of buffer; a valid host name is no IPv4 address to
 * inet_aton(), is a valid authority with any port and is found, in any
 * case, once added; the token in Basic (any user) or Bearer is accepted;
 * a config that fails leaves the config unchanged with a printable
 * "name:" message, one that parses holds only valid lower-case hosts,
 * keeps the built-in rows and parses again to the same result.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "fuzz.h"
#include "core/config.h"
#include "core/hosts.h"

#define CRED_MAX	1024	/* core/hosts.c: a decoded Basic credential */

/* Whether a host name has an ASCII upper-case letter. */
static int
has_upper(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			return 1;
	return 0;
}

/* s without one dot at the end, ASCII lower case, into out. */
static void
canonical(const char *s, char *out, size_t size)
{
	size_t	n = strlen(s), i;

	if (n > 0 && s[n - 1] == '.')
		n--;
	FUZZ_CHECK(n < size, "\"%s\" does not fit", s);
	for (i = 0; i < n; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i];
	out[n] = '\0';
}

/* A host:port that parses, and what it must parse to. */
static void
check_authority(const char *s, const char *want_host, int want_port)
{
	char		 host[TT_HOST_MAX + 1];
	const char	*why = NULL;
	int		 port = -1;

	FUZZ_CHECK(tt_authority_parse(s, host, sizeof host, &port, &why) == 0,
	    "\"%s\" refused: %s", s, why);
	FUZZ_CHECK(strcmp(host, want_host) == 0 && port == want_port,
	    "\"%s\" -> %s %d, expected %s %d", s, host, port, want_host,
	    want_port);
}

/* Mode 0: a CONNECT target. */
static void
fuzz_authority(const char *s)
{
	char		 host[TT_HOST_MAX + 1], again[TT_HOST_MAX + 16];
	char		 canon[TT_HOST_MAX + 2], small[TT_HOST_MAX + 1];
	const char	*why = NULL;
	int		 port = -1, rc;
	size_t		 n;

	rc = tt_authority_parse(s, host, sizeof host, &port, &why);
	FUZZ_CHECK(rc == 0 || rc == -1, "rc %d", rc);
	if (rc == -1) {
		FUZZ_CHECK(why != NULL, "no reason");
		FUZZ_CHECK(host[0] == '\0' && port == 0,
		    "a refusal left %s port %d", host, port);
	} else {
		n = strlen(host);
		FUZZ_CHECK(why == NULL, "a reason on success: %s", why);
		FUZZ_CHECK(n > 0 && n <= TT_HOST_MAX, "host of %zu bytes", n);
		FUZZ_CHECK(!has_upper(host), "host %s", host);
		FUZZ_CHECK(port >= 1 && port <= 65535, "port %d", port);
		FUZZ_CHECK(strpbrk(host, " \t\r\n@/[]") == NULL,
		    "host %s", host);
		/* Put back together, it parses to itself. */
		snprintf(again, sizeof again, strchr(host, ':') != NULL ?
		    "[%s]:%d" : "%s:%d", host, port);
		check_authority(again, host, port);
		/* It needs its length and a NUL, no more. */
		FUZZ_CHECK(tt_authority_parse(s, small, n, &port, NULL) == -1,
		    "\"%s\" fits %zu bytes", s, n);
		FUZZ_CHECK(tt_authority_parse(s, small, n + 1, &port,
		    NULL) == 0 && strcmp(small, host) == 0,
		    "\"%s\" does not fit %zu bytes", s, n + 1);
	}

	/* A valid host name is a valid CONNECT target, with any port. */
	if (tt_host_valid(s)) {
		canonical(s, canon, sizeof canon);
		snprintf(again, sizeof again, "%s:443", s);
		check_authority(again, canon, 443);
		snprintf(again, sizeof again, "%s:1", s);
		check_authority(again, canon, 1);
	}
}

/* "Basic " and the base64 of "teltop:" and the token.  Caller frees. */
static char *
basic(const char *token)
{
	static const char	 a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char	*p;
	char			*cred, *out;
	size_t			 n, i, o = 6;
	uint32_t		 v;

	n = 7 + strlen(token);
	if ((cred = malloc(n + 1)) == NULL ||
	    (out = malloc(6 + 4 * (n / 3 + 1) + 1)) == NULL)
		abort();
	snprintf(cred, n + 1, "teltop:%s", token);
	memcpy(out, "Basic ", 6);
	p = (const unsigned char *)cred;
	for (i = 0; i < n; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[o++] = a[(v >> 18) & 63];
		out[o++] = a[(v >> 12) & 63];
		out[o++] = i + 1 < n ? a[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	out[o] = '\0';
	free(cred);
	return out;
}

/* A space or a tab. */
static int
ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Mode 1: a Proxy-Authorization value and a token. */
static void
fuzz_proxy_auth(const uint8_t *p, size_t n)
{
	const uint8_t	*nul;
	char		*value, *token, *v;
	size_t		 tn;
	int		 r, want;

	value = fuzz_str(p, n);
	if ((nul = memchr(p, '\0', n)) != NULL)
		token = fuzz_str(nul + 1, n - (size_t)(nul + 1 - p));
	else
		token = fuzz_str(p, 0);
	tn = strlen(token);

	r = tt_proxy_auth_ok(value, token);
	FUZZ_CHECK(r == 0 || r == 1, "r %d", r);
	if (tn == 0)
		FUZZ_CHECK(r == 0, "\"%s\" carries the empty token", value);
	FUZZ_CHECK(tt_proxy_auth_ok(NULL, token) == 0, "NULL value");
	FUZZ_CHECK(tt_proxy_auth_ok(value, NULL) == 0, "NULL token");

	/* Basic with any user carries any token that fits. */
	v = basic(token);
	want = tn > 0 && 7 + tn <= CRED_MAX;
	FUZZ_CHECK(tt_proxy_auth_ok(v, token) == want,
	    "%s for token \"%s\": %d", v, token, !want);
	free(v);

	/* Bearer carries a token without spaces or tabs at its ends. */
	if ((v = malloc(7 + tn + 1)) == NULL)
		abort();
	snprintf(v, 7 + tn + 1, "Bearer %s", token);
	want = tn > 0 && !ows(token[0]) && !ows(token[tn - 1]);
	FUZZ_CHECK(tt_proxy_auth_ok(v, token) == want,
	    "%s for token \"%s\": %d", v, token, !want);
	free(v);

	free(value);
	free(token);
}

/* Whether a message is printable ASCII. */
static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			return 0;
	return 1;
}

/* What every config that parsed holds. */
static void
check_config(const struct tt_config *cfg)
{
	const struct tt_intercept	*ic = &cfg->intercept;
	size_t				 i;

	FUZZ_CHECK(ic->n >= tt_hosts_builtin_count && ic->n <=
	    TT_INTERCEPT_MAX, "%zu hosts", ic->n);
	FUZZ_CHECK(memcmp(ic->host, tt_hosts_builtin,
	    tt_hosts_builtin_count * sizeof ic->host[0]) == 0,
	    "the built-in rows changed");
	FUZZ_CHECK((cfg->forward & ~TT_CONFIG_FORWARD_ALL) == 0,
	    "forward %#x", cfg->forward);
	for (i = 0; i < ic->n; i++) {
		FUZZ_CHECK(tt_host_valid(ic->host[i].name), "row %zu: %s", i,
		    ic->host[i].name);
		FUZZ_CHECK(!has_upper(ic->host[i].name), "row %zu: %s", i,
		    ic->host[i].name);
		FUZZ_CHECK(ic->host[i].name[strlen(ic->host[i].name) - 1] !=
		    '.', "row %zu: %s", i, ic->host[i].name);
		FUZZ_CHECK((unsigned)ic->host[i].source < TT_SRC_COUNT,
		    "row %zu: source %d", i, (int)ic->host[i].source);
		FUZZ_CHECK(ic->host[i].what != NULL, "row %zu: no what", i);
		FUZZ_CHECK(ic->host[i].builtin == (i < tt_hosts_builtin_count),
		    "row %zu: builtin %d", i, ic->host[i].builtin);
		FUZZ_CHECK(tt_intercept_find(ic, ic->host[i].name) ==
		    &ic->host[i], "row %zu: %s not found as itself", i,
		    ic->host[i].name);
	}
}

/* Mode 2: config text. */
static void
fuzz_config(const uint8_t *p, size_t n)
{
	static struct tt_config	 cfg, before, again;
	char			*cause = NULL;
	int			 rc;

	tt_config_init(&cfg);
	before = cfg;
	rc = tt_config_parse(&cfg, (const char *)p, n, "f", &cause);
	FUZZ_CHECK(rc == 0 || rc == -1, "rc %d", rc);
	if (rc == -1) {
		FUZZ_CHECK(cause != NULL && strncmp(cause, "f:", 2) == 0,
		    "cause %s", cause != NULL ? cause : "NULL");
		FUZZ_CHECK(printable(cause), "cause not printable: %s", cause);
		FUZZ_CHECK(memcmp(&cfg, &before, sizeof cfg) == 0,
		    "a failed parse changed the config");
		free(cause);
		return;
	}
	FUZZ_CHECK(cause == NULL, "cause %s on success", cause);
	check_config(&cfg);
	/* The same file once more changes nothing. */
	again = cfg;
	rc = tt_config_parse(&again, (const char *)p, n, "f", &cause);
	FUZZ_CHECK(rc == 0, "a second parse fails: %s", cause);
	FUZZ_CHECK(memcmp(&again, &cfg, sizeof cfg) == 0,
	    "a second parse changed the config");
}

/* Mode 3: a host name, added to and found in a set. */
static void
fuzz_host(const char *s)
{
	static struct tt_intercept	 ic;
	const struct tt_host		*h;
	struct in_addr			 a4;
	char				 canon[TT_HOST_MAX + 2];
	char				 other[TT_HOST_MAX + 3];
	const char			*why = NULL;
	size_t				 i, n;
	int				 valid, rc;

	valid = tt_host_valid(s);
	FUZZ_CHECK(valid == 0 || valid == 1, "valid %d", valid);
	tt_intercept_init(&ic);
	rc = tt_intercept_add(&ic, s, TT_SRC_GENERIC, &why);
	FUZZ_CHECK(rc == (valid ? 0 : -1), "valid %d, add %d (%s)", valid,
	    rc, why != NULL ? why : "");
	h = tt_intercept_find(&ic, s);
	if (!valid) {
		FUZZ_CHECK(why != NULL, "no reason");
		FUZZ_CHECK(ic.n == tt_hosts_builtin_count, "added");
		FUZZ_CHECK(h == NULL, "\"%s\" invalid but found", s);
		return;
	}
	FUZZ_CHECK(inet_aton(s, &a4) == 0, "\"%s\" is an IPv4 address", s);
	canonical(s, canon, sizeof canon);
	FUZZ_CHECK(h != NULL && strcmp(h->name, canon) == 0,
	    "\"%s\" found as %s", s, h != NULL ? h->name : "NULL");
	FUZZ_CHECK(tt_host_valid(h->name), "%s", h->name);
	/* In upper case, and with a dot at the end, it is the same row. */
	n = strlen(canon);
	for (i = 0; i <= n; i++)
		other[i] = canon[i] >= 'a' && canon[i] <= 'z' ?
		    canon[i] - 'a' + 'A' : canon[i];
	FUZZ_CHECK(tt_intercept_find(&ic, other) == h, "%s", other);
	other[n] = '.';
	other[n + 1] = '\0';
	FUZZ_CHECK(tt_intercept_find(&ic, other) == h, "%s", other);
	FUZZ_CHECK(tt_host_valid(other), "%s", other);
	other[n + 1] = '.';
	other[n + 2] = '\0';
	FUZZ_CHECK(tt_intercept_find(&ic, other) == NULL, "%s", other);
	FUZZ_CHECK(!tt_host_valid(other), "%s", other);
	/* Added again: no second row. */
	n = ic.n;
	FUZZ_CHECK(tt_intercept_add(&ic, canon, TT_SRC_WERF, NULL) == 0 &&
	    ic.n == n, "added twice");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;

	if (size == 0)
		return 0;
	switch (data[0] & 3) {
	case 0:
		s = fuzz_str(data + 1, size - 1);
		fuzz_authority(s);
		free(s);
		break;
	case 1:
		fuzz_proxy_auth(data + 1, size - 1);
		break;
	case 2:
		fuzz_config(data + 1, size - 1);
		break;
	case 3:
		s = fuzz_str(data + 1, size - 1);
		fuzz_host(s);
		free(s);
		break;
	}
	return 0;
}
