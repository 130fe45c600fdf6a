#!/bin/sh
# kernel_hook.sh: keel refresh and the kernel hooks apply installs: after a
# kernel is installed and grub.cfg made again by Debian's grub-mkconfig,
# the hook (run in a chroot of the target) moves keel's entries to it; after
# its removal, back; the hypervisor, default and fallback stay.
. "$top_srcdir/tests/lib.sh"
K=6.1.0-25-amd64
. "$top_srcdir/tests/integration/boot_fixture.sh"
need_pki
K2=6.1.0-28-amd64
POSTINST=etc/kernel/postinst.d/zzz-keel
POSTRM=etc/kernel/postrm.d/zzz-keel
pack 1.0.0 1 "$TMP/p10.ksp"

fixture t1
mkdir -p "$R/etc/kernel/postinst.d" "$R/etc/kernel/postrm.d"

# The hooks run on the target with its own keel and shell: put them there
# as a package would, with their libraries. chroot in a user namespace
# needs no privileges; /proc is bound for a sanitizer build's runtime.
copy_in() {  # copy_in FILE DEST-IN-TARGET
	mkdir -p "$R$(dirname "$2")" && cp "$1" "$R$2" || return 1
	for _lib in $(ldd "$1" 2>/dev/null | grep -Eo '/[^ ]+'); do
		mkdir -p "$R${_lib%/*}" && cp -L "$_lib" "$R$_lib" || return 1
	done
}
in_target() {  # in_target CMD...: runs CMD chrooted into the target
	unshare -rm sh -c 'mkdir -p "$0/proc" && mount --rbind /proc "$0/proc" &&
		exec chroot "$0" "$@"' "$R" "$@"
}
tree_state "$R" >"$TMP/s0"

run "$KEEL" apply --root "$R" --yes "$TMP/p10.ksp"
[ $rc -eq 11 ] && [ -x "$R/$POSTINST" ] && [ -x "$R/$POSTRM" ] &&
	[ "$(stat -c %a "$R/$POSTINST")" = 755 ] && cmp -s "$R/$POSTINST" "$R/$POSTRM" &&
	sh -n "$R/$POSTINST" && grep -q '^"$keel" refresh$' "$R/$POSTINST"
ok $? "apply installs the postinst.d and postrm.d hooks (0755), which run keel refresh"
keel_bin=$(sed -n 's/^keel=//p' "$R/$POSTINST")
copy_in "$KEEL" "$keel_bin" && copy_in "$(command -v dash || command -v sh)" /bin/sh
ok $? "keel ($keel_bin) and /bin/sh are installed in the target, for the hooks"
# Online (the target is /, chrooted), apply compares the entry it chains
# with this machine's running kernel and command line, and says so.
pack 1.1.0 2 "$TMP/p11.ksp"
mkdir -p "$R/tmp" && cp "$TMP/p11.ksp" "$R/tmp/"
in_target "$keel_bin" apply --dry-run --skip-cpu-check /tmp/p11.ksp >"$TMP/out" 2>"$TMP/err"
if [ "$(uname -r)" != "$K" ]; then
	grep -Fq "note: this system runs the kernel $(uname -r), but GRUB's default entry boots /boot/vmlinuz-$K" "$TMP/err" &&
		grep -q "note: the running kernel's command line (.*) is not the default entry's (root=UUID=.* ro  quiet)" "$TMP/err"
	st=$?
	ok $st "an online apply says when the running kernel and command line are not the default entry's"
	[ $st -eq 0 ] || diag "$(cat "$TMP/err")"
fi
rm "$R/tmp/p11.ksp"
"$SHOW" --commit "$R" 1.0.0 >/dev/null
cp "$R/$CUSTOM" "$TMP/custom1"
cp "$R/$ENV" "$TMP/env1"

run "$KEEL" refresh --root "$R"
[ $rc -eq 0 ] && grep -q "already chain \"Debian GNU/Linux\"; nothing was changed" "$TMP/out" &&
	cmp -s "$R/$CUSTOM" "$TMP/custom1"
