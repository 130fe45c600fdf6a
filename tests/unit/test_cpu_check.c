/* test_cpu_check.c: unit tests of keel check-cpu's decision: synthetic
 * processors for every MSR case, and the real CPUID dumps of shared data. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cpu_check.h"
#include "cpuid_dump.h"
#include "tests/tap.h"
#include "tests/unit/cpu_fake.h"
#include "tests/unit/cpu_testdata.h"

static bool has_reason(const struct cpu_report *r, const char *needle)
{
	unsigned int i;

	for (i = 0; i < r->n_reasons; i++)
		if (strstr(r->reasons[i], needle))
			return true;
	return false;
}

static void test_intel_capable(void)
{
	struct fake_cpu f;
	struct cpu_report r;

	intel_good(&f);
	run(&f, &r);
	is_int(r.verdict, CPU_CAPABLE, "vt-x: capable");
	is_int(r.cpu, 3, "vt-x: the cpu number is kept");
	is_str(r.vendor_id, "GenuineIntel", "vt-x: vendor id");
	is_int(r.vendor, CPU_VENDOR_INTEL, "vt-x: vendor");
	is_int(r.backend, CPU_BACKEND_VTX, "vt-x: backend");
	/* 906EAh: family 6, extended model 9 + model E, stepping A */
	ok(r.family == 6 && r.model == 0x9E && r.stepping == 0xA,
	   "vt-x: display family/model/stepping 6/9E/A");
	is_str(r.brand, "Test CPU", "vt-x: brand trimmed of spaces and NULs");
	ok(r.long_mode && r.vmx && r.ept && r.unrestricted_guest && r.vpid,
	   "vt-x: long mode, VMX, EPT, unrestricted guest, VPID");
	ok(r.fw_known && r.fw_locked && r.fw_enabled, "vt-x: locked on");
	ok(!r.svm && !r.npt && !r.under_hypervisor, "vt-x: no SVM, no hv");
	is_int(r.n_reasons, 0, "vt-x: nothing to say");
}

static void test_intel_firmware(void)
{
	struct fake_cpu f;
	struct cpu_report r;

	intel_good(&f);
	set_msr(&f, 0x3A, 0x1);
	run(&f, &r);
	is_int(r.verdict, CPU_DISABLED, "vmx locked off: disabled");
	ok(r.fw_known && r.fw_locked && !r.fw_enabled, "vmx locked off: flags");
	ok(has_reason(&r, "enable Intel Virtualization Technology (VT-x) in "
		      "the firmware setup"), "vmx locked off: firmware advice");

	intel_good(&f);
	set_msr(&f, 0x3A, 0x0);
	run(&f, &r);
	is_int(r.verdict, CPU_CAPABLE, "vmx unlocked: keel-hv enables it");
	ok(r.fw_known && !r.fw_locked && r.fw_enabled,
	   "vmx unlocked: counts as enabled (keel-hv enables it)");
	is_int(r.n_reasons, 1, "vmx unlocked: one note");

	intel_good(&f);
	set_msr(&f, 0x3A, 0x1);
	set_msr(&f, 0x48B, (uint64_t)(1u << 7) << 32);
	run(&f, &r);
	is_int(r.verdict, CPU_INCAPABLE, "locked off and no EPT: incapable");
	is_int(r.n_reasons, 3, "locked off and no EPT: firmware, EPT, VPID");
}

static void test_intel_unreadable(void)
{
	struct fake_cpu f;
	struct cpu_report r;

	intel_good(&f);
	drop_msr(&f, 0x3A);
	run(&f, &r);
	is_int(r.verdict, CPU_UNKNOWN, "feature control unreadable: unknown");
	ok(!r.fw_known, "feature control unreadable: firmware not known");
	ok(r.n_reasons == 2 && has_reason(&r, fake_why),
	   "feature control unreadable: what it means and rdmsr's reason");

	intel_good(&f);
	f.n_msrs = 0;
	run(&f, &r);
	is_int(r.verdict, CPU_UNKNOWN, "no MSR readable: unknown");

	/* Leaf 80000000h unreadable says nothing about long mode. */
	intel_good(&f);
	for (size_t i = 0; i < f.n_leaves; i++)
		if (f.leaves[i].leaf == 0x80000000u)
			f.leaves[i] = f.leaves[--f.n_leaves];
	run(&f, &r);
	is_int(r.verdict, CPU_UNKNOWN, "extended leaves unreadable: unknown");

	intel_good(&f);
	drop_msr(&f, 0x48B);
	run(&f, &r);
	is_int(r.verdict, CPU_UNKNOWN, "secondary controls unreadable");
	ok(!r.ept && !r.unrestricted_guest, "so EPT and UG not claimed");

	/* CPUID alone proves it: no VMX, and MSRs are never touched. */
	intel_good(&f);
	set_leaf(&f, 1, 0x000906EA, 0, 0, 0);
	f.n_msrs = 0;
	run(&f, &r);
	is_int(r.verdict, CPU_INCAPABLE, "no vmx, no MSRs: incapable wins");
	is_int(f.msr_reads, 0, "no vmx: no MSR read");
	is_int(r.backend, CPU_BACKEND_NONE, "no vmx: no backend");
}

