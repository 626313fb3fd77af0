// http.mjs: raw HTTP/1.1 and WebSocket scenarios for tests/integration/http.sh.
//
//   node http.mjs SCENARIO HOST:PORT [ARG...]
//
// Each scenario talks to a running `teltop serve` over plain sockets (node's
// `net`, so the bytes on the wire are exactly the ones written here: several
// requests in one write, a body split across writes, a half-close, broken
// framing), or with the `ws` package of tests/clients.  It checks every reply
// it gets and exits 0, or prints "FAIL: why" (with what it got) on stderr and
// exits 1.  Nothing waits for a fixed time: every wait is for a state (a
// reply, a close, an open) and the whole scenario has one deadline,
// HT_TIMEOUT_MS (10000); a reply that must come "at once" has HT_PROMPT_MS
// (3000).  Lines on stdout are for http.sh (which then looks at the database).
//
// Scenarios (M is a marker the caller makes unique; event names derive from it):
//   pipeline MIX M      several requests on one socket, every reply in order;
//                       MIX: get-post, post-post-get, chunked-cl, gzip-metrics,
//                       ten-posts, split.  Prints the stored names it expects.
//   head M              HEAD /healthz pipelined with a GET: no body, in step
//   methods M           PUT/DELETE/GET on routes that do not take them: 405 + Allow
//   framing CASE M      one broken request: 400 (413/431/414) at once; CASE:
//                       cl-negative, cl-nonnumeric, cl-conflict, cl-te, cl-huge,
//                       headers-431, uri-414, gzip-trailing
//   halfclose M         10 clients: POST then shutdown(SHUT_WR): each gets its reply
//   halfclose-refused   requests answered with an error and a close, each sent
//                       then half-closed, 3 times each: every reply comes
//   request METHOD PATH [-H "K: V"]... [--data S] [--no-host]
//                       one request on a fresh socket; prints the reply as JSON
//                       {"status":N,"headers":{lowercase:value},"body":S}
//   healthz             GET /healthz on a fresh socket answers 200 ok
//   ws ORIGIN|- M open|refused   a WebSocket to /ws with that Origin (- none)
//   ws-optout-first M   first event of an opted-out source: optout push + reply
//   buffered N MIB M    N parallel uploads of ~MIB MiB: >= 1 503 + Retry-After,
//                       the others 200, /healthz answering throughout; prints
//                       "accepted K" / "refused K" per upload
//   many-events N M     one body of N tiny events: 413 + error
//   leak VARIANT KEPT REFUSED   a kept event + a DevPod legacy item the decoder
//                       refuses (VARIANT undecodable|oversized|insert-untyped):
//                       200, accepted 1
import net from 'node:net';
import zlib from 'node:zlib';

const TIMEOUT = Number(process.env.HT_TIMEOUT_MS || 10000);
const PROMPT = Number(process.env.HT_PROMPT_MS || 3000);
const START = Date.now();
const DEADLINE = START + TIMEOUT;

const [scenario, addr, ...args] = process.argv.slice(2);
if (!scenario || !addr) {
	console.error('usage: http.mjs SCENARIO HOST:PORT [ARG...] (see the comment at the top)');
	process.exit(2);
}
const [HOST, PORT] = [addr.replace(/:\d+$/, ''), Number(addr.replace(/^.*:/, ''))];

class Fail extends Error {}
function fail(msg) {
	throw new Fail(msg);
}

function show(b, n = 300) {
	const s = Buffer.isBuffer(b) ? b.toString('latin1') : String(b);
	return JSON.stringify(s.length > n ? s.slice(0, n) + `…(${s.length} bytes)` : s);
}

function secs(ms) {
	return `${(ms / 1000).toFixed(ms < 1000 ? 2 : 1)} s`;
}

// ------------------------------------------------------------ requests

