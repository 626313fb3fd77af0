/*
 * Unit tests for core/utf8.c: validation, repair with U+FFFD (one per
 * maximal invalid subpart, as the WHATWG decoder of node's strict
 * TextDecoder and every browser does; the expected counts were checked
 * against it), NUL, control characters in JSON text, and the \u0000 and
 * lone-surrogate escapes with the "\\u0000" corner.
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

#include "utf8.h"

#define R	"\xef\xbf\xbd"		/* U+FFFD */

/* tt_utf8_clean(in, n) must give want; valid must say in was invalid. */
static void
check_clean(const char *name, const char *in, size_t n, const char *want)
{
	size_t	 len = 0;
	char	*got;

	if (tt_utf8_valid(in, n)) {
		print_error("%s: taken as valid\n", name);
		fail();
	}
	got = tt_utf8_clean(in, n, &len);
	if (len != strlen(want) || memcmp(got, want, len) != 0 ||
	    got[len] != '\0') {
		print_error("%s: cleaned to %zu bytes \"%s\", expected "
		    "\"%s\"\n", name, len, got, want);
		fail();
	}
	assert_true(tt_utf8_valid(got, len));
	free(got);
}

#define CLEAN(name, in, want) check_clean(name, in, sizeof in - 1, want)

/* Shortest forms up to U+10FFFF, at every length boundary, are valid. */
static void
test_valid(void **state)
{
	static const char *ok[] = {
		"", "plain ascii", "\x01\x1f\x7f",
		"\xc2\x80", "\xdf\xbf",			/* U+0080, U+07FF */
		"\xe0\xa0\x80", "\xed\x9f\xbf",		/* U+0800, U+D7FF */
		"\xee\x80\x80", "\xef\xbf\xbf",		/* U+E000, U+FFFF */
		"\xef\xbf\xbd",				/* U+FFFD */
		"\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf",	/* U+10000, U+10FFFF */
		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	};
	size_t	 i, len;
	char	*c;

	(void)state;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		if (!tt_utf8_valid(ok[i], strlen(ok[i]))) {
			print_error("case %zu taken as invalid\n", i);
			fail();
		}
		c = tt_utf8_clean(ok[i], strlen(ok[i]), &len);
		assert_int_equal(len, strlen(ok[i]));
		assert_string_equal(c, ok[i]);
		free(c);
	}
}

/* A sequence cut short is one U+FFFD, at the end or before ASCII. */
static void
test_truncated(void **state)
{
	(void)state;
	CLEAN("2 of 1", "\xc3", R);
	CLEAN("3 of 2", "\xe2\x82", R);
	CLEAN("4 of 3", "\xf0\x9f\x98", R);
	CLEAN("3 of 2, A", "\xe2\x82" "A", R "A");
	CLEAN("3 of 1, AB", "\xe2" "AB", R "AB");
	CLEAN("4 of 2, A", "\xf0\x9f" "A", R "A");
	CLEAN("in text", "ab\xc3" "cd", "ab" R "cd");
	CLEAN("two cut", "\xe2\x82\xe2\x82", R R);
}

/* Overlong forms: every byte is its own U+FFFD. */
static void
test_overlong(void **state)
{
	(void)state;
	CLEAN("C0 80 (NUL)", "\xc0\x80", R R);
	CLEAN("C1 BF", "\xc1\xbf", R R);
	CLEAN("E0 80 80", "\xe0\x80\x80", R R R);
	CLEAN("E0 9F BF", "\xe0\x9f\xbf", R R R);
	CLEAN("F0 80 80 80", "\xf0\x80\x80\x80", R R R R);
	CLEAN("F0 8F BF BF", "\xf0\x8f\xbf\xbf", R R R R);
	CLEAN("C0 AF (slash)", "\xc0\xaf", R R);
}

/* UTF-16 surrogates encoded in UTF-8 (CESU), alone or paired. */
static void
test_surrogates(void **state)
{
	(void)state;
	CLEAN("D800", "\xed\xa0\x80", R R R);
	CLEAN("DFFF", "\xed\xbf\xbf", R R R);
	CLEAN("DC00", "\xed\xb0\x80", R R R);
	CLEAN("pair", "\xed\xa0\xbd\xed\xb2\xa9", R R R R R R);
}

