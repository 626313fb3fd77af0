#!/usr/bin/env bash
# Screen tests: the UI (`teltop` with no subcommand) runs at a fixed size
# inside tmux, is fed events over HTTP with curl (generic JSON on
# /v1/events, real tool bodies on their own routes) and driven with `tmux
# send-keys`; then `tmux capture-pane -p` is polled until what the screen
# must show is there.  Each case runs its own UI on its own database in its
# own directory, on a tmux server of its own (-L, ended with the case).
# Nothing waits for a fixed time: every wait is for a state, up to
# SCREEN_WAIT seconds (default 20) before the case fails with the screen;
# to check that something is not shown, a case first waits for a sign that
# the action was handled.
#
#   tests/screen/run.sh [PATH/TO/teltop]      (default ./teltop)
#
# Needs bash, tmux (>= 3.1) and curl.  Prints "ok - NAME" or "not ok - NAME"
# (with "#" lines saying why, and the screen as it was) per case, then
# "N passed, M failed"; exits 1 when anything failed.
# KEEP=1 keeps the temporary directory (databases, screens, UI logs);
# ONLY=REGEX runs only the cases whose name matches; SCREEN_WAIT=S sets how
# long a wait may take.
set -euo pipefail
unset TMUX

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
TELTOP=${1:-./teltop}
case $TELTOP in
/*) ;;
*) TELTOP=$PWD/$TELTOP ;;
esac
cd "$root"

FIX=$root/tests/integration/fixtures
# What the store packs is seen through tests/integration/unpack.c, built
# beside the teltop under test (see tests/integration/run.sh).
UNPACK=${UNPACK:-}
for u in "$(dirname "$TELTOP")/tests/unpack" "$(dirname "$TELTOP")/build/tests/unpack"; do
	[ -z "$UNPACK" ] && [ -x "$u" ] && UNPACK=$u
done
if [ -z "$UNPACK" ]; then
	echo "screen: no tests/unpack beside $TELTOP: run make test-screen" >&2
	exit 2
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/teltop-screen.XXXXXX")
SOCK=		# the tmux server of the case running (tmux -L), set per case
SOCKS=()	# every server started, for the EXIT trap
SOCKDIR=${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)
PASS=0
FAIL=0
NCASE=0
D=$T		# the directory of the case running
W=80		# the size of the UI's window
H=24
ADDR=		# the collector's address, read from the header

# Each case has a tmux server of its own: when one case's server goes
# (tmux exits when its last session ends), the next case does not race it.
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }

# kill_server SOCKET: end that server and remove the socket it leaves.
kill_server() {
	tmux -L "$1" -f /dev/null kill-server >/dev/null 2>&1 || true
	rm -f "$SOCKDIR/$1"
}

cleanup() {
	local s f
	for s in "${SOCKS[@]}"; do
		kill_server "$s"
	done
	for f in "$T"/*/serve.pid "$T"/*/ui.pids; do
		if [ -f "$f" ]; then
			# shellcheck disable=SC2046 # one pid a line
			kill -KILL $(cat "$f") 2>/dev/null || true
		fi
	done
	if [ "${KEEP:-0}" = 1 ]; then
		echo "# kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# ---------------------------------------------------------------- reporting

# run_case NAME FUNCTION [ARG...]: run FUNCTION in a subshell with set -e,
# in a fresh directory $D; its output is shown only when it fails.  The
# UI it started is ended afterwards.
run_case() {
	local name=$1 rc
	shift
	if [ -n "${ONLY:-}" ] && ! grep -Eq -e "$ONLY" <<<"$name"; then
		return 0
	fi
	NCASE=$((NCASE + 1))
	D=$T/$(printf %02d "$NCASE")
	mkdir -p "$D"
	SOCK=teltop-screen-$$-$NCASE
	SOCKS+=("$SOCK")
	W=80
	H=24
	set +e
	(set -e; "$@") >"$D/case.log" 2>&1
	rc=$?
	set -e
	record "$name" "$rc" "$D/case.log"
	stop_case
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
			head -c 6000 "$3" | sed 's/^/#   /'
		fi
		if [ -s "$D/ui.stderr" ]; then
			echo "#   (the UI's stderr:)"
			tail -n 10 "$D/ui.stderr" | sed 's/^/#   | /'
		fi
		if [ -s "$D/exit" ]; then
			echo "#   (the UI has exited: $(cat "$D/exit"))"
		fi
	fi
}

fail() {
	echo "$*" >&2
	exit 1
}

# stop_case: end the case's tmux server (and with it the UI: SIGHUP), wait
# for the UI to be gone (so that it does not load the next case), and end
# the case's `teltop serve`.
stop_case() {
	local pid end
	kill_server "$SOCK"
	if [ -f "$D/ui.pids" ]; then
		end=$(($(now_us) + 5000000))
		for pid in $(cat "$D/ui.pids"); do
			while alive "$pid" && [ "$(now_us)" -lt "$end" ]; do
				sleep 0.05
			done
			kill -KILL "$pid" 2>/dev/null || true
		done
		rm -f "$D/ui.pids"
	fi
	if [ -f "$D/serve.pid" ]; then
		kill -KILL "$(cat "$D/serve.pid")" 2>/dev/null || true
		rm -f "$D/serve.pid"
	fi
	if [ -f "$D/mounted" ]; then	# case_header_disk's
		umount "$(cat "$D/mounted")" 2>/dev/null || true
		rm -f "$D/mounted"
	fi
}

# alive PID: the process runs (a zombie, not yet reaped by init, is gone).
alive() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	[[ $st != Z* ]]
}

# now_us: the time in microseconds (for deadlines).
now_us() {
	local t=${EPOCHREALTIME/[.,]/}
	echo "$t"
}

# ---------------------------------------------------------------- waiting

# A case waits for the state it checks, never for a time: it polls until
# the state holds and fails after WAIT seconds (SCREEN_WAIT, default 20),
# saying what it waited for and showing the last screen.  The limit only
# matters when something is wrong: a loaded or sanitized run waits longer.
WAIT=${SCREEN_WAIT:-20}

# until_ok CMD [ARG...]: run CMD until it succeeds (return 0) or WAIT
# seconds have passed (return 1).
until_ok() {
	local end
	end=$(($(now_us) + WAIT * 1000000))
	until "$@"; do
		[ "$(now_us)" -lt "$end" ] || return 1
		sleep 0.05
	done
}

# until_screen WHAT PRED [ARG...]: capture the screen until PRED holds on
# it; after WAIT seconds fail with "waited N s for WHAT" and the screen.
# PRED returns a status (set -e does not apply inside it).
until_screen() {
	local what=$1 end
	shift
	end=$(($(now_us) + WAIT * 1000000))
	while :; do
		cap
		"$@" && return 0
		[ "$(now_us)" -lt "$end" ] || break
		sleep 0.05
	done
	screen_fail "waited $WAIT s for $what"
}

# ---------------------------------------------------------------- the UI

# start_ui [NAME=VALUE...] [ARG...]: run the UI in tmux session "ui" at
# W x H on $D/events.db, listening on a port the kernel picks; wait for
# its first whole frame (the header on line 1, a footer on line H: curses
# is set up and the keys sent next are read) and read the address from the
# header into ADDR.  It runs in the top of the tree, so that ./themes is
# found as it is by hand.  When the UI ends, the pane shows
# "UI-EXITED status=N" and $D/exit holds "EXIT=N".
start_ui() {
	local envs=() cmd
	while [ $# -gt 0 ] && [[ $1 == [A-Z_]*=* ]]; do
		envs+=("$1")
		shift
	done
	cmd=(env LC_ALL=C.UTF-8 "TELTOP_DB=$D/events.db" "XDG_CONFIG_HOME=$D/config" "${envs[@]}"
	    "$TELTOP" --listen 127.0.0.1:0 "$@")
	if [ "${1:-}" = watch ]; then	# the UI on a collector elsewhere
		# no database of its own: no token beside one
		cmd=(env -u TELTOP_DB LC_ALL=C.UTF-8 "XDG_CONFIG_HOME=$D/config" \
		    "XDG_DATA_HOME=$D/watch-data" "${envs[@]}" "$TELTOP" "$@")
	fi
	{
		echo 'unset NO_COLOR TELTOP_LISTEN'
		printf 'cd %q || exit 1\n' "$root"
		# the pane's shell (later the sleep) and the UI, for stop_case
		printf 'echo $$ >>%q\n' "$D/ui.pids"
		printf 'sh -c %q %q ' 'echo $$ >>"$0"; exec "$@"' "$D/ui.pids"
		printf '%q ' "${cmd[@]}"
		printf '2>%q\n' "$D/ui.stderr"
		echo 'st=$?'
		printf 'echo "EXIT=$st" >%q\n' "$D/exit"
		echo 'echo "UI-EXITED status=$st"'
		echo 'exec sleep 600'
	} >"$D/ui.sh"
	rm -f "$D/exit" "$D/ui.pids"
	tm new-session -d -s ui -x "$W" -y "$H" "bash $(printf %q "$D/ui.sh")"
	ADDR=
	until_screen "the first frame: ' teltop  127.0.0.1:PORT  ...' on line 1, a footer on line $H" \
	    first_frame
}

first_frame() {
	if [ -s "$D/exit" ]; then
		screen_fail "the UI exited before its first frame"
	fi
	ADDR=$(sed -n '1s/^ teltop  \(127\.0\.0\.1:[1-9][0-9]*\)  .*/\1/p' "$D/screen")
	[ -n "$ADDR" ] && line -1 | grep -Eq -e "$FOOTER"
}

# keys KEY...: tmux key names (Enter, Escape, Space, C-u, BTab, NPage...)
keys() { tm send-keys -t ui "$@"; }
# type TEXT: literal text
type_text() { tm send-keys -t ui -l "$1"; }

# resize W H: resize the window and wait until tmux has the pane at W x H.
# The UI redraws later (at its SIGWINCH): the caller then waits for that
# redraw (expect_frame, or what the new size must show).
resize() {
	W=$1
	H=$2
	tm resize-window -t ui -x "$W" -y "$H"
	until_screen "tmux to show the pane at ${W}x${H} (it has $(pane_size))" \
	    pane_is "${W}x${H}"
}

pane_size() { tm display -p -t ui '#{pane_width}x#{pane_height}'; }
pane_is() { [ "$(pane_size)" = "$1" ]; }

# ---------------------------------------------------------------- the screen

# cap: capture the pane into $D/screen once it is still.  The UI writes a
# frame in more than one write and tmux may be asked between two of them;
# two captures 30 ms apart that agree (of up to 10) count as still.
cap() {
	local i
	tm capture-pane -p -t ui >"$D/screen" ||
	    screen_fail "tmux capture-pane failed: the case's tmux server is gone"
	for i in 1 2 3 4 5 6 7 8 9 10; do
		sleep 0.03
		tm capture-pane -p -t ui >"$D/screen.next" ||
		    screen_fail "tmux capture-pane failed: the case's tmux server is gone"
		cmp -s "$D/screen" "$D/screen.next" && return 0
		mv -f "$D/screen.next" "$D/screen"
	done
}

# cap_e: the same with attributes (capture-pane -e) into $D/screen.e.
cap_e() {
	local i
	tm capture-pane -e -p -t ui >"$D/screen.e" ||
	    screen_fail "tmux capture-pane failed: the case's tmux server is gone"
	for i in 1 2 3 4 5 6 7 8 9 10; do
		sleep 0.03
		tm capture-pane -e -p -t ui >"$D/screen.e.next" ||
		    screen_fail "tmux capture-pane failed: the case's tmux server is gone"
		cmp -s "$D/screen.e" "$D/screen.e.next" && return 0
		mv -f "$D/screen.e.next" "$D/screen.e"
	done
}

show_screen() {
	echo "--- screen (${W}x${H}) ---"
	awk '{ printf "%2d|%s\n", NR, $0 }' "$D/screen"
	echo "---"
}

screen_fail() {
	echo "$1"
	show_screen
	exit 1
}

# line N: line N of the last capture (N < 0 counts from the bottom).
line() {
	local n=$1
	[ "$n" -lt 0 ] && n=$((H + 1 + n))
	sed -n "${n}p" "$D/screen"
}

# line_no REGEX: the number of the first line matching, 0 if none.
line_no() {
	local n
	n=$(grep -nE -e "$1" "$D/screen" | head -n 1 | cut -d: -f1)
	echo "${n:-0}"
}

# count_lines REGEX: how many lines of the last capture match.
count_lines() { grep -Ec -e "$1" "$D/screen" || true; }

# Predicates on the last capture, for until_screen.
has() { grep -Eq -e "$1" "$D/screen"; }
lacks() { ! grep -Eq -e "$1" "$D/screen"; }
has_n() { [ "$(count_lines "$1")" -eq "$2" ]; }
line_has() { line "$1" | grep -Eq -e "$2"; }
# followed_by RE1 RE2: the first line matching RE1 has one matching RE2
# under it.
followed_by() {
	local n
	n=$(line_no "$1")
	[ "$n" -gt 0 ] && sed -n "$((n + 1))p" "$D/screen" | grep -Eq -e "$2"
}

# expect_screen REGEX: wait until a line matches.
expect_screen() { until_screen "a line matching /$1/" has "$1"; }

# expect_no_screen REGEX: wait until no line matches.  Only a wait when a
# line matches before the action: to check that something is NOT shown,
# wait for a positive sign that the action was handled, then screen_lacks.
expect_no_screen() { until_screen "no line matching /$1/" lacks "$1"; }

# expect_line N REGEX: wait until line N matches.
expect_line() { until_screen "line $1 to match /$2/" line_has "$1" "$2"; }

# stays_absent REGEX: no line matches over half a second of frames (more
# frames than it takes to draw).  Use it after a positive sign that what
# could bring REGEX on screen has been handled: it is a check, not a wait.
stays_absent() {
	local i
	for i in 1 2 3 4 5 6; do
		cap
		if grep -Eq -e "$1" "$D/screen"; then
			screen_fail "a line matches /$1/ and should not"
		fi
		sleep 0.1
	done
}

# screen_has REGEX / screen_lacks REGEX: on the last capture, no polling.
screen_has() {
	grep -Eq -e "$1" "$D/screen" || screen_fail "no line matches /$1/"
}
screen_lacks() {
	if grep -Eq -e "$1" "$D/screen"; then
		screen_fail "a line matches /$1/ and should not"
	fi
}

