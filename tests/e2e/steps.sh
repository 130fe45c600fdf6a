# tests/e2e/steps.sh: the first four steps of keel's lifecycle on a server
# (image, offline apply, trial boot with commit, reboot), and the timing of
# every step; sourced by lifecycle.sh, lifecycle_vmx.sh and tools/demo_boot.sh.
#
# Sourced after tests/e2e/server.sh. The caller sets SRV_EMU (qemu or
# bochs) and SRV_KCMD (the kernel command line of the server's grub.cfg),
# and may set LC_PACK, a keel 1.0.0 pack to apply instead of the test's
# own (the demo's, from manifests/). The server's state between boots is
# $SRV.

SRV=$TMP/server

# lc_need: skips (or bails out) when the lifecycle cannot run here: the
# emulator's tools, keel-hv, the test PKI, the kernel, the disk's tools.
lc_need() {
	e2e_need_tools
	e2e_need_hv
	need_pki
	e2e_kernel
	server_need
}

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
# from its disk succeeds and says PATTERN (grep -E), and changes nothing:
# keel would finish an interrupted transaction first, which must be the
# server's own business, not the host's.
lc_status() {
	_before=$(tree_sum "$SRV")
	run "$KEEL" status --root "$SRV"
	[ "$rc" -eq 0 ] && grep -Eq -- "$1" "$TMP/out" &&
		[ "$(tree_sum "$SRV")" = "$_before" ]
	_st=$?
	ok $_st "$2"
	[ $_st -eq 0 ] || diag "keel status --root: exit $rc" "$(cat "$TMP/out" "$TMP/err")"
}

# lc_booted NAME TITLE MODE DESC: boot NAME took GRUB's entry TITLE first,
# the root session mounted the server's root file system (root=UUID= from
# the entry's command line) and found MODE (hv or native) below it.
lc_booted() {
	_l=$TMP/$1.log
	[ "$(server_chose "$_l")" = "$2" ] && [ "$(server_mode "$_l")" = "$3" ] &&
		[ "$(server_root_arg "$_l")" = "UUID=$SRV_UUID" ] &&
		[ "$(e2e_rc "$_l" mount)" = 0 ]
	_st=$?
	ok $_st "$4"
	[ $_st -eq 0 ] || { diag "GRUB booted '$(server_chose "$_l")'," \
		"the root session found '$(server_mode "$_l")'," \
		"root=$(server_root_arg "$_l"), mount: $(e2e_out "$_l" mount)"
		e2e_tail "$_l"; }
}

# lc_same_chain WHEN: the server's /boot and /etc are byte for byte what
# they were before keel was first applied, and so are grubenv's variables
# but for GRUB's own emptied next_entry.
lc_same_chain() {
	server_chain "$SRV" | diff "$TMP/chain.orig" - >"$TMP/chain.diff"
	ok $? "$1: /boot and /etc byte for byte as before keel was first applied"
	[ -s "$TMP/chain.diff" ] && diag "$(head -n 20 "$TMP/chain.diff")"
	server_env "$SRV" >"$TMP/env.now" &&
		diff "$TMP/env.orig" "$TMP/env.now" >"$TMP/env.diff"
	ok $? "$1: grubenv's variables as before, but for GRUB's emptied next_entry"
	[ -s "$TMP/env.diff" ] && diag "$(cat "$TMP/env.diff")"
	return 0
}

# lc_sectors: no boot changed GRUB's boot code before the partition.
lc_sectors() {
	[ -z "${SRV_SECTORS_CHANGED-}" ]
	ok $? "no boot changed GRUB's boot code before the partition"
	[ -z "${SRV_SECTORS_CHANGED-}" ] || diag "changed in:$SRV_SECTORS_CHANGED"
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
	server_chain "$SRV" >"$TMP/chain.orig" && server_env "$SRV" >"$TMP/env.orig" ||
		lc_bail "cannot list the server's boot chain"
	grep -q "menuentry 'Debian GNU/Linux'" "$SRV/boot/grub/grub.cfg" &&
		grep -q '^ *source .*/custom\.cfg' "$SRV/boot/grub/grub.cfg"
	ok $? "grub.cfg from grub-mkconfig boots Debian and sources custom.cfg"

	lc_step 2 "offline: keel apply --root on the server's file system"
	run "$KEEL" apply --root "$SRV" --yes "$TMP/keel-1.0.0.ksp"
	ok $([ "$rc" -eq 11 ]; echo $?) "keel apply --root registers keel-1.0.0 (exit 11: reboot required)"
	[ "$rc" -eq 11 ] || diag "$(cat "$TMP/err")"
	lc_status "trial pending: the next boot tries keel-1.0.0 once" \
		"keel status --root: the trial of keel-1.0.0 is pending"
	_missing=
	for _f in boot/keel/keel-hv-1.0.0 boot/grub/custom.cfg \
		etc/systemd/system/keel-commit.service \
		etc/systemd/system/multi-user.target.d/keel-commit.conf \
		etc/kernel/postinst.d/zzz-keel etc/kernel/postrm.d/zzz-keel; do
		[ -f "$SRV/$_f" ] || _missing="$_missing $_f"
	done
	[ -z "$_missing" ]
	ok $? "keel-hv, custom.cfg, the commit unit with its drop-in and the kernel hooks are in place"
	[ -z "$_missing" ] || diag "missing:$_missing"

	lc_step 3 "boot: the trial of keel-1.0.0, committed by keel-commit.service"
	server_boot "$SRV" trial-1.0.0 || lc_bail "cannot make or read the disk image"
	ok_boot "$TMP/trial-1.0.0.log" "the trial boot reaches the root session's end"
	lc_booted trial-1.0.0 "$(lc_title 1.0.0)" hv \
		"GRUB takes the one-shot entry keel-1.0.0; keel-hv runs below the root session"
	server_env "$SRV" >"$TMP/env.now" && ! grep -q '^next_entry=.' "$TMP/env.now"
	ok $? "read back: the one-shot next_entry is spent, nothing is left for the reboot"
	ok_step "$TMP/trial-1.0.0.log" hvinfo 0 "keel hv info: keel-1.0.0's entry started keel-hv" \
		"^Boot entry: +keel-1\\.0\\.0\$"
	ok_step "$TMP/trial-1.0.0.log" hvinfo 0 "keel hv info names the backend $(lc_backend)" \
		"^Backend: +$(lc_backend)"
	ok_step "$TMP/trial-1.0.0.log" unit 0 "the commit unit's command (keel commit) commits the trial" \
		"keel-1\\.0\\.0 is now GRUB's default"
	lc_status "committed: keel-1\\.0\\.0 is GRUB's default" \
		"read back from the disk: keel status --root says committed"

	lc_step 4 "reboot: keel-1.0.0 is GRUB's default"
	server_boot "$SRV" default-1.0.0 || lc_bail "cannot make or read the disk image"
	ok_boot "$TMP/default-1.0.0.log" "the boot reaches the root session's end"
	lc_booted default-1.0.0 "$(lc_title 1.0.0)" hv \
		"GRUB boots keel-1.0.0 by default; keel-hv runs below the root session"
	ok_step "$TMP/default-1.0.0.log" hvinfo 0 "the root session's keel hv info answers" \
		"^Boot entry: +keel-1\\.0\\.0\$"
	ok_step "$TMP/default-1.0.0.log" unit 0 "keel commit at boot again changes nothing and succeeds" \
		"already GRUB's default.*nothing was changed"
}
