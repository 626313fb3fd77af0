#!/usr/bin/env bash
#
# bench/run.sh: teltop's benchmark, as issue 12 ("Performance") defines it.
#
#	bench/run.sh [TELTOP [TOOLS]]	(make bench: ./teltop build/bench)
#
# TOOLS is the directory of bench/load, bench/rawinsert and bench/dbinfo as
# "make bench" builds them; the big databases are cached there too.  Each
# step uses two kinds of events (bench/bench_event.h): the bench rows
# (generic, ~190 B) and the mix (DevPod legacy cmdfinished and Devtron
# posthog-go captures, alternating, ~590 B).
#
#  1. Rates, min/median/max of BENCH_REPEAT rounds; each round runs each
#     load once on a fresh database, and the raw reference once per kind:
#	raw	bench/rawinsert: plain SQLite, the fixed reference (one row an
#		event, transactions of 1000, WAL, synchronous=FULL, indexes on
#		ts, command, source)
#	arrays	WebSocket arrays of 100 events, 2 connections, 32 in flight
#	ws1	one event a WebSocket message, 1 connection, 32 in flight
#	ws32	one event a WebSocket message, 32 connections
#	http1	HTTP requests of 100 events, 1 client, one at a time as
#		posthog-go sends (Devtron's on /batch/, DevPod's on its legacy
#		route, the bench rows on /v1/events)
#	http8	the same with 8 clients
#  2. 1 M events of each kind ingested (arrays): bytes/event on disk after
#     close (database + WAL, indexes included), the server's VmHWM,
#     "teltop stats" on them, "teltop serve" start-up until GET /healthz
#     answers; rawinsert's bytes/event for the same events.
#  3. Ack latency p50/p99 at a paced BENCH_PACED_RATE (open loop, from each
#     message's due time): arrays and one a message (32 connections), both
#     kinds; BENCH_REPEAT rounds, the medians in the table.
#  4. The arrays rate into a database already holding BENCH_BIG_ROWS bench
#     rows, against the empty one of step 1; the same for rawinsert.  Both
#     big databases are built once (teltop's by ingest) and cached in TOOLS;
#     teltop's is rebuilt when a fresh database's schema differs from the
#     one it was built with, or when runs have grown it by a quarter.
#  5. The arrays rate with the UI attached ("teltop" in tmux, 120x40),
#     against "serve" alone; and how long a key takes to show meanwhile.
#  6. GET /healthz latency while a 20 MiB body is decoded (needs node).
#  7. Retention (issue 16).  The mix as fast as it goes (arrays) into
#     "serve --max-db-size" of BENCH_CAP_MIB until it has taken about four
#     times the cap, the database file and its WAL sampled every 0.1 s:
#     the largest file against the cap.  Then step 3's paced load on that
#     full database, which evicts after every commit: its ack p99 against
#     step 3's (a commit waits for one slice at most).  And the paced load
#     into "serve --retain 3s": the rows left at the end against what 3 s
#     of it is.
#  8. PostgreSQL (issue 18): store/pg.c's batch commit, and events acked
#     through a collector (bench/pgcollector.sh), against a raw COPY
#     of the same rows into the same throwaway cluster (bench/pgbench.c);
#     skipped where there is no PostgreSQL server.
# Then a table: goal | measured | target | ok/FAIL, ratios against the raw
# reference of the same run.  Targets are reported, not asserted.
#
# The server runs on CPU BENCH_SERVER_CPU, the load on BENCH_LOAD_CPU
# (taskset; rawinsert on the server's CPU).  Environment:
#	BENCH_SCALE=1		scales every event count (0.1: a quick check)
#	BENCH_REPEAT=3		rounds of the rates
#	BENCH_PACED_RATE=10000	events/s offered in step 3
#	BENCH_PACED_SECONDS=8	length of each paced run
#	BENCH_BIG_ROWS=10000000	rows of step 4's databases (scaled)
#	BENCH_BIG_REBUILD=1	rebuild them
#	BENCH_SERVER_CPU=0, BENCH_LOAD_CPU=1
#	BENCH_TIMEOUT=600	seconds one load run may take
#	BENCH_KEEP=1		keep the temporary directory
#	BENCH_CAP_MIB=64	step 7's --max-db-size (scaled, at least 8)
# Event counts at scale 1: arrays and raw 200,000; http8 100,000; ws32
# 50,000; http1 40,000; ws1 20,000; step 2 1,000,000 of each kind.  "teltop
# stats" runs BENCH_REPEAT times too, but once only when it takes over 5 s.
# About 5 minutes on the 2-core development machine with today's teltop,
# 14 the first time (the big databases are built: 10 GB in TOOLS/cache,
# which make clean removes).
#
# Exit status: 0 when every step worked, whatever the figures; 1 when a step
# failed (a server did not start or exit 0 on SIGTERM, a reply was wrong or
# missing, acked events are missing from the database); 2 on a usage error.

set -u

