// grpc.mjs HOST:PORT --tag TAG
//
// OTLP over gRPC against teltop's gRPC listener, with the real exporters
// of OpenTelemetry JS (exporter-{trace,logs,metrics}-otlp-grpc, over
// @grpc/grpc-js, plaintext h2): one span "grpc-span-TAG" (gzip-compressed),
// one ERROR log record "grpc-log-TAG", one counter "TAG.grpc" of 5.  Then,
// with @grpc/grpc-js itself, calls that must be refused with a status:
//   bad    TraceService/Export with bytes that are no ExportTraceServiceRequest:
//          3 INVALID_ARGUMENT
//   method an Export of a service teltop does not serve: 12 UNIMPLEMENTED
//   large  a message over teltop's 20 MiB limit: 8 RESOURCE_EXHAUSTED
//
// Prints one JSON line per call {"call","code","details"}; exit 0 only when
// the exports succeeded and each refusal had its code; 1 otherwise.
import grpc from '@grpc/grpc-js';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';

const addr = process.argv[2];
let tag = 'grpc';
for (let i = 3; i < process.argv.length; i++)
	if (process.argv[i] === '--tag')
		tag = process.argv[++i];
if (!addr) {
	console.error('usage: grpc.mjs HOST:PORT --tag TAG');
	process.exit(2);
}
const url = `http://${addr}`;
const failures = [];

function recording(exporter, call) {
	const orig = exporter.export.bind(exporter);
	exporter.export = (items, cb) => orig(items, (res) => {
		console.log(JSON.stringify({ call, code: res.code,
		    details: res.error ? String(res.error) : '' }));
		if (res.code !== 0)
			failures.push(`${call}: ${res.error}`);
		cb(res);
	});
	return exporter;
}

const resource = resourceFromAttributes({ 'service.name': 'it-grpc',
    'service.instance.id': `inst-${tag}` });

const tp = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(
    recording(new OTLPTraceExporter({ url, compression: 'gzip' }), 'traces'))] });
tp.getTracer('it').startSpan(`grpc-span-${tag}`).end();
await tp.forceFlush();
await tp.shutdown();

const lp = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({
    exporter: recording(new OTLPLogExporter({ url }), 'logs') })] });
lp.getLogger('it').emit({ severityNumber: SeverityNumber.ERROR, severityText: 'ERROR',
    body: `grpc-log-${tag}` });
await lp.forceFlush();
await lp.shutdown();

const reader = new PeriodicExportingMetricReader({
    exporter: recording(new OTLPMetricExporter({ url }), 'metrics'), exportIntervalMillis: 600000 });
const mp = new MeterProvider({ resource, readers: [reader] });
mp.getMeter('it').createCounter(`${tag}.grpc`).add(5);
await reader.forceFlush();
await mp.shutdown();

// Raw calls: bytes in, bytes out, to see the statuses teltop answers.
const raw = (b) => b;
const Client = grpc.makeGenericClientConstructor({}, 'raw', {});
const client = new Client(addr, grpc.credentials.createInsecure());
function call(path, bytes) {
	return new Promise((resolve) => {
		client.makeUnaryRequest(path, raw, raw, bytes, { deadline: Date.now() + 10000 },
		    (err) => resolve(err ? { code: err.code, details: err.details } : { code: 0, details: '' }));
	});
}
const want = [
	['bad', '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
	    Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), grpc.status.INVALID_ARGUMENT],
	['method', '/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export',
	    Buffer.alloc(0), grpc.status.UNIMPLEMENTED],
	['large', '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
	    Buffer.alloc(21 * 1024 * 1024), grpc.status.RESOURCE_EXHAUSTED],
];
for (const [name, path, bytes, code] of want) {
	const r = await call(path, bytes);
	console.log(JSON.stringify({ call: name, code: r.code, details: r.details }));
	if (r.code !== code)
		failures.push(`${name}: code ${r.code} (${r.details}), want ${code}`);
}
client.close();

for (const f of failures)
	console.error(f);
process.exit(failures.length === 0 ? 0 : 1);