ok $? "keel refresh with the same kernel changes nothing"

# A new kernel: its files, then update-grub (grub-mkconfig), then hooks.
printf 'fixture kernel %s\n' $K2 >"$R/boot/vmlinuz-$K2"
printf 'fixture initrd %s\n' $K2 >"$R/boot/initrd.img-$K2"
sh "$MKFIX" --update "$TMP/t1" >"$TMP/mkfix.out" 2>&1 ||
	{ cat "$TMP/mkfix.out" >&2; echo "Bail out! mkfixture.sh --update failed"; exit 1; }
grep -q "^	linux	/boot/vmlinuz-$K2 " "$R/boot/grub/grub.cfg"
ok $? "update-grub made the new kernel $K2 the default"
run "$KEEL" refresh --root "$R" --dry-run
[ $rc -eq 0 ] && grep -q "would chain" "$TMP/out" && cmp -s "$R/$CUSTOM" "$TMP/custom1"
ok $? "keel refresh --dry-run says the entries would change, and changes nothing"

in_target "/$POSTINST" "$K2" "/boot/vmlinuz-$K2" >"$TMP/out" 2>"$TMP/err"
rc=$?
block "$R/$CUSTOM" >"$TMP/b2"
[ $rc -eq 0 ] && grep -q "now chain \"Debian GNU/Linux\"" "$TMP/out" &&
	grep -q "^	module2 /boot/vmlinuz-$K2 root=UUID=.* ro  quiet\$" "$TMP/b2" &&
	grep -q "^	module2 /boot/initrd.img-$K2\$" "$TMP/b2" && ! grep -q "$K\$" "$TMP/b2"
ok $? "the postinst hook, in the target, moves keel's entry to the new kernel and initrd"
[ $rc -eq 0 ] || diag "exit $rc: $(cat "$TMP/err")"
grep -q "^	multiboot2 /boot/keel/keel-hv-1.0.0 entry=keel-1.0.0 serial=0x3f8\$" "$TMP/b2" &&
	grep -q '^	set default="keel-1.0.0"$' "$TMP/b2" && grep -q '^set fallback="0"$' "$TMP/b2" &&
	cmp -s "$R/$ENV" "$TMP/env1" && grub-script-check "$R/$CUSTOM"
ok $? "keel-hv, its options, the committed default and the fallback stay; grubenv is untouched"
run "$KEEL" history --root "$R"
grep -Eq "^2 +[0-9T:Z-]+ +refresh +1.0.0 +completed" "$TMP/out"
ok $? "the refresh is a transaction of its own in the history"

rm "$R/boot/vmlinuz-$K2" "$R/boot/initrd.img-$K2"
sh "$MKFIX" --update "$TMP/t1" >"$TMP/mkfix.out" 2>&1 ||
	{ cat "$TMP/mkfix.out" >&2; echo "Bail out! mkfixture.sh --update failed"; exit 1; }
in_target "/$POSTRM" "$K2" "/boot/vmlinuz-$K2" >"$TMP/out" 2>"$TMP/err"
[ $? -eq 0 ] && cmp -s "$R/$CUSTOM" "$TMP/custom1"
ok $? "after the kernel's removal the postrm hook puts the entry back, byte for byte"

# A failing refresh must not fail the kernel's package.
printf 'menuentry "unclosed" {\n' >>"$R/$CUSTOM"
cp "$R/$CUSTOM" "$TMP/custom2"
in_target "/$POSTINST" "$K2" "/boot/vmlinuz-$K2" >"$TMP/out" 2>"$TMP/err"
[ $? -eq 0 ] && grep -q "^keel: .*custom.cfg, line [0-9]*: a menu entry or submenu is not closed" "$TMP/err" &&
	cmp -s "$R/$CUSTOM" "$TMP/custom2"
ok $? "a hook whose refresh fails says why, exits 0 (the kernel still installs) and changes nothing"
cp "$TMP/custom1" "$R/$CUSTOM"

