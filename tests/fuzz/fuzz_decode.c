/*
 * libFuzzer target: tt_decode() on every route (core/decode.c and the
 * decoders of core/formats/).  The first byte picks the route, protobuf or
 * JSON on /v1/traces and the event size limit (fuzz_events.h); the rest is
 * the body, already transport-decoded, as ws/server.c hands it over.
 *
 * Beyond not crashing, every result must keep decode.h's promises: a cause
 * exactly on failure, events with a format, a valid source and phase, and
 * data that is JSON of at most the limit.
 */
#include "fuzz_events.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tt_decode_opts	 opts;
	struct tt_batch		 b;
	enum tt_route		 route;
	char			*cause = NULL;
	int			 rc;

	if (size < 1)
		return 0;
	route = fuzz_route(data[0], &opts);
	tt_batch_init(&b);
	rc = tt_decode(route, data + 1, size - 1, &opts, &b, &cause);
	fuzz_check_batch(rc, cause, &b, &opts, data + 1, size - 1);
	free(cause);
	tt_batch_clear(&b);
	return 0;
}
