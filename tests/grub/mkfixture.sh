#!/bin/sh
# tests/grub/mkfixture.sh: makes a target root whose /boot/grub/grub.cfg is
# written by Debian's own /etc/grub.d scripts, as grub-mkconfig would write it.
#
# Usage: mkfixture.sh DIR | mkfixture.sh --update DIR
# --update runs grub-mkconfig again on DIR's root as it is now, as
# update-grub does after a kernel was installed or removed.
# Makes DIR/root (the target: boot/, etc/default/grub), DIR/root.img (an
# empty ext4 file system with the root's UUID; DIR/boot.img too with
# FX_SEPARATE_BOOT) and DIR/fixture.env (ROOT_UUID=..., BOOT_UUID=...).
# Environment (all optional):
#   FX_KERNELS         kernel versions in /boot (default "6.1.0-28-amd64")
#   FX_DEFAULT         GRUB_DEFAULT (default 0)
#   FX_SAVED_ENTRY     saved_entry in /boot/grub/grubenv
#   FX_CMDLINE         GRUB_CMDLINE_LINUX_DEFAULT (default "quiet")
#   FX_CMDLINE_LINUX   GRUB_CMDLINE_LINUX (default "")
#   FX_DISABLE_SUBMENU GRUB_DISABLE_SUBMENU (y: every kernel at top level)
#   FX_SEPARATE_BOOT   1: /boot is a file system of its own
#   FX_NO_41_CUSTOM    1: grub.cfg is made without 41_custom
#   FX_CUSTOM_CFG      content for /boot/grub/custom.cfg
#   FX_GRUB_EXTRA      more lines for /etc/default/grub (GRUB_TERMINAL=...)
#
# grub-mkconfig asks grub-probe for the device holding / (and /boot) of the
# machine it runs on, so it cannot describe another system. This script
# runs Debian's grub-mkconfig with just those two lines changed to name
# root.img (and boot.img): everything else (the /etc/grub.d scripts,
# grub-probe for UUIDs and file systems, through /boot/grub/device.map, and
# grub-script-check) is the real thing, in a private mount namespace where
# the fixture is / (unshare -r, no privileges needed).
set -eu

die() {
	echo "mkfixture: $*" >&2
	exit 1
}

update=0
if [ "${1-}" = --update ]; then
	update=1
	shift
