// capproxy.mjs: raw scenarios against teltop's HTTPS proxy (issue 11) for
// tests/integration/capture.sh: node's `net` and `tls`, so the bytes on the
// wire are exactly the ones written here.  PROXY is HOST:PORT of the
// collector; CAP_PROXY_AUTH, if set, is sent as Proxy-Authorization on every
// CONNECT.  Each scenario prints one JSON line on stdout and exits 0, or
// prints "FAIL: why" on stderr and exits 1.  Nothing waits for a fixed
// time: every wait is for a state, bounded by CAP_TIMEOUT_MS (15000).
//
//   replay PROXY HOST CA FIXTURE
//       CONNECT HOST:443, TLS trusting only CA with SNI HOST, then the
//       recorded request FIXTURE byte for byte, its Host line set to HOST
//       (CAP_REPEAT=N: N times in the one tunnel, each after the reply to
//       the one before; CAP_SUBST=FROM=TO: FROM replaced in the body by TO,
//       of the same length);
//       {"connect":200,"status":N,"headers":{…},"body":S,"replies":N,
//        "cert":{…},"cert_pem":S}
//   tunnel PROXY TARGET SERVERNAME CA
//       CONNECT TARGET, TLS trusting only CA (the server's own certificate),
//       a POST of random bytes the server echoes;
//       {"connect":200,"fingerprint256":F,"issuer":S,"echoed":true|false}
//   connect PROXY TARGET
//       a CONNECT alone; {"status":N,"headers":{…},"body":S}
//   garbage PROXY HOST
//       CONNECT HOST:443, then 4 KiB that are not TLS; waits for the close;
//       {"connect":200,"closed":true,"ms":N,"replied":BYTES}
//   stall PROXY HOST N CMD [ARG...]
//       N CONNECTs to HOST:443 that stop in the TLS handshake (half a
//       ClientHello); while they hang, runs CMD;
//       {"status":EXIT,"stdout":S,"stalled":N,"open":K}
//   many PROXY TARGET N
//       N tunnels at once to a TCP echo server; once every CONNECT has its
//       answer, GET /healthz and POST /v1/events on PROXY, then each open
//       tunnel echoes a line; {"ok":K,"refused503":R,"bad":[…],
//       "healthz_ms":N,"ingest":STATUS}
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

const [scenario, proxy, ...args] = process.argv.slice(2);
const TIMEOUT_MS = Number(process.env.CAP_TIMEOUT_MS || 15000);
const deadline = Date.now() + TIMEOUT_MS;

function fail(msg) {
	process.stderr.write(`FAIL: ${msg}\n`);
	process.exit(1);
}

setTimeout(() => fail(`${scenario}: not done within ${TIMEOUT_MS} ms`), TIMEOUT_MS).unref();

function left() {
	return Math.max(100, deadline - Date.now());
}

function splitAddr(a) {
	const i = a.lastIndexOf(':');
	return { host: a.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(a.slice(i + 1)) };
}

// Parse an HTTP/1.x head: {status, headers (lower-case keys)}.
function parseHead(text) {
	const lines = text.split('\r\n');
	const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
	if (!m)
		return null;
	const headers = {};
	for (const l of lines.slice(1)) {
		const i = l.indexOf(':');
		if (i > 0)
			headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
	}
	return { status: Number(m[1]), headers };
}

