#!/bin/sh
# undo_admin_grub.sh: rollback and uninstall undo keel's own edits to
# GRUB's files (next_entry in grubenv, its block in custom.cfg) and keep
# what the administrator changed since, with the real grub-editenv.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/boot_fixture.sh"
need_pki

USER_CFG='menuentry "rescue shell" --id rescue {
	echo rescue
}'

pack 1.0.0 1 "$TMP/p10.ksp"
pack 1.1.0 2 "$TMP/p11.ksp"

# snapshot NAME: a copy of the target as it is, to edit into what an undo
# must leave.
snapshot() { rm -rf "$TMP/$1"; cp -a "$R" "$TMP/$1"; }
# same_tree NAME: the target equals the edited copy, path by path.
same_tree() {
	tree_state "$TMP/$1" >"$TMP/want.state"
	tree_state "$R" >"$TMP/got.state"
	cmp -s "$TMP/want.state" "$TMP/got.state" ||
		{ diag "$(diff "$TMP/want.state" "$TMP/got.state")"; return 1; }
}
# admin DIR: what the administrator does after keel: two variables set
# with grub-editenv, a line added to custom.cfg by hand.
admin() {
	grub-editenv "$1/$ENV" set saved_entry=rescue admin_var=kept &&
		printf 'set timeout=7\n' >>"$1/$CUSTOM"
}
listed() { grub-editenv "$R/$ENV" list >"$TMP/list" && grep -qx "$1" "$TMP/list"; }

# --- rollback of a trial over a committed level, then uninstall -------------
fixture a FX_CUSTOM_CFG="$USER_CFG"
snapshot before_keel
"$KEEL" apply --root "$R" --yes "$TMP/p10.ksp" >/dev/null 2>&1
grub-editenv "$R/$ENV" unset next_entry   # the trial boot (GRUB's save_env)
"$SHOW" --commit "$R" 1.0.0 >/dev/null
snapshot level1
run "$KEEL" apply --root "$R" --yes "$TMP/p11.ksp"
[ $rc -eq 11 ] && [ "$(envvar next_entry)" = keel-1.1.0 ]
ok $? "1.1.0 is applied with a trial: next_entry=keel-1.1.0"
admin "$R"

tree_state "$R" >"$TMP/s_admin"
run "$KEEL" rollback --root "$R" --dry-run
[ $rc -eq 0 ] && grep -Eq "^  (restore|replace) +$ENV\$" "$TMP/out" &&
	grep -Eq "^  (restore|replace) +$CUSTOM\$" "$TMP/out" &&
	tree_state "$R" | cmp -s - "$TMP/s_admin"
ok $? "rollback --dry-run lists grubenv and custom.cfg and changes nothing"
grep -q "grubenv changed since keel wrote it: keel undoes only its own next_entry" "$TMP/err" &&
	grep -q "custom.cfg changed since keel wrote it: keel puts back only its own block" "$TMP/err"
ok $? "  and says that it keeps the administrator's changes to both"

run "$KEEL" rollback --root "$R" --yes
admin "$TMP/level1"
[ $rc -eq 11 ] && same_tree level1
ok $? "rollback: the tree of level 1.0.0, with the administrator's variables and line"
listed saved_entry=rescue && listed admin_var=kept && ! grep -q '^next_entry=' "$TMP/list"
ok $? "  grub-editenv lists saved_entry and admin_var, and no next_entry"
! grep -q "warning" "$TMP/err"
ok $? "  a saved_entry naming the administrator's own entry draws no warning"
cat "$R/boot/grub/grub.cfg" "$R/$CUSTOM" >"$TMP/all.cfg"
grub-script-check "$TMP/all.cfg"
ok $? "  grub.cfg with the merged custom.cfg passes grub-script-check"

run "$KEEL" uninstall --root "$R" --yes
admin "$TMP/before_keel"
[ $rc -eq 11 ] && same_tree before_keel && grub-editenv "$R/$ENV" list >/dev/null
ok $? "uninstall: the tree before keel, with the administrator's variables and line"

