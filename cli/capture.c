/*
 * `teltop capture [--url URL] [--db PATH] -- CMD [ARG...]` and
 * `teltop capture --env`: run a command (or print the shell lines for a
 * shell) with its HTTP and HTTPS going through the collector, which is also
 * an HTTPS proxy (issue 11): it decrypts the telemetry hosts' requests with
 * a certificate minted from teltop's CA and tunnels everything else
 * untouched.  The command is told through the variables every TLS stack
 * reads: HTTPS_PROXY and friends name the collector, SSL_CERT_FILE and
 * friends a bundle of the system CAs plus teltop's CA (GET /v1/ca).
 *
 * What stays true:
 * - capture starts nothing: it asks the collector at --url (GET /healthz,
 *   GET /v1/ca), each within CAPTURE_TIMEOUT_MS;
 * - with no collector, or one without capture, or no bundle written: one
 *   line on stderr and CMD runs with the environment it would have had;
 * - CMD is exec'd in this process (there is nothing to do after it), so its
 *   terminal, stdio, signals and exit status are those of `teltop capture`;
 * - the bundle is replaced by rename(): a reader sees the old file or the
 *   new one, never a part; it holds only public certificates (0644).
 *
 * When the collector's proxy wants the token (beyond loopback, or
 * --token-required: GET /v1/ca says so), the token from the file next to
 * the database goes into the proxy URL as its password, the form curl, Go
 * and Node turn into Proxy-Authorization: Basic; otherwise it stays out of
 * the tool's environment (a tool may log or report its environment).
 * libcrypto is used for one answer only: which file holds the system CAs
 * (X509_get_default_cert_file()).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/x509.h>

#include "core/auth.h"
#include "core/xmalloc.h"
#include "ws/ca.h"
#include "child.h"
#include "cli.h"
#include "httpc.h"

#define CAPTURE_TIMEOUT_MS	1000
#define CAPTURE_CONNECT_MS	300
#define CAPTURE_AGENT		"teltop-capture"
#define CAPTURE_FILE_MAX	(16 * 1024 * 1024)	/* a CA file */
#define CAPTURE_PEM_MAX		(64 * 1024)		/* teltop's CA */
#define CAPTURE_BUNDLE		"bundle.pem"
#define CAPTURE_NO_PROXY	"localhost,127.0.0.1,::1"

/* The variables set, in the order --env prints them. */
static const char *const proxy_vars[] = {
	"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"
};
static const char *const noproxy_vars[] = { "NO_PROXY", "no_proxy" };
static const char *const ca_vars[] = {
	"SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE",
	"CURL_CA_BUNDLE"
};
#define NITEMS(a)	(sizeof (a) / sizeof (a)[0])

/* What capture found and made.  All strings are owned here. */
struct capture {
	char	*url;		/* http://HOST:PORT, for httpc */
	char	*where;		/* HOST:PORT, for messages and the proxy */
	char	*host;		/* without brackets */
	char	 token[TT_TOKEN_LEN + 1];	/* "" when none */
	int	 needs_token;	/* the proxy wants it: put it in the URL */
	char	*pem;		/* teltop's CA, from GET /v1/ca */
	size_t	 pemlen;
	char	*bundle;	/* the path written */
	char	*proxy;		/* http://[teltop:TOKEN@]HOST:PORT */
	char	*no_proxy;	/* merged */
};

/*
 * URL (http://HOST:PORT or HOST:PORT, maybe with a final /) into c->url,
 * c->where and c->host.  0, or -1 with *cause (caller frees).
 */
static int
parse_url(struct capture *c, const char *url, char **cause)
{
	const char	*p = url;
	char		*auth, *host;
	size_t		 n;
	int		 port;

	if (strncasecmp(p, "http://", 7) == 0)
		p += 7;
	else if (strstr(p, "://") != NULL) {
		*cause = xasprintf("%s: the collector's proxy is plain HTTP: "
		    "give http://HOST:PORT or HOST:PORT", url);
		return -1;
	}
	auth = xstrdup(p);
	n = strlen(auth);
	if (n > 0 && auth[n - 1] == '/')
		auth[--n] = '\0';
	if (strchr(auth, '/') != NULL || strchr(auth, '@') != NULL ||
	    cli_split_addr(auth, &host, &port) != 0 || *host == '\0' ||
	    port == 0) {
		*cause = xasprintf("%s: not http://HOST:PORT or HOST:PORT", url);
		free(auth);
		return -1;
	}
	c->host = host;
	c->where = auth;
	c->url = xasprintf("http://%s", auth);
	return 0;
}

