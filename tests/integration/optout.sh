# Opt-out cases for tests/integration/run.sh, which sources this file and
# calls run_optout_cases while its `teltop serve` runs (design.md "Opt-out,
# end to end").  Uses run.sh's helpers and variables: run_case, http,
# want_status, want_body, want_json, check, dump_events, expect_events_now,
# werf_otlp, fail, $TELTOP, $DB, $ADDR, $T, $FIX, $CLIENTS.
#
# Every case starts from an empty registry and leaves it empty, also when it
# fails (an EXIT trap in its subshell clears whatever is there), so the
# cases after these see a collector that stores everything.
#
# "Nothing of them is stored" is checked on the bytes: a marker unique to
# the dropped events must be in none of the database files ($DB, -wal,
# -shm) nor in the server log, while a marker sent alongside and kept is
# found by the same grep (so the grep can see what is stored).

# ---------------------------------------------------------------- helpers

# oo_marker NAME: a string no other event carries.
oo_marker() {
	printf 'MARKER-OPT-%s-%s' "$1" "$(od -An -tx1 -N6 /dev/urandom | tr -d ' \n')"
}

# oo_js FILE EXPR: the JSON in FILE is v; exit 0 when EXPR (JavaScript) is
# truthy, else say what v was.
oo_js() {
	node -e 'const fs = require("fs");
	    let v; try { v = JSON.parse(fs.readFileSync(process.argv[1], "utf8")) }
	    catch (e) { console.error("not JSON (" + e.message + "): " + fs.readFileSync(process.argv[1], "utf8").slice(0, 300)); process.exit(1) }
	    if (!(new Function("v", "return (" + process.argv[2] + ")"))(v)) {
	        console.error("false: " + process.argv[2] + "\n  value: " + JSON.stringify(v).slice(0, 1500)); process.exit(1) }' "$1" "$2"
}

# oo_val FILE EXPR: print EXPR over the JSON in FILE (strings bare).
oo_val() {
	node -e 'const v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	    const r = (new Function("v", "return (" + process.argv[2] + ")"))(v);
	    console.log(typeof r === "string" ? r : JSON.stringify(r))' "$1" "$2"
}

# oo_cli ARG...: `teltop optout --db $DB ARG...`, stdout in $T/oo.out,
# stderr in $T/oo.err; fails unless it exits 0.
oo_cli() {
	local rc=0
	"$TELTOP" optout --db "$DB" "$@" >"$T/oo.out" 2>"$T/oo.err" || rc=$?
	[ "$rc" -eq 0 ] || fail "teltop optout $*: exit $rc; stdout: $(cat "$T/oo.out"); stderr: $(cat "$T/oo.err")"
}

# oo_list: `teltop optout list --json` into $T/oo.list.json.
oo_list() {
	"$TELTOP" optout --db "$DB" list --json >"$T/oo.list.json" ||
	    fail "teltop optout list --json failed"
}

# ctl_token: the control token of the database (POST /v1/optout needs it).
ctl_token() { "$TELTOP" token --db "$DB"; }

# oo_wait_get QUERY EXPR [MS]: poll GET /v1/optout?QUERY (the collector's
# registry) until EXPR holds over the array v; fail after MS ms (1000).
# Prints how long it took, in ms.
oo_wait_get() {
	local query=$1 expr=$2 limit=${3:-1000} t0 now st
	t0=$(date +%s%N)
	while :; do
		st=$(http GET "/v1/optout${query:+?$query}") || st=000
		if [ "$st" = 200 ] && oo_js "$T/body" "$expr" 2>"$T/oo.wait.err"; then
			now=$(date +%s%N)
			echo $(((now - t0) / 1000000))
			return 0
		fi
		now=$(date +%s%N)
		if [ $(((now - t0) / 1000000)) -gt "$limit" ]; then
			fail "GET /v1/optout${query:+?$query}: after $limit ms, status $st, still not ($expr): $(head -c 500 "$T/body")"
		fi
		sleep 0.02
	done
}

# oo_reset: clear every entry of the registry and wait until the collector
# has none.  The EXIT trap of every case.
oo_reset() {
	local src cli
	"$TELTOP" optout --db "$DB" list --json >"$T/oo.reset.json" 2>/dev/null || return 0
	node -e 'for (const e of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")))
	    console.log(e.source + "\t" + (e.client === null ? "" : e.client))' "$T/oo.reset.json" >"$T/oo.reset.tsv" || return 0
	while IFS=$'\t' read -r src cli; do
		if [ -n "$cli" ]; then
			"$TELTOP" optout --db "$DB" clear "$src" --client "$cli" >/dev/null 2>&1 || true
		else
			"$TELTOP" optout --db "$DB" clear "$src" >/dev/null 2>&1 || true
		fi
	done <"$T/oo.reset.tsv"
	oo_wait_get '' 'v.length === 0' 2000 >/dev/null
}

# oo_begin: the start of every case: an empty registry, cleared again on exit.
oo_begin() {
	trap oo_reset EXIT
	oo_reset
}

# oo_absent MARKER...: no byte of the database files (and of what they hold
# unpacked) or the server log holds MARKER.
oo_absent() {
	local m f n u
	u=$(unpacked "$DB")
	for m in "$@"; do
		for f in "$DB" "$DB-wal" "$DB-shm" "$u" "$T/serve.log"; do
			[ -e "$f" ] || continue
			n=$(grep -a -c -F -- "$m" "$f") || true
			[ "$n" = 0 ] || fail "$m (opted out) is in $(basename "$f") ($n line(s))"
		done
	done
}

# oo_present MARKER...: the database files, unpacked, hold MARKER (the
# control).
oo_present() {
	local m f found u
	u=$(unpacked "$DB")
	for m in "$@"; do
		found=0
		for f in "$DB" "$DB-wal" "$u"; do
			[ -e "$f" ] && grep -a -q -F -- "$m" "$f" && found=1
		done
		[ "$found" = 1 ] || fail "$m (stored) is not in the database files, unpacked: the grep cannot see stored events?"
	done
}

