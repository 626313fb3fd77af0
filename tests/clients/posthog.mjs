// posthog.mjs URL [--plain] [--tag TAG]
//
// Sends a few events to teltop with the real posthog-node client (the one the
// Devsy desktop app uses, formats.md §2.2): two captures with explicit
// timestamps (one of them a devsy_* event) and one identify, then shutdown().
// gzip by default, plain JSON with --plain.  POSTHOG_CAPTURE_MODE=v1 in the
// environment makes posthog-node use /i/v1/analytics/events instead of /batch/.
//
// Distinct ids are "<TAG>-user-1" and "<TAG>-user-2" (TAG defaults to
// "ph-gzip" or "ph-plain") so the test can find exactly these events.
//
// Every HTTP exchange is printed on stdout as one JSON line
// {"method","url","status","body","encoding"}.  Exit 0 only when at least one
// request was made and every reply was exactly 200; exit 1 otherwise.
import { PostHog } from 'posthog-node';

let url = null;
let plain = false;
let tag = null;
for (let i = 2; i < process.argv.length; i++) {
	const a = process.argv[i];
	if (a === '--plain')
		plain = true;
	else if (a === '--tag')
		tag = process.argv[++i];
	else if (!url)
		url = a;
}
if (!tag)
	tag = plain ? 'ph-plain' : 'ph-gzip';
if (!url) {
	console.error('usage: posthog.mjs URL [--plain] [--tag TAG]');
	process.exit(2);
}

const exchanges = [];
const errors = [];

// Wrap fetch so we see each status and body (posthog-node itself ignores
// the body of /batch/ replies).
async function recordingFetch(u, options) {
	const res = await fetch(u, options);
	let body = '';
	try {
		body = await res.clone().text();
	} catch (e) {
		body = `<unreadable: ${e}>`;
	}
	const hdrs = options && options.headers ? options.headers : {};
	const ex = {
		method: options && options.method,
		url: String(u),
		status: res.status,
		body,
		encoding: hdrs['Content-Encoding'] || hdrs['content-encoding'] || null,
	};
	exchanges.push(ex);
	console.log(JSON.stringify(ex));
	return res;
}

const client = new PostHog('phc_teltop_integration', {
	host: url,
	flushAt: 20,
	flushInterval: 0,
	fetchRetryCount: 1,
	fetchRetryDelay: 200,
	requestTimeout: 5000,
	disableCompression: plain,
	disableGeoip: true,
	fetch: recordingFetch,
});
client.on('error', (e) => errors.push(String(e && e.message ? e.message : e)));

client.capture({
	distinctId: `${tag}-user-1`,
	event: 'test_opened',
	properties: { app_version: '1.0.0', os_name: 'linux', os_arch: 'amd64' },
	timestamp: new Date('2026-01-05T12:00:00.123Z'),
});
client.capture({
	distinctId: `${tag}-user-2`,
	event: 'devsy_app_opened',
	properties: { app_version: '1.2.3', os_name: 'linux' },
	timestamp: new Date('2026-01-05T12:00:01.456Z'),
});
client.identify({
	distinctId: `${tag}-user-1`,
	properties: { plan: 'test' },
});

try {
	await client.shutdown(8000);
} catch (e) {
	errors.push(`shutdown: ${e}`);
}

let bad = errors.length > 0;
if (exchanges.length === 0) {
	console.error('posthog.mjs: no request was made');
	bad = true;
}
for (const ex of exchanges) {
	if (ex.status !== 200) {
		console.error(`posthog.mjs: ${ex.url} replied ${ex.status}: ${ex.body}`);
		bad = true;
	}
}
for (const e of errors)
	console.error(`posthog.mjs: client error: ${e}`);
process.exit(bad ? 1 : 0);
