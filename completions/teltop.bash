# bash completion for teltop.  The commands, each command's options and
# the help topics come from teltop itself (teltop help --commands,
# --options CMD, --topics: main.c's table), so they cannot drift; the
# values of --source, --theme, --format, --speed, --as and the file
# options are completed here.  Installed as
# $PREFIX/share/bash-completion/completions/teltop.

_teltop() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local sub= i words
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) sub=${COMP_WORDS[i]}; break ;;
		esac
	done
	case $prev in
	--source)
		COMPREPLY=($(compgen -W "devtron devpod devsy werf posthog segment
		    rudderstack otlp generic" -- "$cur"))
		return ;;
	--theme)
		COMPREPLY=($(compgen -W "$(teltop version 2>/dev/null |
		    sed -n 's/^themes: //p' | tr -d ,)" -- "$cur"))
		return ;;
	--format)
		COMPREPLY=($(compgen -W "jsonl csv har" -- "$cur"))
		return ;;
	--speed)
		COMPREPLY=($(compgen -W "1 10 max" -- "$cur"))
		return ;;
	--as)
		COMPREPLY=($(compgen -W "werf devpod posthog generic" -- "$cur"))
		return ;;
	--db)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--*)
		# an option that takes a value (a tab and its name in
		# --options): nothing to offer for it
		teltop help --options "$sub" 2>/dev/null |
		    grep -q "^$prev	" && return ;;
	esac
	if [ -z "$sub" ] && [[ $cur != -* ]]; then
		words=$(teltop help --commands 2>/dev/null | cut -f1)
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return
	fi
	case $sub in
	help)
		if [[ $cur != -* ]]; then
			[ "$prev" = help ] || return
			words=$({ teltop help --topics; teltop help --commands; } \
			    2>/dev/null | cut -f1 | sort -u)
			COMPREPLY=($(compgen -W "$words" -- "$cur"))
			return
		fi ;;
	ca)
		[[ $cur != -* ]] && { COMPREPLY=($(compgen -W "show path rotate" -- "$cur")); return; } ;;
	optout)
		[[ $cur != -* ]] && { COMPREPLY=($(compgen -W "list set clear" -- "$cur")); return; } ;;
	import|replay|send)
		[[ $cur != -* ]] && { COMPREPLY=($(compgen -f -- "$cur")); return; } ;;
	esac
	COMPREPLY=($(compgen -W "$(teltop help --options "$sub" 2>/dev/null |
	    cut -f1)" -- "$cur"))
}
complete -F _teltop teltop
