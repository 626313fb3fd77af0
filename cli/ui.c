/*
 * `teltop` with no subcommand: the collector and the live UI in one
 * process and one loop.  lws runs the loop; the terminal is adopted into
 * it (ws_watch_fd) so keys wake it, a signal (SIGWINCH) interrupts its
 * poll, and a timer paces the frames.  This file gives tui/ what it reads
 * through struct tui_host: history and single events from the store, the
 * opt-out registry with its proof, the header's numbers, and the counters
 * of the database (every collector on it) for what capture did.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/auth.h"
#include "core/decode.h"
#include "core/filter.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "tui/tui.h"
#include "ws/ws.h"
#include "cli.h"
#include "collector.h"
#include "watch.h"

struct ui {
	struct collector	 co;
	struct tui		*tui;
	struct ws_timer		*frame;
	char			 listen[300];
	pid_t			 demo;
};

/* Collector log lines go to the UI (and its log file) once it runs. */
static void
log_line(void *arg, const char *line)
{
	struct ui	*u = arg;

	if (u->tui != NULL)
		tui_log(u->tui, line);
}

static void
on_event(void *arg, const struct tt_event *ev)
{
	struct ui	*u = arg;

	if (u->tui != NULL)
		tui_event(u->tui, ev);
}

static int
host_history(void *arg, const char *filter, int64_t now, int64_t before,
    int n, int (*cb)(void *, const struct tt_event *), void *cbarg,
    char **cause)
{
	struct ui	*u = arg;

	return collector_history(&u->co, filter, now, before, n, cb, cbarg,
	    cause) != 0 ? -1 : 0;
}

static int
host_fields(void *arg, const char *source, const char *version,
    struct tt_field_rows *out, char **cause)
{
	struct ui	*u = arg;

	return store_fields(u->co.store, source, NULL, version, out, cause);
}

static int
host_payload(void *arg, int64_t id, char **body, size_t *len, char **route,
    char **content_type)
{
	struct ui	*u = arg;

	return store_payload(u->co.store, id, body, len, route, content_type);
}

static int
host_event(void *arg, int64_t id, struct tt_event *out)
{
	struct ui	*u = arg;
	char		 text[48], *cause = NULL;
	int		 rc;

	tt_event_init(out);
	snprintf(text, sizeof text, "id=%lld", (long long)id);
	rc = collector_history(&u->co, text, 0, 0, 1, cli_copy_one, out,
	    &cause);
	free(cause);
	return rc == 0 && out->id == id ? 0 : -1;
}

static void
host_optout(void *arg, struct tt_optout *out)
{
	struct ui	*u = arg;

	collector_optout_snapshot(&u->co, out);
}

/* An opt-out change from the UI, being written. */
struct uiop {
	struct ui	*u;
	char		*who;		/* "devpod" or "devpod client m1" */
	int		 enabled;
};

/*
 * The UI's opt-out change is written (or failed): say so in the log line
 * (loop thread).  A change that went through needs no line of its own: the
 * collector has just logged "opt-out set: ..." or "opt-out cleared: ...".
 */
static void
ui_optout_done(void *arg, int rc, const char *cause)
{
	struct uiop	*o = arg;
	char		*line = NULL;

	if (rc < 0)
		line = xasprintf("opt-out failed: %s: %s", o->who,
		    cause != NULL ? cause : "?");
	else if (rc == 0)
		line = xasprintf("%s was %s", o->who, o->enabled ?
		    "already opted out" : "not opted out");
	if (line != NULL && o->u->tui != NULL)
		tui_log(o->u->tui, line);
	free(line);
	free(o->who);
	free(o);
}

/* The opt-out view's toggle: start the change, report it when written. */
static int
host_optout_change(void *arg, const char *source, const char *client,
    int enabled, char **cause)
{
	struct ui	*u = arg;
	struct uiop	*o;

	o = xmalloc(sizeof *o);
	o->u = u;
	o->who = xasprintf("%s%s%s", source, client != NULL ? " client " : "",
	    client != NULL ? client : "");
	o->enabled = enabled;
	if (collector_optout(&u->co, source, client, enabled, "ui",
	    ui_optout_done, o, cause) != 0) {
		free(o->who);
		free(o);
		return -1;
	}
	return 0;
}

