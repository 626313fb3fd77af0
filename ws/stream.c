/*
 * GET /v1/stream: viewers subscribed to what the collector commits.
 *
 * Every committed event becomes one message, the object `teltop events`
 * prints, on one queue all viewers read from; each viewer has its place in
 * it.  A viewer that falls more than STREAM_BEHIND_MAX bytes behind skips
 * the oldest of what it has not read, and is told how many events it
 * missed ({"type":"dropped","events":N}) before the next one: the
 * queue never grows for a slow reader, and ingest never waits for one.  A
 * message is freed once every viewer is past it, so the queue holds at
 * most what the furthest-behind viewer may.
 *
 * A viewer that asks for ?stats=1 is sent the collector's stats model
 * first (in its hello) and the delta each event made to it after the
 * event, so that it can keep the same model; once a second every viewer
 * is sent the collector's status (counters, connections, the opt-out
 * registry).
 */
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "core/eventjson.h"
#include "core/stats.h"
#include "core/xmalloc.h"
#include "ws_int.h"

#define STREAM_BEHIND_MAX	(4u * 1024 * 1024)	/* bytes a viewer */
#define STREAM_STATUS_US	1000000			/* status interval */

enum smsg_kind {
	SM_EVENT,	/* to every viewer, counted when dropped */
	SM_DELTA,	/* to viewers with ?stats=1 only */
	SM_STATUS	/* to every viewer */
};

struct smsg {
	struct smsg	*next;
	enum smsg_kind	 kind;
	uint64_t	 off;		/* bytes published before this one */
	size_t		 len;
	unsigned char	 buf[];		/* the text */
};

struct viewer {
	struct viewer	*next, *prev;
	struct lws	*wsi;
	struct smsg	*pos;		/* the next to send; NULL: caught up */
	int		 stats;		/* sent deltas */
	char		*hello;		/* to send first, or NULL */
	int64_t		 missed;	/* events skipped, not told yet */
	int		 armed;		/* a writable callback is asked for */
};

struct stream {
	struct ws	*ws;
	struct viewer	*viewers;
	int		 n;
	int		 nstats;	/* of them with ?stats=1 */
	struct smsg	*head, *tail;
	uint64_t	 published;	/* bytes */
	int64_t		 dropped;	/* events skipped, all viewers */
	lws_sorted_usec_list_t status_sul;
	int		 status_armed;
	int		 stopped;	/* the context is going */
};

static struct stream *
stream_of(struct ws *ws)
{
	if (ws->stream == NULL) {
		ws->stream = xcalloc(1, sizeof *ws->stream);
		ws->stream->ws = ws;
	}
	return ws->stream;
}

/* Free the messages every viewer is past. */
static void
trim(struct stream *s)
{
	struct smsg	*m;
	struct viewer	*v;

	while ((m = s->head) != NULL) {
		for (v = s->viewers; v != NULL; v = v->next)
			if (v->pos != NULL && v->pos->off <= m->off)
				return;
		s->head = m->next;
		if (s->head == NULL)
			s->tail = NULL;
		free(m);
	}
}

/* Bytes v has not read yet. */
static uint64_t
behind(const struct stream *s, const struct viewer *v)
{
	return v->pos == NULL ? 0 : s->published - v->pos->off;
}

/* Ask lws for v's next writable turn, once until it comes. */
static void
want_writable(struct viewer *v)
{
	if (!v->armed) {
		v->armed = 1;
		lws_callback_on_writable(v->wsi);
	}
}

