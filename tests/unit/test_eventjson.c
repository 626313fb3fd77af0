/*
 * Unit tests for core/eventjson.c and the stats model as JSON
 * (tt_stats_dump / tt_stats_restore): what a viewer reads of what the
 * collector sends on /v1/stream and GET /v1/events must be what was
 * stored, every field, and a model restored from a dump must be the
 * model dumped.  Bad input names the member that is wrong.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tt_test.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "core/decode.h"
#include "core/eventjson.h"
#include "core/jsonscan.h"
#include "core/stats.h"
#include "core/xmalloc.h"

#define T0	1767614400000000LL	/* 2026-01-05T12:00:00Z */

static void
fill(struct tt_event *ev)
{
	tt_event_init(ev);
	ev->id = 42;
	ev->received_at = T0 + 17;
	ev->ts = T0 - 1000001;
	ev->source = TT_SRC_DEVPOD;
	ev->format = tt_format_static("devpod-insert");
	ev->phase = TT_PHASE_FINISH;
	ev->name = xstrdup("devpod_cli");
	ev->client_id = xstrdup("machine \"7\"");
	ev->execution_id = xstrdup("x-1");
	ev->command = xstrdup("devpod up");
	ev->duration_ms = 12345.678;
	ev->exit_code = 127;
	ev->error = xstrdup("exit status 127\nnot found");
	ev->version = xstrdup("v0.5.2");
	ev->os = xstrdup("linux");
	ev->arch = xstrdup("amd64");
	ev->pii = xstrdup("[{\"field\":\"uid\",\"kind\":\"install_id\","
	    "\"grade\":\"yellow\"}]");
	ev->data = xstrdup("{\"event\":\"devpod_cli\",\"n\":[1,2.5,\"é\"]}");
	ev->data_len = strlen(ev->data);
	ev->capture = xstrdup("{\"host\":\"api.example.com\",\"method\":"
	    "\"POST\",\"path\":\"/v1/insert\",\"headers\":[[\"user-agent\","
	    "\"Go-http-client/1.1\"]]}");
}

static void
round_trip(const struct tt_event *ev, struct tt_event *back)
{
	char	*text, *cause = NULL;
	cJSON	*o;

	text = tt_event_json(ev, NULL);
	o = cJSON_Parse(text);
	assert_non_null(o);
	if (tt_event_from_json(o, back, &cause) != 0)
		fail_msg("%s: %s", text, cause);
	cJSON_Delete(o);
	free(text);
}

/* Every field comes back as it was, the strings byte for byte. */
static void
test_event_round_trip(void **state)
{
	struct tt_event	 ev, back;
	char		*a, *b;

	(void)state;
	fill(&ev);
	round_trip(&ev, &back);
	assert_i64(back.id, 42);
	assert_i64(back.received_at, ev.received_at);
	assert_i64(back.ts, ev.ts);
	assert_int_equal(back.source, TT_SRC_DEVPOD);
	assert_ptr_equal(back.format, ev.format);	/* the static string */
	assert_int_equal(back.phase, TT_PHASE_FINISH);
	assert_str(back.name, ev.name);
	assert_str(back.client_id, ev.client_id);
	assert_str(back.execution_id, ev.execution_id);
	assert_str(back.command, ev.command);
	assert_true(back.duration_ms == ev.duration_ms);
	assert_i64(back.exit_code, 127);
	assert_str(back.error, ev.error);
	assert_str(back.version, ev.version);
	assert_str(back.os, ev.os);
	assert_str(back.arch, ev.arch);
	assert_i64(back.severity, TT_NONE);
	assert_str(back.pii, ev.pii);
	assert_str(back.data, ev.data);
	assert_int_equal(back.data_len, strlen(ev.data));
	assert_str(back.capture, ev.capture);
	/* and printed again, the same line */
	a = tt_event_json(&ev, NULL);
	b = tt_event_json(&back, NULL);
	assert_str(b, a);
	free(a);
	free(b);
	tt_event_clear(&ev);
	tt_event_clear(&back);
}