# oo_dropped_metric: teltop_events_dropped_optout_total from /metrics.
oo_dropped_metric() {
	want_status 200 "$(http GET /metrics)"
	check metric "$T/body" teltop_events_dropped_optout_total
}

# oo_stats: `teltop stats --json` into $T/oo.stats.json.
oo_stats() {
	"$TELTOP" stats --db "$DB" --json >"$T/oo.stats.json" || fail "teltop stats --json failed"
}

# oo_delta WHAT BEFORE AFTER WANT: AFTER - BEFORE is WANT.
oo_delta() {
	[ $(($3 - $2)) -eq "$4" ] || fail "$1 went from $2 to $3, want +$4"
}

# oo_ws STEP...: run tests/clients/optoutws.mjs on /ws; lines in $T/oo.ws.out.
oo_ws() {
	local rc=0
	node "$CLIENTS/optoutws.mjs" "ws://$ADDR/ws" "$@" >"$T/oo.ws.out" 2>"$T/oo.ws.err" || rc=$?
	[ "$rc" -eq 0 ] || fail "optoutws.mjs exit $rc: $(cat "$T/oo.ws.out" "$T/oo.ws.err")"
}

# oo_ws_line N EXPR: line N of $T/oo.ws.out, as v, satisfies EXPR.
oo_ws_line() {
	sed -n "$1p" "$T/oo.ws.out" >"$T/oo.line.json"
	[ -s "$T/oo.line.json" ] || fail "optoutws.mjs printed no line $1: $(cat "$T/oo.ws.out")"
	oo_js "$T/oo.line.json" "$2" || fail "line $1 of optoutws.mjs"
}

