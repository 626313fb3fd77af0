// wsclient.mjs URL [--tag TAG] [--only pipelined]
//
// Talks to teltop's WebSocket ingest endpoint (design.md: /ws, subprotocol
// "teltop-ingest" or none; one JSON reply per message) with the `ws` library
// and checks every reply.  Cases, in order, on one connection:
//   single     one JSON event                      -> ok, accepted 1
//   array      a JSON array of 3 events            -> ok, accepted 3
//   ndjson     2 events as NDJSON                  -> ok, accepted 2
//   malformed  broken JSON                         -> ok:false + error
//   fragmented a 2-event array in 3 frames (fin:false, fin:false, fin:true)
//                                                  -> ok, accepted 2
//   partial    [good event, 42]                    -> ok, accepted 1, rejected 1, errors[]
//   binary     a binary frame holding one event    -> a reply (ok or not) or a
//              close with 1003; either way a new connection still works
// then on new connections:
//   noproto    no subprotocol, one event           -> ok, accepted 1
//   oversized  one 3 MiB event                     -> refused (ok:false or rejected 1,
//              or a close 1009), and a new connection still works
// and with --only pipelined, that case alone (not in the run above):
//   pipelined  120 arrays of 100 events sent without waiting (client_id
//              "wsp-TAG")                          -> 120 replies, each accepted 100
//
// Every event carries "name":"ws-<case>-<n>-TAG" and "client_id":"ws-TAG".
// Prints one JSON line per case: {"case","ok","why"?,"reply"}.  Exit 0 only
// when every case passed.
import WebSocket from 'ws';

let url = null;
let tag = 'wsc';
let only = null;
for (let i = 2; i < process.argv.length; i++) {
	const a = process.argv[i];
	if (a === '--tag')
		tag = process.argv[++i];
	else if (a === '--only')
		only = process.argv[++i];
	else if (!url)
		url = a;
}
if (!url) {
	console.error('usage: wsclient.mjs ws://HOST:PORT/ws [--tag TAG] [--only pipelined]');
	process.exit(2);
}

const TIMEOUT = 5000;
const PIPE_MESSAGES = 120;	// of 100 events, ~7.5 MB in all
let failed = 0;

function ev(kase, n, extra = {}) {
	return {
		name: `ws-${kase}-${n}-${tag}`,
		ts: '2026-01-05T12:00:00.000Z',
		client_id: `ws-${tag}`,
		command: 'ws test',
		...extra,
	};
}

function report(kase, ok, why, reply) {
	const line = { case: kase, ok };
	if (why)
		line.why = why;
	line.reply = reply === undefined ? null : reply;
	console.log(JSON.stringify(line));
	if (!ok)
		failed++;
}

// A connection whose incoming messages are queued; next() waits for one.
// Server pushes ({"type":"optout",…}) are skipped.
function connect(protocols) {
	return new Promise((resolve, reject) => {
		const ws = protocols ? new WebSocket(url, protocols) : new WebSocket(url);
		const queue = [];
		const waiters = [];
		let closed = null;
		ws.on('message', (data, isBinary) => {
			let msg;
			try {
				msg = JSON.parse(data.toString('utf8'));
			} catch {
				msg = { _unparsable: data.toString('utf8'), _binary: isBinary };
			}
			if (msg && typeof msg === 'object' && !Array.isArray(msg) &&
			    typeof msg.type === 'string' && !('ok' in msg))
				return;
			if (waiters.length)
				waiters.shift()({ msg });
			else
				queue.push({ msg });
		});
		ws.on('close', (code, reason) => {
			closed = { code, reason: reason.toString() };
			while (waiters.length)
				waiters.shift()({ closed });
		});
		ws.on('error', (e) => {
			if (ws.readyState === WebSocket.CONNECTING)
				reject(e);
		});
		ws.on('open', () => {
			resolve({
				ws,
				protocol: ws.protocol,
				next() {
					if (queue.length)
						return Promise.resolve(queue.shift());
					if (closed)
						return Promise.resolve({ closed });
					return new Promise((res) => {
						const t = setTimeout(() => {
							const i = waiters.indexOf(w);
							if (i >= 0)
								waiters.splice(i, 1);
							res({ timeout: true });
						}, TIMEOUT);
						const w = (v) => { clearTimeout(t); res(v); };
						waiters.push(w);
					});
				},
			});
		});
	});
}

function isOk(reply, accepted, extra = {}) {
	if (!reply || reply.ok !== true)
		return `expected ok:true`;
	if (reply.accepted !== accepted)
		return `expected accepted ${accepted}, got ${reply.accepted}`;
	if (typeof reply.dropped !== 'number')
		return 'reply has no numeric "dropped"';
	if ('rejected' in extra) {
		if (reply.rejected !== extra.rejected)
			return `expected rejected ${extra.rejected}, got ${reply.rejected}`;
		if (!Array.isArray(reply.errors) || reply.errors.length === 0)
			return 'expected a non-empty "errors" array';
	} else if (reply.rejected) {
		return `unexpected rejected ${reply.rejected}`;
	}
	return null;
}

async function exchange(c, kase, send, check) {
	send();
	const r = await c.next();
	if (r.timeout)
		return report(kase, false, `no reply within ${TIMEOUT} ms`);
	if (r.closed)
		return report(kase, false, `connection closed ${r.closed.code} ${r.closed.reason}`);
	const why = check(r.msg);
	report(kase, !why, why, r.msg);
}