# --- uninstall with keel's trial pending; the one-shot keel replaced --------
fixture b
grub-editenv "$R/$ENV" set next_entry=rescue   # the administrator's one-shot
snapshot before_keel
"$KEEL" apply --root "$R" --yes "$TMP/p10.ksp" >/dev/null 2>&1
[ "$(envvar next_entry)" = keel-1.0.0 ]
ok $? "apply replaces the administrator's next_entry with keel's trial"
grub-editenv "$R/$ENV" set saved_entry=keel-1.0.0 admin_var=kept
sed -i '1i # mine' "$R/$CUSTOM"
run "$KEEL" uninstall --root "$R" --yes
grub-editenv "$TMP/before_keel/$ENV" set saved_entry=keel-1.0.0 admin_var=kept
printf '# mine\n' >"$TMP/before_keel/$CUSTOM"
[ $rc -eq 11 ] && same_tree before_keel && listed next_entry=rescue
ok $? "uninstall puts the administrator's next_entry back and keeps their variables and custom.cfg line"
grep -q "warning: .*grubenv sets saved_entry to \"keel-1.0.0\", an entry that \"keel uninstall\" takes away" "$TMP/err"
ok $? "  and warns that their saved_entry names an entry that is gone"

# --- the administrator removed custom.cfg after keel ------------------------
fixture c FX_CUSTOM_CFG="$USER_CFG"
snapshot before_keel
"$KEEL" apply --root "$R" --yes "$TMP/p10.ksp" >/dev/null 2>&1
rm "$R/$CUSTOM"
run "$KEEL" uninstall --root "$R" --dry-run
! grep -q " $CUSTOM\$" "$TMP/out" && grep -Eq "^  (restore|replace) +$ENV\$" "$TMP/out" &&
	grep -q "custom.cfg was removed since keel wrote it, and it stays removed" "$TMP/err"
ok $? "uninstall --dry-run: a custom.cfg the administrator removed is not put back"
run "$KEEL" uninstall --root "$R" --yes
rm "$TMP/before_keel/$CUSTOM"
[ $rc -eq 11 ] && same_tree before_keel
ok $? "uninstall: custom.cfg stays removed, grubenv is as before keel"

fixture d FX_CUSTOM_CFG="$USER_CFG"
"$KEEL" apply --root "$R" --yes --no-trial "$TMP/p10.ksp" >/dev/null 2>&1
block "$R/$CUSTOM" >"$TMP/block1"
snapshot level1
"$KEEL" apply --root "$R" --yes "$TMP/p11.ksp" >/dev/null 2>&1
rm "$R/$CUSTOM"
run "$KEEL" rollback --root "$R" --yes
cp "$TMP/block1" "$TMP/level1/$CUSTOM"
[ $rc -eq 11 ] && same_tree level1 && grub-script-check "$R/$CUSTOM"
ok $? "rollback to a level with an entry: the removed custom.cfg holds only keel's block of that level"

# --- the administrator's own default names a keel entry that goes -----------
fixture f FX_CUSTOM_CFG="$USER_CFG"
"$KEEL" apply --root "$R" --yes --no-trial "$TMP/p10.ksp" >/dev/null 2>&1
printf 'set default="keel-1.0.0"\n' >>"$R/$CUSTOM"
run "$KEEL" uninstall --root "$R" --yes
{ printf '%s\n' "$USER_CFG"; printf 'set default="keel-1.0.0"\n'; } | cmp -s - "$R/$CUSTOM" &&
	[ $rc -eq 11 ] && grub-script-check "$R/$CUSTOM"
ok $? "uninstall keeps a default the administrator set in custom.cfg, outside keel's block"
grep -q "warning: .*custom.cfg sets default to \"keel-1.0.0\", an entry that \"keel uninstall\" takes away" "$TMP/err"
ok $? "  and warns that it names an entry that is gone"

