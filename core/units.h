/*
 * Sizes and durations as people write them on a command line or in the
 * config file: "256MiB", "2GiB", "30d", "12h".  Pure.
 */
#ifndef TT_UNITS_H
#define TT_UNITS_H

#include <stddef.h>
#include <stdint.h>

/*
 * A size: digits then an optional unit, case-insensitive: b, k/kb/kib,
 * m/mb/mib, g/gb/gib, t/tb/tib (all binary: 1k = 1024).  0, or -1 when it
 * is not one or does not fit 64 bits.
 */
int	 tt_parse_size(const char *, uint64_t *);
/*
 * A duration: a positive number then ms, s (the default), m, h, d or w;
 * in µs, or -1 when it is not one or does not fit.
 */
int64_t	 tt_parse_duration(const char *);
/* A size as "2.0 GiB", "512 KiB", "37 B" into buf. */
void	 tt_size_text(uint64_t, char *buf, size_t len);
/* A span in µs (a retention) as "30d", "12h", "90m", "45s" (the largest
 * whole unit; "1.5h" where none is whole) into buf. */
void	 tt_span_text(int64_t, char *buf, size_t len);

#endif
