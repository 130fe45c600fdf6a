#!/bin/sh
# grub_cfg.sh: keel's reading of grub.cfg files made by Debian's own
# grub-mkconfig (tests/grub/mkfixture.sh): the default entry under every
# GRUB_DEFAULT form, its kernel, command line and initrd, and the keel
# entry built from it, which grub-script-check must accept.
. "$top_srcdir/tests/lib.sh"
SHOW="$top_builddir/tests/grub/grubcfg_show"
MKFIX="$top_srcdir/tests/grub/mkfixture.sh"
unshare -rm true 2>/dev/null || skip_all "unshare -rm is not allowed here"
[ -x /etc/grub.d/10_linux ] || skip_all "grub-common is not installed"

K1=6.1.0-25-amd64
K2=6.1.0-28-amd64

# fixture NAME VAR=VALUE...: a target in $TMP/NAME; sets R and U (the
# root file system's UUID) and BU (/boot's, if separate).
fixture() {
	_name=$1
	shift
	if ! env "$@" sh "$MKFIX" "$TMP/$_name" >"$TMP/mkfix.out" 2>&1; then
		cat "$TMP/mkfix.out" >&2
		echo "Bail out! tests/grub/mkfixture.sh failed for $_name"
		exit 1
	fi
	R=$TMP/$_name/root
	. "$TMP/$_name/fixture.env"
	U=$ROOT_UUID
	BU=$BOOT_UUID
}

# field NAME: a line "NAME: value" of the last grubcfg_show output.
field() { sed -n "s/^$1: //p" "$TMP/out"; }

# keel_entry: the keel entry of the last output, into $TMP/entry.cfg.
keel_entry() { sed -n '/^--- keel entry$/,$p' "$TMP/out" | sed 1d >"$TMP/entry.cfg"; }

script_check() {  # script_check FILE DESCRIPTION
	grub-script-check "$1" >"$TMP/check.err" 2>&1
	ok $? "$2"
	[ -s "$TMP/check.err" ] && diag "$(cat "$TMP/check.err")"
	return 0
}

# --- GRUB_DEFAULT=0, one kernel, the stock layout ----------------------
fixture plain FX_KERNELS="$K2"
script_check "$R/boot/grub/grub.cfg" "the fixture's grub.cfg passes grub-script-check"
grep -q "^### BEGIN /etc/grub.d/10_linux ###" "$R/boot/grub/grub.cfg" &&
	grep -q "root=UUID=$U ro  quiet" "$R/boot/grub/grub.cfg"
ok $? "it was written by grub-mkconfig's scripts, root=UUID of the fixture"
run "$SHOW" "$R" 1.0.0 "serial=0x3f8,115200 log=info"
ok $rc "the default entry of a stock grub.cfg is found"
[ "$(field default)" = "Debian GNU/Linux" ] &&
	[ "$(field id)" = "gnulinux-simple-$U" ]
ok $? "GRUB_DEFAULT=0: the first entry, by title and id"
[ "$(field kernel)" = "/boot/vmlinuz-$K2" ] &&
	[ "$(field cmdline)" = "root=UUID=$U ro  quiet" ] &&
	[ "$(field initrd)" = "/boot/initrd.img-$K2" ]
ok $? "its kernel, command line (as written) and initrd"
[ "$(field "sources custom.cfg")" = yes ] && [ "$(field "reads next_entry")" = yes ]
ok $? "grub.cfg sources custom.cfg (41_custom) and takes next_entry (00_header)"
keel_entry
grep -q "^menuentry 'keel 1.0.0: Debian GNU/Linux' .*\$menuentry_id_option 'keel-1.0.0' {\$" "$TMP/entry.cfg" &&
	grep -q "^	multiboot2 /boot/keel/keel-hv-1.0.0 entry=keel-1.0.0 serial=0x3f8,115200 log=info\$" "$TMP/entry.cfg" &&
	grep -q "^	module2 /boot/vmlinuz-$K2 root=UUID=$U ro  quiet\$" "$TMP/entry.cfg" &&
	grep -q "^	module2 /boot/initrd.img-$K2\$" "$TMP/entry.cfg" &&
	! grep -Eq "^	(linux|initrd)	" "$TMP/entry.cfg"
ok $? "the keel entry: id keel-1.0.0, multiboot2 keel-hv, module2 kernel and initrd"
sed -n '/^menuentry .Debian GNU\/Linux. /,/^}/p' "$R/boot/grub/grub.cfg" |
	grep -E "insmod|search|set root" >"$TMP/orig.pre"
