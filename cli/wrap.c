/*
 * `teltop wrap`: run a command and report its start and its exit to the
 * collector in the wire format of one tool (--as werf|devpod|posthog|
 * generic).  What stays true, whatever the collector does:
 *
 * - the command keeps the terminal and its stdin/stdout/stderr, and its
 *   exit status is ours (a death by signal is passed on as the same signal);
 * - the command starts at once: the start report is sent after fork(), while
 *   the command runs;
 * - reporting costs at most a short timeout per report, never fails the
 *   command, and says at most one line on stderr;
 * - DO_NOT_TRACK (and the tool's own opt-out variable) turn reporting off:
 *   nothing is sent, the command is simply exec'd.
 *
 * Formats (formats.md): werf -> OTLP protobuf on /v1/traces, CommandStarted
 * and CommandExited spans (§6); devpod -> the legacy route
 * /analytics/v1/devpod/v1/events, cmdstarted and cmdfinished with an
 * executionID and processingTime in µs (§4.2; the current /v1/insert format
 * has one event per run and no duration, so it could not report a start);
 * posthog -> a posthog batch on /batch/ with command_started and
 * command_finished captures (§2); generic -> teltop's own events on
 * /v1/events with phases start and finish.
 *
 * The client id is pseudonymous and stable: HMAC-SHA256 keyed with the
 * machine id over "teltop-wrap:" and $HOME, in hex, as DevPod derives its
 * own; no user or host name goes out in clear.
 */
#include <sys/random.h>
#include <sys/utsname.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "core/decode.h"
#include "core/xmalloc.h"
#include "child.h"
#include "cli.h"
#include "httpc.h"
#include "werfpb.h"

#define WRAP_VERSION		"0.1.0"
#define WRAP_AGENT		"teltop-wrap/" WRAP_VERSION
#define WRAP_CONNECT_MS		300
#define WRAP_TIMEOUT_MS		1000
#define WRAP_POSTHOG_KEY	"phc_teltop_wrap"

enum wrap_as { AS_GENERIC, AS_WERF, AS_DEVPOD, AS_POSTHOG };

static const char *const as_names[] = { "generic", "werf", "devpod",
    "posthog" };

struct wrap {
	enum wrap_as	 as;
	struct httpc	*h;
	const char	*url;
	char		*command;	/* CMD and its arguments, joined */
	char		 client[65];	/* pseudonymous id, hex */
	char		 exec_id[37];	/* UUIDv4 */
	int64_t		 start_us;	/* wall clock */
	const char	*os;
	const char	*arch;
	int		 said;		/* the stderr line is out */
	int		 down;		/* a report failed: no more */
};

/* HMAC-SHA256(key, msg) as 64 hex digits into out[65] (libcrypto's). */
static void
hmac_sha256_hex(const char *key, const char *msg, char out[65])
{
	unsigned char	mac[EVP_MAX_MD_SIZE];
	unsigned int	n = 0, i;

	if (HMAC(EVP_sha256(), key, (int)strlen(key),
	    (const unsigned char *)msg, strlen(msg), mac, &n) == NULL)
		n = 0;
	out[0] = '\0';
	for (i = 0; i < n && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", mac[i]);
}

/* ---- who and where ---- */

/* The first line of a small file, or NULL.  Caller frees. */
static char *
read_line(const char *path)
{
	FILE	*f;
	char	 buf[256];
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (fgets(buf, sizeof buf, f) == NULL) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return n > 0 ? xstrdup(buf) : NULL;
}

/* The pseudonymous client id: stable per machine and home directory. */
static void
client_id(char out[65])
{
	const char	*home = getenv("HOME");
	char		*key, *msg, host[256];

	if ((key = read_line("/etc/machine-id")) == NULL &&
	    (key = read_line("/var/lib/dbus/machine-id")) == NULL) {
		if (gethostname(host, sizeof host) != 0)
			strcpy(host, "localhost");
		host[sizeof host - 1] = '\0';
		key = xstrdup(host);
	}
	msg = xasprintf("teltop-wrap:%s", home != NULL ? home : "");
	hmac_sha256_hex(key, msg, out);
	free(msg);
	free(key);
}

/* Random bytes; never fails (falls back to the clock and pid). */
static void
random_bytes(void *p, size_t n)
{
	uint8_t		*b = p;
	uint64_t	 x;
	size_t		 i;

	if (getrandom(p, n, GRND_NONBLOCK) == (ssize_t)n)
		return;
	x = (uint64_t)tt_now_us() ^ ((uint64_t)getpid() << 32);
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		b[i] = (uint8_t)x;
	}
}