// Read one HTTP/1.1 response from a stream: resolves {status, headers,
// body (Buffer), rest (Buffer)}, or rejects on close/timeout.  With
// headOnly the body is not read (a 2xx CONNECT has none).
function readResponse(sock, headOnly) {
	return new Promise((resolve, reject) => {
		let buf = Buffer.alloc(0), head = null, need = -1;
		const timer = setTimeout(() => done(new Error('no complete reply in time')), left());
		function done(err, v) {
			clearTimeout(timer);
			sock.removeListener('data', onData);
			sock.removeListener('end', onEnd);
			sock.removeListener('close', onEnd);
			sock.removeListener('error', onErr);
			if (err) {
				err.partial = buf.toString('latin1').slice(0, 300);
				reject(err);
			} else
				resolve(v);
		}
		function tryParse(eof) {
			if (head === null) {
				const i = buf.indexOf('\r\n\r\n');
				if (i < 0)
					return eof ? done(new Error('closed before a reply head')) : undefined;
				head = parseHead(buf.subarray(0, i).toString('latin1'));
				if (head === null)
					return done(new Error('not an HTTP reply'));
				buf = buf.subarray(i + 4);
				if (headOnly && head.status >= 200 && head.status < 300)
					return done(null, { ...head, body: Buffer.alloc(0), rest: buf });
				if (head.headers['content-length'] !== undefined)
					need = Number(head.headers['content-length']);
				else if (/chunked/i.test(head.headers['transfer-encoding'] || ''))
					need = -2;
			}
			if (need >= 0 && buf.length >= need)
				return done(null, { ...head, body: buf.subarray(0, need), rest: buf.subarray(need) });
			if (need === -2) {
				// chunked: decode what is complete
				const out = [];
				let p = 0;
				for (;;) {
					const e = buf.indexOf('\r\n', p);
					if (e < 0)
						break;
					const size = parseInt(buf.subarray(p, e).toString('latin1'), 16);
					if (size === 0) {
						// then trailers, if any, and an empty line
						const tail = buf.subarray(e + 2);
						if (tail.subarray(0, 2).toString('latin1') !== '\r\n' &&
						    tail.indexOf('\r\n\r\n') < 0)
							break;
						return done(null, { ...head, body: Buffer.concat(out), rest: Buffer.alloc(0) });
					}
					if (buf.length < e + 2 + size + 2)
						break;
					out.push(buf.subarray(e + 2, e + 2 + size));
					p = e + 2 + size + 2;
				}
			}
			if (eof) {
				if (need === -1)
					return done(null, { ...head, body: buf, rest: Buffer.alloc(0) });
				return done(new Error('closed in the middle of a reply'));
			}
		}
		function onData(c) {
			buf = Buffer.concat([buf, c]);
			tryParse(false);
		}
		function onEnd() {
			tryParse(true);
		}
		function onErr(e) {
			done(e);
		}
		sock.on('data', onData);
		sock.on('end', onEnd);
		sock.on('close', onEnd);
		sock.on('error', onErr);
	});
}

// Open a TCP connection to the proxy.
function dial() {
	const { host, port } = splitAddr(proxy);
	return new Promise((resolve, reject) => {
		const s = net.connect({ host, port });
		s.once('connect', () => resolve(s));
		s.once('error', reject);
	});
}

// CONNECT target on a new connection: {sock, status, headers, body}.
async function connect(target) {
	const sock = await dial();
	let req = `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n`;
	if (process.env.CAP_PROXY_AUTH)
		req += `Proxy-Authorization: ${process.env.CAP_PROXY_AUTH}\r\n`;
	sock.write(req + '\r\n');
	const r = await readResponse(sock, true);
	if (r.rest.length > 0)
		sock.unshift(r.rest);
	return { sock, status: r.status, headers: r.headers, body: r.body.toString('utf8') };
}

// TLS over an established tunnel.
function tlsOver(sock, servername, ca) {
	return new Promise((resolve, reject) => {
		const t = tls.connect({ socket: sock, servername, ca: [ca],
		    rejectUnauthorized: true, ALPNProtocols: ['http/1.1'] });
		t.once('secureConnect', () => resolve(t));
		t.once('error', reject);
	});
}

function certInfo(t) {
	const c = t.getPeerCertificate();
	return { subject: c.subject, issuer: c.issuer, subjectaltname: c.subjectaltname,
	    fingerprint256: c.fingerprint256, valid_to: c.valid_to };
}

function print(v) {
	process.stdout.write(JSON.stringify(v) + '\n');
}