static void
host_status(void *arg, struct tui_status *st)
{
	struct ui			*u = arg;
	const struct tt_counters	*c = ws_counters(u->co.ws);

	st->listen = u->listen;
	st->received = c->v[TT_CTR_RECEIVED];
	st->accepted = c->v[TT_CTR_ACCEPTED];
	st->stored = collector_stored(&u->co);
	st->dropped = c->v[TT_CTR_DROPPED_OPTOUT];
	st->rejected = tt_counters_rejected(c);
	st->evicted = c->v[TT_CTR_EVICTED];
	st->connections = ws_connections(u->co.ws);
	st->disk_free = collector_disk_free(&u->co);
	st->collectors = collector_peers(&u->co);
}

static void
host_counters(void *arg, struct tt_counters *c)
{
	struct ui	*u = arg;

	if (store_counters(u->co.store, c) != 0)
		memset(c, 0, sizeof *c);
	store_counters_queued(u->co.store, c);
}

static size_t
host_refusals(void *arg, struct tt_refusal *out, size_t max)
{
	struct ui	*u = arg;

	return ws_refusals(u->co.ws, out, max);
}

static void
on_stdin(void *arg)
{
	struct ui	*u = arg;

	tui_input(u->tui);
}

static void
on_frame(void *arg)
{
	(void)arg;	/* the loop below draws after every wake-up */
}

/* Start `teltop demo` against our own address, quietly. */
static pid_t
start_demo(const char *url)
{
	pid_t	pid;
	int	fd;

	if ((pid = fork()) != 0)
		return pid;
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	execl("/proc/self/exe", "teltop", "demo", "--url", url, (char *)NULL);
	_exit(127);
}

/*
 * Does something accept connections at listen (HOST:PORT, not port 0)?
 * Then it is most likely a collector on this machine: attach to it.
 */
static int
listen_taken(const char *listen)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		*host = NULL, port[16];
	int		 p, fd, taken = 0;

	if (cli_split_addr(listen, &host, &p) != 0 || p == 0) {
		free(host);
		return 0;
	}
	snprintf(port, sizeof port, "%d", p);
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(*host != '\0' ? host : "127.0.0.1", port, &hints,
	    &res) == 0) {
		for (ai = res; ai != NULL && !taken; ai = ai->ai_next) {
			if ((fd = socket(ai->ai_family, ai->ai_socktype, 0)) < 0)
				continue;
			taken = connect(fd, ai->ai_addr, ai->ai_addrlen) == 0;
			close(fd);
		}
		freeaddrinfo(res);
	}
	free(host);
	return taken;
}

static char *
log_path(const char *db)
{
	char	*copy = xstrdup(db), *p;

	p = xasprintf("%s/teltop.log", dirname(copy));
	free(copy);
	return p;
}

