#!/usr/bin/env bash
# Capture cases (issue 11): `teltop capture` and the collector as an HTTPS
# proxy, driven by real TLS stacks: Go (Debian's golang-go; the clients of
# tests/clients/*.go post as DevPod's analytics client and posthog-go do),
# curl, Node (https-proxy-agent with NODE_EXTRA_CA_CERTS), the recorded
# requests of shared/fixtures/real-clients/ replayed byte for byte
# (tests/clients/capproxy.mjs), and openssl for the test certificates and
# the CA's name constraints.  Stand-ins on 127.0.0.1 (tests/clients/
# capservers.mjs) play the servers: a TLS echo server with its own
# self-signed certificate behind tunnels, a "vendor" with its own test CA
# for forwarding, reached through the collector's test-only
# TELTOP_TEST_RESOLVE; nothing leaves the machine.
#
#   tests/integration/capture.sh [PATH/TO/teltop]      (default ./teltop)
#   CAP_ONLY=REGEX   run only the cases whose name matches
#
# or sourced by run.sh, which then calls run_capture_cases (and counts the
# results with its own record).  Uses run.sh's run_case, record, fail,
# check, $TELTOP, $T, $CLIENTS.  Every collector here has a database, a data
# home (so a CA of its own) and a config home of its own under $T/cap-NAME;
# `teltop capture` writes its bundle under $XDG_RUNTIME_DIR, also in $T.
# Nothing waits for a fixed time: every wait is for a state (a port printed,
# /healthz answering, an event stored, a registry entry, a gauge), bounded,
# and ends in a failure that says what was missing.

cap_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cap_root=$(cd "$cap_here/../.." && pwd)
CAP_FIX=$cap_root/tests/integration/fixtures/real-clients
CAP_PIDS=
CAP_DEAD_PROXY=http://127.0.0.1:9
# The hosts every collector intercepts (core/hosts.c, formats.md §3-§5).
CAP_BUILTIN="admin.loft.sh analytics.loft.rocks app.posthog.com eu.i.posthog.com telemetry.devtron.ai us.i.posthog.com"

# ---------------------------------------------------------------- harness

cap_now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# cap_run_case NAME FUNCTION [ARG...]: run_case, unless CAP_ONLY leaves it out.
cap_run_case() {
	if [ -n "${CAP_ONLY:-}" ] && ! [[ $1 =~ $CAP_ONLY ]]; then
		return 0
	fi
	run_case "$@"
}

# cap_until MS CMD...: run CMD until it succeeds, for at most MS ms; then
# fail with what it said last.
cap_until() {
	local limit=$1 t0
	shift
	t0=$(cap_now_ms)
	until "$@" >"$T/cap.until.out" 2>"$T/cap.until.err"; do
		if [ $(($(cap_now_ms) - t0)) -ge "$limit" ]; then
			fail "not so within $limit ms: $*: $(tail -c 600 "$T/cap.until.err") $(tail -c 300 "$T/cap.until.out")"
		fi
		sleep 0.05
	done
}

# cap_rand: 12 hex digits.
cap_rand() {
	od -An -tx1 -N6 /dev/urandom | tr -d ' \n'
}

# cap_server VAR MODE [ARG...]: a capservers.mjs server in the background;
# its port in VAR, its pid in VAR_PID and CAP_PIDS (cap_kill_all ends them).
cap_server() {
	local var=$1 out i
	shift
	out=$T/cap-srv-$1-$(cap_rand)
	node "$CLIENTS/capservers.mjs" "$@" >"$out.port" 2>"$out.err" &
	CAP_PIDS="$CAP_PIDS $!"
	printf -v "${var}_PID" %s "$!"
	for i in $(seq 200); do
		grep -qE '^[0-9]+$' "$out.port" 2>/dev/null && break
		sleep 0.05
	done
	grep -qE '^[0-9]+$' "$out.port" ||
	    { echo "capservers.mjs $*: no port within 10 s: $(cat "$out.err")"; return 1; }
	printf -v "$var" %s "$(head -n 1 "$out.port")"
}

# cap_serve P NAME [SERVE-ARG...]: `teltop serve` in $T/cap-NAME/ (a fresh
# database; XDG_DATA_HOME and XDG_CONFIG_HOME of its own there, so a CA of
# its own; $T/cap-NAME/config/teltop/config if the caller wrote one) on a
# free port, waited for until /healthz answers.  Sets P_ADDR, P_DB, P_DIR,
# P_LOG and P_PID.  Variables given before the call (TELTOP_TEST_RESOLVE,
# SSL_CERT_FILE) reach the collector.
cap_serve() {
	local p=$1 name=$2 dir=$T/cap-$2 addr= pid i
	shift 2
	mkdir -p "$dir/data" "$dir/config"
	XDG_DATA_HOME=$dir/data XDG_CONFIG_HOME=$dir/config \
	    "$TELTOP" serve --db "$dir/events.db" --listen 127.0.0.1:0 "$@" \
	    >"$dir/serve.out" 2>"$dir/serve.log" &
	pid=$!
	CAP_PIDS="$CAP_PIDS $pid"
	printf -v "${p}_PID" %s "$pid"
	printf -v "${p}_DIR" %s "$dir"
	printf -v "${p}_DB" %s "$dir/events.db"
	printf -v "${p}_LOG" %s "$dir/serve.log"
	for i in $(seq 200); do
		addr=$(grep -oE 'listening on [0-9.]+:[0-9]+' "$dir/serve.log" | head -n 1 | sed 's/^listening on //') || true
		[ -n "$addr" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if [ -z "$addr" ]; then
		echo "teltop serve $*: no 'listening on ADDR:PORT' within 10 s; log:"
		tail -n 20 "$dir/serve.log"
		return 1
	fi
	printf -v "${p}_ADDR" %s "$addr"
	for i in $(seq 100); do
		curl -sf --max-time 2 "http://$addr/healthz" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "teltop serve $*: listening on $addr but /healthz does not answer"
	return 1
}

# cap_stop P: SIGTERM to P's collector; fails unless it exits 0 within 10 s.
cap_stop() {
	local pid i rc
	eval "pid=\${${1}_PID:-}"
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq 200); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		echo "still running 10 s after SIGTERM (killed)"
		return 1
	fi
	set +e
	wait "$pid"
	rc=$?
	set -e
	printf -v "${1}_PID" %s ""
	[ "$rc" -eq 0 ] || { echo "exit status $rc after SIGTERM; end of log:"; eval "tail -n 10 \"\$${1}_LOG\""; return 1; }
}

# cap_kill_all: end whatever this file started and is still running.
cap_kill_all() {
	local pid
	for pid in $CAP_PIDS; do
		kill -KILL "$pid" 2>/dev/null || true
	done
	for pid in $CAP_PIDS; do
		wait "$pid" 2>/dev/null || true
	done
	CAP_PIDS=
}

# cap_alive P: P's collector is running and answers GET /healthz.
cap_alive() {
	local pid addr log
	eval "pid=\$${1}_PID addr=\$${1}_ADDR log=\$${1}_LOG"
	kill -0 "$pid" 2>/dev/null || fail "the collector is no longer running; end of its log: $(tail -n 10 "$log")"
	[ "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://$addr/healthz")" = 200 ] ||
	    fail "the collector does not answer GET /healthz"
}

# cap_guarded CMD...: CMD with the proxy variables naming a port where
# nothing listens, so that a client capture did not set up fails at once
# instead of reaching the real host (capture replaces them when it works).
cap_guarded() {
	HTTPS_PROXY=$CAP_DEAD_PROXY https_proxy=$CAP_DEAD_PROXY HTTP_PROXY=$CAP_DEAD_PROXY \
	    http_proxy=$CAP_DEAD_PROXY NO_PROXY= no_proxy= "$@"
}

# cap_capture OUT ADDR DB CMD...: `teltop capture --url ADDR --db DB -- CMD`
# (at most 30 s); stdout in OUT, stderr in OUT.err; fails unless it exits 0.
cap_capture() {
	local out=$1 addr=$2 db=$3 rc=0
	shift 3
	cap_guarded timeout -k 5 30 "$TELTOP" capture --url "$addr" --db "$db" -- "$@" >"$out" 2>"$out.err" || rc=$?
	[ "$rc" -eq 0 ] || fail "teltop capture -- $*: exit $rc; stdout: $(head -c 600 "$out"); stderr: $(head -c 1500 "$out.err")"
}

# cap_status200 OUT: the first line of a client's output is 200.
cap_status200() {
	[ "$(head -n 1 "$1")" = 200 ] || fail "status $(head -n 1 "$1"), want 200: $(head -c 600 "$1")"
}

