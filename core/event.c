/*
 * The normalized event and the batch that owns a list of them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "event.h"
#include "utf8.h"
#include "xmalloc.h"

static const char *source_names[] = {
#define TT_SOURCE_NAME(id, name) name,
	TT_SOURCES(TT_SOURCE_NAME)
#undef TT_SOURCE_NAME
};

static const char *phase_names[] = { "point", "start", "finish" };

const char *
tt_source_name(enum tt_source s)
{
	if ((unsigned)s >= TT_SRC_COUNT)
		return "generic";
	return source_names[s];
}

/* Look up a source by name; -1 if it is not one teltop knows. */
const char *
tt_format_static(const char *s)
{
#define TT_FORMAT_NAME(name) name,
	static const char *const known[] = { TT_FORMATS(TT_FORMAT_NAME) };
#undef TT_FORMAT_NAME
	size_t	i;

	for (i = 0; s != NULL && i < sizeof known / sizeof known[0]; i++)
		if (strcmp(s, known[i]) == 0)
			return known[i];
	return "unknown";
}

const char *
tt_signal_of(const char *format)
{
	if (format == NULL || strncmp(format, "otlp-", 5) != 0)
		return "event";
	if (strncmp(format, "otlp-logs-", 10) == 0)
		return "log";
	if (strncmp(format, "otlp-metrics-", 13) == 0)
		return "metric";
	return "trace";
}

int
tt_source_parse(const char *name, enum tt_source *out)
{
	int	i;

	for (i = 0; i < TT_SRC_COUNT; i++) {
		if (strcmp(name, source_names[i]) == 0) {
			*out = (enum tt_source)i;
			return 0;
		}
	}
	return -1;
}

const char *
tt_phase_name(enum tt_phase p)
{
	if ((unsigned)p > TT_PHASE_FINISH)
		return "point";
	return phase_names[p];
}

int
tt_phase_parse(const char *name, enum tt_phase *out)
{
	int	i;

	for (i = 0; i <= TT_PHASE_FINISH; i++) {
		if (strcmp(name, phase_names[i]) == 0) {
			*out = (enum tt_phase)i;
			return 0;
		}
	}
	return -1;
}

void
tt_event_init(struct tt_event *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->source = TT_SRC_GENERIC;
	ev->format = "generic";
	ev->duration_ms = TT_NONE;
	ev->exit_code = TT_NONE;
	ev->severity = TT_NONE;
	ev->data_off = TT_NOT_IN_BODY;
}

/* Free what the event owns and reset it. */
void
tt_event_clear(struct tt_event *ev)
{
	free(ev->name);
	free(ev->client_id);
	free(ev->execution_id);
	free(ev->command);
	free(ev->error);
	free(ev->version);
	free(ev->os);
	free(ev->arch);
	free(ev->pii);
	free(ev->data);
	free(ev->capture);
	free(ev->collector);
	tt_event_init(ev);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* A deep copy of src; with_data also copies data and pii. */
void
tt_event_copy(struct tt_event *dst, const struct tt_event *src,
    int with_data)
{
	*dst = *src;
	dst->name = dup_or_null(src->name);
	dst->client_id = dup_or_null(src->client_id);
	dst->execution_id = dup_or_null(src->execution_id);
	dst->command = dup_or_null(src->command);
	dst->error = dup_or_null(src->error);
	dst->version = dup_or_null(src->version);
	dst->os = dup_or_null(src->os);
	dst->arch = dup_or_null(src->arch);
	dst->pii = with_data ? dup_or_null(src->pii) : NULL;
	dst->capture = dup_or_null(src->capture);
	dst->collector = dup_or_null(src->collector);
	dst->data = NULL;
	dst->data_len = 0;
	if (!with_data)
		dst->data_off = TT_NOT_IN_BODY;
	if (with_data && src->data != NULL) {
		dst->data = xmalloc(src->data_len + 1);
		memcpy(dst->data, src->data, src->data_len);
		dst->data[src->data_len] = '\0';
		dst->data_len = src->data_len;
	}
}

/* A string member of a cJSON object, copied; NULL when it is not one. */
static char *
json_str(const cJSON *o, const char *name)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

/*
 * Read the request out of capture text.  Only what has the expected shape
 * is kept: a header that is not a pair of strings is left out.  What a
 * filter reads (host) must agree with store/query.c's SQL, which takes
 * $.host only when the text is valid JSON and the value is a string.
 */
int
tt_capture_parse(const char *text, struct tt_capture *c)
{
	cJSON		*root;
	const cJSON	*hs, *h, *n, *v;
	size_t		 k;

	memset(c, 0, sizeof *c);
	if (text == NULL || (root = cJSON_ParseWithOpts(text, NULL, 1)) == NULL)
		return -1;
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return -1;
	}
	c->host = json_str(root, "host");
	c->method = json_str(root, "method");
	c->path = json_str(root, "path");
	hs = cJSON_GetObjectItemCaseSensitive(root, "headers");
	if (cJSON_IsArray(hs) && cJSON_GetArraySize(hs) > 0) {
		c->headers = xcalloc((size_t)cJSON_GetArraySize(hs) * 2,
		    sizeof *c->headers);
		cJSON_ArrayForEach(h, hs) {
			n = cJSON_GetArrayItem(h, 0);
			v = cJSON_GetArrayItem(h, 1);
			if (!cJSON_IsArray(h) || !cJSON_IsString(n) ||
			    !cJSON_IsString(v))
				continue;
			k = 2 * c->nheaders++;
			c->headers[k] = xstrdup(n->valuestring);
			c->headers[k + 1] = xstrdup(v->valuestring);
		}
	}
	cJSON_Delete(root);
	return 0;
}

