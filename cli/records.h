/*
 * The records of `teltop export`, `import` and `replay` (cli/export.c):
 * one request as received, in teltop's form (a JSON object a line) or as
 * a HAR 1.2 entry, written and read back by the same code here.
 *
 * teltop's form:
 *   {"received_at": RFC 3339, "method": "POST" | "WS", "route": target,
 *    "content_type": …, "headers": {"content-encoding": …,
 *    "user-agent": …}, "host": the vendor's (captured traffic),
 *    "body_base64": the bytes as received, or null when they were not
 *    kept, "events": [as `teltop events` prints them]}
 * HAR: request.url is http://127.0.0.1:8353 + target (https://HOST +
 * target when captured), postData.text the body as text where it is
 * UTF-8 and was not content-encoded, else base64 with "_encoding":
 * "base64"; "_teltop" holds the events (and "method": "WS").
 *
 * What stays true: a record written and read back is the same record
 * (time, method, route, content type, encoding, agent, host, bytes,
 * number of events).
 */
#ifndef TT_RECORDS_H
#define TT_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#define TT_RECORDS_MAX_FILE	(1024ULL * 1024 * 1024)	/* bytes read */
/* Where a direct request's HAR URL points (the default listen address). */
#define TT_RECORDS_HAR_HOST	"http://127.0.0.1:8353"

struct tt_record {
	int64_t		 received_at;	/* µs since the epoch */
	char		*method;	/* "POST", "WS"; NULL: POST */
	char		*route;		/* path and query; NULL without body */
	char		*ctype;
	char		*cenc;
	char		*agent;
	char		*host;		/* captured: the vendor's */
	unsigned char	*body;		/* NULL: its bytes were not kept */
	size_t		 len;
	size_t		 events;	/* what it produced when received */
};

struct tt_records {
	struct tt_record	*v;
	size_t			 n, cap;
};

void	 tt_record_clear(struct tt_record *);
void	 tt_records_clear(struct tt_records *);
struct tt_record *tt_records_add(struct tt_records *);

/*
 * The record as teltop's line or as a HAR entry, events (an array, taken
 * over; NULL: none) inside.  Caller deletes.
 */
cJSON	*tt_record_json(const struct tt_record *, cJSON *events);
cJSON	*tt_record_har(const struct tt_record *, cJSON *events);
/* Read one back; -1 with *cause (caller frees), r left empty. */
int	 tt_record_from_json(const cJSON *, struct tt_record *, char **);
int	 tt_record_from_har(const cJSON *, struct tt_record *, char **);
/*
 * Every record of a file's text: a HAR document (an object with "log"),
 * or teltop's lines.  -1 with *cause naming the entry or line, rs empty.
 */
int	 tt_records_parse(const char *text, size_t len, struct tt_records *,
	    char **cause);

/*
 * How a request came, as the store keeps it beside its body: JSON
 * {"method", "target", "content_encoding", "user_agent"} (NULLs left
 * out).  Caller frees.
 */
char	*tt_request_json(const char *method, const char *target,
	    const char *content_encoding, const char *user_agent);
/* Set r's method, route (the target, else route), encoding and agent from
 * that JSON (NULL or not JSON: route only). */
void	 tt_record_set_request(struct tt_record *, const char *json,
	    const char *route);

/* base64 (standard alphabet) both ways; decode: -1 if it is not. */
char	*tt_b64_encode(const void *, size_t);
int	 tt_b64_decode(const char *, unsigned char **out, size_t *len);

#endif