# cap_events DB: every event of DB in $T/cap.events.jsonl.
cap_events() {
	"$TELTOP" events --db "$1" --format jsonl >"$T/cap.events.jsonl" 2>"$T/cap.events.err" ||
	    fail "teltop events --db $1: $(cat "$T/cap.events.err")"
}

cap_match() {
	cap_events "$1" && check match "$T/cap.events.jsonl" "$2"
}

# cap_expect DB SPEC: wait (up to 3 s) until DB's events match SPEC.
cap_expect() {
	cap_until 3000 cap_match "$1" "$2"
}

# cap_metric ADDR NAME: the value of NAME in ADDR's /metrics.
cap_metric() {
	curl -sS --max-time 5 "http://$1/metrics" >"$T/cap.metrics" || fail "GET /metrics failed"
	check metric "$T/cap.metrics" "$2"
}

# cap_js FILE EXPR: the JSON in FILE is v; fails with v unless EXPR holds.
cap_js() {
	node -e 'const fs = require("fs");
	    let v; try { v = JSON.parse(fs.readFileSync(process.argv[1], "utf8")) }
	    catch (e) { console.error("not JSON (" + e.message + "): " + fs.readFileSync(process.argv[1], "utf8").slice(0, 400)); process.exit(1) }
	    if (!(new Function("v", "return (" + process.argv[2] + ")"))(v)) {
	        console.error("false: " + process.argv[2] + "\n  value: " + JSON.stringify(v).slice(0, 2000)); process.exit(1) }' "$1" "$2"
}

# cap_proxy OUT SCENARIO PROXY [ARG...]: capproxy.mjs; fails unless it exits 0.
cap_proxy() {
	local out=$1 rc=0
	shift
	node "$CLIENTS/capproxy.mjs" "$@" >"$out" 2>"$out.err" || rc=$?
	[ "$rc" -eq 0 ] || fail "capproxy.mjs $*: $(cat "$out.err") $(head -c 500 "$out")"
}

# cap_devpod_body FILE MACHINE: a current DevPod /v1/insert body.
cap_devpod_body() {
	printf '{"data":[{"event":{"machine_id":"%s","properties":"{\\"command\\":\\"devpod up\\",\\"desktop\\":false,\\"is_ci\\":false,\\"version\\":\\"v0.6.15\\"}","timestamp":1736850000,"type":"devpod_cli"},"user":{"machine_id":"%s","properties":"{\\"os_arch\\":\\"amd64\\",\\"os_name\\":\\"linux\\"}","timestamp":1736850000}}]}' \
	    "$2" "$2" >"$1"
}

# cap_go ARG...: go with its caches, GOPATH and HOME in $T, no modules and
# no network (the clients are stdlib only).
cap_go() {
	GOCACHE=$CAP/go/cache GOPATH=$CAP/go/path HOME=$CAP/go/home \
	    GO111MODULE=off GOPROXY=off GOFLAGS= GOTOOLCHAIN=local go "$@"
}

# cap_permitted PEM: the DNS names the CA's name constraints permit, sorted,
# on one line.
cap_permitted() {
	openssl x509 -in "$1" -noout -ext nameConstraints >"$T/cap.nc" 2>&1 ||
	    fail "openssl x509 -ext nameConstraints: $(cat "$T/cap.nc")"
	grep -q 'Name Constraints' "$T/cap.nc" || fail "the CA has no name constraints: $(cat "$T/cap.nc")"
	sed -n '/Permitted:/,/Excluded:/p' "$T/cap.nc" | grep -oE 'DNS:[^ ,]+' | sed 's/^DNS://' | sort | tr '\n' ' ' | sed 's/ $//'
}

# cap_sorted WORD...: the words, sorted, on one line.
cap_sorted() {
	printf '%s\n' "$@" | sort | tr '\n' ' ' | sed 's/ $//'
}

# ---------------------------------------------------------------- certificates

# The test certificates: the tunnel server's self-signed one (names of
# hosts that are not intercepted), the stand-in vendor's CA and its leaf
# for two intercepted hosts, and the trust store of the forwarding
# collector (the system CAs plus that test CA).
cap_case_certs() {
	local sys
	cd "$CAP"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	    -keyout tunnel.key -out tunnel.pem -subj "/CN=tunnel.test" \
	    -addext "subjectAltName=DNS:tunnel.test,DNS:www.tunnel.test,DNS:evil-analytics.loft.rocks,DNS:analytics.loft.rocks.evil.test,IP:127.0.0.1" \
	    2>openssl.err || fail "openssl (tunnel): $(cat openssl.err)"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	    -keyout vendor-ca.key -out vendor-ca.pem -subj "/CN=teltop test vendor CA" \
	    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
	    2>openssl.err || fail "openssl (vendor CA): $(cat openssl.err)"
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout vendor.key \
	    -out vendor.csr -subj "/CN=analytics.loft.rocks" 2>openssl.err || fail "openssl (vendor csr): $(cat openssl.err)"
	printf 'subjectAltName=DNS:analytics.loft.rocks,DNS:us.i.posthog.com,DNS:www.vendor.test\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >vendor.ext
	openssl x509 -req -in vendor.csr -CA vendor-ca.pem -CAkey vendor-ca.key -CAcreateserial \
	    -days 2 -out vendor.pem -extfile vendor.ext 2>openssl.err || fail "openssl (vendor leaf): $(cat openssl.err)"
	openssl verify -CAfile vendor-ca.pem vendor.pem >/dev/null || fail "the vendor's leaf does not verify"
	sys=$(openssl version -d | sed -E 's/^OPENSSLDIR: "(.*)"$/\1/')/cert.pem
	{ cat "$sys" 2>/dev/null || true; cat vendor-ca.pem; } >fwd-trust.pem
}

# ---------------------------------------------------------------- no collector

# With nothing listening: one line, CMD runs with the environment it would
# have had, and its exit status is ours.
cap_case_no_collector() {
	local rc=0
	sh -c 'env | grep -v "^_=" | sort >"$1"' sh "$CAP/env.direct"
	"$TELTOP" capture --url 127.0.0.1:1 -- sh -c 'env | grep -v "^_=" | sort >"$1"; exit 7' sh "$CAP/env.none" \
	    >"$CAP/none.out" 2>"$CAP/none.err" || rc=$?
	[ "$rc" -eq 7 ] || fail "exit status $rc, want 7; stderr: $(cat "$CAP/none.err")"
	[ "$(wc -l <"$CAP/none.err")" -eq 1 ] || fail "stderr is not one line: $(cat "$CAP/none.err")"
	grep -q '^teltop: capture: no collector at 127\.0\.0\.1:1 .*running sh without capture$' "$CAP/none.err" ||
	    fail "stderr: $(cat "$CAP/none.err")"
	[ ! -s "$CAP/none.out" ] || fail "stdout: $(cat "$CAP/none.out")"
	diff "$CAP/env.direct" "$CAP/env.none" >&2 || fail "the command's environment changed"
	# the default address ($TELTOP_LISTEN) when nothing listens there
	rc=0
	TELTOP_LISTEN=127.0.0.1:1 "$TELTOP" capture -- sh -c 'exit 0' 2>"$CAP/none.err" || rc=$?
	[ "$rc" -eq 0 ] || fail "TELTOP_LISTEN=127.0.0.1:1: exit $rc"
	grep -q 'no collector at 127\.0\.0\.1:1 ' "$CAP/none.err" || fail "stderr: $(cat "$CAP/none.err")"
}

# A listener that accepts and never answers: CMD still runs within 2 s.
cap_case_silent() {
	local rc=0 t0 ms port lpid
	node -e 'const s = require("net").createServer(() => {}).listen(0, "127.0.0.1", () => console.log(s.address().port));
	    setTimeout(() => process.exit(0), 20000)' >"$CAP/mute.port" &
	lpid=$!
	cap_until 5000 grep -qE '^[0-9]+$' "$CAP/mute.port"
	port=$(cat "$CAP/mute.port")
	t0=$(cap_now_ms)
	"$TELTOP" capture --url "127.0.0.1:$port" -- sh -c 'exit 5' >"$CAP/mute.out" 2>"$CAP/mute.err" || rc=$?
	ms=$(($(cap_now_ms) - t0))
	kill "$lpid" 2>/dev/null || true
	wait "$lpid" 2>/dev/null || true
	[ "$rc" -eq 5 ] || fail "exit status $rc, want 5"
	[ "$ms" -lt 2000 ] || fail "took $ms ms"
	[ "$(wc -l <"$CAP/mute.err")" -eq 1 ] || fail "stderr is not one line: $(cat "$CAP/mute.err")"
	grep -q '^teltop: capture: ' "$CAP/mute.err" || fail "stderr: $(cat "$CAP/mute.err")"
}