grep -E "insmod|search|set root" "$TMP/entry.cfg" | sed 's/^	//' >"$TMP/keel.pre"
sed 's/^	//' "$TMP/orig.pre" | cmp -s - "$TMP/keel.pre"
ok $? "with the original entry's insmod, set root and search lines"
script_check "$TMP/entry.cfg" "the keel entry passes grub-script-check"
cat "$R/boot/grub/grub.cfg" "$TMP/entry.cfg" >"$TMP/both.cfg"
script_check "$TMP/both.cfg" "grub.cfg with the keel entry appended passes too"

# --- several kernels: GRUB_DEFAULT by position, title, id, saved -------
fixture two FX_KERNELS="$K1 $K2" FX_DEFAULT="1>2"
run "$SHOW" "$R" 1.0.0
[ $rc -eq 0 ] && [ "$(field kernel)" = "/boot/vmlinuz-$K1" ] &&
	[ "$(field id)" = "gnulinux-$K1-advanced-$U" ]
ok $? "GRUB_DEFAULT=\"1>2\": the third entry of the submenu (the older kernel)"

fixture title FX_KERNELS="$K1 $K2" \
	FX_DEFAULT="Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux $K1 (recovery mode)"
run "$SHOW" "$R" 1.0.0
[ $rc -eq 0 ] && [ "$(field kernel)" = "/boot/vmlinuz-$K1" ] &&
	[ "$(field cmdline)" = "root=UUID=$U ro single " ]
ok $? "GRUB_DEFAULT by titles: the recovery entry, its command line as written"

fixture saved FX_KERNELS="$K1 $K2" FX_DEFAULT=saved
run "$SHOW" "$R" 1.0.0
[ $rc -eq 0 ] && [ "$(field default)" = "Debian GNU/Linux" ]
ok $? "GRUB_DEFAULT=saved without saved_entry: the first entry, as GRUB boots"
grub-editenv "$R/boot/grub/grubenv" set \
	"saved_entry=gnulinux-advanced-$U>gnulinux-$K1-advanced-$U"
run "$SHOW" "$R" 1.0.0
[ $rc -eq 0 ] && [ "$(field kernel)" = "/boot/vmlinuz-$K1" ]
ok $? "GRUB_DEFAULT=saved: saved_entry's submenu>entry ids, from grubenv"

fixture flat FX_KERNELS="$K1 $K2" FX_DISABLE_SUBMENU=y FX_DEFAULT=2
run "$SHOW" "$R" 1.0.0
[ $rc -eq 0 ] && [ "$(field kernel)" = "/boot/vmlinuz-$K1" ] &&
	! grep -q "^submenu" "$R/boot/grub/grub.cfg"
ok $? "GRUB_DISABLE_SUBMENU=y, GRUB_DEFAULT=2: the third top-level entry"

# --- a separate /boot: paths relative to it -----------------------------
fixture boot FX_KERNELS="$K2" FX_SEPARATE_BOOT=1
run "$SHOW" "$R" 2.1.0
[ $rc -eq 0 ] && [ "$(field kernel)" = "/vmlinuz-$K2" ] &&
	[ "$(field keel-hv)" = "/keel/keel-hv-2.1.0" ]
ok $? "a separate /boot: the kernel as /vmlinuz-..., keel-hv as /keel/keel-hv-..."
keel_entry
grep -q "search --no-floppy --fs-uuid --set=root $BU" "$TMP/entry.cfg" &&
	grep -q "module2 /vmlinuz-$K2 root=UUID=$U ro  quiet" "$TMP/entry.cfg"
ok $? "the keel entry searches /boot's file system and passes root= of /"
script_check "$TMP/entry.cfg" "and passes grub-script-check"

# --- command lines with quotes and special characters -------------------
fixture quoted FX_KERNELS="$K2" \
	FX_CMDLINE="quiet console=ttyS0,115200n8 acpi_osi=\\\"!Windows 2015\\\" x=\\\$y"
run "$SHOW" "$R" 1.0.0
line=$(grep -m1 "^	linux	" "$R/boot/grub/grub.cfg" | sed 's/^	linux	[^ ]* //')
[ $rc -eq 0 ] && [ "$(field cmdline)" = "$line" ] &&
	case $line in *'"!Windows 2015"'*) true ;; *) false ;; esac
ok $? "a command line with quotes and \$ is taken exactly as grub.cfg has it"
keel_entry
script_check "$TMP/entry.cfg" "its keel entry passes grub-script-check"

# --- refusals ------------------------------------------------------------
fixture nocustom FX_KERNELS="$K2" FX_NO_41_CUSTOM=1
run "$SHOW" "$R" 1.0.0
[ "$(field "sources custom.cfg")" = no ]
ok $? "a grub.cfg made without 41_custom is seen not to source custom.cfg"

