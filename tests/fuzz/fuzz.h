/*
 * What the libFuzzer targets of tests/fuzz/ share: the entry points, a
 * check that ends the run with a message (a broken property is a finding,
 * like a crash), and copies of the input.
 *
 * libFuzzer hands each target a buffer of exactly the input's size; parsers
 * that take a length get it as is, so that AddressSanitizer sees any read
 * past the end.  Parsers that take a C string get fuzz_str()'s copy.
 */
#ifndef TT_FUZZ_H
#define TT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

/* A property that must hold for every input: abort with where and why. */
#define FUZZ_CHECK(cond, ...) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__,	\
		    __LINE__, #cond);					\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

/* The input up to its first NUL, as a C string.  Caller frees. */
static inline char *
fuzz_str(const uint8_t *p, size_t n)
{
	const uint8_t	*nul;
	char		*s;

	if ((nul = memchr(p, '\0', n)) != NULL)
		n = (size_t)(nul - p);
	if ((s = malloc(n + 1)) == NULL)
		abort();
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

#endif