/* Ask the collector for /healthz, then its CA.  0, or -1 with *cause. */
static int
ask_collector(struct capture *c, char **cause)
{
	struct httpc		*h;
	struct httpc_req	 req;
	char			*why = NULL, *auth = NULL;
	const char		*body;
	int			 status;

	if ((h = httpc_new(c->url, CAPTURE_CONNECT_MS, &why)) == NULL)
		goto none;
	memset(&req, 0, sizeof req);
	req.method = "GET";
	req.path = "/healthz";
	req.agent = CAPTURE_AGENT;
	if ((status = httpc_request(h, &req, CAPTURE_TIMEOUT_MS, &why)) < 0)
		goto none;
	if (status != 200) {
		*cause = xasprintf("the server at %s answers GET /healthz with "
		    "%d: not a teltop collector?", c->where, status);
		goto error;
	}
	if (c->token[0] != '\0')
		req.auth = auth = xasprintf("Bearer %s", c->token);
	req.path = "/v1/ca";
	if ((status = httpc_request(h, &req, CAPTURE_TIMEOUT_MS, &why)) < 0) {
		*cause = xasprintf("the collector at %s did not give its CA "
		    "(%s)", c->where, why);
		goto error;
	}
	body = httpc_body(h);
	if (status == 401) {
		*cause = xasprintf("the collector at %s wants its token (pass "
		    "--db with its database)", c->where);
		goto error;
	}
	if (status != 200) {
		*cause = xasprintf("the collector at %s has no capture (GET "
		    "/v1/ca: %d%s)", c->where, status, status == 404 ?
		    ", an older teltop?" : "");
		goto error;
	}
	if (httpc_body_len(h) > CAPTURE_PEM_MAX ||
	    memchr(body, '\0', httpc_body_len(h)) != NULL ||
	    strstr(body, "-----BEGIN CERTIFICATE-----") == NULL ||
	    strstr(body, "-----END CERTIFICATE-----") == NULL) {
		*cause = xasprintf("the collector at %s gave no PEM "
		    "certificate on GET /v1/ca", c->where);
		goto error;
	}
	c->pemlen = httpc_body_len(h);
	c->pem = xstrdup(body);
	/* the token goes into the children's environment only if needed */
	c->needs_token = httpc_proxy_auth(h) ||
	    !tt_auth_listen_is_loopback(c->host);
	if (c->needs_token && c->token[0] == '\0') {
		*cause = xasprintf("the collector at %s wants its token for "
		    "the proxy (pass --db with its database)", c->where);
		goto error;
	}
	httpc_free(h);
	free(auth);
	return 0;
none:
	*cause = xasprintf("no collector at %s (%s; start one with \"teltop\" "
	    "or \"teltop serve\")", c->where, why);
error:
	free(why);
	free(auth);
	httpc_free(h);
	return -1;
}

/*
 * The token next to the database, if there is one we may read.  Beyond
 * loopback the proxy refuses a CONNECT without it (407): then the tool
 * would fail, so capture is off.  0, or -1 with *cause.
 */
static int
load_token(struct capture *c, const char *dbopt, char **cause)
{
	char	*path, *why = NULL;

	path = cli_token_path(dbopt, 0);
	if (tt_token_load(path, 0, c->token, &why) != 0) {
		c->token[0] = '\0';
		if (!tt_auth_listen_is_loopback(c->host)) {
			*cause = xasprintf("the collector at %s is not on "
			    "loopback and wants the token: %s; pass --db "
			    "with its database", c->where, why);
			free(why);
			free(path);
			return -1;
		}
	}
	free(why);
	free(path);
	return 0;
}

/*
 * The CA file OpenSSL reads by default (on Debian a link to the bundle
 * update-ca-certificates makes), or NULL if it is not there to read.
 */
