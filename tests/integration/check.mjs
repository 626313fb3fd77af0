// check.mjs: JSON checks for tests/integration/run.sh (node only, no jq).
//
//   node check.mjs match EVENTS.jsonl SPEC
//       SPEC is JSON {"where":{…}, "count":N?, "expect":[{…},…]?, "none":true?}.
//       Events matching `where` are selected; `count` is their exact number;
//       each object of `expect` must match a different selected event.
//   node check.mjs schema EVENTS.jsonl      every line is a well-formed event
//   node check.mjs filter EVENTS.jsonl EXPR ids of events EXPR selects (ours)
//   node check.mjs ids EVENTS.jsonl         ids, one per line
//   node check.mjs csv FILE                 {"header":[…],"rows":N,"ids":[…]}
//   node check.mjs json FILE SPEC           FILE holds one JSON value; match SPEC
//   node check.mjs lines FILE SPEC          every line of FILE is JSON; SPEC is
//                                           {"count":N?,"expect":[…]} as above
//   node check.mjs metric FILE NAME         sum of a Prometheus metric's samples
//
// A pattern (in where/expect) matches a value like this:
//   scalar          equal; for the keys ts and received_at, two time strings
//                   are equal when they name the same microsecond
//   {"$re":S}       the value (a string) matches the regular expression S
//   {"$contains":S} the value, as JSON text, contains S
//   {"$in":[…]}     equals one of the items
//   {"$gte":N}, {"$lte":N}  numeric bounds
//   {"$type":T}     "array", "object", "string", "number", "integer", "null"
//   {"$not":P}      does not match P
//   {…}             an object with at least these keys, each matching
//   "$text" as a key: the whole event, as JSON text, contains the string
// Exit status 0 when the check passes; otherwise a diagnosis on stderr.
import { readFileSync } from 'node:fs';

const [cmd, file, arg] = process.argv.slice(2);

function die(msg) {
	process.stderr.write(msg.endsWith('\n') ? msg : msg + '\n');
	process.exit(1);
}

function readLines(path) {
	const text = readFileSync(path, 'utf8');
	const out = [];
	text.split('\n').forEach((line, i) => {
		if (line.trim() === '')
			return;
		try {
			out.push(JSON.parse(line));
		} catch (e) {
			die(`${path}:${i + 1}: not JSON (${e.message}): ${line.slice(0, 200)}`);
		}
	});
	return out;
}

