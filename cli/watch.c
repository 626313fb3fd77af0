/*
 * The UI on a collector that runs elsewhere: `teltop watch URL`, and
 * `teltop` when its address is already a collector's (it attaches rather
 * than fail).  Everything comes from the collector: the live stream and
 * the stats model over GET /v1/stream?stats=1 (ws/stream.c), history,
 * single events and payloads over GET /v1/history, opt-out changes by
 * POST /v1/optout with the token.  The UI (tui/) cannot tell.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "core/auth.h"
#include "core/catalog.h"
#include "core/config.h"
#include "core/decode.h"
#include "core/eventjson.h"
#include "core/optout.h"
#include "core/stats.h"
#include "core/xmalloc.h"
#include "tui/tui.h"
#include "ws/subscribe.h"
#include "cli.h"
#include "collector.h"
#include "httpc.h"
#include "records.h"
#include "watch.h"

#define WATCH_CONNECT_MS	2000
#define WATCH_HTTP_MS		10000
#define WATCH_HELLO_US		(5 * 1000000LL)
#define WATCH_PAGE_MAX		1000	/* events in one GET /v1/history */

struct watch {
	char			 host[256];
	int			 port;
	char			 where[300];	/* host:port */
	const char		*token;		/* NULL: none known */
	struct httpc		*http;
	struct ws_sub		*sub;
	struct tui		*tui;
	struct tt_stats		*stats;
	int			 hello;
	int64_t			 last_id;	/* newest event it was sent */
	struct tt_event		 pending;	/* an event waiting for its delta */
	int			 have_pending;
	struct tui_status	 st;
	char			 collectors[256]; /* st.collectors, if any */
	struct tt_counters	 counters;
	struct tt_optout	 optout;
	char			*bad;		/* a message that did not parse */
};

static volatile sig_atomic_t	 stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* A count the collector sent: 0 when absent or not one an int64 holds. */
static int64_t
num(const cJSON *o, const char *k)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) && v->valuedouble >= -9.2e18 &&
	    v->valuedouble <= 9.2e18 ? (int64_t)v->valuedouble : 0;
}

/* The registry as GET /v1/optout and the status give it. */
static void
read_optout(struct watch *w, const cJSON *a)
{
	const cJSON		*o, *v;
	struct tt_optout_entry	*e;
	const char		*src, *cli, *by;
	int64_t			 since = 0;

	tt_optout_clear(&w->optout);
	cJSON_ArrayForEach(o, a) {
		src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o,
		    "source"));
		cli = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o,
		    "client"));
		by = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o,
		    "set_by"));
		v = cJSON_GetObjectItemCaseSensitive(o, "since");
		if (src == NULL)
			continue;
		if (!cJSON_IsString(v) || tt_time_parse(v->valuestring,
		    &since) != 0)
			since = 0;
		e = tt_optout_put(&w->optout, src, cli, since,
		    by != NULL ? by : "?");
		e->dropped = num(o, "dropped");
		v = cJSON_GetObjectItemCaseSensitive(o, "stored_since");
		e->stored_since = cJSON_IsNumber(v) ? num(o, "stored_since") :
		    TT_NONE;
	}
}

static void
read_status(struct watch *w, const cJSON *o)
{
	const cJSON	*m;
	int		 i;

	w->st.received = num(o, "received");
	w->st.accepted = num(o, "accepted");
	w->st.stored = num(o, "stored");
	w->st.dropped = num(o, "dropped");
	w->st.rejected = num(o, "rejected");
	w->st.evicted = num(o, "evicted");
	w->st.connections = (int)num(o, "connections");
	w->st.disk_free = cJSON_GetObjectItemCaseSensitive(o, "disk_free") !=
	    NULL ? (int)num(o, "disk_free") : -1;
	/* the collectors on its database, when it shares one (cut to fit) */
	m = cJSON_GetObjectItemCaseSensitive(o, "collectors");
	w->st.collectors = NULL;
	if (cJSON_IsString(m)) {
		snprintf(w->collectors, sizeof w->collectors, "%s",
		    m->valuestring);
		w->st.collectors = w->collectors;
	}
	m = cJSON_GetObjectItemCaseSensitive(o, "counters");
	for (i = 0; i < TT_CTR_COUNT; i++)
		w->counters.v[i] = num(m, tt_counter_name((enum tt_counter)i));
	read_optout(w, cJSON_GetObjectItemCaseSensitive(o, "optout"));
}

