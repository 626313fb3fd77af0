# History (issue 16), sourced by run.sh: the field catalog (`teltop fields`,
# `teltop diff`) of a collector of its own, fed by curl with formats.md's
# DevPod bodies: legacy v0.5.29 and current v0.6.15.

# Post a DevPod body (FILE) to ROUTE of the aux collector.
history_post() {
	want_status 200 "$(curl -sS -o "$T/body" -w '%{http_code}' --max-time 30 -H 'Expect:' \
	    -H 'Content-Type: application/json' --data-binary @"$2" "http://$AUX_ADDR$1")"
}

case_fields_devpod() {
	history_post /analytics/v1/devpod/v1/events "$FIX/devpod_legacy_started.json"
	history_post /analytics/v1/devpod/v1/events "$FIX/devpod_legacy_finished.json"
	history_post /v1/insert "$FIX/devpod_insert.json"
	# v0.6.15's error names someone: a field that was not personal is now
	printf '{"data":[{"event":{"machine_id":"m-hist","properties":"{\\"command\\":\\"devpod up\\",\\"error\\":\\"denied for ann@example.com\\",\\"version\\":\\"v0.6.15\\"}","timestamp":1763632800,"type":"devpod_cli"},"user":{"machine_id":"m-hist","properties":"{\\"os_name\\":\\"linux\\"}","timestamp":1763632800}}]}' >"$T/hist-red.json"
	history_post /v1/insert "$T/hist-red.json"

	"$TELTOP" fields --db "$AUX_DB" --source devpod --json >"$T/fields.jsonl"
	check match "$T/fields.jsonl" '{"where":{"name":"cmdfinished","path":"event.processingTime"},"expect":[
	  {"types":["number"],"grade":"green","versions":["v0.5.29"],"events":1,"meaning":{"$re":"."}}]}'
	check match "$T/fields.jsonl" '{"where":{"name":"devpod_cli","path":"event.properties"},"expect":[
	  {"types":["json-text"],"versions":["v0.6.15"]}]}'
	check match "$T/fields.jsonl" '{"where":{"name":"devpod_cli","path":"event.properties>error"},"expect":[
	  {"types":["string"],"grade":"red","kinds":["email","error_text"],"examples":[]}]}'
	check match "$T/fields.jsonl" '{"where":{"name":"devpod_cli","path":"event.machine_id"},"expect":[
	  {"grade":"yellow","examples":{"$contains":"m-hist"}}]}'
	check match "$T/fields.jsonl" '{"where":{"name":"cmdstarted","path":"instanceProperties.flags.setFlags[]"},"count":1}'
	# nothing of the red value anywhere in what fields prints
	! grep -q 'ann@example.com' "$T/fields.jsonl" || fail "a red field's value printed"
	"$TELTOP" fields --db "$AUX_DB" --source devpod >"$T/fields.txt"
	grep -q '^devpod / devpod_cli: [0-9]* events, version v0.6.15$' "$T/fields.txt" ||
	    fail "no heading: $(head -5 "$T/fields.txt")"
	grep -A3 '^  event.properties>error  string  red ' "$T/fields.txt" | grep -q 'holds an e-mail address' ||
	    fail "red field not explained: $(cat "$T/fields.txt")"
	! grep -q 'ann@example.com' "$T/fields.txt" || fail "a red field's value printed"

	# legacy -> current: two event names out, one in
	"$TELTOP" diff --db "$AUX_DB" --source devpod --from v0.5.29 --to v0.6.15 --json >"$T/diff.jsonl"
	check match "$T/diff.jsonl" '{"expect":[{"change":"event_removed","name":"cmdfinished"},
	  {"change":"event_removed","name":"cmdstarted"},{"change":"event_added","name":"devpod_cli"}]}'
	# the default pair is the two newest versions; an unknown one is named
	"$TELTOP" diff --db "$AUX_DB" --source devpod >"$T/diff.txt"
	grep -q '^devpod v0.5.29 -> v0.6.15: 3 changes$' "$T/diff.txt" || fail "diff text: $(cat "$T/diff.txt")"
	local rc=0
	"$TELTOP" diff --db "$AUX_DB" --source devpod --from v9 --to v0.6.15 2>"$T/diff.err" || rc=$?
	[ "$rc" = 1 ] || fail "unknown version: exit $rc"
	grep -q 'devpod has no version v9 in the catalog; versions seen: v0.5.29 v0.6.15' "$T/diff.err" ||
	    fail "stderr: $(cat "$T/diff.err")"
	rc=0
	"$TELTOP" diff --db "$AUX_DB" --from a --to b 2>/dev/null || rc=$?
	[ "$rc" = 2 ] || fail "no --source: exit $rc"
}

