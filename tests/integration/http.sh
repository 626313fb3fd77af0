#!/usr/bin/env bash
# HTTP-layer cases (the hardening issue): pipelining, HEAD and 405, framing
# errors, half-close, the control token and origin checks, limits, and
# opt-out leaving no trace of refused items.  The bytes on the wire come from
# tests/integration/http.mjs (node `net`, `zlib`, and the `ws` package of
# tests/clients); each case then looks at the database with `teltop events`
# or greps its files, as optout.sh does.
#
#   tests/integration/http.sh [PATH/TO/teltop]      (default ./teltop)
#   HT_ONLY=REGEX   run only the cases whose name matches
#   HT_CASE_MS=N    the per-case time limit in ms (default 10000)
#
# or sourced by run.sh, which then calls run_http_cases (and counts the
# results with its own record).  Every case has a collector of its own
# (`teltop serve --listen 127.0.0.1:0` on a fresh database), so a case that
# freezes or kills it does not take the others down, and "stored exactly
# once" means "the only events in that database".  Nothing waits for a fixed
# time: each wait is for a state (a reply, a close, a registry entry, a
# stored event), bounded by the case's deadline, and ends in a failure that
# says what was missing.  Every case ends by asking GET /healthz on a fresh
# connection.  A case whose feature is not there yet (a flag missing from
# `teltop serve --help`) reports "ok - NAME # skip WHY".

ht_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HT_CASE_MS=${HT_CASE_MS:-10000}

# ---------------------------------------------------------------- harness

# ht_now_ms: milliseconds since the epoch.
ht_now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# ht_left_ms: what is left of this case's time (at least 500 ms, so that a
# late check still gets a chance to say what it saw).
ht_left_ms() {
	local left=$((HT_DEADLINE - $(ht_now_ms)))
	[ "$left" -gt 500 ] || left=500
	echo "$left"
}

ht_expired() {
	[ "$(ht_now_ms)" -ge "$HT_DEADLINE" ]
}

# ht_run NAME FUNCTION [ARG...]: FUNCTION in a subshell with set -e and a
# deadline HT_CASE_MS from now (HT_BUDGET_MS overrides it for one case).
ht_run() {
	local name=$1 rc skip
	shift
	if [ -n "${HT_ONLY:-}" ] && ! [[ $name =~ $HT_ONLY ]]; then
		return 0
	fi
	set +e
	(
		set -e
		HT_DEADLINE=$(($(ht_now_ms) + ${HT_BUDGET_MS:-$HT_CASE_MS}))
		"$@"
	) >"$T/ht.case.log" 2>&1
	rc=$?
	set -e
	skip=$(sed -n 's/^# skip //p' "$T/ht.case.log" | head -n 1)
	if [ "$rc" -eq 0 ] && [ -n "$skip" ]; then
		record "$name # skip $skip" 0
	else
		record "$name" "$rc" "$T/ht.case.log"
	fi
}

# ht_start [SERVE-ARG...]: a collector of this case's own, on a fresh
# database; sets HT_ADDR, HT_DB, HT_LOG, HT_PID and stops it when the case
# ends.
ht_start() {
	HT_N=$(od -An -tx1 -N4 /dev/urandom | tr -d ' \n')
	# a directory of its own: the token file is made next to the database
	mkdir "$T/ht-$HT_N"
	HT_DB=$T/ht-$HT_N/events.db
	HT_LOG=$T/ht-$HT_N/serve.log
	: >"$HT_LOG"
	"$TELTOP" serve --db "$HT_DB" --listen 127.0.0.1:0 "$@" >"$T/ht-$HT_N/serve.out" 2>"$HT_LOG" &
	HT_PID=$!
	trap ht_stop EXIT
	HT_ADDR=
	while :; do
		HT_ADDR=$(grep -oE 'listening on [0-9.]+:[0-9]+' "$HT_LOG" | head -n 1 | sed 's/^listening on //') || true
		[ -n "$HT_ADDR" ] && break
		kill -0 "$HT_PID" 2>/dev/null || fail "teltop serve $* exited before it printed its address: $(tail -n 5 "$HT_LOG")"
		ht_expired && fail "teltop serve $*: no 'listening on ADDR:PORT' on stderr in time: $(tail -n 5 "$HT_LOG")"
		sleep 0.05
	done
}

