#!/bin/sh
# Print the path of a promtool for the tests' `promtool check metrics`:
# the system's if there is one, else the one in Debian's prometheus
# package, unpacked (not installed: installing it would start and enable a
# Prometheus server on every interface) into tests/.tools, which the tests
# own.
set -eu
if command -v promtool >/dev/null 2>&1; then
	command -v promtool
	exit 0
fi
root=$(cd "$(dirname "$0")/.." && pwd)
tool=$root/tests/.tools/promtool
if [ ! -x "$tool" ]; then
	work=$(mktemp -d /tmp/teltop-promtool.XXXXXX)
	trap 'rm -rf "$work"' EXIT
	chmod 0777 "$work"	# apt-get download runs as _apt
	(cd "$work" && apt-get download -qq prometheus >&2 ||
	    { apt-get update -qq >&2 && apt-get download -qq prometheus >&2; }) ||
	    { echo "teltop: cannot download Debian's prometheus package for promtool" >&2; exit 1; }
	dpkg-deb -x "$work"/prometheus_*.deb "$work/x"
	mkdir -p "$(dirname "$tool")"
	cp "$work/x/usr/bin/promtool" "$tool.tmp"
	mv "$tool.tmp" "$tool"
fi
echo "$tool"