# Within one version: a field that became personal is named.
case_diff_personal() {
	printf '{"data":[{"event":{"machine_id":"m-h2","properties":"{\\"command\\":\\"devpod up\\",\\"error\\":\\"no space left\\",\\"version\\":\\"v0.6.14\\"}","timestamp":1763632800,"type":"devpod_cli"},"user":{"machine_id":"m-h2","properties":"{\\"os_name\\":\\"linux\\"}","timestamp":1763632800}}]}' >"$T/hist-14.json"
	history_post /v1/insert "$T/hist-14.json"
	"$TELTOP" diff --db "$AUX_DB" --source devpod --from v0.6.14 --to v0.6.15 --json >"$T/diff2.jsonl"
	check match "$T/diff2.jsonl" '{"where":{"path":"event.properties>error"},"expect":[
	  {"change":"newly_personal","kinds":["email","error_text"]}]}'
	check match "$T/diff2.jsonl" '{"where":{"change":"added","path":"event.properties>ide"},"count":1}'
}

# GET /v1/fields (what `teltop watch` reads): the token always, the same
# rows as `teltop fields --json`.
case_fields_route() {
	local st
	st=$(curl -sS -o "$T/body" -w '%{http_code}' --max-time 10 "http://$AUX_ADDR/v1/fields")
	[ "$st" = 401 ] || fail "no token: status $st"
	stream_auth
	st=$(curl -sS -o "$T/fields.route" -w '%{http_code}' --max-time 10 -H "$AUTH" \
	    "http://$AUX_ADDR/v1/fields?source=devpod&version=v0.5.29")
	[ "$st" = 200 ] || fail "status $st: $(head -c 300 "$T/fields.route")"
	"$TELTOP" fields --db "$AUX_DB" --source devpod --json | grep '"versions":\["v0.5.29"\]' >"$T/fields.cli"
	[ -s "$T/fields.cli" ] || fail "no v0.5.29 rows from teltop fields"
	cmp "$T/fields.route" "$T/fields.cli" || fail "the route and teltop fields differ"
	st=$(curl -sS -o "$T/body" -w '%{http_code}' --max-time 10 -H "$AUTH" \
	    "http://$AUX_ADDR/v1/fields?source=$(printf 'x%.0s' $(seq 100))")
	[ "$st" = 414 ] || fail "a long source: status $st"
}

# ---- retention: collectors of their own ----

# The value of a counter on the aux collector's /metrics (0 if absent).
aux_metric() {
	curl -sS --max-time 10 "http://$AUX_ADDR/metrics" |
	    sed -n "s/^$1 //p" | head -n 1 | grep . || echo 0
}

# Until the aux collector's /metrics says counter >= N, 30 s at most.
wait_metric() {
	local i v
	for i in $(seq 300); do
		v=$(aux_metric "$1")
		[ "$v" -ge "$2" ] && return 0
		kill -0 "$AUX_PID" 2>/dev/null || fail "the collector died: $(tail -5 "$T/$3.log")"
		sleep 0.1
	done
	fail "$1 is $v after 30 s, expected >= $2"
}

