#!/usr/bin/env bash
# Integration tests: a real `teltop serve` on 127.0.0.1 fed by the real
# client libraries (posthog-node, the OpenTelemetry JS OTLP exporters, ws),
# by curl replaying every wire body of shared/formats.md §7, and by
# `teltop send`, `teltop wrap` and `teltop demo` (these two on collectors of
# their own), and by Go, curl and Node clients under `teltop capture`
# (capture.sh); then checked through `teltop events`, `teltop stats`,
# /metrics and SIGTERM.
#
# Viewers of a collector: stream.sh.  History (the field catalog): history.sh.
#
#   tests/integration/run.sh [PATH/TO/teltop]      (default ./teltop)
#
# Needs bash, curl, gzip, node (>= 20.20), go and openssl; the npm clients
# are installed into tests/clients/node_modules on first use.  Prints "ok - NAME" or
# "not ok - NAME" (with "#" lines saying why) per case, then
# "N passed, M failed"; exits 1 when anything failed.
# KEEP=1 keeps the temporary directory (database, server log) for a look;
# SKIP=REGEX skips the cases whose name matches (ONLY: below).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
TELTOP=${1:-./teltop}
case $TELTOP in
/*) ;;
*) TELTOP=$PWD/$TELTOP ;;
esac
cd "$root"

CLIENTS=$root/tests/clients
FIX=$here/fixtures
T=$(mktemp -d "${TMPDIR:-/tmp}/teltop-it.XXXXXX")
# Whatever a collector or a client keeps under XDG's homes (teltop's CA,
# capture's bundle, a config file) stays in $T.
export XDG_DATA_HOME=$T/xdg-data XDG_CONFIG_HOME=$T/xdg-config XDG_RUNTIME_DIR=$T/xdg-run
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
# IT_DB=postgresql://...: the collectors under test store there instead
# (tests/pg/run.sh's throwaway cluster; make test-pg runs the cases that
# read no SQLite file of their own that way).
DB=${IT_DB:-$T/events.db}
# What the stats cases send twice, byte for byte (DevPod's legacy start
# and finish): a SQLite file stores both, PostgreSQL's unique key on the
# event's own id one.
case $DB in
postgres*) RESENT=0 ;;
*) RESENT=2 ;;
esac
ADDR=
SERVER_PID=
AUX_ADDR=
AUX_DB=
AUX_PID=
PASS=0
FAIL=0

cleanup() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -KILL "$SERVER_PID" 2>/dev/null || true
	fi
	if [ -n "$AUX_PID" ] && kill -0 "$AUX_PID" 2>/dev/null; then
		kill -KILL "$AUX_PID" 2>/dev/null || true
	fi
	if declare -F cap_kill_all >/dev/null; then
		cap_kill_all
	fi
	if [ "${KEEP:-0}" = 1 ]; then
		echo "# kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT

check() { node "$here/check.mjs" "$@"; }

# The store packs what it keeps (findings, JSON, bodies: store/pack.h), so
# a grep of the database files sees only what is not packed; unpack (built
# beside the teltop under test, tests/integration/unpack.c) writes out every
# stored event and body as received.  unpacked DB: the path of that dump.
UNPACK=${UNPACK:-}
for u in "$(dirname "$TELTOP")/tests/unpack" "$(dirname "$TELTOP")/build/tests/unpack"; do
	[ -z "$UNPACK" ] && [ -x "$u" ] && UNPACK=$u
done
if [ -z "$UNPACK" ]; then
	echo "integration: no tests/unpack beside $TELTOP: run make test-integration" >&2
	exit 2
fi
unpacked() {
	"$UNPACK" "$1" >"$1.unpacked" || fail "unpack $1 failed"
	echo "$1.unpacked"
}

# ---------------------------------------------------------------- reporting

# run_case NAME FUNCTION [ARG...]: run FUNCTION in a subshell with set -e;
# its output is shown only when it fails.  ONLY=REGEX runs only the cases
# whose name matches (for working on a few; some cases follow others).
run_case() {
	local name=$1 rc
	shift
	if [ -n "${ONLY:-}" ] && ! grep -Eq -e "$ONLY" <<<"$name"; then
		return 0
	fi
	if [ -n "${SKIP:-}" ] && grep -Eq -e "$SKIP" <<<"$name"; then
		return 0
	fi
	set +e
	(set -e; "$@") >"$T/case.log" 2>&1
	rc=$?
	set -e
	record "$name" "$rc" "$T/case.log"
}

# record NAME RC [LOGFILE]
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
		if [ -n "$SERVER_PID" ] && ! kill -0 "$SERVER_PID" 2>/dev/null; then
			echo "#   (the server is no longer running; end of its log:)"
			tail -n 15 "$T/serve.log" 2>/dev/null | sed 's/^/#   | /'
		fi
	fi
}

fail() {
	echo "$*" >&2
	exit 1
}

# ---------------------------------------------------------------- helpers

# http METHOD PATH [CURL-ARG...]: prints the status; the body goes to $T/body.
# No "Expect: 100-continue": the real clients never send it.
http() {
	local method=$1 path=$2
	shift 2
	curl -sS -o "$T/body" -w '%{http_code}' --max-time 30 -H 'Expect:' \
	    -X "$method" "$@" "http://$ADDR$path"
}

# want_status WANT GOT: fail with the body when they differ.
want_status() {
	[ "$1" = "$2" ] || fail "status $2, want $1; body: $(head -c 300 "$T/body" 2>/dev/null)"
}

# want_body STRING: the last reply body is exactly STRING.
want_body() {
	local got
	got=$(cat "$T/body"; echo x)
	got=${got%x}
	[ "$got" = "$1" ] || fail "body $(printf %q "$got"), want $(printf %q "$1")"
}

# want_json SPEC: the last reply body is JSON matching SPEC (see check.mjs).
want_json() {
	check json "$T/body" "$1"
}

dump_events() {
	"$TELTOP" events --db "$DB" --format jsonl "$@" >"$T/events.jsonl"
}

# expect_events SPEC: poll `teltop events` (up to ~3 s) until SPEC matches.
expect_events() {
	local i
	for i in $(seq 30); do
		dump_events
		if check match "$T/events.jsonl" "$1" 2>"$T/match.err"; then
			return 0
		fi
		sleep 0.1
	done
	cat "$T/match.err" >&2
	exit 1
}

# expect_events_now SPEC: no polling (an acknowledged event is committed).
expect_events_now() {
	dump_events
	check match "$T/events.jsonl" "$1"
}

start_server() {
	local i
	# keep the log of an earlier run of the server
	if [ -s "$T/serve.log" ]; then
		mv "$T/serve.log" "$T/serve.$(date +%s%N).log"
	fi
	"$TELTOP" serve --db "$DB" --listen 127.0.0.1:0 >"$T/serve.out" 2>"$T/serve.log" &
	SERVER_PID=$!
	ADDR=
	for i in $(seq 100); do
		ADDR=$(grep -oE 'listening on [0-9.]+:[0-9]+' "$T/serve.log" | head -n 1 | sed 's/^listening on //') || true
		[ -n "$ADDR" ] && break
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$ADDR" ]; then
		echo "no 'listening on ADDR:PORT' on stderr within 10 s; log:"
		tail -n 20 "$T/serve.log"
		return 1
	fi
	for i in $(seq 50); do
		curl -sf --max-time 2 "http://$ADDR/healthz" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "listening on $ADDR but /healthz does not answer"
	return 1
}

# stop_server: SIGTERM, wait up to 10 s; fails unless the exit status is 0.
stop_server() {
	local i rc
	kill -TERM "$SERVER_PID"
	for i in $(seq 100); do
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -KILL "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
		SERVER_PID=
		echo "still running 10 s after SIGTERM (killed)"
		return 1
	fi
	set +e
	wait "$SERVER_PID"
	rc=$?
	set -e
	SERVER_PID=
	if [ "$rc" -ne 0 ]; then
		echo "exit status $rc after SIGTERM; end of log:"
		tail -n 10 "$T/serve.log"
		return 1
	fi
}

ensure_clients() {
	local m
	for m in posthog-node ws https-proxy-agent @opentelemetry/sdk-trace-base @opentelemetry/resources \
	    @opentelemetry/exporter-trace-otlp-proto @opentelemetry/exporter-trace-otlp-http \
	    @opentelemetry/otlp-transformer @opentelemetry/api @segment/analytics-node \
	    @rudderstack/rudder-sdk-node @opentelemetry/sdk-logs @opentelemetry/api-logs \
	    @opentelemetry/exporter-logs-otlp-http @opentelemetry/exporter-logs-otlp-proto \
	    @opentelemetry/sdk-metrics @opentelemetry/exporter-metrics-otlp-http \
	    @opentelemetry/exporter-metrics-otlp-proto @opentelemetry/exporter-trace-otlp-grpc \
	    @opentelemetry/exporter-logs-otlp-grpc @opentelemetry/exporter-metrics-otlp-grpc \
	    @grpc/grpc-js posthog-js; do
		if [ ! -f "$CLIENTS/node_modules/$m/package.json" ]; then
			echo "# installing the npm test clients into tests/clients/node_modules"
			npm install --no-audit --no-fund --no-package-lock --loglevel=error \
			    --prefix "$CLIENTS" >"$T/npm.log" 2>&1 || {
				cat "$T/npm.log"
				return 1
			}
			return 0
		fi
	done
}

# ---------------------------------------------------------------- cases

case_healthz() {
	want_status 200 "$(http GET /healthz)"
	[ "$(tr -d '\r\n' <"$T/body")" = ok ] || fail "body: $(head -c 100 "$T/body")"
}

# Every family of /metrics has # HELP and # TYPE before its samples, and
# every sample belongs to a family so declared (what promtool checks).
case_metrics_help() {
	curl -sS --max-time 10 "http://$ADDR/metrics" >"$T/help.prom"
	awk '
		/^# HELP / { help[$3] = 1; next }
		/^# TYPE / { if (!($3 in help)) { print "no HELP before TYPE: " $3; bad = 1 }
			type[$3] = $4; next }
		/^#/ { next }
		{ name = $1; sub(/\{.*/, "", name)
		  if (!(name in type)) { print "a sample of no declared family: " $0; bad = 1 } }
		END { if (length(type) < 15) { print "only " length(type) " families"; bad = 1 }
		      exit bad }' "$T/help.prom" || fail "/metrics: see above"
}

# /metrics passes `promtool check metrics` (Debian's prometheus package):
# on a collector of its own, after events of several kinds, an opt-out
# drop and refusals of three reasons, so that every labelled family has
# samples that count; promtool must exit 0 and say nothing (no lint).
case_metrics_promtool() {
	local i promtool
	promtool=$("$root/scripts/promtool.sh") || fail "no promtool (scripts/promtool.sh)"
	start_aux prom
	trap '[ -z "$AUX_PID" ] || kill -KILL "$AUX_PID" 2>/dev/null || true' EXIT
	ADDR=$AUX_ADDR	# http() and the helpers, in this case's subshell
	want_status 200 "$(http POST /v1/insert -H 'Content-Type: application/json' \
	    -H 'User-Agent: Go-http-client/1.1' --data-binary @"$FIX/devpod_insert.json")"
	want_status 200 "$(http POST /v1/traces -H 'Content-Type: application/json' \
	    --data-binary @"$FIX/otlp_werf.json")"
	want_status 200 "$(http POST /batch/ -H 'Content-Type: application/json' \
	    --data-binary @"$FIX/devtron_heartbeat_summary.json")"
	want_status 200 "$(http POST /v1/events -H 'Content-Type: application/json' \
	    --data-binary @"$FIX/send_werf.json")"
	# an opt-out, then an event it drops
	want_status 200 "$(http POST /v1/optout -H "Authorization: Bearer $("$TELTOP" token --db "$AUX_DB")" \
	    -H 'Content-Type: application/json' --data-binary '{"source":"devsy","client":null,"enabled":true}')"
	for i in $(seq 100); do
		want_status 200 "$(http GET '/v1/optout?source=devsy')"
		grep -q '"devsy"' "$T/body" && break
		[ "$i" -lt 100 ] || fail "the opt-out of devsy is not in the registry: $(cat "$T/body")"
		sleep 0.1
	done
	want_status 200 "$(http POST /v1/events -H 'Content-Type: application/json' \
	    --data-binary '{"name":"prom-dropped","source":"devsy","client_id":"prom-client"}')"
	want_body '{"accepted":0,"dropped":1}'
	# refusals: malformed, decompress, route
	want_status 400 "$(http POST /v1/events -H 'Content-Type: application/json' --data-binary 'nope')"
	want_status 400 "$(http POST /v1/events -H 'Content-Encoding: gzip' --data-binary 'not gzip')"
	want_status 404 "$(http POST /v1/nowhere --data-binary 'x')"

	want_status 200 "$(http GET /metrics)"
	cp "$T/body" "$T/prom.prom"
	set +e
	"$promtool" check metrics <"$T/prom.prom" >"$T/promtool.out" 2>&1
	i=$?
	set -e
	[ "$i" -eq 0 ] && [ ! -s "$T/promtool.out" ] ||
	    fail "promtool check metrics: exit $i: $(cat "$T/promtool.out")"
	# the samples are there and count what was sent
	grep -Eq '^teltop_events_accepted_total [1-9]' "$T/prom.prom" || fail "nothing accepted: $(grep accepted "$T/prom.prom")"
	grep -Eq '^teltop_events_dropped_optout_total [1-9]' "$T/prom.prom" || fail "no drop counted: $(grep dropped "$T/prom.prom")"
	grep -Eq '^teltop_received_bytes_total [1-9]' "$T/prom.prom" || fail "no bytes counted"
	for i in malformed decompress route; do
		grep -Eq "^teltop_rejections_total\{reason=\"$i\"\} [1-9]" "$T/prom.prom" ||
		    fail "no teltop_rejections_total{reason=\"$i\"}: $(grep rejections "$T/prom.prom")"
	done
	grep -Fq 'teltop_route_rejections_total{route="/v1/nowhere",reason="route"} 1' "$T/prom.prom" ||
	    fail "no teltop_route_rejections_total for /v1/nowhere: $(grep route_rejections "$T/prom.prom")"
	stop_aux
}

case_metrics_baseline() {
	want_status 200 "$(http GET /metrics)"
	cp "$T/body" "$T/metrics0.prom"
	local m
	for m in teltop_events_received_total teltop_events_accepted_total teltop_connections; do
		check metric "$T/metrics0.prom" "$m" >/dev/null
	done
}

# Nothing refused in silence: a refusal of each kind a client can provoke
# is counted by route and reason in /metrics and in stats --json, and the
# unknown route's 404 says which routes exist.
case_refusals() {
	local m
	want_status 404 "$(http POST /v1development/profiles -A 'OTel-OTLP-Exporter-JavaScript/0.57.0' \
	    -H 'Content-Type: application/x-protobuf' --data-binary 'x')"
	check json "$T/body" '{"error":"no such route","routes":{"$contains":"\"POST /v1/traces\""}}'
	want_status 405 "$(http GET /v1/events)"
	want_status 400 "$(http POST /v1/events -H 'Content-Type: application/json' --data-binary 'nope')"
	want_status 400 "$(http POST /v1/events -H 'Content-Encoding: gzip' --data-binary 'not gzip')"
	want_status 400 "$(http POST /v1/traces -H 'Content-Type: application/x-protobuf' \
	    --data-binary $'\x0a\xff\xff\xff')"
	want_status 401 "$(http POST /v1/optout -H 'Content-Type: application/json' \
	    --data-binary '{"source":"werf","enabled":true}')"
	want_status 200 "$(http GET /metrics)"
	for m in 'route="/v1development/profiles",reason="route"' 'route="/v1/events",reason="route"' \
	    'route="/v1/events",reason="malformed"' 'route="/v1/events",reason="decompress"' \
	    'route="/v1/traces",reason="protobuf"' 'route="/v1/optout",reason="auth"'; do
		grep -Eq "^teltop_route_rejections_total\{$m\} [1-9]" "$T/body" ||
		    fail "no teltop_route_rejections_total{$m}: $(grep route_rejections "$T/body")"
	done
	# the same in the database, for stats (written with the next commit)
	for m in $(seq 50); do
		"$TELTOP" stats --db "$DB" --json >"$T/st.json"
		node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		    const want = [["/v1development/profiles","route"],["/v1/events","route"],["/v1/events","malformed"],
		      ["/v1/events","decompress"],["/v1/traces","protobuf"],["/v1/optout","auth"]];
		    const by = s.counters.rejected_by;
		    process.exit(want.every(([r, why]) => by.some((x) => x.route === r && x.reason === why &&
		      x.count >= 1)) && s.counters.rejected_reasons.route >= 2 ? 0 : 1);' "$T/st.json" && return 0
		sleep 0.1
	done
	fail "stats --json: $(node -e 'console.log(JSON.stringify(JSON.parse(require("fs").readFileSync(process.argv[1])).counters))' "$T/st.json")"
}