# ht_stop: SIGTERM, then SIGKILL if it is still there after 2 s (a frozen
# collector does not get to exit by itself).
ht_stop() {
	[ -n "${HT_PID:-}" ] || return 0
	kill -TERM "$HT_PID" 2>/dev/null || true
	for _ in $(seq 40); do
		kill -0 "$HT_PID" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$HT_PID" 2>/dev/null || true
	wait "$HT_PID" 2>/dev/null || true
	HT_PID=
}

# ht_server_state: how the collector is doing, for a failure message.
ht_server_state() {
	if ! kill -0 "$HT_PID" 2>/dev/null; then
		echo "the collector is no longer running; end of its log: $(tail -n 5 "$HT_LOG")"
	else
		echo "the collector is running ($(ps -o pcpu= -p "$HT_PID" | tr -d ' ')% CPU over its life)"
	fi
}

# ht_node SCENARIO [ARG...]: http.mjs against this case's collector, within
# what is left of the case's time; its stdout in $T/ht.out.
ht_node() {
	local rc=0
	HT_TIMEOUT_MS=$(ht_left_ms) node "$ht_here/http.mjs" "$1" "$HT_ADDR" "${@:2}" >"$T/ht.out" 2>"$T/ht.err" || rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "http.mjs $*: $(cat "$T/ht.err")$([ -s "$T/ht.out" ] && printf '\n%s' "$(sed 's/^/  | /' "$T/ht.out")")
  ($(ht_server_state))"
	fi
}

# ht_alive: the end of every case: GET /healthz on a fresh connection
# answers 200 ok, within the case's time.
ht_alive() {
	local rc=0
	HT_TIMEOUT_MS=$(ht_left_ms) node "$ht_here/http.mjs" healthz "$HT_ADDR" >"$T/ht.alive" 2>&1 || rc=$?
	[ "$rc" -eq 0 ] || fail "afterwards, GET /healthz on a new connection: $(cat "$T/ht.alive") ($(ht_server_state))"
}

# ht_marker NAME: a string no other event carries.
ht_marker() {
	printf 'HT-%s-%s' "$1" "$(od -An -tx1 -N6 /dev/urandom | tr -d ' \n')"
}

# ht_events: every stored event of this case's database, in $T/ht.events.jsonl.
ht_events() {
	"$TELTOP" events --db "$HT_DB" --format jsonl >"$T/ht.events.jsonl" 2>"$T/ht.events.err" ||
	    fail "teltop events --db $HT_DB: $(cat "$T/ht.events.err")"
}

# ht_check_names NAME...: the database holds exactly these events, each
# name once (prints why not).
ht_check_names() {
	ht_events
	node -e 'const fs = require("fs");
	    const evs = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map(JSON.parse);
	    const want = process.argv.slice(2), bad = [];
	    for (const n of want) {
	        const k = evs.filter((e) => e.name === n).length;
	        if (k !== 1) bad.push(`${n} stored ${k} times`);
	    }
	    const extra = evs.filter((e) => !want.includes(e.name)).map((e) => e.name);
	    if (extra.length) bad.push(`other events stored: ${JSON.stringify(extra.slice(0, 10))}`);
	    if (bad.length) { console.error(bad.join("; ") + ` (${evs.length} events in all)`); process.exit(1) }' \
	    "$T/ht.events.jsonl" "$@"
}

