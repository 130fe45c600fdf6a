# tests/e2e/steps.sh: the first four steps of keel's lifecycle on a server
# (image, offline apply, trial boot with commit, reboot), and the timing of
# every step; sourced by lifecycle.sh, lifecycle_vmx.sh and tools/demo.sh.
#
# Sourced after tests/e2e/server.sh. The caller sets SRV_EMU (qemu or
# bochs) and SRV_KCMD (the kernel command line of the server's grub.cfg),
# and may set LC_PACK, a keel 1.0.0 pack to apply instead of the test's
# own (the demo's, from manifests/). The server's state between boots is
# $SRV.

SRV=$TMP/server

# lc_step N TITLE: ends the step before, starts step N.
lc_step() {
	lc_end
	lc_n=$1 lc_title=$2 lc_t0=$(date +%s) lc_fail0=$tap_fail
	diag "--- step $1: $2"
}

# lc_end: the line of the step that ends: passed when every check of the
# step passed, with its duration.
lc_end() {
	[ -n "${lc_n-}" ] || return 0
	ok $([ "$tap_fail" -eq "$lc_fail0" ]; echo $?) \
		"step $lc_n, $(($(date +%s) - lc_t0)) s: $lc_title"
	lc_n=
}

# lc_bail WHAT: the scenario cannot go on (a disk image or a pack could not
# be made): TAP's bail out, with what failed.
lc_bail() {
	echo "Bail out! $1"
	exit 1
}

# lc_status PATTERN DESC: keel status --root on the server as read back
# from its disk says PATTERN (grep -E).
lc_status() {
	run "$KEEL" status --root "$SRV"
	grep -Eq -- "$1" "$TMP/out"
	_st=$?
	ok $_st "$2"
	[ $_st -eq 0 ] || diag "keel status --root: exit $rc" "$(cat "$TMP/out" "$TMP/err")"
}

# lc_booted NAME TITLE MODE DESC: boot NAME took GRUB's entry TITLE first
# and the root session found MODE (hv or native) below it.
lc_booted() {
	_l=$TMP/$1.log
	[ "$(server_chose "$_l")" = "$2" ] && [ "$(server_mode "$_l")" = "$3" ]
	_st=$?
	ok $_st "$4"
	[ $_st -eq 0 ] || { diag "GRUB booted '$(server_chose "$_l")'," \
		"the root session found '$(server_mode "$_l")'"; e2e_tail "$_l"; }
}

# lc_title VERSION: the title of keel's GRUB entry for VERSION.
lc_title() { echo "keel $1: Debian GNU/Linux"; }

# lc_backend: the backend keel hv info names under this emulator.
lc_backend() { [ "$SRV_EMU" = bochs ] && echo vmx || echo svm; }

# lc_first_four: steps 1 to 4. Leaves the original boot chain of the
# server in $TMP/chain.orig and $TMP/env.orig.
lc_first_four() {
	lc_step 1 "a server: BIOS disk image, GRUB 2, grub-mkconfig's grub.cfg, Debian $SRV_KVER, keel"
	server_root "$SRV" "$SRV_KCMD" || lc_bail "cannot make the server's root"
	server_boot_sectors || lc_bail "cannot make GRUB's boot sectors"
	if [ -n "${LC_PACK-}" ]; then
		cp "$LC_PACK" "$TMP/keel-1.0.0.ksp" || lc_bail "cannot read $LC_PACK"
	else
		server_pack 1.0.0 1 "$TMP/keel-1.0.0.ksp" || lc_bail "cannot make keel-1.0.0.ksp"
	fi
	server_chain "$SRV" >"$TMP/chain.orig" && server_env "$SRV" >"$TMP/env.orig"
	grep -q "menuentry 'Debian GNU/Linux'" "$SRV/boot/grub/grub.cfg" &&
		grep -q '41_custom' "$SRV/boot/grub/grub.cfg"
	ok $? "grub.cfg from grub-mkconfig boots Debian and sources custom.cfg"

	lc_step 2 "offline: keel apply --root on the server's file system"
	run "$KEEL" apply --root "$SRV" --yes "$TMP/keel-1.0.0.ksp"
	ok $([ "$rc" -eq 11 ]; echo $?) "keel apply --root registers keel-1.0.0 (exit 11: reboot required)"
	[ "$rc" -eq 11 ] || diag "$(cat "$TMP/err")"
	lc_status "trial pending: the next boot tries keel-1.0.0 once" \
		"keel status --root: the trial of keel-1.0.0 is pending"

	lc_step 3 "boot: the trial of keel-1.0.0, committed by keel-commit.service"
	server_boot "$SRV" trial-1.0.0 || lc_bail "cannot make or read the disk image"
	ok_boot "$TMP/trial-1.0.0.log" "the trial boot reaches the root session's end"
	lc_booted trial-1.0.0 "$(lc_title 1.0.0)" hv \
		"GRUB takes the one-shot entry keel-1.0.0; keel-hv runs below the root session"
	ok_step "$TMP/trial-1.0.0.log" hvinfo 0 "keel hv info: keel-1.0.0's entry started keel-hv" \
		"^Boot entry: +keel-1\\.0\\.0\$"
	ok_step "$TMP/trial-1.0.0.log" hvinfo 0 "keel hv info names the backend $(lc_backend)" \
		"^Backend: +$(lc_backend)"
	ok_step "$TMP/trial-1.0.0.log" unit 0 "the commit unit's command (keel commit) commits the trial" \
		"keel-1\\.0\\.0 is now GRUB's default"
	lc_status "committed: keel-1\\.0\\.0 is GRUB's default" \
		"read back from the disk: keel status --root says committed"

	lc_step 4 "reboot: keel-1.0.0 is GRUB's default"
	! server_env "$SRV" | grep -q '^next_entry=.'
	ok $? "no one-shot entry is left in grubenv"
	server_boot "$SRV" default-1.0.0 || lc_bail "cannot make or read the disk image"
	ok_boot "$TMP/default-1.0.0.log" "the boot reaches the root session's end"
	lc_booted default-1.0.0 "$(lc_title 1.0.0)" hv \
		"GRUB boots keel-1.0.0 by default; keel-hv runs below the root session"
	ok_step "$TMP/default-1.0.0.log" hvinfo 0 "the root session's keel hv info answers" \
		"^Boot entry: +keel-1\\.0\\.0\$"
	ok_step "$TMP/default-1.0.0.log" unit 0 "keel commit at boot again changes nothing and succeeds"
}
