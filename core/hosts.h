/*
 * The telemetry hosts teltop intercepts when it is a tool's HTTPS proxy
 * (capture): one row per host with the tool it belongs to, extended by
 * --intercept HOST and the config file.  Every other host is tunnelled
 * untouched.  Also the small parsers the proxy needs: a CONNECT target
 * (host:port), a host name, and Proxy-Authorization.
 *
 * Pure: libc only, no I/O.
 */
#ifndef TT_HOSTS_H
#define TT_HOSTS_H

#include <stddef.h>

#include "core/event.h"

#define TT_HOST_MAX		253	/* a DNS name's length */
#define TT_INTERCEPT_MAX	64	/* hosts intercepted at once */

struct tt_host {
	char		 name[TT_HOST_MAX + 1];	/* lower case, no dot at end */
	enum tt_source	 source;	/* the tool it belongs to */
	const char	*what;		/* "DevPod analytics", ...: static */
	int		 builtin;	/* from the table, not added */
};

/* The built-in table (formats.md §3-§5, §7). */
extern const struct tt_host	tt_hosts_builtin[];
extern const size_t		tt_hosts_builtin_count;

/* The hosts intercepted: the table plus what was added. */
struct tt_intercept {
	struct tt_host	 host[TT_INTERCEPT_MAX];
	size_t		 n;
};

/* The built-in table only. */
void		 tt_intercept_init(struct tt_intercept *);
/*
 * Add a host (any case, one dot at the end ignored; validated by
 * tt_host_valid).  0 added or already there (a host already there keeps
 * its row and source); -1 with *why (static text; why may be NULL) when
 * the name is not a host name, the source is not one, or the set is full.
 */
int		 tt_intercept_add(struct tt_intercept *, const char *host,
		     enum tt_source, const char **why);
/* The row of host (any case, one dot at the end ignored), or NULL: tunnel
 * it. */
const struct tt_host *tt_intercept_find(const struct tt_intercept *,
		     const char *host);

/*
 * 1 if s is a DNS host name teltop may intercept: labels of letters,
 * digits and '-' (not at either end), 1-63 bytes each, at least two
 * labels, not all-numeric (no IP addresses: the last label is neither
 * digits nor 0x-hex), 253 bytes at most.  One dot at the end (the root)
 * is allowed and not counted.  0 for NULL.
 */
int		 tt_host_valid(const char *s);

/*
 * A CONNECT request target: "host:port" or "[v6]:port" (RFC 7231 4.3.6:
 * the port is required, digits only, 1-65535).  The host is checked
 * loosely, since a tunnel may go anywhere: dot-separated labels of
 * letters, digits, '-' and '_', so one label and IPv4 literals pass; in
 * brackets, an IPv6 address (no zone).  One dot at the end is dropped.
 * host gets the name (lower-cased, brackets removed), *port the port.
 * 0, or -1 with *why (static text; why may be NULL), host "" and *port 0.
 */
int		 tt_authority_parse(const char *s, char *host, size_t hostlen,
		     int *port, const char **why);

/*
 * Does a Proxy-Authorization value carry the token?  Accepted forms:
 * "Bearer TOKEN", and "Basic base64(user:TOKEN)" with any user (what a
 * proxy URL http://teltop:TOKEN@host:port makes curl, Go and Node send).
 * 1 yes, 0 no (also for NULL).  Compared in constant time.
 */
int		 tt_proxy_auth_ok(const char *value, const char *token);

#endif
