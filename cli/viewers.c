/*
 * What the collector tells its viewers (ws/stream.c and the GET routes of
 * ws/server.c): the hello with the stats model, the status once a second,
 * history pages and payloads, all from this collector's store and model.
 * `teltop watch` and an attached `teltop` read them (cli/watch.c).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>
#include <libwebsockets.h>

#include "core/decode.h"
#include "core/eventjson.h"
#include "core/filter.h"
#include "core/optout.h"
#include "core/stats.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "ws/body.h"
#include "ws/ws.h"
#include "collector.h"

/* A page for a viewer is read on the loop that serves ingest: at most
 * this long. */
#define HISTORY_BUDGET_US	(500 * 1000)

/* Bytes of one history page: a page of big events is shorter. */
#define HISTORY_PAGE_MAX	(16u * 1024 * 1024)

static int
history_within(struct collector *co, const char *filter, int64_t now,
    int64_t before, int n, int64_t budget_us,
    int (*cb)(void *, const struct tt_event *), void *arg, char **cause)
{
	struct tt_filter	 f;
	char			*text;
	int			 rc;

	text = before > 0 ? xasprintf("%s id<%lld", filter,
	    (long long)before) : xstrdup(filter);
	memset(&f, 0, sizeof f);
	rc = tt_filter_parse_at(text, now, &f, cause);
	free(text);
	if (rc != 0)
		return -2;
	rc = budget_us > 0 ? store_events_within(co->store, &f, n, budget_us,
	    cb, arg, cause) : store_events(co->store, &f, n, cb, arg, cause);
	tt_filter_free(&f);
	return rc == -2 ? -3 : rc;
}

int
collector_history(struct collector *co, const char *filter, int64_t now,
    int64_t before, int n, int (*cb)(void *, const struct tt_event *),
    void *arg, char **cause)
{
	return history_within(co, filter, now, before, n, 0, cb, arg, cause);
}

/* The status: this collector's counts, the database's counters, the
 * registry with its proof. */
static cJSON *
status_object(struct collector *co)
{
	const struct tt_counters	*c = ws_counters(co->ws);
	struct tt_counters		 db;
	struct tt_optout		 reg;
	cJSON				*o = cJSON_CreateObject(), *m;
	char				*s;
	int				 i;

	cJSON_AddStringToObject(o, "type", "status");
	cJSON_AddNumberToObject(o, "received", (double)c->v[TT_CTR_RECEIVED]);
	cJSON_AddNumberToObject(o, "accepted", (double)c->v[TT_CTR_ACCEPTED]);
	cJSON_AddNumberToObject(o, "stored", (double)collector_stored(co));
	cJSON_AddNumberToObject(o, "dropped",
	    (double)c->v[TT_CTR_DROPPED_OPTOUT]);
	cJSON_AddNumberToObject(o, "rejected",
	    (double)tt_counters_rejected(c));
	cJSON_AddNumberToObject(o, "evicted", (double)c->v[TT_CTR_EVICTED]);
	cJSON_AddNumberToObject(o, "disk_free",
	    (double)collector_disk_free(co));
	cJSON_AddNumberToObject(o, "connections",
	    (double)ws_connections(co->ws));
	cJSON_AddNumberToObject(o, "last_id", (double)co->last_id);
	if (collector_peers(co) != NULL)	/* a store shared with others */
		cJSON_AddStringToObject(o, "collectors", collector_peers(co));
	if (store_counters(co->store, &db) != 0)
		memset(&db, 0, sizeof db);
	store_counters_queued(co->store, &db);
	m = cJSON_AddObjectToObject(o, "counters");
	for (i = 0; i < TT_CTR_COUNT; i++)
		if (db.v[i] != 0)
			cJSON_AddNumberToObject(m, tt_counter_name(
			    (enum tt_counter)i), (double)db.v[i]);
	tt_optout_init(&reg);
	collector_optout_snapshot(co, &reg);
	s = tt_optout_json(&reg, NULL, NULL);
	tt_optout_clear(&reg);
	cJSON_AddItemToObject(o, "optout", cJSON_Parse(s));
	free(s);
	return o;
}