case_events_empty() {
	dump_events
	[ ! -s "$T/events.jsonl" ] || fail "a fresh database lists events: $(head -c 300 "$T/events.jsonl")"
}

# posthog-node, real client (formats.md §2.2).
case_posthog_node() {
	local tag=$1 fmt=$2 route=$3 enc=$4
	shift 4
	node "$CLIENTS/posthog.mjs" "http://$ADDR" --tag "$tag" "$@" >"$T/ph.out" ||
	    fail "posthog.mjs failed: $(cat "$T/ph.out")"
	check lines "$T/ph.out" '{"expect":[{"url":{"$re":"'"$route"'$"},"status":200,"body":"{\"status\":1}","encoding":'"$enc"'}]}'
	expect_events '{"where":{"$text":"\"'"$tag"'-user-"},"count":3,"expect":[
	  {"source":"posthog","format":"'"$fmt"'","name":"test_opened","client_id":"'"$tag"'-user-1","ts":"2026-01-05T12:00:00.123Z"},
	  {"source":"devsy","format":"'"$fmt"'","name":"devsy_app_opened","client_id":"'"$tag"'-user-2","ts":"2026-01-05T12:00:01.456Z"},
	  {"source":"posthog","format":"'"$fmt"'","name":"$identify","client_id":"'"$tag"'-user-1"}]}'
}

# @segment/analytics-node and @rudderstack/rudder-sdk-node, the real SDKs:
# every request answered 200, each message stored under its own source.
case_segment_sdks() {
	local tag=sg$RANDOM
	node "$CLIENTS/segment.mjs" "http://$ADDR" --tag "$tag" >"$T/seg.out" 2>&1 ||
	    fail "segment.mjs failed: $(cat "$T/seg.out")"
	check lines "$T/seg.out" '{"expect":[{"sdk":"segment","url":"/v1/batch","status":200,"body":"{\"success\":true}"}]}'
	expect_events '{"where":{"client_id":"seg-'"$tag"'"},"count":3,"expect":[
	  {"source":"segment","format":"segment-batch","name":"cli_command","command":"werf converge",
	   "duration_ms":42,"exit_code":0,"version":"3.1.0"},
	  {"source":"segment","format":"segment-batch","name":"identify"},
	  {"source":"segment","format":"segment-batch","name":"Docs"}]}'
	expect_events '{"where":{"client_id":"rud-'"$tag"'"},"count":3,"expect":[
	  {"source":"rudderstack","format":"segment-batch","name":"cli_command","command":"devpod up",
	   "exit_code":1,"error":"exit status 1","version":"3.0.13"},
	  {"source":"rudderstack","format":"segment-batch","name":"identify"},
	  {"source":"rudderstack","format":"segment-batch","name":"Home"}]}'
}

# The SDKs' recorded requests, replayed on a raw socket: Segment's JSON with
# Basic auth, Rudder's gzip labelled as a form.
case_segment_replay() {
	local f out
	for f in segment-analytics-node-3.1.0 rudder-sdk-node-3.0.13; do
		out=$(node -e 'const net = require("net"), fs = require("fs");
		    const [host, port] = process.argv[2].split(":");
		    const s = net.connect(+port, host, () => s.end(fs.readFileSync(process.argv[1])));
		    let got = ""; s.on("data", (d) => got += d); s.on("end", () => process.stdout.write(got));
		    s.setTimeout(10000, () => { console.error("timeout"); process.exit(1); });' \
		    "$here/fixtures/real-clients/$f.http" "$ADDR") || fail "$f: no reply"
		case "$out" in
		"HTTP/1.1 200 "*'{"success":true}') ;;
		*) fail "$f: $out" ;;
		esac
	done
	expect_events '{"where":{"$text":"node-next-1796135644720-2ec2fe2a"},"count":1,"expect":[
	  {"source":"segment","format":"segment-batch","name":"cli_command","client_id":"u1",
	   "command":"werf converge","duration_ms":42,"ts":"2026-12-01T14:34:04.720Z"}]}'
	expect_events '{"where":{"$text":"8409bef2-d5c1-4900-a048-18ed9fbadb7f"},"count":1,"expect":[
	  {"source":"rudderstack","format":"segment-batch","name":"cli_command","client_id":"u1",
	   "command":"devpod up","version":"3.0.13","ts":"2026-12-01T14:34:05.092Z"}]}'
}

# The werf-shaped spans of otlp.mjs, stored with format FMT.
expect_werf_spans() {
	local tag=$1 fmt=$2
	expect_events '{"where":{"$text":"'"$tag"'"},"count":3,"expect":[
	  {"source":"werf","format":"'"$fmt"'","name":"CommandStarted","phase":"start",
	   "client_id":"user-'"$tag"'","execution_id":"exec-'"$tag"'","command":"werf converge",
	   "version":"2.35.0","os":"linux","arch":"amd64","ts":"2026-01-05T12:00:00Z"},
	  {"source":"werf","format":"'"$fmt"'","name":"CommandExited","phase":"finish",
	   "duration_ms":1234,"exit_code":3,
	   "client_id":"user-'"$tag"'","execution_id":"exec-'"$tag"'","command":"werf converge",
	   "version":"2.35.0","os":"linux","arch":"amd64","ts":"2026-01-05T12:00:01.234Z"},
	  {"source":"generic","format":"'"$fmt"'","name":"plain-span-'"$tag"'","duration_ms":250}]}'
}

case_otlp() {
	local tag=$1 mode=$2 fmt=$3
	shift 3
	node "$CLIENTS/otlp.mjs" "http://$ADDR/v1/traces" "$mode" --tag "$tag" "$@" >"$T/otlp.out" 2>&1 ||
	    fail "otlp.mjs failed: $(cat "$T/otlp.out")"
	expect_werf_spans "$tag" "$fmt"
}

# OpenTelemetry JS's OTLP/HTTP log and metric exporters (MODE proto or
# json): every export succeeds; each record and data point is an event.
case_otlp_signals() {
	local mode=$1 tag=sig$1$RANDOM fmt
	node "$CLIENTS/otlpsig.mjs" "http://$ADDR" "$mode" --tag "$tag" >"$T/sig.out" 2>&1 ||
	    fail "otlpsig.mjs failed: $(cat "$T/sig.out")"
	[ "$mode" = proto ] && fmt=protobuf || fmt=json
	expect_events '{"where":{"format":"otlp-logs-'"$fmt"'","$text":"'"$tag"'"},"count":2,"expect":[
	  {"source":"otlp","name":"cache miss for '"$tag"'","client_id":"inst-'"$tag"'",
	   "command":"werf converge","version":"1.2.3","error":null,"severity":13},
	  {"source":"otlp","name":"build.finished","client_id":"user-'"$tag"'",
	   "error":"build failed: exit status 2","severity":17}]}'
	# severity>=error keeps the ERROR record only; signal=log both
	"$TELTOP" events --db "$DB" --format jsonl --filter "signal=log severity>=error client~$tag" \
	    >"$T/sev.jsonl"
	check match "$T/sev.jsonl" '{"count":1,"expect":[{"name":"build.finished"}]}'
	"$TELTOP" events --db "$DB" --format jsonl --filter "signal=log severity>=warn client~$tag" \
	    >"$T/sev.jsonl"
	check match "$T/sev.jsonl" '{"count":2}'
	expect_events '{"where":{"format":"otlp-metrics-'"$fmt"'","name":"'"$tag"'.requests"},"expect":[
	  {"source":"otlp","client_id":"inst-'"$tag"'","raw":{"kind":"sum","value":7,"monotonic":true,
	   "attributes":{"route":"/a"}}}]}'
	expect_events '{"where":{"format":"otlp-metrics-'"$fmt"'","name":"'"$tag"'.duration"},"expect":[
	  {"raw":{"kind":"histogram","count":2,"sum":52,"min":12,"max":40,"unit":"ms"}}]}'
	expect_events '{"where":{"format":"otlp-metrics-'"$fmt"'","name":"'"$tag"'.queue"},"expect":[
	  {"raw":{"kind":"gauge","value":7}}]}'
	# per metric in stats: points as stored, a histogram's value its mean
	local n
	n=$("$TELTOP" events --db "$DB" --format jsonl --filter "name=$tag.duration" | wc -l)
	[ "$n" -ge 1 ] || fail "no $tag.duration points"
	stats_json
	check match "$T/stats.metrics.jsonl" '{"where":{"name":{"$re":"^'"$tag"'\\."}},"count":3,"expect":[
	  {"source":"otlp","name":"'"$tag"'.duration","kind":"histogram","unit":"ms","points":'"$n"',
	   "last":26,"min":26,"max":26,"last_seen":{"$type":"string"}},
	  {"name":"'"$tag"'.queue","kind":"gauge","unit":"","last":7},
	  {"name":"'"$tag"'.requests","kind":"sum","unit":"1","last":7}]}'
}

case_otlp_curl_proto() {
	node "$CLIENTS/otlp.mjs" --dump "$T/otlp.pb" --tag otlpdump >/dev/null
	want_status 200 "$(http POST /v1/traces -H 'Content-Type: application/x-protobuf' \
	    -H 'User-Agent: OTel OTLP Exporter Go/1.24.0' --data-binary @"$T/otlp.pb")"
	[ ! -s "$T/body" ] || fail "reply body is not empty: $(head -c 200 "$T/body" | od -c | head -n 3)"
	expect_werf_spans otlpdump otlp-protobuf
}

case_otlp_curl_json() {
	want_status 200 "$(http POST /v1/traces -H 'Content-Type: application/json' \
	    --data-binary @"$FIX/otlp_werf.json")"
	[ ! -s "$T/body" ] || fail "reply body is not empty: $(head -c 200 "$T/body")"
	expect_events '{"where":{"$text":"exec-otlp-curl-json"},"count":1,"expect":[
	  {"source":"werf","format":"otlp-json","name":"CommandExited","phase":"finish",
	   "duration_ms":10827,"exit_code":0,"client_id":"user-otlp-curl-json",
	   "execution_id":"exec-otlp-curl-json","command":"werf build","version":"2.35.0",
	   "os":"darwin","arch":"arm64","ts":"2026-01-05T12:00:10Z"}]}'
}

# Every kind of OTLP metric by curl: a point each (the gauge two), and per
# metric in stats its kind, unit and value (a histogram's or summary's mean).
case_otlp_metric_kinds() {
	want_status 200 "$(http POST /v1/metrics -H 'Content-Type: application/json' \
	    --data-binary @"$FIX/otlp_metrics_kinds.json")"
	expect_events '{"where":{"name":{"$re":"^it\\.m\\."}},"count":6,"expect":[
	  {"source":"otlp","format":"otlp-metrics-json","name":"it.m.gauge","client_id":"it-metrics-inst",
	   "ts":"2026-01-05T12:00:00Z","raw":{"kind":"gauge","value":1.5,"attributes":{"disk":"sda"}}},
	  {"name":"it.m.gauge","raw":{"value":3}},
	  {"name":"it.m.sum","raw":{"kind":"sum","value":10,"temporality":"cumulative","monotonic":true}},
	  {"name":"it.m.hist","raw":{"kind":"histogram","count":4,"sum":10,"bucketCounts":[1,3]}},
	  {"name":"it.m.exph","raw":{"kind":"exponential_histogram","count":2,"sum":9}},
	  {"name":"it.m.summ","raw":{"kind":"summary","count":5,"sum":20}}]}'
	stats_json
	check match "$T/stats.metrics.jsonl" '{"where":{"name":{"$re":"^it\\.m\\."}},"count":5,"expect":[
	  {"source":"otlp","name":"it.m.exph","kind":"exponential_histogram","unit":"s","points":1,"last":4.5},
	  {"name":"it.m.gauge","kind":"gauge","unit":"By","points":2,"last":3,"min":1.5,"max":3,
	   "last_seen":{"$re":"^2026-01-05T12:00:01(\\.0+)?Z$"}},
	  {"name":"it.m.hist","kind":"histogram","unit":"ms","points":1,"last":2.5},
	  {"name":"it.m.sum","kind":"sum","unit":"{request}","points":1,"last":10},
	  {"name":"it.m.summ","kind":"summary","unit":"ms","points":1,"last":4}]}'
	# and in the text form
	TZ=UTC "$TELTOP" stats --db "$DB" >"$T/stats.txt" || fail "teltop stats failed"
	grep -Eq '^otlp +it\.m\.gauge +gauge +By +2 +3 +1\.5 +3  2026-01-05T12:00:01$' "$T/stats.txt" ||
	    fail "stats text: no gauge row: $(grep -A3 '^Metrics' "$T/stats.txt")"
}

case_devpod_insert() {
	want_status 200 "$(http POST /v1/insert -H 'Content-Type: application/json' \
	    -H 'User-Agent: Go-http-client/1.1' --data-binary @"$FIX/devpod_insert.json")"
	expect_events '{"where":{"$text":"it-devpod-machine"},"count":2,"expect":[
	  {"source":"devpod","format":"devpod-insert","name":"devpod_cli","phase":"finish",
	   "client_id":"it-devpod-machine","command":"devpod up","version":"v0.6.15",
	   "error":null,"os":"linux","arch":"amd64","ts":"2025-01-14T10:20:00Z"},
	  {"source":"devpod","format":"devpod-insert","name":"devpod_cli","phase":"finish",
	   "client_id":"it-devpod-machine","command":"devpod delete","version":"v0.6.15",
	   "error":"workspace it-ws not found","os":"darwin","arch":"arm64","ts":"2025-01-14T10:21:00Z"}]}'
}

case_devpod_legacy() {
	local f
	for f in devpod_legacy_started devpod_legacy_finished; do
		want_status 200 "$(http POST /analytics/v1/devpod/v1/events \
		    -H 'Content-Type: multipart/form-data' --data-binary @"$FIX/$f.json")"
	done
	expect_events '{"where":{"$text":"it-legacy-uid"},"count":2,"expect":[
	  {"source":"devpod","format":"devpod-legacy","name":"cmdstarted","phase":"start",
	   "execution_id":"it-legacy-exec-1","client_id":"it-legacy-uid","command":"devpod up",
	   "version":"v0.5.29","os":"linux","arch":"amd64","ts":"2023-11-26T11:59:47.778456Z"},
	  {"source":"devpod","format":"devpod-legacy","name":"cmdfinished","phase":"finish",
	   "execution_id":"it-legacy-exec-1","client_id":"it-legacy-uid","command":"devpod up",
	   "duration_ms":12345,"error":"it legacy failure: exit status 1",
	   "version":"v0.5.29","os":"linux","arch":"amd64","ts":"2023-11-26T12:00:00.123456Z"}]}'
	# processingTime is µs: 12345678 is 12345.678 ms, in JSONL and CSV
	sed 's/"processingTime":12345000/"processingTime":12345678/; s/it-legacy-exec-1/it-legacy-exec-frac/g; s/it-legacy-uid/it-legacy-frac-uid/g' \
	    "$FIX/devpod_legacy_finished.json" >"$T/legacy-frac.json"
	want_status 200 "$(http POST /analytics/v1/devpod/v1/events \
	    -H 'Content-Type: multipart/form-data' --data-binary @"$T/legacy-frac.json")"
	expect_events '{"where":{"$text":"it-legacy-frac-uid"},"count":1,"expect":[
	  {"execution_id":"it-legacy-exec-frac","duration_ms":12345.678}]}'
	"$TELTOP" events --db "$DB" --format csv --filter client_id=it-legacy-frac-uid >"$T/frac.csv"
	grep -q ',12345.678,' "$T/frac.csv" || fail "the CSV row lacks 12345.678: $(cat "$T/frac.csv")"
}