# ht_stored_once NAME...: wait (within the case's time) until the database
# holds exactly these events, each once.
ht_stored_once() {
	while ! ht_check_names "$@" 2>"$T/ht.names.err"; do
		ht_expired && fail "stored events: $(cat "$T/ht.names.err")"
		sleep 0.05
	done
}

# ht_stored_from_out: the names http.mjs listed as "stored NAME", each once.
ht_stored_from_out() {
	local names
	mapfile -t names < <(sed -n 's/^stored //p' "$T/ht.out")
	[ "${#names[@]}" -gt 0 ] || fail "test bug: http.mjs listed no stored names"
	ht_stored_once "${names[@]}"
}

# ht_not_stored MARKER...: no stored event carries MARKER.
ht_not_stored() {
	local m n
	ht_events
	for m in "$@"; do
		n=$(grep -c -F -- "$m" "$T/ht.events.jsonl") || true
		[ "$n" = 0 ] || fail "$m is in $n stored event(s): $(grep -F -- "$m" "$T/ht.events.jsonl" | head -c 300)"
	done
}

# ht_absent MARKER...: no byte of the database files (db, -wal, -shm, and
# what they hold unpacked) nor of the collector's log holds MARKER
# (optout.sh's oo_absent).
ht_absent() {
	local m f n u
	u=$(unpacked "$HT_DB")
	for m in "$@"; do
		for f in "$HT_DB" "$HT_DB-wal" "$HT_DB-shm" "$u" "$HT_LOG"; do
			[ -e "$f" ] || continue
			n=$(grep -a -c -F -- "$m" "$f") || true
			if [ "$n" != 0 ]; then
				ht_events
				fail "$m (refused or opted out) is in $(basename "$f") ($n line(s))$(
				    [ "$f" = "$HT_LOG" ] && printf ': %s' "$(grep -a -F -- "$m" "$f" | head -c 300)"
				); $(grep -c -F -- "$m" "$T/ht.events.jsonl" || true) event(s) of teltop events carry it"
			fi
		done
	done
}

# ht_present MARKER...: the database files hold MARKER (the control that
# shows the grep of ht_absent can see what is stored).
ht_present() {
	local m f found u
	u=$(unpacked "$HT_DB")
	for m in "$@"; do
		found=0
		for f in "$HT_DB" "$HT_DB-wal" "$u"; do
			[ -e "$f" ] && grep -a -q -F -- "$m" "$f" && found=1
		done
		[ "$found" = 1 ] || fail "$m (stored) is not in the database files, unpacked: the grep cannot see stored events?"
	done
}

# ht_req METHOD PATH [-H "K: V"]... [--data S]: one request on a fresh
# connection; the reply as JSON {"status","headers","body"} in $T/ht.reply.json.
ht_req() {
	HT_LAST_REQ="$1 $2"
	ht_node request "$@"
	cp "$T/ht.out" "$T/ht.reply.json"
}

# ht_want SPEC: the last reply matches SPEC (check.mjs json).
ht_want() {
	node "$ht_here/check.mjs" json "$T/ht.reply.json" "$1" 2>"$T/ht.want.err" ||
	    fail "reply to ${HT_LAST_REQ:-the request}: $(cat "$T/ht.want.err")"
}

# ht_js FILE EXPR: EXPR (JavaScript, the JSON of FILE as v) holds.
ht_js() {
	node -e 'const fs = require("fs");
	    let v; try { v = JSON.parse(fs.readFileSync(process.argv[1], "utf8")) }
	    catch (e) { console.error("not JSON: " + fs.readFileSync(process.argv[1], "utf8").slice(0, 300)); process.exit(1) }
	    if (!(new Function("v", "return (" + process.argv[2] + ")"))(v)) {
	        console.error("false: " + process.argv[2] + "; value: " + JSON.stringify(v).slice(0, 600)); process.exit(1) }' "$1" "$2"
}

