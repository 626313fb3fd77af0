/*
 * Unit tests for core/auth.c: the token file (path, creation with mode
 * 0600, reuse, refusal of files others could read or own, creation racing
 * in several processes), the constant-time comparison, and every rule of
 * the request policy from both sides: what is let in and what is refused,
 * with the verdict and the reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tt_test.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/auth.h"

#define TOK	"00112233445566778899aabbccddeeff" \
		"0123456789abcdef0123456789abcdef"
#define BEARER	"Bearer " TOK
#define OTHER	"f0112233445566778899aabbccddeeff" \
		"0123456789abcdef0123456789abcdef"

/* Check one request's verdict and reason. */
#define assert_auth(pol, rq, want_v, want_r) do {			\
	enum tt_auth_reason	r_ = TT_AUTH_NREASONS;			\
	enum tt_auth_verdict	v_;					\
	v_ = tt_auth_check((pol), (rq), &r_);				\
	if (v_ != (want_v) || r_ != (want_r)) {				\
		print_error("verdict %d \"%s\", expected %d \"%s\"\n",	\
		    (int)v_, tt_auth_reason_text(r_), (int)(want_v),	\
		    tt_auth_reason_text(want_r));			\
		fail();							\
	}								\
} while (0)
#define assert_allow(pol, rq) \
	assert_auth(pol, rq, TT_AUTH_ALLOW, TT_AUTH_R_OK)
