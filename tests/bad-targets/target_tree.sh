# tests/bad-targets/target_tree.sh: target trees that do not fit a pack:
# staging names in the way, symlinked directories, aliases, a read-only mount.
# Sourced by tests/integration/bad_targets.sh; one case_* function per case.
# Each is refused with exit 10 before the transaction begins, naming the path.

# staging SUFFIX KIND: usr/sbin/keel-tool (which PACK2 replaces, PACK1
# installed) has a sibling under one of keel's staging names already: a
# symlink to, or a hard link of, a sentinel file. keel must neither write
# through it nor remove what it did not make, nor leave an undo pending.
staging() {
	new_case "$TMP/t-one"
	_at=$R/usr/sbin/keel-tool$1
	case $2 in
	symlink) ln -s "$S/file" "$_at" ;;
	hardlink) ln "$S/file" "$_at" ;;
	esac
	_pat=$(rx "usr/sbin/keel-tool$1") _d="usr/sbin/keel-tool$1 a $2 of a sentinel file"
	refused 10 "$_pat" "$_d" apply --yes "$PACK2"
	# At once: the next refusal would finish an undo left pending.
	settled "$_d: the refused apply left no undo pending"
	refused 10 "$_pat" "$_d" apply --dry-run "$PACK2"
	refused 10 "$_pat" "$_d" rollback --yes
	settled "$_d: nor did the refused rollback"
	rm "$_at"
	accepted "$_d: once the administrator removes it, the apply goes ahead" \
		apply --yes "$PACK2"
}
case_staging_new_symlink() { staging .keel-new symlink; }
case_staging_new_hardlink() { staging .keel-new hardlink; }
case_staging_tmp_symlink() { staging .keel-tmp symlink; }
case_staging_undo_symlink() { staging .keel-undo symlink; }
case_staging_undo_hardlink() { staging .keel-undo hardlink; }

# On a target keel never changed, a refused apply leaves no trace either:
# not even an empty state directory ("nothing was changed", it says).
case_staging_fresh_target() {
	new_case "$TMP/t-base"
	ln "$S/file" "$R/usr/sbin/keel-tool.keel-new"
	refused 10 "$(rx usr/sbin/keel-tool.keel-new)" \
		"a hard-linked usr/sbin/keel-tool.keel-new on a fresh target" \
		apply --yes "$PACK1"
}

# symlinked_dir TARGET DESCRIPTION: boot/keel, a directory PACK1 creates,
# is a symlink to TARGET; refused up front, and the target not wedged.
symlinked_dir() {
	new_case "$TMP/t-base"
	ln -s "$1" "$R/boot/keel"
	refused 10 'boot/keel' "boot/keel $2" apply --yes "$PACK1"
	settled "boot/keel $2: the refusal leaves the target usable"
	refused 10 'boot/keel' "boot/keel $2" apply --dry-run "$PACK1"
	rm "$R/boot/keel"
	accepted "boot/keel $2: once the administrator removes it, apply works" \
		apply --yes "$PACK1"
	[ -f "$R/boot/keel/keel-hv-1.0" ] && [ ! -h "$R/boot/keel" ]
	ok $? "boot/keel $2: the apply after it made boot/keel a directory"
}
case_boot_keel_dangling() { symlinked_dir /nonexistent/keel "a dangling symlink"; }
# Out of the target if followed from the host: ../../sentinel/sub from
# root/boot is the sentinel's subdirectory.
case_boot_keel_outward() { symlinked_dir ../../sentinel/sub "a symlink out of the target"; }
case_boot_keel_absolute() { symlinked_dir "$S/sub" "an absolute symlink to the sentinel"; }

