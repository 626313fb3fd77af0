/*
 * Unit tests for core/config.c: the defaults, every setting and its
 * errors (each naming the file and line), comments and whitespace, the
 * size limits, a failed parse leaving the config as it was, the default
 * path from XDG_CONFIG_HOME and HOME, and loading files (missing, not
 * regular, too large, bad) from a temporary directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tt_test.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"

/* The sources an error message lists (core/event.h). */
#define SOURCES "devtron, devpod, devsy, werf, posthog, segment, " \
	"rudderstack, otlp, generic"

/* Parse a C string as "config"; its return code. */
static int
parse(struct tt_config *cfg, const char *text, char **cause)
{
	return tt_config_parse(cfg, text, strlen(text), "config", cause);
}

/* A C string that must parse. */
#define assert_parses(cfg, text) do {					\
	char	*c_ = NULL;						\
	if (parse((cfg), (text), &c_) != 0) {				\
		print_error("refused: %s\n", c_);			\
		fail();							\
	}								\
	assert_null(c_);						\
} while (0)

/* A C string refused with exactly the message want; cfg unchanged. */
#define assert_refused(text, want) do {					\
	struct tt_config	 a_, b_;				\
	char			*c_ = NULL;				\
	tt_config_init(&a_);						\
	(void)tt_intercept_add(&a_.intercept, "before.example",	\
	    TT_SRC_WERF, NULL);						\
	a_.forward = 1u << TT_SRC_DEVSY;				\
	b_ = a_;							\
	assert_int_equal(parse(&a_, (text), &c_), -1);			\
	assert_str(c_, (want));						\
	assert_memory_equal(&a_, &b_, sizeof a_);			\
	free(c_);							\
} while (0)

/* The defaults: the built-in hosts, nothing forwarded. */
static void
test_init(void **state)
{
	struct tt_config	cfg;
	int			i;

	(void)state;
	memset(&cfg, 0xa5, sizeof cfg);
	tt_config_init(&cfg);
	assert_int_equal(cfg.intercept.n, tt_hosts_builtin_count);
	assert_non_null(tt_intercept_find(&cfg.intercept,
	    "analytics.loft.rocks"));
	assert_int_equal(cfg.forward, 0);
	for (i = 0; i < TT_SRC_COUNT; i++)
		assert_false(tt_config_forwards(&cfg, (enum tt_source)i));
	assert_false(tt_config_forwards(&cfg, TT_SRC_COUNT));
}

/* intercept HOST [SOURCE]: added, any case, one dot at the end. */
static void
test_intercept(void **state)
{
	struct tt_config	 cfg;
	const struct tt_host	*h;

	(void)state;
	tt_config_init(&cfg);
	assert_parses(&cfg,
	    "# extra hosts\n"
	    "\n"
	    "intercept telemetry.example.org\n"
	    "  intercept\tOTel.Example.COM. werf   # werf's own collector\n"
	    "intercept telemetry.example.org\n"
	    "intercept analytics.loft.rocks\n"
	    "intercept analytics.loft.rocks devpod\n"
	    "intercept telemetry.example.org generic\n");
	assert_int_equal(cfg.intercept.n, tt_hosts_builtin_count + 2);
	h = tt_intercept_find(&cfg.intercept, "telemetry.example.org");
	assert_non_null(h);
	assert_int_equal(h->source, TT_SRC_GENERIC);
	assert_false(h->builtin);
	h = tt_intercept_find(&cfg.intercept, "otel.example.com");
	assert_non_null(h);
	assert_str(h->name, "otel.example.com");
	assert_int_equal(h->source, TT_SRC_WERF);
	assert_int_equal(cfg.forward, 0);

	/* A second file adds to the first. */
	assert_parses(&cfg, "intercept third.example.net devsy");
	assert_int_equal(cfg.intercept.n, tt_hosts_builtin_count + 3);
	assert_int_equal(tt_intercept_find(&cfg.intercept,
	    "third.example.net")->source, TT_SRC_DEVSY);
}

