// grpcraw.mjs HOST:PORT TEXT CODE
//
// One OTLP LogsService/Export call over gRPC with @grpc/grpc-js, its
// ExportLogsServiceRequest written here field by field (numbers from
// opentelemetry/proto/logs/v1/logs.proto): one log record, now, severity
// INFO, body TEXT.  Prints {"code","details"}; exit 0 when the status is
// CODE (0 OK, 14 UNAVAILABLE, ...), 1 otherwise.  For the fault tests, which
// make the collector's commits fail.
import grpc from '@grpc/grpc-js';

const [addr, text, want] = process.argv.slice(2);
if (!addr || text === undefined || want === undefined) {
	console.error('usage: grpcraw.mjs HOST:PORT TEXT CODE');
	process.exit(2);
}

function varint(n) {
	const out = [];
	let v = BigInt(n);
	do {
		let b = Number(v & 0x7fn);
		v >>= 7n;
		if (v > 0n)
			b |= 0x80;
		out.push(b);
	} while (v > 0n);
	return Buffer.from(out);
}
// a length-delimited field (wire type 2)
const ld = (field, bytes) => Buffer.concat([varint(field << 3 | 2), varint(bytes.length), bytes]);

const time = Buffer.alloc(8);
time.writeBigUInt64LE(BigInt(Date.now()) * 1000000n);
const record = Buffer.concat([
	Buffer.from([0x09]), time,			// time_unix_nano, fixed64
	Buffer.from([0x10, 9]),				// severity_number INFO
	ld(5, ld(1, Buffer.from(text))),		// body: AnyValue.string_value
]);
// ExportLogsServiceRequest.resource_logs > ResourceLogs.scope_logs >
// ScopeLogs.log_records
const message = ld(1, ld(2, ld(2, record)));

const raw = (b) => b;
const Client = grpc.makeGenericClientConstructor({}, 'raw', {});
const client = new Client(addr, grpc.credentials.createInsecure());
client.makeUnaryRequest('/opentelemetry.proto.collector.logs.v1.LogsService/Export',
    raw, raw, message, { deadline: Date.now() + 20000 }, (err) => {
	const r = err ? { code: err.code, details: err.details } : { code: 0, details: '' };
	console.log(JSON.stringify(r));
	client.close();
	process.exit(r.code === Number(want) ? 0 : 1);
});