# above RE1 RE2: on the last capture, a line matching RE1 is above one
# matching RE2.
above() {
	local a b
	a=$(line_no "$1")
	b=$(line_no "$2")
	[ "$a" -gt 0 ] && [ "$b" -gt 0 ] && [ "$a" -lt "$b" ] ||
	    screen_fail "expected /$1/ (line $a) above /$2/ (line $b)"
}

# sync_keys: wait until every key sent so far is handled (the help overlay
# opened by one more key shows, then closes again).
sync_keys() {
	keys '?'
	expect_screen "$HELP_TITLE"
	keys x
	expect_no_screen "$HELP_TITLE"
}

# wider_than W: the number of the first line of stdin wider than W
# characters (not bytes: "…" is one), if any.
wider_than() {
	local l n=0 LC_ALL=C.UTF-8
	while IFS= read -r l; do
		n=$((n + 1))
		if [ "${#l}" -gt "$1" ]; then
			echo "$n"
			return
		fi
	done
}

# frame_ok: the frame fills W x H: the header on line 1 (once), the footer
# (of any view or prompt) on the last line (once), no line wider than W.
frame_ok() {
	local n wide
	n=$(wc -l <"$D/screen")
	[ "$n" -eq "$H" ] || screen_fail "the capture has $n lines, want $H"
	wide=$(wider_than "$W" <"$D/screen")
	[ -z "$wide" ] || screen_fail "line $wide is wider than $W columns"
	line 1 | grep -Eq "^ teltop  $ADDR( |\$)" || screen_fail "line 1 is not the header"
	line -1 | grep -Eq "$FOOTER" || screen_fail "line $H is not the footer"
	[ "$(count_lines '^ teltop  127\.0\.0\.1:')" -eq 1 ] || screen_fail "more than one header"
	[ "$(count_lines "$FOOTER")" -eq 1 ] || screen_fail "more than one footer"
}

# expect_frame: wait until frame_ok holds: after a resize, the UI's own
# redraw at the new size (a frame of the old size fails frame_ok).
expect_frame() {
	until_screen "a whole ${W}x${H} frame (header on line 1, footer on line $H)" \
	    eval '(frame_ok) >/dev/null 2>&1'
}

