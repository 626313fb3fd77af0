#!/bin/sh
# Make sure the Debian packages teltop builds and tests with are installed.
# As root it installs what is missing with apt-get; otherwise it names them.
set -u
need="gcc make pkg-config libwebsockets-dev libcjson-dev libsqlite3-dev libncurses-dev
zlib1g-dev libprotobuf-c-dev protobuf-c-compiler libcmocka-dev libhttp-parser-dev curl
libssl-dev openssl libzstd-dev libyaml-dev libcurl4-openssl-dev libpq-dev"
# make test: the Go test clients of tests/clients (golang-go, Go 1.19),
# the system CAs that `teltop capture` bundles with teltop's CA, and a
# PostgreSQL server for the throwaway clusters of tests/pg.
[ "${1:-}" = test ] && need="$need tmux nodejs npm golang-go ca-certificates zsh mandoc man-db postgresql"
# make fuzz: clang with libFuzzer and the sanitizer runtimes, and
# llvm-symbolizer (llvm-14) for readable stacks.
[ "${1:-}" = fuzz ] && need="$need clang libclang-rt-14-dev llvm-14"
missing=
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
# node and npm may come from elsewhere than Debian; accept them if present.
case "$missing" in *nodejs*) command -v node >/dev/null && missing=$(echo "$missing" | sed 's/ nodejs//');; esac
case "$missing" in *npm*) command -v npm >/dev/null && missing=$(echo "$missing" | sed 's/ npm//');; esac
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
	echo "teltop: missing packages:$missing" >&2
	echo "teltop: install them with: sudo apt-get install$missing" >&2
	exit 1
fi
echo "teltop: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || true
apt-get install -y -qq --no-install-recommends $missing >&2