/* A UUIDv4 into out[37]. */
static void
uuid4(char out[37])
{
	uint8_t	b[16];

	random_bytes(b, sizeof b);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* GOOS/GOARCH-style names of this machine, as the tools send them. */
static void
platform(const char **os, const char **arch)
{
	static struct utsname	u;

	*os = "linux";
	*arch = "unknown";
	if (uname(&u) != 0)
		return;
	if (strcmp(u.machine, "x86_64") == 0)
		*arch = "amd64";
	else if (strcmp(u.machine, "aarch64") == 0)
		*arch = "arm64";
	else if (strncmp(u.machine, "arm", 3) == 0)
		*arch = "arm";
	else if (strcmp(u.machine, "i686") == 0 ||
	    strcmp(u.machine, "i386") == 0)
		*arch = "386";
	else
		*arch = u.machine;
}

/* Is an opt-out variable set to a value that means yes? */
static int
env_yes(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL && *v != '\0' && strcmp(v, "0") != 0 &&
	    strcasecmp(v, "false") != 0 && strcasecmp(v, "no") != 0;
}

/* Does the user, or the tool's own switch, say "send nothing"? */
static int
opted_out(enum wrap_as as)
{
	const char	*v;

	if (env_yes("DO_NOT_TRACK"))
		return 1;
	switch (as) {
	case AS_WERF:
		v = getenv("WERF_TELEMETRY");
		return v != NULL && (strcmp(v, "0") == 0 ||
		    strcasecmp(v, "false") == 0 || strcasecmp(v, "no") == 0);
	case AS_DEVPOD:
		v = getenv("DEVPOD_DISABLE_TELEMETRY");
		return v != NULL && strcmp(v, "true") == 0;
	default:
		return 0;
	}
}

/* ---- the reports ---- */

/* A request body, owned here. */
struct report {
	struct httpc_req	 req;
	char			*text;		/* JSON bodies */
	uint8_t			*bin;		/* protobuf */
};

/* How the command ended, as the tools say it. */
struct outcome {
	int	 exit_code;	/* 128 + signal for a death by signal */
	int	 signo;		/* 0: it exited */
	int64_t	 duration_ms;
};

/* Go's exec.ExitError text: "exit status 3", "signal: terminated". */
static char *
go_error(const struct outcome *o)
{
	char		*s, *p;
	const char	*name;

	if (o->signo == 0)
		return xasprintf("exit status %d", o->exit_code);
	name = strsignal(o->signo);
	s = xasprintf("signal: %s", name != NULL ? name : "unknown");
	for (p = s + 8; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

/* Print o as the body of r and free it. */
static void
json_body(struct report *r, cJSON *o)
{
	r->text = cJSON_PrintUnformatted(o);
	if (r->text == NULL)
		fatal("out of memory printing JSON");
	cJSON_Delete(o);
	r->req.body = r->text;
	r->req.len = strlen(r->text);
	r->req.ctype = "application/json";
}

/* generic: teltop's own event on /v1/events. */
static void
build_generic(struct wrap *w, const struct outcome *o, struct report *r)
{
	cJSON	*e;
	char	 ts[40], *err;

	e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "name", o == NULL ? "command_started" :
	    "command_finished");
	cJSON_AddStringToObject(e, "phase", o == NULL ? "start" : "finish");
	tt_time_format(o == NULL ? w->start_us : tt_now_us(), ts, sizeof ts);
	cJSON_AddStringToObject(e, "ts", ts);
	cJSON_AddStringToObject(e, "execution_id", w->exec_id);
	cJSON_AddStringToObject(e, "client_id", w->client);
	cJSON_AddStringToObject(e, "command", w->command);
	if (o != NULL) {
		cJSON_AddNumberToObject(e, "exit_code", o->exit_code);
		cJSON_AddNumberToObject(e, "duration_ms",
		    (double)o->duration_ms);
		if (o->signo != 0) {
			err = go_error(o);
			cJSON_AddStringToObject(e, "error", err);
			free(err);
			cJSON_AddNumberToObject(e, "signal", o->signo);
		}
	}
	cJSON_AddStringToObject(e, "os", w->os);
	cJSON_AddStringToObject(e, "arch", w->arch);
	cJSON_AddStringToObject(e, "version", WRAP_VERSION);
	cJSON_AddStringToObject(e, "tool", "teltop-wrap");
	r->req.path = "/v1/events";
	json_body(r, e);
}

/* werf's "attributes" JSON text, with CI detection as werf does it. */
static char *
werf_attributes(const struct wrap *w)
{
	static const struct {
		const char	*env;
		const char	*name;
	} ci[] = {
		{ "GITLAB_CI", "gitlab" }, { "GITHUB_ACTIONS", "github" },
		{ "JENKINS_URL", "jenkins" },
		{ "TEAMCITY_VERSION", "teamcity" },
		{ "CIRCLECI", "circleci" }, { "TRAVIS", "travis" },
		{ "BUILDKITE", "buildkite" },
	};
	cJSON	*a;
	char	*s;
	size_t	 i;

	a = cJSON_CreateObject();
	cJSON_AddStringToObject(a, "arch", w->arch);
	cJSON_AddStringToObject(a, "os", w->os);
	cJSON_AddStringToObject(a, "version", WRAP_VERSION);
	cJSON_AddObjectToObject(a, "extra");
	if (env_yes("CI")) {
		cJSON_AddTrueToObject(a, "ci");
		for (i = 0; i < sizeof ci / sizeof ci[0]; i++)
			if (getenv(ci[i].env) != NULL) {
				cJSON_AddStringToObject(a, "ciName",
				    ci[i].name);
				break;
			}
	}
	s = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	if (s == NULL)
		fatal("out of memory printing JSON");
	return s;
}

/* werf: one span, CommandStarted or CommandExited, on /v1/traces. */
static void
build_werf(struct wrap *w, const struct outcome *o, struct report *r)
{
	struct werf_span	 sp;
	char			*data, *attrs;
	size_t			 len;

	if (o == NULL)
		data = xstrdup("{}");
	else
		data = xasprintf("{\"exitCode\":%d,\"durationMs\":%lld}",
		    o->exit_code, (long long)o->duration_ms);
	attrs = werf_attributes(w);
	memset(&sp, 0, sizeof sp);
	sp.ts_ms = (o == NULL ? w->start_us : tt_now_us()) / 1000;
	sp.execution_id = w->exec_id;
	sp.user_id = w->client;
	sp.project_id = "";
	sp.command = w->command;
	sp.event_type = o == NULL ? "CommandStarted" : "CommandExited";
	sp.event_data = data;
	sp.attributes = attrs;
	random_bytes(sp.trace_id, sizeof sp.trace_id);
	random_bytes(sp.span_id, sizeof sp.span_id);
	r->bin = werf_pack(&sp, 1, "teltop", &len);
	r->req.path = "/v1/traces";
	r->req.ctype = "application/x-protobuf";
	r->req.body = r->bin;
	r->req.len = len;
	free(data);
	free(attrs);
}

/* devpod: a legacy cmdstarted or cmdfinished body. */
static void
build_devpod(struct wrap *w, const struct outcome *o, struct report *r)
{
	cJSON	*b, *ev, *ip, *v;
	int64_t	 now = o == NULL ? w->start_us : tt_now_us();
	char	*err;

	b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "type", o == NULL ? "cmdstarted" :
	    "cmdfinished");
	ev = cJSON_AddObjectToObject(b, "event");
	cJSON_AddNumberToObject(ev, "timestamp", (double)now);
	cJSON_AddStringToObject(ev, "executionID", w->exec_id);
	cJSON_AddStringToObject(ev, "command", w->command);
	if (o != NULL) {
		if (o->exit_code == 0)
			cJSON_AddTrueToObject(ev, "success");
		cJSON_AddNumberToObject(ev, "processingTime",
		    (double)(o->duration_ms * 1000));
		if (o->exit_code != 0) {
			err = go_error(o);
			cJSON_AddStringToObject(ev, "errors", err);
			free(err);
		}
	}
	ip = cJSON_AddObjectToObject(b, "instanceProperties");
	cJSON_AddNumberToObject(ip, "timestamp", (double)now);
	cJSON_AddStringToObject(ip, "executionID", w->exec_id);
	cJSON_AddStringToObject(ip, "uid", w->client);
	cJSON_AddStringToObject(ip, "arch", w->arch);
	cJSON_AddStringToObject(ip, "os", w->os);
	v = cJSON_AddObjectToObject(ip, "version");
	cJSON_AddStringToObject(v, "major", "0");
	cJSON_AddStringToObject(v, "minor", "1");
	cJSON_AddStringToObject(v, "patch", "0");
	cJSON_AddStringToObject(v, "prerelease", "");
	cJSON_AddStringToObject(v, "build", "");
	cJSON_AddFalseToObject(ip, "ui");
	r->req.path = "/analytics/v1/devpod/v1/events";
	json_body(r, b);
	r->req.ctype = "multipart/form-data";	/* sic, formats.md §4.2 */
}

/* posthog: a /batch/ envelope with one capture. */
static void
build_posthog(struct wrap *w, const struct outcome *o, struct report *r)
{
	cJSON	*b, *batch, *e, *p;
	char	 ts[40], uuid[37], *err;

	b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "api_key", WRAP_POSTHOG_KEY);
	batch = cJSON_AddArrayToObject(b, "batch");
	e = cJSON_CreateObject();
	cJSON_AddItemToArray(batch, e);
	cJSON_AddStringToObject(e, "event", o == NULL ? "command_started" :
	    "command_finished");
	p = cJSON_AddObjectToObject(e, "properties");
	cJSON_AddStringToObject(p, "command", w->command);
	cJSON_AddStringToObject(p, "execution_id", w->exec_id);
	if (o != NULL) {
		cJSON_AddNumberToObject(p, "exit_code", o->exit_code);
		cJSON_AddNumberToObject(p, "duration_ms",
		    (double)o->duration_ms);
		if (o->signo != 0) {
			err = go_error(o);
			cJSON_AddStringToObject(p, "error", err);
			free(err);
		}
	}
	cJSON_AddStringToObject(p, "os_name", w->os);
	cJSON_AddStringToObject(p, "os_arch", w->arch);
	cJSON_AddStringToObject(p, "$lib", "teltop-wrap");
	cJSON_AddStringToObject(p, "$lib_version", WRAP_VERSION);
	cJSON_AddTrueToObject(p, "$geoip_disable");
	tt_time_format(o == NULL ? w->start_us : tt_now_us(), ts, sizeof ts);
	cJSON_AddStringToObject(e, "timestamp", ts);
	uuid4(uuid);
	cJSON_AddStringToObject(e, "uuid", uuid);
	cJSON_AddStringToObject(e, "distinct_id", w->client);
	tt_time_format(tt_now_us(), ts, sizeof ts);
	cJSON_AddStringToObject(b, "sent_at", ts);
	r->req.path = "/batch/";
	json_body(r, b);
}

