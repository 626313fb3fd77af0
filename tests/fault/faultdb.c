/*
 * tests/fault/faultdb: the fault tests' own view of a teltop database,
 * through SQLite alone (not through teltop).
 *
 *	faultdb check DB	PRAGMA integrity_check; prints its rows,
 *				exit 0 when it says "ok", 1 otherwise
 *	faultdb lock DB		BEGIN IMMEDIATE (waiting up to 10 s for a
 *				writer to finish), prints "locked", holds the
 *				write lock until a line or EOF on stdin, then
 *				rolls back and prints "released"
 *	faultdb exec DB SQL	runs SQL (a trigger that makes a running
 *				collector's commits fail, and its removal)
 *
 * Neither creates the database: it must exist.  Exit 1 on any SQLite error,
 * 2 on a usage error.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

static sqlite3	*db;

static int
die(const char *what)
{
	fprintf(stderr, "faultdb: %s: %s\n", what, sqlite3_errmsg(db));
	return 1;
}

static int
check(void)
{
	sqlite3_stmt	*st;
	const char	*row;
	int		 rc, ok = 0, rows = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st,
	    NULL) != SQLITE_OK)
		return die("PRAGMA integrity_check");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row = (const char *)sqlite3_column_text(st, 0);
		printf("%s\n", row != NULL ? row : "(null)");
		if (rows++ == 0 && row != NULL && strcmp(row, "ok") == 0)
			ok = 1;
	}
	if (rc != SQLITE_DONE)
		return die("PRAGMA integrity_check");
	sqlite3_finalize(st);
	return ok && rows == 1 ? 0 : 1;
}

static int
lock(void)
{
	char	line[64];

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return die("BEGIN IMMEDIATE");
	printf("locked\n");
	fflush(stdout);
	(void)fgets(line, sizeof line, stdin);
	if (sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
		return die("ROLLBACK");
	printf("released\n");
	fflush(stdout);
	return 0;
}

int
main(int argc, char **argv)
{
	int	rc;

	if (!(argc == 3 && (strcmp(argv[1], "check") == 0 ||
	    strcmp(argv[1], "lock") == 0)) &&
	    !(argc == 4 && strcmp(argv[1], "exec") == 0)) {
		fprintf(stderr, "usage: faultdb check|lock DB, "
		    "faultdb exec DB SQL\n");
		return 2;
	}
	if (sqlite3_open_v2(argv[2], &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		return die(argv[2]);
	sqlite3_busy_timeout(db, 10000);
	if (argc == 4)
		rc = sqlite3_exec(db, argv[3], NULL, NULL, NULL) == SQLITE_OK ?
		    0 : die(argv[3]);
	else
		rc = strcmp(argv[1], "check") == 0 ? check() : lock();
	sqlite3_close(db);
	return rc;
}
