/*
 * libFuzzer target: what a viewer reads of the collector's messages
 * (cli/watch.c): an event as `teltop events` prints it, a stats delta, the
 * stats model of the hello.  Each that is read must print back to what
 * reads the same again: an event and a delta field by field (through the
 * printed line), a model restored, dumped, restored and dumped gives the
 * same dump both times, and its commands the same figures.
 */
#include <math.h>

#include <cJSON.h>

#include "fuzz.h"
#include "core/eventjson.h"
#include "core/jsonscan.h"
#include "core/stats.h"

#define NOW	1767614400000000LL

static void
event_again(const cJSON *o)
{
	struct tt_event	 a, b;
	char		*la, *lb, *cause = NULL;
	cJSON		*again;

	if (tt_event_from_json(o, &a, &cause) != 0) {
		FUZZ_CHECK(cause != NULL, "refused without a reason");
		free(cause);
		return;
	}
	la = tt_event_json(&a, NULL);
	again = cJSON_Parse(la);
	FUZZ_CHECK(again != NULL, "printed event is not JSON: %s", la);
	FUZZ_CHECK(tt_json_valid(la, strlen(la)), "not strict JSON: %s", la);
	/* read from its text, as a viewer does: raw keeps its bytes */
	FUZZ_CHECK(tt_event_from_text(la, strlen(la), &b, &cause) == 0,
	    "printed event does not read back: %s: %s", la, cause);
	lb = tt_event_json(&b, NULL);
	FUZZ_CHECK(strcmp(la, lb) == 0, "%s\nbecame\n%s", la, lb);
	FUZZ_CHECK(a.id == b.id && a.ts == b.ts && a.source == b.source &&
	    a.phase == b.phase && a.format == b.format, "fields differ: %s",
	    la);
	cJSON_Delete(again);
	free(la);
	free(lb);
	tt_event_clear(&a);
	tt_event_clear(&b);
}

static void
delta_again(const cJSON *o)
{
	struct tt_stats_delta	 a, b;
	cJSON			*pa;
	char			*ta, *tb, *cause = NULL;

	if (tt_delta_from_json(o, &a, &cause) != 0) {
		free(cause);
		return;
	}
	ta = tt_delta_json(&a, NULL);
	pa = cJSON_Parse(ta);
	FUZZ_CHECK(pa != NULL, "printed delta is not JSON: %s", ta);
	FUZZ_CHECK(tt_delta_from_json(pa, &b, &cause) == 0,
	    "printed delta does not read back: %s: %s", ta, cause);
	tb = tt_delta_json(&b, NULL);
	FUZZ_CHECK(strcmp(ta, tb) == 0, "%s\nbecame\n%s", ta, tb);
	free(ta);
	free(tb);
	cJSON_Delete(pa);
	tt_stats_delta_clear(&a);
	tt_stats_delta_clear(&b);
}

static void
stats_again(const cJSON *o)
{
	struct tt_stats		*a = tt_stats_create(TT_ORPHAN_AFTER_US);
	struct tt_stats		*b = tt_stats_create(TT_ORPHAN_AFTER_US);
	struct tt_cmd_stats	*ca, *cb;
	cJSON			*da, *db;
	char			*ta, *tb;
	size_t			 na, nb, i;

	(void)tt_stats_restore(a, o, NOW);
	da = tt_stats_dump(a);
	FUZZ_CHECK(tt_stats_restore(b, da, NOW) == 0, "a dump is refused");
	db = tt_stats_dump(b);
	ta = cJSON_PrintUnformatted(da);
	tb = cJSON_PrintUnformatted(db);
	FUZZ_CHECK(strcmp(ta, tb) == 0, "%s\nbecame\n%s", ta, tb);
	na = tt_stats_commands(a, NOW, &ca);
	nb = tt_stats_commands(b, NOW, &cb);
	FUZZ_CHECK(na == nb, "%zu commands became %zu", na, nb);
	for (i = 0; i < na; i++) {
		FUZZ_CHECK(ca[i].count == cb[i].count &&
		    ca[i].p95_ms == cb[i].p95_ms &&
		    ca[i].running == cb[i].running &&
		    ca[i].orphans == cb[i].orphans, "command %s differs",
		    ca[i].command);
		FUZZ_CHECK(ca[i].running >= 0 && ca[i].orphans >= 0,
		    "command %s: running %lld, orphans %lld", ca[i].command,
		    (long long)ca[i].running, (long long)ca[i].orphans);
	}
	free(ca);
	free(cb);
	free(ta);
	free(tb);
	cJSON_Delete(da);
	cJSON_Delete(db);
	tt_stats_free(a);
	tt_stats_free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON		*o = cJSON_ParseWithLength((const char *)data, size);
	const cJSON	*v;

	if (o == NULL)
		return 0;
	event_again(o);
	if ((v = cJSON_GetObjectItemCaseSensitive(o, "delta")) != NULL)
		delta_again(v);
	if ((v = cJSON_GetObjectItemCaseSensitive(o, "stats")) != NULL)
		stats_again(v);
	cJSON_Delete(o);
	return 0;
}
