#!/bin/sh
# apply_boot.sh: keel apply, commit's boot-chain change, rollback and
# uninstall on targets whose grub.cfg Debian's grub-mkconfig wrote: the
# keel entry, the trial, the fallback, byte-exact undo, and refusals.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/boot_fixture.sh"
need_pki

USER_CFG='# the administrator'"'"'s own entry
menuentry "rescue shell" {
	echo rescue
}'

pack 1.0.0 1 "$TMP/p10.ksp"
pack 1.1.0 2 "$TMP/p11.ksp"

# --- the first apply: a trial ----------------------------------------
fixture t1 FX_CUSTOM_CFG="$USER_CFG"
mkdir -p "$R/etc/systemd/system"   # a target that boots with systemd
keel_on_target "$R"   # what its commit unit runs
tree_state "$R" >"$TMP/s0"
cp "$R/$CUSTOM" "$TMP/custom0"
cp "$R/$ENV" "$TMP/env0"

run "$KEEL" apply --root "$R" --dry-run "$TMP/p10.ksp"
[ $rc -eq 0 ] && grep -q "replace  $CUSTOM" "$TMP/out" &&
	grep -q "replace  $ENV" "$TMP/out" && tree_state "$R" | cmp -s - "$TMP/s0"
ok $? "apply --dry-run lists custom.cfg and grubenv and changes nothing"

run "$KEEL" apply --root "$R" --yes "$TMP/p10.ksp"
[ $rc -eq 11 ] && ! grep -v "not the running system" "$TMP/err" | grep -q .
ok $? "apply that changes the boot chain exits 11 (done, reboot required) and says no error"
cp "$TMP/out" "$TMP/out0"
grep -q "^GRUB entry keel-1.0.0: keel-hv /boot/keel/keel-hv-1.0.0, then the system's own entry \"Debian GNU/Linux\"" "$TMP/out" &&
	grep -q "The next boot tries it once" "$TMP/out"
ok $? "apply names the entry, keel-hv and the entry it chains, and the trial"
head -n 4 "$R/$CUSTOM" | cmp -s - "$TMP/custom0"
ok $? "the administrator's lines in custom.cfg stay byte for byte"
block "$R/$CUSTOM" >"$TMP/b1"
grep -q "^menuentry 'keel 1.0.0: Debian GNU/Linux' .*\$menuentry_id_option 'keel-1.0.0' {" "$TMP/b1" &&
	grep -q "^	multiboot2 /boot/keel/keel-hv-1.0.0 entry=keel-1.0.0 serial=0x3f8\$" "$TMP/b1" &&
	grep -q "^	module2 /boot/vmlinuz-$K root=UUID=.* ro  quiet\$" "$TMP/b1" &&
	grep -q "^	module2 /boot/initrd.img-$K\$" "$TMP/b1"
ok $? "the keel entry boots keel-hv with the manifest's options, then the same kernel, command line and initrd"
grep -q '^set fallback="0"$' "$TMP/b1" && ! grep -q 'set default' "$TMP/b1"
ok $? "the trial sets GRUB's fallback to today's default entry and does not change the default"
[ "$(envvar next_entry)" = keel-1.0.0 ] && [ "$(stat -c %s "$R/$ENV")" = 1024 ]
ok $? "grubenv (1024 bytes, read by grub-editenv) has next_entry=keel-1.0.0"
cat "$R/boot/grub/grub.cfg" "$R/$CUSTOM" >"$TMP/all.cfg"
grub-script-check "$TMP/all.cfg" && grub-script-check "$R/$CUSTOM"
ok $? "grub.cfg with keel's custom.cfg passes grub-script-check"
[ "$("$SHOW" --state "$R" 1.0.0)" = trial ]
ok $? "the level's boot state is: trial pending"
run "$KEEL" status --root "$R"
grep -q "^Boot: *trial pending: the next boot tries keel-1.0.0 once" "$TMP/out"
ok $? "status says the trial boot is pending"

# GRUB clears next_entry at the trial boot (save_env): here, grub-editenv.
UNIT=etc/systemd/system/keel-commit.service
WANTS=etc/systemd/system/multi-user.target.d/keel-commit.conf
grep -q "^ExecStart=/.*/keel commit\$" "$R/$UNIT" && grep -q "^Type=oneshot\$" "$R/$UNIT" &&
	grep -q "^SuccessExitStatus=5\$" "$R/$UNIT" &&
	grep -q "^Wants=keel-commit.service\$" "$R/$WANTS" &&
	grep -q 'keel-commit.service runs "keel commit" in that boot' "$TMP/out0"
