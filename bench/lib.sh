# bench/lib.sh: what the benchmark scripts share: their error message, the
# free-space check, the clean-up of their scratch directory, the test PKI,
# and timing a command under peak_rss.
# Sourced; the script sets BENCH_NAME, BENCH_DIR, BENCH_KEEP, PKI, PEAK
# (bench/peak_rss) and (once it exists) RUN.

die() {
	echo "$BENCH_NAME: $*" >&2
	exit 1
}

# need_space MIB KNOB: dies unless BENCH_DIR has MIB MiB free, naming the
# setting (KNOB) that lowers the need.
need_space() {
	have=$(df -Pk "$BENCH_DIR" | awk 'NR == 2 { print int($4 / 1024) }')
	[ "$have" -ge "$1" ] ||
		die "$BENCH_DIR has $have MiB free but the run needs about $1 MiB; set BENCH_DIR to a larger file system or lower $2."
}

# Removes only what this run made: its own RUN directory, then BENCH_DIR
# if that is left empty (it may be a directory the caller owns).
cleanup() {
	if [ "$BENCH_KEEP" != 1 ]; then
		if [ -n "${RUN:-}" ]; then
			rm -rf "$RUN"
		fi
		rmdir "$BENCH_DIR" 2>/dev/null || true
	fi
}

make_pki() {
	"$top_srcdir/tests/pki/make-pki.sh" "$PKI" >"$RUN/pki.log" 2>&1 ||
		{ cat "$RUN/pki.log" >&2; die "cannot make the test PKI."; }
}

# measure_into FILE CMD...: runs CMD under peak_rss, appends "SECONDS KIB"
# to FILE; its stdout is kept in $RUN/out. A failure ends the run.
measure_into() {
	_file=$1
	shift
	if ! "$PEAK" "$@" >"$RUN/out" 2>"$RUN/err"; then
		cat "$RUN/err" >&2
		die "this command failed: $*"
	fi
	sed -n 's/^peak_rss_kib=\([0-9]*\) wall_s=\([0-9.]*\)$/\2 \1/p' \
		"$RUN/err" | tail -n 1 >>"$_file"
}
