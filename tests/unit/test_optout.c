/*
 * Unit tests for opt-out: the registry in memory (core/optout.c: matching,
 * filtering a batch, syncing with a reload, what it means for captured
 * requests), the registry in the database
 * (store/optout.c: set, clear, dropped counts with the commit, the proof
 * query, data_version seen from a second connection) and the tools' own
 * switches (core/switches.c) read from the environment and config files.
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
#include <sys/stat.h>
#include <unistd.h>

#include "core/decode.h"
#include "core/optout.h"
#include "core/switches.h"
#include "core/xmalloc.h"
#include "store/store.h"

/* Add an event of source and client to the batch. */
static void
add(struct tt_batch *b, enum tt_source src, const char *client,
    const char *name)
{
	struct tt_event	*ev = tt_batch_add(b);

	ev->source = src;
	ev->client_id = dup_str(client);
	ev->name = dup_str(name);
	ev->format = "generic";
	ev->received_at = ev->ts = 1767225600000000LL;
}

static void
test_match(void **state)
{
	struct tt_optout	reg;

	(void)state;
	tt_optout_init(&reg);
	assert_null(tt_optout_match(&reg, "devpod", "a"));
	tt_optout_put(&reg, "devpod", "a", 1, "cli");
	assert_non_null(tt_optout_match(&reg, "devpod", "a"));
	assert_null(tt_optout_match(&reg, "devpod", "b"));
	assert_null(tt_optout_match(&reg, "devpod", NULL));
	assert_null(tt_optout_match(&reg, "werf", "a"));
	tt_optout_put(&reg, "werf", NULL, 2, "ui");
	assert_non_null(tt_optout_match(&reg, "werf", "anyone"));
	assert_non_null(tt_optout_match(&reg, "werf", NULL));
	/* case matters: client ids are opaque */
	assert_null(tt_optout_match(&reg, "devpod", "A"));
	tt_optout_clear(&reg);
}

/* What the registry means for a source's captured requests. */
static void
test_capture_state(void **state)
{
	struct tt_optout	reg;
	char			buf[64];

	(void)state;
	tt_optout_init(&reg);
	assert_null(tt_optout_capture_state(&reg, "devpod", buf, sizeof buf));
	tt_optout_put(&reg, "devpod", "m1", 1, "cli");
	assert_str(tt_optout_capture_state(&reg, "devpod", buf, sizeof buf),
	    "1 client opted out: theirs blocked");
	tt_optout_put(&reg, "devpod", "m2", 1, "ui");
	assert_str(tt_optout_capture_state(&reg, "devpod", buf, sizeof buf),
	    "2 clients opted out: theirs blocked");
	assert_null(tt_optout_capture_state(&reg, "devsy", buf, sizeof buf));
	/* The whole source: everything of it is blocked. */
	tt_optout_put(&reg, "devpod", NULL, 2, "ui");
	assert_str(tt_optout_capture_state(&reg, "devpod", buf, sizeof buf),
	    "opted out: blocked");
	/* Any source name, known to teltop or not. */
	tt_optout_put(&reg, "sometool", NULL, 3, "cli");
	assert_str(tt_optout_capture_state(&reg, "sometool", buf,
	    sizeof buf), "opted out: blocked");
	assert_null(tt_optout_capture_state(&reg, "some", buf, sizeof buf));
	tt_optout_clear(&reg);
}

static void
test_put_find_remove_order(void **state)
{
	struct tt_optout	 reg;
	struct tt_optout_entry	*e;

	(void)state;
	tt_optout_init(&reg);
	tt_optout_put(&reg, "werf", NULL, 1, "cli");
	tt_optout_put(&reg, "devpod", "z", 2, "cli");
	tt_optout_put(&reg, "devpod", NULL, 3, "http");
	tt_optout_put(&reg, "devpod", "b", 4, "ui");
	assert_int_equal(reg.n, 4);
	assert_str(reg.v[0].source, "devpod");
	assert_null(reg.v[0].client);
	assert_str(reg.v[1].client, "b");
	assert_str(reg.v[2].client, "z");
	assert_str(reg.v[3].source, "werf");
	/* put again replaces, no duplicate */
	e = tt_optout_put(&reg, "devpod", "b", 9, "cli");
	assert_int_equal(reg.n, 4);
	assert_i64(e->since, 9);
	assert_str(e->set_by, "cli");
	assert_int_equal(tt_optout_remove(&reg, "devpod", NULL), 1);
	assert_int_equal(tt_optout_remove(&reg, "devpod", NULL), 0);
	assert_null(tt_optout_find(&reg, "devpod", NULL));
	assert_non_null(tt_optout_find(&reg, "devpod", "z"));
	assert_int_equal(reg.n, 3);
	tt_optout_clear(&reg);
}

