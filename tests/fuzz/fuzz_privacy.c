/*
 * libFuzzer target: the privacy scanner (core/privacy.c).  The input is
 * one event's JSON text, as tt_event.data holds it; the seeds are the
 * events the fixtures decode to.  Properties: the findings' JSON
 * (tt_privacy_json) parses and says the same as the findings; each
 * (field, kind) comes once with its kind's grade; a second scan reusing the
 * findings' memory, as the ingest path does, finds the same.  Each finding's
 * path also goes through the field table's lookup (core/fields.c), which
 * parses paths of the same grammar.
 */
#include <cJSON.h>

#include "fuzz.h"
#include "core/fields.h"
#include "core/privacy.h"

#define PAIRS_CHECKED	256	/* the O(n^2) duplicate check stops there */

static void
check_json(const struct tt_findings *f)
{
	const cJSON	*it, *field, *kind, *grade;
	cJSON		*j;
	char		*text;
	size_t		 i = 0;

	text = tt_privacy_json(f);
	j = cJSON_Parse(text);
	FUZZ_CHECK(cJSON_IsArray(j), "not a JSON array: %.300s", text);
	FUZZ_CHECK((size_t)cJSON_GetArraySize(j) == f->n, "%d items, %zu "
	    "findings", cJSON_GetArraySize(j), f->n);
	cJSON_ArrayForEach(it, j) {
		field = cJSON_GetObjectItemCaseSensitive(it, "field");
		kind = cJSON_GetObjectItemCaseSensitive(it, "kind");
		grade = cJSON_GetObjectItemCaseSensitive(it, "grade");
		FUZZ_CHECK(cJSON_IsString(field) && cJSON_IsString(kind) &&
		    cJSON_IsString(grade), "item %zu incomplete", i);
		FUZZ_CHECK(strcmp(field->valuestring, f->v[i].field) == 0,
		    "item %zu: field \"%s\" for \"%s\"", i, field->valuestring,
		    f->v[i].field);
		FUZZ_CHECK(strcmp(kind->valuestring, f->v[i].kind) == 0,
		    "item %zu: kind %s for %s", i, kind->valuestring,
		    f->v[i].kind);
		FUZZ_CHECK(strcmp(grade->valuestring, f->v[i].red ? "red" :
		    "yellow") == 0, "item %zu: grade %s", i,
		    grade->valuestring);
		i++;
	}
	cJSON_Delete(j);
	free(text);
}

static void
check_findings(const struct tt_findings *f)
{
	static const struct {
		const char	*name;
		int		 red;
	} kinds[] = {
#define KIND(id, name, red, text) { name, red },
		TT_PRIVACY_KINDS(KIND)
#undef KIND
	};
	size_t	 i, j, k;

	FUZZ_CHECK(f->n <= f->cap, "n %zu, cap %zu", f->n, f->cap);
	for (i = 0; i < f->n; i++) {
		FUZZ_CHECK(f->v[i].field != NULL && f->v[i].kind != NULL,
		    "finding %zu incomplete", i);
		for (k = 0; k < TT_PK_COUNT; k++)
			if (strcmp(f->v[i].kind, kinds[k].name) == 0)
				break;
		FUZZ_CHECK(k < TT_PK_COUNT, "unknown kind %s", f->v[i].kind);
		FUZZ_CHECK(f->v[i].red == kinds[k].red, "%s graded %d",
		    f->v[i].kind, f->v[i].red);
		for (j = 0; j < i && i < PAIRS_CHECKED; j++)
			FUZZ_CHECK(strcmp(f->v[i].field, f->v[j].field) != 0 ||
			    f->v[i].kind != f->v[j].kind,
			    "(%s, %s) recorded twice", f->v[i].field,
			    f->v[i].kind);
		(void)tt_field_doc_event("devpod", "devpod-insert",
		    f->v[i].field);
		(void)tt_field_doc_event("werf", "generic", f->v[i].field);
		(void)tt_privacy_kind_text(f->v[i].kind);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char	 other[] = "{\"email\":\"a@b.example.org\","
				     "\"ip\":\"10.1.2.3\","
				     "\"x\":[\"/home/alice/src\"]}";
	struct tt_findings	 f, g;
	size_t			 i;
	int			 rc, again;

	tt_findings_init(&f);
	tt_findings_init(&g);
	rc = tt_privacy_scan((const char *)data, size, &f);
	FUZZ_CHECK(rc == 0 || rc == -1, "rc %d", rc);
	FUZZ_CHECK(rc == 0 || f.n == 0, "%zu findings in no JSON", f.n);
	check_findings(&f);
	check_json(&f);

	/* Reuse: g holds another scan's findings first. */
	(void)tt_privacy_scan(other, sizeof other - 1, &g);
	again = tt_privacy_scan((const char *)data, size, &g);
	FUZZ_CHECK(again == rc, "rc %d, then %d", rc, again);
	FUZZ_CHECK(g.n == f.n, "%zu findings, then %zu", f.n, g.n);
	for (i = 0; i < f.n; i++)
		FUZZ_CHECK(strcmp(f.v[i].field, g.v[i].field) == 0 &&
		    f.v[i].kind == g.v[i].kind, "finding %zu differs", i);
	tt_findings_clear(&f);
	tt_findings_clear(&g);
	return 0;
}