# ht_registry_is EXPR: `teltop optout list --json` (the registry in the
# database) and GET /v1/optout (the collector's view) both satisfy EXPR.
ht_registry_is() {
	"$TELTOP" optout --db "$HT_DB" list --json >"$T/ht.list.json" 2>"$T/ht.list.err" ||
	    fail "teltop optout list --json: $(cat "$T/ht.list.err")"
	ht_js "$T/ht.list.json" "$1" || fail "registry in the database"
	ht_node request GET /v1/optout
	ht_js "$T/ht.out" 'v.status === 200' || fail "GET /v1/optout: $(cat "$T/ht.out")"
	node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).body)' \
	    "$T/ht.out" >"$T/ht.get.json"
	ht_js "$T/ht.get.json" "$1" || fail "GET /v1/optout"
}

# ht_optout_set SOURCE: `teltop optout set SOURCE`, then wait until the
# collector's GET /v1/optout shows it.
ht_optout_set() {
	"$TELTOP" optout --db "$HT_DB" set "$1" >"$T/ht.oo.out" 2>&1 || fail "teltop optout set $1: $(cat "$T/ht.oo.out")"
	while :; do
		ht_node request GET "/v1/optout?source=$1"
		node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		    process.exit(r.status === 200 && JSON.parse(r.body).some((e) => e.source === process.argv[2] && e.client === null) ? 0 : 1)' \
		    "$T/ht.out" "$1" 2>/dev/null && return 0
		ht_expired && fail "GET /v1/optout?source=$1 does not show the opt-out set from the CLI: $(cat "$T/ht.out")"
		sleep 0.05
	done
}

# ht_token: the control token (`teltop token --db DB`).
ht_token() {
	local tok
	tok=$("$TELTOP" token --db "$HT_DB" 2>"$T/ht.tok.err") || fail "teltop token --db DB: $(head -n 1 "$T/ht.tok.err")"
	tok=$(printf '%s' "$tok" | tr -d '[:space:]')
	[ -n "$tok" ] || fail "teltop token --db DB printed nothing"
	printf '%s' "$tok"
}

HT_OPTOUT_BODY='{"source":"devpod","client":null,"enabled":true}'

# ---------------------------------------------------------------- cases

# 1. Pipelining: every request of one write gets its reply, in order; the
# events are stored once each.
ht_case_pipeline() {
	local m
	ht_start
	m=$(ht_marker "pipe-$1")
	ht_node pipeline "$1" "$m"
	ht_stored_from_out
	ht_alive
}

# 2. HEAD: headers only, and the next pipelined request is still read.
ht_case_head() {
	ht_start
	ht_node head "$(ht_marker head)"
	ht_stored_from_out
	ht_alive
}

# 2. A method a route does not take: 405 with Allow; the body of the PUT
# is not stored.
ht_case_methods() {
	local m
	ht_start
	m=$(ht_marker method)
	ht_node methods "$m"
	ht_not_stored "$m"
	ht_alive
}

# 3. A framing error is answered at once (HT_PROMPT_MS) and nothing of it
# is stored.
ht_case_framing() {
	local m
	ht_start
	m=$(ht_marker "framing-$1")
	ht_node framing "$1" "$m"
	ht_not_stored "$m"
	ht_alive
}

# 4. POST then shutdown(SHUT_WR), ten clients at once: every reply comes,
# every event is stored once.
ht_case_halfclose() {
	ht_start
	ht_node halfclose "$(ht_marker halfclose)"
	ht_stored_from_out
	ht_alive
}

# 4b. A refusal that closes the connection reaches a client that
# half-closed (each sent and half-closed at once, three rounds).
ht_case_halfclose_refused() {
	ht_start
	ht_node halfclose-refused
	ht_alive
}

