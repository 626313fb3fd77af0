/*
 * Unit tests for the time helpers of core/decode.h (core/timeparse.c):
 * tt_time_parse() (RFC 3339 / ISO 8601 with any fraction and offset, or
 * digits), tt_time_number() (s, ms, µs or ns chosen by magnitude), the
 * range both accept (years 1970-2200, nothing that wraps), tt_time_format()
 * (never a date for what it cannot show) and tt_now_us().  Every expected
 * value is µs since the epoch, UTC, computed independently of the code
 * under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tt_test.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode.h"

/* 2026-01-05T12:00:00Z in µs. */
#define NOON	1767614400000000LL
/* 2201-01-01T00:00:00Z in µs: the first time out of range. */
#define Y2201	7289654400000000LL

/* tt_time_number(v) must give want µs. */
#define assert_number(v, want) do {					\
	int64_t n_ = -12345;						\
	int rc_ = tt_time_number((v), &n_);				\
	if (rc_ != TT_TIME_OK || n_ != (int64_t)(want)) {		\
		print_error("tt_time_number(%.17g) = %d, %lld; expected "	\
		    "%lld\n", (double)(v), rc_, (long long)n_,		\
		    (long long)(want));					\
		fail();							\
	}								\
} while (0)

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
	assert_number(1736850000, 1736850000000000LL);
	assert_number(1736850000.5, 1736850000500000LL);
	/* werf ts: ms. */
	assert_number(1658231825280.0, 1658231825280000LL);
	assert_number(1736850000123.5, 1736850000123500LL);
	/* DevPod legacy: µs. */
	assert_number(1683878643781772.0, 1683878643781772LL);
	/* OTLP: ns (1736850000123456000 is exact in a double). */
	assert_number(1736850000123456000.0, 1736850000123456LL);
	assert_number(0, 0);
}

/*
 * The magnitude boundaries themselves: the smallest value of each unit is
 * in range (1973), the largest of s, ms and µs is out of it (year 5138).
 */
static void
test_from_number_bounds(void **state)
{
	int64_t	us = -1;

	(void)state;
	assert_int_equal(tt_time_number(99999999999.0, &us), TT_TIME_RANGE);
	assert_number(100000000000.0, 100000000000000LL);	/* ms */
	assert_int_equal(tt_time_number(99999999999998.0, &us),
	    TT_TIME_RANGE);
	assert_number(100000000000000.0, 100000000000000LL);	/* µs */
	assert_int_equal(tt_time_number(90000000000000000.0, &us),
	    TT_TIME_RANGE);
	assert_number(100000000000000000.0, 100000000000000LL);	/* ns */
	assert_i64(us, -1);		/* untouched by the refusals */
}

/*
 * Years 1970-2200 in every unit, on both sides of each limit; what is
 * outside is TT_TIME_RANGE and leaves *us alone; NaN and infinities are
 * not times.  Before the range, 1e300 came back as INT64_MIN (TT_NONE).
 */
static void
test_number_range(void **state)
{
	static const double	 out[] = {
		-1, -0.5, -1736850000.0, -1e300, 1e300, 1e20, 9.3e18,
		9223372036854775807.0, 1.8446744073709552e19,
		7289654400.0,			/* 2201 in s */
		7289654400000.0,		/* in ms */
		7289654400000000.0,		/* in µs */
		7289654400000000000.0,		/* in ns */
		-DBL_MAX, DBL_MAX,
	};
	int64_t			 us;
	size_t			 i;

	(void)state;
	assert_number(7289654399.0, Y2201 - 1000000);		/* s */
	assert_number(7289654399999.0, Y2201 - 1000);		/* ms */
	assert_number(7289654399999999.0, Y2201 - 1);		/* µs */
	assert_number(7289654399999998000.0, Y2201 - 2);	/* ns */
	assert_number(0.000001, 1);
	for (i = 0; i < sizeof out / sizeof out[0]; i++) {
		us = 42;
		if (tt_time_number(out[i], &us) != TT_TIME_RANGE || us != 42) {
			print_error("tt_time_number(%.17g) took it as %lld\n",
			    out[i], (long long)us);
			fail();
		}
	}
	us = 42;
	assert_int_equal(tt_time_number(NAN, &us), TT_TIME_BAD);
	assert_int_equal(tt_time_number(INFINITY, &us), TT_TIME_BAD);
	assert_int_equal(tt_time_number(-INFINITY, &us), TT_TIME_BAD);
	assert_i64(us, 42);
}

