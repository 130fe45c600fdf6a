#!/bin/sh
# hv_native.sh: on a CPU keel-hv cannot use (AMD without SVM or NPT under
# QEMU; Intel without VMX, EPT or unrestricted guest) keel-hv
# says why on the serial line and boots the same root session natively;
# it reaches userspace. Intel without VMX runs under QEMU, which has none.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/lib.sh"

e2e_need_tools
e2e_need_hv_only
e2e_need_hv
e2e_kernel
e2e_hv_range
e2e_static "$TMP/cpuid_sig" "$top_srcdir/tests/e2e/cpuid_sig.c"

e2e_hv_body_head >"$TMP/body"
cat >>"$TMP/body" <<'EOF2'
step sig cpuid_sig
step info keel hv info
step dump hv_dump
step nostring no_strings
step nopages same_pages
EOF2
e2e_initrd "$TMP/initrd.img" "$TMP/body" keel \
	"$TMP/cpuid_sig=/bin/cpuid_sig" "$TMP/hv.bin=/hv.bin" ||
	{ echo "Bail out! cannot build the initramfs"; exit 1; }
e2e_tree "$TMP/fast" hv "$VMLINUZ" "$TMP/initrd.img" "$E2E_KCMD iomem=relaxed" &&
	e2e_fast "$TMP/fast" || { echo "Bail out! cannot make the GRUB image"; exit 1; }

run_qemu "$TMP/native.log" "$CPU_NATIVE" $E2E_BOOT
L="$TMP/native.log"
ok_boot "$L" "without SVM the root session reaches userspace and powers off"
ok_log "$L" "keel-hv .* starting" "keel-hv started"
ok_log "$L" "booting the root session natively, without virtualization: .*(SVM|AMD-V)" \
	"keel-hv logs why it boots natively"
grep 'natively' "$L" | sed 's/^/# /'
ok_nolog "$L" "starting the root session under" "keel-hv did not try VMRUN"
ok_step "$L" sig 1 "CPUID 0x40000000 is not keel-hv's" 'signature'
ok_step "$L" info 5 "keel hv info says keel-hv is not running" 'not running'
# The control for hv_svm.sh's isolation checks: natively nothing hides
# keel-hv's memory, so the same checks must find its image there.
ok_step "$L" dump 0 "natively the hypervisor range reads through /dev/mem"
ok_step "$L" nostring '!0' "control: the isolation check finds keel-hv's log text natively" \
	'^[1-9]'
ok_step "$L" nopages '!0' "control: the isolation check finds keel-hv's image natively" \
	'^[1-9][0-9]* of [0-9]* image pages'

# AMD-V without nested paging is not enough: the same boot, natively.
run_qemu "$TMP/nonpt.log" "EPYC,+svm,-npt" $E2E_BOOT
L="$TMP/nonpt.log"
ok_boot "$L" "with SVM but without NPT the root session reaches userspace"
ok_log "$L" "booting the root session natively, without virtualization: .*nested paging" \
	"keel-hv logs that nested paging is missing"
ok_step "$L" info 5 "without NPT keel hv info says keel-hv is not running" 'not running'

# An Intel CPU without VT-x: QEMU's TCG offers none, so QEMU serves (a
# Bochs boot of the same took 108 s of CI's budget, QEMU about 10 s).
run_qemu "$TMP/novmx.log" "qemu64,vendor=GenuineIntel,-vmx,-svm" $E2E_BOOT
L="$TMP/novmx.log"
ok_boot "$L" "Intel without VMX: the root session reaches userspace natively"
ok_log "$L" "booting the root session natively, without virtualization: .*(VT-x|VMX)" \
	"Intel without VMX: keel-hv logs why it boots natively"
grep 'natively' "$L" | sed 's/^/# /'
ok_nolog "$L" "starting the root session under" "Intel without VMX: keel-hv did not try VMLAUNCH"
ok_step "$L" sig 1 "Intel without VMX: CPUID 0x40000000 is not keel-hv's" 'signature'
ok_step "$L" info 5 "Intel without VMX: keel hv info says keel-hv is not running" 'not running'

# --- Intel with VT-x: Bochs, from a real GRUB ISO ---------------------------
# Without Bochs these checks are skipped, not the test: E2E_SKIP makes
# run_bochs boot nothing and the ok_* checks report skips.
E2E_SKIP=$(e2e_bochs_missing)
if [ -z "$E2E_SKIP" ]; then
	e2e_tree "$TMP/iso" hv "$VMLINUZ" "$TMP/initrd.img" "$E2E_KCMD_BOCHS iomem=relaxed" &&
		e2e_iso "$TMP/iso" || { echo "Bail out! cannot make the ISO"; exit 1; }
fi
# intel LOG NAME MODEL WHY: the root session on Bochs' CPU MODEL boots
# natively, keel-hv's reason matching WHY (grep -E); serial log in $TMP/LOG.
intel() {
	L="$TMP/$1"
	shift
	run_bochs "$L" "$2" "$TMP/iso.iso"
	ok_boot "$L" "$1: the root session reaches userspace natively"
	ok_log "$L" "booting the root session natively, without virtualization: .*($3)" \
		"$1: keel-hv logs why it boots natively"
	grep 'natively' "$L" | sed 's/^/# /'
	ok_nolog "$L" "starting the root session under" "$1: keel-hv did not try VMLAUNCH"
	ok_step "$L" sig 1 "$1: CPUID 0x40000000 is not keel-hv's" 'signature'
	ok_step "$L" info 5 "$1: keel hv info says keel-hv is not running" 'not running'
}
# VMX without EPT (Core 2 Penryn).
intel noept.log "VT-x without EPT" "$BOCHS_NOEPT" 'EPT'
# VMX and EPT without unrestricted guest (Nehalem, Core i5 Lynnfield).
intel noug.log "VT-x without unrestricted guest" "$BOCHS_NOUG" \
	'unrestricted guest'
E2E_SKIP=

done_testing
