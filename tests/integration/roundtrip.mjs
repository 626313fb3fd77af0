// roundtrip.mjs: compare two `teltop export` files (tests/integration).
//
//   node roundtrip.mjs A.jsonl B.jsonl [--times kept|new]
//
// Every record of A with its bytes (body_base64 not null) must have its
// counterpart in B, in order: the same method, route, content type,
// headers and bytes, and the same events: source, format, name and every
// normalized field but the id (and, for captured traffic sent again
// directly, its via/host/request).  --times kept (import): received_at
// and ts are the same too; --times new (replay): ts only where the event
// had its own.  A WebSocket message comes back as POST /v1/events.
// Prints the (source, format) pairs compared, one per line.
import { readFileSync } from 'node:fs';

const [fa, fb, , times = 'kept'] = process.argv.slice(2);
const read = (f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
const a = read(fa).filter((r) => r.body_base64 !== null);
const b = read(fb).filter((r) => r.body_base64 !== null);
const die = (msg) => { process.stderr.write(msg + '\n'); process.exit(1); };
const show = (v) => JSON.stringify(v).slice(0, 600);

if (a.length === 0)
	die(`${fa}: no record with its bytes`);
if (b.length !== a.length)
	die(`${a.length} records sent, ${b.length} came back`);
const pairs = new Set();
for (let i = 0; i < a.length; i++) {
	const ra = a[i], rb = b[i];
	const ws = ra.method === 'WS';
	const want = {
		method: ws ? 'POST' : ra.method,
		route: ws ? '/v1/events' : ra.route,
		content_type: ra.content_type,
		headers: ra.headers,
		body_base64: ra.body_base64,
	};
	for (const k of Object.keys(want))
		if (JSON.stringify(want[k]) !== JSON.stringify(rb[k]))
			die(`record ${i}: ${k} ${show(rb[k])}, expected ${show(want[k])}\n  sent: ${show(ra)}`);
	if (times === 'kept' && ra.received_at !== rb.received_at)
		die(`record ${i}: received_at ${rb.received_at}, expected ${ra.received_at}`);
	if (ra.events.length !== rb.events.length)
		die(`record ${i}: ${rb.events.length} events, expected ${ra.events.length}\n  sent: ${show(ra)}\n  got: ${show(rb)}`);
	for (let k = 0; k < ra.events.length; k++) {
		const ea = { ...ra.events[k] }, eb = { ...rb.events[k] };
		for (const e of [ea, eb]) {
			delete e.id;
			/* where it was stored: a store shared by collectors
			 * names one, a SQLite file none */
			delete e.collector;
			if (ra.host !== undefined) {
				delete e.via;
				delete e.host;
				delete e.request;
			}
		}
		if (times !== 'kept') {
			if (ea.ts === ea.received_at)
				delete ea.ts, delete eb.ts;
			delete ea.received_at;
			delete eb.received_at;
		}
		if (JSON.stringify(ea) !== JSON.stringify(eb))
			die(`record ${i} event ${k}:\n  got      ${show(eb)}\n  expected ${show(ea)}`);
		pairs.add(`${ea.source} ${ea.format}`);
	}
}
for (const p of [...pairs].sort())
	console.log(p);
