/*
 * Decoding off the service thread.  cJSON and protobuf-c parse a whole
 * document at once, so a 20 MiB body would hold the loop (and /healthz,
 * the UI, every other sender) for as long as it takes; bodies above
 * INLINE_DECODE_MAX are decoded here instead, one at a time, and handed
 * back with ws_post().
 *
 * What runs here touches nothing shared: the job's own bytes, core/'s pure
 * decoders, and the sink's prepare() (documented as safe on any thread).
 * Jobs are created and freed on the service thread only.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/auth.h"
#include "core/decode.h"
#include "core/xmalloc.h"
#include "ws_int.h"

struct worker {
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct decode_job	**q;	/* FIFO of jobs to decode */
	size_t			 n, cap, head;
	int			 stop;
};

/* Undo the transport encodings (base64 form, gzip/zlib) of a body. */
static int
transport_decode(struct decode_job *j, char **cause)
{
	size_t	max = j->ws->cfg.request_max;
	int	rc, form;

	j->p = j->body.p;
	j->len = j->body.len;
	/* posthog-js: data=<base64>; curl's default form type on JSON is not */
	form = strcmp(j->compression, "base64") == 0 ||
	    (strstr(j->ctype, "x-www-form-urlencoded") != NULL && j->len >= 5 &&
	    memcmp(j->p, "data=", 5) == 0);
	buf_init(&j->decoded, max);
	if (form) {
		if ((rc = body_form_base64(j->p, j->len, &j->decoded,
		    cause)) != BODY_OK)
			return rc;
		j->p = j->decoded.p;
		j->len = j->decoded.len;
	}
	if (body_is_gzip(j->p, j->len) || strstr(j->cenc, "gzip") != NULL ||
	    strstr(j->cenc, "deflate") != NULL ||
	    strncmp(j->compression, "gzip", 4) == 0) {
		struct tt_buf	z;

		buf_init(&z, max);
		if ((rc = body_inflate(j->p, j->len, &z, cause)) != BODY_OK) {
			buf_free(&z);
			return rc;
		}
		buf_free(&j->decoded);
		j->decoded = z;
		j->p = j->decoded.p;
		j->len = j->decoded.len;
	}
	return BODY_OK;
}

/* Does the JSON body carry "api_key": "<token>" (PostHog's key)? */
static int
names_key(const uint8_t *p, size_t len, const char *token)
{
	const char	*s = (const char *)p, *end = s + len, *k;
	size_t		 tlen = strlen(token);

	for (k = s; (k = memmem(k, (size_t)(end - k), "\"api_key\"", 9)) !=
	    NULL; k += 9) {
		const char *v = k + 9;

		while (v < end && (*v == ' ' || *v == ':' || *v == '\t' ||
		    *v == '\n' || *v == '\r'))
			v++;
		if (end - v >= (ptrdiff_t)tlen + 2 && v[0] == '"' &&
		    v[tlen + 1] == '"' && tt_token_equal(v + 1, tlen, token))
			return 1;
	}
	return 0;
}

