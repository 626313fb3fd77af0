/* Export records both ways (records.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>
#include <libwebsockets.h>

#include "core/decode.h"
#include "core/eventjson.h"
#include "core/utf8.h"
#include "core/xmalloc.h"
#include "records.h"

char *
tt_b64_encode(const void *p, size_t n)
{
	size_t	cap = (n + 2) / 3 * 4 + 4;
	char	*s = xmalloc(cap);

	if (lws_b64_encode_string(p, (int)n, s, (int)cap) < 0)
		s[0] = '\0';
	return s;
}

int
tt_b64_decode(const char *s, unsigned char **out, size_t *len)
{
	size_t	n = strlen(s), i;
	int	got;

	/* lws skips what is not base64; a record must be nothing else */
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '+' &&
		    s[i] != '/' && s[i] != '=')
			return -1;
	if (n % 4 != 0 || n > INT32_MAX / 2)
		return -1;
	*out = xmalloc(n / 4 * 3 + 4);
	*len = 0;
	if (n == 0)
		return 0;
	got = lws_b64_decode_string_len(s, (int)n, (char *)*out,
	    (int)(n / 4 * 3 + 4));
	if (got < 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	*len = (size_t)got;
	return 0;
}

void
tt_record_clear(struct tt_record *r)
{
	free(r->method);
	free(r->route);
	free(r->ctype);
	free(r->cenc);
	free(r->agent);
	free(r->host);
	free(r->body);
	memset(r, 0, sizeof *r);
}

void
tt_records_clear(struct tt_records *rs)
{
	size_t	i;

	for (i = 0; i < rs->n; i++)
		tt_record_clear(&rs->v[i]);
	free(rs->v);
	memset(rs, 0, sizeof *rs);
}

struct tt_record *
tt_records_add(struct tt_records *rs)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap == 0 ? 64 : rs->cap * 2;
		rs->v = xrealloc(rs->v, rs->cap * sizeof *rs->v);
	}
	memset(&rs->v[rs->n], 0, sizeof rs->v[rs->n]);
	return &rs->v[rs->n++];
}

/* ---- a stored request's JSON ---- */

static void add_str(cJSON *, const char *, const char *);
static const char *str_of(const cJSON *, const char *);
static char *dup_or_null(const char *);

char *
tt_request_json(const char *method, const char *target,
    const char *content_encoding, const char *user_agent)
{
	cJSON	*o = cJSON_CreateObject();
	char	*s;

	add_str(o, "method", method);
	add_str(o, "target", target);
	add_str(o, "content_encoding", content_encoding);
	add_str(o, "user_agent", user_agent);
	s = tt_json_line(o, NULL);
	cJSON_Delete(o);
	return s;
}

void
tt_record_set_request(struct tt_record *r, const char *json,
    const char *route)
{
	cJSON	*o = json != NULL ? cJSON_Parse(json) : NULL;

	r->method = dup_or_null(str_of(o, "method"));
	r->route = xstrdup(str_of(o, "target") != NULL ? str_of(o, "target") :
	    route != NULL ? route : "/");
	r->cenc = dup_or_null(str_of(o, "content_encoding"));
	r->agent = dup_or_null(str_of(o, "user_agent"));
	cJSON_Delete(o);
}

/* ---- writing ---- */

static void
add_str(cJSON *o, const char *key, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, key, v);
}

cJSON *
tt_record_json(const struct tt_record *r, cJSON *events)
{
	cJSON	*o = cJSON_CreateObject(), *h;
	char	 when[40], *b64;

	tt_time_format(r->received_at, when, sizeof when);
	cJSON_AddStringToObject(o, "received_at", when);
	if (r->body != NULL) {
		cJSON_AddStringToObject(o, "method", r->method != NULL ?
		    r->method : "POST");
		cJSON_AddStringToObject(o, "route", r->route != NULL ?
		    r->route : "/");
		add_str(o, "content_type", r->ctype);
		h = cJSON_AddObjectToObject(o, "headers");
		add_str(h, "content-encoding", r->cenc);
		add_str(h, "user-agent", r->agent);
		add_str(o, "host", r->host);
		b64 = tt_b64_encode(r->body, r->len);
		cJSON_AddStringToObject(o, "body_base64", b64);
		free(b64);
	} else
		cJSON_AddNullToObject(o, "body_base64");
	cJSON_AddItemToObject(o, "events", events != NULL ? events :
	    cJSON_CreateArray());
	return o;
}

