#!/usr/bin/env bash
# tests/pg/cli.sh TELTOP: the commands that run on PostgreSQL, against the
# throwaway cluster of tests/pg/run.sh ($TELTOP_TEST_PG): `teltop optout`
# set, list (with the proof) and clear; `teltop events` of rows stored
# there, filtered; two collectors: an opt-out through one enforced by the
# other, a retried batch stored once, stats, fields and the privacy
# summary of both; a password never shown.
set -euo pipefail
TELTOP=$1
U=$TELTOP_TEST_PG
n=0
ok() { n=$((n + 1)); echo "ok - pg cli: $*"; }
fail() { echo "not ok - pg cli: $*"; exit 1; }
T=$(mktemp -d /tmp/teltop-pgcli.XXXXXX)
trap 'rm -rf "$T"' EXIT
export HOME=$T XDG_CONFIG_HOME=$T/config XDG_DATA_HOME=$T/data

"$TELTOP" optout --db "$U" set devpod >"$T/set.out" || fail "optout set: $(cat "$T/set.out")"
grep -q '^devpod: opted out since ' "$T/set.out" || fail "optout set said: $(cat "$T/set.out")"
"$TELTOP" optout --db "$U" set devpod | grep -q 'already opted out' || fail "a second set"
TELTOP_DB=$U "$TELTOP" optout set werf --client c-1 >/dev/null || fail "optout set through TELTOP_DB"
"$TELTOP" optout --db "$U" list --json >"$T/list.json"
node -e '
	const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	const got = j.map(e => [e.source, e.client, e.set_by, e.stored_since].join(" "));
	if (got.join(",") !== "devpod  cli 0,werf c-1 cli 0") throw new Error(got.join(","));
' "$T/list.json" || fail "optout list --json: $(cat "$T/list.json")"
"$TELTOP" optout --db "$U" list >"$T/list.txt"
grep -q '^Opt-out registry of postgresql://' "$T/list.txt" || fail "list: $(head -3 "$T/list.txt")"
grep -q 'devpod' "$T/list.txt" || fail "list lacks devpod"
ok "optout set, set again, set by TELTOP_DB, list (text and JSON)"

# rows as a collector stores them (store/pg.c's columns), read back
psql -q "$U" -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
CREATE TABLE IF NOT EXISTS events_20251203 PARTITION OF events FOR VALUES FROM ('2025-12-03') TO ('2025-12-04');
INSERT INTO events (id, day, source, event_key, received_at, ts, format, phase, name, command, duration_ms, exit_code, data, collector)
VALUES (nextval('events_id_seq'), '2025-12-03', 'werf', 'x:1:finish:CommandExited', 1764720000000000, 1764720000000000,
        'otlp-json', 2, 'CommandExited', 'werf converge', 1234.5, 0, '{"name":"CommandExited"}', 'alpha'),
       (nextval('events_id_seq'), '2025-12-03', 'devpod', NULL, 1764720001000000, 1764720001000000,
        'devpod-insert', 0, 'devpod_up', 'devpod up', NULL, NULL, '{"event":"devpod_up"}', 'beta');
SQL
"$TELTOP" events --db "$U" >"$T/events.jsonl" || fail "events: $(cat "$T/events.jsonl")"
[ "$(wc -l <"$T/events.jsonl")" = 2 ] || fail "events: $(cat "$T/events.jsonl")"
"$TELTOP" events --db "$U" --filter 'source=werf duration_ms>1000' >"$T/werf.jsonl"
[ "$(wc -l <"$T/werf.jsonl")" = 1 ] && grep -q '"command":"werf converge"' "$T/werf.jsonl" ||
    fail "events --filter: $(cat "$T/werf.jsonl")"
"$TELTOP" events --db "$U" --limit 1 | grep -q '"name":"devpod_up"' || fail "events --limit 1"
ok "events read back from PostgreSQL: all, --filter, --limit"

# the proof: an event of devpod stored after the opt-out shows
"$TELTOP" optout --db "$U" list --json | grep -q '"source":"devpod","client":null,[^}]*"stored_since":1,' ||
    fail "the proof does not count the devpod row stored since: $("$TELTOP" optout --db "$U" list --json)"
"$TELTOP" optout --db "$U" clear devpod | grep -q 'opted back in' || fail "optout clear"
ok "the proof counts what was stored since; clear"

pw=${U/teltop@/teltop:s3cret@}
# serve on PostgreSQL: two collectors, each named, both stored, the
# password masked in what they log
up() { grep -q 'listening on 127.0.0.1:' "$1"; }
wait_up() {
	for _ in $(seq 500); do up "$1" && return 0; kill -0 "$2" 2>/dev/null || break; sleep 0.02; done
	fail "serve did not start: $(cat "$1")"
}
"$TELTOP" serve --db "$pw" --listen 127.0.0.1:0 --otlp-grpc off --name alpha >"$T/a.log" 2>&1 &
A=$!
"$TELTOP" serve --db "$U" --listen 127.0.0.1:0 --otlp-grpc off --name beta >"$T/b.log" 2>&1 &
B=$!
trap 'kill $A $B 2>/dev/null || true; rm -rf "$T"' EXIT
wait_up "$T/a.log" $A
wait_up "$T/b.log" $B
addr() { grep -o 'listening on 127.0.0.1:[0-9]*' "$1" | head -n 1 | sed 's/listening on //'; }
curl -sf -XPOST --data-binary '{"name":"from-alpha"}' "http://$(addr "$T/a.log")/v1/events" | grep -q '"accepted":1' || fail "POST to alpha"
curl -sf -XPOST --data-binary '{"name":"from-beta"}' "http://$(addr "$T/b.log")/v1/events" | grep -q '"accepted":1' || fail "POST to beta"
[ "$(psql -qAt "$U" -c "SELECT string_agg(name || '@' || collector, ',' ORDER BY name) FROM events WHERE name LIKE 'from-%'")" = "from-alpha@alpha,from-beta@beta" ] ||
    fail "events of two collectors: $(psql -qAt "$U" -c "SELECT name, collector FROM events")"
