#!/bin/sh
# boot_chain.sh: the boot chain for real: a BIOS disk image (GRUB 2 in the
# MBR, grub.cfg from grub-mkconfig) gets keel 1.0.0 offline and boots under
# QEMU: trial, old entry without commit, trial again, commit, default,
# and GRUB's fallback when keel-hv is damaged on disk.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/lib.sh"
MKFIX="$top_srcdir/tests/grub/mkfixture.sh"

e2e_need_tools
e2e_need_hv
for _t in sfdisk mke2fs grub-editenv unshare; do
	command -v "$_t" >/dev/null 2>&1 || [ -x "/sbin/$_t" ] ||
		skip_all "$_t is not installed"
done
unshare -rm true 2>/dev/null || skip_all "unshare -rm is not allowed here"
[ -x /etc/grub.d/10_linux ] || skip_all "grub-common is not installed"
[ -f "$GRUB_PC/boot.img" ] || skip_all "$GRUB_PC/boot.img is missing (grub-pc-bin)"
need_pki
e2e_kernel
e2e_disk_modules || skip_all "$E2E_WHY"
KVER=$(sed -n 's/^linux-image-\([^ ]*\) .*/\1/p' "$E2E_CACHE/vmlinuz.pkg")
V=1.0.0
DISK=$TMP/disk.img

# --- the server: Debian's grub-mkconfig, GRUB on a serial console --------
FX_KERNELS=$KVER FX_CMDLINE="$E2E_KCMD" FX_GRUB_EXTRA='GRUB_TERMINAL=serial
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
GRUB_TIMEOUT=0' sh "$MKFIX" "$TMP/fx" >"$TMP/mkfix.out" 2>&1 ||
	{ cat "$TMP/mkfix.out" >&2; echo "Bail out! mkfixture.sh failed"; exit 1; }
