/*
 * Sizes and durations as written on the command line and in the config
 * file (core/units.c), and as printed back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "core/units.h"

static void
test_size(void **state)
{
	uint64_t	v = 7;

	(void)state;
	assert_int_equal(tt_parse_size("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(tt_parse_size("37", &v), 0);
	assert_int_equal(v, 37);
	assert_int_equal(tt_parse_size("37b", &v), 0);
	assert_int_equal(v, 37);
	assert_int_equal(tt_parse_size("64KiB", &v), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(tt_parse_size("256mib", &v), 0);
	assert_int_equal(v, 256ULL << 20);
	assert_int_equal(tt_parse_size("2GiB", &v), 0);
	assert_int_equal(v, 2ULL << 30);
	assert_int_equal(tt_parse_size("2gb", &v), 0);
	assert_int_equal(v, 2ULL << 30);
	assert_int_equal(tt_parse_size("3T", &v), 0);
	assert_int_equal(v, 3ULL << 40);
	/* the largest that fits, and one past it */
	assert_int_equal(tt_parse_size("16777215TiB", &v), 0);
	assert_int_equal(v, 16777215ULL << 40);
	v = 7;
	assert_int_equal(tt_parse_size("16777216TiB", &v), -1);
	assert_int_equal(tt_parse_size("18446744073709551616", &v), -1);
	assert_int_equal(tt_parse_size("", &v), -1);
	assert_int_equal(tt_parse_size(NULL, &v), -1);
	assert_int_equal(tt_parse_size("-1", &v), -1);
	assert_int_equal(tt_parse_size(" 1", &v), -1);
	assert_int_equal(tt_parse_size("1 GiB", &v), -1);
	assert_int_equal(tt_parse_size("1.5GiB", &v), -1);
	assert_int_equal(tt_parse_size("1PiB", &v), -1);
	assert_int_equal(v, 7);
}

static void
test_duration(void **state)
{
	(void)state;
	assert_int_equal(tt_parse_duration("90"), 90000000LL);
	assert_int_equal(tt_parse_duration("90s"), 90000000LL);
	assert_int_equal(tt_parse_duration("250ms"), 250000LL);
	assert_int_equal(tt_parse_duration("15m"), 900000000LL);
	assert_int_equal(tt_parse_duration("1.5h"), 5400000000LL);
	assert_int_equal(tt_parse_duration("30d"), 30LL * 86400000000LL);
	assert_int_equal(tt_parse_duration("2w"), 14LL * 86400000000LL);
	assert_int_equal(tt_parse_duration(".5s"), 500000LL);
	assert_int_equal(tt_parse_duration("0"), -1);
	assert_int_equal(tt_parse_duration("-1d"), -1);
	assert_int_equal(tt_parse_duration("1y"), -1);
	assert_int_equal(tt_parse_duration("1 d"), -1);
	assert_int_equal(tt_parse_duration("inf"), -1);
	assert_int_equal(tt_parse_duration("nan"), -1);
	assert_int_equal(tt_parse_duration("0x10"), -1);
	assert_int_equal(tt_parse_duration("1e3s"), -1);
	assert_int_equal(tt_parse_duration("99999999999999999w"), -1);
	assert_int_equal(tt_parse_duration("0.0001ms"), -1);
	assert_int_equal(tt_parse_duration(""), -1);
	assert_int_equal(tt_parse_duration(NULL), -1);
}

static void
test_text(void **state)
{
	char	b[32];

	(void)state;
	tt_size_text(37, b, sizeof b);
	assert_string_equal(b, "37 B");
	tt_size_text(1024, b, sizeof b);
	assert_string_equal(b, "1.0 KiB");
	tt_size_text(2ULL << 30, b, sizeof b);
	assert_string_equal(b, "2.0 GiB");
	tt_size_text(500ULL << 20, b, sizeof b);
	assert_string_equal(b, "500 MiB");
	tt_size_text(5ULL << 50, b, sizeof b);
	assert_string_equal(b, "5120 TiB");
	tt_span_text(30LL * 86400000000LL, b, sizeof b);
	assert_string_equal(b, "30d");
	tt_span_text(14LL * 86400000000LL, b, sizeof b);
	assert_string_equal(b, "2w");
	tt_span_text(5400000000LL, b, sizeof b);
	assert_string_equal(b, "90m");
	tt_span_text(tt_parse_duration("1.01h"), b, sizeof b);
	assert_string_equal(b, "3636s");
	tt_span_text(1500, b, sizeof b);
	assert_string_equal(b, "1.5ms");
	tt_span_text(12, b, sizeof b);
	assert_string_equal(b, "12us");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
