#!/bin/sh
# tests/install.sh (make test-install): teltop installed as a packager
# would.  A build for a prefix of its own, installed there: the binary,
# run from elsewhere with nothing of the source tree in reach, reports its
# version and finds the installed themes; the unit names the installed
# binary (and passes systemd-analyze verify where systemd is); make
# uninstall leaves no file behind.  Then the same through DESTDIR: the
# files land under the staging root, nothing outside it.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/teltop-install.XXXXXX)
trap 'rm -rf "$T"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok - install: $*"; }
fail() { echo "not ok - install: $*"; exit 1; }

B=build-install
mk() { make -s -C "$root" B="$B" BIN="$B/teltop" "$@" >"$T/make.log" 2>&1 ||
    { cat "$T/make.log"; fail "make $*"; }; }

prefix=$T/prefix
mk PREFIX="$prefix" install
for f in bin/teltop share/teltop/themes/nord.theme share/teltop/themes/light.theme \
    lib/systemd/user/teltop.service share/doc/teltop/LICENSE; do
	[ -f "$prefix/$f" ] || fail "no $f under the prefix"
done
for f in share/bash-completion/completions/teltop share/zsh/site-functions/_teltop \
    share/fish/vendor_completions.d/teltop.fish share/man/man1/teltop.1; do
	[ -f "$prefix/$f" ] || fail "no $f under the prefix"
done
ok "make install PREFIX=DIR puts the binary, themes, unit, completions and licence there"

# the man page: lint-clean, renders without a warning, and its synopsis
# names every command teltop's own usage names
man1=$prefix/share/man/man1/teltop.1
[ -f "$man1" ] || fail "no man page under the prefix"
if command -v mandoc >/dev/null 2>&1; then
	mandoc -T lint -W warning "$man1" >"$T/lint.log" 2>&1 || { cat "$T/lint.log"; fail "mandoc -T lint"; }
fi
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man --warnings -l "$man1" >"$T/man.txt" 2>"$T/man.err" || fail "man -l: $(cat "$T/man.err")"
	[ ! -s "$T/man.err" ] || fail "man -l warns: $(cat "$T/man.err")"
	# the synopsis, command by command, against main.c's table: each
	# command, and each of its options (the collector's may stand as
	# "collector-options", which the page lists)
	awk '/^SYNOPSIS/{p=1; next} /^[A-Z]/{p=0} p' "$T/man.txt" >"$T/synopsis.txt"
	for c in '' $("$prefix/bin/teltop" help --commands | cut -f1); do
		awk -v c="$c" '
			/^ *teltop/ { on = (c == "" ? $2 !~ /^[a-z]/ : $2 == c) }
			on' "$T/synopsis.txt" >"$T/syn.$c.txt"
		[ -s "$T/syn.$c.txt" ] || fail "the man page's synopsis lacks teltop $c"
		for o in $("$prefix/bin/teltop" help --options "$c" | cut -f1); do
			case $o in --help|--version) continue ;; esac
			grep -q -- "$o\b" "$T/syn.$c.txt" && continue
			grep -q 'collector-options' "$T/syn.$c.txt" &&
			    "$prefix/bin/teltop" help --options serve | cut -f1 | grep -qx -- "$o" &&
			    grep -q -- "^ *$o\b" "$T/man.txt" && continue
			fail "the man page's synopsis of teltop $c lacks $o"
		done
	done
	for s in 'THE LIVE UI' 'THE FILTER LANGUAGE' ENVIRONMENT FILES 'EXIT STATUS' EXAMPLES; do
		grep -q "^$s" "$T/man.txt" || fail "the man page has no $s"
	done
fi
ok "teltop(1): mandoc -T lint clean, man -l without warnings, every command and option of teltop's table in its synopsis"

# the completions load, and bash's completes what it should
bash -n "$prefix/share/bash-completion/completions/teltop" || fail "bash -n on the bash completion"
if command -v zsh >/dev/null 2>&1; then
	zsh -n "$prefix/share/zsh/site-functions/_teltop" || fail "zsh -n on the zsh completion"
fi
if command -v fish >/dev/null 2>&1; then
	fish -n "$prefix/share/fish/vendor_completions.d/teltop.fish" || fail "fish -n on the fish completion"
