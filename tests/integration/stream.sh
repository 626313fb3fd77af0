# Viewers of a collector (sourced by run.sh): GET /v1/stream sends each
# committed event as `teltop events` prints it, byte for byte; GET
# /v1/history pages history the same way and /v1/payload/ID gives the
# request as received; pages elsewhere may not read them; a viewer that
# stops reading is skipped ahead and told how much it missed while every
# sender is still acked.  A collector of its own (with_aux stream).

# wait_line FILE TEXT: until FILE has a line TEXT (the viewer is ready).
wait_line() {
	local i
	for i in $(seq 200); do
		grep -qx "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "no '$2' in $1: $(cat "$1" "$1.err" 2>/dev/null | head -c 300)"
}

# the token beside the stream collector's database: reading what was
# stored takes it
AUTH=
stream_auth() {
	TELTOP_TOKEN=$(cat "$T/token")
	export TELTOP_TOKEN
	AUTH="Authorization: Bearer $TELTOP_TOKEN"
}

case_stream_follow() {
	local vpid b64
	stream_auth
	node "$CLIENTS/viewer.mjs" follow "ws://$AUX_ADDR/v1/stream" 5 "$T/stream.msgs" \
	    >"$T/viewer.out" 2>"$T/viewer.out.err" &
	vpid=$!
	wait_line "$T/viewer.out" ready
	curl -sS -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
	    "http://$AUX_ADDR/v1/events" --data-binary \
	    '[{"source":"werf","name":"CommandExited","command":"werf converge","phase":"finish","duration_ms":1200,"exit_code":0,"client_id":"st-1"},
	      {"source":"devpod","name":"devpod_cli","command":"devpod up","phase":"finish","duration_ms":5,"exit_code":127,"error":"exit 127","client_id":"st-2"},
	      {"source":"generic","name":"plain \"quoted\" é","client_id":"st-3"}]' >"$T/code"
	want_status 200 "$(cat "$T/code")"
	want_status 200 "$(curl -sS -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
	    --data-binary @"$FIX/posthogjs_batch_head.json" "http://$AUX_ADDR/batch/")"
	wait "$vpid" || fail "viewer: $(cat "$T/viewer.out.err")"
	# the events exactly as teltop events prints them, in id order
	grep -v '"type":' "$T/stream.msgs" >"$T/stream.events" || true
	"$TELTOP" events --db "$AUX_DB" --format jsonl >"$T/events.all"
	head -n 5 "$T/events.all" >"$T/events.first"
	diff "$T/events.first" "$T/stream.events" || fail "the stream differs from teltop events"
	# the hello came first; no deltas without ?stats=1
	head -n 1 "$T/stream.msgs" | grep -q '^{"type":"hello"' || fail "no hello first"
	! grep -q '"type":"delta"' "$T/stream.msgs" || fail "deltas without ?stats=1"
	# history: the same lines, pages by before=
	want_status 200 "$(curl -sS -o "$T/body" -w '%{http_code}' -H "$AUTH" "http://$AUX_ADDR/v1/history?limit=1000")"
	diff "$T/events.all" "$T/body" || fail "GET /v1/history differs from teltop events"
	want_status 200 "$(curl -sS -o "$T/body" -w '%{http_code}' -H "$AUTH" \
	    "http://$AUX_ADDR/v1/history?filter=source%3Dwerf%7Cdevpod&limit=1&before=3")"
	"$TELTOP" events --db "$AUX_DB" --format jsonl --filter 'source=werf|devpod' | sed -n 2p >"$T/want"
	diff "$T/want" "$T/body" || fail "a page of one before id 3"
	want_status 400 "$(curl -sS -o "$T/body" -w '%{http_code}' -H "$AUTH" "http://$AUX_ADDR/v1/history?filter=sourc%3Dx")"
	want_json '{"error":{"$re":"column 1"}}'
	want_status 400 "$(curl -sS -o "$T/body" -w '%{http_code}' -H "$AUTH" "http://$AUX_ADDR/v1/history?limit=0")"
	# the payload of the PostHog batch's first event: the bytes sent
	want_status 200 "$(curl -sS -o "$T/body" -w '%{http_code}' -H "$AUTH" "http://$AUX_ADDR/v1/payload/4")"
	want_json '{"route":"/batch/","content_type":"application/json","id":4}'
	b64=$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1])).body_base64)' "$T/body")
	printf '%s' "$b64" | base64 -d | cmp - "$FIX/posthogjs_batch_head.json" || fail "payload bytes differ"
	want_status 404 "$(curl -sS -o "$T/body" -w '%{http_code}' -H "$AUTH" "http://$AUX_ADDR/v1/payload/999")"
}

