// capservers.mjs: the servers on 127.0.0.1 that tests/integration/capture.sh
// puts behind teltop's proxy (node's own `https`, `net`; no package).
//
//   node capservers.mjs echo-tls KEY CERT   HTTPS: any request gets 200 and
//                                           its own body back
//   node capservers.mjs vendor KEY CERT LOG a stand-in telemetry vendor:
//                                           each request is appended to LOG
//                                           as one JSON line {method, url,
//                                           headers, body (base64),
//                                           servername}, then answered 200
//                                           "vendor-ok METHOD PATH"
//   node capservers.mjs echo-http           plain HTTP: 200, "echo-http METHOD
//                                           URL HOST" and the body back
//   node capservers.mjs tcp-echo            TCP: every byte comes back
//   node capservers.mjs closed-port         prints a port nothing listens on
//
// A server prints its port on stdout once it listens, and exits on SIGTERM
// or by itself after CAP_SERVER_MS (default 600000): a test that dies
// leaves nothing running for long.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

const [mode, ...args] = process.argv.slice(2);
const lifetime = Number(process.env.CAP_SERVER_MS || 600000);

function die(msg) {
	process.stderr.write(`capservers ${mode}: ${msg}\n`);
	process.exit(2);
}

// Read a whole request body.
function readBody(req) {
	return new Promise((resolve, reject) => {
		const parts = [];
		req.on('data', (c) => parts.push(c));
		req.on('end', () => resolve(Buffer.concat(parts)));
		req.on('error', reject);
	});
}

// Print the port, and arrange to stop.
function listening(server) {
	process.stdout.write(`${server.address().port}\n`);
	const t = setTimeout(() => process.exit(0), lifetime);
	t.unref();
	process.on('SIGTERM', () => process.exit(0));
}

function tlsOptions(key, cert) {
	if (!key || !cert)
		die('KEY and CERT are needed');
	return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

switch (mode) {
case 'echo-tls': {
	const server = https.createServer(tlsOptions(args[0], args[1]), async (req, res) => {
		const body = await readBody(req);
		res.writeHead(200, { 'content-type': 'application/octet-stream',
		    'x-echo-server': 'capservers' });
		res.end(body);
	});
	server.listen(0, '127.0.0.1', () => listening(server));
	break;
}
case 'vendor': {
	const log = args[2];
	if (!log)
		die('LOG is needed');
	const server = https.createServer(tlsOptions(args[0], args[1]), async (req, res) => {
		const body = await readBody(req);
		fs.appendFileSync(log, JSON.stringify({
			method: req.method, url: req.url, headers: req.headers,
			body: body.toString('base64'),
			servername: req.socket.servername || null,
		}) + '\n');
		const path = req.url.split('?')[0];
		res.writeHead(200, { 'content-type': 'text/plain',
		    'x-vendor': 'capservers' });
		res.end(`vendor-ok ${req.method} ${path}`);
	});
	server.listen(0, '127.0.0.1', () => listening(server));
	break;
}
case 'echo-http': {
	const server = http.createServer(async (req, res) => {
		const body = await readBody(req);
		res.writeHead(200, { 'content-type': 'text/plain',
		    'x-echo-server': 'capservers' });
		res.end(Buffer.concat([Buffer.from(`echo-http ${req.method} ${req.url} ${req.headers.host}\n`), body]));
	});
	server.listen(0, '127.0.0.1', () => listening(server));
	break;
}
case 'tcp-echo': {
	const server = net.createServer((s) => {
		s.on('error', () => {});
		s.pipe(s);
	});
	server.maxConnections = 5000;
	server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => listening(server));
	break;
}
case 'closed-port': {
	const server = net.createServer();
	server.listen(0, '127.0.0.1', () => {
		const port = server.address().port;
		server.close(() => {
			process.stdout.write(`${port}\n`);
			process.exit(0);
		});
	});
	break;
}
default:
	die('MODE is echo-tls, echo-http, vendor, tcp-echo or closed-port');
}