teltop=${1:-./teltop}
tools=${2:-build/bench}
case $teltop in /*) ;; *) teltop=$(pwd)/$teltop ;; esac
case $tools in /*) ;; *) tools=$(pwd)/$tools ;; esac
here=$(cd "$(dirname "$0")" && pwd)
load=$tools/load
rawinsert=$tools/rawinsert
dbinfo=$tools/dbinfo

scale=${BENCH_SCALE:-1}
repeat=${BENCH_REPEAT:-3}
paced_rate=${BENCH_PACED_RATE:-10000}
paced_s=${BENCH_PACED_SECONDS:-8}
scpu=${BENCH_SERVER_CPU:-0}
lcpu=${BENCH_LOAD_CPU:-1}
timeout_s=${BENCH_TIMEOUT:-600}
cache=$tools/cache

if [ $# -gt 2 ]; then
	echo "usage: bench/run.sh [TELTOP [TOOLS]]" >&2
	exit 2
fi
for f in "$teltop" "$load" "$rawinsert" "$dbinfo"; do
	if [ ! -x "$f" ]; then
		echo "bench: $f is missing or not executable; run \"make bench\"" >&2
		exit 2
	fi
done

# n * scale, at least min (default 1000).
scaled() {
	awk -v n="$1" -v s="$scale" -v m="${2:-1000}" \
	    'BEGIN { v = int(n * s + 0.5); print (v < m ? m : v) }'
}
n_arrays=$(scaled 200000)
n_ws1=$(scaled 20000)
n_ws32=$(scaled 50000)
n_http1=$(scaled 40000)
n_http8=$(scaled 100000)
n_raw=$n_arrays
n_million=$(scaled 1000000)
n_big=$(scaled "${BENCH_BIG_ROWS:-10000000}")
paced_s=$(awk -v t="$paced_s" -v s="$scale" \
    'BEGIN { v = t * s; print (v < 1 ? 1 : v) }')
n_paced=$(awk -v r="$paced_rate" -v t="$paced_s" 'BEGIN { print int(r * t) }')

# Pinning: the server (and rawinsert) on one CPU, the load on another.
if [ "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)" -ge 2 ] &&
    command -v taskset >/dev/null 2>&1; then
	on_server="taskset -c $scpu"
	on_load="taskset -c $lcpu"
	pinning="server on CPU $scpu, load on CPU $lcpu"
else
	on_server=
	on_load=
	pinning="not pinned (needs 2 CPUs and taskset)"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/teltop-bench.XXXXXX") || exit 1
res=$tmp/results
mkdir -p "$res" "$cache"
server=
failed=0
tmux_sock=teltop-bench-$$

# Stop what still runs, and remove the temporary directory.
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
		kill -TERM "$server" 2>/dev/null
		sleep 1
		kill -0 "$server" 2>/dev/null && kill -KILL "$server"
	fi
	tmux -L "$tmux_sock" kill-server 2>/dev/null
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "bench: files kept in $tmp" >&2
	else
		rm -rf "$tmp"
	fi
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

# Add a figure to a result; "get KEY" prints them, "stat3 KEY" summarizes.
put() {
	[ -n "$2" ] && echo "$2" >>"$res/$1"
}
# min median max of a result's figures, or "-" when it has none.
stat3() {
	if [ ! -s "$res/$1" ]; then
		echo "- - -"
		return
	fi
	sort -g "$res/$1" | awk '{ v[NR] = $1 } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		print v[1], m, v[NR] }'
}
median() {
	stat3 "$1" | awk '{ print $2 }'
}

# Nanoseconds on the wall clock.
now_ns() {
	date +%s%N
}

# Remove a database and its WAL and shared memory.
rm_db() {
	rm -f "$1" "$1-wal" "$1-shm" "$1-journal"
}

# Bytes of a database and its WAL (after close).
db_bytes() {
	local n=0 f
	for f in "$1" "$1-wal"; do
		[ -f "$f" ] && n=$((n + $(wc -c <"$f")))
	done
	echo $n
}

# The rows of a teltop database's events table (dbinfo), or "" on failure.
db_rows() {
	field "$("$dbinfo" "$1" 2>>"$tmp/dbinfo.err")" rows
}

# A TCP port on 127.0.0.1 nobody listens on (for a server whose start-up
# is timed, which cannot print its port first).
free_port() {
	local p
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		p=$(awk -v s="$(date +%N)" \
		    'BEGIN { srand(s + 0); print 20000 + int(rand() * 40000) }')
		if ! (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	echo 0
}

# Start "teltop serve" on database $1 (on the server CPU unless $2 is
# "unpinned") with the options in serve_extra; set $server and $url.
serve_extra=()
start_server() {
	local pin=$on_server i=0
	[ "${2:-}" = unpinned ] && pin=
	# Empty the log here: the child opens it only once it runs, and the
	# previous server's "listening on" must not be read meanwhile.
	: >"$tmp/serve.log"
	# shellcheck disable=SC2086 # $pin is a command prefix or nothing
	$pin "$teltop" serve --db "$1" --listen 127.0.0.1:0 \
	    "${serve_extra[@]}" 2>"$tmp/serve.log" &
	server=$!
	while [ $i -lt 1200 ]; do
		url=$(sed -n 's/.*listening on \(127\.0\.0\.1:[0-9][0-9]*\),.*/\1/p' \
		    "$tmp/serve.log" | head -n 1)
		[ -n "$url" ] && return 0
		if ! kill -0 "$server" 2>/dev/null; then
			wait "$server"
			fail "teltop serve exited with status $? before listening"
			server=
			server_log
			return 1
		fi
		sleep 0.05
		i=$((i + 1))
	done
	fail "teltop serve printed no \"listening on 127.0.0.1:PORT\" within 60 s"
	server_log
	return 1
}

# The server's peak resident set (VmHWM) in KiB.
server_hwm() {
	sed -n 's/^VmHWM:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$server/status" \
	    2>/dev/null
}

