/*
 * Counter names, from the TT_COUNTERS X-macro.
 */
#include <stddef.h>

#include "counters.h"

static const struct {
	const char	*name;
	const char	*reason;
} counters[] = {
#define TT_COUNTER_INFO(id, name, reason) { name, reason },
	TT_COUNTERS(TT_COUNTER_INFO)
#undef TT_COUNTER_INFO
};

const char *
tt_counter_name(enum tt_counter c)
{
	return (unsigned)c < TT_CTR_COUNT ? counters[c].name : "unknown";
}

const char *
tt_counter_reason(enum tt_counter c)
{
	return (unsigned)c < TT_CTR_COUNT ? counters[c].reason : NULL;
}

/* Every rejection, whatever its reason. */
int64_t
tt_counters_rejected(const struct tt_counters *c)
{
	int64_t	sum = 0;
	int	i;

	for (i = 0; i < TT_CTR_COUNT; i++)
		if (counters[i].reason != NULL)
			sum += c->v[i];
	return sum;
}
