#!/bin/bash
# tools/check.sh: every test: a gcc build with -Werror and make check and
# distcheck, then a clang build with ASan+UBSan, make check and the fuzzers.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
passed=0 failed=0 skipped=0 status=0

# Adds one make check's counts (from its test-suite.log) to the totals.
count() {
	local log=$1 n
	[ -f "$log" ] || { failed=$((failed + 1)); return; }
	n=$(sed -n 's/^# PASS: *//p' "$log"); passed=$((passed + ${n:-0}))
	n=$(sed -n 's/^# SKIP: *//p' "$log"); skipped=$((skipped + ${n:-0}))
	for k in FAIL ERROR XPASS; do
		n=$(sed -n "s/^# $k: *//p" "$log"); failed=$((failed + ${n:-0}))
	done
}

stage() {  # stage NAME CMD...: runs a stage, keeps going on failure
	local name=$1 start=$SECONDS
	shift
	printf '\n##### %s\n' "$name"
	if "$@"; then
		printf '##### %s: ok (%ds)\n' "$name" $((SECONDS - start))
	else
		printf '##### %s: FAILED (%ds)\n' "$name" $((SECONDS - start))
		status=1
	fi
}

check_in() {  # check_in BUILD-DIR [make args]: make check, then show the log
	local dir=$1; shift
	make -C "$dir" -j"$(nproc)" check "$@"
	local rc=$?
	[ $rc -eq 0 ] || cat "$dir/test-suite.log" 2>/dev/null | tail -200
	return $rc
}

# 1. gcc, warnings are errors.
# One download of the Debian kernel for the end-to-end tests of every
# build below (gcc, distcheck, sanitizers), kept inside the clone.
export KEEL_E2E_CACHE=${KEEL_E2E_CACHE:-$top/_cache/e2e}
# The shared test data (real CPUID dumps) lies next to the clone; distcheck
# builds elsewhere, so name it once here.
export KEEL_TESTDATA=${KEEL_TESTDATA:-$top/../shared/testdata}

stage "build (gcc -Werror)" env CC=gcc CFLAGS="-O2 -g -Werror" \
	tools/setup.sh _build
stage "make check (gcc)" check_in _build
count _build/test-suite.log
# distcheck checks the tarball; its end-to-end boots would only repeat the
# gcc build's (same keel, same keel-hv): KEEL_E2E_BOOTS=0 (tests/e2e/lib.sh)
# reaches them through make's environment. So would the Debian package
# build and the Ansible plays (KEEL_ECOSYSTEM=0), which build or drive
# keel as any user would, whatever build the tests run in; and
# apply_faults.sh tries every 7th fault point (KEEL_FAULT_STRIDE), from
# one that changes with the day: the gcc stage tried them all.
day=$((10#$(date +%j)))
stage "make distcheck" env KEEL_E2E_BOOTS=0 KEEL_ECOSYSTEM=0 KEEL_FAULT_STRIDE=7 \
	KEEL_FAULT_FIRST=$((day % 7 + 1)) \
	make -C _build -j"$(nproc)" \
	distcheck DISTCHECK_CONFIGURE_FLAGS="CFLAGS=-O2"

# 2. clang with AddressSanitizer and UndefinedBehaviorSanitizer; fuzzers.
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
stage "build (clang -Werror, ASan+UBSan)" env CC=clang \
	CFLAGS="-O1 -g -Werror $san -fsanitize=fuzzer-no-link" \
	LDFLAGS="$san" tools/setup.sh _build-san --enable-fuzzing
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The QEMU boots with keel in them run again, the sanitized keel in the
# root session and on the server (hv_svm.sh, lifecycle.sh); the Bochs
# boots (VT-x) and the tests of keel-hv on its own would only repeat the
# gcc build's: keel-hv is never built with sanitizers.
export KEEL_E2E_BOCHS=0 KEEL_E2E_HV_ONLY=0 KEEL_ECOSYSTEM=0
# Every other fault point of apply_faults.sh, odd ones one day, even the
# next: under the sanitizers all of them took 400 of the stage's 1000
# CPU seconds (212 s alone on two cores).
export KEEL_FAULT_STRIDE=2 KEEL_FAULT_FIRST=$((day % 2 + 1))
stage "make check (ASan+UBSan)" check_in _build-san
count _build-san/test-suite.log
stage "fuzzing (libFuzzer, ${FUZZ_SECONDS:-60} s per target)" \
	make -C _build-san fuzz-run

printf '\n%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ] || status=1
exit $status
