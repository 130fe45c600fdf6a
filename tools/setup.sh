#!/bin/bash
# tools/setup.sh: brings a fresh Debian 12 machine to a built keel tree:
# installs missing packages, runs autoreconf and configure, builds.
#
# Usage: tools/setup.sh [BUILD-DIR [configure options...]]
#   BUILD-DIR defaults to _build; CC, CFLAGS etc. are passed to configure.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-_build}
[ $# -gt 0 ] && shift
case $build in /*) ;; *) build=$top/$build ;; esac

# Everything the build, the tests and the demo need, as Debian packages.
packages=(
	build-essential autoconf automake libtool autopoint gettext pkg-config
	libarchive-dev zlib1g-dev libssl-dev libjson-c-dev openssl
	clang libclang-rt-14-dev
	groff-base man-db util-linux tar gzip
	# the hypervisor's end-to-end tests: GRUB, QEMU, a busybox initramfs
	qemu-system-x86 grub-pc-bin grub-common xorriso mtools busybox-static cpio
	zstd
	# ... and VT-x, which only Bochs emulates (with its BIOS and VGA BIOS)
	bochs bochsbios vgabios
	# the boot-chain tests: disk images without privileges
	fdisk e2fsprogs systemd
	# keel in its ecosystem: Debian packages, bash completion, Ansible
	debhelper dpkg-dev fakeroot lintian bash-completion ansible-core
)

install_missing() {
	local missing=() p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "setup: installing ${missing[*]}"
	local sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
}

# Regenerate the build system when it is missing or older than its inputs.
bootstrap() {
	cd "$top"
	if [ ! -x configure ] || [ configure.ac -nt configure ] ||
		[ Makefile.am -nt Makefile.in ]; then
		echo "setup: autoreconf"
		autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
	fi
}

configure_build() {
	mkdir -p "$build"
	cd "$build"
	local wanted="$*"
	# Configure again only when the options changed or configure is newer.
	if [ ! -f config.status ] || [ "$top/configure" -nt config.status ] ||
		[ "$(cat .keel-configure-args 2>/dev/null)" != "$wanted ${CC:-} ${CFLAGS:-}" ]; then
		echo "setup: configure $wanted (in ${build#"$top"/})"
		"$top/configure" -q "$@"
		echo "$wanted ${CC:-} ${CFLAGS:-}" >.keel-configure-args
	fi
	echo "setup: make"
	make -s -j"$(nproc)" all >/dev/null
	make -s -j"$(nproc)" check TESTS= >/dev/null  # builds the test programs
}

install_missing
bootstrap
configure_build "$@"