#define assert_403(pol, rq, why) \
	assert_auth(pol, rq, TT_AUTH_FORBIDDEN, TT_AUTH_R_##why)
#define assert_401(pol, rq, why) \
	assert_auth(pol, rq, TT_AUTH_UNAUTHORIZED, TT_AUTH_R_##why)

/* A collector on 127.0.0.1:8353 with the test token. */
static struct tt_auth_policy
loopback_policy(void)
{
	struct tt_auth_policy	pol = { TOK, 0, "127.0.0.1", 8353 };

	return pol;
}

/* What `curl -H "Authorization: Bearer ..." --json ...` sends. */
static struct tt_auth_request
control_request(void)
{
	struct tt_auth_request	rq;

	memset(&rq, 0, sizeof rq);
	rq.route = TT_ROUTE_CONTROL;
	rq.host = "127.0.0.1:8353";
	rq.content_type = "application/json";
	rq.authorization = BEARER;
	return rq;
}

/* A request of a route class with only a Host header. */
static struct tt_auth_request
plain_request(enum tt_route_class route)
{
	struct tt_auth_request	rq;

	memset(&rq, 0, sizeof rq);
	rq.route = route;
	rq.host = "127.0.0.1:8353";
	return rq;
}

/* Unlink one file or directory, for nftw(). */
static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	(void)remove(path);
	return 0;
}

/* Each token test gets a new private directory in *state. */
static int
setup_dir(void **state)
{
	char	*d = dup_str("/tmp/teltop-auth-XXXXXX");

	if (mkdtemp(d) == NULL) {
		free(d);
		return -1;
	}
	*state = d;
	return 0;
}

/* Remove the test's directory and all in it, whatever the test left. */
static int
teardown_dir(void **state)
{
	(void)nftw(*state, remove_one, 8, FTW_DEPTH|FTW_PHYS);
	free(*state);
	return 0;
}

/* How many entries a directory holds besides . and .. */
static int
count_entries(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Write a file with mode and contents. */
static void
write_file(const char *path, mode_t mode, const char *text)
{
	int	fd;

	fd = open(path, O_WRONLY|O_CREAT|O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* Load must fail with a cause containing want. */
static void
assert_load_fails(const char *path, int create, const char *want)
{
	char	 tok[TT_TOKEN_LEN + 1], *cause = NULL;

	assert_int_equal(tt_token_load(path, create, tok, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL) {
		print_error("cause \"%s\" lacks \"%s\"\n", cause, want);
		fail();
	}
	free(cause);
}

static void
test_token_path(void **state)
{
	char	*p;

	(void)state;
	p = tt_token_path("/x/events.db");
	assert_str(p, "/x/token");
	free(p);
	p = tt_token_path("/home/u/.local/share/teltop/events.db");
	assert_str(p, "/home/u/.local/share/teltop/token");
	free(p);
	p = tt_token_path("events.db");
	assert_str(p, "token");
	free(p);
	p = tt_token_path("/events.db");
	assert_str(p, "/token");
	free(p);
}

static void
test_token_equal(void **state)
{
	char	*three;

	(void)state;
	assert_true(tt_token_equal(TOK, TT_TOKEN_LEN, TOK));
	/* the first byte differs; a prefix; one byte more */
	assert_false(tt_token_equal(OTHER, TT_TOKEN_LEN, TOK));
	assert_false(tt_token_equal(TOK, TT_TOKEN_LEN - 1, TOK));
	assert_false(tt_token_equal(TOK "0", TT_TOKEN_LEN + 1, TOK));
	assert_false(tt_token_equal("", 0, TOK));
	assert_false(tt_token_equal(NULL, 0, TOK));
	assert_false(tt_token_equal("", 0, ""));	/* no token: nothing */
	assert_false(tt_token_equal("x", 1, NULL));
	/* last byte differs */
	assert_false(tt_token_equal("00112233445566778899aabbccddeeff"
	    "0123456789abcdef0123456789abcdee", TT_TOKEN_LEN, TOK));
	/* reads no more of given than len: a buffer with no NUL */
	three = malloc(3);
	assert_non_null(three);
	memcpy(three, TOK, 3);
	assert_false(tt_token_equal(three, 3, TOK));
	assert_true(tt_token_equal(three, 3, "001"));
	free(three);
}

static void
test_token_create_reuse(void **state)
{
	struct stat	 st;
	char		*dir, *path, a[TT_TOKEN_LEN + 1];
	char		 b[TT_TOKEN_LEN + 1], buf[512], *cause = NULL;
	ssize_t		 n;
	mode_t		 old;
	int		 fd;

	old = umask(0);		/* the mode must not come from umask */
	dir = *state;
	assert_non_null(path = malloc(strlen(dir) + 16));
	sprintf(path, "%s/token", dir);

	assert_load_fails(path, 0, "teltop token");
	assert_int_equal(count_entries(dir), 0);

	assert_int_equal(tt_token_load(path, 1, a, &cause), 0);
	assert_null(cause);
	assert_int_equal(strlen(a), TT_TOKEN_LEN);
	assert_int_equal(strspn(a, "0123456789abcdef"), TT_TOKEN_LEN);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(count_entries(dir), 1);	/* no temporary left */

	/* the file is the token and a newline */
	assert_true((fd = open(path, O_RDONLY)) >= 0);
	n = read(fd, buf, sizeof buf);
	close(fd);
	assert_int_equal(n, TT_TOKEN_LEN + 1);
	assert_memory_equal(buf, a, TT_TOKEN_LEN);
	assert_int_equal(buf[TT_TOKEN_LEN], '\n');

	/* the second load reads it, with or without create */
	assert_int_equal(tt_token_load(path, 1, b, &cause), 0);
	assert_str(b, a);
	memset(b, 0, sizeof b);
	assert_int_equal(tt_token_load(path, 0, b, &cause), 0);
	assert_str(b, a);

	/* another directory, another token */
	snprintf(buf, sizeof buf, "%s/other", dir);
	assert_int_equal(mkdir(buf, 0700), 0);
	snprintf(buf, sizeof buf, "%s/other/token", dir);
	assert_int_equal(tt_token_load(buf, 1, b, &cause), 0);
	assert_true(strcmp(a, b) != 0);

	/* a missing directory is an error, not a crash */
	snprintf(buf, sizeof buf, "%s/no/such/token", dir);
	assert_load_fails(buf, 1, "cannot create");

	free(path);
	umask(old);
}

static void
test_token_refused(void **state)
{
	char	*dir, path[512], link_path[512], tok[TT_TOKEN_LEN + 1];
	char	*cause = NULL;

	dir = *state;
	snprintf(path, sizeof path, "%s/token", dir);

	/* readable by others: refused, and left alone */
	write_file(path, 0644, TOK "\n");
	assert_load_fails(path, 1, "chmod 600");
	assert_load_fails(path, 0, "mode 0644");
	write_file(path, 0640, TOK "\n");
	assert_load_fails(path, 1, "open to group or others");
	write_file(path, 0602, TOK "\n");
	assert_load_fails(path, 1, "open to group or others");

	/* 0600 and 0400 are fine; no newline is fine */
	write_file(path, 0600, TOK);
	assert_int_equal(tt_token_load(path, 0, tok, &cause), 0);
	assert_str(tok, TOK);
	write_file(path, 0400, TOK "\n");
	assert_int_equal(tt_token_load(path, 1, tok, &cause), 0);
	assert_str(tok, TOK);
	assert_int_equal(unlink(path), 0);

	/* not a token */
	write_file(path, 0600, "hunter2\n");
	assert_load_fails(path, 1, "does not hold a teltop token");
	write_file(path, 0600, TOK "\n\n");
	assert_load_fails(path, 1, "does not hold a teltop token");
	write_file(path, 0600, "00112233445566778899AABBCCDDEEFF"
	    "0123456789abcdef0123456789abcdef\n");
	assert_load_fails(path, 1, "does not hold a teltop token");
	write_file(path, 0600, "");
	assert_load_fails(path, 1, "does not hold a teltop token");
	assert_int_equal(unlink(path), 0);

	/* someone else's file */
	if (geteuid() == 0) {
		write_file(path, 0600, TOK "\n");
		assert_int_equal(chown(path, 65534, 65534), 0);
		assert_load_fails(path, 1, "belongs to uid 65534");
		assert_int_equal(unlink(path), 0);
	}

	/* a symbolic link, even to a good file */
	snprintf(link_path, sizeof link_path, "%s/real", dir);
	write_file(link_path, 0600, TOK "\n");
	assert_int_equal(symlink(link_path, path), 0);
	assert_load_fails(path, 1, "symbolic link");
	assert_int_equal(unlink(path), 0);
	assert_int_equal(unlink(link_path), 0);

	/* a directory */
	assert_int_equal(mkdir(path, 0700), 0);
	assert_load_fails(path, 1, "not a regular file");
	assert_int_equal(rmdir(path), 0);
}

#define RACERS	6
#define ROUNDS	4

/* Several processes create the token at once: all get the same one. */
static void
test_token_race(void **state)
{
	char	 dir[512], path[600], tok[TT_TOKEN_LEN + 1];
	char	 got[TT_TOKEN_LEN], *cause = NULL;
	pid_t	 pids[RACERS];
	int	 go[2], out[2], i, round, status;

	for (round = 0; round < ROUNDS; round++) {
		snprintf(dir, sizeof dir, "%s/%d", (char *)*state, round);
		assert_int_equal(mkdir(dir, 0700), 0);
		snprintf(path, sizeof path, "%s/token", dir);
		assert_int_equal(pipe(go), 0);
		assert_int_equal(pipe(out), 0);
		for (i = 0; i < RACERS; i++) {
			assert_true((pids[i] = fork()) >= 0);
			if (pids[i] != 0)
				continue;
			close(go[1]);
			close(out[0]);
			/* wait for the start */
			if (read(go[0], tok, 1) != 0)
				_exit(1);
			if (tt_token_load(path, 1, tok, &cause) != 0)
				_exit(1);
			_exit(write(out[1], tok, TT_TOKEN_LEN) ==
			    TT_TOKEN_LEN ? 0 : 1);
		}
		close(go[0]);
		close(out[1]);
		close(go[1]);			/* start them all */
		for (i = 0; i < RACERS; i++) {
			assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
			assert_true(WIFEXITED(status));
			assert_int_equal(WEXITSTATUS(status), 0);
		}
		assert_int_equal(tt_token_load(path, 0, tok, &cause), 0);
		for (i = 0; i < RACERS; i++) {
			assert_int_equal(read(out[0], got, sizeof got),
			    TT_TOKEN_LEN);
			assert_memory_equal(got, tok, TT_TOKEN_LEN);
		}
		close(out[0]);
		assert_int_equal(count_entries(dir), 1);
	}
}

static void
test_reasons(void **state)
{
	enum tt_auth_reason	r;

	(void)state;
	for (r = 0; r < TT_AUTH_NREASONS; r++)
		assert_true(strlen(tt_auth_reason_text(r)) > 5);
	assert_str(tt_auth_reason_text(TT_AUTH_R_TOKEN),
	    "missing or wrong token: see `teltop token`");
	assert_str(tt_auth_reason_text(TT_AUTH_R_HOST),
	    "Host header does not name this collector");
	assert_str(tt_auth_reason_text(TT_AUTH_R_BROWSER),
	    "a browser page may not change the opt-out registry");
	assert_str(tt_auth_reason_text(TT_AUTH_NREASONS), "unknown reason");
	assert_int_equal(TT_AUTH_UNAUTHORIZED, 401);
	assert_int_equal(TT_AUTH_FORBIDDEN, 403);
	assert_int_equal(TT_AUTH_ALLOW, 0);
}

static void
test_control_allowed(void **state)
{
	struct tt_auth_policy	pol = loopback_policy();
	struct tt_auth_request	rq = control_request();

	(void)state;
	assert_allow(&pol, &rq);
	assert_auth(&pol, &rq, TT_AUTH_ALLOW, TT_AUTH_R_OK);
	assert_int_equal(tt_auth_check(&pol, &rq, NULL), TT_AUTH_ALLOW);

	/* a query string and no body: no Content-Type, token given */
	rq.content_type = NULL;
	assert_allow(&pol, &rq);
	rq.content_type = "";
	assert_allow(&pol, &rq);
	rq.content_type = "application/json; charset=utf-8";
	assert_allow(&pol, &rq);
	rq.content_type = "Application/JSON";
	assert_allow(&pol, &rq);

	/* the scheme is case-insensitive, spaces around the token */
	rq.authorization = "bearer " TOK;
	assert_allow(&pol, &rq);
	rq.authorization = "BEARER \t " TOK "  ";
	assert_allow(&pol, &rq);

	/* token_required changes nothing for control */
	pol.token_required = 1;
	assert_allow(&pol, &rq);
}

static void
test_control_browser(void **state)
{
	struct tt_auth_policy	pol = loopback_policy();
	struct tt_auth_request	rq = control_request();
	static const char	*sites[] = { "cross-site", "same-site",
	    "same-origin", "none" };
	size_t			i;

	(void)state;
	/* even with the right token and Host */
	rq.origin = "http://evil.example";
	assert_403(&pol, &rq, BROWSER);
	rq.origin = "null";
	assert_403(&pol, &rq, BROWSER);
	rq.origin = "http://127.0.0.1:8353";	/* teltop serves no pages */
	assert_403(&pol, &rq, BROWSER);
	rq.origin = NULL;

	for (i = 0; i < sizeof sites / sizeof sites[0]; i++) {
		rq.fetch_site = sites[i];
		assert_403(&pol, &rq, BROWSER);
	}
	rq.fetch_site = NULL;
	assert_allow(&pol, &rq);
}

static void
test_control_content_type(void **state)
{
	struct tt_auth_policy	pol = loopback_policy();
	struct tt_auth_request	rq = control_request();

	(void)state;
	/* what a cross-site <form> or fetch(no-cors) can send */
	rq.content_type = "application/x-www-form-urlencoded";
	assert_403(&pol, &rq, FORM);
	rq.content_type = "multipart/form-data; boundary=----x";
	assert_403(&pol, &rq, FORM);
	rq.content_type = "text/plain";
	assert_403(&pol, &rq, FORM);
	rq.content_type = "TEXT/PLAIN;charset=UTF-8";
	assert_403(&pol, &rq, FORM);
	rq.content_type = " text/plain";
	assert_403(&pol, &rq, FORM);

	/* anything but JSON */
	rq.content_type = "application/xml";
	assert_403(&pol, &rq, CTYPE);
	rq.content_type = "application/jsonp";
	assert_403(&pol, &rq, CTYPE);
	rq.content_type = "application/json-seq";
	assert_403(&pol, &rq, CTYPE);
	rq.content_type = "text/plainx";
	assert_403(&pol, &rq, CTYPE);

	/* the browser checks come before the token: no 401 oracle */
	rq.content_type = "text/plain";
	rq.authorization = NULL;
	assert_403(&pol, &rq, FORM);
}

static void
test_control_host(void **state)
{
	struct tt_auth_policy	pol = loopback_policy();
	struct tt_auth_request	rq = control_request();
	static const char	*good[] = { "127.0.0.1:8353", "localhost:8353",
	    "LOCALHOST:8353", "LocalHost:8353", "127.0.0.2:8353",
	    "[::1]:8353", "[0:0:0:0:0:0:0:1]:8353",
	    "[::ffff:127.0.0.1]:8353" };
	static const char	*bad[] = { "evil.example:8353",
	    "127.0.0.1.nip.io:8353", "localhost.evil.example:8353",
	    "127.0.0.1:8354", "localhost:80", "127.0.0.1", "localhost",
	    "localhost:", "", ":8353", "[::1]", "::1:8353", "[::1:8353",
	    "[::1]x:8353", "127.0.0.1:80a", "127.0.0.1:999999",
	    "127.0.0.1:0008353", "user@127.0.0.1:8353",
	    "127.0.0.1:8353/x", "local host:8353", "10.0.0.1:8353",
	    "2130706433:8353", "127.1:8353" };
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		rq.host = good[i];
		assert_allow(&pol, &rq);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		rq.host = bad[i];
		assert_403(&pol, &rq, HOST);
	}
	rq.host = NULL;
	assert_403(&pol, &rq, HOST);

	/* the Host check comes before the token */
	rq.host = "evil.example:8353";
	rq.authorization = NULL;
	assert_403(&pol, &rq, HOST);
}

static void
test_host_listen_forms(void **state)
{
	struct tt_auth_policy	pol = loopback_policy();
	struct tt_auth_request	rq = control_request();

	(void)state;
	/* listening on ::1 (given with or without brackets) */
	pol.listen_host = "::1";
	rq.host = "[::1]:8353";
	assert_allow(&pol, &rq);
	rq.host = "127.0.0.1:8353";	/* loopback either way */
	assert_allow(&pol, &rq);
	pol.listen_host = "[::1]";
	rq.host = "[0::1]:8353";
	assert_allow(&pol, &rq);

	/* listening on localhost */
	pol.listen_host = "localhost";
	rq.host = "127.0.0.1:8353";
	assert_allow(&pol, &rq);
	rq.host = "[::1]:8353";
	assert_allow(&pol, &rq);
	rq.host = "evil.example:8353";
	assert_403(&pol, &rq, HOST);

	/* on port 80 a Host without port is right, and with :80 too */
	pol.listen_host = "127.0.0.1";
	pol.listen_port = 80;
	rq.host = "localhost";
	assert_allow(&pol, &rq);
	rq.host = "127.0.0.1:80";
	assert_allow(&pol, &rq);
	rq.host = "[::1]";
	assert_allow(&pol, &rq);
	rq.host = "127.0.0.1:8353";
	assert_403(&pol, &rq, HOST);
	pol.listen_port = 8353;

	/* one public address: that address or localhost */
	pol.listen_host = "192.168.1.5";
	rq.host = "192.168.1.5:8353";
	assert_allow(&pol, &rq);
	rq.host = "localhost:8353";
	assert_allow(&pol, &rq);
	rq.host = "127.0.0.1:8353";
	assert_403(&pol, &rq, HOST);
	rq.host = "192.168.1.6:8353";
	assert_403(&pol, &rq, HOST);
	rq.host = "teltop.lan:8353";
	assert_403(&pol, &rq, HOST);

	/* every interface: any IP literal, localhost, no other name */
	pol.listen_host = "0.0.0.0";
	rq.host = "10.1.2.3:8353";
	assert_allow(&pol, &rq);
	rq.host = "[2001:db8::1]:8353";
	assert_allow(&pol, &rq);
	rq.host = "localhost:8353";
	assert_allow(&pol, &rq);
	rq.host = "teltop.lan:8353";
	assert_403(&pol, &rq, HOST);
	pol.listen_host = "::";
	rq.host = "10.1.2.3:8353";
	assert_allow(&pol, &rq);
	pol.listen_host = "";
	assert_allow(&pol, &rq);
	pol.listen_host = NULL;
	assert_allow(&pol, &rq);

	/* a name given to --listen: that name, any case */
	pol.listen_host = "teltop.lan";
	rq.host = "Teltop.LAN:8353";
	assert_allow(&pol, &rq);
	rq.host = "other.lan:8353";
	assert_403(&pol, &rq, HOST);
	rq.host = "10.1.2.3:8353";
	assert_403(&pol, &rq, HOST);
}

static void
test_control_token(void **state)
{
	struct tt_auth_policy	pol = loopback_policy();
	struct tt_auth_request	rq = control_request();

	(void)state;
	rq.authorization = NULL;
	assert_401(&pol, &rq, TOKEN);
	rq.authorization = "Bearer " OTHER;
	assert_401(&pol, &rq, TOKEN);
	rq.authorization = "Bearer " TOK "0";
	assert_401(&pol, &rq, TOKEN);
	rq.authorization = "Bearer";
	assert_401(&pol, &rq, TOKEN);
	rq.authorization = "Bearer ";
	assert_401(&pol, &rq, TOKEN);
	rq.authorization = "Bearer" TOK;
	assert_401(&pol, &rq, TOKEN);
	rq.authorization = TOK;
	assert_401(&pol, &rq, TOKEN);
	rq.authorization = "Basic " TOK;
	assert_401(&pol, &rq, TOKEN);
	rq.authorization = "Bearer " TOK " x";
	assert_401(&pol, &rq, TOKEN);

	/* control takes the token from Authorization only */
	rq.authorization = NULL;
	rq.query_token = TOK;
	assert_401(&pol, &rq, TOKEN);
	rq.query_token = NULL;
	rq.api_key = TOK;
	assert_401(&pol, &rq, TOKEN);

	/* no token loaded: nothing passes, not even an empty Bearer */
	rq.authorization = BEARER;
	pol.token = NULL;
	assert_401(&pol, &rq, NO_TOKEN);
	pol.token = "";
	rq.authorization = "Bearer ";
	assert_401(&pol, &rq, NO_TOKEN);
	pol.token = "short";
	rq.authorization = "Bearer short";
	assert_401(&pol, &rq, NO_TOKEN);
}

static void
test_upgrade(void **state)
{
	struct tt_auth_policy	pol = loopback_policy();
	struct tt_auth_request	rq = plain_request(TT_ROUTE_UPGRADE);
	static const char	*good[] = { "http://127.0.0.1:8353",
	    "http://localhost:8353", "HTTP://LOCALHOST:8353",
	    "http://[::1]:8353" };
	static const char	*bad[] = { "http://evil.example:8353",
	    "http://evil.example", "https://localhost:8353",
	    "http://127.0.0.1:9999", "http://127.0.0.1", "null",
	    "http://localhost:8353/", "http://localhost:8353/x",
	    "file://", "localhost:8353", "http://user@localhost:8353",
	    "ws://localhost:8353" };
	size_t			i;

	(void)state;
	/* a tool sends no Origin */
	assert_allow(&pol, &rq);
	rq.host = "anything:1";		/* Host does not count here */
	assert_allow(&pol, &rq);
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		rq.origin = good[i];
		assert_allow(&pol, &rq);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		rq.origin = bad[i];
		assert_403(&pol, &rq, WS_ORIGIN);
	}

	/* with a token required: Bearer or ?token=, Origin still checked */
	pol.token_required = 1;
	rq.origin = NULL;
	assert_401(&pol, &rq, TOKEN);
	rq.query_token = TOK;
	assert_allow(&pol, &rq);
	rq.query_token = OTHER;
	assert_401(&pol, &rq, TOKEN);
	rq.query_token = NULL;
	rq.authorization = BEARER;
	assert_allow(&pol, &rq);
	rq.api_key = TOK;		/* not a place for it here */
	rq.authorization = NULL;
	assert_401(&pol, &rq, TOKEN);
	rq.authorization = BEARER;
	rq.origin = "http://evil.example:8353";
	assert_403(&pol, &rq, WS_ORIGIN);
	rq.origin = "http://localhost:8353";
	assert_allow(&pol, &rq);
}

static void
test_ingest(void **state)
{
	struct tt_auth_policy	pol = loopback_policy();
	struct tt_auth_request	rq = plain_request(TT_ROUTE_INGEST);

	(void)state;
	/* open: tools cannot send a token; posthog-js runs in pages */
	assert_allow(&pol, &rq);
	rq.origin = "https://app.example";
	rq.fetch_site = "cross-site";
	rq.content_type = "text/plain";
	rq.host = "evil.example:8353";
	assert_allow(&pol, &rq);
	pol.token = NULL;
	assert_allow(&pol, &rq);

	/* with a token required: any one of the three places */
	pol.token = TOK;
	pol.token_required = 1;
	assert_401(&pol, &rq, TOKEN);
	rq.authorization = BEARER;
	assert_allow(&pol, &rq);
	rq.authorization = "Bearer " OTHER;
	assert_401(&pol, &rq, TOKEN);
	rq.query_token = TOK;
	assert_allow(&pol, &rq);
	rq.query_token = OTHER;
	assert_401(&pol, &rq, TOKEN);
	rq.api_key = TOK;
	assert_allow(&pol, &rq);
	rq.api_key = "phc_vendorkey";		/* the tool's own key */
	assert_401(&pol, &rq, TOKEN);
	rq.query_token = TOK;
	assert_allow(&pol, &rq);
	rq.authorization = rq.query_token = rq.api_key = NULL;
	rq.api_key = TOK;
	assert_allow(&pol, &rq);
	pol.token = NULL;
	assert_401(&pol, &rq, NO_TOKEN);
}

/* GET /v1/stream and /v1/events: our Host, no other site's Origin. */
static void
test_history(void **state)
{
	struct tt_auth_policy	pol = loopback_policy();
	struct tt_auth_request	rq = plain_request(TT_ROUTE_HISTORY);

	(void)state;
	/* the token even on loopback: another user may not read them */
	assert_401(&pol, &rq, TOKEN);
	rq.authorization = BEARER;
	assert_allow(&pol, &rq);		/* a viewer: no Origin */
	rq.origin = "http://127.0.0.1:8353";	/* our own page */
	assert_allow(&pol, &rq);
	rq.origin = "http://evil.example";	/* a page elsewhere */
	assert_403(&pol, &rq, HISTORY_ORIGIN);
	rq.origin = NULL;
	rq.host = "evil.example:8353";		/* rebinding */
	assert_403(&pol, &rq, HOST);
	rq.host = "127.0.0.1:8353";
	rq.authorization = NULL;
	rq.query_token = TOK;
	assert_allow(&pol, &rq);
	rq.query_token = OTHER;
	assert_401(&pol, &rq, TOKEN);
	rq.query_token = NULL;
	rq.api_key = TOK;			/* not a place for it */
	assert_401(&pol, &rq, TOKEN);
	pol.token_required = 1;
	rq.api_key = NULL;
	rq.authorization = BEARER;
	assert_allow(&pol, &rq);
}

static void
test_registry_and_read(void **state)
{
	struct tt_auth_policy	pol = loopback_policy();
	struct tt_auth_request	rq = plain_request(TT_ROUTE_REGISTRY);

	(void)state;
	/* GET /v1/optout: open on loopback, but only under our name */
	assert_allow(&pol, &rq);
	rq.host = "evil.example:8353";		/* a rebinding page */
	assert_403(&pol, &rq, HOST);
	rq.host = "127.0.0.1:8353";
	pol.token_required = 1;
	assert_401(&pol, &rq, TOKEN);
	rq.query_token = TOK;
	assert_allow(&pol, &rq);
	rq.query_token = NULL;
	rq.authorization = BEARER;
	assert_allow(&pol, &rq);
	rq.authorization = NULL;
	rq.api_key = TOK;
	assert_401(&pol, &rq, TOKEN);

	/* healthz, metrics, Devtron's GETs: always */
	rq = plain_request(TT_ROUTE_READ);
	assert_allow(&pol, &rq);
	rq.host = "evil.example:8353";
	rq.origin = "http://evil.example";
	rq.fetch_site = "cross-site";
	assert_allow(&pol, &rq);
	pol.token = NULL;
	assert_allow(&pol, &rq);
}

static void
test_loopback(void **state)
{
	static const char	*yes[] = { "127.0.0.1", "127.255.255.254",
	    "127.0.1.1", "::1", "[::1]", "0:0:0:0:0:0:0:1", "localhost",
	    "LocalHost", "::ffff:127.0.0.1" };
	static const char	*no[] = { "0.0.0.0", "::", "", "*", "10.0.0.1",
	    "128.0.0.1", "126.255.255.255", "192.168.1.5", "::2",
	    "localhost.evil.example", "127.0.0.1.nip.io", "127.1",
	    "::ffff:10.0.0.1", "myhost", "[::1" };
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (!tt_auth_listen_is_loopback(yes[i])) {
			print_error("%s is loopback\n", yes[i]);
			fail();
		}
	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		if (tt_auth_listen_is_loopback(no[i])) {
			print_error("%s is not loopback\n", no[i]);
			fail();
		}
	assert_false(tt_auth_listen_is_loopback(NULL));
}

static void
test_listen_check(void **state)
{
	char	*msg;

	(void)state;
	assert_int_equal(tt_auth_listen_check("127.0.0.1", 0, 0, &msg), 0);
	assert_null(msg);
	assert_int_equal(tt_auth_listen_check("::1", 1, 0, &msg), 0);
	assert_null(msg);
	assert_int_equal(tt_auth_listen_check("localhost", 0, 1, &msg), 0);
	assert_null(msg);

	assert_int_equal(tt_auth_listen_check("0.0.0.0", 0, 0, &msg), -1);
	assert_non_null(strstr(msg, "--token-required"));
	assert_non_null(strstr(msg, "--insecure-public"));
	assert_non_null(strstr(msg, "0.0.0.0"));
	free(msg);
	assert_int_equal(tt_auth_listen_check("", 0, 0, &msg), -1);
	assert_non_null(strstr(msg, "every interface"));
	free(msg);

	assert_int_equal(tt_auth_listen_check("192.168.1.5", 1, 0, &msg), 1);
	assert_non_null(strstr(msg, "teltop token"));
	free(msg);
	assert_int_equal(tt_auth_listen_check("192.168.1.5", 0, 1, &msg), 1);
	assert_non_null(strstr(msg, "anyone"));
	free(msg);
	assert_int_equal(tt_auth_listen_check("192.168.1.5", 1, 1, &msg), -1);
	assert_non_null(strstr(msg, "contradict"));
	free(msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_path),
		cmocka_unit_test(test_token_equal),
		cmocka_unit_test_setup_teardown(test_token_create_reuse,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_token_refused,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_token_race,
		    setup_dir, teardown_dir),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_control_allowed),
		cmocka_unit_test(test_control_browser),
		cmocka_unit_test(test_control_content_type),
		cmocka_unit_test(test_control_host),
		cmocka_unit_test(test_host_listen_forms),
		cmocka_unit_test(test_control_token),
		cmocka_unit_test(test_upgrade),
		cmocka_unit_test(test_ingest),
		cmocka_unit_test(test_registry_and_read),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_listen_check),
	};

	return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
