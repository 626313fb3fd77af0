/*
 * `teltop demo`: realistic traffic from every tool teltop knows, each in
 * its own wire format, on its own route, over its own keep-alive connection
 * (formats.md): Devtron through posthog-go 1.5.9 (and the 2021 revision with
 * the nested summary{}), DevPod current (/v1/insert) and legacy
 * (cmdstarted/cmdfinished), the Devsy CLI (posthog-go 1.12.5) and desktop
 * (posthog-node, gzip), werf (OTLP protobuf CommandStarted/CommandExited),
 * and an app using posthog-node.
 *
 * How it runs: one thread, a clock.  Every tick (10 to 100 ms) the schedule
 * says how many events should be out by now (--rate N a second); the
 * generator makes that many, first the finishes that have come due, then
 * new runs, into one pending batch per connection.  Then each connection
 * gets a request (several when a batch exceeds what the real client puts in
 * one), all in flight at once, and the replies are read.  The demo sleeps
 * to the next tick with clock_nanosleep(TIMER_ABSTIME), never per event.  A
 * slow collector makes the batches grow; one more than a second behind
 * makes the schedule skip ahead (the summary says by how much).
 *
 * Each request is shaped as the real client shapes it, with one exception:
 * legacy DevPod posted one body per request, and so does the demo unless
 * several are due in one tick; then they go as one JSON array, which the
 * route accepts.
 *
 * Commands take their real time: a `werf converge` started now sends its
 * CommandExited minutes later (with "durationMs" and the same executionID).
 * Runs still going when the demo stops send no finish, as if killed; the
 * summary counts them.  Everything random comes from one generator, so
 * --seed N makes the same choices every time.  A few payloads carry
 * personal data on purpose ($ip, an e-mail, a home path, a host name), for
 * the privacy findings to find.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libwebsockets.h>
#include <zlib.h>

#include "core/json.h"
#include "core/xmalloc.h"
#include "cli.h"
#include "httpc.h"
#include "werfpb.h"

#define DEMO_CONNECT_MS		2000
#define DEMO_TIMEOUT_MS		15000	/* request + reply */
#define DEMO_GIVE_UP_NS		(5 * NS)	/* nothing accepted */
#define DEMO_TICK_MIN_NS	(10 * MS)
#define DEMO_TICK_MAX_NS	(100 * MS)
#define DEMO_PENDING_MAX	2000000	/* runs awaiting a finish */
#define DEMO_CONNS_MAX		8	/* connections of one stream */
#define DEMO_CONN_RATE		2000	/* events/s per connection */
#define NS			INT64_C(1000000000)
#define MS			INT64_C(1000000)

static volatile sig_atomic_t	stopping;

/* ---- tools, streams, clients ---- */

/* The tools counted in the summary, in design.md's source order. */
enum tool { T_DEVTRON, T_DEVPOD, T_DEVSY, T_WERF, T_POSTHOG, T_COUNT };
static const char *const tool_names[T_COUNT] = { "devtron", "devpod",
    "devsy", "werf", "posthog" };

enum body_kind {
	K_PHGO,		/* posthog-go {"api_key","batch":[...]} */
	K_PHNODE,	/* posthog-node, + "sent_at", gzip */
	K_INSERT,	/* {"data":[...]} */
	K_LEGACY,	/* one body, or an array when several are due */
	K_OTLP		/* ExportTraceServiceRequest */
};

enum stream_id {
	S_DEVTRON, S_DEVTRON_2021, S_DEVPOD, S_DEVPOD_LEGACY, S_DEVSY,
	S_DEVSY_DESKTOP, S_WERF, S_APP, S_COUNT
};

/* A growable string; always NUL-terminated. */
struct sb {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

/* One werf span waiting to be packed; its strings live here. */
struct witem {
	int64_t	 ts_ms;
	int	 client;
	char	 exec[37];
	char	 type[24];
	char	 command[24];
	char	 data[320];
	uint8_t	 trace[16];
	uint8_t	 span[8];
};

/* One connection of a stream and its request in flight. */
struct conn {
	struct httpc	*h;
	struct httpc_req req;
	struct sb	 body;
	uint8_t		*bin;		/* packed or gzipped body */
	size_t		 inflight;	/* items in its request */
};

/*
 * One client library of one tool and the batch pending for it.  A batch
 * larger than the real client puts in one request is split over several
 * connections (several instances of the tool), all in flight at once.
 */
struct stream {
	const char	*name;
	enum tool	 tool;
	const char	*path;
	const char	*ctype;
	const char	*agent;
	const char	*api_key;
	enum body_kind	 kind;
	int		 gzip;
	size_t		 per_request;	/* as the real client */

	struct conn	 conn[DEMO_CONNS_MAX];
	int		 nconn;
	struct sb	 items;		/* JSON, comma-separated */
	size_t		*starts;	/* offset of each item */
	size_t		 n, cap;
	struct witem	*w;		/* werf spans */
	size_t		 done;		/* items sent this tick */
};

/* One installation, machine or user of a tool. */
struct client {
	char		 id[65];
	int		 os;		/* index into platforms[] */
	int		 tz;		/* index into zones[] */
	int		 version;	/* index into the tool's versions */
	int		 person;	/* index into people[] */
	int		 flag;		/* desktop user; werf: CI */
	int		 provider;
	int		 ide;
	int		 project;	/* werf */
	int		 counts[6];	/* Devtron sizes */
	char		*attrs;		/* werf "attributes" JSON */
};

/* A run whose finish is due later. */
struct pending {
	int64_t		 due_ns;	/* monotonic */
	int64_t		 start_ns;	/* wall clock */
	int64_t		 dur_ms;
	int		 client;
	uint8_t		 werf;		/* else DevPod legacy */
	uint8_t		 cmd;
	uint8_t		 exit_code;
	uint8_t		 err;		/* 0, or error index + 1 */
	uint8_t		 images;
	char		 exec[37];
};

struct demo {
	uint64_t	 rng;
	double		 rate;
	const char	*url;

	struct stream	 st[S_COUNT];
	struct client	*pool[T_COUNT];
	int		 npool[T_COUNT];
	char		 projects[12][65];
	char		 tokens[2][512];	/* legacy DevPod JWS */

	struct pending	*heap;
	size_t		 nheap, capheap;

	int64_t		 wall_ns;	/* this tick */
	int64_t		 mono_ns;
	uint64_t	 generated;
	uint64_t	 skipped;
	uint64_t	 sent[T_COUNT];
	uint64_t	 failed[T_COUNT];
	uint64_t	 requests_failed;
	char		*first_error;
	int64_t		 failing_since;	/* 0: last one worked */

