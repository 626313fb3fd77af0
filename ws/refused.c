/*
 * Nothing refused in silence: every request (or item of a body) teltop
 * does not take is counted by route and reason (/metrics, and through the
 * sink into the database for `teltop stats`), logged once per (route,
 * reason) a minute with what it began with, and kept, the last
 * REFUSED_RECENT of them, for the UI's list.  A user who points an SDK
 * teltop does not speak at it sees at once why nothing arrives.
 *
 * Routes are the route table's paths; a path no route serves is counted
 * under its own name, up to REFUSED_KEYS names in all, then as "other", so
 * that a scan of random paths cannot grow the table or the metrics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/decode.h"
#include "core/xmalloc.h"
#include "ws_int.h"

#define REFUSED_KEYS	64		/* (route, reason) pairs apart */
#define REFUSED_RECENT	32		/* refusals kept for the UI */
#define REFUSED_HEAD	48		/* body bytes shown */
#define REFUSED_LOG_US	(60 * 1000000LL)	/* one log line a key a minute */

struct refused_key {
	char		 route[80];
	enum tt_counter	 reason;
	int64_t		 count;
	int64_t		 logged_at;	/* µs; 0: never */
	int64_t		 quiet;		/* refused since, not logged */
};

struct refused {
	struct refused_key	 keys[REFUSED_KEYS];
	size_t			 nkeys;
	struct tt_refusal	 recent[REFUSED_RECENT];
	size_t			 next;		/* where the next one goes */
	size_t			 nrecent;
};

struct refused *
refused_new(void)
{
	return xcalloc(1, sizeof(struct refused));
}

void
refused_free(struct refused *r)
{
	free(r);
}

/* Copy s into a route name: printable ASCII, no quote or backslash. */
static void
route_name(char *out, size_t cap, const char *s)
{
	size_t	i;

	for (i = 0; s != NULL && s[i] != '\0' && s[i] != '?' && i + 1 < cap;
	    i++)
		out[i] = s[i] > 0x20 && s[i] < 0x7f && s[i] != '"' &&
		    s[i] != '\\' ? s[i] : '_';
	out[i] = '\0';
	if (i == 0)
		snprintf(out, cap, "-");
}

/* The bytes p[0..n) as text: printable ASCII as it is, others as \xNN. */
static void
head_text(char *out, size_t cap, const uint8_t *p, size_t n)
{
	static const char	 hexd[] = "0123456789abcdef";
	size_t			 i, o = 0;

	for (i = 0; i < n && i < REFUSED_HEAD && o + 5 < cap; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			out[o++] = (char)p[i];
		else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hexd[p[i] >> 4];
			out[o++] = hexd[p[i] & 15];
		}
	}
	if (i < n && o + 4 < cap) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* The key of (route, reason), made if there is room; else "other"'s. */
static struct refused_key *
key_of(struct refused *r, const char *route, enum tt_counter reason)
{
	struct refused_key	*k;
	size_t			 i;

	for (i = 0; i < r->nkeys; i++)
		if (r->keys[i].reason == reason &&
		    strcmp(r->keys[i].route, route) == 0)
			return &r->keys[i];
	/* the last slot is kept for "other" */
	if (r->nkeys + 1 < REFUSED_KEYS || strcmp(route, "other") == 0) {
		k = &r->keys[r->nkeys++];
		snprintf(k->route, sizeof k->route, "%s", route);
		k->reason = reason;
		return k;
	}
	return key_of(r, "other", reason);
}

void
ws_refused(struct ws *ws, const struct ws_refuse *w)
{
	struct refused		*r = ws->refused;
	struct refused_key	*k;
	struct tt_refusal	*e;
	char			 route[80], when[16], more[80];
	int64_t			 now = tt_now_us();
	const char		*reason = tt_counter_reason(w->reason);
	time_t			 t;
	struct tm		 tm;

	if (w->n <= 0 || reason == NULL)
		return;
	count(ws, w->reason, w->n);
	route_name(route, sizeof route, w->route);
	k = key_of(r, route, w->reason);
	k->count += w->n;
	if (ws->cfg.sink.refused != NULL)
		ws->cfg.sink.refused(ws->cfg.sink.arg, k->route, reason, w->n);
	e = &r->recent[r->next];
	r->next = (r->next + 1) % REFUSED_RECENT;
	if (r->nrecent < REFUSED_RECENT)
		r->nrecent++;
	memset(e, 0, sizeof *e);
	e->at = now;
	e->status = w->status;
	e->n = w->n;
	snprintf(e->method, sizeof e->method, "%s",
	    w->method != NULL ? w->method : "");
	snprintf(e->route, sizeof e->route, "%s", route);
	snprintf(e->reason, sizeof e->reason, "%s", reason);
	snprintf(e->why, sizeof e->why, "%s", w->why != NULL ? w->why : "");
	if (w->head != NULL)
		head_text(e->head, sizeof e->head, w->head, w->head_len);
	/* once a minute a key; the lines between are summed up after */
	if (k->logged_at != 0 && now - k->logged_at < REFUSED_LOG_US) {
		k->quiet += w->n;
		return;
	}
	more[0] = '\0';
	if (k->quiet > 0) {
		t = (time_t)(k->logged_at / 1000000);
		when[0] = '\0';
		if (localtime_r(&t, &tm) != NULL)
			strftime(when, sizeof when, "%H:%M:%S", &tm);
		snprintf(more, sizeof more, "; and %lld more like it since %s",
		    (long long)k->quiet, when);
	}
	wlog(ws, "%s %s %s: %d %s (%s)%s%s%s", w->peer != NULL ? w->peer :
	    "-", e->method, w->route != NULL ? w->route : "-", w->status,
	    e->why, reason, e->head[0] != '\0' ? "; body: " : "", e->head,
	    more);
	k->logged_at = now;
	k->quiet = 0;
}

size_t
ws_refusals(const struct ws *ws, struct tt_refusal *out, size_t max)
{
	const struct refused	*r = ws->refused;
	size_t			 i, n = 0, at;

	for (i = 0; i < r->nrecent && n < max; i++) {
		at = (r->next + REFUSED_RECENT - 1 - i) % REFUSED_RECENT;
		out[n++] = r->recent[at];
	}
	return n;
}

char *
refused_metrics(const struct ws *ws, char *s)
{
	const struct refused	*r = ws->refused;
	char			*t;
	size_t			 i;

	t = xasprintf("%s# HELP teltop_route_rejections_total Requests and "
	    "items refused, by route and reason.\n"
	    "# TYPE teltop_route_rejections_total counter\n", s);
	free(s);
	s = t;
	for (i = 0; i < r->nkeys; i++) {
		t = xasprintf("%steltop_route_rejections_total{route=\"%s\","
		    "reason=\"%s\"} %lld\n", s, r->keys[i].route,
		    tt_counter_reason(r->keys[i].reason),
		    (long long)r->keys[i].count);
		free(s);
		s = t;
	}
	return s;
}
