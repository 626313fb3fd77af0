/*
 * Reading the store: event history through the filter language, counters,
 * payloads.  Filter terms become SQL with bound values, never spliced text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/decode.h"
#include "core/hmap.h"
#include "core/utf8.h"
#include "core/xmalloc.h"
#include "pack.h"
#include "pg.h"
#include "store.h"
#include "store_int.h"

#define EVENT_COLS "id, received_at, ts, source, format, name, phase, " \
	"client_id, execution_id, command, duration_ms, exit_code, error, " \
	"version, os, arch, pii, capture, data, payload_id, data_at, data_len, " \
	"severity"

/* Append to a growing SQL string. */
static void
sql_add(char **sql, const char *s)
{
	char	*n;

	n = xasprintf("%s%s", *sql, s);
	free(*sql);
	*sql = n;
}

/*
 * The SQL of a filter field: its column, or for the fields read from the
 * capture an expression giving what core/filter.c matches in memory: via
 * is 'capture' or 'direct'; host is $.host of valid capture JSON when it
 * is a string, else NULL (json_extract() alone fails a whole query on bad
 * JSON, and gives numbers and objects too).
 */
static const char *
field_sql(enum tt_field f)
{
	switch (f) {
	case TT_FIELD_VIA:
		return "(CASE WHEN capture IS NULL THEN 'direct' "
		    "ELSE 'capture' END)";
	case TT_FIELD_HOST:
		return "(CASE WHEN json_valid(capture) AND "
		    "json_type(capture, '$.host') = 'text' THEN "
		    "json_extract(capture, '$.host') END)";
	case TT_FIELD_TS:
		/* the TT_NONE an older teltop stored is no time */
		return "(CASE WHEN ts = -9223372036854775807 - 1 THEN NULL "
		    "ELSE ts END)";
	case TT_FIELD_SIGNAL:
		/* tt_signal_of() */
		return "(CASE WHEN substr(format, 1, 10) = 'otlp-logs-' THEN "
		    "'log' WHEN substr(format, 1, 13) = 'otlp-metrics-' THEN "
		    "'metric' WHEN substr(format, 1, 5) = 'otlp-' THEN 'trace' "
		    "ELSE 'event' END)";
	default:
		return tt_field_name(f);
	}
}

static struct rowread	*loop_reader(struct store *);

/* The four columns an event's JSON is read from, from a row or from the
 * arguments of an SQL function. */
struct datacols {
	int		 ranged;	/* data_at is not NULL */
	int64_t		 payload_id, at, n;
	int		 type;		/* of data */
	const void	*blob;
	int		 bytes;
	const unsigned char *text;
};

static char	*data_of(struct rowread *, const struct datacols *);

/* The SQL condition of one value of a term; bound in order (bind_terms). */
static void
value_sql(char **sql, const struct tt_filter_term *t,
    const struct tt_filter_value *v)
{
	const char	*col = field_sql(t->field);
	char		*buf = NULL;
	int		 empty = v->text[0] == '\0';

	switch (t->op) {
	case TT_F_EQ:
		if (empty)
			buf = xasprintf("(%s IS NULL OR %s = '')", col, col);
		else
			buf = xasprintf("%s = ?", col);
		break;
	case TT_F_NE:
		if (empty)
			buf = xasprintf("(%s IS NOT NULL AND %s != '')", col,
			    col);
		else
			buf = xasprintf("(%s IS NULL OR %s != ?)", col, col);
		break;
	case TT_F_HAS:
		buf = xasprintf("(%s != '' AND instr(lower(%s), lower(?)) > 0)",
		    col, col);
		break;
	case TT_F_NHAS:
		buf = xasprintf("(%s IS NULL OR %s = '' OR "
		    "instr(lower(%s), lower(?)) = 0)", col, col, col);
		break;
	case TT_F_GT:
		buf = xasprintf("%s > ?", col);
		break;
	case TT_F_LT:
		buf = xasprintf("%s < ?", col);
		break;
	case TT_F_GE:
		buf = xasprintf("%s >= ?", col);
		break;
	case TT_F_LE:
		buf = xasprintf("%s <= ?", col);
		break;
	}
	if (buf != NULL) {
		sql_add(sql, buf);
		free(buf);
	}
}

/*
 * The SQL condition of one term: its values joined by OR (AND for != and
 * !~, "none of them"); !term is NOT of it, where an unknown (NULL) is
 * false first, as in memory.  The privacy findings are packed ids: a
 * term on them is matched by core/filter.c itself (teltop_match()).
 */