# Stop the server with SIGTERM; it must exit 0 within 120 s.
stop_server() {
	local i=0 status
	[ -n "$server" ] || return 0
	if ! kill -0 "$server" 2>/dev/null; then
		wait "$server"
		fail "teltop serve had already exited (status $?)"
		server_log
		server=
		return 1
	fi
	kill -TERM "$server"
	while kill -0 "$server" 2>/dev/null && [ $i -lt 1200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$server" 2>/dev/null; then
		fail "teltop serve did not exit within 120 s of SIGTERM"
		kill -KILL "$server"
		wait "$server" 2>/dev/null
		server_log
		server=
		return 1
	fi
	wait "$server"
	status=$?
	server=
	if [ $status -ne 0 ]; then
		fail "teltop serve exited with status $status on SIGTERM"
		server_log
		return 1
	fi
	return 0
}

# The load options of a named load.
load_args() {
	case $1 in
	arrays) echo "--mode ws --batch 100 --conns 2" ;;
	ws1) echo "--mode ws --batch 1 --conns 1" ;;
	ws32) echo "--mode ws --batch 1 --conns 32" ;;
	http1) echo "--mode http --batch 100 --conns 1" ;;
	http8) echo "--mode http --batch 100 --conns 8" ;;
	esac
}
load_events() {
	case $1 in
	arrays) echo "$n_arrays" ;;
	ws1) echo "$n_ws1" ;;
	ws32) echo "$n_ws32" ;;
	http1) echo "$n_http1" ;;
	http8) echo "$n_http8" ;;
	esac
}
load_label() {
	case $1 in
	arrays) echo "WS arrays of 100, 2 conns" ;;
	ws1) echo "WS 1 event/message, 1 conn" ;;
	ws32) echo "WS 1 event/message, 32 conns" ;;
	http1) echo "HTTP 100/request, 1 client" ;;
	http8) echo "HTTP 100/request, 8 clients" ;;
	esac
}

# Run bench/load against $url: NAME LOAD-OPTIONS...; its result line goes
# to $tmp/NAME.out.  Returns 1 (and fails the run) when it failed.
run_load() {
	local name=$1 status
	shift
	# shellcheck disable=SC2086 # $on_load is a command prefix or nothing
	$on_load "$load" --url "$url" --timeout "$timeout_s" "$@" \
	    >"$tmp/$name.out" 2>"$tmp/$name.err"
	status=$?
	if [ -s "$tmp/$name.err" ]; then
		sed 's/^/    /' "$tmp/$name.err" >&2
	fi
	if [ $status -ne 0 ]; then
		fail "$name: bench/load exited with status $status"
		server_log
		rm -f "$tmp/$name.out"
		return 1
	fi
	return 0
}

# The events table of $1 must hold $2 rows (an ack is a promise).
check_rows() {
	local n
	n=$(db_rows "$1")
	if [ "$n" != "$2" ]; then
		fail "$3: the database holds ${n:-no readable} rows; the server acked $2"
		sed 's/^/    /' "$tmp/dbinfo.err" >&2 2>/dev/null
		return 1
	fi
	return 0
}

# One ingest run on a fresh database: NAME KIND LOAD-NAME [options...];
# puts its rate in results NAME and returns 0 when it all worked.
fresh_run() {
	local name=$1 kind=$2 what=$3 db=$tmp/fresh.db line
	shift 3
	rm_db "$db"
	start_server "$db" || return 1
	# shellcheck disable=SC2046 # load_args gives separate words
	if ! run_load "$name" $(load_args "$what") --kind "$kind" "$@"; then
		stop_server
		rm_db "$db"
		return 1
	fi
	line=$(cat "$tmp/$name.out")
	put "$name" "$(field "$line" acked_per_s)"
	stop_server || return 1
	check_rows "$db" "$(field "$line" acked)" "$name" || return 1
	return 0
}

# A number with thousands separators.
big() {
	awk -v v="$1" 'BEGIN {
		if (v == "-" || v == "") { print "-"; exit }
		s = sprintf("%.0f", v); o = ""
		while (length(s) > 3) {
			o = "," substr(s, length(s) - 2) o
			s = substr(s, 1, length(s) - 3)
		}
		print s o }'
}

# Run rawinsert: NAME KIND EVENTS [options]; its rate goes to results NAME.
run_raw() {
	local name=$1 kind=$2 events=$3
	shift 3
	# shellcheck disable=SC2086 # $on_server is a command prefix or nothing
	if $on_server "$rawinsert" --kind "$kind" --events "$events" "$@" \
	    >"$tmp/$name.out" 2>"$tmp/$name.err"; then
		put "$name" "$(field "$(cat "$tmp/$name.out")" rows_per_s)"
		return 0
	fi
	fail "$name: bench/rawinsert exited with status $?"
	sed 's/^/    /' "$tmp/$name.err" >&2
	return 1
}

# Print one line of progress.
say() {
	echo "bench: $*"
}

# Print how long the step that ends took.
lap_ns=$(date +%s%N)
lap() {
	local t
	t=$(date +%s%N)
	say "$1 took $(( (t - lap_ns) / 1000000000 )) s"
	lap_ns=$t
}

loads="arrays ws1 ws32 http1 http8"
kinds="bench mix"
t_start=$(now_ns)
say "$teltop on $(uname -sm), $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo ?)" \
    "CPUs, $pinning; files in $tmp"
say "$(date -u '+%Y-%m-%d %H:%M UTC'); load average at the start:" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
say "scale $scale, $repeat rounds; arrays/raw $n_arrays, ws1 $n_ws1, ws32" \
    "$n_ws32, http1 $n_http1, http8 $n_http8 events; $n_million for step 2;" \
    "$n_big rows for step 4"

# ---- 1. rates ----
r=1
while [ $r -le "$repeat" ]; do
	progress="round $r/$repeat:"
	for kind in $kinds; do
		run_raw "raw.$kind" "$kind" "$n_raw" &&
		    progress="$progress raw.$kind $(big "$(field "$(cat "$tmp/raw.$kind.out")" rows_per_s)")"
		for l in $loads; do
			if fresh_run "$l.$kind" "$kind" "$l" --events \
			    "$(load_events "$l")"; then
				progress="$progress $l.$kind $(big "$(field "$(cat "$tmp/$l.$kind.out")" acked_per_s)")"
			else
				progress="$progress $l.$kind failed"
			fi
		done
	done
	say "$progress (events/s)"
	r=$((r + 1))