// req(METHOD, PATH, {headers, body, chunked, gzip, host}): the bytes of one
// request.  Host is ours unless given (null: none); a body gets
// Content-Type: application/json and Content-Length unless headers say
// otherwise (a header given as null is left out).
function req(method, path, o = {}) {
	let body = o.body === undefined || o.body === null ? null :
	    Buffer.isBuffer(o.body) ? o.body : Buffer.from(o.body);
	const h = [];
	if (o.host !== null)
		h.push(['Host', o.host ?? addr]);
	const given = new Set(Object.keys(o.headers || {}).map((k) => k.toLowerCase()));
	if (body !== null && o.gzip) {
		body = zlib.gzipSync(body);
		h.push(['Content-Encoding', 'gzip']);
	}
	if (body !== null && !given.has('content-type'))
		h.push(['Content-Type', 'application/json']);
	if (body !== null && o.chunked) {
		h.push(['Transfer-Encoding', 'chunked']);
		const half = Math.max(1, body.length >> 1);
		const parts = [body.subarray(0, half), body.subarray(half)].filter((p) => p.length);
		body = Buffer.concat([...parts.flatMap((p) => [Buffer.from(p.length.toString(16) + '\r\n'), p,
		    Buffer.from('\r\n')]), Buffer.from('0\r\n\r\n')]);
	} else if (body !== null && !given.has('content-length')) {
		h.push(['Content-Length', String(body.length)]);
	}
	for (const [k, v] of Object.entries(o.headers || {})) {
		if (v === null)
			continue;
		for (const one of Array.isArray(v) ? v : [v])
			h.push([k, one]);
	}
	const head = `${method} ${path} HTTP/1.1\r\n` + h.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
	return body === null ? Buffer.from(head, 'latin1') : Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

// ------------------------------------------------------------ raw connection

// A client socket that parses the replies to the requests it was told of
// (expect(METHOD)), in order.  Every wait resolves on a state change.
class Conn {
	constructor(sock) {
		this.sock = sock;
		this.buf = Buffer.alloc(0);
		this.methods = [];
		this.replies = [];
		this.eof = false;
		this.closed = false;
		this.error = null;
		this.protoError = null;
		this.waiters = new Set();
		sock.setNoDelay(true);
		sock.on('data', (d) => {
			this.buf = Buffer.concat([this.buf, d]);
			this.parse();
			this.wake();
		});
		sock.on('end', () => {
			this.eof = true;
			this.parse();
			this.wake();
		});
		sock.on('close', () => {
			this.closed = true;
			this.eof = true;
			this.parse();
			this.wake();
		});
		sock.on('error', (e) => {
			this.error = e;
			this.wake();
		});
	}

	static open() {
		return new Promise((resolve, reject) => {
			const s = net.connect({ host: HOST, port: PORT });
			const t = setTimeout(() => { s.destroy(); reject(new Fail(`connect to ${addr}: no answer within ${secs(Math.max(0, DEADLINE - Date.now()))}`)); },
			    Math.max(0, DEADLINE - Date.now()));
			s.once('connect', () => { clearTimeout(t); resolve(new Conn(s)); });
			s.once('error', (e) => { clearTimeout(t); reject(new Fail(`connect to ${addr}: ${e.message}`)); });
		});
	}

	expect(...methods) {
		this.methods.push(...methods);
		return this;
	}

	// write(BYTES): resolves once node has handed them to the kernel.  A
	// write the server refuses (it closed) is not an error here: the test
	// judges by the replies.
	write(bytes) {
		return new Promise((resolve) => {
			if (this.sock.destroyed || this.error)
				return resolve(false);
			this.sock.write(bytes, (e) => resolve(!e));
		});
	}

	// Has the server said anything (or closed)?  A server may answer a
	// body it refuses before the body is all there, then close.
	answered() {
		return this.buf.length > 0 || this.replies.length > 0 || this.eof || this.closed || this.error !== null;
	}

	// writeUntilAnswered(BYTES, PIECE): write BYTES in pieces, each after
	// the one before is with the kernel and after one turn of the event
	// loop (so that a reply already there is read first); stop at the
	// first sign of an answer, as a client that sends
	// "Expect: 100-continue" would.  Resolves to the bytes written.
	async writeUntilAnswered(bytes, piece = 16 * 1024) {
		let at = 0;
		while (at < bytes.length) {
			await new Promise(setImmediate);
			if (this.answered())
				break;
			await this.write(bytes.subarray(at, at + piece));
			at += piece;
		}
		return Math.min(at, bytes.length);
	}

	end() {
		this.sock.end();
	}

	destroy() {
		this.sock.destroy();
	}

	wake() {
		for (const w of [...this.waiters])
			w();
	}

	// until(PRED, WHAT, [LIMIT_MS]): resolve when PRED() holds; fail when
	// the deadline (or LIMIT_MS from now) passes first.
	until(pred, what, limit) {
		const t0 = Date.now();
		const end = Math.min(DEADLINE, limit ? t0 + limit : DEADLINE);
		return new Promise((resolve, reject) => {
			let timer = null;
			const check = () => {
				let v;
				try {
					v = pred();
				} catch (e) {
					done();
					return reject(e);
				}
				if (v) {
					done();
					resolve(v);
				}
			};
			const done = () => {
				clearTimeout(timer);
				this.waiters.delete(check);
			};
			timer = setTimeout(() => {
				done();
				reject(new Fail(`no ${what} within ${secs(end - t0)}` +
				    (limit && end < DEADLINE ? ' (it must come at once)' : '') + `; ${this.state()}`));
			}, Math.max(0, end - t0));
			this.waiters.add(check);
			check();
		});
	}

	state() {
		const r = this.replies.map((x, i) => `#${i + 1} ${this.methods[i] || '?'} ${x.status} ${show(x.body, 120)}`);
		return `replies so far: [${r.join(', ') || 'none'}]` +
		    (this.buf.length ? `; unparsed bytes: ${show(this.buf, 200)}` : '') +
		    (this.protoError ? `; ${this.protoError}` : '') +
		    (this.closed ? '; connection closed' : this.eof ? '; server closed its side' : '') +
		    (this.error ? `; socket error ${this.error.code || this.error.message}` : '');
	}

	// reply(I, [LIMIT_MS]): the I-th reply (0-based), parsed.
	async reply(i, limit) {
		return this.until(() => {
			if (this.replies.length > i)
				return this.replies[i];
			if (this.protoError)
				fail(`reply #${i + 1} (${this.methods[i] || '?'}): ${this.protoError}; ${this.state()}`);
			if (this.closed || (this.eof && !this.buf.length))
				fail(`connection closed before reply #${i + 1} (${this.methods[i] || '?'}); ${this.state()}`);
			return null;
		}, `reply #${i + 1} (${this.methods[i] || '?'})`, limit);
	}

	parse() {
		while (!this.protoError) {
			const hend = this.buf.indexOf('\r\n\r\n');
			if (hend < 0) {
				if (this.eof && this.buf.length)
					this.protoError = `the stream ended inside a reply's headers: ${show(this.buf)}`;
				return;
			}
			const lines = this.buf.subarray(0, hend).toString('latin1').split('\r\n');
			const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0]);
			if (!m) {
				const i = this.replies.length;
				const prev = i > 0 ? ` (after reply #${i} to ${this.methods[i - 1]}: a body where none belongs, or a wrong length?)` : '';
				this.protoError = `bytes that are not a status line where reply #${i + 1} should start${prev}: ${show(this.buf, 160)}`;
				return;
			}
			const status = Number(m[1]);
			const headers = {};
			const list = [];
			for (const l of lines.slice(1)) {
				const c = l.indexOf(':');
				if (c <= 0) {
					this.protoError = `malformed header line ${show(l)}`;
					return;
				}
				const k = l.slice(0, c).trim().toLowerCase(), v = l.slice(c + 1).trim();
				list.push([k, v]);
				headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
			}
			const start = hend + 4;
			if (status >= 100 && status < 200) {
				this.buf = this.buf.subarray(start);
				continue;
			}
			const method = this.methods[this.replies.length] || 'GET';
			let body, end;
			if (method === 'HEAD' || status === 204 || status === 304) {
				body = Buffer.alloc(0);
				end = start;
			} else if (/\bchunked\b/i.test(headers['transfer-encoding'] || '')) {
				const r = dechunk(this.buf, start);
				if (r === null) {
					if (this.eof)
						this.protoError = `the stream ended inside a chunked reply: ${show(this.buf.subarray(start))}`;
					return;
				}
				if (r.error) {
					this.protoError = r.error;
					return;
				}
				({ body, end } = r);
			} else if (headers['content-length'] !== undefined) {
				if (!/^\d+$/.test(headers['content-length'])) {
					this.protoError = `reply with Content-Length ${show(headers['content-length'])}`;
					return;
				}
				const n = Number(headers['content-length']);
				if (this.buf.length < start + n) {
					if (this.eof)
						this.protoError = `the stream ended ${start + n - this.buf.length} bytes short of a reply's Content-Length ${n}`;
					return;
				}
				body = this.buf.subarray(start, start + n);
				end = start + n;
			} else {
				// no length: the body runs to the close
				if (!this.eof)
					return;
				body = this.buf.subarray(start);
				end = this.buf.length;
			}
			this.replies.push({ status, reason: m[2] || '', headers, list, body: Buffer.from(body),
			    text: Buffer.from(body).toString('utf8'), at: Date.now() - START });
			this.buf = this.buf.subarray(end);
		}
	}
}