# 4c. An Upgrade teltop does not serve (curl --http2 offers h2c) is
# ignored, as RFC 7230 6.7 allows: the request is answered as HTTP/1.1.
ht_case_h2c_ignored() {
	local m
	ht_start
	m=$(ht_marker h2c)
	curl -sS --http2 -o "$T/h2c.body" -w '%{http_code}' --max-time 10 \
	    -H 'Content-Type: application/json' --data-binary "{\"name\":\"$m\"}" \
	    "http://$HT_ADDR/v1/events" >"$T/h2c.code"
	[ "$(cat "$T/h2c.code")" = 200 ] ||
	    fail "curl --http2: status $(cat "$T/h2c.code"): $(cat "$T/h2c.body")"
	ht_stored_once "$m"
	ht_alive
}

# 5. Control routes need the token; refusals change nothing.
ht_case_auth_none() {
	ht_start
	ht_req POST /v1/optout -H 'Content-Type: application/json' --data "$HT_OPTOUT_BODY"
	ht_want '{"status":401}'
	ht_registry_is 'v.length === 0'
	ht_alive
}

ht_case_auth_token() {
	local tok
	ht_start
	tok=$(ht_token)
	# the token file is next to the database
	grep -rlqF -- "$tok" "$(dirname "$HT_DB")" || fail "no file next to $HT_DB holds the token teltop token printed"
	ht_req POST /v1/optout -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' --data "$HT_OPTOUT_BODY"
	ht_want '{"status":200,"body":{"$re":"\"enabled\":true"}}'
	ht_registry_is 'v.length === 1 && v[0].source === "devpod" && v[0].client === null'
	ht_req POST /v1/optout -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
	    --data '{"source":"devpod","client":null,"enabled":false}'
	ht_want '{"status":200}'
	ht_registry_is 'v.length === 0'
	# a wrong token is no token
	ht_req POST /v1/optout -H "Authorization: Bearer x$tok" -H 'Content-Type: application/json' --data "$HT_OPTOUT_BODY"
	ht_want '{"status":{"$in":[401,403]}}'
	ht_registry_is 'v.length === 0'
	ht_alive
}

# ht_case_auth_refused STATUS HEADER...: the token plus HEADER(s) is refused.
ht_case_auth_refused() {
	local want=$1 tok h a=()
	shift
	ht_start
	tok=$(ht_token)
	for h in "$@"; do
		a+=(-H "$h")
	done
	# Content-Type: application/json unless the case sets its own
	if ! printf '%s\n' "$@" | grep -qi '^content-type:'; then
		a+=(-H 'Content-Type: application/json')
	fi
	ht_req POST /v1/optout -H "Authorization: Bearer $tok" "${a[@]}" --data "$HT_OPTOUT_BODY"
	ht_want '{"status":'"$want"'}'
	ht_registry_is 'v.length === 0'
	ht_alive
}

# The query-string form, no body, no token: refused, the opt-out stays.
ht_case_auth_query() {
	ht_start
	ht_optout_set devpod
	ht_req POST '/v1/optout?source=devpod&enabled=false' -H 'Content-Length: 0'
	ht_want '{"status":{"$in":[401,403]}}'
	ht_registry_is 'v.length === 1 && v[0].source === "devpod" && v[0].client === null'
	ht_alive
}

# DNS rebinding: the token, but the Host of another name.
ht_case_auth_host() {
	local tok
	ht_start
	tok=$(ht_token)
	ht_req POST /v1/optout -H 'Host: evil.example:8353' -H "Authorization: Bearer $tok" \
	    -H 'Content-Type: application/json' --data "$HT_OPTOUT_BODY"
	ht_want '{"status":403}'
	ht_registry_is 'v.length === 0'
	ht_alive
}

ht_case_ws_origin_refused() {
	local m
	ht_start
	m=$(ht_marker ws-evil)
	ht_node ws https://evil.example "$m" refused
	ht_not_stored "$m"
	ht_alive
}

ht_case_ws_origin_ok() {
	local m1 m2
	ht_start
	m1=$(ht_marker ws-none)
	m2=$(ht_marker ws-own)
	ht_node ws - "$m1" open
	ht_node ws "http://$HT_ADDR" "$m2" open
	ht_stored_once "$m1-1" "$m2-1"
	ht_alive
}

