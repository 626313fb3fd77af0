/*
 * teltop export, import and replay: the requests a collector received, as
 * received, and the events each produced.
 *
 * A record is one request: when it came, its method and target (path and
 * query, without a token=), content type, the headers that matter
 * (Content-Encoding, User-Agent; for captured traffic the vendor's host),
 * its body as received (base64: the bytes before any gzip or base64 form
 * was undone) and the events it produced, as `teltop events` prints them.
 * Events whose request was not kept (an opt-out dropped some of its
 * events, so its bytes are not kept either) come as records without a
 * body; they cannot be sent again.
 *
 *   export	one record a line (teltop's form), or HAR 1.2 (--format
 *		har: the body in postData, the events under "_teltop")
 *   replay	sends each record's body to its route on a collector, byte
 *		for byte, with the pacing of received_at (--speed 1, 10, max)
 *   import	the same into a database, through a collector of its own on a
 *		loopback port: the same decoders, opt-out and privacy findings
 *		as live traffic, and received_at kept (X-Teltop-Received-At,
 *		which the collector takes only with its control token)
 *
 * A WebSocket message is exported with method "WS" and route "/ws"; it is
 * sent again as POST /v1/events, which takes the same bodies.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cJSON.h>
#include <libwebsockets.h>

#include "core/auth.h"
#include "core/decode.h"
#include "core/eventjson.h"
#include "core/units.h"
#include "core/utf8.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "ws/ws.h"
#include "cli.h"
#include "collector.h"
#include "httpc.h"
#include "records.h"

#define SEND_TIMEOUT_MS	30000

/* ---- export ---- */

struct exporter {
	struct store		*st;
	int			 har;
	int64_t			 since, until;	/* received_at bounds; 0 none */
	int64_t			 payload;	/* the record's; 0: none */
	struct tt_record	 rec;		/* being filled */
	cJSON			*events;	/* its events */
	size_t			 records;
	size_t			 nevents;
	size_t			 bodiless;
	size_t			 secret;	/* carried the control token */
	char			 token[TT_TOKEN_LEN + 1];	/* or "" */
};

/* Start the record of the request ev came in (payload id pid; 0: none). */
static void
record_start(struct exporter *x, const struct tt_event *ev, int64_t pid)
{
	struct tt_record	*rec = &x->rec;
	struct store_request	 r;
	struct tt_capture	 cap;

	memset(rec, 0, sizeof *rec);
	rec->received_at = ev->received_at;
	if (pid > 0 && store_request(x->st, pid, &r) == 0) {
		rec->received_at = r.received_at;
		/* PostHog senders may give the control token as api_key:
		 * such a request's bytes do not leave the database */
		if (x->token[0] != '\0' && memmem(r.body, r.len, x->token,
		    strlen(x->token)) != NULL) {
			store_request_clear(&r);
			x->secret++;
			x->payload = pid;
			x->events = cJSON_CreateArray();
			return;
		}
		tt_record_set_request(rec, r.request, r.route);
		rec->ctype = r.content_type;
		r.content_type = NULL;
		memset(&cap, 0, sizeof cap);
		if (ev->capture != NULL && tt_capture_parse(ev->capture,
		    &cap) == 0 && cap.host != NULL)
			rec->host = xstrdup(cap.host);
		tt_capture_free(&cap);
		/* the bytes as received */
		if (r.raw != NULL) {
			rec->body = (unsigned char *)r.raw;
			rec->len = r.raw_len;
			r.raw = NULL;
		} else {
			rec->body = (unsigned char *)r.body;
			rec->len = r.len;
			r.body = NULL;
		}
		store_request_clear(&r);
		x->payload = pid;
	} else {
		x->bodiless++;
		x->payload = 0;
	}
	x->events = cJSON_CreateArray();
}

/* Print the record being filled. */
static void
record_end(struct exporter *x)
{
	cJSON	*o;
	char	*line;
	size_t	 len;

	if (x->events == NULL)
		return;
	o = x->har ? tt_record_har(&x->rec, x->events) :
	    tt_record_json(&x->rec, x->events);
	line = tt_json_line(o, &len);
	if (x->har)
		printf("%s\n    ", x->records > 0 ? "," : "");
	fwrite(line, 1, len, stdout);
	if (!x->har)
		putchar('\n');
	free(line);
	cJSON_Delete(o);
	tt_record_clear(&x->rec);
	x->events = NULL;
	x->records++;
}

