/*
 * decodebench: what decoding and the privacy findings cost per event on the
 * ingest path, without the network or the store.  Each load is a set of
 * request bodies built once; a round runs tt_decode() on every body as
 * ws/worker.c does (opts.findings: the findings made on the decoder's tree)
 * and then the findings for each event that has none, as cli/collector.c
 * privacy() does (tt_privacy_scan() of data, tt_privacy_json()).
 *
 *   decodebench [--rounds N] [--load NAME]
 *
 * Loads (ids, times and commands vary per event, as in ../shared/bench/):
 *   rows	  WS arrays of 100 generic bench rows (~200 B each)
 *   mix	  WS arrays of 100, alternating a DevPod legacy cmdfinished and a
 *		  Devtron posthog-go capture (22 properties)
 *   mix-one	  the same events, one per body (one event per WS message)
 *   batch	  posthog-go /batch/ bodies of 100 Devtron captures
 *   legacy	  DevPod legacy bodies on /analytics/v1/devpod/v1/events
 *
 * Prints per load: ns per event for decode, for the findings and for both
 * (the fastest round, the median one in parentheses), malloc calls per
 * event (counted by wrapping glibc's malloc family), and the walk of the
 * field catalog (core/shape.h), which the store makes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/decode.h"
#include "core/privacy.h"
#include "core/shape.h"
#include "core/xmalloc.h"

#define PER_BODY	100
#define EVENTS		2000	/* events in one load */

/* ---- malloc calls, counted ---- */

extern void	*__libc_malloc(size_t);
extern void	*__libc_calloc(size_t, size_t);
extern void	*__libc_realloc(void *, size_t);
extern void	 __libc_free(void *);

static unsigned long	allocs;

void	*malloc(size_t);
void	*calloc(size_t, size_t);
void	*realloc(void *, size_t);
void	 free(void *);

void *
malloc(size_t n)
{
	allocs++;
	return __libc_malloc(n);
}

void *
calloc(size_t n, size_t k)
{
	allocs++;
	return __libc_calloc(n, k);
}

void *
realloc(void *p, size_t n)
{
	allocs++;
	return __libc_realloc(p, n);
}

void
free(void *p)
{
	__libc_free(p);
}

/* ---- the events ---- */

static const char *const commands[] = {
	"devpod up", "devpod provider delete", "devpod ssh", "devpod stop",
	"devpod build", "devpod delete"
};

/* A random-looking hex id of n digits for event i. */
static void
hexid(char *buf, size_t n, unsigned long i, unsigned long salt)
{
	static const char	digits[] = "0123456789abcdef";
	unsigned long long	x = (i + 1) * 0x9e3779b97f4a7c15ULL ^ salt;
	size_t			k;

	for (k = 0; k < n; k++) {
		x ^= x >> 29;
		x *= 0xbf58476d1ce4e5b9ULL;
		buf[k] = digits[(x >> 40) & 15];
	}
	buf[n] = '\0';
}

/* The generic bench row i (bench/bench_event.h's shape). */
static int
row_json(char *buf, size_t size, unsigned long i)
{
	return snprintf(buf, size,
	    "{\"source\":\"generic\",\"name\":\"bench\",\"client_id\":"
	    "\"c%07lu\",\"command\":\"bench %s\",\"duration_ms\":%lu,"
	    "\"exit_code\":%d,\"version\":\"1.2.3\",\"os\":\"linux\","
	    "\"arch\":\"amd64\",\"ts\":%lld,\"seq\":%lu}",
	    i % 1000, i % 4 == 0 ? "run" : i % 4 == 1 ? "build" :
	    i % 4 == 2 ? "test" : "deploy", (i * 7919) % 5000,
	    i % 50 == 49, 1767614400000LL + (long long)i, i);
}

/* ../shared/bench/devpod-cmdfinished.json, compact, varied by i. */
static int
devpod_json(char *buf, size_t size, unsigned long i)
{
	char	exec[19], uid[14];

	hexid(exec, 18, i, 1);
	hexid(uid, 13, i % 300, 2);
	return snprintf(buf, size,
	    "{\"type\":\"cmdfinished\",\"event\":{\"timestamp\":%lld,"
	    "\"executionID\":\"%s\",\"command\":\"%s\",\"provider\":"
	    "\"docker\",\"processingTime\":%lu,\"errors\":\"provider "
	    "'docker' does not exist\"},\"instanceProperties\":{\"uid\":"
	    "\"%s\",\"arch\":\"amd64\",\"os\":\"linux\",\"version\":"
	    "{\"major\":\"0\",\"minor\":\"1\",\"patch\":\"0\"},\"flags\":"
	    "{\"setFlags\":[\"debug\"]},\"ui\":false},\"token\":"
	    "\"eyJhbGcoNz8087e0a700\"}",
	    1683878643783389LL + (long long)i * 1000, exec,
	    commands[i % 6], 17477 + (i * 7919) % 100000, uid);
}