static void test_intel_features(void)
{
	struct fake_cpu f;
	struct cpu_report r;

	intel_good(&f);
	set_msr(&f, 0x48B, (uint64_t)((1u << 5) | (1u << 7)) << 32);
	run(&f, &r);
	is_int(r.verdict, CPU_INCAPABLE, "no EPT: incapable");
	ok(!r.ept && r.unrestricted_guest, "no EPT: flags");
	ok(has_reason(&r, "EPT"), "no EPT: says so");

	intel_good(&f);
	set_msr(&f, 0x48B, (uint64_t)((1u << 1) | (1u << 5)) << 32);
	run(&f, &r);
	is_int(r.verdict, CPU_INCAPABLE, "no unrestricted guest: incapable");
	ok(has_reason(&r, "unrestricted guest"), "no UG: says so");

	intel_good(&f);
	set_msr(&f, 0x48B, (uint64_t)((1u << 1) | (1u << 7)) << 32);
	run(&f, &r);
	is_int(r.verdict, CPU_CAPABLE, "no VPID: still capable");
	ok(!r.vpid && has_reason(&r, "VPID"), "no VPID: a note");

	intel_good(&f);
	set_msr(&f, 0x48E, 0);
	run(&f, &r);
	is_int(r.verdict, CPU_INCAPABLE, "no secondary controls: incapable");

	/* keel-hv needs the true controls: the plain ones do not count. */
	intel_good(&f);
	set_msr(&f, 0x480, 0);
	set_msr(&f, 0x482, (uint64_t)(1u << 31) << 32);
	run(&f, &r);
	is_int(r.verdict, CPU_INCAPABLE, "no true controls: incapable");
	ok(has_reason(&r, "true controls"), "no true controls: says so");

	intel_good(&f);
	set_msr(&f, 0x48C, (1ull << 6) | (1ull << 16));
	run(&f, &r);
	is_int(r.verdict, CPU_INCAPABLE, "EPT without write-back: incapable");
}

/* What keel-hv's probe refuses, check-cpu must refuse too. */
static void test_intel_hv_needs(void)
{
	struct fake_cpu f;
	struct cpu_report r;

	intel_good(&f);
	set_msr(&f, 0x48C, (1ull << 6) | (1ull << 14) | (1ull << 32) |
		(1ull << 42));
	run(&f, &r);
	is_int(r.verdict, CPU_INCAPABLE, "EPT without 2 MiB pages: incapable");
	ok(!r.ept && has_reason(&r, "2 MiB"), "no 2 MiB EPT pages: says so");

	intel_good(&f);
	set_msr(&f, 0x48D, (uint64_t)(1u << 3) << 32);
	run(&f, &r);
	is_int(r.verdict, CPU_INCAPABLE, "no virtual NMIs: incapable");
	ok(has_reason(&r, "virtual NMIs"), "no virtual NMIs: says so");

	intel_good(&f);
	set_msr(&f, 0x48E, (uint64_t)((1u << 22) | (1u << 25) |
				      (1u << 31)) << 32);
	run(&f, &r);
	is_int(r.verdict, CPU_INCAPABLE, "no MSR bitmaps: incapable");

	intel_good(&f);
	set_msr(&f, 0x490, (uint64_t)(1u << 14) << 32);
	run(&f, &r);
	is_int(r.verdict, CPU_INCAPABLE, "no EFER load on entry: incapable");
	ok(has_reason(&r, "EFER"), "no EFER load: says so");

	/* VPID without INVVPID all-context: keel-hv leaves VPID off. */
	intel_good(&f);
	set_msr(&f, 0x48C, (1ull << 6) | (1ull << 14) | (1ull << 16));
	run(&f, &r);
	is_int(r.verdict, CPU_CAPABLE, "VPID without INVVPID: capable");
	ok(!r.vpid && has_reason(&r, "VPID"), "VPID without INVVPID: a note");
}