/* What an event does not have stays absent: NULL, TT_NONE, no pii. */
static void
test_event_absent(void **state)
{
	struct tt_event	 ev, back;

	(void)state;
	tt_event_init(&ev);
	ev.id = 1;
	ev.received_at = T0;
	ev.ts = T0;
	ev.severity = 17;
	ev.format = tt_format_static("otlp-logs-json");
	ev.source = TT_SRC_OTLP;
	round_trip(&ev, &back);
	assert_null(back.name);
	assert_null(back.client_id);
	assert_null(back.command);
	assert_null(back.error);
	assert_null(back.pii);
	assert_null(back.data);
	assert_null(back.capture);
	assert_true(back.duration_ms == TT_NONE);
	assert_i64(back.exit_code, TT_NONE);
	assert_i64(back.severity, 17);
	assert_int_equal(back.source, TT_SRC_OTLP);
	tt_event_clear(&back);
}

/* A member of the wrong kind is refused, and named. */
static void
test_event_bad(void **state)
{
	static const struct {
		const char	*json;
		const char	*member;
	} bad[] = {
		{ "[]", NULL },
		{ "{\"id\":\"1\"}", "id" },
		{ "{\"id\":-3}", "id" },
		{ "{\"id\":1.5}", "id" },
		{ "{\"id\":1,\"received_at\":\"yesterday\"}", "received_at" },
		{ "{\"id\":1,\"source\":\"nosuch\",\"format\":\"generic\","
		    "\"phase\":\"point\"}", "source" },
		{ "{\"id\":1,\"source\":\"werf\",\"format\":7,"
		    "\"phase\":\"point\"}", "format" },
		{ "{\"id\":1,\"source\":\"werf\",\"format\":\"generic\","
		    "\"phase\":\"middle\"}", "phase" },
		{ "{\"id\":1,\"source\":\"werf\",\"format\":\"generic\","
		    "\"phase\":\"point\",\"name\":3}", "name" },
		{ "{\"id\":1,\"source\":\"werf\",\"format\":\"generic\","
		    "\"phase\":\"point\",\"exit_code\":\"1\"}", "exit_code" },
		{ "{\"id\":1,\"source\":\"werf\",\"format\":\"generic\","
		    "\"phase\":\"point\",\"pii\":{}}", "pii" },
	};
	struct tt_event	 ev;
	cJSON		*o;
	char		*cause, want[64];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		o = cJSON_Parse(bad[i].json);
		cause = NULL;
		if (tt_event_from_json(o, &ev, &cause) == 0)
			fail_msg("%s was read", bad[i].json);
		assert_non_null(cause);
		if (bad[i].member != NULL) {
			snprintf(want, sizeof want, "\"%s\"", bad[i].member);
			if (strstr(cause, want) == NULL)
				fail_msg("%s: %s does not name %s",
				    bad[i].json, cause, bad[i].member);
		}
		/* nothing is left allocated on failure */
		assert_null(ev.name);
		free(cause);
		cJSON_Delete(o);
	}
}

static cJSON *
delta_tree(const struct tt_stats_delta *d)
{
	char	*text = tt_delta_json(d, NULL);
	cJSON	*o = cJSON_Parse(text);

	if (o == NULL)
		fail_msg("not JSON: %s", text);
	free(text);
	return o;
}