static const char *
system_ca_file(void)
{
	const char	*path = X509_get_default_cert_file();

	return path != NULL && access(path, R_OK) == 0 ? path : NULL;
}

/* A whole file (at most CAPTURE_FILE_MAX).  NULL with *cause. */
static char *
read_file(const char *path, size_t *len, char **cause)
{
	FILE	*f;
	char	*buf;
	size_t	 n = 0, cap = 65536, got;

	if ((f = fopen(path, "r")) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = xmalloc(cap + 1);
	for (;;) {
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap) {
			if (ferror(f)) {
				*cause = xasprintf("%s: %s", path,
				    strerror(errno));
				goto error;
			}
			break;
		}
		if (cap >= CAPTURE_FILE_MAX) {
			*cause = xasprintf("%s: larger than %d bytes", path,
			    CAPTURE_FILE_MAX);
			goto error;
		}
		cap *= 2;
		buf = xrealloc(buf, cap + 1);
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
error:
	fclose(f);
	free(buf);
	return NULL;
}

/* Do two paths name one file? */
static int
same_file(const char *a, const char *b)
{
	struct stat	sa, sb;

	if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
		return 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * Where the bundle goes: $XDG_RUNTIME_DIR/teltop, else the CA's directory
 * (ws/ca.h).  NULL without a home.  Caller frees.
 */
static char *
bundle_path(void)
{
	const char	*env;
	char		*dir, *path;

	if ((env = getenv("XDG_RUNTIME_DIR")) != NULL && *env == '/')
		return xasprintf("%s/teltop/%s", env, CAPTURE_BUNDLE);
	if ((dir = ca_default_dir()) == NULL)
		return NULL;
	path = xasprintf("%s/%s", dir, CAPTURE_BUNDLE);
	free(dir);
	return path;
}

/* Write all of buf to fd.  0, or -1 with errno. */
static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Append a file's bytes to the bundle, with a newline after. */
static int
add_part(int fd, const char *data, size_t len)
{
	if (write_all(fd, data, len) != 0)
		return -1;
	if (len > 0 && data[len - 1] != '\n')
		return write_all(fd, "\n", 1);
	return 0;
}

/*
 * Write the bundle: the system CAs, the file SSL_CERT_FILE names already
 * (unless it is one of those two), teltop's CA.  A temporary file in the
 * same directory, renamed over the old one.  0, or -1 with *cause.
 */
static int
write_bundle(struct capture *c, char **cause)
{
	const char	*sys, *extra;
	char		*tmp = NULL, *data = NULL, *sysdata = NULL, *why = NULL;
	size_t		 len = 0, syslen = 0;
	int		 fd = -1;

	if ((c->bundle = bundle_path()) == NULL) {
		*cause = xstrdup("cannot write the CA bundle (no "
		    "XDG_RUNTIME_DIR and no home directory)");
		return -1;
	}
	sys = system_ca_file();
	if (sys != NULL && (sysdata = read_file(sys, &syslen, &why)) == NULL)
		goto error;
	extra = getenv("SSL_CERT_FILE");
	if (extra != NULL && (*extra == '\0' || same_file(extra, c->bundle) ||
	    (sys != NULL && same_file(extra, sys))))
		extra = NULL;
	if (extra != NULL && (data = read_file(extra, &len, &why)) == NULL)
		goto error;	/* SSL_CERT_FILE names a file we cannot read */

	if (cli_make_parent(c->bundle, &why) != 0) {
		/* writing the bundle says the rest */
		free(why);
		why = NULL;
	}
	tmp = xasprintf("%s.XXXXXX", c->bundle);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		why = xasprintf("%s: %s", tmp, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto error;
	}
	if (add_part(fd, sysdata != NULL ? sysdata : "", syslen) != 0 ||
	    add_part(fd, data != NULL ? data : "", len) != 0 ||
	    add_part(fd, c->pem, c->pemlen) != 0 ||
	    fchmod(fd, 0644) != 0) {
		why = xasprintf("%s: %s", tmp, strerror(errno));
		goto error;
	}
	if (close(fd) != 0) {
		fd = -1;
		why = xasprintf("%s: %s", tmp, strerror(errno));
		goto error;
	}
	fd = -1;
	if (rename(tmp, c->bundle) != 0) {
		why = xasprintf("%s: %s", c->bundle, strerror(errno));
		goto error;
	}
	free(tmp);
	free(data);
	free(sysdata);
	return 0;
error:
	if (fd != -1)
		close(fd);
	if (tmp != NULL)
		unlink(tmp);
	*cause = xasprintf("cannot write the CA bundle (%s)", why);
	free(why);
	free(tmp);
	free(data);
	free(sysdata);
	return -1;
}

/* Is item (len bytes) one of the comma-separated entries of list? */
static int
list_has(const char *list, const char *item, size_t len)
{
	const char	*p = list, *end;
	size_t		 n;

	while (*p != '\0') {
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (n == len && strncasecmp(p, item, len) == 0)
			return 1;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return 0;
}

/* Append the entries of add (comma-separated, spaces ignored) to *list. */
static void
list_merge(char **list, const char *add)
{
	const char	*p = add, *end;
	char		*s;
	size_t		 n;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n > 0 && !list_has(*list, p, n)) {
			s = xasprintf("%s%s%.*s", *list, **list != '\0' ? "," :
			    "", (int)n, p);
			free(*list);
			*list = s;
		}
		p = end != NULL ? end + 1 : NULL;
	}
}

/* The values of the variables: proxy URL and NO_PROXY. */
static void
make_values(struct capture *c)
{
	size_t	i;

	if (c->token[0] != '\0' && c->needs_token)
		c->proxy = xasprintf("http://teltop:%s@%s", c->token, c->where);
	else
		c->proxy = xasprintf("http://%s", c->where);
	c->no_proxy = xstrdup("");
	for (i = 0; i < NITEMS(noproxy_vars); i++)
		list_merge(&c->no_proxy, getenv(noproxy_vars[i]));
	list_merge(&c->no_proxy, CAPTURE_NO_PROXY);
	/* the collector itself, where a tool posts to it directly */
	list_merge(&c->no_proxy, c->host);
}

/* The value capture gives one of its variables. */
static const char *
value_of(const struct capture *c, size_t group)
{
	return group == 0 ? c->proxy : group == 1 ? c->no_proxy : c->bundle;
}

/* Set the variables in our environment, for CMD. */
static void
set_env(const struct capture *c)
{
	size_t	i;

	for (i = 0; i < NITEMS(proxy_vars); i++)
		setenv(proxy_vars[i], c->proxy, 1);
	for (i = 0; i < NITEMS(noproxy_vars); i++)
		setenv(noproxy_vars[i], c->no_proxy, 1);
	for (i = 0; i < NITEMS(ca_vars); i++)
		setenv(ca_vars[i], c->bundle, 1);
}

/* Print s single-quoted for a POSIX shell. */
static void
print_quoted(const char *s)
{
	putchar('\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*s);
	}
	putchar('\'');
}

/* --env: the shell lines, a comment first saying what they do and undo. */
static void
print_env(const struct capture *c)
{
	static const struct {
		const char *const	*names;
		size_t			 n;
	} groups[] = {
		{ proxy_vars, NITEMS(proxy_vars) },
		{ noproxy_vars, NITEMS(noproxy_vars) },
		{ ca_vars, NITEMS(ca_vars) },
	};
	const char	*old;
	size_t		 g, i;
	int		 restore = 0;

	printf("# teltop capture: HTTP and HTTPS from this shell go through "
	    "the collector\n# at %s, which records the telemetry hosts' "
	    "requests and tunnels the\n# rest untouched; TLS clients trust "
	    "teltop's CA through\n# %s.\n"
	    "# Use: eval \"$(teltop capture --env)\"\n# Undo: unset",
	    c->where, c->bundle);
	for (g = 0; g < NITEMS(groups); g++)
		for (i = 0; i < groups[g].n; i++) {
			printf(" %s", groups[g].names[i]);
			if ((old = getenv(groups[g].names[i])) != NULL)
				restore = 1;
		}
	printf("\n");
	if (restore) {
		/* what was there before, for the undo */
		printf("# Then restore what was there before: export");
		for (g = 0; g < NITEMS(groups); g++)
			for (i = 0; i < groups[g].n; i++) {
				old = getenv(groups[g].names[i]);
				if (old == NULL)
					continue;
				printf(" %s=", groups[g].names[i]);
				print_quoted(old);
			}
		printf("\n");
	}
	for (g = 0; g < NITEMS(groups); g++)
		for (i = 0; i < groups[g].n; i++) {
			printf("export %s=", groups[g].names[i]);
			print_quoted(value_of(c, g));
			putchar('\n');
		}
}

/* Free what capture holds. */
static void
capture_free(struct capture *c)
{
	free(c->url);
	free(c->where);
	free(c->host);
	free(c->pem);
	free(c->bundle);
	free(c->proxy);
	free(c->no_proxy);
	explicit_bzero(c->token, sizeof c->token);
}

/* The --help text. */
static void
help(void)
{
	printf("usage: %s\n\n"
	    "Runs CMD with its HTTPS going through the collector, which "
	    "records the\nrequests of the telemetry hosts it intercepts "
	    "(DevPod, Devsy, Devtron,\nPostHog; `--intercept HOST` and the "
	    "config file add more) and tunnels the\nrest untouched.  CMD "
	    "gets HTTPS_PROXY, HTTP_PROXY (and lower case) naming\nthe "
	    "collector, NO_PROXY with loopback added, and SSL_CERT_FILE,\n"
	    "NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE "
	    "naming a bundle\nof the system CAs and teltop's CA "
	    "($XDG_RUNTIME_DIR/teltop/%s, else\nnext to the CA), so Go, "
	    "Node, Python and curl trust it unchanged.  CMD\nkeeps the "
	    "terminal and stdio; its exit status (or signal) is ours.\n\n"
	    "  --url URL   the collector, http://HOST:PORT or HOST:PORT "
	    "(default:\n              $TELTOP_LISTEN, else %s); capture "
	    "starts none\n"
	    "  --db PATH   the database whose token goes into the proxy URL "
	    "(a collector\n              on loopback does not ask for it)\n"
	    "  --env       print the export lines for a shell instead: "
	    "eval \"$(teltop\n              capture --env)\"\n\n"
	    "With no collector at URL, one line on stderr and CMD runs "
	    "without capture\n(--env exits 1).\n", cli_usage("capture"), CAPTURE_BUNDLE,
	    TT_DEFAULT_LISTEN);
}

/* `teltop capture`: see the top of this file. */
int
cmd_capture(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_URL,
		CLI_LONGOPT_DB,
		{ "env", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*usage = cli_usage("capture");
	struct capture	 c;
	char		*cause = NULL;
	struct cli_where	 where = { NULL, NULL, NULL };
	int		 ch, env = 0;

	memset(&c, 0, sizeof c);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (cli_where_option(&where, ch, optarg))
			continue;
		switch (ch) {
		case 'e':
			env = 1;
			break;
		case 'h':
			help();
			return 0;
		default:
			cli_option_error(usage, argv);
		}
	}
	argv += optind;
	argc -= optind;
	if (env && argc > 0)
		cli_usage_error(usage, "--env takes no command");
	if (!env && argc == 0)
		cli_usage_error(usage, "no command to run");
	if (where.url == NULL)
		where.url = cli_listen(NULL);
	if (parse_url(&c, where.url, &cause) != 0)
		cli_usage_error(usage, "--url %s", cause);

	if (load_token(&c, where.db, &cause) != 0 ||
	    ask_collector(&c, &cause) != 0 || write_bundle(&c, &cause) != 0) {
		if (env)
			fprintf(stderr, "teltop: capture: %s\n", cause);
		else
			fprintf(stderr, "teltop: capture: %s; running %s "
			    "without capture\n", cause, argv[0]);
		free(cause);
		capture_free(&c);
		return env ? 1 : child_exec("teltop capture", argv);
	}
	make_values(&c);
	if (env) {
		print_env(&c);
		capture_free(&c);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	set_env(&c);
	capture_free(&c);
	return child_exec("teltop capture", argv);
}