/* forward all, forward SOURCE...: the union of every line. */
static void
test_forward(void **state)
{
	struct tt_config	cfg;

	(void)state;
	tt_config_init(&cfg);
	assert_parses(&cfg, "forward devpod\nforward posthog devsy devpod\n");
	assert_int_equal(cfg.forward, (1u << TT_SRC_DEVPOD) |
	    (1u << TT_SRC_POSTHOG) | (1u << TT_SRC_DEVSY));
	assert_true(tt_config_forwards(&cfg, TT_SRC_DEVPOD));
	assert_true(tt_config_forwards(&cfg, TT_SRC_DEVSY));
	assert_false(tt_config_forwards(&cfg, TT_SRC_WERF));
	assert_false(tt_config_forwards(&cfg, TT_SRC_DEVTRON));

	tt_config_init(&cfg);
	assert_parses(&cfg, "forward all");
	assert_int_equal(cfg.forward, TT_CONFIG_FORWARD_ALL);
	assert_true(tt_config_forwards(&cfg, TT_SRC_GENERIC));
	assert_true(tt_config_forwards(&cfg, TT_SRC_DEVTRON));
	assert_false(tt_config_forwards(&cfg, TT_SRC_COUNT));

	tt_config_init(&cfg);
	assert_parses(&cfg, "forward werf all devpod");
	assert_int_equal(cfg.forward, TT_CONFIG_FORWARD_ALL);
}

/* Blank lines, comments, CRLF, tabs, no newline at the end, nothing. */
static void
test_layout(void **state)
{
	struct tt_config	 cfg, before;
	char			*cause = NULL;

	(void)state;
	tt_config_init(&cfg);
	before = cfg;
	assert_int_equal(tt_config_parse(&cfg, NULL, 0, NULL, &cause), 0);
	assert_null(cause);
	assert_parses(&cfg, "");
	assert_parses(&cfg, "\n\n   \n\t\n#\n# only comments\n   # indented\n");
	assert_parses(&cfg, "\r\n\t \r\n");
	assert_memory_equal(&cfg, &before, sizeof cfg);

	assert_parses(&cfg, "forward\tdevpod\r\nforward  werf\t\t#x\r\n"
	    "forward devsy #");
	assert_true(tt_config_forwards(&cfg, TT_SRC_DEVSY));
	assert_true(tt_config_forwards(&cfg, TT_SRC_DEVPOD));
	assert_true(tt_config_forwards(&cfg, TT_SRC_WERF));
}

/* The message of the task, and every other error, with its line. */
/* retain and max-db-size: their units, the word that turns each off, and
 * what is refused. */
static void
test_retention(void **state)
{
	struct tt_config	cfg;

	(void)state;
	tt_config_init(&cfg);
	assert_int_equal(cfg.retain_us, 0);
	assert_int_equal(cfg.max_db_size, 0);
	assert_parses(&cfg, "retain 30d\nmax-db-size 2GiB\n");
	assert_int_equal(cfg.retain_us, 30LL * 86400 * 1000000);
	assert_int_equal(cfg.max_db_size, 2ULL << 30);
	assert_parses(&cfg, "retain 1.5h # a comment\nmax-db-size 500mb\n");
	assert_int_equal(cfg.retain_us, 5400LL * 1000000);
	assert_int_equal(cfg.max_db_size, 500ULL << 20);
	assert_parses(&cfg, "retain 2w\n");
	assert_int_equal(cfg.retain_us, 14LL * 86400 * 1000000);
	assert_parses(&cfg, "retain all\nmax-db-size none\n");
	assert_int_equal(cfg.retain_us, 0);
	assert_int_equal(cfg.max_db_size, 0);

	assert_refused("retain\n",
	    "config:1: usage: retain DURATION (30d, 12h) | retain all");
	assert_refused("retain 30 days\n",
	    "config:1: usage: retain DURATION (30d, 12h) | retain all");
	assert_refused("retain 30y\n",
	    "config:1: retain: '30y' is not a duration (30d, 12h, 90m)");
	assert_refused("retain -1d\n",
	    "config:1: retain: '-1d' is not a duration (30d, 12h, 90m)");
	assert_refused("retain 0\n",
	    "config:1: retain: '0' is not a duration (30d, 12h, 90m)");
	assert_refused("max-db-size 2XB\n",
	    "config:1: max-db-size: '2XB' is not a size of at least 1MiB "
	    "(2GiB, 500MiB)");
	assert_refused("max-db-size 4k\n",
	    "config:1: max-db-size: '4k' is not a size of at least 1MiB "
	    "(2GiB, 500MiB)");
	assert_refused("max-db-size 99999999999999999999\n",
	    "config:1: max-db-size: '99999999999999999999' is not a size of "
	    "at least 1MiB (2GiB, 500MiB)");
	assert_refused("max-db-size\n",
	    "config:1: usage: max-db-size SIZE (2GiB, 500MiB) | max-db-size "
	    "none");
}