static void
term_sql(char **sql, const struct tt_filter_term *t)
{
	int	all = t->op == TT_F_NE || t->op == TT_F_NHAS;
	size_t	i;

	if (tt_field_pii(t->field)) {
		sql_add(sql, "teltop_match(?, pii)");
		return;
	}
	if (t->field == TT_FIELD_PATH) {
		sql_add(sql, "teltop_match_data(?, data, payload_id, data_at, "
		    "data_len)");
		return;
	}
	sql_add(sql, t->negate ? "NOT coalesce((" : "(");
	for (i = 0; i < t->nv; i++) {
		if (i > 0)
			sql_add(sql, all ? " AND " : " OR ");
		value_sql(sql, t, &t->v[i]);
	}
	sql_add(sql, t->negate ? "), 0)" : ")");
}

static void
bind_terms(sqlite3_stmt *s, const struct tt_filter *f)
{
	const struct tt_filter_term	*t;
	const struct tt_filter_value	*v;
	size_t				 i, k;
	int				 n = 1;

	for (i = 0; f != NULL && i < f->n; i++) {
		t = &f->terms[i];
		if (tt_field_pii(t->field) || t->field == TT_FIELD_PATH) {
			sqlite3_bind_text(s, n++, t->text, -1, SQLITE_STATIC);
			continue;
		}
		for (k = 0; k < t->nv; k++) {
			v = &t->v[k];
			if ((t->op == TT_F_EQ || t->op == TT_F_NE) &&
			    v->text[0] == '\0')
				continue;
			if (tt_field_numeric(t->field) || t->op == TT_F_GT ||
			    t->op == TT_F_LT || t->op == TT_F_GE ||
			    t->op == TT_F_LE)
				sqlite3_bind_int64(s, n++, v->num);
			else
				sqlite3_bind_text(s, n++, v->text, -1,
				    SQLITE_STATIC);
		}
	}
}

static void
filter_destroy(void *p)
{
	tt_filter_free(p);
	free(p);
}

/*
 * SQL teltop_match(TERM, pii): does the filter term (its text, one term)
 * hold for an event with these findings (packed ids, or JSON text)?  The
 * parsed term is kept with the statement while SQLite keeps it.
 */
static void
sql_match(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct store	*st = sqlite3_user_data(ctx);
	struct tt_filter *f = sqlite3_get_auxdata(ctx, 0), *mine = NULL;
	struct tt_event	 ev;
	const char	*text;
	char		*cause = NULL;

	(void)argc;
	if (f == NULL) {
		mine = f = xcalloc(1, sizeof *f);
		text = (const char *)sqlite3_value_text(argv[0]);
		if (tt_filter_parse(text, f, &cause) != 0 || f->n != 1) {
			sqlite3_result_error(ctx, cause != NULL ? cause :
			    "teltop_match: one filter term", -1);
			free(cause);
			filter_destroy(f);
			return;
		}
	}
	tt_event_init(&ev);
	if (sqlite3_value_type(argv[1]) == SQLITE_BLOB)
		ev.pii = pack_pii_text(loop_reader(st)->pack,
		    sqlite3_value_blob(argv[1]),
		    (size_t)sqlite3_value_bytes(argv[1]));
	else if (sqlite3_value_type(argv[1]) == SQLITE_TEXT)
		ev.pii = xstrdup((const char *)sqlite3_value_text(argv[1]));
	sqlite3_result_int(ctx, tt_filter_term_match(&f->terms[0], &ev));
	free(ev.pii);
	if (mine != NULL)	/* after its last use: SQLite may free it now */
		sqlite3_set_auxdata(ctx, 0, mine, filter_destroy);
}

/*
 * SQL teltop_match_data(TERM, data, payload_id, data_at, data_len): does
 * the payload path term hold for the event whose JSON these columns give
 * (store_row_data)?  The parsed term is kept as teltop_match() keeps its.
 */
