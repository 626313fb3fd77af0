/*
 * pgbench: what store/pg.c's batch commit costs against the plainest
 * durable write of the same rows into the same PostgreSQL (issue 18's
 * bench row).  Both send the same COPY text (pg_copy_text()) of the
 * benchmark's events (bench/bench_event.h) in transactions of --batch:
 *
 *	raw	COPY into a plain table with no index, COMMIT
 *	teltop	pg_commit(): COPY into the stage, INSERT ... ON CONFLICT into
 *		the day-partitioned events with their unique key, COMMIT
 *
 *   pgbench --url URL [--events N] [--batch N] [--kind bench|mix]
 *	     [--rounds N]
 *
 * Each round runs both on fresh tables; prints a line per round and the
 * medians: raw_ev_per_s, teltop_ev_per_s and their ratio.  Synchronous
 * commit is on (the server's default): each COMMIT waits for its flush.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "core/event.h"
#include "core/xmalloc.h"
#include "store/pg.h"
#include "bench/bench_event.h"

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
must(PGconn *c, const char *sql)
{
	PGresult	*r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "pgbench: %s: %s", sql, PQerrorMessage(c));
		exit(1);
	}
	PQclear(r);
}

/* Batch k of the run: events k*batch.. of kind, as the decoders would
 * leave them. */
static void
make_batch(struct tt_batch *b, enum bench_kind kind, unsigned long first,
    size_t n)
{
	struct bench_event	 be;
	struct tt_event		*ev;
	size_t			 i;

	for (i = 0; i < n; i++) {
		bench_event_make(&be, kind, 1, first + i, 1);
		ev = tt_batch_add(b);
		if (tt_source_parse(be.source, &ev->source) != 0)
			ev->source = TT_SRC_GENERIC;
		ev->format = "generic";
		ev->ts = be.ts_us;
		ev->received_at = be.ts_us + 1000;
		ev->name = xstrdup(be.name);
		ev->command = be.command != NULL ? xstrdup(be.command) : NULL;
		ev->client_id = xstrdup(be.client_id);
		ev->execution_id = be.execution_id[0] != '\0' ?
		    xstrdup(be.execution_id) : NULL;
		ev->duration_ms = be.duration_ms >= 0 ? be.duration_ms :
		    (double)TT_NONE;
		ev->exit_code = be.exit_code >= 0 ? be.exit_code : TT_NONE;
		ev->error = be.error != NULL ? xstrdup(be.error) : NULL;
		ev->data = xstrndup(be.json, (size_t)be.len);
		ev->data_len = (size_t)be.len;
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	const char	*url = NULL;
	enum bench_kind	 kind = BENCH_KIND_MIX;
	unsigned long	 events = 100000, batch = 100, k;
	int		 rounds = 3, r, i;
	double		 raw[16], tel[16], ratio[16], t0;
	struct tt_batch	 b;
	struct pg	*pg;
	PGconn		*c;
	PGresult	*res;
	char		*text, *cause = NULL;
	size_t		 len, stored;

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--url") == 0)
			url = argv[i + 1];
		else if (strcmp(argv[i], "--events") == 0)
			events = strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--batch") == 0)
			batch = strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--rounds") == 0)
			rounds = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--kind") == 0 &&
		    bench_kind_parse(argv[i + 1], &kind) == 0)
			;
		else
			break;
	}
	if (url == NULL || i < argc || batch == 0 || events < batch ||
	    rounds < 1 || rounds > 16) {
		fprintf(stderr, "usage: pgbench --url URL [--events N] "
		    "[--batch N] [--kind bench|mix] [--rounds 1-16]\n");
		return 2;
	}
	if ((c = PQconnectdb(url)) == NULL || PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "pgbench: %s", PQerrorMessage(c));
		return 1;
	}
	must(c, "SET client_min_messages = warning");
	for (r = 0; r < rounds; r++) {
		must(c, "DROP TABLE IF EXISTS events, payloads, optout, "
		    "fields, counters, collectors, teltop_schema, bench_raw, "
		    "rollup_cmd, rollup_hist, rollup_open, rollup_day, "
		    "rollup_client, rollup_summary, rollup_privacy, "
		    "rollup_metric, rollup_meta "
		    "CASCADE; DROP SEQUENCE IF EXISTS events_id_seq, "
		    "payloads_id_seq");
		if ((pg = pg_open(url, "bench", &cause)) == NULL) {
			fprintf(stderr, "pgbench: %s\n", cause);
			return 1;
		}
		must(c, "CREATE TABLE bench_raw AS SELECT 0::bigint AS n, "
		    PG_COLUMNS " FROM events WITH NO DATA");
		/* raw: the same COPY text, plain table, commit per batch */
		t0 = now();
		for (k = 0; k + batch <= events; k += batch) {
			tt_batch_init(&b);
			make_batch(&b, kind, k, batch);
			if ((text = pg_copy_text(pg, &b, &len, &cause)) == NULL) {
				fprintf(stderr, "pgbench: %s\n", cause);
				return 1;
			}
			must(c, "BEGIN");
			res = PQexec(c, "COPY bench_raw FROM STDIN");
			PQclear(res);
			if (PQputCopyData(c, text, (int)len) != 1 ||
			    PQputCopyEnd(c, NULL) != 1) {
				fprintf(stderr, "pgbench: copy: %s",
				    PQerrorMessage(c));
				return 1;
			}
			while ((res = PQgetResult(c)) != NULL)
				PQclear(res);
			must(c, "COMMIT");
			free(text);
			tt_batch_clear(&b);
		}
		raw[r] = (double)k / (now() - t0);
		/* teltop: pg_commit() of the same batches */
		t0 = now();
		for (k = 0; k + batch <= events; k += batch) {
			tt_batch_init(&b);
			make_batch(&b, kind, k, batch);
			if (pg_commit(pg, &b, &stored, &cause) != 0 ||
			    stored != batch) {
				fprintf(stderr, "pgbench: commit: %s\n",
				    cause != NULL ? cause : "rows missing");
				return 1;
			}
			tt_batch_clear(&b);
		}
		tel[r] = (double)k / (now() - t0);
		ratio[r] = tel[r] / raw[r];
		printf("round %d: raw_ev_per_s=%.0f teltop_ev_per_s=%.0f "
		    "ratio=%.2f\n", r + 1, raw[r], tel[r], ratio[r]);
		fflush(stdout);
		pg_close(pg);
	}
	qsort(raw, (size_t)rounds, sizeof raw[0], cmp_double);
	qsort(tel, (size_t)rounds, sizeof tel[0], cmp_double);
	qsort(ratio, (size_t)rounds, sizeof ratio[0], cmp_double);
	printf("median: raw_ev_per_s=%.0f teltop_ev_per_s=%.0f ratio=%.2f "
	    "(events=%lu batch=%lu kind=%s)\n", raw[rounds / 2],
	    tel[rounds / 2], ratio[rounds / 2], events, batch,
	    kind == BENCH_KIND_MIX ? "mix" : "bench");
	PQfinish(c);
	return 0;
}
