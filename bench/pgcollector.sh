#!/usr/bin/env bash
# bench/pgcollector.sh TELTOP LOAD EVENTS ROUNDS: events acked through a
# collector on PostgreSQL (bench/run.sh's step 8, inside tests/pg/run.sh's
# cluster, $TELTOP_TEST_PG).  Each round empties the schema, starts
# `teltop serve` on the database, sends EVENTS mix events over WebSocket
# in arrays of 100 on 2 connections (bench/load), stops it and checks that
# every acked event is a row.  Prints "round=N acked=A acked_per_s=R" a
# round; exits 1 when a round failed.
set -euo pipefail
TELTOP=$1
LOAD=$2
EVENTS=$3
ROUNDS=$4
U=$TELTOP_TEST_PG
T=$(mktemp -d /tmp/teltop-pgcoll.XXXXXX)
server=
cleanup() {
	[ -n "$server" ] && kill -KILL "$server" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
export XDG_DATA_HOME=$T/data

for r in $(seq "$ROUNDS"); do
	psql -qX "$U" -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning; DROP TABLE IF EXISTS \
	    events, payloads, optout, counters, collectors, fields, teltop_schema, \
	    rollup_cmd, rollup_hist, rollup_open, rollup_day, rollup_client, rollup_summary, \
	    rollup_privacy, rollup_metric, rollup_meta CASCADE; \
	    DROP SEQUENCE IF EXISTS events_id_seq, payloads_id_seq" >/dev/null
	"$TELTOP" serve --db "$U" --listen 127.0.0.1:0 --otlp-grpc off --name bench \
	    >"$T/serve.log" 2>&1 &
	server=$!
	url=
	for _ in $(seq 1200); do
		url=$(sed -n 's/.*listening on \(127\.0\.0\.1:[0-9][0-9]*\),.*/\1/p' "$T/serve.log" | head -n 1)
		[ -n "$url" ] && break
		kill -0 "$server" 2>/dev/null || break
		sleep 0.05
	done
	if [ -z "$url" ]; then
		echo "pgcollector: serve did not start: $(tail -n 5 "$T/serve.log")" >&2
		exit 1
	fi
	line=$("$LOAD" --url "$url" --mode ws --batch 100 --conns 2 --kind mix --events "$EVENTS")
	kill -TERM "$server"
	wait "$server" || { echo "pgcollector: serve exited $?: $(tail -n 5 "$T/serve.log")" >&2; exit 1; }
	server=
	acked=$(printf '%s\n' "$line" | tr ' ' '\n' | sed -n 's/^acked=//p')
	rate=$(printf '%s\n' "$line" | tr ' ' '\n' | sed -n 's/^acked_per_s=//p')
	rows=$(psql -qAtX "$U" -c "SELECT count(*) FROM events")
	if [ "$rows" != "$acked" ]; then
		echo "pgcollector: round $r: $acked acked, $rows rows" >&2
		exit 1
	fi
	echo "round=$r acked=$acked acked_per_s=$rate"
done