cap_case_env_none() {
	local rc=0
	"$TELTOP" capture --env --url 127.0.0.1:1 >"$CAP/envnone.out" 2>"$CAP/envnone.err" || rc=$?
	[ "$rc" -eq 1 ] || fail "exit status $rc, want 1"
	[ ! -s "$CAP/envnone.out" ] || fail "stdout: $(cat "$CAP/envnone.out")"
	[ "$(wc -l <"$CAP/envnone.err")" -eq 1 ] || fail "stderr is not one line: $(cat "$CAP/envnone.err")"
	grep -q '^teltop: capture: no collector at 127\.0\.0\.1:1' "$CAP/envnone.err" || fail "stderr: $(cat "$CAP/envnone.err")"
}

cap_case_usage() {
	local rc
	rc=0; "$TELTOP" capture >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || fail "no command: exit $rc, want 2"
	rc=0; "$TELTOP" capture --env -- true >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || fail "--env with a command: exit $rc, want 2"
	rc=0; "$TELTOP" capture --url https://127.0.0.1:1 -- true >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || fail "--url https://: exit $rc, want 2"
	rc=0; "$TELTOP" capture --url http://127.0.0.1:1/some/path -- true >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || fail "--url with a path: exit $rc, want 2"
	rc=0; "$TELTOP" capture --nosuch -- true >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 2 ] || fail "--nosuch: exit $rc, want 2"
	rc=0; "$TELTOP" capture --url 127.0.0.1:1 -- it-cap-no-such-command >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 127 ] || fail "a command that does not exist: exit $rc, want 127"
	"$TELTOP" capture --help | grep -q 'SSL_CERT_FILE' || fail "--help does not name SSL_CERT_FILE"
}

cap_case_go_build() {
	local f
	command -v go >/dev/null || fail "go is not installed (scripts/deps.sh test installs golang-go)"
	mkdir -p "$CAP_BIN" "$CAP/go/home"
	for f in devpodpost posthoggo devtronget; do
		cap_go build -o "$CAP_BIN/$f" "$CLIENTS/$f.go" >"$CAP/go.log" 2>&1 ||
		    fail "go build $f.go ($(cap_go version)): $(cat "$CAP/go.log")"
	done
}

# ---------------------------------------------------------------- capture, basics

# --env: lines a POSIX sh and bash eval into the variables, naming the
# collector (with the token of --db) and a bundle with /v1/ca's PEM.
cap_case_env() {
	local tok sh vals bundle ctype n sys_n
	tok=$("$TELTOP" token --db "$CP_DB")
	"$TELTOP" capture --env --url "$CP_ADDR" --db "$CP_DB" >"$CAP/env.sh" 2>"$CAP/env.err" ||
	    fail "exit $?: $(cat "$CAP/env.err")"
	[ ! -s "$CAP/env.err" ] || fail "stderr: $(cat "$CAP/env.err")"
	grep -q '^# teltop capture: ' "$CAP/env.sh" || fail "no '# teltop capture:' comment: $(head -c 600 "$CAP/env.sh")"
	grep '^#' "$CAP/env.sh" | tr '\n' ' ' | grep -q 'unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NO_PROXY no_proxy SSL_CERT_FILE NODE_EXTRA_CA_CERTS REQUESTS_CA_BUNDLE CURL_CA_BUNDLE' ||
	    fail "the comment does not say how to undo (unset ...): $(grep '^#' "$CAP/env.sh")"
	n=$(grep -vc '^#' "$CAP/env.sh") || true
	[ "$n" -eq 10 ] || fail "$n non-comment lines, want 10: $(cat "$CAP/env.sh")"
	if grep -v '^#' "$CAP/env.sh" | grep -qvE "^export [A-Za-z_]+='[^']*'\$"; then
		fail "a line is not export NAME='VALUE': $(grep -v '^#' "$CAP/env.sh" | grep -vE "^export [A-Za-z_]+='[^']*'\$")"
	fi
	! grep -qF "$tok" "$CAP/env.sh" || fail "the token is in the exports of a collector that does not want it"
	for sh in sh bash; do
		vals=$("$sh" -c 'eval "$(cat "$1")"; printf "%s|" "$HTTPS_PROXY" "$https_proxy" "$HTTP_PROXY" "$http_proxy" \
		    "$NO_PROXY" "$no_proxy" "$SSL_CERT_FILE" "$NODE_EXTRA_CA_CERTS" "$REQUESTS_CA_BUNDLE" "$CURL_CA_BUNDLE"' sh "$CAP/env.sh")
		bundle=$(echo "$vals" | cut -d'|' -f7)
		# a loopback collector's proxy wants no token: it stays out
		# of the tool's environment (--token-required: cap_case_token)
		local want="http://$CP_ADDR"
		[ "$(echo "$vals" | cut -d'|' -f1-4)" = "$want|$want|$want|$want" ] ||
		    fail "$sh: proxies $(echo "$vals" | cut -d'|' -f1-4), want $want"
		echo "$vals" | cut -d'|' -f5 | grep -qE '(^|,)localhost(,|$)' || fail "$sh: NO_PROXY $(echo "$vals" | cut -d'|' -f5)"
		for h in 127.0.0.1 ::1; do
			echo "$vals" | cut -d'|' -f5 | tr ',' '\n' | grep -qxF "$h" || fail "$sh: NO_PROXY lacks $h"
		done
		[ "$(echo "$vals" | cut -d'|' -f5)" = "$(echo "$vals" | cut -d'|' -f6)" ] || fail "$sh: NO_PROXY and no_proxy differ"
		[ "$(echo "$vals" | cut -d'|' -f7-10)" = "$bundle|$bundle|$bundle|$bundle" ] ||
		    fail "$sh: CA variables $(echo "$vals" | cut -d'|' -f7-10)"
	done
	[ "$bundle" = "$XDG_RUNTIME_DIR/teltop/bundle.pem" ] || fail "bundle $bundle, want \$XDG_RUNTIME_DIR/teltop/bundle.pem"
	[ "$(stat -c %a "$bundle")" = 644 ] || fail "bundle mode $(stat -c %a "$bundle"), want 644"
	ctype=$(curl -sS --max-time 5 -o "$CAP/ca.pem" -w '%{http_code} %{content_type}' "http://$CP_ADDR/v1/ca")
	[ "$ctype" = "200 application/x-pem-file" ] || fail "GET /v1/ca: $ctype"
	node -e 'const fs = require("fs"); const b = fs.readFileSync(process.argv[1], "utf8"),
	    c = fs.readFileSync(process.argv[2], "utf8").trim();
	    if (!c.startsWith("-----BEGIN CERTIFICATE-----")) { console.error("GET /v1/ca is not a PEM certificate"); process.exit(1) }
	    if (!b.includes(c)) { console.error("the bundle does not hold the PEM of GET /v1/ca"); process.exit(1) }' \
	    "$bundle" "$CAP/ca.pem"
	# the system CAs are in it too (a tunnelled host is still verified)
	sys_n=$(cat "$(openssl version -d | sed -E 's/^OPENSSLDIR: "(.*)"$/\1/')/cert.pem" 2>/dev/null | grep -c 'BEGIN CERTIFICATE') || true
	n=$(grep -c 'BEGIN CERTIFICATE' "$bundle")
	[ "$n" -gt "${sys_n:-0}" ] || fail "the bundle has $n certificates, the system CA file ${sys_n:-0}"
	# nothing left behind by the atomic write
	[ "$(ls -A "$XDG_RUNTIME_DIR/teltop")" = bundle.pem ] || fail "left in the bundle's directory: $(ls -A "$XDG_RUNTIME_DIR/teltop")"
	# a second run from a shell that already has the bundle: it does not grow
	SSL_CERT_FILE=$bundle "$TELTOP" capture --env --url "$CP_ADDR" >/dev/null 2>"$CAP/env.err" || fail "second run: $(cat "$CAP/env.err")"
	[ "$(grep -c 'BEGIN CERTIFICATE' "$bundle")" -eq "$n" ] || fail "SSL_CERT_FILE=the bundle: it grew from $n to $(grep -c 'BEGIN CERTIFICATE' "$bundle") certificates"
	# quoting, and NO_PROXY merged with what was there
	NO_PROXY="it's.example,corp.example" "$TELTOP" capture --env --url "http://$CP_ADDR/" >"$CAP/env2.sh" 2>"$CAP/env.err" || fail "NO_PROXY=it's: $(cat "$CAP/env.err")"
	vals=$(sh -c 'eval "$(cat "$1")"; printf "%s" "$NO_PROXY"' sh "$CAP/env2.sh")
	case $vals in
	"it's.example,corp.example,"*) ;;
	*) fail "NO_PROXY it's.example,corp.example became $vals" ;;
	esac
	# no token readable (another data home, no --db): no userinfo
	vals=$(env -u TELTOP_DB XDG_DATA_HOME="$CAP/empty-data" TELTOP_LISTEN="$CP_ADDR" "$TELTOP" capture --env |
	    sh -c 'eval "$(cat)"; printf "%s" "$HTTPS_PROXY"')
	[ "$vals" = "http://$CP_ADDR" ] || fail "no token: HTTPS_PROXY $vals, want http://$CP_ADDR"
}