# oo_devpod_insert FILE ITEM...: a current DevPod body of items, each
# "MACHINE COMMAND" (a space between).
oo_devpod_insert() {
	local out=$1 items='' m c
	shift
	for it in "$@"; do
		m=${it%% *}
		c=${it#* }
		items="$items${items:+,}"'{"event":{"machine_id":"'"$m"'","properties":"{\"command\":\"'"$c"'\",\"desktop\":false,\"is_ci\":false,\"version\":\"v0.6.15\"}","timestamp":1736850000,"type":"devpod_cli"},"user":{"machine_id":"'"$m"'","properties":"{\"os_arch\":\"amd64\",\"os_name\":\"linux\"}","timestamp":1736850000}}'
	done
	printf '{"data":[%s]}' "$items" >"$out"
}

# The exact replies of the routes for events that are dropped: as for
# stored ones (the sender must not retry).
oo_post_insert() {
	want_status 200 "$(http POST /v1/insert -H 'Content-Type: application/json' \
	    -H 'User-Agent: Go-http-client/1.1' --data-binary @"$1")"
	[ ! -s "$T/body" ] || fail "/v1/insert reply body is not empty: $(head -c 200 "$T/body")"
}

oo_post_legacy() {
	want_status 200 "$(http POST /analytics/v1/devpod/v1/events \
	    -H 'Content-Type: multipart/form-data' --data-binary @"$1")"
	[ ! -s "$T/body" ] || fail "legacy reply body is not empty: $(head -c 200 "$T/body")"
}

# oo_post_events BODY REPLY: POST /v1/events answers exactly REPLY.
oo_post_events() {
	want_status 200 "$(http POST /v1/events -H 'Content-Type: application/json' --data-binary "$1")"
	want_body "$2"
}

# ---------------------------------------------------------------- cases

# 1. `teltop optout set devpod` in another process reaches the running
# collector; then a DevPod event through every route is dropped.
case_optout_cli_every_route() {
	oo_begin
	local m c ms m0 m1 s0 s1 n
	m=$(oo_marker devpod)
	c=$(oo_marker control)
	m0=$(oo_dropped_metric)
	oo_stats
	s0=$(oo_val "$T/oo.stats.json" 'v.counters.dropped_optout')

	oo_cli set devpod
	grep -q 'opted out' "$T/oo.out" || fail "set says: $(cat "$T/oo.out")"
	ms=$(oo_wait_get '' 'v.some((e) => e.source === "devpod" && e.client === null)' 1000)
	echo "# collector saw the opt-out after $ms ms"

	# /v1/insert, the current DevPod body: two events
	sed "s/it-devpod-machine/$m-machine/g; s/devpod up/devpod up $m/" "$FIX/devpod_insert.json" >"$T/oo.insert.json"
	oo_post_insert "$T/oo.insert.json"
	# the legacy route, multipart/form-data header on a JSON body
	sed "s/it-legacy-uid/$m-uid/g; s/it-legacy-exec-1/$m-exec/g" "$FIX/devpod_legacy_started.json" >"$T/oo.legacy.json"
	oo_post_legacy "$T/oo.legacy.json"
	# /v1/events, generic with source devpod
	oo_post_events '{"name":"'"$m"'-generic","source":"devpod","client_id":"'"$m"'-gen","command":"devpod up"}' \
	    '{"accepted":0,"dropped":1}'
	# the WebSocket
	oo_ws 'send={"name":"'"$m"'-ws","source":"devpod","client_id":"'"$m"'-wsc","command":"devpod up"}'
	oo_ws_line 1 'v.step === "send" && v.text === "{\"ok\":true,\"accepted\":0,\"dropped\":1}"'
	# the control: another source, stored
	oo_post_events '{"name":"'"$c"'","source":"generic","client_id":"oo-control"}' '{"accepted":1,"dropped":0}'

	oo_present "$c"
	oo_absent "$m"
	dump_events
	check match "$T/events.jsonl" '{"where":{"$text":"'"$m"'"},"none":true}'
	check match "$T/events.jsonl" '{"where":{"$text":"'"$c"'"},"count":1}'

	n=5	# 2 + 1 + 1 + 1
	m1=$(oo_dropped_metric)
	oo_delta teltop_events_dropped_optout_total "$m0" "$m1" $n
	oo_stats
	s1=$(oo_val "$T/oo.stats.json" 'v.counters.dropped_optout')
	oo_delta "stats counters.dropped_optout" "$s0" "$s1" $n
	oo_js "$T/oo.stats.json" 'v.optout.length === 1 && v.optout[0].source === "devpod" &&
	    v.optout[0].client === null && v.optout[0].dropped === '$n' && v.optout[0].stored_since === 0'
	oo_list
	oo_js "$T/oo.list.json" 'v.length === 1 && v[0].dropped === '$n' && v[0].stored_since === 0 && v[0].set_by === "cli"'
	want_status 200 "$(http GET /v1/optout)"
	oo_js "$T/body" 'v.length === 1 && v[0].source === "devpod" && v[0].dropped === '$n

	oo_cli clear devpod
	oo_wait_get '' 'v.length === 0' >/dev/null
}

# 2. A whole posthog-go batch of Devtron (set devtron), and werf's OTLP
# protobuf spans (set werf), by curl and by the real OTLP exporter.
case_optout_posthog_werf() {
	oo_begin
	local m tag1 tag2 m0 m1
	m=$(oo_marker devtron)
	m0=$(oo_dropped_metric)

	oo_cli set devtron
	oo_wait_get 'source=devtron' 'v.length === 1 && v[0].client === null' >/dev/null
	sed "s/itdevtronucid001/$m/g" "$FIX/devtron_heartbeat_summary.json" >"$T/oo.devtron.json"
	want_status 200 "$(http POST /batch/ -H 'Content-Type: application/json' \
	    -H 'User-Agent: posthog-go/1.5.9' --data-binary @"$T/oo.devtron.json")"
	want_body '{"status":1}'
	oo_absent "$m"
	oo_list
	oo_js "$T/oo.list.json" 'v.length === 1 && v[0].source === "devtron" && v[0].dropped === 2 && v[0].stored_since === 0'

	oo_cli set werf
	oo_wait_get 'source=werf' 'v.length === 1 && v[0].client === null' >/dev/null
	# one request: CommandStarted + CommandExited (werf, dropped) and a
	# plain span (generic, kept): the raw body must not be stored either
	tag1=$(oo_marker werfpb)
	node "$CLIENTS/otlp.mjs" --dump "$T/oo.otlp.pb" --tag "$tag1" >/dev/null
	grep -a -q -F "exec-$tag1" "$T/oo.otlp.pb" || fail "test bug: exec-$tag1 not in the protobuf body"
	want_status 200 "$(http POST /v1/traces -H 'Content-Type: application/x-protobuf' \
	    -H 'User-Agent: OTel OTLP Exporter Go/1.24.0' --data-binary @"$T/oo.otlp.pb")"
	[ ! -s "$T/body" ] || fail "/v1/traces reply body is not empty: $(head -c 200 "$T/body")"
	# the real exporter (one request per span)
	tag2=$(oo_marker werfexp)
	node "$CLIENTS/otlp.mjs" "http://$ADDR/v1/traces" proto --tag "$tag2" >"$T/oo.otlp.out" 2>&1 ||
	    fail "otlp.mjs failed: $(cat "$T/oo.otlp.out")"

	oo_present "plain-span-$tag1" "plain-span-$tag2"
	oo_absent "exec-$tag1" "user-$tag1" "project-$tag1" "exec-$tag2" "user-$tag2" "project-$tag2"
	dump_events
	check match "$T/events.jsonl" '{"where":{"$text":"'"$tag1"'"},"count":1,"expect":[{"source":"generic","name":"plain-span-'"$tag1"'"}]}'
	check match "$T/events.jsonl" '{"where":{"$text":"'"$tag2"'"},"count":1,"expect":[{"source":"generic","name":"plain-span-'"$tag2"'"}]}'
	oo_list
	oo_js "$T/oo.list.json" 'v.length === 2 && v.find((e) => e.source === "werf").dropped === 4 &&
	    v.find((e) => e.source === "werf").stored_since === 0 && v.find((e) => e.source === "devtron").dropped === 2'
	m1=$(oo_dropped_metric)
	oo_delta teltop_events_dropped_optout_total "$m0" "$m1" 6

	oo_cli clear devtron
	oo_cli clear werf
	oo_wait_get '' 'v.length === 0' >/dev/null
}

# 3. One client opted out: in one request, its events are dropped and
# another client's are stored; the request's raw body is not stored.  Each
# format's client id: DevPod machine_id and legacy uid, generic client_id,
# werf userID, PostHog distinct_id.
case_optout_client() {
	oo_begin
	local a b ma mb u1 u2
	a=oo-client-a-$(oo_marker a)
	b=oo-client-b-$(oo_marker b)
	ma=$(oo_marker from-a)
	mb=$(oo_marker from-b)

	oo_cli set devpod --client "$a"
	oo_wait_get "source=devpod&client=$a" 'v.length === 1 && v[0].client === "'"$a"'"' >/dev/null
	# a client that is not opted out sees no entry, and no whole-source one
	want_status 200 "$(http GET "/v1/optout?source=devpod&client=$b")"
	want_body '[]'

	# /v1/insert: data[] holds A's event and B's
	oo_devpod_insert "$T/oo.ab.json" "$a devpod up $ma-insert" "$b devpod up $mb-insert"
	oo_post_insert "$T/oo.ab.json"
	# /v1/events: an array of both
	oo_post_events '[{"name":"'"$ma"'-gen","source":"devpod","client_id":"'"$a"'"},{"name":"'"$mb"'-gen","source":"devpod","client_id":"'"$b"'"}]' \
	    '{"accepted":1,"dropped":1}'
	# the legacy body: its client is instanceProperties.uid
	sed "s/it-legacy-uid/$a/g; s/it-legacy-exec-1/$ma-legacy/g" "$FIX/devpod_legacy_started.json" >"$T/oo.legacy.json"
	oo_post_legacy "$T/oo.legacy.json"
	sed "s/it-legacy-uid/$b/g; s/it-legacy-exec-1/$mb-legacy/g" "$FIX/devpod_legacy_started.json" >"$T/oo.legacy.json"
	oo_post_legacy "$T/oo.legacy.json"

	oo_absent "$ma"
	oo_present "$mb-insert" "$mb-gen" "$mb-legacy"
	dump_events
	check match "$T/events.jsonl" '{"where":{"$text":"'"$ma"'"},"none":true}'
	check match "$T/events.jsonl" '{"where":{"$text":"'"$mb"'"},"count":3,"expect":[
	  {"source":"devpod","format":"devpod-insert","client_id":"'"$b"'","command":"devpod up '"$mb"'-insert"},
	  {"source":"devpod","format":"generic","client_id":"'"$b"'","name":"'"$mb"'-gen"},
	  {"source":"devpod","format":"devpod-legacy","client_id":"'"$b"'","execution_id":"'"$mb"'-legacy"}]}'
	oo_list
	oo_js "$T/oo.list.json" 'v.length === 1 && v[0].source === "devpod" && v[0].client === "'"$a"'" &&
	    v[0].dropped === 3 && v[0].stored_since === 0'

	# werf: userID
	u1=$(oo_marker werf-user1)
	u2=$(oo_marker werf-user2)
	oo_cli set werf --client "$u1"
	oo_wait_get 'source=werf' 'v.length === 1 && v[0].client === "'"$u1"'"' >/dev/null
	post_werf '[{"type":"CommandStarted","exec":"'"$ma"'-werf","user":"'"$u1"'","command":"werf converge","at":"2026-01-05T12:00:00Z"},
	  {"type":"CommandStarted","exec":"'"$mb"'-werf","user":"'"$u2"'","command":"werf converge","at":"2026-01-05T12:00:00Z"}]'
	[ ! -s "$T/body" ] || fail "/v1/traces reply body is not empty: $(head -c 200 "$T/body")"
	oo_absent "$ma"
	oo_present "$mb-werf"
	expect_events_now '{"where":{"$text":"'"$mb"'-werf"},"count":1,"expect":[{"source":"werf","client_id":"'"$u2"'"}]}'

	# PostHog: distinct_id (Devtron's ucid)
	oo_cli set devtron --client "$a"
	oo_wait_get 'source=devtron' 'v.length === 1 && v[0].client === "'"$a"'"' >/dev/null
	printf '{"api_key":"phc_oo","batch":[%s,%s]}' \
	    '{"type":"capture","timestamp":"2026-01-05T12:00:00Z","distinct_id":"'"$a"'","event":"Heartbeat","properties":{"$lib":"posthog-go","ucid":"'"$a"'","eventType":"Heartbeat","note":"'"$ma"'-ph"}}' \
	    '{"type":"capture","timestamp":"2026-01-05T12:00:00Z","distinct_id":"'"$b"'","event":"Heartbeat","properties":{"$lib":"posthog-go","ucid":"'"$b"'","eventType":"Heartbeat","note":"'"$mb"'-ph"}}' \
	    >"$T/oo.ph.json"
	want_status 200 "$(http POST /batch/ -H 'Content-Type: application/json' \
	    -H 'User-Agent: posthog-go/1.5.9' --data-binary @"$T/oo.ph.json")"
	want_body '{"status":1}'
	oo_absent "$ma"
	oo_present "$mb-ph"
	expect_events_now '{"where":{"$text":"'"$mb"'-ph"},"count":1,"expect":[{"source":"devtron","client_id":"'"$b"'"}]}'
	oo_list
	oo_js "$T/oo.list.json" 'v.length === 3 && v.every((e) => e.dropped === 1 || e.source === "devpod") &&
	    v.every((e) => e.stored_since === 0)'

	oo_cli clear devpod --client "$a"
	oo_cli clear werf --client "$u1"
	oo_cli clear devtron --client "$a"
	oo_wait_get '' 'v.length === 0' >/dev/null
}