/* The event sent last goes to the UI (with the delta it made, if any). */
static void
deliver(struct watch *w, const struct tt_stats_delta *d)
{
	if (!w->have_pending)
		return;
	if (d != NULL)
		tt_stats_apply(w->stats, &w->pending, d);
	if (w->tui != NULL)
		tui_event(w->tui, &w->pending);
	tt_event_clear(&w->pending);
	w->have_pending = 0;
}

static void
note_bad(struct watch *w, const char *why)
{
	if (w->tui != NULL) {
		char	*line = xasprintf("a message from the collector was "
		    "not understood: %s", why);

		tui_log(w->tui, line);
		free(line);
	} else if (w->bad == NULL)
		w->bad = xstrdup(why);
}

static void
on_hello(struct watch *w, const cJSON *o)
{
	const cJSON	*stats = cJSON_GetObjectItemCaseSensitive(o, "stats");
	int64_t		 after = num(stats, "orphan_after_us");

	w->stats = tt_stats_create(after > 0 ? after : TT_ORPHAN_AFTER_US);
	if (tt_stats_restore(w->stats, stats, tt_now_us()) != 0)
		note_bad(w, "the hello has no stats");
	w->last_id = num(o, "last_id");
	read_status(w, cJSON_GetObjectItemCaseSensitive(o, "status"));
	w->hello = 1;
}

static void
on_message(void *arg, const char *p, size_t len)
{
	struct watch		*w = arg;
	struct tt_stats_delta	 d;
	cJSON			*o;
	const char		*type;
	char			*cause = NULL, line[120];

	if ((o = cJSON_ParseWithLength(p, len)) == NULL) {
		note_bad(w, "not JSON");
		return;
	}
	type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o,
	    "type"));
	if (!w->hello && (type == NULL || strcmp(type, "hello") != 0)) {
		/* nothing counts before the model it applies to */
		note_bad(w, "a message before the hello");
	} else if (type == NULL) {	/* an event */
		deliver(w, NULL);
		if (tt_event_from_text(p, len, &w->pending, &cause) != 0) {
			note_bad(w, cause);
			free(cause);
		} else {
			w->have_pending = 1;
			if (w->pending.id > w->last_id)
				w->last_id = w->pending.id;
		}
	} else if (strcmp(type, "delta") == 0) {
		if (w->have_pending && num(o, "id") == w->pending.id &&
		    tt_delta_from_json(cJSON_GetObjectItemCaseSensitive(o,
		    "delta"), &d, &cause) == 0) {
			deliver(w, &d);
			tt_stats_delta_clear(&d);
		} else {
			note_bad(w, cause != NULL ? cause : "a delta of no "
			    "event");
			free(cause);
			deliver(w, NULL);
		}
	} else if (strcmp(type, "hello") == 0 && !w->hello)
		on_hello(w, o);
	else if (strcmp(type, "status") == 0) {
		deliver(w, NULL);
		read_status(w, o);
	} else if (strcmp(type, "dropped") == 0 && w->tui != NULL) {
		snprintf(line, sizeof line, "%lld events were not shown: this "
		    "viewer fell behind the collector (Commands and Daily may "
		    "miss them until a restart)", (long long)num(o, "events"));
		tui_log(w->tui, line);
	}
	cJSON_Delete(o);
}

static void
on_stdin(void *arg)
{
	struct watch	*w = arg;

	if (w->tui != NULL)
		tui_input(w->tui);
}

/* ---- the host the UI reads through ---- */

