#!/bin/sh
# bad_targets.sh: the bad-target corpus, tree half: target trees that do not
# fit (tests/bad-targets/target_*.sh); keel refuses up front, touching nothing.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/apply_fixture.sh"
. "$top_srcdir/tests/bad-targets/lib.sh"
need_pki
bt_templates

# --- controls: the harness sees a refusal that changed something -----------
new_case "$TMP/t-base"
bt_snap before
ln -s "$S/file" "$R/usr/sbin/keel-tool.keel-new"
bt_snap after
_why=
bt_unchanged tree
[ -n "$_why" ]
ok $? "control: a staging name added to the target is seen"
# In a subshell, so that its TAP line is only looked at, not counted.
new_case "$TMP/t-base"
_out=$(refused "0 11" . "a successful apply" apply --yes "$PACK1")
case $_out in
"not ok"*"the target changed;"*"keel's state directory changed;"*) ok 0 "control: refused sees an apply that changed the target" ;;
*) ok 1 "control: refused sees an apply that changed the target"; diag "$_out" ;;
esac

run_cases "$top_srcdir/tests/bad-targets/target_tree.sh"

# GRUB's files need a target grub-mkconfig made (tests/grub/mkfixture.sh,
# under unshare -r); boot_fixture.sh skips the whole test without it, so it
# is only sourced when the GRUB cases can run.
if unshare -rm true 2>/dev/null && [ -x /etc/grub.d/10_linux ]; then
	. "$top_srcdir/tests/integration/boot_fixture.sh"
	. "$top_srcdir/tests/bad-targets/target_grub.sh"
	grub_templates
	run_cases "$top_srcdir/tests/bad-targets/target_grub.sh"
else
	diag "skipped: the grubenv cases: unshare -rm or grub-common is missing"
fi
done_testing
