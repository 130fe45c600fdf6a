#!/bin/sh
# lifecycle.sh: keel's whole life on one server under QEMU (AMD-V): apply
# offline, trial boot, commit, update, rollback, uninstall, failed trials.
#
# Every boot goes through the disk image's own GRUB (MBR, grub-mkconfig's
# grub.cfg, keel's custom.cfg and grubenv) and reads the result back from
# the disk; one TAP line per step gives its duration.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/lib.sh"
. "$top_srcdir/tests/e2e/server.sh"
. "$top_srcdir/tests/e2e/steps.sh"

lc_need
SRV_EMU=qemu SRV_KCMD=$E2E_KCMD
DEBIAN="Debian GNU/Linux"

lc_first_four

lc_step 5 "keel-1.1.0 (service pack 2): offline apply, trial boot, commit"
# An option with what GRUB's script lexer would act on (; $ | & < > # { }):
# keel quotes it in the entry, and keel-hv, which does not know it, logs
# the command line it got from GRUB.
HV_NOTE='note=a;b$c|d&e<f>g#h{i}j'
server_pack 1.1.0 2 "$TMP/keel-1.1.0.ksp" "$HV_NOTE" || lc_bail "cannot make keel-1.1.0.ksp"
run "$KEEL" apply --root "$SRV" --yes "$TMP/keel-1.1.0.ksp"
ok $([ "$rc" -eq 11 ]; echo $?) "keel apply --root registers keel-1.1.0 over 1.0.0 (exit 11)"
grep -q '^[[:space:]]*multiboot2 .*/boot/keel/keel-hv-1\.1\.0 ' "$SRV/boot/grub/custom.cfg"
ok $? "keel-1.1.0's entry loads keel-hv-1.1.0"
server_boot "$SRV" trial-1.1.0 || lc_bail "cannot make or read the disk image"
ok_boot "$TMP/trial-1.1.0.log" "the trial boot of keel-1.1.0 reaches the root session's end"
lc_booted trial-1.1.0 "$(lc_title 1.1.0)" hv "GRUB takes the one-shot entry keel-1.1.0; keel-hv runs"
grep -qF "entry=keel-1.1.0 $HV_NOTE\": unknown option \"$HV_NOTE\"" "$TMP/trial-1.1.0.log"
ok $? "keel-hv got the option with ; \$ | & < > # { } through GRUB exactly as signed"
grep -qF "entry=keel-1.1.0 $HV_NOTE\"" "$TMP/trial-1.1.0.log" ||
	{ grep -a "command line" "$TMP/trial-1.1.0.log" | sed 's/^/#   /'; e2e_tail "$TMP/trial-1.1.0.log"; }
ok_step "$TMP/trial-1.1.0.log" hvinfo 0 "keel hv info: keel-1.1.0's entry started keel-hv" \
	"^Boot entry: +keel-1\\.1\\.0\$"
ok_step "$TMP/trial-1.1.0.log" unit 0 "keel commit commits keel-1.1.0" \
	"keel-1\\.1\\.0 is now GRUB's default"
lc_status "committed: keel-1\\.1\\.0 is GRUB's default" \
	"read back: keel-1.1.0 is committed"
lc_status "^Below it: +keel 1\\.0\\.0 " "read back: keel-1.0.0 is the level below"

lc_step 6 "keel rollback, reboot into keel-1.0.0; keel uninstall, reboot without keel"
server_boot "$SRV" rollback-1.1.0 "step rollback on_server keel rollback --yes" ||
	lc_bail "cannot make or read the disk image"
ok_boot "$TMP/rollback-1.1.0.log" "the first boot after the commit of keel-1.1.0 reaches the end"
lc_booted rollback-1.1.0 "$(lc_title 1.1.0)" hv "keel-1.1.0 is GRUB's default after its commit"
ok_step "$TMP/rollback-1.1.0.log" rollback 11 "keel rollback in the root session of keel-1.1.0: done, reboot required (11)" \
	"keel 1\.0\.0 is the installed level again"
lc_status "^Installed: +keel 1\\.0\\.0 " "read back: keel-1.0.0 is the installed level again"
[ ! -e "$SRV/boot/keel/keel-hv-1.1.0" ]
ok $? "read back: keel-hv-1.1.0 is gone from /boot/keel"
server_boot "$SRV" uninstall-1.0.0 "step uninstall on_server keel uninstall --yes" ||
	lc_bail "cannot make or read the disk image"
