/*
 * Unit tests of the field catalog: the walk over an event's JSON
 * (core/shape.h), version order, a row's JSON both ways and the diff of
 * two versions (core/catalog.h); and the store's catalog (store/catalog.c)
 * on a known mix decoded from formats.md's bodies: types, counts,
 * versions, grades, examples absent for red fields, a rollback forgotten,
 * the migration that builds it for a database that had none, and the
 * bounds on fields an event.
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
#include <unistd.h>

#include <sqlite3.h>

#include "core/catalog.h"
#include "core/decode.h"
#include "core/privacy.h"
#include "core/shape.h"
#include "core/xmalloc.h"
#include "store/store.h"

/* ---- the walk ---- */

struct seen {
	char	 text[65536];	/* "path type [value]\n" each */
	size_t	 n;
	int	 stop_at;	/* > 0: stop after that many */
	int	 calls;
};

static int
on_field(void *arg, const char *path, size_t plen, int type,
    const char *val, size_t vlen)
{
	struct seen	*s = arg;
	char		 types[64];
	int		 k;

	assert_int_equal(strlen(path), plen);
	k = snprintf(s->text + s->n, sizeof s->text - s->n, "%s %s%s%.*s\n",
	    path, tt_jtypes_text(type, types, sizeof types), val ? " " : "",
	    (int)vlen, val ? val : "");
	assert_true(k > 0 && (size_t)k < sizeof s->text - s->n);
	s->n += (size_t)k;
	return ++s->calls == s->stop_at;
}

static void
walk_is(const char *json, int want_rc, const char *want)
{
	struct seen	s;

	memset(&s, 0, sizeof s);
	assert_int_equal(tt_shape_walk(json, strlen(json), on_field, &s),
	    want_rc);
	assert_str(s.text, want);
}

static void
test_walk(void **state)
{
	(void)state;
	walk_is("{\"a\":1,\"b\":{\"c\":\"x\",\"d\":[true,null]},\"e\":[]}", 0,
	    "a number 1\n"
	    "b object\n"
	    "b.c string x\n"
	    "b.d array\n"
	    "b.d[] boolean true\n"
	    "b.d[] null null\n"
	    "e array\n");
	/* escapes undone; a key that needs brackets gets them */
	walk_is("{\"a\\\"b\":\"\\u00e9\\n\",\"host.name\":\"h\",\"\":0}", 0,
	    "[\"a\\\"b\"] string \xc3\xa9\n\n"
	    "[\"host.name\"] string h\n"
	    "[\"\"] number 0\n");
	/* JSON in a string: '>' into it, as the findings name it */
	walk_is("{\"p\":\"{\\\"c\\\":\\\"up\\\",\\\"l\\\":[1]}\",\"q\":\"[2]\","
	    "\"r\":\"{not json\"}", 0,
	    "p json-text\n"
	    "p>c string up\n"
	    "p>l array\n"
	    "p>l[] number 1\n"
	    "q json-text\n"
	    "q>[] number 2\n"
	    "r string {not json\n");
	/* strict JSON may hold a lone surrogate: walked as U+FFFD */
	walk_is("{\"a\":\"x\\ud800y\"}", 0, "a string x\xef\xbf\xbdy\n");
	/* a root array; a scalar root has no fields */
	walk_is("[{\"u\":1},{\"u\":2}]", 0,
	    "[] object\n[].u number 1\n[] object\n[].u number 2\n");
	walk_is(" 5 ", 0, "");
	/* not JSON: what came before, then -1 */
	walk_is("{\"a\":1,\"b\":tru}", -1, "a number 1\n");
	walk_is("{\"a\":01}", -1, "");
	walk_is("{\"a\":1} x", -1, "a number 1\n");
	walk_is("{\"a\":\"\\x\"}", -1, "");
	walk_is("", -1, "");
}

