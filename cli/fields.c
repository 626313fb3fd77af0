/*
 * `teltop fields` and `teltop diff`: the field catalog of a database
 * (store/catalog.c): every field each tool has sent, what it means and how
 * personal it is, and what changed between two versions of one tool.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/event.h"
#include "core/privacy.h"
#include "core/shape.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "cli.h"

/* The kinds of a mask as "an e-mail address, a host name". */
static void
print_kinds(int kinds)
{
	int	i, first = 1;

	for (i = 0; i < TT_PK_COUNT; i++)
		if (kinds & (1 << i)) {
			printf("%s%s", first ? "" : ", ",
			    tt_privacy_kind_text(tt_privacy_kind_name(i)));
			first = 0;
		}
}

static void
print_versions(char *const *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		printf("%s%s", i ? " " : "", *v[i] != '\0' ? v[i] :
		    "(none)");
}

/* One event's heading: the events of its most common field. */
static void
print_heading(const struct tt_field_rows *rows, size_t from)
{
	const struct tt_field_row	*r = &rows->v[from];
	struct tt_field_row		 all;
	size_t				 i, j;
	int64_t				 events = 0;

	memset(&all, 0, sizeof all);
	for (i = from; i < rows->n && strcmp(rows->v[i].source,
	    r->source) == 0 && strcmp(rows->v[i].name, r->name) == 0; i++) {
		if (rows->v[i].events > events)
			events = rows->v[i].events;
		for (j = 0; j < rows->v[i].nversions; j++)
			tt_field_row_add_version(&all, rows->v[i].versions[j]);
	}
	printf("%s / %s: %lld event%s, version%s ", r->source,
	    *r->name != '\0' ? r->name : "(no name)", (long long)events,
	    events == 1 ? "" : "s", all.nversions == 1 ? "" : "s");
	print_versions(all.versions, all.nversions);
	printf("\n");
	tt_field_row_clear(&all);
}

static void
print_row(const struct tt_field_row *r)
{
	const char	*meaning = tt_field_meaning(r);
	char		 types[96];
	size_t		 i;
	int		 grade = tt_field_grade(r);

	printf("  %s  %s  %s  %lld\n", r->path, tt_jtypes_text(r->types,
	    types, sizeof types), tt_grade_name(grade),
	    (long long)r->events);
	if (meaning != NULL)
		printf("      %s\n", meaning);
	else if (tt_field_is_leaf(r))
		printf("      UNDOCUMENTED: the tool's documentation does not "
		    "name this field\n");
	if (r->kinds != 0) {
		printf("      holds ");
		print_kinds(r->kinds);
		printf("\n");
	}
	if (r->nexamples > 0) {
		/* numbers and literals as they were sent, strings quoted */
		printf("      e.g.");
		for (i = 0; i < r->nexamples; i++)
			printf(r->types & TT_JT(STRING) ? " \"%s\"" : " %s",
			    r->examples[i]);
		printf("\n");
	}
}

int
cmd_fields(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_DB,
		{ "source", required_argument, NULL, 's' },
		{ "name", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*fields_usage = cli_usage("fields");
	struct tt_field_rows	 rows;
	struct store		*st;
	enum tt_source		 src;
	const char		*source = NULL, *name = NULL;
	char			*cause, *line;
	size_t			 i, len;
	struct cli_where	 where = { NULL, NULL, NULL };
	int			 ch, json = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_where_option(&where, ch, optarg))
			continue;
		switch (ch) {
		case 's':
			if (tt_source_parse(optarg, &src) != 0)
				cli_usage_error(fields_usage, "unknown source "
				    "'%s'", optarg);
			source = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			printf("usage: %s\n\nEvery field each tool has sent, "
			    "per source and event name: its JSON types,\n"
			    "privacy grade (red personal, yellow "
			    "pseudonymous, green), the events that carried\n"
			    "it, the tool versions it came in, what the "
			    "tool's documentation says it means\n"
			    "(UNDOCUMENTED when it does not), and up to %d "
			    "example values (none for red fields:\n"
			    "what they held is named instead).  Paths as "
			    "`teltop events --explain` names them,\n"
			    "with [] for any array element and '>' into "
			    "JSON carried in a string.\n", fields_usage,
			    TT_FIELD_EXAMPLES);
			return 0;
		default:
			cli_option_error(fields_usage, argv);
		}
	}
	if (optind < argc)
		cli_usage_error(fields_usage, "unexpected '%s'", argv[optind]);
	if ((st = cli_open_existing(where.db)) == NULL)
		return 1;
	memset(&rows, 0, sizeof rows);
	if (store_fields(st, source, name, NULL, &rows, &cause) != 0) {
		fprintf(stderr, "teltop: %s\n", cause);
		free(cause);
		store_close(st);
		return 1;
	}
	for (i = 0; i < rows.n; i++) {
		if (json) {
			line = tt_field_row_json(&rows.v[i], &len);
			fwrite(line, 1, len, stdout);
			putchar('\n');
			free(line);
			continue;
		}
		if (i == 0 || strcmp(rows.v[i].source, rows.v[i - 1].source) !=
		    0 || strcmp(rows.v[i].name, rows.v[i - 1].name) != 0)
			print_heading(&rows, i);
		print_row(&rows.v[i]);
	}
	if (rows.n == 0 && !json)
		printf("no fields recorded%s%s%s%s yet\n",
		    source ? " for " : "", source ? source : "",
		    name ? " / " : "", name ? name : "");
	tt_field_rows_clear(&rows);
	store_close(st);
	return 0;
}