static void test_amd(void)
{
	struct fake_cpu f;
	struct cpu_report r;

	amd_good(&f);
	run(&f, &r);
	is_int(r.verdict, CPU_CAPABLE, "amd-v: capable");
	is_int(r.vendor, CPU_VENDOR_AMD, "amd-v: vendor");
	is_int(r.backend, CPU_BACKEND_AMDV, "amd-v: backend");
	ok(r.svm && r.npt && r.nrip_save && r.decode_assists,
	   "amd-v: SVM, NPT, NRIP save, decode assists");
	is_int(r.asids, 0x8000, "amd-v: ASIDs");
	/* A20F12h: family Fh + 0Ah = 19h, model 21h, stepping 2 */
	ok(r.family == 0x19 && r.model == 0x21 && r.stepping == 2,
	   "amd-v: display family/model/stepping 19/21/2");
	ok(r.fw_known && r.fw_enabled && !r.fw_locked, "amd-v: firmware on");
	is_int(r.n_reasons, 0, "amd-v: nothing to say");

	amd_good(&f);
	set_msr(&f, 0xC0010114, (1u << 4) | (1u << 3));
	run(&f, &r);
	is_int(r.verdict, CPU_DISABLED, "svmdis set: disabled");
	ok(has_reason(&r, "enable SVM Mode / AMD-V in the firmware setup "
		      "(BIOS/UEFI)"), "svmdis set: firmware advice");
	ok(!r.fw_enabled && r.fw_locked, "svmdis set: flags");

	amd_good(&f);
	set_msr(&f, 0xC0010114, 1u << 3);
	run(&f, &r);
	is_int(r.verdict, CPU_CAPABLE, "svm locked on: capable");
	ok(r.fw_locked && r.fw_enabled, "svm locked on: flags");

	amd_good(&f);
	set_leaf(&f, 0x8000000A, 1, 0x8000, 0, 0x88);
	run(&f, &r);
	is_int(r.verdict, CPU_INCAPABLE, "no NPT: incapable");
	ok(has_reason(&r, "nested paging"), "no NPT: says so");

	amd_good(&f);
	f.n_msrs = 0;
	run(&f, &r);
	is_int(r.verdict, CPU_UNKNOWN, "VM_CR unreadable: unknown");
	ok(r.n_reasons == 2 && has_reason(&r, fake_why),
	   "VM_CR unreadable: what it means and rdmsr's reason");

	amd_good(&f);
	f.n_msrs = 0;
	set_leaf(&f, 0x8000000A, 1, 0x8000, 0, 0);
	run(&f, &r);
	is_int(r.verdict, CPU_INCAPABLE, "no NPT, VM_CR unreadable: incapable");
	ok(has_reason(&r, "NRIP") && has_reason(&r, "decode assists"),
	   "no NRIP save, no decode assists: notes");

	amd_good(&f);
	set_leaf(&f, 0x80000001, 0, 0, 0, 1u << 29);
	run(&f, &r);
	is_int(r.verdict, CPU_INCAPABLE, "no SVM: incapable");
	is_int(f.msr_reads, 0, "no SVM: no MSR read");

	amd_good(&f);
	set_leaf(&f, 0, 0x10, 0x6F677948u, 0x656E6975u, 0x6E65476Eu);
	run(&f, &r);
	is_int(r.vendor, CPU_VENDOR_HYGON, "HygonGenuine: hygon");
	is_int(r.backend, CPU_BACKEND_AMDV, "hygon: amd-v");
}

