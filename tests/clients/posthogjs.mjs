// posthogjs.mjs URL --tag TAG
//
// posthog-js, PostHog's browser SDK, running in Node (formats.md §2.3): it
// batches captures and POSTs them to /e/ as gzip labelled text/plain.  The
// client identifies as "<TAG>-user" and captures "<TAG>_clicked" and
// "<TAG>_saved"; no feature flags, no page views, no session recording.
//
// Every request the SDK makes is printed on stdout as one JSON line
// {"method","url","status","type","head"} (type: the content type sent,
// head: the first 4 body bytes in hex).  The script waits for the replies to
// the requests that carry both captures (never for a fixed time; the test's
// 60 s bound it) and exits 0 only when every reply was 200.

let url = null;
let tag = 'phjs';
for (let i = 2; i < process.argv.length; i++) {
	if (process.argv[i] === '--tag')
		tag = process.argv[++i];
	else if (!url)
		url = process.argv[i];
}
if (!url) {
	console.error('usage: posthogjs.mjs URL [--tag TAG]');
	process.exit(2);
}

const exchanges = [];
const want = new Set([`${tag}_clicked`, `${tag}_saved`]);
let allSent;
const sent = new Promise((resolve) => { allSent = resolve; });

// Wrap fetch before the SDK is loaded, so that it takes the wrapper.  The
// body is gzip: decompress a copy to see which events a request carried.
const realFetch = globalThis.fetch;
const zlib = await import('node:zlib');
globalThis.fetch = async (u, options = {}) => {
	const res = await realFetch(u, options);
	let bytes = Buffer.alloc(0);
	if (options.body instanceof Blob)
		bytes = Buffer.from(await options.body.arrayBuffer());
	else if (options.body instanceof ArrayBuffer ||
	    options.body instanceof Uint8Array)
		bytes = Buffer.from(options.body);
	else if (typeof options.body === 'string')
		bytes = Buffer.from(options.body);
	let text = bytes.toString();
	if (bytes[0] === 0x1f && bytes[1] === 0x8b)
		text = zlib.gunzipSync(bytes).toString();
	const hdrs = new Headers(options.headers || {});
	const ex = {
		method: options.method || 'GET',
		url: new URL(String(u)).pathname,
		status: res.status,
		type: hdrs.get('content-type'),
		head: bytes.subarray(0, 4).toString('hex'),
	};
	exchanges.push(ex);
	console.log(JSON.stringify(ex));
	for (const name of want)
		if (text.includes(`"${name}"`))
			want.delete(name);
	if (want.size === 0)
		allSent();
	return res;
};

// the CommonJS build, through import(): its instance is a default or two in
let posthog = await import('posthog-js');
while (typeof posthog.init !== 'function' && posthog.default)
	posthog = posthog.default;
posthog.init('phc_teltop_js', {
	api_host: url,
	autocapture: false,
	capture_pageview: false,
	capture_pageleave: false,
	disable_session_recording: true,
	advanced_disable_decide: true,
	advanced_disable_feature_flags: true,
	persistence: 'memory',
	bootstrap: { distinctID: `${tag}-anon` },
});
posthog.identify(`${tag}-user`);
posthog.capture(`${tag}_clicked`, { button: 'save' });
posthog.capture(`${tag}_saved`, { items: 3 });

// a bound for a collector that never answers, not a wait for the SDK
setTimeout(() => {
	console.error('posthogjs.mjs: no reply to the captures in 60 s');
	process.exit(1);
}, 60000).unref();
await sent;
let bad = false;
for (const ex of exchanges)
	if (ex.status !== 200) {
		console.error(`posthogjs.mjs: ${ex.url} replied ${ex.status}`);
		bad = true;
	}
process.exit(bad ? 1 : 0);
