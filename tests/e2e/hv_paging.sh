#!/bin/sh
# hv_paging.sh: the nested page tables for other CPU shapes: a 48-bit
# physical address space (all of it mapped) and a CPU without 1 GiB pages.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/lib.sh"

e2e_need_tools
e2e_need_hv_only
e2e_need_hv
e2e_kernel

cat >"$TMP/body" <<'BODY'
step info keel hv info
BODY
e2e_initrd "$TMP/initrd.img" "$TMP/body" keel ||
	{ echo "Bail out! cannot build the initramfs"; exit 1; }
e2e_tree "$TMP/fast" hv "$VMLINUZ" "$TMP/initrd.img" "$E2E_KCMD" &&
	e2e_fast "$TMP/fast" || { echo "Bail out! cannot make the GRUB image"; exit 1; }

# boots CPU WHAT MAP-PATTERN
boots() {
	run_qemu "$TMP/$2.log" "$1" $E2E_BOOT
	ok_boot "$TMP/$2.log" "$2: the root session reaches userspace under keel-hv"
	ok_log "$TMP/$2.log" "$3" "$2: nested paging as expected"
	grep 'nested paging' "$TMP/$2.log" | sed 's/^/# /'
	ok_step "$TMP/$2.log" info 0 "$2: keel hv info" 'svm'
}
# 2^48 bytes in 1 GiB pages: 512 PDPTs, the PML4, the hv range's PD and PT.
boots "$CPU_SVM,phys-bits=48" "48-bit" \
	"nested paging: 0-1000000000000 identity in 1 GiB pages, 515 table pages"
# Without 1 GiB pages only RAM and the 32-bit hole are mapped, 2 MiB pages.
boots "$CPU_SVM,-pdpe1gb" "no-1g-pages" \
	"nested paging: 0-100000000 identity in 2 MiB pages"

done_testing