/* s percent-encoded for a query, appended to b. */
static char *
query_escape(const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			*out = xmalloc(3 * strlen(s) + 1), *o = out;
	unsigned char		 ch;

	for (; *s != '\0'; s++) {
		ch = (unsigned char)*s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~", ch) != NULL)
			*o++ = (char)ch;
		else {
			*o++ = '%';
			*o++ = hex[ch >> 4];
			*o++ = hex[ch & 15];
		}
	}
	*o = '\0';
	return out;
}

/* A GET or POST to the collector: its status, or -1 with *cause. */
static int
request(struct watch *w, const char *method, const char *path,
    const char *body, char **cause)
{
	struct httpc_req	 rq;
	char			 auth[TT_TOKEN_LEN + 16];

	memset(&rq, 0, sizeof rq);
	rq.method = method;
	rq.path = path;
	if (body != NULL) {
		rq.ctype = "application/json";
		rq.body = body;
		rq.len = strlen(body);
	}
	if (w->token != NULL) {
		snprintf(auth, sizeof auth, "Bearer %s", w->token);
		rq.auth = auth;
	}
	return httpc_request(w->http, &rq, WATCH_HTTP_MS, cause);
}

/* The "error" of a reply that is not 200, as *cause. */
static void
reply_error(struct watch *w, int status, char **cause)
{
	cJSON		*o = cJSON_Parse(httpc_body(w->http));
	const char	*e = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(o, "error"));

	*cause = xasprintf("the collector at %s said %d: %s", w->where, status,
	    e != NULL ? e : "(no reason)");
	cJSON_Delete(o);
}

/* Events of a history reply, one JSON object a line, to cb. */
static int
each_event(struct watch *w, int (*cb)(void *, const struct tt_event *),
    void *arg, char **cause)
{
	const char	*p = httpc_body(w->http), *end = p +
	    httpc_body_len(w->http), *nl;
	struct tt_event	 ev;
	int		 rc = 0;

	for (; p < end && rc == 0; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl == p)
			continue;
		if (tt_event_from_text(p, (size_t)(nl - p), &ev, cause) != 0) {
			tt_event_clear(&ev);
			return -1;	/* *cause: which member, or not JSON */
		}
		rc = cb(arg, &ev);
		tt_event_clear(&ev);
	}
	return 0;
}

static int
history(struct watch *w, const char *filter, int64_t now, int64_t before,
    int n, int (*cb)(void *, const struct tt_event *), void *arg,
    char **cause)
{
	char	*q = query_escape(filter), *path;
	int	 status;

	/* what the stream has not sent yet is not history yet */
	if (before <= 0 || before > w->last_id + 1)
		before = w->last_id + 1;
	path = xasprintf("/v1/history?filter=%s&limit=%d&before=%lld&at=%lld",
	    q, n < 1 ? 1 : n > WATCH_PAGE_MAX ? WATCH_PAGE_MAX : n,
	    (long long)before, (long long)(now > 0 ? now : tt_now_us()));
	free(q);
	*cause = NULL;
	status = request(w, NULL, path, NULL, cause);
	free(path);
	if (status < 0)
		return -1;
	if (status != 200) {
		reply_error(w, status, cause);
		return -1;
	}
	return each_event(w, cb, arg, cause);
}

static int
host_history(void *arg, const char *filter, int64_t now, int64_t before,
    int n, int (*cb)(void *, const struct tt_event *), void *cbarg,
    char **cause)
{
	return history(arg, filter, now, before, n, cb, cbarg, cause);
}

/* GET /v1/fields: the collector's field catalog, read into out. */
static int
host_fields(void *arg, const char *source, const char *version,
    struct tt_field_rows *out, char **cause)
{
	struct watch	*w = arg;
	const char	*p, *end, *nl;
	char		*qs, *qv, *path;
	cJSON		*o;
	int		 status, rc = 0;

