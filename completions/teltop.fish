# fish completion for teltop.  Installed as
# $PREFIX/share/fish/vendor_completions.d/teltop.fish.
set -l cmds serve events stats fields diff export import replay optout send wrap capture demo watch token ca version help
set -l sources devtron devpod devsy werf posthog segment rudderstack otlp generic
complete -c teltop -f
complete -c teltop -n "not __fish_seen_subcommand_from $cmds" -a "$cmds"
complete -c teltop -l db -r -F -d 'database'
complete -c teltop -l source -x -a "$sources" -d 'tool'
complete -c teltop -l format -x -a 'jsonl csv har'
complete -c teltop -n "__fish_seen_subcommand_from replay" -l speed -x -a '1 10 max'
complete -c teltop -n "__fish_seen_subcommand_from wrap" -l as -x -a 'werf devpod posthog generic'
complete -c teltop -n "__fish_seen_subcommand_from import replay send" -F
complete -c teltop -n "__fish_seen_subcommand_from ca" -a 'show path rotate'
complete -c teltop -n "__fish_seen_subcommand_from optout" -a 'list set clear'
complete -c teltop -n "__fish_seen_subcommand_from help" -a 'formats filter optout privacy capture retention'
complete -c teltop -l listen -x -d 'HOST:PORT'
complete -c teltop -l url -x -d 'collector'
complete -c teltop -l retain -x -d 'evict older events (30d)'
complete -c teltop -l max-db-size -x -d 'evict past this size (2GiB)'
complete -c teltop -l help -d 'help'
