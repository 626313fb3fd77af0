#!/bin/sh
#
# bench/run.sh: teltop's ingest benchmark.
#
#	bench/run.sh [./teltop]
#
# Starts "teltop serve" on a fresh database in a temporary directory, on a
# free loopback port, and drives it with bench/load: ws1 (one event per
# WebSocket message), ws100 (arrays of 100 events, two connections) and
# http100 (posthog-go batches of 100 on POST /batch/).  Then it stops the
# server with SIGTERM, checks that every accepted event is in its database,
# and runs bench/rawinsert, plain SQLite with the same rows and the same
# transactions of 100, as the reference.  It prints a table and
#
#	ratio ws100/raw = X.XX (floor 0.50)
#
# It builds nothing: "make bench" builds bench/load and bench/rawinsert first.
# Exit status: 0 when every step worked, whatever the figures; 1 when a step
# failed (server did not start, a reply was wrong or missing, the server did
# not exit 0 on SIGTERM, rows missing); 2 on a usage error.
#
# Sizes can be changed from the environment: BENCH_WS1_EVENTS (20000),
# BENCH_WS100_EVENTS (200000), BENCH_WS100_CONNS (2), BENCH_HTTP100_EVENTS
# (100000), BENCH_TIMEOUT (120 s for each load run).

set -u

teltop=${1:-./teltop}
here=$(cd "$(dirname "$0")" && pwd)
load=$here/load
rawinsert=$here/rawinsert

ws1_events=${BENCH_WS1_EVENTS:-20000}
ws100_events=${BENCH_WS100_EVENTS:-200000}
ws100_conns=${BENCH_WS100_CONNS:-2}
http100_events=${BENCH_HTTP100_EVENTS:-100000}
timeout_s=${BENCH_TIMEOUT:-120}

