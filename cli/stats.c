/*
 * `teltop stats`: per-command timings, daily counts, Devtron Summary counts
 * and the collector's counters (capture's among them: captured, forwarded
 * and blocked per source, tunnels, failed forwards), from everything in
 * the database: the aggregate model (core/stats) loaded from the rollups
 * (or, for --since, or when their days are in another time zone, rebuilt
 * by a scan of the events), then printed as tables or as one JSON object.
 */
#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "core/counters.h"
#include "core/decode.h"
#include "core/units.h"
#include "core/eventjson.h"
#include "core/privacy.h"
#include "core/stats.h"
#include "core/utf8.h"
#include "core/xmalloc.h"
#include "store/store.h"
#include "cli.h"

struct report {
	struct tt_cmd_stats	*cmds;
	size_t			 ncmds;
	struct tt_day_stats	*days;
	size_t			 ndays;
	struct tt_summary	*sums;
	size_t			 nsums;
	struct tt_metric_stats	*mets;
	size_t			 nmets;
	struct tt_counters	 counters;
	int64_t			 events;
	struct tt_optout	 optout;
	char			*optout_json;
	struct priv {
		char	*source, *field, *kind;
		int	 red;
		int64_t	 events;
	}			*priv;
	size_t			 npriv;
	struct refused_row {
		char	*reason, *route;
		int64_t	 count;
	}			*refused;
	size_t			 nrefused;
};

/* Keep one "refused REASON ROUTE" counter. */
static void
add_refused(void *arg, const char *name, int64_t value)
{
	struct report		*r = arg;
	struct refused_row	*x;
	const char		*p = name + strlen(TT_REFUSED_PREFIX), *sp;

	if (value == 0 || (sp = strchr(p, ' ')) == NULL)
		return;
	r->refused = xrealloc(r->refused, (r->nrefused + 1) *
	    sizeof *r->refused);
	x = &r->refused[r->nrefused++];
	x->reason = xstrndup(p, (size_t)(sp - p));
	x->route = xstrdup(sp + 1);
	x->count = value;
}

/* Keep one row of the privacy summary. */
static void
add_priv(void *arg, const struct store_privacy_row *row)
{
	struct report	*r = arg;
	struct priv	*p;

	r->priv = xrealloc(r->priv, (r->npriv + 1) * sizeof *r->priv);
	p = &r->priv[r->npriv++];
	p->source = xstrdup(row->source);
	p->field = xstrdup(row->field);
	p->kind = xstrdup(row->kind);
	p->red = row->red;
	p->events = row->events;
}


/* Local midnight of YYYY-MM-DD, in µs (before 1970 too); -1 if bad. */
static int
parse_day(const char *s, int64_t *us)
{
	struct tm	tm;
	char		*end;

	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	tm.tm_isdst = -1;
	*us = (int64_t)mktime(&tm) * 1000000;
	return 0;
}

static void
feed(void *arg, const struct tt_event *ev)
{
	tt_stats_add(arg, ev);
}

/*
 * "capture": the totals of every source, the tunnels and failed forwards,
 * and "sources" with each known source's counts (all of them, zeros too,
 * so that the shape does not depend on the traffic).
 */
static void
capture_json(cJSON *root, const struct tt_counters *c)
{
	struct tt_capture_counts	 cc;
	cJSON				*o, *srcs;
	int				 s;

	o = cJSON_AddObjectToObject(root, "capture");
	tt_capture_counts(c, -1, &cc);
	cJSON_AddNumberToObject(o, "captured", (double)cc.captured);
	cJSON_AddNumberToObject(o, "forwarded", (double)cc.forwarded);
	cJSON_AddNumberToObject(o, "blocked", (double)cc.blocked);
	cJSON_AddNumberToObject(o, "tunnelled",
	    (double)c->v[TT_CTR_TUNNELLED]);
	cJSON_AddNumberToObject(o, "forward_failed",
	    (double)c->v[TT_CTR_FORWARD_FAILED]);
	srcs = cJSON_AddObjectToObject(o, "sources");
	for (s = 0; s < TT_SRC_COUNT; s++) {
		tt_capture_counts(c, s, &cc);
		cli_json_capture(srcs, tt_source_name((enum tt_source)s), &cc);
	}
}

/* A number, or null for NAN (none). */
static void
json_real(cJSON *o, const char *key, double v)
{
	if (isnan(v))
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddNumberToObject(o, key, v);
}

