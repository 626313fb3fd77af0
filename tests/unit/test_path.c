/*
 * Unit tests for field paths (core/path.c): what the builder writes, that
 * parsing gives back the components it was built from (and building those
 * gives back the text), what is not a path, the flat form, and following a
 * path into a document, JSON text in strings included.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tt_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "path.h"

/* One component to build: a key (len bytes) or an index. */
struct comp {
	int		 how;
	int		 is_index;
	size_t		 index;
	const char	*key;
	size_t		 len;
};

#define K(how, s)	{ how, 0, 0, s, sizeof s - 1 }
#define I(how, n)	{ how, 1, n, NULL, 0 }
#define R	TT_PATH_ROOT
#define M	TT_PATH_MEMBER
#define E	TT_PATH_EMBED

/* Build comps into a path; caller frees. */
static char *
build(const struct comp *c, size_t n)
{
	struct tt_path	 p;
	char		 buf[8], *out;	/* small: the path must grow */
	size_t		 i;

	tt_path_init(&p, buf, sizeof buf);
	for (i = 0; i < n; i++) {
		if (c[i].is_index)
			tt_path_index(&p, c[i].index, c[i].how);
		else
			tt_path_key(&p, c[i].key, c[i].len, c[i].how);
	}
	out = dup_str(p.s);
	tt_path_free(&p);
	return out;
}

/* The path built from comps is want; it parses back into comps. */
static void
round_trip(const struct comp *c, size_t n, const char *want)
{
	struct tt_path_parts	 pp;
	struct tt_path		 p;
	char			 buf[64], *got;
	size_t			 i;

	got = build(c, n);
	assert_str(got, want);
	assert_int_equal(tt_path_parse(got, &pp), 0);
	assert_int_equal(pp.n, n);
	tt_path_init(&p, buf, sizeof buf);
	for (i = 0; i < n; i++) {
		assert_int_equal(pp.v[i].how, c[i].how);
		assert_int_equal(pp.v[i].is_index, c[i].is_index);
		if (c[i].is_index) {
			assert_int_equal(pp.v[i].index, c[i].index);
			tt_path_index(&p, pp.v[i].index, pp.v[i].how);
		} else {
			assert_int_equal(pp.v[i].key_len, c[i].len);
			assert_memory_equal(pp.v[i].key, c[i].key, c[i].len);
			tt_path_key(&p, pp.v[i].key, pp.v[i].key_len,
			    pp.v[i].how);
		}
	}
	assert_str(p.s, want);
	tt_path_free(&p);
	tt_path_parts_free(&pp);
	free(got);
}

static void
test_build_and_parse(void **state)
{
	static const struct comp plain[] = { K(R, "properties"),
	    K(M, "$ip") };
	static const struct comp batch[] = { K(R, "batch"), I(M, 0),
	    K(M, "uuid") };
	static const struct comp embed[] = { K(R, "event"),
	    K(M, "properties"), K(E, "error") };
	static const struct comp embed_index[] = { K(R, "tags"), I(E, 1) };
	static const struct comp dotted[] = { K(R, "attributes"),
	    K(M, "host.name") };
	static const struct comp dotted_root[] = { K(R, "k8s.node.name") };
	static const struct comp embed_dotted[] = { K(R, "attributes"),
	    K(E, "service.name"), K(M, "x") };
	static const struct comp nasty[] = { K(R, "a"), K(M, "q\"b\\s"),
	    K(M, "sp ace"), K(M, "br[0]"), K(M, "gt>"), K(M, "") };
	static const struct comp controls[] = { K(R, "tab\there"),
	    K(M, "nul\0x"), K(M, "\x1f") };
	static const struct comp utf8[] = { K(R, "caf\xc3\xa9"),
	    K(M, "\xf0\x9f\x98\x80 x") };
	static const struct comp root_index[] = { I(R, 12), I(M, 0),
	    K(M, "$lib") };
	static const struct comp deep[] = { K(R, "a"), K(E, "b"),
	    I(E, 3), K(E, "c.d"), I(M, 10) };

	(void)state;
	round_trip(plain, 2, "properties.$ip");
	round_trip(batch, 3, "batch[0].uuid");
	round_trip(embed, 3, "event.properties>error");
	round_trip(embed_index, 2, "tags>[1]");
	round_trip(dotted, 2, "attributes[\"host.name\"]");
	round_trip(dotted_root, 1, "[\"k8s.node.name\"]");
	round_trip(embed_dotted, 3, "attributes>[\"service.name\"].x");
	round_trip(nasty, 6, "a[\"q\\\"b\\\\s\"][\"sp ace\"][\"br[0]\"]"
	    "[\"gt>\"][\"\"]");
	round_trip(controls, 3, "[\"tab\\u0009here\"][\"nul\\u0000x\"]"
	    "[\"\\u001f\"]");
	round_trip(utf8, 2, "caf\xc3\xa9[\"\xf0\x9f\x98\x80 x\"]");
	round_trip(root_index, 3, "[12][0].$lib");
	round_trip(deep, 5, "a>b>[3]>[\"c.d\"][10]");
}

