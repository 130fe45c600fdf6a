#!/bin/sh
# bench/hv.sh: boot time with and without keel-hv (same emulator, kernel
# and initrd), exits by reason during boot and idle, size, for AMD-V (QEMU)
# and VT-x (Bochs); never fails on speed.
#
# Run from the build tree (make bench-hv). Environment:
#   BENCH_RUNS  QEMU boots per configuration, the median is reported
#               (default 5)
#   BENCH_BOCHS_RUNS  the same under Bochs (default 1: Bochs counts
#               instructions, not host time, so the kernel's uptime repeats)
#   BENCH_IDLE  seconds of idle root session for the exit rate (default 10)
#   and those of tests/e2e/lib.sh (KEEL_E2E_CACHE, KEEL_E2E_TIMEOUT, ...).
# "Without keel-hv" is GRUB booting the kernel itself (linux + initrd);
# "with" is the multiboot2/module2 entry; the fast GRUB path under QEMU,
# a grub-mkrescue CD under Bochs (which cannot load a kernel itself).

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$(pwd)}"
: "${BENCH_RUNS:=5}"
: "${BENCH_BOCHS_RUNS:=1}"
: "${BENCH_IDLE:=10}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/lib.sh"

die() {
	echo "bench/hv: $*" >&2
	exit 1
}
# The e2e helpers skip with a TAP line; a benchmark says it plainly.
skip_all() {
	echo "bench/hv: skipped: $1"
	exit 0
}

for _v in BENCH_RUNS BENCH_BOCHS_RUNS; do
	eval "_n=\$$_v"
	case $_n in
	'' | *[!0-9]* | 0) die "$_v must be a positive number, not '$_n'." ;;
	esac
done
case $BENCH_IDLE in
'' | *[!0-9]*) die "BENCH_IDLE must be a number of seconds, not '$BENCH_IDLE'." ;;
esac
[ -x "$KEEL" ] || die "$KEEL is missing; run make in the build tree first."
[ -s "$HV" ] || die "$HV is missing; run make in the build tree first."
e2e_need_tools
e2e_kernel

