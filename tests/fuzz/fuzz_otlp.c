/*
 * libFuzzer target: OTLP protobuf on /v1/traces (core/formats/otlp.c through
 * the generated protobuf-c code).  The whole input is the
 * ExportTraceServiceRequest body; seeds are werf's spans and a span with
 * nested arrays and key/value lists, packed by mkseeds.  The same checks as
 * fuzz_decode hold for the result, the findings made on the tree included.
 */
#include "fuzz_events.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tt_decode_opts	 opts;
	struct tt_batch		 b;
	char			*cause = NULL;
	int			 rc;

	memset(&opts, 0, sizeof opts);
	opts.protobuf = 1;
	opts.findings = 1;
	opts.received_at = 1767225600000000LL;
	tt_batch_init(&b);
	rc = tt_decode(TT_ROUTE_OTLP_TRACES, data, size, &opts, &b, &cause);
	fuzz_check_batch(rc, cause, &b, &opts, data, size);
	free(cause);
	tt_batch_clear(&b);
	return 0;
}