	qs = query_escape(source != NULL ? source : "");
	qv = query_escape(version != NULL ? version : "");
	path = xasprintf("/v1/fields?%s%s%s%s%s", source != NULL ? "source=" :
	    "", qs, source != NULL && version != NULL ? "&" : "",
	    version != NULL ? "version=" : "", qv);
	free(qs);
	free(qv);
	*cause = NULL;
	status = request(w, NULL, path, NULL, cause);
	free(path);
	if (status < 0)
		return -1;
	if (status != 200) {
		reply_error(w, status, cause);
		return -1;
	}
	p = httpc_body(w->http);
	end = p + httpc_body_len(w->http);
	for (; p < end && rc == 0; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl == p)
			continue;
		if ((o = cJSON_ParseWithLength(p, (size_t)(nl - p))) == NULL) {
			*cause = xstrdup("a field of the catalog is not JSON");
			return -1;
		}
		rc = tt_field_row_from_json(o, tt_field_rows_add(out), cause);
		if (rc != 0)
			out->n--;	/* the row was cleared */
		cJSON_Delete(o);
	}
	return rc;
}

static int
host_event(void *arg, int64_t id, struct tt_event *out)
{
	struct watch	*w = arg;
	char		 text[48], *cause = NULL;
	int		 rc;

	tt_event_init(out);
	snprintf(text, sizeof text, "id=%lld", (long long)id);
	rc = history(w, text, 0, 0, 1, cli_copy_one, out, &cause);
	free(cause);
	return rc == 0 && out->id == id ? 0 : -1;
}

static int
host_payload(void *arg, int64_t id, char **body, size_t *len, char **route,
    char **content_type)
{
	struct watch	*w = arg;
	cJSON		*o;
	const char	*b64, *r, *ct;
	char		 path[64], *cause = NULL;
	unsigned char	*bytes = NULL;
	int		 status;

	snprintf(path, sizeof path, "/v1/payload/%lld", (long long)id);
	status = request(w, NULL, path, NULL, &cause);
	free(cause);
	if (status != 200 || (o = cJSON_Parse(httpc_body(w->http))) == NULL)
		return -1;
	b64 = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o,
	    "body_base64"));
	r = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "route"));
	ct = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o,
	    "content_type"));
	/* tt_b64_decode() refuses what lws alone would decode to junk */
	if (b64 == NULL || r == NULL || ct == NULL ||
	    tt_b64_decode(b64, &bytes, len) != 0) {
		cJSON_Delete(o);
		return -1;
	}
	*body = (char *)bytes;
	*route = xstrdup(r);
	*content_type = xstrdup(ct);
	cJSON_Delete(o);
	return 0;
}

static void
host_optout(void *arg, struct tt_optout *out)
{
	struct watch			*w = arg;
	const struct tt_optout_entry	*e;
	struct tt_optout_entry		*c;
	size_t				 i;

	tt_optout_clear(out);
	for (i = 0; i < w->optout.n; i++) {
		e = &w->optout.v[i];
		c = tt_optout_put(out, e->source, e->client, e->since,
		    e->set_by);
		c->dropped = e->dropped;
		c->stored_since = e->stored_since;
	}
}

static int
host_optout_change(void *arg, const char *source, const char *client,
    int enabled, char **cause)
{
	struct watch	*w = arg;
	cJSON		*o;
	char		*body, *line;
	int		 status;

	if (w->token == NULL) {
		*cause = xasprintf("no token for the collector at %s: start "
		    "the viewer with --token (see `teltop token` there)",
		    w->where);
		return -1;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "source", source);
	if (client != NULL)
		cJSON_AddStringToObject(o, "client", client);
	cJSON_AddBoolToObject(o, "enabled", enabled);
	body = tt_json_line(o, NULL);
	cJSON_Delete(o);
	*cause = NULL;
	status = request(w, "POST", "/v1/optout", body, cause);
	free(body);
	if (status < 0)
		return -1;
	if (status != 200) {
		reply_error(w, status, cause);
		return -1;
	}
	line = xasprintf("opt-out %s at %s: %s%s%s", enabled ? "set" :
	    "cleared", w->where, source, client != NULL ? " client " : "",
	    client != NULL ? client : "");
	tui_log(w->tui, line);
	free(line);
	return 0;
}

