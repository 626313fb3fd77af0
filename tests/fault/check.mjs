// tests/fault/check.mjs: compare what faultload recorded with what is stored.
//
//   node check.mjs EVENTS.jsonl PREFIX ACKED [SENT]
//
// EVENTS.jsonl is `teltop events --format jsonl`; the events whose name
// starts with PREFIX are faultload's markers.  Fails (exit 1, the reasons on
// stderr) when an acked marker is not stored exactly once, when any marker
// is stored more than once (faultload never sends one twice), or, given
// SENT, when a stored marker was never sent.  Prints one line of counts.
import { readFileSync } from "node:fs";

const [eventsFile, prefix, ackedFile, sentFile] = process.argv.slice(2);
if (!eventsFile || !prefix || !ackedFile) {
	console.error("usage: node check.mjs EVENTS.jsonl PREFIX ACKED [SENT]");
	process.exit(2);
}

const lines = (f) => readFileSync(f, "utf8").split("\n").filter((l) => l !== "");

const stored = new Map();
let n = 0;
for (const l of lines(eventsFile)) {
	n++;
	let ev;
	try {
		ev = JSON.parse(l);
	} catch {
		console.error(`line ${n} of ${eventsFile} is not JSON: ${l.slice(0, 200)}`);
		process.exit(1);
	}
	if (typeof ev.name === "string" && ev.name.startsWith(prefix))
		stored.set(ev.name, (stored.get(ev.name) || 0) + 1);
}

const acked = lines(ackedFile);
const sent = sentFile ? new Set(lines(sentFile)) : null;
const problems = [];
const show = (what, list) => {
	if (list.length > 0)
		problems.push(`${list.length} ${what}: ${list.slice(0, 8).join(" ")}${list.length > 8 ? " …" : ""}`);
};

const ackedSeen = new Map();
for (const m of acked) ackedSeen.set(m, (ackedSeen.get(m) || 0) + 1);
show("markers acked twice (the client never resends; a reply was doubled)",
    [...ackedSeen].filter(([, c]) => c > 1).map(([m]) => m));
show("acked markers missing from the database",
    [...ackedSeen.keys()].filter((m) => !stored.has(m)));
show("markers stored more than once",
    [...stored].filter(([, c]) => c > 1).map(([m, c]) => `${m}×${c}`));
if (sent)
	show("stored markers that were never sent",
	    [...stored.keys()].filter((m) => !sent.has(m)));

console.log(`stored=${stored.size} acked=${ackedSeen.size}` +
    (sent ? ` sent=${sent.size}` : "") +
    ` unacked-but-stored=${[...stored.keys()].filter((m) => !ackedSeen.has(m)).length}`);
if (problems.length > 0) {
	for (const p of problems) console.error(p);
	process.exit(1);
}