static void
test_errors(void **state)
{
	(void)state;
	assert_refused("# one\n\nfoo bar\n",
	    "config:3: unknown setting 'foo' (known: intercept, forward, "
	    "retain, max-db-size, theme, view, sort)");
	assert_refused("Intercept a.example",
	    "config:1: unknown setting 'Intercept' (known: intercept, "
	    "forward, retain, max-db-size, theme, view, sort)");
	assert_refused("forward devpod\nintercept\n",
	    "config:2: usage: intercept HOST [SOURCE]");
	assert_refused("intercept a.example devpod extra",
	    "config:1: usage: intercept HOST [SOURCE]");
	assert_refused("intercept localhost",
	    "config:1: intercept 'localhost': a host name needs at least two "
	    "labels (example.com)");
	assert_refused("intercept 10.0.0.1",
	    "config:1: intercept '10.0.0.1': an IP address, not a host name");
	assert_refused("intercept a_b.example",
	    "config:1: intercept 'a_b.example': host name has a byte other "
	    "than letters, digits, '-' and '.'");
	assert_refused("intercept a.example Devpod",
	    "config:1: intercept 'a.example': unknown source 'Devpod' (known: "
	    SOURCES ")");
	assert_refused("intercept a.example all",
	    "config:1: intercept 'a.example': unknown source 'all' (known: "
	    SOURCES ")");
	assert_refused("intercept Analytics.Loft.Rocks. werf",
	    "config:1: intercept 'Analytics.Loft.Rocks.': already "
	    "intercepted as devpod (built in)");
	assert_refused("intercept before.example devpod",
	    "config:1: intercept 'before.example': already intercepted as "
	    "werf");
	assert_refused("forward",
	    "config:1: usage: forward all | forward SOURCE...");
	assert_refused("forward # nothing",
	    "config:1: usage: forward all | forward SOURCE...");
	assert_refused("forward devpod nope",
	    "config:1: forward: unknown source 'nope' (known: all, "
	    SOURCES ")");
	assert_refused("forward devsy#x",
	    "config:1: forward: unknown source 'devsy#x' (known: all, "
	    SOURCES ")");
	assert_refused("forward devpod\rwerf",
	    "config:1: byte 0x0d at column 15: outside a comment a line is "
	    "printable ASCII");
	assert_refused("forward dev\x01pod",
	    "config:1: byte 0x01 at column 12: outside a comment a line is "
	    "printable ASCII");
	assert_refused("forward devpod\x7f",
	    "config:1: byte 0x7f at column 15: outside a comment a line is "
	    "printable ASCII");
	assert_refused("intercept b\xc3\xbc" "cher.example",
	    "config:1: byte 0xc3 at column 12: outside a comment a line is "
	    "printable ASCII");
	assert_refused("forward\v devpod",
	    "config:1: byte 0x0b at column 8: outside a comment a line is "
	    "printable ASCII");
	assert_refused("forward a a a a a a a a a a a a a a a a a a a a a a a "
	    "a a a a a a a a a",
	    "config:1: more than 32 words");
}