static void
publish(struct stream *s, enum smsg_kind kind, const char *text, size_t len)
{
	struct smsg	*m = xmalloc(sizeof *m + len);
	struct viewer	*v;

	m->next = NULL;
	m->kind = kind;
	m->off = s->published;
	m->len = len;
	memcpy(m->buf, text, len);
	if (s->tail != NULL)
		s->tail->next = m;
	else
		s->head = m;
	s->tail = m;
	s->published += len;
	for (v = s->viewers; v != NULL; v = v->next) {
		if (v->pos == NULL)
			v->pos = m;
		/* too far behind: skip its oldest, counting the events */
		while (behind(s, v) > STREAM_BEHIND_MAX && v->pos != m) {
			if (v->pos->kind == SM_EVENT) {
				v->missed++;
				s->dropped++;
			}
			v->pos = v->pos->next;
			/* an event's delta goes with it */
			while (v->pos != m && v->pos->kind == SM_DELTA)
				v->pos = v->pos->next;
		}
		want_writable(v);
	}
	trim(s);
}

void
ws_stream_event(struct ws *ws, const struct tt_event *ev,
    const struct tt_stats_delta *d)
{
	struct stream	*s = ws->stream;
	char		*text, *dj;
	size_t		 len;

	if (s == NULL || s->n == 0)
		return;
	text = tt_event_json(ev, &len);
	publish(s, SM_EVENT, text, len);
	free(text);
	if (s->nstats == 0 || d == NULL)
		return;
	dj = tt_delta_json(d, NULL);
	text = xasprintf("{\"type\":\"delta\",\"id\":%lld,\"delta\":%s}",
	    (long long)ev->id, dj);
	publish(s, SM_DELTA, text, strlen(text));
	free(dj);
	free(text);
}

void
ws_stream_status(struct ws *ws)
{
	struct stream	*s = ws->stream;
	char		*text;

	if (s == NULL || s->n == 0 || ws->cfg.sink.stream_status == NULL)
		return;
	text = ws->cfg.sink.stream_status(ws->cfg.sink.arg);
	publish(s, SM_STATUS, text, strlen(text));
	free(text);
}

static void
status_cb(lws_sorted_usec_list_t *sul)
{
	struct stream	*s = lws_container_of(sul, struct stream, status_sul);

	s->status_armed = 0;
	if (s->n == 0 || s->stopped)
		return;
	ws_stream_status(s->ws);
	lws_sul_schedule(s->ws->ctx, 0, &s->status_sul, status_cb,
	    STREAM_STATUS_US);
	s->status_armed = 1;
}

int
viewers_full(struct ws *ws)
{
	return ws->stream != NULL && ws->stream->n >= STREAM_VIEWERS_MAX;
}

struct viewer *
viewer_open(struct ws *ws, struct lws *wsi, int with_stats)
{
	struct stream	*s = stream_of(ws);
	struct viewer	*v = xcalloc(1, sizeof *v);

	v->wsi = wsi;
	v->stats = with_stats;
	v->hello = ws->cfg.sink.stream_hello != NULL ?
	    ws->cfg.sink.stream_hello(ws->cfg.sink.arg, with_stats) :
	    xstrdup("{\"type\":\"hello\"}");
	v->next = s->viewers;
	if (s->viewers != NULL)
		s->viewers->prev = v;
	s->viewers = v;
	s->n++;
	s->nstats += with_stats != 0;
	want_writable(v);
	if (!s->status_armed && !s->stopped) {
		lws_sul_schedule(ws->ctx, 0, &s->status_sul, status_cb,
		    STREAM_STATUS_US);
		s->status_armed = 1;
	}
	return v;
}

void
viewer_close(struct ws *ws, struct viewer *v)
{
	struct stream	*s = ws->stream;

	if (v->prev != NULL)
		v->prev->next = v->next;
	else
		s->viewers = v->next;
	if (v->next != NULL)
		v->next->prev = v->prev;
	s->n--;
	s->nstats -= v->stats != 0;
	free(v->hello);
	free(v);
	trim(s);
}

/* Send text (copied behind LWS_PRE): -1 when the connection failed. */
static int
send_text(struct lws *wsi, const char *text, size_t len)
{
	unsigned char	*out = xmalloc(LWS_PRE + len);
	int		 n;

	memcpy(out + LWS_PRE, text, len);
	n = lws_write(wsi, out + LWS_PRE, len, LWS_WRITE_TEXT);
	free(out);
	return n < (int)len ? -1 : 0;
}