# 4. A WebSocket sender is told when its source is opted out (by another
# process) and when it is cleared; meanwhile its events are dropped.
case_optout_ws_push() {
	oo_begin
	local m
	m=$(oo_marker ws)
	oo_ws \
	    'send={"name":"'"$m"'-before","source":"devpod","client_id":"oo-ws-client","command":"devpod up"}' \
	    'run=["'"$TELTOP"'","optout","--db","'"$DB"'","set","devpod"]' \
	    'push=2000' \
	    'send={"name":"'"$m"'-dropped","source":"devpod","client_id":"oo-ws-client","command":"devpod up"}' \
	    'run=["'"$TELTOP"'","optout","--db","'"$DB"'","clear","devpod"]' \
	    'push=2000' \
	    'send={"name":"'"$m"'-after","source":"devpod","client_id":"oo-ws-client","command":"devpod up"}' \
	    'quiet=300'
	oo_ws_line 1 'v.step === "send" && v.text === "{\"ok\":true,\"accepted\":1,\"dropped\":0}"'
	oo_ws_line 2 'v.step === "run" && v.code === 0'
	oo_ws_line 3 'v.step === "push" && v.push !== null && v.ms <= 2000 &&
	    JSON.stringify(v.push) === JSON.stringify({type: "optout", source: "devpod", client: null, enabled: true})'
	oo_ws_line 4 'v.step === "send" && v.text === "{\"ok\":true,\"accepted\":0,\"dropped\":1}"'
	oo_ws_line 5 'v.step === "run" && v.code === 0'
	oo_ws_line 6 'v.step === "push" && v.push !== null && v.ms <= 2000 &&
	    JSON.stringify(v.push) === JSON.stringify({type: "optout", source: "devpod", client: null, enabled: false})'
	oo_ws_line 7 'v.step === "send" && v.text === "{\"ok\":true,\"accepted\":1,\"dropped\":0}"'
	oo_ws_line 8 'v.step === "quiet" && v.pushes.length === 0'
	oo_absent "$m-dropped"
	expect_events_now '{"where":{"$text":"'"$m"'"},"count":2,"expect":[
	  {"source":"devpod","name":"'"$m"'-before","client_id":"oo-ws-client"},
	  {"source":"devpod","name":"'"$m"'-after","client_id":"oo-ws-client"}]}'
}