ok $? "apply installs keel-commit.service and has multi-user.target want it"
if command -v systemd-analyze >/dev/null 2>&1; then
	# The unit's keel is on the target, not on this machine.
	mkdir -p "$TMP/sysroot"
	sed "s|^ExecStart=[^ ]*|ExecStart=/bin/true|" "$R/$UNIT" >"$TMP/sysroot/keel-commit.service"
	systemd-analyze verify --man=no "$TMP/sysroot/keel-commit.service" >"$TMP/verify.out" 2>&1 &&
		! grep -q keel-commit "$TMP/verify.out"
	ok $? "systemd-analyze verify accepts the unit"
	[ $? -eq 0 ] || diag "$(cat "$TMP/verify.out")"
fi

grub-editenv "$R/$ENV" unset next_entry
[ "$("$SHOW" --state "$R" 1.0.0)" = uncommitted ]
ok $? "after the trial boot without commit the state is: not committed"
run "$KEEL" status --root "$R"
grep -q "^Boot: *trial boot did not complete: GRUB tried keel-1.0.0 once" "$TMP/out" &&
	grep -q 'keel rollback' "$TMP/out"
ok $? "status says the trial boot did not complete, and what to do"
run "$KEEL" status --root "$R" --json
grep -Eq '"boot": ?"uncommitted"' "$TMP/out"
ok $? "status --json: boot uncommitted"
refused_unchanged "$R" 5 "nothing to commit: keel-hv is not running" \
	"keel commit where no keel-hv runs is refused" "$KEEL" commit --root "$R"
"$SHOW" --commit "$R" 1.0.0 >/dev/null && block "$R/$CUSTOM" >"$TMP/b1c"
grep -q '^	set default="keel-1.0.0"$' "$TMP/b1c" && grep -q '^set fallback="0"$' "$TMP/b1c" &&
	grep -q '^if \[ -z "${boot_once}" \]; then$' "$TMP/b1c" &&
	grub-script-check "$R/$CUSTOM" && [ "$("$SHOW" --state "$R" 1.0.0)" = committed ]
ok $? "commit makes keel-1.0.0 the default (unless a one-shot entry chose), the old default the fallback"
run "$KEEL" status --root "$R" --json
grep -Eq '"boot": ?"committed"' "$TMP/out"
ok $? "status --json: boot committed"
cp "$R/$CUSTOM" "$TMP/custom1"
cp "$R/$ENV" "$TMP/env1"

# --- SP2 over the committed level -----------------------------------------
run "$KEEL" apply --root "$R" --yes "$TMP/p11.ksp"
block "$R/$CUSTOM" >"$TMP/b2"
[ $rc -eq 11 ] && grep -q '^	set default="keel-1.0.0"$' "$TMP/b2" &&
	grep -q "'keel-1.0.0' {" "$TMP/b2" && grep -q "'keel-1.1.0' {" "$TMP/b2" &&
	[ "$(envvar next_entry)" = keel-1.1.0 ]
ok $? "1.1.0 over committed 1.0.0: 1.0.0 stays the default and in the menu, 1.1.0 is tried once"
fb=$(sed -n 's/^set fallback="\(.*\)"$/\1/p' "$TMP/b2")
n_cfg=$(grep -c '^\(menuentry\|submenu\) ' "$R/boot/grub/grub.cfg")
[ "$fb" = $((n_cfg + 1)) ]
ok $? "the fallback during 1.1.0's trial is keel-1.0.0's menu number ($fb): grub.cfg's $n_cfg entries, the user's, then keel's"
[ "$(grep -c "^	module2 /boot/vmlinuz-$K root=UUID" "$TMP/b2")" = 2 ] &&
	grep -q "^menuentry 'keel 1.1.0: Debian GNU/Linux'" "$TMP/b2"
ok $? "1.1.0 chains the kernel the committed keel-1.0.0 entry chains, not keel-hv 1.0.0"
grub-script-check "$R/$CUSTOM"
ok $? "the two-level custom.cfg passes grub-script-check"

run "$KEEL" rollback --root "$R" --yes
[ $rc -eq 11 ] && cmp -s "$R/$CUSTOM" "$TMP/custom1" && cmp -s "$R/$ENV" "$TMP/env1"
ok $? "rollback exits 11 and puts custom.cfg and grubenv back byte for byte (1.0.0 committed)"

