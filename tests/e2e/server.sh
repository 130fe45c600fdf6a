# tests/e2e/server.sh: a server to run keel's whole lifecycle on: a BIOS
# disk image (GRUB 2 in the MBR, one ext4 partition) made without root
# privileges from a root directory, booted, and read back into one.
#
# Sourced after tests/lib.sh and tests/e2e/lib.sh. The server's state
# lives in a directory between boots: server_disk makes the disk image
# from it, the emulator boots the image, server_read copies the file
# system back out with debugfs, which needs neither root nor a mount.

MKFIX="$top_srcdir/tests/grub/mkfixture.sh"
# The partition starts at 1 MiB; boot.img and core.img lie before it.
SRV_PART_START=1048576

# server_need: skips the whole test when a tool of the disk image is
# missing; sets SRV_KVER, the version of the cached Debian kernel.
# sfdisk, mke2fs and debugfs live in /sbin, outside a user's PATH on
# Debian: the test needs no privileges, so it looks there too.
server_need() {
	PATH=$PATH:/usr/sbin:/sbin
	for _t in sfdisk mke2fs debugfs grub-editenv grub-mkimage unshare; do
		command -v "$_t" >/dev/null 2>&1 || skip_all "$_t is not installed"
	done
	unshare -rm true 2>/dev/null || skip_all "unshare -rm is not allowed here"
	[ -x /etc/grub.d/10_linux ] || skip_all "grub-common is not installed"
	[ -f "$GRUB_PC/boot.img" ] || skip_all "$GRUB_PC/boot.img is missing (grub-pc-bin)"
	e2e_disk_modules || skip_all "$E2E_WHY"
	SRV_KVER=$(sed -n 's/^linux-image-\([^ ]*\) .*/\1/p' "$E2E_CACHE/vmlinuz.pkg")
}

# server_init_body KEEL-DIR: the root session's /init after the common
# head: load the disk's modules, mount the file system the kernel's root=
# names (from the virtio disk under QEMU, the IDE disk under Bochs), and
# do there what the server's systemd would at boot: run the commit unit's
# command when keel's drop-in wants it. Then this boot's plan
# (e2e/plan.sh, written by the test) and keel status. Every keel runs as
# the server's own, chrooted into its root (the online case), found in
# KEEL-DIR.
server_init_body() {
	echo "PATH=$1:\$PATH"
	cat <<'EOF'
load_modules() {
	for m in $(cat /modules/order); do insmod /modules/$m || return 1; done
}
step modules load_modules
# GRUB's entry must hand the kernel the server's root=UUID=...
root=
for w in $(cat /proc/cmdline); do
	case $w in root=*) root=${w#root=} ;; esac
done
echo "KEEL-E2E-ROOT $root"
dev= i=0
while [ -n "$root" ] && [ -z "$dev" ] && [ $i -lt 300 ]; do
	dev=$(findfs "$root" 2>/dev/null) || sleep 0.1
	i=$((i + 1))
done
mkdir -p /mnt
step mount mount -t ext4 "${dev:-no-root=-device}" /mnt
for d in proc sys dev; do mount --bind /$d /mnt/$d; done
on_server() { chroot /mnt "$@"; }
# hv: keel-hv answers; native: keel says it does not run (5); anything
# else is a failure of its own, not a native boot.
on_server keel hv info >/dev/null 2>&1
hv_rc=$?
case $hv_rc in
0) mode=hv ;;
5) mode=native ;;
*) mode="error $hv_rc" ;;
esac
echo "KEEL-E2E-MODE $mode"
[ "$mode" != hv ] || step hvinfo on_server keel hv info
unit=/mnt/etc/systemd/system/keel-commit.service
if [ -f $unit ] && grep -q '^Wants=keel-commit.service' \
	/mnt/etc/systemd/system/multi-user.target.d/keel-commit.conf; then
	step unit on_server $(sed -n 's/^ExecStart=//p' $unit)
fi
[ -f /mnt/e2e/plan.sh ] && . /mnt/e2e/plan.sh
step status on_server keel status
unmount() {
	for d in dev sys proc; do umount /mnt/$d || return 1; done
	umount /mnt
}
step umount unmount
EOF
}