# CMD under capture: the ten variables and nothing else change; its exit
# status, a death by signal, stdin and stdout pass through.
cap_case_cmd() {
	local rc out
	sh -c 'env | grep -v "^_=" | sort >"$1"' sh "$CAP/env.direct"
	rc=0
	"$TELTOP" capture --url "$CP_ADDR" --db "$CP_DB" -- sh -c 'env | grep -v "^_=" | sort >"$1"; exit 9' sh "$CAP/env.cap" \
	    >"$CAP/cmd.out" 2>"$CAP/cmd.err" || rc=$?
	[ "$rc" -eq 9 ] || fail "exit status $rc, want 9; stderr: $(cat "$CAP/cmd.err")"
	[ ! -s "$CAP/cmd.err" ] || fail "stderr: $(cat "$CAP/cmd.err")"
	node -e 'const fs = require("fs");
	    const read = (f) => Object.fromEntries(fs.readFileSync(f, "utf8").split("\n").filter(Boolean)
	        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
	    const a = read(process.argv[1]), b = read(process.argv[2]);
	    const ours = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy",
	        "SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"];
	    const bad = [];
	    for (const k of ours) if (!b[k]) bad.push(k + " not set");
	    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
	        if (!ours.includes(k) && a[k] !== b[k]) bad.push(k + ": " + JSON.stringify(a[k]) + " -> " + JSON.stringify(b[k]));
	    if (bad.length) { console.error(bad.join("\n")); process.exit(1) }' "$CAP/env.direct" "$CAP/env.cap"
	rc=0
	"$TELTOP" capture --url "$CP_ADDR" -- sh -c 'kill -TERM $$' 2>/dev/null || rc=$?
	[ "$rc" -eq 143 ] || fail "a death by SIGTERM: exit status $rc, want 143"
	out=$(printf 'it-cap-stdin\n' | "$TELTOP" capture --url "$CP_ADDR" -- cat)
	[ "$out" = it-cap-stdin ] || fail "stdin to stdout: $out"
}

# DevPod's analytics client (Go, http.Client{Timeout: 3s}.Post) under
# capture: Go trusts the minted certificate through SSL_CERT_FILE alone.
cap_case_go_devpod() {
	local m=it-cap-go-devpod-$(cap_rand)
	cap_capture "$CAP/go.out" "$CP_ADDR" "$CP_DB" "$CAP_BIN/devpodpost" "$m"
	cap_status200 "$CAP/go.out"
	cap_expect "$CP_DB" '{"where":{"client_id":"'"$m"'"},"count":1,"expect":[
	  {"source":"devpod","format":"devpod-insert","name":"devpod_cli","command":"devpod up",
	   "error":"exit status 1","via":"capture","host":"analytics.loft.rocks"}]}'
	# the filters pick it: via=capture and host=, not via=direct
	"$TELTOP" events --db "$CP_DB" --format jsonl --filter "via=capture host=analytics.loft.rocks client_id=$m" \
	    >"$CAP/filter.jsonl" || fail "events --filter via=capture host=...: exit $?"
	check lines "$CAP/filter.jsonl" '{"count":1,"expect":[{"client_id":"'"$m"'"}]}'
	"$TELTOP" events --db "$CP_DB" --format jsonl --filter "via=direct client_id=$m" >"$CAP/filter.jsonl" ||
	    fail "events --filter via=direct: exit $?"
	[ ! -s "$CAP/filter.jsonl" ] || fail "via=direct lists the captured event"
}

# posthog-go's /batch/ from Devsy (1.12.5, us.i.posthog.com) and Devtron
# (1.5.9, its fallback endpoint app.posthog.com).
cap_case_go_posthog() {
	local d=it-cap-go-devsy-$(cap_rand) t=itcapgo$(cap_rand)
	cap_capture "$CAP/go.out" "$CP_ADDR" "$CP_DB" "$CAP_BIN/posthoggo" "$d"
	cap_status200 "$CAP/go.out"
	cap_capture "$CAP/go.out" "$CP_ADDR" "$CP_DB" "$CAP_BIN/posthoggo" --as devtron "$t" https://app.posthog.com/batch/
	cap_status200 "$CAP/go.out"
	cap_capture "$CAP/go.out" "$CP_ADDR" "$CP_DB" "$CAP_BIN/posthoggo" "$d-eu" https://eu.i.posthog.com/batch/
	cap_status200 "$CAP/go.out"
	cap_expect "$CP_DB" '{"where":{"client_id":"'"$d"'"},"count":1,"expect":[
	  {"source":"devsy","format":"posthog-batch","name":"devsy_cli","command":"devsy up",
	   "via":"capture","host":"us.i.posthog.com"}]}'
	cap_expect "$CP_DB" '{"where":{"client_id":"'"$d-eu"'"},"count":1,"expect":[
	  {"name":"devsy_cli","via":"capture","host":"eu.i.posthog.com"}]}'
	cap_expect "$CP_DB" '{"where":{"client_id":"'"$t"'"},"count":1,"expect":[
	  {"source":"devtron","format":"posthog-batch","name":"Heartbeat","version":"v1.30.0",
	   "via":"capture","host":"app.posthog.com"}]}'
}

# Devtron's start-up GETs through the proxy: answered as JSON objects, and
# the PostHog endpoint given back leads to teltop again.
cap_case_go_devtron() {
	local u=itcapdt$(cap_rand) ep
	cap_capture "$CAP/dt.out" "$CP_ADDR" "$CP_DB" "$CAP_BIN/devtronget" "$u"
	grep -q '^/devtron/telemetry/posthogInfo 200 {' "$CAP/dt.out" || fail "posthogInfo: $(cat "$CAP/dt.out")"
	grep -q "^/devtron/telemetry/opt-out/$u 200 {\"result\":false}" "$CAP/dt.out" || fail "opt-out: $(cat "$CAP/dt.out")"
	ep=$(sed -n 's|^/devtron/telemetry/posthogInfo 200 ||p' "$CAP/dt.out" |
	    node -e 'let s = ""; process.stdin.on("data", (d) => s += d).on("end", () => console.log(JSON.parse(s).result.PosthogEndpoint))')
	# the endpoint must reach teltop: its own address, or an intercepted host
	case $ep in
	"http://$CP_ADDR" | "http://$CP_ADDR/") ;;
	https://analytics.loft.rocks* | https://us.i.posthog.com* | https://eu.i.posthog.com* | https://app.posthog.com* | \
	    https://telemetry.devtron.ai* | https://admin.loft.sh*) ;;
	*) fail "posthogInfo through the proxy gives PosthogEndpoint $ep: Devtron would post there, which is not teltop" ;;
	esac
	cap_capture "$CAP/go.out" "$CP_ADDR" "$CP_DB" "$CAP_BIN/posthoggo" --as devtron "$u" "${ep%/}/batch/"
	cap_status200 "$CAP/go.out"
	cap_expect "$CP_DB" '{"where":{"client_id":"'"$u"'"},"count":1,"expect":[{"source":"devtron","name":"Heartbeat"}]}'
}

# The recorded requests of the real client libraries, byte for byte through
# the proxy (only the Host line set to the real host).
cap_case_replay_devpod() {
	[ -f "$CAP_FIX/devpod-analytics-client-2f4c64b.http" ] || fail "no fixtures at $CAP_FIX"
	curl -sS --max-time 5 "http://$CP_ADDR/v1/ca" >"$CAP/ca.pem"
	cap_proxy "$CAP/replay.json" replay "$CP_ADDR" analytics.loft.rocks "$CAP/ca.pem" \
	    "$CAP_FIX/devpod-analytics-client-2f4c64b.http"
	cap_js "$CAP/replay.json" 'v.connect === 200 && v.status === 200 &&
	    /DNS:analytics\.loft\.rocks(,|$)/.test(v.cert.subjectaltname)'
	node -e 'const v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(v.cert_pem)' \
	    "$CAP/replay.json" >"$CAP/leaf.pem"
	openssl verify -CAfile "$CAP/ca.pem" -verify_hostname analytics.loft.rocks "$CAP/leaf.pem" >"$CAP/verify.out" 2>&1 ||
	    fail "openssl verify of the minted leaf against /v1/ca: $(cat "$CAP/verify.out")"
	cap_expect "$CP_DB" '{"where":{"client_id":"3ed2c7probe"},"count":1,"expect":[
	  {"source":"devpod","format":"devpod-insert","name":"devpod_cli","command":"devpod up",
	   "version":"v0.6.15","via":"capture","host":"analytics.loft.rocks","ts":"2026-12-01T14:40:24Z"}]}'
}