static void
host_status(void *arg, struct tui_status *st)
{
	struct watch	*w = arg;

	*st = w->st;
	st->listen = w->where;
}

static void
host_counters(void *arg, struct tt_counters *c)
{
	struct watch	*w = arg;

	*c = w->counters;
}

/* ---- running it ---- */

static int
parse_url(struct watch *w, const char *url, char **cause)
{
	const char	*p = url, *colon, *end;
	size_t		 n;
	char		*e;
	long		 port;

	if (strncmp(p, "http://", 7) == 0)
		p += 7;
	else if (strncmp(p, "ws://", 5) == 0)
		p += 5;
	else if (strstr(p, "://") != NULL) {
		*cause = xasprintf("%s: a collector's URL is http://HOST:PORT",
		    url);
		return -1;
	}
	n = strcspn(p, "/");
	end = p + n;
	colon = memchr(p, ':', n);
	if (*p == '[' || colon == NULL || colon == p ||
	    (size_t)(colon - p) >= sizeof w->host) {
		*cause = xasprintf("%s: give the collector as HOST:PORT "
		    "(http://127.0.0.1:8353)", url);
		return -1;
	}
	memcpy(w->host, p, (size_t)(colon - p));
	w->host[colon - p] = '\0';
	errno = 0;
	port = strtol(colon + 1, &e, 10);
	if (e != end || errno != 0 || port < 1 || port > 65535) {
		*cause = xasprintf("%s: the port is a number 1..65535", url);
		return -1;
	}
	w->port = (int)port;
	snprintf(w->where, sizeof w->where, "%s:%d", w->host, w->port);
	return 0;
}