# 4b. A change made over HTTP is pushed too; a change to a source the
# sender never sent is not pushed to it.
case_optout_ws_push_http() {
	oo_begin
	local m post='["curl","-sS","-XPOST","-H","Authorization: Bearer '"$(ctl_token)"'","-H","Content-Type: application/json","--data-binary"'
	m=$(oo_marker wsh)
	oo_ws \
	    'send={"name":"'"$m"'-1","source":"devpod","client_id":"oo-ws-http"}' \
	    'run=["'"$TELTOP"'","optout","--db","'"$DB"'","set","werf"]' \
	    'quiet=600' \
	    'run='"$post"',"{\"source\":\"devpod\",\"client\":null,\"enabled\":true}","http://'"$ADDR"'/v1/optout"]' \
	    'push=2000' \
	    'send={"name":"'"$m"'-2","source":"devpod","client_id":"oo-ws-http"}' \
	    'run='"$post"',"{\"source\":\"devpod\",\"client\":null,\"enabled\":false}","http://'"$ADDR"'/v1/optout"]' \
	    'push=2000' \
	    'send={"name":"'"$m"'-3","source":"devpod","client_id":"oo-ws-http"}' \
	    'run=["'"$TELTOP"'","optout","--db","'"$DB"'","clear","werf"]' \
	    'quiet=600'
	oo_ws_line 1 'v.step === "send" && v.text === "{\"ok\":true,\"accepted\":1,\"dropped\":0}"'
	oo_ws_line 2 'v.step === "run" && v.code === 0'
	oo_ws_line 3 'v.step === "quiet" && v.pushes.length === 0'
	oo_ws_line 4 'v.step === "run" && v.code === 0 && JSON.parse(v.stdout).ok === true'
	oo_ws_line 5 'v.step === "push" && v.push !== null &&
	    JSON.stringify(v.push) === JSON.stringify({type: "optout", source: "devpod", client: null, enabled: true})'
	oo_ws_line 6 'v.step === "send" && v.text === "{\"ok\":true,\"accepted\":0,\"dropped\":1}"'
	oo_ws_line 7 'v.step === "run" && v.code === 0 && JSON.parse(v.stdout).enabled === false'
	oo_ws_line 8 'v.step === "push" && v.push !== null &&
	    JSON.stringify(v.push) === JSON.stringify({type: "optout", source: "devpod", client: null, enabled: false})'
	oo_ws_line 9 'v.step === "send" && v.text === "{\"ok\":true,\"accepted\":1,\"dropped\":0}"'
	oo_ws_line 10 'v.step === "run" && v.code === 0'
	oo_ws_line 11 'v.step === "quiet" && v.pushes.length === 0'
	oo_absent "$m-2"
	expect_events_now '{"where":{"$text":"'"$m"'"},"count":2,"expect":[{"name":"'"$m"'-1"},{"name":"'"$m"'-3"}]}'
}

# 4c. A client-level opt-out is pushed to a sender of that client (set by
# the CLI, cleared over HTTP), and not to one that sent only other clients.
case_optout_ws_push_client() {
	oo_begin
	local m x z post='["curl","-sS","-XPOST","-H","Authorization: Bearer '"$(ctl_token)"'","-H","Content-Type: application/json","--data-binary"'
	m=$(oo_marker wsc)
	x=oo-ws-x-$(oo_marker x)
	z=oo-ws-z-$(oo_marker z)
	oo_ws \
	    'send={"name":"'"$m"'-1","source":"devpod","client_id":"'"$x"'"}' \
	    'run=["'"$TELTOP"'","optout","--db","'"$DB"'","set","devpod","--client","'"$z"'"]' \
	    'quiet=600' \
	    'run=["'"$TELTOP"'","optout","--db","'"$DB"'","set","devpod","--client","'"$x"'"]' \
	    'push=2000' \
	    'send={"name":"'"$m"'-2","source":"devpod","client_id":"'"$x"'"}' \
	    'run='"$post"',"{\"source\":\"devpod\",\"client\":\"'"$x"'\",\"enabled\":false}","http://'"$ADDR"'/v1/optout"]' \
	    'push=2000' \
	    'run=["'"$TELTOP"'","optout","--db","'"$DB"'","clear","devpod","--client","'"$z"'"]' \
	    'quiet=600'
	oo_ws_line 1 'v.step === "send" && v.reply && v.reply.accepted === 1'
	oo_ws_line 2 'v.step === "run" && v.code === 0'
	oo_ws_line 3 'v.step === "quiet" && v.pushes.length === 0'
	oo_ws_line 4 'v.step === "run" && v.code === 0'
	oo_ws_line 5 'v.step === "push" && v.push !== null &&
	    JSON.stringify(v.push) === JSON.stringify({type: "optout", source: "devpod", client: "'"$x"'", enabled: true})'
	oo_ws_line 6 'v.step === "send" && v.text === "{\"ok\":true,\"accepted\":0,\"dropped\":1}"'
	oo_ws_line 7 'v.step === "run" && v.code === 0 && JSON.parse(v.stdout).enabled === false'
	oo_ws_line 8 'v.step === "push" && v.push !== null &&
	    JSON.stringify(v.push) === JSON.stringify({type: "optout", source: "devpod", client: "'"$x"'", enabled: false})'
	oo_ws_line 9 'v.step === "run" && v.code === 0'
	oo_ws_line 10 'v.step === "quiet" && v.pushes.length === 0'
	oo_absent "$m-2"
}

