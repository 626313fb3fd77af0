# Hostile input cases for tests/integration/run.sh, which sources this file
# and calls run_input_cases: timestamps out of range ("ts":1e300, a 23-digit
# string, negative, NaN, year 9999 and more, in every format), invalid UTF-8
# and NUL ("\u0000", raw bytes) sent to a collector of its own, then what
# `teltop events` (JSON lines, CSV) and `teltop stats --json` print, read
# strictly: fatal UTF-8 decoding, JSON.parse, no control character raw.
# Then rows as an older teltop stored them (the TT_NONE sentinel INT64_MIN
# for a time, INT64_MAX, invalid UTF-8 and NUL in text) are written into
# that database, and the collector must restart on it (under the ASan/UBSan
# build too: no "runtime error" in its log) and still print valid output.
#
# Uses run.sh's helpers and variables: run_case, record, start_aux,
# stop_aux, fail, $TELTOP, $T, $AUX_ADDR, $AUX_DB, $AUX_PID.

# in_js MODE FILE EXPR [ARG...]: read FILE strictly as MODE (jsonl: v is
# the array of events; json: v is the value; csv: v is the array of rows,
# each an array of fields) and exit 0 when EXPR (JavaScript over v and a,
# the ARGs) is truthy.  Invalid UTF-8 fails it, and so does, in JSON, a
# line JSON.parse refuses or a raw control character (other than the
# newlines and tabs between values); CSV has no escapes, only quotes.
in_js() {
	node -e '
	const fs = require("fs");
	const [mode, file, expr, ...a] = process.argv.slice(1);
	const bytes = fs.readFileSync(file);
	let text;
	try {
		text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
	} catch (e) {
		console.error(file + ": not valid UTF-8 (" + e.message + "): " +
		    JSON.stringify(bytes.toString("latin1").slice(0, 400)));
		process.exit(1);
	}
	const ctl = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.exec(text);
	if (mode !== "csv" && ctl) {
		console.error(file + ": raw control U+" +
		    ctl[0].charCodeAt(0).toString(16).padStart(4, "0") + " at " +
		    ctl.index + ": " + JSON.stringify(text.slice(Math.max(0,
		    ctl.index - 80), ctl.index + 40)));
		process.exit(1);
	}
	let v;
	if (mode === "jsonl") {
		v = [];
		text.split("\n").forEach((line, i) => {
			if (line === "") return;
			if (/\t/.test(line)) { console.error(file + ":" + (i + 1) + ": raw tab"); process.exit(1) }
			try { v.push(JSON.parse(line)) }
			catch (e) { console.error(file + ":" + (i + 1) + ": " + e.message + ": " + line.slice(0, 300)); process.exit(1) }
		});
	} else if (mode === "json") {
		try { v = JSON.parse(text) }
		catch (e) { console.error(file + ": " + e.message + ": " + text.slice(0, 300)); process.exit(1) }
	} else {
		v = [];
		let row = [], f = "", q = false;
		for (let i = 0; i < text.length; i++) {
			const c = text[i];
			if (q) {
				if (c === "\"" && text[i + 1] === "\"") { f += c; i++ }
				else if (c === "\"") q = false;
				else f += c;
			} else if (c === "\"") q = true;
			else if (c === ",") { row.push(f); f = "" }
			else if (c === "\n") { row.push(f); v.push(row); row = []; f = "" }
			else if (c === "\r") { console.error(file + ": CR outside quotes"); process.exit(1) }
			else f += c;
		}
		if (q || f !== "" || row.length) { console.error(file + ": unterminated CSV"); process.exit(1) }
	}
	let ok;
	try { ok = (new Function("v", "a", "return (" + expr + ")"))(v, a) }
	catch (e) { ok = false; console.error(e.message) }
	if (!ok) {
		console.error("false: " + expr + "\n  a: " + JSON.stringify(a) +
		    "\n  value: " + JSON.stringify(v).slice(0, 3000));
		process.exit(1);
	}' "$@"
}

