#!/bin/sh
# hv_svm.sh: keel-hv (AMD-V + NPT, QEMU TCG) boots a Debian root session:
# discovery, keel hv, isolation, refusal, fuzzing; fast GRUB and real GRUB ISO.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/lib.sh"

e2e_need_tools
e2e_need_hv
e2e_kernel
FUZZ_CALLS=${KEEL_E2E_FUZZ_CALLS:-20000}

e2e_hv_range

e2e_static "$TMP/cpuid_sig" "$top_srcdir/tests/e2e/cpuid_sig.c"
e2e_static "$TMP/hcall_fuzz" "$top_srcdir/tests/e2e/hcall_fuzz.c"

# The root session's /init. "keel_e2e=quick" on the kernel command line
# (the ISO boot) stops after discovery and keel hv info.
{ e2e_hv_body_head; echo "FUZZ_CALLS=$FUZZ_CALLS"; } >"$TMP/body"
cat >>"$TMP/body" <<'EOF'
# write_random: random bytes over the hypervisor range through /dev/mem;
# keeps them in /tmp/hv.rand and the range as read before in /tmp/hv.before.
write_random() {
	cp /tmp/hv.dump /tmp/hv.before 2>/dev/null || : >/tmp/hv.before
	dd if=/dev/urandom of=/tmp/hv.rand bs=4096 count=$HV_PAGES &&
		dd if=/tmp/hv.rand of=/dev/mem bs=4096 seek=$HV_FIRST \
			count=$HV_PAGES conv=notrunc
}
# pages FILE: FILE's 4 KiB pages, one line of hex each.
pages() {
	od -An -tx1 -v -w4096 "$1" | tr -d ' '
}
# read_back: the range read again after the write holds only pages the
# session wrote or had read there before, and at least one it wrote.
read_back() {
	dumped || return 2
	pages /tmp/hv.dump | sort -u >/tmp/p.got
	pages /tmp/hv.rand | grep -x -F -f /tmp/p.got | sort -u >/tmp/p.known
	wrote=$(wc -l </tmp/p.known)
	# Pages it did not write may still be what it had read there before.
	[ "$wrote" -eq "$(wc -l </tmp/p.got)" ] ||
		pages /tmp/hv.before | grep -x -F -f /tmp/p.got | sort -u \
			>>/tmp/p.known
	# Lines only in p.got occur once here, the others three times.
	other=$(sort /tmp/p.got /tmp/p.known /tmp/p.known | uniq -u | wc -l)
	echo "$(wc -l </tmp/p.got) distinct pages read back: $wrote written" \
		"by the session, $other from elsewhere"
	[ "$wrote" -ge 1 ] && [ "$other" -eq 0 ]
}
step sig cpuid_sig
step info keel hv info
step cpus grep -c ^processor /proc/cpuinfo
if ! grep -q keel_e2e=quick /proc/cmdline; then
	step stats keel hv stats
	step log keel hv log
	step unpriv su -s /bin/sh nobody -c 'keel hv info'
	step unpriv-raw su -s /bin/sh nobody -c 'hcall_fuzz raw; echo "exit $?"'
	step dump hv_dump
	step nostring no_strings
	step nopages same_pages
	step write write_random
	step dump-again hv_dump
	step readback read_back
	step nostring-again no_strings
	step nopages-again same_pages
	step after-write keel hv info
	step fuzz hcall_fuzz $FUZZ_CALLS
	step after-fuzz keel hv info
	step stats-end keel hv stats
fi
EOF
e2e_initrd "$TMP/initrd.img" "$TMP/body" keel \
	"$TMP/cpuid_sig=/bin/cpuid_sig" "$TMP/hcall_fuzz=/bin/hcall_fuzz" \
	"$TMP/hv.bin=/hv.bin" || { echo "Bail out! cannot build the initramfs"; exit 1; }

# --- the fast path: everything --------------------------------------------
e2e_tree "$TMP/fast" hv "$VMLINUZ" "$TMP/initrd.img" "$E2E_KCMD iomem=relaxed" &&
	e2e_fast "$TMP/fast" || { echo "Bail out! cannot make the GRUB image"; exit 1; }
# Two CPUs, of which the root session sees one (keel-hv adds nr_cpus=1).
E2E_SMP=2
run_qemu "$TMP/svm.log" "$CPU_SVM" $E2E_BOOT
E2E_SMP=1
L="$TMP/svm.log"
ok_boot "$L" "root session under keel-hv reaches userspace and powers off"
ok_log "$L" "hypervisor memory 0*${hv_start#0x}-0*${hv_end#0x}," \
	"keel-hv logs its memory range ($hv_start-$hv_end)"
ok_log "$L" "starting the root session under" "keel-hv starts the root session under SVM"
ok_step "$L" sig 0 "CPUID 0x40000000 says KeelKeelKeel, 0x40000001 the ABI" \
	'backend 1'
ok_step "$L" info 0 "keel hv info as root" 'svm'
ok_step "$L" cpus 0 "the root session runs on one CPU (nr_cpus=1)" '^1$'
ok_step "$L" stats 0 "keel hv stats as root" 'cpuid'
ok_step "$L" log 0 "keel hv log shows the hypervisor's log" 'keel-hv'
ok_step "$L" unpriv '!0' "keel hv info as nobody is refused" \
	'root|privilege|CAP_SYS_RAWIO|ermission'
ok_step "$L" unpriv-raw 0 "a raw OUT to the gate as nobody dies of the CPU's I/O check" \
	'exit 139'
ok_step "$L" dump 0 "the hypervisor range reads through /dev/mem (iomem=relaxed)"
ok_step "$L" nostring 0 "no keel-hv strings in the hypervisor range"
ok_step "$L" nopages 0 "none of keel-hv's image pages in the hypervisor range"
ok_step "$L" write 0 "random bytes written over the hypervisor range"
ok_step "$L" dump-again 0 "the hypervisor range reads again after the write"
ok_step "$L" readback 0 "the root session reads back what it wrote there (or had read before)" \
	'distinct pages read back'
ok_step "$L" nostring-again 0 "no keel-hv strings in the range after the write"
ok_step "$L" nopages-again 0 "none of keel-hv's image pages in the range after the write"
ok_step "$L" after-write 0 "hypercalls work after the write" 'svm'
ok_step "$L" fuzz 0 "$FUZZ_CALLS random hypercalls answered by the ABI" \
	'wrong 0'
diag "$(e2e_out "$L" fuzz | tail -n 1)"
ok_step "$L" after-fuzz 0 "keel hv info after the random hypercalls" 'svm'
ok_step "$L" stats-end 0 "keel hv stats after everything" 'hypercall'
e2e_out "$L" stats-end | sed 's/^/# /'
! grep -q 'keel-hv: panic' "$L"
ok $? "keel-hv did not panic"

# --- real GRUB: a grub-mkrescue ISO ---------------------------------------
e2e_tree "$TMP/iso" hv "$VMLINUZ" "$TMP/initrd.img" "$E2E_KCMD keel_e2e=quick" &&
	e2e_iso "$TMP/iso" || { echo "Bail out! cannot make the ISO"; exit 1; }
run_qemu "$TMP/iso.log" "$CPU_SVM" $E2E_BOOT
ok_boot "$TMP/iso.log" "real GRUB (ISO): the root session under keel-hv reaches userspace"
ok_step "$TMP/iso.log" sig 0 "real GRUB (ISO): CPUID signature"
ok_step "$TMP/iso.log" info 0 "real GRUB (ISO): keel hv info" 'svm'

done_testing
