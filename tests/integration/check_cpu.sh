#!/bin/sh
# check_cpu.sh: keel check-cpu on this machine, checked against /proc/cpuinfo,
# and on real CPUID dumps with hand-written MSR dumps (tests/cpu/*.msr).
. "$top_srcdir/tests/lib.sh"

MSR=$top_srcdir/tests/cpu

# verdict_code VERDICT: the exit code keel(8) documents for it.
verdict_code() {
	case $1 in
	capable) echo 0 ;; incapable) echo 6 ;; disabled) echo 7 ;; *) echo 8 ;;
	esac
}

# --- the live path: this machine ------------------------------------------
run "$KEEL" check-cpu
live_rc=$rc
verdict=$(sed -n 's/^Verdict: *\([a-z ]*\):.*/\1/p' "$TMP/out")
[ -n "$verdict" ]
ok $? "keel check-cpu prints a verdict on this machine ($verdict, exit $live_rc)"
[ -n "$verdict" ] || diag "stdout:" "$(cat "$TMP/out")" "stderr:" "$(cat "$TMP/err")"
case $verdict in
capable) want=0 ;; "not capable") want=6 ;; disabled) want=7 ;; *) want=8 ;;
esac
[ "$live_rc" -eq "$want" ]
ok $? "the exit code $live_rc matches the verdict \"$verdict\""

if [ -r /proc/cpuinfo ] && grep -q '^flags' /proc/cpuinfo; then
	flags=$(grep -m1 '^flags' /proc/cpuinfo)
	if ! echo "$flags" | grep -Eqw 'vmx|svm'; then
		# No VT-x or AMD-V visible: the processor lacks it, or the
		# hypervisor under us hides it (then keel names that one).
		if echo "$flags" | grep -qw hypervisor; then
			[ "$live_rc" -eq 6 ] &&
				grep -Eq '^Hypervisor: +[^ -]' "$TMP/out" &&
				! grep -Eq '^Hypervisor: +none' "$TMP/out"
			ok $? "no vmx/svm under a hypervisor: not capable, the hypervisor is named"
		elif grep -q '^vendor_id.*GenuineIntel' /proc/cpuinfo; then
			# Linux drops "vmx" when the firmware locked VT-x off.
			[ "$live_rc" -eq 6 ] || [ "$live_rc" -eq 7 ]
			ok $? "no vmx flag in /proc/cpuinfo: not capable, or disabled in firmware"
		else
			[ "$live_rc" -eq 6 ]
			ok $? "no vmx/svm flag in /proc/cpuinfo: not capable"
		fi
	else
		# With the flag the processor has it; firmware or MSR access
		# decide between the other verdicts.
		# (not capable then only for missing EPT/UG or NPT, a reason
		# line under the verdict says which)
		[ "$live_rc" -ne 6 ] ||
			grep -Eq '^  - .*(EPT|unrestricted guest|nested paging)' "$TMP/out"
		ok $? "vmx/svm in /proc/cpuinfo: the verdict is explained ($verdict)"
	fi
else
	ok 0 "verdict against /proc/cpuinfo # SKIP no /proc/cpuinfo flags"
fi

run "$KEEL" check-cpu --json
json_rc=$rc
[ "$json_rc" -eq "$live_rc" ] &&
	grep -q "\"exit_code\": $live_rc" "$TMP/out" &&
	grep -q '"source": "live"' "$TMP/out"
ok $? "keel check-cpu --json: same exit code, exit_code and source in the object"
if command -v python3 >/dev/null; then
	python3 -c 'import json, sys
o = json.load(sys.stdin)
cpus = o["cpus"]
ok = cpus and all(c["verdict"] in ("capable", "unknown", "disabled",
				    "incapable") for c in cpus)