done

lap "step 1"

# ---- 2. a million events of each kind ----
for kind in $kinds; do
	db=$tmp/million.db
	rm_db "$db"
	say "step 2: $n_million $kind events (arrays of 100)..."
	if ! start_server "$db"; then
		continue
	fi
	# shellcheck disable=SC2046 # load_args gives separate words
	if run_load "million.$kind" $(load_args arrays) --kind "$kind" \
	    --events "$n_million"; then
		put "hwm.ingest.$kind" "$(server_hwm)"
		if stop_server && check_rows "$db" \
		    "$(field "$(cat "$tmp/million.$kind.out")" acked)" \
		    "million.$kind"; then
			put "bytes.$kind" "$(awk -v b="$(db_bytes "$db")" \
			    -v n="$n_million" 'BEGIN { printf "%.0f", b / n }')"
		fi
	else
		stop_server
	fi
	if [ -s "$res/bytes.$kind" ]; then
		r=1
		while [ $r -le "$repeat" ]; do
			t0=$(now_ns)
			if [ "$(tail -n 1 "$res/stats.$kind" 2>/dev/null ||
			    echo 0)" -gt 5000 ]; then
				:	# far from its target: once is enough
			elif "$teltop" stats --db "$db" --json >/dev/null \
			    2>"$tmp/stats.err"; then
				put "stats.$kind" $((($(now_ns) - t0) / 1000000))
			else
				fail "teltop stats on $n_million $kind events failed"
				sed 's/^/    /' "$tmp/stats.err" >&2
			fi
			port=$(free_port)
			t0=$(now_ns)
			# shellcheck disable=SC2086
			$on_server "$teltop" serve --db "$db" \
			    --listen "127.0.0.1:$port" 2>"$tmp/serve.log" &
			server=$!
			# shellcheck disable=SC2086
			if $on_load "$load" --mode healthz --url \
			    "127.0.0.1:$port" --timeout 120 \
			    >"$tmp/healthz.out" 2>"$tmp/healthz.err"; then
				put "startup.$kind" $((($(now_ns) - t0) / 1000000))
				put "hwm.startup.$kind" "$(server_hwm)"
			else
				fail "teltop serve on $n_million $kind events: no 200 from /healthz"
				sed 's/^/    /' "$tmp/healthz.err" >&2
				server_log
			fi
			stop_server
			r=$((r + 1))
		done
	fi
	rm_db "$db"
	run_raw "raw1m.$kind" "$kind" "$n_million" &&
	    put "rawbytes.$kind" "$(field "$(cat "$tmp/raw1m.$kind.out")" bytes_per_row)"
done

lap "step 2"

# ---- 3. ack latency at a paced rate ----
# BENCH_REPEAT rounds as in step 1: one run's p99 rests on its slowest 1%,
# which a single slow fsync of the shared disk can make; the table shows
# the median run.
r=1
while [ $r -le "$repeat" ]; do
	for kind in $kinds; do
		for l in arrays ws32; do
			name=paced.$l.$kind
			if fresh_run "$name" "$kind" "$l" --events "$n_paced" \
			    --rate "$paced_rate"; then
				line=$(cat "$tmp/$name.out")
				put "$name.p50" "$(field "$line" p50_ms)"
				put "$name.p99" "$(field "$line" p99_ms)"
			fi
		done
	done
	r=$((r + 1))
done
say "step 3: p99 ms min/median/max of $repeat: arrays bench" \
    "$(stat3 paced.arrays.bench.p99 | tr ' ' /), ws32 bench" \
    "$(stat3 paced.ws32.bench.p99 | tr ' ' /), arrays mix" \
    "$(stat3 paced.arrays.mix.p99 | tr ' ' /), ws32 mix" \
    "$(stat3 paced.ws32.mix.p99 | tr ' ' /)"
say "step 3: p50/p99 ms (medians) at $paced_rate events/s: arrays bench" \
    "$(median paced.arrays.bench.p50)/$(median paced.arrays.bench.p99)," \
    "ws32 bench $(median paced.ws32.bench.p50)/$(median paced.ws32.bench.p99)," \
    "arrays mix $(median paced.arrays.mix.p50)/$(median paced.arrays.mix.p99)," \
    "ws32 mix $(median paced.ws32.mix.p50)/$(median paced.ws32.mix.p99)"

lap "step 3"

# ---- 4. into a database that already holds many rows ----
# The key of teltop's big database: the schema a fresh database gets.
big_db=$cache/teltop-$n_big.db
big_key=
db=$tmp/schema.db
rm_db "$db"
if start_server "$db" && stop_server; then
	big_key=$(field "$("$dbinfo" "$db")" schema)
