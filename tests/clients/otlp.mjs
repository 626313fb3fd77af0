// otlp.mjs URL proto|json [--gzip] [--tag TAG] [--batch]
// otlp.mjs --dump FILE [--tag TAG]
//
// Sends werf-shaped spans (formats.md §6.2) to teltop with the real
// OpenTelemetry JS SDK and OTLP/HTTP exporter (protobuf or JSON), like werf's
// otlptracehttp exporter does: one CommandStarted, one CommandExited
// (eventData {"exitCode":3,"durationMs":1234}), both under the instrumentation
// scope "telemetry.werf.io", plus one plain non-werf span "plain-span-TAG"
// lasting exactly 250 ms under another scope.
//
// The Node exporter streams the body (no Content-Length), so every request
// is chunked; --gzip adds Content-Encoding: gzip.  --batch uses a
// BatchSpanProcessor instead of a SimpleSpanProcessor.
//
// Identifiers are derived from TAG (default: "otlp-<mode>[-gzip]"):
//   executionID = "exec-TAG", userID = "user-TAG", command "werf converge",
//   ts = 1767614400000 (2026-01-05T12:00:00.000Z) for CommandStarted,
//        1767614401234 for CommandExited.
//
// With --dump FILE nothing is sent: the same spans are serialized as an OTLP
// protobuf ExportTraceServiceRequest into FILE (for curl-based cases).
//
// Prints one JSON line per export {"export":N,"code":0|1,"error":…}; exits 0
// only when at least one export ran and every export succeeded.
import { writeFileSync } from 'node:fs';
import { SpanKind } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
	BasicTracerProvider,
	BatchSpanProcessor,
	SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

let url = null;
let mode = null;
let gzip = false;
let batch = false;
let tag = null;
let dump = null;
for (let i = 2; i < process.argv.length; i++) {
	const a = process.argv[i];
	if (a === '--gzip')
		gzip = true;
	else if (a === '--batch')
		batch = true;
	else if (a === '--tag')
		tag = process.argv[++i];
	else if (a === '--dump')
		dump = process.argv[++i];
	else if (!url)
		url = a;
	else if (!mode)
		mode = a;
}
if (!dump && (!url || (mode !== 'proto' && mode !== 'json'))) {
	console.error('usage: otlp.mjs URL proto|json [--gzip] [--tag TAG] [--batch]\n       otlp.mjs --dump FILE [--tag TAG]');
	process.exit(2);
}
if (!tag)
	tag = dump ? 'otlp-dump' : `otlp-${mode}${gzip ? '-gzip' : ''}`;

// An exporter that forwards to the real one and remembers each result.
const results = [];
let inner;
if (dump) {
	inner = {
		export(spans, cb) {
			const bytes = ProtobufTraceSerializer.serializeRequest(spans);
			writeFileSync(dump, bytes);
			cb({ code: 0 });
		},
		shutdown() { return Promise.resolve(); },
		forceFlush() { return Promise.resolve(); },
	};
} else {
	const Exporter = mode === 'proto' ? ProtoExporter : JsonExporter;
	inner = new Exporter({
		url,
		compression: gzip ? 'gzip' : 'none',
		timeoutMillis: 5000,
	});
}
const exporter = {
	export(spans, cb) {
		inner.export(spans, (r) => {
			const line = { export: results.length + 1, spans: spans.length, code: r.code };
			if (r.error)
				line.error = String(r.error.message || r.error);
			results.push(line);
			console.log(JSON.stringify(line));
			cb(r);
		});
	},
	shutdown() { return inner.shutdown(); },
	forceFlush() { return inner.forceFlush ? inner.forceFlush() : Promise.resolve(); },
};

const processor = batch && !dump
	? new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1, maxExportBatchSize: 512 })
	: new SimpleSpanProcessor(exporter);
// With --dump every span must land in one request: collect them first.
const collected = [];
const provider = new BasicTracerProvider({
	resource: resourceFromAttributes({
		'service.name': 'unknown_service:werf',
		'telemetry.sdk.language': 'go',
	}),
	spanProcessors: dump
		? [{
			onStart() {},
			onEnd(span) { collected.push(span); },
			shutdown() { return Promise.resolve(); },
			forceFlush() { return Promise.resolve(); },
		}]
		: [processor],
});

const werf = provider.getTracer('telemetry.werf.io');
const other = provider.getTracer('integration-test', '1.0.0');
const attributes = JSON.stringify({ arch: 'amd64', os: 'linux', version: '2.35.0', extra: {} });
const common = {
	executionID: `exec-${tag}`,
	userID: `user-${tag}`,
	projectID: `project-${tag}`,
	command: 'werf converge',
	attributes,
	schemaVersion: 2,
};
const t0 = 1767614400000; // 2026-01-05T12:00:00.000Z

function werfSpan(eventType, ts, eventData) {
	const s = werf.startSpan('telemetry.werf.io', {
		kind: SpanKind.INTERNAL,
		startTime: new Date(ts),
		attributes: { ts, ...common, eventType, eventData: JSON.stringify(eventData) },
	});
	s.end(new Date(ts));
}

werfSpan('CommandStarted', t0, { commandOptions: [{ name: 'repo', asCli: false, asEnv: false, count: 0 }] });
werfSpan('CommandExited', t0 + 1234, { exitCode: 3, durationMs: 1234 });
const plain = other.startSpan(`plain-span-${tag}`, {
	kind: SpanKind.SERVER,
	startTime: [1767614402, 0],
	attributes: { 'http.method': 'GET', 'test.tag': tag },
});
plain.end([1767614402, 250000000]);

if (dump) {
	exporter.export(collected, () => {});
} else {
	try {
		await provider.forceFlush();
		await provider.shutdown();
	} catch (e) {
		results.push({ code: 1, error: `flush: ${e}` });
	}
}

let bad = results.length === 0;
if (bad)
	console.error('otlp.mjs: nothing was exported');
for (const r of results) {
	if (r.code !== 0) {
		console.error(`otlp.mjs: export failed: ${r.error}`);
		bad = true;
	}
}
process.exit(bad ? 1 : 0);
