/*
 * The opt-out registry: a small sorted array (a handful of entries in
 * practice), searched linearly.  tt_optout_filter() is on the ingest path:
 * with an empty registry it costs one comparison per batch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "optout.h"
#include "decode.h"
#include "xmalloc.h"

void
tt_optout_init(struct tt_optout *reg)
{
	memset(reg, 0, sizeof *reg);
}

static void
entry_free(struct tt_optout_entry *e)
{
	free(e->source);
	free(e->client);
	free(e->set_by);
}

void
tt_optout_clear(struct tt_optout *reg)
{
	size_t	i;

	for (i = 0; i < reg->n; i++)
		entry_free(&reg->v[i]);
	free(reg->v);
	tt_optout_init(reg);
}

/* Order by source, then client with the whole-source entry first. */
static int
entry_cmp(const char *source, const char *client,
    const struct tt_optout_entry *e)
{
	int	c;

	if ((c = strcmp(source, e->source)) != 0)
		return c;
	if (client == NULL || e->client == NULL)
		return (client != NULL) - (e->client != NULL);
	return strcmp(client, e->client);
}

/* The index of (source, client), or where it would go (*found 0). */
static size_t
entry_pos(const struct tt_optout *reg, const char *source,
    const char *client, int *found)
{
	size_t	i;
	int	c;

	for (i = 0; i < reg->n; i++) {
		c = entry_cmp(source, client, &reg->v[i]);
		if (c <= 0) {
			*found = c == 0;
			return i;
		}
	}
	*found = 0;
	return i;
}

struct tt_optout_entry *
tt_optout_put(struct tt_optout *reg, const char *source, const char *client,
    int64_t since, const char *set_by)
{
	struct tt_optout_entry	*e;
	size_t			 i;
	int			 found;

	i = entry_pos(reg, source, client, &found);
	if (found) {
		e = &reg->v[i];
		free(e->set_by);
	} else {
		if (reg->n == reg->cap) {
			reg->cap = reg->cap == 0 ? 8 : reg->cap * 2;
			reg->v = xrealloc(reg->v, reg->cap * sizeof *reg->v);
		}
		memmove(&reg->v[i + 1], &reg->v[i],
		    (reg->n - i) * sizeof *reg->v);
		reg->n++;
		e = &reg->v[i];
		memset(e, 0, sizeof *e);
		e->source = xstrdup(source);
		e->client = client != NULL ? xstrdup(client) : NULL;
		e->stored_since = TT_NONE;
	}
	e->since = since;
	e->set_by = xstrdup(set_by != NULL ? set_by : "cli");
	return e;
}

struct tt_optout_entry *
tt_optout_find(const struct tt_optout *reg, const char *source,
    const char *client)
{
	size_t	i;
	int	found;

	i = entry_pos(reg, source, client, &found);
	return found ? &reg->v[i] : NULL;
}

int
tt_optout_remove(struct tt_optout *reg, const char *source,
    const char *client)
{
	size_t	i;
	int	found;

	i = entry_pos(reg, source, client, &found);
	if (!found)
		return 0;
	entry_free(&reg->v[i]);
	memmove(&reg->v[i], &reg->v[i + 1], (reg->n - i - 1) * sizeof *reg->v);
	reg->n--;
	return 1;
}

struct tt_optout_entry *
tt_optout_match(const struct tt_optout *reg, const char *source,
    const char *client)
{
	struct tt_optout_entry	*e;
	size_t			 i;

	for (i = 0; i < reg->n; i++) {
		e = &reg->v[i];
		if (strcmp(e->source, source) != 0)
			continue;
		if (e->client == NULL || (client != NULL &&
		    strcmp(e->client, client) == 0))
			return e;
	}
	return NULL;
}

size_t
tt_optout_filter(struct tt_optout *reg, struct tt_batch *b)
{
	struct tt_optout_entry	*e;
	size_t			 i, kept = 0, dropped = 0;

	if (reg == NULL || reg->n == 0)
		return 0;
	for (i = 0; i < b->n; i++) {
		e = tt_optout_match(reg, tt_source_name(b->ev[i].source),
		    b->ev[i].client_id);
		if (e != NULL) {
			e->pending++;
			dropped++;
			tt_event_clear(&b->ev[i]);
			continue;
		}
		if (kept != i)
			b->ev[kept] = b->ev[i];
		kept++;
	}
	b->n = kept;
	return dropped;
}