case_devsy_era1() {
	want_status 200 "$(http POST /v1/insert -H 'Content-Type: application/json' \
	    --data-binary @"$FIX/devsy_insert_era1.json")"
	expect_events '{"where":{"$text":"it-devsy-era1-machine"},"count":1,"expect":[
	  {"source":"devsy","format":"devpod-insert","name":"devsy_cli","phase":"finish",
	   "client_id":"it-devsy-era1-machine","command":"devsy up","version":"v0.9.0",
	   "os":"linux","arch":"amd64","ts":"2026-04-18T08:13:20Z"}]}'
}

# posthog_post PATH FILE [CURL-ARG...]: a PostHog route answers exactly 200 {"status":1}.
posthog_post() {
	local path=$1 file=$2
	shift 2
	want_status 200 "$(http POST "$path" "$@" --data-binary @"$file")"
	want_body '{"status":1}'
}

case_devsy_era3() {
	posthog_post /batch/ "$FIX/devsy_posthog_go_era3.json" -H 'Content-Type: application/json' \
	    -H 'User-Agent: posthog-go/1.12.5'
	expect_events '{"where":{"$text":"it-devsy-era3-distinct"},"count":1,"expect":[
	  {"source":"devsy","format":"posthog-batch","name":"devsy_cli","phase":"finish",
	   "command":"devsy up","client_id":"it-devsy-era3-distinct","ts":"2026-07-01T10:00:00.123456Z"}]}'
}

case_devtron_159() {
	posthog_post /batch/ "$FIX/devtron_heartbeat_summary.json" -H 'Content-Type: application/json' \
	    -H 'User-Agent: posthog-go/1.5.9'
	expect_events '{"where":{"$text":"itdevtronucid001"},"count":2,"expect":[
	  {"source":"devtron","format":"posthog-batch","name":"Heartbeat","client_id":"itdevtronucid001",
	   "version":"v1.29.3","ts":"2026-01-05T12:00:00.123456Z"},
	  {"source":"devtron","format":"posthog-batch","name":"Summary","client_id":"itdevtronucid001",
	   "version":"v1.29.3","ts":"2026-01-06T00:00:00.5Z"}]}'
}

case_devtron_inception() {
	posthog_post /batch "$FIX/devtron_inception_2021.json" -H 'Content-Type: application/json' \
	    -H 'User-Agent: posthog-go (version: 1.0.2)'
	expect_events '{"where":{"$text":"itinceptionucid1"},"count":1,"expect":[
	  {"source":"devtron","format":"posthog-batch","name":"InstallationSuccess",
	   "client_id":"itinceptionucid1","version":"v0.6.0","ts":"2026-01-05T12:00:00.5Z"}]}'
}

case_posthogjs_base64() {
	node -e 'const fs=require("fs");
	    fs.writeFileSync(process.argv[2], "data=" + encodeURIComponent(fs.readFileSync(process.argv[1]).toString("base64")))' \
	    "$FIX/posthogjs_event.json" "$T/form.txt"
	posthog_post '/e/?ip=1&_=1767614402000&ver=1.300.0&compression=base64' "$T/form.txt" \
	    -H 'Content-Type: application/x-www-form-urlencoded'
	expect_events '{"where":{"$text":"it-js-b64-user"},"count":1,"expect":[
	  {"source":"posthog","format":"posthog-event","name":"$pageview","client_id":"it-js-b64-user",
	   "ts":"2026-01-05T12:00:02Z"}]}'
}

case_posthogjs_gzip_magic() {
	gzip -c "$FIX/posthogjs_batch_head.json" >"$T/js.gz"
	posthog_post '/i/v0/e/?ip=0&_=1767614406000&ver=1.418.10' "$T/js.gz" -H 'Content-Type: text/plain'
	expect_events '{"where":{"$text":"it-js-gzip-user"},"count":2,"expect":[
	  {"source":"posthog","format":"posthog-batch","name":"$pageview","client_id":"it-js-gzip-user",
	   "ts":"2026-01-05T12:00:04Z"},
	  {"source":"posthog","format":"posthog-batch","name":"it_js_click","client_id":"it-js-gzip-user",
	   "ts":"2026-01-05T12:00:05Z"}]}'
}

case_posthogjs_gzipjs() {
	gzip -c "$FIX/posthogjs_array.json" >"$T/jsarr.gz"
	posthog_post '/e/?compression=gzip-js&ip=1&_=1767614408000&ver=1.300.0' "$T/jsarr.gz" \
	    -H 'Content-Type: text/plain'
	expect_events '{"where":{"$text":"it-js-gzipjs-user"},"count":2,"expect":[
	  {"source":"posthog","format":"posthog-array","name":"$pageleave","client_id":"it-js-gzipjs-user",
	   "ts":"2026-01-05T12:00:07Z"},
	  {"source":"posthog","format":"posthog-array","name":"$autocapture","client_id":"it-js-gzipjs-user",
	   "ts":"2026-01-05T12:00:08Z"}]}'
}

# posthog-js itself, the browser SDK, running in Node: gzip labelled
# text/plain on /e/, every request answered 200, each capture stored.
case_posthogjs_sdk() {
	local tag=phjs$RANDOM
	node "$CLIENTS/posthogjs.mjs" "http://$ADDR" --tag "$tag" >"$T/phjs.out" 2>"$T/phjs.err" ||
	    fail "posthogjs.mjs failed: $(cat "$T/phjs.out" "$T/phjs.err")"
	check lines "$T/phjs.out" '{"expect":[{"method":"POST","url":"/e/","status":200,"type":"text/plain","head":"1f8b0800"}]}'
	expect_events '{"where":{"client_id":"'"$tag"'-user"},"count":3,"expect":[
	  {"source":"posthog","format":"posthog-batch","name":"$identify"},
	  {"source":"posthog","format":"posthog-batch","name":"'"$tag"'_clicked","raw":{"properties":{"button":"save"}}},
	  {"source":"posthog","format":"posthog-batch","name":"'"$tag"'_saved","raw":{"properties":{"items":3}}}]}'
}

case_posthog_v1_curl() {
	posthog_post /i/v1/analytics/events "$FIX/posthog_v1.json" -H 'Content-Type: application/json' \
	    -H 'Authorization: Bearer phc_v1_it' -H 'PostHog-Sdk-Info: posthog-node/5.70.0' \
	    -H 'PostHog-Attempt: 1'
	expect_events '{"where":{"$text":"it-v1-user"},"count":1,"expect":[
	  {"source":"posthog","format":"posthog-v1","name":"it_v1_event","client_id":"it-v1-user",
	   "ts":"2026-01-05T12:00:09Z"}]}'
}

case_posthog_routes() {
	local r st n=0
	for r in /batch/ /batch /capture/ /capture /e/ /e /i/v0/e/ /i/v0/e /track/ /track /engage/ /engage; do
		n=$((n + 1))
		printf '{"api_key":"phc_route","batch":[{"event":"it_route","distinct_id":"it-route-%s","timestamp":"2026-01-05T12:00:00Z","properties":{"route":"%s"}}]}' \
		    "$n" "$r" >"$T/route.json"
		st=$(http POST "$r" -H 'Content-Type: application/json' --data-binary @"$T/route.json") || true
		[ "$st" = 200 ] || fail "POST $r: status $st, body $(head -c 200 "$T/body")"
		printf '{"status":1}' | cmp -s - "$T/body" || fail "POST $r: body $(head -c 200 "$T/body" | od -c | head -n 3)"
	done
	expect_events '{"where":{"$text":"it-route-"},"count":'"$n"'}'
}

case_events_reply_committed() {
	want_status 200 "$(http POST /v1/events -H 'Content-Type: application/json' \
	    --data-binary '[{"name":"it-v1events-1","client_id":"it-v1events"},{"name":"it-v1events-2","client_id":"it-v1events"}]')"
	want_json '{"accepted":2,"dropped":0}'
	# "accepted" is a promise: the events are already in the database.
	expect_events_now '{"where":{"$text":"it-v1events-"},"count":2,"expect":[
	  {"source":"generic","format":"generic","name":"it-v1events-1","client_id":"it-v1events"},
	  {"source":"generic","format":"generic","name":"it-v1events-2","client_id":"it-v1events"}]}'
}

case_chunked() {
	printf '[{"name":"it-chunked-1"},{"name":"it-chunked-2"},{"name":"it-chunked-3"}]' >"$T/chunked.json"
	want_status 200 "$(http POST /v1/events -H 'Content-Type: application/json' \
	    -H 'Transfer-Encoding: chunked' --data-binary @"$T/chunked.json")"
	want_json '{"accepted":3,"dropped":0}'
	printf '{"api_key":"phc_x","batch":[{"event":"it_chunked_ph","distinct_id":"it-chunked-ph","timestamp":"2026-01-05T12:00:00Z","properties":{}}]}' >"$T/chunked_ph.json"
	gzip -c "$T/chunked_ph.json" >"$T/chunked_ph.gz"
	posthog_post /batch/ "$T/chunked_ph.gz" -H 'Content-Type: application/json' \
	    -H 'Content-Encoding: gzip' -H 'Transfer-Encoding: chunked'
	expect_events '{"where":{"$text":"it-chunked-"},"count":4}'
}

case_keepalive() {
	# Three POSTs on one connection, as the Go and Node clients do.
	local n
	sed 's/it-devpod-machine/it-keepalive-3/g' "$FIX/devpod_insert.json" >"$T/ka.json"
	n=$(curl -sS --max-time 30 -o /dev/null -w '%{http_code} %{num_connects}\n' -H 'Expect:' \
	    -H 'Content-Type: application/json' --data-binary '{"name":"it-keepalive-1"}' "http://$ADDR/v1/events" \
	    --next -o /dev/null -w '%{http_code} %{num_connects}\n' -H 'Expect:' -H 'Content-Type: application/json' \
	    --data-binary '{"api_key":"k","batch":[{"event":"it-keepalive-2","distinct_id":"it-keepalive","properties":{}}]}' \
	    "http://$ADDR/batch/" \
	    --next -o /dev/null -w '%{http_code} %{num_connects}\n' -H 'Expect:' -H 'Content-Type: application/json' --data-binary @"$T/ka.json" \
	    "http://$ADDR/v1/insert")
	[ "$(echo "$n" | awk '{print $1}' | tr '\n' ' ')" = "200 200 200 " ] || fail "statuses: $(echo "$n" | awk '{print $1}' | tr '\n' ' ')"
	[ "$(echo "$n" | awk '{s+=$2} END {print s}')" = 1 ] ||
	    fail "curl opened $(echo "$n" | awk '{s+=$2} END {print s}') connections for 3 requests (keep-alive not kept)"
	expect_events '{"where":{"$text":"it-keepalive-"},"count":4}'
}

case_malformed_400() {
	want_status 400 "$(http POST /v1/events -H 'Content-Type: application/json' \
	    --data-binary '{"name": "it-malformed", "ts": ')"
	want_json '{"error":{"$re":"."}}'
	expect_events_now '{"where":{"$text":"it-malformed"},"none":true}'
}

server_still_answers() {
	want_status 200 "$(http GET /healthz)"
	want_status 200 "$(http POST /v1/events -H 'Content-Type: application/json' \
	    --data-binary "{\"name\":\"it-after-$1\"}")"
	want_json '{"accepted":1,"dropped":0}'
}

case_oversized_body() {
	# ~21 MiB of small events: only the 20 MiB request limit refuses it.
	node -e 'const fs=require("fs"); const pad="p".repeat(1000); const parts=[];
	    let n=0, size=2; while (size < 21*1024*1024) { const s=JSON.stringify({name:"it-oversize-body-"+n++, pad});
	    parts.push(s); size += s.length+1; } fs.writeFileSync(process.argv[1], "["+parts.join(",")+"]");' "$T/big.json"
	local st
	st=$(http POST /v1/events -H 'Content-Type: application/json' --data-binary @"$T/big.json") || true
	want_status 413 "$st"
	want_json '{"error":{"$re":"."}}'
	server_still_answers oversized-body
	expect_events_now '{"where":{"$text":"it-oversize-body-"},"none":true}'
}

case_oversized_event() {
	node -e 'require("fs").writeFileSync(process.argv[1], JSON.stringify({name:"it-oversize-event", pad:"e".repeat(3*1024*1024)}))' "$T/bigev.json"
	local st
	st=$(http POST /v1/events -H 'Content-Type: application/json' --data-binary @"$T/bigev.json") || true
	want_status 413 "$st"
	want_json '{"error":{"$re":"."}}'
	server_still_answers oversized-event
	expect_events_now '{"where":{"$text":"it-oversize-event"},"none":true}'
}

case_gzip_bomb() {
	# 30 MiB of valid JSON (an empty array full of spaces) in ~30 KiB of gzip.
	{ printf '['; head -c $((30 * 1024 * 1024)) /dev/zero | tr '\0' ' '; printf ']'; } | gzip -9 -c >"$T/bomb.gz"
	local st
	st=$(http POST /v1/events -H 'Content-Type: application/json' -H 'Content-Encoding: gzip' \
	    --data-binary @"$T/bomb.gz") || true
	want_status 413 "$st"
	want_json '{"error":{"$re":"."}}'
	server_still_answers gzip-bomb
}

case_truncated_gzip() {
	printf '[{"name":"it-truncated-gzip-1","pad":"%s"},{"name":"it-truncated-gzip-2"}]' \
	    "$(head -c 3000 /dev/urandom | base64 -w0)" | gzip -c >"$T/whole.gz"
	head -c $(($(wc -c <"$T/whole.gz") / 2)) "$T/whole.gz" >"$T/trunc.gz"
	want_status 400 "$(http POST /v1/events -H 'Content-Type: application/json' \
	    -H 'Content-Encoding: gzip' --data-binary @"$T/trunc.gz")"
	want_json '{"error":{"$re":"."}}'
	server_still_answers truncated-gzip
	expect_events_now '{"where":{"$text":"it-truncated-gzip-"},"none":true}'
}

case_send_file() {
	local rc=0
	"$TELTOP" send --url "ws://$ADDR/ws" "$FIX/send_werf.json" >"$T/send.out" 2>"$T/send.err" || rc=$?
	[ "$rc" -eq 0 ] || fail "exit $rc; stdout: $(cat "$T/send.out"); stderr: $(cat "$T/send.err")"
	check lines "$T/send.out" '{"count":1,"expect":[{"ok":true,"accepted":1,"dropped":0}]}'
	expect_events_now '{"where":{"$text":"it-send-werf-exec"},"count":1,"expect":[
	  {"source":"werf","format":"werf-json","name":"CommandExited","phase":"finish",
	   "duration_ms":4321,"exit_code":0,"client_id":"it-send-werf-user",
	   "execution_id":"it-send-werf-exec","command":"werf build","version":"2.35.1",
	   "os":"linux","arch":"amd64","ts":"2022-07-19T11:57:05.280Z"}]}'
}

