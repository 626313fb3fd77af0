/*
 * What the OTLP decoders share (core/formats/otlp.c for traces, otlpsig.c
 * for logs and metrics): attributes and AnyValues to JSON, ids and times.
 */
#ifndef TT_OTLP_INT_H
#define TT_OTLP_INT_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "otlp.pb-c.h"

#define OTLP_ID_HEX	33	/* a 16-byte id in hex, and its NUL */

/* n bytes as lowercase hex into out (outlen bytes with the NUL). */
void	 otlp_hex(const uint8_t *, size_t n, char *out, size_t outlen);
/* An id as OTLP/JSON sends it (hex, any case), lowercased into out. */
void	 otlp_lower_id(const char *, char *out, size_t len);
/*
 * A time in ns kept when it is in range; otherwise 0, with why in bad
 * (key and text name it, for a note on the event).
 */
uint64_t otlp_ns(uint64_t ns, const char *key, const char *text, char *bad,
	    size_t len);
/* The same for OTLP/JSON's number or decimal string; 0 when absent. */
uint64_t otlp_js_nanos(const cJSON *, const char *key, char *bad,
	    size_t len);
/* Protobuf KeyValues -> {key: value}; AnyValue -> a JSON value. */
cJSON	*otlp_pb_kvs(Teltop__Otlp__KeyValue **, size_t n, int depth);
cJSON	*otlp_pb_any(const Teltop__Otlp__AnyValue *, int depth);
/* OTLP/JSON [{"key","value"}] -> {key: value}; an AnyValue object. */
cJSON	*otlp_js_kvs(const cJSON *);
cJSON	*otlp_js_any(const cJSON *);

#endif