static void
metrics_json(cJSON *root, const struct report *r)
{
	cJSON	*a, *item;
	char	 buf[40];
	size_t	 i;

	a = cJSON_AddArrayToObject(root, "metrics");
	for (i = 0; i < r->nmets; i++) {
		const struct tt_metric_stats *m = &r->mets[i];

		item = cJSON_CreateObject();
		cJSON_AddStringToObject(item, "source",
		    tt_source_name(m->source));
		cJSON_AddStringToObject(item, "name", m->name);
		cJSON_AddStringToObject(item, "kind", m->kind);
		cJSON_AddStringToObject(item, "unit", m->unit);
		cJSON_AddNumberToObject(item, "points", (double)m->points);
		json_real(item, "last", m->last);
		json_real(item, "min", m->min);
		json_real(item, "max", m->max);
		if (tt_time_format(m->last_seen, buf, sizeof buf) == 0)
			cJSON_AddStringToObject(item, "last_seen", buf);
		else
			cJSON_AddNullToObject(item, "last_seen");
		cJSON_AddItemToArray(a, item);
	}
}

static void
print_json(const struct report *r)
{
	cJSON	*root, *o, *a, *item, *counts;
	char	 buf[40], *s;
	size_t	 i, k, len;

	root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "events", (double)r->events);
	o = cJSON_AddObjectToObject(root, "counters");
	cJSON_AddNumberToObject(o, "received",
	    (double)r->counters.v[TT_CTR_RECEIVED]);
	cJSON_AddNumberToObject(o, "accepted",
	    (double)r->counters.v[TT_CTR_ACCEPTED]);
	cJSON_AddNumberToObject(o, "rejected",
	    (double)tt_counters_rejected(&r->counters));
	counts = cJSON_AddObjectToObject(o, "rejected_reasons");
	for (i = 0; i < TT_CTR_COUNT; i++)
		if (tt_counter_reason((enum tt_counter)i) != NULL)
			cJSON_AddNumberToObject(counts, tt_counter_reason(
			    (enum tt_counter)i), (double)r->counters.v[i]);
	a = cJSON_AddArrayToObject(o, "rejected_by");
	for (i = 0; i < r->nrefused; i++) {
		item = cJSON_CreateObject();
		cJSON_AddStringToObject(item, "route", r->refused[i].route);
		cJSON_AddStringToObject(item, "reason", r->refused[i].reason);
		cJSON_AddNumberToObject(item, "count",
		    (double)r->refused[i].count);
		cJSON_AddItemToArray(a, item);
	}
	cJSON_AddNumberToObject(o, "dropped_optout",
	    (double)r->counters.v[TT_CTR_DROPPED_OPTOUT]);
	cJSON_AddNumberToObject(o, "evicted",
	    (double)r->counters.v[TT_CTR_EVICTED]);
	capture_json(root, &r->counters);

	a = cJSON_AddArrayToObject(root, "commands");
	for (i = 0; i < r->ncmds; i++) {
		const struct tt_cmd_stats *c = &r->cmds[i];

		item = cJSON_CreateObject();
		cJSON_AddStringToObject(item, "source",
		    tt_source_name(c->source));
		cJSON_AddStringToObject(item, "command", c->command);
		cJSON_AddNumberToObject(item, "count", (double)c->count);
		cJSON_AddNumberToObject(item, "failures", (double)c->failures);
		tt_json_add_int(item, "p50_ms", c->p50_ms);
		tt_json_add_int(item, "p95_ms", c->p95_ms);
		tt_json_add_int(item, "p99_ms", c->p99_ms);
		tt_json_add_int(item, "max_ms", c->max_ms);
		cJSON_AddNumberToObject(item, "running", (double)c->running);
		cJSON_AddNumberToObject(item, "orphans", (double)c->orphans);
		if (tt_time_format(c->last_seen, buf, sizeof buf) == 0)
			cJSON_AddStringToObject(item, "last_seen", buf);
		else
			cJSON_AddNullToObject(item, "last_seen");
		cJSON_AddItemToArray(a, item);
	}
	metrics_json(root, r);
	a = cJSON_AddArrayToObject(root, "daily");
	for (i = 0; i < r->ndays; i++) {
		const struct tt_day_stats *d = &r->days[i];

		item = cJSON_CreateObject();
		cJSON_AddStringToObject(item, "day", d->day);
		cJSON_AddStringToObject(item, "source",
		    tt_source_name(d->source));
		cJSON_AddNumberToObject(item, "events", (double)d->events);
		cJSON_AddNumberToObject(item, "commands", (double)d->commands);
		cJSON_AddNumberToObject(item, "failures", (double)d->failures);
		cJSON_AddNumberToObject(item, "clients", (double)d->clients);
		cJSON_AddItemToArray(a, item);
	}
	a = cJSON_AddArrayToObject(root, "summaries");
	for (i = 0; i < r->nsums; i++) {
		const struct tt_summary *s_ = &r->sums[i];

		item = cJSON_CreateObject();
		cJSON_AddStringToObject(item, "day", s_->day);
		cJSON_AddStringToObject(item, "source",
		    tt_source_name(s_->source));
		cJSON_AddStringToObject(item, "client_id", s_->client_id);
		counts = cJSON_AddObjectToObject(item, "counts");
		for (k = 0; k < s_->ncounts; k++)
			cJSON_AddNumberToObject(counts, s_->counts[k].key,
			    s_->counts[k].value);
		cJSON_AddItemToArray(a, item);
	}
	cJSON_AddItemToObject(root, "optout", cJSON_Parse(r->optout_json));
	a = cJSON_AddArrayToObject(root, "privacy");
	for (i = 0; i < r->npriv; i++) {
		item = cJSON_CreateObject();
		cJSON_AddStringToObject(item, "source", r->priv[i].source);
		cJSON_AddStringToObject(item, "field", r->priv[i].field);
		cJSON_AddStringToObject(item, "kind", r->priv[i].kind);
		cJSON_AddStringToObject(item, "grade", r->priv[i].red ? "red" :
		    "yellow");
		cJSON_AddNumberToObject(item, "events",
		    (double)r->priv[i].events);
		cJSON_AddItemToArray(a, item);
	}
	if ((s = cJSON_Print(root)) == NULL)
		fatal("out of memory");
	/* Strings from an older database may not be valid UTF-8. */
	len = strlen(s);
	s = tt_utf8_json(s, &len);
	puts(s);
	free(s);
	cJSON_Delete(root);
}