/* ---- diff ---- */

struct versions {
	char	**v;
	size_t	  n;
};

static void
add_version(void *arg, const char *version, int64_t first, int64_t events)
{
	struct versions	*vs = arg;

	(void)first;
	(void)events;
	vs->v = xrealloc(vs->v, (vs->n + 1) * sizeof *vs->v);
	vs->v[vs->n++] = xstrdup(version);
}

static int
has_version(const struct versions *vs, const char *v)
{
	size_t	i;

	for (i = 0; i < vs->n; i++)
		if (strcmp(vs->v[i], v) == 0)
			return 1;
	return 0;
}

static void
print_item(const struct tt_diff_item *it)
{
	char	a[96], b[96];

	printf("  %-15s %s", tt_diff_kind_text(it->kind), it->name);
	if (it->path != NULL)
		printf("  %s", it->path);
	switch (it->kind) {
	case TT_DIFF_ADDED:
		printf("  %s", tt_jtypes_text(it->to_types, b, sizeof b));
		break;
	case TT_DIFF_REMOVED:
		printf("  %s", tt_jtypes_text(it->from_types, a, sizeof a));
		break;
	case TT_DIFF_TYPE:
		printf("  %s -> %s", tt_jtypes_text(it->from_types, a,
		    sizeof a), tt_jtypes_text(it->to_types, b, sizeof b));
		break;
	case TT_DIFF_PERSONAL:
		printf("  now holds ");
		print_kinds(it->to_kinds);
		break;
	default:
		break;
	}
	if (it->kind == TT_DIFF_ADDED && it->to_kinds != 0) {
		printf("  (holds ");
		print_kinds(it->to_kinds);
		printf(")");
	}
	printf("\n");
}

/* The catalog's rows of one version; -1 after saying why. */
static int
version_rows(struct store *st, const char *source, const char *version,
    struct tt_field_rows *rows)
{
	char	*cause;

	memset(rows, 0, sizeof *rows);
	if (store_fields(st, source, NULL, version, rows, &cause) != 0) {
		fprintf(stderr, "teltop: %s\n", cause);
		free(cause);
		return -1;
	}
	return 0;
}

int
cmd_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_DB,
		{ "source", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*diff_usage = cli_usage("diff");
	struct tt_field_rows	 a, b;
	struct versions		 vs;
	struct tt_diff		 d;
	struct store		*st;
	enum tt_source		 src;
	const char		*source = NULL, *from = NULL;
	const char		*to = NULL;
	char			*cause, *line;
	size_t			 i, len;
	struct cli_where	 where = { NULL, NULL, NULL };
	int			 ch, json = 0, rc = 1;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_where_option(&where, ch, optarg))
			continue;
		switch (ch) {
		case 's':
			if (tt_source_parse(optarg, &src) != 0)
				cli_usage_error(diff_usage, "unknown source "
				    "'%s'", optarg);
			source = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			printf("usage: %s\n\nWhat changed in what a tool "
			    "sends between two of its versions, from the "
			    "field\ncatalog (`teltop fields`): event names "
			    "added and removed; of the events in\nboth, "
			    "fields added, removed, whose JSON type changed, "
			    "and fields found personal\n(red) that were not. "
			    " Without --from and --to: the two newest "
			    "versions.\n", diff_usage);
			return 0;
		default:
			cli_option_error(diff_usage, argv);
		}
	}
	if (optind < argc)
		cli_usage_error(diff_usage, "unexpected '%s'", argv[optind]);
	if (source == NULL)
		cli_usage_error(diff_usage, "--source is needed");
	if ((st = cli_open_existing(where.db)) == NULL)
		return 1;
	memset(&vs, 0, sizeof vs);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	if (store_field_versions(st, source, add_version, &vs, &cause) != 0) {
		fprintf(stderr, "teltop: %s\n", cause);
		free(cause);
		goto out;
	}
	if (from == NULL && to == NULL && vs.n >= 2) {
		from = vs.v[vs.n - 2];
		to = vs.v[vs.n - 1];
	}
	if (from == NULL || to == NULL || !has_version(&vs, from) ||
	    !has_version(&vs, to)) {
		if (from == NULL || to == NULL)
			fprintf(stderr, "teltop: %s: name two versions "
			    "(--from, --to)", source);
		else
			fprintf(stderr, "teltop: %s has no version %s in the "
			    "catalog", source, !has_version(&vs, from) ? from :
			    to);
		fprintf(stderr, "; versions seen:");
		for (i = 0; i < vs.n; i++)
			fprintf(stderr, " %s", *vs.v[i] ? vs.v[i] : "''");
		fprintf(stderr, "%s\n", vs.n == 0 ? " none" : "");
		goto out;
	}
	if (version_rows(st, source, from, &a) != 0 ||
	    version_rows(st, source, to, &b) != 0)
		goto out;
	tt_fields_diff(&a, &b, &d);
	if (!json)
		printf("%s %s -> %s: %zu change%s\n", source, from, to, d.n,
		    d.n == 1 ? "" : "s");
	for (i = 0; i < d.n; i++) {
		if (!json) {
			print_item(&d.v[i]);
			continue;
		}
		line = tt_diff_item_json(&d.v[i], &len);
		fwrite(line, 1, len, stdout);
		putchar('\n');
		free(line);
	}
	tt_diff_clear(&d);
	rc = 0;
out:
	tt_field_rows_clear(&a);
	tt_field_rows_clear(&b);
	for (i = 0; i < vs.n; i++)
		free(vs.v[i]);
	free(vs.v);
	store_close(st);
	return rc;
}