int
cmd_ui(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_DB,
		CLI_LONGOPT_LISTEN,
		{ "theme", required_argument, NULL, 't' },
		{ "demo", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		COLLECTOR_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	const char	*usage = cli_usage("");
	struct collector_opts	 opts;
	struct ui		 u;
	struct tui_config	 tc;
	const char		*theme = NULL;
	char			*cause = NULL, *logpath = NULL, url[320];
	char			*db, *base, *held;
	struct cli_where	 where = { NULL, NULL, NULL };
	int			 ch, demo = 0, rc = 0;

	memset(&opts, 0, sizeof opts);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (collector_option(&opts, ch, optarg, usage))
			continue;
		if (cli_where_option(&where, ch, optarg))
			continue;
		switch (ch) {
		case 't':
			theme = optarg;
			break;
		case 'D':
			demo = 1;
			break;
		case 'h':
			printf("usage: %s\n\nThe collector and the live UI: "
			    "the stream, commands, opt-out and daily views.\n"
			    "--demo feeds it `teltop demo` traffic.  Press ? "
			    "in the UI for its keys.\n\n%s", usage,
			    COLLECTOR_HELP);
			return 0;
		default:
			cli_option_error(usage, argv);
		}
	}
	cli_no_more_args(usage, argc, argv);
	where.listen = cli_listen(where.listen);
	collector_check_listen(&opts, where.listen, usage);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "teltop: the UI needs a terminal; run `teltop "
		    "serve` for the collector alone\n");
		return 2;
	}

	/* a collector holds the database, or the port: be its UI (two
	 * collectors cannot share a port) */
	db = cli_db_any(where.db, 0);
	base = cli_files_base(db, 0);
	held = collector_holding(base);
	free(base);
	free(db);
	if (held != NULL && !listen_taken(held)) {
		free(held);	/* it names one that does not answer */
		held = NULL;
	}
	if (held != NULL || listen_taken(where.listen)) {
		/* the token beside the database goes only to the collector
		 * that holds it; any other must be given its own (watch) */
		char	*tok = held != NULL ? cli_local_token(where.db) : NULL;

		rc = watch_run(held != NULL ? held : where.listen, tok, theme, NULL,
		    1);
		free(tok);
		free(held);
		return rc;
	}

	memset(&u, 0, sizeof u);
	u.co.opts = opts;
	u.co.log = log_line;
	u.co.log_arg = &u;
	u.co.on_event = on_event;
	u.co.on_event_arg = &u;
	if (collector_open(&u.co, where.db, where.listen, &cause) != 0)
		goto error;
	snprintf(u.listen, sizeof u.listen, "%s:%d", u.co.host,
	    collector_port(&u.co));
	logpath = log_path(u.co.files);

	memset(&tc, 0, sizeof tc);
	tc.host.arg = &u;
	tc.host.history = host_history;
	tc.host.event = host_event;
	tc.host.payload = host_payload;
	tc.host.optout = host_optout;
	tc.host.optout_change = host_optout_change;
	tc.host.status = host_status;
	tc.host.counters = host_counters;
	tc.host.refusals = host_refusals;
	tc.host.fields = host_fields;
	tc.host.stats = u.co.stats;
	/* what the config file remembered; a flag says otherwise */
	tc.theme = theme != NULL ? theme : u.co.capture.theme[0] != '\0' ?
	    u.co.capture.theme : NULL;
	tc.view = u.co.capture.view[0] != '\0' ? u.co.capture.view : NULL;
	tc.sort_commands = tt_config_sort(&u.co.capture, "commands");
	tc.sort_metrics = tt_config_sort(&u.co.capture, "metrics");
	tc.host.remember = cli_remember;
	tc.logpath = logpath;
	if ((u.tui = tui_create(&tc, &cause)) == NULL)
		goto error;
	if (ws_watch_fd(u.co.ws, STDIN_FILENO, on_stdin, &u) != 0) {
		cause = xstrdup("cannot watch the terminal");
		goto error;
	}
	u.frame = ws_timer_create(u.co.ws, on_frame, &u);

	collector_catch_signals(&u.co, 1);
	if (demo) {
		snprintf(url, sizeof url, "http://%s", u.listen);
		u.demo = start_demo(url);
		tui_log(u.tui, "demo traffic from every known tool is flowing "
		    "in (teltop demo)");
	}

	while (!collector_stopping() && !tui_done(u.tui)) {
		if (ws_service(u.co.ws, 0) < 0)
			break;
		tui_input(u.tui);
		ws_timer_schedule(u.frame, tui_frame(u.tui, tt_now_us()));
	}
	goto done;

error:
	rc = 1;
done:
	if (u.demo > 0) {
		kill(u.demo, SIGTERM);
		while (waitpid(u.demo, NULL, 0) < 0 && errno == EINTR)
			;
	}
	ws_timer_free(u.frame);
	tui_destroy(u.tui);
	u.tui = NULL;
	collector_close(&u.co);
	if (cause != NULL) {
		fprintf(stderr, "teltop: %s\n", cause);
		free(cause);
	}
	free(logpath);
	return rc;
}
