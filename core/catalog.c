/*
 * Field catalog rows (core/catalog.h): their JSON line, grade and meaning,
 * and the diff of two versions, a merge of two sorted lists.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "decode.h"
#include "eventjson.h"
#include "fields.h"
#include "privacy.h"
#include "shape.h"
#include "xmalloc.h"

static const char *const diff_texts[] = {
#define TT_DIFF_TEXT(id, text) text,
	TT_DIFF_KINDS(TT_DIFF_TEXT)
#undef TT_DIFF_TEXT
};

static void
free_strings(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
tt_field_row_clear(struct tt_field_row *r)
{
	free(r->source);
	free(r->name);
	free(r->path);
	free(r->format);
	free_strings(r->versions, r->nversions);
	free_strings(r->examples, r->nexamples);
	memset(r, 0, sizeof *r);
}

struct tt_field_row *
tt_field_rows_add(struct tt_field_rows *rows)
{
	if (rows->n == rows->cap) {
		rows->cap = rows->cap ? rows->cap * 2 : 64;
		rows->v = xrealloc(rows->v, rows->cap * sizeof *rows->v);
	}
	memset(&rows->v[rows->n], 0, sizeof rows->v[0]);
	return &rows->v[rows->n++];
}

void
tt_field_rows_clear(struct tt_field_rows *rows)
{
	size_t	i;

	for (i = 0; i < rows->n; i++)
		tt_field_row_clear(&rows->v[i]);
	free(rows->v);
	memset(rows, 0, sizeof *rows);
}

void
tt_field_row_add_version(struct tt_field_row *r, const char *v)
{
	size_t	i;

	for (i = 0; i < r->nversions; i++)
		if (strcmp(r->versions[i], v) == 0)
			return;
	r->versions = xrealloc(r->versions, (r->nversions + 1) *
	    sizeof *r->versions);
	r->versions[r->nversions++] = xstrdup(v);
}

int
tt_version_cmp(const char *a, const char *b)
{
	const char	*ae, *be;
	size_t		 an, bn;
	int		 c;

	if (*a == 'v' || *a == 'V')
		a++;
	if (*b == 'v' || *b == 'V')
		b++;
	while (*a != '\0' && *b != '\0') {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			while (*a == '0' && a[1] >= '0' && a[1] <= '9')
				a++;
			while (*b == '0' && b[1] >= '0' && b[1] <= '9')
				b++;
			for (ae = a; *ae >= '0' && *ae <= '9'; ae++)
				;
			for (be = b; *be >= '0' && *be <= '9'; be++)
				;
			an = (size_t)(ae - a);
			bn = (size_t)(be - b);
			if (an != bn)
				return an < bn ? -1 : 1;
			if ((c = memcmp(a, b, an)) != 0)
				return c;
			a = ae;
			b = be;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	if (*a == *b)
		return 0;
	/* "1.0-rc1" against "1.0": the pre-release first */
	if (*a == '-')
		return -1;
	if (*b == '-')
		return 1;
	return *a == '\0' ? -1 : 1;
}

static int
version_qcmp(const void *a, const void *b)
{
	return tt_version_cmp(*(char *const *)a, *(char *const *)b);
}

void
tt_versions_sort(char **v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof *v, version_qcmp);
}

int
tt_field_grade(const struct tt_field_row *r)
{
	int	i, grade = 0;

	for (i = 0; i < TT_PK_COUNT; i++)
		if (r->kinds & (1 << i)) {
			if (tt_privacy_kind_red(i))
				return 2;
			grade = 1;
		}
	return grade;
}

const char *
tt_grade_name(int grade)
{
	return grade == 2 ? "red" : grade == 1 ? "yellow" : "green";
}

const char *
tt_field_meaning(const struct tt_field_row *r)
{
	const struct tt_field_doc	*d;

	d = tt_field_doc_event(r->source, r->format, r->path);
	return d != NULL ? d->meaning : NULL;
}

int
tt_field_is_leaf(const struct tt_field_row *r)
{
	return (r->types & (TT_JT(OBJECT) | TT_JT(ARRAY) | TT_JT(JSON))) == 0;
}