/* Past U+10FFFF, and the 5- and 6-byte forms of old RFC 2279. */
static void
test_beyond(void **state)
{
	(void)state;
	CLEAN("F4 90 80 80", "\xf4\x90\x80\x80", R R R R);
	CLEAN("F5 80 80 80", "\xf5\x80\x80\x80", R R R R);
	CLEAN("F7 BF BF BF", "\xf7\xbf\xbf\xbf", R R R R);
	CLEAN("5 bytes", "\xf8\x88\x80\x80\x80", R R R R R);
	CLEAN("6 bytes", "\xfc\x84\x80\x80\x80\x80", R R R R R R);
	CLEAN("FE FF", "\xfe\xff", R R);
	CLEAN("FF A", "\xff" "A", R "A");
}

/* Continuation bytes with no lead byte. */
static void
test_continuation(void **state)
{
	(void)state;
	CLEAN("80", "\x80", R);
	CLEAN("BF BF", "\xbf\xbf", R R);
	CLEAN("after a whole char", "\xc3\xa9\xa9", "\xc3\xa9" R);
}

/* A NUL does not cut anything: it is U+FFFD and the rest follows. */
static void
test_nul(void **state)
{
	char	*d;

	(void)state;
	CLEAN("a NUL b", "a\0b", "a" R "b");
	CLEAN("NUL alone", "\0", R);
	CLEAN("NUL NUL", "\0\0", R R);
	CLEAN("NUL then bad", "\0\xff", R R);
	assert_null(tt_utf8_dup(NULL));
	d = tt_utf8_dup("ok \xe2\x82\xac");
	assert_string_equal(d, "ok \xe2\x82\xac");
	free(d);
	d = tt_utf8_dup("bad \xff\xfe end");
	assert_string_equal(d, "bad " R R " end");
	free(d);
}

/*
 * JSON text printed by cJSON from any string: valid UTF-8, and no control
 * character raw (C0 by cJSON, DEL and C1 by tt_utf8_json); parsed back, the
 * same string.
 */
static void
test_json_controls(void **state)
{
	char	 in[256], *text, *back;
	size_t	 n = 0, len, i;
	unsigned c;
	cJSON	*o, *p;

	(void)state;
	for (c = 1; c < 0x20; c++)
		in[n++] = (char)c;
	in[n++] = 0x7f;
	for (c = 0x80; c < 0xa0; c++) {
		in[n++] = (char)0xc2;
		in[n++] = (char)c;
	}
	in[n++] = '"';
	in[n++] = '\\';
	in[n] = '\0';
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "k", in);
	text = cJSON_PrintUnformatted(o);
	len = strlen(text);
	text = tt_utf8_json(text, &len);
	assert_int_equal(len, strlen(text));
	assert_true(tt_utf8_valid(text, len));
	for (i = 0; i < len; i++) {
		unsigned char b = (unsigned char)text[i];

		if (b < 0x20 || b == 0x7f || (b == 0xc2 && i + 1 < len &&
		    (unsigned char)text[i + 1] <= 0x9f)) {
			print_error("raw control 0x%02x at %zu of %s\n", b, i,
			    text);
			fail();
		}
	}
	assert_non_null(strstr(text, "\\u007f"));
	assert_non_null(strstr(text, "\\u0080"));
	assert_non_null(strstr(text, "\\u0085"));
	assert_non_null(strstr(text, "\\u009f"));
	assert_non_null(strstr(text, "\\u0001"));
	assert_non_null(strstr(text, "\\n"));
	p = cJSON_Parse(text);
	assert_non_null(p);
	back = cJSON_GetObjectItem(p, "k")->valuestring;
	assert_string_equal(back, in);
	cJSON_Delete(p);
	cJSON_Delete(o);
	free(text);
}

/* JSON text with invalid bytes in a string: U+FFFD; clean text: as is. */
static void
test_json_invalid(void **state)
{
	char	*s, *t;
	size_t	 len;

	(void)state;
	s = strdup("{\"name\":\"bad\xff\xfe\",\"k\xc0\":1}");
	len = strlen(s);
	t = tt_utf8_json(s, &len);
	assert_string_equal(t, "{\"name\":\"bad" R R "\",\"k" R "\":1}");
	assert_int_equal(len, strlen(t));
	free(t);
	/* Nothing to do: the same pointer comes back. */
	s = strdup("{\"a\":\"caf\xc3\xa9\\u0000\",\"b\":[1,2]}\n");
	len = strlen(s);
	t = tt_utf8_json(s, &len);
	assert_ptr_equal(t, s);
	assert_int_equal(len, strlen(s));
	free(t);
}

