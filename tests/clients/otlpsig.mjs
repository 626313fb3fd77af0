// otlpsig.mjs BASE (proto|json) --tag TAG
//
// Sends OpenTelemetry logs and metrics to teltop with the real OTLP/HTTP
// exporters of OpenTelemetry JS (protobuf: exporter-logs-otlp-proto and
// exporter-metrics-otlp-proto; JSON: the -http ones) through the SDKs:
//   logs: a WARN record with the body "cache miss for TAG" and an ERROR
//         record named "build.finished" whose body is "build failed: exit
//         status 2", with attributes command and user.id;
//   metrics: a counter "TAG.requests" (3, then 4 more), a histogram
//         "TAG.duration" (ms: 12 and 40), a gauge "TAG.queue" (7).
// The resource has service.name "it-otlp" and service.instance.id "inst-TAG".
//
// Prints one JSON line per export {"signal","code"}; exit 0 only when the
// logs and the metrics exports all succeeded (code 0), 1 otherwise.
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPLogExporter as LogsProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as LogsJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter as MetricsProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPMetricExporter as MetricsJson } from '@opentelemetry/exporter-metrics-otlp-http';

const [base, mode] = process.argv.slice(2);
let tag = 'sig';
for (let i = 2; i < process.argv.length; i++)
	if (process.argv[i] === '--tag')
		tag = process.argv[++i];
if (!base || (mode !== 'proto' && mode !== 'json')) {
	console.error('usage: otlpsig.mjs BASE proto|json --tag TAG');
	process.exit(2);
}

const results = [];
// Record each export's result code as the SDK gets it.
function recording(exporter, signal) {
	const orig = exporter.export.bind(exporter);
	exporter.export = (items, cb) => orig(items, (res) => {
		results.push({ signal, code: res.code, error: res.error ? String(res.error) : undefined });
		console.log(JSON.stringify({ signal, code: res.code }));
		cb(res);
	});
	return exporter;
}

const resource = resourceFromAttributes({ 'service.name': 'it-otlp',
    'service.instance.id': `inst-${tag}`, 'service.version': '1.2.3' });

const logExporter = recording(mode === 'proto' ?
    new LogsProto({ url: `${base}/v1/logs` }) : new LogsJson({ url: `${base}/v1/logs` }), 'logs');
const lp = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] });
const logger = lp.getLogger('it-logger');
logger.emit({ severityNumber: SeverityNumber.WARN, severityText: 'WARN',
    body: `cache miss for ${tag}`, attributes: { command: 'werf converge' } });
logger.emit({ severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', eventName: 'build.finished',
    body: 'build failed: exit status 2', attributes: { 'user.id': `user-${tag}` } });
await lp.forceFlush();
await lp.shutdown();

const metricExporter = recording(mode === 'proto' ?
    new MetricsProto({ url: `${base}/v1/metrics` }) : new MetricsJson({ url: `${base}/v1/metrics` }),
    'metrics');
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 600000 });
const mp = new MeterProvider({ resource, readers: [reader] });
const meter = mp.getMeter('it-meter');
const counter = meter.createCounter(`${tag}.requests`, { unit: '1' });
counter.add(3, { route: '/a' });
counter.add(4, { route: '/a' });
const hist = meter.createHistogram(`${tag}.duration`, { unit: 'ms' });
hist.record(12);
hist.record(40);
meter.createObservableGauge(`${tag}.queue`).addCallback((r) => r.observe(7));
await reader.forceFlush();
await mp.shutdown();

const bad = results.filter((r) => r.code !== 0);
const signals = new Set(results.map((r) => r.signal));
if (bad.length > 0 || !signals.has('logs') || !signals.has('metrics')) {
	console.error('failed exports: ' + JSON.stringify(bad.length > 0 ? bad : results));
	process.exit(1);
}
process.exit(0);
