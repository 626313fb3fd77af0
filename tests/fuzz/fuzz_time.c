/*
 * libFuzzer target: the time parser (core/timeparse.c).  The input, up to
 * its first NUL, goes to tt_time_parse(); a time it accepts within years
 * 0001-9999 must come back unchanged through tt_time_format() and
 * tt_time_parse() again.  An input of exactly eight bytes is also read as a
 * double for tt_time_number() (a time it accepts is in range) and as µs
 * for tt_time_format().
 */
#include "fuzz.h"
#include "core/decode.h"

#define YEAR_1_US	(-62135596800LL * 1000000)	/* 0001-01-01 */
#define YEAR_10000_US	(253402300800LL * 1000000)	/* 10000-01-01 */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, buf[64];
	int64_t	 us = 0, again = 0, raw;
	double	 v;

	if (size == 8) {
		memcpy(&v, data, sizeof v);
		if (tt_time_number(v, &us) == TT_TIME_OK)
			FUZZ_CHECK(us >= TT_TIME_MIN_US && us <= TT_TIME_MAX_US,
			    "%g accepted as %lld, out of range", v,
			    (long long)us);
		memcpy(&raw, data, sizeof raw);
		tt_time_format(raw, buf, sizeof buf);
		FUZZ_CHECK(strlen(buf) < sizeof buf, "unterminated");
	}
	s = fuzz_str(data, size);
	us = 0;
	if (tt_time_parse(s, &us) == TT_TIME_OK && us >= YEAR_1_US &&
	    us < YEAR_10000_US) {
		tt_time_format(us, buf, sizeof buf);
		FUZZ_CHECK(tt_time_parse(buf, &again) == 0,
		    "\"%s\" -> %lld -> \"%s\" does not parse", s,
		    (long long)us, buf);
		FUZZ_CHECK(again == us, "\"%s\" -> %lld -> \"%s\" -> %lld", s,
		    (long long)us, buf, (long long)again);
	}
	free(s);
	return 0;
}
