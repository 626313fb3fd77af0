#!/usr/bin/env bash
# Fault tests: a real `teltop serve` on 127.0.0.1 under the load of
# tests/fault/faultload (WebSocket single events and arrays, POST /v1/events,
# gzip posthog-go batches on /batch/; every acknowledged event recorded),
# then checked through `teltop events`, PRAGMA integrity_check and restarts.
#
#   tests/fault/run.sh [-n N] [--only kill,disk,lock,commit] [PATH/TO/teltop]
#
#   kill	N times: load, SIGKILL at a random moment 50-500 ms into it,
#		restart on the same database; every acked event stored exactly
#		once, the rollups what a replay of the events gives,
#		integrity_check ok, the restart answers (N: -n, else
#		$FAULT_N, else 5)
#   disk	the database on a 16 MiB tmpfs (root), else under ulimit -f:
#		load until refused; refusals say "disk full", nothing acked
#		lost, /healthz answers, ingest works again once space is freed
#		(no restart)
#   lock	another process holds the write lock (BEGIN IMMEDIATE) for
#		3 s: /healthz answers within 500 ms throughout, events sent
#		meanwhile are not refused, none is acked before the release,
#		all are acked and stored after it
#   commit	every commit fails (a trigger another process wrote): an
#		OTLP export over gRPC gets 14 UNAVAILABLE, an HTTP body 503,
#		nothing is stored; once it is gone both are stored
#
# The helpers faultload and faultdb are in $FAULT_BIN (default build/fault;
# `make test-fault` builds them).  Needs bash, curl and node.  Prints
# "ok - NAME" or "not ok - NAME" (with "#" lines saying why) per case, then
# "N passed, M failed"; exits 1 when anything failed.  KEEP=1 keeps the
# temporary directory (databases, logs, acked files) for a look.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
N=${FAULT_N:-5}
ONLY=kill,disk,lock,commit
while [ $# -gt 0 ]; do
	case $1 in
	-n) N=$2; shift 2 ;;
	--only) ONLY=$2; shift 2 ;;
	-*) echo "usage: $0 [-n N] [--only kill,disk,lock,commit] [TELTOP]" >&2; exit 2 ;;
	*) break ;;
	esac