# 5. Clearing resumes storage.
case_optout_clear_resumes() {
	oo_begin
	local m1 m2
	m1=$(oo_marker while-set)
	m2=$(oo_marker after-clear)
	oo_cli set devpod
	oo_wait_get 'source=devpod' 'v.length === 1' >/dev/null
	oo_post_events '{"name":"'"$m1"'","source":"devpod","client_id":"oo-resume"}' '{"accepted":0,"dropped":1}'
	oo_devpod_insert "$T/oo.resume.json" "oo-resume devpod up $m1-insert"
	oo_post_insert "$T/oo.resume.json"

	oo_cli clear devpod
	grep -q 'opted back in\|cleared\|stored again' "$T/oo.out" || fail "clear says: $(cat "$T/oo.out")"
	oo_wait_get '' 'v.length === 0' >/dev/null
	oo_post_events '{"name":"'"$m2"'","source":"devpod","client_id":"oo-resume"}' '{"accepted":1,"dropped":0}'
	oo_devpod_insert "$T/oo.resume.json" "oo-resume devpod up $m2-insert"
	oo_post_insert "$T/oo.resume.json"

	oo_absent "$m1"
	oo_present "$m2"
	expect_events_now '{"where":{"$text":"'"$m2"'"},"count":2,"expect":[
	  {"source":"devpod","format":"generic","name":"'"$m2"'","client_id":"oo-resume"},
	  {"source":"devpod","format":"devpod-insert","command":"devpod up '"$m2"'-insert","client_id":"oo-resume"}]}'
	expect_events_now '{"where":{"$text":"'"$m1"'"},"none":true}'
}

# 6. The registry over HTTP: POST /v1/optout sets and clears, GET filters,
# a bad body is a 400 that changes nothing.
case_optout_http_registry() {
	oo_begin
	local c=oo-http-client m body
	m=$(oo_marker http)
	want_status 200 "$(http POST /v1/optout -H "Authorization: Bearer $(ctl_token)" -H 'Content-Type: application/json' \
	    --data-binary '{"source":"devsy","client":null,"enabled":true}')"
	want_json '{"ok":true,"source":"devsy","client":null,"enabled":true}'
	oo_js "$T/body" 'Object.keys(v).sort().join() === "client,enabled,ok,source"'
	want_status 200 "$(http POST /v1/optout -H "Authorization: Bearer $(ctl_token)" -H 'Content-Type: application/json' \
	    --data-binary '{"source":"devsy","client":"'"$c"'","enabled":true}')"
	want_json '{"ok":true,"source":"devsy","client":"'"$c"'","enabled":true}'
	# in the database, for every process
	oo_list
	oo_js "$T/oo.list.json" 'v.length === 2 && v.every((e) => e.source === "devsy" && e.set_by === "http") &&
	    v.some((e) => e.client === null) && v.some((e) => e.client === "'"$c"'")'
	# and in force at once
	oo_devpod_insert "$T/oo.devsy.json" "oo-http-other devsy up $m"
	sed -i 's/"devpod_cli"/"devsy_cli"/' "$T/oo.devsy.json"
	oo_post_insert "$T/oo.devsy.json"
	oo_absent "$m"

	want_status 200 "$(http GET /v1/optout)"
	oo_js "$T/body" 'v.length === 2'
	want_status 200 "$(http GET '/v1/optout?source=devsy')"
	oo_js "$T/body" 'v.length === 2 && v.every((e) => e.source === "devsy")'
	want_status 200 "$(http GET '/v1/optout?source=werf')"
	want_body '[]'
	want_status 200 "$(http GET "/v1/optout?source=devsy&client=$c")"
	oo_js "$T/body" 'v.length === 2'
	want_status 200 "$(http GET '/v1/optout?source=devsy&client=someone-else')"
	oo_js "$T/body" 'v.length === 1 && v[0].client === null'

	for body in '{"client":"x","enabled":true}' 'not json' '{"source":""}' '{"source":42}' \
	    '{"source":"werf","enabled":"yes"}' '{"source":"werf","client":7}' '[]' '"werf"'; do
		want_status 400 "$(http POST /v1/optout -H "Authorization: Bearer $(ctl_token)" -H 'Content-Type: application/json' --data-binary "$body")"
		want_json '{"error":{"$re":"."}}'
	done
	oo_list
	oo_js "$T/oo.list.json" 'v.length === 2 && v.every((e) => e.source === "devsy")'

	want_status 200 "$(http POST /v1/optout -H "Authorization: Bearer $(ctl_token)" -H 'Content-Type: application/json' \
	    --data-binary '{"source":"devsy","client":"'"$c"'","enabled":false}')"
	want_json '{"ok":true,"source":"devsy","client":"'"$c"'","enabled":false}'
	want_status 200 "$(http POST /v1/optout -H "Authorization: Bearer $(ctl_token)" -H 'Content-Type: application/json' \
	    --data-binary '{"source":"devsy","client":null,"enabled":false}')"
	want_json '{"ok":true,"source":"devsy","client":null,"enabled":false}'
	oo_list
	oo_js "$T/oo.list.json" 'v.length === 0'
	want_status 200 "$(http GET /v1/optout)"
	want_body '[]'
}