/* An array of the strings. */
static cJSON *
strings(char *const *v, size_t n)
{
	cJSON	*a = cJSON_CreateArray();
	size_t	 i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

/* The bits of a mask as an array of names(i). */
static cJSON *
names(int mask, int count, const char *(*name)(int))
{
	cJSON	*a = cJSON_CreateArray();
	int	 i;

	for (i = 0; i < count; i++)
		if (mask & (1 << i))
			cJSON_AddItemToArray(a, cJSON_CreateString(name(i)));
	return a;
}

static void
add_time(cJSON *o, const char *key, int64_t us)
{
	char	buf[40];

	if (tt_time_format(us, buf, sizeof buf) == 0)
		cJSON_AddStringToObject(o, key, buf);
	else
		cJSON_AddNullToObject(o, key);
}

char *
tt_field_row_json(const struct tt_field_row *r, size_t *len)
{
	const char	*meaning = tt_field_meaning(r);
	cJSON		*o = cJSON_CreateObject();
	char		*out;

	cJSON_AddStringToObject(o, "source", r->source);
	cJSON_AddStringToObject(o, "name", r->name);
	cJSON_AddStringToObject(o, "path", r->path);
	cJSON_AddStringToObject(o, "format", r->format != NULL ? r->format :
	    "unknown");
	cJSON_AddItemToObject(o, "types", names(r->types, TT_JTB_COUNT,
	    tt_jtype_name));
	cJSON_AddStringToObject(o, "grade", tt_grade_name(tt_field_grade(r)));
	cJSON_AddItemToObject(o, "kinds", names(r->kinds, TT_PK_COUNT,
	    tt_privacy_kind_name));
	tt_json_add_int(o, "events", r->events);
	add_time(o, "first_seen", r->first_seen);
	add_time(o, "last_seen", r->last_seen);
	cJSON_AddItemToObject(o, "versions", strings(r->versions,
	    r->nversions));
	cJSON_AddItemToObject(o, "examples", strings(r->examples,
	    r->nexamples));
	if (meaning != NULL)
		cJSON_AddStringToObject(o, "meaning", meaning);
	else
		cJSON_AddNullToObject(o, "meaning");
	out = tt_json_line(o, len);
	cJSON_Delete(o);
	return out;
}

/* A member that must be a string: a copy, or NULL with *cause. */
static char *
member_string(const cJSON *o, const char *key, char **cause)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsString(v)) {
		*cause = xasprintf("%s: not a string", key);
		return NULL;
	}
	return xstrdup(v->valuestring);
}

/* The strings of an array member into *v; -1 with *cause. */
static int
member_strings(const cJSON *o, const char *key, char ***v, size_t *n,
    char **cause)
{
	const cJSON	*a = cJSON_GetObjectItemCaseSensitive(o, key), *e;

	if (!cJSON_IsArray(a)) {
		*cause = xasprintf("%s: not an array", key);
		return -1;
	}
	cJSON_ArrayForEach(e, a) {
		if (!cJSON_IsString(e)) {
			*cause = xasprintf("%s: not strings", key);
			return -1;
		}
		*v = xrealloc(*v, (*n + 1) * sizeof **v);
		(*v)[(*n)++] = xstrdup(e->valuestring);
	}
	return 0;
}

/* A mask from an array of names; -1 with *cause. */
static int
member_mask(const cJSON *o, const char *key, int (*index)(const char *),
    int *mask, char **cause)
{
	const cJSON	*a = cJSON_GetObjectItemCaseSensitive(o, key), *e;
	int		 i;

	*mask = 0;
	if (!cJSON_IsArray(a))
		goto bad;
	cJSON_ArrayForEach(e, a) {
		if (!cJSON_IsString(e) || (i = index(e->valuestring)) < 0)
			goto bad;
		*mask |= 1 << i;
	}
	return 0;
bad:
	*cause = xasprintf("%s: not an array of known names", key);
	return -1;
}

static int
jtype_index(const char *s)
{
	int	m = tt_jtypes_parse(s), i;

	for (i = 0; i < TT_JTB_COUNT; i++)
		if (m == 1 << i)
			return i;
	return -1;
}

static int
member_time(const cJSON *o, const char *key, int64_t *us, char **cause)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (cJSON_IsString(v) && tt_time_parse(v->valuestring, us) ==
	    TT_TIME_OK)
		return 0;
	*cause = xasprintf("%s: not a time", key);
	return -1;
}

int
tt_field_row_from_json(const cJSON *o, struct tt_field_row *r, char **cause)
{
	const cJSON	*n;

	memset(r, 0, sizeof *r);
	*cause = NULL;
	if (!cJSON_IsObject(o)) {
		*cause = xstrdup("not an object");
		return -1;
	}
	n = cJSON_GetObjectItemCaseSensitive(o, "events");
	if ((r->source = member_string(o, "source", cause)) == NULL ||
	    (r->name = member_string(o, "name", cause)) == NULL ||
	    (r->path = member_string(o, "path", cause)) == NULL ||
	    (r->format = member_string(o, "format", cause)) == NULL ||
	    member_mask(o, "types", jtype_index, &r->types, cause) != 0 ||
	    member_mask(o, "kinds", tt_privacy_kind_index, &r->kinds,
	    cause) != 0 ||
	    member_time(o, "first_seen", &r->first_seen, cause) != 0 ||
	    member_time(o, "last_seen", &r->last_seen, cause) != 0 ||
	    member_strings(o, "versions", &r->versions, &r->nversions,
	    cause) != 0 ||
	    member_strings(o, "examples", &r->examples, &r->nexamples,
	    cause) != 0)
		goto bad;
	if (!cJSON_IsNumber(n) || n->valuedouble < 0 ||
	    n->valuedouble > 9007199254740992.0) {
		*cause = xstrdup("events: not a count");
		goto bad;
	}
	r->events = (int64_t)n->valuedouble;
	return 0;
bad:
	tt_field_row_clear(r);
	return -1;
}