cap_case_replay_posthog() {
	[ -f "$CAP_FIX/devtron-posthog-go-1.5.9.http" ] || fail "no fixtures at $CAP_FIX"
	curl -sS --max-time 5 "http://$CP_ADDR/v1/ca" >"$CAP/ca.pem"
	cap_proxy "$CAP/replay.json" replay "$CP_ADDR" app.posthog.com "$CAP/ca.pem" \
	    "$CAP_FIX/devtron-posthog-go-1.5.9.http"
	cap_js "$CAP/replay.json" 'v.connect === 200 && v.status === 200 && v.body === "{\"status\":1}"'
	cap_expect "$CP_DB" '{"where":{"client_id":"ucidprobe0000001"},"count":2,"expect":[
	  {"source":"devtron","format":"posthog-batch","name":"Heartbeat","via":"capture","host":"app.posthog.com"},
	  {"source":"devtron","format":"posthog-batch","name":"Summary","via":"capture","host":"app.posthog.com"}]}'
}

# Keep-alive: three requests, one after the other, in one tunnel.
cap_case_keepalive() {
	local m=ka$(od -An -tx1 -N5 /dev/urandom | tr -d ' \n' | cut -c1-9)
	curl -sS --max-time 5 "http://$CP_ADDR/v1/ca" >"$CAP/ca.pem"
	CAP_REPEAT=3 CAP_SUBST="3ed2c7probe=$m" cap_proxy "$CAP/replay.json" replay "$CP_ADDR" analytics.loft.rocks \
	    "$CAP/ca.pem" "$CAP_FIX/devpod-analytics-client-2f4c64b.http"
	cap_js "$CAP/replay.json" 'v.status === 200 && v.replies === 3'
	cap_expect "$CP_DB" '{"where":{"client_id":"'"$m"'"},"count":3,"expect":[
	  {"via":"capture","host":"analytics.loft.rocks"},{"via":"capture"},{"via":"capture"}]}'
}

# curl under capture: plain, gzip, chunked.
cap_case_curl() {
	local m=it-cap-curl-$(cap_rand)
	cap_devpod_body "$CAP/curl.json" "$m-plain"
	cap_capture "$CAP/curl.out" "$CP_ADDR" "$CP_DB" curl -sS --fail --max-time 10 -H 'Expect:' \
	    https://analytics.loft.rocks/v1/insert -H 'content-type: application/json' --data-binary @"$CAP/curl.json"
	cap_devpod_body "$CAP/curl.json" "$m-gzip"
	gzip -c "$CAP/curl.json" >"$CAP/curl.json.gz"
	cap_capture "$CAP/curl.out" "$CP_ADDR" "$CP_DB" curl -sS --fail --max-time 10 -H 'Expect:' \
	    https://analytics.loft.rocks/v1/insert -H 'content-type: application/json' -H 'content-encoding: gzip' \
	    --data-binary @"$CAP/curl.json.gz"
	cap_devpod_body "$CAP/curl.json" "$m-chunked"
	cap_capture "$CAP/curl.out" "$CP_ADDR" "$CP_DB" curl -sS --fail --max-time 10 -H 'Expect:' \
	    https://analytics.loft.rocks/v1/insert -H 'content-type: application/json' -H 'Transfer-Encoding: chunked' \
	    --data-binary @"$CAP/curl.json"
	for k in plain gzip chunked; do
		cap_expect "$CP_DB" '{"where":{"client_id":"'"$m-$k"'"},"count":1,"expect":[
		  {"source":"devpod","name":"devpod_cli","via":"capture","host":"analytics.loft.rocks"}]}'
	done
}

# Node through https-proxy-agent, trusting teltop through NODE_EXTRA_CA_CERTS.
cap_case_node_agent() {
	local m=it-cap-node-$(cap_rand)
	cap_devpod_body "$CAP/node.json" "$m"
	cap_capture "$CAP/node.out" "$CP_ADDR" "$CP_DB" node "$CLIENTS/proxyagent.mjs" \
	    https://analytics.loft.rocks/v1/insert "$CAP/node.json"
	cap_status200 "$CAP/node.out"
	cap_expect "$CP_DB" '{"where":{"client_id":"'"$m"'"},"count":1,"expect":[
	  {"source":"devpod","via":"capture","host":"analytics.loft.rocks"}]}'
}