# is_selected N: on the last cap_e, line N is drawn reverse (the selection).
is_selected() {
	local l re=$'^(\e\\[[0-9;]*m)+'
	l=$(sed -n "${1}p" "$D/screen.e")
	[[ $l =~ $re ]] || return 1
	l=${BASH_REMATCH[0]//[$'\e'[m]/;}
	[[ ";$l;" == *";7;"* ]]
}
selected_now() { cap_e && is_selected "$1"; }

# expect_selected N: wait until line N is the selected row.
expect_selected() { until_screen "line $1 to be the selected (reverse) row" selected_now "$1"; }

# has_colour: the last `capture-pane -e` ($D/screen.e) sets a colour.
# (The last grep reads all its input: with -q it could end the pipeline
# early, and a SIGPIPE upstream fails it under pipefail.)
has_colour() {
	grep -oE $'\e\\[[0-9;]*m' "$D/screen.e" | tr -d '\033[m' | tr ';' '\n' |
	    grep -Ex '3[0-8]|4[0-8]|9[0-7]|10[0-7]' >/dev/null
}

# ---------------------------------------------------------------- events

# post ROUTE BODY [CURL-ARG...]: prints the status; the reply goes to $D/reply.
post() {
	local route=$1 body=$2
	shift 2
	curl -sS -o "$D/reply" -w '%{http_code}' --max-time 10 -H 'Expect:' \
	    -H 'Content-Type: application/json' --data-binary "$body" "$@" \
	    "http://$ADDR$route"
}

# send BODY [ACCEPTED DROPPED]: POST /v1/events, want 200 (and the counts).
send() {
	local st
	st=$(post /v1/events "$1")
	[ "$st" = 200 ] || fail "POST /v1/events: status $st, reply $(cat "$D/reply")"
	if [ $# -ge 3 ]; then
		grep -Eq "\"accepted\": *$2[,}]" "$D/reply" &&
		    grep -Eq "\"dropped\": *$3[,}]" "$D/reply" ||
		    fail "POST /v1/events: reply $(cat "$D/reply"), want accepted $2, dropped $3"
	fi
}

# ev SOURCE COMMAND EXIT DURATION_MS [CLIENT [EXECUTION]]: a generic finish.
ev() {
	printf '{"source":"%s","event":"CommandExited","command":"%s","client_id":"%s","duration_ms":%s,"exit_code":%s,"phase":"finish","execution_id":"%s"}' \
	    "$1" "$2" "${5:-c1}" "$4" "$3" "${6:-x$RANDOM$RANDOM}"
}

# devpod_body COMMAND [MACHINE]: a DevPod v0.6.15 /v1/insert body (the shape
# of fixtures/devpod_insert.json), one event, now.
devpod_body() {
	local now
	now=$(date +%s)
	printf '{"data":[{"event":{"machine_id":"%s","properties":"{\\"command\\":\\"%s\\",\\"desktop\\":false,\\"ide\\":\\"vscode\\",\\"is_ci\\":false,\\"is_interactive\\":true,\\"provider\\":\\"docker\\",\\"source_type\\":\\"git:\\",\\"version\\":\\"v0.6.15\\"}","timestamp":%s,"type":"devpod_cli"},"user":{"machine_id":"%s","properties":"{\\"os_arch\\":\\"amd64\\",\\"os_name\\":\\"linux\\",\\"timezone\\":\\"CET\\"}","timestamp":%s}}]}' \
	    "${2:-dpmachine}" "$1" "$now" "${2:-dpmachine}" "$now"
}

# send_devpod COMMAND [MACHINE]: POST it to /v1/insert, want 200.
send_devpod() {
	local st
	st=$(post /v1/insert "$(devpod_body "$@")")
	[ "$st" = 200 ] || fail "POST /v1/insert: status $st, reply $(cat "$D/reply")"
}

# Capture: requests a tool sends to its vendor over HTTPS reach the UI's
# collector as its proxy (CONNECT, then TLS with a certificate minted from
# teltop's CA), as `teltop capture` makes them.  A case that captures
# starts the UI with XDG_DATA_HOME=$D/xdg, so that the CA is made there.

# capture_ca: the collector's CA certificate (GET /v1/ca) into $D/ca.pem.
capture_ca() {
	local st
	st=$(curl -sS -o "$D/ca.pem" -w '%{http_code}' --max-time 10 "http://$ADDR/v1/ca") || st=000
	[ "$st" = 200 ] && grep -q 'BEGIN CERTIFICATE' "$D/ca.pem" ||
	    fail "GET /v1/ca: status $st: $(head -c 300 "$D/ca.pem")"
}

# capture_post URL BODY [CURL-ARG...]: POST BODY to the https URL through
# the collector's proxy, trusting only its CA (no NO_PROXY exception);
# prints the status, the reply goes to $D/reply.
capture_post() {
	local url=$1 body=$2
	shift 2
	[ -s "$D/ca.pem" ] || capture_ca
	curl -sS -o "$D/reply" -w '%{http_code}' --max-time 10 -H 'Expect:' \
	    --noproxy '' --proxy "http://$ADDR" --cacert "$D/ca.pem" \
	    -H 'Content-Type: application/json' --data-binary "$body" "$@" "$url"
}

# capture_devpod COMMAND [MACHINE [CURL-ARG...]]: DevPod's /v1/insert body
# to https://analytics.loft.rocks through the proxy, with a bearer token
# the collector must mask; want 200.
capture_devpod() {
	local st cmd=$1 machine=${2:-capmachine}
	shift $(($# < 2 ? $# : 2))
	st=$(capture_post https://analytics.loft.rocks/v1/insert "$(devpod_body "$cmd" "$machine")" \
	    -H 'Authorization: Bearer sekrit-token-1234' -A 'Go-http-client/1.1' "$@") || st=000
	[ "$st" = 200 ] || fail "captured POST https://analytics.loft.rocks/v1/insert: status $st, reply $(cat "$D/reply" 2>/dev/null)"
}

# in_db_files TEXT: TEXT is in the database or its WAL (the WAL read first:
# a checkpoint moves pages from it to the database, then may truncate it),
# or in what they hold unpacked (the store compresses: store/pack.h).
# One grep over the files, not `cat | grep -q`: under pipefail, grep -q
# ending at a match while cat still writes made the pipeline fail (SIGPIPE,
# 141) once the WAL outgrew the pipe buffer.
in_db_files() {
	"$UNPACK" "$D/events.db" >"$D/events.unpacked" 2>/dev/null || true
	grep -aqsF -e "$1" "$D/events.db-wal" "$D/events.db" "$D/events.unpacked"
}

# expect_in_db_files TEXT: wait for it (against a checkpoint in flight);
# 1 if it is not there within WAIT seconds (and what the files are, for
# the failure's message, on stderr).
expect_in_db_files() {
	until_ok in_db_files "$1" && return 0
	echo "# not in the database files within $WAIT s: $(cd "$D" && ls -l --time-style=+%T events.db* 2>&1 | awk '{ printf "%s %s %s; ", $NF, $5, $6 }')" >&2
	return 1
}

# history_db: fill $D/events.db with `teltop serve` (before any UI runs):
# the DevPod fixture (devpod up, devpod delete) and two werf events.
history_db() {
	local pid rc
	start_serve
	pid=$(cat "$D/serve.pid")
	[ "$(post /v1/insert "@$FIX/devpod_insert.json")" = 200 ] || fail "serve: /v1/insert failed"
	send "$(ev werf 'werf hist-one' 0 1200)" 1 0
	send "$(ev werf 'werf hist-two' 3 400)" 1 0
	kill -TERM "$pid"
	set +e
	wait "$pid"
	rc=$?
	set -e
	rm -f "$D/serve.pid"
	[ "$rc" -eq 0 ] || fail "teltop serve: exit $rc after SIGTERM"
	ADDR=
}

# fmt_ms MS: a duration as the UI writes it (850ms, 1.5s, 2m05, 1h10).
fmt_ms() {
	local ms=$1
	if [ "$ms" -lt 1000 ]; then
		echo "${ms}ms"
	elif [ "$ms" -lt 60000 ]; then
		LC_ALL=C printf '%.1fs\n' "$(LC_ALL=C awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
	elif [ "$ms" -lt 3600000 ]; then
		printf '%dm%02ds\n' $((ms / 60000)) $((ms / 1000 % 60))
	else
		printf '%dh%02dm\n' $((ms / 3600000)) $((ms / 60000 % 60))
	fi
}

# stats_cmd COMMAND KEY: KEY (p50_ms, ...) of COMMAND in `teltop stats --json`.
stats_cmd() {
	"$TELTOP" stats --db "$D/events.db" --json >"$D/stats.json"
	awk -v cmd="$1" -v key="$2" '
	    $0 ~ "\"command\":[ \t]*\"" cmd "\"" { on = 1 }
	    on && $0 ~ "\"" key "\":" { gsub(/[^0-9]/, "", $2); print $2; exit }' "$D/stats.json"
}

# ---------------------------------------------------------------- cases

TITLE_STREAM='^TIME +SOURCE +EVENT +COMMAND +CLIENT +DUR OUTCOME$'
TITLE_COMMANDS='^SOURCE +COMMAND +DONE +FAIL +P50 +P95 +P99 +MAX +RUNNING +ORPH( +LAST)? +RECENT$'
TITLE_OPTOUT='^SOURCE / CLIENT +OPT-OUT +BY +DROPPED +PROOF \(from the database\)'
TITLE_DAILY='^DAY +SOURCE +EVENTS +COMMANDS +FAILED +CLIENTS +EVENTS$'
TITLE_METRICS='^SOURCE +METRIC +KIND +UNIT +POINTS +LAST +(MIN +MAX +)?SEEN +RECENT$'
TITLE_FIELDS='^ +FIELD +TYPE +GRADE +EVENTS +VERSIONS( +MEANING)?$'
TABS='^ 1 Stream   2 Commands   3 Opt-out   4 Daily   5 Metrics   6 Fields'
# what may follow the tabs on their line: the last minute's sparkline
SPARK='( +[▁▂▃▄▅▆▇█][▁▂▃▄▅▆▇█ ]*)?'
CLOCK='[0-9]{2}:[0-9]{2}:[0-9]{2}'
HELP_TITLE=' teltop keys'	# the overlay's first line
# its box: the top border with the title, a side of it (UTF-8 or ACS)
HELP_TOP='(┌─|\+-|lq) teltop keys (─|-|q)+(┐|\+|k)$'
SIDE='(│|\||x)'
FOOTER_STREAM='^ Enter detail  p pause  / filter  c/C cmd/client  o/O opt out  \? help  q quit$'
FOOTER_PROMPT='^ Enter apply  Esc cancel'	# the filter prompt's
FOOTER='^ (Enter detail  p pause|Enter runs  / find|Enter points  s sort|Enter the run  s|Enter its events  Up|Space toggle|Esc back  / n N find|y yes  n no|Enter apply  Esc|Enter find  Esc|Enter events  d diff)'

# start_serve: `teltop serve` on $D/events.db in the background (killed
# by stop_case); its address in SERVE_ADDR and ADDR.
start_serve() {
	local pid end
	"$TELTOP" serve --db "$D/events.db" --listen 127.0.0.1:0 \
	    >"$D/serve.out" 2>"$D/serve.log" &
	pid=$!
	echo "$pid" >"$D/serve.pid"
	SERVE_ADDR=
	end=$(($(now_us) + WAIT * 1000000))
	while [ "$(now_us)" -lt "$end" ]; do
		SERVE_ADDR=$(grep -oE 'listening on [0-9.]+:[0-9]+' "$D/serve.log" | head -n 1 | sed 's/^listening on //') || true
		[ -n "$SERVE_ADDR" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	[ -n "$SERVE_ADDR" ] || fail "teltop serve printed no address; log: $(tail -n 5 "$D/serve.log")"
	ADDR=$SERVE_ADDR
}

# viewers: how many viewers the collector at SERVE_ADDR has now.
viewers() {
	curl -sS --max-time 5 "http://$SERVE_ADDR/metrics" | awk '$1 == "teltop_stream_viewers" { print $2 }'
}
viewers_are() { [ "$(viewers)" = "$1" ]; }

# Two processes: `teltop` started on the address of a running `teltop
# serve` attaches to it instead of failing.  The stream (history and live),
# Commands, and an opt-out set from the UI all go through the collector;
# quitting the UI leaves the collector running.
case_attach() {
	start_serve
	send "$(ev werf 'werf converge' 0 1500)" 1 0
	start_ui --listen "$SERVE_ADDR"
	[ "$ADDR" = "$SERVE_ADDR" ] || screen_fail "the header names $ADDR, not the collector's $SERVE_ADDR"
	expect_line -2 "^$CLOCK attached to the collector at $SERVE_ADDR$"
	local r="^$CLOCK werf +CommandExited +werf converge +c1 +"
	screen_has "${r}1\.5s ok$"
	until_ok viewers_are 1 || fail "the collector has $(viewers) viewers, want 1"
	# live: sent to the collector, shown here
	send "$(ev werf 'werf converge' 2 850 c2)" 1 0
	expect_screen "^$CLOCK werf +CommandExited +werf converge +c2 +850ms exit 2$"
	above "${r}1\.5s ok$" "c2 +850ms exit 2$"
	expect_line 1 '  stored 2  '
	# the collector's stats model, with the live run added
	keys 2
	expect_line 3 "$TITLE_COMMANDS"
	expect_screen '^werf +werf converge +2 +1 '
	# opt-out through the collector, with the token next to the database
	keys 3
	expect_line 3 "$TITLE_OPTOUT"
	keys j j j
	expect_selected "$(line_no '^werf ')"
	keys Space
	expect_line -2 '^Opt out werf\? '
	keys y
	expect_line -2 "^$CLOCK opt-out set at $SERVE_ADDR: werf$"
	expect_screen "^werf +ON +http +0 +0 stored since $CLOCK"
	curl -sS "http://$SERVE_ADDR/v1/optout" >"$D/optout.json"
	grep -q '"source":"werf"' "$D/optout.json" || fail "the collector's registry: $(cat "$D/optout.json")"
	send "$(ev werf 'werf converge' 0 100 c3)" 0 1
	expect_screen "^werf +ON +http +1 +0 stored since $CLOCK"
	keys q
	until_ok test -s "$D/exit" || screen_fail "q did not end the UI"
	grep -qx 'EXIT=0' "$D/exit" || fail "exit: $(cat "$D/exit")"
	[ "$(curl -sS --max-time 5 "http://$SERVE_ADDR/healthz" | tr -d '\r\n')" = ok ] ||
	    fail "the collector stopped with the UI"
	until_ok viewers_are 0 || fail "the collector still has $(viewers) viewers"
}

# `teltop watch URL` at 200x50: the same views from a collector it did not
# start; the payload as received (r) comes over HTTP; without a token the
# opt-out cannot be changed, and the log line says why; the collector going
# away ends it with a message.
case_watch() {
	local tok
	W=200
	H=50
	start_serve
	[ "$(post /v1/insert "@$FIX/devpod_insert.json")" = 200 ] || fail "serve: /v1/insert failed"
	# without the token: nothing stored is shown, and it says what to do
	tm new-session -d -s nt -x 80 -y 24 "env -u TELTOP_DB -u TELTOP_TOKEN XDG_DATA_HOME=$D/watch-data \
	    $TELTOP watch http://$SERVE_ADDR 2>$D/nt.err; echo \$? >$D/nt.rc; exec sleep 600"
	until_ok test -s "$D/nt.rc" || fail "watch without a token did not end"
	[ "$(cat "$D/nt.rc")" = 1 ] || fail "watch without a token: exit $(cat "$D/nt.rc")"
	grep -q "^teltop: the collector at $SERVE_ADDR wants its token to show what it stored: --token" "$D/nt.err" ||
	    fail "stderr: $(cat "$D/nt.err")"
	tok=$(cat "$D/token")
	start_ui watch --token "$tok" "http://$SERVE_ADDR"
	expect_line -2 "^$CLOCK watching the collector at $SERVE_ADDR$"
	expect_screen "^$CLOCK devpod +devpod_cli +devpod up +"
	send "$(ev werf 'werf build' 1 4200 w1)" 1 0
	expect_screen "^$CLOCK werf +CommandExited +werf build +w1 +4\.2s exit 1( |$)"
	# detail of the DevPod row, then its bytes as received
	keys k
	expect_selected "$(line_no 'devpod delete')"
	keys Enter
	expect_screen 'workspace it-ws not found'
	keys r
	expect_screen '^  route +/v1/insert$'
	screen_has "^  bytes +$(wc -c <"$FIX/devpod_insert.json") "
	screen_has '^\{"data":\[\{"event":\{"machine_id":"it-devpod-machine"'
	keys Escape Escape
	# the opt-out goes through the collector with the token
	keys 3
	expect_line 3 "$TITLE_OPTOUT"
	keys Space
	expect_line -2 '^Opt out devtron\? '
	keys y
	expect_line -2 "^$CLOCK opt-out set at $SERVE_ADDR: devtron$"
	expect_screen "^devtron +ON +http +0 +0 stored since $CLOCK"
	curl -sS "http://$SERVE_ADDR/v1/optout" >"$D/optout.json"
	grep -q '"source":"devtron"' "$D/optout.json" || fail "the registry: $(cat "$D/optout.json")"
	frame_ok
	# the field catalog comes over GET /v1/fields, meanings and all
	keys 6
	expect_line 3 "$TITLE_FIELDS"
	expect_screen '^devpod / devpod_cli  2 events  v0\.6\.15$'
	screen_has '^   event\.properties>command +string +green +2 v0\.6\.15 +The CLI command that was executed'
	# the collector goes: the viewer ends, saying so
	kill -TERM "$(cat "$D/serve.pid")"
	until_ok test -s "$D/exit" || screen_fail "the viewer did not end with its collector"
	grep -qx 'EXIT=1' "$D/exit" || fail "exit: $(cat "$D/exit")"
	grep -q "the collector at $SERVE_ADDR went away" "$D/ui.stderr" || fail "stderr: $(cat "$D/ui.stderr")"
}

# The whole UI at 200x50, as a new user on a big terminal sees it: every
# view fills the width with what it shows (no padding where columns or
# bars could be), boxes are whole, nothing is cut without a mark, and a
# slow command's p95 leads to its slowest run's payload in three keys.
case_tour_wide() {
	local i d x err n
	W=200
	H=50
	start_ui
	for i in 1 2 3 4 5 6; do
		d=$((i * i * 100))
		x=0 err=
		[ "$i" = 4 ] && x=3 err=',"error":"helm: timed out waiting for the release to become ready: context deadline exceeded after 300 s"'
		send '{"source":"werf","event":"CommandStarted","command":"werf converge","client_id":"wide'"$i"'","phase":"start","execution_id":"wx'"$i"'"}' 1 0
		send '{"source":"werf","event":"CommandExited","command":"werf converge","client_id":"wide'"$i"'","phase":"finish","execution_id":"wx'"$i"'","exit_code":'"$x"',"duration_ms":'"$d$err"'}' 1 0
	done
	[ "$(post /v1/insert "@$FIX/devpod_insert.json")" = 200 ] || fail "POST /v1/insert failed"
	expect_screen ' devpod +devpod_cli +devpod delete '
	# Stream: the error has a column of its own, whole
	line 3 | grep -Eq '^TIME +SOURCE +EVENT +COMMAND +CLIENT +DUR OUTCOME +ERROR$' || screen_fail "the titles at 200 columns"
	screen_has ' 1\.6s exit 3 +helm: timed out waiting for the release to become ready: context deadline exceeded after 300 s$'
	line 1 | grep -Eq '  stored 14  dropped 0  rejected 0$' || screen_fail "header"
	frame_ok
	# help: a bordered box, nothing of the stream showing through it
	keys '?'
	expect_screen "$HELP_TOP"
	n=$(count_lines '(│|\|).*(│|\|)$')
	[ "$n" -ge 15 ] || screen_fail "the help box has $n bordered rows"
	screen_lacks '…'
	keys q
	expect_line 3 '^TIME '
	# Commands: p95 of the slow command, then its runs, slowest first,
	# then the slowest run's payload: Enter s Enter
	keys 2
	expect_line 3 "$TITLE_COMMANDS"
	expect_screen '^werf +werf converge +6 +1 '
	keys G
	expect_selected "$(line_no '^werf +werf converge')"
	keys Enter
	expect_line 4 '^p50 (899|900)ms  p95 3\.6s  p99 3\.6s  max 3\.6s  \(n=6 timed runs: every one counted\)$'
	# the histogram's longest bar uses the width
	n=$(grep -E '█+' "$D/screen" | awk '{ print length($0) }' | sort -n | tail -n 1)
	[ "${n:-0}" -ge 150 ] || screen_fail "the longest histogram row is ${n:-0} columns of 200"
	frame_ok
	keys s
	expect_screen '^6 runs, slowest first$'
	keys Enter
	expect_screen '^  client_id +wide6$'
	screen_has '^  duration_ms +3600$'
	frame_ok
	# Daily: today's bar reaches across
	keys 4
	expect_line 3 "$TITLE_DAILY"
	n=$(grep -E "^$(date +%F) [0-9]+ +█" "$D/screen" | awk '{ print length($0) }' | head -n 1)
	[ "${n:-0}" -ge 180 ] || screen_fail "today's bar ends at column ${n:-0} of 200"
	frame_ok
	# Opt-out: rows are whole, the proof column has room
	keys 3
	expect_line 3 "$TITLE_OPTOUT"
	screen_has '^devpod +off '
	frame_ok
	# Fields: the meaning column in the room 200 columns leave
	keys 6
	expect_line 3 "$TITLE_FIELDS"
	expect_screen '^   command +string +green +[0-9]+ - +The command run, e\.g\. "make test"\.$'
	frame_ok
}

# A running collector holds the database (it says so in the file
# "collector" beside it): teltop on that database attaches to it whatever
# its own --listen; a file left by a collector that is gone (kill -9) is
# not followed.
case_attach_db() {
	local pid
	start_serve
	[ -s "$D/collector" ] || fail "no $D/collector beside the database"
	grep -Eq "^$SERVE_ADDR [0-9]+\$" "$D/collector" || fail "collector file: $(cat "$D/collector")"
	send "$(ev werf 'werf held' 0 100)" 1 0
	start_ui
	[ "$ADDR" = "$SERVE_ADDR" ] || screen_fail "the header names $ADDR, not the collector's $SERVE_ADDR"
	expect_line -2 "^$CLOCK attached to the collector at $SERVE_ADDR$"
	screen_has ' werf held '
	keys q
	until_ok test -s "$D/exit" || screen_fail "q did not end the UI"
	# the collector goes without a word: its file stays, and is not followed
	pid=$(cat "$D/serve.pid")
	kill -KILL "$pid"
	until_ok eval '! alive '"$pid"
	[ -s "$D/collector" ] || fail "the file went with kill -9?"
	stop_case
	start_ui
	[ "$ADDR" != "$SERVE_ADDR" ] || screen_fail "attached to a collector that is gone"
	expect_line -2 "^$CLOCK listening; press \? for keys$"
	screen_has ' werf held '
	# its own collector holds the database now
	grep -Eq "^$ADDR [0-9]+\$" "$D/collector" || fail "collector file: $(cat "$D/collector")"
	keys q
	until_ok test -s "$D/exit" || screen_fail "q did not end the UI"
	until_ok eval '! test -e "$D/collector"' || fail "the file stays after the UI's collector closed"
}

case_start() {
	start_ui
	expect_line 3 "$TITLE_STREAM"
	line 1 | grep -Eq "^ teltop  $ADDR  [0-9]+\.[0-9] ev/s  conn [0-9]+  stored 0  dropped 0  rejected 0$" ||
	    screen_fail "header"
	line 2 | grep -Eq "$TABS\$" || screen_fail "tabs line (no events yet: no sparkline)"
	line 3 | grep -Eq '^TIME     SOURCE    EVENT +COMMAND' || screen_fail "title columns"
	screen_has '^  No events yet\. Point a tool at this collector, or run `teltop demo`\.$'
	line -2 | grep -Eq "^$CLOCK listening; press \? for keys$" || screen_fail "log line"
	line -1 | grep -Eq "$FOOTER_STREAM" ||
	    screen_fail "footer"
	frame_ok
	# the address in the header is the one the collector listens on
	[ "$(curl -sS --max-time 5 "http://$ADDR/healthz" | tr -d '\r\n')" = ok ] ||
	    fail "GET http://$ADDR/healthz does not answer ok"
}

case_stream() {
	start_ui
	send "$(ev werf 'werf converge' 0 1500)" 1 0
	send "$(ev werf 'werf converge' 1 850)" 1 0
	send "$(ev werf 'werf converge' 2 125000 c2)" 1 0
	send_devpod 'devpod up' dpmachine
	expect_screen "^$CLOCK devpod +devpod_cli +devpod up +dpmachin"
	expect_line 1 '  stored 4  '
	local r="^$CLOCK werf +CommandExited +werf converge +"
	screen_has "${r}c1 +1\.5s ok$"
	screen_has "${r}c1 +850ms exit 1$"
	screen_has "${r}c2 +2m05s exit 2$"
	# newest at the bottom, in the order they came
	above "${r}c1 +1\.5s ok$" "${r}c1 +850ms exit 1$"
	above "${r}c1 +850ms exit 1$" "${r}c2 +2m05s exit 2$"
	above "${r}c2 +2m05s exit 2$" "devpod_cli +devpod up"
	[ "$(line_no "$TITLE_STREAM")" -eq 3 ] || screen_fail "the titles moved"
	[ "$(line_no "${r}c1 +1\.5s ok$")" -eq 4 ] || screen_fail "the first row is not under the titles"
	screen_lacks 'No events yet'
	frame_ok
}

case_follow() {
	local i body=
	start_ui
	for i in $(seq -w 1 40); do
		body=$body${body:+,}$(ev werf "werf step-$i" 0 100)
	done
	send "[$body]" 40 0
	# 18 rows fit (lines 4..21, the status line under them): step-23 ..
	# step-40, newest on the last
	expect_line 21 ' werf step-40 '
	line 4 | grep -q ' werf step-23 ' || screen_fail "line 4 is not step-23"
	screen_lacks ' werf step-22 '
	line 22 | grep -q '^ 40 events, following *$' || screen_fail "the status line"
	# scrolled up, the view stays where it is
	keys k k k
	sync_keys
	body=
	for i in 41 42 43 44 45; do
		body=$body${body:+,}$(ev werf "werf step-$i" 0 100)
	done
	send "[$body]" 5 0
	expect_line 22 ' 5 new below \(G\) *$'
	screen_lacks ' werf step-4[1-5] '
	line 4 | grep -q ' werf step-23 ' || screen_fail "the view moved while scrolled up"
	line 21 | grep -q ' werf step-40 ' || screen_fail "step-40 left the last row"
	# G follows again
	keys G
	expect_line 21 ' werf step-45 '
	screen_lacks 'new below'
	line 4 | grep -q ' werf step-28 ' || screen_fail "line 4 is not step-28 after G"
}

# A value as long as its column or longer is cut so that a space still
# separates it from the next column, selected or not.
case_long_cells() {
	start_ui
	send '{"source":"devsy","event":"devsy_app_opened","command":"devsy up","client_id":"0123456789abcdef","phase":"finish","exit_code":0,"duration_ms":1200}' 1 0
	send "$(ev werf 'werf converge' 0 100)" 1 0
	expect_screen 'werf converge'
	# not selected (the werf row below is)
	screen_has "^$CLOCK devsy +devsy_app_ope[a-z_]* +devsy up +0123456789[a-f]*…? +1\.2s ok$"
	# selected (and still so after a visit to its detail)
	keys k
	expect_selected 4
	keys Enter
	expect_line 3 '^Event #1  devsy  '
	keys Escape
	expect_line 3 "$TITLE_STREAM"
	expect_selected 4
	line 4 | grep -Eq "^$CLOCK devsy +devsy_app_ope[a-z_]* +devsy up +0123456789[a-f]*…? +1\.2s ok$" ||
	    screen_fail "the selected devsy row (line 4) is not cut at its columns"
}

# The view, the sorts and the theme are kept in the config file, which
# keeps its other lines; the next start takes them; a bad value is said
# and ignored.
case_remember() {
	local cf=$D/config/teltop/config
	mkdir -p "$D/config/teltop"
	printf '# mine\nintercept telemetry.example.com\n' >"$cf"
	start_ui
	keys 2
	expect_line 3 "$TITLE_COMMANDS"
	keys s
	expect_line -2 '^commands sorted by runs done$'
	keys 5 s
	expect_line -2 '^metrics sorted by points$'
	keys t
	expect_line -2 '^theme: '
	keys 2
	expect_line 3 "$TITLE_COMMANDS"
	until_ok grep -qx 'view commands' "$cf" || fail "the view is not kept: $(cat "$cf")"
	grep -qx 'sort commands runs' "$cf" || fail "the sort is not kept: $(cat "$cf")"
	grep -qx 'sort metrics points' "$cf" || fail "the metrics sort is not kept: $(cat "$cf")"
	grep -qE '^theme [a-z-]+$' "$cf" || fail "the theme is not kept: $(cat "$cf")"
	grep -qx '# mine' "$cf" && grep -qx 'intercept telemetry.example.com' "$cf" ||
	    fail "the file's own lines went: $(cat "$cf")"
	[ "$(grep -c '^view ' "$cf")" -eq 1 ] || fail "more than one view line: $(cat "$cf")"
	keys q
	after_exit
	stop_case
	# the next start: Commands, sorted by runs
	start_ui
	expect_line 3 "$TITLE_COMMANDS"
	expect_screen 'sorted by runs done'
	keys q
	after_exit
	stop_case
	# a value it does not know: said, and the defaults
	printf 'view nosuch\nsort commands weird\n' >"$cf"
	start_ui
	expect_line 3 "$TITLE_STREAM"
	expect_line -2 "^config: no view 'nosuch' \\(stream, commands"
}

# The header's sparkline: the last minute of events a second, at the right
# of the tabs, each cell in the colour of the source that sent most then.
case_header_spark() {
	start_ui
	send "[$(ev werf 'werf spark-1' 0 100),$(ev werf 'werf spark-2' 0 100)]" 2 0
	expect_line 2 '[▁▂▃▄▅▆▇█]+ *$'
	tm capture-pane -e -p -t ui >"$D/screen.e"
	sed -n 2p "$D/screen.e" | grep -q $'\e\\[38;5;172m[▁▂▃▄▅▆▇█]' ||
	    screen_fail "the sparkline is not in werf's colour: $(sed -n 2p "$D/screen.e" | cat -v)"
	# wide, the minute at one second a cell
	resize 200 30
	expect_line 2 '[▁▂▃▄▅▆▇█]+ *$'
}

# Columns are as wide as what they hold, within the terminal: at 80x24 an
# event name, a source and an exit code show whole, what must shrink (the
# client) ends in …; at 200x50 the client shows whole and the error text
# takes the room left over.
case_cut_marks() {
	start_ui
	send '{"source":"werf","event":"CommandStarted","command":"werf converge","client_id":"0b6f1c2e-3d4a-4b5c-8d9e-0f1a2b3c4d5e","phase":"start","execution_id":"cm1"}' 1 0
	send '{"source":"werf","event":"CommandExited","command":"werf converge","client_id":"0b6f1c2e-3d4a-4b5c-8d9e-0f1a2b3c4d5e","phase":"finish","execution_id":"cm1","exit_code":127,"duration_ms":1500,"error":"exec: helm: not found in $PATH"}' 1 0
	send '{"source":"rudderstack","event":"rs_cut","client_id":"r1"}' 1 0
	expect_screen 'rs_cut'
	screen_has "^$CLOCK werf +CommandStarted +werf converge +0b6f1c2e-[0-9a-f-]*… +- start$"
	screen_has "^$CLOCK werf +CommandExited +werf converge +0b6f1c2e-[0-9a-f-]*… +1\\.5s exit 127$"
	screen_has "^$CLOCK rudderstack +rs_cut "
	screen_lacks '0b6f1c2e-3d4a-4b5c-8d9e-0f1a2b3c4d5e'
	resize 200 50
	expect_screen "^$CLOCK werf +CommandExited +werf converge +0b6f1c2e-3d4a-4b5c-8d9e-0f1a2b3c4d5e +1\\.5s exit 127 +exec: helm: not found in \\\$PATH$"
	line 3 | grep -Eq '^TIME +SOURCE +EVENT +COMMAND +CLIENT +DUR OUTCOME +ERROR$' || screen_fail "no ERROR column at 200"
	expect_frame
}

# The header fits 80 columns with counts of four and three digits: what
# gives way is the connections, never a count; the rejected count still
# opens the refusals.
case_header_fits() {
	start_ui
	local body i
	body=$(node -e 'const a = []; for (let i = 0; i < 1200; i++) a.push({ event: "hf-" + i, client_id: "c1" }); process.stdout.write(JSON.stringify(a))')
	send "$body" 1200 0
	body=$(node -e 'const a = [{ event: "hf-ok" }]; for (let i = 0; i < 1500; i++) a.push(i); process.stdout.write(JSON.stringify(a))')
	post /v1/events "$body" >/dev/null
	expect_line 1 'stored 1201  dropped 0  rejected 1500$'
	line 1 | grep -Eq "^ teltop  $ADDR  [0-9]+\\.[0-9] ev/s  stored 1201  dropped 0  rejected 1500$" ||
	    screen_fail "the header is not the one without connections"
	expect_frame
	# wide enough, the connections come back
	resize 120 30
	expect_line 1 "^ teltop  $ADDR  [0-9]+\\.[0-9] ev/s  conn [0-9]+  stored 1201  dropped 0  rejected 1500$"
	# narrower: short labels; the counts stay
	resize 60 20
	expect_line 1 "^ teltop  $ADDR  [0-9]+\\.[0-9]/s  st 1201  drop 0  rej 1500$"
	resize 80 24
	expect_line 1 'rejected 1500$'
	i=$(line 1 | awk '{ print index($0, "rejected 1500") }')
	click "$i" 0
	expect_screen 'Refused lately'
}

# --retain 1s: the header counts what retention took ("evicted N" after
# dropped; "ev N" when short), and stored is what is left.
case_header_evicted() {
	start_ui --retain 1s
	send "[$(ev werf 'werf ret-1' 0 100),$(ev werf 'werf ret-2' 0 100)]" 2 0
	send "$(ev werf 'werf ret-3' 0 100)" 1 0
	expect_line 1 'stored 1  dropped 0  evicted 2  rejected 0$'
	resize 60 20
	expect_line 1 'st 1  drop 0  ev 2  rej 0$'
}

# A disk with less than 10% free is said at the end of the header (a
# tmpfs of 8 MiB, filled but for 600 KB): "disk N% free", "disk N%" when
# short.  Needs root for the mount; skipped without.
case_header_disk() {
	mkdir -p "$D/tiny"
	if ! mount -t tmpfs -o size=8m tmpfs "$D/tiny" 2>/dev/null; then
		echo "# skipped: cannot mount a tmpfs here"
		return 0
	fi
	echo "$D/tiny" >"$D/mounted"
	head -c $((8 * 1024 * 1024 - 600 * 1024)) /dev/zero >"$D/tiny/filler"
	start_ui "TELTOP_DB=$D/tiny/events.db"
	resize 120 30
	expect_line 1 'rejected 0  disk [0-9]% free *$'
	resize 60 20
	expect_line 1 'rej 0  disk [0-9]% *$'
	# room again: within the 5 s it is looked at, the warning goes
	rm -f "$D/tiny/filler"
	expect_line 1 'rej 0$'
}

# Captured rows carry a marker after the source, direct ones do not; the
# columns stay where they are at 80x24; via= and host~ filter them.
case_capture_stream() {
	start_ui "XDG_DATA_HOME=$D/xdg"
	send_devpod 'devpod direct-one' dpdirect
	expect_screen 'devpod direct-one'
	capture_devpod 'devpod cap-one' capmachine
	send "$(ev werf 'werf after' 0 100)" 1 0
	expect_screen 'werf after'
	local cap="^$CLOCK devpod  ⇄ devpod_cli +devpod cap-one +capmach[a-z]* +- *\$"
	screen_has "$cap"
	screen_has "^$CLOCK devpod    devpod_cli +devpod direct-one +dpdirect +- *\$"
	# (the exact spaces: the event starts in column 20 on every row)
	screen_has "^$CLOCK werf      CommandExited +werf after +c1 +100ms ok\$"
	above 'devpod direct-one' 'devpod cap-one'
	frame_ok
	# selected, the marker is still there
	keys k
	expect_selected 5
	screen_has "$cap"
	# the filter: captured only, then by host
	keys /
	expect_line -1 "$FOOTER_PROMPT"
	type_text 'via=capture'
	keys Enter
	expect_line -1 "$FOOTER_STREAM"
	expect_no_screen 'devpod direct-one'
	screen_has 'devpod cap-one'
	screen_lacks 'werf after'
	keys / C-u
	type_text 'host~LOFT.rocks'
	keys Enter
	expect_line -2 '^filter: host~LOFT\.rocks$'
	expect_screen 'devpod cap-one'
	screen_lacks 'devpod direct-one'
	keys / C-u
	type_text 'via=direct'
	keys Enter
	expect_line -2 '^filter: via=direct$'
	expect_screen 'devpod direct-one'
	screen_has 'werf after'
	screen_lacks 'cap-one'
	keys / C-u
	type_text 'via=captured'
	keys Enter
	expect_line -2 '^filter: via is capture or direct at column 5$'
}

# Where the terminal does not take UTF-8 the marker is ASCII, and so is
# the dot of the detail's request line.
case_capture_ascii() {
	start_ui "XDG_DATA_HOME=$D/xdg" LC_ALL=C
	capture_devpod 'devpod cap-ascii' capmachine
	send "$(ev werf 'werf after' 0 100)" 1 0
	expect_screen 'werf after'
	screen_has "^$CLOCK devpod  C devpod_cli +devpod cap-ascii +capmach"
	screen_lacks '⇄'
	frame_ok
	keys k Enter
	expect_line 3 '^Event #1  devpod  devpod-insert  devpod_cli$'
	resize 80 40
	expect_frame
	expect_screen '^captured - POST https://analytics\.loft\.rocks/v1/insert$'
}

# Detail of a captured event: via and host with the fields, then above
# the payload the request as it came: method, URL, headers, the bearer
# token masked by the collector.  A direct event has none of it.
case_capture_detail() {
	H=40
	start_ui "XDG_DATA_HOME=$D/xdg"
	send_devpod 'devpod direct-one' dpdirect
	capture_devpod 'devpod cap-one' capmachine
	expect_screen 'devpod cap-one'
	keys Enter
	expect_line 3 '^Event #2  devpod  devpod-insert  devpod_cli$'
	expect_screen '^Payload \(as stored'
	screen_has '^  via +capture$'
	screen_has '^  host +analytics\.loft\.rocks$'
	screen_has '^  client_id +capmachine$'
	screen_has '^captured · POST https://analytics\.loft\.rocks/v1/insert$'
	screen_has '^  Host: analytics\.loft\.rocks$'
	screen_has '^  User-Agent: Go-http-client/1\.1$'
	screen_has '^  Authorization: Bearer •••$'
	screen_has '^  Content-Type: application/json$'
	screen_lacks 'sekrit'
	screen_lacks '^  Proxy-'
	above '^Privacy$' '^captured · POST '
	above '^captured · POST ' '^  User-Agent: '
	above '^  Authorization: ' '^Payload \(as stored'
	# the request block ends where the payload begins
	followed_by '^  Content-Length: [0-9]+$' '^Payload \(as stored'
	frame_ok
	keys Escape
	expect_line 3 "$TITLE_STREAM"
	keys k Enter
	expect_line 3 '^Event #1  devpod  devpod-insert  devpod_cli$'
	expect_screen '^Payload \(as stored'
	screen_lacks '^captured '
	screen_lacks '^  via '
	screen_lacks '^  host '
}

# The Opt-out view says what capture did per source: captured (kept
# here: this collector does not --forward), then opted out from another
# process, the next captured post still gets its 200, is blocked and
# counted, and not stored.  Then `optout list` and `stats` (text and
# --json) count it from the database, a tunnel too.
case_capture_optout() {
	local tag=k$RANDOM dot='·'
	start_ui "XDG_DATA_HOME=$D/xdg"
	keys 3
	expect_line 3 "$TITLE_OPTOUT"
	expect_screen '^What devtron itself offers'
	screen_lacks 'capture proxy'
	capture_devpod "devpod $tag-kept" capmachine
	expect_screen "^  devpod   captured 1 $dot forwarded 0 $dot blocked 0\$"
	above '^generic +off' '^Through the capture proxy \(every collector on this database\):$'
	above '^Through the capture proxy' '^What devtron itself offers'
	frame_ok
	"$TELTOP" optout --db "$D/events.db" set devpod >"$D/optout.out" 2>&1 ||
	    fail "optout set devpod: $(cat "$D/optout.out")"
	expect_screen "^devpod +ON +cli +0 +0 stored since $CLOCK"
	expect_screen "^  devpod   captured 1 $dot forwarded 0 $dot blocked 0  opted out: blocked\$"
	capture_devpod "devpod $tag-blocked" capmachine
	expect_screen "^  devpod   captured 2 $dot forwarded 0 $dot blocked 1  opted out: blocked\$"
	expect_screen "^devpod +ON +cli +1 +0 stored since $CLOCK"
	expect_line 1 '  stored 1  dropped 1  '
	expect_in_db_files "$tag-kept" || fail "the captured event before the opt-out was not stored"
	if in_db_files "$tag-blocked"; then
		fail "the blocked request's text is in the database files"
	fi
	frame_ok
	# a CONNECT to a host capture does not intercept (the collector
	# itself): relayed as a tunnel, counted
	[ "$(curl -sS --max-time 10 --noproxy '' --proxytunnel --proxy "http://$ADDR" "http://$ADDR/healthz" | tr -d '\r\n')" = ok ] ||
	    fail "GET /healthz through a CONNECT tunnel"
	# `optout list` and `stats` read the counters from the database: the
	# collector writes counter deltas with its next commit, which a
	# direct event makes.
	send "$(ev werf "werf $tag-commit" 0 100)" 1 0
	expect_in_db_files "$tag-commit" || fail "the werf event was not stored"
	until_ok eval '"$TELTOP" optout --db "$D/events.db" list >"$D/optout.txt" 2>&1 &&
	    grep -Eq "^devpod +captured 2 $dot forwarded 0 $dot blocked 1  opted out: blocked\$" "$D/optout.txt"' ||
	    fail "optout list: $(cat "$D/optout.txt")"
	"$TELTOP" optout --db "$D/events.db" list --json >"$D/optout.json"
	grep -Eq '"capture": *\{ *"captured": *2, *"forwarded": *0, *"blocked": *1 *\}' "$D/optout.json" ||
	    fail "optout list --json: $(cat "$D/optout.json")"
	# stats: a line of totals, and the "capture" object
	"$TELTOP" stats --db "$D/events.db" >"$D/stats.txt"
	grep -Eq '^capture: 2 requests captured, forwarded 0, blocked 1; tunnelled 1; forwards failed 0$' "$D/stats.txt" ||
	    fail "stats: $(head -n 3 "$D/stats.txt")"
	grep -Eq "^devpod +captured 2 $dot forwarded 0 $dot blocked 1  opted out: blocked\$" "$D/stats.txt" ||
	    fail "stats: no capture line for devpod: $(sed -n '/^Opt-out/,$p' "$D/stats.txt")"
	"$TELTOP" stats --db "$D/events.db" --json >"$D/stats.json"
	tr -d ' \t\n' <"$D/stats.json" >"$D/stats.min.json"
	grep -q '"capture":{"captured":2,"forwarded":0,"blocked":1,"tunnelled":1,"forward_failed":0,"sources":{"devtron":{"captured":0,"forwarded":0,"blocked":0},"devpod":{"captured":2,"forwarded":0,"blocked":1},' "$D/stats.min.json" ||
	    fail "stats --json capture: $(grep -o '"capture":.\{0,400\}' "$D/stats.min.json")"
}

case_pause() {
	start_ui
	send "$(ev werf 'werf before-pause' 0 100)" 1 0
	expect_screen ' werf before-pause '
	keys p
	expect_line 2 "$TABS +PAUSED \\+0\$"
	expect_line -2 '^paused: new events are held; p resumes$'
	send "$(ev werf 'werf held-one' 0 100)" 1 0
	send "$(ev werf 'werf held-two' 1 100)" 1 0
	expect_line 2 ' PAUSED \+2$'
	stays_absent 'werf held-'
	screen_has ' werf before-pause '
	expect_line 1 '  stored 3  '
	# the badge is the stream's: no other view is paused
	keys 2
	expect_line 3 "$TITLE_COMMANDS"
	line 2 | grep -q PAUSED && screen_fail "PAUSED on the Commands view"
	keys 1
	expect_line 2 ' PAUSED \+2$'
	keys p
	expect_screen ' werf held-two .* exit 1$'
	screen_has ' werf held-one .* ok$'
	above ' werf before-pause ' ' werf held-one '
	above ' werf held-one ' ' werf held-two '
	expect_line 2 "$TABS$SPARK\$"
	expect_line -2 '^resumed: 2 arrived while paused$'
}

case_history() {
	history_db
	start_ui
	expect_line 1 '  stored 4  '
	expect_screen "^$CLOCK devpod +devpod_cli +devpod up +it-devpod-"
	screen_has "^$CLOCK devpod +devpod_cli +devpod delete +it-devpod-.* error$"
	screen_has "^$CLOCK werf +CommandExited +werf hist-one +c1 +1\.2s ok$"
	screen_has "^$CLOCK werf +CommandExited +werf hist-two +c1 +400ms exit 3$"
	above 'devpod up' 'devpod delete'
	above 'devpod delete' 'werf hist-one'
	above 'werf hist-one' 'werf hist-two'
	# and live events come below them
	send "$(ev werf 'werf live-one' 0 100)" 1 0
	expect_screen 'werf live-one'
	above 'werf hist-two' 'werf live-one'
}

case_filter() {
	history_db
	start_ui
	expect_screen 'werf hist-two'
	keys /
	expect_line -2 '^filter:$'
	expect_line -1 "$FOOTER_PROMPT"
	type_text 'source=devpod'
	expect_line -2 '^filter: source=devpod$'
	keys Enter
	# handled: the prompt has closed, the werf rows have gone
	expect_line -1 "$FOOTER_STREAM"
	expect_no_screen 'werf hist-'
	screen_has 'devpod up'
	screen_has 'devpod delete'
	expect_line -3 '^ filter: source=devpod *$'
	expect_line -2 '^filter: source=devpod$'
	# live events go through the filter
	send "$(ev werf 'werf live-werf' 0 100)" 1 0
	send_devpod 'devpod live-devpod'
	expect_screen 'devpod_cli +devpod live-devpod'
	stays_absent 'werf live-werf'
	# a bad filter says why and keeps the one in force.  The log line
	# already reads "filter: source=devpod": the prompt is open when its
	# footer shows.
	keys /
	expect_line -1 "$FOOTER_PROMPT"
	expect_line -2 '^filter: source=devpod$'
	keys C-u
	expect_line -2 '^filter:$'
	type_text 'bogus=1'
	expect_line -2 '^filter: bogus=1$'
	keys Enter
	# handled: the prompt has closed and the log line explains (the prompt
	# itself read "filter: bogus=1", so only then are the checks below
	# about the filter in force)
	expect_line -1 "$FOOTER_STREAM"
	expect_line -2 "^filter: unknown field 'bogus' at column 1 "
	screen_lacks 'werf hist-'
	screen_has 'devpod live-devpod'
	line -3 | grep -Eq '^ filter: source=devpod *$' || screen_fail "the filter bar changed"
	# Esc leaves the prompt without applying
	keys /
	expect_line -1 "$FOOTER_PROMPT"
	type_text ' name=nothing'
	expect_line -2 '^filter: source=devpod name=nothing$'
	keys Escape
	expect_line -1 "$FOOTER_STREAM"
	screen_lacks '^filter: source=devpod name=nothing$'
	screen_has 'devpod live-devpod'
	line -3 | grep -Eq '^ filter: source=devpod *$' || screen_fail "Esc changed the filter bar"
	# cleared: every row again
	keys / C-u Enter
	expect_line -2 '^filter cleared$'
	expect_screen 'werf hist-one'
	screen_has 'werf hist-two'
	screen_has 'werf live-werf'
	screen_has 'devpod live-devpod'
	screen_lacks '^ filter: '
	# quoted values, one of them, the opposite of a term
	keys /
	expect_line -1 "$FOOTER_PROMPT"
	type_text 'command="werf hist-one"|"werf live-werf" !phase=start'
	keys Enter
	expect_line -3 '^ filter: command="werf hist-one"\|"werf live-werf" !phase=start *$'
	expect_no_screen 'werf hist-two'
	screen_has 'werf hist-one'
	screen_has 'werf live-werf'
	screen_lacks 'devpod '
	# where a filter is wrong
	keys / C-u
	type_text 'name="open'
	keys Enter
	expect_line -2 '^filter: the quote is not closed at column 6$'
}

case_detail() {
	start_ui
	send "$(ev werf 'werf converge' 2 1500 c1 exec-d1)" 1 0
	send_devpod 'devpod up' dpmachine
	expect_screen 'devpod_cli +devpod up'
	# the werf row, one above the newest
	keys k Enter
	expect_line 3 '^Event #1  werf  generic  CommandExited$'
	expect_line 2 "$TABS +Detail$SPARK\$"
	screen_has '^Normalized fields$'
	screen_has '^  command +werf converge$'
	screen_has '^  exit_code +2$'
	screen_has '^  execution_id +exec-d1$'
	screen_has '^Privacy$'
	screen_has '^  yellow client_id: '
	screen_has '^Payload \(as stored; \? lines say what a field means\)$'
	line -1 | grep -q '^ Esc back  / n N find' || screen_fail "the footer is not the detail's"
	keys NPage
	# each documented field is followed by what it means (both lines of
	# one frame: the wait is for the pair)
	until_screen "'\"command\": \"werf converge\",' with a '? ...' meaning under it" \
	    followed_by '"command": "werf converge",$' '^ +\? .*[Cc]ommand'
	keys Escape
	expect_line 3 "$TITLE_STREAM"
	line 2 | grep -Eq "$TABS$SPARK\$" || screen_fail "the tabs still show Detail"
	# a DevPod /v1/insert body: properties are JSON in a string, expanded
	keys G Enter
	expect_line 3 '^Event #2  devpod  devpod-insert  devpod_cli$'
	screen_has '^  client_id +dpmachine$'
	screen_has '^  yellow event\.machine_id: '
	keys NPage
	until_screen "'\"command\": \"devpod up\",' with a '? ...' meaning under it" \
	    followed_by '^ +"command": "devpod up",$' '^ +\? .*[Cc]ommand'
	keys Escape
	expect_line 3 "$TITLE_STREAM"
}

# A key with a dot in it (OTLP's "host.name"): the finding's path and the
# payload line's are one path, so the line carries the red mark.
case_detail_dotted_key() {
	start_ui
	send '{"source":"generic","event":"dotted","resource":{"host.name":"build-7.corp.local","service.name":"svc"}}' 1 0
	expect_screen 'dotted'
	keys G Enter
	expect_line 3 '^Event #1  generic  generic  dotted$'
	screen_has '^  red +resource\["host\.name"\]: a host name$'
	keys NPage
	expect_screen '^R +"host\.name": "build-7\.corp\.local",$'
	screen_has '^  +"service\.name": "svc"$'
}

# What was refused is one key (or a click on "rejected") away: each
# refusal with its route, status, reason, why and the body's first bytes.
case_refusals() {
	local st
	start_ui
	st=$(post /v1development/profiles '{"resourceProfiles":[]}' -A 'OTel-OTLP-Exporter-JavaScript/0.57.0')
	[ "$st" = 404 ] || fail "POST /v1development/profiles: $st"
	st=$(post /v1/events 'nope')
	[ "$st" = 400 ] || fail "POST /v1/events nope: $st"
	expect_line 1 ' rejected 2$'
	keys '!'
	expect_screen 'Refused lately \(2 in all\), newest first'
	screen_has 'POST /v1/events  400 malformed'
	screen_has 'malformed JSON: body starts with byte 0x6e'
	screen_has 'body: nope'
	screen_has 'POST /v1development/profiles  404 route'
	screen_has 'no such route \(User-Agent: OTel-OTLP-Exporter-JavaScript/0\.57\.0;'
	# a box over the view, its border drawn (UTF-8 or the ACS fallbacks)
	screen_has '└─+┘|\+-+\+|mqqq+j'
	keys x
	expect_no_screen 'Refused lately'
	line -1 | grep -q '^ Enter detail' || screen_fail "the key that closed the list did more"
}

case_commands() {
	start_ui
	send "$(ev werf 'werf converge' 0 850)" 1 0
	send "$(ev werf 'werf converge' 1 1500)" 1 0
	send "$(ev werf 'werf converge' 0 2000)" 1 0
	send "$(ev werf 'werf converge' 2 125000)" 1 0
	send "$(ev werf 'werf converge' 0 900)" 1 0
	send "$(ev werf 'werf render' 0 300)" 1 0
	send "$(ev werf 'werf render' 0 700)" 1 0
	send '{"source":"werf","event":"CommandStarted","command":"werf build","client_id":"c1","phase":"start","execution_id":"b1"}' 1 0
	expect_screen 'werf build'
	local p50 p95 p99 mx
	p50=$(fmt_ms "$(stats_cmd 'werf converge' p50_ms)")
	p95=$(fmt_ms "$(stats_cmd 'werf converge' p95_ms)")
	p99=$(fmt_ms "$(stats_cmd 'werf converge' p99_ms)")
	mx=$(fmt_ms "$(stats_cmd 'werf converge' max_ms)")
	echo "# teltop stats: p50 $p50 p95 $p95 p99 $p99 max $mx"
	keys 2
	expect_line 3 "$TITLE_COMMANDS"
	# at 80 columns the whole command shows; the time last seen gives way
	expect_screen "^werf +werf converge +5 +2 +$p50 +$p95 +$p99 +$mx +0 +0( |$)"
	screen_has '^werf +werf build +0 +0 +- +- +- +- +1 +0( |$)'
	# fewer than 5 runs: no percentiles (Enter shows the durations)
	screen_has '^werf +werf render +2 +0 +- +- +- +700ms +0 +0( |$)'
	screen_has '^3 commands, sorted by source and command; percentiles of all runs counted \(5\+\)'
	line -1 | grep -q '^ Enter runs  / find  s sort  Up/Down move  ? help  q quit$' || screen_fail "the footer is not the commands'"
	keys s
	expect_line -2 '^commands sorted by runs done$'
	expect_screen '^3 commands, sorted by runs done;'
	above 'werf conve' 'werf build'
	keys s
	expect_line -2 '^commands sorted by failures$'
	# wide enough, the time last seen too
	resize 120 30
	expect_screen "^werf +werf converge +5 +2 +$p50 +$p95 +$p99 +$mx +0 +0 +[0-9]{2}:[0-9]{2} "
}

# From a command to its slowest run's payload in three keys: Enter (its
# runs), s (slowest first), Enter (the run, with its start under it).
case_command_runs() {
	local i d x err
	start_ui
	for i in 1 2 3 4 5 6; do
		d=$((i * i * 100))
		x=0 err=
		[ "$i" = 4 ] && x=3 err=',"error":"helm: timed out"'
		send '{"source":"werf","event":"CommandStarted","command":"werf converge","client_id":"rc'"$i"'","phase":"start","execution_id":"rx'"$i"'"}' 1 0
		send '{"source":"werf","event":"CommandExited","command":"werf converge","client_id":"rc'"$i"'","phase":"finish","execution_id":"rx'"$i"'","exit_code":'"$x"',"duration_ms":'"$d$err"'}' 1 0
	done
	send "$(ev werf 'werf render' 0 300)" 1 0
	keys 2
	expect_line 3 "$TITLE_COMMANDS"
	expect_screen '^werf +werf converge +6 +1 '
	# / finds commands by a part of their name
	keys /
	expect_line -1 "$FOOTER_PROMPT"
	type_text 'REND'
	keys Enter
	expect_screen '^1 commands holding "REND"'
	screen_lacks 'werf converge'
	keys / C-u Enter
	expect_screen '^2 commands, sorted'
	# the converge row (the first) selected: its runs
	expect_selected 4
	keys Enter
	expect_line 3 '^werf converge  werf  6 done, 1 failed, 0 running$'
	line 2 | grep -Eq " Command$SPARK\$" || screen_fail "no Command badge"
	expect_line 4 '^p50 (899|900)ms  p95 3\.6s  p99 3\.6s  max 3\.6s  \(n=6 timed runs: every one counted\)$'
	screen_has '^ +500ms-1\.0s +.* 1 p50$'
	screen_has ' p95 p99$'
	screen_has '^FINISHED +DUR OUTCOME +CLIENT +ERROR$'
	above ' rc6$' ' rc1$'
	screen_has "^$CLOCK +1\\.6s exit 3 +rc4 +helm: timed out$"
	screen_has '^6 runs, newest first$'
	keys s
	expect_screen '^6 runs, slowest first$'
	above ' rc6$' ' rc5$'
	above ' rc5$' ' rc4 '
	keys Enter
	expect_line 3 '^Event #[0-9]+  werf  generic  CommandExited$'
	screen_has '^  client_id +rc6$'
	screen_has '^  duration_ms +3600$'
	line 2 | grep -Eq " Command   Detail$SPARK\$" || screen_fail "no Command and Detail badges"
	# its start is under it
	keys G
	expect_screen '^Its start: event #[0-9]+  CommandStarted  '
	keys Escape
	expect_screen '^6 runs, slowest first$'
	# a short terminal: no room for the histogram, the runs still show
	resize 80 12
	expect_screen '^6 runs, slowest first$'
	screen_has '^FINISHED +DUR'
	resize 80 24
	expect_screen '^ +500ms-1\.0s '
	keys Escape
	expect_line 3 "$TITLE_COMMANDS"
	# fewer than 5 runs: the durations, not percentiles
	keys j Enter
	expect_line 3 '^werf render  werf  1 done, 0 failed, 0 running$'
	expect_line 4 '^durations \(n=1\): 300ms$'
}

# c and C: the stream of the selected row's command, or client.
case_stream_by() {
	start_ui
	send "$(ev werf 'werf converge' 0 100 by-a)" 1 0
	send "$(ev werf 'werf render' 0 100 by-b)" 1 0
	send "$(ev werf 'werf converge' 0 100 by-b)" 1 0
	expect_selected 6
	keys k
	expect_selected 5
	keys c
	expect_line -3 '^ filter: command="werf render" *$'
	expect_no_screen 'werf converge'
	keys C
	expect_line -3 '^ filter: client_id="by-b" *$'
	expect_screen 'werf converge +by-b'
	screen_has 'werf render +by-b'
	screen_lacks 'by-a'
}

# Enter on a day: that day's events of that source in the stream.
case_daily_enter() {
	start_ui
	send "$(ev werf 'werf daily-one' 0 100 c1)" 1 0
	send_devpod 'devpod daily-two'
	keys 4
	expect_line 3 "$TITLE_DAILY"
	expect_selected 4
	keys Enter
	expect_line 3 "$TITLE_STREAM"
	expect_line -3 "^ filter: source=[a-z]+ since=$(date +%F) until=[0-9-]+ *\$"
	expect_line -2 '^filter: source='
	[ "$(count_lines 'daily-(one|two)')" -eq 1 ] || screen_fail "not the one source's events"
}

# Detail: long lines wrap (w: they scroll sideways, … where cut), / finds
# with n and N, y copies the payload (OSC 52, into tmux's buffer here), r
# shows the request as received.
# f in Detail: the stream of events with the same value at the field found
# with / (a field inside the JSON a string holds too), as a .PATH term that
# history, the live stream and teltop events read alike.
case_detail_filter_field() {
	start_ui
	[ "$(post /v1/insert "@$FIX/devpod_insert.json")" = 200 ] || fail "POST /v1/insert failed"
	send '{"source":"werf","event":"Other","command":"werf converge","client_id":"w1","provider":"docker"}' 1 0
	expect_screen ' werf +Other '
	keys k
	expect_selected "$(line_no 'devpod delete')"
	keys Enter
	expect_screen 'workspace it-ws not found'
	keys /
	type_text '"is_ci"'
	keys Enter
	expect_line -2 'line [0-9]+ of [0-9]+'
	keys f
	expect_line 3 "$TITLE_STREAM"
	expect_line -3 '^ filter: \.event\.properties>is_ci="true" *$'
	expect_screen ' devpod +devpod_cli +devpod delete '
	screen_lacks 'devpod up'
	screen_lacks ' Other '
	# the same term in teltop events
	"$TELTOP" events --db "$D/events.db" --filter '.event.properties>is_ci="true"' >"$D/f.jsonl"
	[ "$(wc -l <"$D/f.jsonl")" -eq 1 ] && grep -q '"command":"devpod delete"' "$D/f.jsonl" ||
	    fail "teltop events: $(cat "$D/f.jsonl")"
	# a live event with the value joins; one without does not
	[ "$(post /v1/insert "@$FIX/devpod_insert.json")" = 200 ] || fail "POST /v1/insert failed"
	until_screen "two devpod delete rows" has_n ' devpod +devpod_cli +devpod delete ' 2
	screen_lacks 'devpod up'
}

case_detail_tools() {
	local long
	long=$(printf 'x%.0s' $(seq 1 150))
	start_ui
	tm set -g set-clipboard on
	post /v1/events '{ "source" : "werf", "event" : "DetailTools", "command" : "werf converge", "client_id" : "dt1", "note" : "'"$long"'TAILMARK", "deep" : { "needle" : "found-me" } }' >/dev/null
	expect_screen 'DetailTools'
	keys Enter
	expect_line 3 '^Event #1  werf  generic  DetailTools$'
	# wrapped: the end of the long value is on a row of its own
	keys G
	expect_screen 'xTAILMARK",$'
	# w: one row each, cut with … at the right edge; Right scrolls
	keys w
	expect_line -2 '^long lines scroll sideways'
	stays_absent 'TAILMARK'
	screen_has '"note": "xxxx+…$'
	keys Right Right Right Right Right Right Right Right Right Right Right Right Right Right Right Right Right Right Right Right
	expect_screen 'TAILMARK'
	screen_has '^…'
	keys w
	# / finds, n again, the line marked
	keys /
	expect_line -1 '^ Enter find  Esc cancel'
	type_text 'NEEDLE'
	keys Enter
	expect_line -2 '^"NEEDLE": line [0-9]+ of [0-9]+ \(n next, N previous\)$'
	screen_has '^(▶|>) +"needle": "found-me"'
	keys n
	expect_line -2 '^"NEEDLE": line [0-9]+ of'
	# y: the payload, base64 in OSC 52, is in tmux's buffer
	keys y
	expect_line -2 '^payload copied \([0-9]+ bytes, OSC 52\)$'
	until_ok bash -c 'tmux -L "$0" -f /dev/null show-buffer 2>/dev/null | grep -q found-me' "$SOCK" ||
	    fail "OSC 52 did not reach tmux's buffer"
	tm show-buffer >"$D/copied.json"
	"$TELTOP" events --db "$D/events.db" --filter 'name=DetailTools' >"$D/dt.jsonl"
	node -e 'const fs = require("fs");
	    const a = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
	    const b = JSON.parse(fs.readFileSync(process.argv[2], "utf8")).raw;
	    if (JSON.stringify(a) !== JSON.stringify(b)) { console.error("copied", a, "stored", b); process.exit(1) }' \
	    "$D/copied.json" "$D/dt.jsonl" || fail "what y copied is not the stored payload"
	# r: the request as received, byte for byte (its spacing too)
	keys r
	expect_line 3 '^Event #1 as received \(r: back to the event\)$'
	screen_has '^  route +/v1/events$'
	screen_has '^  content type +application/json$'
	screen_has '^\{ "source" : "werf", "event" : "DetailTools", '
	keys r
	expect_line 3 '^Event #1  werf  generic  DetailTools$'
}

case_optout_prompt() {
	start_ui
	keys 3
	expect_line 3 "$TITLE_OPTOUT"
	expect_line 12 '^generic +off( |$)'	# the last row: the table is drawn
	local i=4 s
	for s in devtron devpod devsy werf posthog segment rudderstack otlp generic; do
		line "$i" | grep -Eq "^$s +off( |$)" || screen_fail "line $i is not '$s off'"
		i=$((i + 1))
	done
	screen_lacks ' ON '
	expect_screen '^What devtron itself offers'
	keys j
	expect_screen '^What devpod itself offers'
	keys Space
	expect_line -2 '^Opt out devpod\? Events will be dropped, not stored\. \(y/n\)$'
	expect_line -1 '^ y yes  n no$'
	keys n
	expect_line -2 '^cancelled$'
	line -1 | grep -q '^ Space toggle (y/n)  Up/Down move' || screen_fail "the footer is not the opt-out's"
	stays_absent ' ON '
	"$TELTOP" optout --db "$D/events.db" list --json >"$D/optout.json"
	if grep -q devpod "$D/optout.json"; then
		fail "n opted out anyway: $(cat "$D/optout.json")"
	fi
}

# Keys typed ahead (as a paste or a fast typist sends them) all count:
# "3jj" on the first visit selects the third row, devsy.
case_optout_typeahead() {
	start_ui
	expect_line 3 "$TITLE_STREAM"
	keys 3 j j
	expect_line 3 "$TITLE_OPTOUT"
	expect_screen '^What devsy itself offers'
}

case_optout_toggle() {
	local tag=k$RANDOM
	start_ui
	# stored while opted in (and the files show it)
	send "$(ev devpod "devpod $tag-before" 0 100)" 1 0
	expect_in_db_files "$tag-before" || fail "a stored event's text is not in events.db or -wal: the check below means nothing"
	keys 3
	expect_line 3 "$TITLE_OPTOUT"
	keys j
	expect_screen '^What devpod itself offers'
	keys Space
	expect_line -2 '^Opt out devpod\? '
	keys y
	expect_screen "^devpod +ON +ui +0 +0 stored since $CLOCK"
	expect_line -2 "^$CLOCK opt-out set: devpod$"
	"$TELTOP" optout --db "$D/events.db" list --json >"$D/optout.json"
	grep -Eq '"source": *"devpod"' "$D/optout.json" && grep -Eq '"set_by": *"ui"' "$D/optout.json" ||
	    fail "optout list --json: $(cat "$D/optout.json")"
	# dropped, counted, and nowhere in the database
	send "$(ev devpod "devpod $tag-generic" 0 100)" 0 1
	send_devpod "devpod $tag-insert"
	send "[$(ev werf "werf $tag-kept" 0 100),$(ev devpod "devpod $tag-mixed" 0 100)]" 1 1
	expect_screen "^devpod +ON +ui +3 +0 stored since $CLOCK"
	expect_line 1 '  dropped 3  '
	local m
	for m in "$tag-generic" "$tag-insert" "$tag-mixed"; do
		if in_db_files "$m"; then
			fail "an opted-out event's text ($m) is in the database files"
		fi
	done
	expect_in_db_files "werf $tag-kept" || fail "the werf event sent with the dropped one was not stored"
	# opt back in: storage resumes
	keys Space
	expect_line -2 '^Opt back in devpod\? Events will be stored again\. \(y/n\)$'
	keys y
	expect_screen '^devpod +off( |$)'
	expect_line -2 "^$CLOCK opt-out cleared: devpod$"
	send "$(ev devpod "devpod $tag-after" 0 100)" 1 0
	expect_in_db_files "$tag-after" || fail "after opting back in, the event is not stored"
	"$TELTOP" optout --db "$D/events.db" list --json >"$D/optout.json"
	if grep -q devpod "$D/optout.json"; then
		fail "still opted out: $(cat "$D/optout.json")"
	fi
	keys 1
	expect_screen "devpod $tag-after"
	screen_lacks "$tag-(generic|insert|mixed)"
}

# A client id is never cut in the Opt-out view (it is copied from there),
# nor in `optout list`: the column is as wide as the longest.
case_optout_long_client() {
	local id=0b6f1c2e-3d4a-4b5c-8d9e-0f1a2b3c4d5e-machine
	start_ui
	send '{"source":"werf","event":"CommandExited","command":"werf converge","client_id":"'"$id"'","phase":"finish","exit_code":0}' 1 0
	expect_screen 'werf converge'
	keys O
	expect_line -2 "^Opt out werf client $id\\? "
	keys y
	expect_line -2 "^$CLOCK opt-out set: werf client $id$"
	keys 3
	# at 80 columns the id shows whole; what comes after it makes way
	expect_line 3 '^SOURCE / CLIENT +OPT-OUT +BY +DROPPED +PRO'
	expect_screen "^  client $id +ON +ui +0 +0 s"
	resize 120 30
	expect_screen "^  client $id +ON +ui +0 +0 stored since $CLOCK"
	"$TELTOP" optout --db "$D/events.db" list >"$D/optout.txt"
	grep -Eq "^werf +$id +" "$D/optout.txt" || fail "optout list cuts the client: $(cat "$D/optout.txt")"
}

case_optout_from_stream() {
	start_ui
	send_devpod 'devpod up' dpmachine
	send "$(ev werf 'werf converge' 0 100)" 1 0
	expect_screen 'werf converge'
	keys k
	sync_keys
	keys o
	expect_line -2 '^Opt out devpod\? Events will be dropped, not stored\. \(y/n\)$'
	keys n
	expect_line -2 '^cancelled$'
	keys O
	expect_line -2 '^Opt out devpod client dpmachine\? Events will be dropped, not stored\. \(y/n\)$'
	keys n
	expect_line -2 '^cancelled$'
	# and from the detail view, for the werf row
	keys G Enter
	expect_line 3 '^Event #2  werf '
	keys o
	expect_line -2 '^Opt out werf\? '
	keys y
	expect_line -2 "^$CLOCK opt-out set: werf$"
	"$TELTOP" optout --db "$D/events.db" list --json >"$D/optout.json"
	grep -Eq '"source": *"werf"' "$D/optout.json" || fail "optout list: $(cat "$D/optout.json")"
}

case_daily() {
	start_ui
	send "$(ev werf 'werf converge' 0 1500 c1)" 1 0
	send "$(ev werf 'werf converge' 1 1500 c1)" 1 0
	send "$(ev werf 'werf render' 2 800 c2)" 1 0
	[ "$(post /batch/ "@$FIX/devtron_heartbeat_summary.json")" = 200 ] ||
	    fail "/batch/: $(cat "$D/reply")"
	expect_screen 'devtron +Summary'
	keys 4
	expect_line 3 "$TITLE_DAILY"
	expect_screen "^$(date +%F) +werf +3 +3 +2 +2 "
	screen_has '^Devtron Summary counts \(latest per client and day, keys as sent; the change'
	screen_has '^2026-01-06 itdevtronucid001 .*userCount=3'
	screen_has ' clusterCount=2'
	screen_has ' environmentCount=4'
	screen_lacks 'none yet'
	screen_has '^20[0-9]{2}-[0-9]{2}-[0-9]{2} devtron +1 '
	# a bar a day, its sources stacked, with a legend
	screen_has '^Events per day, by source: +█ devtron +█ werf$'
	screen_has "^$(date +%F) 3 +█+$"
	screen_has '^2026-01-06 1 +█+$'
	# the next day's Summary of the same client: its changes
	sed 's/2026-01-06T00:00:00/2026-01-07T00:00:00/g; s/"userCount":3/"userCount":5/; s/"clusterCount":2/"clusterCount":1/' \
	    "$FIX/devtron_heartbeat_summary.json" >"$D/summary2.json"
	[ "$(post /batch/ "@$D/summary2.json")" = 200 ] || fail "/batch/: $(cat "$D/reply")"
	expect_screen '^2026-01-07 itdevtronucid001 +userCount=5 \(\+2\) clusterCount=1 \(-1\) env'
	screen_has '^2026-01-06 itdevtronucid001 +userCount=3 clusterCount=2 '
	line -1 | grep -q '^ Enter its events  Up/Down move  ? help  q quit$' || screen_fail "the footer is not the daily's"
}

# metric_body NAME KIND UNIT POINT: an OTLP/JSON /v1/metrics body of one
# metric with one data point (POINT: its members, e.g. "asInt":"4"), now.
metric_body() {
	local now data
	now=$(date +%s%N)
	case $2 in
	gauge) data='"gauge":{"dataPoints":[{'"$4"',"timeUnixNano":"'"$now"'"}]}' ;;
	sum) data='"sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[{'"$4"',"timeUnixNano":"'"$now"'"}]}' ;;
	histogram) data='"histogram":{"aggregationTemporality":2,"dataPoints":[{'"$4"',"timeUnixNano":"'"$now"'"}]}' ;;
	esac
	printf '{"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"scr"}}]},"scopeMetrics":[{"scope":{"name":"scr"},"metrics":[{"name":"%s","unit":"%s",%s}]}]}]}' \
	    "$1" "$3" "$data"
}

# send_metric NAME KIND UNIT POINT: POST it to /v1/metrics, want 200.
send_metric() {
	local st
	st=$(post /v1/metrics "$(metric_body "$@")")
	[ "$st" = 200 ] || fail "POST /v1/metrics: status $st, reply $(cat "$D/reply")"
}

case_metrics() {
	start_ui
	keys 5
	expect_line 3 "$TITLE_METRICS"
	screen_has 'No metrics yet'
	line -1 | grep -q '^ Enter points  s sort  Up/Down move  ? help  q quit$' ||
	    screen_fail "the footer is not the metrics'"
	send_metric scr.queue gauge '{item}' '"asInt":"4"'
	send_metric scr.queue gauge '{item}' '"asDouble":-2.5'
	send_metric scr.queue gauge '{item}' '"asInt":"9"'
	send_metric scr.latency histogram ms '"count":"4","sum":10,"bucketCounts":["4"],"explicitBounds":[]'
	send_metric scr.requests sum 1 '"asInt":"7"'
	expect_screen '^otlp +scr\.requests +sum +1 +1 +7 +[0-9]{2}:[0-9]{2} '
	# the last value and the points; a histogram's value is its mean
	screen_has '^otlp +scr\.latency +histogram +ms +1 +2\.5 +[0-9]{2}:[0-9]{2} '
	screen_has '^otlp +scr\.queue +gauge +\{item\} +3 +9 +[0-9]{2}:[0-9]{2} '
	screen_has '^3 metrics, sorted by source and metric'
	screen_lacks 'No metrics yet'
	# sorted by points: queue first
	keys s
	expect_line -2 '^metrics sorted by points$'
	above 'scr\.queue' 'scr\.latency'
	# wide enough, the least and greatest values show
	resize 120 30
	expect_screen '^otlp +scr\.queue +gauge +\{item\} +3 +9 +-2\.5 +9 +[0-9]{2}:[0-9]{2} '
	# Enter on the selected (first) row: the stream of its points
	keys Enter
	expect_line 3 "$TITLE_STREAM"
	expect_screen 'filter: signal=metric source=otlp name="scr\.queue"'
	until_screen "the 3 points of scr.queue in the stream" has_n '^[0-9:]+ +otlp +scr\.queue' 3
	screen_lacks 'scr\.latency'
}

case_fields() {
	local st
	start_ui
	keys 6
	expect_line 3 "$TITLE_FIELDS"
	expect_screen 'No fields yet: they appear as events are stored'
	st=$(post /analytics/v1/devpod/v1/events "$(cat "$root/tests/integration/fixtures/devpod_legacy_finished.json")")
	[ "$st" = 200 ] || fail "legacy: status $st"
	send_devpod "devpod up"
	# the error of a failed run names someone
	st=$(post /v1/insert '{"data":[{"event":{"machine_id":"m1","properties":"{\"command\":\"devpod up\",\"error\":\"denied for ann@example.com\",\"version\":\"v0.6.15\"}","timestamp":1763632800,"type":"devpod_cli"},"user":{"machine_id":"m1","properties":"{}","timestamp":1763632800}}]}')
	[ "$st" = 200 ] || fail "red: status $st"
	send '{"source":"generic","event":"scr-undoc","secret_sauce":42}'
	# read again within two seconds while up
	until_screen "the catalog's rows" has '^devpod / cmdfinished  1 event  v0\.5\.29$'
	screen_has '^   event\.processingTime +number +green +1 v0\.5\.29'
	above '^devpod / cmdfinished' '^   event\.processingTime'
	frame_ok
	# / finds by path; the pane says what a red field held, and no value
	keys /
	type_text 'properties>error'
	keys Enter
	expect_line -2 '^fields holding "properties>error"$'
	expect_screen '^   event\.properties>error +string +red +1 v0\.6\.15'
	screen_has '^devpod / devpod_cli  2 events  v0\.6\.15$'
	keys j
	expect_screen '^ event\.properties>error: The error text'
	screen_has '^  personal, held: an e-mail address, a free-text error message$'
	screen_has '^ no examples are kept of a personal field$'
	screen_lacks 'ann@example'
	# d: legacy against current, then back
	keys d
	expect_line 3 '^devpod v0\.5\.29 -> v0\.6\.15: 2 changes$'
	screen_has '^event removed +cmdfinished'
	screen_has '^event added +devpod_cli'
	keys Escape
	expect_line 3 "$TITLE_FIELDS"
	# u: only what no documentation names, marked !
	keys / C-u Enter
	expect_line -2 '^every field again$'
	keys u
	expect_screen '^ ! secret_sauce +number +green +1 -'
	screen_lacks 'event\.processingTime'
	keys j
	expect_screen '^ secret_sauce: undocumented: generic.s documentation does not name this field$'
	screen_has '^ e\.g\.  42$'
	frame_ok
	# Enter: that event's stream
	keys Enter
	expect_line 3 "$TITLE_STREAM"
	expect_screen 'generic +scr-undoc'
	screen_lacks 'devpod_cli'
}

case_help() {
	start_ui
	local i body=
	for i in $(seq 1 12); do
		body=$body${body:+,}$(ev werf "werf under-$i" 0 100)
	done
	send "[$body]" 12 0
	expect_screen 'werf under-12 '
	keys '?'
	# 17 lines in a border: lines 3 to 21 of 24
	expect_line 3 "^ $HELP_TOP"
	screen_has "^ $SIDE Views +1 Stream 2 Commands 3 Opt-out 4 Daily 5 Metrics 6 Fields  Tab +$SIDE\$"
	screen_has "^ $SIDE Press any key to close\\. +$SIDE\$"
	# a border all round, nothing of the view beside it
	for n in $(seq 4 20); do
		line "$n" | grep -Eq "^ $SIDE .* $SIDE\$|^ $SIDE +$SIDE\$" || screen_fail "line $n is not inside the box"
	done
	line 21 | grep -Eq '^ (└─|\+-|mq)(─|-|q)+(┘|\+|j)$' || screen_fail "line 21 is not the bottom border"
	for n in $(seq 3 21); do
		line "$n" | grep -q 'werf under-' && screen_fail "a row of the view shows beside the box on line $n"
	done
	keys x
	expect_no_screen 'teltop keys'
	expect_line 3 "$TITLE_STREAM"
	screen_has 'werf under-5 '
	# q closes the overlay, it does not quit
	keys '?'
	expect_screen 'teltop keys'
	keys q
	expect_no_screen 'teltop keys'
	# the overlay also goes when the UI quits: a key handled after q is the
	# sign that it did not
	sync_keys
	[ ! -s "$D/exit" ] || fail "q on the help overlay quit: $(cat "$D/exit")"
	expect_line 3 "$TITLE_STREAM"
	# another view: the overlay over Commands, closed by Tab (not acted on)
	keys 2 '?'
	expect_screen 'teltop keys'
	keys Tab
	expect_no_screen 'teltop keys'
	expect_line 3 "$TITLE_COMMANDS"
}

case_theme() {
	start_ui
	expect_line 3 "$TITLE_STREAM"
	cap_e
	has_colour || fail "no colour on the screen without NO_COLOR (so the NO_COLOR case means nothing)"
	keys t
	expect_line -2 '^theme: [A-Za-z0-9_.-]+$'
	local first second
	first=$(line -2)
	keys t
	expect_no_screen "^$first\$"
	expect_line -2 '^theme: [A-Za-z0-9_.-]+$'
	second=$(line -2)
	[ "$first" != "$second" ] || fail "t did not change the theme"
	frame_ok
}

case_theme_missing() {
	start_ui --theme nosuchtheme
	expect_line 3 "$TITLE_STREAM"
	frame_ok
	if ! line -2 | grep -q '^theme:.*nosuchtheme'; then
		echo "the log line does not say the theme was not found"
		echo "(teltop.log has: $(tr '\n' '|' <"$D/teltop.log" 2>/dev/null))"
		show_screen
		exit 1
	fi
}

case_no_color() {
	start_ui NO_COLOR=1
	expect_line 3 "$TITLE_STREAM"
	frame_ok
	cap_e
	if has_colour; then
		fail "NO_COLOR=1, yet the screen has colour: $(grep -m 3 $'\e' "$D/screen.e" | cat -v)"
	fi
	send_devpod 'devpod up'
	expect_screen 'devpod up'
	keys t
	expect_line -2 '^theme: '
	cap_e
	if has_colour; then
		fail "NO_COLOR=1, a theme switch brought colour: $(grep -m 3 $'\e' "$D/screen.e" | cat -v)"
	fi
}

case_resize_stream() {
	start_ui
	send_devpod 'devpod up' it-devpod-machine
	send "$(ev werf 'werf converge' 1 1500)" 1 0
	expect_screen 'werf converge'
	resize 120 35
	expect_frame
	expect_line 3 "$TITLE_STREAM"
	# the columns widen to their content: the client shows whole
	expect_screen 'devpod up +it-devpod-machine +- *$'
	expect_line -2 "$CLOCK listening; press \\? for keys$"
	resize 80 24
	expect_frame
	expect_line 3 "$TITLE_STREAM"
	# back at 80 it still fits: the columns are as wide as what they hold
	expect_screen 'devpod up +it-devpod-machine +- *$'
	above 'devpod up' 'werf converge'
	# too small, then back
	resize 30 5
	expect_line 1 '^terminal too small$'
	resize 100 30
	expect_frame
	expect_line 3 "$TITLE_STREAM"
	screen_has 'werf converge'
}

# Shrunk and grown again, the stream uses the room it has again.
case_resize_grow() {
	local i body=
	start_ui
	for i in 1 2 3 4 5; do
		body=$body${body:+,}$(ev werf "werf grow-$i" 0 100)
	done
	send "[$body]" 5 0
	expect_screen 'werf grow-5'
	screen_has 'werf grow-1'
	resize 80 7
	expect_frame
	expect_line 5 'werf grow-5'
	screen_lacks 'werf grow-1'
	resize 80 24
	expect_frame
	expect_line 4 'werf grow-1'
	line 8 | grep -q 'werf grow-5' || screen_fail "grow-5 is not on line 8"
}

# At 60 columns every row stays on its own line (nothing wraps onto the
# next one) in the stream, the commands and the daily view.
case_resize_narrow() {
	local i body='' n
	start_ui
	for i in 1 2 3 4 5 6 7 8 9; do
		body=$body${body:+,}$(ev werf "werf narrow-$((i % 3))" $((i % 2)) $((i * 300)))
	done
	send "[$body]" 9 0
	expect_screen 'werf narrow-0'
	resize 60 16
	expect_frame
	# body lines 4..13: rows start with a clock, or are empty
	for n in $(seq 4 $((H - 3))); do
		line "$n" | grep -Eq "^($CLOCK |\$)" || screen_fail "stream: line $n is not a row"
	done
	keys 2
	expect_line 3 '^SOURCE +COMMAND +DONE'
	expect_screen '^3 commands, sorted by'
	for n in $(seq 4 $((H - 4))); do
		line "$n" | grep -Eq '^(werf +werf narr[a-z0-9-]*…? +3 +[12] |$)' || screen_fail "commands: line $n is not a row"
	done
	keys 4
	expect_line 3 '^DAY +SOURCE +EVENTS'
	line 4 | grep -Eq "^$(date +%F) +werf +9 +9 +5 +1 " || screen_fail "daily: line 4"
	line 5 | grep -Eq '^$' || screen_fail "daily: line 5 is not empty"
	keys 3
	expect_line 3 '^SOURCE / CLIENT'
	frame_ok
}

case_resize_help() {
	start_ui
	keys '?'
	expect_line 3 "^ $HELP_TOP"
	resize 120 35
	# centred again: (120 - 78) / 2 columns in, (35 - 19) / 2 lines down
	expect_line 9 "^ {21}$HELP_TOP"
	expect_frame
	screen_has "^ {21}$SIDE Press any key to close\\."
	resize 80 24
	expect_line 3 "^ $HELP_TOP"
	expect_frame
	keys x
	expect_no_screen 'teltop keys'
	expect_line 3 "$TITLE_STREAM"
}

case_resize_detail() {
	start_ui
	send_devpod 'devpod up' dpmachine
	expect_screen 'devpod up'
	keys Enter
	expect_line 3 '^Event #1  devpod  devpod-insert  devpod_cli$'
	resize 120 35
	expect_frame
	expect_line 3 '^Event #1  devpod  devpod-insert  devpod_cli$'
	line -1 | grep -q '^ Esc back  / n N find' || screen_fail "the footer is not the detail's"
	line 2 | grep -Eq "$TABS +Detail$SPARK\$" || screen_fail "tabs"
	resize 80 24
	expect_frame
	expect_line 3 '^Event #1  devpod  devpod-insert  devpod_cli$'
	keys Escape
	expect_line 3 "$TITLE_STREAM"
	frame_ok
}

case_tabs() {
	start_ui
	expect_line 3 "$TITLE_STREAM"
	keys Tab
	expect_line 3 "$TITLE_COMMANDS"
	keys Tab
	expect_line 3 "$TITLE_OPTOUT"
	keys Tab
	expect_line 3 "$TITLE_DAILY"
	keys Tab
	expect_line 3 "$TITLE_METRICS"
	keys Tab
	expect_line 3 "$TITLE_FIELDS"
	keys Tab
	expect_line 3 "$TITLE_STREAM"
	keys BTab
	expect_line 3 "$TITLE_FIELDS"
	keys BTab
	expect_line 3 "$TITLE_METRICS"
	keys BTab
	expect_line 3 "$TITLE_DAILY"
	keys BTab
	expect_line 3 "$TITLE_OPTOUT"
	keys 2
	expect_line 3 "$TITLE_COMMANDS"
	keys 1
	expect_line 3 "$TITLE_STREAM"
}

# after_exit: the UI has ended with status 0 and left the terminal as it
# found it: normal screen, cursor shown, no mouse reporting, no keypad mode.
after_exit() {
	if ! until_ok test -s "$D/exit"; then
		cap
		screen_fail "the UI did not exit within $WAIT s"
	fi
	[ "$(cat "$D/exit")" = EXIT=0 ] || fail "exit status: $(cat "$D/exit")"
	expect_screen '^UI-EXITED status=0$'
	screen_lacks 'teltop  127\.0\.0\.1'
	screen_lacks '1 Stream   2 Commands'
	local modes
	modes=$(tm display -p -t ui '#{alternate_on} #{cursor_flag} #{mouse_any_flag} #{keypad_cursor_flag}')
	[ "$modes" = "0 1 0 0" ] ||
	    fail "terminal modes after exit (alternate screen, cursor, mouse, keypad): $modes, want 0 1 0 0"
	[ ! -s "$D/ui.stderr" ] || fail "stderr: $(cat "$D/ui.stderr")"
}

case_quit() {
	start_ui
	expect_line 3 "$TITLE_STREAM"
	keys q
	after_exit
}

case_sigint() {
	start_ui
	keys 2
	expect_line 3 "$TITLE_COMMANDS"
	keys C-c
	after_exit
}

# An xterm (X10) mouse report: button B at 0-based column X, line Y,
# written to the UI as a terminal would.  ncurses gathers reports for up
# to its mouseinterval (200 ms) to tell a click from a double click, and a
# key arriving within it loses the click: after each, a case waits for
# its effect before it sends anything else.
mouse_bytes() {
	printf '1b 5b 4d %x %x %x ' $((32 + $1)) $((32 + $2 + 1)) $((32 + $3 + 1))
}
# click X Y: press and release; dblclick X Y: twice.
click() {
	# shellcheck disable=SC2046
	tm send-keys -t ui -H $(mouse_bytes 0 "$1" "$2") $(mouse_bytes 3 "$1" "$2")
}
dblclick() {
	# shellcheck disable=SC2046
	tm send-keys -t ui -H $(mouse_bytes 0 "$1" "$2") $(mouse_bytes 3 "$1" "$2") \
	    $(mouse_bytes 0 "$1" "$2") $(mouse_bytes 3 "$1" "$2")
}
# wheel 64|65: up or down
wheel() {
	# shellcheck disable=SC2046
	tm send-keys -t ui -H $(mouse_bytes "$1" 10 10)
}

case_mouse() {
	start_ui
	[ "$(tm display -p -t ui '#{mouse_any_flag}')" = 1 ] ||
	    fail "the UI did not ask the terminal for mouse reports"
	send "$(ev werf 'werf mouse-one' 0 100)" 1 0
	send "$(ev werf 'werf mouse-two' 0 100)" 1 0
	send "$(ev werf 'werf mouse-three' 0 100)" 1 0
	expect_screen 'werf mouse-three'
	# a click on the first row (line 4) selects it: Enter opens it
	expect_selected 6
	click 20 3
	expect_selected 4
	keys Enter
	expect_line 3 '^Event #1  werf  generic  CommandExited$'
	keys Escape
	expect_line 3 "$TITLE_STREAM"
	# a double click on a row opens it
	dblclick 20 4
	expect_line 3 '^Event #2  werf  generic  CommandExited$'
	# the wheel scrolls the detail (down 3 lines, then back up)
	wheel 65
	expect_no_screen '^Event #2  '
	wheel 64
	expect_line 3 '^Event #2  '
	keys Escape
	expect_line 3 "$TITLE_STREAM"
	# a click on a tab shows that view
	click 15 1
	expect_line 3 "$TITLE_COMMANDS"
	click 40 1
	expect_line 3 "$TITLE_DAILY"
	click 27 1
	expect_line 3 "$TITLE_OPTOUT"
	click 50 1
	expect_line 3 "$TITLE_METRICS"
	click 3 1
	expect_line 3 "$TITLE_STREAM"
}

case_not_a_terminal() {
	local rc=0
	"$TELTOP" --db "$D/x.db" </dev/null >/dev/null 2>"$D/err" || rc=$?
	[ "$rc" -eq 2 ] || fail "exit $rc, want 2; stderr: $(cat "$D/err")"
	grep -q 'terminal' "$D/err" || fail "stderr does not say a terminal is needed: $(cat "$D/err")"
	rc=0
	"$TELTOP" --db "$D/x.db" --no-such-option </dev/null >/dev/null 2>"$D/err" || rc=$?
	[ "$rc" -eq 2 ] || fail "--no-such-option: exit $rc, want 2"
	grep -q '^usage: ' "$D/err" || fail "--no-such-option: no usage on stderr: $(cat "$D/err")"
}

# ---------------------------------------------------------------- main

if [ ! -x "$TELTOP" ]; then
	echo "not ok - teltop binary at $TELTOP"
	echo "0 passed, 1 failed"
	exit 1
fi
if ! command -v tmux >/dev/null; then
	echo "not ok - tmux is installed (the screen tests run the UI inside tmux; apt-get install tmux)"
	echo "0 passed, 1 failed"
	exit 1
fi
command -v curl >/dev/null || { echo "not ok - curl is installed"; echo "0 passed, 1 failed"; exit 1; }

run_case "start at 80x24: header with the address, tabs, Stream titles, empty hint, log line, footer" case_start
run_case "200x50: each view fills the width, boxes whole, p95 to the slowest run's payload in three keys" case_tour_wide
run_case "stream: werf and DevPod rows, newest at the bottom, durations, outcomes, stored 4" case_stream
run_case "stream follows; scrolled up it stays and counts new rows below; G follows again" case_follow
run_case "stream: long values are cut at their column, a space still separates the columns" case_long_cells
run_case "remember: view, sorts and theme kept in the config file, taken at the next start" case_remember
run_case "header: a sparkline of the last minute's events, in the sources' colours" case_header_spark
run_case "header: fits 80 columns with big counts; connections give way first, never a count" case_header_fits
run_case "header: --retain 1s counts evicted events; stored is what is left" case_header_evicted
run_case "header: a disk under 10% free is warned of, and the warning goes when there is room" case_header_disk
run_case "stream: columns as wide as their content; a cut ends in …, a number never is; the error at 200 columns" case_cut_marks
run_case "capture: captured rows marked ⇄ after the source, columns kept; via= and host~ filter them" case_capture_stream
run_case "capture: the marker is C where the terminal takes no UTF-8" case_capture_ascii
run_case "capture: detail shows via, host and the request (POST https://..., headers masked) above the payload" case_capture_detail
run_case "capture: opt-out view, optout list and stats count captured, blocked, tunnelled; the blocked post got 200, nothing stored" case_capture_optout
run_case "pause holds new events (PAUSED +N); p shows them" case_pause
run_case "history: events stored before the UI started are listed, oldest first" case_history
run_case "filter: source=devpod, its bar, live events filtered, bad filter explained, Esc, cleared" case_filter
run_case "detail: normalized fields, privacy, payload with meanings; Esc back" case_detail
run_case "detail: a red finding under a dotted key marks its payload line" case_detail_dotted_key
run_case "! lists what was refused: route, status, reason, why, the body's first bytes" case_refusals
run_case "commands: runs, failures, p50/p95/p99/max as teltop stats has them; s sorts" case_commands
run_case "commands: Enter shows a command's runs and histogram; s slowest first; Enter the run with its start; / finds" case_command_runs
run_case "detail: wrap and w, / n N find, y copies (OSC 52), r as received" case_detail_tools
run_case "detail: f shows the stream with the found field's value (.PATH), as teltop events does" case_detail_filter_field
run_case "stream: c and C filter by the row's command and client" case_stream_by
run_case "daily: Enter on a day shows its events in the stream" case_daily_enter
run_case "attach: teltop on a running collector's address is its UI: stream, commands, opt-out through it" case_attach
run_case "attach by database: teltop on the database a running collector holds is its UI; a stale file is not followed" case_attach_db
run_case "watch URL at 200x50: the token or nothing; views, payload as received, opt-out through it, ends with its collector" case_watch
run_case "opt-out: a row per source, all off; Space asks y/n; n cancels" case_optout_prompt
run_case "opt-out: keys typed right after 3 count (3 j j selects devsy)" case_optout_typeahead
run_case "opt-out toggled from the UI: ON by ui, dropped counted, proof, nothing stored; back off" case_optout_toggle
run_case "o / O on a stream row and o in the detail ask to opt that source / client out" case_optout_from_stream
run_case "opt-out: a long client id shows whole in the view and in optout list" case_optout_long_client
run_case "daily: today's werf row with counts; Devtron Summary counts" case_daily
run_case "metrics: per metric its kind, unit, points and values; Enter shows its points" case_metrics
run_case "fields: what DevPod sent field by field, grades, meanings, none of a red value; u, /, d between two versions, Enter" case_fields
run_case "help: ? shows the keys; any key (q too) closes it" case_help
run_case "theme: t switches, the log line names it" case_theme
run_case "--theme nosuchtheme: the UI starts and the log line says so" case_theme_missing
run_case "NO_COLOR=1: the UI starts without colour" case_no_color
run_case "resize 80x24 -> 120x35 -> 80x24 -> 30x5 -> 100x30 in the stream" case_resize_stream
run_case "resize: shrunk to 80x7 and grown back, the stream shows every row again" case_resize_grow
run_case "resize to 60x16: stream, commands and daily rows stay on their own lines" case_resize_narrow
run_case "resize while the help overlay is shown" case_resize_help
run_case "resize while the detail view is shown" case_resize_detail
run_case "Tab and Shift-Tab cycle the views, number keys pick one" case_tabs
run_case "q exits 0 and restores the terminal" case_quit
run_case "Ctrl-C exits 0 and restores the terminal" case_sigint
run_case "mouse: click a row, double click, wheel, click the tabs" case_mouse
run_case "not a terminal: exit 2 with a message on stderr" case_not_a_terminal

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