function dechunk(buf, at) {
	const parts = [];
	for (;;) {
		const le = buf.indexOf('\r\n', at);
		if (le < 0)
			return null;
		const sz = buf.subarray(at, le).toString('latin1').replace(/;.*$/, '').trim();
		if (!/^[0-9a-fA-F]+$/.test(sz))
			return { error: `bad chunk size line ${show(buf.subarray(at, le))}` };
		const n = parseInt(sz, 16);
		at = le + 2;
		if (n === 0) {
			// trailers, then the empty line
			for (;;) {
				const te = buf.indexOf('\r\n', at);
				if (te < 0)
					return null;
				const empty = te === at;
				at = te + 2;
				if (empty)
					return { body: Buffer.concat(parts), end: at };
			}
		}
		if (buf.length < at + n + 2)
			return null;
		parts.push(buf.subarray(at, at + n));
		at += n + 2;
	}
}

// ------------------------------------------------------------ reply checks

function describe(r) {
	return `${r.status} ${show(r.body)}`;
}

function wantStatus(r, want, what) {
	const ok = Array.isArray(want) ? want.includes(r.status) : r.status === want;
	if (!ok)
		fail(`${what}: status ${r.status}, want ${Array.isArray(want) ? want.join(' or ') : want}; body ${show(r.body)}`);
}

function wantJSON(r, obj, what) {
	let v;
	try {
		v = JSON.parse(r.text);
	} catch {
		fail(`${what}: body is not JSON: ${show(r.body)}`);
	}
	if (JSON.stringify(v) !== JSON.stringify(obj))
		fail(`${what}: body ${show(r.body)}, want ${JSON.stringify(obj)}`);
}

function wantError(r, re, what) {
	let v;
	try {
		v = JSON.parse(r.text);
	} catch {
		fail(`${what}: body is not JSON {"error":…}: ${show(r.body)}`);
	}
	if (!v || typeof v.error !== 'string' || v.error === '')
		fail(`${what}: body has no "error" string: ${show(r.body)}`);
	if (re && !re.test(v.error))
		fail(`${what}: error ${JSON.stringify(v.error)} does not match ${re}`);
	return v.error;
}