median() {  # median N...: the middle value (the lower of the two middles)
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

ratio() {  # ratio A B: A / B to three places
	echo "$1 $2" | awk '{ if ($2 > 0) printf "%.3f", $1 / $2; else print "n/a" }'
}

# One initramfs for both: with "bench_idle=N" on the kernel command line
# it takes keel hv stats right after boot, at once again (what one keel
# hv stats costs: glibc's start-up alone runs CPUID often), and after N
# idle seconds.
e2e_static "$TMP/cpuid_sig" "$top_srcdir/tests/e2e/cpuid_sig.c"
cat >"$TMP/body" <<'EOF'
idle=$(sed -n 's/.*bench_idle=\([0-9]*\).*/\1/p' /proc/cmdline)
if [ -n "$idle" ]; then
	# Idle without starting a process (each one runs CPUID at start-up):
	# the shell's own read with a timeout on a FIFO nobody writes.
	mkfifo /tmp/idle && exec 3<>/tmp/idle
	step boot keel hv stats
	step again keel hv stats
	read -t "$idle" _ <&3
	step idle keel hv stats
fi
EOF
e2e_initrd "$TMP/initrd.img" "$TMP/body" keel "$TMP/cpuid_sig=/bin/cpuid_sig" ||
	die "cannot build the initramfs"
# boot_media BACKEND MODE [CMDLINE-EXTRA]: the GRUB medium for MODE (linux
# or hv) under BACKEND's emulator; sets E2E_BOOT (QEMU) or ISO (Bochs).
boot_media() {
	_d="$TMP/$1-$2${3:+-idle}"
	if [ "$1" = svm ]; then
		e2e_tree "$_d" "$2" "$VMLINUZ" "$TMP/initrd.img" "$E2E_KCMD${3:+ $3}" &&
			e2e_fast "$_d"
	else
		e2e_tree "$_d" "$2" "$VMLINUZ" "$TMP/initrd.img" \
			"$E2E_KCMD_BOCHS${3:+ $3}" && e2e_iso "$_d" && ISO="$_d.iso"
	fi || die "cannot make the GRUB medium ($1, $2)"
}

# run_on BACKEND LOG MODE [CMDLINE-EXTRA]: one boot of MODE.
run_on() {
	boot_media "$1" "$3" "${4:-}"
	if [ "$1" = svm ]; then
		run_qemu "$2" "$CPU_SVM" $E2E_BOOT 2>/dev/null
	else
		run_bochs "$2" "$BOCHS_VMX" "$ISO" 2>/dev/null
	fi
}

# boot_once BACKEND MODE LOG: one timed boot to the userspace marker (the
# /init powers off right after it); prints "WALL UPTIME".
boot_once() {
	run_on "$1" "$3" "$2"
	grep -q '^KEEL-E2E-END' "$3" ||
		{ e2e_tail "$3" >&2; die "the $1 $2 boot did not reach userspace (exit $qemu_rc)"; }
	echo "$qemu_secs $(sed -n 's/^KEEL-E2E-USERSPACE //p' "$3")"
}

# boot_times BACKEND RUNS: the medians with and without keel-hv.
boot_times() {
	for mode in linux hv; do
		walls='' ups=''
		i=0
		while [ $i -lt "$2" ]; do
			# die in the command substitution ends only that subshell.
			one=$(boot_once "$1" $mode "$TMP/$1-$mode.$i.log") || exit 1
			walls="$walls ${one% *}" ups="$ups ${one#* }"
			i=$((i + 1))
		done
		eval "wall_$mode=\$(median $walls) up_$mode=\$(median $ups)"
		eval "echo \"  \$mode: wall (emulator start to power-off) \$wall_$mode s, kernel uptime at the marker \$up_$mode s; runs:$walls\""
	done
	echo "  ratio with/without keel-hv: wall $(ratio "$wall_hv" "$wall_linux"), kernel uptime $(ratio "$up_hv" "$up_linux") (goal <= 1.05)"
}

# exit_counts BACKEND: exits by reason during boot and an idle root session.
exit_counts() {
	run_on "$1" "$TMP/$1-idle.log" hv "bench_idle=$BENCH_IDLE"
	[ "$(e2e_rc "$TMP/$1-idle.log" idle)" = 0 ] ||
		{ e2e_tail "$TMP/$1-idle.log" >&2; die "keel hv stats failed in the root session ($1)"; }
	echo "  exits by reason: during boot, then over $BENCH_IDLE s idle, less what one keel hv stats costs (goal <= 10/s in total)"
	# keel hv stats prints "  NAME COUNT" per reason and a "total" line.
	for s in boot again idle; do e2e_out "$TMP/$1-idle.log" $s | sed "s/^/$s /"; done |
		awk -v secs="$BENCH_IDLE" '
		# The idle time as keel-hv measured it: "..., 10.320 s after
		# keel-hv started:" heads each stats output.
		match($0, /[0-9.]+ s after/) { t[$1] = substr($0, RSTART, RLENGTH - 8) }
		NF == 3 && $3 ~ /^[0-9]+$/ {
			if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 }
			v[$1, $2] = $3
		}
		END {
			if (t["idle"] > t["again"])
				secs = t["idle"] - t["again"]
			printf "    (idle measured by keel-hv: %.2f s)\n", secs
			for (i = 1; i <= n; i++) {
				k = order[i]
				d = v["idle", k] - 2 * v["again", k] + v["boot", k]
				printf "    %-14s boot %9d   idle %7d  (%.1f/s)\n", k,
				    v["boot", k], d, (secs > 0 ? d / secs : 0)
			}
		}'
}

echo "bench/hv: kernel $(cut -d' ' -f1 "$E2E_CACHE/vmlinuz.pkg"), initrd $(($(wc -c <"$TMP/initrd.img") / 1024)) KiB"
echo "AMD-V (QEMU TCG, CPU $CPU_SVM), $BENCH_RUNS boots each:"
boot_times svm "$BENCH_RUNS"
exit_counts svm
bochs_why=$(e2e_bochs_missing)
if [ -n "$bochs_why" ]; then
	echo "VT-x (Bochs): skipped: $bochs_why"
else
	echo "VT-x (Bochs, CPU $BOCHS_VMX), $BENCH_BOCHS_RUNS boots each:"
	boot_times vmx "$BENCH_BOCHS_RUNS"
	exit_counts vmx
fi

size=$(wc -c <"$HV")
echo "keel-hv: $size bytes ($((size / 1024)) KiB, goal <= 256 KiB); $(size "$HV" | awk 'NR == 2 { printf "text %s data %s bss %s", $1, $2, $3 }')"