/* A metric's value for people: %g, or - for none. */
static void
human_real(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.6g", v);
}

/* The metrics, when there are (most tools send none). */
static void
print_metrics(const struct report *r)
{
	char	last[32], mn[32], mx[32], seen[40];
	size_t	i;
	int	w = 6;

	if (r->nmets == 0)
		return;
	for (i = 0; i < r->nmets; i++)
		if ((int)strlen(r->mets[i].name) > w)
			w = (int)strlen(r->mets[i].name);
	if (w > 40)
		w = 40;
	printf("\nMetrics (OTLP data points; a histogram's value is its "
	    "mean)\n%-8s %-*s %-9s %-8s %7s %10s %10s %10s  %s\n", "SOURCE", w,
	    "METRIC", "KIND", "UNIT", "POINTS", "LAST", "MIN", "MAX",
	    "LAST SEEN");
	for (i = 0; i < r->nmets; i++) {
		const struct tt_metric_stats *m = &r->mets[i];

		human_real(m->last, last, sizeof last);
		human_real(m->min, mn, sizeof mn);
		human_real(m->max, mx, sizeof mx);
		if (tt_time_format(m->last_seen, seen, sizeof seen) == 0)
			seen[19] = '\0';
		else
			strcpy(seen, "-");
		printf("%-8s %-*.*s %-9.9s %-8.8s %7lld %10s %10s %10s  %s\n",
		    tt_source_name(m->source), w, w, m->name,
		    m->kind[0] != '\0' ? m->kind : "-",
		    m->unit[0] != '\0' ? m->unit : "-", (long long)m->points,
		    last, mn, mx, seen);
	}
}

