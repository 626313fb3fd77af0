// bench/healthz.mjs ADDR: how long GET /healthz takes while a 20 MiB body
// is being received and decoded.  Prints "healthz p50/max ms during a N MiB
// decode: A / B (n=K)".  The body is an array of generic events of ~250 B,
// under the per-request event cap.
import http from 'node:http';

const [host, port] = process.argv[2].split(':');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const ev = (i) => ({ name: 'bench-big', ts: 1764590000000 + i, source: 'generic',
	props: { i, pad: 'x'.repeat(180), ok: true } });
const parts = [];
let size = 0, i = 0;
while (size < 20 * 1024 * 1024 - 512) {
	const s = JSON.stringify(ev(i++));
	parts.push(s);
	size += s.length + 1;
}
const body = Buffer.from('[' + parts.join(',') + ']');

function get() {
	return new Promise((res, rej) => {
		const t0 = process.hrtime.bigint();
		http.get({ host, port, path: '/healthz', agent }, (r) => {
			r.resume();
			r.on('end', () => res(Number(process.hrtime.bigint() - t0) / 1e6));
		}).on('error', rej);
	});
}

let done = false;
const big = new Promise((res, rej) => {
	const r = http.request({ host, port, path: '/v1/events', method: 'POST',
	    headers: { 'content-type': 'application/json', 'content-length': body.length } }, (rs) => {
		let b = '';
		rs.on('data', (d) => b += d);
		rs.on('end', () => { done = true; res([rs.statusCode, b]); });
	});
	r.on('error', rej);
	r.end(body);
});
const lat = [];
while (!done) {
	lat.push(await get());
}
const [st, b] = await big;
lat.sort((a, b) => a - b);
const p50 = lat[Math.floor(lat.length / 2)] ?? 0, max = lat[lat.length - 1] ?? 0;
console.log(`healthz p50/max ms during a ${(body.length / 1048576).toFixed(0)} MiB decode (${i} events, reply ${st}): ${p50.toFixed(1)} / ${max.toFixed(1)} (n=${lat.length})`);
if (st !== 200) { console.error(b.slice(0, 300)); process.exit(1); }
agent.destroy();
