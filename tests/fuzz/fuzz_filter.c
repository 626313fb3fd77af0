/*
 * libFuzzer target: the filter language (core/filter.c) and the SQL that
 * store/query.c makes of it.  The input, up to its first NUL, is a filter
 * expression.  Each expression that parses is matched in memory against a
 * fixed set of events (some captured, for via and host) and run through
 * store_events() on a ":memory:" store holding the same events (stored
 * once, in LLVMFuzzerInitialize, each with a payload for .path terms):
 * both must select the same events, as
 * test_store.c's test_filter_sql_vs_memory requires, so that the live view
 * and history agree.
 */
#include "fuzz.h"
#include "core/filter.h"
#include "core/xmalloc.h"
#include "store/store.h"

#define NROWS	12

/* The stored events: NULL and empty fields, case, signs, non-ASCII text. */
static const struct row {
	enum tt_source	 source;
	enum tt_phase	 phase;
	const char	*name, *client, *command, *error, *version;
	int64_t		 exit_code;
	double		 duration_ms;	/* ms, fractions too */
} rows[NROWS] = {
	{ TT_SRC_WERF, TT_PHASE_FINISH, "w1", NULL, "converge", NULL, "2.35",
	    0, 1500 },
	{ TT_SRC_WERF, TT_PHASE_FINISH, "w2", "abc", "werf Converge --x",
	    "boom", "", 1, 999.5 },
	{ TT_SRC_WERF, TT_PHASE_START, "w3", "", "converge", NULL, NULL,
	    TT_NONE, TT_NONE },
	{ TT_SRC_WERF, TT_PHASE_FINISH, "w4", "ABC-2", "build", "", "v1",
	    0, 0 },
	{ TT_SRC_DEVPOD, TT_PHASE_POINT, "d1", "abc", NULL, NULL, NULL,
	    TT_NONE, TT_NONE },
	{ TT_SRC_DEVPOD, TT_PHASE_FINISH, "d2", "x y", "devpod up", "fail",
	    "0.6.15", 2, 1000.25 },
	{ TT_SRC_DEVSY, TT_PHASE_FINISH, "", "\xc3\xa9t\xc3\xa9", "caf\xc3\xa9",
	    "\xe2\x80\x94 exit", NULL, -1, -5 },
	{ TT_SRC_DEVTRON, TT_PHASE_POINT, "Heartbeat", "ucid", NULL, NULL,
	    "v1", TT_NONE, TT_NONE },
	{ TT_SRC_POSTHOG, TT_PHASE_POINT, "$pageview", "a'b", "%_x", "50%",
	    NULL, INT64_MAX, -9.2e18 },
	{ TT_SRC_GENERIC, TT_PHASE_FINISH, "g1", "=", "CONVERGE", "a~b",
	    "1", -9223372036854775807LL, 0 },
	{ TT_SRC_GENERIC, TT_PHASE_START, "g2", "!", "", "", "",
	    TT_NONE, 0.001 },
	{ TT_SRC_GENERIC, TT_PHASE_POINT, "g3", NULL, NULL, NULL, NULL,
	    1, TT_NONE },
};

/*
 * The capture text of some rows (the others came directly): hosts in
 * either case, a host that is not a string, text that is not JSON.
 */
static const char *captures[NROWS] = {
	[1] = "{\"host\":\"analytics.loft.rocks\",\"method\":\"POST\","
	    "\"path\":\"/v1/insert\",\"headers\":[[\"User-Agent\","
	    "\"Go-http-client/1.1\"]]}",
	[4] = "{\"host\":\"Admin.Loft.sh\",\"method\":\"POST\"}",
	[5] = "{\"host\":\"us.i.posthog.com\",\"path\":\"/batch/\"}",
	[7] = "{\"host\":443}",
	[8] = "{\"host\":\"t\u00e9l\u00e9.example\"",
	[10] = "{\"host\":\"caf\u00e9.example\"}",
	[11] = "",
};

/*
 * The findings of some rows: packed (tt_privacy_json()'s form), kept as
 * text (spaced JSON, and text that is not JSON at all).
 */
static const char *piis[NROWS] = {
	[0] = "[{\"field\":\"properties.$ip\",\"kind\":\"ip\",\"grade\":"
	    "\"red\"},{\"field\":\"distinct_id\",\"kind\":\"install_id\","
	    "\"grade\":\"yellow\"}]",
	[3] = "[ {\"field\": \"user\", \"kind\": \"username\", \"grade\": "
	    "\"yellow\"} ]",
	[6] = "[{\"field\":\"e\",\"kind\":\"email\",\"grade\":\"red\"}]",
	[9] = "not json",
};