/* A header {"name":…, "value":…} for a HAR list. */
static void
har_header(cJSON *a, const char *name, const char *value)
{
	cJSON	*h;

	if (value == NULL)
		return;
	h = cJSON_CreateObject();
	cJSON_AddStringToObject(h, "name", name);
	cJSON_AddStringToObject(h, "value", value);
	cJSON_AddItemToArray(a, h);
}

/* The query of a target as HAR's queryString, as sent. */
static void
har_query(cJSON *a, const char *target)
{
	const char	*q = strchr(target, '?'), *p, *amp, *eq;
	char		*name, *value;

	if (q == NULL)
		return;
	for (p = q + 1; *p != '\0'; p = *amp != '\0' ? amp + 1 : amp) {
		amp = p + strcspn(p, "&");
		if (amp == p)
			continue;
		eq = memchr(p, '=', (size_t)(amp - p));
		name = xstrndup(p, (size_t)((eq != NULL ? eq : amp) - p));
		value = eq != NULL ? xstrndup(eq + 1, (size_t)(amp - eq - 1)) :
		    xstrdup("");
		har_header(a, name, value);
		free(name);
		free(value);
	}
}

cJSON *
tt_record_har(const struct tt_record *r, cJSON *events)
{
	cJSON		*o = cJSON_CreateObject(), *req, *hdrs, *post, *resp;
	cJSON		*t;
	const char	*route = r->route != NULL ? r->route : "/";
	const char	*method = r->method != NULL ? r->method : "POST";
	char		 when[40], *url, *b64;

	tt_time_format(r->received_at, when, sizeof when);
	cJSON_AddStringToObject(o, "startedDateTime", when);
	cJSON_AddNumberToObject(o, "time", 0);
	req = cJSON_AddObjectToObject(o, "request");
	cJSON_AddStringToObject(req, "method", strcmp(method, "WS") == 0 ?
	    "POST" : method);
	url = r->host != NULL ? xasprintf("https://%s%s", r->host, route) :
	    xasprintf("%s%s", TT_RECORDS_HAR_HOST, route);
	cJSON_AddStringToObject(req, "url", url);
	free(url);
	cJSON_AddStringToObject(req, "httpVersion", "HTTP/1.1");
	cJSON_AddArrayToObject(req, "cookies");
	hdrs = cJSON_AddArrayToObject(req, "headers");
	har_header(hdrs, "Host", r->host);
	har_header(hdrs, "Content-Type", r->ctype);
	har_header(hdrs, "Content-Encoding", r->cenc);
	har_header(hdrs, "User-Agent", r->agent);
	har_query(cJSON_AddArrayToObject(req, "queryString"), route);
	if (r->body != NULL) {
		post = cJSON_AddObjectToObject(req, "postData");
		cJSON_AddStringToObject(post, "mimeType", r->ctype != NULL ?
		    r->ctype : "");
		/* text where it is text; else base64, said so */
		if (r->cenc == NULL && tt_utf8_valid((const char *)r->body,
		    r->len)) {
			t = cJSON_CreateString("");
			cJSON_AddItemToObject(post, "text", t);
			free(t->valuestring);
			t->valuestring = xstrndup((const char *)r->body,
			    r->len);
		} else {
			b64 = tt_b64_encode(r->body, r->len);
			cJSON_AddStringToObject(post, "text", b64);
			cJSON_AddStringToObject(post, "_encoding", "base64");
			free(b64);
		}
	}
	cJSON_AddNumberToObject(req, "headersSize", -1);
	cJSON_AddNumberToObject(req, "bodySize", r->body != NULL ?
	    (double)r->len : 0);
	resp = cJSON_AddObjectToObject(o, "response");
	cJSON_AddNumberToObject(resp, "status", r->body != NULL ? 200 : 0);
	cJSON_AddStringToObject(resp, "statusText", r->body != NULL ? "OK" :
	    "");
	cJSON_AddStringToObject(resp, "httpVersion", "HTTP/1.1");
	cJSON_AddArrayToObject(resp, "cookies");
	cJSON_AddArrayToObject(resp, "headers");
	t = cJSON_AddObjectToObject(resp, "content");
	cJSON_AddNumberToObject(t, "size", 0);
	cJSON_AddStringToObject(t, "mimeType", "application/json");
	cJSON_AddStringToObject(resp, "redirectURL", "");
	cJSON_AddNumberToObject(resp, "headersSize", -1);
	cJSON_AddNumberToObject(resp, "bodySize", -1);
	cJSON_AddObjectToObject(o, "cache");
	t = cJSON_AddObjectToObject(o, "timings");
	cJSON_AddNumberToObject(t, "send", 0);
	cJSON_AddNumberToObject(t, "wait", 0);
	cJSON_AddNumberToObject(t, "receive", 0);
	t = cJSON_AddObjectToObject(o, "_teltop");
	if (strcmp(method, "WS") == 0)
		cJSON_AddStringToObject(t, "method", "WS");
	cJSON_AddItemToObject(t, "events", events != NULL ? events :
	    cJSON_CreateArray());
	return o;
}

