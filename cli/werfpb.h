/*
 * werf's telemetry spans (formats.md §6.2) as an OTLP protobuf
 * ExportTraceServiceRequest, packed with the generated protobuf-c code.
 * Shared by `teltop wrap --as werf` and `teltop demo`.
 */
#ifndef TT_WERFPB_H
#define TT_WERFPB_H

#include <stddef.h>
#include <stdint.h>

/* One werf event: the span's attributes, its ids and its time. */
struct werf_span {
	int64_t		 ts_ms;		/* "ts" and span times */
	const char	*execution_id;	/* UUIDv4, one per process */
	const char	*user_id;	/* SHA-256 hex, or "" */
	const char	*project_id;	/* SHA-256 hex, or "" */
	const char	*command;	/* "werf converge" */
	const char	*event_type;	/* "CommandStarted", ... */
	const char	*event_data;	/* JSON text */
	const char	*attributes;	/* JSON text */
	uint8_t		 trace_id[16];	/* one trace per span */
	uint8_t		 span_id[8];
};

/*
 * The request body for n spans, from one process whose executable is named
 * exe (the SDK's "unknown_service:<exe>").  *len is its size; caller frees.
 */
uint8_t	*werf_pack(const struct werf_span *, size_t n, const char *exe,
	    size_t *len);

#endif