static void
test_filter(void **state)
{
	struct tt_optout	reg;
	struct tt_batch		b;

	(void)state;
	tt_optout_init(&reg);
	tt_batch_init(&b);
	add(&b, TT_SRC_DEVPOD, "a", "e1");
	add(&b, TT_SRC_WERF, "a", "e2");
	add(&b, TT_SRC_DEVPOD, "b", "e3");
	add(&b, TT_SRC_DEVPOD, NULL, "e4");
	add(&b, TT_SRC_WERF, "x", "e5");
	/* empty registry: nothing happens */
	assert_int_equal(tt_optout_filter(&reg, &b), 0);
	assert_int_equal(b.n, 5);
	tt_optout_put(&reg, "devpod", "a", 1, "cli");
	tt_optout_put(&reg, "werf", NULL, 1, "cli");
	assert_int_equal(tt_optout_filter(&reg, &b), 3);
	assert_int_equal(b.n, 2);
	assert_str(b.ev[0].name, "e3");
	assert_str(b.ev[1].name, "e4");
	assert_i64(tt_optout_find(&reg, "devpod", "a")->pending, 1);
	assert_i64(tt_optout_find(&reg, "werf", NULL)->pending, 2);
	assert_int_equal(tt_optout_filter(NULL, &b), 0);
	tt_batch_clear(&b);
	tt_optout_clear(&reg);
}

struct changes {
	char	log[512];
};

static void
changed(void *arg, const char *source, const char *client, int enabled)
{
	struct changes	*c = arg;
	size_t		 n = strlen(c->log);

	snprintf(c->log + n, sizeof c->log - n, "%s%s/%s=%d", n ? " " : "",
	    source, client != NULL ? client : "-", enabled);
}

static void
test_sync(void **state)
{
	struct tt_optout	reg, fresh;
	struct changes		ch;

	(void)state;
	memset(&ch, 0, sizeof ch);
	tt_optout_init(&reg);
	tt_optout_init(&fresh);
	tt_optout_put(&reg, "devpod", NULL, 1, "cli")->pending = 5;
	tt_optout_put(&reg, "werf", NULL, 1, "cli")->pending = 7;
	tt_optout_put(&fresh, "devpod", NULL, 1, "cli")->dropped = 10;
	tt_optout_put(&fresh, "devsy", "c", 2, "cli");
	tt_optout_sync(&reg, &fresh, changed, &ch);
	assert_str(ch.log, "devsy/c=1 werf/-=0");
	assert_int_equal(fresh.n, 0);
	assert_int_equal(reg.n, 2);
	/* the pending count of an entry that stays is kept */
	assert_i64(tt_optout_find(&reg, "devpod", NULL)->pending, 5);
	assert_i64(tt_optout_find(&reg, "devpod", NULL)->dropped, 10);
	tt_optout_clear(&reg);
}

static void
test_json(void **state)
{
	struct tt_optout	 reg;
	char			*s;

	(void)state;
	tt_optout_init(&reg);
	s = tt_optout_json(&reg, NULL, NULL);
	assert_str(s, "[]");
	free(s);
	tt_optout_put(&reg, "devpod", NULL, 1767225600000000LL, "cli")->dropped
	    = 3;
	tt_optout_put(&reg, "devtron", "u\"1", 1767225600500000LL, "http");
	s = tt_optout_json(&reg, NULL, NULL);
	assert_str(s, "[{\"source\":\"devpod\",\"client\":null,\"since\":"
	    "\"2026-01-01T00:00:00.000000Z\",\"set_by\":\"cli\",\"dropped\":3},"
	    "{\"source\":\"devtron\",\"client\":\"u\\\"1\",\"since\":"
	    "\"2026-01-01T00:00:00.500000Z\",\"set_by\":\"http\","
	    "\"dropped\":0}]");
	free(s);
	/* filtered: a source, and a client keeps the whole-source entry */
	tt_optout_put(&reg, "devtron", NULL, 1, "ui");
	s = tt_optout_json(&reg, "devpod", NULL);
	assert_non_null(strstr(s, "devpod"));
	assert_null(strstr(s, "devtron"));
	free(s);
	s = tt_optout_json(&reg, "devtron", "other");
	assert_non_null(strstr(s, "\"client\":null"));
	assert_null(strstr(s, "u\\\"1"));
	free(s);
	tt_optout_clear(&reg);
}

