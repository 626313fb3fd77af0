/*
 * bench/rawinsert: the reference point of teltop's ingest benchmark.
 *
 *	rawinsert --events N [--db PATH] [--batch B]
 *
 * How fast can SQLite alone store what the collector stores?  It creates a
 * fresh database (WAL, synchronous=FULL, so a COMMIT is as durable as the
 * collector's "accepted"), the events table and indexes of teltop's store,
 * and inserts the N generic events bench/load sends in ws100 mode: the same
 * fields, data = the event's JSON text, one prepared statement, one
 * transaction per B rows (default 100, one ws100 message).  It prints
 *
 *	mode=raw events=N seconds=S rows_per_s=R
 *
 * The clock covers the inserts and commits only, not the schema.  Without
 * --db it works in a temporary directory and removes it; a --db that exists
 * is refused, so that the figure is always for a fresh file.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench_event.h"

static const char	schema[] =
    "CREATE TABLE events(id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL,"
    " ts INTEGER NOT NULL,\n"
    "  source TEXT NOT NULL, format TEXT NOT NULL, name TEXT,"
    " phase TEXT NOT NULL, client_id TEXT,\n"
    "  execution_id TEXT, command TEXT, duration_ms INTEGER,"
    " exit_code INTEGER, error TEXT,\n"
    "  version TEXT, os TEXT, arch TEXT, pii TEXT, payload_id INTEGER,"
    " data TEXT);\n"
    "CREATE INDEX events_ts ON events(ts);\n"
    "CREATE INDEX events_source_command ON events(source, command);\n"
    "CREATE INDEX events_execution ON events(execution_id)"
    " WHERE execution_id IS NOT NULL;\n"
    "CREATE INDEX events_client ON events(client_id);\n";

static const char	insert_sql[] =
    "INSERT INTO events(received_at, ts, source, format, name, phase,"
    " client_id, execution_id, command, duration_ms, exit_code, error,"
    " version, os, arch, pii, payload_id, data)"
    " VALUES(?1, ?2, 'generic', 'generic', 'bench', 'point', ?3, NULL, ?4,"
    " ?5, ?6, NULL, '1.2.3', 'linux', 'amd64', NULL, NULL, ?7)";

static sqlite3	*db;
static char	 tmpdir[64];
static char	 dbpath[4096];

static void	 fatal(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));
static void	 usage(void) __attribute__((noreturn));

/* Remove the temporary directory, if this run made one. */
static void
cleanup(void)
{
	static const char *const	suffix[] = { "", "-wal", "-shm",
					    "-journal" };
	char				path[4200];
	size_t				i;

	if (tmpdir[0] == '\0')
		return;
	for (i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(path, sizeof path, "%s%s", dbpath, suffix[i]);
		unlink(path);
	}
	rmdir(tmpdir);
	tmpdir[0] = '\0';
}

/* Print why the run failed and exit 1. */
static void
fatal(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "rawinsert: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (db != NULL)
		sqlite3_close(db);
	cleanup();
	exit(1);
}

/* Explain the command line and exit 2. */
static void
usage(void)
{
	fprintf(stderr, "usage: rawinsert --events N [--db PATH] "
	    "[--batch B]\n");
	exit(2);
}

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Microseconds since the epoch, as received_at is stored. */
static sqlite3_int64
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (sqlite3_int64)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Run SQL that returns no rows we need. */
static void
exec(const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fatal("%s: %s", sql, err != NULL ? err : sqlite3_errmsg(db));
}

/* Parse a positive integer option value. */
static unsigned long
parse_count(const char *opt, const char *s)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v == 0 ||
	    v > 1000000000UL || *s == '-') {
		fprintf(stderr, "rawinsert: %s %s: expected a positive "
		    "number\n", opt, s);
		usage();
	}
	return v;
}

int
main(int argc, char **argv)
{
	struct bench_event	 ev;
	struct stat		 st;
	sqlite3_stmt		*stmt;
	const char		*opt, *val, *db_arg = NULL;
	char			 json[BENCH_EVENT_MAX];
	unsigned long		 events = 0, batch = 100, i;
	double			 start, seconds;
	int			 a, len, rc;

	for (a = 1; a + 1 < argc; a += 2) {
		opt = argv[a];
		val = argv[a + 1];
		if (strcmp(opt, "--events") == 0)
			events = parse_count(opt, val);
		else if (strcmp(opt, "--batch") == 0)
			batch = parse_count(opt, val);
		else if (strcmp(opt, "--db") == 0)
			db_arg = val;
		else
			usage();
	}
	if (a != argc || events == 0)
		usage();

	if (db_arg != NULL) {
		if (stat(db_arg, &st) == 0)
			fatal("%s exists; give a path to a new file",
			    db_arg);
		snprintf(dbpath, sizeof dbpath, "%s", db_arg);
	} else {
		snprintf(tmpdir, sizeof tmpdir, "/tmp/rawinsert.XXXXXX");
		if (mkdtemp(tmpdir) == NULL) {
			tmpdir[0] = '\0';
			fatal("mkdtemp: %s", strerror(errno));
		}
		snprintf(dbpath, sizeof dbpath, "%s/raw.db", tmpdir);
	}

	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		fatal("%s: %s", dbpath, db != NULL ? sqlite3_errmsg(db) :
		    "out of memory");
	exec("PRAGMA journal_mode=WAL");
	exec("PRAGMA synchronous=FULL");
	exec(schema);
	if (sqlite3_prepare_v2(db, insert_sql, -1, &stmt, NULL) != SQLITE_OK)
		fatal("prepare: %s", sqlite3_errmsg(db));

	start = now();
	for (i = 0; i < events; i++) {
		if (i % batch == 0)
			exec("BEGIN");
		bench_event_make(&ev, i);
		len = bench_event_json(json, sizeof json, &ev);
		if (len < 0 || (size_t)len >= sizeof json)
			fatal("event %lu does not fit %d bytes", i,
			    BENCH_EVENT_MAX);
		sqlite3_bind_int64(stmt, 1, now_us());
		sqlite3_bind_int64(stmt, 2, (sqlite3_int64)ev.ts_ms * 1000);
		sqlite3_bind_text(stmt, 3, ev.client_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 4, ev.command, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 5, ev.duration_ms);
		sqlite3_bind_int(stmt, 6, ev.exit_code);
		sqlite3_bind_text(stmt, 7, json, len, SQLITE_STATIC);
		if ((rc = sqlite3_step(stmt)) != SQLITE_DONE)
			fatal("insert row %lu: %s (%d)", i,
			    sqlite3_errmsg(db), rc);
		sqlite3_reset(stmt);
		if (i % batch == batch - 1 || i == events - 1)
			exec("COMMIT");
	}
	seconds = now() - start;

	sqlite3_finalize(stmt);
	if (sqlite3_close(db) != SQLITE_OK)
		fatal("close: %s", sqlite3_errmsg(db));
	db = NULL;
	cleanup();

	printf("mode=raw events=%lu seconds=%.3f rows_per_s=%.0f batch=%lu\n",
	    events, seconds, seconds > 0 ? (double)events / seconds : 0.0,
	    batch);
	return 0;
}
