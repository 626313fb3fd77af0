#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, on 127.0.0.1 only:
#
#   tests/pg/cluster.sh start DIR   initdb + pg_ctl start in DIR (made, must
#                                   not exist); prints the database's URL
#   tests/pg/cluster.sh stop DIR    stop it (fast shutdown) and remove DIR
#   tests/pg/cluster.sh kill DIR    SIGKILL the postmaster (a crash)
#   tests/pg/cluster.sh restart DIR start it again after stop -m / kill
#
# As root the server runs as the postgres user (PostgreSQL refuses root).
# Unix sockets live in DIR; trust authentication for user teltop, which is
# fine for a cluster nobody else can reach.  pg_ctl -w waits for the server
# to accept connections (a state, not a time), bounded by -t.
set -euo pipefail
cmd=${1:?start|stop|kill|restart}
dir=${2:?DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "cluster.sh: no PostgreSQL server (apt-get install postgresql)" >&2; exit 1; }
as() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
start() {
	local port tries=0
	while :; do
		port=$((20000 + RANDOM % 30000))
		echo "$port" >"$dir/port"
		if as "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
		    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on" start >/dev/null; then
			break
		fi
		tries=$((tries + 1))
		[ "$tries" -lt 5 ] || { tail -n 20 "$dir/log" >&2; exit 1; }
	done
	echo "postgresql://teltop@127.0.0.1:$port/teltop"
}
case $cmd in
start)
	mkdir "$dir"
	[ "$(id -u)" = 0 ] && chown postgres "$dir"
	as "$bin/initdb" -D "$dir/data" -U teltop -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
	    { cat "$dir/initdb.log" >&2; exit 1; }
	url=$(start)
	as "$bin/createdb" -h "$dir" -p "$(cat "$dir/port")" -U teltop teltop
	echo "$url"
	;;
restart)
	# after a crash pg_ctl says "another server might be running" of the
	# stale pid file: into the log, shown only if the start fails
	as "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
	    -o "-c listen_addresses=127.0.0.1 -p $(cat "$dir/port") -k $dir" start \
	    >"$dir/restart.out" 2>&1 || { cat "$dir/restart.out" "$dir/log" >&2; exit 1; }
	;;
kill)
	# the whole server at once, as a crash of its machine would: the
	# postmaster's process group; then wait until none of it is left
	pid=$(head -n 1 "$dir/data/postmaster.pid")
	pgid=$(ps -o pgid= -p "$pid" | tr -d ' ')
	kill -KILL -- "-$pgid"
	for _ in $(seq 600); do
		[ -z "$(ps -o pid= -g "$pgid")" ] && exit 0
		sleep 0.1
	done
	echo "cluster.sh: the server's processes outlived SIGKILL" >&2
	exit 1
	;;
stop)
	as "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
	rm -rf "$dir"
	;;
*)
	echo "cluster.sh: start|stop|kill|restart DIR" >&2
	exit 2
	;;
esac
