# tests/e2e/hv_checks.sh: what a root session under keel-hv must show, the
# same for every backend: hv_svm.sh runs it under AMD-V (QEMU), hv_vmx.sh
# under VT-x (Bochs). One list of checks: discovery, keel hv info, stats
# and log, isolation of the hypervisor's memory, refusal to unprivileged
# users, random hypercalls.
#
# Sourced after tests/e2e/lib.sh. Use: hv_backend, hv_checks_initrd, a
# boot that puts the serial log in a file, hv_checks (or hv_checks_quick).

# hv_backend svm|vmx: what the checks expect of that backend: HV_NAME as
# keel hv info names it, HV_ID as CPUID 0x40000001 (ECX) numbers it
# (keel/hypercall.h), HV_LOGNAME as keel-hv's serial log names it.
hv_backend() {
	case $1 in
	svm) HV_NAME=svm HV_ID=1 HV_LOGNAME=AMD-V ;;
	vmx) HV_NAME=vmx HV_ID=2 HV_LOGNAME=VT-x ;;
	*) echo "Bail out! hv_backend: unknown backend '$1'"; exit 1 ;;
	esac
}

# hv_readback_c: the C source of readback GOT WROTE BEFORE, for read_back
# below: counts the distinct 4 KiB pages of GOT (the hypervisor range read
# back after the write), those that are pages of WROTE (what the session
# wrote there) and those neither in WROTE nor in BEFORE (what it read there
# before the write); succeeds when at least one was written and none came
# from elsewhere. Pages compare byte by byte. (In busybox, with od and
# grep -F -f, this took 30 of 43 emulated seconds under Bochs.)
hv_readback_c() {
	cat <<'EOF'
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PAGE 4096

struct pages {
	unsigned char *data;
	const unsigned char **sorted;
	size_t n;
};

static int by_bytes(const void *a, const void *b)
{
	return memcmp(*(const unsigned char *const *)a,
		      *(const unsigned char *const *)b, PAGE);
}

/* load: NAME's pages, sorted; -1 unless it reads whole as whole pages. */
static int load(const char *name, struct pages *p)
{
	FILE *f = fopen(name, "rb");
	struct stat st;
	size_t i, len;

	if (!f || fstat(fileno(f), &st) != 0 || st.st_size % PAGE != 0)
		return -1;
	len = (size_t)st.st_size;
	p->n = len / PAGE;
	p->data = malloc(len + 1);
	p->sorted = malloc((p->n + 1) * sizeof *p->sorted);
	if (!p->data || !p->sorted || fread(p->data, 1, len + 1, f) != len ||
	    fclose(f) != 0)
		return -1;
	for (i = 0; i < p->n; i++)
		p->sorted[i] = p->data + i * PAGE;
	qsort(p->sorted, p->n, sizeof *p->sorted, by_bytes);
	return 0;
}

static int has(const struct pages *p, const unsigned char *page)
{
	return bsearch(&page, p->sorted, p->n, sizeof *p->sorted,
		       by_bytes) != NULL;
}

int main(int argc, char **argv)
{
	struct pages got, wrote, before;
	unsigned distinct = 0, mine = 0, other = 0;
	size_t i;

	if (argc != 4 || load(argv[1], &got) != 0 ||
	    load(argv[2], &wrote) != 0 || load(argv[3], &before) != 0) {
		fprintf(stderr, "readback: cannot read GOT WROTE BEFORE as "
			"whole pages\n");
		return 2;
	}
	for (i = 0; i < got.n; i++) {
		if (i > 0 && by_bytes(&got.sorted[i - 1], &got.sorted[i]) == 0)
			continue;
		distinct++;
		if (has(&wrote, got.sorted[i]))
			mine++;
		else if (!has(&before, got.sorted[i]))
			other++;
	}
	printf("%u distinct pages read back: %u written by the session, "
	       "%u from elsewhere\n", distinct, mine, other);
	return mine >= 1 && other == 0 ? 0 : 1;
}
EOF
}

