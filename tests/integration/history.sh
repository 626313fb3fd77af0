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
	wait_metric teltop_evicted_total 4 retain
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
	wait_metric teltop_evicted_total 20 retainsize
	size=$(stat -c %s "$AUX_DB")
	[ "$size" -le $((1024 * 1024 * 5 / 4)) ] || fail "the database is $size bytes over a cap of 1 MiB"
	aux_events
	ev=$(aux_metric teltop_evicted_total)
	[ "$(wc -l <"$T/aux.jsonl")" = $((48 - ev)) ] || fail "$(wc -l <"$T/aux.jsonl") left, $ev evicted of 48"
	tail -n 1 "$T/aux.jsonl" | grep -q '"name":"blob-48"' || fail "the newest is not there"
	"$TELTOP" stats --db "$AUX_DB" --json >"$T/ret.stats"
	check json "$T/ret.stats" '{"events":48,"counters":{"evicted":{"$gte":20}}}'
	grep -q 'retention: database at most 1.0 MiB' "$T/retainsize.log" || fail "log: $(cat "$T/retainsize.log")"
	stop_aux
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