int
watch_run(const char *url, const char *token, const char *theme,
    const char *logpath, int attached)
{
	char			*mine = NULL, *held, *db, *files;
	struct watch		 w;
	struct ws_sub_cb	 cb;
	struct tui_config	 tc;
	struct tt_config	 cfg;
	char			*cause = NULL, base[320], *line;
	const char		*why;
	int64_t			 deadline;
	int			 rc = 1;

	memset(&w, 0, sizeof w);
	w.st.disk_free = -1;	/* until the collector says */
	tt_event_init(&w.pending);
	tt_optout_init(&w.optout);
	tt_config_init(&cfg);
	if (parse_url(&w, url, &cause) != 0)
		goto done;
	/*
	 * The token next to the default database goes only to the collector
	 * that says it holds that database (in the file beside it, which
	 * only its user can write): never to whatever else listens.
	 */
	if (token == NULL && !attached) {
		/* a PostgreSQL store's files are this machine's, too */
		db = cli_db_any(NULL, 0);
		files = cli_files_base(db, 0);
		held = collector_holding(files);
		if (held != NULL && strcmp(held, w.where) == 0)
			token = mine = cli_local_token(NULL);
		free(held);
		free(files);
		free(db);
	}
	w.token = token;
	snprintf(base, sizeof base, "http://%s", w.where);
	if ((w.http = httpc_new(base, WATCH_CONNECT_MS, &cause)) == NULL)
		goto done;
	memset(&cb, 0, sizeof cb);
	cb.message = on_message;
	cb.fd = on_stdin;
	cb.arg = &w;
	w.sub = ws_sub_open(w.host, w.port, "/v1/stream?stats=1", token, &cb,
	    &cause);
	if (w.sub == NULL)
		goto done;
	deadline = tt_now_us() + WATCH_HELLO_US;
	while (!w.hello && !stop && tt_now_us() < deadline)
		if (ws_sub_service(w.sub, 100000) < 0)
			break;
	if (!w.hello) {
		why = ws_sub_why(w.sub);
		if (why != NULL && (strstr(why, "401") != NULL ||
		    strstr(why, "unauthorized") != NULL))
			cause = xasprintf("the collector at %s wants its token "
			    "to show what it stored: --token TOKEN or "
			    "TELTOP_TOKEN (`teltop token` where it runs)",
			    w.where);
		else
			cause = xasprintf("no teltop collector answers at %s: "
			    "%s", w.where, why != NULL ? why : w.bad != NULL ?
			    w.bad : "no hello in 5 s");
		goto done;
	}
	if (tt_config_load(&cfg, NULL, &cause) != 0) {
		fprintf(stderr, "teltop: %s (ignored)\n", cause);
		free(cause);
		cause = NULL;
	}

	memset(&tc, 0, sizeof tc);
	tc.host.arg = &w;
	tc.host.history = host_history;
	tc.host.event = host_event;
	tc.host.payload = host_payload;
	tc.host.optout = host_optout;
	tc.host.optout_change = host_optout_change;
	tc.host.status = host_status;
	tc.host.counters = host_counters;
	tc.host.fields = host_fields;
	tc.host.remember = cli_remember;
	tc.host.stats = w.stats;
	tc.theme = theme != NULL ? theme : cfg.theme[0] != '\0' ? cfg.theme :
	    NULL;
	tc.view = cfg.view[0] != '\0' ? cfg.view : NULL;
	tc.sort_commands = tt_config_sort(&cfg, "commands");
	tc.sort_metrics = tt_config_sort(&cfg, "metrics");
	tc.logpath = logpath;
	if ((w.tui = tui_create(&tc, &cause)) == NULL)
		goto done;
	if (ws_sub_watch_fd(w.sub, STDIN_FILENO) != 0) {
		cause = xstrdup("cannot watch the terminal");
		goto done;
	}
	line = xasprintf("%s the collector at %s", attached ?
	    "attached to" : "watching", w.where);
	tui_log(w.tui, line);
	free(line);

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rc = 0;
	while (!stop && !tui_done(w.tui)) {
		if (ws_sub_service(w.sub, tui_frame(w.tui, tt_now_us())) < 0) {
			cause = xasprintf("the collector at %s went away: %s",
			    w.where, ws_sub_why(w.sub));
			rc = 1;
			break;
		}
		tui_input(w.tui);
	}
done:
	tui_destroy(w.tui);
	ws_sub_close(w.sub);
	httpc_free(w.http);
	tt_event_clear(&w.pending);
	tt_optout_clear(&w.optout);
	tt_stats_free(w.stats);
	free(w.bad);
	free(mine);
	if (cause != NULL) {
		fprintf(stderr, "teltop: %s\n", cause);
		free(cause);
		rc = 1;
	}
	return rc;
}

int
cmd_watch(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "token", required_argument, NULL, 'k' },
		{ "theme", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*usage = cli_usage("watch");
	const char	*token = getenv("TELTOP_TOKEN"), *theme = NULL;
	int		 ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'k':
			token = optarg;
			break;
		case 't':
			theme = optarg;
			break;
		case 'h':
			printf("usage: %s\n\nThe UI on a collector that runs "
			    "elsewhere (teltop serve): its live stream, "
			    "history, stats\nand opt-out registry.  URL is "
			    "http://HOST:PORT (default: $TELTOP_LISTEN, else "
			    "127.0.0.1:8353).\nChanging the opt-out takes its "
			    "token: --token, or TELTOP_TOKEN (`teltop token` on "
			    "its\nmachine); for a collector on this machine, "
			    "the one next to the default database.\n",
			    usage);
			return 0;
		default:
			cli_option_error(usage, argv);
		}
	}
	if (optind + 1 < argc)
		cli_usage_error(usage, "unexpected argument '%s'",
		    argv[optind + 1]);
	if (token != NULL && *token == '\0')
		token = NULL;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "teltop: the UI needs a terminal\n");
		return 2;
	}
	/* no URL: the collector this machine's teltop would be */
	return watch_run(optind < argc ? argv[optind] : cli_listen(NULL),
	    token, theme, NULL, 0);
}
