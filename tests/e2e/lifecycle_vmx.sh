#!/bin/sh
# lifecycle_vmx.sh: steps 1 to 4 of keel's lifecycle (steps.sh) under Bochs,
# on Intel VT-x: image, offline apply, trial boot with commit, reboot.
#
# The same server, disk image and checks as lifecycle.sh under QEMU; a
# Bochs boot of Debian's kernel takes about two minutes, so the later
# steps, which exercise keel rather than keel-hv, run under QEMU only.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/server.sh"
. "$top_srcdir/tests/e2e/steps.sh"

e2e_need_bochs
lc_need
SRV_EMU=bochs SRV_KCMD=$E2E_KCMD_BOCHS

lc_first_four
lc_end
lc_sectors
done_testing