/* A NUL counts as a byte: in a comment it is fine, elsewhere not. */
static void
test_nul(void **state)
{
	static const char	 ok[] = "# a \0 in a comment\n"
				     "forward werf # and \0 here\n";
	static const char	 bad[] = "forward werf\nforward de\0vpod\n";
	struct tt_config	 cfg, before;
	char			*cause = NULL;

	(void)state;
	tt_config_init(&cfg);
	assert_int_equal(tt_config_parse(&cfg, ok, sizeof ok - 1, "f",
	    &cause), 0);
	assert_null(cause);
	assert_true(tt_config_forwards(&cfg, TT_SRC_WERF));
	before = cfg;
	assert_int_equal(tt_config_parse(&cfg, bad, sizeof bad - 1, "f",
	    &cause), -1);
	assert_str(cause, "f:2: byte 0x00 at column 11: outside a comment a "
	    "line is printable ASCII");
	assert_memory_equal(&cfg, &before, sizeof cfg);
	free(cause);
}

/* A bad line anywhere leaves everything as it was, not half applied. */
static void
test_all_or_nothing(void **state)
{
	struct tt_config	 cfg, before;
	char			*cause = NULL;

	(void)state;
	tt_config_init(&cfg);
	before = cfg;
	assert_int_equal(parse(&cfg, "intercept x.example\nforward all\n"
	    "intercept y.example\nbogus\n", &cause), -1);
	assert_str(cause,
	    "config:4: unknown setting 'bogus' (known: intercept, forward, "
	    "retain, max-db-size, theme, view, sort)");
	free(cause);
	assert_memory_equal(&cfg, &before, sizeof cfg);
	assert_null(tt_intercept_find(&cfg.intercept, "x.example"));

	/* name NULL is "config". */
	cause = NULL;
	assert_int_equal(tt_config_parse(&cfg, "x", 1, NULL, &cause), -1);
	assert_str(cause,
	    "config:1: unknown setting 'x' (known: intercept, forward, "
	    "retain, max-db-size, theme, view, sort)");
	free(cause);
}

/* More intercept lines than the set holds: the line that overflows. */
static void
test_full(void **state)
{
	struct tt_config	 cfg;
	char			*text, *p, *cause = NULL, want[128];
	size_t			 i, room = TT_INTERCEPT_MAX -
				     tt_hosts_builtin_count;

	(void)state;
	text = malloc(64 * (room + 1) + 1);
	assert_non_null(text);
	for (i = 0, p = text; i <= room; i++)
		p += sprintf(p, "intercept h%zu.example.net\n", i);
	tt_config_init(&cfg);
	assert_int_equal(parse(&cfg, text, &cause), -1);
	snprintf(want, sizeof want, "config:%zu: intercept 'h%zu.example.net':"
	    " too many intercepted hosts (64 at most)", room + 1, room);
	assert_str(cause, want);
	free(cause);
	assert_int_equal(cfg.intercept.n, tt_hosts_builtin_count);
	/* One fewer fits. */
	assert_int_equal(room, 58);
	*strstr(text, "intercept h58.") = '\0';
	assert_parses(&cfg, text);
	assert_int_equal(cfg.intercept.n, TT_INTERCEPT_MAX);
	free(text);
}

