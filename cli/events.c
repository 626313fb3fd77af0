/*
 * `teltop events`: the stored events as JSON lines or CSV.  With
 * --explain, each JSON line is followed by the event's fields, one per
 * line, with what the tool's documentation says each means (core/fields)
 * and its privacy grade (core/privacy).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "core/decode.h"
#include "core/eventjson.h"
#include "core/fields.h"
#include "core/filter.h"
#include "core/path.h"
#include "core/privacy.h"
#include "core/utf8.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "cli.h"

enum out_format { OUT_JSONL, OUT_CSV };

static int
print_jsonl(void *arg, const struct tt_event *ev)
{
	char	*s;

	(void)arg;
	s = tt_event_json(ev, NULL);
	puts(s);
	free(s);
	return ferror(stdout) ? 1 : 0;
}

/* Does a CSV field need quotes: a separator, a quote, any control? */
static int
csv_quoted(const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p == ',' || *p == '"' || *p < 0x20 || *p == 0x7f)
			return 1;
	return 0;
}

/* One CSV field, quoted when it must be (RFC 4180); s is valid UTF-8. */
static void
csv_field(const char *s, int last)
{
	const char	*p;

	if (s != NULL && csv_quoted(s)) {
		putchar('"');
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				putchar('"');
			putchar(*p);
		}
		putchar('"');
	} else if (s != NULL)
		fputs(s, stdout);
	putchar(last ? '\n' : ',');
}

static void
csv_int(int64_t v)
{
	if (v != TT_NONE)
		printf("%lld", (long long)v);
	putchar(',');
}

/* A number as JSON would write it: 250, 12345.678. */
static void
csv_num(double v)
{
	if (v != TT_NONE && isfinite(v))
		printf("%.15g", v);
	putchar(',');
}

static int
print_csv(void *arg, const struct tt_event *ev)
{
	char	buf[40];

	(void)arg;
	printf("%lld,", (long long)ev->id);
	(void)tt_time_format(ev->received_at, buf, sizeof buf);
	csv_field(buf, 0);
	(void)tt_time_format(ev->ts, buf, sizeof buf);
	csv_field(buf, 0);
	csv_field(tt_source_name(ev->source), 0);
	csv_field(ev->format, 0);
	csv_field(ev->name, 0);
	csv_field(tt_phase_name(ev->phase), 0);
	csv_field(ev->client_id, 0);
	csv_field(ev->execution_id, 0);
	csv_field(ev->command, 0);
	csv_num(ev->duration_ms);
	csv_int(ev->exit_code);
	csv_field(ev->error, 0);
	csv_field(ev->version, 0);
	csv_field(ev->os, 0);
	csv_field(ev->arch, 0);
	csv_field(ev->data, 1);
	return ferror(stdout) ? 1 : 0;
}

struct explain {
	const struct tt_event		*ev;
	const struct tt_findings	*f;
};

/* One field: its value, then its meaning and privacy findings. */
static void
explain_field(const struct explain *x, const char *path, const cJSON *v)
{
	const struct tt_field_doc	*doc;
	char				*text;
	size_t				 i, len;

	if ((text = cJSON_PrintUnformatted(v)) != NULL) {
		len = strlen(text);
		text = tt_utf8_json(text, &len);
		if (len > 200) {
			/* Cut at a character boundary. */
			len = 196;
			while (len > 0 && ((unsigned char)text[len] & 0xc0) ==
			    0x80)
				len--;
			strcpy(text + len, "...");
		}
	}
	printf("  %s = %s\n", path, text != NULL ? text : "?");
	free(text);
	doc = tt_field_doc_event(tt_source_name(x->ev->source), x->ev->format,
	    path);
	if (doc != NULL)
		printf("      meaning: %s [%s]\n", doc->meaning, doc->ref);
	for (i = 0; i < x->f->n; i++)
		if (strcmp(x->f->v[i].field, path) == 0)
			printf("      privacy: %s, %s\n", x->f->v[i].red ?
			    "red (personal)" : "yellow (pseudonymous)",
			    tt_privacy_kind_text(x->f->v[i].kind));
}

/* Walk every leaf; JSON carried in a string is walked after '>'. */
static void
explain_walk(const struct explain *x, struct tt_path *path, const cJSON *v,
    int how, int depth)
{
	const cJSON	*c;
	cJSON		*inner;
	size_t		 save = path->len, i = 0;

	if (depth > 64)
		return;
	if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
		cJSON_ArrayForEach(c, v) {
			if (cJSON_IsObject(v))
				tt_path_key(path, c->string,
				    strlen(c->string), how);
			else
				tt_path_index(path, i, how);
			explain_walk(x, path, c, TT_PATH_MEMBER, depth + 1);
			tt_path_cut(path, save);
			i++;
		}
		return;
	}
	explain_field(x, path->s, v);
	if (cJSON_IsString(v) && (v->valuestring[0] == '{' ||
	    v->valuestring[0] == '[') && (inner = cJSON_Parse(
	    v->valuestring)) != NULL) {
		explain_walk(x, path, inner, TT_PATH_EMBED, depth + 1);
		cJSON_Delete(inner);
	}
}