// RFC 3339 -> microseconds since the epoch (BigInt), or null.
function timeUs(s) {
	if (typeof s !== 'string')
		return null;
	const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})$/i.exec(s);
	if (!m)
		return null;
	const off = m[6].toUpperCase() === 'Z' ? 'Z' : m[6].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
	const ms = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}${off}`);
	if (Number.isNaN(ms))
		return null;
	const frac = ((m[5] || '') + '000000').slice(0, 6);
	return BigInt(ms) * 1000n + BigInt(frac);
}

function typeOf(v) {
	if (v === null)
		return 'null';
	if (Array.isArray(v))
		return 'array';
	return typeof v;
}

// Why VALUE does not match PATTERN, or null when it does.
function mismatch(value, pattern, key) {
	if (pattern !== null && typeof pattern === 'object' && !Array.isArray(pattern)) {
		const keys = Object.keys(pattern);
		if (keys.length === 1 && keys[0].startsWith('$') && keys[0] !== '$text') {
			const p = pattern[keys[0]];
			switch (keys[0]) {
			case '$re':
				return typeof value === 'string' && new RegExp(p).test(value) ? null :
				    `${JSON.stringify(value)} does not match /${p}/`;
			case '$contains': {
				const t = typeof value === 'string' ? value : JSON.stringify(value);
				return t !== undefined && t.includes(p) ? null : `${short(value)} does not contain ${JSON.stringify(p)}`;
			}
			case '$in':
				return p.some((x) => mismatch(value, x, key) === null) ? null :
				    `${JSON.stringify(value)} not in ${JSON.stringify(p)}`;
			case '$gte':
				return typeof value === 'number' && value >= p ? null : `${JSON.stringify(value)} is not >= ${p}`;
			case '$lte':
				return typeof value === 'number' && value <= p ? null : `${JSON.stringify(value)} is not <= ${p}`;
			case '$type':
				if (p === 'integer')
					return Number.isInteger(value) ? null : `${JSON.stringify(value)} is not an integer`;
				return typeOf(value) === p ? null : `${short(value)} is a ${typeOf(value)}, not a ${p}`;
			case '$not':
				return mismatch(value, p, key) === null ? `${short(value)} should not match ${JSON.stringify(p)}` : null;
			default:
				die(`unknown matcher ${keys[0]}`);
			}
		}
		if (typeOf(value) !== 'object')
			return `${short(value)} is not an object`;
		for (const k of keys) {
			if (k === '$text') {
				if (!JSON.stringify(value).includes(pattern[k]))
					return `does not contain ${JSON.stringify(pattern[k])}`;
				continue;
			}
			if (!(k in value))
				return `${k}: missing`;
			const why = mismatch(value[k], pattern[k], k);
			if (why)
				return `${k}: ${why}`;
		}
		return null;
	}
	if ((key === 'ts' || key === 'received_at') && typeof pattern === 'string') {
		const a = timeUs(value), b = timeUs(pattern);
		if (b === null)
			die(`bad time in pattern: ${pattern}`);
		return a !== null && a === b ? null : `${JSON.stringify(value)} is not the instant ${pattern}`;
	}
	if (Array.isArray(pattern))
		return JSON.stringify(value) === JSON.stringify(pattern) ? null :
		    `${short(value)} != ${JSON.stringify(pattern)}`;
	return value === pattern ? null : `${JSON.stringify(value)} != ${JSON.stringify(pattern)}`;
}

function short(v) {
	const t = JSON.stringify(v);
	return t === undefined ? String(v) : (t.length > 160 ? t.slice(0, 160) + '…' : t);
}

function brief(ev) {
	const c = { ...ev };
	if ('raw' in c)
		c.raw = short(c.raw);
	return JSON.stringify(c);
}

// Check selected items against {count, expect, none}; diagnosis or null.
function checkSpec(items, spec) {
	const sel = spec.where ? items.filter((e) => mismatch(e, spec.where) === null) : items;
	const errs = [];
	if (spec.none && sel.length)
		errs.push(`expected no matching event, found ${sel.length}:\n  ${sel.slice(0, 3).map(brief).join('\n  ')}`);
	if (spec.count !== undefined && sel.length !== spec.count)
		errs.push(`expected ${spec.count} matching event(s), found ${sel.length}`);
	const used = new Set();
	for (const exp of spec.expect || []) {
		let found = -1;
		for (let i = 0; i < sel.length; i++) {
			if (!used.has(i) && mismatch(sel[i], exp) === null) {
				found = i;
				break;
			}
		}
		if (found >= 0) {
			used.add(found);
			continue;
		}
		// Diagnose against the closest candidate (fewest mismatching keys).
		let best = null, bestBad = null;
		for (let i = 0; i < sel.length; i++) {
			const bad = Object.keys(exp).map((k) => [k, k === '$text' ? mismatch(sel[i], { $text: exp[k] }) : (k in sel[i] ? mismatch(sel[i][k], exp[k], k) : 'missing')])
			    .filter(([, w]) => w);
			if (!bestBad || bad.length < bestBad.length) {
				best = sel[i];
				bestBad = bad;
			}
		}
		let msg = `no event matches ${JSON.stringify(exp)}`;
		if (best)
			msg += `\n  closest: ${brief(best)}\n  differs: ${bestBad.map(([k, w]) => `${k}: ${w}`).join('; ')}`;
		else
			msg += ` (none selected by ${JSON.stringify(spec.where || {})} among ${items.length})`;
		errs.push(msg);
	}
	return errs.length ? errs.join('\n') : null;
}

const SOURCES = ['devtron', 'devpod', 'devsy', 'werf', 'posthog', 'segment', 'rudderstack', 'otlp',
    'generic'];
const FORMATS = ['posthog-batch', 'posthog-array', 'posthog-event', 'posthog-v1', 'devpod-insert',
    'devpod-legacy', 'otlp-protobuf', 'otlp-json', 'werf-json', 'segment-batch', 'segment-message',
    'otlp-logs-protobuf', 'otlp-logs-json', 'otlp-metrics-protobuf', 'otlp-metrics-json', 'generic'];
const PHASES = ['start', 'finish', 'point'];
const STR_OR_NULL = { $in: [null, { $type: 'string' }] };
const INT_OR_NULL = { $in: [null, { $type: 'integer' }] };
const NUM_OR_NULL = { $in: [null, { $type: 'number' }] };
const SCHEMA = {
	id: { $type: 'integer' },
	received_at: { $re: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$' },
	ts: { $in: [null, { $re: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$' }] },
	source: { $in: SOURCES },
	format: { $in: FORMATS },
	name: STR_OR_NULL,
	phase: { $in: PHASES },
	client_id: STR_OR_NULL,
	execution_id: STR_OR_NULL,
	command: STR_OR_NULL,
	duration_ms: NUM_OR_NULL,	// ms, with the fraction the tool sent
	exit_code: INT_OR_NULL,
	error: STR_OR_NULL,
	version: STR_OR_NULL,
	os: STR_OR_NULL,
	arch: STR_OR_NULL,
	severity: INT_OR_NULL,	// a log record's OTLP severity number
	pii: { $type: 'array' },
	raw: { $not: { $type: 'null' } },
};

// Our reading of the --filter language (written apart from core/filter.c):
// an AND of [!]field OP value[|value...], values bare or "quoted" (\" \\);
// = equal, != differ, ~ contains (any case), != and !~ hold for none of the
// values, the others for one; "field=" is null or empty, "field!=" set; pii
// and pii.kind are the findings' grades and kinds (a set); since/until take
// an RFC 3339 time and bound ts.
function filterTerms(expr) {
	const terms = [];
	let i = 0;
	const die2 = (why) => die(`bad filter ${JSON.stringify(expr)}: ${why} at ${i + 1}`);
	for (;;) {
		while (/\s/.test(expr[i] ?? ''))
			i++;
		if (i >= expr.length)
			return terms;
		let neg = false;
		if (expr[i] === '!') {
			neg = true;
			i++;
		}
		const m = /^[a-z_.]+/.exec(expr.slice(i));
		if (!m)
			die2('no field');
		const f = m[0];
		i += f.length;
		const o = /^(!=|!~|>=|<=|=|~|>|<)/.exec(expr.slice(i));
		if (!o)
			die2('no operator');
		const op = o[0];
		i += op.length;
		const vs = [];
		for (;;) {
			let v = '';
			if (expr[i] === '"') {
				for (i++; expr[i] !== '"'; i++) {
					if (i >= expr.length)
						die2('open quote');
					if (expr[i] === '\\' && (expr[i + 1] === '"' || expr[i + 1] === '\\'))
						i++;
					v += expr[i];
				}
				i++;
			} else
				for (; i < expr.length && !/[\s|]/.test(expr[i]); i++)
					v += expr[i];
			vs.push(v);
			if (expr[i] !== '|')
				break;
			i++;
		}
		terms.push({ neg, f, op, vs });
	}
}

function filterIds(events, expr) {
	const terms = filterTerms(expr);
	const str = (x) => (x === null || x === undefined ? null : String(x));
	const one = (x, op, v) => {
		const empty = x === null || x === '';
		if (op === '=')
			return v === '' ? empty : x === v;
		if (op === '!=')
			return v === '' ? !empty : x !== v;
		if (op === '~')
			return !empty && x.toLowerCase().includes(v.toLowerCase());
		if (op === '!~')
			return empty || !x.toLowerCase().includes(v.toLowerCase());
		const a = Number(x), b = Number(v);
		if (empty)
			return false;
		return op === '>' ? a > b : op === '<' ? a < b : op === '>=' ? a >= b : a <= b;
	};
	const holds = (e, { f, op, vs }) => {
		const none = op === '!=' || op === '!~';
		if (f === 'since' || f === 'until') {
			const ts = Date.parse(e.ts), at = Date.parse(vs[0]);
			return f === 'since' ? ts >= at : ts < at;
		}
		if (f === 'pii' || f === 'pii.kind') {
			const set = (e.pii ?? []).map((x) => (f === 'pii' ? x.grade : x.kind));
			const pos = op === '!=' ? '=' : op === '!~' ? '~' : op;
			const test = (v) => (v === '' && (op === '=' || op === '!=') ?
			    (op === '=' ? set.length === 0 : set.length > 0) :
			    (none ? !set.some((x) => one(x, pos, v)) : set.some((x) => one(x, pos, v))));
			return none ? vs.every(test) : vs.some(test);
		}
		const x = str(e[f === 'client' ? 'client_id' : f]);
		return none ? vs.every((v) => one(x, op, v)) : vs.some((v) => one(x, op, v));
	};
	return events.filter((e) => terms.every((t) => holds(e, t) !== t.neg)).map((e) => e.id);
}

function parseCsv(text) {
	const rows = [];
	let row = [], field = '', q = false, i = 0, any = false;
	for (; i < text.length; i++) {
		const ch = text[i];
		if (q) {
			if (ch === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (ch === '"') {
				q = false;
			} else {
				field += ch;
			}
			continue;
		}
		if (ch === '"') {
			q = true;
			any = true;
		} else if (ch === ',') {
			row.push(field);
			field = '';
			any = true;
		} else if (ch === '\n' || ch === '\r') {
			if (ch === '\r' && text[i + 1] === '\n')
				i++;
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
			any = false;
		} else {
			field += ch;
			any = true;
		}
	}
	if (q)
		die('csv: unterminated quoted field');
	if (any || field !== '') {
		row.push(field);
		rows.push(row);
	}
	return rows;
}

function metricSum(text, name) {
	let sum = null;
	for (const line of text.split('\n')) {
		if (line.startsWith('#') || line.trim() === '')
			continue;
		const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
		if (m && m[1] === name)
			sum = (sum || 0) + Number(m[3]);
	}
	return sum;
}

switch (cmd) {
case 'match': {
	const why = checkSpec(readLines(file), JSON.parse(arg));
	if (why)
		die(why);
	break;
}
case 'lines': {
	const why = checkSpec(readLines(file), JSON.parse(arg));
	if (why)
		die(why);
	break;
}
case 'json': {
	let v;
	const text = readFileSync(file, 'utf8');
	try {
		v = JSON.parse(text);
	} catch (e) {
		die(`not JSON (${e.message}): ${text.slice(0, 300)}`);
	}
	const why = mismatch(v, JSON.parse(arg));
	if (why)
		die(`${why}\n  value: ${short(v)}`);
	break;
}
case 'schema': {
	const evs = readLines(file);
	const errs = [];
	let last = -Infinity;
	for (const e of evs) {
		const why = mismatch(e, SCHEMA);
		if (why)
			errs.push(`event ${e && e.id}: ${why}`);
		/* "collector": the one that received it, in a store many
		 * share (PostgreSQL) */
		const extra = Object.keys(e).filter((k) => !(k in SCHEMA) &&
		    !(k === 'collector' && typeof e[k] === 'string' && e[k] !== ''));
		if (extra.length)
			errs.push(`event ${e.id}: unexpected keys ${extra.join(',')}`);
		if (!(e.id > last))
			errs.push(`event ${e.id}: ids not increasing (previous ${last})`);
		last = e.id;
	}
	if (!evs.length)
		errs.push('no events at all');
	if (errs.length)
		die(errs.slice(0, 15).join('\n') + (errs.length > 15 ? `\n… ${errs.length - 15} more` : ''));
	console.log(`${evs.length} events`);
	break;
}
case 'filter':
	for (const id of filterIds(readLines(file), arg))
		console.log(id);
	break;
case 'ids':
	for (const e of readLines(file))
		console.log(e.id);
	break;
case 'csv': {
	const rows = parseCsv(readFileSync(file, 'utf8'));
	if (!rows.length)
		die('csv: empty');
	const header = rows[0];
	const idCol = header.indexOf('id');
	const bad = rows.slice(1).filter((r) => r.length !== header.length);
	if (bad.length)
		die(`csv: ${bad.length} row(s) do not have ${header.length} fields, e.g. ${JSON.stringify(bad[0]).slice(0, 300)}`);
	console.log(JSON.stringify({
		header,
		rows: rows.length - 1,
		ids: idCol >= 0 ? rows.slice(1).map((r) => Number(r[idCol])) : null,
	}));
	break;
}
case 'metric': {
	const v = metricSum(readFileSync(file, 'utf8'), arg);
	if (v === null)
		die(`metric ${arg} not found`);
	console.log(v);
	break;
}
default:
	die('usage: check.mjs match|schema|filter|ids|csv|json|lines|metric …');
}
