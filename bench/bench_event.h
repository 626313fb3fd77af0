/*
 * The events of teltop's benchmark, shared by bench/load.c (which sends
 * them) and bench/rawinsert.c (which stores the same rows straight into
 * SQLite).  Event i of a kind is a pure function of (kind, seed, i, block),
 * so both programs produce the same content.  Two kinds:
 *
 *	bench	a generic teltop event of about 190 bytes of JSON (the
 *		"bench rows": source, name, client_id, command, ...)
 *	mix	real tool payloads, alternating a DevPod legacy cmdfinished
 *		(~380 B) and a Devtron posthog-go capture with 22 properties
 *		(~800 B), the two examples of ../shared/bench/, with ids,
 *		timestamps, commands, durations and clients varied per event
 *
 * In the mix, event i is DevPod's when (i / block) is even: block 1
 * alternates every event (a WebSocket array holds both), block 100 makes
 * runs of 100 so that an HTTP request of 100 events goes to one route.
 *
 * Besides the JSON text, each event carries the normalized fields a store
 * would index (struct bench_event), which the raw reference inserts.
 * Everything here is static: each benchmark program is one translation unit.
 */
#ifndef BENCH_EVENT_H
#define BENCH_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define BENCH_TS_BASE_S		1767614400LL	/* 2026-01-05T12:00:00Z */
#define BENCH_TS_STEP_MS	50		/* 1 M events: about 14 h */
#define BENCH_EVENT_MAX		1024		/* one event as JSON, bytes */
#define BENCH_CLIENTS		300		/* distinct installations */
#define BENCH_POSTHOG_KEY	"phc_3Kq9ZzJ1bUuAfT2mXq8yVwR0nLp5sD7eHc4GkO6iY"

enum bench_kind {
	BENCH_KIND_BENCH,
	BENCH_KIND_MIX
};

/* Where an event goes over HTTP; what its sender's route is. */
enum bench_route {
	BENCH_ROUTE_EVENTS,	/* POST /v1/events (teltop's generic) */
	BENCH_ROUTE_DEVPOD,	/* POST /analytics/v1/devpod/v1/events */
	BENCH_ROUTE_POSTHOG	/* POST /batch/ (posthog-go) */
};

/* One event: its normalized fields, and its JSON text as sent. */
struct bench_event {
	long long	 ts_us;		/* the event's own time */
	const char	*source;
	const char	*kind;		/* the wire format */
	const char	*name;
	const char	*command;	/* NULL: none */
	char		 client_id[24];
	char		 execution_id[24];	/* "": none */
	double		 duration_ms;	/* < 0: none */
	int		 exit_code;	/* < 0: none */
	const char	*error;		/* NULL: none */
	enum bench_route route;
	int		 len;		/* of json */
	char		 json[BENCH_EVENT_MAX];
};

static const char *const bench_commands[] = {
	"bench run", "bench build", "bench test", "bench deploy"
};

static const char *const bench_devpod_commands[] = {
	"devpod up", "devpod stop", "devpod delete", "devpod ssh",
	"devpod build", "devpod status", "devpod provider delete",
	"devpod ide use"
};

static const char *const bench_devtron_events[] = {
	"DashboardLoggedIn", "DashboardAccessed", "AppListingAccessed",
	"ClusterAdded"
};

#define BENCH_NELEM(a)	(sizeof (a) / sizeof (a)[0])

