# bash completion for teltop: subcommands, their options, and the values
# of --source, --theme, --format, --speed, --as and the file options.
# Installed as $PREFIX/share/bash-completion/completions/teltop.

_teltop_opts() {
	case $1 in
	'') echo "--db --listen --theme --demo --max-buffered --token-required
		--insecure-public --forward --intercept --otlp-grpc --retain
		--max-db-size --help --version" ;;
	serve) echo "--db --listen --max-buffered --token-required
		--insecure-public --forward --intercept --otlp-grpc --retain
		--max-db-size --help" ;;
	events) echo "--db --filter --limit --format --explain --since --until
		--help" ;;
	stats) echo "--db --json --since --source --orphan-after --help" ;;
	fields) echo "--db --source --name --json --help" ;;
	diff) echo "--db --source --from --to --json --help" ;;
	export) echo "--db --filter --since --until --format --help" ;;
	import) echo "--db --help" ;;
	replay) echo "--url --speed --token --help" ;;
	optout) echo "--db --client --json --help list set clear" ;;
	send) echo "--url --help" ;;
	wrap) echo "--url --as --help" ;;
	capture) echo "--url --db --env --help" ;;
	demo) echo "--url --rate --duration --seed --help" ;;
	watch) echo "--token --theme --help" ;;
	token) echo "--db --help" ;;
	ca) echo "show path rotate --help" ;;
	help) echo "formats filter optout privacy capture retention serve
		events stats fields diff export import replay optout send wrap
		capture demo watch token ca version" ;;
	esac
}

_teltop() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local cmds="serve events stats fields diff export import replay optout
		send wrap capture demo watch token ca version help" sub= i
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
	--listen|--url|--filter|--limit|--since|--until|--name|--from|--to|\
	--client|--token|--rate|--duration|--seed|--retain|--max-db-size|\
	--max-buffered|--intercept|--otlp-grpc|--orphan-after)
		return ;;
	esac
	if [ -z "$sub" ] && [[ $cur != -* ]]; then
		COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		return
	fi
	if [ "$sub" = import ] || [ "$sub" = replay ] || [ "$sub" = send ]; then
		if [[ $cur != -* ]]; then
			COMPREPLY=($(compgen -f -- "$cur"))
			return
		fi
	fi
	COMPREPLY=($(compgen -W "$(_teltop_opts "$sub")" -- "$cur"))
}
complete -F _teltop teltop