fi
rm_db "$db"
if [ -n "$big_key" ]; then
	rows=
	if [ "${BENCH_BIG_REBUILD:-0}" != 1 ] && [ -f "$big_db" ] &&
	    [ "$(cat "$big_db.key" 2>/dev/null)" = "$big_key" ]; then
		rows=$(db_rows "$big_db")
		if [ -z "$rows" ] || [ "$rows" -gt $((n_big + n_big / 4)) ]; then
			rows=
		fi
	fi
	if [ -z "$rows" ]; then
		say "step 4: building teltop's database of $n_big bench rows (by ingest, cached in $cache)..."
		rm_db "$big_db"
		rm -f "$big_db.key"
		if start_server "$big_db" unpinned; then
			if run_load big.build --mode ws --batch 100 --conns 4 \
			    --kind bench --events "$n_big"; then
				stop_server && check_rows "$big_db" \
				    "$(field "$(cat "$tmp/big.build.out")" acked)" \
				    big.build && echo "$big_key" \
				    >"$big_db.key" && rows=$n_big
			else
				stop_server
			fi
		fi
	fi
	if [ -n "$rows" ]; then
		say "step 4: $(big "$rows") rows in $big_db"
		put big.rows "$rows"
		port=$(free_port)
		t0=$(now_ns)
		# shellcheck disable=SC2086
		$on_server "$teltop" serve --db "$big_db" \
		    --listen "127.0.0.1:$port" 2>"$tmp/serve.log" &
		server=$!
		url=127.0.0.1:$port
		# shellcheck disable=SC2086
		if $on_load "$load" --mode healthz --url "$url" \
		    --timeout "$timeout_s" >"$tmp/healthz.out" \
		    2>"$tmp/healthz.err"; then
			put big.startup $((($(now_ns) - t0) / 1000000))
			put big.hwm.startup "$(server_hwm)"
			acked=0
			r=1
			while [ $r -le "$repeat" ]; do
				# shellcheck disable=SC2046
				run_load big.$r $(load_args arrays) --kind bench \
				    --events "$n_arrays" || break
				line=$(cat "$tmp/big.$r.out")
				put big "$(field "$line" acked_per_s)"
				acked=$((acked + $(field "$line" acked)))
				r=$((r + 1))
			done
			put big.hwm "$(server_hwm)"
			stop_server && check_rows "$big_db" $((rows + acked)) \
			    "step 4"
		else
			fail "teltop serve on $rows rows: no 200 from /healthz"
			sed 's/^/    /' "$tmp/healthz.err" >&2
			server_log
			stop_server
		fi
	fi
fi
raw_big=$cache/raw-$n_big.db
if [ ! -f "$raw_big.key" ] || [ "${BENCH_BIG_REBUILD:-0}" = 1 ]; then
	say "step 4: building the raw database of $n_big bench rows..."
	rm_db "$raw_big"
	rm -f "$raw_big.key"
	run_raw raw.big.build bench "$n_big" --db "$raw_big" &&
	    echo "rows=$n_big" >"$raw_big.key"
fi
if [ -f "$raw_big.key" ]; then
	r=1
	while [ $r -le "$repeat" ]; do
		run_raw raw.big bench "$n_raw" --db "$raw_big" --append || break
		r=$((r + 1))
	done
	# appended rows beyond a quarter more: rebuilt next time
	if [ "$(field "$(cat "$tmp/raw.big.out" 2>/dev/null)" rows)" -gt \
	    $((n_big + n_big / 4)) ] 2>/dev/null; then
		rm -f "$raw_big.key"
	fi
fi
say "step 4: arrays of bench rows into $(big "$(median big.rows)") rows:" \
    "$(big "$(median big)")/s (empty: $(big "$(median arrays.bench)")/s);" \
    "raw: $(big "$(median raw.big)")/s (empty: $(big "$(median raw.bench)")/s)"

lap "step 4"