R=$TMP/fx/root
. "$TMP/fx/fixture.env"
make_root "$R"
mkdir -p "$R/var/lib" "$R/boot/grub/i386-pc"
# What grub-install puts into /boot/grub for BIOS: the modules.
cp "$GRUB_PC"/*.mod "$GRUB_PC"/*.lst "$R/boot/grub/i386-pc/"

# The root session's init: count the boots on the disk, say whether
# keel-hv runs, and per boot: nothing (1), re-arm the trial as grub-reboot
# does (2), keel commit (3), damage keel-hv on disk (4); then keel status.
cat >"$TMP/body" <<BODY
for m in \$(cat /modules/order); do insmod /modules/\$m; done
mkdir -p /mnt
i=0
while [ ! -b /dev/vda1 ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done
step mount mount -t ext4 /dev/vda1 /mnt
if keel hv info >/dev/null 2>&1; then mode=hv; else mode=native; fi
n=\$((\$(cat /mnt/e2e-boots 2>/dev/null || echo 0) + 1))
echo \$n >/mnt/e2e-boots
echo "KEEL-E2E-MODE \$n \$mode"
[ \$mode = native ] || step hvinfo keel hv info
case \$n in
2) step rearm grub-editenv /mnt/boot/grub/grubenv set next_entry=keel-$V ;;
3) step commit keel commit --root /mnt ;;
4) step damage sh -c 'echo damaged >/mnt/boot/keel/keel-hv-$V' ;;
esac
step status keel status --root /mnt
umount /mnt
BODY
set --
for m in $(cat "$E2E_CACHE/modules/order"); do
	set -- "$@" "$E2E_CACHE/modules/$m=/modules/$m"
done
e2e_initrd "$R/boot/initrd.img-$KVER" "$TMP/body" keel +/usr/bin/grub-editenv \
	"$E2E_CACHE/modules/order=/modules/order" "$@" ||
	{ echo "Bail out! cannot build the initramfs"; exit 1; }
cp "$VMLINUZ" "$R/boot/vmlinuz-$KVER"

# --- keel 1.0.0, applied offline ------------------------------------------
mkdir -p "$TMP/src"
cp "$HV" "$TMP/src/keel-hv"
cat >"$TMP/m.json" <<JSON
{ "format": 1, "name": "keel", "version": "$V", "level": 1,
  "requires": { "arch": "x86_64", "cpu": ["amd-v", "vt-x"] },
  "boot": { "hypervisor": "boot/keel/keel-hv-$V" },
  "files": [
    { "path": "boot/keel/keel-hv-$V", "source": "keel-hv", "mode": "0644", "role": "hypervisor" }
  ] }
JSON
make_pack "$TMP/m.json" "$TMP/src" "$TMP/keel-$V.ksp" >/dev/null ||
	{ echo "Bail out! cannot build the pack"; exit 1; }
run "$KEEL" apply --root "$R" --yes "$TMP/keel-$V.ksp"
ok $([ $rc -eq 11 ]; echo $?) "offline apply to the server image registers keel-$V (exit 11)"
[ $rc -eq 11 ] || diag "$(cat "$TMP/err")"

# --- the BIOS disk image, without privileges -------------------------------
# One partition from 1 MiB: boot.img in the MBR, core.img in the gap after
# it (its blocklist already points there), the root file system made by
# mke2fs -d with the UUID grub.cfg searches for.
mib=$(($(du -sm "$R" | cut -f1) + 48))
/sbin/mke2fs -q -t ext4 -U "$ROOT_UUID" -d "$R" "$TMP/part.img" "${mib}M" \
	>"$TMP/mke2fs.log" 2>&1 &&
	grub-mkimage -O i386-pc -o "$TMP/core.img" -p '(hd0,msdos1)/boot/grub' \
		biosdisk part_msdos ext2 &&
	[ "$(stat -c %s "$TMP/core.img")" -lt $((2047 * 512)) ] &&
	truncate -s "$((mib + 1))M" "$DISK" &&
	echo 'start=2048, type=83, bootable' | sfdisk -q "$DISK" &&
	dd if="$TMP/part.img" of="$DISK" bs=1M seek=1 conv=notrunc status=none &&
	dd if="$GRUB_PC/boot.img" of="$DISK" bs=440 count=1 conv=notrunc status=none &&
	dd if="$TMP/core.img" of="$DISK" bs=512 seek=1 conv=notrunc status=none
ok $? "a BIOS disk image with GRUB and the server's root file system (${mib} MiB)"
rm -f "$TMP/part.img"

# boot N DESC: one boot of the disk image; the log is $TMP/bootN.log.
boot() {
	run_qemu "$TMP/boot$1.log" "$CPU_SVM" -drive "file=$DISK,format=raw,if=virtio"
	ok_boot "$TMP/boot$1.log" "boot $1: $2"
}
# mode N: what the root session of boot N said: hv or native.
mode() { sed -n "s/^KEEL-E2E-MODE $1 //p" "$TMP/boot$1.log"; }
# chose N: the entry GRUB booted first in boot N, from the serial console.
chose() { grep -a -o "Booting \`[^']*'" "$TMP/boot$1.log" | head -n 1 | sed "s/^Booting \`//; s/'\$//"; }
KEEL_TITLE="keel $V: Debian GNU/Linux"

boot 1 "the trial"
[ "$(chose 1)" = "$KEEL_TITLE" ] && grep -q "^keel-hv" "$TMP/boot1.log" && [ "$(mode 1)" = hv ]
ok $? "the first boot takes the trial entry keel-$V: keel-hv runs below the root session"
ok_step "$TMP/boot1.log" hvinfo 0 "keel hv info names the entry that started keel-hv" \
	"^Boot entry: +keel-$V\$"
ok_step "$TMP/boot1.log" status 0 "status in the trial boot: not committed yet" \
	"trial boot did not complete"

boot 2 "a reset without commit"
[ "$(chose 2)" = "Debian GNU/Linux" ] && ! grep -q "^keel-hv" "$TMP/boot2.log" &&
	[ "$(mode 2)" = native ]
ok $? "the boot after the uncommitted trial takes the old entry by itself: no keel-hv"
ok_step "$TMP/boot2.log" rearm 0 "grub-editenv re-arms the trial, as grub-reboot does"

boot 3 "the trial again, with keel commit"
[ "$(chose 3)" = "$KEEL_TITLE" ] && [ "$(mode 3)" = hv ]
ok $? "the re-armed trial boots keel-hv"
ok_step "$TMP/boot3.log" commit 0 "keel commit in the trial boot succeeds" \
	"keel-$V is now GRUB's default"
ok_step "$TMP/boot3.log" status 0 "status after commit: committed" \
	"committed: keel-$V is GRUB's default"

boot 4 "after commit"
[ "$(chose 4)" = "$KEEL_TITLE" ] && grep -q "^keel-hv" "$TMP/boot4.log" && [ "$(mode 4)" = hv ]
ok $? "after commit keel-$V is the default: keel-hv boots without a one-shot entry"
ok_step "$TMP/boot4.log" damage 0 "keel-hv is overwritten on disk"

boot 5 "with keel-hv damaged"
[ "$(chose 5)" = "$KEEL_TITLE" ] &&
	grep -aq "Falling back to \`Debian GNU/Linux'" "$TMP/boot5.log" &&
	! grep -q "^keel-hv" "$TMP/boot5.log" && [ "$(mode 5)" = native ]
ok $? "GRUB cannot load the damaged keel-hv and falls back to the old default by itself"

done_testing