case_send_stdin() {
	local rc=0
	"$TELTOP" send --url "ws://$ADDR/ws" <"$FIX/send_generic.ndjson" >"$T/send.out" 2>"$T/send.err" || rc=$?
	[ "$rc" -eq 0 ] || fail "exit $rc; stdout: $(cat "$T/send.out"); stderr: $(cat "$T/send.err")"
	check lines "$T/send.out" '{"count":1,"expect":[{"ok":true,"accepted":3,"dropped":0}]}'
	expect_events_now '{"where":{"$text":"it-send-nd-"},"count":3,"expect":[
	  {"name":"it-send-nd-1","client_id":"it-send-nd","command":"teltop send test","ts":"2026-01-05T12:00:00Z"},
	  {"name":"it-send-nd-2"},{"name":"it-send-nd-3"}]}'
}

case_send_refused() {
	local rc=0
	"$TELTOP" send --url "ws://$ADDR/ws" "$FIX/send_refused.json" >"$T/send.out" 2>"$T/send.err" || rc=$?
	[ "$rc" -ne 0 ] || fail "exit 0 although an item was refused; stdout: $(cat "$T/send.out")"
	check lines "$T/send.out" '{"count":1,"expect":[{"ok":true,"accepted":1,"rejected":1,"errors":{"$type":"array"}}]}'
	expect_events_now '{"where":{"$text":"it-send-partial-good"},"count":1}'
}

case_send_malformed() {
	local rc=0
	printf '{"name": "it-send-malformed", ' >"$T/bad.json"
	"$TELTOP" send --url "ws://$ADDR/ws" "$FIX/send_werf.json" "$T/bad.json" >"$T/send.out" 2>"$T/send.err" || rc=$?
	[ "$rc" -ne 0 ] || fail "exit 0 although the server answered ok:false; stdout: $(cat "$T/send.out")"
	check lines "$T/send.out" '{"count":2,"expect":[{"ok":true,"accepted":1},{"ok":false,"error":{"$re":"."}}]}'
}

case_send_unreachable() {
	local rc=0 port
	port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
	timeout 20 "$TELTOP" send --url "ws://127.0.0.1:$port/ws" "$FIX/send_werf.json" >"$T/send.out" 2>"$T/send.err" || rc=$?
	[ "$rc" -ne 124 ] || fail "still running after 20 s"
	[ "$rc" -ne 0 ] || fail "exit 0 with nothing listening"
	[ -s "$T/send.err" ] || fail "exit $rc but no message on stderr"
}

run_ws_client() {
	local rc=0 line
	node "$CLIENTS/wsclient.mjs" "ws://$ADDR/ws" --tag wsc >"$T/ws.out" 2>"$T/ws.err" || rc=$?
	if [ ! -s "$T/ws.out" ]; then
		{ echo "wsclient.mjs exit $rc, no output"; cat "$T/ws.err"; } >"$T/case.log"
		record "ws: client ran" 1 "$T/case.log"
		return
	fi
	node -e 'for (const l of require("fs").readFileSync(process.argv[1],"utf8").split("\n")) {
	    if (!l.trim()) continue; let o; try { o = JSON.parse(l) } catch { console.log("bad\t1\t" + l); continue }
	    console.log(o.case + "\t" + (o.ok ? 0 : 1) + "\t" + (o.why || "") + (o.ok ? "" : " reply: " + JSON.stringify(o.reply)));
	}' "$T/ws.out" >"$T/ws.tsv"
	while IFS=$'\t' read -r name bad why; do
		printf '%s\n' "$why" >"$T/case.log"
		record "ws: $name" "$bad" "$T/case.log"
	done <"$T/ws.tsv"
	if [ "$rc" -ne 0 ] && ! grep -q $'\t1\t' "$T/ws.tsv"; then
		cat "$T/ws.err" >"$T/case.log"
		record "ws: client exit status" 1 "$T/case.log"
	fi
}

case_ws_stored() {
	local exp='' n
	for n in single-1 array-1 array-2 array-3 ndjson-1 ndjson-2 fragmented-1 fragmented-2 \
	    partial-1 after-binary-1 noproto-1 after-oversized-1; do
		exp="$exp${exp:+,}{\"\$text\":\"\\\"ws-$n-wsc\\\"\",\"name\":\"ws-$n-wsc\",\"client_id\":\"ws-wsc\"}"
	done
	# every reply came after its commit: no polling
	expect_events_now '{"where":{"$text":"\"ws-wsc\""},"expect":['"$exp"']}'
	expect_events_now '{"where":{"$text":"ws-malformed-1"},"none":true}'
	expect_events_now '{"where":{"$text":"ws-oversized-1"},"none":true}'
	expect_events_now '{"where":{"$text":"\"ws-partial-1-wsc\""},"count":1}'
}

case_metrics_rising() {
	want_status 200 "$(http GET /metrics)"
	cp "$T/body" "$T/metrics1.prom"
	local m a b
	for m in teltop_events_received_total teltop_events_accepted_total; do
		a=$(check metric "$T/metrics0.prom" "$m")
		b=$(check metric "$T/metrics1.prom" "$m")
		node -e 'process.exit(Number(process.argv[2]) >= Number(process.argv[1]) + 40 ? 0 : 1)' "$a" "$b" ||
		    fail "$m went from $a to $b; expected it to rise by at least 40"
	done
	b=$(check metric "$T/metrics1.prom" teltop_rejections_total) || fail "no teltop_rejections_total"
	node -e 'process.exit(Number(process.argv[1]) > 0 ? 0 : 1)' "$b" || fail "teltop_rejections_total is $b"
	grep -qE '^teltop_rejections_total\{[^}]*reason="[^"]+"[^}]*\} [0-9]' "$T/metrics1.prom" ||
	    fail "no teltop_rejections_total{reason=\"…\"} sample: $(grep teltop_rejections "$T/metrics1.prom" | head -n 5)"
	check metric "$T/metrics1.prom" teltop_connections >/dev/null
}

case_schema() {
	dump_events
	check schema "$T/events.jsonl" >/dev/null
}

case_filter() {
	local expr=$1
	dump_events
	cp "$T/events.jsonl" "$T/all.jsonl"
	check filter "$T/all.jsonl" "$expr" >"$T/want.ids"
	[ -s "$T/want.ids" ] || fail "test bug: no stored event matches $expr"
	"$TELTOP" events --db "$DB" --format jsonl --filter "$expr" >"$T/filtered.jsonl"
	check ids "$T/filtered.jsonl" >"$T/got.ids"
	diff "$T/want.ids" "$T/got.ids" >"$T/ids.diff" ||
	    fail "ids differ (< expected by our reading of the filter, > printed by teltop):
$(head -n 20 "$T/ids.diff")"
}

case_limit() {
	dump_events
	check ids "$T/events.jsonl" >"$T/all.ids"
	"$TELTOP" events --db "$DB" --format jsonl --limit 3 >"$T/lim.jsonl"
	check ids "$T/lim.jsonl" >"$T/lim.ids"
	[ "$(wc -l <"$T/lim.ids")" -eq 3 ] || fail "--limit 3 printed $(wc -l <"$T/lim.ids") events"
	# oldest first: either the oldest 3 or the newest 3, in ascending order
	if ! cmp -s "$T/lim.ids" <(head -n 3 "$T/all.ids") && ! cmp -s "$T/lim.ids" <(tail -n 3 "$T/all.ids"); then
		fail "--limit 3 printed ids $(tr '\n' ' ' <"$T/lim.ids"), neither the first nor the last 3 of all"
	fi
	"$TELTOP" events --db "$DB" --format jsonl --filter source=werf --limit 2 >"$T/lim2.jsonl"
	check lines "$T/lim2.jsonl" '{"count":2,"expect":[{"source":"werf"},{"source":"werf"}]}'
}

case_csv() {
	"$TELTOP" events --db "$DB" --format csv --limit 3 >"$T/ev.csv"
	check csv "$T/ev.csv" >"$T/csv.json"
	check json "$T/csv.json" '{"rows":3,"header":{"$contains":"\"source\""}}'
	local col
	for col in id ts source name phase client_id; do
		check json "$T/csv.json" '{"header":{"$contains":"\"'"$col"'\""}}' || fail "header lacks $col"
	done
	"$TELTOP" events --db "$DB" --format jsonl --limit 3 >"$T/lim.jsonl"
	check ids "$T/lim.jsonl" | node -e 'const want=require("fs").readFileSync(0,"utf8").trim().split("\n").map(Number);
	    const got=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).ids;
	    if (JSON.stringify(want)!==JSON.stringify(got)) { console.error("csv ids "+JSON.stringify(got)+" != jsonl ids "+JSON.stringify(want)); process.exit(1) }' "$T/csv.json"
	"$TELTOP" events --db "$DB" --format csv >"$T/all.csv"
	dump_events
	check csv "$T/all.csv" >"$T/csvall.json"
	check json "$T/csvall.json" '{"rows":'"$(wc -l <"$T/events.jsonl")"'}'
}


case_events_after_stop() {
	dump_events
	check ids "$T/before.jsonl" >"$T/a.ids"
	check ids "$T/events.jsonl" >"$T/b.ids"
	[ -s "$T/a.ids" ] || fail "no events before the stop"
	diff "$T/a.ids" "$T/b.ids" >/dev/null || fail "events differ after SIGTERM: $(wc -l <"$T/a.ids") before, $(wc -l <"$T/b.ids") after"
}

case_restart() {
	want_status 200 "$(http POST /v1/events -H 'Content-Type: application/json' \
	    --data-binary '{"name":"it-after-restart"}')"
	want_json '{"accepted":1,"dropped":0}'
	dump_events
	check ids "$T/events.jsonl" >"$T/c.ids"
	[ "$(wc -l <"$T/c.ids")" -eq $(($(wc -l <"$T/a.ids") + 1)) ] ||
	    fail "$(wc -l <"$T/c.ids") events after restart + 1 insert, want $(($(wc -l <"$T/a.ids") + 1))"
	head -n "$(wc -l <"$T/a.ids")" "$T/c.ids" | cmp -s - "$T/a.ids" || fail "old events changed after restart"
	[ "$(tail -n 1 "$T/c.ids")" -gt "$(tail -n 1 "$T/a.ids")" ] || fail "new id not above the old ones"
}

# Acknowledged events survive a crash: ack 200 over the WebSocket and 50
# over HTTP, SIGKILL the server (no flush, no clean close), count them.
case_crash_keeps_acked() {
	local i
	for i in $(seq 200); do
		printf '{"name":"it-crash-ws","client_id":"crash","n":%d}\n' "$i"
	done >"$T/crash.ndjson"
	"$TELTOP" send --url "ws://$ADDR/ws" "$T/crash.ndjson" >"$T/crash.reply"
	grep -q '"accepted":200' "$T/crash.reply" || fail "ws reply: $(cat "$T/crash.reply")"
	for i in $(seq 50); do
		want_status 200 "$(http POST /v1/events --data-binary \
		    '{"name":"it-crash-http","client_id":"crash"}')"
	done
	kill -KILL "$SERVER_PID"
	for i in $(seq 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.05; done
	[ "$("$TELTOP" events --db "$DB" --filter 'name=it-crash-ws' | wc -l)" -eq 200 ] ||
	    fail "acked WebSocket events lost in the crash"
	[ "$("$TELTOP" events --db "$DB" --filter 'name=it-crash-http' | wc -l)" -eq 50 ] ||
	    fail "acked HTTP events lost in the crash"
}

# ---------------------------------------------------------------- stats
#
# Known executions through the real endpoints, then `teltop stats` compared
# with a hand computation.  Everything here but the "hang" start happens on
# 2024-02-29 (UTC), a day no other case uses, and every command name is
# unique to these cases.

ST_DAY=2024-02-29
ST_D0=1709164800	# 2024-02-29T00:00:00Z, s

# st_s OFFSET: seconds since the epoch, OFFSET seconds into ST_DAY (UTC).
st_s() { echo $((ST_D0 + $1)); }

# nrank P V...: the exact nearest-rank P-th percentile of the values.
nrank() {
	local p=$1
	shift
	printf '%s\n' "$@" | sort -n | awk -v p="$p" '{ v[NR] = $1 }
	    END { r = int((p * NR + 99) / 100); if (r < 1) r = 1; print v[r] }'
}

# bound OP V: a check.mjs pattern for "OP 2% off V" (OP: gte or lte).
bound() {
	awk -v op="$1" -v v="$2" 'BEGIN { printf "{\"$%s\":%.3f}", op, op == "gte" ? v * 0.98 : v * 1.02 }'
}

# check_pct FILE WHERE V...: the command row WHERE selects has p50/p95/p99
# within 2% of the exact nearest-rank values of durations V and max_ms
# exactly their largest (check.mjs takes one bound at a time).
check_pct() {
	local file=$1 where=$2 op p50 p95 p99
	shift 2
	p50=$(nrank 50 "$@")
	p95=$(nrank 95 "$@")
	p99=$(nrank 99 "$@")
	for op in gte lte; do
		check match "$file" '{"where":'"$where"',"count":1,"expect":[{"p50_ms":'"$(bound $op "$p50")"',
		  "p95_ms":'"$(bound $op "$p95")"',"p99_ms":'"$(bound $op "$p99")"',"max_ms":'"$(nrank 100 "$@")"'}]}'
	done
}

# stats_json [ARG...]: `teltop stats --json` (TZ=$STATS_TZ, default UTC)
# into $T/stats.json, and its arrays one object a line into
# $T/stats.{commands,daily,summaries,metrics}.jsonl for `check match`; a summary
# gets "keys", its count names sorted.
stats_json() {
	TZ=${STATS_TZ:-UTC} "$TELTOP" stats --db "$DB" --json "$@" >"$T/stats.json" ||
	    fail "teltop stats --json $* failed"
	check json "$T/stats.json" '{"events":{"$type":"integer"},
	  "counters":{"received":{"$type":"integer"},"accepted":{"$type":"integer"},
	    "rejected":{"$type":"integer"},"dropped_optout":{"$type":"integer"}},
	  "commands":{"$type":"array"},"daily":{"$type":"array"},
	  "summaries":{"$type":"array"},"metrics":{"$type":"array"},"optout":{"$type":"array"},
	  "privacy":{"$type":"array"}}'
	node -e 'const fs = require("fs");
	    const s = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
	    for (const k of ["commands", "daily", "summaries", "metrics"])
	        fs.writeFileSync(process.argv[2] + "." + k + ".jsonl", s[k].map((o) =>
	            JSON.stringify(k === "summaries" ? { ...o, keys: Object.keys(o.counts).sort() } : o) + "\n").join(""));' \
	    "$T/stats.json" "$T/stats"
}

# werf_otlp SPECS: an OTLP/JSON body of werf spans into $T/werf.json.  SPECS
# is a JSON array of {type, exec, user, command, at (RFC 3339) or ms, data}.
werf_otlp() {
	node -e 'const specs = JSON.parse(process.argv[1]);
	    const crypto = require("crypto");
	    const a = (key, v) => ({ key, value: typeof v === "number" ? { intValue: String(v) } : { stringValue: v } });
	    const spans = specs.map((s) => {
	        const ms = s.ms !== undefined ? s.ms : Date.parse(s.at);
	        const ns = String(BigInt(ms) * 1000000n);
	        return { traceId: crypto.randomBytes(16).toString("hex"), spanId: crypto.randomBytes(8).toString("hex"),
	            name: "telemetry.werf.io", kind: 1, startTimeUnixNano: ns, endTimeUnixNano: ns,
	            attributes: [a("ts", ms), a("executionID", s.exec), a("userID", s.user), a("projectID", ""),
	                a("command", s.command), a("eventType", s.type), a("eventData", JSON.stringify(s.data || {})),
	                a("attributes", JSON.stringify({ arch: "amd64", os: "linux", version: "2.35.0", extra: {} })),
	                a("schemaVersion", 2)] };
	    });
	    process.stdout.write(JSON.stringify({ resourceSpans: [{ resource: { attributes: [a("service.name", "unknown_service:werf")] },
	        scopeSpans: [{ scope: { name: "telemetry.werf.io" }, spans }] }] }));' "$1" >"$T/werf.json"
}

