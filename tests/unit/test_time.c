/*
 * Unit tests for the time helpers of core/decode.h (core/timeparse.c):
 * tt_time_parse() (RFC 3339 / ISO 8601 with any fraction and offset, or
 * digits), tt_time_from_number() (s, ms, µs or ns chosen by magnitude),
 * tt_time_format() and tt_now_us().  Every expected value is µs since the
 * epoch, UTC, computed independently of the code under test.
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
#include <time.h>

#include "decode.h"

/* 2026-01-05T12:00:00Z in µs. */
#define NOON	1767614400000000LL

/* Parse s, which must be accepted, and check the result. */
#define assert_parses(s, want) do {					\
	int64_t us_ = -12345;						\
	if (tt_time_parse((s), &us_) != 0) {				\
		print_error("tt_time_parse(\"%s\") refused it\n", (s));	\
		fail();							\
	}								\
	if (us_ != (int64_t)(want)) {					\
		print_error("tt_time_parse(\"%s\") = %lld, expected "	\
		    "%lld\n", (s), (long long)us_, (long long)(want));	\
		fail();							\
	}								\
} while (0)

/* Z, no fraction. */
static void
test_parse_utc(void **state)
{
	(void)state;
	assert_parses("2026-01-05T12:00:00Z", NOON);
	assert_parses("2026-01-05T12:00:00+00:00", NOON);
	assert_parses("2026-01-05T12:00:00-00:00", NOON);
	assert_parses("1970-01-01T00:00:00Z", 0);
	assert_parses("2000-02-29T00:00:00Z", 951782400000000LL);
	assert_parses("2024-12-31T23:59:59.999999Z", 1735689599999999LL);
}

/* Fractions of 1 to 9 digits. */
static void
test_parse_fraction(void **state)
{
	int64_t	us;

	(void)state;
	assert_parses("2026-01-05T12:00:00.1Z", NOON + 100000);
	assert_parses("2026-01-05T12:00:00.12Z", NOON + 120000);
	assert_parses("2026-01-05T12:00:00.123Z", NOON + 123000);
	assert_parses("2026-01-05T12:00:00.000123Z", NOON + 123);
	assert_parses("2026-01-05T12:00:00.123456Z", NOON + 123456);
	assert_parses("2026-01-05T12:00:00.1234561Z", NOON + 123456);
	assert_parses("2026-01-05T12:00:00.123456001Z", NOON + 123456);
	/* posthog-node: Date.toISOString(). */
	assert_parses("2026-11-21T07:00:01.798Z", 1795244401798000LL);
	/* Devtron docs sample (PostHog export). */
	assert_parses("2021-06-29T07:33:02.001000+00:00", 1624951982001000LL);

	/*
	 * Go's RFC3339Nano: nanoseconds.  Whether 789 ns truncates or
	 * rounds is not part of the contract; either µs is right.
	 */
	us = 0;
	assert_int_equal(tt_time_parse("2026-01-05T12:00:00.123456789Z",
	    &us), 0);
	if (us != NOON + 123456 && us != NOON + 123457) {
		print_error("ns fraction gave %lld\n", (long long)us);
		fail();
	}
}

/* Offsets, as posthog-go writes local time. */
static void
test_parse_offset(void **state)
{
	int64_t	us;

	(void)state;
	/* 12:00+05:30 is 06:30Z. */
	assert_parses("2026-01-05T12:00:00.123456+05:30",
	    1767594600123456LL);
	assert_parses("2026-01-05T12:00:00+05:30", 1767594600000000LL);
	/* 12:00-08:00 is 20:00Z. */
	assert_parses("2026-01-05T12:00:00-08:00", 1767643200000000LL);
	/* Crossing midnight and the year backwards. */
	assert_parses("2026-01-01T01:00:00+02:00", 1767225600000000LL -
	    3600000000LL);

	us = 0;
	assert_int_equal(tt_time_parse(
	    "2026-01-05T12:00:00.123456789+05:30", &us), 0);
	if (us != 1767594600123456LL && us != 1767594600123457LL) {
		print_error("ns fraction with offset gave %lld\n",
		    (long long)us);
		fail();
	}
}

/* RFC 3339 allows lower case t and z. */
static void
test_parse_lowercase(void **state)
{
	(void)state;
	assert_parses("2026-01-05t12:00:00z", NOON);
	assert_parses("2026-01-05t12:00:00.5z", NOON + 500000);
	assert_parses("2026-01-05t12:00:00.5+05:30", 1767594600500000LL);
}

/* A string of digits is a number, by magnitude. */
static void
test_parse_digits(void **state)
{
	(void)state;
	assert_parses("1736850000", 1736850000000000LL);
	assert_parses("1736850000123", 1736850000123000LL);
	assert_parses("1736850000123456", 1736850000123456LL);
}

