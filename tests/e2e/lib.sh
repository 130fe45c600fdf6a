# tests/e2e/lib.sh: the end-to-end harness: a Debian kernel from apt, a
# busybox initramfs, GRUB boot media (fast path and real ISO), QEMU runs
# (AMD-V) and Bochs runs (Intel VT-x).
#
# Sourced after tests/lib.sh (which gives TMP, ok, diag, skip_all, KEEL).
# Environment (all optional):
#   KEEL_E2E_CACHE    where the kernel is cached (default: the build tree's
#                     tests/e2e/cache; shared by the tests, guarded by flock)
#   KEEL_E2E_TIMEOUT  seconds one QEMU run may take (default 120)
#   KEEL_E2E_BOCHS_TIMEOUT  seconds one Bochs run may take (default 600)
#   KEEL_E2E_BOCHS_CPU  the Bochs CPU model with VT-x, EPT and unrestricted
#                     guest for hv_vmx.sh (default corei7_sandy_bridge_2600k;
#                     bochs --help cpu lists them)
#   KEEL_E2E_KEEP     a directory: copy each run's serial log there (and
#                     Bochs' own log)
#   KEEL_E2E_CC       the compiler for the static helpers (default cc)
#   KEEL_E2E_FUZZ_CALLS  random hypercalls in hv_checks.sh (default 20000)
#   KEEL_E2E_BOOTS    0: every end-to-end test skips (no emulator runs);
#                     tools/check.sh sets it for distcheck, which would
#                     only repeat the boots of the gcc build
#   KEEL_E2E_BOCHS    0: the Bochs (VT-x) runs skip, the QEMU ones still
#                     run; tools/check.sh sets it for the sanitizer build,
#                     whose keel-hv is the same as the gcc build's
#   KEEL_E2E_HV_ONLY  0: the tests of keel-hv on its own (hv_native,
#                     hv_reset, hv_paging: no keel in them but keel hv
#                     info) skip; tools/check.sh sets it for the sanitizer
#                     build too

E2E_CACHE=${KEEL_E2E_CACHE:-$top_builddir/tests/e2e/cache}
E2E_TIMEOUT=${KEEL_E2E_TIMEOUT:-120}
# Not $CC: the build's compiler may carry sanitizers, which -static refuses.
E2E_CC=${KEEL_E2E_CC:-cc}
HV="$top_builddir/payload/keel-hv"
GRUB_PC=/usr/lib/grub/i386-pc
# AMD-V with nested paging (QEMU emulates neither NRIP save nor decode
# assists), and the same CPU without SVM for the native fallback.
CPU_SVM="EPYC,+svm,+npt"
CPU_NATIVE="EPYC,-svm"
# The root kernel's command line in every test: the serial console, quiet
# so that kernel messages rarely cut the markers, a panic ends the run.
E2E_KCMD="console=ttyS0,115200 quiet panic=-1"
# Under Bochs without the crypto self-tests at boot: 3.7 of the kernel's
# 8 emulated seconds to userspace (initcall_debug), about 40 s of wall time.
E2E_KCMD_BOCHS="$E2E_KCMD cryptomgr.notests"
# CPUs of the emulated machine; the root session runs on the first only.
E2E_SMP=1

# --- tools ---------------------------------------------------------------

# e2e_need_tools: skips the whole test when the host lacks a tool, or
# when the boots are switched off (KEEL_E2E_BOOTS=0).
e2e_need_tools() {
	[ "${KEEL_E2E_BOOTS:-1}" != 0 ] ||
		skip_all "end-to-end boots are switched off (KEEL_E2E_BOOTS=0)"
	for _t in qemu-system-x86_64 grub-mkimage grub-mkrescue mformat mcopy \
		mmd cpio gzip zstd flock timeout apt-cache apt-get dpkg-deb \
		objcopy readelf nm "${E2E_CC%% *}"; do
		command -v "$_t" >/dev/null 2>&1 ||
			skip_all "$_t is not installed"
	done
	[ -f "$GRUB_PC/lnxboot.img" ] ||
		skip_all "GRUB for BIOS ($GRUB_PC, package grub-pc-bin) is missing"
	BUSYBOX=$(command -v busybox) ||
		skip_all "busybox is not installed (package busybox-static)"
	# A dynamic busybox would need its libraries in every initramfs.
	if ldd "$BUSYBOX" >/dev/null 2>&1; then
		skip_all "$BUSYBOX is not static (install busybox-static)"
	fi
}

