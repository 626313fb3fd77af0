#!/usr/bin/env zsh
# zsh -f zcomplete.zsh FPATH-DIR BIN-DIR LINE...: each LINE typed in an
# interactive zsh, then Tab, then the line printed: what the completion
# made of it, one "COMPLETED: ..." line per LINE.  zle reads the keys in
# order and completes before it reads the next, so nothing waits on time;
# the read ends at the DONE the last command prints.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='> '; fpath=($1 \$fpath); export PATH=$2:\$PATH; autoload -U compinit; compinit -u"
shift 2
for line in "$@"; do
	zpty -w -n z "$line"$'\t'
	zpty -w -n z $'\C-aprint -r -- COMPLETED: \n'
done
zpty -w z 'print DO""NE; exit'
zpty -r z all $'*\nDONE*'
print -r -- "$all" | tr -d '\r' | grep -a '^COMPLETED: '
zpty -d z
