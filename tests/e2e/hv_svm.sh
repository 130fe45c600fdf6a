#!/bin/sh
# hv_svm.sh: keel-hv (AMD-V + NPT, QEMU TCG) boots a Debian root session:
# the checks of hv_checks.sh (discovery, keel hv, isolation, refusal,
# fuzzing) on the fast GRUB path, discovery through a real GRUB ISO.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/hv_checks.sh"

e2e_need_tools
e2e_need_hv
e2e_kernel
hv_backend svm
hv_checks_initrd "$TMP/initrd.img" "${KEEL_E2E_FUZZ_CALLS:-20000}"

# --- the fast path: everything --------------------------------------------
e2e_tree "$TMP/fast" hv "$VMLINUZ" "$TMP/initrd.img" "$E2E_KCMD iomem=relaxed nox2apic" &&
	e2e_fast "$TMP/fast" || { echo "Bail out! cannot make the GRUB image"; exit 1; }
# Two CPUs, of which the root session sees one (keel-hv adds nr_cpus=1).
E2E_SMP=2
run_qemu "$TMP/svm.log" "$CPU_SVM" $E2E_BOOT
E2E_SMP=1
hv_checks "$TMP/svm.log"

# --- real GRUB: a grub-mkrescue ISO ---------------------------------------
e2e_tree "$TMP/iso" hv "$VMLINUZ" "$TMP/initrd.img" "$E2E_KCMD keel_e2e=quick" &&
	e2e_iso "$TMP/iso" || { echo "Bail out! cannot make the ISO"; exit 1; }
run_qemu "$TMP/iso.log" "$CPU_SVM" $E2E_BOOT
hv_checks_quick "$TMP/iso.log" "real GRUB (ISO)"

done_testing