# `retain 2s` in the config file: all but the newest event go; the day
# still counts them all; the counter says how many went, in /metrics and
# in stats; the log says what is kept.
case_retain_time() {
	local i n
	mkdir -p "$T/retaincfg/teltop"
	printf 'retain 2s  # a short one, for the test\n' >"$T/retaincfg/teltop/config"
	XDG_CONFIG_HOME=$T/retaincfg start_aux retain
	for i in 1 2 3 4 5; do
		printf '{"event":"retained-%s","client_id":"ret"}' "$i" >"$T/ret.json"
		history_post /v1/events "$T/ret.json"
	done
	wait_metric teltop_events_evicted_total 4 retain
	aux_events
	n=$(wc -l <"$T/aux.jsonl")
	[ "$n" = 1 ] || fail "$n events left, expected the newest: $(cat "$T/aux.jsonl")"
	grep -q '"name":"retained-5"' "$T/aux.jsonl" || fail "not the newest left: $(cat "$T/aux.jsonl")"
	"$TELTOP" stats --db "$AUX_DB" --json >"$T/ret.stats"
	check json "$T/ret.stats" '{"events":5,"counters":{"evicted":4}}'
	"$TELTOP" stats --db "$AUX_DB" | grep -q '^4 of them evicted by retention' ||
	    fail "stats text: $("$TELTOP" stats --db "$AUX_DB" | head -3)"
	grep -q 'retention: events kept 2s' "$T/retain.log" || fail "log: $(cat "$T/retain.log")"
	grep -q 'retention: evicting the oldest events' "$T/retain.log" || fail "log: $(cat "$T/retain.log")"
	stop_aux
}

# --max-db-size 1MiB under 48 bodies of 64 KiB that do not compress much:
# the oldest go as the newest come, the file stays near the cap, the
# newest reads back, the day counts all 48.
case_retain_size() {
	local i size ev
	start_aux retainsize --max-db-size 1MiB
	for i in $(seq 48); do
		printf '{"event":"blob-%s","client_id":"blob","data":"%s"}' "$i" \
		    "$(head -c 49152 /dev/urandom | base64 -w0)" >"$T/blob.json"
		history_post /v1/events "$T/blob.json"
	done
	wait_metric teltop_events_evicted_total 20 retainsize
	size=$(stat -c %s "$AUX_DB")
	[ "$size" -le $((1024 * 1024 * 5 / 4)) ] || fail "the database is $size bytes over a cap of 1 MiB"
	# the slice after the last commit may still be on its way to /metrics
	for i in $(seq 100); do
		aux_events
		ev=$(aux_metric teltop_events_evicted_total)
		[ "$(wc -l <"$T/aux.jsonl")" = $((48 - ev)) ] && break
		sleep 0.1
	done
	[ "$(wc -l <"$T/aux.jsonl")" = $((48 - ev)) ] || fail "$(wc -l <"$T/aux.jsonl") left, $ev evicted of 48"
	# what is over the cap went, not the history
	[ "$(wc -l <"$T/aux.jsonl")" -ge 8 ] || fail "only $(wc -l <"$T/aux.jsonl") events left under the cap"
	tail -n 1 "$T/aux.jsonl" | grep -q '"name":"blob-48"' || fail "the newest is not there"
	"$TELTOP" stats --db "$AUX_DB" --json >"$T/ret.stats"
	check json "$T/ret.stats" '{"events":48,"counters":{"evicted":{"$gte":20}}}'
	grep -q 'retention: database at most 1.0 MiB' "$T/retainsize.log" || fail "log: $(cat "$T/retainsize.log")"
	stop_aux
}

# ---- export, import, replay: round trips of everything the main
# collector took in (every format the other cases sent, with the real
# clients) ----

rt() { node "$here/roundtrip.mjs" "$@"; }

# export -> import into a fresh database -> export: the same records, the
# same bytes, the same events, the same times.
case_roundtrip_import() {
	# the one format no SDK of the suite sends: a single Segment message
	want_status 200 "$(curl -sS -o "$T/body" -w '%{http_code}' --max-time 10 -u 'wk-rt:' \
	    -H 'Content-Type: application/json' --data-binary \
	    '{"type":"track","event":"rt-single","userId":"u-rt","messageId":"m-rt-1","timestamp":"2026-01-01T00:00:00Z"}' \
	    "http://$ADDR/v1/track")"
	"$TELTOP" export --db "$DB" >"$T/rt-a.jsonl" 2>"$T/rt-a.err" || fail "export: $(cat "$T/rt-a.err")"
	grep -q '^teltop: [0-9]* requests, [0-9]* events exported' "$T/rt-a.err" || fail "$(cat "$T/rt-a.err")"
	rm -f "$T/rt-b.db"*
	"$TELTOP" import --db "$T/rt-b.db" "$T/rt-a.jsonl" 2>"$T/rt-b.err" || fail "import: $(cat "$T/rt-b.err")"
	"$TELTOP" export --db "$T/rt-b.db" >"$T/rt-b.jsonl" 2>/dev/null
	rt "$T/rt-a.jsonl" "$T/rt-b.jsonl" --times kept >"$T/rt-pairs" || fail "round trip differs"
	# every source and every wire format the suite sends is in it
	local want
	for want in posthog devtron devpod devsy werf segment rudderstack otlp generic; do
		grep -q "^$want " "$T/rt-pairs" || fail "no source $want in the round trip: $(tr '\n' ',' <"$T/rt-pairs")"
	done
	for want in posthog-batch posthog-event posthog-array posthog-v1 segment-batch segment-message \
	    devpod-insert devpod-legacy otlp-protobuf otlp-json otlp-logs-protobuf otlp-logs-json \
	    otlp-metrics-protobuf otlp-metrics-json werf-json generic; do
		grep -q " $want\$" "$T/rt-pairs" || fail "no format $want in the round trip: $(tr '\n' ',' <"$T/rt-pairs")"
	done
}