# in_post BODY-FILE [PATH] [CURL-ARG...]: POST the bytes of BODY-FILE to the
# input collector (default /v1/events); the status must be 200.
in_post() {
	local file=$1 path=${2:-/v1/events} st
	shift 2 2>/dev/null || shift $#
	st=$(curl -sS -o "$T/in.body" -w '%{http_code}' --max-time 30 -H 'Expect:' \
	    -H 'Content-Type: application/json' "$@" --data-binary @"$file" \
	    "http://$AUX_ADDR$path")
	[ "$st" = 200 ] || fail "POST $path $(head -c 200 "$file"): status $st, body $(head -c 300 "$T/in.body")"
}

in_events() {
	"$TELTOP" events --db "$AUX_DB" --format jsonl "$@" >"$T/in.jsonl"
}

# in_note ID TEXT: in $T/in.jsonl, the event named, executing or sent by ID
# is at received_at and has a note containing TEXT.
in_note() {
	in_js jsonl "$T/in.jsonl" 'v.some(e => [e.name, e.execution_id,
	    e.client_id].includes(a[0]) && e.ts === e.received_at &&
	    e.raw._teltop.notes.some(n => n.includes(a[1])))' "$1" "$2"
}

# The collector's log must hold no sanitizer report (UBSan recovers by
# default and goes on: its report is the only trace).
case_input_no_ub() {
	local f
	for f in "$T"/input*.log; do
		if grep -q -e 'runtime error' -e 'AddressSanitizer' "$f"; then
			grep -m 5 -e 'runtime error' -e 'AddressSanitizer' -A3 "$f" >&2
			fail "sanitizer report in $f"
		fi
	done
}

# Timestamps out of range in every format are kept, at received_at, with a
# note naming the member and the value; durations and exit codes too.
case_input_times() {
	local b=$T/in.req
	printf '%s\n' \
	    '{"name":"it-in-big","ts":1e300}' \
	    '{"name":"it-in-d23","ts":"12345678901234567890123"}' \
	    '{"name":"it-in-neg","ts":-5}' \
	    '{"name":"it-in-nan","ts":"NaN"}' \
	    '{"name":"it-in-inf","ts":"-Infinity"}' \
	    '{"name":"it-in-y9999","ts":"9999-12-31T23:59:59Z"}' \
	    '{"name":"it-in-y10k","ts":"+10000-01-01T00:00:00Z"}' \
	    '{"name":"it-in-2200","ts":"2200-12-31T23:59:59Z"}' \
	    '{"name":"it-in-dur","ts":1767614400,"duration_ms":1e300,"exit_code":"12345678901234567890123","phase":"finish","command":"it-in-dur"}' \
	    >"$b"
	in_post "$b"
	in_js json "$T/in.body" 'v.accepted === 9 && v.dropped === 0'
	printf '%s' '{"api_key":"k","sent_at":"2026-01-05T12:00:00Z","batch":[{"event":"it-in-ph","distinct_id":"it-in-ph-user","timestamp":1e300},{"event":"it-in-ph2","distinct_id":"it-in-ph-user","timestamp":"12345678901234567890123"}]}' >"$b"
	in_post "$b" /batch/
	printf '%s' '{"data":[{"event":{"type":"devpod_cli","machine_id":"it-in-devpod","timestamp":1e300,"properties":"{\"command\":\"devpod up\"}"},"user":{"machine_id":"it-in-devpod"}}]}' >"$b"
	in_post "$b" /v1/insert
	printf '%s' '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"it-in-otlp","startTimeUnixNano":"99999999999999999999999","endTimeUnixNano":"1e300"}]}]}]}' >"$b"
	in_post "$b" /v1/traces
	printf '%s' '{"ts":1e300,"eventType":"CommandExited","executionID":"it-in-werf","eventData":{"durationMs":1e300,"exitCode":1e300}}' >"$b"
	in_post "$b" /v1/traces
	in_events
	in_js jsonl "$T/in.jsonl" 'v.every(e => typeof e.ts === "string" &&
	    /^(19[7-9][0-9]|2[01][0-9][0-9]|2200)-/.test(e.ts))'
	in_note it-in-big "ts 1e+300 is out of range (years 1970–2200), ignored"
	in_note it-in-d23 'ts "12345678901234567890123" is out of range'
	in_note it-in-neg "ts -5 is out of range"
	in_note it-in-nan 'ts "NaN" is not a time'
	in_note it-in-inf 'ts "-Infinity" is not a time'
	in_note it-in-y9999 'ts "9999-12-31T23:59:59Z" is out of range'
	in_note it-in-y10k "is not a time"
	in_note it-in-werf "ts 1e+300 is out of range"
	in_note it-in-otlp 'startTimeUnixNano "99999999999999999999999" is out of range'
	in_note it-in-otlp 'endTimeUnixNano "1e300" is not a time'
	in_note it-in-devpod "timestamp 1e+300 is out of range"
	in_js jsonl "$T/in.jsonl" 'v.some(e => e.name === "it-in-2200" && e.ts.startsWith("2200-12-31T23:59:59") && !e.raw._teltop)'
	in_js jsonl "$T/in.jsonl" 'v.filter(e => e.client_id === "it-in-ph-user").length === 2 &&
	    v.filter(e => e.client_id === "it-in-ph-user").every(e => e.ts.startsWith("2026-01-05T12:00:00") &&
	    e.raw._teltop.notes[0].startsWith("timestamp "))'
	in_js jsonl "$T/in.jsonl" 'v.some(e => e.name === "it-in-dur" && e.duration_ms === null && e.exit_code === null &&
	    e.raw._teltop.notes.length === 2 && e.ts.startsWith("2026-01-05T12:00:00"))'
	in_js jsonl "$T/in.jsonl" 'v.some(e => e.execution_id === "it-in-werf" && e.duration_ms === null && e.exit_code === null)'
}

