// segment.mjs URL --tag TAG
//
// Sends events to teltop with the real Segment and RudderStack Node SDKs
// (@segment/analytics-node, whose library name is "@segment/analytics-node",
// and @rudderstack/rudder-sdk-node, which gzips its body and labels it as a
// form): from each, a track with a command in its properties, an identify
// and a page, then flushes and closes.  User ids are "seg-TAG" and
// "rud-TAG".
//
// Every HTTP exchange is printed on stdout as one JSON line {"sdk","url",
// "status","body"}.  Exit 0 only when both SDKs made requests, got 200 for
// every one and reported no error; exit 1 otherwise.
import http from 'node:http';
import { Analytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';

let url = null;
let tag = 'seg';
for (let i = 2; i < process.argv.length; i++) {
	if (process.argv[i] === '--tag')
		tag = process.argv[++i];
	else if (!url)
		url = process.argv[i];
}
if (!url) {
	console.error('usage: segment.mjs URL --tag TAG');
	process.exit(2);
}

const errors = [];
const seen = { segment: 0, rudderstack: 0 };

// Record what each SDK's requests got: a proxy in front of teltop.
function recorder(sdk) {
	const target = new URL(url);
	return new Promise((resolve) => {
		const srv = http.createServer((req, res) => {
			const chunks = [];
			req.on('data', (c) => chunks.push(c));
			req.on('end', () => {
				const up = http.request({ host: target.hostname,
				    port: target.port, method: req.method,
				    path: req.url, headers: req.headers }, (r) => {
					const body = [];
					r.on('data', (c) => body.push(c));
					r.on('end', () => {
						const text = Buffer.concat(body).toString();
						seen[sdk]++;
						console.log(JSON.stringify({ sdk,
						    url: req.url, status: r.statusCode,
						    body: text }));
						if (r.statusCode !== 200)
							errors.push(`${sdk}: ${r.statusCode} ${text}`);
						res.writeHead(r.statusCode, r.headers);
						res.end(text);
					});
				});
				up.on('error', (e) => {
					errors.push(`${sdk}: ${e}`);
					res.writeHead(502);
					res.end();
				});
				up.end(Buffer.concat(chunks));
			});
		});
		srv.listen(0, '127.0.0.1', () => resolve(srv));
	});
}

const segSrv = await recorder('segment');
const rudSrv = await recorder('rudderstack');
const segUrl = `http://127.0.0.1:${segSrv.address().port}`;
const rudUrl = `http://127.0.0.1:${rudSrv.address().port}`;

const seg = new Analytics({ writeKey: 'seg_wk', host: segUrl, flushAt: 3,
    maxRetries: 0 });
seg.on('error', (e) => errors.push(`segment: ${e && e.reason ? e.reason : e}`));
seg.track({ userId: `seg-${tag}`, event: 'cli_command',
    properties: { command: 'werf converge', duration_ms: 42, exit_code: 0 } });
seg.identify({ userId: `seg-${tag}`, traits: { plan: 'free' } });
seg.page({ userId: `seg-${tag}`, name: 'Docs', properties: { path: '/docs' } });
await seg.closeAndFlush({ timeout: 10000 });

const rud = new RudderAnalytics('rs_wk', { dataPlaneUrl: rudUrl, flushAt: 3,
    flushInterval: 200, retryCount: 0,
    errorHandler: (e) => errors.push(`rudderstack: ${e}`) });
rud.track({ userId: `rud-${tag}`, event: 'cli_command',
    properties: { command: 'devpod up', exit_code: 1, error: 'exit status 1' } });
rud.identify({ userId: `rud-${tag}`, traits: { plan: 'team' } });
rud.page({ userId: `rud-${tag}`, name: 'Home' });
await new Promise((resolve) => rud.flush((err) => {
	if (err)
		errors.push(`rudderstack flush: ${err}`);
	resolve();
}));

segSrv.close();
rudSrv.close();
if (seen.segment === 0)
	errors.push('segment made no request');
if (seen.rudderstack === 0)
	errors.push('rudderstack made no request');
for (const e of errors)
	console.error(e);
process.exit(errors.length === 0 ? 0 : 1);
