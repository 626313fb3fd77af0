/*
 * tt_event_key(): an event's own id, by which a PostgreSQL store merges a
 * retried event (store/pg.c).  Two different events must never get the
 * same key (the second would be dropped): two spans or two log records of
 * one trace, decoded from real OTLP JSON, are told apart; a retry of the
 * same event gets the same key.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tt_test.h"

#include <string.h>

#include "core/decode.h"
#include "core/xmalloc.h"

/* The keys of the events route's body decodes to, joined by ",". */
static char *
keys_of(enum tt_route route, const char *body)
{
	struct tt_decode_opts	 o;
	struct tt_batch		 b;
	char			*cause = NULL, *all = xstrdup(""), *k, *n;
	size_t			 i;

	memset(&o, 0, sizeof o);
	tt_batch_init(&b);
	if (tt_decode(route, (const uint8_t *)body, strlen(body), &o, &b,
	    &cause) < 0)
		fail_msg("decode: %s", cause);
	for (i = 0; i < b.n; i++) {
		k = tt_event_key(&b.ev[i]);
		n = xasprintf("%s%s%s", all, i > 0 ? "," : "",
		    k != NULL ? k : "-");
		free(all);
		free(k);
		all = n;
	}
	tt_batch_clear(&b);
	return all;
}

static void
test_own_ids(void **state)
{
	char	*k;

	(void)state;
	k = keys_of(TT_ROUTE_POSTHOG, "{\"batch\":[{\"event\":\"a\","
	    "\"uuid\":\"0192-aa\",\"distinct_id\":\"d\"},{\"event\":\"a\","
	    "\"uuid\":\"0192-bb\",\"distinct_id\":\"d\"}]}");
	assert_string_equal(k, "u:0192-aa,u:0192-bb");
	free(k);
	k = keys_of(TT_ROUTE_SEGMENT, "{\"batch\":[{\"type\":\"track\","
	    "\"event\":\"x\",\"messageId\":\"m-1\",\"anonymousId\":\"a\"}]}");
	assert_string_equal(k, "m:m-1");
	free(k);
}

/* Two spans with one name in one trace, two log records of one trace. */
static void
test_otlp_told_apart(void **state)
{
	char	*k;

	(void)state;
	k = keys_of(TT_ROUTE_OTLP_TRACES, "{\"resourceSpans\":[{"
	    "\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5b8efff798038103d269b6"
	    "33813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"SELECT\","
	    "\"startTimeUnixNano\":\"1700000000000000000\",\"endTimeUnixNano\":"
	    "\"1700000001000000000\"},{\"traceId\":\"5b8efff798038103d269b633"
	    "813fc60c\",\"spanId\":\"eee19b7ec3c1b175\",\"name\":\"SELECT\","
	    "\"startTimeUnixNano\":\"1700000000000000000\",\"endTimeUnixNano\":"
	    "\"1700000001000000000\"}]}]}]}");
	assert_string_equal(k, "s:5b8efff798038103d269b633813fc60c:"
	    "eee19b7ec3c1b174,s:5b8efff798038103d269b633813fc60c:"
	    "eee19b7ec3c1b175");
	free(k);
	k = keys_of(TT_ROUTE_OTLP_LOGS, "{\"resourceLogs\":[{\"scopeLogs\":[{"
	    "\"logRecords\":[{\"timeUnixNano\":\"1700000000000000000\","
	    "\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"body\":"
	    "{\"stringValue\":\"line\"}},{\"timeUnixNano\":"
	    "\"1700000000000000000\",\"traceId\":\"5b8efff798038103d269b633813"
	    "fc60c\",\"body\":{\"stringValue\":\"line\"}}]}]}]}");
	/* no id of their own: never merged */
	assert_null(strstr(k, "x:"));
	assert_string_equal(k, "-,-");
	free(k);
}

/* A run's start and finish are named by its id; a point event is not. */
static void
test_runs(void **state)
{
	struct tt_event	ev;
	char		*k;

	(void)state;
	tt_event_init(&ev);
	ev.execution_id = xstrdup("exec-1");
	ev.name = xstrdup("cmdstarted");
	ev.data = xstrdup("{}");
	ev.data_len = 2;
	ev.phase = TT_PHASE_START;
	k = tt_event_key(&ev);
	assert_string_equal(k, "x:exec-1:start:cmdstarted");
	free(k);
	ev.phase = TT_PHASE_POINT;
	assert_null(tt_event_key(&ev));
	/* an id of its own wins */
	free(ev.data);
	ev.data = xstrdup("{\"uuid\":\"u-7\"}");
	ev.data_len = strlen(ev.data);
	ev.phase = TT_PHASE_FINISH;
	k = tt_event_key(&ev);
	assert_string_equal(k, "u:u-7");
	free(k);
	tt_event_clear(&ev);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_ids),
		cmocka_unit_test(test_otlp_told_apart),
		cmocka_unit_test(test_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