static void test_hypervisor(void)
{
	struct fake_cpu f;
	struct cpu_report r;

	/* "KVMKVMKVM\0\0\0" in EBX, ECX, EDX. */
	intel_good(&f);
	set_leaf(&f, 1, 0x000906EA, 0, 1u << 31, 0);
	set_leaf(&f, 0x40000000, 0x40000001, 0x4B4D564B, 0x564B4D56, 0x4D);
	run(&f, &r);
	ok(r.under_hypervisor, "kvm: under a hypervisor");
	is_str(r.hypervisor_id, "KVMKVMKVM", "kvm: its id");
	is_int(r.verdict, CPU_INCAPABLE, "kvm without nested VMX: incapable");
	ok(has_reason(&r, "nested virtualization"), "kvm: says nested");

	/* "Microsoft Hv" passing VT-x on: capable, with the note. */
	intel_good(&f);
	set_leaf(&f, 1, 0x000906EA, 0, (1u << 31) | (1u << 5), 0);
	set_leaf(&f, 0x40000000, 0x40000006, 0x7263694D, 0x666F736F,
		 0x76482074);
	run(&f, &r);
	is_str(r.hypervisor_id, "Microsoft Hv", "hyper-v: its id");
	is_int(r.verdict, CPU_CAPABLE, "hyper-v with nested VT-x: capable");
	ok(r.n_reasons == 1 && has_reason(&r, "nested virtualization"),
	   "hyper-v: the nested note");
}

static void test_other(void)
{
	struct fake_cpu f;
	struct cpu_report r;

	intel_good(&f);
	set_leaf(&f, 0x80000001, 0, 0, 0, 0);
	run(&f, &r);
	is_int(r.verdict, CPU_INCAPABLE, "no long mode: incapable");
	ok(!r.long_mode && has_reason(&r, "64-bit"), "no long mode: says so");

	intel_good(&f);
	set_leaf(&f, 0, 0x16, 0x68532020, 0x20206961, 0x68676E61);
	run(&f, &r);
	is_int(r.vendor, CPU_VENDOR_ZHAOXIN, "\"  Shanghai  \": zhaoxin");
	is_int(r.backend, CPU_BACKEND_VTX, "zhaoxin: vt-x");

	intel_good(&f);
	set_leaf(&f, 0, 0x16, 0x61746E65, 0x4D547861, 0x6E69756E);
	run(&f, &r);
	is_int(r.vendor, CPU_VENDOR_OTHER, "unknown vendor: other");
	is_int(r.verdict, CPU_INCAPABLE, "unknown vendor: incapable");

	memset(&f, 0, sizeof f);
	run(&f, &r);
	ok(r.verdict == CPU_UNKNOWN && r.n_reasons == 1,
	   "no CPUID at all: unknown, with a reason");

	is_str(cpu_verdict_name(CPU_DISABLED), "disabled", "verdict name");
	is_str(cpu_vendor_name(CPU_VENDOR_ZHAOXIN), "zhaoxin", "vendor name");
	is_str(cpu_backend_name(CPU_BACKEND_AMDV), "amd-v", "backend name");
}

/* The real dumps, results written by hand from each processor's documented
 * features. With no MSR readable, VT-x or AMD-V with nested paging in CPUID
 * is CPU_UNKNOWN (IA32_FEATURE_CONTROL, the VMX capability MSRs, VM_CR are
 * required); only what CPUID alone proves incapable is CPU_INCAPABLE. */
struct dump_case {
	const char *file;
	enum cpu_vendor vendor;
	enum cpu_backend backend;
	bool long_mode, svm, npt, vmx;
	enum cpu_verdict verdict;
	uint32_t family, model, stepping;   /* from the signature in the name */
	const char *brand;
};

#define I CPU_VENDOR_INTEL
#define A CPU_VENDOR_AMD
#define VTX CPU_BACKEND_VTX
#define AMDV CPU_BACKEND_AMDV
#define NONE CPU_BACKEND_NONE
#define UNK CPU_UNKNOWN
#define INC CPU_INCAPABLE