void
tt_capture_free(struct tt_capture *c)
{
	size_t	i;

	free(c->host);
	free(c->method);
	free(c->path);
	for (i = 0; i < 2 * c->nheaders; i++)
		free(c->headers[i]);
	free(c->headers);
	memset(c, 0, sizeof *c);
}

/* Add a note to data's "_teltop".notes (a rare path: parse and reprint). */
void
tt_event_note(struct tt_event *ev, const char *fmt, ...)
{
	cJSON	*root, *meta, *notes;
	char	*msg, *clean, *text;
	va_list	 ap;
	size_t	 len;
	int	 n;

	if (ev->data == NULL || (root = cJSON_ParseWithLength(ev->data,
	    ev->data_len)) == NULL)
		return;
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return;
	}
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("out of memory");
	clean = tt_utf8_dup(msg);
	free(msg);
	meta = cJSON_GetObjectItemCaseSensitive(root, "_teltop");
	if (!cJSON_IsObject(meta)) {
		cJSON_DeleteItemFromObjectCaseSensitive(root, "_teltop");
		meta = cJSON_AddObjectToObject(root, "_teltop");
	}
	notes = cJSON_GetObjectItemCaseSensitive(meta, "notes");
	if (!cJSON_IsArray(notes)) {
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "notes");
		notes = cJSON_AddArrayToObject(meta, "notes");
	}
	if (meta == NULL || notes == NULL ||
	    !cJSON_AddItemToArray(notes, cJSON_CreateString(clean)) ||
	    (text = cJSON_PrintUnformatted(root)) == NULL)
		fatal("out of memory");
	free(clean);
	cJSON_Delete(root);
	len = strlen(text);
	text = tt_utf8_json(text, &len);
	free(ev->data);
	ev->data = text;
	ev->data_len = len;
	ev->data_off = TT_NOT_IN_BODY;
	/* Findings of the old text no longer describe it: scan it again. */
	free(ev->pii);
	ev->pii = NULL;
}

void
tt_batch_init(struct tt_batch *b)
{
	memset(b, 0, sizeof *b);
}

/* Append an empty event and return it; the batch owns it. */
struct tt_event *
tt_batch_add(struct tt_batch *b)
{
	if (b->n == b->cap) {
		b->cap = b->cap == 0 ? 8 : b->cap * 2;
		b->ev = xrealloc(b->ev, b->cap * sizeof *b->ev);
	}
	tt_event_init(&b->ev[b->n]);
	return &b->ev[b->n++];
}

/* Count an item that could not be decoded, keeping the first reason. */
void
tt_batch_reject(struct tt_batch *b, const char *why)
{
	b->rejected++;
	if (b->first_error == NULL)
		b->first_error = xstrdup(why);
}

/* Count an item refused because it is larger than the limit. */
void
tt_batch_reject_size(struct tt_batch *b, size_t size, size_t max)
{
	char	why[128];

	snprintf(why, sizeof why, "event of %zu bytes exceeds the limit of %zu "
	    "bytes", size, max);
	tt_batch_reject(b, why);
	b->oversized++;
}

void
tt_batch_clear(struct tt_batch *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++)
		tt_event_clear(&b->ev[i]);
	free(b->ev);
	free(b->first_error);
	tt_batch_init(b);
}

char *
tt_event_key(const struct tt_event *ev)
{
	static const char *const ids[] = { "uuid", "messageId" };
	const cJSON	*v, *span;
	cJSON		*root;
	char		*key = NULL;
	size_t		 i;

	/* the event's own id first: PostHog's, Segment's, a span's */
	if (ev->data != NULL &&
	    (root = cJSON_ParseWithLength(ev->data, ev->data_len)) != NULL) {
		for (i = 0; key == NULL && i < sizeof ids / sizeof ids[0]; i++)
			if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(
			    root, ids[i])) && *v->valuestring != '\0')
				key = xasprintf("%c:%s", ids[i][0],
				    v->valuestring);
		if (key == NULL && cJSON_IsString(span =
		    cJSON_GetObjectItemCaseSensitive(root, "spanId")) &&
		    *span->valuestring != '\0' && cJSON_IsString(v =
		    cJSON_GetObjectItemCaseSensitive(root, "traceId")))
			key = xasprintf("s:%s:%s", v->valuestring,
			    span->valuestring);
		cJSON_Delete(root);
		if (key != NULL)
			return key;
	}
	/*
	 * Else a run's start and finish are named by its id; anything else
	 * (two log records of one trace, say) has no id of its own and is
	 * never taken for another.
	 */
	if (ev->execution_id != NULL && *ev->execution_id != '\0' &&
	    (ev->phase == TT_PHASE_START || ev->phase == TT_PHASE_FINISH))
		return xasprintf("x:%s:%s:%s", ev->execution_id,
		    tt_phase_name(ev->phase), ev->name != NULL ? ev->name : "");
	return NULL;
}