# ---- 5. the UI attached ----
if command -v tmux >/dev/null 2>&1; then
	r=1
	while [ $r -le "$repeat" ]; do
		db=$tmp/ui.db
		rm_db "$db"
		rm -f "$tmp/ui.rc"
		port=$(free_port)
		url=127.0.0.1:$port
		# shellcheck disable=SC2086
		$on_load tmux -L "$tmux_sock" -f /dev/null new-session -d -s ui \
		    -x 120 -y 40 "$on_server $teltop --db $db --listen $url; echo \$? >$tmp/ui.rc; sleep 30"
		i=0
		until tmux -L "$tmux_sock" capture-pane -p -t ui 2>/dev/null |
		    grep -q "127.0.0.1:$port"; do
			i=$((i + 1))
			if [ $i -gt 200 ]; then
				fail "the UI did not start under tmux"
				tmux -L "$tmux_sock" capture-pane -p -t ui 2>/dev/null |
				    sed 's/^/    /' >&2
				break
			fi
			sleep 0.05
		done
		[ $i -gt 200 ] && break
		# shellcheck disable=SC2046
		$on_load "$load" --url "$url" --timeout "$timeout_s" \
		    $(load_args arrays) --kind bench --events "$n_arrays" \
		    >"$tmp/ui.out" 2>"$tmp/ui.err" &
		loadpid=$!
		# a key while the load runs: Commands view, then back to Stream
		sleep 0.3
		if kill -0 "$loadpid" 2>/dev/null; then
			t0=$(now_ns)
			tmux -L "$tmux_sock" send-keys -t ui 2
			i=0
			until tmux -L "$tmux_sock" capture-pane -p -t ui |
			    grep -Eq "DONE +FAIL"; do
				i=$((i + 1))
				[ $i -gt 1000 ] && break
				sleep 0.005
			done
			[ $i -le 1000 ] && put ui.key $((($(now_ns) - t0) / 1000000))
			tmux -L "$tmux_sock" send-keys -t ui 1
		fi
		if wait "$loadpid"; then
			line=$(cat "$tmp/ui.out")
			put ui "$(field "$line" acked_per_s)"
		else
			fail "ui: bench/load exited with status $?"
			sed 's/^/    /' "$tmp/ui.err" >&2
			line=
		fi
		tmux -L "$tmux_sock" send-keys -t ui q
		i=0
		while [ ! -s "$tmp/ui.rc" ] && [ $i -lt 600 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		tmux -L "$tmux_sock" kill-server 2>/dev/null
		if [ "$(cat "$tmp/ui.rc" 2>/dev/null)" != 0 ]; then
			fail "ui: teltop did not exit 0 on q ($(cat "$tmp/ui.rc" 2>/dev/null || echo "still running"))"
		elif [ -n "$line" ]; then
			check_rows "$db" "$(field "$line" acked)" ui
		fi
		rm_db "$db"
		r=$((r + 1))
	done
	say "step 5: arrays of bench rows with the UI attached:" \
	    "$(big "$(median ui)")/s (serve alone $(big "$(median arrays.bench)")/s);" \
	    "a key on screen after $(median ui.key) ms under that load"
else
	say "step 5: no tmux, the UI is not measured"
fi

# ---- 5b. viewers on /v1/stream ----
# Four viewers as `teltop watch` subscribes (the stats model and a delta
# with each event), reading all along (bench/viewers.c, on the load's CPU,
# spends next to nothing): at the paced rate of step 3, the ack latency
# against step 3's and whether they missed anything; then arrays of bench
# rows as fast as they go, the rate against the serve alone.
viewers_run() {
	local name=$1 vpid i db=$tmp/viewers.db
	shift
	rm_db "$db"
	start_server "$db" || return 1
	# shellcheck disable=SC2086 # a command prefix: the load's CPU
	$on_load "$tools/viewers" --url "$url" --n 4 \
	    --token "$(cat "$tmp/token" 2>/dev/null)" >"$tmp/clients.out" \
	    2>"$tmp/clients.err" &
	vpid=$!
	i=0
	until grep -qx ready "$tmp/clients.out" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 400 ] || ! kill -0 "$vpid" 2>/dev/null; then
			fail "viewers: no upgrade within 20 s: $(cat "$tmp/clients.err")"
			kill "$vpid" 2>/dev/null
			stop_server
			return 1
		fi
		sleep 0.05
	done
	# shellcheck disable=SC2046
	run_load "$name" $(load_args arrays) --kind bench "$@" || {
		kill "$vpid" 2>/dev/null
		stop_server
		return 1
	}
	kill -TERM "$vpid" 2>/dev/null
	wait "$vpid" 2>/dev/null
	put "$name.notes" "$(field "$(tail -n 1 "$tmp/clients.out" | tr -d '{}"' | tr ':,' '= ')" dropped_notes)"
	stop_server
	check_rows "$db" "$(field "$(cat "$tmp/$name.out")" acked)" "$name"
	rm_db "$db"
}
if [ -x "$tools/viewers" ]; then
	r=1
	while [ $r -le "$repeat" ]; do
		if viewers_run viewers.paced --events "$n_paced" --rate "$paced_rate"; then
			put viewers.paced.p99 "$(field "$(cat "$tmp/viewers.paced.out")" p99_ms)"
		fi
		if viewers_run viewers --events "$n_arrays"; then
			put viewers "$(field "$(cat "$tmp/viewers.out")" acked_per_s)"
		fi
		r=$((r + 1))
	done
	say "step 5b: 4 viewers reading: at $paced_rate events/s ack p99" \
	    "$(median viewers.paced.p99) ms (alone $(median paced.arrays.bench.p99))," \
	    "missed notes $(median viewers.paced.notes); as fast as it goes" \
	    "$(big "$(median viewers)")/s (alone $(big "$(median arrays.bench)")/s)," \
	    "missed notes $(median viewers.notes)"
else
	say "step 5b: no $tools/viewers: viewers not measured"
fi

# ---- 6. the loop during a big decode ----
if command -v node >/dev/null 2>&1; then
	db=$tmp/healthz.db
	rm_db "$db"
	if start_server "$db"; then
		# shellcheck disable=SC2086
		if $on_load node "$here/healthz.mjs" "$url" >"$tmp/big.out" \
		    2>&1; then
			say "step 6: $(cat "$tmp/big.out")"
		else
			fail "bench/healthz.mjs failed"
			sed 's/^/    /' "$tmp/big.out" >&2
		fi
		stop_server
	fi
	rm_db "$db"
fi

lap "steps 5 and 6"

# ---- 7. retention ----
cap_mib=$(awk -v c="${BENCH_CAP_MIB:-64}" -v s="$scale" 'BEGIN {
	v = int(c * s); print v < 8 ? 8 : v }')
cap=$((cap_mib * 1024 * 1024))
per=$(median bytes.mix)
case $per in ''|-) per=400 ;; esac
n_cap=$(awk -v c="$cap" -v p="$per" 'BEGIN { printf "%d", 4 * c / p }')
db=$tmp/cap.db
rm_db "$db"
serve_extra=(--max-db-size "${cap_mib}MiB")
say "step 7: $n_cap mix events into --max-db-size ${cap_mib}MiB..."
if start_server "$db"; then
	# the largest database file, and file + WAL, while the load runs
	(
		most=0 most_wal=0
		while kill -0 "$server" 2>/dev/null && [ ! -e "$tmp/cap.stop" ]; do
			f=$(stat -c %s "$db" 2>/dev/null || echo 0)
			w=$(stat -c %s "$db-wal" 2>/dev/null || echo 0)
			[ "$f" -gt "$most" ] && most=$f
			[ $((f + w)) -gt "$most_wal" ] && most_wal=$((f + w))
			echo "$most $most_wal" >"$tmp/cap.most"
			sleep 0.1
		done
	) &
	sampler=$!
	rm -f "$tmp/cap.stop"
	# shellcheck disable=SC2046
	if run_load cap.fill $(load_args arrays) --kind mix --events "$n_cap"; then
		put cap.rate "$(field "$(cat "$tmp/cap.fill.out")" acked_per_s)"
		put cap.evicted "$(curl -sS --max-time 10 "http://$url/metrics" |
		    sed -n 's/^teltop_events_evicted_total //p')"
	fi
	touch "$tmp/cap.stop"
	wait "$sampler" 2>/dev/null
	read -r most most_wal <"$tmp/cap.most"
	put cap.file "$most"
	put cap.filewal "$most_wal"
	stop_server
	# the same database, full: every commit is followed by a slice
	if start_server "$db"; then
		# shellcheck disable=SC2046
		if run_load cap.paced $(load_args arrays) --kind mix \
		    --events "$n_paced" --rate "$paced_rate"; then
			put cap.paced.p99 "$(field "$(cat "$tmp/cap.paced.out")" p99_ms)"
		fi
		stop_server
	fi