/* A 64-bit mix of x (splitmix64's finalizer): the per-event randomness. */
static uint64_t
bench_hash(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

/* n lowercase hex digits of v into s (n <= 16), NUL-terminated. */
static void
bench_hex(char *s, uint64_t v, int n)
{
	static const char	digits[] = "0123456789abcdef";
	int			k;

	for (k = n - 1; k >= 0; k--) {
		s[k] = digits[v & 15];
		v >>= 4;
	}
	s[n] = '\0';
}

/* Event i of the bench rows. */
static void
bench_event_generic(struct bench_event *ev, unsigned long i)
{
	ev->ts_us = (BENCH_TS_BASE_S * 1000 + (long long)i *
	    BENCH_TS_STEP_MS) * 1000;
	ev->source = "generic";
	ev->kind = "generic";
	ev->name = "bench";
	ev->command = bench_commands[i % 4];
	snprintf(ev->client_id, sizeof ev->client_id, "c%07lu", i % 1000);
	ev->duration_ms = (double)((i * 7919) % 5000);
	ev->exit_code = (i % 50 == 49) ? 1 : 0;
	ev->route = BENCH_ROUTE_EVENTS;
	ev->len = snprintf(ev->json, sizeof ev->json,
	    "{\"source\":\"generic\",\"name\":\"bench\",\"client_id\":\"%s\","
	    "\"command\":\"%s\",\"duration_ms\":%.0f,\"exit_code\":%d,"
	    "\"version\":\"1.2.3\",\"os\":\"linux\",\"arch\":\"amd64\","
	    "\"ts\":%lld,\"seq\":%lu}",
	    ev->client_id, ev->command, ev->duration_ms, ev->exit_code,
	    ev->ts_us / 1000, i);
}

/*
 * A DevPod legacy cmdfinished (formats.md §4.2): sent when the command
 * failed (with "errors") or took 10 s or more; times in µs.
 */
static void
bench_event_devpod(struct bench_event *ev, uint64_t r, uint64_t client)
{
	char	 uid[16], errors[80];
	long	 took_us;
	int	 failed = r % 3 == 0;

	bench_hex(ev->execution_id, bench_hash(r ^ 1), 16);
	bench_hex(ev->execution_id + 16, bench_hash(r ^ 6), 2);
	bench_hex(uid, bench_hash(client + 0xdeb0d), 13);
	snprintf(ev->client_id, sizeof ev->client_id, "%s", uid);
	ev->source = "devpod";
	ev->kind = "devpod-legacy";
	ev->name = "cmdfinished";
	ev->command = bench_devpod_commands[(r >> 8) %
	    BENCH_NELEM(bench_devpod_commands)];
	ev->route = BENCH_ROUTE_DEVPOD;
	if (failed) {
		took_us = (long)(1000 + (r >> 16) % 200000);
		ev->exit_code = 1;
		ev->error = "provider 'docker' does not exist";
		snprintf(errors, sizeof errors, ",\"errors\":\"%s\"",
		    ev->error);
	} else {
		took_us = (long)(10000000 + (r >> 16) % 290000000);
		ev->exit_code = 0;
		snprintf(errors, sizeof errors, ",\"success\":true");
	}
	ev->duration_ms = (double)took_us / 1000;
	ev->len = snprintf(ev->json, sizeof ev->json,
	    "{\"type\":\"cmdfinished\",\"event\":{\"timestamp\":%lld,"
	    "\"executionID\":\"%s\",\"command\":\"%s\",\"provider\":\"docker\","
	    "\"processingTime\":%ld%s},\"instanceProperties\":{\"uid\":\"%s\","
	    "\"arch\":\"amd64\",\"os\":\"linux\",\"version\":{\"major\":\"0\","
	    "\"minor\":\"1\",\"patch\":\"0\"},\"flags\":{\"setFlags\":"
	    "[\"debug\"]},\"ui\":false},\"token\":\"eyJhbGcoNz8087e0a700\"}",
	    ev->ts_us, ev->execution_id, ev->command, took_us, errors, uid);
}

/* A Devtron posthog-go capture with 22 properties, $geoip_* and $ip. */
static void
bench_event_devtron(struct bench_event *ev, uint64_t r, uint64_t client)
{
	char		 ucid[24], hex[33], uuid[40], stamp[32];
	const char	*event;
	time_t		 t;
	struct tm	 tm;
	long		 ms;

	snprintf(ucid, sizeof ucid, "ucid");
	bench_hex(ucid + 4, bench_hash(client + 0xde7), 12);
	snprintf(ev->client_id, sizeof ev->client_id, "%s", ucid);
	/* 8-4-4-4-12, version 4, variant 10 */
	bench_hex(hex, bench_hash(r ^ 2), 16);
	bench_hex(hex + 16, bench_hash(r ^ 3), 16);
	snprintf(uuid, sizeof uuid, "%.8s-%.4s-4%.3s-a%.3s-%.12s", hex,
	    hex + 8, hex + 12, hex + 15, hex + 18);
	event = bench_devtron_events[(r >> 8) %
	    BENCH_NELEM(bench_devtron_events)];

	t = (time_t)(ev->ts_us / 1000000);
	ms = (long)(ev->ts_us / 1000 % 1000);
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);

	ev->execution_id[0] = '\0';
	ev->source = "devtron";
	ev->kind = "posthog";
	ev->name = event;
	ev->command = NULL;
	ev->duration_ms = (double)(100 + (r >> 16) % 9000);
	ev->exit_code = -1;
	ev->error = NULL;
	ev->route = BENCH_ROUTE_POSTHOG;
	ev->len = snprintf(ev->json, sizeof ev->json,
	    "{\"api_key\":\"" BENCH_POSTHOG_KEY "\","
	    "\"event\":\"%s\",\"distinct_id\":\"%s\",\"timestamp\":"
	    "\"%s.%03ldZ\",\"uuid\":\"%s\",\"properties\":{"
	    "\"$geoip_city_name\":\"Frankfurt am Main\","
	    "\"$geoip_country_name\":\"Germany\",\"$geoip_country_code\":\"DE\","
	    "\"$geoip_continent_name\":\"Europe\","
	    "\"$geoip_continent_code\":\"EU\",\"$geoip_postal_code\":\"60313\","
	    "\"$geoip_latitude\":50.1188,\"$geoip_longitude\":8.6843,"
	    "\"$geoip_time_zone\":\"Europe/Berlin\","
	    "\"$geoip_subdivision_1_code\":\"HE\","
	    "\"$geoip_subdivision_1_name\":\"Hesse\","
	    "\"$ip\":\"203.0.113.%u\",\"$lib\":\"posthog-go\","
	    "\"$lib_version\":\"1.2.18\",\"devtronVersion\":\"v0.6.19\","
	    "\"serverVersion\":\"v1.25.2\",\"eventType\":\"%s\","
	    "\"ucid\":\"%s\",\"durationMs\":%.0f,\"instanceCount\":%u,"
	    "\"$set\":{\"clusterCount\":%u}}}",
	    event, ucid, stamp, ms, uuid, (unsigned)(client % 250) + 1, event,
	    ucid, ev->duration_ms, (unsigned)(r >> 40) % 5 + 1,
	    (unsigned)(r >> 48) % 4 + 1);
}

