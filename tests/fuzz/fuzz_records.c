/*
 * libFuzzer target: the files `teltop import` and `teltop replay` read
 * (cli/records.c), teltop's export lines or HAR.  Whatever is read must
 * write back, in both forms, to what reads the same again: time, route,
 * content type, encoding, agent, host, bytes and the number of events.
 * And nothing read may carry a line break into a request's head.
 */
#include <cJSON.h>

#include "fuzz.h"
#include "cli/records.h"
#include "core/eventjson.h"

static int
same_str(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

static void
again(const struct tt_record *r, int har)
{
	struct tt_record	 b;
	cJSON			*ev = cJSON_CreateArray(), *o, *p;
	char			*text, *cause = NULL;
	size_t			 i;

	for (i = 0; i < r->events && i < 64; i++)
		cJSON_AddItemToArray(ev, cJSON_CreateObject());
	o = har ? tt_record_har(r, ev) : tt_record_json(r, ev);
	text = tt_json_line(o, NULL);
	p = cJSON_Parse(text);
	FUZZ_CHECK(p != NULL, "not JSON: %s", text);
	FUZZ_CHECK((har ? tt_record_from_har(p, &b, &cause) :
	    tt_record_from_json(p, &b, &cause)) == 0, "%s does not read "
	    "back: %s", text, cause);
	FUZZ_CHECK(b.received_at == r->received_at, "time: %s", text);
	FUZZ_CHECK((b.body == NULL) == (r->body == NULL), "body: %s", text);
	if (r->body != NULL) {
		FUZZ_CHECK(b.len == r->len && memcmp(b.body, r->body,
		    r->len) == 0, "bytes: %s", text);
		FUZZ_CHECK(same_str(b.route, r->route) && same_str(b.ctype,
		    r->ctype) && same_str(b.cenc, r->cenc) &&
		    same_str(b.agent, r->agent) && same_str(b.host, r->host),
		    "headers: %s", text);
	}
	FUZZ_CHECK(b.events == (r->events < 64 ? r->events : 64), "events");
	tt_record_clear(&b);
	cJSON_Delete(p);
	cJSON_Delete(o);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tt_records	 rs;
	char			*cause = NULL;
	size_t			 i;
	const struct tt_record	*r;

	memset(&rs, 0, sizeof rs);
	if (tt_records_parse((const char *)data, size, &rs, &cause) != 0) {
		FUZZ_CHECK(cause != NULL && rs.n == 0, "refused badly");
		free(cause);
		return 0;
	}
	for (i = 0; i < rs.n; i++) {
		r = &rs.v[i];
		FUZZ_CHECK(r->body == NULL || (r->route != NULL &&
		    r->route[0] == '/'), "a body without a route");
		FUZZ_CHECK(r->body == NULL || ((r->ctype == NULL ||
		    strpbrk(r->ctype, "\r\n") == NULL) && (r->agent == NULL ||
		    strpbrk(r->agent, "\r\n") == NULL) && (r->cenc == NULL ||
		    strpbrk(r->cenc, "\r\n") == NULL) && strpbrk(r->route,
		    "\r\n ") == NULL), "a line break in what is sent");
		again(r, 0);
		again(r, 1);
	}
	tt_records_clear(&rs);
	return 0;
}