# A CONNECT to what is not intercepted (an IP address, a name through the
# resolve override, names that only look like an intercepted one) is a
# tunnel: the server's own certificate arrives, bytes round-trip, it is
# counted, nothing is stored.  The look-alike under loft.rocks comes after
# a .test name has shown that the override works (it must not reach out).
cap_case_tunnel() {
	local fp t0 t1 n0 n1 target sn
	fp=$(openssl x509 -in "$CAP/tunnel.pem" -noout -fingerprint -sha256 | sed 's/^.*=//')
	t0=$(cap_metric "$CP_ADDR" teltop_tunnels_opened_total)
	cap_events "$CP_DB"
	n0=$(wc -l <"$T/cap.events.jsonl")
	for target in "127.0.0.1:$CAP_ECHO_PORT tunnel.test" "www.tunnel.test:443 www.tunnel.test" \
	    "evil-analytics.loft.rocks:443 evil-analytics.loft.rocks" \
	    "analytics.loft.rocks.evil.test:443 analytics.loft.rocks.evil.test"; do
		sn=${target#* }
		target=${target% *}
		cap_proxy "$CAP/tunnel.json" tunnel "$CP_ADDR" "$target" "$sn" "$CAP/tunnel.pem"
		cap_js "$CAP/tunnel.json" 'v.connect === 200 && v.status === 200 && v.echoed === true &&
		    v.echo_header === "capservers" && v.fingerprint256 === "'"$fp"'"' ||
		    fail "CONNECT $target: not the server's own certificate, or the bytes did not come back"
	done
	t1=$(cap_metric "$CP_ADDR" teltop_tunnels_opened_total)
	[ "$t1" -ge $((t0 + 4)) ] || fail "teltop_tunnels_opened_total went from $t0 to $t1 after 4 tunnels"
	cap_events "$CP_DB"
	n1=$(wc -l <"$T/cap.events.jsonl")
	[ "$n1" -eq "$n0" ] || fail "tunnels stored $((n1 - n0)) event(s)"
}

# A plain-HTTP request through the proxy (HTTP_PROXY) to a host that is not
# intercepted is relayed.
cap_case_plain_http() {
	cap_capture "$CAP/plain.out" "$CP_ADDR" "$CP_DB" curl -sS --fail --max-time 10 \
	    http://plain.example.test/it-cap-plain?x=1
	grep -q '^echo-http GET /it-cap-plain?x=1 plain.example.test' "$CAP/plain.out" ||
	    fail "the plain-HTTP server's reply did not arrive: $(head -c 300 "$CAP/plain.out")"
}

# The CA's name constraints permit exactly the intercepted hosts; a leaf
# forged with its key for another name fails OpenSSL's verification.
cap_case_name_constraints() {
	local got key mode
	curl -sS --max-time 5 "http://$CP_ADDR/v1/ca" >"$CAP/ca.pem"
	got=$(cap_permitted "$CAP/ca.pem")
	[ "$got" = "$(cap_sorted $CAP_BUILTIN)" ] || fail "permitted: $got; want exactly: $(cap_sorted $CAP_BUILTIN)"
	openssl x509 -in "$CAP/ca.pem" -noout -ext basicConstraints | grep -q 'CA:TRUE' || fail "GET /v1/ca is not a CA certificate"
	# its key: in the data home, mode 0600 (the collector's own, in $T)
	key=$(grep -l 'PRIVATE KEY' -r "$CP_DIR/data/teltop/ca" 2>/dev/null | head -n 1) || true
	[ -n "$key" ] || fail "no private key under $CP_DIR/data/teltop/ca: $(ls -la "$CP_DIR/data/teltop/ca" 2>&1)"
	mode=$(stat -c %a "$key")
	[ "$mode" = 600 ] || fail "$key has mode $mode, want 600"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$CAP/forged.key" \
	    -out "$CAP/forged.csr" -subj /CN=www.tunnel.test 2>/dev/null
	printf 'subjectAltName=DNS:www.tunnel.test\n' >"$CAP/forged.ext"
	openssl x509 -req -in "$CAP/forged.csr" -CA "$CAP/ca.pem" -CAkey "$key" -CAcreateserial -days 1 \
	    -extfile "$CAP/forged.ext" -out "$CAP/forged.pem" 2>"$CAP/forged.err" || fail "forging: $(cat "$CAP/forged.err")"
	if openssl verify -CAfile "$CAP/ca.pem" "$CAP/forged.pem" >"$CAP/forged.out" 2>&1; then
		fail "a leaf for www.tunnel.test signed with teltop's CA key verifies: $(cat "$CAP/forged.out")"
	fi
	grep -qi 'subtree' "$CAP/forged.out" || fail "refused, but not for the name constraints: $(cat "$CAP/forged.out")"
}

# /metrics: the capture counters are there and count what went through.
cap_case_metrics() {
	local m c
	for m in teltop_captured_requests_total teltop_forwarded_requests_total \
	    teltop_blocked_requests_total teltop_tunnels_opened_total \
	    teltop_forward_failures_total teltop_tunnels_refused_total teltop_tunnels_open; do
		cap_metric "$CP_ADDR" "$m" >/dev/null || fail "no $m in /metrics"
	done
	c=$(cap_metric "$CP_ADDR" teltop_captured_requests_total)
	[ "$c" -ge 10 ] || fail "teltop_captured_requests_total is $c after the cases above (10 requests or more)"
	[ "$(cap_metric "$CP_ADDR" teltop_forwarded_requests_total)" -eq 0 ] || fail "forwarded without --forward"
	[ "$(cap_metric "$CP_ADDR" teltop_tunnels_open)" -eq 0 ] || fail "teltop_tunnels_open is not 0 with no tunnel open"
}

# ---------------------------------------------------------------- bad input

# A CONNECT to a closed port: 502 with a JSON error; the collector stays up.
cap_case_closed_port() {
	local port
	port=$(node "$CLIENTS/capservers.mjs" closed-port)
	cap_proxy "$CAP/closed.json" connect "$CP_ADDR" "127.0.0.1:$port"
	cap_js "$CAP/closed.json" 'v.status === 502 && /json/.test(v.headers["content-type"] || "") &&
	    typeof JSON.parse(v.body) === "object"'
	cap_alive CP
}

# Garbage where TLS should start: that connection closes, others are fine.
cap_case_garbage() {
	local m=it-cap-garbage-$(cap_rand)
	cap_proxy "$CAP/garbage.json" garbage "$CP_ADDR" analytics.loft.rocks
	cap_js "$CAP/garbage.json" 'v.closed === true'
	cap_alive CP
	cap_capture "$CAP/go.out" "$CP_ADDR" "$CP_DB" "$CAP_BIN/devpodpost" "$m"
	cap_status200 "$CAP/go.out"
	cap_expect "$CP_DB" '{"where":{"client_id":"'"$m"'"},"count":1}'
}

# Twenty clients stop in the middle of their handshake; meanwhile a Go
# client captures as usual.
cap_case_stalled() {
	local m=it-cap-stall-$(cap_rand)
	cap_proxy "$CAP/stall.json" stall "$CP_ADDR" analytics.loft.rocks 20 \
	    env HTTPS_PROXY="$CAP_DEAD_PROXY" timeout -k 5 20 "$TELTOP" capture --url "$CP_ADDR" -- "$CAP_BIN/devpodpost" "$m"
	cap_js "$CAP/stall.json" 'v.status === 0 && v.stdout.split("\n")[0] === "200"'
	cap_expect "$CP_DB" '{"where":{"client_id":"'"$m"'"},"count":1,"expect":[{"via":"capture"}]}'
	cap_alive CP
}

# cap_no_tunnels ADDR: the gauge teltop_tunnels_open is 0.
cap_no_tunnels() {
	local v
	v=$(cap_metric "$1" teltop_tunnels_open) || return 1
	[ "$v" = 0 ] || { echo "teltop_tunnels_open $v" >&2; return 1; }
}

# 1000 tunnels at once: each works or gets a 503 that says why; /healthz
# and ingest answer meanwhile; all are released afterwards.
cap_case_many() {
	local t0 t1
	t0=$(cap_metric "$CP_ADDR" teltop_tunnels_opened_total)
	CAP_TIMEOUT_MS=60000 cap_proxy "$CAP/many.json" many "$CP_ADDR" "127.0.0.1:$CAP_TCP_PORT" 1000
	cap_js "$CAP/many.json" 'v.nbad === 0 && v.ok + v.refused503 === 1000 && v.ok > 0 &&
	    v.healthz === 200 && v.healthz_ms < 2000 && v.ingest === 200'
	cap_alive CP
	cap_until 5000 cap_no_tunnels "$CP_ADDR"
	t1=$(cap_metric "$CP_ADDR" teltop_tunnels_opened_total)
	[ "$t1" -ge $((t0 + $(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).ok)' "$CAP/many.json"))) ] ||
	    fail "teltop_tunnels_opened_total went from $t0 to $t1"
	cap_expect "$CP_DB" '{"where":{"name":"it-cap-many-ingest"},"count":1}'
}

# ---------------------------------------------------------------- forwarding

# --forward: the Go client gets the vendor's reply, and the vendor got the
# original method, path, Host, SNI and body bytes; the event is stored too.
cap_case_forward() {
	local m=it-cap-fwd-$(cap_rand) f0 f1
	# first, through a tunnel to a name that cannot resolve: the override
	# reaches the stand-in (else a forward would go to the real vendor)
	cap_proxy "$CAP/vprobe.json" tunnel "$FW_ADDR" www.vendor.test:443 www.vendor.test "$CAP/vendor-ca.pem"
	cap_js "$CAP/vprobe.json" 'v.connect === 200 && v.status === 200' ||
	    fail "TELTOP_TEST_RESOLVE does not lead to the stand-in vendor: not forwarding anything"
	f0=$(cap_metric "$FW_ADDR" teltop_forwarded_requests_total)
	CLIENT_BODY_OUT=$CAP/fwd.body cap_capture "$CAP/fwd.out" "$FW_ADDR" "$FW_DB" "$CAP_BIN/devpodpost" "$m"
	cap_status200 "$CAP/fwd.out"
	grep -q '^vendor-ok POST /v1/insert' "$CAP/fwd.out" || fail "the client did not get the vendor's reply: $(head -c 300 "$CAP/fwd.out")"
	[ -s "$CAP/vendor.log" ] || fail "the vendor got nothing"
	node -e 'const fs = require("fs");
	    const reqs = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map(JSON.parse);
	    const sent = fs.readFileSync(process.argv[2]);
	    const mine = reqs.filter((r) => Buffer.from(r.body, "base64").includes(process.argv[3]));
	    const bad = [];
	    if (mine.length !== 1) bad.push(`${mine.length} requests with the marker reached the vendor`);
	    for (const r of mine) {
	        if (r.method !== "POST" || r.url !== "/v1/insert") bad.push(`${r.method} ${r.url}`);
	        if (r.headers.host !== "analytics.loft.rocks") bad.push(`Host: ${r.headers.host}`);
	        if (r.servername !== "analytics.loft.rocks") bad.push(`SNI ${r.servername}`);
	        if (r.headers["content-type"] !== "application/json") bad.push(`Content-Type: ${r.headers["content-type"]}`);
	        if (r.headers["user-agent"] !== "Go-http-client/1.1") bad.push(`User-Agent: ${r.headers["user-agent"]}`);
	        if (Buffer.compare(Buffer.from(r.body, "base64"), sent) !== 0) bad.push("the body differs from what the client sent");
	    }
	    if (bad.length) { console.error(bad.join("; ")); process.exit(1) }' "$CAP/vendor.log" "$CAP/fwd.body" "$m"
	cap_expect "$FW_DB" '{"where":{"client_id":"'"$m"'"},"count":1,"expect":[{"source":"devpod","via":"capture","host":"analytics.loft.rocks"}]}'
	f1=$(cap_metric "$FW_ADDR" teltop_forwarded_requests_total)
	[ "$f1" -eq $((f0 + 1)) ] || fail "teltop_forwarded_requests_total went from $f0 to $f1"
}

# cap_vendor_got MARKER: a request the vendor got has MARKER in its body.
cap_vendor_got() {
	node -e 'const fs = require("fs");
	    const got = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean)
	        .some((l) => Buffer.from(JSON.parse(l).body, "base64").includes(process.argv[2]));
	    process.exit(got ? 0 : 1)' "$CAP/vendor.log" "$1"
}

# cap_fw_optout_has SOURCE: the forwarding collector's registry lists SOURCE.
cap_fw_optout_has() {
	curl -sS --max-time 2 "http://$FW_ADDR/v1/optout" >"$T/cap.optout.json" &&
	    cap_js "$T/cap.optout.json" 'Array.isArray(v) && v.some((e) => e.source === "'"$1"'")'
}

# Opted out, DevPod is neither stored nor forwarded, and still gets 200; a
# Devsy request sent after it (the control) is forwarded.
cap_case_forward_optout() {
	local m=it-cap-blk-$(cap_rand) c=it-cap-ctl-$(cap_rand) b0 b1
	"$TELTOP" optout --db "$FW_DB" set devpod >"$CAP/oo.out" 2>&1 || fail "teltop optout set devpod: $(cat "$CAP/oo.out")"
	cap_until 3000 cap_fw_optout_has devpod
	b0=$(cap_metric "$FW_ADDR" teltop_blocked_requests_total)
	cap_capture "$CAP/fwd.out" "$FW_ADDR" "$FW_DB" "$CAP_BIN/devpodpost" "$m"
	cap_status200 "$CAP/fwd.out"
	cap_capture "$CAP/ctl.out" "$FW_ADDR" "$FW_DB" "$CAP_BIN/posthoggo" "$c"
	cap_status200 "$CAP/ctl.out"
	cap_until 3000 cap_vendor_got "$c"
	! cap_vendor_got "$m" || fail "the opted-out DevPod request reached the vendor"
	cap_expect "$FW_DB" '{"where":{"client_id":"'"$c"'"},"count":1}'
	cap_match "$FW_DB" '{"where":{"$text":"'"$m"'"},"none":true}' || fail "the opted-out DevPod event is stored"
	b1=$(cap_metric "$FW_ADDR" teltop_blocked_requests_total)
	[ "$b1" -eq $((b0 + 1)) ] || fail "teltop_blocked_requests_total went from $b0 to $b1"
	# what `teltop optout list` says of DevPod: forwarded once, blocked once
	cap_until 3000 cap_optout_capture devpod 'e.capture.forwarded === 1 && e.capture.blocked === 1'
}

# cap_optout_capture SOURCE EXPR: in `teltop optout list --json` of the
# forwarding collector's database, SOURCE's entry e satisfies EXPR.
cap_optout_capture() {
	"$TELTOP" optout --db "$FW_DB" list --json >"$T/cap.oolist.json" || return 1
	cap_js "$T/cap.oolist.json" 'v.some((e) => e.source === "'"$1"'" && e.client === null && e.capture && ('"$2"'))'
}

# The vendor is gone: the forward fails, is counted, and the tool still
# gets its 200 within its own timeout (devpodpost gives up after 3 s, as
# DevPod does); the event is stored.
cap_case_forward_failed() {
	local m=it-cap-ffail-$(cap_rand) f0 f1
	"$TELTOP" optout --db "$FW_DB" clear devpod >"$CAP/oo.out" 2>&1 || fail "teltop optout clear devpod: $(cat "$CAP/oo.out")"
	cap_until 3000 eval '! cap_fw_optout_has devpod'
	kill -TERM "$CAP_VENDOR_PORT_PID" 2>/dev/null || true
	wait "$CAP_VENDOR_PORT_PID" 2>/dev/null || true
	f0=$(cap_metric "$FW_ADDR" teltop_forward_failures_total)
	cap_capture "$CAP/ffail.out" "$FW_ADDR" "$FW_DB" "$CAP_BIN/devpodpost" "$m"
	cap_status200 "$CAP/ffail.out"
	cap_expect "$FW_DB" '{"where":{"client_id":"'"$m"'"},"count":1,"expect":[{"source":"devpod","via":"capture"}]}'
	f1=$(cap_metric "$FW_ADDR" teltop_forward_failures_total)
	[ "$f1" -eq $((f0 + 1)) ] || fail "teltop_forward_failures_total went from $f0 to $f1"
	cap_alive FW
}

# ---------------------------------------------------------------- token, intercept

# --token-required: CONNECT wants the token (407 + Proxy-Authenticate
# otherwise); GET /v1/ca says so, and the proxy URL capture gives its child
# carries it.
cap_case_token() {
	local tok basic wrong st m=it-cap-tok-$(cap_rand)
	cap_serve TR token --token-required
	trap 'cap_stop TR >/dev/null 2>&1 || true' EXIT
	tok=$("$TELTOP" token --db "$TR_DB")
	basic=$(printf 'teltop:%s' "$tok" | base64 -w0)
	cap_proxy "$CAP/tok.json" connect "$TR_ADDR" analytics.loft.rocks:443
	cap_js "$CAP/tok.json" 'v.status === 407 && v.headers["proxy-authenticate"] === "Basic realm=\"teltop\""'
	case $tok in *0) wrong=${tok%?}1 ;; *) wrong=${tok%?}0 ;; esac
	CAP_PROXY_AUTH="Basic $(printf 'teltop:%s' "$wrong" | base64 -w0)" cap_proxy "$CAP/tok.json" connect "$TR_ADDR" analytics.loft.rocks:443
	cap_js "$CAP/tok.json" 'v.status === 407'
	CAP_PROXY_AUTH="Basic $basic" cap_proxy "$CAP/tok.json" connect "$TR_ADDR" analytics.loft.rocks:443
	cap_js "$CAP/tok.json" 'v.status === 200'
	CAP_PROXY_AUTH="Bearer $tok" cap_proxy "$CAP/tok.json" connect "$TR_ADDR" analytics.loft.rocks:443
	cap_js "$CAP/tok.json" 'v.status === 200'
	cap_capture "$CAP/tok.out" "$TR_ADDR" "$TR_DB" "$CAP_BIN/devpodpost" "$m"
	cap_status200 "$CAP/tok.out"
	cap_devpod_body "$CAP/tok.json" "$m-curl"
	cap_capture "$CAP/tok.out" "$TR_ADDR" "$TR_DB" curl -sS --fail --max-time 10 -H 'Expect:' \
	    https://analytics.loft.rocks/v1/insert -H 'content-type: application/json' --data-binary @"$CAP/tok.json"
	cap_expect "$TR_DB" '{"where":{"client_id":"'"$m"'"},"count":1,"expect":[{"via":"capture","host":"analytics.loft.rocks"}]}'
	cap_expect "$TR_DB" '{"where":{"client_id":"'"$m-curl"'"},"count":1,"expect":[{"via":"capture"}]}'
	# the exports carry it, because /v1/ca says this proxy wants it
	"$TELTOP" capture --env --url "$TR_ADDR" --db "$TR_DB" >"$CAP/tok.env" 2>&1 || fail "capture --env: $(cat "$CAP/tok.env")"
	grep -qF "export HTTPS_PROXY='http://teltop:$tok@$TR_ADDR'" "$CAP/tok.env" || fail "no token in the exports: $(grep PROXY "$CAP/tok.env")"
	# the CA's certificate is public: no token for it on loopback
	st=$(curl -s --max-time 5 -o "$CAP/tok.body" -w '%{http_code}' "http://$TR_ADDR/v1/ca")
	[ "$st" = 200 ] || fail "GET /v1/ca without a token on loopback: $st $(head -c 200 "$CAP/tok.body")"
	cap_stop TR
}

