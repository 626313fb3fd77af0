#!/usr/bin/env bash
# tests/pg/ui.sh TELTOP: the UI on PostgreSQL, in tmux, against the
# throwaway cluster of tests/pg/run.sh ($TELTOP_TEST_PG).  Two collectors
# (alpha, beta) serve on the database; a UI with a collector of its own
# (viewer1) and a `teltop watch` of alpha are the viewers.
#   - the UI's header (and the watch's) lists the collectors seen in the
#     last minute, and drops one that stopped;
#   - events posted to alpha and to beta after the UI started show in its
#     live stream (NOTIFY of committed batches), and in the watch of
#     alpha's /v1/stream;
#   - a run started through one collector and finished through the other
#     is one run in both viewers' Commands view;
#   - `teltop events` says which collector received each.
# Every wait is for a state on the screen or in a log, bounded by WAIT
# seconds (20); a failure prints the screen.
set -euo pipefail
unset TMUX
TELTOP=$1
case $TELTOP in
/*) ;;
*) TELTOP=$PWD/$TELTOP ;;
esac
U=$TELTOP_TEST_PG
WAIT=${WAIT:-20}
n=0
T=$(mktemp -d /tmp/teltop-pgui.XXXXXX)
SOCK=teltop-pgui-$$
PIDS=()
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() {
	tm kill-server >/dev/null 2>&1 || true
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$T"
}
trap cleanup EXIT
export HOME=$T XDG_CONFIG_HOME=$T/config LC_ALL=C.UTF-8
unset NO_COLOR TELTOP_DB TELTOP_LISTEN TELTOP_TOKEN

ok() { n=$((n + 1)); echo "ok - pg ui: $*"; }
fail() {
	echo "not ok - pg ui: $*"
	for s in ui watch; do
		if tm has-session -t "$s" 2>/dev/null; then
			echo "# the $s screen:"
			tm capture-pane -p -t "$s" | sed 's/^/# /'
		fi
	done
	exit 1
}

# wait_screen SESSION RE: until a line of the session's screen matches RE.
wait_screen() {
	local end=$((SECONDS + WAIT))
	while [ $SECONDS -lt $end ]; do
		tm capture-pane -p -t "$1" >"$T/$1.screen" 2>/dev/null || true
		grep -Eq -e "$2" "$T/$1.screen" && return 0
		sleep 0.1
	done
	fail "the $1 screen never showed /$2/"
}

# serve NAME: a collector on the database, in a directory of its own
serve() {
	XDG_DATA_HOME=$T/$1 "$TELTOP" serve --db "$U" --listen 127.0.0.1:0 \
	    --otlp-grpc off --name "$1" >"$T/$1.log" 2>&1 &
	PIDS+=($!)
	eval "PID_$1=$!"
	local end=$((SECONDS + WAIT))
	while [ $SECONDS -lt $end ]; do
		grep -q 'listening on 127.0.0.1:' "$T/$1.log" && return 0
		kill -0 "$(eval echo "\$PID_$1")" 2>/dev/null || break
		sleep 0.05
	done
	fail "serve $1 did not start: $(cat "$T/$1.log")"
}
addr() { grep -o 'listening on 127.0.0.1:[0-9]*' "$T/$1.log" | head -n 1 | sed 's/listening on //'; }
post() {
	curl -sf -XPOST --data-binary "{\"name\":\"$2\",\"client_id\":\"c-$1\"}" \
	    "http://$(addr "$1")/v1/events" | grep -q '"accepted":1' || fail "POST $2 to $1"
}

serve alpha
serve beta
mkdir -p "$T/viewer1"
tm new-session -d -s ui -x 132 -y 30 "env XDG_DATA_HOME=$T/viewer1 $(printf %q "$TELTOP") \
    --db $(printf %q "$U") --name viewer1 --listen 127.0.0.1:0 2>$T/ui.err; echo UI-EXITED \$?; sleep 600"
wait_screen ui 'collectors alpha, beta, viewer1 '
ok "the header lists the three collectors on the database"

post alpha live-from-alpha
post beta live-from-beta
wait_screen ui 'live-from-alpha'
wait_screen ui 'live-from-beta'
ok "events committed by alpha and by beta show in the UI's live stream"

# a watch of alpha's stream sees what beta commits too; on alpha's
# machine (its files) with TELTOP_DB the database, it finds alpha's token
tm new-session -d -s watch -x 132 -y 30 "env XDG_DATA_HOME=$T/alpha TELTOP_DB=$(printf %q "$U") \
    $(printf %q "$TELTOP") watch http://$(addr alpha) 2>$T/watch.err; echo WATCH-EXITED \$?; sleep 600"
wait_screen watch 'live-from-beta'
wait_screen watch 'collectors alpha, beta, viewer1 '
post beta live-again-beta
wait_screen watch 'live-again-beta'
wait_screen ui 'live-again-beta'
ok "a watch of alpha's stream shows beta's events, history and live, and the collectors"

# a run started through beta and finished through alpha: one run with
# its duration in the Commands view of both viewers (the watch's model
# follows alpha's deltas, worked out for beta's events too)
run='"source":"werf","execution_id":"e-7","command":"werf bundle apply"'
curl -sf -XPOST --data-binary "{\"name\":\"CommandStarted\",\"phase\":\"start\",$run}" \
    "http://$(addr beta)/v1/events" | grep -q '"accepted":1' || fail "start to beta"
wait_screen ui 'CommandStarted'
curl -sf -XPOST --data-binary "{\"name\":\"CommandExited\",\"phase\":\"finish\",$run,\"duration_ms\":2500,\"exit_code\":1}" \
    "http://$(addr alpha)/v1/events" | grep -q '"accepted":1' || fail "finish to alpha"
wait_screen watch 'CommandExited'
tm send-keys -t ui 2
tm send-keys -t watch 2
wait_screen ui 'werf +bundle apply +1 +1 .*2\.5s'
wait_screen watch 'werf +bundle apply +1 +1 .*2\.5s'
ok "a run started through beta and finished through alpha counts once, with its duration, in both viewers"
# the newest event (alpha's finish) in the detail view says who received it
tm send-keys -t ui 1
wait_screen ui 'CommandExited'
tm send-keys -t ui End Enter
wait_screen ui 'collector +alpha'
tm send-keys -t ui Escape
ok "the detail view says which collector received the event"

"$TELTOP" events --db "$U" --filter 'name=live-from-beta' >"$T/ev.jsonl"
grep -q '"collector":"beta"' "$T/ev.jsonl" || fail "teltop events: $(cat "$T/ev.jsonl")"
"$TELTOP" events --db "$U" --filter 'name=live-from-alpha' | grep -q '"collector":"alpha"' ||
    fail "teltop events of alpha's event"
ok "teltop events says which collector received each event"

# beta stops: it leaves the list at once (its row goes on close)
kill -TERM "$PID_beta"
wait "$PID_beta" || fail "beta exit status $?"
wait_screen ui 'collectors alpha, viewer1 '
ok "a collector that stopped leaves the header"
# each ends cleanly (under ASan: no leak, no error)
tm send-keys -t watch q
wait_screen watch 'WATCH-EXITED [0-9]'
grep -q 'WATCH-EXITED 0' "$T/watch.screen" || fail "the watch's exit: $(cat "$T/watch.err")"
tm send-keys -t ui q
wait_screen ui 'UI-EXITED [0-9]'
grep -q 'UI-EXITED 0' "$T/ui.screen" || fail "the UI's exit: $(cat "$T/ui.err")"
kill -TERM "$PID_alpha"
wait "$PID_alpha" || fail "alpha exit status $?: $(tail -n 20 "$T/alpha.log")"
! grep -l 'Sanitizer' "$T"/*.err "$T"/*.log || fail "a sanitizer said so: $(cat "$T"/*.err)"
ok "the UI, the watch and the collectors exit 0"
echo "$n passed, 0 failed"