/* A server's text frame header (unmasked) for len bytes: its length. */
static size_t
frame_head(unsigned char *h, size_t len)
{
	int	i;

	h[0] = 0x81;		/* FIN, text */
	if (len < 126) {
		h[1] = (unsigned char)len;
		return 2;
	}
	if (len <= 0xffff) {
		h[1] = 126;
		h[2] = (unsigned char)(len >> 8);
		h[3] = (unsigned char)len;
		return 4;
	}
	h[1] = 127;
	for (i = 0; i < 8; i++)
		h[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
	return 10;
}

/*
 * The next messages v has not read, as many as fit in STREAM_WRITE_MAX
 * (one at least), framed and sent in one write: a syscall a message
 * would cost ingest more than the serialising does.  lws keeps what the
 * socket does not take and asks for the next turn when it is gone.
 */
static int
send_batch(struct stream *s, struct viewer *v)
{
	struct smsg	*m, *end;
	unsigned char	*out;
	size_t		 total = 0, n = 0, off;

	for (m = v->pos; m != NULL; m = m->next) {
		if (m->kind == SM_DELTA && !v->stats)
			continue;
		if (n > 0 && total + m->len + 10 > STREAM_WRITE_MAX)
			break;
		total += m->len + 10;
		n++;
	}
	end = m;
	if (n == 0) {
		v->pos = NULL;
		trim(s);
		return 0;
	}
	out = xmalloc(LWS_PRE + total);
	off = LWS_PRE;
	for (m = v->pos; m != end; m = m->next) {
		if (m->kind == SM_DELTA && !v->stats)
			continue;
		off += frame_head(out + off, m->len);
		memcpy(out + off, m->buf, m->len);
		off += m->len;
	}
	n = off - LWS_PRE;
	if (lws_write(v->wsi, out + LWS_PRE, n, LWS_WRITE_RAW) < (int)n) {
		free(out);
		return -1;
	}
	free(out);
	v->pos = end;
	trim(s);
	return 0;
}

int
viewer_writeable(struct ws *ws, struct viewer *v)
{
	struct stream	*s = ws->stream;
	char		 note[80];

	v->armed = 0;
	if (v->hello != NULL) {
		if (send_text(v->wsi, v->hello, strlen(v->hello)) != 0)
			return -1;
		free(v->hello);
		v->hello = NULL;
	} else if (v->missed > 0) {
		snprintf(note, sizeof note, "{\"type\":\"dropped\","
		    "\"events\":%lld}", (long long)v->missed);
		if (send_text(v->wsi, note, strlen(note)) != 0)
			return -1;
		v->missed = 0;
	} else if (send_batch(s, v) != 0)
		return -1;
	if (v->hello != NULL || v->missed > 0 || v->pos != NULL)
		want_writable(v);
	return 0;
}

int
ws_stream_viewers(const struct ws *ws)
{
	return ws->stream != NULL ? ws->stream->n : 0;
}

int64_t
ws_stream_dropped(const struct ws *ws)
{
	return ws->stream != NULL ? ws->stream->dropped : 0;
}

void
viewers_quiesce(struct ws *ws)
{
	if (ws->stream != NULL && ws->stream->status_armed) {
		lws_sul_cancel(&ws->stream->status_sul);
		ws->stream->status_armed = 0;
	}
	if (ws->stream != NULL)
		ws->stream->stopped = 1;
}

void
viewers_free(struct ws *ws)
{
	struct stream	*s = ws->stream;
	struct viewer	*v, *vnext;
	struct smsg	*m, *next;

	if (s == NULL)
		return;
	for (v = s->viewers; v != NULL; v = vnext) {
		vnext = v->next;
		free(v->hello);
		free(v);
	}
	for (m = s->head; m != NULL; m = next) {
		next = m->next;
		free(m);
	}
	free(s);
	ws->stream = NULL;
}
