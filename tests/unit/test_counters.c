/*
 * Unit tests for core/counters.c: names (in JSON and in /metrics), reasons
 * and labels, the capture counters of
 * each source (tt_counter_capture, tt_counter_family), and what the
 * Opt-out view, `optout list` and `stats` make of them: per source and
 * total counts and their line of text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tt_test.h"

#include <stdio.h>
#include <string.h>

#include "core/counters.h"
#include "core/event.h"

/* Every counter has its own name; the rejected_* ones a reason. */
static void
test_names(void **state)
{
	int	i, j;

	(void)state;
	for (i = 0; i < TT_CTR_COUNT; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(tt_counter_name((enum tt_counter)i),
			    tt_counter_name((enum tt_counter)j)) == 0)
				fail_msg("counters %d and %d are both %s", i,
				    j, tt_counter_name((enum tt_counter)i));
		if ((tt_counter_reason((enum tt_counter)i) != NULL) !=
		    (strncmp(tt_counter_name((enum tt_counter)i),
		    "rejected_", 9) == 0))
			fail_msg("%s: a reason exactly when rejected_*",
			    tt_counter_name((enum tt_counter)i));
	}
	assert_str(tt_counter_name(TT_CTR_TUNNELLED), "tunnelled");
	assert_str(tt_counter_name(TT_CTR_FORWARD_FAILED), "forward_failed");
	assert_str(tt_counter_name(TT_CTR_COUNT), "unknown");
}

/*
 * /metrics names follow Prometheus' conventions (teltop_, lower case,
 * counters end in _total) and are not JSON's names dressed up; a family of
 * more than one counter tells them apart by a label value of its own, and
 * has one line of help.
 */
static void
test_metric_names(void **state)
{
	const char	*name, *label, *value, *l2, *v2;
	char		 old[64];
	int		 i, j;
	size_t		 k;

	(void)state;
	for (i = 0; i < TT_CTR_COUNT; i++) {
		name = tt_counter_metric((enum tt_counter)i);
		if (strncmp(name, "teltop_", 7) != 0 ||
		    strlen(name) <= 13 || strcmp(name + strlen(name) - 6,
		    "_total") != 0)
			fail_msg("%s: not teltop_…_total", name);
		for (k = 0; name[k] != '\0'; k++)
			if ((name[k] < 'a' || name[k] > 'z') && name[k] != '_')
				fail_msg("%s: a character not [a-z_]", name);
		snprintf(old, sizeof old, "teltop_%s_total",
		    tt_counter_name((enum tt_counter)i));
		if (strcmp(name, old) == 0)
			fail_msg("%s: JSON's name with teltop_ and _total", name);
		assert_non_null(tt_counter_help((enum tt_counter)i));
		assert_true(tt_counter_help((enum tt_counter)i)[0] != '\0');
		label = tt_counter_label((enum tt_counter)i, &value);
		for (j = 0; j < TT_CTR_COUNT; j++) {
			if (j == i || strcmp(name, tt_counter_metric(
			    (enum tt_counter)j)) != 0)
				continue;
			l2 = tt_counter_label((enum tt_counter)j, &v2);
			if (label == NULL || l2 == NULL ||
			    strcmp(label, l2) != 0 || strcmp(value, v2) == 0)
				fail_msg("%s: counters %d and %d not told apart",
				    name, i, j);
			assert_str(tt_counter_help((enum tt_counter)i),
			    tt_counter_help((enum tt_counter)j));
		}
	}
	assert_str(tt_counter_metric(TT_CTR_RECEIVED),
	    "teltop_events_received_total");
	assert_str(tt_counter_metric(TT_CTR_BYTES),
	    "teltop_received_bytes_total");
	assert_str(tt_counter_metric(TT_CTR_REJ_BUSY),
	    "teltop_rejections_total");
	assert_str(tt_counter_label(TT_CTR_REJ_BUSY, &value), "reason");
	assert_str(value, "busy");
	assert_str(tt_counter_metric(TT_CTR_BLOCKED_WERF),
	    "teltop_blocked_requests_total");
	assert_str(tt_counter_label(TT_CTR_BLOCKED_WERF, &value), "source");
	assert_str(value, "werf");
	assert_null(tt_counter_label(TT_CTR_TUNNELLED, &value));
}

