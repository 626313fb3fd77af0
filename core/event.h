/*
 * The normalized event of design.md: one record per event, whatever wire
 * format it came in.  A plain value type: every string is owned by the event
 * (malloc'd) and freed by tt_event_clear().  NULL means "the format does not
 * carry this field".
 */
#ifndef TT_EVENT_H
#define TT_EVENT_H

#include <stddef.h>
#include <stdint.h>

#define TT_NONE INT64_MIN	/* an absent integer field */
#define TT_NOT_IN_BODY SIZE_MAX	/* data_off: data is not the body's bytes */

/* Sources: the tools teltop knows, in display order. */
#define TT_SOURCES(_) \
	_(DEVTRON, "devtron") \
	_(DEVPOD, "devpod") \
	_(DEVSY, "devsy") \
	_(WERF, "werf") \
	_(POSTHOG, "posthog") \
	_(SEGMENT, "segment") \
	_(RUDDERSTACK, "rudderstack") \
	_(OTLP, "otlp") \
	_(GENERIC, "generic")

enum tt_source {
#define TT_SOURCE_ENUM(id, name) TT_SRC_##id,
	TT_SOURCES(TT_SOURCE_ENUM)
#undef TT_SOURCE_ENUM
	TT_SRC_COUNT
};

/* Wire formats (tt_event.format): what the decoders set, one each. */
#define TT_FORMATS(_) \
	_("posthog-batch") _("posthog-array") _("posthog-event") \
	_("posthog-v1") _("devpod-insert") _("devpod-legacy") \
	_("otlp-protobuf") _("otlp-json") _("werf-json") \
	_("segment-batch") _("segment-message") _("otlp-logs-protobuf") \
	_("otlp-logs-json") _("otlp-metrics-protobuf") _("otlp-metrics-json") \
	_("generic")

enum tt_phase { TT_PHASE_POINT, TT_PHASE_START, TT_PHASE_FINISH };

struct tt_event {
	int64_t		 id;		/* row id once stored, else 0 */
	int64_t		 received_at;	/* µs since the epoch */
	int64_t		 ts;		/* the event's own time, µs UTC */
	enum tt_source	 source;
	const char	*format;	/* static string: "posthog-batch", ... */
	enum tt_phase	 phase;
	char		*name;
	char		*client_id;
	char		*execution_id;
	char		*command;
	/*
	 * In ms, with the fraction the tool sent (DevPod's 12345678 µs is
	 * 12345.678).  TT_NONE when unknown: -2^63 is exact in a double, so
	 * "= TT_NONE" and "!= TT_NONE" mean what they do for the integers.
	 */
	double		 duration_ms;
	int64_t		 exit_code;	/* TT_NONE when unknown */
	/* a log record's OTLP severity number, 1 TRACE .. 21-24 FATAL;
	 * TT_NONE for the rest */
	int64_t		 severity;
	char		*error;
	char		*version;
	char		*os;
	char		*arch;
	char		*pii;		/* JSON array of findings, or NULL */
	char		*data;		/* this event as JSON text (decoded form) */
	size_t		 data_len;
	/*
	 * Where data's bytes are in the body the event came in (after
	 * transport decoding: chunked, gzip, base64 undone), or
	 * TT_NOT_IN_BODY when data is not a copy of body bytes but printed by
	 * teltop (an item that had to be repaired or escaped, one built from
	 * protobuf or OTLP spans, one with a note) or read back from a store.
	 */
	size_t		 data_off;
	/*
	 * Captured through the proxy: the request as JSON, {"host","method",
	 * "path","headers":[[name,value]...]} (secrets masked); NULL when
	 * the event was sent to teltop directly.
	 */
	char		*capture;
	/* The collector that received it, read back from a store many
	 * share (PostgreSQL); NULL otherwise. */
	char		*collector;
};

/* A growable array of events; owns them. */
struct tt_batch {
	struct tt_event	*ev;
	size_t		 n;
	size_t		 cap;
	size_t		 rejected;	/* items that could not be decoded */
	size_t		 oversized;	/* of those, refused for their size */
	char		*first_error;	/* why the first of them was refused */
};

/* How a commit of queued events ended (store -> ws replies). */
enum tt_commit {
	TT_COMMIT_OK,		/* committed: the senders may be told so */
	TT_COMMIT_FAILED,	/* not written; the senders should retry */
	TT_COMMIT_DISK_FULL	/* not written: no space left */
};

const char	*tt_source_name(enum tt_source);
int		 tt_source_parse(const char *, enum tt_source *);
/* The static string of TT_FORMATS equal to s, else "unknown". */
const char	*tt_format_static(const char *s);
/*
 * The OpenTelemetry signal a format carries: "log", "metric", "trace"
 * (OTLP spans), else "event".
 */
const char	*tt_signal_of(const char *format);
const char	*tt_phase_name(enum tt_phase);
/*
 * The event's own id, the same however often it is sent: PostHog's uuid,
 * Segment's messageId or an OTLP span's trace and span ids; else, for a
 * run's start or finish, its run id with phase and name; NULL when it has
 * none (it is then never taken for another event).  Caller frees.
 */
char		*tt_event_key(const struct tt_event *);
int		 tt_phase_parse(const char *, enum tt_phase *);

void		 tt_event_init(struct tt_event *);
void		 tt_event_clear(struct tt_event *);
/* A deep copy (dst's old contents are not freed); data and pii only
 * with with_data. */
void		 tt_event_copy(struct tt_event *dst, const struct tt_event *src,
		     int with_data);

/*
 * Say in the event's JSON text why part of it was not used (a time out of
 * range, a number too large): the message goes into the array
 * "_teltop":{"notes":[...]} of data, which --explain and the detail view
 * show.  data must be a JSON object; otherwise nothing happens.  The
 * event's pii, if any, is freed and set to NULL: it described the old text.
 */
void		 tt_event_note(struct tt_event *, const char *, ...)
		     __attribute__((format(printf, 2, 3)));

/*
 * The request of a captured event, read back from its capture text.  The
 * strings are owned (NULL: absent or not a string); headers holds nheaders
 * name, value pairs in the order they came (2 * nheaders strings).
 */
struct tt_capture {
	char	*host;
	char	*method;
	char	*path;
	char	**headers;
	size_t	 nheaders;
};

/* Parse capture text; -1 (c left empty) when it is not a JSON object. */
int		 tt_capture_parse(const char *, struct tt_capture *);
void		 tt_capture_free(struct tt_capture *);

void		 tt_batch_init(struct tt_batch *);
struct tt_event	*tt_batch_add(struct tt_batch *);	/* a zeroed, inited slot */
void		 tt_batch_reject(struct tt_batch *, const char *why);
void		 tt_batch_reject_size(struct tt_batch *, size_t, size_t);
void		 tt_batch_clear(struct tt_batch *);

#endif