/* The strict check raw is put in by: what JSON is, not what cJSON takes. */
static void
test_json_valid(void **state)
{
	static const char *ok[] = { "{}", "[]", "0", "-0.5e+3", "1E-2",
	    "\"a\\u00e9\\n\"", "{\"a\":[1,2,{\"b\":null}]}", " true ",
	    "\"\xc3\xa9\"", "[\"\\/\"]" };
	static const char *bad[] = { "055", "{\"a\":1,}", "[1,]", "01", "1.",
	    "-", "\"\\x\"", "{a:1}", "[1 2]", "\"\x01\"", "nul", "{}x", "",
	    "1e", "+1", ".5", "\"\\u12\"", "[", "{\"a\"}", "NaN" };
	struct tt_event	 ev;
	char		*line, *deep;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (!tt_json_valid(ok[i], strlen(ok[i])))
			fail_msg("%s refused", ok[i]);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (tt_json_valid(bad[i], strlen(bad[i])))
			fail_msg("%s taken", bad[i]);
	/* as deep as cJSON parses (1000 arrays), and one level less where
	 * the text goes into an object */
	deep = xmalloc(2003);
	memset(deep, '[', 1001);
	memset(deep + 1001, ']', 1001);
	deep[2002] = '\0';
	assert_false(tt_json_valid(deep, 2002));
	assert_true(tt_json_valid(deep + 1, 2000));
	assert_false(tt_json_valid_in(deep + 1, 2000, 1));
	assert_true(tt_json_valid_in(deep + 2, 1998, 1));
	free(deep);
	/* raw that cJSON takes and JSON does not is reprinted, valid */
	tt_event_init(&ev);
	ev.id = 3;
	ev.data = xstrdup("{\"a\":055}");
	ev.data_len = strlen(ev.data);
	line = tt_event_json(&ev, NULL);
	assert_non_null(strstr(line, "\"raw\":{\"a\":55}"));
	free(line);
	tt_event_clear(&ev);
	/* and strict JSON stays as it was sent, spaces and all */
	ev.data = xstrdup("{ \"a\" : 1.50 }");
	ev.data_len = strlen(ev.data);
	line = tt_event_json(&ev, NULL);
	assert_non_null(strstr(line, "\"raw\":{ \"a\" : 1.50 }"));
	free(line);
	tt_event_clear(&ev);
}

/* The line's raw read from its text, as a viewer reads it, and printed
 * again: the same line, and the same data where it can be. */
static char *
raw_again(const char *data, char **back)
{
	struct tt_event	 ev, b;
	char		*line, *again, *cause = NULL;

	tt_event_init(&ev);
	ev.id = 5;
	ev.data = xstrdup(data);
	ev.data_len = strlen(data);
	line = tt_event_json(&ev, NULL);
	if (tt_event_from_text(line, strlen(line), &b, &cause) != 0)
		fail_msg("%s: %s", line, cause);
	again = tt_event_json(&b, NULL);
	assert_str(again, line);
	*back = xstrdup(b.data);
	free(again);
	tt_event_clear(&ev);
	tt_event_clear(&b);
	return line;
}

/* n arrays one in the other, the innermost holding in.  Caller frees. */
static char *
nest(size_t n, const char *in)
{
	size_t	 len = strlen(in);
	char	*s = xmalloc(2 * n + len + 1);

	memset(s, '[', n);
	memcpy(s + n, in, len);
	memset(s + n + len, ']', n);
	s[2 * n + len] = '\0';
	return s;
}

/*
 * raw that is a JSON string goes as a string of its text: a string raw is
 * read as the text of the payload, so "a\u00e9" put in as it is came back
 * as aé (fuzz_viewer).  JSON too deep for cJSON one level down goes as a
 * string too: put in as it is, the line was not JSON.
 */
static void
test_event_raw_string(void **state)
{
	static const char *data[] = { "\"a\\u00e9\"", " \"\\/\" ",
	    "\"x\"", "\xef\xbb\xbf\"bom\"" };
	char	*line, *back, *deep;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof data / sizeof data[0]; i++) {
		line = raw_again(data[i], &back);
		assert_str(back, data[i]);
		free(line);
		free(back);
	}
	line = raw_again("\"a\\u00e9\"", &back);
	assert_non_null(strstr(line, "\"raw\":\"\\\"a\\\\u00e9\\\"\"}"));
	free(line);
	free(back);
	/* 999 arrays fit into the line, 1000 do not */
	for (i = 999; i <= 1000; i++) {
		deep = nest(i, "");
		line = raw_again(deep, &back);
		assert_str(back, deep);
		assert_non_null(strstr(line, i == 999 ? "\"raw\":[[[" :
		    "\"raw\":\"[[["));
		free(line);
		free(back);
		free(deep);
		/* and what cJSON alone takes (055), reprinted, the same */
		deep = nest(i, "055");
		line = raw_again(deep, &back);
		assert_non_null(strstr(line, i == 999 ? "[[55]]" :
		    "\"raw\":\"[[["));
		free(line);
		free(back);
		free(deep);
	}
}