static void
test_walk_stop_and_depth(void **state)
{
	struct seen	 s;
	size_t		 i;

	(void)state;
	memset(&s, 0, sizeof s);
	s.stop_at = 2;
	assert_int_equal(tt_shape_walk("{\"a\":1,\"b\":2,\"c\":3}", 19,
	    on_field, &s), 1);
	assert_str(s.text, "a number 1\nb number 2\n");

	/* nesting past TT_SHAPE_DEPTH is reported once and skipped */
	memset(&s, 0, sizeof s);
	{
		char	buf[2 * 100 + 32];

		for (i = 0; i < 100; i++)
			buf[i] = '[';
		for (i = 0; i < 100; i++)
			buf[100 + i] = ']';
		buf[200] = '\0';
		assert_int_equal(tt_shape_walk(buf, 200, on_field, &s), 0);
		/* TT_SHAPE_DEPTH levels below the root, then one skipped */
		assert_int_equal(s.calls, TT_SHAPE_DEPTH);
	}
}

static void
test_shape_path(void **state)
{
	char	p[64];

	(void)state;
	strcpy(p, "batch[0].uuid");
	assert_int_equal(tt_shape_path(p, strlen(p)), 12);
	assert_str(p, "batch[].uuid");
	strcpy(p, "a[12]>[3].b[x]");
	tt_shape_path(p, strlen(p));
	assert_str(p, "a[]>[].b[x]");
	strcpy(p, "attributes[\"k[1]\"].v[7]");
	tt_shape_path(p, strlen(p));
	assert_str(p, "attributes[\"k[1]\"].v[]");
}

static void
test_jtypes(void **state)
{
	char	buf[128];

	(void)state;
	assert_str(tt_jtypes_text(TT_JT(STRING) | TT_JT(NUMBER), buf,
	    sizeof buf), "number|string");
	assert_int_equal(tt_jtypes_parse("number|string"), TT_JT(STRING) |
	    TT_JT(NUMBER));
	assert_int_equal(tt_jtypes_parse("json-text"), TT_JT(JSON));
	assert_int_equal(tt_jtypes_parse("float"), -1);
	assert_str(tt_jtypes_text(0, buf, sizeof buf), "");
}

static void
test_version_order(void **state)
{
	static const char *const in[] = { "v0.6.12", "v0.7.0", "v0.5.29",
	    "v0.7.0-alpha.34", "v0.6.9", "", "1.10", "1.9" };
	char	*v[sizeof in / sizeof in[0]];
	char	 all[128] = "";
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof in / sizeof in[0]; i++)
		v[i] = xstrdup(in[i]);
	assert_true(tt_version_cmp("v0.6.9", "v0.6.12") < 0);
	assert_true(tt_version_cmp("0.6.9", "v0.6.9") == 0);
	assert_true(tt_version_cmp("2.0.0-rc1", "2.0.0") < 0);
	assert_true(tt_version_cmp("2.0.0", "2.0.0.1") < 0);
	assert_true(tt_version_cmp("1.010", "1.10") == 0);
	tt_versions_sort(v, sizeof v / sizeof v[0]);
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		strcat(all, v[i]);
		strcat(all, ",");
		free(v[i]);
	}
	assert_str(all, ",v0.5.29,v0.6.9,v0.6.12,v0.7.0-alpha.34,v0.7.0,"
	    "1.9,1.10,");
}

/* A row with the given fields; strings copied. */
static void
row_set(struct tt_field_row *r, const char *name, const char *path,
    int types, int kinds)
{
	r->source = xstrdup("devpod");
	r->format = xstrdup("devpod-insert");
	r->name = xstrdup(name);
	r->path = xstrdup(path);
	r->types = types;
	r->kinds = kinds;
	r->events = 1;
}