# Invalid UTF-8, NUL and control characters: the output is valid UTF-8 and
# strict JSON; a NUL does not cut the name.
case_input_text() {
	local b=$T/in.req
	{
		printf '{"name":"it-in-utf8-\xff\xfe","client_id":"it-in-utf8","command":"c\xc0\xafd"}\n'
		printf '%s\n' '{"name":"a\u0000b","client_id":"it-in-nul"}'
		printf '%s\n' '{"name":"it-in-esc","client_id":"it-in-esc","command":"x\\u0000y"}'
		printf '%s\n' '{"name":"it-in-sur","client_id":"it-in-sur","command":"s\ud800t"}'
		printf '%s\n' '{"name":"it-in-ctl","client_id":"it-in-ctl","command":"a\u007fb\u0085c\u0001d\u001be"}'
		printf '{"name":"it-in-raw","client_id":"it-in-raw","os":"a\x01b","arch":"x\xed\xa0\x80y","k\xff":1}\n'
	} >"$b"
	in_post "$b"
	in_js json "$T/in.body" 'v.accepted === 6'
	printf '%s' '{"data":[{"event":{"type":"devpod_cli","timestamp":1767614400,"properties":"{\"command\":\"up\\u0000x\"}"},"user":{"machine_id":"it-in-nested\u0000"}}]}' >"$b"
	in_post "$b" /v1/insert
	in_events
	in_js jsonl "$T/in.jsonl" 'v.some(e => e.client_id === "it-in-utf8" && e.name === "it-in-utf8-\ufffd\ufffd" &&
	    e.command === "c\ufffd\ufffdd" && e.raw.name === e.name)'
	in_js jsonl "$T/in.jsonl" 'v.some(e => e.client_id === "it-in-nul" && e.name === "a\ufffdb" && e.name.length === 3)'
	in_js jsonl "$T/in.jsonl" 'v.some(e => e.client_id === "it-in-esc" && e.command === "x\\u0000y" && e.command.length === 8)'
	in_js jsonl "$T/in.jsonl" 'v.some(e => e.client_id === "it-in-sur" && e.command === "s\ufffdt")'
	in_js jsonl "$T/in.jsonl" 'v.some(e => e.client_id === "it-in-ctl" && e.command === "a\u007fb\u0085c\u0001d\u001be")'
	in_js jsonl "$T/in.jsonl" 'v.some(e => e.client_id === "it-in-raw" && e.os === "a\u0001b" && e.arch === "x\ufffd\ufffd\ufffdy" &&
	    e.raw["k\ufffd"] === 1)'
	in_js jsonl "$T/in.jsonl" 'v.some(e => e.client_id === "it-in-nested\ufffd" && e.command === "up\ufffdx")'
	# The bytes of the lines themselves: every control character escaped.
	grep -q 'a\\u007fb\\u0085c\\u0001d\\u001be' "$T/in.jsonl" || fail "controls not escaped as \\u00XX: $(grep it-in-ctl "$T/in.jsonl" | head -c 400)"
}

