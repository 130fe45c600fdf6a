#!/bin/sh
# bench/hv.sh: boot time with and without keel-hv (same QEMU, kernel and
# initrd), exits by reason during boot and idle, size; never fails on speed.
#
# Run from the build tree (make bench-hv). Environment:
#   BENCH_RUNS  boots per configuration, the median is reported (default 5)
#   BENCH_IDLE  seconds of idle root session for the exit rate (default 10)
#   and those of tests/e2e/lib.sh (KEEL_E2E_CACHE, KEEL_E2E_TIMEOUT, ...).
# "Without keel-hv" is GRUB booting the kernel itself (linux + initrd);
# "with" is the multiboot2/module2 entry; both through the fast GRUB path.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$(pwd)}"
: "${BENCH_RUNS:=5}"
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

case $BENCH_RUNS in
'' | *[!0-9]* | 0) die "BENCH_RUNS must be a positive number, not '$BENCH_RUNS'." ;;
esac
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
for mode in linux hv; do
	e2e_tree "$TMP/$mode" "$mode" "$VMLINUZ" "$TMP/initrd.img" "$E2E_KCMD" &&
		e2e_fast "$TMP/$mode" || die "cannot make the GRUB image ($mode)"
	eval "boot_$mode=\$E2E_BOOT"
done

# boot_once MODE LOG: one timed boot to the userspace marker (the /init
# powers off right after it); prints "WALL UPTIME".
boot_once() {
	eval "_args=\$boot_$1"
	run_qemu "$2" "$CPU_SVM" $_args 2>/dev/null
	grep -q '^KEEL-E2E-END' "$2" ||
		{ e2e_tail "$2" >&2; die "the $1 boot did not reach userspace (qemu exit $qemu_rc)"; }
	echo "$qemu_secs $(sed -n 's/^KEEL-E2E-USERSPACE //p' "$2")"
}

echo "bench/hv: kernel $(cut -d' ' -f1 "$E2E_CACHE/vmlinuz.pkg"), initrd $(($(wc -c <"$TMP/initrd.img") / 1024)) KiB, $BENCH_RUNS boots each, CPU $CPU_SVM"
for mode in linux hv; do
	walls='' ups=''
	i=0
	while [ $i -lt "$BENCH_RUNS" ]; do
		# die in the command substitution ends only that subshell.
		one=$(boot_once $mode "$TMP/$mode.$i.log") || exit 1
		walls="$walls ${one% *}" ups="$ups ${one#* }"
		i=$((i + 1))
	done
	eval "wall_$mode=\$(median $walls) up_$mode=\$(median $ups)"
	eval "echo \"  \$mode: wall (QEMU start to power-off) \$wall_$mode s, kernel uptime at the marker \$up_$mode s; runs:$walls\""
done
echo "  ratio with/without keel-hv: wall $(ratio "$wall_hv" "$wall_linux"), kernel uptime $(ratio "$up_hv" "$up_linux") (goal <= 1.05)"

# Exits by reason: boot (until the marker) and an idle root session.
e2e_tree "$TMP/idle" hv "$VMLINUZ" "$TMP/initrd.img" "$E2E_KCMD bench_idle=$BENCH_IDLE" &&
	e2e_fast "$TMP/idle" || die "cannot make the GRUB image (idle)"
run_qemu "$TMP/idle.log" "$CPU_SVM" $E2E_BOOT 2>/dev/null
[ "$(e2e_rc "$TMP/idle.log" idle)" = 0 ] ||
	{ e2e_tail "$TMP/idle.log" >&2; die "keel hv stats failed in the root session"; }
echo "  exits by reason: during boot, then over $BENCH_IDLE s idle, less what one keel hv stats costs (goal <= 10/s in total)"
# keel hv stats prints "  NAME COUNT" per reason and a "total" line.
for s in boot again idle; do e2e_out "$TMP/idle.log" $s | sed "s/^/$s /"; done |
	awk -v secs="$BENCH_IDLE" '
	# The idle time as keel-hv measured it: "..., 10.320 s after keel-hv
	# started:" heads each stats output.
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

size=$(wc -c <"$HV")
echo "  keel-hv: $size bytes ($((size / 1024)) KiB, goal <= 256 KiB); $(size "$HV" | awk 'NR == 2 { printf "text %s data %s bss %s", $1, $2, $3 }')"