static void
print_text(const struct report *r)
{
	struct tt_capture_counts	cc;
	char				p50[32], p95[32], p99[32], mx[32];
	char				seen[40];
	size_t				i, k;
	int				w = 7;

	printf("%lld events stored; received %lld, accepted %lld, rejected "
	    "%lld, dropped by opt-out %lld\n", (long long)r->events,
	    (long long)r->counters.v[TT_CTR_RECEIVED],
	    (long long)r->counters.v[TT_CTR_ACCEPTED],
	    (long long)tt_counters_rejected(&r->counters),
	    (long long)r->counters.v[TT_CTR_DROPPED_OPTOUT]);
	if (r->counters.v[TT_CTR_EVICTED] > 0)
		printf("%lld of them evicted by retention; the counts below "
		    "still hold them\n",
		    (long long)r->counters.v[TT_CTR_EVICTED]);
	for (i = 0; i < r->nrefused; i++)
		printf("%s%s %s %lld", i == 0 ? "refused: " : ", ",
		    r->refused[i].route, r->refused[i].reason,
		    (long long)r->refused[i].count);
	if (r->nrefused > 0)
		putchar('\n');
	tt_capture_counts(&r->counters, -1, &cc);
	if (!tt_capture_none(&cc) || r->counters.v[TT_CTR_TUNNELLED] != 0 ||
	    r->counters.v[TT_CTR_FORWARD_FAILED] != 0)
		printf("capture: %lld requests captured, forwarded %lld, "
		    "blocked %lld; tunnelled %lld; forwards failed %lld\n",
		    (long long)cc.captured, (long long)cc.forwarded,
		    (long long)cc.blocked,
		    (long long)r->counters.v[TT_CTR_TUNNELLED],
		    (long long)r->counters.v[TT_CTR_FORWARD_FAILED]);
	putchar('\n');

	for (i = 0; i < r->ncmds; i++)
		if ((int)strlen(r->cmds[i].command) > w)
			w = (int)strlen(r->cmds[i].command);
	if (w > 40)
		w = 40;
	printf("Commands\n%-8s %-*s %6s %6s %7s %7s %7s %7s %5s %6s  %s\n",
	    "SOURCE", w, "COMMAND", "RUNS", "FAILED", "P50", "P95", "P99",
	    "MAX", "RUN", "ORPHAN", "LAST SEEN");
	if (r->ncmds == 0)
		printf("  (no commands yet)\n");
	for (i = 0; i < r->ncmds; i++) {
		const struct tt_cmd_stats *c = &r->cmds[i];

		tt_duration_text((double)c->p50_ms, p50, sizeof p50);
		tt_duration_text((double)c->p95_ms, p95, sizeof p95);
		tt_duration_text((double)c->p99_ms, p99, sizeof p99);
		tt_duration_text((double)c->max_ms, mx, sizeof mx);
		if (tt_time_format(c->last_seen, seen, sizeof seen) == 0)
			seen[19] = '\0';
		else
			strcpy(seen, "-");
		printf("%-8s %-*.*s %6lld %6lld %7s %7s %7s %7s %5lld %6lld  "
		    "%s\n", tt_source_name(c->source), w, w, c->command,
		    (long long)c->count, (long long)c->failures, p50, p95, p99,
		    mx, (long long)c->running, (long long)c->orphans, seen);
	}
	print_metrics(r);
	printf("\nDaily (local time)\n%-10s %-8s %8s %8s %8s %8s\n", "DAY",
	    "SOURCE", "EVENTS", "COMMANDS", "FAILED", "CLIENTS");
	if (r->ndays == 0)
		printf("  (no events yet)\n");
	for (i = 0; i < r->ndays; i++)
		printf("%-10s %-8s %8lld %8lld %8lld %8lld\n", r->days[i].day,
		    tt_source_name(r->days[i].source),
		    (long long)r->days[i].events,
		    (long long)r->days[i].commands,
		    (long long)r->days[i].failures,
		    (long long)r->days[i].clients);
	printf("\nPrivacy: what in the stored payloads could identify a "
	    "person\n");
	if (r->npriv == 0)
		printf("  nothing found: no payload carries personal or "
		    "pseudonymous data\n");
	for (i = 0; i < r->npriv; i++)
		printf("  %-8s %s is %s (%s) in %lld event%s\n",
		    r->priv[i].source, r->priv[i].field,
		    tt_privacy_kind_text(r->priv[i].kind), r->priv[i].red ?
		    "red: personal" : "yellow: pseudonymous",
		    (long long)r->priv[i].events, r->priv[i].events == 1 ? "" :
		    "s");
	printf("\nOpt-out\n");
	cli_optout_print(&r->optout);
	cli_capture_print(&r->optout, &r->counters);
	if (r->nsums > 0)
		printf("\nDevtron Summary counts (latest per client and day)\n");
	for (i = 0; i < r->nsums; i++) {
		printf("%s %s", r->sums[i].day, r->sums[i].client_id);
		for (k = 0; k < r->sums[i].ncounts; k++)
			printf(" %s=%g", r->sums[i].counts[k].key,
			    r->sums[i].counts[k].value);
		putchar('\n');
	}
}

