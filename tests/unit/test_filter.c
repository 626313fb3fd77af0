/*
 * Unit tests for the filter language of core/filter.h: parsing of every
 * operator, field names and their aliases, the causes given for bad terms,
 * and tt_filter_match() on hand-built events, captured ones too (via,
 * host, and tt_capture_parse() that reads them) (the stream view's side; the
 * SQL side is checked against it in test_store.c).
 *
 * Filter strings are parsed from exact-size copies (with their NUL, since
 * the parser takes a C string) so that AddressSanitizer catches overreads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tt_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "filter.h"

/* Parse s, which must be accepted. */
static void
parse_ok(const char *s, struct tt_filter *f)
{
	char	*copy, *cause = NULL;

	copy = dup_str(s);
	if (tt_filter_parse(copy, f, &cause) != 0)
		fail_msg("\"%s\" refused: %s", s,
		    cause != NULL ? cause : "(no cause)");
	assert_null(cause);
	free(copy);
}

/* Parse s, which must be refused with a cause; returns it (caller frees). */
static char *
parse_bad(const char *s)
{
	struct tt_filter	 f;
	char			*copy, *cause = NULL;

	copy = dup_str(s);
	if (tt_filter_parse(copy, &f, &cause) != -1) {
		tt_filter_free(&f);
		fail_msg("\"%s\" accepted", s);
	}
	if (cause == NULL)
		fail_msg("\"%s\" refused without a cause", s);
	/* Nothing is left for the caller to free. */
	assert_int_equal(f.n, 0);
	assert_null(f.terms);
	free(copy);
	return cause;
}

/* Check one parsed term. */
static void
expect_term(const struct tt_filter *f, size_t i, enum tt_field field,
    enum tt_filter_op op, const char *value)
{
	assert_true(i < f->n);
	assert_int_equal(f->terms[i].field, field);
	assert_int_equal(f->terms[i].op, op);
	assert_non_null(f->terms[i].v[0].text);
	assert_string_equal(f->terms[i].v[0].text, value);
}

/* ---- parsing ---- */

static void
test_parse_ops(void **state)
{
	struct tt_filter	f;

	(void)state;
	parse_ok("name=build", &f);
	assert_int_equal(f.n, 1);
	expect_term(&f, 0, TT_FIELD_NAME, TT_F_EQ, "build");
	tt_filter_free(&f);

	parse_ok("name!=build", &f);
	expect_term(&f, 0, TT_FIELD_NAME, TT_F_NE, "build");
	tt_filter_free(&f);

	parse_ok("command~converge", &f);
	expect_term(&f, 0, TT_FIELD_COMMAND, TT_F_HAS, "converge");
	tt_filter_free(&f);

	parse_ok("command!~converge", &f);
	expect_term(&f, 0, TT_FIELD_COMMAND, TT_F_NHAS, "converge");
	tt_filter_free(&f);

	parse_ok("duration_ms>1000", &f);
	expect_term(&f, 0, TT_FIELD_DURATION, TT_F_GT, "1000");
	assert_int_equal(f.terms[0].v[0].num, 1000);
	tt_filter_free(&f);

	parse_ok("duration_ms<250", &f);
	expect_term(&f, 0, TT_FIELD_DURATION, TT_F_LT, "250");
	assert_int_equal(f.terms[0].v[0].num, 250);
	tt_filter_free(&f);

	parse_ok("exit_code!=0", &f);
	expect_term(&f, 0, TT_FIELD_EXIT, TT_F_NE, "0");
	assert_int_equal(f.terms[0].v[0].num, 0);
	tt_filter_free(&f);

	parse_ok("exit_code=-1", &f);
	expect_term(&f, 0, TT_FIELD_EXIT, TT_F_EQ, "-1");
	assert_int_equal(f.terms[0].v[0].num, -1);
	tt_filter_free(&f);

	parse_ok("id>42", &f);
	expect_term(&f, 0, TT_FIELD_ID, TT_F_GT, "42");
	assert_int_equal(f.terms[0].v[0].num, 42);
	tt_filter_free(&f);
}

/* Empty values: "is empty" and "is set". */
static void
test_parse_empty_values(void **state)
{
	struct tt_filter	f;

	(void)state;
	parse_ok("error=", &f);
	expect_term(&f, 0, TT_FIELD_ERROR, TT_F_EQ, "");
	tt_filter_free(&f);

	parse_ok("error!=", &f);
	expect_term(&f, 0, TT_FIELD_ERROR, TT_F_NE, "");
	tt_filter_free(&f);

	/* Numeric fields too: no number needed for "empty". */
	parse_ok("exit_code=", &f);
	expect_term(&f, 0, TT_FIELD_EXIT, TT_F_EQ, "");
	tt_filter_free(&f);
	parse_ok("duration_ms!=", &f);
	expect_term(&f, 0, TT_FIELD_DURATION, TT_F_NE, "");
	tt_filter_free(&f);
}

/* The value is everything after the operator, = included. */
static void
test_parse_value_chars(void **state)
{
	struct tt_filter	f;

	(void)state;
	parse_ok("name=a=b", &f);
	expect_term(&f, 0, TT_FIELD_NAME, TT_F_EQ, "a=b");
	tt_filter_free(&f);
	parse_ok("command~--env=prod", &f);
	expect_term(&f, 0, TT_FIELD_COMMAND, TT_F_HAS, "--env=prod");
	tt_filter_free(&f);
	parse_ok("name!=x!=y", &f);
	expect_term(&f, 0, TT_FIELD_NAME, TT_F_NE, "x!=y");
	tt_filter_free(&f);
}