done
TELTOP=${1:-./teltop}
case $TELTOP in /*) ;; *) TELTOP=$PWD/$TELTOP ;; esac
FAULT_BIN=${FAULT_BIN:-$root/build/fault}
CLIENTS=$root/tests/clients
case $FAULT_BIN in /*) ;; *) FAULT_BIN=$PWD/$FAULT_BIN ;; esac
LOAD=$FAULT_BIN/faultload
DBTOOL=$FAULT_BIN/faultdb
cd "$root"

T=$(mktemp -d "${TMPDIR:-/tmp}/teltop-fault.XXXXXX")
SERVER_PID=
LOAD_PID=
LOCK_PID=
MOUNTED=
ADDR=
PASS=0
FAIL=0

cleanup() {
	local p
	for p in "$LOAD_PID" "$LOCK_PID" "$SERVER_PID"; do
		[ -n "$p" ] && kill -KILL "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	exec 7>&-
	if [ -n "$MOUNTED" ]; then
		umount "$MOUNTED" 2>/dev/null || umount -l "$MOUNTED" 2>/dev/null ||
		    echo "# could not unmount $MOUNTED"
	fi
	if [ "${KEEP:-0}" = 1 ]; then
		echo "# kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- reporting

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
		fi
	fi
}

# run NAME FUNCTION [ARG...]: FUNCTION runs in this shell (it may start and
# kill the server); what it prints is shown only when it fails.
run() {
	local name=$1 rc
	shift
	"$@" >"$T/case.log" 2>&1
	rc=$?
	record "$name" "$rc" "$T/case.log"
	return "$rc"
}

skip() { echo "ok - $1 # skip $2"; }

# ---------------------------------------------------------------- helpers

ms() { echo $(($(date +%s%N) / 1000000)); }

# wait_for WHAT SECONDS COMMAND...: poll COMMAND every 20 ms; fail with a
# message naming WHAT when it has not succeeded within SECONDS.
wait_for() {
	local what=$1 secs=$2 end
	shift 2
	end=$(($(ms) + secs * 1000))
	until "$@"; do
		if [ "$(ms)" -ge "$end" ]; then
			echo "timed out after $secs s waiting for $what"
			return 1
		fi
		sleep 0.02
	done
}

# server_addr LOG OFFSET: the address this start printed (after OFFSET
# bytes of LOG), or the server is gone.
server_addr() {
	ADDR=$(tail -c +$(($2 + 1)) "$1" | grep -oE 'listening on [0-9.]+:[0-9]+' |
	    head -n 1 | sed 's/^listening on //')
	[ -n "$ADDR" ] || ! kill -0 "$SERVER_PID" 2>/dev/null
}

log_size() { if [ -e "$1" ]; then wc -c <"$1"; else echo 0; fi; }

healthz() { [ "$(curl -s --max-time 2 "http://$ADDR/healthz")" = ok ]; }

# start_server DB LOG: start `teltop serve` on 127.0.0.1:0, wait until it
# prints its address and /healthz answers ok.
start_server() {
	local db=$1 log=$2 off
	shift 2
	[ -z "$SERVER_PID" ] || kill_server	# a failed case may leave one
	off=$(log_size "$log")
	"$TELTOP" serve --db "$db" --listen 127.0.0.1:0 "$@" >>"$log" 2>&1 &
	SERVER_PID=$!
	ADDR=
	wait_for "'listening on ADDR:PORT' in $log" 10 server_addr "$log" "$off" || return 1
	if [ -z "$ADDR" ]; then
		echo "teltop serve exited before printing its address; end of $log:"
		tail -n 15 "$log"
		SERVER_PID=
		return 1
	fi
	wait_for "GET /healthz on $ADDR to answer ok" 10 healthz || return 1
}

# kill_server: SIGKILL, and reap it.
kill_server() {
	kill -KILL "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=
}

exited() { ! kill -0 "$1" 2>/dev/null; }

# stop_server LOG: SIGTERM; it must exit 0 within 10 s.
stop_server() {
	local rc
	kill -TERM "$SERVER_PID"
	if ! wait_for "the server to exit after SIGTERM" 10 exited "$SERVER_PID"; then
		kill_server
		return 1
	fi
	wait "$SERVER_PID"
	rc=$?
	SERVER_PID=
	if [ "$rc" -ne 0 ]; then
		echo "exit status $rc after SIGTERM; end of $1:"
		tail -n 10 "$1"
		return 1
	fi
}

# stored_check DB PREFIX ACKED [SENT] [FILTER]: every acked marker stored
# once, none twice (check.mjs), and PRAGMA integrity_check says ok.
stored_check() {
	local db=$1 prefix=$2 acked=$3 sent=${4:-} filter=${5:-}
	if [ -n "$filter" ]; then
		"$TELTOP" events --db "$db" --format jsonl --filter "$filter" >"$T/events.jsonl" ||
		    { echo "teltop events --filter '$filter' failed"; return 1; }
	else
		"$TELTOP" events --db "$db" --format jsonl >"$T/events.jsonl" ||
		    { echo "teltop events failed"; return 1; }
	fi
	node "$here/check.mjs" "$T/events.jsonl" "$prefix" "$acked" $sent >"$T/check.out" || return 1
	"$DBTOOL" check "$db" >"$T/integrity.out" 2>&1 ||
	    { echo "PRAGMA integrity_check: $(head -n 5 "$T/integrity.out")"; return 1; }
}

# rollup_check DB: the rollups (what `teltop stats` reads) agree with a
# replay of the stored events (what --since makes it read): a crash left
# them in step.
rollup_check() {
	local db=$1
	"$TELTOP" stats --db "$db" --json >"$T/stats.rollups.json" ||
	    { echo "teltop stats failed"; return 1; }
	"$TELTOP" stats --db "$db" --json --since 1970-01-01 >"$T/stats.replay.json" ||
	    { echo "teltop stats --since failed"; return 1; }
	node -e 'const fs = require("fs");
	    const pick = (f) => { const j = JSON.parse(fs.readFileSync(f, "utf8"));
	        return JSON.stringify([j.events, j.commands, j.daily, j.summaries, j.privacy]) };
	    if (pick(process.argv[1]) !== pick(process.argv[2])) {
	        console.log("rollups differ from a replay of the events: " + process.argv[1] + " " + process.argv[2]);
	        process.exit(1) }' "$T/stats.rollups.json" "$T/stats.replay.json"
}

# ---------------------------------------------------------------- kill -9

K=$T/kill
KDB=$K/events.db
# events a second: the database of a 100-kill soak stays small (every kill
# is followed by a read of it)
KILL_RATE=${FAULT_RATE:-4000}
KINFO=

kill_start() {
	mkdir -p "$K"
	start_server "$KDB" "$K/serve.log"
}

# kill_iteration I: load, SIGKILL at a random moment, restart, check.
kill_iteration() {
	local i=$1 p="fk-i$1" delay rc out
	KINFO=
	: >"$K/acked.$i"
	"$LOAD" --url "$ADDR" --prefix "$p" --acked "$K/acked.$i" --sent "$K/sent.$i" \
	    --ws 2 --http 1 --batch 1 --rate "$KILL_RATE" --duration 60 \
	    >"$K/load.$i.out" 2>"$K/load.$i.err" &
	LOAD_PID=$!
	loaded() { [ -s "$K/acked.$i" ] || exited "$LOAD_PID"; }
	wait_for "the first acknowledged event" 10 loaded || return 1
	if exited "$LOAD_PID"; then
		wait "$LOAD_PID"
		echo "faultload exited ($?) before any event was acked:"
		cat "$K/load.$i.out" "$K/load.$i.err"
		LOAD_PID=
		return 1
	fi
	# The kill moment is random on purpose: no state to wait for.
	delay=$((50 + RANDOM % 451))
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	kill_server
	wait_for "faultload to see the server gone" 20 exited "$LOAD_PID" || return 1
	wait "$LOAD_PID"
	rc=$?
	LOAD_PID=
	out=$(cat "$K/load.$i.out")
	if [ "$rc" -ne 0 ] || ! grep -q 'end=gone' <<<"$out"; then
		echo "faultload exit $rc, want 0 with end=gone: $out"
		cat "$K/load.$i.err"
		return 1
	fi
	if ! start_server "$KDB" "$K/serve.log"; then
		echo "restart after the kill failed; end of the log:"
		tail -n 15 "$K/serve.log"
		return 1
	fi
	stored_check "$KDB" "$p-" "$K/acked.$i" "$K/sent.$i" "name~$p-" || return 1
	rollup_check "$KDB" || return 1
	KINFO="killed ${delay} ms in, $(wc -l <"$K/acked.$i")/$(sed -n 's/^sent=\([0-9]*\).*/\1/p' <<<"$out") acked, stored once, rollups agree, integrity ok, restarted"
}