# e2e_need_hv_only: skips a test of keel-hv on its own when those are
# switched off (KEEL_E2E_HV_ONLY=0).
e2e_need_hv_only() {
	[ "${KEEL_E2E_HV_ONLY:-1}" != 0 ] ||
		skip_all "the tests of keel-hv on its own are switched off (KEEL_E2E_HV_ONLY=0)"
}

# e2e_need_hv: keel-hv is part of the build; without it the test fails.
e2e_need_hv() {
	[ -s "$HV" ] || { echo "Bail out! $HV is not built"; exit 1; }
}

# --- the Debian kernel ---------------------------------------------------

# e2e_fetch_kernel: downloads the newest linux-image-N.N.N-N-amd64 (one
# package, never a pattern) and keeps only its vmlinuz. Returns 1 with the
# reason in E2E_WHY.
e2e_fetch_kernel() {
	_pkg=$(apt-cache search --names-only \
		'^linux-image-[0-9.]+-[0-9]+-amd64$' 2>/dev/null |
		cut -d' ' -f1 | sort -V | tail -n 1)
	if [ -z "$_pkg" ]; then
		E2E_WHY="apt knows no linux-image-*-amd64 package (run apt-get update?)"
		return 1
	fi
	_dl="$E2E_CACHE/download.$$"
	rm -rf "$_dl" && mkdir -p "$_dl" || return 1
	# World-writable so that apt's _apt user may write there as well.
	chmod 777 "$_dl"
	if ! (cd "$_dl" && timeout 900 apt-get download -q "$_pkg") \
		>"$_dl/apt.log" 2>&1; then
		E2E_WHY="apt-get download $_pkg failed (no network to the Debian archive?): $(tail -n 1 "$_dl/apt.log")"
		rm -rf "$_dl"
		return 1
	fi
	# Only the kernel image: the modules are not needed and are big.
	if ! dpkg-deb --fsys-tarfile "$_dl"/*.deb |
		tar -x -C "$_dl" --wildcards './boot/vmlinuz-*' ||
		[ ! -s "$(echo "$_dl"/boot/vmlinuz-*)" ]; then
		E2E_WHY="no vmlinuz in $_pkg"
		rm -rf "$_dl"
		return 1
	fi
	mv "$_dl"/boot/vmlinuz-* "$E2E_CACHE/vmlinuz.tmp" &&
		mv "$E2E_CACHE/vmlinuz.tmp" "$E2E_CACHE/vmlinuz" &&
		echo "$_pkg $(basename "$_dl"/*.deb)" >"$E2E_CACHE/vmlinuz.pkg"
	_rc=$?
	rm -rf "$_dl"
	return $_rc
}

# e2e_kernel: sets VMLINUZ, downloading it once per build tree; tests
# running in parallel wait on the lock instead of downloading twice.
e2e_kernel() {
	mkdir -p "$E2E_CACHE" ||
		{ echo "Bail out! cannot create $E2E_CACHE"; exit 1; }
	VMLINUZ="$E2E_CACHE/vmlinuz"
	exec 9>"$E2E_CACHE/lock"
	flock 9
	if [ ! -s "$VMLINUZ" ] && ! e2e_fetch_kernel; then
		exec 9>&-
		skip_all "no Debian kernel: $E2E_WHY"
	fi
	exec 9>&-
	diag "kernel: $(cat "$E2E_CACHE/vmlinuz.pkg" 2>/dev/null)"
}

# e2e_disk_modules: the modules of the cached kernel that a root session
# needs to mount an ext4 file system from a virtio disk (QEMU) or an IDE
# disk (Bochs), in $E2E_CACHE/modules/, with "order" listing them
# dependencies first and "wanted" the kernel package and list they were
# made for. The
# package is downloaded again once (only vmlinuz is kept by
# e2e_fetch_kernel). Returns 1 with the reason in E2E_WHY.
# crc32c: ext4 asks the crypto API for it (metadata_csum), not a depends=.
E2E_DISK_MODULES="virtio_pci virtio_blk ata_piix sd_mod crc32c_generic ext4"
e2e_disk_modules() {
	exec 9>"$E2E_CACHE/lock"
	flock 9
	_e2e_disk_modules_locked
	_rc=$?
	exec 9>&-
	return $_rc
}
_e2e_disk_modules_locked() {
	_md="$E2E_CACHE/modules"
	[ -s "$_md/order" ] &&
		[ "$(cat "$_md/wanted" 2>/dev/null)" = "$(cat "$E2E_CACHE/vmlinuz.pkg") $E2E_DISK_MODULES" ] &&
		return 0
	rm -rf "$_md"
	_pkg=$(cut -d' ' -f1 "$E2E_CACHE/vmlinuz.pkg")
	_dl="$E2E_CACHE/download.$$"
	rm -rf "$_dl" "$_md.tmp" && mkdir -p "$_dl" "$_md.tmp" || return 1
	chmod 777 "$_dl"
	if ! (cd "$_dl" && timeout 900 apt-get download -q "$_pkg") \
		>"$_dl/apt.log" 2>&1 ||
		! dpkg-deb --fsys-tarfile "$_dl"/*.deb |
		tar -x -C "$_dl" --wildcards './lib/modules/*.ko'; then
		E2E_WHY="cannot get the modules of $_pkg: $(tail -n 1 "$_dl/apt.log")"
		rm -rf "$_dl" "$_md.tmp"
		return 1
	fi
	# Dependencies first, each once: a depth-first walk of modinfo's
	# "depends" (depmod's modules.dep is made at install, not shipped).
	: >"$_md.tmp/order"
	_add_module() {
		grep -qx "$1.ko" "$_md.tmp/order" && return 0
		_ko=$(find "$_dl/lib/modules" -name "$1.ko" | head -n 1)
		[ -n "$_ko" ] || { E2E_WHY="module $1 is not in $_pkg"; return 1; }
		for _dep in $(objcopy -O binary --only-section=.modinfo "$_ko" \
			/dev/stdout | tr '\0' '\n' | sed -n 's/^depends=//p' |
			tr ',' ' '); do
			_add_module "$_dep" || return 1
		done
		# The walk above reused $_ko: find this module again.
		cp "$(find "$_dl/lib/modules" -name "$1.ko" | head -n 1)" \
			"$_md.tmp/" && echo "$1.ko" >>"$_md.tmp/order"
	}
	for _m in $E2E_DISK_MODULES; do
		_add_module "$_m" || { rm -rf "$_dl" "$_md.tmp"; return 1; }
	done
	rm -rf "$_dl"
	echo "$(cat "$E2E_CACHE/vmlinuz.pkg") $E2E_DISK_MODULES" >"$_md.tmp/wanted"
	mv "$_md.tmp" "$_md"
}

# e2e_break_kernel IN OUT: a copy of a bzImage whose 32-bit entry point
# (the first bytes of the protected-mode code) is ud2: at entry there is
# no IDT, so the #UD escalates to a triple fault.
e2e_break_kernel() {
	_ss=$(od -An -tu1 -j 497 -N 1 "$1" | tr -d ' ')
	[ "$_ss" -eq 0 ] && _ss=4
	cp "$1" "$2" &&
		printf '\017\013\017\013\017\013\017\013' |
		dd of="$2" bs=1 seek=$(((_ss + 1) * 512)) conv=notrunc 2>/dev/null
}

# --- programs for the root session ---------------------------------------

# e2e_static OUT SRC: a static helper for the initramfs.
e2e_static() {
	# shellcheck disable=SC2086 # E2E_CC may be "ccache gcc"
	$E2E_CC -std=c11 -O2 -Wall -Wextra -static \
		-I"$top_srcdir/payload/include" -o "$1" "$2" 2>"$TMP/cc.err" ||
		{ cat "$TMP/cc.err" >&2; echo "Bail out! cannot build $2"; exit 1; }
}

# e2e_add_dynamic ROOT PROG DEST: PROG with its shared libraries and the
# dynamic loader, at the paths ldd names.
e2e_add_dynamic() {
	mkdir -p "$1$(dirname "$3")" && cp "$2" "$1$3" || return 1
	for _lib in $(ldd "$2" | awk '{ for (i = 1; i <= NF; i++)
			if ($i ~ /^\//) print $i }'); do
		mkdir -p "$1$(dirname "$_lib")" && cp -L "$_lib" "$1$_lib" ||
			return 1
	done
}

# The start of every /init: busybox applets, the usual file systems, and
# the helpers the test bodies use. A test's body follows; then power off.
e2e_init_head() {
	cat <<'EOF'
#!/bin/busybox sh
/bin/busybox mkdir -p /usr/bin /usr/sbin /sbin /proc /sys /dev /tmp
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu
export LC_ALL=C HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# step NAME CMD...: runs CMD; its output and exit status go to the console
# as "KEEL-E2E-OUT NAME: ..." and "KEEL-E2E-RC NAME N", then the uptime
# at its end as "KEEL-E2E-TIME NAME SECONDS" (where an emulator is slow).
step() {
	_n=$1; shift
	"$@" >/tmp/step.out 2>&1
	_rc=$?
	sed "s/^/KEEL-E2E-OUT $_n: /" /tmp/step.out
	echo "KEEL-E2E-RC $_n $_rc"
	echo "KEEL-E2E-TIME $_n $(cut -d' ' -f1 /proc/uptime)"
}
echo "KEEL-E2E-USERSPACE $(cut -d' ' -f1 /proc/uptime)"
EOF
}

# The end of every /init. Bochs sends on the serial line at its speed: the
# last few KiB may still wait in the kernel's buffer when the body ends, so
# the power-off waits until the UART's transmit count ("tx:") stays put
# for 0.2 s (at most 10 s).
e2e_init_tail() {
	cat <<'EOF'
echo "KEEL-E2E-END"
sync
_tx=$(cat /proc/tty/driver/serial 2>/dev/null) _i=0
while [ $_i -lt 50 ]; do
	sleep 0.2
	_was=$_tx _i=$((_i + 1))
	_tx=$(cat /proc/tty/driver/serial 2>/dev/null)
	[ "$_tx" = "$_was" ] && break
done
poweroff -f
EOF
}

# e2e_initrd OUT BODY [keel] [+PROGRAM ...] [SRC=DEST ...]: a newc
# initramfs with busybox, /init = head + the shell file BODY + tail,
# optionally keel and other programs with their libraries, and files.
# Compressed with zstd, as Debian's own: GRUB loads that as it is, where a
# gzip'ed one (keel's libraries make it 20 MB) it would unpack itself,
# slowly: a minute of the boot under Bochs.
e2e_initrd() {
	_out=$1 _body=$2
	shift 2
	_r="$TMP/initrd.$$"
	rm -rf "$_r"
	mkdir -p "$_r/bin" "$_r/etc" "$_r/root" "$_r/tmp" || return 1
	cp "$BUSYBOX" "$_r/bin/busybox" || return 1
	{ e2e_init_head; cat "$_body"; e2e_init_tail; } >"$_r/init"
	chmod 755 "$_r/init"
	# An unprivileged user for the refusal tests (busybox su).
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$_r/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$_r/etc/group"
	printf '/bin/sh\n' >"$_r/etc/shells"
	for _a in "$@"; do
		case $_a in
		keel) e2e_add_dynamic "$_r" "$KEEL" /bin/keel || return 1 ;;
		+/*) e2e_add_dynamic "$_r" "${_a#+}" "${_a#+}" || return 1 ;;
		*=*) mkdir -p "$_r$(dirname "${_a#*=}")" &&
			cp "${_a%%=*}" "$_r${_a#*=}" || return 1 ;;
		esac
	done
	(cd "$_r" && find . | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) | zstd -q -3 >"$_out"
	_rc=$?
	rm -rf "$_r"
	return $_rc
}

# e2e_hv_range: hv_start, hv_end (0x..., no leading zeros): keel-hv's
# memory range; hv_load: where its image starts; $TMP/hv.bin: the bytes
# it loads there, to look for them through /dev/mem in the root session.
e2e_hv_range() {
	hv_start=$(nm "$HV" | awk '$3 == "__hv_start" { print $1 }')
	hv_end=$(nm "$HV" | awk '$3 == "__hv_end" { print $1 }')
	hv_load=$(readelf -lW "$HV" | awk '$1 == "LOAD" { print $4; exit }')
	[ -n "$hv_start" ] && [ -n "$hv_end" ] && [ -n "$hv_load" ] ||
		{ echo "Bail out! no __hv_start/__hv_end in $HV"; exit 1; }
	hv_start=$(printf '0x%x' $((0x$hv_start)))
	hv_end=$(printf '0x%x' $((0x$hv_end)))
	hv_load=$(printf '0x%x' $((hv_load)))
	objcopy -O binary "$HV" "$TMP/hv.bin" ||
		{ echo "Bail out! objcopy -O binary $HV"; exit 1; }
	diag "hypervisor range $hv_start-$hv_end, image $(wc -c <"$TMP/hv.bin") bytes at $hv_load"
}

# e2e_hv_body_head: the start of a test body that looks at the hypervisor
# range: HV_FIRST, HV_PAGES (4 KiB pages), IMG_FIRST; hv_dump copies the
# range to /tmp/hv.dump; same_pages counts the non-zero pages of keel-hv's
# image (/hv.bin in the initramfs) found at their own place in the dump;
# no_strings looks for keel-hv's log text in it. Both fail without a
# complete dump, so that a refused read never passes for isolation.
e2e_hv_body_head() {
	echo "HV_FIRST=$((hv_start / 4096))"
	echo "HV_PAGES=$(((hv_end - hv_start) / 4096))"
	echo "IMG_FIRST=$(((hv_load - hv_start) / 4096))"
	cat <<'EOF'
hv_dump() {
	dd if=/dev/mem of=/tmp/hv.dump bs=4096 skip=$HV_FIRST count=$HV_PAGES
}
dumped() {
	[ "$(wc -c </tmp/hv.dump)" -eq $((HV_PAGES * 4096)) ] ||
		{ echo "no complete dump of the range"; return 2; }
}
no_strings() {
	dumped || return 2
	! grep -c -F -e keel-hv -e "hypervisor memory" /tmp/hv.dump
}
same_pages() {
	dumped || return 2
	n=$((($(wc -c </hv.bin) + 4095) / 4096)) i=0 same=0
	while [ $i -lt $n ]; do
		dd if=/hv.bin of=/tmp/a bs=4096 skip=$i count=1 2>/dev/null
		if [ -n "$(tr -d '\000' </tmp/a | head -c 1)" ]; then
			dd if=/tmp/hv.dump of=/tmp/b bs=4096 \
				skip=$((IMG_FIRST + i)) count=1 2>/dev/null
			cmp -s /tmp/a /tmp/b && same=$((same + 1))
		fi
		i=$((i + 1))
	done
	echo "$same of $n image pages found in the dump"
	[ $same -eq 0 ]
}
EOF
}

# --- GRUB ----------------------------------------------------------------

# The file names the installer uses (DESIGN.md, "The boot chain"):
# /boot/keel/keel-hv-VERSION, /boot/vmlinuz-KVER, /boot/initrd.img-KVER.
e2e_names() {
	_kver=$(sed -n 's/^linux-image-\([^ ]*\) .*/\1/p' "$E2E_CACHE/vmlinuz.pkg" 2>/dev/null)
	_hvver=$("$KEEL" --version 2>/dev/null | awk 'NR == 1 { print $2 }')
	E2E_VMLINUZ=/boot/vmlinuz-${_kver:-e2e}
	E2E_INITRD=/boot/initrd.img-${_kver:-e2e}
	E2E_HVFILE=/boot/keel/keel-hv-${_hvver:-e2e}
}