/* The capture counters of each source are named after it. */
static void
test_capture_counter_map(void **state)
{
	static const char	*kinds[] = { "captured", "forwarded",
				    "blocked" };
	const char		*src, *fam;
	char			 want[64];
	enum tt_counter		 c;
	int			 s, k;

	(void)state;
	for (s = 0; s < TT_SRC_COUNT; s++)
		for (k = TT_CAP_CAPTURED; k <= TT_CAP_BLOCKED; k++) {
			c = tt_counter_capture(s, (enum tt_capture_kind)k);
			snprintf(want, sizeof want, "%s_%s", kinds[k],
			    tt_source_name((enum tt_source)s));
			assert_str(tt_counter_name(c), want);
			src = NULL;
			fam = tt_counter_family(c, &src);
			assert_str(fam, kinds[k]);
			assert_str(src, tt_source_name((enum tt_source)s));
		}
	/* Out of range: generic's. */
	assert_int_equal(tt_counter_capture(-1, TT_CAP_BLOCKED),
	    TT_CTR_BLOCKED_GENERIC);
	assert_int_equal(tt_counter_capture(TT_SRC_COUNT, TT_CAP_CAPTURED),
	    TT_CTR_CAPTURED_GENERIC);
	src = "unchanged";
	assert_null(tt_counter_family(TT_CTR_TUNNELLED, &src));
	assert_null(tt_counter_family(TT_CTR_COUNT, &src));
	assert_str(src, "unchanged");
}

/* Counts per source and their sum; the others do not count. */
static void
test_capture_counts(void **state)
{
	struct tt_counters		c;
	struct tt_capture_counts	cc;

	(void)state;
	memset(&c, 0, sizeof c);
	tt_capture_counts(&c, -1, &cc);
	assert_true(tt_capture_none(&cc));
	c.v[TT_CTR_CAPTURED_DEVPOD] = 52;
	c.v[TT_CTR_FORWARDED_DEVPOD] = 12;
	c.v[TT_CTR_BLOCKED_DEVPOD] = 40;
	c.v[TT_CTR_CAPTURED_POSTHOG] = 3;
	c.v[TT_CTR_FORWARDED_POSTHOG] = 3;
	c.v[TT_CTR_TUNNELLED] = 7;
	c.v[TT_CTR_FORWARD_FAILED] = 1;
	c.v[TT_CTR_DROPPED_OPTOUT] = 99;

	tt_capture_counts(&c, TT_SRC_DEVPOD, &cc);
	assert_i64(cc.captured, 52);
	assert_i64(cc.forwarded, 12);
	assert_i64(cc.blocked, 40);
	assert_false(tt_capture_none(&cc));
	tt_capture_counts(&c, TT_SRC_POSTHOG, &cc);
	assert_i64(cc.captured, 3);
	assert_i64(cc.forwarded, 3);
	assert_i64(cc.blocked, 0);
	tt_capture_counts(&c, TT_SRC_WERF, &cc);
	assert_true(tt_capture_none(&cc));
	tt_capture_counts(&c, -1, &cc);
	assert_i64(cc.captured, 55);
	assert_i64(cc.forwarded, 15);
	assert_i64(cc.blocked, 40);

	/* Only blocked set still is something to show. */
	memset(&c, 0, sizeof c);
	c.v[TT_CTR_BLOCKED_GENERIC] = 1;
	tt_capture_counts(&c, TT_SRC_GENERIC, &cc);
	assert_false(tt_capture_none(&cc));
}

/* The line of text, with either separator, cut safely. */
static void
test_capture_text(void **state)
{
	struct tt_capture_counts	cc = { 52, 12, 40 };
	char				buf[64], small[12];

	(void)state;
	tt_capture_text(&cc, " \xc2\xb7 ", buf, sizeof buf);
	assert_str(buf, "captured 52 \xc2\xb7 forwarded 12 \xc2\xb7 blocked 40");
	tt_capture_text(&cc, ", ", buf, sizeof buf);
	assert_str(buf, "captured 52, forwarded 12, blocked 40");
	cc.captured = INT64_MAX;
	tt_capture_text(&cc, ", ", buf, sizeof buf);
	assert_str(buf, "captured 9223372036854775807, forwarded 12, "
	    "blocked 40");
	tt_capture_text(&cc, ", ", small, sizeof small);
	assert_str(small, "captured 92");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_metric_names),
		cmocka_unit_test(test_capture_counter_map),
		cmocka_unit_test(test_capture_counts),
		cmocka_unit_test(test_capture_text),
	};

	return cmocka_run_group_tests_name("counters", tests, NULL, NULL);
}