if [ $# -gt 1 ]; then
	echo "usage: bench/run.sh [TELTOP]" >&2
	exit 2
fi
for f in "$teltop" "$load" "$rawinsert"; do
	if [ ! -x "$f" ]; then
		echo "bench: $f is missing or not executable; run \"make bench\"" >&2
		exit 2
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/teltop-bench.XXXXXX") || exit 1
server=
failed=0
load_failed=0
rows=

# Stop the server if it still runs, and remove the temporary directory.
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
		kill -TERM "$server" 2>/dev/null
		sleep 1
		kill -0 "$server" 2>/dev/null && kill -KILL "$server"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# Report a failed step; the run goes on where it still makes sense.
fail() {
	echo "bench: FAIL: $*" >&2
	failed=1
}

# Show the end of the server's log.
server_log() {
	echo "bench: last lines of the server's stderr:" >&2
	tail -n 20 "$tmp/serve.log" | sed 's/^/    /' >&2
}

# The value of key in a "key=value ..." line.
field() {
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# Start "teltop serve" and set $server and $url.
start_server() {
	"$teltop" serve --db "$tmp/teltop.db" --listen 127.0.0.1:0 \
	    2>"$tmp/serve.log" &
	server=$!
	i=0
	while [ $i -lt 100 ]; do
		url=$(sed -n 's/.*listening on \(127\.0\.0\.1:[0-9][0-9]*\).*/\1/p' \
		    "$tmp/serve.log" | head -n 1)
		[ -n "$url" ] && return 0
		if ! kill -0 "$server" 2>/dev/null; then
			wait "$server"
			echo "bench: teltop serve exited with status $? before listening" >&2
			server=
			server_log
			return 1
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "bench: teltop serve printed no \"listening on 127.0.0.1:PORT\" within 10 s" >&2
	server_log
	return 1
}

# Stop the server with SIGTERM; it must exit 0 within 10 s.
stop_server() {
	if ! kill -0 "$server" 2>/dev/null; then
		wait "$server"
		fail "teltop serve had already exited (status $?)"
		server_log
		server=
		return
	fi
	kill -TERM "$server"
	i=0
	while kill -0 "$server" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$server" 2>/dev/null; then
		fail "teltop serve did not exit within 10 s of SIGTERM"
		kill -KILL "$server"
		wait "$server" 2>/dev/null
		server_log
	else
		wait "$server"
		status=$?
		if [ $status -ne 0 ]; then
			fail "teltop serve exited with status $status on SIGTERM"
			server_log
		fi
	fi
	server=
}

# Run one load mode; its result line goes to $tmp/MODE.out.
run_load() {
	mode=$1
	shift
	if ! kill -0 "$server" 2>/dev/null; then
		fail "$mode: skipped, the server is gone"
		return
	fi
	"$load" --url "$url" --mode "$mode" --timeout "$timeout_s" "$@" \
	    >"$tmp/$mode.out" 2>"$tmp/$mode.err"
	status=$?
	if [ -s "$tmp/$mode.err" ]; then
		sed 's/^/    /' "$tmp/$mode.err" >&2
	fi
	if [ $status -ne 0 ]; then
		fail "$mode: bench/load exited with status $status"
		server_log
		rm -f "$tmp/$mode.out"
		# A hung server would hang the next runs too: wait less.
		[ "$timeout_s" -gt 30 ] && timeout_s=30
		load_failed=1
	fi
	if ! kill -0 "$server" 2>/dev/null; then
		fail "$mode: teltop serve died during the run"
		server_log
	fi
}

# One row of the table from a result line (or "failed").
row() {
	mode=$1
	if [ ! -s "$tmp/$mode.out" ]; then
		printf '%-8s %10s\n' "$mode" "failed"
		return
	fi
	line=$(cat "$tmp/$mode.out")
	if [ "$mode" = raw ]; then
		rate=$(field "$line" rows_per_s)
		conns=-
		window=-
		p50=-
		p99=-
	else
		rate=$(field "$line" acked_per_s)
		conns=$(field "$line" conns)
		window=$(field "$line" window)
		p50=$(field "$line" p50_ms)
		p99=$(field "$line" p99_ms)
	fi
	printf '%-8s %10s %6s %6s %9s %11s %9s %9s\n' "$mode" \
	    "$(field "$line" events)" "$conns" "$window" \
	    "$(field "$line" seconds)" "$rate" "$p50" "$p99"
}

echo "bench: $teltop on $(uname -sm)," \
    "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo ?) CPUs, files in $tmp"
if start_server; then
	echo "bench: teltop serve listening on $url"
	run_load ws1 --events "$ws1_events"
	run_load ws100 --events "$ws100_events" --conns "$ws100_conns"
	run_load http100 --events "$http100_events"
	stop_server

	# Every accepted event must be in the database (design.md: an
	# "accepted" reply is a promise).
	expect=0
	for m in ws1 ws100 http100; do
		if [ -s "$tmp/$m.out" ]; then
			expect=$((expect + $(field "$(cat "$tmp/$m.out")" acked)))
		fi
	done
	if [ $load_failed -ne 0 ]; then
		echo "bench: a load run failed: stored rows not checked" >&2
	elif command -v sqlite3 >/dev/null 2>&1; then
		rows=$(sqlite3 "$tmp/teltop.db" "SELECT count(*) FROM events" 2>&1)
		if [ "$rows" != "$expect" ]; then
			fail "the events table holds \"$rows\" rows; the server accepted $expect events"
		fi
	else
		echo "bench: no sqlite3 command: stored rows not checked" >&2
	fi
else
	fail "teltop serve did not start"
	server=
fi

if "$rawinsert" --db "$tmp/raw.db" --events "$ws100_events" \
    >"$tmp/raw.out" 2>"$tmp/raw.err"; then
	:
else
	fail "bench/rawinsert exited with status $?"
	sed 's/^/    /' "$tmp/raw.err" >&2
	rm -f "$tmp/raw.out"
fi

echo
printf '%-8s %10s %6s %6s %9s %11s %9s %9s\n' mode events conns window \
    seconds events/s p50_ms p99_ms
for m in ws1 ws100 http100 raw; do
	row $m
done
if [ -n "$rows" ]; then
	echo "rows stored by teltop: $rows (expected $expect)"
fi
if [ -s "$tmp/ws100.out" ] && [ -s "$tmp/raw.out" ]; then
	ws=$(field "$(cat "$tmp/ws100.out")" acked_per_s)
	raw=$(field "$(cat "$tmp/raw.out")" rows_per_s)
	awk -v ws="$ws" -v raw="$raw" 'BEGIN {
		r = raw > 0 ? ws / raw : 0
		printf "ratio ws100/raw = %.2f (floor 0.50)%s\n", r,
		    r < 0.50 ? "  BELOW FLOOR" : ""
	}'
else
	echo "ratio ws100/raw = n/a (floor 0.50)"
fi

# The aggregates: their cost per event in memory, against the cost of one
# acked event at the ws100 rate; and `teltop stats` on a 1M-event database.
stats_events=${BENCH_STATS_EVENTS:-1000000}
statsbench=$(dirname "$0")/statsbench
if [ -x "$statsbench" ]; then
	echo
	echo "bench: writing $stats_events events for teltop stats..."
	if "$statsbench" --events "$stats_events" --db "$tmp/stats.db" \
	    >"$tmp/stats.out" 2>&1; then
		ns=$(field "$(head -n 1 "$tmp/stats.out")" ns_per_event)
		start=$(date +%s%N)
		"$teltop" stats --db "$tmp/stats.db" --json >/dev/null ||
		    fail "teltop stats failed"
		end=$(date +%s%N)
		awk -v ns="$ns" -v ws="${ws:-0}" -v n="$stats_events" \
		    -v ms="$(( (end - start) / 1000000 ))" 'BEGIN {
			printf "aggregates: %d ns per event in memory", ns
			if (ws > 0)
				printf " (%.1f%% of the %.0f ns an acked ws100 " \
				    "event costs)", 100 * ns / (1e9 / ws), 1e9 / ws
			printf "\nteltop stats on %d events: %d ms " \
			    "(target: well under 1000)\n", n, ms
		}'
	else
		fail "bench/statsbench failed"
		sed 's/^/    /' "$tmp/stats.out" >&2
	fi
