/*
 * Timestamps: every source's units and strings become µs since the epoch,
 * UTC.  Sources send seconds (DevPod), milliseconds (werf ts, posthog-node),
 * microseconds (legacy DevPod), nanoseconds (OTLP) and RFC 3339 strings with
 * any fraction and offset (posthog-go, in local time).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode.h"

/* Now, in µs since the epoch. */
int64_t
tt_mono_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
tt_now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Is a time in µs (as a double, which cannot overflow) in the range? */
static int
in_range(double us)
{
	return us >= (double)TT_TIME_MIN_US && us <= (double)TT_TIME_MAX_US;
}

/*
 * A number of s, ms, µs or ns -> µs.  The unit is chosen by magnitude: any
 * time after 1973 in ms exceeds 1e11, in µs 1e14, in ns 1e17.  The range
 * is checked before the conversion to an integer, so no value can wrap.
 */
int
tt_time_number(double v, int64_t *us)
{
	double	a = fabs(v), t;

	if (!isfinite(v))
		return TT_TIME_BAD;
	if (a < 1e11)
		t = v * 1e6;
	else if (a < 1e14)
		t = v * 1e3;
	else if (a < 1e17)
		t = v;
	else
		t = v / 1e3;
	t = round(t);
	if (!in_range(t))
		return TT_TIME_RANGE;
	*us = (int64_t)t;
	return TT_TIME_OK;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t		era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
days_in_month(int y, int m)
{
	static const int	days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
				    31, 30, 31 };
	int			leap = (y % 4 == 0 && y % 100 != 0) ||
				    y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* Plain decimal: [+-]digits[.digits], nothing else (no hex, no inf). */
static int
is_decimal(const char *p)
{
	int	digits = 0, dot = 0;

	if (*p == '+' || *p == '-')
		p++;
	for (; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p == '.' && !dot)
			dot = 1;
		else
			return 0;
	}
	return digits > 0;
}

/* Read exactly n digits. */
static int
digits(const char **sp, int n, int *out)
{
	const char	*s = *sp;
	int		 v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*sp = s + n;
	*out = v;
	return 0;
}

/*
 * Parse "2026-01-05T12:00:00.123456789+05:30" (and Z, lowercase, a space for
 * T, no fraction, a date alone) or a plain number -> µs.  TT_TIME_BAD on
 * garbage, TT_TIME_RANGE for a time outside the years 1970-2200.
 */
int
tt_time_parse(const char *s, int64_t *us)
{
	int		 y, mo, d, h = 0, mi = 0, sec = 0, oh, om, sign;
	int64_t		 frac = 0, scale = 1000000, t;
	const char	*p = s;
	char		*end;
	double		 v;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		return TT_TIME_BAD;
	/* All digits (maybe with a fraction): a number in some unit. */
	if (is_decimal(p)) {
		v = strtod(p, &end);
		if (end != p && *end == '\0')
			return isfinite(v) ? tt_time_number(v, us) :
			    TT_TIME_RANGE;
	}
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d))
		return TT_TIME_BAD;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return TT_TIME_BAD;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			return TT_TIME_BAD;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec))
				return TT_TIME_BAD;
		}
		if (h > 23 || mi > 59 || sec > 60)
			return TT_TIME_BAD;
		if (*p == '.' || *p == ',') {
			p++;
			if (!isdigit((unsigned char)*p))
				return TT_TIME_BAD;
			while (isdigit((unsigned char)*p)) {
				if (scale > 1) {
					scale /= 10;
					frac += (*p - '0') * scale;
				}
				p++;
			}
		}
	}
	t = (days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec);
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh))
			return TT_TIME_BAD;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &om))
			om = 0;
		if (oh > 23 || om > 59)
			return TT_TIME_BAD;
		t -= sign * (oh * 3600 + om * 60);
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0')
		return TT_TIME_BAD;
	/* Four digits of year: t is within ±3e11 s, t * 1e6 cannot wrap. */
	t = t * 1000000 + frac;
	if (t < TT_TIME_MIN_US || t > TT_TIME_MAX_US)
		return TT_TIME_RANGE;
	*us = t;
	return TT_TIME_OK;
}

/* Format µs as RFC 3339 UTC with microseconds; "" and -1 past 0000-9999. */
int
tt_time_format(int64_t us, char *buf, size_t len)
{
	time_t		secs;
	int64_t		frac;
	struct tm	tm;

	if (len > 0)
		buf[0] = '\0';
	/* us / 1000000 is far from the int64 limits: no step below wraps. */
	secs = (time_t)(us / 1000000);
	frac = us % 1000000;
	if (frac < 0) {
		frac += 1000000;
		secs--;
	}
	if (secs < -62167219200LL || secs > 253402300799LL ||
	    gmtime_r(&secs, &tm) == NULL)
		return -1;
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long long)frac);
	return 0;
}

void
tt_duration_text(double d, char *buf, size_t len)
{
	int64_t	ms;

	/* whole ms, cut; a fraction shows below 1 ms */
	if (d == TT_NONE || !(d >= 0) || d >= 9e18) {
		snprintf(buf, len, "-");
		return;
	}
	ms = (int64_t)d;
	if (ms == 0 && d > 0)
		snprintf(buf, len, "%.2gms", d);
	else if (ms < 1000)
		snprintf(buf, len, "%lldms", (long long)ms);
	else if (ms < 60000)
		snprintf(buf, len, "%.1fs", (double)ms / 1000);
	else if (ms < 3600000)
		snprintf(buf, len, "%lldm%02llds", (long long)(ms / 60000),
		    (long long)(ms / 1000 % 60));
	else
		snprintf(buf, len, "%lldh%02lldm", (long long)(ms / 3600000),
		    (long long)(ms / 60000 % 60));
}