# --intercept HOST=SOURCE and the config file's `intercept HOST SOURCE` add
# hosts: captured with their host, and in the CA's name constraints.
cap_case_intercept() {
	local d=it-cap-icd-$(cap_rand) s=it-cap-ics-$(cap_rand) got
	mkdir -p "$T/cap-icpt/config/teltop"
	printf '# capture.sh\nintercept it-config.example.org devsy\n' >"$T/cap-icpt/config/teltop/config"
	cap_serve IC icpt --intercept it-intercept.example.com=devpod
	trap 'cap_stop IC >/dev/null 2>&1 || true' EXIT
	cap_capture "$CAP/ic.out" "$IC_ADDR" "$IC_DB" "$CAP_BIN/devpodpost" "$d" https://it-intercept.example.com/v1/insert
	cap_status200 "$CAP/ic.out"
	cap_capture "$CAP/ic.out" "$IC_ADDR" "$IC_DB" "$CAP_BIN/posthoggo" "$s" https://it-config.example.org/batch/
	cap_status200 "$CAP/ic.out"
	cap_expect "$IC_DB" '{"where":{"client_id":"'"$d"'"},"count":1,"expect":[
	  {"source":"devpod","via":"capture","host":"it-intercept.example.com"}]}'
	cap_expect "$IC_DB" '{"where":{"client_id":"'"$s"'"},"count":1,"expect":[
	  {"source":"devsy","via":"capture","host":"it-config.example.org"}]}'
	curl -sS --max-time 5 "http://$IC_ADDR/v1/ca" >"$CAP/ic-ca.pem"
	got=$(cap_permitted "$CAP/ic-ca.pem")
	[ "$got" = "$(cap_sorted $CAP_BUILTIN it-intercept.example.com it-config.example.org)" ] ||
	    fail "permitted: $got; want the built-in hosts and it-intercept.example.com, it-config.example.org"
	cap_stop IC
}