/*
 * A value must be UTF-8: SQL finds text only at character boundaries, so
 * "client~\xa9" matched "\xc3\xa9t\xc3\xa9" in memory and nothing in
 * history (found by tests/fuzz/fuzz_filter).
 */
static void
test_parse_utf8(void **state)
{
	static const char	*bad[] = {
		"client~\xa9", "name=\xff", "command~caf\xc3", "error=\xc0\xaf",
		"os=\xed\xa0\x80", "arch=\xf4\x90\x80\x80", "name=a\xe2\x82",
	};
	struct tt_filter	 f;
	char			*cause;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = parse_bad(bad[i]);
		assert_non_null(strstr(cause, "UTF-8"));
		free(cause);
	}
	parse_ok("client~\xc3\xa9t\xc3\xa9 command=\xe2\x80\x94 "
	    "name=\xf0\x9f\x98\x80", &f);
	expect_term(&f, 0, TT_FIELD_CLIENT, TT_F_HAS, "\xc3\xa9t\xc3\xa9");
	expect_term(&f, 2, TT_FIELD_NAME, TT_F_EQ, "\xf0\x9f\x98\x80");
	tt_filter_free(&f);
}

/*
 * At most TT_FILTER_TERMS_MAX terms: 1100 terms worked in memory while
 * store_events() failed with "Expression tree is too large (maximum depth
 * 1000)" (a hand-made input run through tests/fuzz/fuzz_filter).
 */
static void
test_parse_too_many_terms(void **state)
{
	struct tt_filter	 f;
	char			*s, *cause;
	size_t			 i;

	(void)state;
	s = malloc(5 * (TT_FILTER_TERMS_MAX + 1) + 1);
	assert_non_null(s);
	for (i = 0; i < TT_FILTER_TERMS_MAX; i++)
		memcpy(s + 5 * i, "id>0 ", 5);
	s[5 * i] = '\0';
	parse_ok(s, &f);
	assert_int_equal(f.n, TT_FILTER_TERMS_MAX);
	tt_filter_free(&f);
	memcpy(s + 5 * i, "id>1", 5);
	cause = parse_bad(s);
	assert_non_null(strstr(cause, "at most"));
	free(cause);
	free(s);
}

/* Every field by its own name, and client for client_id. */
static void
test_parse_fields(void **state)
{
	struct tt_filter	 f;
	char			 s[64];
	int			 i;

	(void)state;
	for (i = 0; i < TT_FIELD_COUNT; i++) {
		snprintf(s, sizeof s, "%s=%s", tt_field_name((enum tt_field)i),
		    tt_field_numeric((enum tt_field)i) ? "7" :
		    i == TT_FIELD_VIA ? "capture" : i == TT_FIELD_PII ? "red" :
		    "x");
		parse_ok(s, &f);
		assert_int_equal(f.n, 1);
		assert_int_equal(f.terms[0].field, i);
		tt_filter_free(&f);
	}

	parse_ok("client=abc", &f);
	expect_term(&f, 0, TT_FIELD_CLIENT, TT_F_EQ, "abc");
	tt_filter_free(&f);
	parse_ok("client_id=abc", &f);
	expect_term(&f, 0, TT_FIELD_CLIENT, TT_F_EQ, "abc");
	tt_filter_free(&f);
	parse_ok("client~AB", &f);
	expect_term(&f, 0, TT_FIELD_CLIENT, TT_F_HAS, "AB");
	tt_filter_free(&f);
}

/* Parse s at a fixed now; it must be accepted. */
static void
parse_at(const char *s, int64_t now, struct tt_filter *f)
{
	char	*cause = NULL;

	if (tt_filter_parse_at(s, now, f, &cause) != 0)
		fail_msg("\"%s\" refused: %s", s, cause);
}

/* s is refused with a cause containing want. */
static void
refused_with(const char *s, const char *want)
{
	char	*cause = parse_bad(s);

	if (strstr(cause, want) == NULL)
		fail_msg("\"%s\": cause \"%s\" lacks \"%s\"", s, cause, want);
	free(cause);
}