static void
sql_match_data(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct store	*st = sqlite3_user_data(ctx);
	struct tt_filter *f = sqlite3_get_auxdata(ctx, 0), *mine = NULL;
	struct tt_event	 ev;
	struct datacols	 c;
	char		*cause = NULL;

	(void)argc;
	if (f == NULL) {
		mine = f = xcalloc(1, sizeof *f);
		if (tt_filter_parse((const char *)sqlite3_value_text(argv[0]),
		    f, &cause) != 0 || f->n != 1) {
			sqlite3_result_error(ctx, cause != NULL ? cause :
			    "teltop_match_data: one filter term", -1);
			free(cause);
			filter_destroy(f);
			return;
		}
	}
	c.ranged = sqlite3_value_type(argv[3]) != SQLITE_NULL;
	c.payload_id = sqlite3_value_int64(argv[2]);
	c.at = sqlite3_value_int64(argv[3]);
	c.n = sqlite3_value_int64(argv[4]);
	c.type = sqlite3_value_type(argv[1]);
	c.blob = c.type == SQLITE_BLOB ? sqlite3_value_blob(argv[1]) : NULL;
	c.text = c.type == SQLITE_TEXT ? sqlite3_value_text(argv[1]) : NULL;
	c.bytes = sqlite3_value_bytes(argv[1]);	/* after the blob or text */
	tt_event_init(&ev);
	ev.data = data_of(loop_reader(st), &c);
	ev.data_len = ev.data != NULL ? strlen(ev.data) : 0;
	sqlite3_result_int(ctx, tt_filter_term_match(&f->terms[0], &ev));
	free(ev.data);
	if (mine != NULL)
		sqlite3_set_auxdata(ctx, 0, mine, filter_destroy);
}

int
store_query_functions(struct store *st, char **cause)
{
	if (sqlite3_create_function(st->db, "teltop_match_data", 5,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC, st, sql_match_data, NULL,
	    NULL) != SQLITE_OK) {
		*cause = xasprintf("teltop_match_data: %s",
		    sqlite3_errmsg(st->db));
		return -1;
	}
	if (sqlite3_create_function(st->db, "teltop_match", 2, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, st, sql_match, NULL, NULL) != SQLITE_OK) {
		*cause = xasprintf("teltop_match: %s", sqlite3_errmsg(st->db));
		return -1;
	}
	return 0;
}

/*
 * A text column, as valid UTF-8 without NUL whatever an older teltop
 * stored (invalid sequences and NUL become U+FFFD).  Caller frees.
 */
static char *
col_dup(sqlite3_stmt *s, int i)
{
	const char	*t;
	size_t		 n;

	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return NULL;
	if ((t = (const char *)sqlite3_column_text(s, i)) == NULL)
		return NULL;
	n = (size_t)sqlite3_column_bytes(s, i);
	if (tt_utf8_valid(t, n))
		return xstrndup(t, n);
	return tt_utf8_clean(t, n, NULL);
}

/* Bytes as col_dup() gives text: valid UTF-8, no NUL.  Caller frees. */
static char *
text_dup(const char *t, size_t n)
{
	if (tt_utf8_valid(t, n))
		return xstrndup(t, n);
	return tt_utf8_clean(t, n, NULL);
}

/*
 * Payload id's body, unpacked: the last one read is kept (rd->body), as
 * the events of one payload are read one after the other.  0, or -1 when
 * there is no such payload or it cannot be unpacked.
 */
static int
payload_body(struct rowread *rd, int64_t id, const char **body, size_t *len)
{
	sqlite3_stmt	*s;
	int		 rc = -1;

	if (rd->body != NULL && rd->body_id == id) {
		*body = rd->body;
		*len = rd->body_len;
		return 0;
	}
	free(rd->body);
	rd->body = NULL;
	if (rd->get_body == NULL && sqlite3_prepare_v3(rd->db, "SELECT body "
	    "FROM payloads WHERE id = ?", -1, SQLITE_PREPARE_PERSISTENT,
	    &rd->get_body, NULL) != SQLITE_OK)
		return -1;
	s = rd->get_body;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW && pack_unzip(rd->pack,
	    sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0),
	    &rd->body, &rd->body_len) == 0) {
		rd->body_id = id;
		*body = rd->body;
		*len = rd->body_len;
		rc = 0;
	}
	sqlite3_reset(s);
	return rc;
}

/* Forget the payload kept: a new query reads a new snapshot. */
void
store_rowread_forget(struct rowread *rd)
{
	free(rd->body);
	rd->body = NULL;
	rd->body_id = 0;
}

void
store_rowread_clear(struct rowread *rd)
{
	store_rowread_forget(rd);
	sqlite3_finalize(rd->get_body);
	rd->get_body = NULL;
}

/* The loop's reader, on the loop's connection and its pack. */
static struct rowread *
loop_reader(struct store *st)
{
	st->rd.db = st->db;
	st->rd.pack = st->wc.pack;
	return &st->rd;
}

static void
body_forget(struct store *st)
{
	store_rowread_forget(&st->rd);
}