fi
[ $# -eq 1 ] || die "usage: mkfixture.sh [--update] DIR"
case $1 in
/*) dir=$1 ;;
*) dir=$(pwd)/$1 ;;
esac
: "${FX_KERNELS:=6.1.0-28-amd64}"
: "${FX_DEFAULT:=0}"
: "${FX_SAVED_ENTRY:=}"
: "${FX_CMDLINE=quiet}"
: "${FX_CMDLINE_LINUX:=}"
: "${FX_DISABLE_SUBMENU:=}"
: "${FX_SEPARATE_BOOT:=0}"
: "${FX_NO_41_CUSTOM:=0}"
: "${FX_CUSTOM_CFG:=}"
: "${FX_GRUB_EXTRA:=}"
for prog in grub-probe grub-editenv mke2fs unshare; do
	command -v "$prog" >/dev/null 2>&1 ||
		[ -x "/usr/sbin/$prog" ] || [ -x "/sbin/$prog" ] ||
		die "$prog is missing (install grub-common, e2fsprogs, util-linux)"
done
[ -x /etc/grub.d/10_linux ] || die "/etc/grub.d/10_linux is missing (install grub-common)"

uuid() { cat /proc/sys/kernel/random/uuid; }

make_root() {
	rm -rf "$dir"
	mkdir -p "$dir/root/boot/grub" "$dir/root/etc/default"
	for v in $FX_KERNELS; do
		# Names are what 10_linux looks at; the contents stand in for
		# files the boot tests take from Debian's kernel package.
		printf 'fixture kernel %s\n' "$v" >"$dir/root/boot/vmlinuz-$v"
		printf 'fixture initrd %s\n' "$v" >"$dir/root/boot/initrd.img-$v"
		printf 'CONFIG_LOCALVERSION=""\n' >"$dir/root/boot/config-$v"
	done
	ROOT_UUID=$(uuid)
	BOOT_UUID=
	/sbin/mke2fs -q -t ext4 -U "$ROOT_UUID" "$dir/root.img" 8M
	echo "(hd0) /images/root.img" >"$dir/root/boot/grub/device.map"
	if [ "$FX_SEPARATE_BOOT" = 1 ]; then
		BOOT_UUID=$(uuid)
		/sbin/mke2fs -q -t ext2 -U "$BOOT_UUID" "$dir/boot.img" 8M
		echo "(hd1) /images/boot.img" >>"$dir/root/boot/grub/device.map"
	fi
	{
		echo "GRUB_DEFAULT=\"$FX_DEFAULT\""
		echo "GRUB_TIMEOUT=5"
		echo "GRUB_DISTRIBUTOR=Debian"
		echo "GRUB_CMDLINE_LINUX_DEFAULT=\"$FX_CMDLINE\""
		echo "GRUB_CMDLINE_LINUX=\"$FX_CMDLINE_LINUX\""
		[ -z "$FX_DISABLE_SUBMENU" ] || echo "GRUB_DISABLE_SUBMENU=$FX_DISABLE_SUBMENU"
		[ -z "$FX_GRUB_EXTRA" ] || printf '%s\n' "$FX_GRUB_EXTRA"
	} >"$dir/root/etc/default/grub"
	grub-editenv "$dir/root/boot/grub/grubenv" create
	[ -z "$FX_SAVED_ENTRY" ] ||
		grub-editenv "$dir/root/boot/grub/grubenv" set "saved_entry=$FX_SAVED_ENTRY"
	[ -z "$FX_CUSTOM_CFG" ] || printf '%s\n' "$FX_CUSTOM_CFG" >"$dir/root/boot/grub/custom.cfg"
	{
		echo "ROOT_UUID=$ROOT_UUID"
		echo "BOOT_UUID=$BOOT_UUID"
	} >"$dir/fixture.env"
}

# Runs in the private mount namespace: a tmpfs as the fixture's /, with
# the system's /usr, /proc and /etc/grub.d, and a /dev holding
# /dev/disk/by-uuid (10_linux writes root=UUID= only when that link exists).
generate() {
	c=$dir/chroot
	mkdir -p "$c"
	mount -t tmpfs tmpfs "$c"
	mkdir -p "$c/usr" "$c/proc" "$c/dev" "$c/tmp" "$c/etc/default" \
		"$c/images" "$c/boot"
	for l in bin sbin lib lib64; do
		if [ -L "/$l" ]; then
			ln -s "$(readlink "/$l")" "$c/$l"
		elif [ -d "/$l" ]; then
			mkdir -p "$c/$l"
			mount --rbind "/$l" "$c/$l"
		fi
	done
	mount --rbind /usr "$c/usr"
	mount --rbind /proc "$c/proc"
	cp -a /etc/grub.d "$c/etc/grub.d"
	[ "$FX_NO_41_CUSTOM" != 1 ] || rm -f "$c/etc/grub.d/41_custom"
	cp "$dir/root/etc/default/grub" "$c/etc/default/grub"
	mkdir -p "$c/dev/disk/by-uuid"
	for n in null zero full random urandom; do
		: >"$c/dev/$n"
		mount --bind "/dev/$n" "$c/dev/$n"
	done
	ln -s ../../../images/root.img "$c/dev/disk/by-uuid/$ROOT_UUID"
	: >"$c/images/root.img"
	mount --bind "$dir/root.img" "$c/images/root.img"
	boot_dev=/images/root.img
	if [ "$FX_SEPARATE_BOOT" = 1 ]; then
		boot_dev=/images/boot.img
		ln -s ../../../images/boot.img "$c/dev/disk/by-uuid/$BOOT_UUID"
		: >"$c/images/boot.img"
		mount --bind "$dir/boot.img" "$c/images/boot.img"
		# A mount of its own: paths in grub.cfg become relative to it.
		mount -t tmpfs tmpfs "$c/boot"
	fi
	cp -a "$dir/root/boot/." "$c/boot/"
	sed -e "s|^GRUB_DEVICE=\"\`\${grub_probe} --target=device /\`\"\$|GRUB_DEVICE=$FX_DEVICE_LINE|" \
	    -e "s|^GRUB_DEVICE_BOOT=\"\`\${grub_probe} --target=device /boot\`\"\$|GRUB_DEVICE_BOOT=$boot_dev|" \
		/usr/sbin/grub-mkconfig >"$c/tmp/grub-mkconfig"
	[ "$(grep -c '^GRUB_DEVICE\(_BOOT\)\?=/images/' "$c/tmp/grub-mkconfig")" -eq 2 ] || {
		echo "mkfixture: /usr/sbin/grub-mkconfig no longer has the lines this script changes" >&2
		exit 1
	}
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C \
		chroot "$c" /bin/sh /tmp/grub-mkconfig -o /boot/grub/grub.cfg \
		2>"$dir/mkconfig.log" || {
		cat "$dir/mkconfig.log" >&2
		exit 1
	}
	cp "$c/boot/grub/grub.cfg" "$dir/root/boot/grub/grub.cfg"
}

if [ $update = 1 ]; then
	[ -f "$dir/fixture.env" ] || die "$dir is not a fixture"
	. "$dir/fixture.env"
	[ -z "$BOOT_UUID" ] || FX_SEPARATE_BOOT=1
	echo "(hd0) /images/root.img" >"$dir/root/boot/grub/device.map"
	[ -z "$BOOT_UUID" ] || echo "(hd1) /images/boot.img" >>"$dir/root/boot/grub/device.map"
else
	make_root
fi
FX_DEVICE_LINE=/images/root.img
export dir ROOT_UUID BOOT_UUID FX_SEPARATE_BOOT FX_NO_41_CUSTOM FX_DEVICE_LINE
unshare -rm sh -c "$(sed -n '/^generate() {$/,/^}$/p' "$0"); generate"
rm -rf "$dir/chroot"
rm -f "$dir/root/boot/grub/device.map"