# server_root DIR KCMDLINE: the server's root file system in DIR, as
# Debian installs it: grub.cfg from grub-mkconfig's own scripts (serial
# console, no menu delay) and those scripts in /etc/grub.d, GRUB's modules
# in /boot/grub/i386-pc, Debian's kernel, an initramfs for it, keel,
# trusting the test CA, and the directories where keel adds its commit
# unit (/etc/systemd/system) and kernel hooks (/etc/kernel/post*.d).
# keel goes where its commit unit's ExecStart= names it, so the unit can
# run; that the name is right for a packaged keel is not tested here.
server_root() {
	_dir=$1
	FX_KERNELS=$SRV_KVER FX_CMDLINE="$2" FX_GRUB_EXTRA='GRUB_TERMINAL=serial
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
GRUB_TIMEOUT=0' sh "$MKFIX" "$TMP/fx" >"$TMP/mkfix.out" 2>&1 ||
		{ cat "$TMP/mkfix.out" >&2; return 1; }
	. "$TMP/fx/fixture.env"
	SRV_UUID=$ROOT_UUID
	rm -rf "$_dir" && mv "$TMP/fx/root" "$_dir" || return 1
	make_root "$_dir"
	mkdir -p "$_dir/var/lib" "$_dir/boot/grub/i386-pc" "$_dir/proc" \
		"$_dir/sys" "$_dir/dev" "$_dir/etc/systemd/system" "$_dir/e2e" \
		"$_dir/etc/kernel/postinst.d" "$_dir/etc/kernel/postrm.d" ||
		return 1
	cp -R /etc/grub.d "$_dir/etc/" || return 1
	cp "$GRUB_PC"/*.mod "$GRUB_PC"/*.lst "$_dir/boot/grub/i386-pc/" &&
		cp "$VMLINUZ" "$_dir/boot/vmlinuz-$SRV_KVER" || return 1
	_sbin=$(grep -a -o 'ExecStart=/[^ ]*' "$KEEL" | head -n 1)
	[ -n "$_sbin" ] || { echo "no ExecStart= in $KEEL" >&2; return 1; }
	e2e_add_dynamic "$_dir" "$KEEL" "${_sbin#ExecStart=}" || return 1
	_sbin=${_sbin#ExecStart=}
	server_init_body "${_sbin%/*}" >"$TMP/server.body"
	set --
	for _m in $(cat "$E2E_CACHE/modules/order"); do
		set -- "$@" "$E2E_CACHE/modules/$_m=/modules/$_m"
	done
	e2e_initrd "$_dir/boot/initrd.img-$SRV_KVER" "$TMP/server.body" \
		"$E2E_CACHE/modules/order=/modules/order" "$@"
}

# server_boot_sectors: SRV_SECTORS, a file of what precedes the partition
# on the disk: boot.img in the MBR and core.img after it (its blocklist
# already points at sector 1), reading /boot/grub from the first partition.
server_boot_sectors() {
	SRV_SECTORS=$TMP/boot.sectors
	grub-mkimage -O i386-pc -o "$TMP/core.img" -p '(hd0,msdos1)/boot/grub' \
		biosdisk part_msdos ext2 || return 1
	[ "$(stat -c %s "$TMP/core.img")" -lt $((2047 * 512)) ] ||
		{ echo "core.img does not fit before the partition" >&2; return 1; }
	truncate -s 0 "$SRV_SECTORS" && truncate -s "$SRV_PART_START" "$SRV_SECTORS" &&
		dd if="$GRUB_PC/boot.img" of="$SRV_SECTORS" bs=440 count=1 \
			conv=notrunc status=none &&
		dd if="$TMP/core.img" of="$SRV_SECTORS" bs=512 seek=1 \
			conv=notrunc status=none
}

# server_disk DIR BOOT-SECTORS DISK: the disk image: the boot sectors, a
# partition table, and DIR as an ext4 file system (mke2fs -d) with the
# UUID grub.cfg searches for, 64 MiB larger than DIR's contents.
server_disk() {
	_part=$(( ($(du -sm "$1" | cut -f1) + 64) * 1024 ))
	_bytes=$((_part * 1024 + SRV_PART_START))
	rm -f "$TMP/part.img" "$3"
	mke2fs -q -t ext4 -U "$SRV_UUID" -d "$1" "$TMP/part.img" "${_part}k" \
		>"$TMP/mke2fs.log" 2>&1 || { cat "$TMP/mke2fs.log" >&2; return 1; }
	# The partition table first: sfdisk would warn of the file system.
	cp "$2" "$3" && truncate -s "$_bytes" "$3" &&
		echo "start=2048, type=83, bootable" | sfdisk -q "$3" &&
		dd if="$TMP/part.img" of="$3" bs=1M seek=1 conv=notrunc status=none ||
		return 1
	rm -f "$TMP/part.img"
}

# server_read DISK DIR: the partition's file system copied out into DIR
# (emptied first) by debugfs: what the boots wrote to the disk.
server_read() {
	rm -rf "$2" && mkdir -p "$2" || return 1
	debugfs -R "rdump / $2" "$1?offset=$SRV_PART_START" \
		>"$TMP/debugfs.log" 2>&1 || { cat "$TMP/debugfs.log" >&2; return 1; }
	# debugfs says what it could not copy ("... while ..."), but exits 0:
	# any line but its version banner is a failure.
	! grep -v '^debugfs [0-9.]* (' "$TMP/debugfs.log" | grep -q . ||
		{ cat "$TMP/debugfs.log" >&2; return 1; }
}

# server_chain DIR: the server's boot chain as a listing (paths, types,
# modes, owners, sizes, link targets, SHA-256): all of /boot and /etc;
# grubenv without its content, which GRUB changes itself at boot and
# server_env shows. keel's records in /var/lib/keel are not part of it.
server_chain() {
	(cd "$1" && find boot etc -printf '%p %y %m %U %G %s %l\n' | LC_ALL=C sort &&
		find boot etc -type f ! -path boot/grub/grubenv -print0 |
		LC_ALL=C sort -z | xargs -0r sha256sum)
}

# server_env DIR: the variables of DIR's grubenv, as grub-editenv lists
# them, without those GRUB sets itself at boot (next_entry emptied after
# its one boot). Fails when the file is missing or damaged; grub-editenv
# reads a copy, as it would create a missing file.
server_env() {
	[ -f "$1/boot/grub/grubenv" ] && cp "$1/boot/grub/grubenv" "$TMP/grubenv.copy" &&
		grub-editenv "$TMP/grubenv.copy" list >"$TMP/grubenv.list" || return 1
	grep -v '^next_entry=$' "$TMP/grubenv.list"
	return 0
}

# server_pack VERSION LEVEL OUT [HV-OPTIONS]: a test-signed pack of keel
# VERSION at service-pack LEVEL whose payload is the built keel-hv,
# registered with HV-OPTIONS on its multiboot2 line.
server_pack() {
	mkdir -p "$TMP/pack-src" && cp "$HV" "$TMP/pack-src/keel-hv" || return 1
	cat >"$TMP/pack-$1.json" <<JSON
{ "format": 1, "name": "keel", "version": "$1", "level": $2,
  "description": "keel $1 for the end-to-end lifecycle",
  "requires": { "arch": "x86_64", "cpu": ["amd-v", "vt-x"] },
  "boot": { "hypervisor": "boot/keel/keel-hv-$1", "options": "${4-}" },
  "files": [
    { "path": "boot/keel/keel-hv-$1", "source": "keel-hv", "mode": "0644", "role": "hypervisor" }
  ] }
JSON
	make_pack "$TMP/pack-$1.json" "$TMP/pack-src" "$3" >/dev/null
}

# server_boot DIR NAME [PLAN]: one boot of the server whose state is DIR:
# PLAN (lines of the root session's /init, after the commit unit) goes to
# DIR/e2e/plan.sh, DIR becomes the disk image, SRV_EMU (qemu or bochs)
# boots it with the serial log in $TMP/NAME.log, and DIR is read back
# from the disk. Sets what run_qemu sets; returns 1 only when the disk
# cannot be made or read.
server_boot() {
	mkdir -p "$1/e2e" && printf '%s\n' "${3-}" >"$1/e2e/plan.sh" &&
		server_disk "$1" "$SRV_SECTORS" "$TMP/disk.img" || return 1
	case $SRV_EMU in
	bochs) run_bochs "$TMP/$2.log" "$BOCHS_VMX" "$TMP/disk.img" ;;
	*) run_qemu "$TMP/$2.log" "$CPU_SVM" \
		-drive "file=$TMP/disk.img,format=raw,if=virtio" ;;
	esac
	# The boot code before the partition is GRUB's: no boot may change
	# it (the partition table at 440-511 is sfdisk's).
	cmp -s -n 440 "$TMP/disk.img" "$SRV_SECTORS" &&
		cmp -s -i 512 -n $((SRV_PART_START - 512)) "$TMP/disk.img" "$SRV_SECTORS" ||
		SRV_SECTORS_CHANGED="${SRV_SECTORS_CHANGED-} $2"
	server_read "$TMP/disk.img" "$1"
}

# server_chose LOG: the title of the entry GRUB booted first, from its
# "Booting `TITLE'" line on the serial console.
server_chose() {
	grep -a -o "Booting \`[^']*'" "$1" | head -n 1 | sed "s/^Booting \`//; s/'\$//"
}

# server_mode LOG: what the root session found below it: hv or native.
server_mode() { sed -n 's/^KEEL-E2E-MODE //p' "$1"; }

# server_root_arg LOG: the root= the kernel was given, as the /init saw it.
server_root_arg() { sed -n 's/^KEEL-E2E-ROOT //p' "$1"; }