async function replay() {
	const [host, caFile, fixture] = args;
	const ca = fs.readFileSync(caFile);
	const repeat = Number(process.env.CAP_REPEAT || 1);
	let bytes = fs.readFileSync(fixture);
	const i = bytes.indexOf('\r\n\r\n');
	if (i < 0)
		fail(`${fixture}: no end of head`);
	const head = bytes.subarray(0, i).toString('latin1').replace(/\r\nHost: [^\r]*/i, `\r\nHost: ${host}`);
	let body = bytes.subarray(i);
	if (process.env.CAP_SUBST) {
		// FROM=TO of one length, so that Content-Length stays right
		const [from, to] = process.env.CAP_SUBST.split('=');
		if (from.length !== to.length)
			fail('CAP_SUBST: FROM and TO differ in length');
		body = Buffer.from(body.toString('latin1').split(from).join(to), 'latin1');
	}
	bytes = Buffer.concat([Buffer.from(head, 'latin1'), body]);
	const c = await connect(`${host}:443`);
	if (c.status !== 200)
		fail(`CONNECT ${host}:443: ${c.status} ${c.body}`);
	let t;
	try {
		t = await tlsOver(c.sock, host, ca);
	} catch (e) {
		fail(`TLS to ${host} through the proxy, trusting only teltop's CA: ${e.message}`);
	}
	let r, replies = 0;
	for (let k = 0; k < repeat; k++) {
		t.write(bytes);
		try {
			r = await readResponse(t, false);
		} catch (e) {
			fail(`request ${k + 1} of ${repeat} in one tunnel: ${e.message}; got ${JSON.stringify(e.partial)}`);
		}
		if (r.rest.length > 0)
			fail(`bytes after reply ${k + 1}: ${JSON.stringify(r.rest.toString('latin1').slice(0, 200))}`);
		if (r.status !== 200)
			break;
		replies++;
	}
	const raw = t.getPeerCertificate().raw;
	const pem = `-----BEGIN CERTIFICATE-----\n${raw.toString('base64').match(/.{1,64}/g).join('\n')}\n-----END CERTIFICATE-----\n`;
	print({ connect: c.status, status: r.status, headers: r.headers, replies,
	    body: r.body.toString('utf8'), cert: certInfo(t), cert_pem: pem });
	t.destroy();
}

async function tunnel() {
	const [target, servername, caFile] = args;
	const ca = fs.readFileSync(caFile);
	const c = await connect(target);
	if (c.status !== 200)
		fail(`CONNECT ${target}: ${c.status} ${c.body}`);
	let t;
	try {
		t = await tlsOver(c.sock, servername, ca);
	} catch (e) {
		fail(`TLS to ${target} (${servername}) through the tunnel, trusting only the server's own certificate: ${e.message}`);
	}
	const info = certInfo(t);
	const payload = crypto.randomBytes(3000);
	t.write(`POST /echo HTTP/1.1\r\nHost: ${servername}\r\nContent-Length: ${payload.length}\r\n` +
	    'Content-Type: application/octet-stream\r\n\r\n');
	t.write(payload);
	const r = await readResponse(t, false);
	print({ connect: c.status, status: r.status, fingerprint256: info.fingerprint256,
	    issuer: info.issuer, subject: info.subject, echo_header: r.headers['x-echo-server'] || null,
	    echoed: Buffer.compare(r.body, payload) === 0 });
	t.destroy();
}

async function connectOnly() {
	const [target] = args;
	const sock = await dial();
	let req = `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n`;
	if (process.env.CAP_PROXY_AUTH)
		req += `Proxy-Authorization: ${process.env.CAP_PROXY_AUTH}\r\n`;
	sock.write(req + '\r\n');
	let r;
	try {
		r = await readResponse(sock, true);
	} catch (e) {
		fail(`CONNECT ${target}: ${e.message}; got ${JSON.stringify(e.partial)}`);
	}
	print({ status: r.status, headers: r.headers, body: r.body.toString('utf8') });
	sock.destroy();
}

async function garbage() {
	const [host] = args;
	const c = await connect(`${host}:443`);
	if (c.status !== 200)
		fail(`CONNECT ${host}:443: ${c.status} ${c.body}`);
	const t0 = Date.now();
	let replied = 0;
	const closed = new Promise((resolve) => {
		c.sock.on('data', (d) => { replied += d.length; });
		c.sock.on('close', () => resolve(true));
		c.sock.on('error', () => {});
	});
	// 'GET / HTTP/1.1' and random bytes: no TLS record header
	c.sock.write(Buffer.concat([Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), crypto.randomBytes(4096)]));
	const ok = await Promise.race([closed, new Promise((r) => setTimeout(() => r(false), left()))]);
	if (!ok)
		fail(`the proxy kept the connection open ${Date.now() - t0} ms after TLS garbage`);
	print({ connect: c.status, closed: true, ms: Date.now() - t0, replied });
}