fixture missing FX_KERNELS="$K2" FX_DEFAULT=no-such-entry
expect_fail 10 'the default entry "no-such-entry" is not in the menu.*GRUB_DEFAULT' \
	"a default that names no entry is refused, with the remedy" "$SHOW" "$R" 1.0.0

fixture submenu FX_KERNELS="$K1 $K2" FX_DEFAULT=1
expect_fail 10 '"Advanced options for Debian GNU/Linux" is a submenu' \
	"a default that is a submenu is refused" "$SHOW" "$R" 1.0.0

fixture xen FX_KERNELS="$K2"
sed -i "s|^	linux	/boot/vmlinuz|	multiboot2 /boot/xen.gz\n	module2 /boot/vmlinuz|" "$R/boot/grub/grub.cfg"
expect_fail 10 'does not boot Linux with the linux command' \
	"an entry that boots through multiboot (Xen) is refused" "$SHOW" "$R" 1.0.0

fixture cut FX_KERNELS="$K2"
sed -i '$d' "$R/boot/grub/grub.cfg"
printf "menuentry 'unclosed' {\n" >>"$R/boot/grub/grub.cfg"
expect_fail 10 'line [0-9]+: a menu entry or submenu is not closed' \
	"an unclosed entry is refused with its line" "$SHOW" "$R" 1.0.0
printf "menuentry 'x {\n}\n" >"$R/boot/grub/grub.cfg"
expect_fail 10 'line 1: a quote is not closed' \
	"an unclosed quote is refused with its line" "$SHOW" "$R" 1.0.0

# --- the boot-chain change of keel apply ---------------------------------
CUSTOM="menuentry 'rescue' {
	linux /rescue
}"
fixture chain FX_KERNELS="$K1 $K2" FX_DEFAULT=saved FX_CUSTOM_CFG="$CUSTOM"
cp "$R/boot/grub/custom.cfg" "$TMP/custom.orig"
run "$SHOW" --chain "$R" 1.0.0 "log=info"
[ $rc -eq 0 ] && [ "$(field chains)" = "Debian GNU/Linux" ]
ok $? "apply's change for 1.0.0 chains the default entry"
head -n 3 "$R/boot/grub/custom.cfg" | cmp -s - "$TMP/custom.orig"
ok $? "the administrator's lines in custom.cfg stay as they were, first"
grep -c "^menuentry 'keel " "$R/boot/grub/custom.cfg" | grep -qx 1 &&
	grep -q "^### BEGIN keel" "$R/boot/grub/custom.cfg" &&
	grep -q "^### END keel ###\$" "$R/boot/grub/custom.cfg"
ok $? "keel's block holds the keel-1.0.0 entry"
script_check "$R/boot/grub/custom.cfg" "custom.cfg passes grub-script-check"
grub-editenv "$R/boot/grub/grubenv" list >"$TMP/env"
grep -qx "next_entry=keel-1.0.0" "$TMP/env"
ok $? "grub-editenv reads next_entry=keel-1.0.0 from the grubenv keel wrote"
wc -c <"$R/boot/grub/grubenv" | grep -qx 1024
ok $? "grubenv is still 1024 bytes"

# After a commit of 1.0.0 (saved_entry), 1.1.0 chains what 1.0.0 chained.
grub-editenv "$R/boot/grub/grubenv" set saved_entry=keel-1.0.0
grub-editenv "$R/boot/grub/grubenv" unset next_entry
run "$SHOW" --chain "$R" 1.1.0
[ $rc -eq 0 ] && [ "$(field chains)" = "keel 1.0.0: Debian GNU/Linux" ]
ok $? "over a committed 1.0.0 (the default), 1.1.0 chains the keel-1.0.0 entry"
grep -q "^menuentry 'keel 1.1.0: Debian GNU/Linux' " "$R/boot/grub/custom.cfg" &&
	[ "$(grep -c "^	module2 /boot/vmlinuz-$K2 root=UUID=$U ro  quiet\$" "$R/boot/grub/custom.cfg")" = 2 ] &&
	[ "$(grep -c "multiboot2" "$R/boot/grub/custom.cfg")" = 2 ] &&
	grep -q "multiboot2 /boot/keel/keel-hv-1.1.0 entry=keel-1.1.0\$" "$R/boot/grub/custom.cfg"
ok $? "with the same kernel and command line; the 1.0.0 entry stays for a failed trial"
grub-editenv "$R/boot/grub/grubenv" list | grep -qx "next_entry=keel-1.1.0" &&
	grub-editenv "$R/boot/grub/grubenv" list | grep -qx "saved_entry=keel-1.0.0"