/* tt_optout_parse_request on a string. */
static int
parse(const char *s, char **src, char **cli, int *en, char **cause)
{
	return tt_optout_parse_request(s, strlen(s), src, cli, en, cause);
}

static void
test_parse_request(void **state)
{
	char	*src, *cli, *cause = NULL;
	int	 en;

	(void)state;
	assert_int_equal(parse("{\"source\":\"werf\"}",
	    &src, &cli, &en, &cause), 0);
	assert_str(src, "werf");
	assert_null(cli);
	assert_int_equal(en, 1);
	free(src);
	assert_int_equal(parse("{\"source\":\"devpod\","
	    "\"client\":\"m1\",\"enabled\":false}", &src, &cli, &en,
	    &cause), 0);
	assert_str(cli, "m1");
	assert_int_equal(en, 0);
	free(src);
	free(cli);
	assert_int_equal(parse("{\"source\":\"\"}",
	    &src, &cli, &en, &cause), -1);
	assert_non_null(strstr(cause, "source"));
	free(cause);
	assert_int_equal(parse("[1]", &src, &cli, &en,
	    &cause), -1);
	free(cause);
	assert_int_equal(parse("{\"source\":\"a\","
	    "\"enabled\":\"yes\"}", &src, &cli, &en, &cause), -1);
	assert_non_null(strstr(cause, "enabled"));
	free(cause);
	assert_int_equal(parse("{\"source\":\"a\","
	    "\"client\":7}", &src, &cli, &en, &cause), -1);
	free(cause);
}

static void
test_check_name(void **state)
{
	const char	*why;
	char		 big[300];

	(void)state;
	assert_int_equal(tt_optout_check_name("devpod", &why), 0);
	assert_int_equal(tt_optout_check_name("", &why), -1);
	assert_int_equal(tt_optout_check_name(NULL, &why), -1);
	assert_int_equal(tt_optout_check_name("a\nb", &why), -1);
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(tt_optout_check_name(big, &why), -1);
}

/* ---- the registry in the database ---- */

struct dbfx {
	char		 path[64];
	struct store	*st;
};