static int
export_event(void *arg, const struct tt_event *ev)
{
	struct exporter	*x = arg;
	int64_t		 pid;
	char		*s;

	if ((x->since != 0 && ev->received_at < x->since) ||
	    (x->until != 0 && ev->received_at >= x->until))
		return 0;
	pid = store_event_payload(x->st, ev->id);
	if (x->events == NULL || pid == 0 || pid != x->payload) {
		record_end(x);
		record_start(x, ev, pid);
	}
	s = tt_event_json(ev, NULL);
	cJSON_AddItemToArray(x->events, cJSON_Parse(s));
	free(s);
	x->nevents++;
	return 0;
}

/* --since/--until: a time (RFC 3339 or YYYY-MM-DD), or a span back
 * from now (30m, 2d); -1 if neither. */
static int
parse_when(const char *s, int64_t *us)
{
	int64_t	span;
	char	buf[40];

	if (tt_time_parse(s, us) == 0)
		return 0;
	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
		snprintf(buf, sizeof buf, "%sT00:00:00Z", s);
		return tt_time_parse(buf, us);
	}
	if ((span = tt_parse_duration(s)) > 0) {
		*us = tt_now_us() - span;
		return 0;
	}
	return -1;
}

int
cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_DB,
		{ "filter", required_argument, NULL, 'f' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*export_usage = cli_usage("export");
	struct exporter		 x;
	struct tt_filter	 f;
	const char		*filter = NULL;
	char			*cause = NULL, *path;
	struct cli_where	 where = { NULL, NULL, NULL };
	int			 ch, rc;

	memset(&x, 0, sizeof x);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_where_option(&where, ch, optarg))
			continue;
		switch (ch) {
		case 'f':
			filter = optarg;
			break;
		case 's':
		case 'u':
			if (parse_when(optarg, ch == 's' ? &x.since :
			    &x.until) != 0)
				cli_usage_error(export_usage, "bad --%s '%s': a "
				    "time (2026-12-01, 2026-12-01T10:00:00Z) "
				    "or a span back from now (30m, 2d)",
				    ch == 's' ? "since" : "until", optarg);
			break;
		case 'F':
			if (strcmp(optarg, "har") == 0)
				x.har = 1;
			else if (strcmp(optarg, "jsonl") != 0)
				cli_usage_error(export_usage, "bad --format "
				    "'%s': jsonl or har", optarg);
			break;
		case 'h':
			printf("usage: %s\n\nThe requests the collector "
			    "received, one JSON object a line: received_at,\n"
			    "method, route, content_type, headers "
			    "(content-encoding, user-agent), host (for\n"
			    "captured traffic), body_base64 (the bytes as "
			    "received) and the events it\nproduced.  --format "
			    "har writes HAR 1.2 for browser devtools and "
			    "mitmproxy.\n`teltop import` and `teltop replay` "
			    "read both.\n", export_usage);
			return 0;
		default:
			cli_option_error(export_usage, argv);
		}
	}
	if (optind < argc)
		cli_usage_error(export_usage, "unexpected '%s'", argv[optind]);
	if (filter != NULL && tt_filter_parse(filter, &f, &cause) != 0) {
		fprintf(stderr, "teltop: bad --filter: %s\n", cause);
		free(cause);
		return 2;
	}
	if ((x.st = cli_open_existing(where.db)) == NULL) {
		if (filter != NULL)
			tt_filter_free(&f);
		return 1;
	}
	path = cli_token_path(where.db, 0);
	if (tt_token_load(path, 0, x.token, &cause) != 0) {
		x.token[0] = '\0';
		free(cause);
		cause = NULL;
	}
	free(path);
	if (x.har)
		printf("{\"log\": {\"version\": \"1.2\", \"creator\": "
		    "{\"name\": \"teltop\", \"version\": \"%s\"},\n  "
		    "\"entries\": [", cli_version());
	rc = store_events(x.st, filter != NULL ? &f : NULL, 0, export_event,
	    &x, &cause);
	record_end(&x);
	if (x.har)
		printf("%s]}}\n", x.records > 0 ? "\n  " : "");
	if (filter != NULL)
		tt_filter_free(&f);
	store_close(x.st);
	if (rc != 0) {
		fprintf(stderr, "teltop: %s\n", cause != NULL ? cause : "?");
		free(cause);
		return 1;
	}
	fprintf(stderr, "teltop: %zu requests, %zu events exported", x.records,
	    x.nevents);
	if (x.bodiless > 0)
		fprintf(stderr, "; %zu without their request's bytes (not "
		    "kept), which replay skips", x.bodiless);
	if (x.secret > 0)
		fprintf(stderr, "; %zu without their bytes because they carry "
		    "the control token (PostHog's api_key)", x.secret);
	fprintf(stderr, "\n");
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}