// A request's expected reply: [status, check(reply, what)].
const ACCEPTED = (n) => [200, (r, w) => wantJSON(r, { accepted: n, dropped: 0 }, w)];
const POSTHOG_OK = [200, (r, w) => {
	if (r.text !== '{"status":1}')
		fail(`${w}: body ${show(r.body)}, want exactly {"status":1}`);
}];
const HEALTHZ_OK = [200, (r, w) => {
	if (r.text.trim() !== 'ok')
		fail(`${w}: body ${show(r.body)}, want "ok"`);
}];
const METRICS_OK = [200, (r, w) => {
	if (!/^teltop_events_received_total \d+$/m.test(r.text))
		fail(`${w}: no teltop_events_received_total sample in ${show(r.body)}`);
}];

function posthogBatch(...names) {
	return JSON.stringify({ api_key: 'phc_ht', batch: names.map((n) => ({ event: n, distinct_id: 'ht-user',
	    timestamp: '2026-01-05T12:00:00Z', properties: { $lib: 'ht' } })) });
}

// ------------------------------------------------------------ scenarios

// Write each request of ITEMS ([bytes, method, [status, check], what]) in
// the writes given by SPLIT (a list of byte counts; default: one write of
// everything), then check every reply in order.
async function exchange(items, split) {
	const c = await Conn.open();
	const all = Buffer.concat(items.map((x) => x[0]));
	c.expect(...items.map((x) => x[1]));
	const cuts = split || [all.length];
	let at = 0;
	for (const n of cuts) {
		await c.write(all.subarray(at, at + n));
		at += n;
	}
	if (at < all.length)
		await c.write(all.subarray(at));
	for (let i = 0; i < items.length; i++) {
		const r = await c.reply(i);
		const [st, chk] = items[i][2];
		const what = `reply #${i + 1} of ${items.length} (${items[i][3]})`;
		wantStatus(r, st, what);
		if (chk)
			chk(r, what);
		console.log(`reply #${i + 1}: ${describe(r)}`);
	}
	if (c.buf.length)
		fail(`bytes after the last reply: ${show(c.buf)}`);
	c.destroy();
}

const ev = (name, extra) => JSON.stringify({ name, client_id: 'ht-client', ...extra });

async function pipeline(mix, m) {
	const names = [];
	const post = (name) => {
		names.push(name);
		return [req('POST', '/v1/events', { body: ev(name) }), 'POST', ACCEPTED(1), `POST /v1/events ${name}`];
	};
	const get = (p, want) => [req('GET', p), 'GET', want, `GET ${p}`];
	let items, split;
	switch (mix) {
	case 'get-post':
		items = [get('/healthz', HEALTHZ_OK), post(`${m}-1`)];
		break;
	case 'post-post-get':
		names.push(`${m}-2`);
		items = [post(`${m}-1`),
		    [req('POST', '/batch/', { body: posthogBatch(`${m}-2`) }), 'POST', POSTHOG_OK, 'POST /batch/'],
		    get('/healthz', HEALTHZ_OK)];
		break;
	case 'chunked-cl':
		names.push(`${m}-1`, `${m}-2`);
		items = [[req('POST', '/v1/events', { body: `[${ev(`${m}-1`)},${ev(`${m}-2`)}]`, chunked: true }),
		    'POST', ACCEPTED(2), 'chunked POST /v1/events'], post(`${m}-3`)];
		break;
	case 'gzip-metrics':
		names.push(`${m}-1`);
		items = [[req('POST', '/v1/events', { body: `[${ev(`${m}-1`)}]`, gzip: true }), 'POST', ACCEPTED(1),
		    'gzip POST /v1/events'], get('/metrics', METRICS_OK)];
		break;
	case 'ten-posts':
		items = Array.from({ length: 10 }, (_, i) => post(`${m}-${i + 1}`));
		break;
	case 'split': {
		// 1: headers | half the body | the rest + all of 2 + half the
		// headers of 3 | the rest of 3
		names.push(`${m}-1`);
		const b1 = ev(`${m}-1`, { pad: 'x'.repeat(3000) });
		const r1 = req('POST', '/v1/events', { body: b1 });
		const h1 = r1.length - Buffer.byteLength(b1);
		const r2 = [req('POST', '/batch/', { body: posthogBatch(`${m}-2`) }), 'POST', POSTHOG_OK, 'POST /batch/'];
		names.push(`${m}-2`);
		const r3 = post(`${m}-3`);
		const h3 = Math.floor(r3[0].indexOf('\r\n\r\n') / 2);
		items = [[r1, 'POST', ACCEPTED(1), 'POST /v1/events split across writes'], r2, r3];
		split = [h1, (r1.length - h1) >> 1, r1.length - h1 - ((r1.length - h1) >> 1) + r2[0].length + h3];
		break;
	}
	default:
		fail(`unknown mix ${mix}`);
	}
	await exchange(items, split);
	for (const n of names)
		console.log(`stored ${n}`);
}