static void
test_row_json(void **state)
{
	struct tt_field_row	 r, back;
	cJSON			*o;
	char			*line, *cause = NULL, *again;
	size_t			 len;

	(void)state;
	memset(&r, 0, sizeof r);
	row_set(&r, "devpod_cli", "event.properties>command", TT_JT(STRING),
	    1 << TT_PK_EMAIL | 1 << TT_PK_INSTALL_ID);
	r.events = 42;
	r.first_seen = 1767225600000000LL;
	r.last_seen = 1767225600000001LL;
	tt_field_row_add_version(&r, "v0.6.15");
	tt_field_row_add_version(&r, "v0.6.15");
	assert_int_equal(r.nversions, 1);
	line = tt_field_row_json(&r, &len);
	assert_non_null(strstr(line, "\"grade\":\"red\""));
	assert_non_null(strstr(line, "\"kinds\":[\"email\",\"install_id\"]"));
	assert_non_null(strstr(line, "\"types\":[\"string\"]"));
	/* documented: DevPod's command in the properties text */
	assert_null(strstr(line, "\"meaning\":null"));
	o = cJSON_Parse(line);
	assert_int_equal(tt_field_row_from_json(o, &back, &cause), 0);
	again = tt_field_row_json(&back, &len);
	assert_str(again, line);
	free(again);
	free(line);
	tt_field_row_clear(&back);
	cJSON_Delete(o);

	o = cJSON_Parse("{\"source\":\"x\",\"name\":\"\",\"path\":\"a\","
	    "\"format\":\"generic\","
	    "\"types\":[\"float\"],\"kinds\":[],\"events\":1,"
	    "\"first_seen\":\"2026-01-01T00:00:00Z\",\"last_seen\":"
	    "\"2026-01-01T00:00:00Z\",\"versions\":[],\"examples\":[]}");
	assert_int_equal(tt_field_row_from_json(o, &back, &cause), -1);
	assert_non_null(strstr(cause, "types"));
	free(cause);
	cJSON_Delete(o);
	tt_field_row_clear(&r);
}

static void
test_diff(void **state)
{
	struct tt_field_rows	 a, b;
	struct tt_diff		 d;
	char			 got[1024] = "", *line;
	size_t			 i, len;

	(void)state;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	/* from: cmdfinished, devpod_cli{a, b obj, c, gone} */
	row_set(tt_field_rows_add(&a), "cmdfinished", "event", TT_JT(OBJECT),
	    0);
	row_set(tt_field_rows_add(&a), "devpod_cli", "a", TT_JT(STRING), 0);
	row_set(tt_field_rows_add(&a), "devpod_cli", "b", TT_JT(OBJECT), 0);
	row_set(tt_field_rows_add(&a), "devpod_cli", "c", TT_JT(STRING),
	    1 << TT_PK_ERROR_TEXT);
	row_set(tt_field_rows_add(&a), "devpod_cli", "gone", TT_JT(NUMBER), 0);
	/* to: devpod_cli{a, b json, c red, new}, later */
	row_set(tt_field_rows_add(&b), "devpod_cli", "a", TT_JT(STRING), 0);
	row_set(tt_field_rows_add(&b), "devpod_cli", "b", TT_JT(JSON), 0);
	row_set(tt_field_rows_add(&b), "devpod_cli", "c", TT_JT(STRING),
	    1 << TT_PK_EMAIL);
	row_set(tt_field_rows_add(&b), "devpod_cli", "new", TT_JT(BOOL), 0);
	row_set(tt_field_rows_add(&b), "later", "x", TT_JT(NULL), 0);
	tt_fields_diff(&a, &b, &d);
	for (i = 0; i < d.n; i++) {
		line = tt_diff_item_json(&d.v[i], &len);
		strcat(got, line);
		strcat(got, "\n");
		free(line);
	}
	assert_str(got,
	    "{\"change\":\"event_removed\",\"name\":\"cmdfinished\"}\n"
	    "{\"change\":\"type_changed\",\"name\":\"devpod_cli\",\"path\":\"b\","
	    "\"from_types\":[\"object\"],\"to_types\":[\"json-text\"]}\n"
	    "{\"change\":\"newly_personal\",\"name\":\"devpod_cli\",\"path\":"
	    "\"c\",\"from_types\":[\"string\"],\"to_types\":[\"string\"],"
	    "\"kinds\":[\"email\"]}\n"
	    "{\"change\":\"removed\",\"name\":\"devpod_cli\",\"path\":\"gone\","
	    "\"from_types\":[\"number\"]}\n"
	    "{\"change\":\"added\",\"name\":\"devpod_cli\",\"path\":\"new\","
	    "\"to_types\":[\"boolean\"],\"kinds\":[]}\n"
	    "{\"change\":\"event_added\",\"name\":\"later\"}\n");
	tt_diff_clear(&d);
	/* a version against itself: nothing */
	tt_fields_diff(&b, &b, &d);
	assert_int_equal(d.n, 0);
	tt_diff_clear(&d);
	tt_field_rows_clear(&a);
	tt_field_rows_clear(&b);
}

