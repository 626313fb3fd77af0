/*
 * What the targets that decode bodies share (fuzz_decode, fuzz_otlp,
 * fuzz_ingest): the meaning of the first input byte, and the checks that
 * hold for every batch tt_decode() returns.
 *
 * First byte: bits 0-2 the route (enum tt_route; 6 and 7 wrap to 0 and 1),
 * bit 3 "Content-Type says protobuf" (only /v1/traces reads it), bits 4-5
 * the per-event size limit (the default, or 64, 512 or 4096 bytes, so that
 * the oversized path is reached too), bit 6 "findings" (opts.findings: the
 * decoder's tree scan, checked against a scan of each event's data).  The
 * rest is the body.
 */
#ifndef TT_FUZZ_EVENTS_H
#define TT_FUZZ_EVENTS_H

#include <cJSON.h>

#include "core/decode.h"
#include "core/privacy.h"
#include "fuzz.h"

#define FUZZ_ROUTES	(TT_ROUTE_LAST + 1)	/* how many */

/* Options and route from the first byte. */
static inline enum tt_route
fuzz_route(uint8_t sel, struct tt_decode_opts *opts)
{
	static const size_t	 max[] = { 0, 64, 512, 4096 };
	/* bits 0-2 and 7: the route; 3 protobuf; 4-5 the size; 6 findings */
	unsigned		 r = (sel & 7u) | ((sel >> 4) & 8u);

	memset(opts, 0, sizeof *opts);
	opts->protobuf = (sel & 8u) != 0;
	opts->event_max = max[(sel >> 4) & 3u];
	opts->findings = (sel & 0x40u) != 0;
	opts->received_at = 1767225600000000LL;	/* 2026-01-01, fixed */
	return (enum tt_route)(r < FUZZ_ROUTES ? r : r - FUZZ_ROUTES);
}

/* With opts.findings: pii (when set) is what a scan of data finds. */
static inline void
fuzz_check_pii(const struct tt_event *ev, size_t i)
{
	struct tt_findings	 f;
	char			*text;

	if (ev->pii == NULL)
		return;
	tt_findings_init(&f);
	FUZZ_CHECK(tt_privacy_scan(ev->data, ev->data_len, &f) == 0,
	    "event %zu: data does not scan", i);
	text = tt_privacy_json(&f);
	FUZZ_CHECK(strcmp(text, ev->pii) == 0, "event %zu: the tree's "
	    "findings %.300s, the text's %.300s", i, ev->pii, text);
	free(text);
	tt_findings_clear(&f);
}

/* The properties of tt_decode()'s result (core/decode.h, event.h). */
static inline void
fuzz_check_batch(int rc, const char *cause, const struct tt_batch *b,
    const struct tt_decode_opts *opts, const uint8_t *body, size_t len)
{
	const struct tt_event	*ev;
	size_t			 i, max;
	cJSON			*j;

	max = opts->event_max != 0 ? opts->event_max : TT_EVENT_MAX;
	FUZZ_CHECK(rc == 0 || rc == -1, "rc %d", rc);
	FUZZ_CHECK((rc == 0) == (cause == NULL), "rc %d, cause %s", rc,
	    cause != NULL ? cause : "NULL");
	FUZZ_CHECK(b->n <= b->cap, "n %zu, cap %zu", b->n, b->cap);
	FUZZ_CHECK(b->oversized <= b->rejected, "oversized %zu of %zu",
	    b->oversized, b->rejected);
	FUZZ_CHECK((b->rejected > 0) == (b->first_error != NULL),
	    "rejected %zu, first_error %s", b->rejected,
	    b->first_error != NULL ? b->first_error : "NULL");
	for (i = 0; i < b->n; i++) {
		ev = &b->ev[i];
		FUZZ_CHECK(ev->format != NULL, "event %zu: no format", i);
		FUZZ_CHECK((unsigned)ev->source < TT_SRC_COUNT,
		    "event %zu: source %d", i, (int)ev->source);
		FUZZ_CHECK(ev->phase == TT_PHASE_POINT ||
		    ev->phase == TT_PHASE_START || ev->phase == TT_PHASE_FINISH,
		    "event %zu: phase %d", i, (int)ev->phase);
		FUZZ_CHECK(ev->data != NULL, "event %zu: no data", i);
		FUZZ_CHECK(ev->data_len == strlen(ev->data),
		    "event %zu: data_len %zu, strlen %zu", i, ev->data_len,
		    strlen(ev->data));
		/* the decoder's own notes (bounded) come after the check */
		FUZZ_CHECK(ev->data_len <= max + (strstr(ev->data,
		    "\"_teltop\"") != NULL ? 2048 : 0),
		    "event %zu: %zu bytes > %zu", i, ev->data_len, max);
		FUZZ_CHECK(ev->id == 0, "event %zu: id %lld before storing", i,
		    (long long)ev->id);
		/* data_off: data is a copy of the body's bytes there */
		FUZZ_CHECK(ev->data_off == TT_NOT_IN_BODY ||
		    (ev->data_off <= len && ev->data_len <= len -
		    ev->data_off && memcmp(body + ev->data_off, ev->data,
		    ev->data_len) == 0), "event %zu: data is not the body's "
		    "bytes at %zu", i, ev->data_off);
		j = cJSON_ParseWithLength(ev->data, ev->data_len);
		FUZZ_CHECK(j != NULL, "event %zu: data is not JSON: %.200s", i,
		    ev->data);
		cJSON_Delete(j);
		FUZZ_CHECK(opts->findings || ev->pii == NULL,
		    "event %zu: pii without opts.findings", i);
		fuzz_check_pii(ev, i);
	}
}

#endif