/* Quotes, alternatives, negation, since/until, the findings' fields. */
static void
test_parse_grown(void **state)
{
	struct tt_filter	 f;
	const int64_t		 now = 1767225600000000LL;
	struct tm		 tm;

	(void)state;
	parse_ok("command=\"werf converge\" name=\"a \\\"q\\\" \\\\ b\"", &f);
	assert_int_equal(f.n, 2);
	expect_term(&f, 0, TT_FIELD_COMMAND, TT_F_EQ, "werf converge");
	expect_term(&f, 1, TT_FIELD_NAME, TT_F_EQ, "a \"q\" \\ b");
	assert_string_equal(f.terms[0].text, "command=\"werf converge\"");
	tt_filter_free(&f);

	parse_ok("source=werf|devpod|\"a|b\" !command~up exit_code!=0|1", &f);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.terms[0].nv, 3);
	assert_string_equal(f.terms[0].v[1].text, "devpod");
	assert_string_equal(f.terms[0].v[2].text, "a|b");
	assert_false(f.terms[0].negate);
	assert_true(f.terms[1].negate);
	expect_term(&f, 1, TT_FIELD_COMMAND, TT_F_HAS, "up");
	assert_int_equal(f.terms[2].nv, 2);
	assert_int_equal(f.terms[2].v[1].num, 1);
	tt_filter_free(&f);

	/* since counts back from now; until a date is local midnight */
	parse_at("since=10m until=2026-01-02", now, &f);
	assert_int_equal(f.terms[0].field, TT_FIELD_TS);
	assert_int_equal(f.terms[0].op, TT_F_GE);
	assert_true(f.terms[0].v[0].num == now - 600 * 1000000LL);
	assert_int_equal(f.terms[1].op, TT_F_LT);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = 126;
	tm.tm_mon = 0;
	tm.tm_mday = 2;
	tm.tm_isdst = -1;
	assert_true(f.terms[1].v[0].num == (int64_t)mktime(&tm) * 1000000);
	tt_filter_free(&f);
	parse_at("since=2026-01-01T00:00:01Z until=2026-01-01T10:30", now, &f);
	assert_true(f.terms[0].v[0].num == now + 1000000);
	tm.tm_mday = 1;
	tm.tm_hour = 10;
	tm.tm_min = 30;
	tm.tm_isdst = -1;
	assert_true(f.terms[1].v[0].num == (int64_t)mktime(&tm) * 1000000);
	tt_filter_free(&f);
	parse_ok("pii=red|yellow pii.kind!=email pii=", &f);
	assert_int_equal(f.terms[0].field, TT_FIELD_PII);
	assert_int_equal(f.terms[1].field, TT_FIELD_PII_KIND);
	assert_true(tt_field_pii(TT_FIELD_PII_KIND));
	tt_filter_free(&f);

	/* a value quoted for the language parses back to itself */
	{
		char	q[64], text[80];

		assert_int_equal(tt_filter_quote("werf \"up\" a\\b|c", q,
		    sizeof q), 0);
		assert_string_equal(q, "\"werf \\\"up\\\" a\\\\b|c\"");
		snprintf(text, sizeof text, "command=%s", q);
		parse_ok(text, &f);
		expect_term(&f, 0, TT_FIELD_COMMAND, TT_F_EQ,
		    "werf \"up\" a\\b|c");
		assert_int_equal(f.terms[0].nv, 1);
		tt_filter_free(&f);
		assert_int_equal(tt_filter_quote("abcdef", q, 8), -1);
		assert_int_equal(tt_filter_quote("abcd", q, 8), 0);
	}
	/* where the text is wrong, by column */
	refused_with("source==werf", "unexpected '=' at column 8");
	refused_with("name=\"open", "the quote is not closed at column 6");
	refused_with("name=\"a\"b", "unexpected 'b' after a quoted value at "
	    "column 9");
	refused_with("source=werf   nme=x", "unknown field 'nme' at column 15");
	refused_with("source", "needs an operator");
	refused_with("source werf", "'source' needs an operator");
	refused_with("name:b=1", "unexpected ':' after 'name' at column 5 (operators");
	refused_with("\"werf\"", "a quoted value needs a field first");
	refused_with("since=yesterday", "is neither a time ago nor a date at column");
	refused_with("since>10m", "since takes =");
	refused_with("since=1m|2m", "since takes one time");
	refused_with("pii=green", "pii is red or yellow");
	refused_with("pii~red", "pii takes = or !=");
	refused_with("exit_code=1|x", "exit_code needs a number at column 13");
}

static void
test_field_names(void **state)
{
	(void)state;
	assert_string_equal(tt_field_name(TT_FIELD_CLIENT), "client_id");
	assert_string_equal(tt_field_name(TT_FIELD_DURATION), "duration_ms");
	assert_string_equal(tt_field_name(TT_FIELD_EXIT), "exit_code");
	assert_string_equal(tt_field_name(TT_FIELD_SOURCE), "source");
	assert_string_equal(tt_field_name(TT_FIELD_PATH), "a payload path");
	assert_string_equal(tt_field_name((enum tt_field)(TT_FIELD_COUNT + 1)), "?");
	assert_true(tt_field_numeric(TT_FIELD_ID));
	assert_true(tt_field_numeric(TT_FIELD_DURATION));
	assert_true(tt_field_numeric(TT_FIELD_EXIT));
	assert_false(tt_field_numeric(TT_FIELD_SOURCE));
	assert_false(tt_field_numeric(TT_FIELD_COMMAND));
	assert_false(tt_field_numeric(TT_FIELD_ERROR));
	assert_false(tt_field_numeric(TT_FIELD_COUNT));
}

/* Terms are separated by any run of spaces or tabs. */
static void
test_parse_terms(void **state)
{
	struct tt_filter	f;

	(void)state;
	parse_ok("  source=werf \t command~CONVERGE   phase=finish ", &f);
	assert_int_equal(f.n, 3);
	expect_term(&f, 0, TT_FIELD_SOURCE, TT_F_EQ, "werf");
	expect_term(&f, 1, TT_FIELD_COMMAND, TT_F_HAS, "CONVERGE");
	expect_term(&f, 2, TT_FIELD_PHASE, TT_F_EQ, "finish");
	tt_filter_free(&f);
	assert_int_equal(f.n, 0);
	assert_null(f.terms);

	parse_ok("", &f);
	assert_int_equal(f.n, 0);
	tt_filter_free(&f);
	parse_ok("   \t ", &f);
	assert_int_equal(f.n, 0);
	tt_filter_free(&f);
}

/* Unknown fields are named in the cause. */
/* .PATH terms: where the path ends, '>' into a string's JSON or greater
 * than, and what is refused, with where. */