	z_stream	 z;
	struct sb	 tmp;		/* properties being built */
	struct sb	 tmp2;
};

/* ---- random numbers (splitmix64: small, fast, seedable) ---- */

/* The next 64 random bits. */
static uint64_t
rnd(struct demo *d)
{
	uint64_t	z;

	z = (d->rng += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
rnd01(struct demo *d)
{
	return (double)(rnd(d) >> 11) / 9007199254740992.0;
}

/* Uniform in [0, n). */
static int
rnd_n(struct demo *d, int n)
{
	return n <= 1 ? 0 : (int)(rnd(d) % (uint64_t)n);
}

/* True with probability pct / 100. */
static int
chance(struct demo *d, double pct)
{
	return rnd01(d) * 100.0 < pct;
}

/* Log-normal around a median: most runs near it, a long tail above. */
static double
lognormal(struct demo *d, double median, double sigma)
{
	double	u1, u2, n;

	u1 = rnd01(d);
	u2 = rnd01(d);
	if (u1 < 1e-12)
		u1 = 1e-12;
	n = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
	return median * exp(sigma * n);
}

/* An index picked by weight. */
static int
pick(struct demo *d, const int *weights, int n)
{
	int	i, total = 0, r;

	for (i = 0; i < n; i++)
		total += weights[i];
	r = rnd_n(d, total);
	for (i = 0; i < n; i++) {
		if (r < weights[i])
			return i;
		r -= weights[i];
	}
	return n - 1;
}

/* ndigits random hex digits, like a hash, into out[ndigits + 1]. */
static void
hex_random(struct demo *d, char *out, size_t ndigits)
{
	static const char	digits[] = "0123456789abcdef";
	uint64_t		x = 0;
	size_t			i;

	for (i = 0; i < ndigits; i++) {
		if (i % 16 == 0)
			x = rnd(d);
		out[i] = digits[x & 15];
		x >>= 4;
	}
	out[ndigits] = '\0';
}

/* 16 random bytes as a UUID of the given version (4, or 7 with ms). */
static void
uuid(struct demo *d, int version, int64_t ms, char out[37])
{
	static const char	digits[] = "0123456789abcdef";
	uint8_t			b[16];
	uint64_t		x = rnd(d), y = rnd(d);
	int			i, o = 0;

	memcpy(b, &x, 8);
	memcpy(b + 8, &y, 8);
	if (version == 7)
		for (i = 0; i < 6; i++)
			b[i] = (uint8_t)((uint64_t)ms >> (40 - 8 * i));
	b[6] = (uint8_t)((b[6] & 0x0f) | (version << 4));
	b[8] = (b[8] & 0x3f) | 0x80;
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = digits[b[i] >> 4];
		out[o++] = digits[b[i] & 15];
	}
	out[o] = '\0';
}

/* ---- strings and JSON ---- */

/* Room for n more bytes and a NUL. */
static void
sb_reserve(struct sb *b, size_t n)
{
	size_t	want;

	if (b->cap - b->len > n)
		return;
	want = b->cap * 2;
	if (want < b->len + n + 1)
		want = b->len + n + 1;
	if (want < 4096)
		want = 4096;
	b->p = xrealloc(b->p, want);
	b->cap = want;
}

/* Append n bytes. */
static void
sb_add(struct sb *b, const char *s, size_t n)
{
	sb_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Append a string. */
static void
sb_puts(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void	sb_printf(struct sb *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* Append a formatted string. */
static void
sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	sb_reserve(b, 256);
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		sb_reserve(b, (size_t)n);
		va_start(ap, fmt);
		(void)vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

/* Empty the string, keeping its memory. */
static void
sb_clear(struct sb *b)
{
	b->len = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

/* A JSON string literal. */
static void
sb_jstr(struct sb *b, const char *s)
{
	size_t	n = strlen(s);

	sb_reserve(b, 6 * n + 2);
	b->p[b->len++] = '"';
	b->len += tt_json_escape(s, n, b->p + b->len, 0);
	b->p[b->len++] = '"';
	b->p[b->len] = '\0';
}

/* A comma, unless at the start, after a key or after a comma. */
static void
j_sep(struct sb *b)
{
	char	c;

	if (b->len == 0)
		return;
	c = b->p[b->len - 1];
	if (c != '{' && c != '[' && c != ':' && c != ',')
		sb_add(b, ",", 1);
}

/* A member's key and colon. */
static void
j_key(struct sb *b, const char *k)
{
	j_sep(b);
	sb_jstr(b, k);
	sb_add(b, ":", 1);
}

/* A string member. */
static void
j_str(struct sb *b, const char *k, const char *v)
{
	j_key(b, k);
	sb_jstr(b, v);
}

/* An integer member. */
static void
j_int(struct sb *b, const char *k, int64_t v)
{
	j_key(b, k);
	sb_printf(b, "%lld", (long long)v);
}

/* A boolean member. */
static void
j_bool(struct sb *b, const char *k, int v)
{
	j_key(b, k);
	sb_puts(b, v ? "true" : "false");
}

/* Open an object or array, as a member (k) or an element (k NULL). */
static void
j_open(struct sb *b, const char *k, char c)
{
	if (k != NULL)
		j_key(b, k);
	else
		j_sep(b);
	sb_add(b, &c, 1);
}

/* Close an object or array. */
static void
j_close(struct sb *b, char c)
{
	sb_add(b, &c, 1);
}

/*
 * Go's encoding/json writes a map's keys sorted; the tools' properties are
 * maps.  Members are collected here, then written in that order.
 */
struct gomap {
	struct {
		const char	*k;
		size_t		 off;
		size_t		 len;
	}		 m[40];
	int		 n;
	struct sb	 v;
};

/* Start a new, empty map. */
static void
gm_begin(struct gomap *g)
{
	g->n = 0;
	sb_clear(&g->v);
}

/* Start the value of key k; the caller appends it to g->v. */
static struct sb *
gm_key(struct gomap *g, const char *k)
{
	if (g->n > 0)
		g->m[g->n - 1].len = g->v.len - g->m[g->n - 1].off;
	if (g->n == (int)(sizeof g->m / sizeof g->m[0]))
		fatal("demo: too many properties");
	g->m[g->n].k = k;
	g->m[g->n].off = g->v.len;
	g->n++;
	return &g->v;
}

/* A string member of the map. */
static void
gm_str(struct gomap *g, const char *k, const char *v)
{
	sb_jstr(gm_key(g, k), v);
}

/* An integer member of the map. */
static void
gm_int(struct gomap *g, const char *k, int64_t v)
{
	sb_printf(gm_key(g, k), "%lld", (long long)v);
}

/* A boolean member of the map. */
static void
gm_bool(struct gomap *g, const char *k, int v)
{
	sb_puts(gm_key(g, k), v ? "true" : "false");
}

/* Order members by key, bytewise, as Go does. */
static int
gm_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Write the map as a JSON object, keys sorted, into b. */
static void
gm_write(struct gomap *g, struct sb *b)
{
	int	i;

	if (g->n > 0)
		g->m[g->n - 1].len = g->v.len - g->m[g->n - 1].off;
	qsort(g->m, (size_t)g->n, sizeof g->m[0], gm_cmp);
	sb_add(b, "{", 1);
	for (i = 0; i < g->n; i++) {
		if (i > 0)
			sb_add(b, ",", 1);
		sb_jstr(b, g->m[i].k);
		sb_add(b, ":", 1);
		sb_add(b, g->v.p + g->m[i].off, g->m[i].len);
	}
	sb_add(b, "}", 1);
}

static struct gomap	gm;	/* one map at a time */

/* ---- time ---- */

/* Nanoseconds on clock c. */
static int64_t
clock_ns(clockid_t c)
{
	struct timespec	ts;

	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

/* Time zones of the clients: Go's zone abbreviation and its offset. */
static const struct {
	const char	*name;
	int		 minutes;
} zones[] = {
	{ "UTC", 0 }, { "CET", 60 }, { "CEST", 120 }, { "EST", -300 },
	{ "PST", -480 }, { "IST", 330 }, { "JST", 540 }, { "-03", -180 },
	{ "MSK", 180 }, { "AEST", 600 },
};

/* Go's RFC3339Nano of a local time: trailing zeros trimmed, zone offset. */
static void
ts_go(int64_t ns, int tz, char *buf, size_t len)
{
	struct tm	tm;
	time_t		s;
	int64_t		frac;
	int		n, off = zones[tz].minutes, i;

	s = (time_t)(ns / NS) + off * 60;
	frac = ns % NS;
	gmtime_r(&s, &tm);
	n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
	if (frac != 0) {
		n += snprintf(buf + n, len - (size_t)n, ".%09lld",
		    (long long)frac);
		for (i = n - 1; buf[i] == '0'; i--)
			n--;
		buf[n] = '\0';
	}
	if (off == 0)
		snprintf(buf + n, len - (size_t)n, "Z");
	else
		snprintf(buf + n, len - (size_t)n, "%c%02d:%02d",
		    off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
}

/* JavaScript's Date.toISOString(): UTC, milliseconds. */
static void
ts_iso(int64_t ns, char *buf, size_t len)
{
	struct tm	tm;
	time_t		s = (time_t)(ns / NS);

	gmtime_r(&s, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(ns % NS / MS));
}

/* ---- what the tools' users look like ---- */

static const struct {
	const char	*os;
	const char	*arch;
	const char	*home;		/* + the user's name */
	int		 weight;
} platforms[] = {
	{ "linux", "amd64", "/home/", 50 },
	{ "darwin", "arm64", "/Users/", 30 },
	{ "darwin", "amd64", "/Users/", 5 },
	{ "windows", "amd64", "C:\\Users\\", 10 },
	{ "linux", "arm64", "/home/", 5 },
};
#define NPLATFORMS	((int)(sizeof platforms / sizeof platforms[0]))

/* People behind the few payloads that carry personal data. */
static const char *const people[][2] = {
	{ "alice", "martin" }, { "bob", "nguyen" }, { "chen", "wei" },
	{ "dmitri", "volkov" }, { "emma", "schulz" }, { "farid", "haddad" },
	{ "grace", "okafor" }, { "hiro", "tanaka" }, { "ines", "garcia" },
	{ "jonas", "berg" }, { "kemal", "aydin" }, { "lena", "novak" },
	{ "mateo", "rossi" }, { "nadia", "petrova" }, { "oskar", "lind" },
	{ "priya", "sharma" },
};
#define NPEOPLE		((int)(sizeof people / sizeof people[0]))

static const char *const workspaces[] = { "api", "web-frontend",
    "ml-pipeline", "docs", "payments-svc", "infra", "mobile-app", "sandbox" };
#define NWORKSPACES	((int)(sizeof workspaces / sizeof workspaces[0]))

static const char *const providers[] = { "docker", "kubernetes", "ssh",
    "aws", "gcloud", "azure", "digitalocean" };
static const int provider_w[] = { 55, 15, 10, 8, 5, 4, 3 };
static const char *const ides[] = { "vscode", "openvscode", "goland",
    "intellij", "cursor", "none" };
static const int ide_w[] = { 50, 15, 10, 8, 7, 10 };
static const char *const source_types[] = { "git:", "local:", "image:" };

/* A command of a tool: how often, how long, how often it fails. */
struct cmdspec {
	const char	*name;
	int		 weight;
	double		 median_s;
	double		 sigma;
	double		 fail_pct;
	int		 workspace;	/* has provider, ide */
	int		 builds;	/* werf: sends Build* events */
};

static const struct cmdspec pod_cmds[] = {
	{ "up", 34, 42, 0.8, 9, 1, 0 },
	{ "stop", 14, 4, 0.6, 2, 1, 0 },
	{ "delete", 10, 7, 0.7, 4, 1, 0 },
	{ "ssh", 18, 240, 1.2, 6, 1, 0 },
	{ "build", 5, 95, 0.7, 10, 1, 0 },
	{ "list", 8, 0.4, 0.5, 0, 0, 0 },
	{ "status", 4, 0.8, 0.5, 1, 1, 0 },
	{ "provider add", 3, 3, 0.6, 5, 0, 0 },
	{ "ide use", 2, 0.2, 0.4, 0, 0, 0 },
	{ "context set-options", 2, 0.1, 0.4, 0, 0, 0 },
};
#define NPOD_CMDS	((int)(sizeof pod_cmds / sizeof pod_cmds[0]))

static const struct cmdspec werf_cmds[] = {
	{ "converge", 30, 75, 0.8, 8, 0, 1 },
	{ "build", 18, 45, 0.9, 6, 0, 1 },
	{ "render", 14, 1.2, 0.5, 3, 0, 0 },
	{ "plan", 8, 6, 0.6, 4, 0, 0 },
	{ "cleanup", 8, 25, 0.7, 2, 0, 0 },
	{ "run", 6, 15, 1.0, 10, 0, 1 },
	{ "dismiss", 5, 12, 0.6, 5, 0, 0 },
	{ "bundle publish", 6, 30, 0.7, 3, 0, 1 },
	{ "host cleanup", 5, 4, 0.8, 1, 0, 0 },
};
#define NWERF_CMDS	((int)(sizeof werf_cmds / sizeof werf_cmds[0]))

static const char *const werf_images[] = { "backend", "frontend", "worker",
    "migrations", "nginx" };

/* DevPod error messages; %1$s a user, %2$s a workspace, %3$s a host. */
static const char *const pod_errors[] = {
	"find dev container: docker ps: exit status 1",
	"run agent command: Process exited with status 1",
	"open %1$s/.devpod/contexts/default/workspaces/%2$s/workspace.json: "
	    "permission denied",
	"workspace %2$s doesn't exist",
	"dial tcp: lookup %3$s: no such host",
	"ssh: exit status 255",
	"context deadline exceeded",
	"build image: failed to solve: process \"/bin/sh -c npm ci\" did not "
	    "complete successfully: exit code: 1",
};
#define NPOD_ERRORS	((int)(sizeof pod_errors / sizeof pod_errors[0]))

static const char *const devsy_error_codes[] = { "docker_not_running",
    "provider_timeout", "git_clone_failed", "workspace_not_found",
    "ssh_failed", "image_build_failed", "unknown" };

/* Versions: DevPod before v0.6.6 sends the legacy format. */
static const char *const devpod_versions[] = { "v0.5.29", "v0.6.3",
    "v0.6.15", "v0.6.12", "v0.6.9", "v0.7.0-alpha.34" };
#define DEVPOD_LEGACY_VERSIONS	2
static const char *const devsy_versions[] = { "v1.1.0", "v1.2.3", "v1.4.0" };
static const char *const werf_versions[] = { "2.35.0", "2.31.1", "2.47.2",
    "2.77.1" };
static const char *const devtron_versions[] = { "v1.29.3", "v1.31.2",
    "v1.27.0", "v1.33.5" };

/* ---- setting up ---- */

/* Describe one stream. */
static void
stream_set(struct stream *s, const char *name, enum tool tool,
    const char *path, const char *ctype, const char *agent,
    const char *api_key, enum body_kind kind, int gzip, size_t per_request)
{
	s->name = name;
	s->tool = tool;
	s->path = path;
	s->ctype = ctype;
	s->agent = agent;
	s->api_key = api_key;
	s->kind = kind;
	s->gzip = gzip;
	s->per_request = per_request;
}

/* Every client library the demo speaks as, one stream each. */
static void
streams_init(struct demo *d)
{
	/* per request: posthog-go 250, posthog-node 100, OTLP batcher 512 */
	stream_set(&d->st[S_DEVTRON], "devtron", T_DEVTRON, "/batch/",
	    "application/json", "posthog-go/1.5.9",
	    "phc_dt8b2Xq1mZr4VnK0sYp7LwE3fJc9HuTgA6oIdN5eRy", K_PHGO, 0, 250);
	stream_set(&d->st[S_DEVTRON_2021], "devtron (2021 client)", T_DEVTRON,
	    "/batch/", "application/json", "posthog-go (version: 1.0.2)",
	    "phc_dt8b2Xq1mZr4VnK0sYp7LwE3fJc9HuTgA6oIdN5eRy", K_PHGO, 0, 250);
	stream_set(&d->st[S_DEVPOD], "devpod", T_DEVPOD, "/v1/insert",
	    "application/json", "Go-http-client/1.1", NULL, K_INSERT, 0, 500);
	stream_set(&d->st[S_DEVPOD_LEGACY], "devpod (legacy)", T_DEVPOD,
	    "/analytics/v1/devpod/v1/events", "multipart/form-data",
	    "Go-http-client/1.1", NULL, K_LEGACY, 0, 500);
	stream_set(&d->st[S_DEVSY], "devsy", T_DEVSY, "/batch/",
	    "application/json", "posthog-go/1.12.5",
	    "phc_dsQ7vL2kP9xW4mN8bR1tY6cJ3hF5gA0eZ2uIoS7dK", K_PHGO, 0, 250);
	stream_set(&d->st[S_DEVSY_DESKTOP], "devsy (desktop)", T_DEVSY,
	    "/batch/", "application/json", "posthog-node/5.34.2",
	    "phc_dsQ7vL2kP9xW4mN8bR1tY6cJ3hF5gA0eZ2uIoS7dK", K_PHNODE, 1, 100);
	stream_set(&d->st[S_WERF], "werf", T_WERF, "/v1/traces",
	    "application/x-protobuf", "OTel OTLP Exporter Go/1.24.0", NULL,
	    K_OTLP, 0, 512);
	stream_set(&d->st[S_APP], "posthog", T_POSTHOG, "/batch/",
	    "application/json", "posthog-node/5.70.0",
	    "phc_app3Fh8Kd1Lq6Zx2Vb9Nm4Rt7Yw0Pe5Su1Gi8Ja", K_PHNODE, 1, 100);
}

/* A Devtron UCID: 16 characters of [a-z0-9]. */
static void
ucid(struct demo *d, char *out)
{
	static const char	set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	int			i;

	for (i = 0; i < 16; i++)
		out[i] = set[rnd_n(d, 36)];
	out[16] = '\0';
}

/* werf's "attributes" JSON for a client: platform, version, CI. */
static char *
werf_attrs(struct demo *d, const struct client *c)
{
	static const char *const ci_names[] = { "gitlab", "github",
	    "jenkins", "teamcity" };
	struct sb	b;

	memset(&b, 0, sizeof b);
	j_open(&b, NULL, '{');
	j_str(&b, "arch", platforms[c->os].arch);
	j_str(&b, "os", platforms[c->os].os);
	j_str(&b, "version", werf_versions[c->version]);
	j_open(&b, "extra", '{');
	if (c->flag && chance(d, 30))	/* a host name, in clear */
		j_str(&b, "runner", "gitlab-runner-03.ci.corp.example.com");
	j_close(&b, '}');
	if (c->flag) {
		j_bool(&b, "ci", 1);
		j_str(&b, "ciName", ci_names[rnd_n(d, 4)]);
	}
	j_close(&b, '}');
	return b.p;
}

/* A base64url string of n random characters. */
static void
b64url_random(struct demo *d, char *out, size_t n)
{
	static const char	set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t			i;

	for (i = 0; i < n; i++)
		out[i] = set[rnd_n(d, 64)];
	out[n] = '\0';
}

/* base64url without padding (lws pads with '='), of n bytes into out. */
static void
b64url(const char *in, size_t n, char *out, size_t cap)
{
	int	len;

	if ((len = lws_b64_encode_string_url(in, (int)n, out, (int)cap)) < 0)
		fatal("b64url: %zu bytes do not fit in %zu", n, cap);
	while (len > 0 && out[len - 1] == '=')
		out[--len] = '\0';
}

/* The clients of every tool, and the ids they share. */
static void
pools_init(struct demo *d)
{
	static const int	sizes[T_COUNT] = { 8, 48, 32, 40, 200 };
	static const int	zone_w[] = { 25, 20, 10, 12, 10, 8, 5, 4, 3,
	    3 };
	int			plat_w[NPLATFORMS];
	static const char	 payload[] = "{\"iss\":\"devpod-telemetry\"}";
	struct client		*c;
	char			 kid[44], sig[343], hdr[80], hdr64[112];
	char			 pay64[48];
	int			 t, i;

	for (i = 0; i < NPLATFORMS; i++)
		plat_w[i] = platforms[i].weight;
	for (i = 0; i < 12; i++)
		hex_random(d, d->projects[i], 64);
	/*
	 * Legacy DevPod's JWS: RS256 over a constant payload, so one token
	 * per release, the same for every installation.
	 */
	for (i = 0; i < 2; i++) {
		b64url_random(d, kid, 43);
		b64url_random(d, sig, 342);
		snprintf(hdr, sizeof hdr, "{\"alg\":\"RS256\",\"kid\":\"%s\"}",
		    kid);
		b64url(hdr, strlen(hdr), hdr64, sizeof hdr64);
		b64url(payload, strlen(payload), pay64, sizeof pay64);
		snprintf(d->tokens[i], sizeof d->tokens[i], "%s.%s.%s", hdr64,
		    pay64, sig);
	}
	for (t = 0; t < T_COUNT; t++) {
		d->npool[t] = sizes[t];
		d->pool[t] = xcalloc((size_t)sizes[t], sizeof *d->pool[t]);
		for (i = 0; i < sizes[t]; i++) {
			c = &d->pool[t][i];
			c->os = pick(d, plat_w, NPLATFORMS);
			c->tz = pick(d, zone_w, (int)(sizeof zone_w /
			    sizeof zone_w[0]));
			c->person = rnd_n(d, NPEOPLE);
			c->provider = pick(d, provider_w, 7);
			c->ide = pick(d, ide_w, 6);
			switch (t) {
			case T_DEVTRON:
				ucid(d, c->id);
				c->version = rnd_n(d, 4);
				c->flag = chance(d, 30);	/* EA_ONLY */
				c->counts[0] = 2 + rnd_n(d, 80);
				c->counts[1] = 1 + rnd_n(d, 12);
				c->counts[2] = 1 + rnd_n(d, 30);
				c->counts[3] = rnd_n(d, 120);
				break;
			case T_DEVPOD:
				hex_random(d, c->id, 64);
				c->version = chance(d, 35) ?
				    rnd_n(d, DEVPOD_LEGACY_VERSIONS) :
				    DEVPOD_LEGACY_VERSIONS + rnd_n(d, 4);
				c->flag = chance(d, 25);	/* desktop */
				break;
			case T_DEVSY:
				hex_random(d, c->id, 64);
				c->version = rnd_n(d, 3);
				c->flag = chance(d, 40);	/* desktop */
				break;
			case T_WERF:
				/* no usable MAC (containers): userID "" */
				if (chance(d, 15))
					c->id[0] = '\0';
				else
					hex_random(d, c->id, 64);
				c->version = rnd_n(d, 4);
				c->flag = chance(d, 45);	/* in CI */
				c->project = rnd_n(d, 12);
				c->attrs = werf_attrs(d, c);
				break;
			default:
				memcpy(c->id, "usr_", 4);
				b64url_random(d, c->id + 4, 12);
				break;
			}
		}
	}
}

/* ---- the pending finishes: a min-heap by due time ---- */

/* Add a run to the pending finishes. */
static void
heap_push(struct demo *d, const struct pending *p)
{
	size_t		i, parent;

	if (d->nheap == d->capheap) {
		d->capheap = d->capheap == 0 ? 1024 : d->capheap * 2;
		d->heap = xrealloc(d->heap, d->capheap * sizeof *d->heap);
	}
	i = d->nheap++;
	while (i > 0) {
		parent = (i - 1) / 2;
		if (d->heap[parent].due_ns <= p->due_ns)
			break;
		d->heap[i] = d->heap[parent];
		i = parent;
	}
	d->heap[i] = *p;
}

/* Take the run due first. */
static void
heap_pop(struct demo *d, struct pending *out)
{
	struct pending	last;
	size_t		i = 0, c;

	*out = d->heap[0];
	last = d->heap[--d->nheap];
	for (;;) {
		c = 2 * i + 1;
		if (c >= d->nheap)
			break;
		if (c + 1 < d->nheap && d->heap[c + 1].due_ns <
		    d->heap[c].due_ns)
			c++;
		if (d->heap[c].due_ns >= last.due_ns)
			break;
		d->heap[i] = d->heap[c];
		i = c;
	}
	if (d->nheap > 0)
		d->heap[i] = last;
}

/* ---- items ---- */

/* Start a JSON item on stream s; the caller writes it into the result. */
static struct sb *
item_begin(struct demo *d, enum stream_id id)
{
	struct stream	*s = &d->st[id];

	if (s->n == s->cap) {
		s->cap = s->cap == 0 ? 256 : s->cap * 2;
		s->starts = xrealloc(s->starts, s->cap * sizeof *s->starts);
	}
	j_sep(&s->items);
	s->starts[s->n++] = s->items.len;
	d->generated++;
	return &s->items;
}

/* A posthog-go capture; the properties are in gm. */
static void
item_posthog_go(struct demo *d, enum stream_id id, const char *libver,
    const struct client *c, const char *distinct, const char *event,
    int64_t ns)
{
	struct sb	*b;
	char		 ts[48], u[37];

	b = item_begin(d, id);
	j_open(b, NULL, '{');
	j_str(b, "type", "capture");
	if (strcmp(libver, "1.0.2") != 0) {	/* 2021: no uuid */
		if (strcmp(libver, "1.5.9") == 0)
			u[0] = '\0';	/* "" unless the caller sets it */
		else
			uuid(d, 4, 0, u);
		j_str(b, "uuid", u);
	}
	j_str(b, "library", "posthog-go");
	j_str(b, "library_version", libver);
	ts_go(ns, c->tz, ts, sizeof ts);
	j_str(b, "timestamp", ts);
	j_str(b, "distinct_id", distinct);
	j_str(b, "event", event);
	j_key(b, "properties");
	gm_write(&gm, b);
	if (strcmp(libver, "1.0.2") != 0)
		j_bool(b, "send_feature_flags", 0);
	j_close(b, '}');
}

/* A posthog-node event; props is the properties object's JSON. */
static void
item_posthog_node(struct demo *d, enum stream_id id, const char *distinct,
    const char *event, const char *props, int64_t ns)
{
	struct sb	*b;
	char		 ts[80], u[37];

	b = item_begin(d, id);
	j_open(b, NULL, '{');
	j_str(b, "event", event);
	j_key(b, "properties");
	sb_puts(b, props);
	ts_iso(ns, ts, sizeof ts);
	j_str(b, "timestamp", ts);
	uuid(d, 7, ns / MS, u);
	j_str(b, "uuid", u);
	j_str(b, "distinct_id", distinct);
	j_close(b, '}');
}

/* A werf span. */
static void
item_werf(struct demo *d, int client, const char *exec, const char *command,
    const char *type, const char *data, int64_t ns)
{
	struct stream	*s = &d->st[S_WERF];
	struct witem	*w;
	uint64_t	 x;

	if (s->n == s->cap) {
		s->cap = s->cap == 0 ? 256 : s->cap * 2;
		s->w = xrealloc(s->w, s->cap * sizeof *s->w);
	}
	w = &s->w[s->n++];
	d->generated++;
	w->ts_ms = ns / MS;
	w->client = client;
	snprintf(w->exec, sizeof w->exec, "%s", exec);
	snprintf(w->type, sizeof w->type, "%s", type);
	snprintf(w->command, sizeof w->command, "%s", command);
	snprintf(w->data, sizeof w->data, "%s", data);
	x = rnd(d);
	memcpy(w->trace, &x, 8);
	x = rnd(d);
	memcpy(w->trace + 8, &x, 8);
	x = rnd(d);
	memcpy(w->span, &x, 8);
}

/* A home directory path of a client's person, as its OS writes it. */
static void
home_path(const struct client *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", platforms[c->os].home,
	    people[c->person][0]);
}

/* A DevPod error message, with its placeholders filled in. */
static void
pod_error(const struct client *c, int which, char *buf, size_t len)
{
	char	home[64], host[48];

	home_path(c, home, sizeof home);
	snprintf(host, sizeof host, "dev-%02d.corp.example.com",
	    c->person + 1);
	switch (which) {
	case 2:
		snprintf(buf, len, "open %s/.devpod/contexts/default/"
		    "workspaces/%s/workspace.json: permission denied", home,
		    workspaces[c->person % NWORKSPACES]);
		break;
	case 3:
		snprintf(buf, len, "workspace %s doesn't exist",
		    workspaces[c->person % NWORKSPACES]);
		break;
	case 4:
		snprintf(buf, len, "dial tcp: lookup %s: no such host", host);
		break;
	default:
		snprintf(buf, len, "%s", pod_errors[which]);
		break;
	}
}

/* ---- the tools ---- */

/* Devtron: Heartbeat, Summary, dashboard events; inception installs. */
static void
act_devtron(struct demo *d)
{
	static const int	 w[] = { 50, 12, 4, 16, 10, 5, 3 };
	const char		*what;
	struct client		*c;
	char			 ts[48];
	int			 ci, k, nested;

	ci = rnd_n(d, d->npool[T_DEVTRON]);
	c = &d->pool[T_DEVTRON][ci];
	k = pick(d, w, 7);
	ts_go(d->wall_ns - 3 * MS, 0, ts, sizeof ts);
	gm_begin(&gm);
	nested = k == 2;	/* Summary from a 2021 installation */
	if (k == 5 || k == 6 || nested) {
		/* the 2021 client: inception, or the old orchestrator */
		what = k == 5 ? "InstallationSuccess" : k == 6 ?
		    "UpgradeSuccess" : "Summary";
		gm_str(&gm, "$lib", "posthog-go");
		gm_str(&gm, "$lib_version", "1.0.2");
		gm_str(&gm, "ucid", c->id);
		gm_str(&gm, "timestamp", ts);
		gm_str(&gm, "serverVersion", "v1.21.2");
		gm_str(&gm, "devtronVersion", "v1");
		if (nested) {
			struct sb	*v;

			gm_int(&gm, "eventType", 1);
			v = gm_key(&gm, "summary");
			sb_printf(v, "{\"cdCountPerDay\":%d,\"ciCountPerDay\":"
			    "%d,\"clusterCount\":%d,\"environmentCount\":%d,"
			    "\"nonProdAppCount\":%d,\"userCount\":%d}",
			    rnd_n(d, 6), rnd_n(d, 9), c->counts[1],
			    c->counts[2], c->counts[3], c->counts[0]);
		} else {
			gm_str(&gm, "eventType", what);
			gm_str(&gm, "devtronMode", "FULL");
			gm_str(&gm, "cloudProvider", c->flag ? "gcp" : "aws");
		}
		item_posthog_go(d, S_DEVTRON_2021, "1.0.2", c, c->id, what,
		    d->wall_ns);
		return;
	}
	what = k == 0 ? "Heartbeat" : k == 1 ? "Summary" : k == 3 ?
	    "DashboardAccessed" : "DashboardLoggedIn";
	gm_str(&gm, "$lib", "posthog-go");
	gm_str(&gm, "$lib_version", "1.5.9");
	gm_bool(&gm, "$geoip_disable", 1);
	gm_str(&gm, "ucid", c->id);
	gm_str(&gm, "timestamp", ts);
	gm_str(&gm, "eventType", what);
	gm_str(&gm, "serverVersion", devtron_versions[c->version]);
	gm_str(&gm, "devtronVersion", "v1");
	gm_str(&gm, "devtronMode", c->flag ? "EA_ONLY" : "FULL");
	gm_str(&gm, "LastLoginTime", k == 0 ? "0001-01-01T00:00:00Z" : ts);
	gm_bool(&gm, "SkippedOnboarding", c->person % 3 == 0);
	if (k == 1) {
		gm_int(&gm, "userCount", c->counts[0]);
		gm_int(&gm, "clusterCount", c->counts[1]);
		gm_int(&gm, "environmentCount", c->counts[2]);
		gm_int(&gm, "nonProdAppCount", c->counts[3]);
		gm_int(&gm, "ciCreatedPerDay", rnd_n(d, 8));
		gm_int(&gm, "cdCreatedPerDay", rnd_n(d, 6));
	}
	item_posthog_go(d, S_DEVTRON, "1.5.9", c, c->id, what, d->wall_ns);
}

/* Pick a command, its duration and its outcome. */
static void
run_outcome(struct demo *d, const struct cmdspec *cmds, int ncmds, int *cmd,
    int64_t *dur_ms, int *failed)
{
	int	w[16], i;

	for (i = 0; i < ncmds; i++)
		w[i] = cmds[i].weight;
	*cmd = pick(d, w, ncmds);
	*dur_ms = (int64_t)(lognormal(d, cmds[*cmd].median_s,
	    cmds[*cmd].sigma) * 1000.0);
	if (*dur_ms < 20)
		*dur_ms = 20 + rnd_n(d, 30);
	*failed = chance(d, cmds[*cmd].fail_pct);
}

/* A legacy DevPod body: cmdstarted, or cmdfinished for p. */
static void
item_devpod_legacy(struct demo *d, const struct client *c,
    const struct pending *p, int finished, int64_t us)
{
	const char	*v = devpod_versions[c->version];
	struct sb	*b;
	char		 err[256];
	int		 ws = pod_cmds[p->cmd].workspace;

	b = item_begin(d, S_DEVPOD_LEGACY);
	j_open(b, NULL, '{');
	j_str(b, "type", finished ? "cmdfinished" : "cmdstarted");
	j_open(b, "event", '{');
	j_int(b, "timestamp", us);
	j_str(b, "executionID", p->exec);
	sb_clear(&d->tmp);
	sb_printf(&d->tmp, "devpod %s", pod_cmds[p->cmd].name);
	j_str(b, "command", d->tmp.p);
	if (ws)
		j_str(b, "provider", providers[c->provider]);
	if (finished) {
		if (p->err == 0)
			j_bool(b, "success", 1);
		j_int(b, "processingTime", p->dur_ms * 1000);
		if (p->err != 0) {
			pod_error(c, p->err - 1, err, sizeof err);
			j_str(b, "errors", err);
		}
	}
	j_close(b, '}');
	j_open(b, "instanceProperties", '{');
	j_int(b, "timestamp", us);
	j_str(b, "executionID", p->exec);
	j_str(b, "uid", c->id);
	j_str(b, "arch", platforms[c->os].arch);
	j_str(b, "os", platforms[c->os].os);
	j_open(b, "version", '{');
	/* "v0.5.29" -> {"major":"0","minor":"5","patch":"29"} */
	sb_clear(&d->tmp2);
	sb_puts(&d->tmp2, v + 1);
	{
		char	*minor, *patch;

		minor = strchr(d->tmp2.p, '.');
		*minor++ = '\0';
		patch = strchr(minor, '.');
		*patch++ = '\0';
		j_str(b, "major", d->tmp2.p);
		j_str(b, "minor", minor);
		j_str(b, "patch", patch);
	}
	j_str(b, "prerelease", "");
	j_str(b, "build", "");
	j_close(b, '}');
	if (ws) {
		j_open(b, "flags", '{');
		j_open(b, "setFlags", '[');
		sb_puts(b, c->ide % 2 == 0 ? "\"ide\"" : "\"provider\"");
		j_close(b, ']');
		j_close(b, '}');
	}
	j_bool(b, "ui", c->flag);
	j_close(b, '}');
	j_str(b, "token", d->tokens[c->version]);
	j_close(b, '}');
}

/* DevPod: one devpod_cli event a run (current), or cmdstarted (legacy). */
static void
act_devpod(struct demo *d)
{
	struct pending	 p;
	struct client	*c;
	struct sb	*b;
	char		 err[256];
	int		 ci, cmd, failed;
	int64_t		 dur;

	ci = rnd_n(d, d->npool[T_DEVPOD]);
	c = &d->pool[T_DEVPOD][ci];
	run_outcome(d, pod_cmds, NPOD_CMDS, &cmd, &dur, &failed);
	if (c->version < DEVPOD_LEGACY_VERSIONS) {
		memset(&p, 0, sizeof p);
		p.start_ns = d->wall_ns;
		p.due_ns = d->mono_ns + dur * MS;
		p.dur_ms = dur;
		p.client = ci;
		p.cmd = (uint8_t)cmd;
		p.err = failed ? (uint8_t)(1 + rnd_n(d, NPOD_ERRORS)) : 0;
		uuid(d, 4, 0, p.exec);
		item_devpod_legacy(d, c, &p, 0, d->wall_ns / 1000);
		/* cmdfinished only for a failure or a run of 10 s or more */
		if ((failed || dur >= 10000) && d->nheap < DEMO_PENDING_MAX)
			heap_push(d, &p);
		return;
	}
	/* current: properties are JSON text, keys sorted, unix seconds */
	b = item_begin(d, S_DEVPOD);
	j_open(b, NULL, '{');
	j_open(b, "event", '{');
	j_str(b, "machine_id", c->id);
	gm_begin(&gm);
	sb_clear(&d->tmp);
	sb_printf(&d->tmp, "devpod %s", pod_cmds[cmd].name);
	gm_str(&gm, "command", d->tmp.p);
	gm_bool(&gm, "desktop", c->flag);
	gm_bool(&gm, "is_ci", c->person % 7 == 0);
	gm_bool(&gm, "is_interactive", !c->flag && c->person % 7 != 0);
	if (pod_cmds[cmd].workspace) {
		gm_str(&gm, "provider", providers[c->provider]);
		gm_str(&gm, "source_type", source_types[c->person % 3]);
		gm_str(&gm, "ide", ides[c->ide]);
	}
	gm_str(&gm, "version", devpod_versions[c->version]);
	if (failed) {
		pod_error(c, rnd_n(d, NPOD_ERRORS), err, sizeof err);
		gm_str(&gm, "error", err);
	}
	sb_clear(&d->tmp2);
	gm_write(&gm, &d->tmp2);
	j_str(b, "properties", d->tmp2.p);
	j_int(b, "timestamp", d->wall_ns / NS);
	j_str(b, "type", chance(d, 3) ? "devpod_cli_runner" : "devpod_cli");
	j_close(b, '}');
	j_open(b, "user", '{');
	j_str(b, "machine_id", c->id);
	sb_clear(&d->tmp2);
	sb_printf(&d->tmp2, "{\"os_arch\":\"%s\",\"os_name\":\"%s\","
	    "\"timezone\":\"%s\"}", platforms[c->os].arch,
	    platforms[c->os].os, zones[c->tz].name);
	j_str(b, "properties", d->tmp2.p);
	j_int(b, "timestamp", d->wall_ns / NS);
	j_close(b, '}');
	j_close(b, '}');
}

/* Devsy: devsy_cli through posthog-go 1.12.5; the desktop's own events. */
static void
act_devsy(struct demo *d)
{
	static const char *const desktop_events[] = { "devsy_app_opened",
	    "devsy_workspace_created", "devsy_workspace_opened",
	    "devsy_provider_added", "devsy_app_closed" };
	static const int	 dw[] = { 30, 15, 35, 5, 15 };
	struct client		*c;
	int			 ci, cmd, failed, count;
	int64_t			 dur;

	ci = rnd_n(d, d->npool[T_DEVSY]);
	c = &d->pool[T_DEVSY][ci];
	if (c->flag && chance(d, 40)) {
		sb_clear(&d->tmp);
		sb_printf(&d->tmp, "{\"app_version\":\"%s\",\"os_name\":\"%s\","
		    "\"os_arch\":\"%s\",\"$lib\":\"posthog-node\","
		    "\"$lib_version\":\"5.34.2\",\"$is_server\":true,"
		    "\"$geoip_disable\":true}", devsy_versions[c->version] + 1,
		    platforms[c->os].os, platforms[c->os].arch);
		item_posthog_node(d, S_DEVSY_DESKTOP, c->id,
		    desktop_events[pick(d, dw, 5)], d->tmp.p, d->wall_ns);
		return;
	}
	gm_begin(&gm);
	if ((count = chance(d, 6))) {
		gm_int(&gm, "count", 1 + rnd_n(d, 9));
		gm_str(&gm, "version", devsy_versions[c->version]);
	} else {
		run_outcome(d, pod_cmds, NPOD_CMDS, &cmd, &dur, &failed);
		sb_clear(&d->tmp);
		sb_printf(&d->tmp, "devsy %s", pod_cmds[cmd].name);
		gm_str(&gm, "command", d->tmp.p);
		gm_str(&gm, "version", devsy_versions[c->version]);
		gm_bool(&gm, "desktop", c->flag);
		gm_bool(&gm, "is_ci", 0);
		gm_bool(&gm, "is_interactive", !c->flag);
		if (pod_cmds[cmd].workspace) {
			gm_str(&gm, "provider", providers[c->provider]);
			gm_str(&gm, "source_type", source_types[c->person % 3]);
			gm_str(&gm, "ide", ides[c->ide]);
		}
		if (failed)
			gm_str(&gm, "error_code", devsy_error_codes[rnd_n(d,
			    7)]);
	}
	gm_str(&gm, "os_name", platforms[c->os].os);
	gm_str(&gm, "os_arch", platforms[c->os].arch);
	gm_str(&gm, "timezone", zones[c->tz].name);
	gm_str(&gm, "$lib", "posthog-go");
	gm_str(&gm, "$lib_version", "1.12.5");
	gm_str(&gm, "$os", platforms[c->os].os);
	gm_str(&gm, "$os_version", c->os == 0 ? "6.1.0-18-amd64" :
	    c->os < 3 ? "15.5" : "10.0.22631");
	gm_str(&gm, "$go_version", "go1.24.4");
	gm_bool(&gm, "$geoip_disable", 1);
	item_posthog_go(d, S_DEVSY, "1.12.5", c, c->id,
	    count ? "devsy_workspace_count" : "devsy_cli", d->wall_ns);
}

/* werf: CommandStarted now, the rest when the run ends. */
static void
act_werf(struct demo *d)
{
	static const char	 opts[] = "{\"commandOptions\":["
	    "{\"name\":\"repo\",\"asCli\":false,\"asEnv\":true,\"count\":1},"
	    "{\"name\":\"env\",\"asCli\":true,\"asEnv\":false,\"count\":1}]}";
	struct pending		 p;
	struct client		*c;
	char			 cmdline[32], data[320];
	int			 ci, cmd, failed;
	int64_t			 dur;

	ci = rnd_n(d, d->npool[T_WERF]);
	c = &d->pool[T_WERF][ci];
	run_outcome(d, werf_cmds, NWERF_CMDS, &cmd, &dur, &failed);
	memset(&p, 0, sizeof p);
	p.werf = 1;
	p.start_ns = d->wall_ns - 2 * MS;	/* what follows is "now" */
	p.due_ns = d->mono_ns + dur * MS;
	p.dur_ms = dur;
	p.client = ci;
	p.cmd = (uint8_t)cmd;
	p.exit_code = failed ? (chance(d, 10) ? 130 : 1) : 0;
	p.images = werf_cmds[cmd].builds ? (uint8_t)(1 + rnd_n(d, 3)) : 0;
	uuid(d, 4, 0, p.exec);
	snprintf(cmdline, sizeof cmdline, "werf %s", werf_cmds[cmd].name);
	item_werf(d, ci, p.exec, cmdline, "CommandStarted",
	    cmd == 0 || cmd == 7 ? opts : "{}", p.start_ns);
	if (p.images > 0) {
		snprintf(data, sizeof data, "{\"imagesCount\":%d,"
		    "\"containerBackend\":\"%s\",\"inContainer\":%s}",
		    p.images, c->flag ? "buildah" : "docker-server",
		    c->flag ? "true" : "false");
		item_werf(d, ci, p.exec, cmdline, "BuildStarted", data,
		    d->wall_ns - MS);
	}
	if (c->flag && chance(d, 1)) {
		char	home[64];

		home_path(c, home, sizeof home);
		snprintf(data, sizeof data, "{\"errorMessage\":\"git fetch "
		    "--unshallow: fatal: unable to access "
		    "'https://gitlab.example.com/platform/app.git/' from "
		    "%s/builds/app: Could not resolve host\","
		    "\"gitlabRunnerVersion\":\"17.2.0\","
		    "\"gitlabServerVersion\":\"17.3.1\"}", home);
		item_werf(d, ci, p.exec, cmdline, "UnshallowFailed", data,
		    d->wall_ns);
	}
	if (d->nheap < DEMO_PENDING_MAX)
		heap_push(d, &p);
}

/* A werf run ends: image builds, the build, then CommandExited. */
static void
finish_werf(struct demo *d, const struct pending *p)
{
	char		 cmdline[32], data[160];
	int64_t		 end = p->start_ns + p->dur_ms * MS, part;
	int		 i;

	snprintf(cmdline, sizeof cmdline, "werf %s", werf_cmds[p->cmd].name);
	if (p->images > 0) {
		for (i = 0; i < p->images; i++) {
			part = p->dur_ms * (60 + rnd_n(d, 30)) / 100;
			snprintf(data, sizeof data, "{\"image\":\"%s\","
			    "\"durationMs\":%lld,\"rebuilt\":%s}",
			    werf_images[(p->client + i) % 5], (long long)part,
			    rnd_n(d, 3) == 0 ? "false" : "true");
			item_werf(d, p->client, p->exec, cmdline,
			    "ImageBuildFinished", data, end - 30 * MS);
		}
		snprintf(data, sizeof data, "{\"durationMs\":%lld,\"success\":"
		    "%s,\"imagesCount\":%d}", (long long)(p->dur_ms * 9 / 10),
		    p->exit_code == 0 ? "true" : "false", p->images);
		item_werf(d, p->client, p->exec, cmdline, "BuildFinished",
		    data, end - 20 * MS);
	}
	snprintf(data, sizeof data, "{\"exitCode\":%d,\"durationMs\":%lld}",
	    p->exit_code, (long long)p->dur_ms);
	item_werf(d, p->client, p->exec, cmdline, "CommandExited", data, end);
}

/* An app's backend on posthog-node: sign-ups, logins, views, identify. */
static void
act_posthog(struct demo *d)
{
	static const char *const events[] = { "user_logged_in",
	    "dashboard_viewed", "api_request", "insight_created",
	    "project_created", "user_signed_up", "invite_sent",
	    "subscription_changed", "$identify" };
	static const int	 w[] = { 25, 30, 15, 8, 5, 5, 4, 2, 6 };
	static const char *const plans[] = { "free", "team", "enterprise" };
	struct client		*c;
	struct sb		*p = &d->tmp;
	int			 ci, k;

	ci = rnd_n(d, d->npool[T_POSTHOG]);
	c = &d->pool[T_POSTHOG][ci];
	k = pick(d, w, 9);
	sb_clear(p);
	j_open(p, NULL, '{');
	if (k == 8) {
		j_open(p, "$set", '{');
		sb_clear(&d->tmp2);
		sb_printf(&d->tmp2, "%s.%s@example.com",
		    people[c->person][0], people[c->person][1]);
		j_str(p, "email", d->tmp2.p);
		j_str(p, "plan", plans[c->person % 3]);
		j_close(p, '}');
		j_open(p, "$set_once", '{');
		j_close(p, '}');
	} else {
		j_str(p, "plan", plans[c->person % 3]);
		if (k == 2) {
			j_str(p, "endpoint", ci % 2 ? "/api/v2/insights" :
			    "/api/v2/events");
			j_int(p, "status", chance(d, 4) ? 500 : 200);
			j_int(p, "latency_ms", (int64_t)lognormal(d, 80, 0.7));
		} else if (k == 1)
			j_int(p, "dashboard_id", 1 + rnd_n(d, 40));
		if (chance(d, 8)) {	/* the app forwards the user's IP */
			sb_clear(&d->tmp2);
			sb_printf(&d->tmp2, "203.0.113.%d", 1 + ci % 254);
			j_str(p, "$ip", d->tmp2.p);
		}
	}
	j_str(p, "$lib", "posthog-node");
	j_str(p, "$lib_version", "5.70.0");
	j_bool(p, "$is_server", 1);
	j_bool(p, "$geoip_disable", 1);
	j_close(p, '}');
	item_posthog_node(d, S_APP, c->id, events[k], p->p, d->wall_ns);
}

/* Emit the finishes that have come due, up to the budget. */
static void
finishes_due(struct demo *d, uint64_t target)
{
	struct pending	 p;
	struct client	*c;

	while (d->nheap > 0 && d->heap[0].due_ns <= d->mono_ns &&
	    d->generated < target + 64) {
		heap_pop(d, &p);
		if (p.werf) {
			finish_werf(d, &p);
			continue;
		}
		c = &d->pool[T_DEVPOD][p.client];
		item_devpod_legacy(d, c, &p, 1,
		    (p.start_ns / MS + p.dur_ms) * 1000);
	}
}

/* New actions until the schedule is met. */
static void
generate(struct demo *d, uint64_t target)
{
	static const int	w[T_COUNT] = { 8, 22, 15, 35, 20 };

	finishes_due(d, target);
	while (d->generated < target) {
		switch (pick(d, w, T_COUNT)) {
		case T_DEVTRON:
			act_devtron(d);
			break;
		case T_DEVPOD:
			act_devpod(d);
			break;
		case T_DEVSY:
			act_devsy(d);
			break;
		case T_WERF:
			act_werf(d);
			break;
		default:
			act_posthog(d);
			break;
		}
	}
}

/* ---- sending ---- */

/* gzip (with its header, as posthog-node sends) into c->bin. */
static size_t
gzip_body(struct demo *d, struct conn *c)
{
	size_t	bound;

	if (deflateReset(&d->z) != Z_OK)
		fatal("deflateReset failed");
	bound = deflateBound(&d->z, c->body.len);
	free(c->bin);
	c->bin = xmalloc(bound);
	d->z.next_in = (Bytef *)c->body.p;
	d->z.avail_in = (uInt)c->body.len;
	d->z.next_out = c->bin;
	d->z.avail_out = (uInt)bound;
	if (deflate(&d->z, Z_FINISH) != Z_STREAM_END)
		fatal("deflate failed");
	return bound - d->z.avail_out;
}

/* The next request of stream s on c: at most per_request items. */
static void
build_request(struct demo *d, struct stream *s, struct conn *c)
{
	struct httpc_req	*req = &c->req;
	struct werf_span	*sp;
	struct client		*cl;
	size_t			 from = s->done, to, i, len;
	char			 ts[80];

	to = from + s->per_request;
	if (to > s->n)
		to = s->n;
	s->done = to;
	c->inflight = to - from;
	memset(req, 0, sizeof *req);
	req->path = s->path;
	req->ctype = s->ctype;
	req->agent = s->agent;
	if (s->kind == K_OTLP) {
		sp = xcalloc(to - from, sizeof *sp);
		for (i = from; i < to; i++) {
			cl = &d->pool[T_WERF][s->w[i].client];
			sp[i - from].ts_ms = s->w[i].ts_ms;
			sp[i - from].execution_id = s->w[i].exec;
			sp[i - from].user_id = cl->id;
			sp[i - from].project_id = d->projects[cl->project];
			sp[i - from].command = s->w[i].command;
			sp[i - from].event_type = s->w[i].type;
			sp[i - from].event_data = s->w[i].data;
			sp[i - from].attributes = cl->attrs;
			memcpy(sp[i - from].trace_id, s->w[i].trace, 16);
			memcpy(sp[i - from].span_id, s->w[i].span, 8);
		}
		free(c->bin);
		c->bin = werf_pack(sp, to - from, "werf", &len);
		free(sp);
		req->body = c->bin;
		req->len = len;
		return;
	}
	sb_clear(&c->body);
	switch (s->kind) {
	case K_PHGO:
	case K_PHNODE:
		sb_puts(&c->body, "{\"api_key\":");
		sb_jstr(&c->body, s->api_key);
		sb_puts(&c->body, ",\"batch\":[");
		break;
	case K_INSERT:
		sb_puts(&c->body, "{\"data\":[");
		break;
	default:
		if (to - from > 1)
			sb_puts(&c->body, "[");
		break;
	}
	len = (to < s->n ? s->starts[to] - 1 : s->items.len) - s->starts[from];
	sb_add(&c->body, s->items.p + s->starts[from], len);
	switch (s->kind) {
	case K_PHGO:
	case K_INSERT:
		sb_puts(&c->body, "]}");
		break;
	case K_PHNODE:
		ts_iso(clock_ns(CLOCK_REALTIME), ts, sizeof ts);
		sb_printf(&c->body, "],\"sent_at\":\"%s\"}", ts);
		break;
	default:
		if (to - from > 1)
			sb_puts(&c->body, "]");
		break;
	}
	req->body = c->body.p;
	req->len = c->body.len;
	if (s->gzip) {
		req->len = gzip_body(d, c);
		req->body = c->bin;
		req->cenc = "gzip";
	}
}

/* Count a request's outcome. */
static void
account(struct demo *d, struct stream *s, struct conn *c, int status,
    char *cause)
{
	if (status == 200) {
		d->sent[s->tool] += c->inflight;
		d->failing_since = 0;
	} else {
		if (d->failing_since == 0)
			d->failing_since = clock_ns(CLOCK_MONOTONIC);
		d->failed[s->tool] += c->inflight;
		d->requests_failed++;
		if (d->first_error == NULL)
			d->first_error = status < 0 ?
			    xasprintf("%s: %s", s->name, cause) :
			    xasprintf("%s: POST %s answered %d %.200s",
			    s->name, s->path, status, httpc_body(c->h));
	}
	free(cause);
	c->inflight = 0;
}

/* Send every pending batch, one request in flight per connection. */
static void
flush(struct demo *d)
{
	struct stream	*s;
	struct conn	*c;
	char		*cause;
	int		 i, k, any, status;

	do {
		any = 0;
		for (i = 0; i < S_COUNT; i++) {
			s = &d->st[i];
			for (k = 0; k < s->nconn && s->done < s->n; k++) {
				c = &s->conn[k];
				any = 1;
				build_request(d, s, c);
				cause = NULL;
				if (httpc_send(c->h, &c->req, DEMO_TIMEOUT_MS,
				    &cause) != 0)
					account(d, s, c, -1, cause);
				else
					free(cause);
			}
		}
		for (i = 0; i < S_COUNT; i++) {
			s = &d->st[i];
			for (k = 0; k < s->nconn; k++) {
				c = &s->conn[k];
				if (c->inflight == 0)
					continue;
				cause = NULL;
				status = httpc_recv(c->h, DEMO_TIMEOUT_MS,
				    &cause);
				account(d, s, c, status, cause);
			}
		}
	} while (any);
	for (i = 0; i < S_COUNT; i++) {
		s = &d->st[i];
		s->n = s->done = 0;
		sb_clear(&s->items);
	}
}

/* SIGINT/SIGTERM: stop after this tick. */
static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

/* Is the collector there?  GET /healthz; 0, or -1 after saying why. */
static int
probe(struct demo *d)
{
	struct httpc_req	 req;
	char			*cause = NULL;
	int			 status;

	memset(&req, 0, sizeof req);
	req.method = "GET";
	req.path = "/healthz";
	status = httpc_request(d->st[S_DEVTRON].conn[0].h, &req,
	    DEMO_CONNECT_MS,
	    &cause);
	if (status == 200)
		return 0;
	if (status < 0)
		fprintf(stderr, "teltop demo: cannot reach the collector at "
		    "%s: %s\n(start one with `teltop serve`, or pass --url)\n",
		    d->url, cause);
	else
		fprintf(stderr, "teltop demo: %s/healthz answered %d: is it "
		    "a teltop collector?\n", d->url, status);
	free(cause);
	return -1;
}

/* The summary line: what went out, per tool, and what did not. */
static void
summary(struct demo *d, double secs)
{
	uint64_t	sent = 0, failed = 0;
	int		t;

	for (t = 0; t < T_COUNT; t++) {
		sent += d->sent[t];
		failed += d->failed[t];
	}
	printf("teltop demo: %llu events sent in %.1f s (%.0f/s):",
	    (unsigned long long)sent, secs, secs > 0 ? (double)sent / secs :
	    0.0);
	for (t = 0; t < T_COUNT; t++)
		printf("%s %s %llu", t == 0 ? "" : ",", tool_names[t],
		    (unsigned long long)d->sent[t]);
	printf("; %llu failed to send", (unsigned long long)failed);
	if (d->skipped > 0)
		printf("; %llu skipped (could not keep up with --rate %.0f)",
		    (unsigned long long)d->skipped, d->rate);
	printf("; %zu runs still going at the end (no finish sent)\n",
	    d->nheap);
	fflush(stdout);
	if (d->first_error != NULL)
		fprintf(stderr, "teltop demo: first failure: %s\n",
		    d->first_error);
}

/* The --help text. */
static void
help(void)
{
	printf("usage: %s\n\n"
	    "Sends realistic telemetry from every tool teltop knows, each in "
	    "its real wire\nformat and route: Devtron (posthog-go, /batch/), "
	    "DevPod (/v1/insert and the\nlegacy /analytics/v1/devpod/v1/"
	    "events), Devsy (posthog-go, and posthog-node\nwith gzip), werf "
	    "(OTLP protobuf, /v1/traces) and an app using posthog-node.\n"
	    "Commands take their real time (a werf converge finishes minutes "
	    "after it\nstarts); some fail; a few payloads carry personal data "
	    "for the privacy\nfindings to show.  Runs still going at the end "
	    "send no finish.\n\n"
	    "  --url URL       the collector (default: http://<TELTOP_LISTEN,\n"
	    "                  else %s>)\n"
	    "  --rate N        events a second, all tools together (default "
	    "20)\n"
	    "  --duration S    stop after S seconds (default: at SIGINT or "
	    "SIGTERM)\n"
	    "  --seed N        the same choices every run\n\n"
	    "Prints one summary line at the end.  Exit status 1 when the "
	    "collector cannot\nbe reached or some events could not be "
	    "sent.\n", cli_usage("demo"), TT_DEFAULT_LISTEN);
}

/* A positive number option, or a usage error. */
static double
number_arg(const char *opt, const char *s, double max)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v > 0) || v > max)
		cli_usage_error(cli_usage("demo"), "%s %s: not a number above 0 and up to "
		    "%.0f", opt, s, max);
	return v;
}

/* `teltop demo`: paced traffic from every tool until the end. */
int
cmd_demo(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "rate", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*usage = cli_usage("demo");
	struct sigaction	 sa;
	struct timespec		 next;
	struct demo		*d;
	char			*defurl = NULL, *cause = NULL, *end;
	double			 duration = 0, secs;
	int64_t			 t0, tick, deadline = 0, next_ns, behind;
	uint64_t		 target;
	int			 ch, i, k, nconn, rc = 0, have_seed = 0;
	unsigned long long	 seed = 0;

	d = xcalloc(1, sizeof *d);
	d->rate = 20;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			d->url = optarg;
			break;
		case 'r':
			d->rate = number_arg("--rate", optarg, 1e7);
			break;
		case 'd':
			duration = number_arg("--duration", optarg, 1e9);
			break;
		case 's':
			errno = 0;
			seed = strtoull(optarg, &end, 0);
			if (errno != 0 || end == optarg || *end != '\0')
				cli_usage_error(usage, "--seed %s: not a "
				    "number", optarg);
			have_seed = 1;
			break;
		case 'h':
			help();
			return 0;
		default:
			cli_option_error(usage, argv);
		}
	}
	cli_no_more_args(usage, argc, argv);
	if (d->url == NULL)
		d->url = defurl = xasprintf("http://%s", cli_listen(NULL));
	d->rng = have_seed ? seed : (uint64_t)clock_ns(CLOCK_REALTIME) ^
	    ((uint64_t)getpid() << 40);

	streams_init(d);
	nconn = (int)(d->rate / DEMO_CONN_RATE) + 1;
	if (nconn > DEMO_CONNS_MAX)
		nconn = DEMO_CONNS_MAX;
	for (i = 0; i < S_COUNT; i++) {
		d->st[i].nconn = nconn;
		for (k = 0; k < nconn; k++)
			if ((d->st[i].conn[k].h = httpc_new(d->url,
			    DEMO_CONNECT_MS, &cause)) == NULL)
				cli_usage_error(usage, "--url %s", cause);
	}
	if (probe(d) != 0) {
		rc = 1;
		goto out;
	}
	if (deflateInit2(&d->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		fatal("deflateInit2 failed");
	pools_init(d);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* ~1 event a tick at low rates; ticks of 10 ms at high ones */
	tick = (int64_t)(1e9 / d->rate);
	if (tick < DEMO_TICK_MIN_NS)
		tick = DEMO_TICK_MIN_NS;
	if (tick > DEMO_TICK_MAX_NS)
		tick = DEMO_TICK_MAX_NS;
	fprintf(stderr, "teltop demo: %.0f events/s to %s%s\n", d->rate,
	    d->url, duration > 0 ? "" : " until interrupted");
	t0 = clock_ns(CLOCK_MONOTONIC);
	if (duration > 0)
		deadline = t0 + (int64_t)(duration * 1e9);
	next_ns = t0;
	while (!stopping) {
		d->mono_ns = clock_ns(CLOCK_MONOTONIC);
		d->wall_ns = clock_ns(CLOCK_REALTIME);
		if (deadline != 0 && d->mono_ns >= deadline) {
			/* what the schedule still owes for the last tick */
			target = (uint64_t)(d->rate * duration) - d->skipped;
			if (target > d->generated && target - d->generated <=
			    (uint64_t)d->rate) {
				generate(d, target);
				flush(d);
			}
			break;
		}
		target = (uint64_t)(d->rate * (double)(d->mono_ns - t0) /
		    1e9) - d->skipped;
		behind = (int64_t)(target - d->generated);
		if (behind > (int64_t)d->rate) {
			/* more than a second behind: skip, do not burst */
			d->skipped += (uint64_t)(behind - (int64_t)d->rate);
			target = d->generated + (uint64_t)d->rate;
		}
		if (target > d->generated)
			generate(d, target);
		flush(d);
		if (d->failing_since != 0 &&
		    clock_ns(CLOCK_MONOTONIC) - d->failing_since >
		    DEMO_GIVE_UP_NS) {
			fprintf(stderr, "teltop demo: no event accepted by %s "
			    "for %lld s; stopping\n", d->url,
			    (long long)(DEMO_GIVE_UP_NS / NS));
			rc = 1;
			break;
		}
		next_ns += tick;
		if (next_ns < d->mono_ns)
			next_ns = d->mono_ns;
		if (deadline != 0 && next_ns > deadline)
			next_ns = deadline;
		next.tv_sec = (time_t)(next_ns / NS);
		next.tv_nsec = (long)(next_ns % NS);
		while (!stopping && clock_nanosleep(CLOCK_MONOTONIC,
		    TIMER_ABSTIME, &next, NULL) == EINTR)
			;
	}
	secs = (double)(clock_ns(CLOCK_MONOTONIC) - t0) / 1e9;
	summary(d, secs);
	for (i = 0; i < T_COUNT; i++)
		if (d->failed[i] > 0)
			rc = 1;

	deflateEnd(&d->z);
out:
	for (i = 0; i < S_COUNT; i++) {
		for (k = 0; k < d->st[i].nconn; k++) {
			httpc_free(d->st[i].conn[k].h);
			free(d->st[i].conn[k].body.p);
			free(d->st[i].conn[k].bin);
		}
		free(d->st[i].items.p);
		free(d->st[i].starts);
		free(d->st[i].w);
	}
	for (i = 0; i < T_COUNT; i++) {
		int	j;

		for (j = 0; j < d->npool[i]; j++)
			free(d->pool[i][j].attrs);
		free(d->pool[i]);
	}
	free(d->heap);
	free(d->tmp.p);
	free(d->tmp2.p);
	free(d->first_error);
	free(defurl);
	free(d);
	return rc;
}