void
tt_optout_sync(struct tt_optout *reg, struct tt_optout *fresh,
    void (*changed)(void *, const char *, const char *, int), void *arg)
{
	struct tt_optout_entry	*old, *e;
	size_t			 i;

	for (i = 0; i < fresh->n; i++) {
		e = &fresh->v[i];
		old = tt_optout_find(reg, e->source, e->client);
		if (old != NULL) {
			e->pending = old->pending;
			if (e->stored_since == TT_NONE)
				e->stored_since = old->stored_since;
		} else if (changed != NULL)
			changed(arg, e->source, e->client, 1);
	}
	for (i = 0; i < reg->n; i++) {
		old = &reg->v[i];
		if (changed != NULL &&
		    tt_optout_find(fresh, old->source, old->client) == NULL)
			changed(arg, old->source, old->client, 0);
	}
	tt_optout_clear(reg);
	*reg = *fresh;
	tt_optout_init(fresh);
}

char *
tt_optout_json(const struct tt_optout *reg, const char *source,
    const char *client)
{
	const struct tt_optout_entry	*e;
	cJSON				*a, *o;
	char				 ts[64], *s;
	size_t				 i;

	a = cJSON_CreateArray();
	for (i = 0; i < reg->n; i++) {
		e = &reg->v[i];
		if (source != NULL && strcmp(e->source, source) != 0)
			continue;
		if (client != NULL && e->client != NULL &&
		    strcmp(e->client, client) != 0)
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "source", e->source);
		if (e->client != NULL)
			cJSON_AddStringToObject(o, "client", e->client);
		else
			cJSON_AddNullToObject(o, "client");
		tt_time_format(e->since, ts, sizeof ts);
		cJSON_AddStringToObject(o, "since", ts);
		cJSON_AddStringToObject(o, "set_by", e->set_by);
		cJSON_AddNumberToObject(o, "dropped",
		    (double)(e->dropped + e->pending));
		if (e->stored_since != TT_NONE)
			cJSON_AddNumberToObject(o, "stored_since",
			    (double)e->stored_since);
		cJSON_AddItemToArray(a, o);
	}
	if ((s = cJSON_PrintUnformatted(a)) == NULL)
		fatal("out of memory");
	cJSON_Delete(a);
	return s;
}

const char *
tt_optout_capture_state(const struct tt_optout *reg, const char *source,
    char *buf, size_t len)
{
	size_t	i, clients = 0;

	for (i = 0; i < reg->n; i++) {
		if (strcmp(reg->v[i].source, source) != 0)
			continue;
		if (reg->v[i].client == NULL) {
			snprintf(buf, len, "opted out: blocked");
			return buf;
		}
		clients++;
	}
	if (clients == 0)
		return NULL;
	snprintf(buf, len, "%zu client%s opted out: theirs blocked", clients,
	    clients == 1 ? "" : "s");
	return buf;
}

int
tt_optout_check_name(const char *s, const char **why)
{
	size_t	i;

	if (s == NULL || *s == '\0') {
		*why = "must not be empty";
		return -1;
	}
	for (i = 0; s[i] != '\0'; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			*why = "must not contain control characters";
			return -1;
		}
	}
	if (i > TT_OPTOUT_NAME_MAX) {
		*why = "is longer than 256 bytes";
		return -1;
	}
	return 0;
}

int
tt_optout_parse_request(const void *p, size_t len, char **source,
    char **client, int *enabled, char **cause)
{
	cJSON		*root, *s, *c, *en;
	const char	*why;

	*source = *client = NULL;
	*enabled = 1;
	root = cJSON_ParseWithLength(p, len);
	if (root == NULL || !cJSON_IsObject(root)) {
		*cause = xstrdup("expected a JSON object {\"source\":…,"
		    "\"client\":…,\"enabled\":true|false}");
		goto error;
	}
	s = cJSON_GetObjectItemCaseSensitive(root, "source");
	c = cJSON_GetObjectItemCaseSensitive(root, "client");
	en = cJSON_GetObjectItemCaseSensitive(root, "enabled");
	if (!cJSON_IsString(s) ||
	    tt_optout_check_name(s->valuestring, &why) != 0) {
		*cause = xstrdup("\"source\" must be a non-empty string");
		goto error;
	}
	if (c != NULL && !cJSON_IsNull(c) && (!cJSON_IsString(c) ||
	    tt_optout_check_name(c->valuestring, &why) != 0)) {
		*cause = xstrdup("\"client\" must be a non-empty string or "
		    "null");
		goto error;
	}
	if (en != NULL && !cJSON_IsBool(en)) {
		*cause = xstrdup("\"enabled\" must be true or false");
		goto error;
	}
	*source = xstrdup(s->valuestring);
	if (cJSON_IsString(c))
		*client = xstrdup(c->valuestring);
	if (en != NULL)
		*enabled = cJSON_IsTrue(en);
	cJSON_Delete(root);
	return 0;
error:
	cJSON_Delete(root);
	return -1;
}