# 7. Devtron's own routes answer from the registry.
case_optout_devtron_routes() {
	oo_begin
	local u1 u2 key
	u1=oo-ucid-$(oo_marker u1)
	u2=oo-ucid-$(oo_marker u2)
	want_status 200 "$(http GET "/devtron/telemetry/opt-out/$u1")"
	want_body '{"result":false}'
	want_status 200 "$(http POST /v1/optout -H "Authorization: Bearer $(ctl_token)" -H 'Content-Type: application/json' \
	    --data-binary '{"source":"devtron","client":"'"$u1"'"}')"
	want_json '{"ok":true,"source":"devtron","client":"'"$u1"'","enabled":true}'
	want_status 200 "$(http GET "/devtron/telemetry/opt-out/$u1")"
	want_body '{"result":true}'
	want_status 200 "$(http GET "/devtron/telemetry/opt-out/$u2")"
	want_body '{"result":false}'

	# the whole source, from another process: true for any ucid
	oo_cli set devtron
	oo_wait_get 'source=devtron' 'v.some((e) => e.client === null)' >/dev/null
	for u in "$u2" "oo-any-$RANDOM"; do
		want_status 200 "$(http GET "/devtron/telemetry/opt-out/$u")"
		want_body '{"result":true}'
	done
	oo_cli clear devtron
	oo_wait_get 'source=devtron' '!v.some((e) => e.client === null)' >/dev/null
	want_status 200 "$(http GET "/devtron/telemetry/opt-out/$u2")"
	want_body '{"result":false}'
	want_status 200 "$(http GET "/devtron/telemetry/opt-out/$u1")"
	want_body '{"result":true}'
	want_status 200 "$(http POST /v1/optout -H "Authorization: Bearer $(ctl_token)" -H 'Content-Type: application/json' \
	    --data-binary '{"source":"devtron","client":"'"$u1"'","enabled":false}')"
	want_status 200 "$(http GET "/devtron/telemetry/opt-out/$u1")"
	want_body '{"result":false}'

	want_status 200 "$(http GET /devtron/telemetry/posthogInfo)"
	want_json '{"result":{"PosthogApiKey":{"$type":"string"},"PosthogEndpoint":"http://'"$ADDR"'"}}'
	key=$(oo_val "$T/body" 'v.result.PosthogApiKey')
	node -e 'const k = process.argv[1], d = Buffer.from(k, "base64");
	    if (!k || d.length === 0 || d.toString("base64") !== k || !/^[\x21-\x7e]+$/.test(d.toString("latin1"))) {
	        console.error("PosthogApiKey " + JSON.stringify(k) + " is not the base64 of a key"); process.exit(1) }' "$key"
	want_status 200 "$(http GET /devtron/telemetry/posthogInfo -H 'Host: teltop.example:9999')"
	want_json '{"result":{"PosthogEndpoint":"http://teltop.example:9999"}}'
}

# 8. `teltop optout`: list --json's shape and proof, the messages of a
# repeated set or clear, the tools' own switches, usage errors.
case_optout_cli_list() {
	oo_begin
	local m h rc args now
	m=$(oo_marker list)
	oo_cli set devpod
	oo_wait_get 'source=devpod' 'v.length === 1' >/dev/null
	oo_post_events '{"name":"'"$m"'","source":"devpod","client_id":"oo-list"}' '{"accepted":0,"dropped":1}'
	oo_list
	now=$(date +%s)
	oo_js "$T/oo.list.json" 'Array.isArray(v) && v.length === 1 &&
	    Object.keys(v[0]).sort().join() === "capture,client,dropped,set_by,since,source,stored_since" &&
	    Object.keys(v[0].capture).join() === "captured,forwarded,blocked" &&
	    Object.values(v[0].capture).every((n) => Number.isInteger(n) && n >= 0) &&
	    v[0].source === "devpod" && v[0].client === null && v[0].set_by === "cli" &&
	    v[0].dropped === 1 && v[0].stored_since === 0 &&
	    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v[0].since) &&
	    Math.abs(Date.parse(v[0].since) / 1000 - '"$now"') < 120'
	oo_cli set devpod
	grep -q 'already opted out' "$T/oo.out" || fail "second set says: $(cat "$T/oo.out")"
	oo_cli set devpod --client oo-list-client-with-an-id-longer-than-20
	oo_cli list --json
	oo_js "$T/oo.out" 'v.length === 2 && v.some((e) => e.client === "oo-list-client-with-an-id-longer-than-20" && e.dropped === 0)'
	# the text list does not cut a client id (it is copied from there)
	oo_cli list
	grep -Eq '^devpod +oo-list-client-with-an-id-longer-than-20 +[0-9]{4}-' "$T/oo.out" ||
	    fail "the text list cuts the client id: $(head -n 4 "$T/oo.out")"
	oo_cli clear devpod --client oo-list-client-with-an-id-longer-than-20
	oo_cli clear devpod --client oo-list-client-with-an-id-longer-than-20
	grep -q 'was not opted out' "$T/oo.out" || fail "clear of a missing client says: $(cat "$T/oo.out")"

	# the text list: the registry, then the tools' own switches
	h=$T/oo.home
	mkdir -p "$h/.devpod" "$h/devsy"
	cat >"$h/.devpod/config.yaml" <<'YAML'
defaultContext: default
contexts:
  default:
    defaultProvider: docker
    options:
      TELEMETRY:
        userProvided: true
        value: "false"
YAML
	cp "$h/.devpod/config.yaml" "$h/devsy/config.yaml"
	env -u DEVPOD_CONFIG -u DEVPOD_HOME -u DEVSY_CONFIG -u DEVSY_DISABLE_TELEMETRY \
	    -u IS_AIR_GAP_ENVIRONMENT -u DO_NOT_TRACK \
	    HOME="$h" DEVPOD_DISABLE_TELEMETRY=true WERF_TELEMETRY=0 \
	    "$TELTOP" optout --db "$DB" list >"$T/oo.text" 2>"$T/oo.err" || fail "optout list: $(cat "$T/oo.err")"
	grep -q "The tools' own switches on this machine" "$T/oo.text" || fail "no switches heading: $(cat "$T/oo.text")"
	sed "/The tools' own switches/q" "$T/oo.text" | grep -Eq '^devpod .*cli' ||
	    fail "the registry part does not show devpod set by cli: $(cat "$T/oo.text")"
	for re in '^devpod +off +DEVPOD_DISABLE_TELEMETRY=true' '^devpod +off +context option TELEMETRY=false' \
	    '^werf +off +WERF_TELEMETRY' '^devsy +unset +DEVSY_DISABLE_TELEMETRY' \
	    '^devsy +unset +context option TELEMETRY' '^devtron +unset +IS_AIR_GAP_ENVIRONMENT' \
	    '^devtron +remote ' '^\* +unset +DO_NOT_TRACK'; do
		grep -Eq "$re" "$T/oo.text" || fail "no line matches /$re/ in:
