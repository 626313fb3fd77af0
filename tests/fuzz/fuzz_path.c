/*
 * libFuzzer target: field paths (core/path.c).  The input, up to its first
 * NUL, goes to tt_path_parse(); the components of a path it accepts are
 * built into the path's one written form, which must parse back into the
 * same components.  Its flat form and its value in a small document must
 * not fail.  The bytes are also built as one key, which must parse back to
 * that key.
 */
#include "fuzz.h"

#include <cJSON.h>

#include "core/path.h"

static const char doc_text[] =
	"{\"a\":{\"b.c\":[1,\"{\\\"x\\\":[true]}\"]},\"\":{\" \":2},"
	"\"tags\":\"[\\\"t\\\"]\"}";

/* Build the components of pp into p (its buffer buf). */
static void
build(struct tt_path *p, char *buf, size_t cap,
    const struct tt_path_parts *pp)
{
	size_t	i;

	tt_path_init(p, buf, cap);
	for (i = 0; i < pp->n; i++) {
		if (pp->v[i].is_index)
			tt_path_index(p, pp->v[i].index, pp->v[i].how);
		else
			tt_path_key(p, pp->v[i].key, pp->v[i].key_len,
			    pp->v[i].how);
	}
}

/* Are a and b the same components? */
static int
same(const struct tt_path_parts *a, const struct tt_path_parts *b)
{
	size_t	i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		if (a->v[i].how != b->v[i].how ||
		    a->v[i].is_index != b->v[i].is_index)
			return 0;
		if (a->v[i].is_index ? a->v[i].index != b->v[i].index :
		    a->v[i].key_len != b->v[i].key_len ||
		    memcmp(a->v[i].key, b->v[i].key, a->v[i].key_len) != 0)
			return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tt_path_parts	 pp, again;
	struct tt_path		 p;
	cJSON			*doc, *owned = NULL;
	char			 buf[16], *s, *flat;

	s = fuzz_str(data, size);
	if (tt_path_parse(s, &pp) == 0) {
		build(&p, buf, sizeof buf, &pp);
		FUZZ_CHECK(tt_path_parse(p.s, &again) == 0, "\"%s\" written "
		    "as \"%s\", which does not parse", s, p.s);
		FUZZ_CHECK(same(&pp, &again), "\"%s\" written as \"%s\" "
		    "reads back otherwise", s, p.s);
		tt_path_parts_free(&again);
		tt_path_free(&p);
		tt_path_parts_free(&pp);
	}
	flat = tt_path_flat(s);
	free(flat);
	doc = cJSON_Parse(doc_text);
	(void)tt_path_get(doc, s, &owned);
	cJSON_Delete(owned);
	cJSON_Delete(doc);
	free(s);

	/* The input as one key: it parses back to one component, itself. */
	tt_path_init(&p, buf, sizeof buf);
	tt_path_key(&p, (const char *)data, size, TT_PATH_ROOT);
	FUZZ_CHECK(tt_path_parse(p.s, &pp) == 0 && pp.n == 1 &&
	    pp.v[0].key_len == size &&
	    memcmp(pp.v[0].key, data, size) == 0, "key of %zu bytes lost",
	    size);
	tt_path_parts_free(&pp);
	tt_path_free(&p);
	return 0;
}