/* ../shared/bench/devtron-capture.json, compact, varied by i. */
static int
devtron_json(char *buf, size_t size, unsigned long i)
{
	char	ucid[17], uuid[33];

	memcpy(ucid, "ucid", 4);
	hexid(ucid + 4, 12, i % 300, 3);
	hexid(uuid, 32, i, 4);
	return snprintf(buf, size,
	    "{\"api_key\":\"phc_3Kq9ZzJ1bUuAfT2mXq8yVwR0nLp5sD7eHc4GkO6iY\","
	    "\"event\":\"DashboardLoggedIn\",\"distinct_id\":\"%s\","
	    "\"timestamp\":\"2023-05-12T08:%02lu:%02lu.%03luZ\",\"uuid\":"
	    "\"%.8s-%.4s-%.4s-%.4s-%.12s\",\"properties\":{"
	    "\"$geoip_city_name\":\"Frankfurt am Main\","
	    "\"$geoip_country_name\":\"Germany\",\"$geoip_country_code\":"
	    "\"DE\",\"$geoip_continent_name\":\"Europe\","
	    "\"$geoip_continent_code\":\"EU\",\"$geoip_postal_code\":"
	    "\"60313\",\"$geoip_latitude\":50.1188,\"$geoip_longitude\":"
	    "8.6843,\"$geoip_time_zone\":\"Europe/Berlin\","
	    "\"$geoip_subdivision_1_code\":\"HE\","
	    "\"$geoip_subdivision_1_name\":\"Hesse\",\"$ip\":"
	    "\"203.0.113.%lu\",\"$lib\":\"posthog-go\",\"$lib_version\":"
	    "\"1.2.18\",\"devtronVersion\":\"v0.6.19\",\"serverVersion\":"
	    "\"v1.25.2\",\"eventType\":\"DashboardLoggedIn\",\"ucid\":"
	    "\"%s\",\"durationMs\":%lu,\"instanceCount\":2,\"$set\":"
	    "{\"clusterCount\":2}}}",
	    ucid, (i / 60000) % 60, (i / 1000) % 60, i % 1000, uuid,
	    uuid + 8, uuid + 12, uuid + 16, uuid + 20, i % 250 + 1, ucid,
	    (i * 7919) % 10000);
}

/* A growable text buffer. */
struct text {
	char	*p;
	size_t	 len, cap;
};

static void
text_add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->p = xrealloc(t->p, t->cap);
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

struct body {
	char		*p;
	size_t		 len;
	enum tt_route	 route;
};

struct load {
	const char	*name;
	struct body	*bodies;
	size_t		 n;
	size_t		 events;
	size_t		 bytes;
};

enum kind { K_ROWS, K_MIX, K_MIX_ONE, K_BATCH, K_LEGACY };

static const char batch_head[] = "{\"api_key\":"
    "\"phc_3Kq9ZzJ1bUuAfT2mXq8yVwR0nLp5sD7eHc4GkO6iY\",\"batch\":[";

