/*
 * cJSON helpers: bounded parsing with a clear error, typed member access.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../decode.h"
#include "../xmalloc.h"
#include "json.h"

/*
 * Check nesting before cJSON recurses into it: a body of a million '['
 * must not reach the parser.  Brackets inside strings do not count.
 */
int
json_depth_ok(const char *s, size_t len, int max)
{
	size_t	i;
	int	depth = 0, in_str = 0;

	for (i = 0; i < len; i++) {
		char	c = s[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"')
			in_str = 1;
		else if (c == '[' || c == '{') {
			if (++depth > max)
				return 0;
		} else if (c == ']' || c == '}')
			depth--;
	}
	return 1;
}

/* Parse JSON text; on failure say where and why.  Caller deletes. */
cJSON *
json_parse(const char *s, size_t len, char **cause)
{
	cJSON		*root;
	const char	*end = NULL;
	size_t		 off;

	if (!json_depth_ok(s, len, TT_JSON_DEPTH)) {
		*cause = xasprintf("JSON nested deeper than %d levels",
		    TT_JSON_DEPTH);
		return NULL;
	}
	root = cJSON_ParseWithLengthOpts(s, len, &end, 0);
	if (root == NULL) {
		end = cJSON_GetErrorPtr();
		off = (end != NULL && end >= s && end <= s + len) ?
		    (size_t)(end - s) : 0;
		if (len == 0 || off >= len)
			*cause = xasprintf("malformed JSON: unexpected end of "
			    "input after %zu bytes", len);
		else
			*cause = xasprintf("malformed JSON at byte %zu", off);
		return NULL;
	}
	/* Only whitespace may follow the value. */
	off = (size_t)(end - s);
	while (off < len && (s[off] == ' ' || s[off] == '\n' ||
	    s[off] == '\r' || s[off] == '\t'))
		off++;
	if (off < len) {
		cJSON_Delete(root);
		*cause = xasprintf("malformed JSON: unexpected data at byte "
		    "%zu", off);
		return NULL;
	}
	return root;
}

const char *
json_str(const cJSON *o, const char *key)
{
	const cJSON	*v;

	if (o == NULL || (v = cJSON_GetObjectItemCaseSensitive(o, key)) == NULL)
		return NULL;
	if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
		return NULL;
	return v->valuestring;
}

int
json_int(const cJSON *o, const char *key, int64_t *out)
{
	const cJSON	*v;
	char		*end;
	double		 d;

	if (o == NULL || (v = cJSON_GetObjectItemCaseSensitive(o, key)) == NULL)
		return -1;
	if (cJSON_IsNumber(v))
		d = v->valuedouble;
	else if (cJSON_IsString(v) && v->valuestring[0] != '\0') {
		d = strtod(v->valuestring, &end);
		if (*end != '\0')
			return -1;
	} else
		return -1;
	if (!isfinite(d) || fabs(d) > 9.2e18)
		return -1;
	*out = (int64_t)llround(d);
	return 0;
}

char *
json_strdup(const cJSON *o, const char *key)
{
	const cJSON	*v;
	const char	*s;

	if ((s = json_str(o, key)) != NULL)
		return xstrdup(s);
	if (o == NULL || (v = cJSON_GetObjectItemCaseSensitive(o, key)) == NULL)
		return NULL;
	if (cJSON_IsNumber(v)) {
		if (v->valuedouble == floor(v->valuedouble) &&
		    fabs(v->valuedouble) < 9e15)
			return xasprintf("%lld", (long long)v->valuedouble);
		return xasprintf("%g", v->valuedouble);
	}
	return NULL;
}

char *
json_strdup_any(const cJSON *o, const char *const *keys)
{
	char	*s;

	for (; *keys != NULL; keys++)
		if ((s = json_strdup(o, *keys)) != NULL)
			return s;
	return NULL;
}

const cJSON *
json_obj(const cJSON *o, const char *key, cJSON **owned)
{
	const cJSON	*v;
	cJSON		*parsed;
	size_t		 len;

	*owned = NULL;
	if (o == NULL || (v = cJSON_GetObjectItemCaseSensitive(o, key)) == NULL)
		return NULL;
	if (cJSON_IsObject(v))
		return v;
	if (!cJSON_IsString(v))
		return NULL;
	len = strlen(v->valuestring);
	if (!json_depth_ok(v->valuestring, len, TT_JSON_DEPTH))
		return NULL;
	parsed = cJSON_ParseWithLength(v->valuestring, len);
	if (parsed == NULL)
		return NULL;
	if (!cJSON_IsObject(parsed)) {
		cJSON_Delete(parsed);
		return NULL;
	}
	*owned = parsed;
	return parsed;
}

int
json_time(const cJSON *o, const char *key, int64_t *us)
{
	const cJSON	*v;

	if (o == NULL || (v = cJSON_GetObjectItemCaseSensitive(o, key)) == NULL)
		return -1;
	if (cJSON_IsNumber(v)) {
		if (!isfinite(v->valuedouble) || v->valuedouble <= 0)
			return -1;
		*us = tt_time_from_number(v->valuedouble);
		return 0;
	}
	if (cJSON_IsString(v))
		return tt_time_parse(v->valuestring, us);
	return -1;
}

char *
json_print(const cJSON *o, size_t *len)
{
	char	*s;

	if ((s = cJSON_PrintUnformatted(o)) == NULL)
		fatal("out of memory printing JSON");
	if (len != NULL)
		*len = strlen(s);
	return s;
}