/* ---- reading ---- */

/* A string member of a JSON object, or NULL. */
static const char *
str_of(const cJSON *o, const char *key)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static size_t
count_of(const cJSON *a)
{
	return cJSON_IsArray(a) ? (size_t)cJSON_GetArraySize(a) : 0;
}

/* A route: a path, no control characters (it goes into a request line). */
static int
route_ok(const char *s)
{
	if (s == NULL || *s != '/' || !tt_utf8_valid(s, strlen(s)))
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 0;
	return 1;
}

/* A host name as a URL holds it: letters, digits, . - : [ ] only. */
static int
host_ok(const char *s)
{
	if (s == NULL)
		return 1;
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(".-:[]_", *s) == NULL)
			return 0;
	return 1;
}

/* A header value: UTF-8 without CR or LF (it goes into a request's
 * head, and is written back as it was read). */
static int
value_ok(const char *s)
{
	return s == NULL || (strpbrk(s, "\r\n") == NULL &&
	    tt_utf8_valid(s, strlen(s)));
}

int
tt_record_from_json(const cJSON *o, struct tt_record *r, char **cause)
{
	const cJSON	*h = cJSON_GetObjectItemCaseSensitive(o, "headers");
	const cJSON	*b = cJSON_GetObjectItemCaseSensitive(o, "body_base64");

	memset(r, 0, sizeof *r);
	*cause = NULL;
	if (str_of(o, "received_at") == NULL ||
	    tt_time_parse(str_of(o, "received_at"), &r->received_at) != 0) {
		*cause = xstrdup("no received_at time");
		return -1;
	}
	r->events = count_of(cJSON_GetObjectItemCaseSensitive(o, "events"));
	if (b == NULL || cJSON_IsNull(b))
		return 0;		/* its bytes were not kept */
	if (!cJSON_IsString(b) || tt_b64_decode(b->valuestring, &r->body,
	    &r->len) != 0) {
		*cause = xstrdup("body_base64 is not base64");
		goto fail;
	}
	if (!route_ok(str_of(o, "route"))) {
		*cause = xstrdup("no route (a path starting with /, no spaces)");
		goto fail;
	}
	if (!value_ok(str_of(o, "method")) || !value_ok(str_of(o,
	    "content_type")) || !value_ok(str_of(h, "content-encoding")) ||
	    !value_ok(str_of(h, "user-agent"))) {
		*cause = xstrdup("a header holds a line break, or is not "
		    "UTF-8");
		goto fail;
	}
	if (!host_ok(str_of(o, "host"))) {
		*cause = xstrdup("host is not a host name");
		goto fail;
	}
	r->method = dup_or_null(str_of(o, "method"));
	r->route = xstrdup(str_of(o, "route"));
	r->ctype = dup_or_null(str_of(o, "content_type"));
	r->cenc = dup_or_null(str_of(h, "content-encoding"));
	r->agent = dup_or_null(str_of(h, "user-agent"));
	r->host = dup_or_null(str_of(o, "host"));
	return 0;
fail:
	tt_record_clear(r);
	return -1;
}

/* A header of a HAR list by name, any case. */
static const char *
har_get(const cJSON *list, const char *name)
{
	const cJSON	*h;

	cJSON_ArrayForEach(h, list)
		if (str_of(h, "name") != NULL &&
		    strcasecmp(str_of(h, "name"), name) == 0)
			return str_of(h, "value");
	return NULL;
}