# hv_checks_initrd OUT FUZZ-CALLS: the initramfs for hv_checks: keel, the
# static helpers cpuid_sig, hcall_fuzz and readback, keel-hv's image
# (/hv.bin) and the /init body below. Sets FUZZ_CALLS and what
# e2e_hv_range sets. "keel_e2e=quick" on the kernel command line stops the
# body after discovery and keel hv info (hv_checks_quick).
hv_checks_initrd() {
	FUZZ_CALLS=$2
	e2e_hv_range
	e2e_static "$TMP/cpuid_sig" "$top_srcdir/tests/e2e/cpuid_sig.c"
	e2e_static "$TMP/hcall_fuzz" "$top_srcdir/tests/e2e/hcall_fuzz.c"
	hv_readback_c >"$TMP/readback.c"
	e2e_static "$TMP/readback" "$TMP/readback.c"
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
# drain: waits until the UART has sent what the console holds: the kernel
# writes its messages past that buffer, into the middle of our lines.
drain() {
	_tx=$(cat /proc/tty/driver/serial)
	while sleep 0.2; do
		_was=$_tx
		_tx=$(cat /proc/tty/driver/serial)
		[ "$_tx" = "$_was" ] && break
	done
}
# self_nmi: an NMI to this CPU through the local APIC's ICR (xAPIC mode:
# nox2apic); the kernel counts it in /proc/interrupts and logs it at
# KERN_EMERG. Under VT-x it goes through keel-hv, which injects it back.
self_nmi() {
	before=$(awk '/NMI:/ { print $2 }' /proc/interrupts)
	drain
	devmem 0xfee00310 32 0 && devmem 0xfee00300 32 0x4400 || return 2
	sleep 1
	after=$(awk '/NMI:/ { print $2 }' /proc/interrupts)
	echo "NMIs before $before, after $after"
	[ "$after" -gt "$before" ]
}
# read_back: the range read again after the write holds only pages the
# session wrote or had read there before, and at least one it wrote.
read_back() {
	dumped || return 2
	readback /tmp/hv.dump /tmp/hv.rand /tmp/hv.before
}
step sig cpuid_sig
step info keel hv info
step cpus grep -c ^processor /proc/cpuinfo
if ! grep -q keel_e2e=quick /proc/cmdline; then
	step stats keel hv stats
	step log keel hv log
	step unpriv su -s /bin/sh nobody -c 'keel hv info'
	step nmi self_nmi
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
	e2e_initrd "$1" "$TMP/body" keel \
		"$TMP/cpuid_sig=/bin/cpuid_sig" "$TMP/hcall_fuzz=/bin/hcall_fuzz" \
		"$TMP/readback=/bin/readback" "$TMP/hv.bin=/hv.bin" ||
		{ echo "Bail out! cannot build the initramfs"; exit 1; }
}

# hv_checks LOG: the checks on the serial log of a full boot (the kernel
# command line needs iomem=relaxed for the reads through /dev/mem and
# nox2apic for the NMI through the APIC's page).
hv_checks() {
	ok_boot "$1" "root session under keel-hv reaches userspace and powers off"
	ok_log "$1" "hypervisor memory 0*${hv_start#0x}-0*${hv_end#0x}," \
		"keel-hv logs its memory range ($hv_start-$hv_end)"
	ok_log "$1" "starting the root session under $HV_LOGNAME\$" \
		"keel-hv starts the root session under $HV_LOGNAME"
	ok_step "$1" sig 0 "CPUID 0x40000000 says KeelKeelKeel, 0x40000001 the ABI" \
		"backend $HV_ID\$"
	ok_step "$1" info 0 "keel hv info as root" "$HV_NAME"
	ok_step "$1" cpus 0 "the root session runs on one CPU (nr_cpus=1)" '^1$'
	ok_step "$1" stats 0 "keel hv stats as root" 'cpuid'
	ok_step "$1" log 0 "keel hv log shows the hypervisor's log" 'keel-hv'
	ok_step "$1" unpriv '!0' "keel hv info as nobody is refused" \
		'root|privilege|CAP_SYS_RAWIO|ermission'
	ok_step "$1" nmi 0 "an NMI the session sends itself reaches it" \
		'NMIs before [0-9]+, after [1-9]'
	ok_step "$1" unpriv-raw 0 "a raw OUT to the gate as nobody dies of the CPU's I/O check" \
		'exit 139'
	ok_step "$1" dump 0 "the hypervisor range reads through /dev/mem (iomem=relaxed)"
	ok_step "$1" nostring 0 "no keel-hv strings in the hypervisor range"
	ok_step "$1" nopages 0 "none of keel-hv's image pages in the hypervisor range"
	ok_step "$1" write 0 "random bytes written over the hypervisor range"
	ok_step "$1" dump-again 0 "the hypervisor range reads again after the write"
	ok_step "$1" readback 0 "the root session reads back what it wrote there (or had read before)" \
		'distinct pages read back'
	ok_step "$1" nostring-again 0 "no keel-hv strings in the range after the write"
	ok_step "$1" nopages-again 0 "none of keel-hv's image pages in the range after the write"
	ok_step "$1" after-write 0 "hypercalls work after the write" "$HV_NAME"
	ok_step "$1" fuzz 0 "$FUZZ_CALLS random hypercalls answered by the ABI" \
		'wrong 0'
	diag "$(e2e_out "$1" fuzz | tail -n 1)"
	ok_step "$1" after-fuzz 0 "keel hv info after the random hypercalls" "$HV_NAME"
	ok_step "$1" stats-end 0 "keel hv stats after everything" 'hypercall'
	e2e_out "$1" stats-end | sed 's/^/# /'
	ok_nolog "$1" 'keel-hv: panic' "keel-hv did not panic"
}

# hv_checks_quick LOG WHAT: the checks of a keel_e2e=quick boot, each
# description starting with WHAT.
hv_checks_quick() {
	ok_boot "$1" "$2: the root session under keel-hv reaches userspace"
	ok_step "$1" sig 0 "$2: CPUID signature" "backend $HV_ID\$"
	ok_step "$1" info 0 "$2: keel hv info" "$HV_NAME"
}