kill_final() {
	cat "$K"/acked.* >"$K/acked.all"
	cat "$K"/sent.* >"$K/sent.all"
	curl -s --max-time 10 -o "$K/after.body" -w '%{http_code}' -X POST \
	    --data-binary '{"name":"fault-after-kills"}' "http://$ADDR/v1/events" >"$K/after.code"
	[ "$(cat "$K/after.code")" = 200 ] && grep -q '"accepted":1' "$K/after.body" ||
	    { echo "POST /v1/events after the kills: $(cat "$K/after.code") $(cat "$K/after.body")"; return 1; }
	stop_server "$K/serve.log" || return 1
	stored_check "$KDB" fk- "$K/acked.all" "$K/sent.all" || return 1
	rollup_check "$KDB" || return 1
	echo "# $(cat "$T/check.out")"
}

kill_cases() {
	local i rc
	if ! run "kill -9 loop: serve starts on a new database" kill_start; then
		return
	fi
	for i in $(seq "$N"); do
		kill_iteration "$i" >"$T/case.log" 2>&1
		rc=$?
		record "kill -9 $i/$N${KINFO:+: $KINFO}" "$rc" "$T/case.log"
		if [ "$rc" -ne 0 ] && [ -z "$SERVER_PID" ]; then
			# no server to go on with: try a fresh start, else stop here
			kill_start >"$T/case.log" 2>&1 || { record "kill -9 loop: serve restarts" 1 "$T/case.log"; return; }
		fi
	done
	run "kill -9 loop: after $N kills every acked event is stored once, integrity ok, SIGTERM exits 0" kill_final &&
	    sed -n 's/^# /#   /p' "$T/case.log"
}

