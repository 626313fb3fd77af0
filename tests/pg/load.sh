#!/usr/bin/env bash
# tests/pg/load.sh TELTOP FAULTLOAD: collectors on PostgreSQL under load
# (tests/fault/faultload over WebSocket and HTTP), against the throwaway
# cluster of tests/pg/run.sh ($TELTOP_TEST_PG, $TELTOP_TEST_PG_DIR):
#
# - kill -9 of a collector at a random moment: every acked event stored
#   once, none stored that was not sent (tests/fault/check.mjs);
# - PostgreSQL killed and restarted mid-load: the senders get refusals
#   (503 / {"ok":false}), never an ack for what was not committed;
#   /healthz says "down: ..." meanwhile and "ok" after; the collector goes
#   on by itself and every acked event is stored once.
#
# Every wait is for a state, bounded; none is for a time.
set -euo pipefail
TELTOP=$1
LOAD=$2
U=$TELTOP_TEST_PG
D=$TELTOP_TEST_PG_DIR
here=$(cd "$(dirname "$0")" && pwd)
n=0
ok() { n=$((n + 1)); echo "ok - pg load: $*"; }
fail() { echo "not ok - pg load: $*"; exit 1; }
T=$(mktemp -d /tmp/teltop-pgload.XXXXXX)
PIDS=
trap 'for p in $PIDS; do kill -KILL "$p" 2>/dev/null || true; done; rm -rf "$T"' EXIT
export HOME=$T XDG_CONFIG_HOME=$T/config XDG_DATA_HOME=$T/data

ms() { echo $(($(date +%s%N) / 1000000)); }
# until SECONDS WHAT COMMAND...: poll COMMAND every 20 ms, fail naming WHAT
until_ok() {
	local secs=$1 what=$2 end
	shift 2
	end=$(($(ms) + secs * 1000))
	until "$@"; do
		[ "$(ms)" -lt "$end" ] || fail "timed out after $secs s waiting for $what"
		sleep 0.02
	done
}
alive() { kill -0 "$1" 2>/dev/null; }
gone() { ! kill -0 "$1" 2>/dev/null; }
# listening LOG OFFSET PID: this start (past OFFSET bytes of LOG) printed
# its address, or it is gone
listening() { tail -c +$(($2 + 1)) "$1" | grep -q 'listening on 127.0.0.1:' || gone "$3"; }
health() { curl -s --max-time 2 "http://$1/healthz" || true; }
healthz_ok() { [ "$(health "$1")" = ok ]; }
healthz_down() { health "$1" | grep -q '^down: '; }

# start NAME: a collector on the cluster; sets ADDR and SERVER
start() {
	local log=$T/$1.log off
	off=$( [ -e "$log" ] && wc -c <"$log" || echo 0)
	"$TELTOP" serve --db "$U" --listen 127.0.0.1:0 --otlp-grpc off --name "$1" >>"$log" 2>&1 &
	SERVER=$!
	PIDS="$PIDS $SERVER"
	until_ok 20 "collector $1 to listen" listening "$log" "$off" "$SERVER"
	alive "$SERVER" || fail "collector $1 exited: $(tail -n 5 "$log")"
	ADDR=$(tail -c +$((off + 1)) "$log" | grep -o 'listening on 127.0.0.1:[0-9]*' | head -n 1 | sed 's/listening on //')
	until_ok 20 "/healthz of $1 to answer ok" healthz_ok "$ADDR"
}

# stored PREFIX ACKED SENT: check.mjs over what the database holds
stored() {
	"$TELTOP" events --db "$U" --format jsonl --filter "name~$1" >"$T/ev.jsonl" ||
	    fail "teltop events failed"
	node "$here/../fault/check.mjs" "$T/ev.jsonl" "$1" "$2" "$3" >"$T/check.out" 2>"$T/check.err" ||
	    fail "after $4: $(cat "$T/check.err" "$T/check.out")"
}

