// optoutws.mjs URL STEP...
//
// A scripted WebSocket sender for the opt-out cases of
// tests/integration/optout.sh: one connection to teltop's /ws (subprotocol
// "teltop-ingest", with the `ws` library), then the steps in order:
//
//   send=TEXT   send TEXT as one text message and wait (up to 5 s) for its
//               reply, the next message that is not a push
//   push=MS     wait up to MS ms for the next pushed {"type":…} message
//               (one that came earlier and was not consumed counts)
//   run=JSON    run a command, JSON an array [FILE, ARG...], to completion
//               (the "other process", e.g. `teltop optout set devpod`)
//   quiet=MS    wait MS ms and report every push not yet consumed
//
// Prints one JSON line per step:
//   {"step":"send","reply":R|null,"text":T|null,"why"?}
//   {"step":"push","push":P|null,"text":T|null,"ms":ELAPSED}
//   {"step":"run","code":N,"stdout":S,"stderr":S}
//   {"step":"quiet","pushes":[P…]}
// where T is the message exactly as received.  Exits 0 when every step ran
// (the test judges the lines), 1 when the connection failed or closed.
import { spawnSync } from 'node:child_process';
import WebSocket from 'ws';

const [url, ...steps] = process.argv.slice(2);
if (!url || !steps.length) {
	console.error('usage: optoutws.mjs ws://HOST:PORT/ws send=TEXT|push=MS|run=JSON|quiet=MS...');
	process.exit(2);
}

const REPLY_TIMEOUT = 5000;
const replies = [];
const pushes = [];
let wake = null;
let closed = null;

function parse(text) {
	try {
		return JSON.parse(text);
	} catch {
		return { _unparsable: text };
	}
}

function isPush(m) {
	return m && typeof m === 'object' && !Array.isArray(m) &&
	    typeof m.type === 'string' && !('ok' in m);
}

// Resolve when pred() holds, or after ms (then pred() is checked once more).
function waitFor(pred, ms) {
	return new Promise((resolve) => {
		if (pred() || closed)
			return resolve();
		const t = setTimeout(() => { wake = null; resolve(); }, ms);
		wake = () => {
			if (pred() || closed) {
				clearTimeout(t);
				wake = null;
				resolve();
			}
		};
	});
}

const ws = new WebSocket(url, ['teltop-ingest']);
ws.on('message', (data) => {
	const text = data.toString('utf8');
	const m = parse(text);
	(isPush(m) ? pushes : replies).push({ m, text, at: Date.now() });
	if (wake)
		wake();
});
ws.on('close', (code, reason) => {
	closed = { code, reason: reason.toString() };
	if (wake)
		wake();
});

try {
	await new Promise((resolve, reject) => {
		ws.once('open', resolve);
		ws.once('error', reject);
	});
} catch (e) {
	console.log(JSON.stringify({ step: 'connect', error: e.message }));
	process.exit(1);
}

let bad = 0;
for (const step of steps) {
	const eq = step.indexOf('=');
	const verb = step.slice(0, eq), arg = step.slice(eq + 1);
	if (verb === 'send') {
		ws.send(arg);
		await waitFor(() => replies.length > 0, REPLY_TIMEOUT);
		const r = replies.shift();
		const line = { step: 'send', reply: r ? r.m : null, text: r ? r.text : null };
		if (!r)
			line.why = closed ? `closed ${closed.code} ${closed.reason}` : `no reply within ${REPLY_TIMEOUT} ms`;
		console.log(JSON.stringify(line));
	} else if (verb === 'push') {
		const t0 = Date.now();
		await waitFor(() => pushes.length > 0, Number(arg));
		const p = pushes.shift();
		console.log(JSON.stringify({ step: 'push', push: p ? p.m : null, text: p ? p.text : null,
		    ms: p ? Math.max(0, p.at - t0) : Date.now() - t0 }));
	} else if (verb === 'run') {
		const [file, ...args] = JSON.parse(arg);
		const r = spawnSync(file, args, { encoding: 'utf8' });
		console.log(JSON.stringify({ step: 'run', code: r.status, stdout: r.stdout, stderr: r.stderr }));
	} else if (verb === 'quiet') {
		await new Promise((resolve) => setTimeout(resolve, Number(arg)));
		console.log(JSON.stringify({ step: 'quiet', pushes: pushes.splice(0).map((p) => p.m) }));
	} else {
		console.error(`optoutws.mjs: unknown step ${step}`);
		process.exit(2);
	}
	if (closed) {
		bad = 1;
		console.log(JSON.stringify({ step: 'closed', code: closed.code, reason: closed.reason }));
		break;
	}
}
ws.close();
process.exit(bad);