static const struct dump_case dump_cases[] = {
	/* Athlon 64 X2 3800+ (K8 rev E, socket 939): AMD64 but no AMD-V,
	 * which came with K8 rev F (socket AM2). */
	{ "AuthenticAMD0020FB1_K8_Manchester_CPUID.txt", A, NONE,
	  true, false, false, false, INC, 0xF, 0x2B, 1,
	  "AMD Athlon(tm) 64 X2 Dual Core Processor 3800+" },
	/* Opteron 2347 HE (Barcelona, family 10h): AMD-V with the first
	 * nested paging (RVI). */
	{ "AuthenticAMD0100F21_K10_Barcelona_CPUID.txt", A, AMDV,
	  true, true, true, false, UNK, 0x10, 2, 1,
	  "Quad-Core AMD Opteron(tm) Processor 2347 HE" },
	/* Windows-on-Arm x64 emulation on a Snapdragon X1 ("Virtual CPU"):
	 * the emulated processor is 64-bit but offers no SVM and no VMX, and
	 * does not set the hypervisor bit. */
	{ "AuthenticAMD0600F01_X1_x64_CPUID.txt", A, NONE,
	  true, false, false, false, INC, 0x15, 0, 1,
	  "Virtual CPU @ 3.24GHz" },
	/* Opteron 6274 (Interlagos, Bulldozer, family 15h): AMD-V with
	 * nested paging. */
	{ "AuthenticAMD0600F12_Interlagos_CPUID.txt", A, AMDV,
	  true, true, true, false, UNK, 0x15, 1, 2,
	  "AMD Opteron(TM) Processor 6274" },
	/* EPYC 7742 (Rome, Zen 2): AMD-V, NPT, NRIP save, decode assists. */
	{ "AuthenticAMD0830F10_K17_Rome_CPUID.txt", A, AMDV,
	  true, true, true, false, UNK, 0x17, 0x31, 0,
	  "AMD EPYC 7742 64-Core Processor" },
	/* EPYC 7763 (Milan, Zen 3): AMD-V, NPT, NRIP save, decode assists. */
	{ "AuthenticAMD0A00F11_K19_Milan_02_CPUID.txt", A, AMDV,
	  true, true, true, false, UNK, 0x19, 1, 1,
	  "AMD EPYC 7763 64-Core Processor" },
	/* Ryzen 7 5800X3D (Vermeer, Zen 3): AMD-V, NPT, NRIP, decode. */
	{ "AuthenticAMD0A20F12_K19_Vermeer_00_CPUID.txt", A, AMDV,
	  true, true, true, false, UNK, 0x19, 0x21, 2,
	  "AMD Ryzen 7 5800X3D 8-Core Processor" },
	/* VIA C3 Nehemiah: a 32-bit processor without VMX (VIA's VT came
	 * with the Isaiah Nano). */
	{ "CentaurHauls0000698_C5P_Nehemiah_CPUID.txt", CPU_VENDOR_CENTAUR,
	  NONE, false, false, false, false, INC, 6, 9, 8, "VIA Nehemiah" },
	/* Zhaoxin KX-6000 (LuJiaZui), family 7 model 3Bh: x86-64 with VMX;
	 * EPT and unrestricted guest live in MSRs. */
	{ "CentaurHauls00307B2_KX6000_01_CPUID.txt", CPU_VENDOR_CENTAUR, VTX,
	  true, false, false, true, UNK, 7, 0x3B, 2,
	  "ZHAOXIN KaiXian KX-6000G/4@2.6GHz" },
	/* Core 2 Extreme X6800 (Conroe): Intel 64 and VT-x (its EPT
	 * absence is only visible in the VMX MSRs). */
	{ "GenuineIntel00006F6_Conroe_CPUID.txt", I, VTX,
	  true, false, false, true, UNK, 6, 0xF, 6,
	  "Intel(R) Core(TM)2 CPU         X6800  @ 2.93GHz" },
	/* Pentium 4 (Prescott, stepping F34h): neither Intel 64 (EM64T came
	 * with model 4) nor VT-x. */
	{ "GenuineIntel0000F34_P4_Prescott_CPUID.txt", I, NONE,
	  false, false, false, false, INC, 0xF, 3, 4,
	  "Intel(R) Pentium(R) 4 CPU 3.00GHz" },
	/* Atom 230 (Diamondville): Intel 64, but no VT-x. */
	{ "GenuineIntel00106C2_Diamondville_CPUID.txt", I, NONE,
	  true, false, false, false, INC, 6, 0x1C, 2,
	  "Intel(R) Atom(TM) CPU  230   @ 1.60GHz" },
	/* Core i5-2400 (Sandy Bridge): VT-x with EPT. */
	{ "GenuineIntel00206A7_SandyBridge_CPUID.txt", I, VTX,
	  true, false, false, true, UNK, 6, 0x2A, 7,
	  "Intel(R) Core(TM) i5-2400 CPU @ 3.10GHz" },
	/* Xeon E5-2699 v3 (Haswell-EP): VT-x with EPT. */
	{ "GenuineIntel00306F2_HaswellEP_CPUID.txt", I, VTX,
	  true, false, false, true, UNK, 6, 0x3F, 2,
	  "Intel(R) Xeon(R) CPU E5-2699 v3 @ 2.30GHz" },
	/* Xeon Gold 6154 (Skylake-SP): VT-x with EPT. */
	{ "GenuineIntel0050654_SkylakeXeon_CPUID.txt", I, VTX,
	  true, false, false, true, UNK, 6, 0x55, 4,
	  "Intel(R) Xeon(R) Gold 6154 CPU @ 3.00GHz" },
	/* Xeon w7-2475X (Sapphire Rapids): VT-x with EPT. */
	{ "GenuineIntel00806F8_SapphireRapids_05_CPUID.txt", I, VTX,
	  true, false, false, true, UNK, 6, 0x8F, 8,
	  "Intel(R) Xeon(R) w7-2475X" },
	/* Core i5-12400 (Alder Lake): VT-x with EPT. */
	{ "GenuineIntel0090672_AlderLake_02_CPUID.txt", I, VTX,
	  true, false, false, true, UNK, 6, 0x97, 2,
	  "12th Gen Intel(R) Core(TM) i5-12400" },
	/* Hygon C86 3185 (Dhyana, Zen-derived, family 18h): AMD-V with NPT. */
	{ "HygonGenuine0900F02_Hygon_CPUID.txt", CPU_VENDOR_HYGON, AMDV,
	  true, true, true, false, UNK, 0x18, 0, 2,
	  "Hygon C86 3185  8-core Processor" },
};