# CSV: valid UTF-8, every row the header's width, fields quoted.
case_input_csv() {
	"$TELTOP" events --db "$AUX_DB" --format csv >"$T/in.csv"
	in_js csv "$T/in.csv" 'v.length > 10 && v.every(r => r.length === v[0].length)'
	in_js csv "$T/in.csv" 'v.some(r => r[5] === "a\ufffdb") && v.some(r => r[9] === "a\u007fb\u0085c\u0001d\u001be")'
	in_js csv "$T/in.csv" 'v.slice(1).every(r => /^(19[7-9][0-9]|2[01][0-9][0-9]|2200)-/.test(r[2]))'
}

# stats --json: strict JSON, valid UTF-8; the clamped event is a command.
case_input_stats() {
	"$TELTOP" stats --db "$AUX_DB" --json >"$T/in.stats.json"
	in_js json "$T/in.stats.json" 'v.events >= 20 && v.daily.every(d => /^\d{4}-\d\d-\d\d$/.test(d.day)) &&
	    v.commands.some(c => c.command === "it-in-dur" && c.count === 1 && c.max_ms === null)'
}

# Rows as an older teltop stored them, written while no collector runs.
case_input_old_rows() {
	if ! command -v sqlite3 >/dev/null; then
		echo "# skipped: no sqlite3 command to write old rows with"
		return 0
	fi
	sqlite3 "$AUX_DB" "
	    INSERT INTO events(received_at, ts, source, format, name, phase,
	      client_id, execution_id, command, duration_ms, exit_code, data)
	    VALUES (1767225600000000, -9223372036854775808, 'generic', 'generic',
	      CAST(X'69742D696E2D6F6C64FF00FE' AS TEXT), 'finish', 'it-in-old',
	      'it-in-old-x', CAST(X'636D64EDA080' AS TEXT), 9223372036854775807,
	      -9223372036854775807,
	      CAST(X'7B226E616D65223A226F6C64FF227D' AS TEXT));
	    INSERT INTO events(received_at, ts, source, format, name, phase,
	      client_id, execution_id, command, duration_ms)
	    VALUES (9223372036854775807, 9223372036854775807, 'generic',
	      'generic', 'it-in-old2', 'start', 'it-in-old2', 'it-in-old-x',
	      'cmd', -9223372036854775808);"
}