static void
test_delta_round_trip(void **state)
{
	struct tt_stats_delta	 d, back;
	cJSON			*o;
	char			*cause = NULL;

	(void)state;
	tt_stats_delta_init(&d);
	d.source = TT_SRC_WERF;
	d.ts = T0;
	strcpy(d.day, "2026-01-05");
	d.new_client = 1;
	d.command = xstrdup("werf converge");
	d.finished = 1;
	d.failed = 1;
	d.duration_ms = 4200;
	d.open = -1;
	d.start_ts = T0 - 4200000;
	d.metric = xstrdup("queue.depth");
	d.metric_kind = xstrdup("gauge");
	d.metric_unit = xstrdup("");
	d.metric_value = -2.5;
	o = delta_tree(&d);
	if (tt_delta_from_json(o, &back, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(back.source, TT_SRC_WERF);
	assert_i64(back.ts, T0);
	assert_str(back.day, "2026-01-05");
	assert_true(back.new_client && !back.summary && back.finished &&
	    back.failed);
	assert_str(back.command, "werf converge");
	assert_i64(back.duration_ms, 4200);
	assert_int_equal(back.open, -1);
	assert_i64(back.start_ts, d.start_ts);
	assert_str(back.metric, "queue.depth");
	assert_str(back.metric_kind, "gauge");
	assert_str(back.metric_unit, "");
	assert_true(back.metric_value == -2.5);
	tt_stats_delta_clear(&back);
	cJSON_Delete(o);
	/* none of a point: NAN, NULLs */
	tt_stats_delta_clear(&d);
	d.source = TT_SRC_GENERIC;
	strcpy(d.day, "2026-01-05");
	o = delta_tree(&d);
	assert_int_equal(tt_delta_from_json(o, &back, &cause), 0);
	assert_null(back.command);
	assert_null(back.metric);
	assert_true(isnan(back.metric_value));
	assert_i64(back.duration_ms, TT_NONE);
	tt_stats_delta_clear(&back);
	cJSON_Delete(o);
	o = cJSON_Parse("{\"source\":\"werf\",\"day\":\"2026-01-05\","
	    "\"open\":2}");
	assert_int_equal(tt_delta_from_json(o, &back, &cause), -1);
	assert_non_null(strstr(cause, "\"open\""));
	free(cause);
	cJSON_Delete(o);
}

/* ---- the model ---- */

static void
add(struct tt_stats *st, enum tt_source src, enum tt_phase ph,
    const char *name, const char *cmd, const char *exec, const char *cl,
    int64_t ts, double dur, int64_t code, const char *data,
    const char *format)
{
	struct tt_event	ev;

	tt_event_init(&ev);
	ev.source = src;
	ev.phase = ph;
	ev.name = dup_str(name);
	ev.command = dup_str(cmd);
	ev.execution_id = dup_str(exec);
	ev.client_id = dup_str(cl);
	ev.ts = ev.received_at = ts;
	ev.duration_ms = dur;
	ev.exit_code = code;
	if (data != NULL) {
		ev.data = xstrdup(data);
		ev.data_len = strlen(data);
	}
	if (format != NULL)
		ev.format = tt_format_static(format);
	tt_stats_add(st, &ev);
	tt_event_clear(&ev);
}

/* A model of every kind of row: commands with histograms and failures,
 * a running start and an orphan, days, a Summary, metrics. */
static struct tt_stats *
model(void)
{
	struct tt_stats	*st = tt_stats_create(TT_ORPHAN_AFTER_US);
	char		 exec[32];
	int		 i;

	for (i = 0; i < 40; i++) {
		snprintf(exec, sizeof exec, "x%d", i);
		add(st, TT_SRC_WERF, TT_PHASE_START, "CommandStarted",
		    "werf converge", exec, "c1", T0 + i * 1000000LL, TT_NONE,
		    TT_NONE, NULL, NULL);
		add(st, TT_SRC_WERF, TT_PHASE_FINISH, "CommandExited",
		    "werf converge", exec, i % 3 ? "c1" : "c2",
		    T0 + i * 1000000LL + (i * i * 997) % 90000 * 1000,
		    TT_NONE, i % 7 == 0 ? 1 : 0, NULL, NULL);
	}
	add(st, TT_SRC_DEVPOD, TT_PHASE_FINISH, "devpod_cli", "devpod up",
	    NULL, "m1", T0, 1500.5, 0, NULL, NULL);
	/* running (young) and an orphan (a day old) */
	add(st, TT_SRC_WERF, TT_PHASE_START, "CommandStarted", "werf build",
	    "run-now", "c1", tt_now_us() - 1000000, TT_NONE, TT_NONE, NULL,
	    NULL);
	add(st, TT_SRC_WERF, TT_PHASE_START, "CommandStarted", "werf build",
	    "gone", "c1", T0 - 86400000000LL, TT_NONE, TT_NONE, NULL, NULL);
	add(st, TT_SRC_DEVTRON, TT_PHASE_POINT, "Summary", NULL, NULL, "u1",
	    T0, TT_NONE, TT_NONE, "{\"event\":\"Summary\",\"properties\":"
	    "{\"clusterCount\":3,\"appCount\":12}}", NULL);
	add(st, TT_SRC_OTLP, TT_PHASE_POINT, "queue.depth", NULL, NULL, NULL,
	    T0, TT_NONE, TT_NONE, "{\"signal\":\"metric\",\"name\":"
	    "\"queue.depth\",\"unit\":\"{item}\",\"kind\":\"gauge\","
	    "\"value\":4}", "otlp-metrics-json");
	add(st, TT_SRC_OTLP, TT_PHASE_POINT, "queue.depth", NULL, NULL, NULL,
	    T0 + 1, TT_NONE, TT_NONE, "{\"signal\":\"metric\",\"name\":"
	    "\"queue.depth\",\"unit\":\"{item}\",\"kind\":\"gauge\","
	    "\"value\":-2.5}", "otlp-metrics-json");
	return st;
}

static char *
dump_text(struct tt_stats *st)
{
	cJSON	*o = tt_stats_dump(st);
	char	*s = cJSON_PrintUnformatted(o);

	cJSON_Delete(o);
	return s;
}

static void
test_stats_dump_restore(void **state)
{
	struct tt_stats		*a = model(), *b;
	struct tt_cmd_stats	*ca, *cb;
	struct tt_day_stats	*da, *db;
	struct tt_metric_stats	*ma, *mb;
	struct tt_summary	*sa, *sb;
	cJSON			*o;
	char			*ta, *tb;
	size_t			 na, nb, i;
	int64_t			 now = tt_now_us();

	(void)state;
	o = tt_stats_dump(a);
	b = tt_stats_create(TT_ORPHAN_AFTER_US);
	assert_int_equal(tt_stats_restore(b, o, now), 0);
	cJSON_Delete(o);
	na = tt_stats_commands(a, now, &ca);
	nb = tt_stats_commands(b, now, &cb);
	assert_int_equal(na, nb);
	assert_true(na == 3);
	for (i = 0; i < na; i++) {
		assert_str(cb[i].command, ca[i].command);
		assert_i64(cb[i].count, ca[i].count);
		assert_i64(cb[i].failures, ca[i].failures);
		assert_i64(cb[i].with_duration, ca[i].with_duration);
		assert_i64(cb[i].p50_ms, ca[i].p50_ms);
		assert_i64(cb[i].p95_ms, ca[i].p95_ms);
		assert_i64(cb[i].p99_ms, ca[i].p99_ms);
		assert_i64(cb[i].max_ms, ca[i].max_ms);
		assert_i64(cb[i].running, ca[i].running);
		assert_i64(cb[i].orphans, ca[i].orphans);
		assert_i64(cb[i].last_seen, ca[i].last_seen);
		assert_int_equal(cb[i].nrecent, ca[i].nrecent);
		assert_memory_equal(cb[i].recent, ca[i].recent,
		    (size_t)ca[i].nrecent * sizeof ca[i].recent[0]);
	}
	/* werf build: one running, one orphan */
	assert_i64(ca[1].running, 1);
	assert_i64(ca[1].orphans, 1);
	free(ca);
	free(cb);
	na = tt_stats_days(a, &da);
	nb = tt_stats_days(b, &db);
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		assert_str(db[i].day, da[i].day);
		assert_i64(db[i].events, da[i].events);
		assert_i64(db[i].commands, da[i].commands);
		assert_i64(db[i].failures, da[i].failures);
		assert_i64(db[i].clients, da[i].clients);
	}
	free(da);
	free(db);
	na = tt_stats_summaries(a, &sa);
	nb = tt_stats_summaries(b, &sb);
	assert_int_equal(na, 1);
	assert_int_equal(nb, 1);
	assert_int_equal(sb[0].ncounts, 2);
	assert_str(sb[0].counts[1].key, "appCount");
	assert_true(sb[0].counts[1].value == 12);
	free(sa);
	free(sb);
	na = tt_stats_metrics(a, &ma);
	nb = tt_stats_metrics(b, &mb);
	assert_int_equal(na, 1);
	assert_int_equal(nb, 1);
	assert_str(mb[0].unit, "{item}");
	assert_i64(mb[0].points, 2);
	assert_true(mb[0].last == -2.5 && mb[0].min == -2.5 &&
	    mb[0].max == 4);
	assert_int_equal(mb[0].nrecent, 2);
	free(ma);
	free(mb);
	/* and the restored model dumps as the first did */
	ta = dump_text(a);
	tb = dump_text(b);
	assert_str(tb, ta);
	free(ta);
	free(tb);
	tt_stats_free(a);
	tt_stats_free(b);
}

/* Rows that cannot be read are skipped, not guessed at. */
static void
test_stats_restore_bad(void **state)
{
	struct tt_stats		*st = tt_stats_create(TT_ORPHAN_AFTER_US);
	struct tt_cmd_stats	*c;
	cJSON			*o;
	size_t			 n;

	(void)state;
	assert_int_equal(tt_stats_restore(st, NULL, T0), -1);
	o = cJSON_Parse("{\"commands\":[{\"source\":\"nosuch\",\"command\":"
	    "\"x\"},{\"source\":\"werf\"},{\"source\":\"werf\",\"command\":"
	    "\"ok\",\"count\":2,\"max_ms\":5,\"buckets\":[[5,2],[-1,3],[999999,1],"
	    "[7,\"x\"]]}],\"days\":[{\"day\":\"bad\",\"source\":\"werf\"}],"
	    "\"metrics\":[{\"source\":\"otlp\"}]}");
	assert_int_equal(tt_stats_restore(st, o, T0), 0);
	n = tt_stats_commands(st, T0, &c);
	assert_int_equal(n, 1);
	assert_str(c[0].command, "ok");
	assert_i64(c[0].with_duration, 2);
	assert_i64(c[0].p50_ms, 5);
	free(c);
	cJSON_Delete(o);
	tt_stats_free(st);
}

/* Restore, dump, restore, dump: the same dump both times. */
static void
restore_twice(const char *json, char **first)
{
	struct tt_stats	*a = tt_stats_create(TT_ORPHAN_AFTER_US);
	struct tt_stats	*b = tt_stats_create(TT_ORPHAN_AFTER_US);
	cJSON		*o = cJSON_Parse(json), *d;
	char		*ta, *tb;

	assert_non_null(o);
	assert_int_equal(tt_stats_restore(a, o, T0), 0);
	d = tt_stats_dump(a);
	assert_int_equal(tt_stats_restore(b, d, T0), 0);
	ta = cJSON_PrintUnformatted(d);
	tb = dump_text(b);
	assert_str(tb, ta);
	*first = ta;
	free(tb);
	cJSON_Delete(d);
	cJSON_Delete(o);
	tt_stats_free(a);
	tt_stats_free(b);
}

/*
 * A hello that names a row twice sums it, at most to 2^50 as one count
 * is, so that its dump restores to the same; and a dump is in order
 * whatever order the rows came in (fuzz_viewer: 2e+15 became 2^50, and
 * c93 before c50 became c50 before c93).
 */
static void
test_stats_restore_twice(void **state)
{
	char	*t;

	(void)state;
	restore_twice("{\"commands\":[{\"source\":\"werf\",\"command\":"
	    "\"c\",\"count\":1e15,\"failures\":1e15,\"open\":1e15,"
	    "\"buckets\":[[0,1e15],[0,1e15]]},{\"source\":\"werf\","
	    "\"command\":\"c\",\"count\":1e15,\"failures\":1e15,"
	    "\"open\":1e15}],\"open\":[{\"source\":\"werf\",\"command\":"
	    "\"c\",\"execution_id\":\"x\",\"start_ts\":1767614000000000}],"
	    "\"days\":[{\"source\":\"werf\",\"day\":\"2026-01-05\","
	    "\"events\":1e15},{\"source\":\"werf\",\"day\":\"2026-01-05\","
	    "\"events\":1e15}],\"metrics\":[{\"source\":\"otlp\",\"name\":"
	    "\"m\",\"kind\":\"gauge\",\"unit\":\"\",\"points\":1e15},"
	    "{\"source\":\"otlp\",\"name\":\"m\",\"kind\":\"gauge\","
	    "\"unit\":\"\",\"points\":1e15}]}", &t);
	assert_non_null(strstr(t, "\"count\":1125899906842624,"
	    "\"failures\":1125899906842624,\"open\":1125899906842624,"));
	assert_non_null(strstr(t, "\"buckets\":[[0,1125899906842624]]"));
	assert_non_null(strstr(t, "\"events\":1125899906842624,"));
	assert_non_null(strstr(t, "\"points\":1125899906842624,"));
	free(t);
	/* both at the end of the map's table: c93 wraps to its start */
	restore_twice("{\"commands\":[{\"source\":\"werf\",\"command\":"
	    "\"c50\"},{\"source\":\"werf\",\"command\":\"c93\"}],"
	    "\"days\":[{\"source\":\"werf\",\"day\":\"d000000068\"},"
	    "{\"source\":\"werf\",\"day\":\"d000000066\"}]}", &t);
	assert_true(strstr(t, "\"c50\"") < strstr(t, "\"c93\""));
	assert_true(strstr(t, "\"d000000066\"") < strstr(t, "\"d000000068\""));
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_round_trip),
		cmocka_unit_test(test_event_absent),
		cmocka_unit_test(test_event_bad),
		cmocka_unit_test(test_json_valid),
		cmocka_unit_test(test_event_raw_string),
		cmocka_unit_test(test_delta_round_trip),
		cmocka_unit_test(test_stats_dump_restore),
		cmocka_unit_test(test_stats_restore_bad),
		cmocka_unit_test(test_stats_restore_twice),
	};

	return cmocka_run_group_tests_name("eventjson", tests, NULL, NULL);
}