$(sed -n "/The tools' own switches/,\$p" "$T/oo.text")"
	done
	# the other spellings: $DEVPOD_HOME, $DEVSY_CONFIG, forced-on, DO_NOT_TRACK
	env -u DEVPOD_CONFIG -u DEVPOD_DISABLE_TELEMETRY -u DEVSY_DISABLE_TELEMETRY \
	    HOME=/nonexistent DEVPOD_HOME="$h/.devpod" DEVSY_CONFIG="$h/devsy/config.yaml" \
	    WERF_TELEMETRY=1 DO_NOT_TRACK=1 IS_AIR_GAP_ENVIRONMENT=true \
	    "$TELTOP" optout --db "$DB" list >"$T/oo.text" 2>"$T/oo.err" || fail "optout list: $(cat "$T/oo.err")"
	for re in '^devpod +unset +DEVPOD_DISABLE_TELEMETRY' '^devpod +off +context option TELEMETRY=false' \
	    '^devsy +off +context option TELEMETRY=false' '^werf +forced-on +WERF_TELEMETRY' \
	    '^devtron +off +IS_AIR_GAP_ENVIRONMENT' '^\* +off +DO_NOT_TRACK'; do
		grep -Eq "$re" "$T/oo.text" || fail "no line matches /$re/ in:
$(sed -n "/The tools' own switches/,\$p" "$T/oo.text")"
	done

	oo_cli clear devpod
	oo_cli clear devpod
	grep -q 'was not opted out' "$T/oo.out" || fail "second clear says: $(cat "$T/oo.out")"
	oo_list
	oo_js "$T/oo.list.json" 'v.length === 0'

	# usage errors exit 2 and say something
	for args in 'frob' 'set' 'list extra' '' 'clear' 'set devpod --json' 'set devpod werf' 'list --client x'; do
		rc=0
		# shellcheck disable=SC2086
		"$TELTOP" optout --db "$DB" $args >"$T/oo.out" 2>"$T/oo.err" || rc=$?
		[ "$rc" -eq 2 ] || fail "teltop optout $args: exit $rc, want 2; stderr: $(cat "$T/oo.err")"
		[ -s "$T/oo.err" ] || fail "teltop optout $args: exit 2 but nothing on stderr"
	done
	oo_list
	oo_js "$T/oo.list.json" 'v.length === 0'
}

# 9. `teltop stats --json`: the registry with its dropped counts, and the
# dropped_optout counter.
case_optout_stats() {
	oo_begin
	local w s0 s1 m
	w=oo-stats-user-$(oo_marker w)
	m=$(oo_marker stats)
	oo_stats
	s0=$(oo_val "$T/oo.stats.json" 'v.counters.dropped_optout')
	oo_js "$T/oo.stats.json" 'Array.isArray(v.optout) && v.optout.length === 0'

	oo_cli set werf --client "$w"
	want_status 200 "$(http POST /v1/optout -H "Authorization: Bearer $(ctl_token)" -H 'Content-Type: application/json' \
	    --data-binary '{"source":"devsy","client":null,"enabled":true}')"
	oo_wait_get '' 'v.length === 2' >/dev/null
	# werf's own JSON (formats.md §6), twice from the opted-out user, once from another
	oo_post_events '[{"ts":1658231825280,"executionID":"'"$m"'-1","userID":"'"$w"'","command":"werf build","eventType":"CommandStarted","eventData":{},"schemaVersion":2},
	  {"ts":1658231826280,"executionID":"'"$m"'-1","userID":"'"$w"'","command":"werf build","eventType":"CommandExited","eventData":{"exitCode":0,"durationMs":1000},"schemaVersion":2},
	  {"ts":1658231826280,"executionID":"oo-stats-kept","userID":"oo-stats-other","command":"werf build","eventType":"CommandExited","eventData":{"exitCode":0,"durationMs":1000},"schemaVersion":2}]' \
	    '{"accepted":1,"dropped":2}'
	oo_absent "$m"
	oo_stats
	s1=$(oo_val "$T/oo.stats.json" 'v.counters.dropped_optout')
	oo_delta "stats counters.dropped_optout" "$s0" "$s1" 2
	oo_js "$T/oo.stats.json" 'v.optout.length === 2 &&
	    v.optout.some((e) => e.source === "werf" && e.client === "'"$w"'" && e.set_by === "cli" && e.dropped === 2 && e.stored_since === 0) &&
	    v.optout.some((e) => e.source === "devsy" && e.client === null && e.set_by === "http" && e.dropped === 0 && e.stored_since === 0) &&
	    v.optout.every((e) => typeof e.since === "string")'
	TZ=UTC "$TELTOP" stats --db "$DB" >"$T/oo.stats.txt" || fail "teltop stats failed"
	grep -Eq "dropped by opt-out $s1\b" "$T/oo.stats.txt" || fail "stats text: $(head -n 3 "$T/oo.stats.txt")"

	oo_cli clear werf --client "$w"
	oo_cli clear devsy
	oo_wait_get '' 'v.length === 0' >/dev/null
	oo_stats
	oo_js "$T/oo.stats.json" 'v.optout.length === 0'
	s0=$(oo_val "$T/oo.stats.json" 'v.counters.dropped_optout')
	[ "$s0" -eq "$s1" ] || fail "counters.dropped_optout changed from $s1 to $s0 on clear"
}

run_optout_cases() {
	run_case "optout: a set from another process reaches the collector; every route drops" case_optout_cli_every_route
	run_case "optout: a Devtron posthog-go batch and werf OTLP protobuf are dropped" case_optout_posthog_werf
	run_case "optout: one client's events dropped, another's stored, in one request" case_optout_client
	run_case "optout: WebSocket sender told on set and clear, its event dropped between" case_optout_ws_push
	run_case "optout: WebSocket sender told of HTTP changes, not of other sources" case_optout_ws_push_http
	run_case "optout: WebSocket sender of a client told of that client's opt-out" case_optout_ws_push_client
	run_case "optout: clearing resumes storage" case_optout_clear_resumes
	run_case "optout: GET/POST /v1/optout" case_optout_http_registry
	run_case "optout: Devtron opt-out/<ucid> and posthogInfo" case_optout_devtron_routes
	run_case "optout: list --json, text switches, messages, usage errors" case_optout_cli_list
	run_case "optout: stats --json optout and counters.dropped_optout" case_optout_stats
}