# ---------------------------------------------------------------- disk full

D=$T/disk
DISK_MODE=
DISK_INFO=

# disk_setup: a 16 MiB tmpfs at $D/fs with an 8 MiB filler file (freed
# later: SQLite's WAL grows by a few pages a commit, up to 4 MiB), or (not
# root, or the mount refused, or FAULT_DISK=ulimit) ulimit -f.
disk_setup() {
	mkdir -p "$D/fs"
	if [ "${FAULT_DISK:-}" != ulimit ] && [ "$(id -u)" = 0 ] &&
	    mount -t tmpfs -o size=16m,mode=0700 teltop-fault "$D/fs" 2>"$D/mount.err"; then
		MOUNTED=$D/fs
		DISK_MODE=tmpfs
		head -c $((8 * 1024 * 1024)) /dev/zero >"$D/fs/filler" 2>/dev/null ||
		    { echo "cannot write the filler file"; return 1; }
	elif command -v prlimit >/dev/null; then
		DISK_MODE=ulimit
	else
		DISK_MODE=
	fi
}

disk_start() {
	if [ "$DISK_MODE" = tmpfs ]; then
		start_server "$D/fs/events.db" "$D/serve.log"
		return
	fi
	# SIGXFSZ ignored: a write past the limit fails with EFBIG instead.
	# The soft limit alone, so that prlimit can lift it later.
	(trap '' XFSZ; ulimit -S -f 8192; exec "$TELTOP" serve --db "$D/fs/events.db" \
	    --listen 127.0.0.1:0) >>"$D/serve.log" 2>&1 &
	SERVER_PID=$!
	wait_for "'listening on ADDR:PORT' in $D/serve.log" 10 server_addr "$D/serve.log" 0 || return 1
	[ -n "$ADDR" ] || { tail -n 15 "$D/serve.log"; SERVER_PID=; return 1; }
	wait_for "GET /healthz on $ADDR to answer ok" 10 healthz
}

