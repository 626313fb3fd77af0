/*
 * cJSON helpers: bounded parsing with a clear error, typed member access.
 * Every tree parsed here holds valid UTF-8 and no NUL in its strings: the
 * text is repaired in a private copy first (core/utf8.h), so the decoders,
 * the normalized fields they copy and the JSON printed from the tree are
 * all valid.  The caller's bytes are never modified.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../decode.h"
#include "../utf8.h"
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

/*
 * Parse len bytes (not NUL-terminated) after repairing them: invalid UTF-8
 * and NUL become U+FFFD, and so do the \u0000 and lone-surrogate escapes
 * that cJSON would cut a string at or refuse (*repaired says whether any
 * was there: the tree then holds what the text does not).  On failure *off
 * is where
 * parsing stopped (len at the end of the input); on success it is where
 * anything but whitespace follows the value, or len.  Offsets are into the
 * repaired text, which differs from the input only where it was invalid.
 */
static cJSON *
parse_repaired(const char *s, size_t len, size_t *off, int *repaired)
{
	cJSON		*root;
	const char	*end = NULL, *text = s;
	char		*copy = NULL;
	size_t		 n = len, o;

	if (!tt_utf8_valid(s, len))
		text = copy = tt_utf8_clean(s, len, &n);
	if (!tt_utf8_escapes_ok(text, n)) {
		if (copy == NULL) {
			copy = xmalloc(n + 1);
			memcpy(copy, s, n);
			copy[n] = '\0';
			text = copy;
		}
		(void)tt_utf8_fix_escapes(copy, n);
	}
	*repaired = copy != NULL;
	root = cJSON_ParseWithLengthOpts(text, n, &end, 0);
	if (root == NULL)
		end = cJSON_GetErrorPtr();
	o = (end != NULL && end >= text && end <= text + n) ?
	    (size_t)(end - text) : 0;
	if (root == NULL && (n == 0 || o >= n))
		o = n;
	while (root != NULL && o < n && (text[o] == ' ' || text[o] == '\n' ||
	    text[o] == '\r' || text[o] == '\t'))
		o++;
	/* Repairs lengthen the text: keep a place before the end there. */
	*off = o >= n ? len : o < len ? o : len - 1;
	free(copy);
	return root;
}

/* Parse JSON text; on failure say where and why.  Caller deletes. */
cJSON *
json_parse(const char *s, size_t len, char **cause, int *repaired)
{
	cJSON		*root;
	size_t		 off;
	int		 fixed;

	if (!json_depth_ok(s, len, TT_JSON_DEPTH)) {
		*cause = xasprintf("JSON nested deeper than %d levels",
		    TT_JSON_DEPTH);
		return NULL;
	}
	root = parse_repaired(s, len, &off, &fixed);
	if (repaired != NULL)
		*repaired = fixed;
	if (root == NULL) {
		if (off >= len)
			*cause = xasprintf("malformed JSON: unexpected end of "
			    "input after %zu bytes", len);
		else
			*cause = xasprintf("malformed JSON at byte %zu", off);
		return NULL;
	}
	/* Only whitespace may follow the value. */
	if (off < len) {
		cJSON_Delete(root);
		*cause = xasprintf("malformed JSON: unexpected data at byte "
		    "%zu", off);
		return NULL;
	}
	return root;
}

