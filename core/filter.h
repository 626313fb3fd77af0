/*
 * The filter language of the stream view and `teltop events --filter`:
 * space-separated terms, all of which must hold.
 *   field=value   equal (empty value: the field is empty)
 *   field!=value  not equal (empty value: the field is set)
 *   field~text    contains, ignoring case
 *   field!~text   does not contain
 *   field>N field<N field>=N field<=N   numeric comparison (duration_ms,
 *                 exit_code, severity, ...)
 *   field=a|b     one of them (with != and !~: none of them)
 *   !term         the term's opposite: !source=werf
 *   "..."         a quoted value, for spaces, '|' and quotes (\" and \\):
 *                 command="werf converge"
 *   .PATH op value  a field of the payload as stored (raw), named as the
 *                 privacy findings and the detail view name it (core/path.h):
 *                 .properties.$os=linux, .event.command~up,
 *                 .data[0].event.properties>command=up (a '>' that more
 *                 path and an operator follow is the path's).  Its value is a
 *                 string's text, a number (also compared as one: = != > <
 *                 >= <= with a number), true, false; null and a missing
 *                 field are empty; an object or array its JSON text.
 * Fields: the normalized event's (client is client_id), and two of how it
 * came: via (capture or direct; only = and !=) and host, the host a
 * captured request was meant for (empty for direct events), both read
 * from the event's capture; and signal, the OpenTelemetry signal of its
 * format (log, metric, trace, or event for the rest: tt_signal_of()).
 * severity is a log record's OTLP severity number; it also takes the
 * names trace, debug, info, warn, error and fatal (1, 5, 9, 13, 17, 21), so
 * that severity>=warn keeps warnings and worse.  ts is the event's time in
 * µs; since=WHEN and until=WHEN bound it (ts >= and ts <): WHEN is a time
 * ago (30s, 10m, 2h, 7d) or a date and time, RFC 3339 or local without a
 * zone (2026-11-20, 2026-11-20T10:00).  pii and pii.kind are the privacy
 * findings' grades (red, yellow) and kinds (email, ip, ...): pii=red holds
 * when some finding is red, pii= when there is none, pii.kind!=email when
 * none is an e-mail address.
 */
#ifndef TT_FILTER_H
#define TT_FILTER_H

#include "event.h"

enum tt_filter_op {
	TT_F_EQ, TT_F_NE, TT_F_HAS, TT_F_NHAS, TT_F_GT, TT_F_LT, TT_F_GE, TT_F_LE
};

#define TT_FIELDS(_) \
	_(ID, "id", 1) \
	_(SOURCE, "source", 0) \
	_(FORMAT, "format", 0) \
	_(NAME, "name", 0) \
	_(PHASE, "phase", 0) \
	_(CLIENT, "client_id", 0) \
	_(EXECUTION, "execution_id", 0) \
	_(COMMAND, "command", 0) \
	_(DURATION, "duration_ms", 1) \
	_(EXIT, "exit_code", 1) \
	_(ERROR, "error", 0) \
	_(VERSION, "version", 0) \
	_(OS, "os", 0) \
	_(ARCH, "arch", 0) \
	_(VIA, "via", 0) \
	_(HOST, "host", 0) \
	_(SIGNAL, "signal", 0) \
	_(SEVERITY, "severity", 1) \
	_(TS, "ts", 1) \
	_(PII, "pii", 0) \
	_(PII_KIND, "pii.kind", 0)

enum tt_field {
#define TT_FIELD_ENUM(id, name, numeric) TT_FIELD_##id,
	TT_FIELDS(TT_FIELD_ENUM)
#undef TT_FIELD_ENUM
	TT_FIELD_COUNT,
	TT_FIELD_PATH = TT_FIELD_COUNT	/* .path: a field of the payload */
};

/* One value of a term; num is its number for a numeric field. */
struct tt_filter_value {
	char			*text;
	int64_t			 num;
	int			 is_num;	/* a path's value that is a number */
	double			 d;		/* ... that number */
};

struct tt_filter_term {
	enum tt_field		 field;
	enum tt_filter_op	 op;
	int			 negate;	/* !term */
	/* the alternatives a|b (at least one): the term holds for one of
	 * them, or with != and !~ for each */
	struct tt_filter_value	*v;
	size_t			 nv;
	char			*text;		/* the term as written */
	char			*path;		/* TT_FIELD_PATH: without its '.' */
};

struct tt_filter {
	struct tt_filter_term	*terms;
	size_t			 n;
};

/*
 * Terms a filter may have: SQLite refuses expressions nested deeper than
 * 1000 and store/ joins the terms with AND, so a longer filter would work
 * in the live view and fail for history.
 */
#define TT_FILTER_TERMS_MAX	256

/* Alternatives a term may have. */
#define TT_FILTER_VALUES_MAX	64

/*
 * Parse; -1 with *cause (caller frees), which says at which column (from
 * 1) the text is wrong.  An empty string matches all.  now_us is what
 * since=10m counts back from (0: the clock).
 */
int		 tt_filter_parse(const char *, struct tt_filter *, char **cause);
int		 tt_filter_parse_at(const char *, int64_t now_us,
		     struct tt_filter *, char **cause);
void		 tt_filter_free(struct tt_filter *);
int		 tt_filter_match(const struct tt_filter *,
		     const struct tt_event *);
int		 tt_filter_term_match(const struct tt_filter_term *,
		     const struct tt_event *);
/*
 * v as a quoted value of the language ("...", with \" and \\) in out;
 * -1 if that does not fit in len bytes.
 */
int		 tt_filter_quote(const char *v, char *out, size_t len);
/* Does the field of a term read the privacy findings (pii, pii.kind)? */
int		 tt_field_pii(enum tt_field);
const char	*tt_field_name(enum tt_field);
int		 tt_field_numeric(enum tt_field);

#endif