/*
 * An event's JSON from its columns data (i), payload_id, data_at and
 * data_len (i + 1 ... i + 3): a range of its payload's body, packed bytes
 * (BLOB) or text as an older teltop wrote it; as text (caller frees), NULL
 * if none or it cannot be read.
 */
static char *
data_of(struct rowread *rd, const struct datacols *c)
{
	const char	*body;
	char		*z, *t;
	size_t		 len;

	if (c->ranged) {
		if (payload_body(rd, c->payload_id, &body, &len) != 0 ||
		    c->at < 0 || c->n < 0 || (uint64_t)c->at > len ||
		    (uint64_t)c->n > len - (uint64_t)c->at)
			return NULL;
		return text_dup(body + c->at, (size_t)c->n);
	}
	switch (c->type) {
	case SQLITE_BLOB:
		if (pack_unzip(rd->pack, c->blob, (size_t)c->bytes, &z,
		    &len) != 0)
			return NULL;
		t = text_dup(z, len);
		free(z);
		return t;
	case SQLITE_NULL:
		return NULL;
	}
	return c->text != NULL ? text_dup((const char *)c->text,
	    (size_t)c->bytes) : NULL;
}

char *
store_row_data(struct rowread *rd, sqlite3_stmt *s, int i)
{
	struct datacols	c;

	c.ranged = sqlite3_column_type(s, i + 2) != SQLITE_NULL;
	c.payload_id = sqlite3_column_int64(s, i + 1);
	c.at = sqlite3_column_int64(s, i + 2);
	c.n = sqlite3_column_int64(s, i + 3);
	c.type = sqlite3_column_type(s, i);
	c.blob = c.type == SQLITE_BLOB ? sqlite3_column_blob(s, i) : NULL;
	c.text = c.type == SQLITE_TEXT ? sqlite3_column_text(s, i) : NULL;
	c.bytes = sqlite3_column_bytes(s, i);	/* after the blob or text */
	return data_of(rd, &c);
}

static char *
col_data(struct store *st, sqlite3_stmt *s, int i)
{
	return store_row_data(loop_reader(st), s, i);
}

/* An event's findings: ids (BLOB) as their JSON, or the text kept. */
char *
store_row_pii(struct rowread *rd, sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_BLOB)
		return pack_pii_text(rd->pack, sqlite3_column_blob(s, i),
		    (size_t)sqlite3_column_bytes(s, i));
	return col_dup(s, i);
}

static char *
col_pii(struct store *st, sqlite3_stmt *s, int i)
{
	return store_row_pii(loop_reader(st), s, i);
}

/* A column that may hold a fraction (duration_ms: INTEGER or REAL). */
static double
col_num(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return TT_NONE;
	return sqlite3_column_double(s, i);
}

/*
 * A result row -> event (caller clears it).  A time that is NULL, or the
 * TT_NONE an older teltop stored for a time out of range, reads as TT_NONE,
 * which no output shows as a date.
 */
static void
row_event(struct store *st, sqlite3_stmt *s, struct tt_event *ev)
{
	const char	*t;

	tt_event_init(ev);
	ev->id = sqlite3_column_int64(s, 0);
	ev->received_at = store_col_int(s, 1);
	ev->ts = store_col_int(s, 2);
	t = (const char *)sqlite3_column_text(s, 3);
	if (t == NULL || tt_source_parse(t, &ev->source) != 0)
		ev->source = TT_SRC_GENERIC;
	ev->format = tt_format_static((const char *)sqlite3_column_text(s, 4));
	ev->name = col_dup(s, 5);
	t = (const char *)sqlite3_column_text(s, 6);
	if (t == NULL || tt_phase_parse(t, &ev->phase) != 0)
		ev->phase = TT_PHASE_POINT;
	ev->client_id = col_dup(s, 7);
	ev->execution_id = col_dup(s, 8);
	ev->command = col_dup(s, 9);
	ev->duration_ms = col_num(s, 10);
	ev->exit_code = store_col_int(s, 11);
	ev->error = col_dup(s, 12);
	ev->version = col_dup(s, 13);
	ev->os = col_dup(s, 14);
	ev->arch = col_dup(s, 15);
	ev->pii = col_pii(st, s, 16);
	ev->capture = col_dup(s, 17);
	ev->data = col_data(st, s, 18);
	ev->data_len = ev->data != NULL ? strlen(ev->data) : 0;
	ev->severity = store_col_int(s, 22);
}

