/*
 * The one JSON string escaper (core/json.c): every byte as cJSON's printer
 * writes it, the \u00XX form of field paths, lengths, and NULs inside.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <cmocka.h>

#include "core/json.h"

/* Each byte from 1 to 255, alone and between letters, as cJSON prints it. */
static void
test_like_cjson(void **state)
{
	char	 in[4], *ours, *theirs;
	cJSON	*s;
	int	 c;

	(void)state;
	for (c = 1; c < 256; c++) {
		in[0] = 'a';
		in[1] = (char)c;
		in[2] = 'z';
		in[3] = '\0';
		s = cJSON_CreateString(in);
		theirs = cJSON_PrintUnformatted(s);
		ours = tt_json_quote(in);
		assert_string_equal(ours, theirs);
		free(ours);
		cJSON_free(theirs);
		cJSON_Delete(s);
	}
}

static void
test_escape(void **state)
{
	static const char	 in[] = "x\"\\\n\0\x1f\t/";
	char			 out[6 * sizeof in];
	size_t			 n;

	(void)state;
	/* Counting and writing agree; the NUL inside is escaped. */
	n = tt_json_escape(in, sizeof in - 1, NULL, 0);
	assert_int_equal(tt_json_escape(in, sizeof in - 1, out, 0), n);
	assert_int_equal(n, strlen("x\\\"\\\\\\n\\u0000\\u001f\\t/"));
	assert_memory_equal(out, "x\\\"\\\\\\n\\u0000\\u001f\\t/", n);
	/* A path key's form: every control as \u00XX. */
	n = tt_json_escape(in, sizeof in - 1, out, TT_JSON_U00);
	assert_int_equal(n, strlen("x\\\"\\\\\\u000a\\u0000\\u001f\\u0009/"));
	assert_memory_equal(out, "x\\\"\\\\\\u000a\\u0000\\u001f\\u0009/", n);
	/* Bytes at and above 0x20, UTF-8 or not, go as they are. */
	assert_int_equal(tt_json_escape("\xc3\xa9\xff ~", 5, out, 0), 5);
	assert_memory_equal(out, "\xc3\xa9\xff ~", 5);
	assert_int_equal(tt_json_escape("", 0, out, 0), 0);
}

static void
test_quote(void **state)
{
	char	*q;

	(void)state;
	q = tt_json_quote("");
	assert_string_equal(q, "\"\"");
	free(q);
	q = tt_json_quote("no \"such\" route\r\n");
	assert_string_equal(q, "\"no \\\"such\\\" route\\r\\n\"");
	free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_like_cjson),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_quote),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