/* fix_escapes(in) must give want and count how many it rewrote. */
static void
check_escapes(const char *in, const char *want, size_t count)
{
	char	*s = strdup(in);
	size_t	 n;

	assert_non_null(s);
	assert_int_equal(tt_utf8_escapes_ok(in, strlen(in)), count == 0);
	n = tt_utf8_fix_escapes(s, strlen(s));
	if (n != count || strcmp(s, want) != 0) {
		print_error("fix_escapes(%s) = %s (%zu), expected %s (%zu)\n",
		    in, s, n, want, count);
		fail();
	}
	free(s);
}

/*
 * \u0000 and lone surrogates become \ufffd in place; a backslash escape
 * followed by "u0000" is not an escape of NUL, and pairs stay.
 */
static void
test_escapes(void **state)
{
	(void)state;
	check_escapes("{\"name\":\"a\\u0000b\"}",
	    "{\"name\":\"a\\ufffdb\"}", 1);
	check_escapes("\"\\u0000\\u0000\"", "\"\\ufffd\\ufffd\"", 2);
	check_escapes("\"\\\\u0000\"", "\"\\\\u0000\"", 0);
	check_escapes("\"\\\\\\u0000\"", "\"\\\\\\ufffd\"", 1);
	check_escapes("\"\\\\\\\\u0000\"", "\"\\\\\\\\u0000\"", 0);
	check_escapes("\"\\\"\\u0000\"", "\"\\\"\\ufffd\"", 1);
	check_escapes("\"\\u00000\"", "\"\\ufffd0\"", 1);
	check_escapes("\"\\u0001\\u00e9\\uffff\"", "\"\\u0001\\u00e9\\uffff\"",
	    0);
	check_escapes("\"\\ud83d\\ude00\"", "\"\\ud83d\\ude00\"", 0);
	check_escapes("\"\\uD83D\\uDE00\"", "\"\\uD83D\\uDE00\"", 0);
	check_escapes("\"\\ud800\"", "\"\\ufffd\"", 1);
	check_escapes("\"\\uDBFFx\"", "\"\\ufffdx\"", 1);
	check_escapes("\"\\udc00\"", "\"\\ufffd\"", 1);
	check_escapes("\"\\ud800\\u0041\"", "\"\\ufffd\\u0041\"", 1);
	check_escapes("\"\\ud800\\ud800\\udc00\"", "\"\\ufffd\\ud800\\udc00\"",
	    1);
	check_escapes("\"\\ude00\\ud83d\"", "\"\\ufffd\\ufffd\"", 2);
	/* Not escapes cJSON takes: left for it to refuse. */
	check_escapes("\"\\u00zz\"", "\"\\u00zz\"", 0);
	check_escapes("\"\\U0000\"", "\"\\U0000\"", 0);
	check_escapes("\"\\u000", "\"\\u000", 0);
	check_escapes("\\", "\\", 0);
}

/* After the fix, cJSON parses to the intended string, none cut. */
static void
test_escapes_parse(void **state)
{
	char	 s[] = "{\"name\":\"a\\u0000b\",\"lone\":\"x\\ud800y\"}";
	cJSON	*o;

	(void)state;
	assert_int_equal(tt_utf8_fix_escapes(s, strlen(s)), 2);
	o = cJSON_Parse(s);
	assert_non_null(o);
	assert_string_equal(cJSON_GetObjectItem(o, "name")->valuestring,
	    "a" R "b");
	assert_string_equal(cJSON_GetObjectItem(o, "lone")->valuestring,
	    "x" R "y");
	cJSON_Delete(o);
}

/* Width: one column per character, continuation bytes not counted. */
static void
test_width(void **state)
{
	(void)state;
	assert_int_equal(tt_utf8_width(""), 0);
	assert_int_equal(tt_utf8_width("devpod"), 6);
	assert_int_equal(tt_utf8_width("\xc3\xa9t\xc3\xa9"), 3);
	assert_int_equal(tt_utf8_width("\xe2\x87\x84 \xf0\x9f\x98\x80"), 3);
	/* Not UTF-8: a lone continuation byte starts nothing. */
	assert_int_equal(tt_utf8_width("a\x80" "b"), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_surrogates),
		cmocka_unit_test(test_beyond),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_json_controls),
		cmocka_unit_test(test_json_invalid),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_escapes_parse),
		cmocka_unit_test(test_width),
	};

	return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
