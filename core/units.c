/* Sizes and durations as people write them (units.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "units.h"

int
tt_parse_size(const char *s, uint64_t *out)
{
	static const struct {
		const char	*suffix;
		unsigned	 shift;
	} units[] = {
		{ "", 0 }, { "b", 0 }, { "k", 10 }, { "kib", 10 }, { "kb", 10 },
		{ "m", 20 }, { "mib", 20 }, { "mb", 20 }, { "g", 30 },
		{ "gib", 30 }, { "gb", 30 }, { "t", 40 }, { "tib", 40 },
		{ "tb", 40 },
	};
	unsigned long long	 v;
	char			*end;
	size_t			 i;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcasecmp(end, units[i].suffix) != 0)
			continue;
		if (v > (UINT64_MAX >> units[i].shift))
			return -1;
		*out = (uint64_t)v << units[i].shift;
		return 0;
	}
	return -1;
}

int64_t
tt_parse_duration(const char *s)
{
	static const struct {
		const char	*suffix;
		int64_t		 us;
	} units[] = {
		{ "", 1000000 }, { "s", 1000000 }, { "ms", 1000 },
		{ "m", 60LL * 1000000 }, { "h", 3600LL * 1000000 },
		{ "d", 86400LL * 1000000 }, { "w", 7 * 86400LL * 1000000 },
	};
	char	*end;
	double	 v;
	size_t	 i;

	if (s == NULL || ((*s < '0' || *s > '9') && *s != '.'))
		return -1;
	v = strtod(s, &end);	/* digits and a point only: no 0x, no e */
	if (end != s + strspn(s, "0123456789.") || !isfinite(v) || v <= 0)
		return -1;
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(end, units[i].suffix) != 0)
			continue;
		if (v * (double)units[i].us > 9e18 ||
		    v * (double)units[i].us < 1)
			return -1;
		return (int64_t)(v * (double)units[i].us);
	}
	return -1;
}

void
tt_size_text(uint64_t n, char *buf, size_t len)
{
	static const char	*names[] = { "KiB", "MiB", "GiB", "TiB" };
	double			 v = (double)n;
	int			 i = -1;

	while (v >= 1024 && i < 3) {
		v /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, len, v < 10 ? "%.1f %s" : "%.0f %s", v,
		    names[i]);
}

void
tt_span_text(int64_t us, char *buf, size_t len)
{
	static const struct {
		const char	*name;
		int64_t		 us;
	} units[] = {
		{ "w", 7 * 86400LL * 1000000 }, { "d", 86400LL * 1000000 },
		{ "h", 3600LL * 1000000 }, { "m", 60LL * 1000000 },
		{ "s", 1000000 }, { "ms", 1000 },
	};
	size_t	i;

	for (i = 0; i < sizeof units / sizeof units[0]; i++)
		if (us >= units[i].us && us % units[i].us == 0) {
			snprintf(buf, len, "%lld%s",
			    (long long)(us / units[i].us), units[i].name);
			return;
		}
	for (i = 0; i < sizeof units / sizeof units[0]; i++)
		if (us >= units[i].us) {
			snprintf(buf, len, "%.1f%s",
			    (double)us / (double)units[i].us, units[i].name);
			return;
		}
	snprintf(buf, len, "%lldus", (long long)us);
}