ok $? "next_entry=keel-1.1.0 for one trial; saved_entry still keel-1.0.0"
script_check "$R/boot/grub/custom.cfg" "custom.cfg with two keel entries passes grub-script-check"
run "$SHOW" --chain "$R" 1.1.0
[ $rc -eq 0 ] && [ "$(grep -c "^menuentry 'keel 1.1.0" "$R/boot/grub/custom.cfg")" = 1 ]
ok $? "the same level again replaces its entry instead of adding one"

# boot.options with what GRUB's script lexer would take as a separator,
# variable, comment, redirection, brace, glob or reserved word: each such
# word goes into the entry single-quoted, the plain ones as they are.
OPTS='serial=0x3f8 note=a;b$c|d&e<f>g#h{i}j ~x* [y] !z if fi $x x${y}'
TAB=$(printf '\t')
WANT="${TAB}multiboot2 /boot/keel/keel-hv-1.0.0 entry=keel-1.0.0 serial=0x3f8 'note=a;b\$c|d&e<f>g#h{i}j' '~x*' '[y]' '!z' 'if' 'fi' '\$x' 'x\${y}'"
fixture quoting FX_KERNELS="$K2"
run "$SHOW" --chain "$R" 1.0.0 "$OPTS"
[ $rc -eq 0 ] && grep -qxF "$WANT" "$R/boot/grub/custom.cfg"
ok $? "boot.options: GRUB-special words single-quoted, plain ones as they are"
[ $rc -eq 0 ] || diag "$(cat "$TMP/err")"
grep -qxF "$WANT" "$R/boot/grub/custom.cfg" ||
	diag "$(grep multiboot2 "$R/boot/grub/custom.cfg")"
script_check "$R/boot/grub/custom.cfg" "custom.cfg with the quoted options passes grub-script-check"
cat "$R/boot/grub/grub.cfg" "$R/boot/grub/custom.cfg" >"$TMP/quoted-all.cfg"
script_check "$TMP/quoted-all.cfg" "grub.cfg followed by that custom.cfg passes too"
run "$SHOW" --chain "$R" 1.0.0 "$OPTS"
[ $rc -eq 0 ] && [ "$(grep -c multiboot2 "$R/boot/grub/custom.cfg")" = 1 ] &&
	grep -qxF "$WANT" "$R/boot/grub/custom.cfg"
ok $? "keel reads its own quoted entry back and writes it again unchanged"

fixture notrial FX_KERNELS="$K2"
run "$SHOW" --chain --no-trial "$R" 1.0.0
# grub-editenv creates a missing grubenv: test for the file first
[ $rc -eq 0 ] && grep -q "^menuentry 'keel 1.0.0" "$R/boot/grub/custom.cfg" &&
	[ -f "$R/boot/grub/grubenv" ] &&
	grub-editenv "$R/boot/grub/grubenv" list >"$TMP/env" &&
	! grep -q '^next_entry=' "$TMP/env"
ok $? "--no-trial: the entry, but no next_entry"

fixture nohook FX_KERNELS="$K2" FX_NO_41_CUSTOM=1
expect_fail 10 'does not source custom.cfg.*41_custom.*update-grub' \
	"a grub.cfg without 41_custom is refused, with the fix" \
	"$SHOW" --chain "$R" 1.0.0
[ ! -e "$R/boot/grub/custom.cfg" ]
ok $? "and nothing is written"

fixture hvpath FX_KERNELS="$K2" FX_SEPARATE_BOOT=1
run "$SHOW" --chain "$R" 1.0.0 "" boot/keel/hv/keel-hv.elf
[ $rc -eq 0 ] && [ "$(field keel-hv)" = "/keel/hv/keel-hv.elf" ]
ok $? "keel-hv where the pack puts it, as GRUB names it on a separate /boot"
expect_fail 10 'the pack puts keel-hv at opt/keel-hv, outside /boot' \
	"a keel-hv outside /boot is refused" \
	"$SHOW" --chain "$R" 1.0.0 "" opt/keel-hv

fixture nokernel FX_KERNELS="$K2"
rm "$R/boot/vmlinuz-$K2"
expect_fail 10 "loads the kernel /boot/vmlinuz-$K2, which is not at .*mount the target's /boot" \
	"a kernel missing from the target's /boot is refused" \
	"$SHOW" --chain "$R" 1.0.0

fixture nocfg FX_KERNELS="$K2"
rm "$R/boot/grub/grub.cfg"
expect_fail 10 'grub.cfg does not exist: keel registers keel-hv with GRUB 2' \
	"a target without grub.cfg is refused" "$SHOW" --chain "$R" 1.0.0

done_testing