fi
rm_db "$db"
db=$tmp/retain.db
rm_db "$db"
serve_extra=(--retain 3s)
if start_server "$db"; then
	# shellcheck disable=SC2046
	if run_load retain.paced $(load_args arrays) --kind mix \
	    --events "$n_paced" --rate "$paced_rate"; then
		put retain.paced.p99 "$(field "$(cat "$tmp/retain.paced.out")" p99_ms)"
		stop_server
		put retain.rows "$(db_rows "$db")"
	else
		stop_server
	fi
fi
rm_db "$db"
serve_extra=()
say "step 7: the file at most $(median cap.file) B (with its WAL" \
    "$(median cap.filewal)) under a cap of $cap B; $(median cap.evicted)" \
    "evicted at $(median cap.rate)/s; paced p99 on the full" \
    "database $(median cap.paced.p99) ms; --retain 3s left" \
    "$(median retain.rows) rows"
lap "step 7"

# ---- step 8: PostgreSQL (issue 18) ----
# store/pg.c's batch commit (batches of 100, the mix) against a raw COPY of
# the same bytes into a plain table, on a throwaway cluster (make pgbench);
# then the same number of events acked through `teltop serve` on that
# cluster (bench/pgcollector.sh: WS arrays of 100, every ack a row); said
# and skipped where there is no PostgreSQL server or no pgbench.
n_pg=$(scaled 50000)
if [ -x "$tools/pgbench" ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
	if "$here/../tests/pg/run.sh" sh -c '"$1" --url "$TELTOP_TEST_PG" --events "$2" --rounds "$3" --kind mix &&
	    "$4" "$5" "$6" "$2" "$3"' pgbench "$tools/pgbench" "$n_pg" "$repeat" \
	    "$here/pgcollector.sh" "$teltop" "$load" >"$tmp/pg.out" 2>&1; then
		while read -r l; do
			case $l in
			round\ *)
				put pg.raw "$(field "$l" raw_ev_per_s)"
				put pg.commit "$(field "$l" teltop_ev_per_s)" ;;
			round=*)
				put pg.acked "$(field "$l" acked_per_s)" ;;
			esac
		done <"$tmp/pg.out"
		say "step 8: PostgreSQL commits $(median pg.commit)/s, acked through a collector" \
		    "$(median pg.acked)/s, raw COPY $(median pg.raw)/s"
	else
		say "step 8 FAILED: $(tail -n 5 "$tmp/pg.out")"
		failed=1
	fi
else
	say "step 8: skipped (no PostgreSQL server, or no $tools/pgbench: make bench builds it)"
fi
lap "step 8"

# ---- the rates ----
echo
printf '%-30s %-5s %10s %10s %10s %7s\n' "rate (events/s)" kind min median \
    max "/ raw"
# shellcheck disable=SC2046 # stat3 gives three words
for kind in $kinds; do
	set -- $(stat3 "raw.$kind")
	printf '%-30s %-5s %10s %10s %10s %7s\n' "raw SQLite (the reference)" \
	    "$kind" "$(big "$1")" "$(big "$2")" "$(big "$3")" 1.00
	raw=$2
	for l in $loads; do
		# shellcheck disable=SC2046
		set -- $(stat3 "$l.$kind")
		printf '%-30s %-5s %10s %10s %10s %7s\n' "$(load_label "$l")" \
		    "$kind" "$(big "$1")" "$(big "$2")" "$(big "$3")" \
		    "$(awk -v a="$2" -v b="$raw" 'BEGIN {
			if (a == "-" || b == "-" || b == 0) print "-"
			else printf "%.2f", a / b }')"
	done
done

# ---- the table of issue 12 ----
# row GOAL MEASURED-TEXT VALUE OP TARGET: OP is ">=", "<=" or "<", or "-"
# for a figure without a target.
row() {
	awk -v g="$1" -v m="$2" -v v="$3" -v op="$4" -v t="$5" 'BEGIN {
		if (op == "-")
			ok = "-"
		else if (v == "" || v == "-")
			ok = "failed"
		else if (op == ">=")
			ok = (v + 0 >= t + 0) ? "ok" : "FAIL"
		else if (op == "<")
			ok = (v + 0 < t + 0) ? "ok" : "FAIL"
		else
			ok = (v + 0 <= t + 0) ? "ok" : "FAIL"
		printf "| %-50s | %-28s | %-7s | %-6s |\n", g, m,
		    (op == "-" ? "" : op " " t), ok }'
}
# a / b to 2 places, or "-".
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "-" || b == "-" || a == "" || b == "" || b == 0)
			print "-"
		else
			printf "%.2f", a / b }'
}
# The ratio of two rates' medians, with the rates: "0.58 (69k/120k)".
rate_row() {
	local a b q
	a=$(median "$2")
	b=$(median "$3")
	q=$(ratio "$a" "$b")
	row "$1" "$q ($(kilo "$a") / $(kilo "$b"))" "$q" "$4" "$5"
}
kilo() {
	awk -v v="$1" 'BEGIN { if (v == "-" || v == "") print "-"
		else printf "%.1fk", v / 1000 }'
}
mib() {
	awk -v v="$1" 'BEGIN { if (v == "-" || v == "") print "-"
		else printf "%.1f", v / 1024 }'
}