disk_fill() {
	local rc bad
	disk_start || return 1
	"$LOAD" --url "$ADDR" --prefix df1 --acked "$D/acked.1" --sent "$D/sent.1" \
	    --refused "$D/refused" --ws 1 --http 1 --batch 1 --pad 2000 \
	    --max-refused 6 --duration 60 --strict >"$D/load.1.out" 2>"$D/load.1.err"
	rc=$?
	cat "$D/load.1.out"
	if [ "$rc" -eq 0 ]; then
		echo "nothing refused after 60 s of load:"
		df -h "$D/fs" 2>/dev/null; ls -l "$D/fs"
		return 1
	fi
	[ "$rc" -eq 3 ] || { echo "faultload exit $rc:"; cat "$D/load.1.err"; return 1; }
	echo "refusals:"
	head -n 8 "$D/refused"
	# ROUTE FIRST-LAST STATUS BODY: WebSocket replies have status 0
	if [ "$DISK_MODE" = ulimit ]; then
		# Past RLIMIT_FSIZE write(2) fails with EFBIG, which SQLite
		# reports as SQLITE_IOERR, not SQLITE_FULL: a collector that
		# does not look at sqlite3_system_errno() says "could not
		# commit" (503).  Either is a fair refusal here.
		grep -v '"error":"disk full: ' "$D/refused" |
		    grep -v '"error":"the database could not commit' >"$D/bad"
		DISK_INFO="$(grep -c 'disk full' "$D/refused") of $(wc -l <"$D/refused") refusals said disk full (ulimit -f: EFBIG)"
	else
		grep -v -i 'disk full' "$D/refused" >"$D/bad"
	fi
	[ ! -s "$D/bad" ] || { echo "refusals that do not say disk full:"; head -n 5 "$D/bad"; return 1; }
	bad=$(awk '($1 == "ev" || $1 == "ph") && $3 != 507 && $3 != 503' "$D/refused")
	[ -z "$bad" ] || { echo "HTTP refusals neither 507 nor 503:"; echo "$bad" | head -n 5; return 1; }
	bad=$(grep '"error":"disk full' "$D/refused" | awk '($1 == "ev" || $1 == "ph") && $3 != 507')
	[ -z "$bad" ] || { echo "HTTP disk full refusals not 507:"; echo "$bad" | head -n 5; return 1; }
	bad=$(awk '($1 == "ws1" || $1 == "wsa") && $0 !~ /"ok":false,"error":"/' "$D/refused")
	[ -z "$bad" ] || { echo "WebSocket refusals not {\"ok\":false,\"error\":\"…\"}:"; echo "$bad" | head -n 5; return 1; }
	[ -n "$DISK_INFO" ] || DISK_INFO="$(wc -l <"$D/refused") refusals, all disk full"
	DISK_INFO="full after $(sed -n 's/^sent=[0-9]* acked=\([0-9]*\).*/\1/p' "$D/load.1.out") acked events; $DISK_INFO"
}

disk_healthz() {
	local i
	for i in 1 2 3 4 5; do
		healthz || { echo "GET /healthz did not answer ok within 2 s (probe $i) with the disk full"; return 1; }
	done
}

disk_recover() {
	local rc
	if [ "$DISK_MODE" = tmpfs ]; then
		rm -f "$D/fs/filler"
	else
		prlimit --pid "$SERVER_PID" --fsize=unlimited: ||
		    { echo "prlimit could not lift the limit"; return 1; }
	fi
	"$LOAD" --url "$ADDR" --prefix df2 --acked "$D/acked.2" --sent "$D/sent.2" \
	    --refused "$D/refused.2" --events 300 --strict >"$D/load.2.out" 2>"$D/load.2.err"
	rc=$?
	cat "$D/load.2.out"
	[ "$rc" -eq 0 ] || { echo "faultload exit $rc after freeing space:"; cat "$D/refused.2" "$D/load.2.err" 2>/dev/null | head -n 10; return 1; }
	grep -q '^sent=300 acked=300 ' "$D/load.2.out" || return 1
}

disk_stored() {
	cat "$D"/acked.* >"$D/acked.all"
	cat "$D"/sent.* >"$D/sent.all"
	stored_check "$D/fs/events.db" df "$D/acked.all" "$D/sent.all" || return 1
	cat "$T/check.out"
	stop_server "$D/serve.log"
}

disk_cases() {
	local name
	disk_setup >"$T/case.log" 2>&1 || { record "disk full: set-up" 1 "$T/case.log"; return; }
	case $DISK_MODE in
	tmpfs) echo "# disk full: database on a 16 MiB tmpfs, half of it an 8 MiB filler file" ;;
	ulimit) echo "# disk full: no tmpfs (not root, mount refused or FAULT_DISK=ulimit): ulimit -f 8 MiB, lifted with prlimit" ;;
	*) skip "disk full" "not root (or mount refused) and no prlimit"; return ;;
	esac
	if [ "$DISK_MODE" = tmpfs ]; then
		name="disk full: load until refused; every refusal says disk full (HTTP 507, ws ok:false)"
	else
		name="disk full: load until refused; every refusal is a clean commit error (HTTP 507/503, ws ok:false)"
	fi
	run "$name" disk_fill &&
	    echo "#   $DISK_INFO"
	[ -n "$SERVER_PID" ] || return
	run "disk full: /healthz still answers" disk_healthz
	run "disk full: space freed, ingest works again without a restart" disk_recover
	run "disk full: every acked event stored once, integrity ok, SIGTERM exits 0" disk_stored
	if [ -n "$MOUNTED" ]; then
		kill_server
		umount "$MOUNTED" && MOUNTED=
	fi
}