/* ---- reading records back ---- */

/* Read a whole file (or stdin: "-"), at most TT_RECORDS_MAX_FILE bytes. */
static char *
slurp(const char *path, size_t *len, char **cause)
{
	FILE	*f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char	*buf = NULL;
	size_t	 n = 0, cap = 0, got;

	if (f == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - n < 65536) {
			cap = cap == 0 ? 1 << 20 : cap * 2;
			buf = xrealloc(buf, cap + 1);
		}
		if ((got = fread(buf + n, 1, cap - n, f)) == 0)
			break;
		if ((n += got) > TT_RECORDS_MAX_FILE) {
			*cause = xasprintf("%s: larger than 1 GiB", path);
			free(buf);
			if (f != stdin)
				fclose(f);
			return NULL;
		}
	}
	if (ferror(f)) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		free(buf);
		buf = NULL;
	} else {
		buf[n] = '\0';
		*len = n;
	}
	if (f != stdin)
		fclose(f);
	return buf;
}

/* The records of a file; -1 with *cause naming the file and line. */
static int
read_records(const char *path, struct tt_records *rs, char **cause)
{
	char	*text, *why = NULL;
	size_t	 len;
	int	 rc;

	if ((text = slurp(path, &len, cause)) == NULL)
		return -1;
	if ((rc = tt_records_parse(text, len, rs, &why)) != 0) {
		*cause = xasprintf("%s: %s", path, why);
		free(why);
	}
	free(text);
	return rc;
}

/* ---- sending ---- */

struct sender {
	struct httpc	*h;
	const char	*auth;		/* Authorization value, or NULL */
	int		 keep_time;	/* send X-Teltop-Received-At */
	double		 speed;		/* 0: as fast as it goes */
	size_t		 sent, refused, skipped, elsewhere;
	int64_t		 accepted;	/* events the replies accepted */
	char		*first_error;
};