int
cmd_stats(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPT_DB,
		{ "json", no_argument, NULL, 'j' },
		{ "since", required_argument, NULL, 's' },
		{ "source", required_argument, NULL, 'S' },
		{ "orphan-after", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*usage = cli_usage("stats");
	struct report	 r;
	struct tt_stats	*stats;
	struct store	*st;
	enum tt_source	 src;
	const char	*source = NULL;
	char		*cause = NULL;
	int64_t		 since = TT_NONE, orphan_after = TT_ORPHAN_AFTER_US;
	struct cli_where	 where = { NULL, NULL, NULL };
	int		 ch, json = 0, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cli_where_option(&where, ch, optarg))
			continue;
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 's':
			if (parse_day(optarg, &since) != 0)
				cli_usage_error(usage, "--since needs a day "
				    "like 2026-11-21, not '%s'", optarg);
			break;
		case 'S':
			if (tt_source_parse(optarg, &src) != 0)
				cli_usage_error(usage, "unknown source '%s' "
				    "(devtron, devpod, devsy, werf, posthog, "
				    "generic)", optarg);
			source = optarg;
			break;
		case 'o':
			if ((orphan_after = tt_parse_duration(optarg)) <= 0)
				cli_usage_error(usage, "--orphan-after needs "
				    "a duration like 30m, 1h or 3600, not '%s'",
				    optarg);
			break;
		case 'h':
			printf("usage: %s\n\nPer source and command: runs, "
			    "failures, p50/p95/p99/max duration, running and\n"
			    "orphaned starts (older than --orphan-after, "
			    "default 1h); per local day (TZ)\nand source: "
			    "events, commands, failures, distinct clients;\n"
			    "per OTLP metric: points, kind, unit, last, least "
			    "and greatest value;\nDevtron Summary counts; what "
			    "capture counted (captured, forwarded,\nblocked per "
			    "source, tunnels).\n", usage);
			return 0;
		default:
			cli_option_error(usage, argv);
		}
	}
	cli_no_more_args(usage, argc, argv);
	if ((st = cli_open_existing(where.db)) == NULL)
		return 1;
	stats = tt_stats_create(orphan_after);
	memset(&r, 0, sizeof r);
	/* The rollups, unless a range is asked for or their days are in
	 * another zone: then the events. */
	rc = since == TT_NONE ? store_rollup_load(st, source, stats,
	    tt_now_us(), &cause) : 1;
	if (rc == 1)
		rc = store_scan(st, since, source, feed, stats, &cause);
	if (rc != 0) {
		fprintf(stderr, "teltop: %s\n", cause);
		free(cause);
	} else {
		r.ncmds = tt_stats_commands(stats, tt_now_us(), &r.cmds);
		r.ndays = tt_stats_days(stats, &r.days);
		r.nsums = tt_stats_summaries(stats, &r.sums);
		r.nmets = tt_stats_metrics(stats, &r.mets);
		(void)store_counters(st, &r.counters);
		(void)store_named_counters(st, TT_REFUSED_PREFIX, add_refused,
		    &r);
		tt_optout_init(&r.optout);
		if (store_optout_load(st, &r.optout, 1, &cause) != 0) {
			fprintf(stderr, "teltop: %s\n", cause);
			free(cause);
		}
		r.optout_json = tt_optout_json(&r.optout, NULL, NULL);
		if (store_privacy(st, since, source, add_priv, &r,
		    &cause) != 0) {
			fprintf(stderr, "teltop: %s\n", cause);
			free(cause);
		}
		for (size_t i = 0; i < r.ndays; i++)
			r.events += r.days[i].events;
		if (json)
			print_json(&r);
		else
			print_text(&r);
	}
	free(r.cmds);
	free(r.days);
	free(r.sums);
	free(r.mets);
	free(r.optout_json);
	for (size_t i = 0; i < r.npriv; i++) {
		free(r.priv[i].source);
		free(r.priv[i].field);
		free(r.priv[i].kind);
	}
	free(r.priv);
	for (size_t i = 0; i < r.nrefused; i++) {
		free(r.refused[i].reason);
		free(r.refused[i].route);
	}
	free(r.refused);
	tt_optout_clear(&r.optout);
	tt_stats_free(stats);
	store_close(st);
	return rc == 0 ? 0 : 1;
}