# ---------------------------------------------------------------- write lock

W=$T/lock
HOLD_S=3

lock_take() {
	mkdir -p "$W"
	start_server "$W/events.db" "$W/serve.log" || return 1
	# one event first: the schema exists, the server has written once
	[ "$(curl -s --max-time 10 -X POST --data-binary '{"name":"lock-before"}' \
	    "http://$ADDR/v1/events")" = '{"accepted":1,"dropped":0}' ] ||
	    { echo "POST /v1/events before the lock was not accepted"; return 1; }
	mkfifo "$W/lock.in"
	"$DBTOOL" lock "$W/events.db" <"$W/lock.in" >"$W/lock.out" 2>"$W/lock.err" &
	LOCK_PID=$!
	exec 7>"$W/lock.in"
	locked() { grep -qx locked "$W/lock.out" || exited "$LOCK_PID"; }
	wait_for "faultdb to take the write lock" 15 locked || return 1
	grep -qx locked "$W/lock.out" || { echo "faultdb lock failed: $(cat "$W/lock.err")"; return 1; }
}

# lock_hold: while the lock is held for HOLD_S s, load runs and /healthz is
# probed; then the lock is released.
lock_hold() {
	local end t0 t1 code probes=0 slow=0 worst=0 first=
	"$LOAD" --url "$ADDR" --prefix lk --acked "$W/acked" --sent "$W/sent" \
	    --refused "$W/refused" --ws 2 --http 1 --batch 1 --events 300 --rate 150 \
	    --max-refused 1000 --reply-timeout 30 --strict >"$W/load.out" 2>"$W/load.err" 7>&- &
	LOAD_PID=$!
	end=$(($(ms) + HOLD_S * 1000))
	while [ "$(ms)" -lt "$end" ]; do
		t0=$(ms)
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 0.5 "http://$ADDR/healthz")
		t1=$(ms)
		probes=$((probes + 1))
		[ $((t1 - t0)) -gt "$worst" ] && worst=$((t1 - t0))
		if [ "$code" != 200 ] || [ $((t1 - t0)) -gt 500 ]; then
			slow=$((slow + 1))
			[ -n "$first" ] || first="probe $probes at $((t0 - end + HOLD_S * 1000)) ms: status $code after $((t1 - t0)) ms"
		fi
		sleep 0.05
	done
	echo "healthz: $probes probes, $slow failed or over 500 ms, worst $worst ms${first:+; first: $first}" >"$W/healthz"
	cat "$W/acked" 2>/dev/null | wc -l >"$W/acked.during"
	cp "$W/refused" "$W/refused.during" 2>/dev/null || : >"$W/refused.during"
	echo release >&7
	exec 7>&-
	released() { grep -qx released "$W/lock.out" || exited "$LOCK_PID"; }
	wait_for "faultdb to release the lock" 10 released || return 1
	wait "$LOCK_PID"
	LOCK_PID=
}

lock_healthz() {
	cat "$W/healthz"
	grep -q ', 0 failed or over 500 ms' "$W/healthz"
}

