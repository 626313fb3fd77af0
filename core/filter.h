/*
 * The filter language of the stream view and `teltop events --filter`:
 * space-separated terms, all of which must hold.
 *   field=value   equal (empty value: the field is empty)
 *   field!=value  not equal (empty value: the field is set)
 *   field~text    contains, ignoring case
 *   field!~text   does not contain
 *   field>N field<N field>=N field<=N   numeric comparison (duration_ms,
 *                 exit_code, severity, ...)
 * Fields: the normalized event's (client is client_id), and two of how it
 * came: via (capture or direct; only = and !=) and host, the host a
 * captured request was meant for (empty for direct events), both read
 * from the event's capture; and signal, the OpenTelemetry signal of its
 * format (log, metric, trace, or event for the rest: tt_signal_of()).
 * severity is a log record's OTLP severity number; it also takes the
 * names trace, debug, info, warn, error and fatal (1, 5, 9, 13, 17, 21), so
 * that severity>=warn keeps warnings and worse.
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
	_(SEVERITY, "severity", 1)

enum tt_field {
#define TT_FIELD_ENUM(id, name, numeric) TT_FIELD_##id,
	TT_FIELDS(TT_FIELD_ENUM)
#undef TT_FIELD_ENUM
	TT_FIELD_COUNT
};

struct tt_filter_term {
	enum tt_field		 field;
	enum tt_filter_op	 op;
	char			*value;
	int64_t			 num;
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

/* Parse; -1 with *cause (caller frees).  An empty string matches all. */
int		 tt_filter_parse(const char *, struct tt_filter *, char **cause);
void		 tt_filter_free(struct tt_filter *);
int		 tt_filter_match(const struct tt_filter *,
		     const struct tt_event *);
const char	*tt_field_name(enum tt_field);
int		 tt_field_numeric(enum tt_field);

#endif