static void
sleep_until(int64_t mono_us)
{
	struct timespec	ts;
	int64_t		us = mono_us - tt_mono_us();

	if (us <= 0)
		return;
	ts.tv_sec = (time_t)(us / 1000000);
	ts.tv_nsec = (long)(us % 1000000) * 1000;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Send every record with a body, paced; counts in s.  0, or -1 when
 * the collector cannot be reached (*cause). */
static int
send_all(struct sender *s, const struct tt_records *rs, char **cause)
{
	struct httpc_req	 q;
	const struct tt_record	*r;
	cJSON			*reply;
	char			 extra[96], *why = NULL;
	int64_t			 t0 = 0, start = tt_mono_us();
	size_t			 i;
	int			 status;

	for (i = 0; i < rs->n; i++) {
		r = &rs->v[i];
		if (r->body == NULL) {
			s->skipped++;
			continue;
		}
		if (t0 == 0)
			t0 = r->received_at;
		if (s->speed > 0 && r->received_at > t0)
			sleep_until(start + (int64_t)((double)(r->received_at -
			    t0) / s->speed));
		memset(&q, 0, sizeof q);
		q.method = "POST";
		/* a WebSocket message: the same body on /v1/events */
		q.path = (r->method != NULL && strcmp(r->method, "WS") == 0) ||
		    strncmp(r->route, "/ws", 3) == 0 ? "/v1/events" : r->route;
		/* telemetry only: a file is no way to reach the control
		 * routes with the token */
		if (!ws_route_ingest(q.path)) {
			s->elsewhere++;
			if (s->first_error == NULL)
				s->first_error = xasprintf("%.100s is not an "
				    "ingest route: not sent", q.path);
			continue;
		}
		q.ctype = r->ctype != NULL && *r->ctype != '\0' ? r->ctype :
		    NULL;
		q.cenc = r->cenc;
		q.agent = r->agent != NULL ? r->agent : "";	/* as it came */
		q.auth = s->auth;
		q.body = r->body;
		q.len = r->len;
		if (s->keep_time) {
			snprintf(extra, sizeof extra, "X-Teltop-Received-At: "
			    "%lld\r\n", (long long)r->received_at);
			q.extra = extra;
		}
		if ((status = httpc_request(s->h, &q, SEND_TIMEOUT_MS,
		    &why)) < 0) {
			*cause = xasprintf("%s: %s", httpc_where(s->h), why);
			free(why);
			return -1;
		}
		s->sent++;
		if (status / 100 != 2) {
			s->refused++;
			if (s->first_error == NULL)
				s->first_error = xasprintf("%s %s: %d %.200s",
				    q.method, q.path, status, httpc_body(s->h));
			continue;
		}
		reply = cJSON_Parse(httpc_body(s->h));
		if (cJSON_IsNumber(cJSON_GetObjectItem(reply, "accepted")))
			s->accepted += (int64_t)cJSON_GetObjectItem(reply,
			    "accepted")->valuedouble;
		cJSON_Delete(reply);
	}
	return 0;
}

/* What was sent, to stderr; 0 when nothing was refused. */
static int
report(const char *what, const struct sender *s, const struct tt_records *rs)
{
	size_t	i, expected = 0;

	for (i = 0; i < rs->n; i++)
		if (rs->v[i].body != NULL)
			expected += rs->v[i].events;
	fprintf(stderr, "teltop: %s %zu requests, %lld events accepted (%zu "
	    "when first received)", what, s->sent - s->refused,
	    (long long)s->accepted, expected);
	if (s->skipped > 0)
		fprintf(stderr, "; %zu records without their bytes skipped",
		    s->skipped);
	fprintf(stderr, "\n");
	if (s->refused + s->elsewhere > 0)
		fprintf(stderr, "teltop: %zu refused, the first: %s\n",
		    s->refused + s->elsewhere, s->first_error);
	return s->refused + s->elsewhere > 0 ? 1 : 0;
}

int
cmd_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_URL,
		{ "speed", required_argument, NULL, 's' },
		{ "token", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*replay_usage = cli_usage("replay");
	struct sender	 s;
	struct tt_records	 rs;
	char		*url, *cause = NULL, *auth = NULL, *end;
	struct cli_where	 where = { NULL, NULL, NULL };
	int		 ch, rc;

	memset(&s, 0, sizeof s);
	memset(&rs, 0, sizeof rs);
	s.speed = 1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_where_option(&where, ch, optarg))
			continue;
		switch (ch) {
		case 's':
			if (strcmp(optarg, "max") == 0)
				s.speed = 0;
			else if ((s.speed = strtod(optarg, &end)) <= 0 ||
			    *end != '\0' || s.speed > 1e6)
				cli_usage_error(replay_usage, "bad --speed '%s': "
				    "1 (as received), 10 (ten times faster) "
				    "or max", optarg);
			break;
		case 't':
			free(auth);
			auth = xasprintf("Bearer %s", optarg);
			break;
		case 'h':
			printf("usage: %s\n\nSends each request of FILE "
			    "(`teltop export`, or HAR) to its route on\nthe "
			    "collector at URL (default http://%s), byte for "
			    "byte, with its content\ntype, encoding and user "
			    "agent; at --speed 1 with the pauses it came "
			    "with.\n", replay_usage, cli_listen(NULL));
			free(auth);
			return 0;
		default:
			cli_option_error(replay_usage, argv);
		}
	}
	if (optind != argc - 1)
		cli_usage_error(replay_usage, "one FILE (- for stdin)");
	url = cli_where_url(&where, "http", "");
	s.auth = auth;
	rc = 1;
	if (read_records(argv[optind], &rs, &cause) != 0)
		goto done;
	if ((s.h = httpc_new(url, 5000, &cause)) == NULL)
		goto done;
	if (send_all(&s, &rs, &cause) != 0)
		goto done;
	rc = report("replayed", &s, &rs);
