/*
 * Counter names, in the database and JSON and in /metrics, from the
 * TT_COUNTERS X-macro, and their help.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "counters.h"
#include "event.h"

static const struct {
	const char	*name;
	const char	*metric;
	const char	*reason;
} counters[] = {
#define TT_COUNTER_INFO(id, name, metric, reason) { name, metric, reason },
	TT_COUNTERS(TT_COUNTER_INFO)
#undef TT_COUNTER_INFO
};

const char *
tt_counter_name(enum tt_counter c)
{
	return (unsigned)c < TT_CTR_COUNT ? counters[c].name : "unknown";
}

const char *
tt_counter_metric(enum tt_counter c)
{
	return (unsigned)c < TT_CTR_COUNT ? counters[c].metric :
	    "teltop_unknown_total";
}

const char *
tt_counter_label(enum tt_counter c, const char **value)
{
	if (tt_counter_reason(c) != NULL) {
		*value = tt_counter_reason(c);
		return "reason";
	}
	if (tt_counter_family(c, value) != NULL)
		return "source";
	return NULL;
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

enum tt_counter
tt_counter_capture(int source, enum tt_capture_kind k)
{
	if (source < 0 || source >= TT_SRC_COUNT)
		source = TT_SRC_GENERIC;
	return (enum tt_counter)(TT_CTR_CAPTURED_DEVTRON + 3 * source +
	    (int)k);
}

const char *
tt_counter_family(enum tt_counter c, const char **source)
{
	static const char	*families[] = { "captured", "forwarded",
				    "blocked" };
	int			 i = (int)c - TT_CTR_CAPTURED_DEVTRON;

	if (i < 0 || (unsigned)c >= TT_CTR_COUNT)
		return NULL;
	*source = tt_source_name((enum tt_source)(i / 3));
	return families[i % 3];
}

void
tt_capture_counts(const struct tt_counters *c, int source,
    struct tt_capture_counts *out)
{
	int	s;

	memset(out, 0, sizeof *out);
	for (s = 0; s < TT_SRC_COUNT; s++) {
		if (source >= 0 && s != source)
			continue;
		out->captured += c->v[tt_counter_capture(s, TT_CAP_CAPTURED)];
		out->forwarded += c->v[tt_counter_capture(s,
		    TT_CAP_FORWARDED)];
		out->blocked += c->v[tt_counter_capture(s, TT_CAP_BLOCKED)];
	}
}

int
tt_capture_none(const struct tt_capture_counts *cc)
{
	return cc->captured == 0 && cc->forwarded == 0 && cc->blocked == 0;
}

void
tt_capture_text(const struct tt_capture_counts *cc, const char *sep,
    char *buf, size_t len)
{
	snprintf(buf, len, "captured %lld%sforwarded %lld%sblocked %lld",
	    (long long)cc->captured, sep, (long long)cc->forwarded, sep,
	    (long long)cc->blocked);
}

/* One row of TT_CAPTURE_COUNTERS per source, last in the list. */
_Static_assert(TT_CTR_COUNT - TT_CTR_CAPTURED_DEVTRON == 3 * TT_SRC_COUNT,
    "TT_COUNTERS needs one TT_CAPTURE_COUNTERS row per source");

/* One line for each family: the rejections and capture counters share. */
const char *
tt_counter_help(enum tt_counter c)
{
	const char	*fam, *src;

	switch (c) {
	case TT_CTR_RECEIVED:
		return "Events received, taken or not.";
	case TT_CTR_ACCEPTED:
		return "Events committed to the database and acknowledged.";
	case TT_CTR_DROPPED_OPTOUT:
		return "Events of opted-out senders, dropped without a trace.";
	case TT_CTR_EVICTED:
		return "Events retention took out of the database "
		    "(--retain, --max-db-size).";
	case TT_CTR_BYTES:
		return "Bytes of request bodies and WebSocket messages received.";
	case TT_CTR_TUNNELLED:
		return "CONNECT tunnels to hosts not intercepted, passed on.";
	case TT_CTR_FORWARD_FAILED:
		return "Captured requests that could not be forwarded to their "
		    "vendor.";
	case TT_CTR_TUNNEL_REFUSED:
		return "CONNECT requests refused (too many tunnels, a host not "
		    "allowed).";
	default:
		break;
	}
	if (tt_counter_reason(c) != NULL)
		return "Requests and items refused, by reason.";
	fam = tt_counter_family(c, &src);
	if (fam == NULL)
		return "";
	if (strcmp(fam, "captured") == 0)
		return "Requests that came through capture, by source.";
	if (strcmp(fam, "forwarded") == 0)
		return "Captured requests passed on to their vendor, by source.";
	return "Captured requests of opted-out senders, kept from the "
	    "database and the vendor, by source.";
}