async function head(m) {
	const c = await Conn.open();
	c.expect('HEAD', 'GET', 'HEAD', 'POST');
	await c.write(Buffer.concat([req('HEAD', '/healthz'), req('GET', '/healthz'), req('HEAD', '/healthz'),
	    req('POST', '/v1/events', { body: ev(`${m}-1`) })]));
	const wants = [[200, null], HEALTHZ_OK, [200, null], ACCEPTED(1)];
	const what = ['HEAD /healthz', 'GET /healthz after HEAD', 'HEAD /healthz', 'POST /v1/events after HEAD'];
	for (let i = 0; i < wants.length; i++) {
		const r = await c.reply(i);
		wantStatus(r, wants[i][0], `reply #${i + 1} (${what[i]})`);
		if (wants[i][1])
			wants[i][1](r, `reply #${i + 1} (${what[i]})`);
		console.log(`reply #${i + 1}: ${describe(r)} ${JSON.stringify(r.headers)}`);
	}
	if (c.buf.length)
		fail(`bytes after the last reply (a body after HEAD?): ${show(c.buf)}`);
	c.destroy();
	console.log(`stored ${m}-1`);
}

function allowOf(r) {
	return (r.headers.allow ?? '').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
}

async function methods(m) {
	const cases = [
		['PUT', '/v1/events', { body: ev(`${m}-put`) }, ['POST'], ['PUT', 'GET']],
		['DELETE', '/healthz', {}, ['GET'], ['DELETE', 'POST']],
		['GET', '/v1/events', {}, ['POST'], ['GET']],
		['GET', '/batch/', {}, ['POST'], ['GET']],
		['PATCH', '/v1/optout', { body: '{"source":"devpod"}' }, ['GET', 'POST'], ['PATCH']],
	];
	for (const [meth, path, o, must, mustNot] of cases) {
		const c = await Conn.open();
		c.expect(meth);
		await c.write(req(meth, path, o));
		const r = await c.reply(0);
		const what = `${meth} ${path}`;
		wantStatus(r, 405, what);
		if (r.headers.allow === undefined)
			fail(`${what}: 405 without an Allow header; headers ${JSON.stringify(r.headers)}`);
		const allow = allowOf(r);
		for (const x of must)
			if (!allow.includes(x))
				fail(`${what}: Allow: ${r.headers.allow}, lacks ${x}`);
		for (const x of mustNot)
			if (allow.includes(x))
				fail(`${what}: Allow: ${r.headers.allow}, names ${x}`);
		console.log(`${what}: ${r.status} Allow: ${r.headers.allow}`);
		c.destroy();
	}
}

async function framing(kind, m) {
	// /v1/traces takes an empty protobuf body (200, empty): a server that
	// reads a broken length as 0 answers 200 there, one that waits for a
	// body does not answer at once; either way the case fails.
	const traces = (headers, body) => Buffer.concat([req('POST', '/v1/traces', { headers: {
	    'Content-Type': 'application/x-protobuf', ...headers } }), body ? Buffer.from(body) : Buffer.alloc(0)]);
	let bytes, want = [400], errRe = null, method = 'POST', what;
	switch (kind) {
	case 'cl-negative':
		bytes = traces({ 'Content-Length': '-1' });
		what = 'Content-Length: -1';
		break;
	case 'cl-nonnumeric':
		bytes = traces({ 'Content-Length': 'abc' });
		what = 'Content-Length: abc';
		break;
	case 'cl-conflict':
		bytes = traces({ 'Content-Length': ['5', '7'] });
		what = 'Content-Length: 5 and Content-Length: 7';
		break;
	case 'cl-te':
		// 5 bytes, which are also a complete empty chunked body
		bytes = traces({ 'Content-Length': '5', 'Transfer-Encoding': 'chunked' }, '0\r\n\r\n');
		what = 'Content-Length with Transfer-Encoding: chunked';
		break;
	case 'cl-huge':
		bytes = traces({ 'Content-Length': '99999999999999999999' });
		want = [400, 413];
		what = 'Content-Length: 99999999999999999999';
		break;
	case 'headers-431': {
		const pad = {};
		for (let i = 0; i < 100; i++)
			pad[`X-Pad-${i}`] = 'h'.repeat(1024);
		bytes = req('GET', '/healthz', { headers: pad });
		want = [431];
		method = 'GET';
		what = '100 KiB of headers';
		break;
	}
	case 'uri-414':
		bytes = req('GET', '/' + 'u'.repeat(20 * 1024));
		want = [414];
		method = 'GET';
		what = 'a 20 KiB path';
		break;
	case 'gzip-trailing': {
		const gz = Buffer.concat([zlib.gzipSync(`[${ev(`${m}-1`)}]`), Buffer.from('TRAILING-JUNK-AFTER-GZIP')]);
		bytes = req('POST', '/v1/events', { headers: { 'Content-Encoding': 'gzip' }, body: gz });
		errRe = /trailing/i;
		what = 'bytes after the end of the gzip stream';
		break;
	}
	default:
		fail(`unknown framing case ${kind}`);
	}
	const c = await Conn.open();
	c.expect(method);
	await c.writeUntilAnswered(bytes);
	const r = await c.reply(0, PROMPT);
	wantStatus(r, want, what);
	if (errRe)
		wantError(r, errRe, what);
	console.log(`${what}: ${describe(r)} after ${secs(r.at)}`);
	c.destroy();
}