/* Say the one stderr line, once. */
static void
say(struct wrap *w, const char *what, const char *why)
{
	if (w->said)
		return;
	w->said = 1;
	fprintf(stderr, "teltop: wrap: cannot report the %s to %s (%s); "
	    "the command is not affected\n", what, w->url, why);
}

/* Build and send one report (o NULL: the start); failures are said once. */
static void
report(struct wrap *w, const struct outcome *o)
{
	struct report	 r;
	char		*cause = NULL, *why;
	int		 status;

	if (w->h == NULL || w->down)
		return;
	memset(&r, 0, sizeof r);
	r.req.agent = WRAP_AGENT;
	switch (w->as) {
	case AS_WERF:
		build_werf(w, o, &r);
		break;
	case AS_DEVPOD:
		build_devpod(w, o, &r);
		break;
	case AS_POSTHOG:
		build_posthog(w, o, &r);
		break;
	default:
		build_generic(w, o, &r);
		break;
	}
	status = httpc_request(w->h, &r.req, WRAP_TIMEOUT_MS, &cause);
	if (status < 0) {
		w->down = 1;
		say(w, o == NULL ? "start" : "exit", cause);
	} else if (status < 200 || status > 299) {
		why = xasprintf("the collector answered %d %.200s", status,
		    httpc_body(w->h));
		say(w, o == NULL ? "start" : "exit", why);
		free(why);
	}
	free(cause);
	free(r.text);
	free(r.bin);
}