# A count as "1M", "200k".
count() {
	awk -v n="$1" 'BEGIN {
		if (n == "-" || n == "") print "-"
		else if (n >= 1e6) printf "%gM", int(n / 1e5 + 0.5) / 10
		else if (n >= 1e3) printf "%gk", int(n / 1e2 + 0.5) / 10
		else print n }'
}

m=$(count "$n_million")
b=$(count "$(median big.rows)")
p=$(count "$paced_rate")
echo
printf '| %-50s | %-28s | %-7s | %-6s |\n' goal measured target ok
echo "|----------------------------------------------------|------------------------------|---------|--------|"
for kind in $kinds; do
	rate_row "WS arrays of 100, 2 conns / raw, $kind" "arrays.$kind" \
	    "raw.$kind" ">=" 0.9
done
for kind in $kinds; do
	rate_row "WS 1/message, 32 conns / raw, $kind" "ws32.$kind" \
	    "raw.$kind" ">=" 0.6
	rate_row "WS 1/message, 1 conn / raw, $kind" "ws1.$kind" \
	    "raw.$kind" - -
done
for kind in $kinds; do
	rate_row "HTTP 100/request, 8 clients / raw, $kind" "http8.$kind" \
	    "raw.$kind" ">=" 0.6
	rate_row "HTTP 100/request, 1 client / raw, $kind" "http1.$kind" \
	    "raw.$kind" - -
done
for kind in mix bench; do
	v=$(median "bytes.$kind")
	if [ $kind = mix ]; then op="<="; else op=-; fi
	row "bytes/event on disk after close, $m $kind" \
	    "$v (raw $(median "rawbytes.$kind"))" "$v" "$op" 400
done
for kind in mix bench; do
	v=$(median "stats.$kind")
	row "teltop stats on $m $kind (ms)" "$v" "$v" "<" 100
done
for kind in mix bench; do
	v=$(median "startup.$kind")
	row "serve start-up on $m $kind until /healthz (ms)" "$v" "$v" "<" 200
done
v=$(mib "$(median hwm.ingest.mix)")
row "RSS (VmHWM) after $m mix events (MiB)" "$v" "$v" "<=" 32
v=$(mib "$(median hwm.startup.mix)")
row "RSS (VmHWM) after start-up on $m mix (MiB)" "$v" "$v" "<=" 32
v=$(mib "$(median big.hwm)")
row "RSS (VmHWM) at $b bench rows, after ingest (MiB)" "$v" "$v" "<=" 32
for kind in $kinds; do
	for l in arrays ws32; do
		p99=$(median "paced.$l.$kind.p99")
		case $l in
		arrays) what="arrays" ;;
		*) what="1/message x32" ;;
		esac
		row "ack p50/p99 at $p/s, $what, $kind (ms)" \
		    "$(median "paced.$l.$kind.p50") / $p99" "$p99" "<=" 10
	done
done
q=$(ratio "$(median big)" "$(median arrays.bench)")
row "ingest into $b rows / into empty (arrays, bench)" \
    "$q (raw: $(ratio "$(median raw.big)" "$(median raw.bench)"))" "$q" \
    ">=" 0.8
v=$(median big.startup)
row "serve start-up on $b rows until /healthz (ms)" "$v" "$v" "<" 200
rate_row "WS arrays with the UI attached / serve alone" ui arrays.bench - -
q=$(ratio "$(median viewers.paced.p99)" "$(median paced.arrays.bench.p99)")
row "ack p99 at $p/s with 4 viewers / without (arrays)" \
    "$q ($(median viewers.paced.p99) / $(median paced.arrays.bench.p99) ms)" "$q" "<=" 1.5
row "notes of events viewers missed at $p/s" "$(median viewers.paced.notes)" \
    "$(median viewers.paced.notes)" "<=" 0
rate_row "WS arrays with 4 viewers reading / serve alone" viewers \
    arrays.bench - -
q=$(ratio "$(median cap.file)" "$cap")
row "database file / --max-db-size ${cap_mib}MiB, mix" \
    "$q (with WAL $(ratio "$(median cap.filewal)" "$cap"))" "$q" "<=" 1.1
rate_row "WS arrays into a full cap / into empty, mix" cap.rate arrays.mix \
    - -
q=$(ratio "$(median cap.paced.p99)" "$(median paced.arrays.mix.p99)")
row "ack p99 at $p/s evicting / not (arrays, mix)" \
    "$q ($(median cap.paced.p99) / $(median paced.arrays.mix.p99) ms)" \
    "$q" "<=" 1.5
q=$(ratio "$(median retain.rows)" "$((paced_rate * 3))")
row "rows left by --retain 3s / 3 s of $p/s" \
    "$q ($(median retain.rows) rows)" "$q" "<=" 1.5
rate_row "PostgreSQL batch commit / raw COPY (store/pg.c, mix)" pg.commit \
    pg.raw - -
rate_row "PostgreSQL acked through a collector / raw COPY (WS arrays, mix)" \
    pg.acked pg.raw - -
echo
say "$(awk -v t="$(( ($(now_ns) - t_start) / 1000000000 ))" 'BEGIN {
	printf "%d min %02d s", t / 60, t % 60 }'); load average at the end:" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
[ $failed -ne 0 ] && say "some steps FAILED (see above): exit 1"
exit $failed