# A rollback after a kernel update: the block going back chained a kernel
# that is gone; it must chain the one GRUB boots now.
run "$KEEL" apply --root "$R" --yes "$TMP/p11.ksp"
printf 'fixture kernel %s\n' $K2 >"$R/boot/vmlinuz-$K2"
printf 'fixture initrd %s\n' $K2 >"$R/boot/initrd.img-$K2"
sh "$MKFIX" --update "$TMP/t1" >"$TMP/mkfix.out" 2>&1 &&
	in_target "/$POSTINST" "$K2" "/boot/vmlinuz-$K2" >/dev/null 2>&1 &&
	rm "$R/boot/vmlinuz-$K" "$R/boot/initrd.img-$K" &&
	sh "$MKFIX" --update "$TMP/t1" >"$TMP/mkfix.out" 2>&1 &&
	in_target "/$POSTRM" "$K" "/boot/vmlinuz-$K" >/dev/null 2>&1 ||
	{ cat "$TMP/mkfix.out" >&2; echo "Bail out! the kernel update failed"; exit 1; }
run "$KEEL" rollback --root "$R" --yes
block "$R/$CUSTOM" >"$TMP/b3"
[ $rc -eq 11 ] && grep -q "'keel-1.0.0' {" "$TMP/b3" && ! grep -q "keel-1.1.0" "$TMP/b3" &&
	grep -q "^	module2 /boot/vmlinuz-$K2 " "$TMP/b3" && ! grep -q "vmlinuz-$K " "$TMP/b3" &&
	grep -q '^	set default="keel-1.0.0"$' "$TMP/b3" && grub-script-check "$R/$CUSTOM"
ok $? "rollback after a kernel update: the restored keel-1.0.0 entry chains the kernel GRUB boots now, not the removed one"

run "$KEEL" uninstall --root "$R" --yes
[ $rc -eq 11 ] && [ ! -e "$R/$POSTINST" ] && [ ! -e "$R/$POSTRM" ]
ok $? "uninstall takes the hooks away"

# Every kernel at the top level: a new kernel moves keel's entries down,
# and refresh numbers GRUB's fallback (keel-1.0.0 during 1.1.0's trial)
# again.
fixture t2 FX_DISABLE_SUBMENU=y
"$KEEL" apply --root "$R" --yes "$TMP/p10.ksp" >/dev/null 2>&1
"$SHOW" --commit "$R" 1.0.0 >/dev/null
"$KEEL" apply --root "$R" --yes "$TMP/p11.ksp" >/dev/null 2>&1
n1=$(grep -c '^menuentry ' "$R/boot/grub/grub.cfg")
block "$R/$CUSTOM" | grep -q "^set fallback=\"$n1\"\$"
ok $? "during 1.1.0's trial GRUB's fallback is keel-1.0.0, entry $n1"
printf 'fixture kernel %s\n' $K2 >"$R/boot/vmlinuz-$K2"
printf 'fixture initrd %s\n' $K2 >"$R/boot/initrd.img-$K2"
sh "$MKFIX" --update "$TMP/t2" >"$TMP/mkfix.out" 2>&1 ||
	{ cat "$TMP/mkfix.out" >&2; echo "Bail out! mkfixture.sh --update failed"; exit 1; }
n2=$(grep -c '^menuentry ' "$R/boot/grub/grub.cfg")
run "$KEEL" refresh --root "$R"
block "$R/$CUSTOM" >"$TMP/b4"
[ $rc -eq 11 ] && [ "$n2" -gt "$n1" ] && grep -q "^set fallback=\"$n2\"\$" "$TMP/b4" &&
	grep -q "^# keel: the fallback is the entry \"keel-1.0.0\"\$" "$TMP/b4" &&
	grub-script-check "$R/$CUSTOM"
ok $? "after a kernel more at the top level, refresh makes the fallback entry $n2, still keel-1.0.0"

done_testing