lock_events() {
	local rc ok=0
	wait_for "faultload to finish after the release" 40 exited "$LOAD_PID" || return 1
	wait "$LOAD_PID"
	rc=$?
	LOAD_PID=
	cat "$W/load.out"
	if [ -s "$W/refused.during" ]; then
		echo "refused while the lock was held ($(wc -l <"$W/refused.during") messages), e.g.:"
		head -n 3 "$W/refused.during"
		ok=1
	elif [ -s "$W/refused" ]; then
		echo "refused after the release:"
		head -n 3 "$W/refused"
		ok=1
	fi
	if [ "$(cat "$W/acked.during")" -ne 0 ]; then
		echo "$(cat "$W/acked.during") events acked while another process held the write lock: they cannot have been committed"
		ok=1
	fi
	[ "$rc" -eq 0 ] || { echo "faultload exit $rc"; cat "$W/load.err"; ok=1; }
	grep -q '^sent=300 acked=300 ' "$W/load.out" || { echo "want sent=300 acked=300"; ok=1; }
	stored_check "$W/events.db" lk- "$W/acked" "$W/sent" || ok=1
	cat "$T/check.out"
	stop_server "$W/serve.log" || ok=1
	return $ok
}

# lock_budget: while another process holds the lock, what waits for its
# commit counts against --max-buffered: new bodies get 503 + Retry-After
# instead of memory growing; those taken are acked after the release.
lock_budget() {
	local d=$T/lockb i pids= n200=0 n503=0 body
	mkdir -p "$d"
	start_server "$d/events.db" "$d/serve.log" --max-buffered 1MiB ||
	    return 1
	curl -s --max-time 10 -X POST --data-binary '{"name":"lb-first"}' \
	    "http://$ADDR/v1/events" >/dev/null
	mkfifo "$d/lock.in"
	"$DBTOOL" lock "$d/events.db" <"$d/lock.in" >"$d/lock.out" 2>&1 &
	LOCK_PID=$!
	exec 8>"$d/lock.in"
	wait_for "faultdb to take the write lock" 15 grep -qx locked \
	    "$d/lock.out" || return 1
	# 12 bodies of ~200 KiB: about six fit in 1 MiB
	body=$(node -e 'const e=[];for(let i=0;i<800;i++)e.push({name:"lb-"+i,pad:"x".repeat(220)});process.stdout.write(JSON.stringify(e))')
	printf '%s' "$body" >"$d/body.json"
	for i in $(seq 1 12); do
		curl -s -o "$d/r$i.body" -D "$d/r$i.head" -w '%{http_code}' \
		    --max-time 60 -H 'Content-Type: application/json' \
		    --data-binary @"$d/body.json" "http://$ADDR/v1/events" \
		    >"$d/r$i.code" &
		pids="$pids $!"
	done
	have503() { grep -lx 503 "$d"/r*.code >/dev/null 2>&1; }
	wait_for "a 503 while the lock is held" 20 have503 || { echo "release" >&8; return 1; }
	grep -il '^retry-after: [0-9]' "$d"/r*.head >/dev/null ||
	    { echo "a 503 without Retry-After:"; cat "$d"/r*.head; echo release >&8; return 1; }
	grep -qx 200 "$d"/r*.code 2>/dev/null &&
	    { echo "a body was acked while the lock was held"; echo release >&8; return 1; }
	echo release >&8
	exec 8>&-
	wait "$LOCK_PID"
	LOCK_PID=
	for i in $pids; do wait "$i"; done
	for i in $(seq 1 12); do
		case $(cat "$d/r$i.code") in
		200) n200=$((n200 + 1)) ;;
		503) n503=$((n503 + 1)) ;;
		*) echo "request $i: status $(cat "$d/r$i.code")"; return 1 ;;
		esac
	done
	echo "$n200 acked after the release, $n503 refused with 503 while it was held"
	[ "$n200" -ge 1 ] && [ "$n503" -ge 1 ] || return 1
	stop_server "$d/serve.log"
}

# ---------------------------------------------------------------- commit