/* Anything else is refused; every string is tried, all misses reported. */
static void
test_parse_garbage(void **state)
{
	static const char	*bad[] = {
		"",
		"garbage",
		"now",
		"T12:00:00Z",
		"2026-01-05T12:00:00Zjunk",
		"2026-01-05T12:00:00+05:30junk",
		"2026-13-05T12:00:00Z",
		"2026-00-05T12:00:00Z",
		"2026-01-32T12:00:00Z",
		"2026-02-30T12:00:00Z",
		"2025-02-29T00:00:00Z",
		"2026-04-31T00:00:00Z",
		"2026-01-05T25:00:00Z",
		"2026-01-05T12:61:00Z",
		"2026-01-05T12:xx:00Z",
		"2026-01-05X12:00:00Z",
		"2026-01-05T12:00:00.Z",
		"2026-01-05T12:00:00.12a3Z",
		"2026-01-05T12:00:00+5",
		"2026-01-05T12:00:00+05:3",
		"2026-01-05T12:00:00+24:00",
		"12abc",
		"-",
		"0x1A",
		"nan",
		"inf",
	};
	int64_t			 us;
	size_t			 i;
	int			 accepted = 0;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		us = 0;
		if (tt_time_parse(bad[i], &us) != -1) {
			print_error("tt_time_parse(\"%s\") accepted it as "
			    "%lld\n", bad[i], (long long)us);
			accepted++;
		}
	}
	assert_int_equal(accepted, 0);
}

/* s, ms, µs, ns by magnitude: < 1e11 s, < 1e14 ms, < 1e17 µs, else ns. */
static void
test_from_number(void **state)
{
	(void)state;
	/* DevPod insert: unix seconds. */
	assert_i64(tt_time_from_number(1736850000), 1736850000000000LL);
	assert_i64(tt_time_from_number(1736850000.5), 1736850000500000LL);
	/* werf ts: ms. */
	assert_i64(tt_time_from_number(1658231825280.0),
	    1658231825280000LL);
	assert_i64(tt_time_from_number(1736850000123.5),
	    1736850000123500LL);
	/* DevPod legacy: µs. */
	assert_i64(tt_time_from_number(1683878643781772.0),
	    1683878643781772LL);
	/* OTLP: ns (1736850000123456000 is exact in a double). */
	assert_i64(tt_time_from_number(1736850000123456000.0),
	    1736850000123456LL);
	assert_i64(tt_time_from_number(0), 0);
}

/* The magnitude boundaries themselves. */
static void
test_from_number_bounds(void **state)
{
	(void)state;
	assert_i64(tt_time_from_number(99999999999.0),
	    99999999999000000LL);			/* s */
	assert_i64(tt_time_from_number(100000000000.0),
	    100000000000000LL);				/* ms */
	/* (even, so that its µs are exact in a double) */
	assert_i64(tt_time_from_number(99999999999998.0),
	    99999999999998000LL);			/* ms */
	assert_i64(tt_time_from_number(100000000000000.0),
	    100000000000000LL);				/* µs */
	assert_i64(tt_time_from_number(90000000000000000.0),
	    90000000000000000LL);			/* µs */
	assert_i64(tt_time_from_number(100000000000000000.0),
	    100000000000000LL);				/* ns */
}

/* µs -> RFC 3339 with six fraction digits and Z. */
static void
test_format(void **state)
{
	char	buf[64];

	(void)state;
	tt_time_format(1736850000123456LL, buf, sizeof buf);
	assert_string_equal(buf, "2025-01-14T10:20:00.123456Z");
	tt_time_format(1767594600000001LL, buf, sizeof buf);
	assert_string_equal(buf, "2026-01-05T06:30:00.000001Z");
	tt_time_format(951782400999999LL, buf, sizeof buf);
	assert_string_equal(buf, "2000-02-29T00:00:00.999999Z");
}

/* A 32 byte buffer is enough, and nothing is written past it. */
static void
test_format_bounds(void **state)
{
	char	buf[48];
	size_t	i;

	(void)state;
	memset(buf, 'X', sizeof buf);
	tt_time_format(1736850000123456LL, buf, 32);
	assert_non_null(memchr(buf, '\0', 32));
	for (i = 32; i < sizeof buf; i++)
		assert_int_equal(buf[i], 'X');
	assert_string_equal(buf, "2025-01-14T10:20:00.123456Z");
}

/* format then parse gives back the same µs. */
static void
test_roundtrip(void **state)
{
	static const int64_t	 v[] = {
		0, 1, 999999, 1000000, NOON, NOON + 123456,
		1624951982001372LL, 1735689599999999LL, 1795244401798000LL,
		4102444800000000LL	/* 2100-01-01 */
	};
	char			 buf[64];
	int64_t			 us;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		tt_time_format(v[i], buf, sizeof buf);
		us = -1;
		if (tt_time_parse(buf, &us) != 0 || us != v[i]) {
			print_error("%lld -> \"%s\" -> %lld\n",
			    (long long)v[i], buf, (long long)us);
			fail();
		}
	}
}

/* tt_now_us agrees with time(). */
static void
test_now(void **state)
{
	int64_t	before, now, after;

	(void)state;
	before = (int64_t)time(NULL) * 1000000;
	now = tt_now_us();
	after = ((int64_t)time(NULL) + 1) * 1000000;
	assert_true(now >= before);
	assert_true(now <= after);
	assert_true(tt_now_us() >= now);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_utc),
		cmocka_unit_test(test_parse_fraction),
		cmocka_unit_test(test_parse_offset),
		cmocka_unit_test(test_parse_lowercase),
		cmocka_unit_test(test_parse_digits),
		cmocka_unit_test(test_parse_garbage),
		cmocka_unit_test(test_from_number),
		cmocka_unit_test(test_from_number_bounds),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_bounds),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_now),
	};

	return cmocka_run_group_tests_name("time", tests, NULL, NULL);
}