async function stall() {
	const [host, nStr, ...cmd] = args;
	const n = Number(nStr);
	const socks = [];
	for (let i = 0; i < n; i++) {
		const c = await connect(`${host}:443`);
		if (c.status !== 200)
			fail(`CONNECT ${host}:443 (${i}): ${c.status} ${c.body}`);
		c.sock.on('error', () => {});
		// a TLS record header announcing 512 bytes of handshake, and 40 of them
		c.sock.write(Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]), crypto.randomBytes(40)]));
		socks.push(c.sock);
	}
	const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
	let out = '';
	child.stdout.on('data', (d) => { out += d; });
	const status = await new Promise((resolve) => child.on('close', (code, sig) => resolve(sig ? `signal ${sig}` : code)));
	const open = socks.filter((s) => !s.destroyed && s.readyState === 'open').length;
	print({ status, stdout: out, stalled: n, open });
	for (const s of socks)
		s.destroy();
}

async function many() {
	const [target, nStr] = args;
	const n = Number(nStr);
	const results = await Promise.all(Array.from({ length: n }, async (_, i) => {
		try {
			const c = await connect(target);
			return { i, ...c };
		} catch (e) {
			return { i, error: e.message, partial: e.partial };
		}
	}));
	const open = results.filter((r) => r.status === 200);
	const refused = results.filter((r) => r.status === 503);
	const bad = results.filter((r) => r.status !== 200 && r.status !== 503)
	    .slice(0, 10).map((r) => ({ i: r.i, status: r.status, error: r.error, body: r.body, partial: r.partial }));
	for (const r of refused)
		if (!r.body || r.body.length === 0)
			bad.push({ i: r.i, status: 503, error: 'a 503 with no body saying why' });
	// the collector, while the tunnels are open
	const t0 = Date.now();
	const hz = await dial();
	hz.write(`GET /healthz HTTP/1.1\r\nHost: ${proxy}\r\nConnection: close\r\n\r\n`);
	const h = await readResponse(hz, false);
	const healthzMs = Date.now() - t0;
	hz.destroy();
	const ing = await dial();
	const body = JSON.stringify({ name: 'it-cap-many-ingest', client_id: 'it-cap-many' });
	ing.write(`POST /v1/events HTTP/1.1\r\nHost: ${proxy}\r\nContent-Type: application/json\r\n` +
	    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
	const g = await readResponse(ing, false);
	ing.destroy();
	// every open tunnel still carries bytes
	let ok = 0;
	await Promise.all(open.map((r) => new Promise((resolve) => {
		const line = `ping-${r.i}\n`;
		let got = '';
		r.sock.on('data', (d) => {
			got += d;
			if (got.length >= line.length) {
				if (got === line)
					ok++;
				else
					bad.push({ i: r.i, error: `echo ${JSON.stringify(got.slice(0, 40))}` });
				resolve();
			}
		});
		r.sock.on('close', () => {
			if (got.length < line.length) {
				bad.push({ i: r.i, error: 'tunnel closed before its echo' });
				resolve();
			}
		});
		r.sock.on('error', () => {});
		r.sock.write(line);
	})));
	for (const r of open)
		r.sock.destroy();
	print({ ok, refused503: refused.length, bad: bad.slice(0, 10), nbad: bad.length,
	    healthz: h.status, healthz_ms: healthzMs, ingest: g.status });
}

const scenarios = { replay, tunnel, connect: connectOnly, garbage, stall, many };
if (!scenarios[scenario] || !proxy)
	fail('usage: capproxy.mjs replay|tunnel|connect|garbage|stall|many PROXY ARG...');
scenarios[scenario]().then(() => process.exit(0), (e) => fail(`${scenario}: ${e.stack || e}`));