async function stillWorks(kase, protocols) {
	try {
		const c = await connect(protocols);
		await exchange(c, kase, () => c.ws.send(JSON.stringify(ev(kase, 1))),
		    (m) => isOk(m, 1));
		c.ws.close();
	} catch (e) {
		report(kase, false, `connect failed: ${e.message}`);
	}
}

async function main() {
	let c;
	try {
		c = await connect(['teltop-ingest']);
	} catch (e) {
		report('connect', false, `connect failed: ${e.message}`);
		return;
	}
	report('subprotocol', c.protocol === 'teltop-ingest',
	    c.protocol === 'teltop-ingest' ? null : `server chose "${c.protocol}"`,
	    { protocol: c.protocol });

	await exchange(c, 'single', () => c.ws.send(JSON.stringify(ev('single', 1))),
	    (m) => isOk(m, 1));
	await exchange(c, 'array',
	    () => c.ws.send(JSON.stringify([ev('array', 1), ev('array', 2), ev('array', 3)])),
	    (m) => isOk(m, 3));
	await exchange(c, 'ndjson',
	    () => c.ws.send(JSON.stringify(ev('ndjson', 1)) + '\n' + JSON.stringify(ev('ndjson', 2)) + '\n'),
	    (m) => isOk(m, 2));
	await exchange(c, 'malformed', () => c.ws.send('{"name": "ws-malformed-1", "ts": '),
	    (m) => (m && m.ok === false && typeof m.error === 'string' && m.error.length > 0)
		? null : 'expected {"ok":false,"error":"…"}');
	await exchange(c, 'fragmented', () => {
		const whole = JSON.stringify([ev('fragmented', 1), ev('fragmented', 2)]);
		const a = Math.floor(whole.length / 3), b = Math.floor(2 * whole.length / 3);
		c.ws.send(whole.slice(0, a), { fin: false });
		c.ws.send(whole.slice(a, b), { fin: false });
		c.ws.send(whole.slice(b), { fin: true });
	}, (m) => isOk(m, 2));
	await exchange(c, 'partial',
	    () => c.ws.send(JSON.stringify([ev('partial', 1), 42])),
	    (m) => isOk(m, 1, { rejected: 1 }));

	// Binary frame: not a text frame, so any clear answer is fine.
	c.ws.send(Buffer.from(JSON.stringify(ev('binary', 1))), { binary: true });
	const r = await c.next();
	if (r.timeout)
		report('binary', false, `no reply and no close within ${TIMEOUT} ms`);
	else if (r.closed)
		report('binary', r.closed.code === 1003 || r.closed.code === 1007,
		    r.closed.code === 1003 || r.closed.code === 1007 ? null : `closed with ${r.closed.code}`,
		    { closed: r.closed });
	else if (r.msg.ok === false)
		report('binary', typeof r.msg.error === 'string' ? true : false,
		    typeof r.msg.error === 'string' ? null : 'ok:false without error', r.msg);
	else
		report('binary', !isOk(r.msg, 1), isOk(r.msg, 1), r.msg);
	c.ws.close();

	await stillWorks('after-binary', ['teltop-ingest']);
	await stillWorks('noproto', null);

	// One event bigger than the 2 MiB event limit.
	try {
		const big = await connect(['teltop-ingest']);
		big.ws.send(JSON.stringify(ev('oversized', 1, { pad: 'x'.repeat(3 * 1024 * 1024) })));
		const o = await big.next();
		if (o.timeout)
			report('oversized', false, `no reply and no close within ${TIMEOUT} ms`);
		else if (o.closed)
			report('oversized', o.closed.code === 1009, o.closed.code === 1009 ? null :
			    `closed with ${o.closed.code}`, { closed: o.closed });
		else if (o.msg.ok === false)
			report('oversized', true, null, o.msg);
		else
			report('oversized', o.msg.accepted === 0 && o.msg.rejected === 1,
			    o.msg.accepted === 0 && o.msg.rejected === 1 ? null :
			    'a 3 MiB event was not refused', o.msg);
		big.ws.close();
	} catch (e) {
		report('oversized', false, `connect failed: ${e.message}`);
	}
	await stillWorks('after-oversized', ['teltop-ingest']);
}

// pipelined: more events sent at once than the collector holds before it
// pauses a sender (4 MiB); every reply must still come, in order
async function pipelined() {
	try {
		const p = await connect(['teltop-ingest']);
		const pad = 'p'.repeat(600);
		for (let m = 1; m <= PIPE_MESSAGES; m++) {
			const a = [];
			for (let k = 1; k <= 100; k++)
				a.push(ev('pipelined', (m - 1) * 100 + k,
				    { client_id: `wsp-${tag}`, pad }));
			p.ws.send(JSON.stringify(a));
		}
		let why = null, last = null;
		for (let m = 1; m <= PIPE_MESSAGES && !why; m++) {
			const r = await p.next();
			if (r.timeout)
				why = `reply ${m}: none within ${TIMEOUT} ms`;
			else if (r.closed)
				why = `reply ${m}: connection closed ${r.closed.code}`;
			else if ((why = isOk(r.msg, 100)) !== null)
				why = `reply ${m}: ${why}`;
			last = r.msg;
		}
		report('pipelined', !why, why, last);
		p.ws.close();
	} catch (e) {
		report('pipelined', false, `connect failed: ${e.message}`);
	}
}

await (only === 'pipelined' ? pipelined() : main());
process.exit(failed ? 1 : 0);