/* Decode the job's body into its batch (any thread). */
void
decode_job_run(struct decode_job *j)
{
	struct ws		*ws = j->ws;
	struct tt_decode_opts	 opts;
	char			*cause = NULL;
	size_t			 items;
	int			 rc;

	if ((rc = transport_decode(j, &cause)) != BODY_OK) {
		j->status = rc == BODY_TOO_LARGE ? 413 : 400;
		j->reason = rc == BODY_TOO_LARGE ? TT_CTR_REJ_TOO_LARGE :
		    TT_CTR_REJ_DECOMPRESS;
		j->error = cause;
		return;
	}
	if (j->need_key != NULL && !names_key(j->p, j->len, j->need_key)) {
		j->status = 401;
		j->reason = TT_CTR_REJ_AUTH;
		j->error = xstrdup("missing or wrong token: see `teltop "
		    "token` (send it as Bearer, ?token= or api_key)");
		return;
	}
	memset(&opts, 0, sizeof opts);
	opts.event_max = ws->cfg.event_max;
	opts.events_max = ws->cfg.events_max;
	opts.received_at = j->received_at > 0 ? j->received_at : tt_now_us();
	opts.findings = 1;	/* the sink scans only what has none */
	opts.protobuf = (j->route == TT_ROUTE_OTLP_TRACES ||
	    j->route == TT_ROUTE_OTLP_LOGS ||
	    j->route == TT_ROUTE_OTLP_METRICS) && ((strstr(j->ctype,
	    "protobuf") != NULL) || (j->len > 0 && j->p[0] != '{' &&
	    strstr(j->ctype, "json") == NULL));
	tt_batch_init(&j->batch);
	if ((rc = tt_decode((enum tt_route)j->route, j->p, j->len, &opts,
	    &j->batch, &cause)) != 0) {
		j->status = rc == TT_DECODE_TOO_LARGE ? 413 : 400;
		j->reason = rc == TT_DECODE_TOO_LARGE ? TT_CTR_REJ_TOO_LARGE :
		    opts.protobuf ? TT_CTR_REJ_PROTOBUF : TT_CTR_REJ_MALFORMED;
		j->error = cause;
		tt_batch_clear(&j->batch);
		return;
	}
	/* Nothing kept: the request as a whole is refused, for why. */
	if (j->batch.n == 0 && j->batch.rejected > 0) {
		j->status = j->batch.oversized == j->batch.rejected ? 413 :
		    400;
		j->reason = j->status == 413 ? TT_CTR_REJ_TOO_LARGE :
		    TT_CTR_REJ_MALFORMED;
		j->error = xstrdup(j->batch.first_error);
		j->more_refused = j->batch.rejected - 1;
		tt_batch_clear(&j->batch);
		return;
	}
	items = j->batch.n + j->batch.rejected;
	if (ws->cfg.events_max > 0 && items > ws->cfg.events_max) {
		j->status = 413;
		j->reason = TT_CTR_REJ_TOO_LARGE;
		j->error = xasprintf("%zu events in one request: the limit is "
		    "%zu", items, ws->cfg.events_max);
		tt_batch_clear(&j->batch);
		return;
	}
	if (ws->cfg.sink.prepare != NULL)
		ws->cfg.sink.prepare(ws->cfg.sink.arg, &j->batch);
}

/* Service thread: the job is finished with. */
void
decode_job_free(struct decode_job *j)
{
	if (j == NULL)
		return;
	if (j->reserved > 0)
		j->ws->buffered -= j->reserved;
	buf_free(&j->body);
	buf_free(&j->decoded);
	tt_batch_clear(&j->batch);
	free(j->error);
	free(j->target);
	free(j->user_agent);
	free(j);
}

/* Runs on the service thread: the decoded job is back. */
static void
job_back(void *arg)
{
	struct decode_job	*j = arg;

	j->done(j);
}

static void *
worker_main(void *arg)
{
	struct worker		*w = arg;
	struct decode_job	*j;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (w->n == 0 && !w->stop)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->stop)
			break;
		j = w->q[w->head];
		w->head = (w->head + 1) % w->cap;
		w->n--;
		pthread_mutex_unlock(&w->lock);
		decode_job_run(j);
		ws_post(j->ws, job_back, j);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct worker *
worker_start(void)
{
	struct worker	*w = xcalloc(1, sizeof *w);

	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
		fatal("cannot start the decode thread");
	return w;
}

/* Stop the thread; jobs not started yet are freed (service thread). */
void
worker_stop(struct worker *w)
{
	size_t	i;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	for (i = 0; i < w->n; i++)
		decode_job_free(w->q[(w->head + i) % w->cap]);
	free(w->q);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

void
worker_submit(struct worker *w, struct decode_job *j)
{
	struct decode_job	**q;
	size_t			  i, cap;

	pthread_mutex_lock(&w->lock);
	if (w->n == w->cap) {
		cap = w->cap == 0 ? 16 : w->cap * 2;
		q = xcalloc(cap, sizeof *q);
		for (i = 0; i < w->n; i++)
			q[i] = w->q[(w->head + i) % w->cap];
		free(w->q);
		w->q = q;
		w->cap = cap;
		w->head = 0;
	}
	w->q[(w->head + w->n) % w->cap] = j;
	w->n++;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}
