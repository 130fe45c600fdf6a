#!/bin/sh
# shim_check.sh: proves faultshim.so counts exactly the calls it should, and
# that eio, enospc and kill hit the N-th of them and nothing before it.
. "$top_srcdir/tests/lib.sh"

SHIM=$top_builddir/tests/fault/faultshim.so
PROG=$top_builddir/tests/fault/shim_check
# shim_check's steps[] table: one counted call per step. Between them it
# writes CALLS + 2 lines to fd 1 and 2, which must not count.
CALLS=19

[ -f "$SHIM" ] && [ -x "$PROG" ] ||
	{ echo "Bail out! $SHIM or $PROG is not built"; exit 1; }
# An ASan build of shim_check would refuse a preload ahead of its runtime.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
export ASAN_OPTIONS
unset KEEL_FAULT_AT KEEL_FAULT_ACTION KEEL_FAULT_COUNT KEEL_FAULT_LOG

runs=0
fresh_dir() {  # fresh_dir: a new empty directory in $dir
	runs=$((runs + 1))
	dir=$TMP/run$runs
	mkdir "$dir"
}

# shimmed VAR=VALUE...: runs shim_check over a fresh directory under the
# shim with these settings, counting into $TMP/count, logging to $TMP/log.
shimmed() {
	fresh_dir
	rm -f "$TMP/count" "$TMP/log"
	run env LD_PRELOAD="$SHIM" KEEL_FAULT_COUNT="$TMP/count" \
		KEEL_FAULT_LOG="$TMP/log" "$@" "$PROG" "$dir"
}

counted() { cat "$TMP/count" 2>/dev/null || echo none; }
logged() { cat "$TMP/log" 2>/dev/null || echo none; }

# --- without the shim: the reference ----------------------------------------
fresh_dir
run "$PROG" "$dir"
ok $(( rc != 0 || $(grep -c '^ok ' "$TMP/out") != CALLS )) \
	"shim_check alone makes its $CALLS steps"
[ "$rc" -eq 0 ] || { diag "exit $rc:" "$(cat "$TMP/err")"; echo "Bail out!"; exit 1; }
cut -d' ' -f3 "$TMP/out" >"$TMP/names"
name_of() { sed -n "${1}p" "$TMP/names"; }  # name_of N: step N's call

# The tree after the first K steps, for K = 0 .. CALLS: line K + 1.
k=0
: >"$TMP/trees"
while [ "$k" -le "$CALLS" ]; do
	fresh_dir
	"$PROG" "$dir" "$k" >/dev/null 2>&1 || { echo "Bail out! $k steps failed"; exit 1; }
	tree_sum "$dir" >>"$TMP/trees"
	k=$((k + 1))
done
tree_after() { sed -n "$(($1 + 1))p" "$TMP/trees"; }

# --- counting ----------------------------------------------------------------
fresh_dir
rm -f "$TMP/count"
run env LD_PRELOAD="$SHIM" KEEL_FAULT_COUNT="$TMP/count" "$PROG" "$dir"
ok $(( rc != 0 )) "unset KEEL_FAULT_AT: nothing fails"
[ "$(counted)" = "$CALLS" ]
ok $? "count mode reports exactly $CALLS calls"
[ "$(grep -c '^ok ' "$TMP/out")" -eq "$CALLS" ] &&
	grep -q starting "$TMP/err" && grep -q done "$TMP/err" &&
	[ "$(counted)" = "$CALLS" ]
ok $? "the $((CALLS + 2)) writes to fd 1 and 2 are not counted"
[ "$(tree_sum "$dir")" = "$(tree_after "$CALLS")" ]
ok $? "count mode leaves the same tree as no shim"

shimmed KEEL_FAULT_AT=0
ok $(( rc != 0 )) "KEEL_FAULT_AT=0 only counts"
[ "$(counted)" = "$CALLS" ] && [ "$(logged)" = none ]
ok $? "KEEL_FAULT_AT=0 counts $CALLS calls and logs no fault"

shimmed KEEL_FAULT_AT=$((CALLS + 1))
[ "$rc" -eq 0 ] && [ "$(counted)" = "$CALLS" ] && [ "$(logged)" = none ]
ok $? "KEEL_FAULT_AT past the last call faults nothing"

shimmed KEEL_FAULT_AT=1 KEEL_FAULT_ACTION=explode
[ "$rc" -eq 125 ] && grep -q 'KEEL_FAULT_ACTION must be' "$TMP/err"
ok $? "an unknown KEEL_FAULT_ACTION stops the program"

shimmed KEEL_FAULT_AT=1x
[ "$rc" -eq 125 ] && grep -q 'KEEL_FAULT_AT is not a count' "$TMP/err"
ok $? "a KEEL_FAULT_AT that is not a count stops the program"

# --- eio and enospc: the N-th call fails, the program sees it -----------------
# fails_at ACTION N MESSAGE: step N, and no other call, fails with MESSAGE.
fails_at() {
	_name=$(name_of "$2")
	shimmed KEEL_FAULT_AT="$2" KEEL_FAULT_ACTION="$1"
	[ "$rc" -eq 1 ] &&
		grep -q "step $2 ($_name) failed: errno [0-9]* ($3)\$" "$TMP/err" &&
		[ "$(counted)" = "$2" ] && [ "$(logged)" = "$2 $_name" ]
	ok $? "$1 at $2: $_name fails with $3"
	[ "$rc" -eq 1 ] || diag "exit $rc; stderr:" "$(cat "$TMP/err")"
}
for action in eio enospc; do
	case $action in
	eio) message='Input/output error' ;;
	enospc) message='No space left on device' ;;
	esac
	n=1
	while [ "$n" -le "$CALLS" ]; do
		fails_at "$action" "$n" "$message"
		n=$((n + 1))
	done
done

# --- kill: the process dies before the N-th call ------------------------------
# killed_at N: SIGKILL at step N; steps 1 .. N-1 are on disk, step N is not.
killed_at() {
	_name=$(name_of "$1")
	shimmed KEEL_FAULT_AT="$1" KEEL_FAULT_ACTION=kill
	_tree=$(tree_sum "$dir")
	[ "$rc" -eq 137 ] && [ "$(counted)" = none ] && [ "$(logged)" = "$1 $_name" ]
	ok $? "kill at $1: $_name dies of SIGKILL"
	[ "$rc" -eq 137 ] || diag "exit $rc; stderr:" "$(cat "$TMP/err")"
	[ "$_tree" = "$(tree_after $(($1 - 1)))" ]
	ok $? "kill at $1: steps 1 to $(($1 - 1)) took effect"
	case $_name in
	fsync | fdatasync)
		# A sync leaves no mark on the tree, so there is none to miss.
		[ "$(tree_after $(($1 - 1)))" = "$(tree_after "$1")" ]
		ok $? "kill at $1: $_name leaves no mark, none to check" ;;
	*)
		[ "$_tree" != "$(tree_after "$1")" ]
		ok $? "kill at $1: $_name did not take effect" ;;
	esac
}
n=1
while [ "$n" -le "$CALLS" ]; do
	killed_at "$n"
	n=$((n + 1))
done

done_testing