[ "$(curl -s "http://$(addr "$T/a.log")/healthz")" = ok ] || fail "healthz"
ok "two named collectors store in one database"

# an opt-out set through alpha is enforced by beta (NOTIFY): wait for
# beta's registry to show it, then beta drops what devpod sends
tok=$("$TELTOP" token --db "$U") || fail "teltop token on PostgreSQL"
curl -sf -XPOST -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
    --data-binary '{"source":"devpod","enabled":true}' "http://$(addr "$T/a.log")/v1/optout" >"$T/oo.out" ||
    fail "POST /v1/optout to alpha: $(cat "$T/oo.out")"
heard=
for _ in $(seq 500); do
	curl -s "http://$(addr "$T/b.log")/v1/optout?source=devpod" | grep -q '"source":"devpod"' && { heard=1; break; }
	sleep 0.02
done
[ -n "$heard" ] || fail "beta never heard the opt-out set through alpha: $(curl -s "http://$(addr "$T/b.log")/v1/optout")"
curl -sf -XPOST --data-binary '{"name":"oo-after","source":"devpod"}' "http://$(addr "$T/b.log")/v1/events" >"$T/drop.out"
grep -q '"accepted":0,"dropped":1' "$T/drop.out" || fail "beta took devpod's event after the opt-out: $(cat "$T/drop.out")"
[ "$(psql -qAt "$U" -c "SELECT count(*) FROM events WHERE name = 'oo-after'")" = 0 ] || fail "devpod's event was stored"
ok "an opt-out set through one collector is enforced by the other"

# a client retrying a PostHog batch through the other collector: stored once
batch='{"api_key":"k","batch":[{"event":"retried","uuid":"0190b0c4-1111-7000-8000-000000000001","distinct_id":"d-1","properties":{}}]}'
for c in a b; do
	curl -sf -XPOST -H 'Content-Type: application/json' --data-binary "$batch" \
	    "http://$(addr "$T/$c.log")/batch/" >"$T/retry.$c" || fail "POST /batch/ to $c: $(cat "$T/retry.$c")"
done
[ "$(psql -qAt "$U" -c "SELECT count(*) FROM events WHERE name = 'retried'")" = 1 ] ||
    fail "a retried batch stored $(psql -qAt "$U" -c "SELECT count(*) FROM events WHERE name = 'retried'") times"
ok "a batch retried through the other collector is stored once"
# stats, the field catalog and the privacy summary add up across both:
# a run started through alpha and finished through beta, a field sent
# through each, a finding through beta
run='"source":"werf","execution_id":"e-9","command":"werf bundle apply"'
curl -sf -XPOST --data-binary "{\"name\":\"CommandStarted\",\"phase\":\"start\",$run,\"props\":{\"mode\":\"a\"}}" \
    "http://$(addr "$T/a.log")/v1/events" | grep -q '"accepted":1' || fail "start to alpha"
curl -sf -XPOST --data-binary "{\"name\":\"CommandExited\",\"phase\":\"finish\",$run,\"duration_ms\":1500,\"exit_code\":1,\"props\":{\"mode\":\"b\"},\"who\":\"ann@example.org\"}" \
    "http://$(addr "$T/b.log")/v1/events" | grep -q '"accepted":1' || fail "finish to beta"
"$TELTOP" stats --db "$pw" --json >"$T/stats.json" 2>"$T/stats.err" || fail "stats: $(cat "$T/stats.err")"
total=$(psql -qAt "$U" -c "SELECT count(*) FROM events")
node -e '
	const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	const total = Number(process.argv[2]);
	const c = j.commands.find(c => c.source === "werf" && c.command === "werf bundle apply");
	if (!c || c.count !== 1 || c.failures !== 1 || c.max_ms !== 1500) throw new Error("commands: " + JSON.stringify(j.commands));
	if (j.events !== total) throw new Error(`events ${j.events}, stored ${total}`);
	if (!j.privacy.some(p => p.source === "werf" && p.field === "who" && p.kind === "email"))
		throw new Error("privacy: " + JSON.stringify(j.privacy));
' "$T/stats.json" "$total" || fail "stats on PostgreSQL: $(head -c 2000 "$T/stats.json")"
"$TELTOP" fields --db "$U" --source werf --json >"$T/fields.jsonl" || fail "fields: $(cat "$T/fields.jsonl")"
node -e '
	const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(l => JSON.parse(l));
	const m = rows.filter(r => r.path === "props.mode");
	if (m.length !== 2 || m.some(r => r.events !== 1)) throw new Error("props.mode: " + JSON.stringify(m));
	const who = rows.find(r => r.path === "who");
	if (!who || who.grade !== "red" || who.examples.length !== 0) throw new Error("who: " + JSON.stringify(who));
' "$T/fields.jsonl" || fail "fields on PostgreSQL: $(cat "$T/fields.jsonl")"
ok "stats, the field catalog and the privacy summary add up across two collectors"
kill -TERM $A $B
wait $A || fail "alpha exit status $?"
wait $B || fail "beta exit status $?"
! grep -q s3cret "$T/stats.err" "$T/a.log" || fail "a password shown: $(cat "$T/stats.err" "$T/a.log")"
ok "no password shown"
echo "$n passed, 0 failed"