# e2e_grub_cfg MODE KCMDLINE [HVARGS]: a grub.cfg on stdout. MODE hv:
# keel-hv with the kernel and initrd as modules, the lines the installer
# writes; MODE linux: GRUB boots the kernel itself. A failing entry falls
# back to one that says so and resets (QEMU then exits: -no-reboot).
e2e_grub_cfg() {
	cat <<EOF
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=0
set default=0
set fallback=1
EOF
	if [ "$1" = hv ]; then
		cat <<EOF
menuentry 'keel-hv' {
	echo 'KEEL-E2E-GRUB loading keel-hv'
	multiboot2 $E2E_HVFILE $3
	module2 $E2E_VMLINUZ $2
	module2 $E2E_INITRD
}
EOF
	else
		cat <<EOF
menuentry 'linux' {
	echo 'KEEL-E2E-GRUB loading linux'
	linux $E2E_VMLINUZ $2
	initrd $E2E_INITRD
}
EOF
	fi
	cat <<EOF
menuentry 'failed' {
	echo 'KEEL-E2E-GRUB-FAILED'
	reboot
}
EOF
}

# e2e_tree DIR MODE KERNEL INITRD KCMDLINE [HVARGS]: the files GRUB reads
# below DIR: boot/grub/grub.cfg, the kernel, the initrd and keel-hv.
e2e_tree() {
	e2e_names
	mkdir -p "$1/boot/grub" "$1/boot/keel" &&
		cp "$3" "$1$E2E_VMLINUZ" && cp "$4" "$1$E2E_INITRD" &&
		e2e_grub_cfg "$2" "$5" "${6-}" >"$1/boot/grub/grub.cfg" ||
		return 1
	if [ "$2" = hv ]; then cp "$HV" "$1$E2E_HVFILE" || return 1; fi
}