fi
comp() {	# the words bash offers for the command line "$@" (the last being completed)
	PATH="$prefix/bin:$PATH" bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _teltop
		printf "%s\n" "${COMPREPLY[@]}"' comp "$prefix/share/bash-completion/completions/teltop" "$@"
}
comp teltop ser | grep -qx serve || fail "bash: teltop ser<Tab> is not serve: $(comp teltop ser)"
comp teltop re | sort | tr '\n' ' ' | grep -qx 'replay ' || fail "bash: teltop re<Tab>: $(comp teltop re | tr '\n' ' ')"
comp teltop stats --source we | grep -qx werf || fail "bash: --source we<Tab> is not werf"
comp teltop replay --speed m | grep -qx max || fail "bash: --speed m<Tab> is not max"
comp teltop export --format h | grep -qx har || fail "bash: --format h<Tab> is not har"
comp teltop --theme no | grep -qx nord || fail "bash: --theme no<Tab> is not nord: $(comp teltop --theme no)"
comp teltop serve --max | grep -qx -- --max-db-size || fail "bash: serve --max<Tab> lacks --max-db-size"
# every command of the table completes from its first letters, and offers
# its own options
for c in $("$prefix/bin/teltop" help --commands | cut -f1); do
	comp teltop "${c%?}" | grep -qx "$c" || fail "bash: teltop ${c%?}<Tab> does not offer $c"
	for o in $("$prefix/bin/teltop" help --options "$c" | cut -f1); do
		comp teltop "$c" -- | grep -qx -- "$o" || fail "bash: teltop $c --<Tab> does not offer $o"
	done
done
comp teltop stats --orphan-after '' | grep -q . && fail "bash: a value for --orphan-after is completed as an option"
comp teltop help re | grep -qx retention || fail "bash: teltop help re<Tab> is not retention"
# zsh's, in an interactive zsh on a pty (tests/zcomplete.zsh)
if command -v zsh >/dev/null 2>&1; then
	mkdir -p "$T/zbin"
	ln -s "$prefix/bin/teltop" "$T/zbin/teltop"
	timeout 60 zsh -f "$root/tests/zcomplete.zsh" "$prefix/share/zsh/site-functions" "$T/zbin" \
	    'teltop ser' 'teltop stats --source we' 'teltop help reten' 'teltop config --js' \
	    'teltop export --format h' 'teltop --the' >"$T/zsh.out" 2>&1 || true
	printf '%s\n' 'COMPLETED: teltop serve' 'COMPLETED: teltop stats --source werf' \
	    'COMPLETED: teltop help retention' 'COMPLETED: teltop config --json' \
	    'COMPLETED: teltop export --format har' 'COMPLETED: teltop --theme' >"$T/zsh.want"
	sed 's/ *$//' "$T/zsh.out" | diff "$T/zsh.want" - >&2 || fail "zsh completes otherwise (above)"
fi
ok "completions load (bash -n, zsh -n where zsh is); bash and zsh complete commands, options, sources, themes"

# from an empty directory, without the tree's themes next to the binary
mkdir "$T/elsewhere"
v=$(cd "$T/elsewhere" && env -u TELTOP_THEMES HOME="$T/home" "$prefix/bin/teltop" --version) ||
    fail "the installed binary: --version failed"
echo "$v" | head -n 1 | grep -Eq '^teltop [0-9A-Za-z][0-9A-Za-z._+-]*$' || fail "version line: $v"
echo "$v" | grep -q '^  SQLite 3\.' || fail "no SQLite version: $v"
echo "$v" | grep -q '^  libwebsockets 4\.' || fail "no libwebsockets version: $v"
echo "$v" | grep -q '^themes: default, high-contrast, light, mono, nord, solarized$' ||
    fail "the installed themes are not found: $(echo "$v" | tail -n 1)"
[ "$(cd "$T/elsewhere" && "$prefix/bin/teltop" version | head -n 1)" = "$(echo "$v" | head -n 1)" ] ||
    fail "teltop version and --version differ"
ok "the installed binary, run elsewhere, reports its version and finds the installed themes"

# the database's default place: $XDG_DATA_HOME when absolute; a relative
# one is ignored, as the XDG spec says
msg=$(cd "$T/elsewhere" && env -u TELTOP_DB HOME="$T/home" XDG_DATA_HOME=rel "$prefix/bin/teltop" stats 2>&1 || true)
echo "$msg" | grep -qF "no database at $T/home/.local/share/teltop/events.db" ||
    fail "a relative XDG_DATA_HOME: $msg"
msg=$(cd "$T/elsewhere" && env -u TELTOP_DB HOME="$T/home" XDG_DATA_HOME="$T/data" "$prefix/bin/teltop" stats 2>&1 || true)
echo "$msg" | grep -qF "no database at $T/data/teltop/events.db" || fail "an absolute XDG_DATA_HOME: $msg"
ok "the database is in \$XDG_DATA_HOME/teltop when it is absolute, else ~/.local/share/teltop"

# the help that ships: each topic, within 80 columns, sending nobody to
# documents that do not ship; a command's own; an unknown one named
for t in formats filter optout privacy capture retention; do
	"$prefix/bin/teltop" help "$t" >"$T/help.$t" || fail "teltop help $t: exit $?"
	[ "$(wc -l <"$T/help.$t")" -ge 10 ] || fail "teltop help $t is $(wc -l <"$T/help.$t") lines"
	! awk 'length($0) > 80' "$T/help.$t" | grep -q . || fail "teltop help $t has lines over 80 columns"
	! grep -Eq 'design\.md|formats\.md' "$T/help.$t" || fail "teltop help $t names a document that does not ship"