sys.exit(0 if ok and o["verdict"] in [c["verdict"] for c in cpus] else 1)' \
		<"$TMP/out"
	ok $? "keel check-cpu --json parses, one report per online CPU"
	n_online=$(python3 -c 'import json, sys
print(len(json.load(sys.stdin)["cpus"]))' <"$TMP/out")
	# grep -c prints the count (0 too) and fails when it is 0: one number
	n_cpuinfo=$(grep -c '^processor' /proc/cpuinfo 2>/dev/null)
	if [ "${n_cpuinfo:-0}" -gt 0 ]; then
		[ "$n_online" -eq "$n_cpuinfo" ]
		ok $? "every online CPU is checked ($n_online, /proc/cpuinfo $n_cpuinfo)"
	else
		ok 0 "every online CPU is checked # SKIP no processor lines in /proc/cpuinfo"
	fi
else
	ok 0 "keel check-cpu --json parses # SKIP no python3"
fi

# --- the dump path: processors nobody here owns ---------------------------
data=${KEEL_TESTDATA:-$top_srcdir/../shared/testdata}/cpuid
[ -d "$data" ] || data=$top_srcdir/../shared/testdata/cpuid

# dump_case DUMP MSR-FILE|- VERDICT: expected verdicts are from the manuals:
# CPUID.1:ECX[5] VMX, 0x80000001:ECX[2] SVM, 0x8000000A:EDX[0] nested
# paging, and the MSR bits the dump states (see tests/cpu/*.msr).
dump_case() {
	_dump=$data/$1 _msr=$2 _want=$3 _label=$1
	[ "$_msr" = - ] || _label="$1 with $2"
	if [ ! -r "$_dump" ]; then
		ok 0 "$_label is $_want # SKIP $_dump missing"
		return
	fi
	if [ "$_msr" = - ]; then
		run "$KEEL" check-cpu --json --cpuid-dump "$_dump"
	else
		run "$KEEL" check-cpu --json --cpuid-dump "$_dump" \
			--msr-dump "$MSR/$_msr"
	fi
	[ "$rc" -eq "$(verdict_code "$_want")" ] &&
		grep -q "^  \"verdict\": \"$_want\"" "$TMP/out"
	ok $? "$_label is $_want, exit $(verdict_code "$_want")"
	[ "$rc" -eq "$(verdict_code "$_want")" ] ||
		diag "exit $rc; $(grep -m1 '"verdict"' "$TMP/out")" "$(cat "$TMP/err")"
}

if [ -d "$data" ]; then
	skl=GenuineIntel0050654_SkylakeXeon_CPUID.txt
	rome=AuthenticAMD0830F10_K17_Rome_CPUID.txt
	# Pentium 4 Prescott 0F34: CPUID.1:ECX = 0x441D, bit 5 clear.
	dump_case GenuineIntel0000F34_P4_Prescott_CPUID.txt - incapable
	dump_case $skl vmx-enabled.msr capable
	dump_case $skl vmx-locked-off.msr disabled
	# keel-hv maps the system with 2 MiB EPT pages and refuses an EPT
	# without them (keel/cpu_requirements.h): check-cpu must say so.
	dump_case $skl vmx-ept-no-2m.msr incapable
	# Without MSRs nobody can tell whether the firmware enabled VT-x.
	dump_case $skl - unknown
	dump_case $rome svm-enabled.msr capable
	dump_case $rome svm-disabled-locked.msr disabled

	run "$KEEL" check-cpu --cpuid-dump "$data/$skl" \
		--msr-dump "$MSR/vmx-locked-off.msr"
	[ "$rc" -eq 7 ] && grep -q '^Verdict: *disabled' "$TMP/out" &&
		grep -q '^Backend: *VT-x' "$TMP/out" &&
		grep -q 'firmware' "$TMP/out"
	ok $? "the human report names VT-x, the verdict and the firmware"

	run "$KEEL" check-cpu --cpuid-dump "$data/$skl" \
		--msr-dump "$MSR/vmx-ept-no-2m.msr"
	[ "$rc" -eq "$(verdict_code incapable)" ] && grep -q '2 MiB' "$TMP/out"
	ok $? "EPT without 2 MiB pages: the report says why"
else
	ok 0 "CPUID dumps # SKIP $data missing (set KEEL_TESTDATA)"
fi

# --- usage errors ---------------------------------------------------------
printf 'this is not a CPUID dump\n' >"$TMP/bad.txt"
expect_fail 2 "$TMP/bad.txt" "a file without CPUID lines: message names it, exit 2" \
	"$KEEL" check-cpu --cpuid-dump "$TMP/bad.txt"
expect_fail 2 "$TMP/missing.txt" "a missing dump file: message names it, exit 2" \
	"$KEEL" check-cpu --cpuid-dump "$TMP/missing.txt"
expect_fail 2 'needs --cpuid-dump' "--msr-dump alone is refused" \
	"$KEEL" check-cpu --msr-dump "$MSR/vmx-enabled.msr"
expect_fail 2 'unknown option or missing argument "--bogus"' \
	"an unknown option" "$KEEL" check-cpu --bogus
expect_fail 2 'unexpected argument "extra"' "an operand" \
	"$KEEL" check-cpu extra
run "$KEEL" check-cpu --json --cpuid-dump "$TMP/bad.txt"
[ "$rc" -eq 2 ] && grep -q '"exit_code": 2' "$TMP/out"
ok $? "--json refusal is a JSON object with exit_code 2"

# --- help and man page ----------------------------------------------------
run "$KEEL" check-cpu --help
[ "$rc" -eq 0 ] && grep -q -- --cpuid-dump "$TMP/out"
ok $? "keel check-cpu --help"
run "$KEEL" --help
grep -Eq '^  check-cpu ' "$TMP/out"
ok $? "keel --help lists check-cpu"

if command -v msgfmt >/dev/null; then
	mkdir -p "$TMP/locale/de/LC_MESSAGES"
	msgfmt -o "$TMP/locale/de/LC_MESSAGES/keel.mo" "$top_srcdir/po/de.po"
	LC_ALL=C.UTF-8 LANGUAGE=de KEEL_LOCALEDIR="$TMP/locale" \
		"$KEEL" check-cpu >"$TMP/out" 2>"$TMP/err"
	grep -q '^Ergebnis:' "$TMP/out"
	ok $? "LANGUAGE=de keel check-cpu speaks German"
fi

done_testing