/*
 * Fill ev with event i of kind; seed varies the ids between runs (so that
 * runs appended to one database do not repeat them), block is explained at
 * the top of this file.
 */
static void
bench_event_make(struct bench_event *ev, enum bench_kind kind,
    uint64_t seed, unsigned long i, unsigned block)
{
	uint64_t	r, client;

	memset(ev, 0, offsetof(struct bench_event, json));
	ev->duration_ms = -1;
	ev->exit_code = -1;
	if (kind == BENCH_KIND_BENCH) {
		bench_event_generic(ev, i);
		return;
	}
	r = bench_hash(seed ^ bench_hash(i));
	client = r % BENCH_CLIENTS;
	/* µs, a little jitter around the 50 ms step */
	ev->ts_us = (BENCH_TS_BASE_S * 1000 + (long long)i *
	    BENCH_TS_STEP_MS) * 1000 + (long long)((r >> 32) % 40000);
	if ((i / (block != 0 ? block : 1)) % 2 == 0)
		bench_event_devpod(ev, r, client);
	else
		bench_event_devtron(ev, r, client);
}

/* "bench" or "mix" -> kind: 0, or -1 if it is neither. */
static int
bench_kind_parse(const char *s, enum bench_kind *kind)
{
	if (strcmp(s, "bench") == 0)
		*kind = BENCH_KIND_BENCH;
	else if (strcmp(s, "mix") == 0)
		*kind = BENCH_KIND_MIX;
	else
		return -1;
	return 0;
}

#endif
