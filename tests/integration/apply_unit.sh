#!/bin/sh
# apply_unit.sh: keel-commit.service runs keel on the target, so apply
# installs it only where that program is (symlinks followed inside the
# target) or comes with the pack; otherwise it refuses and changes nothing.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/integration/boot_fixture.sh"
need_pki
UNIT=etc/systemd/system/keel-commit.service
pack 1.0.0 1 "$TMP/p10.ksp"

# A systemd target with keel where the unit runs it: applied, and the
# unit names exactly that program.
fixture present
mkdir -p "$R/etc/systemd/system"
keel_on_target "$R"
P=${KEEL_ON_TARGET#/}
run "$KEEL" apply --root "$R" --yes "$TMP/p10.ksp"
[ $rc -eq 11 ] && grep -qx "ExecStart=$KEEL_ON_TARGET commit" "$R/$UNIT" &&
	[ -x "$R/$P" ] && [ -f "$R/$P" ]
ok $? "with keel at $KEEL_ON_TARGET on the target, apply installs the unit that runs it"
[ $rc -eq 11 ] || diag "exit $rc: $(cat "$TMP/err")"

# refused NAME PATTERN DESCRIPTION [PACK]: apply and its dry run refuse
# the target $R (exit 10) with PATTERN, and change nothing.
refused() {
	tree_state "$R" >"$TMP/before"
	expect_fail 10 "$2" "$3 (dry run)" "$KEEL" apply --root "$R" --dry-run "${4:-$TMP/p10.ksp}"
	expect_fail 10 "$2" "$3" "$KEEL" apply --root "$R" --yes "${4:-$TMP/p10.ksp}"
	tree_state "$R" | cmp -s - "$TMP/before" && [ ! -e "$R/var/lib/keel/installed" ] &&
		[ ! -e "$R/$UNIT" ]
	ok $? "  and changes nothing"
}
remedy="Install keel on the target first \\(at $KEEL_ON_TARGET\\), then apply again"
systemd_target() {  # systemd_target NAME: a fixture that boots with systemd, without keel
	fixture "$1"
	mkdir -p "$R/etc/systemd/system" "$R${KEEL_ON_TARGET%/*}"
}

systemd_target missing
refused missing "$R/$P does not exist, but keel-commit.service.*runs \"$KEEL_ON_TARGET commit\".*$remedy" \
	"a systemd target without keel is refused, with the remedy"

# An absolute symlink leads inside the target, not to this machine's
# file: to a keel in the target it is accepted, to a program only this
# machine has it is a link to nothing.
systemd_target inside
mkdir -p "$R/opt/keel-$$"
cp "$KEEL" "$R/opt/keel-$$/keel"
ln -s "/opt/keel-$$/keel" "$R/$P"
run "$KEEL" apply --root "$R" --yes "$TMP/p10.ksp"
[ $rc -eq 11 ] && [ -f "$R/$UNIT" ] && [ ! -e "/opt/keel-$$/keel" ]
ok $? "keel reached by an absolute symlink inside the target is accepted"
# A relative symlink is followed from its own directory, as the booted
# system follows it; a loop of symlinks leads nowhere.
systemd_target relative
mkdir -p "$R${KEEL_ON_TARGET%/*}/../keel-rel"
cp "$KEEL" "$R${KEEL_ON_TARGET%/*}/../keel-rel/keel"
ln -s ../keel-rel/keel "$R/$P"
run "$KEEL" apply --root "$R" --yes "$TMP/p10.ksp"
[ $rc -eq 11 ] && [ -f "$R/$UNIT" ]
ok $? "keel reached by a relative symlink inside the target is accepted"
[ $rc -eq 11 ] || diag "exit $rc: $(cat "$TMP/err")"
systemd_target loop
ln -s keel-loop "$R/$P" && ln -s keel "$R${KEEL_ON_TARGET%/*}/keel-loop"
refused loop "$P is a loop of symbolic links on the target.*$remedy" \
	"a loop of symlinks where keel belongs is refused"
systemd_target outside
ln -s "$(command -v sh)" "$R/$P"
refused outside "$P is a symbolic link to nothing on the target.*$remedy" \
	"a symlink to a program this machine has but the target does not is refused"

systemd_target noexec
cp "$KEEL" "$R/$P" && chmod 0644 "$R/$P"
refused noexec "$P is not executable" "a keel without execute permission is refused"
systemd_target dir
mkdir "$R/$P"
refused dir "$P is not a regular file" "a directory where keel belongs is refused"

# A pack that installs keel itself brings what its unit runs.
printf '#!/bin/sh\n' >"$TMP/src/keel-prog"
pack 1.0.0 1 "$TMP/with-keel.ksp" "{ \"path\": \"$P\", \"source\": \"keel-prog\", \"mode\": \"0755\", \"role\": \"tool\" }"
pack 1.0.0 1 "$TMP/with-keel-0644.ksp" "{ \"path\": \"$P\", \"source\": \"keel-prog\", \"mode\": \"0644\", \"role\": \"tool\" }"
systemd_target shipped
run "$KEEL" apply --root "$R" --yes "$TMP/with-keel.ksp"
[ $rc -eq 11 ] && [ -f "$R/$UNIT" ] && [ "$(stat -c %a "$R/$P")" = 755 ]
ok $? "a pack that installs keel (0755) where the unit runs it is accepted on a target without keel"
systemd_target shipped0644
refused shipped0644 "$P would be installed by the pack without execute permission" \
	"a pack that installs keel without execute permission is refused" "$TMP/with-keel-0644.ksp"

# Without systemd there is no unit, and keel on the target is not asked for.
fixture nosystemd
run "$KEEL" apply --root "$R" --yes "$TMP/p10.ksp"
[ $rc -eq 11 ] && [ ! -e "$R/etc/systemd" ] && [ ! -e "$R/$P" ]
ok $? "a target without systemd gets no unit and needs no keel"

done_testing