/* ---- the store's catalog ---- */

/* DevPod legacy (formats.md §4.2): v0.5.29 from instanceProperties. */
static const char legacy[] =
	"{\"type\":\"cmdfinished\",\"event\":{\"timestamp\":1701000000123456,"
	"\"executionID\":\"e1\",\"command\":\"devpod up\",\"provider\":"
	"\"docker\",\"success\":true,\"processingTime\":12345678},"
	"\"instanceProperties\":{\"timestamp\":1701000000123456,"
	"\"executionID\":\"e1\",\"uid\":\"3ed2c7aa\",\"arch\":\"amd64\","
	"\"os\":\"linux\",\"version\":{\"major\":\"0\",\"minor\":\"5\","
	"\"patch\":\"29\",\"prerelease\":\"\",\"build\":\"\"},\"flags\":"
	"{\"setFlags\":[\"ide\"]},\"ui\":false}}";

/* DevPod current (§4.1), v0.6.15; the second run fails with an error
 * that names a user's e-mail address. */
#define CURRENT(props) \
	"{\"data\":[{\"event\":{\"machine_id\":\"3ed2c7ee\",\"properties\":" \
	"\"{\\\"command\\\":\\\"devpod up\\\",\\\"desktop\\\":false," \
	props "\\\"version\\\":\\\"v0.6.15\\\"}\",\"timestamp\":1736850000," \
	"\"type\":\"devpod_cli\"},\"user\":{\"machine_id\":\"3ed2c7ee\"," \
	"\"properties\":\"{\\\"os_arch\\\":\\\"amd64\\\",\\\"os_name\\\":" \
	"\\\"linux\\\",\\\"timezone\\\":\\\"CET\\\"}\",\"timestamp\":" \
	"1736850000}}]}"
static const char current_ok[] = CURRENT("\\\"provider\\\":\\\"docker\\\",");
static const char current_err[] = CURRENT("\\\"error\\\":\\\"push failed "
    "for ann@example.com\\\",");

struct fixture {
	char		 path[64];
	struct store	*st;
};

static void
open_store(struct fixture *fx)
{
	char	*cause = NULL;

	fx->st = store_open(fx->path, &cause);
	if (fx->st == NULL)
		fail_msg("store_open: %s", cause ? cause : "?");
}