static void
test_parse_path(void **state)
{
	static const struct {
		const char	*text;
		const char	*path;
		enum tt_filter_op op;
		int		 negate;
	} ok[] = {
		{ ".properties.$os=linux", "properties.$os", TT_F_EQ, 0 },
		{ ".event.command~up", "event.command", TT_F_HAS, 0 },
		{ ".event.props>ide=vscode", "event.props>ide", TT_F_EQ, 0 },
		{ ".properties.n>5", "properties.n", TT_F_GT, 0 },
		{ ".n>=5", "n", TT_F_GE, 0 },
		{ ".a>b>3", "a>b", TT_F_GT, 0 },
		{ ".batch[0].uuid!=x", "batch[0].uuid", TT_F_NE, 0 },
		{ ".attributes[\"host.name\"]=h", "attributes[\"host.name\"]",
		    TT_F_EQ, 0 },
		{ ".tags>[1]!~a", "tags>[1]", TT_F_NHAS, 0 },
		{ "!.properties.ci=true", "properties.ci", TT_F_EQ, 1 },
	};
	struct tt_filter	 f;
	char			*cause;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		parse_ok(ok[i].text, &f);
		assert_int_equal(f.n, 1);
		assert_int_equal(f.terms[0].field, TT_FIELD_PATH);
		assert_str(f.terms[0].path, ok[i].path);
		assert_int_equal(f.terms[0].op, ok[i].op);
		assert_int_equal(f.terms[0].negate, ok[i].negate);
		tt_filter_free(&f);
	}
	parse_ok(".n=5|x", &f);
	assert_true(f.terms[0].v[0].is_num && f.terms[0].v[0].d == 5);
	assert_false(f.terms[0].v[1].is_num);
	tt_filter_free(&f);
	cause = parse_bad(".=x");
	assert_non_null(strstr(cause, "column 1"));
	free(cause);
	cause = parse_bad("source=werf .a[=x");
	assert_non_null(strstr(cause, "not a path"));
	assert_non_null(strstr(cause, "column 13"));
	free(cause);
	cause = parse_bad(".n>abc");
	assert_non_null(strstr(cause, "not one"));
	free(cause);
	cause = parse_bad(".a[\"k=1");
	assert_non_null(strstr(cause, "quote"));
	free(cause);
}

static void
test_parse_unknown_field(void **state)
{
	char	*cause;

	(void)state;
	cause = parse_bad("nope=1");
	assert_non_null(strstr(cause, "nope"));
	free(cause);
	cause = parse_bad("Source=werf");	/* names are lowercase */
	free(cause);
	cause = parse_bad("client_=x");
	free(cause);
	cause = parse_bad("clientid=x");
	free(cause);
	cause = parse_bad("duration=5");
	free(cause);
	/* A bad term after good ones: nothing is kept (no leak). */
	cause = parse_bad("source=werf command~x bogus~y");
	assert_non_null(strstr(cause, "bogus"));
	free(cause);
}

/* Terms without an operator or a field, and unknown operators. */
static void
test_parse_bad_operator(void **state)
{
	static const char	*bad[] = {
		"name",		/* no operator */
		"=werf",	/* no field */
		"~x",
		"!=x",
		"name!",	/* ! alone */
		"name!x",
		"name!<x",
		"source=werf phase",
	};
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		free(parse_bad(bad[i]));
}

/* Numeric fields and > < need numbers. */
static void
test_parse_numbers(void **state)
{
	static const char	*bad[] = {
		"exit_code=abc",
		"exit_code!=one",
		"duration_ms>abc",
		"duration_ms>",		/* > needs a number even when empty */
		"duration_ms<",
		"duration_ms>10ms",
		"duration_ms>1.5",
		"duration_ms>==5",	/* >= then "=5", not a number */
		"duration_ms<>5",
		"duration_ms>=",
		"severity>=loud",
		"name>=a",		/* >= and <= compare numbers */
		"id=x",
		"exit_code~abc",
	};
	struct tt_filter	 f;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		free(parse_bad(bad[i]));

	parse_ok("duration_ms>-5", &f);
	assert_int_equal(f.terms[0].v[0].num, -5);
	tt_filter_free(&f);
	parse_ok("duration_ms<9000000000", &f);
	assert_true(f.terms[0].v[0].num == 9000000000LL);
	tt_filter_free(&f);
	parse_ok("duration_ms>=5 exit_code<=2", &f);
	assert_int_equal(f.terms[0].op, TT_F_GE);
	assert_int_equal(f.terms[0].v[0].num, 5);
	assert_int_equal(f.terms[1].op, TT_F_LE);
	tt_filter_free(&f);
	parse_ok("severity>=Warn severity<=21", &f);
	assert_int_equal(f.terms[0].v[0].num, 13);
	assert_int_equal(f.terms[1].v[0].num, 21);
	tt_filter_free(&f);
}

/* via takes capture or direct with = or !=; host is a text field. */
static void
test_parse_capture_fields(void **state)
{
	static const char	*bad[] = {
		"via=captured", "via=", "via!=", "via=Capture", "via~cap",
		"via!~direct", "via>1", "via=capture,direct", "host>1",
	};
	struct tt_filter	 f;
	char			*cause;
	size_t			 i;

	(void)state;
	parse_ok("via=capture via!=direct host=analytics.loft.rocks "
	    "host~posthog host!~devtron host= host!=", &f);
	assert_int_equal(f.n, 7);
	expect_term(&f, 0, TT_FIELD_VIA, TT_F_EQ, "capture");
	expect_term(&f, 1, TT_FIELD_VIA, TT_F_NE, "direct");
	expect_term(&f, 2, TT_FIELD_HOST, TT_F_EQ, "analytics.loft.rocks");
	expect_term(&f, 3, TT_FIELD_HOST, TT_F_HAS, "posthog");
	expect_term(&f, 4, TT_FIELD_HOST, TT_F_NHAS, "devtron");
	expect_term(&f, 5, TT_FIELD_HOST, TT_F_EQ, "");
	expect_term(&f, 6, TT_FIELD_HOST, TT_F_NE, "");
	tt_filter_free(&f);
	parse_ok("via=direct", &f);
	expect_term(&f, 0, TT_FIELD_VIA, TT_F_EQ, "direct");
	tt_filter_free(&f);
	assert_string_equal(tt_field_name(TT_FIELD_VIA), "via");
	assert_string_equal(tt_field_name(TT_FIELD_HOST), "host");
	assert_false(tt_field_numeric(TT_FIELD_VIA));
	assert_false(tt_field_numeric(TT_FIELD_HOST));

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = parse_bad(bad[i]);
		if (strncmp(bad[i], "via", 3) == 0 &&
		    strstr(cause, "capture or direct") == NULL)
			fail_msg("\"%s\": cause \"%s\" does not say what via "
			    "takes", bad[i], cause);
		free(cause);
	}
	/* The unknown-field cause names them. */
	cause = parse_bad("vía=capture");
	assert_non_null(strstr(cause, "via, host"));
	free(cause);
}