int
store_events(struct store *st, const struct tt_filter *f, int64_t limit,
    int (*cb)(void *, const struct tt_event *), void *arg, char **cause)
{
	sqlite3_stmt	*s;
	struct tt_event	 ev;
	char		*sql;
	size_t		 i;
	int		 rc, stop = 0;

	*cause = NULL;
	if (st->pg != NULL)
		return pg_events(st->pg, f, limit, cb, arg, cause);
	body_forget(st);
	sql = xstrdup("SELECT " EVENT_COLS " FROM events");
	for (i = 0; f != NULL && i < f->n; i++) {
		sql_add(&sql, i == 0 ? " WHERE " : " AND ");
		term_sql(&sql, &f->terms[i]);
	}
	if (limit > 0) {
		char *outer = xasprintf("SELECT * FROM (%s ORDER BY id DESC "
		    "LIMIT %lld) ORDER BY id", sql, (long long)limit);
		free(sql);
		sql = outer;
	} else
		sql_add(&sql, " ORDER BY id");
	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		*cause = xasprintf("query failed: %s", sqlite3_errmsg(st->db));
		return -1;
	}
	bind_terms(s, f);
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_event(st, s, &ev);
		stop = cb(arg, &ev);
		tt_event_clear(&ev);
	}
	if (!stop && rc != SQLITE_DONE) {
		*cause = xasprintf("query failed: %s", sqlite3_errmsg(st->db));
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

int
store_scan(struct store *st, int64_t since_us, const char *source,
    void (*cb)(void *, const struct tt_event *), void *arg, char **cause)
{
	sqlite3_stmt	*s;
	struct tt_event	 ev;
	const char	*t;
	int		 rc;

	if (st->pg != NULL)
		return pg_scan(st->pg, since_us, source, 0, cb, arg,
		    cause);
	*cause = NULL;
	body_forget(st);
	rc = sqlite3_prepare_v2(st->db, "SELECT ts, source, name, phase, "
	    "client_id, execution_id, command, duration_ms, exit_code, error, "
	    "source = 'devtron' AND name = 'Summary' OR format LIKE "
	    "'otlp-metrics-%', data, payload_id, data_at, data_len, format "
	    "FROM events WHERE ts >= ?1 AND (?2 IS NULL OR source = ?2) "
	    "ORDER BY id", -1, &s, NULL);
	if (rc != SQLITE_OK) {
		*cause = xasprintf("query failed: %s", sqlite3_errmsg(st->db));
		return -1;
	}
	sqlite3_bind_int64(s, 1, since_us);
	if (source != NULL)
		sqlite3_bind_text(s, 2, source, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		tt_event_init(&ev);
		ev.ts = store_col_int(s, 0);
		t = (const char *)sqlite3_column_text(s, 1);
		if (t == NULL || tt_source_parse(t, &ev.source) != 0)
			ev.source = TT_SRC_GENERIC;
		ev.name = (char *)(uintptr_t)sqlite3_column_text(s, 2);
		t = (const char *)sqlite3_column_text(s, 3);
		if (t == NULL || tt_phase_parse(t, &ev.phase) != 0)
			ev.phase = TT_PHASE_POINT;
		ev.client_id = (char *)(uintptr_t)sqlite3_column_text(s, 4);
		ev.execution_id = (char *)(uintptr_t)sqlite3_column_text(s, 5);
		ev.command = (char *)(uintptr_t)sqlite3_column_text(s, 6);
		ev.duration_ms = col_num(s, 7);
		ev.exit_code = store_col_int(s, 8);
		ev.error = (char *)(uintptr_t)sqlite3_column_text(s, 9);
		ev.format = tt_format_static((const char *)
		    sqlite3_column_text(s, 15));
		ev.data = sqlite3_column_int(s, 10) ? col_data(st, s, 11) :
		    NULL;
		ev.data_len = ev.data != NULL ? strlen(ev.data) : 0;
		cb(arg, &ev);	/* borrowed strings (data excepted) */
		free(ev.data);
	}
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("query failed: %s", sqlite3_errmsg(st->db));
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

int64_t
store_event_count(struct store *st)
{
	if (st->pg != NULL)
		return pg_event_count(st->pg);
	return store_int64(st->db, "SELECT count(*) FROM events");
}

/* The highest event id stored (by any process); 0 if none, -1 on error. */
int64_t
store_last_id(struct store *st)
{
	if (st->pg != NULL)
		return pg_last_id(st->pg);
	return store_int64(st->db, "SELECT coalesce(max(id), 0) FROM events");
}

int
store_counters(struct store *st, struct tt_counters *c)
{
	sqlite3_stmt	*s;
	const char	*name;
	int		 i;

	if (st->pg != NULL)
		return pg_counters(st->pg, c);
	memset(c, 0, sizeof *c);
	if (sqlite3_prepare_v2(st->db, "SELECT name, value FROM counters", -1,
	    &s, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(s, 0);
		for (i = 0; name != NULL && i < TT_CTR_COUNT; i++)
			if (strcmp(name, tt_counter_name(
			    (enum tt_counter)i)) == 0)
				c->v[i] = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	return 0;
}

int
store_named_counters(struct store *st, const char *prefix,
    void (*cb)(void *, const char *, int64_t), void *arg)
{
	sqlite3_stmt	*s;
	const char	*name;
	size_t		 n = strlen(prefix);

	if (st->pg != NULL)
		return pg_named_counters(st->pg, prefix, cb, arg);
	if (sqlite3_prepare_v2(st->db, "SELECT name, value FROM counters "
	    "WHERE substr(name, 1, ?) = ? ORDER BY name", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)n);
	store_bind_text(s, 2, prefix);
	while (sqlite3_step(s) == SQLITE_ROW)
		if ((name = (const char *)sqlite3_column_text(s, 0)) != NULL)
			cb(arg, name, sqlite3_column_int64(s, 1));
	sqlite3_finalize(s);
	return 0;
}

/* store_request() on PostgreSQL: 0 found, -1 not there or failed. */
static int
pg_request_of(struct pg *pg, int64_t id, struct store_request *r)
{
	char	*cause = NULL;

	if (pg_payload_get(pg, id, r, &cause) == 1)
		return 0;
	free(cause);
	return -1;
}

/* store_payload() on PostgreSQL. */
static int
pg_payload_of(struct pg *pg, int64_t event_id, char **body, size_t *len,
    char **route, char **content_type)
{
	struct store_request	r;
	int64_t			id = pg_event_payload(pg, event_id);

	if (id <= 0 || pg_request_of(pg, id, &r) != 0)
		return -1;
	*body = r.body;
	*len = r.len;
	*route = r.route;
	*content_type = r.content_type;
	free(r.request);
	free(r.raw);
	return 0;
}

int
store_payload(struct store *st, int64_t event_id, char **body, size_t *len,
    char **route, char **content_type)
{
	sqlite3_stmt	*s;
	int		 rc = -1;

	if (st->pg != NULL)
		return pg_payload_of(st->pg, event_id, body, len, route,
		    content_type);
	if (sqlite3_prepare_v2(st->db, "SELECT p.body, coalesce(r.route, "
	    "p.route), CASE WHEN r.id IS NULL THEN p.content_type ELSE "
	    "r.content_type END FROM events e JOIN payloads p ON "
	    "p.id = e.payload_id LEFT JOIN routes r ON r.id = p.route_id "
	    "WHERE e.id = ?", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, event_id);
	if (sqlite3_step(s) == SQLITE_ROW && pack_unzip(st->wc.pack,
	    sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0),
	    body, len) == 0) {
		*route = col_dup(s, 1);
		*content_type = col_dup(s, 2);
		rc = 0;
	}
	sqlite3_finalize(s);
	return rc;
}

int64_t
store_event_payload(struct store *st, int64_t event_id)
{
	sqlite3_stmt	*s;
	int64_t		 id = 0;

	if (st->pg != NULL)
		return pg_event_payload(st->pg, event_id);
	if (st->payload_of == NULL && sqlite3_prepare_v3(st->db, "SELECT "
	    "payload_id FROM events WHERE id = ?", -1,
	    SQLITE_PREPARE_PERSISTENT, &st->payload_of, NULL) != SQLITE_OK)
		return 0;
	s = st->payload_of;
	sqlite3_bind_int64(s, 1, event_id);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return id;
}

int
store_request(struct store *st, int64_t id, struct store_request *r)
{
	sqlite3_stmt	*s;
	const void	*raw;
	int		 rc = -1;

	if (st->pg != NULL)
		return pg_request_of(st->pg, id, r);
	memset(r, 0, sizeof *r);
	if (sqlite3_prepare_v2(st->db, "SELECT p.body, coalesce(r.route, "
	    "p.route), CASE WHEN r.id IS NULL THEN p.content_type ELSE "
	    "r.content_type END, p.received_at, p.request, p.raw FROM "
	    "payloads p LEFT JOIN routes r ON r.id = p.route_id WHERE p.id = ?",
	    -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW && pack_unzip(st->wc.pack,
	    sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0),
	    &r->body, &r->len) == 0) {
		r->id = id;
		r->route = col_dup(s, 1);
		r->content_type = col_dup(s, 2);
		r->received_at = sqlite3_column_int64(s, 3);
		r->request = col_dup(s, 4);
		if ((raw = sqlite3_column_blob(s, 5)) != NULL) {
			r->raw_len = (size_t)sqlite3_column_bytes(s, 5);
			r->raw = xmalloc(r->raw_len + 1);
			memcpy(r->raw, raw, r->raw_len);
		}
		rc = 0;
	}
	sqlite3_finalize(s);
	return rc;
}

void
store_request_clear(struct store_request *r)
{
	free(r->route);
	free(r->content_type);
	free(r->request);
	free(r->body);
	free(r->raw);
	memset(r, 0, sizeof *r);
}

/* Privacy rows being counted: one per (source, field, kind, grade). */
struct priv_acc {
	struct store_privacy_row	*v;
	size_t				 n, cap;
	struct hmap			 at;	/* key -> index + 1 */
};

/* Count n events for one (source, field, kind, red). */
static void
priv_add(struct priv_acc *a, const char *source, const char *field,
    const char *kind, int red, int64_t n)
{
	struct store_privacy_row	*r;
	void				**slot;
	char				*key;
	int				 len;

	len = asprintf(&key, "%s%c%s%c%s%c%d", source, 0, field, 0, kind, 0,
	    red);
	if (len < 0)
		fatal("out of memory");
	slot = hmap_put(&a->at, key, (size_t)len);
	free(key);
	if (*slot != NULL) {
		a->v[(uintptr_t)*slot - 1].events += n;
		return;
	}
	if (a->n == a->cap) {
		a->cap = a->cap == 0 ? 32 : a->cap * 2;
		a->v = xrealloc(a->v, a->cap * sizeof *a->v);
	}
	r = &a->v[a->n++];
	r->source = xstrdup(source);
	r->field = xstrdup(field);
	r->kind = xstrdup(kind);
	r->red = red;
	r->events = n;
	*slot = (void *)(uintptr_t)a->n;
}

/* The order of the old GROUP BY: source, most events first, field, kind. */
static int
priv_cmp(const void *a, const void *b)
{
	const struct store_privacy_row	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->source, y->source)) != 0)
		return c;
	if (x->events != y->events)
		return x->events > y->events ? -1 : 1;
	if ((c = strcmp(x->field, y->field)) != 0)
		return c;
	if ((c = strcmp(x->kind, y->kind)) != 0)
		return c;
	return x->red - y->red;
}

static void
pg_finding(void *arg, const char *source, const char *field, const char *kind,
    int red, int64_t n)
{
	priv_add(arg, source, field, kind, red, n);
}

/* Counts per finding id of one source's packed findings. */
struct priv_ids {
	char		*source;
	int64_t		*count;		/* by id */
	size_t		 n;
};

/*
 * Findings stored as ids (most rows) are counted per source and id, then
 * named; findings kept as text (older rows, other shapes) go through
 * json_each() as before.
 */
int
store_privacy(struct store *st, int64_t since_us, const char *source,
    void (*cb)(void *, const struct store_privacy_row *), void *arg,
    char **cause)
{
	const struct pack_finding	*pf;
	struct priv_acc			 a;
	struct priv_ids			*ids = NULL, *pi = NULL;
	sqlite3_stmt			*s;
	const uint8_t			*p, *end;
	const char			*src, *grade, *field, *kind;
	size_t				 nids = 0, i, k;
	uint64_t			 id;
	int				 rc;

	*cause = NULL;
	if (st->pg == NULL && since_us == TT_NONE &&
	    (rc = store_rollup_privacy(st, source, cb, arg, cause)) != 1)
		return rc;
	memset(&a, 0, sizeof a);
	hmap_init(&a.at);
	if (st->pg != NULL) {
		/* the findings grouped there, of the events it holds */
		if (pg_privacy(st->pg, since_us, source, pg_finding, &a,
		    cause) != 0) {
			rc = -1;
			goto out;
		}
		goto grouped;
	}
	rc = sqlite3_prepare_v2(st->db, "SELECT source, pii FROM events "
	    "WHERE typeof(pii) = 'blob' AND length(pii) > 0 AND ts >= ?1 AND "
	    "(?2 IS NULL OR source = ?2)", -1, &s, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(s, 1, since_us);
	if (source != NULL)
		sqlite3_bind_text(s, 2, source, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((src = (const char *)sqlite3_column_text(s, 0)) == NULL)
			continue;
		if (pi == NULL || strcmp(pi->source, src) != 0) {
			for (pi = NULL, i = 0; i < nids; i++)
				if (strcmp(ids[i].source, src) == 0)
					pi = &ids[i];
			if (pi == NULL) {
				ids = xrealloc(ids, (nids + 1) * sizeof *ids);
				pi = &ids[nids++];
				memset(pi, 0, sizeof *pi);
				pi->source = xstrdup(src);
			}
		}
		p = sqlite3_column_blob(s, 1);
		end = p + sqlite3_column_bytes(s, 1);
		while (p < end && pack_varint(&p, end, &id) == 0) {
			if (id == 0 || id > INT32_MAX)
				break;
			if (id >= pi->n) {
				k = pi->n;
				pi->n = (size_t)id * 2;
				pi->count = xrealloc(pi->count, pi->n *
				    sizeof *pi->count);
				memset(pi->count + k, 0, (pi->n - k) *
				    sizeof *pi->count);
			}
			pi->count[id]++;
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		goto fail;
	for (i = 0; i < nids; i++)
		for (k = 1; k < ids[i].n; k++)
			if (ids[i].count[k] > 0 &&
			    (pf = pack_finding(st->wc.pack, k)) != NULL)
				priv_add(&a, ids[i].source, pf->field,
				    pf->kind, pf->red, ids[i].count[k]);

	rc = sqlite3_prepare_v2(st->db, "SELECT e.source, "
	    "json_extract(j.value, '$.field'), json_extract(j.value, '$.kind'), "
	    "json_extract(j.value, '$.grade'), count(*) "
	    "FROM events e, json_each(e.pii) j "
	    "WHERE typeof(e.pii) = 'text' AND e.pii <> '[]' AND "
	    "json_valid(e.pii) AND e.ts >= ?1 AND (?2 IS NULL OR "
	    "e.source = ?2) GROUP BY 1, 2, 3, 4", -1, &s, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(s, 1, since_us);
	if (source != NULL)
		sqlite3_bind_text(s, 2, source, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		src = (const char *)sqlite3_column_text(s, 0);
		field = (const char *)sqlite3_column_text(s, 1);
		kind = (const char *)sqlite3_column_text(s, 2);
		grade = (const char *)sqlite3_column_text(s, 3);
		if (src == NULL || field == NULL || kind == NULL)
			continue;
		priv_add(&a, src, field, kind, grade != NULL &&
		    strcmp(grade, "red") == 0, sqlite3_column_int64(s, 4));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		goto fail;
grouped:
	if (a.n > 0)
		qsort(a.v, a.n, sizeof *a.v, priv_cmp);
	for (i = 0; i < a.n; i++)
		cb(arg, &a.v[i]);
	rc = 0;
	goto out;
fail:
	*cause = xasprintf("query failed: %s", sqlite3_errmsg(st->db));
	rc = -1;
out:
	for (i = 0; i < a.n; i++) {
		free((char *)(uintptr_t)a.v[i].source);
		free((char *)(uintptr_t)a.v[i].field);
		free((char *)(uintptr_t)a.v[i].kind);
	}
	free(a.v);
	hmap_clear(&a.at, NULL);
	for (i = 0; i < nids; i++) {
		free(ids[i].source);
		free(ids[i].count);
	}
	free(ids);
	return rc;
}

/* SQLite's progress callback: stop a query past its deadline. */
static int
past_deadline(void *arg)
{
	const int64_t	*deadline = arg;

	return tt_mono_us() > *deadline;
}

int
store_events_within(struct store *st, const struct tt_filter *f,
    int64_t limit, int64_t budget_us,
    int (*cb)(void *, const struct tt_event *), void *arg, char **cause)
{
	int64_t	deadline = tt_mono_us() + budget_us;
	int	rc;

	if (st->pg != NULL)
		return pg_events(st->pg, f, limit, cb, arg, cause);
	sqlite3_progress_handler(st->db, 1000, past_deadline, &deadline);
	rc = store_events(st, f, limit, cb, arg, cause);
	sqlite3_progress_handler(st->db, 0, NULL, NULL);
	if (rc != 0 && tt_mono_us() > deadline) {
		free(*cause);
		*cause = xasprintf("the query took more than %lld ms: narrow "
		    "it (since=, source=, ...)", (long long)(budget_us / 1000));
		return -2;
	}
	return rc;
}