done
grep -q 'pii.kind=email' "$T/help.filter" || fail "help filter lacks pii.kind"
grep -q '/v1/insert' "$T/help.formats" || fail "help formats lacks DevPod's route"
"$prefix/bin/teltop" help serve | grep -q '^usage: teltop serve' || fail "teltop help serve is not serve's help"
"$prefix/bin/teltop" help | grep -q '^  retention ' || fail "teltop help lists no topics"
rc=0
"$prefix/bin/teltop" help nope 2>"$T/help.err" >/dev/null || rc=$?
[ "$rc" = 2 ] && grep -q "no help topic or command 'nope'" "$T/help.err" || fail "teltop help nope: exit $rc, $(cat "$T/help.err")"
ok "teltop help TOPIC for formats, filter, optout, privacy, capture, retention; help COMMAND"

# themes of the user's own, in $XDG_CONFIG_HOME/teltop/themes
mkdir -p "$T/config/teltop/themes"
cp "$root/themes/nord.theme" "$T/config/teltop/themes/mine.theme"
(cd "$T/elsewhere" && XDG_CONFIG_HOME="$T/config" "$prefix/bin/teltop" version) |
    grep -q '^themes: .*\bmine\b' || fail "a theme in \$XDG_CONFIG_HOME/teltop/themes is not found"
ok "a theme in \$XDG_CONFIG_HOME/teltop/themes is found"

grep -qx "ExecStart=$prefix/bin/teltop serve" "$prefix/lib/systemd/user/teltop.service" ||
    fail "the unit does not start the installed binary: $(grep ExecStart "$prefix/lib/systemd/user/teltop.service")"
grep -qx 'Restart=on-failure' "$prefix/lib/systemd/user/teltop.service" || fail "no Restart=on-failure"
if command -v systemd-analyze >/dev/null 2>&1; then
	# as the system manager reads it (a user manager needs a session):
	# the keys, and that ExecStart is an executable; any warning fails
	if ! systemd-analyze verify "$prefix/lib/systemd/user/teltop.service" >"$T/verify.log" 2>&1 ||
	    [ -s "$T/verify.log" ]; then
		cat "$T/verify.log"
		fail "systemd-analyze verify"
	fi
	ok "the unit starts the installed binary; systemd-analyze verify passes"
else
	ok "the unit starts the installed binary (no systemd-analyze here to verify it)"
fi

mk PREFIX="$prefix" uninstall
left=$(find "$prefix" -type f | head -n 5)
[ -z "$left" ] || fail "left after uninstall: $left"
ok "make uninstall removes every file it installed"

mk PREFIX=/usr DESTDIR="$T/stage" install
[ -x "$T/stage/usr/bin/teltop" ] || fail "no binary under DESTDIR"
[ -f "$T/stage/usr/share/teltop/themes/default.theme" ] || fail "no themes under DESTDIR"
grep -qx 'ExecStart=/usr/bin/teltop serve' "$T/stage/usr/lib/systemd/user/teltop.service" ||
    fail "the staged unit does not name /usr/bin/teltop"
ok "make install DESTDIR=stage PREFIX=/usr stages the files for /usr"
mk PREFIX=/usr DESTDIR="$T/stage" uninstall
left=$(find "$T/stage" -type f | head -n 5)
[ -z "$left" ] || fail "left after uninstall from DESTDIR: $left"
ok "make uninstall DESTDIR=stage leaves nothing"
# make dist: a tarball that builds without git and knows its version
want=$(git -C "$root" describe --tags --always)
mk dist
tarball=$(ls "$root"/teltop-*.tar.gz | head -n 1)
[ -f "$tarball" ] || fail "make dist made no tarball"
mkdir "$T/dist"
tar -xzf "$tarball" -C "$T/dist"
rm -f "$tarball"
src=$(ls -d "$T/dist"/teltop-* | head -n 1)
[ ! -e "$src/.git" ] || fail "the tarball holds .git"
[ -f "$src/VERSION" ] || fail "the tarball has no VERSION"
(cd "$src" && GIT_DIR=/nonexistent make -s >"$T/dist.log" 2>&1) || { tail -20 "$T/dist.log"; fail "the tarball does not build"; }
got=$("$src/teltop" --version | head -n 1)
[ "$got" = "teltop $(cat "$src/VERSION")" ] || fail "the tarball's teltop says '$got', its VERSION $(cat "$src/VERSION")"
[ "$(cat "$src/VERSION")" = "$want" ] || fail "VERSION $(cat "$src/VERSION"), HEAD is $want"
ok "make dist: a tarball without git that builds and says its version"
echo "$n passed, 0 failed"
