/*
 * The privacy findings scored against labelled corpora: events as teltop
 * stores them from every tool it decodes, each with the fields a reviewer
 * graded red (personal) and yellow (pseudonymous), written from the tools'
 * formats, seeds and real SDK payloads with hard cases on both sides, one
 * case a line: {"id","tool","why","event","red":{PATH:KIND},
 * "yellow":{PATH:KIND}}.  Two reviewers wrote them apart, neither looking
 * at the scanner: tests/unit/privacy_corpus.jsonl (242 events) and
 * privacy_corpus_holdout.jsonl (146, written after the rules and scored
 * as it came before any rule was changed for it).
 *
 * A finding counts per (event, path, grade): a red finding on a field
 * labelled red is a true positive whatever its kind.  Recall and precision
 * must reach MIN_SCORE for red and for yellow separately.  Every miss and
 * every false finding is printed with its case, so that a failure says
 * what to look at.  Every labelled path must name a field of its event
 * (core/path.h), so a label cannot silently miss.
 *
 * TT_PRIVACY_CORPUS names another corpus file to score instead.
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

#include <cJSON.h>

#include "path.h"
#include "privacy.h"

#define CORPUS		"tests/unit/privacy_corpus.jsonl"
#define HOLDOUT		"tests/unit/privacy_corpus_holdout.jsonl"
#define MIN_EVENTS	100	/* in each file; 388 in both */
#define MIN_SCORE	0.95
#define LINE_MAX_	(1 << 20)

/* Counts for one grade. */
struct score {
	size_t	tp, fp, fn;
};

static const char *const red_kinds[] = {
	"ip", "email", "mac", "home_path", "user_name", "hostname", "token",
	"jwt", "geoip", "phone", NULL
};
static const char *const yellow_kinds[] = {
	"install_id", "machine_id", "project_id", "account_id", "timezone",
	"error_text", NULL
};

static int
in(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* Was a finding of this grade made for path? */
static const struct tt_finding *
found(const struct tt_findings *f, const char *path, int red)
{
	size_t	i;

	for (i = 0; i < f->n; i++)
		if (f->v[i].red == red && strcmp(f->v[i].field, path) == 0)
			return &f->v[i];
	return NULL;
}

/* Score one grade of one case; labels is its "red" or "yellow" object. */
static void
score_grade(const char *id, const cJSON *event, const cJSON *labels,
    const struct tt_findings *f, int red, struct score *sc)
{
	const cJSON	*l;
	cJSON		*owned;
	size_t		 i;

	cJSON_ArrayForEach(l, labels) {
		if (!cJSON_IsString(l) || !in(l->valuestring,
		    red ? red_kinds : yellow_kinds)) {
			print_error("%s: %s: the kind is not a %s one\n", id,
			    l->string, red ? "red" : "yellow");
			fail();
		}
		owned = NULL;
		if (tt_path_get(event, l->string, &owned) == NULL) {
			print_error("%s: labelled path %s is not in the "
			    "event\n", id, l->string);
			fail();
		}
		cJSON_Delete(owned);
		if (found(f, l->string, red) != NULL)
			sc->tp++;
		else {
			sc->fn++;
			printf("# missed %s %s: %s %s\n", red ? "red" : "yellow",
			    l->valuestring, id, l->string);
		}
	}
	for (i = 0; i < f->n; i++) {
		if (f->v[i].red != red ||
		    cJSON_GetObjectItemCaseSensitive(labels,
		    f->v[i].field) != NULL)
			continue;
		sc->fp++;
		printf("# false %s %s: %s %s\n", red ? "red" : "yellow",
		    f->v[i].kind, id, f->v[i].field);
	}
}

static double
ratio(size_t a, size_t b)
{
	return b == 0 ? 1.0 : (double)a / (double)b;
}

/* Score one corpus file; each grade must reach MIN_SCORE. */
static void
score_file(const char *path)
{
	struct score		 red = { 0, 0, 0 }, yellow = { 0, 0, 0 };
	struct tt_findings	 f;
	const cJSON		*id, *event;
	cJSON			*c;
	FILE			*fp;
	char			*line;
	size_t			 n = 0, lineno = 0, len;
	double			 rp, rr, yp, yr;

	if ((fp = fopen(path, "r")) == NULL) {
		print_error("cannot open %s (run from the top directory)\n",
		    path);
		fail();
	}
	line = malloc(LINE_MAX_);
	assert_non_null(line);
	tt_findings_init(&f);
	while (fgets(line, LINE_MAX_, fp) != NULL) {
		lineno++;
		len = strlen(line);
		if (len == LINE_MAX_ - 1 && line[len - 1] != '\n') {
			print_error("%s:%zu: line too long\n", path, lineno);
			fail();
		}
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if ((c = cJSON_Parse(line)) == NULL) {
			print_error("%s:%zu: not JSON\n", path, lineno);
			fail();
		}
		id = cJSON_GetObjectItemCaseSensitive(c, "id");
		event = cJSON_GetObjectItemCaseSensitive(c, "event");
		if (!cJSON_IsString(id) || event == NULL) {
			print_error("%s:%zu: no id or event\n", path, lineno);
			fail();
		}
		tt_privacy_scan_tree(event, &f);
		score_grade(id->valuestring, event,
		    cJSON_GetObjectItemCaseSensitive(c, "red"), &f, 1, &red);
		score_grade(id->valuestring, event,
		    cJSON_GetObjectItemCaseSensitive(c, "yellow"), &f, 0,
		    &yellow);
		cJSON_Delete(c);
		n++;
	}
	fclose(fp);
	free(line);
	tt_findings_clear(&f);
	rp = ratio(red.tp, red.tp + red.fp);
	rr = ratio(red.tp, red.tp + red.fn);
	yp = ratio(yellow.tp, yellow.tp + yellow.fp);
	yr = ratio(yellow.tp, yellow.tp + yellow.fn);
	printf("# %s: %zu events; red: precision %.3f recall %.3f "
	    "(%zu found, %zu false, %zu missed); yellow: precision %.3f "
	    "recall %.3f (%zu found, %zu false, %zu missed)\n", path, n, rp, rr,
	    red.tp, red.fp, red.fn, yp, yr, yellow.tp, yellow.fp, yellow.fn);
	assert_true(n >= MIN_EVENTS);
	assert_true(rp >= MIN_SCORE);
	assert_true(rr >= MIN_SCORE);
	assert_true(yp >= MIN_SCORE);
	assert_true(yr >= MIN_SCORE);
}

static void
test_corpus(void **state)
{
	const char	*path = getenv("TT_PRIVACY_CORPUS");

	(void)state;
	score_file(path != NULL ? path : CORPUS);
}

static void
test_holdout(void **state)
{
	(void)state;
	if (getenv("TT_PRIVACY_CORPUS") != NULL)
		skip();
	score_file(HOLDOUT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_holdout),
	};

	return cmocka_run_group_tests_name("privacy corpus", tests, NULL,
	    NULL);
}