/* Build a load's bodies. */
static void
load_make(struct load *l, const char *name, enum kind k)
{
	struct text	t = { NULL, 0, 0 };
	char		buf[2048];
	unsigned long	i;
	size_t		per;
	int		n;

	memset(l, 0, sizeof *l);
	l->name = name;
	per = k == K_MIX_ONE || k == K_LEGACY ? 1 : PER_BODY;
	l->bodies = xcalloc(EVENTS / per, sizeof *l->bodies);
	for (i = 0; i < EVENTS; i++) {
		if (i % per == 0) {
			t.len = 0;
			if (k == K_BATCH)
				text_add(&t, batch_head,
				    sizeof batch_head - 1);
			else if (per > 1)
				text_add(&t, "[", 1);
		} else
			text_add(&t, ",", 1);
		switch (k) {
		case K_ROWS:
			n = row_json(buf, sizeof buf, i);
			break;
		case K_LEGACY:
			n = devpod_json(buf, sizeof buf, i);
			break;
		case K_BATCH:
			n = devtron_json(buf, sizeof buf, i);
			break;
		default:
			n = i % 2 == 0 ? devpod_json(buf, sizeof buf, i) :
			    devtron_json(buf, sizeof buf, i);
			break;
		}
		text_add(&t, buf, (size_t)n);
		l->bytes += (size_t)n;
		if (i % per == per - 1) {
			if (k == K_BATCH)
				text_add(&t, "]}", 2);
			else if (per > 1)
				text_add(&t, "]", 1);
			l->bodies[l->n].p = xmalloc(t.len + 1);
			memcpy(l->bodies[l->n].p, t.p, t.len + 1);
			l->bodies[l->n].len = t.len;
			l->bodies[l->n].route = k == K_BATCH ?
			    TT_ROUTE_POSTHOG : k == K_LEGACY ?
			    TT_ROUTE_DEVPOD_LEGACY : TT_ROUTE_EVENTS;
			l->n++;
		}
	}
	free(t.p);
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The findings of each event that has none, as the collector makes them. */
static void
privacy(struct tt_batch *b, struct tt_findings *f)
{
	size_t	i;

	for (i = 0; i < b->n; i++) {
		if (b->ev[i].data == NULL || b->ev[i].pii != NULL)
			continue;
		tt_privacy_scan(b->ev[i].data, b->ev[i].data_len, f);
		b->ev[i].pii = tt_privacy_json(f);
	}
}

static int
nop_field(void *arg, const char *path, size_t plen, int type,
    const char *val, size_t vlen)
{
	(void)path;
	(void)type;
	(void)val;
	*(size_t *)arg += plen + vlen;
	return 0;
}

/* The walk the field catalog makes of each event (in the store's
 * writer, off the ingest path): its part of the store's cost. */
static void
shape(const struct tt_batch *b)
{
	static size_t	sink;
	size_t		i;

	for (i = 0; i < b->n; i++)
		(void)tt_shape_walk(b->ev[i].data, b->ev[i].data_len,
		    nop_field, &sink);
}

static int
dcmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Run a load for rounds; print its line: the fastest round and the median
 * one, in ns per event (the fastest is what a quiet machine does; other
 * work on the machine only ever slows a round down).
 */
static void
load_run(struct load *l, long rounds)
{
	struct tt_decode_opts	 opts;
	struct tt_findings	 f;
	struct tt_batch		 b;
	double			*td, *tp, *tt, *tw, t;
	unsigned long		 a0, ad = 0, ap = 0;
	char			*cause = NULL;
	size_t			 i, events = 0;
	long			 r;

	memset(&opts, 0, sizeof opts);
	opts.received_at = 1767614400000000LL;
	opts.findings = 1;	/* as ws/worker.c decodes */
	td = xcalloc((size_t)rounds, sizeof *td);
	tp = xcalloc((size_t)rounds, sizeof *tp);
	tt = xcalloc((size_t)rounds, sizeof *tt);
	tw = xcalloc((size_t)rounds, sizeof *tw);
	tt_findings_init(&f);
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < l->n; i++) {
			tt_batch_init(&b);
			a0 = allocs;
			t = now();
			if (tt_decode(l->bodies[i].route,
			    (const uint8_t *)l->bodies[i].p, l->bodies[i].len,
			    &opts, &b, &cause) != 0) {
				fprintf(stderr, "decodebench: %s: %s\n",
				    l->name, cause);
				exit(1);
			}
			td[r] += now() - t;
			ad += allocs - a0;
			a0 = allocs;
			t = now();
			privacy(&b, &f);
			tp[r] += now() - t;
			ap += allocs - a0;
			t = now();
			shape(&b);
			tw[r] += now() - t;
			events += b.n;
			tt_batch_clear(&b);
		}
		tt[r] = td[r] + tp[r];
	}
	tt_findings_clear(&f);
	qsort(td, (size_t)rounds, sizeof *td, dcmp);
	qsort(tp, (size_t)rounds, sizeof *tp, dcmp);
	qsort(tt, (size_t)rounds, sizeof *tt, dcmp);
	qsort(tw, (size_t)rounds, sizeof *tw, dcmp);
#define NS(x)	((x) * 1e9 / EVENTS)
	printf("%-8s %4zu B/ev  decode %6.0f (%6.0f)  privacy %6.0f (%6.0f)  "
	    "total %6.0f (%6.0f) ns/ev  mallocs %5.1f + %5.1f /ev  "
	    "(store: fields %5.0f)\n",
	    l->name, l->bytes / EVENTS, NS(td[0]), NS(td[rounds / 2]),
	    NS(tp[0]), NS(tp[rounds / 2]), NS(tt[0]), NS(tt[rounds / 2]),
	    (double)ad / (double)events, (double)ap / (double)events,
	    NS(tw[0]));
#undef NS
	free(tw);
	free(td);
	free(tp);
	free(tt);
}

int
main(int argc, char **argv)
{
	static const struct {
		const char	*name;
		enum kind	 kind;
	} loads[] = {
		{ "rows", K_ROWS }, { "mix", K_MIX }, { "mix-one", K_MIX_ONE },
		{ "batch", K_BATCH }, { "legacy", K_LEGACY },
	};
	struct load	 l;
	const char	*only = NULL;
	long		 rounds = 50;
	size_t		 i, k;
	int		 a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--rounds") == 0 && a + 1 < argc)
			rounds = atol(argv[++a]);
		else if (strcmp(argv[a], "--load") == 0 && a + 1 < argc)
			only = argv[++a];
		else {
			fprintf(stderr, "usage: decodebench [--rounds N] "
			    "[--load NAME]\n");
			return 2;
		}
	}
	for (i = 0; i < sizeof loads / sizeof loads[0]; i++) {
		if (only != NULL && strcmp(only, loads[i].name) != 0)
			continue;
		load_make(&l, loads[i].name, loads[i].kind);
		load_run(&l, rounds);
		for (k = 0; k < l.n; k++)
			free(l.bodies[k].p);
		free(l.bodies);
	}
	return 0;
}