static char *
sink_status(void *arg)
{
	cJSON	*o = status_object(arg);
	char	*s = tt_json_line(o, NULL);

	cJSON_Delete(o);
	return s;
}

static char *
sink_hello(void *arg, int with_stats)
{
	struct collector	*co = arg;
	cJSON			*o = cJSON_CreateObject();
	char			 where[300], *s;

	cJSON_AddStringToObject(o, "type", "hello");
	snprintf(where, sizeof where, "%s:%d", co->host, collector_port(co));
	cJSON_AddStringToObject(o, "listen", where);
	cJSON_AddNumberToObject(o, "last_id", (double)co->last_id);
	cJSON_AddItemToObject(o, "status", status_object(co));
	if (with_stats)
		cJSON_AddItemToObject(o, "stats", tt_stats_dump(co->stats));
	s = tt_json_line(o, NULL);
	cJSON_Delete(o);
	return s;
}

static int
add_line(void *arg, const struct tt_event *ev)
{
	struct tt_buf	*b = arg;
	char		*s, *nl;
	size_t		 len, cut;

	s = tt_event_json(ev, &len);
	/* a page too big for its bytes keeps its newest events: the viewer
	 * pages back from the oldest it got */
	while (b->len > 0 && b->len + len + 1 > b->max) {
		nl = memchr(b->p, '\n', b->len);
		cut = nl != NULL ? (size_t)(nl - (char *)b->p) + 1 : b->len;
		memmove(b->p, b->p + cut, b->len - cut);
		b->len -= cut;
	}
	(void)buf_append(b, s, len);
	(void)buf_append(b, "\n", 1);
	free(s);
	return 0;
}

static char *
sink_history(void *arg, const char *filter, int64_t now, int64_t before,
    int n, int *status, char **cause)
{
	struct tt_buf	 b;
	char		*out;
	int		 rc;

	buf_init(&b, HISTORY_PAGE_MAX);
	if ((rc = history_within(arg, filter, now, before, n,
	    HISTORY_BUDGET_US, add_line, &b, cause)) != 0) {
		/* -2: the filter's fault; -3: too slow */
		*status = rc == -2 ? 400 : 503;
		buf_free(&b);
		return NULL;
	}
	out = xmalloc(b.len + 1);
	if (b.len > 0)
		memcpy(out, b.p, b.len);
	out[b.len] = '\0';
	buf_free(&b);
	return out;
}

static char *
sink_payload(void *arg, int64_t id, int *status, char **cause)
{
	struct collector	*co = arg;
	char			*body, *route, *ctype, *b64, *s;
	size_t			 len, cap;
	cJSON			*o;

	if (store_payload(co->store, id, &body, &len, &route, &ctype) != 0) {
		*status = 404;
		*cause = xasprintf("no request is kept for event %lld",
		    (long long)id);
		return NULL;
	}
	cap = (len + 2) / 3 * 4 + 4;
	b64 = xmalloc(cap);
	if (lws_b64_encode_string(body, (int)len, b64, (int)cap) < 0)
		b64[0] = '\0';
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddStringToObject(o, "route", route != NULL ? route : "");
	cJSON_AddStringToObject(o, "content_type", ctype != NULL ? ctype : "");
	cJSON_AddNumberToObject(o, "length", (double)len);
	cJSON_AddStringToObject(o, "body_base64", b64);
	s = tt_json_line(o, NULL);
	cJSON_Delete(o);
	free(b64);
	free(body);
	free(route);
	free(ctype);
	return s;
}