done:
	if (cause != NULL) {
		fprintf(stderr, "teltop: %s\n", cause);
		free(cause);
	}
	httpc_free(s.h);
	tt_records_clear(&rs);
	free(s.first_error);
	free(url);
	free(auth);
	return rc;
}

/* ---- import: a collector of its own, and a thread that sends ---- */

struct importer {
	struct sender	 s;
	const struct tt_records *rs;
	char		*cause;
	int		 rc;
	_Atomic int	 done;
	struct ws	*ws;
};

static void *
import_main(void *arg)
{
	struct importer	*im = arg;

	im->rc = send_all(&im->s, im->rs, &im->cause);
	atomic_store(&im->done, 1);
	ws_wake(im->ws);
	return NULL;
}

/* The collector's lines: only what went wrong is worth saying here. */
static void
import_log(void *arg, const char *line)
{
	(void)arg;
	if (strstr(line, "failed") != NULL || strstr(line, "cannot") != NULL)
		fprintf(stderr, "teltop: %s\n", line);
}

int
cmd_import(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_DB,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*import_usage = cli_usage("import");
	struct importer	 im;
	struct collector co;
	struct tt_records	 rs;
	pthread_t	 th;
	char		*cause = NULL, *url, auth[TT_TOKEN_LEN + 16];
	struct cli_where	 where = { NULL, NULL, NULL };
	int		 ch, rc = 1;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_where_option(&where, ch, optarg))
			continue;
		switch (ch) {
		case 'h':
			printf("usage: %s\n\nReads FILE (`teltop export`, or "
			    "HAR) into the database: each request\nthrough "
			    "the same decoders, opt-out and privacy findings "
			    "as live traffic, with\nthe time it was first "
			    "received.\n", import_usage);
			return 0;
		default:
			cli_option_error(import_usage, argv);
		}
	}
	if (optind != argc - 1)
		cli_usage_error(import_usage, "one FILE (- for stdin)");
	memset(&rs, 0, sizeof rs);
	if (read_records(argv[optind], &rs, &cause) != 0) {
		fprintf(stderr, "teltop: %s\n", cause);
		free(cause);
		return 1;
	}
	memset(&co, 0, sizeof co);
	co.opts.otlp_grpc = "off";
	co.opts.retain_set = 1;		/* old events are what is asked for */
	co.opts.unannounced = 1;	/* a UI finds the collector there is */
	co.log = import_log;
	if (collector_open(&co, where.db, "127.0.0.1:0", &cause) != 0) {
		fprintf(stderr, "teltop: %s\n", cause);
		free(cause);
		collector_close(&co);
		tt_records_clear(&rs);
		return 1;
	}
	if (co.token[0] == '\0') {
		fprintf(stderr, "teltop: no control token beside the database, "
		    "so the times received cannot be kept\n");
		collector_close(&co);
		tt_records_clear(&rs);
		return 1;
	}
	memset(&im, 0, sizeof im);
	im.rs = &rs;
	im.ws = co.ws;
	im.s.keep_time = 1;
	snprintf(auth, sizeof auth, "Bearer %s", co.token);
	im.s.auth = auth;
	url = xasprintf("http://127.0.0.1:%d", collector_port(&co));
	if ((im.s.h = httpc_new(url, 5000, &cause)) == NULL ||
	    pthread_create(&th, NULL, import_main, &im) != 0) {
		fprintf(stderr, "teltop: %s\n", cause != NULL ? cause :
		    "cannot start a thread");
		free(cause);
		goto done;
	}
	while (!atomic_load(&im.done))
		if (ws_service(co.ws, 200) < 0)
			break;
	pthread_join(th, NULL);
	if (im.rc != 0) {
		fprintf(stderr, "teltop: %s\n", im.cause);
		free(im.cause);
	} else
		rc = report("imported", &im.s, &rs);
done:
	httpc_free(im.s.h);
	free(im.s.first_error);
	free(url);
	collector_close(&co);
	tt_records_clear(&rs);
	return rc;
}