# e2e_fast DIR: the fast path. No i386-multiboot GRUB exists in Debian and
# a memdisk holding a kernel is too big for an i386-pc core image, so:
# a core image with the modules built in, behind lnxboot.img (QEMU loads
# it with -kernel like a Linux bzImage), reading DIR's tree from a FAT
# disk made by mtools. Sets E2E_BOOT to the QEMU arguments.
e2e_fast() {
	printf 'set root=(hd0)\nset prefix=(hd0)/boot/grub\nconfigfile /boot/grub/grub.cfg\n' \
		>"$1.early.cfg"
	grub-mkimage -O i386-pc -o "$1.core" -c "$1.early.cfg" \
		-p '(hd0)/boot/grub' biosdisk fat normal configfile echo \
		serial terminal linux multiboot2 reboot test 2>"$TMP/mk.err" &&
		cat "$GRUB_PC/lnxboot.img" "$1.core" >"$1.lnx" ||
		{ cat "$TMP/mk.err" >&2; return 1; }
	_mib=$(($(du -skL "$1" | cut -f1) / 1024 + 8))
	rm -f "$1.disk"
	truncate -s "${_mib}M" "$1.disk" &&
		mformat -i "$1.disk" :: &&
		mcopy -s -i "$1.disk" "$1/boot" ::/ || return 1
	E2E_BOOT="-kernel $1.lnx -drive file=$1.disk,format=raw,if=virtio"
}

