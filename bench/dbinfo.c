/*
 * bench/dbinfo: what bench/run.sh needs to know of a teltop database.
 *
 *	dbinfo DB
 *
 * prints "rows=N schema=H": N the rows of its events table (what the
 * collector promised to keep when it acked them), H a 64-bit FNV-1a hash
 * of its schema (sqlite_master, in name order, and user_version), which
 * names the schema the big cached database was built with.  Run it only
 * while no server has the database open.  Exit 1 when the database cannot
 * be read, 2 on a usage error.
 *
 * A C tool rather than the sqlite3 shell, which the build does not install.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#define FNV_OFFSET	14695981039346656037ULL
#define FNV_PRIME	1099511628211ULL

/* Fold n bytes of p into the FNV-1a hash h. */
static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char	*s = p;

	while (n-- > 0)
		h = (h ^ *s++) * FNV_PRIME;
	return h;
}

/* Run a one-column query; hash every value into *h, or keep the last
 * integer in *v.  Returns 0, or -1 with the error printed. */
static int
query(sqlite3 *db, const char *sql, uint64_t *h, long long *v)
{
	sqlite3_stmt	*st;
	const void	*text;
	int		 rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "dbinfo: %s: %s\n", sql, sqlite3_errmsg(db));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (v != NULL)
			*v = sqlite3_column_int64(st, 0);
		if (h != NULL && (text = sqlite3_column_text(st, 0)) != NULL)
			*h = fnv(*h, text, (size_t)sqlite3_column_bytes(st,
			    0) + 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "dbinfo: %s: %s\n", sql, sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	sqlite3		*db;
	uint64_t	 h = FNV_OFFSET;
	long long	 rows = -1;
	int		 rc = 0;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: dbinfo DB\n");
		return 2;
	}
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "dbinfo: %s: %s\n", argv[1],
		    db != NULL ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return 1;
	}
	sqlite3_busy_timeout(db, 10000);
	if (query(db, "SELECT type || ' ' || name || ' ' || "
	    "coalesce(sql, '') FROM sqlite_master ORDER BY name", &h,
	    NULL) != 0 || query(db, "PRAGMA user_version", &h, NULL) != 0 ||
	    query(db, "SELECT count(*) FROM events", NULL, &rows) != 0)
		rc = 1;
	sqlite3_close(db);
	if (rc == 0)
		printf("rows=%lld schema=%016" PRIx64 "\n", rows, h);
	return rc;
}