# commit_fails: a trigger (written by another process, as a broken disk or
# schema would) makes every commit of an event fail.  Meanwhile an OTLP
# export over gRPC gets 14 UNAVAILABLE and an HTTP body 503, nothing is
# acked or stored; without the trigger the same calls succeed and store.
commit_fails() {
	local d=$T/commit gaddr n
	mkdir -p "$d"
	start_server "$d/events.db" "$d/serve.log" --otlp-grpc 127.0.0.1:0 || return 1
	gaddr=$(grep -oE 'OTLP over gRPC on [0-9.]+:[0-9]+' "$d/serve.log" | sed 's/^OTLP over gRPC on //')
	[ -n "$gaddr" ] || { echo "no gRPC address in the log:"; cat "$d/serve.log"; return 1; }
	"$DBTOOL" exec "$d/events.db" "CREATE TRIGGER refuse BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'refused by the fault test'); END" ||
	    return 1
	node "$CLIENTS/grpcraw.mjs" "$gaddr" cf-grpc-refused 14 || { echo "gRPC: want 14 UNAVAILABLE"; return 1; }
	n=$(curl -s -o "$d/http.body" -w '%{http_code}' --max-time 10 -X POST \
	    --data-binary '{"name":"cf-http-refused"}' "http://$ADDR/v1/events")
	[ "$n" = 503 ] || { echo "HTTP: status $n, want 503: $(cat "$d/http.body")"; return 1; }
	"$DBTOOL" exec "$d/events.db" "DROP TRIGGER refuse" || return 1
	node "$CLIENTS/grpcraw.mjs" "$gaddr" cf-grpc-stored 0 || { echo "gRPC: want 0 OK once commits work"; return 1; }
	"$TELTOP" events --db "$d/events.db" --format jsonl >"$d/events.jsonl" || return 1
	grep -q '"cf-grpc-stored"' "$d/events.jsonl" || { echo "the export after the fault is not stored"; return 1; }
	if grep -q 'cf-[a-z]*-refused' "$d/events.jsonl"; then
		echo "a refused event was stored:"
		grep 'cf-[a-z]*-refused' "$d/events.jsonl"
		return 1
	fi
	grep -q 'reason="store"' <(curl -s --max-time 5 "http://$ADDR/metrics") ||
	    { echo "the failed commits are not counted in /metrics:"; curl -s "http://$ADDR/metrics" | grep rejections; return 1; }
	stop_server "$d/serve.log"
}

commit_cases() {
	if [ ! -f "$CLIENTS/node_modules/@grpc/grpc-js/package.json" ]; then
		echo "# installing the npm test clients into tests/clients/node_modules"
		npm install --no-audit --no-fund --no-package-lock --loglevel=error \
		    --prefix "$CLIENTS" >"$T/npm.log" 2>&1 || { cat "$T/npm.log"; return 1; }
	fi
	run "commit fails: gRPC answers 14 UNAVAILABLE, HTTP 503, nothing stored; after, both store" commit_fails
}

lock_cases() {
	run "write lock: another process holds BEGIN IMMEDIATE" lock_take || return
	lock_hold >"$T/case.log" 2>&1 || { record "write lock: held ${HOLD_S} s, then released" 1 "$T/case.log"; return; }
	run "write lock: /healthz answers within 500 ms while it is held ($HOLD_S s)" lock_healthz
	run "write lock: events sent meanwhile wait (none refused, none acked early), all acked and stored after the release" lock_events
	run "write lock: what waits for the commit counts against --max-buffered (503 + Retry-After, the rest acked after)" lock_budget
}

# ---------------------------------------------------------------- main

for f in "$TELTOP" "$LOAD" "$DBTOOL"; do
	if [ ! -x "$f" ]; then
		echo "not ok - $f is built (make test-fault builds the helpers)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
for c in curl node; do
	command -v "$c" >/dev/null || { echo "not ok - $c is installed"; echo "0 passed, 1 failed"; exit 1; }
done

case ,$ONLY, in *,kill,*) kill_cases ;; esac
case ,$ONLY, in *,disk,*) disk_cases ;; esac
case ,$ONLY, in *,lock,*) lock_cases ;; esac
case ,$ONLY, in *,commit,*) commit_cases ;; esac

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