# e2e_iso DIR: real GRUB: a grub-mkrescue ISO (El Torito, BIOS) of DIR's
# tree, booted from the CD drive. Sets E2E_BOOT.
e2e_iso() {
	grub-mkrescue -o "$1.iso" "$1" >"$TMP/iso.log" 2>&1 ||
		{ cat "$TMP/iso.log" >&2; return 1; }
	E2E_BOOT="-cdrom $1.iso"
}

# --- QEMU ----------------------------------------------------------------

# run_qemu LOG CPU QEMU-ARGS...: boots under TCG with the serial line in
# LOG (carriage returns removed). Sets qemu_rc (124: timed out) and
# qemu_secs (wall time).
run_qemu() {
	_log=$1 _cpu=$2
	shift 2
	_t0=$(date +%s.%N)
	timeout -k 10 "$E2E_TIMEOUT" qemu-system-x86_64 -accel tcg \
		-cpu "$_cpu" -m 1024 -smp "$E2E_SMP" -nographic -no-reboot -nic none \
		-monitor none -serial "file:$_log.raw" "$@" \
		</dev/null >"$_log.qemu" 2>&1
	qemu_rc=$?
	qemu_secs=$(echo "$_t0 $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
	bochs_end=
	tr -d '\r' <"$_log.raw" >"$_log"
	if [ -n "${KEEL_E2E_KEEP:-}" ]; then
		mkdir -p "$KEEL_E2E_KEEP" &&
			cp "$_log" "$KEEL_E2E_KEEP/$(basename "$0" .sh).$(basename "$_log")"
	fi
	grep -v "TCG doesn't support requested feature" "$_log.qemu" |
		sed 's/^/qemu: /' >&2
	return 0
}

# --- Bochs: tests/e2e/bochs.sh ----------------------------------------

. "$top_srcdir/tests/e2e/bochs.sh"

# --- reading the serial log ----------------------------------------------

# e2e_rc LOG NAME: the exit status the root session reported for a step
# (empty if the step never ran).
e2e_rc() {
	sed -n "s/^.*KEEL-E2E-RC $2 \([0-9][0-9]*\)\$/\1/p" "$1" | tail -n 1
}

# e2e_out LOG NAME: that step's output.
e2e_out() {
	sed -n "s/^KEEL-E2E-OUT $2: //p" "$1"
}

# e2e_skipped DESC: when E2E_SKIP holds a reason, DESC as a skipped TAP
# check; the ok_* checks below call it first, so that a test can run its
# checks for a missing emulator and have them all skipped.
e2e_skipped() {
	[ -n "${E2E_SKIP:-}" ] || return 1
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $E2E_SKIP"
}

# ok_step LOG NAME WANT DESC [PATTERN]: the step exited WANT ("!0" for any
# failure) and, with PATTERN, its output matches it (grep -E).
ok_step() {
	e2e_skipped "$4" && return 0
	_rc=$(e2e_rc "$1" "$2")
	case $3 in
	'!0') [ -n "$_rc" ] && [ "$_rc" -ne 0 ] ;;
	*) [ "$_rc" = "$3" ] ;;
	esac
	_st=$?
	if [ $_st -eq 0 ] && [ -n "${5-}" ]; then
		e2e_out "$1" "$2" | grep -Eq -- "$5"
		_st=$?
	fi
	ok $_st "$4"
	[ $_st -eq 0 ] || diag "step $2: exit '${_rc}' (want $3); output:" \
		"$(e2e_out "$1" "$2")"
	return $_st
}