# --- a damaged saved grubenv is refused, never merged ------------------------
fixture g
cp "$R/$ENV" "$TMP/env0"
"$KEEL" apply --root "$R" --yes "$TMP/p10.ksp" >/dev/null 2>&1
grub-editenv "$R/$ENV" set admin_var=kept
for f in "$R"/var/lib/keel/backup/*/*; do
	cmp -s "$f" "$TMP/env0" && saved=$f
done
[ -n "${saved-}" ] && grub-editenv "$saved" set saved_entry=planted
ok $? "the saved copy of grubenv is found in the backup store, and altered"
refused_unchanged "$R" 1 "saved copy of .*grubenv.*does not match what transaction" \
	"uninstall refuses a saved grubenv that differs from what its transaction recorded" \
	"$KEEL" uninstall --root "$R" --yes

# --- no grubenv before keel --------------------------------------------------
fixture e
rm "$R/$ENV"
snapshot before_keel
"$KEEL" apply --root "$R" --yes "$TMP/p10.ksp" >/dev/null 2>&1
run "$KEEL" rollback --root "$R" --yes
[ $rc -eq 11 ] && [ ! -e "$R/$ENV" ] && same_tree before_keel
ok $? "a grubenv keel created that holds only next_entry goes with the rollback"
"$KEEL" apply --root "$R" --yes "$TMP/p10.ksp" >/dev/null 2>&1
grub-editenv "$R/$ENV" set admin_var=kept
run "$KEEL" uninstall --root "$R" --yes
[ $rc -eq 11 ] && [ "$(grub-editenv "$R/$ENV" list)" = admin_var=kept ] &&
	[ "$(stat -c %s "$R/$ENV")" = 1024 ]
ok $? "one the administrator added a variable to stays, without next_entry"

# --- files keel cannot undo its edit on: put back, and kept as .keel-old ------
fixture i FX_CUSTOM_CFG="$USER_CFG"
snapshot before_keel
"$KEEL" apply --root "$R" --yes "$TMP/p10.ksp" >/dev/null 2>&1
printf 'not an environment block\n' >"$R/$ENV"
sed -i '/^### END keel ###$/d; $a set timeout=7' "$R/$CUSTOM"
cp "$R/$ENV" "$TMP/before_keel/$ENV.keel-old"
cp "$R/$CUSTOM" "$TMP/before_keel/$CUSTOM.keel-old"
run "$KEEL" uninstall --root "$R" --dry-run
grep -Eq "^  keep +$ENV.keel-old( |$)" "$TMP/out" && grep -Eq "^  keep +$CUSTOM.keel-old( |$)" "$TMP/out"
ok $? "uninstall --dry-run names the copies it keeps of a grubenv and a custom.cfg it cannot undo its edit on"
run "$KEEL" uninstall --root "$R" --yes
[ $rc -eq 11 ] && same_tree before_keel
ok $? "uninstall puts both back as before keel and keeps the administrator's versions as .keel-old"
grep -q "warning: .*grubenv is not a GRUB environment block.*keeps the file as it is now as .*grubenv.keel-old" "$TMP/err" &&
	grep -q "warning: keel cannot find where its own block in custom.cfg ends.*custom.cfg.keel-old" "$TMP/err"
ok $? "  and says why, for each"

# --- the administrator removed grubenv after keel -----------------------------
fixture h FX_CUSTOM_CFG="$USER_CFG"
snapshot before_keel
"$KEEL" apply --root "$R" --yes "$TMP/p10.ksp" >/dev/null 2>&1
rm "$R/$ENV"
run "$KEEL" uninstall --root "$R" --yes
rm "$TMP/before_keel/$ENV"
[ $rc -eq 11 ] && same_tree before_keel &&
	grep -q "grubenv was removed since keel wrote it, and it stays removed" "$TMP/err"
ok $? "uninstall: a grubenv the administrator removed stays removed, and keel says so"


# --- a FIFO where keel left grubenv: refused at once, nothing opened ---------
fixture j FX_CUSTOM_CFG="$USER_CFG"
"$KEEL" apply --root "$R" --yes "$TMP/p10.ksp" >/dev/null 2>&1
rm "$R/$ENV" && mkfifo "$R/$ENV"
refused_unchanged "$R" 10 "grubenv is a directory, device, FIFO or socket where keel changes a file" \
	"rollback refuses a FIFO where keel left grubenv, without blocking" \
	timeout 60 "$KEEL" rollback --root "$R" --yes

done_testing
