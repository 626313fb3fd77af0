/*
 * bench/rawinsert: the fixed reference of teltop's benchmark (issue 12).
 *
 *	rawinsert --kind bench|mix --events N [--db PATH [--append]]
 *	    [--seed S]
 *
 * How fast does plain SQLite store the events bench/load sends?  One row
 * an event: its JSON text plus its normalized fields (ts, received_at,
 * source, kind, name, command, client_id, execution_id, duration_ms,
 * exit_code, error), one prepared statement, transactions of 1000 rows,
 * WAL, synchronous=FULL (a COMMIT as durable as the collector's
 * "accepted"), and three secondary indexes: ts, command, source.
 *
 * This schema is its own and stays fixed on purpose: the reference must not
 * move when teltop's store changes.  It prints one line,
 *
 *	mode=raw kind=K events=N seconds=S rows_per_s=R rows=T bytes=B
 *	    bytes_per_row=P
 *
 * where the clock covers BEGIN … COMMIT only (making the events is left
 * out), T is the rows in the table at the end, and B the bytes of the
 * database and its WAL after the connection is closed.  A new --db must not
 * exist; --append adds to a database an earlier run made (the reference
 * for a store that already holds many rows).  Without --db it works in a
 * temporary directory and removes it.  Exit 1 on a failure, 2 on a usage
 * error.
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

#define RAW_TXN_ROWS	1000

static const char	schema[] =
    "CREATE TABLE raw_events(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL,"
    " received_at INTEGER NOT NULL, source TEXT NOT NULL,"
    " kind TEXT NOT NULL, name TEXT, command TEXT, client_id TEXT,"
    " execution_id TEXT, duration_ms REAL, exit_code INTEGER, error TEXT,"
    " json TEXT NOT NULL);\n"
    "CREATE INDEX raw_events_ts ON raw_events(ts);\n"
    "CREATE INDEX raw_events_command ON raw_events(command);\n"
    "CREATE INDEX raw_events_source ON raw_events(source);\n";

static const char	insert_sql[] =
    "INSERT INTO raw_events(ts, received_at, source, kind, name, command,"
    " client_id, execution_id, duration_ms, exit_code, error, json)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

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
	for (i = 0; i < BENCH_NELEM(suffix); i++) {
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
	fprintf(stderr, "usage: rawinsert --kind bench|mix --events N "
	    "[--db PATH [--append]] [--seed S]\n");
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

/* The rows in raw_events. */
static long long
count_rows(void)
{
	sqlite3_stmt	*st;
	long long	 n;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM raw_events", -1,
	    &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		fatal("count: %s", sqlite3_errmsg(db));
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Bind text, or NULL for a NULL or empty string. */
static void
bind_text(sqlite3_stmt *st, int col, const char *s, int len)
{
	if (s == NULL || *s == '\0')
		sqlite3_bind_null(st, col);
	else
		sqlite3_bind_text(st, col, s, len, SQLITE_STATIC);
}

/* Bind the fields of one event to the insert statement. */
static void
bind_event(sqlite3_stmt *st, const struct bench_event *ev)
{
	sqlite3_bind_int64(st, 1, ev->ts_us);
	sqlite3_bind_int64(st, 2, now_us());
	bind_text(st, 3, ev->source, -1);
	bind_text(st, 4, ev->kind, -1);
	bind_text(st, 5, ev->name, -1);
	bind_text(st, 6, ev->command, -1);
	bind_text(st, 7, ev->client_id, -1);
	bind_text(st, 8, ev->execution_id, -1);
	if (ev->duration_ms >= 0)
		sqlite3_bind_double(st, 9, ev->duration_ms);
	else
		sqlite3_bind_null(st, 9);
	if (ev->exit_code >= 0)
		sqlite3_bind_int(st, 10, ev->exit_code);
	else
		sqlite3_bind_null(st, 10);
	bind_text(st, 11, ev->error, -1);
	bind_text(st, 12, ev->json, ev->len);
}

/* Bytes of the file at path plus its -wal, after close. */
static long long
disk_bytes(const char *path)
{
	struct stat	 st;
	char		 wal[4200];
	long long	 n = 0;

	if (stat(path, &st) == 0)
		n += (long long)st.st_size;
	snprintf(wal, sizeof wal, "%s-wal", path);
	if (stat(wal, &st) == 0)
		n += (long long)st.st_size;
	return n;
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
	static struct bench_event ev[RAW_TXN_ROWS];
	struct stat		 st;
	sqlite3_stmt		*stmt;
	enum bench_kind		 kind = BENCH_KIND_BENCH;
	const char		*opt, *db_arg = NULL, *kind_arg = NULL;
	unsigned long		 events = 0, first = 0, i, n, k;
	uint64_t		 seed = 1;
	double			 t0, seconds = 0;
	long long		 rows, bytes;
	int			 a, rc, append = 0;

	for (a = 1; a < argc; a++) {
		opt = argv[a];
		if (strcmp(opt, "--append") == 0) {
			append = 1;
			continue;
		}
		if (a + 1 >= argc)
			usage();
		if (strcmp(opt, "--events") == 0)
			events = parse_count(opt, argv[++a]);
		else if (strcmp(opt, "--kind") == 0)
			kind_arg = argv[++a];
		else if (strcmp(opt, "--seed") == 0)
			seed = parse_count(opt, argv[++a]);
		else if (strcmp(opt, "--db") == 0)
			db_arg = argv[++a];
		else
			usage();
	}
	if (events == 0 || kind_arg == NULL || (append && db_arg == NULL))
		usage();
	if (bench_kind_parse(kind_arg, &kind) != 0) {
		fprintf(stderr, "rawinsert: --kind %s: expected bench or "
		    "mix\n", kind_arg);
		usage();
	}

	if (db_arg != NULL) {
		if (!append && stat(db_arg, &st) == 0)
			fatal("%s exists; give a path to a new file", db_arg);
		if (append && stat(db_arg, &st) != 0)
			fatal("%s: %s", db_arg, strerror(errno));
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
	    (append ? 0 : SQLITE_OPEN_CREATE), NULL) != SQLITE_OK)
		fatal("%s: %s", dbpath, db != NULL ? sqlite3_errmsg(db) :
		    "out of memory");
	exec("PRAGMA journal_mode=WAL");
	exec("PRAGMA synchronous=FULL");
	if (!append)
		exec(schema);
	else
		first = (unsigned long)count_rows();
	if (sqlite3_prepare_v2(db, insert_sql, -1, &stmt, NULL) != SQLITE_OK)
		fatal("prepare: %s", sqlite3_errmsg(db));

	for (i = 0; i < events; i += n) {
		n = events - i < RAW_TXN_ROWS ? events - i : RAW_TXN_ROWS;
		for (k = 0; k < n; k++)
			bench_event_make(&ev[k], kind, seed, first + i + k, 1);
		t0 = now();
		exec("BEGIN");
		for (k = 0; k < n; k++) {
			bind_event(stmt, &ev[k]);
			if ((rc = sqlite3_step(stmt)) != SQLITE_DONE)
				fatal("insert row %lu: %s (%d)", i + k,
				    sqlite3_errmsg(db), rc);
			sqlite3_reset(stmt);
		}
		exec("COMMIT");
		seconds += now() - t0;
	}
	sqlite3_finalize(stmt);
	rows = count_rows();
	if (sqlite3_close(db) != SQLITE_OK)
		fatal("close: %s", sqlite3_errmsg(db));
	db = NULL;
	bytes = disk_bytes(dbpath);
	cleanup();

	printf("mode=raw kind=%s events=%lu seconds=%.3f rows_per_s=%.0f "
	    "rows=%lld bytes=%lld bytes_per_row=%.0f\n", kind_arg, events,
	    seconds, seconds > 0 ? (double)events / seconds : 0.0, rows,
	    bytes, rows > 0 ? (double)bytes / (double)rows : 0.0);
	return 0;
}