/* Lines of 4096 bytes pass, 4097 do not; files over 1 MiB do not. */
static void
test_limits(void **state)
{
	struct tt_config	 cfg;
	char			*text, *cause = NULL;
	size_t			 n;

	(void)state;
	tt_config_init(&cfg);
	n = TT_CONFIG_MAX_SIZE + 1;
	text = malloc(n + 1);
	assert_non_null(text);

	/* "forward all" padded with spaces to 4096 bytes, then a \r. */
	memset(text, ' ', TT_CONFIG_MAX_LINE);
	memcpy(text, "forward all", 11);
	text[TT_CONFIG_MAX_LINE] = '\n';
	assert_int_equal(tt_config_parse(&cfg, text, TT_CONFIG_MAX_LINE + 1,
	    "c", &cause), 0);
	assert_int_equal(tt_config_parse(&cfg, text, TT_CONFIG_MAX_LINE,
	    "c", &cause), 0);
	text[TT_CONFIG_MAX_LINE] = '\r';
	text[TT_CONFIG_MAX_LINE + 1] = '\n';
	assert_int_equal(tt_config_parse(&cfg, text, TT_CONFIG_MAX_LINE + 2,
	    "c", &cause), -1);
	assert_str(cause, "c:1: line longer than 4096 bytes");
	free(cause);
	text[TT_CONFIG_MAX_LINE] = ' ';
	assert_int_equal(tt_config_parse(&cfg, text, TT_CONFIG_MAX_LINE + 1,
	    "c", &cause), -1);
	assert_str(cause, "c:1: line longer than 4096 bytes");
	free(cause);

	/* A comment line too long is refused too: the bound is on lines. */
	memset(text, '#', TT_CONFIG_MAX_LINE + 3);
	memcpy(text, "\n\n", 2);
	assert_int_equal(tt_config_parse(&cfg, text, TT_CONFIG_MAX_LINE + 2,
	    "c", &cause), 0);
	assert_int_equal(tt_config_parse(&cfg, text, TT_CONFIG_MAX_LINE + 3,
	    "c", &cause), -1);
	assert_str(cause, "c:3: line longer than 4096 bytes");
	free(cause);

	/* 1 MiB of blank lines passes; one byte more does not. */
	memset(text, '\n', n);
	assert_int_equal(tt_config_parse(&cfg, text, n - 1, "c", &cause), 0);
	assert_int_equal(tt_config_parse(&cfg, text, n, "c", &cause), -1);
	assert_str(cause, "c: larger than 1 MiB (1048576 bytes)");
	free(cause);
	free(text);
	assert_int_equal(cfg.forward, TT_CONFIG_FORWARD_ALL);
}

/* XDG_CONFIG_HOME if absolute, else HOME, else none. */
static void
test_default_path(void **state)
{
	char	*p;

	(void)state;
	setenv("HOME", "/home/alice", 1);
	setenv("XDG_CONFIG_HOME", "/xdg/conf", 1);
	p = tt_config_default_path();
	assert_str(p, "/xdg/conf/teltop/config");
	free(p);
	setenv("XDG_CONFIG_HOME", "relative/conf", 1);
	p = tt_config_default_path();
	assert_str(p, "/home/alice/.config/teltop/config");
	free(p);
	setenv("XDG_CONFIG_HOME", "", 1);
	p = tt_config_default_path();
	assert_str(p, "/home/alice/.config/teltop/config");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	p = tt_config_default_path();
	assert_str(p, "/home/alice/.config/teltop/config");
	free(p);
	setenv("HOME", "", 1);
	assert_null(tt_config_default_path());
	unsetenv("HOME");
	assert_null(tt_config_default_path());
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	p = tt_config_default_path();
	assert_str(p, "/xdg/teltop/config");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
}

/* A temporary directory for the load tests; *state is its path. */
static int
setup_dir(void **state)
{
	char	*dir = strdup("/tmp/teltop-config-XXXXXX");

	if (dir == NULL || mkdtemp(dir) == NULL)
		return -1;
	*state = dir;
	return 0;
}

/* Remove what the load tests made. */
static int
teardown_dir(void **state)
{
	char	*dir = *state, *cmd;

	if (asprintf(&cmd, "rm -rf '%s'", dir) < 0)
		return -1;
	if (system(cmd) != 0) {
		free(cmd);
		return -1;
	}
	free(cmd);
	free(dir);
	return 0;
}