run "$KEEL" uninstall --root "$R" --yes
[ $rc -eq 11 ] && cmp -s "$R/$CUSTOM" "$TMP/custom0" && cmp -s "$R/$ENV" "$TMP/env0" &&
	tree_state "$R" | cmp -s - "$TMP/s0"
ok $? "uninstall exits 11 and leaves the tree, custom.cfg and grubenv as before keel"

# --- a pack without a hypervisor on top leaves the boot chain alone ----------
mkdir -p "$TMP/src"
printf 'tool\n' >"$TMP/src/tool"
cat >"$TMP/m-tools.json" <<'JSON'
{ "format": 1, "name": "keel", "version": "1.5.0", "level": 3,
  "requires": { "arch": "x86_64", "cpu": ["amd-v", "vt-x"] },
  "files": [ { "path": "usr/sbin/keel-tool", "source": "tool", "mode": "0755", "role": "tool" } ] }
JSON
make_pack "$TMP/m-tools.json" "$TMP/src" "$TMP/tools.ksp" >/dev/null
fixture t11
"$KEEL" apply --root "$R" --yes "$TMP/p10.ksp" >/dev/null 2>&1
cp "$R/$CUSTOM" "$TMP/custom11"
run "$KEEL" apply --root "$R" --yes "$TMP/tools.ksp"
[ $rc -eq 0 ] && cmp -s "$R/$CUSTOM" "$TMP/custom11" && [ "$(envvar next_entry)" = keel-1.0.0 ]
ok $? "a pack that names no hypervisor changes no boot file and exits 0"
run "$KEEL" status --root "$R"
grep -q "^Installed: *keel 1.5.0" "$TMP/out" &&
	grep -q "^Boot: *trial pending: the next boot tries keel-1.0.0 once" "$TMP/out"
ok $? "status reports the boot state of the highest level with a GRUB entry (1.0.0 under 1.5.0)"
run "$KEEL" status --root "$R" --json
grep -Eq '"boot_entry": ?"keel-1.0.0"' "$TMP/out"
ok $? "status --json names that entry"

# --- a pack that supersedes the committed level ------------------------------
SUPERSEDES='"1.0.0"' pack 2.0.0 3 "$TMP/p20.ksp"
fixture t10
"$KEEL" apply --root "$R" --yes "$TMP/p10.ksp" >/dev/null 2>&1
"$SHOW" --commit "$R" 1.0.0 >/dev/null
run "$KEEL" apply --root "$R" --yes "$TMP/p20.ksp"
block "$R/$CUSTOM" >"$TMP/b20"
[ $rc -eq 11 ] && [ ! -e "$R/boot/keel/keel-hv-1.0.0" ] &&
	! grep -q "keel-1.0.0" "$TMP/b20" && ! grep -q "set default" "$TMP/b20" &&
	grep -q '^set fallback="0"$' "$TMP/b20" && [ "$(envvar next_entry)" = keel-2.0.0 ] &&
	grub-script-check "$R/$CUSTOM"
ok $? "superseding the committed level takes its entry out with its keel-hv; the native entry is the default and fallback"
run "$KEEL" rollback --root "$R" --yes
[ $rc -eq 11 ] && [ -e "$R/boot/keel/keel-hv-1.0.0" ] &&
	block "$R/$CUSTOM" | grep -q '^	set default="keel-1.0.0"$'
ok $? "rolling the superseding level back brings keel-1.0.0's entry and default back"

# --- lines the administrator adds after apply survive rollback, uninstall --
fixture t8 FX_CUSTOM_CFG="$USER_CFG"
cp "$R/$CUSTOM" "$TMP/custom0"
"$KEEL" apply --root "$R" --yes "$TMP/p10.ksp" >/dev/null 2>&1
"$SHOW" --commit "$R" 1.0.0 >/dev/null
cp "$R/$CUSTOM" "$TMP/custom1"
"$KEEL" apply --root "$R" --yes "$TMP/p11.ksp" >/dev/null 2>&1
printf 'set timeout=7\n' >>"$R/$CUSTOM"
run "$KEEL" rollback --root "$R" --yes
{ cat "$TMP/custom1"; printf 'set timeout=7\n'; } | cmp -s - "$R/$CUSTOM"
ok $? "rollback puts keel's block back as it was and keeps a line the administrator added since"
run "$KEEL" uninstall --root "$R" --yes
{ cat "$TMP/custom0"; printf 'set timeout=7\n'; } | cmp -s - "$R/$CUSTOM" &&
	grub-script-check "$R/$CUSTOM"