# After the restart on those rows: it answers, takes events, and the
# output is still strict; a time no date can show is null, never a date.
case_input_after_restart() {
	printf '%s' '{"name":"it-in-after","ts":1e300}' >"$T/in.req"
	in_post "$T/in.req"
	in_events
	in_js jsonl "$T/in.jsonl" 'v.some(e => e.name === "it-in-after" && e.ts === e.received_at)'
	in_js jsonl "$T/in.jsonl" 'v.every(e => e.ts === null || /^(19[0-9][0-9]|2[0-9]{3})-/.test(e.ts))'
	in_js jsonl "$T/in.jsonl" 'v.every(e => !/-290308|^-|\+/.test(String(e.ts)) && !/-290308/.test(String(e.received_at)))'
	if command -v sqlite3 >/dev/null; then
		in_js jsonl "$T/in.jsonl" 'v.some(e => e.client_id === "it-in-old" && e.ts === null &&
		    e.name === "it-in-old\ufffd\ufffd\ufffd" && e.command === "cmd\ufffd\ufffd\ufffd" && e.raw.name === "old\ufffd")'
		in_js jsonl "$T/in.jsonl" 'v.some(e => e.client_id === "it-in-old2" && e.ts === null && e.received_at === null &&
		    e.duration_ms === null)'
	fi
	"$TELTOP" events --db "$AUX_DB" --format csv >"$T/in.csv"
	in_js csv "$T/in.csv" 'v.every(r => r.length === v[0].length)'
	"$TELTOP" stats --db "$AUX_DB" --json >"$T/in.stats.json"
	in_js json "$T/in.stats.json" 'v.commands.every(c => c.last_seen === null || /^\d{4}-/.test(c.last_seen))'
	"$TELTOP" stats --db "$AUX_DB" >"$T/in.stats.txt"
}

input_cases() {
	run_case "input: out-of-range times (1e300, 23 digits, NaN, year 9999) kept at received_at, noted, every format" case_input_times
	run_case "input: invalid UTF-8, \\u0000, lone surrogates, controls: strict JSON lines, NUL does not cut" case_input_text
	run_case "input: events --format csv is valid UTF-8, every row complete" case_input_csv
	run_case "input: stats --json is strict JSON" case_input_stats
	run_case "input: no sanitizer report while ingesting" case_input_no_ub
}

# in_start WHAT: start the input collector on $T/input.db; record WHAT.
# Under a sanitized build, undefined behaviour ends the process (as `make
# asan` has it), here whatever UBSAN_OPTIONS says: a collector that cannot
# start on its database must show as one.
in_start() {
	local rc=0
	[ ! -s "$T/input.log" ] || mv "$T/input.log" "$T/input.$(date +%s%N).log"
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 start_aux input \
	    >"$T/case.log" 2>&1 || rc=$?
	record "$1" "$rc" "$T/case.log"
	return "$rc"
}

# in_stop WHAT: SIGTERM the input collector; record WHAT: it must exit 0
# (one that died already, say on a sanitizer report, fails it).
in_stop() {
	local rc=0 st
	st=$(awk '{ print $3 }' "/proc/$AUX_PID/stat" 2>/dev/null) || st=
	if [ -z "$st" ] || [ "$st" = Z ]; then
		wait "$AUX_PID" || rc=$?
		AUX_PID=
		{ echo "it had exited by itself, status $rc; end of its log:"
		  tail -n 15 "$T/input.log"; } >"$T/case.log"
		record "$1" 1 "$T/case.log"
		return 0
	fi
	stop_aux >"$T/case.log" 2>&1 || rc=$?
	record "$1" "$rc" "$T/case.log"
}

run_input_cases() {
	local ub=halt_on_error=1:print_stacktrace=1
	if in_start "input: its own collector starts"; then
		UBSAN_OPTIONS=$ub input_cases
		in_stop "input: its collector exits 0 on SIGTERM"
	fi
	run_case "input: rows as an older teltop stored them (INT64_MIN ts, bad UTF-8)" case_input_old_rows
	in_start "input: the collector restarts on that database" || return 0
	UBSAN_OPTIONS=$ub run_case "input: after the restart, it takes events and prints no date for a sentinel" case_input_after_restart
	in_stop "input: the restarted collector exits 0 on SIGTERM"
	run_case "input: no sanitizer report, before or after the restart" case_input_no_ub
}
