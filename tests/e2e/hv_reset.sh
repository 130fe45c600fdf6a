#!/bin/sh
# hv_reset.sh: a root kernel that triple-faults at its first instruction,
# a missing or a malformed kernel module: keel-hv says so and resets.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/lib.sh"

e2e_need_tools
e2e_need_hv_only
e2e_need_hv
e2e_kernel

# ud2 at the 32-bit entry point: the kernel has no IDT yet, so the #UD
# becomes a double and then a triple fault.
e2e_break_kernel "$VMLINUZ" "$TMP/vmlinuz.broken" ||
	{ echo "Bail out! cannot break the kernel"; exit 1; }
: >"$TMP/body"
e2e_initrd "$TMP/initrd.img" "$TMP/body" ||
	{ echo "Bail out! cannot build the initramfs"; exit 1; }
e2e_tree "$TMP/fast" hv "$TMP/vmlinuz.broken" "$TMP/initrd.img" "$E2E_KCMD" &&
	e2e_fast "$TMP/fast" || { echo "Bail out! cannot make the GRUB image"; exit 1; }

run_qemu "$TMP/reset.log" "$CPU_SVM" $E2E_BOOT
L="$TMP/reset.log"
[ "$qemu_rc" -ne 124 ] && [ "$qemu_rc" -ne 137 ]
ok $? "QEMU ended by itself, no hang (${qemu_secs}s, exit $qemu_rc)"
ok_log "$L" "starting the root session under" "keel-hv started the root session under SVM"
ok_log "$L" "root session triple fault" "keel-hv logs the root session's triple fault"
grep -A3 'triple fault' "$L" | sed 's/^/# /'
ok_nolog "$L" '^KEEL-E2E-USERSPACE' "the broken kernel never reached userspace" \
	'root session triple fault'
ok_nolog "$L" 'keel-hv: panic' "keel-hv reset without a panic" \
	'triple fault.*resetting the machine'

# A boot entry without modules, and one whose kernel module is the initrd:
# a clear panic on the serial line, then a reset (QEMU ends by itself).
panics() {  # panics NAME PATTERN DESC
	run_qemu "$TMP/$1.log" "$CPU_SVM" $E2E_BOOT
	[ "$qemu_rc" -ne 124 ] && [ "$qemu_rc" -ne 137 ] &&
		grep -q '^keel-hv: panic: cannot boot the root session' "$TMP/$1.log"
	ok $? "$3: keel-hv panics and resets (${qemu_secs}s, exit $qemu_rc)"
	ok_log "$TMP/$1.log" "$2" "$3: the panic says why"
	grep 'panic' "$TMP/$1.log" | sed 's/^/# /'
}
cfg="$TMP/fast/boot/grub/grub.cfg"
sed -i '/module2/d' "$cfg" && e2e_fast "$TMP/fast" ||
	{ echo "Bail out! cannot make the GRUB image"; exit 1; }
panics nomod "no kernel module" "no module2 line"
e2e_tree "$TMP/fast" hv "$TMP/initrd.img" "$TMP/initrd.img" "$E2E_KCMD" &&
	e2e_fast "$TMP/fast" || { echo "Bail out! cannot make the GRUB image"; exit 1; }
panics badmod "not a Linux bzImage" "an initrd as the kernel module"

# serial=PORT,BAUD on keel-hv's own line moves its log to that UART: COM2.
e2e_tree "$TMP/fast" hv "$TMP/initrd.img" "$TMP/initrd.img" "$E2E_KCMD" \
	"serial=0x2f8,9600" &&
	e2e_fast "$TMP/fast" || { echo "Bail out! cannot make the GRUB image"; exit 1; }
run_qemu "$TMP/com1.log" "$CPU_SVM" $E2E_BOOT -serial "file:$TMP/com2.log"
grep -q 'keel-hv: panic: .*not a Linux bzImage' "$TMP/com2.log"
ok $? "serial=0x2f8,9600: keel-hv's log and panic go to COM2"
ok_nolog "$TMP/com1.log" 'keel-hv: panic' "serial=0x2f8,9600: nothing of the panic on COM1" \
	'^KEEL-E2E-GRUB loading keel-hv'

done_testing