ok $? "uninstall takes keel's block out and keeps the administrator's lines, old and new"
fixture t9
"$KEEL" apply --root "$R" --yes "$TMP/p10.ksp" >/dev/null 2>&1
sed -i '1i # mine' "$R/$CUSTOM"
run "$KEEL" uninstall --root "$R" --yes
[ $rc -eq 11 ] && [ "$(cat "$R/$CUSTOM")" = "# mine" ]
ok $? "a custom.cfg keel created keeps the administrator's line after uninstall, without keel's block"

# --- no custom.cfg before; --no-trial ---------------------------------------
fixture t2
run "$KEEL" apply --root "$R" --yes --no-trial "$TMP/p10.ksp"
block "$R/$CUSTOM" >"$TMP/b3"
[ $rc -eq 11 ] && grep -q '^	set default="keel-1.0.0"$' "$TMP/b3" &&
	[ -z "$(envvar next_entry)" ] && grep -q "It is the default from the next boot on" "$TMP/out"
ok $? "--no-trial makes the entry the default at once and sets no next_entry"
[ ! -e "$R/etc/systemd" ]
ok $? "a target without /etc/systemd gets no unit"
[ "$(head -n 1 "$R/$CUSTOM")" = "$(sed -n 1p "$TMP/b3")" ] && [ "$(stat -c %a "$R/$CUSTOM")" = 644 ]
ok $? "a custom.cfg keel creates holds only its block, mode 0644"
run "$KEEL" rollback --root "$R" --yes
[ $rc -eq 11 ] && [ ! -e "$R/$CUSTOM" ] && [ -z "$(envvar next_entry)" ]
ok $? "rollback removes the custom.cfg that keel created"

run "$KEEL" apply --root "$R" --yes --json "$TMP/p10.ksp"
[ $rc -eq 11 ] && grep -Eq '"entry": ?"keel-1.0.0"' "$TMP/out" &&
	grep -Eq '"trial": ?true' "$TMP/out" && grep -Eq '"chains": ?"Debian GNU/Linux"' "$TMP/out"
ok $? "apply --json reports the boot entry, what it chains and the trial"
"$KEEL" uninstall --root "$R" --yes >/dev/null 2>&1

# --- refusals: each says why, and nothing changes ----------------------------
refused() {  # refused PATTERN DESCRIPTION PACK [OPTION]
	tree_state "$R" >"$TMP/before"
	expect_fail 10 "$1" "$2" "$KEEL" apply --root "$R" --yes ${4:+"$4"} "$3"
	tree_state "$R" | cmp -s - "$TMP/before" && [ ! -e "$R/var/lib/keel/installed/1.json" ]
	ok $? "  and changes nothing"
}

R=$TMP/bare
make_root "$R"
mkdir -p "$R/boot"
refused "grub.cfg does not exist.*GRUB installed" \
	"a target without grub.cfg is refused" "$TMP/p10.ksp"

fixture t3 FX_NO_41_CUSTOM=1
refused "does not source custom.cfg.*41_custom" \
	"a grub.cfg that does not source custom.cfg is refused, with the fix" "$TMP/p10.ksp"

fixture t4
rm "$R/boot/vmlinuz-$K"
refused "loads the kernel /boot/vmlinuz-$K, which is not at" \
	"a target whose default kernel is not in its /boot is refused" "$TMP/p10.ksp"

fixture t5
printf 'menuentry "x" {\n' >>"$R/$CUSTOM"
refused "custom.cfg, line 1: a menu entry or submenu is not closed" \
	"a custom.cfg keel cannot read is refused with its line" "$TMP/p10.ksp"

# (A pack that ships custom.cfg itself cannot be signed or applied:
# tests/integration/bad_packs.sh.)
fixture t6
sed -i '/^ *set default="\${next_entry}"/d' "$R/boot/grub/grub.cfg"
refused "does not boot a one-shot next_entry.*--no-trial" \
	"a grub.cfg without 00_header's next_entry is refused for a trial" "$TMP/p10.ksp"
run "$KEEL" apply --root "$R" --yes --no-trial "$TMP/p10.ksp"
[ $rc -eq 11 ]
ok $? "  and accepted with --no-trial"

done_testing
