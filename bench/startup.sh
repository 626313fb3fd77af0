#!/bin/sh
#
# bench/startup.sh: how long `teltop serve` takes on a database until
# GET /healthz answers 200 (the rollup measurement of issue 12).
#
#	bench/startup.sh TELTOP DB [RUNS]
#
# Starts the server RUNS times (3) on a free port, polls /healthz with curl
# every few ms, prints "startup_ms=…" per run and the server's "aggregates"
# log line, then stops it with SIGTERM.
set -u
teltop=$1
db=$2
runs=${3:-3}
port=$(( 30000 + $$ % 20000 ))
i=0
while [ "$i" -lt "$runs" ]; do
	i=$((i + 1))
	log=$(mktemp)
	t0=$(date +%s%N)
	"$teltop" serve --db "$db" --listen 127.0.0.1:$port 2>"$log" &
	pid=$!
	until curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "startup: the server exited" >&2
			cat "$log" >&2
			exit 1
		fi
		sleep 0.002
	done
	t1=$(date +%s%N)
	echo "startup_ms=$(( (t1 - t0) / 1000000 )) $(grep -m1 aggregates "$log")"
	kill -TERM "$pid"
	wait "$pid"
	rm -f "$log"
done
