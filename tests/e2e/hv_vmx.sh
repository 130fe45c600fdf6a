#!/bin/sh
# hv_vmx.sh: keel-hv (VT-x + EPT + unrestricted guest, Bochs) boots a
# Debian root session from a real GRUB ISO: the same checks as hv_svm.sh
# (hv_checks.sh: discovery, keel hv, isolation, refusal, fuzzing).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/hv_checks.sh"

e2e_need_tools
e2e_need_hv
e2e_need_bochs
e2e_kernel
hv_backend vmx
hv_checks_initrd "$TMP/initrd.img" "${KEEL_E2E_FUZZ_CALLS:-20000}"

# Bochs boots only from its BIOS (no -kernel): a grub-mkrescue ISO. One
# CPU, unlike hv_svm.sh: with two Bochs no longer skips the time a CPU
# halts, and the boot took twice as long (256 s instead of 130 s).
e2e_tree "$TMP/iso" hv "$VMLINUZ" "$TMP/initrd.img" "$E2E_KCMD_BOCHS iomem=relaxed nox2apic" &&
	e2e_iso "$TMP/iso" || { echo "Bail out! cannot make the ISO"; exit 1; }
run_bochs "$TMP/vmx.log" "$BOCHS_VMX" "$TMP/iso.iso"
hv_checks "$TMP/vmx.log"

done_testing