# A page on another site may not read what was stored (DNS rebinding or a
# WebSocket from its script); the collector's own page may.
case_stream_origin() {
	local got
	stream_auth
	got=$(node "$CLIENTS/viewer.mjs" refused "ws://$AUX_ADDR/v1/stream" "http://evil.example")
	[ "$got" = 403 ] || fail "upgrade from another site's page: $got"
	want_status 403 "$(curl -sS -o "$T/body" -w '%{http_code}' -H "$AUTH" -H 'Origin: http://evil.example' \
	    "http://$AUX_ADDR/v1/history")"
	want_status 403 "$(curl -sS -o "$T/body" -w '%{http_code}' -H "$AUTH" -H 'Host: evil.example:80' \
	    "http://$AUX_ADDR/v1/history")"
	want_status 200 "$(curl -sS -o "$T/body" -w '%{http_code}' -H "$AUTH" -H "Origin: http://$AUX_ADDR" \
	    "http://$AUX_ADDR/v1/history?limit=1")"
	# without the token, even on loopback: nothing stored is shown
	want_status 401 "$(curl -sS -o "$T/body" -w '%{http_code}' "http://$AUX_ADDR/v1/history?limit=1")"
	want_status 401 "$(curl -sS -o "$T/body" -w '%{http_code}' "http://$AUX_ADDR/v1/payload/1")"
	got=$(TELTOP_TOKEN= node "$CLIENTS/viewer.mjs" refused "ws://$AUX_ADDR/v1/stream" "http://$AUX_ADDR")
	[ "$got" = 401 ] || fail "upgrade without the token: $got"
	want_status 405 "$(curl -sS -o "$T/body" -w '%{http_code}' "http://$AUX_ADDR/v1/events")"
	want_status 426 "$(curl -sS -o "$T/body" -w '%{http_code}' "http://$AUX_ADDR/v1/stream")"
}

# A viewer that stops reading: the collector holds 4 MiB for it at most,
# skips the oldest beyond and says how many; every sender is acked all
# along; the count is in /metrics.
case_stream_slow_viewer() {
	local vpid i n=60 per=100 pad got dropped before
	stream_auth
	before=$(curl -sS "http://$AUX_ADDR/metrics" | awk '$1 == "teltop_stream_dropped_events_total" { print $2 }')
	rm -f "$T/resume"
	node "$CLIENTS/viewer.mjs" slow "ws://$AUX_ADDR/v1/stream" "$T/resume" $((n * per)) \
	    >"$T/slow.out" 2>"$T/slow.out.err" &
	vpid=$!
	wait_line "$T/slow.out" paused
	pad=$(head -c 2000 /dev/zero | tr '\0' 'p')
	node -e '
		const [n, per, pad] = [Number(process.argv[1]), Number(process.argv[2]), process.argv[3]];
		for (let r = 0; r < n; r++) {
			const a = [];
			for (let i = 0; i < per; i++)
				a.push({ source: "generic", name: "slow-" + (r * per + i), client_id: "slow", pad });
			require("fs").writeFileSync(process.argv[4] + "/slow-" + r + ".json", JSON.stringify(a));
		}' "$n" "$per" "$pad" "$T"
	for i in $(seq 0 $((n - 1))); do
		got=$(curl -sS -o "$T/body" -w '%{http_code}' --max-time 30 -H 'Content-Type: application/json' \
		    --data-binary @"$T/slow-$i.json" "http://$AUX_ADDR/v1/events")
		[ "$got" = 200 ] || fail "request $i: $got $(head -c 200 "$T/body")"
		want_json '{"accepted":'"$per"'}'
	done
	touch "$T/resume"
	wait "$vpid" || fail "viewer: $(cat "$T/slow.out.err")"
	tail -n 1 "$T/slow.out" >"$T/slow.json"
	check json "$T/slow.json" '{"dropped":{"$gte":1},"received":{"$gte":1},"notes":{"$gte":1}}'
	dropped=$(node -e 'process.stdout.write(String(JSON.parse(require("fs").readFileSync(process.argv[1])).dropped))' "$T/slow.json")
	got=$(curl -sS "http://$AUX_ADDR/metrics" | awk '$1 == "teltop_stream_dropped_events_total" { print $2 }')
	[ "$got" = $((before + dropped)) ] || fail "teltop_stream_dropped_events_total $got, want $before + $dropped"
	got=$("$TELTOP" events --db "$AUX_DB" --filter 'client_id=slow' --format jsonl | wc -l)
	[ "$got" = $((n * per)) ] || fail "stored $got of $((n * per))"
}

stream_cases() {
	run_case "stream: /v1/stream sends each event as teltop events prints it; GET /v1/history pages and payloads" case_stream_follow
	run_case "stream: another site's page may not read events (Origin, Host)" case_stream_origin
	run_case "stream: a viewer that stops reading is skipped ahead and told, senders acked all along" case_stream_slow_viewer
}