post_werf() {
	werf_otlp "$1"
	want_status 200 "$(http POST /v1/traces -H 'Content-Type: application/json' --data-binary @"$T/werf.json")"
}

# DevPod legacy body: TYPE EXEC TS_US [EXTRA ,"key":value members of event].
devpod_legacy() {
	printf '{"type":"%s","event":{"timestamp":%s,"executionID":"%s","command":"devpod it-stats-up","provider":"docker"%s},"instanceProperties":{"timestamp":%s,"executionID":"%s","uid":"it-stats-dp-uid","arch":"amd64","os":"linux","version":{"major":"0","minor":"5","patch":"29","prerelease":"","build":""},"ui":false}}' \
	    "$1" "$3" "$2" "${4:-}" "$3" "$2" >"$T/legacy.json"
	want_status 200 "$(http POST /analytics/v1/devpod/v1/events \
	    -H 'Content-Type: multipart/form-data' --data-binary @"$T/legacy.json")"
}

case_stats_send() {
	# werf, command "werf it-stats-build": four executions.
	#   e1 own durationMs 1200 wins over the pair (1500); e2 exit code 1,
	#   3000; e3 no durationMs: the pair, 250; e4 an exit with no start, 800.
	post_werf '[
	  {"type":"CommandStarted","exec":"it-stats-e1","user":"it-stats-u1","command":"werf it-stats-build","at":"2024-02-29T10:00:00Z"},
	  {"type":"CommandExited","exec":"it-stats-e1","user":"it-stats-u1","command":"werf it-stats-build","at":"2024-02-29T10:00:01.500Z","data":{"exitCode":0,"durationMs":1200}},
	  {"type":"CommandStarted","exec":"it-stats-e2","user":"it-stats-u1","command":"werf it-stats-build","at":"2024-02-29T10:01:00Z"},
	  {"type":"CommandExited","exec":"it-stats-e2","user":"it-stats-u1","command":"werf it-stats-build","at":"2024-02-29T10:01:03Z","data":{"exitCode":1,"durationMs":3000}},
	  {"type":"CommandStarted","exec":"it-stats-e3","user":"it-stats-u2","command":"werf it-stats-build","at":"2024-02-29T10:02:00Z"},
	  {"type":"CommandExited","exec":"it-stats-e3","user":"it-stats-u2","command":"werf it-stats-build","at":"2024-02-29T10:02:00.250Z","data":{"exitCode":0}},
	  {"type":"CommandExited","exec":"it-stats-e4","user":"it-stats-u2","command":"werf it-stats-build","at":"2024-02-29T10:03:00Z","data":{"exitCode":0,"durationMs":800}}]'
	# werf, command "werf it-stats-hang": a start two minutes ago, no exit.
	local hang_ms
	hang_ms=$(( $(date +%s) * 1000 - 120000 ))
	echo "$hang_ms" >"$T/hang.ms"
	post_werf '[{"type":"CommandStarted","exec":"it-stats-hang1","user":"it-stats-u3","command":"werf it-stats-hang","ms":'"$hang_ms"'}]'

	# DevPod legacy, "devpod it-stats-up": L1 started twice, processingTime
	# 4.5 s (the pair says 5 s); L2 failed, 2 s, its finish sent twice; L3
	# a finish alone, 100 ms.
	devpod_legacy cmdstarted it-stats-l1 "$(st_s 39600)000000"
	devpod_legacy cmdstarted it-stats-l1 "$(st_s 39600)000000"
	devpod_legacy cmdfinished it-stats-l1 "$(st_s 39605)000000" ',"processingTime":4500000'
	devpod_legacy cmdstarted it-stats-l2 "$(st_s 40200)000000"
	devpod_legacy cmdfinished it-stats-l2 "$(st_s 40202)000000" ',"processingTime":2000000,"errors":"it stats failure: exit status 1"'
	devpod_legacy cmdfinished it-stats-l2 "$(st_s 40202)000000" ',"processingTime":2000000,"errors":"it stats failure: exit status 1"'
	devpod_legacy cmdfinished it-stats-l3 "$(st_s 40800)000000" ',"processingTime":100000'

	# DevPod current, "devpod it-stats-delete": one-shot devpod_cli, one with an error.
	printf '{"data":[%s,%s]}' \
	    '{"event":{"machine_id":"it-stats-dp-machine","properties":"{\"command\":\"devpod it-stats-delete\",\"version\":\"v0.6.15\"}","timestamp":'"$(st_s 41400)"',"type":"devpod_cli"},"user":{"machine_id":"it-stats-dp-machine","properties":"{\"os_arch\":\"amd64\",\"os_name\":\"linux\"}","timestamp":'"$(st_s 41400)"'}}' \
	    '{"event":{"machine_id":"it-stats-dp-machine","properties":"{\"command\":\"devpod it-stats-delete\",\"error\":\"it stats workspace not found\",\"version\":\"v0.6.15\"}","timestamp":'"$(st_s 41460)"',"type":"devpod_cli"},"user":{"machine_id":"it-stats-dp-machine","properties":"{\"os_arch\":\"amd64\",\"os_name\":\"linux\"}","timestamp":'"$(st_s 41460)"'}}' \
	    >"$T/insert.json"
	want_status 200 "$(http POST /v1/insert -H 'Content-Type: application/json' --data-binary @"$T/insert.json")"

	# Generic, "it-stats-generic", every finish before its start: G1 the
	# pair, 10 s; G2 exit code 2, the pair, 750 ms; G3 its own 5 s (the
	# pair says 10 s), at 19:00Z (00:30 on 03-01 in Kolkata).
	want_status 200 "$(http POST /v1/events -H 'Content-Type: application/json' --data-binary '[
	  {"name":"it-stats-finish","phase":"finish","execution_id":"it-stats-g1","command":"it-stats-generic","client_id":"it-stats-gen-a","exit_code":0,"ts":"2024-02-29T12:00:10Z"},
	  {"name":"it-stats-finish","phase":"finish","execution_id":"it-stats-g2","command":"it-stats-generic","client_id":"it-stats-gen-b","exit_code":2,"ts":"2024-02-29T12:05:00.750Z"},
	  {"name":"it-stats-finish","phase":"finish","execution_id":"it-stats-g3","command":"it-stats-generic","client_id":"it-stats-gen-b","exit_code":0,"duration_ms":5000,"ts":"2024-02-29T19:00:10Z"}]')"
	want_json '{"accepted":3,"dropped":0}'
	want_status 200 "$(http POST /v1/events -H 'Content-Type: application/json' --data-binary '[
	  {"name":"it-stats-start","phase":"start","execution_id":"it-stats-g1","command":"it-stats-generic","client_id":"it-stats-gen-a","ts":"2024-02-29T12:00:00Z"},
	  {"name":"it-stats-start","phase":"start","execution_id":"it-stats-g2","command":"it-stats-generic","client_id":"it-stats-gen-b","ts":"2024-02-29T12:05:00Z"},
	  {"name":"it-stats-start","phase":"start","execution_id":"it-stats-g3","command":"it-stats-generic","client_id":"it-stats-gen-b","ts":"2024-02-29T19:00:00Z"}]')"
	want_json '{"accepted":3,"dropped":0}'

	# Devtron Summary: client c1 in the documented nested shape, twice
	# (the later one wins); client c2 in the flat shape Devtron sends.
	posthog_post /batch/ /dev/stdin -H 'Content-Type: application/json' -H 'User-Agent: posthog-go/1.5.9' <<'JSON'
{"api_key":"phc_it_stats","batch":[
 {"type":"capture","timestamp":"2024-02-29T09:00:00Z","distinct_id":"it-stats-dt-c1","event":"Summary","properties":{"$lib":"posthog-go","ucid":"it-stats-dt-c1","devtronVersion":"v1","serverVersion":"v1.29.3","summary":{"cdCountPerDay":1,"ciCountPerDay":2,"clusterCount":3,"environmentCount":4,"nonProdAppCount":5,"userCount":6}}},
 {"type":"capture","timestamp":"2024-02-29T10:00:00Z","distinct_id":"it-stats-dt-c2","event":"Summary","properties":{"$lib":"posthog-go","$lib_version":"1.5.9","$geoip_disable":true,"$it_number":42,"ucid":"it-stats-dt-c2","timestamp":"2024-02-29T09:59:59.9Z","eventType":"Summary","serverVersion":"v1.29.3","devtronVersion":"v1","devtronMode":"FULL","userCount":3,"clusterCount":2,"environmentCount":4,"nonProdAppCount":7,"ciCreatedPerDay":1,"cdCreatedPerDay":2,"LastLoginTime":"2024-02-29T09:00:00Z","SkippedOnboarding":false}}]}
JSON
	posthog_post /batch/ /dev/stdin -H 'Content-Type: application/json' -H 'User-Agent: posthog-go/1.5.9' <<'JSON'
{"api_key":"phc_it_stats","batch":[
 {"type":"capture","timestamp":"2024-02-29T15:00:00Z","distinct_id":"it-stats-dt-c1","event":"Summary","properties":{"$lib":"posthog-go","ucid":"it-stats-dt-c1","devtronVersion":"v1","serverVersion":"v1.29.3","summary":{"cdCountPerDay":10,"ciCountPerDay":20,"clusterCount":30,"environmentCount":40,"nonProdAppCount":50,"userCount":60}}}]}
JSON
	# werf 7 + 1, DevPod 7 + 2 (5 + 2 on PostgreSQL), generic 6, Devtron 3
	expect_events '{"where":{"$text":"it-stats-"},"count":'$((24 + RESENT))'}'
	expect_events_now '{"where":{"$text":"it-stats-dt-"},"count":3,"expect":[{"source":"devtron","name":"Summary"},
	  {"source":"devtron","name":"Summary"},{"source":"devtron","name":"Summary"}]}'
}

case_stats_commands() {
	stats_json
	local c=$T/stats.commands.jsonl
	# durations 1200 3000 250 800: p50 800 (rank 2 of 4), p95 p99 max 3000
	check_pct "$c" '{"command":"werf it-stats-build"}' 1200 3000 250 800
	check match "$c" '{"where":{"command":"werf it-stats-build"},"count":1,"expect":[
	  {"source":"werf","count":4,"failures":1,
	   "running":0,"orphans":0,"last_seen":{"$re":"^2024-02-29T10:03:00(\\.0+)?Z$"}}]}'
	# 4500 2000 100: p50 2000 (rank 2 of 3), p95 p99 max 4500
	check_pct "$c" '{"command":"devpod it-stats-up"}' 4500 2000 100
	check match "$c" '{"where":{"command":"devpod it-stats-up"},"count":1,"expect":[
	  {"source":"devpod","count":3,"failures":1,
	   "running":0,"orphans":0,"last_seen":{"$re":"^2024-02-29T11:20:00(\\.0+)?Z$"}}]}'
	check match "$c" '{"where":{"command":"devpod it-stats-delete"},"count":1,"expect":[
	  {"source":"devpod","count":2,"failures":1,"p50_ms":null,"p95_ms":null,"p99_ms":null,
	   "max_ms":null,"running":0,"orphans":0,"last_seen":{"$re":"^2024-02-29T11:31:00(\\.0+)?Z$"}}]}'
	# 10000 750 5000: p50 5000, p95 p99 max 10000
	check_pct "$c" '{"command":"it-stats-generic"}' 10000 750 5000
	check match "$c" '{"where":{"command":"it-stats-generic"},"count":1,"expect":[
	  {"source":"generic","count":3,"failures":1,
	   "running":0,"orphans":0,"last_seen":{"$re":"^2024-02-29T19:00:10(\\.0+)?Z$"}}]}'
	# the event name does not stand in for a command that is there
	check match "$c" '{"where":{"command":{"$re":"^it-stats-(start|finish)$"}},"none":true}'
	# "events" is every stored event
	dump_events
	check json "$T/stats.json" '{"events":'"$(wc -l <"$T/events.jsonl")"'}'
}

case_stats_running_orphan() {
	local c=$T/stats.commands.jsonl
	stats_json
	check match "$c" '{"where":{"command":"werf it-stats-hang"},"count":1,"expect":[
	  {"source":"werf","count":0,"failures":0,"p50_ms":null,"max_ms":null,"running":1,"orphans":0}]}'
	stats_json --orphan-after 1h
	check match "$c" '{"where":{"command":"werf it-stats-hang"},"count":1,"expect":[{"running":1,"orphans":0}]}'
	stats_json --orphan-after 1s
	check match "$c" '{"where":{"command":"werf it-stats-hang"},"count":1,"expect":[{"count":0,"running":0,"orphans":1}]}'
	stats_json --orphan-after 90
	check match "$c" '{"where":{"command":"werf it-stats-hang"},"count":1,"expect":[{"running":0,"orphans":1}]}'
	# the finished ones are neither, however short the timeout
	check match "$c" '{"where":{"command":{"$re":"it-stats-(build|up|generic)$"}},"count":3,"expect":[
	  {"running":0,"orphans":0},{"running":0,"orphans":0},{"running":0,"orphans":0}]}'
	local rc=0
	"$TELTOP" stats --db "$DB" --orphan-after soon >/dev/null 2>"$T/err" || rc=$?
	[ "$rc" -ne 0 ] || fail "--orphan-after soon: exit 0"
}

case_stats_orphan_finishes() {
	local start_ms c=$T/stats.commands.jsonl
	start_ms=$(cat "$T/hang.ms")
	post_werf '[{"type":"CommandExited","exec":"it-stats-hang1","user":"it-stats-u3","command":"werf it-stats-hang","ms":'"$((start_ms + 45000))"',"data":{"exitCode":0}}]'
	expect_events '{"where":{"$text":"it-stats-hang1"},"count":2}'
	stats_json --orphan-after 1s
	check match "$c" '{"where":{"command":"werf it-stats-hang"},"count":1,"expect":[
	  {"count":1,"failures":0,"running":0,"orphans":0}]}'
	check_pct "$c" '{"command":"werf it-stats-hang"}' 45000
}

case_stats_daily() {
	local d=$T/stats.daily.jsonl
	stats_json
	# by hand: werf 7 events (4 runs, 1 failed, users u1 u2); DevPod 7
	# legacy + 2 current (5 runs: L1 L2 L3 and two devpod_cli; L2 and the
	# error failed; uid + machine); generic 6 (3 runs, G2 failed, a b);
	# Devtron 3 Summary events from c1 and c2.
	check match "$d" '{"where":{"day":"'$ST_DAY'"},"count":4,"expect":[
	  {"source":"werf","events":7,"commands":4,"failures":1,"clients":2},
	  {"source":"devpod","events":'$((7 + RESENT))',"commands":5,"failures":2,"clients":2},
	  {"source":"generic","events":6,"commands":3,"failures":1,"clients":2},
	  {"source":"devtron","events":3,"commands":0,"failures":0,"clients":2}]}'
	# sorted by day, then source
	node -e 'const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
	    const order = ["devtron", "devpod", "devsy", "werf", "posthog", "segment", "rudderstack", "otlp", "generic"];
	    for (let i = 1; i < rows.length; i++) {
	        const a = rows[i - 1], b = rows[i];
	        if (a.day > b.day || (a.day === b.day && order.indexOf(a.source) >= order.indexOf(b.source))) {
	            console.error("daily rows out of order: " + JSON.stringify(a) + " then " + JSON.stringify(b)); process.exit(1) }
	    }' "$d"
	# Kolkata (+05:30): G3 (19:00Z) is 00:30 on 03-01 there
	STATS_TZ=Asia/Kolkata stats_json
	check match "$d" '{"where":{"day":"'$ST_DAY'"},"count":4,"expect":[
	  {"source":"werf","events":7,"commands":4,"failures":1,"clients":2},
	  {"source":"devpod","events":'$((7 + RESENT))',"commands":5,"failures":2,"clients":2},
	  {"source":"generic","events":4,"commands":2,"failures":1,"clients":2},
	  {"source":"devtron","events":3,"commands":0,"failures":0,"clients":2}]}'
	check match "$d" '{"where":{"day":"2024-03-01"},"count":1,"expect":[
	  {"source":"generic","events":2,"commands":1,"failures":0,"clients":1}]}'
	# New York (-05:00): all of it is still 02-29 there, but no 03-01 row
	STATS_TZ=America/New_York stats_json
	check match "$d" '{"where":{"day":"'$ST_DAY'","source":"generic"},"count":1,"expect":[{"events":6,"commands":3}]}'
	check match "$d" '{"where":{"day":"2024-03-01"},"none":true}'
}