/* A key written with other JSON escapes reads the same. */
static void
test_parse_escapes(void **state)
{
	struct tt_path_parts	pp;

	(void)state;
	assert_int_equal(tt_path_parse("x[\"a\\/b\\n\\u00e9\\ud83d\\ude00\"]",
	    &pp), 0);
	assert_int_equal(pp.n, 2);
	assert_str(pp.v[1].key, "a/b\n\xc3\xa9\xf0\x9f\x98\x80");
	tt_path_parts_free(&pp);
	assert_int_equal(tt_path_parse("", &pp), 0);
	assert_int_equal(pp.n, 0);
	tt_path_parts_free(&pp);
}

static void
test_not_paths(void **state)
{
	static const char *const bad[] = {
		".a", "a.", "a..b", "a.[0]", "a[", "a[]", "a[x]", "a[01]",
		"a[0", "a[\"b", "a[\"b\"", "a[\"b\"]c", "a[0]b", "a>", "a>.b",
		"a b", "a\"b", "a]", "a\\b", "a[\"\\x\"]", "a[\"\\u12\"]",
		"a[\"\\ud800\"]", "a[99999999999999999999999]", NULL
	};
	struct tt_path_parts	 pp;
	size_t			 i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++) {
		if (tt_path_parse(bad[i], &pp) == 0) {
			print_error("\"%s\" parsed\n", bad[i]);
			fail();
		}
		assert_null(pp.v);
	}
}

static void
test_flat(void **state)
{
	static const char *const cases[][2] = {
		{ "attributes[\"host.name\"]", "attributes.host.name" },
		{ "_span.resource[\"service.name\"]",
		  "_span.resource.service.name" },
		{ "a>[\"b.c\"][2]", "a>b.c[2]" },
		{ "properties.$ip", "properties.$ip" },
		{ "a[\"b", "a[\"b" },	/* not a path: as it is */
	};
	size_t	i;
	char	*f;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		f = tt_path_flat(cases[i][0]);
		assert_str(f, cases[i][1]);
		free(f);
	}
}

/* The value at path in doc, printed; NULL if there is none. */
static char *
get(const cJSON *doc, const char *path)
{
	const cJSON	*v;
	cJSON		*owned = NULL;
	char		*out = NULL;

	if ((v = tt_path_get(doc, path, &owned)) != NULL)
		out = cJSON_PrintUnformatted(v);
	cJSON_Delete(owned);
	return out;
}

static void
test_get(void **state)
{
	cJSON	*doc;
	char	*v;
	size_t	 i;
	static const char *const cases[][2] = {
		{ "properties.$ip", "\"203.0.113.7\"" },
		{ "batch[1].uuid", "\"u2\"" },
		{ "attributes[\"host.name\"]", "\"alice-mbp.local\"" },
		{ "event.properties>error", "\"open /home/alice: denied\"" },
		{ "event.properties>tags>[1]", "\"b\"" },
		{ "event.properties>[\"a.b\"]", "1" },
		{ "event.properties>nested.k", "true" },
		{ "properties.missing", NULL },
		{ "batch[2]", NULL },
		{ "properties>x", NULL },	/* not JSON text */
		{ "batch.x", NULL },		/* not an object */
		{ "properties[0]", NULL },	/* not an array */
	};

	(void)state;
	doc = cJSON_Parse("{\"properties\":{\"$ip\":\"203.0.113.7\"},"
	    "\"batch\":[{\"uuid\":\"u1\"},{\"uuid\":\"u2\"}],"
	    "\"attributes\":{\"host.name\":\"alice-mbp.local\"},"
	    "\"event\":{\"properties\":\"{\\\"error\\\":\\\"open /home/alice:"
	    " denied\\\",\\\"tags\\\":\\\"[\\\\\\\"a\\\\\\\",\\\\\\\"b\\\\\\\"]"
	    "\\\",\\\"a.b\\\":1,\\\"nested\\\":{\\\"k\\\":true}}\"}}");
	assert_non_null(doc);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		v = get(doc, cases[i][0]);
		if ((v == NULL) != (cases[i][1] == NULL) || (v != NULL &&
		    strcmp(v, cases[i][1]) != 0)) {
			print_error("%s: %s, expected %s\n", cases[i][0],
			    v ? v : "NULL", cases[i][1] ? cases[i][1] : "NULL");
			fail();
		}
		free(v);
	}
	cJSON_Delete(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_and_parse),
		cmocka_unit_test(test_parse_escapes),
		cmocka_unit_test(test_not_paths),
		cmocka_unit_test(test_flat),
		cmocka_unit_test(test_get),
	};

	return cmocka_run_group_tests_name("path", tests, NULL, NULL);
}
