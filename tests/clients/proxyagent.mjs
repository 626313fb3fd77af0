// proxyagent.mjs: an HTTPS POST from Node through the proxy named by
// HTTPS_PROXY, with the `https-proxy-agent` package (what Node tools that
// honour the proxy variables use), trusting what NODE_EXTRA_CA_CERTS adds:
// the way a Node tool behaves under `teltop capture`.
//
//   node proxyagent.mjs URL BODY-FILE [CONTENT-TYPE]   (application/json)
//
// Prints the status code on the first line, then the reply body; exits 0
// only for 200.
import fs from 'node:fs';
import https from 'node:https';
import { HttpsProxyAgent } from 'https-proxy-agent';

const [url, file, ctype = 'application/json'] = process.argv.slice(2);
const proxy = process.env.HTTPS_PROXY || process.env.https_proxy;
if (!url || !file) {
	process.stderr.write('usage: proxyagent.mjs URL BODY-FILE [CONTENT-TYPE]\n');
	process.exit(2);
}
if (!proxy) {
	process.stderr.write('proxyagent.mjs: HTTPS_PROXY is not set\n');
	process.exit(2);
}
const body = fs.readFileSync(file);
const req = https.request(url, {
	method: 'POST',
	agent: new HttpsProxyAgent(proxy),
	headers: { 'content-type': ctype, 'content-length': body.length,
	    'user-agent': 'teltop-test-proxyagent' },
	timeout: 10000,
}, (res) => {
	const parts = [];
	res.on('data', (c) => parts.push(c));
	res.on('end', () => {
		process.stdout.write(`${res.statusCode}\n${Buffer.concat(parts)}`);
		process.exit(res.statusCode === 200 ? 0 : 1);
	});
});
req.on('timeout', () => req.destroy(new Error('timed out')));
req.on('error', (e) => {
	process.stderr.write(`proxyagent.mjs: ${e.message}\n`);
	process.exit(1);
});
req.end(body);
