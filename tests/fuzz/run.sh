#!/bin/sh
# run.sh BUILDDIR SECONDS TARGET...: run each libFuzzer target for SECONDS,
# one after the other (the machine is shared: never two at once), on its
# seeds (BUILDDIR/seeds/T, made by mkseeds, and tests/fuzz/seeds/T) and the
# corpus it grew before (BUILDDIR/corpus/T, where new inputs go).  A finding
# (crash, sanitizer report, leak, timeout, out of memory, failed check) is
# saved under BUILDDIR/crashes/T/ and makes the run fail after the others.
# Prints per target the executions, executions per second and the result.
#
# Reproduce a finding:  BUILDDIR/fuzz/T BUILDDIR/crashes/T/crash-...
set -u
B=$1
SECS=$2
shift 2
here=$(dirname "$0")
fail=0
summary=

# Options per target: the dictionary and the longest input.
opts() {
	case $1 in
	fuzz_filter)	echo "-dict=$here/filter.dict -max_len=2048" ;;
	fuzz_time)	echo "-dict=$here/time.dict -max_len=128" ;;
	fuzz_path)	echo "-dict=$here/path.dict -max_len=1024" ;;
	fuzz_hosts)	echo "-dict=$here/hosts.dict -max_len=8192" ;;
	fuzz_theme)	echo "-dict=$here/theme.dict -max_len=4096" ;;
	fuzz_body)	echo "-dict=$here/body.dict -max_len=16384" ;;
	fuzz_h1)	echo "-dict=$here/http.dict -max_len=32768" ;;
	fuzz_otlp)	echo "-max_len=8192" ;;
	# The store keeps what each input adds, so every input would look
	# like a leak and get a full leak scan (15x slower); leaks are still
	# reported when the run ends.
	fuzz_ingest)	echo "-dict=$here/json.dict -max_len=8192 -detect_leaks=0" ;;
	*)		echo "-dict=$here/json.dict -max_len=8192" ;;
	esac
}

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

for t in "$@"; do
	bin=$B/fuzz/$t
	if [ ! -x "$bin" ]; then
		echo "fuzz: no $bin (make fuzz-build)" >&2
		fail=1
		continue
	fi
	mkdir -p "$B/corpus/$t" "$B/crashes/$t" "$B/seeds/$t"
	log=$B/$t.log
	dirs="$B/corpus/$t $B/seeds/$t"
	[ -d "$here/seeds/$t" ] && dirs="$dirs $here/seeds/$t"
	echo "fuzz: $t for ${SECS}s"
	# shellcheck disable=SC2046,SC2086
	"$bin" $(opts "$t") -max_total_time="$SECS" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$B/crashes/$t/" $dirs >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(sed -n 's/^#[0-9]*.*DONE *cov: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		res=ok
	else
		res=FAIL
		fail=1
		echo "fuzz: $t FAILED (exit $rc); end of $log:"
		grep -av '^#[0-9]' "$log" | tail -n 60 | sed 's/^/    /'
		ls "$B/crashes/$t" | sed "s|^|    artifact: $B/crashes/$t/|"
	fi
	summary="$summary$(printf '%-14s %10s execs %8s exec/s  cov %6s  %s' \
	    "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$res")
"
done
echo "fuzz: ${SECS}s per target"
printf '%s' "$summary"
exit $fail
