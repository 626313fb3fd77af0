// bench/mixload.mjs: the issue-12 "mix" over HTTP, for the rollup
// measurements (a database of 1 M mix events, the server's VmHWM after
// ingesting them).
//
//	node bench/mixload.mjs URL EVENTS [CONNS] [BATCH]
//
// Alternates a DevPod legacy cmdfinished array on
// /analytics/v1/devpod/v1/events and a Devtron posthog-go batch on /batch/
// (the two payloads of ../shared/bench), BATCH events a request (100),
// CONNS keep-alive connections (4).  executionID, uuid, timestamp, command
// and the client vary per event: ids random hex, commands from a small
// set, 300 clients, timestamps over the 30 days before now.  Prints
// "events=N seconds=S per_s=R"; exit 1 on any refused request.
import http from "node:http";

const [url, nev, nconn = "4", nbatch = "100"] = process.argv.slice(2);
if (!url || !nev) {
	console.error("usage: mixload.mjs URL EVENTS [CONNS] [BATCH]");
	process.exit(2);
}
const u = new URL(url.includes("://") ? url : "http://" + url);
const total = Number(nev), conns = Number(nconn), batch = Number(nbatch);
const agent = new http.Agent({ keepAlive: true, maxSockets: conns });
const cmds = ["devpod up", "devpod stop", "devpod delete", "devpod ssh",
    "devpod provider delete", "devpod build"];
const now = Date.now();
let seed = 12345;
// mulberry32: 32 random bits a call, the same sequence every run
function rnd() {
	let t = (seed = (seed + 0x6d2b79f5) | 0);
	t = Math.imul(t ^ (t >>> 15), t | 1);
	t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
	return (t ^ (t >>> 14)) >>> 0;
}
function hex(n) {
	let s = "";
	while (s.length < n)
		s += rnd().toString(16);
	return s.slice(0, n);
}
function devpod() {
	const ts = (now - (rnd() % (30 * 86400000))) * 1000 + rnd() % 1000;
	const uid = "3ed2c7ee" + String(rnd() % 300).padStart(5, "0");
	const err = rnd() % 7 === 0 ? "provider 'docker' does not exist" : "";
	return '{"type":"cmdfinished","event":{"timestamp":' + ts +
	    ',"executionID":"' + hex(18) + '","command":"' +
	    cmds[rnd() % cmds.length] + '","provider":"docker",' +
	    '"processingTime":' + (1000 + rnd() % 60000000) +
	    ',"errors":"' + err + '"},"instanceProperties":{"uid":"' + uid +
	    '","arch":"amd64","os":"linux","version":{"major":"0","minor":' +
	    '"1","patch":"0"},"flags":{"setFlags":["debug"]},"ui":false},' +
	    '"token":"eyJhbGcoNz8087e0a700"}';
}
function devtron() {
	const t = new Date(now - rnd() % (30 * 86400000)).toISOString();
	const ucid = "ucid" + String(rnd() % 300).padStart(12, "0");
	const h = hex(32);
	return '{"event":"DashboardLoggedIn","distinct_id":"' + ucid +
	    '","timestamp":"' + t + '","uuid":"' + h.slice(0, 8) + "-" +
	    h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) +
	    "-" + h.slice(20) + '","properties":{"$geoip_city_name":' +
	    '"Frankfurt am Main","$geoip_country_name":"Germany",' +
	    '"$geoip_country_code":"DE","$geoip_continent_name":"Europe",' +
	    '"$geoip_continent_code":"EU","$geoip_postal_code":"60313",' +
	    '"$geoip_latitude":50.1188,"$geoip_longitude":8.6843,' +
	    '"$geoip_time_zone":"Europe/Berlin","$geoip_subdivision_1_code":' +
	    '"HE","$geoip_subdivision_1_name":"Hesse","$ip":"203.0.113.' +
	    (rnd() % 250) + '","$lib":"posthog-go","$lib_version":"1.2.18",' +
	    '"devtronVersion":"v0.6.19","serverVersion":"v1.25.2",' +
	    '"eventType":"DashboardLoggedIn","ucid":"' + ucid +
	    '","durationMs":' + (rnd() % 10000) + ',"instanceCount":2,' +
	    '"$set":{"clusterCount":2}}}';
}

let sent = 0, acked = 0, k = 0, failed = false;
const t0 = process.hrtime.bigint();

function post(path, body, n) {
	return new Promise((resolve) => {
		const req = http.request({ host: u.hostname, port: u.port,
		    path, method: "POST", agent,
		    headers: { "content-type": "application/json",
		    "content-length": Buffer.byteLength(body) } }, (res) => {
			let b = "";
			res.on("data", (c) => { b += c; });
			res.on("end", () => {
				if (res.statusCode !== 200) {
					console.error("mixload: " + path + " " +
					    res.statusCode + " " + b);
					failed = true;
				} else
					acked += n;
				resolve();
			});
		});
		req.on("error", (e) => {
			console.error("mixload: " + e.message);
			failed = true;
			resolve();
		});
		req.end(body);
	});
}

async function worker() {
	while (!failed && sent < total) {
		const n = Math.min(batch, total - sent);
		const items = [];
		sent += n;
		if (k++ % 2 === 0) {
			for (let i = 0; i < n; i++)
				items.push(devpod());
			await post("/analytics/v1/devpod/v1/events",
			    "[" + items.join(",") + "]", n);
		} else {
			for (let i = 0; i < n; i++)
				items.push(devtron());
			await post("/batch/", '{"api_key":"phc_3Kq9ZzJ1bUuAfT2m' +
			    'Xq8yVwR0nLp5sD7eHc4GkO6iY","batch":[' +
			    items.join(",") + "]}", n);
		}
	}
}

await Promise.all(Array.from({ length: conns }, worker));
const s = Number(process.hrtime.bigint() - t0) / 1e9;
console.log("events=" + acked + " seconds=" + s.toFixed(3) + " per_s=" +
    Math.round(acked / s));
agent.destroy();
process.exit(failed ? 1 : 0);