case_stats_summaries() {
	local s=$T/stats.summaries.jsonl
	stats_json
	check match "$s" '{"where":{"client_id":"it-stats-dt-c1"},"count":1,"expect":[
	  {"day":"'$ST_DAY'","source":"devtron",
	   "counts":{"cdCountPerDay":10,"ciCountPerDay":20,"clusterCount":30,"environmentCount":40,"nonProdAppCount":50,"userCount":60},
	   "keys":["cdCountPerDay","ciCountPerDay","clusterCount","environmentCount","nonProdAppCount","userCount"]}]}'
	check match "$s" '{"where":{"client_id":"it-stats-dt-c2"},"count":1,"expect":[
	  {"day":"'$ST_DAY'","source":"devtron",
	   "counts":{"userCount":3,"clusterCount":2,"environmentCount":4,"nonProdAppCount":7,"ciCreatedPerDay":1,"cdCreatedPerDay":2},
	   "keys":["cdCreatedPerDay","ciCreatedPerDay","clusterCount","environmentCount","nonProdAppCount","userCount"]}]}'
	# the fixture's flat Summary of case_devtron_159 (2026-01-06)
	check match "$s" '{"where":{"client_id":"itdevtronucid001"},"count":1,"expect":[
	  {"day":"2026-01-06","source":"devtron",
	   "keys":["cdCreatedPerDay","ciCreatedPerDay","clusterCount","environmentCount","nonProdAppCount","userCount"]}]}'
}

case_stats_text() {
	TZ=UTC "$TELTOP" stats --db "$DB" >"$T/stats.txt" || fail "teltop stats failed"
	local re
	for re in \
	    '^werf +werf it-stats-build +4 +1 +[0-9.]+m?s +[0-9.]+m?s +[0-9.]+m?s +3\.0s +0 +0 +2024-02-29T10:03:00$' \
	    '^werf +werf it-stats-hang +1 +0 +[^ ]+ +[^ ]+ +[^ ]+ +45\.0s +0 +0 ' \
	    '^devpod +devpod it-stats-up +3 +1 +[0-9.]+m?s +[0-9.]+m?s +[0-9.]+m?s +4\.5s +0 +0 +2024-02-29T11:20:00$' \
	    '^devpod +devpod it-stats-delete +2 +1 +- +- +- +- +0 +0 +2024-02-29T11:31:00$' \
	    '^generic +it-stats-generic +3 +1 +[0-9.]+m?s +[0-9.]+m?s +[0-9.]+m?s +10\.0s +0 +0 +2024-02-29T19:00:10$' \
	    '^2024-02-29 +werf +7 +4 +1 +2$' \
	    '^2024-02-29 +devpod +'$((7 + RESENT))' +5 +2 +2$' \
	    '^2024-02-29 +generic +6 +3 +1 +2$' \
	    '^2024-02-29 +devtron +3 +0 +0 +2$' \
	    '^2024-02-29 it-stats-dt-c2 userCount=3 clusterCount=2 environmentCount=4 nonProdAppCount=7 ciCreatedPerDay=1 cdCreatedPerDay=2$'; do
		grep -Eq "$re" "$T/stats.txt" || fail "no line matches /$re/ in:
$(grep -E 'it-stats|2024-02-29|^[A-Z]' "$T/stats.txt")"
	done
	grep -q '^2024-02-29 it-stats-dt-c1 .*userCount=60' "$T/stats.txt" || fail "no Summary line for c1: $(grep it-stats-dt "$T/stats.txt")"
}

case_stats_source() {
	stats_json --source werf
	check match "$T/stats.commands.jsonl" '{"where":{"source":{"$not":"werf"}},"none":true}'
	check match "$T/stats.commands.jsonl" '{"where":{"command":{"$re":"it-stats-"}},"count":2,"expect":[
	  {"command":"werf it-stats-build","count":4,"failures":1},{"command":"werf it-stats-hang"}]}'
	check match "$T/stats.daily.jsonl" '{"where":{"source":{"$not":"werf"}},"none":true}'
	check match "$T/stats.daily.jsonl" '{"where":{"day":"'$ST_DAY'"},"count":1,"expect":[
	  {"source":"werf","events":7,"commands":4,"failures":1,"clients":2}]}'
	[ ! -s "$T/stats.summaries.jsonl" ] || fail "summaries with --source werf: $(cat "$T/stats.summaries.jsonl")"
	"$TELTOP" events --db "$DB" --format jsonl --filter source=werf >"$T/werf.jsonl"
	check json "$T/stats.json" '{"events":'"$(wc -l <"$T/werf.jsonl")"'}'
	stats_json --source devtron
	check match "$T/stats.summaries.jsonl" '{"where":{"client_id":{"$re":"^it-stats-dt-"}},"count":2}'
	check match "$T/stats.commands.jsonl" '{"where":{"command":{"$re":"it-stats-"}},"none":true}'
	local rc=0
	"$TELTOP" stats --db "$DB" --source nosuch >/dev/null 2>&1 || rc=$?
	[ "$rc" -ne 0 ] || fail "--source nosuch: exit 0"
}

case_stats_since() {
	stats_json --since 2024-03-01
	check match "$T/stats.daily.jsonl" '{"where":{"day":"'$ST_DAY'"},"none":true}'
	check match "$T/stats.commands.jsonl" '{"where":{"command":{"$re":"it-stats-(build|up|delete|generic)$"}},"none":true}'
	check match "$T/stats.commands.jsonl" '{"where":{"command":"werf it-stats-hang"},"count":1}'
	check match "$T/stats.summaries.jsonl" '{"where":{"day":"'$ST_DAY'"},"none":true}'
	stats_json --since "$ST_DAY"
	check match "$T/stats.daily.jsonl" '{"where":{"day":"'$ST_DAY'"},"count":4}'
}

source "$here/optout.sh"
source "$here/http.sh"
source "$here/input.sh"
source "$here/capture.sh"
source "$here/stream.sh"
source "$here/history.sh"

# ---------------------------------------------------------------- privacy

# A posthog-node style event carrying personal data, and a DevPod event
# whose JSON-string properties hide a home path: the findings are stored
# with each event, explained by --explain and summed up by stats.
case_privacy_explain() {
	local tag=priv-$RANDOM
	printf '{"api_key":"phc_x","batch":[{"event":"signup-%s","distinct_id":"u-%s","timestamp":"2026-11-20T10:00:00Z","properties":{"$ip":"203.0.113.7","email":"alice@example.org","$lib":"posthog-node","$lib_version":"5.9.0","version":"1.2.3.4","$timezone":"Europe/Berlin"}}]}' \
	    "$tag" "$tag" >"$T/priv.json"
	want_status 200 "$(http POST /batch/ -H 'Content-Type: application/json' --data-binary @"$T/priv.json")"
	want_body '{"status":1}'
	printf '{"data":[{"event":{"machine_id":"%s","properties":"{\\"command\\":\\"devpod up\\",\\"error\\":\\"open /home/alice/ws-%s/devcontainer.json: no such file\\",\\"version\\":\\"v0.6.15\\"}","timestamp":1763632800,"type":"devpod_cli"},"user":{"machine_id":"%s","properties":"{\\"os_name\\":\\"linux\\"}","timestamp":1763632800}}]}' \
	    "3ed2c7aa$tag" "$tag" "3ed2c7aa$tag" >"$T/privdp.json"
	want_status 200 "$(http POST /v1/insert -H 'Content-Type: application/json' --data-binary @"$T/privdp.json")"

	# pii on the stored event
	"$TELTOP" events --db "$DB" --filter "name=signup-$tag" >"$T/ev.jsonl"
	node -e 'const e = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	    const has = (field, kind, grade) => e.pii.some((p) => p.field === field && p.kind === kind && p.grade === grade);
	    if (!has("properties.$ip", "ip", "red") || !has("properties.email", "email", "red") ||
	        !has("distinct_id", "install_id", "yellow") || !has("properties.$timezone", "timezone", "yellow"))
	        throw new Error("pii: " + JSON.stringify(e.pii));' "$T/ev.jsonl"
	# a version with four numbers is not an IP address
	! grep -q '"field":"properties.version"' "$T/ev.jsonl" ||
	    fail "properties.version flagged: $(cat "$T/ev.jsonl")"

	# --explain: each field, its meaning, its grade
	"$TELTOP" events --db "$DB" --filter "name=signup-$tag" --explain >"$T/explain.txt"
	grep -q '^  properties.\$ip = "203.0.113.7"$' "$T/explain.txt" ||
	    fail "no \$ip line: $(cat "$T/explain.txt")"
	grep -A3 '^  properties.\$ip = ' "$T/explain.txt" | grep -q 'privacy: red (personal), an IP address' ||
	    fail "no grade under \$ip: $(cat "$T/explain.txt")"
	grep -A2 '^  properties.\$lib = ' "$T/explain.txt" | grep -q 'meaning: ' ||
	    fail "no meaning under \$lib: $(cat "$T/explain.txt")"
	"$TELTOP" events --db "$DB" --filter "client_id=3ed2c7aa$tag" --explain >"$T/explain2.txt"
	grep -q '^  event.properties>error = ' "$T/explain2.txt" ||
	    fail "JSON inside the properties string not walked: $(cat "$T/explain2.txt")"
	grep -A3 '^  event.properties>error = ' "$T/explain2.txt" | grep -q 'a home directory with a user name' ||
	    fail "home path not flagged: $(cat "$T/explain2.txt")"
	grep -A3 '^  event.properties>command = ' "$T/explain2.txt" | grep -q 'meaning: ' ||
	    fail "no meaning for the DevPod command: $(cat "$T/explain2.txt")"
	# a key with dots: one path in the findings and in --explain
	want_status 200 "$(http POST /v1/events -H 'Content-Type: application/json' \
	    --data-binary "{\"source\":\"generic\",\"event\":\"dotted-$tag\",\"resource\":{\"host.name\":\"alice-mbp.local\"}}")"
	"$TELTOP" events --db "$DB" --filter "name=dotted-$tag" --explain >"$T/explain3.txt"
	grep -A3 '^  resource\["host.name"\] = "alice-mbp.local"$' "$T/explain3.txt" |
	    grep -q 'privacy: red (personal), a host name' ||
	    fail "no red grade under the dotted key: $(cat "$T/explain3.txt")"
	"$TELTOP" events --db "$DB" --format csv --explain >/dev/null 2>&1 && fail "csv --explain accepted"

	# stats: per source and field, with counts
	"$TELTOP" stats --db "$DB" --json >"$T/st.json"
	node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	    const f = (src, field, kind) => s.privacy.find((p) => p.source === src && p.field === field && p.kind === kind);
	    const ip = f("posthog", "properties.$ip", "ip");
	    if (!ip || ip.grade !== "red" || !(ip.events >= 1)) throw new Error("no posthog $ip row: " + JSON.stringify(s.privacy));
	    const hp = f("devpod", "event.properties>error", "home_path");
	    if (!hp || hp.grade !== "red") throw new Error("no devpod home_path row: " + JSON.stringify(s.privacy));' "$T/st.json"
	"$TELTOP" stats --db "$DB" >"$T/st.txt"
	grep -q 'posthog  properties.\$ip is an IP address (red: personal) in [0-9]* event' "$T/st.txt" ||
	    fail "stats text: $(grep -A5 Privacy "$T/st.txt")"
}

# ---------------------------------------------------------------- wrap, demo
#
# These count everything a collector stored, so each group has a collector
# of its own (start_aux): $AUX_ADDR, its database $AUX_DB.

# start_aux NAME [SERVE-ARG...]: `teltop serve` on $T/NAME.db and a free port.
start_aux() {
	local i
	AUX_DB=$T/$1.db
	"$TELTOP" serve --db "$AUX_DB" --listen 127.0.0.1:0 "${@:2}" >"$T/$1.out" 2>"$T/$1.log" &
	AUX_PID=$!
	AUX_ADDR=
	for i in $(seq 100); do
		AUX_ADDR=$(grep -oE 'listening on [0-9.]+:[0-9]+' "$T/$1.log" | head -n 1 | sed 's/^listening on //') || true
		[ -n "$AUX_ADDR" ] && break
		kill -0 "$AUX_PID" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$AUX_ADDR" ] || { echo "no address on stderr; log:"; tail -n 20 "$T/$1.log"; return 1; }
	for i in $(seq 50); do
		curl -sf --max-time 2 "http://$AUX_ADDR/healthz" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "listening on $AUX_ADDR but /healthz does not answer"
	return 1
}

# stop_aux: SIGTERM; fails unless it exits 0 within 10 s.
stop_aux() {
	local i rc
	kill -TERM "$AUX_PID"
	for i in $(seq 100); do
		kill -0 "$AUX_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$AUX_PID" 2>/dev/null; then
		kill -KILL "$AUX_PID" 2>/dev/null || true
		wait "$AUX_PID" 2>/dev/null || true
		AUX_PID=
		echo "still running 10 s after SIGTERM (killed)"
		return 1
	fi
	set +e
	wait "$AUX_PID"
	rc=$?
	set -e
	AUX_PID=
	[ "$rc" -eq 0 ] || { echo "exit status $rc after SIGTERM"; return 1; }
}

# OTLP over gRPC (a collector of its own, its gRPC listener on a free
# port): the real OpenTelemetry JS gRPC exporters' span (gzip), log record
# and metric are stored; a bad message gets 3, another method 12 and a
# message over the limit 8, each counted as a refusal.
case_grpc() {
	local tag=g$RANDOM addr i
	start_aux grpc --otlp-grpc 127.0.0.1:0
	addr=$(grep -oE 'OTLP over gRPC on [0-9.]+:[0-9]+' "$T/grpc.log" | sed 's/^OTLP over gRPC on //')
	[ -n "$addr" ] || fail "no gRPC address in the log: $(cat "$T/grpc.log")"
	node "$CLIENTS/grpc.mjs" "$addr" --tag "$tag" >"$T/grpc.out" 2>&1 ||
	    fail "grpc.mjs failed: $(cat "$T/grpc.out")"
	"$TELTOP" events --db "$AUX_DB" --format jsonl >"$T/grpc.jsonl"
	check match "$T/grpc.jsonl" '{"where":{"$text":"'"$tag"'"},"expect":[
	  {"format":"otlp-protobuf","name":"grpc-span-'"$tag"'","client_id":"inst-'"$tag"'"},
	  {"source":"otlp","format":"otlp-logs-protobuf","name":"grpc-log-'"$tag"'","error":"grpc-log-'"$tag"'"},
	  {"source":"otlp","format":"otlp-metrics-protobuf","name":"'"$tag"'.grpc","raw":{"kind":"sum","value":5}}]}'
	curl -sS --max-time 10 "http://$AUX_ADDR/metrics" >"$T/grpc.prom"
	for i in 'route="/opentelemetry.proto.collector.trace.v1.TraceService/Export",reason="protobuf"' \
	    'route="/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export",reason="route"' \
	    'route="/opentelemetry.proto.collector.logs.v1.LogsService/Export",reason="too_large"'; do
		grep -Fq "teltop_route_rejections_total{$i} 1" "$T/grpc.prom" ||
		    fail "no teltop_route_rejections_total{$i} 1: $(grep route_rejections "$T/grpc.prom")"
	done
	stop_aux
}

aux_events() {
	"$TELTOP" events --db "$AUX_DB" --format jsonl "$@" >"$T/aux.jsonl"
}