# The same through HAR 1.2, whose shape devtools and mitmproxy read.
case_roundtrip_har() {
	"$TELTOP" export --db "$DB" --format har >"$T/rt.har" 2>/dev/null || fail "export --format har"
	node -e '
		const h = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const bad = (m) => { console.error(m); process.exit(1); };
		if (h.log.version !== "1.2" || !h.log.creator || !Array.isArray(h.log.entries)) bad("no HAR 1.2 log");
		if (h.log.entries.length === 0) bad("no entries");
		for (const e of h.log.entries) {
			for (const k of ["startedDateTime", "time", "request", "response", "cache", "timings"])
				if (!(k in e)) bad("an entry without " + k);
			for (const k of ["method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize"])
				if (!(k in e.request)) bad("a request without " + k);
			if (isNaN(Date.parse(e.startedDateTime))) bad("startedDateTime " + e.startedDateTime);
			new URL(e.request.url);
		}' "$T/rt.har" || fail "not HAR 1.2"
	rm -f "$T/rt-h.db"*
	"$TELTOP" import --db "$T/rt-h.db" "$T/rt.har" 2>"$T/rt-h.err" || fail "import: $(cat "$T/rt-h.err")"
	"$TELTOP" export --db "$T/rt-h.db" >"$T/rt-h.jsonl" 2>/dev/null
	[ -s "$T/rt-a.jsonl" ] || "$TELTOP" export --db "$DB" >"$T/rt-a.jsonl" 2>/dev/null
	rt "$T/rt-a.jsonl" "$T/rt-h.jsonl" --times kept >/dev/null || fail "HAR round trip differs"
}

# replay --speed max into a collector of its own: each request byte for
# byte to its route; the events the same but for when they came.
case_replay() {
	[ -s "$T/rt-a.jsonl" ] || "$TELTOP" export --db "$DB" >"$T/rt-a.jsonl" 2>/dev/null
	start_aux replay
	"$TELTOP" replay --url "http://$AUX_ADDR" --speed max "$T/rt-a.jsonl" 2>"$T/replay.err" ||
	    fail "replay: $(cat "$T/replay.err")"
	grep -q '^teltop: replayed [0-9]* requests' "$T/replay.err" || fail "$(cat "$T/replay.err")"
	"$TELTOP" export --db "$AUX_DB" >"$T/rt-r.jsonl" 2>/dev/null
	rt "$T/rt-a.jsonl" "$T/rt-r.jsonl" --times new >/dev/null || fail "replay differs"
	stop_aux
}