static int
db_setup(void **state)
{
	struct dbfx	*fx = xcalloc(1, sizeof *fx);
	char		*cause = NULL;
	int		 fd;

	snprintf(fx->path, sizeof fx->path, "/tmp/tt-optout-XXXXXX");
	if ((fd = mkstemp(fx->path)) < 0)
		return -1;
	close(fd);
	if ((fx->st = store_open(fx->path, &cause)) == NULL) {
		free(cause);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
db_teardown(void **state)
{
	struct dbfx	*fx = *state;
	char		 p[80];

	store_close(fx->st);
	unlink(fx->path);
	snprintf(p, sizeof p, "%s-wal", fx->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", fx->path);
	unlink(p);
	free(fx);
	return 0;
}

/* Submit and commit one batch of n events of src/client. */
static void
store_n(struct store *st, enum tt_source src, const char *client, int n)
{
	struct tt_batch	 b;
	char		*cause = NULL;
	int		 i;

	tt_batch_init(&b);
	for (i = 0; i < n; i++) {
		add(&b, src, client, "e");
		b.ev[b.n - 1].received_at = tt_now_us();
	}
	store_submit(st, &b, NULL);
	assert_int_equal(store_flush(st, &cause), 0);
	tt_batch_clear(&b);
}

static void
test_store_set_clear(void **state)
{
	struct dbfx		*fx = *state;
	struct tt_optout	 reg;
	char			*cause = NULL;

	tt_optout_init(&reg);
	assert_int_equal(store_optout_set(fx->st, "devpod", NULL, "cli",
	    &cause), 1);
	assert_int_equal(store_optout_set(fx->st, "devpod", NULL, "ui",
	    &cause), 0);
	assert_int_equal(store_optout_set(fx->st, "devpod", "m1", "http",
	    &cause), 1);
	assert_int_equal(store_optout_set(fx->st, "some-new-tool", NULL,
	    "cli", &cause), 1);
	assert_int_equal(store_optout_load(fx->st, &reg, 0, &cause), 0);
	assert_int_equal(reg.n, 3);
	assert_null(reg.v[0].client);
	assert_str(reg.v[0].set_by, "cli");	/* the first set stays */
	assert_str(reg.v[1].client, "m1");
	assert_str(reg.v[1].set_by, "http");
	assert_true(reg.v[0].since > 1767225600000000LL);
	assert_int_equal(store_optout_clear(fx->st, "devpod", NULL, &cause),
	    1);
	assert_int_equal(store_optout_clear(fx->st, "devpod", NULL, &cause),
	    0);
	assert_int_equal(store_optout_load(fx->st, &reg, 0, &cause), 0);
	assert_int_equal(reg.n, 2);
	assert_str(reg.v[0].client, "m1");
	tt_optout_clear(&reg);
}

static void
test_store_dropped_and_proof(void **state)
{
	struct dbfx		*fx = *state;
	struct tt_optout	 reg;
	char			*cause = NULL;

	tt_optout_init(&reg);
	store_n(fx->st, TT_SRC_DEVPOD, "m1", 3);	/* before: not counted */
	assert_int_equal(store_optout_set(fx->st, "devpod", "m1", "cli",
	    &cause), 1);
	assert_int_equal(store_optout_set(fx->st, "werf", NULL, "cli",
	    &cause), 1);
	store_optout_dropped(fx->st, "devpod", "m1", 2);
	store_optout_dropped(fx->st, "devpod", "m1", 3);
	/* counts ride with a commit, even one with nothing else in it */
	assert_int_equal(store_flush(fx->st, &cause), 0);
	store_n(fx->st, TT_SRC_DEVPOD, "m2", 2);	/* another client */
	store_n(fx->st, TT_SRC_WERF, "x", 1);		/* a leak: proof 1 */
	assert_int_equal(store_optout_load(fx->st, &reg, 1, &cause), 0);
	assert_i64(tt_optout_find(&reg, "devpod", "m1")->dropped, 5);
	assert_i64(tt_optout_find(&reg, "devpod", "m1")->stored_since, 0);
	assert_i64(tt_optout_find(&reg, "werf", NULL)->stored_since, 1);
	assert_i64(tt_optout_find(&reg, "werf", NULL)->dropped, 0);
	store_n(fx->st, TT_SRC_DEVPOD, "m1", 1);
	assert_int_equal(store_optout_load(fx->st, &reg, 1, &cause), 0);
	assert_i64(tt_optout_find(&reg, "devpod", "m1")->stored_since, 1);
	/* without proof, stored_since is unknown */
	assert_int_equal(store_optout_load(fx->st, &reg, 0, &cause), 0);
	assert_i64(tt_optout_find(&reg, "devpod", "m1")->stored_since,
	    TT_NONE);
	tt_optout_clear(&reg);
}

static void
test_store_data_version(void **state)
{
	struct dbfx	*fx = *state;
	struct store	*other;
	char		*cause = NULL;
	int64_t		 v0, v1;

	other = store_open(fx->path, &cause);
	assert_non_null(other);
	v0 = store_data_version(fx->st);
	/* our own write does not move it */
	assert_int_equal(store_optout_set(fx->st, "a", NULL, "cli", &cause),
	    1);
	assert_i64(store_data_version(fx->st), v0);
	/* another connection's does */
	assert_int_equal(store_optout_set(other, "b", NULL, "cli", &cause),
	    1);
	v1 = store_data_version(fx->st);
	assert_true(v1 != v0);
	assert_i64(store_data_version(fx->st), v1);
	store_close(other);
}

/* ---- the tools' own switches ---- */

static const char devpod_yaml[] =
	"defaultContext: work\n"
	"contexts:\n"
	"  default:\n"
	"    defaultProvider: docker\n"
	"    options:\n"
	"      TELEMETRY:\n"
	"        value: \"true\"\n"
	"  work:\n"
	"    options:\n"
	"      # a comment\n"
	"      TELEMETRY:\n"
	"        value: \"false\"\n"
	"        userProvided: true\n";

static const char devsy_yaml[] =
	"contexts:\n"
	"  default:\n"
	"    options:\n"
	"      TELEMETRY: {value: \"false\"}\n"
	"  other:\n"
	"    options:\n"
	"      TELEMETRY:\n"
	"        value: 'true'\n";

static const struct tt_switch *
find_switch(const struct tt_switch *sw, size_t n, const char *source,
    const char *what_prefix)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(sw[i].source, source) == 0 && strncmp(sw[i].what,
		    what_prefix, strlen(what_prefix)) == 0)
			return &sw[i];
	fail_msg("no switch %s %s", source, what_prefix);
	return NULL;
}

static void
write_file(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
clear_env(void)
{
	unsetenv("DEVPOD_DISABLE_TELEMETRY");
	unsetenv("DEVPOD_CONFIG");
	unsetenv("DEVPOD_HOME");
	unsetenv("DEVSY_DISABLE_TELEMETRY");
	unsetenv("DEVSY_CONFIG");
	unsetenv("WERF_TELEMETRY");
	unsetenv("IS_AIR_GAP_ENVIRONMENT");
	unsetenv("DO_NOT_TRACK");
}

static void
test_switches_unset(void **state)
{
	struct tt_switch	 sw[TT_SWITCHES_MAX];
	size_t			 n, i;

	(void)state;
	clear_env();
	setenv("HOME", "/nonexistent-teltop-home", 1);
	n = tt_switches_detect(sw, TT_SWITCHES_MAX);
	assert_true(n >= 8);
	for (i = 0; i < n; i++) {
		assert_non_null(sw[i].detail);
		if (strcmp(sw[i].source, "devtron") == 0 &&
		    strstr(sw[i].what, "list") != NULL)
			assert_int_equal(sw[i].state, TT_SWITCH_REMOTE);
		else
			assert_int_equal(sw[i].state, TT_SWITCH_UNSET);
	}
	assert_non_null(strstr(find_switch(sw, n, "devpod", "context")->detail,
	    "/nonexistent-teltop-home/.devpod/config.yaml"));
	tt_switches_free(sw, n);
	/* at most max */
	assert_int_equal(tt_switches_detect(sw, 2), 2);
	tt_switches_free(sw, 2);
}

static void
test_switches_env(void **state)
{
	struct tt_switch	 sw[TT_SWITCHES_MAX];
	size_t			 n;

	(void)state;
	clear_env();
	setenv("HOME", "/nonexistent-teltop-home", 1);
	setenv("DEVPOD_DISABLE_TELEMETRY", "true", 1);
	setenv("DEVSY_DISABLE_TELEMETRY", "TRUE", 1);	/* exact: not off */
	setenv("WERF_TELEMETRY", "no", 1);
	setenv("IS_AIR_GAP_ENVIRONMENT", "true", 1);
	setenv("DO_NOT_TRACK", "1", 1);
	n = tt_switches_detect(sw, TT_SWITCHES_MAX);
	assert_int_equal(find_switch(sw, n, "devpod", "DEVPOD_")->state,
	    TT_SWITCH_OFF);
	assert_int_equal(find_switch(sw, n, "devsy", "DEVSY_")->state,
	    TT_SWITCH_UNSET);
	assert_int_equal(find_switch(sw, n, "werf", "WERF_")->state,
	    TT_SWITCH_OFF);
	assert_int_equal(find_switch(sw, n, "devtron", "IS_AIR")->state,
	    TT_SWITCH_OFF);
	assert_int_equal(find_switch(sw, n, "*", "DO_NOT")->state,
	    TT_SWITCH_OFF);
	tt_switches_free(sw, n);
	setenv("WERF_TELEMETRY", "yes", 1);
	n = tt_switches_detect(sw, TT_SWITCHES_MAX);
	assert_int_equal(find_switch(sw, n, "werf", "WERF_")->state,
	    TT_SWITCH_FORCED_ON);
	tt_switches_free(sw, n);
	setenv("WERF_TELEMETRY", "maybe", 1);
	n = tt_switches_detect(sw, TT_SWITCHES_MAX);
	assert_int_equal(find_switch(sw, n, "werf", "WERF_")->state,
	    TT_SWITCH_UNSET);
	tt_switches_free(sw, n);
	clear_env();
}

static void
test_switches_config(void **state)
{
	struct tt_switch	 sw[TT_SWITCHES_MAX];
	char			 home[64], p[128];
	size_t			 n;

	(void)state;
	clear_env();
	snprintf(home, sizeof home, "/tmp/tt-home-XXXXXX");
	assert_non_null(mkdtemp(home));
	setenv("HOME", home, 1);
	snprintf(p, sizeof p, "%s/.devpod", home);
	mkdir(p, 0700);
	snprintf(p, sizeof p, "%s/.devpod/config.yaml", home);
	write_file(p, devpod_yaml);
	snprintf(p, sizeof p, "%s/.devsy", home);
	mkdir(p, 0700);
	snprintf(p, sizeof p, "%s/.devsy/config.yaml", home);
	write_file(p, devsy_yaml);

	n = tt_switches_detect(sw, TT_SWITCHES_MAX);
	/* DevPod: off in "work", the default context */
	assert_int_equal(find_switch(sw, n, "devpod", "context")->state,
	    TT_SWITCH_OFF);
	assert_non_null(strstr(find_switch(sw, n, "devpod",
	    "context")->detail, "work"));
	/* Devsy: flow style, in the implied default context */
	assert_int_equal(find_switch(sw, n, "devsy", "context")->state,
	    TT_SWITCH_OFF);
	tt_switches_free(sw, n);

	/* off only in a context that is not the default */
	write_file(p, "defaultContext: other\ncontexts:\n  default:\n"
	    "    options:\n      TELEMETRY:\n        value: false\n");
	n = tt_switches_detect(sw, TT_SWITCHES_MAX);
	assert_int_equal(find_switch(sw, n, "devsy", "context")->state,
	    TT_SWITCH_UNSET);
	assert_non_null(strstr(find_switch(sw, n, "devsy",
	    "context")->detail, "only in"));
	tt_switches_free(sw, n);

	/*
	 * What YAML readers (DevPod's own) read as false, and a hand-written
	 * reader did not: a value with a trailing comment, flow style all
	 * the way down, an anchor; each in the default context.
	 */
	{
		static const char *const forms[] = {
			"contexts:\n  default:\n    options:\n      TELEMETRY:\n"
			"        value: \"false\"   # off, says the team\n",
			"contexts: {default: {options: {TELEMETRY: "
			"{value: 'false', userProvided: true}}}}\n",
			"off: &off\n  value: \"false\"\n"
			"contexts:\n  default:\n    options:\n"
			"      TELEMETRY: *off\n",
		};
		size_t	k;

		for (k = 0; k < sizeof forms / sizeof forms[0]; k++) {
			write_file(p, forms[k]);
			n = tt_switches_detect(sw, TT_SWITCHES_MAX);
			if (find_switch(sw, n, "devsy", "context")->state !=
			    TT_SWITCH_OFF)
				fail_msg("form %zu not read as off: %s", k,
				    find_switch(sw, n, "devsy",
				    "context")->detail);
			tt_switches_free(sw, n);
		}
		/* "false" in a comment is no value */
		write_file(p, "contexts:\n  default:\n    options:\n"
		    "      TELEMETRY:\n        value: \"true\" # not false\n");
		n = tt_switches_detect(sw, TT_SWITCHES_MAX);
		assert_int_equal(find_switch(sw, n, "devsy", "context")->state,
		    TT_SWITCH_UNSET);
		tt_switches_free(sw, n);
		/* not YAML: said so, not taken for a default */
		write_file(p, "contexts: [unclosed\n");
		n = tt_switches_detect(sw, TT_SWITCHES_MAX);
		assert_int_equal(find_switch(sw, n, "devsy", "context")->state,
		    TT_SWITCH_UNSET);
		assert_non_null(strstr(find_switch(sw, n, "devsy",
		    "context")->detail, "is not YAML"));
		tt_switches_free(sw, n);
	}

	/* $DEVSY_CONFIG wins over the home directory */
	setenv("DEVSY_CONFIG", "/nonexistent-teltop.yaml", 1);
	n = tt_switches_detect(sw, TT_SWITCHES_MAX);
	assert_non_null(strstr(find_switch(sw, n, "devsy",
	    "context")->detail, "/nonexistent-teltop.yaml"));
	tt_switches_free(sw, n);
	clear_env();

	unlink(p);
	snprintf(p, sizeof p, "%s/.devpod/config.yaml", home);
	unlink(p);
	snprintf(p, sizeof p, "%s/.devpod", home);
	rmdir(p);
	snprintf(p, sizeof p, "%s/.devsy", home);
	rmdir(p);
	rmdir(home);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_capture_state),
		cmocka_unit_test(test_put_find_remove_order),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_sync),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_parse_request),
		cmocka_unit_test(test_check_name),
		cmocka_unit_test_setup_teardown(test_store_set_clear,
		    db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_store_dropped_and_proof,
		    db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_store_data_version,
		    db_setup, db_teardown),
		cmocka_unit_test(test_switches_unset),
		cmocka_unit_test(test_switches_env),
		cmocka_unit_test(test_switches_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
