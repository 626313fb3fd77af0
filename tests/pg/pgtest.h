/*
 * What the PostgreSQL tests share: the throwaway cluster tests/pg/run.sh
 * names in TELTOP_TEST_PG, and SQL on a connection of the test's own.
 * Static: each test is one translation unit (after cmocka.h).
 */
#ifndef TT_PGTEST_H
#define TT_PGTEST_H

#include <libpq-fe.h>

#include "core/xmalloc.h"

#define T0	(INT64_C(1764720000) * 1000000)	/* 2025-12-03T00:00:00Z */

static const char *
url(void)
{
	const char	*u = getenv("TELTOP_TEST_PG");

	if (u == NULL || *u == '\0')
		fail_msg("TELTOP_TEST_PG is not set (run tests/pg/run.sh)");
	return u;
}

/* sql on a connection of the test's own; the first value, or NULL. */
static char *
sql1(const char *sql)
{
	PGconn		*c = PQconnectdb(url());
	PGresult	*r;
	char		*v = NULL;

	assert_int_equal(PQstatus(c), CONNECTION_OK);
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 &&
	    !PQgetisnull(r, 0, 0))
		v = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return v;
}

/* The rollups' tables (schema 6). */
#define PG_ROLLUP_TABLES \
	"rollup_cmd, rollup_hist, rollup_open, rollup_day, rollup_client, " \
	"rollup_summary, rollup_privacy, rollup_metric, rollup_meta"

/* A fresh schema: the next store or pg_open() migrates it again. */
static void
drop_schema(void)
{
	free(sql1("SET client_min_messages = warning; DROP TABLE IF EXISTS "
	    "events, payloads, optout, counters, collectors, fields, "
	    PG_ROLLUP_TABLES ", teltop_schema "
	    "CASCADE; DROP "
	    "SEQUENCE IF EXISTS events_id_seq, payloads_id_seq"));
}

#endif
