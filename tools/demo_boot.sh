#!/bin/sh
# tools/demo_boot.sh BUILD-DIR: the demo's last act: in QEMU (TCG AMD-V), GRUB
# loads keel-hv, Debian's kernel and a busybox root running keel hv info, stats.
set -u
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
top_builddir=$1
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/lib.sh"

# The e2e helpers speak TAP; the demo says plainly what stops it.
skip_all() {
	echo "demo: cannot boot keel-hv: $1" >&2
	exit 1
}
diag() { printf '%s\n' "$@"; }

e2e_need_tools
e2e_need_hv
e2e_kernel
cat >"$TMP/body" <<'BODY'
echo "--- root session: uname -r; nproc"
uname -r
nproc
echo "--- root session: keel hv info"
keel hv info
echo "--- root session: keel hv stats"
keel hv stats
BODY
e2e_initrd "$TMP/initrd.img" "$TMP/body" keel ||
	skip_all "cannot build the initramfs"
e2e_tree "$TMP/demo" hv "$VMLINUZ" "$TMP/initrd.img" "$E2E_KCMD" &&
	e2e_fast "$TMP/demo" || skip_all "cannot make the GRUB boot image"
echo "GRUB: multiboot2 $E2E_HVFILE; module2 $E2E_VMLINUZ $E2E_KCMD; module2 $E2E_INITRD"
echo "QEMU: -accel tcg -cpu $CPU_SVM -m 1024 (serial console below)"
run_qemu "$TMP/serial.log" "$CPU_SVM" $E2E_BOOT
# keel-hv's log and the root session's output; not the kernel's messages.
grep -E '^(keel-hv|  |starting|hypervisor|booting|nested|root|memory|---)|^[A-Z][A-Za-z ()-]*: |^[0-9]|^[a-z-]+ +[0-9]' \
	"$TMP/serial.log" | grep -v '^KEEL-E2E'
grep -q '^KEEL-E2E-END' "$TMP/serial.log" || {
	echo "demo: the root session did not come up (QEMU exit $qemu_rc); the serial log:" >&2
	tail -n 40 "$TMP/serial.log" >&2
	exit 1
}
echo "(the root session ran under keel-hv and powered off; ${qemu_secs}s in QEMU)"