# Ingest routes stay open on loopback: no token, no Origin.
ht_case_ingest_open() {
	local m
	ht_start
	m=$(ht_marker open)
	ht_req POST /v1/events --data '{"name":"'"$m"'-1"}'
	ht_want '{"status":200,"body":"{\"accepted\":1,\"dropped\":0}"}'
	ht_req POST /batch/ --data '{"api_key":"phc_ht","batch":[{"event":"'"$m"'-2","distinct_id":"ht-user","properties":{}}]}'
	ht_want '{"status":200,"body":"{\"status\":1}"}'
	ht_stored_once "$m-1" "$m-2"
	ht_alive
}

# 6. --max-buffered: parallel 3 MiB uploads over a 4 MiB budget.
ht_case_max_buffered() {
	local m k n st
	"$TELTOP" serve --help >"$T/ht.help" 2>&1 || true
	if ! grep -q -- '--max-buffered' "$T/ht.help"; then
		echo "# skip teltop serve --help has no --max-buffered yet"
		return 0
	fi
	ht_start --max-buffered 4MiB
	m=$(ht_marker buffered)
	ht_node buffered 4 3 "$m"
	ht_events
	while read -r st k n; do
		case $st in
		accepted | refused) ;;
		*) continue ;;
		esac
		[ "$st" = accepted ] || n=0
		[ "$(grep -c -F -- "\"name\":\"$m-up$k-" "$T/ht.events.jsonl")" = "$n" ] ||
		    fail "upload $k ($st): $(grep -c -F -- "\"name\":\"$m-up$k-" "$T/ht.events.jsonl") events stored, want $n"
	done <"$T/ht.out"
	ht_alive
}

# 6. 100001 tiny events in one body: 413, nothing stored, still answering.
ht_case_many_events() {
	local m
	ht_start
	m=$(ht_marker many)
	ht_node many-events 100001 "$m"
	ht_not_stored "$m"
	ht_req POST /v1/events --data '{"name":"'"$m"'-after"}'
	ht_want '{"status":200,"body":"{\"accepted\":1,\"dropped\":0}"}'
	ht_alive
}

# 7. Opt-out: a refused DevPod legacy item of an opted-out source leaves no
# byte in the database files or the log; the kept event beside it is there.
ht_case_optout_leak() {
	local kept refused
	ht_start
	kept=kept-$(ht_marker "leak-$1-kept")
	refused=$(ht_marker "leak-$1-refused")
	ht_optout_set devpod
	ht_node leak "$1" "$kept" "$refused"
	ht_stored_once "$kept"
	ht_present "$kept"
	ht_absent "$refused"
	ht_alive
}

# 8. A WebSocket sender whose first event is of an opted-out source is told
# so at once, and gets its normal reply.
ht_case_ws_optout_first() {
	local m
	ht_start
	m=$(ht_marker ws-optout)
	ht_optout_set devpod
	ht_node ws-optout-first "$m"
	ht_absent "$m"
	ht_alive
}

