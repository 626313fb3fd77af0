/*
 * The synthetic events of the ingest benchmark, shared by bench/load.c (which
 * sends them) and bench/rawinsert.c (which stores the same rows straight into
 * SQLite).  Event i is a pure function of i, so both programs produce the
 * same content: a generic teltop event of about 200 bytes of JSON.
 *
 * Everything here is static: each benchmark program is one translation unit.
 */
#ifndef BENCH_EVENT_H
#define BENCH_EVENT_H

#include <stdio.h>

#define BENCH_TS_BASE_S		1767614400LL	/* 2026-01-05T12:00:00Z */
#define BENCH_EVENT_MAX		1024		/* one event as JSON, bytes */

/* The fields of one generic event, as the server should normalize them. */
struct bench_event {
	char		 client_id[16];
	const char	*command;
	long		 duration_ms;
	int		 exit_code;
	long long	 ts_ms;
	unsigned long	 seq;
};

static const char *const bench_commands[] = {
	"bench run", "bench build", "bench test", "bench deploy"
};

/* Fill ev with event number i. */
static void
bench_event_make(struct bench_event *ev, unsigned long i)
{
	snprintf(ev->client_id, sizeof ev->client_id, "c%07lu", i % 1000);
	ev->command = bench_commands[i % 4];
	ev->duration_ms = (long)((i * 7919) % 5000);
	ev->exit_code = (i % 50 == 49) ? 1 : 0;
	ev->ts_ms = BENCH_TS_BASE_S * 1000 + (long long)i;
	ev->seq = i;
}

/*
 * Write event ev as generic teltop JSON into buf; returns its length, as
 * snprintf does (buf must hold BENCH_EVENT_MAX bytes).
 */
static int
bench_event_json(char *buf, size_t size, const struct bench_event *ev)
{
	return snprintf(buf, size,
	    "{\"source\":\"generic\",\"name\":\"bench\",\"client_id\":\"%s\","
	    "\"command\":\"%s\",\"duration_ms\":%ld,\"exit_code\":%d,"
	    "\"version\":\"1.2.3\",\"os\":\"linux\",\"arch\":\"amd64\","
	    "\"ts\":%lld,\"seq\":%lu}",
	    ev->client_id, ev->command, ev->duration_ms, ev->exit_code,
	    ev->ts_ms, ev->seq);
}

#endif