# alias_pack PATH: $C/alias.ksp, keel 1.5.0 (an upgrade over PACK1)
# installing one file at PATH.
alias_pack() {
	mkdir -p "$C/src"
	printf 'installed through an alias\n' >"$C/src/x"
	cat >"$C/alias.json" <<JSON
{ "format": 1, "name": "keel", "version": "1.5.0", "level": 2,
  "supersedes": ["1.0.0"],
  "requires": { "arch": "x86_64", "cpu": ["amd-v", "vt-x"] },
  "files": [
    { "path": "$1", "source": "x", "mode": "0644", "role": "data" }
  ] }
JSON
	make_pack "$C/alias.json" "$C/src" "$C/alias.ksp" >/dev/null 2>&1 ||
		diag "cannot build the pack installing $1: the case tests nothing"
}

# alias LINK TARGET PATH: the target (PACK1 installed) has LINK -> TARGET,
# and a signed pack installs PATH through it into what protects the system.
through_alias() {
	new_case "${ALIAS_BASE:-$TMP/t-one}"
	mkdir -p "$R/boot/grub" "$R/opt"
	[ -e "$R/boot/grub/grub.cfg" ] || printf 'set default=0\n' >"$R/boot/grub/grub.cfg"
	ln -s "$2" "$R/$1"
	alias_pack "$3"
	refused 10 "$(rx "$3")" "$3 through $1 -> $2" apply --yes "$C/alias.ksp"
	refused 10 "$(rx "$3")" "$3 through $1 -> $2" apply --dry-run "$C/alias.ksp"
}
case_alias_state_absolute() { through_alias opt/alias /var/lib/keel opt/alias/journal; }
case_alias_state_new_file() { through_alias opt/alias /var/lib/keel opt/alias/x; }
case_alias_state_relative() { through_alias opt/alias ../var/lib/keel opt/alias/installed/9.json; }
case_alias_state_parent() { through_alias opt/alias ../var opt/alias/lib/keel/lock; }
case_alias_trust() { through_alias opt/trust ../etc/keel/trust.d opt/trust/evil.pem; }
case_alias_crl() { through_alias opt/crl /etc/keel/crl.d opt/crl/evil.crl; }
case_alias_grub_cfg() { through_alias opt/grub ../boot/grub opt/grub/grub.cfg; }
# On a target keel never touched, its state directory does not exist yet;
# keel's own commit unit is a file, not a directory.
case_alias_state_not_yet() {
	ALIAS_BASE=$TMP/t-base through_alias opt/alias ../var/lib opt/alias/keel/tx/7.json
}
case_alias_unit() {
	mkdir -p "$TMP/t-one/etc/systemd/system"
	through_alias opt/units ../etc/systemd/system opt/units/Keel-Commit.service
}

# ro_wrap CMD...: CMD in a mount namespace of its own in which $RO_DIR is a
# read-only bind mount of itself; the host's mounts stay as they are.
ro_wrap() {
	unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" &&
		shift && exec "$@"' sh "$RO_DIR" "$@"
}
ro_possible() {
	mkdir -p "$TMP/ro-probe"
	RO_DIR=$TMP/ro-probe
	ro_wrap sh -c '! touch "$1/x"' sh "$TMP/ro-probe" 2>/dev/null
}

# usr/sbin (where PACK2 replaces keel-tool) read-only: refused before it
# begins, so no half-done apply and no undo that cannot run.
case_readonly_usr_sbin() {
	if ! ro_possible; then
		diag "skipped: a read-only bind mount: unshare -m or mount is not permitted here"
		return 0
	fi
	new_case "$TMP/t-one"
	RO_DIR=$R/usr/sbin BT_WRAP=ro_wrap
	refused 10 'usr/sbin.*read-only' "usr/sbin on a read-only mount" apply --yes "$PACK2"
	refused 10 'usr/sbin.*read-only' "usr/sbin on a read-only mount" apply --dry-run "$PACK2"
	refused 10 'usr/sbin.*read-only' "usr/sbin on a read-only mount" rollback --yes
	settled "usr/sbin read-only: status answers, no undo pending"
	BT_WRAP=
	settled "usr/sbin read-only: status after the mount is gone"
	accepted "usr/sbin read-only: apply after the mount is gone" apply --yes "$PACK2"
}
