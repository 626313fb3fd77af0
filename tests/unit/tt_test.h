/*
 * What the unit tests share: assertions that print both sides, and a
 * NULL-safe string copy.  Include after <cmocka.h>.
 */
#ifndef TT_TEST_H
#define TT_TEST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Compare two int64 values and print both, signed, on mismatch. */
#define assert_i64(got, want) do {					\
	int64_t g_ = (got), w_ = (want);				\
	if (g_ != w_) {							\
		print_error("%s = %lld, expected %lld\n", #got,		\
		    (long long)g_, (long long)w_);			\
		fail();							\
	}								\
} while (0)

/* NULL-safe string comparison. */
#define assert_str(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if ((g_ == NULL) != (w_ == NULL) ||				\
	    (g_ != NULL && strcmp(g_, w_) != 0)) {			\
		print_error("%s = %s%s%s, expected %s%s%s\n", #got,	\
		    g_ ? "\"" : "", g_ ? g_ : "NULL", g_ ? "\"" : "",	\
		    w_ ? "\"" : "", w_ ? w_ : "NULL", w_ ? "\"" : "");	\
		fail();							\
	}								\
} while (0)

/* A copy of s, or NULL.  Caller frees. */
static inline char *
dup_str(const char *s)
{
	char	*d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	assert_non_null(d);
	return d;
}

#endif