static int
print_explained(void *arg, const struct tt_event *ev)
{
	struct tt_findings	 f;
	struct explain		 x;
	struct tt_path		 path;
	char			 pathbuf[256];
	cJSON			*root;

	if (print_jsonl(arg, ev) != 0)
		return 1;
	tt_findings_init(&f);
	if (ev->data != NULL)
		tt_privacy_scan(ev->data, ev->data_len, &f);
	x.ev = ev;
	x.f = &f;
	root = ev->data != NULL ? cJSON_ParseWithLength(ev->data,
	    ev->data_len) : NULL;
	if (root != NULL) {
		tt_path_init(&path, pathbuf, sizeof pathbuf);
		explain_walk(&x, &path, root, TT_PATH_ROOT, 0);
		tt_path_free(&path);
	}
	else
		printf("  (the payload is not JSON)\n");
	cJSON_Delete(root);
	tt_findings_clear(&f);
	return ferror(stdout) ? 1 : 0;
}

/* expr with "NAME=WHEN" added, WHEN quoted.  Caller frees. */
static char *
add_bound(char *expr, const char *name, const char *when)
{
	size_t	 len = 2 * strlen(when) + 4;
	char	*q = xmalloc(len), *out;

	if (tt_filter_quote(when, q, len) != 0)
		fatal("add_bound: no room to quote");
	out = xasprintf("%s%s%s=%s", expr != NULL ? expr : "",
	    expr != NULL ? " " : "", name, q);
	free(q);
	free(expr);
	return out;
}

int
cmd_events(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_DB,
		{ "filter", required_argument, NULL, 'f' },
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "limit", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'F' },
		{ "explain", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*usage = cli_usage("events");
	struct tt_filter	 filter;
	struct store		*st;
	enum out_format		 fmt = OUT_JSONL;
	const char		*since = NULL, *until = NULL;
	char			*cause = NULL, *end, *fexpr = NULL;
	long long		 limit = 0;
	struct cli_where	 where = { NULL, NULL, NULL };
	int			 ch, rc, explain = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_where_option(&where, ch, optarg))
			continue;
		switch (ch) {
		case 'f':
			free(fexpr);
			fexpr = xstrdup(optarg);
			break;
		case 's':
			since = optarg;
			break;
		case 'u':
			until = optarg;
			break;
		case 'n':
			limit = strtoll(optarg, &end, 10);
			if (*end != '\0' || limit < 0)
				cli_usage_error(usage, "--limit needs a "
				    "non-negative number, not '%s'", optarg);
			break;
		case 'F':
			if (strcmp(optarg, "jsonl") == 0 ||
			    strcmp(optarg, "json") == 0)
				fmt = OUT_JSONL;
			else if (strcmp(optarg, "csv") == 0)
				fmt = OUT_CSV;
			else
				cli_usage_error(usage, "unknown format '%s' "
				    "(jsonl or csv)", optarg);
			break;
		case 'x':
			explain = 1;
			break;
		case 'h':
			printf("usage: %s\n\nPrints stored events, oldest "
			    "first (--limit N: the newest N).\n"
			    "Filter terms, all of which must hold: "
			    "source=werf|devpod command~converge\n"
			    "error!= phase=finish duration_ms>1000 "
			    "command=\"werf converge\" !client=ID\n"
			    "pii=red pii.kind=email since=10m "
			    "until=2026-11-20T10:00 (= equal, != differ,\n"
			    "~ contains, > < >= <=; a|b one of them, !term "
			    "its opposite).\n"
			    "A field of the payload by its path (as --explain "
			    "names it): .properties.$os=linux\n"
			    ".event.command~up .properties.n>5 "
			    ".event.properties>command=up ('>': into JSON a "
			    "string holds).\n"
			    "--since and --until WHEN add since=WHEN and "
			    "until=WHEN: a time ago (30s, 10m, 2h, 7d)\n"
			    "or a date and time, local without a zone.\n"
			    "--explain follows each event with its fields, "
			    "what each means and its privacy grade.\n", usage);
			return 0;
		default:
			cli_option_error(usage, argv);
		}
	}
	cli_no_more_args(usage, argc, argv);
	if (explain && fmt == OUT_CSV)
		cli_usage_error(usage, "--explain goes with jsonl");
	if (since != NULL)
		fexpr = add_bound(fexpr, "since", since);
	if (until != NULL)
		fexpr = add_bound(fexpr, "until", until);
	if (tt_filter_parse(fexpr, &filter, &cause) != 0) {
		fprintf(stderr, "teltop: --filter: %s\n", cause);
		free(cause);
		free(fexpr);
		return 2;
	}
	free(fexpr);
	if ((st = cli_open_existing(where.db)) == NULL) {
		tt_filter_free(&filter);
		return 1;
	}
	if (fmt == OUT_CSV)
		puts("id,received_at,ts,source,format,name,phase,client_id,"
		    "execution_id,command,duration_ms,exit_code,error,version,"
		    "os,arch,raw");
	rc = store_events(st, &filter, limit, fmt == OUT_CSV ? print_csv :
	    explain ? print_explained : print_jsonl, NULL, &cause);
	if (rc != 0) {
		fprintf(stderr, "teltop: %s\n", cause);
		free(cause);
	}
	store_close(st);
	tt_filter_free(&filter);
	if (fflush(stdout) != 0)
		rc = -1;
	return rc == 0 ? 0 : 1;
}