static char *
sink_fields(void *arg, const char *source, const char *name,
    const char *version, int *status, char **cause)
{
	struct collector	*co = arg;
	struct tt_field_rows	 rows;
	struct tt_buf		 b;
	char			*line, *out = NULL;
	size_t			 i, len;
	int			 ok = 1;

	memset(&rows, 0, sizeof rows);
	if (store_fields(co->store, source, name, version, &rows,
	    cause) != 0) {
		*status = 503;
		return NULL;
	}
	buf_init(&b, HISTORY_PAGE_MAX);
	for (i = 0; i < rows.n && ok; i++) {
		line = tt_field_row_json(&rows.v[i], &len);
		ok = buf_append(&b, line, len) == 0 &&
		    buf_append(&b, "\n", 1) == 0;
		free(line);
	}
	tt_field_rows_clear(&rows);
	if (!ok) {
		*status = 413;
		*cause = xasprintf("more fields than one reply holds: ask "
		    "for one source or event name");
	} else {
		out = xmalloc(b.len + 1);
		if (b.len > 0)
			memcpy(out, b.p, b.len);
		out[b.len] = '\0';
	}
	buf_free(&b);
	return out;
}

void
collector_viewers_init(struct collector *co, struct ws_sink *sink)
{
	(void)co;
	sink->stream_hello = sink_hello;
	sink->stream_status = sink_status;
	sink->history = sink_history;
	sink->payload = sink_payload;
	sink->fields = sink_fields;
}

/* ---- which collector holds a database ---- */

#define ANNOUNCE_FILE	"collector"	/* next to the database */

static char *
announce_path(const char *db)
{
	const char	*slash = strrchr(db, '/');

	if (slash == NULL)
		return xstrdup(ANNOUNCE_FILE);
	return xasprintf("%.*s/%s", (int)(slash - db), db, ANNOUNCE_FILE);
}

void
collector_announce(struct collector *co)
{
	char	*path = announce_path(co->files), *tmp, line[320];
	int	 fd, n, ok = 0;

	tmp = xasprintf("%s.%ld", path, (long)getpid());
	n = snprintf(line, sizeof line, "%s:%d %ld\n", co->host,
	    collector_port(co), (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) >= 0) {
		ok = write(fd, line, (size_t)n) == n;
		ok = close(fd) == 0 && ok;
	}
	if (!ok || rename(tmp, path) != 0)
		(void)unlink(tmp);	/* not known: a UI then fails to
					   listen and says so */
	free(tmp);
	free(path);
}

/* The address and pid the file names; 0 when it names one. */
static int
announced(const char *path, char *addr, size_t len, long *pid)
{
	char	 buf[320], *sp, *end;
	FILE	*f;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof buf, f) == NULL) {
		fclose(f);
		return -1;
	}
	fclose(f);
	if ((sp = strchr(buf, ' ')) == NULL || (size_t)(sp - buf) >= len)
		return -1;
	errno = 0;
	*pid = strtol(sp + 1, &end, 10);
	if (errno != 0 || *pid <= 0 || (*end != '\n' && *end != '\0'))
		return -1;
	memcpy(addr, buf, (size_t)(sp - buf));
	addr[sp - buf] = '\0';
	return 0;
}

void
collector_unannounce(struct collector *co)
{
	char	*path, addr[300];
	long	 pid;

	if (co->files == NULL)
		return;
	path = announce_path(co->files);
	if (announced(path, addr, sizeof addr, &pid) == 0 &&
	    pid == (long)getpid())
		(void)unlink(path);
	free(path);
}

char *
collector_holding(const char *db)
{
	char	*path = announce_path(db), addr[300], *colon;
	long	 pid;
	int	 rc;

	rc = announced(path, addr, sizeof addr, &pid);
	free(path);
	/* none, gone, or another user's process that took its pid */
	if (rc != 0 || pid == (long)getpid() || kill((pid_t)pid, 0) != 0)
		return NULL;
	/* one listening on every address is reached on loopback; an IPv6
	 * one is not attached to (a viewer takes HOST:PORT of IPv4) */
	if ((colon = strchr(addr, ':')) == NULL || strchr(colon + 1, ':'))
		return NULL;
	if (colon == addr || strncmp(addr, "0.0.0.0:", 8) == 0)
		return xasprintf("127.0.0.1%s", colon);
	return xstrdup(addr);
}