run_http_cases() {
	local mix f
	for mix in get-post post-post-get chunked-cl gzip-metrics ten-posts split; do
		ht_run "http: pipelined on one socket ($mix), replies in order, stored once" ht_case_pipeline "$mix"
	done
	ht_run "http: HEAD /healthz has no body; the pipelined requests after it are read" ht_case_head
	ht_run "http: PUT/DELETE/PATCH, GET on a POST route: 405 with Allow" ht_case_methods
	for f in cl-negative cl-nonnumeric cl-conflict cl-te cl-huge headers-431 uri-414 gzip-trailing; do
		ht_run "http: framing error $f answered at once" ht_case_framing "$f"
	done
	ht_run "http: POST then half-close (10 clients): every reply comes, every event stored" ht_case_halfclose
	ht_run "http: refused requests then half-close: every refusal reaches its client" ht_case_halfclose_refused
	ht_run "http: an Upgrade other than WebSocket (curl --http2, h2c) is ignored and answered" ht_case_h2c_ignored
	ht_run "http: POST /v1/optout without a token: 401, registry unchanged" ht_case_auth_none
	ht_run "http: POST /v1/optout with the token: 200; a wrong token refused" ht_case_auth_token
	ht_run "http: token + Origin: https://evil.example: 403" ht_case_auth_refused 403 'Origin: https://evil.example'
	ht_run "http: token + Sec-Fetch-Site: cross-site: 403" ht_case_auth_refused 403 'Sec-Fetch-Site: cross-site'
	ht_run "http: token + Content-Type: text/plain: 403" ht_case_auth_refused 403 'Content-Type: text/plain'
	ht_run "http: token + Content-Type: application/x-www-form-urlencoded: 403" ht_case_auth_refused 403 \
	    'Content-Type: application/x-www-form-urlencoded'
	ht_run "http: POST /v1/optout?source=devpod&enabled=false, no body, no token: refused" ht_case_auth_query
	ht_run "http: token + Host: evil.example:8353 (DNS rebinding): 403" ht_case_auth_host
	ht_run "http: WebSocket with Origin: https://evil.example refused, nothing stored" ht_case_ws_origin_refused
	ht_run "http: WebSocket with no Origin and with the collector's own origin works" ht_case_ws_origin_ok
	ht_run "http: ingest routes open on loopback without a token" ht_case_ingest_open
	HT_BUDGET_MS=$((HT_CASE_MS * 3)) ht_run "http: --max-buffered 4MiB, 4 parallel 3 MiB uploads: 503 + Retry-After, /healthz answers" \
	    ht_case_max_buffered
	ht_run "http: 100001 events in one body: 413, nothing stored" ht_case_many_events
	ht_run "http: opt-out: an undecodable DevPod legacy item leaves no trace" ht_case_optout_leak undecodable
	ht_run "http: opt-out: a DevPod legacy item over 2 MiB leaves no trace" ht_case_optout_leak oversized
	ht_run "http: opt-out: a DevPod item without its type leaves no trace" ht_case_optout_leak insert-untyped
	ht_run "http: WebSocket: first event of an opted-out source gets the optout push" ht_case_ws_optout_first
}

# ---------------------------------------------------------------- standalone

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	root=$(cd "$ht_here/../.." && pwd)
	TELTOP=${1:-./teltop}
	case $TELTOP in
	/*) ;;
	*) TELTOP=$PWD/$TELTOP ;;
	esac
	CLIENTS=$root/tests/clients
	T=$(mktemp -d "${TMPDIR:-/tmp}/teltop-ht.XXXXXX")
	PASS=0
	FAIL=0
	trap 'if [ "${KEEP:-0}" = 1 ]; then echo "# kept $T"; else rm -rf "$T"; fi' EXIT

	record() {
		if [ "$2" -eq 0 ]; then
			PASS=$((PASS + 1))
			echo "ok - $1"
		else
			FAIL=$((FAIL + 1))
			echo "not ok - $1"
			if [ -n "${3:-}" ] && [ -s "$3" ]; then
				head -c 4000 "$3" | sed 's/^/#   /'
				echo
			fi
		fi
	}
	fail() {
		echo "$*" >&2
		exit 1
	}

	[ -x "$TELTOP" ] || { echo "not ok - teltop binary at $TELTOP"; exit 1; }
	if [ ! -f "$CLIENTS/node_modules/ws/package.json" ]; then
		echo "# installing the npm test clients into tests/clients/node_modules"
		npm install --no-audit --no-fund --no-package-lock --loglevel=error --prefix "$CLIENTS" >"$T/npm.log" 2>&1 ||
		    { cat "$T/npm.log"; exit 1; }
	fi
	run_http_cases
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
fi