# --speed 1 keeps the pauses (1.5 s here), --speed 10 a tenth of them; a
# collector cannot make them shorter, so only that bound is checked.
case_replay_pacing() {
	local b64
	b64=$(printf '{"event":"paced"}' | base64 -w0)
	printf '{"received_at":"2026-01-01T00:00:00Z","method":"POST","route":"/v1/events","content_type":"application/json","headers":{},"body_base64":"%s","events":[{}]}\n{"received_at":"2026-01-01T00:00:01.5Z","method":"POST","route":"/v1/events","content_type":"application/json","headers":{},"body_base64":"%s","events":[{}]}\n' \
	    "$b64" "$b64" >"$T/paced.jsonl"
	start_aux pacing
	"$TELTOP" replay --url "http://$AUX_ADDR" --speed 1 "$T/paced.jsonl" 2>"$T/paced.err" || fail "$(cat "$T/paced.err")"
	"$TELTOP" replay --url "http://$AUX_ADDR" --speed 10 "$T/paced.jsonl" 2>>"$T/paced.err" || fail "$(cat "$T/paced.err")"
	aux_events
	node -e '
		const ev = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
		const t = ev.map((e) => Date.parse(e.received_at));
		if (ev.length !== 4) { console.error(ev.length + " events"); process.exit(1); }
		// the first request also waits for its connection: some slack
		if (t[1] - t[0] < 1300) { console.error("speed 1: " + (t[1] - t[0]) + " ms apart"); process.exit(1); }
		if (t[3] - t[2] < 120) { console.error("speed 10: " + (t[3] - t[2]) + " ms apart"); process.exit(1); }' "$T/aux.jsonl" ||
	    fail "pacing"
	# bad files and options are named
	printf 'not json\n' >"$T/bad.jsonl"
	local rc=0
	"$TELTOP" replay --url "http://$AUX_ADDR" "$T/bad.jsonl" 2>"$T/bad.err" || rc=$?
	[ "$rc" = 1 ] || fail "a bad file: exit $rc"
	grep -q 'bad.jsonl: line 1: not a JSON object' "$T/bad.err" || fail "$(cat "$T/bad.err")"
	rc=0
	"$TELTOP" replay --speed 0 "$T/paced.jsonl" 2>/dev/null || rc=$?
	[ "$rc" = 2 ] || fail "--speed 0: exit $rc"
	# a file names only telemetry routes: not the opt-out registry
	printf '{"received_at":"2026-01-01T00:00:00Z","method":"POST","route":"/v1/optout","content_type":"application/json","headers":{},"body_base64":"%s","events":[]}\n' \
	    "$(printf '{"source":"werf","enabled":true}' | base64 -w0)" >"$T/ctl.jsonl"
	rc=0
	"$TELTOP" replay --url "http://$AUX_ADDR" --token "$("$TELTOP" token --db "$AUX_DB" | tail -n 1)" \
	    "$T/ctl.jsonl" 2>"$T/ctl.err" || rc=$?
	[ "$rc" = 1 ] || fail "a control route: exit $rc"
	grep -q '/v1/optout is not an ingest route: not sent' "$T/ctl.err" || fail "$(cat "$T/ctl.err")"
	! "$TELTOP" optout --db "$AUX_DB" list --json | grep -q werf || fail "the opt-out registry changed"
	stop_aux
}

# X-Teltop-Received-At is taken only with the control token.
case_import_header_needs_token() {
	local st
	st=$(curl -sS -o "$T/body" -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' \
	    -H 'X-Teltop-Received-At: 1767225600000000' --data-binary '{"event":"forged-time"}' "http://$ADDR/v1/events")
	[ "$st" = 401 ] || fail "without the token: status $st"
	grep -q 'X-Teltop-Received-At needs the control token' "$T/body" || fail "$(cat "$T/body")"
	dump_events
	! grep -q forged-time "$T/events.jsonl" || fail "stored without the token"
}

roundtrip_cases() {
	run_case "export -> import -> export: every format's requests, bytes, events and times the same" case_roundtrip_import
	run_case "export --format har: HAR 1.2, and imported back the same" case_roundtrip_har
	run_case "replay --speed max: each request byte for byte, the same events" case_replay
	run_case "replay --speed 1 and 10 keep the pauses; bad files and options are named" case_replay_pacing
	run_case "X-Teltop-Received-At without the token: 401, nothing stored" case_import_header_needs_token
}

retention_cases() {
	run_case "retention: retain 2s (config file) evicts all but the newest; daily counts and evicted stay" case_retain_time
	run_case "retention: --max-db-size 1MiB holds the file near the cap under 3 MB of bodies" case_retain_size
}

history_cases() {
	run_case "fields: every field DevPod sent, types, grades, meanings; none of a red field's values" case_fields_devpod
	run_case "diff: a field newly personal between two versions" case_diff_personal
	run_case "fields: GET /v1/fields takes the token and gives what teltop fields --json prints" case_fields_route
}