static int
setup(void **state)
{
	struct fixture	*fx = calloc(1, sizeof *fx);
	int		 fd;

	snprintf(fx->path, sizeof fx->path, "/tmp/teltop-test-cat-XXXXXX");
	if ((fd = mkstemp(fx->path)) < 0)
		return -1;
	close(fd);
	open_store(fx);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;
	char		 p[96];

	store_close(fx->st);
	unlink(fx->path);
	snprintf(p, sizeof p, "%s-wal", fx->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", fx->path);
	unlink(p);
	free(fx);
	return 0;
}

/* Decode a body as the collector does (findings and all), store it. */
static void
put(struct fixture *fx, enum tt_route route, const char *body, int64_t at)
{
	struct tt_decode_opts	 o = { .findings = 1, .received_at = at };
	struct tt_batch		 b;
	struct store_payload	 p = { "/v1/insert", "application/json",
				    body, strlen(body), NULL, NULL, 0 };
	char			*cause = NULL;

	tt_batch_init(&b);
	if (tt_decode(route, (const uint8_t *)body, strlen(body), &o, &b,
	    &cause) != 0)
		fail_msg("decode: %s", cause);
	assert_true(b.n > 0);
	store_submit(fx->st, &b, &p);
	tt_batch_clear(&b);
}

static void
flush(struct fixture *fx)
{
	char	*cause = NULL;

	if (store_flush(fx->st, &cause) != 0)
		fail_msg("flush: %s", cause);
}

/* The aggregated row of (name, path), or NULL. */
static const struct tt_field_row *
find(const struct tt_field_rows *rows, const char *name, const char *path)
{
	size_t	i;

	for (i = 0; i < rows->n; i++)
		if (strcmp(rows->v[i].name, name) == 0 &&
		    strcmp(rows->v[i].path, path) == 0)
			return &rows->v[i];
	return NULL;
}

static void
fields_of(struct fixture *fx, const char *version, struct tt_field_rows *r)
{
	char	*cause = NULL;

	memset(r, 0, sizeof *r);
	if (store_fields(fx->st, "devpod", NULL, version, r, &cause) != 0)
		fail_msg("store_fields: %s", cause);
}

#define T1	1767225600000000LL

/* The mix every store test starts from: 1 legacy, 3 current (1 red). */
static void
put_mix(struct fixture *fx)
{
	put(fx, TT_ROUTE_DEVPOD_LEGACY, legacy, T1);
	put(fx, TT_ROUTE_DEVPOD_INSERT, current_ok, T1 + 1);
	flush(fx);
	put(fx, TT_ROUTE_DEVPOD_INSERT, current_ok, T1 + 2);
	put(fx, TT_ROUTE_DEVPOD_INSERT, current_err, T1 + 3);
	flush(fx);
}

static void
check_mix(struct fixture *fx)
{
	struct tt_field_rows		 rows;
	const struct tt_field_row	*r;

	fields_of(fx, NULL, &rows);
	/* legacy: its nested version object, a pseudonymous uid */
	r = find(&rows, "cmdfinished", "instanceProperties.version.patch");
	assert_non_null(r);
	assert_int_equal(r->types, TT_JT(STRING));
	assert_i64(r->events, 1);
	assert_int_equal(r->nversions, 1);
	assert_str(r->versions[0], "v0.5.29");
	assert_int_equal(r->nexamples, 1);
	assert_str(r->examples[0], "29");
	r = find(&rows, "cmdfinished", "instanceProperties.uid");
	assert_non_null(r);
	assert_int_equal(tt_field_grade(r), 1);
	assert_int_equal(r->nexamples, 1);	/* yellow: examples kept */
	r = find(&rows, "cmdfinished", "instanceProperties.flags.setFlags[]");
	assert_non_null(r);
	assert_str(r->examples[0], "ide");
	assert_non_null(tt_field_meaning(r));
	/* current: properties are JSON text, fields inside under '>' */
	r = find(&rows, "devpod_cli", "event.properties");
	assert_non_null(r);
	assert_int_equal(r->types, TT_JT(JSON));
	assert_i64(r->events, 3);
	r = find(&rows, "devpod_cli", "event.properties>desktop");
	assert_non_null(r);
	assert_int_equal(r->types, TT_JT(BOOL));
	assert_i64(r->first_seen, T1 + 1);
	assert_i64(r->last_seen, T1 + 3);
	assert_int_equal(r->nexamples, 1);
	r = find(&rows, "devpod_cli", "event.properties>provider");
	assert_non_null(r);
	assert_i64(r->events, 2);
	/* the error held an e-mail address: red, no examples at all */
	r = find(&rows, "devpod_cli", "event.properties>error");
	assert_non_null(r);
	assert_i64(r->events, 1);
	assert_int_equal(tt_field_grade(r), 2);
	assert_true(r->kinds & (1 << TT_PK_EMAIL));
	assert_int_equal(r->nexamples, 0);
	r = find(&rows, "devpod_cli", "event.timestamp");
	assert_non_null(r);
	assert_int_equal(r->types, TT_JT(NUMBER));
	assert_int_equal(r->nexamples, 1);	/* the same value thrice */
	assert_str(r->examples[0], "1736850000");
	assert_null(find(&rows, "devpod_cli", "instanceProperties"));
	tt_field_rows_clear(&rows);
}

static void
test_store_mix(void **state)
{
	struct fixture		*fx = *state;
	struct tt_field_rows	 a, b;
	struct tt_diff		 d;
	size_t			 i;
	int			 added = 0, removed = 0;

	put_mix(fx);
	check_mix(fx);

	/* legacy against current: an event each way, nothing in both */
	fields_of(fx, "v0.5.29", &a);
	fields_of(fx, "v0.6.15", &b);
	assert_true(a.n > 0 && b.n > 0);
	tt_fields_diff(&a, &b, &d);
	for (i = 0; i < d.n; i++) {
		added += d.v[i].kind == TT_DIFF_EVENT_ADDED;
		removed += d.v[i].kind == TT_DIFF_EVENT_REMOVED;
	}
	assert_int_equal(d.n, 2);
	assert_int_equal(added, 1);
	assert_int_equal(removed, 1);
	tt_diff_clear(&d);
	tt_field_rows_clear(&a);
	tt_field_rows_clear(&b);

	/* reopened: the same, from the table */
	store_close(fx->st);
	open_store(fx);
	check_mix(fx);
}

static void
test_store_rollback(void **state)
{
	struct fixture		*fx = *state;
	struct tt_field_rows	 rows;
	sqlite3			*db;
	char			*cause = NULL;

	put_mix(fx);
	/* a commit that fails (a table the commit writes is gone) */
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "ALTER TABLE counters RENAME TO c2",
	    NULL, NULL, NULL), SQLITE_OK);
	put(fx, TT_ROUTE_DEVPOD_INSERT, current_ok, T1 + 9);
	store_count(fx->st, TT_CTR_RECEIVED, 1);
	assert_int_equal(store_flush(fx->st, &cause), -1);
	free(cause);
	assert_int_equal(sqlite3_exec(db, "ALTER TABLE c2 RENAME TO counters",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	/* nothing of it in the catalog, and the next commit counts once */
	check_mix(fx);
	put(fx, TT_ROUTE_DEVPOD_INSERT, current_ok, T1 + 10);
	flush(fx);
	fields_of(fx, NULL, &rows);
	assert_i64(find(&rows, "devpod_cli", "event.properties")->events, 4);
	assert_i64(find(&rows, "devpod_cli", "event.properties")->last_seen,
	    T1 + 10);
	tt_field_rows_clear(&rows);
}

/* A database from before the catalog gets it built at open. */
static void
test_store_migration(void **state)
{
	struct fixture	*fx = *state;
	sqlite3		*db;
	sqlite3_stmt	*s;
	int		 v;

	put_mix(fx);
	store_close(fx->st);
	assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1,
	    &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	/* back to before the catalog (and what came after it) */
	assert_int_equal(sqlite3_exec(db, "DROP TABLE fields; ALTER TABLE "
	    "payloads DROP COLUMN request; ALTER TABLE payloads DROP COLUMN "
	    "raw", NULL, NULL, NULL), SQLITE_OK);
	{
		char	sql[64];

		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v - 2);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL),
		    SQLITE_OK);
	}
	sqlite3_close(db);
	open_store(fx);
	check_mix(fx);
}

/* A tool whose keys are data: fields past the bound are not kept. */
static void
test_store_bound(void **state)
{
	struct fixture		*fx = *state;
	struct tt_field_rows	 rows;
	char			*body, *p, *cause = NULL;
	size_t			 i, n = 1500;

	body = xmalloc(n * 24 + 64);
	p = body + sprintf(body, "{\"event\":\"keys\",\"properties\":{");
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s\"k%zu\":1", i ? "," : "", i);
	strcpy(p, "}}");
	put(fx, TT_ROUTE_EVENTS, body, T1);
	flush(fx);
	memset(&rows, 0, sizeof rows);
	assert_int_equal(store_fields(fx->st, NULL, "keys", NULL, &rows,
	    &cause), 0);
	assert_int_equal(rows.n, 1000);
	tt_field_rows_clear(&rows);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_walk_stop_and_depth),
		cmocka_unit_test(test_shape_path),
		cmocka_unit_test(test_jtypes),
		cmocka_unit_test(test_version_order),
		cmocka_unit_test(test_row_json),
		cmocka_unit_test(test_diff),
		cmocka_unit_test_setup_teardown(test_store_mix, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_rollback, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_migration, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_bound, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("catalog", tests, NULL, NULL);
}