/* Write n bytes of text to dir/name; its path (caller frees). */
static char *
write_file(const char *dir, const char *name, const char *text, size_t n)
{
	char	*path;
	FILE	*f;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* The default file: missing is fine, present is applied. */
static void
test_load_default(void **state)
{
	const char		*dir = *state;
	struct tt_config	 cfg;
	char			*cause = NULL, *conf, *want;
	static const char	 text[] = "intercept t.example.org werf\n"
				     "forward werf\nnope\n";

	setenv("XDG_CONFIG_HOME", dir, 1);
	tt_config_init(&cfg);
	assert_int_equal(tt_config_load(&cfg, NULL, &cause), 0);
	assert_null(cause);
	assert_int_equal(cfg.intercept.n, tt_hosts_builtin_count);

	assert_true(asprintf(&conf, "%s/teltop", dir) > 0);
	assert_int_equal(mkdir(conf, 0700), 0);
	free(conf);
	assert_int_equal(tt_config_load(&cfg, NULL, &cause), 0);
	conf = write_file(dir, "teltop/config", text, sizeof text - 1 - 5);
	assert_int_equal(tt_config_load(&cfg, NULL, &cause), 0);
	assert_null(cause);
	assert_int_equal(tt_intercept_find(&cfg.intercept,
	    "t.example.org")->source, TT_SRC_WERF);
	assert_true(tt_config_forwards(&cfg, TT_SRC_WERF));

	/* A bad line: the message names the file's path and the line. */
	free(conf);
	conf = write_file(dir, "teltop/config", text, sizeof text - 1);
	tt_config_init(&cfg);
	assert_int_equal(tt_config_load(&cfg, NULL, &cause), -1);
	assert_true(asprintf(&want, "%s:3: unknown setting 'nope' (known: "
	    "intercept, forward, retain, max-db-size, theme, view, sort)", conf) > 0);
	assert_str(cause, want);
	assert_int_equal(cfg.intercept.n, tt_hosts_builtin_count);
	free(want);
	free(cause);

	/* No HOME and no XDG_CONFIG_HOME: nothing to read, no error. */
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	assert_int_equal(tt_config_load(&cfg, NULL, &cause), 0);
	assert_null(cause);
	/* ~/.config is a file, not a directory: no config either. */
	free(conf);
	conf = write_file(dir, ".config", "x", 1);
	setenv("HOME", dir, 1);
	assert_int_equal(tt_config_load(&cfg, NULL, &cause), 0);
	assert_null(cause);
	free(conf);
}

/* An explicit path: missing, a directory, a FIFO, too large, good. */
static void
test_load_path(void **state)
{
	const char		*dir = *state;
	struct tt_config	 cfg;
	char			*cause = NULL, *path, *want, *big;
	size_t			 n = TT_CONFIG_MAX_SIZE + 1;

	tt_config_init(&cfg);
	assert_true(asprintf(&path, "%s/missing", dir) > 0);
	assert_int_equal(tt_config_load(&cfg, path, &cause), -1);
	assert_true(asprintf(&want, "%s: No such file or directory", path) >
	    0);
	assert_str(cause, want);
	free(want);
	free(cause);
	free(path);

	assert_int_equal(tt_config_load(&cfg, dir, &cause), -1);
	assert_true(asprintf(&want, "%s: not a regular file", dir) > 0);
	assert_str(cause, want);
	free(want);
	free(cause);

	assert_true(asprintf(&path, "%s/fifo", dir) > 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(tt_config_load(&cfg, path, &cause), -1);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	free(path);

	big = malloc(n);
	assert_non_null(big);
	memset(big, '\n', n);
	path = write_file(dir, "big", big, n);
	assert_int_equal(tt_config_load(&cfg, path, &cause), -1);
	assert_true(asprintf(&want, "%s: larger than 1 MiB (1048576 bytes)",
	    path) > 0);
	assert_str(cause, want);
	free(want);
	free(cause);
	free(path);
	path = write_file(dir, "max", big, n - 1);
	assert_int_equal(tt_config_load(&cfg, path, &cause), 0);
	assert_null(cause);
	free(path);
	free(big);

	path = write_file(dir, "empty", "", 0);
	assert_int_equal(tt_config_load(&cfg, path, &cause), 0);
	free(path);
	path = write_file(dir, "good", "forward all", 11);
	assert_int_equal(tt_config_load(&cfg, path, &cause), 0);
	assert_int_equal(cfg.forward, TT_CONFIG_FORWARD_ALL);
	free(path);
}

/* theme, view and sort: kept as written, the last of each. */
static void
test_remembered(void **state)
{
	struct tt_config	cfg;
	char			*cause = NULL;

	(void)state;
	tt_config_init(&cfg);
	assert_parses(&cfg, "theme nord\nview commands\nsort commands p95\n"
	    "sort metrics points\nsort commands runs\ntheme light\n");
	assert_str(cfg.theme, "light");
	assert_str(cfg.view, "commands");
	assert_int_equal(cfg.nsort, 2);
	assert_str(tt_config_sort(&cfg, "commands"), "runs");
	assert_str(tt_config_sort(&cfg, "metrics"), "points");
	assert_null(tt_config_sort(&cfg, "daily"));
	tt_config_init(&cfg);
	assert_int_equal(tt_config_parse(&cfg, "sort commands\n", 14, NULL,
	    &cause), -1);
	assert_str(cause, "config:1: usage: sort VIEW KEY");
	free(cause);
	assert_int_equal(tt_config_parse(&cfg, "theme a b\n", 10, NULL,
	    &cause), -1);
	assert_str(cause, "config:1: usage: theme NAME");
	free(cause);
	assert_str(cfg.theme, "");
}

static char *
slurp(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*b = calloc(1, 4096);

	assert_non_null(f);
	assert_non_null(b);
	assert_true(fread(b, 1, 4095, f) < 4095);
	fclose(f);
	return b;
}

/* tt_config_remember: a line takes its setting's place, the rest stays. */
static void
test_remember(void **state)
{
	const char	*dir = *state;
	char		 path[256], *cause = NULL, *text;
	FILE		*f;

	/* made with its directory */
	snprintf(path, sizeof path, "%s/sub/teltop/config", dir);
	assert_int_equal(tt_config_remember(path, "view", "daily", NULL,
	    &cause), 0);
	text = slurp(path);
	assert_str(text, "view daily\n");
	free(text);
	snprintf(path, sizeof path, "%s/config", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# mine\nintercept a.example\nsort commands p95 # fast\n"
	    "theme nord\nsort metrics name\nviewer x", f);
	fclose(f);
	assert_int_equal(tt_config_remember(path, "theme", "light", NULL,
	    &cause), 0);
	assert_int_equal(tt_config_remember(path, "sort", "metrics", "points",
	    &cause), 0);
	assert_int_equal(tt_config_remember(path, "sort", "daily", "day",
	    &cause), 0);
	assert_int_equal(tt_config_remember(path, "view", "commands", NULL,
	    &cause), 0);
	text = slurp(path);
	assert_str(text, "# mine\nintercept a.example\nsort commands p95 # "
	    "fast\ntheme light\nsort metrics points\nviewer x\n"
	    "sort daily day\nview commands\n");
	free(text);
	/* the setting twice: the last one (the one read) takes its place,
	 * the first goes; the file's mode stays */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("theme a\nview x\ntheme b\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(tt_config_remember(path, "theme", "c", NULL,
	    &cause), 0);
	text = slurp(path);
	assert_str(text, "view x\ntheme c\n");
	free(text);
	{
		struct stat	sb;

		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0640);
	}
	/* what is not a regular file is not rewritten */
	snprintf(path, sizeof path, "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(tt_config_remember(path, "theme", "c", NULL,
	    &cause), -1);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	/* a directory that cannot be written: said */
	assert_int_equal(tt_config_remember("/proc/nope/config", "view", "x",
	    NULL, &cause), -1);
	assert_non_null(cause);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_intercept),
		cmocka_unit_test(test_forward),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_retention),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_all_or_nothing),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_remembered),
		cmocka_unit_test_setup_teardown(test_remember, setup_dir,
		    teardown_dir),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test_setup_teardown(test_load_default,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_load_path,
		    setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