/* ---- matching ---- */

/* An event with the given fields; NULL strings stay NULL. */
static void
mk(struct tt_event *ev, enum tt_source src, enum tt_phase phase,
    const char *name, const char *command, const char *error,
    int64_t exit_code, double duration_ms)
{
	tt_event_init(ev);
	ev->source = src;
	ev->phase = phase;
	ev->name = dup_str(name);
	ev->command = dup_str(command);
	ev->error = dup_str(error);
	ev->exit_code = exit_code;
	ev->duration_ms = duration_ms;
}

/* Does filter string s match ev? */
static int
matches(const char *s, const struct tt_event *ev)
{
	struct tt_filter	f;
	int			m;

	parse_ok(s, &f);
	m = tt_filter_match(&f, ev);
	tt_filter_free(&f);
	return m;
}

#define MATCH(s, ev)	do {						\
	if (!matches((s), (ev)))					\
		fail_msg("\"%s\" does not match %s", (s), #ev);	\
} while (0)
#define NO_MATCH(s, ev)	do {						\
	if (matches((s), (ev)))						\
		fail_msg("\"%s\" matches %s", (s), #ev);		\
} while (0)

/* source=werf command~CONVERGE: equal source, contains ignoring case. */
static void
test_match_source_command(void **state)
{
	struct tt_event	werf_conv, werf_conv2, werf_build, werf_null,
			devpod_conv;
	const char	*f = "source=werf command~CONVERGE";

	(void)state;
	mk(&werf_conv, TT_SRC_WERF, TT_PHASE_POINT, NULL, "converge", NULL,
	    TT_NONE, TT_NONE);
	mk(&werf_conv2, TT_SRC_WERF, TT_PHASE_POINT, NULL,
	    "werf Converge --env prod", NULL, TT_NONE, TT_NONE);
	mk(&werf_build, TT_SRC_WERF, TT_PHASE_POINT, NULL, "build", NULL,
	    TT_NONE, TT_NONE);
	mk(&werf_null, TT_SRC_WERF, TT_PHASE_POINT, NULL, NULL, NULL,
	    TT_NONE, TT_NONE);
	mk(&devpod_conv, TT_SRC_DEVPOD, TT_PHASE_POINT, NULL, "converge",
	    NULL, TT_NONE, TT_NONE);

	MATCH(f, &werf_conv);
	MATCH(f, &werf_conv2);
	NO_MATCH(f, &werf_build);
	NO_MATCH(f, &werf_null);
	NO_MATCH(f, &devpod_conv);

	/* = is exact. */
	NO_MATCH("source=WERF", &werf_conv);
	NO_MATCH("command=Converge", &werf_conv);
	MATCH("command=converge", &werf_conv);
	/* !~: a NULL command does not contain anything. */
	MATCH("command!~converge", &werf_build);
	MATCH("command!~converge", &werf_null);
	NO_MATCH("command!~CONVERGE", &werf_conv2);
	MATCH("source!=werf", &devpod_conv);
	NO_MATCH("source!=werf", &werf_conv);

	tt_event_clear(&werf_conv);
	tt_event_clear(&werf_conv2);
	tt_event_clear(&werf_build);
	tt_event_clear(&werf_null);
	tt_event_clear(&devpod_conv);
}

/* error!= (set) and error= (empty or NULL). */
static void
test_match_error(void **state)
{
	struct tt_event	err, noerr, emptyerr;

	(void)state;
	mk(&err, TT_SRC_WERF, TT_PHASE_FINISH, NULL, NULL, "exit status 1",
	    1, 5);
	mk(&noerr, TT_SRC_WERF, TT_PHASE_FINISH, NULL, NULL, NULL, 0, 5);
	mk(&emptyerr, TT_SRC_WERF, TT_PHASE_FINISH, NULL, NULL, "", 0, 5);

	MATCH("error!=", &err);
	NO_MATCH("error!=", &noerr);
	NO_MATCH("error!=", &emptyerr);
	NO_MATCH("error=", &err);
	MATCH("error=", &noerr);
	MATCH("error=", &emptyerr);
	MATCH("error~STATUS", &err);
	NO_MATCH("error~status", &noerr);
	NO_MATCH("error~status", &emptyerr);

	tt_event_clear(&err);
	tt_event_clear(&noerr);
	tt_event_clear(&emptyerr);
}