# wrap_run WANT_RC [WRAP-ARG...] -- CMD...: run teltop wrap against the
# wrap collector; its exit status must be WANT_RC and its stderr empty.
wrap_run() {
	local want=$1 rc=0
	shift
	"$TELTOP" wrap --url "http://$AUX_ADDR" "$@" >"$T/wrap.out" 2>"$T/wrap.err" || rc=$?
	[ "$rc" -eq "$want" ] || fail "exit status $rc, want $want; stderr: $(head -c 500 "$T/wrap.err")"
	[ ! -s "$T/wrap.err" ] || fail "stderr: $(head -c 500 "$T/wrap.err")"
}

# one_execution COMMAND: the events of COMMAND share one execution id.
one_execution() {
	node -e 'const want = process.argv[2];
	    const evs = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").filter(Boolean)
	        .map(JSON.parse).filter((e) => e.command === want);
	    const ids = new Set(evs.map((e) => e.execution_id));
	    if (evs.length < 2 || ids.size !== 1 || !/^[0-9a-f-]{36}$/.test([...ids][0])) {
	        console.error(`${evs.length} events of ${want}, execution ids ${JSON.stringify([...ids])}`); process.exit(1) }' \
	    "$T/aux.jsonl" "$1"
}

case_wrap_exit_status() {
	wrap_run 3 -- sh -c 'exit 3' it-wrap-exit
	# the reply to each report came after its commit: no polling
	aux_events
	check match "$T/aux.jsonl" '{"where":{"command":"sh -c exit 3 it-wrap-exit"},"count":2,"expect":[
	  {"source":"generic","format":"generic","name":"command_started","phase":"start",
	   "exit_code":null,"duration_ms":null,"client_id":{"$re":"^[0-9a-f]{64}$"}},
	  {"source":"generic","format":"generic","name":"command_finished","phase":"finish",
	   "exit_code":3,"duration_ms":{"$gte":0},"error":null,"client_id":{"$re":"^[0-9a-f]{64}$"}}]}'
	one_execution "sh -c exit 3 it-wrap-exit"
	wrap_run 0 -- true
}

case_wrap_signal() {
	local rc=0
	# the command kills itself: wrap dies of the same signal (143 in sh)
	"$TELTOP" wrap --url "http://$AUX_ADDR" -- sh -c 'kill -TERM $$' it-wrap-signal 2>"$T/wrap.err" || rc=$?
	[ "$rc" -eq 143 ] || fail "exit status $rc, want 143 (SIGTERM); stderr: $(cat "$T/wrap.err")"
	aux_events
	check match "$T/aux.jsonl" '{"where":{"command":"sh -c kill -TERM $$ it-wrap-signal"},"count":2,"expect":[
	  {"phase":"start"},{"phase":"finish","exit_code":143,"error":"signal: terminated"}]}'
	# SIGTERM to wrap reaches the command, and comes back as its status
	local w t0
	t0=$(date +%s%N)
	"$TELTOP" wrap --url "http://$AUX_ADDR" -- sleep 30 &
	w=$!
	sleep 0.5
	kill -TERM "$w"
	rc=0
	wait "$w" || rc=$?
	[ "$rc" -eq 143 ] || fail "wrap sleep 30, SIGTERM: exit status $rc, want 143"
	[ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 10000 ] || fail "sleep was not interrupted"
	aux_events
	check match "$T/aux.jsonl" '{"where":{"command":"sleep 30"},"count":2,"expect":[
	  {"phase":"start"},{"phase":"finish","exit_code":143,"duration_ms":{"$lte":5000}}]}'
}

case_wrap_duration() {
	wrap_run 0 -- sleep 0.3
	aux_events
	check match "$T/aux.jsonl" '{"where":{"command":"sleep 0.3"},"count":2,"expect":[
	  {"phase":"start","duration_ms":null},
	  {"phase":"finish","exit_code":0,"duration_ms":{"$gte":250}}]}'
	check match "$T/aux.jsonl" '{"where":{"command":"sleep 0.3","phase":"finish"},"count":1,"expect":[
	  {"duration_ms":{"$lte":2000}}]}'
}

case_wrap_formats() {
	local as
	for as in werf devpod posthog generic; do
		wrap_run 2 --as "$as" -- sh -c 'sleep 0.1; exit 2' "it-wrap-as-$as"
	done
	aux_events
	check match "$T/aux.jsonl" '{"where":{"command":"sh -c sleep 0.1; exit 2 it-wrap-as-werf"},"count":2,"expect":[
	  {"source":"werf","format":"otlp-protobuf","name":"CommandStarted","phase":"start",
	   "client_id":{"$re":"^[0-9a-f]{64}$"},"os":{"$type":"string"},"arch":{"$type":"string"}},
	  {"source":"werf","format":"otlp-protobuf","name":"CommandExited","phase":"finish",
	   "exit_code":2,"duration_ms":{"$gte":50}}]}'
	check match "$T/aux.jsonl" '{"where":{"command":"sh -c sleep 0.1; exit 2 it-wrap-as-devpod"},"count":2,"expect":[
	  {"source":"devpod","format":"devpod-legacy","name":"cmdstarted","phase":"start",
	   "client_id":{"$re":"^[0-9a-f]{64}$"}},
	  {"source":"devpod","format":"devpod-legacy","name":"cmdfinished","phase":"finish",
	   "error":"exit status 2","duration_ms":{"$gte":50}}]}'
	# PostHog has no phases of its own: wrap's two captures, with their
	# execution_id, are the run's start and finish
	check match "$T/aux.jsonl" '{"where":{"command":"sh -c sleep 0.1; exit 2 it-wrap-as-posthog"},"count":2,"expect":[
	  {"source":"posthog","format":"posthog-batch","name":"command_started","phase":"start"},
	  {"source":"posthog","format":"posthog-batch","name":"command_finished","phase":"finish",
	   "exit_code":2,"duration_ms":{"$gte":50}}]}'
	check match "$T/aux.jsonl" '{"where":{"command":"sh -c sleep 0.1; exit 2 it-wrap-as-generic"},"count":2,"expect":[
	  {"source":"generic","format":"generic","name":"command_started","phase":"start"},
	  {"source":"generic","format":"generic","name":"command_finished","phase":"finish","exit_code":2}]}'
	for as in werf devpod posthog generic; do
		one_execution "sh -c sleep 0.1; exit 2 it-wrap-as-$as"
	done
	# start and finish paired into one failed run
	TZ=UTC "$TELTOP" stats --db "$AUX_DB" --json >"$T/wstats.json"
	node -e 'for (const c of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).commands)
	    console.log(JSON.stringify(c))' "$T/wstats.json" >"$T/wstats.jsonl"
	for as in werf devpod posthog generic; do
		check match "$T/wstats.jsonl" '{"where":{"command":"sh -c sleep 0.1; exit 2 it-wrap-as-'"$as"'"},"count":1,"expect":[
		  {"source":"'"$as"'","count":1,"failures":1,"running":0,"orphans":0,"max_ms":{"$gte":50}}]}'
	done
}

case_wrap_stdio() {
	printf 'it-wrap-stdin\n' | "$TELTOP" wrap --url "http://$AUX_ADDR" -- cat >"$T/wrap.out" 2>"$T/wrap.err"
	[ "$(cat "$T/wrap.out")" = it-wrap-stdin ] || fail "stdout: $(cat "$T/wrap.out")"
	"$TELTOP" wrap --url "http://$AUX_ADDR" -- sh -c 'echo it-wrap-err >&2' >"$T/wrap.out" 2>"$T/wrap.err"
	[ "$(cat "$T/wrap.err")" = it-wrap-err ] || fail "stderr: $(cat "$T/wrap.err")"
}

case_wrap_dnt() {
	local before after rc
	aux_events
	before=$(wc -l <"$T/aux.jsonl")
	rm -f "$T/dnt.flag"
	rc=0
	DO_NOT_TRACK=1 "$TELTOP" wrap --url "http://$AUX_ADDR" -- sh -c 'touch "$1"; exit 4' it-wrap-dnt "$T/dnt.flag" \
	    2>"$T/wrap.err" || rc=$?
	[ "$rc" -eq 4 ] || fail "DO_NOT_TRACK=1: exit status $rc, want 4"
	[ -f "$T/dnt.flag" ] || fail "DO_NOT_TRACK=1: the command did not run"
	rc=0
	WERF_TELEMETRY=0 "$TELTOP" wrap --url "http://$AUX_ADDR" --as werf -- true || rc=$?
	[ "$rc" -eq 0 ] || fail "WERF_TELEMETRY=0: exit status $rc"
	aux_events
	after=$(wc -l <"$T/aux.jsonl")
	[ "$before" -eq "$after" ] || fail "$((after - before)) event(s) stored although tracking was off"
	curl -sS --max-time 5 "http://$AUX_ADDR/metrics" >"$T/wrap.prom"
	[ "$(check metric "$T/wrap.prom" teltop_events_received_total)" -eq "$after" ] ||
	    fail "the collector received something: $(grep received "$T/wrap.prom")"
}

case_wrap_unreachable() {
	local rc=0 t0 ms port lpid
	t0=$(date +%s%N)
	"$TELTOP" wrap --url http://127.0.0.1:1 -- sh -c 'exit 5' >"$T/wrap.out" 2>"$T/wrap.err" || rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ "$rc" -eq 5 ] || fail "connection refused: exit status $rc, want 5"
	[ "$ms" -lt 2000 ] || fail "connection refused: took $ms ms"
	[ "$(wc -l <"$T/wrap.err")" -le 1 ] || fail "more than one line on stderr: $(cat "$T/wrap.err")"
	grep -q '^teltop: wrap: ' "$T/wrap.err" || fail "stderr does not say teltop: wrap: $(cat "$T/wrap.err")"
	# a listener that accepts and never answers
	node -e 'const s = require("net").createServer(() => {}).listen(0, "127.0.0.1", () => console.log(s.address().port));
	    setTimeout(() => process.exit(0), 20000)' >"$T/mute.port" &
	lpid=$!
	for port in $(seq 50); do [ -s "$T/mute.port" ] && break; sleep 0.1; done
	port=$(cat "$T/mute.port")
	t0=$(date +%s%N)
	rc=0
	"$TELTOP" wrap --url "http://127.0.0.1:$port" -- sh -c 'exit 6' >"$T/wrap.out" 2>"$T/wrap.err" || rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	kill "$lpid" 2>/dev/null || true
	[ "$rc" -eq 6 ] || fail "silent collector: exit status $rc, want 6"
	[ "$ms" -lt 2500 ] || fail "silent collector: took $ms ms"
	[ "$(wc -l <"$T/wrap.err")" -le 1 ] || fail "more than one line on stderr: $(cat "$T/wrap.err")"
}

case_wrap_usage() {
	local rc=0
	"$TELTOP" wrap --url "http://$AUX_ADDR" >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || fail "no command: exit status $rc, want 2"
	rc=0
	"$TELTOP" wrap --as nosuch -- true >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || fail "--as nosuch: exit status $rc, want 2"
	rc=0
	"$TELTOP" wrap --url "http://$AUX_ADDR" -- it-wrap-no-such-command >/dev/null 2>"$T/wrap.err" || rc=$?
	[ "$rc" -eq 127 ] || fail "a command that does not exist: exit status $rc, want 127"
}

case_demo() {
	local sent stored
	"$TELTOP" demo --url "http://$AUX_ADDR" --duration 2 --rate 200 --seed 1 >"$T/demo.out" 2>"$T/demo.err" ||
	    fail "exit status $?; $(cat "$T/demo.out" "$T/demo.err")"
	grep -qE '^teltop demo: [0-9]+ events sent in [0-9.]+ s .*devtron [0-9]+, devpod [0-9]+, devsy [0-9]+, werf [0-9]+, posthog [0-9]+; 0 failed' "$T/demo.out" ||
	    fail "summary: $(cat "$T/demo.out")"
	sent=$(sed -nE 's/^teltop demo: ([0-9]+) events sent.*/\1/p' "$T/demo.out")
	[ "$sent" -ge 360 ] && [ "$sent" -le 440 ] || fail "$sent events sent in 2 s at 200/s"
	aux_events
	stored=$(wc -l <"$T/aux.jsonl")
	[ "$stored" -eq "$sent" ] || fail "$sent sent, $stored stored"
	check schema "$T/aux.jsonl" >/dev/null
	node -e 'const evs = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
	    const has = (f) => new Set(evs.map(f));
	    const need = { source: ["devtron", "devpod", "devsy", "werf", "posthog"],
	        format: ["posthog-batch", "devpod-insert", "devpod-legacy", "otlp-protobuf"],
	        name: ["Heartbeat", "devpod_cli", "cmdstarted", "devsy_cli", "CommandStarted", "CommandExited"] };
	    for (const [k, want] of Object.entries(need)) {
	        const got = has((e) => e[k]);
	        for (const w of want) if (!got.has(w)) { console.error(`no event with ${k} ${w}`); process.exit(1) } }
	    // werf: some execution has its start and its exit, with the same command
	    const runs = {};
	    for (const e of evs.filter((e) => e.source === "werf" && e.phase !== "point"))
	        (runs[e.execution_id] = runs[e.execution_id] || []).push(e);
	    const paired = Object.values(runs).filter((r) => r.length === 2 && r[0].command === r[1].command &&
	        new Set(r.map((e) => e.phase)).size === 2);
	    if (!paired.length) { console.error("no werf execution with both CommandStarted and CommandExited"); process.exit(1) }
	    for (const r of paired) { const f = r.find((e) => e.phase === "finish");
	        if (!(f.duration_ms >= 0 && f.exit_code !== null)) { console.error("exit without duration: " + JSON.stringify(f)); process.exit(1) } }
	    // the payloads with personal data are there
	    const text = JSON.stringify(evs);
	    for (const re of [/"\$ip":"203\.0\.113\./, /@example\.com/]) if (!re.test(text)) { console.error(`nothing matches ${re}`); process.exit(1) }' \
	    "$T/aux.jsonl"
	TZ=UTC "$TELTOP" stats --db "$AUX_DB" --json >"$T/dstats.json"
	node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	    const werf = s.commands.filter((c) => c.source === "werf" && c.count > 0 && c.max_ms !== null);
	    if (!werf.length) { console.error("no werf command with a finished, timed run: " + JSON.stringify(s.commands)); process.exit(1) }' \
	    "$T/dstats.json"
	curl -sS --max-time 5 "http://$AUX_ADDR/metrics" >"$T/demo.prom"
	[ "$(check metric "$T/demo.prom" teltop_rejections_total)" -eq 0 ] ||
	    fail "rejected: $(grep rejections "$T/demo.prom")"
	[ "$(check metric "$T/demo.prom" teltop_events_accepted_total)" -eq "$sent" ] ||
	    fail "accepted $(check metric "$T/demo.prom" teltop_events_accepted_total), sent $sent"
}

case_demo_unreachable() {
	local rc=0
	timeout 20 "$TELTOP" demo --url http://127.0.0.1:1 --duration 1 >"$T/demo.out" 2>"$T/demo.err" || rc=$?
	[ "$rc" -eq 1 ] || fail "exit status $rc, want 1"
	grep -q 'cannot reach the collector' "$T/demo.err" || fail "stderr: $(cat "$T/demo.err")"
}

# Run the cases of one group on a collector of their own.
with_aux() {
	local name=$1 rc
	shift
	set +e
	start_aux "$name" >"$T/case.log" 2>&1
	rc=$?
	set -e
	record "$name: its own collector starts" "$rc" "$T/case.log"
	[ "$rc" -eq 0 ] || return 0
	"$@"
	set +e
	stop_aux >"$T/case.log" 2>&1
	rc=$?
	set -e
	record "$name: its collector exits 0 on SIGTERM" "$rc" "$T/case.log"
}

wrap_cases() {
	run_case "wrap: exit status passes through (sh -c 'exit 3')" case_wrap_exit_status
	run_case "wrap: a death by signal passes through (143), SIGTERM is forwarded" case_wrap_signal
	run_case "wrap: duration recorded (sleep 0.3)" case_wrap_duration
	run_case "wrap --as werf|devpod|posthog|generic: source, format, phase, pairing" case_wrap_formats
	run_case "wrap: stdin, stdout, stderr untouched" case_wrap_stdio
	run_case "wrap: DO_NOT_TRACK=1 and WERF_TELEMETRY=0 send nothing" case_wrap_dnt
	run_case "wrap: unreachable or silent collector, CMD's status within 2 s, one line" case_wrap_unreachable
	run_case "wrap: usage errors exit 2, a missing command 127" case_wrap_usage
}

# 120 WebSocket arrays of 100 events sent at once (~7.5 MB, more than the
# 4 MiB the collector holds before it pauses a sender): every reply comes,
# in order, and every event is stored.  A collector of its own, so that the
# 12,000 events stay out of the other cases' counts.
case_ws_pipelined() {
	node "$CLIENTS/wsclient.mjs" "ws://$AUX_ADDR/ws" --tag pipe --only pipelined \
	    >"$T/pipe.out" 2>"$T/pipe.err" || { cat "$T/pipe.out" "$T/pipe.err"; return 1; }
	grep -q '"case":"pipelined","ok":true' "$T/pipe.out" || { cat "$T/pipe.out"; return 1; }
	local n
	n=$("$TELTOP" events --db "$AUX_DB" --filter 'client_id=wsp-pipe' --format jsonl | wc -l)
	[ "$n" -eq 12000 ] || { echo "stored $n of 12000"; return 1; }
}

pipe_cases() {
	run_case "ws: 120 arrays of 100 sent at once, all acked and stored" case_ws_pipelined
}

demo_cases() {
	run_case "demo --duration 2 --rate 200 --seed 1: every tool, werf paired, nothing rejected" case_demo
	run_case "demo: unreachable collector, exit 1" case_demo_unreachable
}

# ---------------------------------------------------------------- main

if [ ! -x "$TELTOP" ]; then
	echo "not ok - teltop binary at $TELTOP"
	echo "0 passed, 1 failed"
	exit 1
fi
command -v node >/dev/null || { echo "not ok - node is installed"; echo "0 passed, 1 failed"; exit 1; }
command -v curl >/dev/null || { echo "not ok - curl is installed"; echo "0 passed, 1 failed"; exit 1; }
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=20)?0:1)' ||
    echo "# note: node $(node --version) is older than posthog-node 5.70 wants (^20.20.0)"

