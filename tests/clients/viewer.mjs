// A viewer of a collector's GET /v1/stream, for the integration tests
// (tests/integration/stream.sh).
//
//   node viewer.mjs follow URL N OUT     write every message to OUT, one a
//                                        line, until N events came; "ready"
//                                        on stdout once the hello is in
//   node viewer.mjs slow URL RESUME N    after the hello, stop reading
//                                        ("paused" on stdout) until the file
//                                        RESUME exists; then read on until N
//                                        events came or were said dropped;
//                                        print {"dropped":D,"received":R,
//                                        "notes":K}
//   node viewer.mjs refused URL ORIGIN   the upgrade is refused: print its
//                                        HTTP status
//
// The token (GET /v1/stream always needs it) comes from $TELTOP_TOKEN, as
// Authorization: Bearer.
// Exits 1 (with a line on stderr) on anything unexpected, or after 60 s.
import fs from 'node:fs';
import WebSocket from 'ws';

const [mode, url, arg, out] = process.argv.slice(2);
const auth = process.env.TELTOP_TOKEN ?
	{ headers: { Authorization: `Bearer ${process.env.TELTOP_TOKEN}` } } : {};
const deadline = setTimeout(() => {
	console.error(`viewer ${mode}: timed out`);
	process.exit(1);
}, 60000);

function done(code) {
	clearTimeout(deadline);
	process.exit(code);
}

if (mode === 'refused') {
	const ws = new WebSocket(url, { origin: arg, ...auth });
	ws.on('unexpected-response', (req, res) => {
		console.log(res.statusCode);
		done(0);
	});
	ws.on('open', () => {
		console.error('the upgrade was accepted');
		done(1);
	});
	ws.on('error', (e) => {
		console.error(e.message);
		done(1);
	});
} else if (mode === 'follow') {
	const want = Number(arg);
	const fd = fs.openSync(out, 'w');
	let events = 0;
	const ws = new WebSocket(url, auth);
	ws.on('message', (data, binary) => {
		if (binary) {
			console.error('a binary frame');
			done(1);
		}
		const text = data.toString('utf8');
		fs.writeSync(fd, text + '\n');
		const m = JSON.parse(text);
		if (m.type === 'hello')
			console.log('ready');
		else if (m.type === undefined && ++events === want) {
			fs.closeSync(fd);
			ws.close();
			done(0);
		}
	});
	ws.on('error', (e) => {
		console.error(e.message);
		done(1);
	});
} else if (mode === 'slow') {
	const want = Number(out);
	let dropped = 0, received = 0, notes = 0, resumed = false;
	const ws = new WebSocket(url, auth);
	ws.on('message', (data) => {
		const m = JSON.parse(data.toString('utf8'));
		if (m.type === 'hello' && !resumed) {
			ws._socket.pause();
			console.log('paused');
			const t = setInterval(() => {
				if (!fs.existsSync(arg))
					return;
				clearInterval(t);
				resumed = true;
				ws._socket.resume();
			}, 50);
		} else if (m.type === 'dropped') {
			dropped += m.events;
			notes++;
		} else if (m.type === undefined) {
			received++;
		}
		if (received + dropped >= want) {
			console.log(JSON.stringify({ dropped, received, notes }));
			ws.close();
			done(0);
		}
	});
	ws.on('error', (e) => {
		console.error(e.message);
		done(1);
	});
} else {
	console.error('usage: viewer.mjs follow|slow|refused URL ...');
	done(2);
}