// Ten clients at once, each: POST /v1/events, then shutdown(SHUT_WR) with
// the request (node's end(data): the FIN follows the bytes).  Each must get
// its reply: on a collector that takes the end of the stream for the end
// of the connection, some replies are lost, depending on whether the FIN
// is read before the commit, so one client is not enough to show it.
async function halfclose(m) {
	const N = 10;
	const conns = [];
	for (let i = 1; i <= N; i++)
		conns.push((await Conn.open()).expect('POST'));
	conns.forEach((c, i) => c.sock.end(req('POST', '/v1/events', { body: ev(`${m}-${i + 1}`) })));
	const got = await Promise.allSettled(conns.map((c) => c.reply(0)));
	const bad = [];
	got.forEach((g, i) => {
		const what = `client ${i + 1} of ${N} (POST /v1/events then half-close)`;
		if (g.status === 'rejected')
			return bad.push(`${what}: ${g.reason.message}`);
		try {
			wantStatus(g.value, 200, what);
			wantJSON(g.value, { accepted: 1, dropped: 0 }, what);
		} catch (e) {
			bad.push(e.message);
		}
	});
	if (bad.length)
		fail(`${bad.length} of ${N} half-closed clients got no proper reply; first: ${bad[0]}`);
	console.log(`${N} replies: ${describe(got[0].value)}`);
	conns.forEach((c) => c.destroy());
	for (let i = 1; i <= N; i++)
		console.log(`stored ${m}-${i}`);
}