int
tt_record_from_har(const cJSON *e, struct tt_record *r, char **cause)
{
	const cJSON	*req = cJSON_GetObjectItemCaseSensitive(e, "request");
	const cJSON	*hdrs = cJSON_GetObjectItemCaseSensitive(req, "headers");
	const cJSON	*post = cJSON_GetObjectItemCaseSensitive(req,
			    "postData");
	const cJSON	*tel = cJSON_GetObjectItemCaseSensitive(e, "_teltop");
	const char	*url = str_of(req, "url"), *path, *text, *enc, *host;
	const char	*scheme;

	memset(r, 0, sizeof *r);
	*cause = NULL;
	if (str_of(e, "startedDateTime") == NULL ||
	    tt_time_parse(str_of(e, "startedDateTime"), &r->received_at) != 0) {
		*cause = xstrdup("no startedDateTime");
		return -1;
	}
	r->events = count_of(cJSON_GetObjectItemCaseSensitive(tel, "events"));
	if ((text = str_of(post, "text")) == NULL)
		return 0;		/* nothing to send */
	/* the path and query after scheme://host */
	if (url == NULL || (scheme = strstr(url, "://")) == NULL ||
	    (path = strchr(scheme + 3, '/')) == NULL || !route_ok(path)) {
		*cause = xasprintf("request.url '%.80s' is not an absolute URL "
		    "with a path", url != NULL ? url : "");
		return -1;
	}
	if (!value_ok(str_of(tel, "method")) || !value_ok(str_of(req,
	    "method")) || !value_ok(har_get(hdrs, "content-type")) ||
	    !value_ok(str_of(post, "mimeType")) ||
	    !value_ok(har_get(hdrs, "content-encoding")) ||
	    !value_ok(har_get(hdrs, "user-agent"))) {
		*cause = xstrdup("a header holds a line break, or is not "
		    "UTF-8");
		return -1;
	}
	enc = str_of(post, "_encoding");
	if (enc != NULL && strcmp(enc, "base64") == 0) {
		if (tt_b64_decode(text, &r->body, &r->len) != 0) {
			*cause = xstrdup("postData.text is not base64");
			return -1;
		}
	} else {
		r->len = strlen(text);
		r->body = (unsigned char *)xstrdup(text);
	}
	r->method = dup_or_null(str_of(tel, "method") != NULL ?
	    str_of(tel, "method") : str_of(req, "method"));
	r->route = xstrdup(path);
	/* the header; else postData's mimeType, which HAR always has ("":
	 * none) */
	r->ctype = dup_or_null(har_get(hdrs, "content-type") != NULL ?
	    har_get(hdrs, "content-type") : str_of(post, "mimeType") != NULL &&
	    *str_of(post, "mimeType") != '\0' ? str_of(post, "mimeType") :
	    NULL);
	r->cenc = dup_or_null(har_get(hdrs, "content-encoding"));
	r->agent = dup_or_null(har_get(hdrs, "user-agent"));
	/* a direct request's URL names no vendor; a captured one does */
	host = har_get(hdrs, "host");
	if (host != NULL && host_ok(host) && strncmp(url, "https://", 8) == 0)
		r->host = xstrdup(host);
	return 0;
}

int
tt_records_parse(const char *text, size_t len, struct tt_records *rs,
    char **cause)
{
	cJSON		*doc, *o;
	const cJSON	*entries, *e;
	const char	*p, *nl;
	char		*why = NULL;
	size_t		 i = 0;
	unsigned	 lineno = 0;
	int		 rc;

	*cause = NULL;
	doc = cJSON_ParseWithLength(text, len);
	if (doc != NULL && cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc,
	    "log"))) {
		entries = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(doc, "log"), "entries");
		if (!cJSON_IsArray(entries)) {
			*cause = xstrdup("a HAR file without log.entries");
			cJSON_Delete(doc);
			return -1;
		}
		cJSON_ArrayForEach(e, entries) {
			if (tt_record_from_har(e, tt_records_add(rs),
			    &why) != 0) {
				*cause = xasprintf("entry %zu: %s", i, why);
				free(why);
				cJSON_Delete(doc);
				tt_records_clear(rs);
				return -1;
			}
			i++;
		}
		cJSON_Delete(doc);
		return 0;
	}
	cJSON_Delete(doc);
	for (p = text; p < text + len; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(text + len - p))) == NULL)
			nl = text + len;
		while (p < nl && isspace((unsigned char)*p))
			p++;
		if (p == nl)
			continue;
		o = cJSON_ParseWithLength(p, (size_t)(nl - p));
		if (o == NULL || !cJSON_IsObject(o)) {
			cJSON_Delete(o);
			*cause = xasprintf("line %u: not a JSON object (teltop "
			    "export's lines, or a HAR file)", lineno);
			tt_records_clear(rs);
			return -1;
		}
		rc = tt_record_from_json(o, tt_records_add(rs), &why);
		cJSON_Delete(o);
		if (rc != 0) {
			*cause = xasprintf("line %u: %s", lineno, why);
			free(why);
			tt_records_clear(rs);
			return -1;
		}
	}
	return 0;
}