/* exit_code!=0, exit_code=, exit_code!=. */
static void
test_match_exit_code(void **state)
{
	struct tt_event	ok, fail1, neg, none;

	(void)state;
	mk(&ok, TT_SRC_WERF, TT_PHASE_FINISH, NULL, NULL, NULL, 0, TT_NONE);
	mk(&fail1, TT_SRC_WERF, TT_PHASE_FINISH, NULL, NULL, NULL, 1,
	    TT_NONE);
	mk(&neg, TT_SRC_WERF, TT_PHASE_FINISH, NULL, NULL, NULL, -1, TT_NONE);
	mk(&none, TT_SRC_WERF, TT_PHASE_START, NULL, NULL, NULL, TT_NONE,
	    TT_NONE);

	NO_MATCH("exit_code!=0", &ok);
	MATCH("exit_code!=0", &fail1);
	MATCH("exit_code!=0", &neg);
	/* An absent exit code is not 0 (the SQL form agrees). */
	MATCH("exit_code!=0", &none);
	MATCH("exit_code=0", &ok);
	NO_MATCH("exit_code=0", &none);
	MATCH("exit_code=-1", &neg);
	MATCH("exit_code=", &none);
	NO_MATCH("exit_code=", &ok);
	MATCH("exit_code!=", &ok);
	NO_MATCH("exit_code!=", &none);
	MATCH("exit_code>0", &fail1);
	NO_MATCH("exit_code>0", &ok);
	NO_MATCH("exit_code>0", &none);
	MATCH("exit_code<0", &neg);
	NO_MATCH("exit_code<0", &none);

	tt_event_clear(&ok);
	tt_event_clear(&fail1);
	tt_event_clear(&neg);
	tt_event_clear(&none);
}

/* duration_ms>1000 and <1000: strict, and never for an absent value. */
static void
test_match_duration(void **state)
{
	struct tt_event	d999, d1000, d1001, dnone;

	(void)state;
	mk(&d999, TT_SRC_DEVTRON, TT_PHASE_FINISH, NULL, NULL, NULL, 0, 999);
	mk(&d1000, TT_SRC_DEVTRON, TT_PHASE_FINISH, NULL, NULL, NULL, 0, 1000);
	mk(&d1001, TT_SRC_DEVTRON, TT_PHASE_FINISH, NULL, NULL, NULL, 0, 1001);
	mk(&dnone, TT_SRC_DEVTRON, TT_PHASE_POINT, NULL, NULL, NULL, TT_NONE,
	    TT_NONE);

	NO_MATCH("duration_ms>1000", &d999);
	NO_MATCH("duration_ms>1000", &d1000);
	MATCH("duration_ms>1000", &d1001);
	NO_MATCH("duration_ms>1000", &dnone);
	MATCH("duration_ms<1000", &d999);
	NO_MATCH("duration_ms<1000", &d1000);
	NO_MATCH("duration_ms<1000", &dnone);
	MATCH("duration_ms=1000", &d1000);
	NO_MATCH("duration_ms=1000", &d1001);
	MATCH("duration_ms>-1", &d999);
	/* A range. */
	MATCH("duration_ms>998 duration_ms<1001", &d999);
	MATCH("duration_ms>998 duration_ms<1001", &d1000);
	NO_MATCH("duration_ms>998 duration_ms<1001", &d1001);

	tt_event_clear(&d999);
	tt_event_clear(&d1000);
	tt_event_clear(&d1001);
	tt_event_clear(&dnone);

	/* A fraction is compared exactly, as SQL compares a REAL. */
	mk(&d999, TT_SRC_DEVPOD, TT_PHASE_FINISH, NULL, NULL, NULL, 0, 999.5);
	mk(&d1000, TT_SRC_DEVPOD, TT_PHASE_FINISH, NULL, NULL, NULL, 0, 0.001);
	mk(&d1001, TT_SRC_DEVPOD, TT_PHASE_FINISH, NULL, NULL, NULL, 0, 1e19);
	MATCH("duration_ms>999", &d999);
	MATCH("duration_ms<1000", &d999);
	NO_MATCH("duration_ms=999", &d999);
	NO_MATCH("duration_ms=1000", &d999);
	MATCH("duration_ms!=999", &d999);
	MATCH("duration_ms>0", &d1000);
	MATCH("duration_ms<1", &d1000);
	NO_MATCH("duration_ms=0", &d1000);
	MATCH("duration_ms>9000000000000000000", &d1001);
	MATCH("duration_ms!=", &d1001);
	tt_event_clear(&d999);
	tt_event_clear(&d1000);
	tt_event_clear(&d1001);
}

/* phase=finish against each phase; phase names are the stored ones. */
static void
test_match_phase(void **state)
{
	struct tt_event	point, start, finish;

	(void)state;
	mk(&point, TT_SRC_DEVSY, TT_PHASE_POINT, NULL, NULL, NULL, TT_NONE,
	    TT_NONE);
	mk(&start, TT_SRC_DEVSY, TT_PHASE_START, NULL, NULL, NULL, TT_NONE,
	    TT_NONE);
	mk(&finish, TT_SRC_DEVSY, TT_PHASE_FINISH, NULL, NULL, NULL, 0, 10);

	NO_MATCH("phase=finish", &point);
	NO_MATCH("phase=finish", &start);
	MATCH("phase=finish", &finish);
	MATCH("phase=start", &start);
	MATCH("phase=point", &point);
	MATCH("phase!=point", &finish);
	NO_MATCH("phase!=point", &point);

	tt_event_clear(&point);
	tt_event_clear(&start);
	tt_event_clear(&finish);
}