# ---- kill -9 of a collector under load, twice
start alpha
for i in 1 2; do
	p="pk$i-"
	: >"$T/acked.$i"
	"$LOAD" --url "$ADDR" --prefix "pk$i" --acked "$T/acked.$i" --sent "$T/sent.$i" \
	    --ws 2 --http 1 --batch 1 --rate 2000 --duration 60 >"$T/load.$i.out" 2>"$T/load.$i.err" &
	L=$!
	PIDS="$PIDS $L"
	acked() { [ -s "$T/acked.$i" ] || gone "$L"; }
	until_ok 20 "the first acked event" acked
	alive "$L" || fail "faultload exited before an ack: $(cat "$T/load.$i.out" "$T/load.$i.err")"
	# the moment is random on purpose: no state to wait for
	delay=$((50 + RANDOM % 451))
	sleep "$(printf '0.%03d' "$delay")"
	kill -KILL "$SERVER"
	wait "$SERVER" 2>/dev/null || true
	until_ok 30 "faultload to see the collector gone" gone "$L"
	rc=0
	wait "$L" || rc=$?
	grep -q 'end=gone' "$T/load.$i.out" && [ "$rc" = 0 ] ||
	    fail "faultload exit $rc, want 0 with end=gone: $(cat "$T/load.$i.out" "$T/load.$i.err")"
	start alpha
	stored "$p" "$T/acked.$i" "$T/sent.$i" "kill -9 $i"
	ok "kill -9 $i of a collector ${delay} ms into the load: $(wc -l <"$T/acked.$i") acked, all stored once, restarted"
done
kill -TERM "$SERVER"
wait "$SERVER" || fail "alpha exit status $? after SIGTERM"

# ---- PostgreSQL killed and restarted under load
start beta
"$LOAD" --url "$ADDR" --prefix pr --acked "$T/acked.r" --sent "$T/sent.r" --refused "$T/refused.r" \
    --ws 2 --http 1 --batch 1 --rate 2000 --duration 30 --max-refused 100000000 \
    >"$T/load.r.out" 2>"$T/load.r.err" &
L=$!
PIDS="$PIDS $L"
acked_r() { [ -s "$T/acked.r" ] || gone "$L"; }
until_ok 20 "the first acked event" acked_r
alive "$L" || fail "faultload exited before an ack: $(cat "$T/load.r.out" "$T/load.r.err")"
"$here/cluster.sh" kill "$D"
until_ok 20 "/healthz to say the store is down" healthz_down "$ADDR"
down=$(health "$ADDR")
refused() { [ -s "$T/refused.r" ] || gone "$L"; }
until_ok 20 "a refusal while PostgreSQL is down" refused
alive "$L" || fail "faultload stopped while PostgreSQL was down: $(cat "$T/load.r.out" "$T/load.r.err")"
"$here/cluster.sh" restart "$D"
until_ok 30 "/healthz to say ok again" healthz_ok "$ADDR"
# the load goes on to its end (--duration): acks again after the restart
after=$(wc -l <"$T/acked.r")
alive "$L" || fail "the load ended before PostgreSQL was back: $(cat "$T/load.r.out")"
until_ok 90 "faultload to end" gone "$L"
rc=0
wait "$L" || rc=$?
[ "$(wc -l <"$T/acked.r")" -gt "$after" ] || fail "no ack after the restart: $(cat "$T/load.r.out")"
# 3: something was refused, as it must have been
[ "$rc" = 3 ] || fail "faultload exit $rc, want 3 (refusals): $(cat "$T/load.r.out" "$T/load.r.err")"
grep -q 'unanswered=0' "$T/load.r.out" || fail "replies missing: $(cat "$T/load.r.out")"
stored pr- "$T/acked.r" "$T/sent.r" "the PostgreSQL restart"
kill -TERM "$SERVER"
wait "$SERVER" || fail "beta exit status $? after SIGTERM"
ok "PostgreSQL killed and restarted under load: /healthz said '${down:0:40}…', $(wc -l <"$T/refused.r") refusals, $(wc -l <"$T/acked.r") acked, all stored once"
echo "$n passed, 0 failed"