static struct store	*st;
static struct tt_event	 all[NROWS];	/* as read back: ids set */
static int		 nall;

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static int
keep_all(void *arg, const struct tt_event *ev)
{
	(void)arg;
	FUZZ_CHECK(nall < NROWS, "more rows than stored");
	tt_event_copy(&all[nall++], ev, 1);	/* with pii */
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct tt_batch	 b;
	struct tt_event	*ev;
	char		*cause = NULL;
	int		 i;

	(void)argc;
	(void)argv;
	if ((st = store_open(":memory:", &cause)) == NULL) {
		fprintf(stderr, "store_open: %s\n", cause);
		abort();
	}
	tt_batch_init(&b);
	for (i = 0; i < NROWS; i++) {
		ev = tt_batch_add(&b);
		ev->received_at = ev->ts = 1767225600000000LL + i;
		ev->source = rows[i].source;
		ev->format = i % 2 ? "werf-json" : "posthog-batch";
		ev->phase = rows[i].phase;
		ev->name = dup_or_null(rows[i].name);
		ev->client_id = dup_or_null(rows[i].client);
		ev->execution_id = dup_or_null(i % 3 ? "e1" : NULL);
		ev->command = dup_or_null(rows[i].command);
		ev->error = dup_or_null(rows[i].error);
		ev->version = dup_or_null(rows[i].version);
		ev->os = dup_or_null(i % 2 ? "linux" : "Darwin");
		ev->exit_code = rows[i].exit_code;
		ev->duration_ms = rows[i].duration_ms;
		ev->capture = dup_or_null(captures[i]);
		ev->pii = dup_or_null(piis[i]);
		/* a payload for .path terms: text, numbers, nesting, a
		 * string holding JSON, a key that needs brackets */
		ev->data = xasprintf("{\"name\":%s%s%s,\"n\":%d.%d,\"ok\":%s,"
		    "\"p\":{\"$os\":\"%s\",\"a\":[%d,\"x\"]},\"j\":"
		    "\"{\\\"k\\\":%d}\",\"d.k\":\"v%d\"}",
		    rows[i].name != NULL ? "\"" : "",
		    rows[i].name != NULL ? rows[i].name : "null",
		    rows[i].name != NULL ? "\"" : "", i - 4, i % 3,
		    i % 2 ? "true" : "false", i % 2 ? "linux" : "Darwin", i,
		    i * 7, i);
		ev->data_len = strlen(ev->data);
	}
	(void)store_submit(st, &b, NULL);
	tt_batch_clear(&b);
	if (store_flush(st, &cause) != 0 ||
	    store_events(st, NULL, 0, keep_all, NULL, &cause) != 0) {
		fprintf(stderr, "store: %s\n", cause);
		abort();
	}
	FUZZ_CHECK(nall == NROWS, "%d rows read back", nall);
	return 0;
}

/* Which of all[] SQL selected, as a bit set. */
static int
sql_row(void *arg, const struct tt_event *ev)
{
	uint32_t	*set = arg;
	int		 i;

	for (i = 0; i < nall; i++)
		if (all[i].id == ev->id) {
			*set |= 1u << i;
			return 0;
		}
	FUZZ_CHECK(0, "SQL gave an unknown id %lld", (long long)ev->id);
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tt_filter	 f;
	char			*s, *cause = NULL;
	uint32_t		 mem = 0, sql = 0;
	size_t			 i;
	int			 rc;

	s = fuzz_str(data, size);
	rc = tt_filter_parse(s, &f, &cause);
	if (rc != 0) {
		FUZZ_CHECK(rc == -1 && cause != NULL, "rc %d, no cause", rc);
		FUZZ_CHECK(f.n == 0 && f.terms == NULL, "a failed parse keeps "
		    "%zu terms", f.n);
		free(cause);
		free(s);
		return 0;
	}
	FUZZ_CHECK(cause == NULL, "cause %s on success", cause);
	for (i = 0; i < f.n; i++) {
		FUZZ_CHECK((unsigned)f.terms[i].field < TT_FIELD_COUNT ||
		    (f.terms[i].field == TT_FIELD_PATH &&
		    f.terms[i].path != NULL), "term %zu: field %d", i,
		    (int)f.terms[i].field);
		FUZZ_CHECK((unsigned)f.terms[i].op <= TT_F_LE,
		    "term %zu: op %d", i, (int)f.terms[i].op);
		FUZZ_CHECK(f.terms[i].nv >= 1 && f.terms[i].v[0].text != NULL &&
		    f.terms[i].text != NULL, "term %zu: no value", i);
	}
	for (i = 0; i < (size_t)nall; i++)
		if (tt_filter_match(&f, &all[i]))
			mem |= 1u << i;
	rc = store_events(st, &f, 0, sql_row, &sql, &cause);
	FUZZ_CHECK(rc == 0, "store_events: %s", cause != NULL ? cause : "?");
	FUZZ_CHECK(mem == sql, "\"%s\": memory selects %#x, SQL %#x", s,
	    (unsigned)mem, (unsigned)sql);
	tt_filter_free(&f);
	FUZZ_CHECK(f.n == 0 && f.terms == NULL, "tt_filter_free left terms");
	free(s);
	return 0;
}