# No collector's log holds a sanitizer report (under `make asan`: UBSan
# goes on after one, so its report is the only trace).
cap_case_no_ub() {
	local f
	for f in "$T"/cap-*/serve.log; do
		[ -e "$f" ] || continue
		if grep -q -e 'runtime error' -e 'AddressSanitizer' -e 'LeakSanitizer' "$f"; then
			grep -m 5 -e 'runtime error' -e 'Sanitizer' -A5 "$f" >&2
			fail "sanitizer report in $f"
		fi
	done
}

# ---------------------------------------------------------------- the groups

run_capture_cases() {
	local rc
	CAP=$T/cap
	CAP_BIN=$CAP/bin
	mkdir -p "$CAP"
	# capture's bundle stays in $T
	export XDG_RUNTIME_DIR=$T/xdg-run
	mkdir -p -m 700 "$XDG_RUNTIME_DIR"

	cap_run_case "capture: no collector: one line, CMD runs with its environment untouched, exit 7 passes" cap_case_no_collector
	cap_run_case "capture: a collector that never answers: CMD runs within 2 s, one line" cap_case_silent
	cap_run_case "capture --env: no collector: exit 1, one line, nothing on stdout" cap_case_env_none
	cap_run_case "capture: usage errors exit 2, a missing command 127" cap_case_usage
	run_case "capture: the Go test clients build (go build, stdlib only)" cap_case_go_build
	run_case "capture: test certificates (openssl): tunnel server, stand-in vendor and its CA" cap_case_certs

	set +e
	{
		cap_server CAP_ECHO_PORT echo-tls "$CAP/tunnel.key" "$CAP/tunnel.pem" &&
		cap_server CAP_HTTP_PORT echo-http &&
		cap_server CAP_TCP_PORT tcp-echo &&
		TELTOP_TEST_RESOLVE="www.tunnel.test=127.0.0.1:$CAP_ECHO_PORT,evil-analytics.loft.rocks=127.0.0.1:$CAP_ECHO_PORT,analytics.loft.rocks.evil.test=127.0.0.1:$CAP_ECHO_PORT,plain.example.test=127.0.0.1:$CAP_HTTP_PORT" \
		    cap_serve CP main
	} >"$T/case.log" 2>&1
	rc=$?
	set -e
	record "capture: a collector and the stand-in servers start" "$rc" "$T/case.log"
	if [ "$rc" -eq 0 ]; then
		cap_run_case "capture --env: sh and bash eval it; it names the collector, the token, a bundle with /v1/ca" cap_case_env
		cap_run_case "capture: CMD gets the ten variables and nothing else; status, signal, stdio pass" cap_case_cmd
		cap_run_case "capture: Go as DevPod's client -> 200, stored devpod via capture, host analytics.loft.rocks" cap_case_go_devpod
		cap_run_case "capture: Go as posthog-go (Devsy us/eu, Devtron app.posthog.com) -> stored with their hosts" cap_case_go_posthog
		cap_run_case "capture: Go as Devtron: posthogInfo and opt-out through the proxy, its endpoint leads back" cap_case_go_devtron
		cap_run_case "capture: recorded DevPod analytics-client request replayed byte for byte; leaf verifies" cap_case_replay_devpod
		cap_run_case "capture: recorded posthog-go 1.5.9 request replayed byte for byte" cap_case_replay_posthog
		cap_run_case "capture: keep-alive, three requests in one tunnel" cap_case_keepalive
		cap_run_case "capture: curl (plain, gzip, chunked) stored" cap_case_curl
		cap_run_case "capture: Node https-proxy-agent + NODE_EXTRA_CA_CERTS stored" cap_case_node_agent
		cap_run_case "capture: other hosts (IP, name, look-alikes) tunnelled: their own certificate, bytes round-trip" cap_case_tunnel
		cap_run_case "capture: plain HTTP through the proxy to another host is relayed" cap_case_plain_http
		cap_run_case "capture: the CA's name constraints are exactly the intercepted hosts; a forged leaf fails" cap_case_name_constraints
		cap_run_case "capture: /metrics capture counters" cap_case_metrics
		cap_run_case "capture: CONNECT to a closed port: 502 + JSON, collector up" cap_case_closed_port
		cap_run_case "capture: TLS garbage after CONNECT: that connection closes, others fine" cap_case_garbage
		cap_run_case "capture: 20 handshakes that never finish; a Go client captures meanwhile" cap_case_stalled
		cap_run_case "capture: 1000 tunnels at once: each works or 503, /healthz and ingest answer, all released" cap_case_many
		set +e
		cap_stop CP >"$T/case.log" 2>&1
		rc=$?
		set -e
		record "capture: the collector exits 0 on SIGTERM after all that" "$rc" "$T/case.log"
	fi

	: >"$CAP/vendor.log"
	set +e
	{
		cap_server CAP_VENDOR_PORT vendor "$CAP/vendor.key" "$CAP/vendor.pem" "$CAP/vendor.log" &&
		TELTOP_TEST_RESOLVE="www.vendor.test=127.0.0.1:$CAP_VENDOR_PORT,analytics.loft.rocks=127.0.0.1:$CAP_VENDOR_PORT,us.i.posthog.com=127.0.0.1:$CAP_VENDOR_PORT" \
		SSL_CERT_FILE=$CAP/fwd-trust.pem cap_serve FW forward --forward
	} >"$T/case.log" 2>&1
	rc=$?
	set -e
	record "capture: a collector with --forward and a stand-in vendor start" "$rc" "$T/case.log"
	if [ "$rc" -eq 0 ]; then
		cap_run_case "capture --forward: the client gets the vendor's reply; the vendor got the request as sent" cap_case_forward
		cap_run_case "capture --forward: DevPod opted out: 200, not forwarded, not stored, blocked counted" cap_case_forward_optout
		cap_run_case "capture --forward: the vendor is gone: 200 within DevPod's 3 s, counted as failed, stored" \
		    cap_case_forward_failed
		set +e
		cap_stop FW >"$T/case.log" 2>&1
		rc=$?
		set -e
		record "capture: the forwarding collector exits 0 on SIGTERM" "$rc" "$T/case.log"
	fi

	cap_run_case "capture: --token-required: CONNECT wants the token (407), capture's proxy URL carries it" cap_case_token
	cap_run_case "capture: --intercept HOST=SOURCE and the config file's intercept lines are captured" cap_case_intercept
	cap_run_case "capture: no sanitizer report in the collectors' logs" cap_case_no_ub
	cap_kill_all
}

# ---------------------------------------------------------------- standalone

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	TELTOP=${1:-./teltop}
	case $TELTOP in
	/*) ;;
	*) TELTOP=$PWD/$TELTOP ;;
	esac
	CLIENTS=$cap_root/tests/clients
	T=$(mktemp -d "${TMPDIR:-/tmp}/teltop-cap.XXXXXX")
	export XDG_DATA_HOME=$T/xdg-data XDG_CONFIG_HOME=$T/xdg-config
	PASS=0
	FAIL=0
	trap 'cap_kill_all; if [ "${KEEP:-0}" = 1 ]; then echo "# kept $T"; else rm -rf "$T"; fi' EXIT

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
	run_case() {
		local name=$1 rc
		shift
		set +e
		(set -e; "$@") >"$T/case.log" 2>&1
		rc=$?
		set -e
		record "$name" "$rc" "$T/case.log"
	}
	fail() {
		echo "$*" >&2
		exit 1
	}
	check() { node "$cap_here/check.mjs" "$@"; }
	if [ ! -f "$CLIENTS/node_modules/https-proxy-agent/package.json" ]; then
		npm install --no-audit --no-fund --no-package-lock --loglevel=error --prefix "$CLIENTS" >"$T/npm.log" 2>&1 ||
		    { cat "$T/npm.log"; exit 1; }
	fi
	run_capture_cases
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
fi