fi
# The privacy findings, run for every event before it is queued.
privbench=$(dirname "$0")/privbench
if [ -x "$privbench" ]; then
	if "$privbench" "$here/../tests/integration/fixtures" >"$tmp/priv.out" \
	    2>&1; then
		pns=$(field "$(cat "$tmp/priv.out")" ns_per_event)
		awk -v ns="$pns" -v ws="${ws:-0}" 'BEGIN {
			printf "privacy findings: %d ns per event (recorded " \
			    "tool payloads)", ns
			if (ws > 0)
				printf ", %.1f%% of the %.0f ns an acked ws100 " \
				    "event costs", 100 * ns / (1e9 / ws), 1e9 / ws
			printf "\n"
		}'
	else
		fail "bench/privbench failed"
		sed 's/^/    /' "$tmp/priv.out" >&2
	fi
fi

# The loop while a 20 MiB body is decoded: GET /healthz, back to back on
# one connection, for as long as the big POST takes (bench/healthz.mjs).
if command -v node >/dev/null 2>&1; then
	echo
	rm -f "$tmp/teltop.db" "$tmp/teltop.db-wal" "$tmp/teltop.db-shm"
	if start_server; then
		node "$here/healthz.mjs" "$url" || fail "bench/healthz.mjs failed"
		stop_server
	fi
fi

# The UI attached: the same ws100 load against `teltop` (collector + UI)
# running in a private tmux server at 120x40, against `serve` alone above;
# and how long a key takes to show on screen while that load runs.
if command -v tmux >/dev/null 2>&1 && [ -s "$tmp/ws100.out" ]; then
	echo
	sock=teltop-bench-$$
	port=
	for try in 1 2 3 4 5 6 7 8 9 10; do
		p=$(awk 'BEGIN { srand(); print 20000 + int(rand() * 40000) }')
		if ! bash -c "echo >/dev/tcp/127.0.0.1/$p" 2>/dev/null; then
			port=$p
			break
		fi
	done
	tmux -L "$sock" new-session -d -s ui -x 120 -y 40 \
	    "$teltop --db $tmp/ui.db --listen 127.0.0.1:$port; sleep 5"
	i=0
	until tmux -L "$sock" capture-pane -p -t ui 2>/dev/null |
	    grep -q "127.0.0.1:$port"; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			fail "the UI did not start under tmux"
			break
		fi
		sleep 0.1
	done
	url=127.0.0.1:$port
	"$load" --url "$url" --mode ws100 --events "$ws100_events" \
	    --conns "$ws100_conns" --timeout "$timeout_s" \
	    >"$tmp/ui.out" 2>"$tmp/ui.err" &
	loadpid=$!
	# a key while the load runs: Commands view, then back to Stream
	sleep 1
	keyms=
	if kill -0 "$loadpid" 2>/dev/null; then
		t0=$(date +%s%N)
		tmux -L "$sock" send-keys -t ui 2
		i=0
		until tmux -L "$sock" capture-pane -p -t ui | grep -q "RUNS FAIL"; do
			i=$((i + 1))
			[ $i -gt 500 ] && break
			sleep 0.005
		done
		t1=$(date +%s%N)
		keyms=$(( (t1 - t0) / 1000000 ))
		tmux -L "$sock" send-keys -t ui 1
	fi
	wait "$loadpid" || fail "ui: bench/load exited with status $?"
	# the same with `teltop demo --rate 20000` feeding it: Opt-out view
	"$teltop" demo --url "http://$url" --rate 20000 --duration 6 \
	    >"$tmp/demo.out" 2>&1 &
	demopid=$!
	sleep 2
	demoms=
	if kill -0 "$demopid" 2>/dev/null; then
		t0=$(date +%s%N)
		tmux -L "$sock" send-keys -t ui 3
		i=0
		until tmux -L "$sock" capture-pane -p -t ui |
		    grep -q "SOURCE / CLIENT"; do
			i=$((i + 1))
			[ $i -gt 500 ] && break
			sleep 0.005
		done
		t1=$(date +%s%N)
		demoms=$(( (t1 - t0) / 1000000 ))
	fi
	wait "$demopid" || fail "ui: teltop demo exited with status $?"
	tmux -L "$sock" send-keys -t ui q
	sleep 1
	tmux -L "$sock" kill-server 2>/dev/null
	if [ -s "$tmp/ui.out" ]; then
		wsui=$(field "$(cat "$tmp/ui.out")" acked_per_s)
		awk -v ui="$wsui" -v ws="$ws" -v k="${keyms:-?}" \
		    -v d="${demoms:-?}" 'BEGIN {
			printf "ws100 with the UI attached (tmux 120x40): %s " \
			    "events/s; serve alone: %s; ratio ui/serve = %.2f\n",
			    ui, ws, (ws > 0 ? ui / ws : 0)
			printf "a key (2: Commands) on screen %s ms after it " \
			    "was sent, under that load (tmux polling " \
			    "included)\n", k
			printf "a key (3: Opt-out) on screen %s ms after it " \
			    "was sent, with teltop demo --rate 20000 feeding " \
			    "the UI\n", d
		}'
	fi
fi
exit $failed
