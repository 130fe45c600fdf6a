#!/bin/sh
# tools/demo_boot.sh BUILD-DIR: the demo's last act, steps 1 to 4 of keel's
# lifecycle (tests/e2e/steps.sh) on a BIOS disk image under QEMU (AMD-V).
#
# A server image with GRUB and Debian's kernel gets a test-signed keel-1.0.0
# offline, boots its trial, commits it, reboots into it; then the demo shows
# the root session's `keel hv info` and keel status read back from the disk.
set -u
[ $# -eq 1 ] || { echo "usage: demo_boot.sh BUILD-DIR" >&2; exit 2; }
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
top_builddir=$1
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/server.sh"
. "$top_srcdir/tests/e2e/steps.sh"

# The e2e helpers speak TAP; the demo says plainly what stops it.
skip_all() {
	echo "demo: cannot boot the server image: $1" >&2
	exit 1
}

lc_need
SRV_EMU=qemu SRV_KCMD=$E2E_KCMD
lc_first_four
lc_end

log=$TMP/default-1.0.0.log
printf '\n=== In the root session, after the reboot: keel hv info\n'
e2e_out "$log" hvinfo
printf '\n=== keel-hv'"'"'s own lines on the serial console of that boot\n'
grep -a -E '^(keel-hv|hypervisor memory|root kernel|starting the root|nested paging|EPT|VMRUN|VMLAUNCH)' "$log"
printf '\n=== keel status --root, on the server'"'"'s file system read back from its disk\n'
"$KEEL" status --root "$SRV"
if [ "$tap_fail" -ne 0 ]; then
	echo "demo: $tap_fail of the checks above failed; the serial logs are lost" \
		"with $TMP: run it again with KEEL_E2E_KEEP=DIR to keep them" >&2
	exit 1
fi
echo "(keel-1.0.0 is committed and GRUB's default: keel-hv runs below Debian's kernel)"