# ok_log LOG PATTERN DESC: the serial log has a line matching PATTERN.
ok_log() {
	e2e_skipped "$3" && return 0
	grep -Eq -- "$2" "$1"
	_st=$?
	ok $_st "$3"
	[ $_st -eq 0 ] || e2e_tail "$1"
	return $_st
}

# ok_nolog LOG PATTERN DESC [MARKER]: no line of the serial log matches
# PATTERN. The log must be there and not empty, and with MARKER (grep -E)
# have a line matching it: that the boot got as far as PATTERN would show.
ok_nolog() {
	e2e_skipped "$3" && return 0
	[ -s "$1" ] && { [ -z "${4-}" ] || grep -Eq -- "$4" "$1"; } &&
		! grep -Eq -- "$2" "$1"
	_st=$?
	ok $_st "$3"
	if [ ! -s "$1" ]; then
		diag "serial log $1 missing or empty"
	elif [ -n "${4-}" ] && ! grep -Eq -- "$4" "$1"; then
		diag "no line matches '$4'"
		e2e_tail "$1"
	elif [ $_st -ne 0 ]; then
		grep -E -- "$2" "$1" | head -n 5 | sed 's/^/#   /'
	fi
	return $_st
}

# e2e_tail LOG: the end of a serial log as TAP comments, for failures.
e2e_tail() {
	diag "serial log, last lines:"
	tail -n 25 "$1" | sed 's/^/#   /'
}

# ok_boot LOG DESC: the emulator ended by itself (no timeout) after the
# root session reached its last marker.
ok_boot() {
	e2e_skipped "$2" && return 0
	[ "$qemu_rc" -ne 124 ] && [ "$qemu_rc" -ne 137 ] &&
		grep -q '^KEEL-E2E-END' "$1"
	_st=$?
	ok $_st "$2 (${qemu_secs}s)"
	[ $_st -eq 0 ] || { diag "emulator exit $qemu_rc${bochs_end:+ ($bochs_end)}"; e2e_tail "$1"; }
	return $_st
}