set +e
ensure_clients >"$T/case.log" 2>&1
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
	record "npm test clients install" 1 "$T/case.log"
	echo "$PASS passed, $FAIL failed"
	exit 1
fi

set +e
start_server >"$T/case.log" 2>&1
rc=$?
set -e
record "serve starts and prints its address" "$rc" "$T/case.log"
if [ "$rc" -ne 0 ]; then
	echo "$PASS passed, $FAIL failed"
	exit 1
fi

run_case "GET /healthz answers ok" case_healthz
run_case "GET /metrics has the counters" case_metrics_baseline
run_case "GET /metrics: # HELP and # TYPE for every family" case_metrics_help
run_case "GET /metrics passes promtool check metrics (events, an opt-out drop, refusals)" case_metrics_promtool
run_case "refusals counted by route and reason in /metrics and stats --json; 404 lists the routes" case_refusals
run_case "events on an empty database" case_events_empty

run_case "posthog-node, gzip (/batch/)" case_posthog_node ph-gzip posthog-batch /batch/ '"gzip"'
run_case "posthog-node, plain JSON (/batch/)" case_posthog_node ph-plain posthog-batch /batch/ null --plain
run_case "@segment/analytics-node and @rudderstack/rudder-sdk-node (/v1/batch)" case_segment_sdks
run_case "OpenTelemetry JS logs and metrics exporters, protobuf (/v1/logs, /v1/metrics)" case_otlp_signals proto
run_case "OpenTelemetry JS logs and metrics exporters, JSON (/v1/logs, /v1/metrics)" case_otlp_signals json
run_case "OTLP over gRPC: the JS exporters' span, log and metric; refusals answered 3, 12 and 8" case_grpc
run_case "Segment and RudderStack requests as recorded, on a raw socket" case_segment_replay
POSTHOG_CAPTURE_MODE=v1 run_case "posthog-node, v1 capture mode (/i/v1/analytics/events)" \
    case_posthog_node ph-v1 posthog-v1 /i/v1/analytics/events '"gzip"'

run_case "OTLP exporter, protobuf, chunked" case_otlp otlpproto proto otlp-protobuf
run_case "OTLP exporter, JSON" case_otlp otlpjson json otlp-json
run_case "OTLP exporter, protobuf, gzip" case_otlp otlpgzip proto otlp-protobuf --gzip
run_case "OTLP exporter, JSON, gzip, batch processor" case_otlp otlpjgz json otlp-json --gzip --batch
run_case "OTLP protobuf with Content-Length (curl), empty 200" case_otlp_curl_proto
run_case "OTLP JSON werf span (curl), empty 200" case_otlp_curl_json

run_case "DevPod /v1/insert" case_devpod_insert
run_case "DevPod legacy events, multipart/form-data header" case_devpod_legacy
run_case "Devsy era 1 /v1/insert devsy_cli" case_devsy_era1
run_case "Devsy era 3 posthog-go 1.12.5 /batch/" case_devsy_era3
run_case "Devtron Heartbeat + Summary, posthog-go 1.5.9" case_devtron_159
run_case "Devtron inception 2021 body, no uuid, /batch" case_devtron_inception
run_case "posthog-js /e/ base64 form body" case_posthogjs_base64
run_case "posthog-js gzip text/plain by magic bytes (/i/v0/e/)" case_posthogjs_gzip_magic
run_case "posthog-js ?compression=gzip-js array (/e/)" case_posthogjs_gzipjs
run_case "OTLP/JSON metrics of every kind by curl, counted per metric in stats" case_otlp_metric_kinds
run_case "posthog-js, the real SDK running in Node (gzip as text/plain on /e/)" case_posthogjs_sdk
run_case "/i/v1/analytics/events with Bearer" case_posthog_v1_curl
run_case "every PostHog route replies exactly 200 {\"status\":1}" case_posthog_routes
run_case "POST /v1/events replies accepted after commit" case_events_reply_committed
run_case "chunked uploads (/v1/events, gzip /batch/)" case_chunked
run_case "keep-alive: three requests on one connection" case_keepalive

run_case "400 + JSON error on malformed JSON" case_malformed_400
run_case "413 on a 21 MiB body, server still answers" case_oversized_body
run_case "413 on a single 3 MiB event" case_oversized_event
run_case "413 on a gzip bomb (30 MiB inflated)" case_gzip_bomb
run_case "400 on truncated gzip" case_truncated_gzip

run_case "teltop send FILE (werf JSON) exits 0" case_send_file
run_case "teltop send NDJSON on stdin exits 0" case_send_stdin
run_case "teltop send exits non-zero on a refused item" case_send_refused
run_case "teltop send exits non-zero on ok:false" case_send_malformed
run_case "teltop send exits non-zero when nothing listens" case_send_unreachable

run_ws_client
run_case "ws: events stored" case_ws_stored

run_case "/metrics counters rose" case_metrics_rising
run_case "events jsonl: every field, ids increasing" case_schema
for expr in 'source=werf' 'source=werf phase=finish' 'command~converge' 'error!=' \
    'source=devpod name=devpod_cli' 'source!=posthog format~posthog' 'client_id=itdevtronucid001' \
    'source=werf|devpod phase=finish' '!source=werf' 'source!=posthog|devtron|werf' \
    'command="werf converge"' 'command~CONVERGE|build !phase=start' 'pii=yellow|red' 'pii.kind~ID|email' \
    '!pii=' 'pii=yellow pii.kind!=install_id' 'since=2026-01-05T12:00:00Z until=2026-01-06T00:00:00Z'; do
	run_case "events --filter '$expr'" case_filter "$expr"
done
run_case "events --limit" case_limit
run_case "events --format csv" case_csv

run_case "stats: send known executions (werf OTLP, DevPod, generic, Devtron)" case_stats_send
run_case "stats --json: counts, failures, percentiles per command" case_stats_commands
run_case "stats: a start alone is running, an orphan with --orphan-after 1s" case_stats_running_orphan
run_case "stats: the orphan's late finish makes it a run" case_stats_orphan_finishes
run_case "stats: daily rows (UTC, Asia/Kolkata, America/New_York)" case_stats_daily
run_case "stats: Devtron Summary counts, nested and flat" case_stats_summaries
run_case "stats: text form" case_stats_text
run_case "stats --source" case_stats_source
run_case "stats --since" case_stats_since
run_optout_cases
run_http_cases
run_case "privacy: findings stored, --explain, stats summary" case_privacy_explain

with_aux wrap wrap_cases
with_aux demo demo_cases
with_aux pipe pipe_cases
with_aux stream stream_cases
with_aux history history_cases
retention_cases
run_input_cases
run_capture_cases
roundtrip_cases

# The server is a child of this shell, so these run here, not in a subshell.
set +e
{ dump_events && cp "$T/events.jsonl" "$T/before.jsonl" && stop_server; } >"$T/case.log" 2>&1
rc=$?
set -e
record "SIGTERM exits 0" "$rc" "$T/case.log"
run_case "events still there after shutdown" case_events_after_stop
set +e
start_server >"$T/case.log" 2>&1
rc=$?
set -e
record "serve restarts on the same database" "$rc" "$T/case.log"
if [ "$rc" -eq 0 ]; then
	run_case "after restart: old events kept, new ones stored" case_restart
	set +e
	stop_server >"$T/case.log" 2>&1
	rc=$?
	set -e
	record "second SIGTERM exits 0" "$rc" "$T/case.log"
fi
set +e
start_server >"$T/case.log" 2>&1 && (set -e; case_crash_keeps_acked) >>"$T/case.log" 2>&1
rc=$?
SERVER_PID=
set -e
record "SIGKILL after the ack loses nothing acked" "$rc" "$T/case.log"

# ---------------------------------------------------------------- serve's log, config

# every line of serve's stderr in LOG: one line per notable thing, after
# an ISO 8601 UTC time (FORM file) or bare (FORM journal); never an escape
check_log_form() {
	local log=$1 form=$2
	[ -s "$log" ] || { echo "empty log $log"; return 1; }
	! grep -q $'\033' "$log" || { echo "an escape sequence in $log"; cat -A "$log"; return 1; }
	if [ "$form" = file ]; then
		! grep -Ev '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z teltop: ' "$log" |
		    grep -q . || { echo "a line without its time:"; cat "$log"; return 1; }
	else
		! grep -Eq '^[0-9]{4}-|teltop: ' "$log" || { echo "a journal line with a time or prefix:"; cat "$log"; return 1; }
	fi
}

case_serve_log() {
	local js
	# to a file: time-stamped lines; a refusal with a multi-line body
	# excerpt is one line
	start_aux log1
	curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
	    --data-binary $'{"event":\n"x",\n\x02' "http://$AUX_ADDR/v1/events"
	curl -s -o /dev/null -X POST "http://$AUX_ADDR/v1/nothere"
	# the refusals are logged when they are counted: wait for both lines
	for i in $(seq 100); do
		[ "$(grep -c 'POST /v1/\(events\|nothere\)' "$T/log1.log")" -ge 2 ] && break
		sleep 0.1
	done
	stop_aux
	[ "$(grep -c 'POST /v1/events: 400' "$T/log1.log")" = 1 ] ||
	    { echo "the malformed body is not one line:"; cat -A "$T/log1.log"; return 1; }
	grep -q 'POST /v1/nothere: 404' "$T/log1.log" || { cat "$T/log1.log"; return 1; }
	grep -q 'stopped; 0 events accepted, 2 rejected$' "$T/log1.log" || { cat "$T/log1.log"; return 1; }
	check_log_form "$T/log1.log" file
	# to the journal (JOURNAL_STREAM names stderr): bare messages
	: >"$T/log2.log"
	js=$(stat -c '%d:%i' "$T/log2.log")
	AUX_DB=$T/log2.db
	JOURNAL_STREAM=$js "$TELTOP" serve --db "$AUX_DB" --listen 127.0.0.1:0 --otlp-grpc off 2>>"$T/log2.log" &
	AUX_PID=$!
	for i in $(seq 100); do
		grep -q '^listening on ' "$T/log2.log" && break
		kill -0 "$AUX_PID" 2>/dev/null || break
		sleep 0.1
	done
	stop_aux
	grep -q '^listening on 127.0.0.1:[0-9]*, database ' "$T/log2.log" || { cat "$T/log2.log"; return 1; }
	check_log_form "$T/log2.log" journal
	# JOURNAL_STREAM inherited by a stderr redirected elsewhere is not
	# the journal
	JOURNAL_STREAM=$js start_aux log3 --otlp-grpc off
	stop_aux
	check_log_form "$T/log3.log" file
}

case_config() {
	local C=$T/cfghome out
	mkdir -p "$C/teltop"
	printf '%s\n' '# mine' 'retain 30d' 'intercept telemetry.example.com werf' 'theme nord' 'forward devpod' >"$C/teltop/config"
	out=$(env -u TELTOP_DB XDG_CONFIG_HOME="$C" XDG_DATA_HOME="$T/data" TELTOP_LISTEN=127.0.0.1:9911 \
	    "$TELTOP" config --max-db-size 2GiB --theme mono)
	echo "$out"
	grep -qx "config file: $C/teltop/config" <<<"$out"
	grep -Eq "^db +$T/data/teltop/events.db +env \(XDG_DATA_HOME\)$" <<<"$out"
	grep -Eq '^listen +127\.0\.0\.1:9911 +env \(TELTOP_LISTEN\)$' <<<"$out"
	grep -Eq "^retain +30d +file \($C/teltop/config\)$" <<<"$out"
	grep -Eq '^max-db-size +2GiB +flag \(--max-db-size\)$' <<<"$out"
	grep -Eq '^theme +mono +flag \(--theme\)$' <<<"$out"
	grep -Eq "^forward +devpod +file " <<<"$out"
	grep -Eq "^intercept +telemetry\.example\.com werf +file " <<<"$out"
	grep -Eq '^intercept +analytics\.loft\.rocks devpod +default \(built in\)$' <<<"$out"
	grep -Eq '^otlp-grpc +127\.0\.0\.1:4317 +default$' <<<"$out"
	# the same as JSON; flags win over the file
	env XDG_CONFIG_HOME="$C" "$TELTOP" config --json --db "$T/x.db" --retain all >"$T/config.json"
	node -e '
		const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const get = n => j.settings.find(s => s.name === n);
		const want = (n, v, f) => { const s = get(n);
			if (!s || s.value !== v || s.from !== f) throw new Error(n + ": " + JSON.stringify(s)); };
		want("db", process.argv[2], "flag"); want("retain", "all", "flag");
		want("theme", "nord", "file"); want("view", "stream", "default");
		if (j.config_file_exists !== true) throw new Error("config_file_exists");
	' "$T/config.json" "$T/x.db"
	# a file that does not parse: said once, exit 1
	printf 'retain forever\n' >"$C/teltop/config"
	rc=0
	env XDG_CONFIG_HOME="$C" "$TELTOP" config >/dev/null 2>"$T/config.err" || rc=$?
	[ "$rc" = 1 ] && [ "$(wc -l <"$T/config.err")" = 1 ] &&
	    grep -q "^teltop: .*config:1: retain: 'forever' is not a duration" "$T/config.err" ||
	    { echo "rc $rc: $(cat "$T/config.err")"; return 1; }
}

run_case "serve logs one line per notable thing: time-stamped to a file, bare to the journal" case_serve_log
run_case "teltop config: each setting and where it came from (flag, env, file, default)" case_config

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