/* The other text fields, client through its alias, the id. */
static void
test_match_other_fields(void **state)
{
	struct tt_event	ev;

	(void)state;
	mk(&ev, TT_SRC_POSTHOG, TT_PHASE_POINT, "$pageview", NULL, NULL,
	    TT_NONE, TT_NONE);
	ev.id = 17;
	ev.format = "posthog-batch";
	ev.client_id = dup_str("Client-ABC");
	ev.execution_id = dup_str("exec-1");
	ev.version = dup_str("1.2.3");
	ev.os = dup_str("linux");
	ev.arch = dup_str("amd64");

	MATCH("client=Client-ABC", &ev);
	MATCH("client_id=Client-ABC", &ev);
	MATCH("client~abc", &ev);
	NO_MATCH("client=client-abc", &ev);
	MATCH("execution_id=exec-1", &ev);
	MATCH("format=posthog-batch", &ev);
	MATCH("format~POSTHOG", &ev);
	MATCH("name=$pageview", &ev);
	MATCH("version=1.2.3", &ev);
	MATCH("os=linux arch=amd64", &ev);
	NO_MATCH("os=darwin", &ev);
	MATCH("source=posthog", &ev);
	MATCH("id=17", &ev);
	MATCH("id>16", &ev);
	NO_MATCH("id>17", &ev);
	MATCH("id<18", &ev);
	/* Unset fields. */
	MATCH("command=", &ev);
	MATCH("error=", &ev);
	NO_MATCH("command!=", &ev);

	tt_event_clear(&ev);
}

/*
 * via and host come from the capture text: direct events (no capture)
 * are via=direct with an empty host; text that is not a JSON object, or
 * a host that is not a string, gives an empty host too (as in SQL).
 */
static void
test_match_capture(void **state)
{
	struct tt_event	cap, cap2, direct, bad, nohost, numhost, trailing;

	(void)state;
	mk(&cap, TT_SRC_DEVPOD, TT_PHASE_POINT, "devpod_cli", "devpod up",
	    NULL, TT_NONE, TT_NONE);
	cap.capture = dup_str("{\"host\":\"analytics.loft.rocks\","
	    "\"method\":\"POST\",\"path\":\"/v1/insert\",\"headers\":"
	    "[[\"User-Agent\",\"Go-http-client/1.1\"]]}");
	mk(&cap2, TT_SRC_POSTHOG, TT_PHASE_POINT, "$pageview", NULL, NULL,
	    TT_NONE, TT_NONE);
	cap2.capture = dup_str("{\"method\":\"POST\",\"host\":"
	    "\"us.i.posthog.com\",\"path\":\"/batch/\",\"headers\":[]}");
	mk(&direct, TT_SRC_DEVPOD, TT_PHASE_POINT, "devpod_cli", "devpod up",
	    NULL, TT_NONE, TT_NONE);
	mk(&bad, TT_SRC_DEVPOD, TT_PHASE_POINT, "b", NULL, NULL, TT_NONE,
	    TT_NONE);
	bad.capture = dup_str("{\"host\":\"analytics.loft.rocks\"");
	mk(&nohost, TT_SRC_DEVPOD, TT_PHASE_POINT, "n", NULL, NULL, TT_NONE,
	    TT_NONE);
	nohost.capture = dup_str("{\"method\":\"POST\"}");
	mk(&numhost, TT_SRC_DEVPOD, TT_PHASE_POINT, "n", NULL, NULL, TT_NONE,
	    TT_NONE);
	numhost.capture = dup_str("{\"host\":443}");
	mk(&trailing, TT_SRC_DEVPOD, TT_PHASE_POINT, "t", NULL, NULL, TT_NONE,
	    TT_NONE);
	trailing.capture = dup_str("{\"host\":\"a.example\"} x");

	/* severity: a number or a name, >= and <= */
	cap.severity = 13;
	MATCH("severity>=warn", &cap);
	MATCH("severity>=13", &cap);
	MATCH("severity<=WARN", &cap);
	NO_MATCH("severity>=error", &cap);
	MATCH("severity<error", &cap);
	MATCH("severity=warn", &cap);
	NO_MATCH("severity>=warn", &direct);	/* no severity */
	MATCH("severity=", &direct);
	cap.severity = TT_NONE;
	/* signal, from the format */
	cap.format = "otlp-logs-json";
	MATCH("signal=log", &cap);
	NO_MATCH("signal=metric", &cap);
	cap.format = "otlp-metrics-protobuf";
	MATCH("signal=metric", &cap);
	cap.format = "otlp-json";
	MATCH("signal=trace", &cap);
	cap.format = "devpod-insert";
	MATCH("signal=event", &cap);
	NO_MATCH("signal!=event", &cap);

	MATCH("via=capture", &cap);
	MATCH("via=capture", &cap2);
	NO_MATCH("via=capture", &direct);
	MATCH("via=direct", &direct);
	NO_MATCH("via=direct", &cap);
	MATCH("via!=capture", &direct);
	NO_MATCH("via!=direct", &direct);
	/* Any capture text, even bad, says it came through the proxy. */
	MATCH("via=capture", &bad);
	MATCH("via=capture", &nohost);

	MATCH("host=analytics.loft.rocks", &cap);
	NO_MATCH("host=analytics.loft.rocks", &cap2);
	NO_MATCH("host=analytics.loft.rocks", &direct);
	NO_MATCH("host=ANALYTICS.loft.rocks", &cap);
	MATCH("host~LOFT", &cap);
	MATCH("host~posthog", &cap2);
	MATCH("host!~loft", &cap2);
	MATCH("host!~loft", &direct);
	MATCH("host!=analytics.loft.rocks", &direct);
	MATCH("host=", &direct);
	NO_MATCH("host=", &cap);
	MATCH("host!=", &cap);
	NO_MATCH("host!=", &direct);
	MATCH("via=capture host~loft source=devpod command~up", &cap);
	NO_MATCH("via=direct host~loft", &cap);

	/* No host to be read: empty. */
	MATCH("host=", &bad);
	NO_MATCH("host~loft", &bad);
	MATCH("host=", &nohost);
	MATCH("host=", &numhost);
	NO_MATCH("host~443", &numhost);
	MATCH("host=", &trailing);

	tt_event_clear(&cap);
	tt_event_clear(&cap2);
	tt_event_clear(&direct);
	tt_event_clear(&bad);
	tt_event_clear(&nohost);
	tt_event_clear(&numhost);
	tt_event_clear(&trailing);
}

