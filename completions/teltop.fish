# fish completion for teltop.  The commands, each command's options and the
# help topics come from teltop itself (teltop help --commands, --options
# CMD, --topics: main.c's table).  Installed as
# $PREFIX/share/fish/vendor_completions.d/teltop.fish.

function __teltop_sub	# the command on the line, "" for none yet
	for w in (commandline -opc)[2..-1]
		string match -q -- '-*' $w; or begin; echo $w; return; end
	end
	echo ''
end

function __teltop_options	# the options of the command on the line
	set -l sub (__teltop_sub)
	for line in (teltop help --options "$sub" 2>/dev/null)
		set -l f (string split \t -- $line)
		if set -q f[2]
			printf '%s\t%s\n' $f[1] $f[2]
		else
			printf '%s\n' $f[1]
		end
	end
end

complete -c teltop -f
complete -c teltop -n 'test -z (__teltop_sub); and not string match -q -- "-*" (commandline -ct)' \
	-a '(teltop help --commands 2>/dev/null)'
complete -c teltop -n 'string match -q -- "-*" (commandline -ct)' -a '(__teltop_options)'
complete -c teltop -n 'test (__teltop_sub) = help' -a '(teltop help --topics 2>/dev/null)'
complete -c teltop -n 'test (__teltop_sub) = ca' -a 'show path rotate'
complete -c teltop -n 'test (__teltop_sub) = optout' -a 'list set clear'
complete -c teltop -n 'contains -- (__teltop_sub) import replay send' -F
complete -c teltop -l source -x -a 'devtron devpod devsy werf posthog segment rudderstack otlp generic'
complete -c teltop -l theme -x -a '(teltop version 2>/dev/null | string replace -rf "^themes: " "" | string split ", ")'
complete -c teltop -l format -x -a 'jsonl csv har'
complete -c teltop -l speed -x -a '1 10 max'
complete -c teltop -l as -x -a 'werf devpod posthog generic'
complete -c teltop -l db -r -F