ok_boot "$TMP/uninstall-1.0.0.log" "the boot after the rollback reaches the root session's end"
lc_booted uninstall-1.0.0 "$(lc_title 1.0.0)" hv "after the rollback GRUB boots keel-1.0.0: it runs again"
ok_step "$TMP/uninstall-1.0.0.log" hvinfo 0 "keel hv info: keel-1.0.0's entry started keel-hv" \
	"^Boot entry: +keel-1\\.0\\.0\$"
ok_step "$TMP/uninstall-1.0.0.log" uninstall 11 "keel uninstall in the root session: done, reboot required (11)" \
	"the target is as before keel was applied"
lc_status "keel is not installed" "read back: keel is not installed"
server_boot "$SRV" native || lc_bail "cannot make or read the disk image"
ok_boot "$TMP/native.log" "the boot after the uninstall reaches the end"
lc_booted native "$DEBIAN" native "after the uninstall GRUB boots Debian natively"
ok_nolog "$TMP/native.log" "^keel-hv" "no keel-hv on the serial line"
ok_step "$TMP/native.log" status 0 "keel status in that boot: keel is not installed" \
	"keel is not installed"
lc_same_chain "after the uninstall"

lc_step 7 "failures: a keel-hv that panics at start, a keel-hv damaged on disk"
server_pack 1.2.0 3 "$TMP/keel-1.2.0.ksp" test-panic || lc_bail "cannot make keel-1.2.0.ksp"
run "$KEEL" apply --root "$SRV" --yes "$TMP/keel-1.2.0.ksp"
ok $([ "$rc" -eq 11 ]; echo $?) "keel apply --root registers keel-1.2.0, whose keel-hv panics (exit 11)"
server_boot "$SRV" panic-1.2.0 || lc_bail "cannot make or read the disk image"
[ "$qemu_rc" -eq 0 ] && [ "$(server_chose "$TMP/panic-1.2.0.log")" = "$(lc_title 1.2.0)" ]
ok $? "GRUB takes the trial entry keel-1.2.0 and the machine resets by itself (${qemu_secs}s)"
[ "$qemu_rc" -eq 0 ] || { diag "QEMU exit $qemu_rc"; e2e_tail "$TMP/panic-1.2.0.log"; }
ok_log "$TMP/panic-1.2.0.log" '^keel-hv: panic: "test-panic"' "keel-hv says why it panics"
ok_log "$TMP/panic-1.2.0.log" '^keel-hv: resetting the machine' "keel-hv resets the machine"
ok_nolog "$TMP/panic-1.2.0.log" "^KEEL-E2E-USERSPACE" "the root session never started"
lc_status "trial boot did not complete" "read back: keel status --root reports the failed trial"
server_boot "$SRV" after-panic "step failed on_server keel status
step rollback on_server keel rollback --yes" || lc_bail "cannot make or read the disk image"
ok_boot "$TMP/after-panic.log" "the boot after the failed trial reaches the end"
lc_booted after-panic "$DEBIAN" native "the next boot is the old entry by itself, without keel-hv"
ok_step "$TMP/after-panic.log" unit 5 "keel commit at boot finds no keel-hv and commits nothing (exit 5)"
ok_step "$TMP/after-panic.log" failed 0 "keel status in that boot reports the failed trial" \
	"trial boot did not complete"
ok_step "$TMP/after-panic.log" rollback 11 "keel rollback takes keel-1.2.0 away, the only level (11)" \
	"the target is as before keel was applied"
lc_status "keel is not installed" "read back: keel is not installed"
lc_same_chain "after the rollback of the failed keel-1.2.0"

run "$KEEL" apply --root "$SRV" --yes "$TMP/keel-1.0.0.ksp"
ok $([ "$rc" -eq 11 ]; echo $?) "keel-1.0.0 applies again to the server without keel (exit 11)"
server_boot "$SRV" damage-1.0.0 "step damage sh -c 'echo damaged >/mnt/boot/keel/keel-hv-1.0.0'" ||
	lc_bail "cannot make or read the disk image"
ok_step "$TMP/damage-1.0.0.log" unit 0 "keel-1.0.0 is committed again" \
	"keel-1\\.0\\.0 is now GRUB's default"
ok_step "$TMP/damage-1.0.0.log" damage 0 "then keel-hv-1.0.0 is overwritten on disk"
server_boot "$SRV" damaged || lc_bail "cannot make or read the disk image"
ok_boot "$TMP/damaged.log" "the boot with the damaged keel-hv reaches the end"
ok_log "$TMP/damaged.log" "Falling back to \`$DEBIAN'" \
	"GRUB cannot load the damaged keel-hv and falls back to the old default"
lc_booted damaged "$(lc_title 1.0.0)" native "GRUB tried keel-1.0.0 first; Debian runs without keel-hv"
lc_end
lc_sectors

done_testing