/* The member key of o, or NULL (o NULL or no such member). */
static const cJSON *
member(const cJSON *o, const char *key)
{
	return o != NULL ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

const char *
json_vstr(const cJSON *v)
{
	if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
		return NULL;
	return v->valuestring;
}

const char *
json_str(const cJSON *o, const char *key)
{
	return json_vstr(member(o, key));
}

int
json_vint(const cJSON *v, int64_t *out)
{
	char	*end;
	double	 d;

	if (v == NULL)
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

int
json_int(const cJSON *o, const char *key, int64_t *out)
{
	return json_vint(member(o, key), out);
}

char *
json_vstrdup(const cJSON *v)
{
	const char	*s;

	if ((s = json_vstr(v)) != NULL)
		return xstrdup(s);
	if (cJSON_IsNumber(v)) {
		if (v->valuedouble == floor(v->valuedouble) &&
		    fabs(v->valuedouble) < 9e15)
			return xasprintf("%lld", (long long)v->valuedouble);
		return xasprintf("%g", v->valuedouble);
	}
	return NULL;
}

char *
json_strdup(const cJSON *o, const char *key)
{
	return json_vstrdup(member(o, key));
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

int
json_name_find(const struct json_names *t, const char *key)
{
	size_t	lo = 0, hi = t->n, mid;
	int	cmp;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		/* Most probes differ in the first byte. */
		cmp = (unsigned char)key[0] - (unsigned char)t->v[mid][0];
		if (cmp == 0 && key[0] != '\0')
			cmp = strcmp(key + 1, t->v[mid] + 1);
		if (cmp == 0)
			return (int)mid;
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

void
json_fields(const cJSON *o, const struct json_names *t, const cJSON **slot)
{
	const cJSON	*c;
	int		 k;

	memset(slot, 0, t->n * sizeof *slot);
	if (!cJSON_IsObject(o))
		return;
	/* cJSON's look-up stops at a member without a key: so does this. */
	for (c = o->child; c != NULL && c->string != NULL; c = c->next)
		if ((k = json_name_find(t, c->string)) >= 0 && slot[k] == NULL)
			slot[k] = c;
}

char *
json_fields_strdup(const cJSON *const *slot, const int *ids)
{
	char	*s;

	for (; *ids >= 0; ids++)
		if ((s = json_vstrdup(slot[*ids])) != NULL)
			return s;
	return NULL;
}

const cJSON *
json_vobj(const cJSON *v, cJSON **owned)
{
	cJSON		*parsed;
	size_t		 len, off;
	int		 repaired;

	*owned = NULL;
	if (v == NULL)
		return NULL;
	if (cJSON_IsObject(v))
		return v;
	if (!cJSON_IsString(v))
		return NULL;
	len = strlen(v->valuestring);
	if (!json_depth_ok(v->valuestring, len, TT_JSON_DEPTH))
		return NULL;
	/* Its text may hold \u0000 too: repaired like any body. */
	parsed = parse_repaired(v->valuestring, len, &off, &repaired);
	if (parsed == NULL)
		return NULL;
	if (!cJSON_IsObject(parsed)) {
		cJSON_Delete(parsed);
		return NULL;
	}
	*owned = parsed;
	return parsed;
}

const cJSON *
json_obj(const cJSON *o, const char *key, cJSON **owned)
{
	*owned = NULL;
	return json_vobj(member(o, key), owned);
}

/* A member time; 1 for none, the tt_time_parse() codes otherwise. */
int
json_vtime(const cJSON *v, int64_t *us)
{
	if (v == NULL || cJSON_IsNull(v))
		return 1;
	if (cJSON_IsNumber(v)) {
		/* 0 is what senders put where they have no time. */
		if (v->valuedouble == 0)
			return 1;
		return tt_time_number(v->valuedouble, us);
	}
	if (cJSON_IsString(v)) {
		if (v->valuestring[0] == '\0')
			return 1;
		return tt_time_parse(v->valuestring, us);
	}
	return TT_TIME_BAD;
}

int
json_time(const cJSON *o, const char *key, int64_t *us)
{
	return json_vtime(member(o, key), us);
}

/* A member's value as a short JSON text for a note: into buf. */
static void
value_text(const cJSON *v, char *buf, size_t len)
{
	char	*t;
	size_t	 n;

	if ((t = cJSON_PrintUnformatted(v)) == NULL)
		fatal("out of memory printing JSON");
	n = strlen(t);
	if (n < len)
		memcpy(buf, t, n + 1);
	else {
		/* Cut at a character boundary, then mark the cut. */
		n = len - 4;
		while (n > 0 && ((unsigned char)t[n] & 0xc0) == 0x80)
			n--;
		memcpy(buf, t, n);
		memcpy(buf + n, "...", 4);
	}
	free(t);
}

/* Set ev->ts from a member, or note why it is not used. */
int
json_vevent_ts(struct tt_event *ev, const cJSON *v)
{
	const char	*key;
	char		 text[72];
	int64_t		 us;
	int		 rc;

	if ((rc = json_vtime(v, &us)) == 1)
		return 1;
	if (rc == TT_TIME_OK) {
		ev->ts = us;
		return 0;
	}
	value_text(v, text, sizeof text);
	key = v->string != NULL ? v->string : "";
	if (rc == TT_TIME_RANGE)
		tt_event_note(ev, "%s %s is out of range (%s), ignored", key,
		    text, TT_TIME_RANGE_TEXT);
	else
		tt_event_note(ev, "%s %s is not a time, ignored", key, text);
	return -1;
}

int
json_event_ts(struct tt_event *ev, const cJSON *o, const char *key)
{
	return json_vevent_ts(ev, member(o, key));
}

/* An integer member in [min, max], or a note why it is not used. */
int
json_vevent_int(struct tt_event *ev, const cJSON *v, int64_t min,
    int64_t max, int64_t *out)
{
	const char	*key;
	char		 text[72], *end;
	double		 d;
	int64_t		 n;

	if (v == NULL || cJSON_IsNull(v) ||
	    (cJSON_IsString(v) && v->valuestring[0] == '\0'))
		return 1;
	key = v->string != NULL ? v->string : "";
	if (json_vint(v, &n) == 0 && n >= min && n <= max) {
		*out = n;
		return 0;
	}
	/* Only a value that is noted is printed. */
	value_text(v, text, sizeof text);
	if (json_vint(v, &n) != 0) {
		/* A number too large for int64, or no number at all? */
		d = NAN;
		if (cJSON_IsNumber(v))
			d = v->valuedouble;
		else if (cJSON_IsString(v)) {
			d = strtod(v->valuestring, &end);
			if (*end != '\0')
				d = NAN;
		}
		if (isnan(d))
			tt_event_note(ev, "%s %s is not a number, ignored",
			    key, text);
		else
			tt_event_note(ev, "%s %s is out of range (%lld to "
			    "%lld), ignored", key, text, (long long)min,
			    (long long)max);
		return -1;
	}
	tt_event_note(ev, "%s %s is out of range (%lld to %lld), ignored",
	    key, text, (long long)min, (long long)max);
	return -1;
}

/* A number member in [min, max], fraction kept, or a note why not used. */
int
json_vevent_num(struct tt_event *ev, const cJSON *v, int64_t min,
    int64_t max, double *out)
{
	const char	*key;
	char		 text[72], *end;
	double		 d = NAN;

	if (v == NULL || cJSON_IsNull(v) ||
	    (cJSON_IsString(v) && v->valuestring[0] == '\0'))
		return 1;
	if (cJSON_IsNumber(v))
		d = v->valuedouble;
	else if (cJSON_IsString(v)) {
		d = strtod(v->valuestring, &end);
		if (*end != '\0')
			d = NAN;
	}
	if (d >= (double)min && d <= (double)max) {
		*out = d;
		return 0;
	}
	key = v->string != NULL ? v->string : "";
	value_text(v, text, sizeof text);
	if (isnan(d))
		tt_event_note(ev, "%s %s is not a number, ignored", key, text);
	else
		tt_event_note(ev, "%s %s is out of range (%lld to %lld), ignored",
		    key, text, (long long)min, (long long)max);
	return -1;
}

int
json_event_int(struct tt_event *ev, const cJSON *o, const char *key,
    int64_t min, int64_t max, int64_t *out)
{
	return json_vevent_int(ev, member(o, key), min, max, out);
}

/*
 * Print unformatted: valid UTF-8 (the tree is), every control character
 * escaped.  Caller frees.
 */
char *
json_print(const cJSON *o, size_t *len)
{
	char	*s;
	size_t	 n;

	if ((s = cJSON_PrintUnformatted(o)) == NULL)
		fatal("out of memory printing JSON");
	n = strlen(s);
	s = tt_utf8_json(s, &n);
	if (len != NULL)
		*len = n;
	return s;
}