/* ---- running the command ---- */

/* The start report, sent while the command runs. */
static void
report_start(void *arg)
{
	report(arg, NULL);
}

/* CMD and its arguments joined by spaces, as given. */
static char *
join_args(char **argv, int argc)
{
	char	*s, *p;
	size_t	 n = 1;
	int	 i;

	for (i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	p = s = xmalloc(n);
	for (i = 0; i < argc; i++) {
		if (i > 0)
			*p++ = ' ';
		n = strlen(argv[i]);
		memcpy(p, argv[i], n);
		p += n;
	}
	*p = '\0';
	return s;
}

/* The --help text. */
static void
help(void)
{
	printf("usage: %s\n\n"
	    "Runs CMD with the terminal and stdio it would have had, reports "
	    "its start and\nits exit (exit code, duration) to the collector "
	    "in the wire format of one\ntool, and exits with CMD's status.  "
	    "A command killed by a signal kills\nteltop wrap with the same "
	    "signal.  SIGINT, SIGTERM and SIGHUP sent to\nteltop wrap are "
	    "passed on to CMD.\n\n"
	    "  --url URL   the collector (default: http://<TELTOP_LISTEN,\n"
	    "              else %s>)\n"
	    "  --as F      generic (default): teltop events, /v1/events\n"
	    "              werf: OTLP CommandStarted/CommandExited, "
	    "/v1/traces\n"
	    "              devpod: legacy cmdstarted/cmdfinished,\n"
	    "                /analytics/v1/devpod/v1/events\n"
	    "              posthog: command_started/command_finished, "
	    "/batch/\n\n"
	    "Nothing is sent when DO_NOT_TRACK is set (to anything but 0 or "
	    "false), nor with\nWERF_TELEMETRY=0 (werf) or "
	    "DEVPOD_DISABLE_TELEMETRY=true (devpod).  An\nunreachable "
	    "collector costs at most %d ms and one line on stderr.  The "
	    "client\nid is HMAC-SHA256(machine id, $HOME) in hex: stable, "
	    "and no name in clear.\n", cli_usage("wrap"), TT_DEFAULT_LISTEN, WRAP_TIMEOUT_MS);
}

/* `teltop wrap`: run the command, report it, pass its status on. */
int
cmd_wrap(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_URL,
		{ "as", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*usage = cli_usage("wrap");
	struct wrap		 w;
	struct outcome		 o;
	struct child_status	 cs;
	char			*url, *cause = NULL;
	int64_t			 t0;
	struct cli_where	 where = { NULL, NULL, NULL };
	int			 ch;
	size_t			 k;

	memset(&w, 0, sizeof w);
	w.as = AS_GENERIC;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (cli_where_option(&where, ch, optarg))
			continue;
		switch (ch) {
		case 'a':
			for (k = 0; k < sizeof as_names / sizeof as_names[0];
			    k++)
				if (strcmp(optarg, as_names[k]) == 0)
					break;
			if (k == sizeof as_names / sizeof as_names[0])
				cli_usage_error(usage, "--as %s: not one of "
				    "werf, devpod, posthog, generic", optarg);
			w.as = (enum wrap_as)k;
			break;
		case 'h':
			help();
			return 0;
		default:
			cli_option_error(usage, argv);
		}
	}
	if (optind >= argc)
		cli_usage_error(usage, "no command to run");
	argv += optind;
	argc -= optind;

	if (opted_out(w.as))
		return child_exec("teltop wrap", argv);

	url = cli_where_url(&where, "http", "");
	w.url = url;
	if ((w.h = httpc_new(url, WRAP_CONNECT_MS, &cause)) == NULL)
		cli_usage_error(usage, "--url %s", cause);
	w.command = join_args(argv, argc);
	client_id(w.client);
	uuid4(w.exec_id);
	platform(&w.os, &w.arch);

	w.start_us = tt_now_us();
	t0 = tt_mono_us();
	/* the start report goes out while the command runs */
	if (child_run("teltop wrap", argv, report_start, &w, &cs) != 0)
		return 1;
	memset(&o, 0, sizeof o);
	o.duration_ms = (tt_mono_us() - t0) / 1000;
	o.exit_code = cs.exit_code;
	o.signo = cs.signo;

	report(&w, &o);

	httpc_free(w.h);
	free(w.command);
	free(url);
	return child_pass(&cs);
}