async function halfcloseRefused() {
	const cases = [
		['GET /nope HTTP/1.0\r\n\r\n', 404],
		['GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 404],
		['POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 400],
		['PUT /v1/events HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}', 405],
		['GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, close\r\nUpgrade: h2c\r\n\r\n', 200],
	];
	const bad = [];
	for (let round = 0; round < 3; round++)
		for (const [text, want] of cases) {
			const c = (await Conn.open()).expect(text.split(' ')[0]);
			c.sock.end(Buffer.from(text, 'latin1'));
			try {
				wantStatus(await c.reply(0), want, `${show(text, 60)} then half-close`);
			} catch (e) {
				bad.push(e.message);
			}
			c.destroy();
		}
	if (bad.length)
		fail(bad.join('\n'));
	console.log(`${3 * cases.length} refused requests, each half-closed, each answered`);
}

async function request(method, path, rest) {
	const headers = {};
	let body = null, host;
	for (let i = 0; i < rest.length; i++) {
		if (rest[i] === '-H') {
			const h = rest[++i], c = h.indexOf(':');
			const k = h.slice(0, c).trim(), v = h.slice(c + 1).trim();
			if (k.toLowerCase() === 'host')
				host = v;
			else
				headers[k] = k in headers ? [].concat(headers[k], v) : v;
		} else if (rest[i] === '--data') {
			body = rest[++i];
		} else if (rest[i] === '--no-host') {
			host = null;
		} else {
			fail(`request: unknown argument ${rest[i]}`);
		}
	}
	const c = await Conn.open();
	c.expect(method);
	await c.write(req(method, path, { headers, body, host }));
	const r = await c.reply(0);
	console.log(JSON.stringify({ status: r.status, headers: r.headers, body: r.text }));
	c.destroy();
}

async function healthz(limit) {
	const c = await Conn.open();
	c.expect('GET');
	await c.write(req('GET', '/healthz'));
	const r = await c.reply(0, limit);
	wantStatus(r, 200, 'GET /healthz');
	HEALTHZ_OK[1](r, 'GET /healthz');
	c.destroy();
	return r.at;
}

async function loadWS() {
	const mod = await import(new URL('../clients/node_modules/ws/wrapper.mjs', import.meta.url));
	return mod.default;
}

// A WebSocket client whose messages are waited for like replies.
function wsOpen(WebSocket, origin) {
	const opts = { handshakeTimeout: Math.max(1, DEADLINE - Date.now()) };
	if (origin)
		opts.origin = origin;
	const w = new WebSocket(`ws://${addr}/ws`, ['teltop-ingest'], opts);
	const s = { w, msgs: [], opened: false, closed: null, error: null, refused: null, waiters: new Set() };
	const wake = () => { for (const f of [...s.waiters]) f(); };
	w.on('open', () => { s.opened = true; wake(); });
	w.on('message', (d) => { s.msgs.push(d.toString()); wake(); });
	w.on('unexpected-response', (rq, res) => {
		s.refused = `HTTP ${res.statusCode}`;
		res.resume();
		rq.destroy();
		wake();
	});
	w.on('error', (e) => { s.error = e.message; wake(); });
	w.on('close', (code, reason) => { s.closed = `${code} ${reason}`; wake(); });
	s.until = (pred, what) => new Promise((resolve, reject) => {
		const check = () => {
			const v = pred();
			if (v) {
				clearTimeout(t);
				s.waiters.delete(check);
				resolve(v);
			}
		};
		const t = setTimeout(() => {
			s.waiters.delete(check);
			reject(new Fail(`no ${what} within ${secs(TIMEOUT)}; messages ${JSON.stringify(s.msgs)}` +
			    `${s.refused ? `; refused ${s.refused}` : ''}${s.error ? `; error ${s.error}` : ''}${s.closed ? `; closed ${s.closed}` : ''}`));
		}, Math.max(0, DEADLINE - Date.now()));
		s.waiters.add(check);
		check();
	});
	return s;
}

async function wsScenario(origin, m, want) {
	const WebSocket = await loadWS();
	const s = wsOpen(WebSocket, origin === '-' ? null : origin);
	await s.until(() => s.opened || s.refused || s.error || s.closed, 'handshake outcome');
	const label = origin === '-' ? 'no Origin' : `Origin: ${origin}`;
	if (want === 'refused') {
		if (!s.opened) {
			console.log(`${label}: refused (${s.refused || s.error || s.closed})`);
			return;
		}
		// it opened: show what the collector does with an event
		s.w.send(ev(`${m}-1`));
		await s.until(() => s.msgs.length || s.closed, 'reply').catch(() => {});
		s.w.terminate();
		fail(`WebSocket with ${label}: the handshake succeeded (messages after one event: ${JSON.stringify(s.msgs)})`);
	}
	if (!s.opened)
		fail(`WebSocket with ${label}: handshake failed (${s.refused || s.error || s.closed})`);
	s.w.send(ev(`${m}-1`));
	await s.until(() => s.msgs.find((x) => /"ok"/.test(x)) || s.closed, 'reply to one event');
	const reply = s.msgs.find((x) => /"ok"/.test(x));
	if (reply !== '{"ok":true,"accepted":1,"dropped":0}')
		fail(`WebSocket with ${label}: reply ${JSON.stringify(reply ?? null)}, want {"ok":true,"accepted":1,"dropped":0}; closed ${s.closed}`);
	console.log(`${label}: ${reply}`);
	console.log(`stored ${m}-1`);
	s.w.close();
}

async function wsOptoutFirst(m) {
	const WebSocket = await loadWS();
	const s = wsOpen(WebSocket, null);
	await s.until(() => s.opened || s.refused || s.error || s.closed, 'handshake outcome');
	if (!s.opened)
		fail(`handshake failed (${s.refused || s.error || s.closed})`);
	s.w.send(ev(`${m}-1`, { source: 'devpod', client_id: 'ht-ws-optout' }));
	const parsed = () => s.msgs.map((x) => { try { return JSON.parse(x); } catch { return null; } });
	const isPush = (v) => v && v.type === 'optout';
	const isReply = (v) => v && 'ok' in v;
	await s.until(() => (parsed().some(isPush) && parsed().some(isReply)) || s.closed,
	    'optout push and reply (the first event was of an opted-out source)');
	const push = parsed().find(isPush), replyText = s.msgs[parsed().findIndex(isReply)];
	if (!push || replyText === undefined)
		fail(`connection closed (${s.closed}); messages ${JSON.stringify(s.msgs)}`);
	if (push.source !== 'devpod' || push.enabled !== true || (push.client !== undefined && push.client !== null))
		fail(`push ${JSON.stringify(push)}, want {"type":"optout","source":"devpod","client":null,"enabled":true}`);
	if (replyText !== '{"ok":true,"accepted":0,"dropped":1}')
		fail(`reply ${replyText}, want {"ok":true,"accepted":0,"dropped":1}`);
	console.log(`messages: ${JSON.stringify(s.msgs)}`);
	s.w.close();
}

// N uploads of ~MIB MiB each to /v1/events, written round-robin in 64 KiB
// pieces so that they are all in flight at once; /healthz polled on fresh
// connections (one at a time) until every upload has its reply.
async function buffered(n, mib, m) {
	const per = 30;
	const pad = 'b'.repeat(Math.floor(mib * 1024 * 1024 / per) - 64);
	const conns = [], bodies = [];
	for (let k = 0; k < n; k++) {
		const items = Array.from({ length: per }, (_, i) => ev(`${m}-up${k}-${i}`, { pad }));
		bodies.push(req('POST', '/v1/events', { body: `[${items.join(',')}]` }));
	}
	for (let k = 0; k < n; k++)
		conns.push((await Conn.open()).expect('POST'));
	// every connection writes at once, 64 KiB at a time
	const writes = conns.map((c, k) => c.writeUntilAnswered(bodies[k], 64 * 1024));
	const replies = conns.map((c) => c.reply(0));
	let settled = 0;
	replies.forEach((p) => p.then(() => settled++, () => settled++));
	let polls = 0, worst = 0;
	while (settled < n) {
		const t0 = Date.now();
		try {
			await healthz(PROMPT);
		} catch (e) {
			fail(`/healthz during the uploads (${polls} answered before): ${e.message}`);
		}
		worst = Math.max(worst, Date.now() - t0);
		polls++;
	}
	const rs = [];
	for (let k = 0; k < n; k++) {
		try {
			rs.push(await replies[k]);
		} catch (e) {
			const sent = await writes[k];
			fail(`upload ${k} (${sent} of ${bodies[k].length} bytes sent): ${e.message}` +
			    (conns[k].error ? ' (the collector closed the connection under the upload without a reply the' +
			    ' client could read: refuse, then drain or linger before closing)' : ''));
		}
	}
	const refused = [];
	rs.forEach((r, k) => {
		const what = `upload ${k} (${(bodies[k].length / 1048576).toFixed(1)} MiB)`;
		if (r.status === 503) {
			if (r.headers['retry-after'] === undefined)
				fail(`${what}: 503 without a Retry-After header; headers ${JSON.stringify(r.headers)}`);
			if (!/^\d+$/.test(r.headers['retry-after']))
				fail(`${what}: Retry-After: ${r.headers['retry-after']} (not a number of seconds)`);
			refused.push(k);
			return;
		}
		wantStatus(r, [200, 503], what);
		wantJSON(r, { accepted: per, dropped: 0 }, what);
	});
	console.log(`statuses ${rs.map((r) => r.status).join(' ')}; /healthz answered ${polls} times meanwhile, slowest ${worst} ms`);
	if (!refused.length)
		fail(`${n} parallel uploads of ${mib} MiB: none got 503 (statuses ${rs.map((r) => r.status).join(' ')})`);
	if (refused.length === n)
		fail(`all ${n} uploads got 503: none was let through`);
	if (polls === 0)
		fail('no /healthz answered while the uploads ran');
	rs.forEach((r, k) => console.log(`${r.status === 200 ? 'accepted' : 'refused'} ${k} ${per}`));
	conns.forEach((c) => c.destroy());
	await Promise.allSettled(writes);
}

async function manyEvents(n, m) {
	const one = `{"name":"${m}-tiny"}`;
	const body = '[' + Array(n).fill(one).join(',') + ']';
	const c = await Conn.open();
	c.expect('POST');
	await c.writeUntilAnswered(req('POST', '/v1/events', { body }), 64 * 1024);
	const r = await c.reply(0);
	const what = `one body of ${n} events (${(body.length / 1048576).toFixed(1)} MiB)`;
	wantStatus(r, 413, what);
	const e = wantError(r, null, what);
	console.log(`${what}: ${r.status} error ${JSON.stringify(e)}`);
	c.destroy();
}

async function leak(variant, kept, refused) {
	let item;
	if (variant === 'undecodable') {
		// a DevPod legacy shape with nothing its decoder can use: no
		// instanceProperties, no timestamp, no executionID
		item = { type: 'cmdfinished', event: { command: `devpod up ${refused}`, errors: refused } };
	} else if (variant === 'oversized') {
		item = { type: 'cmdfinished', event: { timestamp: 1701000000123456, executionID: `exec-${refused}`,
		    command: 'devpod up', errors: refused, pad: 'o'.repeat(2 * 1024 * 1024 + 1024) },
		instanceProperties: { timestamp: 1701000000123456, uid: 'ht-leak-uid', os: 'linux', arch: 'amd64' } };
	} else if (variant === 'insert-untyped') {
		// a current DevPod item (formats.md §4.1) without its "type"
		item = { event: { machine_id: 'ht-leak-machine', timestamp: 1736850000,
		    properties: JSON.stringify({ command: `devpod up ${refused}`, version: 'v0.6.15' }) },
		user: { machine_id: 'ht-leak-machine', timestamp: 1736850000, properties: '{"os_name":"linux"}' } };
	} else {
		fail(`unknown leak variant ${variant}`);
	}
	const body = JSON.stringify([{ name: kept, client_id: 'ht-leak' }, item]);
	const c = await Conn.open();
	c.expect('POST');
	await c.write(req('POST', '/v1/events', { body }));
	const r = await c.reply(0);
	wantStatus(r, 200, `kept event + ${variant} DevPod legacy item`);
	let v;
	try {
		v = JSON.parse(r.text);
	} catch {
		fail(`reply is not JSON: ${show(r.body)}`);
	}
	if (v.accepted !== 1)
		fail(`reply ${r.text}: want accepted 1 (the kept event)`);
	console.log(`reply: ${r.text}`);
	c.destroy();
}

async function main() {
	switch (scenario) {
	case 'pipeline': return pipeline(args[0], args[1]);
	case 'head': return head(args[0]);
	case 'methods': return methods(args[0]);
	case 'framing': return framing(args[0], args[1]);
	case 'halfclose': return halfclose(args[0]);
	case 'halfclose-refused': return halfcloseRefused();
	case 'request': return request(args[0], args[1], args.slice(2));
	case 'healthz': {
		const ms = await healthz();
		console.log(`/healthz ok in ${ms} ms`);
		return;
	}
	case 'ws': return wsScenario(args[0], args[1], args[2]);
	case 'ws-optout-first': return wsOptoutFirst(args[0]);
	case 'buffered': return buffered(Number(args[0]), Number(args[1]), args[2]);
	case 'many-events': return manyEvents(Number(args[0]), args[1]);
	case 'leak': return leak(args[0], args[1], args[2]);
	default: fail(`unknown scenario ${scenario}`);
	}
}

main().then(() => process.exit(0), (e) => {
	console.error(`FAIL: ${e instanceof Fail ? e.message : e.stack}`);
	process.exit(1);
});