static void check_report(const struct cpu_report *r, const char *f,
			 const struct dump_case *c)
{
	is_str(cpu_vendor_name(r->vendor), cpu_vendor_name(c->vendor),
	       "%s: vendor", f);
	is_str(cpu_backend_name(r->backend), cpu_backend_name(c->backend),
	       "%s: backend", f);
	ok(r->long_mode == c->long_mode && r->svm == c->svm &&
	   r->npt == c->npt && r->vmx == c->vmx,
	   "%s: long mode %d svm %d npt %d vmx %d", f, c->long_mode, c->svm,
	   c->npt, c->vmx);
	is_str(cpu_verdict_name(r->verdict), cpu_verdict_name(c->verdict),
	       "%s: verdict", f);
	ok(r->family == c->family && r->model == c->model &&
	   r->stepping == c->stepping, "%s: family %X model %X stepping %X",
	   f, c->family, c->model, c->stepping);
	is_str(r->brand, c->brand, "%s: brand", f);
	ok(!r->fw_known && !r->under_hypervisor,
	   "%s: firmware state unknown, no hypervisor", f);
}

static void check_dump(const char *dir, const struct dump_case *c)
{
	struct keel_error err = { 0 };
	struct cpuid_dump d;
	struct cpu_report r;
	char path[4096 + 128];      /* dump_dir's buffer and a file name */

	snprintf(path, sizeof path, "%s/%s", dir, c->file);
	if (!is_int(cpuid_dump_load(path, &d, &err), 0, "%s: loads", c->file))
		diag("%s", err.msg);
	else if (ok(d.n_cpus > 0, "%s: has CPUs", c->file)) {
		struct cpu_source src = cpuid_dump_source(&d, 0);

		cpu_check(&src, &r);
		check_report(&r, c->file, c);
	}
	if (err.code == KEEL_OK)
		cpuid_dump_free(&d);
}

static void test_dumps(void)
{
	char buf[4096];
	const char *dir = cpu_testdata_dir(buf, sizeof buf);
	size_t i;

	if (!dir) {
		ok(1, "# SKIP no CPUID dumps (KEEL_TESTDATA unset, and no "
		   "../shared/testdata next to the source tree)");
		return;
	}
	for (i = 0; i < sizeof dump_cases / sizeof dump_cases[0]; i++)
		check_dump(dir, &dump_cases[i]);
}

int main(void)
{
	test_intel_capable();
	test_intel_firmware();
	test_intel_unreadable();
	test_intel_features();
	test_intel_hv_needs();
	test_amd();
	test_hypervisor();
	test_other();
	test_dumps();
	return done_testing();
}