/* tt_capture_parse(): host, method, path, the headers that are pairs. */
static void
test_capture_parse(void **state)
{
	struct tt_capture	c;

	(void)state;
	assert_int_equal(tt_capture_parse("{\"host\":\"analytics.loft."
	    "rocks\",\"method\":\"POST\",\"path\":\"/v1/insert\","
	    "\"headers\":[[\"User-Agent\",\"Go-http-client/1.1\"],"
	    "[\"Authorization\",\"Bearer \u2022\u2022\u2022\"],[\"x\"],"
	    "\"y\",[1,2],[\"Accept\",\"*/*\",\"extra\"]]}", &c), 0);
	assert_string_equal(c.host, "analytics.loft.rocks");
	assert_string_equal(c.method, "POST");
	assert_string_equal(c.path, "/v1/insert");
	assert_int_equal(c.nheaders, 3);
	assert_string_equal(c.headers[0], "User-Agent");
	assert_string_equal(c.headers[1], "Go-http-client/1.1");
	assert_string_equal(c.headers[2], "Authorization");
	assert_string_equal(c.headers[3], "Bearer \xe2\x80\xa2\xe2\x80\xa2"
	    "\xe2\x80\xa2");
	assert_string_equal(c.headers[4], "Accept");
	assert_string_equal(c.headers[5], "*/*");
	tt_capture_free(&c);
	assert_null(c.host);
	assert_int_equal(c.nheaders, 0);

	assert_int_equal(tt_capture_parse("{\"host\":1,\"headers\":{}}",
	    &c), 0);
	assert_null(c.host);
	assert_null(c.method);
	assert_int_equal(c.nheaders, 0);
	tt_capture_free(&c);

	assert_int_equal(tt_capture_parse(NULL, &c), -1);
	assert_null(c.host);
	assert_int_equal(tt_capture_parse("[]", &c), -1);
	assert_int_equal(tt_capture_parse("{\"host\":\"a\"", &c), -1);
	assert_int_equal(tt_capture_parse("{} {}", &c), -1);
	assert_int_equal(tt_capture_parse("", &c), -1);
	assert_null(c.host);
	tt_capture_free(&c);	/* harmless on what -1 left */
}

/* The empty filter matches everything, even a bare event. */
static void
test_match_empty(void **state)
{
	struct tt_event		bare, full;
	struct tt_filter	f;

	(void)state;
	tt_event_init(&bare);
	mk(&full, TT_SRC_WERF, TT_PHASE_FINISH, "n", "c", "e", 1, 2);
	parse_ok("", &f);
	assert_true(tt_filter_match(&f, &bare));
	assert_true(tt_filter_match(&f, &full));
	tt_filter_free(&f);
	parse_ok("  ", &f);
	assert_true(tt_filter_match(&f, &bare));
	tt_filter_free(&f);
	tt_event_clear(&bare);
	tt_event_clear(&full);
}

/* Several terms: all must hold. */
static void
test_match_and(void **state)
{
	struct tt_event	 evs[8];
	const char	*f = "source=werf phase=finish exit_code!=0";
	int		 i, src, ph, ex, want;

	(void)state;
	/* Every combination of the three terms holding or not. */
	for (i = 0; i < 8; i++) {
		src = i & 1;
		ph = (i >> 1) & 1;
		ex = (i >> 2) & 1;
		mk(&evs[i], src ? TT_SRC_WERF : TT_SRC_DEVPOD,
		    ph ? TT_PHASE_FINISH : TT_PHASE_START, NULL, "converge",
		    NULL, ex ? 2 : 0, 100);
		want = src && ph && ex;
		if (matches(f, &evs[i]) != want)
			fail_msg("combination %d: match %d, expected %d", i,
			    !want, want);
	}
	MATCH("command~conv source=werf phase=finish exit_code!=0", &evs[7]);
	NO_MATCH("command~nope source=werf phase=finish exit_code!=0",
	    &evs[7]);
	/* The same term twice, contradicting itself. */
	NO_MATCH("source=werf source=devpod", &evs[7]);
	for (i = 0; i < 8; i++)
		tt_event_clear(&evs[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ops),
		cmocka_unit_test(test_parse_empty_values),
		cmocka_unit_test(test_parse_value_chars),
		cmocka_unit_test(test_parse_utf8),
		cmocka_unit_test(test_parse_too_many_terms),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_field_names),
		cmocka_unit_test(test_parse_grown),
		cmocka_unit_test(test_parse_terms),
		cmocka_unit_test(test_parse_unknown_field),
		cmocka_unit_test(test_parse_path),
		cmocka_unit_test(test_parse_bad_operator),
		cmocka_unit_test(test_parse_numbers),
		cmocka_unit_test(test_parse_capture_fields),
		cmocka_unit_test(test_match_source_command),
		cmocka_unit_test(test_match_error),
		cmocka_unit_test(test_match_exit_code),
		cmocka_unit_test(test_match_duration),
		cmocka_unit_test(test_match_phase),
		cmocka_unit_test(test_match_other_fields),
		cmocka_unit_test(test_match_capture),
		cmocka_unit_test(test_capture_parse),
		cmocka_unit_test(test_match_empty),
		cmocka_unit_test(test_match_and),
	};

	return cmocka_run_group_tests_name("filter", tests, NULL, NULL);
}
