# tests/e2e/bochs.sh: Bochs runs for the end-to-end tests (Intel VT-x,
# which QEMU's TCG lacks); sourced by tests/e2e/lib.sh, which documents
# the environment (KEEL_E2E_BOCHS, KEEL_E2E_BOCHS_TIMEOUT, ...).

# Intel VT-x: QEMU's TCG has no VMX, Bochs emulates it. The CPU models,
# from the VMX features of Bochs 2.7's cpu/cpudb/intel/*.cc:
# VMX with EPT and unrestricted guest (the root session runs under keel-hv);
# 64-bit without VMX; VMX without EPT; EPT without unrestricted guest.
BOCHS_VMX=${KEEL_E2E_BOCHS_CPU:-corei7_sandy_bridge_2600k}
BOCHS_NOVMX=p4_prescott_celeron_336
BOCHS_NOEPT=core2_penryn_t9600
BOCHS_NOUG=corei5_lynnfield_750
BOCHS_BIOS=/usr/share/bochs/BIOS-bochs-latest
BOCHS_VGABIOS=/usr/share/vgabios/vgabios.bin
E2E_BOCHS_TIMEOUT=${KEEL_E2E_BOCHS_TIMEOUT:-600}
# Instructions per emulated second (also the TSC rate). The boot is bound
# by instructions, not by the guest's waiting: 50 million was no faster.
E2E_BOCHS_IPS=200000000

# e2e_bochs_missing: why Bochs cannot run here, on stdout (nothing when it
# can): switched off (KEEL_E2E_BOCHS=0), not installed, no BIOS.
e2e_bochs_missing() {
	if [ "${KEEL_E2E_BOCHS:-1}" = 0 ]; then
		echo "Bochs runs are switched off (KEEL_E2E_BOCHS=0)"
	elif ! command -v bochs >/dev/null 2>&1; then
		echo "bochs is not installed (package bochs)"
	elif [ ! -f "$BOCHS_BIOS" ]; then
		echo "$BOCHS_BIOS is missing (package bochsbios)"
	elif [ ! -f "$BOCHS_VGABIOS" ]; then
		echo "$BOCHS_VGABIOS is missing (package vgabios)"
	fi
}

# e2e_need_bochs: skips the whole test when Bochs cannot run.
e2e_need_bochs() {
	_why=$(e2e_bochs_missing)
	[ -z "$_why" ] || skip_all "$_why"
}

# run_bochs LOG MODEL IMAGE: boots IMAGE (Bochs cannot load a kernel
# itself): a BIOS El Torito CD if its name ends in .iso, else a raw BIOS
# hard disk, ata0-master, which the guest writes to. Bochs accepts a disk
# whose size is a multiple of 512 bytes (server_disk's are) and makes up
# its geometry, 16 heads, 63 sectors, whole cylinders: the sectors after
# the last whole cylinder are still there for LBA, which GRUB and Linux
# use. Runs on E2E_SMP CPUs of MODEL, serial line in LOG (carriage
# returns removed), Bochs' own log in LOG.bochs. Sets what run_qemu sets:
# qemu_rc (0: the guest powered off, or reset; 124: timed out) and
# qemu_secs; bochs_end says how it ended: poweroff, reset, timeout or
# "exit N". With E2E_SKIP set it boots nothing (see ok_step).
# Bochs has no -no-reboot: a watcher stops it at the second reset (the
# first is the power-on); its debugger, if built in, stops at a triple
# fault and quits, as stdin is empty. The only display is rfb, a VNC
# server on the first free port from 5900, on every interface: a private
# network namespace (unshare -rn, where allowed) keeps it off the network
# and lets Bochs runs in parallel use the same port.
run_bochs() {
	_log=$1 _img=$3
	: >"$_log.raw"
	: >"$_log.bochs"
	if [ -n "${E2E_SKIP:-}" ]; then
		: >"$_log"
		qemu_rc=0 qemu_secs=0 bochs_end=skipped
		return 0
	fi
	case $_img in
	*.iso) _media="boot: cdrom
ata0-master: type=cdrom, path=$_img, status=inserted" ;;
	*) _media="boot: disk
ata0-master: type=disk, mode=flat, path=$_img" ;;
	esac
	cat >"$_log.bochsrc" <<EOF
megs: 1024
cpu: model=$2, count=$E2E_SMP, ips=$E2E_BOCHS_IPS, reset_on_triple_fault=1
romimage: file=$BOCHS_BIOS
vgaromimage: file=$BOCHS_VGABIOS
display_library: rfb, options="timeout=0"
mouse: enabled=0
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
com1: enabled=1, mode=file, dev=$_log.raw
$_media
clock: sync=none, time0=local
log: $_log.bochs
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
EOF
	# A debugger build stops at a prompt before the first instruction.
	set --
	if bochs -help 2>&1 | grep -q -- '-rc '; then
		echo c >"$_log.dbgrc"
		set -- -rc "$_log.dbgrc"
	fi
	_ns=
	unshare -rn true 2>/dev/null && _ns="unshare -rn"
	_t0=$(date +%s.%N)
	_stop=$(($(date +%s) + E2E_BOCHS_TIMEOUT))
	$_ns bochs -q -f "$_log.bochsrc" "$@" </dev/null >"$_log.out" 2>&1 &
	_pid=$!
	bochs_end=
	while kill -0 "$_pid" 2>/dev/null; do
		if [ "$(grep -c 'Reset(.*) called' "$_log.bochs")" -gt 1 ]; then
			bochs_end=reset
		elif [ "$(date +%s)" -ge "$_stop" ]; then
			bochs_end=timeout
		else
			sleep 1
			continue
		fi
		kill "$_pid" 2>/dev/null
		_n=0
		while kill -0 "$_pid" 2>/dev/null && [ $_n -lt 10 ]; do
			sleep 1
			_n=$((_n + 1))
		done
		kill -9 "$_pid" 2>/dev/null
		break
	done
	wait "$_pid"
	qemu_rc=$?
	qemu_secs=$(echo "$_t0 $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
	# Bochs locks a disk with IMAGE.lock, which a killed Bochs leaves
	# behind: the next boot of IMAGE would refuse to open it.
	case $_img in
	*.iso) ;;
	*) rm -f "$_img.lock" ;;
	esac
	# Bochs may have quit by itself: the guest powered off, or its
	# debugger stopped at a triple fault (the reset is in its log).
	if [ -n "$bochs_end" ]; then
		:
	elif grep -q 'ACPI control: soft power off' "$_log.bochs"; then
		bochs_end=poweroff
	elif [ "$(grep -c 'Reset(.*) called' "$_log.bochs")" -gt 1 ]; then
		bochs_end=reset
	fi
	case $bochs_end in
	poweroff | reset) qemu_rc=0 ;;
	timeout) qemu_rc=124 ;;
	*) bochs_end="exit $qemu_rc" ;;
	esac
	tr -d '\r' <"$_log.raw" >"$_log"
	if [ -n "${KEEL_E2E_KEEP:-}" ]; then
		_keep="$KEEL_E2E_KEEP/$(basename "$0" .sh).$(basename "$_log")"
		mkdir -p "$KEEL_E2E_KEEP" && cp "$_log" "$_keep" &&
			cp "$_log.bochs" "$_keep.bochs"
	fi
	# How Bochs ended, with its last panics and errors unless the guest
	# ended the run itself.
	echo "bochs: $bochs_end" >&2
	case $bochs_end in
	poweroff | reset) ;;
	*) grep -E '^[0-9]+[pe]\[' "$_log.bochs" | tail -n 5 |
		sed 's/^/bochs: /' >&2 ;;
	esac
	return 0
}