/* ---- diff ---- */

static void
diff_add(struct tt_diff *d, enum tt_diff_kind kind, const char *name,
    const struct tt_field_row *from, const struct tt_field_row *to)
{
	struct tt_diff_item	*it;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 32;
		d->v = xrealloc(d->v, d->cap * sizeof *d->v);
	}
	it = &d->v[d->n++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->name = name;
	if (kind != TT_DIFF_EVENT_ADDED && kind != TT_DIFF_EVENT_REMOVED)
		it->path = (to != NULL ? to : from)->path;
	if (from != NULL) {
		it->from_types = from->types;
		it->from_kinds = from->kinds;
	}
	if (to != NULL) {
		it->to_types = to->types;
		it->to_kinds = to->kinds;
	}
}

/* The end of the run of rows with rows->v[i]'s name. */
static size_t
name_end(const struct tt_field_rows *rows, size_t i)
{
	size_t	j = i;

	while (j < rows->n && strcmp(rows->v[j].name, rows->v[i].name) == 0)
		j++;
	return j;
}

/* The fields of one event in both versions: [a, ae) against [b, be). */
static void
diff_fields(const struct tt_field_rows *from, size_t a, size_t ae,
    const struct tt_field_rows *to, size_t b, size_t be, struct tt_diff *d)
{
	const struct tt_field_row	*f, *t;
	int				 c;

	while (a < ae || b < be) {
		f = a < ae ? &from->v[a] : NULL;
		t = b < be ? &to->v[b] : NULL;
		c = f == NULL ? 1 : t == NULL ? -1 : strcmp(f->path, t->path);
		if (c < 0) {
			diff_add(d, TT_DIFF_REMOVED, f->name, f, NULL);
			a++;
			continue;
		}
		if (c > 0) {
			diff_add(d, TT_DIFF_ADDED, t->name, NULL, t);
			b++;
			continue;
		}
		if (f->types != t->types)
			diff_add(d, TT_DIFF_TYPE, t->name, f, t);
		if (tt_field_grade(t) == 2 && tt_field_grade(f) != 2)
			diff_add(d, TT_DIFF_PERSONAL, t->name, f, t);
		a++;
		b++;
	}
}

void
tt_fields_diff(const struct tt_field_rows *from,
    const struct tt_field_rows *to, struct tt_diff *d)
{
	size_t	a = 0, b = 0, ae, be;
	int	c;

	memset(d, 0, sizeof *d);
	while (a < from->n || b < to->n) {
		c = a >= from->n ? 1 : b >= to->n ? -1 :
		    strcmp(from->v[a].name, to->v[b].name);
		ae = c <= 0 ? name_end(from, a) : a;
		be = c >= 0 ? name_end(to, b) : b;
		if (c < 0)
			diff_add(d, TT_DIFF_EVENT_REMOVED, from->v[a].name,
			    NULL, NULL);
		else if (c > 0)
			diff_add(d, TT_DIFF_EVENT_ADDED, to->v[b].name, NULL,
			    NULL);
		else
			diff_fields(from, a, ae, to, b, be, d);
		a = ae;
		b = be;
	}
}

void
tt_diff_clear(struct tt_diff *d)
{
	free(d->v);
	memset(d, 0, sizeof *d);
}

const char *
tt_diff_kind_text(enum tt_diff_kind k)
{
	return (unsigned)k < TT_DIFF_COUNT ? diff_texts[k] : "?";
}

char *
tt_diff_item_json(const struct tt_diff_item *it, size_t *len)
{
	static const char *const keys[] = { "event_added", "event_removed",
	    "added", "removed", "type_changed", "newly_personal" };
	cJSON	*o = cJSON_CreateObject();
	char	*out;

	cJSON_AddStringToObject(o, "change", keys[it->kind]);
	cJSON_AddStringToObject(o, "name", it->name);
	if (it->path != NULL) {
		cJSON_AddStringToObject(o, "path", it->path);
		if (it->kind != TT_DIFF_ADDED)
			cJSON_AddItemToObject(o, "from_types",
			    names(it->from_types, TT_JTB_COUNT,
			    tt_jtype_name));
		if (it->kind != TT_DIFF_REMOVED)
			cJSON_AddItemToObject(o, "to_types",
			    names(it->to_types, TT_JTB_COUNT,
			    tt_jtype_name));
		if (it->kind == TT_DIFF_PERSONAL || it->kind == TT_DIFF_ADDED)
			cJSON_AddItemToObject(o, "kinds", names(it->to_kinds,
			    TT_PK_COUNT, tt_privacy_kind_name));
	}
	out = tt_json_line(o, len);
	cJSON_Delete(o);
	return out;
}