/*
 * Strings: the same range, and a number too long for any unit (a 23-digit
 * string overflowed llround before) is out of range, not garbage, not a
 * wrapped value.
 */
static void
test_parse_range(void **state)
{
	static const char	*out[] = {
		"12345678901234567890123",
		"99999999999999999999999999999999999999999999999999999999999"
		"99999999999999999999999999999999999999999999999999999999999"
		"99999999999999999999999999999999999999999999999999999999999"
		"99999999999999999999999999999999999999999999999999999999999"
		"99999999999999999999999999999999999999999999999999999999999"
		"99999999999999999999999999999999999999999999999999999999999",
		"9223372036854775807",
		"18446744073709551616",
		"-1",
		"-1736850000",
		"7289654400",
		"1969-12-31T23:59:59.999999Z",
		"1970-01-01T00:00:00+00:01",
		"0000-01-01T00:00:00Z",
		"2201-01-01T00:00:00Z",
		"2200-12-31T23:59:59-00:01",
		"9999-12-31T23:59:59.999999Z",
	};
	int64_t			 us;
	size_t			 i;

	(void)state;
	assert_parses("2200-12-31T23:59:59.999999Z", Y2201 - 1);
	assert_parses("2200-12-31T23:59:59.999999+00:00", Y2201 - 1);
	assert_parses("1970-01-01T00:00:00.000001Z", 1);
	assert_parses("1970-01-01T05:30:00+05:30", 0);
	assert_parses("7289654399", Y2201 - 1000000);
	assert_parses("7289654399999999", Y2201 - 1);
	for (i = 0; i < sizeof out / sizeof out[0]; i++) {
		us = 42;
		if (tt_time_parse(out[i], &us) != TT_TIME_RANGE || us != 42) {
			print_error("tt_time_parse(\"%.40s\") did not refuse "
			    "it as out of range (us %lld)\n", out[i],
			    (long long)us);
			fail();
		}
	}
	/* NaN and infinities as text are garbage, as before. */
	assert_int_equal(tt_time_parse("NaN", &us), TT_TIME_BAD);
	assert_int_equal(tt_time_parse("Infinity", &us), TT_TIME_BAD);
	assert_int_equal(tt_time_parse("-Infinity", &us), TT_TIME_BAD);
	assert_int_equal(tt_time_parse("1e300", &us), TT_TIME_BAD);
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

/*
 * A time RFC 3339 cannot show is "" and -1, never a date: TT_NONE (which
 * an older teltop stored for 1e300 and printed as year -290308), INT64_MAX,
 * years past 9999 or before 0000.  The edges of 0000-9999 still show.
 */
static void
test_format_unshowable(void **state)
{
	static const int64_t	 bad[] = {
		INT64_MIN, INT64_MIN + 1, INT64_MAX, INT64_MAX - 999999,
		253402300800000000LL,		/* 10000-01-01 */
		-62167219200000001LL,		/* before 0000-01-01 */
	};
	char			 buf[64];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(buf, 'X', sizeof buf);
		if (tt_time_format(bad[i], buf, sizeof buf) != -1 ||
		    buf[0] != '\0') {
			print_error("tt_time_format(%lld) = \"%.40s\"\n",
			    (long long)bad[i], buf);
			fail();
		}
	}
	assert_int_equal(tt_time_format(253402300799999999LL, buf,
	    sizeof buf), 0);
	assert_string_equal(buf, "9999-12-31T23:59:59.999999Z");
	assert_int_equal(tt_time_format(-62167219200000000LL, buf,
	    sizeof buf), 0);
	assert_string_equal(buf, "0000-01-01T00:00:00.000000Z");
	assert_int_equal(tt_time_format(-1, buf, sizeof buf), 0);
	assert_string_equal(buf, "1969-12-31T23:59:59.999999Z");
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

/*
 * tt_now_us agrees with time(), give or take a second: time() reads the
 * kernel's coarse clock, which may lag the precise one by a tick, so just
 * after a second begins it can still name the one before.
 */
static void
test_now(void **state)
{
	int64_t	before, now, after;

	(void)state;
	before = ((int64_t)time(NULL) - 1) * 1000000;
	now = tt_now_us();
	after = ((int64_t)time(NULL) + 2) * 1000000;
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
		cmocka_unit_test(test_number_range),
		cmocka_unit_test(test_parse_range),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_unshowable),
		cmocka_unit_test(test_format_bounds),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_now),
	};

	return cmocka_run_group_tests_name("time", tests, NULL, NULL);
}
